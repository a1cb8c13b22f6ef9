"""The DOCX writer: a document tree → sheet XML → a DOCX styled by ``templates/reference.docx``.

Every word is in the tree (facts and registered phrases). The tree is first written as a small XML vocabulary
(``sheet_xml``), which this module maps onto Word paragraphs, runs and tables, each with a named style of the
reference document, so marketing restyles the sheet in Word without touching code (pandoc's reference doc).

The sheet XML::

    <sheet>
      <properties title=… subject=… keywords=… category=… comments=…/>   document properties (optional)
      <footer>inline…</footer>                                          every page's footer (optional)
      <kicker>, <title>, <subtitle>, <h1>, <h2>, <p>                    paragraphs of inline content
      <ul><li>inline…</li></ul>                                         bullet list
      <table widths="3 2 …" header="row|column|none">                   widths: relative column weights
        <tr><th>…</th><td>…</td></tr>                                   header row / row label / cell
      </table>
    </sheet>

    inline: text, <b>, <i>, <span style="…">, <br/>, <tab/>, <field name="PAGE|NUMPAGES"/>

Tables: without ``widths`` the columns are sized by what they hold, as a designer would: on one line when all fits,
else each column at least as wide as its longest unbreakable word and the line shared so the table is as short as
it can be (long text wraps before short cells do). With ``widths``, a column too narrow for its longest word is
widened at the others' expense. So no word, and no quantity, is broken inside itself (text is measured with the
bundled Liberation Sans, Arial's metrics). Rows never split across pages, a header row repeats, a paragraph that
introduces a list or table stays with it, and a table stays with a note under it.

Any block element, cell or ``<span>`` may name another style with ``style="…"``; whitespace in text collapses
as in HTML; a hyphen next to a digit (a telephone number, a product code) is a non-breaking hyphen, and the space
before such a code does not break either. Output bytes are deterministic: document properties come from the label
and the zip is rewritten with fixed timestamps.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Twips
from docx.text.paragraph import Paragraph

from labeling.doctree import BulletList, Run, Table
from labeling.doctree import Document as Tree
from labeling.doctree import Paragraph as TreeParagraph
from labeling.documents import DocumentKind
from labeling.language import language_for
from labeling.model import Label
from labeling.render import RenderError, keep_whole
from labeling.templates import TEMPLATES_DIR, templates_dir

# Beside the templates: marketing restyles the sheet in Word through it. The bundled one is REFERENCE_DOCX.
REFERENCE_NAME = "reference.docx"
REFERENCE_DOCX = TEMPLATES_DIR / REFERENCE_NAME

# Every Word style the product sheet relies on, with its type. A reference document must define them all.
REQUIRED_STYLES: Mapping[str, str] = {
    "Normal": "paragraph",
    "Kicker": "paragraph",
    "Title": "paragraph",
    "Subtitle": "paragraph",
    "Heading 1": "paragraph",
    "Heading 2": "paragraph",
    "Body Text": "paragraph",
    "List Bullet": "paragraph",
    "Table Text": "paragraph",
    "Table Heading": "paragraph",
    "Table Label": "paragraph",
    "Claim": "paragraph",
    "Claim Support": "paragraph",
    "Callout": "paragraph",
    "Note": "paragraph",
    "Footer": "paragraph",
    "Strong": "character",
    "Emphasis": "character",
    "Sheet Table": "table",
}

# The style each element of the sheet XML gets unless it names another one.
BLOCK_STYLES = {
    "kicker": "Kicker",
    "title": "Title",
    "subtitle": "Subtitle",
    "h1": "Heading 1",
    "h2": "Heading 2",
    "p": "Body Text",
    "li": "List Bullet",
    "footer": "Footer",
}
TABLE_STYLE = "Sheet Table"
HEADER_CELL_STYLE, LABEL_CELL_STYLE, CELL_STYLE = "Table Heading", "Table Label", "Table Text"
BOLD_STYLE, ITALIC_STYLE = "Strong", "Emphasis"
FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES"})
PROPERTIES = ("title", "subject", "keywords", "category", "comments")
LAST_MODIFIED_BY = "labeling"

_STYLE_TYPES = {
    "paragraph": WD_STYLE_TYPE.PARAGRAPH,
    "character": WD_STYLE_TYPE.CHARACTER,
    "table": WD_STYLE_TYPE.TABLE,
}
_INLINE = frozenset({"b", "i", "span", "br", "tab", "field"})
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class SheetError(RenderError, ValueError):
    """The sheet XML or the reference document cannot be turned into a product sheet."""


class MissingStylesError(SheetError):
    """The reference document lacks styles the product sheet relies on."""


# --------------------------------------------------------------------------------------------------------
# Entry point


def write_docx(label: Label, document: Tree, kind: DocumentKind, *, reference: str | Path | None = None) -> bytes:
    """The document tree as DOCX bytes (identical bytes for identical input).

    ``reference`` defaults to ``reference.docx`` beside the templates."""
    if reference is None:
        reference = templates_dir() / REFERENCE_NAME
    return sheet_to_docx(sheet_xml(document), label, kind, reference=reference)


# --------------------------------------------------------------------------------------------------------
# The tree as sheet XML

# Paragraph styles of the tree → the sheet XML element (and Word style) they become.
_FRONT = {
    "kicker": ("kicker", None),
    "title": ("title", None),
    "subtitle": ("subtitle", None),
    "product": ("title", None),
    "kind-title": ("kicker", None),
}
_PARAGRAPH_STYLES = {
    "note": "Note",
    "claim": "Claim",
    "claim-support": "Claim Support",
    "callout": "Callout",
    "draft-notice": "Callout",
    "gap": "Note",
}


def sheet_xml(document: Tree) -> str:
    """A document tree in the sheet XML vocabulary (documented at the top of this module)."""
    root = ET.Element("sheet")
    metadata = document.metadata
    ET.SubElement(
        root,
        "properties",
        {
            "title": document.title,
            **{k: metadata[k] for k in ("subject", "keywords", "category", "comments") if metadata.get(k)},
        },
    )
    if document.footer is not None:
        lang = language_for(document.language)
        footer = ET.SubElement(root, "footer")
        _runs(footer, document.footer.runs)
        ET.SubElement(footer, "tab")
        _page_field(footer, lang.phrase("page.of").text)
    for block in document.front:
        _block(root, block, front=True)
    for part in document.parts:
        if part.heading is not None:
            _runs(ET.SubElement(root, "h1"), part.heading.runs)
        for block in part.blocks:
            _block(root, block)
        for section in part.sections:
            _section(root, section)
    return ET.tostring(root, encoding="unicode")


def _section(parent: ET.Element, section: Any) -> None:
    _runs(ET.SubElement(parent, "h1" if section.level <= 1 else "h2"), section.heading.runs)
    for block in section.blocks:
        _block(parent, block)
    for child in section.sections:
        _section(parent, child)


def _block(parent: ET.Element, block: Any, front: bool = False) -> None:
    if isinstance(block, TreeParagraph):
        tag, style = _FRONT.get(block.style, ("p", None)) if front else ("p", None)
        style = style or _PARAGRAPH_STYLES.get(block.style)
        element = ET.SubElement(parent, tag, {"style": style} if style and tag == "p" else {})
        _runs(element, block.unit.runs)
    elif isinstance(block, BulletList):
        ul = ET.SubElement(parent, "ul")
        for item in block.items:
            _runs(ET.SubElement(ul, "li"), item.runs)
    elif isinstance(block, Table):
        if block.caption is not None:
            _runs(ET.SubElement(parent, "p", {"style": "Note"}), block.caption.runs)
        header = "row" if block.rows and block.rows[0].header else ("column" if block.row_headers else "none")
        columns = max(len(row.cells) for row in block.rows)
        attributes = {"header": header}
        if block.widths and len(block.widths) == columns:
            attributes["widths"] = " ".join(str(w) for w in block.widths)
        table = ET.SubElement(parent, "table", attributes)
        for row in block.rows:
            tr = ET.SubElement(table, "tr")
            for index, cell in enumerate(row.cells):
                is_head = row.header or (block.row_headers and index == 0)
                _runs(ET.SubElement(tr, "th" if is_head else "td"), cell.runs)


def _append_text(element: ET.Element, text: str) -> None:
    """Text after whatever ``element`` already holds (its text, or the tail of its last child)."""
    children = list(element)
    if children:
        children[-1].tail = (children[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


NBSP = "\u00a0"


def _runs(element: ET.Element, runs: tuple[Run, ...] | list[Run]) -> None:
    """Runs as inline sheet XML: strong → <b>, em → <i>, the rest plain text. A quantity ('q') is set whole: its
    spaces do not break ("3 months or less", "more than 2,000 mg/day"): the sheet's narrow table cells would
    otherwise split it (the composer already keeps number, unit, dash and slash together everywhere)."""
    for run in runs:
        text = keep_whole(run.text.replace(" ", NBSP)) if run.style == "q" else run.text
        tag = {"strong": "b", "em": "i"}.get(run.style)
        if tag is None:
            _append_text(element, text)
        else:
            ET.SubElement(element, tag).text = text


def _page_field(element: ET.Element, template: str) -> None:
    """``Page {page} of {pages}`` with Word page fields in the slots."""
    for piece in re.split(r"(\{pages?\})", template):
        if piece in ("{page}", "{pages}"):
            ET.SubElement(element, "field", {"name": "PAGE" if piece == "{page}" else "NUMPAGES"})
        elif piece:
            _append_text(element, piece)


def sheet_to_docx(markup: str, label: Label, kind: DocumentKind, *, reference: str | Path | None = None) -> bytes:
    """Sheet XML (as the kind's template writes it) → DOCX bytes, styled by the reference document."""
    try:
        root = ET.fromstring(markup)
    except ET.ParseError as error:
        line = markup.splitlines()[error.position[0] - 1].strip() if error.position[0] else ""
        raise SheetError(f"{kind.name}: the template produced malformed sheet XML ({error}): {line[:160]!r}") from None
    if root.tag != "sheet":
        raise SheetError(f"{kind.name}: the sheet XML must start with <sheet>, not <{root.tag}>")
    _no_loose_text(root, kind.name)
    document = open_reference(reference)
    _clear_body(document)
    writer = _Writer(document, kind.name)
    properties: dict[str, str] = {}
    elements = list(root)
    for index, element in enumerate(elements):
        if element.tag == "properties":
            properties = _properties(element, kind.name)
        elif element.tag == "footer":
            writer.footer(element)
        else:
            writer.block(element, document, following=elements[index + 1] if index + 1 < len(elements) else None)
    _set_properties(document, label, properties)
    _set_custom_properties(
        document,
        {"labeling-kind": kind.name, "labeling-product": label.product.id, "labeling-version": label.label.version},
    )
    _set_language(document, label.label.language)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue())


def _no_loose_text(container: ET.Element, template: str) -> None:
    """Text directly inside <sheet>, <ul>, <table> or <tr> would be lost: a template mistake, reported."""
    pieces = [container.text or ""] + [child.tail or "" for child in container]
    stray = next((p.strip() for p in pieces if p.strip()), None)
    if stray is not None:
        raise SheetError(
            f"{template}: text {stray[:60]!r} directly inside <{container.tag}>; put it in a "
            "paragraph (<p>), list item or cell"
        )
    for child in container:
        if child.tag in ("ul", "table", "tr"):
            _no_loose_text(child, template)


# --------------------------------------------------------------------------------------------------------
# The reference document


def open_reference(reference: str | Path | None = None) -> Document:
    """The reference document, checked to define every style in ``REQUIRED_STYLES`` with the right type."""
    path = Path(reference) if reference is not None else templates_dir() / REFERENCE_NAME
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (FileNotFoundError, PackageNotFoundError):
        raise SheetError(
            f"{path}: reference document not found (regenerate it: python tools/make_reference_docx.py)"
        ) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise SheetError(f"{path}: not a Word document usable as reference: {error}") from None
    problems = style_problems(document)
    if problems:
        raise MissingStylesError(
            f"{path}: the reference document lacks styles the product sheet relies on: {'; '.join(problems)}. "
            "Add them in Word (Styles pane → New Style, same name and type) or regenerate the file with "
            "tools/make_reference_docx.py"
        )
    if _body_width(document) is None:
        raise SheetError(
            f"{path}: the reference document does not set the page size and margins of its last "
            "section; set them in Word (Layout → Size, Margins) or regenerate the file with "
            "tools/make_reference_docx.py"
        )
    return document


def _body_width(document: Document) -> int | None:
    """The width between the margins of the document's last section (EMU), or None when it sets no page size or
    margins."""
    if not len(document.sections):
        return None
    section = document.sections[-1]
    width, left, right = section.page_width, section.left_margin, section.right_margin
    if width is None or left is None or right is None:
        return None
    return int(width - left - right)


def style_problems(document: Document) -> list[str]:
    """Each required style the document does not define, or defines with another type."""
    problems = []
    styles = _styles_by_name(document)
    for name, type_name in REQUIRED_STYLES.items():
        if name not in styles:
            problems.append(f"{name!r} ({type_name} style) is missing")
        elif styles[name].type != _STYLE_TYPES[type_name]:
            problems.append(f"{name!r} must be a {type_name} style")
    return problems


def _styles_by_name(document: Document) -> dict[str, Any]:
    """Every style by its name, read once (python-docx's ``name in styles`` scans them all on each test)."""
    return {style.name: style for style in document.styles}


def _clear_body(document: Document) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


# --------------------------------------------------------------------------------------------------------
# Sheet XML → Word


class _Writer:
    def __init__(self, document: Document, template: str):
        self.document = document
        self.template = template
        text_width = _body_width(document)
        assert text_width is not None  # open_reference refuses a reference document without one
        self.text_width = text_width
        self._styles: dict[tuple[str, str], Any] = {}
        self._by_name = _styles_by_name(document)
        self._fonts: dict[str, tuple[float, bool]] = {}

    # -- styles -------------------------------------------------------------------------------------------
    def style(self, name: str, type_name: str) -> Any:
        """The named style, checked once (python-docx looks styles up by scanning them all)."""
        if (name, type_name) not in self._styles:
            self._styles[(name, type_name)] = self._lookup(name, type_name)
        return self._styles[(name, type_name)]

    def _lookup(self, name: str, type_name: str) -> Any:
        styles = self._by_name
        if name not in styles:
            raise MissingStylesError(
                f"{self.template}: the sheet uses the {type_name} style {name!r}, which the "
                f"reference document does not define"
            )
        style = styles[name]
        if style.type != _STYLE_TYPES[type_name]:
            raise SheetError(f"{self.template}: style {name!r} is not a {type_name} style")
        return style

    # -- blocks -------------------------------------------------------------------------------------------
    def block(
        self, element: ET.Element, container: Any, first: Paragraph | None = None, following: ET.Element | None = None
    ) -> Paragraph | None:
        """Write one block element into ``container`` (the document or a table cell); ``first`` is an empty
        paragraph to reuse (a new table cell has one). Returns ``first`` when it was not used.

        ``following`` is the next block: a paragraph that introduces a list or a table ("… is indicated for:") is
        kept on the page of its first item, and a table on the page of the note written under it."""
        tag = element.tag
        if tag in BLOCK_STYLES and tag != "footer":
            paragraph = self.paragraph(container, first, element.get("style", BLOCK_STYLES[tag]))
            self.inline(paragraph, element)
            if following is not None and following.tag in ("ul", "table"):
                paragraph.paragraph_format.keep_with_next = True
            return None
        if tag == "ul":
            for item in element:
                if item.tag != "li":
                    raise SheetError(f"{self.template}: <ul> may only contain <li>, not <{item.tag}>")
                paragraph = self.paragraph(container, first, item.get("style", element.get("style", "List Bullet")))
                first = None
                self.inline(paragraph, item)
            return first
        if tag == "table":
            if first is not None:  # a table cannot reuse a paragraph; keep the cell's paragraph for after it
                _set_style(first, self.style(CELL_STYLE, "paragraph"))
            table = self.table(element, container)
            if following is not None and following.tag == "p" and following.get("style") == "Note":
                for cell in table.rows[-1].cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True
            return None
        known = ", ".join(sorted([*BLOCK_STYLES, "ul", "table", "properties"]))
        raise SheetError(f"{self.template}: unknown element <{tag}> in the sheet XML (known: {known})")

    def paragraph(self, container: Any, first: Paragraph | None, style_name: str) -> Paragraph:
        style = self.style(style_name, "paragraph")
        if first is not None:
            _set_style(first, style)
            return first
        return _set_style(container.add_paragraph(), style)

    def table(self, element: ET.Element, container: Any) -> Any:
        rows = list(element)
        for row in rows:
            if row.tag != "tr":
                raise SheetError(f"{self.template}: <table> may only contain <tr>, not <{row.tag}>")
        columns = max((len(row) for row in rows), default=0)
        if not columns:
            raise SheetError(f"{self.template}: empty <table>")
        weights = self.weights(element.get("widths"), columns) if element.get("widths") is not None else None
        header = element.get("header") or ("row" if rows and all(c.tag == "th" for c in rows[0]) else "none")
        if header not in ("row", "column", "none"):
            raise SheetError(f"{self.template}: <table header=…> is 'row', 'column' or 'none', not {header!r}")

        width = self.text_width if container is self.document else int(container.width or self.text_width)
        table = container.add_table(rows=len(rows), cols=columns)
        style = self.style(element.get("style", TABLE_STYLE), "table")
        _set_style(table, style)
        table.autofit = False
        _table_look(table, first_row=header == "row", first_column=header == "column")
        widths = self.column_widths(rows, columns, header, style, Emu(width).twips, weights)
        for index, column in enumerate(table.columns):
            column.width = widths[index]
        tbl_pr = table._tbl.tblPr
        tbl_w = tbl_pr.find(qn("w:tblW"))
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(sum(w.twips for w in widths)))
        _align_edges(tbl_pr, style)

        for row_index, (row, xml_row) in enumerate(zip(table.rows, rows, strict=False)):
            is_header = header == "row" and row_index == 0
            properties = row._tr.get_or_add_trPr()
            properties.append(OxmlElement("w:cantSplit"))  # a row is read as one statement: never split it
            if is_header:
                properties.append(OxmlElement("w:tblHeader"))
            for cell_index, cell_element in enumerate(xml_row):
                if cell_element.tag not in ("th", "td"):
                    raise SheetError(f"{self.template}: <tr> may only contain <th> and <td>, not <{cell_element.tag}>")
                cell = row.cells[cell_index]
                cell.width = widths[cell_index]
                if cell_element.tag == "th":
                    default = HEADER_CELL_STYLE if is_header else LABEL_CELL_STYLE
                else:
                    default = CELL_STYLE
                self.cell(cell, cell_element, cell_element.get("style", default))
            for cell_index in range(len(xml_row), columns):
                row.cells[cell_index].width = widths[cell_index]
                _set_style(row.cells[cell_index].paragraphs[0], self.style(CELL_STYLE, "paragraph"))
        return table

    def cell(self, cell: Any, element: ET.Element, style_name: str) -> None:
        first: Paragraph | None = cell.paragraphs[0]
        if any(child.tag not in _INLINE for child in element):
            if (element.text or "").strip():
                raise SheetError(f"{self.template}: a <{element.tag}> holding blocks cannot also hold loose text")
            for child in element:
                if child.tag in BLOCK_STYLES and "style" not in child.attrib and child.tag == "p":
                    child.set("style", style_name)
                first = self.block(child, cell, first)
                if (child.tail or "").strip():
                    raise SheetError(f"{self.template}: loose text after <{child.tag}> in a table cell")
            if first is not None:
                _set_style(first, self.style(style_name, "paragraph"))
        else:
            assert first is not None
            _set_style(first, self.style(style_name, "paragraph"))
            self.inline(first, element)

    def column_widths(
        self, rows: list[ET.Element], columns: int, header: str, style: Any, total: int, weights: list[int] | None
    ) -> list[Twips]:
        """Column widths in twips adding up to ``total``: by content, or by ``weights``; never narrower than the
        column's longest unbreakable word where the line has room for them all."""
        margins = _cell_margins(style)
        templates = str(templates_dir())
        grid: list[list[_Cell]] = []
        for row_index, row in enumerate(rows):
            cells = []
            for cell in list(row)[:columns]:
                if cell.tag == "th":
                    name = HEADER_CELL_STYLE if header == "row" and row_index == 0 else LABEL_CELL_STYLE
                else:
                    name = CELL_STYLE
                size, bold = self.font(cell.get("style", name), style)
                text = _SPACES.sub(" ", "".join(cell.itertext())).strip()
                cells.append(
                    _Cell(
                        tuple(_text_width(w, size, bold, templates) * _SAFETY for w in text.split(" ") if w),
                        _text_width(" ", size, bold, templates),
                    )
                )
            grid.append(cells)
        room = total / 20 - columns * margins  # points of text the columns share
        shares = _layout(grid, columns, room, weights, margins)
        points = [share + margins for share in shares]
        bounds = [round(sum(points[:i]) * total / sum(points)) for i in range(columns + 1)]
        return [Twips(b - a) for a, b in itertools.pairwise(bounds)]

    def font(self, paragraph_style: str, table_style: Any) -> tuple[float, bool]:
        """Size (points) and boldness a cell's text is set in: its paragraph style, the table style, defaults."""
        if paragraph_style not in self._fonts:
            size = bold = None
            style = self.style(paragraph_style, "paragraph")
            for owner in [*_style_chain(style), table_style]:
                rpr = owner.element.find(qn("w:rPr"))
                if rpr is None:
                    continue
                if size is None and rpr.find(qn("w:sz")) is not None:
                    size = int(rpr.find(qn("w:sz")).get(qn("w:val"))) / 2
                if bold is None and rpr.find(qn("w:b")) is not None:
                    bold = rpr.find(qn("w:b")).get(qn("w:val"), "1") not in ("0", "false", "off")
            if size is None:
                defaults = self.document.styles.element.find(
                    f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}"
                )
                size = int(defaults.get(qn("w:val"))) / 2 if defaults is not None else 10.0
            self._fonts[paragraph_style] = (size, bool(bold))
        return self._fonts[paragraph_style]

    def weights(self, widths: str | None, columns: int) -> list[int]:
        if widths is None:
            return [1] * columns
        try:
            weights = [int(w) for w in widths.split()]
        except ValueError:
            weights = []
        if len(weights) != columns or any(w <= 0 for w in weights):
            raise SheetError(
                f"{self.template}: <table widths={widths!r}> must give {columns} positive whole "
                "numbers, one relative width per column"
            )
        return weights

    # -- the footer ---------------------------------------------------------------------------------------
    def footer(self, element: ET.Element) -> None:
        style_name = element.get("style", BLOCK_STYLES["footer"])
        for section in self.document.sections:
            footers = [section.footer]
            if section.different_first_page_header_footer:
                footers.append(section.first_page_footer)
            if self.document.settings.odd_and_even_pages_header_footer:
                footers.append(section.even_page_footer)
            for footer in footers:
                footer.is_linked_to_previous = False
                for child in list(footer._element):
                    footer._element.remove(child)
                paragraph = _set_style(footer.add_paragraph(), self.style(style_name, "paragraph"))
                self.inline(paragraph, element)

    # -- inline content -----------------------------------------------------------------------------------
    def inline(self, paragraph: Paragraph, element: ET.Element) -> None:
        tokens: list[tuple[str, str, tuple[str | None, bool, bool]]] = []
        self._tokens(element, (None, False, False), tokens)
        for kind, value, (span, bold, italic) in _collapse(tokens):
            if kind == "text":
                run = _add_text_run(paragraph, value)
                if span is not None:
                    _set_style(run, self.style(span, "character"))
                    if bold:
                        run.bold = True
                    if italic:
                        run.italic = True
                elif bold:
                    _set_style(run, self.style(BOLD_STYLE, "character"))
                    if italic:
                        run.italic = True
                elif italic:
                    _set_style(run, self.style(ITALIC_STYLE, "character"))
            elif kind == "br":
                paragraph.add_run().add_break()
            elif kind == "tab":
                paragraph.add_run().add_tab()
            elif kind == "field":
                _add_field(paragraph, value)

    def _tokens(
        self,
        element: ET.Element,
        fmt: tuple[str | None, bool, bool],
        tokens: list[tuple[str, str, tuple[str | None, bool, bool]]],
    ) -> None:
        if element.text:
            tokens.append(("text", element.text, fmt))
        for child in element:
            span, bold, italic = fmt
            if child.tag == "b":
                self._tokens(child, (span, True, italic), tokens)
            elif child.tag == "i":
                self._tokens(child, (span, bold, True), tokens)
            elif child.tag == "span":
                self._tokens(child, (child.get("style") or span, bold, italic), tokens)
            elif child.tag in ("br", "tab"):
                tokens.append((child.tag, "", fmt))
            elif child.tag == "field":
                name = (child.get("name") or "").upper()
                if name not in FIELDS:
                    raise SheetError(
                        f"{self.template}: <field name={name!r}> is not one of {', '.join(sorted(FIELDS))}"
                    )
                tokens.append(("field", name, fmt))
            else:
                raise SheetError(
                    f"{self.template}: <{child.tag}> cannot appear inside <{element.tag}> "
                    f"(inline elements: {', '.join(sorted(_INLINE))})"
                )
            if child.tail:
                tokens.append(("text", child.tail, fmt))


_SPACES = re.compile(r"[ \t\r\n]+")  # XML whitespace only: a non-breaking space in content is kept


def _collapse(tokens: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    """HTML-like whitespace: runs of spaces and newlines become one space; none at a line's start or end."""
    out: list[tuple[str, str, Any]] = []
    at_line_start = True
    for kind, value, fmt in tokens:
        if kind != "text":
            if kind == "br" and out and out[-1][0] == "text":
                out[-1] = ("text", out[-1][1].rstrip(" "), out[-1][2])
            out.append((kind, value, fmt))
            at_line_start = kind == "br"
            continue
        text = _SPACES.sub(" ", value)
        if at_line_start or (out and out[-1][0] == "text" and out[-1][1].endswith(" ")):
            text = text.lstrip(" ")
        if not text:
            continue
        if out and out[-1][0] == "text" and out[-1][2] == fmt:
            out[-1] = ("text", out[-1][1] + text, fmt)
        else:
            out.append(("text", text, fmt))
        at_line_start = False
    if out and out[-1][0] == "text":
        out[-1] = ("text", out[-1][1].rstrip(" "), out[-1][2])
    return [token for token in out if token[0] != "text" or token[1]]


# A hyphen beside a digit ("1-800-633-9110", "NDC 0074-4339-02", "6-mercaptopurine") and the space before a code
# made of digits and hyphens: no line break there. Word's non-breaking hyphen reads back as a plain hyphen.
_CODE_SPACE = re.compile(r" (?=\d+(?:-\d+)+)")
_DIGIT_HYPHEN = re.compile(r"(?<=\d)-|-(?=\d)")


def _add_text_run(paragraph: Paragraph, text: str) -> Any:
    run = paragraph.add_run()
    pieces = _DIGIT_HYPHEN.split(_CODE_SPACE.sub(NBSP, text))
    for index, piece in enumerate(pieces):
        if index:
            run._r.append(OxmlElement("w:noBreakHyphen"))
        if piece:
            run._r.add_t(piece)
    return run


def _set_style(target: Any, style: Any) -> Any:
    """Apply a style by its id. python-docx's own setter rescans every style of the document to find the
    default one on each call, which made the sheet ten times slower to write."""
    if isinstance(target, Paragraph):
        target._p.style = style.style_id
    elif hasattr(target, "_r"):
        target._r.style = style.style_id
    else:
        target._tbl.tblStyle_val = style.style_id
    return target


def _add_field(paragraph: Paragraph, name: str) -> None:
    """A field Word and LibreOffice compute when laying out the page (PAGE, NUMPAGES)."""

    def run_with(child: Any) -> None:
        run = OxmlElement("w:r")
        run.append(child)
        paragraph._p.append(run)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {name} \\* MERGEFORMAT "
    run_with(instruction)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# --------------------------------------------------------------------------------------------------------
# Column widths

_SAFETY, _SLACK = 1.04, 1.5  # measured text is widened a little: kerning and rounding differ between layouts
_LAYOUT_BUDGET = 300_000  # cells measured while shortening a table, at most


class _Cell:
    """A cell's words (widths in points) and how many lines it takes at a given width."""

    def __init__(self, words: tuple[float, ...], space: float):
        self.words = words
        self.space = space
        self.narrowest = max(words, default=0.0) + _SLACK
        self.widest = sum(words) + space * max(len(words) - 1, 0) + _SLACK
        # thresholds[k]: the narrowest width that sets the cell in k + 1 lines (fewer lines need more width)
        self.thresholds = [self.widest]
        most = self.lines_at(self.narrowest)
        for lines in range(2, min(most, 40) + 1):
            low, high = self.narrowest, self.thresholds[-1]
            for _ in range(24):
                middle = (low + high) / 2
                if self.lines_at(middle) <= lines:
                    high = middle
                else:
                    low = middle
            self.thresholds.append(self.narrowest if lines == most else high)

    def lines_at(self, width: float) -> int:
        """Lines a greedy line breaker (Word's, LibreOffice's) sets the words in at ``width``."""
        lines, line = 1, -self.space
        for word in self.words:
            if line > 0 and line + self.space + word > width - _SLACK:
                lines, line = lines + 1, word
            else:
                line += self.space + word
        return lines

    def lines(self, width: float) -> int:
        for count, threshold in enumerate(self.thresholds, start=1):
            if width >= threshold - 1e-6:
                return count
        return self.lines_at(width)


def _layout(
    grid: list[list[_Cell]], columns: int, room: float, weights: Sequence[int] | None, margins: float = 0.0
) -> list[float]:
    """Widths (points of text) for the columns of ``grid`` sharing ``room`` (each column also has ``margins``).

    By weight (of the whole column, margins included) when given, each column raised to its longest word at the
    expense of the columns that can spare it. Otherwise as a designer sets a table: on one line when everything
    fits; else no column narrower than its longest word, and the line shared so the table is as short as it can
    be (every row as tall as its tallest cell), wrapping long text rather than short cells."""
    narrowest = [max((row[i].narrowest for row in grid if i < len(row)), default=0.0) for i in range(columns)]
    widest = [max((row[i].widest for row in grid if i < len(row)), default=0.0) for i in range(columns)]
    if sum(narrowest) >= room:  # not even the words fit: share by need (some word will break)
        return [room * n / sum(narrowest) for n in narrowest] if sum(narrowest) else [room / columns] * columns
    if weights is not None:
        full = room + columns * margins
        widths = [full * w / sum(weights) - margins for w in weights]
        for _ in range(columns):
            short = [i for i in range(columns) if widths[i] < narrowest[i]]
            if not short:
                break
            needed = sum(narrowest[i] - widths[i] for i in short)
            for i in short:
                widths[i] = narrowest[i]
            spare = {i: widths[i] - narrowest[i] for i in range(columns) if widths[i] > narrowest[i]}
            total_spare = sum(spare.values())
            for i, amount in spare.items():
                widths[i] -= needed * amount / total_spare
        return widths
    if sum(widest) <= room:
        return (
            [w + (room - sum(widest)) * w / sum(widest) for w in widest] if sum(widest) else [room / columns] * columns
        )

    def height(widths: list[float]) -> float:
        """Rows' lines (each row as tall as its tallest cell); then, between equally tall tables, the one that
        wraps short cells least ("10–80 mg / once daily" reads worse than a paragraph one line longer)."""
        total = 0.0
        for row in grid:
            counts = [(cell.lines(widths[i]), cell.widest) for i, cell in enumerate(row) if cell.words]
            total += max((lines for lines, _ in counts), default=1)
            total += 0.1 * sum((lines - 1) / widest for lines, widest in counts)
        return total

    # Start from each column's longest word plus a share of the rest by how much it holds; then, while that makes
    # the table shorter, widen a column just enough for one of its cells to take a line less, at the expense of
    # one other column or of all of them by what they can spare.
    wants = [max(w - n, 0.0) for w, n in zip(widest, narrowest, strict=True)]
    extra = room - sum(narrowest)
    widths = [n + extra * want / sum(wants) for n, want in zip(narrowest, wants, strict=True)]
    best = height(widths)
    budget = _LAYOUT_BUDGET // max(sum(len(row) for row in grid), 1)  # tables of hundreds of rows stay quick
    for _ in range(100):
        chosen: list[float] | None = None
        chosen_cost = best
        for take in range(columns):
            targets = sorted(
                {t for row in grid if take < len(row) for t in row[take].thresholds if t > widths[take] + 1e-6}
            )[:8]
            for target in targets:
                delta = target - widths[take]
                spare = {
                    i: widths[i] - narrowest[i] for i in range(columns) if i != take and widths[i] - narrowest[i] > 1e-6
                }
                trials = []
                if sum(spare.values()) >= delta:
                    trial = list(widths)
                    trial[take] = target
                    for i, amount in spare.items():
                        trial[i] -= delta * amount / sum(spare.values())
                    trials.append(trial)
                for give, amount in spare.items():
                    if amount >= delta:
                        trial = list(widths)
                        trial[take], trial[give] = target, widths[give] - delta
                        trials.append(trial)
                for trial in trials[: max(budget, 0)]:
                    budget -= 1
                    cost = height(trial)
                    if cost < chosen_cost - 1e-9:
                        chosen, chosen_cost = trial, cost
        if chosen is None:
            break
        widths, best = chosen, chosen_cost
    return widths


def _text_width(text: str, size: float, bold: bool, templates: str) -> float:
    """Width in points of ``text`` in Liberation Sans (in the templates' fonts, else the bundled ones; Arial's
    metrics, the font of the reference document): what Word and LibreOffice lay the sheet out with."""
    advances, wide, per_em = _metrics(templates, bold)
    return sum(advances.get(ord(char), wide) for char in text) * size / per_em


@functools.lru_cache(maxsize=8)
def _metrics(templates: str, bold: bool) -> tuple[dict[int, int], int, int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # installed with WeasyPrint

    name = f"LiberationSans-{'Bold' if bold else 'Regular'}.ttf"
    path = Path(templates) / "fonts" / name
    font = TTFont(str(path if path.exists() else TEMPLATES_DIR / "fonts" / name), lazy=True)
    hmtx = font["hmtx"]
    advances = {code: hmtx[glyph][0] for code, glyph in font.getBestCmap().items()}
    return advances, advances.get(ord("M"), 0), font["head"].unitsPerEm


def _cell_margins(style: Any) -> float:
    """Left plus right cell margin of a table style, in points (Word's default: 108 twips each side)."""
    total = 0.0
    for sides in (("left", "start"), ("right", "end")):
        width = 108
        for owner in _style_chain(style):
            margins = owner.element.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
            found = (
                None
                if margins is None
                else next((m for m in (margins.find(qn(f"w:{s}")) for s in sides) if m is not None), None)
            )
            if found is not None and found.get(qn("w:type"), "dxa") == "dxa":
                width = int(found.get(qn("w:w"), "108"))
                break
        total += width / 20
    return total


def _style_chain(style: Any) -> list[Any]:
    chain = []
    while style is not None and style not in chain:
        chain.append(style)
        style = style.base_style
    return chain


def _align_edges(tbl_pr: Any, style: Any) -> None:
    """Indent the table by its left cell margin, so its edges (not only its text) line up with the text column,
    unless the table style sets an indent of its own."""
    style_pr = style.element.find(qn("w:tblPr"))
    if style_pr is not None and style_pr.find(qn("w:tblInd")) is not None:
        indent = style_pr.find(qn("w:tblInd"))
        if indent.get(qn("w:w")) not in (None, "0"):
            return
    margin = None if style_pr is None else style_pr.find(f"{qn('w:tblCellMar')}/{qn('w:left')}")
    if margin is None:
        margin = None if style_pr is None else style_pr.find(f"{qn('w:tblCellMar')}/{qn('w:start')}")
    left = margin.get(qn("w:w")) if margin is not None and margin.get(qn("w:type"), "dxa") == "dxa" else "108"
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), left or "108")
    indent.set(qn("w:type"), "dxa")
    # schema order: tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize, tblStyleColBandSize, tblW, jc,
    # tblCellSpacing, tblInd, …
    anchor = tbl_pr.find(qn("w:tblW"))
    for tag in ("w:jc", "w:tblCellSpacing"):
        later = tbl_pr.find(qn(tag))
        if later is not None:
            anchor = later
    anchor.addnext(indent)


def _table_look(table: Any, *, first_row: bool, first_column: bool) -> None:
    """Which conditional formats of the table style apply: header row and/or label column."""
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        tbl_pr.append(look)
    flags = {
        "firstRow": first_row,
        "lastRow": False,
        "firstColumn": first_column,
        "lastColumn": False,
        "noHBand": True,
        "noVBand": True,
    }
    bits = {
        "firstRow": 0x20,
        "lastRow": 0x40,
        "firstColumn": 0x80,
        "lastColumn": 0x100,
        "noHBand": 0x200,
        "noVBand": 0x400,
    }
    for name, on in flags.items():
        look.set(qn(f"w:{name}"), "1" if on else "0")
    look.set(qn("w:val"), f"{sum(bits[n] for n, on in flags.items() if on):04X}")


# --------------------------------------------------------------------------------------------------------
# Document properties and bytes


def _properties(element: ET.Element, template: str) -> dict[str, str]:
    unknown = set(element.attrib) - set(PROPERTIES)
    if unknown:
        raise SheetError(f"{template}: <properties> takes {', '.join(PROPERTIES)}; not {', '.join(sorted(unknown))}")
    return {name: _SPACES.sub(" ", value).strip() for name, value in element.attrib.items()}


def _set_properties(document: Document, label: Label, properties: dict[str, str]) -> None:
    """Everything in docProps/core.xml comes from the label: nothing from the clock or the machine."""
    core = document.core_properties
    core.title = properties.get("title", label.product.name)
    core.subject = properties.get("subject", "")
    core.keywords = properties.get("keywords", "")
    core.category = properties.get("category", "")
    core.comments = properties.get("comments", "")
    core.author = label.product.labeler
    core.last_modified_by = LAST_MODIFIED_BY
    core.language = label.label.language
    core.version = label.label.version
    core.identifier = label.product.id
    core.revision = 1
    revised = dt.datetime.combine(label.label.revision_date, dt.time(0, 0), tzinfo=dt.UTC)
    core.created = core.modified = revised
    printed = core._element.find(qn("cp:lastPrinted"))
    if printed is not None:
        core._element.remove(printed)


_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _set_custom_properties(document: Document, values: dict[str, str]) -> None:
    """The tool's own keys in docProps/custom.xml (like the PDFs' labeling-* metadata), so ``labeling verify``
    knows which document kind, product and label version a DOCX holds. Other custom properties are kept."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from lxml import etree

    package = document.part.package
    existing = next(
        (
            rel.target_part
            for rel in package.rels.values()
            if rel.reltype == RT.CUSTOM_PROPERTIES and not rel.is_external
        ),
        None,
    )
    if existing is not None:
        root = etree.fromstring(existing.blob)
    else:
        # lxml-stubs types nsmap as Mapping[str, str]; lxml takes None as the default namespace's prefix
        root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})  # type: ignore[dict-item]
    for prop in list(root):
        if prop.get("name") in values:
            root.remove(prop)
    pid = max([int(p.get("pid", "1")) for p in root] + [1])
    for name, value in values.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_CUSTOM_FMTID, pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = value
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if existing is not None:
        existing._blob = blob
    else:
        part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package)
        package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _set_language(document: Document, language: str) -> None:
    """The proofing language of the text (docDefaults), when the label's differs from the reference's."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = None if defaults is None else defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    current = lang.get(qn("w:val")) or ""
    if "-" in language or current.split("-")[0].lower() != language.lower():
        lang.set(qn("w:val"), language)


def normalise_zip(data: bytes, replace: Mapping[str, bytes] | None = None) -> bytes:
    """The same archive with fixed timestamps and attributes: equal content gives equal bytes."""
    replace = dict(replace or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            replacement = replace.pop(info.filename, None)
            target.writestr(entry, replacement or source.read(info.filename))
    if replace:
        raise KeyError(f"no such member to replace: {', '.join(sorted(replace))}")
    return out.getvalue()
