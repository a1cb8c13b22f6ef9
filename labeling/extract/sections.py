"""Normalise extracted text and split it into sections by the headings a document kind declares.

Extraction differs by tool and layout: ligatures, dash and minus variants, soft hyphens, non-breaking and
thin spaces, line wrapping. Everything here reduces those differences, never the facts: numbers, units and
words survive unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from labeling.documents import DocumentKind
from labeling.model import Label

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")


def normalize(text: str) -> str:
    """One line of plain text: NFKC, one kind of dash, no soft hyphens, line-end hyphenation joined."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u00ad\n", "").replace("\u00ad", "").replace("\ufffe", "")
    text = text.replace("\u2010\n", "")  # a hyphen the layout inserted to break a word
    text = text.translate(_DASHES)
    text = re.sub(r"(?<=\w)-\n(?=\w)", "-", text)  # a real hyphen that fell at a line end: keep it, join
    text = text.replace("\u00b0 C", "°C").replace("\u00ba", "°")
    text = re.sub(r"[\s\u00a0\u2009\u202f\u2007\u200a]+", " ", text)
    return text.strip()


@dataclass(frozen=True)
class FoundSection:
    key: str
    heading: str
    text: str  # the section's own text including its subsections, heading excluded
    start: int


def split_sections(text: str, kind: DocumentKind, label: Label) -> dict[str, FoundSection]:
    """Find each present section's heading, in document order, and cut the text between them.

    Parts (the insert's Highlights / Contents / FPI) are found first, so a heading repeated in the Contents is
    never taken for the section itself; within a part, a contents list is skipped by matching from the end. A heading that cannot be found leaves its section out of the result:
    the verifier reports it.
    """
    flat = normalize(text)
    found: dict[str, FoundSection] = {}
    part_bounds = _part_bounds(flat, kind)
    for part in kind.parts:
        start, end = part_bounds.get(part.key, (0, len(flat)))
        sections = [s for s in part.sections if s.is_present(label)]
        # Assign headings from the last backwards: a table of contents repeats every heading before the
        # sections themselves, so the last occurrence that keeps the order is the section.
        hits: list[tuple[int, int, str, int]] = []  # (start, end of heading, key, level)
        limit = end
        for section in reversed(sections):
            heading = normalize(kind.heading(section.key, label))
            # As declared, or in capitals (a style with all-caps, as Word and CSS headings often have).
            index = max(flat.rfind(heading, start, limit), flat.rfind(heading.upper(), start, limit))
            if index < 0:
                continue
            hits.insert(0, (index, index + len(heading), section.key, section.level))
            limit = index
        for position, (begin, after, key, level) in enumerate(hits):
            stop = end
            for other in hits[position + 1:]:
                if other[3] <= level:
                    stop = other[0]
                    break
            found[key] = FoundSection(key, flat[begin:after], flat[after:stop].strip(), begin)
    return found


def _part_bounds(flat: str, kind: DocumentKind) -> dict[str, tuple[int, int]]:
    positions: list[tuple[int, str, int]] = []
    limit = len(flat)
    for part in reversed(kind.parts):
        if not part.heading:
            continue
        heading = normalize(part.heading)
        index = flat.rfind(heading, 0, limit)
        if index >= 0:
            positions.insert(0, (index, part.key, index + len(heading)))
            limit = index
    bounds = {}
    for position, (index, key, after) in enumerate(positions):
        stop = positions[position + 1][0] if position + 1 < len(positions) else len(flat)
        bounds[key] = (after, stop)
    return bounds
