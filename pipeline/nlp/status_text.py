"""The words the status classifier sees for one mention: its sentence, marked, plus the rule's view.

The mention's tokens become ``xxm`` between ``xxent`` and ``xxend`` (so the classifier learns
the context, not the measure's name), each other mention of the sentence becomes one ``xxo``,
words are lower-cased, whitespace tokens dropped, and the words nearest the mention follow
again with their side (``L:was``, ``R:not``: up to `WINDOW` each side, nearest first), so what
sits next to the mention weighs more than the rest of the sentence. Then come the mention's
form (``M:plural``, ``M:poss``, ``M:acronym``, ``M:len2``: "DVPOs can last" is more often
generic than "the DVPO"), the words of the sentences before and after (``P:served``,
``N:breached``: case notes often say what happened to a measure in the next entry), the rule
statuses of the sentence's other mentions (``o_refused``), three feature words: the rule's
status, the cue that decided it and the mention's label, then the mention's clause again
(up to the nearest punctuation or clause opener such as "but", "because", "and") as ``C:`` words
with the words that open and close it, and last the clause and side words again, each paired
with the rule's status and with the label (``rule_considered|C:pursued``, ``lab_DVPN|C:pursued``),
e.g.
``... xxent xxm xxend was not pursued ... R:was R:not ... M:acronym M:len1 N:he ...
rule_considered cue_not_pursued lab_DVPN
C:the xxm C:was C:not C:pursued CO:BOS CC:as rule_considered|R:was ... lab_DVPN|C:pursued``.
Training (`pipeline/train/train_status.py`) and the component use these functions, and both
build the classifier's Doc from the words directly (no second tokenisation).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from spacy.attrs import IS_SPACE, LOWER, SENT_START
from spacy.tokens import Doc, Span

ENTITY_OPEN, ENTITY_TOKEN, ENTITY_CLOSE, OTHER_MENTION = "xxent", "xxm", "xxend", "xxo"
# raise when `status_words` changes: a model trained on other words scores worse (it warns);
# models written before the crossed words record no version and count as 1
STATUS_WORDS_VERSION = 2
WINDOW = 6
# the mention's clause runs to the nearest punctuation or clause opener on each side
CLAUSE_END_MARKS = frozenset(",;:()|-–—.?!/")
CLAUSE_END_WORDS = frozenset(
    "but although though however because as so until when whereas while whilst which who after before "
    "and or if unless since".split()
)
Mention = tuple[int, int, str | None]  # token start, token end, status (as the rules gave it)


def doc_words(doc: Doc, ranges: list[tuple[int, int]] | None = None) -> list[str]:
    """Every token's lower-cased text, "" for whitespace tokens (computed once per Doc). With
    `ranges` (token start, end), only those tokens are filled in; the others stay ""."""
    strings = doc.vocab.strings
    rows = doc.to_array([LOWER, IS_SPACE])
    if ranges is None:
        return ["" if space else strings[lower] for lower, space in rows.tolist()]
    words = [""] * len(doc)
    for start, end in ranges:
        words[start:end] = ["" if space else strings[lower] for lower, space in rows[start:end].tolist()]
    return words


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token offsets of each sentence (the whole Doc if it has no sentences)."""
    if not doc.has_annotation("SENT_START"):
        return [(0, len(doc))]
    starts = (doc.to_array(SENT_START) == 1).nonzero()[0].tolist()
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    return list(zip(starts, [*starts[1:], len(doc)], strict=True))


def sentence_index(bounds: list[tuple[int, int]], token: int) -> int:
    """The index in `bounds` of the sentence that holds token index `token`."""
    return max(bisect_right(bounds, (token, 1 << 62)) - 1, 0)


def sentence_of(bounds: list[tuple[int, int]], token: int) -> tuple[int, int]:
    """The (start, end) in `bounds` of the sentence that holds token index `token`."""
    return bounds[sentence_index(bounds, token)]


def context_sentences(bounds: list[tuple[int, int]], token: int) -> list[tuple[int, int]]:
    """(start, end) of the sentence holding `token` and of the sentences before and after it."""
    i = sentence_index(bounds, token)
    return bounds[max(i - 1, 0) : i + 2]


def doc_mentions(doc: Doc, ents: Iterable[Span] | None = None) -> list[Mention]:
    """(start, end, status) of each mention of `doc` (or of `ents`; computed once per Doc)."""
    return [(e.start, e.end, e._.status) for e in (doc.ents if ents is None else ents)]


def mention_form(ent: Span) -> list[str]:
    """Words for the mention's form: plural, possessive, written as an acronym, length in words."""
    texts = [t.text for t in ent]
    last = texts[-1].lower() if texts else ""
    out = []
    if len(last) > 2 and last.endswith("s") and not last.endswith("ss"):
        out.append("M:plural")
    if last.endswith(("'s", "’s", "s'")):
        out.append("M:poss")
    if any(len(core) > 1 and core.isupper() for core in (t.rstrip("s'’") for t in texts)):
        out.append("M:acronym")
    return [*out, f"M:len{min(len(texts), 4)}"]


def neighbour_words(words: list[str], bounds: list[tuple[int, int]], token: int) -> list[str]:
    """Words of the sentence before (``P:``) and after (``N:``) the sentence holding `token`."""
    i = sentence_index(bounds, token)
    before = [f"P:{w}" for w in words[slice(*bounds[i - 1])] if w] if i > 0 else []
    after = [f"N:{w}" for w in words[slice(*bounds[i + 1])] if w] if i + 1 < len(bounds) else []
    return before + after


def _words_between(words: list[str], lo: int, hi: int, others: list[Mention]) -> list[str]:
    """Non-empty words of tokens lo..hi, each other mention in the range as one `OTHER_MENTION`."""
    inside = {s: e for s, e, _ in others if lo <= s < hi}
    if not inside:
        return [w for w in words[lo:hi] if w]
    out, i = [], lo
    while i < hi:
        if i in inside:
            out.append(OTHER_MENTION)
            i = inside[i]
            continue
        if words[i]:
            out.append(words[i])
        i += 1
    return out


def _clause(words: list[str], lo: int, hi: int, start: int, end: int) -> tuple[int, int]:
    """Token bounds of the clause round tokens start..end, inside the sentence lo..hi."""
    left, right = start, end
    while left > lo and words[left - 1] not in CLAUSE_END_MARKS and words[left - 1] not in CLAUSE_END_WORDS:
        left -= 1
    while right < hi and words[right] not in CLAUSE_END_MARKS and words[right] not in CLAUSE_END_WORDS:
        right += 1
    return left, right


def clause_words(words: list[str], lo: int, hi: int, ent: Span, others: list[Mention]) -> list[str]:
    """The mention's clause as ``C:`` words (mention ``xxm``, other mentions ``xxo``), then the
    word that opens it and the word that closes it (``CO:but``, ``CC:.``; ``BOS``/``EOS`` at the
    sentence's ends)."""
    left, right = _clause(words, lo, hi, ent.start, ent.end)
    before = _words_between(words, left, ent.start, others)
    after = _words_between(words, ent.end, right, others)
    inside = [w if w == OTHER_MENTION else f"C:{w}" for w in before]
    inside += [ENTITY_TOKEN] + [w if w == OTHER_MENTION else f"C:{w}" for w in after]
    opener = words[left - 1] if left > lo else "BOS"
    closer = words[right] if right < hi else "EOS"
    return [*inside, f"CO:{opener}", f"CC:{closer}"]


def status_words(
    ent: Span,
    words: list[str] | None = None,
    rule_status: str | None = None,
    rule_cue: str | None = None,
    bounds: list[tuple[int, int]] | None = None,
    mentions: list[Mention] | None = None,
) -> list[str]:
    """Marked sentence words of `ent` with the rule status and cue (default: what `ent._` holds).
    `words` (`doc_words`), `bounds` (`sentence_bounds`) and `mentions` (`doc_mentions`) may be
    passed in, once per Doc."""
    doc = ent.doc
    words = words if words is not None else doc_words(doc)
    bounds = bounds if bounds is not None else sentence_bounds(doc)
    mentions = mentions if mentions is not None else doc_mentions(doc)
    start, end = sentence_of(bounds, ent.start)
    others = [m for m in mentions if start <= m[0] < end and m[0] != ent.start]
    left = _words_between(words, start, ent.start, others)
    right = _words_between(words, ent.end, end, others)
    side = [f"L:{w}" for w in reversed(left[-WINDOW:])] + [f"R:{w}" for w in right[:WINDOW]]
    out = [*left, ENTITY_OPEN, *(ENTITY_TOKEN for w in words[ent.start : ent.end] if w), ENTITY_CLOSE, *right]
    out += side + mention_form(ent) + neighbour_words(words, bounds, ent.start)
    out += [f"o_{status}" for _, _, status in others]
    status = rule_status if rule_status is not None else ent._.status
    cue = rule_cue if rule_cue is not None else ent._.status_cue
    rule, label = f"rule_{status}", f"lab_{ent.label_}"
    out += [rule, "cue_" + "_".join((cue or "none").lower().split()), label]
    clause = clause_words(words, start, end, ent, others)
    near = side + [w for w in clause if w[:2] == "C:"]
    return out + clause + crossed_words(near, rule, label)


def crossed_words(near: list[str], rule: str, label: str) -> list[str]:
    """The side and clause words (``L:``, ``R:``, ``C:``) paired with the rule's status and with
    the mention's label (``rule_used|C:declined``, ``lab_IDVA|C:declined``): a bag of words
    cannot otherwise learn that a word means one status after one rule or for one measure and
    another elsewhere."""
    return [f"{rule}|{w}" for w in near] + [f"{label}|{w}" for w in near]


def status_text(ent: Span, rule_status: str | None = None, rule_cue: str | None = None) -> str:
    """`status_words` joined by single spaces (how training rows are stored)."""
    return " ".join(status_words(ent, rule_status=rule_status, rule_cue=rule_cue))
