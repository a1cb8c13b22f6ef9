"""LBL0xx: medication-safety notation (ISMP error-prone abbreviations, symbols and dose designations, The Joint
Commission's "Do Not Use" list, USP).

Applied to every free-text field that can reach a document and to the text an editor wrote for each typed
quantity, so a dose written "5.0 mL" is caught even though it renders as "5 mL". The lists themselves are data
(``labeling.lint.rules.ismp``): the rules that match entries one by one (abbreviations, drug names, stemmed
names, apothecary units and symbols, thousand and million) read each entry's pattern and context from there; the
dose-designation rules (zeros, spacing, commas, periods, fractions, ratios) keep their own logic and take their
correction from their entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import BaseModel

from labeling.lint import WARNING, Hit, LintContext, Rule, register
from labeling.lint.rules.ismp import DOSE_UNIT, NUMBER, UNIT, Entry, entries, entry
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
from labeling.quantities import (
    UNITS,
    FoundQuantity,
    Frequency,
    Quantity,
    canonical_unit,
    find_quantities,
    format_compact,
)


def _ismp(entry_id: str) -> str:
    """The correction ISMP gives for an entry, as a message ends with it."""
    return f" (ISMP: {entry(entry_id).correction})"


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
        return (
            f"trailing zero in {match.group(0).strip()!r}: write {whole}{space}{unit} (read as ten times the dose)"
            + _ismp("trailing-zero")
        )


@register
class LeadingZero(_PatternRule):
    """What it does: finds decimal numbers without a leading zero (".5 mg").

    Why is this bad? ".5 mg" is read as "5 mg" when the point is missed: a ten-fold overdose.

    Example: `.5 mg` → `0.5 mg`.
    """

    code, name = "LBL002", "missing-leading-zero"
    pattern = re.compile(r"(?<![\w.])\.(\d+)")

    def message(self, match: re.Match[str]) -> str:
        return f"missing leading zero in {match.group(0)!r}: write 0.{match.group(1)}" + _ismp("leading-zero")


@register
class NumberUnitSpace(_PatternRule):
    """What it does: finds a number run into its unit ("10mg").

    Why is this bad? Without a space the unit's first letter is misread as a digit ("10mg" as "100 g"); USP and
    ISMP ask for a space between number and unit.

    Example: `60mg/vial` → `60 mg/vial`.
    """

    code, name = "LBL003", "number-unit-space"
    pattern = re.compile(rf"(?<![\w.,])({NUMBER}(?:\.\d+)?)(mg|mcg|mL|ml|g|kg|L|units)(?![A-Za-z])")

    def message(self, match: re.Match[str]) -> str:
        return (
            f"no space between number and unit in {match.group(0)!r}: write {match.group(1)} {match.group(2)}"
            + _ismp("number-unit-run-together")
        )


# --------------------------------------------------------------------------------------------------------
# The rules that match ISMP's entries one by one: each entry's pattern, then its context (``Entry.context``).

# A dose just before a token ("4 mg MS", "one tablet OD"), or a word that gives one ("give MS", "at BT").
_DOSE_BEFORE = re.compile(
    rf"(?:\d[\d,.]*\s*{DOSE_UNIT}(?![A-Za-z])(?:/(?:kg|m2|m²|day|dose))?(?:\s+of)?"
    r"|\b(?i:one|two|three|half|a)\s+(?i:tablets?|tabs?|capsules?|caps?|vials?)"
    r"|\b(?i:take|taken|give|given|administer|administered|inject|injected|infuse|infused|apply|instil+|start"
    r"|started|continue|use|at|per|dilute|diluted)(?:\s+to)?)\s*$"
)
# A dose just after it ("MS 4 mg", "T3 1 tablet", "TAC 0.1%"), or the words of a dose ("MS drip", "HCT IV").
_DOSE_AFTER = re.compile(
    rf"\s*(?:\(?\d[\d,.]*\s*(?:{DOSE_UNIT}|%)(?![A-Za-z])|(?:drip|infusion|injection|IV|IM|PO|tablets?|tabs?)\b)"
)
# A route written after a dose or a verb of giving, in mixed-case text ("give 4 mg IN", not "MADE IN USA").
_ROUTE_BEFORE = re.compile(rf"(?:\d[\d,.]*\s*(?:{DOSE_UNIT}|sprays?)(?![A-Za-z])(?:/kg)?|\b(?:given|administered))\s*$")
_CAPITALS_AFTER = re.compile(r"\s+[A-Z]{2,}\b")
_INSULIN_BEFORE = re.compile(r"(?:\binsulin(?:\s+(?:per|by|via|on|using|with|as))?|\d\s*units?)\s*$", re.I)
_SLIDING_SCALE = re.compile(r"\bsliding[- ]scale\b", re.I)
# Words before "HCl" that make it the salt of a drug's name ("metformin HCl") when they are not one of these.
_NOT_A_NAME = {"with", "and", "or", "of", "give", "given", "add", "added", "administer", "administered", "take"}
_NOT_A_NAME |= {"mix", "in", "use", "meq", "mmol", "ml"}
_WINDOW = 40


def _beside_dose(text: str, start: int, end: int) -> bool:
    return bool(_DOSE_BEFORE.search(text[max(0, start - _WINDOW) : start]) or _DOSE_AFTER.match(text, end))


def _as_route(text: str, start: int, end: int) -> bool:
    return bool(_ROUTE_BEFORE.search(text[max(0, start - _WINDOW) : start])) and not _CAPITALS_AFTER.match(text, end)


def _for_insulin(text: str, start: int, end: int) -> bool:
    return bool(_INSULIN_BEFORE.search(text[max(0, start - _WINDOW) : start]) or _SLIDING_SCALE.search(text))


def _not_a_salt(text: str, start: int, end: int) -> bool:
    """ "HCl" as a drug of its own beside a dose ("HCl 10 mEq"), not the salt in a drug's name
    ("ciprofloxacin HCl") nor the reagent of a description ("pH adjusted with HCl")."""
    before = re.search(r"([A-Za-z]+)\s*$", text[max(0, start - _WINDOW) : start])
    if before and len(before.group(1)) >= 3 and before.group(1).lower() not in _NOT_A_NAME:
        return False
    return _beside_dose(text, start, end)


# Context name (``Entry.context``) → whether a match at text[start:end] is the entry and not a look-alike.
CONTEXTS: dict[str, Callable[[str, int, int], bool]] = {
    "any": lambda text, start, end: True,
    "dose": _beside_dose,
    "route": _as_route,
    "insulin": _for_insulin,
    "dose-or-insulin": lambda text, start, end: _beside_dose(text, start, end) or _for_insulin(text, start, end),
    "not-salt": _not_a_salt,
}

# The error-prone abbreviations and what to write instead (LBL004's entries, spelled without points, in capitals).
ERROR_PRONE: dict[str, str] = {
    spelling.replace(".", "").upper(): e.correction for e in entries("LBL004") for spelling in e.spellings
}


@lru_cache(maxsize=32)
def _compiled(code: str) -> tuple[tuple[Entry, re.Pattern[str], re.Pattern[str] | None], ...]:
    """Each entry's pattern, and its screen (``Entry.screen``: what any match contains, searched first)."""
    flags = {True: 0, False: re.I}
    return tuple(
        (e, re.compile(e.pattern, flags[e.case_sensitive]), re.compile(e.screen) if e.screen else None)
        for e in entries(code)
    )


class _EntryRule(Rule):
    """Shared mechanics: the entries of ISMP's list that this rule checks, each found by its pattern and kept
    when its context holds. One finding per place: the first entry (in the list's order) that fits wins, so
    "2 drops o.d." is the right eye and "take o.d." once daily."""

    noun: ClassVar[str]

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        compiled = _compiled(self.code)
        for path, text in _texts(ctx):
            taken: set[int] = set()
            for item, pattern, screen in compiled:
                if screen is not None and not screen.search(text):
                    continue
                for match in pattern.finditer(text):
                    group = next((g for g, v in match.groupdict().items() if v), None)
                    start, end = match.span(group) if group else match.span()
                    token = text[start:end].strip()
                    start = end - len(token)
                    if start in taken:
                        continue
                    if (not item.context_for or token in item.context_for) and not CONTEXTS[item.context](
                        text, start, end
                    ):
                        continue
                    taken.add(start)
                    yield Hit(path, self.message_for(item, token))

    def message_for(self, item: Entry, token: str) -> str:
        return f"{self.noun} {token!r} ({item.meaning}; misread as {item.misread}): write '{item.correction}'"


@register
class ErrorProneAbbreviation(_EntryRule):
    """What it does: finds the abbreviations of ISMP's list of error-prone abbreviations and of The Joint
    Commission's "Do Not Use" list, with or without points ("QD", "q.d.", "Q.D."): units (U, IU, cc, µg, ng),
    routes (SC, SQ, sub q, IJ, IN, IT, NAS, per os, the ear and eye abbreviations), frequencies and instructions
    (QD, QOD, q1d, qhs, qn, q6PM, BIW, TIW, BT, HS, hs, i/d, o.d., SS, SSI, UD, x3d), D/C, OJ, and MS, MSO4 and
    MgSO4. Each is read in its context: the ear and eye abbreviations beside drops (elsewhere "AD" is
    Alzheimer's disease and "AS" ankylosing spondylitis); "OD" beside a dose is "once daily" (write "daily"),
    beside drops the right eye; "IN", "IT" and "NAS" only as a route after a dose; "MS", "BT" and "SS" only
    beside a dose (multiple sclerosis is not morphine); "SSI" and "SSRI" only for insulin; "ng" only as a dose
    unit (not in "ng/mL"). Every entry, its correction and its source are listed at the end of docs/rules.md.

    Why is this bad? "U" is read as 0 or 4, "IU" as IV or 10, "cc" as "u", "µg" as "mg", "QD" as "QID", "SC" as
    "SL", "UD" as "unit dose", "OD" for once daily as the right eye, "MS" as magnesium sulfate, "IN" as IM or
    IV; each has caused harm (ISMP). U, IU, QD, QOD, MS, MSO4 and MgSO4 are on the Joint Commission's list.

    Example: `10 IU` → `10 units`; `SC` → `subcutaneous`; `q.d.` → `daily`; `10 mg OD` → `10 mg daily`.
    """

    code, name = "LBL004", "error-prone-abbreviation"
    noun = "error-prone abbreviation"


@register
class ThousandsSeparator(_PatternRule):
    """What it does: finds numbers of 1,000 or more without thousands separators before a unit, in free text
    (typed quantities are printed with separators whatever the content wrote).

    Not a number run into a name: "vitamin B12 500 mcg" is 500 mcg of vitamin B12, not 12,500 mcg.

    Why is this bad? "100000 units" is misread by a factor of ten; commas make the magnitude visible.

    Example: `100000 units` → `100,000 units`.
    """

    code, name = "LBL005", "thousands-separator"
    include_raw = False  # a typed quantity is printed with its separators ("1000 tablets" prints "1,000 tablets")
    pattern = re.compile(
        rf"(?<![\w,.])([1-9]\d{{3,}}|[1-9]\d{{0,2}}(?: \d{{3}})+)(?![\d,])\s*"
        rf"(?={DOSE_UNIT}(?![A-Za-z]))"
    )

    def message(self, match: re.Match[str]) -> str:
        digits = match.group(1).replace(" ", "")
        head = len(digits) % 3 or 3  # grouped as text, not int(): any length is safe and linear
        grouped = ",".join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])
        return f"{match.group(1)!r} needs thousands separators: write {grouped}" + _ismp("large-dose-without-commas")


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
    pattern = re.compile(r"(?<=\d)\s*(mg|mL|mcg|g|kg)\.(?=\s+[a-z0-9]|[/,;])")

    def message(self, match: re.Match[str]) -> str:
        return f"period after unit in {match.group(0).strip()!r}" + _ismp("unit-with-period")


@register
class SymbolBetweenDoses(_PatternRule):
    """What it does: finds @, &, + or / between two doses ("10 mg/20 mg", "5 mg + 10 mg").

    Why is this bad? "/" is read as the digit 1, "@" as 2, "&" as 2, "+" as 4 (ISMP). Since 2024 ISMP asks for
    "and" between two doses, not "per".

    Example: `10 mg/20 mg` → `10 mg and 20 mg`; `5 mg @ bedtime` → `5 mg at bedtime`.
    """

    code, name = "LBL008", "symbol-between-doses"
    ENTRIES: ClassVar[dict[str, str]] = {"/": "slash", "@": "at", "&": "ampersand", "+": "plus"}
    pattern = re.compile(
        rf"(?<![\d.])(?P<a>\d+(?:\.\d+)?)\s*(?:(?P<ua>{UNIT})(?![A-Za-z]))?\s*(?P<symbol>[@&+/])\s*"
        rf"(?:(?P<b>\d+(?:\.\d+)?)(?:\s*(?P<ub>{UNIT})(?![A-Za-z]))?|(?P<word>[a-z]+))"
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
                item = entry(self.ENTRIES[match["symbol"]])
                yield Hit(
                    path,
                    f"symbol {match['symbol']!r} between doses in {match.group(0).strip()!r} (misread as "
                    f"{item.misread}): write '{item.correction}'",
                )


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
        return f"comparison symbol in {match.group(0)!r}: write {self.WORDS[symbol]!r}" + _ismp("greater-less-than")


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

    Why is this bad? USP writes the litre as L (a lower-case l is read as the digit 1: "10 l" as "101", and
    "ml" is on ISMP's list for the same reason) and milligrams as mg; one spelling everywhere keeps doses
    recognisable, and the verifier reads the canonical symbols.

    Example: `10 ml` → `10 mL`.
    """

    code, name = "LBL011", "unit-symbol-case"
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


@register
class DrugNameAbbreviation(_EntryRule):
    """What it does: finds drug names written as abbreviations on ISMP's list (APAP, ARA A, AT II and AT III,
    AZT, CPZ, DOR, TAF and TDF, DPT, DTO, HCl, HCT, HCTZ, MTX, "Na" before a drug name, NoAC, PCA, PTU, T3,
    TAC, TNK, tPA, TXA, ZnSO4). Abbreviations that are also something else are read only beside a dose: "HCT
    100 mg" is hydrocortisone, "HCT fell" a haematocrit; "PCA 500 mg" procainamide, "by PCA pump" analgesia;
    "T3 1 tablet" Tylenol with Codeine No. 3, "T3 levels" a hormone; "DOR 100 mg" doravirine, "DOR was 12 months"
    a duration of response. "HCl" after a drug's name is its salt ("metformin HCl"), as ISMP allows. MS, MSO4
    and MgSO4, on The Joint Commission's list, are LBL004.

    Why is this bad? ISMP: drug name abbreviations are misread as other drugs (MTX as mitoxantrone, AZT as
    azathioprine or aztreonam, HCTZ as hydrocortisone, TNK as alteplase) or not recognised at all (APAP). The
    Joint Commission reviews all drug name abbreviations for its list.

    Example: `concomitant MTX` → `concomitant methotrexate`; `APAP 500 mg` → `acetaminophen 500 mg`.
    """

    code, name = "LBL013", "drug-name-abbreviation"
    noun = "drug name abbreviation"


@register
class StemmedDrugName(_EntryRule):
    """What it does: finds the shortened ("stemmed") drug names on ISMP's list: "Nitro" drip, "Norflox", "IV
    Vanc", "Levo", "Neo", "Coag", "Dex", "Pit". A brand that starts with the stem ("Nitro-Dur", "Neo-Synephrine",
    "Levo-T") and the full names are not stems.

    Why is this bad? A stem fits several drugs: "Nitro" drip has been given as nitroprusside for nitroglycerin,
    "Vanc" read as Invanz, "Levo" as levofloxacin, levothyroxine or Levophed, "Pit" as Pitressin for Pitocin.

    Example: `Nitro drip` → `nitroglycerin infusion`; `IV Vanc` → `intravenous vancomycin`.
    """

    code, name = "LBL014", "stemmed-drug-name"
    noun = "stemmed drug name"


@register
class NameRunIntoDose(_PatternRule):
    """What it does: finds a drug name run into its dose, with no space between the name and the number
    ("Inderal40 mg", "Tegretol300 mg"). Names of three letters or more only, so that "vitamin B12 500 mcg",
    "CYP3A4" and "HbA1c" are not read as names with doses.

    Why is this bad? A name ending in "l" runs into the number: "Inderal40 mg" is read as Inderal 140 mg,
    "Tegretol300 mg" as Tegretol 1300 mg (ISMP).

    Example: `Inderal40 mg` → `Inderal 40 mg`.
    """

    code, name = "LBL015", "name-run-into-dose"
    pattern = re.compile(
        rf"(?<![\w-])(?P<name>[A-Za-z]{{3,}})(?P<dose>{NUMBER}(?:\.\d+)?)(?=\s*{DOSE_UNIT}(?![A-Za-z]))"
    )

    def message(self, match: re.Match[str]) -> str:
        name, dose = match["name"], match["dose"]
        return (
            f"drug name run into its dose in {match.group(0)!r} (misread as {name} 1{dose}): write "
            f"{name} {dose}" + _ismp("name-run-into-dose")
        )


@register
class RatioStrength(_PatternRule):
    """What it does: finds a strength written as a ratio ("epinephrine 1:1,000", "1:10000"). Not a ratio that is
    not a strength: a dilution ("diluted 1:1,000"), a titer ("titers of 1:1,000"), a frequency ("1:10,000
    patients"), a small ratio ("randomized 1:1", "2:1"), nor ISMP's own exception, the epinephrine of a
    combination local anesthetic ("lidocaine 1% and epinephrine 1:100,000").

    Why is this bad? Ratio strengths are misread and miscalculated: 1:1,000 (1 mg/mL) and 1:10,000 (0.1 mg/mL)
    epinephrine have been confused, a ten-fold error (ISMP). US labels express strengths per total volume.

    Example: `epinephrine 1:1,000` → `epinephrine 1 mg/mL`.
    """

    code, name = "LBL016", "ratio-strength"
    include_raw = False
    pattern = re.compile(r"(?<![\d:.,])1\s?:\s?(?P<n>\d{1,3}(?:,\d{3})+|\d{3,})(?![\d,:])")
    exempt_before = re.compile(r"(?i:titers?|titres?|dilut\w*)[^.;]*$|%\s*(?:and|with|\+|,)\s*[\w-]+\s*$")
    exempt_after = re.compile(
        r"\s*(?i:patients|births|live births|people|persons|individuals|exposures|courses|subjects|treated|dilution)\b"
    )

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for path, text in _texts(ctx, self.include_raw):
            for match in self.pattern.finditer(text):
                before = text[max(0, match.start() - 60) : match.start()]
                if self.exempt_before.search(before) or self.exempt_after.match(text, match.end()):
                    continue
                yield Hit(path, self.message(match))

    def message(self, match: re.Match[str]) -> str:
        per_ml = (Decimal(1000) / Decimal(match["n"].replace(",", ""))).normalize()
        return (
            f"ratio strength {match.group(0)!r}: write the strength as a quantity per total volume "
            f"({match.group(0)} is {per_ml:f} mg/mL)"
        )


@register
class DoseFraction(_PatternRule):
    """What it does: finds a fraction before a dose form ("1/2 tablet", "½ tablet", "1 1/2 tablets", "1/4 of a
    tablet"). Not a fraction of something else: "1/2 of the dose", a date ("1/2/2024"), a dilution.

    Why is this bad? "1/2 tablet" has been read as 1 or 2 tablets. ISMP's 2024 list asks for text, not fractions
    (reduced-size fractions included).

    Example: `1/2 tablet` → `half tablet`; `1 1/2 tablets` → `one and a half tablets`.
    """

    code, name = "LBL017", "dose-fraction"
    pattern = re.compile(
        r"(?<![\d/.,])(?:\d+\s+)?(?P<fraction>[1-3]/[2-4]|[½¼¾⅓⅔])(?![\d/])\s*(?:of\s+an?\s+)?"
        r"(?:tablets?|tabs?|capsules?|caps?|pills?|suppositor(?:y|ies)|patch(?:es)?|vials?)\b"
    )

    def message(self, match: re.Match[str]) -> str:
        return f"fraction {match['fraction']!r} in {match.group(0)!r} (misread as 1 or 2): write it in words" + _ismp(
            "half-tablet"
        )


@register
class ApothecaryUnit(_EntryRule):
    """What it does: finds apothecary units and symbols: the dram (ʒ), minim (♏), scruple (℈) and apothecary
    ounce (℥) symbols anywhere, and grains ("gr") and drams ("dr") after a number.

    Why is this bad? The dram symbol is read as the digit 3, the minim symbol as "mL", "gr" (grain) as gram and
    "dr" as doctor (ISMP); The Joint Commission reviews apothecary units for its list. Doses are metric.

    Example: `5 gr` → `325 mg`; `ʒ ii` → `8 mL`.
    """

    code, name = "LBL018", "apothecary-unit"
    noun = "apothecary unit"


@register
class ErrorProneSymbol(_EntryRule):
    """What it does: finds the degree sign for an hour ("q2°", "every 4°") and the null sign or slashed letters
    for zero ("Φ", "ø" standing alone or beside a digit). Temperatures ("25 °C"), angles ("a 45° angle") and
    names spelled with ø ("Søborg") are left alone.

    Why is this bad? "q2°" has been read as q20; "Φ" and "ø" as 4, 6, 8 or 9 (ISMP).

    Example: `q2°` → `every 2 hours`; `1ø mg` → `10 mg`.
    """

    code, name = "LBL019", "error-prone-symbol"
    noun = "error-prone symbol"


@register
class ThousandMillionAbbreviation(_EntryRule):
    """What it does: finds "M", "MM" and "K" for thousand or million between a number and units ("5M units",
    "10K units"). A molar concentration ("a 0.1 M solution") is not one.

    Why is this bad? "M" has been used for both thousand and million, so a dose is read a thousand times too
    large or too small; ISMP asks for the words or the digits with commas.

    Example: `5M units` → `5 million units`; `10K units` → `10,000 units`.
    """

    code, name = "LBL020", "thousand-million-abbreviation"
    noun = "abbreviation"


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
                    how = f"a typed value: values: {{name: {_as_typed(found)}}} and {{name}} in the text"
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


def _as_typed(found: FoundQuantity) -> str:
    """The value as the content writes it: the prose's own words when they parse ("1-4 hours"), else the
    quantity's compact form ("1/2 tablet" → "0.5 tablet")."""
    try:
        type(found.quantity).parse(found.text)
    except ValueError:
        return format_compact(found.quantity)
    return found.text


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
