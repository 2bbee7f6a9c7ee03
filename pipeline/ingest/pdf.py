"""PDF reader: pdfium text layer in reading order, pdfplumber for ruled tables, Tesseract for scans.

Per page, the method recorded in `meta["methods"]` is one of:
- "text": pdfium's text runs (`pdf_text`) laid out by `pdf_layout.reading_order` (columns, rotation);
- "layout": a page with ruled tables, read with pdfplumber (tables as "a | b" rows);
- "ocr": an image-only page (or a picture under a short stamp) rendered at `options.ocr_dpi`
  and read by Tesseract;
- "skipped_ocr": an image-only page left empty because OCR is off or unavailable;
- "empty": nothing on the page (or the page could not be parsed).
Filled-in form fields are flattened into the page first so their values are read too.
Cleaning (ligatures, quotes, hyphens, running heads) is `pipeline.ingest.clean`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.ingest.base import Reader, ReadFailure, ReadOptions, SourceResult, Status, register
from pipeline.ingest.clean import clean_pages
from pipeline.ingest.ocr import OcrUnavailable, ocr_image
from pipeline.ingest.pdf_layout import reading_order
from pipeline.ingest.pdf_tables import table_page
from pipeline.ingest.pdf_text import page_lines
from pipeline.records import Document, join_pages

MIN_TEXT_CHARS = 10  # fewer visible characters than this on a page with images: treat as a scan
STAMP_TEXT_CHARS = 100  # a page mostly covered by a picture with less text than this (a stamp, a
SCAN_COVERAGE = 0.6  # Bates number) is a scan too: OCR reads the picture and the stamp alike
MAX_RENDER_PIXELS = 60_000_000  # cap on a page render for OCR (very large pages get a lower dpi)
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
    error: str = ""  # why the page could not be parsed
    skip_reason: str = ""  # why an image-only page was not OCR'd


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


def _init_forms(pdf: Any) -> None:
    """Load the interactive form, if any, so filled-in field values can be read."""
    try:
        pdf.init_forms()
    except Exception:
        pass


def _page_with_form_values(pdf: Any, index: int) -> Any:
    """The page, with filled-in form fields flattened into its content so their text is read."""
    page = pdf[index]
    if getattr(pdf, "formenv", None) is None:
        return page
    raw_page = page.raw
    widgets = any(
        pdfium_c.FPDFAnnot_GetSubtype(pdfium_c.FPDFPage_GetAnnot(raw_page, j)) == pdfium_c.FPDF_ANNOT_WIDGET
        for j in range(pdfium_c.FPDFPage_GetAnnotCount(raw_page))
    )
    if not widgets:
        return page
    try:
        page.flatten()
    except Exception:
        return page
    page.close()
    return pdf[index]  # a flattened page must be loaded again


def _image_coverage(page: Any) -> float:
    """Share of the page area under pictures (overlaps counted twice, capped at 1)."""
    width, height = page.get_size()
    area = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        area += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
    return min(1.0, area / max(width * height, 1.0))


def _has_image(page: Any) -> bool:
    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3))


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
            _init_forms(pdf)
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
            if not t.strip() and o.method in ("text", "layout"):
                o.method = "empty"
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
            meta["skipped_ocr_reason"] = next(o.skip_reason for o in outs if o.method == "skipped_ocr")
        text_methods = {m for m, ok in zip(methods, has_text, strict=True) if ok}
        status = Status.OCR if text_methods == {"ocr"} else Status.OK
        doc = Document(id=source_id, text=text, pages=pages, meta=meta)
        return SourceResult(status=status, reason=_partial_reason(outs), pages=n_pages, documents=[doc])

    def _page(self, pdf: Any, index: int, options: ReadOptions, plumber: _Plumber) -> PageOut:
        out = PageOut()
        page = textpage = None
        try:
            page = _page_with_form_values(pdf, index)
            textpage = page.get_textpage()
            lines, quadrant, visible = page_lines(page, textpage)
            out.rotated = quadrant
            paths, images = _object_counts(page)
            if visible < MIN_TEXT_CHARS and (images or _has_image(page)):
                return self._ocr(page, options, out)
            if visible < STAMP_TEXT_CHARS and images and _image_coverage(page) >= SCAN_COVERAGE:
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
        finally:
            for handle in (textpage, page):  # free pdfium memory page by page on long files
                if handle is not None:
                    handle.close()
        return out

    def _ocr(self, page: Any, options: ReadOptions, out: PageOut) -> PageOut:
        if not options.ocr:
            out.method, out.skip_reason = "skipped_ocr", "OCR is off"
            return out
        try:
            width, height = page.get_size()
            scale = min(options.ocr_dpi / 72.0, (MAX_RENDER_PIXELS / max(width * height, 1.0)) ** 0.5)
            image = page.render(scale=scale, grayscale=True).to_pil()
            result = ocr_image(image, options.ocr_lang)
        except OcrUnavailable as exc:
            out.method, out.skip_reason = "skipped_ocr", str(exc)
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

                # pdfminer logs every repaired oddity of a damaged file; the outcome is what counts.
                logging.getLogger("pdfminer").setLevel(logging.ERROR)
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


def _partial_reason(outs: list[PageOut]) -> str:
    """A note for the manifest when some pages could not be read, else ""."""
    notes = []
    skipped = [o for o in outs if o.method == "skipped_ocr"]
    if skipped:
        notes.append(f"{len(skipped)} of {len(outs)} pages image-only, not OCR'd ({skipped[0].skip_reason})")
    failed = [o for o in outs if o.error]
    if failed:
        notes.append(f"{len(failed)} of {len(outs)} pages unreadable ({failed[0].error})")
    return "; ".join(notes)


def _empty_reason(outs: list[PageOut]) -> str:
    skipped = [o for o in outs if o.method == "skipped_ocr"]
    if skipped:
        return f"image-only pages and no text ({skipped[0].skip_reason})"
    if any(o.method == "ocr" for o in outs):
        return "OCR found no text on the image-only pages"
    errors = [o.error for o in outs if o.error]
    if errors and len(errors) == len(outs):
        raise ReadFailure(Status.CORRUPT, f"no page could be parsed ({errors[0]})")
    return "no text layer and no images to OCR"


register(PdfReader())
