"""A laid-out PLR insert read into its parts: Highlights (its title block, sections, statements and the lines of
each), the Contents' entries and the FPI's numbered headings, as the lines of the page show them
(``labeling.extract.layout``). What each part must look like is ``labeling.srpi``'s business; this module only
finds the parts, by the headings 21 CFR 201.57 fixes, in reading order whatever order the writer drew them in.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from labeling.extract.layout import Line, Page

SLACK = 0.75  # points: how far a measurement may miss a target (rounding in the writer, anti-aliasing)

# 21 CFR 201.56(d)(1): the FPI's sections, by number.
SECTIONS = {
    1: "INDICATIONS AND USAGE",
    2: "DOSAGE AND ADMINISTRATION",
    3: "DOSAGE FORMS AND STRENGTHS",
    4: "CONTRAINDICATIONS",
    5: "WARNINGS AND PRECAUTIONS",
    6: "ADVERSE REACTIONS",
    7: "DRUG INTERACTIONS",
    8: "USE IN SPECIFIC POPULATIONS",
    9: "DRUG ABUSE AND DEPENDENCE",
    10: "OVERDOSAGE",
    11: "DESCRIPTION",
    12: "CLINICAL PHARMACOLOGY",
    13: "NONCLINICAL TOXICOLOGY",
    14: "CLINICAL STUDIES",
    15: "REFERENCES",
    16: "HOW SUPPLIED/STORAGE AND HANDLING",
    17: "PATIENT COUNSELING INFORMATION",
}
HL_HEADINGS = (
    "RECENT MAJOR CHANGES",
    "INDICATIONS AND USAGE",
    "DOSAGE AND ADMINISTRATION",
    "DOSAGE FORMS AND STRENGTHS",
    "CONTRAINDICATIONS",
    "WARNINGS AND PRECAUTIONS",
    "ADVERSE REACTIONS",
    "DRUG INTERACTIONS",
    "USE IN SPECIFIC POPULATIONS",
)
HL_TITLE = "HIGHLIGHTS OF PRESCRIBING INFORMATION"
TOC_TITLE = "FULL PRESCRIBING INFORMATION: CONTENTS"
FPI_TITLE = "FULL PRESCRIBING INFORMATION"
LIMITATION = re.compile(
    r"These highlights do not include all the information needed to use (?P<a>.+?) safely and effectively\. "
    r"See full prescribing information for (?P<b>.+?)\.$"
)
REPORT = re.compile(
    r"To report SUSPECTED ADVERSE REACTIONS, contact (?P<who>.+?)(?: at (?P<phone>[^,]*?\d{3}.*?))? or "
    r"(?:FDA at 1-800-FDA-1088 or www\.fda\.gov/medwatch|VAERS at 1-800-822-7967 or www\.vaers\.hhs\.gov)\.?$"
)
REPORT_END = re.compile(r"(?:medwatch|vaers\.hhs\.gov)\.?$")
REVISED = re.compile(r"Revised: (?P<month>\d{1,2})/(?P<year>\d{4})$")
NUMBERED = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})?)\s+(?P<title>\S.*)$")
BULLETS = "•●▪‣◦■□–—-"  # list markers: the dashes only when a space follows (see bulleted)
DATE_ONLY = re.compile(r"^[-–—.\s]*\d{1,2}/\d{4}$")  # an RMC date set apart: right-aligned, after dots or dashes
DASHES = "-–—―─"


# ---------------------------------------------------------------------------------------------------------
# The document's parts, found by their headings


@dataclass
class Parts:
    pages: list[Page]
    highlights: list[Line]
    contents: list[Line]
    fpi: list[Line]
    hl_title: Line | None
    toc_title: Line | None
    fpi_title: Line | None

    @functools.cached_property
    def contents_entries(self) -> tuple[Line | None, list[Heading], list[Line]]:
        """The Contents' boxed warning heading, its numbered entries and its other lines."""
        return toc_entries(self)

    @functools.cached_property
    def headings(self) -> list[Heading]:
        """The FPI's numbered headings, found once for every rule that asks."""
        return fpi_headings(self, self.contents_entries[1])


def normalised(text: str) -> str:
    return " ".join(text.strip(DASHES + " ").split()).upper()


def _furniture(pages: list[Page]) -> set[int]:
    """Running headers and footers: a line in the top or bottom 10 % of a page whose words (numbers aside)
    repeat at the same height on another page. They belong to no part."""
    seen: dict[tuple[int, str], int] = {}
    for page in pages:
        for line in page.lines:
            if line.top > page.height * 0.9 or line.bottom < page.height * 0.1:
                key = (round(line.bottom / 3), re.sub(r"\d+", "#", line.text))
                seen[key] = seen.get(key, 0) + 1
    repeated = {key for key, count in seen.items() if count > 1}
    return {
        id(line)
        for page in pages
        for line in page.lines
        if (round(line.bottom / 3), re.sub(r"\d+", "#", line.text)) in repeated
        and (line.top > page.height * 0.9 or line.bottom < page.height * 0.1)
    }


def find_parts(pages: list[Page]) -> Parts:
    furniture = _furniture(pages)
    lines = [line for page in pages for line in page.lines if id(line) not in furniture]
    hl = toc = fpi = None
    for index, line in enumerate(lines):
        words = normalised(line.words)
        if hl is None and words == HL_TITLE:
            hl = index
        elif toc is None and words.rstrip("*").strip() == TOC_TITLE:
            toc = index
        elif fpi is None and words == FPI_TITLE and (toc is None or index > toc):
            fpi = index
    end = len(lines)
    highlights: list[Line] = []
    if hl is not None:
        stop = min(i for i in (toc, fpi, end) if i is not None and i > hl)
        # by place, then in reading order: a writer may draw a float or a nudged line before or after the rest
        last = lines[stop] if stop < end else None
        highlights = _first(lines[hl], _in_columns(_placed_between(lines, lines[hl], last), pages))
        revised = next((i for i, line in enumerate(highlights) if line.words.startswith("Revised:")), None)
        if revised is not None:
            highlights = highlights[: revised + 1]
    contents: list[Line] = []
    if toc is not None:
        last = lines[fpi] if fpi is not None and fpi > toc else None
        contents = _first(lines[toc], _in_columns(_placed_between(lines, lines[toc], last), pages))
    return Parts(
        pages,
        highlights,
        contents,
        lines[fpi:] if fpi is not None else [],
        lines[hl] if hl is not None else None,
        lines[toc] if toc is not None else None,
        lines[fpi] if fpi is not None else None,
    )


def _first(title: Line, lines: list[Line]) -> list[Line]:
    return [title] + [line for line in lines if line is not title]


def _placed_between(lines: list[Line], first: Line, last: Line | None) -> list[Line]:
    """The lines from ``first`` (a part's title) down to ``last`` (the next part's title), by where they are on
    the pages, not by when they were drawn."""

    def after_first(line: Line) -> bool:
        return line.page > first.page or (line.page == first.page and line.top <= first.top + SLACK)

    def before_last(line: Line) -> bool:
        return last is None or line.page < last.page or (line.page == last.page and line.top > last.top + SLACK)

    return [line for line in lines if line is first or (after_first(line) and before_last(line) and line is not last)]


def _in_columns(lines: list[Line], pages: list[Page]) -> list[Line]:
    """Two-column parts in reading order, whatever order the writer drew them in: on each page, between two lines
    or rules that span the middle (a heading across the page, the boxed warning's frame), the left column top to
    bottom, then the right."""
    ordered: list[Line] = []
    for number in dict.fromkeys(line.page for line in lines):
        page = pages[number - 1]
        middle = page.width / 2
        # rules across the middle (a frame's edge, a line under a part) also end a band
        cuts = sorted((b.middle for b in page.bars if b.horizontal and b.left < middle < b.right), reverse=True)
        on_page = sorted((x for x in lines if x.page == number), key=lambda x: (-round(x.baseline), x.left))
        band: list[Line] = []
        for line in on_page:
            while cuts and cuts[0] > line.top:
                ordered += _columns_of(band, middle)
                band = []
                cuts.pop(0)
            if line.left < middle - SLACK and line.right > middle + SLACK:
                ordered += _columns_of(band, middle) + [line]
                band = []
            else:
                band.append(line)
        ordered += _columns_of(band, middle)
    return ordered


def _columns_of(band: list[Line], middle: float) -> list[Line]:
    return [x for x in band if x.right <= middle + SLACK] + [x for x in band if x.right > middle + SLACK]


# ---------------------------------------------------------------------------------------------------------
# Highlights


def bulleted(line: Line) -> bool:
    """Whether a line starts a list item: a bullet, or a dash followed by a space (not a heading's dashes)."""
    text = line.text
    return bool(text) and (text[0] in "•●▪‣◦■□" or (text[0] in "–—-" and text[1:2] == " "))


@dataclass
class HlSection:
    heading: Line
    name: str  # the heading as the regulation spells it (upper case), or "BOXED WARNING"
    lines: list[Line]

    def items(self) -> list[list[Line]]:
        """The section's statements: a bulleted item with the lines that continue it, or a paragraph line."""
        items: list[list[Line]] = []
        for line in self.lines:
            bullet = bulleted(line)
            if items and DATE_ONLY.match(line.text):
                items[-1].append(line)  # a date set apart on the entry's line
                continue
            if bullet or not items or not bulleted(items[-1][0]) or line.left <= items[-1][0].left + 1:
                if not bullet and items and not bulleted(items[-1][0]) and not _ends(items[-1]):
                    items[-1].append(line)  # a paragraph runs on until it ends with a reference or a colon
                    continue
                items.append([line])
            else:
                items[-1].append(line)
        return items


def joined(lines: list[Line]) -> str:
    """Lines as one text: a line broken after a hyphen or a slash ("www.fda.gov/" "medwatch") runs on."""
    text = ""
    for i, line in enumerate(lines):
        piece = line.words if i == 0 else line.text
        text += piece if not text or text.endswith(("-", "/")) else " " + piece
    return text


def _ends(lines: list[Line]) -> bool:
    text = joined(lines).rstrip(". ")
    return text.endswith((")", ":")) or bool(REVISED.search(text))


@dataclass
class Highlights:
    lines: list[Line]
    sections: list[HlSection]
    front: list[Line]  # before the first heading: the title block
    boxed: HlSection | None
    limitation: list[Line]
    title: list[Line]
    approval: Line | None
    report: list[Line]
    counseling: list[Line]
    revised: Line | None


def _heading_name(line: Line) -> str | None:
    words = normalised(line.words)
    if words in HL_HEADINGS:
        return words
    return None


def read_highlights(parts: Parts) -> Highlights:
    lines = parts.highlights[1:]
    sections: list[HlSection] = []
    front: list[Line] = []
    boxed = None
    for line in lines:
        name = _heading_name(line)
        starts_boxed = name is None and boxed is None and not sections and normalised(line.words).startswith("WARNING")
        if starts_boxed and front:  # after the title block, before the first section
            boxed = HlSection(line, "BOXED WARNING", [])
            sections.append(boxed)
            continue
        if name is not None:
            sections.append(HlSection(line, name, []))
        elif sections:
            sections[-1].lines.append(line)
        else:
            front.append(line)
    limitation: list[Line] = []
    for line in front:
        limitation.append(line)
        if LIMITATION.search(joined(limitation)):
            break
    else:
        limitation = []
    rest = [line for line in front if line not in limitation]
    approval = next((line for line in rest if line.words.startswith("Initial U.S. Approval")), None)
    title = rest[: rest.index(approval)] if approval is not None else rest
    report: list[Line] = []
    counseling: list[Line] = []
    revised = lines[-1] if lines and lines[-1].words.startswith("Revised:") else None
    for section in sections:
        body = section.lines
        start = next((i for i, line in enumerate(body) if line.words.startswith("To report SUSPECTED")), None)
        if start is not None:
            end = start
            while (
                end + 1 < len(body)
                and not REPORT_END.search(body[end].text)
                and not body[end + 1].words.startswith(("See 17", "Revised:"))
            ):
                end += 1
            report = body[start : end + 1]
            section.lines = body[:start] + body[end + 1 :]
            body = section.lines
        see = next((i for i, line in enumerate(body) if line.words.startswith("See 17")), None)
        if see is not None:
            counseling = [line for line in body[see:] if line is not revised]
            section.lines = body[:see]
        if revised in section.lines:
            section.lines.remove(revised)
    return Highlights(lines, sections, front, boxed, limitation, title, approval, report, counseling, revised)


# ---------------------------------------------------------------------------------------------------------
# Contents and FPI headings


@dataclass(frozen=True)
class Heading:
    line: Line
    number: str
    title: str

    @property
    def major(self) -> int:
        return int(self.number.split(".")[0])


def _numbered(line: Line) -> tuple[str, str] | None:
    match = NUMBERED.match(line.words)
    if match is None:
        return None
    return match["number"], match["title"]


def toc_entries(parts: Parts) -> tuple[Line | None, list[Heading], list[Line]]:
    """The Contents' boxed warning heading, its numbered entries, and its other lines (the footnote)."""
    boxed = None
    entries: list[Heading] = []
    other: list[Line] = []
    for line in parts.contents[1:]:
        numbered = _numbered(line)
        if numbered and int(numbered[0].split(".")[0]) in SECTIONS:
            entries.append(Heading(line, *numbered))
        elif normalised(line.words).startswith("WARNING") and not entries:
            boxed = line
        elif boxed is not None and not entries and line.bold and line.words.isupper():
            # a long boxed warning title wraps: one Line with the words of both
            boxed = Line(boxed.page, boxed.runs + [replace(r, text=" " + r.text) for r in line.runs])
        elif entries and not line.words.startswith("*") and not line.bold:
            last = entries[-1]  # a long subsection title wraps onto a second line
            entries[-1] = Heading(last.line, last.number, f"{last.title} {line.words}")
        else:
            other.append(line)
    return boxed, entries, other


def fpi_headings(parts: Parts, expected: list[Heading]) -> list[Heading]:
    """The FPI's numbered headings: lines that start with a section or subsection number and either match a
    Contents entry or are set bold, in order of the numbers."""
    titles = {h.number: normalised(h.title) for h in expected}
    found: list[Heading] = []
    for index, line in enumerate(parts.fpi[1:], 1):
        numbered = _numbered(line)
        if numbered is None:
            continue
        number, title = numbered
        major = int(number.split(".")[0])
        if major not in SECTIONS:
            continue
        following = parts.fpi[index + 1] if index + 1 < len(parts.fpi) else None
        if (
            following is not None
            and titles.get(number, "").startswith(normalised(title))
            and len(normalised(title)) < len(titles[number])
        ):
            title = f"{title} {following.words}"  # a heading that wraps
        current = found[-1].major if found else 0
        # not in the Contents: bold, a title in capitals for a section, a capitalised title under the section it
        # numbers for a subsection (a bold "2.5 mg" in a table header is neither)
        heading = titles.get(number) == normalised(title) or (
            line.bold and title[:1].isupper() and (title.isupper() if "." not in number else major == current)
        )
        if heading and (not found or number_key(number) > number_key(found[-1].number)):
            found.append(Heading(line, number, title))
    return found


def number_key(number: str) -> tuple[int, int]:
    major, _, minor = number.partition(".")
    return int(major), int(minor or 0)


def body_of(parts: Parts, headings: list[Heading], number: str) -> list[Line]:
    """The FPI lines under a heading, up to the next heading of the same or a higher level."""
    lines = parts.fpi
    start = next((h for h in headings if h.number == number), None)
    if start is None:
        return []
    depth = number.count(".")
    after = [h for h in headings if number_key(h.number) > number_key(number) and h.number.count(".") <= depth]
    after += [h for h in headings if h.major > start.major]
    begin = lines.index(start.line) + 1
    end = min((lines.index(h.line) for h in after if lines.index(h.line) > begin - 1), default=len(lines))
    return lines[begin:end]


def boxed_fpi(parts: Parts, headings: list[Heading]) -> tuple[Line | None, list[Line]]:
    if len(parts.fpi) < 2 or not normalised(parts.fpi[1].words).startswith("WARNING"):
        return None, []
    first = parts.fpi.index(headings[0].line) if headings else len(parts.fpi)
    heading, start = parts.fpi[1], 2
    while start < first and parts.fpi[start].bold and parts.fpi[start].words.isupper():
        # a long title wraps: one Line with the words of both
        heading = Line(heading.page, heading.runs + [replace(r, text=" " + r.text) for r in parts.fpi[start].runs])
        start += 1
    return heading, parts.fpi[start:first]
