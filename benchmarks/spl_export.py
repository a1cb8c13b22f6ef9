"""What SPL export adds to a build: every corpus label rendered with and without its spl.xml, alternated.

    .venv/bin/python benchmarks/spl_export.py --runs 7

Warm, in one process (the renderers imported and the fonts loaded before the first round), so the figure is the
SPL writer's own work — composing the patient labeling again, building the XML, serialising it — against the
rest of a build's rendering. Prints medians and their ratio; record them in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from labeling import documents
    from labeling.build import render_documents
    from labeling.load import load_label

    labels = [load_label(path) for path in sorted((ROOT / "content").glob("*.yaml"))]
    us = documents.MARKETS["us"]
    without = documents.Market(us.code, tuple(o for o in us.outputs if o.format != "spl"), us.notes)

    def build(market: documents.Market) -> float:
        documents.MARKETS["us"] = market
        try:
            start = time.perf_counter()
            for label in labels:
                render_documents(label)
            return time.perf_counter() - start
        finally:
            documents.MARKETS["us"] = us

    build(us)  # warm: imports, fonts, stylesheets
    with_spl, without_spl = [], []
    for _ in range(args.runs):
        with_spl.append(build(us))
        without_spl.append(build(without))
    a, b = statistics.median(with_spl), statistics.median(without_spl)
    print(f"{len(labels)} labels, {args.runs} alternated rounds, medians")
    print(f"  render with spl.xml    {a * 1000:8.0f} ms")
    print(f"  render without it      {b * 1000:8.0f} ms")
    print(f"  SPL export adds        {(a - b) / b:8.1%}  (target: at most 10%)")


if __name__ == "__main__":
    main()
