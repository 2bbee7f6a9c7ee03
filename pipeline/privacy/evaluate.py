"""Score personal-data finding on the generated evaluation split, per type.

A gold span is found when a predicted span of the same label overlaps it (one-to-one, largest
overlap first, as the measure scorer does); the `names` row pools PERSON and OFFICER so that an
officer tagged as a person still counts. `leaks` lists gold name words that survive redaction.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from pipeline.privacy.rules import LABELS, NAME_LABELS, STRUCTURED, PiiSpan

DEFAULT_N = 600


def _pairs(gold: list[dict[str, Any]], pred: list[PiiSpan], same: Any) -> int:
    taken: set[int] = set()
    hits = 0
    for g in gold:
        best, size = -1, 0
        for i, p in enumerate(pred):
            if i in taken or not same(g["label"], p.label):
                continue
            shared = min(g["end"], p.end) - max(g["start"], p.start)
            if shared > size:
                best, size = i, shared
        if best >= 0:
            taken.add(best)
            hits += 1
    return hits


def _row(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"p": round(p, 4), "r": round(r, 4), "tp": tp, "fp": fp, "fn": fn, "gold": tp + fn}


def score(examples: Iterable[dict[str, Any]], predict: Any) -> dict[str, Any]:
    """Per-label, structured, names and overall P/R; `predict(text)` returns PiiSpans."""
    counts: dict[str, Counter[str]] = {}
    sentences = 0
    for ex in examples:
        sentences += 1
        pred = predict(ex["text"])
        groups = [(lab, (lab,)) for lab in LABELS] + [
            ("names", NAME_LABELS),
            ("structured", STRUCTURED),
            ("all", LABELS),
        ]
        for name, labels in groups:
            gold = [g for g in ex["spans"] if g["label"] in labels]
            mine = [p for p in pred if p.label in labels]
            pooled = name in ("names", "structured", "all")
            tp = _pairs(
                gold, mine, (lambda a, b: True) if pooled and name != "structured" else (lambda a, b: a == b)
            )
            c = counts.setdefault(name, Counter())
            c.update(tp=tp, fp=len(mine) - tp, fn=len(gold) - tp)
    rows = {name: _row(c["tp"], c["fp"], c["fn"]) for name, c in counts.items()}
    return {"sentences": sentences, "rows": rows}


def leaks(examples: Iterable[dict[str, Any]], redact: Any) -> list[tuple[str, str]]:
    """(example id, name word) for every gold name word still present after `redact(example)`."""
    out: list[tuple[str, str]] = []
    for ex in examples:
        redacted = redact(ex)
        for s, e in ex["names"]:
            for word in re.findall(r"[A-Za-z][A-Za-z'-]+", ex["text"][s:e]):
                if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", redacted):
                    out.append((ex["id"], word))
    return out


def evaluate(n: int = DEFAULT_N, seed: int = 0, model: str | None = None) -> dict[str, Any]:
    """Generate `n` evaluation sentences, find personal data and score it; also count name leaks."""
    from pipeline.privacy.detect import DEFAULT_MODEL, PersonalDataFinder
    from pipeline.privacy.redact import Redactor
    from pipeline.train.pii_generate import generate

    finder = PersonalDataFinder(model_path=model or DEFAULT_MODEL)
    examples = list(generate("eval", n, seed))
    result = score(examples, finder.find)
    redactor = Redactor(finder=finder)
    from pipeline.privacy.train_ner import name_free

    notes = list(name_free(n, seed + 5000))
    false_names = [
        (r["text"], r["text"][s.start : s.end])
        for r in notes
        for s in finder.find(r["text"])
        if s.label in NAME_LABELS
    ]
    result["name_free"] = {"sentences": len(notes), "false_names": false_names}
    result["leaks"] = leaks(
        examples,
        lambda ex: redactor.redact({"id": ex["id"], "text": ex["text"], "entities": [], "signals": []})[
            "text"
        ],
    )
    return result


def format_table(result: dict[str, Any]) -> str:
    """The per-type table for the terminal."""
    lines = [
        f"personal data on {result['sentences']} generated evaluation sentences (overlap match)",
        f"{'type':<12} {'gold':>5} {'P':>7} {'R':>7} {'fp':>4} {'fn':>4}",
    ]
    for name, row in result["rows"].items():
        if name in ("names", "structured", "all"):
            lines.append("-" * 42)
        lines.append(
            f"{name:<12} {row['gold']:>5} {row['p']:>7.3f} {row['r']:>7.3f} {row['fp']:>4} {row['fn']:>4}"
        )
    lines.append(f"gold name words left after redaction: {len(result['leaks'])}")
    free = result.get("name_free")
    if free:
        lines.append(
            f"names wrongly found in {free['sentences']} name-free case-note sentences: "
            f"{len(free['false_names'])}"
        )
    return "\n".join(lines)
