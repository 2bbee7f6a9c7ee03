"""Building the pipeline from configs/, saving it, and loading it with spacy.load()."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.util import load_config

from pipeline.errors import UsageError
from pipeline.nlp.loader import build_pipeline, load_pipeline
from tests.nlp.mention_pipeline import MENTION_COMPONENTS, mention_nlp

TEXT = (
    "12/03 0130 Susp RUI'd, no bail conds. IP has a non-mol.\n"
    "Insp. Reid considered a DVPN; MARAC coordinator informed. DASH RIC high."
)


def _view(nlp: spacy.language.Language, text: str) -> tuple[list[tuple[int, int, str]], list[str]]:
    doc = nlp(text)
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents], [s.text for s in doc.sents]


def test_saved_pipeline_loads_anywhere_with_its_own_data(tmp_path: Path) -> None:
    nlp = mention_nlp()
    before = _view(nlp, TEXT)
    assert before[0], "the sample text should hold mentions"
    out = tmp_path / "model"
    nlp.to_disk(out)
    for name in MENTION_COMPONENTS:
        assert any((out / name).iterdir()), f"{name} saved no data"
    # point the saved config at paths that do not exist: the data must come from the model folder
    cfg = load_config(out / "config.cfg", interpolate=False)
    cfg["paths"] = {k: "no/such/path" for k in cfg["paths"]}
    cfg.to_disk(out / "config.cfg")
    loaded = spacy.load(out)
    assert loaded.pipe_names == MENTION_COMPONENTS
    assert _view(loaded, TEXT) == before


def test_build_pipeline_lists_components_in_order() -> None:
    nlp = build_pipeline(components=["vawg_shorthand", "vawg_mentions"])
    assert nlp.pipe_names == ["vawg_shorthand", "vawg_mentions"]


def test_default_config_names_every_component() -> None:
    cfg = load_config(Path(__file__).resolve().parents[2] / "configs" / "pipeline.cfg", interpolate=False)
    assert cfg["nlp"]["pipeline"] == ["vawg_shorthand", "vawg_sentences", "vawg_mentions", "vawg_status",
                                      "vawg_status_model", "vawg_signals"]


def test_missing_model_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        load_pipeline(tmp_path / "nope")


def test_full_default_pipeline_round_trip_keeps_statuses(tmp_path: Path) -> None:
    import pipeline

    nlp = pipeline.load()
    assert nlp.pipe_names == ["vawg_shorthand", "vawg_sentences", "vawg_mentions", "vawg_status",
                              "vawg_status_model", "vawg_signals"]
    assert pipeline.load() is nlp  # cached per process
    text = "Susp RUI'd, no bail conds considered. DVPO refused by the bench. A DVPN can last 48 hours."
    before = [(e.start_char, e.end_char, e.label_, e._.status) for e in nlp(text).ents]
    assert len(before) == 4 and all(status for *_, status in before)
    nlp.to_disk(tmp_path / "full")
    cfg = load_config(tmp_path / "full" / "config.cfg", interpolate=False)
    cfg["paths"] = {k: "no/such/path" for k in cfg["paths"]}
    cfg.to_disk(tmp_path / "full" / "config.cfg")
    loaded = spacy.load(tmp_path / "full")
    assert [(e.start_char, e.end_char, e.label_, e._.status) for e in loaded(text).ents] == before


def test_saved_pipeline_loads_in_a_fresh_process_elsewhere(tmp_path: Path) -> None:
    """Entry points make the factories available to plain `spacy.load` without importing pipeline."""
    import subprocess
    import sys

    mention_nlp().to_disk(tmp_path / "m")
    code = (
        "import spacy, sys; nlp = spacy.load(sys.argv[1]); "
        "print([(e.text, e.label_) for e in nlp(\"Susp RUI'd, IP has a non-mol.\").ents])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "m")], capture_output=True, text=True, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.strip() == "[(\"RUI'd\", 'RUI'), ('non-mol', 'NMO')]"
