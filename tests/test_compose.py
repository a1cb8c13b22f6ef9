"""What the composers write, read from the document trees (fast: no layout). Each case is a behaviour a reviewer
asked for; each fails on the composers as they were before it."""

from __future__ import annotations

import re

import pytest
from helpers import ROOT, content_text, parse, tree

from labeling.load import ContentError, load_label

CORPUS = {p.stem: p for p in sorted((ROOT / "content").glob("*.yaml"))}


def texts(document, key: str) -> list[str]:
    return [u.text for part, s in document.sections() if s.key == key for u in [s.heading, *s.units()]]


def with_text(old: str, new: str):
    text = content_text()
    assert old in text
    return parse(text.replace(old, new, 1))


HIGH_DOSE = "    text: Doses of {threshold} may increase the rate of non-fatal adverse events."


def test_a_cross_reference_in_a_text_is_numbered_in_the_insert_and_sheet_and_left_out_for_patients():
    label = with_text(HIGH_DOSE, HIGH_DOSE[:-1] + " {see:adverse-reactions}.")
    insert = tree(label, "package-insert")
    (fpi,) = [t for t in texts(insert, "warning") if "non-fatal" in t]
    assert fpi.endswith("adverse events [see Adverse Reactions (6)].")
    (highlights,) = [t for t in texts(insert, "hl-warnings") if "non-fatal" in t]
    assert "[see" not in highlights and highlights.endswith("adverse events (5.1)")
    assert not any("{see:" in u.text or "[see" in u.text for u in tree(label, "patient-information").units())
    # The sheet quotes the text with the insert's reference: it points readers into the prescribing information.
    sheet = [u.text for u in tree(label, "product-sheet").units() if "non-fatal" in u.text]
    assert sheet and all(t.endswith("[see Adverse Reactions (6)].") for t in sheet)


def test_a_cross_reference_to_a_fact_names_the_subsection_it_is_printed_in():
    label = with_text(HIGH_DOSE, HIGH_DOSE[:-1] + " {see:elderly-start}.")
    (fpi,) = [t for t in texts(tree(label, "package-insert"), "warning") if "non-fatal" in t]
    assert "[see Dosage and Administration (2.2)]" in fpi


@pytest.mark.parametrize(
    ("refs", "printed"),
    [
        ("{see:elderly-start} {see:adverse-reactions}", "[see Dosage and Administration (2.2), Adverse Reactions (6)]"),
        ("{see:dosage} {see:elderly-start}", "[see Dosage and Administration (2, 2.2)]"),
        ("{see:elderly-start} {see:elderly-start}", "[see Dosage and Administration (2.2)]"),
    ],
)
def test_references_side_by_side_print_as_one_bracket(refs, printed):
    """PLR writes one bracket for several places: "[see Dosage and Administration (2.2), Adverse Reactions (6)]",
    numbers of one section together, none twice."""
    label = with_text(HIGH_DOSE, HIGH_DOSE[:-1] + f" {refs}.")
    (fpi,) = [t for t in texts(tree(label, "package-insert"), "warning") if "non-fatal" in t]
    assert fpi.endswith(f"adverse events {printed}.")
    sheet = [u.text for u in tree(label, "product-sheet").units() if "non-fatal" in u.text]
    assert sheet and all(t.endswith(f"adverse events {printed}.") for t in sheet)


def test_references_apart_stay_apart():
    label = with_text(HIGH_DOSE, HIGH_DOSE[:-1] + " {see:elderly-start} and in older patients {see:adverse-reactions}.")
    (fpi,) = [t for t in texts(tree(label, "package-insert"), "warning") if "non-fatal" in t]
    assert "[see Dosage and Administration (2.2)] and in older patients [see Adverse Reactions (6)]." in fpi


def test_an_unknown_cross_reference_is_refused_with_a_suggestion():
    with pytest.raises(ContentError) as error:
        with_text(HIGH_DOSE, HIGH_DOSE[:-1] + " {see:adverse-reaction}.")
    (problem,) = error.value.problems
    assert problem.field == "warnings[high-dose].text" and "did you mean 'adverse-reactions'" in problem.message


def test_serious_side_effects_are_listed_under_possible_side_effects():
    """FDA's order: the key risk (boxed warning) is the most important information; the other serious side effects
    are possible side effects, which point back to it."""
    label = load_label(CORPUS["adalimumab"])
    document = tree(label, label.label.patient_labeling)
    sections = {s.key: s for _, s in document.sections()}
    important = set(sections["important"].bound_facts())
    side_effects = set(sections["side-effects"].bound_facts())
    serious = [str(label.fact_path(w.id)) for w in label.warnings if w.serious and w.patient_text]
    assert serious
    assert not important & set(serious) and set(serious) <= side_effects
    assert {str(label.fact_path(i.id)) for i in label.boxed_warning.items} <= important
    side_effects = texts(document, "side-effects")
    assert any(t.startswith("See “What is the most important information") for t in side_effects)


@pytest.mark.parametrize(("product", "verb"), [("amoxicillin", "take"), ("adalimumab", "use"), ("cerebrolysin", "use")])
def test_the_patient_verb_follows_the_route(product, verb):
    label = load_label(CORPUS[product])
    document = tree(label, label.label.patient_labeling)
    headings = [s.heading.text for _, s in document.sections()]
    assert f"How should I {verb} {label.product.name}?" in headings
    other = "use" if verb == "take" else "take"
    assert f"How should I {other} {label.product.name}?" not in headings


def test_the_stock_how_to_sentence_gives_way_to_the_labels_own():
    label = load_label(CORPUS["amoxicillin"])
    how = texts(tree(label, "patient-information"), "how")
    assert label.patient.how_it_is_given and any(label.patient.how_it_is_given in t for t in how)
    assert not any(
        "exactly as your healthcare provider tells you to" in t and t.startswith("Take Amoxicillin") for t in how
    )


def test_contraindications_are_listed_without_a_lead_in():
    for kind in ("package-insert", "product-sheet"):
        lines = list(
            texts(
                tree(load_label(CORPUS["insulin-glargine"]), kind),
                "contraindications" if kind == "package-insert" else "safety",
            )
        )
        assert not any("contraindicated in:" in t for t in lines), lines


def test_a_strength_without_a_pack_is_a_dosage_form_but_not_supplied():
    label = with_text("      packages:\n        - id: pack-of-6\n          pack: 6 vials\n", "      packages: []\n")
    insert = tree(label, "package-insert")
    assert any("60" in t for t in texts(insert, "dosage-forms"))
    assert not any("6 vials" in t for t in texts(insert, "how-supplied-presentation"))


def test_the_sheet_states_indications_as_the_label_does():
    label = load_label(CORPUS["atorvastatin"])
    safety = texts(tree(label, "product-sheet"), "indications")
    statements = [i.statement for i in label.indications if i.status == "approved" and i.statement]
    assert statements
    assert any(statements[0][:40] in t for t in safety)
    limitations = [t for i in label.indications for t in i.limitations]
    if limitations:
        assert any(limitations[0][:30] in t for t in safety)


def test_a_label_without_patient_labeling_neither_gets_nor_mentions_one():
    from labeling.documents import outputs_for

    label = with_text("  recent_major_changes: []\n", "  recent_major_changes: []\n  patient_labeling: none\n")
    assert [o.filename for o in outputs_for(label)] == ["package-insert.pdf", "product-sheet.docx", "spl.xml"]
    insert = tree(label, "package-insert")
    words = " ".join(u.text for u in insert.units())
    assert "patient labeling" not in words and "Patient Information" not in words
    assert "See 17 for PATIENT COUNSELING INFORMATION." in words


def test_a_cross_reference_to_the_boxed_warning_and_repeated_subsections_in_a_change():
    import datetime as dt

    from labeling.model import RecentMajorChange

    label = load_label(CORPUS["metformin"])
    warning = label.warnings[0]
    text = warning.text + " {see:boxed-warning}"
    changed = label.model_copy(update={"warnings": [warning.model_copy(update={"text": text}), *label.warnings[1:]]})
    assert "[see Boxed Warning]" in " ".join(texts(tree(changed, "package-insert"), "warning"))
    adjustments = [a.id for a in label.dosing.adjustments][:2]
    change = RecentMajorChange(section="dosage", date=dt.date(2026, 1, 1), about=adjustments)
    info = label.label.model_copy(update={"recent_major_changes": [change]})
    (entry,) = texts(tree(label.model_copy(update={"label": info}), "package-insert"), "hl-recent-major-changes")[1:]
    subsection = entry.split(", ", 1)[1].split(" (")[0]
    assert entry.count(subsection) == 1, entry


def test_a_boxed_item_ending_in_references_prints_one_bracket_with_its_own():
    """The text's own references and the warning the item is about share one bracket: "… are provided [see Dosage
    and Administration (2.2), Contraindications (4), Warnings and Precautions (5.1)]."."""
    label = load_label(CORPUS["metformin"])
    item = next(i for i in label.boxed_warning.items if re.search(r"\{see:[^}]+\}\s*\{see:[^}]+\}\.$", i.text))
    boxed = [u.text for _, s in tree(label, "package-insert").sections() if s.key == "boxed-warning" for u in s.units()]
    (printed,) = [t for t in boxed if t.startswith(item.text[:40])]
    assert printed.count("[see") == 1 and printed.endswith(")].")
    assert "Contraindications (4), Warnings and Precautions (5." in printed
