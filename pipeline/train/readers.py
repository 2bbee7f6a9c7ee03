"""spaCy corpus reader for sentence-level signal examples (`vawg.SignalCorpus.v1`).

Reads JSON lines of sentence examples (``{"text", "labels": [codes]}``, as written by
`pipeline.train.data`) and yields `Example`s whose `cats` give 1.0 to each listed signal
and 0.0 to every other one, so `textcat_multilabel` sees all twelve labels every time.
With `markers` on, the text is prefixed with mention/status marker tokens.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.training import Example

from pipeline import labels
from pipeline.nlp.signal_text import marked_text


@spacy.registry.readers("vawg.SignalCorpus.v1")
def signal_corpus(path: Path, limit: int = 0, shuffle: bool = False, markers: bool = False,
                  seed: int = 0) -> Callable[[Language], Iterator[Example]]:
    """A corpus callable over one JSON lines file of sentence examples."""
    codes = labels.signals()

    def read(nlp: Language) -> Iterator[Example]:
        rows = []
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rows.append(json.loads(line))
        if shuffle:
            random.Random(seed).shuffle(rows)
        if limit:
            rows = rows[:limit]
        for row in rows:
            text = marked_text(row["text"], row.get("mentions") or []) if markers else row["text"]
            doc = nlp.make_doc(text)
            gold = set(row.get("labels") or [])
            yield Example.from_dict(doc, {"cats": {c: float(c in gold) for c in codes}})

    return read
