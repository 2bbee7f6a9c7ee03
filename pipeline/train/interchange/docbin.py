"""spaCy `DocBin` files (`.spacy`): records out for `spacy train` and other spaCy tools, and back.

Each record becomes one `Doc` over its exact text, tokenised by `spacy.blank("en")` and split
further at every mention and signal boundary (`tokens.split_doc`). On the Doc:

- `doc.ents`: the mentions (label = measure code) with `ent._.status` (kept by DocBin in
  `user_data`); overlapping mentions cannot all be entities, so every mention is also in
  `doc.spans["mentions"]` with the parallel list `attrs["statuses"]`;
- `doc.spans["signals"]`: one span per located signal (label = signal code) with
  `attrs["scores"]` (None where unknown), the same layout as the `vawg_signals` component;
- `doc.cats`: 1.0 for each signal code the record carries anywhere, 0.0 for the others;
- `doc.user_data["vawg"]`: record id, meta, pages and the document-level signals.

The reader accepts DocBins written elsewhere too: mentions from `doc.ents` with
`_.status`, signals from `doc.spans["signals"]`, and `cats` >= 0.5 that no span carries as
document-level signals. Mentions without a status are reported, not guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, SpanGroup
from spacy.util import filter_spans

from pipeline import labels
from pipeline.errors import InputError, not_found
from pipeline.nlp import extensions  # noqa: F401  (Span._.status)
from pipeline.train.interchange import common
from pipeline.train.interchange.common import ImportReport
from pipeline.train.interchange.tokens import split_doc

TOOL = "docbin"
MENTIONS, SIGNALS = "mentions", "signals"


@cache
def _nlp() -> Language:
    return spacy.blank("en")


def record_to_doc(rec: Mapping[str, Any], report: ImportReport | None = None) -> Doc:
    """One record as a Doc (see the module docstring); unplaceable spans go to `report`."""
    report = report if report is not None else ImportReport()
    text = str(rec.get("text", ""))
    ents = list(rec.get("entities") or [])
    located = common.located_signals(rec)
    doc = split_doc(_nlp(), text, [(int(x["start"]), int(x["end"])) for x in [*ents, *located]])
    where = f"record {rec.get('id', '')}"
    mentions, statuses = [], []
    for e in ents:
        span = doc.char_span(int(e["start"]), int(e["end"]), label=e["label"])
        if span is None:
            report.add(where, "bad_offsets", f"mention {e['start']}-{e['end']} is not on token boundaries")
            continue
        mentions.append(span)
        statuses.append(e["status"])
    doc.spans[MENTIONS] = SpanGroup(doc, name=MENTIONS, attrs={"statuses": statuses}, spans=mentions)
    kept = filter_spans(mentions)
    if len(kept) < len(mentions):
        report.add(where, "overlap", f"{len(mentions) - len(kept)} overlapping mention(s) only in "
                                     f"doc.spans[{MENTIONS!r}], not doc.ents")
    doc.ents = kept
    for span in doc.ents:
        span._.status = statuses[next(i for i, m in enumerate(mentions) if m == span)]
    sig_spans, scores = [], []
    for s in located:
        span = doc.char_span(int(s["start"]), int(s["end"]), label=s["label"])
        if span is None:
            report.add(where, "bad_offsets", f"signal {s['start']}-{s['end']} is not on token boundaries")
            continue
        sig_spans.append(span)
        scores.append(s.get("score"))
    doc.spans[SIGNALS] = SpanGroup(doc, name=SIGNALS, attrs={"scores": scores}, spans=sig_spans)
    present = {s["label"] for s in rec.get("signals") or []}
    doc.cats = {c: float(c in present) for c in labels.signals()}
    doc.user_data["id"] = str(rec.get("id", ""))
    doc.user_data[common.PAYLOAD_KEY] = {**common.payload(rec), "doc_signals": common.document_signals(rec)}
    return doc


def write_docbin(records: Iterable[Mapping[str, Any]], out: Path) -> tuple[int, ImportReport]:
    """Write records to a `.spacy` file; return the count and a report of unplaceable spans."""
    report = ImportReport()
    db = DocBin(store_user_data=True)
    n = 0
    for rec in records:
        db.add(record_to_doc(rec, report))
        n += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(out)
    return n, report


def _mentions(doc: Doc, where: str, report: ImportReport, pages: list[Any]) -> list[dict[str, Any]]:
    group = doc.spans.get(MENTIONS) if MENTIONS in doc.spans else None
    if group is not None:
        statuses = list(group.attrs.get("statuses") or [])
        pairs = [(span, statuses[i] if i < len(statuses) else None) for i, span in enumerate(group)]
    else:
        pairs = [(ent, ent._.status) for ent in doc.ents]
    out = []
    for span, status in pairs:
        here = f"{where} {span.start_char}-{span.end_char}"
        if not common.is_measure(span.label_):
            report.add(here, "unknown_label", f"entity label {span.label_!r} is not a measure code")
        elif status is None:
            report.add(here, "missing_status", f"mention {span.text!r} ({span.label_}) has no status")
        elif not common.is_status(status):
            report.add(here, "unknown_label", f"status {status!r} is not one of the 7 statuses")
        else:
            out.append(common.entity(doc.text, span.start_char, span.end_char, span.label_, status, pages))
    return out


def _signals(doc: Doc, info: Mapping[str, Any], where: str, report: ImportReport) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    group = doc.spans.get(SIGNALS) if SIGNALS in doc.spans else None
    scores = list(group.attrs.get("scores") or []) if group is not None else []
    for i, span in enumerate(group or []):
        if not common.is_signal(span.label_):
            report.add(f"{where} {span.start_char}-{span.end_char}", "unknown_label",
                       f"signal span label {span.label_!r} is not a signal code")
            continue
        item: dict[str, Any] = {"label": span.label_, "start": span.start_char, "end": span.end_char}
        if i < len(scores) and scores[i] is not None:
            item["score"] = scores[i]
        out.append(item)
    if "doc_signals" in info:
        doc_level = list(info["doc_signals"])
    else:
        carried = {s["label"] for s in out}
        doc_level = [c for c, v in doc.cats.items() if v >= 0.5 and c not in carried]
    bad = common.unknown_codes(doc_level, labels.signals())
    if bad:
        report.add(where, "unknown_label", f"categories {bad!r} are not signal codes")
    out.extend({"label": c} for c in doc_level if common.is_signal(c))
    return out


def _lists(value: Any) -> Any:
    """msgpack gives tuples back for lists: turn them into lists again (recursively)."""
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def doc_to_record(doc: Doc, n: int, report: ImportReport, source: str = "") -> dict[str, Any]:
    """One Doc as a record (offsets are the Doc's character offsets)."""
    stored = _lists(doc.user_data.get(common.PAYLOAD_KEY))
    info: dict[str, Any] = dict(stored) if isinstance(stored, dict) else \
        {"id": str(doc.user_data.get("id") or f"docbin-{n}"), "meta": {}}
    where = f"doc {info['id']}"
    pages = list(info.get("pages") or [])
    annotation = {"tool": TOOL, "file": source} if source else {"tool": TOOL}
    return common.build_record(info, doc.text, _mentions(doc, where, report, pages),
                               _signals(doc, info, where, report), annotation)


def read_docbin(path: Path) -> tuple[list[dict[str, Any]], ImportReport]:
    """Records from a `.spacy` file."""
    if not path.is_file():
        raise not_found(path)
    try:
        db = DocBin().from_disk(path)
        docs = list(db.get_docs(_nlp().vocab))
    except Exception as exc:  # msgpack / zlib errors: not a DocBin
        raise InputError(f"{path}: not a spaCy DocBin file ({type(exc).__name__})") from None
    report = ImportReport()
    records = []
    for n, doc in enumerate(docs):
        report.tasks += 1
        records.append(doc_to_record(doc, n, report, path.name))
    report.records = len(records)
    return records, report

