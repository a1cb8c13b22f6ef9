"""Label vs label → fact-level changes, classified, with the change-control policy checks.

Facts are compared by their id path, never by position: reordering a list is not a change and renaming a
heading is not a dose change. Each change is classified:

- **major** — boxed warning, indications, dosage and administration, contraindications, warnings and
  precautions, storage (a change a patient or prescriber acts on);
- **minor** — any other label fact;
- **editorial** — wording only: a text that changed in case, spacing or punctuation only, or a wording field
  (patient phrasing, summaries, descriptions) whose numbers did not change.

The policy: any label change needs a higher version and a later revision date; a major change to a section
PLR allows in Recent Major Changes needs an entry for that section dated in the month of the new revision.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel

from labeling.model import Fact, Label
from labeling.quantities import Quantity, find_quantities, format_professional

MAJOR, MINOR, EDITORIAL = "major", "minor", "editorial"
SEVERITY_ORDER = {EDITORIAL: 0, MINOR: 1, MAJOR: 2}

# Top-level content section → (PLR section key for Recent Major Changes or None, major?, documents showing it)
ALL_DOCS = ("package-insert", "product-sheet", "patient-leaflet")
SECTIONS: dict[str, tuple[str | None, bool, tuple[str, ...]]] = {
    "indications": ("indications", True, ALL_DOCS),
    "dosing": ("dosage", True, ALL_DOCS),
    "contraindications": ("contraindications", True, ALL_DOCS),
    "warnings": ("warnings", True, ALL_DOCS),
    "storage": (None, True, ALL_DOCS),
    "product": (None, False, ALL_DOCS),
    "adverse_reactions": (None, False, ALL_DOCS),
    "interactions": (None, False, ("package-insert", "patient-leaflet")),
    "specific_populations": (None, False, ("package-insert",)),
    "monitoring": (None, False, ALL_DOCS),
    "description": (None, False, ("package-insert", "product-sheet", "patient-leaflet")),
    "mechanisms": (None, False, ("package-insert",)),
    "references": (None, False, ("package-insert",)),
    "claims": (None, False, ("product-sheet",)),
    "gaps": (None, False, ALL_DOCS),
    "patient": (None, False, ("patient-leaflet",)),
    "label": (None, False, ALL_DOCS),
}
# Fields that only word a fact (how it is said, not what it is): a change here is editorial unless a number moved.
WORDING_FIELDS = {"patient_text", "patient_name", "patient_term", "patient_population", "patient_applies_to",
                  "patient_freezing_reason", "summary", "status_reason", "reason", "source", "note", "rationale",
                  "scope_reason", "what_it_is", "how_it_is_given", "pack_contents", "title", "name", "category",
                  "freezing_reason", "temperature_name", "qualifier", "condition"}
# Bookkeeping that is not label content: version and dates are checked by the policy, not reported as changes.
METADATA = {("label", "version"), ("label", "revision_date"), ("label", "recent_major_changes")}


@dataclass(frozen=True)
class Change:
    path: str  # dosing.regimens[stroke-tbi].dose
    kind: str  # "changed", "added", "removed"
    old: str | None
    new: str | None
    severity: str  # major / minor / editorial
    section: str  # top-level content section
    documents: tuple[str, ...]

    def __str__(self) -> str:
        if self.kind == "added":
            return f"{self.path}: + {self.new}"
        if self.kind == "removed":
            return f"{self.path}: − {self.old}"
        return f"{self.path}: {self.old} → {self.new}"


@dataclass(frozen=True)
class PolicyFinding:
    product: str
    message: str

    def __str__(self) -> str:
        return f"{self.product}: {self.message}"


@dataclass
class ProductDiff:
    product: str
    old_file: str | None
    new_file: str | None
    status: str  # "changed", "unchanged", "added", "removed"
    changes: list[Change]
    policy: list[PolicyFinding]

    @property
    def severity(self) -> str | None:
        if self.status in ("added", "removed"):
            return MAJOR
        return max((c.severity for c in self.changes), key=SEVERITY_ORDER.__getitem__, default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product, "old_file": self.old_file, "new_file": self.new_file, "status": self.status,
            "severity": self.severity,
            "changes": [{**asdict(c), "documents": list(c.documents)} for c in self.changes],
            "policy": [p.message for p in self.policy],
        }


# --------------------------------------------------------------------------------------------------------
# Flattening a label into fact-level values


def _value(value: Any) -> tuple[Any, str]:
    """(comparison key, display text) for a leaf value."""
    if isinstance(value, Quantity):
        return ("q", value.key()), format_professional(value)
    if isinstance(value, str):
        return ("s", " ".join(value.split())), " ".join(value.split())
    if isinstance(value, (dt.date, bool, int, float)):
        return ("v", value), str(value).lower() if isinstance(value, bool) else str(value)
    return ("v", repr(value)), str(value)


def flatten(label: Label) -> dict[str, tuple[Any, str]]:
    """Every fact-level value of the label: path → (comparison key, display text)."""
    leaves: dict[str, tuple[Any, str]] = {}
    _flatten(label, "", (), leaves)
    return leaves


def _flatten(node: Any, prefix: str, path: tuple[str, ...], out: dict[str, tuple[Any, str]]) -> None:
    if isinstance(node, BaseModel) and not isinstance(node, Quantity):
        for name in type(node).model_fields:
            if name == "lint_ignore":
                continue
            value = getattr(node, name)
            child = f"{prefix}.{name}" if prefix else name
            _flatten(value, child, path + (name,), out)
        return
    if isinstance(node, list):
        if node and all(isinstance(item, Fact) for item in node):
            for item in node:  # keyed by id: reordering is not a change
                _flatten(item, f"{prefix}[{item.id}]", path, out)
        elif node and any(isinstance(item, BaseModel) for item in node):
            for index, item in enumerate(node):
                _flatten(item, f"{prefix}[{index}]", path, out)
        else:  # a list of words or ids: order carries no meaning
            items = sorted(_value(item)[1] for item in node)
            out[prefix] = (("set", tuple(items)), ", ".join(items) if items else "(none)")
        return
    if node is None:
        return
    out[prefix] = _value(node)


def _top(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def _field(path: str) -> str:
    return re.split(r"[.\]]", path)[-1]


def _is_metadata(path: str) -> bool:
    return any(path == ".".join(m) or path.startswith(".".join(m) + "[") or path.startswith(".".join(m) + ".")
               for m in METADATA)


def _numbers(text: str | None) -> list[Any]:
    return sorted(q.quantity.key() for q in find_quantities(text or "")) if text else []


def _classify(path: str, old: str | None, new: str | None) -> str:
    section = _top(path)
    major = SECTIONS.get(section, (None, False, ()))[1]
    if old is not None and new is not None and re.sub(r"[\W_]+", "", old.lower()) == re.sub(r"[\W_]+", "", new.lower()):
        return EDITORIAL
    if _field(path) in WORDING_FIELDS and _numbers(old) == _numbers(new):
        return EDITORIAL  # how a fact is worded, with the same numbers (also when wording is added or dropped)
    return MAJOR if major else MINOR


def diff_labels(old: Label, new: Label) -> list[Change]:
    before, after = flatten(old), flatten(new)
    changes: list[Change] = []
    for path in list(before) + [p for p in after if p not in before]:
        if _is_metadata(path):
            continue
        old_value, new_value = before.get(path), after.get(path)
        if old_value is not None and new_value is not None and old_value[0] == new_value[0]:
            continue
        kind = "changed" if old_value and new_value else ("added" if new_value else "removed")
        old_text = old_value[1] if old_value else None
        new_text = new_value[1] if new_value else None
        section = _top(path)
        changes.append(Change(path, kind, old_text, new_text, _classify(path, old_text, new_text), section,
                              _documents(path)))
    return _group_facts(changes, before, after)


def _group_facts(changes: list[Change], before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """A fact added or removed as a whole is one change (`contraindications: + Active bleeding`), not one per
    field."""
    grouped: list[Change] = []
    whole: dict[str, Change] = {}
    for change in changes:
        match = re.match(r"^(.*?\[[^\]]+\])", change.path)
        fact = match.group(1) if match else None
        if fact and change.kind != "changed":
            existed_before = any(p.startswith(fact + ".") or p == fact for p in before)
            exists_after = any(p.startswith(fact + ".") or p == fact for p in after)
            if existed_before != exists_after:
                if fact not in whole:
                    summary = _fact_summary(fact, after if exists_after else before)
                    kind = "added" if exists_after else "removed"
                    section = _top(fact)
                    whole[fact] = Change(fact, kind, None if exists_after else summary,
                                         summary if exists_after else None,
                                         MAJOR if SECTIONS.get(section, (None, False, ()))[1] else MINOR, section,
                                         SECTIONS.get(section, (None, False, ALL_DOCS))[2])
                    grouped.append(whole[fact])
                continue
        grouped.append(change)
    return grouped


def _documents(path: str) -> tuple[str, ...]:
    """Which documents show this value: patient wording reaches the leaflet only."""
    if _field(path).startswith("patient") or _top(path) == "patient":
        return ("patient-leaflet",)
    return SECTIONS.get(_top(path), (None, False, ALL_DOCS))[2]


def _fact_summary(fact: str, leaves: dict[str, tuple[Any, str]]) -> str:
    """The words a reader knows a fact by: its text, name or term, else its first value."""
    for field_name in ("text", "name", "term", "citation", "applies_to", "population"):
        if f"{fact}.{field_name}" in leaves:
            return leaves[f"{fact}.{field_name}"][1]
    values = [v[1] for p, v in leaves.items() if p.startswith(fact + ".") and not p.endswith(".id")]
    return values[0] if values else fact


# --------------------------------------------------------------------------------------------------------
# Change policy


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def check_policy(old: Label, new: Label, changes: list[Change]) -> list[PolicyFinding]:
    product = new.product.id
    findings: list[PolicyFinding] = []
    if not changes:
        return findings
    if _version(new.label.version) <= _version(old.label.version):
        findings.append(PolicyFinding(product, f"the label changed but its version did not go up "
                                               f"({old.label.version} → {new.label.version})"))
    if new.label.revision_date <= old.label.revision_date:
        findings.append(PolicyFinding(product, f"the label changed but its revision date did not move on "
                                               f"({old.label.revision_date} → {new.label.revision_date})"))
    revised = new.label.revision_date
    for section in sorted({SECTIONS[c.section][0] for c in changes
                           if c.severity == MAJOR and SECTIONS.get(c.section, (None,))[0]}):
        entries = [r for r in new.label.recent_major_changes if r.section == section]
        if not any((r.date.year, r.date.month) == (revised.year, revised.month) for r in entries):
            findings.append(PolicyFinding(product, f"major change to {section} needs a Recent Major Changes entry "
                                                   f"for section {section!r} dated {revised:%m/%Y} (this revision)"))
    return findings


def diff_products(old: Label | None, new: Label | None, old_file: str | None, new_file: str | None) -> ProductDiff:
    if old is None and new is not None:
        return ProductDiff(new.product.id, old_file, new_file, "added", [], [])
    if new is None and old is not None:
        return ProductDiff(old.product.id, old_file, new_file, "removed", [], [])
    assert old is not None and new is not None
    changes = diff_labels(old, new)
    policy = check_policy(old, new, changes) if changes else []
    return ProductDiff(new.product.id, old_file, new_file, "changed" if changes else "unchanged", changes, policy)
