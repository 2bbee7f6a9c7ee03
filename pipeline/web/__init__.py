"""The inspectors' web app (`vawg serve`): search, documents, dashboard, KWIC, sign-in and audit."""

from pipeline.web.app import create_app

__all__ = ["create_app"]
