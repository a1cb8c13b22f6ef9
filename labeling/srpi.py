"""FDA's "Selected Requirements of Prescribing Information" (SRPI) checklist, applied to a laid-out PLR insert.

FDA's project managers review every PLR prescribing information with this checklist: items on the Highlights'
format (type, columns, margins, headings in a horizontal line, white space), its required statements, the
Contents, and the Full Prescribing Information (numbering, headings, cross-references, change bars). Each
item that a machine can judge is a rule here, measured on the PDF as printed (``labeling.extract.layout``):
positions, type, rules drawn on the page, in the parts ``labeling.extract.insert_parts`` finds by their
headings. Nothing is taken from our own templates, so any insert can be checked (``labeling verify --kind
package-insert``). Items that need judgement are listed in ``ITEMS`` with
``machine=False`` and in the README.

The items follow the order of FDA's checklist (about 42 items). Items 1-7 are numbered and worded as in a
public copy of it; that copy was incomplete, so the later items were rebuilt from FDA reviews that quote them,
and their numbers may differ from FDA's by one or two. Where the checklist says "must" the rule is an error;
where it says "should", an error too: the templates meet it, and a reviewer would ask for it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from labeling.extract.insert_parts import (
    BULLETS,
    DASHES,
    FPI_TITLE,
    HL_HEADINGS,
    HL_TITLE,
    LIMITATION,
    REPORT,
    REVISED,
    SECTIONS,
    SLACK,
    TOC_TITLE,
    Highlights,
    Parts,
    body_of,
    boxed_fpi,
    bulleted,
    find_parts,
    joined,
    normalised,
    number_key,
    read_highlights,
)
from labeling.extract.layout import Bar, Line, Page, read_layout

if TYPE_CHECKING:
    from labeling.model import Label
    from labeling.verify import Verification

INCH = 72.0
MARGIN = INCH / 2
MIN_TYPE = 8.0


@dataclass(frozen=True)
class Item:
    number: int
    part: str
    asks: str  # what the checklist asks, in our words
    machine: bool = True
    reviewer: str = ""  # for an item a reviewer judges: why no machine can


ITEMS: dict[int, Item] = {
    item.number: item
    for item in (
        Item(1, "Highlights", "at least 8 pt, two columns, ½-inch margins on all sides and between the columns"),
        Item(2, "Highlights", "one-half page or less, the boxed warning not counted"),
        Item(3, "Highlights", "a horizontal line between Highlights and Contents, and between Contents and FPI"),
        Item(4, "Highlights", "headings bold, upper case, centred in a horizontal line the width of the column"),
        Item(
            5,
            "Highlights",
            "white space before each heading; none between the Highlights heading and the limitation statement, "
            "none between the product title and Initial U.S. Approval",
        ),
        Item(6, "Highlights", "each statement ends with the number of the FPI section it summarises, e.g. (1.1)"),
        Item(7, "Highlights", "the required elements present, in the regulation's order"),
        Item(8, "Highlights", '"HIGHLIGHTS OF PRESCRIBING INFORMATION" first, bold, upper case'),
        Item(9, "Highlights", "the limitation statement verbatim and bold, the product name in upper case"),
        Item(10, "Highlights", "the product title bold"),
        Item(11, "Highlights", '"Initial U.S. Approval: YYYY" bold, immediately beneath the product title'),
        Item(12, "Highlights", "all boxed warning text bold"),
        Item(13, "Highlights", 'boxed warning heading in upper case with "WARNING" and its subject, centred'),
        Item(14, "Highlights", '"See full prescribing information for complete boxed warning." centred, italic'),
        Item(15, "Highlights", "boxed warning at most 20 lines"),
        Item(16, "Highlights", "Recent Major Changes only for the boxed warning and sections 1, 2, 4 and 5"),
        Item(17, "Highlights", "Recent Major Changes in the order of the FPI"),
        Item(18, "Highlights", "each Recent Major Change names its heading, number and month/year"),
        Item(19, "Highlights", "Recent Major Changes listed for no more than one year before the revision date"),
        Item(
            20,
            "Highlights",
            '"(Product) is a (established pharmacologic class) indicated for …"',
            machine=False,
            reviewer="whether the product has an established pharmacologic class is FDA's decision",
        ),
        Item(
            21,
            "Highlights",
            "several dosage forms under bulleted subheadings or in a table",
            machine=False,
            reviewer="which lines name a dosage form is a reading of the text",
        ),
        Item(22, "Highlights", 'every FPI contraindication listed, or "None"'),
        Item(23, "Highlights", "each contraindication bulleted when there are several"),
        Item(24, "Highlights", 'the "To report SUSPECTED ADVERSE REACTIONS" statement verbatim and bold'),
        Item(25, "Highlights", 'the "See 17 for PATIENT COUNSELING INFORMATION" statement that applies, bold'),
        Item(26, "Highlights", '"Revised: M/YYYY" at the end, bold, right-aligned'),
        Item(27, "Contents", "two columns"),
        Item(28, "Contents", '"FULL PRESCRIBING INFORMATION: CONTENTS" first, bold, upper case'),
        Item(29, "Contents", "the boxed warning heading first, as in the FPI, bold, upper case"),
        Item(30, "Contents", "section headings bold, upper case"),
        Item(31, "Contents", "subsection headings indented, not bold, in title case"),
        Item(32, "Contents", "headings the same as in the FPI"),
        Item(33, "Contents", "numbers kept when sections are omitted; then an asterisk and the footnote"),
        Item(34, "FPI", '"FULL PRESCRIBING INFORMATION" first, bold, upper case'),
        Item(35, "FPI", "section and subsection headings and numbers bold"),
        Item(36, "FPI", "sections named and numbered as 21 CFR 201.56(d)(1) lists them"),
        Item(37, "FPI", 'cross-references as "[see Section Heading (n.n)]" in italics, each to a section that exists'),
        Item(38, "FPI", "text changed by a Recent Major Change marked with a vertical line in the left margin"),
        Item(39, "FPI", "all boxed warning text bold"),
        Item(40, "FPI", 'boxed warning heading in upper case with "WARNING" and its subject'),
        Item(41, "FPI", 'Contraindications says "None." when there are none'),
        Item(42, "FPI", "6.1 and 6.2 open with FDA's statements on clinical-trial and postmarketing data"),
        Item(43, "FPI", "section 17 opens by naming the FDA-approved patient labeling, when there is some"),
        Item(44, "FPI", "patient labeling is not a subsection of section 17"),
    )
}

# 21 CFR 201.56(d)(1): the FPI's named subsections, by number (its sections: insert_parts.SECTIONS).
NAMED = {
    "8.1": "Pregnancy",
    "8.2": "Lactation",
    "8.3": "Females and Males of Reproductive Potential",
    "8.4": "Pediatric Use",
    "8.5": "Geriatric Use",
    "9.1": "Controlled Substance",
    "9.2": "Abuse",
    "9.3": "Dependence",
    "12.1": "Mechanism of Action",
    "12.2": "Pharmacodynamics",
    "12.3": "Pharmacokinetics",
    "13.1": "Carcinogenesis, Mutagenesis, Impairment of Fertility",
    "13.2": "Animal Toxicology and/or Pharmacology",
}
# Omitting one of these calls for the asterisk and the footnote (201.57(b)): every section, and the named
# subsections that apply to every drug.
REQUIRED = {str(n) for n in SECTIONS} | {"8.1", "8.2", "8.3", "8.4", "8.5", "9.1", "9.2", "9.3"}
REQUIRED |= {"12.1", "12.2", "12.3", "13.1", "13.2"}
OPTIONAL_IN_HIGHLIGHTS = ("RECENT MAJOR CHANGES", "DRUG INTERACTIONS", "USE IN SPECIFIC POPULATIONS")
HL_REQUIRED = tuple(h for h in HL_HEADINGS if h not in OPTIONAL_IN_HIGHLIGHTS)
RMC_SECTIONS = {"boxed warning": 0, "indications and usage": 1, "dosage and administration": 2}
RMC_SECTIONS |= {"contraindications": 4, "warnings and precautions": 5}

APPROVAL = re.compile(r"Initial U\.S\. Approval: (?:\d{4})$")
BOXED_SEE = "See full prescribing information for complete boxed warning."
COUNSELING = {
    None: "See 17 for PATIENT COUNSELING INFORMATION.",
    "patient-information": "See 17 for PATIENT COUNSELING INFORMATION and FDA-approved patient labeling.",
    "medication-guide": "See 17 for PATIENT COUNSELING INFORMATION and Medication Guide.",
}
UNAPPROVED = "See 17 for PATIENT COUNSELING INFORMATION and patient labeling."  # a draft's, see the README
REFERENCE = re.compile(r"\((?P<refs>\d{1,2}(?:\.\d{1,2})?(?:\s*[,;–-]\s*\d{1,2}(?:\.\d{1,2})?)*)\)")
NUMBERS = r"\d{1,2}(?:\.\d{1,2})?(?:\s*(?:,|and|–|-)\s*\d{1,2}(?:\.\d{1,2})?)*"
SEE = re.compile(r"(?P<open>\[)?\s*\b(?i:see)\s+(?=[A-Z][A-Za-z/,' -]*?\s*\(\d)")
SEE_GROUP = re.compile(rf"(?P<heading>[A-Z][A-Za-z/,' -]*?)\s*\((?P<refs>{NUMBERS})\)")
SEE_AND = re.compile(r"\s*(?:,|;)?\s*(?:and\s+)?(?=[A-Z][A-Za-z/,' -]*?\s*\(\d)")


@dataclass(frozen=True)
class Context:
    """What the label says about itself, where the document alone cannot tell: whether an approval year and
    FDA-approved patient labeling are to be expected."""

    approved: bool | None = None  # None: do not know (anyone's insert), so the document's word is taken
    patient_labeling: str | None = None  # patient-information | medication-guide | None
    patient_labeling_approved: bool = True
    contact_phone: bool | None = None  # whether the content records the manufacturer's U.S. phone number


def context_of(label: Label) -> Context:
    """What the label's content says the insert must show."""
    info = label.label
    return Context(
        approved=info.initial_us_approval is not None,
        patient_labeling=None if info.patient_labeling == "none" else info.patient_labeling,
        patient_labeling_approved=info.patient_labeling_approved,
        contact_phone=bool(re.search(r"\d{3}", info.adverse_reaction_contact or "")),
    )


@dataclass(frozen=True)
class SrpiFinding:
    item: int
    message: str
    page: int | None = None

    @property
    def rule(self) -> str:
        return f"SRPI {self.item}"

    def __str__(self) -> str:
        where = f" (page {self.page})" if self.page else ""
        return f"{self.rule}: {self.message}{where}"


@dataclass
class SrpiReport:
    findings: list[SrpiFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applied: set[int] = field(default_factory=set)  # the items that applied to this document and were checked

    def fail(self, item: int, message: str, line: Line | Bar | None = None) -> None:
        self.findings.append(SrpiFinding(item, message, line.page if line is not None else None))


# ---------------------------------------------------------------------------------------------------------
# The rules


CHECKS: list[Callable[[Parts, Highlights, Context, SrpiReport], None]] = []


def check(function: Callable[[Parts, Highlights, Context, SrpiReport], None]) -> Callable[..., None]:
    CHECKS.append(function)
    return function


def _page(parts: Parts, number: int) -> Page:
    return parts.pages[number - 1]


def _columns(hl: Highlights, page: Page) -> tuple[list[Line], list[Line], float, float]:
    """Lines of the two columns (after the title block and boxed warning, on the first page), and the
    columns' inner edges as drawn (text and heading lines)."""
    middle = page.width / 2
    lines = [line for s in hl.sections if s is not hl.boxed for line in [s.heading, *s.lines]]
    lines += hl.report + hl.counseling + ([hl.revised] if hl.revised else [])
    lines = [line for line in lines if line.page == page.number]
    left = [line for line in lines if line.right <= middle + SLACK]
    right = [line for line in lines if line.left >= middle - SLACK]
    bars = [b for b in page.bars if b.horizontal and _between(b, lines)]
    left_edge = max([line.right for line in left] + [b.right for b in bars if b.right <= middle], default=middle)
    right_edge = min([line.left for line in right] + [b.left for b in bars if b.left >= middle], default=middle)
    return left, right, left_edge, right_edge


def _between(bar: Bar, lines: list[Line]) -> bool:
    return bool(lines) and min(line.bottom for line in lines) - 3 <= bar.middle <= max(line.top for line in lines) + 3


@check
def format_of_highlights(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """1: at least 8 pt, two columns, ½-inch margins all round and between the columns."""
    report.applied.add(1)
    small = [line for line in hl.lines if line.size < MIN_TYPE - 0.05]
    if small:
        line = min(small, key=lambda x: x.size)
        report.fail(1, f"Highlights type is {line.size:.1f} pt in {line.words[:50]!r}; at least 8 pt", line)
    for line in hl.lines:
        page = _page(parts, line.page)
        if min(line.left, line.bottom, page.width - line.right, page.height - line.top) < MARGIN - SLACK:
            report.fail(1, f"{line.words[:50]!r} lies inside the ½-inch page margin", line)
            break
    if not hl.lines:
        return
    page = _page(parts, hl.lines[0].page)
    left, right, left_edge, right_edge = _columns(hl, page)
    side_by_side = any(a.bottom < b.top and b.bottom < a.top for a in left for b in right)
    if not side_by_side:
        report.fail(1, "Highlights is not set in two columns", hl.lines[0])
    elif right_edge - left_edge < MARGIN - SLACK:
        report.fail(
            1, f"the Highlights columns are {right_edge - left_edge:.1f} pt apart; ½ inch (36 pt) is asked", left[0]
        )


@check
def length_of_highlights(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """2: half a page or less, the boxed warning not counted."""
    if not hl.lines or parts.hl_title is None:
        return
    report.applied.add(2)
    first, last = parts.hl_title, hl.lines[-1]
    page = _page(parts, first.page)
    if last.page != first.page:
        report.fail(2, "Highlights runs over more than one page", last)
        return
    height = first.top - last.bottom
    if hl.boxed is not None:
        boxed = [hl.boxed.heading, *hl.boxed.lines]
        top, bottom = max(line.top for line in boxed), min(line.bottom for line in boxed)
        frame = [
            b
            for b in page.bars
            if b.horizontal and (top - 8 <= b.middle <= top + 8 or bottom - 8 <= b.middle <= bottom + 8)
        ]
        height -= max([top] + [b.top for b in frame]) - min([bottom] + [b.bottom for b in frame])
    if height > page.height / 2 + SLACK:
        report.fail(
            2,
            f"Highlights is {height / INCH:.2f} in tall without its boxed warning; half a page is "
            f"{page.height / 2 / INCH:.2f} in",
            last,
        )


def _separated(parts: Parts, above: Line, below: Line) -> bool:
    """Whether a horizontal rule at least half the text width lies between two lines (pages apart or not)."""
    for page in parts.pages[above.page - 1 : below.page]:
        width = page.width - 2 * MARGIN
        for bar in page.bars:
            if not bar.horizontal or bar.width < width / 2 or _edge_of_box(page, bar):
                continue  # a box's edge (a notice, a table) is the box, not a line between two parts
            after_above = bar.page > above.page or bar.top <= above.bottom + SLACK
            before_below = bar.page < below.page or bar.bottom >= below.top - SLACK
            if after_above and before_below:
                return True
    return False


def _edge_of_box(page: Page, bar: Bar) -> bool:
    def side(x: float) -> bool:
        return any(
            v.vertical and abs(v.middle_x - x) <= 2 and v.bottom - 2 <= bar.middle <= v.top + 2 for v in page.bars
        )

    return side(bar.left) and side(bar.right)


@check
def separating_lines(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """3: horizontal lines between Highlights and Contents, Contents and FPI."""
    report.applied.add(3)
    if hl.lines and parts.toc_title is not None and not _separated(parts, hl.lines[-1], parts.toc_title):
        report.fail(3, "no horizontal line separates Highlights from the Contents", parts.toc_title)
    if parts.contents and parts.fpi_title is not None and not _separated(parts, parts.contents[-1], parts.fpi_title):
        report.fail(
            3, "no horizontal line separates the Contents from the Full Prescribing Information", parts.fpi_title
        )


@check
def highlights_headings(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """4: bold, upper case, centred in a horizontal line as wide as the column."""
    report.applied.add(4)
    for section in hl.sections:
        if section is hl.boxed:
            continue
        line = section.heading
        if not line.bold or line.words != line.words.upper():
            report.fail(4, f"Highlights heading {line.words!r} is not bold upper case", line)
        problem = _in_a_line(parts, hl, line)
        if problem:
            report.fail(4, f"Highlights heading {line.words!r} {problem}", line)


def _column_of(parts: Parts, hl: Highlights, line: Line) -> tuple[float, float]:
    """The left and right edge of the column a Highlights line is in: the text lines beneath and above it that
    its middle falls within (the other column's do not; the full-width boxed warning is left out)."""
    boxed = [hl.boxed.heading, *hl.boxed.lines] if hl.boxed else []
    lines = [
        x
        for x in hl.lines
        if x.page == line.page and x not in hl.front and x not in boxed and x.left <= line.center <= x.right
    ]
    page = _page(parts, line.page)
    top, bottom = max(x.top for x in hl.lines), min(x.bottom for x in hl.lines)
    left, right = min(x.left for x in lines), max(x.right for x in lines)
    rules = [  # the lines headings of the column are drawn in reach its edges; ragged text may not
        b
        for b in page.bars
        if b.horizontal and b.width < page.width / 2 and b.right > left and b.left < right and bottom <= b.middle <= top
    ]  # (not a frame's edge: those span the page)
    edges = [(x.left, x.right) for x in lines] + [(b.left, b.right) for b in rules]
    return min(e[0] for e in edges), max(e[1] for e in edges)


def _in_a_line(parts: Parts, hl: Highlights, line: Line) -> str:
    """What keeps a heading from being centred in a horizontal line the width of its column, or ""."""
    left, right = _column_of(parts, hl, line)
    width = right - left
    text = line.text
    if text[:3].strip(DASHES) == "" and text[-3:].strip(DASHES) == "":  # drawn with dashes: "----HEADING----"
        return "" if line.right - line.left >= 0.9 * width else "has a line of dashes narrower than its column"
    page = _page(parts, line.page)
    words = [r for r in line.runs if r.text.strip(DASHES + " ")]
    text_left, text_right = min(r.left for r in words), max(r.right for r in words)
    through = [b for b in page.bars if b.horizontal and line.bottom - SLACK <= b.middle <= line.top + SLACK]
    ends = [b.left for b in through if b.right <= text_left + SLACK or b.left <= text_left]
    starts = [b.right for b in through if b.left >= text_right - SLACK or b.right >= text_right]
    if not ends or not starts:
        return "is not in a horizontal line (a line on both sides, through its middle)"
    if min(ends) > left + 2 or max(starts) < right - 2:
        return f"has a line {max(starts) - min(ends):.0f} pt wide in a column {width:.0f} pt wide"
    if abs((text_left + text_right) / 2 - (left + right) / 2) > 3:
        return "is not centred in its column"
    return ""


def _gap(above: Line, below: Line) -> float:
    return above.bottom - below.top


def _usual_gap(hl: Highlights) -> float:
    gaps = []
    for section in hl.sections:
        for above, below in zip(section.lines, section.lines[1:], strict=False):
            if below.page == above.page and abs(below.left - above.left) < 12 and 0 <= _gap(above, below) < 8:
                gaps.append(_gap(above, below))
    return statistics.median(gaps) if gaps else 2.0


@check
def white_space(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """5: white space before each heading; none after the Highlights heading, none between title and approval."""
    if not hl.lines:
        return
    report.applied.add(5)
    usual = _usual_gap(hl)
    space = usual + 0.4 * MIN_TYPE  # more than this between two lines is white space a reader sees
    if parts.hl_title is not None and hl.limitation and _gap(parts.hl_title, hl.limitation[0]) > space:
        report.fail(5, "white space between the Highlights heading and the limitation statement", parts.hl_title)
    if hl.title and hl.approval is not None and _gap(hl.title[-1], hl.approval) > space:
        report.fail(5, "white space between the product title and Initial U.S. Approval", hl.approval)
    for section in hl.sections:
        if section is hl.boxed:
            continue
        above = [
            x
            for x in hl.lines
            if x.page == section.heading.page
            and x.bottom > section.heading.top
            and x.left < section.heading.right
            and x.right > section.heading.left
        ]
        if not above:
            continue  # the first in its column
        nearest = min(above, key=lambda x: x.bottom)
        if _gap(nearest, section.heading) < usual + 1.0:
            report.fail(5, f"no white space before the Highlights heading {section.heading.words!r}", section.heading)


def _refs(text: str) -> list[str]:
    numbers: list[str] = []
    for match in REFERENCE.finditer(text):
        for part in re.split(r"\s*[,;]\s*", match["refs"]):
            bounds = re.split(r"\s*[–-]\s*", part)
            numbers += bounds
    return numbers


def _sections_of(parts: Parts) -> set[str]:
    return {h.number for h in parts.headings}


@check
def references_in_highlights(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """6: each statement in Highlights ends with the FPI section it summarises, and that section exists."""
    if not hl.sections:
        return
    report.applied.add(6)
    existing = _sections_of(parts)
    for section in hl.sections:
        if section.name == "RECENT MAJOR CHANGES":
            continue  # entries end with their date (SRPI 18)
        for item in section.items():
            text = joined(item).rstrip()
            if text.endswith(":") or not text.strip(BULLETS + " ") or text == BOXED_SEE:
                continue
            if not REFERENCE.search(text.rstrip(". ")[-24:]) or not text.rstrip(". ").endswith(")"):
                report.fail(6, f"{text[:60]!r} does not end with the number of its FPI section", item[0])
            for number in _refs(text):
                if existing and number not in existing:
                    report.fail(6, f"({number}) in {text[:40]!r} names no section of the FPI", item[0])


@check
def order_of_highlights(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """7: required elements present, in order."""
    report.applied.add(7)
    if parts.hl_title is None:
        report.fail(7, f"no {HL_TITLE!r} heading: the document has no Highlights")
        return
    names = [s.name for s in hl.sections]
    for name in HL_REQUIRED:
        if name not in names:
            report.fail(7, f"Highlights has no {name} section", parts.hl_title)
    if hl.boxed is None and boxed_fpi(parts, parts.headings)[0] is not None:
        report.fail(7, "the FPI has a boxed warning; Highlights has none", parts.hl_title)
    wanted = ["BOXED WARNING", *HL_HEADINGS]
    present = [n for n in names if n in wanted]
    if present != sorted(present, key=wanted.index):
        report.fail(7, f"Highlights sections are out of order: {', '.join(present)}", parts.hl_title)
    if not hl.limitation and not any(line.words.startswith("These highlights") for line in hl.front):
        report.fail(7, "Highlights has no limitation statement", parts.hl_title)
    if not hl.title:
        report.fail(7, "Highlights has no product title", parts.hl_title)
    if hl.approval is None and context.approved is not False:
        report.fail(7, "Highlights has no Initial U.S. Approval", parts.hl_title)
    elif hl.approval is None:
        report.notes.append("SRPI 7, 11: no Initial U.S. Approval, and the label records none")
    if not hl.counseling:
        report.fail(7, 'Highlights has no "See 17 for PATIENT COUNSELING INFORMATION" statement', parts.hl_title)
    if hl.revised is None:
        report.fail(7, 'Highlights does not end with "Revised: M/YYYY"', hl.lines[-1] if hl.lines else None)


@check
def highlights_heading(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """8: the Highlights heading, first, bold, upper case."""
    if parts.hl_title is None:
        return
    report.applied.add(8)
    line = parts.hl_title
    if not line.bold or line.words != HL_TITLE:
        report.fail(8, f"{line.words!r} is not the bold upper-case {HL_TITLE!r}", line)


@check
def limitation_statement(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """9: verbatim, bold, the name in upper case."""
    if not hl.limitation:
        near = next((line for line in hl.front if line.words.startswith("These highlights")), None)
        if near is not None:  # there, but not in FDA's words
            report.applied.add(9)
            report.fail(9, f"the limitation statement {near.words[:50]!r}… is not FDA's wording", near)
        return
    report.applied.add(9)
    match = LIMITATION.search(joined(hl.limitation))
    assert match is not None
    if not all(line.bold for line in hl.limitation):
        report.fail(9, "the limitation statement is not bold", hl.limitation[0])
    for name in (match["a"], match["b"]):
        if name != name.upper():
            report.fail(
                9, f"the product name {name!r} in the limitation statement is not in upper case", hl.limitation[0]
            )
    if match["a"] != match["b"]:
        report.fail(9, f"the limitation statement names {match['a']!r} and {match['b']!r}", hl.limitation[0])


@check
def product_title(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """10: the product title bold."""
    if not hl.title:
        return
    report.applied.add(10)
    for line in hl.title:
        if not line.bold:
            report.fail(10, f"the product title {line.words[:50]!r} is not bold", line)


@check
def initial_approval(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """11: "Initial U.S. Approval: YYYY", bold, immediately beneath the title."""
    line = hl.approval
    if line is None:
        return
    report.applied.add(11)
    if not APPROVAL.match(line.words):
        report.fail(11, f'{line.words!r} is not "Initial U.S. Approval: YYYY"', line)
    if not line.bold:
        report.fail(11, "Initial U.S. Approval is not bold", line)
    if hl.title:
        last = hl.title[-1]
        beneath = (
            line.page == last.page
            and line.top <= last.bottom + SLACK
            and line.left < last.right
            and line.right > last.left
        )
        if not beneath:
            report.fail(11, "Initial U.S. Approval is not immediately beneath the product title", line)


def _centred(parts: Parts, line: Line, hl: Highlights) -> bool:
    """Centred in the box that holds it (its frame's sides), or in the text width when it has none."""
    page = _page(parts, line.page)
    sides = [b for b in page.bars if b.vertical and b.bottom <= line.bottom and b.top >= line.top]
    left = max([b.right for b in sides if b.right <= line.left], default=MARGIN)
    right = min([b.left for b in sides if b.left >= line.right], default=page.width - MARGIN)
    return abs(line.center - (left + right) / 2) <= 3


@check
def boxed_warning_in_highlights(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """12-15: bold text, the heading, the "See full prescribing information" line, at most 20 lines."""
    if hl.boxed is None:
        return
    report.applied |= {12, 13, 14, 15}
    heading, lines = hl.boxed.heading, hl.boxed.lines
    for line in lines:
        if not line.bold and line.words != BOXED_SEE:
            report.fail(12, f"boxed warning text {line.words[:50]!r} is not bold", line)
            break
    _boxed_heading(13, heading, report)
    if not _centred(parts, heading, hl):
        report.fail(13, "the boxed warning heading is not centred", heading)
    see = lines[0] if lines else None
    if see is None or see.words != BOXED_SEE:
        report.fail(14, f"{BOXED_SEE!r} does not follow the boxed warning heading", heading)
    else:
        if not see.italic:
            report.fail(14, f"{BOXED_SEE!r} is not in italics", see)
        if not _centred(parts, see, hl):
            report.fail(14, f"{BOXED_SEE!r} is not centred", see)
    counted = [line for line in lines[1:] if line.words]
    if counted:  # the 20 lines include white space: the height the text takes, in its own lines
        pitch = statistics.median(
            [a.bottom - b.bottom for a, b in itertools.pairwise(counted) if a.bottom > b.bottom] or [1]
        )
        height = round((counted[0].top - counted[-1].bottom) / max(pitch, counted[0].size)) if len(counted) > 1 else 1
        if max(height, len(counted)) > 20:
            report.fail(
                15, f"the boxed warning in Highlights is {max(height, len(counted))} lines; at most 20", heading
            )


def _boxed_heading(item: int, line: Line, report: SrpiReport) -> None:
    words = line.words
    if words != words.upper() or not line.bold:
        report.fail(item, f"boxed warning heading {words!r} is not bold upper case", line)
    if not re.match(r"WARNING:\s*\S", words.upper()):
        report.fail(item, f'boxed warning heading {words!r} does not read "WARNING: (subject)"', line)


def _revision(hl: Highlights) -> dt.date | None:
    match = REVISED.search(hl.revised.words) if hl.revised else None
    if match is None or not 1 <= int(match["month"]) <= 12:
        return None
    return dt.date(int(match["year"]), int(match["month"]), 1)


@check
def recent_major_changes(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """16-19: which sections, their order, what each entry says, and for how long."""
    section = next((s for s in hl.sections if s.name == "RECENT MAJOR CHANGES"), None)
    if section is None:
        return
    report.applied |= {16, 17, 18, 19}
    revised = _revision(hl)
    places: list[tuple[tuple[int, int], ...]] = []
    for item in section.items():
        text = joined(item).strip(BULLETS + " ")
        date = re.search(r"(?P<month>\d{1,2})/(?P<year>\d{4})\s*$", text)
        name = next((n for n in RMC_SECTIONS if text.lower().startswith(n)), None)
        other = next((t for t in SECTIONS.values() if text.upper().startswith(t)), None)
        refs = _refs(text)
        if name is None:
            report.fail(
                16 if other else 18,
                f"Recent Major Change {text[:50]!r} is not about the boxed warning or sections 1, 2, 4 or 5"
                if other
                else f"Recent Major Change {text[:50]!r} names no section",
                item[0],
            )
        if date is None or (not refs and name != "boxed warning"):
            report.fail(18, f"Recent Major Change {text[:50]!r} lacks its section number or month/year", item[0])
        elif name is not None and any(number_key(r)[0] != RMC_SECTIONS[name] for r in refs):
            report.fail(18, f"Recent Major Change {text[:50]!r} names a section its numbers are not in", item[0])
        if name is not None:
            places.append(tuple(number_key(r) for r in refs) or ((RMC_SECTIONS[name], 0),))
        if date is not None and revised is not None:
            when = dt.date(int(date["year"]), int(date["month"]), 1)
            months = (revised.year - when.year) * 12 + revised.month - when.month
            if months > 12:
                report.fail(
                    19,
                    f"Recent Major Change {text[:40]!r} dated {date.group(0)} is more than a year "
                    f"before the revision date",
                    item[0],
                )
            elif months < 0:
                report.fail(19, f"Recent Major Change {text[:40]!r} is dated after the revision date", item[0])
    if places != sorted(places):
        report.fail(17, "Recent Major Changes are not in the order of the FPI", section.heading)


@check
def contraindications_in_highlights(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """22-23: every contraindication, or "None"; bulleted when there are several."""
    section = next((s for s in hl.sections if s.name == "CONTRAINDICATIONS"), None)
    if section is None:
        return
    report.applied |= {22, 23}
    items = [joined(item) for item in section.items()]
    headings = parts.headings
    fpi = joined(body_of(parts, headings, "4"))
    none_hl = any(re.match(r"None\b", text.strip(BULLETS + " ")) for text in items)
    none_fpi = bool(re.match(r"None\.?$", fpi.strip()))
    if none_hl != none_fpi and fpi:
        report.fail(22, "Highlights and FPI section 4 disagree on whether there are contraindications", section.heading)
    fpi_items = [line for line in body_of(parts, headings, "4") if bulleted(line)]
    hl_items = [item for item in section.items() if REFERENCE.search(joined(item))]
    if fpi_items and len(hl_items) < len(fpi_items) and not none_hl:
        report.fail(
            22, f"Highlights lists {len(hl_items)} contraindications, FPI section 4 {len(fpi_items)}", section.heading
        )
    loose = [item for item in section.items() if not bulleted(item[0]) and REFERENCE.search(joined(item))]
    if len(_refs(" ".join(items))) > 1 and loose:
        report.fail(23, "several contraindications in Highlights are not bulleted", section.heading)


@check
def reporting_statement(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """24: the reporting statement, verbatim and bold."""
    if not hl.lines:
        return
    report.applied.add(24)
    if not hl.report:
        report.fail(24, 'Highlights has no "To report SUSPECTED ADVERSE REACTIONS" statement', parts.hl_title)
        return
    match = REPORT.search(joined(hl.report))
    if match is None:
        report.fail(24, f"the reporting statement {joined(hl.report)[:60]!r} is not FDA's wording", hl.report[0])
    elif not match["phone"] and "VAERS" not in match.group(0):
        if context.contact_phone is False:
            report.notes.append(
                f"SRPI 24: the reporting statement gives no U.S. phone number for {match['who']!r}; the content "
                "records none (adverse_reaction_contact)"
            )
        else:
            report.fail(24, f"the reporting statement gives no U.S. phone number for {match['who']!r}", hl.report[0])
    if not all(line.bold for line in hl.report):
        report.fail(24, "the reporting statement is not bold", hl.report[0])


@check
def counseling_statement(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """25: the statement that applies, bold."""
    if not hl.counseling:
        return
    report.applied.add(25)
    text = joined(hl.counseling).rstrip(".") + "."  # 201.57(a)(14) prints it without a final full stop
    if not all(line.bold for line in hl.counseling):
        report.fail(25, "the patient counseling statement is not bold", hl.counseling[0])
    if text == UNAPPROVED and not context.patient_labeling_approved:
        report.notes.append(
            f"SRPI 25: {text!r} names patient labeling FDA has not approved; once it is approved the statement "
            f"is {COUNSELING[context.patient_labeling or 'patient-information']!r}"
        )
        return
    if text not in COUNSELING.values():
        report.fail(25, f"{text!r} is none of FDA's three statements", hl.counseling[0])
    elif context.patient_labeling is not None or context.approved is not None:
        wanted = COUNSELING[context.patient_labeling]
        if text != wanted:
            report.fail(25, f"{text!r} does not fit the label's patient labeling: {wanted!r}", hl.counseling[0])


@check
def revision_date(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """26: last, bold, right-aligned."""
    line = hl.revised
    if line is None:
        return
    report.applied.add(26)
    if not REVISED.search(line.words) or _revision(hl) is None:
        report.fail(26, f'{line.words!r} is not "Revised: M/YYYY"', line)
    if not line.bold:
        report.fail(26, "the revision date is not bold", line)
    page = _page(parts, line.page)
    _left, right_col, _l, _r = _columns(hl, page)
    column_right = max((x.right for x in hl.lines if x.page == line.page), default=line.right)
    if line.right < column_right - 2 or (right_col and line.left < page.width / 2 - SLACK):
        report.fail(26, "the revision date is not right-aligned", line)


@check
def contents(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """27-33: the Contents."""
    title = parts.toc_title
    if title is None:
        report.applied.add(28)
        report.fail(28, f"no {TOC_TITLE!r} heading: the document has no Contents")
        return
    report.applied |= {27, 28, 30, 31, 32, 33}
    page = _page(parts, title.page)
    lines = parts.contents[1:]
    middle = page.width / 2
    if not any(x.right <= middle for x in lines) or not any(x.left >= middle for x in lines):
        report.fail(27, "the Contents is not set in two columns", title)
    if not title.bold or normalised(title.words).rstrip("*").strip() != title.words.rstrip("*").strip():
        report.fail(28, f"{title.words!r} is not bold upper case", title)
    boxed, entries, other = parts.contents_entries
    _fpi_boxed, _fpi_lines = boxed_fpi(parts, parts.headings)
    if _fpi_boxed is not None:
        report.applied.add(29)
        if boxed is None:
            report.fail(29, "the Contents does not begin with the boxed warning heading", title)
        else:
            if not boxed.bold or boxed.words != boxed.words.upper():
                report.fail(29, f"the Contents' boxed warning heading {boxed.words!r} is not bold upper case", boxed)
            if normalised(boxed.words) != normalised(_fpi_boxed.words):
                report.fail(29, f"{boxed.words!r} differs from the FPI's {_fpi_boxed.words!r}", boxed)
    sections = [h for h in entries if "." not in h.number]
    for h in sections:
        if not h.line.bold or h.title != h.title.upper():
            report.fail(30, f"Contents heading {h.number} {h.title!r} is not bold upper case", h.line)
    for h in entries:
        if "." not in h.number:
            continue
        parent = next((s for s in reversed(sections) if s.major == h.major), None)
        if h.line.bold:
            report.fail(31, f"Contents subsection {h.number} is bold", h.line)
        if (
            parent is not None
            and h.line.page == parent.line.page
            and h.line.left <= parent.line.left + 2
            and abs(h.line.left - parent.line.left) < 40
        ):
            report.fail(31, f"Contents subsection {h.number} is not indented", h.line)
        if not _title_case(h.title):
            report.fail(31, f"Contents subsection {h.number} {h.title!r} is not in title case", h.line)
    fpi = {h.number: h for h in parts.headings}
    for h in entries:
        found = fpi.get(h.number)
        if found is None:
            report.fail(32, f"Contents entry {h.number} {h.title!r} has no heading in the FPI", h.line)
        elif normalised(found.title) != normalised(h.title):
            report.fail(32, f"Contents entry {h.number} {h.title!r} reads {found.title!r} in the FPI", h.line)
    listed = {h.number for h in entries}
    for number, h in fpi.items():
        if number not in listed:
            report.fail(32, f"FPI heading {number} {h.title!r} is not in the Contents", h.line)
    omitted = sorted((REQUIRED - listed), key=number_key)
    footnote = any(
        re.match(
            r"\*\s*Sections or subsections omitted from the full prescribing information are not "
            r"listed\.?$",
            x.words,
            re.I,
        )
        for x in other
    )
    if omitted and (not title.words.rstrip().endswith("*") or not footnote):
        report.fail(
            33,
            f"sections are omitted ({', '.join(omitted[:6])}{'…' if len(omitted) > 6 else ''}) but "
            "the Contents lacks the asterisk and its footnote",
            title,
        )
    for h in entries:
        named = NAMED.get(h.number)
        if named and normalised(named) != normalised(h.title):
            report.fail(33, f"Contents entry {h.number} is {h.title!r}; that number is {named!r}", h.line)


SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "nor", "of", "on", "or", "the", "to", "with"}
SMALL_WORDS |= {"from", "into", "per", "vs", "via", "after", "before", "during", "without"}


def _title_case(title: str) -> bool:
    """Title case, as the checklist means it: the first word and every word but articles, prepositions and
    conjunctions capitalised. One lower-case word after a capitalised one is a species' name ("Helicobacter
    pylori Infection"), which keeps its case."""
    title = re.sub(
        r"\d[\d.,]*\s*[A-Za-zµ]+(?:/[\d.,]*\s*[A-Za-zµ]+)?", " ", title
    )  # "40 mg/0.8 mL": units keep their case
    words = re.findall(r"[A-Za-z][\w'’]*", title)
    lower = [i for i, word in enumerate(words) if word[0].islower() and (i == 0 or word.lower() not in SMALL_WORDS)]
    return not lower or (len(lower) == 1 and lower[0] > 0 and words[lower[0] - 1][0].isupper())


@check
def fpi_headings_rule(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """34-36: the FPI heading; headings bold; named and numbered as the regulation lists them."""
    title = parts.fpi_title
    if title is None:
        report.applied.add(34)
        report.fail(34, f"no {FPI_TITLE!r} heading")
        return
    report.applied |= {34, 35, 36}
    if not title.bold:
        report.fail(34, f"{FPI_TITLE!r} is not bold", title)
    headings = parts.headings
    for h in headings:
        if not h.line.bold:
            report.fail(35, f"FPI heading {h.number} {h.title[:40]!r} is not bold", h.line)
        if "." not in h.number:
            if normalised(h.title) != SECTIONS[h.major] or h.title != h.title.upper():
                report.fail(
                    36,
                    f"FPI section {h.number} is {h.title!r}; 21 CFR 201.56(d)(1) names it {SECTIONS[h.major]!r}",
                    h.line,
                )
        elif h.number in NAMED and normalised(h.title) != normalised(NAMED[h.number]):
            report.fail(36, f"FPI subsection {h.number} is {h.title!r}; that number is {NAMED[h.number]!r}", h.line)
    numbers = [h.number for h in headings]
    for h in headings:
        if "." in h.number and str(h.major) not in numbers:
            report.fail(36, f"FPI subsection {h.number} has no section {h.major} above it", h.line)


def _spans(lines: list[Line]) -> tuple[str, list[tuple[int, int, bool]]]:
    """The lines' text run by run (a space where the page leaves one), with where each run is and whether it is
    italic."""
    text = ""
    spans: list[tuple[int, int, bool]] = []
    for line in lines:
        before = None
        for run in line.runs:
            piece = run.text.replace("\xa0", " ").replace("\x02", "-")
            gap = run.left - before.right if before else 0.0
            if before and gap > 0.2 * run.size and not text.endswith(" ") and not piece.startswith(" "):
                text += " "
            spans.append((len(text), len(text) + len(piece), run.italic))
            text += piece
            before = run
        text += "" if text.endswith(("-", "/")) else " "
    return text, spans


@check
def cross_references(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """37: "[see Section Heading (n.n)]", italic, to sections that exist."""
    if parts.fpi_title is None:
        return
    report.applied.add(37)
    existing = {h.number for h in parts.headings}
    text, spans = _spans(parts.fpi[1:])
    for loose in re.finditer(r"\b(?i:see)\s+(?:sub)?sections?\s+\d{1,2}(?:\.\d{1,2})?", text):
        shown = " ".join(loose.group(0).split())
        report.fail(
            37,
            f"cross-reference {shown!r} is not in the form [see Section Heading (n.n)]",
            _line_at(parts, spans, loose.start()),
        )
    for start in SEE.finditer(text):
        groups, end = [], start.end()
        while (group := SEE_GROUP.match(text, end)) is not None:
            groups.append(group)
            end = group.end()
            joint = SEE_AND.match(text, end)
            if joint is None:
                break
            end = joint.end()
        if not groups:
            continue
        end = groups[-1].end()
        closed = re.match(r"\s*\]", text[end:])
        shown = " ".join(text[start.start() : end + (closed.end() if closed else 0)].split())
        where = _line_at(parts, spans, start.start())
        runs = [
            italic
            for first, last, italic in spans
            if first < end and last > start.start() and text[max(first, start.start()) : min(last, end)].strip(" []")
        ]
        if not all(runs):
            report.fail(37, f"cross-reference {shown!r} is not in italics", where)
        if not start["open"] or not closed:
            report.fail(37, f"cross-reference {shown!r} is not in brackets", where)
        for group in groups:
            numbers = re.split(r"\s*(?:,|and|–|-)\s*", group["refs"])
            heading = " ".join(group["heading"].split()).strip(", ")
            # "[see Boxed Warning and Warnings and Precautions (5.1)]": the boxed warning has no number
            heading = re.sub(r"^Boxed Warning\s*(?:,\s*|and\s+)", "", heading)
            for number in numbers:
                if existing and number not in existing:
                    report.fail(37, f"cross-reference {shown!r} names {number}, which the FPI does not have", where)
            first = int(numbers[0].split(".")[0])
            if first in SECTIONS and normalised(heading) != SECTIONS[first]:
                report.fail(
                    37, f"cross-reference {shown!r} names {heading!r} for section {first} ({SECTIONS[first]})", where
                )


def _line_at(parts: Parts, spans: list[tuple[int, int, bool]], offset: int) -> Line | None:
    index = 0
    for line in parts.fpi[1:]:
        index += len(line.runs)
        if index > len(spans) or spans[index - 1][1] >= offset:
            return line
    return None


@check
def change_bars(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """38: text a Recent Major Change is about is marked with a vertical line on its left."""
    section = next((s for s in hl.sections if s.name == "RECENT MAJOR CHANGES"), None)
    if section is None or parts.fpi_title is None:
        return
    report.applied.add(38)
    headings = parts.headings
    for item in section.items():
        text = joined(item)
        numbers = _refs(text) or (["boxed"] if text.lower().strip(BULLETS + " ").startswith("boxed warning") else [])
        for number in numbers:
            if number == "boxed":
                _boxed_line, lines = boxed_fpi(parts, headings)
            else:
                lines = body_of(parts, headings, number)
            if lines and not any(_barred(parts, line) for line in lines):
                report.fail(
                    38,
                    f"the text of {number} changed ({text.strip(BULLETS + ' ')[:40]!r}) has no vertical "
                    "line in the margin",
                    lines[0],
                )


def _barred(parts: Parts, line: Line) -> bool:
    page = _page(parts, line.page)
    return any(
        b.vertical
        and b.right <= line.left + SLACK
        and line.left - b.right <= 18
        and b.bottom <= line.top
        and b.top >= line.bottom
        for b in page.bars
    )


@check
def boxed_warning_in_fpi(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """39-40: bold text, its heading."""
    heading, lines = boxed_fpi(parts, parts.headings)
    if heading is None:
        if hl.boxed is not None:
            report.applied.add(40)
            report.fail(40, "Highlights has a boxed warning; the FPI does not begin with one", parts.fpi_title)
        return
    report.applied |= {39, 40}
    for line in lines:
        if not line.bold:
            report.fail(39, f"boxed warning text {line.words[:50]!r} is not bold", line)
            break
    _boxed_heading(40, heading, report)


@check
def contraindications_in_fpi(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """41: section 4 says "None." when there are none (it is never empty)."""
    headings = parts.headings
    heading = next((h for h in headings if h.number == "4"), None)
    if heading is None:
        return
    report.applied.add(41)
    if not joined(body_of(parts, headings, "4")).strip():
        report.fail(41, 'FPI section 4 is empty; write "None." when there are no contraindications', heading.line)


TRIALS = re.compile(
    r"Because clinical trials are conducted under widely varying conditions.{0,80}?adverse reaction "
    r"rates observed in the clinical trials of a drug cannot be directly compared",
    re.S,
)
POSTMARKETING = re.compile(
    r"identified during post-?(?:approval|marketing) use of .{1,120}?Because these reactions are reported "
    r"voluntarily from a population of uncertain size",
    re.S,
)


@check
def adverse_reaction_statements(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """42: 6.1 and 6.2 open with FDA's statements."""
    headings = parts.headings
    for title, pattern, name in (
        ("CLINICAL TRIALS EXPERIENCE", TRIALS, "clinical trials"),
        ("POSTMARKETING EXPERIENCE", POSTMARKETING, "postmarketing"),
    ):
        heading = next((h for h in headings if h.major == 6 and normalised(h.title) == title), None)
        if heading is None:
            continue
        report.applied.add(42)
        body = " ".join(joined(body_of(parts, headings, heading.number)).split())
        if not pattern.search(body[:800]):
            report.fail(42, f"{heading.number} does not open with FDA's statement on {name} data", heading.line)


@check
def patient_labeling(parts: Parts, hl: Highlights, context: Context, report: SrpiReport) -> None:
    """43-44: section 17 names the patient labeling first; patient labeling is not a subsection of 17."""
    headings = parts.headings
    heading = next((h for h in headings if h.number == "17"), None)
    if heading is None:
        return
    report.applied.add(44)
    for h in headings:
        if (
            h.major == 17
            and "." in h.number
            and re.search(
                r"patient information|medication guide|instructions for use|patient package insert", h.title, re.I
            )
        ):
            report.fail(44, f"the patient labeling is subsection {h.number} of section 17", h.line)
    has = context.patient_labeling is not None or (
        context.approved is None and any(joined(hl.counseling).endswith(s) for s in ("labeling.", "Guide."))
    )
    if not has:
        return
    report.applied.add(43)
    body = " ".join(joined(body_of(parts, headings, "17")).split())
    opening = re.split(r"(?<=[.!?])\s+(?=[A-Z])", body, maxsplit=1)[0]  # its first sentence
    if not re.search(
        r"Medication Guide|Patient Information|Instructions for Use|patient package insert", opening, re.I
    ):
        report.fail(43, "section 17 does not open by naming the patient labeling", heading.line)


# ---------------------------------------------------------------------------------------------------------


def check_srpi(source: bytes | str | Path, context: Context | None = None) -> SrpiReport:
    """Every machine-checkable SRPI item on a laid-out PLR insert."""
    parts = find_parts(read_layout(source))
    hl = read_highlights(parts)
    report = SrpiReport()
    for rule in CHECKS:
        rule(parts, hl, context or Context(), report)
    report.findings.sort(key=lambda f: (f.item, f.page or 0))
    return report


def not_checked() -> Iterator[Item]:
    return (item for item in ITEMS.values() if not item.machine)


def verify_checklist(source: Path, label: Label | None, document: str) -> Verification:
    """The checklist as a verification: one row per item that applied (✓ or what failed), findings for the
    failures, notes for what the content records as not yet there (no approval year, no phone number)."""
    from labeling.verify import FactCheck, Finding, Verification

    report = check_srpi(source, context_of(label) if label is not None else None)
    result = Verification(f"{document} (SRPI)", "srpi", notes=list(report.notes))
    failed: dict[int, list[SrpiFinding]] = {}
    for finding in report.findings:
        failed.setdefault(finding.item, []).append(finding)
        page = f" (page {finding.page})" if finding.page else ""
        result.findings.append(
            Finding(result.document, ITEMS[finding.item].part, finding.rule, "srpi", finding.message + page)
        )
    for number in sorted(report.applied | set(failed)):
        problems = failed.get(number, [])
        found = None
        if problems:
            found = problems[0].message + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else "")
        result.checks[f"SRPI {number}"] = FactCheck(f"SRPI {number}", ITEMS[number].asks, not problems, found)
    return result
