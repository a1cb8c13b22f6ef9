"""Incremental builds, portfolios and shards: the cache rebuilds exactly when an input changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from labeling.cli import main

pytestmark = pytest.mark.slow  # builds the sample many times in subprocesses

ROOT = Path(__file__).resolve().parent.parent
SOURCE = (ROOT / "content" / "cerebrolysin.yaml").read_text(encoding="utf-8")


def build(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "labeling.cli", "build", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def states(output: str) -> dict[str, str]:
    """product folder name → 'built' or 'up to date', from build's output lines."""
    found = {}
    for line in output.splitlines():
        state, _, rest = line.partition(": ")
        if state in ("built", "up to date"):
            found[Path(rest.split(" (")[0].rstrip("/")).name] = state
    return found


@pytest.fixture
def project(tmp_path):
    content = tmp_path / "cerebrolysin.yaml"
    content.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "out"
    first = build(content, "--out", out)
    assert first.returncode == 0 and states(first.stdout) == {"cerebrolysin": "built"}
    return content, out


def test_nothing_changed_nothing_rebuilt(project):
    content, out = project
    before = {p.name: p.stat().st_mtime_ns for p in (out / "cerebrolysin").iterdir()}
    os.utime(content)  # a touched file with the same bytes is not a change
    again = build(content, "--out", out)
    assert states(again.stdout) == {"cerebrolysin": "up to date"}
    assert {p.name: p.stat().st_mtime_ns for p in (out / "cerebrolysin").iterdir()} == before


def test_a_content_change_rebuilds(project):
    content, out = project
    content.write_text(SOURCE.replace("dose: 20-50 mL/day", "dose: 20-40 mL/day"), encoding="utf-8")
    assert states(build(content, "--out", out).stdout) == {"cerebrolysin": "built"}
    assert states(build(content, "--out", out).stdout) == {"cerebrolysin": "up to date"}


@pytest.mark.parametrize(
    "template",
    [
        "package-insert.html.j2",
        "patient-information.css",
        "reference.docx",
        "fonts/LiberationSans-Bold.ttf",
        "_pdf-meta.html.j2",
    ],
)
def test_a_change_to_any_template_rebuilds(project, tmp_path, template):
    content, out = project
    from labeling.templates import TEMPLATES_DIR

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    env = {"LABELING_TEMPLATES": str(templates)}
    assert states(build(content, "--out", out, env=env).stdout) == {"cerebrolysin": "up to date"}  # same files
    target = templates / template
    data = target.read_bytes()
    target.write_bytes(data + (b"\n" if template.endswith((".j2", ".css")) else b"\0"))
    rebuilt = build(content, "--out", out, env=env)
    assert states(rebuilt.stdout) == {"cerebrolysin": "built"}, rebuilt.stderr
    result = build(content, "--out", out, env=env)
    assert states(result.stdout) == {"cerebrolysin": "up to date"}


def test_a_new_tool_version_rebuilds(project, monkeypatch):
    content, out = project
    monkeypatch.setattr("labeling.build.__version__", "99.0.0")
    result = CliRunner().invoke(main, ["build", str(content), "--out", str(out)])
    assert result.exit_code == 0 and states(result.output) == {"cerebrolysin": "built"}


def test_a_change_to_the_tools_code_rebuilds(project, monkeypatch):
    content, out = project
    monkeypatch.setattr("labeling.build.code_hash", lambda: "0" * 64)
    result = CliRunner().invoke(main, ["build", str(content), "--out", str(out)])
    assert result.exit_code == 0 and states(result.output) == {"cerebrolysin": "built"}


def test_code_hash_follows_python_sources_only(tmp_path):
    from labeling.build import code_hash

    (tmp_path / "render").mkdir()
    (tmp_path / "render" / "html.py").write_text("A = 1\n")
    before = code_hash(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "html.cpython-311.pyc").write_bytes(b"compiled")
    (tmp_path / "notes.txt").write_text("not code")
    assert code_hash(tmp_path) == before
    (tmp_path / "render" / "html.py").write_text("A = 2\n")
    assert code_hash(tmp_path) != before


@pytest.mark.parametrize(
    "victim", ["package-insert.pdf", "product-sheet.docx", "patient-information.pdf", "manifest.json"]
)
def test_a_deleted_or_edited_output_is_rebuilt(project, victim):
    content, out = project
    original = (out / "cerebrolysin" / victim).read_bytes()
    (out / "cerebrolysin" / victim).unlink()
    assert states(build(content, "--out", out).stdout) == {"cerebrolysin": "built"}
    assert (out / "cerebrolysin" / victim).read_bytes() == original
    if victim != "manifest.json":
        (out / "cerebrolysin" / victim).write_bytes(original[:-10])  # hand-edited or truncated
        assert states(build(content, "--out", out).stdout) == {"cerebrolysin": "built"}
        assert (out / "cerebrolysin" / victim).read_bytes() == original


def test_html_previews_are_built_when_asked(project):
    content, out = project
    result = build(content, "--out", out, "--html")
    assert states(result.stdout) == {"cerebrolysin": "built"}
    html = (out / "cerebrolysin" / "package-insert.html").read_text()
    assert '<link rel="stylesheet" href="package-insert.css">' in html and "<base href=" in html
    assert states(build(content, "--out", out, "--html").stdout) == {"cerebrolysin": "up to date"}


def portfolio(folder: Path, count: int) -> list[Path]:
    paths = []
    for index in range(count):
        path = folder / f"product-{index}.yaml"
        path.write_text(
            SOURCE.replace("  id: cerebrolysin\n", f"  id: product-{index}\n", 1).replace(
                "dose: 20-50 mL/day", f"dose: 20-{40 + index} mL/day", 1
            ),
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_parallel_portfolio_matches_serial_builds(tmp_path):
    paths = portfolio(tmp_path, 3)
    serial = build(*paths, "--out", tmp_path / "serial", "--jobs", "1")
    parallel = build(*paths, "--out", tmp_path / "parallel", "--jobs", "2")
    assert serial.returncode == parallel.returncode == 0, parallel.stderr
    assert states(parallel.stdout) == {f"product-{i}": "built" for i in range(3)}
    for index in range(3):
        for name in ("package-insert.pdf", "product-sheet.docx", "patient-information.pdf"):
            assert (tmp_path / "serial" / f"product-{index}" / name).read_bytes() == (
                tmp_path / "parallel" / f"product-{index}" / name
            ).read_bytes()
    again = build(*paths, "--out", tmp_path / "parallel", "--jobs", "2")
    assert states(again.stdout) == {f"product-{i}": "up to date" for i in range(3)}
    assert "Progress" not in again.stdout  # plain lines when not on a terminal (CI)


def test_one_failing_product_does_not_stop_the_others(tmp_path):
    paths = portfolio(tmp_path, 2)
    long = "".join(
        f"  - id: c{i}\n    text: Condition {i}\n    patient_text: you have condition {i}\n" for i in range(60)
    )
    paths[1].write_text(paths[1].read_text().replace("\nwarnings:\n", "\n" + long + "\nwarnings:\n"))
    result = build(*paths, "--out", tmp_path / "out", "--jobs", "2")
    assert result.returncode == 2
    assert "Highlights is" in result.stderr and "1 of 2 product(s) not built" in result.stderr
    assert states(result.stdout) == {"product-0": "built"}
    assert not (tmp_path / "out" / "product-1").exists()


def test_shards_split_a_portfolio_deterministically(tmp_path):
    from labeling.build import shard

    paths = portfolio(tmp_path, 5)
    slices = [shard(paths, i, 3) for i in (1, 2, 3)]
    assert sorted(p for s in slices for p in s) == sorted(paths)
    assert all(not set(a) & set(b) for a in slices for b in slices if a is not b)
    assert shard(list(reversed(paths)), 2, 3) == slices[1]
    result = build(*paths, "--out", tmp_path / "out", "--shard", "2/3", "--jobs", "1")
    assert result.returncode == 0
    assert set(states(result.stdout)) == {p.stem for p in slices[1]}
    for bad in ("0/3", "4/3", "two/3", "1-3"):
        rejected = build(*paths, "--out", tmp_path / "out", "--shard", bad)
        assert rejected.returncode == 2 and "expected I/N" in rejected.stderr


def test_commands_that_render_nothing_never_import_the_renderers(tmp_path):
    content = tmp_path / "label.yaml"
    content.write_text(SOURCE, encoding="utf-8")
    probe = (
        "import sys\nfrom labeling.cli import main\n"
        "for args in {args!r}:\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "bad = [m for m in ('weasyprint', 'docx', 'docx.oxml') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    commands = [
        ["--help"],
        ["schema"],
        ["validate", str(content)],
        ["lint", str(content), "--out", "/nonexistent"],
        ["diff", str(content), str(content)],
    ]
    for args in commands:
        proc = subprocess.run([sys.executable, "-c", probe.format(args=[args])], capture_output=True, text=True)
        assert proc.returncode == 0, (args, proc.stderr)
    noop = tmp_path / "out"
    assert build(content, "--out", noop).returncode == 0
    proc = subprocess.run(
        [sys.executable, "-c", probe.format(args=[["build", str(content), "--out", str(noop)]])],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr  # a no-op rebuild renders nothing, so imports nothing
