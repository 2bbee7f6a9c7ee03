"""The retraining loop on a small slice: `vawg train signals`, `vawg train baseline`, compare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import labels
from pipeline.cli.main import _register, app
from pipeline.records import write_jsonl_atomic
from pipeline.train.generate import generate
from pipeline.train.signal_eval import choose_thresholds, load_model, score_signals

SLICE = ["--n-generated", "240", "--seed", "2", "--no-gold"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both models trained through the CLI on a small slice (seconds, not minutes)."""
    _register()
    root = tmp_path_factory.mktemp("retrain")
    runner = CliRunner()
    spacy_out, base_out = root / "signals", root / "baseline"
    r1 = runner.invoke(app, ["train", "signals", *SLICE, "--max-steps", "40", "--out", str(spacy_out)])
    assert r1.exit_code == 0, r1.output
    r2 = runner.invoke(app, ["train", "baseline", *SLICE, "--out", str(base_out)])
    assert r2.exit_code == 0, r2.output
    return {"spacy": spacy_out, "baseline": base_out, "root": root}


def test_spacy_model_folder_is_complete(trained: dict[str, Path]) -> None:
    out = trained["spacy"]
    assert (out / "config.cfg").is_file()
    settings = json.loads((out / "signals.json").read_text())
    assert settings["kind"] == "spacy" and set(settings["thresholds"]) == set(labels.signals())
    meta = json.loads((out / "meta.json").read_text())
    assert meta["vawg"]["training"]["generated_records"] == 240
    assert meta["vawg"]["training"]["gold_train_sentences"] == 0


def test_both_models_score_every_label(trained: dict[str, Path]) -> None:
    for key in ("spacy", "baseline"):
        scores = load_model(trained[key]).scores(["No referral to MARAC was made.", "Burglary, no suspects."])
        assert len(scores) == 2
        assert set(scores[0]) == set(labels.signals())
        assert all(0.0 <= v <= 1.0 for v in scores[0].values())


def test_compare_command_prints_both(trained: dict[str, Path]) -> None:
    gold = trained["root"] / "gold.jsonl"
    write_jsonl_atomic(gold, generate(30, seed=99, prefix="check"))
    result = CliRunner().invoke(app, ["train", "compare", str(gold), "--model", str(trained["spacy"]),
                                      "--model", str(trained["baseline"]), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"signals", "baseline"}
    assert all(0.0 <= r["micro"]["f"] <= 1.0 for r in out.values())


def test_choose_thresholds_maximises_f1() -> None:
    scores = [{"DELAY": 0.9}, {"DELAY": 0.6}, {"DELAY": 0.4}, {"DELAY": 0.1}]
    gold = [["DELAY"], ["DELAY"], [], []]
    t = choose_thresholds(scores, gold)
    assert 0.4 < t["DELAY"] <= 0.6
    assert t["NO_REFERRAL"] == 0.5  # no positives: the default


def test_choose_thresholds_stays_in_bounds_and_needs_positives() -> None:
    # one positive scored 0.99 and negatives up to 0.9: raw F1 would pick 0.95; the bound stops at 0.8
    scores = [{"DELAY": 0.99, "NO_REFERRAL": 0.9}, {"DELAY": 0.9}, {"DELAY": 0.85}, {"DELAY": 0.1}]
    gold = [["DELAY", "NO_REFERRAL"], ["DELAY"], [], []]
    t = choose_thresholds(scores, gold)
    assert 0.2 <= min(t.values()) and max(t.values()) <= 0.8
    assert t["NO_REFERRAL"] == 0.5  # a single positive is too few to move the threshold


def test_threshold_rows_are_held_back_gold_once_each() -> None:
    from pipeline.train.train_signals import threshold_rows

    gen = [{"id": f"g{i}", "text": "x", "labels": [], "source": "generated"} for i in range(100)]
    gold = [{"id": f"h{i}~v{k}", "text": "y", "labels": [], "source": "gold-train"}
            for i in range(60) for k in range(3)]
    rows = threshold_rows(gen + gold)
    assert len(rows) == 60 and {r["source"] for r in rows} == {"gold-train"}
    assert threshold_rows(gen + gold[:30]) == gen + gold[:30]  # too little gold: the whole set


def test_score_signals_counts_record_sets() -> None:
    gold = [{"id": "1", "signals": [{"label": "DELAY"}]}, {"id": "2", "signals": []}]
    pred = [{"id": "1", "signals": [{"label": "DELAY"}, {"label": "DELAY"}]},
            {"id": "2", "signals": [{"label": "NO_REFERRAL"}]}]
    res = score_signals(gold, pred)
    assert res["per_label"]["DELAY"]["tp"] == 1
    assert res["per_label"]["NO_REFERRAL"]["fp"] == 1
    assert res["micro"]["p"] == 0.5 and res["macro_f"] == 0.5


def test_weak_label_command(tmp_path: Path) -> None:
    _register()
    src = tmp_path / "recs.jsonl"
    write_jsonl_atomic(src, generate(40, seed=5))
    out = tmp_path / "weak.jsonl"
    result = CliRunner().invoke(app, ["train", "weak-label", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "labelling function" in result.output and "civil_matter" in result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and all(r["source"] == "weak" and "reference" in r for r in rows)
