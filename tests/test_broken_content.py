"""A corpus of realistic mistakes: each must exit 2 naming the file, the line and the field, never a traceback.

Each case is one mistake made in the shipped sample (``content/cerebrolysin.yaml``), so the corpus follows the
content format as it changes; the expected line is found in the broken file by the text the mistake left there,
independently of the tool. ``tests/broken/`` holds the written-out files for people to read (the test checks
they are current: ``python tests/test_broken_content.py`` rewrites them).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from labeling.cli import main

ROOT = Path(__file__).resolve().parent.parent
BROKEN = Path(__file__).resolve().parent / "broken"
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"


@dataclass(frozen=True)
class Case:
    name: str
    old: str  # text of the sample to replace (first occurrence) …
    new: str  # … with this
    marker: str  # the reported line is the first line (after ``after``) containing this text
    field: str  # the field path the message names ("" for none)
    words: str  # words the message must contain ({line:…} filled with the line of another marker)
    after: str = ""  # search for the marker only after this text
    encoding: str = "utf-8"


CASES = [
    Case(
        "typo-key",
        "\ncontraindications:\n",
        "\ncontraindictions:\n",
        "contraindictions:",
        "contraindictions",
        "did you mean 'contraindications'",
    ),
    Case(
        "unit-lowercase-ml",
        "dose: 20-50 mL/day",
        "dose: 20-50 ml/day",
        "20-50 ml/day",
        "dosing.regimens[stroke-tbi].dose",
        "unknown unit 'ml' (did you mean 'mL'?)",
    ),
    Case(
        "range-max-below-min",
        "dose: 10-30 mL/day",
        "dose: 30-10 mL/day",
        "30-10 mL/day",
        "dosing.regimens[dementia].dose",
        "minimum 30 is greater than maximum 10",
    ),
    Case(
        "missing-storage-section",
        "\nstorage:\n",
        "\nstorage_notes:\n",
        "product:",
        "storage",
        "missing required section 'storage'",
    ),
    Case(
        "duplicate-key-contraindications",
        "\nwarnings:\n",
        "\ncontraindications:\n  - id: late\n    text: Late\n    patient_text: late\n\nwarnings:\n",
        "contraindications:",
        "contraindications",
        "duplicate key 'contraindications' (first at line {line:contraindications:})",
        after="patient_text: you have an active cancer",
    ),
    Case(
        "wrong-indentation",
        "      dose: 20-50 mL/day",
        "     dose: 20-50 mL/day",
        "dose: 20-50 mL/day",
        "dosing.regimens[stroke-tbi].dose",
        "indentation",
    ),
    Case(
        "colon-in-text",
        "text: Active malignancy",
        "text: Active malignancy: any type",
        "Active malignancy: any type",
        "contraindications[active-malignancy].text",
        "put the text in quotes",
    ),
    Case(
        "tab-indentation",
        "      duration: 4 weeks",
        "\tduration: 4 weeks",
        "\tduration",
        "dosing.regimens[dementia].duration",
        "tab character",
    ),
    Case(
        "unknown-status",
        "status: approved",
        "status: aproved",
        "aproved",
        "indications[stroke].status",
        "'aproved' is not allowed; did you mean 'approved'?",
    ),
    Case(
        "duplicate-id",
        "id: active-malignancy",
        "id: severe-hepatic-impairment",
        "id: severe-hepatic-impairment",
        "contraindications[severe-hepatic-impairment].id",
        "duplicate id 'severe-hepatic-impairment' (already used at line {line:id: severe-hepatic-impairment})",
        after="patient_text: you have severe liver problems",
    ),
    Case(
        "dangling-indication",
        "indications: [stroke, tbi]",
        "indications: [strok, tbi]",
        "[strok, tbi]",
        "dosing.regimens[stroke-tbi].indications[0]",
        "'strok' is not the id of any indication (did you mean 'stroke'?)",
    ),
    Case(
        "temperature-fahrenheit",
        "temperature: 15-25 °C",
        "temperature: 59-77 °F",
        "59-77 °F",
        "storage.conditions[unopened].temperature",
        "takes one of the units °C, not °F",
    ),
    Case(
        "daily-maximum-without-period",
        "      duration: 7-21 days",
        "      duration: 7-21 days\n      max_daily_dose: 50 mL",
        "max_daily_dose",
        "dosing.regimens[stroke-tbi].max_daily_dose",
        "is per day",
    ),
    Case(
        "impossible-date",
        "revision_date: 2026-11-01",
        "revision_date: 2026-13-01",
        "revision_date",
        "label.revision_date",
        "month must be in 1..12",
    ),
    Case(
        "missing-leading-zero",
        "dose: 5 mL/day",
        "dose: .5 mL/day",
        ".5 mL/day",
        "dosing.adjustments[elderly-start].dose",
        "leading zero",
    ),
    Case(
        "scalar-for-list",
        "protect_from: [light, moisture]",
        "protect_from: light",
        "protect_from: light",
        "storage.conditions[unopened].protect_from",
        "expected a list",
    ),
    Case(
        "strength-without-unit",
        "strength: 60 mg/vial",
        "strength: 60",
        "strength: 60",
        "product.presentations[vial].strength",
        "has no unit",
    ),
    Case(
        "plural-unit",
        "dose: 20-50 mL/day",
        "dose: 20-50 mLs/day",
        "mLs/day",
        "dosing.regimens[stroke-tbi].dose",
        "unknown unit 'mLs' (did you mean 'mL'?)",
    ),
    Case(
        "unknown-route",
        "routes: [im]",
        "routes: [sc]",
        "routes: [sc]",
        "dosing.regimens[nootropic].routes[0]",
        "'sc' is not the id of any route",
    ),
    Case(
        "missing-id",
        "    - id: nausea\n",
        "    -\n",
        "term: nausea",
        "adverse_reactions.reactions[1].id",
        "missing required field 'id'",
        after="- id: headache",
    ),
    Case(
        "threshold-not-placed",
        "text: Doses of {threshold} may increase",
        "text: Doses of 80 mL/day or more may increase",
        "Doses of 80 mL/day or more",
        "warnings[high-dose].text",
        "must place the threshold once",
    ),
    Case(
        "unknown-unit-abbreviation",
        "dose: 10-30 mL/day",
        "dose: 10-30 cc/day",
        "10-30 cc/day",
        "dosing.regimens[dementia].dose",
        "unknown unit 'cc' (did you mean 'mL'?)",
    ),
    Case(
        "unknown-language",
        "language: en",
        "language: xx",
        "language: xx",
        "label.language",
        "no language module for 'xx'",
    ),
    Case("unknown-market", "market: us", "market: uk", "market: uk", "label.market", "'uk' is not allowed"),
    Case(
        "regimen-for-unknown-population",
        "population: elderly",
        "population: eldery",
        "population: eldery",
        "dosing.adjustments[elderly-start].population",
        "'eldery' is not the id of any population (did you mean 'elderly'?)",
    ),
    Case(
        "gap-names-an-unknown-section",
        "sections: [overdosage]",
        "sections: [overdose]",
        "[overdose]",
        "gaps[overdosage].sections[0]",
        "'overdose' is not a document section (did you mean 'overdosage'?)",
    ),
    Case(
        "latin-1", "", "", "°", "storage.conditions[unopened].temperature", "byte 0xb0 is not UTF-8", encoding="latin-1"
    ),
]
# Files that are broken as files, not as one edit of the sample.
RAW_CASES = {
    "empty": (b"", 1, "", "the file is empty"),
    "comments-only": (b"# Cerebrolysin\n# TODO fill in\n", 1, "", "the file is empty"),
    "utf-16": ("product:\n  id: x\n".encode("utf-16"), 1, "", "the file is UTF-16; save it as UTF-8"),
    "binary-garbage": (bytes(range(256)), 2, "", "is not UTF-8"),
}


def broken_text(case: Case) -> str:
    source = SAMPLE.read_text(encoding="utf-8")
    if case.old:
        assert case.old in source, f"{case.name}: the sample no longer has {case.old!r}"
        source = source.replace(case.old, case.new, 1)
    return source


def line_of(text: str, marker: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    index = text.index(marker, start)
    return text.count("\n", 0, index) + 1


def written(case: Case) -> bytes:
    return broken_text(case).encode(case.encoding, errors="replace")


def expectations() -> list[tuple[str, bytes, int, str, str]]:
    rows = []
    for case in CASES:
        text = broken_text(case)
        words = case.words
        if "{line:" in words:
            marker = words.split("{line:", 1)[1].split("}", 1)[0]
            words = words.replace("{line:" + marker + "}", str(line_of(text, marker)))
        rows.append((case.name, written(case), line_of(text, case.marker, case.after), case.field, words))
    for name, (data, line, field, words) in RAW_CASES.items():
        rows.append((name, data, line, field, words))
    return rows


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_corpus_on_disk_is_current():
    """tests/broken/*.yaml are exactly what the cases make of today's sample (rewrite them if not)."""
    on_disk = {p.stem: p.read_bytes() for p in BROKEN.glob("*.yaml")}
    expected = {name: data for name, data, *_ in expectations()}
    assert sorted(on_disk) == sorted(expected)
    stale = [name for name in expected if on_disk[name] != expected[name]]
    assert not stale, f"stale broken files (run: python tests/test_broken_content.py): {stale}"
    assert len(expected) >= 25


@pytest.mark.parametrize(
    ("name", "data", "line", "field", "words"),
    expectations(),
    ids=lambda v: v if isinstance(v, str) and v and "\n" not in v and len(v) < 40 else "",
)
def test_broken_file_is_reported_at_its_line_and_field(tmp_path, name, data, line, field, words):
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(data)
    result = run("validate", str(path))
    assert result.exit_code == 2, result.output
    expected_prefix = f"{path}:{line}:"
    matching = [text for text in result.output.splitlines() if text.startswith(expected_prefix) and words in text]
    assert matching, f"expected a line starting {expected_prefix!r} containing {words!r}, got:\n{result.output}"
    if field:
        assert f": {field}: " in matching[0] or f": {field}." in matching[0], matching[0]
    assert "Traceback" not in result.output


def test_all_problems_of_a_file_are_reported_at_once(tmp_path):
    source = SAMPLE.read_text()
    broken = source.replace("dose: 20-50 mL/day", "dose: 20-50 ml/day").replace(
        "status: approved", "status: aproved", 1
    )
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
    text = path.read_text(encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "labeling.cli", "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    line = line_of(text, "contraindications:", "patient_text: you have an active cancer")
    assert f"{path}:{line}:1: contraindications: duplicate key" in proc.stderr


def test_missing_file_is_bad_input():
    result = run("validate", "no/such/file.yaml")
    assert result.exit_code == 2
    assert "no/such/file.yaml:1:1: no such file" in result.output


if __name__ == "__main__":  # rewrite tests/broken/ from today's sample
    for old in BROKEN.glob("*.yaml"):
        old.unlink()
    for name, data, *_ in expectations():
        (BROKEN / f"{name}.yaml").write_bytes(data)
    print(f"wrote {len(list(BROKEN.glob('*.yaml')))} files to {BROKEN}")
