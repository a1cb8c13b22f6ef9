"""Patterns for reading a language back out of documents, built from its words (never written by hand).

The verifier and lint both need to recognise a route named in running text, "do not freeze", "use
immediately", a protection from light: the words are the language's (``labeling.language``), the patterns are
made here, once per language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import get_args

from labeling.language import Language
from labeling.model import Protection, RouteName

# The model's own lists: a route or protection the model gains is recognised in documents with no edit here.
ROUTES: tuple[str, ...] = get_args(RouteName)
PROTECTIONS: tuple[str, ...] = get_args(Protection)
# The populations a dosing section is read for by their words (each a list ``population.<group>`` of a language).
POPULATION_GROUPS = ("adult", "pediatric", "geriatric")


def _words(words: list[str] | tuple[str, ...]) -> str:
    unique = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in unique)


@dataclass(frozen=True)
class Vocabulary:
    routes: dict[str, re.Pattern[str]]  # route name → how it may be named (abbreviations in capitals only)
    freeze: re.Pattern[str]
    immediately: re.Pattern[str]
    protections: dict[str, re.Pattern[str]]
    populations: dict[str, re.Pattern[str]]  # adult, pediatric, geriatric → the words that name one


@lru_cache(maxsize=8)
def vocabulary(lang: Language) -> Vocabulary:
    routes = {}
    for route in ROUTES:
        words = [
            *lang.synonyms(f"route.{route}"),
            lang.words.get(f"route.{route}", ""),
            lang.words.get(f"routeadv.{route}", ""),
            lang.words.get(f"proute.{route}", ""),
        ]
        pattern = rf"(?i:(?<!\w)(?:{_words(words)})(?!\w))"
        abbreviations = lang.synonyms(f"abbr.{route}")
        if abbreviations:
            pattern += rf"|\b(?:{_words(abbreviations)})\b"
        routes[route] = re.compile(pattern)
    freeze = re.compile(
        _words(
            [
                *lang.synonyms("freeze"),
                lang.phrase("store.do-not-freeze").text.rstrip("."),
                lang.phrase("pt.do-not-freeze").text.rstrip("."),
            ]
        ),
        re.I,
    )
    # "Use immediately", but not the condition "if not used immediately" that follows it.
    stock = _words(
        [lang.phrase("pt.use-straight-away").text.rstrip("."), lang.phrase("store.use-immediately").text.rstrip(".")]
    )
    immediately = re.compile(
        rf"(?<!not )(?<!\w)(?:{_words(lang.synonyms('use'))})\s+(?:\S+\s+){{0,3}}?"
        rf"(?:{_words(lang.synonyms('immediately'))})|{stock}",
        re.I,
    )
    # A protection is stated where a lead says it ("protect from", "keep away from"), up to a few words before it
    # ("protect from heat and light"): not wherever the word stands ("light-resistant container").
    leads = [lang.phrase(k).text.split("{")[0].strip() for k in ("store.protect", "pt.keep-away") if k in lang.phrases]
    lead = _words([*lang.synonyms("protect.lead"), *leads])
    protections = {
        p: re.compile(
            (rf"(?:{lead})\s+(?:\S+\s+){{0,4}}?" if lead else "")
            + rf"(?<!\w)(?:{_words([*lang.synonyms(f'protect.{p}'), lang.word(f'protect.{p}')])})"
            rf"(?!\w)",
            re.I,
        )
        for p in PROTECTIONS
    }
    populations = {
        group: re.compile(rf"(?<![\w-])(?:{_words(lang.synonyms(f'population.{group}'))})(?![\w-])", re.I)
        for group in POPULATION_GROUPS
        if lang.synonyms(f"population.{group}")
    }
    return Vocabulary(routes, freeze, immediately, protections, populations)
