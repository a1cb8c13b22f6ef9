"""Polarity (issue 14): a negation dropped from or added to a statement a document must make is a finding; the
same statement worded otherwise is not.

The errors are generated from every corpus label's own documents, not listed by hand: in each checked section
(dosing, storage, contraindications) every negated statement loses its negation ("If not used immediately" →
"If used immediately", "Do not use X if:" → "Use X if:"), and every statement gains one ("Store at …" →
"Do not store at …"). The documents are the composed texts as a reader gets them back (headings and units, one
per line); the layout-level reading is covered by the mutation suites.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import corpus_label, document_text, plain

from labeling.compose import compose
from labeling.documents import DOCUMENT_KINDS, outputs_for
from labeling.verify import verify_text

pytestmark = pytest.mark.slow  # about 400 generated flips over every corpus document

ROOT = Path(__file__).resolve().parent.parent
PRODUCTS = sorted(p.stem for p in (ROOT / "content").glob("*.yaml"))
NEGATED = re.compile(r"\b(?:(?P<aux>[Dd]o(?:es)? )not |not |never )")
NEGATED_START = re.compile(r"(?:do(?:es)? not|not|never|no)\b", re.IGNORECASE)


def label(product: str):
    return corpus_label(product)


def checked_units(product: str, kind_name: str):
    kind = DOCUMENT_KINDS[kind_name]
    checked = {spec.key for spec in kind.sections() if spec.checks}
    tree = compose(label(product), kind)
    for _, section in tree.sections():
        if section.key in checked:
            yield from (u for u in section.units() if u.text.strip())


def cases(make):
    found = []
    for product in PRODUCTS:
        for output in outputs_for(label(product)):
            seen = set()
            for unit in checked_units(product, output.kind):
                mutated = make(plain(unit.text))
                if mutated and mutated != plain(unit.text) and unit.text not in seen:
                    seen.add(unit.text)
                    found.append(
                        pytest.param(product, output.kind, unit, mutated, id=f"{product}-{output.kind}-{len(seen)}")
                    )
    return found


def drop_negation(text: str) -> str | None:
    match = NEGATED.search(text)
    if match is None:
        return None
    rest = text[match.end() :]
    if match.start() == 0 or text[match.start() - 2 : match.start()] in (". ", ": "):
        rest = rest[:1].upper() + rest[1:]  # "Do not use X if:" → "Use X if:"
    return text[: match.start()] + rest


def add_negation(text: str) -> str | None:
    """An instruction (four words or more, ending with a full stop) told not to: "Store at …" → "Do not store at
    …"; after a short label ("HUMIRA: Keep at …") the instruction is the part after the colon."""
    if len(text.split()) < 4 or not text.rstrip().endswith("."):
        return None
    label_, colon, _ = text.partition(": ")
    at = len(label_) + 2 if colon and len(label_.split()) <= 6 else 0
    head = text[at:]
    if NEGATED_START.match(head) or not head[:1].isupper() or not head.split()[0].isalpha():
        return None
    return text[:at] + "Do not " + head[:1].lower() + head[1:]


def verify_mutated(product: str, kind_name: str, unit, mutated: str):
    kind = DOCUMENT_KINDS[kind_name]
    text = document_text(compose(label(product), kind))
    assert plain(unit.text) in text
    return verify_text(text.replace(plain(unit.text), mutated, 1), kind, label(product), kind_name)


DROPPED = cases(drop_negation)
ADDED = cases(add_negation)


def test_the_generated_errors_reach_the_corpus():
    assert {p.values[0] for p in DROPPED} >= {"cerebrolysin", "warfarin", "metformin"}
    assert len(DROPPED) >= 15 and len(ADDED) >= 40


@pytest.mark.parametrize(("product", "kind_name", "unit", "mutated"), DROPPED)
def test_a_dropped_negation_is_caught(product, kind_name, unit, mutated):
    result = verify_mutated(product, kind_name, unit, mutated)
    assert not result.ok, (unit.text, mutated)


@pytest.mark.parametrize(("product", "kind_name", "unit", "mutated"), ADDED)
def test_an_added_negation_is_caught(product, kind_name, unit, mutated):
    result = verify_mutated(product, kind_name, unit, mutated)
    assert not result.ok, (unit.text, mutated)


def test_a_flip_names_the_statement_and_the_fact():
    kind = DOCUMENT_KINDS["patient-information"]
    text = document_text(compose(label("cerebrolysin"), kind))
    assert "If not used immediately" in text
    result = verify_text(
        text.replace("If not used immediately", "If used immediately"), kind, label("cerebrolysin"), "pi"
    )
    (flip,) = [f for f in result.findings if f.code == "polarity"]
    assert flip.fact == "storage.conditions[reconstituted]"
    assert "if not used immediately" in flip.expected and "if used immediately" in flip.found


@pytest.mark.parametrize(
    ("kind_name", "old", "new"),
    [
        ("patient-information", "If not used immediately", "If it is not used immediately"),
        ("patient-information", "for no longer than 24 hours", "for not longer than 24 hours"),
        ("package-insert", "for up to 24 hours", "for no longer than 24 hours"),
        ("product-sheet", "for up to 24 hours", "for not more than 24 hours"),
        ("package-insert", "If not used immediately", "When not used immediately"),
    ],
)
def test_the_same_statement_worded_otherwise_is_not_a_flip(kind_name, old, new):
    kind = DOCUMENT_KINDS[kind_name]
    text = document_text(compose(label("cerebrolysin"), kind))
    assert old in text, old
    result = verify_text(text.replace(old, new, 1), kind, label("cerebrolysin"), kind_name)
    assert [str(f) for f in result.findings] == []


def test_every_corpus_document_as_composed_has_no_flip():
    for product in PRODUCTS:
        for output in outputs_for(label(product)):
            kind = DOCUMENT_KINDS[output.kind]
            result = verify_text(document_text(compose(label(product), kind)), kind, label(product), output.kind)
            assert result.findings == [], (product, output.kind, [str(f) for f in result.findings])
