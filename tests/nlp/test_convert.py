"""Doc -> record conversion: entities with status and page, signals with scores."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc, Span

from pipeline.nlp.convert import doc_to_record
from pipeline.records import Document, Page
from tests.nlp.mention_pipeline import mention_nlp


def _doc() -> tuple[Doc, Document]:
    text = "DVPN served 1900.\n\nIP says he breached the non-mol."
    doc = mention_nlp()(text)
    cut = text.index("IP")
    document = Document(
        "case-1", text, [Page(1, 0, cut - 2), Page(2, cut - 2, len(text))], {"source": "x.pdf"}
    )
    return doc, document


def test_record_carries_document_fields_and_entity_pages() -> None:
    doc, document = _doc()
    doc.ents[1]._.status = "breached"
    rec = doc_to_record(doc, document)
    assert rec["id"] == "case-1" and rec["text"] == document.text and rec["meta"] == {"source": "x.pdf"}
    assert [p["page"] for p in rec["pages"]] == [1, 2]
    assert [(e["label"], e["status"], e["page"], e["text"]) for e in rec["entities"]] == [
        ("DVPN", "used", 1, "DVPN"),
        ("NMO", "breached", 2, "non-mol"),
    ]
    for e in rec["entities"]:
        assert rec["text"][e["start"] : e["end"]] == e["text"]


def test_record_from_a_dict_document_and_signals_with_scores() -> None:
    doc, document = _doc()
    sents = list(doc.sents)
    group = [Span(doc, sents[-1].start, sents[-1].end, label="BREACH_NOT_ACTIONED")]
    doc.spans["signals"] = group
    doc.spans["signals"].attrs["scores"] = [0.8125]
    rec = doc_to_record(doc, document.to_record())
    assert rec["signals"] == [
        {
            "label": "BREACH_NOT_ACTIONED",
            "start": sents[-1].start_char,
            "end": sents[-1].end_char,
            "score": 0.8125,
        }
    ]


def test_record_without_document_has_no_pages_and_no_signals() -> None:
    doc = mention_nlp()("Nothing here.")
    rec = doc_to_record(doc)
    assert rec["pages"] == [] and rec["entities"] == [] and rec["signals"] == []


def test_text_mismatch_is_refused() -> None:
    doc = mention_nlp()("DVPN served.")
    with pytest.raises(ValueError):
        doc_to_record(doc, Document("x", "other text"))


def test_record_validates_against_the_schema(shared_dir) -> None:  # type: ignore[no-untyped-def]
    jsonschema = pytest.importorskip("jsonschema")
    import json

    schema = json.loads((shared_dir / "spec" / "record.schema.json").read_text())
    doc, document = _doc()
    jsonschema.validate(doc_to_record(doc, document), schema)
