"""The status back-up classifier (`vawg_status_model`): its input text, override rule and saving."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.status_model import StatusModel, top_class
from pipeline.nlp.status_text import STATUS_WORDS_VERSION, doc_words, sentence_bounds, status_text
from pipeline.train.train_status import StatusTrainOptions, fit

RULES_ONLY = "Susp RUI'd 0130. DVPO granted 28 days."


def _doc(nlp: Language, text: str, mention: str, label: str, status: str, cue: str | None) -> Doc:
    doc = nlp.make_doc(text)
    start = text.index(mention)
    span = doc.char_span(start, start + len(mention), label=label)
    assert span is not None
    doc.ents = [span]
    doc.ents[0]._.status, doc.ents[0]._.status_cue = status, cue
    return doc


def test_status_text_masks_the_mention_and_adds_the_rule_view() -> None:
    nlp = spacy.blank("en")
    doc = _doc(nlp, "No DVPN was considered by the Insp.", "DVPN", "DVPN", "not_used", "No")
    text = status_text(doc.ents[0])
    assert " ".join(_plain(text.split())) == (
        "no xxent xxm xxend was considered by the insp . "
        "L:no R:was R:considered R:by R:the R:insp R:. M:acronym M:len1 rule_not_used cue_no lab_DVPN "
        "C:no xxm C:was C:considered C:by C:the C:insp CO:BOS CC:."
    )
    assert "dvpn" not in text.split()


def _plain(words: list[str]) -> list[str]:
    """`status_text` words without the crossed words (``rule_x|C:w``, ``lab_X|C:w``)."""
    return [w for w in words if "|" not in w]


def test_crossed_words_pair_near_words_with_the_rule_status_and_the_label() -> None:
    doc = _doc(spacy.blank("en"), "Victim declined the IDVA referral.", "IDVA", "IDVA", "used", None)
    words = status_text(doc.ents[0]).split()
    near = [w for w in words if w[:2] in ("C:", "L:", "R:")]
    assert "C:declined" in near
    crossed = [w for w in words if "|" in w]
    assert crossed == [f"rule_used|{w}" for w in near] + [f"lab_IDVA|{w}" for w in near]
    assert words[-len(crossed) :] == crossed


def test_clause_words_stop_at_punctuation_and_clause_openers() -> None:
    nlp = spacy.blank("en")
    text = "Insp refused the DVPN, but a DVPO was sought because he returned."
    doc = nlp.make_doc(text)
    dvpn = doc.char_span(text.index("DVPN"), text.index("DVPN") + 4, label="DVPN")
    dvpo = doc.char_span(text.index("DVPO"), text.index("DVPO") + 4, label="DVPO")
    assert dvpn is not None and dvpo is not None
    doc.ents = [dvpn, dvpo]
    for ent in doc.ents:
        ent._.status, ent._.status_cue = "considered", None
    first, second = (_plain(status_text(ent).split()) for ent in doc.ents)
    assert first[-6:] == ["C:insp", "C:refused", "C:the", "xxm", "CO:BOS", "CC:,"]
    assert second[-6:] == ["C:a", "xxm", "C:was", "C:sought", "CO:but", "CC:because"]


@pytest.mark.parametrize(
    ("text", "mention", "form"),
    [
        ("DVPOs can last 28 days.", "DVPOs", ["M:plural", "M:acronym", "M:len1"]),
        ("The DVPO's conditions were clear.", "DVPO's", ["M:poss", "M:acronym", "M:len2"]),
        ("A restraining order was made.", "restraining order", ["M:len2"]),
        ("Non-molestation orders were discussed.", "Non-molestation orders", ["M:plural", "M:len4"]),
        ("Bail conditions set.", "Bail conditions", ["M:plural", "M:len2"]),
        ("Bail refused.", "Bail", ["M:len1"]),
    ],
)
def test_mention_form_words(text: str, mention: str, form: list[str]) -> None:
    doc = _doc(spacy.blank("en"), text, mention, "DVPO", "used", None)
    assert [w for w in status_text(doc.ents[0]).split() if w.startswith("M:")] == form


def test_neighbour_sentences_add_their_words_with_their_side() -> None:
    import pipeline

    doc = pipeline.load()("Called V at 09:00.\nDVPN authorised by Insp.\nServed on him at 14:00.\nNFA.")
    dvpn = next(e for e in doc.ents if e.label_ == "DVPN")
    words = status_text(dvpn).split()
    assert [w for w in words if w[:2] == "P:"] == ["P:called", "P:v", "P:at", "P:09:00", "P:."]
    assert [w for w in words if w[:2] == "N:"] == ["N:served", "N:on", "N:him", "N:at", "N:14:00", "N:."]
    assert "P:nfa" not in words and "N:nfa" not in words


def test_side_words_stop_at_the_window() -> None:
    nlp = spacy.blank("en")
    text = "a b c d e f g h DVPN i j k l m n o p"
    doc = _doc(nlp, text, "DVPN", "DVPN", "used", None)
    side = [w for w in status_text(doc.ents[0]).split() if w[:2] in ("L:", "R:")]
    assert side == ["L:h", "L:g", "L:f", "L:e", "L:d", "L:c", "R:i", "R:j", "R:k", "R:l", "R:m", "R:n"]


def test_other_mentions_become_one_word_with_their_rule_status() -> None:
    nlp = spacy.blank("en")
    text = "DVPN served but the DVPO application was refused."
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(0, 4, label="DVPN"), doc.char_span(20, 24, label="DVPO")]
    for ent, status in zip(doc.ents, ("used", "refused"), strict=True):
        ent._.status = status
    words = _plain(status_text(doc.ents[0]).split())
    assert words[:7] == ["xxent", "xxm", "xxend", "served", "but", "the", "xxo"]
    assert "dvpo" not in words
    assert words[-8:-4] == ["o_refused", "rule_used", "cue_none", "lab_DVPN"]
    assert words[-4:] == ["xxm", "C:served", "CO:BOS", "CC:but"]


def test_sentence_bounds_and_words_of_chosen_sentences() -> None:
    import pipeline

    doc = pipeline.load()("DVPN served at 02:00. The notice lapsed on Monday.\nNo MARAC referral.")
    assert sentence_bounds(doc) == [(s.start, s.end) for s in doc.sents]
    first = sentence_bounds(doc)[1]
    words = doc_words(doc, [first])
    assert words[first[0] : first[1]] == doc_words(doc)[first[0] : first[1]]
    assert set(words[: first[0]] + words[first[1] :]) == {""}


@pytest.fixture(scope="module")
def tiny_model() -> Language:
    """A model that learns one lesson: 'bolded' after the mention means refused, else the rule's status."""
    rows = []
    for i in range(60):
        rows.append((f"the xxent xxm xxend was bolded on day {i} rule_used cue_none lab_DVPO", "refused"))
        rows.append((f"the xxent xxm xxend was granted on day {i} rule_used cue_granted lab_DVPO", "used"))
    return fit(rows, StatusTrainOptions(epochs=20, seed=1))


def _component(
    model: Language | None, threshold: float | None = None, used_weight: float = 1.0
) -> StatusModel:
    comp = StatusModel(spacy.blank("en"), "vawg_status_model", "no/such/folder", threshold=threshold)
    comp._model, comp._tried = model, True
    comp._settings = {"threshold": 0.5, "used_weight": used_weight}
    return comp


def test_used_weight_lets_a_close_second_class_win() -> None:
    scores = {"used": 0.5, "considered": 0.3, "generic": 0.2}
    assert top_class(scores, 1.0) == "used"
    assert top_class(scores, 0.5) == "considered"
    assert top_class({"used": 0.9, "considered": 0.1}, 0.5) == "used"


@pytest.mark.parametrize(
    ("used_weight", "status", "by"), [(1.0, "used", "model"), (0.001, "refused", "rules")]
)
def test_component_applies_the_stored_used_weight(
    tiny_model: Language, used_weight: float, status: str, by: str
) -> None:
    doc = _doc(spacy.blank("en"), "The DVPO was granted on day 3", "DVPO", "DVPO", "refused", None)
    _component(tiny_model, used_weight=used_weight)(doc)
    assert (doc.ents[0]._.status, doc.ents[0]._.status_by) == (status, by)


def test_confident_disagreement_overrides_the_rule(tiny_model: Language) -> None:
    nlp = spacy.blank("en")
    doc = _doc(nlp, "The DVPO was bolded on day 3", "DVPO", "DVPO", "used", None)
    _component(tiny_model)(doc)
    assert doc.ents[0]._.status == "refused" and doc.ents[0]._.status_by == "model"
    agree = _doc(nlp, "The DVPO was granted on day 3", "DVPO", "DVPO", "used", "granted")
    _component(tiny_model)(agree)
    assert agree.ents[0]._.status == "used" and agree.ents[0]._.status_by == "rules"


def test_threshold_above_every_probability_keeps_the_rules(tiny_model: Language) -> None:
    doc = _doc(spacy.blank("en"), "The DVPO was bolded on day 3", "DVPO", "DVPO", "used", None)
    _component(tiny_model, threshold=1.01)(doc)
    assert doc.ents[0]._.status == "used" and doc.ents[0]._.status_by == "rules"


def test_missing_model_warns_and_leaves_rule_statuses() -> None:
    comp = StatusModel(spacy.blank("en"), "vawg_status_model", "no/such/folder")
    doc = _doc(spacy.blank("en"), "The DVPO was bolded", "DVPO", "DVPO", "used", None)
    with pytest.warns(UserWarning, match="no status model"):
        comp(doc)
    assert doc.ents[0]._.status == "used"


def test_saved_pipeline_keeps_the_model(tiny_model: Language, tmp_path: Path) -> None:
    folder = tmp_path / "status"
    tiny_model.to_disk(folder)
    settings = {"threshold": 0.5, "status_words_version": STATUS_WORDS_VERSION}
    (folder / "status_model.json").write_text(json.dumps(settings), encoding="utf-8")
    nlp = spacy.blank("en")
    nlp.add_pipe("vawg_status_model", config={"model_path": str(folder)})
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    doc = _doc(loaded, "The DVPO was bolded on day 3", "DVPO", "DVPO", "used", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the saved copy must not look for the original folder
        loaded.get_pipe("vawg_status_model")(doc)
    assert doc.ents[0]._.status == "refused"


def test_component_runs_in_a_batch_of_docs(tiny_model: Language) -> None:
    nlp = spacy.blank("en")
    docs = [_doc(nlp, f"The DVPO was bolded on day {i}", "DVPO", "DVPO", "used", None) for i in range(5)]
    out = list(_component(tiny_model).pipe(iter(docs), batch_size=2))
    assert [d.ents[0]._.status for d in out] == ["refused"] * 5
    assert all(isinstance(d.ents[0], Span) for d in out)


def test_direct_bag_of_ngrams_scores_equal_textcat_predict(tiny_model: Language) -> None:
    import numpy as np

    from pipeline.nlp.status_model import bag_of_ngrams

    textcat = tiny_model.get_pipe("textcat")
    texts = [
        "the xxent xxm xxend was bolded on day 3 rule_used cue_none lab_DVPO".split(),
        "xxent xxm xxend rule_used cue_none lab_DVPO".split(),
        ["xxm"],
        "no no no xxent xxm xxend granted granted rule_used cue_granted lab_BAIL".split(),
    ]
    fast = bag_of_ngrams(textcat)
    assert fast is not None
    expected = textcat.model.ops.to_numpy(textcat.predict([Doc(tiny_model.vocab, words=w) for w in texts]))
    assert np.allclose(fast(texts), expected, atol=1e-5)


def test_other_textcat_architectures_use_the_doc_path() -> None:
    from pipeline.nlp.status_model import bag_of_ngrams

    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat")  # default: the ensemble, not a plain bag of n-grams
    textcat.add_label("used")
    textcat.add_label("generic")
    nlp.initialize()
    assert bag_of_ngrams(textcat) is None


@pytest.mark.parametrize(("settings", "warns"), [
    ({"threshold": 0.5}, True),
    ({"threshold": 0.5, "status_words_version": STATUS_WORDS_VERSION - 1}, True),
    ({"threshold": 0.5, "status_words_version": STATUS_WORDS_VERSION}, False),
])
def test_a_model_trained_on_other_status_words_warns(
    tiny_model: Language, tmp_path: Path, settings: dict[str, object], warns: bool
) -> None:
    tiny_model.to_disk(tmp_path / "m")
    (tmp_path / "m" / "status_model.json").write_text(json.dumps(settings), encoding="utf-8")
    comp = StatusModel(spacy.blank("en"), "vawg_status_model", str(tmp_path / "m"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert comp._load_from(tmp_path / "m")
    messages = [str(w.message) for w in caught if "status words version" in str(w.message)]
    assert len(messages) == int(warns)
    assert comp.scores([["the", "xxent", "xxm", "xxend", "was", "bolded"]])[0]  # the model is still used
