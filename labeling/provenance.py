"""The provenance map: every sentence of every document, with the facts and stock phrases it is made of.

Written by ``labeling build --provenance`` as ``output/<id>/provenance.json``; a reviewer can trace any sentence
of any document back to the content lines it came from, and a test holds every sentence to being accounted for.
"""

from __future__ import annotations

import json
from typing import Any

from labeling.doctree import FURNITURE, HEADING, NUMBER, PHRASE, Document, Unit
from labeling.output import json_document

WORD = "word:"


def unit_entry(section: str, unit: Unit) -> dict[str, Any]:
    facts, phrases, structure = [], [], []
    for source in unit.sources:
        if source.startswith(PHRASE):
            phrases.append(source[len(PHRASE) :])
        elif source.startswith((WORD, HEADING, NUMBER, FURNITURE)):
            structure.append(source)
        else:
            facts.append(source)
    return {
        "section": section,
        "text": unit.text,
        "facts": list(dict.fromkeys(facts)),
        "phrases": list(dict.fromkeys(phrases)),
        "structure": list(dict.fromkeys(structure)),
    }


def document_entries(document: Document) -> list[dict[str, Any]]:
    entries = [unit_entry("front", u) for block in document.front for u in block.units()]
    for part in document.parts:
        if part.heading is not None:
            entries.append(unit_entry(part.key, part.heading))
        entries += [unit_entry(part.key, u) for block in part.blocks for u in block.units()]
        for section in part.sections:
            for inner in section.walk():
                entries.append(unit_entry(inner.id, inner.heading))
                entries += [unit_entry(inner.id, u) for u in inner.units(nested=False)]
    for name in ("header", "footer", "banner"):
        unit = getattr(document, name)
        if unit is not None:
            entries.append(unit_entry(name, unit))
    return entries


def provenance_json(product: str, documents: dict[str, Document]) -> str:
    return json_document(
        "provenance",
        {"product": product, "documents": {kind: document_entries(tree) for kind, tree in documents.items()}},
    )


__all__ = ["document_entries", "json", "provenance_json"]
