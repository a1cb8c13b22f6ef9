"""A PDF page as a reader sees it (labeling/extract/layout.py and the visibility check of extract/pdf.py): the
smallest type (LBL402), read without the whole layout, is the number the layout gives — the same runs (text
objects with text other than white space), the same size as printed; the contents of form XObjects are read;
a page is read turned by its /Rotate and from the corner of its visible box, as a viewer shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from labeling.extract.layout import read_layout, smallest_size

ROOT = Path(__file__).resolve().parent.parent


def pdf_file(objects: dict[int, str]) -> bytes:
    """A PDF of these numbered objects (1 the catalog), with its cross-reference offsets computed."""
    out = b"%PDF-1.4\n"
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n{objects[number]}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in sorted(objects))
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def stream(dictionary: str, content: str) -> str:
    return f"<< {dictionary} /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream"


def hand_made_pdf(content: str, form: str = "") -> bytes:
    """One Letter page drawing `content` with Helvetica as /F1; `form`, if given, is the content of a form XObject
    /Fm1 the page may draw with `/Fm1 Do`."""
    return pdf_file(
        {
            1: "<< /Type /Catalog /Pages 2 0 R >>",
            2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            " /Resources << /Font << /F1 5 0 R >> /XObject << /Fm1 6 0 R >> >> >>",
            4: stream("", content),
            5: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            6: stream("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >>", form),
        }
    )


def text(size: float, words: str, x: float = 72, y: float = 700, scale: float = 1.0) -> str:
    return f"q {scale} 0 0 {scale} 0 0 cm BT /F1 {size} Tf {x} {y} Td ({words}) Tj ET Q"


def layout_minimum(pdf: bytes | Path) -> float | None:
    sizes = [run.size for page in read_layout(pdf) for line in page.lines for run in line.runs if run.text.strip()]
    return min(sizes, default=None)


CASES = {
    "plain": [text(9, "Body text"), text(7, "Footnote", y=100)],
    "scaled as WeasyPrint draws (0.75)": [text(12, "Body", scale=0.75), text(9.5, "Small print", y=90, scale=0.75)],
    "a blank run smaller than any text": [text(2, "   ", y=600), text(9, "Body")],
    "many blank runs, then tiny text": [text(1 + i / 100, " ", x=10 + i, y=500) for i in range(40)]
    + [text(3, "x", y=300), text(9, "Body")],
    "nothing but blanks": [text(4, "  ", y=400 + i) for i in range(5)],
    "no text": [],
}


@pytest.mark.parametrize("name", CASES)
def test_the_smallest_size_is_the_layouts(name):
    pdf = hand_made_pdf("\n".join(CASES[name]))
    assert smallest_size(pdf) == layout_minimum(pdf)


def test_the_cases_mean_something():
    """Blank runs are left out, scale counts, a page of blanks has no type size."""
    assert smallest_size(hand_made_pdf("\n".join(CASES["a blank run smaller than any text"]))) == pytest.approx(9)
    assert smallest_size(hand_made_pdf("\n".join(CASES["many blank runs, then tiny text"]))) == pytest.approx(3)
    scaled = smallest_size(hand_made_pdf("\n".join(CASES["scaled as WeasyPrint draws (0.75)"])))
    assert scaled == pytest.approx(9.5 * 0.75)
    assert smallest_size(hand_made_pdf("\n".join(CASES["nothing but blanks"]))) is None


@pytest.mark.slow
@pytest.mark.parametrize("content", sorted((ROOT / "content").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_pdf_the_corpus_builds(content):
    from labeling.build import render_documents
    from labeling.load import load_label

    pdfs = {name: data for name, data in render_documents(load_label(content)).items() if name.endswith(".pdf")}
    assert pdfs
    for name, pdf in pdfs.items():
        assert smallest_size(pdf) == layout_minimum(pdf) is not None, name


def test_text_inside_a_form_xobject_is_read_at_its_size_and_place():
    """Some writers draw a whole page as one form XObject: its text is read, scaled and placed by the form's
    matrix and the matrix in force where it is drawn."""
    form = text(10, "Inside the form", x=100, y=400) + "\n" + text(8, "Small print", x=100, y=380)
    pdf = hand_made_pdf(text(12, "On the page") + "\nq 0.5 0 0 0.5 50 60 cm /Fm1 Do Q", form)
    assert smallest_size(pdf) == pytest.approx(4) == layout_minimum(pdf)
    (page,) = read_layout(pdf)
    runs = {run.text: run for line in page.lines for run in line.runs}
    assert set(runs) == {"On the page", "Inside the form", "Small print"}
    inside = runs["Inside the form"]
    assert inside.size == pytest.approx(5)
    assert inside.left == pytest.approx(50 + 0.5 * 100, abs=0.5)
    assert inside.baseline == pytest.approx(60 + 0.5 * 400, abs=0.5)
    assert runs["On the page"].size == pytest.approx(12)


def test_a_rule_inside_a_form_xobject_is_on_the_page_where_it_is_drawn():
    form = "0 0 0 RG 2 w 100 500 m 300 500 l S"
    pdf = hand_made_pdf(text(9, "Body") + "\nq 1 0 0 1 0 -100 cm /Fm1 Do Q", form)
    (page,) = read_layout(pdf)
    (bar,) = page.bars
    assert bar.horizontal and bar.left == pytest.approx(99, abs=0.2) and bar.right == pytest.approx(301, abs=0.2)
    assert (bar.bottom + bar.top) / 2 == pytest.approx(400, abs=0.2)


def rotated(pdf: bytes, degrees: int) -> bytes:
    return hand_made_pdf_with(pdf, f"/MediaBox [0 0 612 792] /Rotate {degrees}")


def hand_made_pdf_with(pdf: bytes, mediabox: str) -> bytes:
    """The same page with another /MediaBox entry (PDFium rebuilds the cross-reference the edit shifts)."""
    return pdf.replace(b"/MediaBox [0 0 612 792]", mediabox.encode())


@pytest.mark.parametrize(
    ("degrees", "where"),
    [
        (0, (72, 700)),
        (90, (700, 612 - 72)),  # the page's top edge is on the right as shown: x from y, y from the width left
        (180, (612 - 72, 792 - 700)),
        (270, (792 - 700, 72)),
    ],
)
def test_a_rotated_page_is_read_as_shown(degrees, where):
    """/Rotate turns the page as a viewer shows it: the layout is read in that frame, so lines, columns and
    margins are those a reviewer sees."""
    pdf = rotated(hand_made_pdf(text(12, "Hello", x=72, y=700)), degrees)
    (page,) = read_layout(pdf)
    assert (page.width, page.height) == ((612, 792) if degrees in (0, 180) else (792, 612))
    ((run,),) = [line.runs for line in page.lines]
    x, y = where  # where the text starts (its origin on the baseline), on the page as shown
    assert run.left - 1 <= x <= run.right + 1 and run.bottom - 1 <= y <= run.top + 1, (run, where)
    assert 0 <= run.left < run.right <= page.width and 0 <= run.bottom < run.top <= page.height
    assert run.size == pytest.approx(12)


def test_a_page_whose_box_does_not_start_at_zero_is_read_from_its_corner():
    """Margins and columns are measured on the page as shown: a media box [100 200 712 992] puts its corner at 0, 0."""
    pdf = hand_made_pdf_with(hand_made_pdf(text(12, "Hello", x=172, y=900)), "/MediaBox [100 200 712 992]")
    (page,) = read_layout(pdf)
    ((run,),) = [line.runs for line in page.lines]
    assert (page.width, page.height) == (612, 792)
    assert run.left == pytest.approx(72, abs=1) and run.baseline == pytest.approx(700, abs=1)


HIDDEN = "1 1 1 rg 150 280 300 40 re f 0 0 0 rg"  # a white box over the hidden words


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_hidden_words_are_found_on_a_rotated_page_and_seen_words_are_not(degrees):
    from labeling.extract.pdf import read_pdf

    stream = "\n".join([text(10, "Hidden words here", x=200, y=300), HIDDEN, text(10, "Seen words here", x=72, y=600)])
    pdf = rotated(hand_made_pdf(stream), degrees)
    _, unseen = read_pdf(pdf)
    assert [words for _, words, _ in unseen] == ["Hidden words here"], unseen


def test_invisible_words_inside_a_form_are_found():
    from labeling.extract.pdf import read_pdf

    form = "q BT 3 Tr /F1 10 Tf 100 100 Td (Secret words) Tj ET Q\n" + text(10, "Seen in the form", x=100, y=300)
    _, unseen = read_pdf(hand_made_pdf(text(10, "Seen on the page") + "\n/Fm1 Do", form))
    assert [(words, why) for _, words, why in unseen] == [("Secret words", "set invisible (text render mode 3)")]


def form_bomb(fan: int, depth: int) -> bytes:
    """A page drawing form F1, which draws F2 `fan` times, …, down to F`depth`, which draws one word: fan ** (depth
    - 1) words from a file of a few kilobytes."""
    font = 5
    forms = {level: 5 + level for level in range(1, depth + 1)}
    objects = {
        1: "<< /Type /Catalog /Pages 2 0 R >>",
        2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        f" /Resources << /Font << /F1 {font} 0 R >> /XObject << /Fm1 {forms[1]} 0 R >> >> >>",
        font: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    objects[4] = stream("", text(9, "Body") + "\n/Fm1 Do")
    for level, number in forms.items():
        if level < depth:
            content = " ".join(f"q 1 0 0 1 {i % 50} 0 cm /Fm{level + 1} Do Q" for i in range(fan))
            resources = f"/XObject << /Fm{level + 1} {forms[level + 1]} 0 R >>"
        else:
            content, resources = text(7, "x", y=300), f"/Font << /F1 {font} 0 R >>"
        objects[number] = stream(
            f"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << {resources} >>", content
        )
    return pdf_file(objects)


@pytest.mark.slow
def test_forms_drawn_within_forms_are_refused_before_pdfium_reads_their_text():
    """11 ** 5 = 161,051 words drawn from a few kilobytes: PDFium's text page took minutes for such a page; it is
    refused as unreadable (exit 2), by every reader."""
    from labeling.extract import UnreadableArtifact
    from labeling.extract.pdf import MAX_DRAWN, read_pdf

    bomb = form_bomb(11, 6)
    assert len(bomb) < 10_000
    for read in (read_pdf, read_layout, smallest_size):
        with pytest.raises(UnreadableArtifact, match=f"page 1 draws more than {MAX_DRAWN:,} objects"):
            read(bomb)
    small = form_bomb(4, 4)  # 64 words: read as any page
    assert smallest_size(small) == pytest.approx(7) == layout_minimum(small)


def test_forms_nested_deeper_than_the_readers_go_are_refused():
    """PDFium reads forms at any depth; a reader that stopped at 16 would miss what is below (hidden words
    among them), so such a page is refused instead."""
    from labeling.extract import UnreadableArtifact
    from labeling.extract.pdf import read_pdf

    deep = form_bomb(1, 18)
    for read in (read_pdf, read_layout, smallest_size):
        with pytest.raises(UnreadableArtifact, match="forms nested more than 16 deep"):
            read(deep)
    assert smallest_size(form_bomb(1, 12)) == pytest.approx(7)


def test_text_outside_the_crop_box_is_not_on_the_page():
    """A printer's slug outside the trim (the crop box) is not seen: not a line of the layout, not the smallest
    type."""
    pdf = hand_made_pdf_with(
        hand_made_pdf(text(9, "Body text", x=100, y=400) + "\n" + text(4, "slug: file.indd", x=10, y=20)),
        "/MediaBox [0 0 612 792] /CropBox [36 36 576 756]",
    )
    assert smallest_size(pdf) == pytest.approx(9) == layout_minimum(pdf)
    (page,) = read_layout(pdf)
    assert [run.text for line in page.lines for run in line.runs] == ["Body text"]
