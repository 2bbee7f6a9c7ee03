"""A small annotated corpus for the web tests, offsets computed from the text, never typed."""

from __future__ import annotations

from typing import Any

# Text that must render inert wherever it appears (id, text, metadata).
HOSTILE_ID = 'evil"><script>alert(2)</script>'
HOSTILE_TEXT = "<script>alert('xss')</script>"
HOSTILE_ATTR = '<img src=x onerror="alert(1)">'

# id -> (meta, pages); a page is a list of (sentence, [(surface, label, status)], [signal labels])
Page = list[tuple[str, list[tuple[str, str, str]], list[str]]]
DOCS: dict[str, tuple[dict[str, Any], list[Page]]] = {
    "kent-001": (
        {
            "force": "Kent",
            "date": "2023-03-10",
            "document_type": "case_file",
            "source": "kent-001.pdf",
            "reader": "pdf",
            "methods": ["text", "text", "ocr"],
        },
        [
            [
                ("Officers attended after a 999 call from the victim.", [], []),
                ("A DASH risk assessment was completed at the scene.", [("DASH", "DASH", "used")], []),
            ],
            [
                (
                    "The suspect was bailed with conditions not to contact her.",
                    [("bailed", "BAIL", "used")],
                    [],
                ),
                (
                    "Two weeks later he breached the DVPO by turning up at her flat.",
                    [("DVPO", "DVPO", "breached")],
                    ["BREACH_NOT_ACTIONED"],
                ),
                ("No arrest was made for the breach.", [], ["BREACH_NOT_ACTIONED"]),
            ],
            [("The case was closed with no further action.", [], ["CASE_CLOSED_UNPROTECTED"])],
        ],
    ),
    "essex-007": (
        {
            "force": "Essex",
            "date": "2022-06-01",
            "document_type": "inspection_report",
            "source": "essex.docx",
        },
        [
            [
                ("Forces should consider a DVPN in every eligible case.", [("DVPN", "DVPN", "generic")], []),
                (
                    "In this case officers did not consider a DVPO.",
                    [("DVPO", "DVPO", "not_used")],
                    ["ORDER_NOT_CONSIDERED"],
                ),
            ],
        ],
    ),
    "met-003": (
        {"force": "Metropolitan", "date": "2021-11-20", "document_type": "case_file"},
        [
            [
                (
                    "The suspect was released under investigation.",
                    [("released under investigation", "RUI", "used")],
                    ["RELEASED_WITHOUT_CONDITIONS"],
                ),
                ("A referral to the IDVA was made.", [("IDVA", "IDVA", "used")], []),
            ],
        ],
    ),
    "formula-1": (
        {"force": "Essex", "date": "2022-01-05", "document_type": "case_file"},
        [
            [
                (
                    '=HYPERLINK("http://example.invalid") the DVPN was served on him.',
                    [("DVPN", "DVPN", "used")],
                    [],
                )
            ]
        ],
    ),
    HOSTILE_ID: (
        {
            "force": "Kent",
            "date": "2023-05-05",
            "document_type": "case_file",
            "source": "<svg onload=alert(3)>",
            "reader": HOSTILE_ATTR,
        },
        [
            [
                (
                    f"The note said {HOSTILE_TEXT} next to the DVPO entry.",
                    [("DVPO", "DVPO", "considered")],
                    [],
                ),
                (f"Another field held {HOSTILE_ATTR} as text.", [], ["DELAY"]),
            ],
        ],
    ),
}
# Filler so that a word search spans more than one page of results.
for _n in range(1, 26):
    DOCS[f"note-{_n:02d}"] = (
        {"force": "Surrey", "date": f"20{20 + _n % 4}-0{1 + _n % 9}-15", "document_type": "log"},
        [[(f"Log entry {_n}: the victim was spoken to by phone.", [], [])]],
    )


def build(doc_id: str) -> dict[str, Any]:
    """The record of one fixture document (sentences joined by a space, pages by a blank line)."""
    meta, pages = DOCS[doc_id]
    text = ""
    page_rows: list[dict[str, int]] = []
    entities: list[dict[str, Any]] = []
    signals: list[dict[str, Any]] = []
    for number, sentences in enumerate(pages, 1):
        if text:
            text += "\n\n"
        page_start = len(text)
        for i, (sentence, mentions, sigs) in enumerate(sentences):
            if i:
                text += " "
            start = len(text)
            text += sentence
            for surface, label, status in mentions:
                at = start + sentence.index(surface)
                entities.append(
                    {
                        "start": at,
                        "end": at + len(surface),
                        "label": label,
                        "status": status,
                        "text": surface,
                        "page": number,
                    }
                )
            signals += [{"label": s, "start": start, "end": len(text), "score": 0.9} for s in sigs]
        page_rows.append({"page": number, "start": page_start, "end": len(text)})
    return {
        "id": doc_id,
        "text": text,
        "pages": page_rows,
        "meta": meta,
        "entities": entities,
        "signals": signals,
    }


def records() -> list[dict[str, Any]]:
    return [build(doc_id) for doc_id in DOCS]


def offset_of(doc_id: str, surface: str) -> int:
    return build(doc_id)["text"].index(surface)
