"""DOCX → text: every paragraph and table row of the document, its headers and footers, in reading order.

Works on any DOCX (ours, an agency's, a hand-edited one), straight from the package XML, so nothing is lost to a
library's idea of a document: tables (one line per row, cells separated by `` | ``), content controls, text
boxes, hyperlinks, simple and complex fields (their displayed result, never the field code), tracked changes
(insertions kept, deletions dropped), footnotes and endnotes, symbols (``w:sym``, Symbol-font characters as the
characters they show).

Only what a reader sees is read: hidden text (``w:vanish``, ``w:specVanish``, ``w:webHidden``, directly or through a
paragraph or character style) is left out of the text and reported as unseen, and so is an alternate content
(``mc:AlternateContent``) whose branches say different things: Word shows the first, another program the
fallback.

Order of the lines: headers, body, footnotes, endnotes, footers. One line per non-empty paragraph or row; a
line break inside a paragraph becomes a space, a tab stays a tab.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast
from xml.etree import ElementTree as ET

from labeling.extract import UnreadableArtifact, Unseen

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "/officeDocument"
CORE_PROPERTIES = "/metadata/core-properties"
CUSTOM_PROPERTIES = "/custom-properties"
CELL_SEPARATOR = " | "
MAX_PART_BYTES = 64 * 1024 * 1024  # a larger XML part is not a label document (or is a zip bomb)
MAX_XML_DEPTH = 256  # libxml2's own default limit; Word nests tables at most 64 deep, so a deeper part is an attack


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# Containers whose children are blocks (paragraphs, tables, …) or runs: walk into them.
_BLOCK_CONTAINERS = {_w("sdtContent"), _w("customXml"), _w("ins"), _w("moveTo"), _w("smartTag")}
_INLINE_CONTAINERS = {
    _w("r"),
    _w("hyperlink"),
    _w("fldSimple"),
    _w("sdtContent"),
    _w("customXml"),
    _w("ins"),
    _w("moveTo"),
    _w("smartTag"),
    _w("sdt"),
    _w("dir"),
    _w("bdo"),
}
_SKIP = {
    _w("pPr"),
    _w("rPr"),
    _w("del"),
    _w("moveFrom"),
    _w("delText"),
    _w("instrText"),
    _w("sdtPr"),
    _w("sdtEndPr"),
    _w("sectPr"),
    _w("tblPr"),
    _w("tblGrid"),
    _w("trPr"),
    _w("tcPr"),
}


def extract_docx_text(source: bytes | str | Path) -> str:
    """All visible text of a DOCX, one line per paragraph or table row (see the module docstring for the order)."""
    return "\n".join(extract_docx_lines(source))


def extract_docx_lines(source: bytes | str | Path) -> list[str]:
    return read_docx(source)[0]


def read_docx(source: bytes | str | Path) -> tuple[list[str], list[Unseen]]:
    """The visible lines, and the text a reader would not see (hidden, or in one branch of alternate content)."""
    name, archive = _open(source)
    with archive:
        package = _Package(archive, name)
        main = package.main_document()
        document = package.xml(main)
        body = document.find(_w("body"))
        if body is None:
            raise UnreadableArtifact(f"{name}: {main} has no document body; is this a Word document?")
        rels = package.relationships(main)
        styles_part = next((t for t, type_ in rels.values() if type_.endswith("/styles")), None)
        styles = package.read(styles_part) if styles_part in package.names else b""
        # Parsing a style sheet costs more than reading the document; one that hides nothing need not be read.
        hiding = any(tag in styles for tag in (b"vanish", b"specVanish", b"webHidden"))
        reader = _Reader(_Styles(package.xml(styles_part) if hiding and styles_part else None))
        headers, footers = _header_footer_parts(body, rels)
        lines: list[str] = []
        for part in headers:
            lines.extend(reader.blocks(package.xml(part)))
        lines.extend(reader.blocks(body))
        for kind in ("footnotes", "endnotes"):
            notes_part = next((t for t, type_ in rels.values() if type_.endswith("/" + kind)), None)
            if notes_part is not None and notes_part in package.names:
                notes = package.xml(notes_part)
                for note in notes:
                    if note.get(_w("type")) in (None, "normal"):
                        lines.extend(reader.blocks(note))
        for part in footers:
            lines.extend(reader.blocks(package.xml(part)))
    return lines, reader.unseen


# docProps/core.xml element → metadata key (the names pdf_metadata uses for the same PDF fields).
_CORE_KEYS = {
    "{http://purl.org/dc/elements/1.1/}title": "Title",
    "{http://purl.org/dc/elements/1.1/}subject": "Subject",
    "{http://purl.org/dc/elements/1.1/}creator": "Author",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}keywords": "Keywords",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}category": "Category",
    "{http://purl.org/dc/elements/1.1/}language": "Language",
    "{http://purl.org/dc/terms/}created": "CreationDate",
    "{http://purl.org/dc/terms/}modified": "ModDate",
}
# Custom properties this tool writes (labeling/render/docx.py) → the keys pdf_metadata gives for PDFs.
LABELING_KEYS = {"labeling-kind": "kind", "labeling-product": "product", "labeling-version": "version"}


def docx_metadata(source: bytes | str | Path) -> dict[str, str]:
    """Document properties (title, author, dates, …) and this tool's own keys (kind, product, version)."""
    name, archive = _open(source)
    metadata: dict[str, str] = {}
    with archive:
        package = _Package(archive, name)
        rels = package.relationships("_rels/.rels") if "_rels/.rels" in package.names else {}
        for target, type_ in rels.values():
            if target not in package.names:
                continue
            if type_.endswith(CORE_PROPERTIES):
                for element in package.xml(target):
                    key = _CORE_KEYS.get(element.tag)
                    text = (element.text or "").strip()
                    if key and text:
                        metadata[key] = text
            elif type_.endswith(CUSTOM_PROPERTIES):
                for prop in package.xml(target):
                    key = LABELING_KEYS.get(prop.get("name", ""))
                    value = "".join(prop.itertext()).strip()
                    if key and value:
                        metadata[key] = value
    return metadata


def _open(source: bytes | str | Path) -> tuple[str, zipfile.ZipFile]:
    name = "DOCX" if isinstance(source, bytes) else str(source)
    try:
        return name, zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else Path(source))
    except FileNotFoundError:
        raise UnreadableArtifact(f"{name}: no such file") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableArtifact(f"{name}: not a readable DOCX (not a zip package: {error})") from None


class _Package:
    def __init__(self, archive: zipfile.ZipFile, name: str):
        self.archive = archive
        self.name = name
        self.names = set(archive.namelist())

    def read(self, part: str) -> bytes:
        try:
            info = self.archive.getinfo(part)
        except KeyError:
            raise UnreadableArtifact(
                f"{self.name}: the package has no part {part!r}; is this a Word document?"
            ) from None
        if info.file_size > MAX_PART_BYTES:
            raise UnreadableArtifact(f"{self.name}: part {part} is {info.file_size:,} bytes; refusing to read it")
        return self.archive.read(info)

    def xml(self, part: str) -> ET.Element:
        """The part's tree, refused when nested deeper than any Word document is (the walk below recurses)."""
        parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
        depth = 0
        root: ET.Element | None = None
        try:
            parser.feed(self.read(part))
            parser.close()
            for event, element in cast("Iterator[tuple[str, Any]]", parser.read_events()):
                if not isinstance(element, ET.Element):
                    continue
                root = element if root is None else root
                depth += 1 if event == "start" else -1
                if depth > MAX_XML_DEPTH:
                    raise UnreadableArtifact(
                        f"{self.name}: {part} nests elements more than {MAX_XML_DEPTH} deep; refusing to read it"
                    )
        except ET.ParseError as error:
            raise UnreadableArtifact(f"{self.name}: {part} is not well-formed XML ({error})") from None
        if root is None:
            raise UnreadableArtifact(f"{self.name}: {part} is empty")
        return root

    def main_document(self) -> str:
        if "_rels/.rels" in self.names:
            for relation in self.xml("_rels/.rels").iter(f"{{{PKG_RELS}}}Relationship"):
                if relation.get("Type", "").endswith(OFFICE_DOCUMENT) and relation.get("TargetMode") != "External":
                    return relation.get("Target", "").lstrip("/")
        if "word/document.xml" in self.names:
            return "word/document.xml"
        raise UnreadableArtifact(f"{self.name}: not a Word document (no main document part)")

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """rId → (part name, relationship type) for the relationships of ``part`` ("_rels/.rels": the package's)."""
        if part == "_rels/.rels":
            folder, rels_part = "", part
        else:
            folder, file = posixpath.split(part)
            rels_part = posixpath.join(folder, "_rels", file + ".rels")
        if rels_part not in self.names:
            return {}
        result = {}
        for relation in self.xml(rels_part).iter(f"{{{PKG_RELS}}}Relationship"):
            if relation.get("TargetMode") == "External":
                continue
            target = relation.get("Target", "")
            resolved = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            )
            result[relation.get("Id", "")] = (resolved, relation.get("Type", ""))
        return result


def _header_footer_parts(body: ET.Element, rels: dict[str, tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Header and footer parts in the order the sections reference them, each once."""
    headers: list[str] = []
    footers: list[str] = []
    for section in body.iter(_w("sectPr")):
        for reference in section:
            target = rels.get(reference.get(f"{{{R}}}id", ""), (None, ""))[0]
            if target is None:
                continue
            if reference.tag == _w("headerReference") and target not in headers:
                headers.append(target)
            elif reference.tag == _w("footerReference") and target not in footers:
                footers.append(target)
    return headers, footers


# --------------------------------------------------------------------------------------------------------
# Blocks and runs


_HIDING = {_w("vanish"): "hidden text", _w("specVanish"): "hidden text", _w("webHidden"): "text hidden in web view"}
_OFF = {"0", "false", "off"}


def _hiding(properties: ET.Element | None) -> tuple[str | None, bool]:
    """Whether run properties hide text: (why, decided). ``decided`` is False when they say nothing either way."""
    if properties is None:
        return None, False
    for tag, why in _HIDING.items():
        element = properties.find(tag)
        if element is not None:
            return (None if element.get(_w("val"), "true") in _OFF else why), True
    return None, False


class _Styles:
    """Which paragraph and character styles hide their text (following ``basedOn``), and the document default."""

    def __init__(self, styles: ET.Element | None):
        self._hides: dict[str, str | None] = {}
        self._parents: dict[str, str] = {}
        self._own: dict[str, tuple[str | None, bool]] = {}
        self.default: str | None = None
        if styles is None:
            return
        defaults = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.default = _hiding(defaults)[0]
        for style in styles.iter(_w("style")):
            style_id = style.get(_w("styleId"), "")
            based = style.find(_w("basedOn"))
            if based is not None:
                self._parents[style_id] = based.get(_w("val"), "")
            self._own[style_id] = _hiding(style.find(_w("rPr")))

    def hides(self, style_id: str | None) -> str | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            why, decided = self._own.get(style_id, (None, False))
            if decided:
                return why
            style_id = self._parents.get(style_id)
        return None


class _Reader:
    def __init__(self, styles: _Styles):
        self.styles = styles
        self.unseen: list[Unseen] = []

    def blocks(self, container: ET.Element) -> Iterator[str]:
        """Lines of the paragraphs and tables in ``container`` (body, cell, header, text box, content control)."""
        for child in container:
            tag = child.tag
            if tag == _w("p"):
                text, nested = self.paragraph(child)
                if text.strip():
                    yield text.strip()
                yield from nested
            elif tag == _w("tbl"):
                yield from self.table(child)
            elif tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    yield from self.blocks(content)
            elif tag in _BLOCK_CONTAINERS:
                yield from self.blocks(child)
            elif tag == f"{{{MC}}}AlternateContent":
                branch = self.alternate(child, lambda e: " ".join(_Reader(self.styles).blocks(e)))
                if branch is not None:
                    yield from self.blocks(branch)

    def table(self, table: ET.Element) -> Iterator[str]:
        for row in _rows(table):
            cells = [" ".join(self.blocks(cell)) for cell in _cells(row)]
            if any(cell.strip() for cell in cells):
                yield CELL_SEPARATOR.join(cells)

    def paragraph(self, paragraph: ET.Element) -> tuple[str, list[str]]:
        """The paragraph's visible text, and the lines of any text boxes anchored in it."""
        parts: list[str] = []
        nested: list[str] = []
        style = paragraph.find(f"{_w('pPr')}/{_w('pStyle')}")
        hidden_by_style = self.styles.hides(style.get(_w("val")) if style is not None else None)
        self.runs(paragraph, parts, nested, hidden_by_style or self.styles.default)
        return "".join(parts), nested

    def run_hidden(self, run: ET.Element, inherited: str | None) -> str | None:
        properties = run.find(_w("rPr"))
        why, decided = _hiding(properties)
        if decided:
            return why
        style = properties.find(_w("rStyle")) if properties is not None else None
        if style is not None:
            by_style = self.styles.hides(style.get(_w("val")))
            if by_style:
                return by_style
        return inherited

    def runs(self, element: ET.Element, parts: list[str], nested: list[str], hidden: str | None = None) -> None:
        for child in element:
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == _w("r"):
                why = self.run_hidden(child, hidden)
                if why:
                    unseen: list[str] = []
                    self.runs(child, unseen, nested)
                    if "".join(unseen).strip():
                        self.unseen.append(Unseen("".join(unseen).strip(), why))
                    continue
                self.runs(child, parts, nested, hidden)
            elif tag == _w("t"):
                parts.append(child.text or "")
            elif tag == _w("tab") or tag == _w("ptab"):
                parts.append("\t")
            elif tag in (_w("br"), _w("cr")):
                if child.get(_w("type")) not in ("page", "column"):
                    parts.append(" ")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag == _w("softHyphen"):
                continue
            elif tag == _w("sym"):
                parts.append(_symbol(child))
            elif tag == _w("txbxContent"):
                nested.extend(self.blocks(child))
            elif tag == f"{{{MC}}}AlternateContent":

                def inline(branch: ET.Element) -> str:
                    text: list[str] = []
                    _Reader(self.styles).runs(branch, text, [], hidden)
                    return "".join(text)

                branch = self.alternate(child, inline)
                if branch is not None:
                    self.runs(branch, parts, nested, hidden)
            elif tag in _INLINE_CONTAINERS or len(child):
                self.runs(child, parts, nested, hidden)  # runs, links, fields, drawings (text boxes inside them)

    def alternate(self, element: ET.Element, text_of: Callable[[ET.Element], str]) -> ET.Element | None:
        """The branch Word shows (the first choice); when the fallback another program shows says something
        else, both are reported."""
        choice, fallback = element.find(f"{{{MC}}}Choice"), element.find(f"{{{MC}}}Fallback")
        if choice is not None and fallback is not None:
            shown, other = _squash(text_of(choice)), _squash(text_of(fallback))
            if shown != other:
                self.unseen.append(
                    Unseen(f"{shown or '(nothing)'} | {other or '(nothing)'}", "alternate content differs")
                )
        return choice if choice is not None else fallback


def _squash(text: str) -> str:
    return " ".join(text.split())


# The Symbol font's private-use code points (F020–F0FF) as the characters they draw: Greek letters and the
# mathematical signs a label uses. Other symbol fonts (Wingdings…) draw pictures, not text.
_SYMBOL_FONT = {
    **{0xF000 + c: chr(c) for c in range(0x20, 0x7F)},
    **dict(zip(range(0xF041, 0xF05B), "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ", strict=True)),
    **dict(zip(range(0xF061, 0xF07B), "αβχδεφγηιϕκλμνοπθρστυϖωξψζ", strict=True)),
    0xF022: "∀",
    0xF024: "∃",
    0xF027: "∋",
    0xF02A: "∗",
    0xF02D: "−",
    0xF040: "≅",
    0xF0A3: "≤",
    0xF0A5: "∞",
    0xF0AE: "→",
    0xF0AC: "←",
    0xF0B0: "°",
    0xF0B1: "±",
    0xF0B3: "≥",
    0xF0B4: "×",
    0xF0B5: "∝",
    0xF0B7: "•",
    0xF0B8: "÷",
    0xF0B9: "≠",
    0xF0BA: "≡",
    0xF0BB: "≈",
    0xF0D7: "⋅",
}


def _symbol(element: ET.Element) -> str:
    """The character a ``w:sym`` shows: Symbol-font codes mapped, a plain code point as itself."""
    try:
        code = int(element.get(_w("char"), ""), 16)
    except ValueError:
        return ""
    font = (element.get(_w("font")) or "").lower()
    if code < 0xF000:
        code += 0xF000 if font == "symbol" and code < 0x100 else 0
        if code < 0xF000:
            return chr(code)
    return _SYMBOL_FONT.get(code, "") if font == "symbol" else ""


def _rows(table: ET.Element) -> Iterator[ET.Element]:
    for child in table:
        if child.tag == _w("tr"):
            yield child
        elif child.tag in (_w("sdt"), _w("customXml")):  # rows wrapped in a content control
            content = child.find(_w("sdtContent")) if child.tag == _w("sdt") else child
            if content is not None:
                yield from _rows(content)


def _cells(row: ET.Element) -> Iterator[ET.Element]:
    for child in row:
        if child.tag == _w("tc"):
            yield child
        elif child.tag in (_w("sdt"), _w("customXml")):
            content = child.find(_w("sdtContent")) if child.tag == _w("sdt") else child
            if content is not None:
                yield from _cells(content)
