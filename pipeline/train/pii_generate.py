"""Seeded generator of case-note sentences with gold personal-data spans.

Two splits that share nothing but the value formats: `train` uses `corpus/templates/pii/train.yaml`
and the `*_train.txt` name lists, `eval` uses `eval.yaml` and the `*_eval.txt` lists, so the
evaluation measures names and wording the NER never saw. Each example is
`{"id", "text", "spans": [{start, end, label, text}], "names": [[start, end], ...]}`: `spans` are
the gold personal-data spans, `names` the bare name parts (no title, rank or collar number) that
the NER learns. The same seed gives the same output.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import InputError, UsageError
from pipeline.paths import CONFIGS, CORPUS

TEMPLATES = CORPUS / "templates" / "pii"
NAMES = CONFIGS / "personal_data" / "names"
SPLITS = ("train", "eval")
SLOT = re.compile(r"\{([^{}]+)\}")

TITLES = ("Mrs", "Mr", "Ms", "Miss", "Mr", "Mrs")
RANKS = ("PC", "PC", "DC", "DS", "PS", "Sgt", "DI", "Insp", "Inspector", "Det Sgt", "PCSO", "TDC", "A/Sgt")
POST_AREAS = (
    "LS",
    "BD",
    "HX",
    "WF",
    "ME",
    "CT",
    "CR",
    "SE",
    "M",
    "OL",
    "BL",
    "WN",
    "LU",
    "SL",
    "RG",
    "SN",
    "CF",
    "NP",
    "SA",
    "PR",
    "BB",
    "DE",
    "LE",
    "CV",
    "WS",
    "DY",
    "ST",
    "HU",
    "DN",
    "SR",
    "NE",
    "CA",
    "EX",
    "PL",
    "B",
    "L",
    "S",
    "N",
    "E",
    "W",
)
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
NI_FIRST = "ABCEGHJKLMNOPRSTWXY"
NI_SECOND = "ABCEGHJKLMNPRSTWXY"
REG_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
MAIL_DOMAINS = (
    "gmail.com",
    "hotmail.co.uk",
    "outlook.com",
    "yahoo.co.uk",
    "icloud.com",
    "btinternet.com",
    "nhs.net",
    "leeds.gov.uk",
    "kent.police.uk",
    "refuge.org.uk",
)
SYLLABLES = (
    "ka",
    "ra",
    "li",
    "mo",
    "ten",
    "sha",
    "ber",
    "do",
    "vi",
    "na",
    "ro",
    "el",
    "an",
    "ja",
    "mi",
    "son",
    "ley",
    "ton",
    "wick",
    "ford",
    "ham",
    "zan",
    "tor",
    "bel",
    "ri",
    "lo",
    "den",
    "mar",
    "cas",
    "ush",
    "eem",
    "ola",
    "ade",
    "ki",
    "ov",
    "ski",
    "zu",
    "fi",
    "gan",
    "dra",
    "bri",
    "sel",
    "ette",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Filled:
    """A slot's text, its gold label (None: not personal data) and the name part offsets."""

    text: str
    label: str | None = None
    names: tuple[tuple[int, int], ...] = ()


@cache
def _names(split: str, kind: str) -> tuple[str, ...]:
    path = NAMES / f"{kind}_{split}.txt"
    if not path.is_file():
        raise InputError(f"missing name list {path}")
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _yaml(name: str) -> dict[str, Any]:
    path = TEMPLATES / name
    if not path.is_file():
        raise InputError(f"missing template file {path}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping")
    return data


def templates(split: str) -> list[str]:
    """The templates of one split."""
    if split not in SPLITS:
        raise UsageError(f"unknown split {split!r} (one of: {', '.join(SPLITS)})")
    return [str(t) for t in _yaml(f"{split}.yaml")["templates"]]


class ValueMaker:
    """Random slot values for one split (names from that split's lists)."""

    def __init__(self, split: str, rng: random.Random, invented: float = 0.0) -> None:
        self.rng = rng
        self.first = _names(split, "first")
        self.last = _names(split, "last")
        self.invented = invented
        self.vocab = _yaml("vocab.yaml")
        self.makers: dict[str, Callable[[], Filled]] = {
            "PERSON": self.person,
            "FULL": self.full,
            "FIRST": self.first_name,
            "TITLED": self.titled,
            "OFFICER": self.officer,
            "PHONE": self.phone,
            "EMAIL": self.email,
            "POSTCODE": self.postcode,
            "ADDRESS": self.address,
            "DOB": self.dob,
            "NI": self.ni,
            "VRM": self.vrm,
            "REF": self.ref,
            "PNC": self.pnc,
            "FORCE": lambda: self.word("forces"),
            "COURT": lambda: self.word("courts"),
            "ACT": lambda: self.word("acts"),
            "MEASURE": lambda: self.word("measures"),
            "TOWN": lambda: self.word("towns"),
            "STREET": self.street,
            "DATE": self.date,
            "TIME": self.time,
        }

    def make(self, slot: str) -> Filled:
        if "|" in slot:
            return Filled(self.rng.choice(slot.split("|")))
        maker = self.makers.get(slot)
        if maker is None:
            raise InputError(f"unknown template slot {{{slot}}}")
        return maker()

    def word(self, key: str) -> Filled:
        return Filled(str(self.rng.choice(self.vocab[key])))

    def _pick(self, names: tuple[str, ...]) -> str:
        """A listed name, or (with probability `invented`) a made-up one, so the NER learns
        context and shape rather than the list."""
        r = self.rng
        if r.random() >= self.invented:
            return r.choice(names)
        word = "".join(r.choice(SYLLABLES) for _ in range(r.choice((2, 2, 3))))
        return (
            word.capitalize()
            if r.random() < 0.9
            else word.capitalize() + "-" + r.choice(SYLLABLES).capitalize()
        )

    def _named(self, prefix: str, name: str, label: str) -> Filled:
        return Filled(prefix + name, label, ((len(prefix), len(prefix) + len(name)),))

    def full(self) -> Filled:
        r = self.rng
        first, last = self._pick(self.first), self._pick(self.last)
        if r.random() < 0.08:
            last = last.upper()
        return self._named("", f"{first} {last}", "PERSON")

    def first_name(self) -> Filled:
        return self._named("", self._pick(self.first), "PERSON")

    def titled(self) -> Filled:
        r = self.rng
        name = (
            self._pick(self.last) if r.random() < 0.8 else f"{self._pick(self.first)} {self._pick(self.last)}"
        )
        return self._named(f"{r.choice(TITLES)} ", name, "PERSON")

    def person(self) -> Filled:
        roll = self.rng.random()
        if roll < 0.45:
            return self.full()
        if roll < 0.7:
            return self.first_name()
        if roll < 0.9:
            return self.titled()
        return self._named("", self._pick(self.last), "PERSON")

    def officer(self) -> Filled:
        r = self.rng
        rank = r.choice(RANKS)
        collar = str(r.randint(100, 9999)) if r.random() < 0.55 else ""
        if collar and r.random() < 0.3:
            return Filled(f"{rank} {collar}", "OFFICER")
        prefix = f"{rank} {collar} " if collar else f"{rank} "
        return self._named(prefix, self._pick(self.last), "OFFICER")

    def phone(self) -> Filled:
        r = self.rng
        mobile = f"07{r.randint(100, 999)}{r.randint(100000, 999999)}"
        land = r.choice(
            (
                f"0113{r.randint(1000000, 9999999)}",
                f"020{r.randint(10000000, 99999999)}",
                f"01622{r.randint(100000, 999999)}",
                f"0161{r.randint(1000000, 9999999)}",
            )
        )
        n = mobile if r.random() < 0.6 else land
        style = r.randint(0, 4)
        if style == 0:
            text = n
        elif style == 1:
            text = f"{n[:5]} {n[5:]}"
        elif style == 2:
            text = f"+44 {n[1:5]} {n[5:]}"
        elif style == 3 and n.startswith(("0113", "0161")):
            text = f"({n[:4]}) {n[4:7]} {n[7:]}"
        elif n.startswith("020"):
            text = f"{n[:3]} {n[3:7]} {n[7:]}"
        else:
            text = f"{n[:5]} {n[5:8]} {n[8:]}"
        return Filled(text, "PHONE")

    def email(self) -> Filled:
        r = self.rng
        first, last = r.choice(self.first).lower(), r.choice(self.last).lower().replace("'", "")
        local = r.choice(
            (
                f"{first}.{last}",
                f"{first[0]}{last}",
                f"{first}{last}{r.randint(1, 99)}",
                f"{first}_{r.randint(70, 99)}",
            )
        )
        return Filled(f"{local}@{r.choice(MAIL_DOMAINS)}", "EMAIL")

    def postcode(self) -> Filled:
        r = self.rng
        units = "".join(r.choice(UNIT_LETTERS) for _ in range(2))
        sep = " " if r.random() < 0.9 else ""
        return Filled(f"{r.choice(POST_AREAS)}{r.randint(1, 29)}{sep}{r.randint(0, 9)}{units}", "POSTCODE")

    def street(self) -> Filled:
        return Filled(
            f"{self.rng.choice(self.vocab['streets'])} {self.rng.choice(self.vocab['street_types'])}"
        )

    def address(self) -> Filled:
        r = self.rng
        text = f"{r.randint(1, 240)}{r.choice(('', '', '', 'A', 'b'))} {self.street().text}"
        if r.random() < 0.2:
            text = f"Flat {r.randint(1, 40)}, {text}"
        if r.random() < 0.35:
            text += f", {r.choice(self.vocab['towns'])}"
        return Filled(text, "ADDRESS")

    def dob(self) -> Filled:
        r = self.rng
        d, m, y = r.randint(1, 28), r.randint(1, 12), r.randint(1950, 2020)
        style = r.randint(0, 3)
        if style == 0:
            return Filled(f"{d:02d}/{m:02d}/{y}", "DOB")
        if style == 1:
            return Filled(f"{d:02d}.{m:02d}.{y % 100:02d}", "DOB")
        if style == 2:
            return Filled(f"{d} {MONTHS[m - 1]} {y}", "DOB")
        return Filled(f"{d}-{m}-{y}", "DOB")

    def ni(self) -> Filled:
        r = self.rng
        pair = r.choice(NI_FIRST) + r.choice(NI_SECOND)
        while pair in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            pair = r.choice(NI_FIRST) + r.choice(NI_SECOND)
        digits = [f"{r.randint(0, 99):02d}" for _ in range(3)]
        sep = " " if r.random() < 0.5 else ""
        return Filled(pair + sep + sep.join(digits) + sep + r.choice("ABCD"), "NI_NUMBER")

    def vrm(self) -> Filled:
        r = self.rng
        tail = "".join(r.choice(REG_LETTERS.replace("I", "").replace("Q", "")) for _ in range(3))
        if r.random() < 0.85:
            head = r.choice("ABCDEFGHKLMNOPRSVWY") + r.choice("ABCDEFGHJKLMNOPRSTUVWXY")
            sep = " " if r.random() < 0.7 else ""
            return Filled(
                f"{head}{r.choice(('0', '1', '2', '5', '6', '7'))}{r.randint(0, 9)}{sep}{tail}", "VEHICLE_REG"
            )
        return Filled(f"{r.choice('ABCDEFGHJKLMNPRSTVWXY')}{r.randint(1, 999)} {tail}", "VEHICLE_REG")

    def ref(self) -> Filled:
        r = self.rng
        yy = r.randint(18, 25)
        text = r.choice(
            (
                f"{r.randint(1, 99):02d}/{r.randint(10000, 999999)}/{yy}",
                f"CR-20{yy}-{r.randint(1000000, 9999999)}",
                f"OCC/{yy}/{r.randint(100000, 999999)}",
                f"{r.randint(10, 99)}{r.choice(('WY', 'KT', 'MP', 'GM'))}{r.randint(1000000, 9999999)}{yy}",
                f"CAD{r.randint(1000, 9999)}-{r.randint(10, 31)}{r.randint(10, 12)}{yy}",
            )
        )
        return Filled(text, "REFERENCE")

    def pnc(self) -> Filled:
        r = self.rng
        return Filled(
            f"{r.randint(80, 99) if r.random() < 0.4 else r.randint(0, 24):02d}/"
            f"{r.randint(100000, 9999999)}{r.choice('ABCDEFGHJKLMNPRTUVWXYZ')}",
            "REFERENCE",
        )

    def date(self) -> Filled:
        r = self.rng
        d, m = r.randint(1, 28), r.randint(1, 12)
        return Filled(r.choice((f"{d:02d}/{m:02d}/2023", f"{d} {MONTHS[m - 1]}", f"{d:02d}.{m:02d}.24")))

    def time(self) -> Filled:
        r = self.rng
        h, mi = r.randint(0, 23), r.randint(0, 59)
        return Filled(r.choice((f"{h:02d}{mi:02d}", f"{h:02d}:{mi:02d}", f"{h:02d}{mi:02d}hrs")))


def fill(template: str, maker: ValueMaker) -> tuple[str, list[dict[str, Any]], list[list[int]]]:
    """Fill one template: text, gold spans and name offsets."""
    parts: list[str] = []
    spans: list[dict[str, Any]] = []
    names: list[list[int]] = []
    pos, size = 0, 0
    for m in SLOT.finditer(template):
        literal = template[pos : m.start()]
        parts.append(literal)
        size += len(literal)
        value = maker.make(m.group(1))
        if value.label is not None:
            spans.append(
                {"start": size, "end": size + len(value.text), "label": value.label, "text": value.text}
            )
        names.extend([size + s, size + e] for s, e in value.names)
        parts.append(value.text)
        size += len(value.text)
        pos = m.end()
    parts.append(template[pos:])
    return "".join(parts), spans, names


def generate(split: str, n: int, seed: int = 0, invented: float = 0.0) -> Iterator[dict[str, Any]]:
    """`n` examples of one split, cycling through its templates in a seeded order; `invented` is
    the share of names made up from syllables instead of taken from the split's lists."""
    rng = random.Random(f"pii-{split}-{seed}")
    pool = templates(split)
    maker = ValueMaker(split, rng, invented)
    order: list[str] = []
    for i in range(n):
        if not order:
            order = pool[:]
            rng.shuffle(order)
        text, spans, names = fill(order.pop(), maker)
        yield {"id": f"pii-{split}-{seed}-{i:05d}", "text": text, "spans": spans, "names": names}


def write(split: str, n: int, out: Path, seed: int = 0) -> int:
    """Write `n` examples as JSON lines; returns the count."""
    from pipeline.records import write_jsonl_atomic

    write_jsonl_atomic(out, generate(split, n, seed))
    return n
