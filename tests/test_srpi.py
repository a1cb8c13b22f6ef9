"""FDA's SRPI checklist on laid-out inserts: every corpus insert passes, and each rule fails on a document broken
the way a typesetter, an editor or a template author would break it (the insert's HTML or CSS edited, then laid
out by WeasyPrint as the build does)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
from helpers import ROOT, corpus_label
from srpi_review_cases import REVIEW_BROKEN, REVIEW_VARIANTS

from labeling.srpi import ITEMS, check_srpi, context_of

CORPUS = sorted(p.stem for p in (ROOT / "content").glob("*.yaml"))


@cache
def _html(product: str) -> str:
    from labeling.compose import compose
    from labeling.documents import DOCUMENT_KINDS
    from labeling.language import language_for
    from labeling.render.html import render_html

    label = corpus_label(product)
    return render_html(label, compose(label, "package-insert", language_for("en")), DOCUMENT_KINDS["package-insert"])


def _pdf(product: str, html: str) -> bytes:
    from labeling.documents import DOCUMENT_KINDS
    from labeling.render.pdf import pdf_from_html

    return pdf_from_html(html, corpus_label(product), DOCUMENT_KINDS["package-insert"], checks=False)


def _edited(product: str, *edits: tuple[Any, ...]) -> str:
    html = _html(product)
    for edit in edits:
        if edit[0] == "css":
            html = html.replace("</head>", f"<style>{edit[1]}</style></head>", 1)
        else:  # ("sub", pattern, replacement): the first match only; ("suball", …) every match; it must match
            html, count = re.subn(edit[1], edit[2], html, count=1 if edit[0] == "sub" else 0, flags=re.S)
            assert count >= 1, f"edit {edit[1]!r} found nothing"
    return html


def _items(product: str, html: str) -> set[int]:
    report = check_srpi(_pdf(product, html), context_of(corpus_label(product)))
    return {f.item for f in report.findings}


@pytest.mark.slow
@pytest.mark.parametrize("product", CORPUS)
def test_every_corpus_insert_meets_the_checklist(product: str, tmp_path: Any) -> None:
    report = check_srpi(_pdf(product, _html(product)), context_of(corpus_label(product)))
    assert report.findings == []
    assert len(report.applied) >= 25  # the checklist was applied, not skipped


def test_the_sample_insert_meets_the_checklist() -> None:
    report = check_srpi(_pdf("adalimumab", _html("adalimumab")), context_of(corpus_label("adalimumab")))
    assert report.findings == []
    machine = {n for n, item in ITEMS.items() if item.machine}
    assert report.applied == machine  # a boxed warning, Recent Major Changes, 6.1 and 6.2: every item applies


# (product, what was done, edits, the items that must fail — and no others)
BROKEN: list[tuple[str, str, tuple[tuple[Any, ...], ...], set[int]]] = [
    ("adalimumab", "Highlights set in 7 pt", (("css", ".highlights { font-size: 7pt }"),), {1}),
    ("warfarin", "Highlights in one column (and so too long)", (("css", ".hl-columns { columns: 1 }"),), {1, 2}),
    ("adalimumab", "columns 14 pt apart", (("css", ".hl-columns { column-gap: 14pt }"),), {1}),
    ("adalimumab", "page margins of 0.3 inch", (("css", "@page { margin: 0.3in }"),), {1}),
    ("adalimumab", "Highlights spread out", (("css", ".highlights li { margin-bottom: 7pt }"),), {2}),
    ("adalimumab", "no line under Highlights", (("css", ".highlights { border-bottom: none }"),), {3}),
    ("adalimumab", "no line under the Contents", (("css", ".contents { border: none }"),), {3}),
    (
        "adalimumab",
        "headings with a rule above instead of in a line",
        (
            ("css", ".highlights h2.hl::before, .highlights h2.hl::after { content: none }"),
            ("css", ".highlights h2.hl { display: block; text-align: center; border-top: 0.75pt solid #000 }"),
        ),
        {4},
    ),
    ("adalimumab", "headings not bold", (("css", ".hl-section:not(.boxed) h2.hl { font-weight: normal }"),), {4}),
    (
        "adalimumab",
        "headings in lower case",
        (("css", ".hl-section:not(.boxed) h2.hl { text-transform: lowercase }"),),
        {4},
    ),
    (
        "adalimumab",
        "heading line short of the column",
        (("css", ".hl-section:not(.boxed) h2.hl { margin-left: 40pt }"),),
        {4},
    ),
    (
        "adalimumab",
        "a blank line after the Highlights heading",
        (("css", ".highlights h1 { margin-bottom: 10pt }"),),
        {5},
    ),
    (
        "adalimumab",
        "space between title and approval",
        (("css", ".highlights p.title-line + p.title-line { margin-top: 8pt }"),),
        {5},
    ),
    (
        "warfarin",
        "headings run on from the text above",
        (("css", ".highlights h2.hl { margin-top: 0; line-height: 0.9 } .highlights .hl-section { margin: 0 }"),),
        {5},
    ),
    (
        "warfarin",
        "a bullet without its reference",
        (("sub", r'(hl-dosage".*?<li>[^<]*?) <span class="ref">\([\d., ]+\)</span>', r"\1"),),
        {6},
    ),
    ("warfarin", "a reference to no section", (("sub", r'(hl-warnings".*?)\(5\.2\)', r"\g<1>(5.12)"),), {6}),
    (
        "adalimumab",
        "Contraindications before Indications",
        (
            (
                "sub",
                r'(<section id="hl-indications".*?</section>\n)(.*?)(<section id="hl-contraindications".*?</section>\n)',
                r"\3\2\1",
            ),
        ),
        {7},
    ),
    ("warfarin", "no Dosage Forms in Highlights", (("sub", r'<section id="hl-dosage-forms".*?</section>', ""),), {7}),
    (
        "adalimumab",
        "Highlights heading in title case",
        (("sub", "HIGHLIGHTS OF PRESCRIBING INFORMATION", "Highlights of Prescribing Information"),),
        {8},
    ),
    (
        "adalimumab",
        "limitation statement not bold",
        (("css", ".highlights p.limitation { font-weight: normal }"),),
        {9},
    ),
    (
        "adalimumab",
        "product name in the limitation in title case",
        (("sub", "(needed to use )HUMIRA", r"\1Humira"),),
        {9},
    ),
    ("warfarin", "title block not bold", (("css", ".highlights p.title-line { font-weight: normal }"),), {10, 11}),
    (
        "warfarin",
        "approval year of two digits",
        (("sub", "Initial U.S. Approval: 1954", "Initial U.S. Approval: 54"),),
        {11},
    ),
    ("adalimumab", "boxed warning text not bold", (("css", ".highlights .boxed li { font-weight: normal }"),), {12}),
    ("adalimumab", '"WARNINGS:" in the heading', (("sub", "WARNING: SERIOUS", "WARNINGS: SERIOUS"),), {13}),
    (
        "adalimumab",
        "boxed warning heading flush left",
        (("css", ".highlights .boxed h2.hl { text-align: left }"),),
        {13},
    ),
    ("adalimumab", "see-statement not italic", (("css", ".highlights p.boxed-see { font-style: normal }"),), {14}),
    ("warfarin", "see-statement flush left", (("css", ".highlights p.boxed-see { text-align: left }"),), {14}),
    ("adalimumab", "boxed warning of 30 lines", (("css", ".highlights .boxed ul { width: 150pt }"),), {15}),
    (
        "adalimumab",
        "a change to Adverse Reactions in Recent Major Changes",
        (("sub", r"<li>Warnings and Precautions, Serious", "<li>Adverse Reactions, Serious"),),
        {16},
    ),
    (
        "adalimumab",
        "Recent Major Changes out of order",
        (("sub", r'(<ul class="rmc">\n)(<li>.*?</li>\n)(<li>.*?</li>\n)', r"\1\3\2"),),
        {17},
    ),
    ("adalimumab", "an entry without its date", (("sub", r' <span class="rmc-date">4/2013</span>', ""),), {18}),
    ("adalimumab", "an entry listed for 13 months", (("sub", r'"rmc-date">9/2012', '"rmc-date">8/2012'),), {19}),
    (
        "warfarin",
        "a contraindication left out of Highlights",
        (("sub", r'(id="hl-contraindications".*?)<li>Pregnancy[^\n]*</li>\n', r"\1"),),
        {22},
    ),
    ("warfarin", "contraindications not bulleted", (("css", "#hl-contraindications li { list-style: none }"),), {23}),
    ("adalimumab", "reporting statement not bold", (("css", ".highlights p.report { font-weight: normal }"),), {24}),
    ("adalimumab", "FDA's number mistyped", (("sub", "1-800-FDA-1088", "1-800-FDA-1089"),), {24}),
    (
        "adalimumab",
        "counseling statement not bold",
        (("css", ".highlights p.see-counseling { font-weight: normal }"),),
        {25},
    ),
    (
        "warfarin",
        "counseling statement of the wrong kind",
        (("sub", "and Medication Guide.</p>", "and FDA-approved patient labeling.</p>"),),
        {25},
    ),
    ("adalimumab", "revision date flush left", (("css", ".highlights .revised { text-align: left }"),), {26}),
    ("adalimumab", "revision date not bold", (("css", ".highlights .revised { font-weight: normal }"),), {26}),
    ("adalimumab", "Contents in one column", (("css", ".contents-columns { columns: 1 }"),), {27}),
    ("adalimumab", "Contents heading not bold", (("css", ".contents h1.part-heading { font-weight: normal }"),), {28}),
    (
        "adalimumab",
        "no boxed warning in the Contents",
        (("sub", r'<p class="toc-1"><a href="#boxed-warning">[^\n]*\n', ""),),
        {29},
    ),
    # the boxed warning's entry is a section entry too
    ("adalimumab", "Contents sections not bold", (("css", ".contents p.toc-1 { font-weight: normal }"),), {29, 30}),
    ("adalimumab", "Contents subsections bold", (("css", ".contents p.toc-2 { font-weight: bold }"),), {31}),
    ("adalimumab", "Contents subsections not indented", (("css", ".contents p.toc-2 { padding-left: 0 }"),), {31}),
    (
        "adalimumab",
        "a Contents entry reworded",
        (("sub", ">2.1 Recommended Dosage<", ">2.1 Recommended Doses<"),),
        {32},
    ),
    ("adalimumab", "no footnote for omitted sections", (("sub", r'<p class="toc-note">.*?</p>', ""),), {33}),
    ("adalimumab", "FPI heading not bold", (("css", ".fpi h1.part-heading { font-weight: normal }"),), {34}),
    ("adalimumab", "FPI subsection headings not bold", (("css", ".fpi h3 { font-weight: normal }"),), {35}),
    (
        "adalimumab",
        "a section renamed in FPI and Contents",
        (
            ("sub", ">11 DESCRIPTION<", ">11 PRODUCT DESCRIPTION<"),
            ("sub", ">11 DESCRIPTION<", ">11 PRODUCT DESCRIPTION<"),
        ),
        {36},
    ),
    ("adalimumab", "cross-references upright", (("css", ".fpi .ref { font-style: normal }"),), {37}),
    (
        "adalimumab",
        "a cross-reference without brackets",
        (("sub", r'(id="fpi".*?<span class="ref">)\[(see </span>)', r"\1\2"),),
        {37},
    ),
    (
        "warfarin",
        "a cross-reference to no section",
        (
            (
                "sub",
                r'(id="fpi".*?Warnings and Precautions</span><span class="ref"> \(</span><span class="ref">)5\.1<',
                r"\g<1>5.19<",
            ),
        ),
        {37},
    ),
    ("adalimumab", "no change bars", (("css", ".fpi section.changed { border-left: none }"),), {38}),
    ("adalimumab", "boxed warning in FPI not bold", (("css", ".fpi .boxed { font-weight: normal }"),), {39}),
    (
        "adalimumab",
        "boxed warning heading in FPI lower case",
        (("sub", r'(id="boxed-warning-heading">)WARNING: SERIOUS', r"\1Warning: Serious"),),
        {40},
    ),
    (
        "adalimumab",
        "Contraindications left empty",
        (("sub", r'(id="contraindications-heading">[^<]*</h2>\n)<p>None\.</p>', r"\1"),),
        {41},
    ),
    (
        "adalimumab",
        "6.1 without FDA's statement",
        (("sub", r"Because clinical trials are conducted under widely varying conditions", "Trials vary"),),
        {42},
    ),
    (
        "adalimumab",
        "17 not naming the patient labeling",
        (
            (
                "sub",
                r"<p>Advise the patient to read the patient labeling \(Medication Guide\)\.</p>",
                "<p>Inform patients about the risks.</p>",
            ),
        ),
        {43},
    ),
    (
        "adalimumab",
        "the Medication Guide as subsection 17.1",
        (
            (
                "sub",
                r'(id="counseling-heading">[^<]*</h2>\n)',
                r'\1<h3 style="font-weight:bold">17.1 Medication Guide</h3>',
            ),
            (
                "sub",
                r'(<p class="toc-1"><a href="#counseling">[^\n]*\n)',
                r'\1<p class="toc-2"><a>17.1 Medication Guide</a></p>\n',
            ),
        ),
        {44},
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("product", "what", "edits", "expected"), BROKEN, ids=[case[1] for case in BROKEN])
def test_each_rule_fails_on_a_broken_insert(
    product: str, what: str, edits: tuple[Any, ...], expected: set[int]
) -> None:
    assert _items(product, _edited(product, *edits)) == expected


def test_every_machine_item_has_a_broken_insert() -> None:
    machine = {n for n, item in ITEMS.items() if item.machine}
    assert machine <= {n for case in BROKEN for n in case[3]}


def test_a_broken_insert_in_the_edit_loop() -> None:
    """One case outside the slow marker, so `make fast` exercises the layout reader and the rules end to end."""
    assert _items("adalimumab", _edited("adalimumab", ("css", ".hl-columns { column-gap: 14pt }"))) == {1}


def test_the_readme_lists_every_item_and_who_checks_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for number, item in ITEMS.items():
        by = "machine" if item.machine else f"reviewer: {item.reviewer}"
        assert f"| {number} | {item.part} | {item.asks} | {by} |" in readme


def _dashed_highlights(one_side: bool = False) -> bytes:
    """A Highlights as some writers set it: each heading between runs of dashes as wide as the column."""
    from weasyprint import HTML

    from labeling.extract.layout import read_layout

    style = "@page { size: letter; margin: 0.5in } body { font: 8pt serif; margin: 0 } p { margin: 0 } "
    style += ".h { font-weight: bold; text-align: center; margin-top: 4pt } .cols { columns: 2; column-gap: 0.5in }"

    def widest(heading: str) -> int:  # the most dashes that keep the heading on one line of the column
        for n in range(30, 2, -1):
            html = f'<style>{style}</style><div style="width: 252pt"><p class="h">{"-" * n} {heading} {"-" * n}</p>'
            if len(read_layout(HTML(string=html).write_pdf())[0].lines) == 1:
                return n
        return 3

    body = ""
    for heading in ("INDICATIONS AND USAGE", "DOSAGE AND ADMINISTRATION", "CONTRAINDICATIONS"):
        n = widest(heading)
        after = "" if one_side else "-" * n
        body += f'<p class="h">{"-" * n} {heading} {after}</p><p>• Something for patients with a condition (1)</p>'
    html = f"<style>{style}</style><p><b>HIGHLIGHTS OF PRESCRIBING INFORMATION</b></p><div class='cols'>{body}</div>"
    return HTML(string=html).write_pdf()


@pytest.mark.slow
def test_headings_between_dashes_are_in_a_line_and_one_sided_dashes_are_not() -> None:
    findings = check_srpi(_dashed_highlights()).findings
    assert not [f for f in findings if f.item in (1, 4, 5)]
    one_sided = check_srpi(_dashed_highlights(one_side=True)).findings
    assert {f.item for f in one_sided if f.item == 4} == {4}


# Correct inserts a different typesetter would produce: none may fail an item.
VARIANTS: list[tuple[str, str, tuple[tuple[Any, ...], ...]]] = [
    (
        "warfarin",
        "a bold strength in the FPI that looks like a subsection number",
        (("sub", r'(id="dosage-heading">[^<]*</h2>\n)', r"\1<p><b>2.5 mg Tablets</b></p>\n"),),
    ),
    (
        "adalimumab",
        "a cross-reference to two sections in one bracket",
        (
            (
                "sub",
                r'(id="indication-ra-heading">[^<]*</h3>\n<p>[^<]*?)\.</p>',
                r"\1 <em>[see Warnings and Precautions (5.1) and Adverse Reactions (6.1)]</em>.</p>",
            ),
        ),
    ),
    ("adalimumab", "Highlights columns further apart than asked", (("css", ".hl-columns { column-gap: 0.6in }"),)),
    ("warfarin", "a thicker line under Highlights", (("css", ".highlights { border-bottom: 2pt solid #000 }"),)),
]


@pytest.mark.slow
@pytest.mark.parametrize(("product", "what", "edits"), VARIANTS, ids=[case[1] for case in VARIANTS])
def test_correct_variants_meet_the_checklist(product: str, what: str, edits: tuple[Any, ...]) -> None:
    assert _items(product, _edited(product, *edits)) == set()


@pytest.mark.slow
def test_verify_fails_an_insert_that_breaks_the_checklist(tmp_path: Any) -> None:
    """The command a reviewer runs on someone's insert: exit 1, the item named; the same insert unbroken passes."""
    import json

    from click.testing import CliRunner

    from labeling.cli import main

    content = str(ROOT / "content" / "warfarin.yaml")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(_pdf("warfarin", _edited("warfarin", ("css", ".hl-columns { column-gap: 14pt }"))))
    result = CliRunner().invoke(main, ["verify", str(broken), "--content", content, "--kind", "package-insert"])
    assert result.exit_code == 1, result.output
    assert "SRPI 1: the Highlights columns are" in result.output
    fine = tmp_path / "fine.pdf"
    fine.write_bytes(_pdf("warfarin", _html("warfarin")))
    result = CliRunner().invoke(main, ["verify", str(fine), "--content", content, "--format", "json"])
    payload = json.loads(result.output)
    assert result.exit_code == 0 and payload["ok"], result.output
    checklist = next(d for d in payload["documents"] if d["kind"] == "srpi")
    assert checklist["facts"]["SRPI 4"]["ok"] and len(checklist["facts"]) >= 25


# The independent review's cases. What it found wrong is mended; what no rule catches yet is marked, strictly, so
# a fix shows up as a pass to record here.
KNOWN_MISSES = {
    "B07": "a title block in the wrong order is reported under item 7 (elements present, in order), not 9",
    "B08": "Initial U.S. Approval above the title is reported under item 7, not 11",
    "B23": "the revision date before the counseling statement is reported under item 7, not 26",
    "B25": "a contraindication replaced by another in Highlights: item 22 counts; verify compares the words",
    "B26": "one contraindication without its bullet is reported under item 22 (a count), not 23",
    "B32": "a subsection in sentence case passes the species-name exception of the title-case test",
    "B34": "FPI subsection titles are not checked for title case (only the Contents' are)",
    "B38": "a cross-reference to a wrong but existing subsection: no rule can tell which subsection was meant",
}


def _review_case(case: tuple[Any, ...]) -> Any:
    name = case[0][:3]
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[name])] if name in KNOWN_MISSES else []
    return pytest.param(*case, id=case[0], marks=marks)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "product", "edits", "expected"), [_review_case(c) for c in REVIEW_BROKEN])
def test_the_reviews_broken_inserts_fail_their_item(
    name: str, product: str, edits: tuple[Any, ...], expected: set[int]
) -> None:
    assert expected <= _items(product, _edited(product, *edits))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "product", "edits"), REVIEW_VARIANTS, ids=[case[0] for case in REVIEW_VARIANTS])
def test_the_reviews_correct_variants_pass(name: str, product: str, edits: tuple[Any, ...]) -> None:
    assert _items(product, _edited(product, *edits)) == set()
