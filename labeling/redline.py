"""Redlines of the package insert: a tracked-changes DOCX and a marked-up PDF, from two label versions.

Both start from the same comparison: the insert composed for the old and the new label
(``labeling.compose``) and written as HTML (``labeling.render.html``), cut into blocks (headings, paragraphs,
list items, table cells); blocks are paired in order, and paired blocks that differ are compared word by word.
The DOCX writes real Word revisions (`w:ins` / `w:del` with author and date from the new revision) that Word
and LibreOffice accept or reject; the PDF is the new insert with insertions underlined, deletions struck through
and a change bar beside every changed block.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass
from typing import Any

from lxml import html as lxml_html

from labeling.documents import PACKAGE_INSERT
from labeling.model import Label

BLOCK_TAGS = ("h1", "h2", "h3", "h4", "p", "li", "td", "th")
SIMILAR = 0.5  # two blocks at least this alike are one block changed, not one removed and one added


@dataclass
class Block:
    tag: str
    text: str
    element: Any = None  # the lxml element (new document), for the PDF markup


@dataclass
class BlockOp:
    kind: str  # equal | changed | insert | delete
    old: Block | None
    new: Block | None


def _text(element: Any) -> str:
    """A block's words as read: spaces collapsed, word joiners (typography, not text) dropped."""
    return " ".join("".join(element.itertext()).replace("\u2060", "").split())


def blocks_of(markup: str) -> tuple[Any, list[Block]]:
    """The document (lxml) and its leaf blocks in reading order; page furniture and the draft banner excluded."""
    document = lxml_html.document_fromstring(markup)
    body = document.find("body")
    assert body is not None  # the package insert's HTML (labeling.render.html) always has a body
    found = []
    for element in body.iter(*BLOCK_TAGS):
        if any(child.tag in BLOCK_TAGS for child in element.iterdescendants()):
            continue
        if element.get("aria-hidden") == "true" or any(a.get("aria-hidden") == "true" for a in element.iterancestors()):
            continue
        text = _text(element)
        if text:
            found.append(Block(element.tag, text, element))
    return document, found


def pair_blocks(old: list[Block], new: list[Block]) -> list[BlockOp]:
    ops: list[BlockOp] = []
    matcher = difflib.SequenceMatcher(None, [b.text for b in old], [b.text for b in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops += [BlockOp("equal", old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=False)]
            continue
        olds, news = old[i1:i2], new[j1:j2]
        while olds or news:
            if (
                olds
                and news
                and olds[0].tag == news[0].tag
                and difflib.SequenceMatcher(None, olds[0].text, news[0].text).ratio() >= SIMILAR
            ):
                ops.append(BlockOp("changed", olds.pop(0), news.pop(0)))
            elif olds and (not news or len(olds) >= len(news)):
                ops.append(BlockOp("delete", olds.pop(0), None))
            else:
                ops.append(BlockOp("insert", None, news.pop(0)))
    return ops


_TOKEN = re.compile(r"\s+|[^\s]+")


def word_ops(old: str, new: str) -> list[tuple[str, str]]:
    """(equal|insert|delete, text) pieces turning ``old`` into ``new``, word by word (spaces kept)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                pieces.append(("delete", "".join(a[i1:i2])))
            if j2 > j1:
                pieces.append(("insert", "".join(b[j1:j2])))
    return pieces


def insert_html(label: Label) -> str:
    """The label's package insert as HTML: composed, then written by the HTML writer (no WeasyPrint)."""
    from labeling.compose import compose
    from labeling.render.html import render_html

    return render_html(label, compose(label, PACKAGE_INSERT), PACKAGE_INSERT)


def compare(old: Label, new: Label) -> tuple[Any, list[BlockOp]]:
    _, old_blocks = blocks_of(insert_html(old))
    document, new_blocks = blocks_of(insert_html(new))
    return document, pair_blocks(old_blocks, new_blocks)


# --------------------------------------------------------------------------------------------------------
# Tracked-changes DOCX

_STYLE = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3", "h4": "Heading 4", "li": "List Bullet"}


def redline_docx(old: Label, new: Label) -> bytes:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from labeling.render.docx import normalise_zip

    _, ops = compare(old, new)
    document = docx.Document()
    author = f"labeling (label version {new.label.version})"
    date = f"{new.label.revision_date.isoformat()}T00:00:00Z"
    counter = iter(range(1, 1_000_000))

    def mark(tag: str) -> Any:
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(next(counter)))
        element.set(qn("w:author"), author)
        element.set(qn("w:date"), date)
        return element

    def run(text: str, deleted: bool = False) -> Any:
        r = OxmlElement("w:r")
        t = OxmlElement("w:delText" if deleted else "w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
        return r

    def add(paragraph: Any, kind: str, text: str) -> None:
        if kind == "equal":
            paragraph._p.append(run(text))
        else:
            wrapper = mark("w:ins" if kind == "insert" else "w:del")
            wrapper.append(run(text, deleted=kind == "delete"))
            paragraph._p.append(wrapper)

    def paragraph_mark(paragraph: Any, kind: str) -> None:
        p_pr = paragraph._p.get_or_add_pPr()
        r_pr = OxmlElement("w:rPr")
        r_pr.append(mark("w:ins" if kind == "insert" else "w:del"))
        p_pr.append(r_pr)

    title = document.add_paragraph(style="Title")
    title.add_run(f"{new.product.name} Prescribing Information — redline")
    note = document.add_paragraph()
    note.add_run(
        f"Version {old.label.version} ({old.label.revision_date:%m/%Y}) → version {new.label.version} "
        f"({new.label.revision_date:%m/%Y}). Insertions and deletions are tracked changes."
    )
    for op in ops:
        block = op.new or op.old
        assert block is not None
        paragraph = document.add_paragraph(style=_STYLE.get(block.tag))
        if op.kind == "equal":
            add(paragraph, "equal", block.text)
        elif op.kind == "insert":
            add(paragraph, "insert", block.text)
            paragraph_mark(paragraph, "insert")
        elif op.kind == "delete":
            add(paragraph, "delete", block.text)
            paragraph_mark(paragraph, "delete")
        else:
            assert op.old is not None and op.new is not None
            for kind, text in word_ops(op.old.text, op.new.text):
                add(paragraph, kind, text)
    properties = document.core_properties
    properties.title = f"{new.product.name} Prescribing Information — redline {old.label.version} → {new.label.version}"
    properties.author = properties.last_modified_by = author
    properties.created = properties.modified = _midnight(new)
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue())


def _midnight(label: Label) -> Any:
    import datetime as dt

    return dt.datetime.combine(label.label.revision_date, dt.time(0, 0))


# --------------------------------------------------------------------------------------------------------
# Marked-up PDF

REDLINE_CSS = """
ins.rl { text-decoration: underline; color: #00643c; }
del.rl { text-decoration: line-through; color: #b00020; }
.rl-changed { position: relative; }
.rl-changed::before { content: ""; position: absolute; left: -7pt; top: 0; bottom: 0;
                      border-left: 2pt solid #b00020; }
li.rl-changed::before { left: -19pt; }
.rl-title { font-size: 10pt; font-weight: bold; color: #b00020; margin-bottom: 6pt; }
"""


def redline_html(old: Label, new: Label) -> str:
    document, ops = compare(old, new)
    previous = None
    for op in ops:
        if op.kind == "equal":
            previous = op.new.element if op.new else previous
            continue
        if op.kind == "changed":
            assert op.old and op.new
            _fill(op.new.element, word_ops(op.old.text, op.new.text))
            previous = op.new.element
        elif op.kind == "insert":
            assert op.new
            _fill(op.new.element, [("insert", op.new.text)])
            previous = op.new.element
        else:
            assert op.old
            if op.old.tag in ("td", "th") and previous is not None:
                removed = lxml_html.Element("span")
                _fill(removed, [("equal", " "), ("delete", op.old.text)])
                previous.append(removed)
                _mark_changed(previous)
            else:
                element = lxml_html.Element(op.old.tag if op.old.tag != "td" else "p")
                _fill(element, [("delete", op.old.text)])
                if previous is not None:
                    previous.addnext(element)
                previous = element
    body = document.find("body")
    banner = lxml_html.Element("p")
    banner.set("class", "rl-title")
    banner.text = (
        f"Redline: version {new.label.version} ({new.label.revision_date:%m/%Y}) compared with version "
        f"{old.label.version} ({old.label.revision_date:%m/%Y}). Insertions underlined, deletions struck "
        "through, changes marked in the margin."
    )
    body.insert(0, banner)
    style = lxml_html.Element("style")
    style.text = REDLINE_CSS
    document.find("head").append(style)
    return lxml_html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")


def _fill(element: Any, pieces: list[tuple[str, str]]) -> None:
    """Replace an element's content with text pieces, inserted and deleted ones marked up."""
    for child in list(element):
        element.remove(child)
    element.text = None
    last = None
    for kind, text in pieces:
        if kind == "equal":
            if last is None:
                element.text = (element.text or "") + text
            else:
                last.tail = (last.tail or "") + text
            continue
        piece = lxml_html.Element("ins" if kind == "insert" else "del")
        piece.set("class", "rl")
        piece.text = text
        element.append(piece)
        last = piece
    _mark_changed(element)


def _mark_changed(element: Any) -> None:
    classes = set((element.get("class") or "").split())
    classes.add("rl-changed")
    element.set("class", " ".join(sorted(classes)))


def redline_pdf(old: Label, new: Label) -> bytes:
    from labeling.render.pdf import pdf_from_html

    return pdf_from_html(redline_html(old, new), new, PACKAGE_INSERT, checks=False)
