"""The query language: parsing, rendering for FTS5 and tsquery, and clear errors."""

from __future__ import annotations

import pytest

from pipeline.store.query import QueryError, Term, parse, positive_terms, to_fts5, to_tsquery

RENDER = [
    ("bail", '"bail"', "('bail')"),
    ("Bail breach*", '("bail" AND "breach"*)', "(('bail') & ('breach':*))"),
    ('"non molestation" OR dvpo', '("non molestation" OR "dvpo")', "(('non' <-> 'molestation') | ('dvpo'))"),
    ('"victim wa"*', '"victim wa"*', "('victim' <-> 'wa':*)"),
    (
        "bail NOT (breach OR lapsed)",
        '(("bail") NOT (("breach" OR "lapsed")))',
        "(('bail') & !(('breach') | ('lapsed')))",
    ),
    ("a b -c", '(("a" AND "b") NOT ("c"))', "(('a') & ('b') & !('c'))"),
    ("x NOT NOT y", '("x" AND "y")', "(('x') & ('y'))"),
    ("victim's", '"victim s"', "('victim' <-> 's')"),
    ("Café", '"cafe"', "('cafe')"),
    ("DV-PO", '"dv po"', "('dv' <-> 'po')"),
    ("(a OR b) AND c", '(("a" OR "b") AND "c")', "((('a') | ('b')) & ('c'))"),
]


@pytest.mark.parametrize(("query", "fts", "tsq"), RENDER)
def test_renders_for_both_backends(query: str, fts: str, tsq: str) -> None:
    node = parse(query)
    assert node is not None
    assert to_fts5(node) == fts
    assert to_tsquery(node) == tsq


@pytest.mark.parametrize("query", ["", "   ", "!!!", '""', "()"])
def test_queries_without_words_are_filter_only(query: str) -> None:
    assert parse(query) is None


ERRORS = [
    ("(bail", "missing ')'"),
    ("bail)", "unexpected ')'"),
    ('"bail', "unclosed quote"),
    ('bail "x', "unclosed quote"),
    ("bail OR", "OR needs a term"),
    ("OR bail", "OR needs a term"),
    ("bail AND", "AND needs a term"),
    ("bail AND AND x", "AND needs a term"),
    ("NOT bail", "NOT cannot stand on its own"),
    ("-bail", "NOT cannot stand on its own"),
    ("a OR NOT b", "NOT cannot stand inside OR"),
    ("bail NOT", "NOT needs a term"),
    ("x" * 1001, "too long"),
    (" ".join(["w"] * 65), "too many terms"),
]


@pytest.mark.parametrize(("query", "message"), ERRORS)
def test_malformed_queries_get_one_line_errors(query: str, message: str) -> None:
    with pytest.raises(QueryError) as err:
        parse(query)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE sentences; --", 'x" OR 1=1', "a:b* NEAR(c d)", "col:text ^x", "a\\' | !b"]
)
def test_hostile_input_only_ever_yields_quoted_tokens(query: str) -> None:
    try:
        node = parse(query)
    except QueryError:
        return
    assert node is not None
    for term in positive_terms(node):
        assert all(tok.isalnum() for tok in term.tokens)


def test_positive_terms_skip_negated_ones() -> None:
    node = parse('bail "no further" NOT breach*')
    assert positive_terms(node) == [Term(("bail",)), Term(("no", "further"))]
