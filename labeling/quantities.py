"""Numbers, ranges and units: parse, normalise, format.

One module owns quantities so that the content loader, the templates and the verifier agree on them:
the loader parses the compact form an editor writes (``20-50 mL/day``), the templates format it for a
professional (``20–50 mL/day``) or a patient (``20 to 50 mL a day``), and the verifier parses the same
quantities back out of extracted document text, where dashes, spacing and wording vary but a changed
number, unit, period or range never goes unnoticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

# ---------------------------------------------------------------------------------------------------------
# Units: a closed list. Each canonical unit has a dimension; spelled-out units have singular/plural forms.

UNITS: dict[str, str] = {
    "mg": "mass",
    "mcg": "mass",
    "g": "mass",
    "kg": "mass",
    "mL": "volume",
    "L": "volume",
    "°C": "temperature",
    "°F": "temperature",
    "%": "fraction",
    "units": "amount",
    "minute": "time",
    "hour": "time",
    "day": "time",
    "week": "time",
    "month": "time",
    "year": "time",
    "vial": "presentation",
    "ampoule": "presentation",
    "time": "count",  # "2-4 times/year": how often a course is repeated
}

# Spelled-out units take a plural; symbols never do (ISMP: no "mLs").
PLURALS: dict[str, str] = {
    "minute": "minutes",
    "hour": "hours",
    "day": "days",
    "week": "weeks",
    "month": "months",
    "year": "years",
    "vial": "vials",
    "ampoule": "ampoules",
    "time": "times",
}
_SINGULAR = {plural: singular for singular, plural in PLURALS.items()}

# What a careless editor writes, and what we suggest instead (content is strict; documents are read leniently).
UNIT_SUGGESTIONS: dict[str, str] = {
    "ml": "mL",
    "ML": "mL",
    "cc": "mL",
    "l": "L",
    "µg": "mcg",
    "μg": "mcg",
    "ug": "mcg",
    "MG": "mg",
    "IU": "units",
    "U": "units",
    "u": "units",
    "C": "°C",
    "ºC": "°C",
    "degC": "°C",
    "F": "°F",
    "h": "hour",
    "hr": "hour",
    "hrs": "hours",
    "d": "day",
    "wk": "week",
    "wks": "weeks",
    "mo": "month",
    "yr": "year",
    "mLs": "mL",
    "mgs": "mg",
}

# Lenient spellings accepted when reading documents back (never in content).
_LENIENT_UNITS: dict[str, str] = {
    "ml": "mL",
    "milliliter": "mL",
    "milliliters": "mL",
    "millilitre": "mL",
    "millilitres": "mL",
    "milligram": "mg",
    "milligrams": "mg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "µg": "mcg",
    "μg": "mcg",
    "litre": "L",
    "liter": "L",
    "litres": "L",
    "liters": "L",
    "cc": "mL",
    "ºC": "°C",
    "℃": "°C",
    "℉": "°F",
    "degrees Celsius": "°C",
    "degrees C": "°C",
    "degrees Fahrenheit": "°F",
    "degrees F": "°F",
    "percent": "%",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "once": "time",
    "twice": "time",
}


def canonical_unit(token: str, *, strict: bool = True) -> str | None:
    """The canonical unit for ``token``, or None when it is not a unit we know."""
    if token in UNITS:
        return token
    if token in _SINGULAR:
        return _SINGULAR[token]
    if not strict:
        if token in _LENIENT_UNITS:
            return _LENIENT_UNITS[token]
        lowered = token.lower()
        for name in UNITS:
            if name.lower() == lowered:
                return name
        if lowered in _SINGULAR:
            return _SINGULAR[lowered]
    return None


def unit_word(unit: str, value: Decimal | None) -> str:
    """A unit as written after ``value``: plural for spelled-out units unless the value is exactly one."""
    if unit in PLURALS and value != 1:
        return PLURALS[unit]
    return unit


# ---------------------------------------------------------------------------------------------------------
# Numbers

_COMPARATORS = {
    "≥": "≥", ">=": "≥", "≤": "≤", "<=": "≤", ">": ">", "<": "<",
}
_COMPARATOR_WORDS_PRO = {"≥": "≥", "≤": "≤", ">": ">", "<": "<"}


def format_number(value: Decimal) -> str:
    """ISMP-safe: no trailing zero, always a leading zero, thousands separators from 1,000 up."""
    if value == value.to_integral_value():
        text = f"{int(value):,}"
    else:
        normal = value.normalize()
        integral, _, fraction = f"{normal:f}".partition(".")
        text = f"{int(integral):,}" + ("." + fraction if fraction else "")
        if integral.startswith("-") and int(integral) == 0:
            text = "-" + text
    return text.replace("-", "−")  # a true minus sign for negative temperatures


def parse_number(text: str) -> Decimal:
    cleaned = text.replace(",", "").replace("−", "-").replace("\u2212", "-")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise QuantityError(f"{text!r} is not a number") from None


# ---------------------------------------------------------------------------------------------------------
# The quantity


class QuantityError(ValueError):
    """A quantity that does not parse or does not fit where it is used."""


@dataclass(frozen=True, eq=False)
class Quantity:
    """A number or a range with a unit, optionally per something (a time period or a presentation).

    ``low`` is the value of a single number; ``high`` is set for a range. ``comparator`` marks thresholds
    (``≥80 mL/day``). ``raw`` keeps what the editor wrote, for notation lint; it never takes part in equality.
    """

    low: Decimal
    high: Decimal | None
    unit: str
    per: str | None = None
    comparator: str | None = None
    raw: str = ""

    # Which units/periods a kind of quantity may use; None means any. Subclasses narrow these.
    kind: ClassVar[str] = "quantity"
    allowed_units: ClassVar[frozenset[str] | None] = None
    allowed_per: ClassVar[frozenset[str | None] | None] = None
    example: ClassVar[str] = "20-50 mL/day"

    # -- identity ---------------------------------------------------------------------------------------
    def key(self) -> tuple[Any, ...]:
        high = self.high if self.high is not None and self.high != self.low else None
        return (self.comparator, self.low, high, self.unit, self.per)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quantity) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    @property
    def is_range(self) -> bool:
        return self.high is not None and self.high != self.low

    @property
    def maximum(self) -> Decimal:
        return self.high if self.high is not None else self.low

    @property
    def dimension(self) -> str:
        return UNITS[self.unit]

    def in_unit(self, unit: str) -> "Quantity":
        """The same quantity converted between time units or temperature units, where that is exact."""
        if unit == self.unit:
            return self
        factor = _TIME_IN_DAYS.get(self.unit), _TIME_IN_DAYS.get(unit)
        if None not in factor:
            ratio = factor[0] / factor[1]
            return Quantity(self.low * ratio, None if self.high is None else self.high * ratio, unit, self.per,
                            self.comparator)
        raise QuantityError(f"cannot convert {self.unit} to {unit}")

    # -- text ---------------------------------------------------------------------------------------------
    def __str__(self) -> str:
        return format_professional(self)

    @classmethod
    def parse(cls, text: str) -> "Quantity":
        """Parse the compact content form strictly and check it fits this kind of quantity."""
        quantity = parse_quantity(text, strict=True)
        return cls.check_kind(quantity)

    @classmethod
    def check_kind(cls, quantity: "Quantity") -> "Quantity":
        if cls.allowed_units is not None and quantity.unit not in cls.allowed_units:
            raise QuantityError(
                f"{quantity.raw!r}: a {cls.kind} takes one of the units {_listing(cls.allowed_units)}, "
                f"not {quantity.unit} (e.g. '{cls.example}')"
            )
        if cls.allowed_per is not None and quantity.per not in cls.allowed_per:
            wanted = sorted(p for p in cls.allowed_per if p)
            if quantity.per is None:
                message = f"a {cls.kind} needs a period: '/{wanted[0]}' (e.g. '{cls.example}')"
            elif wanted:
                message = f"a {cls.kind} is per {_listing(wanted)}, not per {quantity.per} (e.g. '{cls.example}')"
            else:
                message = f"a {cls.kind} takes no '/{quantity.per}' (e.g. '{cls.example}')"
            raise QuantityError(f"{quantity.raw!r}: {message}")
        if quantity.high is not None and quantity.high < quantity.low:
            raise QuantityError(
                f"{quantity.raw!r}: range minimum {format_number(quantity.low)} is greater than "
                f"maximum {format_number(quantity.high)}"
            )
        if quantity.low < 0 and quantity.dimension != "temperature":
            raise QuantityError(f"{quantity.raw!r}: a {cls.kind} cannot be negative")
        return cls(quantity.low, quantity.high, quantity.unit, quantity.per, quantity.comparator, quantity.raw)

    # -- pydantic -----------------------------------------------------------------------------------------
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        def validate(value: Any) -> Quantity:
            if isinstance(value, Quantity):
                return cls.check_kind(value)
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise ValueError(f"expected a {cls.kind} written as text like '{cls.example}'")
            if isinstance(value, (int, float)):
                raise ValueError(f"{value!r} has no unit: write it like '{cls.example}'")
            return cls.parse(value)

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda q: q.raw or format_compact(q), when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        units = sorted(cls.allowed_units) if cls.allowed_units else sorted(UNITS)
        description = f"A {cls.kind}: a number or a range with a unit ({', '.join(units)})"
        if cls.allowed_per:
            pers = sorted(p for p in cls.allowed_per if p)
            if pers:
                description += f", per {', '.join(pers)}"
        return {"type": "string", "description": description + ".", "examples": [cls.example]}


def _listing(items: Any) -> str:
    return ", ".join(sorted(i for i in items if i))


# Days in each time unit. Months and years are the usual 30 and 365 days, good for "does it fit"; exact
# conversions (Quantity.in_unit) use only the units that have a fixed length.
DAYS_IN = {"minute": Decimal(1) / 1440, "hour": Decimal(1) / 24, "day": Decimal(1), "week": Decimal(7),
           "month": Decimal(30), "year": Decimal(365)}
_TIME_IN_DAYS = {unit: DAYS_IN[unit] for unit in ("minute", "hour", "day", "week")}

_BASE = {"mcg": ("mass", Decimal("0.001")), "mg": ("mass", Decimal(1)), "g": ("mass", Decimal(1000)),
         "kg": ("mass", Decimal(1000000)), "mL": ("volume", Decimal(1)), "L": ("volume", Decimal(1000)),
         "units": ("units", Decimal(1))}
_PER_DAY = {unit: 1 / DAYS_IN[unit] for unit in ("hour", "day", "week", "month", "year")}


def dose_scale(q: Quantity) -> tuple[tuple[str, bool], Decimal, Decimal] | None:
    """A dose on one scale, so 0.1 L/day, 100 mL/day and 700 mL/week compare: ((dimension, per day?), low,
    high) in mg, mL or units, per day when the dose is per a period; None when it is not a dose."""
    base = _BASE.get(q.unit)
    if base is None or (q.per is not None and q.per not in _PER_DAY):
        return None
    dimension, factor = base
    if q.per is not None:
        factor *= _PER_DAY[q.per]
    return (dimension, q.per is not None), q.low * factor, q.maximum * factor


def celsius(q: Quantity) -> tuple[Decimal, Decimal] | None:
    """A temperature range in °C (°F converted); None for other quantities."""
    if q.unit == "°C":
        return q.low, q.maximum
    if q.unit == "°F":
        return (q.low - 32) * 5 / 9, (q.maximum - 32) * 5 / 9
    return None


_MASS = frozenset({"mg", "mcg", "g", "kg", "units"})
_VOLUME = frozenset({"mL", "L"})
_PERIODS = frozenset({"hour", "day", "week", "month", "year"})


class Dose(Quantity):
    kind = "dose"
    allowed_units = _MASS | _VOLUME
    allowed_per = _PERIODS
    example = "20-50 mL/day"


class SingleDose(Quantity):
    """An amount given at one time or per period (elderly starting dose, thresholds)."""

    kind = "dose"
    allowed_units = _MASS | _VOLUME
    allowed_per = _PERIODS | {None}
    example = "5 mL/day"


class Strength(Quantity):
    kind = "strength"
    allowed_units = _MASS | _VOLUME | {"%"}
    allowed_per = frozenset({"vial", "ampoule", "mL", "L"})
    example = "60 mg/vial"


class Concentration(Quantity):
    kind = "concentration"
    allowed_units = _MASS
    allowed_per = frozenset({"mL", "L"})
    example = "215.2 mg/mL"


class Temperature(Quantity):
    kind = "temperature"
    allowed_units = frozenset({"°C"})
    allowed_per = frozenset({None})
    example = "15-25 °C"


class Duration(Quantity):
    kind = "duration"
    allowed_units = frozenset({"minute", "hour", "day", "week", "month", "year"})
    allowed_per = frozenset({None})
    example = "7-21 days"


class Frequency(Quantity):
    kind = "frequency"
    allowed_units = frozenset({"time"})
    allowed_per = _PERIODS
    example = "2-4 times/year"


class Percentage(Quantity):
    kind = "percentage"
    allowed_units = frozenset({"%"})
    allowed_per = frozenset({None})
    example = "25 %"


class Count(Quantity):
    kind = "count"
    allowed_units = frozenset({"vial", "ampoule"})
    allowed_per = frozenset({None})
    example = "6 vials"


# ---------------------------------------------------------------------------------------------------------
# Parsing

_NUMBER = r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_STRICT_UNIT = r"°C|°F|%|[A-Za-zµμº°]+"
_STRICT = re.compile(
    rf"""^\s*
    (?P<cmp>≥|>=|≤|<=|>|<)?\s*
    (?P<low>{_NUMBER})
    (?:\s*(?P<unit1>{_STRICT_UNIT})?\s*(?:-|–|—|\bto\b)\s*(?P<high>{_NUMBER}))?
    \s*(?P<unit>{_STRICT_UNIT})
    (?:\s*(?:/|\bper\b)\s*(?P<per>[A-Za-z]+))?
    \s*$""",
    re.VERBOSE,
)


def parse_quantity(text: str, *, strict: bool = True) -> Quantity:
    """Parse ``20-50 mL/day``, ``15–25 °C``, ``≥80 mL/day``, ``24 hours``, ``60 mg/vial``, ``2-4 times/year``."""
    if not isinstance(text, str) or not text.strip():
        raise QuantityError("empty quantity")
    raw = text
    if re.search(r"(?<![\d])\.\d", text):
        raise QuantityError(f"{raw!r}: a number needs a leading zero (write 0.5, never .5)")
    match = _STRICT.match(text)
    if not match:
        raise QuantityError(
            f"{raw!r} is not a quantity: write a number or range with a unit, e.g. '20-50 mL/day', "
            "'15-25 °C', '24 hours', '60 mg/vial'"
        )
    unit = _unit_or_error(match["unit"], raw, strict)
    if match["unit1"]:
        first = _unit_or_error(match["unit1"], raw, strict)
        if first != unit:
            raise QuantityError(f"{raw!r}: the two ends of a range use different units ({first}, {unit})")
    per = _unit_or_error(match["per"], raw, strict) if match["per"] else None
    low = parse_number(match["low"])
    high = parse_number(match["high"]) if match["high"] else None
    comparator = _COMPARATORS[match["cmp"]] if match["cmp"] else None
    if comparator and high is not None:
        raise QuantityError(f"{raw!r}: a threshold ({comparator}) cannot be a range")
    return Quantity(low, high, unit, per, comparator, raw.strip())


def _unit_or_error(token: str, raw: str, strict: bool) -> str:
    unit = canonical_unit(token, strict=strict)
    if unit is None:
        hint = UNIT_SUGGESTIONS.get(token)
        if hint is None:
            import difflib

            close = difflib.get_close_matches(token, list(UNITS) + list(PLURALS.values()), n=1, cutoff=0.6)
            hint = close[0] if close else None
        allowed = ", ".join(sorted(u for u in UNITS))
        message = f"{raw!r}: unknown unit {token!r}"
        if hint:
            message += f" (did you mean {hint!r}?)"
        raise QuantityError(f"{message}; units are: {allowed}")
    return unit


# ---------------------------------------------------------------------------------------------------------
# Formatting: one place decides how every quantity reads, for professionals and for patients.

_PER_PROFESSIONAL = {"day": "/day", "week": "/week", "month": "/month", "year": "/year", "hour": "/hour",
                     "vial": "/vial", "ampoule": "/ampoule", "mL": "/mL", "L": "/L"}
_PER_PATIENT = {"day": " a day", "week": " a week", "month": " a month", "year": " a year", "hour": " an hour",
                "vial": " in each vial", "ampoule": " in each ampoule", "mL": " in each mL", "L": " in each litre"}
_COMPARATOR_WORDS = {"≥": ("", " or more"), ">": ("more than ", ""), "≤": ("", " or less"), "<": ("less than ", "")}
_COMPARATOR_PATIENT = {"≥": ("", " or more"), ">": ("more than ", ""), "≤": ("", " or less"),
                       "<": ("less than ", "")}


def _with_unit(value: Decimal, unit: str) -> str:
    return f"{format_number(value)}{_space(unit)}{unit_word(unit, value)}"


def _space(unit: str) -> str:
    """A space between number and unit (ISMP), except for the percent sign."""
    return "" if unit == "%" else " "


def format_professional(q: Quantity) -> str:
    """``20–50 mL/day``, ``15–25 °C``, ``7–21 days``, ``80 mL/day or more``: ranges one way everywhere."""
    if q.is_range:
        assert q.high is not None
        body = f"{format_number(q.low)}–{format_number(q.high)}{_space(q.unit)}{unit_word(q.unit, q.high)}"
    else:
        body = _with_unit(q.low, q.unit)
    if q.per:
        body += _PER_PROFESSIONAL.get(q.per, f"/{q.per}")
    if q.comparator:
        before, after = _COMPARATOR_WORDS[q.comparator]  # ISMP: no > or < symbols
        body = f"{before}{body}{after}"
    return body


def format_patient(q: Quantity) -> str:
    """``20 to 50 mL a day``, ``15 °C to 25 °C``, ``80 mL a day or more``: words instead of symbols."""
    if q.is_range:
        assert q.high is not None
        if q.dimension == "temperature":
            body = f"{_with_unit(q.low, q.unit)} to {_with_unit(q.high, q.unit)}"
        else:
            body = f"{format_number(q.low)} to {format_number(q.high)}{_space(q.unit)}{unit_word(q.unit, q.high)}"
    else:
        body = _with_unit(q.low, q.unit)
    if q.per:
        body += _PER_PATIENT.get(q.per, f" per {q.per}")
    if q.comparator:
        before, after = _COMPARATOR_PATIENT[q.comparator]
        body = f"{before}{body}{after}"
    return body


def format_compact(q: Quantity) -> str:
    """The content form: ``20-50 mL/day``."""
    body = format_number(q.low).replace("−", "-")
    if q.is_range:
        assert q.high is not None
        body += "-" + format_number(q.high).replace("−", "-")
    body += f"{_space(q.unit)}{unit_word(q.unit, q.maximum)}"
    if q.per:
        body += f"/{q.per}"
    return f"{q.comparator or ''}{body}"


# ---------------------------------------------------------------------------------------------------------
# Reading quantities back out of document text (lenient: any phrasing a document may use)

_UNIT_WORDS = (
    r"mL|ml|milliliters?|millilitres?|mg|milligrams?|mcg|micrograms?|µg|μg|kg|g|L|litres?|liters?|cc|"
    r"°C|°F|degrees Celsius|degrees Fahrenheit|%|percent|units|IU|"
    r"minutes?|hours?|hrs?|h|days?|weeks?|months?|years?|vials?|ampoules?|times"
)
_PER_WORDS = r"day|week|month|year|hour|vial|ampoule|mL|L"
_SCAN = re.compile(
    rf"""
    (?<![\w.,])
    (?P<cmp>≥|>=|≤|<=|>|<|more\ than\ |less\ than\ |at\ least\ )?\s*
    (?P<sign>[-−](?=\d))?
    (?P<low>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:\.\d+)?)
    (?:\s*(?P<unit1>{_UNIT_WORDS})(?![A-Za-z]))?
    (?:\s*(?:-|–|—|to)\s*(?P<high_sign>[-−](?=\d))?(?P<high>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:\.\d+)?))?
    (?:\s*|-)(?P<unit>{_UNIT_WORDS})(?![A-Za-z])
    (?:\s*(?:/|\bper\b|\ba\b|\ban\b|\beach\b|\bevery\b|\bin\ each\b|\bin\ every\b)\s*(?P<per>{_PER_WORDS})(?![A-Za-z])
       |\s+(?P<perword>daily|weekly|monthly|annually|yearly|hourly)\b)?
    (?P<trail>\s+or\ (?:more|less|above|below))?
    """,
    re.VERBOSE,
)
_PER_ADVERBS = {"daily": "day", "weekly": "week", "monthly": "month", "annually": "year", "yearly": "year",
                "hourly": "hour"}
_TRAILING = {"or more": "≥", "or above": "≥", "or less": "≤", "or below": "≤"}
_LEADING = {"more than": ">", "less than": "<", "at least": "≥"}  # "up to 24 hours" is the limit itself


@dataclass(frozen=True)
class FoundQuantity:
    quantity: Quantity
    start: int
    end: int
    text: str


def find_quantities(text: str) -> list[FoundQuantity]:
    """Every number-with-unit in ``text``, parsed leniently (``20 to 50 mL a day`` = ``20–50 mL/day``)."""
    found = []
    for match in _SCAN.finditer(text):
        unit = canonical_unit(match["unit"], strict=False)
        if unit is None:
            continue
        if match["unit1"]:
            first = canonical_unit(match["unit1"], strict=False)
            if first != unit and not match["high"]:
                continue
        per = None
        if match["per"]:
            per = canonical_unit(match["per"], strict=False)
        elif match["perword"]:
            per = _PER_ADVERBS[match["perword"]]
        comparator = None
        if match["cmp"]:
            token = match["cmp"].strip()
            comparator = _COMPARATORS.get(token) or _LEADING.get(token)
        if match["trail"]:
            comparator = _TRAILING[match["trail"].strip()]
        low = parse_number(match["low"])
        high = parse_number(match["high"]) if match["high"] else None
        if UNITS.get(unit) == "temperature":  # a sign matters only for temperatures ("−20 °C"); elsewhere a
            low = -low if match["sign"] else low  # dash before a number is a hyphen ("IL-1 mg" is 1 mg)
            high = -high if high is not None and match["high_sign"] else high
        quantity = Quantity(low, high, unit, per, comparator, match.group(0).strip())
        found.append(FoundQuantity(quantity, match.start(), match.end(), match.group(0).strip()))
    return found
