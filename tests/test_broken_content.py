"""A corpus of realistic mistakes: each must exit 2 naming the file, the line and the field, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from labeling.cli import main

BROKEN = Path(__file__).resolve().parent / "broken"

# file, line, field named in the message, words the message must contain
CASES = [
    ("typo-key", 154, "contraindictions", "did you mean 'contraindications'"),
    ("unit-lowercase-ml", 97, "dosing.regimens[stroke-tbi].dose", "unknown unit 'ml' (did you mean 'mL'?)"),
    ("range-max-below-min", 103, "dosing.regimens[dementia].dose", "minimum 30 is greater than maximum 10"),
    ("missing-storage-section", 8, "storage", "missing required section 'storage'"),
    ("duplicate-key-contraindications", 168, "contraindications", "duplicate key 'contraindications' (first at line 154)"),
    ("wrong-indentation", 97, "dosing.regimens[stroke-tbi].dose", "indentation"),
    ("colon-in-text", 177, "contraindications[active-malignancy].text", "put the text in quotes"),
    ("tab-indentation", 104, "dosing.regimens[dementia].duration", "tab character"),
    ("empty", 1, "", "the file is empty"),
    ("comments-only", 1, "", "the file is empty"),
    ("unknown-status", 30, "indications[stroke].status", "'aproved' is not allowed; did you mean 'approved'?"),
    ("duplicate-id", 164, "contraindications[severe-hepatic-impairment].id", "duplicate id 'severe-hepatic-impairment' (already used at line 161)"),
    ("dangling-indication", 95, "dosing.regimens[stroke-tbi].indications[0]", "'strok' is not the id of any indication (did you mean 'stroke'?)"),
    ("temperature-fahrenheit", 139, "storage.conditions[unopened].temperature", "takes one of the units °C, not °F"),
    ("dose-without-period", 110, "dosing.regimens[nootropic].dose", "needs a period"),
    ("impossible-date", 21, "label.revision_date", "month must be in 1..12"),
    ("missing-leading-zero", 123, "dosing.populations[elderly].starting_dose", "leading zero"),
    ("scalar-for-list", 141, "storage.conditions[unopened].protect_from", "expected a list"),
    ("strength-without-unit", 13, "product.strength", "has no unit"),
    ("plural-unit", 97, "dosing.regimens[stroke-tbi].dose", "unknown unit 'mLs' (did you mean 'mL'?)"),
    ("unknown-route", 109, "dosing.regimens[nootropic].route", "'sc' is not the id of any route"),
    ("missing-id", 182, "adverse_reactions.reactions[1].id", "missing required field 'id'"),
    ("threshold-not-placed", 172, "warnings[high-dose].text", "must place the threshold once"),
    ("unknown-unit-abbreviation", 103, "dosing.regimens[dementia].dose", "unknown unit 'cc' (did you mean 'mL'?)"),
    ("latin-1", 139, "storage.conditions[unopened].temperature", "byte 0xb0 is not UTF-8"),
    ("utf-16", 1, "", "the file is UTF-16; save it as UTF-8"),
    ("binary-garbage", 2, "", "is not UTF-8"),
]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_every_broken_file_has_an_expectation():
    assert sorted(p.stem for p in BROKEN.glob("*.yaml")) == sorted(name for name, *_ in CASES)
    assert len(CASES) >= 15


@pytest.mark.parametrize(("name", "line", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_broken_file_is_reported_at_its_line_and_field(name, line, field, words):
    path = BROKEN / f"{name}.yaml"
    result = run("validate", str(path))
    assert result.exit_code == 2, result.output
    expected_prefix = f"{path}:{line}:"
    matching = [text for text in result.output.splitlines() if text.startswith(expected_prefix) and words in text]
    assert matching, f"expected a line starting {expected_prefix!r} containing {words!r}, got:\n{result.output}"
    if field:
        assert f": {field}: " in matching[0], matching[0]
    assert "Traceback" not in result.output


def test_all_problems_of_a_file_are_reported_at_once(tmp_path):
    source = (Path(__file__).resolve().parent.parent / "content" / "cerebrolysin.yaml").read_text()
    broken = source.replace("dose: 20-50 mL/day", "dose: 20-50 ml/day").replace("status: approved", "status: aproved", 1)
    broken = broken.replace("temperature: 2-8 °C", "temperature: 8-2 °C")
    path = tmp_path / "three.yaml"
    path.write_text(broken)
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert "Found 3 errors in 1 file." in result.output
    lines = [text for text in result.output.splitlines() if text.startswith(str(path))]
    assert [int(text.split(":")[1]) for text in lines] == sorted(int(text.split(":")[1]) for text in lines)


def test_exit_code_and_no_traceback_in_a_real_process():
    path = BROKEN / "duplicate-key-contraindications.yaml"
    proc = subprocess.run([sys.executable, "-m", "labeling.cli", "validate", str(path)], capture_output=True,
                          text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{path}:168:1: contraindications: duplicate key" in proc.stderr


def test_missing_file_is_bad_input():
    result = run("validate", "no/such/file.yaml")
    assert result.exit_code == 2
    assert "no/such/file.yaml:1:1: no such file" in result.output
