"""Document kinds and markets: what each document holds, and which documents a label's market gets.

A **kind** says what a document holds — its parts and sections, their PLR numbers, LOINC codes and which fact
groups are verified in full where — never how it is written: a kind can be written as PDF, DOCX or XML by the
writers registered in ``labeling.render``. Headings are words, so they live in the language layer, keyed by
kind and section. A **market** says which (kind, format) outputs a label gets. Adding a kind is an entry in
``DOCUMENT_KINDS`` plus its composer (``labeling.compose``); adding a format is a writer; neither edits this
table's other entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labeling.model import Label

# Fact groups a section can be declared to carry in full; the verifier knows how to find each.
DOSING, STORAGE, CONTRAINDICATIONS = "dosing", "storage", "contraindications"
FACT_GROUPS = (DOSING, STORAGE, CONTRAINDICATIONS)
PROFESSIONAL, PATIENT = "professional", "patient"


@dataclass(frozen=True)
class SectionSpec:
    key: str
    number: str | None = None  # a fixed number ("2", "8.1"); None: unnumbered, or numbered in order ("auto")
    level: int = 1
    loinc: str | None = None  # SPL section code
    checks: tuple[str, ...] = ()  # fact groups this section must show in full
    required: bool = False  # when it has no facts it still appears, with its recorded gap as a placeholder
    auto_number: bool = False  # a subsection numbered in order among its present siblings (2.1, 2.2, …)


@dataclass(frozen=True)
class PartSpec:
    key: str
    sections: tuple[SectionSpec, ...]
    titled: bool = True  # the part has a heading of its own (the insert's Highlights, Contents, FPI)
    numbering: str = "{number} {heading}"  # how a numbered heading is printed


@dataclass(frozen=True)
class DocumentKind:
    name: str
    audience: str  # "professional" or "patient": which wording the composer and the verifier use
    parts: tuple[PartSpec, ...]
    stylesheet: str | None = None  # for writers that lay out HTML
    template: str | None = None  # the HTML layout, when another kind's serves (default: "<name>.html.j2")

    @property
    def html_template(self) -> str:
        return self.template or f"{self.name}.html.j2"

    def sections(self, part: str | None = None) -> list[SectionSpec]:
        return [s for p in self.parts if part is None or p.key == part for s in p.sections]

    def section(self, key: str) -> SectionSpec:
        for section in self.sections():
            if section.key == key:
                return section
        raise KeyError(f"{self.name} has no section {key!r}")

    def part_of(self, key: str) -> PartSpec:
        for part in self.parts:
            if any(s.key == key for s in part.sections):
                return part
        raise KeyError(f"{self.name} has no section {key!r}")


# --- the package insert (US PLR) -------------------------------------------------------------------------------

_HIGHLIGHTS = PartSpec(
    "highlights",
    (
        SectionSpec("hl-boxed-warning"),
        SectionSpec("hl-recent-major-changes"),
        SectionSpec("hl-indications"),
        SectionSpec("hl-dosage", checks=(DOSING,)),
        SectionSpec("hl-dosage-forms"),
        SectionSpec("hl-contraindications", checks=(CONTRAINDICATIONS,)),
        SectionSpec("hl-warnings"),
        SectionSpec("hl-adverse-reactions"),
        SectionSpec("hl-interactions"),
        SectionSpec("hl-populations"),
    ),
)

_FPI = PartSpec(
    "fpi",
    (
        SectionSpec("boxed-warning", loinc="34066-1"),
        SectionSpec("indications", "1", loinc="34067-9", required=True),
        SectionSpec("indication", level=2, auto_number=True, loinc="42229-5"),
        SectionSpec("indication-usage", level=2, auto_number=True, loinc="42229-5"),
        SectionSpec("dosage", "2", loinc="34068-7", checks=(DOSING,), required=True),
        SectionSpec("dosage-recommended", level=2, auto_number=True, loinc="42229-5"),
        SectionSpec("dosage-targets", level=2, auto_number=True, loinc="42229-5"),
        SectionSpec("dosage-cycles", level=2, auto_number=True, loinc="42229-5"),
        SectionSpec("dosage-populations", level=2, auto_number=True, loinc="42229-5"),
        SectionSpec("dosage-combinations", level=2, auto_number=True, loinc="42229-5"),
        SectionSpec("dosage-preparation", level=2, auto_number=True, loinc="42229-5"),
        SectionSpec("dosage-administration", level=2, auto_number=True, loinc="42229-5"),
        SectionSpec("dosage-forms", "3", loinc="43678-2", required=True),
        SectionSpec("contraindications", "4", loinc="34070-3", checks=(CONTRAINDICATIONS,), required=True),
        SectionSpec("warnings", "5", loinc="43685-7", required=True),
        SectionSpec("warning", level=2, auto_number=True, loinc="42229-5"),
        SectionSpec("warning-monitoring", level=2, auto_number=True, loinc="42229-5"),
        SectionSpec("adverse-reactions", "6", loinc="34084-4", required=True),
        SectionSpec("ar-trials", "6.1", level=2, loinc="42229-5"),
        SectionSpec("ar-postmarketing", "6.2", level=2, loinc="42229-5"),
        SectionSpec("interactions", "7", loinc="34073-7"),
        SectionSpec("populations", "8", loinc="43684-0", required=True),
        SectionSpec("pop-pregnancy", "8.1", level=2, loinc="42228-7", required=True),
        SectionSpec("pop-lactation", "8.2", level=2, loinc="77290-5", required=True),
        SectionSpec("pop-reproductive", "8.3", level=2, loinc="77291-3"),
        SectionSpec("pop-pediatric", "8.4", level=2, loinc="34081-0", required=True),
        SectionSpec("pop-geriatric", "8.5", level=2, loinc="34082-8", required=True),
        SectionSpec("pop-renal", level=2, auto_number=True, loinc="88828-9"),
        SectionSpec("pop-hepatic", level=2, auto_number=True, loinc="88829-7"),
        SectionSpec("abuse", "9", loinc="42227-9"),
        SectionSpec("overdosage", "10", loinc="34088-5", required=True),
        SectionSpec("description", "11", loinc="34089-3", required=True),
        SectionSpec("pharmacology", "12", loinc="34090-1", required=True),
        SectionSpec("mechanism", "12.1", level=2, loinc="43679-0", required=True),
        SectionSpec("pharmacodynamics", "12.2", level=2, loinc="43681-6"),
        SectionSpec("pharmacokinetics", "12.3", level=2, loinc="43682-4", required=True),
        SectionSpec("microbiology", "12.4", level=2, loinc="49489-8"),
        SectionSpec("pharmacogenomics", "12.5", level=2, loinc="66106-6"),
        SectionSpec("nonclinical", "13", loinc="43680-8", required=True),
        SectionSpec("carcinogenesis", "13.1", level=2, loinc="34083-6", required=True),
        SectionSpec("clinical-studies", "14", loinc="34092-7", required=True),
        SectionSpec("references", "15", loinc="34093-5"),
        SectionSpec("how-supplied", "16", loinc="34069-5", checks=(STORAGE,), required=True),
        SectionSpec("how-supplied-presentation", "16.1", level=2, loinc="42229-5"),
        SectionSpec("storage", "16.2", level=2, loinc="44425-7"),
        SectionSpec("counseling", "17", loinc="88436-1", required=True),
    ),
)

PACKAGE_INSERT = DocumentKind(
    name="package-insert",
    audience=PROFESSIONAL,
    stylesheet="package-insert.css",
    parts=(_HIGHLIGHTS, PartSpec("contents", ()), _FPI),
)

# --- FDA Patient Information (US) ---------------------------------------------------------------------------------

PATIENT_INFORMATION = DocumentKind(
    name="patient-information",
    audience=PATIENT,
    stylesheet="patient-information.css",
    parts=(
        PartSpec(
            "information",
            (
                SectionSpec("important"),
                SectionSpec("what-is"),
                SectionSpec("who-not", checks=(CONTRAINDICATIONS,)),
                SectionSpec("before"),
                SectionSpec("how", checks=(DOSING,)),
                SectionSpec("avoid"),
                SectionSpec("side-effects"),
                SectionSpec("storage", checks=(STORAGE,)),
                SectionSpec("general"),
                SectionSpec("ingredients"),
            ),
            titled=False,
            numbering="{heading}",
        ),
    ),
)

MEDICATION_GUIDE = DocumentKind(
    name="medication-guide",
    audience=PATIENT,
    stylesheet="patient-information.css",
    template="patient-information.html.j2",  # the same layout; the composer words it as a Medication Guide
    parts=PATIENT_INFORMATION.parts,
)

# --- the patient leaflet (EU QRD structure) ----------------------------------------------------------------------

PATIENT_LEAFLET = DocumentKind(
    name="patient-leaflet",
    audience=PATIENT,
    stylesheet="patient-leaflet.css",
    parts=(
        PartSpec(
            "leaflet",
            (
                SectionSpec("what-it-is", "1"),
                SectionSpec("before", "2", checks=(CONTRAINDICATIONS,)),
                SectionSpec("how-given", "3", checks=(DOSING,)),
                SectionSpec("side-effects", "4"),
                SectionSpec("storage", "5", checks=(STORAGE,)),
                SectionSpec("contents", "6"),
            ),
            titled=False,
            numbering="{number}. {heading}",
        ),
    ),
)

# --- the product sheet (marketing) ---------------------------------------------------------------------------------

PRODUCT_SHEET = DocumentKind(
    name="product-sheet",
    audience=PROFESSIONAL,
    parts=(
        PartSpec(
            "sheet",
            (
                SectionSpec("identity"),
                SectionSpec("indications"),
                SectionSpec("dosing", checks=(DOSING,)),
                SectionSpec("storage", checks=(STORAGE,)),
                SectionSpec("safety", checks=(CONTRAINDICATIONS,)),
                SectionSpec("claims"),
            ),
            titled=False,
        ),
    ),
)

DOCUMENT_KINDS: dict[str, DocumentKind] = {
    k.name: k for k in (PACKAGE_INSERT, PATIENT_INFORMATION, MEDICATION_GUIDE, PATIENT_LEAFLET, PRODUCT_SHEET)
}


def register_kind(kind: DocumentKind) -> DocumentKind:
    """Add a document kind (its composer is registered in ``labeling.compose``)."""
    DOCUMENT_KINDS[kind.name] = kind
    return kind


# --- markets: which documents a label gets ---------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    kind: str
    format: str  # a writer in labeling.render.WRITERS
    name: str | None = None  # the file's name when it is not "<kind>.<format>" (the SPL: spl.xml)

    @property
    def filename(self) -> str:
        return self.name or f"{self.kind}.{self.format}"


@dataclass(frozen=True)
class Market:
    code: str
    outputs: tuple[Output, ...]
    notes: dict[str, str] = field(default_factory=dict)

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(o.kind for o in self.outputs))


MARKETS: dict[str, Market] = {
    "us": Market(
        "us",
        (
            Output("package-insert", "pdf"),
            Output("patient-information", "pdf"),
            Output("product-sheet", "docx"),
            Output("package-insert", "spl", "spl.xml"),
        ),
    ),
    "eu": Market("eu", (Output("patient-leaflet", "pdf"), Output("product-sheet", "docx"))),
}


def register_output(market: str, output: Output) -> None:
    """Add an output to a market (a new format of an existing kind, e.g. SPL for the US insert)."""
    current = MARKETS[market]
    MARKETS[market] = Market(current.code, current.outputs + (output,), current.notes)


# A market's outputs name "patient-information"; a US label with a Medication Guide gets that kind instead.
PATIENT_LABELING = "patient-information"


def outputs_for(label: Label | str) -> tuple[Output, ...]:
    """The outputs a label gets: its market's, with the patient labeling the label says it has."""
    if isinstance(label, str):
        return MARKETS[label].outputs
    chosen = label.label.patient_labeling
    outputs = MARKETS[label.label.market].outputs
    if chosen == "none":  # a label without patient labeling gets none made up for it
        return tuple(o for o in outputs if o.kind != PATIENT_LABELING)
    return tuple(Output(chosen, o.format, o.name) if o.kind == PATIENT_LABELING else o for o in outputs)
