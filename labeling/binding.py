"""Binding: each part of a fact is found in the row, item or sentence that holds the fact's other parts.

A value present somewhere in its section is not enough. Two regimens' doses swapped, the refrigerated and the
room-temperature times exchanged, an adult row relabelled "Children": every value is still printed as often as
the label places it, yet the document binds it to the wrong regimen, condition or population.

The composed section says which parts go together: each of its *binding units* (a table row, a list item, a
paragraph) holds tokens, the quantities it prints and the names it prints (a population, an indication, what a
storage condition applies to), each with its kind (dose, frequency, population, …) and its fact. The artifact's
section is cut into *segments* (a line, a table row as one extractor line, a sentence) and each segment's tokens
are matched to the units:

- tokens that one unit holds are fine: a whole row, or a fragment of one (a PDF line of a wrapped row);
- a segment that merges units (a translator's one sentence for two regimens) holds each unit's own parts
  beside each other: nothing is missing from any unit, nothing is reported;
- a segment whose best unit lacks one of its own parts and holds, in its place, the same kind of part of
  another unit is a part bound to the wrong unit: a finding naming both facts.

Rows, items and columns may come in any order; only which parts stand together is compared.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from labeling.doctree import Run, Section, Table
from labeling.extract.sections import normalize, unify_chars
from labeling.language import Language
from labeling.quantities import FoundQuantity, Quantity, find_quantities, format_professional


@dataclass(frozen=True)
class Placed:
    """A quantity a composed section prints, with the fact whose run prints it."""

    quantity: Quantity
    fact: str
    text: str


_NOT_A_FACT = re.compile(r"^[a-z]+:")  # phrase:, word:, number:, heading:, furniture: — sources that are no fact


def placed_quantities(units: Iterable[Sequence[Run]], lang: Language) -> list[Placed]:
    """Every quantity the runs of ``units`` print, in reading order, each with the fact its run comes from.

    The quantities are read from the composed text with the same parser that reads the artifact, so a phrase
    around a value ("not to exceed …") reads the same on both sides. Runs are immutable: the same runs are read
    once per process (``check`` verifies each kind's text against the same composed sections again)."""
    return list(_placed(tuple(tuple(runs) for runs in units), lang))


@lru_cache(maxsize=4096)
def _placed(units: tuple[tuple[Run, ...], ...], lang: Language) -> tuple[Placed, ...]:
    text, spans = "", []
    for runs in units:
        for run in runs:
            spans.append((len(text), len(text) + len(run.text), run.source))
            text += run.text
        text += "\n"
    placed = []
    plain = unify_chars(text)
    for found in find_quantities(plain, lang):
        # The fact whose run holds the number (a phrase may hold the words around it: "not to exceed …").
        digit = next((i for i in range(found.start, found.end) if plain[i].isdigit()), found.start)
        facts = [
            (start <= digit < end, source)
            for start, end, source in spans
            if start < found.end and end > found.start and not _NOT_A_FACT.match(source)
        ]
        fact = max(facts, key=lambda f: f[0])[1] if facts else "quantities"
        placed.append(Placed(found.quantity, fact, found.text))
    return tuple(placed)


@dataclass(frozen=True)
class Token:
    """A part of a binding unit: a quantity or a name, what kind of part it is, and the fact a finding names."""

    key: Hashable  # the Quantity, or ("name", its words in lower case)
    kind: str
    fact: str
    text: str


@dataclass(frozen=True)
class BindingUnit:
    owner: str  # the fact the unit binds (a regimen, a storage condition), or "" when it binds none
    tokens: tuple[Token, ...]


@dataclass(frozen=True)
class Misbinding:
    """A part of another unit standing where ``fact``'s own part is expected."""

    fact: str  # the expected part's fact (e.g. dosing.regimens[stroke].dose)
    expected: str
    found: str
    belongs_to: str  # the fact whose part was found in its place
    segment: str  # the text that binds them
    moved_to: str = ""  # for a part shown only beside another unit: that unit

    @property
    def message(self) -> str:
        if self.moved_to:
            return f"{self.found!r} is printed with {self.moved_to}, not with its own, in {self.segment!r}"
        return f"expected {self.expected!r}, found {self.found!r} (of {self.belongs_to}) in {self.segment!r}"


_OWNER = re.compile(r"^(?:[a-z_]+\.)*[a-z_]+\[[^\]]+\]")  # dosing.regimens[x] of dosing.regimens[x].dose
# Names that say what a unit is about; routes are left to the route check (most rows share one route).
_NAME = re.compile(
    r"^(populations|indications|dosing\.regimens|storage\.conditions)\[[^\]]+\]\.(\w*name|\w*applies_to)$"
)
_NAME_KINDS = {"populations": "population", "indications": "indication"}


def _kind(fact: str) -> str:
    """What sort of part a quantity's fact is: its field under the owning fact (dose, frequency, temperature…);
    a population's values (an age, a weight band) are its population."""
    if fact.startswith("populations["):
        return "population"
    owner = _OWNER.match(fact)
    rest = fact[owner.end() :] if owner else fact
    return rest.lstrip(".").split(".")[0].split("[")[0] or fact


def _unit_tokens(
    runs: Sequence[Run], owner: str, lang: Language, as_found: Callable[[Quantity], Quantity]
) -> BindingUnit:
    tokens = []
    for placed in placed_quantities([runs], lang):
        kind = _kind(placed.fact)
        fact = f"{owner}.population" if kind == "population" and owner else placed.fact
        tokens.append(Token(as_found(placed.quantity), kind, fact, format_professional(placed.quantity)))
    for run in runs:
        match = _NAME.match(run.source)
        words = _words(run.text)
        if match is None or sum(c.isalpha() for c in words) < 3:
            continue
        entity = match.group(1)
        kind = _NAME_KINDS.get(entity, "subject" if entity.startswith("storage") else "name")
        fact = (
            f"{owner}.{'indications' if kind == 'indication' else kind}"
            if owner and kind in _NAME_KINDS.values()
            else run.source
        )
        tokens.append(Token(("name", words), kind, fact, run.text))
    return BindingUnit(owner, tuple(tokens))


def _words(text: str) -> str:
    return " ".join(normalize(text).lower().split())


def binding_units(
    section: Section, lang: Language, as_found: Callable[[Quantity], Quantity] = lambda q: q
) -> list[BindingUnit]:
    """The composed section's units that bind parts together: each table row (its cells as one), each list item
    and paragraph, with the facts it binds."""
    units = []
    for block_section in section.walk():
        for block in block_section.blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    if row.header:
                        continue
                    runs = [run for cell in row.cells for run in (*cell.runs, Run("\n", "furniture:"))]
                    facts = row.facts or tuple(f for cell in row.cells for f in cell.facts)
                    units.append(_unit_tokens(runs, facts[0] if facts else "", lang, as_found))
            else:
                for unit in block.units():
                    units.append(_unit_tokens(unit.runs, unit.facts[0] if unit.facts else "", lang, as_found))
    return [u for u in units if u.tokens]


# A segment ends at a line end, a sentence or clause end, or a cross-reference that closes a statement ("… for
# 7–21 days (2.1) Alzheimer's disease …" run into one line); a table row read as one line is one segment.
_SEGMENT_END = re.compile(r"\n|(?<=[.!?;])\s+(?=[A-Z0-9(])|(?<=\(\d\))\s+|(?<=\(\d\d\))\s+|(?<=\d\.\d\))\s+")


def _segments(body: str, lines: Iterable[int]) -> Iterator[tuple[int, int]]:
    cuts = sorted({*lines, *(m.end() for m in _SEGMENT_END.finditer(body))})
    start = 0
    for cut in cuts:
        if cut > start:
            yield start, cut
            start = cut
    yield start, len(body)


def _name_pattern(words: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + r"[\s\u2060\u00ad-]+".join(map(re.escape, words.split())) + r"(?!\w)", re.I)


def _found_tokens(body: str, quantities: list[FoundQuantity], names: set[str]) -> list[tuple[int, Hashable, str]]:
    """The artifact section's tokens by position: its quantities and the names the section's units use (longest
    first, a place taken once)."""
    found: list[tuple[int, Hashable, str]] = [(q.start, q.quantity, q.text) for q in quantities]
    taken: list[tuple[int, int]] = [(q.start, q.end) for q in quantities]
    plain = unify_chars(body)
    for name in sorted(names, key=len, reverse=True):
        for match in _name_pattern(name).finditer(plain):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append(match.span())
            found.append((match.start(), ("name", name), match.group(0)))
    return sorted(found, key=lambda t: t[0])


def misbindings(
    units: list[BindingUnit], body: str, quantities: list[FoundQuantity], lines: Iterable[int] = ()
) -> list[Misbinding]:
    """Parts of one unit found standing in another unit's place, one per unit and kind of part; ``lines`` are the
    offsets in ``body`` where the artifact began a line.

    Parts are counted, not just named: a row that prints "20 mg" as its dose and again as its syringe's strength
    has lost its dose when it prints "20 mg" only once beside another row's "40 mg"."""
    names = {t.key[1] for u in units for t in u.tokens if isinstance(t.key, tuple)}
    tokens = _found_tokens(body, quantities, names)
    holds = [Counter(t.key for t in unit.tokens) for unit in units]
    holders: dict[Hashable, list[tuple[int, Token]]] = {}
    for index, unit in enumerate(units):
        for token in unit.tokens:
            holders.setdefault(token.key, []).append((index, token))
    result: list[Misbinding] = []
    reported: set[tuple[int, str]] = set()
    seen = [Counter[Hashable]() for _ in units]  # the parts each unit's own segments show
    added: list[tuple[int, Hashable, str]] = []  # (unit, part of another unit it shows, segment)
    previous = -1
    for start, end in _segments(body, lines):
        segment = [t for t in tokens if start <= t[0] < end and t[1] in holders]
        keys = Counter(t[1] for t in segment)
        if not keys:
            continue
        holding = [i for i, held in enumerate(holds) if keys <= held]
        if holding:  # one unit holds every part: a whole row or a fragment of one
            for i in holding:
                seen[i] += keys
            previous = next((i for i in holding if i > previous), previous)
            continue
        overlap = [sum((keys & held).values()) for held in holds]
        best = max(overlap)
        if best < 2:  # too few of a unit's parts to say which unit the segment is
            continue
        # Of units holding equally many of its parts, the next in order after the last one read: a row stands
        # where its own row stood.
        candidates = sorted((i for i, v in enumerate(overlap) if v == best), key=lambda i: (i <= previous, i))
        readings = [
            (index, _substitutions(units[index], holds[index], keys, holders, segment, index)) for index in candidates
        ]
        text = " ".join(body[start:end].split())
        if any(not swaps for _, swaps in readings):  # one reading binds every part rightly
            if len(candidates) == 1:
                index = candidates[0]
                seen[index] += keys & holds[index]
                kinds = {t.kind for t in units[index].tokens}
                added += [
                    (index, key, text)
                    for key in keys - holds[index]
                    if not any(t.kind in kinds for _, t in holders[key])
                ]
            continue
        index, swaps = readings[0]
        previous = index
        for own, other in swaps:
            if (index, own.kind) in reported:
                continue
            reported.add((index, own.kind))
            result.append(Misbinding(own.fact, own.text, other.text, other.fact, text))
    # A part of another unit shown beside a unit that has no part of its kind ("2–4 times a year" moved to the
    # regimen that is not repeated), where the unit it belongs to no longer shows it.
    for index, key, text in added:
        owners = [(i, t) for i, t in holders[key] if i != index]
        if owners and all(seen[i][key] == 0 for i, _ in owners):
            _, token = owners[0]
            result.append(Misbinding(token.fact, token.text, token.text, "", text, units[index].owner))
    result += _exchanges(units, holders, tokens, body, reported)
    return result


def _exchanges(
    units: list[BindingUnit],
    holders: dict[Hashable, list[tuple[int, Token]]],
    tokens: list[tuple[int, Hashable, str]],
    body: str,
    reported: set[tuple[int, str]],
) -> list[Misbinding]:
    """Parts exchanged between two units whose rows a reader cuts into many lines (a PDF reads a table cell by
    cell, a narrow cell wraps its name over five lines): each unit's stretch of text runs from a name only it
    has to the next unit's such name, and two stretches that each hold the other's part of one kind, and not
    their own, are an exchange. Only an exchange is reported: a layout that prints the name last (columns in
    another order) moves a unit's parts into the next stretch, but never the next unit's parts into its own."""
    anchors: list[tuple[int, int]] = []  # (position, unit) where a name only that unit has begins a stretch
    for position, key, _ in tokens:
        owners = {i for i, _ in holders.get(key, ())}
        if isinstance(key, tuple) and len(owners) == 1:
            (owner,) = owners
            if not anchors or anchors[-1][1] != owner:
                anchors.append((position, owner))
    named = Counter(unit for _, unit in anchors)
    stretches: dict[int, Counter[Hashable]] = {}
    texts: dict[int, str] = {}
    for (start, unit), (end, _) in pairwise([*anchors, (len(body), -1)]):
        if named[unit] == 1:  # a unit named in two places has no one stretch of its own
            stretches[unit] = Counter(key for position, key, _ in tokens if start <= position < end)
            texts[unit] = " ".join(body[start:end].split())
    found = []
    for unit, keys in stretches.items():
        for key in keys:
            for other, theirs in holders.get(key, ()):
                if other == unit or other not in stretches or any(t.key == key for t in units[unit].tokens):
                    continue
                mine = next((t for t in units[unit].tokens if t.kind == theirs.kind and t.key not in keys), None)
                if mine is None or (unit, mine.kind) in reported:
                    continue
                if stretches[other][mine.key] and not stretches[other][key]:  # each holds the other's
                    reported.add((unit, mine.kind))
                    found.append(Misbinding(mine.fact, mine.text, _text_of(key, tokens), theirs.fact, texts[unit]))
    return found


def _text_of(key: Hashable, tokens: list[tuple[int, Hashable, str]]) -> str:
    return next(text for _, k, text in tokens if k == key)


def _substitutions(
    unit: BindingUnit,
    held: Counter[Hashable],
    keys: Counter[Hashable],
    holders: dict[Hashable, list[tuple[int, Token]]],
    segment: list[tuple[int, Hashable, str]],
    index: int,
) -> list[tuple[Token, Token]]:
    """The unit's parts missing from the segment, each with the same kind of part of another unit that the
    segment holds in their place."""
    missing = held - keys
    extra = keys - held
    swaps = []
    for _, key, text in segment:
        if extra[key] <= 0:
            continue
        # Of the units holding it, the nearest is the likeliest to have lost it (a swap with the next row).
        for other_index, other in sorted(holders[key], key=lambda h: (abs(h[0] - index), -h[0])):
            if other_index == index:
                continue
            mine = next((t for t in unit.tokens if t.kind == other.kind and missing[t.key] > 0), None)
            if mine is not None:
                missing[mine.key] -= 1
                extra[key] -= 1
                swaps.append((mine, Token(key, other.kind, other.fact, text)))
                break
    return swaps
