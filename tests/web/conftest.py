"""Web fixtures: a small SQLite store with two users, and a TestClient per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from pipeline.store import open_store
from pipeline.web import create_app, security
from pipeline.web.db import connect
from pipeline.web.security import LoginLimiter, add_user
from tests.web.corpus import records

# Cheap argon2 parameters keep sign-ins fast in tests; the shipped default is RFC 9106's.
security.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))

ROOT_DIR = Path(__file__).resolve().parents[2]
ADMIN = ("ada", "admin-passphrase-1")
VIEWER = ("vic", "viewer-passphrase-1")


class FakeClock:
    """A monotonic clock the tests move by hand (no sleeping, no timing)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def build_store(path: Path) -> str:
    db = str(path / "corpus.db")
    with open_store(db, create=True) as store:
        stats = store.index_records(records())
        assert stats.failed == 0 and stats.dropped_spans == 0
    with connect(db) as store:
        add_user(store, ADMIN[0], "admin", ADMIN[1])
        add_user(store, VIEWER[0], "viewer", VIEWER[1])
    return db


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_store(tmp_path_factory.mktemp("webstore"))


@pytest.fixture
def db(template_db: str, tmp_path: Path) -> str:
    """A private copy of the fixture store (tests write sessions and audit rows)."""
    target = tmp_path / "corpus.db"
    shutil.copy(template_db, target)
    return str(target)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(db: str, clock: FakeClock) -> Iterator[TestClient]:
    app = create_app(db, limiter=LoginLimiter(clock=clock))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def csrf_of(html: str) -> str:
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def sign_in(client: TestClient, user: tuple[str, str] = VIEWER, next_path: str = "/") -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": user[0], "password": user[1], "csrf": csrf_of(page.text), "next": next_path},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def viewer(client: TestClient) -> TestClient:
    sign_in(client, VIEWER)
    return client


@pytest.fixture
def admin(client: TestClient) -> TestClient:
    sign_in(client, ADMIN)
    return client
