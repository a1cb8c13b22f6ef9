"""PDF → text with pypdfium2 (permissive licence, fast; no WeasyPrint import)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from labeling.extract import UnreadableArtifact

MAX_PAGES = 2000  # the longest prescribing information runs to a few hundred pages; a small file can name
# a hundred thousand pages that share one content stream, and reading each costs milliseconds


def open_pdf(source: bytes | str | Path) -> pdfium.PdfDocument:
    where = "" if isinstance(source, bytes) else f"{source}: "
    try:
        document = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    except pdfium.PdfiumError as error:
        raise UnreadableArtifact(f"{where}not a readable PDF ({error})") from None
    if len(document) > MAX_PAGES:
        pages = len(document)
        document.close()
        raise UnreadableArtifact(f"{where}{pages:,} pages; a label document has at most {MAX_PAGES:,}")
    return document


MAX_DRAWN = 25_000  # objects a page with forms draws, a form's contents counted each time it is drawn: a dense
# label page draws a few thousand; forms drawn within forms (8 × 8 × … ) multiply them, and PDFium takes seconds
# to read the text of 30,000 (minutes for 260,000)


def check_drawn(page: pdfium.PdfPage, number: int, source: bytes | str | Path) -> None:
    """Refuse a page that draws more than MAX_DRAWN objects (only a page with forms can: a page's own objects
    are read in one pass)."""
    raw = pdfium.raw
    kinds = (
        raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page.raw, i)) for i in range(raw.FPDFPage_CountObjects(page.raw))
    )
    if raw.FPDF_PAGEOBJ_FORM not in kinds:
        return
    from labeling.extract.layout import FormsTooDeep, page_objects

    where = "" if isinstance(source, bytes) else f"{source}: "
    try:
        for count, _ in enumerate(page_objects(page), start=1):
            if count > MAX_DRAWN:
                raise UnreadableArtifact(
                    f"{where}page {number} draws more than {MAX_DRAWN:,} objects (forms drawn within forms); "
                    "a label page draws a few thousand"
                )
    except FormsTooDeep as error:
        raise UnreadableArtifact(f"{where}page {number}: {error}; a label page nests a few at most") from None


def each_page(source: bytes | str | Path) -> Iterator[tuple[int, pdfium.PdfPage, pdfium.PdfTextPage]]:
    """Each page (numbered from 1) with its text page, closed after use, and the document after the last."""
    document = open_pdf(source)
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                check_drawn(page, index + 1, source)
            except UnreadableArtifact:
                page.close()
                raise
            textpage = page.get_textpage()
            try:
                yield index + 1, page, textpage
            finally:
                textpage.close()
                page.close()
    finally:
        document.close()


def _page_text(textpage: pdfium.PdfTextPage) -> str:
    return textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")


def extract_pdf_pages(source: bytes | str | Path) -> list[str]:
    """The text of each page, in reading order as PDFium gives it."""
    return [_page_text(textpage) for _number, _page, textpage in each_page(source)]


def extract_pdf_text(source: bytes | str | Path) -> str:
    return "\n".join(extract_pdf_pages(source))


# Keys the renderer writes into the PDF's document information (see templates/_pdf-meta.html.j2).
LABELING_KEYS = {"labelingkind": "kind", "labelingproduct": "product", "labelingversion": "version"}


def pdf_metadata(source: bytes | str | Path) -> dict[str, str]:
    """Standard document information plus this tool's own keys (kind, product, version) when present."""
    document = open_pdf(source)
    try:
        metadata = dict(document.get_metadata_dict(skip_empty=True))
        for key, name in LABELING_KEYS.items():
            value = _meta_text(document, key)
            if value:
                metadata[name] = value
        return metadata
    finally:
        document.close()


def _meta_text(document: pdfium.PdfDocument, key: str) -> str:
    import ctypes

    tag = key.encode("ascii")
    size = pdfium.raw.FPDF_GetMetaText(document.raw, tag, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium.raw.FPDF_GetMetaText(document.raw, tag, buffer, size)
    return buffer.raw[: size - 2].decode("utf-16-le")


def smallest_type(source: bytes | str | Path) -> float | None:
    """The smallest type on any page, in points, as printed: each run's font size scaled by its full matrix
    (WeasyPrint, for one, draws in CSS pixels under a 0.75 page transform). The runs and sizes of the page
    layout (`extract/layout.py`), without reading the rest of it."""
    from labeling.extract.layout import smallest_size

    return smallest_size(source)


# What a reader sees. A text object (WeasyPrint, Word and most writers put each line or each run of one style in
# one) is not seen when it is set invisible (render mode 3), fully transparent, off the page, or when its box on
# the rendered page shows no contrast at all: white on white, the colour of a shape under it, covered by an
# opaque shape drawn later, clipped away, of no size. Pages are rendered in grey at half of 72 dpi: a visible run,
# even a lone thin dash at 8 pt, leaves far more contrast than INK; a hidden one leaves none.
VISIBILITY_SCALE = 0.5
CLOSE_SCALE = 2.0
INK = 64  # how much darker or lighter than its background a pixel of a visible glyph is
SMALL = 16  # pixels: a run this small at the first look is a lone mark
MIN_INK = 0.01  # the share of a run's box a visible run marks (a line of text marks far more)
INVISIBLE_RENDER_MODE = 3


class _PageLook:
    """One page rendered in grey, to ask whether a box on it shows anything."""

    def __init__(self, page: pdfium.PdfPage):
        self.page = page
        self.width, self.height = page.get_size()
        bitmap = page.render(scale=VISIBILITY_SCALE, grayscale=True)
        self.pixels, self.stride = bytes(bitmap.buffer), bitmap.stride
        self.columns, self.rows = bitmap.width, bitmap.height

    def off_page(self, left: float, bottom: float, right: float, top: float) -> bool:
        return right < 0 or left > self.width or top < 0 or bottom > self.height

    def shows(self, left: float, bottom: float, right: float, top: float) -> bool:
        x0 = max(0, int(left * VISIBILITY_SCALE))
        x1 = min(self.columns, int(right * VISIBILITY_SCALE) + 1)
        y0 = max(0, int((self.height - top) * VISIBILITY_SCALE))
        y1 = min(self.rows, int((self.height - bottom) * VISIBILITY_SCALE) + 1)
        if _inked(self.pixels, self.stride, x0, x1, y0, y1):
            return True
        small = (x1 - x0) * (y1 - y0) <= SMALL
        if small and _contrast(self.pixels, self.stride, x0, x1, y0, y1) >= INK:
            return True  # a lone mark ("." or "•") drawn in full: one or two pixels at this scale
        return self._shows_closely(left, bottom, right, top)

    def _shows_closely(self, left: float, bottom: float, right: float, top: float) -> bool:
        """A second look at a small run (a lone full stop is under a pixel at the first look's scale): that
        box alone, a point around it, at CLOSE_SCALE."""
        margin = 1.0
        crop = (
            max(0.0, left - margin),
            max(0.0, bottom - margin),
            max(0.0, self.width - right - margin),
            max(0.0, self.height - top - margin),
        )
        if crop[0] + crop[2] >= self.width or crop[1] + crop[3] >= self.height:
            return False
        bitmap = self.page.render(scale=CLOSE_SCALE, grayscale=True, crop=crop)
        return _inked(bytes(bitmap.buffer), bitmap.stride, 0, bitmap.width, 0, bitmap.height)


def _rows(pixels: bytes, stride: int, x0: int, x1: int, y0: int, y1: int) -> list[bytes]:
    return [pixels[y * stride + x0 : y * stride + x1] for y in range(y0, y1) if x1 > x0]


def _contrast(pixels: bytes, stride: int, x0: int, x1: int, y0: int, y1: int) -> int:
    rows = _rows(pixels, stride, x0, x1, y0, y1)
    return max(map(max, rows)) - min(map(min, rows)) if rows else 0


def _inked(pixels: bytes, stride: int, x0: int, x1: int, y0: int, y1: int) -> bool:
    """Whether a region shows marks: pixels at least INK away from its lightest grey (the paper, or light type on
    a dark band), more than a glyph's fringe peeking past a cover (MIN_INK of the region, two pixels at least)."""
    rows = _rows(pixels, stride, x0, x1, y0, y1)
    if not rows:
        return False
    lightest, darkest = max(map(max, rows)), min(map(min, rows))
    if lightest - darkest < INK:
        return False
    near = _NEAR[lightest]
    marked = sum(len(row.translate(None, near)) for row in rows)
    return marked >= max(2, MIN_INK * len(rows) * len(rows[0]))


# For each lightest grey, the greys too close to it to be a mark (deleted before counting what is left).
_NEAR = [bytes(g for g in range(256) if abs(g - background) < INK) for background in range(256)]


def read_pdf(source: bytes | str | Path) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Each page's text (as ``extract_pdf_pages``) and the runs of it the pages do not show, in one pass."""
    pages: list[str] = []
    found: list[tuple[int, str, str]] = []
    for number, page, textpage in each_page(source):
        pages.append(_page_text(textpage))
        found += [(number, text, why) for text, why in _unseen_on_page(page, textpage)]
    return pages, found


def _unseen_on_page(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> list[tuple[str, str]]:
    import ctypes

    from labeling.extract.layout import on_page, page_objects

    raw = pdfium.raw
    look: _PageLook | None = None
    colour = [ctypes.c_uint() for _ in range(4)]
    colour_refs = [ctypes.byref(c) for c in colour]
    edges = [ctypes.c_float() for _ in range(4)]
    edge_refs = [ctypes.byref(e) for e in edges]
    found = []
    # Every text object, those inside form XObjects too; its box where it is drawn (to test its own clip path)
    # and on the page as shown (rotated, from the visible box's corner) to look at the rendered page.
    for obj, outer in page_objects(page):
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_TEXT or not raw.FPDFPageObj_GetBounds(obj, *edge_refs):
            continue
        drawn = (edges[0].value, edges[1].value, edges[2].value, edges[3].value)
        left, bottom, right, top = on_page(drawn, outer)
        why = ""
        if raw.FPDFTextObj_GetTextRenderMode(obj) == INVISIBLE_RENDER_MODE:
            why = "set invisible (text render mode 3)"
        elif raw.FPDFPageObj_GetFillColor(obj, *colour_refs) and not colour[3].value:
            why = "fully transparent"
        elif _clipped_away(obj, *drawn):
            why = "clipped away"
        else:
            look = look or _PageLook(page)
            if look.off_page(left, bottom, right, top):
                why = "off the page"
            elif not look.shows(left, bottom, right, top):
                why = "not drawn on the page (covered, clipped, or the colour of what is under it)"
        text = _object_text(obj, textpage).strip() if why else ""
        if text.replace("\u2060", ""):  # a run of spaces shows nothing and says nothing
            found.append((text, why))
    return found


def _clipped_away(obj: Any, left: float, bottom: float, right: float, top: float) -> bool:
    """Whether the object's clip path leaves none of its box (a frame of no height with hidden overflow)."""
    import ctypes

    clip = pdfium.raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return False
    x, y = ctypes.c_float(), ctypes.c_float()
    for path in range(pdfium.raw.FPDFClipPath_CountPaths(clip)):
        points = []
        for index in range(pdfium.raw.FPDFClipPath_CountPathSegments(clip, path)):
            segment = pdfium.raw.FPDFClipPath_GetPathSegment(clip, path, index)
            if pdfium.raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
                points.append((x.value, y.value))
        if not points:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        inside = max(left, min(xs)), max(bottom, min(ys)), min(right, max(xs)), min(top, max(ys))
        width, height = inside[2] - inside[0], inside[3] - inside[1]
        # A dash's own box may be flat; a box the clip flattens (or leaves nothing of) is clipped away.
        if width < 0 or height < 0 or (width < 0.5 <= right - left - 1) or (height < 0.5 <= top - bottom - 1):
            return True
    return False


def _object_text(obj: Any, textpage: pdfium.PdfTextPage) -> str:
    import ctypes

    size = pdfium.raw.FPDFTextObj_GetText(obj, textpage.raw, None, 0)
    if size <= 2:
        return ""
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium.raw.FPDFTextObj_GetText(obj, textpage.raw, buffer, size)
    return bytes(buffer)[: size - 2].decode("utf-16-le", errors="replace")
