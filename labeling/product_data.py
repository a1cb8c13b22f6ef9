"""An SPL's product data elements (48780-1) against the label's typed facts.

What FDA's listing reads from an SPL is data, not prose: product and generic names, each presentation's dosage
form and strength, active and inactive ingredients (with UNIIs), packages with their codes and quantities, the
routes and the application number. Each is compared with the fact it was written from; a value changed, missing
or added is a finding naming that fact. Presentations are matched to SPL products by their product code when
both have one, else by strength, so an SPL with its products in another order is not a finding.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from labeling import spl_terms
from labeling.extract.spl import plain_number
from labeling.spl_terms import ROUTE_NAMES, UCUM, dosage_form, holds, ingredient_name, moiety, ndc_code, package_type
from labeling.verify import FactCheck, Finding, Verification

if TYPE_CHECKING:
    from labeling.extract.artifact import Artifact
    from labeling.extract.spl import Ratio, SplProduct
    from labeling.model import Label, Package, Presentation

SECTION = "product data elements"


def verify_product_data(products: tuple[SplProduct, ...], label: Label, document: str) -> Verification:
    from labeling.reach import labelled_routes

    result = Verification(document, "product-data")

    def check(fact: str, expected: str, found: str | None, same: bool, what: str) -> None:
        row = result.checks.setdefault(fact, FactCheck(fact, expected))
        if same:
            return
        row.ok = False
        row.found = found
        code = "missing" if found is None else "changed"
        shown = "nothing" if found is None else repr(found)
        message = f"{what}: the SPL says {shown}, the label {expected!r}"
        result.findings.append(Finding(document, SECTION, fact, code, message, expected, found))

    product = label.product
    unmatched = list(products)
    for presentation in product.presentations:
        path = str(label.fact_path(presentation.id))
        spl = _match(presentation, unmatched)
        if spl is None:
            check(path, f"{presentation.dosage_form} {presentation.strength}", None, False, "a presentation")
            continue
        unmatched.remove(spl)
        check("product.name", product.name, spl.name, _same(product.name, spl.name), "the product name")
        check(
            "product.established_name",
            product.established_name,
            spl.generic,
            _same(product.established_name, spl.generic),
            "the established name",
        )
        form = dosage_form(presentation)
        if form:  # the name and the code FDA reads: both must be the form's
            same = _same(form, spl.form) and spl.form_code == spl_terms.DOSAGE_FORMS.get(form)
            check(f"{path}.dosage_form", form, f"{spl.form} ({spl.form_code})", same, "the dosage form")
        actives = [i for i in spl.ingredients if i.role in ("ACTIB", "ACTIM", "ACTIR")]
        strength = presentation.strength
        expected = _ratio_of(strength, UCUM)
        found = actives[0].strength if len(actives) == 1 else None
        check(
            f"{path}.strength",
            str(strength),
            _shown(found),
            found is not None and _ratio_key(found) == expected,
            "the strength",
        )
        _check_basis(check, label, actives)
        for package in presentation.packages:
            _check_package(check, label, package, spl, UCUM, package_type)
        known = {p.code for p in presentation.packages if p.code}
        for listed in spl.packages:
            if listed.code and not any(_ndc_equal(listed.code, code) for code in known):
                fact = f"{path}.packages"
                result.checks.setdefault(fact, FactCheck(fact, "the packages the label lists")).ok = False
                result.findings.append(
                    Finding(document, SECTION, fact, "extra", f"a package the label does not list: {listed.code}")
                )
        names = sorted(ROUTE_NAMES.get(r.name, r.name.upper()) for r in labelled_routes(label))
        routes = [f"{name} ({spl_terms.ROUTES.get(name)})" for name in names]
        found_routes = sorted(f"{name.upper()} ({code})" for name, code in spl.routes)
        check("dosing.routes", ", ".join(routes), ", ".join(found_routes), routes == found_routes, "the routes")
        _check_ingredients(check, label, spl, presentation)
        approval = label.label.approval
        if approval is not None:
            basis = approval.basis.replace(" ", "")
            check("label.approval.basis", basis, spl.approval, _same(basis, spl.approval), "the application number")
            category = "".join(c for c in basis if c.isalpha()).upper()
            code = approval.category_code or spl_terms.MARKETING_CATEGORIES.get(category)
            if code:
                same = spl.category_code == code and _same(category, spl.category)
                shown = f"{spl.category} ({spl.category_code})"
                check("label.approval.category", f"{category} ({code})", shown, same, "the marketing category")
    for extra in unmatched:
        result.findings.append(
            Finding(document, SECTION, "product.presentations", "extra", f"a product the label does not have: "
                    f"{extra.name} {extra.form or ''} {_shown(_first_strength(extra)) or ''}".strip())
        )  # fmt: skip
    return result


def _check_package(check, label: Label, package: Package, spl: SplProduct, ucum, package_type) -> None:
    path = str(label.fact_path(package.id))
    if not package.code:
        return
    found = next((p for p in spl.packages if p.code and _ndc_equal(p.code, package.code)), None)
    if found is None:
        check(f"{path}.code", package.code, None, False, "a package")
        return

    pack = package.pack
    same = _decimal(found.quantity) == pack.low and found.unit == ucum.get(pack.unit, "1")
    check(f"{path}.pack", str(pack), f"{found.quantity} {found.unit}", same, f"the quantity in package {found.code}")
    if package.volume is not None and spl_terms.measured(package):
        volume = _decimal(found.volume or "")
        shown = f"{found.volume} mL" if found.volume else None
        same = volume is not None and package.volume.unit == "mL" and volume == package.volume.low
        check(f"{path}.volume", str(package.volume), shown, same, f"the volume in each container of {found.code}")
    kind = package_type(package)
    if kind and found.form:
        check(f"{path}.container", kind, found.form, _same(kind, found.form), f"the package type of {found.code}")
    codes = {code for name, code in spl.package_codes if spl_terms.PACKAGE_TYPES.get(name.upper()) != code}
    if codes:  # a package type whose code is not its name's (SPL015 checks the code is in the list at all)
        check(f"{path}.container", kind or "", ", ".join(sorted(codes)), False, "a package type's code")


def _check_basis(check, label: Label, actives: list) -> None:
    """The class FDA reads the strength by: of the ingredient itself (ACTIB) or of its active moiety (ACTIM,
    with the moiety named), as the content's basis of strength says."""

    for active in label.product.ingredients:
        if active.role != "active":
            continue
        wanted = moiety(active)
        hit = next((i for i in actives if _same(i.name, active.name)), actives[0] if len(actives) == 1 else None)
        if hit is None:
            continue
        expected = f"ACTIM ({wanted})" if wanted else "ACTIB"
        found = f"{hit.role} ({hit.moiety})" if hit.role == "ACTIM" else hit.role
        same = hit.role == ("ACTIM" if wanted else "ACTIB") and (not wanted or _same(wanted, hit.moiety))
        check(f"{label.fact_path(active.id)}.basis_of_strength", expected, found, same, "the basis of the strength")


def _check_ingredients(check, label: Label, spl: SplProduct, presentation: Presentation) -> None:
    """The presentation's inactive ingredients by name (a colorant of some strengths in those only), and UNIIs."""

    expected = {
        ingredient_name(i).lower(): i
        for i in label.product.ingredients
        if i.role == "inactive" and holds(i, presentation)
    }
    found = {i.name.lower(): i for i in spl.ingredients if i.role == "IACT"}
    for name, ingredient in expected.items():
        path = str(label.fact_path(ingredient.id))
        hit = found.get(name)
        check(path, ingredient_name(ingredient), hit.name if hit else None, hit is not None, "an inactive ingredient")
        if hit is not None and ingredient.unii:
            check(
                f"{path}.unii", ingredient.unii, hit.unii, hit.unii == ingredient.unii, f"the UNII of {ingredient.name}"
            )
    for name, spl_ingredient in found.items():
        if name not in expected and expected:
            check("product.ingredients", "the label's inactive ingredients", spl_ingredient.name, False,
                  "an inactive ingredient the label does not list")  # fmt: skip
    for active in label.product.ingredients:
        if active.role == "active" and active.unii:
            name = ingredient_name(active)
            hit = next((i for i in spl.ingredients if i.role.startswith("ACTI") and _same(i.name, name)), None)
            path = str(label.fact_path(active.id))
            check(f"{path}.unii", active.unii, hit.unii if hit else None, bool(hit and hit.unii == active.unii),
                  f"the UNII of {active.name}")  # fmt: skip


def _match(presentation: Presentation, products: list[SplProduct]) -> SplProduct | None:

    codes = {(ndc_code(p.code) or "").rsplit("-", 1)[0] for p in presentation.packages if p.code}
    codes.discard("")
    for product in products:
        if product.code and product.code in codes:
            return product
    expected = _ratio_of(presentation.strength, UCUM)
    for product in products:
        if _ratio_key(_first_strength(product)) == expected:
            return product
    return None


def _first_strength(product: SplProduct) -> Ratio | None:
    return next((i.strength for i in product.ingredients if i.role.startswith("ACTI") and i.strength), None)


def _ratio_of(strength, ucum) -> tuple[Decimal, str, Decimal, str]:
    if strength.per in ucum:
        per = strength.per_value if strength.per_value is not None else Decimal(1)
        return strength.low, ucum.get(strength.unit, strength.unit), per, ucum[strength.per]
    return strength.low, ucum.get(strength.unit, strength.unit), Decimal(1), "1"


def _ratio_key(ratio: Ratio | None) -> tuple[Decimal, str, Decimal, str] | None:
    if ratio is None:
        return None
    numerator, denominator = _decimal(ratio.numerator), _decimal(ratio.denominator)
    if numerator is None or denominator is None:
        return None
    return numerator, ratio.numerator_unit, denominator, ratio.denominator_unit


def _decimal(text: str) -> Decimal | None:
    """A plain positive number, or None (NaN, infinities and huge exponents are not quantities)."""

    return plain_number(text)


def _shown(ratio: Ratio | None) -> str | None:
    if ratio is None:
        return None
    per = (
        ""
        if (ratio.denominator, ratio.denominator_unit) == ("1", "1")
        else f"/{ratio.denominator} {ratio.denominator_unit}"
    )
    return f"{ratio.numerator} {ratio.numerator_unit}{per}"


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and " ".join(a.lower().split()) == " ".join(b.lower().split())


def _ndc_equal(a: str, b: str) -> bool:

    return (ndc_code(a) or a) == (ndc_code(b) or b)


def patient_labeling_findings(artifact: Artifact, label: Label, source: str) -> list[Finding]:
    """An SPL carries the patient labeling the label has, of its kind: one missing, or recoded (Patient
    Information as a Medication Guide), is a finding."""
    from labeling.documents import DOCUMENT_KINDS, outputs_for

    wanted = [o.kind for o in outputs_for(label) if DOCUMENT_KINDS[o.kind].audience == "patient"]
    found = [inner.kind or "" for inner in artifact.companions]
    if sorted(wanted) == sorted(found):
        return []
    message = f"the SPL holds {', '.join(found) or 'no patient labeling'}; the label has {', '.join(wanted) or 'none'}"
    return [
        Finding(source, "", "label.patient_labeling", "section-missing", message, ", ".join(wanted), ", ".join(found))
    ]


def verify_spl_data(artifact: Artifact, label: Label, source: str) -> Verification:
    """An SPL's product data elements against the typed facts, and FDA's rules on the document (errors are
    findings; gaps, facts FDA needs that the content does not record, are noted)."""
    from labeling.spl_rules import ERROR, check_spl

    result = verify_product_data(artifact.data.products, label, f"{source} (product data)")
    for finding in check_spl(artifact.data.root):
        code = "spl-rule"
        message = f"{finding.rule} {finding.message}" + (f" (line {finding.line})" if finding.line else "")
        if finding.severity == ERROR:
            result.findings.append(Finding(result.document, "", finding.rule, code, message))
        else:
            result.notes.append(f"{finding.severity}: {message}")
    return result
