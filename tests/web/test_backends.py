"""Users, sessions and the audit log on both store back-ends (PostgreSQL via VAWG_TEST_PG)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.store import CorpusStore
from pipeline.web import audit
from pipeline.web.db import ensure_tables, execute
from pipeline.web.security import (
    add_user,
    authenticate,
    end_session,
    list_users,
    load_session,
    remove_user,
    start_session,
)
from tests.store.conftest import BACKENDS, new_store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CorpusStore]:
    with new_store(request.param, tmp_path) as s:
        ensure_tables(s)
        ensure_tables(s)  # idempotent
        yield s


def test_accounts_and_sessions(store: CorpusStore) -> None:
    add_user(store, "ada", "admin", "a long passphrase")
    add_user(store, "vic", "viewer", "another passphrase")
    assert [u["name"] for u in list_users(store)] == ["ada", "vic"]
    assert authenticate(store, "ada", "wrong passphrase!") is None
    user = authenticate(store, "ada", "a long passphrase")
    assert user is not None and user.is_admin
    token = start_session(store, user)
    session = load_session(store, token)
    assert session is not None and session.user == user and len(session.csrf) > 20
    assert load_session(store, token + "x") is None
    end_session(store, token)
    assert load_session(store, token) is None
    token = start_session(store, user)
    assert remove_user(store, "ada") and not remove_user(store, "ada")
    assert load_session(store, token) is None


def test_audit_round_trip(store: CorpusStore) -> None:
    audit.record(store, "vic", "127.0.0.1", "search", q="DVPO'; DROP TABLE web_audit; --", measure=["DVPO"])
    audit.record(store, "vic", "127.0.0.1", "document", doc_id="k1")
    audit.record(store, "ada", "127.0.0.1", "login")
    rows = audit.entries(store, user="vic")
    assert [r.action for r in rows] == ["document", "search"]
    assert rows[1].detail == {"q": "DVPO'; DROP TABLE web_audit; --", "measure": ["DVPO"]}
    assert [r.action for r in audit.entries(store, action="login")] == ["login"]
    assert len(audit.entries(store, limit=2)) == 2
    assert execute(store, "SELECT count(*) FROM web_audit")[0][0] == 3


def test_page_data_is_the_same_on_both_back_ends(store: CorpusStore) -> None:
    from pipeline.store import Filters, search
    from pipeline.web import views
    from tests.web.corpus import records

    store.index_records(records())
    doc = views.load_document(store, "kent-001")
    assert doc is not None and [p.number for p in doc.pages] == [1, 2, 3]
    assert [(m["n"], m["label"], m["status"], m["page"]) for m in doc.mentions] == [
        (1, "DASH", "used", 1),
        (2, "BAIL", "used", 2),
        (3, "DVPO", "breached", 2),
    ]
    assert ("reader", "pdf") in doc.facts and doc.meta["force"] == "Kent"
    assert [(g.n, g.labels, g.page) for g in doc.sentences][0] == (1, ["BREACH_NOT_ACTIONED"], 2)
    extra = views.extra_facets(store, "DVPO", Filters())
    assert extra["measure"] == {"DVPO": 3}
    assert extra["status"] == {"breached": 1, "not_used": 1, "considered": 1}
    assert extra["doc_type"] == {"case_file": 2, "inspection_report": 1}
    assert views.extra_facets(store, "DVPO", Filters(), sample=1)["measure"] == {"DVPO": 1}
    hits = views.hit_views(store, search(store, "breached", Filters()))
    assert [h["anchor"] for h in hits] == ["m3"]
    board = views.dashboard(store)
    assert board.matrix[("DVPO", "breached")] == 1 and board.totals["documents"] == len(records())
    assert views.dashboard(store, "DVPO").measures == ["DVPO"]
