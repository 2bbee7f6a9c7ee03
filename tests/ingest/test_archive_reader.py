"""Zip archives: members read by their own readers, ids prefixed, zip-slip and zip bombs refused."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

import pipeline.ingest.readers  # noqa: F401
from pipeline.ingest.api import read_source
from pipeline.ingest.base import ReadOptions, Status


def make_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def docx_bytes(text: str) -> bytes:
    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buf)
    return buf.getvalue()


def test_members_are_read_by_their_readers(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "bundle.zip",
        {
            "notes/log.txt": b"DVPN served 14:00.",
            "review.docx": docx_bytes("MARAC referral made."),
            "export.csv": b"case_ref,entry_text\nA,Bail set\nA,Bail breached\n",
            "notes/": b"",
            "__MACOSX/._log.txt": b"junk",
            "photo.jpg": b"\xff\xd8\xff\xe0" + bytes(50),
            "inner.zip": make_zip(tmp_path / "inner.zip", {"x.txt": b"nested"}).read_bytes(),
        },
    )
    out = read_source(path, ReadOptions())
    assert out.status is Status.OK and out.reader == "archive"
    prefix = f"bundle-{out.sha256[:8]}--"
    assert all(d.id.startswith(prefix) for d in out.documents)
    texts = sorted(d.text for d in out.documents)
    assert texts == [
        "A\nBail set\n\nBail breached".split("\n", 1)[1],
        "DVPN served 14:00.",
        "MARAC referral made.",
    ]
    by_member = {d.meta["member"]: d for d in out.documents}
    assert set(by_member) == {"notes/log.txt", "review.docx", "export.csv"}
    assert by_member["review.docx"].meta["reader"] == "docx"
    assert by_member["notes/log.txt"].meta["source"] == f"{path}!notes/log.txt"
    skipped = {s["member"]: s["status"] for s in by_member["review.docx"].meta["archive_skipped"]}
    assert skipped == {"photo.jpg": "unsupported", "inner.zip": "unsupported"}
    assert "2 of" in out.reason and "nested archive" in out.reason


@pytest.mark.parametrize("evil", ["../../escape.txt", "/abs/escape.txt", "..\\..\\escape.txt"])
def test_zip_slip_names_cannot_escape(tmp_path: Path, evil: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    path = make_zip(work / "slip.zip", {evil: b"Susp arrested."})
    out = read_source(path, ReadOptions())
    assert out.status is Status.OK
    assert [d.text for d in out.documents] == ["Susp arrested."]
    assert not list(tmp_path.rglob("escape*")) and not Path("/abs").exists()


def test_zip_bomb_by_ratio_is_too_large(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "bomb.zip", {"zeros.txt": b"0" * (20 * 2**20)})
    assert path.stat().st_size < 100_000
    out = read_source(path, ReadOptions())
    assert out.status is Status.TOO_LARGE and "zip bomb" in out.reason


def test_zip_over_size_limit_is_too_large(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "big.zip", {"a.txt": b"x" * 5000, "b.txt": b"y" * 5000}, zipfile.ZIP_STORED)
    out = read_source(path, ReadOptions(max_bytes=9000))
    assert out.status is Status.TOO_LARGE and "limit" in out.reason


def test_lying_declared_size_is_caught(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "liar.zip", {"a.txt": b"A" * 1000}, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    # shrink the declared size in the central directory (offset 24 of the entry): 1000 -> 10
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    out = read_source(path, ReadOptions())
    assert out.status is not Status.OK
    assert out.documents == []


@pytest.mark.parametrize(
    ("members", "status"),
    [({}, Status.EMPTY), ({"a.jpg": b"\xff\xd8\xff\xe0", "b.bin": b"\x00\x01"}, Status.UNSUPPORTED)],
)
def test_archive_without_readable_members(tmp_path: Path, members: dict[str, bytes], status: Status) -> None:
    out = read_source(make_zip(tmp_path / "x.zip", members), ReadOptions())
    assert out.status is status


def test_opendocument_is_unsupported_with_a_hint(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "notes.odt",
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
    )
    out = read_source(path, ReadOptions())
    assert out.status is Status.UNSUPPORTED and ".docx" in out.reason


@pytest.mark.skipif(shutil.which("zip") is None, reason="the zip tool makes the encrypted archive")
def test_encrypted_members_open_with_a_given_password(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("NMO served.")
    path = tmp_path / "locked.zip"
    subprocess.run(["zip", "-q", "-P", "s3cret", path.name, "note.txt"], cwd=tmp_path, check=True)
    locked = read_source(path, ReadOptions(passwords=["wrong"]))
    assert locked.status is Status.ENCRYPTED and "password" in locked.reason
    opened = read_source(path, ReadOptions(passwords=["wrong", "s3cret"]))
    assert opened.status is Status.OK and [d.text for d in opened.documents] == ["NMO served."]
