"""Sections are found however another agency or a word processor sets their headings, and a section printed
twice is checked in every copy and reported."""

from __future__ import annotations

import re

import pytest
from helpers import corpus_label as label
from helpers import document_rows

from labeling.compose import compose
from labeling.documents import DOCUMENT_KINDS
from labeling.verify import verify_text

PRODUCTS = ["cerebrolysin", "amoxicillin", "warfarin"]


def headings(product: str, kind_name: str) -> set[str]:
    tree = compose(label(product), DOCUMENT_KINDS[kind_name])
    return {section.heading.text.replace("\u00a0", " ") for _, section in tree.sections()}


def restyled(product: str, kind_name: str, style) -> str:  # type: ignore[no-untyped-def]
    """The document with every section heading line rewritten by ``style``."""
    names = headings(product, kind_name)
    text = document_rows(product, kind_name)
    return "\n".join(style(line) if line in names else line for line in text.splitlines())


def findings(product: str, kind_name: str, text: str) -> list[str]:
    result = verify_text(text, DOCUMENT_KINDS[kind_name], label(product), kind_name)
    return [str(f) for f in result.findings]


def title_case(line: str) -> str:
    return re.sub(r"[A-Za-z]+", lambda m: m.group(0).capitalize(), line)


STYLES = {
    "title case": title_case,
    "numbered with a period": lambda line: re.sub(r"^(\d+(?:\.\d+)*) ", r"\1. ", line),
    "number left to Word's list numbering": lambda line: re.sub(r"^\d+(?:\.\d+)* ", "", line),
    "letter-spaced capitals": lambda line: line if re.search(r"\d", line) or len(line) > 30 else " ".join(line.upper()),
}


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("product", PRODUCTS)
@pytest.mark.parametrize("kind_name", ["package-insert", "product-sheet"])
def test_headings_set_otherwise_are_found(kind_name, product, style):
    text = restyled(product, kind_name, STYLES[style])
    assert findings(product, kind_name, text) == []


def section_block(text: str, heading: str, next_heading: str) -> str:
    start = text.index("\n" + heading + "\n") + 1
    return text[start : text.index("\n" + next_heading + "\n", start) + 1]


def test_a_section_printed_twice_is_reported_and_each_copy_checked():
    text = document_rows("cerebrolysin", "product-sheet")
    storage = section_block(text, "Storage", "Important safety information")
    stale = storage.replace("2–8 °C", "2–10 °C")
    edited = text.replace(storage, stale + storage)  # an old copy left above the new one
    result = verify_text(edited, DOCUMENT_KINDS["product-sheet"], label("cerebrolysin"), "product-sheet")
    codes = {(f.fact, f.code) for f in result.findings}
    assert ("sections", "duplicate") in codes
    assert any(code == "changed" and fact.startswith("storage.conditions[reconstituted]") for fact, code in codes)


def test_a_section_printed_twice_alike_is_still_reported():
    text = document_rows("amoxicillin", "product-sheet")
    storage = section_block(text, "Storage", "Important safety information")
    result = verify_text(
        text.replace(storage, storage + storage), DOCUMENT_KINDS["product-sheet"], label("amoxicillin"), "product-sheet"
    )
    assert [f.code for f in result.findings] == ["duplicate"]


def test_a_line_that_merely_repeats_a_heading_inside_a_sentence_is_no_copy():
    text = document_rows("cerebrolysin", "product-sheet")
    edited = text.replace("Freezing may denature", "See Storage. Freezing may denature")
    assert findings("cerebrolysin", "product-sheet", edited) == []
