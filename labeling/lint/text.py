"""The free text of a label that can reach a document, with its path: what the notation rules read.

Reviewer notes (reasons, sources, gaps) and material that never reaches a document (non-approved uses and
their regimens, routes and cycling only those use, claims that are not approved) are left out: notation
matters where a reader will see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from labeling.model import (Claim, Cycling, Gap, Indication, Label, Reference, Regimen, Route, Suppression,
                            walk)
from labeling.quantities import Quantity

NOTE_FIELDS = {"status_reason", "source", "scope_reason", "note", "rationale", "id", "about"}
# A claim's reason is the reviewer's; a population's reason is printed ("…, to minimize adverse effects").
NOTE_FIELDS_OF = {Claim: {"reason"}}


def hidden(node: Any, label: Label) -> bool:
    """Whether this part of the content never reaches a document."""
    if isinstance(node, (Gap, Suppression)):
        return True
    if isinstance(node, Indication):
        return node.status != "approved"
    if isinstance(node, Regimen):
        return node not in label.approved_regimens
    if isinstance(node, Route):
        return node not in label.labelled_routes
    if isinstance(node, Cycling):
        return label.cycling is not node
    if isinstance(node, Claim):
        return node.status != "approved"
    if isinstance(node, Reference):
        return node.status != "cited"
    return False


def document_texts(label: Label) -> Iterator[tuple[tuple[Any, ...], str]]:
    def skip(parent: Any, key: Any, value: Any) -> bool:
        return key in NOTE_FIELDS or key in NOTE_FIELDS_OF.get(type(parent), ()) or hidden(value, label)

    return ((path, node) for path, node in walk(label, skip=skip) if isinstance(node, str))


def typed_quantities(label: Label) -> Iterator[tuple[tuple[Any, ...], Quantity]]:
    """Every typed quantity with its path (all of them: typed facts are checked wherever they are)."""
    return ((path, node) for path, node in walk(label) if isinstance(node, Quantity))


def shared_document_texts(ctx: Any) -> list[tuple[tuple[Any, ...], str]]:
    """The document texts of a lint run, collected once for every rule that reads them."""
    return ctx.memo("document_texts", lambda: list(document_texts(ctx.label)))
