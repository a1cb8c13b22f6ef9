"""The language layer: every word a document prints or the verifier reads back, one module per language.

A language module (``en.py``) holds only words: stock phrases with the rule that requires each, section
headings per document kind, and the small words quantities, lists, dates and routes are made of. Nothing here
is logic; code asks for words by key, so a second language is one module (plus, if it needs other layouts, a
template folder ``templates/<code>/``). Patterns that read documents back are built from these words (see
``labeling.quantities`` and ``labeling.vocabulary``), never written as regular expressions in a language.
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any


class UnknownLanguage(LookupError):
    """A label asks for a language that has no module."""


@dataclass(frozen=True)
class Phrase:
    """A registered stock phrase: the only sentences a document may print that are not made of facts."""

    id: str
    text: str  # with {slots} that the composer fills from facts
    rule: str  # why the phrase exists: the regulation or house rule that requires it

    @property
    def slots(self) -> tuple[str, ...]:
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.text) if name)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per language
class Language:
    code: str
    name: str
    phrases: Mapping[str, Phrase]
    headings: Mapping[str, Mapping[str, str]]  # document kind → section key → heading
    words: Mapping[str, str]  # single words and short forms, by key
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # synonyms read back, by key

    # -- lookups -------------------------------------------------------------------------------------------
    def phrase(self, key: str) -> Phrase:
        try:
            return self.phrases[key]
        except KeyError:
            raise KeyError(f"language {self.code!r} has no phrase {key!r}") from None

    def word(self, key: str) -> str:
        try:
            return self.words[key]
        except KeyError:
            raise KeyError(f"language {self.code!r} has no word {key!r}") from None

    def synonyms(self, key: str) -> tuple[str, ...]:
        return self.lists.get(key, ())

    def heading(self, kind: str, key: str) -> str:
        try:
            return self.headings[kind][key]
        except KeyError:
            raise KeyError(f"language {self.code!r} has no heading for {kind}/{key}") from None

    def join(self, items: list[str], conjunction: str = "and") -> str:
        """``a, b and c`` with this language's conjunction and separator."""
        items = [i for i in items if i]
        if len(items) <= 1:
            return "".join(items)
        return f"{self.word('list.separator').join(items[:-1])} {self.word(conjunction)} {items[-1]}"

    def month(self, number: int) -> str:
        return self.word(f"month.{number}")

    def transformed(self, code: str, name: str, change: Callable[[str], str]) -> Language:
        """The same language with every word passed through ``change`` (slots kept): a pseudo-locale."""

        def text(value: str) -> str:
            parts = []
            for literal, slot, spec, conversion in string.Formatter().parse(value):
                parts.append(change(literal) if literal else "")
                if slot is not None:
                    parts.append(
                        "{" + slot + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
                    )
            return "".join(parts)

        return Language(
            code,
            name,
            {k: Phrase(p.id, text(p.text), p.rule) for k, p in self.phrases.items()},
            {kind: {k: text(v) for k, v in headings.items()} for kind, headings in self.headings.items()},
            {k: (v if k in UNTRANSLATED_WORDS else text(v)) for k, v in self.words.items()},
            {k: tuple(change(v) for v in values) for k, values in self.lists.items()},
        )


# Words that are notation, not language: separators and symbols every language module keeps as they are.
UNTRANSLATED_WORDS = frozenset(
    {"list.separator", "list.separator.strong", "number.decimal", "number.group", "range.dash", "per.symbol"}
)

_MODULES: dict[str, str] = {"en": "labeling.language.en"}
_REGISTERED: dict[str, Language] = {}


def register(language: Language) -> Language:
    """Add a language built in code (a pseudo-locale, a test language); modules are found by code."""
    _REGISTERED[language.code] = language
    language_for.cache_clear()
    return language


def available() -> list[str]:
    return sorted(set(_MODULES) | set(_REGISTERED))


@lru_cache(maxsize=16)
def language_for(code: str) -> Language:
    """The language for a label's ``language`` code ("en", "en-US" → en)."""
    if code in _REGISTERED:
        return _REGISTERED[code]
    base = code.split("-")[0]
    if base in _REGISTERED:
        return _REGISTERED[base]
    module_name = _MODULES.get(code) or _MODULES.get(base)
    if module_name is None:
        raise UnknownLanguage(f"no language module for {code!r} (available: {', '.join(available())})")
    return from_module(importlib.import_module(module_name))


def from_module(module: ModuleType) -> Language:
    attrs: dict[str, Any] = vars(module)
    phrases = {key: Phrase(key, text, rule) for key, (text, rule) in attrs["PHRASES"].items()}
    return Language(attrs["CODE"], attrs["NAME"], phrases, attrs["HEADINGS"], attrs["WORDS"], attrs.get("LISTS", {}))


ENGLISH = "en"


def english() -> Language:
    return language_for(ENGLISH)
