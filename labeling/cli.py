"""The ``labeling`` command: arguments, printing and exit codes; no logic of its own.

Each subcommand imports what it needs inside its body, so ``labeling --help``, ``schema`` and ``validate``
never pay for WeasyPrint. Exit codes: 0 success, 1 findings, 2 bad input, 3 internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from labeling.documents import DOCUMENT_KINDS

if TYPE_CHECKING:
    from collections.abc import Callable

    from labeling.build import BuildResult
    from labeling.lint import Diagnostic
    from labeling.load import Problem
    from labeling.model import Label
    from labeling.settings import Settings
    from labeling.verify import Verification

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
DEFAULT_CONTENT_GLOB = "content/*.yaml"
REPORT_URL = "https://github.com/labeling/labeling/issues"


class UserError(click.ClickException):
    """A problem with the user's input: one clean message, exit 2, no traceback."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True)


def content_files(paths: tuple[str, ...]) -> list[Path]:
    """The content files named, or every ``content/*.yaml`` when none are."""
    if paths:
        return [Path(p) for p in paths]
    found = sorted(Path().glob(DEFAULT_CONTENT_GLOB))
    if not found:
        raise UserError(f"no content files: {DEFAULT_CONTENT_GLOB} matches nothing; name a file")
    return found


def load_all(paths: list[Path]) -> list[Label]:
    """Load every file; report every problem of every file, then stop with exit 2 if there were any.

    Product ids must differ between files: each names its own output folder."""
    labels, problems = load_each(paths)
    if problems:
        raise UserError(problems_text(problems))
    return labels


def problems_text(problems: list[Problem]) -> str:
    files = len({p.file for p in problems})
    lines = [str(p) for p in problems]
    noun = "error" if len(problems) == 1 else "errors"
    lines.append(f"Found {len(problems)} {noun} in {files} file{'s' if files != 1 else ''}.")
    return "\n".join(lines)


def load_each(paths: list[Path]) -> tuple[list[Label], list[Problem]]:
    """The labels that load, and the problems of those that do not."""
    from labeling.load import ContentError, Problem, load_label

    labels: list[Label] = []
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    # The same file named twice (a.yaml ./a.yaml, a shell glob and a name) is one file.
    paths = list({os.path.realpath(path): path for path in reversed(list(paths))}.values())[::-1]
    for path in paths:
        try:
            label = load_label(path)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        labels.append(label)
        if label.product.id in owners:
            line, column = label.position(("product", "id"))
            problems.append(
                Problem(
                    str(path),
                    line,
                    column,
                    "product.id",
                    f"{label.product.id!r} is also the product id of {owners[label.product.id]}; "
                    "each product needs its own id (it names the output folder)",
                )
            )
        owners.setdefault(label.product.id, str(path))
        problems.extend(_market_problems(label, path))
    return labels, problems


def _market_problems(label: Label, path: Path) -> list[Problem]:
    """A label for a market the repository does not publish ([tool.labeling] markets) is bad input."""
    from labeling.load import Problem
    from labeling.settings import SettingsError, current_settings

    try:
        markets = current_settings().markets
    except SettingsError:
        return []  # reported when the command started
    if markets is None or label.label.market in markets:
        return []
    line, column = label.position(("label", "market"))
    return [
        Problem(
            str(path),
            line,
            column,
            "label.market",
            f"{label.label.market!r} is not a market this repository publishes ({current_settings().file}: "
            f"[tool.labeling] markets = {list(markets)!r}); add it there or correct the label",
        )
    ]


class Group(click.Group):
    """Turns unexpected exceptions into a short report request (``--debug`` shows the traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:  # Ctrl-C: the shell's code for SIGINT, not the "findings" code
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:  # `labeling check | head`: the reader left; say nothing more
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_FINDINGS)
        except Exception as error:
            from labeling.extract import UnreadableArtifact
            from labeling.render import RenderError

            if isinstance(error, (RenderError, UnreadableArtifact)):  # a template or a document the user can fix
                click.echo(str(error), err=True)
                ctx.exit(EXIT_BAD_INPUT)
            if isinstance(error, OSError) and not (ctx.obj and ctx.obj.get("debug")):
                # The machine, not the tool: a full or read-only disk, a folder deleted or not writable.
                where = f"{error.filename}: " if error.filename else ""
                click.echo(f"{where}{error.strerror or error} (nothing was half-written)", err=True)
                ctx.exit(EXIT_BAD_INPUT)
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"internal error: {type(error).__name__}: {error}", err=True)
            click.echo(
                f"This is a bug in labeling. Run again with --debug and report the output at {REPORT_URL}", err=True
            )
            ctx.exit(EXIT_INTERNAL)


# Commands that work whatever the label repository's settings say (they help to fix them, or need none).
SETTINGS_FREE = frozenset({"init", "doctor", "schema", "rule"})


def _version_message() -> str:
    """`labeling --version`: the version, the Python it runs on and where it is installed."""
    where = f" (Python {sys.version.split()[0]}, {Path(__file__).resolve().parent})".replace("%", "%%")
    return "%(prog)s %(version)s" + where


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True),
    help="Templates folder to use (before $LABELING_TEMPLATES and [tool.labeling] templates; default: packaged).",
)
@click.version_option(package_name="labeling", prog_name="labeling", message=_version_message())
@click.pass_context
def main(ctx: click.Context, debug: bool, templates: str | None) -> None:
    """Regulatory labeling documents from one typed YAML source, verified on the finished artifacts.

    Settings come from [tool.labeling] in the nearest pyproject.toml (README: "Using it in your own label
    repository"); `labeling doctor` tells what this machine has and which templates are in use."""
    ctx.obj = {"debug": debug}
    if templates:
        from labeling.templates import TEMPLATES_ENV

        os.environ[TEMPLATES_ENV] = str(Path(templates).resolve())  # worker processes inherit it
    from labeling.settings import clear_cache

    clear_cache()
    if ctx.invoked_subcommand not in SETTINGS_FREE:
        settings()


def settings() -> Settings:
    """The label repository's [tool.labeling] settings; a bad one is bad input (exit 2)."""
    from labeling.settings import SettingsError, current_settings

    try:
        return current_settings()
    except SettingsError as error:
        raise UserError(str(error)) from None


def out_folder(out_dir: str | None) -> str:
    """--out, else [tool.labeling] output, else output/."""
    return out_dir or settings().output_folder()


OUT_HELP = "Folder for <product-id>/ folders [default: [tool.labeling] output, else output]."


@main.command(name="import")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="Write the content file here instead of standard output.")
def import_(source: str, out: str | None) -> None:
    """A published SPL (FDA's XML) → a starting content file: typed where parsable, text and gaps elsewhere."""
    from labeling.build import write_atomic
    from labeling.extract import UnreadableArtifact
    from labeling.extract.artifact import MAX_ARTIFACT_BYTES
    from labeling.files import NotReadable, read_regular
    from labeling.importers.spl import ImportError_, import_spl, to_yaml

    try:
        data = read_regular(Path(source), MAX_ARTIFACT_BYTES)
        imported = import_spl(data, source)
    except NotReadable as error:
        raise UserError(f"{source}: {error}") from None
    except (UnreadableArtifact, ImportError_) as error:
        raise UserError(f"{source}: {error}" if not str(error).startswith(source) else str(error)) from None
    text = to_yaml(imported, Path(source).name)
    from labeling.load import ContentError, parse_label

    try:  # what the import writes must load: a fact it could not type stays out, never half-typed
        parse_label(text, out or "<imported>")
    except ContentError as error:
        raise UserError(f"{source}: the imported content does not validate:\n{problems_text(error.problems)}") from None
    if out:
        target = Path(out)
        if not target.parent.is_dir():
            raise UserError(f"{out}: folder {target.parent} does not exist")
        write_atomic(target, text.encode("utf-8"))
        click.echo(f"wrote {out}: {len(imported.typed)} groups of typed facts, {len(imported.kept)} kept as text")
        for line in imported.kept:
            click.echo(f"  kept as text: {line}")
    else:
        click.echo(text, nl=False)


@main.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
def schema(out: str | None) -> None:
    """Print the JSON Schema of the content files (for editors)."""
    from labeling.schema import schema_text

    text = schema_text()
    if out:
        from labeling.build import write_atomic

        try:
            write_atomic(Path(out), text.encode("utf-8"))
        except OSError as error:
            raise UserError(f"{out}: cannot write ({error.strerror})") from None
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("content", nargs=-1, type=click.Path())
def validate(content: tuple[str, ...]) -> None:
    """Load and validate content files; report every problem as file:line:col: field: message."""
    labels = load_all(content_files(content))
    for label in labels:
        click.echo(
            f"{label.source_file}: ok ({label.product.id}, version {label.label.version}, "
            f"{sum(1 for _ in label.facts())} facts)"
        )


@main.command()
@click.argument("content", nargs=-1, type=click.Path())
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help=OUT_HELP)
@click.option("--html", is_flag=True, help="Also write each PDF's HTML beside it, for previewing templates.")
@click.option(
    "--provenance",
    is_flag=True,
    help="Also write provenance.json: every sentence of every document with the facts and stock phrases it is made of.",
)
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Products built at once, in worker processes [default: the machine's cores].",
)
@click.option(
    "--shard",
    "shard_spec",
    metavar="I/N",
    help="Build only the I-th of N deterministic slices of the portfolio (for a CI matrix).",
)
def build(
    content: tuple[str, ...],
    out_dir: str | None,
    html: bool,
    provenance: bool,
    force: bool,
    jobs: int | None,
    shard_spec: str | None,
) -> None:
    """Render the documents each product's market gets (US: package insert, Patient Information or Medication
    Guide, product sheet; EU: patient leaflet, product sheet)."""
    import os

    from labeling.build import build_portfolio, shard

    out_dir = out_folder(out_dir)
    paths = content_files(content)
    if shard_spec:
        paths = shard(paths, *parse_shard(shard_spec))
        if not paths:
            click.echo(f"shard {shard_spec}: no products in this slice")
            return
    from labeling.build import up_to_date

    fresh = {} if force else up_to_date(paths, Path(out_dir), html, provenance)
    if settings().markets is not None:
        load_all(paths)  # every label's market is checked against [tool.labeling] markets, built or not
    elif len(fresh) < len(paths):
        load_all([p for p in paths if p not in fresh])  # every problem of every changed file first
    jobs = jobs or os.cpu_count() or 1

    def report(result: BuildResult) -> None:
        state = "built" if result.built else "up to date"
        click.echo(f"{state}: {result.out_dir}/ ({', '.join(result.artifacts)})")

    def run(on_result: Callable[[BuildResult], None]) -> list[tuple[Path, Exception]]:
        _, errors = build_portfolio(
            paths,
            Path(out_dir),
            jobs=jobs,
            force=force,
            html=html,
            on_result=on_result,
            fresh=fresh,
            provenance=provenance,
        )
        return errors

    if sys.stdout.isatty() and len(paths) > 1:
        from rich.progress import Progress

        with Progress(transient=True) as progress:
            task = progress.add_task("building", total=len(paths))

            def advance(result: BuildResult) -> None:
                progress.advance(task)
                progress.console.print(f"{'built' if result.built else 'up to date'}: {result.out_dir}/")

            errors = run(advance)
    else:
        errors = run(report)
    if errors:
        raise UserError(
            "\n".join(str(error) for _, error in errors)
            + f"\n{len(errors)} of {len(paths)} product(s) not built; their previous outputs are untouched."
        )


def parse_shard(spec: str) -> tuple[int, int]:
    import re

    match = re.fullmatch(r"(\d+)/(\d+)", spec)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise UserError(f"--shard {spec!r}: expected I/N with 1 ≤ I ≤ N, e.g. 2/4")
    return int(match[1]), int(match[2])


def verify_one(source: Path, label: Label, kind_name: str | None) -> list[Verification]:
    """Read and verify one artifact, and the documents inside it (an SPL's patient labeling, its product data and
    FDA's rules); unreadable files and unknown kinds are bad input (exit 2)."""
    from labeling.documents import DOCUMENT_KINDS
    from labeling.extract import UnreadableArtifact
    from labeling.extract.artifact import read_artifact
    from labeling.verify import verify_artifact

    try:
        artifact = read_artifact(source, str(source))
    except UnreadableArtifact as error:
        raise UserError(str(error)) from None
    said = artifact.kind if artifact.kind in DOCUMENT_KINDS else None  # metadata naming no kind is overruled
    if artifact.kind and not said and not kind_name:
        raise UserError(
            f"{source}: the document says it is a {_shown(artifact.kind)}, which is not a document kind this tool "
            f"knows ({', '.join(DOCUMENT_KINDS)}); pass --kind"
        )
    if said and kind_name and said != kind_name:
        raise UserError(f"{source}: the document says it is a {said}, but --kind says {kind_name}")
    name = said or kind_name
    if name is None:
        raise UserError(
            f"{source}: cannot tell which document this is (it carries no labeling metadata); "
            f"pass --kind with one of: {', '.join(DOCUMENT_KINDS)}"
        )
    kind = DOCUMENT_KINDS[name]  # any format: a product sheet printed to PDF is verified like the DOCX
    results = [verify_artifact(artifact, kind, label, str(source))]
    if artifact.format == "pdf" and name == "package-insert":  # a PLR insert as laid out: FDA's SRPI checklist
        from labeling.srpi import verify_checklist

        results.append(verify_checklist(source, label, str(source)))
    for inner in artifact.companions:
        results.append(verify_artifact(inner, DOCUMENT_KINDS[inner.kind or name], label, inner.name))
    if artifact.format == "spl":
        from labeling.product_data import patient_labeling_findings, verify_spl_data

        results[0].findings.extend(patient_labeling_findings(artifact, label, str(source)))
        results.append(verify_spl_data(artifact, label, str(source)))
        for result in results:
            result.format = "spl"
    return results


@main.command()
@click.argument("artifact", type=click.Path(dir_okay=False))
@click.option("--content", required=True, type=click.Path(dir_okay=False), help="The label the artifact must match.")
@click.option(
    "--kind",
    "kind_name",
    type=click.Choice(sorted(DOCUMENT_KINDS)),
    help="Document kind, when the artifact does not say (e.g. an agency's PDF).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def verify(artifact: str, content: str, kind_name: str | None, fmt: str) -> None:
    """Verify any PDF or DOCX (ours, an agency's, a hand-edited one) against the content."""
    from labeling.report import findings_text, results_json, summary_line

    (label,) = load_all([Path(content)])
    if not Path(artifact).exists():
        raise UserError(f"{artifact}: no such file")
    results = verify_one(Path(artifact), label, kind_name)
    if fmt == "json":
        click.echo(results_json(results), nl=False)
    else:
        for line in findings_text(results):
            click.echo(line)
        click.echo(summary_line(results))
    sys.exit(EXIT_OK if all(result.ok for result in results) else EXIT_FINDINGS)


def lint_labels(labels: list[Label], out_dir: Path) -> list[Diagnostic]:
    """Lint every label with the project's [tool.labeling.lint]; layout rules read built artifacts if any."""
    from labeling.lint import ConfigError, load_config, run_lint

    try:
        config, _ = load_config()
    except ConfigError as error:
        raise UserError(str(error)) from None
    diagnostics = []
    for label in labels:
        artifacts = out_dir / label.product.id
        diagnostics.extend(run_lint(label, config, artifacts if artifacts.is_dir() else None))
    return diagnostics


@main.command()
@click.argument("content", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Where built documents are, for the layout rules (skipped when not built) [default: [tool.labeling] "
    "output, else output].",
)
def lint(content: tuple[str, ...], fmt: str, out_dir: str | None) -> None:
    """Regulatory and medication-safety rules on the content (`labeling rule CODE` explains one)."""
    from labeling.lint import ERROR, Diagnostic, summary
    from labeling.lint.output import as_json, as_sarif, as_text

    paths = content_files(content)
    problems: list[Problem] = []
    if fmt == "text":
        labels = load_all(paths)
    else:  # a CI tool parses stdout: bad content is reported in the same JSON/SARIF, as LBL000, and exits 2
        labels, problems = load_each(paths)
        if problems:
            click.echo(problems_text(problems), err=True)
    diagnostics = [Diagnostic(p.file, p.line, p.column, "LBL000", ERROR, p.message, p.field) for p in problems]
    diagnostics += lint_labels(labels, Path(out_folder(out_dir)))
    if fmt == "json":
        click.echo(as_json(diagnostics), nl=False)
    elif fmt == "sarif":
        click.echo(as_sarif(diagnostics), nl=False)
    else:
        for line in as_text(diagnostics):
            click.echo(line)
        click.echo(summary(diagnostics, len(paths)))
    if problems:
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(EXIT_FINDINGS if any(d.severity == ERROR for d in diagnostics) else EXIT_OK)


def _labels_at(ref: str, paths: list[Path], *, exact: bool = False) -> dict[Path, Label | None]:
    """The content files as they were at a git ref: path → Label, None where absent (user errors exit 2)."""
    from labeling.gitref import GitError, labels_at
    from labeling.load import ContentError

    try:
        return labels_at(ref, paths, exact=exact)
    except GitError as error:
        raise UserError(str(error)) from None
    except ContentError as error:
        raise UserError("\n".join(str(p) for p in error.problems)) from None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--base", help="Compare the working tree's content with this git ref (e.g. origin/main, HEAD~1).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(["major", "minor", "any"]),
    help="Exit 1 when a change of this class (or higher) is found.",
)
def diff(paths: tuple[str, ...], base: str | None, fmt: str, fail_on: str | None) -> None:
    """Fact-level changes between label versions: `diff OLD NEW` or `diff --base GITREF [CONTENT…]` (the named
    files only; with none, every content/*.yaml, products added and removed since GITREF included)."""
    from labeling.diff import SEVERITY_ORDER, diff_products
    from labeling.diff_output import as_json, as_markdown, as_text

    if base is None:
        if len(paths) != 2:
            raise UserError("diff needs two content files (OLD NEW), or --base GITREF [CONTENT…]")
        old, new = load_all([Path(paths[0])])[0], load_all([Path(paths[1])])[0]
        diffs = [diff_products(old, new, paths[0], paths[1])]
    else:
        named = [Path(p) for p in paths]
        current = named or sorted(Path().glob(DEFAULT_CONTENT_GLOB))
        existing = [p for p in current if p.exists()]
        new_labels = dict(zip(existing, load_all(existing), strict=True)) if existing else {}
        # Named files: exactly those, never their neighbours at the ref. None: every content file, those added
        # and removed since the ref too.
        old_labels = _labels_at(base, named or current or [Path("content/x.yaml")], exact=bool(named))
        diffs = []
        for path in sorted(set(old_labels) | set(new_labels)):
            before, after = old_labels.get(path), new_labels.get(path)
            if before is None and after is None:
                continue
            diffs.append(
                diff_products(before, after, f"{base}:{path}" if before else None, str(path) if after else None)
            )
    click.echo({"text": as_text, "markdown": as_markdown, "json": as_json}[fmt](diffs), nl=False)
    threshold = {"major": 2, "minor": 1, "any": 0}.get(fail_on or "", 99)
    failed = any(d.severity is not None and SEVERITY_ORDER[d.severity] >= threshold for d in diffs)
    sys.exit(EXIT_FINDINGS if failed or any(d.policy for d in diffs) else EXIT_OK)


@main.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="FILE.docx (tracked changes) or FILE.pdf (marked-up new insert).",
)
def redline(old: str, new: str, out_file: str) -> None:
    """The package insert with the changes from OLD to NEW marked: tracked-changes DOCX or redline PDF."""
    from labeling.build import write_atomic

    suffix = Path(out_file).suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise UserError(f"{out_file}: --out must end in .docx (tracked changes) or .pdf (marked-up insert)")
    old_label, new_label = load_all([Path(old)])[0], load_all([Path(new)])[0]
    if suffix == ".docx":
        from labeling.redline import redline_docx

        data = redline_docx(old_label, new_label)
    else:
        from labeling.redline import redline_pdf

        data = redline_pdf(old_label, new_label)
    target = Path(out_file)
    if not target.parent.is_dir():
        raise UserError(f"{out_file}: folder {target.parent} does not exist")
    write_atomic(target, data)
    click.echo(f"wrote {out_file}")


def _shown(text: str, limit: int = 60) -> str:
    """A value read from someone's file, safe to print: quoted, escaped, and cut short."""
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
@click.option("--markdown", is_flag=True, help="Every rule's documentation as Markdown (docs/rules.md).")
def rule(code: str | None, show_all: bool, markdown: bool) -> None:
    """Explain a lint rule (`labeling rule LBL101`), or list them all."""
    from labeling.lint import all_rules

    if markdown:
        from labeling.lint.output import rules_markdown

        click.echo(rules_markdown(), nl=False)
        return
    rules = all_rules()
    if code is None or show_all:
        for rule_code, rule_class in rules.items():
            summary_text = (rule_class.__doc__ or "").strip().splitlines()[0].removeprefix("What it does: ")
            click.echo(f"{rule_code}  {rule_class.name:<38} {rule_class.severity:<8} {summary_text}")
        return
    wanted = code.upper()
    if wanted not in rules:
        import difflib

        close = difflib.get_close_matches(wanted, list(rules), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise UserError(f"no rule {code!r}{hint} (`labeling rule` lists them)")
    click.echo(rules[wanted].doc(), nl=False)


@main.command()
@click.argument("content", nargs=-1, type=click.Path())
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help=OUT_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--base", help="Also apply the change policy against this git ref (version, date, Recent Major Changes).")
def check(content: tuple[str, ...], out_dir: str | None, fmt: str, base: str | None) -> None:
    """Build what is stale, verify every artifact against its content, lint, and print a fact × document table."""
    from rich.console import Console
    from rich.markup import escape

    from labeling.build import build_label
    from labeling.documents import outputs_for
    from labeling.extract.artifact import readable_formats
    from labeling.render import RenderError
    from labeling.report import findings_text, print_matrix, results_json, summary_line

    out_dir = out_folder(out_dir)
    paths = content_files(content)
    labels = load_all(paths)
    console = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)
    all_results = []
    for label, path in zip(labels, paths, strict=True):
        try:
            built = build_label(label, path.read_bytes(), Path(out_dir))
        except RenderError as error:
            raise UserError(str(error)) from None
        results = [
            result
            for output in outputs_for(label)
            if output.format in readable_formats()
            for result in verify_one(built.out_dir / output.filename, label, output.kind)
        ]
        all_results.extend(results)
        if fmt == "text":
            state = "built" if built.built else "up to date"
            console.print(
                f"[bold]{escape(label.product.name)}[/] ({escape(str(path))}, version "
                f"{escape(label.label.version)}, {state} in {escape(str(built.out_dir))}/)"
            )
            print_matrix(results, console)
            for line in findings_text(results):
                click.echo(line)
    from labeling.lint import ERROR
    from labeling.lint import summary as lint_summary

    diagnostics = lint_labels(labels, Path(out_dir))
    lint_errors = [d for d in diagnostics if d.severity == ERROR]
    policy = []
    if base:
        from labeling.diff import diff_products

        old_labels = _labels_at(base, paths, exact=True)
        for label, path in zip(labels, paths, strict=True):
            policy.extend(diff_products(old_labels.get(path), label, base, str(path)).policy)
    if fmt == "json":
        from labeling.lint.output import payload

        extra = {"lint": payload(diagnostics), "policy": [str(p) for p in policy]}
        click.echo(results_json(all_results, extra, command="check"), nl=False)
    else:
        for diagnostic in diagnostics:
            click.echo(str(diagnostic))
        click.echo(summary_line(all_results))
        click.echo(f"Lint: {lint_summary(diagnostics, len(paths))}")
        if base:
            for finding in policy:
                click.echo(f"policy: {finding}")
            click.echo(f"Change policy against {base}: " + ("met." if not policy else f"{len(policy)} problem(s)."))
    sys.exit(EXIT_OK if all(r.ok for r in all_results) and not lint_errors and not policy else EXIT_FINDINGS)


@main.command()
def doctor() -> None:
    """What this machine has for labeling: Python, the system libraries, templates and fonts in use, LibreOffice
    and poppler (optional). Exit 0 when every required piece is there, 1 when one is missing, 2 for bad settings."""
    from labeling.doctor import diagnose, report

    lines, settings_error = diagnose()
    text, ready = report(lines)
    for line in text:
        click.echo(line)
    if settings_error:
        click.echo("The settings are not usable: fix them (above), then run `labeling doctor` again.")
        sys.exit(EXIT_BAD_INPUT)
    click.echo("Ready: every required piece is present." if ready else "Not ready: install what is marked MISS.")
    sys.exit(EXIT_OK if ready else EXIT_FINDINGS)


@main.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option(
    "--rev",
    default=None,
    help="The labeling release the pre-commit hooks and the workflow's action use [default: v<this version>].",
)
def init(folder: str, force: bool, rev: str | None) -> None:
    """Start a label repository in FOLDER (default: here): an example label and the content schema in content/,
    [tool.labeling] settings in pyproject.toml, .pre-commit-config.yaml, .github/workflows/labels.yml, .gitignore."""
    from labeling.scaffold import DEFAULT_REV, EXAMPLE_NAME, scaffold_files, write_scaffold

    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise UserError(f"{folder}: not a folder")
    files = scaffold_files(["us"], rev or DEFAULT_REV)
    existing = [name for name in files if (root / name).exists()]
    if existing and not force:
        raise UserError(
            f"{folder}: would overwrite {', '.join(existing)}; nothing was written (--force overwrites them)"
        )
    try:
        write_scaffold(root, files)
    except OSError as error:
        raise UserError(f"{error.filename or folder}: cannot write ({error.strerror or error})") from None
    for name in files:
        click.echo(f"wrote {root / name}")
    where = "" if root.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    click.echo(
        "Next: "
        f"{where}labeling check   # builds content/{EXAMPLE_NAME}, verifies every document and lints\n"
        "      git init && pre-commit install   # validate and lint every commit that touches content/"
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
