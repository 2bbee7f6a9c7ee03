"""vawg-pipeline: find protective measures and missed opportunities in VAWG case files.

`pipeline.load()` returns the spaCy `Language` that annotates documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from spacy.language import Language


def load(model: str | Path | None = None) -> Language:
    """Load the annotation pipeline: a saved model directory, or the default built from configs/."""
    from pipeline.nlp.loader import load_pipeline

    return load_pipeline(model)
