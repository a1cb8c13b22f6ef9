"""The shipped Cerebrolysin label carries every fact of the vendor's page, with honest statuses.

Each test reads the fact group from the dossier text itself and compares it with the typed model, so a
fact edited in either place is caught; literal values are asserted as well.
"""

from __future__ import annotations

import re
from decimal import Decimal

from labeling.model import walk
from labeling.quantities import Quantity, parse_quantity
from labeling.reach import shown_regimens


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def line_after(dossier: str, prefix: str) -> str:
    lines = dossier.splitlines()
    for index, text in enumerate(lines):
        if text.strip().startswith(prefix):
            return squash(text.strip()[len(prefix) :]) or squash(lines[index + 1])
    raise AssertionError(f"dossier has no line starting {prefix!r}")


def test_identity(label, dossier):
    product = label.product
    assert product.name == "Cerebrolysin" == line_after(dossier, "Product Name |").strip(" |")
    assert line_after(dossier, "Active Ingredient |").strip(" |") in product.established_name
    (vial,) = product.presentations
    assert vial.dosage_form.lower() == line_after(dossier, "Dosage Form |").strip(" |").lower() == "injection"
    assert product.manufacturer == line_after(dossier, "Manufacturer |").strip(" |") == "Sinopharmatech Co., Ltd."
    per_vial, vials = re.fullmatch(r"(\d+)mg/vial\*(\d+)vials", line_after(dossier, "Strength |").strip(" |")).groups()
    assert vial.strength == parse_quantity(f"{per_vial} mg/vial") == parse_quantity("60 mg/vial")
    assert [p.pack for p in vial.packages] == [parse_quantity(f"{vials} vials")] == [parse_quantity("6 vials")]
    assert product.source_material == "porcine brain proteins"


def test_market_is_a_recorded_decision(label):
    assert label.label.market == "us" and label.label.market_reason
    assert label.label.approval is None  # no marketing authorisation: no document may say "approved"
    assert not label.label.patient_labeling_approved
    assert label.label.sources and "dossier" in label.label.sources[0].where


def test_composition(label, dossier):
    fractions = {c.id: c.fraction for c in label.description.components}
    peptides, amino = re.search(r"peptides \((\d+)%\) and free amino acids \((\d+)%\)", dossier).groups()
    assert fractions == {"peptides": parse_quantity(f"{peptides}%"), "amino-acids": parse_quantity(f"{amino}%")}
    assert fractions["peptides"].low == 25 and fractions["amino-acids"].low == 75
    assert label.description.named_factors == ["BDNF", "NGF", "GDNF"]
    assert "BDNF, NGF, and GDNF" in dossier


def test_mechanisms(label, dossier):
    names = [m.name for m in label.mechanisms]
    assert names == ["Neuroprotection", "Neurotrophic support", "Metabolic enhancement", "Anti-inflammatory effects"]
    for mechanism in label.mechanisms:
        source = next(squash(t) for t in dossier.splitlines() if t.lower().startswith(mechanism.name.lower() + ":"))
        assert squash(mechanism.text) in source, mechanism.id
        for marker in mechanism.markers:
            assert marker.lower() in squash(dossier).lower(), marker
    markers = {m for mechanism in label.mechanisms for m in mechanism.markers}
    assert {"IL-1β", "GLUT1", "ICAM-1", "BDNF", "NGF", "tight-junction proteins", "microglia"} <= markers


def test_indications_and_statuses(label, dossier):
    statuses = {i.id: i.status for i in label.indications}
    assert statuses == {
        "stroke": "approved",
        "tbi": "approved",
        "alzheimers": "approved",
        "vascular-dementia": "approved",
        "peripheral-neuropathy": "investigational",
        "parkinsons": "investigational",
        "multiple-sclerosis": "investigational",
        "cognitive-enhancement": "off-label",
    }
    for indication in label.indications:
        assert squash(indication.summary) in squash(dossier), indication.id
        if indication.status != "approved":
            assert indication.status_reason, indication.id
    for marker in ("VEGF", "Angiopoietin-1", "amyloid-beta", "ADAS-cog", "apoptosis", "dopaminergic", "remyelination"):
        assert any(marker in i.summary for i in label.indications), marker


def test_routes(label, dossier):
    assert [(r.id, r.name, r.abbreviation) for r in label.dosing.routes] == [
        ("iv", "intravenous", "IV"),
        ("im", "intramuscular", "IM"),
    ]
    assert "Intramuscular (IM) or intravenous (IV) injection" in dossier


DOSSIER_REGIMEN = re.compile(
    r"(?P<dose>\d+-\d+ mL/day) (?P<route>IV|IM) for (?P<duration>[\d-]+ (?:days|weeks))"
    r"(?:, repeated (?P<repeat>\d+-\d+) times annually)?"
)


def test_regimens_match_the_dossier_lines(label, dossier):
    found = {}
    for prefix, regimen_id in (
        ("Stroke/TBI:", "stroke-tbi"),
        ("AD/Vascular Dementia:", "dementia"),
        ("Nootropic Use:", "nootropic"),
    ):
        match = DOSSIER_REGIMEN.search(line_after(dossier, prefix))
        regimen = next(r for r in label.dosing.regimens if r.id == regimen_id)
        assert regimen.dose == parse_quantity(match["dose"])
        assert [label.route(r).abbreviation for r in regimen.routes] == [match["route"]]
        assert regimen.duration == parse_quantity(match["duration"])
        if match["repeat"]:
            assert regimen.repeat == parse_quantity(f"{match['repeat']} times/year")
        found[regimen_id] = (str(regimen.dose), regimen.routes[0], str(regimen.duration))
    assert found == {
        "stroke-tbi": ("20–50 mL/day", "iv", "7–21 days"),
        "dementia": ("10–30 mL/day", "iv", "4 weeks"),
        "nootropic": ("5–10 mL/day", "im", "10–20 days"),
    }
    assert {tuple(r.indications) for r in label.dosing.regimens} == {
        ("stroke", "tbi"),
        ("alzheimers", "vascular-dementia"),
        ("cognitive-enhancement",),
    }
    assert next(r for r in label.dosing.regimens if r.id == "nootropic").repeat_note == "cycles repeated as needed"
    # The off-label regimen is kept in the content but never reaches a document.
    assert [r.id for r in shown_regimens(label)] == ["stroke-tbi", "dementia"]


def test_cycling_and_individualisation(label, dossier):
    cycling = label.dosing.cycling
    assert "20-day cycles with 1-2 month breaks to prevent tolerance" in dossier
    assert (cycling.cycle_length, cycling.rest_period) == (parse_quantity("20 days"), parse_quantity("1-2 months"))
    assert cycling.rationale == "to prevent tolerance" and cycling.qualifier == "typically"
    elderly = label.dosing.adjustments[0]
    assert re.search(r"Lower initial doses \(e\.g\., (\d+ mL/day)\)", dossier)[1] == "5 mL/day"
    assert elderly.action == "starting-dose" and elderly.dose == parse_quantity("5 mL/day")
    assert elderly.example  # the source says "e.g.": an example of a lower dose, never an instruction
    assert label.population(elderly.population).name == "Elderly or frail patients"
    assert elderly.reason == "to minimize adverse effects"
    # "Often paired with cholinesterase inhibitors … for synergistic effects" is a claim judged, not a regimen
    assert "Often paired with cholinesterase inhibitors (e.g., donepezil)" in dossier
    assert not label.dosing.combinations
    assert {c.id: c.status for c in label.claims}["donepezil-synergy"] == "rejected"


def test_storage(label, dossier):
    conditions = {c.id: c for c in label.storage.conditions}
    unopened, reconstituted = conditions["unopened"], conditions["reconstituted"]
    assert "room temperature (15-25°C), protected from light and moisture" in dossier
    assert unopened.temperature == parse_quantity("15-25 °C")
    assert unopened.temperature_name == "room temperature"
    assert unopened.protect_from == ["light", "moisture"]
    assert "refrigerate at 2-8°C for up to 24 hours" in dossier
    assert reconstituted.use_immediately
    assert reconstituted.temperature == parse_quantity("2-8 °C")
    assert reconstituted.time_limit == parse_quantity("24 hours")
    assert unopened.do_not_freeze and reconstituted.do_not_freeze
    assert "denature" in label.storage.freezing_reason


def test_safety(label, dossier):
    assert [a.term for a in label.adverse_reactions.reactions] == ["headache", "nausea", "injection-site pain"]
    assert not label.adverse_reactions.clinical_trials  # no incidences: nothing may be called "most common"
    assert all(a.severity == "mild" for a in label.adverse_reactions.reactions)
    assert label.adverse_reactions.overall == "Generally well-tolerated"
    high_dose = label.warnings[0]
    assert re.search(r"High doses \((≥\d+ mL/day)\)", dossier)[1] == "≥80 mL/day"
    assert high_dose.threshold == parse_quantity("≥80 mL/day")
    assert "non-fatal adverse events" in high_dose.text
    assert [c.text for c in label.contraindications] == [
        "Hypersensitivity to porcine (pig) proteins",
        "Severe renal impairment",
        "Severe hepatic impairment",
        "Active malignancy",
    ]
    assert all(c.patient_text for c in label.contraindications)
    assert [(m.text, m.when) for m in label.monitoring] == [
        ("Regular cognitive assessments", "during long-term use"),
        ("Metabolic panels", "during long-term use"),
    ]


def test_references(label, dossier):
    citations = [r.citation for r in label.references]
    refs_line = line_after(dossier, "References:")
    for name in (
        "International Peptide Society",
        "Cochrane Reviews",
        "European Journal of Neurology",
        "Journal of Neural Transmission",
    ):
        assert name in refs_line and any(name in c for c in citations), name


MARKETING_LINES = [
    "High Purity (≥98%)",
    "Flexible Dosing Options",
    "GMP-Certified Quality",
    "Weekly Dosing for Convenience",
    "Support different package method",
]


def test_claims_library_judges_every_marketing_line(label, dossier):
    claims = {c.id: c for c in label.claims}
    for line in MARKETING_LINES:
        assert line in dossier
        assert any(c.source == f'marketing line "{line}"' for c in label.claims), line
    assert claims["weekly-dosing"].status == "rejected"
    assert claims["high-purity"].status == "rejected"
    assert claims["disease-modifying"].status == "rejected"
    assert claims["gmp-certified"].status == "pending"
    # "Flexible dosing" invites doses and routes outside the two labelled regimens: nothing on the sheet needs it
    assert claims["flexible-dosing"].status == "rejected"
    assert all(c.reason for c in label.claims)
    assert "disease-modifying agent" in dossier and "well-tolerated" in dossier


def test_gaps_are_recorded_not_filled(label):
    assert all(k.volume is None for p in label.product.presentations for k in p.packages)
    assert label.preparation is None and not label.interactions
    assert {g.id for g in label.gaps} >= {
        "concentration",
        "reconstitution",
        "reporting-contact",
        "interactions",
        "approval-basis",
    }
    placed = {section for g in label.gaps for section in g.sections}
    assert {"pop-pregnancy", "pop-lactation", "pop-pediatric", "pharmacokinetics", "clinical-studies"} <= placed


def test_indication_names_are_the_sources(label, dossier):
    """The reviewer found "ischemic" stroke, which the source does not say: names are the source's."""
    stroke = label.indication("stroke")
    assert stroke.name == "stroke recovery" and "Stroke Recovery" in dossier
    assert "ischemic stroke" not in squash(dossier).lower()


def test_no_number_is_invented(label, dossier):
    """Every number in a typed fact appears in the dossier: nothing was filled in."""
    dossier_numbers = {Decimal(n) for n in re.findall(r"\d+(?:\.\d+)?", dossier)}

    numbers = set()
    for _, q in walk(label):
        if isinstance(q, Quantity):
            numbers |= {q.low} | ({q.high} if q.high is not None else set())
    assert numbers and numbers <= dossier_numbers, numbers - dossier_numbers
