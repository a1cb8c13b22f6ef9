"""`labeling verify` and `labeling check` as a CI script and a regulatory user call them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import write_package

from labeling.cli import main
from labeling.compose import unbreakable
from labeling.language import english


def _unbreakable(text: str) -> str:
    return unbreakable(text, english())


ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "cerebrolysin"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def edit_docx(source: Path, target: Path, old: str, new: str, occurrence: int = 1) -> Path:
    """What marketing does in Word: change text in the document body, keep everything else."""
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    if old not in xml:  # quantities are set whole: non-breaking spaces, word joiners around a range's dash

        def whole(text: str) -> str:
            from labeling.render import keep_whole

            return keep_whole(_unbreakable(text))

        old, new = (whole(old), whole(new)) if whole(old) in xml else (_unbreakable(old), _unbreakable(new))
    index = -1
    for _ in range(occurrence):
        index = xml.find(old, index + 1)
        assert index >= 0, f"{old!r} not in the document"
    parts["word/document.xml"] = (xml[:index] + new + xml[index + len(old) :]).encode("utf-8")
    return write_package(parts, target)


@pytest.mark.parametrize("name", ["package-insert.pdf", "product-sheet.docx", "patient-information.pdf"])
def test_clean_artifacts_verify(built, name):
    result = run("verify", built / name, "--content", SAMPLE)
    assert result.exit_code == 0, result.output
    assert "All checks passed" in result.output


def test_json_output_is_stable_and_parseable(built):
    result = run("verify", built / "patient-information.pdf", "--content", SAMPLE, "--format", "json")
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["schema_version"] == 2 and payload["ok"] is True and payload["command"] == "verify"
    assert payload["tool"]["name"] == "labeling"
    (document,) = payload["documents"]
    assert document["kind"] == "patient-information"
    assert document["findings"] == []
    assert document["facts"]["storage.conditions[unopened].temperature"] == {
        "ok": True,
        "expected": "15–25 °C",
        "found": None,
    }


@pytest.mark.parametrize(
    ("old", "new", "occurrence", "fact", "words"),
    [
        (
            "20–50 mL/day",
            "20–60 mL/day",
            1,
            "dosing.regimens[stroke-tbi].dose",
            "expected 20–50 mL/day, found 20–60 mL/day",
        ),
        (
            "Intravenous (IV)",
            "Intramuscular (IM)",
            2,
            "dosing.regimens[stroke-tbi].routes",
            "expected intravenous, found intramuscular",
        ),
        ("15–25 °C", "15–30 °C", 1, "storage.conditions[unopened].temperature", "expected 15–25 °C, found 15–30 °C"),
        ("Severe hepatic impairment", "", 1, "contraindications[severe-hepatic-impairment]", "not found"),
        ("Active malignancy", "Active malignancy; active bleeding", 1, "contraindications", "active bleeding"),
    ],
)
def test_a_product_sheet_edited_in_word_is_caught(built, tmp_path, old, new, occurrence, fact, words):
    edited = edit_docx(built / "product-sheet.docx", tmp_path / "edited.docx", old, new, occurrence)
    result = run("verify", edited, "--content", SAMPLE)
    assert result.exit_code == 1, result.output
    line = next((text for text in result.output.splitlines() if f": {fact}: " in text), None)
    assert line is not None, result.output
    assert words in line
    assert line.startswith(f"{edited} §")


def test_finding_names_document_section_fact_expected_and_found(built, tmp_path):
    edited = edit_docx(built / "product-sheet.docx", tmp_path / "sheet.docx", "2–8 °C", "2–10 °C")
    result = run("verify", edited, "--content", SAMPLE)
    assert (
        f"{edited} §Storage: storage.conditions[reconstituted].temperature: expected 2–8 °C, found 2–10 °C"
        in result.output
    )
    assert "Found 1 finding in 1 document." in result.output


def test_an_artifact_without_our_metadata_needs_kind(built, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(built / "product-sheet.docx")],
        check=True,
        capture_output=True,
        timeout=180,
    )
    printed = tmp_path / "product-sheet.pdf"
    unknown = run("verify", printed, "--content", SAMPLE)
    assert unknown.exit_code == 2
    assert "cannot tell which document this is" in unknown.output and "--kind" in unknown.output
    # Re-laid-out by another program and read by another extractor path: still consistent.
    known = run("verify", printed, "--content", SAMPLE, "--kind", "product-sheet")
    assert known.exit_code == 0, known.output


def test_kind_disagreeing_with_the_document_is_bad_input(built):
    result = run("verify", built / "package-insert.pdf", "--content", SAMPLE, "--kind", "patient-information")
    assert result.exit_code == 2
    assert "says it is a package-insert, but --kind says patient-information" in result.output


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x00\x01garbage" * 50, "not a PDF, DOCX or SPL file"),
        (b"%PDF-1.7\nbroken", "not a readable PDF"),
        (b"PK\x03\x04 not really a zip", "not a PDF, DOCX or SPL file"),
    ],
)
def test_unreadable_artifacts_are_bad_input(tmp_path, data, words):
    path = tmp_path / "artifact.pdf"
    path.write_bytes(data)
    proc = subprocess.run(
        [sys.executable, "-m", "labeling.cli", "verify", str(path), "--content", str(SAMPLE)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert words in proc.stderr and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_artifact_and_bad_content_are_bad_input(built, tmp_path):
    assert run("verify", tmp_path / "nope.pdf", "--content", SAMPLE).exit_code == 2
    broken = ROOT / "tests" / "broken" / "unit-lowercase-ml.yaml"
    result = run("verify", built / "package-insert.pdf", "--content", broken)
    assert result.exit_code == 2 and "did you mean 'mL'" in result.output


def test_check_builds_verifies_and_prints_the_matrix(tmp_path):
    out = tmp_path / "out"
    result = run("check", SAMPLE, "--out", out)
    assert result.exit_code == 0, result.output
    assert "built in" in result.output
    assert "dosing.regimens[stroke-tbi].dose" in result.output and "✓" in result.output
    # 3 files, 3 documents in the SPL, and the insert's SRPI checklist
    assert "All checks passed:" in result.output and "in 7 documents." in result.output
    assert "SRPI 4" in result.output  # the checklist's table
    again = run("check", SAMPLE, "--out", out, "--format", "json")
    payload = json.loads(again.output)
    assert again.exit_code == 0 and payload["ok"] and len(payload["documents"]) == 7
    kinds = [(d["kind"], d["format"]) for d in payload["documents"]]
    assert ("package-insert", "spl") in kinds and ("product-data", "spl") in kinds and ("srpi", "") in kinds


def test_check_reports_a_template_that_drifted(tmp_path, monkeypatch):
    """A team's template that prints a stale dose of its own instead of the tree's: check exits 1 and names the
    fact in the matrix."""
    from labeling.render.html import environment
    from labeling.templates import TEMPLATES_DIR

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    macros = templates / "_tree.html.j2"
    stale = (
        '<span class="q">{{ run.text | keep_whole }}</span>',
        '<span class="q">{{ run.text | replace("50", "40") | keep_whole }}</span>',
    )
    text = macros.read_text()
    assert stale[0] in text
    macros.write_text(text.replace(stale[0], stale[1], 1))
    monkeypatch.setenv("LABELING_TEMPLATES", str(templates))
    environment.cache_clear()
    try:
        result = run("check", SAMPLE, "--out", tmp_path / "out")
    finally:
        environment.cache_clear()
    assert result.exit_code == 1, result.output
    assert "dosing.regimens[stroke-tbi].dose: expected 20–50 mL/day, found 20–40 mL/day" in result.output
    assert "✗ 20–40 mL/day" in result.output
