"""Where the project's data folders are, resolved from the package location."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIGS = PROJECT_ROOT / "configs"
MODELS = PROJECT_ROOT / "models"
CORPUS = PROJECT_ROOT / "corpus"
