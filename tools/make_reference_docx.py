"""Regenerate templates/reference.docx: the Word styles the product sheet is written with.

    .venv/bin/python tools/make_reference_docx.py [OUT]

The product sheet renderer (``labeling/render/docx.py``) opens this document, removes its body and writes the
sheet with the styles named in ``REQUIRED_STYLES``; page size, margins, fonts, colours and spacing all come from
here. Marketing may restyle the file in Word (keep the style names); this script is the reproducible starting
point and documents the house style in one place. The body of the generated file is a specimen of every style.
Output bytes are deterministic (fixed zip timestamps, fixed document properties).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402
from docx.shared import Twips  # noqa: E402

from labeling.render.docx import REFERENCE_DOCX, REQUIRED_STYLES, normalise_zip  # noqa: E402

# --- the house style ---------------------------------------------------------------------------------------
FONT = "Arial"  # LibreOffice renders it with the metric-compatible Liberation Sans
ACCENT = "0B5D8C"  # deep cerulean: headings, rules, table header
ACCENT_DARK = "083F5F"  # title band, claim text
TINT = "E8F1F7"  # light accent: first column of key/value tables, callout box
RULE = "C5D3DE"  # hairlines between table rows
TEXT = "1F2A33"
MUTED = "5B6770"
BAND_TEXT = "D9E8F2"  # subtitle on the title band

PAGE_WIDTH, PAGE_HEIGHT = Twips(12240), Twips(15840)  # US Letter
MARGIN = Twips(1080)  # 0.75 in
TEXT_WIDTH = 12240 - 2 * 1080  # twips; the footer's right tab stop


def _fonts() -> str:
    return f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'


def _size(points: float) -> str:
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def _box(colour: str, space: int, size: int = 4, sides: tuple[str, ...] = ("top", "left", "bottom", "right")) -> str:
    borders = "".join(f'<w:{s} w:val="single" w:sz="{size}" w:space="{space}" w:color="{colour}"/>' for s in sides)
    return f"<w:pBdr>{borders}</w:pBdr>"


def _spacing(before: int = 0, after: int = 0, line: int = 264) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="auto"/>'


def _set(style_element, tag: str, inner: str) -> None:
    """Replace the style's pPr/rPr/tblPr… with ``inner`` (OOXML fragment, w: namespace)."""
    for old in style_element.findall(qn(f"w:{tag}")):
        style_element.remove(old)
    if not inner:
        return
    new = parse_xml(f"<w:{tag} {nsdecls('w')}>{inner}</w:{tag}>")
    _schema_order(new)
    # schema order inside w:style: name, aliases, basedOn, next, link, …, pPr, rPr, tblPr, trPr, tcPr, tblStylePr
    order = ["pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr"]
    later = [qn(f"w:{t}") for t in order[order.index(tag) + 1 :]]
    anchor = next((child for child in style_element if child.tag in later), None)
    if anchor is None:
        style_element.append(new)
    else:
        anchor.addprevious(new)


_NEXT: dict[str, str] = {}


# Child order the OOXML schema requires (Word rejects a document whose pPr/rPr children are out of order).
_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
    "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
    "vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
}


def _schema_order(element) -> None:
    local = element.tag.rsplit("}", 1)[-1]
    if local not in _ORDER:
        return
    order = {name: index for index, name in enumerate(_ORDER[local].split())}
    children = sorted(element, key=lambda child: order[child.tag.rsplit("}", 1)[-1]])
    for child in children:
        element.append(child)  # re-appending moves each child to the end, in sorted order


def paragraph_style(
    document, name: str, *, based_on: str | None = "Normal", next_style: str | None = None, ppr: str = "", rpr: str = ""
):
    styles = document.styles
    style = styles[name] if name in styles else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if based_on is not None:
        style.base_style = styles[based_on]
    if next_style is not None:
        _NEXT[name] = next_style  # set once every style exists
    style.quick_style = True
    style.hidden = False
    style.unhide_when_used = False
    _set(style.element, "pPr", ppr)
    _set(style.element, "rPr", rpr)
    return style


def character_style(document, name: str, rpr: str):
    styles = document.styles
    style = styles[name] if name in styles else styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.quick_style = True
    _set(style.element, "rPr", rpr)
    return style


def table_style(document, name: str) -> None:
    styles = document.styles
    style = styles[name] if name in styles else styles.add_style(name, WD_STYLE_TYPE.TABLE)
    style.base_style = styles["Normal Table"]
    style.quick_style = True
    element = style.element
    for tag in ("pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr"):
        for old in element.findall(qn(f"w:{tag}")):
            element.remove(old)
    element.append(parse_xml(f"<w:pPr {nsdecls('w')}>{_spacing(0, 0, 252)}</w:pPr>"))
    element.append(parse_xml(f"<w:rPr {nsdecls('w')}>{_size(9)}</w:rPr>"))
    element.append(
        parse_xml(
            f"""<w:tblPr {nsdecls("w")}>
          <w:tblInd w:w="0" w:type="dxa"/>
          <w:tblBorders>
            <w:top w:val="single" w:sz="12" w:space="0" w:color="{ACCENT}"/>
            <w:left w:val="nil"/>
            <w:bottom w:val="single" w:sz="12" w:space="0" w:color="{ACCENT}"/>
            <w:right w:val="nil"/>
            <w:insideH w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
            <w:insideV w:val="nil"/>
          </w:tblBorders>
          <w:tblCellMar>
            <w:top w:w="70" w:type="dxa"/><w:left w:w="110" w:type="dxa"/>
            <w:bottom w:w="70" w:type="dxa"/><w:right w:w="110" w:type="dxa"/>
          </w:tblCellMar>
        </w:tblPr>"""
        )
    )
    element.append(parse_xml(f"<w:trPr {nsdecls('w')}><w:cantSplit/></w:trPr>"))
    element.append(parse_xml(f'<w:tcPr {nsdecls("w")}><w:vAlign w:val="top"/></w:tcPr>'))
    element.append(
        parse_xml(
            f"""<w:tblStylePr {nsdecls("w")} w:type="firstRow">
          <w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>
          <w:trPr><w:tblHeader/></w:trPr>
          <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{ACCENT}"/></w:tcPr>
        </w:tblStylePr>"""
        )
    )
    element.append(
        parse_xml(
            f"""<w:tblStylePr {nsdecls("w")} w:type="firstCol">
          <w:rPr><w:b/><w:bCs/><w:color w:val="{ACCENT_DARK}"/></w:rPr>
          <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{TINT}"/></w:tcPr>
        </w:tblStylePr>"""
        )
    )


def define_styles(document) -> None:
    # Defaults every style inherits: font, size, colour, spacing.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    _set(
        rpr_default,
        "rPr",
        f'{_fonts()}<w:color w:val="{TEXT}"/>{_size(10)}<w:lang w:val="en-US" w:eastAsia="en-US" w:bidi="ar-SA"/>',
    )
    ppr_default = defaults.find(qn("w:pPrDefault"))
    _set(ppr_default, "pPr", _spacing(0, 100, 264))

    paragraph_style(document, "Normal", based_on=None, ppr="", rpr="")
    paragraph_style(document, "Body Text", ppr=_spacing(0, 100, 264), rpr="")

    band = _box(ACCENT_DARK, 7, sides=("top", "left", "bottom", "right"))
    band_ppr = f'{band}<w:shd w:val="clear" w:color="auto" w:fill="{ACCENT_DARK}"/><w:ind w:left="160" w:right="160"/>'
    paragraph_style(
        document,
        "Kicker",
        next_style="Title",
        ppr=f"<w:keepNext/>{band_ppr}{_spacing(0, 40, 240)}",
        rpr=f'<w:b/><w:bCs/><w:caps/><w:color w:val="{BAND_TEXT}"/><w:spacing w:val="20"/>{_size(8)}',
    )
    paragraph_style(
        document,
        "Title",
        next_style="Subtitle",
        ppr=f"<w:keepNext/>{band_ppr}{_spacing(0, 20, 240)}",
        rpr=f'<w:b/><w:bCs/><w:color w:val="FFFFFF"/><w:kern w:val="28"/>{_size(26)}',
    )
    paragraph_style(
        document,
        "Subtitle",
        next_style="Body Text",
        ppr=f"{band_ppr}{_spacing(0, 0, 252)}",
        rpr=f'<w:color w:val="{BAND_TEXT}"/>{_size(11)}',
    )
    paragraph_style(
        document,
        "Heading 1",
        next_style="Body Text",
        ppr=(
            f"<w:keepNext/><w:keepLines/>{_box(ACCENT, 2, 8, ('bottom',))}{_spacing(300, 120, 240)}"
            '<w:outlineLvl w:val="0"/>'
        ),
        rpr=f'<w:b/><w:bCs/><w:caps/><w:color w:val="{ACCENT}"/><w:spacing w:val="6"/>{_size(11.5)}',
    )
    paragraph_style(
        document,
        "Heading 2",
        next_style="Body Text",
        ppr=f'<w:keepNext/><w:keepLines/>{_spacing(160, 60, 240)}<w:outlineLvl w:val="1"/>',
        rpr=f'<w:b/><w:bCs/><w:color w:val="{ACCENT_DARK}"/>{_size(10.5)}',
    )
    paragraph_style(
        document,
        "List Bullet",
        ppr=(
            '<w:numPr><w:numId w:val="1"/></w:numPr><w:contextualSpacing/>'
            f'{_spacing(0, 120, 276)}<w:ind w:left="300" w:hanging="220"/>'
        ),
        rpr="",
    )
    paragraph_style(document, "Table Text", ppr=_spacing(0, 0, 252), rpr=_size(9))
    paragraph_style(
        document,
        "Table Heading",
        based_on="Table Text",
        ppr="<w:keepNext/>",
        rpr='<w:b/><w:bCs/><w:color w:val="FFFFFF"/>',
    )
    paragraph_style(
        document, "Table Label", based_on="Table Text", ppr="", rpr=f'<w:b/><w:bCs/><w:color w:val="{ACCENT_DARK}"/>'
    )
    claim_border = _box(ACCENT, 9, 24, ("left",))
    paragraph_style(
        document,
        "Claim",
        next_style="Claim Support",
        ppr=f'<w:keepNext/><w:keepLines/>{claim_border}<w:ind w:left="220"/>{_spacing(140, 30, 240)}',
        rpr=f'<w:b/><w:bCs/><w:color w:val="{ACCENT_DARK}"/>{_size(11)}',
    )
    paragraph_style(
        document,
        "Claim Support",
        ppr=f'{claim_border}<w:ind w:left="220"/>{_spacing(0, 60, 252)}',
        rpr=f'<w:color w:val="{MUTED}"/>{_size(9)}',
    )
    paragraph_style(
        document,
        "Callout",
        ppr=(
            f'<w:keepLines/>{_box(TINT, 6)}<w:shd w:val="clear" w:color="auto" w:fill="{TINT}"/>'
            f'<w:ind w:left="140" w:right="140"/>{_spacing(240, 0, 252)}'
        ),
        rpr=_size(9),
    )
    paragraph_style(document, "Note", ppr=_spacing(80, 40, 252), rpr=_size(9))
    paragraph_style(
        document,
        "Footer",
        ppr=(
            f'{_box(RULE, 4, 4, ("top",))}<w:tabs><w:tab w:val="clear" w:pos="4320"/>'
            f'<w:tab w:val="clear" w:pos="8640"/><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>'
            f"{_spacing(0, 0, 240)}"
        ),
        rpr=f'<w:color w:val="{MUTED}"/>{_size(7.5)}',
    )
    character_style(document, "Strong", "<w:b/><w:bCs/>")
    character_style(document, "Emphasis", "<w:i/><w:iCs/>")
    table_style(document, "Sheet Table")
    for name, next_name in _NEXT.items():
        document.styles[name].next_paragraph_style = document.styles[next_name]


def define_bullets(document) -> None:
    """The bullet of "List Bullet" (numId 1 in python-docx's template): a round accent-coloured dot."""
    numbering = document.part.numbering_part.element
    num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == "1")
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    for lvl in abstract.findall(qn("w:lvl")):
        abstract.remove(lvl)
    abstract.append(
        parse_xml(
            f"""<w:lvl {nsdecls("w")} w:ilvl="0">
          <w:start w:val="1"/><w:numFmt w:val="bullet"/><w:pStyle w:val="ListBullet"/>
          <w:lvlText w:val="\u2022"/><w:lvlJc w:val="left"/>
          <w:pPr><w:ind w:left="300" w:hanging="220"/></w:pPr>
          <w:rPr>{_fonts()}<w:color w:val="{ACCENT}"/></w:rPr>
        </w:lvl>"""
        )
    )


def page_setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin"):
        setattr(section, side, MARGIN)
    section.bottom_margin = Twips(1000)
    section.header_distance = Twips(540)
    section.footer_distance = Twips(500)


def specimen(document) -> None:
    """A sample of every style, so whoever restyles the file in Word sees what each one is for."""
    add = document.add_paragraph
    add("Product sheet · specimen", style="Kicker")
    add("Product name", style="Title")
    add("Active ingredient, dosage form and strength", style="Subtitle")
    add("Section heading (Heading 1)", style="Heading 1")
    add("Body text: sentences such as the treatment cycle or the combination statement.", style="Body Text")
    add("Sub-heading (Heading 2)", style="Heading 2")
    for item in ("List Bullet: approved indications, contraindications", "Second item"):
        add(item, style="List Bullet")
    table = document.add_table(rows=3, cols=3)
    table.style = document.styles["Sheet Table"]
    for row_index, row in enumerate(table.rows):
        for col_index, cell in enumerate(row.cells):
            paragraph = cell.paragraphs[0]
            if row_index == 0:
                paragraph.text, paragraph.style = f"Table Heading {col_index + 1}", document.styles["Table Heading"]
            elif col_index == 0:
                paragraph.text, paragraph.style = "Table Label", document.styles["Table Label"]
            else:
                paragraph.text, paragraph.style = "Table Text", document.styles["Table Text"]
    add("Note: small print under a table.", style="Note")
    add("Claim: an approved promotional claim", style="Claim")
    add("Claim Support: the label facts that support the claim.", style="Claim Support")
    add("Callout: the fair-balance note pointing to the full Prescribing Information.", style="Callout")
    paragraph = add("Body text with ", style="Body Text")
    paragraph.add_run("Strong", style="Strong")
    paragraph.add_run(" and ")
    paragraph.add_run("Emphasis", style="Emphasis")
    paragraph.add_run(" character styles.")
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    footer.paragraphs[0].text = "Footer: product name · version · revision date\tPage"
    footer.paragraphs[0].style = document.styles["Footer"]


def build() -> bytes:
    document = docx.Document()
    page_setup(document)
    define_styles(document)
    define_bullets(document)
    specimen(document)
    missing = [name for name in REQUIRED_STYLES if name not in document.styles]
    assert not missing, missing

    properties = document.core_properties
    properties.title = "Product sheet reference styles"
    properties.subject = "Word styles for the labeling product sheet"
    properties.author = properties.last_modified_by = "labeling"
    properties.comments = "Generated by tools/make_reference_docx.py; restyle in Word, keep the style names."
    properties.keywords = ", ".join(REQUIRED_STYLES)
    properties.category = properties.version = properties.language = ""
    properties.revision = 1
    properties.created = properties.modified = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    # The template's thumbnail shows a page that is not this one.
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)
    settings = document.settings.element
    for element in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(element)

    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), replace={"docProps/app.xml": APP_XML})


APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Template>Normal.dotm</Template><Application>labeling</Application><DocSecurity>0</DocSecurity>"
    b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else REFERENCE_DOCX
    data = build()
    out.write_bytes(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
    print(f"wrote {out} ({len(data):,} bytes, {len(REQUIRED_STYLES)} styles)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
