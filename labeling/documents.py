"""The document kinds: for each document, its template, format, file name, parts and sections, and which fact
groups each section must show.

This table is written once and read twice: the renderer takes section headings from it (templates never spell
a heading of their own) and the verifier splits extracted text by the same headings and knows which facts to
look for where. A new document kind is one entry here, one template, and a renderer/extractor for its format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the table is read by the no-op build check, which must not pay for the content model
    from labeling.model import Label

# The FDA's reporting line, printed in every US Highlights after the company's own contact.
FDA_MEDWATCH = "1-800-FDA-1088 or www.fda.gov/medwatch"

# Use in Specific Populations: which PLR subsection each population kind goes in.
POPULATION_SECTIONS = {
    "pregnancy": "pop-pregnancy",
    "lactation": "pop-lactation",
    "pediatric": "pop-pediatric",
    "geriatric": "pop-geriatric",
    "renal-impairment": "pop-renal",
    "hepatic-impairment": "pop-hepatic",
}

# Fact groups a section can be declared to carry in full; the verifier knows how to find each.
DOSING, STORAGE, CONTRAINDICATIONS = "dosing", "storage", "contraindications"
FACT_GROUPS = (DOSING, STORAGE, CONTRAINDICATIONS)


@dataclass(frozen=True)
class Section:
    key: str
    heading: str  # exactly as printed (the verifier searches for it)
    number: str | None = None  # PLR section number ("2", "8.5"); None for unnumbered
    facts: tuple[str, ...] = ()  # fact groups this section must show in full
    present: Callable[[Label], bool] | None = None  # None: always present
    level: int = 1
    loinc: str | None = None  # SPL section code, for the later SPL export

    def is_present(self, label: Label) -> bool:
        return self.present is None or self.present(label)


@dataclass(frozen=True)
class Part:
    """A top-level division of a document (the PLR insert has three); plain documents have one, unnamed."""

    key: str
    heading: str | None
    sections: tuple[Section, ...]
    numbering: str = "{number} {heading}"  # how a numbered heading is printed


SMALL_WORDS = {"and", "or", "of", "in", "for", "the", "a", "an", "to", "with", "at", "by", "on"}


def title_case(text: str) -> str:
    """PLR subsection headings in title case: "High doses" → "High Doses"; capitals already written stay
    ("CNS effects" → "CNS Effects"), small words stay lower case except the first."""
    words = text.split()
    return " ".join(w if i and w.lower() in SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


@dataclass(frozen=True)
class DocumentKind:
    name: str
    title: str
    format: str  # "pdf" or "docx"
    filename: str
    template: str
    audience: str  # "professional" or "patient": which wording the verifier expects
    parts: tuple[Part, ...]
    stylesheet: str | None = None
    options: dict[str, str] = field(default_factory=dict)

    def sections(self, part: str | None = None) -> list[Section]:
        return [s for p in self.parts if part is None or p.key == part for s in p.sections]

    def section(self, key: str, part: str | None = None) -> Section:
        for section in self.sections(part):
            if section.key == key:
                return section
        raise KeyError(f"{self.name} has no section {key!r}")

    def heading(self, key: str, label: Label) -> str:
        """A section's heading exactly as printed for this label ("2 DOSAGE AND ADMINISTRATION",
        "5. How to store Cerebrolysin"): the renderer prints it and the verifier searches for it."""
        for part in self.parts:
            for section in part.sections:
                if section.key == key:
                    populations = " and ".join(p.population for p in label.dosing.populations)
                    text = section.heading.replace("{name}", label.product.name).replace(
                        "{populations}", title_case(populations))
                    return part.numbering.format(number=section.number, heading=text) if section.number else text
        raise KeyError(f"{self.name} has no section {key!r}")

    def present_sections(self, label: Label, part: str | None = None) -> list[Section]:
        return [s for s in self.sections(part) if s.is_present(label)]


# --- when optional sections are present ---------------------------------------------------------------------


def _has_warnings(label: Label) -> bool:
    return bool(label.warnings or label.monitoring)


def _has_interactions(label: Label) -> bool:
    return bool(label.interactions)


def _has_populations(label: Label) -> bool:
    return bool(label.specific_populations)


def _has_population(kind: str) -> Callable[[Label], bool]:
    return lambda label: any(p.population == kind for p in label.specific_populations)


def _has_rmc(label: Label) -> bool:
    return bool(label.label.recent_major_changes)


def _never(label: Label) -> bool:
    """Sections the content model has no facts for yet: omitted, their numbers left as gaps (PLR)."""
    return False


def _has_references(label: Label) -> bool:
    return bool(label.cited_references)


def _has_mechanisms(label: Label) -> bool:
    return bool(label.mechanisms)


def _has_combinations(label: Label) -> bool:
    return bool(label.dosing.combinations)


# --- the package insert (US PLR) -------------------------------------------------------------------------------

_HIGHLIGHTS = Part(
    "highlights",
    "HIGHLIGHTS OF PRESCRIBING INFORMATION",
    (
        Section("hl-recent-major-changes", "RECENT MAJOR CHANGES", present=_has_rmc),
        Section("hl-indications", "INDICATIONS AND USAGE"),
        Section("hl-dosage", "DOSAGE AND ADMINISTRATION", facts=(DOSING,)),
        Section("hl-dosage-forms", "DOSAGE FORMS AND STRENGTHS"),
        Section("hl-contraindications", "CONTRAINDICATIONS", facts=(CONTRAINDICATIONS,)),
        Section("hl-warnings", "WARNINGS AND PRECAUTIONS", present=_has_warnings),
        Section("hl-adverse-reactions", "ADVERSE REACTIONS"),
        Section("hl-interactions", "DRUG INTERACTIONS", present=_has_interactions),
        Section("hl-populations", "USE IN SPECIFIC POPULATIONS", present=_has_populations),
    ),
)

_FPI_SECTIONS = (
    Section("indications", "INDICATIONS AND USAGE", "1", loinc="34067-9"),
    Section("dosage", "DOSAGE AND ADMINISTRATION", "2", facts=(DOSING,), loinc="34068-7"),
    Section("dosage-recommended", "Recommended Dosage", "2.1", level=2),
    Section("dosage-cycles", "Treatment Cycles", "2.2", level=2, present=lambda label: label.cycling is not None),
    Section("dosage-populations", "Dosage in {populations}", "2.3", level=2,
            present=lambda label: bool(label.dosing.populations)),
    Section("dosage-combinations", "Use with Other Treatments", "2.4", level=2, present=_has_combinations),
    Section("dosage-forms", "DOSAGE FORMS AND STRENGTHS", "3", loinc="43678-2"),
    Section("contraindications", "CONTRAINDICATIONS", "4", facts=(CONTRAINDICATIONS,), loinc="34070-3"),
    Section("warnings", "WARNINGS AND PRECAUTIONS", "5", present=_has_warnings, loinc="43685-7"),
    Section("adverse-reactions", "ADVERSE REACTIONS", "6", loinc="34084-4"),
    Section("interactions", "DRUG INTERACTIONS", "7", present=_has_interactions, loinc="34073-7"),
    Section("populations", "USE IN SPECIFIC POPULATIONS", "8", present=_has_populations, loinc="43684-0"),
    Section("pop-pregnancy", "Pregnancy", "8.1", level=2, present=_has_population("pregnancy")),
    Section("pop-lactation", "Lactation", "8.2", level=2, present=_has_population("lactation")),
    Section("pop-pediatric", "Pediatric Use", "8.4", level=2, present=_has_population("pediatric")),
    Section("pop-geriatric", "Geriatric Use", "8.5", level=2, present=_has_population("geriatric"), loinc="34082-8"),
    Section("pop-renal", "Renal Impairment", "8.6", level=2, present=_has_population("renal-impairment"),
            loinc="88828-9"),
    Section("pop-hepatic", "Hepatic Impairment", "8.7", level=2, present=_has_population("hepatic-impairment"),
            loinc="88829-7"),
    Section("abuse", "DRUG ABUSE AND DEPENDENCE", "9", present=_never, loinc="42227-9"),
    Section("overdosage", "OVERDOSAGE", "10", present=_never, loinc="34088-5"),
    Section("description", "DESCRIPTION", "11", loinc="34089-3"),
    Section("pharmacology", "CLINICAL PHARMACOLOGY", "12", present=_has_mechanisms, loinc="34090-1"),
    Section("mechanism", "Mechanism of Action", "12.1", level=2, present=_has_mechanisms, loinc="43679-0"),
    Section("nonclinical", "NONCLINICAL TOXICOLOGY", "13", present=_never, loinc="43680-8"),
    Section("clinical-studies", "CLINICAL STUDIES", "14", present=_never, loinc="34092-7"),
    Section("references", "REFERENCES", "15", present=_has_references, loinc="34093-5"),
    Section("how-supplied", "HOW SUPPLIED/STORAGE AND HANDLING", "16", facts=(STORAGE,), loinc="34069-5"),
    Section("how-supplied-presentation", "How Supplied", "16.1", level=2),
    Section("storage", "Storage and Handling", "16.2", level=2, loinc="44425-7"),
    Section("counseling", "PATIENT COUNSELING INFORMATION", "17", loinc="88436-1"),
)

PACKAGE_INSERT = DocumentKind(
    name="package-insert",
    title="Prescribing Information",
    format="pdf",
    filename="package-insert.pdf",
    template="package-insert.html.j2",
    stylesheet="package-insert.css",
    audience="professional",
    parts=(
        _HIGHLIGHTS,
        Part("contents", "FULL PRESCRIBING INFORMATION: CONTENTS*", ()),
        Part("fpi", "FULL PRESCRIBING INFORMATION", _FPI_SECTIONS),
    ),
)

# --- the patient leaflet (EU QRD structure) ----------------------------------------------------------------------


PATIENT_LEAFLET = DocumentKind(
    name="patient-leaflet",
    title="Package leaflet: Information for the user",
    format="pdf",
    filename="patient-leaflet.pdf",
    template="patient-leaflet.html.j2",
    stylesheet="patient-leaflet.css",
    audience="patient",
    parts=(
        Part(
            "leaflet",
            None,
            (
                Section("what-it-is", "What {name} is and what it is used for", "1"),
                Section("before", "What you need to know before you are given {name}", "2",
                        facts=(CONTRAINDICATIONS,)),
                Section("how-given", "How {name} is given", "3", facts=(DOSING,)),
                Section("side-effects", "Possible side effects", "4"),
                Section("storage", "How to store {name}", "5", facts=(STORAGE,)),
                Section("contents", "Contents of the pack and other information", "6"),
            ),
            numbering="{number}. {heading}",
        ),
    ),
)

# --- the product sheet (marketing, DOCX) ------------------------------------------------------------------------

PRODUCT_SHEET = DocumentKind(
    name="product-sheet",
    title="Product sheet",
    format="docx",
    filename="product-sheet.docx",
    template="product-sheet.xml.j2",
    audience="professional",
    parts=(
        Part(
            "sheet",
            None,
            (
                Section("identity", "Product at a glance"),
                Section("indications", "Approved indications"),
                Section("dosing", "Dosage and administration", facts=(DOSING,)),
                Section("storage", "Storage", facts=(STORAGE,)),
                Section("safety", "Important safety information", facts=(CONTRAINDICATIONS,)),
                Section("claims", "Key points from the approved label"),
            ),
        ),
    ),
)

DOCUMENT_KINDS: dict[str, DocumentKind] = {k.name: k for k in (PACKAGE_INSERT, PRODUCT_SHEET, PATIENT_LEAFLET)}

