"""Change control: fact-level diff, its classification and policy, git --base, and the redlines."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from labeling.cli import main
from labeling.diff import EDITORIAL, MAJOR, MINOR, diff_labels, diff_products
from labeling.load import parse_label

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"
SOURCE = SAMPLE.read_text(encoding="utf-8")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

BUMP = [('version: "1.0"', 'version: "1.1"'), ("revision_date: 2026-11-01", "revision_date: 2027-02-01")]


def edited(*pairs, text: str = SOURCE) -> str:
    for old, new in pairs:
        assert old in text, f"edit target not in the sample: {old!r}"
        text = text.replace(old, new, 1)
    return text


def label(text: str = SOURCE, name: str = "label.yaml"):
    return parse_label(text, name)


def changes_of(*pairs):
    return diff_labels(label(), label(edited(*pairs)))


def test_identical_labels_have_no_changes():
    result = diff_products(label(), label(), "a", "b")
    assert result.status == "unchanged" and result.changes == [] and result.policy == []
    cli = CliRunner().invoke(main, ["diff", str(SAMPLE), str(SAMPLE)])
    assert cli.exit_code == 0 and "no label changes" in cli.output


@pytest.mark.parametrize(
    ("pairs", "path", "old", "new", "severity"),
    [
        (
            [("dose: 20-50 mL/day", "dose: 20-40 mL/day")],
            "dosing.regimens[stroke-tbi].dose",
            "20–50 mL/day",
            "20–40 mL/day",
            MAJOR,
        ),
        (
            [("duration: 4 weeks", "duration: 6 weeks")],
            "dosing.regimens[dementia].duration",
            "4 weeks",
            "6 weeks",
            MAJOR,
        ),
        (
            [("      routes: [iv]\n      dose: 10-30", "      routes: [im]\n      dose: 10-30")],
            "dosing.regimens[dementia].routes",
            "iv",
            "im",
            MAJOR,
        ),
        (
            [("temperature: 15-25 °C", "temperature: 15-30 °C")],
            "storage.conditions[unopened].temperature",
            "15–25 °C",
            "15–30 °C",
            MAJOR,
        ),
        (
            [("time_limit: 24 hours", "time_limit: 48 hours")],
            "storage.conditions[reconstituted].time_limit",
            "24 hours",
            "48 hours",
            MAJOR,
        ),
        (
            [("      protect_from: [light, moisture]", "      protect_from: [moisture]")],
            "storage.conditions[unopened].protect_from",
            "light, moisture",
            "moisture",
            MAJOR,
        ),
        (
            [
                (
                    "      do_not_freeze: true\n    - id: reconstituted",
                    "      do_not_freeze: false\n    - id: reconstituted",
                )
            ],
            "storage.conditions[unopened].do_not_freeze",
            "true",
            "false",
            MAJOR,
        ),
        (
            [("threshold: ≥80 mL/day", "threshold: ≥100 mL/day")],
            "warnings[high-dose].threshold",
            "80 mL/day or more",
            "100 mL/day or more",
            MAJOR,
        ),
        (
            [
                (
                    "    status: investigational\n    status_reason: The source presents it as an emerging research direction, not a current use.\n    summary: Investigated",
                    "    status: approved\n    status_reason: The source presents it as an emerging research direction, not a current use.\n    summary: Investigated",
                )
            ],
            "indications[parkinsons].status",
            "investigational",
            "approved",
            MAJOR,
        ),
        (
            [("    text: Severe renal impairment", "    text: Moderate or severe renal impairment")],
            "contraindications[severe-renal-impairment].text",
            "Severe renal impairment",
            "Moderate or severe renal impairment",
            MAJOR,
        ),
        (
            [("      fraction: 25%", "      fraction: 30%")],
            "description.components[peptides].fraction",
            "25%",
            "30%",
            MINOR,
        ),
        (
            [("      term: nausea", "      term: vomiting")],
            "adverse_reactions.reactions[nausea].term",
            "nausea",
            "vomiting",
            MINOR,
        ),
        (
            [
                (
                    "    status: pending\n    reason: Not a label fact",
                    "    status: approved\n    reason: Not a label fact",
                )
            ],
            "claims[gmp-certified].status",
            "pending",
            "approved",
            MINOR,
        ),
        (
            [("    patient_text: you have severe liver problems", "    patient_text: you have serious liver disease")],
            "contraindications[severe-hepatic-impairment].patient_text",
            "you have severe liver problems",
            "you have serious liver disease",
            EDITORIAL,
        ),
        (
            [
                (
                    "    text: Hypersensitivity to porcine (pig) proteins",
                    "    text: hypersensitivity to porcine (pig) proteins.",
                )
            ],
            "contraindications[porcine-hypersensitivity].text",
            "Hypersensitivity to porcine (pig) proteins",
            "hypersensitivity to porcine (pig) proteins.",
            EDITORIAL,
        ),
    ],
)
def test_each_fact_type_changed(pairs, path, old, new, severity):
    (change,) = changes_of(*pairs)
    assert (change.path, change.old, change.new, change.severity) == (path, old, new, severity)


def test_reordered_lists_are_not_changes():
    block_start = SOURCE.index("contraindications:\n  - id: porcine")
    block_end = SOURCE.index("\nwarnings:\n")
    items = SOURCE[block_start:block_end].split("\n  - ")
    reordered = items[0] + "\n  - " + "\n  - ".join(reversed(items[1:]))
    text = SOURCE[:block_start] + reordered + SOURCE[block_end:]
    text = edited(("      protect_from: [light, moisture]", "      protect_from: [moisture, light]"), text=text)
    assert diff_labels(label(), label(text)) == []


def test_added_and_removed_facts_are_one_change_each():
    changes = changes_of(
        (
            "  - id: active-malignancy\n",
            "  - id: active-bleeding\n    text: Active bleeding\n    patient_text: you are bleeding\n  - id: active-malignancy\n",
        )
    )
    assert [str(c) for c in changes] == ["contraindications[active-bleeding]: + Active bleeding"]
    assert changes[0].severity == MAJOR and "patient-information" in changes[0].documents
    start = SOURCE.index("  - id: severe-renal-impairment\n")
    end = SOURCE.index("  - id: severe-hepatic-impairment\n")
    (removed,) = diff_labels(label(), label(SOURCE[:start] + SOURCE[end:]))
    assert str(removed) == "contraindications[severe-renal-impairment]: − Severe renal impairment"


def test_wording_only_is_editorial_and_reaches_only_its_document():
    (change,) = changes_of(
        (
            "  how_it_is_given: A doctor or nurse will give you Cerebrolysin as an injection.",
            "  how_it_is_given: Your doctor or nurse gives you Cerebrolysin as an injection.",
        )
    )
    assert change.severity == EDITORIAL and change.documents == ("patient-information",)


def test_policy_needs_version_date_and_recent_major_changes():
    changed = label(edited(("dose: 20-50 mL/day", "dose: 20-40 mL/day")))
    policy = [f.message for f in diff_products(label(), changed, "a", "b").policy]
    assert any("version did not go up (1.0 → 1.0)" in m for m in policy)
    assert any("revision date did not move on" in m for m in policy)
    assert any(
        "Recent Major Changes entry for section 'dosage' dated 02/2027" in m or "dated 11/2026" in m for m in policy
    )
    bumped = label(edited(("dose: 20-50 mL/day", "dose: 20-40 mL/day"), *BUMP))
    assert [f.message for f in diff_products(label(), bumped, "a", "b").policy] == [
        "major change to dosage needs a Recent Major Changes entry for section 'dosage' dated 02/2027 (this revision)"
    ]
    complete = label(
        edited(
            ("dose: 20-50 mL/day", "dose: 20-40 mL/day"),
            *BUMP,
            ("  recent_major_changes: []", "  recent_major_changes:\n    - section: dosage\n      date: 2027-02-01"),
        )
    )
    assert diff_products(label(), complete, "a", "b").policy == []
    # storage is major but not eligible for Recent Major Changes: version and date suffice
    storage = label(edited(("temperature: 15-25 °C", "temperature: 15-30 °C"), *BUMP))
    assert diff_products(label(), storage, "a", "b").policy == []


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "labeling.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


def test_fail_on_exit_codes_and_formats(tmp_path):
    old = write(tmp_path, "old.yaml", SOURCE)
    editorial = write(
        tmp_path,
        "editorial.yaml",
        edited(
            ("    patient_text: you have severe liver problems", "    patient_text: you have serious liver disease"),
            *BUMP,
        ),
    )
    minor = write(tmp_path, "minor.yaml", edited(("      term: nausea", "      term: vomiting"), *BUMP))
    assert run("diff", old, editorial).returncode == 0
    assert run("diff", old, editorial, "--fail-on", "any").returncode == 1
    assert run("diff", old, editorial, "--fail-on", "minor").returncode == 0
    assert run("diff", old, minor, "--fail-on", "minor").returncode == 1
    assert run("diff", old, minor, "--fail-on", "major").returncode == 0
    payload = json.loads(run("diff", old, minor, "--format", "json").stdout)
    assert payload["schema_version"] == 2 and payload["command"] == "diff"
    (product,) = payload["products"]
    assert (
        product["severity"] == "minor" and product["changes"][0]["path"] == "adverse_reactions.reactions[nausea].term"
    )
    markdown = run("diff", old, minor, "--format", "markdown").stdout
    assert (
        markdown.startswith("## Label changes")
        and "| 🟡 minor | `adverse_reactions.reactions[nausea].term` | nausea | vomiting |" in markdown
    )
    assert markdown.rstrip().endswith("<!-- labeling diff schema_version=2 -->")
    unbumped = write(tmp_path, "unbumped.yaml", edited(("      term: nausea", "      term: vomiting")))
    policy = run("diff", old, unbumped)
    assert policy.returncode == 1 and "version did not go up" in policy.stdout
    assert run("diff", old).returncode == 2
    assert run("diff", old, ROOT / "tests" / "broken" / "typo-key.yaml").returncode == 2


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "content").mkdir(parents=True)
    (root / "content" / "cerebrolysin.yaml").write_text(SOURCE, encoding="utf-8")
    (root / "content" / "other.yaml").write_text(edited(("  id: cerebrolysin", "  id: other")), encoding="utf-8")

    def git(*args):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "first")
    return root, git


def test_base_ref_in_a_git_repository(repo):
    root, git = repo
    (root / "content" / "cerebrolysin.yaml").write_text(edited(("dose: 20-50 mL/day", "dose: 20-40 mL/day"), *BUMP))
    git("commit", "-qam", "lower dose")
    (root / "content" / "other.yaml").unlink()
    (root / "content" / "new.yaml").write_text(edited(("  id: cerebrolysin", "  id: newproduct")))
    result = run("diff", "--base", "HEAD~1", "--format", "json", cwd=root)
    products = {p["product"]: p for p in json.loads(result.stdout)["products"]}
    assert products["cerebrolysin"]["changes"][0]["path"] == "dosing.regimens[stroke-tbi].dose"
    assert products["other"]["status"] == "removed"
    assert products["newproduct"]["status"] == "added"
    assert result.returncode == 1  # the dose change lacks its Recent Major Changes entry
    head = run("diff", "--base", "HEAD", "content/cerebrolysin.yaml", cwd=root)
    assert head.returncode == 0 and "no label changes" in head.stdout
    bad = run("diff", "--base", "no-such-ref", cwd=root)
    assert bad.returncode == 2 and "not a commit" in bad.stderr


# --- redline ---------------------------------------------------------------------------------------------------

NEW = edited(
    ("dose: 20-50 mL/day", "dose: 20-40 mL/day"),
    ("temperature: 15-25 °C", "temperature: 15-30 °C"),
    (
        "  - id: active-malignancy\n",
        "  - id: active-bleeding\n    text: Active bleeding\n    patient_text: you are bleeding\n  - id: active-malignancy\n",
    ),
    *BUMP,
)


def paragraphs(document_xml: bytes, mode: str) -> list[str]:
    """The document's paragraph texts with every tracked change accepted or rejected, as Word would."""
    root = etree.fromstring(document_xml)
    drop = "del" if mode == "accept" else "ins"
    texts = []
    for paragraph in root.iter(f"{W}p"):
        mark = paragraph.find(f"{W}pPr/{W}rPr/{W}{drop}")
        parts = []
        for node in paragraph.iter(f"{W}t", f"{W}delText"):
            inside = {a.tag for a in node.iterancestors() if a.tag in (f"{W}ins", f"{W}del")}
            if f"{W}{drop}" in inside:
                continue
            parts.append(node.text or "")
        text = "".join(parts)
        if mark is not None and not text:
            continue  # the whole paragraph was inserted (reject) or deleted (accept)
        texts.append(text)
    return texts


def test_redline_docx_accepts_to_new_and_rejects_to_old(tmp_path):
    from labeling.redline import compare, redline_docx

    old_label, new_label = label(), label(NEW)
    data = redline_docx(old_label, new_label)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document_xml = archive.read("word/document.xml")
    root = etree.fromstring(document_xml)
    insertions, deletions = root.findall(f".//{W}ins"), root.findall(f".//{W}del")
    assert insertions and deletions
    for change in insertions + deletions:
        assert change.get(f"{W}author").startswith("labeling") and change.get(f"{W}date") == "2027-02-01T00:00:00Z"
    _, ops = compare(old_label, new_label)
    new_text = [op.new.text for op in ops if op.new]
    old_text = [op.old.text for op in ops if op.old]
    accepted, rejected = paragraphs(document_xml, "accept")[2:], paragraphs(document_xml, "reject")[2:]
    assert accepted == new_text and rejected == old_text
    assert "Active bleeding" in accepted and "Active bleeding" not in rejected
    assert any("20–40" in t for t in accepted) and not any("20–40" in t for t in rejected)
    assert redline_docx(old_label, new_label) == data  # deterministic


def test_redline_docx_opens_in_libreoffice_with_its_tracked_changes(tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    old, new = write(tmp_path, "old.yaml", SOURCE), write(tmp_path, "new.yaml", NEW)
    out = tmp_path / "redline.docx"
    assert run("redline", old, new, "--out", out).returncode == 0
    # LibreOffice reads the revisions and writes them back: count them after a round trip through its filter.
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "odt", "--outdir", str(tmp_path), str(out)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with zipfile.ZipFile(tmp_path / "redline.odt") as archive:
        content = archive.read("content.xml").decode("utf-8")
    with zipfile.ZipFile(out) as archive:
        document_xml = archive.read("word/document.xml")
    root = etree.fromstring(document_xml)
    # One region per changed run; a paragraph mark changed with its runs is part of the same region.
    ours = len([c for c in root.iter(f"{W}ins", f"{W}del") if c.getparent().tag != f"{W}rPr"])
    assert content.count("<text:changed-region") == ours > 0
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (tmp_path / "redline.pdf").stat().st_size > 1000


def test_redline_pdf_marks_insertions_deletions_and_change_bars(tmp_path):
    from labeling.extract.pdf import extract_pdf_text
    from labeling.extract.sections import normalize
    from labeling.redline import redline_html

    html = redline_html(label(), label(NEW))
    assert '<ins class="rl">Active bleeding</ins>' in html
    assert "rl-changed" in html and '<del class="rl">' in html
    old, new = write(tmp_path, "old.yaml", SOURCE), write(tmp_path, "new.yaml", NEW)
    out = tmp_path / "redline.pdf"
    result = run("redline", old, new, "--out", out)
    assert result.returncode == 0, result.stderr
    text = normalize(extract_pdf_text(out.read_bytes()))
    assert "Redline: version 1.1 (02/2027) compared with version 1.0 (11/2026)" in text
    assert "Active bleeding" in text and "20-50" in text and "20-40" in text  # deleted text stays visible, struck


def test_redline_needs_a_docx_or_pdf_name(tmp_path):
    result = run("redline", SAMPLE, SAMPLE, "--out", tmp_path / "redline.txt")
    assert result.returncode == 2 and "--out must end in .docx" in result.stderr


def test_diff_and_redline_docx_never_import_weasyprint(tmp_path):
    new = write(tmp_path, "new.yaml", NEW)
    code = (
        "import sys\nfrom labeling.cli import main\n"
        f"for args in (['diff', {str(SAMPLE)!r}, {str(new)!r}], ['redline', {str(SAMPLE)!r}, {str(new)!r}, '--out', {str(tmp_path / 'r.docx')!r}]):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "assert 'weasyprint' not in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_check_applies_the_change_policy_against_a_base(repo):
    root, _ = repo
    (root / "content" / "cerebrolysin.yaml").write_text(edited(("dose: 20-50 mL/day", "dose: 20-40 mL/day")))
    result = run("check", "content/cerebrolysin.yaml", "--base", "HEAD", cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "policy: cerebrolysin: the label changed but its version did not go up" in result.stdout
    assert "Change policy against HEAD: 3 problem(s)." in result.stdout


def test_ci_recipe_and_pre_commit_hooks_use_real_commands():
    import yaml

    # The CI recipe is the GitHub Action (action.yml) the example workflow uses; tests/test_packaging.py checks
    # every option of every command it runs.
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = " ".join(step.get("run", "") for step in action["runs"]["steps"])
    for command in (
        "labeling check $CONTENT --base",
        "labeling diff --base",
        "--format markdown",
        "labeling redline",
        "labeling lint $CONTENT --format sarif",
    ):
        assert command in steps, command
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"]: h["entry"] for h in hooks} == {
        "labeling-lint": "labeling lint",
        "labeling-validate": "labeling validate",
    }
    commands = set(main.commands)
    assert {"lint", "validate", "check", "diff", "redline"} <= commands


def test_a_killed_redlines_temporary_file_is_removed_by_the_next(tmp_path):
    """kill -9 between writing the temporary file and renaming it leaves it; the next write of the same file
    removes it (a live write is never a minute old)."""
    import os
    import time

    new = write(tmp_path, "new.yaml", NEW)
    stale = tmp_path / ".r.docx.k1ll3d.tmp"
    stale.write_bytes(b"half a document")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".r.docx.l1v3.tmp"  # another write in progress right now: left alone
    fresh.write_bytes(b"being written")
    result = CliRunner().invoke(main, ["redline", str(SAMPLE), str(new), "--out", str(tmp_path / "r.docx")])
    assert result.exit_code == 0, result.output
    assert not stale.exists() and fresh.exists() and (tmp_path / "r.docx").is_file()
