"""The document tree: what a document says, before any format is chosen (pandoc's AST for one document).

Composers (``labeling.compose``) build it from the label's facts, the reach table and the language's words;
writers (``labeling.render``) lay it out as PDF, DOCX or XML; the verifier reads its expected text from it. Every
run of text carries where it came from — a fact path (``dosing.regimens[x].dose``) or a stock phrase
(``phrase:plr.limitation``) — so every sentence of every document can be accounted for (the provenance map),
and every unit (a paragraph, a list item, a table row) names the facts it binds together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

PHRASE = "phrase:"
HEADING = "heading:"
NUMBER = "number:"  # section numbers and cross-references, from the kind table
FURNITURE = "furniture:"  # separators and punctuation: no words of their own


@dataclass(frozen=True)
class Run:
    """A piece of text with one source and one style ('', 'em', 'strong', 'ref')."""

    text: str
    source: str
    style: str = ""


@dataclass(frozen=True)
class Unit:
    """The smallest block a reader takes as one statement: a paragraph, a list item, a table cell.

    ``facts`` are the facts the unit binds (a regimen row binds the regimen; a storage line the condition), so a
    reader can find them together; ``role`` says what the unit is (``regimen``, ``storage``, …)."""

    runs: tuple[Run, ...]
    facts: tuple[str, ...] = ()
    role: str = ""

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(run.source for run in self.runs if run.text.strip()))

    def __bool__(self) -> bool:
        return bool(self.text.strip())


@dataclass(frozen=True)
class Paragraph:
    unit: Unit
    style: str = ""  # a writer's class: 'note', 'callout', 'claim', 'title-line', 'report', …

    def units(self) -> Iterator[Unit]:
        yield self.unit


@dataclass(frozen=True)
class BulletList:
    items: tuple[Unit, ...]
    style: str = ""
    ordered: bool = False

    def units(self) -> Iterator[Unit]:
        yield from self.items


@dataclass(frozen=True)
class Row:
    cells: tuple[Unit, ...]
    facts: tuple[str, ...] = ()
    role: str = ""
    header: bool = False  # a header row (column headings)


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    caption: Unit | None = None
    style: str = ""
    widths: tuple[int, ...] = ()  # relative column weights (the DOCX writer uses them)
    row_headers: bool = False  # the first cell of each row labels it

    def units(self) -> Iterator[Unit]:
        if self.caption is not None:
            yield self.caption
        for row in self.rows:
            yield from row.cells


Block = Paragraph | BulletList | Table


@dataclass(frozen=True)
class Section:
    key: str
    heading: Unit
    level: int = 1
    number: str | None = None
    loinc: str | None = None
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()
    style: str = ""  # 'boxed', 'gap', …
    anchor: str = ""  # an id for links (defaults to the key)

    @property
    def id(self) -> str:
        return self.anchor or self.key

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.sections:
            yield from child.walk()

    def units(self, nested: bool = True) -> Iterator[Unit]:
        for block in self.blocks:
            yield from block.units()
        if nested:
            for child in self.sections:
                yield child.heading
                yield from child.units()

    def bound_facts(self, nested: bool = True) -> list[str]:
        """The facts the section's units and table rows bind, in order (each once)."""
        facts: list[str] = []
        for block in self.blocks:
            for unit in block.units():
                facts.extend(unit.facts)
            if isinstance(block, Table):
                for row in block.rows:
                    facts.extend(row.facts)
        if nested:
            for child in self.sections:
                facts.extend(child.bound_facts())
        return list(dict.fromkeys(facts))


@dataclass(frozen=True)
class Part:
    """A top-level division (the insert's Highlights, Contents, FPI); plain documents have one, unnamed."""

    key: str
    heading: Unit | None
    sections: tuple[Section, ...] = ()
    blocks: tuple[Block, ...] = ()  # text of the part itself, before its sections
    style: str = ""


@dataclass(frozen=True)
class Document:
    kind: str
    language: str
    title: str  # the document's title (metadata, bookmarks)
    parts: tuple[Part, ...]
    metadata: dict[str, str] = field(default_factory=dict)  # subject, keywords, author, …
    header: Unit | None = None  # running header (every page but the first)
    footer: Unit | None = None  # running footer
    banner: Unit | None = None  # the draft banner, on every page when set
    front: tuple[Block, ...] = ()  # blocks before the first part (title block, draft notice)
    furniture: dict[str, Any] = field(default_factory=dict)  # format-neutral extras (revised date, product id)

    def sections(self) -> Iterator[tuple[Part, Section]]:
        for part in self.parts:
            for section in part.sections:
                for inner in section.walk():
                    yield part, inner

    def section(self, key: str, part: str | None = None) -> Section:
        for owner, section in self.sections():
            if section.key == key and (part is None or owner.key == part):
                return section
        raise KeyError(f"{self.kind} has no section {key!r}")

    def units(self) -> Iterator[Unit]:
        """Every unit in reading order (front matter, part headings, section headings and bodies)."""
        for block in self.front:
            yield from block.units()
        for part in self.parts:
            if part.heading is not None:
                yield part.heading
            for block in part.blocks:
                yield from block.units()
            for section in part.sections:
                yield section.heading
                yield from section.units()


def plain(text: str, source: str, style: str = "") -> Unit:
    return Unit((Run(text, source, style),))
