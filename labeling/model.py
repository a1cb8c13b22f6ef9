"""The typed content model: one label, its facts typed and identified.

The model is the AST of this tool (pandoc's idea): composers, the verifier, the linter and the diff all read
it, none of them reads YAML. Every fact carries an ``id`` unique within its label, so a fact can be referenced
(regimen → indication, claim → supporting fact), reported (``dosing.regimens[stroke-tbi].dose``) and compared
across versions. Numbers live only in typed quantities (``labeling.quantities``). Which facts reach which
document is not decided here but in ``labeling.reach``.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonDict

from labeling import spl_terms
from labeling.quantities import (
    Age,
    AnyQuantity,
    BodyWeight,
    Concentration,
    Count,
    Dose,
    Duration,
    Frequency,
    Percentage,
    RenalFunction,
    Schedule,
    Strength,
    Temperature,
    Volume,
)
from labeling.quantities import Target as Target_

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64),
    Field(description="A stable identifier: lower-case letters, digits and hyphens, unique within the label."),
]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

# Names Windows keeps for devices: a folder output/con/ cannot be made or copied there.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}


def _not_reserved(value: str) -> str:
    if value in _RESERVED:
        raise ValueError(f"{value!r} is a name Windows reserves for a device; the output folder could not be made")
    return value


FolderId = Annotated[Id, AfterValidator(_not_reserved)]

T = TypeVar("T")

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _fda_term(code_list: str, what: str, value: str) -> str:
    """A name from one of FDA's SPL code lists (`spl_terms.<code_list>`), written as FDA writes it (any case is
    accepted). Bound with partial rather than a closure, so that the label's schema can be cached on disk."""
    terms: dict[str, str] = getattr(spl_terms, code_list)
    name = " ".join(value.upper().split())
    if name in terms:
        return name
    import difflib

    close = difflib.get_close_matches(name, terms, n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"{value!r} is not one of FDA's SPL {what}{hint}")


SplDosageForm = Annotated[str, AfterValidator(functools.partial(_fda_term, "DOSAGE_FORMS", "dosage forms"))]
SplPackageType = Annotated[str, AfterValidator(functools.partial(_fda_term, "PACKAGE_TYPES", "package types"))]


def _per_day(value: Dose) -> Dose:
    if value.per != "day":
        raise ValueError("a maximum daily dose is per day, e.g. '2550 mg/day'")
    return value


DailyMaximum = Annotated[Dose, AfterValidator(_per_day)]

IndicationStatus = Literal["approved", "investigational", "off-label"]
ClaimStatus = Literal["approved", "rejected", "pending"]
Market = Literal["us", "eu"]
RouteName = Literal[
    "intravenous",
    "intramuscular",
    "subcutaneous",
    "oral",
    "intrathecal",
    "topical",
    "inhalation",
    "ophthalmic",
    "nasal",
    "rectal",
    "transdermal",
    "sublingual",
    "vaginal",
]
Protection = Literal["light", "moisture", "heat"]
PopulationKind = Literal[
    "pregnancy", "lactation", "reproductive", "pediatric", "geriatric", "renal-impairment", "hepatic-impairment"
]
Phase = Literal["initial", "loading", "induction", "maintenance", "titration", "usual", "loss-of-response"]
StorageState = Literal["unopened", "reconstituted", "diluted", "in-use", "opened", "dispensed"]
AdjustmentAction = Literal[
    "starting-dose",
    "dose",
    "avoid-dose",
    "not-recommended",
    "contraindicated",
    "discontinue",
    "no-adjustment",
    "monitor",
]
TimingRelation = Literal["before", "after", "with", "without", "at"]
# PLR sections a Recent Major Changes entry may name, by their key in labeling.documents (lint decides which
# are eligible).
PlrSection = Literal[
    "boxed-warning",
    "indications",
    "dosage",
    "dosage-forms",
    "contraindications",
    "warnings",
    "adverse-reactions",
    "interactions",
    "populations",
    "description",
    "pharmacology",
    "how-supplied",
    "counseling",
]
# Sections whose text is prose by nature (pharmacokinetics, clinical studies…): carried as narrative.
NarrativeSection = Literal[
    "abuse",
    "overdosage",
    "pharmacodynamics",
    "pharmacokinetics",
    "microbiology",
    "pharmacogenomics",
    "carcinogenesis",
    "clinical-studies",
]

THRESHOLD_SLOT = "{threshold}"


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never silently drop a fact."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Suppression(Strict):
    """A recorded decision that a lint rule does not apply to this fact, and why."""

    rule: Annotated[str, StringConstraints(pattern=r"^LBL\d{3}$")] = Field(description="e.g. 'LBL201'")
    reason: Text = Field(description="Why the rule does not apply: required, and reviewed like the fact itself.")


SLOT = re.compile(r"\{([a-z][a-z0-9_]*)\}")
# A cross-reference written in a text: {see:warnings} or {see:high-dose} — a package insert section key or a fact
# id; the package insert prints "[see Warnings and Precautions (5.1)]" as numbered, other documents nothing.
SEE = re.compile(r"\{see:([a-z0-9][a-z0-9-]*)\}")


def slots_in(text: str) -> list[str]:
    """The ``{name}`` placeholders of a text (anything else in braces is literal text)."""
    return SLOT.findall(text)


class Fact(Strict):
    id: Id
    lint_ignore: list[Suppression] = Field(
        default_factory=list, description="Lint rules this fact is exempt from, each with a reason."
    )
    values: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")], AnyQuantity] = Field(
        default_factory=dict,
        description="Typed numbers a text of this fact places with {name}, e.g. values: {onset: 1-4 hours} and "
        "'vomiting {onset} after ingestion': numbers are never written as prose.",
    )

    @model_validator(mode="after")
    def _values_placed(self) -> Fact:
        """Every {name} in a text of this fact is one of its values, and every value is placed somewhere."""
        used: set[str] = set()
        own = {"threshold"} if "threshold" in type(self).model_fields else set()
        for name in type(self).model_fields:
            value = getattr(self, name)
            texts = (
                [value]
                if isinstance(value, str)
                else [v for v in value if isinstance(v, str)]
                if isinstance(value, list)
                else []
            )
            for text in texts:
                for slot in slots_in(text):
                    if slot in own:
                        continue
                    if slot not in self.values:
                        raise ValueError(
                            f"{name} uses {{{slot}}} but the fact has no value {slot!r} (add it under values:)"
                        )
                    used.add(slot)
        unused = sorted(set(self.values) - used)
        if unused:
            raise ValueError(
                f"values {', '.join(unused)} are not placed in any text of this fact "
                f"(write {{{unused[0]}}} where it belongs)"
            )
        return self


# --- identity and metadata -------------------------------------------------------------------------------


class Package(Fact):
    """One pack a presentation is supplied in (How Supplied): what it holds, its container, its code."""

    pack: Count = Field(description="What one pack holds, e.g. '6 vials', '90 tablets', '100 mL'.")
    container: Text | None = Field(default=None, description="e.g. 'single-dose vial', 'prefilled pen', 'bottle'")
    volume: Volume | None = Field(default=None, description="Volume in one container, e.g. '10 mL'.")
    code: Text | None = Field(default=None, description="Product code, e.g. 'NDC 0069-0155-23'.")
    bulk: bool = Field(default=False, description="A pharmacy bulk package (not for direct infusion).")
    spl_package_type: SplPackageType | None = Field(
        default=None,
        description="FDA's package type for SPL (e.g. 'BOTTLE', 'VIAL, SINGLE-DOSE'), when the container's words "
        "do not say it.",
    )


class Presentation(Fact):
    """One strength in one dosage form: what Dosage Forms and Strengths lists once, with the packs it comes in."""

    dosage_form: Text = Field(description="e.g. 'injection', 'tablets', 'for oral suspension'")
    strength: Strength = Field(description="e.g. '60 mg/vial', '500 mg' (per tablet), '125 mg/5 mL'")
    description: Text | None = Field(default=None, description="What it looks like (color, shape, imprint).")
    patient_description: Text | None = None
    spl_dosage_form: SplDosageForm | None = Field(
        default=None,
        description="FDA's dosage form for SPL (e.g. 'TABLET, FILM COATED'), when the dosage form's words do not "
        "say it.",
    )
    packages: list[Package] = Field(
        default_factory=list,
        description="The packs How Supplied lists (a strength "
        "the source names without a pack is listed in Dosage Forms and Strengths only).",
    )


class Firm(Strict):
    role: Literal["manufactured-for", "distributed-by", "marketed-by", "repackaged-by", "licensed-from"]
    name: Text
    address: Text | None = None


class Ingredient(Fact):
    name: Text
    role: Literal["active", "inactive"] = "active"
    basis_of_strength: Text | None = Field(default=None, description="e.g. 'amoxicillin (as the trihydrate)'")
    unii: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{10}$")] | None = None


class Product(Strict):
    id: FolderId = Field(description="Product id: names the output folder output/<id>/.")
    name: Text = Field(description="Proprietary name.")
    established_name: Text = Field(description="Established (generic) name of the active ingredient(s).")
    pharmacologic_class: Text | None = Field(default=None, description="e.g. 'penicillin-class antibacterial'")
    rx_only: bool = True
    antibacterial: bool = Field(default=False, description="A systemic antibacterial: 21 CFR 201.24 applies.")
    presentations: list[Presentation] = Field(min_length=1)
    ingredients: list[Ingredient] = Field(default_factory=list)
    manufacturer: Text | None = Field(
        default=None,
        description="The manufacturer, printed 'Manufactured by:'. "
        "A US label may name only another firm (21 CFR 201.1: a distributor); an EU "
        "leaflet needs the manufacturer.",
    )
    manufacturer_address: Text | None = None
    firms: list[Firm] = Field(
        default_factory=list, description="Other firms the label names, each with its role (distributed by …)."
    )

    @model_validator(mode="after")
    def _a_firm_is_named(self) -> Product:
        if self.manufacturer is None and not self.firms:
            raise ValueError("name the manufacturer, or the firm the label names instead (firms: distributed-by …)")
        if self.manufacturer is None and self.manufacturer_address is not None:
            raise ValueError("manufacturer_address without a manufacturer")
        return self

    @property
    def labeler(self) -> str:
        """Whose label this is: the manufacturer, else the first firm named (document metadata's author)."""
        return self.manufacturer or self.firms[0].name

    source_material: Text | None = Field(default=None, description="What the active ingredient is derived from.")


class RecentMajorChange(Strict):
    section: PlrSection
    date: dt.date
    about: list[Id] = Field(
        default_factory=list,
        description="Facts whose subsections changed (e.g. a warning): the entry names and cross-references them.",
    )
    summary: Text | None = None


class Source(Strict):
    """Where the label's facts were read: the public document each fact comes from."""

    document: Text = Field(description="e.g. 'Prescribing information, revised 7/2024'")
    labeler: Text | None = None
    revised: Text | None = Field(default=None, description="The source's own revision date as it prints it.")
    where: Text = Field(description="Where it was read (URL, DailyMed setid, file).")


class Approval(Strict):
    """The marketing authorisation the label rests on; without one, no document says 'approved'."""

    basis: Text = Field(description="e.g. 'NDA 050542' or 'BLA 103772'")
    year: int | None = Field(default=None, ge=1900, le=2100)
    category_code: Annotated[str, StringConstraints(pattern=r"^C\d{4,6}$")] | None = Field(
        default=None,
        description="FDA's marketing category code (NCI Thesaurus) for SPL, when the tool's list does not know the "
        "basis's category (it knows NDA and ANDA).",
    )


class Spl(Strict):
    """What FDA's Structured Product Labeling needs beyond the label's facts."""

    set_id: Annotated[str, StringConstraints(pattern=UUID_PATTERN)] = Field(
        description="The label's SPL set id: one UUID for every version of this label, made once and kept."
    )
    version: int = Field(ge=1, le=999_999, description="SPL version number: 1 for the first submitted version.")
    labeler: Text | None = Field(default=None, description="The labeler (SPL author); default: the manufacturer.")
    labeler_duns: Annotated[str, StringConstraints(pattern=r"^\d{9}$")] | None = Field(
        default=None, description="The labeler's 9-digit DUNS number."
    )


class LabelInfo(Strict):
    version: Annotated[str, StringConstraints(pattern=r"^\d{1,6}(\.\d{1,6}){0,2}$")] = Field(
        description="Label version, e.g. '1.0' or '1.2.0'."
    )
    revision_date: dt.date
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"
    market: Market = Field(
        description="Which market's documents the label gets: 'us' (PLR insert, Patient "
        "Information, product sheet) or 'eu' (QRD package leaflet, product sheet)."
    )
    market_reason: Text | None = Field(default=None, description="Why this market, when it is a decision.")
    initial_us_approval: int | None = Field(default=None, ge=1900, le=2100)
    approval: Approval | None = None
    spl: Spl | None = Field(default=None, description="SPL identity of a US label (set id, version, labeler).")
    patient_labeling: Literal["patient-information", "medication-guide", "none"] = Field(
        default="patient-information",
        description="Which FDA patient labeling a US label has; 'none' when its prescribing information has none "
        "(the documents then neither produce nor mention one).",
    )
    patient_labeling_approved: bool = Field(
        default=False, description="The patient labeling itself is FDA-approved (it then says so)."
    )
    patient_labeling_revised: dt.date | None = Field(
        default=None, description="The patient labeling's own revision date, when it differs from the label's."
    )
    adverse_reaction_contact: Text = Field(
        description="Who to contact to report suspected adverse reactions (Highlights and patient documents)."
    )
    recent_major_changes: list[RecentMajorChange] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)


# --- populations, indications and dosing ---------------------------------------------------------------------


class Population(Fact):
    """Whom a regimen or an adjustment is for: an age or weight band, a renal band, a described group."""

    name: Text = Field(description="As printed: 'Adults', 'Pediatric patients 3 months and older'")
    patient_name: Text | None = None
    age: Age | None = None
    weight: BodyWeight | None = None
    renal_function: RenalFunction | None = Field(default=None, description="e.g. '30-45 mL/min/1.73 m²'")
    renal_measure: Literal["CrCl", "eGFR", "GFR"] | None = None

    @model_validator(mode="after")
    def _measure_named(self) -> Population:
        if self.renal_function is not None and self.renal_measure is None:
            raise ValueError("a renal band needs renal_measure: CrCl, eGFR or GFR")
        return self


class Indication(Fact):
    name: Text = Field(description="Short name, as in Highlights and tables.")
    heading: Text | None = Field(
        default=None,
        description="The FPI subsection heading exactly as printed, where "
        "title case would change a name's case (Helicobacter pylori Infection); default: "
        "the name in title case.",
    )
    patient_name: Text | None = Field(default=None, description="Plain-language name for patient documents.")
    statement: Text | None = Field(default=None, description="The full indication as the FPI states it.")
    patient_statement: Text | None = None
    population: Id | None = Field(default=None, description="Id of a population the indication is limited to.")
    limitations: list[Text] = Field(default_factory=list, description="Limitations of Use.")
    category: Text | None = None
    status: IndicationStatus
    status_reason: Text | None = Field(default=None, description="Why this status (required unless approved).")
    summary: Text | None = Field(default=None, description="What the source says about this use (not printed).")


class Route(Fact):
    name: RouteName
    abbreviation: Text | None = None
    note: Text | None = None


class CoAgent(Strict):
    """A medicine given together with this one, with its own dose where the label states it."""

    agent: Text
    dose: Dose | None = None
    frequency: Frequency | None = None


class Titration(Strict):
    step: Dose = Field(description="How much the dose goes up each time, e.g. '500 mg'.")
    interval: Frequency = Field(description="How often it may go up, e.g. 'every 1 week'.")
    up_to: Dose | None = Field(default=None, description="The highest dose titration reaches.")


class Timing(Strict):
    relation: TimingRelation
    event: Text = Field(description="e.g. 'meals', 'breakfast', 'surgery'")
    patient_event: Text | None = None
    offset: Duration | None = Field(default=None, description="e.g. '30-60 minutes' (before breakfast)")


class Regimen(Fact):
    """One row of dosing: for whom, for what, how much, how often, how long — every part typed."""

    name: Text | None = Field(default=None, description="Row label; default: the indications' names.")
    patient_name: Text | None = None
    highlights: bool = Field(default=True, description="Listed in Highlights (false when a summary stands for it).")
    indications: list[Id] = Field(min_length=1)
    population: Id | None = Field(default=None, description="Id of a population in `populations`.")
    routes: list[Id] = Field(min_length=1, description="Ids of routes in dosing.routes.")
    phase: Phase | None = None
    dose: Dose | None = Field(
        default=None,
        description="Per administration ('500 mg', '5 mg/kg') or per period "
        "('20-50 mL/day'); without one, `text` says how to dose.",
    )
    text: Text | None = Field(default=None, description="What the typed parts cannot say ('Individualize the dose').")
    patient_text: Text | None = None
    example: bool = Field(default=False, description="The source gives the dose as an example ('e.g.').")
    divided: bool = Field(default=False, description="A daily dose given in divided doses at `frequency`.")
    frequency: Frequency | None = None
    schedule: Schedule | None = Field(default=None, description="Fixed times, e.g. 'weeks 0, 2 and 6'.")
    duration: Duration | None = None
    repeat: Frequency | None = Field(default=None, description="How often the course is repeated.")
    repeat_note: Text | None = None
    single_dose: bool = False
    max_dose: Dose | None = Field(default=None, description="Most per administration.")
    max_daily_dose: DailyMaximum | None = Field(default=None, description="Most per day, e.g. '2550 mg/day'.")
    titration: Titration | None = None
    infusion_time: Duration | None = Field(default=None, description="e.g. '≥2 hours' (not less than 2 hours)")
    timing: Timing | None = None
    with_agents: list[Text | CoAgent] = Field(
        default_factory=list, description="Given together with, e.g. 'methotrexate' or {agent, dose}."
    )
    patient_with_agents: list[Text] = Field(default_factory=list)
    condition: Text | None = Field(default=None, description="When this regimen applies, professional wording.")
    patient_condition: Text | None = None
    then: Id | None = Field(default=None, description="The regimen that follows (loading → maintenance).")

    @model_validator(mode="after")
    def _coherent(self) -> Regimen:
        if self.dose is None and not self.text:
            raise ValueError("a regimen needs a dose, or a text saying how the dose is found")
        if self.divided and self.frequency is None:
            raise ValueError("divided doses need a frequency ('every 12 hours')")
        if self.single_dose and (self.frequency or self.duration or self.repeat):
            raise ValueError("a single dose has no frequency, duration or repeat")
        return self


class Cycling(Fact):
    regimens: list[Id] = Field(
        default_factory=list, description="Regimens the cycling applies to (empty: every regimen)."
    )
    scope_reason: Text | None = Field(default=None, description="Why the cycling applies to these regimens.")
    cycle_length: Duration
    rest_period: Duration
    qualifier: Text | None = Field(default=None, description="e.g. 'typically'")
    rationale: Text | None = None


class Adjustment(Fact):
    """A change to the usual dosing for a population (renal band, the elderly): typed where it is a dose, a
    decision ('not recommended', 'contraindicated') where it is not."""

    population: Id
    regimens: list[Id] = Field(default_factory=list, description="Regimens it changes (empty: all shown).")
    action: AdjustmentAction
    consider: bool = Field(default=False, description="The source says 'consider' (a suggestion, not a rule).")
    highlights: bool = True
    summary: Text | None = Field(default=None, description="The Highlights short form.")
    dose: Dose | None = None
    example: bool = Field(default=False, description="The source gives the dose as an example ('e.g.').")
    frequency: Frequency | None = None
    max_daily_dose: DailyMaximum | None = None
    reason: Text | None = Field(default=None, description="Printed after the dose: 'to minimize adverse effects'.")
    text: Text | None = Field(default=None, description="Anything the typed parts cannot say, professional.")
    patient_text: Text | None = None

    @model_validator(mode="after")
    def _dose_for_dose_actions(self) -> Adjustment:
        if self.action in ("starting-dose", "dose") and self.dose is None and self.text is None:
            raise ValueError(f"action {self.action!r} needs a dose (or a text saying what to do)")
        if self.action == "avoid-dose" and self.dose is None:
            raise ValueError("action 'avoid-dose' needs the dose to avoid")
        if self.action == "monitor" and not self.text:
            raise ValueError("action 'monitor' needs a text saying what to monitor")
        return self


class DosingSummary(Fact):
    """A Highlights short form standing for several regimens: 'In adults, 750–1,750 mg/day in divided doses
    every 8 to 12 hours'. Typed like a regimen; the regimens it summarises keep every detail in the FPI."""

    population: Id | None = None
    indications: list[Id] = Field(default_factory=list)
    dose: Dose | None = None
    divided: bool = False
    frequency: Frequency | None = None
    regimens: list[Id] = Field(default_factory=list, description="The regimens it summarises.")
    text: Text | None = Field(
        default=None,
        description="Anything the typed parts cannot say (or, without a "
        "dose, the whole statement: 'Monitor INR every 1 to 4 weeks').",
    )
    sections: list[Text] = Field(
        default_factory=list,
        description="The package insert sections it refers to, by key (default: dosage-recommended).",
    )

    @model_validator(mode="after")
    def _says_something(self) -> DosingSummary:
        if self.dose is None and not self.text:
            raise ValueError("a Highlights dosing statement needs a dose or a text")
        return self


class Target(Fact):
    """A treatment target a dose is adjusted to reach: 'INR 2–3 for at least 3 months'."""

    indications: list[Id] = Field(default_factory=list)
    population: Id | None = None
    measure: Text = Field(description="What is measured, e.g. 'INR', 'LDL-C'.")
    range: Target_ = Field(description="The target, e.g. '2-3 INR', '<100 mg/dL'.")
    duration: Duration | None = None
    text: Text | None = None
    patient_text: Text | None = None
    highlights: bool = Field(
        default=True, description="Listed in Highlights (false where the source's Highlights leave it to the FPI)."
    )


class Combination(Fact):
    agents: list[Text] = Field(min_length=1)
    indications: list[Id] = Field(min_length=1)
    text: Text
    patient_text: Text | None = None


class Dosing(Strict):
    routes: list[Route] = Field(min_length=1)
    regimens: list[Regimen] = Field(min_length=1)
    cycling: Cycling | None = None
    adjustments: list[Adjustment] = Field(default_factory=list)
    combinations: list[Combination] = Field(default_factory=list)
    administration: list[Instruction] = Field(default_factory=list, description="How to give it (2.x).")
    highlights: list[DosingSummary] = Field(
        default_factory=list, description="Highlights short forms standing for several regimens."
    )
    targets: list[Target] = Field(default_factory=list, description="Treatment targets (e.g. INR ranges).")


class Instruction(Fact):
    text: Text
    patient_text: Text | None = None


# --- preparation ---------------------------------------------------------------------------------------------


class Reconstitution(Fact):
    presentation: Id = Field(
        description="Id of the presentation, or of one of its packages (a bottle size), that is reconstituted."
    )
    diluent: Text
    volume: Volume = Field(description="Diluent added, e.g. '10 mL'.")
    concentration: Concentration | Strength = Field(description="Result, e.g. '10 mg/mL' or '125 mg/5 mL'.")
    final_volume: Volume | None = None


class Dilution(Fact):
    diluent: Text
    final_volume: Volume | None = None
    concentration: Concentration | None = None
    text: Text | None = None


class Preparation(Strict):
    reconstitution: list[Reconstitution] = Field(default_factory=list)
    dilution: list[Dilution] = Field(default_factory=list)
    incompatible: list[Text] = Field(default_factory=list, description="Diluents or agents not to mix with.")
    steps: list[Instruction] = Field(default_factory=list)


# --- storage ---------------------------------------------------------------------------------------------


class StorageCondition(Fact):
    applies_to: Text
    patient_applies_to: Text | None = None
    state: StorageState | None = None
    temperature: Temperature | None = None
    temperature_name: Text | None = Field(default=None, description="e.g. 'room temperature', 'refrigerated'")
    excursions: Temperature | None = Field(default=None, description="USP excursions, e.g. '15-30 °C'")
    condition: Text | None = Field(default=None, description="When this applies, e.g. 'if not used at once'.")
    patient_condition: Text | None = None
    use_immediately: bool = False
    time_limit: Duration | None = None
    protect_from: list[Protection] = Field(default_factory=list)
    do_not_freeze: bool = False
    do_not_refrigerate: bool = False
    discard_unused: bool = False

    @model_validator(mode="after")
    def _says_something(self) -> StorageCondition:
        if not (
            self.temperature
            or self.time_limit
            or self.use_immediately
            or self.protect_from
            or self.do_not_freeze
            or self.do_not_refrigerate
            or self.discard_unused
        ):
            raise ValueError("a storage condition needs a temperature, a time limit or a handling instruction")
        return self


class Storage(Strict):
    conditions: list[StorageCondition] = Field(min_length=1)
    dispense_in: Text | None = Field(
        default=None, description="e.g. 'a tight, light-resistant container as defined in the USP'"
    )
    freezing_reason: Text | None = None
    patient_freezing_reason: Text | None = None


# --- safety ----------------------------------------------------------------------------------------------


class BoxedItem(Fact):
    text: Text
    summary: Text | None = Field(default=None, description="The Highlights short form.")
    patient_text: Text | None = None
    warnings: list[Id] = Field(default_factory=list, description="Warnings (5.x) it cross-references.")
    sections: list[Text] = Field(
        default_factory=list,
        description="Other sections it cross-references, by key (e.g. dosage-recommended, interactions, counseling).",
    )


class BoxedWarning(Strict):
    title: Text = Field(description="After 'WARNING:', in capitals, e.g. 'SERIOUS INFECTIONS AND MALIGNANCY'")
    items: list[BoxedItem] = Field(min_length=1)


class Contraindication(Fact):
    text: Text
    patient_text: Text
    summary: Text | None = Field(default=None, description="The Highlights short form.")


class WarningItem(Fact):
    """A warning; a threshold dose is written once, as a typed fact, and placed in the text at ``{threshold}``."""

    title: Text
    heading: Text | None = Field(
        default=None,
        description="The FPI subsection heading exactly as printed, where "
        "title case would change a name's case; default: the title in title case.",
    )
    threshold: Dose | None = Field(default=None, description="A dose at or above which the risk rises.")
    text: Text
    summary: Text | None = Field(default=None, description="The Highlights short form.")
    highlights: bool = Field(
        default=True,
        description="Listed in Highlights (PLR asks for the most clinically "
        "significant; false where the source's Highlights leave it out).",
    )
    patient_text: Text | None = None
    serious: bool = Field(default=False, description="Listed under the patient's serious side effects.")

    @field_validator("text", "patient_text", "summary")
    @classmethod
    def _threshold_placed(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        count = value.count(THRESHOLD_SLOT)
        if info.field_name == "summary" and not count:
            return value
        if info.data.get("threshold") is not None and count != 1:
            raise ValueError(f"must place the threshold once, as {THRESHOLD_SLOT}, instead of repeating it")
        if info.data.get("threshold") is None and count and "threshold" not in info.data:
            return value  # the threshold itself failed validation; that error is reported already
        if info.data.get("threshold") is None and count:
            raise ValueError(f"uses {THRESHOLD_SLOT} but the warning has no threshold")
        return value


class AdverseReaction(Fact):
    term: Text
    patient_term: Text | None = None
    severity: Literal["mild", "moderate", "severe"] | None = None


class TrialArm(Fact):
    name: Text
    patients: int | None = Field(default=None, gt=0, description="Number of patients (N).")


class IncidenceRow(Strict):
    reaction: Id = Field(description="Id of an adverse reaction.")
    incidence: dict[Id, Percentage] = Field(description="Arm id → incidence, e.g. {metformin: 53.2%}.")


class TrialData(Strict):
    """6.1: reactions by incidence per arm; the first arm is the product's, and ``cutoff`` is the incidence the
    table lists from (it makes 'most common' unless ``adverse_reactions.most_common`` says otherwise)."""

    description: Text | None = Field(default=None, description="Which trials, which patients.")
    arms: list[TrialArm] = Field(min_length=1)
    cutoff: Percentage = Field(description="The incidence that makes a reaction 'most common', e.g. '≥5%'.")
    rows: list[IncidenceRow] = Field(min_length=1)


class MostCommon(Strict):
    """The reactions the label calls most common, and the incidence that makes them so (Highlights)."""

    cutoff: Percentage = Field(description="e.g. '>1%', '≥5%'")
    reactions: list[Id] = Field(min_length=1)


class PostmarketingGroup(Strict):
    system: Text = Field(description="Body system, e.g. 'Gastrointestinal'.")
    reactions: list[Id] = Field(min_length=1)
    text: Text | None = Field(default=None, description="What the source adds about the group (printed after it).")


class AdverseReactions(Strict):
    reactions: list[AdverseReaction] = Field(min_length=1)
    overall: Text | None = Field(default=None, description="The source's overall statement, if any (not printed).")
    most_common: MostCommon | None = None
    clinical_trials: list[TrialData] = Field(default_factory=list)
    postmarketing: list[Id] = Field(default_factory=list, description="Reactions from postmarketing reports.")
    postmarketing_groups: list[PostmarketingGroup] = Field(default_factory=list)


class Interaction(Fact):
    agents: list[Text] = Field(min_length=1)
    text: Text = Field(description="The consequence.")
    action: Text | None = Field(default=None, description="What to do, e.g. 'Avoid concomitant use.'")
    patient_text: Text | None = None
    summary: Text | None = Field(default=None, description="The Highlights short form.")
    highlights: bool = True


class SpecificPopulation(Fact):
    population: PopulationKind
    text: Text
    patient_text: Text | None = None
    summary: Text | None = Field(default=None, description="The Highlights short form.")
    highlights: bool = True


class Monitoring(Fact):
    text: Text
    patient_text: Text | None = None
    when: Text | None = None


class Narrative(Fact):
    """Text of a section that is prose by nature (pharmacokinetics, clinical studies): printed as written."""

    section: NarrativeSection
    text: Text


# --- description, pharmacology, references ------------------------------------------------------------------


class Component(Fact):
    name: Text
    fraction: Percentage
    detail: Text | None = None


class Description(Strict):
    text: Text
    values: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")], AnyQuantity] = Field(
        default_factory=dict, description="Typed numbers the text places with {name}."
    )
    components: list[Component] = Field(default_factory=list)
    named_factors: list[Text] = Field(default_factory=list, description="Named constituents, e.g. BDNF.")


class Mechanism(Fact):
    name: Text | None = None
    text: Text
    markers: list[Text] = Field(default_factory=list)


class Reference(Fact):
    citation: Text
    status: Literal["cited", "named-only"] = Field(
        default="cited",
        description="'named-only': the source names it without a citable publication; such a "
        "reference is kept but never printed as a reference.",
    )
    note: Text | None = None


# --- marketing and open questions ----------------------------------------------------------------------------


class Claim(Fact):
    text: Text
    status: ClaimStatus
    supported_by: list[Id] = Field(default_factory=list, description="Ids of label facts or references.")
    reason: Text = Field(description="The reviewer's reason for the status.")
    source: Text | None = None


class Gap(Fact):
    title: Text = Field(description="A few words naming the open question, printed in the draft notice.")
    about: Text = Field(description="Which fact is missing or incomplete.")
    text: Text
    affects: list[Id] = Field(default_factory=list)
    sections: list[Text] = Field(
        default_factory=list,
        description="Document sections that print this gap as their placeholder, by key (e.g. pop-pregnancy).",
    )


class PatientInfo(Strict):
    """Patient wording that has no professional counterpart."""

    what_it_is: Text
    how_it_is_given: Text | None = None
    avoid: list[Text] = Field(default_factory=list, description="What should I avoid while using it?")
    pack_contents: Text | None = None


# --- the label -----------------------------------------------------------------------------------------------


def _list_or_none(schema: JsonDict) -> None:
    """The schema of `contraindications`: a list of them, or the word `none`."""
    schema.update(anyOf=[{"type": "array", "items": schema.pop("items")}, {"const": "none"}])
    schema.pop("type")


class Label(Strict):
    """One product's label: everything its documents say comes from here."""

    product: Product
    label: LabelInfo
    populations: list[Population] = Field(default_factory=list)
    indications: list[Indication] = Field(min_length=1)
    dosing: Dosing
    preparation: Preparation | None = None
    storage: Storage
    boxed_warning: BoxedWarning | None = None
    contraindications: list[Contraindication] = Field(
        description="The contraindications, or `none` when the product has none (the documents say 'None').",
        json_schema_extra=_list_or_none,
    )
    warnings: list[WarningItem] = Field(default_factory=list)
    adverse_reactions: AdverseReactions
    interactions: list[Interaction] = Field(default_factory=list)
    specific_populations: list[SpecificPopulation] = Field(default_factory=list)
    monitoring: list[Monitoring] = Field(default_factory=list)
    narrative: list[Narrative] = Field(default_factory=list)
    counseling: list[Instruction] = Field(default_factory=list, description="Patient counseling points (17).")
    description: Description
    mechanisms: list[Mechanism] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    patient: PatientInfo

    # Where each value was written: raw path tuple (field names and list indexes) → (line, column), 1-based.
    # Filled by the loader.
    _source_file: str = PrivateAttr(default="")
    _positions: dict[tuple[Any, ...], tuple[int, int]] = PrivateAttr(default_factory=dict)
    _no_contraindications: bool = PrivateAttr(default=False)
    _index: tuple[tuple[int, ...], dict[str, tuple[FactPath, Fact]]] | None = PrivateAttr(default=None)
    _nodes: tuple[tuple[int, ...], dict[int, FactPath]] | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _explicit_none(cls, data: Any, handler: ModelWrapValidatorHandler[Label]) -> Label:
        """`contraindications: none` is the decision that there are none; `[]` may be a deleted block."""
        if not isinstance(data, dict):
            return handler(data)  # an existing Label keeps its own decision
        explicit = data.get("contraindications") == "none"  # exactly as the schema says
        label = handler({**data, "contraindications": []} if explicit else data)
        label._no_contraindications = explicit
        return label

    @property
    def no_contraindications(self) -> bool:
        """The content says explicitly that the product has no contraindications."""
        return self._no_contraindications

    # -- lookups ---------------------------------------------------------------------------------------------
    def facts(self) -> Iterator[tuple[FactPath, Fact]]:
        """Every identified fact with its path in the content, in document order."""
        return ((path, node) for path, node in walk(self) if isinstance(node, Fact))

    def _fact_index(self) -> dict[str, tuple[FactPath, Fact]]:
        """id → (path, fact), built once per label. The key is the identity of every top-level value, so a copy
        made with ``model_copy(update=…)`` (labels are never edited in place) builds its own."""
        key = tuple(id(getattr(self, name)) for name in type(self).model_fields)
        cached = self._index
        if cached is None or cached[0] != key:
            index: dict[str, tuple[FactPath, Fact]] = {}
            for path, fact in self.facts():
                index.setdefault(fact.id, (path, fact))
            cached = self._index = (key, index)
        return cached[1]

    def node_paths(self) -> dict[int, FactPath]:
        """id(record) → its path, for every record of the content (facts and the records that hold them): where a
        composer's runs come from. Built once per label, as ``_fact_index``."""
        key = tuple(id(getattr(self, name)) for name in type(self).model_fields)
        cached = self._nodes
        if cached is None or cached[0] != key:
            cached = self._nodes = (key, {id(node): path for path, node in walk(self) if isinstance(node, BaseModel)})
        return cached[1]

    def fact(self, fact_id: str) -> Fact:
        return self._fact_index()[fact_id][1]

    def fact_path(self, fact_id: str) -> FactPath:
        return self._fact_index()[fact_id][0]

    def route(self, route_id: str) -> Route:
        return next(r for r in self.dosing.routes if r.id == route_id)

    def population(self, population_id: str) -> Population:
        return next(p for p in self.populations if p.id == population_id)

    def indication(self, indication_id: str) -> Indication:
        return next(i for i in self.indications if i.id == indication_id)

    def reaction(self, reaction_id: str) -> AdverseReaction:
        return next(r for r in self.adverse_reactions.reactions if r.id == reaction_id)

    @property
    def is_draft(self) -> bool:
        """A label with open gaps is a draft: its documents say so on every page."""
        return bool(self.gaps)

    def position(self, path: FactPath | tuple[Any, ...]) -> tuple[int, int]:
        """The line and column of ``path`` in the content file, or of its nearest written ancestor."""
        raw = path.raw if isinstance(path, FactPath) else path
        while raw:
            if raw in self._positions:
                return self._positions[raw]
            raw = raw[:-1]
        return self._positions.get((), (1, 1))

    @property
    def source_file(self) -> str:
        return self._source_file


# --- fact paths and the one model walker ----------------------------------------------------------------------


@dataclass(frozen=True)
class FactPath:
    """Where a value is in the content: the raw path (field names and list indexes, as YAML has it) and the
    path people read, with list items named by their id: ``dosing.regimens[stroke-tbi].dose``.

    Equal paths are equal by their text, so a path from one label version finds the same fact in another."""

    raw: tuple[Any, ...]
    text: str

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FactPath) and self.text == other.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __truediv__(self, key: Any) -> FactPath:
        """``path / "dose"``, ``path / 0`` (an item without an id), ``path / fact`` (an item named by its id)."""
        return self.child(key)

    def child(self, key: Any, value: Any = None) -> FactPath:
        """The path one step down: a field name, or a list index (shown as the item's id when it has one —
        a model fact, or a mapping from the YAML with an ``id`` text)."""
        if isinstance(key, int):
            if isinstance(value, Fact):
                item_id: Any = value.id
            elif isinstance(value, dict):
                item_id = value.get("id") if isinstance(value.get("id"), str) else None
            else:
                item_id = None
            return FactPath(self.raw + (key,), f"{self.text}[{item_id if item_id else key}]")
        return FactPath(self.raw + (key,), f"{self.text}.{key}" if self.text else str(key))

    @staticmethod
    def resolve(root: Any, raw: tuple[Any, ...]) -> FactPath:
        """The path of ``raw`` (names and indexes) inside ``root`` (a label, or the plain data it was loaded
        from), list items named by their ids as far as ``root`` has them."""
        path, node = ROOT, root
        for key in raw:
            if isinstance(node, BaseModel):
                node = getattr(node, key, None) if isinstance(key, str) else None
            elif isinstance(node, dict):
                node = node.get(key)
            elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
                node = node[key]
            else:
                node = None
            path = path.child(key, node)
        return path

    @property
    def top(self) -> str:
        """The top-level content section: ``dosing`` for ``dosing.regimens[x].dose``."""
        return re.split(r"[.\[]", self.text, maxsplit=1)[0]

    @property
    def field(self) -> str:
        """The last field name: ``dose`` for ``dosing.regimens[x].dose``."""
        return next((k for k in reversed(self.raw) if isinstance(k, str)), "")

    @property
    def fact(self) -> str:
        """The path of the fact this value belongs to (up to the last list item), e.g. ``dosing.regimens[x]``."""
        match = re.match(r"^(.*\])", self.text)
        return match.group(1) if match else self.text

    @staticmethod
    def parse(text: str) -> tuple[str | tuple[str], ...]:
        """``dosing.regimens[x].dose`` → ('dosing', 'regimens', ('x',), 'dose'): items as 1-tuples."""
        parts: list[str | tuple[str]] = []
        for name, item in re.findall(r"([^.\[\]]+)|\[([^\]]*)\]", text):
            parts.append(name if name else (item,))
        return tuple(parts)


ROOT = FactPath((), "")


def walk(
    node: Any, path: FactPath = ROOT, skip: Callable[[Any, Any, Any], bool] | None = None
) -> Iterator[tuple[FactPath, Any]]:
    """Every value under ``node`` with its path, parents first. ``skip(parent, key, value)`` leaves a value,
    and everything under it, out."""
    if skip is None and path is ROOT and isinstance(node, Label):
        return itertools.chain(((ROOT, node),), _walked(node))
    return _walk(node, path, skip)


def once_per_label(compute: Callable[[Label], T]) -> Callable[[Label], T]:
    """``compute(label)`` done once per label object and kept beside it, not on it (labels compare by their
    content), until the label is dropped. Labels are frozen, and a copy is another object, with its own."""
    found: dict[int, T] = {}

    def memoised(label: Label) -> T:
        key = id(label)
        if key not in found:
            found[key] = compute(label)
            weakref.finalize(label, found.pop, key, None)
        return found[key]

    memoised.cache = found  # type: ignore[attr-defined]
    return memoised


@once_per_label
def _walked(label: Label) -> tuple[tuple[FactPath, Any], ...]:
    """Every value under a label with its path (checks walk a label many times); the label itself left out, so
    that nothing kept here keeps it alive."""
    return tuple(itertools.islice(_walk(label, ROOT, None), 1, None))


def _walk(node: Any, path: FactPath, skip: Callable[[Any, Any, Any], bool] | None) -> Iterator[tuple[FactPath, Any]]:
    yield path, node
    if isinstance(node, BaseModel):
        items: Any = ((name, getattr(node, name)) for name in type(node).model_fields)
    elif isinstance(node, list):
        items = enumerate(node)
    elif isinstance(node, dict):
        items = node.items()
    else:
        return
    for key, value in items:
        if skip is None or not skip(node, key, value):
            yield from _walk(value, path.child(key, value), skip)


def reference_problems(label: Label) -> list[tuple[tuple[Any, ...], str]]:
    """Structural problems pydantic cannot see: duplicate ids and references to facts that do not exist."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    seen: dict[str, FactPath] = {}
    for path, fact in label.facts():
        if fact.id in seen:
            line, _ = label.position(seen[fact.id].raw + ("id",))
            problems.append((path.raw + ("id",), f"duplicate id {fact.id!r} (already used at line {line})"))
        else:
            seen[fact.id] = path
    if label.product.id in seen:
        problems.append((("product", "id"), f"product id {label.product.id!r} is also a fact id"))
    facts_by_id = {fact.id: fact for _, fact in label.facts()}
    from labeling.documents import DOCUMENT_KINDS

    section_keys = {spec.key for kind in DOCUMENT_KINDS.values() for spec in kind.sections()}
    insert_keys = {spec.key for spec in DOCUMENT_KINDS["package-insert"].sections()}
    for g_index, gap in enumerate(label.gaps):
        for s_index, key in enumerate(gap.sections):
            if key not in section_keys:
                problems.append((("gaps", g_index, "sections", s_index), _unknown_section(key, section_keys)))
    for d_index, summary in enumerate(label.dosing.highlights):
        for s_index, key in enumerate(summary.sections):
            if key not in insert_keys:
                problems.append(
                    (("dosing", "highlights", d_index, "sections", s_index), _unknown_section(key, insert_keys))
                )
    if label.boxed_warning:
        for i_index, item in enumerate(label.boxed_warning.items):
            for s_index, key in enumerate(item.sections):
                if key not in insert_keys:
                    problems.append(
                        (("boxed_warning", "items", i_index, "sections", s_index), _unknown_section(key, insert_keys))
                    )
    for path, value in walk(label):
        if isinstance(value, str) and "{see:" in value:
            for key in SEE.findall(value):
                if key not in insert_keys and key not in facts_by_id:
                    problems.append((path.raw, f"{{see:{key}}}: {_unknown_section(key, insert_keys)}, or a fact id"))
    if label.label.market == "eu" and label.product.manufacturer is None:
        problems.append(
            (
                ("product", "manufacturer"),
                "an EU leaflet names the manufacturer (QRD section 6): write product.manufacturer",
            )
        )

    def expect(path: tuple[Any, ...], ref: str, kinds: tuple[type, ...], what: str) -> None:
        if ref not in facts_by_id:
            import difflib

            candidates = [i for i, f in facts_by_id.items() if isinstance(f, kinds)]
            close = difflib.get_close_matches(ref, candidates, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            known = f"; known: {', '.join(candidates)}" if candidates else f"; the label has no {what}"
            problems.append((path, f"{ref!r} is not the id of any {what}{hint}{known}"))
        elif not isinstance(facts_by_id[ref], kinds):
            problems.append((path, f"{ref!r} is not the id of a {what}"))

    for r_index, regimen in enumerate(label.dosing.regimens):
        base: tuple[Any, ...] = ("dosing", "regimens", r_index)
        for i, ref in enumerate(regimen.indications):
            expect(base + ("indications", i), ref, (Indication,), "indication")
        for i, ref in enumerate(regimen.routes):
            expect(base + ("routes", i), ref, (Route,), "route in dosing.routes")
        if regimen.population:
            expect(base + ("population",), regimen.population, (Population,), "population")
        if regimen.then:
            expect(base + ("then",), regimen.then, (Regimen,), "regimen")
    for i_index, indication in enumerate(label.indications):
        if indication.population:
            expect(("indications", i_index, "population"), indication.population, (Population,), "population")
    if label.dosing.cycling:
        for i, ref in enumerate(label.dosing.cycling.regimens):
            expect(("dosing", "cycling", "regimens", i), ref, (Regimen,), "regimen")
    for a_index, adjustment in enumerate(label.dosing.adjustments):
        expect(("dosing", "adjustments", a_index, "population"), adjustment.population, (Population,), "population")
        for i, ref in enumerate(adjustment.regimens):
            expect(("dosing", "adjustments", a_index, "regimens", i), ref, (Regimen,), "regimen")
    for s_index, summary in enumerate(label.dosing.highlights):
        base = ("dosing", "highlights", s_index)
        if summary.population:
            expect(base + ("population",), summary.population, (Population,), "population")
        for i, ref in enumerate(summary.indications):
            expect(base + ("indications", i), ref, (Indication,), "indication")
        for i, ref in enumerate(summary.regimens):
            expect(base + ("regimens", i), ref, (Regimen,), "regimen")
    for t_index, target in enumerate(label.dosing.targets):
        base = ("dosing", "targets", t_index)
        if target.population:
            expect(base + ("population",), target.population, (Population,), "population")
        for i, ref in enumerate(target.indications):
            expect(base + ("indications", i), ref, (Indication,), "indication")
    for r_index, change in enumerate(label.label.recent_major_changes):
        for i, ref in enumerate(change.about):
            expect(("label", "recent_major_changes", r_index, "about", i), ref, (Fact,), "label fact")
    if label.adverse_reactions.most_common:
        for i, ref in enumerate(label.adverse_reactions.most_common.reactions):
            expect(("adverse_reactions", "most_common", "reactions", i), ref, (AdverseReaction,), "adverse reaction")
    for g_index, group in enumerate(label.adverse_reactions.postmarketing_groups):
        for i, ref in enumerate(group.reactions):
            expect(
                ("adverse_reactions", "postmarketing_groups", g_index, "reactions", i),
                ref,
                (AdverseReaction,),
                "adverse reaction",
            )
    for c_index, combination in enumerate(label.dosing.combinations):
        for i, ref in enumerate(combination.indications):
            expect(("dosing", "combinations", c_index, "indications", i), ref, (Indication,), "indication")
    if label.preparation:
        for r_index, recon in enumerate(label.preparation.reconstitution):
            expect(
                ("preparation", "reconstitution", r_index, "presentation"),
                recon.presentation,
                (Presentation, Package),
                "presentation or package in product.presentations",
            )
    if label.boxed_warning:
        for b_index, item in enumerate(label.boxed_warning.items):
            for i, ref in enumerate(item.warnings):
                expect(("boxed_warning", "items", b_index, "warnings", i), ref, (WarningItem,), "warning")
    for t_index, trials in enumerate(label.adverse_reactions.clinical_trials):
        arms = {arm.id for arm in trials.arms}
        for row_index, row in enumerate(trials.rows):
            base = ("adverse_reactions", "clinical_trials", t_index, "rows", row_index)
            expect(base + ("reaction",), row.reaction, (AdverseReaction,), "adverse reaction")
            for arm in row.incidence:
                if arm not in arms:
                    problems.append(
                        (
                            base + ("incidence", arm),
                            f"{arm!r} is not the id of an arm of the trials (arms: {', '.join(sorted(arms))})",
                        )
                    )
            if trials.arms[0].id not in row.incidence:
                problems.append((base + ("incidence",), f"no incidence for the product's arm {trials.arms[0].id!r}"))
    for p_index, ref in enumerate(label.adverse_reactions.postmarketing):
        expect(("adverse_reactions", "postmarketing", p_index), ref, (AdverseReaction,), "adverse reaction")
    for c_index, claim in enumerate(label.claims):
        for i, ref in enumerate(claim.supported_by):
            expect(("claims", c_index, "supported_by", i), ref, (Fact,), "label fact or reference")
    for g_index, gap in enumerate(label.gaps):
        for i, ref in enumerate(gap.affects):
            expect(("gaps", g_index, "affects", i), ref, (Fact,), "label fact")
    return problems


def _unknown_section(key: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{key!r} is not a document section{hint}; sections are: {', '.join(sorted(known))}"
