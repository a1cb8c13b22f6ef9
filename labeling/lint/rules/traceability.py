"""LBL2xx: traceability — every use, regimen and claim traces to what the label approves and supports."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from labeling.lint import WARNING, Hit, LintContext, Rule, register
from labeling.model import Claim, Fact, Gap, Indication, Label, Reference, Regimen
from labeling.quantities import find_quantities

# Words by which an indication's own text says it is not an approved use.
NOT_APPROVED_WORDS = re.compile(r"\boff-label\b|\bhealthy (?:adults|people|volunteers|subjects)\b|\bnootropic\b"
                                r"|\binvestigat(?:ed|ional)\b|\bexplored\b|\bemerging\b|\bexperimental\b", re.I)


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
                yield Hit(("dosing", "regimens", index, "indications"),
                          f"regimen {regimen.id} serves {', '.join(unapproved)}, which "
                          f"{'is' if len(unapproved) == 1 else 'are'} not approved")


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
            yield Hit(("indications", index, "status"),
                      f"indication {indication.id} is approved but its text says "
                      f"{', '.join(sorted({w.lower() for w in found}))!r}"
                      + regimens)
            for r_index, regimen in enumerate(label.dosing.regimens):
                if indication.id in regimen.indications:
                    yield Hit(("dosing", "regimens", r_index),
                              f"regimen {regimen.id} serves {indication.id}, which the source describes as not an "
                              "approved use (off-label)")


def _shown(fact: Fact, label: Label) -> bool:
    """Whether a fact can support a claim: it reaches a document and is not itself an open question."""
    if isinstance(fact, (Gap, Claim)):
        return False
    if isinstance(fact, Indication):
        return fact.status == "approved"
    if isinstance(fact, Regimen):
        return fact in label.approved_regimens
    if isinstance(fact, Reference):
        return fact.status == "cited"
    return True


@register
class UnsupportedClaim(Rule):
    """What it does: finds approved claims with no support among the label's facts and cited references.

    Why is this bad? A claim with no support in the label is off-label promotion; one supported only by an
    unapproved use, an open gap or an uncited reference is no better.

    Example: "High purity (≥98%)" approved with no purity specification in the label.
    """

    code, name = "LBL203", "unsupported-claim"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        for index, claim in enumerate(label.claims):
            if claim.status != "approved":
                continue
            support = [label.fact(i) for i in claim.supported_by]
            if not support:
                yield Hit(("claims", index, "supported_by"), f"approved claim {claim.id} ({claim.text!r}) names no "
                                                             "supporting label fact or reference")
            elif not any(_shown(f, label) for f in support):
                yield Hit(("claims", index, "supported_by"),
                          f"approved claim {claim.id} is supported only by facts that are not labelled "
                          f"({', '.join(claim.supported_by)})")


FREQUENCY_WORDS = {
    "week": re.compile(r"\b(?:once[- ])?weekly\b|\b(?:once |one \w+ )?(?:a|per|every|each) week\b|/week\b", re.I),
    "month": re.compile(r"\b(?:once[- ])?monthly\b|\b(?:once |one \w+ )?(?:a|per|every|each) month\b|/month\b", re.I),
    "day": re.compile(r"\b(?:once[- ])?daily\b|\b(?:once )?(?:a|per|every|each) day\b|/day\b", re.I),
    "other day": re.compile(r"\bevery (?:other|second|2nd|two|three|\d+) days?\b|\balternate days\b", re.I),
}
ROUTE_WORDS = {
    "oral": re.compile(r"\boral(?:ly)?\b|\bby mouth\b|\btablets?\b|\bcapsules?\b", re.I),
    "subcutaneous": re.compile(r"\bsubcutaneous(?:ly)?\b|\bunder the skin\b", re.I),
    "intramuscular": re.compile(r"\bintramuscular(?:ly)?\b|\bIM\b"),
    "intravenous": re.compile(r"\bintravenous(?:ly)?\b|\bIV\b"),
}
POPULATION_WORDS = re.compile(r"\bchild(?:ren)?\b|\bpaediatric\b|\bpediatric\b|\binfants?\b|\bhealthy (?:adults|"
                              r"people|volunteers)\b|\bpregnan(?:t|cy)\b|\bnootropic\b|\bcognitive enhancement\b",
                              re.I)
FREEZING_ALLOWED = re.compile(r"\b(?:can|may) be frozen\b|\bsafe to freeze\b|\bfreezable\b|\bfreeze-safe\b", re.I)
NO_CONTRAINDICATIONS = re.compile(r"\bno (?:known )?contraindications?\b|\bsuitable for (?:all|every) patients?\b",
                                  re.I)
NO_DOSE_ADJUSTMENT = re.compile(r"\bno (?:dose|dosage|dosing) (?:adjustment|change|reduction)s?\b", re.I)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@register
class ClaimContradictsLabel(Rule):
    """What it does: finds claims (approved or pending) that contradict a label fact: a dosing frequency the
    regimens do not have, a route that is not labelled, a population the label does not treat, a dose or a
    temperature outside the labelled ones, freezing where the label says do not freeze, a contraindicated
    condition, "no contraindications" or "no dose adjustment" where the label has them.

    Why is this bad? Promotion must not differ from the approved conditions of use; a claim of weekly dosing
    for a daily regimen invites under-dosing. An error even if the claim is marked approved.

    Example: "Weekly dosing for convenience" against regimens in mL/day.
    """

    code, name = "LBL204", "claim-contradicts-label"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for index, claim in enumerate(ctx.label.claims):
            if claim.status == "rejected":
                continue
            for message in self._contradictions(claim.text, ctx.label):
                yield Hit(("claims", index, "text"), f"claim {claim.id} {message}")

    @staticmethod
    def _contradictions(text: str, label: Label) -> Iterator[str]:
        regimens = label.approved_regimens
        periods = {r.dose.per for r in regimens}
        for period, pattern in FREQUENCY_WORDS.items():
            found = pattern.search(text)
            if found and period not in periods:
                yield (f"says {found.group(0)!r} but every labelled regimen is dosed per "
                       f"{' or per '.join(sorted(p for p in periods if p))}")
        routes = {r.name for r in label.labelled_routes}
        for route, pattern in ROUTE_WORDS.items():
            if pattern.search(text) and route not in routes:
                labelled = ", ".join(sorted(routes)) or "none"
                yield f"names the {route} route, which is not labelled (labelled: {labelled})"
        found = POPULATION_WORDS.search(text)
        if found:
            yield f"addresses {found.group(0)!r}, a population or use the label does not approve"
        yield from _quantities_outside_label(text, label)
        conditions = label.storage.conditions
        found = FREEZING_ALLOWED.search(text)
        if found and any(c.do_not_freeze for c in conditions):
            yield f"says {found.group(0)!r} but the label says do not freeze"
        claim_words = f" {_words(text)} "
        for contraindication in label.contraindications:
            if f" {_words(contraindication.text)} " in claim_words:
                yield f"names {contraindication.text!r}, a contraindication ({contraindication.id})"
        found = NO_CONTRAINDICATIONS.search(text)
        if found and label.contraindications:
            yield (f"says {found.group(0)!r} but the label has {len(label.contraindications)} contraindications")
        found = NO_DOSE_ADJUSTMENT.search(text)
        if found and label.dosing.populations:
            populations = ", ".join(p.population for p in label.dosing.populations)
            yield f"says {found.group(0)!r} but the label adjusts the dose for {populations}"


def _quantities_outside_label(text: str, label: Label) -> Iterator[str]:
    """Doses and temperatures a claim names must be ones the label has: within a labelled dose range (same unit
    and period) or a storage temperature range."""
    doses = [r.dose for r in label.approved_regimens] + [p.starting_dose for p in label.dosing.populations]
    temperatures = [c.temperature for c in label.storage.conditions if c.temperature is not None]
    for found in find_quantities(text):
        quantity = found.quantity
        if quantity.unit in ("°C", "°F"):
            within = [t for t in temperatures if t.unit == quantity.unit and t.low <= quantity.low
                      and quantity.maximum <= t.maximum]
            if not within:
                labelled = ", ".join(str(t) for t in temperatures) or "none"
                yield f"names {found.text!r}, outside every labelled storage temperature ({labelled})"
            continue
        same_unit = [d for d in doses if d.unit == quantity.unit]
        if not same_unit:
            continue  # not a dose (a strength, a volume of a vial): other rules and the reviewer judge it
        if quantity.per is not None and all(d.per != quantity.per for d in same_unit):
            yield f"names {found.text!r}, but every labelled dose is per {same_unit[0].per or 'administration'}"
            continue
        if not any(d.low <= quantity.low and quantity.maximum <= d.maximum for d in same_unit
                   if quantity.per is None or d.per == quantity.per):
            labelled = ", ".join(str(d) for d in same_unit)
            yield f"names {found.text!r}, outside every labelled dose ({labelled})"


SUPERLATIVES = re.compile(r"\bunique\b|\bbest\b|\bsafest\b|\bsuperior\b|\bonly\b|\bfirst\b|\bproven\b|\bguarantee"
                          r"|\bfaster\b|\bbetter\b|\bsafer\b|\bmore effective\b|\bprevents?\b|\breverses?\b"
                          r"|\bhalts?\b|\brapid(?:ly)?\b|\bpreferred\b|\bFDA[- ]approved\b|\bcure[sd]?\b"
                          r"|\bdisease-modifying\b|\brobust\b|\bpurity\b|\bmiracle\b|\brevolutionary\b"
                          r"|\bno side effects\b|\bcompletely safe\b|\b\d+(?:\.\d+)?\s*%", re.I)


@register
class UnsubstantiatedSuperlative(Rule):
    """What it does: finds approved claims that use superlative, comparative or absolute wording (unique, best,
    proven, faster, prevents, rapid, disease-modifying, robust evidence, FDA-approved, a purity percentage)
    without a cited reference among their support.

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
            match = SUPERLATIVES.search(claim.text)
            cited = any(isinstance(f, Reference) and f.status == "cited"
                        for f in (label.fact(i) for i in claim.supported_by))
            if match and not cited:
                yield Hit(("claims", index, "text"),
                          f"claim {claim.id} says {match.group(0)!r} with no cited reference to substantiate it")


@register
class PendingClaim(Rule):
    """What it does: lists claims still pending review.

    Why is this bad? It is not: a pending claim never reaches the product sheet. The warning keeps open reviews
    visible until they are decided.
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
    """

    code, name = "LBL207", "status-without-reason"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        for index, indication in enumerate(ctx.label.indications):
            if indication.status != "approved" and not indication.status_reason:
                yield Hit(("indications", index, "status"),
                          f"indication {indication.id} is {indication.status} but gives no status_reason")
