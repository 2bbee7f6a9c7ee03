"""The text the status classifier sees for one mention: its sentence, marked, plus the rule's view.

The mention's tokens become ``xxm`` between ``xxent`` and ``xxend`` (so the classifier learns
the context, not the measure's name), words are lower-cased, and three feature tokens follow:
the rule's status, the cue that decided it and the mention's label, e.g.
``... xxent xxm xxend was not pursued ... rule_considered cue_not_pursued lab_DVPN``.
Training (`pipeline/train/train_status.py`) and the component use this one function.
"""

from __future__ import annotations

from spacy.tokens import Span

ENTITY_OPEN, ENTITY_TOKEN, ENTITY_CLOSE = "xxent", "xxm", "xxend"


def status_text(ent: Span, rule_status: str | None = None, rule_cue: str | None = None) -> str:
    """Marked sentence of `ent` with the rule status and cue (default: what `ent._` holds)."""
    doc = ent.doc
    sent = ent.sent if doc.has_annotation("SENT_START") else doc[:]
    words: list[str] = []
    for token in sent:
        if token.i == ent.start:
            words.append(ENTITY_OPEN)
        if not token.is_space:
            words.append(ENTITY_TOKEN if ent.start <= token.i < ent.end else token.lower_)
        if token.i == ent.end - 1:
            words.append(ENTITY_CLOSE)
    status = rule_status if rule_status is not None else ent._.status
    cue = rule_cue if rule_cue is not None else ent._.status_cue
    cue_key = "_".join((cue or "none").lower().split())
    words += [f"rule_{status}", f"cue_{cue_key}", f"lab_{ent.label_}"]
    return " ".join(words)
