"""The labeling benchmark: one command, medians of several runs on this machine, ratios against targets.

    .venv/bin/python benchmarks/bench.py [--runs N] [--products 16] [--rows 1,2,3,4,5,6]

Measures (issue targets in brackets):
  1. for every label of the corpus (content/*.yaml) and for the whole corpus (the sum): the build ÷ the floor.
     The build is `build_label` (compose each kind's tree, write it with the format's writer, layout checks,
     manifest, atomic writes) for the documents the label's market gets (`outputs_for`); the floor is bare
     WeasyPrint on the same emitted HTML (`render_html` of the same tree, same stylesheet, fonts and
     pdf/ua-1) + saving the same DOCX with python-docx. Both warm, in one process, timed in alternation
     (ABBA: which goes first changes every round)                                              [≤ 1.15]
  2. no-op rebuild ÷ cold build, as commands                                                    [≤ 0.05]
  3. `labeling lint` and `labeling diff` ÷ `python -c "import weasyprint"`, as commands          [≤ 0.3]
     and `labeling lint` ÷ a cold build (issue 5: "a small fraction of a build")              [≤ 0.25]
  4. a portfolio of N products built with --jobs 2 ÷ --jobs 1                                    [≤ 0.6]
  5. peak memory (RSS) of one process building all N products (a worker's upper bound)        [≤ 300 MB]
  6. verifying the sample's artifacts ÷ building them, warm (in one process)                     [≤ 0.1]
     and cold: `labeling verify` of each artifact, as commands, ÷ a cold `labeling build --force`
Rows 2–6 use the sample (content/cerebrolysin.yaml); the portfolio is generated from it (distinct product ids
and dose values). The load average is printed at the start and the end: the machines are shared.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"
CORPUS = sorted((ROOT / "content").glob("*.yaml"))
BIN = Path(sys.executable).parent
LABELING = str(BIN / "labeling")
FLOOR_TARGET = 1.15


def clock() -> tuple[float, float]:
    """Wall time, and the CPU time (user + system) of this process and of every child it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time() + children.ru_utime + children.ru_stime


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one action. CPU time hardly moves when neighbours take the cores (it misses waits on
    the disk, and caches shared with them still slow it), so its ratios are the steadier check of the wall ones."""
    wall, cpu = clock()
    action()
    wall_end, cpu_end = clock()
    return wall_end - wall, cpu_end - cpu


def median(action: Callable[[], object], runs: int) -> float:
    return statistics.median(timed(action)[0] for _ in range(runs))


def command(*args: str, cwd: Path | None = None) -> None:
    done = subprocess.run([*args], capture_output=True, cwd=cwd, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)}: exit {done.returncode}\n{done.stdout}{done.stderr}")


def make_portfolio(folder: Path, count: int) -> list[Path]:
    text = SAMPLE.read_text(encoding="utf-8")
    paths = []
    for index in range(count):
        variant = (
            text.replace("  id: cerebrolysin\n", f"  id: product-{index:03d}\n", 1)
            .replace("dose: 20-50 mL/day", f"dose: 20-{30 + index % 20} mL/day", 1)
            .replace("  name: Cerebrolysin\n", f"  name: Cerebrolysin {index}\n", 1)
        )
        assert variant.count(f"product-{index:03d}") == 1, "the sample changed: update make_portfolio"
        path = folder / f"product-{index:03d}.yaml"
        path.write_text(variant, encoding="utf-8")
        paths.append(path)
    return paths


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# --------------------------------------------------------------------------------------------------------
# Row 1: build ÷ floor, per label of the corpus


def floor_and_build_actions(path: Path, out: Path) -> tuple[list[str], Callable[[], None], Callable[[], None]]:
    """The label's documents, and two actions: the floor (WeasyPrint on the emitted HTML + saving the DOCX) and
    our build of the same documents."""
    import docx
    from lxml import etree
    from weasyprint import HTML

    from labeling.build import build_label
    from labeling.compose import compose
    from labeling.documents import DOCUMENT_KINDS, outputs_for
    from labeling.language import language_for
    from labeling.load import load_label
    from labeling.render import writer
    from labeling.render.html import render_html
    from labeling.render.pdf import SandboxFetcher, font_config, stylesheet
    from labeling.templates import templates_dir

    label = load_label(path)
    content = path.read_bytes()
    lang = language_for(label.label.language)
    pdfs: list[tuple[str, str, list]] = []  # (HTML, base URL, stylesheets)
    sheets: list[bytes] = []
    spls: list[bytes] = []
    for output in outputs_for(label):
        kind = DOCUMENT_KINDS[output.kind]
        tree = compose(label, kind, lang)
        if output.format == "pdf":
            sheets_for_kind = [stylesheet(kind.stylesheet)] if kind.stylesheet else []
            pdfs.append(
                (render_html(label, tree, kind), (templates_dir() / f"{kind.name}.html").as_uri(), sheets_for_kind)
            )
        elif output.format == "docx":
            sheets.append(writer("docx")(label, tree, kind))
        elif output.format == "spl":  # the SPL a US label also gets: parsed and serialised by lxml
            spls.append(writer("spl")(label, tree, kind))
        else:
            raise SystemExit(f"{path}: no floor defined for format {output.format!r}")

    def floor() -> None:
        for markup, base_url, stylesheets in pdfs:
            HTML(string=markup, base_url=base_url, url_fetcher=SandboxFetcher()).write_pdf(
                stylesheets=stylesheets, font_config=font_config(), pdf_variant="pdf/ua-1"
            )
        for data in sheets:
            docx.Document(io.BytesIO(data)).save(io.BytesIO())
        for data in spls:
            etree.tostring(etree.fromstring(data), xml_declaration=True, encoding="UTF-8")

    def build() -> None:
        build_label(label, content, out, force=True)

    return [o.filename for o in outputs_for(label)], floor, build


Rounds = list[tuple[float, float]]  # (wall, CPU) seconds of each round


def corpus_build_and_floor(runs: int, paths: list[Path]) -> dict[str, tuple[list[str], Rounds, Rounds]]:
    """Per label: its documents, and the build and floor times of each round (ABBA-alternated)."""
    times: dict[str, tuple[list[str], Rounds, Rounds]] = {}
    with tempfile.TemporaryDirectory() as out:
        actions = {}
        for path in paths:
            documents, floor, build = floor_and_build_actions(path, Path(out))
            floor(), build()  # warm: fonts, stylesheets, templates, the DOCX reference
            actions[path.stem] = (floor, build)
            times[path.stem] = (documents, [], [])
        for round_ in range(runs):
            for name, (floor, build) in actions.items():
                order = [(build, times[name][1]), (floor, times[name][2])]
                for action, spent in order if round_ % 2 else reversed(order):
                    spent.append(timed(action))
            print(f"   round {round_ + 1}/{runs} done (load average {load_average()})", file=sys.stderr, flush=True)
    return times


class Timing:
    """Median wall and CPU seconds of an action over the rounds."""

    def __init__(self, rounds: Rounds) -> None:
        self.wall = statistics.median(w for w, _ in rounds)
        self.cpu = statistics.median(c for _, c in rounds)

    def __truediv__(self, other: Timing) -> tuple[float, float]:
        return self.wall / other.wall, self.cpu / other.cpu


def interleaved(*actions: Callable[[], object], runs: int) -> list[Timing]:
    """Medians of several actions timed in turn, so a noisy neighbour slows them all alike."""
    times: list[Rounds] = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, times, strict=True):
            spent.append(timed(action))
    return [Timing(spent) for spent in times]


# --------------------------------------------------------------------------------------------------------
# Row 6: verify and lint ÷ render, warm


def verify_and_lint(runs: int) -> tuple[Timing, Timing, Timing, list[str]]:
    from labeling.build import render_documents
    from labeling.documents import DOCUMENT_KINDS, outputs_for
    from labeling.extract.artifact import read_artifact, readable_formats
    from labeling.lint import run_lint
    from labeling.load import load_label
    from labeling.verify import verify_text

    label = load_label(SAMPLE)
    files = render_documents(label)
    checked = [o for o in outputs_for(label) if o.format in readable_formats()]

    def verify() -> None:
        for output in checked:
            artifact = read_artifact(files[output.filename], output.filename)
            result = verify_text(artifact.text, DOCUMENT_KINDS[output.kind], label, output.filename)
            assert result.ok, f"{output.filename} does not verify: {result.findings}"

    verify()  # warm (the PDF and DOCX readers)
    run_lint(label)  # warm (loads the syllable dictionary once)
    render, check, lint = interleaved(lambda: render_documents(label), verify, lambda: run_lint(label), runs=runs)
    return render, check, lint, [o.filename for o in checked]


def peak_rss_mb(args: list[str]) -> float:
    """Largest resident set of any process of the command (the main one or a worker), in MB."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1]) / 1024


def versions() -> str:
    from importlib.metadata import version

    packages = ("weasyprint", "pydyf", "python-docx", "jinja2", "pydantic", "pypdfium2")
    return ", ".join(f"{name} {version(name)}" for name in packages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--products", type=int, default=16, help="size of the generated portfolio (row 4, 5)")
    parser.add_argument("--rows", default="1,2,3,4,5,6", help="which rows to measure (2 and 3 go together)")
    parser.add_argument("--labels", nargs="*", help="row 1 on these content files only (default: content/*.yaml)")
    args = parser.parse_args()
    runs = args.runs
    wanted = {int(r) for r in args.rows.split(",")}

    def row(
        name: str,
        value: Timing | str,
        ratio: tuple[float, float] | float | None = None,
        target: float | None = None,
        unit: str = "",
        note: str = "",
    ) -> None:
        """One line: the wall median (CPU median), the wall ratio (CPU ratio), the target; verdicts are on wall."""
        if isinstance(value, Timing):
            value = f"{value.wall * 1000:,.0f} ms ({value.cpu * 1000:,.0f})"
        if isinstance(ratio, tuple):
            shown, judged = f"{ratio[0]:.3f} ({ratio[1]:.3f})", ratio[0]
        elif ratio is not None:
            shown, judged = f"{ratio:.3f}        ", ratio
        else:
            shown, judged = "", None
        verdict = ""
        if target is not None and judged is not None:
            verdict = f"≤ {target}{unit} {'met' if judged <= target else 'NOT MET'}"
        print(f"{name:<60} {value:>20} {shown:>15}  {verdict} {note}".rstrip(), flush=True)

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{versions()}; medians of {runs} runs; load average {load_average()}\n"
        "times: wall (CPU of the process and its children); ratios: wall (CPU); targets judged on wall\n",
        flush=True,
    )

    if 1 in wanted:
        paths = [Path(p).resolve() for p in args.labels] if args.labels else CORPUS
        times = corpus_build_and_floor(runs, paths)
        print(
            f"{'1. build ÷ floor':<21} {'build':>8} {'floor':>8} {'ratio':>6} {'rounds':>10}   {'CPU: build':>10} "
            f"{'floor':>7} {'ratio':>6} {'rounds':>10}   documents"
        )

        def line(name: str, build: Rounds, floor: Rounds, note: str) -> float:
            cells = []
            for index in (0, 1):
                b = statistics.median(r[index] for r in build)
                f = statistics.median(r[index] for r in floor)
                each = [x[index] / y[index] for x, y in zip(build, floor, strict=True)]
                cells.append(f"{b * 1000:6.0f}ms {f * 1000:6.0f}ms {b / f:6.3f} {min(each):4.2f}–{max(each):4.2f}")
                if index == 0:
                    wall_ratio = b / f
            print(f"   {name:<18} {cells[0]}   {cells[1]:>37}   {note}", flush=True)
            return wall_ratio

        for name, (documents, build, floor) in times.items():
            line(name, build, floor, ", ".join(documents))
        total_build = [
            (sum(times[n][1][r][0] for n in times), sum(times[n][1][r][1] for n in times)) for r in range(runs)
        ]
        total_floor = [
            (sum(times[n][2][r][0] for n in times), sum(times[n][2][r][1] for n in times)) for r in range(runs)
        ]
        ratio = line("the corpus (sums)", total_build, total_floor, "")
        print(
            f"   target: the corpus ≤ {FLOOR_TARGET} (wall): {'met' if ratio <= FLOOR_TARGET else 'NOT MET'}\n"
            "   (medians over the rounds; the corpus row: the median of each round's sums; rounds: the lowest and\n"
            f"   highest ratio of a single round; load average now {load_average()})\n",
            flush=True,
        )

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        if wanted & {2, 3}:
            cold, noop, weasy, validate, lint, diff = interleaved(
                lambda: command(LABELING, "build", str(SAMPLE), "--out", str(out), "--force"),
                lambda: command(LABELING, "build", str(SAMPLE), "--out", str(out)),
                lambda: command(str(BIN / "python"), "-c", "import weasyprint"),
                lambda: command(LABELING, "validate", str(SAMPLE)),
                lambda: command(LABELING, "lint", str(SAMPLE), "--out", str(out)),
                lambda: command(LABELING, "diff", str(SAMPLE), str(SAMPLE)),
                runs=runs,
            )
            row("2. cold build (`labeling build --force`)", cold)
            row("   no-op rebuild (`labeling build`) ÷ cold build", noop, noop / cold, 0.05)
            row("3. python -c 'import weasyprint'", weasy)
            row("   labeling validate ÷ import (start-up, YAML, model)", validate, validate / weasy)
            row("   labeling lint ÷ import (LBL402 measures the built PDFs)", lint, lint / weasy, 0.3)
            row("   labeling lint ÷ cold build (issue 5: a small fraction)", "", lint / cold, 0.25)
            row("   labeling diff ÷ import", diff, diff / weasy, 0.3)

        if wanted & {4, 5}:
            portfolio = make_portfolio(Path(tmp), args.products)
            names = [str(p) for p in portfolio]
            portfolio_runs = max(2, runs // 2)
        if 4 in wanted:
            one, two = interleaved(
                lambda: command(LABELING, "build", *names, "--out", str(out / "p1"), "--force", "--jobs", "1"),
                lambda: command(LABELING, "build", *names, "--out", str(out / "p2"), "--force", "--jobs", "2"),
                runs=portfolio_runs,
            )
            row(f"4. portfolio of {args.products}, --jobs 1", f"{one.wall:.1f} s")
            row(
                f"   portfolio of {args.products}, --jobs 2 ÷ --jobs 1",
                f"{two.wall:.1f} s",
                two.wall / one.wall,
                0.6,
                note="(wall only: CPU time does not show parallelism)",
            )
            lint_all = median(lambda: command(LABELING, "lint", *names, "--out", str(out / "p1")), portfolio_runs)
            row("   lint of the portfolio (one command) ÷ its --jobs 1 build", f"{lint_all:.1f} s", lint_all / one.wall)
        if 5 in wanted:
            # One process building all N is the upper bound of a worker's load (a worker builds a share of them).
            rss = peak_rss_mb([LABELING, "build", *names, "--out", str(out / "p3"), "--force", "--jobs", "1"])
            row(
                f"5. peak RSS of one process building all {args.products}",
                f"{rss:.0f} MB",
                note=f"≤ 300 MB {'met' if rss <= 300 else 'NOT MET'}",
            )
        shutil.rmtree(out, ignore_errors=True)

    if 6 in wanted:
        render, verify, lint_warm, checked = verify_and_lint(runs)
        row(f"6. render the sample's {len(checked)} documents, warm", render)
        row("   verify them (read back, split, check) ÷ render, warm", verify, verify / render, 0.1)
        row("   lint the label ÷ render, warm", lint_warm, lint_warm / render)
        print(f"   (verified: {', '.join(checked)})")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            command(LABELING, "build", str(SAMPLE), "--out", str(out))
            built = sorted(p for p in (out / "cerebrolysin").iterdir() if p.name in checked)

            def verify_commands() -> None:
                for artifact in built:
                    command(LABELING, "verify", str(artifact), "--content", str(SAMPLE))

            cold_build, cold_verify = interleaved(
                lambda: command(LABELING, "build", str(SAMPLE), "--out", str(out), "--force"),
                verify_commands,
                runs=runs,
            )
            row("   cold build (`labeling build --force`)", cold_build)
            row(f"   {len(built)} × `labeling verify` ÷ cold build, cold", cold_verify, cold_verify / cold_build)
    print(
        f"\nload average {load_average()}; max RSS of this benchmark process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
