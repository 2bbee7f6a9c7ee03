"""A component that holds a small nested spaCy pipeline (a trained model folder) and its settings.

`vawg_signals` and `vawg_status_model` both load a folder written by `vawg train ...`: the
spaCy pipeline plus a JSON settings file (thresholds). The folder is loaded on first use; if it
is missing the component warns once and works without it. Saved with a pipeline, the model
travels inside the pipeline folder (`model/`), so `spacy.load` needs nothing else.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from pipeline.paths import PROJECT_ROOT

MODEL_DIR = "model"


def resolve(path: str | Path) -> Path:
    """`path` as given if absolute or present, else relative to the project root."""
    p = Path(path)
    return p if p.is_absolute() or p.exists() else PROJECT_ROOT / p


class NestedModel:
    """Loads, holds and saves a nested model folder and its settings file."""

    settings_file = "settings.json"
    missing_message = "no model at {path!r}"

    def __init__(self, name: str, model_path: str, batch_size: int = 256) -> None:
        self.name = name
        self.model_path = model_path
        self.batch_size = batch_size
        self._model: Language | None = None
        self._settings: dict[str, Any] = {}
        self._tried = False

    def _load_from(self, folder: Path) -> bool:
        if not (folder / "config.cfg").is_file():
            return False
        self._model = spacy.load(folder)
        settings = folder / self.settings_file
        self._settings = json.loads(settings.read_text(encoding="utf-8")) if settings.is_file() else {}
        return True

    def _ensure_model(self) -> Language | None:
        """The nested model, loaded on first use (None, after one warning, if missing)."""
        if self._model is None and not self._tried:
            self._tried = True
            if not self._load_from(resolve(self.model_path)):
                message = self.missing_message.format(path=self.model_path)
                warnings.warn(f"{self.name}: {message}", stacklevel=3)
        return self._model

    def _annotate(self, docs: list[Doc]) -> None:
        """Annotate a batch of docs in place (each component defines this)."""
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        self._annotate([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        for batch in minibatch(stream, size=batch_size or self.batch_size):
            self._annotate(batch)
            yield from batch

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        model = self._ensure_model()
        if model is not None:
            model.to_disk(folder / MODEL_DIR)
            settings = json.dumps(self._settings, indent=1)
            (folder / MODEL_DIR / self.settings_file).write_text(settings, encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Any:
        if self._load_from(Path(path) / MODEL_DIR):
            self._tried = True
        return self
