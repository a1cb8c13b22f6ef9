"""PDF text that a reader does not see is reported (issue 14, "only what is visible").

Each case lays out the sample's Patient Information with one change an artwork vendor (or someone hiding a change
from a reviewer) could make: a sentence in white, under a white box, clipped, off the page, set in no size, fully
transparent. The text layer still holds the sentence; the page does not show it. The correct variants — white
type on a dark band, light grey type, the documents as built — report nothing.
"""

from __future__ import annotations

import pytest
from helpers import tree

from labeling.documents import DOCUMENT_KINDS
from labeling.extract.artifact import read_artifact
from labeling.render.html import render_html
from labeling.templates import TEMPLATES_DIR
from labeling.verify import verify_artifact

pytestmark = pytest.mark.slow  # one WeasyPrint layout per case

KIND = DOCUMENT_KINDS["patient-information"]
SENTENCE = "Also for children: 100 mL a day."


@pytest.fixture(scope="module")
def html(label) -> str:
    return render_html(label, tree(label, KIND.name), KIND)


def laid_out(html: str, inserted: str, css: str = "") -> bytes:
    from weasyprint import CSS, HTML

    assert "</h2>" in html
    edited = html.replace("</h2>", "</h2>" + inserted, 1)  # under the first section heading
    base = (TEMPLATES_DIR / f"{KIND.name}.html.j2").as_uri()
    return HTML(string=edited, base_url=base).write_pdf(stylesheets=[CSS(string=css)] if css else None)


HIDDEN = {
    "white on white": (f'<p style="color: white">{SENTENCE}</p>', "not drawn"),
    "covered by a white box drawn later": (
        f'<div style="position: relative"><p>{SENTENCE}</p>'
        '<div style="position: absolute; top: 0; left: 0; width: 100%; height: 100%; background: white"></div></div>',
        "not drawn",
    ),
    "clipped by a frame of no height": (
        f'<div style="height: 0; overflow: hidden"><p>{SENTENCE}</p></div>',
        "clipped away",
    ),
    "off the page": (f'<p style="position: absolute; left: -2000px">{SENTENCE}</p>', "off the page"),
    "type of no size": (f'<p style="font-size: 0.01px">{SENTENCE}</p>', "not drawn"),
    "fully transparent": (f'<p style="color: rgba(0, 0, 0, 0)">{SENTENCE}</p>', ""),
}


@pytest.mark.parametrize("case", list(HIDDEN))
def test_text_the_page_does_not_show_is_reported(html, label, case):
    inserted, why = HIDDEN[case]
    artifact = read_artifact(laid_out(html, inserted), "patient-information.pdf")
    unseen = [u for u in artifact.unseen if "children" in u.text]
    assert unseen, (case, artifact.unseen)
    assert why in unseen[0].why
    result = verify_artifact(artifact, KIND, label, artifact.name)
    assert any(f.code == "unseen" and "children" in (f.found or "") for f in result.findings)


@pytest.mark.parametrize(
    "inserted",
    [
        f'<p style="background: #1f3a5f; color: white; padding: 4px">{SENTENCE}</p>',
        f'<p style="color: #888">{SENTENCE}</p>',
        '<p style="font-size: 8pt">Keep out of reach of children. – . , ;</p>',
    ],
    ids=["white on a dark band", "light grey type", "small type and lone punctuation"],
)
def test_text_a_reader_sees_is_not_reported(html, inserted):
    artifact = read_artifact(laid_out(html, inserted), "patient-information.pdf")
    assert artifact.unseen == ()


def test_the_documents_as_built_have_nothing_unseen(label):
    from labeling.render.pdf import pdf_from_html

    for name in ("package-insert", "patient-information"):
        kind = DOCUMENT_KINDS[name]
        pdf = pdf_from_html(render_html(label, tree(label, name), kind), label, kind)
        assert read_artifact(pdf, f"{name}.pdf").unseen == ()
