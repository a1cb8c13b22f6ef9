"""`kill -9` at any moment leaves every output either the previous complete file or the new complete file."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

pytestmark = pytest.mark.slow  # kill -9 during real builds, many times

ROOT = Path(__file__).resolve().parent.parent
SOURCE = (ROOT / "content" / "cerebrolysin.yaml").read_text(encoding="utf-8")
ARTIFACTS = ("package-insert.pdf", "product-sheet.docx", "patient-information.pdf", "manifest.json")
KILLS = 20


def build(content: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "labeling.cli", "build", str(content), "--out", str(out), "--force"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / "cerebrolysin" / name).read_bytes() for name in ARTIFACTS}


def assert_complete(name: str, data: bytes) -> None:
    if name.endswith(".pdf"):
        document = pdfium.PdfDocument(data)
        assert len(document) > 0
        document.close()
    elif name.endswith(".docx"):
        assert docx.Document(io.BytesIO(data)).paragraphs
    else:
        json.loads(data)


def test_killed_builds_leave_old_or_new_complete_files(tmp_path):
    versions = {"a": tmp_path / "a.yaml", "b": tmp_path / "b.yaml"}
    versions["a"].write_text(SOURCE, encoding="utf-8")
    versions["b"].write_text(SOURCE.replace("dose: 20-50 mL/day", "dose: 20-40 mL/day"), encoding="utf-8")
    expected = {}
    for key, content in versions.items():
        started = time.monotonic()
        assert build(content, tmp_path / f"ref-{key}").wait() == 0
        expected[key] = outputs(tmp_path / f"ref-{key}")
        duration = time.monotonic() - started
    for name in ARTIFACTS[:-1]:
        assert expected["a"][name] != expected["b"][name], name

    out = tmp_path / "out"
    assert build(versions["a"], out).wait() == 0
    rng = random.Random(20261126)
    finished = 0
    for attempt in range(KILLS):
        # Half the kills anywhere in a build, half near its end, where the files are written.
        moment = rng.uniform(0.05, duration) if attempt % 2 else rng.uniform(0.75 * duration, 1.1 * duration)
        process = build(versions["b" if attempt % 2 == 0 else "a"], out)
        time.sleep(moment)
        process.kill()
        finished += process.wait() == 0
        for name, data in outputs(out).items():
            assert data in (expected["a"][name], expected["b"][name]), f"kill {attempt}: {name} is neither version"
            assert_complete(name, data)
    assert finished < KILLS  # the kills really interrupted builds
    # A later build cleans up whatever a killed one left and produces the new files.
    assert build(versions["b"], out).wait() == 0
    assert outputs(out) == expected["b"]
    assert not list((out / "cerebrolysin").glob(".*.tmp"))
