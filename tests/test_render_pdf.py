"""The package insert and patient leaflet PDFs: read back and checked as a reader would hold them."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest

from labeling.documents import DOCUMENT_KINDS, PACKAGE_INSERT, PATIENT_LEAFLET
from labeling.extract.pdf import extract_pdf_text
from labeling.extract.sections import normalize, split_sections
from labeling.quantities import format_patient, format_professional

ROOT = Path(__file__).resolve().parent.parent
PDF_KINDS = [PACKAGE_INSERT, PATIENT_LEAFLET]


@pytest.fixture(scope="session")
def pdfs(label):
    from labeling.render.pdf import render_pdf

    return {kind.name: render_pdf(label, kind) for kind in PDF_KINDS}


@pytest.fixture(scope="session")
def sections(pdfs, label):
    return {name: split_sections(extract_pdf_text(data), DOCUMENT_KINDS[name], label) for name, data in pdfs.items()}


def fmt(quantity, kind):
    return normalize(format_patient(quantity) if kind.audience == "patient" else format_professional(quantity))


def section_text(sections, kind, group):
    """All text of the sections that declare this fact group."""
    keys = [s.key for s in kind.sections() if group in s.facts]
    assert keys, f"{kind.name} declares no section for {group}"
    missing = [k for k in keys if k not in sections[kind.name]]
    assert not missing, f"{kind.name}: sections not found: {missing}"
    return [sections[kind.name][k].text for k in keys]


@pytest.mark.parametrize("kind", PDF_KINDS, ids=lambda k: k.name)
def test_sections_present_in_order(kind, sections, label):
    found = sections[kind.name]
    expected = [s.key for s in kind.present_sections(label)]
    assert [k for k in expected if k not in found] == []
    starts = [found[k].start for k in expected]
    assert starts == sorted(starts)


def test_omitted_sections_leave_gaps(sections, pdfs, label):
    found = sections["package-insert"]
    assert "abuse" not in found and "clinical-studies" not in found
    assert found["how-supplied"].heading.startswith("16 ")  # numbers never shift when sections are omitted
    text = normalize(extract_pdf_text(pdfs["package-insert"]))
    assert "FULL PRESCRIBING INFORMATION: CONTENTS*" in text
    assert "* Sections or subsections omitted from the full prescribing information are not listed." in text


@pytest.mark.parametrize("kind", PDF_KINDS, ids=lambda k: k.name)
def test_every_dosing_fact_is_in_each_dosing_section(kind, sections, label):
    for text in section_text(sections, kind, "dosing"):
        for regimen in label.approved_regimens:
            assert fmt(regimen.dose, kind) in text, (kind.name, regimen.id)
            assert fmt(regimen.duration, kind) in text, (kind.name, regimen.id)
            if regimen.repeat:
                assert fmt(regimen.repeat, kind) in text.replace("/ ", "/"), (kind.name, regimen.id)
            assert label.route(regimen.route).name in text.lower()
        if label.cycling:  # the shipped label scopes cycling to the off-label use: shown nowhere
            assert fmt(label.cycling.cycle_length, kind) in text and fmt(label.cycling.rest_period, kind) in text
        for population in label.dosing.populations:
            assert fmt(population.starting_dose, kind) in text


@pytest.mark.parametrize("kind", PDF_KINDS, ids=lambda k: k.name)
def test_every_storage_fact_is_in_the_storage_section(kind, sections, label):
    (text,) = section_text(sections, kind, "storage")
    for condition in label.storage.conditions:
        assert fmt(condition.temperature, kind) in text
        if condition.time_limit:
            assert fmt(condition.time_limit, kind) in text
        if condition.protect_from:
            assert " and ".join(condition.protect_from) in text
    assert text.count("Do not freeze") == sum(c.do_not_freeze for c in label.storage.conditions)


@pytest.mark.parametrize("kind", PDF_KINDS, ids=lambda k: k.name)
def test_every_contraindication_is_in_the_contraindications_section(kind, sections, label):
    for text in section_text(sections, kind, "contraindications"):
        for item in label.contraindications:
            wording = item.patient_text if kind.audience == "patient" else item.text
            assert normalize(wording) in text, (kind.name, item.id)


@pytest.mark.parametrize("kind", PDF_KINDS, ids=lambda k: k.name)
def test_no_off_label_or_investigational_content(kind, pdfs, label):
    text = normalize(extract_pdf_text(pdfs[kind.name])).lower()
    approved = {r.id for r in label.approved_regimens}
    for regimen in label.dosing.regimens:
        if regimen.id not in approved:
            assert fmt(regimen.dose, kind).lower() not in text, regimen.id
    for indication in label.indications:
        if indication.status != "approved":
            assert normalize(indication.name).lower() not in text, indication.id
            assert normalize(indication.summary).lower()[:40] not in text, indication.id
    for claim in label.claims:
        if claim.status != "approved":
            assert normalize(claim.text).lower() not in text, claim.id
    for route in label.dosing.routes:
        if route not in label.labelled_routes:
            assert route.name not in text


def test_highlights_carry_the_plr_elements(sections, pdfs, label):
    text = normalize(extract_pdf_text(pdfs["package-insert"]))
    name = label.product.name.upper()
    assert (f"These highlights do not include all the information needed to use {name} safely and effectively. "
            f"See full prescribing information for {name}.") in text
    assert f"Revised: {label.label.revision_date.month}/{label.label.revision_date.year}" in text
    assert f"To report SUSPECTED ADVERSE REACTIONS, contact {label.label.adverse_reaction_contact}" in text
    hl_dosing = sections["package-insert"]["hl-dosage"].text
    assert re.search(r"\(2\.1\)", hl_dosing)  # each Highlights bullet cross-refers to its FPI section
    for item in label.contraindications:
        assert f"{item.text} (4)" in sections["package-insert"]["hl-contraindications"].text


def test_highlights_fit_in_half_a_page(label):
    from labeling.render.html import render_markup
    from labeling.render.pdf import HIGHLIGHTS_MAX_PT, highlights_height, layout

    height = highlights_height(layout(render_markup(label, PACKAGE_INSERT), PACKAGE_INSERT))
    assert 0 < height <= HIGHLIGHTS_MAX_PT


def _long_label(label):
    from labeling.model import Contraindication

    extra = [Contraindication(id=f"extra-{i}", text=f"Condition number {i} that a long label lists in full detail",
                              patient_text=f"you have condition {i}") for i in range(40)]
    return label.model_copy(update={"contraindications": [*label.contraindications, *extra]})


def test_over_long_highlights_fail_the_render(label):
    from labeling.render.pdf import RenderError, render_pdf

    with pytest.raises(RenderError, match=r"Highlights is .* tall; PLR allows half a page \(5\.50 in\)"):
        render_pdf(_long_label(label), PACKAGE_INSERT)


def test_over_long_highlights_fail_the_build_and_write_nothing(tmp_path):
    source = (ROOT / "content" / "cerebrolysin.yaml").read_text(encoding="utf-8")
    extra = "".join(f"  - id: extra-{i}\n    text: Condition number {i} that a long label lists in full detail\n"
                    f"    patient_text: you have condition {i}\n" for i in range(40))
    content = tmp_path / "long.yaml"
    content.write_text(source.replace("\nwarnings:\n", "\n" + extra + "\nwarnings:\n"), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "labeling.cli", "build", str(content), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "Highlights is" in proc.stderr and "half a page" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not any(out.rglob("*.pdf")) and not any(out.rglob("*.docx"))


@pytest.mark.parametrize("kind", PDF_KINDS, ids=lambda k: k.name)
def test_bookmark_per_section(kind, pdfs, label):
    document = pdfium.PdfDocument(pdfs[kind.name])
    titles = [normalize(item.get_title()) for item in document.get_toc()]
    for section in kind.present_sections(label):
        if section.level == 1 and (kind.name != "package-insert" or not section.key.startswith("hl-")):
            assert normalize(kind.heading(section.key, label)) in titles, section.key


@pytest.mark.parametrize("kind", PDF_KINDS, ids=lambda k: k.name)
def test_tagged_pdf_ua_with_title_and_language(kind, pdfs, label):
    reader = pypdf.PdfReader(io.BytesIO(pdfs[kind.name]))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == pypdf.generic.BooleanObject(True)
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]) == label.label.language
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert label.product.name in reader.metadata.title
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp


@pytest.mark.parametrize("kind", PDF_KINDS, ids=lambda k: k.name)
def test_fonts_are_bundled_and_embedded(kind, pdfs):
    reader = pypdf.PdfReader(io.BytesIO(pdfs[kind.name]))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert all(name.split("+")[-1].startswith("Label-Sans") for name in fonts), fonts  # the @font-face in templates/


@pytest.mark.parametrize(("kind", "minimum"), [(PACKAGE_INSERT, 8), (PATIENT_LEAFLET, 10)], ids=lambda k: getattr(k, "name", k))
def test_minimum_type_size(kind, minimum, pdfs):
    from labeling.extract.pdf import smallest_type

    assert minimum <= round(smallest_type(pdfs[kind.name]), 2) < minimum + 2  # measured in points, as printed


def test_page_sizes(pdfs):
    insert = pdfium.PdfDocument(pdfs["package-insert"])
    assert [round(v) for v in insert[0].get_size()] == [612, 792]  # US letter
    leaflet = pdfium.PdfDocument(pdfs["patient-leaflet"])
    assert [round(v) for v in leaflet[0].get_size()] == [420, 595]  # A5


@pytest.mark.parametrize("kind", PDF_KINDS, ids=lambda k: k.name)
def test_running_header_and_page_x_of_y(kind, pdfs, label):
    pages = pdfium.PdfDocument(pdfs[kind.name])
    count = len(pages)
    text = normalize(extract_pdf_text(pdfs[kind.name]))
    for number in range(1, count + 1):
        assert f"Page {number} of {count}" in text
    assert text.count(label.product.name) > count


@pytest.mark.parametrize("kind", PDF_KINDS, ids=lambda k: k.name)
def test_rendering_is_byte_identical(kind, pdfs, label):
    from labeling.render.pdf import render_pdf

    assert render_pdf(label, kind) == pdfs[kind.name]


@pytest.mark.parametrize("template", ["package-insert.html.j2", "patient-leaflet.html.j2"])
def test_templates_contain_no_number_of_their_own(template):
    """Every number reaches a document from a typed fact through a filter, never from a template."""
    source = (ROOT / "templates" / template).read_text(encoding="utf-8")
    visible = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    visible = re.sub(r"<[^>]*>", " ", visible)
    assert not re.findall(r".{0,30}\d.{0,30}", visible)


def test_two_builds_in_separate_processes_give_identical_bytes(tmp_path):
    """No clock, no machine state: the same content built twice, in two processes, gives the same bytes."""
    outputs = []
    for run in ("first", "second"):
        out = tmp_path / run
        proc = subprocess.run([sys.executable, "-m", "labeling.cli", "build", str(ROOT / "content" / "cerebrolysin.yaml"),
                               "--out", str(out)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        outputs.append({p.name: p.read_bytes() for p in (out / "cerebrolysin").iterdir() if not p.name.startswith(".")})
    assert set(outputs[0]) == {"package-insert.pdf", "product-sheet.docx", "patient-leaflet.pdf", "manifest.json"}
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name


@pytest.mark.parametrize("kind", PDF_KINDS, ids=lambda k: k.name)
def test_a_label_with_open_gaps_is_marked_draft_on_every_page(kind, pdfs, label):
    from labeling.extract.pdf import extract_pdf_pages
    from labeling.render.pdf import render_pdf

    assert label.gaps
    pages = [normalize(page) for page in extract_pdf_pages(pdfs[kind.name])]
    assert all("DRAFT - NOT FOR USE" in page for page in pages)
    assert "open questions the source does not answer: concentration" in pages[0]
    final = label.model_copy(update={"gaps": []})
    assert not any("DRAFT" in normalize(p) for p in extract_pdf_pages(render_pdf(final, kind)))


def test_subsection_headings_come_from_the_content_in_title_case():
    """2.3 names the label's own populations (not the sample's) and 5.x titles are in PLR title case."""
    from labeling.load import parse_label
    from labeling.render.html import render_markup
    from labeling.verify import markup_text, verify_text

    source = (Path(__file__).resolve().parent.parent / "content" / "cerebrolysin.yaml").read_text(encoding="utf-8")
    edited = (source.replace("population: Elderly or frail patients", "population: Patients with CNS disorders", 1)
              .replace("title: High doses", "title: high-dose CNS effects", 1))
    label = parse_label(edited, "label.yaml")
    text = markup_text(render_markup(label, PACKAGE_INSERT))
    assert "2.3 Dosage in Patients with CNS Disorders" in text
    assert "Elderly or Frail" not in text
    assert "5.1 High-dose CNS Effects" in text
    assert verify_text(text, PACKAGE_INSERT, label, PACKAGE_INSERT.filename).ok
