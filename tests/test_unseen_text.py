"""Only what a reader sees is verified; what a reader does not see is reported (issue 14, "only what is visible").

Each case edits the built product sheet's package XML the way Word (or someone hiding a change from a reviewer)
would: hidden runs, hidden styles, alternate content whose branches differ, invisible characters. The correct
variants — a degree sign entered as a Word symbol, text explicitly un-hidden — verify clean.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import write_package

from labeling.cli import main
from labeling.extract.artifact import read_artifact
from labeling.extract.docx import extract_docx_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
OFF_LABEL = "Also for children: 100 mL/day."


@pytest.fixture(scope="module")
def sheet(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "cerebrolysin" / "product-sheet.docx"


def edited(source: Path, target: Path, **parts: object) -> Path:
    """The package with parts replaced: each value is a function of the part's old text."""
    with zipfile.ZipFile(source) as archive:
        contents = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    for name, change in parts.items():
        part = name.replace("__", "/").replace("_xml", ".xml")
        new = change(contents[part].decode("utf-8"))  # type: ignore[operator]
        assert new != contents[part].decode("utf-8"), f"edit of {part} did not apply"
        contents[part] = new.encode("utf-8")
    return write_package(contents, target)


def after_first_paragraph_containing(words: str, paragraph: str):
    """Insert a paragraph after the first one holding ``words``."""

    def change(xml: str) -> str:
        at = xml.index(words)
        end = xml.index("</w:p>", at) + len("</w:p>")
        return xml[:end] + paragraph + xml[end:]

    return change


def run_in(words: str, run: str):
    """Insert a run right after the run holding ``words``."""

    def change(xml: str) -> str:
        at = xml.index(words)
        end = xml.index("</w:r>", at) + len("</w:r>")
        return xml[:end] + run + xml[end:]

    return change


def text_run(text: str, properties: str = "") -> str:
    return f'<w:r><w:rPr>{properties}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def verify(path: Path):
    return CliRunner().invoke(main, ["verify", str(path), "--content", str(SAMPLE)])


def unseen_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": visibility: " in line]


STYLES = {
    "a hidden paragraph style": (
        '<w:style w:type="paragraph" w:styleId="ReviewNote"><w:name w:val="Review Note"/>'
        "<w:rPr><w:vanish/></w:rPr></w:style>",
        f'<w:p><w:pPr><w:pStyle w:val="ReviewNote"/></w:pPr>{text_run(OFF_LABEL)}</w:p>',
    ),
    "a character style based on a hidden one": (
        '<w:style w:type="character" w:styleId="HiddenBase"><w:name w:val="Hidden Base"/>'
        '<w:rPr><w:vanish/></w:rPr></w:style><w:style w:type="character" w:styleId="Aside">'
        '<w:name w:val="Aside"/><w:basedOn w:val="HiddenBase"/></w:style>',
        "<w:p>" + text_run(OFF_LABEL, '<w:rStyle w:val="Aside"/>') + "</w:p>",
    ),
}


@pytest.mark.parametrize(
    ("properties", "why"),
    [("<w:vanish/>", "hidden text"), ("<w:specVanish/>", "hidden text"), ("<w:webHidden/>", "hidden in web view")],
)
def test_hidden_runs_are_not_read_and_are_reported(sheet, tmp_path, properties, why):
    path = edited(
        sheet, tmp_path / "hidden.docx", word__document_xml=run_in("Active malignancy", text_run(OFF_LABEL, properties))
    )
    assert OFF_LABEL not in extract_docx_text(path)
    result = verify(path)
    assert result.exit_code == 1, result.output
    (line,) = unseen_lines(result.output)
    assert why in line and OFF_LABEL in line


@pytest.mark.parametrize("case", list(STYLES))
def test_text_hidden_by_a_style_is_reported(sheet, tmp_path, case):
    style, paragraph = STYLES[case]
    path = edited(
        sheet,
        tmp_path / "styled.docx",
        word__styles_xml=lambda xml: xml.replace("</w:styles>", style + "</w:styles>"),
        word__document_xml=after_first_paragraph_containing("Active malignancy", paragraph),
    )
    assert OFF_LABEL not in extract_docx_text(path)
    (line,) = unseen_lines(verify(path).output)
    assert OFF_LABEL in line


def test_text_explicitly_shown_is_read_like_any_text(sheet, tmp_path):
    """``<w:vanish w:val="0"/>`` shows the run: no unseen text, and the sentence is read (a stray dose)."""
    path = edited(
        sheet,
        tmp_path / "shown.docx",
        word__document_xml=run_in("Active malignancy", text_run(OFF_LABEL, '<w:vanish w:val="0"/>')),
    )
    assert OFF_LABEL in extract_docx_text(path)
    assert unseen_lines(verify(path).output) == []


def alternate(choice: str, fallback: str) -> str:
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    return (
        f'<mc:AlternateContent {mc}><mc:Choice Requires="wps">{text_run(choice)}</mc:Choice>'
        f"<mc:Fallback>{text_run(fallback)}</mc:Fallback></mc:AlternateContent>"
    )


def test_alternate_content_whose_branches_differ_is_reported(sheet, tmp_path):
    path = edited(
        sheet,
        tmp_path / "alternate.docx",
        word__document_xml=run_in("Active malignancy", alternate(" (adults)", " (adults and children)")),
    )
    (line,) = unseen_lines(verify(path).output)
    assert "alternate content differs" in line and "(adults and children)" in line


def test_alternate_content_with_the_same_text_in_both_branches_is_fine(sheet, tmp_path):
    path = edited(sheet, tmp_path / "same.docx", word__document_xml=run_in("Active malignancy", alternate("", "")))
    assert unseen_lines(verify(path).output) == []


def test_a_degree_sign_entered_as_a_word_symbol_reads_as_a_degree_sign(sheet, tmp_path):
    """Insert > Symbol in Word: ``<w:sym w:font="Symbol" w:char="F0B0"/>`` is the degree sign, so the storage
    temperature verifies as printed (a correct variant)."""
    symbol = '</w:t><w:sym w:font="Symbol" w:char="F0B0"/><w:t xml:space="preserve">C'
    path = edited(sheet, tmp_path / "symbol.docx", word__document_xml=lambda xml: xml.replace("°C", symbol))
    assert "<w:sym" in zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "°C" in extract_docx_text(path)
    result = verify(path)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("character", "name"), [("\u200b", "U+200B"), ("\ufeff", "U+FEFF"), ("\u202e", "U+202E"), ("\u2067", "U+2067")]
)
def test_an_invisible_or_direction_character_in_the_text_is_reported(sheet, tmp_path, character, name):
    path = edited(
        sheet,
        tmp_path / "invisible.docx",
        word__document_xml=lambda xml: re.sub("(Active) (malignancy)", rf"\1 {character}\2", xml, count=1),
    )
    (line,) = unseen_lines(verify(path).output)
    assert f"invisible character {name}" in line


def test_the_built_documents_have_nothing_unseen(sheet):
    for document in sheet.parent.glob("*.*"):
        if document.suffix in (".pdf", ".docx"):
            assert read_artifact(document).unseen == (), document.name


def test_a_word_joiner_is_not_reported(sheet):
    """The writers set U+2060 to keep ranges and units whole: it is the tool's own, not a hidden change."""
    assert "\u2060" in zipfile.ZipFile(sheet).read("word/document.xml").decode()
    assert read_artifact(sheet).unseen == ()
