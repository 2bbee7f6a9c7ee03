"""`vawg report` end to end: files, terminal summary, and index.html rendered in headless Chromium."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.report import report_chronology
from tests.report.conftest import CHROMIUM_ARGS

EXPECTED_CSV = {
    "measure_status", "measure_status_wide", "signal_prevalence", "force_summary", "measure_status_by_force",
    "signal_prevalence_by_force", "year_summary", "measure_status_by_year", "signal_prevalence_by_year",
    "ingest_outcomes", "top_documents",
}  # fmt: skip
CHARTS = {"status_by_measure", "signal_prevalence", "trends_by_year"}


def vawg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli.main", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def report_dir(corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "report"
    done = vawg("report", "--db", str(corpus_db), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("4 documents, 13 sentences, 8 measure mentions, 8 signals")
    assert "top signals per 1,000 sentences: BREACH_NOT_ACTIONED 153.85, DELAY 153.85" in done.stdout
    assert "vawg report: drawing charts" in done.stderr  # progress goes to stderr
    return out


def test_writes_every_table_and_chart(report_dir: Path) -> None:
    names = {p.name for p in report_dir.iterdir()}
    assert {f"{n}.csv" for n in EXPECTED_CSV} <= names
    assert {f"{c}.{ext}" for c in CHARTS for ext in ("png", "svg")} <= names
    for chart in CHARTS:
        assert (report_dir / f"{chart}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in (report_dir / f"{chart}.svg").read_text(encoding="utf-8")[:600]
    with open(report_dir / "measure_status.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["measure", "status", "count"]
    assert sum(int(r[2]) for r in rows[1:]) == 8 and ["DVPO", "breached", "1"] in rows


def test_html_is_self_contained(report_dir: Path) -> None:
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page and "<script" not in page
    assert page.count("<svg") == 3
    assert "model=vawg_protect 0.2 (2 documents)" in page


def in_process(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    """Run `vawg ARGS` through the real entry point in this process (no interpreter start-up)."""
    monkeypatch.setattr(sys, "argv", ["vawg", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_filtered_report_and_chronology_cli(
    corpus_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ["report", "--db", str(corpus_db)]
    code, out, err = in_process(
        capsys, monkeypatch, *base, "--out", str(tmp_path / "k"), "--force", "Kent", "-q"
    )
    assert code == 0, err
    assert out.startswith("2 documents, 7 sentences, 5 measure mentions, 4 signals (filters: force: Kent")
    assert err == ""
    code, out, err = in_process(capsys, monkeypatch, *base, "--doc", "kent-a", "--out", str(tmp_path / "c"))
    assert code == 0, err
    assert out.startswith("chronology of kent-a: 2 dates, 3 mentions, 2 signals")
    code, out, err = in_process(capsys, monkeypatch, *base, "--status", "lost", "--out", str(tmp_path / "x"))
    assert code == 2 and err.startswith("vawg: error: unknown status 'lost'")
    assert "Traceback" not in err


def test_renders_in_headless_chromium(
    report_dir: Path, corpus_db: Path, chromium: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import Route, sync_playwright

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def only_local(route: Route) -> None:
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", only_local)
            page.goto((report_dir / "index.html").as_uri())
            assert page.title() == "Protective measures and missed opportunities"
            assert page.locator("section").count() >= 12
            charts = page.locator(".chart svg")
            assert charts.count() == 3
            for i in range(3):
                box = charts.nth(i).bounding_box()
                assert box is not None and box["width"] > 300 and box["height"] > 150
            dvpo = page.locator("#measure_status_wide tr", has_text="DVPO").first
            assert dvpo.locator("td").last.inner_text() == "2"
            assert "13" in page.locator("#coverage").inner_text()
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)

            report_chronology(str(corpus_db), "kent-a", tmp_path / "case")
            page.goto((tmp_path / "case" / "index.html").as_uri())
            assert page.title() == "Case chronology: kent-a"
            events = page.locator("#events tbody tr")
            assert events.count() == 7  # 2 dates, 3 mentions, 2 signals
            assert events.first.locator("td").first.inner_text() == "2022-04-12"
            page.screenshot(path=str(tmp_path / "chronology.png"), full_page=True)
        finally:
            browser.close()
    assert outside == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
