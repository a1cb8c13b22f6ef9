"""Running headers and footers are dropped from read PDF text; body lines that happen to recur at page edges are not."""

from __future__ import annotations

from labeling.extract.artifact import strip_page_furniture


def page(*lines: str) -> str:
    return "\n".join(lines)


def test_a_running_header_and_footer_are_dropped():
    pages = [
        page("Title page", "body one", "Page 1 of 3"),
        page("Product: Package leaflet", "body two", "Page 2 of 3"),
        page("Product: Package leaflet", "body three", "Page 3 of 3"),
    ]
    assert strip_page_furniture(pages) == ["Title page\nbody one", "body two", "body three"]


def test_a_heading_fragment_opening_a_column_on_some_pages_is_kept():
    """'Cerebrolysin is' wraps out of '1. What Cerebrolysin is…' and '3. How Cerebrolysin is given' at the top of
    two of four pages: it is text, not a header."""
    pages = [
        page("Intro", "text", "Product: Leaflet", "Page 1 of 4"),
        page("1. What", "Cerebrolysin is", "and what it is used for", "Product: Leaflet", "Page 2 of 4"),
        page("3. How", "Cerebrolysin is", "given", "Product: Leaflet", "Page 3 of 4"),
        page("storage", "Product: Leaflet", "Page 4 of 4"),
    ]
    cleaned = strip_page_furniture(pages)
    assert cleaned[1] == "1. What\nCerebrolysin is\nand what it is used for"
    assert cleaned[2] == "3. How\nCerebrolysin is\ngiven"
    assert cleaned[3] == "storage"


def test_alternating_left_and_right_headers_are_dropped():
    pages = [
        page(header, body, str(number + 1))
        for number, (header, body) in enumerate(zip(["Product Insert", "Revised 11/2026"] * 3, "abcdef", strict=True))
    ]
    assert strip_page_furniture(pages) == list("abcdef")


def test_a_single_page_keeps_everything():
    assert strip_page_furniture([page("Product: Leaflet", "body")]) == ["Product: Leaflet\nbody"]
