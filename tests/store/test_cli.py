"""`vawg index` and `vawg search` end to end on the fixture corpus (SQLite)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.records import write_jsonl_atomic
from tests.store.corpus import records


def vawg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli.main", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("cli")
    src = folder / "records.jsonl"
    write_jsonl_atomic(src, records())
    with open(src, "a", encoding="utf-8") as fh:
        fh.write("{torn line\n")
    path = str(folder / "corpus.db")
    out = vawg("index", str(src), "--db", path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("6 added, 0 replaced, 0 unchanged, 1 failed; 15 sentences")
    assert "records.jsonl:7" in out.stderr
    return path


def test_json_lines_one_object_per_hit(db: str) -> None:
    out = vawg(
        "search", "breach*", "--db", db, "--format", "json", "--measure", "DVPO", "--status", "breached"
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert sorted(r["doc_id"] for r in rows) == ["e1", "k1"]
    for row in rows:
        assert {"doc_id", "page", "sentence", "start", "end", "score"} <= row.keys()


def test_table_with_facets_and_filters(db: str) -> None:
    out = vawg(
        "search", "", "--db", db, "--signal", "BREACH_NOT_ACTIONED", "--force", "Kent",
        "--from", "2023-01-01", "--to", "2023-12-31", "--facets",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "2 matching sentences (showing 1-2, in document order)"
    assert "[" not in out.stdout.splitlines()[2]
    assert any(line.split() == ["signal", "BREACH_NOT_ACTIONED", "2"] for line in out.stdout.splitlines())


def test_csv_kwic(db: str) -> None:
    out = vawg("search", "victim", "--db", db, "--format", "csv", "--kwic", "--type", "case_file")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert {r["keyword"].lower() for r in rows} == {"victim"}
    assert sorted(r["doc_id"] for r in rows) == ["k1", "m1"]


def test_facets_as_json_rows(db: str) -> None:
    out = vawg("search", "dvpo", "--db", db, "--format", "json", "--facets")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows[0] == {"facet": "total", "key": None, "status": None, "count": 4}
    assert {"facet": "measure", "key": "DVPO", "status": "breached", "count": 2} in rows


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["(dvpo"], "unbalanced parentheses"),
        (["x", "--measure", "DVP0"], "unknown measure 'DVP0'"),
        (["x", "--from", "01/02/2023"], "--from must be a date"),
        (["x", "--limit", "0"], "--limit must be between"),
    ],
)
def test_bad_input_is_one_line_error(db: str, args: list[str], message: str) -> None:
    out = vawg("search", *args, "--db", db)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_search_needs_an_existing_store(tmp_path: Path) -> None:
    out = vawg("search", "x", "--db", str(tmp_path / "nope.db"))
    assert out.returncode == 2 and "no such store" in out.stderr
    assert not (tmp_path / "nope.db").exists()
