"""Printing label diffs: plain text for logs, Markdown for a pull-request comment, JSON for tools.

JSON and Markdown go through ``labeling.output``, the envelope every command shares. In Markdown every value
that comes from content (fact values, product ids, file names, policy messages quoting versions) is escaped, so
content can never change the comment's structure: no HTML, no heading, quote or list, no table cell break, no
link, no emphasis — a reviewer sees exactly the characters the content holds.
"""

from __future__ import annotations

import re

from labeling.diff import EDITORIAL, MAJOR, MINOR, ProductDiff
from labeling.output import json_document, markdown_document

_MARK = {MAJOR: "🔴 major", MINOR: "🟡 minor", EDITORIAL: "⚪ editorial"}


def as_text(diffs: list[ProductDiff]) -> str:
    lines = []
    for diff in diffs:
        if diff.status == "unchanged":
            lines.append(f"{diff.product}: no label changes")
            continue
        if diff.status in ("added", "removed"):
            lines.append(f"{diff.product}: product {diff.status} ({diff.new_file or diff.old_file})")
            continue
        lines.append(
            f"{diff.product}: {len(diff.changes)} change{'s' if len(diff.changes) != 1 else ''} ({diff.severity})"
        )
        for change in diff.changes:
            reaches = ", ".join(change.documents) or "no document"
            lines.append(f"  {change.severity:<9} {change}  [{reaches}]")
        for finding in diff.policy:
            lines.append(f"  policy    {finding.message}")
    return "\n".join(lines) + "\n"


# --- Markdown ----------------------------------------------------------------------------------------------------

# Characters that are Markdown anywhere in a line: escaped with a backslash (CommonMark allows it before any ASCII
# punctuation). "<", ">" and "&" become entities, so no HTML (and no comment hiding what follows) can start.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
# What makes a block when it starts a line: a heading, a quote, a list item, a setext underline, a fence.
_LEADING = re.compile(r"^(\s*)([#>+=\-])|^(\s*\d+)([.)])(?!\S)")
_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029\v\f]+")


def md_text(text: str | None) -> str:
    """Content as literal Markdown text, on one line, safe in a paragraph, a list item or a table cell."""
    if not text:
        return ""
    text = _LINE_BREAKS.sub(" ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    return _LEADING.sub(lambda m: f"{m[1] or m[3] or ''}\\{m[2] or m[4]}", text)


def md_code(text: str) -> str:
    """Content as an inline code span: fenced with more backticks than it holds; pipes escaped (GitHub splits
    table cells on them even inside code)."""
    text = _LINE_BREAKS.sub(" ", text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def as_markdown(diffs: list[ProductDiff]) -> str:
    changed = [d for d in diffs if d.status != "unchanged"]
    lines = ["## Label changes", ""]
    if not changed:
        return markdown_document("diff", "\n".join(lines + ["No label facts changed.", ""]))
    for diff in changed:
        title = f"### {md_text(diff.product)}"
        if diff.status in ("added", "removed"):
            lines += [title, "", f"Product **{diff.status}** ({md_code(diff.new_file or diff.old_file or '')}).", ""]
            continue
        counts = {s: sum(c.severity == s for c in diff.changes) for s in _MARK}
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        lines += [
            title,
            "",
            f"{len(diff.changes)} change(s): {summary}.",
            "",
            "| | fact | before | after | documents |",
            "|---|---|---|---|---|",
        ]
        for change in diff.changes:
            reaches = ", ".join(md_text(d) for d in change.documents) or "—"
            lines.append(
                f"| {_MARK[change.severity]} | {md_code(change.path)} | {md_text(change.old) or '—'} | "
                f"{md_text(change.new) or '—'} | {reaches} |"
            )
        lines.append("")
        if diff.policy:
            lines += ["**Change policy:**", ""] + [f"- ❌ {md_text(f.message)}" for f in diff.policy] + [""]
    return markdown_document("diff", "\n".join(lines))


def as_json(diffs: list[ProductDiff]) -> str:
    return json_document("diff", {"products": [d.to_dict() for d in diffs]})
