"""Rewrite text with replacements and carry character offsets from the old text to the new."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Replacement:
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str
    label: str = ""


class OffsetMap:
    """Maps offsets of the old text to the new one; offsets inside a replaced span snap to it."""

    def __init__(self, replacements: list[Replacement]) -> None:
        self.old: list[tuple[int, int]] = []
        self.new: list[tuple[int, int]] = []
        self.shift_after: list[int] = []
        shift = 0
        for r in replacements:
            self.old.append((r.start, r.end))
            self.new.append((r.start + shift, r.start + shift + len(r.text)))
            shift += len(r.text) - (r.end - r.start)
            self.shift_after.append(shift)
        self._starts = [s for s, _ in self.old]

    def _shift_before(self, i: int) -> int:
        return self.shift_after[i - 1] if i > 0 else 0

    def start(self, pos: int) -> int:
        """New offset of a span start at old `pos`."""
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and self.old[i][0] <= pos < self.old[i][1]:
            return self.new[i][0]
        return pos + self._shift_before(i + 1)

    def end(self, pos: int) -> int:
        """New offset of a span end at old `pos` (exclusive)."""
        i = bisect_right(self._starts, pos - 1) - 1
        if i >= 0 and self.old[i][0] < pos <= self.old[i][1]:
            return self.new[i][1]
        return pos + self._shift_before(i + 1)


def apply(text: str, replacements: list[Replacement]) -> tuple[str, OffsetMap]:
    """The rewritten text and the offset map; replacements must not overlap."""
    ordered = sorted(replacements)
    parts: list[str] = []
    pos = 0
    for r in ordered:
        if r.start < pos or r.end > len(text) or r.start > r.end:
            raise ValueError(f"replacements overlap or fall outside the text at {r.start}-{r.end}")
        parts.append(text[pos : r.start])
        parts.append(r.text)
        pos = r.end
    parts.append(text[pos:])
    return "".join(parts), OffsetMap(ordered)
