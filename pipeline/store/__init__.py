"""Annotated corpus store: SQLite (default, one file) or PostgreSQL (shared server), and search.

from pipeline.store import open_store, search, Filters
with open_store("corpus.db", create=True) as store:
    store.index_records(records)
    result = search(store, '"non molestation" breach*', Filters(measure=("NMO",)))
"""

from pipeline.store.base import CorpusStore, open_store
from pipeline.store.model import Facets, Filters, Hit, IndexStats, SearchResult
from pipeline.store.query import QueryError, parse
from pipeline.store.search import KwicLine, facets, kwic, search

__all__ = [
    "CorpusStore",
    "Facets",
    "Filters",
    "Hit",
    "IndexStats",
    "KwicLine",
    "QueryError",
    "SearchResult",
    "facets",
    "kwic",
    "open_store",
    "parse",
    "search",
]
