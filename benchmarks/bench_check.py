"""Verify and lint vs build: what checking the sample costs compared with building it.

Run: .venv/bin/python benchmarks/bench_check.py [--runs N]
Measured in one warm process (imports done, as inside `labeling check`), as medians of N runs, plus the cold
command-line figures (`labeling build --force` vs three `labeling verify` calls vs `labeling lint`).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"
LABELING = str(Path(sys.executable).parent / "labeling")


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from labeling.build import render_documents
    from labeling.documents import DOCUMENT_KINDS
    from labeling.extract.artifact import read_artifact
    from labeling.lint import run_lint
    from labeling.load import load_label
    from labeling.verify import verify_text

    label = load_label(SAMPLE)
    files = render_documents(label)  # warm-up: imports, fonts, stylesheets

    def verify_all() -> None:
        for kind in DOCUMENT_KINDS.values():
            artifact = read_artifact(files[kind.filename], kind.filename)
            assert verify_text(artifact.text, kind, label, kind.filename).ok

    build = median_seconds(lambda: render_documents(label), args.runs)
    verify = median_seconds(verify_all, args.runs)
    lint = median_seconds(lambda: run_lint(label), args.runs)
    print(f"in-process, median of {args.runs}: build {build * 1000:.0f} ms, verify {verify * 1000:.0f} ms "
          f"(ratio {verify / build:.3f}, target ≤ 0.1), lint {lint * 1000:.0f} ms (ratio {lint / build:.3f})")

    with tempfile.TemporaryDirectory() as tmp:
        def cli_build() -> None:
            subprocess.run([LABELING, "build", str(SAMPLE), "--out", tmp, "--force"], check=True,
                           capture_output=True)

        def cli_verify() -> None:
            for kind in DOCUMENT_KINDS.values():
                subprocess.run([LABELING, "verify", str(Path(tmp) / "cerebrolysin" / kind.filename), "--content",
                                str(SAMPLE)], check=True, capture_output=True)

        def cli_lint() -> None:
            subprocess.run([LABELING, "lint", str(SAMPLE), "--out", tmp], check=True, capture_output=True)

        cli_build()
        cold_build = median_seconds(cli_build, max(3, args.runs // 2))
        cold_verify = median_seconds(cli_verify, max(3, args.runs // 2))
        cold_lint = median_seconds(cli_lint, max(3, args.runs // 2))
    print(f"command line, median: `labeling build --force` {cold_build * 1000:.0f} ms, three `labeling verify` "
          f"{cold_verify * 1000:.0f} ms (ratio {cold_verify / cold_build:.3f}), `labeling lint` "
          f"{cold_lint * 1000:.0f} ms (ratio {cold_lint / cold_build:.3f})")


if __name__ == "__main__":
    main()
