"""Per-role pseudonyms for the web app's document page (opt-in: `vawg serve --redact`).

`enable(app, options)` attaches a `WebPrivacy` to the app's `WebApp` as `.privacy`; the document
route then shows a viewer the pseudonymised document, and an admin too unless they ask for
`?reveal=1`, which the route audits. Without `enable` nothing changes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pipeline.privacy.redact import RedactOptions, Redactor, can_reveal

if TYPE_CHECKING:
    from fastapi import FastAPI

    from pipeline.web.views import DocumentView


class WebPrivacy:
    """The redactor the web app uses, and the document-view rewrite."""

    def __init__(self, options: RedactOptions | None = None) -> None:
        self.redactor = Redactor(options)

    def reveal(self, role: str, asked: bool) -> bool:
        """Whether to show originals: only an admin who asked."""
        return asked and can_reveal(role)

    def document(self, doc: DocumentView) -> DocumentView:
        """The document view with personal data pseudonymised and every offset remapped."""
        from pipeline.web.views import PageView, SignalSentence, pieces

        record: dict[str, Any] = {
            "id": doc.id,
            "text": doc.text,
            "meta": doc.meta,
            "pages": [{"page": p.number, "start": p.start, "end": p.end} for p in doc.pages],
            "entities": [dict(m) for m in doc.mentions],
            "signals": [{"label": "|".join(g.labels), "start": g.start, "end": g.end} for g in doc.sentences],
        }
        out = self.redactor.redact(record)
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
        return replace(
            doc,
            meta=out["meta"],
            text=text,
            pages=pages,
            mentions=mentions,
            sentences=sentences,
            facts=[(k, self._scrub(v)) for k, v in doc.facts],
        )

    def _scrub(self, value: str) -> str:
        """Fact values (a source path may hold a name) with found personal data pseudonymised."""
        from pipeline.privacy.text import redact_texts

        texts, _ = redact_texts([value], self.redactor)
        return texts[0]


def enable(app: FastAPI, options: RedactOptions | None = None) -> WebPrivacy:
    """Turn on pseudonymised document pages for `app` (from `pipeline.web.create_app`)."""
    privacy = WebPrivacy(options)
    app.state.web.privacy = privacy
    return privacy
