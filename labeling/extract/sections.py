"""Normalise extracted text and split it into sections by the headings a composed document declares.

Extraction differs by tool and layout: ligatures, dash and minus variants, soft hyphens, non-breaking and
thin spaces, line wrapping. Everything here reduces those differences, never the facts: numbers, units and
words survive unchanged. The headings to look for come from the document tree the label composes to (so a
subsection numbered 2.3 in this label is looked for as "2.3 …"), never from a rendered template.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labeling.doctree import Document

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")


_SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u2007\u200a]+")


def _unify(text: str) -> str:
    """Everything normalize does except collapsing line breaks."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u00ad\n", "").replace("\u00ad", "").replace("\ufffe", "").replace("\u2060", "")
    text = text.replace("\u2010\n", "")  # a hyphen the layout inserted to break a word
    text = text.translate(_DASHES)
    text = re.sub(r"(?<=\w)-\n(?=\w)", "-", text)  # a real hyphen that fell at a line end: keep it, join
    return text.replace("\u00b0 C", "°C").replace("\u00b0 F", "°F").replace("\u00ba", "°")


def unify_chars(text: str) -> str:
    """The character unification of ``normalize``, one character for one (offsets into ``text`` keep): NFKC where
    it gives one character, one kind of dash, every kind of space a plain space."""
    if not text.isascii():  # ASCII is its own NFKC: only other characters are looked up (once each, cached)
        text = "".join(_one_for_one(char) if not char.isascii() else char for char in text)
    return _SPACES.sub(lambda m: " " * len(m.group(0)), text.translate(_DASHES))


@lru_cache(maxsize=4096)
def _one_for_one(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def normalize(text: str) -> str:
    """One line of plain text: NFKC, one kind of dash, no soft hyphens, line-end hyphenation joined."""
    return _SPACES.sub(" ", _unify(text)).strip()


def flatten(text: str) -> tuple[str, set[int]]:
    """``normalize(text)`` and the offsets in it where a line of the original began (headings start lines)."""
    parts: list[str] = []
    starts: set[int] = set()
    length = 0
    for line in _unify(text).split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if not line:
            continue
        if parts:
            parts.append(" ")
            length += 1
        starts.add(length)
        parts.append(line)
        length += len(line)
    return "".join(parts), starts


def _find_heading(flat: str, starts: set[int], heading: str, start: int, limit: int) -> tuple[int, int]:
    """Where a heading is in flat[start:limit] (its offset and length; -1 when it is not): the last occurrence
    that is a line of its own, as written or in capitals; failing that, the last that begins a line; failing
    that, the last that begins a line written in any case,
    its number followed by a period or left out (another agency's "2. Dosage and Administration", Word's automatic
    numbering that a reader of the file does not see); failing that, the last occurrence at all (a layout may
    run a heading into the text before it)."""
    whole: list[tuple[int, int]] = []  # a line of its own: the likeliest heading ("ADVERSE REACTIONS, contact …"
    at_line: list[tuple[int, int]] = []  # begins a line of running text)
    anywhere: list[tuple[int, int]] = []
    for candidate in dict.fromkeys((heading, heading.upper())):
        for match in _heading_pattern(candidate).finditer(flat, start, limit):
            at, length = match.start(), len(match.group(1))
            if at in starts and (at + length + 1 in starts or at + length == len(flat)):
                whole.append((at, length))
            (at_line if at in starts else anywhere).append((at, length))
    if whole:
        return max(whole)
    if not at_line:
        at_line = [
            (m.start(), len(m.group(1)))
            for m in _loose_heading_pattern(heading).finditer(flat, start, limit)
            if m.start() in starts
        ]
    return max(at_line or anywhere, default=(-1, 0))


@lru_cache(maxsize=512)
def _heading_pattern(heading: str, flags: int = 0) -> re.Pattern[str]:
    """A heading as a layout may break it: a narrow column wraps a long word anywhere ("ADMINISTRATIO / N"),
    which reads back as a space inside the word, and letter-spacing reads back as a space between letters.
    Overlapping matches are found with a lookahead."""
    return re.compile(f"(?=({_spaced(heading)}))", flags)


def _spaced(text: str) -> str:
    letters = [re.escape(ch) if ch != " " else " " for ch in text]
    return "".join(
        ch + ("" if ch == " " or i + 1 == len(letters) or letters[i + 1] == " " else " ?")
        for i, ch in enumerate(letters)
    )


_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\s+(.*)$")


@lru_cache(maxsize=512)
def _loose_heading_pattern(heading: str) -> re.Pattern[str]:
    numbered = _NUMBERED.match(heading)
    if numbered is None:
        return _heading_pattern(heading, re.IGNORECASE)
    number, words = numbered.groups()
    return re.compile(f"(?=((?:{re.escape(number)}[.)]? ?)?{_spaced(words)}))", re.IGNORECASE)


def _unnumbered(text: str) -> str:
    """A heading or list item without its number (an ordered list prints "3." before "How X is given")."""
    return re.sub(r"^\d+(?:\.\d+)*[.)]?\s+", "", normalize(text)).casefold()


COPY = "copy:"  # the key of a second printing of a section, while the sections are cut


@dataclass(frozen=True)
class FoundSection:
    key: str  # the section's id in the tree (its key, or its anchor for repeated subsections)
    heading: str
    text: str  # the section's own text including its subsections, heading excluded
    start: int
    lines: tuple[int, ...] = ()  # offsets in ``text`` where a line of the artifact begins (a row, a paragraph)
    offset: int = 0  # where ``text`` begins in the flattened document
    copies: tuple[FoundSection, ...] = ()  # the same section printed again elsewhere (each copy is checked)


def split_sections(text: str, tree: Document) -> dict[str, FoundSection]:
    """Find each section's heading, in document order, and cut the text between them.

    Parts (the insert's Highlights / Contents / FPI) are found first, so a heading repeated in the Contents is
    never taken for the section itself; within a part, a contents list is skipped by matching from the end. A
    heading that cannot be found leaves its section out of the result: the verifier reports it.
    """
    flat, starts = flatten(text)
    found: dict[str, FoundSection] = {}
    copied: dict[str, list[FoundSection]] = {}
    listed: Counter[str] | None = None  # how often the document itself prints each heading as a line
    bounds_of_parts = part_bounds(flat, tree)
    for part in tree.parts:
        start, end = bounds_of_parts.get(part.key, (0, len(flat)))
        sections = [inner for section in part.sections for inner in section.walk()]
        # Assign headings from the last backwards: a table of contents repeats every heading before the
        # sections themselves, so the last occurrence that keeps the order is the section.
        hits: list[tuple[int, int, str, int]] = []  # (start, end of heading, id, level)
        limit = end
        missing = []
        for section in reversed(sections):
            heading = normalize(section.heading.text)
            # As declared, or in capitals (a style with all-caps, as Word and CSS headings often have).
            index, length = _find_heading(flat, starts, heading, start, limit)
            if index < 0:
                missing.append((section, heading))
                continue
            hits.insert(0, (index, index + length, section.id, section.level))
            limit = index
        # A reader may take a block of a multi-column page out of order (a heading and its text moved after
        # the next column's): a heading that begins a line elsewhere in the part is still its section.
        for section, heading in missing:
            claimed = [(b, a) for b, a, _, _ in hits]
            index, length = _find_heading(flat, starts, heading, start, end)
            if index >= 0 and index in starts and not any(b <= index < a for b, a in claimed):
                hits.append((index, index + length, section.id, section.level))
        # A section printed twice (a pasted copy, a page repeated): its heading again as a whole line, more often
        # than the document itself prints it as a line (a leaflet's list of its sections names each once more).
        copies: list[tuple[int, int, str, int]] = []
        for section in sections:
            hit = next((h for h in hits if h[2] == section.id), None)
            if hit is None:
                continue
            heading = normalize(section.heading.text)
            again = []
            for match in _heading_pattern(heading).finditer(flat, start, end):
                at, stop_at = match.start(), match.start() + len(match.group(1))
                whole_line = at in starts and (stop_at + 1 in starts or stop_at == len(flat))
                if whole_line and at != hit[0] and not any(b <= at < a for b, a, _, _ in hits + copies):
                    again.append((at, stop_at, COPY + section.id, section.level))
            if again:
                if listed is None:
                    listed = Counter(_unnumbered(unit.text) for unit in tree.units())
                copies += again[max(0, listed[_unnumbered(heading)] - 1) :]  # the document's own lines first
        hits = sorted(hits + copies)
        for position, (begin, after, key, level) in enumerate(hits):
            stop = end
            for other in hits[position + 1 :]:
                if other[3] <= level:
                    stop = other[0]
                    break
            raw = flat[after:stop]
            offset = after + len(raw) - len(raw.lstrip())
            text = raw.strip()
            lines = tuple(sorted(i - offset for i in starts if offset < i < offset + len(text)))
            place = FoundSection(key, flat[begin:after], text, begin, lines, offset)
            if key.startswith(COPY):
                copied.setdefault(key[len(COPY) :], []).append(place)
            else:
                found[key] = place
    for key, places in copied.items():
        if key in found:
            found[key] = replace(found[key], copies=tuple(places))
    return found


def part_bounds(flat: str, tree: Document) -> dict[str, tuple[int, int]]:
    positions: list[tuple[int, str, int]] = []
    limit = len(flat)
    for part in reversed(tree.parts):
        if part.heading is None:
            continue
        heading = normalize(part.heading.text)
        index = flat.rfind(heading, 0, limit)
        if index >= 0:
            positions.insert(0, (index, part.key, index + len(heading)))
            limit = index
    bounds = {}
    for position, (_, key, after) in enumerate(positions):
        stop = positions[position + 1][0] if position + 1 < len(positions) else len(flat)
        bounds[key] = (after, stop)
    return bounds
