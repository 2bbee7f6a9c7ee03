"""Accounts, sessions, CSRF tokens and the login rate limit.

Passwords are hashed with argon2id (argon2-cffi). A session is a random token in an HttpOnly
cookie; the store keeps only its SHA-256, with the user and the session's CSRF token, so a
copied database holds no usable session. Every POST form carries the CSRF token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipeline.errors import UsageError
from pipeline.store import CorpusStore
from pipeline.web.db import execute, iso, now

ROLES = ("viewer", "admin")
MIN_PASSWORD = 10
SESSION_HOURS = 8
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_hasher = PasswordHasher()  # argon2id, RFC 9106 parameters (64 MiB, 3 passes)
_dummy: dict[str, str] = {}


def use_hasher(hasher: PasswordHasher) -> None:
    """Hash new passwords with other argon2 parameters (tests use cheap ones)."""
    global _hasher
    _hasher = hasher
    _dummy.clear()


def _dummy_hash() -> str:
    """Verified against when the user does not exist, so both answers take as long."""
    if "hash" not in _dummy:
        _dummy["hash"] = _hasher.hash(secrets.token_hex(16))
    return _dummy["hash"]


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


# -- users ------------------------------------------------------------------------------------
def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise UsageError(f"bad user name {name!r}: letters, digits and . _ @ - (at most 64)")
    return name


def add_user(store: CorpusStore, name: str, role: str, password: str, replace: bool = False) -> None:
    """Create (or with `replace`, reset) a user; the password is stored only as an argon2 hash."""
    check_name(name)
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r} (one of: {', '.join(ROLES)})")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"password too short: at least {MIN_PASSWORD} characters")
    exists = bool(execute(store, "SELECT 1 FROM web_users WHERE name = ?", [name]))
    if exists and not replace:
        raise UsageError(f"user {name} already exists (use --replace to reset the password and role)")
    digest = _hasher.hash(password)
    if exists:
        execute(
            store, "UPDATE web_users SET role = ?, password_hash = ? WHERE name = ?", [role, digest, name]
        )
        execute(store, "DELETE FROM web_sessions WHERE username = ?", [name])
    else:
        execute(store, "INSERT INTO web_users VALUES (?, ?, ?, ?)", [name, role, digest, iso(now())])


def remove_user(store: CorpusStore, name: str) -> bool:
    """Delete a user and end their sessions; True if they existed."""
    found = bool(execute(store, "SELECT 1 FROM web_users WHERE name = ?", [name]))
    execute(store, "DELETE FROM web_sessions WHERE username = ?", [name])
    execute(store, "DELETE FROM web_users WHERE name = ?", [name])
    return found


def list_users(store: CorpusStore) -> list[dict[str, str]]:
    rows = execute(store, "SELECT name, role, created_at FROM web_users ORDER BY name")
    return [{"name": n, "role": r, "created_at": c} for n, r, c in rows]


def authenticate(store: CorpusStore, name: str, password: str) -> User | None:
    """The user if the password matches, else None (same work either way)."""
    rows = execute(store, "SELECT role, password_hash FROM web_users WHERE name = ?", [name])
    digest = rows[0][1] if rows else _dummy_hash()
    try:
        _hasher.verify(digest, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if not rows:
        return None
    if _hasher.check_needs_rehash(digest):
        execute(
            store, "UPDATE web_users SET password_hash = ? WHERE name = ?", [_hasher.hash(password), name]
        )
    return User(name, rows[0][0])


# -- sessions ---------------------------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


def start_session(store: CorpusStore, user: User) -> str:
    """A new session for `user`; returns the cookie value (never stored as such)."""
    token = secrets.token_urlsafe(32)
    moment = now()
    execute(store, "DELETE FROM web_sessions WHERE expires_at < ?", [iso(moment)])
    execute(
        store,
        "INSERT INTO web_sessions VALUES (?, ?, ?, ?, ?)",
        [
            _token_hash(token),
            user.name,
            secrets.token_urlsafe(32),
            iso(moment),
            iso(moment + dt.timedelta(hours=SESSION_HOURS)),
        ],
    )
    return token


def load_session(store: CorpusStore, token: str | None) -> Session | None:
    """The live session behind a cookie value, or None (unknown, expired, or user removed)."""
    if not token or len(token) > 200:
        return None
    rows = execute(
        store,
        "SELECT u.name, u.role, s.csrf FROM web_sessions s JOIN web_users u ON u.name = s.username "
        "WHERE s.token_hash = ? AND s.expires_at > ?",
        [_token_hash(token), iso(now())],
    )
    if not rows:
        return None
    name, role, csrf = rows[0]
    return Session(User(name, role), csrf)


def end_session(store: CorpusStore, token: str | None) -> None:
    if token:
        execute(store, "DELETE FROM web_sessions WHERE token_hash = ?", [_token_hash(token)])


def same_token(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of CSRF tokens; a missing one never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def new_token() -> str:
    return secrets.token_urlsafe(32)


# -- login rate limit -------------------------------------------------------------------------
class LoginLimiter:
    """At most `limit` failed sign-ins per (user name, client address) in any `window` seconds,
    and at most `address_limit` per address whatever the names (password spraying)."""

    def __init__(
        self,
        limit: int = 5,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        address_limit: int = 30,
    ):
        self.limit = limit
        self.address_limit = address_limit
        self.window = window
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        times = self._failures.get(key, deque())
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    def _keys(self, name: str, ip: str) -> list[tuple[tuple[str, str], int]]:
        # A name cannot be "" after a failed attempt of its own, so ("", ip) is the address key.
        return [((name.lower() or "?", ip), self.limit), (("", ip), self.address_limit)]

    def retry_after(self, name: str, ip: str) -> int:
        """Seconds until another attempt is allowed (0 = allowed now)."""
        wait = 0
        for key, limit in self._keys(name, ip):
            times = self._recent(key)
            if len(times) >= limit:
                wait = max(wait, int(times[-limit] + self.window - self.clock()) + 1)
        return wait

    def failed(self, name: str, ip: str) -> None:
        for key, _ in self._keys(name, ip):
            times = self._recent(key)
            times.append(self.clock())
            self._failures[key] = times
        if len(self._failures) > 10_000:  # forget idle keys so memory stays bounded
            for k in [k for k in self._failures if not self._recent(k)]:
                del self._failures[k]

    def succeeded(self, name: str, ip: str) -> None:
        self._failures.pop((name.lower() or "?", ip), None)
