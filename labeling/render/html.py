"""The Jinja environment shared by every template, and the one set of formatting filters.

Templates only place and phrase facts: every number reaches a document through the filters below, which
call ``labeling.quantities``. Autoescaping is on and undefined variables are errors, so content text is
always literal and a template typo fails the build instead of printing a blank.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from labeling.documents import FDA_MEDWATCH, POPULATION_SECTIONS, DocumentKind, title_case
from labeling.render import RenderError
from labeling.model import THRESHOLD_SLOT, Label, WarningItem
from labeling.quantities import Quantity, format_patient, format_professional

from labeling.templates import TEMPLATES_DIR, templates_dir  # noqa: F401 - re-exported for renderers

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _unbreakable(text: str) -> str:
    """No line break between a number and its unit, nor inside a range ("20 to 50 / mL a day")."""
    text = re.sub(r"(?<=\d) to (?=\d)", "\u00a0to\u00a0", text)
    return re.sub(r"(?<=\d) (?=\S)", "\u00a0", text)


def pro(quantity: Quantity | None) -> str:
    """``20–50 mL/day``: the professional form."""
    if quantity is None:
        raise ValueError("a template formatted a quantity that the content does not give")
    return _unbreakable(format_professional(quantity))


def patient(quantity: Quantity | None) -> str:
    """``20 to 50 mL a day``: the patient form."""
    if quantity is None:
        raise ValueError("a template formatted a quantity that the content does not give")
    return _unbreakable(format_patient(quantity))


def css_string(text: str) -> Markup:
    """Text as a CSS string literal for a <style> block: quoted, with anything that could end it escaped."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&\n\r' or ord(c) < 32 else c for c in str(text))
    return Markup(f'"{escaped}"')


def month_year(date: dt.date) -> str:
    """PLR "Revised: M/YYYY"."""
    return f"{date.month}/{date.year}"


def long_month(date: dt.date) -> str:
    return f"{MONTHS[date.month - 1]} {date.year}"


def warning_text(warning: WarningItem, audience: str = "professional", strip_period: bool = False) -> Markup:
    """A warning's text with its typed threshold placed at ``{threshold}`` (escaped like any content text)."""
    text = warning.patient_text if audience == "patient" and warning.patient_text else warning.text
    if strip_period:
        text = text.rstrip(".")
    escaped = str(escape(text))
    if warning.threshold is not None:
        formatted = patient(warning.threshold) if audience == "patient" else pro(warning.threshold)
        escaped = escaped.replace(THRESHOLD_SLOT, str(escape(formatted)))
    return Markup(escaped)


def words(items: list[str], conjunction: str = "and") -> str:
    """``a, b and c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def capitalize_first(text: str) -> str:
    """Upper-case the first letter only (Jinja's ``capitalize`` lower-cases the rest, e.g. "Alzheimer's")."""
    return text[:1].upper() + text[1:]


def heading_case(text: str) -> str:
    """"DOSAGE AND ADMINISTRATION" → "Dosage and Administration" (PLR Recent Major Changes)."""
    return title_case(text.lower())


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


@lru_cache(maxsize=4)
def environment(folder: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(enabled_extensions=("html", "xml", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pro=pro, patient=patient, month_year=month_year, long_month=long_month,
                       warning_text=warning_text, words=words, lower_first=lower_first,
                       capitalize_first=capitalize_first, css_string=css_string, heading_case=heading_case)
    return env


def context(label: Label, kind: DocumentKind) -> dict[str, Any]:
    """What every template sees: the label, its document kind, and lookups for headings and facts."""
    indications = {i.id: i for i in label.indications}

    def heading(key: str) -> str:
        return kind.heading(key, label)

    def ref(*keys: str) -> str:
        """A PLR cross-reference "(2.1, 5.1)" built from the section table, never typed into a template."""
        return "(" + ", ".join(kind.section(k).number or "" for k in keys) + ")"

    def present(key: str) -> bool:
        return kind.section(key).is_present(label)

    def subsections(key: str) -> list[dict[str, Any]]:
        """Numbered subsections made from a list of facts (5.1 High doses, 5.2 Monitoring …)."""
        if key != "warnings" or not kind.section(key).number:
            return []
        number = kind.section(key).number
        entries: list[dict[str, Any]] = [
            {"id": f"warning-{w.id}", "number": f"{number}.{i}", "title": title_case(w.title), "warning": w}
            for i, w in enumerate(label.warnings, start=1)
        ]
        if label.monitoring:
            entries.append({"id": "warning-monitoring", "number": f"{number}.{len(entries) + 1}",
                            "title": "Monitoring", "warning": None})
        return entries

    return {
        "label": label,
        "product": label.product,
        "info": label.label,
        "kind": kind,
        "heading": heading,
        "ref": ref,
        "present": present,
        "subsections": subsections,
        "fda_medwatch": FDA_MEDWATCH,
        "population_sections": POPULATION_SECTIONS,
        "indication": indications.__getitem__,
        "indication_names": lambda ids: [indications[i].name for i in ids],
        "patient_names": lambda ids: [indications[i].patient_name or indications[i].name for i in ids],
        "route": label.route,
        "regimens": label.approved_regimens,
        "routes": label.labelled_routes,
        "approved_indications": label.approved_indications,
        "approved_claims": [c for c in label.claims if c.status == "approved"],
    }


class TemplateError(RenderError):
    """A template that cannot be rendered (syntax error, undefined variable): named with its file and line."""


def render_markup(label: Label, kind: DocumentKind, folder: Path | None = None) -> str:
    """The document kind's template rendered for this label (HTML for PDFs, the sheet XML for DOCX)."""
    import jinja2

    folder = folder or templates_dir()
    try:
        return environment(folder).get_template(kind.template).render(**context(label, kind))
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"{folder / (error.name or kind.template)}:{error.lineno}: {error.message}") from None
    except jinja2.TemplateNotFound as error:
        raise TemplateError(f"{folder}: template {error.name!r} not found") from None
    except jinja2.UndefinedError as error:
        raise TemplateError(f"{_template_line(error, folder, kind.template)}: {error.message}") from None


def _template_line(error: BaseException, folder: Path, template: str) -> str:
    """Where in a template an error happened: Jinja puts the template's own lines into the traceback."""
    import traceback

    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.startswith(str(folder)):
            return f"{frame.filename}:{frame.lineno}"
    return str(folder / template)
