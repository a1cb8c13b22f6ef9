"""Renderers: one per output format, registered in one table (pandoc's writers).

``RENDERERS[format](label, kind) -> bytes``. The PDF renderer is imported only when a PDF is rendered, so
commands that render nothing never import WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labeling.documents import DocumentKind
    from labeling.model import Label

Renderer = Callable[["Label", "DocumentKind"], bytes]


class RenderError(Exception):
    """A document that cannot be rendered as asked (too long, forbidden resource, broken template): exit 2.

    Defined here, away from the renderers, so the command line can catch it without importing WeasyPrint."""


def renderer(format: str) -> Renderer:
    if format == "pdf":
        from labeling.render.pdf import render_pdf

        return render_pdf
    if format == "docx":
        from labeling.render.docx import render_docx

        return render_docx
    raise KeyError(f"no renderer for format {format!r}")
