"""Measure mentions: surface forms per measure, span conventions, and hard negatives."""

from __future__ import annotations

import pytest

from pipeline.nlp.mentions import joined_variants, spelled_variants
from tests.nlp.mention_pipeline import ents, mention_nlp

# (text, expected mentions as (span text, label)) - every span is the shortest naming the measure.
POSITIVES: list[tuple[str, list[tuple[str, str]]]] = [
    # BAIL
    ("Susp bailed to return 03/06.", [("bailed", "BAIL")]),
    ("DP re-bailed pending CPS advice.", [("re-bailed", "BAIL")]),
    ("Custody sgt refused bail overnight.", [("bail", "BAIL")]),
    ("He is on pre-charge bail until March.", [("pre-charge bail", "BAIL")]),
    ("Pre charge bail extended by Insp.", [("Pre charge bail", "BAIL")]),
    ("bail conds: not to contact ip", [("bail conds", "BAIL")]),
    ("Bail conditions varied at court.", [("Bail conditions", "BAIL")]),
    ("Granted conditional bail by the bench.", [("conditional bail", "BAIL")]),
    ("bailed 2200, conds not to enter Hill St", [("bailed", "BAIL"), ("conds", "BAIL")]),
    ("PCB cancelled by the OIC.", [("PCB", "BAIL")]),
    # RUI
    ("Susp RUI'd at 0400 after interview.", [("RUI'd", "RUI")]),
    ("Susp RUId 0400.", [("RUId", "RUI")]),
    ("DP released under investigation.", [("released under investigation", "RUI")]),
    ("Male released pending further enquiries.", [("released pending further enquiries", "RUI")]),
    ("He was R.U.I. on the Friday.", [("R.U.I.", "RUI")]),
    # REMAND
    ("Remanded in custody to the Crown Court.", [("Remanded in custody", "REMAND")]),
    ("Charged with ABH and remanded in custody.", [("remanded", "REMAND")]),
    ("CPS to make a remand application.", [("remand", "REMAND")]),
    ("Charged, RIC to appear at court Monday.", [("RIC", "REMAND")]),
    # DVPN / DVPO / DAPN / DAPO
    ("DVPN authorised by Supt Grey.", [("DVPN", "DVPN")]),
    ("Two DVPNs were issued this month.", [("DVPNs", "DVPN")]),
    ("The D.V.P.N. was served at 1800.", [("D.V.P.N.", "DVPN")]),
    ("A domestic violence protection notice was served.", [("domestic violence protection notice", "DVPN")]),
    ("Served a DV protection notice.", [("DV protection notice", "DVPN")]),
    ("DVPN/O considered.", [("DVPN/O", "DVPN")]),
    ("DVPO's conditions include no contact.", [("DVPO's", "DVPO")]),
    (
        "The domestic violence protection order lasts 28 days.",
        [("domestic violence protection order", "DVPO")],
    ),
    ("DAPN served on the respondent.", [("DAPN", "DAPN")]),
    ("Interim DAPO made by the family court.", [("Interim DAPO", "DAPO")]),
    ("A domestic abuse protection order was sought.", [("domestic abuse protection order", "DAPO")]),
    # NMO / occupation order
    ("IP has a non-mol against him.", [("non-mol", "NMO")]),
    ("IP has a non mol against him.", [("non mol", "NMO")]),
    ("IP holds a Non-Molestation Order.", [("Non-Molestation Order", "NMO")]),
    ("Breach of NMO reported.", [("NMO", "NMO")]),
    ("Two non-molestation orders were in force.", [("non-molestation orders", "NMO")]),
    ("Ex parte non-mol granted yesterday.", [("non-mol", "NMO")]),
    ("Occupation order granted, he must leave the house.", [("Occupation order", "OCCUPATION_ORDER")]),
    ("occ order served on resp.", [("occ order", "OCCUPATION_ORDER")]),
    # RESTRAINING_ORDER
    ("Restraining order made for five years.", [("Restraining order", "RESTRAINING_ORDER")]),
    (
        "CPS sought a restraining order on acquittal.",
        [("restraining order on acquittal", "RESTRAINING_ORDER")],
    ),
    ("RO granted at court for 2 years.", [("RO", "RESTRAINING_ORDER")]),
    ("Victim wants an R/O on conviction.", [("R/O", "RESTRAINING_ORDER")]),
    ("ro granted at court for 2 yrs", [("ro", "RESTRAINING_ORDER")]),
    # context cues count only inside the mention's sentence
    ("Forces' use of protection orders varied. DVPN served.", [("DVPN", "DVPN")]),
    (
        "DVPN served; protection order hearing listed at the magistrates.",
        [("DVPN", "DVPN"), ("protection order", "DVPO")],
    ),
    # SPO / SHPO / SRO
    ("A stalking protection order was granted.", [("stalking protection order", "SPO")]),
    ("ISPO served on subj.", [("ISPO", "SPO")]),
    ("Interim SPO applied for at the magistrates.", [("Interim SPO", "SPO")]),
    ("SPO breached by the respondent.", [("SPO", "SPO")]),
    ("SHPO made on conviction.", [("SHPO", "SHPO")]),
    ("A sexual harm prevention order was imposed.", [("sexual harm prevention order", "SHPO")]),
    ("Sexual risk order application to legal services.", [("Sexual risk order", "SRO")]),
    ("SRO granted by the court for two years.", [("SRO", "SRO")]),
    # FMPO / FGMPO
    ("FMPO granted with passport surrender.", [("FMPO", "FMPO")]),
    ("A forced marriage protection order was made.", [("forced marriage protection order", "FMPO")]),
    ("FGMPO application lodged.", [("FGMPO", "FGMPO")]),
    ("An FGM protection order was sought.", [("FGM protection order", "FGMPO")]),
    # DVDS
    ("Clare's Law disclosure made to IP.", [("Clare's Law", "DVDS")]),
    ("Worried about a new partner? Ask us under #ClaresLaw.", [("ClaresLaw", "DVDS")]),
    ("Know your options #StalkingProtectionOrder #NonMol",
     [("StalkingProtectionOrder", "SPO"), ("NonMol", "NMO")]),
    ("Breached his #RestrainingOrder again.", [("RestrainingOrder", "RESTRAINING_ORDER")]),
    # acronyms spelled letter by letter, and speech-to-text spellings (dictated notes)
    ("Offered her an I D V A referral again, she said no.", [("I D V A", "IDVA")]),
    ("Referred to M.A.R.A.C and an I.D.V.A. today.", [("M.A.R.A.C", "MARAC"), ("I.D.V.A.", "IDVA")]),
    ("He is subject to an S.H.P.O from 2019.", [("S.H.P.O", "SHPO")]),
    ("Suspect was DVPN'd at 0300 and left the address.", [("DVPN'd", "DVPN")]),
    ("He was DAPN'd by the late turn.", [("DAPN'd", "DAPN")]),
    ("It's a pilot area so it's a D A P N not a DVPN.", [("D A P N", "DAPN"), ("DVPN", "DVPN")]),
    ("He's got an S H P O from 2019, still live.", [("S H P O", "SHPO")]),
    ("Seen three times in breach of the S P O and it was not allocated.", [("S P O", "SPO")]),
    ("I've done the Mar rack referral as well.", [("Mar rack", "MARAC")]),
    ("Spoke to the duty inspector about a dee vee pee en on him.", [("dee vee pee en", "DVPN")]),
    ("She didn't know the dee vee pee oh had run out.", [("dee vee pee oh", "DVPO")]),
    ("Released at 10:40 with no bale conditions at all.", [("bale conditions", "BAIL")]),
    ("Claire's law right to ask application received.", [("Claire's law", "DVDS")]),
    ("DVDS application submitted by the new partner.", [("DVDS", "DVDS")]),
    ("Right to know disclosure considered for his new partner.", [("Right to know", "DVDS")]),
    ("She made a right to ask application about his history.", [("right to ask", "DVDS")]),
    # DASH
    ("DASH completed - high risk.", [("DASH", "DASH")]),
    ("DASH RIC refused by IP.", [("DASH", "DASH")]),
    ("DARA completed with the victim.", [("DARA", "DASH")]),
    ("Officers did not complete a risk assessment with the victim.", [("risk assessment", "DASH")]),
    ("no DA risk assessment recorded", [("risk assessment", "DASH")]),
    ("ip refused dash, graded medium", [("dash", "DASH")]),
    # MARAC / IDVA
    ("Referred to MARAC.", [("MARAC", "MARAC")]),
    ("MARAC referral submitted.", [("MARAC", "MARAC")]),
    (
        "Case heard at the multi-agency risk assessment conference.",
        [("multi-agency risk assessment conference", "MARAC")],
    ),
    ("MARAC'd last week.", [("MARAC'd", "MARAC")]),
    ("IDVA referral made.", [("IDVA", "IDVA")]),
    (
        "Referred to an independent domestic violence adviser.",
        [("independent domestic violence adviser", "IDVA")],
    ),
    # short forms accepted by their context, and court shorthand
    ("Police are currently applying for an SRO on a man.", [("SRO", "SRO")]),
    ("Also SRO - ask MOSOVO for a view.", [("SRO", "SRO")]),
    ("Is an SRO or SPO appropriate?", [("SRO", "SRO"), ("SPO", "SPO")]),
    ("Bench said there was no need for a separate RO.", [("RO", "RESTRAINING_ORDER")]),
    ("He drove through the village twice; the RO excludes him from it.", [("RO", "RESTRAINING_ORDER")]),
    ("NG. Cond bail - no contact, not to enter Larch Ave.", [("Cond bail", "BAIL")]),
    ("Return date 28/01 on notice for the OO.", [("OO", "OCCUPATION_ORDER")]),
    ("Sent to Crown Ct. RIC to PTPH 28/01.", [("RIC", "REMAND")]),
    # several in one text, across a line wrap
    ("No DVPN or DVPO was considered.", [("DVPN", "DVPN"), ("DVPO", "DVPO")]),
    ("The RO was discharged on 12/01.", [("RO", "RESTRAINING_ORDER")]),
    ("PNC shows a live RO for V1.", [("RO", "RESTRAINING_ORDER")]),
    ("Client says the RO was broken on 14/08.", [("RO", "RESTRAINING_ORDER")]),
    ("Force legal decided not to pursue an SRO for now.", [("SRO", "SRO")]),
    ("Officers did not apply for a stalking protection\norder.", [("stalking protection\norder", "SPO")]),
]

NEGATIVES: list[str] = [
    "Plan A B C D was agreed at the meeting.",
    "Emailed the M A R A C coordinator for the minutes.",
    "Emailed the Mar rack coordinator for the minutes.",
    "Grades A B C were given. R O Smith attended.",
    "Two bales of hay were stacked in the barn.",
    "Section 3 of the Bail Act 1976 was quoted in the file.",
    "The Domestic Abuse Act 2021 created new powers.",
    "The Stalking Protection Act 2019 came into force in 2020.",
    "Special measures were granted for the witness.",
    "The MARAC coordinator emailed the agencies.",
    "The IDVA service manager attended the meeting.",
    # an ISVA (sexual violence adviser) is not the IDVA measure; a panel is a body, not a disclosure
    "ISVA support offered after the rape report.",
    "Awaiting the DVDS panel decision on Wednesday.",
    "Faye Culbertson, Senior IDVA",
    "The bail management unit sent three reminders.",
    "She unmatched me because I bailed on our date.",
    "Remand prisoners are reviewed by the security team every week.",
    "Supervision with the IDVA team manager on Tuesday.",
    "The court IDVA sits on Tuesdays and Thursdays only.",
    "Bail management. In 9 of the 41 sampled arrests the file was incomplete.",
    "Ref RO/2024/118 property returned to owner.",
    "See RO 12 in the records office file.",
    "He bailed out of the car and ran off.",
    "The SRO for the project is the Chief Inspector.",
    "Fire risk assessment completed for the station.",
    "A premises risk assessment was carried out.",
    "She has the right to ask questions at the hearing.",
    "The public has a right to know about the plans.",
    "RTA on the A1, two vehicles, no injuries.",
    "The youth was remanded to local authority accommodation.",
    "The dash cam footage was seized.",
    "He made a dash for the door when officers arrived.",
    "ro 12 filed in the property store.",
    "Officers were told to dash to the scene.",
    "The conditions of the property were poor.",
    "Burglary OTD, no suspects, scene attended by CSI.",
    "IP says her parents have bailed him out of debt twice.",
    "Nobody bailed us out when the budget was cut.",
    "PNC: on licence until May, licence conds include a curfew.",
    "PNC check of VRM outside IP's address: RO shows as a hire company.",
    "The camera has as its registered keeper and RO the defendant's brother.",
    "The RO has asked that polling station notices come down after the vote.",
    "At work I had been made RO, responsible officer for health and safety.",
    "Officer safety risk assessment required before any visit to the suspect.",
    "Kent Police have completed a security risk assessment of the office for the victim.",
    "The housing officer did a risk assessment of the new flat before she moved in.",
    "Present: DC Ali, PC Rees, Sam (MARAC coord).",
    "Says her ex bailed on her at the prom after-party.",
    "Risk assessment of premises completed before the warrant.",
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES, ids=[t for t, _ in POSITIVES])
def test_mentions_found_with_gold_spans(text: str, expected: list[tuple[str, str]]) -> None:
    assert ents(text) == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_hard_negatives_have_no_measure_mention(text: str) -> None:
    assert ents(text) == []


def test_remanded_on_bail_is_bail_not_remand() -> None:
    assert ents("He was remanded on bail to the next hearing.") == [("bail", "BAIL")]


def test_mentions_follow_their_text_offsets() -> None:
    text = "  Susp RUI'd.\n\nNo bail conds; IP's DVPO's\tin place.\r\nClaire's Law  raised."
    doc = mention_nlp()(text)
    assert doc.text == text
    assert [e.label_ for e in doc.ents] == ["RUI", "BAIL", "DVPO", "DVDS"]
    for ent in doc.ents:
        assert text[ent.start_char : ent.end_char] == ent.text


def test_every_measure_label_has_a_positive_case() -> None:
    from pipeline.labels import measures

    covered = {label for _, found in POSITIVES for _, label in found}
    assert covered == set(measures())


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("DVPN", ["D V P N", "D.V.P.N.", "D.V.P.N"]), ("RO", ["R O", "R.O.", "R.O"]),
     ("MARAC coordinator", ["M A R A C coordinator", "M.A.R.A.C. coordinator", "M.A.R.A.C coordinator"]),
     ("non-mol", []), ("Clare's Law", []), ("D", []), ("Dvpn", []), ("ABCDEFG", [])],
)
def test_acronyms_get_a_spelled_out_variant(pattern: str, expected: list[str]) -> None:
    assert spelled_variants(pattern) == expected


def test_names_of_several_words_are_also_run_together() -> None:
    spellings = ["stalking protection order", "non molestation order", "non-mol", "DVPN", "s.5A order"]
    assert joined_variants(spellings) == ["stalkingprotectionorder", "nonmolestationorder"]
