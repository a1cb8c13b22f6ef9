"""LBL3xx: completeness — what the PLR format and the label's own facts require to be there."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from labeling.lint import WARNING, Hit, LintContext, Rule, register
from labeling.lint.rules.coherence import gap_recorded

RMC_ELIGIBLE = {"boxed-warning", "indications", "dosage", "contraindications", "warnings"}
# A way to report: a telephone number (ten digits or more, or an international "+" number, or a US vanity
# number such as 1-800-FDA-1088), a web address (with or without www) or an e-mail address.
PHONE = re.compile(r"\+\d[\d\s().-]{6,}\d|\(?\d[\d\s().-]{8,}\d|\b1-8\d\d-[A-Z0-9]{2,}(?:-[A-Z0-9]+)*\b")
WEB = re.compile(r"https?://|\bwww\.|\S+@\S+\.\w+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|info|"
                 r"health|eu|int|[a-z]{2})\b(?!\.\w)", re.I)
YEARS = re.compile(r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\b")


def has_contact(text: str) -> bool:
    phone = PHONE.search(YEARS.sub(" ", text))
    digits = sum(c.isdigit() for c in phone.group(0)) if phone else 0
    return bool(phone and (digits >= 10 or phone.group(0).startswith(("+", "1-8")))) or bool(WEB.search(text))


@register
class ReportingContactIncomplete(Rule):
    """What it does: checks that the adverse-reaction contact gives a telephone number or web address.

    Why is this bad? PLR Highlights require "To report SUSPECTED ADVERSE REACTIONS, contact [manufacturer] at
    [phone]"; a company name alone gives the reader no way to report. A warning when the gap is recorded.
    """

    code, name = "LBL301", "reporting-contact-incomplete"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        contact = ctx.label.label.adverse_reaction_contact
        if not has_contact(contact):
            recorded = gap_recorded(ctx.label, "label.adverse_reaction_contact")
            yield Hit(("label", "adverse_reaction_contact"),
                      f"reporting contact {contact!r} has no telephone number or web address"
                      + (" (recorded gap)" if recorded else ""), WARNING if recorded else None)


@register
class MissingPlrPopulations(Rule):
    """What it does: checks that Use in Specific Populations covers 8.1 Pregnancy, 8.2 Lactation and 8.4
    Pediatric Use.

    Why is this bad? PLR requires these subsections in every prescribing information, even to say that no data
    exist. A warning when the gap is recorded.
    """

    code, name = "LBL302", "missing-plr-populations"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        present = {p.population for p in ctx.label.specific_populations}
        missing = [name for name in ("pregnancy", "lactation", "pediatric") if name not in present]
        if missing:
            recorded = gap_recorded(ctx.label, "specific_populations")
            yield Hit(("specific_populations",), f"no {', '.join(missing)} statement (PLR 8.1, 8.2, 8.4)"
                      + (" (recorded gap)" if recorded else ""), WARNING if recorded else None)


@register
class NoContraindications(Rule):
    """What it does: finds an empty contraindications list that does not say `none`.

    Why is this bad? PLR requires section 4 even when there are none; the prescribing information and the
    product sheet then say "None" (the leaflet leaves out its "do not use" list). An empty list is also what a
    deleted block looks like, so "none" must be said explicitly: `contraindications: none`.

    Example: `contraindications: []` → `contraindications: none` (or the contraindications).
    """

    code, name = "LBL303", "no-contraindications"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        if not ctx.label.contraindications and not ctx.label.no_contraindications:
            yield Hit(("contraindications",), "contraindications is empty: write `contraindications: none` if the "
                                              "product has none (the prescribing information then says 'None')")


@register
class RecentMajorChangeSection(Rule):
    """What it does: checks that Recent Major Changes name only Boxed Warning, 1, 2, 4 or 5.

    Why is this bad? PLR allows Recent Major Changes only for those sections; others are not major changes.
    """

    code, name = "LBL304", "rmc-section-not-eligible"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for index, change in enumerate(ctx.label.label.recent_major_changes):
            if change.section not in RMC_ELIGIBLE:
                yield Hit(("label", "recent_major_changes", index, "section"),
                          f"section {change.section!r} is not eligible for Recent Major Changes (only "
                          f"{', '.join(sorted(RMC_ELIGIBLE))})")


@register
class RecentMajorChangeDate(Rule):
    """What it does: checks that each Recent Major Change is dated no later than the revision date and within
    the 12 months before it.

    Why is this bad? An entry after the revision date cannot be; one older than a year must be removed (PLR).
    """

    code, name = "LBL305", "rmc-date"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        revised = ctx.label.label.revision_date
        for index, change in enumerate(ctx.label.label.recent_major_changes):
            path = ("label", "recent_major_changes", index, "date")
            if change.date > revised:
                yield Hit(path, f"dated {change.date.isoformat()}, after the revision date {revised.isoformat()}")
            elif change.date < _months_before(revised, 12):
                yield Hit(path, f"dated {change.date.isoformat()}, more than 12 months before the revision date "
                                f"{revised.isoformat()}: remove it from Recent Major Changes")


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month, ``months`` earlier (the last day when that month is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@register
class OpenGap(Rule):
    """What it does: lists every gap the content records.

    Why is this bad? A recorded gap is honest, but the documents stay drafts until it is closed; the warning
    keeps each one in view on every run.
    """

    code, name = "LBL306", "open-gap"
    severity = WARNING

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for index, gap in enumerate(ctx.label.gaps):
            yield Hit(("gaps", index), f"open gap {gap.id} ({gap.about}): {gap.text}")


@register
class ApprovedIndicationWithoutRegimen(Rule):
    """What it does: finds approved indications that no approved regimen serves, and labels with no approved
    indication at all.

    Why is this bad? PLR Dosage and Administration must give the dose for every indication; an indication
    without one cannot be labelled.
    """

    code, name = "LBL307", "indication-without-dosing"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        if not label.approved_indications:
            yield Hit(("indications",), "no approved indication: the documents would have nothing to label")
        served = {i for r in label.approved_regimens for i in r.indications}
        for index, indication in enumerate(label.indications):
            if indication.status == "approved" and indication.id not in served:
                yield Hit(("indications", index), f"approved indication {indication.id} has no approved regimen")
