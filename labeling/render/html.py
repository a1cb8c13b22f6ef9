"""The HTML writer: a document tree laid out by the kind's Jinja template (``templates/<kind>.html.j2``).

Templates place the tree; they hold no words and no numbers of their own (every heading, sentence and page
string is in the tree or the language layer). The environment is sandboxed — a template from
``LABELING_TEMPLATES`` cannot reach Python internals — autoescapes everything, and fails on an undefined
variable, naming the template file and line.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from labeling.language import language_for
from labeling.render import RenderError
from labeling.templates import templates_dir

if TYPE_CHECKING:
    from labeling.doctree import Document
    from labeling.documents import DocumentKind
    from labeling.model import Label


class TemplateError(RenderError):
    """A template that cannot be rendered (syntax error, undefined variable, unsafe access): named with its file
    and line."""


# Section level → HTML heading element (level 1 sections are h2: h1 is the document's or a part's title).
HEADING_TAGS = {1: "h2", 2: "h3", 3: "h4", 4: "h5"}


def css_string(text: str) -> Markup:
    """Text as a CSS string literal for a <style> block: quoted, with anything that could end it escaped."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&\n\r' or ord(c) < 32 else c for c in str(text))
    return Markup(f'"{escaped}"')


def css_counters(text: str) -> Markup:
    """A phrase with ``{page}`` and ``{pages}`` slots as CSS content: ``"Page " counter(page) " of " …``."""
    parts = []
    for piece in re.split(r"(\{pages?\})", str(text)):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(str(css_string(piece)))
    return Markup(" ".join(parts))


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with its verdict on each attribute remembered by the object's type.

    The sandbox asks on every attribute a template reads (thousands per document, most of Jinja's time) whether
    it is safe: a name starting with "_", an internal attribute of a function, method, class, frame, code or
    generator object, or a method that changes a list, dict, set or deque. Each of these tests looks only at the
    object's type and the attribute's name, never at the value, so the same answer serves every object of that
    type. Objects whose ``__class__`` is not their type (proxies) are judged every time, as Jinja does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        cls = type(obj)
        if obj.__class__ is not cls:
            return super().is_safe_attribute(obj, attr, value)
        try:
            return self._verdicts[cls, attr]
        except KeyError:
            verdict = self._verdicts[cls, attr] = super().is_safe_attribute(obj, attr, value)
            return verdict


@lru_cache(maxsize=8)
def environment(folders: tuple[Path, ...]) -> ImmutableSandboxedEnvironment:
    env = _Sandbox(
        loader=FileSystemLoader([str(f) for f in folders]),
        autoescape=select_autoescape(enabled_extensions=("html", "xml", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    from labeling.render import keep_whole

    env.filters.update(css_string=css_string, css_counters=css_counters, keep_whole=keep_whole)
    return env


def template_folders(language: str) -> tuple[Path, ...]:
    """The language's own template folder first (``templates/<code>/``), then the shared templates."""
    root = templates_dir()
    folders = [root / code for code in (language, language.split("-")[0]) if (root / code).is_dir()]
    return (*dict.fromkeys(folders), root)


def render_html(label: Label, document: Document, kind: DocumentKind) -> str:
    """The document laid out as HTML by its kind's template."""
    import jinja2

    folders = template_folders(document.language)
    name = kind.html_template
    lang = language_for(document.language)
    context: dict[str, Any] = {
        "doc": document,
        "kind": kind,
        "page_of": lang.phrase("page.of").text,
        "heading_tags": HEADING_TAGS,
    }
    try:
        return environment(folders).get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(
            f"{error.filename or folders[-1] / (error.name or name)}:{error.lineno}: {error.message}"
        ) from None
    except jinja2.TemplateNotFound as error:
        raise TemplateError(f"{folders[-1]}: template {error.name!r} not found") from None
    except jinja2.UndefinedError as error:
        raise TemplateError(f"{_template_line(error, folders, name)}: {error.message}") from None
    except jinja2.exceptions.SecurityError as error:
        raise TemplateError(f"{_template_line(error, folders, name)}: unsafe template code refused ({error})") from None


def write_html(label: Label, document: Document, kind: DocumentKind) -> bytes:
    return render_html(label, document, kind).encode("utf-8")


def _template_line(error: BaseException, folders: tuple[Path, ...], template: str) -> str:
    """Where in a template an error happened: Jinja puts the template's own lines into the traceback."""
    import traceback

    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if any(frame.filename.startswith(str(folder)) for folder in folders):
            return f"{frame.filename}:{frame.lineno}"
    return str(folders[-1] / template)


def text_of(markup: str) -> str:
    """The visible text of HTML (``aria-hidden`` and head elements left out), one line per block."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        SKIP: ClassVar[set[str]] = {"head", "style", "script", "title"}
        BLOCKS: ClassVar[set[str]] = {
            "p",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "td",
            "th",
            "tr",
            "div",
            "section",
            "caption",
        }

        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skipping = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in self.SKIP or dict(attrs).get("aria-hidden") == "true" or self.skipping:
                self.skipping += 1

        def handle_endtag(self, tag: str) -> None:
            if self.skipping:
                self.skipping -= 1
            elif tag in self.BLOCKS:
                self.parts.append("\n")

        def handle_data(self, data: str) -> None:
            if not self.skipping:
                self.parts.append(data)

    parser = _Text()
    parser.feed(markup)
    return "".join(parser.parts)


__all__ = ["TemplateError", "css_string", "escape", "render_html", "text_of", "write_html"]
