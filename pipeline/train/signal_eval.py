"""Signal models behind one interface, per-label thresholds, and record-level comparison.

A `SignalModel` scores sentence texts (a dict of signal -> probability per sentence) and
holds per-label thresholds. `predict_records` runs one over records (split into sentences)
and writes `signals` with sentence offsets and scores; `score_signals` matches the
record-level definition of the shared scorer (the set of labels predicted anywhere in a
record against the gold set; macro-F1 over labels seen in gold or predictions);
`compare` puts any number of models side by side on one gold set.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from pipeline import labels
from pipeline.errors import UsageError

SETTINGS_FILE = "signals.json"
DEFAULT_THRESHOLD = 0.5


class SignalModel(Protocol):
    thresholds: dict[str, float]

    def scores(self, texts: Sequence[str]) -> list[dict[str, float]]: ...


def read_settings(path: Path) -> dict[str, Any]:
    """`signals.json` of a model folder (thresholds, kind, markers); empty if absent."""
    f = path / SETTINGS_FILE
    return json.loads(f.read_text(encoding="utf-8")) if f.is_file() else {}


class SpacySignalModel:
    """A trained spaCy `textcat_multilabel` pipeline folder with its thresholds."""

    def __init__(self, path: Path | str) -> None:
        import spacy

        path = Path(path)
        if not (path / "config.cfg").is_file():
            raise UsageError(f"{path}: not a spaCy signal model (no config.cfg)")
        self.path = path
        self.nlp = spacy.load(path)
        settings = read_settings(path)
        self.thresholds = {k: float(v) for k, v in settings.get("thresholds", {}).items()}
        self.markers = bool(settings.get("markers"))

    def scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [dict(doc.cats) for doc in self.nlp.pipe(texts, batch_size=512)]


def load_model(path: Path | str) -> SignalModel:
    """Load a spaCy or baseline signal model folder (picked by its `signals.json` kind)."""
    path = Path(path)
    if not path.is_dir():
        raise UsageError(f"no such model folder: {path}")
    if read_settings(path).get("kind") == "baseline":
        from pipeline.train.baseline import BaselineModel

        return BaselineModel.load(path)
    return SpacySignalModel(path)


def choose_thresholds(scores: Sequence[Mapping[str, float]], gold: Sequence[Sequence[str]],
                      grid: Sequence[float] | None = None, min_positives: int = 2) -> dict[str, float]:
    """Per label, a threshold that maximises smoothed F1 on a validation set.

    The grid is bounded (0.2-0.8 by default) so that a small validation set cannot pick an
    extreme value; each grid point's F1 is averaged with its two neighbours (plateaus win
    over spikes) and ties go to the value nearest 0.5. Labels with fewer than
    `min_positives` positives keep 0.5.
    """
    grid = list(grid or [round(0.05 * i, 2) for i in range(4, 17)])
    out: dict[str, float] = {}
    for lab in labels.signals():
        pos = [lab in g for g in gold]
        if sum(pos) < max(min_positives, 1):
            out[lab] = DEFAULT_THRESHOLD
            continue
        values = [s.get(lab, 0.0) for s in scores]
        f1 = []
        for t in grid:
            tp = sum(1 for v, p in zip(values, pos, strict=True) if p and v >= t)
            fp = sum(1 for v, p in zip(values, pos, strict=True) if not p and v >= t)
            fn = sum(pos) - tp
            f1.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
        smooth = [sum(f1[max(i - 1, 0):i + 2]) / len(f1[max(i - 1, 0):i + 2]) for i in range(len(f1))]
        best = max(range(len(grid)), key=lambda i: (round(smooth[i], 9), -abs(grid[i] - 0.5)))
        out[lab] = grid[best]
    return out


def predict_sentences(model: SignalModel, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
    """Labels at or above threshold for each sentence, with their scores."""
    out = []
    for sc in model.scores(texts):
        out.append([(lab, s) for lab, s in sc.items()
                    if s >= model.thresholds.get(lab, DEFAULT_THRESHOLD)])
    return out


def predict_records(model: SignalModel, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Records with `signals` predicted sentence by sentence (entities left as given)."""
    from pipeline.train.data import sentence_bounds

    texts = [str(r.get("text", "")) for r in records]
    bounds = sentence_bounds(texts)
    flat = [t[s:e] for t, bs in zip(texts, bounds, strict=True) for s, e in bs]
    if getattr(model, "markers", False):
        flat = _with_markers(texts, bounds)
    preds = predict_sentences(model, flat)
    out, k = [], 0
    for rec, bs in zip(records, bounds, strict=True):
        sigs: list[dict[str, Any]] = []
        for s, e in bs:
            sigs.extend({"label": lab, "start": s, "end": e, "score": round(float(p), 4)}
                        for lab, p in preds[k])
            k += 1
        out.append({"id": rec["id"], "text": rec.get("text", ""), "entities": list(rec.get("entities", [])),
                    "signals": sigs})
    return out


def _with_markers(texts: Sequence[str], bounds: Sequence[Sequence[tuple[int, int]]]) -> list[str]:
    """Sentence texts led by the rule layer's mention markers (as `vawg_signals` sees them)."""
    from pipeline.nlp.signal_text import marked_text
    from pipeline.train.data import add_mentions

    tagged = add_mentions([{"text": t, "entities": []} for t in texts])
    out = []
    for rec, bs in zip(tagged, bounds, strict=True):
        for s, e in bs:
            inside = [(m["label"], m["status"]) for m in rec["entities"] if m["start"] < e and m["end"] > s]
            out.append(marked_text(rec["text"][s:e].strip(), inside))
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def score_signals(gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Record-level signal P/R/F1 per label, micro and macro (records matched by id)."""
    by_id = {str(p["id"]): p for p in pred}
    counts: Counter[tuple[str, str]] = Counter()
    for g in gold:
        p = by_id.get(str(g["id"]), {})
        gs = {s["label"] for s in g.get("signals", [])}
        ps = {s["label"] for s in p.get("signals", [])}
        for lab in gs & ps:
            counts[(lab, "tp")] += 1
        for lab in ps - gs:
            counts[(lab, "fp")] += 1
        for lab in gs - ps:
            counts[(lab, "fn")] += 1
    seen = sorted({lab for lab, _ in counts})
    per = {lab: _prf(counts[(lab, "tp")], counts[(lab, "fp")], counts[(lab, "fn")]) for lab in seen}
    micro = _prf(*(sum(counts[(lab, k)] for lab in seen) for k in ("tp", "fp", "fn")))
    macro = round(sum(v["f"] for v in per.values()) / len(per), 4) if per else 0.0
    return {"records": len(gold), "micro": micro, "macro_f": macro, "per_label": per}


def compare(models: Mapping[str, SignalModel],
            gold: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Score every model on the same gold records."""
    return {name: score_signals(gold, predict_records(m, gold)) for name, m in models.items()}


def format_comparison(results: Mapping[str, Mapping[str, Any]]) -> str:
    """One table: per-label P/R/F1 for each model, then micro and macro rows."""
    names = list(results)
    labs = sorted({lab for r in results.values() for lab in r["per_label"]})
    head = f"{'signal':28s}" + "".join(f" | {n[:22]:>22s}" for n in names)
    sub = " " * 28 + "".join(f" | {'P':>6s} {'R':>6s} {'F1':>7s}" for _ in names)
    lines = [head, sub, "-" * len(sub)]
    for lab in labs:
        row = f"{lab:28s}"
        for n in names:
            v = results[n]["per_label"].get(lab, {"p": 0.0, "r": 0.0, "f": 0.0})
            row += f" | {v['p']:6.2f} {v['r']:6.2f} {v['f']:7.2f}"
        lines.append(row)
    lines.append("-" * len(sub))
    row = f"{'micro':28s}"
    for n in names:
        m = results[n]["micro"]
        row += f" | {m['p']:6.2f} {m['r']:6.2f} {m['f']:7.3f}"
    lines.append(row)
    lines.append(f"{'macro F1':28s}" + "".join(f" | {'':13s} {results[n]['macro_f']:7.3f}" for n in names))
    return "\n".join(lines)
