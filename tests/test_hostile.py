"""Hostile and broken input: every case gives its expected exit code and message, and touches no output.

The corpus is built here rather than stored (a 10 MB string and an alias bomb are better made than kept): each
case is the sample label with one hostile change, or hostile bytes. A previous good build sits in the output
folder; after every failing build it must be byte-for-byte what it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from labeling.cli import main

pytestmark = pytest.mark.slow  # builds every hostile input in a subprocess

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"
SOURCE = SAMPLE.read_text(encoding="utf-8")
LABELING = str(Path(sys.executable).with_name("labeling"))


def replace(old: str, new: str) -> Callable[[], bytes]:
    def make() -> bytes:
        assert old in SOURCE, old
        return SOURCE.replace(old, new, 1).encode("utf-8")

    return make


def raw(data: bytes | str) -> Callable[[], bytes]:
    return lambda: data if isinstance(data, bytes) else data.encode("utf-8")


BOMB = "\n".join(f"{a}: &{a} [{', '.join([f'*{p}'] * 9)}]" for p, a in zip("abcdefgh", "bcdefghi", strict=False))
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + BOMB + "\n"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    exit_code: int
    words: str  # in the output; for exit 0, text that must appear literally in the documents


CASES = [
    # --- YAML attacks and malformed files: exit 2 ---------------------------------------------------------------
    Case("alias bomb (billion laughs)", raw(BOMB), 2, "alias expansion"),
    Case(
        "alias bomb inside a label",
        replace("\ngaps:\n", "\nbomb:\n  " + BOMB.replace("\n", "\n  ") + "\ngaps:\n"),
        2,
        "alias expansion",
    ),
    # --- text a reader cannot see, numbers YAML 1.1 reads otherwise: exit 2, naming the character or the reading ----
    Case(
        "word joiner between a number and its unit",
        replace("    text: Active malignancy", "    text: Active malignancy above 200\u2060 mL/day"),
        2,
        "U+2060 (WORD JOINER)",
    ),
    Case(
        "zero-width space inside a contraindication",
        replace("    text: Severe renal impairment", "    text: Severe renal\u200b impairment"),
        2,
        "U+200B (ZERO WIDTH SPACE)",
    ),
    Case(
        "right-to-left override in a contraindication",
        replace("    text: Severe renal impairment", "    text: Severe \u202erenal impairment"),
        2,
        "U+202E (RIGHT-TO-LEFT OVERRIDE)",
    ),
    Case(
        "YAML escape for NUL", replace("    text: Active malignancy", '    text: "Active\\0 malignancy"'), 2, "U+0000"
    ),
    Case(
        "YAML escape for BEL", replace("    text: Active malignancy", '    text: "Active\\a malignancy"'), 2, "U+0007"
    ),
    Case(
        "YAML escape for ESC", replace("    text: Active malignancy", '    text: "Active\\e malignancy"'), 2, "U+001B"
    ),
    Case(
        "YAML escape for a noncharacter",
        replace("    text: Active malignancy", '    text: "Active\\uFFFF malignancy"'),
        2,
        "U+FFFF",
    ),
    Case(
        "YAML escape for a line separator",
        replace("    text: Active malignancy", '    text: "Active\\u2028malignancy"'),
        2,
        "U+2028",
    ),
    Case(
        "soft hyphen in a name",
        replace("    text: Active malignancy", "    text: Active malig\u00adnancy"),
        2,
        "U+00AD",
    ),
    Case("base-60 number (YAML 1.1)", replace('  version: "1.0"', "  version: 1:30"), 2, "base-60"),
    Case("octal number (YAML 1.1)", replace('  version: "1.0"', "  version: 010"), 2, "octal"),
    Case(
        "one long text aliased many times",
        replace("\ngaps:\n", "\nbig: &big " + "A" * 1_500_000 + "\nrefs: [" + ", ".join(["*big"] * 10) + "]\ngaps:\n"),
        2,
        "characters of text (alias expansion?)",
    ),
    Case(
        "a 200-character word that widens a table off the page",
        replace("    name: stroke recovery\n", "    name: stroke recovery " + "X" * 200 + "\n"),
        2,
        "runs off the page",
    ),
    Case(
        "a 5,000-digit dose",
        replace("dose: 20-50 mL/day", "dose: " + "9" * 5000 + " mL/day"),
        2,
        "a number of more than 9 digits",
    ),
    # --- characters no font prints, values no label means: exit 2 ------------------------------------------------
    Case(
        "an emoji in the product name",
        replace("  name: Cerebrolysin\n", "  name: Cerebrolysin \U0001f48a\n"),
        2,
        "no font of the templates has '\U0001f48a' (U+1F48A, line 10)",
    ),
    Case(
        "Chinese words pasted into a contraindication",
        replace("    text: Active malignancy", "    text: Active malignancy \u6076\u6027\u80bf\u7624"),
        2,
        "it would print as an empty box",
    ),
    Case(
        "a storage temperature below absolute zero",
        replace("temperature: 15-25 °C", "temperature: -300 °C"),
        2,
        "below absolute zero",
    ),
    Case("a 200-digit version", replace('  version: "1.0"', '  version: "' + "9" * 200 + '"'), 2, "expected form"),
    Case("a Cyrillic letter in a unit", replace("dose: 20-50 mL/day", "dose: 20-50 mL/d\u0430y"), 2, "digits 0-9"),
    Case("a Greek mu for micro", replace("dose: 20-50 mL/day", "dose: 20-50 \u03bcg/day"), 2, "did you mean 'mcg'"),
    Case("a no-break space in a dose", replace("dose: 20-50 mL/day", "dose: 20-50\u00a0mL/day"), 2, "digits 0-9"),
    Case("a vulgar fraction in a dose", replace("dose: 20-50 mL/day", "dose: \u00bd mL/day"), 2, "digits 0-9"),
    Case("a negative dose", replace("dose: 20-50 mL/day", "dose: -20 mL/day"), 2, "cannot be negative"),
    Case("a range written backwards", replace("dose: 20-50 mL/day", "dose: 50-20 mL/day"), 2, "is greater than"),
    Case(
        "SQL after a dose",
        replace("dose: 20-50 mL/day", "dose: 20-50 mL/day; DROP TABLE labels"),
        2,
        "cannot read '/day; DROP TABLE labels'",
    ),
    Case("a name YAML 1.1 reads as false", replace("  name: Cerebrolysin\n", "  name: NO\n"), 2, "got bool False"),
    Case(
        "a date that does not exist", replace("revision_date: 2026-11-01", "revision_date: 2026-02-30"), 2, "day is out"
    ),
    Case("a blank name", replace("  name: Cerebrolysin\n", "  name: '   '\n"), 2, "must not be empty"),
    Case("a typed field misspelt", replace("  name: Cerebrolysin\n", "  name: Cerebrolysin\n  nmae: x\n"), 2, "'nmae'"),
    Case(
        "a combining accent (visible, printed)",
        replace("    text: Active malignancy", "    text: Active malignancy (Cre\u0301pe)"),
        0,
        "Cre\u0301pe",
    ),
    # --- more text and numbers nobody can see or mean: exit 2 -----------------------------------------------------
    Case("full-width digits in a dose", replace("dose: 20-50 mL/day", "dose: ２０-50 mL/day"), 2, "digits 0-9"),
    Case("Arabic-Indic digits in a dose", replace("dose: 20-50 mL/day", "dose: ٢٠-50 mL/day"), 2, "digits 0-9"),
    Case("Devanagari digits in a dose", replace("dose: 20-50 mL/day", "dose: २०-50 mL/day"), 2, "digits 0-9"),
    Case("a zero pack", replace("pack: 6 vials", "pack: 0 vials"), 2, "greater than zero"),
    Case("a zero strength", replace("strength: 60 mg/vial", "strength: 0 mg/vial"), 2, "greater than zero"),
    Case("a zero duration", replace("duration: 7-21 days", "duration: 0-21 days"), 2, "greater than zero"),
    Case("a fraction of 200 %", replace("fraction: 25%", "fraction: 200%"), 2, "at most 100%"),
    Case("a dose with 60 decimals", replace("dose: 20-50 mL/day", "dose: 20." + "1" * 60 + " mL/day"), 2, "6 decimals"),
    Case("hexadecimal number (YAML 1.1)", replace('  version: "1.0"', "  version: 0x1F"), 2, "hexadecimal"),
    Case("underscored number (YAML 1.1)", replace('  version: "1.0"', "  version: 1_000"), 2, "underscored"),
    Case(
        "byte-order mark inside a text",
        replace("    text: Active malignancy", "    text: Active\ufeff malignancy"),
        2,
        "U+FEFF",
    ),
    Case("zero-width joiner", replace("    text: Active malignancy", "    text: Active\u200d malignancy"), 2, "U+200D"),
    Case(
        "bidi isolate", replace("    text: Active malignancy", "    text: Active \u2066malignancy\u2069"), 2, "U+2066"
    ),
    Case(
        "private-use character",
        replace("    text: Active malignancy", "    text: Active \ue000 malignancy"),
        2,
        "U+E000",
    ),
    Case(
        "next-line control (NEL)",
        replace("    text: Active malignancy", '    text: "Active\\N malignancy"'),
        2,
        "U+0085",
    ),
    Case("a product id Windows reserves", replace("  id: cerebrolysin\n", "  id: com1\n"), 2, "reserves for a device"),
    Case("deeply nested lists", raw("product: " + "[" * 3000 + "]" * 3000 + "\n"), 2, "nesting is too deep"),
    Case(
        "deeply nested mappings",
        raw("".join(f"{'  ' * i}k{i}:\n" for i in range(60)) + "  " * 60 + "v: 1\n"),
        2,
        "nesting is too deep",
    ),
    Case("deeply nested flow mappings", raw("a: " + "{b: " * 2000 + "1" + "}" * 2000 + "\n"), 2, "nesting is too deep"),
    Case(
        "10 MB string",
        replace("  name: Cerebrolysin\n", "  name: " + "A" * 10_000_000 + "\n"),
        2,
        "a label file may be at most 2,097,152 bytes",
    ),
    Case("10 MB of spaces", raw(SOURCE + " " * 10_000_000), 2, "at most 2,097,152 bytes"),
    Case(
        "python object tag", raw('product: !!python/object/apply:os.system ["echo pwned"]\n'), 2, "unsupported YAML tag"
    ),
    Case(
        "python name tag on a scalar",
        replace("  name: Cerebrolysin\n", "  name: !!python/name:os.system\n"),
        2,
        "cannot read value",
    ),
    Case(
        "custom include tag",
        replace("  name: Cerebrolysin\n", "  name: !include /etc/passwd\n"),
        2,
        "cannot read value",
    ),
    Case("set tag", replace("\ngaps:\n", "\nextra: !!set {a, b}\ngaps:\n"), 2, "unsupported YAML tag"),
    Case(
        "binary tag",
        replace("  name: Cerebrolysin\n", "  name: !!binary aGVsbG8=\n"),
        2,
        "binary data (!!binary) is not label content",
    ),
    Case(
        "duplicate top-level key",
        replace("\nwarnings:\n", "\ncontraindications: []\nwarnings:\n"),
        2,
        "duplicate key 'contraindications'",
    ),
    Case(
        "duplicate nested key",
        replace("      dose: 20-50 mL/day\n", "      dose: 20-50 mL/day\n      dose: 2-5 mL/day\n"),
        2,
        "duplicate key 'dose'",
    ),
    Case(
        "merge key",
        replace("\ngaps:\n", "\nbase: &base {a: 1}\nother:\n  <<: *base\ngaps:\n"),
        2,
        "merge keys ('<<') are not supported",
    ),
    Case("non-scalar key", replace("\ngaps:\n", "\n? [a, b]\n: x\ngaps:\n"), 2, "a key must be a plain name"),
    Case("top-level list", raw("- product\n- label\n"), 2, "the file is a list, not a mapping"),
    Case("top-level scalar", raw("just some words\n"), 2, "not a mapping"),
    Case("latin-1 bytes", lambda: SOURCE.replace("°C", "°C").encode("latin-1", "replace"), 2, "is not UTF-8"),
    Case("UTF-16", lambda: SOURCE.encode("utf-16"), 2, "the file is UTF-16"),
    Case("UTF-32", lambda: SOURCE.encode("utf-32"), 2, "UTF"),
    Case("random binary", lambda: bytes((i * 131 + 7) % 256 for i in range(4096)), 2, "is not UTF-8"),
    Case("NUL byte", replace("  name: Cerebrolysin\n", "  name: Cere\x00brolysin\n"), 2, "not valid YAML"),
    Case("control character", replace("  name: Cerebrolysin\n", "  name: Cere\x07brolysin\n"), 2, "not valid YAML"),
    Case("empty file", raw(b""), 2, "the file is empty"),
    Case("only a byte-order mark", raw(b"\xef\xbb\xbf"), 2, "the file is empty"),
    Case("tab indentation", replace("      dose: 20-50 mL/day\n", "\tdose: 20-50 mL/day\n"), 2, "tab character"),
    Case("unterminated quote", replace("  name: Cerebrolysin\n", '  name: "Cerebrolysin\n'), 2, "not valid YAML"),
    Case(
        "unclosed flow list",
        replace("      protect_from: [light, moisture]\n", "      protect_from: [light, moisture\n"),
        2,
        "not valid YAML",
    ),
    Case(
        "path traversal in the product id", replace("  id: cerebrolysin\n", "  id: ../../etc\n"), 2, "is not a valid id"
    ),
    Case("absolute path as product id", replace("  id: cerebrolysin\n", "  id: /tmp/x\n"), 2, "is not a valid id"),
    Case("over-long id", replace("  id: cerebrolysin\n", "  id: " + "a" * 65 + "\n"), 2, "product.id"),
    Case(
        "infinite number",
        replace("  recent_major_changes: []\n", "  recent_major_changes: []\n  initial_us_approval: 1e400\n"),
        2,
        "label.initial_us_approval",
    ),
    Case("absurd quantity", replace("dose: 20-50 mL/day", "dose: 1e999 mL/day"), 2, "is not a quantity"),
    Case(
        "thousands of contraindications",
        replace(
            "\nwarnings:\n",
            "\n"
            + "".join(
                f"  - id: c{i}\n    text: Condition {i}\n    patient_text: you have condition {i}\n"
                for i in range(2000)
            )
            + "\nwarnings:\n",
        ),
        2,
        "Highlights is more than a page tall",
    ),
    # --- hostile text that must be rendered literally: exit 0 ---------------------------------------------------
    Case(
        "script markup",
        replace("      Increases GLUT1", "      <script>alert(1)</script> Increases GLUT1"),
        0,
        "<script>alert(1)</script>",
    ),
    Case(
        "image pointing at /etc/passwd",
        replace(
            "  text: >-\n    Cerebrolysin is a peptide-based",
            '  text: >-\n    <img src="file:///etc/passwd"> Cerebrolysin is a peptide-based',
        ),
        0,
        '<img src="file:///etc/passwd">',
    ),
    Case(
        "attachment link",
        replace("  what_it_is: >-\n", '  what_it_is: >-\n    <link rel="attachment" href="file:///etc/passwd">\n'),
        0,
        '<link rel="attachment" href="file:///etc/passwd">',
    ),
    Case(
        "style break-out",
        replace("      Increases GLUT1", "      </style><style>body{display:none}</style> Increases GLUT1"),
        0,
        "</style><style>body{display:none}</style>",
    ),
    Case(
        "Jinja expression",
        replace("    text: Active malignancy\n", "    text: Active malignancy {{ 7*7 }}\n"),
        0,
        "Active malignancy {{ 7*7 }}",
    ),
    Case(
        "Jinja include",
        replace("    text: Active malignancy\n", "    text: \"Active malignancy {% include '/etc/passwd' %}\"\n"),
        0,
        "{% include '/etc/passwd' %}",
    ),
    Case(
        "file URL in text",
        replace("      Increases GLUT1", "      See file:///etc/passwd. Increases GLUT1"),
        0,
        "file:///etc/passwd",
    ),
    Case(
        "web URL in text",
        replace("      Increases GLUT1", "      See http://example.com/t.png. Increases GLUT1"),
        0,
        "http://example.com/t.png",
    ),
    Case(
        "CSS injection in the product name",
        replace(
            "  name: Cerebrolysin\n",
            "  name: 'Cere\"; } @page { @top-left { content: url(file:///etc/passwd) } } x { a: \"'\n",
        ),
        0,
        "@top-left { content: url(file:///etc/passwd)",
    ),
    Case(
        "XML injection for the DOCX",
        replace("    text: Active malignancy\n", '    text: "Active malignancy]]></w:t><w:t>evil"\n'),
        0,
        "Active malignancy]]></w:t><w:t>evil",
    ),
]


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A complete earlier build: every failing case must leave it exactly as it is."""
    out = tmp_path_factory.mktemp("previous")
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def test_corpus_size():
    assert len(CASES) >= 90


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case, previous, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = snapshot(out)
    content = tmp_path / "label.yaml"
    content.write_bytes(case.make())
    result = CliRunner().invoke(main, ["build", str(content), "--out", str(out), "--force"])
    assert result.exit_code == case.exit_code, result.output[-2000:]
    assert "Traceback" not in result.output
    if case.exit_code:
        assert case.words in result.output, result.output[-2000:]
        assert str(content) in result.output or "Highlights" in result.output  # the file is named
        assert snapshot(out) == before  # nothing touched, nothing added
        return
    from labeling.extract.artifact import read_artifact
    from labeling.extract.sections import normalize

    folder = out / "cerebrolysin"
    texts = {
        name: normalize(read_artifact(folder / name).text)
        for name in ("package-insert.pdf", "product-sheet.docx", "patient-information.pdf")
    }
    assert any(normalize(case.words) in text for text in texts.values()), case.words
    for name in ("package-insert.pdf", "patient-information.pdf"):
        data = (folder / name).read_bytes()
        assert b"/EmbeddedFile" not in data and b"root:x:0:0" not in data  # nothing fetched, nothing attached
    assert b"root:x:0:0" not in (folder / "product-sheet.docx").read_bytes()


# --- sandboxed rendering: templates may use nothing outside templates/ ------------------------------------------

TEMPLATE_ATTACKS = [
    (
        "SVG image outside templates",
        "package-insert.html.j2",
        "<body>",
        '<body><svg width="10" height="10"><image href="file:///etc/passwd" width="10" height="10"/></svg>',
        "file:///etc/passwd",
    ),
    (
        "image outside templates",
        "package-insert.html.j2",
        "<body>",
        '<body><img src="file:///etc/passwd">',
        "file:///etc/passwd",
    ),
    (
        "attachment",
        "package-insert.html.j2",
        "</head>",
        '<link rel="attachment" href="file:///etc/hostname"></head>',
        "file:///etc/hostname",
    ),
    (
        "web stylesheet",
        "fonts.css",
        "@font-face",
        '@import url("http://example.com/x.css");\n@font-face',
        "http://example.com/x.css",
    ),
    (
        "web image in CSS",
        "patient-information.css",
        "html {",
        'html { background: url("https://example.com/t.png"); ',
        "https://example.com/t.png",
    ),
    (
        "relative path escaping templates",
        "patient-information.html.j2",
        "<body>",
        '<body><img src="../pyproject.toml">',
        "pyproject.toml",
    ),
    (
        "undefined variable",
        "patient-information.html.j2",
        "{{ doc.language }}",
        "{{ doc.langauge }}",
        "patient-information.html.j2:",
    ),
    (
        "template syntax error",
        "package-insert.html.j2",
        "{% for part in doc.parts %}",
        "{% for part in %}",
        "package-insert.html.j2:",
    ),
    (
        "python internals from a template",
        "package-insert.html.j2",
        "<body>",
        "<body>{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "package-insert.html.j2:",
    ),
    (
        "python internals through a macro",
        "_tree.html.j2",
        "{%- for run in unit.runs -%}",
        "{%- for run in unit.runs -%}{{ run.__class__.__mro__ }}",
        "_tree.html.j2:",
    ),
]


@pytest.mark.parametrize(
    ("name", "template", "old", "new", "words"), TEMPLATE_ATTACKS, ids=[a[0] for a in TEMPLATE_ATTACKS]
)
def test_sandboxed_templates(name, template, old, new, words, previous, tmp_path, monkeypatch):
    from labeling.templates import TEMPLATES_DIR

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    path = templates / template
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("LABELING_TEMPLATES", str(templates))
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = snapshot(out)
    proc = subprocess.run(
        [sys.executable, "-m", "labeling.cli", "build", str(SAMPLE), "--out", str(out), "--force"],
        capture_output=True,
        text=True,
        env={**os.environ, "LABELING_TEMPLATES": str(templates)},
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert words in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(out) == before


def test_a_word_too_long_for_its_column_wraps_or_stops_the_build(previous, tmp_path):
    """The shipped templates break a 45-letter word inside its Highlights column; templates that forbid the
    break would print it over the next column, inside the page, and the build must stop rather than ship it."""
    from labeling.templates import TEMPLATES_DIR

    content = tmp_path / "label.yaml"
    content.write_bytes(replace("    name: stroke recovery\n", "    name: stroke recovery " + "Y" * 45 + "\n")())
    wrapped = subprocess.run(
        [sys.executable, "-m", "labeling.cli", "build", str(content), "--out", str(tmp_path / "wrapped")],
        capture_output=True,
        text=True,
    )
    assert wrapped.returncode == 0, wrapped.stderr
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    css = templates / "package-insert.css"
    text = css.read_text(encoding="utf-8")
    assert "html { overflow-wrap: break-word;" in text
    css.write_text(text.replace("html { overflow-wrap: break-word;", "html { overflow-wrap: normal;"), encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = snapshot(out)
    proc = subprocess.run(
        [sys.executable, "-m", "labeling.cli", "build", str(content), "--out", str(out), "--force"],
        capture_output=True,
        text=True,
        env={**os.environ, "LABELING_TEMPLATES": str(templates)},
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "on page 1" in proc.stderr and "runs out of its column or cell" in proc.stderr
    assert "Traceback" not in proc.stderr and snapshot(out) == before


# --- errors for people ------------------------------------------------------------------------------------------------


def test_internal_errors_ask_for_a_report_and_debug_shows_the_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("labeling.build.build_label", broken)
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--out", "/tmp/unused"])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: simulated bug" in result.output and "--debug" in result.output
    debug = CliRunner().invoke(main, ["--debug", "build", str(SAMPLE), "--out", "/tmp/unused"])
    assert isinstance(debug.exception, RuntimeError)


def test_a_second_build_waits_for_the_lock(previous, tmp_path):
    import fcntl
    import time

    out = tmp_path / "out"
    shutil.copytree(previous, out)
    lock = open(out / "cerebrolysin" / ".lock", "w")  # noqa: SIM115 — held open across the second build
    fcntl.flock(lock, fcntl.LOCK_EX)
    proc = subprocess.Popen(
        [sys.executable, "-m", "labeling.cli", "build", str(SAMPLE), "--out", str(out), "--force"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    waited = ""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "waiting for another build" not in waited:
        line = proc.stderr.readline()
        if not line:
            break
        waited += line
    assert "waiting for another build" in waited
    assert proc.poll() is None  # still waiting while we hold the lock
    fcntl.flock(lock, fcntl.LOCK_UN)
    lock.close()
    assert proc.wait(timeout=120) == 0


# --- files that are not regular files: exit 2 at once, never a hang ------------------------------------------------


def _special(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / ("label.yaml" if kind != "pdf-fifo" else "insert.pdf")
    if kind in ("fifo", "pdf-fifo"):
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "directory":
        path.mkdir()
    return path


@pytest.mark.parametrize(
    ("kind", "words"), [("fifo", "is a FIFO"), ("device", "is a device"), ("directory", "is a directory")]
)
def test_a_content_path_that_is_no_regular_file_is_refused_at_once(kind, words, tmp_path):
    path = _special(tmp_path, kind)
    done = subprocess.run([LABELING, "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{path}:1:1: {words}" in done.stdout + done.stderr


def test_an_artifact_that_is_a_fifo_is_refused_at_once(tmp_path):
    path = _special(tmp_path, "pdf-fifo")
    done = subprocess.run(
        [LABELING, "verify", str(path), "--content", str(SAMPLE)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "is a FIFO, not a regular file" in done.stdout + done.stderr


def test_the_same_file_named_twice_is_one_file(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(SAMPLE), str(SAMPLE.parent / "." / SAMPLE.name)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("reserved", ["con", "nul", "com1", "lpt9", "aux", "prn"])
def test_a_product_id_windows_reserves_is_refused(reserved, tmp_path):
    path = tmp_path / "label.yaml"
    path.write_text(SOURCE.replace("  id: cerebrolysin\n", f"  id: {reserved}\n", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and "reserves for a device" in result.output


# --- a failed build leaves one whole version; the environment's errors are the user's to fix (exit 2) -------------


def _changed_sample(tmp_path: Path) -> Path:
    content = tmp_path / "label.yaml"
    content.write_text(SOURCE.replace("dose: 20-50 mL/day", "dose: 20-40 mL/day", 1), encoding="utf-8")
    return content


def test_a_write_failing_half_way_leaves_the_previous_version_whole(previous, tmp_path, monkeypatch):
    import errno

    from labeling import build

    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = snapshot(out)
    real, written = build._stage, []

    def stage(path: Path, data: bytes) -> Path:
        if len(written) == 2:  # the third file: the disk is full
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path)
        return real(path, data)

    monkeypatch.setattr(build, "_stage", stage)
    result = CliRunner().invoke(main, ["build", str(_changed_sample(tmp_path)), "--out", str(out), "--force"])
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output and "internal error" not in result.output
    assert snapshot(out) == before  # the old insert beside the old leaflet: no mix of versions
    assert not list((out / "cerebrolysin").glob(".*.tmp"))


def test_ctrl_c_exits_130_and_leaves_the_previous_version(previous, tmp_path, monkeypatch):
    from labeling import build

    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = snapshot(out)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "render_documents", interrupted)
    result = CliRunner().invoke(main, ["build", str(_changed_sample(tmp_path)), "--out", str(out), "--force"])
    assert result.exit_code == 130, result.output
    assert snapshot(out) == before


def _rename_with(monkeypatch, on_first):
    """``os.replace`` as the build calls it, with ``on_first`` run just after the first file is in place."""
    from labeling import build

    real, done = os.replace, []

    def replace(source, target):
        real(source, target)
        done.append(target)
        if len(done) == 1:
            on_first()

    monkeypatch.setattr(build.os, "replace", replace)
    return done


def test_ctrl_c_between_two_renames_waits_for_the_last(previous, tmp_path, monkeypatch):
    import signal

    out = tmp_path / "out"
    shutil.copytree(previous, out)
    done = _rename_with(monkeypatch, lambda: os.kill(os.getpid(), signal.SIGINT))
    result = CliRunner().invoke(main, ["build", str(_changed_sample(tmp_path)), "--out", str(out), "--force"])
    assert result.exit_code == 130, result.output
    written = [p for p in (out / "cerebrolysin").iterdir() if not p.name.startswith(".")]
    assert len(done) == len(written) >= 4  # every document and the manifest: one whole new version
    monkeypatch.undo()
    again = CliRunner().invoke(main, ["build", str(_changed_sample(tmp_path)), "--out", str(out)])
    assert "up to date" in again.output, again.output


class _Killed(BaseException):
    """Stands for ``kill -9``: nothing after it runs."""


def test_a_kill_between_two_renames_is_never_taken_as_up_to_date(previous, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = snapshot(out)

    def killed():
        raise _Killed

    _rename_with(monkeypatch, killed)
    with pytest.raises(_Killed):
        CliRunner().invoke(
            main, ["build", str(_changed_sample(tmp_path)), "--out", str(out), "--force"], catch_exceptions=False
        )
    mixed = snapshot(out)
    assert sum(mixed[name] != before[name] for name in before) == 1  # one new document beside the old ones
    monkeypatch.undo()
    result = CliRunner().invoke(main, ["build", str(_changed_sample(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0 and "up to date" not in result.output, result.output
    fresh = tmp_path / "fresh"
    assert CliRunner().invoke(main, ["build", str(_changed_sample(tmp_path)), "--out", str(fresh)]).exit_code == 0
    assert snapshot(out) == snapshot(fresh)  # the next build wrote the whole new version


def test_a_planted_lock_link_truncates_nothing(previous, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n")
    lock = out / "cerebrolysin" / ".lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(victim)
    result = CliRunner().invoke(main, ["build", str(_changed_sample(tmp_path)), "--out", str(out), "--force"])
    assert result.exit_code == 2, result.output
    assert "symbolic link" in result.output
    assert victim.read_text() == "keep me\n"


def test_an_output_folder_under_a_file_is_the_users_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--out", str(blocker / "out")])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output


def test_a_copy_of_an_output_folder_speaks_for_nothing(previous, tmp_path):
    """out/<id>-backup/ holds a manifest naming the same content: the product's own folder is still checked."""
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    shutil.copytree(out / "cerebrolysin", out / "cerebrolysin-backup")
    (out / "cerebrolysin" / "package-insert.pdf").unlink()
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "up to date" not in result.output and (out / "cerebrolysin" / "package-insert.pdf").is_file()


def test_a_manifest_that_is_a_device_is_not_read(previous, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    (out / "other").mkdir()
    (out / "other" / "manifest.json").symlink_to("/dev/zero")
    done = subprocess.run([LABELING, "build", str(SAMPLE), "--out", str(out)], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_broken_pdf_in_the_output_folder_is_the_users_error(previous, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    (out / "cerebrolysin" / "package-insert.pdf").write_bytes(b"garbage")
    result = CliRunner().invoke(main, ["lint", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "not a readable PDF" in result.output and "internal error" not in result.output


def test_a_templates_folder_without_its_reference_document_is_the_users_error(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "reference.docx").unlink()
    monkeypatch.setenv("LABELING_TEMPLATES", str(templates))
    done = subprocess.run(
        [LABELING, "build", str(SAMPLE), "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "reference document not found" in done.stderr and "internal error" not in done.stderr


def _build_with_templates(templates: Path, tmp_path: Path, previous: Path) -> subprocess.CompletedProcess[str]:
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    return subprocess.run(
        [LABELING, "build", str(SAMPLE), "--out", str(out), "--force"],
        capture_output=True,
        text=True,
        env={**os.environ, "LABELING_TEMPLATES": str(templates)},
        timeout=300,
    )


def test_a_hard_link_in_the_templates_folder_is_refused(previous, tmp_path):
    from labeling.templates import TEMPLATES_DIR

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    outside = tmp_path / "outside.ttf"
    font = templates / "fonts" / "LiberationSans-Regular.ttf"
    shutil.copy(font, outside)
    font.unlink()
    os.link(outside, font)  # the same file as one outside the folder
    done = _build_with_templates(templates, tmp_path, previous)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "hard link" in done.stderr and "Traceback" not in done.stderr


def test_an_unusable_font_is_an_error_not_a_silent_substitute(previous, tmp_path):
    from labeling.templates import TEMPLATES_DIR

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    (templates / "fonts" / "LiberationSans-Bold.ttf").write_bytes(b"not a font at all" * 100)
    done = _build_with_templates(templates, tmp_path, previous)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "is not a usable font" in done.stderr and "Traceback" not in done.stderr


# --- anyone's artifacts: hostile files given to verify are the user's error (exit 2), never a crash ---------------


def _docx_nested(previous: Path, target: Path, depth: int) -> Path:
    import zipfile

    source = previous / "cerebrolysin" / "product-sheet.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                nest = "<w:sdt><w:sdtContent>" * depth + "<w:p><w:r><w:t>x</w:t></w:r></w:p>"
                data = data.replace(b"<w:body>", b"<w:body>" + (nest + "</w:sdtContent></w:sdt>" * depth).encode(), 1)
            copy.writestr(item, data)
    return target


def _pdf_saying_kind(previous: Path, target: Path, kind: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(previous / "cerebrolysin" / "package-insert.pdf")
    writer = PdfWriter(clone_from=reader)
    writer.add_metadata({**dict(reader.metadata or {}), "/labelingkind": kind})
    writer.write(target)
    return target


def _verify(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LABELING, "verify", str(path), "--content", str(SAMPLE), *options], capture_output=True, text=True, timeout=120
    )


def test_a_docx_nested_beyond_any_word_document_is_refused(previous, tmp_path):
    deep = _verify(_docx_nested(previous, tmp_path / "deep.docx", 5000))
    assert deep.returncode == 2, deep.stdout + deep.stderr
    assert "nests elements more than 256 deep" in deep.stderr and "internal error" not in deep.stderr
    shallow = _verify(_docx_nested(previous, tmp_path / "shallow.docx", 40))  # Word's own nesting: read
    assert "nests elements" not in shallow.stdout + shallow.stderr and shallow.returncode in (0, 1)


def test_metadata_naming_an_unknown_kind_is_shown_safely_and_overruled_by_kind(previous, tmp_path):
    odd = _pdf_saying_kind(previous, tmp_path / "odd.pdf", "x" * 5000 + "\u202e")
    refused = _verify(odd)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "which is not a document kind this tool knows" in refused.stderr and "pass --kind" in refused.stderr
    assert "x" * 61 not in refused.stderr and "\u202e" not in refused.stderr  # cut short, nothing invisible printed
    told = _verify(odd, "--kind", "package-insert")
    assert told.returncode == 0, told.stdout + told.stderr  # the advice works: --kind overrules what it says


def test_the_output_folder_deleted_during_a_build_is_the_users_error(tmp_path, monkeypatch):
    from labeling import build

    out = tmp_path / "out"
    real = build.render_documents

    def deleting(*args, **kwargs):
        files = real(*args, **kwargs)
        shutil.rmtree(out)  # another program (a clean step, a user) removes the folder mid-build
        return files

    monkeypatch.setattr(build, "render_documents", deleting)
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--out", str(out), "--force"])
    assert result.exit_code == 2, result.output
    assert "No such file or directory" in result.output and "internal error" not in result.output
    assert not out.exists()


def test_a_missing_glyph_is_caught_even_when_weasyprint_is_quietened(tmp_path):
    import logging

    content = tmp_path / "label.yaml"
    content.write_bytes(replace("  name: Cerebrolysin\n", "  name: Cerebrolysin \U0001f48a\n")())
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)  # an application embedding the tool silenced WeasyPrint's warnings
    try:
        result = CliRunner().invoke(main, ["build", str(content), "--out", str(tmp_path / "out")])
    finally:
        logger.setLevel(level)
    assert result.exit_code == 2, result.output
    assert "it would print as an empty box" in result.output and not (tmp_path / "out" / "cerebrolysin").exists()


def test_a_small_pdf_naming_thousands_of_pages_is_refused_at_once(previous, tmp_path):
    from pypdf import PdfReader, PdfWriter

    from labeling.extract.pdf import MAX_PAGES

    page = PdfReader(previous / "cerebrolysin" / "package-insert.pdf").pages[1]
    writer = PdfWriter()
    for _ in range(MAX_PAGES + 1):
        writer.add_page(page)  # every page shares one content stream: the file stays small
    writer.write(tmp_path / "long.pdf")
    done = _verify(tmp_path / "long.pdf", "--kind", "package-insert")
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{MAX_PAGES + 1:,} pages; a label document has at most {MAX_PAGES:,}" in done.stderr
