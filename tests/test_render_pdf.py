"""The PDFs a label's market gets (US: package insert and Patient Information; EU: QRD package leaflet): read
back and checked as a reader would hold them."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pypdf
import pypdfium2 as pdfium
import pytest
from helpers import ROOT, SAMPLE, content_text, eu, parse, render, tree

from labeling.documents import DOCUMENT_KINDS
from labeling.extract.pdf import extract_pdf_pages, extract_pdf_text
from labeling.extract.sections import normalize, split_sections
from labeling.quantities import format_patient, format_professional
from labeling.reach import labelled_routes, shown_adjustments, shown_regimens

PDF_KINDS = ["package-insert", "patient-information", "patient-leaflet"]


@pytest.fixture(scope="session")
def labels(label):
    """Each PDF kind with the label its market gives it to (the EU leaflet from the label moved to the EU)."""
    return {"package-insert": label, "patient-information": label, "patient-leaflet": eu(label)}


@pytest.fixture(scope="session")
def pdfs(labels):
    return {kind: render(labels[kind], kind) for kind in PDF_KINDS}


@pytest.fixture(scope="session")
def sections(pdfs, labels):
    return {kind: split_sections(extract_pdf_text(data), tree(labels[kind], kind)) for kind, data in pdfs.items()}


def fmt(quantity, kind, us=True):
    patient = DOCUMENT_KINDS[kind].audience == "patient"
    return normalize((format_patient if patient else format_professional)(quantity, fahrenheit_too=us))


def group_text(sections, labels, kind, group):
    """All text of the sections that carry this fact group in full."""
    keys = [s.key for s in DOCUMENT_KINDS[kind].sections() if group in s.checks]
    ids = [s.id for _, s in tree(labels[kind], kind).sections() if s.key in keys]
    assert ids, f"{kind} has no section for {group}"
    missing = [k for k in ids if k not in sections[kind]]
    assert not missing, f"{kind}: sections not found: {missing}"
    return [sections[kind][k].text for k in ids]


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_every_section_is_found_in_order(kind, sections, labels):
    found = sections[kind]
    expected = [s.id for _, s in tree(labels[kind], kind).sections()]
    assert [k for k in expected if k not in found] == []
    starts = [found[k].start for k in expected if k in found]
    assert starts == sorted(starts)


def test_sections_keep_their_numbers_and_subsections_are_contiguous(sections, label):
    found = sections["package-insert"]
    assert "abuse" not in found and "references" not in found
    assert found["how-supplied"].heading.startswith("16 ")  # numbers never shift when sections are omitted
    kind = DOCUMENT_KINDS["package-insert"]
    for _, section in tree(label, "package-insert").sections():
        auto = [c for c in section.sections if kind.section(c.key).auto_number]
        fixed = [c for c in section.sections if not kind.section(c.key).auto_number]
        if auto and not fixed:  # product-specific subsections (1.x, 2.x, 5.x): numbered without gaps
            assert [int(c.number.split(".")[1]) for c in auto] == list(range(1, len(auto) + 1)), section.key
            for child in auto:
                assert found[child.id].heading.startswith(child.number + " ")
        for child in fixed:  # PLR's fixed numbers (6.1, 8.1–8.5, 12.1, 12.3, 16.2) stay as PLR numbers them
            assert child.number == kind.section(child.key).number


def test_required_sections_without_facts_show_their_recorded_gap(sections, label):
    """8.1, 8.2, 8.4, 12.3, 14 are never silently absent: each prints the gap that explains it."""
    found = sections["package-insert"]
    in_order = [s for _, s in tree(label, "package-insert").sections()]
    for key in (
        "pop-pregnancy",
        "pop-lactation",
        "pop-pediatric",
        "pharmacokinetics",
        "clinical-studies",
        "overdosage",
    ):
        gap = next(g for g in label.gaps if key in g.sections)
        first = next(s for s in in_order if s.key in gap.sections)  # the gap is said in full there …
        if key == first.key:
            assert normalize(gap.text)[:60] in found[key].text, key
        else:  # … and named, with where it is said, in the other sections it covers
            assert normalize(gap.title) in found[key].text and f"(see {first.number})" in found[key].text, key
    text = normalize(extract_pdf_text(render(label, "package-insert")))
    assert "FULL PRESCRIBING INFORMATION: CONTENTS*" in text
    assert "* Sections or subsections omitted from the full prescribing information are not listed." in text


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_every_dosing_fact_is_in_each_dosing_section(kind, sections, labels):
    label = labels[kind]
    us = label.label.market == "us"
    for text in group_text(sections, labels, kind, "dosing"):
        for regimen in shown_regimens(label):
            assert fmt(regimen.dose, kind, us) in text, (kind, regimen.id)
            assert fmt(regimen.duration, kind, us) in text, (kind, regimen.id)
            if regimen.repeat:
                assert fmt(regimen.repeat, kind, us) in text, (kind, regimen.id)
        for adjustment in shown_adjustments(label):
            assert fmt(adjustment.dose, kind, us) in text
        lowered = text.lower()
        for route in labelled_routes(label):
            assert any(w in lowered for w in (route.name, "into a vein")), (kind, route.id)


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_every_storage_fact_is_in_the_storage_section(kind, sections, labels):
    label = labels[kind]
    (text,) = group_text(sections, labels, kind, "storage")
    for condition in label.storage.conditions:
        assert fmt(condition.temperature, kind, us=False) in text
        if label.label.market == "us":
            from labeling.quantities import fahrenheit

            assert fmt(fahrenheit(condition.temperature), kind, us=False) in text
        if condition.time_limit:
            assert fmt(condition.time_limit, kind) in text
        if condition.protect_from:
            assert " and ".join(condition.protect_from) in text
    assert text.count("Do not freeze") == sum(c.do_not_freeze for c in label.storage.conditions)


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_every_contraindication_is_in_the_contraindications_section(kind, sections, labels):
    for text in group_text(sections, labels, kind, "contraindications"):
        for item in labels[kind].contraindications:
            wording = item.patient_text if DOCUMENT_KINDS[kind].audience == "patient" else item.text
            assert normalize(wording) in text, (kind, item.id)


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_no_off_label_or_investigational_content(kind, pdfs, labels):
    label = labels[kind]
    text = normalize(extract_pdf_text(pdfs[kind])).lower()
    shown = {r.id for r in shown_regimens(label)}
    for regimen in label.dosing.regimens:
        if regimen.id not in shown:
            assert fmt(regimen.dose, kind).lower() not in text, regimen.id
    for indication in label.indications:
        if indication.status != "approved":
            assert normalize(indication.name).lower() not in text, indication.id
    for claim in label.claims:
        if claim.status != "approved":
            assert normalize(claim.text).lower() not in text, claim.id
    for route in label.dosing.routes:
        if route not in labelled_routes(label):
            assert route.name not in text


def test_highlights_carry_the_plr_elements(sections, pdfs, label):
    text = normalize(extract_pdf_text(pdfs["package-insert"]))
    name = label.product.name.upper()
    assert (
        f"These highlights do not include all the information needed to use {name} safely and effectively. "
        f"See full prescribing information for {name}."
    ) in text
    assert f"Revised: {label.label.revision_date.month}/{label.label.revision_date.year}" in text
    assert f"To report SUSPECTED ADVERSE REACTIONS, contact {label.label.adverse_reaction_contact} or FDA" in text
    hl_dosing = sections["package-insert"]["hl-dosage"].text
    assert re.search(r"\(2\.1\)", hl_dosing)  # each Highlights bullet cross-refers to its FPI section
    for item in label.contraindications:
        assert f"{item.text} (4)" in sections["package-insert"]["hl-contraindications"].text
    # No incidences in the content: nothing is called "most common"; the patient labeling is not FDA-approved.
    assert "most common" not in text.lower()
    assert "FDA-approved patient labeling" not in text


def test_reviewer_findings_stay_fixed(pdfs, label):
    """Sentences no source says, found by a label reviewer in the first set, never come back."""
    insert = normalize(extract_pdf_text(pdfs["package-insert"]))
    patient = normalize(extract_pdf_text(pdfs["patient-information"]))
    for text in (insert, patient):
        assert "ischemic stroke" not in text.lower()
        assert "No interaction studies" not in text
        assert "The mechanism of action has not been fully established" not in text
        assert "The most common adverse reactions" not in text
    assert "for example 5 mL/day" in insert  # the source's "e.g." stays an example
    assert "Adults" not in patient and "adults" not in patient
    assert "has been approved by the U.S. Food and Drug Administration" not in patient


def test_highlights_fit_in_half_a_page(label):
    from labeling.render.html import render_html
    from labeling.render.pdf import HIGHLIGHTS_MAX_PT, highlights_height, layout

    kind = DOCUMENT_KINDS["package-insert"]
    height = highlights_height(layout(render_html(label, tree(label, kind.name), kind), kind))
    assert 0 < height <= HIGHLIGHTS_MAX_PT


def _long_label(label, count=40):
    from labeling.model import Contraindication

    extra = [
        Contraindication(
            id=f"extra-{i}",
            text=f"Condition number {i} that a long label lists in full detail",
            patient_text=f"you have condition {i}",
        )
        for i in range(count)
    ]
    return label.model_copy(update={"contraindications": [*label.contraindications, *extra]})


def test_over_long_highlights_fail_the_render(label):
    from labeling.render import RenderError

    with pytest.raises(RenderError, match=r"Highlights is .* tall; PLR allows half a page \(5\.50 in\)"):
        render(_long_label(label), "package-insert")


def test_the_half_page_is_measured_in_points_not_css_pixels(label):
    """WeasyPrint's boxes are CSS pixels (96 per inch): a Highlights block just under half a page in points
    passes, which a check reading pixels as points would refuse (a third too strict)."""
    from labeling.render.html import render_html
    from labeling.render.pdf import HIGHLIGHTS_MAX_PT, PT_PER_PX, highlights_height, layout

    kind = DOCUMENT_KINDS["package-insert"]
    for count in range(4, 40, 2):
        longer = _long_label(label, count)
        height = highlights_height(layout(render_html(longer, tree(longer, kind.name), kind), kind))
        if height / PT_PER_PX > HIGHLIGHTS_MAX_PT:
            break
    assert height <= HIGHLIGHTS_MAX_PT < height / PT_PER_PX, height
    render(longer, "package-insert")  # builds: it fits in half a page


def test_over_long_highlights_fail_the_build_and_write_nothing(tmp_path):
    source = content_text()
    extra = "".join(
        f"  - id: extra-{i}\n    text: Condition number {i} that a long label lists in full detail\n"
        f"    patient_text: you have condition {i}\n"
        for i in range(40)
    )
    content = tmp_path / "long.yaml"
    content.write_text(source.replace("\nwarnings:\n", "\n" + extra + "\nwarnings:\n"), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "labeling.cli", "build", str(content), "--out", str(out)], capture_output=True, text=True
    )
    assert proc.returncode == 2, proc.stderr
    assert "Highlights is" in proc.stderr and "half a page" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not any(out.rglob("*.pdf")) and not any(out.rglob("*.docx"))


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_bookmark_per_section(kind, pdfs, labels):
    document = pdfium.PdfDocument(pdfs[kind])
    titles = [normalize(item.get_title()) for item in document.get_toc()]
    for part, section in tree(labels[kind], kind).sections():
        if section.level == 1 and part.key != "highlights":
            assert normalize(section.heading.text) in titles, section.key


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_tagged_pdf_ua_with_title_and_language(kind, pdfs, labels):
    label = labels[kind]
    reader = pypdf.PdfReader(io.BytesIO(pdfs[kind]))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == pypdf.generic.BooleanObject(True)
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]) == label.label.language
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert label.product.name in reader.metadata.title
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_fonts_are_bundled_and_embedded(kind, pdfs):
    reader = pypdf.PdfReader(io.BytesIO(pdfs[kind]))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert all(name.split("+")[-1].startswith(("Label-Sans", "Label-Serif")) for name in fonts), (
        fonts
    )  # templates/ fonts


@pytest.mark.parametrize(
    ("kind", "minimum"), [("package-insert", 8), ("patient-information", 10), ("patient-leaflet", 10)]
)
def test_minimum_type_size(kind, minimum, pdfs):
    from labeling.extract.pdf import smallest_type

    assert minimum <= round(smallest_type(pdfs[kind]), 2) < minimum + 2  # measured in points, as printed


def test_page_sizes(pdfs):
    for kind, size in (
        ("package-insert", [612, 792]),
        ("patient-information", [612, 792]),
        ("patient-leaflet", [420, 595]),
    ):
        assert [round(v) for v in pdfium.PdfDocument(pdfs[kind])[0].get_size()] == size, kind


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_running_header_and_page_x_of_y(kind, pdfs, labels):
    pages = pdfium.PdfDocument(pdfs[kind])
    count = len(pages)
    text = normalize(extract_pdf_text(pdfs[kind]))
    for number in range(1, count + 1):
        assert f"Page {number} of {count}" in text
    assert text.count(labels[kind].product.name) > count


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_rendering_is_byte_identical(kind, pdfs, labels):
    assert render(labels[kind], kind) == pdfs[kind]


@pytest.mark.parametrize("template", sorted(p.name for p in (ROOT / "templates").glob("*.j2")))
def test_templates_contain_no_words_or_numbers_of_their_own(template):
    """Every word and number reaches a document from the tree (facts and registered phrases): templates hold
    markup only."""
    source = (ROOT / "templates" / template).read_text(encoding="utf-8")
    visible = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    visible = re.sub(r"<[^>]*>", " ", visible)
    visible = re.sub(r"@page[^}]*\}|[a-z-]+\s*:\s*[^;]+;", " ", visible)  # CSS in <style> blocks
    assert not re.findall(r"[A-Za-z]{2,}|\d", visible.replace("DOCTYPE", "")), visible.strip()[:200]


@pytest.mark.parametrize("stylesheet", sorted(p.name for p in (ROOT / "templates").glob("*.css")))
def test_stylesheets_print_no_words(stylesheet):
    """CSS `content:` may only use counters and text from the tree (page strings are set by the templates)."""
    source = (ROOT / "templates" / stylesheet).read_text(encoding="utf-8")
    for value in re.findall(r"content:\s*([^;]+);", source):
        assert not re.search(r'"[^"]*[A-Za-z]{2,}[^"]*"', value), (stylesheet, value)


def test_two_builds_in_separate_processes_give_identical_bytes(tmp_path):
    """No clock, no machine state: the same content built twice, in two processes, gives the same bytes."""
    outputs = []
    for run in ("first", "second"):
        out = tmp_path / run
        proc = subprocess.run(
            [sys.executable, "-m", "labeling.cli", "build", str(SAMPLE), "--out", str(out)],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append({p.name: p.read_bytes() for p in (out / "cerebrolysin").iterdir() if not p.name.startswith(".")})
    assert set(outputs[0]) == {
        "package-insert.pdf",
        "product-sheet.docx",
        "patient-information.pdf",
        "spl.xml",
        "manifest.json",
    }
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_a_label_with_open_gaps_is_marked_draft_on_every_page(kind, pdfs, labels):
    label = labels[kind]
    assert label.gaps
    pages = [normalize(page) for page in extract_pdf_pages(pdfs[kind])]
    assert all("DRAFT - NOT FOR USE" in page for page in pages)
    assert f"Open questions: {label.gaps[0].title}" in pages[0]
    final = label.model_copy(update={"gaps": []})
    assert not any("DRAFT" in normalize(p) for p in extract_pdf_pages(render(final, kind)))


def test_subsection_headings_come_from_the_content_in_title_case():
    """2.x names the label's own populations (not the sample's) and 5.x titles are in PLR title case."""
    from labeling.verify import verify_text

    edited = (
        content_text()
        .replace("name: Elderly or frail patients", "name: Patients with CNS disorders", 1)
        .replace("title: High doses", "title: high-dose CNS effects", 1)
    )
    label = parse(edited)
    pdf = render(label, "package-insert")
    text = extract_pdf_text(pdf)
    assert "2.2 Dosage in Patients with CNS Disorders" in normalize(text)
    assert "Elderly or Frail" not in text
    assert "5.1 High-Dose CNS Effects" in normalize(text)
    assert verify_text(text, DOCUMENT_KINDS["package-insert"], label, "package-insert.pdf").ok


def test_a_label_without_cycling_numbers_its_dosage_subsections_without_a_gap(label):
    """Cycling is scoped to the off-label regimen, so no 2.x for it: the next subsections move up (2.1, 2.2,
    …), where the first set printed 2.1, 2.3, 2.4."""
    headings = [
        s.heading.text
        for _, s in tree(label, "package-insert").sections()
        if s.level == 2 and s.heading.text.startswith("2.")
    ]
    numbers = [h.split()[0] for h in headings]
    assert len(numbers) >= 2 and numbers == [f"2.{n}" for n in range(1, len(numbers) + 1)]


def test_recent_major_changes_name_and_mark_the_subsections_they_are_about(label):
    """An entry about a warning names 5.1; one about an adjustment names the subsection printing it (2.2); each
    such subsection gets the margin bar PLR asks for, and only those."""
    import datetime as dt

    from labeling.model import RecentMajorChange

    changes = [
        RecentMajorChange(section="warnings", date=dt.date(2026, 11, 1), about=["high-dose"]),
        RecentMajorChange(section="dosage", date=dt.date(2026, 11, 1), about=["elderly-start"]),
    ]
    changed = label.model_copy(update={"label": label.label.model_copy(update={"recent_major_changes": changes})})
    document = tree(changed, "package-insert")
    rmc = next(s for _, s in document.sections() if s.key == "hl-recent-major-changes")
    entries = [u.text for u in rmc.units()]
    assert any("Warnings and Precautions, High Doses (5.1) 11/2026" in e for e in entries), entries
    assert any("Dosage and Administration, Dosage in Elderly or Frail Patients (2.2) 11/2026" in e for e in entries)
    marked = {s.number for _, s in document.sections() if "changed" in s.style.split()}
    assert marked == {"5.1", "2.2"}
    html = __import__("labeling.render.html", fromlist=["render_html"]).render_html(
        changed, document, DOCUMENT_KINDS["package-insert"]
    )
    assert html.count("changed") >= 2
