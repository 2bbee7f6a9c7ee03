"""BM25 scores for a set of matching sentences, computed the same way for every back-end.

FTS5's bm25() and PostgreSQL's ts_rank differ, and FTS5's reads the whole posting list of
every query word (a phrase of two common words is evaluated over the full table), which
costs hundreds of milliseconds at a million sentences. The store instead ranks the (capped)
set of matches here: term frequency and sentence length from the store's own tokens, and
document frequency counted by the store, stopping at DF_CAP (a word in more than DF_CAP
sentences is simply "common"); a phrase's document frequency is that of its rarest word.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pipeline.store.base import CorpusStore
from pipeline.store.model import Filters
from pipeline.store.query import Term
from pipeline.store.text import words

K1 = 1.2
B = 0.75
DF_CAP = 10_000


def _tf(tokens: list[str], term: Term) -> int:
    width = len(term.tokens)
    if width == 1:
        if term.prefix:
            return sum(1 for tok in tokens if tok.startswith(term.tokens[0]))
        return tokens.count(term.tokens[0])
    head, last = term.tokens[:-1], term.tokens[-1]
    n = 0
    for i in range(len(tokens) - width + 1):
        tok = tokens[i + width - 1]
        if (tok.startswith(last) if term.prefix else tok == last) and tuple(
            tokens[i : i + width - 1]
        ) == head:
            n += 1
    return n


def _document_frequency(store: CorpusStore, term: Term, cache: dict[Term, int]) -> int:
    """Sentences holding the term's rarest word (capped at DF_CAP)."""
    dfs = []
    for k, token in enumerate(term.tokens):
        single = Term((token,), term.prefix and k == len(term.tokens) - 1)
        if single not in cache:
            cache[single] = store.count_hits(store.compile(single, Filters()), cap=DF_CAP)
        dfs.append(cache[single])
    return min(dfs) if dfs else 0


def bm25_scores(store: CorpusStore, terms: Sequence[Term], sentences: Sequence[str]) -> list[float]:
    """One BM25 score per sentence for the positive query terms (0 for a term it lacks)."""
    if not sentences or not terms:
        return [0.0] * len(sentences)
    unique = list(dict.fromkeys(terms))
    n_total = max(store.sentence_count(), 1)
    cache: dict[Term, int] = {}
    idf = []
    for term in unique:
        df = min(_document_frequency(store, term, cache), n_total)
        idf.append(math.log(1.0 + (n_total - df + 0.5) / (df + 0.5)))
    tokenised = [words(s) for s in sentences]
    avgdl = max(sum(len(t) for t in tokenised) / len(tokenised), 1.0)
    scores = []
    for toks in tokenised:
        norm = K1 * (1.0 - B + B * len(toks) / avgdl)
        score = 0.0
        for term, weight in zip(unique, idf, strict=True):
            tf = _tf(toks, term)
            if tf:
                score += weight * tf * (K1 + 1.0) / (tf + norm)
        scores.append(round(score, 9))
    return scores
