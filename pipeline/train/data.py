"""Training corpora for the signal classifier: records to sentence examples, through HF `datasets`.

A sentence example is ``{"id", "text", "labels": [codes], "source"}``. Records become
sentence examples by splitting their text with the pipeline's sentence splitter
(`vawg_sentences`, or spaCy's `sentencizer` if that is not available).

Which sentence gets a record's signal:
- a signal with `start`/`end` offsets (generated data, annotated records) goes to every
  sentence that overlaps its span;
- a signal without offsets (hand-written gold items) goes to the sentence where the
  keyword rules of `pipeline.train.weak` find the most evidence for that signal; if no
  sentence has any evidence, it goes to every sentence of the record (most gold items are
  a single sentence, where both rules agree).

Splits are stratified by the first label of each example (``NONE`` when it has none) and
seeded, so the same data and seed always give the same train and validation sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import datasets
import spacy
from spacy.language import Language

from pipeline import labels
from pipeline.errors import UsageError, not_found
from pipeline.records import read_jsonl, write_jsonl_atomic

NONE = "NONE"


@cache
def sentence_splitter() -> Language:
    """A blank English pipeline that only sets sentence boundaries."""
    nlp = spacy.blank("en")
    try:
        import pipeline.nlp.sentences  # noqa: F401  (registers vawg_sentences)

        nlp.add_pipe("vawg_sentences")
    except Exception:  # the project splitter is optional here
        nlp.add_pipe("sentencizer")
    return nlp


def sentence_bounds(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """Character (start, end) of each sentence of each text, whitespace trimmed."""
    out: list[list[tuple[int, int]]] = []
    for doc in sentence_splitter().pipe(texts, batch_size=256):
        bounds = []
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            if doc.text[start:end].strip():
                bounds.append((start, end))
        out.append(bounds or [(0, len(doc.text))])
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


def _best_sentences(label: str, texts: list[str]) -> list[int]:
    from pipeline.train.weak import label_evidence

    scores = [label_evidence(label, t) for t in texts]
    best = max(scores)
    if best <= 0:
        return list(range(len(texts)))
    return [i for i, s in enumerate(scores) if s == best]


def record_examples(records: Iterable[dict[str, Any]], source: str = "") -> list[dict[str, Any]]:
    """Sentence examples from records with `signals` (see the module docstring for the rule)."""
    records = list(records)
    known = set(labels.signals())
    bounds = sentence_bounds([r.get("text", "") for r in records])
    examples: list[dict[str, Any]] = []
    for rec, spans in zip(records, bounds, strict=True):
        text = rec.get("text", "")
        texts = [text[s:e].strip() for s, e in spans]
        per_sentence: list[set[str]] = [set() for _ in spans]
        for sig in rec.get("signals") or []:
            label = sig.get("label")
            if label not in known:
                continue
            if "start" in sig and "end" in sig:
                hit = [i for i, b in enumerate(spans) if _overlaps(b, (sig["start"], sig["end"]))]
            else:
                hit = _best_sentences(label, texts) if len(spans) > 1 else [0]
            for i in hit or range(len(spans)):
                per_sentence[i].add(label)
        ents = rec.get("entities") or []
        for i, sent_text in enumerate(texts):
            mentions = [[e["label"], e.get("status", "")] for e in ents
                        if _overlaps(spans[i], (int(e["start"]), int(e["end"])))]
            examples.append({
                "id": f"{rec.get('id', '')}#{i}",
                "text": sent_text,
                "labels": sorted(per_sentence[i]),
                "mentions": mentions,
                "source": source or str((rec.get("meta") or {}).get("source", "")),
            })
    return examples


def add_mentions(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill `entities` (label, status, offsets) with the pipeline's mention and status layer.

    Records that already have entities keep them; signals are never predicted here.
    """
    import pipeline

    todo = [i for i, r in enumerate(records) if not r.get("entities")]
    if not todo:
        return records
    nlp = pipeline.load()
    disabled = [n for n in ("vawg_signals",) if n in nlp.pipe_names]
    out = list(records)
    with nlp.select_pipes(disable=disabled):
        docs = nlp.pipe([str(records[i].get("text", "")) for i in todo], batch_size=64)
        for i, doc in zip(todo, docs, strict=True):
            ents = [{"start": e.start_char, "end": e.end_char, "label": e.label_, "status": e._.status or ""}
                    for e in doc.ents]
            out[i] = {**records[i], "entities": ents}
    return out


def is_example(row: dict[str, Any]) -> bool:
    return "labels" in row and "text" in row and "signals" not in row


def load_rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise not_found(path)
    return list(read_jsonl(path))


def examples_from_file(path: Path, source: str = "", mentions: bool = False) -> list[dict[str, Any]]:
    """Sentence examples from a JSON lines file of records or of sentence examples.

    With `mentions`, records without entities get them from the pipeline first.
    """
    rows = load_rows(path)
    if rows and all(is_example(r) for r in rows):
        return [{**r, "source": r.get("source") or source or path.stem} for r in rows]
    if any("text" not in r for r in rows):
        raise UsageError(f"{path}: rows need a 'text' field")
    return record_examples(add_mentions(rows) if mentions else rows, source or path.stem)


def to_dataset(examples: list[dict[str, Any]]) -> datasets.Dataset:
    """A `datasets.Dataset` with columns id, text, labels, source, strat."""
    return datasets.Dataset.from_list([
        {"id": e["id"], "text": e["text"], "labels": list(e["labels"]), "source": e.get("source", ""),
         "mentions": [list(m) for m in e.get("mentions", [])],
         "strat": (e["labels"][0] if e["labels"] else NONE)}
        for e in examples
    ])


def load_examples_dataset(path: Path) -> datasets.Dataset:
    """Sentence examples in a JSON lines file, loaded through `datasets` (JSON builder)."""
    if not path.exists():
        raise not_found(path)
    return datasets.load_dataset("json", data_files=str(path), split="train")


def split_dataset(ds: datasets.Dataset, test_size: float = 0.1, seed: int = 0,
                  key: str = "strat") -> tuple[datasets.Dataset, datasets.Dataset]:
    """Stratified, seeded train / validation split (plain seeded split if stratifying fails)."""
    if len(ds) < 4:
        return ds, ds.select([])
    try:
        encoded = ds.class_encode_column(key)
        parts = encoded.train_test_split(test_size=test_size, seed=seed, stratify_by_column=key)
    except ValueError:
        parts = ds.train_test_split(test_size=test_size, seed=seed)
    return parts["train"], parts["test"]


def rows_of(ds: datasets.Dataset) -> list[dict[str, Any]]:
    """Plain example dicts (the `strat` helper column dropped)."""
    return [{"id": r["id"], "text": r["text"], "labels": list(r["labels"]), "source": r["source"],
             "mentions": [list(m) for m in r.get("mentions") or []]} for r in ds]


def write_examples(path: Path, examples: Iterable[dict[str, Any]]) -> int:
    return write_jsonl_atomic(path, examples)


def export_dataset(records_path: Path, out: Path, fmt: str = "both") -> dict[str, Any]:
    """Write sentence examples from a records file as a `datasets` folder and/or Parquet."""
    if fmt not in ("both", "datasets", "parquet"):
        raise UsageError(f"--format must be both, datasets or parquet, not {fmt!r}")
    ds = to_dataset(examples_from_file(records_path))
    out.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    if fmt in ("both", "datasets"):
        ds.save_to_disk(str(out / "dataset"))
        written.append(str(out / "dataset"))
    if fmt in ("both", "parquet"):
        ds.to_parquet(str(out / "examples.parquet"))
        written.append(str(out / "examples.parquet"))
    counts = {lab: 0 for lab in labels.signals()}
    for labs in ds["labels"]:
        for lab in labs:
            counts[lab] += 1
    return {"examples": len(ds), "written": written, "label_counts": counts}
