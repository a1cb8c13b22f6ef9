"""Cold start: the commands as a user runs them, each a fresh process (issue 17).

    .venv/bin/python benchmarks/cold_start.py [--runs 11] [--label content/cerebrolysin.yaml] [--record NAME]

A pre-commit hook runs `labeling lint` on every commit, CI runs `validate`, `lint`, `diff` and `check` as
separate steps, an author runs `build` once: each pays Python's start-up and the tool's imports. Every round runs
each command below once as its own process; the order rotates by one every round (no command always follows the
same one), so a noisy neighbour slows them all alike. Medians of the rounds, wall time and (in brackets) the CPU
time of the process; targets are judged on wall time.

  reference   `python -c "import weasyprint"`
  bare        one process doing the build's rendering work with WeasyPrint, python-docx and lxml directly: the
              HTML the build lays out (same stylesheet and fonts, `pdf/ua-1`) written as PDF, the same DOCX
              loaded and saved, the same SPL parsed and serialised (benchmarks/bench.py's floor, as a process)
  build       `labeling build LABEL --force` (cold build)                   ÷ bare       [≤ 1.15]
  no-op       `labeling build LABEL` with everything up to date             ÷ build      [≤ 0.05]
  check       `labeling check LABEL` on built outputs (verify, SRPI, lint) ÷ build      [≤ 0.3]
  validate    `labeling validate LABEL`                                     ÷ reference
  lint        `labeling lint LABEL` with the built outputs (LBL402 reads them) ÷ reference [≤ 0.3]
  lint, none  `labeling lint LABEL` with nothing built                      ÷ reference
  diff        `labeling diff LABEL LABEL`                                   ÷ reference  [≤ 0.3]
  validate, no cache  `labeling validate LABEL` with LABELING_CACHE_DIR=off     ÷ reference
  floor: libraries    `python -c "import click; from pydantic import BaseModel"` ÷ reference
  floor: a label read Python + click + the label loaded and validated (what lint and diff do before their own
                      work; the schema from the cache as in the commands)       ÷ reference

`--record NAME` also writes the table into docs/benchmarks.md (section "Cold start", block NAME, replaced when
it is there). Outputs of the measured build are checked to be the same bytes in every round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import resource
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
PYTHON = str(BIN / "python")
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Cold start: commands as a user runs them (issue 17)"

# The bare process: WeasyPrint, python-docx and lxml on the build's own inputs, nothing of labeling imported.
BARE = r"""
import json, sys
from pathlib import Path
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
import docx
from lxml import etree

spec = json.loads(Path(sys.argv[1]).read_text())
out = Path(sys.argv[2])
fonts = FontConfiguration()
sheets = {}
for n, pdf in enumerate(spec["pdf"]):
    css = pdf["stylesheet"]
    if css and css not in sheets:
        sheets[css] = CSS(filename=css, font_config=fonts)
    HTML(string=Path(pdf["html"]).read_text(encoding="utf-8"), base_url=pdf["base_url"]).write_pdf(
        out / f"{n}.pdf", stylesheets=[sheets[css]] if css else [], font_config=fonts, pdf_variant="pdf/ua-1"
    )
for n, path in enumerate(spec["docx"]):
    docx.Document(path).save(out / f"{n}.docx")
for n, path in enumerate(spec["xml"]):
    (out / f"{n}.xml").write_bytes(etree.tostring(etree.parse(path), xml_declaration=True, encoding="UTF-8"))
"""


# What every command that reads a label does before its own work (lint and diff among them): Python, click,
# pydantic, the content model's classes, the YAML read and validated (schema from the cache, as in the commands).
FLOOR = "import sys, click; from labeling.load import load_label; load_label(sys.argv[1])"


def prepare_bare(label_path: Path, folder: Path) -> Path:
    """Write the build's inputs to the bare process (HTML, stylesheet path, DOCX and SPL bytes) and its script."""
    from labeling.compose import compose
    from labeling.documents import DOCUMENT_KINDS, outputs_for
    from labeling.language import language_for
    from labeling.load import load_label
    from labeling.render import writer
    from labeling.render.html import render_html
    from labeling.templates import templates_dir

    label = load_label(label_path)
    lang = language_for(label.label.language)
    spec: dict[str, list] = {"pdf": [], "docx": [], "xml": []}
    for n, output in enumerate(outputs_for(label)):
        kind = DOCUMENT_KINDS[output.kind]
        tree = compose(label, kind, lang)
        if output.format == "pdf":
            html = folder / f"{n}.html"
            html.write_text(render_html(label, tree, kind), encoding="utf-8")
            sheet = str(templates_dir() / kind.stylesheet) if kind.stylesheet else None
            base = (templates_dir() / f"{kind.name}.html").as_uri()
            spec["pdf"].append({"html": str(html), "base_url": base, "stylesheet": sheet})
        elif output.format in ("docx", "spl"):
            path = folder / f"{n}.{output.format}"
            path.write_bytes(writer(output.format)(label, tree, kind))
            spec["docx" if output.format == "docx" else "xml"].append(str(path))
        else:
            raise SystemExit(f"{label_path}: no bare work defined for format {output.format!r}")
    (folder / "bare.py").write_text(BARE, encoding="utf-8")
    (folder / "bare.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    (folder / "bare-out").mkdir()
    return folder


# A command run with the content model's schema cache switched off (labeling/schema_cache.py).
NO_CACHE = "LABELING_CACHE_DIR=off"


def run(args: list[str], expect: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall and CPU seconds of one process (CPU: user + system of the child)."""
    env = None
    if args[0] == NO_CACHE:
        args, env = args[1:], {**os.environ, "LABELING_CACHE_DIR": "off"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in expect:
        raise SystemExit(f"{' '.join(args)}: exit {done.returncode}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--label", type=Path, default=SAMPLE)
    parser.add_argument("--record", metavar="NAME", help="write the table into docs/benchmarks.md as block NAME")
    parser.add_argument("--only", help="comma-separated command names to run (the others are skipped)")
    args = parser.parse_args()
    label = str(args.label.resolve())
    started = dt.datetime.now(dt.UTC)
    load_start = load_average()

    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp:
        tmp_path = Path(tmp)
        built, cold, empty = tmp_path / "built", tmp_path / "cold", tmp_path / "empty"
        empty.mkdir()
        bare = prepare_bare(args.label, _mkdir(tmp_path / "bare"))
        run([LABELING, "build", label, "--out", str(built)])
        run([LABELING, "build", label, "--out", str(cold)])
        product = next(p for p in built.iterdir() if p.is_dir())
        expected = digests(product)
        commands: dict[str, list[str]] = {
            "import weasyprint": [PYTHON, "-c", "import weasyprint"],
            "bare": [PYTHON, str(bare / "bare.py"), str(bare / "bare.json"), str(bare / "bare-out")],
            "build": [LABELING, "build", label, "--out", str(cold), "--force"],
            "no-op": [LABELING, "build", label, "--out", str(built)],
            "check": [LABELING, "check", label, "--out", str(built)],
            "validate": [LABELING, "validate", label],
            "lint": [LABELING, "lint", label, "--out", str(built)],
            "lint, none built": [LABELING, "lint", label, "--out", str(empty)],
            "diff": [LABELING, "diff", label, label],
            "validate, no cache": [NO_CACHE, LABELING, "validate", label],
            "floor: libraries": [PYTHON, "-c", "import click; from pydantic import BaseModel"],
            "floor: a label read": [PYTHON, "-c", FLOOR, label],
        }
        if args.only:
            keep = {"import weasyprint", "bare", "build", *args.only.split(",")}
            commands = {name: argv for name, argv in commands.items() if name in keep}
        names = list(commands)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
        for round_ in range(args.runs):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(run(commands[name]))
            if digests(cold / product.name) != expected:
                raise SystemExit("the cold build wrote other bytes than the first build")
            print(f"  round {round_ + 1}/{args.runs} (load average {load_average()})", file=sys.stderr, flush=True)

    def med(name: str, index: int = 0) -> float:
        return statistics.median(t[index] for t in times[name])

    rows = [  # name, measured, divided by, target
        ("import weasyprint", '`python -c "import weasyprint"`', None, None),
        ("bare", "bare WeasyPrint + python-docx + lxml process, same work as the build", None, None),
        ("build", "cold `labeling build --force`", "bare", 1.15),
        ("no-op", "no-op `labeling build`", "build", 0.05),
        ("check", "`labeling check` on built outputs", "build", 0.3),
        ("validate", "`labeling validate`", "import weasyprint", None),
        ("lint", "`labeling lint`, built outputs present", "import weasyprint", 0.3),
        ("lint, none built", "`labeling lint`, nothing built", "import weasyprint", None),
        ("diff", "`labeling diff A A`", "import weasyprint", 0.3),
        ("validate, no cache", "`labeling validate`, schema cache off", "import weasyprint", None),
        ("floor: libraries", "floor: Python, click and pydantic's BaseModel imported", "import weasyprint", None),
        ("floor: a label read", "floor: the label loaded and validated, nothing else", "import weasyprint", None),
    ]
    lines = ["| command | wall (CPU) | ratio wall (CPU) | ÷ | rounds | target |", "|---|---|---|---|---|---|"]
    for name, what, over, target in rows:
        if name not in times:
            continue
        cell = f"{med(name) * 1000:,.0f} ms ({med(name, 1) * 1000:,.0f})"
        ratio = spread = verdict = ""
        if over:
            wall, cpu = med(name) / med(over), med(name, 1) / med(over, 1)
            each = [a[0] / b[0] for a, b in zip(times[name], times[over], strict=True)]
            ratio = f"**{wall:.3f}** ({cpu:.3f})"
            spread = f"{min(each):.2f}–{max(each):.2f}"
            if target is not None:
                verdict = f"≤ {target} {'met' if wall <= target else '**not met**'}"
        lines.append(f"| {what} | {cell} | {ratio} | {over or ''} | {spread} | {verdict} |")
    header = (
        f"{started:%Y-%m-%d, %H:%M} UTC, `benchmarks/cold_start.py --runs {args.runs}` on "
        f"{args.label.name}; {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {load_start} at the start, {load_average()} at the end. Medians of {args.runs} rounds; "
        "rounds: the lowest and highest ratio of a single round (each round's pair of processes)."
    )
    table = "\n".join(lines)
    print(f"\n{header}\n\n{table}")
    if args.record:
        record(args.record, f"{header}\n\n{table}\n")


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path.resolve()


def record(name: str, text: str) -> None:
    """Write or replace block NAME of the "Cold start" section of docs/benchmarks.md."""
    docs = DOCS.read_text(encoding="utf-8")
    begin, end = f"<!-- cold_start.py: {name} -->", f"<!-- /cold_start.py: {name} -->"
    block = f"{begin}\n### {name}\n\n{text}{end}\n"
    if begin in docs:
        docs = re.sub(re.escape(begin) + r".*?" + re.escape(end) + r"\n", lambda _: block, docs, flags=re.S)
    else:
        if SECTION not in docs:
            first = docs.index("\n## ")
            docs = docs[: first + 1] + f"{SECTION}\n\n" + docs[first + 1 :]
        at = docs.index(SECTION) + len(SECTION)
        following = docs.find("\n## ", at)
        at = following + 1 if following != -1 else len(docs)
        docs = docs[:at] + block + "\n" + docs[at:]
    DOCS.write_text(docs, encoding="utf-8")


if __name__ == "__main__":
    main()
