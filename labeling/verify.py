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
from dataclasses import asdict, dataclass, field
from typing import Any

from labeling.compose import compose
from labeling.doctree import Document, Section
from labeling.documents import CONTRAINDICATIONS, DOSING, FACT_GROUPS, PATIENT, STORAGE, DocumentKind
from labeling.extract.sections import normalize, split_sections
from labeling.language import Language, language_for
from labeling.model import Label, StorageCondition, walk
from labeling.quantities import FoundQuantity, Quantity, fahrenheit, find_quantities, format_professional
from labeling.reach import hidden_facts, shown_regimens
from labeling.vocabulary import vocabulary


@dataclass(frozen=True)
class Finding:
    document: str
    section: str  # the heading as printed, or "" for the document as a whole
    fact: str  # the fact's path in the content, e.g. storage.conditions[unopened].temperature
    code: str  # section-missing | missing | changed | stray | off-label | route | extra
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

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "kind": self.kind,
            "ok": self.ok,
            "findings": [asdict(f) for f in self.findings],
            "facts": {k: {"ok": c.ok, "expected": c.expected, "found": c.found} for k, c in self.checks.items()},
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


# ---------------------------------------------------------------------------------------------------------
# Verification


def verify_text(text: str, kind: DocumentKind, label: Label, document: str,
                tree: Document | None = None) -> Verification:
    """Verify one artifact's extracted text (page furniture already removed) against the label.

    What each section must show is what the label composes to for this kind (facts placed by the reach table,
    worded by the language): a Highlights dosing section carries its summaries, the FPI table every regimen."""
    lang = language_for(label.label.language)
    tree = tree or compose(label, kind, lang)
    result = Verification(document, kind.name)
    found = split_sections(strip_furniture(text, tree, lang), tree)
    known = _Known(shown_quantities(label), off_label_quantities(label))
    values = label_quantities(label)
    checked = {spec.key: spec.checks for spec in kind.sections() if spec.checks}
    for group in FACT_GROUPS:
        for _, section in tree.sections():
            if group not in checked.get(section.key, ()):
                continue
            heading = section.heading.text
            expected = _expected(section, values, label, group)
            for fact, value in expected.rows.items():
                result.checks.setdefault(fact, FactCheck(fact, value))
            if section.id not in found:
                result.findings.append(Finding(
                    document, heading, group, "section-missing",
                    f"section heading {heading!r} not found, so its {group} facts cannot be checked",
                    expected=heading))
                for fact in expected.rows:
                    _fail(result, fact, "section not found")
                continue
            body = found[section.id].text
            if group == DOSING:
                _check_dosing(result, label, lang, known, heading, body, expected)
            elif group == STORAGE:
                _check_storage(result, label, lang, known, kind.audience, heading, body, expected)
            else:
                _check_contraindications(result, label, kind, heading, body, _section_text(section), expected)
    return result


@dataclass
class _Expected:
    """What one composed section says of a fact group: its quantities by fact path, the facts its units bind,
    and the matrix rows (fact path → what must show)."""

    quantities: dict[str, Quantity] = field(default_factory=dict)
    facts: list[str] = field(default_factory=list)
    rows: dict[str, str] = field(default_factory=dict)


_GROUP_PATHS = {DOSING: ("dosing.",), STORAGE: ("storage.",), CONTRAINDICATIONS: ("contraindications",)}


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
    else:
        for item in label.contraindications:
            path = _path(label, item)
            if path in expected.facts:
                expected.rows[path] = item.text
    return expected


def strip_furniture(text: str, tree: Document, lang: Language) -> str:
    """The text without the running header, footer, draft banner and page numbers the document declares: a
    layout may print them anywhere (a margin box read in the middle of a section), and they are never content."""
    strings = [normalize(u.text) for u in (tree.header, tree.footer, tree.banner) if u is not None and u.text.strip()]
    page = re.escape(lang.phrase("page.of").text).replace(r"\{page\}", r"\d+").replace(r"\{pages\}", r"\d+")
    page_pattern = re.compile(page.replace(r"\ ", r"\s+"))
    lines = []
    for line in text.splitlines():
        flat = normalize(line)
        for furniture in strings:
            if furniture and furniture in flat:
                flat = flat.replace(furniture, " ")
        flat = page_pattern.sub(" ", flat)
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


def _check_quantities(result: Verification, known: _Known, heading: str, expected: dict[str, Quantity],
                      quantities: list[FoundQuantity]) -> None:
    """Each expected quantity present; every quantity present traces to a fact."""
    shown, off_label = known.shown, known.off_label
    strays = [q for q in quantities if q.quantity not in shown]
    unexplained = list(strays)
    for fact, value in expected.items():
        if any(q.quantity == value for q in quantities):
            continue
        replacement = _closest(value, unexplained)
        if replacement is not None:
            unexplained.remove(replacement)
        result.findings.append(Finding(
            result.document, heading, fact, "changed" if replacement else "missing",
            f"expected {format_professional(value)}, found {_describe(replacement)}"
            + (f" ({_difference(value, replacement.quantity)})" if replacement else ""),
            expected=format_professional(value), found=_describe(replacement) if replacement else None))
        _fail(result, fact, _describe(replacement))
    for stray in unexplained:
        if stray.quantity in off_label:
            source = off_label[stray.quantity]
            result.findings.append(Finding(result.document, heading, source, "off-label",
                                           f"{_describe(stray)} belongs to a use that is not approved",
                                           found=stray.text))
        else:
            result.findings.append(Finding(result.document, heading, "quantities", "stray",
                                           f"{stray.text!r} is not a fact of the label", found=stray.text))


def _closest(value: Quantity, candidates: list[FoundQuantity]) -> FoundQuantity | None:
    """The stray quantity most likely to be this fact, changed: same dimension, same numbers, same period."""
    best, best_score = None, 0
    for candidate in candidates:
        q = candidate.quantity
        score = 0
        if q.dimension == value.dimension or {q.dimension, value.dimension} <= {"mass", "volume", "amount"}:
            score += 2
        if (q.low, q.high) == (value.low, value.high) or q.low == value.low or q.high == value.high:
            score += 2
        if q.per == value.per:
            score += 1
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


def _check_dosing(result: Verification, label: Label, lang: Language, known: _Known, heading: str,
                  body: str, expected: _Expected) -> None:
    quantities = find_quantities(body, lang)
    _check_quantities(result, known, heading, expected.quantities, quantities)
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
            stated = {route for distance, route in near if distance == near[0][0]} | \
                ({route for _, route in near} if len(expected_routes) > 1 else set())
        elif len(mentioned_routes) == 1:
            stated = set(mentioned_routes)  # one route stated once for the whole section
        else:
            stated = set()
        if not stated or not stated <= expected_routes or (len(expected_routes) > 1 and stated != expected_routes):
            fact = f"{_path(label, regimen)}.routes"
            expected_text = " or ".join(sorted(expected_routes))
            found = " or ".join(sorted(stated)) or "no route"
            result.findings.append(Finding(result.document, heading, fact, "route",
                                           f"expected {expected_text}, found {found}", expected=expected_text,
                                           found=found))
            _fail(result, fact, found)
    for regimen in regimens:
        if all(a[1] is not regimen for a in anchors) and regimen.dose is not None:
            _fail(result, f"{_path(label, regimen)}.routes", "dose not found")


def _check_storage(result: Verification, label: Label, lang: Language, known: _Known, audience: str,
                   heading: str, body: str, expected: _Expected) -> None:
    words = vocabulary(lang)
    conditions = [c for c in label.storage.conditions if _path(label, c) in expected.facts]
    quantities = find_quantities(body, lang)
    _check_quantities(result, known, heading, expected.quantities, quantities)
    windows = _condition_windows(body, conditions, audience)
    for condition, window in zip(conditions, windows, strict=True):
        base = _path(label, condition)
        scope = window if window is not None else body
        for protection in condition.protect_from:
            need = 1 if window is not None else sum(protection in c.protect_from for c in conditions)
            if len(words.protections[protection].findall(scope)) < need:
                result.findings.append(Finding(result.document, heading, f"{base}.protect_from", "missing",
                                               f"protection from {protection} not stated", expected=protection))
                _fail(result, f"{base}.protect_from", f"no '{protection}'")
        if condition.do_not_freeze:
            need = 1 if window is not None else sum(c.do_not_freeze for c in conditions)
            if len(words.freeze.findall(scope)) < need:
                result.findings.append(Finding(result.document, heading, f"{base}.do_not_freeze", "missing",
                                               "'Do not freeze' not stated", expected="Do not freeze"))
                _fail(result, f"{base}.do_not_freeze", "not stated")
        if condition.use_immediately and not words.immediately.search(scope):
            result.findings.append(Finding(result.document, heading, f"{base}.use_immediately", "missing",
                                           "'use immediately' not stated", expected="use immediately"))
            _fail(result, f"{base}.use_immediately", "not stated")


def _condition_windows(body: str, conditions: list[StorageCondition], audience: str) -> list[str | None]:
    """Each condition's own stretch of text, cut at where each condition's subject is named; None when the
    subjects cannot all be found (then checks count over the whole section)."""
    lowered = body.lower()
    starts: list[int] = []
    cursor = 0
    if not conditions:
        return []
    for condition in conditions:
        names = [n for n in (condition.patient_applies_to if audience == PATIENT else None, condition.applies_to,
                             condition.patient_applies_to) if n]
        hits = [lowered.find(normalize(n).lower(), cursor) for n in names]
        hits = [h for h in hits if h >= 0]
        if not hits:
            return [None] * len(conditions)
        starts.append(min(hits))
        cursor = min(hits) + 1
    bounds = starts[1:] + [len(body)]
    return [body[s:e] for s, e in zip(starts, bounds, strict=True)]


def _loose(text: str) -> str:
    """Text compared without the hyphens inside words: a PDF reader cannot tell a hyphen that fell at a line end
    ("Stevens-|Johnson") from one the layout added to break a word ("treat-|ment"), and reports both alike."""
    return re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", "", text)


def _check_contraindications(result: Verification, label: Label, kind: DocumentKind, heading: str, body: str,
                             reference: str, expected: _Expected) -> None:
    body, reference = _loose(body), _loose(reference)
    lowered = body.lower()
    for item in label.contraindications:
        if _path(label, item) not in expected.facts:
            continue
        wordings = [item.patient_text, item.text] if kind.audience == PATIENT else [item.text, item.patient_text]
        wordings += [item.summary] if item.summary else []
        if not any(_loose(normalize(w)).lower() in lowered for w in wordings):
            fact = _path(label, item)
            result.findings.append(Finding(result.document, heading, fact, "missing",
                                           f"contraindication {wordings[0]!r} not found", expected=wordings[0]))
            _fail(result, fact, "missing")
    for extra in _extra_text(reference, body):
        result.findings.append(Finding(result.document, heading, "contraindications", "extra",
                                       f"text that is not a contraindication of the label: {extra!r}", found=extra))


_WORD = re.compile(r"[\w°%]+(?:[.'’-][\w°%]+)*")


def _extra_text(reference: str, body: str) -> list[str]:
    """Runs of words in ``body`` that the composed document's own text for this section does not have."""
    expected = [w.lower() for w in _WORD.findall(reference)]
    found_words = _WORD.findall(body)
    matcher = difflib.SequenceMatcher(None, expected, [w.lower() for w in found_words], autojunk=False)
    extras = []
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("insert", "replace"):
            run = found_words[j1:j2]
            if any(len(w) > 2 and not w.isdigit() for w in run):
                extras.append(" ".join(run))
    return extras
