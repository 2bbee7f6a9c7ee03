"""The web app's own tables (users, sessions, audit log) beside the corpus in the same store.

They live in the store's database so one `--db` is all an inspector copies or backs up; the
corpus tables stay the store's business. Statements are written with `?` placeholders and
always run with bound parameters, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pipeline.store import CorpusStore, open_store

_SQLITE_TABLES = [
    """CREATE TABLE IF NOT EXISTS web_users (name TEXT PRIMARY KEY, role TEXT NOT NULL,
        password_hash TEXT NOT NULL, created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS web_sessions (token_hash TEXT PRIMARY KEY, username TEXT NOT NULL,
        csrf TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS web_audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
        username TEXT, ip TEXT, action TEXT NOT NULL, detail TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS web_audit_user ON web_audit(username, id)",
]
_POSTGRES_TABLES = [
    _SQLITE_TABLES[0],
    _SQLITE_TABLES[1],
    """CREATE TABLE IF NOT EXISTS web_audit (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at TEXT NOT NULL, username TEXT, ip TEXT, action TEXT NOT NULL, detail TEXT NOT NULL)""",
    _SQLITE_TABLES[3],
]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def execute(store: CorpusStore, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on the store's own connection (autocommit) and return any rows."""
    conn: Any = getattr(store, "conn")  # noqa: B009  (both back-ends keep their connection here)
    if store.name == "sqlite":
        return list(conn.execute(sql, list(params)).fetchall())
    with conn.cursor() as cur:
        cur.execute(sql.replace("?", "%s"), list(params))
        return list(cur.fetchall()) if cur.description else []


def ensure_tables(store: CorpusStore) -> None:
    """Create the web tables when missing (idempotent)."""
    for statement in _SQLITE_TABLES if store.name == "sqlite" else _POSTGRES_TABLES:
        execute(store, statement)


@contextmanager
def connect(db: str, create: bool = False, ensure: bool = True) -> Iterator[CorpusStore]:
    """Open the store (with the web tables in place unless `ensure` is off); closed on exit."""
    store = open_store(db, create=create)
    try:
        if ensure:
            ensure_tables(store)
        yield store
    finally:
        store.close()
