"""`labeling import`: a published SPL becomes content that validates and builds, with the source's product data
typed exactly, and everything else kept as text in gaps that say so."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from labeling.cli import main
from labeling.extract.spl import SplProduct, read_spl
from labeling.load import load_label

pytestmark = pytest.mark.slow  # builds imported labels

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "tests" / "fixtures" / "spl"  # labels as FDA publishes them (see its README)
LIPITOR = PUBLISHED / "lipitor.xml"
CORPUS = sorted((ROOT / "content").glob("*.yaml"))


def product_data(products: tuple[SplProduct, ...]) -> list[tuple]:
    """What FDA's listing reads, comparable across documents (names and units as FDA writes them)."""
    rows = []
    for product in products:
        ingredients = sorted(
            (i.name.lower(), "active" if i.role.startswith("ACTI") else "inactive", i.unii or "")
            for i in product.ingredients
        )
        strengths = sorted(
            (Decimal(i.strength.numerator), i.strength.numerator_unit, Decimal(i.strength.denominator),
             i.strength.denominator_unit)
            for i in product.ingredients if i.strength
        )  # fmt: skip
        packages = sorted((p.code or "", Decimal(p.quantity), p.unit, p.form or "") for p in product.packages)
        rows.append((product.name.lower(), (product.form or "").upper(), strengths, ingredients, packages))
    return sorted(rows)


def _import(tmp_path: Path, source: Path) -> tuple[Path, str]:
    out = tmp_path / f"{source.stem}.yaml"
    result = CliRunner().invoke(main, ["import", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def _built_spl(tmp_path: Path, content: Path) -> bytes:
    result = CliRunner().invoke(main, ["build", str(content), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    label = load_label(content)
    return (tmp_path / "out" / label.product.id / "spl.xml").read_bytes()


def test_lipitor_as_fda_publishes_it_imports_validates_and_builds_with_its_product_data(tmp_path):
    content, output = _import(tmp_path, LIPITOR)
    assert "kept as text:" in output and "PATIENT INFORMATION (LOINC 42230-3)" in output
    label = load_label(content)
    assert label.label.spl is not None and label.label.spl.set_id == "c6e131fe-e7df-4876-83f7-9156fc4e8228"
    assert label.label.spl.version == 11 and label.label.initial_us_approval == 1996
    assert label.label.approval is not None and label.label.approval.basis == "NDA 020702"
    source = read_spl(LIPITOR.read_bytes())
    rebuilt = read_spl(_built_spl(tmp_path, content))
    assert product_data(rebuilt.products) == product_data(source.products)
    assert len(label.product.presentations) == 4
    assert {str(p.strength) for p in label.product.presentations} == {"10 mg", "20 mg", "40 mg", "80 mg"}
    header = content.read_text(encoding="utf-8").split("\nproduct:", 1)[0]
    assert "# Kept as text" in header and "Package label (principal display panel)" in header
    gaps = {g.about for g in label.gaps}
    assert "LOINC 42230-3" in gaps and "LOINC 34073-7" in gaps  # the patient labeling and the interactions table


def test_lipitor_imports_its_dosing_and_reactions_as_typed_facts(tmp_path):
    content, _ = _import(tmp_path, LIPITOR)
    label = load_label(content)
    doses = {str(r.dose) for r in label.dosing.regimens if r.dose}
    assert "10–80 mg" in doses or "10-80 mg" in {r.dose.raw for r in label.dosing.regimens if r.dose}
    assert [r.term for r in label.adverse_reactions.reactions][:2] == ["nasopharyngitis", "arthralgia"]
    assert len(label.contraindications) == 4
    assert label.storage.conditions[0].temperature is not None


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_every_corpus_spl_round_trips_its_product_data(path, tmp_path):
    """Our own SPL, imported and built again, lists the same products, strengths, ingredients and packages."""
    spl = tmp_path / "source.xml"
    spl.write_bytes(_built_spl(tmp_path / "first", path))
    content, _ = _import(tmp_path, spl)
    rebuilt = _built_spl(tmp_path / "second", content)
    assert product_data(read_spl(rebuilt).products) == product_data(read_spl(spl.read_bytes()).products)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<html><body>not a label</body></html>", "not an SPL document"),
        (b'<?xml version="1.0"?><document xmlns="urn:hl7-org:v3"><title>x</title></document>', "no product data"),
        (b"<document", "not well-formed XML"),
    ],
)
def test_what_is_not_an_spl_is_bad_input(data, words, tmp_path):
    source = tmp_path / "in.xml"
    source.write_bytes(data)
    result = CliRunner().invoke(main, ["import", str(source), "--out", str(tmp_path / "out.yaml")])
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out.yaml").exists()


def test_diff_and_redline_compare_two_published_versions_fact_by_fact(tmp_path):
    old, new = tmp_path / "v11.xml", tmp_path / "v12.xml"
    old.write_bytes(LIPITOR.read_bytes())
    text = LIPITOR.read_text(encoding="utf-8")
    assert "10 to 80 mg once daily (" in text
    edited = text.replace("10 to 80 mg once daily (", "10 to 40 mg once daily (", 1)
    new.write_text(edited.replace('<versionNumber value="11"/>', '<versionNumber value="12"/>'), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json", "--fail-on", "major"])
    assert result.exit_code == 1, result.output
    import json

    changes = json.loads(result.output)["products"][0]["changes"]
    dose = [c for c in changes if c["path"].startswith("dosing.regimens") and c["path"].endswith(".dose")]
    assert [(c["old"], c["new"], c["severity"]) for c in dose] == [("10–80 mg", "10–40 mg", "major")]
    text_result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert all(len(line) < 700 for line in text_result.output.splitlines())  # long kept texts shown as excerpts
    redline = CliRunner().invoke(main, ["redline", str(old), str(new), "--out", str(tmp_path / "red.pdf")])
    assert redline.exit_code == 0, redline.output
    assert (tmp_path / "red.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("name", ["lipitor", "viagra"])
def test_published_labels_import_validate_build_and_keep_their_product_data(name, tmp_path):
    """Labels FDA publishes, none written by this tool (nested packs, a repackager's codes): each imports,
    builds, and its rebuilt SPL lists the source's products, strengths, ingredients and packages."""
    source = PUBLISHED / f"{name}.xml"
    content, _ = _import(tmp_path, source)
    rebuilt = read_spl(_built_spl(tmp_path, content))
    assert product_data(rebuilt.products) == product_data(read_spl(source.read_bytes()).products)


def test_a_kit_imports_and_builds_and_says_what_of_it_stayed_untyped(tmp_path):
    """Humira as published is four kits (pen or syringe, with an alcohol prep pad): the content has no parts, so
    the kits' packages and per-part ingredients are not typed, and the import says so instead of guessing."""
    content, output = _import(tmp_path, PUBLISHED / "humira.xml")
    assert "kit(s): their parts" in output
    label = load_label(content)
    assert {str(p.strength) for p in label.product.presentations} == {"40 mg/0.8 mL", "20 mg/0.4 mL"}
    assert label.label.patient_labeling == "medication-guide"
    _built_spl(tmp_path, content)


def test_storage_excursions_are_not_taken_for_the_storage_range(tmp_path):
    """Viagra: "Store at 25°C (77°F); excursions permitted to 15–30°C" is 25 °C with excursions, not 15–30 °C."""
    content, _ = _import(tmp_path, PUBLISHED / "viagra.xml")
    (condition,) = load_label(content).storage.conditions
    assert str(condition.temperature) == "25 °C" and str(condition.excursions) == "15–30 °C"


def test_a_strength_of_the_salt_stays_the_salts(tmp_path):
    """An ACTIB ingredient (strength of the ingredient itself) imports without a basis of strength, even when
    the SPL names its moiety; written again, it is ACTIB."""
    source = tmp_path / "actib.xml"
    source.write_bytes(LIPITOR.read_bytes().replace(b'classCode="ACTIM"', b'classCode="ACTIB"'))
    content, _ = _import(tmp_path, source)
    active = next(i for i in load_label(content).product.ingredients if i.role == "active")
    assert active.basis_of_strength is None
    assert b'classCode="ACTIM"' not in _built_spl(tmp_path, content)


def test_a_large_or_hostile_spl_imports_in_linear_time_or_is_refused(tmp_path):
    text = LIPITOR.read_text(encoding="utf-8")
    section = text.index('code="34070-3"')
    start = text.index("<text>", section) + len("<text>")
    many = "".join(f"<paragraph>Hypersensitivity number {i % 7}</paragraph>" for i in range(20_000))
    crowded = tmp_path / "crowded.xml"
    crowded.write_text(text[:start] + many + text[start:], encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(crowded), "--out", str(tmp_path / "crowded.yaml")])
    assert result.exit_code in (0, 2) and "Traceback" not in result.output
    storage = text.index('code="34069-5"')
    digits = tmp_path / "digits.xml"
    at = text.index("<text>", storage) + len("<text>")
    digits.write_text(text[:at] + "<paragraph>" + "7" * 60_000 + " °C</paragraph>" + text[at:], encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(digits), "--out", str(tmp_path / "digits.yaml")])
    assert result.exit_code in (0, 2) and "Traceback" not in result.output
