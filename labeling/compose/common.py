"""How each kind of fact is worded, for professionals and for patients: one place, every composer.

A regimen is always one unit carrying all its parts (population, phase, dose, frequency or schedule, route,
duration, repeat, maxima, administration); a storage condition is one unit with its temperature, time and
handling; so a reader — and the verifier — finds each fact as one bound statement.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from labeling.compose import Composer, Pieces, unbreakable
from labeling.doctree import Row, Run, Table, Unit
from labeling.reach import shown_adjustments, shown_cycling, shown_regimens

if TYPE_CHECKING:
    from labeling.model import (
        Adjustment,
        AdverseReaction,
        Cycling,
        DosingSummary,
        Indication,
        Package,
        Population,
        Presentation,
        Regimen,
        StorageCondition,
        Target,
        WarningItem,
    )


# --- names -----------------------------------------------------------------------------------------------------


def indication_name(c: Composer, indication: Indication) -> list[Run]:
    if c.patient and indication.patient_name:
        return c.text(indication, "patient_name")
    return c.text(indication, "name")


def indications_runs(c: Composer, indication_ids: Iterable[str]) -> list[Run]:
    return c.capitalised(c.join([indication_name(c, c.label.indication(i)) for i in indication_ids]))


def regimen_label(c: Composer, regimen: Regimen) -> list[Run]:
    """What a regimen row is called: its own name (patient name in patient documents), else its indications'
    names; its phase (loading, maintenance …) after it."""
    if c.patient and regimen.patient_name:
        runs = c.capitalised(c.text(regimen, "patient_name"))
    elif regimen.name and not c.patient:
        runs = c.capitalised(c.text(regimen, "name"))
    else:
        runs = indications_runs(c, regimen.indications)
    if regimen.phase:
        runs += c.punct(", ") + c.value(c.lang.word(f"phase.{regimen.phase}"), c.path(regimen, "phase"))
    return runs


def population_name(c: Composer, population: Population, *, brackets: bool = True) -> list[Run]:
    """``Adults``; ``Patients with renal impairment (eGFR 30–45 mL/minute/1.73 m²)``: name and typed bands
    (after a comma instead of in brackets when the caller is already inside brackets)."""
    name = c.text(population, "patient_name") if c.patient and population.patient_name else c.text(population, "name")
    bands: list[list[Run]] = []
    if population.age is not None:
        bands.append(word_with(c, "pop.age", age=c.fq(population, "age")))
    if population.weight is not None:
        bands.append(word_with(c, "pop.weight", weight=c.fq(population, "weight")))
    if population.renal_function is not None and population.renal_measure:
        bands.append(
            word_with(
                c, "pop.renal", value=c.fq(population, "renal_function"), measure=c.text(population, "renal_measure")
            )
        )
    if not bands:
        return name
    inner = c.join(bands)
    return name + (c.punct(" (") + inner + c.punct(")") if brackets else c.punct(", ") + inner)


def word_with(c: Composer, key: str, **slots: list[Run]) -> list[Run]:
    """A word with slots (``aged {age}``) filled by runs, the word's own text sourced to the word."""
    out: list[Run] = []
    for literal, name, _, _ in string.Formatter().parse(c.lang.word(key)):
        if literal:
            out.append(Run(literal, "word:" + key))
        if name is not None:
            out += slots[name]
    return out


def route_words(c: Composer, route_ids: Iterable[str], form: str) -> list[Run]:
    """Routes as an adjective (``intravenous``), an adverb (``intravenously``) or a patient phrase (``into a vein``),
    joined with 'or'."""
    pieces = []
    for route_id in route_ids:
        route = c.label.route(route_id)
        pieces.append([Run(c.lang.word(f"{form}.{route.name}"), c.path(route, "name"))])
    return c.join(pieces, "or")


def route_cell(c: Composer, route_ids: Iterable[str]) -> list[Run]:
    """``Intravenous (IV)`` for tables."""
    pieces = []
    for route_id in route_ids:
        route = c.label.route(route_id)
        words = c.capitalised([Run(c.lang.word(f"route.{route.name}"), c.path(route, "name"))])
        if route.abbreviation:
            words += c.punct(" (") + c.text(route, "abbreviation") + c.punct(")")
        pieces.append(words)
    return c.join(pieces, "or")


# --- dosing ------------------------------------------------------------------------------------------------------


def _phrase(c: Composer, professional: str, patient: str, **slots: Pieces | str) -> list[Run]:
    return c.phrase(patient if c.patient else professional, **slots)


def dose_runs(c: Composer, fact: Any, field: str = "dose") -> list[Run]:
    dose = c.fq(fact, field)
    if getattr(fact, "example", False) and dose:
        return _phrase(c, "dose.example", "pt.example", dose=dose)
    return dose


def how_often(c: Composer, regimen: Regimen | DosingSummary) -> list[Run]:
    """``in divided doses every 12 hours`` / ``every 12 hours`` / ``at weeks 0, 2 and 6, then every 8 weeks``."""
    frequency = c.fq(regimen, "frequency")
    schedule = getattr(regimen, "schedule", None)
    if schedule is not None:
        parts = [
            _phrase(c, "dose.at-schedule", "pt.at-schedule", schedule=c.schedule(schedule, c.path(regimen, "schedule")))
        ]
        if frequency:
            parts.append(_phrase(c, "dose.then", "pt.then", frequency=frequency))
        return c.sentence(*parts, separator=", ")
    if regimen.divided and frequency:
        return _phrase(c, "dose.divided", "pt.divided", frequency=frequency)
    if getattr(regimen, "single_dose", False):
        return _phrase(c, "dose.single", "pt.single")
    return frequency


def how_long(c: Composer, regimen: Regimen) -> list[Run]:
    duration = c.fq(regimen, "duration")
    return _phrase(c, "dose.for-duration", "pt.for-duration", duration=duration) if duration else []


def repeat_runs(c: Composer, regimen: Regimen) -> list[Run]:
    if regimen.repeat is not None:
        return _phrase(c, "dose.repeat", "pt.repeat", repeat=c.fq(regimen, "repeat"))
    if regimen.repeat_note and not c.patient:
        return c.text(regimen, "repeat_note")
    return []


def maxima(c: Composer, fact: Any) -> list[Run]:
    parts = []
    if getattr(fact, "max_dose", None) is not None:
        parts.append(_phrase(c, "dose.max", "pt.max", dose=c.fq(fact, "max_dose")))
    if getattr(fact, "max_daily_dose", None) is not None:
        parts.append(_phrase(c, "dose.max-daily", "pt.max-daily", dose=c.fq(fact, "max_daily_dose")))
    return c.sentence(*parts, separator=", ")


def agents_runs(c: Composer, regimen: Regimen) -> list[Run]:
    """Medicines given together with it: names, with their own dose and frequency where the label gives them."""
    if c.patient and regimen.patient_with_agents:
        return c.join(
            [c.value(a, c.path(regimen, "patient_with_agents", i)) for i, a in enumerate(regimen.patient_with_agents)]
        )
    pieces = []
    for index, agent in enumerate(regimen.with_agents):
        if isinstance(agent, str):
            pieces.append(c.value(agent, c.path(regimen, "with_agents", index)))
            continue
        source = c.path(regimen, "with_agents", index)
        piece = c.value(agent.agent, f"{source}.agent")
        piece = c.sentence(c.q(agent.dose, f"{source}.dose"), piece) if agent.dose else piece
        if agent.frequency is not None:
            piece = c.sentence(piece, c.q(agent.frequency, f"{source}.frequency"))
        pieces.append(piece)
    return c.join(pieces)


def administration(c: Composer, regimen: Regimen) -> list[Run]:
    """Infusion time, timing, agents given with it, titration, the condition it applies in."""
    parts: list[list[Run]] = []
    if regimen.infusion_time is not None:
        parts.append(_phrase(c, "dose.infusion", "pt.infusion", time=c.fq(regimen, "infusion_time")))
    timing = regimen.timing
    if timing is not None:
        field = "patient_event" if c.patient and timing.patient_event else "event"
        event = c.value(getattr(timing, field), c.path(regimen, "timing", field))
        relation = c.word(f"timing.{timing.relation}")
        if timing.offset is not None:
            parts.append(
                c.phrase(
                    "dose.timing-offset",
                    offset=c.q(timing.offset, c.path(regimen, "timing", "offset")),
                    relation=relation,
                    event=event,
                )
            )
        else:
            parts.append(c.phrase("dose.timing", relation=relation, event=event))
    agents = agents_runs(c, regimen)
    if agents:
        parts.append(_phrase(c, "dose.with-agents", "pt.with-agents", agents=agents))
    if regimen.titration is not None:
        t = regimen.titration
        step = c.q(t.step, c.path(regimen, "titration", "step"))
        interval = c.q(t.interval, c.path(regimen, "titration", "interval"))
        titration = _phrase(c, "dose.titrate", "pt.titrate", step=step, interval=interval)
        if t.up_to is not None:
            titration += c.punct(" ") + c.phrase(
                "dose.titrate-to", dose=c.q(t.up_to, c.path(regimen, "titration", "up_to"))
            )
        parts.append(titration)
    field = "patient_condition" if c.patient and regimen.patient_condition else "condition"
    if getattr(regimen, field):
        parts.append(c.text(regimen, field))
    return c.sentence(*parts, separator="; ")


def regimen_sentence(c: Composer, regimen: Regimen, *, with_label: bool = True) -> list[Run]:
    """One regimen as one statement with all its parts.

    Professional: ``Stroke recovery and traumatic brain injury: 20–50 mL/day intravenously for 7–21 days``.
    Patient: ``Recovery after a stroke: 20 to 50 mL a day, into a vein, for 7 to 21 days``."""
    head: list[Run] = []
    if with_label:
        head = regimen_label(c, regimen)
        if regimen.population:
            head += (
                c.punct(" (")
                + population_name(c, c.label.population(regimen.population), brackets=False)
                + c.punct(")")
            )
        head += c.punct(": ")
    text_field = "patient_text" if c.patient and regimen.patient_text else "text"
    statement = c.text(regimen, text_field) if getattr(regimen, text_field) else []
    if c.patient:
        body = c.sentence(
            dose_runs(c, regimen),
            route_words(c, regimen.routes, "proute"),
            how_often(c, regimen),
            how_long(c, regimen),
            separator=", ",
        )
        extra = [
            c.capitalised(part)
            for part in (statement, maxima(c, regimen), administration(c, regimen), repeat_runs(c, regimen))
            if part
        ]
        if extra:
            body = (
                c.sentence(c.sentence(body, end="."), *(c.sentence(part, end=".") for part in extra))
                if body
                else c.sentence(*(c.sentence(part, end=".") for part in extra))
            )
    else:
        first = c.sentence(
            dose_runs(c, regimen),
            how_often(c, regimen),
            route_words(c, regimen.routes, "routeadv"),
            how_long(c, regimen),
        )
        # Without a dose the regimen's own words lead ("individualize the dosage …; once daily, subcutaneously").
        lead = (statement, first) if regimen.dose is None else (first, statement)
        body = c.sentence(
            *lead, repeat_runs(c, regimen), maxima(c, regimen), administration(c, regimen), separator="; "
        )
    return head + body


def regimen_units(c: Composer, *, highlights: bool = False) -> list[Unit]:
    """Every shown regimen as one unit each, in content order (only those listed in Highlights, if asked)."""
    return [
        c.unit(regimen_sentence(c, r), [c.path(r)], "regimen")
        for r in shown_regimens(c.label)
        if r.highlights or not highlights
    ]


def summary_sentence(c: Composer, summary: DosingSummary) -> list[Run]:
    """A Highlights dosing summary: ``Adults: 750–1,750 mg/day in divided doses every 8 to 12 hours``."""
    head: list[Run] = []
    if summary.indications:
        head = indications_runs(c, summary.indications)
    if summary.population:
        population = population_name(c, c.label.population(summary.population), brackets=not head)
        head = head + c.punct(" (") + population + c.punct(")") if head else c.capitalised(population)
    body = c.sentence(c.fq(summary, "dose"), how_often(c, summary))
    if summary.text:
        body = c.sentence(body, c.text(summary, "text"), separator="; ")
    return head + c.punct(": ") + body if head else body


def dosing_table(c: Composer, *, style: str = "dosing", captioned: bool = True) -> Table | None:
    """The recommended dosage as a table: one row per regimen, with only the columns some regimen uses."""
    regimens = shown_regimens(c.label)
    if not regimens:
        return None
    first = "col.regimen" if any(r.name for r in regimens) else "col.indication"
    columns: list[tuple[str, Any]] = [(first, lambda r: regimen_label(c, r))]
    if any(r.population for r in regimens):
        columns.append(
            (
                "col.population",
                lambda r: population_name(c, c.label.population(r.population)) if r.population else c.punct("–"),
            )
        )
    # A regimen without a dose ("individualize the dosage …") says so in its own words, with how often.
    columns.append(
        (
            "col.dose",
            lambda r: (
                c.capitalised(
                    c.sentence(dose_runs(c, r), how_often(c, r))
                    if r.dose is not None
                    else c.sentence(how_often(c, r), c.text(r, "text"), separator="; ")
                )
                or c.punct("–")
            ),
        )
    )
    columns.append(("col.route", lambda r: route_cell(c, r.routes)))
    if any(r.duration for r in regimens):
        columns.append(("col.duration", lambda r: c.fq(r, "duration") if r.duration else c.punct("–")))
    if any(r.repeat or r.repeat_note for r in regimens):
        columns.append(
            (
                "col.repeat",
                lambda r: (
                    c.fq(r, "repeat")
                    if r.repeat
                    else c.capitalised(c.text(r, "repeat_note"))
                    if r.repeat_note
                    else c.punct("–")
                ),
            )
        )
    if any(r.max_dose or r.max_daily_dose for r in regimens):
        columns.append(("col.maximum", lambda r: c.capitalised(maxima(c, r)) or c.punct("–")))
    notes = [
        r
        for r in regimens
        if r.infusion_time or r.timing or r.with_agents or r.titration or r.condition or (r.text and r.dose is not None)
    ]
    if notes:
        columns.append(
            (
                "col.administration",
                lambda r: (
                    c.capitalised(
                        c.sentence(
                            c.text(r, "text") if r.dose is not None else [], administration(c, r), separator="; "
                        )
                    )
                    or c.punct("–")
                ),
            )
        )
    header = Row(tuple(c.unit(c.word(key)) for key, _ in columns), header=True)
    rows = [Row(tuple(c.unit(cell(r)) for _, cell in columns), (c.path(r),), "regimen") for r in regimens]
    widths = (8,) + tuple(5 for _ in columns[1:])
    caption = c.caption("plr.dosing-table-caption") if captioned else None
    return Table((header, *rows), caption=caption, style=style, widths=widths)


def cycling_runs(c: Composer, cycling: Cycling) -> list[Run]:
    slots = {"cycle": c.fq(cycling, "cycle_length"), "rest": c.fq(cycling, "rest_period")}
    if cycling.qualifier:
        runs = _phrase(c, "dose.cycles", "pt.cycles", qualifier=c.text(cycling, "qualifier"), **slots)
    else:
        runs = _phrase(c, "dose.cycles-plain", "pt.cycles-plain", **slots)
    return c.capitalised(runs)


def cycling_unit(c: Composer) -> Unit | None:
    cycling = shown_cycling(c.label)
    return c.unit(c.sentence(cycling_runs(c, cycling), end="."), [c.path(cycling)], "cycling") if cycling else None


_ACTIONS = {
    "not-recommended": "dose.not-recommended",
    "contraindicated": "dose.contraindicated",
    "discontinue": "dose.discontinue",
    "no-adjustment": "dose.no-adjustment",
}


def adjustment_runs(c: Composer, adjustment: Adjustment, *, summary: bool = False) -> list[Run]:
    """``Elderly or frail patients: use a lower starting dose, for example 5 mL/day, to minimize adverse effects``.
    Each part is said once: the action (typed), its dose, maxima, the reason and any text the types cannot say."""
    population = population_name(c, c.label.population(adjustment.population))
    if summary and adjustment.summary and not c.patient:
        return population + c.punct(": ") + c.text(adjustment, "summary")
    dose = dose_runs(c, adjustment) if adjustment.dose is not None else []
    action = adjustment.action
    if c.patient:
        parts: list[list[Run]] = []
        if action == "starting-dose":
            may = "pt.consider-" if adjustment.consider else "pt."
            start = (
                c.phrase(may + "start-lower", population=c.capitalised(population))
                if adjustment.example or not dose
                else c.phrase(may + "start-at", population=c.capitalised(population), dose=dose)
            )
            if adjustment.example and dose:
                start = c.sentence(start, dose, separator=", ")
            parts.append(start)
        elif adjustment.patient_text and adjustment.action in _ACTIONS:
            # An action without a quantity is the patient wording itself ("Do not take …"): said once, in it.
            return c.capitalised(population) + c.punct(": ") + c.text(adjustment, "patient_text")
        else:
            words = _action_words(c, adjustment, dose)
            if words:
                parts.append(c.capitalised(population) + c.punct(": ") + words)
        if adjustment.patient_text:
            if not parts:
                parts.append(c.capitalised(population) + c.punct(": ") + c.text(adjustment, "patient_text"))
            else:
                parts.append(c.capitalised(c.text(adjustment, "patient_text")))
        return c.sentence(*(c.sentence(p, end=".") for p in parts)) if len(parts) > 1 else (parts[0] if parts else [])
    if action == "starting-dose":
        key = "dose.consider-lower-start" if adjustment.consider else "dose.lower-start"
        body = (
            c.phrase(key)
            if adjustment.example or not dose
            else c.phrase("dose.consider-starting" if adjustment.consider else "dose.starting", dose=dose)
        )
        if adjustment.example and dose:
            body = c.sentence(body, dose, separator=", ")
    else:
        body = _action_words(c, adjustment, dose)
    reason = c.text(adjustment, "reason") if adjustment.reason else []
    extra = c.text(adjustment, "text") if adjustment.text else []
    return population + c.punct(": ") + c.sentence(c.sentence(body, reason, separator=", "), extra, separator="; ")


def _action_words(c: Composer, adjustment: Adjustment, dose: list[Run]) -> list[Run]:
    if adjustment.action == "dose":
        return c.sentence(c.sentence(dose, c.fq(adjustment, "frequency")), maxima(c, adjustment), separator=", ")
    if adjustment.action == "avoid-dose":
        return c.phrase("pt.avoid-dose" if c.patient else "dose.avoid", dose=dose)
    if adjustment.action == "monitor":
        return []  # what to monitor is the adjustment's text, said once by the caller
    key = _ACTIONS[adjustment.action]
    if adjustment.consider and key == "dose.discontinue":
        key = "dose.consider-discontinue"
    return c.phrase(key.replace("dose.", "pt.action.") if c.patient else key, name=c.text(c.label.product, "name"))


def adjustment_units(c: Composer, *, highlights: bool = False) -> list[Unit]:
    return [
        c.unit(c.sentence(adjustment_runs(c, a, summary=highlights), end="."), [c.path(a)], "adjustment")
        for a in shown_adjustments(c.label)
        if a.highlights or not highlights
    ]


def target_runs(c: Composer, target: Target) -> list[Run]:
    """``Venous thromboembolism: INR 2–3 for 3 months``."""
    head = indications_runs(c, target.indications) if target.indications else []
    if target.population:
        population = population_name(c, c.label.population(target.population), brackets=not head)
        head = head + c.punct(" (") + population + c.punct(")") if head else c.capitalised(population)
    body = c.fq(target, "range")
    if target.measure and target.range.unit != target.measure:
        body = c.text(target, "measure") + c.punct(" ") + body
    if target.duration is not None:
        body = c.sentence(body, _phrase(c, "dose.for-duration", "pt.for-duration", duration=c.fq(target, "duration")))
    field = "patient_text" if c.patient and target.patient_text else "text"
    if getattr(target, field):
        body = c.sentence(body, c.text(target, field), separator="; ")
    return head + c.punct(": ") + body if head else body


# --- storage -------------------------------------------------------------------------------------------------------


def temperature_runs(c: Composer, condition: StorageCondition) -> list[Run]:
    """``15–25 °C (59–77 °F; room temperature)``: °C, then in brackets °F (US labels) and the USP name."""
    from labeling.quantities import fahrenheit, format_patient, format_professional

    source = c.path(condition, "temperature")
    formatter = format_patient if c.patient else format_professional
    assert condition.temperature is not None
    runs = [Run(unbreakable(formatter(condition.temperature, c.lang), c.lang), source, "q")]
    inside: list[list[Run]] = []
    if c.us:
        inside.append([Run(unbreakable(formatter(fahrenheit(condition.temperature), c.lang), c.lang), source, "q")])
    if condition.temperature_name:
        inside.append(c.text(condition, "temperature_name"))
    if inside:
        runs += (
            c.punct(" (") + c.join(inside, separator="; ") + c.punct(")")
            if len(inside) == 1
            else c.punct(" (") + inside[0] + c.punct("; ") + inside[1] + c.punct(")")
        )
    if condition.excursions is not None and not c.patient:
        runs += c.punct("; ") + c.phrase("store.excursions", range=c.fq(condition, "excursions"))
    return runs


def storage_runs(c: Composer, condition: StorageCondition, *, with_subject: bool = True) -> list[Run]:
    """``Reconstituted solution: Use immediately. If not used immediately, store at 2–8 °C (36–46 °F;
    refrigerated) for up to 24 hours. Do not freeze.``"""
    pieces: list[list[Run]] = []
    if condition.use_immediately:
        pieces.append(c.phrase("pt.use-straight-away" if c.patient else "store.use-immediately"))
    when_field = "patient_condition" if c.patient and condition.patient_condition else "condition"
    when = c.capitalised(c.text(condition, when_field)) if getattr(condition, when_field) else []
    if condition.temperature is not None:
        prefix = "pt.keep-at" if c.patient else "store.at"
        slots: dict[str, Any] = {"temperature": temperature_runs(c, condition)}
        if when:
            slots["condition"] = when
        line = c.phrase(prefix + ("-condition" if when else ""), **slots)
        if condition.time_limit is not None:
            limit = c.fq(condition, "time_limit")
            line = c.sentence(line, c.phrase("pt.no-longer-than" if c.patient else "store.for-up-to", time=limit))
        pieces.append(c.sentence(line, end="."))
    elif condition.time_limit is not None:
        limit = c.fq(condition, "time_limit")
        if when and not c.patient:
            pieces.append(c.sentence(c.phrase("store.use-within-condition", condition=when, time=limit), end="."))
        else:
            pieces.append(
                c.sentence(c.phrase("pt.use-within" if c.patient else "store.use-within", time=limit), end=".")
            )
    if condition.protect_from:
        things = c.join(
            [
                c.value(c.lang.word(f"protect.{p}"), c.path(condition, "protect_from", i))
                for i, p in enumerate(condition.protect_from)
            ]
        )
        pieces.append(c.phrase("pt.keep-away" if c.patient else "store.protect", things=things))
    if condition.do_not_freeze:
        pieces.append(c.phrase("pt.do-not-freeze" if c.patient else "store.do-not-freeze"))
    if condition.do_not_refrigerate:
        pieces.append(c.phrase("pt.do-not-refrigerate" if c.patient else "store.do-not-refrigerate"))
    if condition.discard_unused:
        pieces.append(c.phrase("pt.throw-away" if c.patient else "store.discard"))
    body = c.sentence(*pieces)
    if not with_subject:
        return body
    subject_field = "patient_applies_to" if c.patient and condition.patient_applies_to else "applies_to"
    return c.text(condition, subject_field) + c.punct(": ") + body


def storage_units(c: Composer) -> list[Unit]:
    return [c.unit(storage_runs(c, s), [c.path(s)], "storage") for s in c.label.storage.conditions]


# --- safety ----------------------------------------------------------------------------------------------------------


def contraindication_units(c: Composer, *, summary: bool = False) -> list[Unit]:
    units = []
    for item in c.label.contraindications:
        field = "patient_text" if c.patient else ("summary" if summary and item.summary else "text")
        units.append(
            c.unit(
                c.capitalised(c.text(item, field)) if not c.patient else c.text(item, field),
                [c.path(item)],
                "contraindication",
            )
        )
    return units


def warning_runs(c: Composer, warning: WarningItem, field: str | None = None, strip_period: bool = False) -> list[Run]:
    """A warning's text with its typed threshold and values placed."""
    if field is None:
        field = "patient_text" if c.patient and warning.patient_text else "text"
    text: str = getattr(warning, field)
    return c.text(warning, field, value=text.rstrip(".") if strip_period else text)


def most_common(c: Composer) -> tuple[list[Run], list[str]] | None:
    """The reactions the label calls most common, most frequent first, with the cut-off that makes them so —
    from the label's own list, else from the first trial table; None without incidence data (then no reaction
    may be called 'most common')."""
    ar = c.label.adverse_reactions
    if ar.most_common is not None:
        return c.q(ar.most_common.cutoff, "adverse_reactions.most_common.cutoff"), list(ar.most_common.reactions)
    if not ar.clinical_trials:
        return None
    trials = ar.clinical_trials[0]
    arm = trials.arms[0].id
    cutoff = trials.cutoff
    rows = []
    for row in trials.rows:
        value = row.incidence.get(arm)
        if value is None:
            continue
        above = value.low > cutoff.low if cutoff.comparator == ">" else value.low >= cutoff.low
        if above:
            rows.append((value.low, row.reaction))
    rows.sort(key=lambda pair: -pair[0])
    return c.q(cutoff, "adverse_reactions.clinical_trials[0].cutoff"), [reaction for _, reaction in rows]


def reaction_names(c: Composer, reaction_ids: Iterable[str]) -> list[Run]:
    pieces = []
    for reaction_id in reaction_ids:
        reaction: AdverseReaction = c.label.reaction(reaction_id)
        pieces.append(
            c.text(reaction, "patient_term") if c.patient and reaction.patient_term else c.text(reaction, "term")
        )
    return c.join(pieces)


def incidence_table(c: Composer, index: int = 0) -> Table | None:
    trials_list = c.label.adverse_reactions.clinical_trials
    if index >= len(trials_list):
        return None
    trials = trials_list[index]
    base = f"adverse_reactions.clinical_trials[{index}]"
    header_cells = [c.unit(c.word("col.reaction"))]
    for arm in trials.arms:
        cell = c.text(arm, "name")
        if arm.patients:
            cell += (
                c.punct(" (")
                + word_with(c, "col.n", n=c.value(f"{arm.patients:,}", c.path(arm, "patients")))
                + c.punct(")")
            )
        header_cells.append(c.unit(cell))
    rows = [Row(tuple(header_cells), header=True)]
    for row_index, row in enumerate(trials.rows):
        reaction = c.label.reaction(row.reaction)
        cells = [c.unit(c.capitalised(c.text(reaction, "term")))]
        for arm in trials.arms:
            value = row.incidence.get(arm.id)
            cells.append(c.unit(c.q(value, f"{base}.rows[{row_index}].incidence.{arm.id}") if value else c.punct("–")))
        rows.append(Row(tuple(cells), (c.path(reaction),), "incidence"))
    caption = c.caption("plr.ar-table-caption", cutoff=c.q(trials.cutoff, f"{base}.cutoff"))
    return Table(tuple(rows), caption=caption, style="incidence", widths=(8,) + (4,) * len(trials.arms))


# --- product ---------------------------------------------------------------------------------------------------------


def dosage_forms(c: Composer) -> list[str]:
    return list(dict.fromkeys(p.dosage_form for p in c.label.product.presentations))


def forms_and_strengths(c: Composer) -> list[tuple[str, list[Presentation]]]:
    grouped: dict[str, list[Presentation]] = {}
    for presentation in c.label.product.presentations:
        grouped.setdefault(presentation.dosage_form, []).append(presentation)
    return list(grouped.items())


def strengths_runs(c: Composer, presentations: list[Presentation]) -> list[Run]:
    seen: dict[Any, Presentation] = {}
    for p in presentations:
        seen.setdefault(p.strength, p)
    return c.join([c.fq(p, "strength") for p in seen.values()])


def package_runs(c: Composer, package: Package) -> list[Run]:
    """``bottles of 100 mL`` / ``single-dose vial, 10 mL; 1 vial per carton (NDC …)``."""
    if package.container and package.volume is None:  # "bottle of 100 tablets"
        runs = c.phrase("pack.container-of", container=c.text(package, "container"), pack=c.fq(package, "pack"))
    else:  # "single-dose vial, 10 mL, 1 vial per pack"
        parts = [c.text(package, "container") if package.container else []]
        if package.volume is not None:
            parts.append(c.fq(package, "volume"))
        parts.append(c.phrase("sheet.per-pack", pack=c.fq(package, "pack")))
        runs = c.sentence(*parts, separator=", ")
    if package.code:
        runs += c.punct(" (") + c.text(package, "code") + c.punct(")")
    return runs


def presentation_of(c: Composer, fact_id: str) -> tuple[Presentation, Package | None]:
    """The presentation (and package, when ``fact_id`` names one) a reconstitution row is about."""
    for presentation in c.label.product.presentations:
        if presentation.id == fact_id:
            return presentation, None
        for package in presentation.packages:
            if package.id == fact_id:
                return presentation, package
    raise KeyError(fact_id)
