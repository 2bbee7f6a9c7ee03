"""The scikit-learn baseline for signals: TF-IDF n-grams and one-vs-rest logistic regression.

Trained on the same sentence examples as the spaCy model, with thresholds picked on the
same validation split, so the two compare like for like. BLAS is pinned to one thread
(threadpoolctl): on this machine that fits faster than letting it spread over the cores.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from pipeline import labels
from pipeline.errors import UsageError
from pipeline.train.signal_eval import SETTINGS_FILE, choose_thresholds

MODEL_FILE = "baseline.pkl"


def _pipeline(c: float = 4.0) -> Pipeline:
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2,
                                  max_features=60000)),
    ])
    clf = OneVsRestClassifier(LogisticRegression(C=c, max_iter=2000, solver="liblinear"))
    return Pipeline([("tfidf", features), ("clf", clf)])


class BaselineModel:
    """A fitted TF-IDF + logistic regression model with per-label thresholds."""

    def __init__(self, pipe: Pipeline, thresholds: dict[str, float] | None = None) -> None:
        self.pipe = pipe
        self.codes = labels.signals()
        self.thresholds = thresholds or {c: 0.5 for c in self.codes}

    @classmethod
    def fit(cls, texts: Sequence[str], label_sets: Sequence[Sequence[str]], c: float = 4.0) -> BaselineModel:
        codes = labels.signals()
        y = np.array([[int(code in set(ls)) for code in codes] for ls in label_sets])
        missing = [code for code, col in zip(codes, y.T, strict=True) if col.sum() == 0]
        if missing:
            raise UsageError(f"no training examples for {', '.join(missing)}")
        pipe = _pipeline(c)
        with threadpool_limits(limits=1):
            pipe.fit(list(texts), y)
        return cls(pipe)

    def scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        with threadpool_limits(limits=1):
            probs = self.pipe.predict_proba(list(texts))
        return [{code: float(p) for code, p in zip(self.codes, row, strict=True)} for row in probs]

    def tune(self, texts: Sequence[str], label_sets: Sequence[Sequence[str]]) -> dict[str, float]:
        self.thresholds = choose_thresholds(self.scores(texts), label_sets)
        return self.thresholds

    def save(self, out: Path, meta: dict[str, Any] | None = None) -> None:
        out.mkdir(parents=True, exist_ok=True)
        with open(out / MODEL_FILE, "wb") as fh:
            pickle.dump(self.pipe, fh)
        settings = {"kind": "baseline", "thresholds": self.thresholds, "labels": self.codes}
        (out / SETTINGS_FILE).write_text(json.dumps(settings, indent=1), encoding="utf-8")
        (out / "meta.json").write_text(json.dumps({"name": "signals-baseline", **(meta or {})}, indent=1),
                                       encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> BaselineModel:
        """Load a saved baseline (pickle: only load folders you trained yourself)."""
        with open(path / MODEL_FILE, "rb") as fh:
            pipe = pickle.load(fh)
        settings = json.loads((path / SETTINGS_FILE).read_text(encoding="utf-8"))
        return cls(pipe, {k: float(v) for k, v in settings["thresholds"].items()})
