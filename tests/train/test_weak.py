"""Weak labelling: labelling functions, majority-vote aggregation and the LF report."""

from __future__ import annotations

import pytest

from pipeline.train.weak import (
    LF,
    NONE,
    aggregate,
    apply_lfs,
    format_report,
    label_evidence,
    lf_report,
    weak_label_examples,
)


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ([], []),
        ([None, None], []),
        (["DELAY", None], ["DELAY"]),
        (["DELAY", NONE], []),
        (["DELAY", "DELAY", NONE], ["DELAY"]),
        (["DELAY", "NO_REFERRAL"], ["DELAY", "NO_REFERRAL"]),
        (["DELAY", "DELAY", "NO_REFERRAL", NONE], ["DELAY"]),
        ([NONE, NONE], []),
    ],
)
def test_aggregate_majority(votes: list[str | None], expected: list[str]) -> None:
    assert aggregate(votes) == expected


def test_report_counts_coverage_overlap_conflict_precision() -> None:
    lfs = [LF("a", "DELAY", lambda t, m: "late" in t), LF("b", "NO_REFERRAL", lambda t, m: "referral" in t),
           LF("c", NONE, lambda t, m: "should" in t)]
    texts = ["late", "late and no referral", "should be late", "nothing"]
    matrix = [apply_lfs(t, (), lfs) for t in texts]
    assert matrix[1] == ["DELAY", "NO_REFERRAL", None]
    stats = lf_report(matrix, [["DELAY"], ["DELAY"], [], []], lfs)
    a, b, c = stats
    assert (a.fired, a.overlaps, a.conflicts, a.correct, a.judged) == (3, 2, 1, 2, 3)
    assert (b.fired, b.overlaps, b.conflicts, b.correct) == (1, 1, 0, 0)
    assert (c.fired, c.overlaps, c.conflicts, c.correct) == (1, 1, 1, 1)
    table = format_report(stats, len(texts))
    assert "a " in table and "0.750" in table


@pytest.mark.parametrize(
    ("text", "mentions", "label"),
    [
        ("Officer told her the breach was a civil matter.", [], "BREACH_NOT_ACTIONED"),
        ("He left custody on RUI, no bail conditions at all.", [], "RELEASED_WITHOUT_CONDITIONS"),
        ("Released.", [("RUI", "used"), ("BAIL", "not_used")], "RELEASED_WITHOUT_CONDITIONS"),
        ("Nobody updated the victim about the decision.", [], "VICTIM_NOT_INFORMED"),
        ("No referral to the MARAC was made.", [], "NO_REFERRAL"),
        ("Bail was allowed to lapse in March.", [], "BAIL_LAPSED"),
    ],
)
def test_functions_fire(text: str, mentions: list[tuple[str, str]], label: str) -> None:
    assert label in aggregate(apply_lfs(text, mentions))


def test_policy_text_votes_none() -> None:
    assert aggregate(apply_lfs("A stalking protection order lasts for at least two years.")) == []


def test_label_evidence_counts_keyword_functions_only() -> None:
    assert label_evidence("BREACH_NOT_ACTIONED", "the breach was treated as a civil matter") >= 1
    assert label_evidence("BREACH_NOT_ACTIONED", "Interview booked for Tuesday.") == 0


def test_weak_label_examples_keeps_reference() -> None:
    rows = [{"id": "1", "text": "IP told the breach was a civil matter.", "labels": ["BREACH_NOT_ACTIONED"]},
            {"id": "2", "text": "Interview booked for Tuesday.", "labels": []}]
    out, stats = weak_label_examples(rows)
    assert out[0]["labels"] == ["BREACH_NOT_ACTIONED"] and out[0]["reference"] == ["BREACH_NOT_ACTIONED"]
    assert out[1]["labels"] == []
    assert sum(s.fired for s in stats) >= 1
