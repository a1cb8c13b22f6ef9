"""LBL1xx: coherence — facts that each parse but do not fit together."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from labeling.lint import WARNING, Hit, LintContext, Rule, register
from labeling.model import Label
from labeling.quantities import (DAYS_IN, Quantity, QuantityError, celsius, dose_scale, format_number,
                                 format_professional)


def days(q: Quantity, value: Decimal) -> Decimal:
    return value * DAYS_IN[q.unit]


def gap_recorded(label: Label, about: str) -> bool:
    """The content records this as a known gap in the source (a decision, not an oversight)."""
    return any(g.about == about or g.about.startswith(about + "[") for g in label.gaps)


@register
class DoseInVolumeWithoutConcentration(Rule):
    """What it does: finds doses in mL (or L) when the product gives its strength by mass and no concentration.

    Why is this bad? "20 mL" of a product labelled "60 mg/vial" cannot be converted to mg or to a number of
    vials: ISMP asks that a dose in volume always come with its concentration. An error by default; a warning
    when the content records the gap (`gaps` entry about `product.concentration`), so it stays visible.

    Example: add `concentration: 215.2 mg/mL` under `product`.
    """

    code, name = "LBL101", "dose-volume-without-concentration"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        product = label.product
        if product.concentration is not None or product.strength.dimension != "mass" or \
                product.strength.per in ("mL", "L"):
            return  # "5 mg/mL" is itself a concentration
        severity = WARNING if gap_recorded(label, "product.concentration") else None
        for index, regimen in enumerate(label.dosing.regimens):
            if regimen.dose.dimension == "volume" and regimen in label.approved_regimens:
                yield Hit(("dosing", "regimens", index, "dose"),
                          f"dose {format_professional(regimen.dose)} is a volume but the strength is "
                          f"{format_professional(product.strength)} and no concentration is given"
                          + (" (recorded gap)" if severity else ""), severity)
        for index, population in enumerate(label.dosing.populations):
            if population.starting_dose.dimension == "volume":
                yield Hit(("dosing", "populations", index, "starting_dose"),
                          f"starting dose {format_professional(population.starting_dose)} is a volume with no "
                          "concentration" + (" (recorded gap)" if severity else ""), severity)


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
_NEGATED_NAME = re.compile(r"(?:\bnot?\b|\bnon-?|\bdo not\b|\boutside(?: the| a)?\b|\bwithout\b|\bavoid\b)\s*(?:\w+\s+)?$")


def named_range(name: str) -> tuple[str, Decimal, Decimal] | None:
    """The USP meaning of a storage name, unless the word is negated ("do not refrigerate")."""
    name = name.lower()
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
            measured = celsius(t) if t is not None else None
            if measured is None or meaning is None:
                continue
            word, lowest, highest = meaning
            if measured[0] < lowest or measured[1] > highest:
                bounds = (f"be at most {format_number(highest)} °C" if lowest < -200
                          else f"lie within {format_number(lowest)} °C to {format_number(highest)} °C")
                yield Hit(("storage", "conditions", index, "temperature"),
                          f"{condition.temperature_name!r} storage must {bounds}, not {format_professional(t)}")


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
                yield Hit(("storage", "conditions", index, "temperature"),
                          f"'do not freeze' but the range {format_professional(condition.temperature)} reaches "
                          "0 °C or below")


@register
class ThresholdWithinDosing(Rule):
    """What it does: checks that a high-dose warning threshold ("80 mL/day or more") lies above every approved
    regimen's maximum dose and that no regimen passes a ceiling ("no more than 60 mL/day"), converting units
    and periods (0.08 L/day, 560 mL/week); warns when a threshold cannot be compared with any regimen.

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
            comparable = [r for r in label.approved_regimens
                          if scale and (found := dose_scale(r.dose)) and found[0] == scale[0]]
            if not comparable and label.approved_regimens:
                doses = ", ".join(sorted({format_professional(r.dose) for r in label.approved_regimens}))
                yield Hit(("warnings", w_index, "threshold"),
                          f"threshold {format_professional(threshold)} cannot be compared with the regimens' doses "
                          f"({doses}): write it in the same unit and period", WARNING)
            if threshold.comparator in ("≤", "<"):  # a ceiling ("no more than"): no regimen may pass it
                for regimen in comparable:
                    highest = dose_scale(regimen.dose)[2]
                    if highest > scale[2] or (highest == scale[2] and threshold.comparator == "<"):
                        yield Hit(("warnings", w_index, "threshold"),
                                  f"regimen {regimen.id} ({format_professional(regimen.dose)}) goes beyond the "
                                  f"limit {format_professional(threshold)}")
                continue
            for regimen in comparable:
                dose = regimen.dose
                highest = dose_scale(dose)[2]
                if highest > scale[1] or (highest == scale[1] and threshold.comparator != ">"):
                    yield Hit(("warnings", w_index, "threshold"),
                              f"threshold {format_professional(threshold)} is reached by regimen {regimen.id} "
                              f"({format_professional(dose)})")


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
            if cycling.regimens and regimen.id not in cycling.regimens or regimen.duration is None:
                continue
            course = days(regimen.duration, regimen.duration.maximum)
            cycle = days(cycling.cycle_length, cycling.cycle_length.maximum)
            if course > cycle:
                longest = Quantity(regimen.duration.maximum, None, regimen.duration.unit)
                yield Hit(("dosing", "cycling", "cycle_length"),
                          f"regimen {regimen.id} lasts up to {format_professional(longest)}, longer than its cycle "
                          f"of {format_professional(cycling.cycle_length)}")


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
                yield Hit(("dosing", "regimens", index, "repeat"),
                          f"{format_professional(regimen.repeat)} courses of {format_professional(regimen.duration)}"
                          f" need {needed:.0f} days, more than a {regimen.repeat.per}")
            elif longest > available:  # the shortest fits, the longest does not: the reader cannot take both
                yield Hit(("dosing", "regimens", index, "repeat"),
                          f"{format_professional(regimen.repeat)} courses of {format_professional(regimen.duration)}"
                          f" need up to {longest:.0f} days, more than a {regimen.repeat.per}: say which combination "
                          "is meant", WARNING)


@register
class StartingDoseAboveRegimen(Rule):
    """What it does: checks that a lower starting dose (elderly, frail) is below the regimens' lowest dose.

    Why is this bad? A "lower initial dose" that is not lower than the usual dose contradicts itself.

    Example: usual 10–30 mL/day, elderly start at 5 mL/day.
    """

    code, name = "LBL107", "starting-dose-not-lower"
    severity = WARNING

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        for index, population in enumerate(label.dosing.populations):
            start = population.starting_dose
            scale = dose_scale(start)
            comparable = [r.dose for r in label.approved_regimens
                          if scale and (found := dose_scale(r.dose)) and found[0] == scale[0]]
            if comparable and scale[2] >= min(dose_scale(d)[1] for d in comparable):
                yield Hit(("dosing", "populations", index, "starting_dose"),
                          f"starting dose {format_professional(start)} is not below the lowest regimen dose "
                          f"{format_professional(min(comparable, key=lambda d: dose_scale(d)[1]))}")
