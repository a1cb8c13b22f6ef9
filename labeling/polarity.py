"""Polarity: a negation dropped from, or added to, a statement a document must make.

"If not used immediately, store at 2–8 °C" made "If used immediately, store at 2–8 °C", "Do not use X if:" made
"Use X if:", "Store at 15–25 °C" made "Do not store at 15–25 °C": every number is still right and every fact is
still found, yet the document says the opposite. The composed section says what the statement must be; this
module compares the negations of the two texts around each statement, in the language's words:

- a negation dropped: the composed section negates a few words ("if not used immediately"); the document holds
  those words without the negation ("if used immediately") more often than the composed section does;
- a negation added: the composed section instructs ("store at 15–25 °c"); the document holds the same words
  after a negating imperative ("do not store at 15–25 °c") more often than the composed section does.

Only the words next to the negation are compared (two before it, three after), so a reworded sentence of
another agency ("Do not use … in patients with:") is not a finding: it is not the twin of a composed statement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from labeling.doctree import Unit
from labeling.extract.sections import normalize
from labeling.language import Language

BEFORE, AFTER = 2, 3  # words kept around a negation: enough to be the statement, short enough to survive layout


@dataclass(frozen=True)
class Flip:
    fact: str
    expected: str
    found: str
    message: str


def normalised(text: str) -> str:
    """As read back (one kind of dash and space, layout hyphens gone), lower case, one line."""
    return normalize(text).replace("\u2019", "'").lower()


def _clauses(text: str) -> list[list[str]]:
    return [clause.split() for clause in re.split(r"(?<=[.;:!?])\s+", text) if clause.strip()]


def flips(units: Iterable[Unit], found: str, lang: Language, fallback_fact: str) -> list[Flip]:
    """The statements of ``units`` whose negation the ``found`` text dropped or added."""
    negations = {w.lower() for w in lang.synonyms("negation")}
    auxiliaries = {w.lower() for w in lang.synonyms("negation.auxiliary")}  # "do" of "do not use": goes with it
    imperatives = [w.lower() for w in lang.synonyms("negation.imperative")]
    units = list(units)
    composed = " \n ".join(normalised(u.text) for u in units)
    found = normalised(found)
    result: list[Flip] = []
    seen: set[tuple[str, str]] = set()
    for unit in units:
        fact = unit.facts[0] if unit.facts else fallback_fact
        text = normalised(unit.text)
        words = text.split()  # the whole unit: a negation's neighbours may be in the clause before it
        bare = [w.strip(_PUNCTUATION) for w in words]
        for index, word in enumerate(bare):
            if word not in negations:
                continue
            first = index - 1 if index and bare[index - 1] in auxiliaries else index
            start, end = max(0, first - BEFORE), min(len(words), index + 1 + AFTER)
            original = " ".join(words[start:end])
            twin = " ".join(_without(words, start, first, index, end))
            if len(twin.split()) < 2 or (twin, original) in seen:
                continue
            seen.add((twin, original))
            if _free(twin, original, found) > _free(twin, original, composed):
                result.append(Flip(fact, original, twin, f"negation dropped: expected {original!r}, found {twin!r}"))
        for clause in _clauses(text):
            head = [w.strip(_PUNCTUATION) for w in clause]
            if len(clause) < 2 or head[0] in negations or any(" ".join(head).startswith(i) for i in imperatives):
                continue
            statement = " ".join(clause[: AFTER + 1])
            for imperative in imperatives:
                negated = f"{imperative} {statement}"
                if (negated, statement) in seen:
                    continue
                seen.add((negated, statement))
                if found.count(negated) > composed.count(negated):
                    result.append(
                        Flip(fact, statement, negated, f"negation added: expected {statement!r}, found {negated!r}")
                    )
    return result


_PUNCTUATION = ",;:.()[]"


def _without(words: list[str], start: int, first: int, index: int, end: int) -> list[str]:
    """The window with the negation (and its auxiliary) taken out, punctuation kept: "unopened (not in-use)
    vials" → "unopened (in-use) vials"."""
    removed = " ".join(words[first : index + 1])
    lead = removed[: len(removed) - len(removed.lstrip(_PUNCTUATION))]
    trail = words[index][len(words[index].rstrip(_PUNCTUATION)) :]
    rest = words[index + 1 : end]
    if rest:
        rest = [lead + rest[0], *rest[1:]]
    kept = words[start:first] + rest
    if trail and kept and not rest:
        kept[-1] += trail
    return kept


def _free(twin: str, original: str, text: str) -> int:
    """How often ``twin`` stands in ``text`` other than inside ``original``."""
    inside = text.count(original) if twin in original else 0
    return text.count(twin) - inside
