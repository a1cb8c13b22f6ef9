"""Property-based tests (hypothesis): whatever a document contains, only the tool's own errors come out.

The loader gets thousands of generated YAML documents and byte strings; the builder gets labels whose text and
quantities are generated. A ContentError (bad input, exit 2) or a RenderError (a document that cannot be made
as asked, exit 2) is fine; any other exception is a bug.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labeling.load import ContentError, parse_label
from labeling.render import RenderError

pytestmark = pytest.mark.slow  # hypothesis generates and builds many labels

ROOT = Path(__file__).resolve().parent.parent
SOURCE = (ROOT / "content" / "cerebrolysin.yaml").read_text(encoding="utf-8")
SAMPLE_DATA = yaml.safe_load(SOURCE)
KEYS = sorted(
    set(SAMPLE_DATA)
    | {
        "id",
        "text",
        "dose",
        "status",
        "route",
        "temperature",
        "name",
        "indications",
        "conditions",
        "regimens",
        "threshold",
    }
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["20-50 mL/day", "15-25 °C", "approved", "iv", "≥80 mL/day", "7-21 days"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=5),
    ),
    max_leaves=25,
)


def load(data: bytes | str) -> None:
    try:
        parse_label(data, "generated.yaml")
    except ContentError as error:
        assert error.problems and all(p.line >= 1 and p.column >= 1 for p in error.problems)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_loader_on_generated_structures(document):
    load(yaml.safe_dump(document, allow_unicode=True))


@settings(max_examples=1000, deadline=None)
@given(st.binary(max_size=400))
def test_loader_on_arbitrary_bytes(data):
    load(data)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=string.printable + "äé°µ–—≥\u00a0\ufeff", max_size=300))
def test_loader_on_arbitrary_text(text):
    load(text)


def _mutated_label(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


text_values = st.text(min_size=1, max_size=80).filter(lambda t: t.strip())
quantity_texts = st.one_of(
    st.builds(
        lambda a, b, u, p: f"{a}-{b} {u}/{p}",
        st.integers(0, 999),
        st.integers(0, 999),
        st.sampled_from(["mL", "mg", "ml", "g", "units", "cc"]),
        st.sampled_from(["day", "week", "vial", "x"]),
    ),
    st.text(max_size=20),
)


@st.composite
def labels(draw, quantities=quantity_texts):
    """The sample label with generated text and quantities in the places a user edits most."""
    data = yaml.safe_load(SOURCE)
    data["product"]["name"] = draw(text_values)
    data["contraindications"][0]["text"] = draw(text_values)
    data["contraindications"][0]["patient_text"] = draw(text_values)
    data["mechanisms"][0]["text"] = draw(text_values)
    data["patient"]["what_it_is"] = draw(text_values)
    data["dosing"]["regimens"][0]["dose"] = draw(quantities)
    data["storage"]["conditions"][0]["temperature"] = draw(st.one_of(quantities, st.just("15-25 °C")))
    return _mutated_label(data)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(labels())
def test_loader_and_templates_on_generated_labels(text):
    """Every generated label either loads and composes into every document kind, laid out by every template
    (Jinja for the PDFs, the sheet XML for DOCX), or fails with the tool's own error."""
    from labeling.compose import compose
    from labeling.documents import DOCUMENT_KINDS
    from labeling.render.docx import sheet_xml
    from labeling.render.html import render_html

    try:
        label = parse_label(text, "generated.yaml")
    except ContentError:
        return
    try:
        for kind in DOCUMENT_KINDS.values():
            tree = compose(label, kind)
            render_html(label, tree, kind)
            sheet_xml(tree)
    except RenderError:
        pass


valid_doses = st.builds(lambda a, b: f"{min(a, b)}-{max(a, b)} mL/day", st.integers(0, 60), st.integers(1, 79))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(labels(quantities=valid_doses))
def test_builder_on_generated_labels(text):
    """The whole build (WeasyPrint and python-docx) on generated labels: documents or the tool's own errors."""
    from labeling.build import render_documents

    try:
        label = parse_label(text, "generated.yaml")
    except ContentError:
        return
    try:
        files = render_documents(label)
    except RenderError:
        return
    assert files["package-insert.pdf"].startswith(b"%PDF") and files["product-sheet.docx"].startswith(b"PK")
