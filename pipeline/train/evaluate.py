"""Score predicted records against gold records: entities, statuses and signals.

Definitions (the same as the shared scorer, so the figures agree):
- records are paired by `id`; a gold record with no prediction counts as predicting nothing;
- entity *strict* match: same start, end and label (compared as sets per record);
- entity *overlap* match: same label and at least one shared character; gold mentions are
  taken in order and each takes the unused prediction it overlaps most (one-to-one);
- *status accuracy* is over overlap-matched pairs; the confusion matrix is gold -> predicted;
- *signals* are compared per record as the set of labels anywhere in the record
  (predictions with a `score` below `min_score` are ignored).
Micro P/R/F1 pools the counts of all labels; macro F1 is the mean of per-label F1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

Record = Mapping[str, Any]
Tally = dict[str, Counter[str]]  # label -> Counter(tp=, fp=, fn=)

STATUS_ORDER = ("used", "considered", "not_used", "refused", "breached", "ended", "generic")


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """Precision, recall and F1 (rounded to 4 places) with the raw counts."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": round(precision, 4), "r": round(recall, 4), "f": round(f1, 4), "tp": tp, "fp": fp, "fn": fn}


def summarise(tally: Tally) -> dict[str, Any]:
    """Per-label figures plus micro P/R/F1 and macro F1."""
    per_label = {lab: prf(c["tp"], c["fp"], c["fn"]) for lab, c in sorted(tally.items())}
    totals = Counter[str]()
    for c in tally.values():
        totals.update(c)
    macro = round(sum(v["f"] for v in per_label.values()) / len(per_label), 4) if per_label else 0.0
    return {"micro": prf(totals["tp"], totals["fp"], totals["fn"]), "macro_f": macro, "per_label": per_label}


def _count(tally: Tally, label: str, kind: str) -> None:
    tally.setdefault(label, Counter())[kind] += 1


def overlap_pairs(gold: list[Record], pred: list[Record]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs: same label, largest character overlap."""
    taken: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for gi, g in enumerate(gold):
        choice, size = -1, 0
        for pi, p in enumerate(pred):
            if pi in taken or p["label"] != g["label"]:
                continue
            shared = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if shared > size:
                choice, size = pi, shared
        if choice >= 0:
            taken.add(choice)
            pairs.append((gi, choice))
    return pairs


def _signal_labels(record: Record, min_score: float) -> set[str]:
    return {s["label"] for s in record.get("signals") or [] if s.get("score", 1.0) >= min_score}


def by_id(records: Iterable[Record]) -> dict[str, Record]:
    """Records keyed by their id as a string (a later duplicate replaces an earlier one)."""
    return {str(r["id"]): r for r in records}


def evaluate(gold_records: Iterable[Record], pred_records: Iterable[Record], min_score: float = 0.0) -> dict:
    """All figures for one prediction set against the gold set."""
    gold, pred = by_id(gold_records), by_id(pred_records)
    strict: Tally = {}
    overlap: Tally = {}
    signals: Tally = {}
    matrix: Counter[tuple[str, str]] = Counter()
    for rid, g in gold.items():
        p = pred.get(rid, {})
        g_ents, p_ents = list(g.get("entities") or []), list(p.get("entities") or [])
        g_keys = {(e["start"], e["end"], e["label"]) for e in g_ents}
        p_keys = {(e["start"], e["end"], e["label"]) for e in p_ents}
        for key in g_keys | p_keys:
            _count(
                strict, key[2], "tp" if key in g_keys and key in p_keys else "fn" if key in g_keys else "fp"
            )
        pairs = overlap_pairs(g_ents, p_ents)
        for gi, pi in pairs:
            _count(overlap, g_ents[gi]["label"], "tp")
            matrix[(g_ents[gi]["status"], str(p_ents[pi].get("status")))] += 1
        matched_g = {gi for gi, _ in pairs}
        matched_p = {pi for _, pi in pairs}
        for gi, e in enumerate(g_ents):
            if gi not in matched_g:
                _count(overlap, e["label"], "fn")
        for pi, e in enumerate(p_ents):
            if pi not in matched_p:
                _count(overlap, e["label"], "fp")
        g_sig, p_sig = _signal_labels(g, 0.0), _signal_labels(p, min_score)
        for lab in g_sig | p_sig:
            _count(signals, lab, "tp" if lab in g_sig and lab in p_sig else "fn" if lab in g_sig else "fp")
    pairs_total = sum(matrix.values())
    correct = sum(n for (a, b), n in matrix.items() if a == b)
    return {
        "records": len(gold),
        "missing_records": sum(1 for rid in gold if rid not in pred),
        "entities_strict": summarise(strict),
        "entities_overlap": summarise(overlap),
        "status_accuracy": round(correct / pairs_total, 4) if pairs_total else 0.0,
        "status_pairs": pairs_total,
        "status_confusion": {f"{a}->{b}": n for (a, b), n in sorted(matrix.items()) if a != b},
        "status_matrix": {f"{a}->{b}": n for (a, b), n in sorted(matrix.items())},
        "status_per_label": _status_per_label(matrix),
        "signals": summarise(signals),
    }


def _status_per_label(matrix: Counter[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """P/R/F1 of each status over the matched pairs (recall = accuracy on that gold status)."""
    names = sorted({s for pair in matrix for s in pair}, key=_status_key)
    out = {}
    for s in names:
        tp = matrix[(s, s)]
        fp = sum(n for (a, b), n in matrix.items() if b == s and a != s)
        fn = sum(n for (a, b), n in matrix.items() if a == s and b != s)
        out[s] = prf(tp, fp, fn)
    return out


def _status_key(name: str) -> tuple[int, str]:
    return (STATUS_ORDER.index(name) if name in STATUS_ORDER else len(STATUS_ORDER), name)


def compare(
    gold_records: Iterable[Record], predictions: Mapping[str, Iterable[Record]], min_score: float = 0.0
) -> dict[str, dict]:
    """`evaluate` for several named prediction sets against one gold set."""
    gold = list(gold_records)
    return {name: evaluate(gold, preds, min_score) for name, preds in predictions.items()}


# -- readable tables -------------------------------------------------------------------------
def _label_rows(results: Mapping[str, dict], section: str, key: str) -> list[list[str]]:
    labels = sorted({lab for r in results.values() for lab in r[section]["per_label"]})
    rows = []
    for lab in labels:
        row = [lab]
        for r in results.values():
            v = r[section]["per_label"].get(lab)
            row.append(f"{v[key]:.2f}" if v else "-")
        rows.append(row)
    return rows


def _grid(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    lines = [
        "  ".join(
            str(x).ljust(w) if i == 0 else str(x).rjust(w)
            for i, (x, w) in enumerate(zip(line, widths, strict=False))
        )
        for line in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _prf_cells(v: dict) -> list[str]:
    return [f"{v['p']:.2f}", f"{v['r']:.2f}", f"{v['f']:.2f}"]


def format_table(result: dict, name: str = "model") -> str:
    """A readable report of one `evaluate` result."""
    parts = [f"{name}: records={result['records']} missing={result['missing_records']}"]
    for section, title in (
        ("entities_strict", "Entities (strict)"),
        ("entities_overlap", "Entities (overlap)"),
        ("signals", "Signals"),
    ):
        block = result[section]
        rows = [
            [lab, *_prf_cells(v), str(v["tp"]), str(v["fp"]), str(v["fn"])]
            for lab, v in block["per_label"].items()
        ]
        rows.append(
            [
                "micro",
                *_prf_cells(block["micro"]),
                str(block["micro"]["tp"]),
                str(block["micro"]["fp"]),
                str(block["micro"]["fn"]),
            ]
        )
        rows.append(["macro F1", "", "", f"{block['macro_f']:.2f}", "", "", ""])
        parts.append(f"== {title}\n" + _grid(["label", "P", "R", "F1", "tp", "fp", "fn"], rows))
    parts.append(
        f"== Status: accuracy {result['status_accuracy']:.3f} over {result['status_pairs']} matched mentions"
    )
    parts.append(_confusion(result))
    return "\n\n".join(parts)


def _confusion(result: dict) -> str:
    matrix = {tuple(k.split("->")): n for k, n in result["status_matrix"].items()}
    names = sorted({s for pair in matrix for s in pair}, key=_status_key)
    if not names:
        return "(no matched mentions)"
    rows = []
    for g in names:
        total = sum(matrix.get((g, p), 0) for p in names)
        acc = f"{matrix.get((g, g), 0) / total:.2f}" if total else "-"
        rows.append([g, *(str(matrix.get((g, p), 0) or ".") for p in names), str(total), acc])
    return "gold \\ predicted\n" + _grid(["status", *names, "total", "acc"], rows)


def format_comparison(results: Mapping[str, dict]) -> str:
    """Several `evaluate` results side by side (one column per model)."""
    if len(results) == 1:
        name, result = next(iter(results.items()))
        return format_table(result, name)
    names = list(results)
    summary = [
        ["entity strict micro F1", *(f"{r['entities_strict']['micro']['f']:.3f}" for r in results.values())],
        [
            "entity overlap micro F1",
            *(f"{r['entities_overlap']['micro']['f']:.3f}" for r in results.values()),
        ],
        ["status accuracy", *(f"{r['status_accuracy']:.3f}" for r in results.values())],
        ["signal micro F1", *(f"{r['signals']['micro']['f']:.3f}" for r in results.values())],
        ["signal macro F1", *(f"{r['signals']['macro_f']:.3f}" for r in results.values())],
    ]
    parts = ["== Summary\n" + _grid(["metric", *names], summary)]
    for section, title in (
        ("entities_strict", "Entity F1 (strict)"),
        ("entities_overlap", "Entity F1 (overlap)"),
        ("signals", "Signal F1"),
    ):
        parts.append(f"== {title}\n" + _grid(["label", *names], _label_rows(results, section, "f")))
    status_rows = []
    for s in STATUS_ORDER:
        cells = [
            f"{r['status_per_label'][s]['r']:.2f}" if s in r["status_per_label"] else "-"
            for r in results.values()
        ]
        status_rows.append([s, *cells])
    parts.append("== Status accuracy per gold status\n" + _grid(["status", *names], status_rows))
    return "\n\n".join(parts)
