"""What the rules read: the free text of a label that reaches a document, the typed quantities, and which kinds
of quantity each fact could type.

Which text reaches a document is the reach table's knowledge (``labeling.reach``: reviewer notes, and facts
no document shows — non-approved uses and what only they use, claims that are not approved, uncited
references, gaps); it is asked here, never restated. Fields that hold identifiers (references to other facts)
or fixed choices (``status``, ``action``, a route's name) are not text a reader sees as written, so they are
left out too; the model's own field types say which those are.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from labeling.model import FactPath, Label, Population, walk
from labeling.quantities import (
    Age,
    AnyQuantity,
    BodyWeight,
    Concentration,
    Count,
    Dose,
    Duration,
    Frequency,
    Percentage,
    Quantity,
    QuantityError,
    RenalFunction,
    Strength,
    Temperature,
    Volume,
)
from labeling.reach import skip_unprinted

if TYPE_CHECKING:
    from labeling.language import Language

RawPath = tuple[Any, ...]


# --- field types, read from the model ------------------------------------------------------------------------


def _leaves(annotation: Any) -> Iterator[Any]:
    """The leaf types of an annotation: ``list[Id] | None`` → the Id's ``Annotated`` form."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield annotation
    elif origin in (typing.Union, types.UnionType, list, tuple, dict, set, frozenset):
        args = typing.get_args(annotation)
        for arg in args[-1:] if origin is dict else args:  # a dict's values, not its keys
            yield from _leaves(arg)
    else:
        yield annotation


def _is_words(annotation: Any, metadata: list[Any]) -> bool:
    """A string a reader sees as written: not an identifier (a pattern-constrained string) nor a fixed choice."""
    for leaf in _leaves(annotation):
        constraints = list(metadata)
        if typing.get_origin(leaf) is typing.Annotated:
            base, *extra = typing.get_args(leaf)
            constraints += extra
            leaf = base
        if typing.get_origin(leaf) is typing.Literal:
            return False
        if leaf is str:
            return not any(getattr(c, "pattern", None) for c in constraints)
    return False


@lru_cache(maxsize=256)
def words_field(model: type[BaseModel], name: str) -> bool:
    """Whether ``model.name`` holds words (``Text``), as opposed to ids, enumerations, numbers or quantities."""
    info: FieldInfo | None = model.model_fields.get(name)
    return info is not None and _is_words(info.annotation, list(info.metadata))


def _not_words(parent: Any, key: Any, value: Any) -> bool:
    """A ``walk`` filter: fields of a model that hold strings but not words (ids, references, choices)."""
    if not isinstance(parent, BaseModel) or not isinstance(key, str):
        return False
    holds_text = isinstance(value, str) or (isinstance(value, list) and any(isinstance(v, str) for v in value))
    return holds_text and not words_field(type(parent), key)


def document_texts(label: Label) -> Iterator[tuple[FactPath, str]]:
    """Every string a document may print, with its path (reach decides what is printed at all)."""
    unprinted = skip_unprinted(label)

    def skip(parent: Any, key: Any, value: Any) -> bool:
        return unprinted(parent, key, value) or _not_words(parent, key, value)

    return ((path, node) for path, node in walk(label, skip=skip) if isinstance(node, str))


def typed_quantities(label: Label) -> Iterator[tuple[FactPath, Quantity]]:
    """Every typed quantity with its path (all of them: typed facts are checked wherever they are)."""
    return ((path, node) for path, node in walk(label) if isinstance(node, Quantity))


def shared_document_texts(ctx: Any) -> list[tuple[RawPath, str]]:
    """The document texts of a lint run, collected once for every rule that reads them."""
    return ctx.memo("document_texts", lambda: [(path.raw, text) for path, text in document_texts(ctx.label)])


def shared_raw_quantities(ctx: Any) -> list[tuple[RawPath, str]]:
    """What the editor wrote for each typed quantity (``5.0 mL/day`` parses, and prints as ``5 mL/day``)."""
    return ctx.memo("raw_quantities", lambda: [(path.raw, q.raw) for path, q in typed_quantities(ctx.label) if q.raw])


# --- which kinds of quantity a fact can type -----------------------------------------------------------------

# The typed kinds, most specific first; ``kinds_of`` tries each one's own check.
QUANTITY_KINDS: tuple[type[Quantity], ...] = (
    RenalFunction,
    BodyWeight,
    Age,
    Temperature,
    Percentage,
    Dose,
    Concentration,
    Strength,
    Volume,
    Count,
    Duration,
    Frequency,
)


def kinds_of(quantity: Quantity) -> frozenset[type[Quantity]]:
    """The model's quantity kinds a quantity found in text fits (``48 hours``: a duration; ``30 mL/min/1.73 m²``:
    a renal function). A bare weight (``40 kg``) is a body weight, never a dose; a frequency (``every 12 hours``,
    ``every day``) is only a frequency, never the duration or age its interval would be alone."""
    if quantity.unit == "kg" and quantity.per is None and quantity.basis is None:
        return frozenset({BodyWeight})
    if isinstance(quantity, Frequency):
        return frozenset({Frequency}) if valued(quantity) else frozenset()
    fits = set()
    for kind in QUANTITY_KINDS:
        if kind is Frequency and quantity.unit != "time":
            continue  # "48 hours" is a time; "every 48 hours" is a frequency
        try:
            kind.check_kind(quantity)
        except (QuantityError, KeyError, TypeError, ValueError):
            continue
        fits.add(kind)
    return frozenset(fits)


@lru_cache(maxsize=256)
def slots(model: type[BaseModel], nested: bool = True) -> frozenset[type[Quantity]]:
    """The quantity kinds a model has fields for (``nested``: and the records inside it). A field named
    ``population`` refers to a population (``labeling.model.reference_problems``), whose bands are typed there.
    A fact's ``values`` (typed numbers its texts place) take any quantity and are not counted here."""
    found: set[type[Quantity]] = set()
    for name, info in model.model_fields.items():
        if name == "values":
            continue
        if name == "population" and not _is_words(info.annotation, list(info.metadata)):
            found |= slots(Population)
        for leaf in _leaves(info.annotation):
            if typing.get_origin(leaf) is typing.Annotated:
                leaf = typing.get_args(leaf)[0]
            if isinstance(leaf, type) and issubclass(leaf, AnyQuantity):
                continue
            if isinstance(leaf, type) and issubclass(leaf, Quantity):
                found.add(leaf)
            elif nested and isinstance(leaf, type) and issubclass(leaf, BaseModel) and leaf is not model:
                found |= slots(leaf)
    return frozenset(found)


def valued(quantity: Quantity) -> bool:
    """Whether a quantity can be written as a typed value (``values: {name: …}``)."""
    try:
        AnyQuantity.check_kind(quantity)
    except (QuantityError, KeyError, TypeError, ValueError):
        return False
    return True


def holder(label: Label, raw: RawPath) -> BaseModel:
    """The record whose field holds the value at ``raw`` (a fact, or a record inside one such as a timing)."""
    node: Any = label
    record: BaseModel = label
    for part in raw[:-1]:
        node = node[part] if isinstance(part, int) else getattr(node, part, None)
        if isinstance(node, BaseModel):
            record = node
    return record


def raw_paths(ctx: Any) -> dict[str, RawPath]:
    """Path text (``dosing.regimens[x].dose``) → raw path, for facts named by the composed documents."""
    return ctx.memo("raw_paths", lambda: {path.text: path.raw for path, _ in walk(ctx.label)})


# --- words from the language layer ------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def word_pattern(lang: Language, *keys: str) -> re.Pattern[str] | None:
    """A case-insensitive pattern for the words of the language's lists ``keys``, whole words only; None when
    the language has none of them."""
    words = sorted({w for key in keys for w in lang.synonyms(key) if w}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)
