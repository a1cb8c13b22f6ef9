"""The free text of a label that can reach a document, with its path: what the notation rules read.

Reviewer notes (reasons, sources, gaps) and material that never reaches a document (non-approved uses and
their regimens, claims that are not approved) are left out: notation matters where a reader will see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from labeling.model import Claim, Gap, Indication, Label, Reference, Regimen, Suppression
from labeling.quantities import Quantity

NOTE_FIELDS = {"status_reason", "source", "scope_reason", "note", "rationale", "id", "about"}
# A claim's reason is the reviewer's; a population's reason is printed ("…, to minimize adverse effects").
NOTE_FIELDS_OF = {Claim: {"reason"}}


def _hidden(node: Any, label: Label) -> bool:
    if isinstance(node, (Gap, Suppression)):
        return True
    if isinstance(node, Indication):
        return node.status != "approved"
    if isinstance(node, Regimen):
        return node not in label.approved_regimens
    if isinstance(node, Claim):
        return node.status != "approved"
    if isinstance(node, Reference):
        return node.status != "cited"
    return False


def document_texts(label: Label) -> Iterator[tuple[tuple[Any, ...], str]]:
    yield from _walk(label, (), label)


def _walk(node: Any, path: tuple[Any, ...], label: Label) -> Iterator[tuple[tuple[Any, ...], str]]:
    if _hidden(node, label):
        return
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            if name in NOTE_FIELDS or name in NOTE_FIELDS_OF.get(type(node), ()):
                continue
            yield from _walk(getattr(node, name), path + (name,), label)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, path + (index,), label)
    elif isinstance(node, str):
        yield path, node


def typed_quantities(label: Label) -> Iterator[tuple[tuple[Any, ...], Quantity]]:
    """Every typed quantity with its path (all of them: typed facts are checked wherever they are)."""
    yield from _quantities_in(label, ())


def _quantities_in(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Quantity]]:
    if isinstance(node, Quantity):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _quantities_in(getattr(node, name), path + (name,))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _quantities_in(item, path + (index,))
