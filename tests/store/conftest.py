"""Store fixtures parametrised over both back-ends.

PostgreSQL tests connect to the URL in VAWG_TEST_PG (each test gets its own schema, dropped
afterwards). Without it they skip with a reason, except in CI (VAWG_REQUIRE_SHARED=1), where
a missing PostgreSQL fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.store import CorpusStore, open_store
from tests.store.corpus import records

BACKENDS = ["sqlite", "postgresql"]


def pg_url() -> str:
    url = os.environ.get("VAWG_TEST_PG", "")
    if not url:
        if os.environ.get("VAWG_REQUIRE_SHARED") == "1":
            pytest.fail("VAWG_TEST_PG must point at a PostgreSQL server in CI (.ci/run starts one)")
        pytest.skip("VAWG_TEST_PG is not set: no PostgreSQL server to test against")
    return url


@contextmanager
def new_store(kind: str, folder: Path) -> Iterator[CorpusStore]:
    """A fresh empty store of the given kind, removed afterwards."""
    if kind == "sqlite":
        with open_store(str(folder / "corpus.db"), create=True) as store:
            yield store
        return
    store = open_store(pg_url(), create=True, schema=f"vawg_test_{uuid.uuid4().hex[:12]}")
    try:
        yield store
    finally:
        store.drop_schema()  # type: ignore[attr-defined]
        store.close()


@pytest.fixture(params=BACKENDS)
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CorpusStore]:
    with new_store(request.param, tmp_path) as store:
        yield store


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusStore]:
    """A store holding the fixture corpus (read-only use)."""
    with new_store(request.param, tmp_path_factory.mktemp("store")) as store:
        stats = store.index_records(records(), batch_size=4)
        assert stats.failed == 0 and stats.dropped_spans == 0
        yield store


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CorpusStore, CorpusStore]]:
    """The fixture corpus in SQLite and in PostgreSQL, for side-by-side comparison."""
    with (
        new_store("sqlite", tmp_path_factory.mktemp("a")) as lite,
        new_store("postgresql", tmp_path_factory.mktemp("b")) as pg,
    ):
        for store in (lite, pg):
            store.index_records(records(), batch_size=4)
        yield lite, pg
