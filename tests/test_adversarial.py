"""The adversarial corpus: realistic errors and correct variants of three products' finished documents, each laid
out again with other stylesheets (PDF) or re-saved as Word saves an edited document (DOCX).

The cases are data (``tests/adversarial/corpus.yaml``); this module applies each one to the markup the document
is laid out or saved from, lays it out or saves it in the case's layout, reads the artifact back as any user's
artifact is read, and verifies it. Every error must be caught naming its fact; every variant must verify with no
finding. The layout a case gets turns with its place in the corpus, so each layout meets errors and variants of
every kind. The mutations of ``test_corpus_mutations`` run here too, in the other layouts.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_corpus_mutations import _AS_WRITTEN, MUTATIONS, PATIENT, SHEET, Corpus, _writing, load
from test_verify_mutations import RELAYOUTS

from labeling.extract.artifact import read_artifact
from labeling.verify import verify_artifact

pytestmark = pytest.mark.slow

CASES = yaml.safe_load((Path(__file__).parent / "adversarial" / "corpus.yaml").read_text(encoding="utf-8"))
PRODUCTS = ("cerebrolysin", "amoxicillin", "warfarin")
PDF_LAYOUTS = ("house", *RELAYOUTS)
DOCX_LAYOUTS = ("house", "word")


def layout_for(document: str, index: int) -> str:
    layouts = DOCX_LAYOUTS if document == SHEET else PDF_LAYOUTS
    return layouts[index % len(layouts)]


# ---------------------------------------------------------------------------------------------------------
# Edits, as data


_TAGS = "(?:<[^>]*>)*"  # markup between the characters of a text (a quantity's span, a run boundary)


def as_written(text: str) -> re.Pattern[str]:
    """A printed text as the markup writes it: escaped, with non-breaking spaces and word joiners where the writer
    puts them, and any tags between its characters."""
    return re.compile(_TAGS.join(_AS_WRITTEN.get(char, re.escape(char)) for char in text))


def apply(markup: str, edit: Any) -> str:
    if isinstance(edit, list):
        edit = {"find": edit[0], "put": edit[1]}
    start = 0
    if "after" in edit:
        hits = list(as_written(edit["after"]).finditer(markup))
        n = edit.get("n", 1)
        assert len(hits) >= n, f"{edit['after']!r} (occurrence {n}) not in the document"
        start = hits[n - 1].end()
    found = list(as_written(edit["find"]).finditer(markup, start))
    which = edit.get("n", 1) if "after" not in edit else 1
    assert len(found) >= which, f"{edit['find']!r} not in the document after {edit.get('after')!r}"
    match = found[which - 1]
    put = edit["put"]
    if match.group(0)[:1].isupper() and put[:1].islower():
        put = put[:1].upper() + put[1:]
    tags = "".join(re.findall(r"<[^>]*>", match.group(0)))  # kept, so the markup stays well formed
    return markup[: match.start()] + _writing(put) + tags + markup[match.end() :]


# ---------------------------------------------------------------------------------------------------------
# Layouts


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def hide(markup: str, spec: dict[str, str]) -> str:
    """A Word run formatted hidden (Home > Font > Hidden), with ``text``, after the run that ends with ``after``:
    Word and the PDF it prints do not show it; a reader of the XML that ignores the format would."""
    match = as_written(spec["after"]).search(markup)
    assert match, spec["after"]
    close = markup.index("</w:r>", match.end()) + len("</w:r>")
    run = f'<w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve">{_writing(spec["text"])}</w:t></w:r>'
    return markup[:close] + run + markup[close:]


def word_resave(xml: str) -> str:
    """The document XML as Word writes it back after an edit: each run split into a run per word with the
    revision ids Word stamps, spelling and grammar marks and a bookmark between runs, a rendered page break."""
    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"))
    ns = {"w": W}
    counter = 0
    for paragraph in root.iter(f"{{{W}}}p"):
        paragraph.set(f"{{{W}}}rsidR", f"00{counter:06X}")
        for run in list(paragraph.iterfind("w:r", ns)):
            texts = run.findall("w:t", ns)
            if len(texts) != 1 or len(run) > 2:
                continue
            words = re.findall(r"\S+\s*|\s+", texts[0].text or "")
            if len(words) < 2:
                continue
            parent, at = run.getparent(), run.getparent().index(run)
            properties = run.find("w:rPr", ns)
            parent.remove(run)
            for offset, word in enumerate(words):
                counter += 1
                if offset == 1:  # Word marks a word it does not know
                    mark = etree.Element(f"{{{W}}}proofErr")
                    mark.set(f"{{{W}}}type", "spellStart")
                    parent.insert(at, mark)
                    at += 1
                piece = etree.Element(f"{{{W}}}r")
                piece.set(f"{{{W}}}rsidRPr", f"00{counter:06X}")
                if properties is not None:
                    piece.append(etree.fromstring(etree.tostring(properties)))
                text = etree.SubElement(piece, f"{{{W}}}t")
                text.text = word
                text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                parent.insert(at, piece)
                at += 1
                if offset == 1:
                    mark = etree.Element(f"{{{W}}}proofErr")
                    mark.set(f"{{{W}}}type", "spellEnd")
                    parent.insert(at, mark)
                    at += 1
            if counter % 7 == 0:
                start = etree.Element(f"{{{W}}}bookmarkStart")
                start.set(f"{{{W}}}id", str(counter))
                start.set(f"{{{W}}}name", f"_Ref{counter}")
                end = etree.Element(f"{{{W}}}bookmarkEnd")
                end.set(f"{{{W}}}id", str(counter))
                parent.insert(at, start)
                parent.insert(at + 1, end)
        if counter % 11 == 0:
            rendered = etree.SubElement(etree.SubElement(paragraph, f"{{{W}}}r"), f"{{{W}}}lastRenderedPageBreak")
            assert rendered is not None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode("utf-8")


def relaid_pdf(html: str, product: str, document: str, css: str) -> bytes:
    from weasyprint import CSS, HTML

    from labeling.render.pdf import SandboxFetcher, font_config, stylesheet
    from labeling.templates import templates_dir

    kind = CORPUS.kind(product, document)
    source = HTML(string=html, base_url=(templates_dir() / f"{kind.name}.html").as_uri(), url_fetcher=SandboxFetcher())
    sheets = [stylesheet(kind.stylesheet), CSS(string=css)] if kind.stylesheet else [CSS(string=css)]
    return source.render(stylesheets=sheets, font_config=font_config()).write_pdf()  # type: ignore[no-any-return]


def artifact(product: str, document: str, markup: str, layout: str) -> bytes:
    if document == SHEET:
        return CORPUS.artifact(product, document, word_resave(markup) if layout == "word" else markup)
    if layout == "house":
        return CORPUS.artifact(product, document, markup)
    return relaid_pdf(markup, product, document, RELAYOUTS[layout])


def verify(product: str, document: str, data: bytes) -> Any:
    kind = CORPUS.kind(product, document)
    read = read_artifact(data, f"{kind.name}.{'docx' if document == SHEET else 'pdf'}")
    return verify_artifact(read, kind, load(product), read.name)


CORPUS = Corpus()


@cache
def clean_markup(product: str, document: str) -> str:
    return CORPUS.markup(product, document)


# ---------------------------------------------------------------------------------------------------------
# The corpus


def _ids(cases: list[dict[str, Any]], kind: str) -> list[Any]:
    """Each case in its layout; a case the verifier is known not to catch in that layout (``limit``, the reason)
    is a strict xfail, so it fails the day the verifier learns it."""
    return [
        pytest.param(
            case,
            layout_for(case["document"], i),
            id=f"{case['id']} [{layout_for(case['document'], i)}]",
            marks=[pytest.mark.xfail(strict=True, reason=case["limit"])] if "limit" in case else [],
        )
        for i, case in enumerate(cases)
    ]


def test_the_corpus_is_as_large_as_issue_14_asks():
    errors, variants = [c for c in CASES["errors"] if "limit" not in c], CASES["variants"]
    reused = [m for p in PRODUCTS for m in MUTATIONS[p] if not m.gap]
    assert len(errors) + len(reused) >= 80 and len(variants) >= 40
    assert {c["product"] for c in errors} == set(PRODUCTS) == {c["product"] for c in variants}
    assert {c["document"] for c in errors} == {"package-insert", PATIENT, SHEET}
    assert {layout_for(c["document"], i) for i, c in enumerate(errors)} == {*PDF_LAYOUTS, *DOCX_LAYOUTS}


@pytest.mark.parametrize(("case", "layout"), _ids(CASES["errors"], "error"))
def test_an_error_is_caught_naming_its_fact(case, layout):
    markup = clean_markup(case["product"], case["document"])
    for edit in case["edits"]:
        markup = apply(markup, edit)
    if "hidden" in case:
        markup = hide(markup, case["hidden"])
    result = verify(case["product"], case["document"], artifact(case["product"], case["document"], markup, layout))
    named = [
        f for f in result.findings if f.fact.startswith(case["fact"]) and ("code" not in case or f.code == case["code"])
    ]
    assert named, f"not caught as {case['fact']} ({case.get('code')}): {[str(f) for f in result.findings]}"


@pytest.mark.parametrize(("case", "layout"), _ids(CASES["variants"], "variant"))
def test_a_correct_variant_verifies_clean(case, layout):
    markup = clean_markup(case["product"], case["document"])
    for edit in case["edits"]:
        markup = apply(markup, edit)
    assert markup != clean_markup(case["product"], case["document"])
    result = verify(case["product"], case["document"], artifact(case["product"], case["document"], markup, layout))
    assert [str(f) for f in result.findings] == []


OTHER_LAYOUTS = [
    pytest.param(product, document, layout, id=f"{product}-{document}-{layout}")
    for product in PRODUCTS
    for document in ("package-insert", PATIENT, SHEET)
    for layout in (DOCX_LAYOUTS[1:] if document == SHEET else PDF_LAYOUTS[1:])
]


@pytest.mark.parametrize(("product", "document", "layout"), OTHER_LAYOUTS)
def test_a_clean_document_in_another_layout_verifies_clean(product, document, layout):
    markup = clean_markup(product, document)
    result = verify(product, document, artifact(product, document, markup, layout))
    assert [str(f) for f in result.findings] == []


def _reused() -> list[Any]:
    cases = []
    for product in PRODUCTS:
        for i, mutation in enumerate(m for m in MUTATIONS[product] if not m.gap):
            layout = layout_for(mutation.document, i + 1)  # never the house layout test_corpus_mutations uses
            if layout == "house":
                layout = layout_for(mutation.document, i + 2)
            cases.append(pytest.param(product, mutation, layout, id=f"{product}: {mutation.name} [{layout}]"))
    return cases


@pytest.mark.parametrize(("product", "mutation", "layout"), _reused())
def test_a_known_mutation_is_caught_in_another_layout(product, mutation, layout):
    clean = clean_markup(product, mutation.document)
    edited = mutation.edit(load(product), clean)
    result = verify(product, mutation.document, artifact(product, mutation.document, edited, layout))
    named = [
        f for f in result.findings if f.fact == mutation.fact and (mutation.code is None or f.code == mutation.code)
    ]
    assert named, f"not caught as {mutation.fact}: {[str(f) for f in result.findings]}"
