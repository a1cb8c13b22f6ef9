"""Printing lint diagnostics: concise text, JSON, and SARIF 2.1.0 for CI code-scanning annotations.

JSON and SARIF carry the envelope every command shares (``labeling.output``): one ``schema_version`` and the
tool's identity.
"""

from __future__ import annotations

import json
from typing import Any

from labeling import __version__
from labeling.lint import ERROR, Diagnostic, all_rules
from labeling.output import json_document, sarif_properties


def as_text(diagnostics: list[Diagnostic]) -> list[str]:
    return [str(d) for d in diagnostics]


def payload(diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The lint fields of the JSON document (``check`` nests them under ``lint``)."""
    return {
        "errors": sum(d.severity == ERROR for d in diagnostics),
        "warnings": sum(d.severity != ERROR for d in diagnostics),
        "diagnostics": [
            {
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "code": d.code,
                "name": _name(d.code),
                "severity": d.severity,
                "message": d.message,
                "fact": d.fact,
            }
            for d in diagnostics
        ],
    }


def as_json(diagnostics: list[Diagnostic]) -> str:
    return json_document("lint", payload(diagnostics))


# Codes that are not rules: content that cannot be read, and suppressions that suppress nothing.
NOT_RULES = {
    "LBL000": ("invalid-content", "The content file cannot be read (YAML or content model); exit code 2.", "error"),
    "LBL999": ("unused-suppression", "A lint_ignore entry that suppresses nothing.", "warning"),
}


def _name(code: str) -> str:
    rule = all_rules().get(code)
    return rule.name if rule else NOT_RULES[code][0]


def as_sarif(diagnostics: list[Diagnostic]) -> str:
    rules = all_rules()
    used = sorted({d.code for d in diagnostics})
    descriptors: list[dict[str, Any]] = []
    for code in sorted(rules):
        rule = rules[code]
        summary = (rule.__doc__ or "").strip().splitlines()[0].removeprefix("What it does: ")
        descriptors.append(
            {
                "id": code,
                "name": rule.name,
                "shortDescription": {"text": summary},
                "fullDescription": {"text": " ".join((rule.__doc__ or "").split())},
                "defaultConfiguration": {"level": "error" if rule.severity == ERROR else "warning"},
                "helpUri": f"https://github.com/labeling/labeling/blob/main/docs/rules.md#{code.lower()}",
            }
        )
    for code, (name, text, level) in NOT_RULES.items():
        if code in used:
            descriptors.append(
                {"id": code, "name": name, "shortDescription": {"text": text}, "defaultConfiguration": {"level": level}}
            )
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "error" if d.severity == ERROR else "warning",
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(d.file)},
                        "region": {"startLine": d.line, "startColumn": d.column},
                    },
                    "logicalLocations": [{"fullyQualifiedName": d.fact}] if d.fact else [],
                }
            ],
        }
        for d in diagnostics
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "labeling",
                        "version": __version__,
                        "informationUri": "https://github.com/labeling/labeling",
                        "rules": descriptors,
                    }
                },
                "results": results,
                "properties": sarif_properties(),
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def rules_markdown() -> str:
    """docs/rules.md, generated from the rules' own documentation (a test keeps the file current)."""
    import inspect

    parts = [
        "# Lint rules",
        "Generated from the rule classes (`labeling rule CODE` prints the same text). Families: LBL0xx "
        "notation, LBL1xx coherence, LBL2xx traceability, LBL3xx completeness, LBL4xx readability and layout; "
        "LBL999 reports a `lint_ignore` entry that suppresses nothing.",
    ]
    for code, rule in all_rules().items():
        parts += [f"## {code}", f"`{rule.name}` — {rule.severity} by default"]
        parts += [" ".join(p.split()) for p in inspect.cleandoc(rule.__doc__ or "").split("\n\n") if p.strip()]
    parts += _ismp_coverage()
    return "\n\n".join(parts) + "\n"


def _ismp_coverage() -> list[str]:
    """The ISMP and Joint Commission entries the notation rules check, from the data they read."""
    from labeling.lint.rules.ismp import DO_NOT_USE, ENTRIES, ISMP_EDITION, JC_EDITION, POSSIBLE

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    jc = {DO_NOT_USE: "Do Not Use", POSSIBLE: "possible future", "": ""}
    rows = [
        "| id | spelling | meaning | misread as | write instead | rule | Joint Commission | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows += [
        f"| `{e.id}` | {cell(', '.join(f'`{s}`' for s in e.spellings))} | {cell(e.meaning)} | {cell(e.misread)} "
        f"| {cell(e.correction)} | {e.code} | {jc[e.joint_commission]} | {cell(e.source)} |"
        for e in ENTRIES
    ]
    official = sum(e.joint_commission == DO_NOT_USE for e in ENTRIES)
    return [
        "## ISMP and Joint Commission coverage",
        f"Every entry below is an error by default. Lists: {ISMP_EDITION}; {JC_EDITION}. {len(ENTRIES)} entries, "
        f"{official} of them on the Joint Commission's official list. The table is generated from "
        "`labeling/lint/rules/ismp.py`, the data the rules read; `tests/test_ismp.py` runs each entry's failing, "
        'passing and look-alike examples. To make a rule a warning, set `severity = { LBL011 = "warning" }` '
        "under `[tool.labeling.lint]`.",
        "\n".join(rows),
    ]


def _uri(path: str) -> str:
    """A file path as the URI reference SARIF asks for: forward slashes, percent-encoded ("my label #2.yaml" →
    "my%20label%20%232.yaml"); an absolute path as a file: URI."""
    from pathlib import PurePath
    from urllib.parse import quote

    posix = PurePath(path).as_posix()
    encoded = quote(posix, safe="/")
    return f"file://{encoded}" if posix.startswith("/") else encoded
