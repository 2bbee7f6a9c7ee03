"""Active learning: pick the sentences most worth a person's time for the next annotation round.

Every sentence of the source documents gets mentions and statuses from the rule pipeline
and a score per signal from the signal model (`--model`: a folder written by `vawg train
signals` / `vawg train baseline`, or a full pipeline holding `vawg_signals`). Strategies:

- ``uncertainty``: how close the sentence's most uncertain signal score is to that label's
  threshold (1 at the threshold, 0 at 0 or 1): ``1 - |score - t| / max(t, 1 - t)``;
- ``disagreement``: how much rules and model disagree. There is no trained status model
  yet, so status disagreement is read between the status rules and what the classifier's
  signals imply: a status-based labelling function (e.g. MARAC ``not_used`` -> NO_REFERRAL)
  fires and the model does not give that signal, or the model gives a signal whose implied
  status (NO_REFERRAL -> MARAC/IDVA ``not_used``) contradicts the rule status of a mention
  of that measure in the sentence (weight 2 each); keyword cue rules voting otherwise than
  the model add 1 per label. Uncertainty breaks ties;
- ``random``: a seeded random sample (the baseline to beat).

Picks are spread across documents: at most `per_doc` sentences from any one document.
Ties and the random strategy use `seed`, so a selection can be reproduced.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError, not_found
from pipeline.records import Document
from pipeline.train.weak import LFS, ORDERS, aggregate, apply_lfs

STRATEGIES = ("uncertainty", "disagreement", "random")
DEFAULT_THRESHOLD = 0.5
# what a signal says about the status of a mention of these measures in its sentence
IMPLIED_STATUS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "RELEASED_WITHOUT_CONDITIONS": (frozenset({"BAIL"}), frozenset({"not_used", "ended"})),
    "BAIL_LAPSED": (frozenset({"BAIL"}), frozenset({"ended", "not_used"})),
    "ORDER_NOT_CONSIDERED": (frozenset(ORDERS), frozenset({"not_used"})),
    "ORDER_APPLICATION_FAILED": (frozenset(ORDERS),
                                 frozenset({"refused", "considered", "ended", "not_used"})),
    "RISK_NOT_ASSESSED": (frozenset({"DASH"}), frozenset({"not_used"})),
    "NO_REFERRAL": (frozenset({"MARAC", "IDVA"}), frozenset({"not_used"})),
}
STATUS_LFS = [lf for lf in LFS if not lf.keyword]
KEYWORD_LFS = [lf for lf in LFS if lf.keyword]


@dataclass
class Scorer:
    """Signal scores for sentence texts, the thresholds, and whether texts get mention markers."""

    scores: Callable[[Sequence[str]], list[dict[str, float]]]
    thresholds: dict[str, float]
    markers: bool = False
    pipeline: Any = None  # a full pipeline that also finds mentions, when --model is one


@dataclass
class Candidate:
    """One sentence of one document, with what the pipeline and the model say about it."""

    doc: Document
    start: int
    end: int
    mentions: list[dict[str, Any]]
    scores: dict[str, float] = field(default_factory=dict)
    value: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.doc.text[self.start:self.end]


def load_scorer(path: Path) -> Scorer:
    """A signal model folder, or a full pipeline with a `vawg_signals` component."""
    from pipeline.train.signal_eval import read_settings

    if not path.exists():
        raise not_found(path)
    settings = read_settings(path) if path.is_dir() else {}
    if settings.get("kind") in ("spacy", "baseline"):
        from pipeline.train.signal_eval import load_model

        model = load_model(path)
        return Scorer(model.scores, dict(model.thresholds), bool(settings.get("markers")))
    import pipeline

    nlp = pipeline.load(path)
    if "vawg_signals" not in nlp.pipe_names:
        raise UsageError(f"{path}: neither a signal model folder nor a pipeline with vawg_signals")
    comp: Any = nlp.get_pipe("vawg_signals")
    return Scorer(comp.score_texts, dict(comp.thresholds), bool(comp._settings.get("markers")), nlp)


def candidates(docs: Iterable[Document], nlp: Any) -> list[Candidate]:
    """Non-blank sentences (whitespace trimmed) with the mentions that lie inside them."""
    from pipeline.nlp.convert import entities_of

    docs = list(docs)
    disabled = [name for name in ("vawg_signals",) if name in nlp.pipe_names]
    out: list[Candidate] = []
    with nlp.select_pipes(disable=disabled):
        for document, doc in zip(docs, nlp.pipe(d.text for d in docs), strict=True):
            ents = entities_of(doc)
            sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
            for sent in sents:
                raw = sent.text
                if not raw.strip():
                    continue
                start = sent.start_char + len(raw) - len(raw.lstrip())
                end = sent.end_char - (len(raw) - len(raw.rstrip()))
                inside = [e for e in ents if start <= e["start"] and e["end"] <= end]
                out.append(Candidate(document, start, end, inside))
    return out


def score(cands: list[Candidate], scorer: Scorer, batch: int = 512) -> None:
    """Fill each candidate's signal scores."""
    from pipeline.nlp.signal_text import marked_text

    texts = [marked_text(c.text, [(m["label"], m["status"]) for m in c.mentions])
             if scorer.markers else c.text for c in cands]
    for i in range(0, len(texts), batch):
        for c, sc in zip(cands[i:i + batch], scorer.scores(texts[i:i + batch]), strict=True):
            c.scores = sc


def _closeness(s: float, t: float) -> float:
    return 1.0 - abs(s - t) / max(t, 1.0 - t, 1e-9)


def uncertainty(c: Candidate, thresholds: dict[str, float]) -> tuple[float, list[str]]:
    if not c.scores:
        return 0.0, []
    lab, s = max(c.scores.items(),
                 key=lambda kv: _closeness(kv[1], thresholds.get(kv[0], DEFAULT_THRESHOLD)))
    t = thresholds.get(lab, DEFAULT_THRESHOLD)
    return _closeness(s, t), [f"{lab} scored {s:.2f}, threshold {t:.2f}"]


def disagreement(c: Candidate, thresholds: dict[str, float]) -> tuple[float, list[str]]:
    predicted = {lab for lab, s in c.scores.items() if s >= thresholds.get(lab, DEFAULT_THRESHOLD)}
    pairs = [(m["label"], m["status"]) for m in c.mentions]
    value, reasons = 0.0, []
    for lf in STATUS_LFS:
        if lf.label not in predicted and lf.test(c.text, pairs):
            value += 2
            reasons.append(f"status rules imply {lf.label} ({lf.name}); "
                           f"model {c.scores.get(lf.label, 0):.2f}")
    for lab in sorted(predicted & IMPLIED_STATUS.keys()):
        measures, statuses = IMPLIED_STATUS[lab]
        for code, status in pairs:
            if code in measures and status not in statuses:
                value += 2
                reasons.append(f"model gives {lab} but the rules read {code} as {status}")
    keyword = set(aggregate(apply_lfs(c.text, (), KEYWORD_LFS)))
    for lab in sorted(keyword ^ predicted):
        value += 1
        side = "the cue rules give" if lab in keyword else "the model gives"
        reasons.append(f"only {side} {lab} (model {c.scores.get(lab, 0):.2f})")
    tie, _ = uncertainty(c, thresholds)
    return value + 0.5 * tie, reasons


def rank(cands: list[Candidate], scorer: Scorer, strategy: str, seed: int) -> list[Candidate]:
    """Candidates best first (ties in a seeded random order)."""
    if strategy not in STRATEGIES:
        raise UsageError(f"--strategy must be one of {', '.join(STRATEGIES)}, not {strategy!r}")
    rng = random.Random(seed)
    keys = [rng.random() for _ in cands]
    for c in cands:
        if strategy == "uncertainty":
            c.value, c.reasons = uncertainty(c, scorer.thresholds)
        elif strategy == "disagreement":
            c.value, c.reasons = disagreement(c, scorer.thresholds)
        else:
            c.value, c.reasons = 0.0, ["random sample"]
    order = sorted(range(len(cands)), key=lambda i: (-cands[i].value, keys[i]))
    return [cands[i] for i in order]


def spread(ranked: list[Candidate], n: int, per_doc: int) -> list[Candidate]:
    """The first `n` candidates with at most `per_doc` from any one document."""
    taken: Counter[str] = Counter()
    out: list[Candidate] = []
    for c in ranked:
        if len(out) >= n:
            break
        if per_doc and taken[c.doc.id] >= per_doc:
            continue
        taken[c.doc.id] += 1
        out.append(c)
    return out


def to_record(c: Candidate, rank_no: int, strategy: str, thresholds: dict[str, float]) -> dict[str, Any]:
    """A sentence record for the next round: model mentions and signals as pre-annotations."""
    ents = [{**e, "start": e["start"] - c.start, "end": e["end"] - c.start} for e in c.mentions]
    for e in ents:
        e.pop("page", None)
    sigs = [{"label": lab, "start": 0, "end": c.end - c.start, "score": round(s, 4)}
            for lab, s in c.scores.items() if s >= thresholds.get(lab, DEFAULT_THRESHOLD)]
    page = c.doc.page_at(c.start)
    meta: dict[str, Any] = {"source_id": c.doc.id, "offset": c.start,
                            "selection": {"strategy": strategy, "rank": rank_no, "value": round(c.value, 4),
                                          "reasons": c.reasons}}
    if page is not None:
        meta["page"] = page
    if c.doc.meta.get("source"):
        meta["source"] = c.doc.meta["source"]
    return {"id": f"{c.doc.id}@{c.start}-{c.end}", "text": c.text, "meta": meta, "entities": ents,
            "signals": sigs}


def select(docs: Iterable[Document], scorer: Scorer, n: int = 200, strategy: str = "uncertainty",
           per_doc: int = 3, seed: int = 0, nlp: Any = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Selected sentence records and a summary (documents, sentences, picks per strategy)."""
    if n < 1 or per_doc < 0:
        raise UsageError("--n must be at least 1 and --per-doc at least 0")
    if nlp is None:
        import pipeline

        nlp = scorer.pipeline if scorer.pipeline is not None else pipeline.load()
    docs = list(docs)
    cands = candidates(docs, nlp)
    score(cands, scorer)
    picked = spread(rank(cands, scorer, strategy, seed), n, per_doc)
    records = [to_record(c, i + 1, strategy, scorer.thresholds) for i, c in enumerate(picked)]
    summary = {"documents": len(docs), "sentences": len(cands), "selected": len(records),
               "documents_used": len({c.doc.id for c in picked}), "strategy": strategy, "seed": seed,
               "per_doc": per_doc}
    return records, summary
