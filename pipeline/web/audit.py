"""The audit log: who signed in, searched for what, exported and opened which document, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pipeline.store import CorpusStore
from pipeline.web.db import execute, iso, now

ACTIONS = (
    "login",
    "login_failed",
    "login_limited",
    "logout",
    "search",
    "export",
    "document",
    "kwic",
    "dashboard",
    "audit",
)


@dataclass
class AuditEntry:
    id: int
    at: str
    user: str | None
    ip: str | None
    action: str
    detail: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "user": self.user,
            "ip": self.ip,
            "action": self.action,
            "detail": self.detail,
        }


def record(store: CorpusStore, user: str | None, ip: str | None, action: str, **detail: Any) -> None:
    """Append one entry; `detail` holds what was asked (query, filters, document id)."""
    clean = {k: v for k, v in detail.items() if v not in (None, "", (), [])}
    execute(
        store,
        "INSERT INTO web_audit (at, username, ip, action, detail) VALUES (?, ?, ?, ?, ?)",
        [iso(now()), user, ip, action, json.dumps(clean, ensure_ascii=False, sort_keys=True, default=str)],
    )


def entries(
    store: CorpusStore,
    user: str | None = None,
    action: str | None = None,
    limit: int = 100,
    before: int | None = None,
) -> list[AuditEntry]:
    """Newest entries first, optionally for one user or action, older than id `before`."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("username", user), ("action", action)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if before is not None:
        where.append("id < ?")
        params.append(before)
    sql = "SELECT id, at, username, ip, action, detail FROM web_audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = execute(store, sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
    out = []
    for id_, at, username, ip, act, detail in rows:
        try:
            parsed = json.loads(detail)
        except ValueError:
            parsed = {"raw": detail}
        out.append(AuditEntry(int(id_), at, username, ip, act, parsed if isinstance(parsed, dict) else {}))
    return out
