"""Sign-in, sessions, CSRF, rate limiting and roles, through the FastAPI TestClient."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from pipeline.web import create_app
from pipeline.web.app import LOGIN_COOKIE, SESSION_COOKIE, safe_next
from pipeline.web.audit import entries
from pipeline.web.db import connect, execute
from pipeline.web.security import LoginLimiter
from tests.web.conftest import ADMIN, VIEWER, FakeClock, csrf_of, sign_in

OPEN = {"/login"}


def app_routes(client: TestClient) -> list[tuple[str, str]]:
    out = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and route.path not in OPEN:
            out += [(method, route.path) for method in sorted(route.methods)]
    return out


def test_every_route_but_login_needs_a_session(client: TestClient) -> None:
    routes = app_routes(client)
    assert {
        ("GET", "/"),
        ("GET", "/doc"),
        ("GET", "/export.csv"),
        ("GET", "/audit"),
        ("POST", "/logout"),
    } <= set(routes)
    for method, path in routes:
        response = client.request(
            method, path, params={"id": "kent-001", "q": "DVPO"}, follow_redirects=False
        )
        if method == "GET":
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login?next="), path
        else:
            assert response.status_code == 401, path
        assert "DVPO" not in response.text and "kent" not in response.text.lower()


def test_no_api_docs_are_exposed(client: TestClient) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404


def test_sign_in_sets_a_hardened_cookie_and_redirects_to_next(client: TestClient) -> None:
    page = client.get("/login?next=/dashboard")
    assert "HttpOnly" in page.headers["set-cookie"] and LOGIN_COOKIE in page.headers["set-cookie"]
    response = client.post(
        "/login",
        data={"username": VIEWER[0], "password": VIEWER[1], "csrf": csrf_of(page.text), "next": "/dashboard"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert client.get("/dashboard").status_code == 200


def test_secure_cookie_option(db: str) -> None:
    with TestClient(create_app(db, secure_cookies=True), base_url="https://127.0.0.1") as client:
        page = client.get("/login")
        response = client.post(
            "/login",
            data={"username": VIEWER[0], "password": VIEWER[1], "csrf": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert "Secure" in response.headers["set-cookie"]


def test_wrong_password_and_unknown_user_are_refused_alike(client: TestClient, db: str) -> None:
    for user, password in ((VIEWER[0], "not-the-password"), ("nobody", VIEWER[1])):
        page = client.get("/login")
        response = client.post(
            "/login", data={"username": user, "password": password, "csrf": csrf_of(page.text)}
        )
        assert response.status_code == 401
        assert "Wrong user name or password." in response.text
        assert SESSION_COOKIE not in client.cookies
    with connect(db) as store:
        assert [e.action for e in entries(store)][:2] == ["login_failed", "login_failed"]


@pytest.mark.parametrize("token", ["", "forged-token"])
def test_login_without_the_form_token_is_rejected(client: TestClient, token: str) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": VIEWER[0], "password": VIEWER[1], "csrf": token})
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_logout_needs_the_session_csrf_token_and_ends_the_session(viewer: TestClient, db: str) -> None:
    assert viewer.post("/logout", data={"csrf": "forged"}).status_code == 403
    assert viewer.post("/logout", data={}).status_code == 403
    assert viewer.get("/", follow_redirects=False).status_code == 200  # still signed in
    token = viewer.cookies[SESSION_COOKIE]
    response = viewer.post("/logout", data={"csrf": csrf_of(viewer.get("/").text)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    # The old cookie is dead server-side, not just deleted in this browser.
    viewer.cookies.set(SESSION_COOKIE, token)
    assert viewer.get("/", follow_redirects=False).status_code == 303
    with connect(db) as store:
        assert execute(store, "SELECT count(*) FROM web_sessions")[0][0] == 0


def test_login_attempts_are_rate_limited_per_user_and_address(client: TestClient, clock: FakeClock) -> None:
    def attempt(password: str) -> int:
        page = client.get("/login")
        return client.post(
            "/login",
            data={"username": VIEWER[0], "password": password, "csrf": csrf_of(page.text)},
            follow_redirects=False,
        ).status_code

    assert [attempt("wrong-password") for _ in range(5)] == [401] * 5
    assert attempt("wrong-password") == 429
    assert attempt(VIEWER[1]) == 429  # even the right password waits
    sign_in(client, ADMIN)  # another user from the same address is not blocked
    client.cookies.clear()
    clock.now += 61
    assert attempt(VIEWER[1]) == 303


def test_viewers_cannot_read_the_audit_log(viewer: TestClient) -> None:
    response = viewer.get("/audit")
    assert response.status_code == 403
    assert "<table" not in response.text


def test_admin_reads_the_audit_log(admin: TestClient) -> None:
    admin.get("/?q=breach")
    page = admin.get("/audit")
    assert page.status_code == 200
    assert "q=breach" in page.text and ADMIN[0] in page.text


def test_removed_user_loses_their_session(viewer: TestClient, db: str) -> None:
    from pipeline.web.security import remove_user

    with connect(db) as store:
        assert remove_user(store, VIEWER[0])
    assert viewer.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/doc?id=a", "/doc?id=a"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
        ("/\\evil", "/"),
        ("", "/"),
    ],
)
def test_next_stays_on_this_site(target: str, expected: str) -> None:
    assert safe_next(target) == expected


def test_security_headers(viewer: TestClient) -> None:
    headers = viewer.get("/").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"


def test_one_address_cannot_spray_many_user_names(clock: FakeClock) -> None:
    limiter = LoginLimiter(clock=clock, address_limit=8)
    for n in range(8):
        assert limiter.retry_after(f"user{n}", "10.0.0.9") == 0
        limiter.failed(f"user{n}", "10.0.0.9")
    assert limiter.retry_after("someone-new", "10.0.0.9") > 0
    assert limiter.retry_after("someone-new", "10.0.0.10") == 0
    clock.now += 61
    assert limiter.retry_after("someone-new", "10.0.0.9") == 0


def test_static_files_come_from_the_fixed_folder_only(client: TestClient) -> None:
    assert client.get("/static/app.css").status_code == 200
    for path in ("/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/../../pyproject.toml"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "create_app" not in response.text and "[project]" not in response.text
