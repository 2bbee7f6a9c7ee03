"""Each stored document's pseudonymisation plan, found once and kept in the store.

Finding personal data runs at tens of thousands of characters a second, so a large document
takes seconds. `plan_for` reads a kept plan while the document is unchanged (same text,
mention spans and date: a stale plan on changed text could leave names) and the options
match, else finds it and keeps it. `precompute` (`vawg privacy plans`) finds every missing
plan ahead of `vawg serve --redact`. A plan holds offsets, labels and pseudonyms, never the
original strings (those stay in the document's own row).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from pipeline.privacy.redact import Redactor
from pipeline.privacy.remap import Replacement
from pipeline.store import CorpusStore

PLAN_VERSION = "1"
_TABLE = """CREATE TABLE IF NOT EXISTS privacy_plans (doc_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    stamp TEXT NOT NULL, plan TEXT NOT NULL, PRIMARY KEY (doc_id, fingerprint))"""


def fingerprint(redactor: Redactor) -> str:
    """What a plan depends on besides the document: key, options, finder, code version."""
    from pipeline import __version__

    opts = redactor.options
    key_part = hmac.new(opts.key, b"plan-cache", hashlib.sha256).hexdigest() if opts.key else "nokey"
    finder = getattr(redactor.finder, "ner", None) is not None
    text = f"{PLAN_VERSION}|{__version__}|{key_part}|{opts.keep_district}|{opts.today}|ner={finder}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _execute(store: CorpusStore, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    from pipeline.web.db import execute

    return execute(store, sql, params)


def ensure_table(store: CorpusStore) -> None:
    _execute(store, _TABLE, [])


def _meta(raw: Any) -> dict[str, Any]:
    try:
        value = raw if isinstance(raw, dict) else json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def document_record(store: CorpusStore, doc_id: str) -> tuple[dict[str, Any], str] | None:
    """The fields a plan depends on (text, meta with the date, measure mention spans) and the
    document's stamp; None when there is no such document."""
    rows = store.query("SELECT text, meta, date FROM documents WHERE id = ?", [doc_id])
    if not rows:
        return None
    text, meta_raw, date = rows[0]
    meta = _meta(meta_raw)
    if date and "date" not in meta:
        meta = {**meta, "date": str(date)}
    spans = store.query('SELECT start, "end" FROM mentions WHERE doc_id = ? ORDER BY start, "end"', [doc_id])
    record = {
        "id": doc_id,
        "text": str(text or ""),
        "meta": meta,
        "entities": [{"start": s, "end": e} for s, e in spans],
    }
    return record, _stamp(record)


def _stamp(record: dict[str, Any]) -> str:
    """A hash of everything the plan is found from (indexed times repeat within a second)."""
    spans = ";".join(f"{e['start']}-{e['end']}" for e in record["entities"])
    body = f"{record['text']}\x1f{spans}\x1f{record['meta'].get('date')}"
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def _decode(raw: str) -> list[Replacement] | None:
    try:
        return [Replacement(int(s), int(e), str(t), str(lab)) for s, e, t, lab in json.loads(raw)]
    except (TypeError, ValueError):
        return None


def plan_for(
    store: CorpusStore, redactor: Redactor, doc_id: str, keep: bool = True
) -> tuple[dict[str, Any], list[Replacement], bool] | None:
    """(record, sorted plan, whether it was found now) for a document; kept plans are reused
    while the document and the options are unchanged. With `keep`, a new plan is stored."""
    found = document_record(store, doc_id)
    if found is None:
        return None
    record, stamp = found
    fp = fingerprint(redactor)
    if keep:
        ensure_table(store)
        rows = _execute(
            store, "SELECT stamp, plan FROM privacy_plans WHERE doc_id = ? AND fingerprint = ?", [doc_id, fp]
        )
        if rows and rows[0][0] == stamp:
            plan = _decode(rows[0][1])
            if plan is not None:
                return record, plan, False
    plan = sorted(redactor.plan(record))
    if keep:
        _execute(
            store,
            "INSERT INTO privacy_plans (doc_id, fingerprint, stamp, plan) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (doc_id, fingerprint) DO UPDATE SET stamp = excluded.stamp, plan = excluded.plan",
            [doc_id, fp, stamp, json.dumps([[r.start, r.end, r.text, r.label] for r in plan])],
        )
    return record, plan, True


def precompute(
    store: CorpusStore, redactor: Redactor, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Find and keep the plan of every document without a current one: (found now, documents)."""
    ids = [str(r[0]) for r in store.query("SELECT id FROM documents ORDER BY id")]
    made = 0
    for n, doc_id in enumerate(ids, 1):
        got = plan_for(store, redactor, doc_id)
        made += 1 if got is not None and got[2] else 0
        if progress is not None:
            progress(n, len(ids))
    return made, len(ids)
