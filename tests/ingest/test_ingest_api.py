"""`iter_documents`: in-process reading of files and folders; bad sources reported, never raised."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest.api import Outcome, iter_documents, walk_sources
from pipeline.ingest.base import Status


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("second")
    (tmp_path / "a.txt").write_text("first")
    (tmp_path / ".hidden.txt").write_text("hidden")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden too")
    (tmp_path / "~$lock.docx").write_bytes(b"lock")
    (tmp_path / "c.docx").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "d.txt").write_bytes(b"")
    return tmp_path


def test_walk_is_recursive_sorted_and_skips_hidden(folder: Path) -> None:
    names = [p.relative_to(folder).as_posix() for p in walk_sources([folder])]
    assert names == ["a.txt", "c.docx", "d.txt", "b/2.txt"]


def test_walk_leaves_out_excluded_folder(folder: Path) -> None:
    assert [p.name for p in walk_sources([folder], exclude=[folder / "b"])] == ["a.txt", "c.docx", "d.txt"]


def test_walk_skips_names_matching_globs(folder: Path) -> None:
    assert [p.name for p in walk_sources([folder], skip=["*.docx", "d.*"])] == ["a.txt", "2.txt"]


def test_documents_and_outcomes(folder: Path) -> None:
    seen: list[Outcome] = []
    docs = list(iter_documents([folder], on_outcome=seen.append))
    assert [d.text for d in docs] == ["first", "second"]
    assert [(Path(o.source).name, o.status) for o in seen] == [
        ("a.txt", Status.OK),
        ("c.docx", Status.CORRUPT),
        ("d.txt", Status.EMPTY),
        ("2.txt", Status.OK),
    ]


def test_bad_sources_warn_on_stderr_without_raising(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = list(iter_documents([folder / "c.docx", folder / "missing.txt", folder / "a.txt"]))
    assert [d.text for d in docs] == ["first"]
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert err[0].startswith("vawg: warning: ") and "c.docx: corrupt" in err[0]
    assert "missing.txt" in err[1]


def test_isolated_reading_gives_the_same_documents(folder: Path) -> None:
    seen: list[Outcome] = []
    docs = list(iter_documents([folder], on_outcome=seen.append, isolated=True))
    assert [d.text for d in docs] == ["first", "second"]
    assert [o.status for o in seen] == [Status.OK, Status.CORRUPT, Status.EMPTY, Status.OK]
