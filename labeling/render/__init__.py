"""Writers: one per output format, registered in one table (pandoc's writers).

``writer(format)(label, document, kind) -> bytes`` lays out a composed document tree. Writer modules are imported
only when their format is written, so commands that write nothing never import WeasyPrint or python-docx. A new
format is one entry here (``register_writer``) and its module; kinds, composers and markets do not change.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labeling.doctree import Document
    from labeling.documents import DocumentKind
    from labeling.model import Label

Writer = Callable[["Label", "Document", "DocumentKind"], bytes]

# format → "module:function"; imported on first use.
WRITERS: dict[str, str | Writer] = {
    "pdf": "labeling.render.pdf:write_pdf",
    "docx": "labeling.render.docx:write_docx",
    "html": "labeling.render.html:write_html",
    "spl": "labeling.render.spl:write_spl",
}


class RenderError(Exception):
    """A document that cannot be written as asked (too long, forbidden resource, broken template): exit 2.

    Defined here, away from the writers, so the command line can catch it without importing WeasyPrint."""


def register_writer(format: str, function: Writer) -> None:
    WRITERS[format] = function


def writer(format: str) -> Writer:
    entry = WRITERS.get(format)
    if entry is None:
        raise KeyError(f"no writer for format {format!r} (known: {', '.join(sorted(WRITERS))})")
    if isinstance(entry, str):
        module_name, _, function = entry.partition(":")
        entry = getattr(importlib.import_module(module_name), function)
        WRITERS[format] = entry
    return entry


WORD_JOINER = "\u2060"


def keep_whole(text: str) -> str:
    """A quantity as a writer sets it: no line break at a range's dash or after a unit's slash ("20–50",
    "mg/dL"). Word joiners are invisible and every reader drops them; spaces are already non-breaking."""
    return text.replace("–", f"{WORD_JOINER}–{WORD_JOINER}").replace("/", f"/{WORD_JOINER}")
