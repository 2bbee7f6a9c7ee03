"""`vawg serve`: the inspectors' web app over a corpus store."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.errors import UsageError
from pipeline.store.base import redact
from pipeline.web.db import connect
from pipeline.web.security import list_users


def check_store(db: str) -> int:
    """Open the store once (creating the web tables) and return how many users can sign in."""
    with connect(db) as store:
        return len(list_users(store))


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, secure_cookies: bool = False) -> None:
    """Run the app under uvicorn until interrupted."""
    import uvicorn

    from pipeline.web import create_app

    if not 0 < port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {port}")
    app = create_app(db, secure_cookies=secure_cookies)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)


def serve_cli(
    db: Annotated[str, typer.Option("--db", help="Store: a file path or postgresql://...")] = "corpus.db",
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (when served over HTTPS).")
    ] = False,
) -> None:
    """Serve search, documents, dashboard and KWIC in a browser; sign-in required.

    Listens on 127.0.0.1 unless --host says otherwise. Add users first with `vawg users add`.

    Example: vawg serve --db corpus.db --port 8000
    """
    users = check_store(db)
    if users == 0:
        typer.echo(f"vawg: warning: no users yet: add one with `vawg users add NAME --db {db}`", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(
            f"vawg: warning: listening on {host}: put it behind HTTPS and use --secure-cookies", err=True
        )
    typer.echo(f"serving {redact(db)} at http://{host}:{port}/ (Ctrl+C to stop)")
    serve(db, host, port, secure_cookies)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cli)
