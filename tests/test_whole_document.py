"""The whole document is verified, not only the sections that carry dosing, storage and contraindications: the
title line, the product at a glance, the rest of Highlights, specific populations, clinical sections. A number
changed or added there, a route or a population named there that the label does not name, is a finding."""

from __future__ import annotations

import pytest
from helpers import corpus_label as label
from helpers import document_rows

from labeling.documents import DOCUMENT_KINDS
from labeling.verify import verify_text


def verify_edit(product: str, kind_name: str, old: str, new: str, n: int = 1):  # type: ignore[no-untyped-def]
    text = document_rows(product, kind_name)
    assert old in text, old
    parts = text.split(old)
    edited = old.join(parts[:n]) + new + old.join(parts[n:])
    return verify_text(edited, DOCUMENT_KINDS[kind_name], label(product), kind_name)


def codes(result) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(f.section, f.fact, f.code) for f in result.findings]


@pytest.mark.parametrize("product", ["cerebrolysin", "amoxicillin", "warfarin", "adalimumab", "metformin"])
@pytest.mark.parametrize("kind_name", ["package-insert", "product-sheet"])
def test_every_clean_document_verifies_clean(product, kind_name):
    text = document_rows(product, kind_name)
    assert [str(f) for f in verify_text(text, DOCUMENT_KINDS[kind_name], label(product), kind_name).findings] == []


def test_a_route_the_product_does_not_have_in_the_title_line():
    result = verify_edit(
        "cerebrolysin", "package-insert", "injection, for intravenous use", "injection, for intramuscular use"
    )
    assert ("front matter", "routes", "route") in codes(result)


def test_a_route_added_to_the_title_line():
    result = verify_edit(
        "cerebrolysin", "package-insert", "for intravenous use", "for intravenous or intramuscular use"
    )
    assert [f.found for f in result.findings if f.code == "route"] == ["intramuscular"]


def test_a_strength_changed_in_the_product_at_a_glance():
    result = verify_edit("amoxicillin", "product-sheet", "Capsules, 250 mg |", "Capsules, 350 mg |")
    assert [f.code for f in result.findings if f.section == "Product at a glance"] == ["changed"]
    (finding,) = [f for f in result.findings if f.section == "Product at a glance"]
    assert finding.fact.startswith("product.presentations[") and finding.expected == "250 mg"


def test_a_threshold_changed_in_renal_impairment():
    result = verify_edit(
        "metformin", "package-insert", "(eGFR) below 30 mL/minute/1.73 m²", "(eGFR) below 45 mL/minute/1.73 m²"
    )
    assert any(f.section == "8.6 Renal Impairment" and f.code == "changed" for f in result.findings)


def test_an_incidence_changed_in_highlights():
    result = verify_edit("adalimumab", "package-insert", "(incidence more than 10%)", "(incidence more than 5%)")
    assert any(f.section == "ADVERSE REACTIONS" and f.code in ("changed", "stray") for f in result.findings)


def test_a_number_added_to_a_clinical_section_is_stray():
    result = verify_edit(
        "cerebrolysin",
        "package-insert",
        "Cerebrolysin is a peptide-based",
        "At 100 mL/day, Cerebrolysin is a peptide-based",
    )
    assert any(f.code in ("stray", "off-label") and f.found and "100" in f.found for f in result.findings)


def test_a_population_added_to_the_indications():
    result = verify_edit(
        "cerebrolysin", "package-insert", "Stroke recovery (1)", "Stroke recovery in adults and children (1)"
    )
    assert ("INDICATIONS AND USAGE", "populations", "population") in codes(result)


# Correct documents: a word processor's repeated table header and the document's own words reworded around the
# numbers are no findings.


def test_a_table_header_repeated_on_the_next_page_is_layout():
    text = document_rows("adalimumab", "package-insert")
    header = "Adverse reaction | HUMIRA (N = 705) | Placebo (N = 690)"
    assert header in text
    rows = text.split(header)
    edited = rows[0] + header + rows[1].replace("\nHeadache |", f"\n{header}\nHeadache |", 1) + header.join(rows[2:])
    result = verify_text(edited, DOCUMENT_KINDS["package-insert"], label("adalimumab"), "package-insert")
    assert [str(f) for f in result.findings] == []


def test_a_threshold_worded_otherwise_is_the_same_threshold():
    result = verify_edit("adalimumab", "package-insert", "(incidence more than 10%)", "(incidence >10%)")
    assert [str(f) for f in result.findings] == []
