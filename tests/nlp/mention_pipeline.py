"""A process-wide pipeline with the components under test (shorthand, sentences, mentions)."""

from __future__ import annotations

from functools import cache

from spacy.language import Language

from pipeline.nlp.loader import build_pipeline

MENTION_COMPONENTS = ["vawg_shorthand", "vawg_sentences", "vawg_mentions"]


@cache
def mention_nlp() -> Language:
    """shorthand -> sentences -> mentions, built from configs/pipeline.cfg once per process."""
    return build_pipeline(components=MENTION_COMPONENTS)


def ents(text: str) -> list[tuple[str, str]]:
    """(text, label) of each mention found in `text`."""
    return [(e.text, e.label_) for e in mention_nlp()(text).ents]
