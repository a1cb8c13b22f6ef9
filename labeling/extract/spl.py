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
from labeling.spl_terms import NS, PATIENT_KINDS, PRODUCT_DATA_ELEMENTS, RECENT_MAJOR_CHANGES, V3

MAX_DEPTH = 256
CELL_SEPARATOR = " | "


@dataclass(frozen=True)
class Ratio:
    numerator: str
    numerator_unit: str
    denominator: str
    denominator_unit: str


@dataclass(frozen=True)
class SplIngredient:
    name: str
    role: str  # ACTIB, ACTIM, ACTIR, IACT
    unii: str | None
    strength: Ratio | None
    moiety: str | None


@dataclass(frozen=True)
class SplPackage:
    """One package with a code, flattened: ``quantity`` of ``unit`` — dosage units ("1": 100 tablets, through
    100 blister packs of 1), or mL when the product is poured straight into it (100 mL in a bottle), or, when
    the product is measured into inner containers (0.8 mL in a syringe), the number of those containers with
    their ``volume``."""

    code: str | None
    quantity: str
    unit: str
    form: str | None  # FDA's package type (display name) of this package, or None
    inner: tuple[str, ...] = ()  # the package types of the packs inside it, innermost first
    words: str | None = None  # the document's own words for a package type it gives no code for
    volume: str | None = None  # mL in each innermost container, when the quantity counts containers


@dataclass(frozen=True)
class SplProduct:
    code: str | None
    name: str
    generic: str | None
    form: str | None
    form_code: str | None
    ingredients: tuple[SplIngredient, ...]
    packages: tuple[SplPackage, ...]
    routes: tuple[tuple[str, str], ...]  # (display name, code)
    approval: str | None  # the application number ("NDA020702")
    category: str | None  # the marketing category's display name
    category_code: str | None = None
    package_codes: tuple[tuple[str, str], ...] = ()  # (display name, code) of every package type, any level


@dataclass(frozen=True)
class SplDocument:
    text: str  # the prescribing information as a printed insert orders it
    companions: tuple[tuple[str, str], ...]  # (kind, text) of the patient labeling
    products: tuple[SplProduct, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    root: etree._Element | None = None  # the parsed document, for the rules (not parsed twice)


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
    metadata = {"format": "spl"}
    for tag, key in (("v:setId", "set_id"), ("v:id", "document_id")):
        element = root.find(tag, NS)
        if element is not None and element.get("root"):
            metadata[key] = element.get("root", "")
    version = root.find("v:versionNumber", NS)
    if version is not None and version.get("value"):
        metadata["version"] = version.get("value", "")
    return SplDocument("\n".join(professional + fpi), tuple(companions), tuple(products), metadata, root)


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


BLOCKS = {"paragraph", "item", "caption", "list", "table", "thead", "tbody", "tfoot", "tr", "text", "excerpt"}


def block_lines(text: etree._Element | None) -> list[str]:
    """One line per paragraph, list item, caption or table row (cells joined by `` | ``); text between blocks —
    a block's own words before, between and after the blocks it holds, the tail of a list — is a line of its
    own, never dropped. A title gives one line per ``br``."""
    if text is None:
        return []
    if etree.QName(text).localname == "title":
        return [line for line in _title_lines(text) if line]
    lines: list[str] = []

    def flush(words: list[str]) -> None:
        line = " ".join("".join(words).split())
        if line:
            lines.append(line)
        words.clear()

    def walk(element: etree._Element) -> None:
        if etree.QName(element).localname == "tr":
            cells = [text_of(cell) for cell in element if isinstance(cell.tag, str)]
            if any(cells):
                lines.append(CELL_SEPARATOR.join(cells))
            return
        words: list[str] = [element.text or ""]
        for child in element:
            if not isinstance(child.tag, str):
                words.append(child.tail or "")
            elif etree.QName(child).localname in BLOCKS:
                flush(words)
                walk(child)
                words.append(child.tail or "")
            else:  # inline: content, sup, sub, linkHtml, br
                words.append(" " if etree.QName(child).localname == "br" else "")
                words.append("".join(str(t) for t in child.itertext()))
                words.append(child.tail or "")
        flush(words)

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
        (route.get("displayName") or "", route.get("code") or "")
        for route in outer.findall("v:consumedIn/v:substanceAdministration/v:routeCode", NS)
    )
    package_codes = tuple(
        (element.get("displayName") or "", element.get("code") or "")
        for element in inner.iterfind(".//v:containerPackagedProduct/v:formCode", NS)
        if element.get("code")
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
        category.get("code") if category is not None else None,
        package_codes,
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


def _packages(
    holder: etree._Element,
    count: Decimal | None = None,
    unit: str = "1",
    volume: Decimal | None = None,
    inner: tuple[str, ...] = (),
) -> list[SplPackage]:
    """The packages a product or a pack holds, flattened (see ``SplPackage``). A pack without a code is a level of
    another package, not a package. A quantity that is not a plain positive number is read as unknown."""
    found: list[SplPackage] = []
    for content in holder.findall("v:asContent", NS):
        numerator = content.find("v:quantity/v:numerator", NS)
        container = content.find("v:containerPackagedProduct", NS)
        if container is None:
            continue
        amount = plain_number(numerator.get("value") if numerator is not None else None)
        here_unit = numerator.get("unit", "1") if numerator is not None else "1"
        total: Decimal | None
        if not inner:  # the product itself in this container: dosage units, or a volume
            total, total_unit, each = amount, here_unit, None
        elif unit != "1" and volume is None:  # containers of a measured volume, now counted
            total, total_unit, each = amount, "1", count
        else:
            total = None if amount is None or count is None else amount * count
            total_unit, each = unit, volume
        code = container.find("v:code", NS)
        form = container.find("v:formCode", NS)
        form_name = form.get("displayName") if form is not None and form.get("code") else None
        words = form.findtext("v:originalText", None, NS) if form is not None else None
        if code is not None and code.get("code"):
            shown = format_plain(total) if total is not None else ""
            volume_shown = format_plain(each) if each is not None else None
            found.append(SplPackage(code.get("code"), shown, total_unit, form_name, inner, words, volume_shown))
        found += _packages(container, total, total_unit, each, (form_name or "package", *inner))
    return found


PLAIN_NUMBER = re.compile(r"^\d{1,12}(\.\d{1,12})?$")


def plain_number(text: str | None) -> Decimal | None:
    """A positive number as SPL writes one ("90", "0.8"); anything else (NaN, 1E+999, junk) is unknown."""
    if text is None or not PLAIN_NUMBER.match(text.strip()):
        return None
    value = Decimal(text.strip())
    return value if value > 0 else None


def format_plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
