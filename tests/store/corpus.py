"""A small hand-made annotated corpus for the store tests, with offsets computed, not typed."""

from __future__ import annotations

from typing import Any

# (text, [(surface, label, status)], [signal labels]) per sentence
Sentence = tuple[str, list[tuple[str, str, str]], list[str]]

DOCS: dict[str, tuple[dict[str, Any], list[Sentence], list[int]]] = {
    # id: (meta, sentences, index of the first sentence of each page after page 1)
    "k1": (
        {"force": "Kent", "date": "2023-03-10", "document_type": "case_file", "source": "k1.pdf"},
        [
            ("Officers attended the address after a 999 call.", [], []),
            (
                "The suspect breached the DVPO by contacting the victim.",
                [("DVPO", "DVPO", "breached")],
                ["BREACH_NOT_ACTIONED"],
            ),
            ("No arrest was made for the breach.", [], ["BREACH_NOT_ACTIONED"]),
            ("A DASH risk assessment was completed.", [("DASH", "DASH", "used")], []),
        ],
        [2],
    ),
    "k2": (
        {"force": "Kent", "date": "2022-07-01", "type": "review"},
        [
            ("Bail conditions were not extended and lapsed.", [("Bail", "BAIL", "ended")], ["BAIL_LAPSED"]),
            ("The victim was not informed of the release.", [], ["VICTIM_NOT_INFORMED"]),
            (
                "A non-molestation order was considered but not pursued.",
                [("non-molestation order", "NMO", "considered")],
                ["ORDER_APPLICATION_FAILED"],
            ),
        ],
        [],
    ),
    "e1": (
        {"force": "Essex", "date": "20/11/2023", "document_type": "case_file"},
        [
            ("The DVPO was granted at court.", [("DVPO", "DVPO", "used")], []),
            ("He breached the DVPO twice in December.", [("DVPO", "DVPO", "breached")], []),
            ("Each breach was recorded and he was arrested.", [], []),
        ],
        [1, 2],
    ),
    "e2": (
        {"force": "Essex", "date": "2021-02-14", "document_type": "inspection_report"},
        [
            ("Forces should consider a DVPN in every eligible case.", [("DVPN", "DVPN", "generic")], []),
            ("Officers did not consider a DVPO.", [("DVPO", "DVPO", "not_used")], ["ORDER_NOT_CONSIDERED"]),
        ],
        [],
    ),
    "m1": (
        {"force": "Metropolitan", "document_type": "case_file"},
        [
            (
                "Café staff called police; the suspect was released under investigation.",
                [("released under investigation", "RUI", "used")],
                ["RELEASED_WITHOUT_CONDITIONS"],
            ),
            ("The victim's IDVA was told.", [("IDVA", "IDVA", "used")], []),
        ],
        [],
    ),
    "x1": (
        {},
        [
            (
                "Breaching a restraining order is a criminal offence.",
                [("restraining order", "RESTRAINING_ORDER", "generic")],
                [],
            )
        ],
        [],
    ),
}


def build(doc_id: str) -> dict[str, Any]:
    """The record of one fixture document (sentences joined by a space, pages by a blank line)."""
    meta, sentences, page_breaks = DOCS[doc_id]
    text = ""
    spans: list[tuple[int, int]] = []
    pages: list[dict[str, int]] = []
    entities: list[dict[str, Any]] = []
    signals: list[dict[str, Any]] = []
    page_start = 0
    for n, (sentence, mentions, sigs) in enumerate(sentences):
        if n in page_breaks:
            pages.append({"page": len(pages) + 1, "start": page_start, "end": len(text)})
            text += "\n\n"
            page_start = len(text)
        elif text:
            text += " "
        start = len(text)
        text += sentence
        spans.append((start, len(text)))
        for surface, label, status in mentions:
            at = start + sentence.index(surface)
            entities.append(
                {"start": at, "end": at + len(surface), "label": label, "status": status, "text": surface}
            )
        signals += [{"label": s, "start": start, "end": len(text), "score": 0.8} for s in sigs]
    pages.append({"page": len(pages) + 1, "start": page_start, "end": len(text)})
    return {
        "id": doc_id,
        "text": text,
        "pages": pages,
        "meta": meta,
        "entities": entities,
        "signals": signals,
    }


def records() -> list[dict[str, Any]]:
    return [build(doc_id) for doc_id in DOCS]


def sentence_start(doc_id: str, index: int) -> int:
    """Character offset where sentence `index` of a fixture document starts."""
    record = build(doc_id)
    return record["text"].index(DOCS[doc_id][1][index][0])
