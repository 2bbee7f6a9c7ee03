"""The gold markup parser, the split rule, and a check over every file in corpus/gold/."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline import labels
from pipeline.errors import InputError
from pipeline.train.markup import GOLD_DIR, build_gold, parse_file, parse_text, write_gold
from pipeline.train.splits import load_gold, split_of

SAMPLE = """# register: case-notes
# a comment line

signals: RELEASED_WITHOUT_CONDITIONS
Susp [RUI'd](RUI/used) 0300, no [bail conds](BAIL/not_used) despite [redacted] address.

signals: -
[DVPN](DVPN/used) served,
[DVPO](DVPO/considered) hearing Mon.

signals: NO_REFERRAL, RISK_NOT_ASSESSED
No [DASH](DASH/not_used) and no [MARAC](MARAC/not_used) ref.
"""


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return parse_text(SAMPLE, "x.md", "x")


def test_offsets_point_at_the_span_text(sample: list[dict]) -> None:
    for record in sample:
        for ent in record["entities"]:
            assert record["text"][ent["start"] : ent["end"]] == ent["text"]
    first = sample[0]
    assert first["text"] == "Susp RUI'd 0300, no bail conds despite [redacted] address."
    assert [(e["start"], e["end"], e["label"], e["status"]) for e in first["entities"]] == [
        (5, 10, "RUI", "used"),
        (20, 30, "BAIL", "not_used"),
    ]


def test_lines_are_joined_with_a_space_and_offsets_shift(sample: list[dict]) -> None:
    second = sample[1]
    assert second["text"] == "DVPN served, DVPO hearing Mon."
    assert [(e["start"], e["end"]) for e in second["entities"]] == [(0, 4), (13, 17)]


def test_ids_signals_and_meta(sample: list[dict]) -> None:
    assert [r["id"] for r in sample] == ["x-001", "x-002", "x-003"]
    assert sample[0]["signals"] == [{"label": "RELEASED_WITHOUT_CONDITIONS"}]
    assert sample[1]["signals"] == []
    assert [s["label"] for s in sample[2]["signals"]] == ["NO_REFERRAL", "RISK_NOT_ASSESSED"]
    assert sample[0]["meta"]["register"] == "case-notes"
    assert sample[0]["meta"]["source"] == "x"
    assert sample[1]["meta"]["line"] == 7


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("signals: -\nA [DVPN](DVPX/used) here.", "x.md:2: unknown measure label 'DVPX'"),
        ("signals: -\nA [DVPN](DVPN/issued) here.", "x.md:2: unknown status 'issued'"),
        ("signals: -\nA [DVPN](DVPN) here.", "x.md:2: annotation target 'DVPN' is not LABEL/status"),
        ("signals: LATE\nA DVPN here.", "x.md:1: unknown signal 'LATE'"),
        ("signals:\nA DVPN here.", "x.md:1: empty signals line"),
        ("A [DVPN](DVPN/used) here.", "x.md:1: item must start with 'signals: ...'"),
        ("signals: -", "x.md:1: item has a signals line but no text"),
        ("signals: -\nok\n\nsignals: -\nA [ DVPN](DVPN/used).", "x.md:5: annotated span ' DVPN'"),
        ("signals: -\nA [DVPN(DVPN/used) here ](x.", "x.md:2: malformed annotation"),
        ("signals: DELAY, DELAY\ntext", "x.md:1: a signal is listed twice"),
    ],
)
def test_bad_markup_names_file_and_line(markup: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_text(markup, "x.md", "x")
    assert str(info.value).startswith(message)


def test_register_defaults_to_stem_and_file_roundtrip(tmp_path: Path) -> None:
    path = tmp_path / "calls.md"
    path.write_text("signals: -\n[NMO](NMO/used) in force.\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# not markup\n\nfree prose", encoding="utf-8")
    records = build_gold(tmp_path)
    assert [r["id"] for r in records] == ["calls-001"]
    assert records[0]["meta"]["register"] == "calls"
    assert parse_file(path) == records
    out = tmp_path / "gold.jsonl"
    assert write_gold(records, out) == 1
    assert json.loads(out.read_text(encoding="utf-8")) == records[0]


def test_split_is_stable_and_about_a_quarter() -> None:
    ids = [f"file-{n:03d}" for n in range(2000)]
    parts = [split_of(i) for i in ids]
    assert parts == [split_of(i) for i in ids]
    assert set(parts) == {"train", "heldout"}
    assert 0.22 < parts.count("heldout") / len(parts) < 0.28


# ---- the real gold set -------------------------------------------------------------------


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    records = load_gold()
    if not records:
        pytest.fail(f"no gold items found in {GOLD_DIR}")
    return records


def test_every_gold_item_is_consistent(gold: list[dict]) -> None:
    ids = [r["id"] for r in gold]
    assert len(ids) == len(set(ids))
    for record in gold:
        assert record["text"].strip(), record["id"]
        spans = sorted((e["start"], e["end"]) for e in record["entities"])
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start, f"{record['id']}: overlapping spans"
        for ent in record["entities"]:
            assert record["text"][ent["start"] : ent["end"]] == ent["text"]


def test_every_measure_and_status_is_represented(gold: list[dict]) -> None:
    measures = Counter(e["label"] for r in gold for e in r["entities"])
    statuses = Counter(e["status"] for r in gold for e in r["entities"])
    signals = Counter(s["label"] for r in gold for s in r["signals"])
    assert {m for m in labels.measures() if measures[m] < 3} == set()
    assert {s for s in labels.statuses() if statuses[s] < 3} == set()
    assert {s for s in labels.signals() if signals[s] < 2} == set()


def test_heldout_share(gold: list[dict]) -> None:
    heldout = [r for r in gold if r["meta"]["split"] == "heldout"]
    assert 0.15 <= len(heldout) / len(gold) <= 0.35
    assert {r["id"] for r in load_gold("heldout")} == {r["id"] for r in heldout}


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def test_no_gold_text_copies_the_dev_set(gold: list[dict], dev_gold: Path) -> None:
    lines = dev_gold.read_text(encoding="utf-8").splitlines()
    dev = {_norm(json.loads(line)["text"]) for line in lines if line.strip()}
    assert dev, "dev set is empty"
    copied = [r["id"] for r in gold if _norm(r["text"]) in dev]
    assert copied == []


def test_gold_records_match_the_record_schema(gold: list[dict], shared_dir: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shared_dir / "spec" / "record.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    bad = [r["id"] for r in gold if not validator.is_valid(r)]
    assert bad == []
