"""LBL3xx: completeness — what the PLR format and the label's own facts require to be there."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from labeling.doctree import PHRASE
from labeling.lint import WARNING, Hit, LintContext, Rule, register
from labeling.lint.rules.coherence import gap_recorded
from labeling.lint.rules.traceability import pediatric_word, says
from labeling.lint.text import shared_document_texts, word_pattern
from labeling.model import Adjustment, Fact, Label, Regimen
from labeling.quantities import format_professional
from labeling.reach import REACH, approved_indications, kinds_of, labelled_routes, shown_adjustments, shown_regimens

# PLR: Recent Major Changes only for Boxed Warning, 1, 2, 4 and 5; the reach table names them (``rmc``).
RMC_ELIGIBLE = frozenset(entry.rmc for entry in REACH if entry.rmc)
# A way to report: a telephone number (ten digits or more, or an international "+" number, or a US vanity
# number such as 1-800-FDA-1088), a web address (with or without www) or an e-mail address.
PHONE = re.compile(r"\+\d[\d\s().-]{6,}\d|\(?\d[\d\s().-]{8,}\d|\b1-8\d\d-[A-Z0-9]{2,}(?:-[A-Z0-9]+)*\b")
WEB = re.compile(
    r"https?://|\bwww\.|\S+@\S+\.\w+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|info|"
    r"health|eu|int|[a-z]{2})\b(?!\.\w)",
    re.I,
)
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

    Example: `adverse_reaction_contact: Sinopharmatech Co., Ltd. at +86 10 5555 0100`.
    """

    code, name = "LBL301", "reporting-contact-incomplete"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        contact = ctx.label.label.adverse_reaction_contact
        if not has_contact(contact):
            recorded = gap_recorded(ctx.label, "label.adverse_reaction_contact")
            yield Hit(
                ("label", "adverse_reaction_contact"),
                f"reporting contact {contact!r} has no telephone number or web address"
                + (" (recorded gap)" if recorded else ""),
                WARNING if recorded else None,
            )


@register
class RequiredSectionWithoutContent(Rule):
    """What it does: composes each document the label gets and finds the sections its kind marks required
    (`labeling.documents`; in the PLR insert 1–6, 8, 8.1, 8.2, 8.4, 8.5, 10–14, 12.1, 12.3, 13.1, 16 and 17)
    that get no facts and that no gap names (`gaps[].sections`).

    Why is this bad? PLR requires these sections in every prescribing information, even to say that no data
    exist; the document then prints "Not yet available: no information has been provided for this section."
    Give the facts, or record the gap with the sections it leaves empty, so the document says what is missing.

    Example: no `specific_populations` entry for pregnancy → a gap with `sections: [pop-pregnancy]`.
    """

    code, name = "LBL302", "required-section-without-content"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        unrecorded = ctx.lang.phrase("gap.unrecorded").text
        for kind in kinds_of(label):
            for _, section in ctx.document(kind).sections():
                units = list(section.units(nested=False))
                if not any(run.source == PHRASE + "gap.unrecorded" for unit in units for run in unit.runs):
                    continue
                groups = [entry for entry in REACH if section.key in entry.places.get(kind, ())]
                owner = groups[0].paths[0] if groups else ""
                path = _written(label, owner) or ("gaps",)
                holds = f" (from {owner})" if owner else ""
                yield Hit(
                    path,
                    f"{kind} section {section.heading.text!r} is required but gets no facts{holds} and "
                    f"no gap names it (gaps[].sections: [{section.key}]): it would print "
                    f"{unrecorded!r}",
                )


def _written(label: Label, dotted: str) -> tuple[str, ...] | None:
    """The path of a content group when the content has it, else None."""
    if not dotted:
        return None
    node: object = label
    for name in dotted.split("."):
        node = getattr(node, name, None)
    return tuple(dotted.split(".")) if node not in (None, [], ()) else None


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
            yield Hit(
                ("contraindications",),
                "contraindications is empty: write `contraindications: none` if the "
                "product has none (the prescribing information then says 'None')",
            )


@register
class RecentMajorChangeSection(Rule):
    """What it does: checks that Recent Major Changes name only Boxed Warning, 1, 2, 4 or 5.

    Why is this bad? PLR allows Recent Major Changes only for those sections; others are not major changes.

    Example: `section: description` in `recent_major_changes` → remove the entry.
    """

    code, name = "LBL304", "rmc-section-not-eligible"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for index, change in enumerate(ctx.label.label.recent_major_changes):
            if change.section not in RMC_ELIGIBLE:
                yield Hit(
                    ("label", "recent_major_changes", index, "section"),
                    f"section {change.section!r} is not eligible for Recent Major Changes (only "
                    f"{', '.join(sorted(RMC_ELIGIBLE))})",
                )


@register
class RecentMajorChangeDate(Rule):
    """What it does: checks that each Recent Major Change is dated no later than the revision date and within
    the 12 months before it.

    Why is this bad? An entry after the revision date cannot be; one older than a year must be removed (PLR).

    Example: `date: 2025-06-01` with `revision_date: 2026-11-01` → remove the entry.
    """

    code, name = "LBL305", "rmc-date"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        revised = ctx.label.label.revision_date
        for index, change in enumerate(ctx.label.label.recent_major_changes):
            path = ("label", "recent_major_changes", index, "date")
            if change.date > revised:
                yield Hit(path, f"dated {change.date.isoformat()}, after the revision date {revised.isoformat()}")
            elif change.date < _months_before(revised, 12):
                yield Hit(
                    path,
                    f"dated {change.date.isoformat()}, more than 12 months before the revision date "
                    f"{revised.isoformat()}: remove it from Recent Major Changes",
                )


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

    Example: the gap `concentration` → give the concentration, then remove the gap.
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

    Example: an approved `tbi` indication that no regimen lists in its `indications`.
    """

    code, name = "LBL307", "indication-without-dosing"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        if not approved_indications(label):
            yield Hit(("indications",), "no approved indication: the documents would have nothing to label")
        served = {i for r in shown_regimens(label) for i in r.indications}
        for index, indication in enumerate(label.indications):
            if indication.status == "approved" and indication.id not in served:
                yield Hit(("indications", index), f"approved indication {indication.id} has no approved regimen")


@register
class WeightBasedDoseWithoutMaximum(Rule):
    """What it does: finds a weight- or surface-based dose (mg/kg, mg/m², per dose or per day) in a regimen
    or adjustment the documents show that gives no maximum (`max_dose` or `max_daily_dose`).

    Why is this bad? A dose per kilogram has no ceiling of its own: for a heavy patient (or a weight entered
    in pounds) it grows without limit. Labels state one ("not to exceed 2 g per day"). A dose for a population
    whose weight band has an upper bound ("less than 40 kg") is capped by the band and passes; so does a dose
    written as an upper bound ("≤30 mg/kg/day": the label's "upper dose" is itself the maximum), while a dose
    from a lower bound ("≥30 mg/kg/day") does not. A flat dose for a weight band and a renal band (mL/min/1.73
    m²) are not weight-based doses. A gap the content records about the regimen's dosing (`about` the regimen,
    or `about` dosing with `affects` naming it) says the source gives no maximum: the gap is listed (LBL306),
    not this.

    Example: `dose: 25 mg/kg/day` with `max_daily_dose: 2 g/day`.
    """

    code, name = "LBL308", "weight-based-dose-without-maximum"
    severity = WARNING

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        dosed: list[Regimen | Adjustment] = [*shown_regimens(label), *shown_adjustments(label)]
        for fact in dosed:
            dose = fact.dose
            if dose is None or dose.basis is None:
                continue
            population = label.population(fact.population) if fact.population else None
            weight = population.weight if population is not None else None
            if weight is not None and (weight.is_range or weight.comparator in ("<", "≤")):
                continue  # a weight band with an upper bound caps the dose (children under 40 kg)
            if dose.comparator in ("<", "≤"):
                continue  # "≤30 mg/kg/day": the dose is given as its own upper limit
            if getattr(fact, "max_dose", None) is not None or fact.max_daily_dose is not None:
                continue
            path = label.fact_path(fact.id)
            if _dosing_gap(label, str(path), fact.id):
                continue  # the source gives no maximum, and the content says so (LBL306 lists the gap)
            per = "kilogram of body weight" if dose.basis == "kg" else "square meter of body surface"
            yield Hit(
                path / "dose",
                f"{fact.id}: {format_professional(dose)} is dosed per {per} but gives no "
                "maximum (max_dose or max_daily_dose)",
            )


def _dosing_gap(label: Label, path: str, fact_id: str) -> bool:
    """A gap about the dosing that names this regimen or adjustment: one about it (or a part of it), or one about
    dosing whose `affects` lists it. A gap about something else that affects it (the concentration a dose in mL
    needs) says nothing about its maximum."""
    return any(
        gap.about.startswith("dosing")
        and (fact_id in gap.affects or gap.about == path or gap.about.startswith((path + ".", path + "[")))
        for gap in label.gaps
    )


@register
class PediatricPopulationWithoutBand(Rule):
    """What it does: finds a regimen or adjustment for a pediatric population without an age or weight band: a
    population whose name (or the indication limited to it) says pediatric, children, infants, neonates or
    adolescents but has neither `age` nor `weight`; or a regimen with no population for an indication that
    says so.

    Only facts that dose: a regimen that gives a dose (or a maximum or titration), an adjustment that gives one
    or changes the dose. A regimen that states no dose ("individualize the dosage") has no dose to give the
    wrong child, and an adjustment that only advises (monitor, not recommended, contraindicated) needs no band.

    Why is this bad? Pediatric doses are given by age or weight band (PLR 2.x, 8.4); without one the reader
    cannot tell which children the dose is for, and a dose meant for adolescents may be given to an infant.

    Example: `name: Pediatric patients` → add `age: 6-17 years` (or `weight: ≥40 kg`).
    """

    code, name = "LBL309", "pediatric-population-without-band"
    severity = WARNING

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        users: dict[str, list[str]] = {}
        dosed: list[Regimen | Adjustment] = [*shown_regimens(label), *shown_adjustments(label)]
        for fact in dosed:
            if fact.population and doses(fact):
                users.setdefault(fact.population, []).append(fact.id)
        for population_id, facts in users.items():
            population = label.population(population_id)
            if population.age is not None or population.weight is not None:
                continue
            word = pediatric_word(population, label, ctx.lang)
            if word:
                yield Hit(
                    label.fact_path(population_id),
                    f"population {population_id} is pediatric ({word!r}) but has no age or weight band; "
                    f"{', '.join(facts)} {'is' if len(facts) == 1 else 'are'} dosed for it",
                )
        words = word_pattern(ctx.lang, "population.pediatric")
        for regimen in shown_regimens(label):
            if regimen.population or not doses(regimen):
                continue
            for indication_id in regimen.indications:
                indication = label.indication(indication_id)
                word = says(words, indication.name, indication.statement)
                if word and indication.population is None:
                    yield Hit(
                        label.fact_path(regimen.id) / "indications",
                        f"regimen {regimen.id} serves {indication_id}, which is for {word!r}, but names no "
                        "population with an age or weight band",
                    )
                    break


# Adjustments that change the dose (the others advise: monitor, avoid, not recommended, contraindicated).
DOSE_ACTIONS = frozenset({"starting-dose", "dose", "avoid-dose"})


def doses(fact: Fact) -> bool:
    """Whether a regimen or adjustment gives a dose: a typed dose, maximum or titration, or (an adjustment) an
    action that changes the dose."""
    if isinstance(fact, Adjustment) and fact.action in DOSE_ACTIONS:
        return True
    return any(getattr(fact, name, None) is not None for name in ("dose", "max_dose", "max_daily_dose", "titration"))


# Routes by which an antibacterial acts locally: 21 CFR 201.24 is about systemic antibacterials.
LOCAL_ROUTES = frozenset({"topical", "ophthalmic", "nasal", "vaginal", "rectal"})


@register
class AntibacterialStatementMissing(Rule):
    """What it does: finds a product that looks like a systemic antibacterial — its pharmacologic class names
    an antibacterial class (antibacterial, antibiotic, penicillin, cephalosporin, macrolide, fluoroquinolone,
    …) or an approved indication treats infections caused by bacteria — labelled for a systemic route, without
    `product.antibacterial: true`.

    Why is this bad? 21 CFR 201.24 requires every systemic antibacterial's labeling to carry the statement "To
    reduce the development of drug-resistant bacteria and maintain the effectiveness of … antibacterial drugs,
    … should be used only to treat or prevent infections that are proven or strongly suspected to be caused by
    bacteria." The documents print it only when `product.antibacterial` is true. Antivirals, antifungals,
    topical and ophthalmic products do not need it.

    Example: `pharmacologic_class: penicillin-class antibacterial` → add `antibacterial: true` under `product`.
    """

    code, name = "LBL310", "antibacterial-statement-missing"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        product = label.product
        routes = {r.name for r in labelled_routes(label)}
        if product.antibacterial or not routes - LOCAL_ROUTES:
            return
        word = says(word_pattern(ctx.lang, "class.antibacterial"), product.pharmacologic_class)
        if word:
            yield Hit(
                ("product", "pharmacologic_class"),
                f"the pharmacologic class names {word!r} but "
                "product.antibacterial is not true: the 21 CFR 201.24 statement would be missing",
            )
            return
        words = word_pattern(ctx.lang, "class.antibacterial", "indication.bacterial")
        for indication in approved_indications(label):
            word = says(words, indication.name, indication.statement)
            if word:
                yield Hit(
                    label.fact_path(indication.id),
                    f"indication {indication.id} names {word!r} but "
                    "product.antibacterial is not true: the 21 CFR 201.24 statement would be missing",
                )
                return


# A path into the content as the tool spells it ("claims[donepezil-synergy]", "dosing.regimens[adult].dose"), and
# the markers an author leaves for later: reviewer notation, not label text.
INTERNAL_NOTATION = re.compile(
    r"\b[a-z_]+(?:\.[a-z_]+)*\[[a-z0-9][a-z0-9-]*\](?:\.[a-z_]+)*|\b(?:TODO|FIXME|TBD|XXX)\b|\?\?\?"
)


@register
class InternalNotationPrinted(Rule):
    """What it does: finds the tool's own notation, or an author's marker for later, in text a document prints:
    a fact path such as `claims[donepezil-synergy]`, or TODO, FIXME, TBD, XXX, ???. Gaps count too: their
    titles are printed in the draft notice and their texts as section placeholders.

    Why is this bad? A reviewer's shorthand printed in a prescribing information or a patient leaflet means
    nothing to its reader and shows the document was not proofread.

    Example: a gap text "… (claims[donepezil-synergy], not labelled)" → "… (a marketing line this label does not
    carry)"; keep the cross-reference in a YAML comment.
    """

    code, name = "LBL311", "internal-notation-printed"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        texts = list(shared_document_texts(ctx))
        for index, gap in enumerate(ctx.label.gaps):
            texts.append((("gaps", index, "title"), gap.title))
            if gap.sections:  # printed as the placeholder of the sections it names
                texts.append((("gaps", index, "text"), gap.text))
        for path, text in texts:
            found = INTERNAL_NOTATION.search(text)
            if found:
                yield Hit(path, f"printed text holds internal notation {found.group(0)!r}: write it for the reader")
