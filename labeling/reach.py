"""Reach: which fact reaches which document kind, in which sections, with which wording.

This is the one table of that knowledge. Composers ask it which facts go into a section; the verifier asks it
which facts a section must show; lint asks it which text a reader will see; diff asks it which documents a
change touches; the product sheet asks it how to name a supporting fact. A test holds the composers to it:
every fact a composed document prints must be placed here for that kind and section.

Rules that hold everywhere:
- only approved uses reach a document: investigational and off-label indications, the regimens that serve
  them, routes and cycling only those regimens use, are kept as records and printed nowhere;
- reviewer notes (reasons, sources, gaps' own fields) are never printed;
- patient wording (``patient_*``) reaches patient documents only; professional wording the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, get_args

from labeling.documents import DOCUMENT_KINDS, PATIENT
from labeling.model import NarrativeSection, once_per_label

if TYPE_CHECKING:
    from labeling.model import (
        Adjustment,
        Claim,
        Combination,
        Cycling,
        FactPath,
        Indication,
        Label,
        Reference,
        Regimen,
        Route,
    )

PI, INSERT, LEAFLET, SHEET = "patient-information", "package-insert", "patient-leaflet", "product-sheet"
MG = "medication-guide"  # placed like the Patient Information (same sections, other title and headings)


# --- what is shown at all -------------------------------------------------------------------------------------


def approved_indications(label: Label) -> list[Indication]:
    return [i for i in label.indications if i.status == "approved"]


def shown_regimens(label: Label) -> list[Regimen]:
    """Regimens whose every indication is approved: the only ones a document may show."""
    approved = {i.id for i in approved_indications(label)}
    return [r for r in label.dosing.regimens if set(r.indications) <= approved]


def labelled_routes(label: Label) -> list[Route]:
    """Routes used by a shown regimen: a route no approved regimen uses is not labelled."""
    used = {route for r in shown_regimens(label) for route in r.routes}
    return [r for r in label.dosing.routes if r.id in used]


def shown_cycling(label: Label) -> Cycling | None:
    """The cycling schedule, if it applies to a regimen the documents show."""
    cycling = label.dosing.cycling
    if cycling is None:
        return None
    shown = {r.id for r in shown_regimens(label)}
    return cycling if not cycling.regimens or set(cycling.regimens) & shown else None


def shown_adjustments(label: Label) -> list[Adjustment]:
    shown = {r.id for r in shown_regimens(label)}
    return [a for a in label.dosing.adjustments if not a.regimens or set(a.regimens) & shown]


def shown_combinations(label: Label) -> list[Combination]:
    approved = {i.id for i in approved_indications(label)}
    return [c for c in label.dosing.combinations if set(c.indications) <= approved]


def approved_claims(label: Label) -> list[Claim]:
    return [c for c in label.claims if c.status == "approved"]


def cited_references(label: Label) -> list[Reference]:
    return [r for r in label.references if r.status == "cited"]


def shown_populations(label: Label) -> list[Any]:
    """Populations a shown regimen, adjustment or approved indication is for."""
    used = {r.population for r in shown_regimens(label) if r.population}
    used |= {a.population for a in shown_adjustments(label)}
    used |= {i.population for i in approved_indications(label) if i.population}
    return [p for p in label.populations if p.id in used]


# --- the table ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    group: str
    paths: tuple[str, ...]  # content paths the group owns (a value belongs to the longest matching prefix)
    places: Mapping[str, tuple[str, ...]]  # document kind → sections where its facts are printed
    shown: Callable[[Label], list[Any]] | None = None  # the facts that reach documents (None: all of them)
    major: bool = False  # a change is major (boxed warning, indications, dosing, contraindications, …)
    rmc: str | None = None  # the PLR section eligible for Recent Major Changes
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # field → the only kinds it reaches


def _all(*kinds: str, sections: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(kinds, sections)


_DOSING_PLACES = {
    INSERT: ("hl-dosage", "dosage-recommended", "dosage-populations", "dosage-cycles", "counseling"),
    PI: ("how",),
    LEAFLET: ("how-given",),
    SHEET: ("dosing", "claims"),
}
_EVERYWHERE = ("*",)  # every section (identity, metadata and furniture)

REACH: tuple[Reach, ...] = (
    Reach("product", ("product",), _all(INSERT, PI, LEAFLET, SHEET, sections=_EVERYWHERE)),
    Reach(
        "presentations",
        ("product.presentations",),
        {
            INSERT: ("hl-dosage-forms", "dosage-forms", "how-supplied-presentation", "dosage-preparation"),
            PI: ("ingredients", "storage"),
            LEAFLET: ("contents",),
            SHEET: ("identity", "claims"),
        },
        major=True,
    ),
    Reach(
        "ingredients",
        ("product.ingredients",),
        {INSERT: ("description",), PI: ("ingredients",), LEAFLET: ("contents",), SHEET: ("identity",)},
    ),
    Reach("label", ("label",), _all(INSERT, PI, LEAFLET, SHEET, sections=_EVERYWHERE)),
    Reach(
        "populations",
        ("populations",),
        {
            INSERT: (
                "hl-indications",
                "indication",
                "indications",
                "hl-dosage",
                "dosage-recommended",
                "dosage-populations",
                "dosage-targets",
            ),
            PI: ("what-is", "how"),
            LEAFLET: ("what-it-is", "how-given"),
            SHEET: ("dosing", "indications"),
        },
        shown=shown_populations,
        major=True,
        rmc="dosage",
    ),
    Reach(
        "indications",
        ("indications",),
        {
            INSERT: (
                "hl-indications",
                "indications",
                "indication",
                "hl-dosage",
                "dosage-recommended",
                "dosage-combinations",
                "dosage-targets",
                "hl-recent-major-changes",
            ),
            PI: ("what-is", "how"),
            LEAFLET: ("what-it-is", "how-given"),
            SHEET: ("indications", "dosing", "claims"),
        },
        shown=approved_indications,
        major=True,
        rmc="indications",
        fields={"statement": (INSERT, SHEET), "limitations": (INSERT, SHEET)},
    ),
    Reach(
        "routes",
        ("dosing.routes",),
        {
            INSERT: ("hl-dosage", "dosage-recommended", "fpi"),
            PI: ("how",),
            LEAFLET: ("how-given",),
            SHEET: ("identity", "dosing", "claims"),
        },
        shown=labelled_routes,
        major=True,
        rmc="dosage",
    ),
    Reach("regimens", ("dosing.regimens",), _DOSING_PLACES, shown=shown_regimens, major=True, rmc="dosage"),
    Reach(
        "cycling",
        ("dosing.cycling",),
        _DOSING_PLACES,
        shown=lambda label: [c for c in [shown_cycling(label)] if c is not None],
        major=True,
        rmc="dosage",
    ),
    Reach("adjustments", ("dosing.adjustments",), _DOSING_PLACES, shown=shown_adjustments, major=True, rmc="dosage"),
    Reach(
        "combinations",
        ("dosing.combinations",),
        {INSERT: ("dosage-combinations",), PI: ("before",), LEAFLET: ("before",), SHEET: ("claims",)},
        shown=shown_combinations,
        major=True,
        rmc="dosage",
    ),
    Reach("dosing-summaries", ("dosing.highlights",), {INSERT: ("hl-dosage",)}, major=True, rmc="dosage"),
    Reach(
        "targets",
        ("dosing.targets",),
        {INSERT: ("hl-dosage", "dosage-targets"), PI: ("how",), LEAFLET: ("how-given",), SHEET: ("dosing",)},
        major=True,
        rmc="dosage",
    ),
    Reach(
        "administration",
        ("dosing.administration",),
        {INSERT: ("dosage-administration",), PI: ("how",), LEAFLET: ("how-given",)},
        major=True,
        rmc="dosage",
    ),
    Reach("preparation", ("preparation",), {INSERT: ("dosage-preparation",)}, major=True, rmc="dosage"),
    Reach(
        "storage",
        ("storage",),
        {INSERT: ("storage", "how-supplied"), PI: ("storage",), LEAFLET: ("storage",), SHEET: ("storage", "claims")},
        major=True,
    ),
    Reach(
        "boxed-warning",
        ("boxed_warning",),
        {INSERT: ("hl-boxed-warning", "boxed-warning"), PI: ("important",), SHEET: ("safety",)},
        major=True,
        rmc="boxed-warning",
        fields={"summary": (INSERT,)},
    ),
    Reach(
        "contraindications",
        ("contraindications",),
        {
            INSERT: ("hl-contraindications", "contraindications", "counseling"),
            PI: ("who-not",),
            LEAFLET: ("before",),
            SHEET: ("safety", "claims"),
        },
        major=True,
        rmc="contraindications",
    ),
    Reach(
        "warnings",
        ("warnings",),
        {
            INSERT: ("hl-warnings", "warnings", "warning", "adverse-reactions", "hl-recent-major-changes"),
            PI: ("important", "side-effects"),
            LEAFLET: ("before", "how-given"),
            SHEET: ("safety", "claims"),
        },
        major=True,
        rmc="warnings",
        fields={"summary": (INSERT, SHEET)},
    ),
    Reach(
        "monitoring",
        ("monitoring",),
        {
            INSERT: ("hl-warnings", "warning-monitoring", "counseling"),
            PI: ("before",),
            LEAFLET: ("before",),
            SHEET: ("safety",),
        },
    ),
    Reach(
        "adverse-reactions",
        ("adverse_reactions",),
        {
            INSERT: ("hl-adverse-reactions", "adverse-reactions", "ar-trials", "ar-postmarketing", "counseling"),
            PI: ("side-effects",),
            LEAFLET: ("side-effects",),
            SHEET: ("safety", "claims"),
        },
    ),
    Reach(
        "interactions",
        ("interactions",),
        {INSERT: ("hl-interactions", "interactions"), PI: ("before",), LEAFLET: ("before",)},
    ),
    Reach(
        "specific-populations",
        ("specific_populations",),
        {
            INSERT: (
                "hl-populations",
                "populations",
                "pop-pregnancy",
                "pop-lactation",
                "pop-reproductive",
                "pop-pediatric",
                "pop-geriatric",
                "pop-renal",
                "pop-hepatic",
            ),
            PI: ("before",),
            LEAFLET: ("before",),
        },
    ),
    Reach(
        "narrative",
        ("narrative",),
        {INSERT: get_args(NarrativeSection)},  # each narrative is printed as the insert section of its name
    ),
    Reach("counseling", ("counseling",), {INSERT: ("counseling",)}),
    Reach(
        "description",
        ("description",),
        {INSERT: ("description",), PI: ("ingredients",), LEAFLET: ("contents",), SHEET: ("identity",)},
    ),
    Reach("mechanisms", ("mechanisms",), {INSERT: ("mechanism",), SHEET: ("claims",)}),
    Reach("references", ("references",), {INSERT: ("references",), SHEET: ("claims",)}, shown=cited_references),
    Reach("claims", ("claims",), {SHEET: ("claims",)}, shown=approved_claims),
    Reach("gaps", ("gaps",), _all(INSERT, PI, LEAFLET, SHEET, sections=_EVERYWHERE)),
    Reach(
        "patient",
        ("patient",),
        {PI: ("what-is", "how", "avoid", "storage"), LEAFLET: ("what-it-is", "how-given", "contents")},
    ),
)
REACH = tuple(
    Reach(
        r.group,
        r.paths,
        {**r.places, **({MG: r.places[PI]} if PI in r.places else {})},
        r.shown,
        r.major,
        r.rmc,
        {k: v + ((MG,) if PI in v else ()) for k, v in r.fields.items()},
    )
    for r in REACH
)
REACH_BY_GROUP = {r.group: r for r in REACH}

# Fields that are the reviewer's, never a reader's: printed nowhere.
NOTE_FIELDS = frozenset(
    {
        "status_reason",
        "source",
        "scope_reason",
        "note",
        "rationale",
        "id",
        "about",
        "lint_ignore",
        "category",
        "overall",
        "sources",
        "market_reason",
        "affects",
        "sections",
    }
)
# Fields that are notes only on some kinds of fact (an indication's summary is the source's words; a warning's
# summary is printed in Highlights; a claim's reason is the reviewer's, an adjustment's is printed).
NOTE_FIELDS_OF: dict[str, frozenset[str]] = {
    "Indication": frozenset({"summary"}),
    "Claim": frozenset({"reason", "status"}),
}
# Fields that only word a fact (how it is said, not what it is): a change to one is editorial unless a number
# moved (diff). Every ``patient_*`` field is wording too.
WORDING_FIELDS = frozenset(
    {
        "summary",
        "reason",
        "title",
        "heading",
        "freezing_reason",
        "temperature_name",
        "qualifier",
        "condition",
        "what_it_is",
        "how_it_is_given",
        "pack_contents",
    }
)
# Wording only on some kinds of fact: a regimen's or a mechanism's name is a row label or a heading; a product's,
# an ingredient's or a route's name is the fact itself.
WORDING_FIELDS_OF = {"Regimen": frozenset({"name"}), "Mechanism": frozenset({"name"})}
# Wording only a patient reads.
PATIENT_FIELDS = frozenset({"patient", "what_it_is", "how_it_is_given", "avoid", "pack_contents"})


def group_of(path: FactPath | str) -> Reach | None:
    """The reach entry that owns a content path (``dosing.regimens[x].dose`` → regimens)."""
    text = str(path)
    best: Reach | None = None
    best_length = -1
    for entry in REACH:
        for prefix in entry.paths:
            if (text == prefix or text.startswith((prefix + ".", prefix + "["))) and len(prefix) > best_length:
                best, best_length = entry, len(prefix)
    return best


def shown(label: Label, group: str) -> list[Any]:
    entry = REACH_BY_GROUP[group]
    if entry.shown is not None:
        return entry.shown(label)

    owner = entry.paths[0].split(".")
    node: Any = label
    for name in owner:
        node = getattr(node, name, None)
    return list(node) if isinstance(node, list) else ([node] if node is not None else [])


def kinds_of(label: Label) -> list[str]:
    """The document kinds the label gets (its market's, with its kind of patient labeling)."""
    from labeling.documents import outputs_for

    return list(dict.fromkeys(o.kind for o in outputs_for(label)))


def is_patient_field(name: str) -> bool:
    return name.startswith("patient_") or name in PATIENT_FIELDS


def is_note(parent: Any, key: Any) -> bool:
    return isinstance(key, str) and (key in NOTE_FIELDS or key in NOTE_FIELDS_OF.get(type(parent).__name__, ()))


def hidden(node: Any, label: Label) -> bool:
    """Whether this part of the content never reaches any document (a fact its group does not show)."""
    return id(node) in hidden_facts(label)


def skip_unprinted(label: Label) -> Callable[[Any, Any, Any], bool]:
    """A ``walk`` filter that leaves out reviewer notes and every fact that reaches no document."""
    hidden_ids = hidden_facts(label)

    def skip(parent: Any, key: Any, value: Any) -> bool:
        return is_note(parent, key) or id(value) in hidden_ids

    return skip


@once_per_label
def hidden_facts(label: Label) -> frozenset[int]:
    """Object ids of every fact that reaches no document (non-approved uses and what only they use, notes).
    Found once per label: verify, lint and the sheet all ask."""
    return frozenset(_hidden_facts(label))


def _hidden_facts(label: Label) -> set[int]:
    from labeling.model import Fact, Gap, Suppression, walk

    by_group: dict[str, list[Any]] = {}
    for path, node in walk(label):
        if isinstance(node, Fact):
            entry = group_of(path)
            if entry is not None:
                by_group.setdefault(entry.group, []).append(node)
    hidden_ids = set()
    for group, facts in by_group.items():
        entry = REACH_BY_GROUP[group]
        if entry.shown is None:
            continue
        shown_ids = {id(f) for f in entry.shown(label)}
        hidden_ids |= {id(f) for f in facts if id(f) not in shown_ids}
    hidden_ids |= {id(node) for _, node in walk(label) if isinstance(node, (Gap, Suppression))}
    return hidden_ids


def documents(label: Label, path: FactPath | str) -> tuple[str, ...]:
    """Which of the label's documents show the value at ``path`` (for diff: the documents a change touches)."""
    entry = group_of(path)
    if entry is None:
        return ()
    text = re.sub(r"\.values\.[^.\[]+$", ".values", str(path))  # a typed value is part of the text it sits in
    name = text.rsplit(".", 1)[-1].split("[")[0]
    if name in NOTE_FIELDS or name == "lint_ignore":
        return ()
    kinds = [k for k in kinds_of(label) if k in entry.places]
    if name in entry.fields:
        kinds = [k for k in kinds if k in entry.fields[name]]
    if is_patient_field(name) or entry.group == "patient":
        kinds = [k for k in kinds if DOCUMENT_KINDS[k].audience == PATIENT]
    return tuple(kinds)


def placed(kind: str, section: str, group: str) -> bool:
    """Whether the reach table places ``group`` in ``section`` of ``kind`` (the composers' contract)."""
    entry = REACH_BY_GROUP[group]
    places = entry.places.get(kind, ())
    return "*" in places or section in places
