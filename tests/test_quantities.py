from decimal import Decimal

import pytest

from labeling.quantities import (
    Count,
    Dose,
    Duration,
    Frequency,
    Percentage,
    QuantityError,
    RenalFunction,
    Schedule,
    Strength,
    Temperature,
    fahrenheit,
    find_quantities,
    format_compact,
    format_number,
    format_patient,
    format_professional,
    format_schedule,
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
    with pytest.raises(QuantityError, match="takes no '/day'"):
        Duration.parse("7 days/day")
    with pytest.raises(QuantityError, match="cannot be per kg"):
        Strength.parse("5 mg/kg")
    with pytest.raises(QuantityError, match=r"needs a basis|cannot be per"):
        RenalFunction.parse("30 mL/min/kg")
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
    [
        ("5", "5"),
        ("5.0", "5"),
        ("0.5", "0.5"),
        ("1000", "1,000"),
        ("100000", "100,000"),
        ("2.50", "2.5"),
        ("-20", "−20"),
        ("1234.5", "1,234.5"),
    ],
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


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("25 mg/kg/day", ("mg", "kg", "day", None)),
        ("0.2 units/kg", ("units", "kg", None, None)),
        ("125 mg/5 mL", ("mg", None, "mL", Decimal(5))),
        ("100 units/mL", ("units", None, "mL", None)),
        ("30-45 mL/min/1.73 m²", ("mL", "1.73 m²", "minute", None)),
        ("10 mg/m2", ("mg", "m²", None, None)),
    ],
)
def test_basis_and_amount_per(text, key):
    q = parse_quantity(text)
    assert (q.unit, q.basis, q.per, q.per_value) == key
    assert parse_quantity(format_compact(q)) == q


@pytest.mark.parametrize(
    ("text", "professional", "patient"),
    [
        ("25 mg/kg/day", "25 mg/kg/day", "25 mg for each kg of body weight a day"),
        ("125 mg/5 mL", "125 mg/5 mL", "125 mg in each 5 mL"),
        (
            "30-45 mL/min/1.73 m²",
            "30–45 mL/minute/1.73 m²",
            "30 to 45 mL a minute for each 1.73 square meters of body surface",
        ),
        ("≥2 hours", "2 hours or more", "2 hours or more"),
        ("<30 mL/min", "less than 30 mL/minute", "less than 30 mL a minute"),
    ],
)
def test_formats_of_new_shapes(text, professional, patient):
    q = parse_quantity(text)
    assert format_professional(q) == professional
    assert format_patient(q) == patient


@pytest.mark.parametrize(
    ("text", "professional", "patient", "interval"),
    [
        ("once daily", "once daily", "once a day", False),
        ("twice daily", "twice daily", "twice a day", False),
        ("3 times/day", "3 times daily", "3 times a day", False),
        ("2-4 times/year", "2–4 times a year", "2 to 4 times a year", False),
        ("every 12 hours", "every 12 hours", "every 12 hours", True),
        ("every 4-6 weeks", "every 4–6 weeks", "every 4 to 6 weeks", True),
        ("every 1 week", "every week", "every week", True),
    ],
)
def test_frequencies(text, professional, patient, interval):
    q = Frequency.parse(text)
    assert format_professional(q) == professional
    assert format_patient(q) == patient
    assert q.is_interval is interval
    found = find_quantities(f"Give it {professional} with food.")
    assert [f.quantity for f in found] == [q]


def test_an_interval_is_not_a_duration():
    assert Frequency.parse("every 12 hours") != Duration.parse("12 hours")
    assert [f.quantity for f in find_quantities("for 12 hours")] == [Duration.parse("12 hours")]


@pytest.mark.parametrize("text", ["every 12 mL", "12 times", "twice", "every day/week"])
def test_bad_frequencies(text):
    with pytest.raises(QuantityError):
        Frequency.parse(text)


def test_schedules():
    schedule = Schedule.parse("weeks 0, 2 and 6")
    assert schedule == Schedule.parse("0, 2, 6 weeks")
    assert format_schedule(schedule) == "weeks 0, 2 and 6"
    for bad in ("weeks 6, 2", "weeks 0", "mL 0, 2", "soon"):
        with pytest.raises(QuantityError):
            Schedule.parse(bad)


def test_fahrenheit_beside_celsius():
    assert format_professional(Temperature.parse("2-8 °C"), fahrenheit_too=True) == "2–8 °C (36–46 °F)"
    assert format_patient(Temperature.parse("20-25 °C"), fahrenheit_too=True) == "20 °C to 25 °C (68 °F to 77 °F)"
    assert fahrenheit(Temperature.parse("-20 °C")) == parse_quantity("-4 °F")


@pytest.mark.parametrize(
    ("kind", "text", "words"),
    [
        (Dose, "0 mg", "greater than zero"),
        (Count, "0 vials", "greater than zero"),
        (Strength, "0 mg/vial", "greater than zero"),
        (Percentage, "200%", "at most 100%"),
        (Dose, "03742 mg", "does not start with 0"),
        (Dose, "0.0000001 mg", "more than 6 decimals"),
        (Dose, "٢٠ mg", "digits 0-9"),
        (Dose, "２０ mg", "digits 0-9"),
        (Dose, "२० mg", "digits 0-9"),
    ],
)
def test_quantities_that_are_never_label_facts(kind, text, words):
    with pytest.raises(QuantityError) as info:
        kind.parse(text)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20 to 50 mL a day", "20-50 mL/day"),
        ("25 mg/kg/day in divided doses", "25 mg/kg/day"),
        ("5 mg for each kg of body weight", "5 mg/kg"),
        ("125 mg/5 mL", "125 mg/5 mL"),
        ("eGFR 30–45 mL/minute/1.73 m²", "30-45 mL/min/1.73 m²"),
        ("2–8 °C (36–46 °F)", "2-8 °C"),
    ],
)
def test_reading_back(text, expected):
    assert find_quantities(text)[0].quantity == parse_quantity(expected)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # a proper fraction in lowest terms that a decimal writes exactly is its value, with its whole part
        ("Take 1/2 tablet daily", [("1/2 tablet daily", "0.5")]),
        ("take 1 / 2 tablet", [("1 / 2 tablet", "0.5")]),
        ("give 2 1/2 tablets", [("2 1/2 tablets", "2.5")]),
        ("Take 1-1/2 tablets", [("1-1/2 tablets", "1.5")]),
        ("take 3/4 tablet.", [("3/4 tablet", "0.75")]),
        ("1/2 mL", [("1/2 mL", "0.5")]),
        ("Give 1/10 mL per dose.", [("1/10 mL", "0.1")]),
        ("5/8 mL", [("5/8 mL", "0.625")]),
        ("every 1/4 hour", [("1/4 hour", "0.25")]),
        ("within 1 1/4 hours", [("1 1/4 hours", "1.25")]),
        ("Hydrocortisone 1/2%", [("1/2%", "0.5")]),
        ("12.5 mg (1/2 tablet)", [("12.5 mg", "12.5"), ("1/2 tablet", "0.5")]),
        # a range that starts with one
        ("Take 1/2 to 1 tablet daily.", [("1/2 to 1 tablet daily", "0.5")]),
        ("1/2-1 tablet", [("1/2-1 tablet", "0.5")]),
        # a fraction no decimal writes, or one no reading places, is no quantity: never its denominator
        ("take 1/3 tablet", []),
        ("Draw up 1/3 mL.", []),
        ("Take 1/4-1/2 tablet daily.", []),
        # two numbers over one unit (not a fraction in lowest terms, or improper) are read as before: the
        # second, with the unit (two strengths in one, a choice of intervals); lint asks for it to be typed
        ("the 10/20 mg tablet", [("20 mg", "20")]),
        ("5/10 mg", [("10 mg", "10")]),
        ("5/325 mg", [("325 mg", "325")]),
        ("Take 500/850 mg", [("850 mg", "850")]),
        ("160/12.5 mg", [("12.5 mg", "12.5")]),
        ("every 6/8 hours", [("8 hours", "8")]),
        ("dose 0.5/2 mL", [("2 mL", "2")]),
        # a slash after a unit is still a rate or an amount per volume; a date before a dose is no fraction
        ("125 mg/5 mL", [("125 mg/5 mL", "125")]),
        ("30 mL/min/1.73 m²", [("30 mL/min/1.73 m²", "30")]),
        ("on 11/30, 2 mg", [("2 mg", "2")]),
    ],
)
def test_a_number_after_a_slash(text, found):
    assert [(f.text, str(f.quantity.low)) for f in find_quantities(text)] == found
