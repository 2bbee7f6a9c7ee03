"""The sentence generator: seeded, reproducible, and its labels agree with its templates."""

from __future__ import annotations

import json
import random

import pytest
from typer.testing import CliRunner

from pipeline import labels
from pipeline.cli.main import _register, app
from pipeline.train.generate import Expander, Generator, generate, load_templates


def test_same_seed_same_records() -> None:
    assert list(generate(60, seed=5)) == list(generate(60, seed=5))


def test_different_seeds_differ() -> None:
    a = [r["text"] for r in generate(60, seed=1)]
    b = [r["text"] for r in generate(60, seed=2)]
    assert a != b


def test_every_template_expands_with_valid_spans() -> None:
    ts = load_templates()
    gen = Generator(seed=3)
    for template in ts.positives + ts.negatives:
        for _ in range(4):
            sent = gen.sentence(template)
            assert sent.text.strip(), template.key
            for start, end, label, status in sent.spans:
                assert 0 <= start < end <= len(sent.text), template.key
                assert label in labels.measures() and status in labels.statuses()


@pytest.mark.parametrize("seed", [0, 11])
def test_record_offsets_and_labels_are_consistent(seed: int) -> None:
    ts = load_templates()
    keys = {t.key: t for t in ts.positives + ts.negatives}
    for rec in generate(400, seed=seed):
        text = rec["text"]
        for ent in rec["entities"]:
            assert text[ent["start"]:ent["end"]] == ent["text"]
        for sig in rec["signals"]:
            assert sig["label"] in labels.signals()
            assert 0 <= sig["start"] < sig["end"] <= len(text)
        expected = set()
        for key in rec["meta"]["templates"]:
            for part in key.split("+"):
                expected.update(keys[part].signals)
        assert {s["label"] for s in rec["signals"]} == expected


def test_negative_templates_carry_no_signal_and_positives_their_group() -> None:
    ts = load_templates()
    assert all(not t.signals for t in ts.negatives)
    for t in ts.positives:
        if not t.key.startswith("multi-"):
            assert t.signals == (t.key.split("-")[0],)
    assert set(ts.by_signal) == set(labels.signals())


def test_inline_choices_slots_and_measures() -> None:
    ts = load_templates()
    exp = Expander(ts, random.Random(0))
    text, spans = exp.expand("{a|b} x <DVPN/not_used> y")
    assert text.split(" x ")[0] in {"a", "b"}
    (start, end, label, status), = spans
    assert label == "DVPN" and status == "not_used"
    assert text[start:end] in ts.measures["DVPN"]["n"]


def test_generate_command_writes_jsonl(tmp_path) -> None:
    _register()
    out = tmp_path / "gen.jsonl"
    result = CliRunner().invoke(app, ["generate", "--n", "25", "--seed", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 25
    assert rows == list(generate(25, seed=4))
