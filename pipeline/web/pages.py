"""The signed-in pages: search (+ CSV export), document, dashboard, KWIC and the audit log."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from pipeline import labels
from pipeline.errors import UsageError
from pipeline.store import Filters, facets, kwic, search
from pipeline.store.search import MAX_LIMIT
from pipeline.web import audit, views
from pipeline.web.app import client_ip

if TYPE_CHECKING:
    from pipeline.web.app import WebApp

PAGE_SIZE = 20
KWIC_SIZE = 50
MAX_PAGE = 500
Values = Annotated[list[str], Query(max_length=200)]


@dataclass
class SearchForm:
    """The search and filter fields as they came in (for links and for the audit log)."""

    q: str
    measure: list[str]
    status: list[str]
    signal: list[str]
    force: list[str]
    doc_type: list[str]
    date_from: str
    date_to: str

    def filters(self) -> Filters:
        return Filters(
            measure=tuple(self.measure),
            status=tuple(self.status),
            signal=tuple(self.signal),
            force=tuple(self.force),
            doc_type=tuple(self.doc_type),
            date_from=self.date_from or None,
            date_to=self.date_to or None,
        )

    def params(self, **change: Any) -> list[tuple[str, str]]:
        fields = {**vars(self), **change}
        out: list[tuple[str, str]] = []
        for key, value in fields.items():
            for v in value if isinstance(value, list) else [value]:
                if v not in ("", None):
                    out.append((key, str(v)))
        return out

    def link(self, path: str = "/", **change: Any) -> str:
        params = self.params(**change)
        return path + ("?" + urlencode(params) if params else "")

    def logged(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v}


def _form(
    q: str,
    measure: list[str],
    status: list[str],
    signal: list[str],
    force: list[str],
    doc_type: list[str],
    date_from: str,
    date_to: str,
) -> SearchForm:
    return SearchForm(q.strip(), measure, status, signal, force, doc_type, date_from, date_to)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: formula-like document text gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _privacy(web: WebApp, request: Request, role: str) -> tuple[Any, bool]:
    """The app's privacy layer (set by `vawg serve --redact`) and whether this request reveals
    originals (an admin who asked with ?reveal=1); (None, False) without --redact."""
    privacy = getattr(web, "privacy", None)  # pipeline.privacy.web.WebPrivacy
    if privacy is None:
        return None, False
    return privacy, privacy.reveal(role, request.query_params.get("reveal") == "1")


def _reveal_link(web: WebApp, request: Request, role: str) -> str:
    """For an admin on a pseudonymised page: this page with ?reveal=1 (else '')."""
    privacy, reveal = _privacy(web, request, role)
    if privacy is None or reveal or not privacy.reveal(role, True):
        return ""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "reveal"] + [("reveal", "1")]
    return request.url.path + "?" + urlencode(query)


def _refuse_personal_search(web: WebApp, request: Request, role: str, store: Any, result: Any) -> None:
    """Under --redact, a UsageError when a matched word is personal data (unless revealing)."""
    privacy, reveal = _privacy(web, request, role)
    if privacy is not None and not reveal and privacy.searches_personal_data(store, result):
        from pipeline.privacy.web import PERSONAL_QUERY

        raise UsageError(PERSONAL_QUERY)


def add_routes(app: FastAPI, web: WebApp) -> None:
    """Attach the signed-in pages to `app`."""
    boards = views.DashboardCache()

    @app.get("/", response_class=HTMLResponse)
    def search_page(
        request: Request,
        q: Annotated[str, Query(max_length=1000)] = "",
        measure: Values = [],  # noqa: B006  (FastAPI copies defaults)
        status: Values = [],  # noqa: B006
        signal: Values = [],  # noqa: B006
        force: Values = [],  # noqa: B006
        doc_type: Values = [],  # noqa: B006
        date_from: Annotated[str, Query(max_length=10)] = "",
        date_to: Annotated[str, Query(max_length=10)] = "",
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    ) -> Response:
        form = _form(q, measure, status, signal, force, doc_type, date_from, date_to)
        with web.signed_in(request) as (store, session):
            context: dict[str, Any] = {"session": session, "form": form, "error": "", "result": None}
            try:
                filters = form.filters()
                result = search(store, form.q, filters, PAGE_SIZE, (page - 1) * PAGE_SIZE)
                _refuse_personal_search(web, request, session.user.role, store, result)
                counts = facets(store, form.q, filters)
                extra = views.extra_facets(store, form.q, filters, counts.sample)
            except UsageError as exc:  # a bad query or filter is shown on the page, never a crash
                context["error"] = str(exc)
                audit.record(
                    store, session.user.name, client_ip(request), "search", **form.logged(), error=str(exc)
                )
                return web.render("search.html", 400, **_options(store, form), **context)
            privacy, reveal = _privacy(web, request, session.user.role)
            audit.record(
                store,
                session.user.name,
                client_ip(request),
                "search",
                **form.logged(),
                page=page,
                revealed=True if reveal else None,
            )
            shown = privacy.result(store, result) if privacy is not None and not reveal else result
            pages_total = max(1, -(-result.total // PAGE_SIZE))
            context.update(
                result=shown,
                hits=views.hit_views(store, result, shown),
                counts=counts,
                extra=extra,
                page=page,
                pages_total=min(pages_total, MAX_PAGE),
                reveal_link=_reveal_link(web, request, session.user.role),
            )
            return web.render("search.html", **_options(store, form), **context)

    @app.get("/export.csv")
    def export_csv(
        request: Request,
        q: Annotated[str, Query(max_length=1000)] = "",
        measure: Values = [],  # noqa: B006
        status: Values = [],  # noqa: B006
        signal: Values = [],  # noqa: B006
        force: Values = [],  # noqa: B006
        doc_type: Values = [],  # noqa: B006
        date_from: Annotated[str, Query(max_length=10)] = "",
        date_to: Annotated[str, Query(max_length=10)] = "",
    ) -> Response:
        form = _form(q, measure, status, signal, force, doc_type, date_from, date_to)
        with web.signed_in(request) as (store, session):
            result = search(store, form.q, form.filters(), MAX_LIMIT, 0)
            privacy, reveal = _privacy(web, request, session.user.role)
            try:
                _refuse_personal_search(web, request, session.user.role, store, result)
            except UsageError as exc:
                audit.record(
                    store, session.user.name, client_ip(request), "export", **form.logged(), error=str(exc)
                )
                raise
            audit.record(
                store,
                session.user.name,
                client_ip(request),
                "export",
                **form.logged(),
                rows=len(result.hits),
                revealed=True if reveal else None,
            )
            if privacy is not None and not reveal:
                result = privacy.result(store, result)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(["doc_id", "page", "start", "end", "score", "sentence", "mentions", "signals"])
        for hit in result.hits:
            mentions = "|".join(f"{m.label}:{m.status}" for m in hit.mentions)
            signals = "|".join(s.label for s in hit.signals)
            row = [
                hit.doc_id,
                hit.page,
                hit.start,
                hit.end,
                round(hit.score, 6),
                " ".join(hit.sentence.split()),
                mentions,
                signals,
            ]
            writer.writerow([csv_cell(v) for v in row])
        return Response(
            buf.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="vawg-search.csv"'},
        )

    @app.get("/doc", response_class=HTMLResponse)
    def document(request: Request, id: Annotated[str, Query(max_length=500)] = "") -> Response:
        with web.signed_in(request) as (store, session):
            privacy, reveal = _privacy(web, request, session.user.role)
            real_id = privacy.resolve(store, id) if privacy is not None else id
            doc = views.load_document(store, real_id)
            audit.record(
                store,
                session.user.name,
                client_ip(request),
                "document",
                doc_id=real_id,
                found=doc is not None,
                revealed=True if reveal else None,
            )
            if doc is None:
                raise HTTPException(404, "no such document")
            if privacy is not None and not reveal:
                doc = privacy.document(doc, store)
            present = sorted({m["label"] for m in doc.mentions}, key=labels.measures().index)
            return web.render(
                "document.html",
                session=session,
                doc=doc,
                present=present,
                describe=labels.describe,
                reveal_link=_reveal_link(web, request, session.user.role),
            )

    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard(request: Request, measure: Annotated[str, Query(max_length=40)] = "") -> Response:
        if measure and measure not in labels.measures():
            raise UsageError(f"unknown measure {measure!r}")
        with web.signed_in(request) as (store, session):
            board = boards.get(store, measure)
            audit.record(store, session.user.name, client_ip(request), "dashboard", measure=measure)
            return web.render(
                "dashboard.html",
                session=session,
                board=board,
                statuses=labels.statuses(),
                measure=measure,
                all_measures=labels.measures(),
            )

    @app.get("/kwic", response_class=HTMLResponse)
    def kwic_page(
        request: Request,
        measure: Annotated[str, Query(max_length=40)] = "",
        status: Annotated[str, Query(max_length=40)] = "",
        q: Annotated[str, Query(max_length=1000)] = "",
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    ) -> Response:
        with web.signed_in(request) as (store, session):
            lines, total, error = [], 0, ""
            if measure or q:
                filters = Filters(measure=(measure,) if measure else (), status=(status,) if status else ())
                result = search(store, q.strip(), filters, KWIC_SIZE, (page - 1) * KWIC_SIZE)
                try:
                    _refuse_personal_search(web, request, session.user.role, store, result)
                except UsageError as exc:
                    audit.record(
                        store,
                        session.user.name,
                        client_ip(request),
                        "kwic",
                        measure=measure,
                        status=status,
                        q=q,
                        error=str(exc),
                    )
                    raise
                anchors = views.mention_anchors(store, sorted({h.doc_id for h in result.hits}))
                total = result.total
                privacy, reveal = _privacy(web, request, session.user.role)
                shown = privacy.result(store, result) if privacy is not None and not reveal else result
                for line, hit in zip(kwic(shown, width=70), result.hits, strict=True):
                    chosen = next((m for m in hit.mentions if not measure or m.label == measure), None)
                    first = anchors.get((hit.doc_id, chosen.start, chosen.end)) if chosen else None
                    lines.append(
                        {
                            "line": line,
                            "status": chosen.status if chosen else "",
                            "anchor": f"m{first}" if first else f"p{hit.page or 1}",
                        }
                    )
                audit.record(
                    store,
                    session.user.name,
                    client_ip(request),
                    "kwic",
                    measure=measure,
                    status=status,
                    q=q,
                    page=page,
                    revealed=True if reveal else None,
                )
            return web.render(
                "kwic.html",
                session=session,
                lines=lines,
                total=total,
                measure=measure,
                status=status,
                q=q,
                page=page,
                pages_total=max(1, -(-total // KWIC_SIZE)),
                error=error,
                measures=labels.measures(),
                statuses=labels.statuses(),
            )

    @app.get("/audit", response_class=HTMLResponse)
    def audit_page(
        request: Request,
        user: Annotated[str, Query(max_length=64)] = "",
        action: Annotated[str, Query(max_length=40)] = "",
        before: Annotated[int | None, Query(ge=1)] = None,
    ) -> Response:
        with web.signed_in(request, admin=True) as (store, session):
            rows = audit.entries(store, user or None, action or None, 100, before)
            audit.record(
                store, session.user.name, client_ip(request), "audit", filter_user=user, filter_action=action
            )
            older = rows[-1].id if len(rows) == 100 else None
            return web.render(
                "audit.html",
                session=session,
                rows=rows,
                user=user,
                action=action,
                older=older,
                actions=audit.ACTIONS,
            )


def _options(store: Any, form: SearchForm) -> dict[str, Any]:
    return {
        "measures": labels.measures(),
        "statuses": labels.statuses(),
        "signals": labels.signals(),
        "forces": sorted(set(views.forces(store)) | set(form.force)),
        "doc_types": sorted(set(views.doc_types(store)) | set(form.doc_type)),
        "describe": labels.describe,
        "export_cap": MAX_LIMIT,
    }
