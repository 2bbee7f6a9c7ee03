"""The text the signal classifier sees: the sentence, optionally led by mention markers.

Markers are tokens like ``[RUI:used]`` for each measure mention in the sentence, so the
classifier can combine the status layer with the wording (e.g. RUI used + BAIL not_used).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def markers(mentions: Iterable[Sequence[str]]) -> str:
    """Marker tokens for (label, status) pairs, in order, without repeats."""
    seen = dict.fromkeys(f"[{m[0]}:{m[1] or 'none'}]" for m in mentions)
    return " ".join(seen)


def marked_text(text: str, mentions: Iterable[Sequence[str]]) -> str:
    """`text` led by its marker tokens (unchanged when there are no mentions)."""
    head = markers(mentions)
    return f"{head} {text}" if head else text
