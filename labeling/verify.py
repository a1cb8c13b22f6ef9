"""Verification: the facts a document kind must carry, against the facts found in an artifact's text.

Works on text only (any extractor, any layout): sections are found by the headings the document-kind table
declares; quantities are parsed back with ``labeling.quantities`` and compared by value, so "20–50 mL/day",
"20 to 50 mL a day" and "20-50 mL per day" are equal while a changed number, unit, period or range is not.
For each section that declares a fact group:

- every fact of the group is found (dose, duration, repeat, route of each approved regimen; temperature,
  time limit, protections, do-not-freeze of each storage condition; each contraindication);
- every quantity in the section traces to a fact of the label (a stray or stale number is a finding, and one
  from a non-approved use is reported as off-label);
- the contraindication section says nothing beyond the content's contraindications and the kind's own
  wording (an added contraindication is a finding).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from typing import Any

from labeling.documents import CONTRAINDICATIONS, DOSING, STORAGE, DocumentKind
from labeling.extract.sections import FoundSection, normalize, split_sections
from labeling.model import Label, StorageCondition
from labeling.quantities import FoundQuantity, Quantity, find_quantities, format_professional

# How each route may be named in a document (abbreviations are matched in capitals only); the verifier takes
# the route stated nearest each dose.
ROUTE_WORDS = {
    "intravenous": (r"(?i:\bintravenous(?:ly)?\b|\binto a vein\b|\bi\.v\.)", r"\bIV\b"),
    "intramuscular": (r"(?i:\bintramuscular(?:ly)?\b|\binto a muscle\b|\bi\.m\.)", r"\bIM\b"),
    "subcutaneous": (r"(?i:\bsubcutaneous(?:ly)?\b|\bunder the skin\b)", r"\bSC\b|\bSQ\b"),
    "oral": (r"(?i:\boral(?:ly)?\b|\bby mouth\b)",),
    "intrathecal": (r"(?i:\bintrathecal(?:ly)?\b)",),
}
_ROUTE_PATTERNS = {route: re.compile("|".join(words)) for route, words in ROUTE_WORDS.items()}
FREEZE_PHRASES = re.compile(r"do not freeze|don't freeze|must not be frozen|should not be frozen|avoid freezing"
                            r"|never freeze|not be frozen", re.I)
# "Use immediately", but not the condition "if not used immediately" that follows it.
IMMEDIATE_PHRASES = re.compile(r"(?<!not )\buse[ds]?\s+(?:\w+\s+){0,3}?(?:immediately|straight away|at once|right away"
                               r"|without delay)", re.I)
PROTECTION_WORDS = {"light": r"\blight\b", "moisture": r"\bmoisture\b|\bdamp\b|\bhumidity\b", "heat": r"\bheat\b"}


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
# Expected facts


@dataclass(frozen=True)
class Expected:
    fact: str
    value: str  # what the document must show, in professional notation
    group: str


def expected_facts(label: Label, group: str) -> list[Expected]:
    """The rows of the matrix for one fact group, in content order, each with the value it must show."""
    rows: list[Expected] = []

    def add(fact: str, value: object) -> None:
        rows.append(Expected(fact, format_professional(value) if isinstance(value, Quantity) else str(value), group))

    if group == DOSING:
        for regimen in label.approved_regimens:
            base = f"dosing.regimens[{regimen.id}]"
            add(f"{base}.dose", regimen.dose)
            add(f"{base}.route", label.route(regimen.route).name)
            if regimen.duration:
                add(f"{base}.duration", regimen.duration)
            if regimen.repeat:
                add(f"{base}.repeat", regimen.repeat)
        if label.cycling:
            add("dosing.cycling.cycle_length", label.cycling.cycle_length)
            add("dosing.cycling.rest_period", label.cycling.rest_period)
        for population in label.dosing.populations:
            add(f"dosing.populations[{population.id}].starting_dose", population.starting_dose)
    elif group == STORAGE:
        for condition in label.storage.conditions:
            base = f"storage.conditions[{condition.id}]"
            if condition.temperature:
                add(f"{base}.temperature", condition.temperature)
            if condition.time_limit:
                add(f"{base}.time_limit", condition.time_limit)
            if condition.use_immediately:
                add(f"{base}.use_immediately", "use immediately")
            if condition.protect_from:
                add(f"{base}.protect_from", "protect from " + " and ".join(condition.protect_from))
            if condition.do_not_freeze:
                add(f"{base}.do_not_freeze", "do not freeze")
    elif group == CONTRAINDICATIONS:
        for item in label.contraindications:
            add(f"contraindications[{item.id}]", item.text)
    return rows


def _dosing_quantities(label: Label) -> dict[str, Quantity]:
    values: dict[str, Quantity] = {}
    for regimen in label.approved_regimens:
        base = f"dosing.regimens[{regimen.id}]"
        values[f"{base}.dose"] = regimen.dose
        if regimen.duration:
            values[f"{base}.duration"] = regimen.duration
        if regimen.repeat:
            values[f"{base}.repeat"] = regimen.repeat
    if label.cycling:
        values["dosing.cycling.cycle_length"] = label.cycling.cycle_length
        values["dosing.cycling.rest_period"] = label.cycling.rest_period
    for population in label.dosing.populations:
        values[f"dosing.populations[{population.id}].starting_dose"] = population.starting_dose
    return values


def _storage_quantities(condition: StorageCondition) -> dict[str, Quantity]:
    base = f"storage.conditions[{condition.id}]"
    values = {}
    if condition.temperature:
        values[f"{base}.temperature"] = condition.temperature
    if condition.time_limit:
        values[f"{base}.time_limit"] = condition.time_limit
    return values


def shown_quantities(label: Label) -> set[Quantity]:
    """Every quantity a document of this label may show: all typed facts except those of non-approved uses."""
    return set(_quantities(label, _hidden_facts(label)))


def _hidden_facts(label: Label) -> set[int]:
    """Facts that never reach a document: regimens of non-approved uses and cycling that only they follow."""
    hidden = {id(r) for r in label.dosing.regimens if r not in label.approved_regimens}
    if label.dosing.cycling is not None and label.cycling is None:
        hidden.add(id(label.dosing.cycling))
    return hidden


def off_label_quantities(label: Label) -> dict[Quantity, str]:
    approved = label.approved_regimens
    found: dict[Quantity, str] = {}
    for regimen in label.dosing.regimens:
        if regimen not in approved:
            for q in _quantities(regimen, set()):
                found.setdefault(q, f"dosing.regimens[{regimen.id}]")
    if label.dosing.cycling is not None and label.cycling is None:
        for q in _quantities(label.dosing.cycling, set()):
            found.setdefault(q, "dosing.cycling")
    return found


def _quantities(node: Any, hidden: set[int]) -> Iterator[Quantity]:
    if id(node) in hidden:
        return
    if isinstance(node, Quantity):
        yield node
    elif hasattr(type(node), "model_fields"):
        for name in type(node).model_fields:
            yield from _quantities(getattr(node, name), hidden)
    elif isinstance(node, list):
        for item in node:
            yield from _quantities(item, hidden)


# ---------------------------------------------------------------------------------------------------------
# Verification


def verify_text(text: str, kind: DocumentKind, label: Label, document: str) -> Verification:
    """Verify one artifact's extracted text (page furniture already removed) against the label."""
    result = Verification(document, kind.name)
    found = split_sections(text, kind, label)
    known = _Known(shown_quantities(label), off_label_quantities(label))
    expected_text: dict[str, FoundSection] | None = None
    for group in (DOSING, STORAGE, CONTRAINDICATIONS):
        rows = expected_facts(label, group)
        for row in rows:
            result.checks[row.fact] = FactCheck(row.fact, row.value)
        for section in kind.sections():
            if group not in section.facts or not section.is_present(label):
                continue
            heading = kind.heading(section.key, label)
            if section.key not in found:
                result.findings.append(Finding(
                    document, heading, group, "section-missing",
                    f"section heading {heading!r} not found, so its {group} facts cannot be checked",
                    expected=heading))
                for row in rows:
                    _fail(result, row.fact, "section not found")
                continue
            body = found[section.key].text
            if group == DOSING:
                _check_dosing(result, label, known, heading, body)
            elif group == STORAGE:
                _check_storage(result, label, known, kind.audience, heading, body)
            else:
                if expected_text is None:
                    expected_text = expected_sections(label, kind)
                reference = expected_text.get(section.key)
                _check_contraindications(result, label, kind, heading, body, reference.text if reference else "")
    return result


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
    if expected.per != found.per:
        parts.append(f"per {found.per or 'nothing'} instead of per {expected.per or 'nothing'}")
    if expected.comparator != found.comparator:
        parts.append("different threshold")
    return ", ".join(parts) or "different"


def _check_dosing(result: Verification, label: Label, known: _Known, heading: str, body: str) -> None:
    quantities = find_quantities(body)
    _check_quantities(result, known, heading, _dosing_quantities(label), quantities)
    # Routes: the route stated nearest each regimen's dose must be the regimen's route.
    anchors: list[tuple[FoundQuantity, Any]] = []
    used: set[int] = set()
    for regimen in label.approved_regimens:
        hit = next((q for q in quantities if q.quantity == regimen.dose and q.start not in used), None)
        if hit is not None:
            used.add(hit.start)
            anchors.append((hit, regimen))
    anchors.sort(key=lambda pair: pair[0].start)
    mentions = [(m.start(), route) for route, pattern in _ROUTE_PATTERNS.items() for m in pattern.finditer(body)]
    mentioned_routes = {route for _, route in mentions}
    for index, (anchor, regimen) in enumerate(anchors):
        expected_route = label.route(regimen.route).name
        low = anchors[index - 1][0].end if index > 0 else 0
        high = anchors[index + 1][0].start if index + 1 < len(anchors) else len(body)
        near = [(abs(pos - anchor.start), route) for pos, route in mentions if low <= pos < high]
        if near:
            stated = min(near)[1]
        elif len(mentioned_routes) == 1:
            stated = next(iter(mentioned_routes))  # one route stated once for the whole section
        else:
            stated = None
        if stated != expected_route:
            fact = f"dosing.regimens[{regimen.id}].route"
            found = stated or "no route"
            result.findings.append(Finding(result.document, heading, fact, "route",
                                           f"expected {expected_route}, found {found}", expected=expected_route,
                                           found=found))
            _fail(result, fact, found)
    for regimen in label.approved_regimens:
        if all(a[1] is not regimen for a in anchors):
            _fail(result, f"dosing.regimens[{regimen.id}].route", "dose not found")


def _check_storage(result: Verification, label: Label, known: _Known, audience: str, heading: str,
                   body: str) -> None:
    conditions = label.storage.conditions
    quantities = find_quantities(body)
    expected: dict[str, Quantity] = {}
    for condition in conditions:
        expected.update(_storage_quantities(condition))
    _check_quantities(result, known, heading, expected, quantities)
    windows = _condition_windows(body, conditions, audience)
    for condition, window in zip(conditions, windows):
        base = f"storage.conditions[{condition.id}]"
        scope = window if window is not None else body
        for protection in condition.protect_from:
            need = 1 if window is not None else sum(protection in c.protect_from for c in conditions)
            if len(re.findall(PROTECTION_WORDS[protection], scope, re.I)) < need:
                result.findings.append(Finding(result.document, heading, f"{base}.protect_from", "missing",
                                               f"protection from {protection} not stated", expected=protection))
                _fail(result, f"{base}.protect_from", f"no '{protection}'")
        if condition.do_not_freeze:
            need = 1 if window is not None else sum(c.do_not_freeze for c in conditions)
            if len(FREEZE_PHRASES.findall(scope)) < need:
                result.findings.append(Finding(result.document, heading, f"{base}.do_not_freeze", "missing",
                                               "'Do not freeze' not stated", expected="Do not freeze"))
                _fail(result, f"{base}.do_not_freeze", "not stated")
        if condition.use_immediately and not IMMEDIATE_PHRASES.search(scope):
            result.findings.append(Finding(result.document, heading, f"{base}.use_immediately", "missing",
                                           "'use immediately' not stated", expected="use immediately"))
            _fail(result, f"{base}.use_immediately", "not stated")


def _condition_windows(body: str, conditions: list[StorageCondition], audience: str) -> list[str | None]:
    """Each condition's own stretch of text, cut at where each condition's subject is named; None when the
    subjects cannot all be found (then checks count over the whole section)."""
    lowered = body.lower()
    starts = []
    cursor = 0
    for condition in conditions:
        names = [n for n in (condition.patient_applies_to if audience == "patient" else None, condition.applies_to,
                             condition.patient_applies_to) if n]
        hits = [lowered.find(normalize(n).lower(), cursor) for n in names]
        hits = [h for h in hits if h >= 0]
        if not hits:
            return [None] * len(conditions)
        starts.append(min(hits))
        cursor = min(hits) + 1
    bounds = starts[1:] + [len(body)]
    return [body[s:e] for s, e in zip(starts, bounds)]


def _check_contraindications(result: Verification, label: Label, kind: DocumentKind, heading: str, body: str,
                             reference: str) -> None:
    lowered = body.lower()
    for item in label.contraindications:
        wordings = [item.patient_text, item.text] if kind.audience == "patient" else [item.text, item.patient_text]
        if not any(normalize(w).lower() in lowered for w in wordings):
            fact = f"contraindications[{item.id}]"
            result.findings.append(Finding(result.document, heading, fact, "missing",
                                           f"contraindication {wordings[0]!r} not found", expected=wordings[0]))
            _fail(result, fact, "missing")
    for extra in _extra_text(reference, body):
        result.findings.append(Finding(result.document, heading, "contraindications", "extra",
                                       f"text that is not a contraindication of the label: {extra!r}", found=extra))


_WORD = re.compile(r"[\w°%]+(?:[.'’-][\w°%]+)*")


def _extra_text(reference: str, body: str) -> list[str]:
    """Runs of words in ``body`` that the kind's own rendering of this section does not have."""
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


# ---------------------------------------------------------------------------------------------------------
# The kind's own rendering as text: the reference for "nothing added"


class _TextOfMarkup(HTMLParser):
    SKIP = {"head", "style", "script", "title"}
    VOID = {"meta", "link", "br", "img", "hr", "input", "base", "col", "wbr"}

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "div", "section", "header", "nav"}

    def __init__(self, sentences: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.sentences = sentences  # end each block as a sentence (for reading-grade measures)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            self.parts.append(" ")
            return
        if tag in self.SKIP or dict(attrs).get("aria-hidden") == "true" or self.skipping:
            self.skipping += 1
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= 1
        elif self.sentences and tag in self.BLOCKS:
            text = "".join(self.parts).rstrip()
            if text and text[-1] not in ".!?:;":
                self.parts.append(".")
        self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def markup_text(markup: str, sentences: bool = False) -> str:
    parser = _TextOfMarkup(sentences)
    parser.feed(markup)
    return normalize("".join(parser.parts))


def expected_sections(label: Label, kind: DocumentKind) -> dict[str, FoundSection]:
    """The sections of the document this tool would render for the label (Jinja only, no layout)."""
    from labeling.render.html import render_markup

    return split_sections(markup_text(render_markup(label, kind)), kind, label)

