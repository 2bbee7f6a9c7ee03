"""Status accuracy with gold mentions given: isolates the status rules from mention finding.

Each gold record's text runs through the pipeline up to (not including) the mention
component; the gold mentions are set as `doc.ents`; then the status component runs. The
result is scored with `evaluate` (so the confusion matrix reads the same as `vawg evaluate`).

    python -m pipeline.train.status_eval                 # gold train and heldout splits
    python -m pipeline.train.status_eval --gold dev.jsonl
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.records import read_jsonl
from pipeline.train.evaluate import evaluate, format_table

MENTIONS = "vawg_mentions"
STATUS = "vawg_status"
MODEL = "vawg_status_model"


def gold_mention_docs(
    nlp: Language, gold: Iterable[dict[str, Any]], with_model: bool = True
) -> Iterator[tuple[dict[str, Any], Doc, list[Span | None]]]:
    """Each gold record with its Doc: pipeline up to the mentions, gold mentions set as
    `doc.ents`, then the status rules (and the status model if `with_model` and present).
    The spans list is parallel to the record's entities (None where a span will not align)."""
    skip = (MENTIONS, STATUS, MODEL)
    before = [name for name in nlp.pipe_names if name not in skip and "signal" not in name]
    after = [STATUS] + ([MODEL] if with_model and MODEL in nlp.pipe_names else [])
    for record in gold:
        doc = nlp.make_doc(record["text"])
        for name in before:
            doc = nlp.get_pipe(name)(doc)
        spans = [
            doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="expand")
            for e in record["entities"]
        ]
        doc.ents = [s for s in spans if s is not None]
        for name in after:
            doc = nlp.get_pipe(name)(doc)
        yield record, doc, spans


def status_with_gold_mentions(nlp: Language, gold: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of the gold records whose entity statuses come from the status component(s)."""
    out = []
    for record, doc, spans in gold_mention_docs(nlp, gold):
        pred = copy.deepcopy(record)
        by_start = {ent.start_char: ent._.status for ent in doc.ents}
        for ent, span in zip(pred["entities"], spans, strict=True):
            ent["status"] = by_start.get(span.start_char) if span is not None else None
        out.append(pred)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gold", type=Path, action="append", help="gold JSON lines (default: corpus/gold splits)"
    )
    parser.add_argument("--model", default=None, help="pipeline folder or .cfg (default: the shipped one)")
    args = parser.parse_args(argv)
    import pipeline

    nlp = pipeline.load(args.model)
    sets: dict[str, list[dict[str, Any]]] = {}
    if args.gold:
        for path in args.gold:
            sets[path.stem] = list(read_jsonl(path))
    else:
        from pipeline.train.splits import load_gold

        sets = {"train": load_gold("train"), "heldout": load_gold("heldout")}
    for name, gold in sets.items():
        result = evaluate(gold, status_with_gold_mentions(nlp, gold))
        table = format_table(result, name)
        print(table[table.index("== Status") :])
        per = result["status_per_label"]
        print(
            "per status (P/R/F1): "
            + "  ".join(f"{s} {v['p']:.2f}/{v['r']:.2f}/{v['f']:.2f}" for s, v in per.items())
        )
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
