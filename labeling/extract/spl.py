"""SPL → text and product data: any FDA Structured Product Labeling document (ours or one FDA publishes).

The prescribing information is read back in the order a printed insert has it, so the verifier splits it by
the same headings: "HIGHLIGHTS OF PRESCRIBING INFORMATION", the document title (limitation statement, title
line, initial approval), each Highlights excerpt under its section's heading, then "FULL PRESCRIBING
INFORMATION" and every section with its title. The patient labeling (sections 42230-3, 42231-1) is a document of
its own: it is read as a companion text with its kind. One line per paragraph, list item or table row (cells
joined by `` | ``, as the DOCX reader does).

The product data elements (48780-1) are read as data: names, dosage forms, ingredients with strength as
numerator and denominator, packages with codes and quantities, marketing category, routes.

Only elements are read, never a DTD or an entity: the parser resolves nothing and fetches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from labeling.extract import UnreadableArtifact

V3 = "urn:hl7-org:v3"
NS = {"v": V3}
PRODUCT_DATA_ELEMENTS = "48780-1"
RECENT_MAJOR_CHANGES = "43683-2"
PATIENT_KINDS = {"42230-3": "patient-information", "42231-1": "medication-guide"}
MAX_DEPTH = 256
CELL_SEPARATOR = " | "


@dataclass(frozen=True)
class Ratio:
    numerator: str
    numerator_unit: str
    denominator: str
    denominator_unit: str

    def __str__(self) -> str:
        per = "" if self.denominator_unit == "1" and self.denominator == "1" else f" in {self.denominator} "
        return f"{self.numerator} {self.numerator_unit}" + (f"{per}{self.denominator_unit}" if per else " per unit")


@dataclass(frozen=True)
class SplIngredient:
    name: str
    role: str  # ACTIB, ACTIM, ACTIR, IACT
    unii: str | None
    strength: Ratio | None
    moiety: str | None


@dataclass(frozen=True)
class SplPackage:
    code: str | None
    quantity: str  # of dosage units (or mL) in the whole package, counted through its inner packs
    unit: str
    form: str | None  # FDA's package type (display name) of this package, or None
    inner: tuple[str, ...] = ()  # the package types of the packs inside it, outermost first
    words: str | None = None  # the document's own words for a package type it gives no code for


@dataclass(frozen=True)
class SplProduct:
    code: str | None
    name: str
    generic: str | None
    form: str | None
    form_code: str | None
    ingredients: tuple[SplIngredient, ...]
    packages: tuple[SplPackage, ...]
    routes: tuple[str, ...]
    approval: str | None  # the application number ("NDA020702")
    category: str | None  # the marketing category's display name


@dataclass(frozen=True)
class SplDocument:
    text: str  # the prescribing information as a printed insert orders it
    companions: tuple[tuple[str, str], ...]  # (kind, text) of the patient labeling
    products: tuple[SplProduct, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    sections: tuple[tuple[str, str, str], ...] = ()  # (LOINC code, title, text) of every FPI section, in order


def is_spl(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"urn:hl7-org:v3" in head and b"<document" in head


def parse(data: bytes, name: str = "SPL") -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise UnreadableArtifact(f"{name}: not well-formed XML ({error})") from None
    if root.getroottree().docinfo.internalDTD is not None or getattr(root.getroottree().docinfo, "system_url", None):
        raise UnreadableArtifact(f"{name}: declares a DTD (SPL documents have none); refusing entity tricks")
    if root.tag != f"{{{V3}}}document":
        raise UnreadableArtifact(f"{name}: not an SPL document (its root is {etree.QName(root).localname!r})")
    stack = [(root, 1)]  # libxml2 stops at its own depth limit; this holds if that ever changes
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UnreadableArtifact(f"{name}: nests elements more than {MAX_DEPTH} deep; refusing to read it")
        stack.extend((child, depth + 1) for child in element if isinstance(child.tag, str))
    return root


def read_spl(data: bytes, name: str = "SPL") -> SplDocument:
    root = parse(data, name)
    body = root.find("v:component/v:structuredBody", NS)
    sections = body.findall("v:component/v:section", NS) if body is not None else []
    title = root.find("v:title", NS)
    professional: list[str] = ["HIGHLIGHTS OF PRESCRIBING INFORMATION"]
    professional += block_lines(title) if title is not None else []
    fpi: list[str] = ["FULL PRESCRIBING INFORMATION"]
    companions: list[tuple[str, str]] = []
    products: list[SplProduct] = []
    listed: list[tuple[str, str, str]] = []
    for section in sections:
        code = section_code(section)
        if code == PRODUCT_DATA_ELEMENTS:
            products += [_product(p) for p in section.findall("v:subject/v:manufacturedProduct", NS)]
            continue
        if code in PATIENT_KINDS:
            companions.append((PATIENT_KINDS[code], "\n".join(section_lines(section))))
            continue
        heading = text_of(section.find("v:title", NS))
        for excerpt in section.findall("v:excerpt/v:highlight", NS):
            professional.append(_highlight_heading(heading, code))
            professional += block_lines(excerpt.find("v:text", NS))
        for excerpt in section.iterfind(".//v:component/v:section/v:excerpt/v:highlight", NS):
            professional += block_lines(excerpt.find("v:text", NS))  # a subsection's own Highlights bullet
        lines = section_lines(section)
        fpi += lines
        listed.append((code or "", heading, "\n".join(lines)))
    metadata = {"format": "spl"}
    for tag, key in (("v:setId", "set_id"), ("v:id", "document_id")):
        element = root.find(tag, NS)
        if element is not None and element.get("root"):
            metadata[key] = element.get("root", "")
    version = root.find("v:versionNumber", NS)
    if version is not None and version.get("value"):
        metadata["version"] = version.get("value", "")
    return SplDocument("\n".join(professional + fpi), tuple(companions), tuple(products), metadata, tuple(listed))


def _highlight_heading(title: str, code: str | None) -> str:
    """The Highlights heading of an FPI section: its title without the number ("2 DOSAGE AND ADMINISTRATION")."""
    if code == RECENT_MAJOR_CHANGES:
        return "RECENT MAJOR CHANGES"
    return re.sub(r"^\s*\d+(\.\d+)*\s*", "", title).upper()


def section_code(section: etree._Element) -> str | None:
    code = section.find("v:code", NS)
    return code.get("code") if code is not None else None


def section_lines(section: etree._Element) -> list[str]:
    """A section's title, its text, and its subsections in order (excerpts are Highlights: left out)."""
    lines = []
    title = text_of(section.find("v:title", NS))
    if title:
        lines.append(title)
    lines += block_lines(section.find("v:text", NS))
    for child in section.findall("v:component/v:section", NS):
        lines += section_lines(child)
    return lines


NESTED_BLOCKS = {"list", "table", "paragraph"}


def block_lines(text: etree._Element | None) -> list[str]:
    """One line per paragraph, list item, caption or table row (a block holding other blocks gives its own text
    before them, then theirs); a title gives one line per ``br``."""
    if text is None:
        return []
    if etree.QName(text).localname == "title":
        return [line for line in _title_lines(text) if line]
    lines: list[str] = []

    def walk(element: etree._Element) -> None:
        name = etree.QName(element).localname
        if name == "tr":
            cells = [text_of(cell) for cell in element if isinstance(cell.tag, str)]
            if any(cells):
                lines.append(CELL_SEPARATOR.join(cells))
            return
        children = [child for child in element if isinstance(child.tag, str)]
        if name in ("paragraph", "item", "caption") and not any(
            etree.QName(child).localname in NESTED_BLOCKS for child in children
        ):
            line = text_of(element)
            if line:
                lines.append(line)
            return
        own = " ".join((element.text or "").split())
        if own and name != "text":
            lines.append(own)
        for child in children:
            walk(child)

    walk(text)
    return lines


def _title_lines(title: etree._Element) -> list[str]:
    """A title split at its ``br`` elements."""
    lines, current = [], [title.text or ""]
    for child in title:
        if not isinstance(child.tag, str):
            continue
        if etree.QName(child).localname == "br":
            lines.append(" ".join("".join(current).split()))
            current = [child.tail or ""]
        else:
            current.append("".join(str(t) for t in child.itertext()) + (child.tail or ""))
    lines.append(" ".join("".join(current).split()))
    return lines


def text_of(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(str(t) for t in element.itertext()).split())


# -- product data elements ------------------------------------------------------------------------------------


def _product(outer: etree._Element) -> SplProduct:
    found = outer.find("v:manufacturedProduct", NS)
    inner = found if found is not None else outer
    form = inner.find("v:formCode", NS)
    ingredients = []
    holders = [inner, *inner.findall("v:part/v:partProduct", NS)]  # a kit: its parts hold the ingredients
    for ingredient in (i for holder in holders for i in holder.findall("v:ingredient", NS)):
        substance = ingredient.find("v:ingredientSubstance", NS)
        code = substance.find("v:code", NS) if substance is not None else None
        moiety = substance.find("v:activeMoiety/v:activeMoiety/v:name", NS) if substance is not None else None
        ingredients.append(
            SplIngredient(
                text_of(substance.find("v:name", NS)) if substance is not None else "",
                ingredient.get("classCode", ""),
                code.get("code") if code is not None else None,
                _ratio(ingredient.find("v:quantity", NS)),
                text_of(moiety) or None,
            )
        )
    packages = _packages(inner)
    routes = tuple(
        route.get("displayName") or route.get("code") or ""
        for route in outer.findall("v:consumedIn/v:substanceAdministration/v:routeCode", NS)
    )
    approval = outer.find("v:subjectOf/v:approval", NS)
    approval_id = approval.find("v:id", NS) if approval is not None else None
    category = approval.find("v:code", NS) if approval is not None else None
    code = inner.find("v:code", NS)
    return SplProduct(
        code.get("code") if code is not None else None,
        text_of(inner.find("v:name", NS)),
        text_of(inner.find("v:asEntityWithGeneric/v:genericMedicine/v:name", NS)) or None,
        form.get("displayName") if form is not None else None,
        form.get("code") if form is not None else None,
        tuple(ingredients),
        tuple(packages),
        routes,
        approval_id.get("extension") if approval_id is not None else None,
        (category.get("displayName") if category is not None and category.get("code") else None),
    )


def _ratio(quantity: etree._Element | None) -> Ratio | None:
    if quantity is None:
        return None
    numerator, denominator = quantity.find("v:numerator", NS), quantity.find("v:denominator", NS)
    if numerator is None or denominator is None:
        return None
    return Ratio(
        numerator.get("value", ""),
        numerator.get("unit", "1"),
        denominator.get("value", ""),
        denominator.get("unit", "1"),
    )


def _packages(holder: etree._Element, outer: Decimal = Decimal(1), inner: tuple[str, ...] = ()) -> list[SplPackage]:
    """The packages a product or a pack holds, flattened: each pack with a code of its own is one package, its
    quantity counted down through the packs inside it (100 blister packs of 1 tablet: 100 tablets in the carton);
    a pack without a code is a level of another package, not a package."""
    found: list[SplPackage] = []
    for content in holder.findall("v:asContent", NS):
        numerator = content.find("v:quantity/v:numerator", NS)
        container = content.find("v:containerPackagedProduct", NS)
        if container is None:
            continue
        try:
            amount = Decimal(numerator.get("value", "")) if numerator is not None else Decimal(0)
        except ArithmeticError:
            amount = Decimal(0)
        unit = numerator.get("unit", "1") if numerator is not None else "1"
        code = container.find("v:code", NS)
        form = container.find("v:formCode", NS)
        form_name = form.get("displayName") if form is not None and form.get("code") else None
        total = amount * outer if unit == "1" or not inner else amount
        words = form.findtext("v:originalText", None, NS) if form is not None else None
        if code is not None and code.get("code"):
            found.append(SplPackage(code.get("code"), _plain(total), unit, form_name, inner, words))
        found += _packages(container, total, (*inner, form_name or "package"))
    return found


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
