"""Annotation and metadata tags: single tokens indexed beside each sentence's words (SQLite).

FTS5 intersects sorted row lists far faster than SQLite can probe the full-text index once
per annotated sentence, so the SQLite store indexes every sentence's mentions, signals and
document facts as tokens in a second FTS column and turns filters into column-filtered
terms ("tags : (mdvpoxbreached)"). Free-text values (force, type, id) are hashed so the
match is exact, as it is in PostgreSQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pipeline.store.model import Filters


def _code(code: str) -> str:
    return code.lower().replace("_", "")


def _hashed(prefix: str, value: str) -> str:
    return prefix + hashlib.sha1(value.encode("utf-8")).hexdigest()[:16]


def measure(label: str) -> str:
    return "m" + _code(label)


def measure_status(label: str, status: str) -> str:
    return f"m{_code(label)}x{_code(status)}"


def status(value: str) -> str:
    return "t" + _code(value)


def signal(label: str) -> str:
    return "s" + _code(label)


def force(value: str) -> str:
    return _hashed("f", value)


def doc_type(value: str) -> str:
    return _hashed("d", value)


def doc_id(value: str) -> str:
    return _hashed("i", value)


def document_tags(force_: str | None, type_: str | None, id_: str) -> str:
    """The tags every sentence of a document carries."""
    found = [doc_id(id_)]
    if force_:
        found.append(force(force_))
    if type_:
        found.append(doc_type(type_))
    return " ".join(found)


def sentence_tags(document: str, mentions: Iterable[tuple[str, str]], signals: Iterable[str]) -> str:
    """One sentence's tag column: its document's tags, then its (label, status) mentions and signals."""
    found: set[str] = set()
    for label, st in mentions:
        found.update((measure(label), measure_status(label, st), status(st)))
    found.update(signal(s) for s in signals)
    return " ".join([document, *sorted(found)])


def filter_groups(filters: Filters) -> list[list[str]]:
    """Tag alternatives per filter: a sentence matches when it has one tag of every group."""
    groups: list[list[str]] = []
    if filters.measure and filters.status:
        groups.append([measure_status(m, s) for m in filters.measure for s in filters.status])
    elif filters.measure:
        groups.append([measure(m) for m in filters.measure])
    elif filters.status:
        groups.append([status(s) for s in filters.status])
    for values, tag in ((filters.signal, signal), (filters.force, force), (filters.doc_type, doc_type)):
        if values:
            groups.append([tag(v) for v in values])
    if filters.doc_id:
        groups.append([doc_id(v) for v in filters.doc_id])
    return groups
