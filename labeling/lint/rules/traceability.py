"""LBL2xx: traceability — every use, regimen and claim traces to what the label approves and supports."""

from __future__ import annotations

import re
from collections.abc import Iterable

from labeling.lint import WARNING, Hit, LintContext, Rule, register
from labeling.model import Claim, Fact, Gap, Indication, Label, Reference, Regimen

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
                      f"indication {indication.id} is approved but its text says {', '.join(sorted(set(w.lower() for w in found)))!r}"
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
    "week": re.compile(r"\bweekly\b|\bonce a week\b|\bper week\b|\bevery week\b", re.I),
    "month": re.compile(r"\bmonthly\b|\bonce a month\b|\bper month\b", re.I),
    "day": re.compile(r"\bdaily\b|\bonce a day\b|\bper day\b|\bevery day\b", re.I),
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


@register
class ClaimContradictsLabel(Rule):
    """What it does: finds claims (approved or pending) that contradict a label fact: a dosing frequency the
    regimens do not have, a route that is not labelled, a population the label does not treat.

    Why is this bad? Promotion must not differ from the approved conditions of use; a claim of weekly dosing
    for a daily regimen invites under-dosing. An error even if the claim is marked approved.

    Example: "Weekly dosing for convenience" against regimens in mL/day.
    """

    code, name = "LBL204", "claim-contradicts-label"

    def check(self, ctx: LintContext) -> Iterable[Hit]:
        label = ctx.label
        periods = {r.dose.per for r in label.approved_regimens}
        routes = {r.name for r in label.labelled_routes}
        for index, claim in enumerate(label.claims):
            if claim.status == "rejected":
                continue
            for period, pattern in FREQUENCY_WORDS.items():
                if pattern.search(claim.text) and period not in periods:
                    yield Hit(("claims", index, "text"),
                              f"claim {claim.id} says {pattern.search(claim.text).group(0)!r} but every labelled "
                              f"regimen is dosed per {' or per '.join(sorted(p for p in periods if p))}")
            for route, pattern in ROUTE_WORDS.items():
                if pattern.search(claim.text) and route not in routes:
                    yield Hit(("claims", index, "text"),
                              f"claim {claim.id} names the {route} route, which is not labelled "
                              f"(labelled: {', '.join(sorted(routes)) or 'none'})")
            match = POPULATION_WORDS.search(claim.text)
            if match:
                yield Hit(("claims", index, "text"),
                          f"claim {claim.id} addresses {match.group(0)!r}, a population or use the label does not "
                          "approve")


SUPERLATIVES = re.compile(r"\bunique\b|\bbest\b|\bsafest\b|\bsuperior\b|\bonly\b|\bfirst\b|\bproven\b|\bguarantee"
                          r"|\bcure[sd]?\b|\bdisease-modifying\b|\brobust\b|\bpurity\b|\bmiracle\b|\brevolutionary\b"
                          r"|\bno side effects\b|\bcompletely safe\b|\b\d+(?:\.\d+)?\s*%", re.I)


@register
class UnsubstantiatedSuperlative(Rule):
    """What it does: finds approved claims that use superlative, comparative or absolute wording (unique, best,
    proven, disease-modifying, robust evidence, a purity percentage) without a cited reference among their
    support.

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
