"""`vawg train status` on a small slice: the model folder, its settings, and use in the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli.main import _register, app
from pipeline.errors import UsageError
from pipeline.nlp.loader import build_pipeline
from pipeline.train.train_status import load_records, status_examples

GOLD = """# register: test
signals: -
Susp [RUI'd](RUI/used) 0300, no [bail conds](BAIL/not_used) considered.

signals: -
A [DVPO](DVPO/generic) can last 28 days.

signals: -
The [DVPO](DVPO/refused) application was refused by the bench.
"""


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _register()
    root = tmp_path_factory.mktemp("status")
    (root / "extra.md").write_text(GOLD, encoding="utf-8")
    out = root / "model"
    result = CliRunner().invoke(app, ["train", "status", "--n-generated", "60", "--seed", "3", "--no-gold",
                                      "--data", str(root / "extra.md"), "--epochs", "2",
                                      "--threshold", "0.6", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "model written to" in result.output
    return out


def test_model_folder_has_settings_and_meta(trained: Path) -> None:
    settings = json.loads((trained / "status_model.json").read_text())
    assert settings["threshold"] == 0.6
    assert settings["summary"]["hand_mentions"] == 4
    assert settings["summary"]["generated_mentions"] > 30
    assert json.loads((trained / "meta.json").read_text())["name"] == "vawg_status_model"


def test_pipeline_with_the_trained_model_marks_who_decided(trained: Path, tmp_path: Path) -> None:
    cfg = (Path(__file__).resolve().parents[2] / "configs" / "pipeline.cfg").read_text()
    cfg = cfg.replace('model_path = "models/status"', f'model_path = "{trained}"')
    (tmp_path / "p.cfg").write_text(cfg)
    nlp = build_pipeline(tmp_path / "p.cfg")
    doc = nlp("Susp RUI'd 0300, no bail conds considered. DVPO refused by the bench.")
    assert [e.label_ for e in doc.ents] == ["RUI", "BAIL", "DVPO"]
    assert all(e._.status_by in ("rules", "model") for e in doc.ents)
    assert all(e._.status for e in doc.ents)


def test_examples_carry_the_rule_view(tmp_path: Path) -> None:
    (tmp_path / "g.md").write_text(GOLD, encoding="utf-8")
    nlp = build_pipeline(components=["vawg_shorthand", "vawg_sentences", "vawg_mentions", "vawg_status"])
    rows = status_examples(nlp, load_records(tmp_path / "g.md"))
    assert [gold for _, gold in rows] == ["used", "not_used", "generic", "refused"]
    assert " rule_used cue_none lab_RUI C:" in rows[0][0] and " xxent xxm xxend " in rows[0][0]
    assert rows[0][0].endswith("CO:BOS CC:,")  # the clause words come last


def test_bad_threshold_is_a_one_line_usage_error() -> None:
    _register()
    result = CliRunner().invoke(app, ["train", "status", "--threshold", "1.5", "--out", "/tmp/never"])
    assert isinstance(result.exception, UsageError)
    assert "--threshold" in str(result.exception) and "\n" not in str(result.exception)
