"""Printing verification results: one-line findings, the fact × document matrix, and stable JSON.

Checks only produce findings; this module only prints them (ruff's split). The JSON schema is documented in
docs/verify-json.md and versioned by the shared envelope (``labeling.output.SCHEMA_VERSION``).
"""

from __future__ import annotations

from typing import Any

from labeling.output import json_document
from labeling.verify import Verification


def findings_text(results: list[Verification]) -> list[str]:
    """Each finding, then each note (what a document lacks that the content does not record: not a failure)."""
    lines = [str(finding) for result in results for finding in result.findings]
    return lines + [f"note: {result.document}: {note}" for result in results for note in result.notes]


def summary_line(results: list[Verification]) -> str:
    findings = sum(len(r.findings) for r in results)
    documents = len(results)
    noun = "document" if documents == 1 else "documents"
    if not findings:
        counts = {len(r.checks) for r in results}
        if documents > 1 and len(counts) == 1:
            return f"All checks passed: {counts.pop()} facts found in each of {documents} documents."
        return f"All checks passed: {sum(len(r.checks) for r in results)} facts found in {documents} {noun}."
    return f"Found {findings} finding{'s' if findings != 1 else ''} in {documents} {noun}."


def results_json(results: list[Verification], extra: dict[str, Any] | None = None, command: str = "verify") -> str:
    payload = {"ok": all(r.ok for r in results), "documents": [r.to_dict() for r in results], **(extra or {})}
    return json_document(command, payload)


def matrix_rows(results: list[Verification]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the fact × document matrix: ✓, or ✗ with what was found instead."""
    header = ["fact", "expected"] + [column_name(r) for r in results]
    facts: dict[str, str] = {}
    for result in results:
        for fact, check in result.checks.items():
            facts.setdefault(fact, check.expected)
    rows = []
    for fact, description in facts.items():
        row = [fact, description]
        for result in results:
            cell = result.checks.get(fact)
            if cell is None:
                row.append("")
            elif cell.ok:
                row.append("✓")
            else:
                row.append(f"✗ {cell.found or ''}".rstrip())
        rows.append(row)
    return header, rows


def column_name(result: Verification) -> str:
    """A document's column: its kind; a document inside an SPL is "spl" (the insert) or "spl:<kind>"."""
    if result.format != "spl":
        return result.kind
    return "spl" if result.kind == "package-insert" else f"spl:{result.kind}"


def print_matrix(results: list[Verification], console: Any) -> None:
    """The matrix as a table, coloured on a terminal, plain in CI logs; an SPL's product data and an insert's
    SRPI checklist, sets of facts of their own, as tables of their own."""
    documents = [r for r in results if r.kind not in ("product-data", "srpi")]
    _print_table(documents, console)
    for own in ("product-data", "srpi"):  # FDA's checklist, one row per item, is a table of its own too
        if tables := [r for r in results if r.kind == own]:
            _print_table(tables, console)


def _print_table(results: list[Verification], console: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    header, rows = matrix_rows(results)
    table = Table(show_header=True, header_style="bold", show_edge=False, pad_edge=False)
    table.add_column(header[0], no_wrap=True)
    table.add_column(header[1], overflow="fold", max_width=48)
    for name in header[2:]:
        table.add_column(name, justify="center")
    for row in rows:
        cells = [escape(row[0]), escape(row[1])]
        cells += [f"[green]{c}[/]" if c == "✓" else f"[red]{escape(c)}[/]" if c else c for c in row[2:]]
        table.add_row(*cells)
    console.print(table)
