"""PDF writer: the document tree as HTML (labeling.render.html) laid out by WeasyPrint, checked, and written as
tagged PDF/UA-1.

One font configuration and one parsed stylesheet per kind serve every document a process renders. Nothing
outside ``templates/`` can be fetched: the sandboxed URL fetcher fails the build naming any other URL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.document import Document as WeasyDocument
from weasyprint.document import Page
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from labeling.doctree import Document
from labeling.documents import DocumentKind
from labeling.model import Label
from labeling.render import RenderError
from labeling.render.html import render_html
from labeling.templates import templates_dir

PT_PER_INCH = 72
PT_PER_PX = 0.75  # WeasyPrint's layout boxes are in CSS pixels: 96 per inch, 72 points per inch
LETTER_HEIGHT_PT = 11 * PT_PER_INCH
# PLR: Highlights (boxed warning excluded) fit in half of a letter page.
HIGHLIGHTS_MAX_PT = LETTER_HEIGHT_PT / 2


class ForbiddenResourceError(RenderError):
    """A template or stylesheet asked for something outside templates/."""


class ForbiddenResource(FatalURLFetchingError):
    """Raised inside WeasyPrint to stop the build when a document asks for anything outside templates/."""


class SandboxFetcher(URLFetcher):
    """Serves ``data:`` URLs and files inside ``templates/``; anything else stops the build."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True)
        self.root = templates_dir()
        # WeasyPrint catches what an SVG image or a font fails to fetch and only warns: the refusals are kept
        # here, and the build stops on the first after layout (``refused``).
        self.refusals: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            return self._fetch(url, headers)
        except ForbiddenResource as error:
            self.refusals.append(str(error))
            raise

    def _fetch(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                return URLFetcherResponse(url, body=self._read(path), headers={"Content-Type": _mime(path)})
        raise ForbiddenResource(
            f"the document asked for {url!r}; only data: URLs and files inside {self.root} may be used"
        )

    def _read(self, path: Path) -> bytes:
        """A file of the templates folder: a regular file of its own (a hard link may be another file anywhere on
        the machine), and a font that a font library can read (else WeasyPrint would silently use another)."""
        from labeling.files import NotReadable, read_regular

        if path.stat().st_nlink > 1:
            raise ForbiddenResource(f"{path} is a hard link (it may be a file outside {self.root}); copy the file in")
        try:
            body = read_regular(path, MAX_RESOURCE_BYTES)
        except NotReadable as error:
            raise ForbiddenResource(f"{path}: {error}") from None
        if path.suffix.lower() in (".ttf", ".otf", ".woff", ".woff2"):
            _check_font(path, body)
        return body

    def refused(self) -> None:
        if self.refusals:
            raise ForbiddenResourceError(self.refusals[0])


MAX_RESOURCE_BYTES = 64 * 1024 * 1024  # a font or an image of a label's templates is far smaller


def _check_font(path: Path, body: bytes) -> None:
    import io

    from fontTools.ttLib import TTFont, TTLibError  # type: ignore[import-untyped]

    try:
        TTFont(io.BytesIO(body), lazy=True)["head"]
    except (TTLibError, KeyError, ValueError, OSError, AssertionError) as error:
        raise ForbiddenResource(f"{path} is not a usable font ({error or type(error).__name__})") from None


def _mime(path: Path) -> str:
    return {
        ".css": "text/css",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        ".woff2": "font/woff2",
        ".png": "image/png",
        ".svg": "image/svg+xml",
        ".jpg": "image/jpeg",
    }.get(path.suffix.lower(), "application/octet-stream")


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    return FontConfiguration()


def stylesheet(name: str) -> CSS:
    return _stylesheet(templates_dir() / name)


@lru_cache(maxsize=8)
def _stylesheet(path: Path) -> CSS:
    """Parsed once per process: fonts declared with @font-face are loaded into the shared font config."""
    fetcher = SandboxFetcher()
    css = CSS(
        string=path.read_text(encoding="utf-8"), base_url=path.as_uri(), url_fetcher=fetcher, font_config=font_config()
    )
    fetcher.refused()  # a font the style sheet declares that could not be used stops the build
    return css


def layout(html: str, kind: DocumentKind) -> WeasyDocument:
    """Lay out the HTML; returns WeasyPrint's Document (pages with boxes we can measure)."""
    fetcher = SandboxFetcher()
    source = HTML(string=html, base_url=(templates_dir() / f"{kind.name}.html").as_uri(), url_fetcher=fetcher)
    try:
        sheets = [stylesheet(kind.stylesheet)] if kind.stylesheet else []
        document = source.render(stylesheets=sheets, font_config=font_config(), pdf_variant="pdf/ua-1")
    except ForbiddenResource as error:
        raise ForbiddenResourceError(str(error)) from None
    fetcher.refused()
    document.sandbox = fetcher  # images inside SVG are fetched while drawing: checked again after write_pdf
    return document


def write_pdf(label: Label, document: Document, kind: DocumentKind) -> bytes:
    return pdf_from_html(render_html(label, document, kind), label, kind)


def pdf_from_html(html: str, label: Label, kind: DocumentKind, *, checks: bool = True) -> bytes:
    """Lay out and write; ``checks=False`` skips the kind's layout rules (a redline is not the label itself)."""
    document = layout(html, kind)
    for check in LAYOUT_CHECKS.get(kind.name, ()) if checks else ():
        check(document, label)
    # A stable file identifier: the same label and kind always give the same /ID, and so the same bytes.
    identifier = hashlib.sha256(f"{label.product.id}/{kind.name}/{label.label.version}".encode()).hexdigest()[:32]
    try:
        with _missing_glyphs() as missing:
            pdf = document.write_pdf(
                pdf_variant="pdf/ua-1",
                pdf_identifier=identifier.encode(),
                custom_metadata=True,
                finisher=_serialize_once,
            )
    except ForbiddenResource as error:
        raise ForbiddenResourceError(str(error)) from None
    document.sandbox.refused()
    if missing and checks:
        raise RenderError(_missing_glyph_message(sorted(missing), label))
    return pdf


@contextmanager
def _missing_glyphs() -> Iterator[set[str]]:
    """The characters WeasyPrint drew as an empty box because no font of the templates has them (an emoji, a
    Chinese word pasted by a translator). WeasyPrint only logs them while drawing: the log is listened to."""
    import logging

    found: set[str] = set()

    class Listener(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.msg.startswith(".notdef glyph rendered") and len(record.args or ()) == 2:
                found.add(str(record.args[0]))  # type: ignore[index]

    logger, listener = logging.getLogger("weasyprint"), Listener(logging.WARNING)
    level = logger.level
    if not logger.isEnabledFor(logging.WARNING):  # someone quietened WeasyPrint: its warnings still reach us
        logger.setLevel(logging.WARNING)
    logger.addHandler(listener)
    try:
        yield found
    finally:
        logger.removeHandler(listener)
        logger.setLevel(level)


def _missing_glyph_message(characters: list[str], label: Label) -> str:
    """Names each character, and the content line that holds it when the content file can be read."""
    where = {}
    source = label.source_file
    lines = Path(source).read_text(encoding="utf-8").splitlines() if source and Path(source).is_file() else []
    for character in characters:
        for number, line in enumerate(lines, 1):
            if character in line:
                where[character] = number
                break
    named = ", ".join(
        f"{character!r} (U+{ord(character):04X}{f', line {where[character]}' if character in where else ''})"
        for character in characters
    )
    return (
        f"{source or label.product.id}: no font of the templates has {named}; it would print as an empty box. "
        "Write the text with characters the fonts have, or add a font that has them"
    )


def _serialize_once(document: Any, pdf: Any) -> None:
    """Let each PDF object be serialized once while the file is written (a finisher: runs just before that).

    With a file identifier, pydyf serializes every object twice: once to write it, and again to hash all the
    objects for the second half of /ID — compressing every stream (page contents, embedded fonts) at zlib level 9
    a second time, 5–20 % of ``write_pdf``. Nothing changes an object between the two, so each object's bytes
    are kept from the first: the file is byte for byte the same. An object whose class cannot take the cache is
    left as it is (serialized twice, as before)."""
    for obj in pdf.objects:
        cls = type(obj)
        if obj.free == "f" or not isinstance(getattr(cls, "data", None), property):
            continue
        try:
            obj.__class__ = _serialized_once(cls)
        except TypeError:  # an incompatible layout (__slots__): keep the class
            continue


_SERIALIZED_ONCE: dict[type, type] = {}


def _serialized_once(cls: type) -> type:
    """A subclass of a pydyf object class whose ``data`` is computed on first use and then kept (one per class)."""
    if cls in _SERIALIZED_ONCE:
        return _SERIALIZED_ONCE[cls]
    compute = cls.data.fget  # type: ignore[attr-defined]

    def data(self: Any) -> bytes:
        try:
            return self.__dict__["_labeling_data"]
        except KeyError:
            value = self.__dict__["_labeling_data"] = compute(self)
            return value

    subclass = _SERIALIZED_ONCE[cls] = type(
        cls.__name__, (cls,), {"data": property(data), "__doc__": cls.__doc__, "__module__": cls.__module__}
    )
    return subclass


# --- layout rules measured on the laid-out document ---------------------------------------------------------


def find_box(page: Page, element_id: str) -> Any:
    """The first box on a page generated by the element with this id (depth-first)."""
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        if element is not None and element.get("id") == element_id and getattr(box, "element_tag", None):
            return box
        stack.extend(reversed(getattr(box, "children", []) or []))
    return None


def _border_height(box: Any) -> float:
    return float(box.margin_height() - box.margin_top - box.margin_bottom)


def highlights_height(document: WeasyDocument) -> float:
    """Height in points of the Highlights block (border box) without its boxed warning, which PLR does not count;
    infinity if it leaves page 1."""
    if any(find_box(page, "highlights") for page in document.pages[1:]):
        return float("inf")
    box = find_box(document.pages[0], "highlights")
    if box is None:
        raise RenderError("the package insert has no Highlights block (id='highlights') on page 1")
    height = _border_height(box)
    boxed = find_box(document.pages[0], "hl-boxed-warning")
    if boxed is not None:
        height -= boxed.margin_height()  # it spans both columns (column-span: all)
    return height * PT_PER_PX


def check_highlights_half_page(document: WeasyDocument, label: Label) -> None:
    height = highlights_height(document)
    if height > HIGHLIGHTS_MAX_PT:
        shown = "more than a page" if height == float("inf") else f"{height / PT_PER_INCH:.2f} in"
        raise RenderError(
            f"{label.source_file or label.product.id}: package insert Highlights is {shown} tall; PLR allows half "
            f"a page ({HIGHLIGHTS_MAX_PT / PT_PER_INCH:.2f} in). Shorten the Highlights facts (indications, "
            "dosing, contraindications, warnings)."
        )


def check_inside_pages(document: WeasyDocument, label: Label) -> None:
    """Every line of text lies inside its page and inside the block that holds it: a word too long for its
    column or cell (an unbroken code, a pasted URL) that runs off the paper is printed half, and one that runs
    over the next column prints over that column's text; either way a reader cannot tell what it said."""
    from weasyprint.formatting_structure.boxes import BlockContainerBox, TextBox

    for number, page in enumerate(document.pages, 1):
        width, height = page.width, page.height
        stack = [(page._page_box, width)]
        texts, outside, where = [], None, ""
        while stack:
            box, right_edge = stack.pop()
            if isinstance(box, TextBox) and box.text.strip():
                texts.append(box.text)
                left, top = box.position_x, box.position_y
                right, bottom = left + box.width, top + box.height
                if left < -0.5 or top < -0.5 or right > width + 0.5 or bottom > height + 0.5:
                    outside, where = outside or box.text.strip(), where or "runs off the page"
                elif right > right_edge + 0.5:  # only rightwards: list markers hang left of their block by design
                    outside, where = outside or box.text.strip(), where or "runs out of its column or cell"
            if isinstance(box, BlockContainerBox) and box.width != "auto":
                right_edge = box.border_box_x() + box.border_width()
            stack.extend((child, right_edge) for child in getattr(box, "children", []) or [])
        if outside is not None:
            longest = max((word for text in texts for word in text.split()), key=len)
            raise RenderError(
                f"{label.source_file or label.product.id}: on page {number}, {outside[:60]!r} {where} "
                f"(the longest word there: {longest[:40]!r}{'…' if len(longest) > 40 else ''}, {len(longest)} "
                "characters); break the long word in the content or shorten it"
            )


LAYOUT_CHECKS = {
    "package-insert": (check_highlights_half_page, check_inside_pages),
    "patient-information": (check_inside_pages,),
    "medication-guide": (check_inside_pages,),
    "patient-leaflet": (check_inside_pages,),
}
