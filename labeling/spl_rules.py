"""The SPL rule set: the HL7 schema and the machine-checkable rules of FDA's SPL validation procedures, as data.

Each rule has an id, the requirement it implements, a severity and a check on the parsed document. ``error``: the
document is malformed and FDA would reject it. ``warning``: a defect FDA's own published labels carry (a link to
no target), reported without failing. ``gap``: the document is well formed but lacks a fact FDA's
listing needs and the content does not record (a marketing category, a package type no word of the content
names): reported, not invented. Rules that need judgement or the submission around the file (the file named
after the document id, one document per set id version in FDA's database) are listed in ``NOT_CHECKED``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from lxml import etree

from labeling import spl_terms
from labeling.spl_terms import NS, PRODUCT_DATA_ELEMENTS, RECENT_MAJOR_CHANGES, UNCLASSIFIED, V3

# HL7's schema set, package data (pyproject.toml [tool.setuptools.package-data]): found wherever labeling is installed.
SCHEMA = Path(str(files("labeling") / "schemas" / "spl" / "SPL.xsd"))
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DATE = re.compile(r"^\d{8}(\d{2}(\d{2}(\d{2})?)?)?([+-]\d{4})?$")
ERROR, WARNING, GAP = "error", "warning", "gap"

DOCUMENT_TYPES = {"34391-3": "HUMAN PRESCRIPTION DRUG LABEL"}
# Sections whose code says enough that FDA's viewer needs no title (lipitor.xml has them untitled too).
UNTITLED = {PRODUCT_DATA_ELEMENTS, RECENT_MAJOR_CHANGES, UNCLASSIFIED, "51945-4", "42230-3", "42231-1"}
# LOINC section codes of a human prescription drug label: the PLR sections and subsections the tool writes
# (labeling.documents), the older and extra ones FDA's own labels use, and the document-level ones.
EXTRA_SECTION_CODES = {
    PRODUCT_DATA_ELEMENTS,
    RECENT_MAJOR_CHANGES,
    UNCLASSIFIED,
    "42230-3",  # patient package insert
    "42231-1",  # medication guide
    "51945-4",  # package label, principal display panel
    "34076-0",  # information for patients (older section 17)
    "34080-2",  # nursing mothers (pre-PLLR)
    "34077-8",  # teratogenic effects
    "34066-1",  # boxed warning
    # Labels in the older (pre-PLR) format, as FDA publishes them (a 2024 dexamethasone listing):
    "34071-1",  # warnings
    "42232-9",  # precautions
    "34072-9",  # general precautions
}
UCUM_UNITS = {"mg", "g", "ug", "kg", "mL", "L", "[iU]", "[USP'U]", "meq", "mmol", "1", "%"}
NDC_PRODUCT = re.compile(r"^(\d{4}-\d{4}|\d{5}-\d{3}|\d{5}-\d{4})$")
NDC_PACKAGE = re.compile(r"^(\d{4}-\d{4}-\d{2}|\d{5}-\d{3}-\d{2}|\d{5}-\d{4}-\d{1,2})$")


@dataclass(frozen=True)
class SplFinding:
    rule: str
    severity: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{self.rule} {where}{self.message}"


@dataclass(frozen=True)
class SplRule:
    id: str
    requirement: str
    severity: str
    check: Callable[[etree._Element], Iterator[tuple[str, int | None]]]


def section_codes() -> set[str]:
    from labeling.documents import DOCUMENT_KINDS

    codes = {s.loinc for kind in DOCUMENT_KINDS.values() for s in kind.sections() if s.loinc}
    return codes | EXTRA_SECTION_CODES


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _all(root: etree._Element, path: str) -> list[etree._Element]:
    return root.findall(path, NS)


def _sections(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(f"{{{V3}}}section"))


# -- the checks ---------------------------------------------------------------------------------------------------


def _schema_valid(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    schema = _schema()
    if not schema.validate(etree.ElementTree(root)):
        errors: list[Any] = list(iter(schema.error_log))  # type: ignore[call-overload]
        for error in errors[:20]:
            yield error.message, error.line


def _document_type(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    code = root.find("v:code", NS)
    value = code.get("code") if code is not None else None
    if value not in DOCUMENT_TYPES:
        yield f"document code {value!r} is not a human prescription drug label (34391-3)", _line(code)


def _identifiers(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    document, set_id = root.find("v:id", NS), root.find("v:setId", NS)
    for name, element in (("document id", document), ("set id", set_id)):
        value = element.get("root") if element is not None else None
        if not value or not UUID.match(value):
            yield f"the {name} {value!r} is not a UUID", _line(element)
    if document is not None and set_id is not None and document.get("root") == set_id.get("root"):
        yield "the document id equals the set id (each version needs its own document id)", _line(document)


def _version(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    element = root.find("v:versionNumber", NS)
    value = element.get("value") if element is not None else None
    if not value or not value.isdigit() or int(value) < 1:
        yield f"versionNumber {value!r} is not a positive integer", _line(element)


def _dates(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    document = root.find("v:effectiveTime", NS)
    top = document.get("value") if document is not None else None
    for element in root.iter(f"{{{V3}}}effectiveTime", f"{{{V3}}}low", f"{{{V3}}}high"):
        value = element.get("value")
        if value is None and element.tag.endswith("effectiveTime") and len(element):
            continue  # an interval: its low and high are checked
        if value is None or not DATE.match(value) or not _real_date(value):
            yield f"{etree.QName(element).localname} {value!r} is not a date (YYYYMMDD)", _line(element)
        elif top and _parent_name(element) == "section" and value[:8] > top[:8]:
            yield f"a section's effectiveTime {value} is after the document's {top}", _line(element)


def _real_date(value: str) -> bool:
    try:
        datetime.strptime(value[:8], "%Y%m%d")
    except ValueError:
        return False
    return True


def _section_ids(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    seen: Counter[str] = Counter()
    anchors: Counter[str] = Counter()
    for section in _sections(root):
        identifier = section.find("v:id", NS)
        value = identifier.get("root") if identifier is not None else None
        if not value or not UUID.match(value):
            yield f"a section's id {value!r} is not a UUID", _line(section)
        else:
            seen[value.lower()] += 1
        if section.get("ID"):
            anchors[section.get("ID", "")] += 1
    for value, count in seen.items():
        if count > 1:
            yield f"section id {value} is used {count} times", None
    for value, count in anchors.items():
        if count > 1:
            yield f"section ID attribute {value!r} is used {count} times", None


def _section_codes(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    allowed = section_codes()
    for section in _sections(root):
        code = section.find("v:code", NS)
        value = code.get("code") if code is not None else None
        system = code.get("codeSystem") if code is not None else None
        if value not in allowed or system != spl_terms.LOINC:
            yield (
                f"section code {value!r} ({system}) is not a LOINC section code of a prescription label",
                _line(section),
            )


def _section_titles(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    for section in root.findall("v:component/v:structuredBody/v:component/v:section", NS):
        code = section.find("v:code", NS)
        value = code.get("code") if code is not None else None
        title = section.find("v:title", NS)
        if value not in UNTITLED and (title is None or not _text_of(title).strip()):
            yield f"section {value} has no title", _line(section)


def _no_empty_sections(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    for section in _sections(root):
        text, title = section.find("v:text", NS), section.find("v:title", NS)
        has_text = any(e is not None and _text_of(e).strip() for e in (text, title))
        has_more = any(section.find(path, NS) is not None for path in ("v:excerpt", "v:subject", "v:component"))
        if not has_text and not has_more:
            code = section.find("v:code", NS)
            yield f"section {code.get('code') if code is not None else '?'} is empty", _line(section)


def _title(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    title = root.find("v:title", NS)
    if title is None or not _text_of(title).strip():
        yield "the document has no title", _line(title)


def _author(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    organization = root.find("v:author/v:assignedEntity/v:representedOrganization", NS)
    name = organization.find("v:name", NS) if organization is not None else None
    if name is None or not (name.text or "").strip():
        yield "the labeler (author organization) has no name", _line(organization)
    for identifier in _all(root, "v:author//v:id"):
        if identifier.get("root") == spl_terms.DUNS and not re.fullmatch(r"\d{9}", identifier.get("extension", "")):
            yield f"DUNS number {identifier.get('extension')!r} is not 9 digits", _line(identifier)


def _products(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    sections = [s for s in _sections(root) if _code_of(s) == PRODUCT_DATA_ELEMENTS]
    if not sections:
        yield "no product data elements section (48780-1)", None
        return
    for product in _all(sections[0], "v:subject/v:manufacturedProduct/v:manufacturedProduct"):
        name = product.find("v:name", NS)
        if name is None or not (name.text or "").strip():
            yield "a product has no name", _line(product)
        holders = [product, *product.findall("v:part/v:partProduct", NS)]  # a kit's actives are in its parts
        actives = [
            i for h in holders for i in h.findall("v:ingredient", NS) if i.get("classCode", "").startswith("ACTI")
        ]
        if not actives:
            yield "a product has no active ingredient", _line(product)
        for ingredient in actives:
            if ingredient.find("v:quantity", NS) is None:
                yield "an active ingredient has no strength (quantity)", _line(ingredient)


def _strengths(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    for quantity in root.iter(f"{{{V3}}}quantity"):
        for part in ("numerator", "denominator"):
            element = quantity.find(f"v:{part}", NS)
            if element is None:
                continue
            value, unit = element.get("value"), element.get("unit", "1")
            if value is None or not re.fullmatch(r"\d+(\.\d+)?", value) or float(value) <= 0:
                yield f"{part} value {value!r} is not a positive number", _line(element)
            if unit not in UCUM_UNITS:
                yield f"{part} unit {unit!r} is not a UCUM unit SPL takes", _line(element)


def _coded(tag: str, terms: dict[str, str], what: str) -> Callable[[etree._Element], Iterator[tuple[str, int | None]]]:
    codes = set(terms.values())

    def check(root: etree._Element) -> Iterator[tuple[str, int | None]]:
        for element in root.iter(f"{{{V3}}}{tag}"):
            if element.get("nullFlavor"):
                continue  # a gap: SPL011
            if what == "package type" and etree.QName(element.getparent()).localname != "containerPackagedProduct":
                continue
            if what == "dosage form" and etree.QName(element.getparent()).localname == "containerPackagedProduct":
                continue
            if element.get("code") not in codes or element.get("codeSystem") != spl_terms.NCI_THESAURUS:
                yield f"{what} code {element.get('code')!r} is not in FDA's list", _line(element)

    return check


def _unknown_codes(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    what_of = {"formCode": "dosage form", "routeCode": "route", "code": "code"}
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.get("nullFlavor"):
            continue
        parent = element.getparent()
        what = what_of.get(etree.QName(element).localname, etree.QName(element).localname)
        owner = ""
        if parent is not None and etree.QName(parent).localname == "containerPackagedProduct":
            what = "package type"
            code = parent.find("v:code", NS)
            owner = f" of package {code.get('code')}" if code is not None and code.get("code") else " of a package"
        original = element.findtext("v:originalText", None, NS)
        named = f" ({original})" if original else ""
        yield f"the {what}{owner}{named} has no code in FDA's list; the content names none", _line(element)


def _ndc_codes(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    for product in root.iter(f"{{{V3}}}manufacturedProduct"):
        code = product.find("v:code", NS)
        if code is None or code.get("codeSystem") != spl_terms.NDC:
            continue
        value = code.get("code", "")
        if not NDC_PRODUCT.match(value):
            yield f"product code {value!r} is not an NDC product code (4-4, 5-3 or 5-4 digits)", _line(code)
        for package in product.iterfind(".//v:containerPackagedProduct/v:code", NS):
            package_code = package.get("code", "")
            if not package_code:
                continue  # an inner pack without a code of its own (a blister card in a carton)
            if not NDC_PACKAGE.match(package_code):
                yield f"package code {package_code!r} is not an NDC package code", _line(package)
            elif not package_code.startswith(value + "-"):
                yield f"package code {package_code} does not begin with its product code {value}", _line(package)


def _marketing_category(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    """Once per document: every product of a label shares its application."""
    missing = []
    for product in _all(root, ".//v:subject/v:manufacturedProduct"):
        code = product.find("v:subjectOf/v:approval/v:code", NS)
        if code is None or not code.get("code"):
            missing.append(product)
    if missing:
        names = sorted({(p.findtext("v:manufacturedProduct/v:name", "", NS) or "a product") for p in missing})
        yield (
            f"{', '.join(names)}: {len(missing)} product(s) without a marketing category (label.approval, and its "
            "category_code when the tool's list lacks the category)",
            _line(missing[0]),
        )


SOLID_ORAL = ("TABLET", "CAPSULE", "PILL", "LOZENGE", "TROCHE", "WAFER")
CHARACTERISTICS = ("SPLCOLOR", "SPLSHAPE", "SPLSIZE", "SPLIMPRINT")


def _characteristics(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    """FDA's listing describes a tablet or capsule by its colour, shape, size and imprint (the pill identifier
    readers rely on); the content holds them only as prose (``presentations[].description``)."""
    for outer in _all(root, ".//v:subject/v:manufacturedProduct"):
        product = outer.find("v:manufacturedProduct", NS)
        form = product.find("v:formCode", NS) if product is not None else None
        name = (form.get("displayName") or "") if form is not None else ""
        if not name.upper().startswith(SOLID_ORAL):
            continue
        present = {c.get("code") for c in outer.iterfind("v:subjectOf/v:characteristic/v:code", NS)}
        missing = [c for c in CHARACTERISTICS if c not in present]
        if missing:
            label = product.findtext("v:name", "", NS) if product is not None else ""
            yield f"{label} ({name.lower()}) has no {', '.join(missing)} characteristics", _line(outer)


def _labeler_duns(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    organization = root.find("v:author/v:assignedEntity/v:representedOrganization", NS)
    identifiers = organization.findall("v:id", NS) if organization is not None else []
    if not any(i.get("root") == spl_terms.DUNS for i in identifiers):
        yield "the labeler has no DUNS number (label.spl.labeler_duns)", _line(organization)


def _links(root: etree._Element) -> Iterator[tuple[str, int | None]]:
    anchors = {e.get("ID") for e in root.iter() if isinstance(e.tag, str) and e.get("ID")}
    for link in root.iter(f"{{{V3}}}linkHtml"):
        href = link.get("href", "")
        if href.startswith("#") and href[1:] not in anchors:
            yield f"link {href!r} points to no ID in the document", _line(link)


def _parent_name(element: etree._Element) -> str:
    parent = element.getparent()
    return etree.QName(parent).localname if parent is not None else ""


def _text_of(element: etree._Element) -> str:
    return "".join(str(text) for text in element.itertext())


def _code_of(section: etree._Element) -> str | None:
    code = section.find("v:code", NS)
    return code.get("code") if code is not None else None


def _line(element: etree._Element | None) -> int | None:
    line = element.sourceline if element is not None else None
    return line if isinstance(line, int) else None


RULES: tuple[SplRule, ...] = (
    SplRule("SPL001", "The document is valid against the HL7 SPL schema (SPL.xsd).", ERROR, _schema_valid),
    SplRule("SPL002", "The document code is a human prescription drug label (LOINC 34391-3).", ERROR, _document_type),
    SplRule("SPL003", "Document id and set id are UUIDs, and differ.", ERROR, _identifiers),
    SplRule("SPL004", "versionNumber is a positive integer.", ERROR, _version),
    SplRule("SPL005", "Every effectiveTime is a real date; no section is dated after the document.", ERROR, _dates),
    SplRule("SPL006", "Every section has a UUID id; ids and ID attributes are unique.", ERROR, _section_ids),
    SplRule("SPL007", "Every section code is a LOINC code from the allowed list.", ERROR, _section_codes),
    SplRule(
        "SPL008",
        "Every top-level section other than data, Recent Major Changes and unclassified ones has a title.",
        ERROR,
        _section_titles,
    ),
    SplRule(
        "SPL009",
        "No section is empty (a title, text, excerpt, product data or subsections).",
        ERROR,
        _no_empty_sections,
    ),
    SplRule("SPL010", "The document has a title (the Highlights limitation statement and title line).", ERROR, _title),
    SplRule("SPL011", "The labeler has a name; a DUNS number has 9 digits.", ERROR, _author),
    SplRule(
        "SPL012",
        "A product data elements section lists each product with a name and active ingredients with strength.",
        ERROR,
        _products,
    ),
    SplRule("SPL013", "Strengths and quantities are positive numbers in UCUM units SPL takes.", ERROR, _strengths),
    SplRule(
        "SPL014", "Dosage forms are from FDA's list.", ERROR, _coded("formCode", spl_terms.DOSAGE_FORMS, "dosage form")
    ),
    SplRule(
        "SPL015",
        "Package types are from FDA's list.",
        ERROR,
        _coded("formCode", spl_terms.PACKAGE_TYPES, "package type"),
    ),
    SplRule(
        "SPL016", "Routes of administration are from FDA's list.", ERROR, _coded("routeCode", spl_terms.ROUTES, "route")
    ),
    SplRule(
        "SPL017",
        "NDC product and package codes are well formed; a package code begins with its product's.",
        ERROR,
        _ndc_codes,
    ),
    SplRule("SPL018", "Internal links point to an ID in the document.", WARNING, _links),
    SplRule("SPL019", "Every coded product fact has a code (none left unknown).", GAP, _unknown_codes),
    SplRule("SPL020", "Every product has a marketing category.", GAP, _marketing_category),
    SplRule(
        "SPL021",
        "A tablet or capsule has its colour, shape, size and imprint as product characteristics.",
        GAP,
        _characteristics,
    ),
    SplRule("SPL022", "The labeler is identified by its DUNS number.", GAP, _labeler_duns),
)

NOT_CHECKED = (
    "The submitted file is named after its document id (<document id>.xml): the build writes spl.xml.",
    "One document per set id and version number in FDA's database: needs FDA's records.",
    "Marketing start dates, labeler establishment registrations and DUNS ownership: need FDA's records.",
    "That the narrative is the approved labeling: a reviewer's judgement (verify checks the facts).",
)


def check_spl(data: bytes | etree._Element) -> list[SplFinding]:
    """Every rule on one SPL document (bytes are parsed without resolving entities or fetching anything)."""
    if isinstance(data, bytes):
        from labeling.extract.spl import parse

        root = parse(data)
    else:
        root = data
    findings = []
    for rule in RULES:
        for message, line in rule.check(root):
            findings.append(SplFinding(rule.id, rule.severity, message, line))
    return findings
