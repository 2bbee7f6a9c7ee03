"""vawg-pipeline: find protective measures and missed opportunities in VAWG case files.

`pipeline.load()` returns the spaCy `Language` that annotates documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from spacy.language import Language


def load(model: str | Path | None = None, redact: bool = False) -> Language:
    """Load the annotation pipeline: a saved model directory, or the default built from configs/.

    With `redact=True`, a fresh pipeline that also fills `doc.spans["personal_data"]`."""
    if redact:
        from pipeline.privacy import load_redacting

        return load_redacting(model)
    from pipeline.nlp.loader import load_pipeline

    return load_pipeline(model)
