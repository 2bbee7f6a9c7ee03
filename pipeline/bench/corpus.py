"""A seeded generator of case-note logs and report prose for benchmarks (not for training).

Documents mix timestamped log entries, bullet lists and inspection-style paragraphs, with
measure mentions, shorthand and negations at roughly the density of real case files.
"""

from __future__ import annotations

import random

OFFICERS = ["PC 1234", "PS 88 Khan", "DC Reid", "Insp. Hale", "P.C. 431", "DS Okafor", "Sgt Mills"]
MEASURES = [
    "DVPN",
    "DVPO",
    "DAPN",
    "DAPO",
    "non-mol",
    "NMO",
    "occupation order",
    "restraining order",
    "RO",
    "stalking protection order",
    "ISPO",
    "SHPO",
    "sexual risk order",
    "FMPO",
    "FGM protection order",
    "Clare's Law",
    "DVDS",
    "DASH",
    "risk assessment",
    "MARAC",
    "IDVA",
    "bail conds",
    "pre-charge bail",
    "conditional bail",
    "RUI",
    "released under investigation",
    "remanded in custody",
]
LOG_LINES = [
    "{t} {o} attended, IP spoken to, states susp pushed her into the door frame",
    "{t} susp arrested on suspicion of ABH and conveyed to custody",
    "{t} DP interviewed, denies offence, {m} considered by OIC",
    "{t} susp RUI'd pending forensic results, no {m} recorded",
    "{t} {m} served on resp at home address, explained in full",
    "{t} IP updated by phone re {m}, she is content with the safety plan",
    "{t} IP reports he breached the {m} by messaging her x4 overnight",
    "{t} call handler graded incident as standard, no callback made",
    "{t} {o}: {m} not considered as IP does not support prosecution",
    "{t} house to house completed, no witnesses, CCTV requested from the shop",
    "{t} phone download outstanding, OIC on leave until Monday",
    "{t} referred to {m} by {o}, IDVA to make contact within 48 hrs",
    "{t} bail extended to {d} by Insp, IP views sought and recorded",
    "{t} burglary OTD, entry via rear window, no suspects identified",
]
BULLETS = [
    "- {m} to be considered at next review",
    "- IP to be updated re {m} today",
    "* check PNC for previous {m} and warning markers",
    "• supervisor to review {m} decision within 7 days",
    "1. obtain statement from neighbour",
    "2. consider {m} if suspect released",
]
PROSE = [
    "In {n} of the {k} cases we examined, officers did not consider a {m} when the suspect was released.",
    "Forces should make sure that a {m} is considered in every case where the risk to the victim is high.",
    "A {m} can last for a fixed period, and its conditions must be explained to the respondent.",
    "Supervisors rarely recorded why a {m} had not been sought, even where the victim asked for one.",
    "We found good examples of {m} being used to protect victims of stalking and harassment.",
    "The force could not tell us how many times a {m} had been breached in the previous year.",
    "Victims told us that they were not informed when the {m} ended or when the suspect was released.",
    "The call handler did not search previous calls from the address before grading the incident.",
    "Officers attended promptly, took statements and arranged for the victim to stay with a relative.",
]


def _time(rng: random.Random) -> str:
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    return f"{day:02d}/{month:02d}/23 {rng.randint(0, 23):02d}{rng.randint(0, 59):02d}hrs"


def _fill(rng: random.Random, template: str) -> str:
    return template.format(
        t=_time(rng),
        o=rng.choice(OFFICERS),
        m=rng.choice(MEASURES),
        d=f"{rng.randint(1, 28):02d}/11",
        n=rng.randint(2, 40),
        k=rng.randint(41, 120),
    )


def document(rng: random.Random) -> str:
    """One document: a case log with a bullet list, or a few report paragraphs."""
    if rng.random() < 0.6:
        lines = [_fill(rng, rng.choice(LOG_LINES)) for _ in range(rng.randint(8, 30))]
        lines += ["", "Actions:"] + [_fill(rng, rng.choice(BULLETS)) for _ in range(rng.randint(2, 6))]
        return "\n".join(lines)
    paras = [
        " ".join(_fill(rng, rng.choice(PROSE)) for _ in range(rng.randint(3, 8)))
        for _ in range(rng.randint(2, 6))
    ]
    return "\n\n".join(paras)


def generate_documents(min_words: int, seed: int = 0) -> list[str]:
    """Documents until at least `min_words` whitespace-separated words (same seed, same corpus)."""
    rng = random.Random(seed)
    docs: list[str] = []
    words = 0
    while words < min_words:
        text = document(rng)
        docs.append(text)
        words += len(text.split())
    return docs
