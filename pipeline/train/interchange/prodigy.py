"""Prodigy: JSON lines tasks with pre-annotations out, `db-out` JSON lines back into records.

One task per region of a record (a sentence, or a stretch that carries a signal; see
`common.regions_of`), so a person reads one sentence at a time:

- `text`: the region's text; `tokens`: its tokens (split at every mention boundary, so
  `ner_manual` / `spans_manual` can show the spans);
- `spans`: the mentions inside the region, offsets relative to `text`, label
  ``MEASURE/status`` (e.g. ``BAIL/not_used``, the same notation as our gold markup; a
  plain ``MEASURE`` label with a ``status`` key is also read back);
- `options` (the 12 signal codes) and `accept` (the region's signals): multiple choice;
- `meta`: record id and region offsets (Prodigy shows them); `vawg`: what the reader needs
  (record id, region offsets, and on the first task of each record its text, meta, pages).

A record with document-level signals (no offsets), or with no text at all, also gets one
`document` task over its whole text. The reader groups tasks by record, keeps `accept`ed
answers, reports `reject` / `ignore` and disagreeing annotators, and records who answered
(`_annotator_id` / `_session_id`) and when (`_timestamp`) in `meta.annotation`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from pipeline import labels
from pipeline.errors import InputError, not_found
from pipeline.records import dumps
from pipeline.train.interchange import common
from pipeline.train.interchange.common import ImportReport
from pipeline.train.interchange.tokens import split_doc

TOOL = "prodigy"
DOCUMENT = "document"


@cache
def _nlp() -> Language:
    return spacy.blank("en")


def _tokens(text: str, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
    doc = split_doc(_nlp(), text, spans)
    return [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)}
            for t in doc]


def _task(rec: Mapping[str, Any], start: int, end: int, ents: list[Mapping[str, Any]], signals: list[str],
          kind: str, first: bool) -> dict[str, Any]:
    text = str(rec.get("text", ""))[start:end]
    bounds = [(int(e["start"]) - start, int(e["end"]) - start) for e in ents]
    spans: list[dict[str, Any]] = [{"start": s, "end": t, "label": f"{e['label']}/{e['status']}"}
                                   for (s, t), e in zip(bounds, ents, strict=True)]
    tokens = _tokens(text, bounds)
    starts = {t["start"]: t["id"] for t in tokens}
    ends = {t["end"]: t["id"] for t in tokens}
    for sp in spans:
        sp["token_start"], sp["token_end"] = starts[sp["start"]], ends[sp["end"]]
    info: dict[str, Any] = {"id": str(rec.get("id", "")), "start": start, "end": end, "kind": kind}
    if first:
        info["record"] = {**common.payload(rec), "text": str(rec.get("text", ""))}
    return {"text": text, "tokens": tokens, "spans": spans,
            "options": [{"id": c, "text": c} for c in labels.signals()], "accept": signals,
            "meta": {"record": info["id"], "start": start, "end": end}, common.PAYLOAD_KEY: info}


def record_tasks(rec: Mapping[str, Any], sentences: Sequence[tuple[int, int]] | None = None
                 ) -> list[dict[str, Any]]:
    """The tasks of one record (see the module docstring)."""
    text = str(rec.get("text", ""))
    ents = list(rec.get("entities") or [])
    regions = common.regions_of(rec, sentences)
    for ent in ents:  # a mention no region holds gets a region over the sentences it touches
        s, e = int(ent["start"]), int(ent["end"])
        if not any(a <= s and e <= b for a, b in regions):
            touching = [(a, b) for a, b in regions if a < e and s < b] + [(s, e)]
            regions.append((min(a for a, _ in touching), max(b for _, b in touching)))
    regions = sorted(set(regions))
    owner: dict[int, tuple[int, int]] = {}
    for i, ent in enumerate(ents):
        s, e = int(ent["start"]), int(ent["end"])
        owner[i] = min((r for r in regions if r[0] <= s and e <= r[1]), key=lambda r: (r[1] - r[0], r))
    by_region = common.signals_by_region(rec)
    tasks = [_task(rec, a, b, [ents[i] for i in owner if owner[i] == (a, b)],
                   [lab for lab, _ in by_region.get((a, b), [])], "region", not n)
             for n, (a, b) in enumerate(regions)]
    doc_level = common.document_signals(rec)
    if doc_level or not regions:
        tasks.append(_task(rec, 0, len(text), [], doc_level, DOCUMENT, not regions))
    return tasks


def records_to_tasks(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    records = list(records)
    return [t for rec, sents in zip(records, common.sentences_of(records), strict=True)
            for t in record_tasks(rec, sents)]


def write_tasks(records: Iterable[Mapping[str, Any]], out: Path) -> int:
    tasks = records_to_tasks(records)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(dumps(t) + "\n" for t in tasks), encoding="utf-8")
    return len(tasks)


# -- reading ---------------------------------------------------------------------------------
def _when(task: Mapping[str, Any]) -> float:
    ts = task.get("_timestamp")
    return float(ts) if isinstance(ts, int | float) else 0.0


def _who(task: Mapping[str, Any]) -> str:
    return str(task.get("_annotator_id") or task.get("_session_id") or "unknown")


def _split_label(span: Mapping[str, Any]) -> tuple[str, str | None]:
    label = str(span.get("label", ""))
    if "/" in label:
        code, status = label.split("/", 1)
        return code, status
    given = span.get("status")
    return label, str(given) if given is not None else None


def _read_task(task: Mapping[str, Any], full: str, where: str, report: ImportReport,
               pages: list[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    info = task[common.PAYLOAD_KEY]
    start, end = int(info.get("start", 0)), int(info.get("end", len(full)))
    text = full[start:end]
    if task.get("text") != text:
        report.add(where, "malformed", "task text differs from the record text at its offsets; skipped")
        return [], []
    ents: list[dict[str, Any]] = []
    for n, span in enumerate(task.get("spans") or []):
        here = f"{where} span {n}"
        if not isinstance(span, dict):
            report.add(here, "malformed", "span is not an object")
            continue
        code, status = _split_label(span)
        why = common.check_span(text, span.get("start"), span.get("end"))
        if why:
            report.add(here, "bad_offsets", why)
        elif not common.is_measure(code):
            report.add(here, "unknown_label", f"span label {code!r} is not a measure code")
        elif status is None:
            report.add(here, "missing_status", f"mention {span.get('text', '')!r} ({code}) has no status")
        elif not common.is_status(status):
            report.add(here, "unknown_label", f"status {status!r} of {code} is not one of the 7 statuses")
        else:
            ents.append(common.entity(full, start + span["start"], start + span["end"], code, status, pages))
    accept = task.get("accept") or []
    bad = common.unknown_codes(accept, labels.signals())
    if bad:
        report.add(where, "unknown_label", f"accepted options {bad!r} are not signal codes")
    codes = [c for c in dict.fromkeys(accept) if common.is_signal(c)]
    if info.get("kind") == DOCUMENT:
        sigs = [{"label": c} for c in codes]
    else:
        sigs = [{"label": c, "start": start, "end": end} for c in codes]
    return ents, sigs


def _content(ents: list[dict[str, Any]], sigs: list[dict[str, Any]]) -> tuple[frozenset[Any], frozenset[Any]]:
    return (frozenset((e["start"], e["end"], e["label"], e["status"]) for e in ents),
            frozenset((s.get("start"), s.get("end"), s["label"]) for s in sigs))


def _iso(ts: float) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat() if ts else None


def tasks_to_records(tasks: Iterable[Any]) -> tuple[list[dict[str, Any]], ImportReport]:
    """Records from Prodigy answers (`db-out` lines), and a report of what was skipped."""
    report = ImportReport()
    groups: dict[str, dict[tuple[int, int, str], list[Mapping[str, Any]]]] = {}
    headers: dict[str, dict[str, Any]] = {}
    for n, task in enumerate(tasks):
        report.tasks += 1
        info = task.get(common.PAYLOAD_KEY) if isinstance(task, dict) else None
        if not isinstance(info, dict) or "id" not in info:
            report.add(f"line {n + 1}", "malformed", f"no '{common.PAYLOAD_KEY}' object (not from vawg)")
            report.skipped += 1
            continue
        if isinstance(info.get("record"), dict):
            headers.setdefault(str(info["id"]), info["record"])
        answer = task.get("answer")
        if answer != "accept":
            report.add(f"record {info['id']} {info.get('start')}-{info.get('end')}", "not_accepted",
                       f"answer {answer!r} from {_who(task)}; not imported")
            report.skipped += 1
            continue
        key = (int(info.get("start", 0)), int(info.get("end", 0)), str(info.get("kind", "region")))
        groups.setdefault(str(info["id"]), {}).setdefault(key, []).append(task)
    records = []
    for rid, regions in groups.items():
        rec = _record(rid, regions, headers.get(rid), report)
        if rec is not None:
            records.append(rec)
    report.records = len(records)
    return records, report


def _record(rid: str, regions: Mapping[tuple[int, int, str], list[Mapping[str, Any]]],
            header: Mapping[str, Any] | None, report: ImportReport) -> dict[str, Any] | None:
    if header is None or not isinstance(header.get("text"), str):
        report.add(f"record {rid}", "malformed", "the record's first task (with its text) is missing")
        return None
    full, pages = header["text"], list(header.get("pages") or [])
    ents: list[dict[str, Any]] = []
    sigs: list[dict[str, Any]] = []
    who: set[str] = set()
    times: list[float] = []
    for (start, end, _), answers in sorted(regions.items()):
        where = f"record {rid} {start}-{end}"
        chosen = max(answers, key=_when)
        e, s = _read_task(chosen, full, where, report, pages)
        quiet = ImportReport()
        differ = {_who(a) for a in answers if a is not chosen
                  and _content(*_read_task(a, full, where, quiet, pages)) != _content(e, s)}
        if differ:
            report.add(where, "conflict", f"annotators disagree: kept {_who(chosen)}'s (latest), "
                                          f"not {', '.join(sorted(differ))}'s")
        ents.extend(x for x in e if x not in ents)
        sigs.extend(x for x in s if x not in sigs)
        who.update(_who(a) for a in answers)
        times.extend(_when(a) for a in answers if _when(a))
    annotation = {"tool": TOOL, "annotators": sorted(who), "first": _iso(min(times)) if times else None,
                  "last": _iso(max(times)) if times else None, "regions": len(regions)}
    return common.build_record({**header, "id": rid}, full, ents, sigs, annotation)


def read_answers(path: Path) -> tuple[list[dict[str, Any]], ImportReport]:
    """Read a Prodigy `db-out` JSON lines file (bad lines are reported, not fatal)."""
    if not path.is_file():
        raise not_found(path)
    rows: list[Any] = []
    bad: list[int] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 JSON lines ({exc})") from None
    for n, line in enumerate(lines, 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                bad.append(n)
    records, report = tasks_to_records(rows)
    for n in bad:
        report.add(f"{path.name}:{n}", "malformed", "not a JSON object")
    return records, report
