"""`vawg serve --redact`: pseudonymised document pages; an admin's reveal is audited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from pipeline.privacy.detect import PersonalDataFinder
from pipeline.privacy.web import WebPrivacy, enable
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


NAMED_ID = "statement-Tariq-Shah-1a2b3c4d"  # ids made from file names hold names
NAMED_TEXT = (
    "DC Ruth Okafor spoke to Tariq Shah at 14 Acacia Rd.\n\n"
    "Tariq Shah was told the DVPN still stood. Okafor then left."
)
GOLD = ("Hughes", "Tariq", "Shah", "Okafor", "Ruth", "Acacia", "07700")


def _entity(text: str, surface: str, label: str, status: str, nth: int = 0) -> dict[str, object]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return {"start": start, "end": start + len(surface), "label": label, "status": status, "text": surface}


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
    named = {
        "id": NAMED_ID,
        "text": NAMED_TEXT,
        "meta": {"source": "/cases/Tariq Shah statement.pdf", "force": "Kent", "date": "2023-04-01"},
        "pages": [{"page": 1, "start": 0, "end": len(NAMED_TEXT)}],
        "entities": [_entity(NAMED_TEXT, "DVPN", "DVPN", "used")],
        "signals": [],
    }
    path = str(tmp_path / "corpus.db")
    with open_store(path, create=True) as store:
        assert store.index_records([record, named]).failed == 0
    with connect(path) as store:
        for name, (role, password) in USERS.items():
            add_user(store, name, role, password)
    return path


def _client(
    db: str, user: str, privacy_out: list[WebPrivacy] | None = None, finder: PersonalDataFinder | None = None
) -> Iterator[TestClient]:
    app = create_app(db)
    privacy = enable(app)
    privacy.redactor.finder = finder or PersonalDataFinder(model_path=None)
    if privacy_out is not None:
        privacy_out.append(privacy)
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
            assert 'id="reveal"' not in html  # viewers are not offered originals
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


def _pages(client: TestClient, doc_link: str) -> dict[str, str]:
    return {
        "search": client.get("/?q=DVPN").text,
        "search-name": client.get("/?q=told OR spoke").text,
        "kwic": client.get("/kwic?measure=DVPN").text,
        "csv": client.get("/export.csv?q=DVPN").text,
        "dashboard": client.get("/dashboard").text,
        "document": client.get(doc_link).text,
    }


def test_viewer_never_sees_a_name_anywhere(db: str) -> None:
    kept: list[WebPrivacy] = []
    for client in _client(db, "vic", kept):
        search = client.get("/?q=DVPN").text
        marker = 'href="/doc?id='
        links = [search[i + len(marker) :].split('"', 1)[0] for i in _all(search, marker)]
        assert len(links) == 2 and all(link.startswith("doc-") for link in links)
        named = next(link for link in links if not link.startswith(kept[0].shown_id("case-7")))
        pages = _pages(client, "/doc?id=" + named.replace("&amp;", "&"))
        for name, html in pages.items():
            assert not [g for g in GOLD if g in html], name
            assert NAMED_ID not in html and "case-7" not in html, name
        # measure mentions stay highlighted, at remapped offsets, in every view of text
        for name in ("search", "search-name", "document"):
            assert 'title="DVPN: used">' in pages[name] and ">DVPN</" in pages[name], name
        assert "DVPN" in pages["kwic"] and "DVPN:used" in pages["csv"]
        # the same person is the same pseudonym on the search page and the document page
        # the same person is the same pseudonym in a hit as on the document page
        hits = [_plain(h) for h in re.findall(r'<p class="sentence">(.*?)</p>', pages["search-name"], re.S)]
        document = _plain(pages["document"])
        assert sorted(hits) == [
            "DC Officer-1 spoke to Person-1 at Address-1.",
            "Person-1 was told the DVPN still stood.",
        ]
        assert all(h in document for h in hits)
        assert "(withheld)" in pages["document"]
        # a second visit is served from the per-document cache
        before = kept[0].computed
        client.get("/?q=DVPN")
        assert before == 2 and kept[0].computed == before
    with connect(db) as store:
        assert all(not e.detail.get("revealed") for e in entries(store, user="vic"))


def _plain(html: str) -> str:
    """Text of an HTML fragment without tags and status badges."""
    html = re.sub(r'<span class="st [^"]*">.*?</span>', "", html)
    return re.sub(r"<[^>]+>", "", html)


def _all(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def test_viewer_reveal_is_ignored_everywhere(db: str) -> None:
    for client in _client(db, "vic"):
        for url in ("/?q=DVPN&reveal=1", "/kwic?measure=DVPN&reveal=1", "/export.csv?q=DVPN&reveal=1"):
            body = client.get(url).text
            assert not [g for g in GOLD if g in body], url
    with connect(db) as store:
        assert all(not e.detail.get("revealed") for e in entries(store, user="vic"))


def test_admin_reveal_on_search_kwic_and_export_is_audited(db: str) -> None:
    for client in _client(db, "ada"):
        page = client.get("/?q=told").text
        assert "Tariq" not in page and 'href="/?q=told&amp;reveal=1"' in page  # the admin's way in
        assert "Tariq" in client.get("/?q=told&reveal=1").text
        assert "Okafor" in client.get("/kwic?q=Okafor&reveal=1").text
        csv = client.get("/export.csv?q=told&reveal=1").text
        assert "Tariq Shah" in csv and NAMED_ID in csv
        assert NAMED_ID not in client.get("/export.csv?q=told").text
    with connect(db) as store:
        revealed = [(e.action, e.detail.get("revealed")) for e in entries(store, user="ada")]
    assert ("search", True) in revealed and ("kwic", True) in revealed and ("export", True) in revealed
    assert ("search", None) in revealed and ("export", None) in revealed


def test_searching_for_a_name_is_refused_without_reveal(db: str) -> None:
    for client in _client(db, "vic"):
        for url in ("/?q=Tariq", "/kwic?q=Okafor", "/export.csv?q=Shah", "/?q=told OR Hughes"):
            response = client.get(url)
            assert response.status_code == 400, url
            leaked = [
                g for g in GOLD if g in response.text and g not in url
            ]  # the query box echoes the query
            assert "personal data" in response.text and not leaked, url
        assert client.get("/?q=told").status_code == 200  # words of the case still search
    with connect(db) as store:
        refused = [
            e.detail for e in entries(store, user="vic") if "personal data" in e.detail.get("error", "")
        ]
    assert [d.get("q") for d in refused] == ["told OR Hughes", "Shah", "Okafor", "Tariq"]  # newest first


def test_plans_are_kept_in_the_store_until_the_document_changes(db: str) -> None:
    first: list[WebPrivacy] = []
    for client in _client(db, "vic", first):
        client.get("/?q=DVPN")
    assert first[0].computed == 2
    again: list[WebPrivacy] = []
    for client in _client(db, "vic", again):  # a restarted server reads the kept plans
        html = client.get("/?q=DVPN").text
        assert "Person-1" in html and not [g for g in GOLD if g in html]
    assert again[0].computed == 0
    changed = NAMED_TEXT.replace("Tariq Shah was told", "Mrs Shah was told")
    entities = [_entity(changed, "DVPN", "DVPN", "used")]
    record = {"id": NAMED_ID, "text": changed, "meta": {}, "signals": [], "entities": entities}
    with open_store(db) as store:
        assert store.index_records([record]).failed == 0
    third: list[WebPrivacy] = []
    for client in _client(db, "vic", third):
        html = client.get("/?q=told").text
        assert "Mrs Person-" in html and "Shah" not in html
    assert third[0].computed == 1  # only the re-indexed document


class _BrokenFinder(PersonalDataFinder):
    def find(self, text: str, keep: object = None) -> list[object]:  # type: ignore[override]
        raise RuntimeError("finder broke")


def test_a_document_the_finder_fails_on_is_withheld_not_shown(db: str) -> None:
    for client in _client(db, "vic", finder=_BrokenFinder(model_path=None)):
        for url in ("/?q=DVPN", "/kwic?measure=DVPN", "/export.csv?q=DVPN", "/doc?id=case-7"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert not [g for g in GOLD if g in response.text], url
        assert "could not be pseudonymised" in client.get("/?q=DVPN").text
        assert "Tariq" not in client.get("/doc?id=" + NAMED_ID).text  # its metadata is withheld too
