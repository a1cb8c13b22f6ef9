"""The ``labeling`` command: arguments, printing and exit codes; no logic of its own.

Each subcommand imports what it needs inside its body, so ``labeling --help``, ``schema`` and ``validate``
never pay for WeasyPrint. Exit codes: 0 success, 1 findings, 2 bad input, 3 internal error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
DEFAULT_CONTENT_GLOB = "content/*.yaml"
REPORT_URL = "https://github.com/labeling/labeling/issues"


class UserError(click.ClickException):
    """A problem with the user's input: one clean message, exit 2, no traceback."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        click.echo(self.format_message(), err=True)


def content_files(paths: tuple[str, ...]) -> list[Path]:
    """The content files named, or every ``content/*.yaml`` when none are."""
    if paths:
        return [Path(p) for p in paths]
    found = sorted(Path().glob(DEFAULT_CONTENT_GLOB))
    if not found:
        raise UserError(f"no content files: {DEFAULT_CONTENT_GLOB} matches nothing; name a file")
    return found


def load_all(paths: list[Path]):  # type: ignore[no-untyped-def]
    """Load every file; report every problem of every file, then stop with exit 2 if there were any."""
    from labeling.load import ContentError, load_label

    labels, problems = [], []
    for path in paths:
        try:
            labels.append(load_label(path))
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        files = len({p.file for p in problems})
        lines = [str(p) for p in problems]
        noun = "error" if len(problems) == 1 else "errors"
        lines.append(f"Found {len(problems)} {noun} in {files} file{'s' if files != 1 else ''}.")
        raise UserError("\n".join(lines))
    return labels


class Group(click.Group):
    """Turns unexpected exceptions into a short report request (``--debug`` shows the traceback)."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as error:  # noqa: BLE001 - the one place that catches everything
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"internal error: {type(error).__name__}: {error}", err=True)
            click.echo(f"This is a bug in labeling. Run again with --debug and report the output at {REPORT_URL}",
                       err=True)
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.version_option(package_name="labeling")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Regulatory labeling documents from one typed YAML source, verified on the finished artifacts."""
    ctx.obj = {"debug": debug}


@main.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
def schema(out: str | None) -> None:
    """Print the JSON Schema of the content files (for editors)."""
    from labeling.schema import schema_text

    text = schema_text()
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("content", nargs=-1, type=click.Path())
def validate(content: tuple[str, ...]) -> None:
    """Load and validate content files; report every problem as file:line:col: field: message."""
    labels = load_all(content_files(content))
    for label in labels:
        click.echo(f"{label.source_file}: ok ({label.product.id}, version {label.label.version}, "
                   f"{sum(1 for _ in label.facts())} facts)")


@main.command()
@click.argument("content", nargs=-1, type=click.Path())
@click.option("--out", "out_dir", default="output", show_default=True, type=click.Path(file_okay=False),
              help="Folder for output/<product-id>/.")
@click.option("--html", is_flag=True, help="Also write each PDF's HTML beside it, for previewing templates.")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
def build(content: tuple[str, ...], out_dir: str, html: bool, force: bool) -> None:
    """Render the package insert, product sheet and patient leaflet of every product."""
    from labeling.build import build_label
    from labeling.render.pdf import RenderError

    paths = content_files(content)
    labels = load_all(paths)
    seen: dict[str, str] = {}
    for label in labels:
        if label.product.id in seen:
            raise UserError(f"{label.source_file}:{label.position(('product', 'id'))[0]}:1: product.id: "
                            f"{label.product.id!r} is also the id of {seen[label.product.id]}; each product needs "
                            "its own id (it names the output folder)")
        seen[label.product.id] = label.source_file
    for label, path in zip(labels, paths):
        try:
            result = build_label(label, path.read_bytes(), Path(out_dir), force=force, html=html)
        except RenderError as error:
            raise UserError(str(error)) from None
        state = "built" if result.built else "up to date"
        click.echo(f"{state}: {result.out_dir}/ ({', '.join(result.artifacts)})")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
