"""`vawg users`, `vawg audit` and `vawg serve --help` through the real typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pipeline.cli.main import _register, app
from pipeline.web.db import connect, execute
from pipeline.web.security import authenticate

runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def _commands() -> None:
    _register()


def vawg(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def test_users_add_list_remove(tmp_path: Path) -> None:
    db = str(tmp_path / "corpus.db")
    code, out = vawg("users", "add", "alice", "--role", "admin", "--db", db, stdin="correct horse battery\n")
    assert code == 0 and "alice (admin) added" in out
    code, out = vawg("users", "add", "bob", "--db", db, stdin="another passphrase\n")
    assert code == 0
    with connect(db) as store:
        user = authenticate(store, "alice", "correct horse battery")
        assert user is not None and user.is_admin
        stored = execute(store, "SELECT password_hash FROM web_users WHERE name = 'alice'")[0][0]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    code, out = vawg("users", "list", "--db", db)
    assert code == 0 and [line.split()[:2] for line in out.splitlines()] == [
        ["alice", "admin"],
        ["bob", "viewer"],
    ]
    assert vawg("users", "remove", "bob", "--db", db)[0] == 0
    code, out = vawg("users", "list", "--db", db)
    assert "bob" not in out and "alice" in out


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("users", "add", "carol"), "short\n", "password too short"),
        (("users", "add", "carol"), "", "no password"),
        (("users", "add", "bad name!"), "long enough password\n", "bad user name"),
        (("users", "add", "carol", "--role", "root"), "long enough password\n", "root"),
        (("users", "remove", "nobody"), None, "no such user"),
    ],
)
def test_users_bad_input_is_one_line(
    tmp_path: Path, args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    db = str(tmp_path / "corpus.db")
    vawg("users", "add", "dave", "--db", db, stdin="long enough password\n")
    result = runner.invoke(app, [*args, "--db", db], input=stdin)
    assert result.exit_code != 0
    text = result.output + str(result.exception or "")
    assert message in text


def test_users_add_twice_needs_replace(tmp_path: Path) -> None:
    db = str(tmp_path / "corpus.db")
    assert vawg("users", "add", "erin", "--db", db, stdin="first passphrase\n")[0] == 0
    result = runner.invoke(app, ["users", "add", "erin", "--db", db], input="second passphrase\n")
    assert result.exit_code != 0 and "already exists" in str(result.exception)
    assert vawg("users", "add", "erin", "--replace", "--db", db, stdin="second passphrase\n")[0] == 0
    with connect(db) as store:
        assert authenticate(store, "erin", "second passphrase") is not None
        assert authenticate(store, "erin", "first passphrase") is None


def test_audit_prints_the_log(db: str, viewer: TestClient) -> None:
    viewer.get("/", params={"q": "DVPO"})
    viewer.get("/doc", params={"id": "kent-001"})
    code, out = vawg("audit", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[1:4] for line in lines[-3:]] == [
        ["vic", "testclient", a] for a in ("login", "search", "document")
    ]
    assert 'q="DVPO"' in lines[-2] and 'doc_id="kent-001"' in lines[-1]
    code, out = vawg("audit", "--db", db, "--action", "document", "--format", "json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 1 and rows[0]["user"] == "vic" and rows[0]["detail"]["doc_id"] == "kent-001"


def test_serve_help_names_the_defaults() -> None:
    code, out = vawg("serve", "--help")
    assert code == 0 and "127.0.0.1" in out and "--secure-cookies" in out
