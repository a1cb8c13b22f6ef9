"""FDA SPL: every corpus label's SPL is valid (schema and rule set), each rule fails on a document broken for it,
the SPL says what the printed insert says, and verify catches SPL edits with the fact they change."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from labeling.cli import main
from labeling.extract.spl import read_spl
from labeling.load import load_label
from labeling.spl_rules import ERROR, GAP, RULES, check_spl

pytestmark = pytest.mark.slow  # renders every corpus label

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "content").glob("*.yaml"))
V3 = "urn:hl7-org:v3"
NS = {"v": V3}
PUBLISHED = ROOT / "tests" / "fixtures" / "spl"  # labels as FDA publishes them (see its README)
LIPITOR = PUBLISHED / "lipitor.xml"


def _spl(path: Path) -> bytes:
    from labeling.build import render_documents

    return render_documents(load_label(path))["spl.xml"]


@pytest.fixture(scope="module")
def corpus_spl() -> dict[str, bytes]:
    return {path.stem: _spl(path) for path in CORPUS if load_label(path).label.market == "us"}


@pytest.fixture(scope="module")
def clean(corpus_spl) -> bytes:
    return corpus_spl["atorvastatin"]  # NDC codes, UNIIs, an approval, tables: every rule has something to check


# --- the corpus -------------------------------------------------------------------------------------------------


def test_every_corpus_label_gets_an_spl_that_passes_the_schema_and_every_rule(corpus_spl):
    assert len(corpus_spl) == len([p for p in CORPUS if load_label(p).label.market == "us"]) >= 7
    for name, data in corpus_spl.items():
        errors = [f for f in check_spl(data) if f.severity == ERROR]
        assert errors == [], (name, [str(e) for e in errors])


def test_gaps_name_what_the_content_does_not_record(corpus_spl):
    gaps = {name: {f.rule for f in check_spl(data) if f.severity == GAP} for name, data in corpus_spl.items()}
    assert gaps["atorvastatin"] == {"SPL021", "SPL022"}  # NDA, bottles, blisters; no pill identifiers, no DUNS
    assert "SPL020" in gaps["cerebrolysin"]  # no approval recorded: no marketing category written or guessed
    assert "SPL019" in gaps["adalimumab"]  # a pen's package type is not guessed


def test_the_same_content_gives_the_same_bytes_and_a_new_version_a_new_document_id(tmp_path):
    path = ROOT / "content" / "cerebrolysin.yaml"
    first, second = _spl(path), _spl(path)
    assert first == second
    bumped = tmp_path / "cerebrolysin.yaml"
    bumped.write_text(path.read_text(encoding="utf-8").replace("    version: 1\n", "    version: 2\n", 1))
    third = _spl(bumped)
    old, new = etree.fromstring(first), etree.fromstring(third)
    assert old.find("v:setId", NS).get("root") == new.find("v:setId", NS).get("root")
    assert old.find("v:id", NS).get("root") != new.find("v:id", NS).get("root")
    assert new.find("v:versionNumber", NS).get("value") == "2"


def test_the_spl_says_what_the_printed_insert_says(clean):
    """Same sentences: every line of the SPL's FPI text is in the insert's composed text, word for word."""
    from labeling.compose import compose
    from labeling.extract.sections import normalize

    label = load_label(ROOT / "content" / "atorvastatin.yaml")
    tree = compose(label, "package-insert")
    composed = normalize(" ".join(unit.text for unit in tree.units()))
    document = read_spl(clean)
    for line in document.text.splitlines():
        if " | " in line:
            continue  # a table row: cells joined for reading
        assert normalize(line) in composed, line
    assert [kind for kind, _ in document.companions] == ["patient-information"]


# --- each rule fails on a document broken for it ------------------------------------------------------------------


def _find(root: etree._Element, path: str) -> etree._Element:
    element = root.find(path, NS)
    assert element is not None, path
    return element


def _section(root: etree._Element, code: str) -> etree._Element:
    for section in root.iter(f"{{{V3}}}section"):
        if section.find("v:code", NS).get("code") == code:
            return section
    raise AssertionError(code)


def _add_unknown_element(root):
    etree.SubElement(root, f"{{{V3}}}bogus")


def _wrong_document_type(root):
    _find(root, "v:code").set("code", "34390-5")


def _same_ids(root):
    _find(root, "v:id").set("root", _find(root, "v:setId").get("root"))


def _zero_version(root):
    _find(root, "v:versionNumber").set("value", "0")


def _impossible_date(root):
    _find(root, "v:effectiveTime").set("value", "20260231")


def _duplicate_section_id(root):
    sections = list(root.iter(f"{{{V3}}}section"))
    sections[2].find("v:id", NS).set("root", sections[1].find("v:id", NS).get("root"))


def _unknown_section_code(root):
    _section(root, "34070-3").find("v:code", NS).set("code", "99999-9")


def _untitled_section(root):
    title = _section(root, "34070-3").find("v:title", NS)
    title.getparent().remove(title)


def _empty_section(root):
    section = _section(root, "34093-5")  # references
    for child in list(section):
        if etree.QName(child).localname in ("title", "text", "excerpt", "component"):
            section.remove(child)


def _empty_title(root):
    title = _find(root, "v:title")
    for child in list(title):
        title.remove(child)
    title.text = " "


def _bad_duns(root):
    organization = _find(root, "v:author/v:assignedEntity/v:representedOrganization")
    identifier = etree.Element(f"{{{V3}}}id", extension="12345", root="1.3.6.1.4.1.519.1")
    organization.insert(0, identifier)


def _no_active_ingredient(root):
    for ingredient in list(root.iter(f"{{{V3}}}ingredient")):
        if ingredient.get("classCode", "").startswith("ACTI"):
            ingredient.getparent().remove(ingredient)


def _negative_strength(root):
    next(root.iter(f"{{{V3}}}numerator")).set("value", "-10")


def _unknown_dosage_form(root):
    next(e for e in root.iter(f"{{{V3}}}formCode") if e.get("displayName") == "TABLET").set("code", "C99999")


def _unknown_package_type(root):
    next(e for e in root.iter(f"{{{V3}}}formCode") if e.get("displayName") == "BOTTLE").set("code", "C42998")


def _unknown_route(root):
    next(root.iter(f"{{{V3}}}routeCode")).set("code", "C00000")


def _bad_ndc(root):
    codes = [e for e in root.iter(f"{{{V3}}}code") if e.get("codeSystem") == "2.16.840.1.113883.6.69"]
    codes[1].set("code", "0071-9999-23")  # a package of another product's code


def _broken_link(root):
    paragraph = next(root.iter(f"{{{V3}}}paragraph"))
    etree.SubElement(paragraph, f"{{{V3}}}linkHtml", href="#nowhere").text = "see"


def _unknown_code(root):
    element = next(e for e in root.iter(f"{{{V3}}}formCode") if e.get("displayName") == "BOTTLE")
    for key in ("code", "displayName"):
        del element.attrib[key]
    element.set("nullFlavor", "UNK")


def _no_marketing_category(root):
    for approval in list(root.iter(f"{{{V3}}}approval")):
        subject = approval.getparent()
        subject.getparent().remove(subject)


def _no_characteristics(root):
    for characteristic in list(root.iter(f"{{{V3}}}characteristic")):
        subject = characteristic.getparent()
        subject.getparent().remove(subject)


def _no_duns(root):
    for identifier in root.findall("v:author/v:assignedEntity/v:representedOrganization/v:id", NS):
        identifier.getparent().remove(identifier)


BREAKS: dict[str, Callable[[etree._Element], None]] = {
    "SPL001": _add_unknown_element,
    "SPL002": _wrong_document_type,
    "SPL003": _same_ids,
    "SPL004": _zero_version,
    "SPL005": _impossible_date,
    "SPL006": _duplicate_section_id,
    "SPL007": _unknown_section_code,
    "SPL008": _untitled_section,
    "SPL009": _empty_section,
    "SPL010": _empty_title,
    "SPL011": _bad_duns,
    "SPL012": _no_active_ingredient,
    "SPL013": _negative_strength,
    "SPL014": _unknown_dosage_form,
    "SPL015": _unknown_package_type,
    "SPL016": _unknown_route,
    "SPL017": _bad_ndc,
    "SPL018": _broken_link,
    "SPL019": _unknown_code,
    "SPL020": _no_marketing_category,
    "SPL021": _no_characteristics,
    "SPL022": _no_duns,
}
# Facts the content has no field for yet: a document FDA published, which has them, is the clean base.
PUBLISHED_BASE = {"SPL021", "SPL022"}


def test_every_rule_has_a_broken_document():
    assert set(BREAKS) == {rule.id for rule in RULES}


@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_each_rule_fails_on_a_document_broken_for_it(rule, clean):
    root = etree.fromstring(LIPITOR.read_bytes() if rule in PUBLISHED_BASE else clean)
    assert not [f for f in check_spl(copy.deepcopy(root)) if f.rule == rule]
    BREAKS[rule](root)
    fired = [f for f in check_spl(root) if f.rule == rule]
    assert fired, rule
    severity = next(r.severity for r in RULES if r.id == rule)
    assert all(f.severity == severity for f in fired)


@pytest.mark.parametrize("name", ["lipitor", "viagra", "humira"])
def test_published_fda_labels_break_no_rule(name):
    """Labels FDA accepted and publishes pass every error rule (a rule that failed them would be wrong)."""
    findings = check_spl((PUBLISHED / f"{name}.xml").read_bytes())
    assert [str(f) for f in findings if f.severity == ERROR] == []


def test_a_published_fda_label_is_read_and_checked():
    data = LIPITOR.read_bytes()
    findings = check_spl(data)
    assert {(f.rule, f.severity) for f in findings} == {("SPL018", "warning")}  # six links whose case differs
    document = read_spl(data)
    assert document.products[0].name == "Lipitor" and document.products[0].form == "TABLET, FILM COATED"
    assert "DOSAGE AND ADMINISTRATION" in document.text and document.companions


# --- verify reads the SPL and catches what an edit changes ---------------------------------------------------------


def _verify(tmp_path: Path, data: bytes, content: str = "atorvastatin") -> tuple[int, str]:
    path = tmp_path / "spl.xml"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["verify", str(path), "--content", str(ROOT / "content" / f"{content}.yaml")])
    return result.exit_code, result.output


def _edited(data: bytes, old: str, new: str, count: int = 1) -> bytes:
    text = data.decode("utf-8")
    assert old in text, old
    return text.replace(old, new, count).encode("utf-8")


def test_the_clean_spl_verifies(tmp_path, clean):
    code, output = _verify(tmp_path, clean)
    assert code == 0, output
    assert "3 documents" in output


NBSP = "\u00a0"  # the composers keep a number with its unit
SPL_EDITS = [
    # (what, old, new, the fact or words the finding must name)
    ("a dose in the dosing table", f"<td>10–80{NBSP}mg once daily", f"<td>10–40{NBSP}mg once daily", "dosing.regimens"),
    ("a storage temperature", f"Store at 20–25{NBSP}°C", f"Store at 20–30{NBSP}°C", "storage.conditions"),
    (
        "a contraindication dropped",
        "<item>Hypersensitivity to any component of this medication</item>",
        "",
        "contraindications",
    ),
    (
        "a strength in the product data",
        '<numerator value="40" unit="mg"/>',
        '<numerator value="45" unit="mg"/>',
        "strength",
    ),
    ("a package quantity", '<numerator value="90" unit="1"/>', '<numerator value="30" unit="1"/>', ".pack"),
    ("an NDC code", "0071-0155-23", "0071-0155-24", "packages"),
    ("a route", 'displayName="ORAL"', 'displayName="INTRAVENOUS"', "dosing.routes"),
    ("an inactive ingredient renamed", "<name>magnesium stearate", "<name>magnesium oleate", "ingredients"),
]


@pytest.mark.parametrize(("what", "old", "new", "named"), SPL_EDITS, ids=[e[0] for e in SPL_EDITS])
def test_an_edit_of_the_spl_is_caught_with_its_fact(what, old, new, named, tmp_path, clean):
    code, output = _verify(tmp_path, _edited(clean, old, new))
    assert code == 1, output
    assert named in output, output


def test_an_edit_of_the_patient_labeling_inside_the_spl_is_caught(tmp_path, corpus_spl):
    data = corpus_spl["cerebrolysin"]
    text = data.decode("utf-8")
    patient = text.index('ID="S-patient"')
    head, tail = text[:patient], text[patient:]
    dose = f"20{NBSP}to{NBSP}50{NBSP}mL a day"
    assert dose in tail
    code, output = _verify(tmp_path, (head + tail.replace(dose, dose.replace("50", "80"), 1)).encode(), "cerebrolysin")
    assert code == 1 and "(patient-information)" in output and "dosing.regimens" in output, output


def test_an_spl_that_expands_entities_or_fetches_is_not_expanded(tmp_path, clean):
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE document [<!ENTITY a "'
        + b"x" * 1000
        + b'">'
        + b"".join(f'<!ENTITY {n} "{"&" + p + ";" * 10}">'.encode() for p, n in zip("abcdefg", "bcdefgh", strict=False))
        + b"]>\n"
        + clean.split(b"?>", 1)[1].replace(b"<title>", b"<title>&h;", 1)
    )
    code, output = _verify(tmp_path, bomb)
    assert code == 2 and "declares a DTD" in output, output
    external = clean.replace(b"?>", b'?>\n<!DOCTYPE document [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1).replace(
        b"<title>", b"<title>&e;", 1
    )
    code, output = _verify(tmp_path, external)
    assert code == 2 and "root:x:0:0" not in output and "declares a DTD" in output, output


def test_set_ids_are_kept_in_the_content():
    for path in CORPUS:
        label = load_label(path)
        if label.label.market == "us":
            assert label.label.spl is not None, path
            assert uuid.UUID(label.label.spl.set_id).version == 4


CODED_EDITS = [
    # a code changed with its display name kept: FDA reads the code
    ("a route's code", 'code="C38288"', 'code="C38276"', "dosing.routes"),
    ("a dosage form's code", 'code="C42998"', 'code="C42931"', "dosage_form"),
    ("the marketing category", 'code="C73594"', 'code="C73584"', "label.approval.category"),
    ("the strength's basis", 'classCode="ACTIM"', 'classCode="ACTIB"', "basis_of_strength"),
    ("a package type's code", 'code="C43169"', 'code="C43182"', ".container"),
]


@pytest.mark.parametrize(("what", "old", "new", "named"), CODED_EDITS, ids=[e[0] for e in CODED_EDITS])
def test_a_code_changed_under_its_name_is_caught(what, old, new, named, tmp_path, clean):
    code, output = _verify(tmp_path, _edited(clean, old, new))
    assert code == 1 and named in output, output


def test_a_missing_or_recoded_patient_labeling_is_caught(tmp_path, clean):
    root = etree.fromstring(clean)
    patient = _section(root, "42230-3")
    recoded = copy.deepcopy(root)
    _section(recoded, "42230-3").find("v:code", NS).set("code", "42231-1")  # now says Medication Guide
    patient.getparent().getparent().remove(patient.getparent())  # the component holding it
    for broken in (root, recoded):
        code, output = _verify(tmp_path, etree.tostring(broken, xml_declaration=True, encoding="UTF-8"))
        assert code == 1 and "label.patient_labeling" in output, output


def test_text_after_a_list_is_read_not_dropped(tmp_path, clean):
    text = clean.decode("utf-8")
    section = text.index('code="34070-3"')
    end = text.index("</list>", section) + len("</list>")
    code, output = _verify(tmp_path, (text[:end] + "Take 800 mg four times daily." + text[end:]).encode())
    assert code == 1 and "800" in output, output


@pytest.mark.parametrize(
    "value", ["sNaN", "NaN", "Infinity", "1E+999999999", "4E-100000000", "-5", "0", "9" * 40, "1,5"]
)
def test_numbers_that_are_no_quantity_are_read_as_unknown_never_a_crash(value, tmp_path, clean):
    for old in ('<numerator value="10" unit="mg"/>', '<numerator value="90" unit="1"/>'):
        edited = _edited(clean, old, old.replace('value="' + old.split('"')[1] + '"', f'value="{value}"'))
        code, output = _verify(tmp_path, edited)
        assert code == 1 and "Traceback" not in output and "internal error" not in output, output
