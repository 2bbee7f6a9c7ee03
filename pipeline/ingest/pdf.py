"""PDF reader: pdfium text layer in reading order, pdfplumber for ruled tables, Tesseract for scans.

Per page, the method recorded in `meta["methods"]` is one of:
- "text": pdfium's text runs laid out by `pdf_layout.reading_order` (columns, rotation);
- "layout": a page with ruled tables, read with pdfplumber (tables as "a | b" rows);
- "ocr": an image-only page rendered at `options.ocr_dpi` and read by Tesseract;
- "skipped_ocr": an image-only page left empty because OCR is off or unavailable;
- "empty": nothing on the page (or the page could not be parsed).
Cleaning (ligatures, quotes, hyphens, running heads) is `pipeline.ingest.clean`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.ingest.base import Reader, ReadFailure, ReadOptions, SourceResult, Status, register
from pipeline.ingest.clean import clean_pages
from pipeline.ingest.ocr import OcrUnavailable, ocr_image
from pipeline.ingest.pdf_layout import Segment, reading_order, to_frame
from pipeline.ingest.pdf_tables import table_page
from pipeline.records import Document, join_pages

MIN_TEXT_CHARS = 10  # fewer visible characters than this on a page with images: treat as a scan
TABLE_PATHS = 6  # a page with at least this many vector paths may hold a ruled table
MAX_TABLE_PATHS = 2000  # beyond this (maps, vectorised scans) table analysis is too slow to be worth it
_META_KEYS = {"Title": "title", "Author": "author", "Subject": "subject", "Creator": "creator",
              "Producer": "producer", "CreationDate": "created", "ModDate": "modified"}
_PLACEHOLDERS = {"untitled", "anonymous", "unknown", "unspecified", "none", "null"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]")


@dataclass
class PageOut:
    lines: list[str] = field(default_factory=list)
    method: str = "empty"
    confidence: float | None = None
    tables: list[list[list[str]]] = field(default_factory=list)
    rotated: int = 0  # quarter turns of the main text
    error: str = ""


def _quadrant(textpage: Any, index: int) -> int | None:
    if index < 0:
        return None
    angle = pdfium_c.FPDFText_GetCharAngle(textpage, index)
    if angle < 0:
        return None
    # pdfium measures the angle clockwise; the frame code counts quarter turns anticlockwise.
    return (4 - round(math.degrees(angle) / 90.0)) % 4


Box = tuple[float, float, float, float]
Run = tuple[Box, str, "int | None"]
# pdfium joins a line ending in a hyphen to the next one, marking the hyphen as U+FFFE.
_LINE_BREAK = re.compile("\r\n|\r|\n|(?<=\ufffe)")
_WORD = re.compile(r"\S+")


def _runs_bounded(textpage: Any) -> list[Run]:
    """Text runs from pdfium's rectangles, each read with a bounded-text query (slow but general)."""
    runs: list[Run] = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top)
        if not text.strip():
            continue
        idx = pdfium_c.FPDFText_GetCharIndexAtPos(
            textpage, (left + right) / 2, (bottom + top) / 2, max((right - left) / 2, 1.0),
            max((top - bottom) / 2, 1.0))
        runs.append(((left, bottom, right, top), text, _quadrant(textpage, idx)))
    return runs


def _runs_by_line(textpage: Any) -> list[Run] | None:
    """Text runs from pdfium's own lines: one rectangle query per line, words placed by char box.

    Most lines are one run, so the page text is fetched once instead of once per run. Returns
    None when the text does not map one-to-one onto pdfium's character indices.
    """
    n = textpage.count_chars()
    full = textpage.get_text_range(0, n) if n > 0 else ""
    if len(full) != n:
        return None
    runs: list[Run] = []
    start = 0
    for brk in [*_LINE_BREAK.finditer(full), None]:
        end = brk.start() if brk else n
        line = full[start:end]
        first = len(line) - len(line.lstrip())
        if line.strip():
            count = textpage.count_rects(start, end - start)
            boxes = [textpage.get_rect(j) for j in range(count)]
            quadrant = _quadrant(textpage, start + first)
            if len(boxes) == 1:
                runs.append((boxes[0], line, quadrant))
            elif boxes:
                runs.extend((box, text, quadrant) for box, text in _split_line(textpage, start, line, boxes))
        start = brk.end() if brk else n
    return runs


def _split_line(textpage: Any, offset: int, line: str, boxes: list[Box]) -> list[tuple[Box, str]]:
    """Share a line's words among its rectangles by where each word's first character lies."""
    buckets: list[list[str]] = [[] for _ in boxes]
    for m in _WORD.finditer(line):
        left, bottom, right, top = textpage.get_charbox(offset + m.start())
        cx, cy = (left + right) / 2, (bottom + top) / 2
        best = min(range(len(boxes)), key=lambda j: _distance(boxes[j], cx, cy))
        buckets[best].append(m.group())
    return [(box, " ".join(words)) for box, words in zip(boxes, buckets, strict=True) if words]


def _distance(box: Box, x: float, y: float) -> float:
    left, bottom, right, top = box
    dx = max(left - x, 0.0, x - right)
    dy = max(bottom - y, 0.0, y - top)
    return dx * dx + dy * dy


def text_segments(textpage: Any) -> dict[int, list[tuple[Box, str]]]:
    """pdfium's text runs (user-space box, text) grouped by quarter turns of their characters."""
    runs = _runs_by_line(textpage)
    if runs is None:
        runs = _runs_bounded(textpage)
    votes: Counter[int] = Counter()
    for _, text, q in runs:
        if q is not None:
            votes[q] += len(text)
    main = votes.most_common(1)[0][0] if votes else 0
    groups: dict[int, list[tuple[Box, str]]] = {}
    for box, text, q in runs:
        groups.setdefault(main if q is None else q, []).append((box, text))
    return dict(sorted(groups.items(), key=lambda kv: -sum(len(t) for _, t in kv[1])))


def _object_counts(page: Any) -> tuple[int, int]:
    """(vector paths, images) among a page's top-level objects."""
    raw_page = page.raw
    paths = images = 0
    for j in range(pdfium_c.FPDFPage_CountObjects(raw_page)):
        kind = pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(raw_page, j))
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
            if paths > MAX_TABLE_PATHS:
                break
        elif kind in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
            images += 1
    return paths, images


def _has_image(page: Any) -> bool:
    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3))


def page_lines(page: Any, textpage: Any) -> tuple[list[str], int, int]:
    """Lines of a page's text layer in reading order, the main text's quarter turns and char count."""
    groups = text_segments(textpage)
    left, bottom, right, top = page.get_mediabox()
    lines: list[str] = []
    main = next(iter(groups), 0)
    visible = 0
    for quadrant, runs in groups.items():
        segs = [Segment(*to_frame(*box, quadrant), text) for box, text in runs]
        visible += sum(len(s.text.strip()) for s in segs)
        frame = to_frame(left, bottom, right, top, quadrant)
        part = reading_order(segs, frame[1], frame[3])
        if lines and part:
            lines.append("")
        lines.extend(part)
    return lines, main, visible


class PdfReader(Reader):
    """Reads PDF files into one Document each (see the module docstring for page methods)."""

    name = "pdf"
    extensions = (".pdf",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return b"%PDF-" in head[:1024]

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        try:
            return self._read(path, options, source_id=source_id, sha256=sha256)
        except ReadFailure:
            raise
        except MemoryError:
            raise ReadFailure(Status.TOO_LARGE, "out of memory while reading the PDF") from None
        except Exception as exc:  # a reader never lets a library error escape
            raise ReadFailure(Status.CORRUPT, f"unreadable PDF: {type(exc).__name__}: {exc}") from None

    def _read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        pdf, password = open_pdf(path, options.passwords)
        try:
            n_pages = len(pdf)
            if n_pages == 0:
                raise ReadFailure(Status.EMPTY, "PDF has no pages")
            plumber = _Plumber(path, password)
            try:
                outs = [self._page(pdf, i, options, plumber) for i in range(n_pages)]
            finally:
                plumber.close()
            meta_pdf = pdf_metadata(pdf)
            encrypted = pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1
        finally:
            pdf.close()
        texts = clean_pages([o.lines for o in outs])
        for o, t in zip(outs, texts, strict=True):
            if not t.strip() and o.method in ("text", "layout", "ocr"):
                o.method = "empty" if o.method != "ocr" else "ocr"
        methods = [o.method for o in outs]
        has_text = [bool(t.strip()) for t in texts]
        if not any(has_text):
            raise ReadFailure(Status.EMPTY, _empty_reason(outs))
        text, pages = join_pages(texts)
        meta: dict[str, Any] = {
            "source": str(path), "sha256": sha256, "type": "pdf", "page_count": n_pages,
            "methods": methods,
            "ocr_confidence": [o.confidence if o.method == "ocr" else None for o in outs],
            "tables": [{"page": i + 1, "rows": rows} for i, o in enumerate(outs) for rows in o.tables],
        }
        meta.update(meta_pdf)
        if encrypted:
            meta["decrypted"] = True
        rotated = [i + 1 for i, o in enumerate(outs) if o.rotated]
        if rotated:
            meta["rotated_pages"] = rotated
        errors = [f"page {i + 1}: {o.error}" for i, o in enumerate(outs) if o.error]
        if errors:
            meta["page_errors"] = errors[:20]
        if "skipped_ocr" in methods:
            meta["skipped_ocr_reason"] = next(o.error for o in outs if o.method == "skipped_ocr")
        text_methods = {m for m, ok in zip(methods, has_text, strict=True) if ok}
        status = Status.OCR if text_methods == {"ocr"} else Status.OK
        doc = Document(id=source_id, text=text, pages=pages, meta=meta)
        return SourceResult(status=status, reason="", pages=n_pages, documents=[doc])

    def _page(self, pdf: Any, index: int, options: ReadOptions, plumber: _Plumber) -> PageOut:
        out = PageOut()
        try:
            page = pdf[index]
            textpage = page.get_textpage()
            lines, quadrant, visible = page_lines(page, textpage)
            out.rotated = quadrant
            paths, images = _object_counts(page)
            if visible < MIN_TEXT_CHARS and (images or _has_image(page)):
                return self._ocr(page, options, out)
            out.lines, out.method = lines, "text" if lines else "empty"
            if TABLE_PATHS <= paths <= MAX_TABLE_PATHS:
                tp = plumber.table_page(index)
                if tp is not None:
                    out.lines = reading_order(tp.segments, tp.top, tp.bottom)
                    out.tables, out.method = tp.tables, "layout"
        except ReadFailure:
            raise
        except Exception as exc:
            out.error = f"{type(exc).__name__}: {exc}"[:200]
        return out

    def _ocr(self, page: Any, options: ReadOptions, out: PageOut) -> PageOut:
        if not options.ocr:
            out.method, out.error = "skipped_ocr", "OCR is off"
            return out
        try:
            image = page.render(scale=options.ocr_dpi / 72.0, grayscale=True).to_pil()
            result = ocr_image(image, options.ocr_lang)
        except OcrUnavailable as exc:
            out.method, out.error = "skipped_ocr", str(exc)
            return out
        out.lines, out.confidence, out.method = result.lines, result.confidence, "ocr"
        return out


class _Plumber:
    """pdfplumber opened lazily, only when a page needs table analysis."""

    def __init__(self, path: Path, password: str | None) -> None:
        self.path, self.password = path, password
        self.pdf: Any = None
        self.failed = False

    def table_page(self, index: int) -> Any:
        if self.failed:
            return None
        try:
            if self.pdf is None:
                import pdfplumber

                self.pdf = pdfplumber.open(self.path, password=self.password or "")
            page = self.pdf.pages[index]
            try:
                return table_page(page)
            finally:
                page.close()
        except Exception:
            self.failed = self.pdf is None
            return None

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def open_pdf(path: Path, passwords: list[str]) -> tuple[Any, str | None]:
    """Open with no password, an empty one, then each given one; raise ReadFailure when none works."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadFailure(Status.CORRUPT, f"cannot open file: {exc.strerror}") from None
    if size == 0:
        raise ReadFailure(Status.EMPTY, "empty file (0 bytes)")
    for password in [None, "", *passwords]:
        try:
            return pdfium.PdfDocument(str(path), password=password), password
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) != pdfium_c.FPDF_ERR_PASSWORD:
                raise ReadFailure(Status.CORRUPT, f"not a readable PDF ({_pdfium_reason(exc)})") from None
    if passwords:
        raise ReadFailure(Status.ENCRYPTED, "encrypted: none of the given passwords opens it")
    raise ReadFailure(Status.ENCRYPTED, "encrypted: no matching password (use --password)")


def _pdfium_reason(exc: Exception) -> str:
    code = getattr(exc, "err_code", None)
    names = {pdfium_c.FPDF_ERR_FILE: "file not found or unreadable", pdfium_c.FPDF_ERR_FORMAT: "bad format",
             pdfium_c.FPDF_ERR_SECURITY: "unsupported security scheme"}
    first = str(exc).splitlines()[0] if str(exc) else "pdfium error"
    return names.get(code, first) if code is not None else first


def pdf_metadata(pdf: Any) -> dict[str, str]:
    """Title, author and similar from the document info, as short single-line strings."""
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
    except Exception:
        return {}
    out: dict[str, str] = {}
    for key, name in _META_KEYS.items():
        value = " ".join(_UNSAFE.sub(" ", str(info.get(key, ""))).split())[:300]
        if value and value.lower() not in _PLACEHOLDERS:
            out[name] = value
    return out


def _empty_reason(outs: list[PageOut]) -> str:
    skipped = [o for o in outs if o.method == "skipped_ocr"]
    if skipped:
        return f"image-only pages and no text ({skipped[0].error})"
    if any(o.method == "ocr" for o in outs):
        return "OCR found no text on the image-only pages"
    errors = [o.error for o in outs if o.error]
    if errors and len(errors) == len(outs):
        raise ReadFailure(Status.CORRUPT, f"no page could be parsed ({errors[0]})")
    return "no text layer and no images to OCR"


register(PdfReader())
