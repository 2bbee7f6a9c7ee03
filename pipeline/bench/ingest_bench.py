"""PDF ingestion benchmark: our reader's text-layer path and OCR path against plain pdfplumber.

Generates a 100-page report PDF (running head and footer, prose, a two-column page in every ten)
and a few image-only pages, then on one core reports pages/s for `PdfReader` (text layer),
pages/s for OCR pages, peak RSS, pdfplumber `page.extract_text()` pages/s on the same file in
the same run, the speed-up, and how far the two agree on words (multiset overlap).

    python -m pipeline.bench.ingest_bench [--pages 100] [--ocr-pages 3] [--repeat 3] [--keep DIR]

Needs the dev extras (reportlab) and the repository's tests/ folder, which holds the PDF
builder; run it from a checkout (`make bench`).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

SENTENCES = [
    "Officers attended the address after a call from a neighbour who heard shouting.",
    "The victim said the suspect had breached the non-molestation order twice this month.",
    "A DASH risk assessment was completed at the scene and graded the risk as high.",
    "The suspect was arrested and later released under investigation without conditions.",
    "Pre-charge bail with conditions was not considered by the custody sergeant.",
    "A Domestic Violence Protection Notice was authorised by the superintendent on duty.",
    "The case was referred to MARAC and an IDVA contacted the victim the next day.",
    "Neighbourhood officers were not told about the protection order in force.",
    "The inspection found that supervisors rarely reviewed decisions to release suspects.",
    "Victims told us they did not know whether the suspect could contact them.",
]


def _factory() -> Any:
    try:
        from tests.ingest import pdf_factory
    except ImportError:
        sys.path.insert(0, str(ROOT))
        from tests.ingest import pdf_factory
    return pdf_factory


def build_report(path: Path, pages: int) -> Path:
    """A long report: prose pages, and every tenth page in two columns."""
    pf = _factory()
    b = pf.Builder(path, header="Northshire Constabulary - Inspection of protective measures",
                   footer="Page {page} of {pages}", pages_total=pages)
    width = (pf.PAGE_W - 2 * pf.MARGIN - 24) / 2
    for n in range(pages):
        if n:
            b.new_page()
        y = b.heading(f"Section {n + 1}", top=pf.PAGE_H - 80)
        paras = [" ".join(SENTENCES[(n + k + j) % len(SENTENCES)] for j in range(5)) for k in range(6)]
        if n % 10 == 9:
            b.paragraphs(paras[:3], top=y, x=pf.MARGIN, width=width)
            b.paragraphs(paras[3:], top=y, x=pf.MARGIN + width + 24, width=width)
        else:
            b.paragraphs(paras, top=y)
    return b.save()


def build_scans(path: Path, pages: int) -> Path:
    pf = _factory()
    return pf.image_only_pdf(path, [SENTENCES[k:k + 6] for k in range(pages)])


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"[a-z0-9]+", text.lower()))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _best(fn: Any, repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def run(pages: int, ocr_pages: int, repeat: int, folder: Path) -> dict[str, float]:
    """Build the inputs in `folder`, time both readers, and return the figures."""
    import pdfplumber

    from pipeline.ingest.base import ReadOptions
    from pipeline.ingest.clean import clean_pages
    from pipeline.ingest.pdf import PdfReader

    report = build_report(folder / "bench-report.pdf", pages)
    reader = PdfReader()

    def ours() -> str:
        result = reader.read(report, ReadOptions(ocr=False), source_id="bench", sha256="0")
        return result.documents[0].text

    ours_s, our_text = _best(ours, repeat)
    rss_ours = _peak_rss_mb()

    def plumber() -> list[str]:
        with pdfplumber.open(report) as pdf:
            return [page.extract_text() or "" for page in pdf.pages]

    plumber_s, plumber_pages = _best(plumber, min(repeat, 2))
    a, b = _words(our_text), _words("\n".join(plumber_pages))
    common = sum((a & b).values())
    # The same cleaning (running heads, hyphens) applied to pdfplumber's text: extraction alone.
    c = _words("\n".join(clean_pages([p.splitlines() for p in plumber_pages])))
    common_clean = sum((a & c).values())
    figures = {
        "pages": float(pages),
        "ours_pages_per_s": pages / ours_s,
        "plumber_pages_per_s": pages / plumber_s,
        "speedup": plumber_s / ours_s,
        "words_ours": float(sum(a.values())),
        "words_plumber": float(sum(b.values())),
        "overlap_of_plumber_pct": 100.0 * common / max(1, sum(b.values())),
        "overlap_of_ours_pct": 100.0 * common / max(1, sum(a.values())),
        "overlap_cleaned_pct": 100.0 * common_clean / max(1, sum(a.values()), sum(c.values())),
        "peak_rss_mb_after_ours": rss_ours,
    }
    if ocr_pages:
        from pipeline.ingest.ocr import tesseract_version

        if tesseract_version() is None:
            figures["ocr_pages_per_s"] = float("nan")
        else:
            scans = build_scans(folder / "bench-scans.pdf", ocr_pages)
            start = time.perf_counter()
            result = reader.read(scans, ReadOptions(), source_id="scans", sha256="0")
            figures["ocr_pages_per_s"] = ocr_pages / (time.perf_counter() - start)
            confs = [c for c in result.documents[0].meta["ocr_confidence"] if c is not None]
            figures["ocr_mean_confidence"] = sum(confs) / max(1, len(confs))
    figures["peak_rss_mb"] = _peak_rss_mb()
    return figures


def report(figures: dict[str, float]) -> str:
    f = figures
    lines = [
        f"text layer, {int(f['pages'])} pages: ours {f['ours_pages_per_s']:.0f} pages/s, "
        f"pdfplumber extract_text {f['plumber_pages_per_s']:.1f} pages/s, speed-up {f['speedup']:.1f}x",
        f"word agreement: {f['overlap_of_plumber_pct']:.1f}% of pdfplumber's "
        f"{int(f['words_plumber'])} words, "
        f"{f['overlap_of_ours_pct']:.1f}% of ours ({int(f['words_ours'])}; ours drop running heads "
        f"and page numbers); {f['overlap_cleaned_pct']:.1f}% with pdfplumber's text cleaned the same way",
        f"peak RSS: {f['peak_rss_mb_after_ours']:.0f} MB after our reader, "
        f"{f['peak_rss_mb']:.0f} MB at the end (pdfplumber, OCR)",
    ]
    if "ocr_pages_per_s" in f:
        conf = f.get("ocr_mean_confidence")
        lines.append(f"OCR (300 dpi, Tesseract): {f['ocr_pages_per_s']:.2f} pages/s"
                     + (f", mean word confidence {conf:.1f}" if conf is not None else " (tesseract missing)"))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--ocr-pages", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3,
                        help="best of N runs for our reader (and of up to 2 for pdfplumber)")
    parser.add_argument("--keep", type=Path, help="write the generated PDFs here and keep them")
    args = parser.parse_args(list(argv) if argv is not None else [])
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract on one core, like the rest
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if cores:
        os.sched_setaffinity(0, {min(cores)})  # the whole run on one core
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            print(report(run(args.pages, args.ocr_pages, args.repeat, args.keep)))
            return
        with tempfile.TemporaryDirectory(prefix="vawg-ingest-bench-") as tmp:
            print(report(run(args.pages, args.ocr_pages, args.repeat, Path(tmp))))
    finally:
        if cores:
            os.sched_setaffinity(0, cores)  # other benchmarks run in the same process


if __name__ == "__main__":
    main(sys.argv[1:])
