"""Clause-level reading for the status component: cues, sentence keys and the clause rules.

Kept apart from `pipeline.nlp.status` (matching and resolution) so each stays small:

- conditional ("irrealis") clauses: an outcome in "if the DVPO is refused" or "when bail is
  cancelled" asserts nothing, and a main-clause policy cue or modal governs such a clause;
- anaphoric subjects: "... and it lapsed" reaches back to the nearest earlier mention;
- negated outcomes: a decider's "did not make" (refused);
- entry headers ("Legal:") and questions ("can you chase the referral?").
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from pipeline.nlp.status_rules import BREAK, CONTINUE, DEFAULT_PRIORITY, CueRule

NEWLINE = "\\n"
IRREALIS_PRIORITY = 44  # an outcome inside "if ..."/"when ... is ...": not asserted, so intention level
IRREALIS_BREACH_PRIORITY = 57
IRREALIS_OVERRIDE = 60  # below this, a sentence-wide generic cue decides a mention in an "if" clause
DECIDER_WINDOW = 3  # "the court did not make": a decider this close before the negator -> refused
ANAPHOR_WINDOW = 4  # "it was granted", "the notice lapsed": anaphor this close before the outcome
ANAPHOR_REACH = 40
ANAPHOR_GAP = frozenset(
    {"was", "were", "had", "has", "have", "been", "is", "are", "then", "later", "subsequently", "also"}
    | {"duly", "finally", "eventually", "not", "never", "n't", "itself", "simply", "soon", "already"}
)
GRANT_VERBS = frozenset(
    {"make", "made", "grant", "granted", "issue", "issued", "authorise", "authorised", "authorize"}
    | {"authorized", "approve", "approved", "impose", "imposed", "disclose", "accept", "accepted"}
    | {"remand", "remanded", "bail", "bailed"}
)
PRESUPPOSING = frozenset({"why", "how come"})
QUESTION_BREAKS = frozenset({"-", ";", ":", "so", "!", NEWLINE})
CLAUSE_END = frozenset({",", ";", ":", NEWLINE, ".", "?", "!", "-", "then", "so", "but", "and"})
HEADER_WORDS = 3
PERSONAL = frozenset({"he", "she", "his", "her", "him", "ip", "i", "we", "my", "our"})
OUTCOMES = frozenset({"ended", "refused", "breached"})


def ends_clause(key: str) -> bool:
    return key in CLAUSE_END or key == BREAK or key.startswith(CONTINUE)


@dataclass
class Cue:
    """A cue found in a sentence, after negation has been applied."""

    rule: CueRule
    start: int
    end: int
    status: str
    priority: int
    doc: Doc
    negated: bool = False
    target: int | None = None  # token start of the only entity it may decide
    clause: tuple[int, int] | None = None  # irrealis cue: decides only mentions inside this span
    anaphor: int | None = None  # token start of an anaphoric subject ("it", "the notice") before it
    anaphor_labels: frozenset[str] = frozenset()

    @property
    def text(self) -> str:
        return self.doc[self.start : self.end].text


class TokenKeys:
    """The NORM of each token of a sentence ("\\n" for line breaks), read once."""

    irrealis: list[tuple[int, int, Cue | None]] = []  # conditional clauses, with a generic cue if general

    def __init__(self, sent: Span) -> None:
        self.offset = sent.start
        self.keys = [(NEWLINE if "\n" in t.text else " ") if t.is_space else t.norm_ for t in sent]

    def between(self, start: int, end: int) -> list[str]:
        return self.keys[max(start - self.offset, 0) : max(end - self.offset, 0)]


def negated_outcome(
    keys: TokenKeys, negator_start: int, deciders: frozenset[str], grant: bool
) -> tuple[str, int]:
    """A negated cue: a decider's "did not make" ("the court did not make the order") ->
    refused; else not_used."""
    before = keys.between(negator_start - DECIDER_WINDOW, negator_start)
    if grant and deciders and any(k in deciders for k in before):
        return "refused", DEFAULT_PRIORITY["refused"]
    return "not_used", DEFAULT_PRIORITY["not_used"]


def header_end(keys: TokenKeys) -> int:
    """End of an entry label such as "Legal:" or "Housing options:" (at most 3 words), else 0."""
    head = keys.keys[: HEADER_WORDS + 1]
    return keys.offset + head.index(":") if ":" in head else 0


def irrealis_span(
    keys: TokenKeys, rule: CueRule, start: int, end: int, doc: Doc
) -> tuple[int, int, Cue | None] | None:
    """The clause a conditional marker opens ("if ... ,"), or None if it reads as factual.

    A present-tense "when"/"where" clause about no one in particular, beside a main
    clause with a modal ("when bail is cancelled, the victim should be told"), states a
    rule: it carries a generic cue for the mentions inside it."""
    stop, pos = keys.offset + len(keys.keys), end
    while pos < stop and not ends_clause(keys.keys[pos - keys.offset]):
        pos += 1
    inside = set(keys.between(end, pos))
    if rule.factual & inside or (rule.present and not rule.present & inside):
        return None
    general = None
    outside = set(keys.between(keys.offset, start)) | set(keys.between(pos, stop))
    if rule.modals and outside & rule.modals and not inside & PERSONAL:
        general = Cue(rule, start, end, "generic", IRREALIS_OVERRIDE, doc)
    return start, pos, general


def mark_irrealis(cue: Cue, keys: TokenKeys, markers: list[tuple[CueRule, int, int]]) -> None:
    """An outcome cue inside a conditional or temporal-generic clause ("if the DVPO is
    refused", "when bail is cancelled") asserts nothing: it becomes an intention
    (considered; a breach presumes the order: used) that decides only mentions in that clause."""
    if cue.status == "generic" or (cue.status == "not_used" and not cue.negated):
        return
    if cue.status == "considered":
        return
    for rule, ms, me in markers:
        if me > cue.start:
            continue
        gap = keys.between(me, cue.start)
        if any(k in CLAUSE_END or k == BREAK or k.startswith(CONTINUE) for k in gap):
            continue
        if rule.factual and rule.factual & set(gap):
            continue
        if rule.affects and cue.status not in rule.affects:
            continue
        last = keys.between(cue.end - 1, cue.end)
        present = last and last[0].endswith("s") and not last[0].endswith("ss")
        if rule.present and not (rule.present & set(gap) or present):
            continue
        end = cue.end
        stop = keys.offset + len(keys.keys)
        while end < stop and not (
            (k := keys.keys[end - keys.offset]) in CLAUSE_END or k == BREAK or k.startswith(CONTINUE)
        ):
            end += 1
        # a breach in "if you breach the order" presumes the order exists: used, above "if"
        breach = cue.status == "breached"
        cue.status = "used" if breach else "considered"
        cue.priority = IRREALIS_BREACH_PRIORITY if breach else IRREALIS_PRIORITY
        cue.clause = (ms, end)
        return


def mark_anaphor(cue: Cue, keys: TokenKeys, anaphors: list[tuple[CueRule, int, int]]) -> None:
    """An outcome whose subject is an anaphor ("and it lapsed", "the notice was refused")
    may reach back to the nearest earlier mention the anaphor can name."""
    if cue.status not in ("ended", "refused", "breached") and not (
        cue.status == "used" and cue.priority >= 55
    ):
        return
    for rule, s, e in anaphors:
        if (
            e <= cue.start
            and cue.start - e <= ANAPHOR_WINDOW
            and all(k in ANAPHOR_GAP for k in keys.between(e, cue.start))
        ):
            cue.anaphor, cue.anaphor_labels = s, rule.requires_label
            return
    if cue.status == "used":
        return
    for rule, s, _ in anaphors:
        if s == cue.end and (rule.requires_label or keys.keys[s - keys.offset] == "it"):
            # "the superintendent declined to authorise it", "the bench refused the application"
            cue.anaphor, cue.anaphor_labels = s, rule.requires_label
            return


def question(keys: TokenKeys, ent: Span) -> bool:
    """True if `ent` is in the clause a question mark closes ("can you chase the referral?")."""
    if "?" not in keys.keys:
        return False
    after = [k for k in keys.between(ent.end, keys.offset + len(keys.keys)) if k not in (" ", NEWLINE)]
    if "?" not in after:
        return False
    before = [k for k in keys.between(keys.offset, ent.start) if k not in (" ", NEWLINE)]
    if any(k in PRESUPPOSING for k in before[-8:]):
        return False  # "why was he RUI'd?" asks about something done
    return not any(k in QUESTION_BREAKS for k in after[: after.index("?") + 2])


ARTICLES = frozenset({"a", "an"})
DEFINING_VERBS = frozenset({
    "is", "are", "can", "cannot", "may", "must", "lasts", "last", "allows", "requires", "bars",
    "prevents", "prohibits", "gives", "does", "will", "protects", "needs", "sits", "runs",
})
NOT_DEFINING_AFTER = frozenset({"being", "now", "still", "in", "due", "already", "to", "currently", "not"})
SUBJECT_OPENERS = frozenset({":", "-", "note", "box"})


def definitional_subject(keys: TokenKeys, ent: Span) -> bool:
    """True for "A DVPN is authorised by a superintendent", "An SPO can last...": the mention,
    led by an indefinite article opening the sentence, is the subject of a present-tense verb."""
    before = [k for k in keys.between(keys.offset, ent.start) if k not in (" ", NEWLINE)]
    if not before or before[-1] not in ARTICLES:
        return False
    if len(before) > 1 and before[-2] not in SUBJECT_OPENERS:
        return False
    after = [k for k in keys.between(ent.end, keys.offset + len(keys.keys)) if k not in (" ", NEWLINE)]
    if not after or after[0] not in DEFINING_VERBS:
        return False
    return len(after) < 2 or after[1] not in NOT_DEFINING_AFTER
