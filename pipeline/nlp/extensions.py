"""Custom attributes shared by the vawg components, registered once on import."""

from __future__ import annotations

from spacy.tokens import Doc, Span


def register() -> None:
    """Register `Span._.status` (None until the status component sets it) and friends."""
    if not Span.has_extension("status"):
        Span.set_extension("status", default=None)
    if not Span.has_extension("status_cue"):
        Span.set_extension("status_cue", default=None)
    if not Span.has_extension("status_by"):
        Span.set_extension("status_by", default=None)  # "rules" or "model": who set the status
    if not Doc.has_extension("source_id"):
        Doc.set_extension("source_id", default=None)


register()
