"""Build small PDFs of known content with reportlab, for reader tests, samples and benchmarks.

Everything is drawn line by line on a canvas so tests know exactly which words sit on which
line, page and column. Fonts come from reportlab's own package (Vera), so no system fonts are
needed; image-only pages are drawn with Pillow in the same font and embedded as a picture.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import reportlab
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
VERA_BOLD = Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"
PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN = 56.0


def _fonts() -> None:
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", str(VERA)))
        pdfmetrics.registerFont(TTFont("VeraBd", str(VERA_BOLD)))


@dataclass
class Builder:
    """A canvas with helpers for lines, columns, tables, running heads and image-only pages."""

    path: Path
    header: str | None = None
    footer: str | None = None  # may hold "{page}" and "{pages}"
    pages_total: int = 0
    title: str | None = None
    author: str | None = None
    page_no: int = 0
    canvas: canvas.Canvas = field(init=False)

    def __post_init__(self) -> None:
        _fonts()
        self.canvas = canvas.Canvas(str(self.path), pagesize=(PAGE_W, PAGE_H), invariant=1)
        if self.title:
            self.canvas.setTitle(self.title)
        if self.author:
            self.canvas.setAuthor(self.author)
        self._open_page()

    def _open_page(self) -> None:
        self.page_no += 1
        c = self.canvas
        c.setFont("Vera", 8)
        if self.header:
            c.drawString(MARGIN, PAGE_H - 30, self.header)
        if self.footer:
            text = self.footer.format(page=self.page_no, pages=self.pages_total or "?")
            c.drawCentredString(PAGE_W / 2, 28, text)

    def new_page(self, rotate: int = 0) -> None:
        self.canvas.showPage()
        self._open_page()
        self.canvas.setPageRotation(rotate)

    def lines(
        self, lines: Sequence[str], x: float = MARGIN, top: float = PAGE_H - 80, size: float = 10.5,
        leading: float = 14.0, font: str = "Vera",
    ) -> float:
        """Draw one string per line from `top` down; return the y below the last line."""
        c = self.canvas
        c.setFont(font, size)
        y = top
        for line in lines:
            if line:
                c.drawString(x, y, line)
            y -= leading
        return y

    def paragraphs(
        self, paras: Sequence[str], top: float, x: float = MARGIN, width: float = PAGE_W - 2 * MARGIN,
        size: float = 10.5, leading: float = 14.0,
    ) -> float:
        """Word-wrapped paragraphs with a blank line between them; returns the y below the last."""
        y = top
        for para in paras:
            y = self.lines(wrap(para, width, size), x=x, top=y, size=size, leading=leading) - leading * 0.6
        return y

    def heading(self, text: str, top: float, size: float = 14.0) -> float:
        return self.lines([text], top=top, size=size, font="VeraBd", leading=size + 10)

    def columns(self, left: Sequence[str], right: Sequence[str], top: float, gap: float = 24.0) -> float:
        """Two columns; the left one is drawn completely before the right one."""
        width = (PAGE_W - 2 * MARGIN - gap) / 2
        y1 = self.lines(left, x=MARGIN, top=top)
        y2 = self.lines(right, x=MARGIN + width + gap, top=top)
        return min(y1, y2)

    def columns_interleaved(self, left: Sequence[str], right: Sequence[str], top: float) -> float:
        """Two columns drawn row by row (left line, right line, ...): content order is not reading order."""
        c = self.canvas
        c.setFont("Vera", 10.5)
        y = top
        for i in range(max(len(left), len(right))):
            if i < len(left):
                c.drawString(MARGIN, y, left[i])
            if i < len(right):
                c.drawString(PAGE_W / 2 + 12, y, right[i])
            y -= 14
        return y

    def table(
        self, rows: Sequence[Sequence[str]], top: float, widths: Sequence[float], row_h: float = 18
    ) -> float:
        """A ruled table: grid lines plus one string per cell."""
        c = self.canvas
        x0 = MARGIN
        xs = [x0]
        for w in widths:
            xs.append(xs[-1] + w)
        ys = [top - i * row_h for i in range(len(rows) + 1)]
        c.setLineWidth(0.6)
        for y in ys:
            c.line(xs[0], y, xs[-1], y)
        for x in xs:
            c.line(x, ys[0], x, ys[-1])
        for r, row in enumerate(rows):
            c.setFont("VeraBd" if r == 0 else "Vera", 9)
            for k, cell in enumerate(row):
                c.drawString(xs[k] + 4, ys[r] - row_h + 5, cell)
        return ys[-1] - 14

    def rotated_lines(self, lines: Sequence[str], angle: int = 90) -> None:
        """Text drawn turned by `angle` degrees on a portrait page (as if the sheet was laid sideways)."""
        c = self.canvas
        c.saveState()
        if angle == 90:
            c.translate(PAGE_W - MARGIN, MARGIN)
        else:
            c.translate(MARGIN, PAGE_H - MARGIN)
        c.rotate(angle)
        c.setFont("Vera", 11)
        y = 0.0
        for line in lines:
            c.drawString(0, -y - 14 if angle == 90 else y - 14, line)
            y += 16
        c.restoreState()

    def landscape_page(self, lines: Sequence[str]) -> None:
        """Start a page with /Rotate 90 whose content is drawn so that it reads upright when displayed."""
        self.canvas.showPage()
        self.page_no += 1
        c = self.canvas
        c.setPageRotation(90)
        c.saveState()
        # Displayed page = stored page turned 90 degrees clockwise; draw text along +y.
        c.translate(MARGIN, MARGIN)
        c.rotate(90)
        c.setFont("Vera", 11)
        for i, line in enumerate(lines):
            c.drawString(0, -20 - 16 * i, line)
        c.restoreState()

    def image_page(self, lines: Sequence[str], dpi: int = 200, font_pt: float = 13.0, turn: int = 0) -> None:
        """Draw the lines into a picture (no text layer) and place it on the current page.

        `turn` rotates the picture anticlockwise first, like a sheet fed into the scanner sideways.
        """
        img = render_text_image(lines, dpi=dpi, font_pt=font_pt)
        if turn:
            img = img.rotate(turn, expand=True)
        self.canvas.drawImage(ImageReader(img), 0, 0, PAGE_W, PAGE_H)

    def save(self) -> Path:
        self.canvas.showPage()
        self.canvas.save()
        return self.path


def wrap(text: str, width: float, size: float = 10.5, font: str = "Vera") -> list[str]:
    """Greedy word wrap to `width` points in the given font."""
    _fonts()
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and pdfmetrics.stringWidth(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def render_text_image(lines: Sequence[str], dpi: int = 200, font_pt: float = 13.0) -> Image.Image:
    """A white A4 picture with black lines of text, as a scanner would give."""
    scale = dpi / 72.0
    img = Image.new("L", (int(PAGE_W * scale), int(PAGE_H * scale)), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(VERA), int(font_pt * scale))
    y = MARGIN * scale
    for line in lines:
        draw.text((MARGIN * scale, y), line, fill=0, font=font)
        y += font_pt * 1.6 * scale
    return img


def image_only_pdf(path: Path, pages: Sequence[Sequence[str]]) -> Path:
    """A PDF whose every page is a picture of the given lines."""
    b = Builder(path)
    for i, lines in enumerate(pages):
        if i:
            b.new_page()
        b.image_page(lines)
    return b.save()


def png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def encrypted_pdf(path: Path, lines: Sequence[str], password: str) -> Path:
    """A one-page PDF with a user password."""
    _fonts()
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), encrypt=password, invariant=1)
    c.setFont("Vera", 11)
    for i, line in enumerate(lines):
        c.drawString(MARGIN, PAGE_H - 80 - 16 * i, line)
    c.showPage()
    c.save()
    return path


# --- Documents of known content used by the reader tests -------------------------------------

REPORT_HEADER = "Northshire Constabulary - Protective Measures Review"
REPORT_FOOTER = "Page {page} of {pages}"
LEFT_COLUMN = [
    "Officers attending the first call",
    "recorded the risk as medium and",
    "did not consider a DVPN at the",
    "scene although the suspect had",
    "breached bail twice before.",
]
RIGHT_COLUMN = [
    "The custody sergeant released",
    "the suspect under investigation",
    "without conditions; the victim",
    "was not told of the decision",
    "until four days later.",
]
TABLE_ROWS = [
    ["Measure", "Used", "Breached"],
    ["DVPN", "14", "3"],
    ["Bail conditions", "52", "11"],
    ["Non-molestation order", "9", "4"],
]


def report_pdf(path: Path) -> Path:
    """Three pages with running head and numbered footer: prose, two columns, then a ruled table.

    Page 1 has a word split at a line end ("protec-" / "tion"), a real compound split after its
    hyphen ("non-" / "molestation"), ligatures (U+FB01, U+FB02) and curly quotes.
    """
    b = Builder(path, header=REPORT_HEADER, footer=REPORT_FOOTER, pages_total=3,
                title="Protective Measures Review", author="Inspection Team")
    b.heading("1. Summary", top=PAGE_H - 80)
    b.lines([
        "The force applied for a domestic violence protec-",
        "tion notice in fewer cases than expected and the",
        "\ufb01rst review found that a non-",
        "molestation order was in place in six \ufb02agged cases.",
        "Officers described the victim as \u201cterri\ufb01ed\u201d \u2014 a word the report",
        "uses again when it discusses the non-molestation order breaches.",
    ], top=PAGE_H - 110)
    b.new_page()
    b.heading("2. Attendance and custody", top=PAGE_H - 80)
    b.columns(LEFT_COLUMN, RIGHT_COLUMN, top=PAGE_H - 120)
    b.new_page()
    b.heading("3. Figures", top=PAGE_H - 80)
    b.table(TABLE_ROWS, top=PAGE_H - 110, widths=[170, 70, 80])
    b.lines(["Figures are for the twelve months to March."], top=PAGE_H - 220)
    return b.save()


def interleaved_columns_pdf(path: Path) -> Path:
    """One page whose two columns are drawn row by row, so content order is not reading order."""
    b = Builder(path)
    b.heading("Case review", top=PAGE_H - 80)
    b.columns_interleaved(LEFT_COLUMN, RIGHT_COLUMN, top=PAGE_H - 120)
    return b.save()


ROTATED_LINES = ["Rotated page about bail conditions", "and a domestic violence protection order."]
SIDEWAYS_LINES = ["Sideways text about a breach of the", "non-molestation order and an arrest."]


def rotated_pdf(path: Path) -> Path:
    """Page 1 upright; page 2 has /Rotate 90 with upright-reading content; page 3 text drawn sideways."""
    b = Builder(path)
    b.lines(["An upright first page about the custody record."])
    b.landscape_page(ROTATED_LINES)
    b.new_page()
    b.rotated_lines(SIDEWAYS_LINES, angle=90)
    return b.save()


SCANNED_LINES = [
    "Custody note 14 March",
    "Suspect released under investigation",
    "No bail conditions were considered",
    "Victim informed by telephone",
]


def scanned_pdf(path: Path, text_page_first: bool = False, stamp: str = "", turn: int = 0) -> Path:
    """An image-only page of SCANNED_LINES, optionally after an ordinary text page.

    `stamp` adds a short line of real text over the picture, as bundle stamps and Bates numbers do.
    """
    b = Builder(path)
    if text_page_first:
        b.lines(["Typed covering letter for the custody file."])
        b.new_page()
    b.image_page(SCANNED_LINES, turn=turn)
    if stamp:
        b.canvas.setFont("Vera", 9)
        b.canvas.drawString(MARGIN, 20, stamp)
    return b.save()


def form_pdf(path: Path, fields: dict[str, str]) -> Path:
    """A form whose printed labels are text and whose answers live only in filled-in fields."""
    b = Builder(path)
    c = b.canvas
    y = PAGE_H - 100
    for name, value in fields.items():
        c.setFont("Vera", 11)
        c.drawString(MARGIN, y, f"{name}:")
        c.acroForm.textfield(name=name.replace(" ", "_"), value=value, x=MARGIN + 150, y=y - 4,
                             width=300, height=18, borderWidth=0, fontSize=10)
        y -= 30
    return b.save()
