"""Verification: the facts a document must carry, against the facts found in an artifact's text.

What a document must say comes from the label composed for its kind (facts, the reach table and the
language's words — ``labeling.compose``), never from a writer's template: a template that adds a
contraindication is caught. This module imports no writer. It works on text only (any extractor, any
layout): sections are found by the headings of the composed document; quantities are parsed back with
``labeling.quantities`` and compared by value, so "20–50 mL/day", "20 to 50 mL a day" and "20-50 mL per day"
are equal while a changed number, unit, period or range is not. For each section that carries a fact group:

- every fact of the group is found (each shown regimen's quantities and route, each adjustment and cycling;
  each storage condition's temperature, time limit, protections, do-not-freeze; each contraindication);
- every quantity in the section traces to a fact of the label (a stray or stale number is a finding, and one
  from a non-approved use is reported as off-label);
- the contraindication section says nothing beyond the composed document's own text for it.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from labeling.binding import BindingUnit, Placed, Token, binding_units, misbindings, placed_quantities
from labeling.compose import compose
from labeling.doctree import Document, Section, Table
from labeling.documents import CONTRAINDICATIONS, DOSING, FACT_GROUPS, PATIENT, STORAGE, DocumentKind
from labeling.extract.sections import FoundSection, flatten, normalize, part_bounds, split_sections, unify_chars
from labeling.language import Language, language_for
from labeling.model import Label, StorageCondition, walk
from labeling.quantities import FoundQuantity, Frequency, Quantity, fahrenheit, find_quantities, format_professional
from labeling.reach import hidden_facts, shown_regimens
from labeling.vocabulary import vocabulary


@dataclass(frozen=True)
class Finding:
    document: str
    section: str  # the heading as printed, or "" for the document as a whole
    fact: str  # the fact's path in the content, e.g. storage.conditions[unopened].temperature
    code: str  # section-missing | missing | changed | stray | off-label | route | extra | unseen
    message: str
    expected: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        where = f"{self.document} §{self.section}" if self.section else self.document
        return f"{where}: {self.fact}: {self.message}"


@dataclass
class FactCheck:
    """One row of the fact × document matrix, for one document."""

    fact: str
    expected: str
    ok: bool = True
    found: str | None = None


@dataclass
class Verification:
    document: str
    kind: str
    findings: list[Finding] = field(default_factory=list)
    checks: dict[str, FactCheck] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the document lacks that the content does not record
    format: str = ""  # set when one file holds several documents (an SPL): the matrix names the column by it

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "kind": self.kind,
            "format": self.format,
            "ok": self.ok,
            "findings": [asdict(f) for f in self.findings],
            "facts": {k: {"ok": c.ok, "expected": c.expected, "found": c.found} for k, c in self.checks.items()},
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------------------------------------------
# The quantities a document of the label may show


def _path(label: Label, fact: Any) -> str:
    return str(label.fact_path(fact.id))


# Fields that are limits: documents say "not to exceed 2,550 mg/day", which reads back as a ceiling (≤).
LIMIT_FIELDS = frozenset({"max_dose", "max_daily_dose"})


def shown_quantities(label: Label) -> set[Quantity]:
    """Every quantity a document of this label may show: all typed facts except those of non-approved uses,
    with °F equivalents of temperatures (US documents print both)."""
    hidden = hidden_facts(label)
    shown: set[Quantity] = set()

    def skip(parent: Any, key: Any, value: Any) -> bool:
        return id(value) in hidden

    for path, value in walk(label, skip=skip):
        if isinstance(value, Quantity):
            shown.add(value)
            if path.field in LIMIT_FIELDS and value.comparator is None:
                shown.add(value.replace(comparator="≤"))
            if value.unit == "°C":
                shown.add(fahrenheit(value))
    return shown


def off_label_quantities(label: Label) -> dict[Quantity, str]:
    """Quantities that only facts kept out of the documents have (regimens of non-approved uses …)."""
    hidden = hidden_facts(label)
    found: dict[Quantity, str] = {}
    for path, node in walk(label):
        if id(node) in hidden and hasattr(node, "id"):
            for _, value in walk(node, path):
                if isinstance(value, Quantity):
                    found.setdefault(value, str(path))
    return found


_FACTS: dict[int, tuple[Label, _Known, dict[str, Quantity]]] = {}


def _label_facts(label: Label) -> tuple[_Known, dict[str, Quantity]]:
    """The label's quantities, walked once per label, not once per document (``check`` verifies three or four
    documents of one label; the walks were half of a verification)."""
    cached = _FACTS.get(id(label))
    if cached is None or cached[0] is not label:
        if len(_FACTS) > 16:
            _FACTS.clear()
        cached = (label, _Known(shown_quantities(label), off_label_quantities(label)), label_quantities(label))
        _FACTS[id(label)] = cached
    return cached[1], cached[2]


# ---------------------------------------------------------------------------------------------------------
# Verification


def verify_text(
    text: str, kind: DocumentKind, label: Label, document: str, tree: Document | None = None
) -> Verification:
    """Verify one artifact's extracted text (page furniture already removed) against the label.

    What each section must show is what the label composes to for this kind (facts placed by the reach table,
    worded by the language): a Highlights dosing section carries its summaries, the FPI table every regimen."""
    lang = language_for(label.label.language)
    tree = tree or compose(label, kind, lang)
    result = Verification(document, kind.name)
    text = strip_furniture(text, tree, lang)
    found = split_sections(text, tree)
    known, values = _label_facts(label)
    checked = {spec.key: spec.checks for spec in kind.sections() if spec.checks}
    for group in FACT_GROUPS:
        for _, section in tree.sections():
            if group not in checked.get(section.key, ()):
                continue
            heading = section.heading.text
            expected = _expected(section, values, label, group)
            expected.composed = composed_quantities(section, lang)
            expected.binding = binding_units(section, lang, _as_time_limit if group == STORAGE else lambda q: q)
            expected.text = _section_text(section)
            for fact, value in expected.rows.items():
                result.checks.setdefault(fact, FactCheck(fact, value))
            if section.id not in found:
                result.findings.append(
                    Finding(
                        document,
                        heading,
                        group,
                        "section-missing",
                        f"section heading {heading!r} not found, so its {group} facts cannot be checked",
                        expected=heading,
                    )
                )
                for fact in expected.rows:
                    _fail(result, fact, "section not found")
                continue
            for place in (found[section.id], *found[section.id].copies):  # a section printed twice: each copy
                body, lines = place.text, place.lines
                if group == DOSING:
                    _check_dosing(result, label, lang, known, heading, body, lines, expected)
                elif group == STORAGE:
                    _check_storage(result, label, lang, known, kind.audience, heading, body, lines, expected)
                else:
                    _check_contraindications(result, label, kind, heading, body, _section_text(section), expected)
    for _, section in tree.sections():
        copies = found[section.id].copies if section.id in found else ()
        if copies:
            result.findings.append(
                Finding(
                    document,
                    section.heading.text,
                    "sections",
                    "duplicate",
                    f"section {section.heading.text!r} is printed {len(copies) + 1} times (each copy is checked)",
                    expected="printed once",
                    found=f"printed {len(copies) + 1} times",
                )
            )
    _check_polarity(result, tree, found, checked, lang, document)
    _check_everything_else(result, tree, flatten(text)[0], found, checked, lang, known)
    return result


def _check_everything_else(
    result: Verification,
    tree: Document,
    flat: str,
    found: dict[str, FoundSection],
    checked: dict[str, tuple[str, ...]],
    lang: Language,
    known: _Known,
) -> None:
    """Every block the fact groups do not check: the title line, the product at a glance, the rest of Highlights,
    specific populations, key points. Each quantity traces to a fact printed there (none changed, none added),
    and each route and population named is one the composed block names ("for intramuscular use" in a title line
    of an intravenous product, "and children" added to an indication)."""
    grouped = {
        inner.id
        for _, section in tree.sections()
        if set(checked.get(section.key, ())) & {DOSING, STORAGE}
        for inner in section.walk()
    }
    # A part without a heading (the insert's draft notice) cannot be told from the end of the section before it:
    # its text is cut from wherever it is found and read with the text outside every section.
    headless = [
        normalize(strip_furniture(unit.text, tree, lang))
        for part in tree.parts
        if part.heading is None
        for block in part.blocks
        for unit in block.units()
        if len(unit.text.split()) > 8
    ]
    spans, moved = [], []
    for _, section in tree.sections():
        if section.id not in found:
            continue
        heading = section.heading.text
        own = list(section.units(nested=False))
        reference = normalize(" ".join(unit.text for unit in own))
        composed = placed_quantities((unit.runs for unit in own), lang)
        for place in (found[section.id], *found[section.id].copies):
            spans.append((place.start, place.offset + len(place.text)))
            if section.id in grouped:
                continue
            body = place.text
            for child in section.sections:  # its own text: up to its first subsection found after it
                if child.id in found and found[child.id].start >= place.offset:
                    body = body[: found[child.id].start - place.offset]
                    break
            for text in headless:
                body, cut = _cut_out(body, text)
                moved += cut
            body = _without_repeated_headers(body, section)
            _check_quantities(result, known, heading, composed, find_quantities(body, lang), body, lang)
            _check_routes(result, lang, heading, body, reference, "routes")
            _check_populations(result, lang, heading, body, reference, [])
    # Outside every section: the title block, part headings and their text (the limitation statement, the title
    # line, the contents), the draft notice.
    # The contents repeat the headings, which are found where they stand: not read here.
    bounds = part_bounds(flat, tree)
    for part in tree.parts:
        if part.style == "contents" and part.heading is not None and part.key in bounds:
            after, stop = bounds[part.key]
            spans.append((after - len(normalize(part.heading.text)), stop))
    pieces, cursor = [], 0
    for start, end in sorted(spans):
        if start > cursor:
            pieces.append(flat[cursor:start])
        cursor = max(cursor, end)
    pieces.append(flat[cursor:])
    body = "\n".join([*pieces, *moved])
    quantities = find_quantities(body, lang)
    units = [*(u for block in tree.front for u in block.units()), *(u for u in (tree.banner,) if u is not None)]
    for part in tree.parts:  # the contents repeat the headings, which are found where they stand
        if part.style != "contents":
            units += [*([part.heading] if part.heading else []), *(u for b in part.blocks for u in b.units())]
    heading = "front matter"
    composed = placed_quantities((unit.runs for unit in units), lang)
    _check_quantities(result, known, heading, composed, quantities, body, lang)
    reference = normalize(" ".join(unit.text for unit in units))
    _check_routes(result, lang, heading, body, reference, "routes")
    _check_populations(result, lang, heading, body, reference, [])


def _check_polarity(
    result: Verification, tree: Document, found: dict[str, Any], checked: dict[str, Any], lang: Language, document: str
) -> None:
    """Each checked section's statements keep their negations (``labeling.polarity``): one finding per flip."""
    from labeling.polarity import flips

    reported: set[tuple[str, str]] = set()
    for _, section in tree.sections():
        if section.key not in checked or section.id not in found:
            continue
        group = checked[section.key][0]
        for place in (found[section.id], *found[section.id].copies):
            for flip in flips(section.units(), place.text, lang, group):
                if (flip.expected, flip.found) in reported:
                    continue
                reported.add((flip.expected, flip.found))
                result.findings.append(
                    Finding(
                        document, section.heading.text, flip.fact, "polarity", flip.message, flip.expected, flip.found
                    )
                )


def verify_artifact(artifact: Any, kind: DocumentKind, label: Label, document: str) -> Verification:
    """Verify a read artifact (``labeling.extract.artifact.Artifact``): its visible text against the label, and
    every piece of text in it that a reader does not see, reported as a finding of its own."""
    result = verify_text(artifact.text, kind, label, document)
    for unseen in artifact.unseen:
        result.findings.append(
            Finding(
                document,
                "",
                "visibility",
                "unseen",
                f"text a reader does not see or sees differently ({unseen.why}): {unseen.text!r}",
                found=unseen.text,
            )
        )
    return result


@dataclass
class _Expected:
    """What one composed section says of a fact group: its quantities by fact path, the facts its units bind,
    and the matrix rows (fact path → what must show)."""

    quantities: dict[str, Quantity] = field(default_factory=dict)
    facts: list[str] = field(default_factory=list)
    rows: dict[str, str] = field(default_factory=dict)
    wordings: dict[str, list[str]] = field(default_factory=dict)  # fact path → its own words as composed
    composed: list[Placed] = field(default_factory=list)  # every quantity the section prints, with its fact
    binding: list[BindingUnit] = field(default_factory=list)  # its rows, items and paragraphs with their parts
    text: str = ""  # the composed section's text


_GROUP_PATHS = {DOSING: ("dosing.", "preparation."), STORAGE: ("storage.",), CONTRAINDICATIONS: ("contraindications",)}


def label_quantities(label: Label) -> dict[str, Quantity]:
    """Every typed quantity by its path (limits as the ceilings the documents print)."""
    values = {}
    for path, value in walk(label):
        if isinstance(value, Quantity):
            if path.field in LIMIT_FIELDS and value.comparator is None:
                value = value.replace(comparator="≤")
            values[str(path)] = value
    return values


def _expected(section: Section, values: dict[str, Quantity], label: Label, group: str) -> _Expected:
    prefixes = _GROUP_PATHS[group]
    expected = _Expected()
    expected.facts = [fact for fact in section.bound_facts() if fact.startswith(prefixes)]
    for unit in [section.heading, *section.units()]:
        for run in unit.runs:
            if run.source.startswith(prefixes) and run.source in values:
                expected.quantities.setdefault(run.source, values[run.source])
    for fact, value in expected.quantities.items():
        expected.rows[fact] = format_professional(value)
    if group == DOSING:
        for regimen in shown_regimens(label):
            path = _path(label, regimen)
            if path in expected.facts:
                expected.rows[f"{path}.routes"] = " or ".join(label.route(r).name for r in regimen.routes)
    elif group == STORAGE:
        for condition in label.storage.conditions:
            base = _path(label, condition)
            if base not in expected.facts:
                continue
            if condition.use_immediately:
                expected.rows[f"{base}.use_immediately"] = "use immediately"
            if condition.protect_from:
                expected.rows[f"{base}.protect_from"] = "protect from " + " and ".join(condition.protect_from)
            if condition.do_not_freeze:
                expected.rows[f"{base}.do_not_freeze"] = "do not freeze"
            if condition.do_not_refrigerate:
                expected.rows[f"{base}.do_not_refrigerate"] = "do not refrigerate"
            if condition.discard_unused:
                expected.rows[f"{base}.discard_unused"] = "discard unused"
    else:
        for item in label.contraindications:
            path = _path(label, item)
            if path in expected.facts:
                expected.rows[path] = item.text
                expected.wordings[path] = _own_words(section, path)
    return expected


def _own_words(section: Section, path: str) -> list[str]:
    """The longest unbroken stretch of a fact's own runs (its text with its typed values placed) in each unit of
    the section that binds it: what the document must print of it, whatever phrase or reference surrounds it."""
    found = []
    for unit in section.units():
        if path not in unit.facts:
            continue
        stretches, current = [], ""
        for run in unit.runs:
            if run.source == path or run.source.startswith((path + ".", path + "[")):
                current += run.text
            else:
                stretches.append(current)
                current = ""
        stretches.append(current)
        best = max(stretches, key=len).strip()
        if best:
            found.append(best)
    return found


def strip_furniture(text: str, tree: Document, lang: Language) -> str:
    """The text without the running header, footer, draft banner and page numbers the document declares: a
    layout may print them anywhere (a margin box read in the middle of a section), and they are never content."""
    strings = [normalize(u.text) for u in (tree.header, tree.footer, tree.banner) if u is not None and u.text.strip()]
    # A page number is a field in a DOCX footer: its value exists only once Word lays the pages out, so a
    # reader of the file sees "Page  of" where a PDF shows "Page 2 of 4".
    slot = r"\s*\d*\s*"
    page = r"\s+".join(re.escape(word) for word in lang.phrase("page.of").text.split())
    page = page.replace(r"\s+\{page\}\s+", slot).replace(r"\s+\{pages\}", slot)
    page_pattern = re.compile(rf"(?<!\w){page}(?!\w)")
    lines = []
    for line in text.splitlines():
        if _BULLETS.sub("", line).strip() == "" and line.strip():
            continue  # a list marker on a line of its own: a page or column break left it apart from its item
        flat = normalize(line)
        for furniture in strings:
            if furniture and furniture in flat:
                flat = flat.replace(furniture, " ")
        flat = page_pattern.sub(" ", flat)
        if flat != normalize(line) and line.rstrip().endswith(("\u2010", "\u00ad")):
            flat = flat[:-1] + line.rstrip()[-1]  # a word the layout broke at the line end stays broken, not hyphenated
        lines.append(flat if flat != normalize(line) else line)
    return "\n".join(lines)


def _section_text(section: Section) -> str:
    """What the composed document says in a section, as plain text (its reference for "nothing added")."""
    return normalize(" ".join(unit.text for unit in section.units()))


def _fail(result: Verification, fact: str, found: str | None) -> None:
    check = result.checks.get(fact)
    if check is not None:
        check.ok = False
        check.found = check.found or found


def _describe(found: FoundQuantity | None) -> str:
    return format_professional(found.quantity) if found else "nothing"


@dataclass(frozen=True)
class _Known:
    """The label's quantities, computed once per verification: those a document may show, and those of
    non-approved uses (a document showing one of these is reported as off-label)."""

    shown: set[Quantity]
    off_label: dict[Quantity, str]


def composed_quantities(section: Section, lang: Language) -> list[Placed]:
    """Every quantity the composed section prints, in reading order, each with its fact: a value the label
    places three times (an interval shared by three regimen rows) is expected three times."""
    return placed_quantities((unit.runs for unit in section.units()), lang)


_TRAILING_ZERO = re.compile(r"\d\.\d*0(?!\d)")  # 5.0 mg, 0.50 mL: read as 50 mg, 50 mL (ISMP)
_NO_LEADING_ZERO = re.compile(r"(?<![\w.,])\.\d")  # .5 mg: read as 5 mg (ISMP)


def _check_quantities(
    result: Verification,
    known: _Known,
    heading: str,
    composed: list[Placed],
    quantities: list[FoundQuantity],
    body: str,
    lang: Language,
) -> None:
    """Each quantity the composed section prints is found as often as it is printed; every quantity found traces
    to a fact; none is printed in an error-prone notation.

    Counting, not just presence, is what catches a value changed in one of several places that share it (one of
    three "every 12 hours" made "every 8 hours"). The composed and the found quantities are aligned in reading
    order only to name the fact: a quantity missing where a changed one stands is that fact, changed. Order
    alone is never a finding (layouts and extractors read table cells and columns in different orders)."""
    shown, off_label = known.shown, known.off_label
    composed, quantities = _daily_doses(composed, quantities, body)
    want = [p.quantity for p in composed]
    have = [q.quantity for q in quantities]
    deficit = Counter(want) - Counter(have)
    surplus = Counter(have) - Counter(want)
    # Aligned by value and wording, so that of two equal values worded differently ("once daily", "every day")
    # the one that changed is named; counted by value alone.
    matcher = difflib.SequenceMatcher(
        None,
        [(p.quantity, _wording(p.text)) for p in composed],
        [(q.quantity, _wording(q.text)) for q in quantities],
        autojunk=False,
    )
    twin: dict[int, int] = {}  # found index → composed index, where the alignment pairs equal quantities
    partners: dict[int, range] = {}  # composed index → found indexes standing in its place
    stands_for: dict[int, range] = {}  # found index → composed indexes in whose place it stands
    between: dict[int, tuple[int, int]] = {}  # found index → the aligned (composed, found) indexes around it
    opcodes = matcher.get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            twin.update(zip(range(j1, j2), range(i1, i2), strict=True))
        else:
            between.update((j, (i1 - 1, i2)) for j in range(j1, j2))
            if tag == "replace":
                partners.update((i, range(j1, j2)) for i in range(i1, i2))
                stands_for.update((j, range(i1, i2)) for j in range(j1, j2))
    matched = set(twin.values())

    def replaced(i: int) -> bool:
        return any(have[j] in surplus for j in partners.get(i, ()))

    need = Counter(deficit)
    lost = []  # composed indexes whose quantity the artifact does not print (as often)
    for i in sorted((i for i in range(len(want)) if i not in matched), key=lambda i: (not replaced(i), i)):
        if need[want[i]] > 0:
            need[want[i]] -= 1
            lost.append(i)
    spare = Counter(surplus)
    unexplained = []  # found indexes of quantities the composed section does not print (as often)
    for j in range(len(have)):
        if j not in twin and spare[have[j]] > 0:
            spare[have[j]] -= 1
            unexplained.append(j)
    dotted = _without_leading_zero(body, lang)
    for i in sorted(lost):
        placed = composed[i]
        value = placed.quantity
        notation = next((d for d in dotted if d.quantity == value), None)
        if notation is not None:
            dotted.remove(notation)
            _notation(result, heading, placed.fact, notation, "no leading zero")
            continue
        near = [j for j in partners.get(i, ()) if j in unexplained and _similarity(value, have[j]) >= 2]
        if near:
            replacement: FoundQuantity | None = quantities[near[0]]
        else:
            replacement = _closest(value, [quantities[j] for j in unexplained])
        if replacement is not None:
            unexplained.remove(quantities.index(replacement))
        result.findings.append(
            Finding(
                result.document,
                heading,
                placed.fact,
                "changed" if replacement else "missing",
                f"expected {format_professional(value)}, found {_describe(replacement)}"
                + (f" ({_difference(value, replacement.quantity)})" if replacement else ""),
                expected=format_professional(value),
                found=_describe(replacement) if replacement else None,
            )
        )
        _fail(result, placed.fact, _describe(replacement))
    for j in unexplained:
        stray = quantities[j]
        if stray.quantity in off_label:
            source = off_label[stray.quantity]
            result.findings.append(
                Finding(
                    result.document,
                    heading,
                    source,
                    "off-label",
                    f"{_describe(stray)} belongs to a use that is not approved",
                    found=stray.text,
                )
            )
        elif stray.quantity not in shown:
            result.findings.append(
                Finding(
                    result.document,
                    heading,
                    "quantities",
                    "stray",
                    f"{stray.text!r} is not a fact of the label",
                    found=stray.text,
                )
            )
        else:  # a value of the label, printed once more than the label places it: copied to where it is not
            beside = _owner_of_place(j, between.get(j), composed, quantities, twin)
            result.findings.append(
                Finding(
                    result.document,
                    heading,
                    beside or "quantities",
                    "stray",
                    f"{stray.text!r} is printed here once more than the label places it"
                    + (f" (beside {beside})" if beside else ""),
                    found=stray.text,
                )
            )
    owners: dict[Quantity, Placed] = {}
    for placed in composed:
        owners.setdefault(placed.quantity, placed)
    for j, found in enumerate(quantities):
        if not _TRAILING_ZERO.search(found.text):
            continue
        # The composed quantity it prints: its twin, or the one of the same value in whose place it stands.
        counterpart = (
            composed[twin[j]]
            if j in twin
            else next(
                (composed[i] for i in stands_for.get(j, ()) if want[i] == found.quantity), owners.get(found.quantity)
            )
        )
        if counterpart is None or not _TRAILING_ZERO.search(counterpart.text):  # as the label writes it is fine
            _notation(result, heading, counterpart.fact if counterpart else "quantities", found, "trailing zero")
    for found in dotted:
        owner = owners.get(found.quantity)
        _notation(result, heading, owner.fact if owner else "quantities", found, "no leading zero")


def _once_daily(quantity: Quantity) -> bool:
    return isinstance(quantity, Frequency) and quantity.low == 1 and quantity.high is None and quantity.per == "day"


def _a_dose(quantity: Quantity) -> bool:
    return not isinstance(quantity, Frequency) and quantity.per is None and quantity.dimension in _DOSE_DIMENSIONS


_DOSE_DIMENSIONS = ("mass", "volume", "amount")


def _daily_doses(
    composed: list[Placed], found: list[FoundQuantity], body: str
) -> tuple[list[Placed], list[FoundQuantity]]:
    """A dose once daily is that dose a day: "20–50 mL once daily" says what "20–50 mL/day" says. Where one side
    writes the pair and the other the daily dose, the pair is read as the daily dose; nowhere else (a dose and a
    frequency stay two facts where both sides write them apart)."""
    daily = Counter(p.quantity for p in composed)
    seen = Counter(f.quantity for f in found)
    merged: list[FoundQuantity] = []
    for item in found:
        if merged and _once_daily(item.quantity) and _a_dose(merged[-1].quantity) and item.start - merged[-1].end <= 2:
            dose = merged[-1]
            per_day = dose.quantity.replace(per="day")
            if daily[per_day] > seen[per_day] and daily[item.quantity] < seen[item.quantity]:
                merged[-1] = FoundQuantity(per_day, dose.start, item.end, body[dose.start : item.end])
                seen[per_day] += 1
                continue
        merged.append(item)
    seen = Counter(f.quantity for f in merged)
    joined: list[Placed] = []
    for placed in composed:
        if joined and _once_daily(placed.quantity) and _a_dose(joined[-1].quantity):
            before = joined[-1]
            per_day = before.quantity.replace(per="day")
            if seen[per_day] > daily[per_day] and seen[placed.quantity] < daily[placed.quantity]:
                joined[-1] = Placed(per_day, before.fact, f"{before.text} {placed.text}")
                daily[per_day] += 1
                continue
        joined.append(placed)
    return joined, merged


_OWNER = re.compile(r"^[a-z_]+(?:\.[a-z_]+)*\[[^\]]+\]")  # dosing.regimens[x] of dosing.regimens[x].dose


def _owner_of_place(
    j: int,
    around: tuple[int, int] | None,
    composed: list[Placed],
    quantities: list[FoundQuantity],
    twin: dict[int, int],
) -> str | None:
    """The fact (a regimen, a condition) whose quantities stand nearest a found quantity that has no place of its
    own: the aligned quantity just before it or just after it, whichever is printed closer."""
    if around is None:
        return None
    found_of = {i: j_ for j_, i in twin.items()}
    stray = quantities[j]
    near = []
    for i in around:
        if i in found_of and 0 <= i < len(composed):
            neighbour = quantities[found_of[i]]
            distance = stray.start - neighbour.end if neighbour.start < stray.start else neighbour.start - stray.end
            near.append((abs(distance), composed[i].fact))
    owners = [(d, m.group(0)) for d, fact in near if (m := _OWNER.match(fact))]
    return min(owners)[1] if owners else None


def _wording(text: str) -> str:
    return " ".join(unify_chars(text).casefold().split())


def _without_leading_zero(body: str, lang: Language) -> list[FoundQuantity]:
    """Quantities printed without their leading zero (".5 mg"), read as if they had it: the parser never takes
    ".5 mg" for a number (it would be 5 mg), so they are looked for here, by their place in the text."""
    found = []
    for match in _NO_LEADING_ZERO.finditer(body):
        tail = body[match.start() : match.start() + 80]
        read = find_quantities("0" + tail, lang)
        if read and read[0].start == 0:
            first = read[0]
            found.append(FoundQuantity(first.quantity, match.start(), match.start() + first.end - 1, first.text[1:]))
    return found


def _notation(result: Verification, heading: str, fact: str, found: FoundQuantity, what: str) -> None:
    result.findings.append(
        Finding(
            result.document,
            heading,
            fact,
            "notation",
            f"{found.text!r} is printed with {'a' if what == 'trailing zero' else 'no'} "
            f"{'trailing zero' if what == 'trailing zero' else 'leading zero'} (misread as "
            f"{'ten times the value' if what == 'trailing zero' else 'a whole number'}); write "
            f"{format_professional(found.quantity)}",
            expected=format_professional(found.quantity),
            found=found.text,
        )
    )
    _fail(result, fact, found.text)


def _similarity(value: Quantity, other: Quantity) -> int:
    """How alike two quantities are: same dimension (2), same numbers or one same bound (2), same period (1)."""
    score = 0
    dimensions = {_dimension(other), _dimension(value)}
    if len(dimensions) == 1 or dimensions <= {"mass", "volume", "amount"}:
        score += 2
    if other.low == value.low or (other.high is not None and other.high == value.high):
        score += 2
    if other.per == value.per:
        score += 1
    return score


def _dimension(q: Quantity) -> str:
    """What a quantity measures; how often (3 times a day, every 8 hours, once weekly) is one dimension."""
    return "frequency" if isinstance(q, Frequency) or q.unit == "time" else q.dimension


def _closest(value: Quantity, candidates: list[FoundQuantity]) -> FoundQuantity | None:
    """The stray quantity most likely to be this fact, changed: same dimension, same numbers, same period."""
    best, best_score = None, 0
    for candidate in candidates:
        score = _similarity(value, candidate.quantity)
        if score >= 3 and score > best_score:
            best, best_score = candidate, score
    return best


def _difference(expected: Quantity, found: Quantity) -> str:
    parts = []
    if (expected.low, expected.high) != (found.low, found.high):
        parts.append("different numbers")
    if expected.unit != found.unit:
        parts.append(f"unit {found.unit} instead of {expected.unit}")
    if expected.basis != found.basis:
        parts.append(f"per {found.basis or 'nothing'} instead of per {expected.basis or 'nothing'}")
    if expected.per != found.per:
        parts.append(f"per {found.per or 'nothing'} instead of per {expected.per or 'nothing'}")
    if expected.comparator != found.comparator:
        parts.append("different threshold")
    return ", ".join(parts) or "different"


def _check_dosing(
    result: Verification,
    label: Label,
    lang: Language,
    known: _Known,
    heading: str,
    body: str,
    lines: tuple[int, ...],
    expected: _Expected,
) -> None:
    quantities = find_quantities(body, lang)
    _check_quantities(result, known, heading, expected.composed, quantities, body, lang)
    _check_binding(result, heading, expected, body, lines, quantities)
    routes = vocabulary(lang).routes
    anchors: list[tuple[FoundQuantity, Any]] = []
    used: set[int] = set()
    regimens = [r for r in shown_regimens(label) if _path(label, r) in expected.facts]
    for regimen in regimens:
        if regimen.dose is None:
            continue
        hit = next((q for q in quantities if q.quantity == regimen.dose and q.start not in used), None)
        if hit is not None:
            used.add(hit.start)
            anchors.append((hit, regimen))
    anchors.sort(key=lambda pair: pair[0].start)
    mentions = [(m.start(), route) for route, pattern in routes.items() for m in pattern.finditer(body)]
    mentioned_routes = {route for _, route in mentions}
    for index, (anchor, regimen) in enumerate(anchors):
        expected_routes = {label.route(r).name for r in regimen.routes}
        low = anchors[index - 1][0].end if index > 0 else 0
        high = anchors[index + 1][0].start if index + 1 < len(anchors) else len(body)
        near = sorted((abs(pos - anchor.start), route) for pos, route in mentions if low <= pos < high)
        if near:
            stated = {route for distance, route in near if distance == near[0][0]} | (
                {route for _, route in near} if len(expected_routes) > 1 else set()
            )
        elif len(mentioned_routes) == 1:
            stated = set(mentioned_routes)  # one route stated once for the whole section
        else:
            stated = set()
        if not stated or not stated <= expected_routes or (len(expected_routes) > 1 and stated != expected_routes):
            fact = f"{_path(label, regimen)}.routes"
            expected_text = " or ".join(sorted(expected_routes))
            found = " or ".join(sorted(stated)) or "no route"
            result.findings.append(
                Finding(
                    result.document,
                    heading,
                    fact,
                    "route",
                    f"expected {expected_text}, found {found}",
                    expected=expected_text,
                    found=found,
                )
            )
            _fail(result, fact, found)
    for regimen in regimens:
        if all(a[1] is not regimen for a in anchors) and regimen.dose is not None:
            _fail(result, f"{_path(label, regimen)}.routes", "dose not found")
    names = [t for unit in expected.binding for t in unit.tokens if t.kind == "population" and isinstance(t.key, tuple)]
    _check_populations(result, lang, heading, body, expected.text, names)
    # A route the section names that the composed section never names ("intravenous or intramuscular").
    _check_routes(
        result, lang, heading, body, expected.text, "dosing.routes", "no regimen of this section is given by that route"
    )


def _without_repeated_headers(body: str, section: Section) -> str:
    """A table's header row as printed once: a layout repeats it on every page the table runs onto."""
    for block in section.blocks:
        if not isinstance(block, Table):
            continue
        for row in block.rows:
            if not row.header:
                continue
            header = _loose_pattern(" ".join(normalize(cell.text) for cell in row.cells))
            copies = list(header.finditer(body))
            for copy in reversed(copies[1:]):
                body = body[: copy.start()] + " " + body[copy.end() :]
    return body


def _cut_out(body: str, text: str) -> tuple[str, list[str]]:
    """``body`` without ``text``, found by its first and last words (a page break may put bullets or a running
    head in its middle), and what was cut."""
    words = text.split()
    head, tail = _loose_pattern(" ".join(words[:6])), _loose_pattern(" ".join(words[-6:]))
    start = head.search(body)
    end = tail.search(body, start.end()) if start else None
    if start is None or end is None:
        return body, []
    return body[: start.start()] + " " + body[end.end() :], [body[start.start() : end.end()]]


def _loose_pattern(text: str) -> re.Pattern[str]:
    """A text as a layout may break it: any spacing between its words, a space after a slash or a hyphen."""
    pattern = r"\s+".join(map(re.escape, text.split()))
    return re.compile(re.sub(r"(/|-)", r"\1\\s?", pattern))  # "60 mg/ vial": a line broken after a slash


def _check_routes(
    result: Verification,
    lang: Language,
    heading: str,
    body: str,
    reference: str,
    fact: str,
    why: str = "the label does not name it here",
) -> None:
    """A route the text names that the composed text never names: a route the label does not give here."""
    routes = vocabulary(lang).routes
    mentioned = {route for route, pattern in routes.items() if pattern.search(body)}
    labelled = {route for route, pattern in routes.items() if pattern.search(reference)}
    for route in sorted(mentioned - labelled):
        result.findings.append(
            Finding(
                result.document,
                heading,
                fact,
                "route",
                f"{route} is named here, but {why}",
                expected=" or ".join(sorted(labelled)) or None,
                found=route,
            )
        )


def _check_populations(
    result: Verification, lang: Language, heading: str, body: str, reference: str, names: list[Token]
) -> None:
    """The populations the text names, by their words (adults, children, the elderly): one the composed text does
    not name is a use the label does not give here ("Pediatric patients: 5 mL/day"); one it names that the
    document never names narrows the label ("Adult and pediatric patients" made "Adult patients"). ``names`` are
    the composed population names a finding can point to."""
    for pattern in vocabulary(lang).populations.values():
        composed, found = pattern.search(reference), pattern.search(body)
        if found and not composed:
            result.findings.append(
                Finding(
                    result.document,
                    heading,
                    "populations",
                    "population",
                    f"{found.group(0)!r} is named here, but no regimen of this section is for that population",
                    found=found.group(0),
                )
            )
        elif composed and not found:
            owner = next((t for t in names if pattern.search(t.text)), None)
            fact = owner.fact if owner else "populations"
            said = owner.text if owner else composed.group(0)
            result.findings.append(
                Finding(
                    result.document,
                    heading,
                    fact,
                    "population",
                    f"{said!r} is not named here: the section narrows the population the label gives",
                    expected=said,
                )
            )
            _fail(result, fact, "population not named")


def _check_binding(
    result: Verification,
    heading: str,
    expected: _Expected,
    body: str,
    lines: tuple[int, ...],
    quantities: list[FoundQuantity],
) -> None:
    """Each part found with the other parts of its own row, item or sentence (``labeling.binding``); a fact already
    reported as changed or missing is not reported again."""
    reported = {f.fact for f in result.findings}
    for wrong in misbindings(expected.binding, body, quantities, lines):
        if wrong.fact in reported:
            continue
        result.findings.append(
            Finding(
                result.document,
                heading,
                wrong.fact,
                "misbound",
                wrong.message,
                expected=wrong.expected,
                found=wrong.found,
            )
        )
        _fail(result, wrong.fact, wrong.found)


def _check_storage(
    result: Verification,
    label: Label,
    lang: Language,
    known: _Known,
    audience: str,
    heading: str,
    body: str,
    lines: tuple[int, ...],
    expected: _Expected,
) -> None:
    words = vocabulary(lang)
    conditions = [c for c in label.storage.conditions if _path(label, c) in expected.facts]
    # A storage time is a limit however each side words it ("for up to", "for no longer than", "use within").
    quantities = _time_limits(find_quantities(body, lang))
    composed = [Placed(_as_time_limit(p.quantity), p.fact, p.text) for p in expected.composed]
    _check_quantities(result, known, heading, composed, quantities, body, lang)
    _check_binding(result, heading, expected, body, lines, quantities)
    windows = _condition_windows(body, conditions, audience)
    reported = {f.fact for f in result.findings}
    for condition, window in zip(conditions, windows, strict=True):
        base = _path(label, condition)
        scope = window if window is not None else body
        if window is not None:  # each condition's temperature and time in its own stretch, not another's
            own = _time_limits(find_quantities(window, lang))
            for name in ("temperature", "time_limit"):
                fact, value = f"{base}.{name}", expected.quantities.get(f"{base}.{name}")
                if value is None or fact in reported or any(q.quantity == value for q in own):
                    continue
                other = _closest(value, own)
                result.findings.append(
                    Finding(
                        result.document,
                        heading,
                        fact,
                        "changed" if other else "missing",
                        f"expected {format_professional(value)} for {condition.applies_to!r}, found {_describe(other)}"
                        + (f" ({_difference(value, other.quantity)})" if other else ""),
                        expected=format_professional(value),
                        found=_describe(other) if other else None,
                    )
                )
                _fail(result, fact, _describe(other))
        for protection in condition.protect_from:
            need = 1 if window is not None else sum(protection in c.protect_from for c in conditions)
            if len(words.protections[protection].findall(scope)) < need:
                result.findings.append(
                    Finding(
                        result.document,
                        heading,
                        f"{base}.protect_from",
                        "missing",
                        f"protection from {protection} not stated",
                        expected=protection,
                    )
                )
                _fail(result, f"{base}.protect_from", f"no '{protection}'")
        if condition.do_not_freeze:
            need = 1 if window is not None else sum(c.do_not_freeze for c in conditions)
            if len(words.freeze.findall(scope)) < need:
                result.findings.append(
                    Finding(
                        result.document,
                        heading,
                        f"{base}.do_not_freeze",
                        "missing",
                        "'Do not freeze' not stated",
                        expected="Do not freeze",
                    )
                )
                _fail(result, f"{base}.do_not_freeze", "not stated")
        if condition.use_immediately and not words.immediately.search(scope):
            result.findings.append(
                Finding(
                    result.document,
                    heading,
                    f"{base}.use_immediately",
                    "missing",
                    "'use immediately' not stated",
                    expected="use immediately",
                )
            )
            _fail(result, f"{base}.use_immediately", "not stated")
        for flag, keys in _HANDLING.items():
            if not getattr(condition, flag):
                continue
            pattern = _stock_pattern(lang, keys)
            need = 1 if window is not None else sum(bool(getattr(c, flag)) for c in conditions)
            if len(pattern.findall(scope)) < need:
                said = lang.phrase(keys[0]).text.rstrip(".")
                result.findings.append(
                    Finding(
                        result.document, heading, f"{base}.{flag}", "missing", f"{said!r} not stated", expected=said
                    )
                )
                _fail(result, f"{base}.{flag}", "not stated")


# Handling instructions a condition's flag stands for, by the stock phrases that say it (professional, patient).
_HANDLING = {
    "do_not_refrigerate": ("store.do-not-refrigerate", "pt.do-not-refrigerate"),
    "discard_unused": ("store.discard", "pt.throw-away"),
}


def _as_time_limit(quantity: Quantity) -> Quantity:
    """A storage time is a limit however it is worded ("for 24 hours", "for no longer than 24 hours", "use within
    24 hours"): a ceiling on a time reads as the time. A floor ("at least", "longer than") stays and differs."""
    if quantity.dimension == "time" and quantity.per is None and quantity.comparator == "≤":
        return quantity.replace(comparator=None)
    return quantity


def _time_limits(found: list[FoundQuantity]) -> list[FoundQuantity]:
    return [FoundQuantity(_as_time_limit(f.quantity), f.start, f.end, f.text) for f in found]


def _stock_pattern(lang: Language, keys: tuple[str, ...]) -> re.Pattern[str]:
    """The stock phrases ``keys`` as a pattern: any case, any spacing or line break, no final period needed."""
    texts = sorted({lang.phrase(k).text.rstrip(".") for k in keys if k in lang.phrases}, key=len, reverse=True)
    return re.compile("|".join(r"\s+".join(map(re.escape, t.split())) for t in texts), re.I)


def _condition_windows(body: str, conditions: list[StorageCondition], audience: str) -> list[str | None]:
    """Each condition's own stretch of text, cut at where each condition's subject is named; None when the
    subjects cannot all be found (then checks count over the whole section)."""
    lowered = body.lower()
    starts: list[int] = []
    cursor = 0
    if not conditions:
        return []
    for condition in conditions:
        names = [
            n
            for n in (
                condition.patient_applies_to if audience == PATIENT else None,
                condition.applies_to,
                condition.patient_applies_to,
            )
            if n
        ]
        hits = [lowered.find(normalize(n).lower(), cursor) for n in names]
        hits = [h for h in hits if h >= 0]
        if not hits:
            return [None] * len(conditions)
        starts.append(min(hits))
        cursor = min(hits) + 1
    bounds = [*starts[1:], len(body)]
    return [body[s:e] for s, e in zip(starts, bounds, strict=True)]


def _loose(text: str) -> str:
    """Text compared without the hyphens inside words: a PDF reader cannot tell a hyphen that fell at a line end
    ("Stevens-|Johnson") from one the layout added to break a word ("treat-|ment"), and reports both alike."""
    return re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", "", text)


# List markers a reader extracts as text of their own, wherever the layout drew them (a page or column break
# can put a run of them inside an item's text): never words of a contraindication.
_BULLETS = re.compile(r"(?<!\S)[•◦▪‣∙·](?!\S)")


def _check_contraindications(
    result: Verification, label: Label, kind: DocumentKind, heading: str, body: str, reference: str, expected: _Expected
) -> None:
    body, reference = _loose(_BULLETS.sub(" ", body)), _loose(reference)
    lowered = " ".join(body.lower().split())
    for item in label.contraindications:
        if _path(label, item) not in expected.facts:
            continue
        wordings = expected.wordings.get(_path(label, item)) or [
            w
            for w in ([item.patient_text, item.text] if kind.audience == PATIENT else [item.text, item.patient_text])
            + [item.summary]
            if w
        ]
        if not any(_loose(normalize(w)).lower() in lowered for w in wordings):
            fact = _path(label, item)
            result.findings.append(
                Finding(
                    result.document,
                    heading,
                    fact,
                    "missing",
                    f"contraindication {wordings[0]!r} not found",
                    expected=wordings[0],
                )
            )
            _fail(result, fact, "missing")
    lead = frozenset(w.lower() for w in language_for(label.label.language).synonyms("contraindication.lead"))
    for extra in _extra_text(reference, body, lead):
        result.findings.append(
            Finding(
                result.document,
                heading,
                "contraindications",
                "extra",
                f"text that is not a contraindication of the label: {extra!r}",
                found=extra,
            )
        )


_WORD = re.compile(r"[\w°%]+(?:[.'’-][\w°%]+)*")


def _extra_text(reference: str, body: str, lead: frozenset[str] = frozenset()) -> list[str]:
    """Runs of words in ``body`` that the composed document's own text for this section does not have; a run made
    only of the words that lead into a list ("when", "in patients with", "any of the following") is wording."""
    expected = [w.lower() for w in _WORD.findall(reference)]
    found_words = _WORD.findall(body)
    matcher = difflib.SequenceMatcher(None, expected, [w.lower() for w in found_words], autojunk=False)
    extras = []
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("insert", "replace"):
            run = found_words[j1:j2]
            if any(len(w) > 2 and not w.isdigit() for w in run) and not all(w.lower() in lead for w in run):
                extras.append(" ".join(run))
    return extras
