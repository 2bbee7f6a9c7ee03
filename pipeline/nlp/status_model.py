"""Trained back-up for the status rules (`vawg_status_model`): a 7-class spaCy `textcat`.

It runs after `vawg_status`. For each mention it reads the marked sentence, its neighbours and
the rule's status and cue (`status_text`). It picks its top class after multiplying the
probability of "used" by the `used_weight` stored with the model (below 1 corrects its lean
towards "used"); where that class differs from the rule's and its probability reaches the
stored threshold, it replaces the status (`ent._.status_by` becomes "model"; otherwise
"rules"). The model folder is written by
`vawg train status` (`models/status/` by default). Without it the component warns once and
leaves the rules' statuses alone.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.strings import hash_string  # type: ignore[attr-defined]
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from pipeline.nlp import extensions  # noqa: F401
from pipeline.nlp.nested import NestedModel
from pipeline.nlp.status_text import (
    STATUS_WORDS_VERSION,
    context_sentences,
    doc_mentions,
    doc_words,
    sentence_bounds,
    status_words,
)

SETTINGS_FILE = "status_model.json"
DEFAULT_THRESHOLD = 0.5


def _textcat(model: Language) -> Any:
    """The nested model's `textcat` pipe."""
    return model.get_pipe("textcat")


def bag_of_ngrams(textcat: Any) -> Callable[[list[list[str]]], np.ndarray] | None:
    """A direct scorer for a `TextCatBOW` textcat over ORTH n-grams, or None for other models.

    It computes what `textcat.predict` does (hashed n-gram counts into the sparse linear layer,
    then softmax) from word lists, without building a Doc per mention: about 4x faster, equal
    to float precision (a test checks). Repeated n-grams are summed rather than counted first,
    which gives the same linear output."""
    try:
        (features, activation) = textcat.model.layers
        extract, linear = features.layers[0].layers
    except (ValueError, IndexError):
        return None
    if extract.name != "extract_ngrams" or extract.attrs.get("attr") != ORTH:
        return None
    if "sparse_linear" not in linear.name or activation.name != "with_cpu(softmax_activation)":
        return None
    size, ops = int(extract.attrs["ngram_size"]), textcat.model.ops

    def score(texts: list[list[str]]) -> np.ndarray:
        keys, lengths = [], []
        for words in texts:
            unigrams = np.fromiter(map(hash_string, words), dtype="uint64", count=len(words))
            grams = [unigrams] + [ops.ngrams(n, unigrams) for n in range(2, size + 1) if len(words) >= n]
            keys.append(np.concatenate(grams))
            lengths.append(len(keys[-1]))
        flat = np.concatenate(keys)
        counts = np.ones(len(flat), dtype="f")
        summed = linear.predict((flat, counts, np.asarray(lengths, dtype="int32")))
        return np.asarray(activation.predict(summed))

    return score


def top_class(scores: dict[str, float], used_weight: float) -> str:
    """The class with the highest probability once that of "used" is multiplied by `used_weight`."""
    return max(scores, key=lambda s: scores[s] * (used_weight if s == "used" else 1.0))


class StatusModel(NestedModel):
    """Overrides rule statuses where the nested classifier is confident and disagrees."""

    settings_file = SETTINGS_FILE
    missing_message = "no status model at {path!r}; statuses come from the rules alone"

    def __init__(self, nlp: Language, name: str, model_path: str, batch_size: int = 256,
                 threshold: float | None = None) -> None:
        super().__init__(name, model_path, batch_size)
        self.threshold_override = threshold
        self._fast: Callable[[list[list[str]]], np.ndarray] | None = None

    def _load_from(self, folder: Path) -> bool:
        """Load the folder and, once, the direct scorer for its textcat (None if not a bag of n-grams).
        Warns if the model was trained on another version of `status_words`."""
        loaded = super()._load_from(folder)
        self._fast = bag_of_ngrams(_textcat(self._model)) if loaded and self._model is not None else None
        version = self._settings.get("status_words_version", 1)
        if loaded and version != STATUS_WORDS_VERSION:
            warnings.warn(
                f"{self.name}: the model at {str(folder)!r} was trained on status words version {version}, "
                f"this code writes version {STATUS_WORDS_VERSION}: retrain it (vawg train status)",
                stacklevel=2,
            )
        return loaded

    @property
    def threshold(self) -> float:
        if self.threshold_override is not None:
            return self.threshold_override
        self._ensure_model()
        return float(self._settings.get("threshold", DEFAULT_THRESHOLD))

    @property
    def used_weight(self) -> float:
        """Factor on the probability of "used" before the top class is picked (1.0 if not stored)."""
        self._ensure_model()
        return float(self._settings.get("used_weight", 1.0))

    @property
    def labels(self) -> list[str]:
        """Labels of the loaded model (spaCy reads this when it builds meta: it must not load)."""
        return list(_textcat(self._model).labels) if self._model is not None else []

    def scores(self, texts: list[list[str]]) -> list[dict[str, float]]:
        """Class probabilities for `status_words` lists (empty dicts without a model)."""
        model = self._ensure_model()
        if model is None or not texts:
            return [{} for _ in texts]
        textcat = _textcat(model)
        labels = list(textcat.labels)
        fast = self._fast
        out: list[dict[str, float]] = []
        for chunk in minibatch(texts, size=self.batch_size):
            if fast is not None:
                rows = fast(chunk)
            else:
                rows = textcat.model.ops.to_numpy(textcat.predict([Doc(model.vocab, words=w) for w in chunk]))
            out.extend({lab: float(row[i]) for i, lab in enumerate(labels)} for row in rows)
        return out

    def _annotate(self, docs: list[Doc]) -> None:
        ents: list[Span] = []
        texts: list[list[str]] = []
        model = self._ensure_model()
        for doc in docs:
            mentions = [e for e in doc.ents if e._.status is not None]
            ready = bool(mentions) and model is not None
            bounds = sentence_bounds(doc) if ready else []
            wanted = {s for e in mentions for s in context_sentences(bounds, e.start)} if ready else set()
            words = doc_words(doc, sorted(wanted)) if ready else []
            spans = doc_mentions(doc, mentions) if ready else []
            for ent in mentions:
                ent._.status_by = "rules"
                ents.append(ent)
                if ready:
                    texts.append(status_words(ent, words, bounds=bounds, mentions=spans))
        if not ents or model is None:
            return
        threshold, weight = self.threshold, self.used_weight
        for ent, scores in zip(ents, self.scores(texts), strict=True):
            best = top_class(scores, weight)
            if best != ent._.status and scores[best] >= threshold:
                ent._.status = best
                ent._.status_by = "model"


@Language.factory(
    "vawg_status_model",
    default_config={"model_path": "models/status", "batch_size": 256, "threshold": None},
)
def make_status_model(nlp: Language, name: str, model_path: str, batch_size: int,
                      threshold: float | None) -> StatusModel:
    """Factory for `vawg_status_model`: `model_path` is a folder written by `vawg train status`."""
    return StatusModel(nlp, name, model_path, batch_size, threshold)
