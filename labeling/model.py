"""The typed content model: one label, its facts typed and identified.

The model is the AST of this tool (pandoc's idea): renderers, the verifier, the linter and the diff all
read it, none of them reads YAML. Every fact carries an ``id`` unique within its label, so a fact can be
referenced (regimen → indication, claim → supporting fact), reported (``dosing.regimens[stroke-tbi].dose``)
and compared across versions. Numbers live only in typed quantities (``labeling.quantities``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, ValidationInfo, field_validator,
                      model_validator)

from labeling.quantities import (
    Concentration,
    Count,
    Dose,
    Duration,
    Frequency,
    Percentage,
    SingleDose,
    Strength,
    Temperature,
)

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64),
    Field(description="A stable identifier: lower-case letters, digits and hyphens, unique within the label."),
]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

IndicationStatus = Literal["approved", "investigational", "off-label"]
ClaimStatus = Literal["approved", "rejected", "pending"]
RouteName = Literal["intravenous", "intramuscular", "subcutaneous", "oral", "intrathecal"]
Protection = Literal["light", "moisture", "heat"]
PopulationKind = Literal[
    "pregnancy", "lactation", "pediatric", "geriatric", "renal-impairment", "hepatic-impairment"
]
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


THRESHOLD_SLOT = "{threshold}"


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never silently drop a fact."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Suppression(Strict):
    """A recorded decision that a lint rule does not apply to this fact, and why."""

    rule: Annotated[str, StringConstraints(pattern=r"^LBL\d{3}$")] = Field(description="e.g. 'LBL201'")
    reason: Text = Field(description="Why the rule does not apply: required, and reviewed like the fact itself.")


class Fact(Strict):
    id: Id
    lint_ignore: list[Suppression] = Field(default_factory=list,
                                           description="Lint rules this fact is exempt from, each with a reason.")


# --- identity and metadata -------------------------------------------------------------------------------


class Product(Strict):
    id: Id = Field(description="Product id: names the output folder output/<id>/.")
    name: Text = Field(description="Proprietary name.")
    active_ingredient: Text
    pharmacologic_class: Text | None = Field(default=None, description="e.g. 'peptide-based neurotrophic agent'")
    dosage_form: Text
    strength: Strength = Field(description="Strength per presentation unit, e.g. '60 mg/vial'.")
    pack: Count = Field(description="Units in one pack, e.g. '6 vials'.")
    concentration: Concentration | None = Field(
        default=None, description="Concentration of the solution; needed for any dose given in mL."
    )
    manufacturer: Text
    source_material: Text | None = Field(default=None, description="What the active ingredient is derived from.")


class RecentMajorChange(Strict):
    section: PlrSection
    date: dt.date
    summary: Text | None = None


class LabelInfo(Strict):
    version: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){0,2}$")] = Field(
        description="Label version, e.g. '1.0' or '1.2.0'."
    )
    revision_date: dt.date
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"
    initial_us_approval: int | None = Field(default=None, ge=1900, le=2100)
    adverse_reaction_contact: Text = Field(
        description="Who to contact to report suspected adverse reactions (Highlights and leaflet)."
    )
    recent_major_changes: list[RecentMajorChange] = Field(default_factory=list)


# --- indications and dosing --------------------------------------------------------------------------------


class Indication(Fact):
    name: Text
    patient_name: Text | None = Field(default=None, description="Plain-language name for the leaflet.")
    category: Text | None = None
    status: IndicationStatus
    status_reason: Text | None = Field(default=None, description="Why this status (required unless approved).")
    summary: Text = Field(description="What the source says about this use.")


class Route(Fact):
    name: RouteName
    abbreviation: Text
    note: Text | None = None


class Regimen(Fact):
    name: Text
    indications: list[Id] = Field(min_length=1)
    route: Id = Field(description="Id of a route in dosing.routes.")
    dose: Dose
    duration: Duration | None = None
    repeat: Frequency | None = Field(default=None, description="How often the course is repeated.")
    repeat_note: Text | None = None


class Cycling(Fact):
    regimens: list[Id] = Field(default_factory=list,
                               description="Regimens the cycling applies to (empty: every regimen).")
    scope_reason: Text | None = Field(default=None, description="Why the cycling applies to these regimens.")
    cycle_length: Duration
    rest_period: Duration
    qualifier: Text | None = Field(default=None, description="e.g. 'typically'")
    rationale: Text | None = None


class PopulationDosing(Fact):
    population: Text
    patient_population: Text | None = None
    starting_dose: SingleDose
    reason: Text | None = None


class Combination(Fact):
    agents: list[Text] = Field(min_length=1)
    indications: list[Id] = Field(min_length=1)
    text: Text
    patient_text: Text | None = None


class Dosing(Strict):
    routes: list[Route] = Field(min_length=1)
    regimens: list[Regimen] = Field(min_length=1)
    cycling: Cycling | None = None
    populations: list[PopulationDosing] = Field(default_factory=list)
    combinations: list[Combination] = Field(default_factory=list)


# --- storage ---------------------------------------------------------------------------------------------


class StorageCondition(Fact):
    applies_to: Text
    patient_applies_to: Text | None = None
    temperature: Temperature | None = None
    temperature_name: Text | None = Field(default=None, description="e.g. 'room temperature', 'refrigerate'")
    condition: Text | None = Field(default=None, description="When this applies, e.g. 'if not used at once'.")
    use_immediately: bool = False
    time_limit: Duration | None = None
    protect_from: list[Protection] = Field(default_factory=list)
    do_not_freeze: bool = False


class Storage(Strict):
    conditions: list[StorageCondition] = Field(min_length=1)
    freezing_reason: Text | None = None
    patient_freezing_reason: Text | None = None


# --- safety ----------------------------------------------------------------------------------------------


class Contraindication(Fact):
    text: Text
    patient_text: Text


class WarningItem(Fact):
    """A warning; a threshold dose is written once, as a typed fact, and placed in the text at ``{threshold}``."""

    title: Text
    threshold: SingleDose | None = Field(default=None, description="A dose at or above which the risk rises.")
    text: Text
    patient_text: Text | None = None

    @field_validator("text", "patient_text")
    @classmethod
    def _threshold_placed(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        count = value.count(THRESHOLD_SLOT)
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


class AdverseReactions(Strict):
    reactions: list[AdverseReaction] = Field(min_length=1)
    overall: Text | None = Field(default=None, description="The source's overall statement, if any.")


class Interaction(Fact):
    agents: list[Text] = Field(min_length=1)
    text: Text
    patient_text: Text | None = None


class SpecificPopulation(Fact):
    population: PopulationKind
    text: Text
    patient_text: Text | None = None


class Monitoring(Fact):
    text: Text
    patient_text: Text | None = None
    when: Text | None = None


# --- description, pharmacology, references ------------------------------------------------------------------


class Component(Fact):
    name: Text
    fraction: Percentage
    detail: Text | None = None


class Description(Strict):
    text: Text
    components: list[Component] = Field(default_factory=list)
    named_factors: list[Text] = Field(default_factory=list, description="Named constituents, e.g. BDNF.")


class Mechanism(Fact):
    name: Text
    text: Text
    markers: list[Text] = Field(default_factory=list)


class Reference(Fact):
    citation: Text
    status: Literal["cited", "named-only"] = Field(
        default="cited", description="'named-only': the source names it without a citable publication; such a "
        "reference is kept but never printed as a reference.")
    note: Text | None = None


# --- marketing and open questions ----------------------------------------------------------------------------


class Claim(Fact):
    text: Text
    status: ClaimStatus
    supported_by: list[Id] = Field(default_factory=list, description="Ids of label facts or references.")
    reason: Text = Field(description="The reviewer's reason for the status.")
    source: Text | None = None


class Gap(Fact):
    about: Text = Field(description="Which fact is missing or incomplete.")
    text: Text
    affects: list[Id] = Field(default_factory=list)


class PatientInfo(Strict):
    """Leaflet wording that has no professional counterpart."""

    what_it_is: Text
    how_it_is_given: Text | None = None
    pack_contents: Text | None = None


# --- the label -----------------------------------------------------------------------------------------------


class Label(Strict):
    """One product's label: everything the three documents say comes from here."""

    product: Product
    label: LabelInfo
    indications: list[Indication] = Field(min_length=1)
    dosing: Dosing
    storage: Storage
    contraindications: list[Contraindication] = Field(
        description="The contraindications, or `none` when the product has none (the documents say 'None').",
        json_schema_extra=lambda schema: schema.update(anyOf=[{"type": "array", "items": schema.pop("items")},
                                                               {"const": "none"}]) or schema.pop("type"))
    warnings: list[WarningItem] = Field(default_factory=list)
    adverse_reactions: AdverseReactions
    interactions: list[Interaction] = Field(default_factory=list)
    specific_populations: list[SpecificPopulation] = Field(default_factory=list)
    monitoring: list[Monitoring] = Field(default_factory=list)
    description: Description
    mechanisms: list[Mechanism] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    patient: PatientInfo

    # Where each value was written: path tuple → (line, column), 1-based. Filled by the loader.
    _source_file: str = PrivateAttr(default="")
    _positions: dict[tuple[Any, ...], tuple[int, int]] = PrivateAttr(default_factory=dict)
    _no_contraindications: bool = PrivateAttr(default=False)

    @model_validator(mode="wrap")
    @classmethod
    def _explicit_none(cls, data: Any, handler: Any) -> "Label":
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
    def facts(self) -> Iterator[tuple[tuple[Any, ...], Fact]]:
        """Every identified fact with its path in the content, in document order."""
        return ((path, node) for path, node in walk(self) if isinstance(node, Fact))

    def fact(self, fact_id: str) -> Fact:
        for _, fact in self.facts():
            if fact.id == fact_id:
                return fact
        raise KeyError(fact_id)

    @property
    def approved_indications(self) -> list[Indication]:
        return [i for i in self.indications if i.status == "approved"]

    @property
    def approved_regimens(self) -> list[Regimen]:
        """Regimens whose every indication is approved: the only ones a document may show."""
        approved = {i.id for i in self.approved_indications}
        return [r for r in self.dosing.regimens if set(r.indications) <= approved]

    @property
    def is_draft(self) -> bool:
        """A label with open gaps is a draft: its documents say so on every page."""
        return bool(self.gaps)

    @property
    def cycling(self) -> Cycling | None:
        """The cycling schedule, if it applies to a regimen the documents show."""
        cycling = self.dosing.cycling
        if cycling is None:
            return None
        shown = {r.id for r in self.approved_regimens}
        return cycling if not cycling.regimens or set(cycling.regimens) & shown else None

    @property
    def cited_references(self) -> list[Reference]:
        return [r for r in self.references if r.status == "cited"]

    @property
    def labelled_routes(self) -> list[Route]:
        """Routes used by an approved regimen: a route no approved regimen uses is not labelled."""
        used = {r.route for r in self.approved_regimens}
        return [r for r in self.dosing.routes if r.id in used]

    def route(self, route_id: str) -> Route:
        return next(r for r in self.dosing.routes if r.id == route_id)

    def position(self, path: tuple[Any, ...]) -> tuple[int, int]:
        """The line and column of ``path`` in the content file, or of its nearest written ancestor."""
        while path:
            if path in self._positions:
                return self._positions[path]
            path = path[:-1]
        return self._positions.get((), (1, 1))

    @property
    def source_file(self) -> str:
        return self._source_file


def walk(node: Any, path: tuple[Any, ...] = (),
         skip: Callable[[Any, Any, Any], bool] | None = None) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every value under ``node`` with its path (field names and list indexes), parents first.
    ``skip(parent, key, value)`` leaves a value, and everything under it, out."""
    yield path, node
    if isinstance(node, BaseModel):
        items: Any = ((name, getattr(node, name)) for name in type(node).model_fields)
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        if skip is None or not skip(node, key, value):
            yield from walk(value, path + (key,), skip)


def reference_problems(label: Label) -> list[tuple[tuple[Any, ...], str]]:
    """Structural problems pydantic cannot see: duplicate ids and references to facts that do not exist."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    seen: dict[str, tuple[Any, ...]] = {}
    for path, fact in label.facts():
        if fact.id in seen:
            line, _ = label.position(seen[fact.id] + ("id",))
            problems.append((path + ("id",), f"duplicate id {fact.id!r} (already used at line {line})"))
        else:
            seen[fact.id] = path
    if label.product.id in seen:
        problems.append((("product", "id"), f"product id {label.product.id!r} is also a fact id"))

    def expect(path: tuple[Any, ...], ref: str, kinds: tuple[type, ...], what: str) -> None:
        if ref not in seen:
            import difflib

            candidates = [i for i, p in seen.items() if isinstance(label_fact(p), kinds)]
            close = difflib.get_close_matches(ref, candidates, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append((path, f"{ref!r} is not the id of any {what}{hint}; known: {', '.join(candidates)}"))
        elif not isinstance(label_fact(seen[ref]), kinds):
            problems.append((path, f"{ref!r} is not the id of a {what}"))

    facts_by_path = {p: f for p, f in label.facts()}

    def label_fact(path: tuple[Any, ...]) -> Fact:
        return facts_by_path[path]

    for r_index, regimen in enumerate(label.dosing.regimens):
        base = ("dosing", "regimens", r_index)
        for i, ref in enumerate(regimen.indications):
            expect(base + ("indications", i), ref, (Indication,), "indication")
        expect(base + ("route",), regimen.route, (Route,), "route in dosing.routes")
    if label.dosing.cycling:
        for i, ref in enumerate(label.dosing.cycling.regimens):
            expect(("dosing", "cycling", "regimens", i), ref, (Regimen,), "regimen")
    for c_index, combination in enumerate(label.dosing.combinations):
        for i, ref in enumerate(combination.indications):
            expect(("dosing", "combinations", c_index, "indications", i), ref, (Indication,), "indication")
    for c_index, claim in enumerate(label.claims):
        for i, ref in enumerate(claim.supported_by):
            expect(("claims", c_index, "supported_by", i), ref, (Fact,), "label fact or reference")
    for g_index, gap in enumerate(label.gaps):
        for i, ref in enumerate(gap.affects):
            expect(("gaps", g_index, "affects", i), ref, (Fact,), "label fact")
    return problems
