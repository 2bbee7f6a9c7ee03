"""Status of each measure mention, read from cue words in its sentence (ConText-style).

The component `vawg_status` sets `ent._.status` (one of the 7 statuses of labels.md) and
`ent._.status_cue` (the cue text that decided it, or None for the default) on every entity
in `doc.ents`. The cue rules are data: `configs/status_rules.jsonl` (see
`configs/status_rules.README.md` for the format).

How a status is chosen, for one entity:

1. Cues are matched (PhraseMatcher on NORM, a few token patterns) only in sentences that
   hold an entity. A cue match inside a longer cue match is dropped, so "not told" (a
   pseudo cue that decides nothing) hides "not", and "should have" hides "should".
   A `break` cue ("and the", "and he") starts a new clause: no cue reaches across it; a
   `continue` cue ("but never", "; not") lets outcome cues reach back across "but"/";".
2. A *negator* ("not", "never", "no one" ...) that ends at most `window` tokens before a
   `negatable` cue flips that cue to its `negated_status` ("was not considered" ->
   not_used, "not granted" -> refused, "not extended" -> ended). Negators do nothing else,
   so "IP not told of the bail conditions" leaves the bail mention alone.
3. A cue applies to the entity if the entity lies in the cue's direction (forward: after
   the cue; backward: before it; bidirectional: either; a cue overlapping the entity always
   applies), at most `scope` tokens away, with no terminator token of that rule in between
   (e.g. "but", ";", "although"), no other mention in between (unless the two mentions are
   in a list: "no IDVA or MARAC referral"), and the rule's `requires_label` /
   `excludes_label` allow the entity's label. A mention that is itself a verb ("remanded",
   "bailed", "RUI'd") is its own clause: at most 3 tokens away, and "and" or "," cut.
4. Of the applicable cues the highest `priority` wins; equal priorities go to the nearest
   cue, then to the longer cue. A case verb (priority below 50) right after the mention
   gets +10 ("DVPO hearing adjourned, DVPN extended": the DVPN is extended, not adjourned).
   Default priorities rank outcomes over intentions: generic 90 > refused 85 =
   breached 85 > ended 75 > not_used 65 > considered 45 > used 35
   (statistics-style generic cues use 50, so aggregated findings keep the status they
   assert). With no applicable cue the entity gets its `default` rule's status (by last
   word, e.g. plural "orders" -> generic) or `used` (a plain case statement).

Speed: one PhraseMatcher over NORM, run only on sentences that hold an entity; token NORMs
and sentence starts come from one `doc.to_array` call per doc.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import srsly
from spacy.attrs import IS_SPACE, NORM, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from pipeline.errors import InputError
from pipeline.nlp.status_clauses import (
    ANAPHOR_REACH,
    GRANT_VERBS,
    IRREALIS_OVERRIDE,
    NEWLINE,
    OUTCOMES,
    Cue,
    TokenKeys,
    definitional_subject,
    header_end,
    irrealis_span,
    mark_anaphor,
    mark_irrealis,
    negated_outcome,
    question,
)
from pipeline.nlp.status_patterns import TokenSpec, compile_pattern, find_all
from pipeline.nlp.status_rules import (  # noqa: F401  (parse_rules, read_rules: public API here too)
    BREAK,
    CONTINUE,
    DEFAULT_PRIORITY,
    DEFAULT_STATUS,
    STATUSES,
    CueRule,
    RuleSet,
    SentenceDefault,
    parse_rules,
    read_rules,
    resolve_rules_path,
)

VERB_SCOPE = 3
ADJACENT_BONUS = 10  # a case verb right after the mention ("DVPN extended") binds tighter
ADJACENT_GAP = 3  # at most this many auxiliaries and articles between a mention and its verb
ADJACENT_WORDS = frozenset({
    " ", "was", "were", "is", "are", "has", "have", "had", "been", "be", "a", "an", "the",
    "interim", "full", "his", "her", "their", "its", "then", "also", "duly", "now",
})
DONE_VERBS = frozenset({
    "made", "granted", "issued", "imposed", "served", "authorised", "authorized", "completed",
    "varied", "sent", "obtained", "extended", "renewed",
})
DEFINITION_PRIORITY = 88  # "A DVPN is authorised by..." outranks case verbs, not law cues
VERB_TERMINATORS = frozenset({"and", ",", "then", "-", "&", "or", "/", "for"})
DEFAULT_RULES = "configs/status_rules.jsonl"
RULES_FILE = "status_rules.jsonl"
TABLE_CELL = "|"  # cell separator of table rows as ingestion writes them ("DVPO | expired 05/04")
TABLE_CELLS = 4  # a cue may sit up to this many cells to the right of its mention's cell
CELL_EXTRA = 3  # words a mention's cell may hold besides the mention ("interim", "(full)")
FOLLOW_OPENERS = frozenset({  # may come before the anaphor that opens a follow-up sentence
    "but", "however", "unfortunately", "sadly", "then", "and", "eventually", "ultimately",
    "subsequently", "later", "again", "in", "the", "event", "end", ",", "-", " ", NEWLINE,
})
FOLLOW_OPENER_WORDS = 4
LATER_REACH = 25  # tokens from a mention to a later clause's decider outcome
CLAUSE_OPENERS = frozenset({"but", ";", ",", "and", "then", "-", ":", "however", "where", "when"})
ANSWER_NO = frozenset({"no", "nope", "none", "never", "n", "nil", "negative"})
ANSWER_ENDS = frozenset({".", ",", "!", ";"})  # "No - suspect remanded": a reason, so considered
REASONS = frozenset({"as", "because", "due", "given", "since", "owing", "-", ":"})
REASON_WINDOW = 5
ADVERBS = {  # conjunctions that are adverbs after these words, so they end no clause
    "yet": frozenset({"not", "n't", "never", "as", "nothing", "none", "no"}),
    "since": frozenset({"has", "have", "had", "ever", "long", "only"}),
}
NEGATIONS = frozenset({"no", "not", "n't", "never", "nothing", "none", "without"})
REASON_PRIORITY = 70  # "not sought as he was remanded": decided against with a reason
COORDINATION = frozenset(
    {"vs", "v", "versus", "plus", "even", "also"}
    | {",", "and", "or", "nor", "/", "&", "a", "an", "the", "any", "no", "either", "neither", "-"}
    # head nouns after a measure name: "the IDVA service and a DASH", "MARAC referral or IDVA"
    | {"service", "services", "referral", "referrals", "ref", "application", "support", "disclosure"}
)

if not Span.has_extension("status"):
    Span.set_extension("status", default=None)
if not Span.has_extension("status_cue"):
    Span.set_extension("status_cue", default=None)


def is_verb_mention(ent: Span) -> bool:
    """True for mentions that are themselves a verb ("remanded", "bailed", "RUI'd", "released ...")."""
    text = ent.text.lower()
    return text.startswith("released") or text.endswith(("ed", "'d", "’d"))


class DocIndex:
    """Per-doc arrays read once: sentence starts and token NORMs (no Token objects made)."""

    def __init__(self, doc: Doc, ents: Sequence[Span] | None = None) -> None:
        self.doc = doc
        self.ents = ents if ents is not None else doc.ents
        arr = doc.to_array([NORM, IS_SPACE, SENT_START])
        self.norms: list[int] = arr[:, 0].tolist()
        self.spaces = {int(i) for i in arr[:, 1].nonzero()[0]}
        starts = (arr[:, 2] == 1).nonzero()[0].tolist()
        self.starts: list[int] = starts if starts and starts[0] == 0 else [0, *starts]
        self.sentenced = doc.has_annotation("SENT_START")

    def sentence_of(self, ent: Span) -> tuple[int, int]:
        if not self.sentenced:
            return 0, len(self.doc)
        k = bisect_right(self.starts, ent.start) - 1
        end = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.doc)
        return self.starts[k], end

    def next_sentence(self, end: int) -> tuple[int, int] | None:
        """Bounds of the sentence that starts at token `end`, or None at the end of the doc."""
        if not self.sentenced or end >= len(self.doc):
            return None
        k = bisect_right(self.starts, end) - 1
        if self.starts[k] != end:
            return None
        return end, self.starts[k + 1] if k + 1 < len(self.starts) else len(self.doc)

    def keys(self, start: int, end: int) -> TokenKeys:
        keys = TokenKeys.__new__(TokenKeys)
        keys.offset = start
        keys.irrealis = []
        strings, doc = self.doc.vocab.strings, self.doc
        keys.keys = [
            (NEWLINE if "\n" in doc[i].text else " ") if i in self.spaces else strings[self.norms[i]]
            for i in range(start, end)
        ]
        return keys


class StatusComponent:
    """Reads each entity's status from the cue rules in its sentence."""

    def __init__(
        self, nlp: Language, name: str, rules_path: str, raw_rules: list[dict[str, Any]] | None = None
    ):
        self.name = name
        self.nlp = nlp
        self.rules_path = rules_path
        self._missing: Path | None = None
        if raw_rules is None:
            path = resolve_rules_path(rules_path)
            if path.is_file():
                raw_rules = read_rules(path)
            else:  # a saved pipeline brings its own rules through from_disk
                self._missing, raw_rules = path, []
        self._build(raw_rules, str(rules_path))

    def _build(self, raw_rules: list[dict[str, Any]], source: str) -> None:
        if raw_rules:
            self._missing = None
        self.raw_rules = raw_rules
        self.ruleset = parse_rules(raw_rules, source)
        self.rules = {r.key: r for r in self.ruleset.rules}
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.patterns = Matcher(self.nlp.vocab)
        self.key_patterns: list[tuple[CueRule, tuple[TokenSpec, ...]]] = []
        for rule in self.ruleset.rules:
            if rule.cues:
                self.phrases.add(rule.key, [self.nlp.make_doc(c) for c in rule.cues])
            if rule.pattern:
                specs = compile_pattern(rule.pattern)
                if specs is not None:  # cheap: matched on the sentence's NORM strings
                    self.key_patterns.append((rule, specs))
                else:
                    self.patterns.add(rule.key, [list(rule.pattern)])
        self._has_patterns = len(self.patterns) > 0
        # statistics patterns decide plural order names only: skipped in sentences without one
        self._singular_patterns = [(r, p) for r, p in self.key_patterns if not r.plural_only]
        self._matrix = self.ruleset.sets.get("matrix", frozenset())
        self._deciders = self.ruleset.sets.get("decider", frozenset())
        self._decider_titles = self.ruleset.sets.get("decider_title", frozenset())
        self._decider_heads = self._deciders | self._decider_titles
        self._decider_phrase = self._decider_heads | self.ruleset.sets.get("decider_word", frozenset())
        # the longest word of each outcome cue: a next sentence with none of them holds no
        # outcome cue, so the follow-up check can skip it without running the matchers
        self._outcome_words = frozenset(
            max((t.norm_ for t in self.nlp.make_doc(cue)), key=len)
            for rule in self.ruleset.rules
            if rule.status in OUTCOMES
            for cue in rule.cues
        )
        self._by_id = {self.nlp.vocab.strings.add(key): rule for key, rule in self.rules.items()}

    # -- matching ---------------------------------------------------------------------
    def _matches(
        self, sent: Span, keys: TokenKeys | None = None, ents: Iterable[Span] = ()
    ) -> list[tuple[CueRule, int, int]]:
        # PhraseMatcher gives doc offsets for a Span; Matcher gives offsets within the Span
        by_id = self._by_id
        found = [(by_id[m], s, e) for m, s, e in self.phrases(sent)]
        if self.key_patterns:
            words = keys.keys if keys is not None else [t.norm_ for t in sent]
            plural = any(self._plural(ent) for ent in ents)
            patterns = self.key_patterns if plural else self._singular_patterns
            if patterns:
                found += find_all(patterns, words, sent.start)
        if self._has_patterns:
            off = sent.start
            found += [(by_id[m], s + off, e + off) for m, s, e in self.patterns(sent)]
        found = [m for m in found if not m[0].match_case or sent.doc[m[1] : m[2]].text in m[0].cues]
        breaks = [m for m in found if m[0].role in ("break", "continue")]  # these hide nothing
        found = [m for m in found if m[0].role not in ("break", "continue")]
        # drop any match strictly inside a longer one (longest cue wins)
        # a longer match hides every shorter match inside it ("not told" hides "not")
        found.sort(key=lambda m: (m[1] - m[2], m[1]))
        kept: list[tuple[CueRule, int, int]] = []
        for rule, s, e in found:
            if any(ks <= s and e <= ke and (ke - ks) > (e - s) for _, ks, ke in kept):
                continue
            kept.append((rule, s, e))
        return kept + breaks

    def cues(self, sent: Span, ents: Iterable[Span] = (), keys: TokenKeys | None = None) -> list[Cue]:
        """The status cues of a sentence, with negation applied.

        A negator with an `entity_window` right before an entity ("not bailed", "never
        referred to MARAC") also yields a not_used cue on that entity itself.
        """
        doc = sent.doc
        keys = keys or TokenKeys(sent)
        ents = list(ents)
        matches = self._matches(sent, keys, ents)
        for rule, s, _ in matches:
            if rule.role == "break" and s > keys.offset:  # a new clause starts here
                keys.keys[s - keys.offset] = BREAK
            elif rule.role == "continue":  # "but never served": the same subject goes on
                keys.keys[s - keys.offset] = CONTINUE + keys.keys[s - keys.offset]
        for word, before in ADVERBS.items():  # "not yet submitted", "has since expired": adverbs
            if word in keys.keys:
                norms = keys.keys
                for i in range(1, len(norms)):
                    if norms[i] == word and norms[i - 1] in before:
                        norms[i] = f"<{word}>"
        negators = [(r, s, e) for r, s, e in matches if r.role == "negator"]
        markers = [(r, s, e) for r, s, e in matches if r.role == "irrealis"]
        anaphors = [(r, s, e) for r, s, e in matches if r.role == "anaphor"]
        words = set(keys.keys)
        # a negated attitude verb takes the negation ("did not want a referral": not the referral)
        off, norms = keys.offset, keys.keys
        verbs = [(s, e) for r, s, e in matches if r.role == "status" and norms[e - 1 - off] in self._matrix]
        header = header_end(keys)
        header_free = not any(
            ent.start < header for ent in ents
        )  # "Discharge planning: ..." names no measure
        keys.irrealis = [span for r, ms, me in markers if (span := irrealis_span(keys, r, ms, me, doc))]
        out: list[Cue] = []
        for ent in ents:
            for rule, ns, ne in negators:
                if (
                    ne <= ent.start
                    and ent.start - ne <= rule.entity_window
                    and not self._blocked(keys, ne, ent.start, rule.terminators)
                ):
                    # "the judge wouldn't remand him": a decider's negated verb mention is refused
                    grant = keys.between(ent.start, ent.start + 1)[0] in GRANT_VERBS
                    status, priority = negated_outcome(keys, ns, self._deciders, grant)
                    out.append(Cue(rule, ns, ne, status, priority, doc, True, ent.start))
        for rule, s, e in matches:
            if rule.role != "status" or rule.status is None:
                continue
            if rule.unless_sentence and words & rule.unless_sentence:
                continue
            if e <= header and (
                rule.priority < 50 or (header_free and rule.status != "generic")
            ):  # "Housing options: ..." labels the entry, decides nothing
                continue
            status, priority, negated = rule.status, rule.priority, False
            negator = (
                next(
                    (
                        (neg, ns, ne)
                        for neg, ns, ne in negators
                        if ns < s
                        and s - ne <= neg.window
                        and not self._blocked(keys, min(ne, s), s, neg.terminators)
                        and not any(ne <= cs and ce <= s and (cs, ce) != (s, e) for cs, ce in verbs)
                    ),
                    None,
                )
                if negators and rule.negatable
                else None
            )
            if negator is not None:
                status, negated = rule.negated_status, True
                priority = rule.negated_priority or DEFAULT_PRIORITY[status]
                if rule.reason_status and any(k in REASONS for k in keys.between(e, e + 2)):
                    status, priority = rule.reason_status, REASON_PRIORITY
                elif status == "not_used":
                    grant = keys.between(e - 1, e)[0] in GRANT_VERBS
                    status, priority = negated_outcome(keys, negator[1], self._deciders, grant)
            elif rule.only_negated:
                continue
            cue = Cue(rule, s, e, status, priority, doc, negated)
            if markers:
                mark_irrealis(cue, keys, markers)
            if anaphors:
                mark_anaphor(cue, keys, anaphors)
            out.append(cue)
        return out

    @staticmethod
    def _blocked(keys: TokenKeys, start: int, end: int, terminators: frozenset[str]) -> bool:
        return any(k in terminators for k in keys.between(start, end))

    # -- resolution -------------------------------------------------------------------
    @staticmethod
    def _coordinated(keys: TokenKeys, start: int, end: int) -> bool:
        return all(k in COORDINATION for k in keys.between(start, end))

    def _shielded(self, ent: Span, lo: int, hi: int, ents: list[Span], keys: TokenKeys) -> bool:
        """True if another entity lies in doc[lo:hi] and is not in a list with `ent`.

        A cue stops at the first other entity on its way, unless that entity and the
        target are coordinated ("no IDVA or MARAC referral").
        """
        between = [e for e in ents if e.start >= lo and e.end <= hi and e.start != ent.start]
        if not between:
            return False
        chain = sorted(between + [ent], key=lambda e: e.start)
        return not all(
            self._coordinated(keys, a.end, b.start) for a, b in zip(chain, chain[1:], strict=False)
        )

    def _reach(self, ent: Span, cue: Cue, ents: list[Span], keys: TokenKeys, verb: bool) -> int | None:
        """Tokens between `cue` and `ent` if the cue reaches the entity, else None."""
        rule = cue.rule
        if cue.start < ent.end and ent.start < cue.end:
            return 0
        if cue.clause is not None and not (cue.clause[0] <= ent.start and ent.end <= cue.clause[1]):
            return None
        if cue.anaphor is not None and ent.end <= cue.anaphor:
            labels = cue.anaphor_labels
            if (not labels or ent.label_ in labels) and cue.anaphor - ent.end <= ANAPHOR_REACH:
                nearer = [
                    e
                    for e in ents
                    if e.start >= ent.end and e.end <= cue.anaphor and (not labels or e.label_ in labels)
                ]
                if not nearer:
                    return cue.anaphor - ent.end
        if cue.end <= ent.start:
            if rule.direction == "backward":
                return None
            lo, hi = cue.end, ent.start
        else:
            if rule.direction == "forward":
                return None
            lo, hi = ent.end, cue.start
        scope, terminators = rule.scope, rule.terminators
        if cue.end <= ent.start and cue.status in OUTCOMES and "," in keys.between(lo, hi):
            return None  # an outcome reaches its subject or a direct object, not past a comma
        if verb and not rule.through_entities:
            # "charged and remanded", "RUI'd, no bail": a verb mention is its own clause
            scope, terminators = min(scope, VERB_SCOPE), terminators | VERB_TERMINATORS
        if cue.start >= ent.end and TABLE_CELL in terminators and TABLE_CELL in keys.between(lo, hi):
            return self._cell_reach(ent, cue, ents, keys, scope, terminators)
        if self._blocked(keys, lo, hi, terminators):
            return None
        if hi - lo > scope and not self._listed(ent, cue, ents, keys, scope):
            return None
        if not rule.through_entities and self._shielded(ent, lo, hi, ents, keys):
            return None
        return hi - lo

    def _cell_reach(
        self, ent: Span, cue: Cue, ents: list[Span], keys: TokenKeys, scope: int, terminators: frozenset[str]
    ) -> int | None:
        """A table row ("25/0331 | MARR | DVPO | expired 05 Apr"): a cue in a later cell of the
        same row reaches a mention that fills its own cell, if no other mention is on the way.
        The scope counts from the start of the cue's cell. Returns the distance, or None."""
        row = keys.keys
        first, last = ent.start - keys.offset, ent.end - keys.offset
        left = first
        while left > 0 and row[left - 1] != TABLE_CELL:
            left -= 1
        right = last
        while right < len(row) and row[right] != TABLE_CELL:
            right += 1
        own = [k for k in row[left:first] + row[last:right] if k != " "]
        if len(own) > CELL_EXTRA or NEWLINE in own:
            return None
        between = keys.between(ent.end, cue.start)
        if not 1 <= between.count(TABLE_CELL) <= TABLE_CELLS:
            return None
        if self._blocked(keys, ent.end, cue.start, terminators - {TABLE_CELL}):
            return None
        if any(e.start >= ent.end and e.end <= cue.start for e in ents):
            return None
        cell = between[len(between) - between[::-1].index(TABLE_CELL) :]
        if sum(k != " " for k in cell) > scope:
            return None
        return cue.start - ent.end

    def _listed(self, ent: Span, cue: Cue, ents: list[Span], keys: TokenKeys, scope: int) -> bool:
        """True if `ent` is in a list with a mention the cue reaches within its scope
        ("declined the IDVA service and a DASH": the DASH is declined too)."""
        if cue.end <= ent.start:
            chain = [e for e in ents if e.start >= cue.end and e.end <= ent.start]
            near = chain[0].start - cue.end if chain else None
            links = chain + [ent]
        else:
            chain = [e for e in ents if e.start >= ent.end and e.end <= cue.start]
            near = cue.start - chain[-1].end if chain else None
            links = [ent] + chain
        if near is None or near > scope:
            return False
        return all(self._coordinated(keys, a.end, b.start) for a, b in zip(links, links[1:], strict=False))

    def choose(
        self, ent: Span, cues: list[Cue], ents: list[Span] | None = None, keys: TokenKeys | None = None
    ) -> Cue | None:
        """The cue that decides `ent`'s status, or None (default status)."""
        ents = ents or []
        verb = is_verb_mention(ent)
        keys = keys or TokenKeys(ent.sent if ent.doc.has_annotation("SENT_START") else ent.doc[:])
        best: tuple[int, int, int] | None = None
        winner: Cue | None = None
        for cue in cues:
            if cue.target is not None:
                if cue.target != ent.start:
                    continue
                distance = ent.start - cue.end
            elif not cue.rule.allows(ent.label_):
                continue
            elif cue.rule.plural_only and not self._plural(ent):
                continue
            else:
                reach = self._reach(ent, cue, ents, keys, verb)
                if reach is None:
                    continue
                distance = reach
            adjacent = cue.priority < 50 and self._adjacent(ent, cue, distance, keys)
            bonus = ADJACENT_BONUS if adjacent else 0
            rank = (cue.priority + bonus, -distance, cue.end - cue.start)
            if best is None or rank > best:
                best, winner = rank, cue
        if (
            winner is not None
            and winner.rule.reason_status
            and (not winner.negated or winner.target is not None)
        ):
            winner = self._with_reason(ent, winner, keys)
        if winner is None or winner.priority < IRREALIS_OVERRIDE:
            spans = [(s, e, g) for s, e, g in keys.irrealis if s <= ent.start and ent.end <= e]
            if spans:
                # "if the suspect is bailed ..., victims are entitled to": the main clause's
                # law or policy cue governs the conditional clause, however far away
                general = [c for c in cues if c.status == "generic" and c.rule.through_entities]
                general += [g for _, _, g in spans if g is not None]
                if general:
                    return max(general, key=lambda c: c.priority)
        return winner

    @staticmethod
    def _adjacent(ent: Span, cue: Cue, distance: int, keys: TokenKeys) -> bool:
        """A case verb right after the mention ("DVPN extended"), or a used verb with only
        auxiliaries and articles between ("the NMO was made", "made an interim NMO"), binds tightest."""
        if distance == 0:
            return cue.start >= ent.end
        words = cue.text.lower().split()
        done = words[-1] in DONE_VERBS or words[-2:] == ["subject", "to"]
        if distance > ADJACENT_GAP or cue.status != "used" or not done:
            return False
        after = cue.start >= ent.end
        between = keys.between(ent.end, cue.start) if after else keys.between(cue.end, ent.start)
        return all(k in ADJACENT_WORDS for k in between)

    @staticmethod
    def _with_reason(ent: Span, cue: Cue, keys: TokenKeys) -> Cue:
        """ "no DVPN - suspect remanded": a negated mention followed at once by a reason (and
        no further negation) was decided against: the rule's `reason_status`."""
        after = [k for k in keys.between(ent.end, ent.end + REASON_WINDOW) if k != " "]
        if not after or after[0] not in REASONS or cue.end > ent.start:
            return cue
        if any(k in NEGATIONS for k in after[1:]):
            return cue
        return replace(cue, status=cue.rule.reason_status or cue.status, priority=REASON_PRIORITY)

    def _plural(self, ent: Span) -> bool:
        """A plural order name ("DVPNs", "protection orders"): the words of the by-last-word defaults."""
        return ent.text.lower().rsplit(None, 1)[-1] in self.ruleset.defaults

    def status_of(self, ent: Span, cue: Cue | None, keys: TokenKeys) -> str:
        """The status `cue` gives `ent` (or its default); a plain case verb or no cue in a
        question ("can you chase the MARAC referral?") is only an intention: considered."""
        if (cue is None or cue.priority < DEFINITION_PRIORITY) and definitional_subject(keys, ent):
            return "generic"
        status = cue.status if cue else self.default_status(ent, keys)
        if status == "used" and (cue is None or cue.priority < 50) and question(keys, ent):
            return "considered"
        return status

    def default_status(self, ent: Span, keys: TokenKeys | None = None) -> str:
        """Status of an entity no cue reaches: a `default` rule for its last word or its
        sentence (e.g. present tense with no case details -> generic), else used."""
        by_word = (
            self.ruleset.defaults.get(ent.text.lower().rsplit(None, 1)[-1]) if self.ruleset.defaults else None
        )
        if by_word:
            return by_word
        if self.ruleset.sentence_defaults:
            sent = ent.sent if ent.doc.has_annotation("SENT_START") else ent.doc[:]
            words = set(keys.keys) if keys is not None else {t.norm_ for t in sent}
            for rule in self.ruleset.sentence_defaults:
                if rule.applies(words, sent.text):
                    return rule.status
        return DEFAULT_STATUS

    def _decider_subject(self, lead: list[str]) -> bool:
        """True for a subject that is a decider: "the bench", "a district judge", "Supt", "HHJ
        Ellery" (a decider's title may be followed by one name)."""
        if not lead or len(lead) > 3:
            return False
        named = len(lead) > 1 and lead[-1] not in self._deciders and lead[-2] in self._decider_titles
        head = lead[:-1] if named else lead
        return head[-1] in self._decider_heads and all(k in self._decider_phrase for k in head)

    def _sentences(self, index: DocIndex) -> Iterator[tuple[Span, list[Span]]]:
        """Each sentence that holds entities, with its entities (in order)."""
        current: tuple[int, int] | None = None
        group: list[Span] = []
        for ent in index.ents:
            bounds = index.sentence_of(ent)
            if bounds == current:
                group.append(ent)
                continue
            if current is not None:
                yield index.doc[current[0] : current[1]], group
            current, group = bounds, [ent]
        if current is not None:
            yield index.doc[current[0] : current[1]], group

    def __call__(self, doc: Doc) -> Doc:
        if self._missing is not None:
            raise InputError(f"status rules not found: {self._missing}")
        all_ents = doc.ents
        if not all_ents:
            return doc
        index = DocIndex(doc, all_ents)
        for sent, ents in self._sentences(index):
            keys = index.keys(sent.start, sent.end)
            cues = self.cues(sent, ents, keys)
            undecided, asked = [], []
            question = bool(keys.keys) and keys.keys[-1] == "?"
            for ent in ents:
                cue = self.choose(ent, cues, ents, keys) if cues else None
                ent._.status = self.status_of(ent, cue, keys)
                ent._.status_cue = cue.text if cue else None
                if ent._.status in ("used", "considered") and (cue is None or cue.status == "considered"):
                    later = self._decided_later(ent, cues, ents, keys)
                    if later is not None:
                        ent._.status, ent._.status_cue = later.status, later.text
                        continue
                    undecided.append(ent)
                if question and ent._.status in ("used", "considered") and (cue is None or cue.priority < 50):
                    asked.append(ent)
            if asked and self._answered_no(index, sent):
                for ent in asked:
                    ent._.status, ent._.status_cue = "not_used", "no"
            elif undecided:
                self._follow_up(index, sent, ents, undecided)
        return doc

    def _decided_later(self, ent: Span, cues: list[Cue], ents: list[Span], keys: TokenKeys) -> Cue | None:
        """ "The CPS asked for a remand, but the bench refused.", "applied for an RO on acquittal;
        the judge said no": a later clause whose subject is a decider and whose outcome has no
        mention of its own decides a mention its own clause left open."""
        for cue in cues:
            if cue.status not in OUTCOMES or cue.start < ent.end or cue.start - ent.end > LATER_REACH:
                continue
            if cue.text.lower().split()[-1] in ("to", "for", "of"):  # "CPS said no to charge": its own object
                continue
            if any(ent.end <= e.start < cue.start or cue.end <= e.start < cue.end + 4 for e in ents):
                continue
            before = keys.between(ent.end, cue.start)
            breaks = [i for i, k in enumerate(before) if k in CLAUSE_OPENERS]
            if not breaks:
                continue
            lead = [k for k in before[breaks[-1] + 1 :] if k not in FOLLOW_OPENERS]
            if self._decider_subject(lead):
                return cue
        return None

    @staticmethod
    def _answered_no(index: DocIndex, sent: Span) -> bool:
        """ "SUSP RUI'd? - NO", "was a MARAC referral made? A: No.": the next sentence answers
        the question with a no (after a dash, "A:" or a speaker label such as "CALLER:")."""
        bounds = index.next_sentence(sent.end)
        if bounds is None:
            return False
        words = [k for k in index.keys(*bounds).keys[:8] if k not in (" ", NEWLINE)]
        while words and words[0] in ("-", "a", "answer", "reply", "response"):
            words = words[1:]
        if len(words) > 1 and words[1] == ":":  # a speaker label: "CALLER: No."
            words = words[2:]
        while words and words[0] == ":":
            words = words[1:]
        return bool(words) and words[0] in ANSWER_NO and (len(words) == 1 or words[1] in ANSWER_ENDS)

    def _follow_up(self, index: DocIndex, sent: Span, ents: list[Span], undecided: list[Span]) -> None:
        """ "The DVPO application was heard at 14:00. It was refused.": a sentence that opens
        with an anaphor (or with a decider and names no measure: "The bench refused.") and an
        outcome ends, refuses or breaches the nearest mention of the sentence before it that it
        can name, where that mention's own sentence decided nothing (no cue, or a considered one)."""
        bounds = index.next_sentence(sent.end)
        if bounds is None:
            return
        start, end = bounds
        keys = index.keys(start, end)
        if not self._outcome_words.intersection(keys.keys):
            return
        later = [e for e in index.ents if start <= e.start < end]
        for cue in self.cues(index.doc[start:end], (), keys):
            if cue.status not in OUTCOMES:
                continue
            if cue.anaphor is not None and cue.anaphor < cue.start:
                # "It was refused.", "However, the order was discharged."
                lead = keys.between(start, cue.anaphor)
                if len(lead) > FOLLOW_OPENER_WORDS or any(k not in FOLLOW_OPENERS for k in lead):
                    continue
                if any(e.start < cue.start for e in later):
                    continue
            else:  # "The bench refused.", "Supt declined.", "A district judge refused the application."
                lead = [k for k in keys.between(start, cue.start) if k not in FOLLOW_OPENERS]
                if not self._decider_subject(lead) or any(e.start < (cue.anaphor or end) for e in later):
                    continue
            labels = cue.anaphor_labels
            named = [e for e in ents if not labels or e.label_ in labels]
            if named and named[-1] in undecided:
                named[-1]._.status = cue.status
                named[-1]._.status_cue = cue.text
            return

    # -- serialisation: the rules travel with a saved pipeline ---------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(folder / RULES_FILE, self.raw_rules)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> StatusComponent:
        file = Path(path) / RULES_FILE
        self._build(list(srsly.read_jsonl(file)), str(file))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.json_dumps(self.raw_rules).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> StatusComponent:
        self._build(srsly.json_loads(data.decode("utf-8")), "<bytes>")
        return self


@Language.factory("vawg_status", default_config={"rules_path": DEFAULT_RULES})
def make_status(nlp: Language, name: str, rules_path: str) -> StatusComponent:
    return StatusComponent(nlp, name, rules_path)
