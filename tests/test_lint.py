"""Lint rules: each rule has a failing and a passing case, run with only that rule enabled."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REJECTED_CLAIM, approved_claim

from labeling.cli import main
from labeling.lint import ERROR, WARNING, LintConfig, all_rules, run_lint
from labeling.load import parse_label

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"
SOURCE = SAMPLE.read_text(encoding="utf-8")


def edited(*pairs: tuple[str, str]) -> str:
    text = SOURCE
    for old, new in pairs:
        assert old in text, f"edit target not in the sample: {old!r}"
        text = text.replace(old, new, 1)
    return text


def lint(text: str, code: str, artifacts: Path | None = None):
    return [
        d for d in run_lint(parse_label(text, "label.yaml"), LintConfig(select=[code]), artifacts) if d.code == code
    ]


def without_gaps(text: str) -> str:
    start = text.index("\ngaps:\n")
    end = text.index("\npatient:\n")
    return text[:start] + "\n" + text[end:]


def face_value() -> str:
    """The vendor's page taken at face value: every use and every claim approved, no gap recorded, no decision
    written down (the shipped label with its reviewer's decisions undone)."""
    text = re.sub(
        r"status: (?:investigational|off-label|rejected|pending)\n", "status: approved\n", without_gaps(SOURCE)
    )
    start = text.index("      lint_ignore:\n")
    end = text.index("      indications: [cognitive-enhancement]\n")
    return "# the vendor's page at face value: labeling lint must fail it\n" + text[:start] + text[end:]


@pytest.fixture()
def face_value_file(tmp_path):
    path = tmp_path / "face-value.yaml"
    path.write_text(face_value(), encoding="utf-8")
    return path


STROKE_DOSE = "      dose: 20-50 mL/day\n      duration: 7-21 days\n"
ELDERLY_DOSE = "      dose: 5 mL/day\n"
WARNING_TEXT = "    text: Doses of {threshold} may increase the rate of non-fatal adverse events.\n"
PRODUCT_CLASS = "  pharmacologic_class: peptide-based neurotrophic agent\n"
GAP_TEXT = "      with cholinesterase inhibitors in Alzheimer's disease, a marketing line this label does not carry.\n"
TRIALS = (
    "  overall: Generally well-tolerated\n",
    "  overall: Generally well-tolerated\n  clinical_trials:\n"
    "    - arms:\n        - id: product-arm\n          name: Cerebrolysin\n          patients: 120\n"
    "        - id: placebo\n          name: Placebo\n          patients: 118\n      cutoff: {cutoff}\n"
    "      rows:\n        - reaction: headache\n          incidence: {{product-arm: {headache}, placebo: 2%}}\n"
    "        - reaction: nausea\n          incidence: {{product-arm: 2%, placebo: 1%}}\n",
)


def trials(cutoff: str = "≥5%", headache: str = "6%") -> tuple[str, str]:
    return TRIALS[0], TRIALS[1].format(cutoff=cutoff, headache=headache)


def with_population(name: str, *bands: str) -> tuple[str, str]:
    """A population `children` (with the given bands) in `populations`."""
    lines = "".join(f"    {band}\n" for band in bands)
    return ("\npopulations:\n", f"\npopulations:\n  - id: children\n    name: {name}\n{lines}")


# code, the mistake (edits of the sample), words of the message, severity, the fix (edits) or None if the sample passes
CASES = [
    ("LBL001", [(ELDERLY_DOSE, "      dose: 5.0 mL/day\n")], "trailing zero in '5.0 mL'", ERROR, None),
    (
        "LBL002",
        [("text: Active malignancy", "text: Active malignancy at doses above .5 mg")],
        "missing leading zero",
        ERROR,
        None,
    ),
    ("LBL003", [("strength: 60 mg/vial", "strength: 60mg/vial")], "no space between number and unit", ERROR, None),
    (
        "LBL004",
        [("text: Severe renal impairment", "text: Severe renal impairment (give 10 IU SC)")],
        "error-prone abbreviation 'IU'",
        ERROR,
        None,
    ),
    (
        "LBL005",
        [("text: Active malignancy", "text: Active malignancy; doses above 100000 units")],
        "'100000' needs thousands separators",
        ERROR,
        None,
    ),
    ("LBL006", [("text: Active malignancy", "text: Active malignancy after 20 mLs")], "plural unit 'mLs'", ERROR, None),
    ("LBL007", [("text: Active malignancy", "text: Active malignancy; 5 mg. daily")], "period after unit", ERROR, None),
    (
        "LBL008",
        [("text: Active malignancy", "text: Active malignancy at 10 mg/20 mg")],
        "symbol '/' between doses",
        ERROR,
        None,
    ),
    (
        "LBL009",
        [(WARNING_TEXT, WARNING_TEXT.replace("events.", "events. Do not exceed 60 mL/day."))],
        "'60 mL/day' is written in prose",
        WARNING,
        None,
    ),
    (
        "LBL010",
        [("text: Active malignancy", "text: Active malignancy at doses >60 mL/day")],
        "comparison symbol in '>60 mL'",
        ERROR,
        None,
    ),
    (
        "LBL011",
        [("text: Active malignancy", "text: Active malignancy; 10 ml")],
        "unit symbol 'ml': write 'mL'",
        ERROR,
        None,
    ),
    (
        "LBL012",
        [("text: Active malignancy", "text: Active malignancy; ii vials")],
        "Roman numeral in 'ii vials'",
        ERROR,
        None,
    ),
    (
        "LBL013",
        [("text: Active malignancy", "text: Active malignancy; with MTX")],
        "drug name abbreviation 'MTX'",
        ERROR,
        None,
    ),
    (
        "LBL014",
        [("text: Active malignancy", "text: Active malignancy; during a Nitro drip")],
        "stemmed drug name 'Nitro'",
        ERROR,
        None,
    ),
    (
        "LBL015",
        [("text: Active malignancy", "text: Active malignancy; with Inderal40 mg")],
        "drug name run into its dose in 'Inderal40'",
        ERROR,
        None,
    ),
    (
        "LBL016",
        [("text: Active malignancy", "text: Active malignancy; epinephrine 1:1,000 injection")],
        "ratio strength '1:1,000'",
        ERROR,
        None,
    ),
    ("LBL017", [("text: Active malignancy", "text: Active malignancy; 1/2 tablet")], "fraction '1/2'", ERROR, None),
    ("LBL018", [("text: Active malignancy", "text: Active malignancy; 5 gr")], "apothecary unit 'gr'", ERROR, None),
    ("LBL019", [("text: Active malignancy", "text: Active malignancy; q2°")], "error-prone symbol '°'", ERROR, None),
    ("LBL020", [("text: Active malignancy", "text: Active malignancy; 5M units")], "abbreviation 'M'", ERROR, None),
    (
        "LBL101",
        [
            ("    about: product.concentration\n", "    about: something-else\n"),
            (
                "    affects: [stroke-tbi, dementia, nootropic, elderly-start, high-dose]\n",
                "    affects: [high-dose]\n",
            ),
        ],
        "dose 20–50 mL/day is a volume but the strength is 60 mg/vial",
        ERROR,
        [("          pack: 6 vials\n", "          pack: 6 vials\n          volume: 10 mL\n")],
    ),
    (
        "LBL102",
        [("temperature: 2-8 °C", "temperature: 2-12 °C")],
        "'refrigerated' storage must lie within 2 °C to 8 °C",
        ERROR,
        None,
    ),
    ("LBL103", [("temperature: 2-8 °C", "temperature: -20-8 °C")], "reaches 0 °C or below", ERROR, None),
    ("LBL104", [("threshold: ≥80 mL/day", "threshold: ≥40 mL/day")], "reached by regimen stroke-tbi", ERROR, None),
    (
        "LBL105",
        [("    regimens: [nootropic]\n", "    regimens: []\n")],
        "regimen stroke-tbi lasts up to 21 days",
        WARNING,
        None,
    ),
    ("LBL106", [("repeat: 2-4 times/year", "repeat: 2-14 times/year")], "need 392 days, more than a year", ERROR, None),
    (
        "LBL107",
        [(ELDERLY_DOSE, "      dose: 15 mL/day\n")],
        "not below the lowest regimen dose 10–30 mL/day",
        WARNING,
        None,
    ),
    (
        "LBL108",
        [(STROKE_DOSE, "      dose: 20-50 mL/day\n      max_daily_dose: 40 mL/day\n      duration: 7-21 days\n")],
        "stroke-tbi: 20–50 mL/day reaches 50 mL/day, above its maximum daily dose 40 mL/day",
        ERROR,
        None,
    ),
    (
        "LBL109",
        [trials(headache="3%")],
        "no reaction reaches the cut-off 5% or more in the product's arm (Cerebrolysin; highest 3%)",
        ERROR,
        [trials()],
    ),
    (
        "LBL110",
        [("  market: us\n", "  market: us\n  patient_labeling_approved: true\n")],
        "marked FDA-approved but the label records no approval",
        ERROR,
        [("  market: us\n", "  market: us\n  patient_labeling_approved: true\n  approval:\n    basis: NDA 000000\n")],
    ),
    (
        "LBL201",
        [("      lint_ignore:\n        - rule: LBL201\n", "      lint_ignore:\n        - rule: LBL001\n")],
        "regimen nootropic serves cognitive-enhancement, which is not approved",
        ERROR,
        None,
    ),
    (
        "LBL202",
        [("    status: off-label\n", "    status: approved\n")],
        "indication cognitive-enhancement is approved but its text says",
        ERROR,
        None,
    ),
    (
        "LBL203",
        [
            (
                "    status: rejected\n    reason: >-\n      Unsupported: the label has no purity",
                "    status: approved\n    reason: >-\n      Unsupported: the label has no purity",
            )
        ],
        "approved claim high-purity ('High purity (≥98%)') names no supporting label fact",
        ERROR,
        None,
    ),
    (
        "LBL204",
        [
            (
                "    text: Weekly dosing for convenience\n    status: rejected",
                "    text: Weekly dosing for convenience\n    status: pending",
            )
        ],
        "claim weekly-dosing says 'Weekly' but every labelled regimen is dosed per day",
        ERROR,
        None,
    ),
    (
        "LBL205",
        [(REJECTED_CLAIM, approved_claim("The only flexible dosing options"))],
        "claim flexible-dosing says 'The only'",
        ERROR,
        None,
    ),
    (
        "LBL206",
        [],
        "claim gmp-certified is pending review",
        WARNING,
        [
            ("    status: pending\n    reason: Not a label fact", "    status: rejected\n    reason: Not a label fact"),
            (
                "    status: pending\n    reason: >-\n      The mechanisms",
                "    status: rejected\n    reason: >-\n      The mechanisms",
            ),
        ],
    ),
    (
        "LBL207",
        [
            (
                "    status: investigational\n    status_reason: The source presents it as an emerging research direction, not a current use.\n    summary: Explored",
                "    status: investigational\n    summary: Explored",
            )
        ],
        "indication multiple-sclerosis is investigational but gives no status_reason",
        ERROR,
        None,
    ),
    (
        "LBL301",
        [("    about: label.adverse_reaction_contact\n", "    about: nothing\n")],
        "has no telephone number or web address",
        ERROR,
        [
            (
                "adverse_reaction_contact: Sinopharmatech Co., Ltd.",
                "adverse_reaction_contact: Sinopharmatech Co., Ltd. at +86 10 5555 0100",
            )
        ],
    ),
    (
        "LBL302",
        [("    sections: [pop-pregnancy, pop-lactation, pop-pediatric]\n", "")],
        "package-insert section '8.1 Pregnancy' is required but gets no facts (from specific_populations) and no gap names it",
        ERROR,
        None,
    ),
    (
        "LBL304",
        [("  recent_major_changes: []", "  recent_major_changes:\n    - section: description\n      date: 2026-10-01")],
        "not eligible for Recent Major Changes",
        ERROR,
        None,
    ),
    (
        "LBL305",
        [("  recent_major_changes: []", "  recent_major_changes:\n    - section: dosage\n      date: 2026-12-01")],
        "after the revision date",
        ERROR,
        None,
    ),
    (
        "LBL307",
        [
            ("    summary: Accelerates neuronal repair", "    summary: Accelerates neuronal repair"),
            ("indications: [stroke, tbi]", "indications: [stroke]"),
        ],
        "approved indication tbi has no approved regimen",
        ERROR,
        None,
    ),
    (
        "LBL308",
        [(STROKE_DOSE, "      dose: 0.5 mL/kg/day\n      duration: 7-21 days\n")],
        "stroke-tbi: 0.5 mL/kg/day is dosed per kilogram of body weight but gives no maximum",
        WARNING,
        [(STROKE_DOSE, "      dose: 0.5 mL/kg/day\n      max_daily_dose: 50 mL/day\n      duration: 7-21 days\n")],
    ),
    (
        "LBL309",
        [
            with_population("Pediatric patients"),
            (
                "      routes: [iv]\n      dose: 20-50",
                "      population: children\n      routes: [iv]\n      dose: 20-50",
            ),
        ],
        "population children is pediatric ('Pediatric') but has no age or weight band; stroke-tbi is dosed for it",
        WARNING,
        [
            with_population("Pediatric patients", "age: 6-17 years"),
            (
                "      routes: [iv]\n      dose: 20-50",
                "      population: children\n      routes: [iv]\n      dose: 20-50",
            ),
        ],
    ),
    (
        "LBL310",
        [(PRODUCT_CLASS, "  pharmacologic_class: penicillin-class antibacterial\n")],
        "the pharmacologic class names 'antibacterial' but product.antibacterial is not true",
        ERROR,
        [(PRODUCT_CLASS, "  pharmacologic_class: penicillin-class antibacterial\n  antibacterial: true\n")],
    ),
    (
        "LBL311",
        [
            (
                GAP_TEXT,
                GAP_TEXT.replace("disease, a marketing line", "disease (claims[donepezil-synergy]), a marketing line"),
            )
        ],
        "printed text holds internal notation 'claims[donepezil-synergy]'",
        ERROR,
        None,
    ),
]


# Notation written by hand in free text: more spellings than the one case per rule above.
NOTATION = [
    ("LBL001", "give 10.0 mL", "'10.0 mL'"),
    ("LBL001", "give 2.00 mg", "'2.00 mg'"),
    ("LBL002", "give .5 mL", "'.5'"),
    ("LBL003", "give 10mL", "'10mL'"),
    ("LBL003", "give 2.5mg", "'2.5mg'"),
    ("LBL004", "give 5 µg", "'µg'"),
    ("LBL004", "give 5 μg", "'μg'"),
    ("LBL004", "give 5 ug", "'ug'"),
    ("LBL004", "give 5 ug/kg", "'ug'"),
    ("LBL004", "give 10 U", "'U'"),
    ("LBL004", "give 10 IU", "'IU'"),
    ("LBL004", "give 10 cc", "'cc'"),
    ("LBL004", "take it QD", "'QD'"),
    ("LBL004", "take it q.d.", "'q.d.'"),
    ("LBL004", "take it Q.D.", "'Q.D.'"),
    ("LBL004", "take it q.o.d.", "'q.o.d.'"),
    ("LBL004", "at h.s.", "'h.s.'"),
    ("LBL004", "given s.c.", "'s.c.'"),
    ("LBL004", "given SQ", "'SQ'"),
    ("LBL004", "given sub q", "'sub q'"),
    ("LBL004", "D/C if rash", "'D/C'"),
    ("LBL004", "drops a.u.", "'a.u.'"),
    ("LBL004", "Drops AU.", "'AU'"),
    ("LBL004", "2 drops in the OS", "'OS'"),
    ("LBL004", "OD 2 drops", "'OD'"),
    ("LBL004", "use UD", "'UD'"),
    ("LBL004", "an IJ dose", "'IJ'"),
    ("LBL004", "take q1d", "'q1d'"),
    ("LBL004", "d/c if rash", "'d/c'"),
    ("LBL004", "give 10 u", "'u'"),
    ("LBL004", "given SubQ", "'SubQ'"),
    ("LBL004", "taken per os", "'per os'"),
    ("LBL004", "given BIW", "'BIW'"),
    ("LBL004", "2 drops in the right eye OD", "'OD'"),
    ("LBL001", "give 1,000.0 units", "write 1,000 units"),
    ("LBL001", "give 5.0 milliliters", "write 5 milliliters"),
    ("LBL001", "give 100.000 units", "ambiguous '100.000 units'"),
    ("LBL003", "give 1,000units", "write 1,000 units"),
    ("LBL005", "up to 100 000 units", "write 100,000"),
    ("LBL005", "up to 1500 milligrams", "write 1,500"),
    ("LBL006", "give 20 MLs", "'MLs'"),
    ("LBL007", "give 10 mg./day", "'mg.'"),
    ("LBL007", "give 5 mg., then", "'mg.'"),
    ("LBL008", "give 10/20 mg", "'10/20 mg'"),
    ("LBL008", "give 5 mg @ bedtime", "'5 mg @ bedtime'"),
    ("LBL011", "give 5 mcG", "'mcG'"),
    ("LBL012", "take i tablet", "'i tablet'"),
    ("LBL012", "take xv drops", "'xv drops'"),
    ("LBL012", "take ii tabs", "'ii tabs'"),
    ("LBL012", "take V mg", "'V mg'"),
    ("LBL005", "up to 100000 units", "'100000'"),
    ("LBL005", "up to 25000 mg", "'25000'"),
    ("LBL006", "give 20 mLs", "'mLs'"),
    ("LBL006", "give 20 mgs", "'mgs'"),
    ("LBL007", "give 5 mg. daily", "'mg.'"),
    ("LBL007", "give 5 mL. once", "'mL.'"),
    ("LBL008", "give 10 mg/20 mg", "'10 mg/20 mg'"),
    ("LBL008", "give 5 mL + 10 mL", "'5 mL + 10 mL'"),
    ("LBL008", "give 5 mg @ 2", "'5 mg @ 2'"),
    ("LBL010", "doses >50 mL", "'>50 mL'"),
    ("LBL010", "doses < 10 mL", "'< 10 mL'"),
    ("LBL010", "doses ≥80 mL", "'≥80"),
    ("LBL010", "doses ≤ 5 mL", "'≤ 5"),
    ("LBL010", "doses >= 60 mL", "'>= 60 mL'"),
    ("LBL010", "doses >/= 60 mL", "'>/="),
    ("LBL010", "doses ⩾60 mL", "'⩾60"),
    ("LBL010", "doses ＞60 mL", "'＞60"),
    ("LBL010", "doses <.5 mg", "'<.5 mg'"),
    ("LBL011", "give 10 ml", "'ml'"),
    ("LBL011", "give 10 ML", "'ML'"),
    ("LBL011", "give 1 l", "'l'"),
    ("LBL011", "give 10 MG", "'MG'"),
    ("LBL011", "give 5 ml/day", "'ml'"),
    ("LBL011", "give 10ml", "'ml'"),
    ("LBL012", "take ii tablets", "'ii tablets'"),
    ("LBL012", "give IV mL", "'IV mL'"),
    ("LBL012", "take X mg", "'X mg'"),
]
# Free text that looks like notation but is not a mistake: no notation rule may fire.
NOT_NOTATION = [
    "give 0.5 mL",
    "up to 1,000 units",
    "use 100,000 units",
    "give 10 mg and 20 mg",
    "as directed",
    "Type II diabetes",
    "IV infusion",
    "IV injections over 15 to 60 minutes",
    "as needed",
    "e.g. saline",
    "i.e. daily",
    "In adults",
    "Do not use",
    "2.5 mg",
    "10 mg per 20 mL",
    "MS and AD (the diseases)",
    "20 mL/day in AD patients",
    "of 5 mcg",
    "20 mL a day",
    "units of 10 mL",
    "to 50 mL.",
    "below 25 °C",
    "section 2.1",
    "vial 1 of 2",
    "in 5 U.S. centres",
    "hs-CRP above 3 mg",
    "HS (hidradenitis suppurativa)",
    "reply A.S.A.P.",
    "HbA1c 7.0%",
    "20.0% of patients",
    "p<0.05",
    "HbA1c >7%",
    "Hgb <8 g/dL",
    "500 mg/10 mL (50 mg/mL)",
    "available 24/7",
    "take 1/2 of the dose",
    "IV infusion of 20 mL",
    "IV injections of 10 mL",
    "peaks of 3.5 to 5.0 mcg/mL",
    "Vss 4.7 to 6.0 L",
    "FPG fell by 53.0 mg/dL",
]
NOTATION_CODES = sorted({c for c, _, _ in NOTATION})


@pytest.mark.parametrize(("code", "text", "token"), NOTATION, ids=[f"{c}-{t}" for c, t, _ in NOTATION])
def test_notation_rule_catches_hand_written_variants(code, text, token):
    hits = lint(edited(("text: Active malignancy", f"text: Active malignancy; {text}")), code)
    assert any(token in d.message for d in hits), [str(d) for d in hits]


@pytest.mark.parametrize("text", NOT_NOTATION)
def test_notation_rules_leave_correct_text_alone(text):
    label = parse_label(edited(("text: Active malignancy", f"text: Active malignancy; {text}")), "label.yaml")
    found = [d for d in run_lint(label, LintConfig(select=NOTATION_CODES)) if "contraindications" in d.fact]
    assert found == [], [str(d) for d in found]


# Coherence edits beyond the one case per rule: (code, edits of the sample, words, severity).
COHERENCE = [
    (
        "LBL102",
        [
            (
                "temperature: 15-25 °C\n      temperature_name: room temperature",
                "temperature: 2-8 °C\n      temperature_name: room temperature",
            )
        ],
        "'room temperature' storage must lie within 15 °C to 30 °C, not 2–8 °C",
        ERROR,
    ),
    ("LBL102", [("temperature: 15-25 °C", "temperature: 15-40 °C")], "not 15–40 °C", ERROR),
    (
        "LBL102",
        [
            (
                "temperature: 2-8 °C\n      temperature_name: refrigerated",
                "temperature: -20--10 °C\n      temperature_name: refrigerated",
            )
        ],
        "within 2 °C to 8 °C",
        ERROR,
    ),
    ("LBL104", [("threshold: ≥80 mL/day", "threshold: ≥80 mg/day")], "cannot be compared", WARNING),
    ("LBL104", [("threshold: ≥80 mL/day", "threshold: ≥80 mL")], "cannot be compared", WARNING),
    ("LBL104", [("threshold: ≥80 mL/day", "threshold: ≥50 mL/day")], "reached by regimen stroke-tbi", ERROR),
    ("LBL104", [("dose: 20-50 mL/day", "dose: 140-700 mL/week")], "reached by regimen stroke-tbi", ERROR),
    ("LBL104", [("threshold: ≥80 mL/day", "threshold: ≥0.04 L/day")], "reached by regimen stroke-tbi", ERROR),
    ("LBL104", [("threshold: ≥80 mL/day", "threshold: ≤40 mL/day")], "goes beyond the limit", ERROR),
    ("LBL107", [(ELDERLY_DOSE, "      dose: 0.5 L/day\n")], "not below the lowest regimen dose", WARNING),
    ("LBL107", [(ELDERLY_DOSE, "      dose: 10 mL/day\n")], "not below the lowest regimen dose", WARNING),
    (
        "LBL107",
        [(ELDERLY_DOSE, "      dose: 60 mL/day\n"), ("      example: true\n", "")],
        "above the highest regimen dose 20–50 mL/day",
        WARNING,
    ),
    (
        "LBL106",
        [("duration: 4 weeks\n      repeat: 2-4 times/year", "duration: 2-20 weeks\n      repeat: 2-4 times/year")],
        "need up to 560 days",
        WARNING,
    ),
    (
        "LBL102",
        [("temperature_name: room temperature", "temperature_name: controlled room temperature")],
        "must lie within 20 °C to 25 °C",
        ERROR,
    ),
    (
        "LBL305",
        [("  recent_major_changes: []", "  recent_major_changes:\n    - section: dosage\n      date: 2025-10-31")],
        "more than 12 months before",
        ERROR,
    ),
]


@pytest.mark.parametrize(("code", "edits", "words", "severity"), COHERENCE, ids=[c[2][:40] for c in COHERENCE])
def test_coherence_rule_catches_more_edits(code, edits, words, severity):
    hits = lint(edited(*edits), code)
    assert any(words in d.message and d.severity == severity for d in hits), [str(d) for d in hits]


def test_threshold_just_above_every_regimen_passes():
    assert lint(edited(("threshold: ≥80 mL/day", "threshold: ≥51 mL/day")), "LBL104") == []
    assert lint(edited(("threshold: ≥80 mL/day", "threshold: 50 mL/day")), "LBL104") == []  # a named, labelled dose


# An approved, supported claim reworded: what it says must not contradict the label facts.
CLAIM_CONTRADICTIONS = [
    ("LBL204", "Just one injection a week", "every labelled regimen is dosed per day"),
    ("LBL204", "Dosing every other day", "'every other day'"),
    ("LBL204", "Once-monthly dosing", "every labelled regimen is dosed per day"),
    ("LBL204", "Convenient tablets", "oral route"),
    ("LBL204", "Suitable for children", "'children'"),
    ("LBL204", "Doses up to 100 mL/day", "'100 mL/day', outside every labelled dose"),
    ("LBL204", "Give 20 mL a week", "'20 mL a week', outside every labelled dose"),
    ("LBL204", "Store at 2-30 °C", "'2-30 °C', outside every labelled storage temperature"),
    ("LBL204", "Can be frozen for later use", "the label says do not freeze"),
    ("LBL204", "Safe in severe hepatic impairment", "a contraindication (severe-hepatic-impairment)"),
    ("LBL204", "No contraindications", "the label has 4 contraindications"),
    ("LBL204", "No dose adjustment for older patients", "the label adjusts the dose for"),
    ("LBL205", "Works faster than other treatments", "'faster'"),
    ("LBL205", "Prevents dementia", "'Prevents'"),
    ("LBL204", "Improves motor symptoms in Parkinson's disease", "parkinsons is investigational"),
    ("LBL204", "Promotes remyelination in multiple sclerosis", "multiple-sclerosis is investigational"),
    ("LBL204", "Up to 0.1 L/day", "outside every labelled dose"),
    ("LBL204", "Once every two weeks", "every labelled regimen is dosed per day"),
    ("LBL204", "Biweekly injections", "every labelled regimen is dosed per day"),
    ("LBL204", "A single injection is enough", "every labelled regimen is a course of days"),
    ("LBL204", "Daily dosing for up to 3 months", "longer than every labelled course"),
    ("LBL204", "Reconstituted solution stable for 48 hours", "the label's longest storage time is 24 hours"),
    ("LBL204", "Tolerates freezing", "do not freeze"),
    ("LBL204", "No refrigeration needed", "the label refrigerates"),
    ("LBL204", "Safe in patients with severe kidney problems", "a contraindication (severe-renal-impairment)"),
    ("LBL204", "Safe for all patients", "the label has 4 contraindications"),
    ("LBL204", "No need to adjust the dose in older patients", "the label adjusts the dose"),
    ("LBL204", "Suitable for breastfeeding mothers", "'breastfeeding'"),
    ("LBL204", "Store at 95 °F", "outside every labelled storage temperature"),
    ("LBL205", "The gold standard in stroke recovery", "'gold standard'"),
    ("LBL205", "The first neurotrophic therapy", "'The first neurotrophic therapy'"),
    ("LBL205", "No known side effects", "'No known side effects'"),
    ("LBL205", "Approved by the FDA", "'Approved by the FDA'"),
]
CLAIMS_THAT_AGREE = [
    "Flexible dosing options",
    "Daily dosing of 20 to 50 mL",
    "Given intravenously once a day",
    "Store at 15-25 °C",
    "Do not freeze; stable at room temperature",
    "10–30 mL/day in dementia",
    "A lower starting dose of 5 mL/day for older or frail patients",
    "Contraindicated in severe renal impairment",
    "Not for use in children",
    "Not studied in pregnancy",
    "Not for subcutaneous use",
    "Not for weekly dosing",
    "Doses of 80 mL/day or more may increase adverse events",
    "Improvement seen within a week",
    "Cycles may be repeated after a month",
    "Infused in 100 mL of saline",
    "Store at 15 °C to 25 °C (59 °F to 77 °F)",
    "Do not freeze (0 °C or below)",
    "No dose adjustment is needed in mild renal impairment",
    "For patients with no contraindications to IV therapy",
    "For intravenous use only",
    "Give the first dose in hospital",
    "Contains 25% low molecular weight peptides",
    "Use within 24 hours once reconstituted",
    "Courses of 7 to 21 days",
]


@pytest.mark.parametrize(("code", "claim", "words"), CLAIM_CONTRADICTIONS, ids=[c[1] for c in CLAIM_CONTRADICTIONS])
def test_claim_contradicting_the_label_is_an_error(code, claim, words):
    hits = lint(edited((REJECTED_CLAIM, approved_claim(claim))), code)
    assert any(words in d.message and d.severity == ERROR for d in hits), [str(d) for d in hits]


@pytest.mark.parametrize("claim", CLAIMS_THAT_AGREE)
def test_claim_agreeing_with_the_label_passes(claim):
    label = parse_label(edited((REJECTED_CLAIM, approved_claim(claim))), "label.yaml")
    assert [str(d) for d in run_lint(label, LintConfig(select=["LBL203", "LBL204", "LBL205"]))] == []


@pytest.mark.parametrize(("code", "mistake", "words", "severity", "fix"), CASES, ids=[c[0] for c in CASES])
def test_rule_catches_the_mistake(code, mistake, words, severity, fix):
    text = edited(*mistake) if mistake else SOURCE
    hits = lint(text, code)
    assert hits, f"{code} did not fire"
    assert any(words in d.message and d.severity == severity for d in hits), [str(d) for d in hits]


@pytest.mark.parametrize(("code", "mistake", "words", "severity", "fix"), CASES, ids=[c[0] for c in CASES])
def test_rule_passes_the_correct_label(code, mistake, words, severity, fix):
    text = edited(*fix) if fix else SOURCE
    assert lint(text, code) == []


def _contraindications(value: str) -> str:
    start = SOURCE.index("\ncontraindications:\n")
    end = SOURCE.index("\nwarnings:\n")
    return SOURCE[:start] + f"\ncontraindications: {value}\n" + SOURCE[end:]


def test_empty_contraindications_is_an_error_until_said_explicitly():
    (hit,) = lint(_contraindications("[]"), "LBL303")
    assert hit.severity == ERROR and "contraindications: none" in hit.message
    assert lint(_contraindications("none"), "LBL303") == []
    assert lint(SOURCE, "LBL303") == []


def test_explicit_none_documents_say_none_and_verify(tmp_path):
    from labeling.build import render_documents
    from labeling.documents import DOCUMENT_KINDS
    from labeling.extract.artifact import read_artifact
    from labeling.verify import verify_text

    label = parse_label(_contraindications("none"), "label.yaml")
    assert label.contraindications == [] and label.no_contraindications
    for name, data in render_documents(label).items():
        read = read_artifact(data, name)
        for artifact in (read, *read.companions):  # an SPL holds the insert and the patient labeling
            kind = DOCUMENT_KINDS[artifact.kind or name.rsplit(".", 1)[0]]
            assert verify_text(artifact.text, kind, label, artifact.name).ok, artifact.name
            assert "Hypersensitivity to porcine" not in artifact.text
            if kind.audience == "professional":
                assert re.search(r"\bNone\b", artifact.text), f"{artifact.name} does not say None"


def test_open_gaps_are_listed_and_vanish_when_closed():
    assert len(lint(SOURCE, "LBL306")) == SOURCE.count(
        "\n  - id: ", SOURCE.index("\ngaps:\n"), SOURCE.index("\npatient:\n")
    )
    assert lint(without_gaps(SOURCE), "LBL306") == []


HARD = (
    "  what_it_is: >-\n",
    "  what_it_is: >-\n    Notwithstanding the aforementioned pharmacotherapeutic considerations, "
    "neurotrophic peptidergic preparations demonstrate multifactorial neuroprotective characteristics, "
    "necessitating individualised administration protocols under specialist supervision. Pharmacokinetic "
    "characterisation remains methodologically unsubstantiated, notwithstanding considerable investigational "
    "endeavours by multinational collaborative consortia. ",
)


def test_reading_grade_catches_a_hard_patient_document():
    """'What is Cerebrolysin?' has fewer than 100 words of the content's own: it is graded with the next short
    section, and the pair reads well above grade 8."""
    (hit,) = lint(edited(HARD), "LBL401")
    assert (
        "patient-information sections 'What is Cerebrolysin?', 'Who should not use Cerebrolysin?' (under 100 "
        "words each, graded together) read at grade"
    ) in hit.message, hit.message
    assert hit.fact == "patient.what_it_is" and hit.severity == WARNING
    assert lint(SOURCE, "LBL401") == []


def test_reading_grade_reads_the_leaflet_of_an_eu_label():
    eu = edited(("  market: us\n", "  market: eu\n"), HARD)
    (hit,) = lint(eu, "LBL401")
    assert hit.message.startswith("patient-leaflet sections '1. What Cerebrolysin is and what it is used for'"), (
        hit.message
    )


def test_reading_grade_leaves_stock_wording_and_short_sections_alone():
    """The regulator's stock sentences are the same in every label; a section with few words of the content's own
    is too short to grade (only its patient wording is graded)."""
    from labeling.compose import compose
    from labeling.lint import LintContext
    from labeling.lint.rules.readability import patient_wording
    from labeling.lint.text import raw_paths

    label = parse_label(SOURCE, "label.yaml")
    ctx = LintContext(label)
    sections = {s.heading: s for s in patient_wording(label, compose(label, "patient-information"), raw_paths(ctx))}
    general = sections["General information about the safe and effective use of Cerebrolysin"]
    assert general.text == "" and not general.words
    what_is = sections["What is Cerebrolysin?"]
    assert "made from proteins found in pig brain" in what_is.text and "prescription medicine" not in what_is.text


def test_reading_grade_keeps_a_sentence_the_composer_interrupts():
    """A quantity the composer places inside a patient sentence ("Doses of {threshold} may cause …") is left out of
    the grade, but the sentence stays one sentence: leaving it out must not cut it in two (a shorter sentence
    reads as an easier one)."""
    from labeling.compose import compose
    from labeling.lint import LintContext
    from labeling.lint.rules.readability import patient_wording
    from labeling.lint.text import raw_paths

    label = parse_label(SOURCE, "label.yaml")
    sections = patient_wording(label, compose(label, "patient-information"), raw_paths(LintContext(label)))
    text = " ".join(section.text for section in sections)
    assert "Doses of may cause more side effects." in text, text
    assert "Doses of. may" not in text


NAMES = (
    "  what_it_is: >-\n",
    "  what_it_is: >-\n    Cerebrolysin is given for Alzheimer's disease, vascular dementia and "
    "traumatic brain injury. Cerebrolysin can cause headache and injection-site pain. Tell your doctor about "
    "headache or injection-site pain with Cerebrolysin. Cerebrolysin does not cure Alzheimer's disease or "
    "vascular dementia. Cerebrolysin helps recovery after traumatic brain injury. ",
)


def test_reading_grade_does_not_count_the_names_the_wording_must_carry(monkeypatch):
    """The product's name and the label's names of the diseases it treats and of its adverse reactions cannot be
    put in everyday words: they count as one-syllable words. Counted in full, the same wording reads above grade
    8 (here: every name counted)."""
    from labeling.lint.rules import readability

    assert lint(edited(NAMES), "LBL401") == []
    terms = readability.plain_terms(parse_label(edited(NAMES), "label.yaml"))
    assert {
        "Cerebrolysin",
        "Alzheimer's disease",
        "vascular dementia",
        "headache",
        "injection-site pain",
        "High doses",
        "Cognitive enhancement in healthy adults",
    } <= set(terms)
    monkeypatch.setattr(readability, "plain_terms", lambda label: [])
    (hit,) = lint(edited(NAMES), "LBL401")
    assert "section 'What is Cerebrolysin?' reads at grade 9.2" in hit.message, hit.message


def test_reading_grade_names_are_whole_words_in_any_case():
    from labeling.lint.rules.readability import without_terms

    terms = ["Alzheimer's disease", "Cerebrolysin", "rash"]
    assert without_terms("CEREBROLYSIN for alzheimer's  disease; rashes.", terms) == "X for X X; X."
    assert without_terms("a crash, Cerebrolysinate, pre-rash", terms) == "a crash, Cerebrolysinate, pre-rash"


def test_reading_grade_passages_join_short_sections_in_reading_order():
    """A formula needs about 100 words: a long section is graded alone; short ones are joined with the next short
    ones until they make 100 words, and what is left at the end joins the last such passage."""
    from labeling.lint.rules.readability import GradedSection, passages

    def section(name: str, words: int) -> GradedSection:
        return GradedSection("patient-information", name, " ".join(["word"] * words), {})

    a, b, c, d, e, f = (
        section("a", 150),
        section("b", 60),
        section("c", 50),
        section("d", 120),
        section("e", 30),
        section("f", 0),
    )
    assert [[s.heading for s in p] for p in passages([a, b, c, d, e, f])] == [["a"], ["d"], ["b", "c", "e"]]
    assert passages([section("b", 60), section("e", 30)]) == []  # too short to grade at all


def test_approved_patient_labeling_is_not_graded():
    """FDA-approved patient labeling is carried as approved: its wording is not the content's to shorten."""
    approved = edited(
        HARD,
        ("  market: us\n", "  market: us\n  patient_labeling_approved: true\n  approval:\n    basis: NDA 000000\n"),
    )
    assert lint(approved, "LBL401") == []
    assert lint(approved, "LBL110") == []


def _built(tmp_path, label, kind_name, css: str = ""):
    from labeling.compose import compose
    from labeling.documents import DOCUMENT_KINDS
    from labeling.render.html import render_html
    from labeling.render.pdf import pdf_from_html

    kind = DOCUMENT_KINDS[kind_name]
    html = render_html(label, compose(label, kind), kind)
    if css:
        html = html.replace("</head>", f"<style>{css}</style></head>")
    (tmp_path / f"{kind_name}.pdf").write_bytes(pdf_from_html(html, label, kind))


def _manifest(tmp_path, *names):
    (tmp_path / "manifest.json").write_text(json.dumps({"artifacts": dict.fromkeys(names, "0" * 64)}))


def test_minimum_type_size_is_measured_on_the_built_pdfs(tmp_path):
    label = parse_label(SOURCE, "label.yaml")
    _built(tmp_path, label, "package-insert")
    _built(tmp_path, label, "patient-information")
    _manifest(tmp_path, "package-insert.pdf", "patient-information.pdf", "product-sheet.docx")
    assert lint(SOURCE, "LBL402", tmp_path) == []
    _built(tmp_path, label, "package-insert", "body, p, li, td { font-size: 6pt !important; }")
    (hit,) = lint(SOURCE, "LBL402", tmp_path)
    assert "package-insert.pdf: smallest type is 6.0 pt, below 8 pt" in hit.message


def test_patient_documents_need_10_pt_and_only_the_manifest_is_measured(tmp_path):
    label = parse_label(SOURCE, "label.yaml")
    _built(tmp_path, label, "patient-information", "body, p, li, td { font-size: 9pt !important; }")
    assert lint(SOURCE, "LBL402", tmp_path) == []  # no manifest: nothing the build recorded
    _manifest(tmp_path, "package-insert.pdf")  # listed but absent; the PDF on disk is not listed
    assert lint(SOURCE, "LBL402", tmp_path) == []
    _manifest(tmp_path, "patient-information.pdf")
    (hit,) = lint(SOURCE, "LBL402", tmp_path)
    assert "patient-information.pdf: smallest type is 9.0 pt, below 10 pt" in hit.message
    config = LintConfig(select=["LBL402"], options={"min-type-pt": {"patient-information": 9}})
    assert run_lint(label, config, tmp_path) == []


def test_every_rule_has_a_case_and_documentation():
    tested = {c[0] for c in CASES} | {"LBL303", "LBL306", "LBL401", "LBL402"}
    assert set(all_rules()) == tested
    for code, rule in all_rules().items():
        doc = rule.__doc__ or ""
        assert "What it does" in doc and "Why is this bad?" in doc and "Example" in doc, code


def test_suppression_needs_a_reason_and_a_stale_one_is_reported():
    no_reason = edited(
        (
            "        - rule: LBL201\n          reason: >-\n            Kept as the record of the source's off-label use; it serves no approved indication and never reaches\n            a document.\n",
            "        - rule: LBL201\n",
        )
    )
    with pytest.raises(Exception, match="missing required field 'reason'"):
        parse_label(no_reason, "label.yaml")
    stale = edited(
        (
            "    regimens: [nootropic]\n",
            "    regimens: [nootropic]\n    lint_ignore:\n      - rule: LBL105\n        reason: checked by hand\n",
        )
    )
    hits = [d for d in run_lint(parse_label(stale, "label.yaml")) if d.code == "LBL999"]
    assert [h.message for h in hits] == ["suppression of LBL105 suppresses nothing; remove it"]


def test_face_value_dossier_fails_with_the_expected_errors():
    """The dossier taken at face value: every claim approved, cognitive enhancement approved, no gaps recorded."""
    diagnostics = run_lint(parse_label(face_value(), "face-value.yaml"))
    errors = [d for d in diagnostics if d.severity == ERROR]
    text = "\n".join(str(d) for d in errors)
    assert any(d.code == "LBL204" and "weekly-dosing" in d.message and "per day" in d.message for d in errors), text
    assert any(d.code == "LBL202" and "nootropic" in d.message for d in errors), text
    assert any(d.code in ("LBL203", "LBL205") and "high-purity" in d.message for d in errors), text
    assert any(d.code in ("LBL203", "LBL205") and "disease-modifying" in d.message for d in errors), text
    assert any(d.code == "LBL101" and "mL/day" in d.message and "60 mg/vial" in d.message for d in errors), text
    assert any(d.code == "LBL302" and "8.1 Pregnancy" in d.message for d in errors), text
    for diagnostic in errors:
        assert diagnostic.file == "face-value.yaml" and diagnostic.line > 1


def test_shipped_label_has_warnings_but_no_errors():
    diagnostics = run_lint(parse_label(SOURCE, str(SAMPLE)))
    assert [d for d in diagnostics if d.severity == ERROR] == []
    codes = {d.code for d in diagnostics}
    assert {"LBL101", "LBL306", "LBL301", "LBL206"} <= codes  # the dossier's real gaps stay visible
    assert codes <= {"LBL101", "LBL306", "LBL301", "LBL206"}, [str(d) for d in diagnostics]  # and nothing else
    assert all("(recorded gap)" in d.message for d in diagnostics if d.code in ("LBL101", "LBL301"))


@pytest.mark.parametrize("path", sorted((ROOT / "content").glob("*.yaml")), ids=lambda p: p.name)
def test_every_content_file_lints_without_asking_to_type_the_untypable(path):
    """Real labels (the content corpus) lint without crashing, and LBL009 asks only for what the content can
    type: never in a narrative section, always a quantity a typed field or a typed value can hold. Content that
    does not validate (being written) is skipped."""
    from labeling.lint.text import valued
    from labeling.load import ContentError, load_label
    from labeling.quantities import find_quantities

    try:
        label = load_label(path)
    except ContentError:
        pytest.skip(f"{path.name} does not validate")
    for diagnostic in run_lint(label, LintConfig(select=["LBL009"])):
        assert not diagnostic.fact.startswith("narrative"), str(diagnostic)
        quoted = diagnostic.message.split("'")[1]
        assert all(valued(f.quantity) for f in find_quantities(quoted)), str(diagnostic)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_lint_command_text_json_sarif_and_exit_codes(tmp_path, face_value_file):
    clean = run("lint", SAMPLE, "--out", tmp_path)
    assert clean.exit_code == 0 and "Found 0 errors and" in clean.output
    bad = run("lint", face_value_file, "--out", tmp_path)
    assert bad.exit_code == 1
    first = bad.output.splitlines()[0]
    assert first.startswith(f"{face_value_file}:") and " LBL" in first
    payload = json.loads(run("lint", face_value_file, "--format", "json", "--out", tmp_path).output)
    from labeling.output import SCHEMA_VERSION

    assert payload["schema_version"] == SCHEMA_VERSION and payload["command"] == "lint"
    assert payload["tool"]["name"] == "labeling" and payload["errors"] > 0
    assert {"file", "line", "column", "code", "name", "severity", "message", "fact"} <= set(payload["diagnostics"][0])
    sarif = json.loads(run("lint", face_value_file, "--format", "sarif", "--out", tmp_path).output)
    assert sarif["version"] == "2.1.0"
    (sarif_run,) = sarif["runs"]
    assert sarif_run["properties"] == {"labeling_schema_version": SCHEMA_VERSION}
    rule_ids = [r["id"] for r in sarif_run["tool"]["driver"]["rules"]]
    for result in sarif_run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1 and result["level"] in ("error", "warning")
        assert result["message"]["text"]
    assert run("lint", ROOT / "tests" / "broken" / "typo-key.yaml").exit_code == 2


def test_rule_command_prints_documentation():
    result = run("rule", "LBL204")
    assert result.exit_code == 0 and "Why is this bad?" in result.output and "claim-contradicts-label" in result.output
    assert run("rule", "LBL2O4").exit_code == 2
    listing = run("rule")
    assert all(code in listing.output for code in all_rules())


def test_configuration_in_pyproject(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.labeling.lint]\nignore = ["LBL3"]\nseverity = { LBL206 = "error" }\n'
    )
    monkeypatch.chdir(tmp_path)
    result = run("lint", SAMPLE, "--format", "json")
    codes = {d["code"]: d["severity"] for d in json.loads(result.output)["diagnostics"]}
    assert not any(code.startswith("LBL3") for code in codes)
    assert codes["LBL206"] == "error" and result.exit_code == 1
    (tmp_path / "pyproject.toml").write_text('[tool.labeling.lint]\nselct = ["LBL"]\n')
    bad = run("lint", SAMPLE)
    assert bad.exit_code == 2 and "unknown keys ['selct']" in bad.output


@pytest.mark.parametrize(
    "setting",
    [
        'reading-grade-max = "eight"',
        'min-type-pt = { package-insert = "big" }',
        "min-type-pt = 8",
        'severity = "error"',
        'severity = { LBL206 = "fatal" }',
    ],
)
def test_bad_configuration_values_exit_2_with_the_key(tmp_path, monkeypatch, setting):
    (tmp_path / "pyproject.toml").write_text(f"[tool.labeling.lint]\n{setting}\n")
    monkeypatch.chdir(tmp_path)
    result = run("lint", SAMPLE)
    assert result.exit_code == 2, result.output
    assert setting.split(" =")[0] in result.output and "Traceback" not in result.output


def test_lint_never_imports_weasyprint():
    code = (
        "import sys; from labeling.cli import main\n"
        f"try:\n    main(['lint', {str(SAMPLE)!r}, '--out', '/nonexistent'])\nexcept SystemExit as end:\n"
        "    assert end.code == 0, f'lint exited {end.code}'\n"
        "assert 'weasyprint' not in sys.modules, 'lint imported WeasyPrint'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr


def test_rules_documentation_is_current():
    from labeling.lint.output import rules_markdown

    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `labeling rule --markdown > docs/rules.md`"
    )


@pytest.mark.parametrize(
    ("name", "fires"),
    [
        ("room temperature; do not refrigerate", False),
        ("non-refrigerated", False),
        ("refrigerated", True),
        ("cold", True),
        ("refrigerated or room temperature", False),
        ("frozen or refrigerated", True),
    ],
)
def test_storage_names_are_read_with_their_negations(name, fires):
    hits = lint(edited(("temperature_name: room temperature", f"temperature_name: {name}")), "LBL102")
    assert bool(hits) == fires, [str(d) for d in hits]


@pytest.mark.parametrize(
    ("contact", "fires"),
    [
        ("Sinopharmatech (est. 1998-2024)", True),
        ("Room 1203-1205", True),
        ("sinopharmatech.com", False),
        ("1-800-PHARMA-1", False),
        ("+86 10 5555 0100", False),
        ("pv@sinopharmatech.cn", False),
    ],
)
def test_reporting_contact_needs_a_real_number_or_address(contact, fires):
    text = edited(
        ("    about: label.adverse_reaction_contact\n", "    about: nothing\n"),
        ("adverse_reaction_contact: Sinopharmatech Co., Ltd.", f"adverse_reaction_contact: {contact}"),
    )
    assert bool(lint(text, "LBL301")) == fires


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_formats_report_unreadable_content_and_still_lint_the_rest(tmp_path, fmt):
    broken = tmp_path / "broken.yaml"
    broken.write_text(SOURCE.replace("    text: Active malignancy\n", "    text: Active malignancy: any\n"))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "labeling.cli",
            "lint",
            str(broken),
            str(SAMPLE),
            "--format",
            fmt,
            "--out",
            str(tmp_path / "none"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2 and "put the text in quotes" in proc.stderr
    payload = json.loads(proc.stdout)
    if fmt == "json":
        codes = {(Path(d["file"]).name, d["code"]) for d in payload["diagnostics"]}
        assert ("broken.yaml", "LBL000") in codes and ("cerebrolysin.yaml", "LBL306") in codes
        assert next(d for d in payload["diagnostics"] if d["code"] == "LBL000")["name"] == "invalid-content"
    else:
        run_ = payload["runs"][0]
        rules = run_["tool"]["driver"]["rules"]
        assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run_["results"])
        assert any(r["ruleId"] == "LBL000" and r["level"] == "error" for r in run_["results"])


# --- LBL009: what the model can type, and what it cannot --------------------------------------------------------


def _in_warning(text: str) -> str:
    return edited((WARNING_TEXT, WARNING_TEXT.replace("events.", f"events. {text}")))


NUMBERS_IN_PROSE = [
    (
        _in_warning("Do not exceed 60 mL/day."),
        "'60 mL/day' is written in prose; make it a typed fact so it is verified (a dose field)",
    ),
    (  # a fraction read whole, not as its denominator ("2 tablet"), and offered as a value the content parses
        _in_warning("Do not take more than 1/2 tablet."),
        "'1/2 tablet' is written in prose; make it a typed fact so it is verified (a typed value: values: {name: "
        "0.5 tablets}",
    ),
    (
        edited((STROKE_DOSE, STROKE_DOSE + "      condition: in patients with CrCl below 30 mL/min\n")),
        "30 mL/min' is written in prose; make it a typed fact so it is verified (a renal function band field)",
    ),
    (
        edited(("    name: Elderly or frail patients\n", "    name: Patients 65 years and older\n")),
        "'65 years and older' is written in prose; make it a typed fact so it is verified (an age band field)",
    ),
    (
        edited(
            ("      condition: if not used immediately\n", "      condition: if not used immediately or below 25 °C\n")
        ),
        "25 °C' is written in prose",
    ),
    (
        edited(("      condition: if not used immediately\n", "      condition: if not used within 24 hours\n")),
        "'24 hours'",
    ),
    (
        edited(("    mixture of low molecular weight peptides", "    mixture of 25% low molecular weight peptides")),
        "'25%' is written in prose; make it a typed fact so it is verified (a typed value: values: {name: 25%} and {name} in the text)",
    ),
    (_in_warning("Hypoglycemia (blood glucose below 70 mg/dL) may occur."), "70 mg/dL' is written in prose"),
    (
        _in_warning("Re-evaluate 48 hours after imaging."),
        "'48 hours' is written in prose; make it a typed fact so it is verified (a typed value",
    ),
    (
        edited(("    text: Regular cognitive assessments\n", "    text: Cognitive assessments every 3 months\n")),
        "'every 3 months'",
    ),
    (edited((STROKE_DOSE, STROKE_DOSE + "      condition: only if symptoms improve within 7 days\n")), "'7 days'"),
    (
        edited((STROKE_DOSE, STROKE_DOSE + "      with_agents: [clarithromycin 500 mg]\n")),
        "'500 mg' is written in prose; make it a typed fact so it is verified (a co-agent",
    ),
    # a frequency is only a frequency; a timing that says how often is asked of the regimen's frequency
    (
        edited(
            (
                STROKE_DOSE,
                STROKE_DOSE + "      timing:\n        relation: at\n        event: breakfast, then every 12 hours\n",
            )
        ),
        "'every 12 hours' is written in prose; make it a typed fact so it is verified (a frequency field of the regimen)",
    ),
    # prose that says another frequency, or another band, than the one typed
    (
        edited((STROKE_DOSE, STROKE_DOSE + "      frequency: once daily\n      patient_text: Use it twice a day.\n")),
        "'twice a day' is written in prose; make it a typed fact so it is verified (a frequency field)",
    ),
    (
        edited(
            ("    name: Elderly or frail patients\n", "    name: Patients 65 years and older\n    age: ≥70 years\n")
        ),
        "'65 years and older' is written in prose; make it a typed fact so it is verified (an age band field)",
    ),
    (
        _in_warning("Repeat every 2 days."),
        "'every 2 days' is written in prose; make it a typed fact so it is verified (a typed value",
    ),
]
NOT_NUMBERS_TO_TYPE = [
    _in_warning("Use with caution in type 2 diabetes."),
    _in_warning("Avoid strong CYP3A4 inhibitors."),
    _in_warning("Monitor HbA1c."),
    _in_warning("See section 2.1."),
    _in_warning("Reported since 2019."),
    _in_warning("Dosed per 1.73 m² of body surface."),
    _in_warning("Doses of IL-1 beta and Factor VIII."),
    edited(
        (
            "    mixture of low molecular weight peptides",
            "    mixture (C16H19N3O5S•3H2O, a 1H-pyrrole) of low molecular weight peptides",
        )
    ),
    edited(
        (
            "\ngaps:\n",
            "\nnarrative:\n  - id: pk\n    section: pharmacokinetics\n    text: Cmax was 4.7 mcg/mL after 40 mg.\n\ngaps:\n",
        )
    ),
    edited(
        (
            "  how_it_is_given: A doctor or nurse will give you Cerebrolysin as an injection.",
            "  how_it_is_given: A doctor or nurse will give you 20 mL of Cerebrolysin as an injection.",
        )
    ),
    edited((STROKE_DOSE, STROKE_DOSE + "      with_agents: [{agent: clarithromycin, dose: 500 mg}]\n")),
    edited(
        (
            WARNING_TEXT,
            "    values: {onset: 1-4 hours}\n" + WARNING_TEXT.replace("events.", "events {onset} after a dose."),
        )
    ),
    # LANTUS: "once daily at any time of day, but at the same time every day": a rhythm, not a duration of 1 day
    edited(
        (
            STROKE_DOSE,
            STROKE_DOSE + "      frequency: once daily\n      timing:\n        relation: at\n"
            "        event: any time of day, but at the same time every day\n"
            "        patient_event: any time of day, but use it at the same time each day\n",
        )
    ),
    _in_warning("Give it at the same time every day."),
    # prose restating what the fact types already: its frequency, its population's band
    edited((STROKE_DOSE, STROKE_DOSE + "      frequency: once daily\n      patient_text: Use it once a day.\n")),
    edited(
        (
            STROKE_DOSE,
            STROKE_DOSE + "      frequency: twice daily\n      timing:\n        relation: at\n"
            "        event: breakfast and supper, twice a day\n",
        )
    ),
    edited(("    name: Elderly or frail patients\n", "    name: Patients 65 years and older\n    age: ≥65 years\n")),
    edited(("    name: Elderly or frail patients\n", "    name: Patients 3 months and older\n    age: ≥3 months\n")),
]


@pytest.mark.parametrize(("text", "words"), NUMBERS_IN_PROSE, ids=[w for _, w in NUMBERS_IN_PROSE])
def test_number_in_prose_asks_to_type_what_the_fact_can_type(text, words):
    hits = lint(text, "LBL009")
    assert any(words in d.message for d in hits), [str(d) for d in hits]


@pytest.mark.parametrize("text", NOT_NUMBERS_TO_TYPE, ids=range(len(NOT_NUMBERS_TO_TYPE)))
def test_number_in_prose_leaves_the_untypable_alone(text):
    assert [str(d) for d in lint(text, "LBL009")] == []


# --- LBL108: maxima and the doses they limit ----------------------------------------------------------------------

MAXIMA = [
    (
        "      dose: 500 mg\n      frequency: twice daily\n      max_daily_dose: 850 mg/day\n",
        "at least 1,000 mg/day, above its maximum daily dose 850 mg/day",
    ),
    ("      dose: 100 mg\n      max_dose: 80 mg\n", "goes above its maximum per dose 80 mg"),
    ("      dose: 2 g/day\n      max_daily_dose: 1500 mg/day\n", "above its maximum daily dose"),
    (
        "      dose: 500 mg\n      frequency: twice daily\n      titration:\n        step: 500 mg\n        interval: every 1 week\n"
        "        up_to: 250 mg\n",
        "titration goes up to 250 mg, below the starting dose 500 mg",
    ),
    (
        "      dose: 500 mg\n      frequency: twice daily\n      max_daily_dose: 2550 mg/day\n      titration:\n        step: 500 mg\n"
        "        interval: every 1 week\n        up_to: 3000 mg/day\n",
        "above its max daily dose 2,550 mg/day",
    ),
]
MAXIMA_THAT_FIT = [
    "      dose: 500 mg\n      frequency: twice daily\n      max_daily_dose: 2550 mg/day\n",
    "      dose: 1 g\n      frequency: every 4-6 hours\n      max_daily_dose: 4 g/day\n",  # the maximum cuts the frequency
    "      dose: 5 mg/kg\n      max_dose: 400 mg\n",  # another basis: cannot be compared
    "      dose: 25 mg/kg/day\n      divided: true\n      frequency: every 12 hours\n      max_daily_dose: 2 g/day\n",
    "      dose: 500 mg\n      frequency: twice daily\n      max_daily_dose: 2550 mg/day\n      titration:\n        step: 500 mg\n"
    "        interval: every 1 week\n        up_to: 2000 mg/day\n",
    "      dose: 20-50 mL/day\n      max_daily_dose: 50 mL/day\n",
]


@pytest.mark.parametrize(("dose", "words"), MAXIMA, ids=[w[:30] for _, w in MAXIMA])
def test_maximum_below_the_dose_it_limits_is_an_error(dose, words):
    hits = lint(edited((STROKE_DOSE, dose)), "LBL108")
    assert any(words in d.message and d.severity == ERROR for d in hits), [str(d) for d in hits]


@pytest.mark.parametrize("dose", MAXIMA_THAT_FIT, ids=range(len(MAXIMA_THAT_FIT)))
def test_maximum_that_fits_its_dose_passes(dose):
    assert [str(d) for d in lint(edited((STROKE_DOSE, dose)), "LBL108")] == []


def test_adjustment_maximum_below_its_dose():
    text = edited((ELDERLY_DOSE, "      dose: 5 mL/day\n      max_daily_dose: 4 mL/day\n"))
    (hit,) = lint(text, "LBL108")
    assert "elderly-start: 5 mL/day is at least 5 mL/day, above its maximum daily dose 4 mL/day" in hit.message


# --- LBL109, LBL302, LBL308–LBL310: more look-alikes -------------------------------------------------------------------


def test_reactions_the_label_calls_most_common_must_reach_the_cutoff():
    head, body = trials(cutoff="≥1%", headache="6%")
    listed = body + "  most_common:\n    cutoff: ≥5%\n    reactions: [headache, nausea]\n"
    (hit,) = lint(edited((head, listed)), "LBL109")
    assert "nausea is called most common (5% or more) but its incidence in the product's arm is 2%" in hit.message
    assert hit.fact == "adverse_reactions.most_common.reactions[1]"
    vomiting = (
        "  reactions:\n    - id: headache\n",
        "  reactions:\n    - id: vomiting\n      term: vomiting\n    - id: headache\n",
    )
    assert (
        lint(edited((head, listed.replace("[headache, nausea]", "[headache, vomiting]")), vomiting), "LBL109") == []
    )  # no incidence data for vomiting: nothing to compare


def test_incidence_cutoff_must_be_a_lower_bound_and_reached():
    (hit,) = lint(edited(trials(cutoff="≤5%")), "LBL109")
    assert "is an upper bound" in hit.message
    assert lint(edited(trials(cutoff="'>5%'", headache="5%")), "LBL109") != []  # 5% does not pass "more than 5%"
    assert lint(edited(trials(cutoff="≥5%", headache="5%")), "LBL109") == []
    assert lint(SOURCE, "LBL109") == []  # no trial data: Highlights say "reported", not "most common"


def test_required_section_named_by_a_gap_or_filled_passes():
    no_overdosage_gap = edited(("    sections: [overdosage]\n", ""))
    (hit,) = lint(no_overdosage_gap, "LBL302")
    assert "'10 OVERDOSAGE'" in hit.message and "(from narrative)" in hit.message
    filled = no_overdosage_gap.replace(
        "\ngaps:\n",
        "\nnarrative:\n  - id: overdose\n    section: overdosage\n"
        "    text: No case of overdose has been reported.\n\ngaps:\n",
        1,
    )
    assert lint(filled, "LBL302") == []
    eu = edited(("  market: us\n", "  market: eu\n"), ("    sections: [overdosage]\n", ""))
    assert lint(eu, "LBL302") == []  # an EU label gets no PLR insert


@pytest.mark.parametrize(
    ("edits", "fires"),
    [
        ([(STROKE_DOSE, "      dose: 0.5 mL/kg/day\n      max_dose: 40 mL\n")], False),
        (
            [
                with_population("Children", "weight: <40 kg"),
                (STROKE_DOSE, "      population: children\n      dose: 0.5 mL/kg/day\n"),
            ],
            False,
        ),  # the band caps it
        (
            [
                with_population("Children", "weight: ≥40 kg"),
                (STROKE_DOSE, "      population: children\n      dose: 0.5 mL/kg/day\n"),
            ],
            True,
        ),  # no upper bound
        (
            [("      dose: 5-10 mL/day\n", "      dose: 0.5 mL/kg/day\n")],
            False,
        ),  # the off-label regimen is printed nowhere
        (
            [
                with_population("Renal impairment", "renal_function: 30-45 mL/min/1.73 m²", "renal_measure: eGFR"),
                (STROKE_DOSE, "      population: children\n      dose: 20-50 mL/day\n"),
            ],
            False,
        ),  # a renal band is not a dose
        # amoxicillin 2.2: "the recommended upper dose ... is 30 mg/kg/day": a dose written as an upper bound is its maximum
        ([(STROKE_DOSE, "      dose: ≤0.5 mL/kg/day\n")], False),
        ([(STROKE_DOSE, "      dose: <0.5 mL/kg/day\n")], False),
        ([(STROKE_DOSE, "      dose: ≥0.5 mL/kg/day\n")], True),  # a lower bound: no ceiling at all
        ([(STROKE_DOSE, "      dose: 0.3-0.5 mL/kg/day\n")], True),  # a range per kg still grows with the weight
        # a gap about the regimen's dosing says the source gives no maximum (LBL306 lists it) ...
        (
            [
                (STROKE_DOSE, "      dose: 0.5 mL/kg/day\n"),
                (
                    "\ngaps:\n",
                    "\ngaps:\n  - id: max\n    title: maximum\n    about: dosing.regimens[stroke-tbi].max_daily_dose\n"
                    "    text: The source gives no maximum.\n",
                ),
            ],
            False,
        ),
        (
            [
                (STROKE_DOSE, "      dose: 0.5 mL/kg/day\n"),
                (
                    "\ngaps:\n",
                    "\ngaps:\n  - id: max\n    title: maximum\n    about: dosing.regimens\n"
                    "    text: The source gives no maximum.\n    affects: [stroke-tbi]\n",
                ),
            ],
            False,
        ),
        # ... a gap about something else that affects it (the concentration gap affects stroke-tbi) does not
        ([(STROKE_DOSE, "      dose: 0.5 mL/kg/day\n")], True),
        (
            [
                (STROKE_DOSE, "      dose: 0.5 mL/kg/day\n"),
                (
                    "\ngaps:\n",
                    "\ngaps:\n  - id: other\n    title: other\n    about: storage\n"
                    "    text: Something else.\n    affects: [stroke-tbi]\n",
                ),
            ],
            True,
        ),
    ],
)
def test_weight_based_dose_without_maximum_look_alikes(edits, fires):
    assert bool(lint(edited(*edits), "LBL308")) == fires


REGIMEN_FOR_CHILDREN = (
    "      routes: [iv]\n      dose: 20-50",
    "      population: children\n      routes: [iv]\n      dose: 20-50",
)


@pytest.mark.parametrize(
    ("edits", "fires"),
    [
        ([with_population("Adults"), REGIMEN_FOR_CHILDREN], False),
        ([with_population("Women of childbearing potential"), REGIMEN_FOR_CHILDREN], False),
        ([with_population("Infants", "weight: 3-10 kg"), REGIMEN_FOR_CHILDREN], False),
        ([with_population("Neonates"), REGIMEN_FOR_CHILDREN], True),
        (
            [
                with_population("Patients with stroke"),
                REGIMEN_FOR_CHILDREN,
                (
                    "  - id: stroke\n    name: ",
                    "  - id: stroke\n    population: children\n    statement: Recovery after stroke in children.\n    name: ",
                ),
            ],
            True,
        ),
        ([("  - id: stroke\n    name: ", "  - id: stroke\n    name: In children, ")], True),
        ([("  - id: stroke\n    name: ", "  - id: stroke\n    name: Not for use in children, ")], False),
        # LANTUS: "Individualize dosage" for adult and pediatric patients: no dose to give the wrong child
        (
            [
                with_population("Adult and pediatric patients"),
                (STROKE_DOSE, "      population: children\n      text: individualize the dosage\n"),
            ],
            False,
        ),
        (
            [
                with_population("Adult and pediatric patients"),
                (
                    STROKE_DOSE,
                    "      population: children\n      text: individualize the dosage\n      max_dose: 50 mL\n",
                ),
            ],
            True,
        ),
        (
            [
                with_population("Children"),
                (ELDERLY_DOSE, "      dose: 5 mL/day\n"),
                (
                    "      population: elderly\n      action: starting-dose\n",
                    "      population: children\n      action: starting-dose\n",
                ),
            ],
            True,
        ),
        (
            [
                with_population("Children"),
                (
                    '      population: elderly\n      action: starting-dose\n      # The source: "Lower initial doses (e.g., 5 mL/day)": an '
                    "example of a lower dose, not an instruction.\n      dose: 5 mL/day\n      example: true\n",
                    "      population: children\n      action: monitor\n      text: Monitor closely.\n",
                ),
            ],
            False,
        ),  # advice, no dose
    ],
)
def test_pediatric_population_look_alikes(edits, fires):
    assert bool(lint(edited(*edits), "LBL309")) == fires


@pytest.mark.parametrize(
    ("edits", "fires"),
    [
        ([(PRODUCT_CLASS, "  pharmacologic_class: cephalosporin antibiotic\n")], True),
        ([(PRODUCT_CLASS, "  pharmacologic_class: macrolide\n")], True),
        (
            [("  - id: stroke\n    name: ", "  - id: stroke\n    name: Infections caused by susceptible bacteria; ")],
            True,
        ),
        ([(PRODUCT_CLASS, "  pharmacologic_class: nucleoside analogue antiviral\n")], False),
        ([(PRODUCT_CLASS, "  pharmacologic_class: azole antifungal\n")], False),
        (
            [(PRODUCT_CLASS, "  pharmacologic_class: tumor necrosis factor (TNF) blocker, a monoclonal antibody\n")],
            False,
        ),
        ([("  - id: stroke\n    name: ", "  - id: stroke\n    name: Fungal infections; ")], False),
        (
            [
                (PRODUCT_CLASS, "  pharmacologic_class: penicillin-class antibacterial\n"),
                ("      name: intravenous\n", "      name: topical\n"),
            ],
            False,
        ),  # not systemic
    ],
)
def test_antibacterial_look_alikes(edits, fires):
    assert bool(lint(edited(*edits), "LBL310")) == fires


def test_patient_labeling_approved_is_fine_with_an_approval():
    assert lint(SOURCE, "LBL110") == []
    approved = ("  market: us\n", "  market: us\n  patient_labeling_approved: true\n  initial_us_approval: 2002\n")
    assert lint(edited(approved), "LBL110") == []  # the approval year records an approved product


def test_incidence_rows_must_name_known_reactions_and_the_products_arm_at_load():
    """What LBL109 does not need to check: the loader already refuses these (exit 2, before lint runs)."""
    from labeling.load import ContentError

    head, body = trials()
    with pytest.raises(ContentError, match="'dizziness' is not the id of any adverse reaction"):
        parse_label(edited((head, body.replace("reaction: nausea", "reaction: dizziness"))), "label.yaml")
    with pytest.raises(ContentError, match="no incidence for the product's arm 'product-arm'"):
        parse_label(edited((head, body.replace("{product-arm: 2%, placebo: 1%}", "{placebo: 1%}"))), "label.yaml")


@pytest.mark.parametrize(
    ("where", "text", "fires"),
    [
        ("a gap's title (the draft notice)", "      TBD after the sponsor replies", True),
        ("a contraindication", "Severe renal impairment (see contraindications[severe-renal-impairment])", True),
        ("a contraindication", "Severe renal impairment ???", True),
        ("a contraindication", "Severe renal impairment (FIXME confirm CrCl)", True),
        ("a contraindication", "Severe renal impairment [see Warnings and Precautions (5.1)]", False),
        ("a contraindication", "Severe renal impairment (CrCl [mL/min] below 30)", False),
    ],
)
def test_internal_notation_in_printed_text(where, text, fires):
    if where.startswith("a gap"):
        edits = [("    title: a reporting telephone number or web address\n", f"    title: >-\n{text}\n")]
    else:
        edits = [("    text: Severe renal impairment\n", f"    text: {text}\n")]
    assert bool(lint(edited(*edits), "LBL311")) == fires


def test_an_unprinted_gap_text_may_hold_notation():
    """A gap naming no section is printed by its title only: its text is the reviewer's."""
    gap = "      given, so a dose in mL cannot be converted to mg or to a number of vials.\n"
    assert lint(edited((gap, gap.replace("vials.", "vials (product.concentration)."))), "LBL311") == []
    assert lint(edited((gap, gap.replace("vials.", "vials (see product.presentations[vial])."))), "LBL311") == []


def test_sarif_uris_are_percent_encoded(tmp_path, face_value_file):
    """A file name with spaces or '#' is a URI reference in SARIF, not a raw path (code scanning splits on '#')."""
    odd = tmp_path / "my label #2.yaml"
    odd.write_bytes(Path(face_value_file).read_bytes())
    sarif = json.loads(run("lint", odd, "--format", "sarif", "--out", tmp_path).output)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris and all(" " not in u and "#" not in u and u.endswith("my%20label%20%232.yaml") for u in uris)
