"""`vawg train status` on a small slice: the model folder, its settings, and use in the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pipeline.cli.main import _register, app
from pipeline.errors import UsageError
from pipeline.nlp.loader import build_pipeline
from pipeline.nlp.status_text import STATUS_WORDS_VERSION
from pipeline.train.train_status import (
    StatusTrainOptions,
    average_weights,
    fit,
    load_records,
    rule_status,
    status_examples,
)

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
                                      "--threshold", "0.6", "--seeds", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "model written to" in result.output
    return out


def test_model_folder_has_settings_and_meta(trained: Path) -> None:
    settings = json.loads((trained / "status_model.json").read_text())
    assert settings["threshold"] == 0.6
    assert settings["options"]["seeds"] == 2
    assert settings["status_words_version"] == STATUS_WORDS_VERSION
    assert settings["summary"]["hand_mentions"] == 4
    assert settings["summary"]["generated_mentions"] > 30
    assert settings["summary"]["rules_agree_on_generated"] > 0.5
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
    plain = " ".join(w for w in rows[0][0].split(" ") if "|" not in w)
    assert plain.endswith("CO:BOS CC:,")  # the clause words come last, before the crossed words
    assert rows[0][0].endswith("lab_RUI|C:0300")
    assert rule_status(rows[0][0]) == "used" and rule_status(rows[3][0]) == "refused"


@pytest.mark.parametrize(("option", "value"), [("--threshold", "1.5"), ("--seeds", "0")])
def test_bad_option_is_a_one_line_usage_error(option: str, value: str) -> None:
    _register()
    result = CliRunner().invoke(app, ["train", "status", option, value, "--out", "/tmp/never"])
    assert isinstance(result.exception, UsageError)
    assert option in str(result.exception) and "\n" not in str(result.exception)


def test_average_weights_is_the_mean_of_each_seed_weight() -> None:
    rows = [(f"the xxent xxm xxend was {verb} on day {i} rule_used lab_DVPO", status)
            for i in range(20) for verb, status in (("refused", "refused"), ("granted", "used"))]
    models = [fit(rows, StatusTrainOptions(epochs=2, seed=seed)) for seed in (0, 1)]
    before = [[np.copy(n.get_param(p)) for n in m.get_pipe("textcat").model.walk()
               for p in n.param_names if n.has_param(p)] for m in models]
    assert any(not np.array_equal(a, b) for a, b in zip(*before, strict=True))  # the seeds differ
    averaged = average_weights(models)
    after = [n.get_param(p) for n in averaged.get_pipe("textcat").model.walk()
             for p in n.param_names if n.has_param(p)]
    assert len(after) == len(before[0]) > 0
    for value, first, second in zip(after, *before, strict=True):
        assert np.allclose(value, (first + second) / 2)
