"""SPL writer: the package insert's document tree, its patient labeling and the product's typed facts as FDA
Structured Product Labeling (HL7 v3 XML, document type 34391-3).

Every sentence comes from the same document trees the PDF is laid out from, so the SPL and the printed insert
say the same words. Highlights are not a part of their own in SPL: each Highlights section becomes the
``excerpt`` of the FPI section it summarises, and the limitation statement, title line and initial approval form
the document's title. The product data elements section (48780-1) is written from typed facts only: the product's
names, each presentation's dosage form, active and inactive ingredients with strength as numerator and
denominator, packages with their codes, the marketing category and the routes, with FDA's codes from
``labeling.spl_terms``. A fact FDA's lists have no code for is written without one, never guessed; the SPL rule
set (``labeling.spl_rules``) reports it.

Identifiers are UUIDs derived from the label's set id and version, so the same content always gives the same
bytes, and a new version a new document id.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from labeling import spl_terms
from labeling.doctree import BulletList, Document, Paragraph, Section, Table, Unit
from labeling.extract.spl import format_plain
from labeling.reach import labelled_routes
from labeling.spl_terms import (
    PRODUCT_DATA_ELEMENTS,
    RECENT_MAJOR_CHANGES,
    ROUTE_NAMES,
    UCUM,
    UNCLASSIFIED,
    V3,
    container_type,
    dosage_form,
    holds,
    ingredient_name,
    measured,
    moiety,
    ndc_code,
    package_type,
)

if TYPE_CHECKING:
    from labeling.documents import DocumentKind
    from labeling.model import Ingredient, Label, Package, Presentation
    from labeling.quantities import Quantity

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "urn:hl7-org:v3 https://www.accessdata.fda.gov/spl/schema/spl.xsd"
HUMAN_PRESCRIPTION_LABEL = ("34391-3", "HUMAN PRESCRIPTION DRUG LABEL")
PATIENT_SECTIONS = {kind: code for code, kind in spl_terms.PATIENT_KINDS.items()}
# A label's own namespace for the set id when the content records none (a stable stand-in; lint asks for it).
SET_ID_NAMESPACE = uuid.UUID("6f1c6a52-0c1e-5d8e-9b7a-6c61626c696e")

STYLE_CODES = {"em": "italics", "strong": "bold"}


def write_spl(label: Label, document: Document, kind: DocumentKind) -> bytes:
    """The SPL document of a US label, from its package insert tree (and its patient labeling's)."""
    from labeling.compose import compose

    chosen = label.label.patient_labeling
    patient = compose(label, chosen) if chosen in PATIENT_SECTIONS else None
    return _SplWriter(label).document(document, patient)


def set_id(label: Label) -> str:
    spl = label.label.spl
    return spl.set_id if spl else str(uuid.uuid5(SET_ID_NAMESPACE, label.product.id))


def document_id(label: Label) -> str:
    version = label.label.spl.version if label.label.spl else 1
    return str(uuid.uuid5(uuid.UUID(set_id(label)), f"document/{version}"))


def _el(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{V3}}}{tag}", {k.rstrip("_"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


class _SplWriter:
    def __init__(self, label: Label):
        self.label = label
        self.document_id = document_id(label)
        self.date = label.label.revision_date.strftime("%Y%m%d")
        self.sections: dict[str, int] = {}

    # -- the document ---------------------------------------------------------------------------------------
    def document(self, insert: Document, patient: Document | None) -> bytes:
        label = self.label
        root = etree.Element(f"{{{V3}}}document", nsmap={None: V3, "xsi": XSI})  # type: ignore[dict-item]
        root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
        _el(root, "id", root=self.document_id)
        _el(root, "code", code=HUMAN_PRESCRIPTION_LABEL[0], codeSystem=spl_terms.LOINC,
            displayName=HUMAN_PRESCRIPTION_LABEL[1])  # fmt: skip
        self.title(_el(root, "title"), insert)
        _el(root, "effectiveTime", value=self.date)
        _el(root, "setId", root=set_id(label))
        _el(root, "versionNumber", value=str(label.label.spl.version if label.label.spl else 1))
        self.author(root)
        body = _el(_el(root, "component"), "structuredBody")
        self.product_data(_el(_el(body, "component"), "section"))
        highlights = {s.key.removeprefix("hl-"): s for p in insert.parts if p.key == "highlights" for s in p.sections}
        for part in insert.parts:
            if part.key == "notice":
                self.unclassified(body, part.blocks)
        for part in insert.parts:
            if part.key != "fpi":
                continue
            if "recent-major-changes" in highlights:
                section = _el(_el(body, "component"), "section")
                self.identify(section, "recent-major-changes", RECENT_MAJOR_CHANGES)
                self.excerpt(section, highlights["recent-major-changes"])
            for top in part.sections:
                self.section(body, top, highlights.get(top.key), "fpi")
        if patient is not None:
            self.patient(body, patient)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def title(self, title: etree._Element, insert: Document) -> None:
        """The limitation statement, the title line and the initial approval, one per line."""
        lines = [
            block.unit
            for part in insert.parts
            if part.key == "highlights"
            for block in part.blocks
            if isinstance(block, Paragraph)
        ]
        for index, unit in enumerate(lines):
            if index:
                _el(title, "br")
            self.inline(title, unit)

    def author(self, root: etree._Element) -> None:
        spl, product = self.label.label.spl, self.label.product
        labeler = (spl.labeler if spl and spl.labeler else None) or product.manufacturer
        if labeler is None:
            labeler = next((firm.name for firm in product.firms), None)
        organization = _el(_el(_el(root, "author"), "assignedEntity"), "representedOrganization")
        if spl and spl.labeler_duns:
            _el(organization, "id", extension=spl.labeler_duns, root=spl_terms.DUNS)
        _el(organization, "name", labeler or "")

    def identify(self, section: etree._Element, key: str, code: str) -> None:
        """A section's ID attribute, id and code: unique and stable (derived from the document id and the key)."""
        count = self.sections[key] = self.sections.get(key, 0) + 1
        name = key if count == 1 else f"{key}-{count}"
        section.set("ID", "S-" + name)
        _el(section, "id", root=str(uuid.uuid5(uuid.UUID(self.document_id), f"section/{name}")))
        _el(section, "code", code=code, codeSystem=spl_terms.LOINC)

    # -- narrative sections -----------------------------------------------------------------------------------
    def unclassified(self, body: etree._Element, blocks: tuple) -> None:
        """Text of a part that is no section (the draft notice; a patient document's own lead text)."""
        section = _el(_el(body, "component"), "section")
        self.identify(section, "draft-notice", UNCLASSIFIED)
        self.text(section, blocks)
        _el(section, "effectiveTime", value=self.date)

    def section(self, parent: etree._Element, section: Section, highlight: Section | None, scope: str) -> None:
        element = _el(_el(parent, "component"), "section")
        self.identify(element, f"{scope}-{section.id}", section.loinc or UNCLASSIFIED)
        self.inline(_el(element, "title"), section.heading)
        if section.blocks:
            self.text(element, section.blocks)
        _el(element, "effectiveTime", value=self.date)
        if highlight is not None:
            self.excerpt(element, highlight)
        for child in section.sections:
            self.section(element, child, None, scope)

    def excerpt(self, section: etree._Element, highlight: Section) -> None:
        self.text(_el(_el(section, "excerpt"), "highlight"), highlight.blocks)

    def patient(self, body: etree._Element, patient: Document) -> None:
        element = _el(_el(body, "component"), "section")
        self.identify(element, "patient", PATIENT_SECTIONS[patient.kind])
        _el(element, "title", patient.title)
        front = [block for block in patient.front if any(unit for unit in block.units())]
        if front:
            self.text(element, tuple(front))
        _el(element, "effectiveTime", value=self.date)
        for part in patient.parts:
            if part.blocks:
                self.unclassified(element, part.blocks)
            for section in part.sections:
                self.section(element, section, None, "patient")

    def text(self, parent: etree._Element, blocks: tuple) -> None:
        text = _el(parent, "text")
        for block in blocks:
            if isinstance(block, Paragraph):
                if block.unit:
                    self.inline(_el(text, "paragraph"), block.unit)
            elif isinstance(block, BulletList):
                items = [item for item in block.items if item]
                if items:
                    listing = _el(text, "list", listType="ordered" if block.ordered else "unordered")
                    for item in items:
                        self.inline(_el(listing, "item"), item)
            elif isinstance(block, Table):
                self.table(text, block)

    def table(self, parent: etree._Element, table: Table) -> None:
        element = _el(parent, "table", width="100%")
        if table.caption is not None and table.caption:
            self.inline(_el(element, "caption"), table.caption)
        head = [row for row in table.rows if row.header]
        body = [row for row in table.rows if not row.header]
        if head:
            group = _el(element, "thead")
            for row in head:
                tr = _el(group, "tr")
                for cell in row.cells:
                    self.inline(_el(tr, "th"), cell)
        group = _el(element, "tbody")
        for row in body or [table.rows[0]]:
            tr = _el(group, "tr")
            for index, cell in enumerate(row.cells):
                self.inline(_el(tr, "th" if table.row_headers and index == 0 else "td"), cell)

    def inline(self, parent: etree._Element, unit: Unit) -> None:
        """Runs as text, italic and bold runs as styled content: mixed content appended after what the element
        already holds."""
        last: etree._Element | None = parent[-1] if len(parent) else None
        for run in unit.runs:
            if not run.text:
                continue
            code = STYLE_CODES.get(run.style)
            if code:
                last = _el(parent, "content", run.text, styleCode=code)
            elif last is None:
                parent.text = (parent.text or "") + run.text
            else:
                last.tail = (last.tail or "") + run.text

    # -- product data elements (48780-1) ------------------------------------------------------------------------
    def product_data(self, section: etree._Element) -> None:
        self.identify(section, "product-data", PRODUCT_DATA_ELEMENTS)
        _el(section, "effectiveTime", value=self.date)
        for presentation in self.label.product.presentations:
            self.product(_el(_el(section, "subject"), "manufacturedProduct"), presentation)

    def product(self, outer: etree._Element, presentation: Presentation) -> None:
        product = self.label.product
        inner = _el(outer, "manufacturedProduct")
        codes = [ndc_code(package.code) for package in presentation.packages if package.code]
        product_codes = {code.rsplit("-", 1)[0] for code in codes if code and code.count("-") == 2}
        if len(product_codes) == 1:
            _el(inner, "code", code=product_codes.pop(), codeSystem=spl_terms.NDC)
        _el(inner, "name", product.name)
        self.coded(inner, "formCode", dosage_form(presentation), spl_terms.DOSAGE_FORMS)
        _el(_el(_el(inner, "asEntityWithGeneric"), "genericMedicine"), "name", product.established_name)
        actives = [i for i in product.ingredients if i.role == "active"]
        if actives:
            for ingredient in actives:
                self.ingredient(inner, ingredient, presentation.strength if len(actives) == 1 else None)
        else:  # the established name is the active ingredient's
            self.ingredient(inner, None, presentation.strength)
        for ingredient in product.ingredients:
            if ingredient.role == "inactive" and holds(ingredient, presentation):
                substance = _el(_el(inner, "ingredient", classCode="IACT"), "ingredientSubstance")
                if ingredient.unii:
                    _el(substance, "code", code=ingredient.unii, codeSystem=spl_terms.UNII)
                _el(substance, "name", ingredient_name(ingredient))
        for package in presentation.packages:
            self.package(inner, package)
        self.approval(outer)
        for route in labelled_routes(self.label):  # a route only an unapproved regimen uses is not labelled
            name = ROUTE_NAMES.get(route.name, route.name.upper())
            administration = _el(_el(outer, "consumedIn"), "substanceAdministration")
            self.coded(administration, "routeCode", name, spl_terms.ROUTES)

    def ingredient(self, product: etree._Element, ingredient: Ingredient | None, strength: Quantity | None) -> None:
        name = ingredient_name(ingredient) if ingredient else self.label.product.established_name
        basis = moiety(ingredient)
        element = _el(product, "ingredient", classCode="ACTIM" if basis else "ACTIB")
        if strength is not None:
            self.ratio(element, strength)
        substance = _el(element, "ingredientSubstance")
        if ingredient and ingredient.unii:
            _el(substance, "code", code=ingredient.unii, codeSystem=spl_terms.UNII)
        _el(substance, "name", name)
        if basis:
            _el(_el(_el(substance, "activeMoiety"), "activeMoiety"), "name", basis)

    def ratio(self, parent: etree._Element, strength: Quantity) -> None:
        quantity = _el(parent, "quantity")
        _el(quantity, "numerator", value=format_plain(strength.low), unit=UCUM.get(strength.unit, strength.unit))
        if strength.per in UCUM:
            per_value = strength.per_value if strength.per_value is not None else Decimal(1)
            _el(quantity, "denominator", value=format_plain(per_value), unit=UCUM[strength.per])
        else:  # per tablet, per vial, or none: one unit of the dosage form
            _el(quantity, "denominator", value="1", unit="1")

    def package(self, product: etree._Element, package: Package) -> None:
        """One level ("90 tablets in 1 BOTTLE", "100 mL in 1 BOTTLE"), or two when the pack counts containers of
        a stated volume ("0.8 mL in 1 SYRINGE; 2 SYRINGE in 1 <pack>"): the code is the outer pack's."""
        pack = package.pack
        words = " ".join(filter(None, [package.container, f"({pack.unit})" if pack.unit else None]))
        if measured(package):
            assert package.volume is not None
            content = _el(product, "asContent")
            self.quantity(content, package.volume.low, UCUM.get(package.volume.unit, package.volume.unit))
            inner = _el(content, "containerPackagedProduct")
            _el(inner, "code")  # a container inside the pack has no code of its own
            self.coded(inner, "formCode", container_type(package), spl_terms.PACKAGE_TYPES, words)
            product, unit, words = inner, "1", f"the pack of {pack.low} {pack.unit}s"
        else:
            unit = UCUM.get(pack.unit, "1")
        content = _el(product, "asContent")
        self.quantity(content, pack.low, unit)
        container = _el(content, "containerPackagedProduct")
        code = ndc_code(package.code) if package.code else None
        if code:
            _el(container, "code", code=code, codeSystem=spl_terms.NDC)
        self.coded(container, "formCode", package_type(package), spl_terms.PACKAGE_TYPES, words)

    def quantity(self, content: etree._Element, amount: Decimal, unit: str) -> None:
        quantity = _el(content, "quantity")
        _el(quantity, "numerator", value=format_plain(amount), unit=unit)
        _el(quantity, "denominator", value="1")

    def approval(self, product: etree._Element) -> None:
        approval = self.label.label.approval
        if approval is None:
            return
        category = re.match(r"[A-Za-z]+", approval.basis.strip())
        name = category.group(0).upper() if category else ""
        code = approval.category_code or spl_terms.MARKETING_CATEGORIES.get(name)
        element = _el(_el(product, "subjectOf"), "approval")
        _el(element, "id", extension=approval.basis.replace(" ", ""), root=spl_terms.APPLICATION_NUMBER)
        if code:
            _el(element, "code", code=code, codeSystem=spl_terms.NCI_THESAURUS, displayName=name)
        else:
            _el(element, "code", nullFlavor="UNK", codeSystem=spl_terms.NCI_THESAURUS, displayName=name)
        territory = _el(_el(_el(element, "author"), "territorialAuthority"), "territory")
        _el(territory, "code", code="USA", codeSystem=spl_terms.COUNTRY)

    def coded(
        self, parent: etree._Element, tag: str, name: str | None, terms: dict[str, str], words: str | None = None
    ) -> None:
        """A coded element from FDA's list; a name the list does not have is written as unknown with the
        content's own words (``originalText``), not guessed."""
        if name and name in terms:
            _el(parent, tag, code=terms[name], codeSystem=spl_terms.NCI_THESAURUS, displayName=name)
        else:
            element = _el(parent, tag, nullFlavor="UNK", codeSystem=spl_terms.NCI_THESAURUS)
            if name or words:
                _el(element, "originalText", name or words)
