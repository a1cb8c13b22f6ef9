"""Label vs label → fact-level changes, classified, with the change-control policy checks.

Facts are compared by their path (``labeling.model.FactPath``: list items named by id), never by position:
reordering a list is not a change and renaming a heading is not a dose change. Which documents a change reaches,
whether its content group is major and which Recent Major Changes section it belongs to all come from the reach
table (``labeling.reach``). Each change is classified:

- **major** — a change to a group the reach table marks major (boxed warning, indications, dosage and
  administration, contraindications, warnings, storage, presentations) that reaches a document;
- **minor** — any other label fact, and a change that reaches no document (an unlabelled use, a reviewer note);
- **editorial** — wording only: a text that changed in case, spacing, punctuation or invisible characters only,
  or a wording field (patient phrasing, summaries, reviewer notes) whose numbers did not change.

The policy: any label change needs a higher version and a later revision date; a major change that reaches the
package insert, in a group PLR allows in Recent Major Changes, needs an entry for that section dated in the
month of the new revision.

The comparison is one walk of each label plus dictionary look-ups: linear in the size of the labels.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from pydantic import BaseModel

from labeling.model import Fact, FactPath, Label, LabelInfo, walk
from labeling.quantities import Quantity, Schedule, find_quantities, format_professional, format_schedule
from labeling.reach import (
    INSERT,
    NOTE_FIELDS,
    REACH,
    REACH_BY_GROUP,
    WORDING_FIELDS,
    WORDING_FIELDS_OF,
    Reach,
    documents,
    group_of,
    is_note,
)

MAJOR, MINOR, EDITORIAL = "major", "minor", "editorial"
SEVERITY_ORDER = {EDITORIAL: 0, MINOR: 1, MAJOR: 2}

# Bookkeeping that is not label content: version and dates are checked by the policy, not reported as changes.
METADATA_FIELDS = frozenset({"version", "revision_date", "recent_major_changes"})


LONG = 160  # a changed text longer than this is shown around what changed, not whole
CONTEXT = 50


def excerpt(old: str, new: str) -> tuple[str, str]:
    """Two long texts as the stretch that differs with a few words either side ("…10 to 80 mg once…"); short
    texts whole. The JSON output keeps them whole."""
    if len(old) <= LONG and len(new) <= LONG:
        return old, new
    start = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    end = 0
    while end < min(len(old), len(new)) - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    begin = max(0, old.rfind(" ", 0, max(0, start - CONTEXT)) + 1)

    def cut(text: str) -> str:
        stop = len(text) - end
        finish = text.find(" ", min(len(text), stop + CONTEXT))
        finish = len(text) if finish < 0 else finish
        finish = min(finish, begin + 2 * LONG)  # changes far apart: the first, with its context
        return ("…" if begin else "") + text[begin:finish] + ("…" if finish < len(text) else "")

    return cut(old), cut(new)


@dataclass(frozen=True)
class Change:
    path: str  # dosing.regimens[stroke-tbi].dose
    kind: str  # "changed", "added", "removed"
    old: str | None
    new: str | None
    severity: str  # major / minor / editorial
    section: str  # top-level content section (dosing)
    documents: tuple[str, ...]  # the label's document kinds the change reaches
    group: str | None = None  # the reach group that owns the path (regimens)

    def __str__(self) -> str:
        if self.kind == "added":
            return f"{self.path}: + {self.new}"
        if self.kind == "removed":
            return f"{self.path}: − {self.old}"
        old, new = excerpt(self.old or "", self.new or "")
        return f"{self.path}: {old} → {new}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
            "severity": self.severity,
            "section": self.section,
            "group": self.group,
            "documents": list(self.documents),
        }


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
            "product": self.product,
            "old_file": self.old_file,
            "new_file": self.new_file,
            "status": self.status,
            "severity": self.severity,
            "changes": [c.to_dict() for c in self.changes],
            "policy": [p.message for p in self.policy],
        }


# --------------------------------------------------------------------------------------------------------
# One label version, flattened by the model walker


@dataclass(frozen=True)
class _Context:
    """What a value inherits from the containers above it."""

    items: tuple[FactPath, ...] = ()  # the list items it is inside, outermost first (the facts that hold it)
    unshown: bool = False  # inside a fact its group does not show (an unapproved use, a rejected claim …)
    unprinted: bool = False  # inside a reviewer note (reach.is_note): printed nowhere
    remark: bool = False  # inside a reviewer note field (reach.NOTE_FIELDS): the reviewer's own words


@dataclass(frozen=True)
class _Leaf:
    key: Any  # what is compared
    text: str  # what is shown
    context: _Context
    wording: bool  # a wording field: editorial unless a number moved


@dataclass
class _Item:
    node: Any
    context: _Context
    first: str | None = None  # the first value under it (its summary when it has no text, name or term)


@dataclass
class Snapshot:
    label: Label
    leaves: dict[FactPath, _Leaf] = field(default_factory=dict)
    items: dict[FactPath, _Item] = field(default_factory=dict)


def _skip(parent: Any, key: Any, value: Any) -> bool:
    """Left out of the comparison: lint suppressions, version bookkeeping, and the members of a list of words or
    ids (the list is compared as one set)."""
    if key == "lint_ignore" or (isinstance(parent, LabelInfo) and key in METADATA_FIELDS):
        return True
    return isinstance(parent, list) and not isinstance(value, BaseModel)


def _shown_by_group(label: Label) -> dict[str, set[int]]:
    """For each reach group that filters what it shows: the object ids of the facts it shows."""
    return {entry.group: {id(f) for f in entry.shown(label)} for entry in REACH if entry.shown is not None}


def snapshot(label: Label) -> Snapshot:
    """Every fact-level value of the label, by path, with what it inherits; every list item, by path."""
    result = Snapshot(label)
    shown = _shown_by_group(label)
    contexts: dict[tuple[Any, ...], _Context] = {}
    parents: dict[tuple[Any, ...], Any] = {}
    groups: dict[tuple[Any, ...], Reach | None] = {}
    for path, node in walk(label, skip=_skip):
        raw = path.raw
        parent = parents.get(raw[:-1]) if raw else None
        context = contexts.get(raw[:-1], _Context()) if raw else _Context()
        key = raw[-1] if raw else None
        if parent is not None and (is_note(parent, key) or key in NOTE_FIELDS):
            context = _Context(
                context.items,
                context.unshown,
                context.unprinted or is_note(parent, key),
                context.remark or key in NOTE_FIELDS,
            )
        if isinstance(node, Fact) and not context.unshown:  # a fact its group does not show (an unapproved use …)
            if isinstance(key, int):  # every item of a list belongs to the list's group: look it up once
                entry = groups[raw[:-1]] if raw[:-1] in groups else groups.setdefault(raw[:-1], group_of(path))
            else:
                entry = group_of(path)
            if entry is not None and entry.group in shown and id(node) not in shown[entry.group]:
                context = _Context(context.items, True, context.unprinted, context.remark)
        value = _value(node)
        if value is None:  # a container: its values inherit this context
            if isinstance(key, int) and isinstance(node, BaseModel):
                context = _Context(context.items + (path,), context.unshown, context.unprinted, context.remark)
                result.items[path] = _Item(node, context)
            contexts[raw] = context
            parents[raw] = node
            continue
        if value is _ABSENT:
            continue
        wording = context.remark or _is_wording(parent, path.field)
        result.leaves[path] = _Leaf(value[0], value[1], context, wording)
        for item in context.items:
            holder = result.items[item]
            if holder.first is None and path.field != "id":
                holder.first = value[1]
    return result


class _Absent(enum.Enum):
    ABSENT = "absent"


_ABSENT: Final = _Absent.ABSENT


def _value(node: Any) -> tuple[Any, str] | Literal[_Absent.ABSENT] | None:
    """(comparison key, display text) for a value; None for a container the walk goes into; _ABSENT for nothing.

    A list of words or ids is one value, compared as a set: its order carries no meaning."""
    if isinstance(node, Quantity):
        return ("q", node.key()), format_professional(node)
    if isinstance(node, Schedule):
        return ("schedule", node.unit, node.points), format_schedule(node)
    if isinstance(node, BaseModel | dict):
        return None
    if isinstance(node, list):
        if any(isinstance(item, BaseModel) for item in node):
            return None
        if not node:
            return _ABSENT  # an empty list says nothing: adding its first member is an addition
        items = sorted({_scalar(item)[1] for item in node})
        return ("set", tuple(items)), ", ".join(items)
    if node is None:
        return _ABSENT
    return _scalar(node)


def _scalar(node: Any) -> tuple[Any, str]:
    if isinstance(node, str):
        text = " ".join(node.split())
        return ("s", text), text
    if isinstance(node, bool):
        return ("v", node), str(node).lower()
    if isinstance(node, dt.date | int | float):
        return ("v", node), str(node)
    return ("v", repr(node)), str(node)


def _is_wording(parent: Any, name: str) -> bool:
    return (
        name.startswith("patient_")
        or name in WORDING_FIELDS
        or name in WORDING_FIELDS_OF.get(type(parent).__name__, ())
    )


# --------------------------------------------------------------------------------------------------------
# Text: what a reader sees, and the numbers in it

# Unicode whitespace of every kind (no-break, thin, line separators) reads as a space.
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000\u2028\u2029]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def plain(text: str) -> str:
    """Text as a reader sees it: invisible characters (format characters such as U+2060 word joiner, U+200B
    zero-width space, U+00AD soft hyphen, U+FEFF) removed, every space a plain space, every digit an ASCII digit."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        if category == "Nd" and not char.isascii():
            out.append(str(unicodedata.decimal(char)))
        else:
            out.append(char)
    return _SPACES.sub(" ", "".join(out)).strip()


def _letters(text: str) -> str:
    """The words and symbols of a text without case, spacing or punctuation ("≥", "%", "°" are kept)."""
    return "".join(c for c in plain(text).casefold() if unicodedata.category(c)[0] not in "PZC")


def _numbers(text: str | None) -> tuple[Counter[Any], Counter[str]]:
    """The quantities and the bare numbers a text states, as multisets (their order in the text is wording)."""
    if not text:
        return Counter(), Counter()
    seen = plain(text)
    return Counter(found.quantity.key() for found in find_quantities(seen)), Counter(_NUMBER.findall(seen))


def same_numbers(old: str | None, new: str | None) -> bool:
    return _numbers(old) == _numbers(new)


def same_words(old: str, new: str) -> bool:
    """The same text to a reader: only case, spacing, punctuation or invisible characters differ, and every
    number and quantity is the same (a moved decimal point is not punctuation)."""
    return _letters(old) == _letters(new) and same_numbers(old, new)


def classify(entry: Reach | None, wording: bool, old: str | None, new: str | None, reaches: tuple[str, ...]) -> str:
    if old is not None and new is not None and same_words(old, new):
        return EDITORIAL
    if wording and same_numbers(old, new):
        return EDITORIAL  # how a fact is worded, with the same numbers (also when wording is added or dropped)
    return MAJOR if entry is not None and entry.major and reaches else MINOR


# --------------------------------------------------------------------------------------------------------
# Comparing two versions


def _reach(snap: Snapshot, path: FactPath, context: _Context) -> tuple[str, ...]:
    if context.unshown or context.unprinted:
        return ()
    return documents(snap.label, path)


def _union(*kinds: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for group in kinds for k in group))


def diff_labels(old: Label, new: Label) -> list[Change]:
    before, after = snapshot(old), snapshot(new)
    changes: list[Change] = []
    whole: set[FactPath] = set()
    paths = list(before.leaves) + [p for p in after.leaves if p not in before.leaves]
    for path in paths:
        was, now = before.leaves.get(path), after.leaves.get(path)
        if was is not None and now is not None:
            if was.key == now.key:
                continue
            reaches = _union(_reach(before, path, was.context), _reach(after, path, now.context))
            if was.context.unshown != now.context.unshown:  # the fact starts or stops reaching its documents
                reaches = _union(reaches, documents(new if was.context.unshown else old, path))
            entry = group_of(path)
            changes.append(
                Change(
                    str(path),
                    "changed",
                    was.text,
                    now.text,
                    classify(entry, was.wording or now.wording, was.text, now.text, reaches),
                    path.top,
                    reaches,
                    entry.group if entry else None,
                )
            )
            continue
        leaf, snap, other = (was, before, after) if was is not None else (now, after, before)
        assert leaf is not None
        fact = next((item for item in leaf.context.items if item not in other.items), None)
        if fact is not None:  # inside a fact added or removed as a whole: one change for the fact
            if fact not in whole:
                whole.add(fact)
                changes.append(_whole_fact(fact, snap, added=snap is after))
            continue
        entry = group_of(path)
        reaches = _reach(snap, path, leaf.context)
        old_text, new_text = (leaf.text, None) if snap is before else (None, leaf.text)
        changes.append(
            Change(
                str(path),
                "removed" if snap is before else "added",
                old_text,
                new_text,
                classify(entry, leaf.wording, old_text, new_text, reaches),
                path.top,
                reaches,
                entry.group if entry else None,
            )
        )
    return changes


_SUMMARY_FIELDS = ("text", "name", "term", "citation", "applies_to", "title", "agents", "dosage_form", "dose")


def _whole_fact(fact: FactPath, snap: Snapshot, added: bool) -> Change:
    """A fact added or removed as a whole is one change (``contraindications[x]: + Active bleeding``), known by
    its text, name or term, else by its first value."""
    item = snap.items[fact]
    summary = next(
        (snap.leaves[fact / name].text for name in _SUMMARY_FIELDS if fact / name in snap.leaves),
        item.first or str(fact),
    )
    entry = group_of(fact)
    reaches = _reach(snap, fact, item.context)
    severity = MAJOR if entry is not None and entry.major and reaches else MINOR
    return Change(
        str(fact),
        "added" if added else "removed",
        None if added else summary,
        summary if added else None,
        severity,
        fact.top,
        reaches,
        entry.group if entry else None,
    )


# --------------------------------------------------------------------------------------------------------
# Change policy


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def rmc_sections(changes: list[Change]) -> list[str]:
    """The PLR sections whose Recent Major Changes entry this set of changes needs: major changes that reach the
    package insert, in a group the reach table makes eligible."""
    sections = set()
    for change in changes:
        entry = REACH_BY_GROUP.get(change.group or "")
        if change.severity == MAJOR and entry is not None and entry.rmc and INSERT in change.documents:
            sections.add(entry.rmc)
    return sorted(sections)


def check_policy(old: Label, new: Label, changes: list[Change]) -> list[PolicyFinding]:
    product = new.product.id
    findings: list[PolicyFinding] = []
    if not changes:
        return findings
    if _version(new.label.version) <= _version(old.label.version):
        findings.append(
            PolicyFinding(
                product, f"the label changed but its version did not go up ({old.label.version} → {new.label.version})"
            )
        )
    if new.label.revision_date <= old.label.revision_date:
        findings.append(
            PolicyFinding(
                product,
                f"the label changed but its revision date did not move on "
                f"({old.label.revision_date} → {new.label.revision_date})",
            )
        )
    revised = new.label.revision_date
    for section in rmc_sections(changes):
        entries = [r for r in new.label.recent_major_changes if r.section == section]
        if not any((r.date.year, r.date.month) == (revised.year, revised.month) for r in entries):
            findings.append(
                PolicyFinding(
                    product,
                    f"major change to {section} needs a Recent Major Changes entry "
                    f"for section {section!r} dated {revised:%m/%Y} (this revision)",
                )
            )
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
