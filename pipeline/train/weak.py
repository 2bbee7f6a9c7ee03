"""Weak labels for missed-opportunity signals: labelling functions, aggregation and a report.

A labelling function (LF) looks at one sentence (its text and, when known, the measure
mentions in it with their statuses) and votes for one signal or abstains. A few LFs vote
`NONE` (policy text, recommendations), which counts against every signal. Votes are
aggregated per signal by majority: a signal is given when its positive votes outnumber
the `NONE` votes. `lf_report` gives each LF's coverage, overlap, conflicts and, where
reference labels exist, its precision.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

NONE = "NONE"
Mention = tuple[str, str]  # (measure code, status)
ORDERS = {"DVPN", "DVPO", "DAPN", "DAPO", "NMO", "OCCUPATION_ORDER", "RESTRAINING_ORDER", "SPO", "SHPO",
          "SRO", "FMPO", "FGMPO"}


@dataclass(frozen=True)
class LF:
    """One labelling function: a name, the label it votes for, and its test."""

    name: str
    label: str
    test: Callable[[str, Sequence[Mention]], bool]
    keyword: bool = True  # text-only (usable without a mention layer)


def _rx(pattern: str) -> Callable[[str, Sequence[Mention]], bool]:
    compiled = re.compile(pattern, re.IGNORECASE)
    return lambda text, _m: compiled.search(text) is not None


def _status(codes: set[str] | None, status: str,
            cue: str | None = None) -> Callable[[str, Sequence[Mention]], bool]:
    cue_rx = re.compile(cue, re.IGNORECASE) if cue else None

    def test(text: str, mentions: Sequence[Mention]) -> bool:
        hit = any(st == status and (codes is None or code in codes) for code, st in mentions)
        return hit and (cue_rx is None or cue_rx.search(text) is not None)

    return test


def _both(first: Mention, second: Mention) -> Callable[[str, Sequence[Mention]], bool]:
    return lambda _t, mentions: first in mentions and second in mentions


NEG = r"(?:\bno\b|\bnot\b|\bnever\b|without|n't|failed to|nobody|no one|nothing)"
ORDER_WORDS = (r"(?:dvpn|dvpo|dapn|dapo|\bspo\b|ispo|shpo|\bsro\b|fmpo|fgmpo|protection (?:notice|order)|"
               r"restraining order|\bro\b|r/o|non-?mol|\bnmo\b|occupation order|sexual (?:harm|risk))")
CONSIDER = r"(?:consider|sought|seek|request|explor|appl(?:y|ied)|raised|mention)"

LFS: list[LF] = [
    # released without conditions
    LF("rui_no_conditions", "RELEASED_WITHOUT_CONDITIONS",
       _rx(r"(?:\brui\b|rui'd|released (?:under investigation|pending|without (?:bail|charge))|"
           r"released no bail)"
           r".{0,80}(?:no|without)\b.{0,25}(?:bail|cond)")),
    LF("released_no_conditions", "RELEASED_WITHOUT_CONDITIONS",
       _rx(r"(?:released|let him go|out on).{0,60}(?:no|without any|nothing|with no) "
           r"(?:conditions|conds|bail|stopping)")),
    LF("bail_not_considered", "RELEASED_WITHOUT_CONDITIONS",
       _rx(r"(?:bail|conditions).{0,20}not (?:considered|sought|requested)|"
           r"no (?:bail|conds?)\b.{0,15}considered")),
    LF("status_rui_used_bail_not_used", "RELEASED_WITHOUT_CONDITIONS",
       _both(("RUI", "used"), ("BAIL", "not_used")), keyword=False),
    # bail lapsed
    LF("bail_lapsed", "BAIL_LAPSED",
       _rx(r"(?:bail|conditions|conds|pcb).{0,40}(?:lapsed|expired|ran out|runs out|fell away|not extended|"
           r"not renewed|removed|allowed to (?:lapse|expire)|ended)")),
    LF("bail_exp_short", "BAIL_LAPSED", _rx(r"\bbail exp\b|bail to lapse|no extension (?:sought|requested)")),
    LF("status_bail_ended", "BAIL_LAPSED", _status({"BAIL"}, "ended"), keyword=False),
    # order not considered
    LF("order_not_considered", "ORDER_NOT_CONSIDERED",
       _rx(ORDER_WORDS + r".{0,40}(?:not|never) "
           r"(?:considered|sought|requested|explored|applied|raised|pursued)")),
    LF("no_order_considered", "ORDER_NOT_CONSIDERED",
       _rx(r"(?:did not|didn't|no|never|without|rarely|seldom) (?:\w+ ){0,3}" + CONSIDER + r"\w*.{0,40}"
           + ORDER_WORDS)),
    LF("status_order_not_used", "ORDER_NOT_CONSIDERED", _status(ORDERS, "not_used"), keyword=False),
    # application failed
    LF("application_failed", "ORDER_APPLICATION_FAILED",
       _rx(r"(?:application|app\b|notice|order|papers|bundle).{0,60}(?:refused|withdrawn|lapsed|rejected|"
           r"not (?:served|progressed|lodged|listed)|late|adjourned|fell through|unable to proceed)")),
    LF("could_not_list_or_serve", "ORDER_APPLICATION_FAILED",
       _rx(r"(?:could(?: not|n't) (?:list|be contacted|be reached)|unable to serve|never served|not served|"
           r"48 ?h(?:ou)?rs? (?:passed|missed))")),
    LF("status_order_refused", "ORDER_APPLICATION_FAILED",
       _status(ORDERS - {"NMO", "OCCUPATION_ORDER"}, "refused"), keyword=False),
    # breach not actioned
    LF("civil_matter", "BREACH_NOT_ACTIONED",
       _rx(r"civil matter|words of advice|\bwoa\b|contact (?:her )?solicitor|"
           r"go back to (?:her|my) solicitor")),
    LF("breach_no_action", "BREACH_NOT_ACTIONED",
       _rx(r"breach.{0,80}(?:no (?:arrest|action|crime|further action|attendance|file)|not (?:arrested|"
           r"crimed|recorded|investigated|actioned|spoken)|nothing has happened|nfa|never arrested)")),
    LF("status_breached_no_action", "BREACH_NOT_ACTIONED",
       _status(None, "breached", r"(?:no (?:arrest|action|crime|further)|not (?:arrested|crimed|recorded)|"
                                 r"advice|civil|closed|nothing)"), keyword=False),
    # victim not informed
    LF("not_told", "VICTIM_NOT_INFORMED",
       _rx(r"(?:not|never|nobody|no one)\b.{0,20}(?:told|informed|updated|notified|made aware|consulted|"
           r"asked what|rang me)|\bunaware\b|heard (?:about )?it from|no (?:vcop|update|contact with)")),
    LF("views_not_sought", "VICTIM_NOT_INFORMED",
       _rx(r"views (?:\w+ )?(?:were |was )?not (?:sought|obtained)|without the victim's views|"
           r"updates were not")),
    # risk not assessed
    LF("no_risk_assessment", "RISK_NOT_ASSESSED",
       _rx(r"(?:no|not|incomplete|without)\b.{0,25}(?:dash|dara|risk assessment|risk questions)|"
           r"(?:dash|dara|risk assessment).{0,25}"
           r"(?:not (?:completed|done|reviewed|updated)|incomplete|refused)")),
    LF("risk_underestimated", "RISK_NOT_ASSESSED",
       _rx(r"(?:graded|grading|risk level).{0,30}(?:standard|medium|low)\b.{0,30}"
           r"(?:despite|although|disclosed)|"
           r"not (?:re-?assessed|re-?graded|revisited)|graded standard")),
    LF("status_dash_not_used", "RISK_NOT_ASSESSED", _status({"DASH"}, "not_used"), keyword=False),
    # no referral
    LF("no_referral", "NO_REFERRAL",
       _rx(r"no (?:\w+ ){0,3}(?:ref\b|referral)|not referred|referral not (?:made|submitted|sent)|"
           r"never referred|(?:csc|social care|mash|encompass).{0,30}not (?:notified|sent|made)|"
           r"not offered")),
    LF("status_marac_idva_not_used", "NO_REFERRAL", _status({"MARAC", "IDVA"}, "not_used"), keyword=False),
    # delay
    LF("delay_words", "DELAY", _rx(r"\bdelay|\bdrift|no progress|no activity|took \w+ (?:days|weeks|months)|"
                                  r"o/s (?:for|since)|outstanding for")),
    LF("not_until", "DELAY",
       _rx(r"not (?:\w+ ){0,2}(?:interviewed|arrested|recorded|attended|taken|seen|spoken to) "
           r"(?:until|for)\b|"
           r"\b(?:\d+|two|three|five|six|seven|eleven|nine|ten) (?:days|weeks|months|wks|hrs|hours) "
           r"(?:later|after)")),
    # history ignored
    LF("history_not_checked", "HISTORY_IGNORED",
       _rx(r"(?:previous|prior|history|intel|pnc|pnd|repeat|earlier)\b.{0,50}not (?:checked|linked|searched|"
           r"reviewed|identified|considered|done)|not linked|did not (?:search|check|link|recognise)|"
           r"first time|separate incident")),
    # no supervision
    LF("no_supervision", "NO_SUPERVISION",
       _rx(r"(?:no|not|without|weak)\b.{0,20}(?:supervisory|supervisor|sgt|sergeant)\b.{0,10}"
           r"(?:review|oversight)|supervisor (?:did not|failed|signed off)|"
           r"not reviewed by (?:a )?supervisor|supervision .{0,40}weak")),
    # closed unprotected
    LF("closed_unprotected", "CASE_CLOSED_UNPROTECTED",
       _rx(r"(?:closed|nfa|filed|no further action|dropped).{0,80}(?:no (?:protective|safeguarding|measures)|"
           r"nothing (?:in place|was done)|evidence-led|victimless|with no protection|no protection)")),
    LF("nfa_retraction", "CASE_CLOSED_UNPROTECTED",
       _rx(r"(?:retract|withdr[ae]w|won't support|declined to support|not supporting).{0,60}(?:nfa|closed|"
           r"filed|no further action)|nfa.{0,40}(?:retract|won't support|declined)")),
    # no-signal evidence
    LF("policy_text", NONE,
       _rx(r"^(?:a|an|the|under|guidance|forces|officers|police|supervisors|where)\b[^.;]{0,80}\b"
           r"(?:must|can|may|should|lasts|gives|introduces)\b(?![^.;]*\b(?:have|been)\b)")),
    LF("recommendation", NONE, _rx(r"\bwe recommend|\brecommendation\b|\bforces should\b")),
]


def label_evidence(label: str, text: str) -> int:
    """How many keyword LFs of `label` fire on `text` (used to place gold signals in sentences)."""
    return sum(1 for lf in LFS if lf.keyword and lf.label == label and lf.test(text, ()))


def apply_lfs(text: str, mentions: Sequence[Mention] = (), lfs: Sequence[LF] = LFS) -> list[str | None]:
    """Each LF's vote on one sentence: its label, or None when it abstains."""
    return [lf.label if lf.test(text, mentions) else None for lf in lfs]


def aggregate(votes: Sequence[str | None]) -> list[str]:
    """Majority vote per signal: a signal wins when its votes outnumber the NONE votes."""
    against = sum(1 for v in votes if v == NONE)
    counts: dict[str, int] = {}
    for v in votes:
        if v is not None and v != NONE:
            counts[v] = counts.get(v, 0) + 1
    return sorted(lab for lab, n in counts.items() if n > against)


@dataclass
class LFStats:
    name: str
    label: str
    fired: int = 0
    overlaps: int = 0
    conflicts: int = 0
    correct: int = 0
    judged: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def lf_report(matrix: Sequence[Sequence[str | None]], reference: Sequence[Sequence[str]] | None = None,
              lfs: Sequence[LF] = LFS) -> list[LFStats]:
    """Coverage, overlap (another LF also fired), conflict (another LF voted differently) and precision.

    A vote for a signal conflicts with a NONE vote, and a NONE vote with any signal vote;
    votes for two different signals do not conflict (sentences are multi-label).
    """
    stats = [LFStats(lf.name, lf.label) for lf in lfs]
    for i, row in enumerate(matrix):
        fired = [j for j, v in enumerate(row) if v is not None]
        for j in fired:
            st = stats[j]
            st.fired += 1
            others = [row[k] for k in fired if k != j]
            if others:
                st.overlaps += 1
            mine = row[j]
            if any((o == NONE) != (mine == NONE) for o in others):
                st.conflicts += 1
            if reference is not None:
                st.judged += 1
                gold = set(reference[i])
                st.correct += int((mine in gold) if mine != NONE else not gold)
    return stats


def format_report(stats: Sequence[LFStats], n_items: int) -> str:
    """A printable table of the LF report."""
    head = (f"{'labelling function':34s} {'label':28s} {'cover':>6s} {'overlap':>7s} "
            f"{'conflict':>8s} {'prec':>6s}")
    lines = [head, "-" * len(head)]
    for st in stats:
        cover = st.fired / n_items if n_items else 0.0
        ov = st.overlaps / st.fired if st.fired else 0.0
        cf = st.conflicts / st.fired if st.fired else 0.0
        prec = f"{st.correct / st.judged:6.2f}" if st.judged else "     -"
        lines.append(f"{st.name:34s} {st.label:28s} {cover:6.3f} {ov:7.2f} {cf:8.2f} {prec}")
    return "\n".join(lines)


def weak_label_examples(examples: Iterable[dict[str, Any]], use_reference: bool = True
                        ) -> tuple[list[dict[str, Any]], list[LFStats]]:
    """Weakly label sentence examples (`text`, optional `mentions`, optional reference `labels`).

    Returns the examples with `labels` replaced by the aggregated weak labels (the reference
    kept as `reference` when present) and the LF report.
    """
    rows = list(examples)
    matrix = [apply_lfs(r["text"], [tuple(m) for m in r.get("mentions", [])]) for r in rows]
    # unannotated input (e.g. freshly ingested documents) has no labels anywhere: nothing to judge
    has_ref = (use_reference and bool(rows) and all("labels" in r for r in rows)
               and any(r["labels"] for r in rows))
    reference = [r["labels"] for r in rows] if has_ref else None
    stats = lf_report(matrix, reference)
    out = []
    for r, votes in zip(rows, matrix, strict=True):
        new = {**r, "labels": aggregate(votes), "source": "weak"}
        if has_ref:
            new["reference"] = r["labels"]
        out.append(new)
    return out, stats
