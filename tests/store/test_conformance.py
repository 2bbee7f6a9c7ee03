"""Same documents in, same hits, facets and counts out: run against every back-end."""

from __future__ import annotations

import importlib

import pytest

from pipeline.store import CorpusStore, Filters, facets, kwic, search
from tests.store.corpus import DOCS, records, sentence_start

# (query, filters, expected hits as (doc id, sentence index))
CASES: list[tuple[str, Filters, set[tuple[str, int]]]] = [
    ("breached", Filters(), {("k1", 1), ("e1", 1)}),
    ("BREACHED", Filters(), {("k1", 1), ("e1", 1)}),
    ("breach*", Filters(), {("k1", 1), ("k1", 2), ("e1", 1), ("e1", 2), ("x1", 0)}),
    ('"the victim"', Filters(), {("k1", 1), ("k2", 1), ("m1", 1)}),
    ('"victim was"', Filters(), {("k2", 1)}),
    ('"victim wa"*', Filters(), {("k2", 1)}),
    ("dvpo breached", Filters(), {("k1", 1), ("e1", 1)}),
    ("dvpo AND breached", Filters(), {("k1", 1), ("e1", 1)}),
    ("dash OR idva", Filters(), {("k1", 3), ("m1", 1)}),
    ("breach* NOT arrested", Filters(), {("k1", 1), ("k1", 2), ("e1", 1), ("x1", 0)}),
    ("breach* -arrested", Filters(), {("k1", 1), ("k1", 2), ("e1", 1), ("x1", 0)}),
    ("(dvpo OR dvpn) NOT granted", Filters(), {("k1", 1), ("e1", 1), ("e2", 0), ("e2", 1)}),
    ("cafe", Filters(), {("m1", 0)}),
    ("CAFÉ", Filters(), {("m1", 0)}),
    ("victim's", Filters(), {("m1", 1)}),
    ("non-molestation", Filters(), {("k2", 2)}),
    ("zebra", Filters(), set()),
    ("", Filters(measure=("DVPO",), status=("breached",)), {("k1", 1), ("e1", 1)}),
    ("", Filters(measure=("DVPO",)), {("k1", 1), ("e1", 0), ("e1", 1), ("e2", 1)}),
    ("", Filters(measure=("DVPO", "DVPN")), {("k1", 1), ("e1", 0), ("e1", 1), ("e2", 0), ("e2", 1)}),
    ("", Filters(status=("generic",)), {("e2", 0), ("x1", 0)}),
    ("", Filters(signal=("BREACH_NOT_ACTIONED",)), {("k1", 1), ("k1", 2)}),
    (
        "",
        Filters(measure=("DVPO",), status=("breached",), signal=("BREACH_NOT_ACTIONED",)),
        {("k1", 1)},
    ),
    ("victim", Filters(force=("Kent",)), {("k1", 1), ("k2", 1)}),
    (
        "",
        Filters(measure=("DVPO",), date_from="2022-01-01", date_to="2023-12-31"),
        {("k1", 1), ("e1", 0), ("e1", 1)},
    ),
    ("", Filters(date_from="2023-11-20"), {("e1", 0), ("e1", 1), ("e1", 2)}),
    ("", Filters(doc_type=("inspection_report",)), {("e2", 0), ("e2", 1)}),
    ("", Filters(doc_type=("review",)), {("k2", 0), ("k2", 1), ("k2", 2)}),
    ("", Filters(doc_id=("k2",)), {("k2", 0), ("k2", 1), ("k2", 2)}),
    ("victim", Filters(doc_id=("k2", "m1")), {("k2", 1), ("m1", 1)}),
    ("order", Filters(force=("Kent", "Essex"), status=("considered",)), {("k2", 2)}),
    ("dvpo", Filters(signal=("ORDER_NOT_CONSIDERED",), force=("Essex",)), {("e2", 1)}),
    ("breach*", Filters(force=("Metropolitan",)), set()),
]

ALL_SENTENCES = sum(len(sentences) for _, sentences, _ in DOCS.values())


def _key(hit_doc: str, start: int) -> tuple[str, int]:
    for n in range(len(DOCS[hit_doc][1])):
        if sentence_start(hit_doc, n) == start:
            return hit_doc, n
    raise AssertionError(f"hit at {hit_doc}:{start} is not a fixture sentence start")


@pytest.mark.parametrize(("query", "filters", "expected"), CASES)
def test_hits_and_counts(
    corpus: CorpusStore, query: str, filters: Filters, expected: set[tuple[str, int]]
) -> None:
    result = search(corpus, query, filters, limit=50)
    assert {_key(h.doc_id, h.start) for h in result.hits} == expected
    assert result.total == len(expected) == len(result.hits)
    assert facets(corpus, query, filters).total == len(expected)


def test_every_sentence_without_query_in_document_order(corpus: CorpusStore) -> None:
    result = search(corpus, "", Filters(), limit=100)
    assert result.total == ALL_SENTENCES
    keys = [(h.doc_id, h.start) for h in result.hits]
    assert keys == sorted(keys)


def test_ranked_hits_tie_break_by_document_then_offset(corpus: CorpusStore) -> None:
    hits = search(corpus, "breach*", Filters(), limit=50).hits
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:], strict=False))
    for a, b in zip(hits, hits[1:], strict=False):
        if a.score == b.score:
            assert (a.doc_id, a.start) < (b.doc_id, b.start)


def test_limit_and_offset_page_through_the_same_order(corpus: CorpusStore) -> None:
    everything = search(corpus, "the", Filters(), limit=50)
    pages = [search(corpus, "the", Filters(), limit=3, offset=k) for k in range(0, everything.total, 3)]
    assert [h.start for p in pages for h in p.hits] == [h.start for h in everything.hits]
    assert {p.total for p in pages} == {everything.total}


def test_hit_carries_page_mentions_signals_and_highlight(corpus: CorpusStore) -> None:
    (hit,) = search(corpus, "breached", Filters(doc_id=("k1",))).hits
    assert hit.page == 1 and hit.sentence == DOCS["k1"][1][1][0]
    assert hit.highlighted() == "The suspect [breached] the DVPO by contacting the victim."
    assert [(m.label, m.status, m.text) for m in hit.mentions] == [("DVPO", "breached", "DVPO")]
    assert [s.label for s in hit.signals] == ["BREACH_NOT_ACTIONED"]
    (second_page,) = search(corpus, "arrest", Filters(doc_id=("k1",))).hits
    assert second_page.page == 2


def test_phrase_and_prefix_highlights(corpus: CorpusStore) -> None:
    (hit,) = search(corpus, '"victim was" OR informe*', Filters()).hits
    assert hit.highlighted() == "The [victim was] not [informed] of the release."


def test_facets_by_measure_status_signal_force_year(corpus: CorpusStore) -> None:
    f = facets(corpus, "breach*")
    assert f.total == 5
    assert f.measure_status == {("DVPO", "breached"): 2, ("RESTRAINING_ORDER", "generic"): 1}
    assert f.signal == {"BREACH_NOT_ACTIONED": 2}
    assert f.force == {"Essex": 2, "Kent": 2, None: 1}
    assert f.year == {2023: 4, None: 1}


def test_facets_of_filter_only_query(corpus: CorpusStore) -> None:
    f = facets(corpus, "", Filters(measure=("DVPO",)))
    assert f.total == 4
    assert f.measure_status == {("DVPO", "breached"): 2, ("DVPO", "not_used"): 1, ("DVPO", "used"): 1}
    assert f.year == {2021: 1, 2023: 3}


def test_kwic_aligns_on_word_or_mention(corpus: CorpusStore) -> None:
    lines = kwic(search(corpus, "lapsed", Filters()), width=20)
    assert [(k.left, k.keyword, k.right) for k in lines] == [
        ("onditions were not extended and"[-20:], "lapsed", ".")
    ]
    by_mention = kwic(search(corpus, "", Filters(measure=("NMO",))), width=10)
    assert [(k.left, k.keyword, k.right) for k in by_mention] == [
        ("A", "non-molestation order", "was consid")
    ]
    assert by_mention[0].render(10).index("non-molestation") == 12


def test_backends_agree_hit_for_hit(both: tuple[CorpusStore, CorpusStore]) -> None:
    """Same hits in the same order with the same scores, same totals and facets."""
    lite, pg = both
    for query, filters, _ in CASES:
        a = search(lite, query, filters, limit=50)
        b = search(pg, query, filters, limit=50)
        assert (a.total, a.order) == (b.total, b.order), query
        assert [h.to_dict() for h in a.hits] == [h.to_dict() for h in b.hits], query
        assert facets(lite, query, filters) == facets(pg, query, filters), query


def test_scores_prefer_rarer_words_and_repeats(corpus: CorpusStore) -> None:
    hits = search(corpus, "victim OR lapsed", Filters()).hits
    assert hits[0].sentence.endswith("and lapsed.")
    assert all(h.score > 0 for h in hits)


def test_fixture_records_are_valid() -> None:
    for record in records():
        for entity in record["entities"]:
            assert record["text"][entity["start"] : entity["end"]] == entity["text"]


def test_large_results_are_capped_and_flagged(corpus: CorpusStore, monkeypatch: pytest.MonkeyPatch) -> None:
    search_module = importlib.import_module("pipeline.store.search")

    full = search(corpus, "the", Filters(), limit=50)
    assert full.order == "rank" and full.total > 5
    monkeypatch.setattr(search_module, "RANK_CAP", 3)
    monkeypatch.setattr(search_module, "COUNT_CAP", 5)
    monkeypatch.setattr(search_module, "FACET_CAP", 4)
    capped = search(corpus, "the", Filters(), limit=2, offset=1)
    assert (capped.order, capped.total, capped.exact_total) == ("indexed", 5, False)
    ids = [h.sentence_id for h in search(corpus, "the", Filters(), limit=10).hits]
    assert ids == sorted(ids) and len(ids) == len(full.hits)
    assert [h.sentence_id for h in capped.hits] == ids[1:3]
    f = facets(corpus, "the")
    assert (f.sample, f.total, f.exact_total) == (4, 5, False)
    assert sum(f.force.values()) == 4
