"""Zip archives: each member is read by the reader its content calls for.

Members are copied, one at a time, to a private temporary folder under generated names, so a
member name like `../../etc/passwd` (zip-slip) can never write outside it. Zip bombs are refused
by declared sizes (total against `max_bytes`), by compression ratio, by member count, and by
capping every copy at its declared size. Nested archives are not opened; they and any member
that gave no documents are listed in the reason and in each document's meta (`archive_skipped`).
Document ids are prefixed by the archive's id.
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

from pipeline.ingest.base import Reader, ReadFailure, ReadOptions, SourceResult, Status, register
from pipeline.ingest.helpers import ZIP_MAGIC, slug, zip_names

MAX_MEMBERS = 5000
MAX_RATIO = 200  # uncompressed/compressed; text compresses ~10x, bombs ~1000x
RATIO_FLOOR = 2 * 2**20  # small members may compress as they like
MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError)
OOXML = ("word/document.xml", "xl/workbook.xml", "ppt/presentation.xml")


def _check_bomb(infos: list[zipfile.ZipInfo], options: ReadOptions) -> None:
    if len(infos) > MAX_MEMBERS:
        raise ReadFailure(Status.TOO_LARGE, f"{len(infos)} members (limit {MAX_MEMBERS})")
    total = sum(i.file_size for i in infos)
    if total > options.max_bytes:
        raise ReadFailure(
            Status.TOO_LARGE,
            f"unpacks to {total / 2**20:.0f} MB, over the {options.max_bytes / 2**20:.0f} MB limit",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise ReadFailure(
                Status.TOO_LARGE, f"{info.filename}: compression ratio {ratio:.0f} looks like a zip bomb"
            )


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, passwords: list[str], dest: Path) -> None:
    """Copy a member to `dest`, trying each password on an encrypted one."""
    if not info.flag_bits & 0x1:
        with zf.open(info) as src:
            _copy_capped(src, dest, info.file_size)
        return
    for password in passwords:
        try:  # a wrong password fails at open, or (1 in 256) only at the CRC check
            with zf.open(info, pwd=password.encode()) as src:
                _copy_capped(src, dest, info.file_size)
            return
        except (RuntimeError, zipfile.BadZipFile, zlib.error):
            continue
    raise ReadFailure(Status.ENCRYPTED, "encrypted member; no given password opens it")


def _copy_capped(src: IO[bytes], dest: Path, limit: int) -> None:
    """Copy at most `limit` bytes; more means the declared size lied (a bomb)."""
    written = 0
    with open(dest, "wb") as out:
        while block := src.read(1 << 20):
            written += len(block)
            if written > limit:
                raise ReadFailure(Status.TOO_LARGE, "member is larger than its declared size")
            out.write(block)


def _member_file(tmp: Path, index: int, name: str) -> Path:
    pure = PurePosixPath(name.replace("\\", "/"))
    suffix = "".join(c for c in pure.suffix.lower() if c.isalnum() or c == ".")[:10]
    folder = tmp / f"{index:05d}"
    folder.mkdir()
    return folder / f"{slug(pure.stem)}{suffix}"


class ArchiveReader(Reader):
    name = "archive"
    extensions = (".zip",)

    def sniff(self, head: bytes, path: Path) -> bool:
        if not head.startswith(ZIP_MAGIC):
            return False
        names = zip_names(path, head)
        return not any(n in names for n in OOXML)

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        from pipeline.ingest.api import read_source

        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ReadFailure(Status.CORRUPT, f"not a readable zip: {exc}") from None
        docs = []
        skipped: list[dict[str, str]] = []
        pages = 0
        with zf, tempfile.TemporaryDirectory(prefix="vawg-zip-") as tmpdir:
            if "mimetype" in zf.namelist() and zf.read("mimetype")[:40].startswith(b"application/vnd.oasis"):
                raise ReadFailure(Status.UNSUPPORTED, "OpenDocument file: save it as .docx or .xlsx")
            infos = [i for i in zf.infolist() if not i.is_dir()]
            _check_bomb(infos, options)
            for index, info in enumerate(infos):
                parts = PurePosixPath(info.filename.replace("\\", "/")).parts
                if any(
                    (p.startswith(".") and p.strip(".")) or p == "__MACOSX" for p in parts
                ):  # hidden, not ".."
                    continue
                label = f"{path}!{info.filename}"
                dest = _member_file(Path(tmpdir), index, info.filename)
                try:
                    _extract(zf, info, options.passwords, dest)
                    with open(dest, "rb") as fh:
                        head = fh.read(4096)
                    if head.startswith(ZIP_MAGIC) and self.sniff(head, dest):
                        raise ReadFailure(Status.UNSUPPORTED, "nested archive not opened")
                except ReadFailure as failure:
                    skipped.append(
                        {"member": info.filename, "status": failure.status.value, "reason": failure.reason}
                    )
                    continue
                except MEMBER_ERRORS as exc:
                    skipped.append({"member": info.filename, "status": "corrupt", "reason": str(exc)[:200]})
                    continue
                outcome = read_source(dest, options, id_prefix=f"{source_id}--", label=label)
                dest.unlink(missing_ok=True)
                if not outcome.documents:
                    skipped.append(
                        {"member": info.filename, "status": outcome.status.value, "reason": outcome.reason}
                    )
                    continue
                pages += outcome.pages
                for doc in outcome.documents:
                    doc.meta.update(archive=str(path), archive_sha256=sha256, member=info.filename)
                docs.extend(outcome.documents)
        if skipped:
            for doc in docs:
                doc.meta["archive_skipped"] = skipped
        summary = "; ".join(f"{s['member']}: {s['status']} ({s['reason']})" for s in skipped[:5])
        if not docs:
            if not skipped:
                raise ReadFailure(Status.EMPTY, "no files in the archive")
            statuses = {s["status"] for s in skipped}
            status = Status(statuses.pop()) if len(statuses) == 1 else Status.CORRUPT
            raise ReadFailure(status, f"no member gave text: {summary}")
        reason = f"{len(skipped)} of {len(infos)} members skipped: {summary}" if skipped else ""
        return SourceResult(Status.OK, reason=reason, pages=pages, documents=docs)


register(ArchiveReader())
