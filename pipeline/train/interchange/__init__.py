"""Annotation round trip: records to and from Label Studio, Prodigy and spaCy DocBin files.

Each format module has a writer (records -> the tool's import format, with the model's
output as pre-annotations) and a reader (the tool's export -> records, with who annotated
and when in `meta.annotation`). Readers never drop an annotation silently: every
conflicting or malformed item becomes a `Problem` in the returned `ImportReport`.
"""
