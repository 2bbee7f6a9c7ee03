"""Status of each measure mention (ConText-style cue rules): sets `ent._.status`.

Placeholder: every entity gets "used" until the rule engine lands.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.paths import CONFIGS

if not Span.has_extension("status"):
    Span.set_extension("status", default=None)

DEFAULT_RULES = str(CONFIGS / "status_rules.jsonl")


class StatusComponent:
    """Reads each entity's status from the cues in its sentence."""

    def __init__(self, nlp: Language, name: str, rules_path: str) -> None:
        self.name = name
        self.rules_path = Path(rules_path)

    def __call__(self, doc: Doc) -> Doc:
        for ent in doc.ents:
            ent._.status = "used"
        return doc


@Language.factory("vawg_status", default_config={"rules_path": "configs/status_rules.jsonl"})
def make_status(nlp: Language, name: str, rules_path: str) -> StatusComponent:
    return StatusComponent(nlp, name, rules_path)
