"""Signal classification throughput (sentences/s) and whole-pipeline words/s on one core.

Sentences come from the benchmark corpus (`pipeline.bench.corpus`, not training data),
split by the pipeline's sentence splitter. Figures:
- the `vawg_signals` classifier alone, scoring pre-split sentence texts in batches;
- the whole pipeline (configs/pipeline.cfg, signals included when it is configured) over
  whole documents, in one process, with BLAS pinned to one thread.
Rates are per CPU second of this process (the machine is shared, so wall-clock rates
depend on the load); the wall-clock rate is printed beside them.

    python -m pipeline.bench.signals_bench [--words 200000] [--model models/signals]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from threadpoolctl import threadpool_limits

from pipeline.bench.corpus import generate_documents
from pipeline.paths import MODELS


def _sentences(texts: Sequence[str]) -> list[str]:
    from pipeline.train.data import sentence_bounds

    return [t[s:e] for t, bounds in zip(texts, sentence_bounds(texts), strict=True) for s, e in bounds]


def _clock() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def _rates(n: int, since: tuple[float, float]) -> tuple[float, float]:
    cpu, wall = _clock()
    return n / max(cpu - since[0], 1e-9), n / max(wall - since[1], 1e-9)


def classifier_rate(model_path: str, sentences: list[str]) -> tuple[float, float, int]:
    """Sentences per CPU second and per wall second for the classifier alone, and sentences flagged."""
    import spacy

    from pipeline.nlp.signals import SignalClassifier

    comp = SignalClassifier(spacy.blank("en"), "vawg_signals", model_path)
    comp.score_texts(sentences[:50])  # load and warm up
    thresholds = comp.thresholds
    start = _clock()
    scores = comp.score_texts(sentences)
    cpu_rate, wall_rate = _rates(len(sentences), start)
    flagged = sum(1 for sc in scores if any(v >= thresholds.get(k, 0.5) for k, v in sc.items()))
    return cpu_rate, wall_rate, flagged


def pipeline_rate(texts: list[str]) -> tuple[float, float, list[str], int]:
    """Words per CPU and per wall second for the whole pipeline, its components, signals found."""
    from pipeline.nlp.loader import build_pipeline

    nlp = build_pipeline()
    list(nlp.pipe(texts[:20]))  # warm up (loads nested models)
    words = sum(len(t.split()) for t in texts)
    start = _clock()
    signals = 0
    for doc in nlp.pipe(texts, batch_size=64):
        group = doc.spans.get("signals")
        signals += len(group) if group is not None else 0
    cpu_rate, wall_rate = _rates(words, start)
    return cpu_rate, wall_rate, list(nlp.pipe_names), signals


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=200_000)
    ap.add_argument("--model", default=str(MODELS / "signals"))
    args = ap.parse_args(argv)
    with threadpool_limits(limits=1):
        texts = generate_documents(args.words, seed=3)
        sentences = _sentences(texts)
        rate, wall, flagged = classifier_rate(args.model, sentences)
        print(f"signals classifier: {rate:,.0f} sentences per CPU second on one core (wall {wall:,.0f}/s; "
              f"{len(sentences):,} sentences, {flagged:,} with a signal)")
        wps, wall, names, found = pipeline_rate(texts)
        print(f"whole pipeline {names}: {wps:,.0f} words per CPU second on one core (wall {wall:,.0f}/s; "
              f"{found:,} signal spans)")


if __name__ == "__main__":
    main()
