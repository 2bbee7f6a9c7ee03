"""Find and pseudonymise personal data in records (see `redact.py`; `vawg privacy --help`).

`load_redacting(model)` returns a fresh annotation pipeline with `vawg_personal_data` added last
(a new object, so the cached default pipeline stays without it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language


def load_redacting(model: str | Path | None = None) -> Language:
    """The annotation pipeline plus `vawg_personal_data`, built fresh (never the cached one)."""
    import spacy

    from pipeline.nlp import (
        loader,
        personal_data,  # noqa: F401 - registers the factory
    )

    if model is None and (loader.SHIPPED_MODEL / "config.cfg").is_file():
        model = loader.SHIPPED_MODEL
    if model is None:
        nlp = loader.build_pipeline(loader.DEFAULT_CONFIG)
    elif Path(model).suffix == ".cfg":
        nlp = loader.build_pipeline(model)
    else:
        loader.load_pipeline(model)  # checks the path with the loader's messages
        nlp = spacy.load(model)
    if "vawg_personal_data" not in nlp.pipe_names:
        nlp.add_pipe("vawg_personal_data", last=True)
    return nlp
