"""End to end in a real browser: Debian's chromium driven by Playwright against `vawg serve`.

The server is the real CLI (uvicorn) on a free port over the fixture store. Screenshots of
every page, wide (1280 px) and narrow (390 px), are written under a temp folder for review.
Where chromium or the playwright package is missing the tests skip with a reason; in CI
(VAWG_REQUIRE_SHARED=1) that is a failure.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.web.conftest import ADMIN, ROOT_DIR, build_store
from tests.web.corpus import HOSTILE_ATTR, HOSTILE_ID, HOSTILE_TEXT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRED = os.environ.get("VAWG_REQUIRE_SHARED") == "1"


def _need(ok: bool, what: str) -> None:
    if ok:
        return
    if REQUIRED:
        pytest.fail(f"{what} is required in CI but missing")
    pytest.skip(f"{what} is not available on this machine")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`vawg serve` on a free port; yields its base URL."""
    folder = tmp_path_factory.mktemp("browser")
    db = build_store(folder)
    port = _free_port()
    log = open(folder / "server.log", "wb")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli.main", "serve", "--db", db, "--port", str(port)],
        cwd=ROOT_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"vawg serve did not start: {(folder / 'server.log').read_text()[-2000:]}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need(CHROMIUM.exists(), f"chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need(False, "the playwright Python package")
        raise
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    """$VAWG_SCREENSHOTS, else a fixed folder under the temp dir (emptied first) that outlives pytest's."""
    folder = Path(os.environ.get("VAWG_SCREENSHOTS") or Path(tempfile.gettempdir()) / "vawg-web-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    print(f"\nscreenshots in {folder}")
    return folder


def _sign_in_by_keyboard(page: Any, base: str, user: tuple[str, str]) -> None:
    page.goto(base + "/")
    assert page.url.startswith(base + "/login?next=")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'username'")
    page.keyboard.type(user[0])  # the user name field has focus
    page.keyboard.press("Tab")
    page.keyboard.type(user[1])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    error = page.locator("p.error")
    assert page.url == base + "/", error.inner_text() if error.count() else page.url


def _no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_inspector_journey(server: str, browser: Any, shots: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # Unauthenticated: sent to sign in; a wrong password is refused.
    page.goto(server + "/dashboard")
    assert "/login" in page.url
    page.screenshot(path=str(shots / "login-1280.png"), full_page=True)
    page.fill("#username", ADMIN[0])
    page.fill("#password", "wrong password!")
    page.press("#password", "Enter")
    assert page.locator("p.error").inner_text() == "Wrong user name or password."

    # Sign in with the keyboard only, then search.
    _sign_in_by_keyboard(page, server, ADMIN)
    page.fill("#q", "DVPO")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=DVPO*")
    all_hits = int(page.locator("#total strong").inner_text())
    assert all_hits >= 3
    assert page.locator("mark.lab-DVPO").count() >= 3
    page.screenshot(path=str(shots / "search-1280.png"), full_page=True)

    # Filter by a facet: ticking Kent re-runs the search (small JS), counts shrink.
    page.check("#facet-force input[value='Kent']")
    page.wait_for_url("**force=Kent**")
    kent_hits = int(page.locator("#total strong").inner_text())
    assert 0 < kent_hits < all_hits
    assert set(page.locator("a.doclink").all_inner_texts()) <= {"kent-001", HOSTILE_ID}

    # Export these results as CSV.
    with page.expect_download() as download_info:
        page.click("#export")
    rows = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == kent_hits and {r["doc_id"] for r in rows} <= {"kent-001", HOSTILE_ID}

    # Open the document from the hit: the DVPO mention is highlighted on page 2.
    page.click("a.doclink:text-is('kent-001')")
    page.wait_for_url("**/doc?id=kent-001#m*")
    anchor = page.url.rsplit("#", 1)[1]
    mark = page.locator(f"#{anchor}")
    assert mark.inner_text() == "DVPO" and "lab-DVPO" in (mark.get_attribute("class") or "")
    assert page.locator(f"#p2 #{anchor}").count() == 1
    assert (
        mark.is_visible() and mark.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    )
    assert page.locator("#p2 .st-breached").inner_text() == "DVPO · breached"
    page.screenshot(path=str(shots / "document-1280.png"), full_page=True)

    # A hostile document renders as text and runs nothing.
    page.goto(server + "/doc?id=" + quote(HOSTILE_ID, safe=""))
    text = page.locator("#p1 .text").inner_text()
    assert HOSTILE_TEXT in text and HOSTILE_ATTR in text
    assert page.locator("main script, main img, main svg[onload]").count() == 0
    assert dialogs == []

    # Dashboard, KWIC, audit log (admin): screenshots; the audit shows what we just did.
    page.goto(server + "/dashboard")
    assert page.locator("#matrix").is_visible() and page.locator("figure.chart svg").count() == 5
    page.screenshot(path=str(shots / "dashboard-1280.png"), full_page=True)
    page.goto(server + "/kwic?measure=DVPO")
    assert page.locator("td.kw").count() >= 3
    page.screenshot(path=str(shots / "kwic-1280.png"), full_page=True)
    page.goto(server + "/audit?action=document")
    assert "doc_id=kent-001" in page.locator("#audit").inner_text()
    page.screenshot(path=str(shots / "audit-1280.png"), full_page=True)

    # Narrow window: pages reflow without sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    for name, url in (("search", "/?q=DVPO"), ("document", "/doc?id=kent-001"), ("dashboard", "/dashboard")):
        page.goto(server + url)
        assert _no_sideways_scroll(page), name
        page.screenshot(path=str(shots / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Sign out: the session is gone.
    page.goto(server + "/")
    page.click("#signout")
    page.wait_for_url("**/login")
    page.goto(server + "/")
    assert "/login" in page.url
    context.close()


def test_keyboard_reaches_the_skip_link_and_the_search_box(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in_by_keyboard(page, server, ADMIN)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("breached")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=breached*")
    assert page.locator("b.term").first.inner_text() == "breached"
    context.close()
