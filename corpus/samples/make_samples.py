"""Regenerate the sample PDFs used by `make demo` (invented content; no real people or cases).

    .venv/bin/python corpus/samples/make_samples.py

Writes inspection-report.pdf (three pages: running head and footer, prose, a two-column page and
a ruled table of figures) and scanned-custody-note.pdf (one image-only page that needs OCR).
The output is byte-for-byte reproducible (reportlab's invariant mode, fixed image).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.ingest.pdf_factory import MARGIN, PAGE_H, PAGE_W, Builder  # noqa: E402

HEADER = "Northshire Constabulary - Inspection of the use of protective measures (invented sample)"
FOOTER = "Page {page} of {pages}"

SUMMARY = [
    "This inspection looked at how Northshire Constabulary uses the protective measures available to "
    "it when it responds to domestic abuse. We read 120 case files from the twelve months to March "
    "and spoke to officers, custody sergeants and the independent domestic violence advisers who "
    "support victims.",
    "Officers completed a DASH risk assessment in almost every case, and high-risk cases were referred "
    "to MARAC promptly. However, the force seldom used a Domestic Violence Protection Notice (DVPN) "
    "even where the suspect had been released from custody without charge and the victim remained at "
    "risk. In 31 of the 120 files a DVPN was not considered at all.",
    "We found that suspects were released under investigation (RUI) in many cases where pre-charge "
    "bail with conditions would have protected the victim. Once a suspect is RUI'd, no conditions "
    "can be attached, and victims told us they did not know whether the suspect could contact them.",
]

LEFT = [
    "Bail and release under investigation. Custody records showed that bail was considered in fewer "
    "than half of the cases where the suspect was released. Sergeants told us that the extension "
    "process made bail unattractive, so suspects were RUI'd by default.",
    "In one file the suspect was released under investigation at 0130hrs with no bail conditions "
    "considered, and returned to the victim's address the same morning.",
]
RIGHT = [
    "Non-molestation orders. Victims who held a non-molestation order reported breaches, but the "
    "breach was not always recorded as a crime. In six files officers gave words of advice instead of "
    "arresting the suspect for breaching the order.",
    "Where an arrest was made, the court later imposed a restraining order in four cases.",
]

FIGURES = [
    ["Measure", "Considered", "Used", "Breached"],
    ["DVPN", "41", "17", "5"],
    ["DVPO", "17", "15", "4"],
    ["Pre-charge bail with conditions", "58", "44", "9"],
    ["Released under investigation", "-", "63", "-"],
    ["Non-molestation order (existing)", "-", "22", "12"],
]

RECOMMENDATIONS = [
    "Recommendation 1. By the end of the year the force should make sure that a DVPN is considered "
    "and the decision recorded whenever a domestic abuse suspect is released without charge.",
    "Recommendation 2. Custody sergeants should record why pre-charge bail was not used before a "
    "suspect is released under investigation in a domestic abuse case.",
]

CUSTODY_NOTE = [
    "CUSTODY NOTE - Northshire (invented sample)",
    "Date: 14/03  Ref: CN-0000-SAMPLE",
    "Susp arrested 2245hrs for assault on ex-partner (IP).",
    "DASH completed by PC at scene - HIGH risk.",
    "Susp RUI'd 0130hrs. No bail conds considered.",
    "DVPN not considered - no supt available o/n.",
    "IP has existing non-mol order, breach not recorded.",
    "MARAC referral to follow. IDVA details given to IP.",
]


def inspection_report(path: Path) -> Path:
    b = Builder(path, header=HEADER, footer=FOOTER, pages_total=3,
                title="Inspection of the use of protective measures (sample)", author="Sample Inspectorate")
    y = b.heading("1. Summary", top=PAGE_H - 80)
    b.paragraphs(SUMMARY, top=y)
    b.new_page()
    y = b.heading("2. Findings", top=PAGE_H - 80)
    width = (PAGE_W - 2 * MARGIN - 24) / 2
    b.paragraphs(LEFT, top=y, x=MARGIN, width=width)
    b.paragraphs(RIGHT, top=y, x=MARGIN + width + 24, width=width)
    b.new_page()
    y = b.heading("3. Figures for the twelve months to March", top=PAGE_H - 80)
    y = b.table(FIGURES, top=y, widths=[200, 80, 60, 70])
    y = b.heading("4. Recommendations", top=y - 10)
    b.paragraphs(RECOMMENDATIONS, top=y)
    return b.save()


def scanned_custody_note(path: Path) -> Path:
    b = Builder(path, title="Scanned custody note (sample)")
    b.image_page(CUSTODY_NOTE, dpi=150, font_pt=14)
    return b.save()


def main() -> None:
    for made in (inspection_report(HERE / "inspection-report.pdf"),
                 scanned_custody_note(HERE / "scanned-custody-note.pdf")):
        print(f"wrote {made.relative_to(HERE.parent.parent)} ({made.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
