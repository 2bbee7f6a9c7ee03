"""Train the status back-up classifier (`vawg_status_model`, see `pipeline/nlp/status_model.py`).

Examples are gold mentions of the gold `train` split (never `heldout`), optional extra records
and generated records (`pipeline/train/generate.py`). Each mention runs through the status
rules first; the classifier reads `status_text` (marked sentence + rule status + cue + label)
and learns the gold status, so it learns where the rules go wrong. Model: spaCy `textcat`
(exclusive classes, bag of uni- and bigrams), trained from `spacy.blank("en")`; with `seeds`
above 1, several seeds are trained and their weights averaged (`average_weights`).
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from thinc.api import Adam

from pipeline import __version__
from pipeline.errors import UsageError, not_found
from pipeline.nlp.status_model import SETTINGS_FILE
from pipeline.nlp.status_rules import STATUSES
from pipeline.nlp.status_text import STATUS_WORDS_VERSION, status_text
from pipeline.train.data import load_rows
from pipeline.train.generate import generate
from pipeline.train.markup import parse_file
from pipeline.train.splits import load_gold
from pipeline.train.status_eval import gold_mention_docs

TEXTCAT = {
    "model": {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": True,
        "ngram_size": 2,
        "no_output_layer": False,
    }
}


@dataclass
class StatusTrainOptions:
    """What to train on and how."""

    n_generated: int = 8000
    seed: int = 0
    gold: bool = True
    gold_weight: int = 2
    epochs: int = 8
    batch_size: int = 32
    dropout: float = 0.1
    threshold: float = 0.5
    used_weight: float = 1.0
    seeds: int = 1
    extra: list[Path] = field(default_factory=list)


def load_records(path: Path) -> list[dict[str, Any]]:
    """Records with gold mentions from bracket markup (.md) or JSON lines."""
    if path.suffix != ".md":
        return load_rows(path)
    if not path.exists():
        raise not_found(path)
    return parse_file(path)


def status_examples(nlp: Language, records: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """(status_text, gold status) for every alignable gold mention, as the rules see it."""
    rows: list[tuple[str, str]] = []
    for record, doc, spans in gold_mention_docs(nlp, records, with_model=False):
        by_start = {ent.start_char: ent for ent in doc.ents}
        for gold, span in zip(record["entities"], spans, strict=True):
            ent = by_start.get(span.start_char) if span is not None else None
            if ent is not None and gold.get("status") in STATUSES:
                rows.append((status_text(ent), gold["status"]))
    return rows


def rule_status(text: str) -> str | None:
    """The rule's status as written in a `status_text` (its ``rule_<status>`` word)."""
    return next((w[5:] for w in text.split(" ") if w.startswith("rule_") and "|" not in w), None)


def one_hot(status: str) -> dict[str, float]:
    """The `cats` dict of one gold status."""
    return {s: float(s == status) for s in STATUSES}


def fit(rows: list[tuple[str, str]], opts: StatusTrainOptions) -> Language:
    """A blank English pipeline with one exclusive `textcat`, trained on `rows`."""
    spacy.util.fix_random_seed(opts.seed)
    model = spacy.blank("en")
    textcat: Any = model.add_pipe("textcat", config=TEXTCAT)
    for status in STATUSES:
        textcat.add_label(status)
    examples = [
        Example.from_dict(Doc(model.vocab, words=text.split(" ")), {"cats": one_hot(gold)})
        for text, gold in rows
    ]
    # spaCy's default Adam settings, plus running averages of the weights
    optimizer = model.initialize(lambda: examples, sgd=Adam(0.001, L2=0.01, grad_clip=1.0, use_averages=True))
    rng = random.Random(opts.seed)
    for _ in range(opts.epochs):
        order = list(range(len(examples)))
        rng.shuffle(order)
        for start in range(0, len(order), opts.batch_size):
            batch = [examples[i] for i in order[start : start + opts.batch_size]]
            model.update(batch, sgd=optimizer, drop=opts.dropout)
    if optimizer.averages:
        # keep the running averages of the weights (smoother than the last update's weights)
        with model.use_params(optimizer.averages):
            weights = model.to_bytes()
        model.from_bytes(weights)
    return model


def average_weights(models: list[Language]) -> Language:
    """The first of `models` with each textcat weight replaced by its mean over all of them.

    The models must share one architecture (same recipe, other seeds). A mean of a few seeds'
    weights moves less from one retrain to the next than any single seed's weights."""
    textcats: list[Any] = [m.get_pipe("textcat") for m in models]
    layers = [list(textcat.model.walk()) for textcat in textcats]
    for group in zip(*layers, strict=True):
        first = group[0]
        for name in first.param_names:
            if first.has_param(name):
                first.set_param(name, np.mean([layer.get_param(name) for layer in group], axis=0))
    return models[0]


def train_status(out: Path, opts: StatusTrainOptions, nlp: Language | None = None) -> dict[str, Any]:
    """Build the examples, train, and write the model folder with its settings and meta."""
    import pipeline

    started = time.perf_counter()
    nlp = nlp or pipeline.load(None)
    gold = load_gold("train") if opts.gold else []
    extra = [r for path in opts.extra for r in load_records(path)]
    generated = list(generate(opts.n_generated, seed=opts.seed)) if opts.n_generated else []
    hand = status_examples(nlp, gold + extra)
    made = status_examples(nlp, generated)
    rows = hand * opts.gold_weight + made
    if not rows:
        raise UsageError("no training mentions: give --gold, --data or --n-generated")
    model = average_weights([fit(rows, replace(opts, seed=opts.seed + k)) for k in range(opts.seeds)])
    rule_agreement = sum(rule_status(text) == gold for text, gold in made)
    summary = {
        "out": str(out),
        "hand_mentions": len(hand),
        "generated_mentions": len(made),
        "rules_agree_on_generated": round(rule_agreement / len(made), 3) if made else None,
        "status_counts": dict(Counter(gold for _, gold in hand + made)),
        "seconds": round(time.perf_counter() - started, 1),
    }
    settings = {
        "threshold": opts.threshold,
        "used_weight": opts.used_weight,
        "status_words_version": STATUS_WORDS_VERSION,
        "options": {k: (v if k != "extra" else [str(p) for p in v]) for k, v in vars(opts).items()},
        "summary": summary,
    }
    model.meta.update(
        name="vawg_status_model",
        version=__version__,
        description="Status back-up classifier (textcat: marked sentence + the rule's view), vawg-pipeline",
    )
    out.mkdir(parents=True, exist_ok=True)
    model.to_disk(out)
    (out / SETTINGS_FILE).write_text(json.dumps(settings, indent=1), encoding="utf-8")
    return summary
