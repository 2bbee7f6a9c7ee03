"""Missed-opportunity signals per sentence (`vawg_signals`): a trained `textcat_multilabel` model.

The component holds a small nested spaCy pipeline (the folder written by `vawg train
signals`, `models/signals/` by default) and scores every sentence of each doc in one batch.
Each label whose score reaches its threshold (chosen on validation data and stored with the
model in `signals.json`) becomes a span over the sentence in `doc.spans["signals"]`; the
group's `attrs["scores"]` is the parallel list of scores. If the model folder is missing,
the component warns once and adds an empty group, so the rest of the pipeline still runs.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import minibatch

from pipeline.nlp import extensions  # noqa: F401
from pipeline.nlp.nested import NestedModel
from pipeline.nlp.signal_text import marked_text

SPANS_KEY = "signals"
SETTINGS_FILE = "signals.json"
DEFAULT_THRESHOLD = 0.5


def _textcat(model: Language) -> Any:
    """The nested model's `textcat_multilabel` pipe."""
    return model.get_pipe("textcat_multilabel")


class SignalClassifier(NestedModel):
    """Scores sentences with the nested classifier and writes `doc.spans["signals"]`."""

    settings_file = SETTINGS_FILE
    missing_message = "no signal model at {path!r}; no signals will be added"

    def __init__(self, nlp: Language, name: str, model_path: str, batch_size: int = 256,
                 threshold: float | None = None) -> None:
        super().__init__(name, model_path, batch_size)
        self.threshold = threshold

    @property
    def labels(self) -> list[str]:
        """Labels of the loaded model (spaCy reads this when it builds meta: it must not load)."""
        return list(_textcat(self._model).labels) if self._model is not None else []

    @property
    def thresholds(self) -> dict[str, float]:
        self._ensure_model()
        stored = {k: float(v) for k, v in self._settings.get("thresholds", {}).items()}
        if self.threshold is not None:
            return {lab: self.threshold for lab in self.labels}
        return {lab: stored.get(lab, DEFAULT_THRESHOLD) for lab in self.labels}

    # -- annotation ----------------------------------------------------------------------
    def _sentences(self, doc: Doc) -> list[Span]:
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        return [s for s in sents if s.text.strip()]

    def _text_for(self, sent: Span) -> str:
        text = sent.text.strip()
        if self._settings.get("markers"):
            return marked_text(text, [(e.label_, e._.status or "") for e in sent.ents])
        return text

    def score_texts(self, texts: list[str]) -> list[dict[str, float]]:
        """Scores for plain sentence texts (empty dicts when no model is loaded)."""
        model = self._ensure_model()
        if model is None or not texts:
            return [{} for _ in texts]
        textcat = _textcat(model)
        labels = list(textcat.labels)
        out: list[dict[str, float]] = []
        for chunk in minibatch(texts, size=self.batch_size):
            docs = [model.make_doc(t) for t in chunk]
            scores = textcat.model.ops.to_numpy(textcat.predict(docs))
            out.extend({lab: float(row[i]) for i, lab in enumerate(labels)} for row in scores)
        return out

    def _annotate(self, docs: list[Doc]) -> None:
        self._ensure_model()  # before the texts are built: the settings say whether to add markers
        per_doc = [self._sentences(doc) for doc in docs]
        texts = [self._text_for(s) for sents in per_doc for s in sents]
        scores = self.score_texts(texts)
        thresholds = self.thresholds if self._model is not None else {}
        k = 0
        for doc, sents in zip(docs, per_doc, strict=True):
            spans: list[Span] = []
            values: list[float] = []
            for sent in sents:
                for lab, score in scores[k].items():
                    if score >= thresholds.get(lab, DEFAULT_THRESHOLD):
                        spans.append(Span(doc, sent.start, sent.end, label=lab))
                        values.append(round(score, 4))
                k += 1
            doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, attrs={"scores": values}, spans=spans)


@Language.factory(
    "vawg_signals",
    default_config={"model_path": "models/signals", "batch_size": 256, "threshold": None},
)
def make_signals(nlp: Language, name: str, model_path: str, batch_size: int,
                 threshold: float | None) -> SignalClassifier:
    """Factory for `vawg_signals`: `model_path` is a folder written by `vawg train signals`."""
    return SignalClassifier(nlp, name, model_path, batch_size, threshold)
