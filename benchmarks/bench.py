"""The labeling benchmark: one command, medians of several runs on this machine, ratios against targets.

    .venv/bin/python benchmarks/bench.py [--runs N] [--products 16]

Measures (issue targets in brackets):
  1. build of the sample ÷ the floor: bare WeasyPrint on the same emitted HTML + saving the same DOCX, both in
     one warm process                                                                          [≤ 1.15]
  2. no-op rebuild ÷ cold build, as commands                                                    [≤ 0.05]
  3. `labeling lint` and `labeling diff` ÷ `python -c "import weasyprint"`, as commands          [≤ 0.3]
     and `labeling lint` ÷ a cold build (issue 5: "a small fraction of a build")              [≤ 0.25]
  4. a portfolio of N products built with --jobs 2 ÷ --jobs 1                                    [≤ 0.6]
  5. peak memory (RSS) of one process building all N products (a worker's upper bound)        [≤ 300 MB]
  6. verifying the three sample artifacts ÷ building them, warm                                  [≤ 0.1]
The portfolio is generated from the sample: distinct product ids and dose values.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"
BIN = Path(sys.executable).parent
LABELING = str(BIN / "labeling")


def median(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def command(*args: str, cwd: Path | None = None) -> None:
    subprocess.run([*args], check=True, capture_output=True, cwd=cwd)


def make_portfolio(folder: Path, count: int) -> list[Path]:
    text = SAMPLE.read_text(encoding="utf-8")
    paths = []
    for index in range(count):
        variant = (text.replace("  id: cerebrolysin\n", f"  id: product-{index:03d}\n", 1)
                   .replace("dose: 20-50 mL/day", f"dose: 20-{30 + index % 20} mL/day", 1)
                   .replace("  name: Cerebrolysin\n", f"  name: Cerebrolysin {index}\n", 1))
        path = folder / f"product-{index:03d}.yaml"
        path.write_text(variant, encoding="utf-8")
        paths.append(path)
    return paths


def floor_and_build(runs: int) -> tuple[float, float]:
    """Warm, in one process: the floor (WeasyPrint on our HTML + saving our DOCX) and our whole build."""
    import docx

    from labeling.build import build_label, render_documents
    from labeling.documents import DOCUMENT_KINDS
    from labeling.load import load_label
    from labeling.render.html import render_markup
    from labeling.render.pdf import SandboxFetcher, font_config, stylesheet
    from weasyprint import HTML

    label = load_label(SAMPLE)
    html = {k.name: render_markup(label, k) for k in DOCUMENT_KINDS.values() if k.format == "pdf"}
    sheet = render_documents(label)["product-sheet.docx"]
    base = {k.name: (ROOT / "templates" / k.template).as_uri() for k in DOCUMENT_KINDS.values()}

    def floor() -> None:
        for name, markup in html.items():
            kind = DOCUMENT_KINDS[name]
            HTML(string=markup, base_url=base[name], url_fetcher=SandboxFetcher()).write_pdf(
                stylesheets=[stylesheet(kind.stylesheet)], font_config=font_config(), pdf_variant="pdf/ua-1")
        docx.Document(io.BytesIO(sheet)).save(io.BytesIO())

    with tempfile.TemporaryDirectory() as out:
        content = SAMPLE.read_bytes()

        def ours() -> None:
            build_label(label, content, Path(out), force=True)

        floor(), ours()  # warm both
        return interleaved(floor, ours, runs=runs)


def interleaved(*actions, runs: int) -> list[float]:
    """Medians of several actions timed in turn, so a noisy neighbour slows them all alike."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, times, strict=True):
            start = time.perf_counter()
            action()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


def verify_and_lint(runs: int) -> tuple[float, float, float]:
    from labeling.build import render_documents
    from labeling.documents import DOCUMENT_KINDS
    from labeling.extract.artifact import read_artifact
    from labeling.lint import run_lint
    from labeling.load import load_label
    from labeling.verify import verify_text

    label = load_label(SAMPLE)
    files = render_documents(label)

    def verify() -> None:
        for kind in DOCUMENT_KINDS.values():
            artifact = read_artifact(files[kind.filename], kind.filename)
            assert verify_text(artifact.text, kind, label, kind.filename).ok

    run_lint(label)  # warm (loads the syllable dictionary once)
    return (median(lambda: render_documents(label), runs), median(verify, runs),
            median(lambda: run_lint(label), runs))


def peak_rss_mb(args: list[str]) -> float:
    """Largest resident set of any process of the command (the main one or a worker), in MB."""
    code = ("import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--products", type=int, default=16)
    args = parser.parse_args()
    runs = args.runs
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: str, ratio: float | None, target: str, ok: bool | None) -> None:
        verdict = "" if ok is None else ("met" if ok else "NOT MET")
        rows.append((name, value, f"{ratio:.3f}" if ratio is not None else "", f"{target} {verdict}".strip()))
        print(f"{name:<58} {value:>18} {rows[-1][2]:>7}  {rows[-1][3]}", flush=True)

    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"medians of {runs} runs\n")
    floor, ours = floor_and_build(runs)
    row("1. build of the sample, warm", f"{ours * 1000:.0f} ms", None, "", None)
    row("   floor: WeasyPrint on the same HTML + saving the DOCX", f"{floor * 1000:.0f} ms", ours / floor, "≤ 1.15",
        ours / floor <= 1.15)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        cold, noop, weasy, validate, lint, diff = interleaved(
            lambda: command(LABELING, "build", str(SAMPLE), "--out", str(out), "--force"),
            lambda: command(LABELING, "build", str(SAMPLE), "--out", str(out)),
            lambda: command(str(BIN / "python"), "-c", "import weasyprint"),
            lambda: command(LABELING, "validate", str(SAMPLE)),
            lambda: command(LABELING, "lint", str(SAMPLE), "--out", str(out)),
            lambda: command(LABELING, "diff", str(SAMPLE), str(SAMPLE)), runs=runs)
        row("2. cold build (`labeling build --force`)", f"{cold * 1000:.0f} ms", None, "", None)
        row("   no-op rebuild (`labeling build`)", f"{noop * 1000:.0f} ms", noop / cold, "≤ 0.05", noop / cold <= 0.05)
        row("3. python -c 'import weasyprint'", f"{weasy * 1000:.0f} ms", None, "", None)
        row("   labeling validate (start-up, YAML, content model)", f"{validate * 1000:.0f} ms", validate / weasy, "",
            None)
        row("   labeling lint (built documents present: LBL402 measures them)", f"{lint * 1000:.0f} ms",
            lint / weasy, "≤ 0.3", lint / weasy <= 0.3)
        row("   labeling lint ÷ cold build (issue 5: a small fraction of a build)", "", lint / cold, "", None)
        row("   labeling diff", f"{diff * 1000:.0f} ms", diff / weasy, "≤ 0.3", diff / weasy <= 0.3)

        portfolio = make_portfolio(Path(tmp), args.products)
        names = [str(p) for p in portfolio]
        portfolio_runs = max(2, runs // 2)
        one, two = interleaved(
            lambda: command(LABELING, "build", *names, "--out", str(out / "p1"), "--force", "--jobs", "1"),
            lambda: command(LABELING, "build", *names, "--out", str(out / "p2"), "--force", "--jobs", "2"),
            runs=portfolio_runs)
        row(f"4. portfolio of {args.products}, --jobs 1", f"{one:.1f} s", None, "", None)
        row(f"   portfolio of {args.products}, --jobs 2", f"{two:.1f} s", two / one, "≤ 0.6", two / one <= 0.6)
        lint_all = median(lambda: command(LABELING, "lint", *names, "--out", str(out / "p1")), portfolio_runs)
        row(f"   lint of the portfolio (one command) ÷ its --jobs 1 build", f"{lint_all:.1f} s", lint_all / one, "",
            None)
        # One process building all N is the upper bound of a worker's load (a worker builds a share of them).
        rss = peak_rss_mb([LABELING, "build", *names, "--out", str(out / "p3"), "--force", "--jobs", "1"])
        row(f"5. peak RSS of one process building all {args.products}", f"{rss:.0f} MB", None, "≤ 300 MB", rss <= 300)
        shutil.rmtree(out, ignore_errors=True)

    build, verify, lint_warm = verify_and_lint(runs)
    row("6. render the three documents, warm", f"{build * 1000:.0f} ms", None, "", None)
    row("   verify the three artifacts, warm", f"{verify * 1000:.0f} ms", verify / build, "≤ 0.1", verify / build <= 0.1)
    row("   lint the label, warm", f"{lint_warm * 1000:.0f} ms", lint_warm / build, "", None)
    print(f"\nmax RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
