"""Retraining loop for the signal classifier: build the data, train, pick thresholds, package.

Training data = generated sentences (`pipeline.train.generate`) + the hand-written gold
*train* split (`pipeline.train.splits`, repeated `gold_weight` times) + any extra files of
records or sentence examples (e.g. weak labels). Never the heldout gold, never dev. The
mix is split once (stratified, seeded) into train and validation. Validation picks the
spaCy checkpoint and the per-label thresholds; in it, the held-back gold-train sentences are
repeated so that they weigh as much as the generated ones (real prose matters more than
templates). `train_spacy` wraps `spacy train` with configs/signals.cfg; `train_baseline`
fits the scikit-learn model on exactly the same split.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import labels
from pipeline.errors import UsageError, not_found
from pipeline.nlp.signal_text import marked_text
from pipeline.paths import CONFIGS
from pipeline.train import data
from pipeline.train.generate import generate
from pipeline.train.signal_eval import SETTINGS_FILE, SpacySignalModel, choose_thresholds

DEFAULT_CONFIG = CONFIGS / "signals.cfg"


@dataclass
class DataOptions:
    """What goes into the training mix."""

    n_generated: int = 20000
    seed: int = 0
    gold: bool = True
    gold_weight: int = 3
    gold_items: int = 0  # 0: every gold train item; else an even sample of this many (quick runs)
    extra: list[Path] = field(default_factory=list)
    validation: float = 0.1
    markers: bool = False  # tag mentions with the rule layer so examples carry marker features


def gold_sample(records: list[dict[str, Any]], items: int) -> list[dict[str, Any]]:
    """All `records` (items 0), or `items` of them taken at even steps, so every register keeps a share."""
    if items <= 0 or items >= len(records):
        return records
    step = len(records) / items
    return [records[int(k * step)] for k in range(items)]


def build_data(opts: DataOptions) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Train and validation sentence examples, plus a summary of where they came from."""
    def prepare(records: Any) -> list[dict[str, Any]]:
        # markers must come from the rule layer, as at run time: hand-made entities are dropped
        records = list(records)
        return data.add_mentions([{**r, "entities": []} for r in records]) if opts.markers else records

    examples = data.record_examples(prepare(generate(opts.n_generated, seed=opts.seed)), "generated") \
        if opts.n_generated else []
    gold_examples: list[dict[str, Any]] = []
    if opts.gold:
        from pipeline.train.splits import load_gold

        gold = gold_sample(load_gold("train"), opts.gold_items)
        gold_examples = data.record_examples(prepare(gold), "gold-train")
    for path in opts.extra:
        if not path.exists():
            raise not_found(path)
        examples.extend(data.examples_from_file(path))
    examples.extend(gold_examples)
    if not examples:
        raise UsageError("no training data: give --n-generated > 0, gold, or --data files")
    train_ds, val_ds = data.split_dataset(data.to_dataset(examples), opts.validation, opts.seed)
    train, val = data.rows_of(train_ds), _balance_gold(data.rows_of(val_ds))
    extra_gold = [r for r in train if r["source"] == "gold-train"] * max(opts.gold_weight - 1, 0)
    train = train + [{**r, "id": f"{r['id']}~{i}"} for i, r in enumerate(extra_gold)]
    summary = {
        "generated_records": opts.n_generated, "seed": opts.seed, "gold_train_sentences": len(gold_examples),
        "gold_weight": opts.gold_weight, "markers": opts.markers, "extra": [str(p) for p in opts.extra],
        "train_examples": len(train), "validation_examples": len(val),
        "train_label_counts": {lab: sum(lab in r["labels"] for r in train) for lab in labels.signals()},
    }
    return train, val, summary


def _balance_gold(val: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Repeat the gold-train rows of a validation set until they are about half of it."""
    gold = [r for r in val if r["source"] == "gold-train"]
    other = [r for r in val if r["source"] != "gold-train"]
    if not gold or not other:
        return val
    times = max(1, round(len(other) / len(gold)))
    return other + [{**r, "id": f"{r['id']}~v{i}"} for i in range(times) for r in gold]


def threshold_rows(val: list[dict[str, Any]], min_gold: int = 50) -> list[dict[str, Any]]:
    """The rows thresholds are chosen on: the held-back gold-train sentences, once each.

    Thresholds should fit real prose, not templates; when the validation set holds fewer
    than `min_gold` gold sentences (small or gold-free runs) the whole set is used.
    """
    seen: dict[str, dict[str, Any]] = {}
    for r in val:
        if r.get("source") == "gold-train":
            seen.setdefault(str(r["id"]).split("~v")[0], r)
    gold = list(seen.values())
    return gold if len(gold) >= min_gold else val


def _write_corpus(folder: Path, train: list[dict[str, Any]], val: list[dict[str, Any]]) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    tp, vp = folder / "train.jsonl", folder / "validation.jsonl"
    data.write_examples(tp, train)
    data.write_examples(vp, val)
    return tp, vp


def train_spacy(out: Path, opts: DataOptions, config: Path = DEFAULT_CONFIG,
                overrides: dict[str, Any] | None = None, workdir: Path | None = None) -> dict[str, Any]:
    """Train the spaCy classifier into `out` (a loadable pipeline with thresholds); return a summary."""
    from spacy.cli.train import train as spacy_train

    import pipeline.train.readers  # noqa: F401  (registers vawg.SignalCorpus.v1)

    if not config.is_file():
        raise not_found(config)
    started = time.time()
    train, val, summary = build_data(opts)
    tmp = Path(tempfile.mkdtemp(prefix="vawg-signals-")) if workdir is None else workdir
    try:
        tp, vp = _write_corpus(tmp / "corpus", train, val if val else train[:200])
        all_overrides = {"paths.train": str(tp), "paths.dev": str(vp), "system.seed": opts.seed,
                         **(overrides or {}), "corpora.train.markers": opts.markers}
        spacy_train(config, tmp / "training", use_gpu=-1, overrides=all_overrides)
        best = tmp / "training" / "model-best"
        card = out / "MODEL_CARD.md"
        kept = card.read_text(encoding="utf-8") if card.is_file() else None
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
        if kept is not None:  # the card is hand-written: keep it for the author to update
            card.write_text(kept, encoding="utf-8")
    finally:
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    model = SpacySignalModel(out)
    markers = opts.markers
    val_rows = threshold_rows(val or train[:200])
    texts = [marked_text(r["text"], r.get("mentions") or []) if markers else r["text"] for r in val_rows]
    thresholds = choose_thresholds(model.scores(texts), [r["labels"] for r in val_rows])
    settings = {"kind": "spacy", "thresholds": thresholds, "markers": markers, "labels": labels.signals()}
    summary["threshold_examples"] = len(val_rows)
    (out / SETTINGS_FILE).write_text(json.dumps(settings, indent=1), encoding="utf-8")
    summary.update({"config": str(config), "overrides": overrides or {},
                    "seconds": round(time.time() - started, 1)})
    _stamp_meta(out, summary, thresholds)
    return {"out": str(out), **summary, "thresholds": thresholds}


def _stamp_meta(out: Path, summary: dict[str, Any], thresholds: dict[str, float]) -> None:
    from spacy.util import load_config

    cfg_path = out / "config.cfg"
    if cfg_path.is_file():  # the corpus paths pointed at a temporary folder: blank them
        cfg = load_config(cfg_path, interpolate=False)
        cfg["paths"]["train"] = None
        cfg["paths"]["dev"] = None
        cfg.to_disk(cfg_path)
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    meta.update({"name": "vawg_signals", "version": "0.1.0",
                 "description": "Missed-opportunity signal classifier (textcat_multilabel), vawg-pipeline"})
    meta["vawg"] = {"training": summary, "thresholds": thresholds}
    meta_path.write_text(json.dumps(meta, indent=1), encoding="utf-8")


def train_baseline(out: Path, opts: DataOptions, c: float = 4.0) -> dict[str, Any]:
    """Fit the TF-IDF baseline on the same split and save it to `out`."""
    from pipeline.train.baseline import BaselineModel

    started = time.time()
    train, val, summary = build_data(opts)
    model = BaselineModel.fit([r["text"] for r in train], [r["labels"] for r in train], c=c)
    val_rows = threshold_rows(val or train[:200])
    model.tune([r["text"] for r in val_rows], [r["labels"] for r in val_rows])
    summary["seconds"] = round(time.time() - started, 1)
    if out.exists():
        shutil.rmtree(out)
    model.save(out, {"training": summary, "thresholds": model.thresholds})
    return {"out": str(out), **summary, "thresholds": model.thresholds}
