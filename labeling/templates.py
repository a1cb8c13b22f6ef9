"""Where the templates are: the bundled folder, or a team's own ($LABELING_TEMPLATES). No other imports, so
the up-to-date check of a no-op build stays cheap."""

from __future__ import annotations

import os
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
TEMPLATES_ENV = "LABELING_TEMPLATES"


def templates_dir() -> Path:
    """The templates folder in use: $LABELING_TEMPLATES when set, else the bundled templates/."""
    return Path(os.environ.get(TEMPLATES_ENV) or TEMPLATES_DIR).resolve()
