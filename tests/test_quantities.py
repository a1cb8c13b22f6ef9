from decimal import Decimal

import pytest

from labeling.quantities import (
    Dose,
    Duration,
    QuantityError,
    Temperature,
    format_compact,
    format_number,
    format_patient,
    format_professional,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit", "per", "comparator"),
    [
        ("20-50 mL/day", "20", "50", "mL", "day", None),
        ("20–50 mL/day", "20", "50", "mL", "day", None),
        ("20 to 50 mL per day", "20", "50", "mL", "day", None),
        ("15-25°C", "15", "25", "°C", None, None),
        ("15 °C to 25 °C", "15", "25", "°C", None, None),
        ("24 hours", "24", None, "hour", None, None),
        ("1 hour", "1", None, "hour", None, None),
        ("60 mg/vial", "60", None, "mg", "vial", None),
        ("6 vials", "6", None, "vial", None, None),
        ("2-4 times/year", "2", "4", "time", "year", None),
        ("≥80 mL/day", "80", None, "mL", "day", "≥"),
        (">=80 mL/day", "80", None, "mL", "day", "≥"),
        ("-20 °C", "-20", None, "°C", None, None),
        ("100,000 units", "100000", None, "units", None, None),
        ("0.5 mg", "0.5", None, "mg", None, None),
        ("25%", "25", None, "%", None, None),
    ],
)
def test_parse(text, low, high, unit, per, comparator):
    q = parse_quantity(text)
    assert q.low == Decimal(low)
    assert q.high == (Decimal(high) if high else None)
    assert (q.unit, q.per, q.comparator) == (unit, per, comparator)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("20-50 ml/day", "did you mean 'mL'"),
        ("20-50 mLs/day", "did you mean 'mL'"),
        ("5 cc", "did you mean 'mL'"),
        ("10 µg", "did you mean 'mcg'"),
        ("10 IU", "did you mean 'units'"),
        (".5 mg", "leading zero"),
        ("twenty mL", "is not a quantity"),
        ("", "empty"),
        ("≥20-50 mL/day", "cannot be a range"),
        ("15 °C to 25 °F", "different units"),
    ],
)
def test_parse_errors(text, words):
    with pytest.raises(QuantityError, match=None) as info:
        parse_quantity(text)
    assert words in str(info.value)


def test_kinds_reject_the_wrong_units_and_periods():
    with pytest.raises(QuantityError, match="needs a period"):
        Dose.parse("20-50 mL")
    with pytest.raises(QuantityError, match="units °C"):
        Temperature.parse("59-77 °F")
    with pytest.raises(QuantityError, match="greater than maximum"):
        Duration.parse("21-7 days")
    with pytest.raises(QuantityError, match="units"):
        Duration.parse("7 mL")
    assert Dose.parse("20-50 mL/week").per == "week"


def test_equality_ignores_wording_but_not_values():
    assert parse_quantity("20-50 mL/day") == parse_quantity("20 to 50 mL per day")
    assert parse_quantity("5.0 mL") == parse_quantity("5 mL")
    assert parse_quantity("20-50 mL/day") != parse_quantity("20-40 mL/day")
    assert parse_quantity("20-50 mL/day") != parse_quantity("20-50 mg/day")
    assert parse_quantity("20-50 mL/day") != parse_quantity("20-50 mL/week")
    assert parse_quantity("24 hours") != parse_quantity("48 hours")
    assert parse_quantity("≥80 mL/day") != parse_quantity("80 mL/day")


@pytest.mark.parametrize(
    ("value", "text"),
    [("5", "5"), ("5.0", "5"), ("0.5", "0.5"), ("1000", "1,000"), ("100000", "100,000"), ("2.50", "2.5"),
     ("-20", "−20"), ("1234.5", "1,234.5")],
)
def test_number_notation_is_ismp_safe(value, text):
    assert format_number(Decimal(value)) == text


@pytest.mark.parametrize(
    ("text", "professional", "patient"),
    [
        ("20-50 mL/day", "20–50 mL/day", "20 to 50 mL a day"),
        ("15-25 °C", "15–25 °C", "15 °C to 25 °C"),
        ("7-21 days", "7–21 days", "7 to 21 days"),
        ("1 day", "1 day", "1 day"),
        ("24 hours", "24 hours", "24 hours"),
        ("≥80 mL/day", "80 mL/day or more", "80 mL a day or more"),
        ("60 mg/vial", "60 mg/vial", "60 mg in each vial"),
        ("2-4 times/year", "2–4 times/year", "2 to 4 times a year"),
        ("25%", "25%", "25%"),
    ],
)
def test_formats(text, professional, patient):
    q = parse_quantity(text)
    assert format_professional(q) == professional
    assert format_patient(q) == patient
    assert parse_quantity(format_compact(q)) == q
