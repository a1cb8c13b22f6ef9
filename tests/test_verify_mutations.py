"""Single changes to real artifacts (or to copies of the templates) must each be caught, naming the right fact.

Each mutation edits the HTML a PDF is laid out from, exactly as a hand-edited artwork would differ, then lays
it out with WeasyPrint and verifies the resulting PDF bytes. Clean artifacts, and the same texts re-laid-out
with other fonts, widths, columns and hyphenation, or read with other extractors, give no finding at all.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from helpers import eu, tree

from labeling.compose import unbreakable
from labeling.documents import DOCUMENT_KINDS
from labeling.extract.artifact import read_artifact, strip_page_furniture
from labeling.language import english
from labeling.render import keep_whole
from labeling.render.html import render_html
from labeling.templates import TEMPLATES_DIR
from labeling.verify import verify_text

pytestmark = pytest.mark.slow  # lays out a PDF for every mutation and re-layout


def _unbreakable(text: str) -> str:
    return unbreakable(text, english())


def nth(text: str, old: str, new: str, n: int = 1) -> str:
    """Replace the n-th occurrence (1-based) of ``old``; the mutation must apply.

    Documents keep numbers and units together with non-breaking spaces and word joiners; targets are written plain."""
    if old not in text:
        old, new = _unbreakable(old), _unbreakable(new)
    if old not in text:  # writers also join a range's dash and a unit's slash (labeling.render.keep_whole)
        old, new = keep_whole(old), keep_whole(new)
    index = -1
    for _ in range(n):
        index = text.find(old, index + 1)
        assert index >= 0, f"mutation target {old!r} (occurrence {n}) not in the document"
    return text[:index] + new + text[index + len(old) :]


def drop(pattern: str, n: int = 1) -> Callable[[str], str]:
    def apply(text: str) -> str:
        matches = list(re.finditer(pattern, text, flags=re.S))
        assert len(matches) >= n, f"mutation pattern {pattern!r} not found {n} times"
        m = matches[n - 1]
        return text[: m.start()] + text[m.end() :]

    return apply


def swap(old: str, new: str, n: int = 1) -> Callable[[str], str]:
    return lambda text: nth(text, old, new, n)


@dataclass(frozen=True)
class Mutation:
    name: str
    kind: object
    edit: Callable[[str], str]
    fact: str
    code: str | None = None


PI, PT, PL = (DOCUMENT_KINDS[k] for k in ("package-insert", "patient-information", "patient-leaflet"))
MUTATIONS = [
    Mutation(
        "dose bound changed in the insert's Highlights",
        PI,
        swap("20–50 mL/day", "20–40 mL/day"),
        "dosing.regimens[stroke-tbi].dose",
        "changed",
    ),
    Mutation(
        "dose unit mL → mg in the FPI table",
        PI,
        swap("10–30 mL/day", "10–30 mg/day", 2),
        "dosing.regimens[dementia].dose",
        "changed",
    ),
    Mutation(
        "per day → per week in the Patient Information",
        PT,
        swap("20 to 50 mL a day", "20 to 50 mL a week"),
        "dosing.regimens[stroke-tbi].dose",
        "changed",
    ),
    Mutation(
        "per day → per week in the EU leaflet",
        PL,
        swap("20 to 50 mL a day", "20 to 50 mL a week"),
        "dosing.regimens[stroke-tbi].dose",
        "changed",
    ),
    Mutation("duration changed", PI, swap("7–21 days", "7–14 days", 2), "dosing.regimens[stroke-tbi].duration"),
    Mutation(
        "regimen row dropped from the FPI table",
        PI,
        drop(r"<tr class=\"regimen\"><td>Alzheimer.*?</tr>"),
        "dosing.regimens[dementia].dose",
        "missing",
    ),
    Mutation(
        "IV → IM in the Patient Information",
        PT,
        swap('</span>, into a vein, for <span class="q">7', '</span>, into a muscle, for <span class="q">7'),
        "dosing.regimens[stroke-tbi].routes",
        "route",
    ),
    Mutation(
        "IV → IM in the Highlights",
        PI,
        swap('intravenously for <span class="q">4', 'intramuscularly for <span class="q">4'),
        "dosing.regimens[dementia].routes",
        "route",
    ),
    Mutation(
        "IV → IM in the FPI table",
        PI,
        swap("Intravenous (IV)", "Intramuscular (IM)"),
        "dosing.regimens[stroke-tbi].routes",
        "route",
    ),
    Mutation(
        "storage bound changed in the Patient Information",
        PT,
        swap("15 °C to 25 °C", "15 °C to 30 °C"),
        "storage.conditions[unopened].temperature",
        "changed",
    ),
    Mutation("°C → °F", PI, swap("15–25 °C", "15–25 °F"), "storage.conditions[unopened].temperature", "changed"),
    Mutation(
        "24 hours → 48 hours",
        PT,
        swap("24 hours", "48 hours"),
        "storage.conditions[reconstituted].time_limit",
        "changed",
    ),
    Mutation(
        "refrigerated range changed in the EU leaflet",
        PL,
        swap("2 °C to 8 °C", "2 °C to 6 °C"),
        "storage.conditions[reconstituted].temperature",
        "changed",
    ),
    Mutation(
        "'Do not freeze' dropped",
        PI,
        swap(" Do not freeze.", "", 1),
        "storage.conditions[unopened].do_not_freeze",
        "missing",
    ),
    Mutation(
        "light protection dropped",
        PI,
        swap("Protect from light and moisture.", "Protect from moisture."),
        "storage.conditions[unopened].protect_from",
        "missing",
    ),
    Mutation(
        "'use immediately' dropped",
        PI,
        swap(" Use immediately.", ""),
        "storage.conditions[reconstituted].use_immediately",
        "missing",
    ),
    Mutation(
        "contraindication removed from the FPI",
        PI,
        drop(r"<li>Severe renal impairment</li>", 1),
        "contraindications[severe-renal-impairment]",
        "missing",
    ),
    Mutation(
        "contraindication removed from the Highlights",
        PI,
        drop(r"<li>Active malignancy <span class=\"ref\">\(4\)</span></li>"),
        "contraindications[active-malignancy]",
        "missing",
    ),
    Mutation(
        "contraindication removed from the Patient Information",
        PT,
        drop(r"<li>you have severe liver problems</li>"),
        "contraindications[severe-hepatic-impairment]",
        "missing",
    ),
    Mutation(
        "contraindication added to the Patient Information",
        PT,
        swap(
            "<li>you have an active cancer</li>", "<li>you have an active cancer</li><li>you have active bleeding</li>"
        ),
        "contraindications",
        "extra",
    ),
    Mutation(
        "contraindication added to the EU leaflet",
        PL,
        swap(
            "<li>you have an active cancer</li>", "<li>you have an active cancer</li><li>you have active bleeding</li>"
        ),
        "contraindications",
        "extra",
    ),
    Mutation(
        "contraindication added to the FPI",
        PI,
        swap("<li>Active malignancy</li>", "<li>Active malignancy</li><li>Active bleeding</li>"),
        "contraindications",
        "extra",
    ),
    Mutation(
        "contraindication heading renamed",
        PI,
        swap("4 CONTRAINDICATIONS</h2>", "4 CONTRA-INDICATIONS</h2>"),
        "contraindications",
        "section-missing",
    ),
    Mutation(
        "storage heading renamed in the Patient Information",
        PT,
        swap("How should I store Cerebrolysin?</h2>", "Storing Cerebrolysin</h2>"),
        "storage",
        "section-missing",
    ),
    Mutation(
        "course duration changed in the Patient Information",
        PT,
        swap('<span class="q">4 weeks</span>', '<span class="q">6 weeks</span>'),
        "dosing.regimens[dementia].duration",
        "changed",
    ),
    Mutation(
        "repeat frequency changed",
        PI,
        swap("2–4 times a year", "2–6 times a year", 2),
        "dosing.regimens[dementia].repeat",
    ),
    Mutation(
        "elderly starting dose changed in the Patient Information",
        PT,
        swap('for example <span class="q">5 mL a day', 'for example <span class="q">10 mL a day'),
        "dosing.adjustments[elderly-start].dose",
        "changed",
    ),
    Mutation(
        "range collapsed to one value",
        PI,
        swap("10–30 mL/day", "30 mL/day"),
        "dosing.regimens[dementia].dose",
        "changed",
    ),
    Mutation(
        "off-label regimen slipped into the Patient Information",
        PT,
        swap('<ul class="doses">', '<ul class="doses"><li>For memory and focus: 5 to 10 mL a day, into a muscle.</li>'),
        "dosing.regimens[nootropic]",
        "off-label",
    ),
    Mutation(
        "stray maximum added to the dosing section",
        PI,
        swap("<caption>", "<caption>Do not exceed 60 mL/day. "),
        "quantities",
        "stray",
    ),
]


@pytest.fixture(scope="module")
def labels(label):
    return {PI.name: label, PT.name: label, PL.name: eu(label)}


@pytest.fixture(scope="module")
def clean_html(labels):
    return {
        kind.name: render_html(labels[kind.name], tree(labels[kind.name], kind.name), kind) for kind in (PI, PT, PL)
    }


def verify_pdf(pdf: bytes, kind, label):
    artifact = read_artifact(pdf, f"{kind.name}.pdf")
    return verify_text(artifact.text, kind, label, artifact.name)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_mutation_is_caught_with_the_right_fact(mutation, clean_html, labels):
    from labeling.render.pdf import pdf_from_html

    label = labels[mutation.kind.name]
    html = mutation.edit(clean_html[mutation.kind.name])
    assert html != clean_html[mutation.kind.name]
    result = verify_pdf(pdf_from_html(html, label, mutation.kind), mutation.kind, label)
    matching = [
        f for f in result.findings if f.fact == mutation.fact and (mutation.code is None or f.code == mutation.code)
    ]
    assert matching, f"not caught as {mutation.fact}/{mutation.code}; findings: {[str(f) for f in result.findings]}"
    assert not result.ok


def test_mutation_suite_size():
    assert len(MUTATIONS) >= 25


@pytest.mark.parametrize(
    ("kind", "injected", "fact", "code"),
    [
        (PI, "<li>Active bleeding</li>", "contraindications", "extra"),
        (PT, "<li>you have active bleeding</li>", "contraindications", "extra"),
        (PI, "<p>Do not exceed 60 mL/day.</p>", "quantities", "stray"),
    ],
)
def test_a_template_that_adds_text_is_caught(tmp_path, monkeypatch, labels, kind, injected, fact, code):
    """The verifier learns what a document must say from the facts, not from the templates it checks: a
    user's template (LABELING_TEMPLATES) that prints words or numbers of its own is caught."""
    from labeling.render.html import environment
    from labeling.render.pdf import pdf_from_html

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    macros = templates / "_tree.html.j2"
    text = macros.read_text(encoding="utf-8")
    target = "{% for b in s.blocks %}{{ block(b) }}{% endfor %}"
    assert target in text
    section = {"extra": ("contraindications", "who-not"), "stray": ("dosage-recommended",)}[code]
    condition = " or ".join(f's.key == "{k}"' for k in section)
    text = text.replace(target, target + "{% if " + condition + " %}<ul>" + injected + "</ul>{% endif %}", 1)
    macros.write_text(text, encoding="utf-8")
    monkeypatch.setenv("LABELING_TEMPLATES", str(templates))
    environment.cache_clear()
    label = labels[kind.name]
    try:
        html = render_html(label, tree(label, kind.name), kind)
    finally:
        environment.cache_clear()
    assert injected in html
    result = verify_pdf(pdf_from_html(html, label, kind), kind, label)
    assert (fact, code) in {(f.fact, f.code) for f in result.findings}, [str(f) for f in result.findings]


@pytest.mark.parametrize("kind", [PI, PT, PL], ids=lambda k: k.name)
def test_clean_artifacts_pass(kind, clean_html, labels):
    from labeling.render.pdf import pdf_from_html

    label = labels[kind.name]

    result = verify_pdf(pdf_from_html(clean_html[kind.name], label, kind), kind, label)
    assert result.findings == []
    assert all(check.ok for check in result.checks.values())


RELAYOUTS = {
    "big type, narrow A6 pages, hyphenated": """
        @page { size: A6; margin: 10mm; @bottom-center { content: "p. " counter(page); font-size: 7pt; } }
        html { font-family: serif; font-size: 12pt; hyphens: auto; line-height: 1.6; }
        .hl-columns, .contents-columns { columns: 1; }
        table { width: 100%; font-size: 7pt; }
        td, th { hyphens: auto; overflow-wrap: break-word; }
    """,
    "three columns, small sans type": """
        @page { size: A4 landscape; margin: 12mm; }
        html { font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; }
        body { columns: 3; column-gap: 8mm; }
        .fpi { break-before: auto; }
        table { width: 100%; font-size: 6.5pt; }
        td, th { hyphens: auto; overflow-wrap: break-word; }
    """,
    "wide single column, justified": """
        @page { size: 11in 8.5in; margin: 0.4in; }
        html { font-size: 10pt; text-align: justify; hyphens: auto; }
        p, li { text-align: justify; }
        .hl-columns { columns: 3; }
    """,
}


@pytest.mark.parametrize("kind", [PI, PT, PL], ids=lambda k: k.name)
@pytest.mark.parametrize("css", list(RELAYOUTS), ids=list(RELAYOUTS))
def test_relaid_out_artifacts_pass(kind, css, clean_html, labels):
    """Same text, other fonts, page sizes, line widths, columns and hyphenation: zero false positives."""
    from weasyprint import CSS, HTML

    label = labels[kind.name]
    html = clean_html[kind.name].replace(
        "</head>", "<style>" + (TEMPLATES_DIR / kind.stylesheet).read_text() + "</style></head>"
    )
    base = (TEMPLATES_DIR / f"{kind.name}.html.j2").as_uri()  # fonts.css and fonts/ resolve from here
    pdf = HTML(string=html, base_url=base).write_pdf(stylesheets=[CSS(string=RELAYOUTS[css])])
    result = verify_pdf(pdf, kind, label)
    assert result.findings == [], [str(f) for f in result.findings]


@pytest.mark.parametrize("kind", [PI, PT, PL], ids=lambda k: k.name)
def test_other_extractor_pypdf(kind, clean_html, labels):
    """The verifier works on text from another extractor too (pypdf instead of PDFium)."""
    import io

    import pypdf

    from labeling.render.pdf import pdf_from_html

    label = labels[kind.name]
    reader = pypdf.PdfReader(io.BytesIO(pdf_from_html(clean_html[kind.name], label, kind)))
    pages = strip_page_furniture([page.extract_text() for page in reader.pages])
    result = verify_text("\n".join(pages), kind, label, f"{kind.name}.pdf")
    assert result.findings == [], [str(f) for f in result.findings]


@pytest.mark.parametrize("kind", [PI, PT, PL], ids=lambda k: k.name)
def test_other_extractor_pdftotext(kind, clean_html, labels, tmp_path):
    """And on poppler's pdftotext, where it is installed."""
    import subprocess

    from labeling.render.pdf import pdf_from_html

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    label = labels[kind.name]
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf_from_html(clean_html[kind.name], label, kind))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = strip_page_furniture(text.split("\f"))
    result = verify_text("\n".join(pages), kind, label, f"{kind.name}.pdf")
    assert result.findings == [], [str(f) for f in result.findings]
