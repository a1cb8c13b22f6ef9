"""LBL4xx: readability and layout — what a patient can read and what the rendered pages measure."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labeling.documents import DOCUMENT_KINDS, PATIENT
from labeling.lint import WARNING, Hit, LintContext, Rule, register
from labeling.lint.text import raw_paths
from labeling.reach import is_patient_field, kinds_of

if TYPE_CHECKING:
    from labeling.doctree import Document
    from labeling.model import Label

READING_GRADE_MAX = 8  # USP <1265>: aim at 6th grade, never above 8th
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
    not the content's to simplify, and are left out."""
    graded = []
    for _, section in document.sections():
        pieces: list[str] = []
        words: dict[tuple[Any, ...], int] = {}
        for unit in section.units(nested=False):
            for run in unit.runs:
                raw = paths.get(run.source)
                if raw is None or not run.text.strip() or \
                        not any(isinstance(p, str) and is_patient_field(p) for p in raw):
                    continue
                pieces.append(run.text)
                words[raw] = words.get(raw, 0) + len(run.text.split())
        text = " ".join(t if t.endswith(_ENDS_SENTENCE) else t + "." for t in (" ".join(p.split()) for p in pieces))
        graded.append(GradedSection(document.kind, " ".join(section.heading.text.split()), text, words))
    return graded


@register
class PatientReadingGrade(Rule):
    """What it does: computes the reading grade (Flesch–Kincaid, as textstat computes it) of the patient wording
    in each section of the label's patient document — FDA Patient Information for a US label, the package
    leaflet for an EU one — as the tool composes it, and warns when it reads above grade 8
    (`reading-grade-max` in [tool.labeling.lint]). A grade level is its whole number: 8.3 reads at 8th grade.
    What is graded is what the content writes for patients (`patient_text`, `patient_name`, `what_it_is`, …);
    the regulator's stock sentences and the composer's quantities are the same in every label and are not. The
    finding points at the fact that gives the section most of its words; sections with fewer than 20 such
    words are too short to grade.

    Why is this bad? Patient labeling should read at a 6th-grade level and never above 8th (USP <1265>); a
    leaflet patients cannot understand fails user testing (find, understand, act).

    Example: `what_it_is: Notwithstanding the aforementioned pharmacotherapeutic considerations, …` → short
    sentences in everyday words.
    """

    code, name = "LBL401", "patient-reading-grade"
    severity = WARNING

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        from labeling.lint.reading_grade import flesch_kincaid_grade

        limit = float(ctx.options.get("reading-grade-max", READING_GRADE_MAX))
        paths = raw_paths(ctx)
        for kind in patient_kinds(ctx):
            for section in patient_wording(ctx.label, ctx.document(kind), paths):
                if len(section.text.split()) < 20:
                    continue
                grade = flesch_kincaid_grade(section.text)
                if math.floor(grade) > limit:
                    source = max(section.words, key=lambda raw: section.words[raw])
                    yield Hit(source, f"{kind} section {section.heading!r} reads at grade {grade:.1f} (above "
                                      f"grade {limit:g}): shorten sentences, use everyday words")


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
            minimum = float(configured.get(kind.name, MIN_TYPE_PT[kind.audience])) if isinstance(configured, dict) \
                else MIN_TYPE_PT[kind.audience]
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
