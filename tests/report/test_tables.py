"""Every report table against the hand-counted corpus in tests/report/corpus.py (both back-ends)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import UsageError
from pipeline.report.corpus import CorpusReport, build_report, ingest_outcome, manifest_table
from pipeline.store import CorpusStore, Filters
from tests.report.corpus import TOTALS

N_SENT, N_DOCS = 13, 4


def as_map(report: CorpusReport, name: str, key_cols: int) -> dict[tuple[object, ...], list[object]]:
    return {tuple(r[:key_cols]): r[key_cols:] for r in report.tables[name].rows}


@pytest.fixture(scope="module")
def report(store: CorpusStore) -> CorpusReport:
    return build_report(store, top=3)


def test_coverage_counts_the_whole_store(report: CorpusReport) -> None:
    cov = report.coverage
    assert (cov.documents, cov.sentences, cov.mentions, cov.signals) == tuple(TOTALS.values())
    assert cov.forces == ["Essex", "Kent", "(unknown)"]
    assert (cov.date_from, cov.date_to) == ("2022-05-01", "2023-07-01")
    assert cov.models == {"model=vawg_protect 0.2": 2, "not recorded": 2}


def test_measure_status_counts(report: CorpusReport) -> None:
    table = report.tables["measure_status"]
    assert table.columns == ["measure", "status", "count"]
    assert table.rows == [  # contract order of measures, then of statuses
        ["BAIL", "used", 1], ["BAIL", "breached", 1], ["BAIL", "ended", 1],
        ["DVPN", "not_used", 1], ["DVPN", "generic", 1],
        ["DVPO", "used", 1], ["DVPO", "breached", 1], ["MARAC", "used", 1],
    ]  # fmt: skip
    wide = {r[0]: r[1:] for r in report.tables["measure_status_wide"].rows}
    cols = report.tables["measure_status_wide"].columns[1:]
    assert dict(zip(cols, wide["BAIL"], strict=True)) == {
        "used": 1, "considered": 0, "not_used": 0, "refused": 0, "breached": 1, "ended": 1, "generic": 0,
        "total": 3,
    }  # fmt: skip
    assert list(wide) == ["BAIL", "DVPN", "DVPO", "MARAC"]


def test_signal_prevalence(report: CorpusReport) -> None:
    table = report.tables["signal_prevalence"]
    assert table.columns == [
        "signal", "count", "sentences", "documents", "per_1000_sentences", "per_document", "pct_documents",
    ]  # fmt: skip
    got = as_map(report, "signal_prevalence", 1)
    two, one = round(2000 / N_SENT, 2), round(1000 / N_SENT, 2)
    assert got == {
        ("BREACH_NOT_ACTIONED",): [2, 2, 2, two, 0.5, 50.0],
        ("DELAY",): [2, 2, 1, two, 0.5, 25.0],  # two sentences of one document
        ("ORDER_NOT_CONSIDERED",): [1, 1, 1, one, 0.25, 25.0],
        ("VICTIM_NOT_INFORMED",): [1, 1, 1, one, 0.25, 25.0],
        ("BAIL_LAPSED",): [1, 1, 1, one, 0.25, 25.0],
        ("RISK_NOT_ASSESSED",): [1, 1, 1, one, 0.25, 25.0],
    }
    assert [r[0] for r in table.rows[:2]] == ["BREACH_NOT_ACTIONED", "DELAY"]  # most frequent first


def test_by_force(report: CorpusReport) -> None:
    assert as_map(report, "force_summary", 1) == {
        ("Essex",): [1, 4, 2, 4, 1000.0],
        ("Kent",): [2, 7, 5, 4, round(4000 / 7, 2)],
        ("(unknown)",): [1, 2, 1, 0, 0.0],
    }
    assert as_map(report, "measure_status_by_force", 3) == {
        ("Essex", "BAIL", "ended"): [1], ("Essex", "MARAC", "used"): [1],
        ("Kent", "BAIL", "used"): [1], ("Kent", "BAIL", "breached"): [1], ("Kent", "DVPN", "not_used"): [1],
        ("Kent", "DVPO", "used"): [1], ("Kent", "DVPO", "breached"): [1],
        ("(unknown)", "DVPN", "generic"): [1],
    }  # fmt: skip
    assert as_map(report, "signal_prevalence_by_force", 2) == {
        ("Essex", "DELAY"): [2, 1, 500.0, 2.0],
        ("Essex", "BAIL_LAPSED"): [1, 1, 250.0, 1.0],
        ("Essex", "RISK_NOT_ASSESSED"): [1, 1, 250.0, 1.0],
        ("Kent", "BREACH_NOT_ACTIONED"): [2, 2, round(2000 / 7, 2), 1.0],
        ("Kent", "ORDER_NOT_CONSIDERED"): [1, 1, round(1000 / 7, 2), 0.5],
        ("Kent", "VICTIM_NOT_INFORMED"): [1, 1, round(1000 / 7, 2), 0.5],
    }


def test_by_year(report: CorpusReport) -> None:
    assert as_map(report, "year_summary", 1) == {
        ("2022",): [1, 4, 3, 2, 500.0],
        ("2023",): [2, 7, 4, 6, round(6000 / 7, 2)],
        ("(unknown)",): [1, 2, 1, 0, 0.0],
    }
    assert [r[0] for r in report.tables["year_summary"].rows] == ["2022", "2023", "(unknown)"]
    assert as_map(report, "measure_status_by_year", 3) == {
        ("2022", "BAIL", "used"): [1], ("2022", "BAIL", "breached"): [1], ("2022", "DVPN", "not_used"): [1],
        ("2023", "BAIL", "ended"): [1], ("2023", "DVPO", "used"): [1], ("2023", "DVPO", "breached"): [1],
        ("2023", "MARAC", "used"): [1], ("(unknown)", "DVPN", "generic"): [1],
    }  # fmt: skip
    by_year = as_map(report, "signal_prevalence_by_year", 2)
    assert by_year[("2023", "DELAY")] == [2, 1, round(2000 / 7, 2), 1.0]
    assert by_year[("2022", "BREACH_NOT_ACTIONED")] == [1, 1, 250.0, 1.0]
    assert sum(int(str(v[0])) for v in by_year.values()) == TOTALS["signals"]


def test_ingest_outcomes_from_meta(report: CorpusReport) -> None:
    assert report.tables["ingest_outcomes"].columns == [
        "reader", "outcome", "documents", "pages", "ocr_pages", "skipped_pages", "annotate_errors",
    ]  # fmt: skip
    assert as_map(report, "ingest_outcomes", 2) == {
        ("(unknown)", "ok"): [1, 0, 0, 0, 1],
        ("docx", "ok"): [1, 0, 0, 0, 0],
        ("pdf", "ocr"): [1, 2, 2, 0, 0],
        ("pdf", "ok+ocr"): [1, 2, 1, 0, 0],
    }


def test_top_documents(report: CorpusReport) -> None:
    table = report.tables["top_documents"]
    assert [r[0] for r in table.rows] == ["essex-a", "kent-a", "kent-b"]  # ties by id; top=3
    essex = dict(zip(table.columns, table.rows[0], strict=True))
    assert essex == {
        "doc_id": "essex-a", "force": "Essex", "date": "2023-07-01", "doc_type": "case_file",
        "sentences": 4, "signals": 4, "per_1000_sentences": 1000.0,
        "signals_by_label": "DELAY:2|BAIL_LAPSED:1|RISK_NOT_ASSESSED:1",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "filters", "docs", "sentences", "measure_rows"),
    [
        ("", Filters(force=("Kent",)), 2, 7, 5),
        ("", Filters(signal=("DELAY",)), 1, 4, 2),
        ("", Filters(measure=("DVPN",), status=("generic",)), 1, 2, 1),
        ("", Filters(date_from="2023-01-01"), 2, 7, 4),
        ("breached", Filters(), 2, 7, 5),
        ("breached", Filters(force=("Essex",)), 0, 0, 0),
    ],
)
def test_filters_select_documents(
    store: CorpusStore, query: str, filters: Filters, docs: int, sentences: int, measure_rows: int
) -> None:
    report = build_report(store, query, filters)
    assert (report.coverage.documents, report.coverage.sentences) == (docs, sentences)
    assert sum(r[2] for r in report.tables["measure_status"].rows) == measure_rows


def test_ingest_outcome_reads_meta() -> None:
    assert ingest_outcome({"ingest_status": "encrypted"}) == "encrypted"
    assert ingest_outcome({"methods": ["ocr", "skipped_ocr"]}) == "ocr"
    assert ingest_outcome({"methods": ["text", "ocr"]}) == "ok+ocr"
    assert ingest_outcome({"status": "not-a-status"}) == "ok"


def test_manifest_table_counts_failed_sources(tmp_path: Path) -> None:
    path = tmp_path / "manifest.jsonl"
    lines = [
        {"source": "a.pdf", "status": "ok", "pages": 3, "documents": ["a"]},
        {"source": "b.pdf", "status": "ok", "pages": 2, "documents": ["b"]},
        {"source": "c.pdf", "status": "encrypted", "reason": "needs a password", "pages": 0, "documents": []},
        {"source": "d.zip", "status": "ok", "pages": 0, "documents": ["d1", "d2"]},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + '\n{"source": "e.p', encoding="utf-8")
    table = manifest_table(path)
    assert table.rows == [["ok", 3, 4, 5, ""], ["encrypted", 1, 0, 0, "needs a password"]]
    with pytest.raises(UsageError):
        manifest_table(tmp_path / "missing.jsonl")
