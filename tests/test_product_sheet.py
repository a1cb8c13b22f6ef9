"""The product sheet (marketing DOCX): read back as a reader would hold it, and checked against the label.

Everything is asserted on the text extracted from the rendered DOCX (``extract_docx_text``), and every expected
string is formatted from the model's typed facts, never typed here.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from helpers import render, tree

from labeling.documents import PRODUCT_SHEET
from labeling.extract import UnreadableArtifact
from labeling.extract.docx import docx_metadata, extract_docx_lines, extract_docx_text
from labeling.extract.sections import normalize, split_sections
from labeling.quantities import format_professional
from labeling.reach import approved_indications, labelled_routes, shown_adjustments, shown_cycling, shown_regimens
from labeling.render.docx import (
    REFERENCE_DOCX,
    REQUIRED_STYLES,
    MissingStylesError,
    SheetError,
    normalise_zip,
    open_reference,
    sheet_to_docx,
    style_problems,
    write_docx,
)


def render_docx(label, kind=PRODUCT_SHEET) -> bytes:
    return render(label, kind.name, "docx")


def sheet_sections(text, label):
    return split_sections(text, tree(label, "product-sheet"))


def headings(label) -> list[str]:
    return [s.heading.text for _, s in tree(label, "product-sheet").sections()]


def long_month(date) -> str:
    return f"{date:%B} {date.year}"


@pytest.fixture(scope="module")
def label():
    """The sample with one marketing claim approved, so the sheet's claims section is exercised."""
    from helpers import SAMPLE, parse, with_approved_claim

    return parse(with_approved_claim(), str(SAMPLE))


@pytest.fixture(scope="module")
def sheet(label) -> bytes:
    return render_docx(label, PRODUCT_SHEET)


@pytest.fixture(scope="module")
def text(sheet) -> str:
    # Quantities are set with non-breaking spaces and word joiners (no line break inside "20–50 mL/day");
    # compare as plain text.
    return extract_docx_text(sheet).replace("\u00a0", " ").replace("\u2060", "")


@pytest.fixture(scope="module")
def sections(text, label):
    return sheet_sections(text, label)


def pro(quantity) -> str:
    """A quantity as the sheet prints it, normalised like the verifier normalises extracted text."""
    return normalize(format_professional(quantity))


def section(sections, key: str) -> str:
    assert key in sections, f"section {key!r} not found; found {sorted(sections)}"
    return sections[key].text


def with_label(label, **update):
    """A modified copy of the label (the model is frozen)."""
    return label.model_copy(update=update)


# --- structure --------------------------------------------------------------------------------------------


def test_section_headings_present_in_order(text, label):
    lines = text.splitlines()
    headings_ = headings(label)
    assert len(headings_) == 6
    positions = []
    for heading in headings_:
        assert heading in lines, f"heading {heading!r} is not a line of the sheet"
        positions.append(lines.index(heading))
    assert positions == sorted(positions)


def test_verifier_finds_every_section(sections, label):
    assert sorted(sections) == sorted(s.key for s in PRODUCT_SHEET.sections())


def test_headings_use_the_heading_style(sheet, label):
    document = docx.Document(io.BytesIO(sheet))
    styled = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert styled == headings(label)


def test_approved_only_with_an_approval_basis(sheet, label):
    """A product with no marketing authorisation is never called "approved" in its promotion."""
    from helpers import with_info

    from labeling.model import Approval

    assert label.label.approval is None
    assert "pproved" not in extract_docx_text(sheet)
    approved = with_info(label, approval=Approval(basis="BLA 999999"))
    assert "Approved indications" in headings(approved) and "Key points from the approved label" in headings(approved)


def test_title_and_identity(text, sections, label):
    lines = text.splitlines()
    product = label.product
    assert product.name in lines  # the title
    identity = section(sections, "identity")
    for value in (product.name, product.established_name, product.manufacturer):
        assert normalize(value) in identity
    for presentation in product.presentations:
        assert pro(presentation.strength) in identity
        for package in presentation.packages:
            assert pro(package.pack) in identity
    for route in labelled_routes(label):
        assert route.name in identity.lower() and route.abbreviation in identity


# --- the facts each section must carry ----------------------------------------------------------------------


def test_approved_indications(sections, label):
    indications = section(sections, "indications")
    assert approved_indications(label)
    for indication in approved_indications(label):
        assert normalize(indication.name).lower() in indications.lower()


def test_every_approved_regimen_in_professional_form(sections, label):
    dosing = section(sections, "dosing")
    assert shown_regimens(label)
    for regimen in shown_regimens(label):
        assert pro(regimen.dose) in dosing, regimen.id
        if regimen.duration:
            assert pro(regimen.duration) in dosing, regimen.id
        if regimen.repeat:
            assert pro(regimen.repeat) in dosing, regimen.id
        for route in regimen.routes:
            assert label.route(route).name in dosing.lower(), regimen.id
        for indication in regimen.indications:
            assert normalize(label.fact(indication).name).lower() in dosing.lower()


def test_ranges_use_an_en_dash(text, label):
    for regimen in shown_regimens(label):
        if regimen.dose.is_range:
            assert format_professional(regimen.dose) in text  # "20–50 mL/day", en dash and all
            assert "–" in format_professional(regimen.dose)


def test_cycling_and_populations(sections, label):
    dosing = section(sections, "dosing")
    cycling = label.dosing.cycling
    if shown_cycling(label) is None:  # scoped to a regimen the sheet does not show (the sample: nootropic use)
        assert pro(cycling.cycle_length) not in dosing and pro(cycling.rest_period) not in dosing
    else:
        assert pro(cycling.cycle_length) in dosing and pro(cycling.rest_period) in dosing
    for adjustment in shown_adjustments(label):
        assert pro(adjustment.dose) in dosing
        assert normalize(label.population(adjustment.population).name) in dosing


def test_cycling_for_an_approved_regimen_is_shown(label):
    shown = label.model_copy(
        update={
            "dosing": label.dosing.model_copy(
                update={"cycling": label.dosing.cycling.model_copy(update={"regimens": ["dementia"]})}
            )
        }
    )
    dosing = normalize(extract_docx_text(render_docx(shown, PRODUCT_SHEET)))
    assert pro(shown.dosing.cycling.cycle_length) in dosing and pro(shown.dosing.cycling.rest_period) in dosing


def test_promotion_does_not_suggest_combination_use(text, label):
    """Combination use is labelled (PI 2.4) but not promoted: the synergy claim behind it was rejected."""
    for combination in label.dosing.combinations:
        assert normalize(combination.text).rstrip(".") not in normalize(text)


def test_every_storage_condition(sections, label):
    storage = section(sections, "storage")
    for condition in label.storage.conditions:
        assert normalize(condition.applies_to) in storage
        if condition.temperature:
            assert pro(condition.temperature) in storage, condition.id
        if condition.time_limit:
            assert pro(condition.time_limit) in storage, condition.id
        if condition.use_immediately:
            assert "Use immediately" in storage
        if condition.protect_from:
            assert "Protect from light and moisture" in storage or all(p in storage for p in condition.protect_from)
    assert any(c.do_not_freeze for c in label.storage.conditions)
    assert "Do not freeze" in storage
    if label.storage.freezing_reason:
        assert normalize(label.storage.freezing_reason).rstrip(".") in storage


def test_important_safety_information(sections, label):
    safety = section(sections, "safety")
    assert label.contraindications
    for contraindication in label.contraindications:
        assert normalize(contraindication.text) in safety, contraindication.id
    for warning in label.warnings:
        assert normalize(warning.title) in safety
        if warning.threshold:
            assert pro(warning.threshold) in safety
    for reaction in label.adverse_reactions.reactions:
        assert reaction.term.lower() in safety.lower()
    for item in label.monitoring:
        assert normalize(item.text) in safety
    assert normalize(label.label.adverse_reaction_contact).rstrip(".") in safety


def test_safety_comes_before_the_claims(sections):
    assert sections["safety"].start < sections["claims"].start


def test_approved_claims_with_their_support(sections, label):
    claims = section(sections, "claims")
    approved = [c for c in label.claims if c.status == "approved"]
    assert approved
    for claim in approved:
        assert normalize(claim.text) in claims
        for fact_id in claim.supported_by:
            fact = label.fact(fact_id)
            assert normalize(fact.name or "").lower() in claims.lower(), fact_id
    assert "Prescribing Information" in claims  # the fair-balance note


# --- what promotion must never show ---------------------------------------------------------------------------


def test_no_off_label_or_investigational_content(text, label):
    flat = normalize(text)
    not_approved = [i for i in label.indications if i.status != "approved"]
    assert not_approved, "the sample label should exercise this test"
    for indication in not_approved:
        assert normalize(indication.name) not in flat, indication.id
        assert normalize(indication.summary) not in flat, indication.id
    approved_ids = {r.id for r in shown_regimens(label)}
    hidden = [r for r in label.dosing.regimens if r.id not in approved_ids]
    assert hidden, "the sample label should exercise this test"
    for regimen in hidden:
        assert not regimen.name or normalize(regimen.name) not in flat, regimen.id
        assert pro(regimen.dose) not in flat, regimen.id
        if regimen.duration:
            assert pro(regimen.duration) not in flat, regimen.id
    labelled = {r.id for r in labelled_routes(label)}
    for route in label.dosing.routes:
        if route.id not in labelled:
            assert route.name not in flat.lower(), route.id
        if route.note:
            assert normalize(route.note) not in flat


def test_no_claim_that_is_not_approved(text, label):
    flat = normalize(text).lower()
    others = [c for c in label.claims if c.status != "approved"]
    assert {c.status for c in others} >= {"rejected", "pending"}
    for claim in others:
        assert normalize(claim.text).lower() not in flat, claim.id
    if label.dosing.cycling and label.dosing.cycling.rationale:  # "to prevent tolerance": a rejected claim
        assert normalize(label.dosing.cycling.rationale).lower() not in flat
    if label.adverse_reactions.overall:  # "generally well-tolerated": minimises risk
        assert normalize(label.adverse_reactions.overall).lower() not in flat


def test_claim_support_never_names_an_off_label_regimen(label):
    approved = next(c for c in label.claims if c.status == "approved")
    hidden = next(r for r in label.dosing.regimens if r not in shown_regimens(label))
    claim = approved.model_copy(update={"supported_by": [*approved.supported_by, hidden.id]})
    claims = [claim if c.id == approved.id else c for c in label.claims]
    flat = normalize(extract_docx_text(render_docx(with_label(label, claims=claims), PRODUCT_SHEET)))
    assert normalize(claim.text) in flat
    assert (not hidden.name or normalize(hidden.name) not in flat) and pro(hidden.dose) not in flat


def test_claim_support_names_each_kind_of_fact_safely(label):
    """Support may point at any fact; gaps are never printed and warnings never show their raw template."""
    approved = next(c for c in label.claims if c.status == "approved")
    storage = next(c for c in label.storage.conditions if c.time_limit is not None)
    warning = next(w for w in label.warnings if w.threshold is not None)
    adjustment = label.dosing.adjustments[0]
    gap = label.gaps[0]
    claim = approved.model_copy(update={"supported_by": [storage.id, warning.id, adjustment.id, gap.id, "cycling"]})
    claims = [claim if c.id == approved.id else c for c in label.claims]
    changed = with_label(label, claims=claims)
    sections = sheet_sections(extract_docx_text(render_docx(changed, PRODUCT_SHEET)), changed)
    text = section(sections, "claims")
    assert pro(storage.time_limit) in text and normalize(storage.applies_to) in text
    assert normalize(warning.title) in text and "{threshold}" not in text
    assert pro(adjustment.dose) in text
    # cycling is scoped to the off-label regimen: support never names what the documents do not show
    assert pro(label.dosing.cycling.cycle_length) not in text
    assert normalize(gap.text) not in text


def test_investigational_indication_of_a_shared_regimen_hides_the_regimen(label):
    """A regimen is shown only when every indication it serves is approved."""
    regimen = shown_regimens(label)[0]
    investigational = next(i for i in label.indications if i.status == "investigational")
    changed = regimen.model_copy(update={"indications": [*regimen.indications, investigational.id]})
    regimens = [changed if r.id == regimen.id else r for r in label.dosing.regimens]
    dosing = label.dosing.model_copy(update={"regimens": regimens})
    flat = normalize(extract_docx_text(render_docx(with_label(label, dosing=dosing), PRODUCT_SHEET)))
    assert normalize(investigational.name) not in flat
    assert pro(regimen.dose) not in section(sheet_sections(flat, label), "dosing")


# --- footer, properties, bytes ---------------------------------------------------------------------------------


def test_footer_carries_version_and_revision_date(sheet, text, label):
    version = f"Version {label.label.version}"
    revised = long_month(label.label.revision_date)
    document = docx.Document(io.BytesIO(sheet))
    for section_ in document.sections:
        footer = "\n".join(p.text for p in section_.footer.paragraphs)
        assert label.product.name in footer and version in footer and revised in footer
    assert version in text.splitlines()[-1] and revised in text.splitlines()[-1]
    footer_xml = zipfile.ZipFile(io.BytesIO(sheet)).read("word/footer1.xml").decode()
    assert "PAGE" in footer_xml  # a page-number field


def test_document_properties_come_from_the_label(sheet, label):
    properties = docx.Document(io.BytesIO(sheet)).core_properties
    midnight = dt.datetime.combine(label.label.revision_date, dt.time(0, 0))
    assert properties.created.replace(tzinfo=None) == midnight
    assert properties.modified.replace(tzinfo=None) == midnight
    assert properties.author == label.product.manufacturer
    assert label.product.name in properties.title
    assert properties.language == label.label.language
    assert properties.version == label.label.version
    assert properties.last_printed is None


def test_metadata_names_kind_product_and_version(sheet, label):
    metadata = docx_metadata(sheet)
    assert metadata["kind"] == PRODUCT_SHEET.name
    assert metadata["product"] == label.product.id
    assert metadata["version"] == label.label.version
    assert metadata["Author"] == label.product.manufacturer
    assert metadata["CreationDate"] == f"{label.label.revision_date.isoformat()}T00:00:00Z"


def test_byte_identical_renders(label, sheet):
    assert render_docx(label, PRODUCT_SHEET) == sheet
    with zipfile.ZipFile(io.BytesIO(sheet)) as archive:
        infos = archive.infolist()
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
        assert infos[0].filename == "[Content_Types].xml"
        assert not any("thumbnail" in i.filename for i in infos)


def test_normalise_zip_is_idempotent(sheet):
    assert normalise_zip(sheet) == sheet


# --- the reference document -----------------------------------------------------------------------------------


def test_reference_defines_every_required_style():
    document = docx.Document(str(REFERENCE_DOCX))
    assert style_problems(document) == []
    for name, type_name in REQUIRED_STYLES.items():
        assert document.styles[name].type.name.lower() == type_name, name


def test_sheet_uses_only_named_styles(sheet):
    document = docx.Document(io.BytesIO(sheet))
    used = {p.style.name for p in document.paragraphs}
    for table in document.tables:
        used.add(table.style.name)
        for row in table.rows:
            for cell in row.cells:
                used.update(p.style.name for p in cell.paragraphs)
    assert used <= set(REQUIRED_STYLES), used - set(REQUIRED_STYLES)


def test_missing_style_gives_a_clear_error(tmp_path, label):
    document = docx.Document(str(REFERENCE_DOCX))
    style = document.styles["Claim Support"]
    style.element.getparent().remove(style.element)
    broken = tmp_path / "reference.docx"
    document.save(str(broken))
    with pytest.raises(MissingStylesError) as error:
        write_docx(label, tree(label, "product-sheet"), PRODUCT_SHEET, reference=broken)
    message = str(error.value)
    assert "'Claim Support' (paragraph style) is missing" in message
    assert str(broken) in message and "make_reference_docx.py" in message
    with pytest.raises(MissingStylesError):
        open_reference(broken)


def test_reference_regenerates_identically(tmp_path):
    script = Path(__file__).resolve().parent.parent / "tools" / "make_reference_docx.py"
    out = tmp_path / "reference.docx"
    subprocess.run([sys.executable, str(script), str(out)], check=True, capture_output=True)
    assert out.read_bytes() == REFERENCE_DOCX.read_bytes()


# --- content is text, never markup --------------------------------------------------------------------------


def test_markup_in_content_comes_out_literally(label):
    hostile = '<b>x</b> {{ 7*7 }} {% if true %}y{% endif %} & "q" </sheet>'
    first, *rest = label.contraindications
    changed = with_label(
        label,
        contraindications=[first.model_copy(update={"text": hostile}), *rest],
        product=label.product.model_copy(update={"manufacturer": "<i>ACME</i> & Co"}),
    )
    data = render_docx(changed, PRODUCT_SHEET)
    text = extract_docx_text(data)
    assert hostile in text.splitlines()
    assert "<i>ACME</i> & Co" in text
    assert docx.Document(io.BytesIO(data)).core_properties.author == "<i>ACME</i> & Co"


def test_markup_in_yaml_content_comes_out_literally(tmp_path):
    from helpers import with_approved_claim

    from labeling.load import parse_label

    source = with_approved_claim()
    edited = source.replace("text: Severe renal impairment", "text: Severe renal <b>impairment</b> {{ 7*7 }}", 1)
    assert edited != source
    path = tmp_path / "edited.yaml"
    path.write_text(edited, encoding="utf-8")
    changed = parse_label(path.read_bytes(), str(path))
    text = extract_docx_text(render_docx(changed, PRODUCT_SHEET))
    assert "Severe renal <b>impairment</b> {{ 7*7 }}" in text


# --- the sheet XML vocabulary -----------------------------------------------------------------------------------


def test_vocabulary_maps_onto_named_styles(label):
    markup = (
        "<sheet><title>T</title><h1>Head</h1>"
        "<p>  one\n   <b>two</b>  <i>three</i> <span style='Emphasis'>four</span><br/>five </p>"
        "<ul><li>item</li></ul>"
        "<table widths='1 3'><tr><th>A</th><th>B</th></tr><tr><th>row</th><td>cell</td></tr></table>"
        "<p style='Note'>note</p></sheet>"
    )
    document = docx.Document(io.BytesIO(sheet_to_docx(markup, label, PRODUCT_SHEET)))
    paragraphs = document.paragraphs
    assert [(p.style.name, p.text) for p in paragraphs] == [
        ("Title", "T"),
        ("Heading 1", "Head"),
        ("Body Text", "one two three four\nfive"),
        ("List Bullet", "item"),
        ("Note", "note"),
    ]
    runs = {run.text: run.style.name for run in paragraphs[2].runs if run.text}
    assert runs["two"] == "Strong" and runs["three"] == "Emphasis" and runs["four"] == "Emphasis"
    table = document.tables[0]
    assert table.style.name == "Sheet Table"
    assert [[c.paragraphs[0].style.name for c in row.cells] for row in table.rows] == [
        ["Table Heading", "Table Heading"],
        ["Table Label", "Table Text"],
    ]
    widths = [cell.width for cell in table.rows[0].cells]
    assert widths[1] == 3 * widths[0] or abs(widths[1] - 3 * widths[0]) < 12700 * 3


@pytest.mark.parametrize(
    "markup, message",
    [
        ("<sheet><blink>x</blink></sheet>", "unknown element <blink>"),
        ("<sheet>loose<p>x</p></sheet>", "directly inside <sheet>"),
        ("<sheet><p style='Nope'>x</p></sheet>", "'Nope'"),
        ("<sheet><p><u>x</u></p></sheet>", "<u> cannot appear inside <p>"),
        ("<sheet><table widths='1 2 3'><tr><td>a</td><td>b</td></tr></table></sheet>", "2 positive whole numbers"),
        ("<sheet><p>unclosed</sheet>", "malformed sheet XML"),
        ("<sheet><p><field name='DATE'/></p></sheet>", "'DATE'"),
    ],
)
def test_sheet_xml_errors_are_clear(label, markup, message):
    with pytest.raises(SheetError, match=re.escape(message)):
        sheet_to_docx(markup, label, PRODUCT_SHEET)


# --- the extractor --------------------------------------------------------------------------------------------


def test_extractor_reads_tables_headers_and_footers(tmp_path):
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "HEADER TEXT"
    document.add_paragraph("First paragraph")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Dose", "Duration"
    table.cell(1, 0).text, table.cell(1, 1).text = "20–50 mL/day", "7–21 days"
    document.add_paragraph("After the table")
    document.sections[0].footer.paragraphs[0].text = "FOOTER TEXT"
    path = tmp_path / "sample.docx"
    document.save(str(path))
    expected = [
        "HEADER TEXT",
        "First paragraph",
        "Dose | Duration",
        "20–50 mL/day | 7–21 days",
        "After the table",
        "FOOTER TEXT",
    ]
    assert extract_docx_lines(path) == expected
    assert extract_docx_text(str(path)) == "\n".join(expected)
    assert extract_docx_text(path.read_bytes()) == "\n".join(expected)


def test_extractor_skips_deleted_text_and_field_codes(sheet):
    text = extract_docx_text(sheet)
    assert "MERGEFORMAT" not in text and "NUMPAGES" not in text


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04garbage"])
def test_extractor_rejects_what_is_not_a_docx(data):
    with pytest.raises(UnreadableArtifact):
        extract_docx_text(data)


def test_extractor_rejects_a_zip_without_a_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableArtifact, match="not a Word document"):
        extract_docx_text(buffer.getvalue())


def test_extractor_missing_file(tmp_path):
    with pytest.raises(UnreadableArtifact, match="no such file"):
        extract_docx_text(tmp_path / "absent.docx")


# --- LibreOffice ----------------------------------------------------------------------------------------------


def libreoffice_pdf(docx: bytes, folder: Path) -> bytes:
    """The DOCX as LibreOffice prints it to PDF (its own profile in ``folder``, so runs never share one)."""
    source = folder / "product-sheet.docx"
    source.write_bytes(docx)
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = folder / "product-sheet.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    return pdf.read_bytes()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_sheet(tmp_path, sheet, label):
    data = libreoffice_pdf(sheet, tmp_path)
    assert data.startswith(b"%PDF")
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(data)
    try:
        assert 1 <= len(document) <= 2  # a one- or two-page sheet
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    laid_out = normalize(" ".join(pages))
    assert f"Page 1 of {len(pages)}" in laid_out  # the page fields were computed
    for regimen in shown_regimens(label):
        assert pro(regimen.dose) in laid_out


# --- the corpus sheets, as a reader holds them ------------------------------------------------------------------

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(scope="module")
def corpus():
    """Corpus labels by product id, loaded once (those these tests read)."""
    from labeling.load import load_label

    return {
        name: load_label(CONTENT / f"{name}.yaml")
        for name in ("amoxicillin", "insulin-glargine", "metformin", "adalimumab", "warfarin")
    }


def docx_of(label) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(label)))


def styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def plain(text: str) -> str:
    """As read: non-breaking spaces as spaces, word joiners (no break at a dash or slash) dropped."""
    return text.replace("\u00a0", " ").replace("\u2060", "")


def test_subtitle_names_each_strength_once_by_dosage_form(corpus):
    """Several presentations share a strength (amoxicillin's two 500 mg capsules): the subtitle says it once,
    strengths before their dosage form, forms in the label's order, and does not repeat the title."""
    label = corpus["amoxicillin"]
    by_form: dict[str, list[str]] = {}
    for presentation in label.product.presentations:
        strengths = by_form.setdefault(presentation.dosage_form, [])
        if format_professional(presentation.strength) not in strengths:
            strengths.append(format_professional(presentation.strength))
    expected = "; ".join(f"{' and '.join(s)} {form}" for form, s in by_form.items())
    assert [plain(t) for t in styled(docx_of(label), "Subtitle")] == [expected]
    assert label.product.name.lower() == label.product.established_name.lower()  # said once, by the title


def test_subtitle_gives_the_established_name_after_a_brand_name(corpus):
    label = corpus["adalimumab"]
    (subtitle,) = styled(docx_of(label), "Subtitle")
    strengths = list(dict.fromkeys(format_professional(p.strength) for p in label.product.presentations))
    form = label.product.presentations[0].dosage_form
    assert plain(subtitle) == f"{label.product.established_name} {' and '.join(strengths)} {form}"


def test_identity_lists_each_form_and_strength_once(corpus):
    """One row per dosage form and strength, labelled by it (never the same row label five times), with every
    pack of every presentation of that strength."""
    label = corpus["amoxicillin"]
    table = docx_of(label).tables[0]
    labels = [plain(row.cells[0].text) for row in table.rows]
    assert len(labels) == len(set(labels)), labels
    pairs = list(dict.fromkeys((p.dosage_form, format_professional(p.strength)) for p in label.product.presentations))
    for form, strength in pairs:
        (row,) = [r for r in table.rows if plain(r.cells[0].text) == f"{form[:1].upper()}{form[1:]}, {strength}"]
        value = plain(row.cells[1].text)
        for presentation in label.product.presentations:
            if (presentation.dosage_form, format_professional(presentation.strength)) == (form, strength):
                for package in presentation.packages:
                    assert package.code in value


def test_storage_says_do_not_freeze_once_for_each_condition(corpus):
    """Each condition's row says "Do not freeze." (the verifier finds it there); the note under the table adds
    only the reason, never the instruction again."""
    label = corpus["insulin-glargine"]
    text = plain(extract_docx_text(render_docx(label)))
    storage = section(sheet_sections(text, label), "storage")
    freezing = sum(c.do_not_freeze for c in label.storage.conditions)
    assert freezing > 1
    assert storage.count("Do not freeze") == freezing, storage
    assert normalize(label.storage.freezing_reason) in storage


def test_freezing_reason_still_says_do_not_freeze_when_no_condition_does(label):
    conditions = [c.model_copy(update={"do_not_freeze": False}) for c in label.storage.conditions]
    changed = with_label(label, storage=label.storage.model_copy(update={"conditions": conditions}))
    storage = section(sheet_sections(plain(extract_docx_text(render_docx(changed))), changed), "storage")
    assert storage.count("Do not freeze") == 1


def test_warnings_print_their_highlights_summary(corpus):
    """Important safety information gives each warning's Highlights short form, not the full subsection."""
    label = corpus["metformin"]
    document = docx_of(label)
    items = [plain(t) for t in styled(document, "List Bullet")]
    summarised = [w for w in label.warnings if w.summary]
    assert summarised
    for warning in summarised:
        (item,) = [i for i in items if i.startswith(warning.title + ":")]
        assert normalize(warning.summary.split("{")[0]).rstrip(".") in normalize(item)  # typed values placed
        assert len(item) < len(warning.summary) + len(warning.title) + 40
        assert normalize(warning.text.split("{")[0])[:80] not in normalize(item)


def test_a_warning_without_summary_keeps_its_paragraphs(corpus):
    """No short form: the full text, each paragraph of the YAML (blank lines) a paragraph of the sheet."""
    from labeling.doctree import Paragraph

    label = corpus["metformin"]
    warning = next(w for w in label.warnings if "\n\n" in w.text)
    bare = warning.model_copy(update={"summary": None})
    changed = with_label(label, warnings=[bare if w is warning else w for w in label.warnings])
    parts = [p.strip() for p in warning.text.split("\n\n") if p.strip()]
    assert len(parts) > 2
    safety = tree(changed, "product-sheet").section("safety")
    units = [b.unit for b in safety.blocks if isinstance(b, Paragraph) and f"warnings[{warning.id}]" in b.unit.facts]
    assert len(units) == len(parts)
    assert normalize(units[0].text).startswith(normalize(warning.title) + ":")
    paragraphs = [normalize(p.text) for p in docx_of(changed).paragraphs]
    for unit in units:
        assert normalize(unit.text) in paragraphs  # each a paragraph of its own
    for other in changed.warnings:
        if other is not bare:
            assert any(normalize(other.title) in p for p in paragraphs)


def test_boxed_warning_title_is_not_preceded_by_the_word_warning_again(corpus):
    label = corpus["metformin"]
    text = plain(extract_docx_text(render_docx(label)))
    line = next(line for line in text.splitlines() if label.boxed_warning.title.upper() in line)
    assert line.lower().count("warning") == 1, line


def test_no_claims_section_without_approved_claims(corpus):
    """A "Key points" heading over nothing but the closing note looks like a missing page: the note closes the
    safety information instead."""
    label = corpus["metformin"]
    assert not [c for c in label.claims if c.status == "approved"]
    document = docx_of(label)
    assert "Key points from the label" not in styled(document, "Heading 1")
    assert "Key points from the approved label" not in styled(document, "Heading 1")
    assert styled(document, "Callout")[-1].endswith("adverse reactions.")
    assert document.paragraphs[-1].style.name == "Callout"


def test_regimen_without_a_dose_shows_its_text_in_the_dose_column(corpus):
    label = corpus["insulin-glargine"]
    regimen = next(r for r in shown_regimens(label) if r.dose is None)
    table = next(t for t in docx_of(label).tables if plain(t.rows[0].cells[0].text) in ("Regimen", "Indication"))
    header = [plain(c.text) for c in table.rows[0].cells]
    dose = plain(table.rows[1].cells[header.index("Dose")].text)
    assert normalize(regimen.text)[1:] in normalize(dose)
    assert format_professional(regimen.frequency) in dose.lower()


def _measure(text: str, size: float, bold: bool) -> float:
    """Width in points of text set in Liberation Sans (Arial's metrics), as LibreOffice lays the sheet out."""
    from fontTools.ttLib import TTFont

    from labeling.templates import TEMPLATES_DIR

    font = TTFont(str(TEMPLATES_DIR / "fonts" / f"LiberationSans-{'Bold' if bold else 'Regular'}.ttf"))
    cmap, hmtx, upm = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    return sum(hmtx[cmap.get(ord(c), cmap[ord("x")])][0] for c in text) * size / upm


@pytest.mark.parametrize("name", ["metformin", "amoxicillin", "warfarin", "adalimumab"])
def test_every_column_is_wide_enough_for_its_longest_unbreakable_word(corpus, name):
    """ "mg/d|ay": a column narrower than a quantity (whose spaces are non-breaking) breaks it inside itself. Each
    column is at least as wide as its longest word (header words in bold) plus the cell margins."""
    document = docx_of(corpus[name])
    for table in document.tables:
        for index, column in enumerate(table.columns):
            room = column.width.pt - 2 * 5.5  # Sheet Table cell margins: 110 twips each side
            for row_index, cell in enumerate(column.cells):
                bold = row_index == 0 and table.rows[0].cells[0].paragraphs[0].style.name == "Table Heading"
                for word in re.split(r"[ \t\r\n]+", cell.text.strip()):  # a non-breaking space joins
                    assert _measure(word, 9, bold) <= room, (name, index, word, room)


@pytest.mark.parametrize("name", ["metformin", "amoxicillin", "warfarin"])
def test_dosing_columns_share_the_page_by_what_they_hold(corpus, name):
    """A column that holds one short word (the route) is not as wide as one that holds sentences."""
    document = docx_of(corpus[name])
    table = next(t for t in document.tables if plain(t.rows[0].cells[0].text) in ("Regimen", "Indication"))
    header = [plain(c.text) for c in table.rows[0].cells]
    widths = {h: table.columns[i].width for i, h in enumerate(header)}
    assert widths["Route"] < 0.6 * widths["Dose"]
    if "Administration" in widths:
        assert widths["Route"] < 0.6 * widths["Administration"]


def test_table_rows_never_split_across_pages(corpus):
    document = docx_of(corpus["metformin"])
    for table in document.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_numbers_joined_by_hyphens_do_not_break_at_them(corpus):
    """A telephone number or product code ("1-800-633-9110", "NDC 0074-4339-02") is never split at a line end; it
    reads back with plain hyphens."""
    label = corpus["adalimumab"]
    data = render_docx(label)
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<w:noBreakHyphen/>" in body
    text = plain(extract_docx_text(data))
    assert label.label.adverse_reaction_contact.split()[-1].rstrip(".") in text
    for presentation in label.product.presentations:
        for package in presentation.packages:
            assert package.code in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("name", ["metformin", "amoxicillin"])
def test_laid_out_quantities_stay_whole(tmp_path, corpus, name):
    """Laid out by LibreOffice, every quantity of the dosing table is on one line ("2,000 mg/day", never
    "2,000 mg/d" + "ay")."""
    label = corpus[name]
    data = libreoffice_pdf(render_docx(label), tmp_path)
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(data)
    try:
        lines = [
            normalize(line)
            for i in range(len(document))
            for line in document[i].get_textpage().get_text_range().splitlines()
        ]
    finally:
        document.close()
    dosing = tree(label, "product-sheet").section("dosing")
    quantities = {normalize(run.text) for unit in dosing.units() for run in unit.runs if run.style == "q"}
    assert quantities
    for quantity in sorted(quantities):
        assert any(quantity in line for line in lines), quantity


def test_a_quantity_is_set_whole(corpus):
    """Every space inside a quantity is non-breaking ("3 months or less" never ends a line at "or")."""
    label = corpus["amoxicillin"]
    text = extract_docx_text(render_docx(label)).replace("\u2060", "")
    dosing = tree(label, "product-sheet").section("dosing")
    quantities = {run.text for unit in dosing.units() for run in unit.runs if run.style == "q" and " " in run.text}
    assert quantities
    for quantity in quantities:
        assert quantity.replace(" ", "\u00a0") in text, quantity


def test_an_introduction_stays_with_what_it_introduces(corpus):
    """ "… must not be used in patients with:" is never the last line of a page, and a note under a table (the
    reason not to freeze) never starts a page without the table's last row."""
    label = corpus["insulin-glargine"]
    document = docx_of(label)
    paragraphs = document.paragraphs
    for index, paragraph in enumerate(paragraphs[:-1]):
        if paragraph.style.name == "Body Text" and paragraphs[index + 1].style.name == "List Bullet":
            assert paragraph.paragraph_format.keep_with_next, paragraph.text
    storage = next(t for t in document.tables if plain(t.rows[0].cells[0].text) == "Product")
    assert all(p.paragraph_format.keep_with_next for c in storage.rows[-1].cells for p in c.paragraphs)


def test_a_cross_reference_the_sheet_quotes_points_where_the_insert_points():
    """ "… are provided [see Warnings and Precautions (5.1)]." dropped on the sheet ended the sentence mid-thought:
    the sheet prints the reference the insert prints for the same text."""
    from helpers import SAMPLE, parse, with_approved_claim

    text = with_approved_claim().replace(
        "    text: Severe renal impairment\n", "    text: Severe renal impairment {see:high-dose}\n", 1
    )
    edited = parse(text, str(SAMPLE))
    contraindications = next(s for _, s in tree(edited, "package-insert").sections() if s.key == "contraindications")
    (in_insert,) = [u.text for u in contraindications.units() if u.text.startswith("Severe renal impairment")]
    reference = in_insert.removeprefix("Severe renal impairment").strip()
    assert reference.startswith("[") and "5.1" in reference  # the insert's own reference, whatever its wording
    sheet_text = normalize(extract_docx_text(render_docx(edited)))
    assert normalize(f"Severe renal impairment {reference}") in sheet_text
