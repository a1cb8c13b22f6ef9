"""A PDF's laid-out page: lines of text with their type (size, bold, italic) and place, and the rules drawn on it.

The checklist rules (``labeling.srpi``) judge what a reviewer sees: where a heading sits, whether a line runs
through it, how far apart two columns are. Text comes from the page's text objects (most writers put one run of
one style in each), rules from its path objects: a stroked line, a thin filled rectangle, or the ring WeasyPrint
fills for a border (an outer and an inner rectangle, even-odd) split into its sides. Positions are PDF points,
y upwards from the bottom of the page.
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from labeling.extract.pdf import each_page

THIN = 3.0  # points: a filled shape no thicker than this is a rule, not a background
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demibold|demi\b", re.I)
_ITALIC_NAME = re.compile(r"italic|oblique", re.I)
_FORCE_BOLD, _ITALIC_FLAG = 1 << 18, 1 << 6  # PDF font descriptor flags
_FILL_STROKE = 2  # text render mode that strokes the outline too: a writer's synthetic bold


@dataclass(frozen=True)
class Run:
    text: str
    left: float
    bottom: float
    right: float
    top: float
    size: float  # points, as printed
    baseline: float  # where the run stands: the same for every run of a line, whatever its ink
    bold: bool
    italic: bool
    order: int  # where the page draws it: most writers draw in reading order


@dataclass
class Line:
    """Runs side by side on one baseline, close enough to be read together (not the next column's)."""

    page: int
    runs: list[Run]

    @property
    def text(self) -> str:
        out = ""
        for before, run in zip([None, *self.runs], self.runs, strict=False):
            gap = run.left - before.right if before else 0.0
            if before and gap > 0.2 * run.size and not out.endswith((" ", "\xa0")) and not run.text.startswith(" "):
                out += " "
            out += run.text
        return " ".join(out.replace("\xa0", " ").replace("\x02", "-").split())  # pdfium: \x02, a hyphen at a break

    @property
    def words(self) -> str:
        """The text without list markers and the dashes some writers draw a heading's line with."""
        return self.text.lstrip("•●▪‣◦–-— ").strip()

    @property
    def left(self) -> float:
        return min(r.left for r in self._inked)

    @property
    def right(self) -> float:
        return max(r.right for r in self._inked)

    @property
    def bottom(self) -> float:
        return min(r.bottom for r in self._inked)

    @property
    def top(self) -> float:
        return max(r.top for r in self._inked)

    @property
    def center(self) -> float:
        return (self.left + self.right) / 2

    @property
    def size(self) -> float:
        return min(r.size for r in self._inked)

    @property
    def order(self) -> int:
        return min(r.order for r in self.runs)

    @property
    def baseline(self) -> float:
        return self.runs[0].baseline

    @property
    def bold(self) -> bool:
        return all(r.bold for r in self._lettered)

    @property
    def italic(self) -> bool:
        return all(r.italic for r in self._lettered)

    @property
    def _inked(self) -> list[Run]:
        return [r for r in self.runs if r.text.strip()] or self.runs

    @property
    def _lettered(self) -> list[Run]:
        """The runs with letters or digits: a bullet or a full stop has no weight worth asking about."""
        return [r for r in self.runs if any(c.isalnum() for c in r.text)] or self._inked


@dataclass(frozen=True)
class Bar:
    """A rule drawn on the page: a line or a thin rectangle."""

    page: int
    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def horizontal(self) -> bool:
        return self.width >= 4 * max(self.height, 0.1)

    @property
    def vertical(self) -> bool:
        return self.height >= 4 * max(self.width, 0.1)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def middle_x(self) -> float:
        return (self.left + self.right) / 2


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)


def read_layout(source: bytes | str | Path) -> list[Page]:
    """Every page's lines and rules. A file is read once per process while it stays the same (`check` asks for
    an insert's layout for the type-size rule and for the checklist)."""
    if isinstance(source, bytes):
        return _read(source)
    try:
        stat = Path(source).stat()
    except OSError:
        return _read(str(source))  # not there: open_pdf says so as an unreadable artifact
    return _read_file(str(Path(source).resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read_file(path: str, mtime: int, size: int) -> list[Page]:
    return _read(path)


def _read(source: bytes | str) -> list[Page]:
    pages = []
    for number, page, textpage in each_page(source):
        width, height = page.get_size()
        runs, bars = _objects(page, textpage, number)
        runs = [run for run in runs if _on_the_page(run.left, run.bottom, run.right, run.top, width, height)]
        pages.append(Page(number, width, height, _lines(runs, number), bars))
    return pages


def _objects(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int) -> tuple[list[Run], list[Bar]]:
    raw = pdfium.raw
    edges = [ctypes.c_float() for _ in range(4)]
    edge_refs = [ctypes.byref(e) for e in edges]
    matrix = raw.FS_MATRIX()
    runs: list[Run] = []
    bars: list[Bar] = []
    texts = _texts_by_object(textpage)
    for order, (obj, outer) in enumerate(page_objects(page)):
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT and raw.FPDFPageObj_GetBounds(obj, *edge_refs):
            text = texts.get(ctypes.cast(obj, ctypes.c_void_p).value or 0, "")
            if not text.strip():
                continue
            left, bottom, right, top = on_page(tuple(e.value for e in edges), outer)  # type: ignore[arg-type]
            size, bold, italic = _type(obj, matrix, outer)
            upright = abs(matrix.b) < 0.01 and abs(matrix.c) < 0.01 * abs(matrix.d or 1)
            baseline = matrix.f if upright and bottom - size <= matrix.f <= top else bottom
            runs.append(Run(text, left, bottom, right, top, size, baseline, bold, italic, order))
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            bars += _bars(obj, matrix, number, outer)
    return runs, bars


Matrix = tuple[float, float, float, float, float, float]  # a, b, c, d, e, f as PDF writes them
_FORM_DEPTH = 16  # forms inside forms: deeper is a hostile file, and is refused


class FormsTooDeep(ValueError):
    """Forms nested deeper than _FORM_DEPTH: PDFium reads them, so no reader may skip them; the page is refused."""


def _on_the_page(left: float, bottom: float, right: float, top: float, width: float, height: float) -> bool:
    """Some of the box is on the page as shown (a printer's slug outside the crop box is not)."""
    return right > 0 and left < width and top > 0 and bottom < height


def page_objects(page: pdfium.PdfPage) -> Iterator[tuple[Any, Matrix | None]]:
    """Every object the page draws, in drawing order, the contents of form XObjects included (some writers put
    a whole page in one): each with the matrix that takes it from where it is drawn to the page as shown — the
    forms it is in, and the page's /Rotate — or None when there is none."""
    raw = pdfium.raw
    matrix = raw.FS_MATRIX()
    turn = _rotation(page)

    def inside(form: Any, outer: Matrix | None, depth: int) -> Iterator[tuple[Any, Matrix | None]]:
        own: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        if raw.FPDFPageObj_GetMatrix(form, ctypes.byref(matrix)):
            own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
        combined = own if outer is None else _then(own, outer)
        for index in range(raw.FPDFFormObj_CountObjects(form)):
            obj = raw.FPDFFormObj_GetObject(form, index)
            if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_FORM:
                yield obj, combined
            elif depth < _FORM_DEPTH:
                yield from inside(obj, combined, depth + 1)
            else:
                raise FormsTooDeep(f"forms nested more than {_FORM_DEPTH} deep")

    for index in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, index)
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_FORM:
            yield from inside(obj, turn, 1)
        else:
            yield obj, turn


def _rotation(page: pdfium.PdfPage) -> Matrix | None:
    """The page as a viewer shows it: its visible box (the crop box within the media box) turned by /Rotate
    (clockwise) with its lower left corner at 0, 0, as a matrix on the page's coordinates; None when they are
    the same already."""
    left, bottom, right, top = page.get_bbox()
    turn = page.get_rotation() % 360
    if turn == 0:
        return None if left == bottom == 0 else (1.0, 0.0, 0.0, 1.0, -left, -bottom)
    return {
        90: (0.0, -1.0, 1.0, 0.0, -bottom, right),
        180: (-1.0, 0.0, 0.0, -1.0, right, top),
        270: (0.0, 1.0, -1.0, 0.0, top, -left),
    }[turn]


def _then(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix that applies ``inner``, then ``outer``."""
    a, b, c, d, e, f = inner
    oa, ob, oc, od, oe, of = outer
    return (
        a * oa + b * oc,
        a * ob + b * od,
        c * oa + d * oc,
        c * ob + d * od,
        e * oa + f * oc + oe,
        e * ob + f * od + of,
    )


def on_page(rect: tuple[float, float, float, float], outer: Matrix | None) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in the form's space → the page's (the box around the four corners)."""
    if outer is None:
        return rect
    a, b, c, d, e, f = outer
    left, bottom, right, top = rect
    xs, ys = [], []
    for x, y in ((left, bottom), (left, top), (right, bottom), (right, top)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _fill(matrix: Any, obj: Any, outer: Matrix | None) -> bool:
    """The object's full matrix (its own, then its forms') into ``matrix``; False when it has none."""
    raw = pdfium.raw
    if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
        if outer is None:
            return False
        matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f = outer
        return True
    if outer is not None:
        own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
        matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f = _then(own, outer)
    return True


def smallest_size(source: bytes | str | Path) -> float | None:
    """The smallest size of any run with text, as `read_layout` measures it (the same runs, the same size), but
    without reading the layout: every text object's size first, then the text of the smallest only, until one
    is not blank. A lint of a built insert needs this one number (~5 × faster than the whole layout)."""
    from labeling.extract.pdf import check_drawn, open_pdf

    raw = pdfium.raw
    edges = [ctypes.c_float() for _ in range(4)]
    edge_refs = [ctypes.byref(e) for e in edges]
    matrix = raw.FS_MATRIX()
    document = open_pdf(source)
    try:
        sized: list[tuple[float, int, int]] = []  # size, page index, object's place in drawing order
        for page_index in range(len(document)):
            page = document[page_index]
            try:
                check_drawn(page, page_index + 1, source)
                width, height = page.get_size()
                for order, (obj, outer) in enumerate(page_objects(page)):
                    if (
                        raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_TEXT
                        and raw.FPDFPageObj_GetBounds(obj, *edge_refs)
                        and _on_the_page(
                            *on_page((edges[0].value, edges[1].value, edges[2].value, edges[3].value), outer),
                            width,
                            height,
                        )
                    ):
                        sized.append((_size(obj, matrix, outer), page_index, order))
            finally:
                page.close()
        return _first_with_text(document, sorted(sized))
    finally:
        document.close()


def _first_with_text(document: pdfium.PdfDocument, sized: list[tuple[float, int, int]]) -> float | None:
    """The size of the first object, in this order, that has text other than white space."""
    pages: dict[int, tuple[pdfium.PdfPage, pdfium.PdfTextPage, dict[int, str] | None, list[Any]]] = {}
    asked: dict[int, int] = {}
    try:
        for size, page_index, order in sized:
            if page_index not in pages:
                page = document[page_index]
                drawn = [obj for obj, _ in page_objects(page)]
                pages[page_index] = (page, page.get_textpage(), None, drawn)
            page, textpage, texts, drawn = pages[page_index]
            obj = drawn[order]
            asked[page_index] = asked.get(page_index, 0) + 1
            if texts is None and asked[page_index] > 16:
                # Asking an object for its text searches the whole page: past a few blank runs (a hostile file
                # of many), one pass over the page's characters answers for every object on it.
                texts = _texts_by_object(textpage)
                pages[page_index] = (page, textpage, texts, drawn)
            if texts is not None:
                text = texts.get(ctypes.cast(obj, ctypes.c_void_p).value or 0, "")
            else:
                text = _object_text(obj, textpage)
            if text.strip():
                return size
        return None
    finally:
        for page, textpage, _, _ in pages.values():
            textpage.close()
            page.close()


def _object_text(obj: Any, textpage: pdfium.PdfTextPage) -> str:
    raw = pdfium.raw
    length = raw.FPDFTextObj_GetText(obj, textpage.raw, None, 0)  # in bytes, with the closing NUL
    if length <= 2:
        return ""
    buffer = ctypes.create_string_buffer(length)
    raw.FPDFTextObj_GetText(obj, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), length)
    return buffer.raw[: length - 2].decode("utf-16-le", "replace")


def _texts_by_object(textpage: pdfium.PdfTextPage) -> dict[int, str]:
    """Each text object's characters, in one pass over the page's characters: asking each object for its own
    text makes PDFium search the whole page every time, and a page of many one-letter objects then takes
    minutes."""
    raw = pdfium.raw
    found: dict[int, list[str]] = {}
    for index in range(raw.FPDFText_CountChars(textpage.raw)):
        obj = raw.FPDFText_GetTextObject(textpage.raw, index)
        key = ctypes.cast(obj, ctypes.c_void_p).value if obj else None
        if key:  # characters PDFium adds (line breaks, spaces between objects) belong to none
            found.setdefault(key, []).append(chr(raw.FPDFText_GetUnicode(textpage.raw, index)))
    return {key: "".join(chars) for key, chars in found.items()}


def _type(obj: Any, matrix: Any, outer: Matrix | None = None) -> tuple[float, bool, bool]:
    """Size in points as printed, bold, italic: from the font's name and flags, and the run's matrix."""
    raw = pdfium.raw
    size = _size(obj, matrix, outer)
    font = raw.FPDFTextObj_GetFont(obj)
    name = ""
    flags = 0
    if font:
        length = raw.FPDFFont_GetBaseFontName(font, None, 0)
        buffer = ctypes.create_string_buffer(max(length, 1))
        raw.FPDFFont_GetBaseFontName(font, buffer, length)
        name = buffer.value.decode("latin-1")
        flags = raw.FPDFFont_GetFlags(font)
    weight = raw.FPDFFont_GetWeight(font) if font else -1
    bold = bool(
        _BOLD_NAME.search(name)
        or flags & _FORCE_BOLD
        or weight >= 600
        or raw.FPDFTextObj_GetTextRenderMode(obj) == _FILL_STROKE
    )
    italic = bool(_ITALIC_NAME.search(name) or flags & _ITALIC_FLAG or abs(matrix.c) > 0.05 * abs(matrix.d or 1))
    return size, bold, italic


def _size(obj: Any, matrix: Any, outer: Matrix | None = None) -> float:
    """A text object's font size scaled by its full matrix (left in ``matrix``): its size as printed."""
    raw = pdfium.raw
    size = ctypes.c_float()
    raw.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
    scale = 1.0
    if _fill(matrix, obj, outer):
        scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c)) or 1.0
    return size.value * scale


def _lines(runs: list[Run], page: int) -> list[Line]:
    """Runs grouped into lines: by baseline (within a third of the type size of the first run of the line, so
    close lines never chain into one), split where the gap is wider than a space could be."""
    bands: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: -r.baseline):
        close = 0.3 * run.size
        band = next((b for b in bands[-3:] if abs(b[0].baseline - run.baseline) <= close), None)
        if band is None:
            bands.append([run])
        else:
            band.append(run)
    lines: list[Line] = []
    for band in bands:
        band.sort(key=lambda r: r.left)
        current = [band[0]]
        for run in band[1:]:
            if run.left - current[-1].right > max(1.2 * run.size, 6.0):
                lines.append(Line(page, current))
                current = [run]
            else:
                current.append(run)
        lines.append(Line(page, current))
    return sorted(lines, key=lambda line: line.order)


def _bars(obj: Any, matrix: Any, page: int, outer: Matrix | None = None) -> list[Bar]:
    raw = pdfium.raw
    if not _fill(matrix, obj, outer):
        return []
    a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    x, y = ctypes.c_float(), ctypes.c_float()
    paths: list[list[tuple[float, float]]] = []
    for index in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, index)
        raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if raw.FPDFPathSegment_GetType(segment) == raw.FPDF_SEGMENT_MOVETO or not paths:
            paths.append([point])
        else:
            paths[-1].append(point)
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    found: list[Bar] = []
    if stroke.value:
        width = ctypes.c_float()
        raw.FPDFPageObj_GetStrokeWidth(obj, ctypes.byref(width))
        thickness = max(width.value * math.sqrt(abs(a * d - b * c)), 0.1) / 2
        for points in paths:
            for (x0, y0), (x1, y1) in itertools.pairwise(points):
                if abs(y0 - y1) < 0.01 or abs(x0 - x1) < 0.01:  # rules are straight; curves and slants are drawings
                    left, right, bottom, top = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
                    found.append(Bar(page, left - thickness, bottom - thickness, right + thickness, top + thickness))
    if fill.value:
        rects = [r for r in (_rectangle(points) for points in paths) if r is not None]
        # A border is a ring (an outer rectangle, an inner one, filled even-odd); a double border is two rings.
        rects.sort(key=lambda r: (r[2] - r[0]) * (r[3] - r[1]), reverse=True)
        pairs = len(rects) % 2 == 0 and all(_inside(rects[i + 1], rects[i]) for i in range(0, len(rects), 2))
        if rects and pairs:
            for i in range(0, len(rects), 2):
                found += _ring(rects[i], rects[i + 1], page)
        else:
            found += [Bar(page, *r) for r in rects if min(r[2] - r[0], r[3] - r[1]) <= THIN]
    return [bar for bar in found if bar.horizontal or bar.vertical]


def _rectangle(points: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """An axis-aligned rectangle's (left, bottom, right, top), if the subpath is one."""
    corners = points[:-1] if len(points) == 5 and _near(points[0], points[-1]) else points
    if len(corners) != 4:
        return None
    xs, ys = {round(p[0], 2) for p in corners}, {round(p[1], 2) for p in corners}
    if len(xs) > 2 or len(ys) > 2:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _near(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return abs(p[0] - q[0]) < 0.01 and abs(p[1] - q[1]) < 0.01


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return (
        inner[0] >= outer[0] - 0.01
        and inner[1] >= outer[1] - 0.01
        and inner[2] <= outer[2] + 0.01
        and inner[3] <= outer[3] + 0.01
    )


def _ring(outer: tuple[float, ...], inner: tuple[float, ...], page: int) -> list[Bar]:
    """The sides a border ring draws: the strips between its outer and inner rectangle."""
    left, bottom, right, top = outer
    in_left, in_bottom, in_right, in_top = inner
    sides = [
        (left, in_top, right, top),
        (left, bottom, right, in_bottom),
        (left, bottom, in_left, top),
        (in_right, bottom, right, top),
    ]
    return [Bar(page, *side) for side in sides if side[2] - side[0] > 0.05 and side[3] - side[1] > 0.05]
