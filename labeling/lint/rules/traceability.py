"""LBL2xx: traceability — every use, regimen and claim traces to what the label approves and supports."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from labeling.language import Language
from labeling.lint import WARNING, Hit, LintContext, Rule, register
from labeling.lint.text import shared_document_texts, word_pattern
from labeling.model import Adjustment, Claim, Fact, Gap, Label, Population, Reference, Regimen
from labeling.quantities import DAYS_IN, FoundQuantity, Quantity, celsius, dose_scale, find_quantities
from labeling.reach import hidden_facts, labelled_routes, shown_adjustments, shown_populations, shown_regimens
from labeling.vocabulary import vocabulary

# Words by which an indication's own text says it is not an approved use.
NOT_APPROVED_WORDS = re.compile(
    r"\boff[- ]label\b|\bhealthy (?:adults|people|volunteers|subjects|individuals|elderly)\b|\bnootropic\b"
    r"|\binvestigational\b|\bunder investigation\b|\bbeing (?:investigated|studied|explored)\b|\bexplored (?:as|for)\b"
    r"|\bemerging\b|\bexperimental\b|\bunlicensed\b|\bunapproved\b|\bnot (?:yet )?(?:approved|licensed|authori[sz]ed)\b"
    r"|\bpre-?clinical\b|\bresearch use\b|\bcompassionate use\b",
    re.I,
)


@register
class RegimenForUnapprovedUse(Rule):
    """What it does: finds regimens that serve an indication that is not approved.

    Why is this bad? A dose for an investigational or off-label use is kept out of every document; if it is
    meant to be labelled, its indication must be approved first. Keeping it as a record is a decision to write
    down: suppress this rule on the regimen with the reason.

    Example: the nootropic regimen (off-label) — suppressed in the Cerebrolysin content with its reason.
    """

    code, name = "LBL201", "regimen-for-unapproved-use"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        statuses = {i.id: i.status for i in ctx.label.indications}
        for index, regimen in enumerate(ctx.label.dosing.regimens):
            unapproved = [i for i in regimen.indications if statuses.get(i) != "approved"]
            if unapproved:
                yield Hit(
                    ("dosing", "regimens", index, "indications"),
                    f"regimen {regimen.id} serves {', '.join(unapproved)}, which "
                    f"{'is' if len(unapproved) == 1 else 'are'} not approved",
                )


@register
class ApprovedUseDescribedAsNotApproved(Rule):
    """What it does: finds an indication marked approved whose own text calls it off-label, investigational or
    a use in healthy people.

    Why is this bad? The status contradicts the source: the use (and every regimen serving it) would reach the
    prescribing information and the promotion although the source itself says it is not an approved use.

    Example: "Cognitive enhancement: used off-label as a nootropic in healthy adults" with `status: approved`.
    """

    code, name = "LBL202", "approved-use-described-as-unapproved"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        for index, indication in enumerate(label.indications):
            if indication.status != "approved":
                continue
            found = NOT_APPROVED_WORDS.findall(f"{indication.name} {indication.summary} {indication.category or ''}")
            if not found:
                continue
            serving = [r.id for r in label.dosing.regimens if indication.id in r.indications]
            regimens = f"; regimen {', '.join(serving)} would be labelled" if serving else ""
            yield Hit(
                ("indications", index, "status"),
                f"indication {indication.id} is approved but its text says "
                f"{', '.join(sorted({w.lower() for w in found}))!r}" + regimens,
            )
            for r_index, regimen in enumerate(label.dosing.regimens):
                if indication.id in regimen.indications:
                    yield Hit(
                        ("dosing", "regimens", r_index),
                        f"regimen {regimen.id} serves {indication.id}, which the source describes as not an "
                        "approved use (off-label)",
                    )


def _shown(fact: Fact, hidden: frozenset[int]) -> bool:
    """Whether a fact can support a claim: it reaches a document (``hidden``: what reaches none, from the reach
    table) and is neither an open question nor another claim."""
    return not isinstance(fact, (Gap, Claim)) and id(fact) not in hidden


@register
class UnsupportedClaim(Rule):
    """What it does: finds approved claims with no support among the label's facts and cited references, or
    supported by facts the documents do not show (an unapproved use or its regimen, a route or cycling only an
    off-label regimen uses, an open gap, an uncited reference).

    Why is this bad? A claim with no support in the label is off-label promotion; one supported by an
    unapproved use is promotion of that use.

    Example: "High purity (≥98%)" approved with no purity specification in the label.
    """

    code, name = "LBL203", "unsupported-claim"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        hidden = ctx.memo("hidden_facts", lambda: hidden_facts(label))
        for index, claim in enumerate(label.claims):
            if claim.status != "approved":
                continue
            support = [label.fact(i) for i in claim.supported_by]
            if not support:
                yield Hit(
                    ("claims", index, "supported_by"),
                    f"approved claim {claim.id} ({claim.text!r}) names no supporting label fact or reference",
                )
            else:
                unshown = [i for i, f in zip(claim.supported_by, support, strict=True) if not _shown(f, hidden)]
                if unshown:
                    yield Hit(
                        ("claims", index, "supported_by"),
                        f"approved claim {claim.id} is supported by facts that are not labelled "
                        f"({', '.join(unshown)}): a claim may rest only on what the documents show",
                    )


_TIMES = r"(?:once|twice|one \w+|\d+ times|two times|three times)"
FREQUENCY_WORDS = {
    "week": re.compile(
        rf"\b(?:once[- ])?weekly\b|\bbi-?weekly\b|\bfortnight(?:ly)?\b|\b{_TIMES} (?:a|per|every|each)"
        r" week\b|\b(?:per|every|each) (?:other |two |2 )?weeks?\b|/week\b",
        re.I,
    ),
    "month": re.compile(
        rf"\b(?:once[- ])?monthly\b|\b{_TIMES} (?:a|per|every|each) month\b"
        r"|\b(?:per|every|each) (?:other |two |2 )?months?\b|/month\b",
        re.I,
    ),
    "day": re.compile(
        rf"\b(?:once[- ])?daily\b|\b{_TIMES} (?:a|per|every|each) day\b|\b(?:per|every|each) day\b"
        r"|/day\b",
        re.I,
    ),
    "other day": re.compile(
        r"\bevery (?:other|second|2nd) day\b|\bevery (?:two|three|\d+) days\b"
        r"|\balternate days\b",
        re.I,
    ),
}
# Populations and uses a claim may not address unless the label treats them (children: from the language's
# pediatric words, unless a shown population is pediatric).
POPULATION_WORDS = re.compile(
    r"\bteenagers?\b|\bhealthy (?:adults|people|volunteers|individuals|persons)\b|\bstudents?\b|\bathletes?\b"
    r"|\bpregnan(?:t|cy)\b|\bbreast-?feeding\b|\blactating\b|\bnursing mothers\b|\bnootropic\b"
    r"|\bcognitive enhancement\b",
    re.I,
)
FREEZING_ALLOWED = re.compile(
    r"\b(?:can|may) be (?:frozen|stored in (?:a|the) freezer)\b|\bsafe to freeze\b"
    r"|\bfreezable\b|\bfreeze-safe\b|\btolerates freezing\b|\bstable (?:when|if) frozen\b"
    r"|\bsurvives freezing\b",
    re.I,
)
NO_REFRIGERATION = re.compile(
    r"\bno (?:need for |need to )?refrigerat\w*\b|\bwithout refrigerat\w*\b"
    r"|\bno cold chain\b|\bdoes not need (?:to be )?refrigerat\w*\b",
    re.I,
)
NO_CONTRAINDICATIONS = re.compile(
    r"(?<!\bwith )(?<!\bhave )(?<!\bhas )(?<!\bwithout )"
    r"\b(?:no (?:known )?contra-?indications?|free of contra-?indications?)\b"
    r"|\b(?:safe|suitable) for (?:all|every|any) patients?\b",
    re.I,
)
NO_DOSE_ADJUSTMENT = re.compile(
    r"\bno (?:need (?:for|to) )?(?:adjust(?:ing|ment)?|chang(?:e|ing)|reduc(?:e|tion))"
    r"(?: of)?(?: the)? (?:dose|dosage|dosing)\b|\bno (?:dose|dosage|dosing) "
    r"(?:adjustment|change|reduction)s?\b|\bsame dose for (?:all|every)\b",
    re.I,
)
SINGLE_DOSE = re.compile(
    r"\b(?:a |one )?single (?:dose|injection|infusion|administration|shot)\b|\bone[- ]shot\b", re.I
)
STORAGE_CONTEXT = re.compile(
    r"\bstor(?:e|ed|age)\b|\bstable\b|\bstability\b|\bshelf\b|\breconstitut\w*\b|\bonce "
    r"(?:opened|mixed|made up)\b|\bkeeps?\b",
    re.I,
)
DOSE_CONTEXT = re.compile(r"\bdos(?:e|es|ing|age)\b", re.I)
# Before a mention in the same clause, these make it a risk statement, not a claim ("Not for use in children").
NEGATION = re.compile(
    r"\b(?:not|never|no|avoid|contraindicated|don't|doesn't|cannot|can't|must not|should not"
    r"|without|except|unless|excluding)\b",
    re.I,
)
_QUALIFIERS = {
    "severe",
    "active",
    "known",
    "mild",
    "moderate",
    "significant",
    "serious",
    "you",
    "have",
    "are",
    "with",
    "patients",
    "people",
    "the",
    "to",
    "of",
    "in",
    "and",
    "or",
    "a",
    "an",
    "any",
    "from",
}


def _words(text: str) -> list[str]:
    return [w.removesuffix("'s") for w in re.findall(r"[a-z0-9']+", text.lower())]


def _negated(text: str, start: int) -> bool:
    """Whether a negation opens the clause before ``start`` (looking back at most 80 characters)."""
    boundary = max(text.rfind(mark, 0, start) for mark in ".;:!?")
    clause = re.split(r"\bbut\b", text[max(boundary + 1, start - 80) : start])[-1]
    return bool(NEGATION.search(clause))


def _first(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match that is not negated in its clause."""
    return next((m for m in pattern.finditer(text) if not _negated(text, m.start())), None)


@register
class ClaimContradictsLabel(Rule):
    """What it does: finds claims (approved or pending) that contradict a label fact: a dosing frequency the
    regimens do not have, a route that is not labelled, a population the label does not treat, an unapproved
    use, a dose, duration or temperature outside the labelled ones (units and periods converted), freezing or
    no refrigeration where the label says otherwise, a storage time beyond the label's, a contraindicated
    condition (in the professional or patient wording), "no contraindications" or "no dose adjustment" where
    the label has them. A mention negated in its clause ("Not for use in children", "Contraindicated in severe
    renal impairment") is a risk statement, not a contradiction.

    Why is this bad? Promotion must not differ from the approved conditions of use; a claim of weekly dosing
    for a daily regimen invites under-dosing. An error even if the claim is marked approved.

    Example: "Weekly dosing for convenience" against regimens in mL/day.
    """

    code, name = "LBL204", "claim-contradicts-label"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        printed = {w for path, shown in shared_document_texts(ctx) if path[0] != "claims" for w in _words(shown)}
        for index, claim in enumerate(ctx.label.claims):
            if claim.status == "rejected":
                continue
            for message in self._contradictions(claim.text, ctx.label, printed, ctx.lang):
                yield Hit(("claims", index, "text"), f"claim {claim.id} {message}")

    @staticmethod
    def _contradictions(text: str, label: Label, printed: set[str], lang: Language) -> Iterator[str]:
        regimens = shown_regimens(label)
        periods = set().union(*(regimen_periods(r) for r in regimens)) if regimens else set()
        for period, pattern in FREQUENCY_WORDS.items():
            found = _first(pattern, text)
            if found and period not in periods:
                yield (
                    f"says {found.group(0)!r} but every labelled regimen is dosed per "
                    f"{' or per '.join(sorted(p for p in periods if p)) or 'administration'}"
                )
        single = _first(SINGLE_DOSE, text)
        if single and regimens and all(r.duration is not None for r in regimens):
            yield f"says {single.group(0)!r} but every labelled regimen is a course of days"
        routes = {r.name for r in labelled_routes(label)}
        for route, pattern in vocabulary(lang).routes.items():
            implied = word_pattern(lang, f"route.implied.{route}")
            named = _first(pattern, text) or (implied and _first(implied, text))
            if named and route not in routes:
                labelled = ", ".join(sorted(routes)) or "none"
                yield f"names the {route} route, which is not labelled (labelled: {labelled})"
        found = _first(POPULATION_WORDS, text)
        pediatric = word_pattern(lang, "population.pediatric")
        if not found and pediatric and not any(pediatric_word(p, label, lang) for p in shown_populations(label)):
            found = _first(pediatric, text)
        if found:
            yield f"addresses {found.group(0)!r}, a population or use the label does not approve"
        yield from _unapproved_uses(text, label, printed)
        quantities = find_quantities(text, lang)
        yield from _quantities_outside_label(text, quantities, label)
        yield from _storage_contradictions(text, quantities, label)
        yield from _contraindication_contradictions(text, label)
        found = NO_DOSE_ADJUSTMENT.search(text)
        adjusted = [label.population(a.population) for a in shown_adjustments(label) if a.action != "no-adjustment"]
        if found and adjusted:
            names = {w for p in adjusted for w in _words(f"{p.name} {p.patient_name or ''}")} - _QUALIFIERS
            if names & set(_words(text)) or re.search(r"\b(?:all|every|any)\b", text, re.I):
                populations = ", ".join(dict.fromkeys(p.name for p in adjusted))
                yield f"says {found.group(0)!r} but the label adjusts the dose for {populations}"


def regimen_periods(regimen: Regimen) -> set[str]:
    """The periods a claim may name for a regimen: its dose's (mL/day), its frequency's (twice daily: day), or
    its interval's (every 12 hours: day; every 2 days: other day; every 2 weeks: week)."""
    periods: set[str] = set()
    if regimen.dose is not None and regimen.dose.per:
        periods.add(regimen.dose.per)
    frequency = regimen.frequency
    if frequency is not None:
        if frequency.per:
            periods.add(frequency.per)
        elif frequency.unit in ("minute", "hour"):
            periods.add("day")
        elif frequency.unit == "day":
            periods.add("day" if frequency.low == 1 else "other day")
        else:
            periods.add(frequency.unit)
    return periods


def says(pattern: re.Pattern[str] | None, *texts: str | None) -> str | None:
    """The first word of ``pattern`` one of the texts says without negating it ("not for use in children"
    says nothing)."""
    if pattern is None:
        return None
    for text in texts:
        found = _first(pattern, text or "")
        if found:
            return found.group(0)
    return None


def pediatric_word(population: Population, label: Label, lang: Language) -> str | None:
    """The word that makes a population pediatric (children, infants …), in its own name or in the name or
    statement of an indication limited to it; None when nothing does."""
    pattern = word_pattern(lang, "population.pediatric")
    limited = [text for i in label.indications if i.population == population.id for text in (i.name, i.statement)]
    return says(pattern, population.name, population.patient_name, *limited)


def _unapproved_uses(text: str, label: Label, printed: set[str]) -> Iterator[str]:
    """A claim that names a use the label does not approve, by a word of that use's name the documents never
    print ("Parkinson's", "sclerosis", "neuropathy"): promotion of an unapproved use."""
    claim_words = set(_words(text))
    for indication in label.indications:
        if indication.status == "approved":
            continue
        own = {
            w
            for w in _words(f"{indication.name} {indication.patient_name or ''} {indication.category or ''}")
            if len(w) >= 5
        } - printed
        named = sorted(own & claim_words)
        if named and not _negated(text, text.lower().find(named[0])):
            yield (f"names {', '.join(named)!r}: {indication.id} is {indication.status}, not an approved use")


def _quantities_outside_label(text: str, quantities: list[FoundQuantity], label: Label) -> Iterator[str]:
    """Doses, durations and temperatures a claim names must be ones the label has (units and periods
    converted): within a labelled dose range, course duration or storage temperature range."""
    regimens = shown_regimens(label)
    dosed: list[Regimen | Adjustment] = [*regimens, *shown_adjustments(label)]
    doses = [f.dose for f in dosed if f.dose is not None]
    thresholds = [w.threshold for w in label.warnings if w.threshold is not None]
    temperatures = [c.temperature for c in label.storage.conditions if c.temperature is not None]
    durations = [r.duration for r in regimens if r.duration is not None]
    storage_context, dose_context = bool(STORAGE_CONTEXT.search(text)), bool(DOSE_CONTEXT.search(text))
    daily = bool(FREQUENCY_WORDS["day"].search(text))
    for found in quantities:
        quantity = found.quantity
        if _negated(text, found.start) or quantity in thresholds:
            continue  # a risk statement, or the label's own warning ("80 mL/day or more may …")
        measured = celsius(quantity)
        if measured is not None:
            ranges = [r for t in temperatures if (r := celsius(t)) is not None]
            if not any(low <= measured[0] and measured[1] <= high for low, high in ranges):
                labelled = ", ".join(str(t) for t in temperatures) or "none"
                yield f"names {found.text!r}, outside every labelled storage temperature ({labelled})"
            continue
        if quantity.unit in DAYS_IN and quantity.per is None and durations and not storage_context:
            days = quantity.maximum * DAYS_IN[quantity.unit]
            longest = max(d.maximum * DAYS_IN.get(d.unit, 0) for d in durations)
            if days > longest:
                yield f"names {found.text!r}, longer than every labelled course (up to {longest} days)"
            continue
        if quantity.per is None and daily:
            quantity = Quantity(quantity.low, quantity.high, quantity.unit, "day")  # "daily dosing of 20 to 50 mL"
        scale = dose_scale(quantity)
        if scale is None or quantity.per is None or not (dose_context or found.quantity.per):
            continue  # not a dose per period ("infused in 100 mL of saline", a strength): the reviewer judges it
        same = [(d, s) for d in doses if (s := dose_scale(d)) and s[0] == scale[0]]
        if not same:
            other = [d for d in doses if (s := dose_scale(d)) and s[0][0] == scale[0][0]]
            if other:
                yield f"names {found.text!r}, but every labelled dose is per {other[0].per or 'administration'}"
            continue
        if not any(s[1] <= scale[1] and scale[2] <= s[2] for _, s in same):
            labelled = ", ".join(str(d) for d, _ in same)
            yield f"names {found.text!r}, outside every labelled dose ({labelled})"


def _storage_contradictions(text: str, quantities: list[FoundQuantity], label: Label) -> Iterator[str]:
    from labeling.lint.rules.coherence import named_range

    conditions = label.storage.conditions
    found = _first(FREEZING_ALLOWED, text)
    if found and any(c.do_not_freeze for c in conditions):
        yield f"says {found.group(0)!r} but the label says do not freeze"
    found = NO_REFRIGERATION.search(text)
    refrigerated = [c for c in conditions if (n := named_range(c.temperature_name or "")) and n[0] == "refrigerat"]
    if found and refrigerated:
        yield f"says {found.group(0)!r} but the label refrigerates {refrigerated[0].applies_to.lower()}"
    limits = [c.time_limit for c in conditions if c.time_limit is not None]
    if limits and STORAGE_CONTEXT.search(text):
        longest = max(limit.in_unit("hour").maximum for limit in limits if limit.unit in ("hour", "day", "week"))
        for quantity in (f.quantity for f in quantities):
            if quantity.unit in ("hour", "day", "week") and quantity.in_unit("hour").maximum > longest:
                yield (
                    f"says {quantity.raw!r} but the label's longest storage time is "
                    f"{', '.join(str(limit) for limit in limits)}"
                )


def _contraindication_contradictions(text: str, label: Label) -> Iterator[str]:
    claim_words = _words(text)
    for contraindication in label.contraindications:
        for wording in (contraindication.text, contraindication.patient_text):
            core = [w for w in _words(wording) if w not in _QUALIFIERS]
            if core and all(w in claim_words for w in core):
                at = text.lower().find(core[0])
                if not _negated(text, at):
                    yield f"names {wording!r}, a contraindication ({contraindication.id})"
                break
    found = NO_CONTRAINDICATIONS.search(text)
    if found and label.contraindications:
        yield f"says {found.group(0)!r} but the label has {len(label.contraindications)} contraindications"


SUPERLATIVES = re.compile(
    r"\bunique\b|\bbest\b|\bsafest\b|\bsuperior\b|\bthe only\b|\bonly (?:one|product|treatment|therapy|agent"
    r"|medicine|drug)\b|\bthe first (?:and only )?(?:\w+ )?(?:treatment|therapy|product|agent|drug|medicine)\b"
    r"|\bfirst[- ]in[- ]class\b|\bproven\b|\bguarantee|\bfaster\b|\bfastest\b"
    r"|\bbetter\b|\bsafer\b|\b(?:more|most) (?:effective|potent|powerful)\b|\boutperforms?\b|#1\b"
    r"|\bnumber one\b|\bbreakthrough\b|\bgold standard\b|\bprevents?\b|\breverses?\b|\bhalts?\b"
    r"|\bstops? (?:the )?progression\b|\brapid(?:ly)?\b|\bpreferred\b|\b(?:FDA|EMA)[- ]approved\b"
    r"|\bapproved by (?:the )?(?:FDA|EMA)\b|\bsafe and effective\b|\brecommended by\b|\bcure[sd]?\b"
    r"|\bdisease-modifying\b|\brobust\b|\bpurity\b|\bmiracle\b|\brevolutionary\b"
    r"|\b(?:no|zero) (?:known )?side effects\b|\b(?:free of|without) side effects\b|\bcompletely safe\b"
    r"|\b\d+(?:\.\d+)?\s*%",
    re.I,
)


@register
class UnsubstantiatedSuperlative(Rule):
    """What it does: finds approved claims that use superlative, comparative or absolute wording (unique, the
    only, best, #1, breakthrough, proven, faster, more effective, prevents, stops progression, rapid,
    disease-modifying, robust evidence, FDA-approved, recommended by, no side effects, a percentage that is not
    a labelled fraction) without a cited reference among their support.

    Why is this bad? Such claims need substantiation beyond the label (comparative or specification data);
    without it they overstate efficacy or quality.

    Example: "A disease-modifying agent" with no study cited.
    """

    code, name = "LBL205", "unsubstantiated-superlative"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        for index, claim in enumerate(label.claims):
            if claim.status != "approved":
                continue
            fractions = {c.fraction.low for c in label.description.components}
            match = next(
                (
                    m
                    for m in SUPERLATIVES.finditer(claim.text)
                    if not (m.group(0).endswith("%") and Decimal(m.group(0).rstrip("% ")) in fractions)
                ),
                None,
            )
            cited = any(
                isinstance(f, Reference) and f.status == "cited" for f in (label.fact(i) for i in claim.supported_by)
            )
            if match and not cited:
                yield Hit(
                    ("claims", index, "text"),
                    f"claim {claim.id} says {match.group(0)!r} with no cited reference to substantiate it",
                )


@register
class PendingClaim(Rule):
    """What it does: lists claims still pending review.

    Why is this bad? It is not: a pending claim never reaches the product sheet. The warning keeps open reviews
    visible until they are decided.

    Example: `status: pending` with the reason the review waits for → `approved` or `rejected` once decided.
    """

    code, name = "LBL206", "pending-claim"
    severity = WARNING

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for index, claim in enumerate(ctx.label.claims):
            if claim.status == "pending":
                yield Hit(("claims", index, "status"), f"claim {claim.id} is pending review: {claim.reason}")


@register
class StatusWithoutReason(Rule):
    """What it does: finds indications that are not approved and give no `status_reason`.

    Why is this bad? Keeping a use out of the label is a regulatory decision; without its reason the next
    reviewer cannot tell a judgement from an oversight.

    Example: `status: investigational` → add `status_reason: The source presents it as a research direction.`
    """

    code, name = "LBL207", "status-without-reason"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for index, indication in enumerate(ctx.label.indications):
            if indication.status != "approved" and not indication.status_reason:
                yield Hit(
                    ("indications", index, "status"),
                    f"indication {indication.id} is {indication.status} but gives no status_reason",
                )
