"""Parts bound to their own row, item or sentence (``labeling.binding``): a dose, a population or a temperature
moved to another regimen's or condition's row is a finding naming both facts; rows, columns and sentences
arranged otherwise, and rows read back in fragments, are not."""

from __future__ import annotations

import pytest
from helpers import corpus_label as label
from helpers import document_rows as rows_text

from labeling.documents import DOCUMENT_KINDS
from labeling.verify import verify_text


def verify(product: str, kind_name: str, text: str):  # type: ignore[no-untyped-def]
    return verify_text(text, DOCUMENT_KINDS[kind_name], label(product), kind_name)


def line_with(text: str, *parts: str) -> str:
    (line,) = [line for line in text.splitlines() if all(p in line for p in parts)]
    return line


def swapped(text: str, first: str, second: str, a: str, b: str) -> str:
    """``a`` in the line holding ``first`` and ``b`` in the line holding ``second`` change places."""
    one, two = line_with(text, first, a), line_with(text, second, b)
    return text.replace(one, one.replace(a, "\ue000")).replace(two, two.replace(b, a)).replace("\ue000", b)


def findings(result, code: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.fact for f in result.findings if f.code == code]


@pytest.mark.parametrize("product", ["amoxicillin", "cerebrolysin", "warfarin", "adalimumab", "metformin"])
@pytest.mark.parametrize("kind_name", ["package-insert", "product-sheet"])
def test_rows_on_one_line_verify_clean(product, kind_name):
    result = verify(product, kind_name, rows_text(product, kind_name))
    assert [str(f) for f in result.findings] == []


def test_two_regimens_doses_swapped_name_both_regimens():
    text = rows_text("cerebrolysin", "product-sheet")
    edited = swapped(text, "Stroke recovery", "Alzheimer", "20–50 mL/day", "10–30 mL/day")
    result = verify("cerebrolysin", "product-sheet", edited)
    assert findings(result, "misbound") == ["dosing.regimens[stroke-tbi].dose", "dosing.regimens[dementia].dose"]
    (first, _) = [f for f in result.findings if f.code == "misbound"]
    assert first.expected == "20–50 mL/day" and first.found == "10-30 mL/day" and "dementia" in first.message


def test_rows_sharing_most_parts_still_bind_their_own_dose():
    """Two adult rows with the same regimen name, population and route: only dose and frequency tell them apart."""
    text = rows_text("amoxicillin", "product-sheet")
    edited = swapped(text, "every 12 hours", "every 8 hours", "500 mg every 12", "250 mg every 8")
    edited = edited.replace("250 mg every 8 hours", "250 mg every 12 hours", 1)  # now: 250 mg every 12 hours, …
    result = verify("amoxicillin", "product-sheet", edited)
    assert not result.ok


def test_a_row_relabelled_for_another_population_is_caught():
    text = rows_text("amoxicillin", "product-sheet")
    row = line_with(text, "| Adults | 500 mg every 12 hours")
    result = verify("amoxicillin", "product-sheet", text.replace(row, row.replace("| Adults |", "| Children |")))
    assert "dosing.regimens[adult-mild-q12].population" in findings(result, "misbound")


def test_a_value_printed_twice_in_a_row_is_counted():
    """A row printing "20 mg" as its dose and as its syringe, given another row's 40 mg dose, lost its dose."""
    text = rows_text("adalimumab", "product-sheet")
    row = line_with(text, "15 kg to less than 30 kg", "20 mg every 2 weeks")
    result = verify("adalimumab", "product-sheet", text.replace(row, row.replace("20 mg every", "40 mg every")))
    assert "dosing.regimens[jia-under-30].dose" in [f.fact for f in result.findings]


def test_storage_temperatures_exchanged_between_conditions_are_caught():
    text = rows_text("cerebrolysin", "product-sheet")
    edited = swapped(text, "Unopened", "Reconstituted", "15–25 °C (59–77 °F", "2–8 °C (36–46 °F")
    result = verify("cerebrolysin", "product-sheet", edited)
    assert "storage.conditions[unopened].temperature" in findings(result, "misbound")


# Correct documents arranged otherwise: no finding.


def test_rows_in_another_order_verify_clean():
    text = rows_text("amoxicillin", "product-sheet")
    lines = text.splitlines()
    adult = [i for i, line in enumerate(lines) if "| Adults |" in line and "every" in line]
    for i, j in zip(adult, reversed(adult), strict=True):
        lines[i] = text.splitlines()[j]
    reordered = "\n".join(lines)
    assert reordered != text
    assert [str(f) for f in verify("amoxicillin", "product-sheet", reordered).findings] == []


def test_columns_in_another_order_verify_clean():
    text = rows_text("cerebrolysin", "product-sheet")
    out = []
    for line in text.splitlines():
        cells = line.split(" | ")
        out.append(" | ".join(reversed(cells)) if len(cells) > 2 else line)
    assert [str(f) for f in verify("cerebrolysin", "product-sheet", "\n".join(out)).findings] == []


def test_two_rows_written_as_one_sentence_verify_clean():
    """A translator's one sentence for two regimens: each dose still stands beside its own frequency."""
    text = rows_text("amoxicillin", "product-sheet")
    first = line_with(text, "| Adults | 500 mg every 12 hours")
    second = line_with(text, "| Adults | 250 mg every 8 hours")
    merged = first.replace("500 mg every 12 hours", "500 mg every 12 hours or 250 mg every 8 hours")
    edited = text.replace(first, merged).replace(second + "\n", "")
    assert [str(f) for f in verify("amoxicillin", "product-sheet", edited).findings] == []


def test_a_row_read_back_in_fragments_verifies_clean():
    """A PDF reads a wrapped row as several lines, each holding part of it."""
    text = rows_text("amoxicillin", "package-insert")
    assert [str(f) for f in verify("amoxicillin", "package-insert", cell_by_cell(text)).findings] == []


# The populations a dosing section names.


def test_a_population_the_section_does_not_dose_is_caught():
    text = rows_text("cerebrolysin", "package-insert")
    line = next(line for line in text.splitlines() if "Elderly or frail patients" in line)
    edited = text.replace(line, line + "\nPediatric patients: start at 5 mL/day.", 1)
    result = verify("cerebrolysin", "package-insert", edited)
    assert "populations" in findings(result, "population")


def test_a_population_narrowed_is_caught():
    text = rows_text("insulin-glargine", "product-sheet")
    assert "Adult and pediatric patients" in text
    result = verify("insulin-glargine", "product-sheet", text.replace("Adult and pediatric patients", "Adult patients"))
    assert "dosing.regimens[individualized].population" in findings(result, "population")


def test_a_population_named_by_a_synonym_verifies_clean():
    text = rows_text("insulin-glargine", "product-sheet")
    edited = text.replace("Adult and pediatric patients", "Adults and children")
    assert [str(f) for f in verify("insulin-glargine", "product-sheet", edited).findings] == []


def test_a_part_moved_to_a_regimen_that_has_none_of_its_kind_is_caught():
    """ "2–4 times a year" moved from the repeated regimen's row to the one that is not repeated."""
    text = rows_text("cerebrolysin", "product-sheet")
    edited = swapped(text, "Stroke recovery", "Alzheimer", "| –", "| 2–4 times a year")
    result = verify("cerebrolysin", "product-sheet", edited)
    assert "dosing.regimens[dementia].repeat" in findings(result, "misbound")


def cell_by_cell(text: str) -> str:
    """As a PDF reader gives a table whose cells wrap: each cell's text on lines of its own, row after row."""
    return text.replace(" | ", "\n")


def test_doses_exchanged_between_rows_read_cell_by_cell_are_caught():
    text = rows_text("warfarin", "package-insert")
    edited = swapped(text, "starting dose", "maintenance", "2–5 mg once daily", "2–10 mg once daily")
    result = verify("warfarin", "package-insert", cell_by_cell(edited))
    assert {"dosing.regimens[initial].dose", "dosing.regimens[maintenance].dose"} <= set(findings(result, "misbound"))


def test_rows_read_cell_by_cell_with_the_name_last_verify_clean():
    """Columns in another order move a row's parts before its name: into the stretch of the row above."""
    text = rows_text("warfarin", "package-insert")
    out = []
    for line in text.splitlines():
        cells = line.split(" | ")
        out.append(" | ".join(reversed(cells)) if len(cells) > 2 else line)
    result = verify("warfarin", "package-insert", cell_by_cell("\n".join(out)))
    assert [str(f) for f in result.findings] == []
