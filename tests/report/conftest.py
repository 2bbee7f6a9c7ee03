"""Report fixtures: the hand-counted corpus indexed through the store's own index function."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.store import CorpusStore, open_store
from tests.conftest import _need
from tests.report.corpus import TOTALS, case_record, custody_record, records
from tests.store.conftest import BACKENDS, new_store


def _fill(store: CorpusStore, recs: list[dict[str, Any]]) -> CorpusStore:
    stats = store.index_records(recs)
    assert stats.failed == 0 and stats.dropped_spans == 0
    return store


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusStore]:
    """The hand-counted report corpus, in each back-end."""
    with new_store(request.param, tmp_path_factory.mktemp("report-store")) as s:
        yield _fill(s, records())


@pytest.fixture(scope="module", params=BACKENDS)
def case_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CorpusStore]:
    """The out-of-order case log, in each back-end."""
    with new_store(request.param, tmp_path_factory.mktemp("case-store")) as s:
        yield _fill(s, [case_record(), custody_record()])


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file holding only the report corpus (for the CLI, HTML and notebook tests)."""
    path = tmp_path_factory.mktemp("report-db") / "corpus.db"
    with open_store(str(path), create=True) as s:
        stats = s.index_records(records())
        assert stats.failed == 0 and stats.dropped_spans == 0
        assert s.counts()["sentences"] == TOTALS["sentences"]
    return path


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium and the playwright package (skip with a reason where absent, fail in CI)."""
    if importlib.util.find_spec("playwright") is None:
        _need(False, "the playwright Python package (pip install playwright; never `playwright install`)")
    _need(CHROMIUM.is_file(), f"{CHROMIUM} (apt-get install chromium)")
    return CHROMIUM
