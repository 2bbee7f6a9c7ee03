"""`vawg serve`: the inspectors' web app over a corpus store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.errors import UsageError
from pipeline.store.base import redact
from pipeline.web.db import connect
from pipeline.web.security import list_users


def check_store(db: str) -> int:
    """Open the store once (creating the web tables) and return how many users can sign in."""
    with connect(db) as store:
        return len(list_users(store))


def serve(
    db: str, host: str = "127.0.0.1", port: int = 8000, secure_cookies: bool = False, privacy: Any = None
) -> None:
    """Run the app under uvicorn until interrupted; `privacy` (RedactOptions) pseudonymises
    search hits, KWIC, CSV exports and document pages for viewers, and for admins unless they
    reveal (audited)."""
    import uvicorn

    from pipeline.web import create_app

    if not 0 < port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {port}")
    app = create_app(db, secure_cookies=secure_cookies)
    if privacy is not None:
        from pipeline.privacy.web import enable

        enable(app, privacy)
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
    pseudonyms: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Pseudonyms and pseudonymous ids on every page and export; admins may ?reveal=1 (audited).",
        ),
    ] = False,
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="With --redact: key for corpus-wide pseudonyms.")
    ] = None,
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
    options = None
    if pseudonyms or key_file is not None:
        from pipeline.privacy.redact import RedactOptions

        options = RedactOptions.from_key_file(key_file)
    serve(db, host, port, secure_cookies, options)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cli)
