"""The status cue rules: their data types and the parser of `configs/status_rules.jsonl`.

The format is described in `configs/status_rules.README.md`; `pipeline.nlp.status` applies
the rules. Every problem in a rules file is a one-line `InputError` naming `file:line`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.paths import PROJECT_ROOT

STATUSES = ("used", "considered", "not_used", "refused", "breached", "ended", "generic")
DIRECTIONS = ("forward", "backward", "bidirectional")
ROLES = ("status", "negator", "pseudo", "break", "continue", "irrealis", "anaphor")
DEFAULT_PRIORITY = {
    "generic": 90,
    "refused": 85,
    "breached": 85,
    "ended": 75,
    "not_used": 65,
    "considered": 45,
    "used": 35,
}
DEFAULT_STATUS = "used"
CASE_NUMBER = re.compile(r"\d{1,2}[/:.]\d{2}|\b(?!19\d\d|20\d\d)\d{4}\b|\b\d{3,4}\s*hrs\b")
CONTINUE = "<continue>"  # prefixed to "but"/";" in "but never", "; not": outcome cues pass, others stop
SENTENCE_WIDE = 95  # generic cues at this priority ("forces should") reach across clause breaks
BREAK = "<break>"  # marks the first token of a `break` cue; a terminator for every rule


@dataclass(frozen=True)
class CueRule:
    """One cue rule: what it matches, which status it gives, and how far it reaches."""

    key: str
    role: str  # one of ROLES
    status: str | None
    direction: str
    scope: int
    terminators: frozenset[str]
    priority: int
    requires_label: frozenset[str] = frozenset()
    excludes_label: frozenset[str] = frozenset()
    negatable: bool = False
    only_negated: bool = False
    negated_status: str = "not_used"
    negated_priority: int | None = None
    reason_status: str | None = None  # when negated and followed by a reason ("not sought as ...")
    window: int = 3
    entity_window: int = 0
    through_entities: bool = False
    match_case: bool = False
    cues: tuple[str, ...] = ()
    pattern: tuple[Any, ...] = ()
    plural_only: bool = False  # decides only plural order names ("58 DAPNs"): statistics
    unless_sentence: frozenset[str] = frozenset()  # ignored in a sentence holding one of these
    factual: frozenset[str] = frozenset()  # irrealis: these words before the cue make it factual
    present: frozenset[str] = frozenset()  # irrealis: one of these is needed before the cue
    affects: frozenset[str] = frozenset()  # irrealis: the cue statuses it changes (empty: all)
    modals: frozenset[str] = frozenset()  # irrealis: a main-clause modal that makes the clause a rule

    def allows(self, label: str) -> bool:
        if self.requires_label and label not in self.requires_label:
            return False
        return label not in self.excludes_label


@dataclass(frozen=True)
class SentenceDefault:
    """The status of an uncued mention in a sentence with one of `any_of` and none of `none_of`."""

    status: str
    any_of: frozenset[str]
    none_of: frozenset[str]
    no_digits: bool = False

    def applies(self, words: set[str], text: str) -> bool:
        if self.no_digits and CASE_NUMBER.search(text):
            return False
        return bool(words & self.any_of) and not words & self.none_of


@dataclass
class RuleSet:
    """Parsed rules plus the named terminator sets they refer to."""

    rules: list[CueRule] = field(default_factory=list)
    sets: dict[str, frozenset[str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    sentence_defaults: list[SentenceDefault] = field(default_factory=list)


def _words(items: Iterable[str], sets: dict[str, frozenset[str]], where: str) -> frozenset[str]:
    out: set[str] = set()
    for item in items:
        if item.startswith("@"):
            if item[1:] not in sets:
                raise InputError(f"{where}: unknown terminator set {item!r}")
            out |= sets[item[1:]]
        else:
            out.add(item.lower())
    return frozenset(out)


def _terminators(obj: dict[str, Any], status: Any, ruleset: RuleSet, where: str) -> frozenset[str]:
    """A rule's terminator set: its words, the clause break, and (for cues below priority 55)
    the same words behind a continuation mark, so only outcome cues pass "but never"."""
    words = _words(
        obj.get("terminators", ["@default"] if "default" in ruleset.sets else []), ruleset.sets, where
    )
    extra = set() if obj.get("through_entities") and int(obj.get("priority", 0)) >= SENTENCE_WIDE else {BREAK}
    if int(obj.get("priority", DEFAULT_PRIORITY.get(str(status), 0))) < 55:
        extra |= {CONTINUE + w for w in words}
    return words | extra


def parse_rules(lines: Iterable[dict[str, Any]], source: str = "<rules>") -> RuleSet:
    """Turn rule objects (one per JSON line) into a RuleSet, checking every field."""
    ruleset = RuleSet()
    for n, obj in enumerate(lines, 1):
        where = f"{source}:{n}"
        if "comment" in obj and len(obj) == 1:
            continue
        if "set" in obj:
            ruleset.sets[str(obj["set"])] = _words(obj.get("words", []), ruleset.sets, where)
            continue
        role = str(obj.get("role", "status"))
        if role == "default":
            if obj.get("status") not in STATUSES:
                raise InputError(f"{where}: default status {obj.get('status')!r} is not a status")
            for word in obj.get("last_word", []):
                ruleset.defaults[str(word).lower()] = str(obj["status"])
            if "sentence_any" in obj:
                ruleset.sentence_defaults.append(
                    SentenceDefault(
                        status=str(obj["status"]),
                        any_of=frozenset(w.lower() for w in obj["sentence_any"]),
                        none_of=frozenset(w.lower() for w in obj.get("sentence_none", [])),
                        no_digits=bool(obj.get("no_digits", False)),
                    )
                )
            continue
        status = obj.get("status")
        if role == "status" and status not in STATUSES:
            raise InputError(f"{where}: status {status!r} is not one of {', '.join(STATUSES)}")
        if role not in ROLES:
            raise InputError(f"{where}: role {role!r} is not one of {', '.join(ROLES)}")
        direction = str(obj.get("direction", "bidirectional"))
        if direction not in DIRECTIONS:
            raise InputError(f"{where}: direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
        cue = obj.get("cue", [])
        cues = (cue,) if isinstance(cue, str) else tuple(str(c) for c in cue)
        pattern = tuple(obj.get("pattern", ()))
        if not cues and not pattern:
            raise InputError(f"{where}: a rule needs a 'cue' or a 'pattern'")
        negated_status = str(obj.get("negated_status", "not_used"))
        if negated_status not in STATUSES:
            raise InputError(f"{where}: negated_status {negated_status!r} is not a status")
        ruleset.rules.append(
            CueRule(
                key=f"vawg_status_{n}",
                role=role,
                status=status if role == "status" else None,
                direction=direction,
                scope=int(obj.get("scope", 6)),
                terminators=_terminators(obj, status, ruleset, where),
                priority=int(obj.get("priority", DEFAULT_PRIORITY.get(str(status), 0))),
                requires_label=frozenset(obj.get("requires_label", ())),
                excludes_label=frozenset(obj.get("excludes_label", ())),
                negatable=bool(obj.get("negatable", False)) or bool(obj.get("only_negated", False)),
                only_negated=bool(obj.get("only_negated", False)),
                negated_status=negated_status,
                negated_priority=int(obj["negated_priority"]) if "negated_priority" in obj else None,
                reason_status=str(obj["reason_status"]) if "reason_status" in obj else None,
                window=int(obj.get("window", 3)),
                entity_window=int(obj.get("entity_window", 0)),
                through_entities=bool(obj.get("through_entities", False)),
                match_case=bool(obj.get("match_case", False)),
                cues=cues,
                pattern=pattern,
                plural_only=bool(obj.get("plural_only", False)),
                unless_sentence=_words(obj.get("unless_sentence", ()), ruleset.sets, where),
                factual=_words(obj.get("factual", ()), ruleset.sets, where),
                present=_words(obj.get("present", ()), ruleset.sets, where),
                affects=frozenset(str(a) for a in obj.get("affects", ())),
                modals=_words(obj.get("modals", ()), ruleset.sets, where),
            )
        )
    return ruleset


def read_rules(path: Path) -> list[dict[str, Any]]:
    """The raw rule objects of a JSON lines file (blank lines skipped)."""
    out: list[dict[str, Any]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
    return out


def resolve_rules_path(rules_path: str) -> Path:
    """A rules path as given, else relative to the project root."""
    path = Path(rules_path)
    if path.is_file() or path.is_absolute():
        return path
    return PROJECT_ROOT / path
