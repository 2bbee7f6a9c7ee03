"""Train the small name NER shipped in `models/personal_data/` on generated case-note text.

Only the `train` split of `pipeline.train.pii_generate` is used (its own templates and name
lists); the entities are the bare name parts (`PERSON`), since ranks, titles and collar numbers
are found by rules. The model is a blank English pipeline with one `ner` on a narrow hash-embed
CNN, so it stays a couple of megabytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.paths import MODELS

DEFAULT_OUT = MODELS / "personal_data"
NER_MODEL: dict[str, Any] = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 64,
    "maxout_pieces": 2,
    "use_upper": True,
    "nO": None,
    "tok2vec": {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 64,
        "depth": 2,
        "embed_size": 1500,
        "window_size": 1,
        "maxout_pieces": 3,
        "subword_features": True,
    },
}


def _joined(examples: list[dict[str, Any]], rng: random.Random) -> Iterable[tuple[str, list[list[int]]]]:
    """Join one to three generated sentences into a note, shifting the name offsets."""
    i = 0
    while i < len(examples):
        group = examples[i : i + rng.choice((1, 1, 2, 3))]
        i += len(group)
        text, names = "", list[list[int]]()
        for ex in group:
            if text:
                text += rng.choice((" ", " ", "\n", ". "))
            names.extend([s + len(text), e + len(text)] for s, e in ex["names"])
            text += ex["text"]
        yield text, names


def name_free(n: int, seed: int) -> Iterable[dict[str, Any]]:
    """Case-note and report sentences with no names (the measure/signal generator), so the NER
    learns that capitalised note words ('Attended', 'Breach', 'Forces') are not people."""
    import re

    import yaml

    from pipeline.paths import CORPUS
    from pipeline.privacy.rules import rule_finder
    from pipeline.train.generate import generate as generate_notes

    def lists(node: Any) -> Iterable[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("surname", "pname") and isinstance(value, list):
                    yield from (str(v) for v in value)
                else:
                    yield from lists(value)

    vocab = yaml.safe_load((CORPUS / "templates" / "vocab.yaml").read_text(encoding="utf-8"))
    names = sorted(set(lists(vocab)))
    named = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b") if names else None
    rules = rule_finder()
    out = []
    for record in generate_notes(n * 2, seed=seed + 1000, prefix="pii-neg"):
        text = record["text"]
        if (named and named.search(text)) or rules.officer.search(text) or rules.titled.search(text):
            continue
        out.append(record)
        if len(out) >= n:
            break
    return out


def train(
    out: Path = DEFAULT_OUT, n: int = 3000, epochs: int = 12, seed: int = 0, negatives: float = 0.5
) -> dict[str, Any]:
    """Train on `n` generated sentences plus `n * negatives` name-free ones; save to `out`."""
    import spacy
    from spacy.training import Example
    from spacy.util import compounding, fix_random_seed, minibatch

    from pipeline.train.pii_generate import generate

    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner", config={"model": NER_MODEL})
    ner.add_label("PERSON")  # type: ignore[attr-defined]
    data = []
    examples = list(generate("train", n, seed, invented=0.4))
    examples += [{"text": r["text"], "names": []} for r in name_free(int(n * negatives), seed)]
    rng.shuffle(examples)
    for text, names in _joined(examples, rng):
        doc = nlp.make_doc(text)
        ents = [doc.char_span(s, e, "PERSON", alignment_mode="expand") for s, e in names]
        data.append(
            Example.from_dict(
                doc, {"entities": [(sp.start_char, sp.end_char, "PERSON") for sp in ents if sp is not None]}
            )
        )
    optimizer = nlp.initialize(lambda: data)
    losses: dict[str, float] = {}
    for _ in range(epochs):
        rng.shuffle(data)
        losses = {}
        for batch in minibatch(data, size=compounding(8.0, 32.0, 1.001)):
            nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
    nlp.meta.update(
        {
            "name": "personal_data",
            "version": "0.1.0",
            "description": "Name NER for vawg_personal_data, trained on generated case notes",
        }
    )
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return {
        "documents": len(data),
        "sentences": n,
        "epochs": epochs,
        "final_loss": round(float(losses.get("ner", 0.0)), 2),
        "out": str(out),
    }
