"""PDF → text with pypdfium2 (permissive licence, fast; no WeasyPrint import)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from labeling.extract import UnreadableArtifact


def open_pdf(source: bytes | str | Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    except pdfium.PdfiumError as error:
        where = "" if isinstance(source, bytes) else f"{source}: "
        raise UnreadableArtifact(f"{where}not a readable PDF ({error})") from None


def extract_pdf_pages(source: bytes | str | Path) -> list[str]:
    """The text of each page, in reading order as PDFium gives it."""
    document = open_pdf(source)
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()


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
    """The smallest type on any page, in points, as printed: the font size scaled by the character's full
    matrix (WeasyPrint, for one, draws in CSS pixels under a 0.75 page transform)."""
    import ctypes
    import math

    document = open_pdf(source)
    smallest = None
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            matrix = pdfium.raw.FS_MATRIX()
            for char in range(textpage.count_chars()):
                if not chr(pdfium.raw.FPDFText_GetUnicode(textpage.raw, char)).strip():
                    continue  # spaces and the line breaks pdfium generates have no type size of their own
                size = pdfium.raw.FPDFText_GetFontSize(textpage.raw, char)
                if pdfium.raw.FPDFText_GetMatrix(textpage.raw, char, ctypes.byref(matrix)):
                    size *= math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
                smallest = size if smallest is None else min(smallest, size)
            textpage.close()
            page.close()
    finally:
        document.close()
    return smallest
