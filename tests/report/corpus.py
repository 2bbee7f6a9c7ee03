"""A small annotated corpus with hand-counted totals for the report tests (offsets computed, not typed)."""

from __future__ import annotations

from typing import Any

# (sentence, [(surface, label, status)], [signal labels])
Sentence = tuple[str, list[tuple[str, str, str]], list[str]]
MODEL = {"name": "vawg_protect", "version": "0.2"}

DOCS: dict[str, tuple[dict[str, Any], list[Sentence]]] = {
    "kent-a": (
        {"force": "Kent", "date": "2022-05-01", "document_type": "case_file", "reader": "pdf",
         "methods": ["text", "ocr"], "page_count": 2, "model": MODEL},
        [
            ("Officers attended on 12/04/2022 at 0130hrs.", [], []),
            ("The suspect was bailed with conditions.", [("bailed", "BAIL", "used")], []),
            ("He breached his bail the next day.", [("bail", "BAIL", "breached")], ["BREACH_NOT_ACTIONED"]),
            ("No DVPN was considered.", [("DVPN", "DVPN", "not_used")], ["ORDER_NOT_CONSIDERED"]),
        ],
    ),
    "kent-b": (
        {"force": "Kent", "date": "2023-02-10", "document_type": "review", "reader": "docx", "model": MODEL},
        [
            ("A DVPO was granted.", [("DVPO", "DVPO", "used")], []),
            ("The DVPO was breached twice.", [("DVPO", "DVPO", "breached")], ["BREACH_NOT_ACTIONED"]),
            ("The victim was not told.", [], ["VICTIM_NOT_INFORMED"]),
        ],
    ),
    "essex-a": (
        {"force": "Essex", "date": "2023-07-01", "document_type": "case_file", "reader": "pdf",
         "methods": ["ocr", "ocr"], "page_count": 2},
        [
            ("A MARAC referral was made.", [("MARAC", "MARAC", "used")], []),
            ("Bail lapsed without review.", [("Bail", "BAIL", "ended")], ["BAIL_LAPSED"]),
            ("There was a delay in arrest.", [], ["DELAY"]),
            ("The risk was not assessed and the arrest was slow.", [], ["RISK_NOT_ASSESSED", "DELAY"]),
        ],
    ),
    "undated": (
        {"annotate_error": "ValueError: boom"},
        [
            ("Guidance says a DVPN can last 48 hours.", [("DVPN", "DVPN", "generic")], []),
            ("Nothing else happened.", [], []),
        ],
    ),
}  # fmt: skip

TOTALS = {"documents": 4, "sentences": 13, "mentions": 8, "signals": 8}


def record(doc_id: str, meta: dict[str, Any], sentences: list[Sentence]) -> dict[str, Any]:
    """One record: sentences joined by a space, mention offsets found in their sentence."""
    text, entities, signals = "", [], []
    for sentence, mentions, labels in sentences:
        start = len(text) + (1 if text else 0)
        text = f"{text} {sentence}" if text else sentence
        for surface, label, status in mentions:
            at = start + sentence.index(surface)
            entities.append({"start": at, "end": at + len(surface), "label": label, "status": status})
        signals += [{"start": start, "end": start + len(sentence), "label": g} for g in labels]
    return {"id": doc_id, "text": text, "meta": meta, "entities": entities, "signals": signals}


def records() -> list[dict[str, Any]]:
    return [record(doc_id, meta, sents) for doc_id, (meta, sents) in DOCS.items()]


CASE_TEXT = (
    "Case log OP-77.\n"
    "14/04/2023 0900hrs Suspect released on bail with conditions not to contact the victim.\n"
    "12/04/2023 0130hrs Officers attended after a 999 call. DASH completed as high risk.\n"
    "The next day a DVPN was authorised. No referral was made to MARAC.\n"
    "3rd May Victim reported a breach of bail. The breach was not actioned.\n"
    "The following week bail lapsed without review.\n"
)


def case_record() -> dict[str, Any]:
    """A case log written out of date order, over two pages."""
    text = CASE_TEXT

    def span(surface: str, occurrence: int = 0) -> tuple[int, int]:
        at = -1
        for _ in range(occurrence + 1):
            at = text.index(surface, at + 1)
        return at, at + len(surface)

    entities = []
    for surface, label, status, n in [
        ("bail", "BAIL", "used", 0), ("DASH", "DASH", "used", 0), ("DVPN", "DVPN", "used", 0),
        ("MARAC", "MARAC", "not_used", 0), ("bail", "BAIL", "breached", 1), ("bail", "BAIL", "ended", 2),
    ]:  # fmt: skip
        s, e = span(surface, n)
        entities.append({"start": s, "end": e, "label": label, "status": status})
    signals = []
    for sentence, label in [
        ("No referral was made to MARAC.", "NO_REFERRAL"),
        ("The breach was not actioned.", "BREACH_NOT_ACTIONED"),
        ("The following week bail lapsed without review.", "BAIL_LAPSED"),
    ]:
        s, e = span(sentence)
        signals.append({"start": s, "end": e, "label": label})
    page2 = text.index("The next day")
    return {
        "id": "case-77",
        "text": text,
        "meta": {"force": "Kent", "date": "2023-06-01"},
        "pages": [{"page": 1, "start": 0, "end": page2}, {"page": 2, "start": page2, "end": len(text)}],
        "entities": entities,
        "signals": signals,
    }


def custody_record() -> dict[str, Any]:
    """A second document of the same case: the custody record."""
    text = "12/04 Detained. 13/04/2023 1000hrs IDVA referral made."
    at = text.index("IDVA")
    return {
        "id": "case-77-custody",
        "text": text,
        "meta": {"force": "Kent", "date": "2023-04-14", "document_type": "custody_record"},
        "entities": [{"start": at, "end": at + 4, "label": "IDVA", "status": "used"}],
        "signals": [],
    }
