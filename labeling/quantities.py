"""Numbers, ranges and units: parse, normalise, format.

One module owns quantities so that the content loader, the composers and the verifier agree on them: the
loader parses the compact form an editor writes (``20-50 mL/day``, ``25 mg/kg/day``, ``125 mg/5 mL``,
``every 12 hours``), the composers format it for a professional (``20–50 mL/day``) or a patient
(``20 to 50 mL a day``) in the label's language, and the verifier parses the same quantities back out of
extracted text, where dashes, spacing and wording vary but a changed number, unit, basis, period or range never
goes unnoticed. Symbols (mg, mL, °C) are notation and live here; every word (days, "a day", "once daily",
"or more") comes from the language layer.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from collections.abc import Iterable

    from labeling.language import Language

# ---------------------------------------------------------------------------------------------------------
# Units: a closed list. Each canonical unit has a dimension; spelled-out units have singular/plural forms.

UNITS: dict[str, str] = {
    "mg": "mass",
    "mcg": "mass",
    "g": "mass",
    "kg": "mass",
    "mL": "volume",
    "L": "volume",
    "dL": "volume",
    "°C": "temperature",
    "°F": "temperature",
    "%": "fraction",
    "units": "amount",
    "mEq": "amount",
    "mmol": "amount",
    "minute": "time",
    "hour": "time",
    "day": "time",
    "week": "time",
    "month": "time",
    "year": "time",
    "vial": "presentation",
    "ampoule": "presentation",
    "tablet": "presentation",
    "capsule": "presentation",
    "pen": "presentation",
    "bottle": "presentation",
    "cartridge": "presentation",
    "syringe": "presentation",
    "carton": "presentation",
    "packet": "presentation",
    "time": "count",  # "2-4 times/year", "3 times/day": how often
    "INR": "ratio",  # international normalized ratio: a unit written before its number ("INR 2–3")
}
PREFIX_UNITS = frozenset({"INR"})  # units written before the number
TIME_UNITS = ("minute", "hour", "day", "week", "month", "year")
PRESENTATIONS = tuple(u for u, d in UNITS.items() if d == "presentation")
# Spelled-out units take a plural; symbols never do (ISMP: no "mLs").
PLURALS: dict[str, str] = {u: u + "s" for u in TIME_UNITS + PRESENTATIONS + ("time",)}
_SINGULAR = {plural: singular for singular, plural in PLURALS.items()}
# What a dose or a renal function is "per", besides a period: body weight or surface (mg/kg, mL/min/1.73 m²).
BASES = ("kg", "m²", "1.73 m²")
_BASIS_SPELLINGS = {
    "kg": "kg",
    "m²": "m²",
    "m2": "m²",
    "m^2": "m²",
    "1.73 m²": "1.73 m²",
    "1.73 m2": "1.73 m²",
    "1.73m²": "1.73 m²",
    "1.73m2": "1.73 m²",
}

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
    "tab": "tablet",
    "tabs": "tablets",
    "cap": "capsule",
    "caps": "capsules",
}
# Accepted in content beside the canonical names (standard abbreviations with one meaning).
_STRICT_ALIASES = {"min": "minute", "mins": "minute", "unit": "units"}

# Lenient spellings accepted when reading documents back, besides the language's own words (never in content).
_LENIENT_SYMBOLS: dict[str, str] = {
    "ml": "mL",
    "µg": "mcg",
    "μg": "mcg",
    "cc": "mL",
    "ºC": "°C",
    "℃": "°C",
    "℉": "°F",
    "IU": "units",
    "min": "minute",
}


def canonical_unit(token: str, *, strict: bool = True, lang: Language | None = None) -> str | None:
    """The canonical unit for ``token``, or None when it is not a unit we know."""
    if token in UNITS:
        return token
    if token in _SINGULAR:
        return _SINGULAR[token]
    if token in _STRICT_ALIASES:
        return _STRICT_ALIASES[token]
    if not strict:
        if token in _LENIENT_SYMBOLS:
            return _LENIENT_SYMBOLS[token]
        spelled = _spelled_units(lang or _english())
        if token.lower() in spelled:
            return spelled[token.lower()]
        lowered = token.lower()
        for name in UNITS:
            if name.lower() == lowered:
                return name
        if lowered in _SINGULAR:
            return _SINGULAR[lowered]
    return None


@lru_cache(maxsize=8)
def _spelled_units(lang: Language) -> dict[str, str]:
    """The language's spelled units and their synonyms, lower-cased: word → canonical unit."""
    found: dict[str, str] = {}
    for unit in UNITS:
        for key in (f"unit.{unit}", f"unit.{unit}.n"):
            if key in lang.words:
                found[lang.words[key].lower()] = unit
        for synonym in lang.synonyms(f"unit.{unit}"):
            found[synonym.lower()] = unit
    return found


def _english() -> Language:
    from labeling.language import english

    return english()


# ---------------------------------------------------------------------------------------------------------
# Numbers

_COMPARATORS = {"≥": "≥", ">=": "≥", "⩾": "≥", "≤": "≤", "<=": "≤", "⩽": "≤", ">": ">", "<": "<"}


def format_number(value: Decimal, lang: Language | None = None, *, precise: bool = False) -> str:
    """ISMP-safe: no trailing zero, always a leading zero, thousands separators from 1,000 up. ``precise`` keeps
    the decimals as written, ISMP's own exception for lab values and measured percentages (INR 2.0–3.0, 7.0%)."""
    lang = lang or _english()
    group, decimal = lang.word("number.group"), lang.word("number.decimal")
    if precise and value.as_tuple().exponent < 0:  # type: ignore[operator]
        integral, _, fraction = f"{value:f}".partition(".")
        text = f"{int(integral):,}".replace(",", group) + decimal + fraction
        if integral.startswith("-") and int(integral) == 0:
            text = "-" + text
    elif value == value.to_integral_value():
        text = f"{int(value):,}".replace(",", group)
    else:
        normal = value.normalize()
        integral, _, fraction = f"{normal:f}".partition(".")
        text = f"{int(integral):,}".replace(",", group) + (decimal + fraction if fraction else "")
        if integral.startswith("-") and int(integral) == 0:
            text = "-" + text
    return text.replace("-", "−")  # a true minus sign for negative temperatures


def parse_number(text: str) -> Decimal:
    cleaned = text.replace(",", "").replace("−", "-").replace("\u2212", "-").replace("+", "")
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
    """A number or a range with a unit, optionally per a body measure (``basis``: kg, m²) and per something
    (``per``: a period, a presentation, or a volume with ``per_value``: ``125 mg/5 mL``).

    ``low`` is the value of a single number; ``high`` is set for a range. ``comparator`` marks thresholds
    (``≥80 mL/day``). ``raw`` keeps what the editor wrote, for notation lint; it never takes part in equality.
    """

    low: Decimal
    high: Decimal | None
    unit: str
    per: str | None = None
    comparator: str | None = None
    raw: str = ""
    basis: str | None = None
    per_value: Decimal | None = None

    # Which units/periods a kind of quantity may use; None means any. Subclasses narrow these.
    kind: ClassVar[str] = "quantity"
    allowed_units: ClassVar[frozenset[str] | None] = None
    allowed_per: ClassVar[frozenset[str | None] | None] = None
    allowed_basis: ClassVar[frozenset[str | None]] = frozenset({None})
    allows_comparator: ClassVar[bool] = True
    must_be_positive: ClassVar[bool] = False
    example: ClassVar[str] = "20-50 mL/day"

    # -- identity ---------------------------------------------------------------------------------------
    def key(self) -> tuple[Any, ...]:
        high = self.high if self.high is not None and self.high != self.low else None
        per_value = self.per_value if self.per_value not in (None, 1) else None
        every = self.kind == "frequency" and self.unit != "time"  # "every 12 hours" is not "12 hours"
        if every and high is None and self.low == 1 and self.comparator is None:
            return (None, Decimal(1), None, "time", None, self.unit, None, False)  # "every day" is "once daily"
        low, unit = self.low, self.unit
        if unit == "week" and self.per is None and not every:  # a time written in weeks is the same in days
            low, high, unit = low * 7, high * 7 if high is not None else None, "day"
        return (self.comparator, low, high, unit, self.basis, self.per, per_value, every)

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

    @property
    def is_interval(self) -> bool:
        """``every 12 hours``: a time between doses (a frequency written as an interval)."""
        return self.dimension == "time" and self.per is None and self.kind == "frequency"

    def replace(self, **changes: Any) -> Quantity:
        values = {
            name: getattr(self, name)
            for name in ("low", "high", "unit", "per", "comparator", "raw", "basis", "per_value")
        }
        values.update(changes)
        return type(self)(**values)

    def in_unit(self, unit: str) -> Quantity:
        """The same quantity converted between time units, where that is exact."""
        if unit == self.unit:
            return self
        factor = _TIME_IN_DAYS.get(self.unit), _TIME_IN_DAYS.get(unit)
        if factor[0] is not None and factor[1] is not None:
            ratio = factor[0] / factor[1]
            return self.replace(
                low=self.low * ratio, high=None if self.high is None else self.high * ratio, unit=unit, raw=""
            )
        raise QuantityError(f"cannot convert {self.unit} to {unit}")

    # -- text ---------------------------------------------------------------------------------------------
    def __str__(self) -> str:
        return format_professional(self)

    @classmethod
    def parse(cls, text: str) -> Quantity:
        """Parse the compact content form strictly and check it fits this kind of quantity."""
        quantity = parse_quantity(text, strict=True)
        return cls.check_kind(quantity)

    @classmethod
    def check_kind(cls, quantity: Quantity) -> Quantity:
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
        if quantity.basis not in cls.allowed_basis:
            if quantity.basis is None:
                raise QuantityError(f"{quantity.raw!r}: a {cls.kind} needs a basis (e.g. '{cls.example}')")
            raise QuantityError(f"{quantity.raw!r}: a {cls.kind} cannot be per {quantity.basis} (e.g. '{cls.example}')")
        if quantity.comparator and not cls.allows_comparator:
            raise QuantityError(f"{quantity.raw!r}: a {cls.kind} cannot be a threshold ({quantity.comparator})")
        if quantity.high is not None and quantity.high < quantity.low:
            raise QuantityError(
                f"{quantity.raw!r}: range minimum {format_number(quantity.low)} is greater than "
                f"maximum {format_number(quantity.high)}"
            )
        if quantity.low < 0 and quantity.dimension != "temperature":
            raise QuantityError(f"{quantity.raw!r}: a {cls.kind} cannot be negative")
        if quantity.unit in ABSOLUTE_ZERO and quantity.low < ABSOLUTE_ZERO[quantity.unit]:
            raise QuantityError(
                f"{quantity.raw!r}: no temperature is below absolute zero "
                f"({format_number(ABSOLUTE_ZERO[quantity.unit])} {quantity.unit})"
            )
        if cls.must_be_positive and quantity.low == 0 and quantity.comparator is None:
            raise QuantityError(f"{quantity.raw!r}: a {cls.kind} must be greater than zero")
        if quantity.per_value is not None and quantity.per_value <= 0:
            raise QuantityError(f"{quantity.raw!r}: the amount it is per must be greater than zero")
        return cls(
            quantity.low,
            quantity.high,
            quantity.unit,
            quantity.per,
            quantity.comparator,
            quantity.raw,
            quantity.basis,
            quantity.per_value,
        )

    # -- pydantic -----------------------------------------------------------------------------------------
    # The validator and serialiser are module-level functions (bound with partial), not closures, so that the
    # label's core schema can be pickled and cached on disk (labeling/schema_cache.py).
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            functools.partial(_validate_quantity, cls),
            serialization=core_schema.plain_serializer_function_ser_schema(_serialize_quantity, when_used="always"),
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


ABSOLUTE_ZERO = {"°C": Decimal("-273.15"), "°F": Decimal("-459.67")}


def _listing(items: Any) -> str:
    return ", ".join(sorted(i for i in items if i))


# Days in each time unit. Months and years are the usual 30 and 365 days, good for "does it fit"; exact
# conversions (Quantity.in_unit) use only the units that have a fixed length.
DAYS_IN = {
    "minute": Decimal(1) / 1440,
    "hour": Decimal(1) / 24,
    "day": Decimal(1),
    "week": Decimal(7),
    "month": Decimal(30),
    "year": Decimal(365),
}
_TIME_IN_DAYS = {unit: DAYS_IN[unit] for unit in ("minute", "hour", "day", "week")}

_BASE = {
    "mcg": ("mass", Decimal("0.001")),
    "mg": ("mass", Decimal(1)),
    "g": ("mass", Decimal(1000)),
    "kg": ("mass", Decimal(1000000)),
    "mL": ("volume", Decimal(1)),
    "L": ("volume", Decimal(1000)),
    "units": ("units", Decimal(1)),
}
_PER_DAY = {unit: 1 / DAYS_IN[unit] for unit in ("hour", "day", "week", "month", "year")}


def dose_scale(q: Quantity) -> tuple[tuple[str, bool, str | None], Decimal, Decimal] | None:
    """A dose on one scale, so 0.1 L/day, 100 mL/day and 700 mL/week compare: ((dimension, per day?, basis),
    low, high) in mg, mL or units, per day when the dose is per a period; None when it is not a dose."""
    base = _BASE.get(q.unit)
    if base is None or (q.per is not None and q.per not in _PER_DAY):
        return None
    dimension, factor = base
    if q.per is not None:
        factor *= _PER_DAY[q.per]
    return (dimension, q.per is not None, q.basis), q.low * factor, q.maximum * factor


def celsius(q: Quantity) -> tuple[Decimal, Decimal] | None:
    """A temperature range in °C (°F converted); None for other quantities."""
    if q.unit == "°C":
        return q.low, q.maximum
    if q.unit == "°F":
        return (q.low - 32) * 5 / 9, (q.maximum - 32) * 5 / 9
    return None


def fahrenheit(q: Quantity) -> Quantity:
    """A °C temperature in whole °F, as USP and US labels print it beside the °C (2–8 °C: 36–46 °F)."""

    def convert(value: Decimal) -> Decimal:
        return (value * 9 / 5 + 32).quantize(Decimal(1), rounding="ROUND_HALF_UP")

    return Quantity(convert(q.low), None if q.high is None else convert(q.high), "°F", None, q.comparator)


_MASS = frozenset({"mg", "mcg", "g", "kg", "units", "mEq", "mmol"})
_VOLUME = frozenset({"mL", "L", "dL"})
_PERIODS = frozenset({"hour", "day", "week", "month", "year"})


class Dose(Quantity):
    """An amount per administration (``500 mg``, ``5 mg/kg``) or per period (``20-50 mL/day``, ``25 mg/kg/day``)."""

    kind = "dose"
    allowed_units = _MASS | _VOLUME
    allowed_per = _PERIODS | {None}
    allowed_basis = frozenset({None, "kg", "m²"})
    must_be_positive = True
    example = "20-50 mL/day"


class Strength(Quantity):
    """Strength per presentation: ``60 mg/vial``, ``500 mg`` (per tablet), ``125 mg/5 mL``, ``100 units/mL``."""

    kind = "strength"
    allowed_units = _MASS | _VOLUME | {"%"}
    allowed_per = frozenset({None, "mL", "L", "g"} | set(PRESENTATIONS))
    allows_comparator = False
    must_be_positive = True
    example = "60 mg/vial"


class Concentration(Quantity):
    kind = "concentration"
    allowed_units = _MASS
    allowed_per = frozenset({"mL", "L"})
    allows_comparator = False
    must_be_positive = True
    example = "10 mg/mL"


class Volume(Quantity):
    kind = "volume"
    allowed_units = _VOLUME
    allowed_per = frozenset({None})
    must_be_positive = True
    example = "10 mL"


class Temperature(Quantity):
    kind = "temperature"
    allowed_units = frozenset({"°C"})
    allowed_per = frozenset({None})
    example = "15-25 °C"


class Duration(Quantity):
    kind = "duration"
    allowed_units = frozenset(TIME_UNITS)
    allowed_per = frozenset({None})
    must_be_positive = True
    example = "7-21 days"


class Age(Quantity):
    kind = "age"
    allowed_units = frozenset({"day", "week", "month", "year"})
    allowed_per = frozenset({None})
    example = "≥18 years"


class BodyWeight(Quantity):
    kind = "body weight"
    allowed_units = frozenset({"kg"})
    allowed_per = frozenset({None})
    example = "≥40 kg"


class RenalFunction(Quantity):
    """Creatinine clearance or eGFR: ``30-45 mL/min/1.73 m²``, ``<30 mL/min``."""

    kind = "renal function"
    allowed_units = frozenset({"mL"})
    allowed_per = frozenset({"minute"})
    allowed_basis = frozenset({None, "1.73 m²"})
    example = "30-45 mL/min/1.73 m²"


class Percentage(Quantity):
    kind = "percentage"
    allowed_units = frozenset({"%"})
    allowed_per = frozenset({None})
    example = "25%"

    @classmethod
    def check_kind(cls, quantity: Quantity) -> Quantity:
        checked = super().check_kind(quantity)
        if checked.maximum > 100:
            raise QuantityError(f"{quantity.raw!r}: a percentage is at most 100%")
        return checked


class Count(Quantity):
    """What a pack holds: ``6 vials``, ``90 tablets``, ``100 mL`` (a bottle), ``5 pens``."""

    kind = "pack"
    allowed_units = frozenset(PRESENTATIONS) | _VOLUME | {"g", "kg"}
    allowed_per = frozenset({None})
    allows_comparator = False
    must_be_positive = True
    example = "6 vials"


class Frequency(Quantity):
    """How often: ``once daily``, ``twice daily``, ``3 times/day``, ``2-4 times/year`` (a count per period) or
    ``every 12 hours``, ``every 4-6 weeks`` (an interval)."""

    kind = "frequency"
    allowed_units = frozenset({"time"} | set(TIME_UNITS))
    allowed_per = frozenset({None} | _PERIODS)
    allows_comparator = False
    must_be_positive = True
    example = "every 12 hours"

    @classmethod
    def parse(cls, text: str) -> Quantity:
        quantity = parse_frequency(text) if isinstance(text, str) else None
        if quantity is None:
            quantity = parse_quantity(text, strict=True)
        return cls.check_kind(quantity)

    @classmethod
    def check_kind(cls, quantity: Quantity) -> Quantity:
        checked = super().check_kind(quantity)
        if (checked.unit == "time") != (checked.per is not None):
            raise QuantityError(
                f"{quantity.raw!r}: write a frequency as 'once daily', '3 times/day', "
                "'2-4 times/year' or 'every 12 hours'"
            )
        return checked


class Target(Quantity):
    """A treatment target: ``2-3 INR``, ``<100 mg/dL``."""

    kind = "target"
    allowed_units = frozenset({"INR", "mg", "mmol", "%", "units"})
    allowed_per = frozenset({None, "dL", "L", "mL"})
    example = "2-3 INR"


class AnyQuantity(Quantity):
    """Any typed number a text places (``values:`` of a fact): a dose, a time, an age, a frequency …"""

    kind = "quantity"
    allowed_basis = frozenset({None, *BASES})
    example = "1-4 hours"

    @classmethod
    def parse(cls, text: str) -> Quantity:
        quantity = parse_frequency(text) if isinstance(text, str) else None
        if quantity is not None:
            return Frequency.check_kind(quantity)
        return cls.check_kind(parse_quantity(text, strict=True))


_COUNT_WORDS = {"once": 1, "twice": 2, "three times": 3, "four times": 4}
_ADVERBS = {
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "yearly": "year",
    "annually": "year",
    "hourly": "hour",
}


def parse_frequency(text: str) -> Quantity | None:
    """The content's word forms of a frequency ("once daily", "every 12 hours"); None when ``text`` is not one."""
    cleaned = " ".join(text.split())
    match = re.fullmatch(
        r"(once|twice|three times|four times|\d+ times)\s+(daily|weekly|monthly|yearly|annually"
        r"|hourly|a day|a week|a month|a year|an hour|per day|per week|per month|per year)",
        cleaned,
        re.I,
    )
    if match:
        count = match[1].lower()
        n = _COUNT_WORDS.get(count) or int(count.split()[0])
        period = _ADVERBS.get(match[2].lower()) or match[2].split()[-1].lower()
        return Quantity(Decimal(n), None, "time", period, None, text.strip())
    match = re.fullmatch(r"every\s+(.+)", cleaned, re.I)
    if match:
        interval = parse_quantity(match[1], strict=True)
        if interval.dimension != "time" or interval.per:
            raise QuantityError(f"{text!r}: 'every' takes a time, e.g. 'every 12 hours'")
        return interval.replace(raw=text.strip())
    return None


# ---------------------------------------------------------------------------------------------------------
# Schedules: "weeks 0, 2 and 6"


@dataclass(frozen=True)
class Schedule:
    """Fixed times of administration counted from the first dose: ``weeks 0, 2 and 6``."""

    unit: str  # a time unit
    points: tuple[Decimal, ...]
    raw: str = ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schedule) and (self.unit, self.points) == (other.unit, other.points)

    def __hash__(self) -> int:
        return hash((self.unit, self.points))

    @classmethod
    def parse(cls, text: str) -> Schedule:
        cleaned = " ".join(str(text).replace(" and ", ", ").split())
        match = re.fullmatch(r"(?:at\s+)?(?P<unit>[A-Za-z]+)\s+(?P<points>[\d.,\s]+)", cleaned) or re.fullmatch(
            r"(?:at\s+)?(?P<points>[\d.,\s]+?)\s*(?P<unit>[A-Za-z]+)", cleaned
        )
        if not match:
            raise QuantityError(f"{text!r} is not a schedule: write it like 'weeks 0, 2 and 6'")
        unit = canonical_unit(match["unit"], strict=True)
        if unit not in TIME_UNITS:
            raise QuantityError(f"{text!r}: a schedule counts in {', '.join(TIME_UNITS)}")
        points = tuple(parse_number(p) for p in re.split(r"[,\s]+", match["points"].strip(" ,")) if p)
        if len(points) < 2 or list(points) != sorted(set(points)):
            raise QuantityError(f"{text!r}: a schedule lists at least two times, in increasing order")
        return cls(unit, points, str(text).strip())

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            functools.partial(_validate_schedule, cls),
            serialization=core_schema.plain_serializer_function_ser_schema(_serialize_schedule),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "description": "Fixed times from the first dose.", "examples": ["weeks 0, 2 and 6"]}


def _validate_quantity(kind: type[Quantity], value: Any) -> Quantity:
    """pydantic's validator for a Quantity field of the given kind."""
    if isinstance(value, Quantity):
        return kind.check_kind(value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"expected a {kind.kind} written as text like '{kind.example}'")
    if isinstance(value, (int, float)):
        raise ValueError(f"{value!r} has no unit: write it like '{kind.example}'")
    return kind.parse(value)


def _serialize_quantity(quantity: Quantity) -> str:
    return quantity.raw or format_compact(quantity)


def _validate_schedule(kind: type[Schedule], value: Any) -> Schedule:
    if isinstance(value, Schedule):
        return value
    if not isinstance(value, str):
        raise ValueError("expected a schedule written as text like 'weeks 0, 2 and 6'")
    return kind.parse(value)


def _serialize_schedule(schedule: Schedule) -> str:
    return schedule.raw


# ---------------------------------------------------------------------------------------------------------
# Parsing the compact content form

_NUMBER = r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_STRICT_UNIT = r"°C|°F|%|[A-Za-zµμº°]+"
_STRICT = re.compile(
    rf"""^\s*
    (?P<cmp>≥|>=|⩾|≤|<=|⩽|>|<)?\s*
    (?P<low>{_NUMBER})
    (?:\s*(?P<unit1>{_STRICT_UNIT})?\s*(?:-|–|—|\bto\b)\s*(?P<high>{_NUMBER}))?
    \s*(?P<unit>{_STRICT_UNIT})
    (?P<rest>(?:\s*(?:/|\bper\b)\s*[^/]+?)*)
    \s*$""",
    re.VERBOSE,
)


def parse_quantity(text: str, *, strict: bool = True) -> Quantity:
    """Parse ``20-50 mL/day``, ``15–25 °C``, ``≥80 mL/day``, ``24 hours``, ``60 mg/vial``, ``25 mg/kg/day``,
    ``125 mg/5 mL``, ``30-45 mL/min/1.73 m²``, ``2-4 times/year``."""
    if not isinstance(text, str) or not text.strip():
        raise QuantityError("empty quantity")
    raw = text
    if re.search(r"(?<![\d])\.\d", text):
        raise QuantityError(f"{raw!r}: a number needs a leading zero (write 0.5, never .5)")
    if re.search(r"[^\x00-\x7f°µμºⁱ²≥≤⩾⩽–—−]", text):
        raise QuantityError(f"{raw!r}: write numbers with the digits 0-9 and units from the list")
    match = _STRICT.match(text)
    if not match:
        raise QuantityError(
            f"{raw!r} is not a quantity: write a number or range with a unit, e.g. '20-50 mL/day', "
            "'15-25 °C', '24 hours', '60 mg/vial', '25 mg/kg/day'"
        )
    if re.fullmatch(r"0\d+(?:\.\d+)?", match["low"]) or (match["high"] and re.fullmatch(r"0\d+", match["high"])):
        raise QuantityError(f"{raw!r}: a number does not start with 0 (is {match['low']} an octal or a typo?)")
    unit = _unit_or_error(match["unit"], raw, strict)
    if match["unit1"]:
        first = _unit_or_error(match["unit1"], raw, strict)
        if first != unit:
            raise QuantityError(f"{raw!r}: the two ends of a range use different units ({first}, {unit})")
    basis, per, per_value = _parse_rest(match["rest"] or "", raw, strict)
    low = parse_number(match["low"])
    high = parse_number(match["high"]) if match["high"] else None
    for value in (low, high):
        if value is not None and value.as_tuple().exponent < -6:  # type: ignore[operator]
            raise QuantityError(f"{raw!r}: more than 6 decimals is not a label quantity")
        if value is not None and value.adjusted() >= 9:  # a billion of any unit: a typo or an attack, not a dose
            shown = raw if len(raw) <= 40 else raw[:20] + "…" + raw[-12:]
            raise QuantityError(f"{shown!r}: a number of more than 9 digits is not a label quantity")
    comparator = _COMPARATORS[match["cmp"]] if match["cmp"] else None
    if comparator and high is not None:
        raise QuantityError(f"{raw!r}: a threshold ({comparator}) cannot be a range")
    return Quantity(low, high, unit, per, comparator, raw.strip(), basis, per_value)


def _parse_rest(rest: str, raw: str, strict: bool) -> tuple[str | None, str | None, Decimal | None]:
    """What follows the unit: ``/kg``, ``/day``, ``/5 mL``, ``/min/1.73 m²`` → (basis, per, per_value)."""
    basis = per = None
    per_value = None
    for token in (t.strip() for t in re.split(r"/|\bper\b", rest) if t.strip()):
        if token in _BASIS_SPELLINGS:
            if basis:
                raise QuantityError(f"{raw!r}: two bases ({basis}, {token})")
            basis = _BASIS_SPELLINGS[token]
            continue
        match = re.fullmatch(rf"(?P<value>{_NUMBER})?\s*(?P<unit>{_STRICT_UNIT})", token)
        if not match:
            raise QuantityError(f"{raw!r}: cannot read '/{token}'")
        if per:
            raise QuantityError(f"{raw!r}: per two things ({per}, {token})")
        per = _unit_or_error(match["unit"], raw, strict)
        per_value = parse_number(match["value"]) if match["value"] else None
    return basis, per, per_value


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

_CMP_KEYS = {
    "≥": ("", "cmp.ge.after"),
    ">": ("cmp.gt.before", ""),
    "≤": ("", "cmp.le.after"),
    "<": ("cmp.lt.before", ""),
}


def unit_word(unit: str, value: Decimal | None, lang: Language | None = None) -> str:
    """A unit as written after ``value``: spelled units in the language, plural unless the value is one."""
    lang = lang or _english()
    if f"unit.{unit}" in lang.words:
        return lang.word(f"unit.{unit}.n" if value != 1 and f"unit.{unit}.n" in lang.words else f"unit.{unit}")
    return unit


def _space(unit: str) -> str:
    """A space between number and unit (ISMP), except for the percent sign."""
    return "" if unit == "%" else " "


def _with_comparator(body: str, comparator: str | None, lang: Language) -> str:
    if not comparator:
        return body
    before, after = _CMP_KEYS[comparator]  # ISMP: words, never > or < symbols
    return " ".join(p for p in (lang.word(before) if before else "", body, lang.word(after) if after else "") if p)


# Measurements, not doses: their decimals are as precise as written (ISMP allows "INR 2.0–3.0", "7.0%").
PRECISE_UNITS = frozenset({"INR", "%"})


def _amount(q: Quantity, lang: Language, patient: bool) -> str:
    """``20–50 mL`` / ``20 to 50 mL`` / ``15 °C to 25 °C``: the numbers and unit, nothing per."""
    precise = q.unit in PRECISE_UNITS or q.kind == "target"
    if q.unit in PREFIX_UNITS:
        numbers = format_number(q.low, lang, precise=precise)
        if q.is_range:
            assert q.high is not None
            joiner = f" {lang.word('range.to')} " if patient else lang.word("range.dash")
            numbers += joiner + format_number(q.high, lang, precise=precise)
        return f"{q.unit} {numbers}"
    if q.is_range:
        assert q.high is not None
        low, high = format_number(q.low, lang, precise=precise), format_number(q.high, lang, precise=precise)
        unit = unit_word(q.unit, q.high, lang)
        if patient:
            if q.dimension == "temperature":
                return f"{low}{_space(q.unit)}{q.unit} {lang.word('range.to')} {high}{_space(q.unit)}{q.unit}"
            return f"{low} {lang.word('range.to')} {high}{_space(q.unit)}{unit}"
        return f"{low}{lang.word('range.dash')}{high}{_space(q.unit)}{unit}"
    return f"{format_number(q.low, lang, precise=precise)}{_space(q.unit)}{unit_word(q.unit, q.low, lang)}"


def _per_professional(q: Quantity, lang: Language) -> str:
    slash = lang.word("per.symbol")
    text = ""
    if q.basis and q.basis != "1.73 m²":
        text += slash + q.basis
    if q.per:
        per = unit_word(q.per, Decimal(1), lang)
        text += slash + (f"{format_number(q.per_value, lang)} {per}" if q.per_value not in (None, 1) else per)
    if q.basis == "1.73 m²":
        text += slash + q.basis
    return text


def _per_patient(q: Quantity, lang: Language) -> str:
    parts = []
    if q.basis and q.basis != "1.73 m²":  # "25 mg for each kg of body weight a day"
        parts.append(lang.word(f"basis.{q.basis}.patient"))
    if q.per:
        if q.per in TIME_UNITS:
            parts.append(lang.word(f"pper.{q.per}"))
        else:
            per = unit_word(q.per, Decimal(1), lang)
            if q.per_value not in (None, 1):
                per = f"{format_number(q.per_value, lang)} {per}"
            parts.append(lang.word("pper.presentation").format(unit=per))
    if q.basis == "1.73 m²":  # "30 mL a minute for each 1.73 square meters of body surface"
        parts.append(lang.word(f"basis.{q.basis}.patient"))
    return "".join(" " + p for p in parts)


def format_frequency(q: Quantity, lang: Language | None = None, patient: bool = False) -> str:
    """``once daily``, ``every 12 hours`` (professional); ``once a day`` (patient)."""
    lang = lang or _english()
    if q.unit != "time":  # an interval
        if not q.is_range and q.low == 1 and "freq.every.1" in lang.words:
            return lang.word("freq.every.1").format(unit=unit_word(q.unit, Decimal(1), lang))
        return lang.word("freq.every").format(interval=_amount(q, lang, patient))
    prefix = "pfreq" if patient else "freq"
    assert q.per is not None
    if not q.is_range and q.low in (1, 2) and f"{prefix}.{int(q.low)}.{q.per}" in lang.words:
        return lang.word(f"{prefix}.{int(q.low)}.{q.per}")
    count = _amount(Quantity(q.low, q.high, "%"), lang, patient).rstrip("%")  # the numbers alone
    return lang.word(f"{prefix}.n.{q.per}").format(n=count)


def format_professional(q: Quantity, lang: Language | None = None, *, fahrenheit_too: bool = False) -> str:
    """``20–50 mL/day``, ``15–25 °C``, ``7–21 days``, ``80 mL/day or more``, ``25 mg/kg/day``, ``once daily``."""
    lang = lang or _english()
    if isinstance(q, Frequency) or (q.unit == "time" and q.per and q.kind == "frequency"):
        return format_frequency(q, lang)
    body = _amount(q, lang, patient=False) + _per_professional(q, lang)
    if fahrenheit_too and q.unit == "°C":
        body += f" ({_amount(fahrenheit(q), lang, patient=False)})"
    return _with_comparator(body, q.comparator, lang)


def format_patient(q: Quantity, lang: Language | None = None, *, fahrenheit_too: bool = False) -> str:
    """``20 to 50 mL a day``, ``15 °C to 25 °C``, ``80 mL a day or more``, ``once a day``: words, not symbols."""
    lang = lang or _english()
    if isinstance(q, Frequency):
        return format_frequency(q, lang, patient=True)
    body = _amount(q, lang, patient=True) + _per_patient(q, lang)
    if fahrenheit_too and q.unit == "°C":
        body += f" ({_amount(fahrenheit(q), lang, patient=True)})"
    return _with_comparator(body, q.comparator, lang)


def format_schedule(schedule: Schedule, lang: Language | None = None) -> str:
    lang = lang or _english()
    points = lang.join([format_number(p, lang) for p in schedule.points])
    return lang.word(f"schedule.{schedule.unit}").format(points=points)


def format_compact(q: Quantity) -> str:
    """The content form: ``20-50 mL/day``."""
    if q.unit in PREFIX_UNITS:
        numbers = format_number(q.low) + (f"-{format_number(q.high)}" if q.is_range and q.high is not None else "")
        return f"{q.comparator or ''}{numbers} {q.unit}"
    body = format_number(q.low).replace("−", "-")
    if q.is_range:
        assert q.high is not None
        body += "-" + format_number(q.high).replace("−", "-")
    body += f"{_space(q.unit)}{PLURALS.get(q.unit, q.unit) if q.maximum != 1 and q.unit in PLURALS else q.unit}"
    if q.basis and q.basis != "1.73 m²":
        body += f"/{q.basis}"
    if q.per:
        body += f"/{format_number(q.per_value)} {q.per}" if q.per_value not in (None, 1) else f"/{q.per}"
    if q.basis == "1.73 m²":
        body += f"/{q.basis}"
    return f"{q.comparator or ''}{body}"


# ---------------------------------------------------------------------------------------------------------
# Reading quantities back out of document text (lenient: any phrasing the language's words allow)


@dataclass(frozen=True)
class FoundQuantity:
    quantity: Quantity
    start: int
    end: int
    text: str


def _alternatives(words: Iterable[str]) -> str:
    """A regular-expression alternation of literal words, longest first (so "in each" wins over "in")."""
    unique = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in unique)


@dataclass(frozen=True)
class _Scanner:
    pattern: re.Pattern[str]
    count_pattern: re.Pattern[str]
    every_pattern: re.Pattern[str]
    prefix_pattern: re.Pattern[str]
    units: dict[str, str]
    leading: dict[str, str]
    trailing: dict[str, str]
    adverbs: dict[str, str]
    counts: dict[str, int]
    bases: dict[str, str]


@lru_cache(maxsize=8)
def _scanner(lang: Language) -> _Scanner:
    spelled = _spelled_units(lang)
    units = {**{u.lower(): u for u in UNITS}, **{k.lower(): v for k, v in _LENIENT_SYMBOLS.items()}, **spelled}
    unit_words = _alternatives(list(UNITS) + list(_LENIENT_SYMBOLS) + list(spelled) + [k.lower() for k in UNITS])
    leading = {
        w.lower(): cmp
        for key, cmp in (("cmp.gt.before", ">"), ("cmp.lt.before", "<"), ("cmp.ge.before", "≥"), ("cmp.le.before", "≤"))
        for w in (*lang.synonyms(key), lang.words.get(key, ""))
        if w
    }
    trailing = {
        w.lower(): cmp
        for key, cmp in (("cmp.ge.after", "≥"), ("cmp.le.after", "≤"))
        for w in (*lang.synonyms(key), lang.words.get(key, ""))
        if w
    }
    adverbs = {w.lower(): unit for unit in TIME_UNITS for w in lang.synonyms(f"per.adverb.{unit}")}
    counts = {w.lower(): n for n in (1, 2, 3, 4) for w in lang.synonyms(f"count.{n}")}
    bases = {w.lower(): basis for basis in ("kg", "m²", "1.73 m²") for w in lang.synonyms(f"basis.{basis}")}
    bases.update({f"/{b}": _BASIS_SPELLINGS[b] for b in _BASIS_SPELLINGS})
    per_words = _alternatives(
        [*lang.synonyms("per"), *(lang.word(f"pper.{u}") for u in TIME_UNITS if f"pper.{u}" in lang.words)]
    )
    range_words = _alternatives([*lang.synonyms("range.to"), lang.word("range.to"), lang.word("range.dash")])
    every = _alternatives([*lang.synonyms("every"), lang.word("freq.every").split("{")[0].strip()])
    number = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
    basis_words = _alternatives([w for w in bases if not w.startswith("/")])
    per1_words = _alternatives([w for w, u in units.items() if u in TIME_UNITS])  # "20 mL/day to 50 mL/day"
    between = _alternatives([lang.word("range.between"), *lang.synonyms("range.between")])  # "between 2 and 8 °C"
    and_words = _alternatives([lang.word("and"), *lang.synonyms("and")])
    pattern = re.compile(
        rf"""
        (?<![\w.,])
        (?P<every>(?:{every})\s+)?
        (?P<between>(?:{between})\s+)?
        (?P<cmp>≥|>=|≤|<=|>|<|(?:{_alternatives(list(leading))})\s+)?\s*
        (?P<sign>[-−+](?=\d))?
        (?P<low>{number})
        # A unit after the low end only where a high end follows ("2 °C to 8 °C"): "10 mg Bottle" is no range.
        (?:(?:\s*(?P<unit1>{unit_words})(?![^\W\d_])(?:\s*/\s*(?P<per1>{per1_words})(?![^\W\d_]))?)?
           \s*(?:{range_words}|(?(between)(?:{and_words})|(?!)))\s*(?P<high_sign>[-−+](?=\d))?(?P<high>{number}))?
        (?:\s*|-)(?P<unit>{unit_words})(?![^\W\d_])
        (?P<basis>\s*/\s*(?:kg|m²|m2)(?![^\W\d_])|\s+(?:{basis_words})(?![^\W\d_]))?
        (?:\s*(?:/|\s(?:{per_words}))\s*(?P<per_value>{number}\s*)?(?P<per>{unit_words})(?![^\W\d_])
           |\s+(?P<perword>{_alternatives(list(adverbs))})(?![^\W\d_]))?
        (?P<basis2>\s*/\s*1\.73\s*m[²2]|\s+(?:{basis_words})(?![^\W\d_]))?
        (?P<trail>\s+(?:{_alternatives(list(trailing))}))?
        """,
        re.VERBOSE | re.IGNORECASE,
    )
    count_pattern = re.compile(
        rf"""(?<![\w])(?P<count>{_alternatives(list(counts))})\s+
        (?:(?P<adverb>{_alternatives(list(adverbs))})|(?:{per_words})\s+(?P<per>{unit_words}))(?![^\W\d_])""",
        re.VERBOSE | re.IGNORECASE,
    )
    time_words = _alternatives([w for w, u in units.items() if u in TIME_UNITS])
    every_pattern = re.compile(rf"(?<![\w])(?:{every})\s+(?P<unit>{time_words})(?![^\W\d_])", re.IGNORECASE)
    # A unit written before its number (INR 2.0–3.0), with a comparator before or after the unit ("more than
    # INR 4", "an INR above 4") and the language's joiners ("an INR of 2 to 3").
    comparator = rf"≥|>=|≤|<=|>|<|(?:{_alternatives(list(leading))})(?![^\W\d_])"
    joiners = _alternatives(lang.synonyms("prefix.joiner"))
    prefix_pattern = re.compile(
        rf"""(?<![\w])(?:(?P<lead>{comparator})\s*)?(?P<unit>{_alternatives(sorted(PREFIX_UNITS))})
        (?:\s+(?:(?P<after>{comparator})|{joiners}))?\s*
        (?P<low>{number})(?:\s*(?:{range_words})\s*(?P<high>{number}))?
        (?P<trail>\s+(?:{_alternatives(list(trailing))}))?""",
        re.VERBOSE | re.IGNORECASE,
    )
    return _Scanner(
        pattern, count_pattern, every_pattern, prefix_pattern, units, leading, trailing, adverbs, counts, bases
    )


def find_quantities(text: str, lang: Language | None = None) -> list[FoundQuantity]:
    """Every number-with-unit and every frequency in ``text``, parsed leniently (``20 to 50 mL a day`` =
    ``20–50 mL/day``; ``every 12 hours``; ``twice a day``)."""
    lang = lang or _english()
    scan = _scanner(lang)
    found: list[FoundQuantity] = []
    for match in scan.pattern.finditer(text):
        if _in_a_name(text, match):
            continue
        quantity = _quantity_of(match, scan, lang)
        if quantity is None:
            continue
        start = match.start()
        number_at = match.start("low") if match["low"] else -1
        slashed = _SLASHED.search(text, 0, number_at) if number_at >= 0 and not text[start:number_at].strip() else None
        if slashed is not None:
            # The number follows "N/": the denominator of a fraction ("1/2 tablet" is half a tablet, never "2
            # tablet"), or the second of two numbers over one unit ("5/325 mg"), read as before.
            reading = _fraction(int(slashed["numerator"]), match["low"], quantity.unit)
            if reading is not None:
                before = _OVER.search(text, 0, number_at)
                high = quantity.high
                if reading is _NO_QUANTITY or before is None or (high is not None and not reading < high):
                    continue  # a third of a tablet; "1/4-1/2 tablet"; "1/2-0.25 mL": no reading is safe
                start = before.start()
                whole = int(before["whole"]) if before["whole"] else 0
                quantity = quantity.replace(low=whole + reading, raw=text[start : match.end()].strip())
        found.append(FoundQuantity(quantity, start, match.end(), text[start : match.end()].strip()))
    for match in scan.count_pattern.finditer(text):
        if any(f.start <= match.start() < f.end for f in found):
            continue
        per = scan.adverbs.get((match["adverb"] or "").lower()) or scan.units.get((match["per"] or "").lower())
        if per not in TIME_UNITS:
            continue
        n = scan.counts[" ".join(match["count"].lower().split())]
        quantity = Frequency(Decimal(n), None, "time", per, None, match.group(0))
        found.append(FoundQuantity(quantity, match.start(), match.end(), match.group(0)))
    for match in scan.prefix_pattern.finditer(text):
        if any(f.start <= match.start() < f.end for f in found):
            continue
        low = parse_number(match["low"])
        high = parse_number(match["high"]) if match["high"] else None
        token = " ".join((match["lead"] or match["after"] or "").lower().split())
        comparator = (_COMPARATORS.get(token) or scan.leading.get(token)) if token else None
        if match["trail"]:
            comparator = scan.trailing.get(" ".join(match["trail"].strip().lower().split()))
        unit = next(u for u in PREFIX_UNITS if u.lower() == match["unit"].lower())
        found.append(
            FoundQuantity(
                Quantity(low, high if comparator is None else None, unit, None, comparator, match.group(0)),
                match.start(),
                match.end(),
                match.group(0),
            )
        )
    for match in scan.every_pattern.finditer(text):
        if any(f.start <= match.start() < f.end for f in found):
            continue
        period = scan.units.get(match["unit"].lower())
        if period in TIME_UNITS:
            found.append(
                FoundQuantity(
                    Frequency(Decimal(1), None, period, None, None, match.group(0)),
                    match.start(),
                    match.end(),
                    match.group(0),
                )
            )
    return sorted(found, key=lambda f: f.start)


# A whole number (optional) and a numerator with its slash, right before a number: "1/" of "1/2", "2 1/" of
# "2 1/2".
# "N/" right before a number, and the same with the whole part of a mixed number placed: "1/" of "1/2", "2 1/"
# of "2 1/2", "1-1/" of "1-1/2" (the US way of writing one and a half).
_SLASHED = re.compile(r"(?<![\d.,])(?P<numerator>\d+)[ \u00a0]?/[ \u00a0]?$")
_OVER = re.compile(
    r"(?:(?<![\d.,/])(?P<whole>\d+)(?:[ \u00a0]+|-)|(?<![\d.,/-]))(?P<numerator>\d+)[ \u00a0]?/[ \u00a0]?$"
)
_NO_QUANTITY = Decimal(-1)  # a fraction no decimal writes exactly ("1/3 tablet"): no quantity is read


def _fraction(numerator: int, denominator: str, unit: str) -> Decimal | None:
    """The value of a fraction written "numerator/denominator unit", when it is one: proper, in lowest terms
    (a fraction is written reduced; "6/8 hours" and "5/10 mg" are two numbers), the denominator at most 100
    ("1/2 tablet", "5/8 mL", "1/10 mL", "1/4 hour", "1/2%"). `_NO_QUANTITY` when no decimal writes it ("1/3
    tablet"). None for anything else, read as before: two numbers over one unit, the second with the unit
    ("5/325 mg", two strengths in one; "every 6/8 hours")."""
    if not denominator.isdigit() or unit in ("time", "INR"):
        return None
    below = int(denominator)
    if not 0 < numerator < below <= 100 or math.gcd(numerator, below) != 1:
        return None
    rest = below
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    return Decimal(numerator) / Decimal(below) if rest == 1 else _NO_QUANTITY


def _in_a_name(text: str, match: re.Match[str]) -> bool:
    """A number glued to letters is part of a name, not a quantity: a chemical formula ("•3H2O", "1H-pyrrole"),
    where the letter is a capital that no unit is spelled as, or where a letter or digit follows at once."""
    token = match["unit"]
    if len(token) == 1 and token.isupper() and token not in UNITS:
        return True
    after = text[match.end() : match.end() + 1]
    return bool(after) and after.isalnum() and not match.group(0)[-1:].isspace()


def _quantity_of(match: re.Match[str], scan: _Scanner, lang: Language) -> Quantity | None:
    unit = scan.units.get(match["unit"].lower()) or canonical_unit(match["unit"], strict=False, lang=lang)
    if unit is None:
        return None
    per = per_value = None
    if match["per"]:
        per = scan.units.get(match["per"].lower())
        per_value = parse_number(match["per_value"]) if match["per_value"] else None
    elif match["perword"]:
        per = scan.adverbs.get(match["perword"].lower())
    if match["unit1"]:
        # A unit at both ends of a range ("2 °C to 8 °C", "20 mL/day to 50 mL/day") must be the same unit: "2 °F
        # to 8 °C" is no range, and is not read as one.
        first = scan.units.get(match["unit1"].lower())
        first_per = scan.units.get(match["per1"].lower()) if match["per1"] else None
        if first != unit or (match["per1"] and first_per != per):
            return None
        if match["per1"] and not match["high"]:
            return None
    full = match.group(0)
    if per is None:  # a patient form such as "a day" (the per-words pattern took "a", the unit took "day")
        for unit_name in TIME_UNITS:
            word = lang.words.get(f"pper.{unit_name}")
            if word and re.search(rf"\s{re.escape(word)}$", full.rstrip(), re.I):
                per = unit_name
    basis = None
    if match["basis"]:
        token = " ".join(match["basis"].strip().lower().split())
        basis = scan.bases.get(token) or _BASIS_SPELLINGS.get(token.lstrip("/ ").strip())
    if match["basis2"]:
        token = " ".join(match["basis2"].strip().lower().split())
        basis = scan.bases.get(token) or "1.73 m²"
    comparator = None
    if match["cmp"]:
        token = " ".join(match["cmp"].strip().lower().split())
        comparator = _COMPARATORS.get(token) or scan.leading.get(token)
    if match["trail"]:
        comparator = scan.trailing.get(" ".join(match["trail"].strip().lower().split()))
    low = parse_number(match["low"])
    high = parse_number(match["high"]) if match["high"] else None
    if UNITS.get(unit) == "temperature":  # a sign matters only for temperatures ("−20 °C"); elsewhere a
        low = -low if match["sign"] in ("-", "−") else low  # dash before a number is a hyphen ("IL-1 mg")
        high = -high if high is not None and match["high_sign"] in ("-", "−") else high
    if match["every"] and UNITS.get(unit) == "time" and per is None and comparator is None:
        return Frequency(low, high, unit, None, None, full.strip())
    if unit == "time" and per is not None:
        return Frequency(low, high, unit, per, comparator, full.strip())
    return Quantity(low, high, unit, per, comparator, full.strip(), basis, per_value)
