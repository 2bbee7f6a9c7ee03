"""OCR of page images with Tesseract (through pytesseract): text lines and mean word confidence.

A missing tesseract binary raises `OcrUnavailable` with an install hint instead of crashing.
When the first pass reads poorly, Tesseract's orientation detection is asked whether the scan
lies sideways or upside down, and the page is read again turned upright.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image

RETRY_BELOW_CONFIDENCE = 55.0
MAX_PIXELS = 40_000_000  # larger renders are scaled down before OCR


class OcrUnavailable(Exception):
    """Tesseract cannot be run (binary or language data missing)."""


@dataclass
class OcrResult:
    lines: list[str]
    confidence: float | None  # mean word confidence 0-100; None when no words were found
    words: int


@lru_cache(maxsize=1)
def tesseract_version() -> str | None:
    """The installed Tesseract version, or None when the binary is not there."""
    if shutil.which("tesseract") is None:
        return None
    try:
        import pytesseract

        return str(pytesseract.get_tesseract_version())
    except Exception:
        return None


def _read(img: Image.Image, lang: str) -> OcrResult:
    import pytesseract

    try:
        data = pytesseract.image_to_data(img, lang=lang, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable("tesseract is not installed (apt-get install tesseract-ocr)") from exc
    except pytesseract.TesseractError as exc:
        raise OcrUnavailable(f"tesseract failed: {str(exc.message).strip()[:200]}") from exc
    lines: list[str] = []
    confs: list[float] = []
    current: tuple[int, int, int] | None = None
    words: list[str] = []
    last_block: tuple[int, int] | None = None
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        if key != current:
            if words:
                lines.append(" ".join(words))
            words = []
            if last_block is not None and key[:2] != last_block:
                lines.append("")
            current, last_block = key, key[:2]
        words.append(word)
        confs.append(conf)
    if words:
        lines.append(" ".join(words))
    mean = round(sum(confs) / len(confs), 1) if confs else None
    return OcrResult(lines, mean, len(confs))


def _orientation(img: Image.Image) -> int:
    """Degrees to turn the image clockwise so its text stands upright (0 when unsure)."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(img, output_type=pytesseract.Output.DICT)
    except Exception:
        return 0
    rotate = int(osd.get("rotate", 0) or 0)
    return rotate if float(osd.get("orientation_conf", 0) or 0) >= 1.0 else 0


def ocr_image(img: Image.Image, lang: str = "eng") -> OcrResult:
    """Read the text of one page image."""
    if tesseract_version() is None:
        raise OcrUnavailable("tesseract is not installed (apt-get install tesseract-ocr)")
    if img.width * img.height > MAX_PIXELS:
        factor = (MAX_PIXELS / (img.width * img.height)) ** 0.5
        img = img.resize((max(1, int(img.width * factor)), max(1, int(img.height * factor))))
    result = _read(img, lang)
    if result.confidence is None or result.confidence < RETRY_BELOW_CONFIDENCE:
        turn = _orientation(img)
        if turn:
            again = _read(img.rotate(-turn, expand=True), lang)
            if again.words and (result.confidence or 0.0) < (again.confidence or 0.0):
                return again
    return result
