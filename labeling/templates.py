"""Where the templates are, first found of: the ``--templates`` option and ``$LABELING_TEMPLATES`` (the option sets
the variable, so worker processes see it too), ``[tool.labeling] templates`` in the label repository's
pyproject.toml, then the bundled templates — the copy inside an installed package (``labeling/_templates``, put
there by the build), or ``templates/`` beside the package in a checkout (an editable install). Few imports, so the
up-to-date check of a no-op build stays cheap."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

TEMPLATES_ENV = "LABELING_TEMPLATES"
PACKAGED = "_templates"  # inside the installed package
CHECKOUT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def bundled_templates() -> Path:
    """The templates that ship with the tool: the packaged copy, else the checkout's top-level templates/."""
    from importlib.resources import files

    packaged = files("labeling") / PACKAGED
    if packaged.is_dir():
        return Path(str(packaged)).resolve()
    return CHECKOUT_TEMPLATES


TEMPLATES_DIR = bundled_templates()


def templates_source() -> tuple[Path, str]:
    """The templates folder in use and where that choice comes from (for ``labeling doctor``)."""
    if os.environ.get(TEMPLATES_ENV):
        return Path(os.environ[TEMPLATES_ENV]).resolve(), f"${TEMPLATES_ENV} (or --templates)"
    from labeling.settings import current_settings

    settings = current_settings()
    if settings.templates is not None:
        return settings.templates, f"{settings.file}: [tool.labeling] templates"
    where = "packaged with labeling" if TEMPLATES_DIR != CHECKOUT_TEMPLATES else "the labeling checkout's templates/"
    return TEMPLATES_DIR, where


def templates_dir() -> Path:
    """The templates folder in use (see the module's docstring for the order)."""
    return templates_source()[0]
