"""The `vawg_signals` component: spans and scores per sentence, serialisation, missing model."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
import spacy
from spacy.training import Example

import pipeline.nlp.signals  # noqa: F401  (registers vawg_signals)
from pipeline import labels
from pipeline.nlp.signals import SignalClassifier

TRAIN = [
    ("No referral to MARAC was made.", ["NO_REFERRAL"]),
    ("IDVA referral never submitted.", ["NO_REFERRAL"]),
    ("The breach was treated as a civil matter.", ["BREACH_NOT_ACTIONED"]),
    ("Bail lapsed and nobody told her.", ["BAIL_LAPSED", "VICTIM_NOT_INFORMED"]),
    ("Burglary at the shop, no suspects.", []),
    ("Statement taken from the neighbour.", []),
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small textcat_multilabel folder fitted to a few sentences, with thresholds."""
    nlp = spacy.blank("en")
    cat = nlp.add_pipe("textcat_multilabel", config={"model": {"@architectures": "spacy.TextCatBOW.v3",
                                                              "exclusive_classes": False, "ngram_size": 1,
                                                              "no_output_layer": False, "length": 4096}})
    examples = [Example.from_dict(nlp.make_doc(t), {"cats": {c: float(c in ls) for c in labels.signals()}})
                for t, ls in TRAIN]
    for code in labels.signals():
        cat.add_label(code)
    nlp.initialize(lambda: examples)
    for _ in range(60):
        nlp.update(examples, drop=0.0)
    out = tmp_path_factory.mktemp("signals-model")
    nlp.to_disk(out)
    thresholds = {c: 0.5 for c in labels.signals()}
    (out / "signals.json").write_text(json.dumps({"kind": "spacy", "thresholds": thresholds}))
    return out


def _nlp(model_path: str | Path) -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("vawg_signals", config={"model_path": str(model_path)})
    return nlp


def _signals(doc: spacy.tokens.Doc) -> list[tuple[str, str, float]]:
    group = doc.spans["signals"]
    return [(s.text, s.label_, sc) for s, sc in zip(group, group.attrs["scores"], strict=True)]


def test_writes_sentence_spans_with_scores(tiny_model: Path) -> None:
    doc = _nlp(tiny_model)("Statement taken from the neighbour. No referral to MARAC was made.")
    found = _signals(doc)
    assert [(t, lab) for t, lab, _ in found] == [("No referral to MARAC was made.", "NO_REFERRAL")]
    assert all(0.5 <= sc <= 1.0 for _, _, sc in found)


def test_multi_label_sentence(tiny_model: Path) -> None:
    doc = _nlp(tiny_model)("Bail lapsed and nobody told her.")
    assert {lab for _, lab, _ in _signals(doc)} == {"BAIL_LAPSED", "VICTIM_NOT_INFORMED"}


def test_pipe_matches_call(tiny_model: Path) -> None:
    nlp = _nlp(tiny_model)
    texts = [t for t, _ in TRAIN]
    piped = [_signals(d) for d in nlp.pipe(texts, batch_size=2)]
    assert piped == [_signals(nlp(t)) for t in texts]


def test_round_trip_to_disk(tiny_model: Path, tmp_path: Path) -> None:
    nlp = _nlp(tiny_model)
    text = "The breach was treated as a civil matter. Burglary at the shop, no suspects."
    before = _signals(nlp(text))
    nlp.to_disk(tmp_path / "pipe")
    # the saved pipeline carries its own copy of the model: it must not need the original folder
    cfg = tmp_path / "pipe" / "config.cfg"
    cfg.write_text(cfg.read_text().replace(str(tiny_model), "/nonexistent/model"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = spacy.load(tmp_path / "pipe")
        after = _signals(loaded(text))
    assert after == before and before


def test_missing_model_warns_once_and_adds_nothing(tmp_path: Path) -> None:
    nlp = _nlp(tmp_path / "no-such-model")
    with pytest.warns(UserWarning, match="no signal model") as record:
        docs = list(nlp.pipe(["No referral to MARAC was made.", "Another sentence."]))
        nlp("One more.")
    assert len([w for w in record if "no signal model" in str(w.message)]) == 1
    assert all(len(d.spans["signals"]) == 0 and d.spans["signals"].attrs["scores"] == [] for d in docs)


def test_fixed_threshold_overrides_stored_ones(tiny_model: Path) -> None:
    comp = SignalClassifier(spacy.blank("en"), "s", str(tiny_model), threshold=0.0)
    assert set(comp.thresholds.values()) == {0.0}
    assert len(comp.thresholds) == len(labels.signals())


def test_markers_reach_the_model_from_the_first_batch(tiny_model: Path, tmp_path: Path) -> None:
    import shutil

    from spacy.tokens import Span

    folder = tmp_path / "marked"
    shutil.copytree(tiny_model, folder)
    settings = json.loads((folder / "signals.json").read_text())
    (folder / "signals.json").write_text(json.dumps({**settings, "markers": True}))
    comp = _nlp(folder).get_pipe("vawg_signals")
    seen: list[str] = []
    score_texts = comp.score_texts
    comp.score_texts = lambda texts: seen.extend(texts) or score_texts(texts)  # type: ignore[method-assign]
    doc = spacy.blank("en").make_doc("Bail lapsed yesterday.")
    doc.ents = [Span(doc, 0, 1, label="BAIL")]
    doc.ents[0]._.status = "ended"
    list(comp.pipe([doc]))
    assert seen == ["[BAIL:ended] Bail lapsed yesterday."]
