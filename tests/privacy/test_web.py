"""`vawg serve --redact`: pseudonymised document pages; an admin's reveal is audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from pipeline.privacy.detect import PersonalDataFinder
from pipeline.privacy.web import enable
from pipeline.store import open_store
from pipeline.web import create_app, security
from pipeline.web.audit import entries
from pipeline.web.db import connect
from pipeline.web.security import add_user

security.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
USERS = {"ada": ("admin", "admin-passphrase-1"), "vic": ("viewer", "viewer-passphrase-1")}
TEXT = (
    "PC 4471 Hughes served the DVPN on suspect Tariq Shah at 14 Acacia Rd.\n\n"
    "Shah rang Mrs Shah on 07700 900123."
)


@pytest.fixture
def db(tmp_path: Path) -> str:
    start = TEXT.index("DVPN")
    record = {
        "id": "case-7",
        "text": TEXT,
        "meta": {},
        "pages": [{"page": 1, "start": 0, "end": 71}, {"page": 2, "start": 71, "end": len(TEXT)}],
        "entities": [{"start": start, "end": start + 4, "label": "DVPN", "status": "used", "text": "DVPN"}],
        "signals": [{"label": "DELAY", "start": 71, "end": len(TEXT)}],
    }
    path = str(tmp_path / "corpus.db")
    with open_store(path, create=True) as store:
        assert store.index_records([record]).failed == 0
    with connect(path) as store:
        for name, (role, password) in USERS.items():
            add_user(store, name, role, password)
    return path


def _client(db: str, user: str) -> Iterator[TestClient]:
    app = create_app(db)
    privacy = enable(app)
    privacy.redactor.finder = PersonalDataFinder(model_path=None)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        page = client.get("/login").text
        marker = 'name="csrf" value="'
        csrf = page[page.index(marker) + len(marker) :].split('"', 1)[0]
        client.post("/login", data={"username": user, "password": USERS[user][1], "csrf": csrf, "next": "/"})
        yield client


def test_viewer_sees_pseudonyms_and_cannot_reveal(db: str) -> None:
    for client in _client(db, "vic"):
        for url in ("/doc?id=case-7", "/doc?id=case-7&reveal=1"):
            html = client.get(url).text
            assert (
                "Hughes" not in html and "Tariq" not in html and "07700" not in html and "Acacia" not in html
            )
            assert "PC Officer-1" in html and "Phone-1" in html
            assert 'title="DVPN: used">DVPN</mark>' in html
    with connect(db) as store:
        assert all(not e.detail.get("revealed") for e in entries(store, user="vic"))


def test_admin_reveal_is_audited(db: str) -> None:
    for client in _client(db, "ada"):
        assert "Hughes" not in client.get("/doc?id=case-7").text
        assert "Hughes" in client.get("/doc?id=case-7&reveal=1").text
    with connect(db) as store:
        docs = [e.detail for e in entries(store, user="ada", action="document")]
    assert docs == [
        {"doc_id": "case-7", "found": True, "revealed": True},
        {"doc_id": "case-7", "found": True},
    ]
