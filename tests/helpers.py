"""Shared test helpers: compose and write documents the way `labeling build` does, and label variants."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"


def tree(label: Any, kind: str):  # type: ignore[no-untyped-def]
    from labeling.compose import compose

    return compose(label, kind)


def render(label: Any, kind: str, fmt: str | None = None) -> bytes:
    """One document of a label written in a format (default: the format its market gives that kind)."""
    from labeling.documents import DOCUMENT_KINDS, MARKETS
    from labeling.render import writer

    if fmt is None:
        fmt = next((o.format for m in MARKETS.values() for o in m.outputs if o.kind == kind), "pdf")
    return writer(fmt)(label, tree(label, kind), DOCUMENT_KINDS[kind])


def with_info(label: Any, **changes: Any) -> Any:
    """The label with fields of its `label:` block changed (market, approval, …); not re-validated."""
    return label.model_copy(update={"label": label.label.model_copy(update=changes)})


def eu(label: Any) -> Any:
    return with_info(label, market="eu")


# The sample approves no marketing claim (it has no marketing authorisation); tests of the claims a product sheet
# prints approve its "Flexible dosing options" line, supported by the labelled regimens and route.
REJECTED_CLAIM = "    text: Flexible dosing options\n    status: rejected\n"


def approved_claim(text: str = "Flexible dosing options") -> str:
    return f"    text: {text}\n    status: approved\n    supported_by: [stroke-tbi, dementia, iv]\n"


def with_approved_claim(source: str | None = None) -> str:
    """The sample's content with its flexible-dosing claim approved."""
    source = content_text() if source is None else source
    assert REJECTED_CLAIM in source
    return source.replace(REJECTED_CLAIM, approved_claim(), 1)


def content_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def parse(text: str, name: str = "label.yaml") -> Any:
    from labeling.load import parse_label

    return parse_label(text, name)


def write_package(parts: dict[str, bytes], target: Path) -> Path:
    """A DOCX (any zip package) written from its parts, as Word saves an edited document."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def plain(text: str) -> str:
    """Text as a reader types it: plain spaces, no word joiners."""
    return text.replace("\u00a0", " ").replace("\u2060", "")


def document_text(tree: Any) -> str:
    """A composed document as a reader gets it back: each heading and each unit on a line of its own."""
    lines = [unit.text for block in tree.front for unit in block.units()]
    for part in tree.parts:
        if part.heading is not None:
            lines.append(part.heading.text)
        lines += [unit.text for block in part.blocks for unit in block.units()]
        for section in part.sections:
            for inner in section.walk():
                lines.append(inner.heading.text)
                lines += [unit.text for block in inner.blocks for unit in block.units()]
    return plain("\n".join(lines))


_LABELS: dict[str, Any] = {}


def corpus_label(product: str) -> Any:
    """A corpus label by product id, loaded once per test process."""
    from labeling.load import load_label

    if product not in _LABELS:
        _LABELS[product] = load_label(ROOT / "content" / f"{product}.yaml")
    return _LABELS[product]


def document_rows(product: str, kind_name: str) -> str:
    """A composed document as a word processor's text comes back: a table row on one line, cells between bars."""
    from labeling.compose import compose
    from labeling.doctree import Table
    from labeling.documents import DOCUMENT_KINDS

    tree = compose(corpus_label(product), DOCUMENT_KINDS[kind_name])

    def blocks(blocks) -> list[str]:  # type: ignore[no-untyped-def]
        out = []
        for block in blocks:
            if isinstance(block, Table):
                out += [block.caption.text] if block.caption is not None else []
                out += [" | ".join(cell.text for cell in row.cells) for row in block.rows]
            else:
                out += [unit.text for unit in block.units()]
        return out

    lines = blocks(tree.front)
    for part in tree.parts:
        lines += [part.heading.text] if part.heading is not None else []
        lines += blocks(part.blocks)
        for section in part.sections:
            for inner in section.walk():
                lines += [inner.heading.text, *blocks(inner.blocks)]
    return plain("\n".join(lines))
