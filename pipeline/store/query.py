"""The search query language: parse it into an AST, render it for FTS5 and for tsquery.

Grammar (operators in capitals; adjacent terms are ANDed; NOT binds tightest, then AND, OR):

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*
    unary   := ("NOT" | "-") unary | primary
    primary := "(" or ")" | '"' words '"' ["*"] | word ["*"]

Every term is reduced to the store's folded tokens (`pipeline.store.text`), quoted in the
rendered output and passed as one bound parameter, so no input can change the SQL or the
full-text syntax. NOT needs a positive term beside it ("bail NOT breach"): a query that only
excludes cannot be answered by FTS5 and is refused with a one-line error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.errors import UsageError
from pipeline.store.text import words

MAX_QUERY_CHARS = 1000
MAX_TERMS = 64


class QueryError(UsageError):
    """A malformed search query (the message says where and why)."""


@dataclass(frozen=True)
class Term:
    """A word (one token) or a phrase (several); `prefix` makes the last token a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | And | Or | Not

_LEX = re.compile(r'\s+|(?P<lp>\()|(?P<rp>\))|(?P<phrase>"[^"]*"\*?)|(?P<quote>")|(?P<word>[^\s()"]+)')
_OPERATORS = {"AND", "OR", "NOT"}


def _lex(q: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _LEX.finditer(q):
        kind = m.lastgroup
        if kind is None:
            continue
        if kind == "quote":
            raise QueryError(f"unclosed quote in query at character {m.start() + 1}")
        text = m.group()
        if kind == "word" and text in _OPERATORS:
            kind = text
        elif kind == "word" and text.startswith("-") and len(text) > 1:
            out.append(("NOT", "-"))
            text = text[1:]
        out.append((kind, text))
    return out


class _Parser:
    def __init__(self, toks: list[tuple[str, str]]) -> None:
        self.toks = toks
        self.i = 0
        self.terms = 0

    def peek(self) -> str | None:
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse_or(self) -> Node | None:
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            if self.peek() in (None, "rp", "OR", "AND"):
                raise QueryError("OR needs a term on both sides")
            parts.append(self.parse_and())
        kept = [p for p in parts if p is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def parse_and(self) -> Node | None:
        if self.peek() in ("AND", "OR"):
            raise QueryError(f"{self.peek()} needs a term on both sides")
        parts: list[Node | None] = [self.parse_unary()]
        while self.peek() not in (None, "rp", "OR"):
            if self.peek() == "AND":
                self.take()
                if self.peek() in (None, "rp", "OR", "AND"):
                    raise QueryError("AND needs a term on both sides")
            parts.append(self.parse_unary())
        kept = [p for p in parts if p is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else And(tuple(kept))

    def parse_unary(self) -> Node | None:
        if self.peek() == "NOT":
            self.take()
            if self.peek() in (None, "rp", "OR", "AND"):
                raise QueryError("NOT needs a term after it")
            inner = self.parse_unary()
            if inner is None:
                return None
            return inner.child if isinstance(inner, Not) else Not(inner)
        return self.parse_primary()

    def parse_primary(self) -> Node | None:
        kind, text = self.take()
        if kind == "lp":
            if self.peek() == "rp":
                self.take()
                return None
            inner = self.parse_or()
            if self.peek() != "rp":
                raise QueryError("unbalanced parentheses in query: missing ')'")
            self.take()
            return inner
        if kind == "rp":
            raise QueryError("unbalanced parentheses in query: unexpected ')'")
        prefix = text.endswith("*")
        body = text.rstrip("*")
        if kind == "phrase":
            body = body[1:-1]
        toks = tuple(words(body))
        if not toks:
            return None
        self.terms += len(toks)
        if self.terms > MAX_TERMS:
            raise QueryError(f"query has too many terms (at most {MAX_TERMS})")
        return Term(toks, prefix)


def parse(query: str) -> Node | None:
    """Parse a query into an AST; None when it holds no searchable words (filter-only)."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query is too long (at most {MAX_QUERY_CHARS} characters)")
    parser = _Parser(_lex(query))
    if not parser.toks:
        return None
    node = parser.parse_or()
    if parser.i < len(parser.toks):
        raise QueryError("unbalanced parentheses in query: unexpected ')'")
    if node is not None:
        _check_negation(node, top=True)
    return node


def _check_negation(node: Node, top: bool = False) -> None:
    if isinstance(node, Not):
        where = "on its own" if top else "inside OR"
        raise QueryError(f"NOT cannot stand {where}: combine it with a word, e.g. 'bail NOT breach'")
    if isinstance(node, Or):
        for child in node.children:
            _check_negation(child)
    elif isinstance(node, And):
        positives = [c for c in node.children if not isinstance(c, Not)]
        if not positives:
            raise QueryError("NOT needs a positive term beside it, e.g. 'bail NOT breach'")
        for child in node.children:
            _check_negation(child.child if isinstance(child, Not) else child)


def positive_terms(node: Node | None) -> list[Term]:
    """The terms a hit can contain (everything not under NOT), for highlighting."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Term):
        return [node]
    return [t for child in node.children for t in positive_terms(child)]


def to_fts5(node: Node) -> str:
    """The FTS5 MATCH expression for `node`."""
    if isinstance(node, Term):
        return '"' + " ".join(node.tokens) + '"' + ("*" if node.prefix else "")
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts5(c) for c in node.children) + ")"
    if isinstance(node, And):
        pos = [to_fts5(c) for c in node.children if not isinstance(c, Not)]
        neg = [to_fts5(c.child) for c in node.children if isinstance(c, Not)]
        expr = "(" + " AND ".join(pos) + ")"
        return f"({expr} NOT ({' OR '.join(neg)}))" if neg else expr
    raise QueryError("NOT needs a positive term beside it")


def to_tsquery(node: Node) -> str:
    """The tsquery input form for `node` (tokens quoted; no text-search configuration applied)."""
    if isinstance(node, Term):
        parts = [f"'{t}'" for t in node.tokens]
        if node.prefix:
            parts[-1] += ":*"
        return "(" + " <-> ".join(parts) + ")"
    if isinstance(node, Or):
        return "(" + " | ".join(to_tsquery(c) for c in node.children) + ")"
    if isinstance(node, And):
        return "(" + " & ".join(to_tsquery(c) for c in node.children) + ")"
    return "!" + to_tsquery(node.child)
