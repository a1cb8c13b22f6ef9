"""A label repository's settings: ``[tool.labeling]`` in the nearest pyproject.toml from the working folder upward.

```toml
[tool.labeling]
templates = "templates"     # the team's own templates folder (relative to this file); default: the packaged ones
output = "output"           # where build, check and lint put and find documents; default: output/
markets = ["us"]            # the markets this repository publishes: a label for another market is bad input

[tool.labeling.lint]        # lint settings (labeling.lint.load_config)
ignore = ["LBL402"]
```

Every key is checked when a command starts; a bad one is reported as ``file:line:col: [tool.labeling] key …``
with what is allowed (exit 2). ``--templates`` and ``$LABELING_TEMPLATES`` come before ``templates``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

KNOWN_KEYS = ("templates", "output", "markets", "lint")


class SettingsError(Exception):
    """A bad [tool.labeling] setting: the message names the file, line and key."""


@dataclass(frozen=True)
class Settings:
    file: Path | None = None  # the pyproject.toml they come from; None: defaults
    templates: Path | None = None
    output: Path | None = None
    markets: tuple[str, ...] | None = None

    def output_folder(self) -> str:
        """The default output folder, relative to the working folder when it is inside it."""
        if self.output is None:
            return "output"
        try:
            return str(self.output.relative_to(Path.cwd().resolve())) or "."
        except ValueError:
            return str(self.output)


def find_settings_file(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest pyproject.toml (from ``start``, default the working folder, upward) with a [tool.labeling]
    table, and that table."""
    import tomllib

    folder = (start or Path.cwd()).resolve()
    for candidate in [folder, *folder.parents]:
        path = candidate / "pyproject.toml"
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise SettingsError(f"{path}: not valid TOML: {error}") from None
        section = data.get("tool", {}).get("labeling")
        if section is not None:
            return path, section
    return None


def current_settings() -> Settings:
    """The settings for the working folder (read once per folder)."""
    return _settings_for(os.getcwd())


@lru_cache(maxsize=8)
def _settings_for(folder: str) -> Settings:
    return load_settings(Path(folder))


def clear_cache() -> None:
    """Read the settings again (each command starts with this: a process may run several, as tests do)."""
    _settings_for.cache_clear()


def load_settings(start: Path | None = None) -> Settings:
    found = find_settings_file(start)
    if found is None:
        return Settings()
    path, section = found
    if not isinstance(section, dict):
        raise SettingsError(f"{path}: [tool.labeling] must be a table")
    text = path.read_text(encoding="utf-8")

    def bad(key: str, message: str) -> SettingsError:
        return SettingsError(f"{path}:{_line_of(text, key)}:1: [tool.labeling] {key} {message}")

    unknown = sorted(set(section) - set(KNOWN_KEYS))
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], KNOWN_KEYS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise bad(unknown[0], f"is not a setting{hint} (allowed: {', '.join(KNOWN_KEYS)})")
    base = path.parent
    templates = output = None
    markets = None
    if "templates" in section:
        value = section["templates"]
        if not isinstance(value, str) or not value:
            raise bad("templates", f'= {value!r}: expected a folder name such as "templates"')
        templates = (base / value).resolve()
        if not templates.is_dir():
            raise bad("templates", f"= {value!r}: no such folder ({templates})")
    if "output" in section:
        value = section["output"]
        if not isinstance(value, str) or not value:
            raise bad("output", f'= {value!r}: expected a folder name such as "output"')
        output = (base / value).resolve()
        if output.exists() and not output.is_dir():
            raise bad("output", f"= {value!r}: {output} is a file, not a folder")
    if "markets" in section:
        from labeling.documents import MARKETS

        value = section["markets"]
        if not isinstance(value, list) or not value or not all(isinstance(m, str) and m in MARKETS for m in value):
            raise bad(
                "markets", f'= {value!r}: expected a list of markets from {", ".join(sorted(MARKETS))}, such as ["us"]'
            )
        markets = tuple(dict.fromkeys(value))
    if "lint" in section and not isinstance(section["lint"], dict):
        raise bad("lint", "must be a table ([tool.labeling.lint])")
    return Settings(path, templates, output, markets)


def _line_of(text: str, key: str) -> int:
    """The line of ``key = …`` in the [tool.labeling] table (1 when not found: a dotted or inline form)."""
    lines = text.splitlines()
    inside = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = re.fullmatch(r"\[\s*tool\.labeling\s*\]", stripped) is not None
            if re.fullmatch(rf"\[\s*tool\.labeling\.{re.escape(key)}\s*\]", stripped):
                return number
            continue
        if inside and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return 1
