"""ISMP's list of error-prone abbreviations, symbols and dose designations, and The Joint Commission's "Do Not Use"
list, entry by entry: every entry's mistake is an error naming its correction, its correction passes, and its
look-alikes do not fire. The cases come from the data the rules read (labeling/lint/rules/ismp.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeling.lint import ERROR, WARNING, LintConfig, all_rules, run_lint
from labeling.lint.rules.ismp import DO_NOT_USE, ENTRIES, POSSIBLE, Entry, entries
from labeling.load import parse_label

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"
SOURCE = SAMPLE.read_text(encoding="utf-8")
TARGET = "    text: Active malignancy\n"
ISMP_CODES = sorted({e.code for e in ENTRIES})


def label_with(text: str):
    """The sample label with ``text`` printed in a contraindication (a YAML double-quoted string: any character)."""
    assert TARGET in SOURCE
    return parse_label(
        SOURCE.replace(TARGET, f"    text: {json.dumps('Active malignancy; ' + text)}\n", 1), "label.yaml"
    )


def findings(text: str, codes: list[str]):
    return [d for d in run_lint(label_with(text), LintConfig(select=codes)) if "contraindications" in d.fact]


def cases(kind: str) -> list[tuple[Entry, str]]:
    return [(e, text) for e in ENTRIES for text in getattr(e, kind)]


def case_id(case: tuple[Entry, str]) -> str:
    return f"{case[0].id}:{case[1]}"


@pytest.mark.parametrize("case", cases("fails"), ids=case_id)
def test_each_entry_is_an_error_naming_its_correction(case):
    entry, text = case
    hits = findings(text, [entry.code])
    assert any(d.code == entry.code and d.severity == ERROR and entry.correction in d.message for d in hits), (
        entry.correction,
        [str(d) for d in hits],
    )


@pytest.mark.parametrize("case", cases("passes"), ids=case_id)
def test_each_entry_correction_passes(case):
    _, text = case
    assert [str(d) for d in findings(text, ISMP_CODES)] == []


@pytest.mark.parametrize("case", cases("look_alikes"), ids=case_id)
def test_look_alikes_do_not_fire(case):
    _, text = case
    assert [str(d) for d in findings(text, ISMP_CODES)] == []


def test_every_entry_has_a_failing_and_a_passing_example():
    for entry in ENTRIES:
        assert entry.fails and entry.passes, entry.id
        assert entry.meaning and entry.misread and entry.correction and entry.source, entry.id


def test_entries_name_rules_that_exist_and_are_errors_by_default():
    from labeling.lint.rules.notation import CONTEXTS

    rules = all_rules()
    for entry in ENTRIES:
        assert entry.code in rules, entry.id
        assert rules[entry.code].severity == ERROR, (entry.id, entry.code)
        assert entry.context in CONTEXTS, (entry.id, entry.context)
        assert set(entry.context_for) <= set(entry.spellings), entry.id
        assert entry.joint_commission in ("", DO_NOT_USE, POSSIBLE), entry.id


def test_the_joint_commission_do_not_use_list_is_covered():
    """The official list: U, IU, Q.D., Q.O.D., trailing zero, lack of leading zero, MS, MSO4 and MgSO4."""
    official = {s for e in ENTRIES if e.joint_commission == DO_NOT_USE for s in e.spellings}
    assert {"U", "u", "IU", "Q.D.", "QD", "q.d.", "qd", "Q.O.D.", "QOD", "q.o.d.", "qod"} <= official
    assert {"1.0 mg", ".5 mg", "MS", "MSO4", "MgSO4"} <= official
    # and the items it reviews for possible inclusion: > and <, drug name abbreviations, apothecary units, @, cc, µg
    possible = {e.id for e in ENTRIES if e.joint_commission == POSSIBLE}
    assert {"greater-less-than", "at", "cc", "microgram", "apothecary-units", "dram", "minim", "mtx"} <= possible


def test_error_prone_table_is_derived_from_the_entries():
    from labeling.lint.rules.notation import ERROR_PRONE

    for entry in entries("LBL004"):
        for spelling in entry.spellings:
            assert spelling.replace(".", "").upper() in ERROR_PRONE, spelling
    assert ERROR_PRONE["QD"] == "daily" and ERROR_PRONE["IU"] == "units"


@pytest.mark.parametrize(
    ("text", "correction"),
    [("take o.d.", "daily"), ("take 10 mg OD", "daily"), ("2 drops o.d.", "right eye"), ("OD 2 drops", "right eye")],
)
def test_od_means_daily_beside_a_dose_and_right_eye_beside_drops(text, correction):
    (hit,) = findings(text, ["LBL004"])
    assert f"write {correction!r}" in hit.message


def test_vitamin_b12_500_mcg_is_not_12_500_mcg():
    assert findings("give vitamin B12 500 mcg daily", ISMP_CODES) == []
    assert findings("give 12 500 mcg daily", ["LBL005"])


def test_severity_is_configurable_per_rule(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from labeling.cli import main

    content = tmp_path / "label.yaml"
    content.write_text(SOURCE.replace(TARGET, "    text: Active malignancy; give 10 ml\n", 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.labeling.lint]\nselect = ["LBL011"]\n')
    strict = CliRunner().invoke(main, ["lint", str(content), "--format", "json"])
    assert strict.exit_code == 1 and json.loads(strict.output)["diagnostics"][0]["severity"] == ERROR
    (tmp_path / "pyproject.toml").write_text(
        '[tool.labeling.lint]\nselect = ["LBL011"]\nseverity = { LBL011 = "warning" }\n'
    )
    relaxed = CliRunner().invoke(main, ["lint", str(content), "--format", "json"])
    assert relaxed.exit_code == 0 and json.loads(relaxed.output)["diagnostics"][0]["severity"] == WARNING


@pytest.mark.parametrize("path", sorted((ROOT / "content").glob("*.yaml")), ids=lambda p: p.name)
def test_corpus_labels_hold_no_error_prone_notation(path):
    """The real labels are the false-alarm guard: none of them prints an entry of either list."""
    from labeling.load import ContentError, load_label

    try:
        label = load_label(path)
    except ContentError:
        pytest.skip(f"{path.name} does not validate")
    assert [str(d) for d in run_lint(label, LintConfig(select=ISMP_CODES))] == []


def test_rules_documentation_lists_every_entry():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for entry in ENTRIES:
        assert f"`{entry.id}`" in text, entry.id
