"""Load the annotation pipeline: a saved model, the shipped one, or one built from configs/.

`load_pipeline(None)` prefers `models/vawg/` (a shipped full pipeline) and otherwise builds
from `configs/pipeline.cfg`; the built pipeline is cached per process (and per cfg path).
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import load_config, load_model_from_config

from pipeline import __version__
from pipeline.errors import UsageError, not_found
from pipeline.nlp import extensions  # noqa: F401
from pipeline.paths import CONFIGS, MODELS

DEFAULT_CONFIG = CONFIGS / "pipeline.cfg"
SHIPPED_MODEL = MODELS / "vawg"

_cache: dict[str, Language] = {}


def _register_components() -> None:
    """Import the component modules so their factories exist even without the entry points."""
    from pipeline.nlp import mentions, sentences, shorthand, status, status_model  # noqa: F401  # noqa: F401


def build_pipeline(config_path: str | Path = DEFAULT_CONFIG, components: list[str] | None = None) -> Language:
    """Build a fresh pipeline from a cfg file (optionally only the named components)."""
    _register_components()
    path = Path(config_path)
    if not path.is_file():
        raise not_found(path)
    config = load_config(path, interpolate=False)
    if components is not None:
        config["nlp"]["pipeline"] = [c for c in config["nlp"]["pipeline"] if c in components]
        for name in list(config["components"]):
            if name not in components:
                del config["components"][name]
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    nlp.initialize()
    nlp.meta["name"] = "vawg"
    nlp.meta["version"] = __version__
    return nlp


def load_pipeline(model: str | Path | None = None) -> Language:
    """The pipeline: `model` is a saved pipeline folder, or None for the default."""
    _register_components()
    if model is not None:
        path = Path(model)
        if not path.exists():
            raise not_found(path)
        if path.is_file() and path.suffix == ".cfg":
            return build_pipeline(path)
        try:
            return spacy.load(path)
        except OSError as exc:
            raise UsageError(f"not a spaCy pipeline folder: {path} ({exc})") from None
    if (SHIPPED_MODEL / "config.cfg").is_file():
        key = str(SHIPPED_MODEL)
        if key not in _cache:
            _cache[key] = spacy.load(SHIPPED_MODEL)
        return _cache[key]
    key = str(DEFAULT_CONFIG)
    if key not in _cache:
        _cache[key] = build_pipeline(DEFAULT_CONFIG)
    return _cache[key]
