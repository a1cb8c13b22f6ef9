"""Any artifact (ours or anyone's PDF or DOCX) → its text without page furniture, and its document kind.

Readers are chosen by the file's bytes, not its name: ``%PDF`` is a PDF, a zip holding
``word/document.xml`` is a DOCX. Running headers and footers repeat on every page and would split a section
wherever a page happens to break, so lines that recur at the top or bottom of several pages are removed.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from labeling.extract import UnreadableArtifact
from labeling.extract.sections import normalize

FURNITURE_LINES = 5  # how many lines at the top and bottom of a page may be a running header or footer


@dataclass(frozen=True)
class Artifact:
    name: str
    format: str  # "pdf" or "docx"
    text: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str | None:
        return self.metadata.get("kind")


def read_artifact(source: str | Path | bytes, name: str | None = None) -> Artifact:
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            data = path.read_bytes()
        except OSError as error:
            raise UnreadableArtifact(f"{path}: cannot read ({error.strerror or error})") from None
    else:
        data = source
        name = name or "artifact"
    try:
        if data.startswith(b"%PDF"):
            from labeling.extract.pdf import extract_pdf_pages, pdf_metadata

            pages = extract_pdf_pages(data)
            return Artifact(name, "pdf", "\n".join(strip_page_furniture(pages)), pdf_metadata(data))
        if data.startswith(b"PK") and _is_docx(data):
            from labeling.extract.docx import docx_metadata, extract_docx_text

            return Artifact(name, "docx", extract_docx_text(data), docx_metadata(data))
    except UnreadableArtifact as error:
        raise UnreadableArtifact(f"{name}: {error}") from None
    raise UnreadableArtifact(f"{name}: not a PDF or DOCX file")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", normalize(line))


def _looks_like_furniture(key: str) -> bool:
    """A running header or footer has a few words or a page number; a lone word may be a wrapped heading."""
    return "#" in key or len(key.split()) >= 2


def strip_page_furniture(pages: list[str]) -> list[str]:
    """Remove running headers/footers: lines at the top or bottom of a page that recur on other pages."""
    edges: list[list[tuple[int, str]]] = []
    counts: Counter[str] = Counter()
    for page in pages:
        lines = page.split("\n")
        filled = [i for i, line in enumerate(lines) if line.strip()]
        candidates = sorted(set(filled[:FURNITURE_LINES] + filled[-FURNITURE_LINES:]))
        keyed = [(i, _furniture_key(lines[i])) for i in candidates]
        edges.append(keyed)
        counts.update({key for _, key in keyed})
    # Furniture recurs on at least half the pages (and on two at least); a single page has none we can tell.
    threshold = max(2, (len(pages) + 1) // 2) if len(pages) > 1 else 10**9
    cleaned = []
    for page, keyed in zip(pages, edges):
        lines = page.split("\n")
        drop = {i for i, key in keyed if (counts[key] >= threshold and _looks_like_furniture(key))
                or re.fullmatch(r"Page # of #", key)}
        cleaned.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return cleaned
