"""Search, document, dashboard, KWIC and CSV export pages; hostile text; the audit trail."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

from fastapi.testclient import TestClient

from pipeline.store import Filters, facets, open_store
from pipeline.web.audit import entries
from pipeline.web.db import connect
from pipeline.web.pages import PAGE_SIZE, csv_cell
from tests.web.conftest import VIEWER
from tests.web.corpus import DOCS, HOSTILE_ATTR, HOSTILE_ID, HOSTILE_TEXT


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_search_ranks_and_highlights_terms_and_mentions(viewer: TestClient) -> None:
    html = main_of(viewer.get("/", params={"q": "breached"}).text)
    assert re.search(r"<strong>1</strong> matching sentence\b", html)
    assert '<b class="term">breached</b>' in html
    assert '<mark class="m lab-DVPO" title="DVPO: breached">DVPO</mark>' in html
    assert "BREACH_NOT_ACTIONED" in html
    # The hit links to the mention's anchor on the document page (3rd mention of kent-001).
    assert 'href="/doc?id=kent-001#m3"' in html


def test_facet_counts_match_the_store_and_filters_narrow(viewer: TestClient, db: str) -> None:
    html = main_of(viewer.get("/", params={"q": "DVPO"}).text)
    with open_store(db) as store:
        counts = facets(store, "DVPO")
    force_box = html[html.index('id="facet-force"') : html.index('id="facet-doc_type"')]
    for force, n in counts.force.items():
        assert re.search(
            rf'value="{force}"[^>]*>\s*<span class="code">{force}</span> <span class="count">{n}</span>',
            force_box,
        )
    filtered = main_of(viewer.get("/", params={"q": "DVPO", "force": "Essex"}).text)
    assert re.search(rf"<strong>{counts.force['Essex']}</strong> matching", filtered)
    assert "kent-001" not in filtered
    by_status = main_of(viewer.get("/", params={"measure": "DVPO", "status": "breached"}).text)
    assert "<strong>1</strong> matching sentence" in by_status and "kent-001" in by_status


def test_pagination(viewer: TestClient) -> None:
    first = main_of(viewer.get("/", params={"q": "victim"}).text)
    total = int(re.search(r"<strong>(\d+)</strong> matching", first).group(1))  # type: ignore[union-attr]
    assert total > PAGE_SIZE
    assert f"(showing 1–{PAGE_SIZE})" in first and 'rel="next"' in first
    second = main_of(viewer.get("/", params={"q": "victim", "page": 2}).text)
    assert f"(showing {PAGE_SIZE + 1}–{total})" in second and 'rel="prev"' in second
    assert second.count('class="hit"') == total - PAGE_SIZE


def test_bad_query_is_a_message_not_a_crash(viewer: TestClient) -> None:
    response = viewer.get("/", params={"q": '"unclosed'})
    assert response.status_code == 400 and "unclosed quote" in response.text
    response = viewer.get("/", params={"measure": "NOT_A_MEASURE"})
    assert response.status_code == 400 and "unknown measure" in response.text


def test_document_page_highlights_each_mention_on_its_page(viewer: TestClient) -> None:
    html = main_of(viewer.get("/doc", params={"id": "kent-001"}).text)
    pages = re.findall(r'<article class="page" id="p(\d+)"', html)
    assert pages == ["1", "2", "3"]
    page2 = html[html.index('id="p2"') : html.index('id="p3"')]
    assert '<mark class="m lab-DVPO" id="m3" title="DVPO: breached">DVPO</mark>' in page2
    assert '<span class="st st-breached">DVPO · breached</span>' in page2
    assert page2.count('class="sigmark"') == 2 and "BREACH_NOT_ACTIONED" in page2
    page1 = html[html.index('id="p1"') : html.index('id="p2"')]
    assert 'id="m1"' in page1 and "DVPO" not in page1
    # Legend lists the measures present; ingest outcome and metadata are shown.
    legend = html[html.index('class="legend"') :]
    assert "lab-BAIL" in legend and "lab-DASH" in legend and "lab-NMO" not in legend
    assert "<dt>reader</dt><dd>pdf</dd>" in html and "kent-001.pdf" in html


def test_unknown_document_is_404(viewer: TestClient) -> None:
    assert viewer.get("/doc", params={"id": "../../etc/passwd"}).status_code == 404


def test_hostile_text_renders_inert_everywhere(viewer: TestClient) -> None:
    doc = viewer.get("/doc", params={"id": HOSTILE_ID})
    assert doc.status_code == 200
    search = viewer.get("/", params={"q": "script"})
    kwic = viewer.get("/kwic", params={"measure": "DVPO"})
    for response in (doc, search, kwic):
        html = main_of(response.text)
        assert "<script" not in html and "<img" not in html and "<svg onload" not in html
        assert "alert(" in html  # the text is there, as text
    body = main_of(doc.text)
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in body
    assert "&lt;svg onload=alert(3)&gt;" in body
    # Its id is quoted in links, escaped in text.
    assert f'href="/doc?id={quote(HOSTILE_ID, safe="")}#m1"' in main_of(search.text)
    assert HOSTILE_TEXT not in doc.text and HOSTILE_ATTR not in doc.text


def test_csv_export_holds_every_matching_sentence(viewer: TestClient) -> None:
    response = viewer.get("/export.csv", params={"q": "DVPO OR DVPN"})
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    page = main_of(viewer.get("/", params={"q": "DVPO OR DVPN"}).text)
    total = int(re.search(r"<strong>(\d+)</strong> matching", page).group(1))  # type: ignore[union-attr]
    assert len(rows) == total
    kent = next(r for r in rows if r["doc_id"] == "kent-001")
    assert (
        kent["page"] == "2"
        and kent["mentions"] == "DVPO:breached"
        and kent["signals"] == "BREACH_NOT_ACTIONED"
    )
    assert kent["sentence"] == DOCS["kent-001"][1][1][1][0]
    formula = next(r for r in rows if r["doc_id"] == "formula-1")
    assert formula["sentence"].startswith("'=HYPERLINK")


def test_csv_cells_never_start_a_formula() -> None:
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("@SUM") == "'@SUM" and csv_cell("-2") == "'-2"
    assert csv_cell("plain") == "plain" and csv_cell(None) == "" and csv_cell(3) == "3"


def test_dashboard_counts_every_mention(viewer: TestClient, db: str) -> None:
    html = main_of(viewer.get("/dashboard").text)
    with open_store(db) as store:
        rows = store.query("SELECT label, status, count(*) FROM mentions GROUP BY label, status")
        by_force = dict(
            store.query(
                "SELECT d.force, count(*) FROM mentions m JOIN documents d ON d.id = m.doc_id "
                "GROUP BY d.force"
            )
        )
    assert len(rows) >= 8
    for measure, status, n in rows:
        assert f'<a href="/?measure={measure}&amp;status={status}">{n}</a>' in html
    assert html.count("<svg") == 5
    chart = html[html.index("Measure mentions by force") :]
    for force, n in by_force.items():
        assert f"<title>{force}: {n}</title>" in chart
    one = main_of(viewer.get("/dashboard", params={"measure": "DVPO"}).text)
    matrix = one[one.index('id="matrix"') : one.index("</table>")]
    assert "lab-DVPO" in matrix and "lab-DASH" not in matrix
    assert viewer.get("/dashboard", params={"measure": "BOGUS"}).status_code == 400


def test_kwic_aligns_every_mention_of_a_measure(viewer: TestClient, db: str) -> None:
    html = main_of(viewer.get("/kwic", params={"measure": "DVPO"}).text)
    with open_store(db) as store:
        n = sum(
            v
            for (m, _), v in facets(store, "", Filters(measure=("DVPO",))).measure_status.items()
            if m == "DVPO"
        )
    assert html.count('<td class="kw">') == n
    assert re.search(
        r'<td class="left">[^<]*breached the</td>\s*<td class="kw"><a href="/doc\?id=kent-001#m3">DVPO</a>',
        html,
    )


def test_audit_log_records_searches_documents_and_exports(viewer: TestClient, db: str) -> None:
    viewer.get("/", params={"q": "breach*", "force": "Kent"})
    viewer.get("/doc", params={"id": "kent-001"})
    viewer.get("/export.csv", params={"measure": "DVPO"})
    with connect(db) as store:
        log = entries(store, user=VIEWER[0])
    actions = [e.action for e in reversed(log)]
    assert actions == ["login", "search", "document", "export"]
    search, document, export = log[2], log[1], log[0]
    assert search.detail["q"] == "breach*" and search.detail["force"] == ["Kent"]
    assert document.detail == {"doc_id": "kent-001", "found": True}
    assert export.detail["measure"] == ["DVPO"] and export.detail["rows"] > 0
    assert all(e.ip and e.at for e in log)


def test_dashboard_follows_reindexing(viewer: TestClient, db: str) -> None:
    before = main_of(viewer.get("/dashboard").text)
    assert '<a href="/?measure=SHPO' not in before
    record = {
        "id": "new-1",
        "text": "An SHPO was made at court.",
        "meta": {"force": "Kent", "date": "2024-02-02"},
        "entities": [{"start": 3, "end": 7, "label": "SHPO", "status": "used"}],
        "signals": [],
    }
    with open_store(db) as store:
        store.index_records([record])
    after = main_of(viewer.get("/dashboard").text)
    assert '<a href="/?measure=SHPO&amp;status=used">1</a>' in after and "2024" in after
