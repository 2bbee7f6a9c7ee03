"""The one place a spaCy `Doc` becomes a record (../shared/spec/record.schema.json format).

Entities come from `doc.ents` with `ent._.status`; signals from `doc.spans["signals"]`,
where each span is a sentence whose `label_` is a signal code and the optional scores are
the parallel list `doc.spans["signals"].attrs["scores"]`. Pages, meta and id come from the
source document when one is given.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp import extensions  # noqa: F401
from pipeline.records import Document, Page

DEFAULT_STATUS = "used"


def _as_document(document: Document | dict[str, Any] | None) -> Document | None:
    if document is None or isinstance(document, Document):
        return document
    return Document.from_record(document)


def _page_of(pages: list[Page], offset: int) -> int | None:
    for p in pages:
        if p.start <= offset < p.end:
            return p.page
    return None


def entities_of(doc: Doc, pages: list[Page] | None = None) -> list[dict[str, Any]]:
    """The entity objects of a record: start, end, label, status, text and page if known."""
    out: list[dict[str, Any]] = []
    for ent in doc.ents:
        item: dict[str, Any] = {
            "start": ent.start_char,
            "end": ent.end_char,
            "label": ent.label_,
            "status": ent._.status or DEFAULT_STATUS,
            "text": ent.text,
        }
        page = _page_of(pages, ent.start_char) if pages else None
        if page is not None:
            item["page"] = page
        out.append(item)
    return out


def signals_of(doc: Doc) -> list[dict[str, Any]]:
    """The signal objects of a record, one per labelled sentence span (score when known)."""
    group = doc.spans.get("signals") if doc.spans is not None else None
    if group is None:
        return []
    scores = group.attrs.get("scores") or []
    out: list[dict[str, Any]] = []
    for i, span in enumerate(group):
        item: dict[str, Any] = {"label": span.label_, "start": span.start_char, "end": span.end_char}
        if i < len(scores) and scores[i] is not None:
            item["score"] = round(min(1.0, max(0.0, float(scores[i]))), 4)
        out.append(item)
    return out


def model_meta(nlp: Language) -> dict[str, str]:
    """What made a record: the pipeline's name and version (kept in `meta.model`)."""
    return {"name": str(nlp.meta.get("name") or "vawg"), "version": str(nlp.meta.get("version") or "")}


def doc_to_record(doc: Doc, document: Document | dict[str, Any] | None = None) -> dict[str, Any]:
    """A record for `doc`; id, pages and meta come from `document` (or are left empty)."""
    src = _as_document(document)
    if src is not None and src.text != doc.text:
        raise ValueError(f"document {src.id!r}: the Doc text differs from the source text")
    pages = src.pages if src is not None else []
    record: dict[str, Any] = {
        "id": src.id if src is not None else str(doc.user_data.get("id", "")),
        "text": doc.text,
        "pages": [{"page": p.page, "start": p.start, "end": p.end} for p in pages],
        "meta": dict(src.meta) if src is not None else {},
        "entities": entities_of(doc, pages),
        "signals": signals_of(doc),
    }
    return record
