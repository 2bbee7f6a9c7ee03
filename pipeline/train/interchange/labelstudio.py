"""Label Studio: tasks with pre-annotations out, the JSON export back into records.

One task per record. The labelling configuration (`labelling_config()`) has one `Text`
object and four controls:

- `measure` (`Labels`): a region over a mention, labelled with its measure code;
- `status` (`Choices`, `perRegion`, single): the status of the selected mention region;
- `sentence` (`Labels`, one label `SENTENCE`): a region over a sentence (or any stretch)
  that signals are judged on; the writer pre-draws one for every sentence and signal span;
- `signals` (`Choices`, `perRegion`, multiple): the signals of the selected sentence region;
- `doc_signals` (`Choices`, multiple): signals of the whole record (records without offsets).

A per-region choice is a result item with the same `id` as its region, as Label Studio
writes them. The writer puts the model's output in `predictions` (score = the highest
signal score of a region) and carries the record's id, meta and pages in `data.vawg`, so
the reader can rebuild the record exactly. Offsets are written as Python string indices
(Unicode code points, what Label Studio 1.x stores); the reader checks each region against
its stored `text` and accepts UTF-16 offsets (older front ends) when only they match.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from pipeline import labels
from pipeline.errors import InputError, not_found
from pipeline.train.interchange import common
from pipeline.train.interchange.common import ImportReport

TEXT = "text"
MEASURE, STATUS, SENTENCE, SIGNALS, DOC_SIGNALS = "measure", "status", "sentence", "signals", "doc_signals"
SENTENCE_LABEL = "SENTENCE"
TOOL = "labelstudio"


# -- configuration ---------------------------------------------------------------------------
def labelling_config() -> str:
    """The labelling configuration (XML) that matches the tasks `records_to_tasks` writes."""
    def options(tag: str, codes: Sequence[str]) -> str:
        return "\n".join(f"    <{tag} value={quoteattr(c)} hint={quoteattr(labels.describe(c))}/>"
                         for c in codes)

    measures = ",".join(labels.measures())
    return f"""<View>
  <Style>.htx-text {{ white-space: pre-wrap; }}</Style>
  <Header value="Mark each measure mention and pick its status; mark sentences and pick their signals."/>
  <Labels name="{MEASURE}" toName="{TEXT}" showInline="true">
{options("Label", labels.measures())}
  </Labels>
  <Labels name="{SENTENCE}" toName="{TEXT}" showInline="true">
    <Label value="{SENTENCE_LABEL}" background="#c8c8c8" hint="a sentence (or passage) judged for signals"/>
  </Labels>
  <Text name="{TEXT}" value="$text"/>
  <Choices name="{STATUS}" toName="{TEXT}" perRegion="true" choice="single" showInline="true"
           visibleWhen="region-selected" whenLabelValue="{measures}">
{options("Choice", labels.statuses())}
  </Choices>
  <Choices name="{SIGNALS}" toName="{TEXT}" perRegion="true" choice="multiple"
           visibleWhen="region-selected" whenLabelValue="{SENTENCE_LABEL}">
{options("Choice", labels.signals())}
  </Choices>
  <Header value="Signals of the whole document (only for records without sentence offsets)"/>
  <Choices name="{DOC_SIGNALS}" toName="{TEXT}" choice="multiple">
{options("Choice", labels.signals())}
  </Choices>
</View>
"""


# -- writing ---------------------------------------------------------------------------------
def _region(rid: str, control: str, kind: str, text: str, start: int, end: int, values: list[str],
            score: float | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"id": rid, "from_name": control, "to_name": TEXT, "type": kind,
                            "value": {"start": start, "end": end, "text": text[start:end], kind: values}}
    if score is not None:
        item["score"] = score
    return item


def results_for(record: Mapping[str, Any], sentences: Sequence[tuple[int, int]] | None = None
                ) -> list[dict[str, Any]]:
    """A record's mentions, statuses and signals as Label Studio result items."""
    text = str(record.get("text", ""))
    out: list[dict[str, Any]] = []
    for i, ent in enumerate(record.get("entities") or []):
        s, e = int(ent["start"]), int(ent["end"])
        out.append(_region(f"m{i}", MEASURE, "labels", text, s, e, [ent["label"]]))
        out.append(_region(f"m{i}", STATUS, "choices", text, s, e, [ent["status"]]))
    by_region = common.signals_by_region(record)
    for j, (s, e) in enumerate(common.regions_of(record, sentences)):
        out.append(_region(f"s{j}", SENTENCE, "labels", text, s, e, [SENTENCE_LABEL]))
        sigs = by_region.get((s, e), [])
        if sigs:
            scores = [float(sc) for _, sc in sigs if sc is not None]
            out.append(_region(f"s{j}", SIGNALS, "choices", text, s, e, [lab for lab, _ in sigs],
                               max(scores) if scores else None))
    doc_level = common.document_signals(record)
    if doc_level:
        out.append({"id": "doc", "from_name": DOC_SIGNALS, "to_name": TEXT, "type": "choices",
                    "value": {"choices": doc_level}})
    return out


def records_to_tasks(records: Iterable[Mapping[str, Any]],
                     model_version: str = "vawg") -> list[dict[str, Any]]:
    """Label Studio tasks (`data` + `predictions`) for records annotated by the model."""
    records = list(records)
    tasks = []
    for rec, sentences in zip(records, common.sentences_of(records), strict=True):
        result = results_for(rec, sentences)
        scores = [r["score"] for r in result if "score" in r]
        prediction: dict[str, Any] = {"model_version": model_version, "result": result}
        if scores:
            prediction["score"] = round(min(scores), 4)
        tasks.append({"data": {TEXT: str(rec.get("text", "")), "record_id": str(rec.get("id", "")),
                               common.PAYLOAD_KEY: common.payload(rec)},
                      "predictions": [prediction]})
    return tasks


def write_tasks(records: Iterable[Mapping[str, Any]], out: Path, model_version: str = "vawg") -> int:
    tasks = records_to_tasks(records, model_version)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(tasks)


# -- reading ---------------------------------------------------------------------------------
class _Parsed:
    """Mentions and signals read from one result list."""

    def __init__(self) -> None:
        self.entities: list[dict[str, Any]] = []
        self.signals: list[dict[str, Any]] = []

    def key(self) -> tuple[frozenset[tuple[Any, ...]], frozenset[tuple[Any, ...]]]:
        return (frozenset((e["start"], e["end"], e["label"], e["status"]) for e in self.entities),
                frozenset((s.get("start"), s.get("end"), s["label"]) for s in self.signals))


def _placed(text: str, value: Mapping[str, Any], where: str, report: ImportReport) -> tuple[int, int] | None:
    try:
        s, e, note = common.resolve_span(text, value.get("start"), value.get("end"), value.get("text"))
    except ValueError as exc:
        report.add(where, "bad_offsets", str(exc))
        return None
    if note:
        report.add(where, "utf16_offsets", note)
    return s, e


def parse_result(text: str, result: Any, where: str, report: ImportReport,
                 pages: Sequence[Mapping[str, Any]] = ()) -> _Parsed:
    """Mentions (with statuses) and signals from one annotation's `result` list."""
    parsed = _Parsed()
    if not isinstance(result, list):
        report.add(where, "malformed", "annotation result is not a list")
        return parsed
    regions: dict[str, tuple[str, list[str], tuple[int, int]]] = {}
    choices: dict[str, list[list[str]]] = {}
    for n, item in enumerate(result):
        here = f"{where} item {n}"
        if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
            report.add(here, "malformed", "result item without a value object")
            continue
        value, kind, rid = item["value"], item.get("type"), str(item.get("id", f"#{n}"))
        if kind == "labels":
            labs = value.get("labels") or []
            span = _placed(text, value, here, report)
            if span is None:
                continue
            if labs == [SENTENCE_LABEL]:
                regions[rid] = (SENTENCE, labs, span)
            elif labs and all(common.is_measure(x) for x in labs):
                regions[rid] = (MEASURE, list(labs), span)
            else:
                report.add(here, "unknown_label", f"labels {labs!r}: not measures, not {SENTENCE_LABEL}")
        elif kind == "choices":
            picked = value.get("choices") or []
            if "start" in value or rid in regions or item.get("from_name") in (STATUS, SIGNALS):
                choices.setdefault(rid, []).append(list(picked))
            else:
                _doc_signals(picked, here, report, parsed)
        else:
            report.add(here, "unsupported", f"result type {kind!r} is not read")
    for rid, lists in choices.items():
        if rid not in regions:
            report.add(f"{where} region {rid}", "orphan_choice", f"choices {lists!r} belong to no region")
    for rid, (kind, labs, (s, e)) in regions.items():
        _region_items(text, rid, kind, labs, s, e, choices.get(rid, []), f"{where} region {rid}", report,
                      parsed, pages)
    return parsed


def _doc_signals(picked: list[str], where: str, report: ImportReport, parsed: _Parsed) -> None:
    bad = common.unknown_codes(picked, labels.signals())
    if bad:
        report.add(where, "unknown_label", f"document choices {bad!r} are not signal codes")
    for code in picked:
        if common.is_signal(code) and all(s["label"] != code or "start" in s for s in parsed.signals):
            parsed.signals.append({"label": code})


def _region_items(text: str, rid: str, kind: str, labs: list[str], s: int, e: int,
                  lists: list[list[str]], where: str, report: ImportReport, parsed: _Parsed,
                  pages: Sequence[Mapping[str, Any]]) -> None:
    picked = [c for lst in lists for c in lst]
    statuses = list(dict.fromkeys(c for c in picked if common.is_status(c)))
    signals = list(dict.fromkeys(c for c in picked if common.is_signal(c)))
    unknown = [c for c in picked if not common.is_status(c) and not common.is_signal(c)]
    if unknown:
        report.add(where, "unknown_label", f"choices {unknown!r} are neither statuses nor signals")
    if kind == SENTENCE:
        if statuses:
            report.add(where, "malformed", f"status {statuses!r} given to a sentence region; ignored")
        parsed.signals.extend({"label": lab, "start": s, "end": e} for lab in signals)
        return
    if signals:
        report.add(where, "malformed", f"signals {signals!r} given to a mention region; ignored")
    if len(labs) != 1:
        report.add(where, "conflict", f"mention {text[s:e]!r} has several labels {labs!r}; dropped")
    elif not statuses:
        report.add(where, "missing_status", f"mention {text[s:e]!r} ({labs[0]}) has no status; dropped")
    elif len(statuses) > 1:
        report.add(where, "conflict", f"mention {text[s:e]!r} has several statuses {statuses!r}; dropped")
    else:
        ent = common.entity(text, s, e, labs[0], statuses[0], pages)
        if any(x["start"] == s and x["end"] == e and x["label"] == labs[0] for x in parsed.entities):
            report.add(where, "duplicate", f"mention {text[s:e]!r} ({labs[0]}) marked twice; kept once")
        else:
            parsed.entities.append(ent)


def _annotator(ann: Mapping[str, Any]) -> str:
    who = ann.get("completed_by")
    if isinstance(who, dict):
        return str(who.get("email") or who.get("username") or who.get("id", "unknown"))
    if ann.get("created_username"):
        return str(ann["created_username"])
    return f"user {who}" if who is not None else "unknown"


def _pick(anns: list[dict[str, Any]]) -> dict[str, Any]:
    """The annotation to keep: a ground-truth one, else the most recently updated."""
    return max(anns, key=lambda a: (bool(a.get("ground_truth")),
                                    str(a.get("updated_at") or a.get("created_at") or "")))


def task_to_record(task: Any, n: int, report: ImportReport) -> dict[str, Any] | None:
    """One exported task as a record (None when it has no usable annotation)."""
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        report.add(f"task #{n}", "malformed", "not a task object with 'data'")
        return None
    data, tid = task["data"], task.get("id", f"#{n}")
    where = f"task {tid}"
    text = data.get(TEXT)
    if not isinstance(text, str):
        report.add(where, "malformed", f"data has no '{TEXT}' string")
        return None
    info = data.get(common.PAYLOAD_KEY) if isinstance(data.get(common.PAYLOAD_KEY), dict) else \
        {"id": str(data.get("record_id") or f"labelstudio-{tid}"), "meta": {}}
    anns = [a for a in task.get("annotations", task.get("completions")) or [] if isinstance(a, dict)]
    live = [a for a in anns if not a.get("was_cancelled")]
    if len(live) < len(anns):
        report.add(where, "cancelled", f"{len(anns) - len(live)} cancelled annotation(s) ignored")
    if not live:
        report.add(where, "not_annotated", "no annotation (predictions are never imported as gold)")
        return None
    chosen = _pick(live)
    pages: list[Any] = list(info.get("pages") or [])
    parsed = parse_result(text, chosen.get("result"), where, report, pages)
    others = [a for a in live if a is not chosen]
    if others:
        quiet = ImportReport()
        differ = [_annotator(a) for a in others
                  if parse_result(text, a.get("result"), where, quiet, pages).key() != parsed.key()]
        if differ:
            report.add(where, "conflict", f"annotators disagree: kept {_annotator(chosen)}'s annotation, "
                                          f"not {', '.join(differ)}'s")
    annotation = {"tool": TOOL, "task": tid, "id": chosen.get("id"), "annotator": _annotator(chosen),
                  "created_at": chosen.get("created_at"), "updated_at": chosen.get("updated_at"),
                  "lead_time": chosen.get("lead_time"), "ground_truth": bool(chosen.get("ground_truth")),
                  "annotators": sorted({_annotator(a) for a in live})}
    return common.build_record(info, text, parsed.entities, parsed.signals, annotation)


def export_to_records(tasks: Any) -> tuple[list[dict[str, Any]], ImportReport]:
    """Records from a Label Studio JSON export (a list of tasks) and a report of what was skipped."""
    report = ImportReport()
    if not isinstance(tasks, list):
        report.add("export", "malformed", "a Label Studio JSON export is a list of tasks")
        return [], report
    records = []
    for n, task in enumerate(tasks):
        report.tasks += 1
        rec = task_to_record(task, n, report)
        if rec is None:
            report.skipped += 1
        else:
            records.append(rec)
    report.records = len(records)
    return records, report


def read_export(path: Path) -> tuple[list[dict[str, Any]], ImportReport]:
    """Read a Label Studio JSON export file."""
    if not path.is_file():
        raise not_found(path)
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a Label Studio JSON export ({exc})") from None
    return export_to_records(tasks)
