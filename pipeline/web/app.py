"""The inspectors' web app: sign-in, search, documents, dashboard, KWIC, audit (FastAPI + Jinja2).

Every route except the sign-in form and the fixed static mount needs a session. Each request
opens its own store connection inside the handler (SQLite connections stay in one thread).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException

from pipeline.errors import UsageError
from pipeline.store import CorpusStore, open_store
from pipeline.web import audit
from pipeline.web.db import connect
from pipeline.web.security import (
    LoginLimiter,
    Session,
    authenticate,
    end_session,
    load_session,
    new_token,
    same_token,
    start_session,
)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "vawg_session"
LOGIN_COOKIE = "vawg_login_csrf"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class NotSignedIn(Exception):
    """Raised inside a handler when the request has no live session."""


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in; anything else (other hosts, schemes) becomes '/'."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class WebApp:
    """Settings and helpers shared by the route handlers."""

    def __init__(self, db: str, secure_cookies: bool, limiter: LoginLimiter) -> None:
        self.db = db
        self.secure_cookies = secure_cookies
        self.limiter = limiter
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["urlencode"] = urlencode
        self.env.filters["q"] = lambda v: quote(str(v), safe="")

    @contextmanager
    def store(self) -> Iterator[CorpusStore]:
        store = open_store(self.db)
        try:
            yield store
        finally:
            store.close()

    @contextmanager
    def signed_in(self, request: Request, admin: bool = False) -> Iterator[tuple[CorpusStore, Session]]:
        """The store and the caller's session; raises NotSignedIn (or 403 for non-admins)."""
        with self.store() as store:
            session = load_session(store, request.cookies.get(SESSION_COOKIE))
            if session is None:
                raise NotSignedIn()
            if admin and not session.user.is_admin:
                raise HTTPException(403, "this page is for administrators")
            yield store, session

    def render(self, name: str, code: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=code)

    def set_cookie(self, response: Response, name: str, value: str, max_age: int | None = None) -> None:
        response.set_cookie(
            name, value, max_age=max_age, httponly=True, samesite="lax", secure=self.secure_cookies, path="/"
        )


def create_app(
    db: str,
    secure_cookies: bool = False,
    limiter: LoginLimiter | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """The app over the store `db` (its web tables are created here if missing)."""
    with connect(db):
        pass
    web = WebApp(db, secure_cookies, limiter or LoginLimiter(clock=clock))
    app = FastAPI(title="vawg", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = web
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response: Response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
        return Response("sign in first", status_code=401, media_type="text/plain")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return web.render("error.html", exc.status_code, message=str(exc.detail), session=None)

    @app.exception_handler(UsageError)
    async def usage_error(request: Request, exc: UsageError) -> Response:
        return web.render("error.html", 400, message=str(exc), session=None)

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: Annotated[str, Query(max_length=2000)] = "/") -> Response:
        with web.store() as store:
            if load_session(store, request.cookies.get(SESSION_COOKIE)):
                return RedirectResponse(safe_next(next), status_code=303)
        return _login_page(web, next)

    @app.post("/login")
    def login(
        request: Request,
        username: Annotated[str, Form(max_length=64)] = "",
        password: Annotated[str, Form(max_length=1024)] = "",
        csrf: Annotated[str, Form(max_length=200)] = "",
        next: Annotated[str, Form(max_length=2000)] = "/",
    ) -> Response:
        if not same_token(request.cookies.get(LOGIN_COOKIE), csrf):
            raise HTTPException(403, "the form expired or came from another site: reload and try again")
        ip = client_ip(request)
        with web.store() as store:
            wait = web.limiter.retry_after(username, ip)
            if wait:
                audit.record(store, username or None, ip, "login_limited")
                limited = _login_page(web, next, f"Too many attempts: try again in {wait} s.", 429)
                limited.headers["Retry-After"] = str(wait)
                return limited
            user = authenticate(store, username, password)
            if user is None:
                web.limiter.failed(username, ip)
                audit.record(store, username or None, ip, "login_failed")
                return _login_page(web, next, "Wrong user name or password.", 401)
            web.limiter.succeeded(username, ip)
            token = start_session(store, user)
            audit.record(store, user.name, ip, "login")
        response = RedirectResponse(safe_next(next), status_code=303)
        web.set_cookie(response, SESSION_COOKIE, token)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    @app.post("/logout")
    def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
        with web.signed_in(request) as (store, session):
            if not same_token(session.csrf, csrf):
                raise HTTPException(403, "the form expired or came from another site: reload and try again")
            end_session(store, request.cookies.get(SESSION_COOKIE))
            audit.record(store, session.user.name, client_ip(request), "logout")
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    from pipeline.web import pages

    pages.add_routes(app, web)
    return app


def _login_page(web: WebApp, next_path: str, error: str = "", status: int = 200) -> HTMLResponse:
    token = new_token()
    response = web.render(
        "login.html", status, csrf=token, next=safe_next(next_path), error=error, session=None
    )
    web.set_cookie(response, LOGIN_COOKIE, token, max_age=3600)
    return response
