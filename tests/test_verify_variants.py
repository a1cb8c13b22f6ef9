"""Correct documents worded as another agency or editor would word them verify clean (issue 14's correct
variants); the same edits made wrong are caught. Text-level: the composed documents as a reader gets them back."""

from __future__ import annotations

import pytest
from helpers import corpus_label as label
from helpers import document_text

from labeling.compose import compose
from labeling.documents import DOCUMENT_KINDS
from labeling.quantities import find_quantities, parse_quantity
from labeling.verify import verify_text

CORRECT = [
    ("package-insert", "15–25 °C", "between 15 °C and 25 °C"),
    ("patient-information", "15 °C to 25 °C", "between 15 °C and 25 °C"),
    ("product-sheet", "15–25 °C", "between 15 °C and 25 °C"),
    ("package-insert", "2–8 °C", "+2 °C to +8 °C"),
    ("package-insert", "20–50 mL/day", "20 mL/day to 50 mL/day"),
    ("product-sheet", "20–50 mL/day", "20-50 mL per day"),
    ("package-insert", "4 weeks", "28 days"),
    ("patient-information", "4 weeks", "28 days"),
    ("package-insert", "for up to 24 hours", "for ≤24 hours"),
    ("product-sheet", "for up to 24 hours", "for not more than 24 hours"),
    ("patient-information", "2 °C to 8 °C", "2 to 8 °C"),
    ("patient-information", "20 to 50 mL a day", "20 to 50 mL daily"),
    ("patient-information", "Do not use Cerebrolysin if:", "Do not use Cerebrolysin when:"),
    ("patient-information", "Do not use Cerebrolysin if:", "Do not use Cerebrolysin if you have any of the following:"),
]
WRONG = [
    ("package-insert", "2–8 °C", "2 °F to 8 °C"),
    ("package-insert", "4 weeks", "21 days"),
    ("package-insert", "20–50 mL/day", "20–50 mL twice daily"),
    ("product-sheet", "15–25 °C", "between 15 °C and 30 °C"),
    ("package-insert", "for up to 24 hours", "for longer than 24 hours"),
    ("product-sheet", "for up to 24 hours", "for at least 24 hours"),
    ("package-insert", "Intravenous (IV)", "Intravenous (IV) or intramuscular (IM)"),  # a route no regimen has
    ("patient-information", "into a vein", "into a vein or into a muscle"),
    ("patient-information", "Do not use Cerebrolysin if:", "Do not use Cerebrolysin if you have epilepsy or:"),
]


def edited(kind_name: str, old: str, new: str):
    kind = DOCUMENT_KINDS[kind_name]
    text = document_text(compose(label("cerebrolysin"), kind))
    assert old in text, old
    return verify_text(text.replace(old, new, 1), kind, label("cerebrolysin"), kind_name)


@pytest.mark.parametrize(("kind_name", "old", "new"), CORRECT, ids=[f"{k}: {n}" for k, _, n in CORRECT])
def test_a_correct_variant_verifies_clean(kind_name, old, new):
    assert [str(f) for f in edited(kind_name, old, new).findings] == []


@pytest.mark.parametrize(("kind_name", "old", "new"), WRONG, ids=[f"{k}: {n}" for k, _, n in WRONG])
def test_the_same_edit_made_wrong_is_caught(kind_name, old, new):
    assert not edited(kind_name, old, new).ok


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("store between 15 °C and 25 °C", ["15–25 °C"]),
        ("between 2 and 8 °C", ["2–8 °C"]),
        ("between 20 mL/day and 50 mL/day", ["20–50 mL/day"]),
        ("5 mg and 10 mg", ["5 mg", "10 mg"]),  # "and" joins a range only after "between"
        ("2 °F to 8 °C", []),  # a unit at each end that differs: no range, nothing read as one
        ("10 mg/kg to 20 mg/kg", ["10 mg/kg", "20 mg/kg"]),
        ("for longer than 24 hours", [">24 hours"]),
        ("for no longer than 24 hours", ["≤24 hours"]),
    ],
)
def test_the_quantity_grammar_reads_what_labels_write(text, read):
    assert [f.quantity for f in find_quantities(text)] == [parse_quantity(r) for r in read]


def test_a_dose_twice_daily_is_a_dose_and_a_frequency_not_a_daily_dose():
    (dose, frequency) = find_quantities("500 mg twice daily")
    assert dose.quantity == parse_quantity("500 mg") and frequency.text == "twice daily"


def test_a_time_in_weeks_equals_the_same_time_in_days():
    assert parse_quantity("4 weeks") == parse_quantity("28 days")
    assert parse_quantity("2-4 weeks") == parse_quantity("14-28 days")
    assert parse_quantity("4 weeks") != parse_quantity("4 days")
    assert parse_quantity("10 mL/week") != parse_quantity("70 mL/day")


@pytest.mark.parametrize(
    ("product", "kind_name", "old", "new"),
    [
        ("cerebrolysin", "product-sheet", "20–50 mL/day", "20–50 mL once daily"),
        ("cerebrolysin", "package-insert", "20–50 mL/day intravenously", "20–50 mL once daily intravenously"),
        ("warfarin", "package-insert", "2–5 mg once daily", "2–5 mg/day"),
    ],
)
def test_a_dose_once_daily_is_the_daily_dose(product, kind_name, old, new):
    kind = DOCUMENT_KINDS[kind_name]
    text = document_text(compose(label(product), kind))
    assert old in text
    result = verify_text(text.replace(old, new, 1), kind, label(product), kind_name)
    assert [str(f) for f in result.findings] == []


def test_a_dose_twice_daily_is_not_the_daily_dose():
    kind = DOCUMENT_KINDS["product-sheet"]
    text = document_text(compose(label("cerebrolysin"), kind))
    result = verify_text(text.replace("20–50 mL/day", "20–50 mL twice daily", 1), kind, label("cerebrolysin"), "x")
    assert not result.ok
