"""The inspectors' web app (`vawg serve`): search, documents, dashboard, KWIC, sign-in and audit.

`create_app` is imported on first use, so the CLI's user and audit commands (and `vawg --help`)
do not load FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from pipeline.web.app import create_app

        return create_app
    raise AttributeError(name)
