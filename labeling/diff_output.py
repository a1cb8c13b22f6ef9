"""Printing label diffs: plain text for logs, Markdown for a pull-request comment, stable JSON for tools."""

from __future__ import annotations

import json

from labeling.diff import MAJOR, MINOR, ProductDiff

JSON_SCHEMA_VERSION = 1
_MARK = {MAJOR: "🔴 major", MINOR: "🟡 minor", "editorial": "⚪ editorial"}


def as_text(diffs: list[ProductDiff]) -> str:
    lines = []
    for diff in diffs:
        if diff.status == "unchanged":
            lines.append(f"{diff.product}: no label changes")
            continue
        if diff.status in ("added", "removed"):
            lines.append(f"{diff.product}: product {diff.status} ({diff.new_file or diff.old_file})")
            continue
        lines.append(f"{diff.product}: {len(diff.changes)} change{'s' if len(diff.changes) != 1 else ''} "
                     f"({diff.severity})")
        for change in diff.changes:
            lines.append(f"  {change.severity:<9} {change}  [{', '.join(change.documents)}]")
        for finding in diff.policy:
            lines.append(f"  policy    {finding.message}")
    return "\n".join(lines) + "\n"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def as_markdown(diffs: list[ProductDiff]) -> str:
    changed = [d for d in diffs if d.status != "unchanged"]
    lines = ["## Label changes", ""]
    if not changed:
        return "\n".join(lines + ["No label facts changed.", ""])
    for diff in changed:
        title = f"### {diff.product}"
        if diff.status in ("added", "removed"):
            lines += [title, "", f"Product **{diff.status}** (`{diff.new_file or diff.old_file}`).", ""]
            continue
        counts = {s: sum(c.severity == s for c in diff.changes) for s in _MARK}
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        lines += [title, "", f"{len(diff.changes)} change(s): {summary}.", "",
                  "| | fact | before | after | documents |", "|---|---|---|---|---|"]
        for change in diff.changes:
            lines.append(f"| {_MARK[change.severity]} | `{_cell(change.path)}` | {_cell(change.old) or '—'} | "
                         f"{_cell(change.new) or '—'} | {', '.join(change.documents)} |")
        lines.append("")
        if diff.policy:
            lines += ["**Change policy:**", ""] + [f"- ❌ {_cell(f.message)}" for f in diff.policy] + [""]
    return "\n".join(lines)


def as_json(diffs: list[ProductDiff]) -> str:
    payload = {"schema_version": JSON_SCHEMA_VERSION, "products": [d.to_dict() for d in diffs]}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
