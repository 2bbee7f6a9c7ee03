"""The status component: one parametrised case per cue family and per tricky pattern.

Docs are built with `spacy.blank("en")` plus the sentence splitter, and `doc.ents` is set by
hand, so these tests exercise the status rules alone (not the mention patterns).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.errors import InputError
from pipeline.nlp.status import StatusComponent, parse_rules
from pipeline.paths import CONFIGS

RULES = CONFIGS / "status_rules.jsonl"


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("vawg_sentences")
    nlp.add_pipe("vawg_status")
    return nlp


def annotate(nlp: Language, text: str, mentions: list[tuple[str, str]]) -> Doc:
    """Run the pipeline with the given (surface, label) mentions set as entities, in order."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "vawg_status":
            spans: list[Span] = []
            pos = 0
            for surface, label in mentions:
                start = text.index(surface, pos)
                span = doc.char_span(start, start + len(surface), label=label)
                assert span is not None, f"{surface!r} is not on token boundaries"
                spans.append(span)
                pos = start + len(surface)
            doc.ents = spans
        doc = proc(doc)
    return doc


def status(nlp: Language, text: str, mention: str, label: str) -> str:
    doc = annotate(nlp, text, [(mention, label)])
    return str(doc.ents[0]._.status)


# (text, mention, label, expected status) - one family of cues per block
CASES = [
    # used: plain case statements and outcome verbs
    ("DVPN served on him at the custody desk 2130.", "DVPN", "DVPN", "used"),
    ("Magistrates granted a DVPO for 28 days.", "DVPO", "DVPO", "used"),
    ("Susp bailed to return 03/07 with conditions not to contact the victim.", "bailed", "BAIL", "used"),
    ("She has had a non-mol in place since March.", "non-mol", "NMO", "used"),
    ("Case heard at MARAC this morning, actions for housing.", "MARAC", "MARAC", "used"),
    ("Referred to the IDVA service via the online form.", "IDVA", "IDVA", "used"),
    ("DASH completed at the scene, graded high.", "DASH", "DASH", "used"),
    (
        "Restraining order imposed on conviction for five years.",
        "Restraining order",
        "RESTRAINING_ORDER",
        "used",
    ),
    ("Male charged and remanded in custody for court.", "remanded", "REMAND", "used"),
    # considered: no outcome yet, or decided against with a reason
    ("Insp asked to consider a DVPN before release.", "DVPN", "DVPN", "considered"),
    ("Application for a DVPO to be lodged at court tomorrow.", "DVPO", "DVPO", "considered"),
    ("DVPN paperwork submitted for authorisation at 1500.", "DVPN", "DVPN", "considered"),
    ("SPO application being prepared by the force solicitor.", "SPO", "SPO", "considered"),
    ("OIC requested a variation to vary the bail conditions.", "bail conditions", "BAIL", "considered"),
    (
        "Sgt discussed an occupation order with the victim's solicitor.",
        "occupation order",
        "OCCUPATION_ORDER",
        "considered",
    ),
    ("DVPN considered but not appropriate as the suspect has been remanded.", "DVPN", "DVPN", "considered"),
    # not_used: negation
    ("No DVPN was considered despite repeat call-outs.", "DVPN", "DVPN", "not_used"),
    ("A DVPO was not considered by the attending officers.", "DVPO", "DVPO", "not_used"),
    ("He was released without bail conditions at 0300.", "bail conditions", "BAIL", "not_used"),
    ("Officers failed to complete a DASH with the victim.", "DASH", "DASH", "not_used"),
    ("The OIC did not seek a stalking protection order.", "stalking protection order", "SPO", "not_used"),
    ("At no point was a referral to MARAC made.", "MARAC", "MARAC", "not_used"),
    ("The custody record is silent on bail.", "bail", "BAIL", "not_used"),
    ("There was no IDVA referral on the file.", "IDVA", "IDVA", "not_used"),
    ("The DP was never bailed; he walked out with nothing.", "bailed", "BAIL", "not_used"),
    # not_used: counterfactuals about a real case
    ("Officers should have applied for a DVPO when he returned.", "DVPO", "DVPO", "not_used"),
    ("A DVPN could have been issued that night.", "DVPN", "DVPN", "not_used"),
    ("Bail conditions would have kept him away from her work.", "Bail conditions", "BAIL", "not_used"),
    ("He was RUI'd instead of being bailed.", "bailed", "BAIL", "not_used"),
    # refused
    ("DVPO application refused by the bench.", "DVPO", "DVPO", "refused"),
    ("The superintendent declined to authorise the DVPN.", "DVPN", "DVPN", "refused"),
    (
        "CPS rejected the request for a restraining order.",
        "restraining order",
        "RESTRAINING_ORDER",
        "refused",
    ),
    # breached
    ("He breached the DVPO by returning to the house.", "DVPO", "DVPO", "breached"),
    (
        "Neighbour saw him at the address in breach of his bail conditions.",
        "bail conditions",
        "BAIL",
        "breached",
    ),
    ("IP reports a breach of the non-mol - texts received overnight.", "non-mol", "NMO", "breached"),
    # ended
    ("Bail lapsed at the 28 day point without review.", "Bail", "BAIL", "ended"),
    ("The DVPO expired on Friday.", "DVPO", "DVPO", "ended"),
    ("Bail conditions cancelled by the OIC after the CPS decision.", "Bail conditions", "BAIL", "ended"),
    ("The NMO was discharged at the return hearing.", "NMO", "NMO", "ended"),
    ("Pre-charge bail not extended, suspect now RUI.", "Pre-charge bail", "BAIL", "ended"),
    # generic: definitions, law, policy, recommendations, statistics
    ("A DVPO can last for up to 28 days.", "DVPO", "DVPO", "generic"),
    ("A DVPN must be authorised by a superintendent.", "DVPN", "DVPN", "generic"),
    (
        "Forces should ensure that officers consider DVPNs in every high-risk case.",
        "DVPNs",
        "DVPN",
        "generic",
    ),
    ("The Domestic Abuse Act 2021 introduces the DAPO.", "DAPO", "DAPO", "generic"),
    ("Breach of a non-molestation order is a criminal offence.", "non-molestation order", "NMO", "generic"),
    ("Nationally, the number of DVPOs rose by 12 per cent.", "DVPOs", "DVPO", "generic"),
    (
        "Guidance says bail conditions should reflect the victim's views.",
        "bail conditions",
        "BAIL",
        "generic",
    ),
    # aggregated findings about real cases keep the status they assert
    ("In 14 of 47 cases officers did not consider a DVPN.", "DVPN", "DVPN", "not_used"),
    ("In 9 of the files we reviewed a DASH had been completed on the day.", "DASH", "DASH", "used"),
]

# hard negatives: a cue nearby that must NOT decide the mention's status
TRICKY = [
    ("DVPN was considered but refused by the superintendent.", "DVPN", "DVPN", "refused"),
    ("No officers attended the breach of the DVPO.", "DVPO", "DVPO", "breached"),
    ("IP not told of the suspect's bail conditions before release.", "bail conditions", "BAIL", "used"),
    ("No further action; the DVPO remains in force until June.", "DVPO", "DVPO", "used"),
    ("She declined to give a statement but the DVPN was served.", "DVPN", "DVPN", "used"),
    (
        "Bail conditions not to contact her; he has not breached them so far.",
        "Bail conditions",
        "BAIL",
        "used",
    ),
    ("Susp refused to leave the address so a DVPN was authorised.", "DVPN", "DVPN", "used"),
    ("The OIC should have told her that the DVPO had been granted.", "DVPO", "DVPO", "used"),
    ("DVPO granted in May at the magistrates court.", "DVPO", "DVPO", "used"),
    ("Suspect released under investigation and nobody considered bail.", "bail", "BAIL", "not_used"),
]


@pytest.mark.parametrize(("text", "mention", "label", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_status_cues(nlp: Language, text: str, mention: str, label: str, expected: str) -> None:
    assert status(nlp, text, mention, label) == expected


@pytest.mark.parametrize(("text", "mention", "label", "expected"), TRICKY, ids=[c[0][:40] for c in TRICKY])
def test_hard_negatives(nlp: Language, text: str, mention: str, label: str, expected: str) -> None:
    assert status(nlp, text, mention, label) == expected


def test_two_mentions_in_one_sentence_get_their_own_status(nlp: Language) -> None:
    doc = annotate(
        nlp,
        "Susp RUI'd at 0200, no bail conds considered.",
        [("RUI'd", "RUI"), ("bail conds", "BAIL")],
    )
    assert [e._.status for e in doc.ents] == ["used", "not_used"]


def test_negation_runs_through_a_list_of_measures(nlp: Language) -> None:
    doc = annotate(nlp, "No IDVA or MARAC referral was made.", [("IDVA", "IDVA"), ("MARAC", "MARAC")])
    assert [e._.status for e in doc.ents] == ["not_used", "not_used"]


def test_cue_does_not_cross_a_sentence(nlp: Language) -> None:
    doc = annotate(nlp, "Bail was refused. DVPN served on release.", [("Bail", "BAIL"), ("DVPN", "DVPN")])
    assert [e._.status for e in doc.ents] == ["refused", "used"]


def test_status_cue_records_the_deciding_words(nlp: Language) -> None:
    doc = annotate(nlp, "DVPO application refused by the bench.", [("DVPO", "DVPO")])
    assert doc.ents[0]._.status_cue == "refused"


def test_mention_without_cue_defaults_to_used(nlp: Language) -> None:
    doc = annotate(nlp, "DVPN 1930 PC 412.", [("DVPN", "DVPN")])
    assert doc.ents[0]._.status == "used" and doc.ents[0]._.status_cue is None


def test_requires_label_limits_a_rule(nlp: Language) -> None:
    """ "referred" marks MARAC/IDVA as used, but says nothing about a DVPO."""
    doc = annotate(
        nlp, "Referred to MARAC; DVPO application pending.", [("MARAC", "MARAC"), ("DVPO", "DVPO")]
    )
    assert [e._.status for e in doc.ents] == ["used", "considered"]


def test_doc_without_entities_is_untouched(nlp: Language) -> None:
    doc = nlp("Nothing to see here, no measures at all.")
    assert list(doc.ents) == []


def test_rules_survive_to_disk_and_back(nlp: Language, tmp_path: Path) -> None:
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    doc = loaded.make_doc("Bail lapsed overnight.")
    doc.ents = [Span(doc, 0, 1, label="BAIL")]
    for _, proc in loaded.pipeline:
        doc = proc(doc)
    assert doc.ents[0]._.status == "ended"


def test_every_rule_line_parses_and_every_status_has_cues() -> None:
    lines = [json.loads(line) for line in RULES.read_text(encoding="utf-8").splitlines() if line.strip()]
    ruleset = parse_rules(lines, str(RULES))
    assert {r.status for r in ruleset.rules if r.role == "status"} == {
        "used",
        "considered",
        "not_used",
        "refused",
        "breached",
        "ended",
        "generic",
    }


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ({"cue": "x", "status": "maybe"}, "status"),
        ({"cue": "x", "status": "used", "direction": "sideways"}, "direction"),
        ({"status": "used"}, "cue"),
        ({"cue": "x", "status": "used", "terminators": ["@nope"]}, "terminator set"),
    ],
)
def test_bad_rules_are_reported(rule: dict, why: str) -> None:
    with pytest.raises(InputError, match=why):
        parse_rules([rule], "rules.jsonl")


def test_missing_rules_file_is_a_clear_error(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    comp = StatusComponent(nlp, "s", str(tmp_path / "none.jsonl"))
    doc = nlp.make_doc("DVPN served")
    doc.ents = [Span(doc, 0, 1, label="DVPN")]
    with pytest.raises(InputError, match="status rules not found"):
        comp(doc)


def _register_cases() -> list[tuple[str, str, str, str]]:
    path = Path(__file__).with_name("status_cases.txt")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, mention, label, expected = (part.strip() for part in line.split(" || "))
            rows.append((text, mention, label, expected))
    return rows


REGISTER_CASES = _register_cases()


@pytest.mark.parametrize(
    ("text", "mention", "label", "expected"),
    REGISTER_CASES,
    ids=[f"{c[1]}:{c[0][:40]}" for c in REGISTER_CASES],
)
def test_case_notes_reports_and_policy_text(
    nlp: Language, text: str, mention: str, label: str, expected: str
) -> None:
    """Sentences in several registers (case notes, custody, CPS, inspection, policy)."""
    assert status(nlp, text, mention, label) == expected


@pytest.fixture(scope="module")
def full() -> Language:
    import pipeline

    return pipeline.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Susp RUI'd 0130, no bail conds considered.", {"RUI": "used", "BAIL": "not_used"}),
        (
            "DVPN authorised by Supt and served; DVPO application refused by the bench.",
            {"DVPN": "used", "DVPO": "refused"},
        ),
        ("A DVPO can last for up to 28 days.", {"DVPO": "generic"}),
        ("He breached the non-mol again last night.", {"NMO": "breached"}),
        # chat spelling: "shouldve" is tokenised "should" + "ve", and the shorthand norms "ve" to "have"
        ("tbh someone shouldve gone for an SPO on the first report", {"SPO": "not_used"}),
        ("we couldve gone back to the supt for the DVPN, nobody did", {"DVPN": "not_used"}),
    ],
)
def test_through_the_full_pipeline(full: Language, text: str, expected: dict[str, str]) -> None:
    doc = full(text)
    assert {e.label_: e._.status for e in doc.ents} == expected


def _multi_cases() -> list[tuple[str, list[tuple[str, str, str]]]]:
    grouped: dict[str, list[tuple[str, str, str]]] = {}
    path = Path(__file__).with_name("status_multi_cases.txt")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, mention, label, expected = (part.strip() for part in line.split(" || "))
            grouped.setdefault(text, []).append((mention, label, expected))
    return list(grouped.items())


MULTI_CASES = _multi_cases()


@pytest.mark.parametrize(("text", "mentions"), MULTI_CASES, ids=[c[0][:50] for c in MULTI_CASES])
def test_each_mention_of_a_sentence(nlp: Language, text: str, mentions: list[tuple[str, str, str]]) -> None:
    ordered = sorted(mentions, key=lambda m: text.index(m[0]))
    doc = annotate(nlp, text, [(m, lab) for m, lab, _ in ordered])
    assert [e._.status for e in doc.ents] == [want for _, _, want in ordered]
