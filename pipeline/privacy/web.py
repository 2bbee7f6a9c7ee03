"""Per-role pseudonyms for the web app (opt-in: `vawg serve --redact`).

`enable(app, options)` attaches a `WebPrivacy` to the app's `WebApp` as `.privacy`; every page
and export that shows document text (search hits, KWIC, CSV, the document page) then shows a
viewer pseudonyms and pseudonymous document ids, and an admin too unless they ask for
`?reveal=1`, which the route audits. Without `enable` nothing changes.

Each document's replacement plan is found once, kept in the store (`pipeline.privacy.plans`,
reused while the document is unchanged) and in memory (keyed by document id and corpus
version): a search hit is the matching slice of the pseudonymised document, so a person is the
same Person-N in a hit as on the document page, and no hit redacts a whole document again.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pipeline.privacy.plans import plan_for
from pipeline.privacy.pseudonym import DOC_ID_PREFIX, pseudonymous_id
from pipeline.privacy.redact import RedactOptions, Redactor, apply_plan, can_reveal
from pipeline.privacy.remap import OffsetMap, Replacement, apply

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from fastapi import FastAPI

    from pipeline.store import CorpusStore, SearchResult
    from pipeline.web.views import DocumentView

WITHHELD = "(withheld)"
TEXT_WITHHELD = "(text withheld: it could not be pseudonymised)"
WITHHELD_LABEL = "WITHHELD"
PERSONAL_QUERY = (
    "the search matches personal data (a name, number or address), which pseudonymised pages "
    "do not search: search for words of the case instead"
)
PATH_KEYS = frozenset({"source", "path", "file", "filename", "source_path"})  # file names hold names


@dataclass(frozen=True)
class DocRedaction:
    """One document's plan, its pseudonymised text and the offset map old -> new."""

    shown_id: str
    plan: list[Replacement]
    text: str
    offsets: OffsetMap


class WebPrivacy:
    """The redactor the web app uses, a per-document plan cache and the view rewrites."""

    def __init__(
        self, options: RedactOptions | None = None, cache_size: int = 256, keep: bool = True
    ) -> None:
        self.redactor = Redactor(options)
        self.keep = keep  # keep found plans in the store (pipeline.privacy.plans)
        self.cache_size = cache_size
        self._docs: OrderedDict[tuple[str, tuple[Any, ...]], DocRedaction] = OrderedDict()
        self._ids: tuple[tuple[Any, ...], dict[str, str]] | None = None  # replaced whole, never mutated
        self._lock = threading.Lock()
        self.computed = 0  # plans found (neither kept nor cached), for tests and benchmarks

    def reveal(self, role: str, asked: bool) -> bool:
        """Whether to show originals: only an admin who asked."""
        return asked and can_reveal(role)

    # -- ids --------------------------------------------------------------------------------
    def shown_id(self, doc_id: str) -> str:
        """The pseudonymous id a reader sees for `doc_id`."""
        return pseudonymous_id(doc_id, self.redactor.options.key)

    def resolve(self, store: CorpusStore, doc_id: str) -> str:
        """The real id behind a pseudonymous one (ids that are not pseudonymous pass through)."""
        if not doc_id.startswith(DOC_ID_PREFIX):
            return doc_id
        version = _version(store)
        if self._ids is None or self._ids[0] != version:
            ids = [str(r[0]) for r in store.query("SELECT id FROM documents")]
            self._ids = (version, {self.shown_id(i): i for i in ids})
        return self._ids[1].get(doc_id, doc_id)

    # -- per-document plans -----------------------------------------------------------------
    def redaction(
        self, store: CorpusStore, doc_id: str, version: tuple[Any, ...] | None = None
    ) -> DocRedaction | None:
        """The document's pseudonymisation, found once per corpus version (None: no such doc)."""
        key = (doc_id, version if version is not None else _version(store))
        with self._lock:  # routes run in a thread pool
            cached = self._docs.get(key)
            if cached is not None:
                self._docs.move_to_end(key)
                return cached
        try:
            got = plan_for(store, self.redactor, doc_id, keep=self.keep)
        except Exception:  # fail closed: a document that cannot be pseudonymised shows no text
            log.exception("could not pseudonymise document %s: its text is withheld", doc_id)
            got = _withheld(store, doc_id)
        if got is None:
            return None
        record, plan, fresh = got
        new_text, offsets = apply(record["text"], plan)
        found = DocRedaction(self.shown_id(doc_id), plan, new_text, offsets)
        with self._lock:
            self.computed += 1 if fresh else 0
            self._docs[key] = found
            while len(self._docs) > self.cache_size:
                self._docs.popitem(last=False)
        return found

    def result(self, store: CorpusStore, result: SearchResult) -> SearchResult:
        """Search hits as a reader sees them: pseudonymous ids, sentences cut from the
        pseudonymised document, mentions and matched words at remapped offsets."""
        version = _version(store)
        hits = []
        for hit in result.hits:
            red = self.redaction(store, hit.doc_id, version)
            if red is None:  # removed since the search ran: show nothing of it
                hits.append(
                    replace(hit, doc_id=self.shown_id(hit.doc_id), sentence="", terms=[], mentions=[])
                )
                continue
            om = red.offsets
            start, end = om.start(hit.start), om.end(hit.end)
            hits.append(
                replace(
                    hit,
                    doc_id=red.shown_id,
                    start=start,
                    end=end,
                    sentence=red.text[start:end],
                    terms=[
                        (om.start(hit.start + s) - start, om.end(hit.start + e) - start) for s, e in hit.terms
                    ],
                    mentions=[
                        replace(
                            m,
                            start=om.start(m.start),
                            end=om.end(m.end),
                            text=red.text[om.start(m.start) : om.end(m.end)],
                        )
                        for m in hit.mentions
                    ],
                )
            )
        return replace(result, hits=hits)

    def searches_personal_data(self, store: CorpusStore, result: SearchResult) -> bool:
        """Whether a matched word of a hit is personal data: a search for a name would confirm
        who is in which document even with the name pseudonymised."""
        version = _version(store)
        for hit in result.hits:
            red = self.redaction(store, hit.doc_id, version) if hit.terms else None
            if red is None:
                continue
            for s, e in hit.terms:
                a, b = hit.start + s, hit.start + e
                if any(r.start < b and a < r.end and r.label != WITHHELD_LABEL for r in red.plan):
                    return True
        return False

    # -- the document page ------------------------------------------------------------------
    def document(self, doc: DocumentView, store: CorpusStore | None = None) -> DocumentView:
        """The document view with personal data pseudonymised and every offset remapped (with
        `store`, from the cached plan the search pages use too)."""
        from pipeline.web.views import PageView, SignalSentence, pieces

        record: dict[str, Any] = {
            "id": doc.id,
            "text": doc.text,
            "meta": doc.meta,
            "pages": [{"page": p.number, "start": p.start, "end": p.end} for p in doc.pages],
            "entities": [dict(m) for m in doc.mentions],
            "signals": [{"label": "|".join(g.labels), "start": g.start, "end": g.end} for g in doc.sentences],
        }
        red = self.redaction(store, doc.id) if store is not None else None
        plan = red.plan if red is not None else self.redactor.plan(record)
        out = apply_plan(record, plan, keyed=self.redactor.options.key is not None)
        text = out["text"]
        mentions = [
            {**old, "start": new["start"], "end": new["end"], "text": new["text"]}
            for old, new in zip(doc.mentions, out["entities"], strict=True)
        ]
        sentences = [
            SignalSentence(g.n, s["start"], s["end"], list(g.labels))
            for g, s in zip(doc.sentences, out["signals"], strict=True)
        ]
        m_spans = [(m["start"], m["end"]) for m in mentions]
        g_spans = [(g.start, g.end) for g in sentences]
        pages = []
        for old, new in zip(doc.pages, out["pages"], strict=True):
            start, end = new["start"], new["end"]
            page = PageView(
                old.number,
                start,
                end,
                pieces(text[start:end], start, m_spans, None, g_spans),
                list(old.signal_ids),
            )
            for i in page.signal_ids:
                sentences[i].page = old.number
            pages.append(page)
        facts = [(k, WITHHELD if k in PATH_KEYS else self._scrub(v)) for k, v in doc.facts]
        failed = any(r.label == WITHHELD_LABEL for r in plan)
        meta = {k: WITHHELD if k in PATH_KEYS or failed else v for k, v in out["meta"].items()}
        return replace(
            doc,
            id=self.shown_id(doc.id),
            meta=meta,
            text=text,
            pages=pages,
            mentions=mentions,
            sentences=sentences,
            facts=facts,
        )

    def _scrub(self, value: str) -> str:
        """Fact values with found personal data pseudonymised."""
        from pipeline.privacy.text import redact_texts

        try:
            texts, _ = redact_texts([value], self.redactor)
        except Exception:  # fail closed, as for document text
            return WITHHELD
        return texts[0]


def _withheld(store: CorpusStore, doc_id: str) -> tuple[dict[str, Any], list[Replacement], bool] | None:
    """A plan replacing the whole text, for a document the finder failed on (never kept)."""
    rows = store.query("SELECT text FROM documents WHERE id = ?", [doc_id])
    if not rows:
        return None
    text = str(rows[0][0] or "")
    return {"id": doc_id, "text": text}, [Replacement(0, len(text), TEXT_WITHHELD, WITHHELD_LABEL)], True


def _version(store: CorpusStore) -> tuple[Any, ...]:
    from pipeline.web.views import corpus_version

    return corpus_version(store)


def enable(app: FastAPI, options: RedactOptions | None = None) -> WebPrivacy:
    """Turn on pseudonymised pages and exports for `app` (from `pipeline.web.create_app`)."""
    privacy = WebPrivacy(options)
    app.state.web.privacy = privacy
    return privacy
