"""Small helpers shared by the non-PDF readers: decoding bytes, newlines, metadata, zip sniffing."""

from __future__ import annotations

import codecs
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from pipeline.ingest.base import ReadFailure, Status

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SLUG = re.compile(r"[^A-Za-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def slug(value: object, limit: int = 60) -> str:
    """A readable id fragment: letters and digits joined by '-'."""
    return _SLUG.sub("-", str(value)).strip("-")[:limit] or "x"


_WESTERN = ("cp1250", "cp1252", "latin_1", "iso8859_2", "iso8859_15", "iso8859_9", "mac_roman", "cp1254")


def _utf16_without_bom(sample: bytes) -> str | None:
    """utf-16-le/be when every other byte of the sample is mostly NUL (ASCII text in UTF-16)."""
    even, odd = sample[0::2], sample[1::2]
    if odd and odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even and even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text of unknown encoding: BOM, strict UTF-8, then a guess (Windows-1252 for Western text).

    Returns (text, encoding). Raises ReadFailure(UNSUPPORTED) for binary content.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    if b"\x00" in data[:8192]:
        wide = _utf16_without_bom(data[:8192])
        if wide is None:
            raise ReadFailure(Status.UNSUPPORTED, "binary content, not text")
        return data.decode(wide, errors="replace"), wide
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[: 1 << 20]).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding in _WESTERN:  # UK case files: Windows-1252 unless it cannot be
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(encoding, errors="replace"), encoding
    except LookupError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def normalise_newlines(text: str) -> str:
    """CRLF and CR become LF; stray control characters (not tab, LF, FF) are dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def looks_like_text(head: bytes) -> bool:
    """True when the first bytes decode as text without NULs (a cheap sniff)."""
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 4  # a multi-byte character cut at the end of the sample


@lru_cache(maxsize=64)
def _zip_names(path: str, mtime_ns: int, size: int) -> frozenset[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return frozenset(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return frozenset()


def zip_names(path: Path, head: bytes) -> frozenset[str]:
    """Member names of a zip file (empty when `head` is not a zip or it cannot be opened)."""
    if not head.startswith(ZIP_MAGIC):
        return frozenset()
    try:
        st = path.stat()
    except OSError:
        return frozenset()
    return _zip_names(str(path), st.st_mtime_ns, st.st_size)


def base_meta(path: Path, sha256: str, reader: str, **extra: Any) -> dict[str, Any]:
    """Provenance every document carries."""
    meta: dict[str, Any] = {"source": str(path), "sha256": sha256, "reader": reader}
    meta.update({k: v for k, v in extra.items() if v is not None})
    return meta
