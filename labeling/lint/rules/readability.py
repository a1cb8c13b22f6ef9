"""LBL4xx: readability and layout — what a patient can read and what the rendered pages measure."""

from __future__ import annotations

from collections.abc import Iterable

from labeling.documents import PACKAGE_INSERT, PATIENT_LEAFLET
from labeling.lint import WARNING, Hit, LintContext, Rule, register

READING_GRADE_MAX = 8  # USP <1265>: aim at 6th grade, never above 8th
MIN_TYPE_PT = {PACKAGE_INSERT.filename: 8.0, PATIENT_LEAFLET.filename: 9.0}  # PLR; QRD (unconfirmed: 9 pt)


@register
class LeafletReadingGrade(Rule):
    """What it does: computes the reading grade (Flesch–Kincaid, textstat) of each patient leaflet section as
    this tool renders it, and warns above grade 8 (`reading-grade-max` in [tool.labeling.lint]).

    Why is this bad? Patient labeling should read at a 6th-grade level and never above 8th (USP <1265>); a
    leaflet patients cannot understand fails user testing (find, understand, act).
    """

    code, name = "LBL401", "leaflet-reading-grade"
    severity = WARNING

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        from labeling.extract.sections import split_sections
        from labeling.lint.reading_grade import flesch_kincaid_grade
        from labeling.render.html import render_markup
        from labeling.verify import markup_text

        label = ctx.label
        limit = float(ctx.options.get("reading-grade-max", READING_GRADE_MAX))
        text = markup_text(render_markup(label, PATIENT_LEAFLET), sentences=True)
        sections = split_sections(text, PATIENT_LEAFLET, label)
        for key, section in sections.items():
            if len(section.text.split()) < 20:
                continue
            grade = flesch_kincaid_grade(section.text)
            if grade > limit:
                yield Hit(("patient",), f"leaflet section {section.heading!r} reads at grade {grade:.1f} "
                                        f"(target {limit:g} or below): shorten sentences, use everyday words")


@register
class MinimumTypeSize(Rule):
    """What it does: measures the smallest type on the built PDFs (the `output/<id>/` folder, when built):
    package insert at least 8 pt (PLR), patient leaflet at least 9 pt (`min-type-pt` in [tool.labeling.lint]).

    Why is this bad? Text below the minimum is a regulatory deficiency and unreadable for many patients.
    Measured on the artifact, not the stylesheet, so a template or style change cannot slip past.
    """

    code, name = "LBL402", "minimum-type-size"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        if ctx.artifacts is None:
            return
        configured = ctx.options.get("min-type-pt", {})
        for filename, default in MIN_TYPE_PT.items():
            path = ctx.artifacts / filename
            if not path.is_file():
                continue
            minimum = float(configured.get(filename.split(".")[0], default)) if isinstance(configured, dict) \
                else default
            from labeling.extract.pdf import smallest_type

            smallest = smallest_type(path)
            if smallest is not None and smallest + 0.05 < minimum:
                yield Hit(("product", "id"), f"{filename}: smallest type is {smallest:.1f} pt, below {minimum:g} pt")

