"""LBL0xx: medication-safety notation (ISMP error-prone abbreviations and dose designations, USP).

Applied to every free-text field that can reach a document and to the text an editor wrote for each typed
quantity, so a dose written "5.0 mL" is caught even though it renders as "5 mL".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from pydantic import BaseModel

from labeling.lint import WARNING, Hit, LintContext, Rule, register
from labeling.lint.text import (
    QUANTITY_KINDS,
    holder,
    kinds_of,
    shared_document_texts,
    shared_raw_quantities,
    slots,
    valued,
)
from labeling.model import Fact, Label, Population
from labeling.quantities import UNITS, FoundQuantity, Frequency, Quantity, canonical_unit, find_quantities

UNIT = r"(?:mg|mcg|µg|μg|g|kg|mL|ml|L|units?|mmol|mEq|°C|°F|%|IU)"
# What a dose is measured in, symbols and spelled out, and the dose forms counted in doses.
DOSE_UNIT = (
    r"(?:mg|mcg|µg|μg|g|kg|mL|ml|L|units?|mmol|mEq|IU|milligrams?|micrograms?|grams?|milliliters?"
    r"|millilitres?|liters?|litres?|tablets?|tabs?|capsules?|caps?|vials?|ampoules?|drops?|puffs?)"
)
NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)"  # a whole number, with or without thousands separators


def _texts(ctx: LintContext, include_raw: bool = True) -> Iterator[tuple[tuple[Any, ...], str]]:
    yield from shared_document_texts(ctx)
    if include_raw:
        yield from shared_raw_quantities(ctx)


class _PatternRule(Rule):
    """Shared mechanics: a regular expression over the texts; each match is a hit."""

    pattern: re.Pattern[str]
    include_raw = True

    def message(self, match: re.Match[str]) -> str:
        return self.name

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for path, text in _texts(ctx, self.include_raw):
            for match in self.pattern.finditer(text):
                yield Hit(path, self.message(match))


@register
class TrailingZero(_PatternRule):
    """What it does: finds whole numbers written with a trailing zero before a unit ("5.0 mL"), in free text and
    in what the content wrote for a typed quantity. ISMP's own exception passes: a zero that shows the
    precision of a measured value, the other end of a range ("3.5 to 5.0 mcg/mL") or a laboratory result
    ("−53.0 mg/dL").

    Why is this bad? The decimal point is missed on worn or faxed copies and "5.0 mL" is read as "50 mL": a
    ten-fold overdose (ISMP error-prone dose designations).

    Example: `dose: 5.0 mL/day` → write `5 mL/day`.
    """

    code, name = "LBL001", "trailing-zero"
    pattern = re.compile(rf"(?<![\d.,])({NUMBER})\.(0+)(?!\d)(\s*)({DOSE_UNIT})(?![A-Za-z])")
    # ISMP's exception: a zero that shows the precision of a measured value, as the other end of a range does
    # ("3.5 to 5.0 mcg/mL", "4.7 to 6.0 L").
    precision = re.compile(r"\d\.\d+\s*(?:to|-|–|—)\s*$")
    laboratory = re.compile(r"\s*/\s*d?L\b")  # "−53.0 mg/dL": a laboratory result, reported to its precision

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for path, text in _texts(ctx):
            for match in self.pattern.finditer(text):
                if not self.precision.search(
                    text[max(0, match.start() - 16) : match.start()]
                ) and not self.laboratory.match(text, match.end()):
                    yield Hit(path, self.message(match))

    def message(self, match: re.Match[str]) -> str:
        whole, zeros, space, unit = match.groups()
        if len(zeros) == 3 and "," not in whole and len(whole) <= 3:
            return (
                f"ambiguous {match.group(0).strip()!r}: a point as thousands separator reads as {whole}{space}{unit} "
                f"or {whole},000{space}{unit}: write the intended one with a comma for thousands"
            )
        return f"trailing zero in {match.group(0).strip()!r}: write {whole}{space}{unit} (read as ten times the dose)"


@register
class LeadingZero(_PatternRule):
    """What it does: finds decimal numbers without a leading zero (".5 mg").

    Why is this bad? ".5 mg" is read as "5 mg" when the point is missed: a ten-fold overdose.

    Example: `.5 mg` → `0.5 mg`.
    """

    code, name = "LBL002", "missing-leading-zero"
    pattern = re.compile(r"(?<![\w.])\.(\d+)")

    def message(self, match: re.Match[str]) -> str:
        return f"missing leading zero in {match.group(0)!r}: write 0.{match.group(1)}"


@register
class NumberUnitSpace(_PatternRule):
    """What it does: finds a number run into its unit ("10mg").

    Why is this bad? Without a space the unit's first letter is misread as a digit ("10mg" as "100 g"); USP and
    ISMP ask for a space between number and unit.

    Example: `60mg/vial` → `60 mg/vial`.
    """

    code, name = "LBL003", "number-unit-space"
    severity = WARNING
    pattern = re.compile(rf"(?<![\w.,])({NUMBER}(?:\.\d+)?)(mg|mcg|mL|ml|g|kg|L|units)(?![A-Za-z])")

    def message(self, match: re.Match[str]) -> str:
        return f"no space between number and unit in {match.group(0)!r}: write {match.group(1)} {match.group(2)}"


ERROR_PRONE = {
    "U": "units",
    "IU": "units",
    "cc": "mL",
    "µg": "mcg",
    "μg": "mcg",
    "ug": "mcg",
    "QD": "daily",
    "QOD": "every other day",
    "QHS": "nightly at bedtime",
    "TIW": "3 times weekly",
    "SC": "subcutaneous",
    "SQ": "subcutaneous",
    "SUB Q": "subcutaneous",
    "D/C": "discharge or discontinue",
    "HS": "half-strength or bedtime",
    "AD": "right ear",
    "AS": "left ear",
    "AU": "each ear",
    "OD": "right eye",
    "OS": "left eye",
    "OU": "each eye",
    "UD": "as directed",
    "IJ": "injection",
    "Q1D": "daily",
    "I/D": "one daily",
    "SUBQ": "subcutaneous",
    "SUB-Q": "subcutaneous",
    "PER OS": "by mouth",
    "BIW": "2 times weekly",
    "SS": "sliding scale or one-half",
    "MSO4": "morphine sulfate",
    "MGSO4": "magnesium sulfate",
    "Q6PM": "nightly at 6 PM",
}
_EAR_EYE = r"(?:AD|AS|AU|OD|OS|OU)"
_DOTTED = r"(?:q\.o\.d|q\.h\.s|q\.d|h\.s|s\.c|s\.q|a\.[dsu]|o\.[dsu]|i\.u|t\.i\.w)"  # q.d., a.u., …


@register
class ErrorProneAbbreviation(_PatternRule):
    """What it does: finds abbreviations on ISMP's list of error-prone abbreviations, with or without points
    ("QD", "q.d.", "Q.D."), and "ug" for micrograms. The ear and eye abbreviations (AD, AS, AU, OD, OS, OU) are
    flagged beside drops, or written with points; elsewhere "AD" is usually Alzheimer's disease.

    Why is this bad? "U" is read as 0 or 4, "IU" as IV or 10, "cc" as "u", "µg" and "ug" as "mg", "QD" as
    "QID", "SC" as "SL", "UD" as "unit dose", "AD/AS/AU" and "OD/OS/OU" are confused with each other; each has
    caused harm.

    Example: `10 IU` → `10 units`; `SC` → `subcutaneous`; `q.d.` → `daily`.
    """

    code, name = "LBL004", "error-prone-abbreviation"
    pattern = re.compile(
        r"(?<=\d)\s*(?P<token>[Uu])\b(?!\.\w)"
        r"|\b(?P<token2>IU|cc|(?i:qd|qod|qhs)|TIW|BIW|SC|SQ|sub q|(?i:sub-?q)|HS|hs|UD|IJ|ug|ss|MSO4|MgSO4"
        r"|(?i:per os)|[qQ]1[dD]|[qQ]6PM|i/d)(?![\w-])(?!\s*\()"
        rf"|(?<![\w.])(?<!, )(?P<token3>(?i:{_DOTTED})\.?)(?!\.?\w)"
        r"|(?P<token4>µg|μg|\b[Dd]/[Cc]\b)"
        rf"|(?<!\d)\d+\s+(?i:drops?|gtts?)\b(?:\s+[\w()]+){{0,5}}?\s+(?P<token5>{_EAR_EYE})\b"
        rf"|\b(?i:drops?|gtts?|instil+)\s+(?P<token7>{_EAR_EYE})\b"
        rf"|\b(?P<token6>{_EAR_EYE})\s+(?:\d+\s+)?(?i:drops?|gtts?)\b"
    )

    def message(self, match: re.Match[str]) -> str:
        token = next(value for value in match.groupdict().values() if value)
        plain = token.replace(".", "").upper()
        instead = ERROR_PRONE.get(token) or ERROR_PRONE.get(plain, "the full term")
        return f"error-prone abbreviation {token!r}: write {instead!r}"


@register
class ThousandsSeparator(_PatternRule):
    """What it does: finds numbers of 1,000 or more without thousands separators before a unit, in free text
    (typed quantities are printed with separators whatever the content wrote).

    Why is this bad? "100000 units" is misread by a factor of ten; commas make the magnitude visible.

    Example: `100000 units` → `100,000 units`.
    """

    code, name = "LBL005", "thousands-separator"
    severity = WARNING
    include_raw = False  # a typed quantity is printed with its separators ("1000 tablets" prints "1,000 tablets")
    pattern = re.compile(
        rf"(?<![\d,.])([1-9]\d{{3,}}|[1-9]\d{{0,2}}(?: \d{{3}})+)(?![\d,])\s*"
        rf"(?={DOSE_UNIT}(?![A-Za-z]))"
    )

    def message(self, match: re.Match[str]) -> str:
        digits = match.group(1).replace(" ", "")
        head = len(digits) % 3 or 3  # grouped as text, not int(): any length is safe and linear
        grouped = ",".join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])
        return f"{match.group(1)!r} needs thousands separators: write {grouped}"


@register
class PluralUnit(_PatternRule):
    """What it does: finds plural unit symbols ("mLs", "mgs").

    Why is this bad? Unit symbols have no plural; "mLs" is an error-prone form (ISMP) and "mgs" can be misread.

    Example: `20 mLs` → `20 mL`.
    """

    code, name = "LBL006", "plural-unit"
    pattern = re.compile(r"(?<=\d)\s*(mLs|mls|MLs|mgs|mcgs|kgs|gs|Ls)\b")

    def message(self, match: re.Match[str]) -> str:
        return f"plural unit {match.group(1)!r}: write {match.group(1)[:-1]!r}"


@register
class PeriodAfterUnit(_PatternRule):
    """What it does: finds a period after a unit symbol in the middle of a sentence ("5 mg. daily").

    Why is this bad? The period is read as the digit 1 ("5 mg. daily" as "5 mg 1 daily"); ISMP.

    Example: `5 mg. per day` → `5 mg per day`.
    """

    code, name = "LBL007", "period-after-unit"
    severity = WARNING
    pattern = re.compile(r"(?<=\d)\s*(mg|mL|mcg|g|kg)\.(?=\s+[a-z0-9]|[/,;])")

    def message(self, match: re.Match[str]) -> str:
        return f"period after unit in {match.group(0).strip()!r}"


@register
class SymbolBetweenDoses(_PatternRule):
    """What it does: finds @, &, + or / between two doses ("10 mg/20 mg", "5 mg + 10 mg").

    Why is this bad? "/" is read as the digit 1, "@" as 2, "&" as 2, "+" as 4 (ISMP).

    Example: `10 mg/20 mg` → `10 mg and 20 mg` or `10 mg per 20 mg`.
    """

    code, name = "LBL008", "symbol-between-doses"
    severity = WARNING
    pattern = re.compile(
        rf"(?<![\d.])(?P<a>\d+(?:\.\d+)?)\s*(?P<ua>{UNIT})?\s*(?P<symbol>[@&+/])\s*"
        rf"(?:(?P<b>\d+(?:\.\d+)?)(?:\s*(?P<ub>{UNIT}))?|(?P<word>[a-z]+))"
    )

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for path, text in _texts(ctx):
            for match in self.pattern.finditer(text):
                a_unit = canonical_unit(match["ua"], strict=False) if match["ua"] else None
                b_unit = canonical_unit(match["ub"], strict=False) if match["ub"] else None
                if match["word"]:  # "5 mg @ bedtime": @ is read as 2
                    if match["symbol"] != "@" or a_unit is None:
                        continue
                elif a_unit is None and b_unit is None:
                    if match["symbol"] != "@":
                        continue  # "1/2", "24/7": no dose
                elif match["symbol"] == "/" and a_unit and b_unit and UNITS.get(a_unit) != UNITS.get(b_unit):
                    continue  # "500 mg/10 mL" is a strength per volume, not two doses
                elif match["symbol"] == "/" and a_unit and not b_unit:
                    continue  # "60 mg/vial"-like rates are written without a number after the slash
                yield Hit(path, f"symbol between doses in {match.group(0).strip()!r}: write 'and', 'per' or 'at'")


@register
class ComparisonSymbol(_PatternRule):
    """What it does: finds >, <, ≥ or ≤ before a number in free text ("doses >60 mL/day").

    Why is this bad? The symbols are mistaken for their opposite, and "<10" has been read as "40" (ISMP). Words
    carry the meaning safely. A typed quantity may be written "≥80 mL/day" in the content: the templates
    print it in words ("80 mL/day or more").

    Example: `doses >60 mL/day` → `doses of more than 60 mL/day`.
    """

    code, name = "LBL010", "comparison-symbol"
    include_raw = False  # typed input syntax, never printed as a symbol
    # Before a dose: lab values and statistics ("p<0.05", "HbA1c >7%", "Hgb <8 g/dL") keep their symbols.
    pattern = re.compile(
        rf"(?P<symbol>>=|<=|>/=|</=|[<>≤≥⩾⩽＞＜])\s*\.?\d+(?:[.,]\d+)*\s*{DOSE_UNIT}(?![A-Za-z])"
        r"(?!\s*/\s*d?L\b)"
    )
    WORDS: ClassVar[dict[str, str]] = {"<": "less than", ">": "more than", "≤": "… or less", "≥": "… or more"}
    SAME: ClassVar[dict[str, str]] = {
        ">=": "≥",
        ">/=": "≥",
        "⩾": "≥",
        "<=": "≤",
        "</=": "≤",
        "⩽": "≤",
        "＞": ">",
        "＜": "<",
    }

    def message(self, match: re.Match[str]) -> str:
        symbol = self.SAME.get(match["symbol"], match["symbol"])
        return f"comparison symbol in {match.group(0)!r}: write {self.WORDS[symbol]!r}"


UNIT_SYMBOLS = {
    "ml": "mL",
    "ML": "mL",
    "Ml": "mL",
    "l": "L",
    "dl": "dL",
    "DL": "dL",
    "MG": "mg",
    "Mg": "mg",
    "MCG": "mcg",
    "Mcg": "mcg",
    "mcG": "mcg",
    "KG": "kg",
    "Kg": "kg",
}


@register
class UnitSymbolCase(_PatternRule):
    """What it does: finds unit symbols after a number written in the wrong case ("10 ml", "5 MG", "1 l").

    Why is this bad? USP writes the litre as L (a lower-case l is read as the digit 1: "10 l" as "101") and
    milligrams as mg; one spelling everywhere keeps doses recognisable, and the verifier reads the canonical
    symbols.

    Example: `10 ml` → `10 mL`.
    """

    code, name = "LBL011", "unit-symbol-case"
    severity = WARNING
    pattern = re.compile(
        r"(?<=\d)\s?(?P<unit>ml|ML|Ml|l|dl|DL|MG|Mg|MCG|Mcg|mcG|KG|Kg)(?![A-Za-z])"
        r"(?!\s+(?:patients?|subjects?|cases?)\b)"
    )

    def message(self, match: re.Match[str]) -> str:
        unit = match.group("unit")
        return f"unit symbol {unit!r}: write {UNIT_SYMBOLS[unit]!r}"


@register
class RomanNumeralDose(_PatternRule):
    """What it does: finds a count written in Roman numerals before a unit or dose form ("ii tablets", "X mg").

    Why is this bad? Roman numerals are misread (ii as 11, IV as intravenous, X as a multiplication sign);
    ISMP and USP ask for Arabic numerals only.

    Example: `ii tablets` → `2 tablets`.
    """

    code, name = "LBL012", "roman-numeral-dose"
    pattern = re.compile(
        r"(?<![\w/])(?<!\d )(?<![Tt]ype )(?<![Cc]lass )(?<![Pp]hase )(?<![Ss]tage )(?<![Gg]rade )"
        r"(?i:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii|xiv|xv|xx)(?:/(?i:i|ii|iii))?\s+"
        r"(?:units?|mg|mcg|g|mL|L|tablets?|tabs?|capsules?|caps?|vials?|ampoules?|drops?|puffs?)\b"
    )

    def message(self, match: re.Match[str]) -> str:
        return f"Roman numeral in {match.group(0)!r}: write the count in Arabic numerals"


# A quantity followed by a slash the quantities module could not read, or run into a word, digit or hyphen
# ("•3H2O", "1H-pyrrole": chemical formulas and names), is not the quantity it seems to be.
_UNREAD_PER = re.compile(r"\s*/\s*[^\W\d_]|[\w-]")
_KIND_NAMES = {
    "RenalFunction": "a renal function band",
    "BodyWeight": "a weight band",
    "Age": "an age band",
    "Temperature": "a temperature",
    "Percentage": "a percentage",
    "Dose": "a dose",
    "Concentration": "a concentration",
    "Strength": "a strength",
    "Volume": "a volume",
    "Count": "a pack size",
    "Duration": "a duration",
    "Frequency": "a frequency",
}


@register
class NumberInProse(Rule):
    """What it does: finds a quantity written in free text that the content could type: in a text of a fact
    (which places typed numbers with `values: {name: …}` and `{name}` in the text), or in a record with a
    typed field for it (a co-agent's `dose`, a timing's `offset`, a storage temperature). The message names
    the typed field the fact has for it (a regimen's population band, a warning's `threshold`, a storage
    time limit) or asks for a typed value.

    Numbers the model cannot type are left alone: narrative sections (`narrative`, prose by nature), numbers
    that are not quantities ("type 2 diabetes", "CYP3A4", "HbA1c", "1.73 m²", section references, years), and
    quantities in records that have neither `values` nor a field for them (the patient record's
    `how_it_is_given`, the reporting contact). So are a frequency without a number, which says how regularly
    rather than how often ("at the same time every day" holds for a twice-daily regimen too), and prose that
    restates, equal, the fact's own typed frequency or a band of its population ("once a day" beside
    `frequency: once daily`; "Pediatric patients 3 months and older" with `age: ≥3 months`): that is typed
    already, and fires once the two differ. A frequency is never read as a duration ("every day" is not "1
    day"); one in a timing's `event` is asked of the regimen's `frequency`.

    Why is this bad? A dose or temperature in prose bypasses the typed facts: it is not formatted by the one
    set of filters, not compared across documents and not verified on the artifacts, so it can silently go
    stale.

    Example: `text: Do not exceed 60 mL/day.` in a warning → `threshold: ≥60 mL/day` and `{threshold}` in the
    text; `text: vomiting 1-4 hours after ingestion` → `values: {onset: 1-4 hours}` and
    `text: vomiting {onset} after ingestion`; `with_agents: [clarithromycin 500 mg]` →
    `with_agents: [{agent: clarithromycin, dose: 500 mg}]`.
    """

    code, name = "LBL009", "number-in-prose"
    severity = WARNING

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for path, text in _texts(ctx, include_raw=False):
            if path[0] == "narrative":
                continue
            record = holder(ctx.label, path)
            fact = _enclosing_fact(ctx.label, path) or record
            own = slots(type(record), nested=False)
            can_type = slots(type(record))
            of_fact = slots(type(fact), nested=False) if fact is not record else frozenset()
            has_values = "values" in type(record).model_fields
            if not can_type and not has_values and not of_fact:
                continue
            agents = path[-2:-1] == ("with_agents",) or path[-1:] == ("with_agents",)
            restated = [] if agents else _typed_fields(ctx.label, record) + _typed_fields(ctx.label, fact)
            for found in find_quantities(text, ctx.lang):
                if _UNREAD_PER.match(text, found.end) or _rhythm(found) or _restates(found.quantity, restated):
                    continue
                kinds = kinds_of(found.quantity)
                typed = kinds & own
                if typed:
                    how = f"{_KIND_NAMES[next(k for k in QUANTITY_KINDS if k in typed).__name__]} field"
                elif has_values and valued(found.quantity):
                    how = f"a typed value: values: {{name: {found.text}}} and {{name}} in the text"
                elif kinds & can_type:
                    how = f"{_KIND_NAMES[next(k for k in QUANTITY_KINDS if k in kinds & can_type).__name__]} field"
                elif kinds & of_fact:  # a timing's event that says how often: the regimen's frequency
                    kind = next(k for k in QUANTITY_KINDS if k in kinds & of_fact)
                    how = f"{_KIND_NAMES[kind.__name__]} field of the {type(fact).__name__.lower()}"
                else:
                    continue
                if agents:
                    how = "a co-agent: {agent: …, dose: …, frequency: …}"
                yield Hit(path, f"{found.text!r} is written in prose; make it a typed fact so it is verified ({how})")


def _restates(quantity: Quantity, typed: list[Quantity]) -> bool:
    """Whether prose says one of the typed quantities: equal, or the same number without the bound the prose
    puts in words the language does not list ("3 months and older" for `age: ≥3 months`)."""
    return any(
        quantity == t
        or (quantity.comparator is None and t.comparator is not None and quantity.replace(comparator=t.comparator) == t)
        for t in typed
    )


def _enclosing_fact(label: Label, raw: tuple[Any, ...]) -> Fact | None:
    """The fact a text belongs to (a regimen, for the text of its timing), if any."""
    node: Any = label
    fact = None
    for part in raw[:-1]:
        node = node[part] if isinstance(part, int) else getattr(node, part, None)
        if isinstance(node, Fact):
            fact = node
    return fact


def _rhythm(found: FoundQuantity) -> bool:
    """A frequency written without a number ("every day", "every week") says how regularly, not how many times:
    "at the same time every day" holds for a twice-daily regimen too, and there is no number to type."""
    quantity = found.quantity
    return (
        isinstance(quantity, Frequency)
        and quantity.unit != "time"
        and quantity.low == 1
        and quantity.high is None
        and not any(c.isdigit() for c in found.text)
    )


def _typed_fields(label: Label, record: BaseModel) -> list[Quantity]:
    """What a record types that its prose may restate: its own frequency (a regimen's "once a day" beside its
    `frequency: once daily`) and the bands of its population (its own, or those of the population it is for:
    "Pediatric patients 3 months and older" with `age: ≥3 months`). Equal, the prose has nothing left to type;
    once the two differ, it is a number in prose again. Other equal numbers may mean something else (a
    condition "within 24 hours" beside a 24-hour storage limit) and are not taken for restatements."""
    frequency = getattr(record, "frequency", None)
    found: list[Quantity] = [frequency] if isinstance(frequency, Frequency) else []
    population = record if isinstance(record, Population) else None
    population_id = getattr(record, "population", None)
    if population is None and isinstance(population_id, str):
        population = next((p for p in label.populations if p.id == population_id), None)
    if population is not None:
        found += [q for q in (population.age, population.weight, population.renal_function) if q is not None]
    return found
