"""Machine-readable output: one envelope for every command's JSON, SARIF and Markdown.

CI tools parse what ``check``, ``verify``, ``lint`` and ``diff`` print; they all carry the same
``schema_version`` and tool identity, so one version number says which fields a consumer can rely on. The
fields of each command are documented in docs/ (verify-json.md, lint and diff sections of the README).
"""

from __future__ import annotations

import json
from typing import Any

from labeling import __version__

SCHEMA_VERSION = 2  # 2: one envelope for every command; document kinds per market (patient-information)
TOOL = {"name": "labeling", "version": __version__}


def json_document(command: str, payload: dict[str, Any]) -> str:
    """``{"schema_version": 2, "tool": {...}, "command": "diff", ...payload}`` as indented JSON."""
    return (
        json.dumps(
            {"schema_version": SCHEMA_VERSION, "tool": TOOL, "command": command, **payload},
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def markdown_document(command: str, body: str) -> str:
    """Markdown for a pull-request comment, ending with an invisible marker naming the tool and schema version
    (so a bot can find and replace its own earlier comment)."""
    return body.rstrip("\n") + f"\n\n<!-- labeling {command} schema_version={SCHEMA_VERSION} -->\n"


def sarif_properties() -> dict[str, Any]:
    """What a SARIF run carries about the tool and the schema (its ``properties`` bag)."""
    return {"labeling_schema_version": SCHEMA_VERSION}
