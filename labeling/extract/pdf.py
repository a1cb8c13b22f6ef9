"""PDF → text with pypdfium2 (permissive licence, fast; no WeasyPrint import)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium


class UnreadableArtifact(Exception):
    """The file is not a readable PDF/DOCX: exit 2."""


def open_pdf(source: bytes | str | Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    except pdfium.PdfiumError as error:
        raise UnreadableArtifact(f"{source if not isinstance(source, bytes) else 'PDF'}: not a readable PDF "
                                 f"({error})") from None


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


def pdf_metadata(source: bytes | str | Path) -> dict[str, str]:
    document = open_pdf(source)
    try:
        return {key: value for key, value in document.get_metadata_dict(skip_empty=True).items()}
    finally:
        document.close()
