"""The vawg_personal_data component: on demand only, spans in doc.spans["personal_data"]."""

from __future__ import annotations

import spacy

import pipeline
from pipeline.nlp import personal_data  # noqa: F401
from pipeline.privacy import load_redacting


def test_component_on_a_blank_pipeline() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("vawg_personal_data", config={"model_path": ""})
    doc = nlp("DS Patel rang Mrs Ahmed on 07700 900123 about crime ref 45/12345/23.")
    assert [(s.label_, s.text) for s in doc.spans["personal_data"]] == [
        ("OFFICER", "DS Patel"),
        ("PERSON", "Mrs Ahmed"),
        ("PHONE", "07700 900123"),
        ("REFERENCE", "45/12345/23"),
    ]
    assert len(doc.ents) == 0


def test_only_when_asked_and_mentions_kept() -> None:
    assert "vawg_personal_data" not in pipeline.load().pipe_names
    nlp = load_redacting()
    assert nlp.pipe_names[-1] == "vawg_personal_data"
    assert pipeline.load(redact=True).pipe_names[-1] == "vawg_personal_data"
    assert "vawg_personal_data" not in pipeline.load().pipe_names  # the cached pipeline is untouched
    doc = nlp("PC 4471 Hughes served the DVPN on Tariq Ahmed at 14 Acacia Road, LS6 2AB.")
    found = {s.text for s in doc.spans["personal_data"]}
    assert {"PC 4471 Hughes", "LS6 2AB"} <= found
    assert [e.text for e in doc.ents] == ["DVPN"]
    assert not any(s.start < e.end and e.start < s.end for s in doc.spans["personal_data"] for e in doc.ents)
