"""LBL1xx: coherence — facts that each parse but do not fit together."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from labeling.lint import WARNING, Hit, LintContext, Rule, register
from labeling.model import Adjustment, AdverseReactions, Label, Regimen
from labeling.quantities import (
    DAYS_IN,
    Quantity,
    QuantityError,
    celsius,
    dose_scale,
    format_number,
    format_professional,
)
from labeling.reach import shown_adjustments, shown_regimens


def days(q: Quantity, value: Decimal) -> Decimal:
    return value * DAYS_IN[q.unit]


def gap_recorded(label: Label, *about: str, fact: str | None = None) -> bool:
    """The content records this as a known gap in the source (a decision, not an oversight): a gap about one
    of these paths, or one that names ``fact`` among those it affects."""
    return any(
        any(g.about == a or g.about.startswith((a + "[", a + ".")) for a in about)
        or (fact is not None and fact in g.affects)
        for g in label.gaps
    )


def convertible_volume(label: Label) -> bool:
    """Whether a dose in mL can be converted to the product's strength: a strength per volume (``100 units/mL``)
    or not by mass, a fill volume beside a strength per container, or a preparation that gives a
    concentration."""
    for presentation in label.product.presentations:
        strength = presentation.strength
        if (
            strength.dimension not in ("mass", "amount")
            or strength.per in ("mL", "L", "dL")
            or any(package.volume is not None for package in presentation.packages)
        ):
            return True
    preparation = label.preparation
    return preparation is not None and (
        bool(preparation.reconstitution) or any(d.concentration is not None for d in preparation.dilution)
    )


@register
class DoseInVolumeWithoutConcentration(Rule):
    """What it does: finds doses in mL (or L), in the regimens and adjustments the documents show, when every
    presentation gives its strength by mass per container ("60 mg/vial") with no fill volume in any of its
    packages, and no preparation gives a concentration.

    Why is this bad? "20 mL" of a product labelled "60 mg/vial" cannot be converted to mg or to a number of
    vials: ISMP asks that a dose in volume always come with its concentration. An error by default; a warning
    when the content records the gap (a `gaps` entry about `product.presentations` or `product.concentration`,
    or one whose `affects` names the regimen), so it stays visible.

    Example: `strength: 60 mg/vial` with a package's `volume: 10 mL` (or a strength per mL, or a
    `preparation.reconstitution` that gives the concentration).
    """

    code, name = "LBL101", "dose-volume-without-concentration"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        if convertible_volume(label):
            return
        strengths = ", ".join(dict.fromkeys(format_professional(p.strength) for p in label.product.presentations))
        dosed: list[Regimen | Adjustment] = [*shown_regimens(label), *shown_adjustments(label)]
        for fact in dosed:
            if fact.dose is None or fact.dose.dimension != "volume":
                continue
            recorded = gap_recorded(label, "product.concentration", "product.presentations", fact=fact.id)
            starting = "starting dose" if isinstance(fact, Adjustment) and fact.action == "starting-dose" else "dose"
            yield Hit(
                label.fact_path(fact.id) / "dose",
                f"{starting} {format_professional(fact.dose)} is a volume but the strength is {strengths} and "
                "no concentration is given" + (" (recorded gap)" if recorded else ""),
                WARNING if recorded else None,
            )


# USP General Notices 10.30: what a named storage temperature means, as (words in the name, lowest, highest
# °C), most specific first. Controlled room temperature is 20–25 °C; "room temperature" alone allows the
# excursions (15–30 °C). "Cold" is any temperature up to 8 °C.
NAMED_TEMPERATURES = (
    (("freezer", "frozen"), Decimal(-25), Decimal(-10)),
    (("refrigerat", "fridge"), Decimal(2), Decimal(8)),
    (("cold",), Decimal(-273), Decimal(8)),
    (("cool",), Decimal(8), Decimal(15)),
    (("controlled room temperature",), Decimal(20), Decimal(25)),
    (("room temp", "ambient"), Decimal(15), Decimal(30)),
    (("warm",), Decimal(30), Decimal(40)),
)
_NEGATED_NAME = re.compile(
    r"(?:\bnot?\b|\bnon-?|\bdo not\b|\boutside(?: the| a)?\b|\bwithout\b|\bavoid\b)\s*(?:\w+\s+)?$"
)


def named_range(name: str) -> tuple[str, Decimal, Decimal] | None:
    """The USP meaning of a storage name, unless the word is negated ("do not refrigerate"). A name of
    alternatives ("refrigerated or room temperature") means any of them: the range from the lowest to the
    highest (2 °C to 30 °C)."""
    found = [meaning for part in re.split(r"\bor\b|/", name.lower()) if (meaning := _one_named_range(part))]
    if not found:
        return None
    words = " or ".join(dict.fromkeys(word for word, _, _ in found))
    return words, min(low for _, low, _ in found), max(high for _, _, high in found)


def _one_named_range(name: str) -> tuple[str, Decimal, Decimal] | None:
    for words, lowest, highest in NAMED_TEMPERATURES:
        for word in words:
            at = name.find(word)
            if at >= 0 and not _NEGATED_NAME.search(name[:at]):
                return word, lowest, highest
    return None


@register
class NamedStorageRange(Rule):
    """What it does: checks that a storage range lies within what its name means (USP): refrigerated 2–8 °C,
    freezer −25 to −10 °C, cold up to 8 °C, cool 8–15 °C, controlled room temperature 20–25 °C, room
    temperature or ambient 15–30 °C (with the allowed excursions), warm 30–40 °C. A negated name ("do not
    refrigerate", "non-refrigerated") names no range.

    Why is this bad? "Refrigerated" at 2–12 °C or "room temperature" at 2–8 °C contradicts itself, and the
    reader follows one or the other.

    Example: `temperature: 2-8 °C` with `temperature_name: refrigerated`.
    """

    code, name = "LBL102", "named-storage-range"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for index, condition in enumerate(ctx.label.storage.conditions):
            t = condition.temperature
            meaning = named_range(condition.temperature_name or "")
            if t is None or meaning is None:
                continue
            measured = celsius(t)
            if measured is None:
                continue
            _, lowest, highest = meaning
            if measured[0] < lowest or measured[1] > highest:
                bounds = (
                    f"be at most {format_number(highest)} °C"
                    if lowest < -200
                    else f"lie within {format_number(lowest)} °C to {format_number(highest)} °C"
                )
                yield Hit(
                    ("storage", "conditions", index, "temperature"),
                    f"{condition.temperature_name!r} storage must {bounds}, not {format_professional(t)}",
                )


@register
class FreezeContradiction(Rule):
    """What it does: finds "do not freeze" on a storage range that reaches 0 °C or below.

    Why is this bad? The range permits what the instruction forbids.

    Example: `temperature: -20-8 °C` with `do_not_freeze: true`.
    """

    code, name = "LBL103", "freeze-contradiction"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for index, condition in enumerate(ctx.label.storage.conditions):
            if condition.do_not_freeze and condition.temperature is not None and condition.temperature.low <= 0:
                yield Hit(
                    ("storage", "conditions", index, "temperature"),
                    f"'do not freeze' but the range {format_professional(condition.temperature)} reaches 0 °C or below",
                )


@register
class ThresholdWithinDosing(Rule):
    """What it does: checks that a high-dose warning threshold ("80 mL/day or more") lies above every approved
    regimen's maximum dose and that no regimen passes a ceiling ("no more than 60 mL/day"), converting units
    and periods (0.08 L/day, 560 mL/week); warns when a threshold cannot be compared with any regimen. A
    threshold written without a comparator names one dose ("hemorrhagic stroke with 80 mg"): a warning about a
    labelled dose, which a regimen may reach.

    Why is this bad? If a labelled regimen reaches the threshold, the label recommends the dose it warns about.

    Example: regimens up to 50 mL/day with a warning at 80 mL/day or more.
    """

    code, name = "LBL104", "threshold-within-dosing"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        for w_index, warning in enumerate(label.warnings):
            threshold = warning.threshold
            if threshold is None:
                continue
            scale = dose_scale(threshold)
            regimens = [(r, r.dose) for r in shown_regimens(label) if r.dose is not None]
            comparable = [
                (r, dose, found)
                for r, dose in regimens
                if scale and (found := dose_scale(dose)) and found[0] == scale[0]
            ]
            if not comparable and regimens:
                doses = ", ".join(sorted({format_professional(dose) for _, dose in regimens}))
                yield Hit(
                    ("warnings", w_index, "threshold"),
                    f"threshold {format_professional(threshold)} cannot be compared with the regimens' doses "
                    f"({doses}): write it in the same unit and period",
                    WARNING,
                )
            if scale is None:
                continue  # not a dose: no regimen compares with it
            if threshold.comparator in ("≤", "<"):  # a ceiling ("no more than"): no regimen may pass it
                for regimen, dose, found in comparable:
                    highest = found[2]
                    if highest > scale[2] or (highest == scale[2] and threshold.comparator == "<"):
                        yield Hit(
                            ("warnings", w_index, "threshold"),
                            f"regimen {regimen.id} ({format_professional(dose)}) goes beyond the "
                            f"limit {format_professional(threshold)}",
                        )
                continue
            if threshold.comparator is None:
                continue  # a named dose ("with LIPITOR 80 mg"): the warning is about a dose the label gives
            for regimen, dose, found in comparable:
                highest = found[2]
                if highest > scale[1] or (highest == scale[1] and threshold.comparator != ">"):
                    yield Hit(
                        ("warnings", w_index, "threshold"),
                        f"threshold {format_professional(threshold)} is reached by regimen {regimen.id} "
                        f"({format_professional(dose)})",
                    )


@register
class CourseExceedsCycle(Rule):
    """What it does: checks that a regimen's course fits in the treatment cycle that applies to it.

    Why is this bad? "7–21 days" inside "20-day cycles" cannot both be followed: the reader must guess.

    Example: a 4-week course with 20-day cycles.
    """

    code, name = "LBL105", "course-exceeds-cycle"
    severity = WARNING

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        cycling = label.dosing.cycling
        if cycling is None:
            return
        for regimen in label.dosing.regimens:
            if (cycling.regimens and regimen.id not in cycling.regimens) or regimen.duration is None:
                continue
            course = days(regimen.duration, regimen.duration.maximum)
            cycle = days(cycling.cycle_length, cycling.cycle_length.maximum)
            if course > cycle:
                longest = Quantity(regimen.duration.maximum, None, regimen.duration.unit)
                yield Hit(
                    ("dosing", "cycling", "cycle_length"),
                    f"regimen {regimen.id} lasts up to {format_professional(longest)}, longer than its cycle "
                    f"of {format_professional(cycling.cycle_length)}",
                )


@register
class CoursesExceedYear(Rule):
    """What it does: checks that repeated courses fit in the period they are repeated over.

    Why is this bad? "4 weeks, repeated 14 times a year" cannot be followed; one of the numbers is wrong.

    Example: `duration: 4 weeks`, `repeat: 2-4 times/year` (16 weeks a year at most).
    """

    code, name = "LBL106", "courses-exceed-period"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for index, regimen in enumerate(ctx.label.dosing.regimens):
            if regimen.repeat is None or regimen.duration is None or regimen.repeat.per not in DAYS_IN:
                continue
            try:
                needed = days(regimen.duration, regimen.duration.low) * regimen.repeat.maximum
            except (KeyError, QuantityError):
                continue
            available = DAYS_IN[regimen.repeat.per]
            longest = days(regimen.duration, regimen.duration.maximum) * regimen.repeat.maximum
            if needed > available:
                yield Hit(
                    ("dosing", "regimens", index, "repeat"),
                    f"{format_professional(regimen.repeat)} courses of {format_professional(regimen.duration)}"
                    f" need {needed:.0f} days, more than a {regimen.repeat.per}",
                )
            elif longest > available:  # the shortest fits, the longest does not: the reader cannot take both
                yield Hit(
                    ("dosing", "regimens", index, "repeat"),
                    f"{format_professional(regimen.repeat)} courses of {format_professional(regimen.duration)}"
                    f" need up to {longest:.0f} days, more than a {regimen.repeat.per}: say which combination "
                    "is meant",
                    WARNING,
                )


@register
class StartingDoseAboveRegimen(Rule):
    """What it does: checks a starting-dose adjustment (elderly, frail, renal impairment) against the regimens
    it changes (its `regimens`, or every shown regimen): a starting dose given as an example of a lower dose
    (`example: true`, printed "use a lower starting dose, for example …") must be below their lowest dose; any
    starting dose must not be above their highest.

    Why is this bad? A "lower initial dose" that is not lower than the usual dose contradicts itself, and a
    start above the usual range is a dose the regimens never give.

    Example: usual 10–30 mL/day, elderly start at 5 mL/day.
    """

    code, name = "LBL107", "starting-dose-not-lower"
    severity = WARNING

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        shown = shown_regimens(label)
        for index, adjustment in enumerate(label.dosing.adjustments):
            start = adjustment.dose
            if adjustment.action != "starting-dose" or start is None or (scale := dose_scale(start)) is None:
                continue
            regimens = [r for r in shown if not adjustment.regimens or r.id in adjustment.regimens]
            comparable = [
                (r.dose, found)
                for r in regimens
                if r.dose is not None and (found := dose_scale(r.dose)) and found[0] == scale[0]
            ]
            if not comparable:
                continue
            path = ("dosing", "adjustments", index, "dose")
            lowest, lowest_scale = min(comparable, key=lambda pair: pair[1][1])
            highest, highest_scale = max(comparable, key=lambda pair: pair[1][2])
            if adjustment.example and scale[2] >= lowest_scale[1]:
                yield Hit(
                    path,
                    f"starting dose {format_professional(start)} is not below the lowest regimen dose "
                    f"{format_professional(lowest)}",
                )
            elif scale[1] > highest_scale[2]:
                yield Hit(
                    path,
                    f"starting dose {format_professional(start)} is above the highest regimen dose "
                    f"{format_professional(highest)}",
                )


Scale = tuple[tuple[str, bool, str | None], Decimal, Decimal]


def per_day(
    dose: Quantity | None, frequency: Quantity | None = None, divided: bool = False, single: bool = False
) -> tuple[Scale, bool] | None:
    """A dose as an amount per day, with whether the range is the label's own (``20-50 mg/day``) rather than
    one multiplied out from a frequency range (``500 mg every 4-6 hours``: 2–3 g/day, which a maximum may cut)."""
    if dose is None or (scale := dose_scale(dose)) is None:
        return None
    key, low, high = scale
    if dose.per is not None or divided or single:
        return ((key[0], True, key[2]), low, high), True
    if frequency is None:
        return None
    if frequency.unit == "time" and frequency.per in DAYS_IN:  # 3 times/day, 2-4 times/week
        fewest, most = (frequency.low / DAYS_IN[frequency.per], frequency.maximum / DAYS_IN[frequency.per])
    elif frequency.unit in DAYS_IN and frequency.per is None:  # every 12 hours, every 4-6 hours
        fewest, most = 1 / (frequency.maximum * DAYS_IN[frequency.unit]), 1 / (frequency.low * DAYS_IN[frequency.unit])
    else:
        return None
    exact = not dose.is_range and not frequency.is_range
    return ((key[0], True, key[2]), low * fewest, high * most), exact


def _amount(value: Decimal, key: tuple[str, bool, str | None]) -> str:
    unit = {"mass": "mg", "volume": "mL", "units": "units"}[key[0]]
    basis = f"/{key[2]}" if key[2] else ""
    return f"{format_number(value.quantize(Decimal('0.01')).normalize())} {unit}{basis}/day"


@register
class MaximumBelowDose(Rule):
    """What it does: finds a maximum below the dose it limits, units and periods converted: a `max_dose` below
    the dose per administration, a `max_daily_dose` below the daily dose (per day, or the dose times its
    frequency: 500 mg twice daily is 1000 mg/day), a titration that ends (`up_to`) below the starting dose or
    above the regimen's maximum. A maximum that cuts a range multiplied out from a frequency range ("1 g every
    4–6 hours, not to exceed 4 g/day") is how labels write a ceiling and passes; doses on another basis (5 mg/kg
    against 400 mg) cannot be compared and pass.

    Why is this bad? The label then forbids the dose it recommends: a reader follows one of the two, and either
    the dose or the ceiling is wrong.

    Example: `dose: 500 mg`, `frequency: twice daily`, `max_daily_dose: 850 mg/day`.
    """

    code, name = "LBL108", "maximum-below-dose"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        for index, regimen in enumerate(label.dosing.regimens):
            yield from self._regimen(("dosing", "regimens", index), regimen)
        for index, adjustment in enumerate(label.dosing.adjustments):
            yield from self._daily(
                ("dosing", "adjustments", index),
                adjustment.id,
                adjustment.dose,
                adjustment.frequency,
                adjustment.max_daily_dose,
            )

    def _regimen(self, path: tuple[object, ...], regimen: Regimen) -> Iterable[Hit]:
        dose = regimen.dose
        if dose is None:
            return  # the dose is found another way (`text`: "individualize"); nothing to compare
        if regimen.max_dose is not None and dose.per is None and not regimen.divided:
            scale, limit = dose_scale(dose), dose_scale(regimen.max_dose)
            if scale and limit and scale[0] == limit[0] and scale[2] > limit[2]:
                yield Hit(
                    path + ("max_dose",),
                    f"regimen {regimen.id}: the dose {format_professional(dose)} goes "
                    f"above its maximum per dose {format_professional(regimen.max_dose)}",
                )
        yield from self._daily(
            path, regimen.id, dose, regimen.frequency, regimen.max_daily_dose, regimen.divided, regimen.single_dose
        )
        titration = regimen.titration
        if titration is None or titration.up_to is None:
            return
        up_to = titration.up_to
        target = dose_scale(up_to)
        start = dose_scale(dose) if up_to.per is None and dose.per is None else None
        if start is None and up_to.per is not None:
            daily = per_day(dose, regimen.frequency, regimen.divided, regimen.single_dose)
            start = daily[0] if daily else None
        if target and start and target[0] == start[0] and target[2] < start[1]:
            yield Hit(
                path + ("titration", "up_to"),
                f"regimen {regimen.id}: titration goes up to {format_professional(up_to)}, below the starting "
                f"dose {format_professional(dose)}",
            )
        for field, maximum in (("max_dose", regimen.max_dose), ("max_daily_dose", regimen.max_daily_dose)):
            if maximum is None:
                continue
            scaled = dose_scale(maximum)
            if target and scaled and target[0] == scaled[0] and target[2] > scaled[2]:
                yield Hit(
                    path + ("titration", "up_to"),
                    f"regimen {regimen.id}: titration goes up to {format_professional(up_to)}, above its "
                    f"{field.replace('_', ' ')} {format_professional(maximum)}",
                )

    @staticmethod
    def _daily(
        path: tuple[object, ...],
        fact_id: str,
        dose: Quantity | None,
        frequency: Quantity | None,
        maximum: Quantity | None,
        divided: bool = False,
        single: bool = False,
    ) -> Iterable[Hit]:
        if maximum is None or (limit := dose_scale(maximum)) is None:
            return
        daily = per_day(dose, frequency, divided, single)
        if daily is None:
            return
        (key, low, high), exact = daily
        if key != limit[0]:
            return
        assert dose is not None
        how = format_professional(dose) + (
            f" {format_professional(frequency)}" if frequency is not None and dose.per is None else ""
        )
        if low > limit[2]:
            yield Hit(
                path + ("max_daily_dose",),
                f"{fact_id}: {how} is at least {_amount(low, key)}, above its maximum daily dose "
                f"{format_professional(maximum)}",
            )
        elif exact and high > limit[2]:
            yield Hit(
                path + ("max_daily_dose",),
                f"{fact_id}: {how} reaches {_amount(high, key)}, above its maximum daily dose "
                f"{format_professional(maximum)}",
            )


def _reaches(value: Quantity, cutoff: Quantity) -> bool:
    """Whether an incidence reaches a cut-off written as a lower bound (≥5%: 5% reaches it; >5%: it does not)."""
    return value.low > cutoff.low if cutoff.comparator == ">" else value.low >= cutoff.low


@register
class IncidenceCutoffUnreached(Rule):
    """What it does: checks the incidence data Highlights' "most common" sentence is made from. Its cut-off
    (`adverse_reactions.most_common.cutoff`, else the first trial table's `cutoff`) must be a lower bound (≥ or
    >); from a trial table, at least one row must reach it in the product's arm (the first arm); a reaction
    the label itself calls most common must reach it in the product's arm of a table that lists it.
    (A row naming an unknown reaction, or without the product's arm, is refused when the content is loaded.)

    Why is this bad? Highlights print "Most common adverse reactions (incidence ≥ X%) are …": with no row at or
    above the cut-off the sentence names nothing, an upper bound ("≤2%") makes no reaction "most common", and
    a reaction listed there whose own incidence is below the cut-off contradicts the table beside it.

    Example: `cutoff: ≥5%` with every row below 5% in the product's arm.
    """

    code, name = "LBL109", "incidence-cutoff-unreached"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        reactions = ctx.label.adverse_reactions
        if reactions.most_common is not None:
            yield from self._listed(reactions)
            return
        if not reactions.clinical_trials:
            return
        trials = reactions.clinical_trials[0]
        path = ("adverse_reactions", "clinical_trials", 0, "cutoff")
        cutoff = trials.cutoff
        if cutoff.comparator in ("<", "≤"):
            yield Hit(
                path,
                f"cut-off {format_professional(cutoff)} is an upper bound: 'most common' needs a lower "
                "bound such as ≥5%",
            )
            return
        arm = trials.arms[0]
        values = [row.incidence[arm.id] for row in trials.rows if arm.id in row.incidence]
        if values and not any(_reaches(v, cutoff) for v in values):
            highest = max(values, key=lambda v: v.low)
            yield Hit(
                path,
                f"no reaction reaches the cut-off {format_professional(cutoff)} in the product's arm "
                f"({arm.name}; highest {format_professional(highest)}): Highlights would call no "
                "reaction 'most common'",
            )

    @staticmethod
    def _listed(reactions: AdverseReactions) -> Iterable[Hit]:
        listed = reactions.most_common
        assert listed is not None
        cutoff = listed.cutoff
        if cutoff.comparator in ("<", "≤"):
            yield Hit(
                ("adverse_reactions", "most_common", "cutoff"),
                f"cut-off {format_professional(cutoff)} is an upper bound: 'most common' needs a lower bound "
                "such as ≥5%",
            )
            return
        for index, reaction in enumerate(listed.reactions):
            found = [
                (trials.arms[0], row.incidence[trials.arms[0].id])
                for trials in reactions.clinical_trials
                for row in trials.rows
                if row.reaction == reaction and trials.arms[0].id in row.incidence
            ]
            if found and not any(_reaches(value, cutoff) for _, value in found):
                arm, value = max(found, key=lambda pair: pair[1].low)
                yield Hit(
                    ("adverse_reactions", "most_common", "reactions", index),
                    f"{reaction} is called most common ({format_professional(cutoff)}) but its incidence in "
                    f"the product's arm is {format_professional(value)} ({arm.name})",
                )


@register
class ApprovedPatientLabelingWithoutApproval(Rule):
    """What it does: finds `label.patient_labeling_approved: true` on a label that records no approval of the
    product: neither `label.approval` (the NDA or BLA) nor `label.initial_us_approval` (the year FDA first
    approved it, which only an approved product prints).

    Why is this bad? The patient labeling would say "This Patient Information has been approved by the U.S.
    Food and Drug Administration" (and the insert would point to "FDA-approved patient labeling") for a
    product the label does not record as approved: patient labeling is approved with the product.

    Example: add `approval: {basis: NDA 050542}` under `label`, or remove `patient_labeling_approved`.
    """

    code, name = "LBL110", "patient-labeling-without-approval"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        info = ctx.label.label
        if info.patient_labeling_approved and info.approval is None and info.initial_us_approval is None:
            yield Hit(
                ("label", "patient_labeling_approved"),
                "the patient labeling is marked FDA-approved but the label records no approval (label.approval "
                "or label.initial_us_approval): approved patient labeling needs an approved product",
            )
