"""Researcher reports: corpus tables and charts (`vawg report`) and case chronologies.

from pipeline.report import report_corpus, report_chronology
report, written = report_corpus("corpus.db", Path("report"), filters=Filters(force=("Kent",)))
"""

from pipeline.report.api import report_chronology, report_corpus

__all__ = ["report_chronology", "report_corpus"]
