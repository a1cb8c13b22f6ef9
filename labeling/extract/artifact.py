"""Any artifact (ours or anyone's PDF or DOCX) → its text without page furniture, and its document kind.

Readers are chosen by the file's bytes, not its name: ``%PDF`` is a PDF, a zip holding
``word/document.xml`` is a DOCX. Running headers and footers repeat on every page and would split a section
wherever a page happens to break, so lines that recur at the top or bottom of several pages are removed.
"""

from __future__ import annotations

import importlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeling.extract import UnreadableArtifact, Unseen
from labeling.extract.sections import normalize
from labeling.files import NotReadable, read_regular
from labeling.spl_terms import is_spl

FURNITURE_LINES = 8  # how many lines at the top and bottom of a page may be a running header or footer (a narrow
# page wraps a header into several lines)


@dataclass(frozen=True)
class Artifact:
    name: str
    format: str  # "pdf" or "docx"
    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    unseen: tuple[Unseen, ...] = ()
    companions: tuple[Artifact, ...] = ()  # documents inside this one (an SPL's patient labeling), each with its kind
    data: Any = None  # what a format holds beyond text (an SPL's product data elements: extract.spl.SplDocument)

    @property
    def kind(self) -> str | None:
        return self.metadata.get("kind")


@dataclass(frozen=True)
class Reader:
    """One readable format: how to recognise its bytes, and the function (``module:name``) that turns them into
    (text, metadata), or (text, metadata, unseen) when the format can hide text, or (text, metadata, unseen,
    companions, data) when it holds more than one document. Readers are tried in order; a new format is one entry
    in ``READERS``."""

    format: str
    sniff: Callable[[bytes], bool]
    read: str


def _read_pdf(data: bytes) -> tuple[str, dict[str, str], list[Unseen]]:
    from labeling.extract.pdf import pdf_metadata, read_pdf

    pages, hidden = read_pdf(data)
    unseen = [Unseen(text, f"{why}, page {page}") for page, text, why in hidden]
    return "\n".join(strip_page_furniture(pages)), pdf_metadata(data), unseen


def _read_docx(data: bytes) -> tuple[str, dict[str, str], list[Unseen]]:
    from labeling.extract.docx import docx_metadata, read_docx

    lines, unseen = read_docx(data)
    return "\n".join(lines), docx_metadata(data), unseen


def _read_spl(data: bytes) -> tuple[str, dict[str, str], list[Unseen], list[tuple[str, str]], Any]:
    from labeling.extract.spl import read_spl

    document = read_spl(data)
    metadata = {**document.metadata, "kind": "package-insert"}
    return document.text, metadata, [], list(document.companions), document


# Characters that show nothing yet change what a text says to a program (a zero-width space between a number
# and its unit) or the order it is shown in (bidirectional controls). The word joiner (U+2060) is not among them:
# the writers set it to keep a range or a unit whole, and readers drop it.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def invisible_characters(text: str) -> list[Unseen]:
    found = []
    for match in INVISIBLE.finditer(text):
        context = text[max(0, match.start() - 20) : match.end() + 20].replace("\n", " ")
        found.append(Unseen(context, f"invisible character U+{ord(match.group(0)):04X}"))
    return found


READERS: list[Reader] = [
    Reader("pdf", lambda data: data.startswith(b"%PDF"), "labeling.extract.artifact:_read_pdf"),
    Reader("docx", lambda data: data.startswith(b"PK") and _is_docx(data), "labeling.extract.artifact:_read_docx"),
    Reader("spl", is_spl, "labeling.extract.artifact:_read_spl"),
]


def register_reader(reader: Reader) -> None:
    READERS.append(reader)


def readable_formats() -> tuple[str, ...]:
    return tuple(r.format for r in READERS)


MAX_ARTIFACT_BYTES = 512 * 1024 * 1024  # a label's PDF or DOCX is megabytes; a larger file is not one


def read_artifact(source: str | Path | bytes, name: str | None = None) -> Artifact:
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            data = read_regular(path, MAX_ARTIFACT_BYTES)
        except NotReadable as error:
            raise UnreadableArtifact(f"{path}: {error}") from None
    else:
        data = source
        name = name or "artifact"
    for reader in READERS:
        if not reader.sniff(data):
            continue
        module, _, function = reader.read.partition(":")
        try:
            text, metadata, *rest = getattr(importlib.import_module(module), function)(data)
        except UnreadableArtifact as error:
            raise UnreadableArtifact(f"{name}: {error}") from None
        unseen = tuple(rest[0]) if rest else ()
        companions = tuple(
            Artifact(f"{name} ({kind})", reader.format, inner, {"kind": kind}, tuple(invisible_characters(inner)))
            for kind, inner in (rest[1] if len(rest) > 1 else ())
        )
        return Artifact(
            name,
            reader.format,
            text,
            metadata,
            unseen + tuple(invisible_characters(text)),
            companions,
            rest[2] if len(rest) > 2 else None,
        )
    formats = [f.upper() for f in readable_formats()]
    listed = f"{', '.join(formats[:-1])} or {formats[-1]}" if len(formats) > 1 else formats[0]
    raise UnreadableArtifact(f"{name}: not a {listed} file")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", normalize(line))


def _recurs_as_furniture(key: str, numbers: set[int], page_count: int) -> bool:
    """Furniture is on most pages, or on every left or every right page (alternating headers). A wrapped heading
    fragment ("Cerebrolysin is") can open a column on a few pages: recurring on some pages is not enough."""
    if len(numbers) < 2 or not _looks_like_furniture(key, len(numbers)):
        return False
    if 2 * len(numbers) > page_count:
        return True
    parity = {number % 2 for number in numbers}
    return len(parity) == 1 and len(numbers) == len(range(parity.pop(), page_count, 2))


def _looks_like_furniture(key: str, count: int) -> bool:
    """A running header or footer has a few words or a page number; a lone word may be a wrapped heading, unless
    it recurs at the edge of three pages or more (a header wrapped in a narrow page margin)."""
    return "#" in key or len(key.split()) >= 2 or count >= 3


def strip_page_furniture(pages: list[str]) -> list[str]:
    """Remove running headers/footers: lines at the top or bottom of a page that recur on other pages."""
    edges: list[list[tuple[int, str]]] = []
    found_on: dict[str, set[int]] = {}
    for number, page in enumerate(pages):
        lines = page.split("\n")
        filled = [i for i, line in enumerate(lines) if line.strip()]
        candidates = sorted(set(filled[:FURNITURE_LINES] + filled[-FURNITURE_LINES:]))
        keyed = [(i, _furniture_key(lines[i])) for i in candidates]
        edges.append(keyed)
        for _, key in keyed:
            found_on.setdefault(key, set()).add(number)
    furniture = {key for key, numbers in found_on.items() if _recurs_as_furniture(key, numbers, len(pages))}
    cleaned = []
    for page, keyed in zip(pages, edges, strict=True):
        lines = page.split("\n")
        drop = {i for i, key in keyed if key in furniture or re.fullmatch(r"Page # of #", key)}
        cleaned.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return cleaned
