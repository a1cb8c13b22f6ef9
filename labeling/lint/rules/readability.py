"""LBL4xx: readability and layout — what a patient can read and what the rendered pages measure."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labeling.documents import DOCUMENT_KINDS, PATIENT
from labeling.lint import WARNING, Hit, LintContext, Rule, register
from labeling.lint.text import raw_paths
from labeling.model import CoAgent
from labeling.reach import is_patient_field, kinds_of

if TYPE_CHECKING:
    from labeling.doctree import Document, Run
    from labeling.model import Label

READING_GRADE_MAX = 8  # USP <1265>: aim at 6th grade, never above 8th
PASSAGE_WORDS = 100  # the shortest passage a readability formula grades (Fry's samples are 100 words)
# PLR: all prescribing-information text at least 8 pt; patient labeling (Medication Guide, Patient Information,
# the leaflet) at least 10 pt. By audience, so a new kind gets its minimum without an entry here.
MIN_TYPE_PT = {"professional": 8.0, PATIENT: 10.0}
MANIFEST = "manifest.json"  # what the build writes beside the artifacts (labeling.build.MANIFEST)
_ENDS_SENTENCE = (".", "!", "?", ":", ";")


def pdf_kinds() -> set[str]:
    """The document kinds laid out as pages (a stylesheet of their own), each written as PDF: the keys
    `min-type-pt` accepts."""
    return {name for name, kind in DOCUMENT_KINDS.items() if kind.stylesheet}


def patient_kinds(ctx: LintContext) -> list[str]:
    """The patient documents of the label's market (US: Patient Information; EU: the package leaflet)."""
    return [k for k in kinds_of(ctx.label) if DOCUMENT_KINDS[k].audience == PATIENT]


@dataclass(frozen=True)
class GradedSection:
    kind: str
    heading: str
    text: str  # the patient wording the content gives the section, one sentence per piece
    words: dict[tuple[Any, ...], int]  # content path → words it gives the section


def patient_wording(label: Label, document: Document, paths: dict[str, tuple[Any, ...]]) -> list[GradedSection]:
    """Each section of a patient document with the words the content wrote for patients in it (``patient_*``
    fields and the patient record: reach's ``is_patient_field``), as a reader meets them, section by section.
    Stock phrases (the regulator's template wording) and the quantities and connectives the composer adds are
    not the content's to simplify, and are left out; a sentence they interrupt ("vomiting {onset} after a
    dose") stays one sentence, and each unit (paragraph, list item) ends one."""
    graded = []
    for _, section in document.sections():
        pieces: list[str] = []
        words: dict[tuple[Any, ...], int] = {}
        for unit in section.units(nested=False):
            text = _unit_wording(unit.runs, paths, words)
            if text:
                pieces.append(text if text.endswith(_ENDS_SENTENCE) else text + ".")
        graded.append(GradedSection(document.kind, " ".join(section.heading.text.split()), " ".join(pieces), words))
    return graded


def _unit_wording(runs: Iterable[Run], paths: dict[str, tuple[Any, ...]], words: dict[tuple[Any, ...], int]) -> str:
    """The content's patient wording in one unit, as the reader meets it: what is left out between two of its
    runs ends a sentence if it held a sentence's end (": 500 mg, by mouth."), and was a word or a number inside
    the sentence otherwise ("repeated vomiting 1 to 4 hours after a dose", "genitals (Adults)")."""
    text, skipped = "", ""
    for run in runs:
        raw = paths.get(run.source)
        if raw is None or not run.text.strip() or not any(isinstance(p, str) and is_patient_field(p) for p in raw):
            skipped += run.text
            continue
        if text:
            ends = any(mark in skipped for mark in _ENDS_SENTENCE) and not text.endswith(_ENDS_SENTENCE)
            text += ". " if ends else " "
        text += " ".join(run.text.split())
        skipped = ""
        words[raw] = words.get(raw, 0) + len(run.text.split())
    return text


def plain_terms(label: Label) -> list[str]:
    """Names the patient wording cannot put in everyday words: the product's own (proprietary and established
    names, the active ingredients and their moiety, "warfarin" of "warfarin sodium"), the other drugs it is
    given with or interacts with, and the label's names of the diseases it treats and of its risks (adverse
    reactions, warnings: "ulcerative colitis", "Stevens-Johnson syndrome", "lactic acidosis"), each also
    without a parenthesis that qualifies it ("hyperlipidemia (reported in European trials)")."""
    product = label.product
    names = [product.name, product.established_name, product.established_name.split()[0]]
    names += [i.name for i in product.ingredients if i.role == "active"]
    names += [a.agent if isinstance(a, CoAgent) else a for r in label.dosing.regimens for a in r.with_agents]
    names += [a for i in label.interactions for a in i.agents]
    names += [i.name for i in label.indications]
    if label.adverse_reactions is not None:
        names += [r.term for r in label.adverse_reactions.reactions]
    names += [w.title for w in label.warnings]
    if label.boxed_warning is not None:
        names.append(label.boxed_warning.title)
    terms = set()
    for name in names:
        for term in (name, _QUALIFIER.sub("", name)):
            term = " ".join(term.split())
            if term:
                terms.add(term)
    return sorted(terms, key=len, reverse=True)


_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
PLACEHOLDER = "X"  # one syllable: what a term counts for in the grade, once per word of it


def without_terms(text: str, terms: list[str]) -> str:
    """The text as graded: each of ``terms`` (whole words, any case, with a plural s) counts as words of one
    syllable. The reader still reads them (sentence length keeps them), but no wording could shorten them."""
    if not terms:
        return text
    alternatives = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in terms)
    pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?:e?s)?(?![\w-])", re.I)
    return pattern.sub(lambda m: " ".join(PLACEHOLDER for _ in m.group(0).split()), text)


def passages(sections: list[GradedSection]) -> list[list[GradedSection]]:
    """The passages graded: a section of at least ``PASSAGE_WORDS`` words on its own; shorter ones joined, in
    reading order, with the next short ones until they are that long (what is left at the end joins the last
    such passage). Short sections and nothing else amounting to fewer words are not graded."""
    graded: list[list[GradedSection]] = []
    joined: list[list[GradedSection]] = []
    current: list[GradedSection] = []
    for section in sections:
        size = len(section.text.split())
        if size >= PASSAGE_WORDS:
            graded.append([section])
        elif size:
            current.append(section)
            if sum(len(s.text.split()) for s in current) >= PASSAGE_WORDS:
                joined.append(current)
                current = []
    if current and joined:
        joined[-1] += current
    return graded + joined


@register
class PatientReadingGrade(Rule):
    """What it does: computes the reading grade (Flesch–Kincaid, as textstat computes it) of the patient wording
    in each section of the label's patient document — FDA Patient Information or Medication Guide for a US
    label, the package leaflet for an EU one — as the tool composes it, and warns when it reads above grade 8
    (`reading-grade-max` in [tool.labeling.lint]). A grade level is its whole number: 8.3 reads at 8th grade.

    What is graded is what the content writes for patients (`patient_text`, `patient_name`, `what_it_is`, …);
    the regulator's stock sentences and the composer's quantities are the same in every label and are not.
    Names that no plainer wording can replace count as words of one syllable — the product's proprietary and
    established names and active ingredients, the drugs it is given or interacts with, and the label's names
    of the diseases it treats and of its risks (indications, adverse reactions, warnings) — so the grade
    measures what a writer can change: a reader still reads them, but only their sentences can be shorter
    (a term explained in everyday words beside it, "hypoglycemia (low blood sugar)", is how plain language
    carries them). A readability formula needs a passage of about 100 words: a section with fewer is graded
    together with the next short sections of the document, in reading order, until they make one. The finding
    points at the fact that gives the passage most of its words.

    Patient labeling marked FDA-approved (`label.patient_labeling_approved: true`) is not graded: its wording
    is the approved text, which the content must carry as it is.

    Why is this bad? Patient labeling should read at a 6th-grade level and never above 8th (USP <1265>); a
    leaflet patients cannot understand fails user testing (find, understand, act).

    Example: `what_it_is: Notwithstanding the aforementioned pharmacotherapeutic considerations, …` → short
    sentences in everyday words.
    """

    code, name = "LBL401", "patient-reading-grade"
    severity = WARNING

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        from labeling.lint.reading_grade import flesch_kincaid_grade

        if ctx.label.label.patient_labeling_approved:
            return
        limit = float(ctx.options.get("reading-grade-max", READING_GRADE_MAX))
        paths = raw_paths(ctx)
        terms = plain_terms(ctx.label)
        for kind in patient_kinds(ctx):
            for passage in passages(patient_wording(ctx.label, ctx.document(kind), paths)):
                text = " ".join(s.text for s in passage)
                grade = flesch_kincaid_grade(without_terms(text, terms))
                if math.floor(grade) <= limit:
                    continue
                words: dict[tuple[Any, ...], int] = {}
                for section in passage:
                    for raw, count in section.words.items():
                        words[raw] = words.get(raw, 0) + count
                source = max(words, key=lambda raw: words[raw])
                where = (
                    f"section {passage[0].heading!r} reads"
                    if len(passage) == 1
                    else f"sections {', '.join(repr(s.heading) for s in passage)} (under {PASSAGE_WORDS} words "
                    "each, graded together) read"
                )
                yield Hit(
                    source,
                    f"{kind} {where} at grade {grade:.1f} (above grade {limit:g}): shorten "
                    "sentences, use everyday words",
                )


@register
class MinimumTypeSize(Rule):
    """What it does: measures the smallest type on each PDF the build wrote for the label (the artifacts its
    `output/<id>/manifest.json` lists): the package insert at least 8 pt (PLR), patient documents (Patient
    Information, a Medication Guide, the package leaflet) at least 10 pt (`min-type-pt` in
    [tool.labeling.lint], by document).

    Why is this bad? Text below the minimum is a regulatory deficiency and unreadable for many patients.
    Measured on the artifact, not the stylesheet, so a template or style change cannot slip past.

    Example: a footnote styled at 6 pt in the insert's stylesheet.
    """

    code, name = "LBL402", "minimum-type-size"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        if ctx.artifacts is None:
            return
        configured = ctx.options.get("min-type-pt", {})
        for name in _manifest_artifacts(ctx.artifacts):
            kind_name, _, extension = name.rpartition(".")
            kind = DOCUMENT_KINDS.get(kind_name)
            path = ctx.artifacts / name
            if extension != "pdf" or kind is None or not path.is_file():
                continue
            minimum = (
                float(configured.get(kind.name, MIN_TYPE_PT[kind.audience]))
                if isinstance(configured, dict)
                else MIN_TYPE_PT[kind.audience]
            )
            from labeling.extract.pdf import smallest_type

            smallest = smallest_type(path)
            if smallest is not None and smallest + 0.05 < minimum:
                yield Hit(("product", "id"), f"{name}: smallest type is {smallest:.1f} pt, below {minimum:g} pt")


def _manifest_artifacts(folder: Path) -> list[str]:
    """The artifacts the build recorded for this folder; none when it has no readable manifest (a folder of
    stale files is not measured)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    artifacts = manifest.get("artifacts", {}) if isinstance(manifest, dict) else {}
    return sorted(name for name in artifacts if isinstance(name, str) and "/" not in name and "\\" not in name)
