"""Seeded generator of case-note and report sentences with signal labels and measure mentions.

Templates and vocabularies are data in `corpus/templates/` (see the header of
`signals.yaml` for the syntax). One generated record holds one to three sentences: a
main sentence (a signal template or a no-signal one) and, sometimes, no-signal context
sentences around it. Each signal carries the offsets of the sentence that holds it, and
each measure mention carries its label and status. The same seed gives the same output.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline import labels
from pipeline.errors import InputError
from pipeline.paths import CORPUS

TEMPLATES_DIR = CORPUS / "templates"
NO_SIGNAL = "NONE"


@dataclass(frozen=True)
class Template:
    """One template: its text, the signals it carries, its register and a stable key."""

    text: str
    signals: tuple[str, ...]
    register: str
    key: str


@dataclass
class TemplateSet:
    """All templates and vocabularies, as loaded from a templates folder."""

    positives: list[Template]
    negatives: list[Template]
    slots: dict[str, list[str]]
    measures: dict[str, dict[str, list[str]]]
    by_signal: dict[str, list[Template]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for t in self.positives:
            for s in t.signals:
                self.by_signal.setdefault(s, []).append(t)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read templates ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping at the top level")
    return data


def _templates_from(data: dict[str, Any], source: str, tag: str = "") -> list[Template]:
    known = set(labels.signals()) | {NO_SIGNAL}
    out: list[Template] = []
    for group, body in data.items():
        if group == "multi":
            for i, item in enumerate(body):
                sigs = tuple(item["s"])
                bad = [s for s in sigs if s not in known]
                if bad:
                    raise InputError(f"{source}: multi item {i}: unknown signal {bad[0]}")
                out.append(Template(str(item["t"]), sigs, str(item.get("reg", "mixed")), f"multi-{tag}{i}"))
            continue
        if group not in known:
            raise InputError(f"{source}: unknown signal group {group!r}")
        sigs = () if group == NO_SIGNAL else (group,)
        for register, texts in body.items():
            for i, text in enumerate(texts):
                out.append(Template(str(text), sigs, str(register), f"{group}-{register}{tag}-{i}"))
    return out


@cache
def load_templates(folder: Path = TEMPLATES_DIR) -> TemplateSet:
    """Read `vocab.yaml`, `signals*.yaml` and `negatives*.yaml` from `folder`."""
    vocab = _read_yaml(folder / "vocab.yaml")
    positives: list[Template] = []
    negatives: list[Template] = []
    for kind, bucket in (("signals", positives), ("negatives", negatives)):
        for n, path in enumerate(sorted(folder.glob(f"{kind}*.yaml"), key=lambda p: (len(p.name), p.name))):
            bucket.extend(_templates_from(_read_yaml(path), path.name, f".{n}" if n else ""))
    slots = {k: [str(x) for x in v] for k, v in vocab["slots"].items()}
    measures = {code: {form: [str(x) for x in xs] for form, xs in forms.items()}
                for code, forms in vocab["measures"].items()}
    unknown = set(measures) - set(labels.measures())
    if unknown:
        raise InputError(f"vocab.yaml: unknown measure codes {sorted(unknown)}")
    return TemplateSet(positives, negatives, slots, measures)


Span = tuple[int, int, str, str]  # start, end, label, status


class Expander:
    """Expand one template string into text plus measure spans, drawing from `rng`."""

    def __init__(self, ts: TemplateSet, rng: random.Random) -> None:
        self.ts = ts
        self.rng = rng

    def expand(self, src: str, depth: int = 0) -> tuple[str, list[Span]]:
        if depth > 8:
            raise InputError(f"template nests too deeply: {src[:60]!r}")
        out: list[str] = []
        spans: list[Span] = []
        pos = 0
        i = 0
        while i < len(src):
            ch = src[i]
            if ch in "{<":
                close = _matching(src, i)
                inner = src[i + 1 : close]
                text, inner_spans = (self._slot(inner, depth) if ch == "{" else self._measure(inner))
                spans.extend((s + pos, e + pos, lab, st) for s, e, lab, st in inner_spans)
                out.append(text)
                pos += len(text)
                i = close + 1
            else:
                out.append(ch)
                pos += 1
                i += 1
        return "".join(out), spans

    def _slot(self, inner: str, depth: int) -> tuple[str, list[Span]]:
        options = _split_top(inner)
        if len(options) == 1 and options[0] in self.ts.slots:
            choice = self.rng.choice(self.ts.slots[options[0]])
        elif len(options) == 1 and options[0].isidentifier():
            raise InputError(f"unknown slot {{{inner}}}")
        else:
            choice = self.rng.choice(options)
        return self.expand(choice, depth + 1)

    def _measure(self, inner: str) -> tuple[str, list[Span]]:
        parts = inner.split("/")
        if len(parts) not in (2, 3):
            raise InputError(f"bad measure reference <{inner}>")
        code = self.rng.choice(parts[0].split(","))
        status = parts[1]
        form = parts[2] if len(parts) == 3 else "n"
        forms = self.ts.measures.get(code)
        if forms is None or status not in labels.statuses():
            raise InputError(f"bad measure reference <{inner}>")
        surface = self.rng.choice(forms.get(form) or forms["n"])
        return surface, [(0, len(surface), code, status)]


def _matching(src: str, start: int) -> int:
    """Index of the bracket closing the one at `start` (same kind, nesting allowed)."""
    open_ch = src[start]
    close_ch = "}" if open_ch == "{" else ">"
    depth = 0
    for j in range(start, len(src)):
        if src[j] == open_ch:
            depth += 1
        elif src[j] == close_ch:
            depth -= 1
            if depth == 0:
                return j
    raise InputError(f"unclosed {open_ch} in template: {src[:60]!r}")


def _split_top(inner: str) -> list[str]:
    """Split on `|` outside nested brackets."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in inner:
        if ch in "{<":
            depth += 1
        elif ch in "}>":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


@dataclass
class Sentence:
    text: str
    spans: list[Span]
    signals: tuple[str, ...]
    register: str
    key: str


def _surface(rng: random.Random, sent: Sentence) -> Sentence:
    """Register-level surface variation that keeps span offsets valid."""
    text, spans = sent.text, sent.spans
    if text and text[0].islower() and rng.random() < 0.7:
        text = text[0].upper() + text[1:]
    if sent.register == "note":
        roll = rng.random()
        if roll < 0.08:
            text = text.upper()
        elif roll < 0.16:
            text = text.lower()
        if rng.random() < 0.25 and text.endswith("."):
            text = text[:-1]
        if rng.random() < 0.2:
            prefix = rng.choice(["{d} {t} - ", "{d}: ", "OEL {d} ", "{t} ", "Update: ", "PC {n}: "]).format(
                d=rng.choice(["14/03", "02/11", "21/06", "09/01", "28/08"]),
                t=rng.choice(["00:40", "11:05", "16:40", "22:35"]), n=rng.choice(["2231", "4417", "908"]))
            text = prefix + text
            spans = [(s + len(prefix), e + len(prefix), lab, st) for s, e, lab, st in spans]
    elif sent.register == "review" and rng.random() < 0.25:
        prefix = rng.choice(["Supervisor review: ", "Sgt {n}: ", "DS review - ", "Insp comment: "]).format(
            n=rng.choice(["1402", "667", "2290"]))
        text = prefix + text
        spans = [(s + len(prefix), e + len(prefix), lab, st) for s, e, lab, st in spans]
    text = " ".join(text.split(" "))
    return Sentence(text, spans, sent.signals, sent.register, sent.key)


class Generator:
    """Draw sentences and records from a template set with a seeded random source."""

    def __init__(self, seed: int = 0, ts: TemplateSet | None = None,
                 p_negative: float = 0.55, p_context: float = 0.3, p_combine: float = 0.08) -> None:
        self.ts = ts or load_templates()
        self.rng = random.Random(seed)
        self.expander = Expander(self.ts, self.rng)
        self.p_negative = p_negative
        self.p_context = p_context
        self.p_combine = p_combine
        self._signals = sorted(self.ts.by_signal)

    def sentence(self, template: Template) -> Sentence:
        text, spans = self.expander.expand(template.text)
        return _surface(self.rng, Sentence(text, spans, template.signals, template.register, template.key))

    def main_sentence(self) -> Sentence:
        if self.rng.random() < self.p_negative:
            return self.sentence(self.rng.choice(self.ts.negatives))
        signal = self.rng.choice(self._signals)  # balance signals, not templates
        first = self.sentence(self.rng.choice(self.ts.by_signal[signal]))
        if self.rng.random() >= self.p_combine:
            return first
        other = self.rng.choice([s for s in self._signals if s != signal])
        second = self.sentence(self.rng.choice(self.ts.by_signal[other]))
        return _join_clauses(first, second, self.rng.choice(["; ", " and ", ", "]))

    def record(self, rid: str) -> dict[str, Any]:
        sentences = [self.main_sentence()]
        while len(sentences) < 3 and self.rng.random() < self.p_context:
            ctx = self.sentence(self.rng.choice(self.ts.negatives))
            sentences.insert(self.rng.randrange(len(sentences) + 1), ctx)
        sep = self.rng.choice([" ", " ", "\n"])
        parts: list[str] = []
        entities: list[dict[str, Any]] = []
        signals: list[dict[str, Any]] = []
        pos = 0
        for sent in sentences:
            closed = sent.text.endswith((".", "?", ")", "!")) or len(sentences) == 1
            text = sent.text if closed else sent.text + "."
            for s, e, lab, st in sent.spans:
                entities.append({"start": pos + s, "end": pos + e, "label": lab, "status": st,
                                 "text": text[s:e]})
            for sig in dict.fromkeys(sent.signals):
                signals.append({"label": sig, "start": pos, "end": pos + len(text)})
            parts.append(text)
            pos += len(text) + len(sep)
        return {"id": rid, "text": sep.join(parts), "entities": entities, "signals": signals,
                "meta": {"source": "generated", "register": sentences[0].register,
                         "templates": [s.key for s in sentences]}}


def _join_clauses(a: Sentence, b: Sentence, joiner: str) -> Sentence:
    left = a.text.rstrip(".")
    right = b.text
    if right and joiner != "; " and right[:2] not in ("IP", "DP", "V ") and not right[:4].isupper():
        right = right[0].lower() + right[1:]
    shift = len(left) + len(joiner)
    spans = a.spans + [(s + shift, e + shift, lab, st) for s, e, lab, st in b.spans]
    spans = [sp for sp in spans if sp[1] <= len(left) or sp[0] >= shift]
    return Sentence(left + joiner + right, spans, tuple(dict.fromkeys(a.signals + b.signals)), a.register,
                    f"{a.key}+{b.key}")


def generate(n: int, seed: int = 0, prefix: str = "gen", p_negative: float = 0.55,
             p_context: float = 0.3) -> Iterator[dict[str, Any]]:
    """Yield `n` generated records; the same `seed` (and templates) give the same records."""
    gen = Generator(seed=seed, p_negative=p_negative, p_context=p_context)
    for i in range(n):
        yield gen.record(f"{prefix}-{seed}-{i:06d}")
