"""One full active-learning round on a small slice: select, correct, import, retrain, evaluate.

The starting model is trained on generated records that never show DELAY or NO_REFERRAL
(a model with a blind spot). `vawg select --strategy disagreement` picks pool sentences
where rules and model disagree; a simulated annotator corrects them in Label Studio (the
export is built from the hidden gold of the pool); `vawg import labelstudio` brings them
back; the classifier is retrained with a tiny config (bag-of-words textcat, seconds) with
the corrected sentences and, as a control, with the same sentences left as the model
labelled them. Evaluation: record-level signal F1 (`vawg evaluate`'s scorer) and, for the
unseen labels, how well each model ranks test sentences (ROC AUC, free of threshold noise).
Printed figures: `pytest tests/train/test_loop.py -s`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sklearn.metrics import roc_auc_score
from spacy.util import load_config
from typer.testing import CliRunner

from pipeline.cli.main import _register, app
from pipeline.paths import CONFIGS
from pipeline.records import read_jsonl, write_jsonl_atomic
from pipeline.train.data import record_examples
from pipeline.train.evaluate import evaluate
from pipeline.train.generate import generate
from pipeline.train.interchange import labelstudio
from pipeline.train.signal_eval import load_model, predict_records
from pipeline.train.train_signals import DataOptions, train_spacy

BLIND = {"DELAY", "NO_REFERRAL"}
N_BASE, N_POOL, N_SELECT, N_TEST = 500, 600, 120, 300
WEIGHT = 3  # corrected sentences count like hand-written gold (vawg train: --gold-weight 3)
SEEDS = (11, 12, 13)  # starting data, pool, test


def _tiny_config(path: Path) -> Path:
    """configs/signals.cfg with a bag-of-words model and few steps: trains in seconds."""
    cfg = load_config(CONFIGS / "signals.cfg", interpolate=False)
    cfg["components"]["textcat_multilabel"]["model"] = {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": False,
        "ngram_size": 2,
        "no_output_layer": False,
        "length": 65536,
        "nO": None,
    }
    cfg["training"].update({"max_steps": 600, "eval_frequency": 100})
    cfg.to_disk(path)
    return path


def _gold_sentence(record: dict[str, Any], gold: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What a careful annotator makes of a selected sentence: the pool's hidden gold for it."""
    src = gold[record["meta"]["source_id"]]
    start = record["meta"]["offset"]
    end = start + len(record["text"])
    ents = [
        {**e, "start": e["start"] - start, "end": e["end"] - start}
        for e in src["entities"]
        if start <= e["start"] and e["end"] <= end
    ]
    sigs = [
        {"label": s["label"], "start": 0, "end": end - start}
        for s in src["signals"]
        if min(s["end"], end) > max(s["start"], start)
    ]
    return {**record, "entities": ents, "signals": sigs}


def _train(out: Path, config: Path, files: list[Path]) -> Path:
    train_spacy(out, DataOptions(n_generated=0, gold=False, extra=files, seed=0), config)
    return out


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    _register()
    root = tmp_path_factory.mktemp("loop")
    runner = CliRunner()
    config = _tiny_config(root / "tiny.cfg")
    base = [
        r
        for r in generate(N_BASE, seed=SEEDS[0], prefix="base")
        if not BLIND & {s["label"] for s in r["signals"]}
    ]
    write_jsonl_atomic(root / "base.jsonl", base)
    m0 = _train(root / "m0", config, [root / "base.jsonl"])

    gold = {r["id"]: r for r in generate(N_POOL, seed=SEEDS[1], prefix="pool")}
    write_jsonl_atomic(root / "pool.jsonl", [{"id": r["id"], "text": r["text"]} for r in gold.values()])
    res = runner.invoke(
        app,
        [
            "select",
            "--model",
            str(m0),
            "--n",
            str(N_SELECT),
            "--strategy",
            "disagreement",
            "--per-doc",
            "2",
            "--seed",
            "0",
            str(root / "pool.jsonl"),
            "--out",
            str(root / "selected.jsonl"),
            "--labelstudio",
            str(root / "tasks.json"),
        ],
    )
    assert res.exit_code == 0, res.output
    selected = list(read_jsonl(root / "selected.jsonl"))
    tasks = json.loads((root / "tasks.json").read_text())
    export = [
        {
            "id": n,
            "data": t["data"],
            "predictions": t["predictions"],
            "annotations": [
                {
                    "id": 500 + n,
                    "completed_by": {"id": 2, "email": "reviewer@example.org"},
                    "result": labelstudio.results_for(_gold_sentence(rec, gold)),
                    "was_cancelled": False,
                    "ground_truth": False,
                    "created_at": "2026-11-28T12:00:00Z",
                    "updated_at": "2026-11-28T12:01:00Z",
                }
            ],
        }
        for n, (t, rec) in enumerate(zip(tasks, selected, strict=True))
    ]
    (root / "export.json").write_text(json.dumps(export))
    res = runner.invoke(
        app, ["import", "labelstudio", str(root / "export.json"), "--out", str(root / "round1.jsonl")]
    )
    assert res.exit_code == 0, res.output
    corrected = list(read_jsonl(root / "round1.jsonl"))
    blind_counts = {lab: sum(lab in _labels(r) for r in corrected) for lab in sorted(BLIND)}
    print(f"\ncorrected sentences with an unseen label: {blind_counts}")

    m1 = _train(root / "m1", config, [root / "base.jsonl", *[root / "round1.jsonl"] * WEIGHT])
    m1_uncorrected = _train(root / "m1u", config, [root / "base.jsonl", *[root / "selected.jsonl"] * WEIGHT])
    test = list(generate(N_TEST, seed=SEEDS[2], prefix="test"))
    sentences = record_examples(test)
    scores, auc = {}, {}
    for name, path in (("m0", m0), ("m1", m1), ("uncorrected", m1_uncorrected)):
        model = load_model(path)
        scores[name] = evaluate(test, predict_records(model, test))["signals"]
        sentence_scores = model.scores([x["text"] for x in sentences])
        auc[name] = {
            lab: roc_auc_score([lab in x["labels"] for x in sentences], [sc[lab] for sc in sentence_scores])
            for lab in sorted(BLIND)
        }
        s = scores[name]
        print(
            f"\n{name:12s} micro F1 {s['micro']['f']:.3f}  macro F1 {s['macro_f']:.3f}  "
            f"blind-label AUC {', '.join(f'{k} {v:.3f}' for k, v in auc[name].items())}"
        )
    return {
        "selected": selected,
        "corrected": corrected,
        "scores": scores,
        "auc": auc,
        "import_output": res.output,
    }


def _labels(rec: dict[str, Any]) -> set[str]:
    return {s["label"] for s in rec["signals"]}


def test_selection_is_spread_and_explained(loop: dict[str, Any]) -> None:
    selected = loop["selected"]
    assert len(selected) == N_SELECT
    per_doc: dict[str, int] = {}
    for rec in selected:
        per_doc[rec["meta"]["source_id"]] = per_doc.get(rec["meta"]["source_id"], 0) + 1
        assert rec["meta"]["selection"]["strategy"] == "disagreement" and rec["meta"]["selection"]["reasons"]
    assert max(per_doc.values()) <= 2
    values = [r["meta"]["selection"]["value"] for r in selected]
    assert values == sorted(values, reverse=True)


def test_corrections_came_back_through_label_studio(loop: dict[str, Any]) -> None:
    corrected = loop["corrected"]
    assert "problems: none" in loop["import_output"]
    assert [r["id"] for r in corrected] == [r["id"] for r in loop["selected"]]
    assert all(r["meta"]["annotation"]["annotator"] == "reviewer@example.org" for r in corrected)
    changed = sum(_labels(a) != _labels(b) for a, b in zip(loop["selected"], corrected, strict=True))
    assert changed >= N_SELECT // 4  # the person fixed many of the model's signals
    assert any(BLIND & _labels(r) for r in corrected)  # and taught it what it had never seen


def test_corrected_examples_moved_the_metric(loop: dict[str, Any]) -> None:
    auc, s = loop["auc"], loop["scores"]

    def mean_auc(name: str) -> float:  # how well a model ranks test sentences for the labels it never saw
        return sum(auc[name].values()) / len(auc[name])

    assert all(auc["m1"][lab] > auc["m0"][lab] for lab in BLIND)
    assert mean_auc("m1") > mean_auc("m0") + 0.1
    assert mean_auc("m1") > mean_auc("uncorrected") + 0.1  # the corrections, not the extra text
    assert s["m1"]["macro_f"] > s["m0"]["macro_f"]


# -- selection on its own (a fake scorer, no training) -----------------------------------------
def _fake_scorer(table: dict[str, dict[str, float]]) -> Any:
    from pipeline.train.select import Scorer

    return Scorer(lambda texts: [dict(table.get(t, {})) for t in texts], {"DELAY": 0.4, "NO_REFERRAL": 0.5})


def _docs() -> list[Any]:
    from pipeline.records import Document

    return [
        Document("a", "MARAC referral was not made. Officers took six days to attend. Nothing else."),
        Document("b", "The IDVA referral was made. Arrest was prompt."),
        Document("c", "Officers took three days to attend."),
    ]


def test_uncertainty_prefers_scores_near_thresholds() -> None:
    from pipeline.train.select import select

    table = {
        "Officers took six days to attend.": {"DELAY": 0.41, "NO_REFERRAL": 0.02},
        "Officers took three days to attend.": {"DELAY": 0.95, "NO_REFERRAL": 0.01},
        "Arrest was prompt.": {"DELAY": 0.2, "NO_REFERRAL": 0.48},
    }
    recs, summary = select(_docs(), _fake_scorer(table), n=2, strategy="uncertainty", per_doc=1)
    assert [r["text"] for r in recs] == ["Officers took six days to attend.", "Arrest was prompt."]
    assert recs[0]["meta"]["offset"] == _docs()[0].text.index("Officers")
    assert summary["sentences"] == 6 and summary["documents_used"] == 2


def test_disagreement_finds_status_rules_against_the_model() -> None:
    from pipeline.train.select import select

    recs, _ = select(_docs(), _fake_scorer({}), n=1, strategy="disagreement", per_doc=1)
    top = recs[0]
    assert top["text"] == "MARAC referral was not made."
    assert any("status rules imply NO_REFERRAL" in r for r in top["meta"]["selection"]["reasons"])
    assert top["entities"] == [
        {"start": 0, "end": 5, "label": "MARAC", "status": "not_used", "text": "MARAC"}
    ]


def test_random_is_seeded_and_capped_per_document() -> None:
    from pipeline.train.select import select

    def ids(seed: int) -> list[str]:
        return [
            r["id"]
            for r in select(_docs(), _fake_scorer({}), n=4, strategy="random", per_doc=1, seed=seed)[0]
        ]

    assert ids(1) == ids(1)
    assert len(ids(1)) == 3  # only three documents, one sentence each
    assert {ids(s)[0] for s in range(8)} != {ids(1)[0]}
