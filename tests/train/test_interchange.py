"""Round trips through Label Studio, Prodigy and DocBin: records -> tool format -> records."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from typer.testing import CliRunner

from pipeline import labels
from pipeline.cli.main import _register, app
from pipeline.records import read_jsonl, write_jsonl_atomic
from pipeline.train.generate import generate
from pipeline.train.interchange import common, docbin, labelstudio, prodigy
from pipeline.train.interchange.common import ImportReport


def _ent(
    text: str, surface: str, label: str, status: str, nth: int = 0, page: int | None = None
) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    ent: dict[str, Any] = {
        "start": start,
        "end": start + len(surface),
        "label": label,
        "status": status,
        "text": surface,
    }
    if page is not None:
        ent["page"] = page
    return ent


def _records() -> list[dict[str, Any]]:
    """Generated records plus the awkward cases: non-ASCII, overlapping spans, empty, document-level."""
    recs = list(generate(12, seed=3))
    emoji = (
        "🙂 Susp RUI'd at 0130 😡. No bail conds considered — café, 警察 DVPO 申请.\n\nIP told  DASH done."
    )
    recs.append(
        {
            "id": "non-ascii",
            "text": emoji,
            "meta": {"force": "Zürich", "n": 2},
            "pages": [{"page": 1, "start": 0, "end": 73}, {"page": 2, "start": 75, "end": len(emoji)}],
            "entities": [
                _ent(emoji, "RUI", "RUI", "used", page=1),
                _ent(emoji, "bail conds", "BAIL", "not_used", page=1),
                _ent(emoji, "DVPO", "DVPO", "considered", page=1),
                _ent(emoji, "DASH", "DASH", "used", page=2),
            ],
            "signals": [
                {
                    "label": "RELEASED_WITHOUT_CONDITIONS",
                    "start": 2,
                    "end": emoji.index("DASH"),
                    "score": 0.71,
                },
                {"label": "DELAY", "start": 2, "end": 26, "score": 0.52},
            ],
        }
    )
    two = "Bail lapsed on 3/4. Nobody told the IP. A DVPN was never considered."
    cut = two.index("Nobody") + 6  # a signal that ends inside the second sentence
    recs.append(
        {
            "id": "overlap",
            "text": two,
            "meta": {},
            "entities": [_ent(two, "Bail", "BAIL", "ended"), _ent(two, "DVPN", "DVPN", "not_used")],
            "signals": [
                {"label": "BAIL_LAPSED", "start": 0, "end": cut},
                {"label": "VICTIM_NOT_INFORMED", "start": 0, "end": two.index(" A DVPN")},
                {"label": "ORDER_NOT_CONSIDERED", "start": two.index("A DVPN"), "end": len(two)},
            ],
        }
    )
    recs.append({"id": "empty", "text": "", "meta": {"source": "blank.txt"}, "entities": [], "signals": []})
    recs.append({"id": "spaces", "text": "   \n ", "entities": [], "signals": []})
    doc_level = "MARAC referral was not made and the case was closed."
    recs.append(
        {
            "id": "doc-level",
            "text": doc_level,
            "meta": {"register": "gold"},
            "entities": [_ent(doc_level, "MARAC", "MARAC", "not_used")],
            "signals": [{"label": "NO_REFERRAL"}, {"label": "CASE_CLOSED_UNPROTECTED"}],
        }
    )
    return recs


def _ls_export(tasks: list[dict[str, Any]], annotator: str = "ann@example.org") -> list[dict[str, Any]]:
    """What Label Studio's JSON export gives after a person accepts every pre-annotation."""
    out = []
    for n, task in enumerate(tasks, 1):
        result = copy.deepcopy(task["predictions"][0]["result"])
        for item in result:
            item.pop("score", None)
            item["origin"] = "prediction"
        out.append(
            {
                "id": n,
                "data": task["data"],
                "project": 3,
                "created_at": "2026-11-20T10:00:00Z",
                "annotations": [
                    {
                        "id": 100 + n,
                        "completed_by": {"id": 7, "email": annotator},
                        "result": result,
                        "was_cancelled": False,
                        "ground_truth": False,
                        "created_at": "2026-11-21T09:00:00Z",
                        "updated_at": "2026-11-21T09:05:00Z",
                        "lead_time": 31.5,
                        "task": n,
                    }
                ],
                "predictions": task["predictions"],
            }
        )
    return out


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]], scores: bool = False) -> None:
    assert [r["id"] for r in a] == [r["id"] for r in b]
    for x, y in zip(a, b, strict=True):
        assert common.comparable(x, scores) == common.comparable(y, scores), x["id"]


# -- Label Studio ----------------------------------------------------------------------------
def test_labelstudio_round_trip_is_identical() -> None:
    recs = _records()
    back, report = labelstudio.export_to_records(_ls_export(labelstudio.records_to_tasks(recs)))
    assert report.problems == [] and report.records == len(recs)
    _same(recs, back)  # gold from a person carries no model scores
    ann = back[0]["meta"]["annotation"]
    assert ann["annotator"] == "ann@example.org" and ann["updated_at"] == "2026-11-21T09:05:00Z"


def test_labelstudio_tasks_hold_predictions_with_scores_and_code_point_offsets() -> None:
    rec = _records()[12]
    task = labelstudio.records_to_tasks([rec])[0]
    result = task["predictions"][0]["result"]
    for item in result:
        v = item["value"]
        if "start" in v:
            assert rec["text"][v["start"] : v["end"]] == v["text"]
    signals = [r for r in result if r["from_name"] == "signals"]
    assert {tuple(r["value"]["choices"]) for r in signals} == {("RELEASED_WITHOUT_CONDITIONS",), ("DELAY",)}
    assert max(r["score"] for r in signals) == 0.71
    status = {r["id"]: r["value"]["choices"] for r in result if r["from_name"] == "status"}
    measure = {r["id"]: r["value"]["labels"] for r in result if r["from_name"] == "measure"}
    assert status.keys() == measure.keys() and len(status) == 4


def test_labelstudio_config_is_xml_with_every_code() -> None:
    root = etree.fromstring(labelstudio.labelling_config().encode())
    names = {el.get("name") for el in root.iter() if el.get("name")}
    assert {"text", "measure", "status", "sentence", "signals", "doc_signals"} <= names
    values = {el.get("value") for el in root.iter("Label", "Choice")}
    assert set(labels.measures()) | set(labels.statuses()) | set(labels.signals()) <= values
    per_region = {el.get("name") for el in root.iter("Choices") if el.get("perRegion") == "true"}
    assert per_region == {"status", "signals"}


def test_labelstudio_corrections_come_back() -> None:
    rec = _records()[13]  # "overlap"
    export = _ls_export(labelstudio.records_to_tasks([rec]))
    result = export[0]["annotations"][0]["result"]
    bail = next(r for r in result if r["from_name"] == "status" and r["value"]["text"] == "Bail")
    bail["value"]["choices"] = ["breached"]
    result[:] = [r for r in result if not (r["id"] == bail["id"] and r["from_name"] == "measure")] + [
        {**r, "from_name": "measure", "type": "labels", "value": {**r["value"], "labels": ["BAIL"]}}
        for r in [bail]
    ]
    sentence = next(
        r for r in result if r["from_name"] == "sentence" and r["value"]["text"].startswith("A DVPN")
    )
    result.append(
        {
            "id": sentence["id"],
            "from_name": "signals",
            "to_name": "text",
            "type": "choices",
            "value": {**sentence["value"], "choices": ["ORDER_NOT_CONSIDERED", "DELAY"]},
        }
    )
    back, report = labelstudio.export_to_records(export)
    assert report.problems == []
    ents = {(e["text"], e["status"]) for e in back[0]["entities"]}
    assert ents == {("Bail", "breached"), ("DVPN", "not_used")}
    start = rec["text"].index("A DVPN")
    assert {"label": "DELAY", "start": start, "end": len(rec["text"])} in back[0]["signals"]


def test_labelstudio_reports_conflicts_and_malformed_items() -> None:
    rec = _records()[13]
    text = rec["text"]
    export = _ls_export(labelstudio.records_to_tasks([rec, _records()[16]]))
    first = export[0]["annotations"][0]
    other = copy.deepcopy(first)
    other.update({"id": 999, "completed_by": 9, "updated_at": "2026-11-22T08:00:00Z"})
    for item in other["result"]:
        if item["from_name"] == "status":
            item["value"]["choices"] = ["generic"]
    broken = [
        {
            "id": "x1",
            "from_name": "measure",
            "type": "labels",  # no status choice
            "value": {"start": 0, "end": 4, "text": "Bail", "labels": ["RUI"]},
        },
        {
            "id": "x2",
            "from_name": "measure",
            "type": "labels",  # offsets past the end
            "value": {"start": 500, "end": 510, "labels": ["DVPN"]},
        },
        {
            "id": "x3",
            "from_name": "measure",
            "type": "labels",
            "value": {"start": 0, "end": 4, "text": "Bail", "labels": ["SUPERVISION"]},
        },
        {"id": "x4", "from_name": "status", "type": "choices", "value": {"choices": ["used"]}},  # orphan
        {
            "id": "x5",
            "from_name": "measure",
            "type": "labels",  # two statuses
            "value": {"start": text.index("DVPN"), "end": text.index("DVPN") + 4, "labels": ["DVPO"]},
        },
        {
            "id": "x5",
            "from_name": "status",
            "type": "choices",
            "value": {
                "start": text.index("DVPN"),
                "end": text.index("DVPN") + 4,
                "choices": ["used", "refused"],
            },
        },
        "not an item",
    ]
    other["result"].extend(broken)
    export[0]["annotations"].append(other)
    export[0]["annotations"].append({"id": 5, "completed_by": 3, "was_cancelled": True, "result": []})
    export[1]["annotations"] = []
    back, report = labelstudio.export_to_records(export)
    kinds = report.counts()
    assert kinds["conflict"] == 2  # annotators disagree + two statuses on one mention
    assert kinds["missing_status"] == 1 and kinds["bad_offsets"] == 1 and kinds["unknown_label"] == 1
    assert kinds["orphan_choice"] == 1 and kinds["malformed"] == 1
    assert kinds["cancelled"] == 1 and kinds["not_annotated"] == 1
    assert report.records == 1 and report.skipped == 1
    kept = back[0]
    assert kept["meta"]["annotation"]["annotator"] == "user 9"  # the latest annotation wins
    assert {e["status"] for e in kept["entities"]} == {"generic"}
    assert kept["meta"]["annotation"]["annotators"] == ["ann@example.org", "user 9"]
    assert any("annotators disagree" in line for line in report.lines())


def test_labelstudio_utf16_offsets_are_read_when_the_text_proves_them() -> None:
    text = "😡😡 DVPN served."
    span = {"start": 5, "end": 9, "text": "DVPN"}  # what a UTF-16 front end writes
    result = [
        {"id": "a", "from_name": "measure", "type": "labels", "value": {**span, "labels": ["DVPN"]}},
        {"id": "a", "from_name": "status", "type": "choices", "value": {**span, "choices": ["used"]}},
    ]
    task = {
        "id": 1,
        "data": {"text": text, "record_id": "r"},
        "annotations": [{"id": 2, "completed_by": 1, "result": result}],
    }
    back, report = labelstudio.export_to_records([task])
    assert back[0]["entities"] == [{"start": 3, "end": 7, "label": "DVPN", "status": "used", "text": "DVPN"}]
    assert report.counts() == {"utf16_offsets": 1}
    assert common.utf16_to_index(text, 2) == 1 and common.utf16_to_index(text, 1) is None


# -- Prodigy ---------------------------------------------------------------------------------
def _answer(tasks: list[dict[str, Any]], who: str = "ann-1", t0: int = 1_790_000_000) -> list[dict[str, Any]]:
    return [
        {
            **copy.deepcopy(t),
            "answer": "accept",
            "_annotator_id": who,
            "_session_id": f"vawg-{who}",
            "_timestamp": t0 + n,
        }
        for n, t in enumerate(tasks)
    ]


def test_prodigy_round_trip_is_identical() -> None:
    recs = _records()
    tasks = prodigy.records_to_tasks(recs)
    back, report = prodigy.tasks_to_records(_answer(tasks))
    assert report.problems == [] and report.records == len(recs)
    _same(recs, sorted(back, key=lambda r: [x["id"] for x in recs].index(r["id"])))
    assert back[0]["meta"]["annotation"]["annotators"] == ["ann-1"]


def test_prodigy_tasks_are_sentences_with_aligned_tokens() -> None:
    rec = _records()[12]
    tasks = prodigy.record_tasks(rec)
    assert all(t["options"][0] == {"id": labels.signals()[0], "text": labels.signals()[0]} for t in tasks)
    seen = 0
    for t in tasks:
        for sp in t["spans"]:
            toks = t["tokens"][sp["token_start"] : sp["token_end"] + 1]
            assert (
                "".join(x["text"] + (" " if x["ws"] else "") for x in toks).strip()
                == t["text"][sp["start"] : sp["end"]]
            )
            assert sp["label"].split("/")[0] in labels.measures()
            seen += 1
    assert seen == len(rec["entities"])


def test_prodigy_reports_rejects_and_disagreement() -> None:
    rec = _records()[13]
    tasks = prodigy.record_tasks(rec)
    first, second = _answer(tasks), _answer(tasks, who="ann-2", t0=1_790_100_000)
    second[1]["accept"] = []
    second[0]["spans"][0]["label"] = "BAIL"  # no status
    third = _answer(tasks, who="ann-3")
    third[2]["answer"] = "reject"
    back, report = prodigy.tasks_to_records([*first, *second, third[2], {"text": "stray"}])
    kinds = report.counts()
    assert kinds["conflict"] == 2 and kinds["not_accepted"] == 1 and kinds["malformed"] == 1
    assert kinds["missing_status"] == 1
    assert back[0]["meta"]["annotation"]["annotators"] == ["ann-1", "ann-2"]


# -- DocBin ----------------------------------------------------------------------------------
def test_docbin_round_trip_keeps_statuses_and_scores(tmp_path: Path) -> None:
    recs = _records()
    n, report = docbin.write_docbin(recs, tmp_path / "c.spacy")
    assert n == len(recs) and report.problems == []
    back, report = docbin.read_docbin(tmp_path / "c.spacy")
    assert report.problems == []
    _same(recs, back, scores=True)


def test_docbin_doc_layout() -> None:
    rec = _records()[12]
    doc = docbin.record_to_doc(rec)
    assert doc.text == rec["text"]
    assert [(e.text, e._.status) for e in doc.ents] == [(e["text"], e["status"]) for e in rec["entities"]]
    assert list(doc.spans["signals"].attrs["scores"]) == [0.71, 0.52]
    assert doc.cats["DELAY"] == 1.0 and doc.cats["NO_REFERRAL"] == 0.0


def test_docbin_from_elsewhere_reports_missing_statuses(tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc = nlp("Bail refused and no IDVA referral.")
    doc.ents = [doc.char_span(0, 4, label="BAIL"), doc.char_span(20, 24, label="IDVA")]
    doc.ents[0]._.status = "refused"
    doc.cats = {"NO_REFERRAL": 1.0, "DELAY": 0.2}
    DocBin(docs=[doc], store_user_data=True).to_disk(tmp_path / "x.spacy")
    back, report = docbin.read_docbin(tmp_path / "x.spacy")
    assert back[0]["entities"] == [
        {"start": 0, "end": 4, "label": "BAIL", "status": "refused", "text": "Bail"}
    ]
    assert back[0]["signals"] == [{"label": "NO_REFERRAL"}]
    assert report.counts() == {"missing_status": 1}


# -- command line ----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["labelstudio", "prodigy", "docbin"])
def test_cli_export_then_import(fmt: str, tmp_path: Path) -> None:
    _register()
    recs = _records()
    src = tmp_path / "recs.jsonl"
    write_jsonl_atomic(src, recs)
    tasks = tmp_path / {"labelstudio": "t.json", "prodigy": "t.jsonl", "docbin": "t.spacy"}[fmt]
    runner = CliRunner()
    res = runner.invoke(app, ["export", fmt, str(src), "--out", str(tasks)])
    assert res.exit_code == 0, res.output
    answered = tasks
    if fmt == "labelstudio":
        answered = tmp_path / "export.json"
        answered.write_text(json.dumps(_ls_export(json.loads(tasks.read_text()))))
    elif fmt == "prodigy":
        answered = tmp_path / "answers.jsonl"
        rows = _answer([json.loads(line) for line in tasks.read_text().splitlines()])
        answered.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "gold" / "round1.jsonl"
    res = runner.invoke(app, ["import", fmt, str(answered), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "problems: none" in res.output
    _same(recs, sorted(read_jsonl(out), key=lambda r: [x["id"] for x in recs].index(r["id"])))


def test_cli_config_and_strict_import(tmp_path: Path) -> None:
    _register()
    runner = CliRunner()
    res = runner.invoke(app, ["export", "labelstudio", "--config"])
    assert res.exit_code == 0 and res.output.startswith("<View>")
    bad = tmp_path / "export.json"
    bad.write_text(
        json.dumps(
            [
                {
                    "id": 1,
                    "data": {"text": "DVPN"},
                    "annotations": [
                        {
                            "id": 1,
                            "completed_by": 1,
                            "result": [
                                {
                                    "id": "a",
                                    "type": "labels",
                                    "value": {"start": 0, "end": 4, "labels": ["DVPN"]},
                                }
                            ],
                        }
                    ],
                }
            ]
        )
    )
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["import", "labelstudio", str(bad), "--out", str(out), "--strict"])
    assert res.exit_code != 0 and not out.exists()
    res = runner.invoke(
        app, ["import", "labelstudio", str(bad), "--out", str(out), "--problems", str(tmp_path / "p.txt")]
    )
    assert res.exit_code == 0 and "missing_status=1" in res.output
    assert "has no status" in (tmp_path / "p.txt").read_text()


def test_report_summary_counts() -> None:
    report = ImportReport(tasks=3, records=2, skipped=1)
    report.add("task 1", "conflict", "x")
    assert report.summary() == "3 tasks read, 2 records written, 1 tasks skipped; problems: conflict=1"
