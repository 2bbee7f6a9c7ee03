"""`vawg_personal_data`: personal data as `doc.spans["personal_data"]` (labels PERSON, OFFICER,
ADDRESS, POSTCODE, PHONE, EMAIL, DOB, NI_NUMBER, VEHICLE_REG, REFERENCE).

Not in the default pipeline: add it only when redaction is asked for
(`pipeline.privacy.load_redacting()`, or `nlp.add_pipe("vawg_personal_data")` after the other
components). It must run after `vawg_mentions`: measure mentions in `doc.ents` are never personal
data. Exact character spans are also kept in `doc.user_data["personal_data"]` as
(start, end, label) since a regex match need not fall on token boundaries.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.privacy.detect import DEFAULT_MODEL, PersonalDataFinder
from pipeline.privacy.rules import DEFAULT_RULES

SPAN_KEY = "personal_data"


class PersonalDataTagger:
    """Runs the personal-data finder over each Doc."""

    def __init__(self, nlp: Language, name: str, rules_path: str, model_path: str) -> None:
        self.name = name
        self.finder = PersonalDataFinder(rules_path, model_path or None)

    def __call__(self, doc: Doc) -> Doc:
        keep = [(e.start_char, e.end_char) for e in doc.ents]
        found = self.finder.find(doc.text, keep)
        spans = []
        for s in found:
            span = doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPAN_KEY] = spans
        doc.user_data[SPAN_KEY] = [(s.start, s.end, s.label) for s in found]
        return doc


@Language.factory(
    "vawg_personal_data",
    default_config={"rules_path": str(DEFAULT_RULES), "model_path": str(DEFAULT_MODEL)},
)
def make_personal_data(nlp: Language, name: str, rules_path: str, model_path: str) -> PersonalDataTagger:
    """Factory for `vawg_personal_data` (model_path "" means rules only)."""
    return PersonalDataTagger(nlp, name, rules_path, model_path)
