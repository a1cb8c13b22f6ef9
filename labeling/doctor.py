"""``labeling doctor``: what this machine has for labeling, and what it lacks, each with the way to get it.

Required: the system libraries WeasyPrint loads (the Makefile's SYSTEM_PACKAGES / SYSTEM_LIBS; a test keeps both
lists the same), WeasyPrint itself, and a templates folder holding the templates, the stylesheet's fonts and the
reference document. Optional: LibreOffice and poppler, which only some tests and reviewers use.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

# (what, shared object WeasyPrint loads, Debian package)
SYSTEM_LIBRARIES = (
    ("Pango", "libpango-1.0.so.0", "libpango-1.0-0"),
    ("PangoFT2", "libpangoft2-1.0.so.0", "libpangoft2-1.0-0"),
    ("HarfBuzz", "libharfbuzz.so.0", "libharfbuzz0b"),
    ("HarfBuzz subset", "libharfbuzz-subset.so.0", "libharfbuzz-subset0"),
    ("fontconfig", "libfontconfig.so.1", "libfontconfig1"),
)
# (program, what it is for, Debian package)
OPTIONAL_TOOLS = (
    (
        "soffice",
        "LibreOffice: opens the product sheet as Word users will (tests that lay the DOCX out skip without it)",
        "libreoffice-writer",
    ),
    ("pdftoppm", "poppler: turns the PDFs into page images to look at", "poppler-utils"),
    (
        "pdftotext",
        "poppler: a second PDF text extractor (tests that cross-check extraction skip without it)",
        "poppler-utils",
    ),
)
TEMPLATE_FILES = ("package-insert.html.j2", "patient-information.html.j2", "patient-leaflet.html.j2", "reference.docx")


@dataclass(frozen=True)
class Line:
    ok: bool
    text: str
    required: bool = True
    hint: str = ""


def library_found(soname: str) -> bool:
    import ctypes

    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def diagnose() -> tuple[list[Line], str | None]:
    """Every check as a line, and the settings error, if any (bad input: exit 2)."""
    libraries = SYSTEM_LIBRARIES
    from labeling import __version__

    lines = [
        Line(True, f"labeling {__version__} at {Path(__file__).resolve().parent}"),
        Line(True, f"Python {sys.version.split()[0]} at {sys.executable}"),
    ]
    settings_error = None
    from labeling.settings import SettingsError, current_settings

    try:
        settings = current_settings()
        lines.append(
            Line(True, f"settings: {settings.file} [tool.labeling]" if settings.file else "settings: none (defaults)")
        )
        if settings.file:
            lines.append(Line(True, f"  output folder: {settings.output_folder()}"))
            if settings.markets:
                lines.append(Line(True, f"  markets: {', '.join(settings.markets)}"))
    except SettingsError as error:
        settings_error = str(error)
        lines.append(Line(False, f"settings: {error}"))

    missing = [(name, soname, package) for name, soname, package in libraries if not library_found(soname)]
    for name, soname, _ in libraries:
        found = all(soname != m[1] for m in missing)
        lines.append(Line(found, f"system library {name} ({soname}): {'found' if found else 'missing'}"))
    if missing:
        packages = " ".join(dict.fromkeys(package for _, _, package in missing))
        lines.append(
            Line(
                False,
                "install the missing libraries:",
                hint=f"sudo apt-get update && sudo apt-get install -y {packages}",
            )
        )
    else:
        try:
            import weasyprint

            lines.append(Line(True, f"WeasyPrint {weasyprint.__version__}: loads"))
        except Exception as error:  # a library of the wrong version, a broken install
            lines.append(Line(False, f"WeasyPrint does not load: {type(error).__name__}: {error}"))

    lines.extend(_templates_lines(settings_error is None))
    lines.append(_schema_cache_line())
    for program, purpose, package in OPTIONAL_TOOLS:
        path = shutil.which(program)
        lines.append(
            Line(
                path is not None,
                f"{program}: {path or 'not found'} — optional; {purpose}",
                required=False,
                hint="" if path else f"sudo apt-get install -y {package}",
            )
        )
    return lines, settings_error


def _schema_cache_line() -> Line:
    """Where the content model's schema is kept between commands (labeling/schema_cache.py); optional."""
    from labeling import schema_cache

    folder = schema_cache.cache_dir()
    if folder is None:
        return Line(True, "schema cache: off (LABELING_CACHE_DIR); every command builds the content model", False)
    path = schema_cache.cache_file_name(folder)
    state = "current" if schema_cache.is_current(path) else "not yet written or out of date; the next command writes it"
    return Line(True, f"schema cache: {path} ({state})", required=False)


def _templates_lines(settings_ok: bool) -> list[Line]:
    from labeling.templates import TEMPLATES_DIR, templates_source

    if settings_ok:
        folder, source = templates_source()
    else:
        folder, source = TEMPLATES_DIR, "packaged with labeling (the settings could not be read)"
    lines = [Line(folder.is_dir(), f"templates: {folder} ({source})")]
    if folder.is_dir():
        absent = [name for name in TEMPLATE_FILES if not (folder / name).is_file()]
        if absent:
            lines.append(
                Line(
                    False,
                    f"  missing from the templates folder: {', '.join(absent)}",
                    hint=f"copy them from {TEMPLATES_DIR}",
                )
            )
    fonts = sorted(p.name for p in (folder / "fonts").glob("*") if p.suffix.lower() in (".ttf", ".otf"))
    if fonts:
        lines.append(Line(True, f"  fonts ({folder / 'fonts'}): {', '.join(fonts)}"))
    else:
        lines.append(Line(False, f"  fonts: none in {folder / 'fonts'}", hint=f"copy {TEMPLATES_DIR / 'fonts'}"))
    return lines


def report(lines: list[Line]) -> tuple[list[str], bool]:
    """Printable lines, and whether every required piece is present."""
    text = []
    for line in lines:
        mark = "ok  " if line.ok else ("MISS" if line.required else "--  ")
        text.append(f"{mark} {line.text}")
        if line.hint:
            text.append(f"       {line.hint}")
    ready = all(line.ok for line in lines if line.required)
    return text, ready
