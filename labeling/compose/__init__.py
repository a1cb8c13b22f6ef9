"""Composers: a label's facts, placed by the reach table and worded by the language layer, as a document tree.

One composer per document kind (``COMPOSERS``), each a function ``(label, kind, lang) -> Document``. They hold
no words of their own: every sentence is a fact's text, a typed quantity formatted by ``labeling.quantities``,
or a registered stock phrase (``labeling.language``), and every run of text records which. Writers lay the tree
out; the verifier reads what a document must say from it, so it never trusts a writer's template.
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from labeling.doctree import FURNITURE, HEADING, NUMBER, PHRASE, Block, BulletList, Paragraph, Run, Section, Unit
from labeling.documents import DOCUMENT_KINDS, PATIENT, DocumentKind, SectionSpec
from labeling.language import Language, language_for
from labeling.quantities import Quantity, Schedule, format_patient, format_professional, format_schedule

if TYPE_CHECKING:
    from labeling.doctree import Document
    from labeling.model import Fact, FactPath, Label

WORD = "word:"
Pieces = Sequence[Run]
ComposeFunction = Callable[["Label", DocumentKind, Language], "Document"]

# Composer modules by kind; a new kind registers its own with ``register_composer``.
_MODULES = {
    "package-insert": "labeling.compose.insert",
    "patient-information": "labeling.compose.patient_info",
    "medication-guide": "labeling.compose.patient_info",
    "patient-leaflet": "labeling.compose.leaflet",
    "product-sheet": "labeling.compose.sheet",
}
_REGISTERED: dict[str, ComposeFunction] = {}


def register_composer(kind: str, function: ComposeFunction) -> None:
    _REGISTERED[kind] = function


def compose(label: Label, kind: str | DocumentKind, lang: Language | None = None) -> Document:
    """The document tree of one kind for a label, in the label's language."""
    kind = DOCUMENT_KINDS[kind] if isinstance(kind, str) else kind
    lang = lang or language_for(label.label.language)
    function = _REGISTERED.get(kind.name)
    if function is None:
        module = importlib.import_module(_MODULES[kind.name])
        function = module.compose
    return function(label, kind, lang)


NBSP = "\u00a0"


def unbreakable(text: str, lang: Language) -> str:
    """No line break inside a quantity: between number and unit, nor inside a range ("20 to 50 / mL a day")."""
    to = f" {lang.word('range.to')} "
    out = []
    for index, char in enumerate(text):
        if char == " " and index and (text[index - 1].isdigit() or text[index + 1 : index + 2].isdigit()):
            out.append(NBSP)
        else:
            out.append(char)
    joined = "".join(out)
    return joined.replace(to, NBSP + lang.word("range.to") + NBSP)


class Composer:
    """Shared pieces every composer builds from: runs with their sources, phrases with slots, sections."""

    def __init__(self, label: Label, kind: DocumentKind, lang: Language):
        self.label = label
        self.kind = kind
        self.lang = lang
        self.patient = kind.audience == PATIENT
        self.us = label.label.market == "us"
        # Where each part of the content is (facts and the records that hold them), for every run's source.
        self._paths: dict[int, FactPath] = label.node_paths()
        self.name = label.product.name
        self.tables = 0  # tables captioned so far (numbered where the document numbers them)
        self._gaps_placed: dict[str, str | None] = {}  # gap id → the numbered section that says it in full

    numbered_tables = False  # "Table 1: …" as PLR labels number them

    def caption(self, key: str, **slots: Pieces | str) -> Unit:
        """A table's caption: the phrase, numbered in order of appearance where the document numbers tables."""
        title = self.phrase(key, **slots)
        if not self.numbered_tables:
            return self.unit(title)
        self.tables += 1
        return self.unit(self.phrase("table.numbered", number=str(self.tables), title=title))

    def metadata(self, **values: str) -> dict[str, str]:
        """Document properties: the author is the manufacturer; nothing comes from the clock or the machine."""
        return {"author": self.label.product.labeler, **values}

    # -- sources -----------------------------------------------------------------------------------------------
    def path(self, fact: Any, *fields: str | int) -> str:
        base = self._paths[id(fact)]
        for name in fields:
            base = base / name
        return str(base)

    def at(self, path: str, *fields: str | int) -> str:
        """A path below a value that is not itself an identified fact (``label.version``)."""
        for name in fields:
            path = f"{path}[{name}]" if isinstance(name, int) else (f"{path}.{name}" if path else name)
        return path

    # -- runs ------------------------------------------------------------------------------------------------
    def text(self, fact: Any, field: str, *, value: str | None = None, style: str = "") -> list[Run]:
        """A fact's own text (``value`` overrides it, e.g. capitalised), from ``fact.field``, with its typed
        ``{name}`` values (and a warning's ``{threshold}``) placed as quantities in the document's form."""
        from labeling.model import SEE, SLOT

        raw = getattr(fact, field) if value is None else value
        if not raw:
            return []
        source = self.path(fact, field)
        values = dict(getattr(fact, "values", None) or {})
        if getattr(fact, "threshold", None) is not None:
            values["threshold"] = fact.threshold
        if not values and "{see:" not in raw:
            return [Run(raw, source, style)]
        runs: list[Run] = []
        cursor = 0
        matches = sorted([*SLOT.finditer(raw), *SEE.finditer(raw)], key=lambda m: m.start())
        for index, match in enumerate(matches):
            name = match.group(1)
            if match.group(0).startswith("{see:"):
                if match.start() < cursor:
                    continue  # printed with the reference before it
                # References side by side ("{see:a} {see:b}") are one reference to several places.
                group = [match]
                for following in matches[index + 1 :]:
                    if not following.group(0).startswith("{see:") or raw[group[-1].end() : following.start()].strip():
                        break
                    group.append(following)
                before = raw[cursor : match.start()]
                reference = self.see_refs([m.group(1) for m in group])
                if not reference:  # nothing to point at here: drop the space before the reference too
                    before = before.rstrip(" ")
                if before:
                    runs.append(Run(before, source, style))
                runs += reference
                cursor = group[-1].end()
                continue
            if name not in values:
                continue
            if match.start() > cursor:
                runs.append(Run(raw[cursor : match.start()], source, style))
            where = (
                self.path(fact, "threshold")
                if name == "threshold" and "threshold" not in (getattr(fact, "values", None) or {})
                else self.path(fact, "values") + f".{name}"
            )
            runs += self.q(values[name], where)
            cursor = match.end()
        if cursor < len(raw):
            runs.append(Run(raw[cursor:], source, style))
        return runs

    def see_ref(self, key: str) -> list[Run]:
        """A ``{see:key}`` cross-reference in a fact's text: only a numbered document prints one."""
        return []

    def see_refs(self, keys: list[str]) -> list[Run]:
        """References written side by side: each one as ``see_ref`` prints it, a space between."""
        runs: list[Run] = []
        for key in keys:
            reference = self.see_ref(key)
            if reference and runs:
                runs.append(Run(" ", FURNITURE))
            runs += reference
        return runs

    def filled(self, fact: Any, field: str) -> str:
        """A fact's text with its typed values placed, as one string (a heading that is title-cased)."""
        return "".join(r.text for r in self.text(fact, field))

    def value(self, text: str, source: str, style: str = "") -> list[Run]:
        return [Run(text, source, style)] if text else []

    def q(self, quantity: Quantity | None, source: str, *, patient: bool | None = None, style: str = "q") -> list[Run]:
        """A quantity in the document's form (patient words or professional notation); °F beside °C in the US."""
        if quantity is None:
            return []
        as_patient = self.patient if patient is None else patient
        formatter = format_patient if as_patient else format_professional
        text = formatter(quantity, self.lang, fahrenheit_too=self.us)
        return [Run(unbreakable(text, self.lang), source, style)]

    def fq(self, fact: Fact, field: str, *, patient: bool | None = None) -> list[Run]:
        """A typed quantity field of a fact."""
        return self.q(getattr(fact, field), self.path(fact, field), patient=patient)

    def schedule(self, schedule: Schedule, source: str) -> list[Run]:
        return [Run(unbreakable(format_schedule(schedule, self.lang), self.lang), source, "q")]

    def word(self, key: str, **values: str) -> list[Run]:
        text = self.lang.word(key)
        return [Run(text.format(**values) if values else text, WORD + key)]

    def punct(self, text: str) -> list[Run]:
        """Punctuation and spacing between pieces: carries no words."""
        return [Run(text, FURNITURE)]

    def verbs(self) -> dict[str, str]:
        """The patient's verb for this medicine: taken by mouth (every labelled route oral), else used."""
        from labeling.reach import labelled_routes

        routes = labelled_routes(self.label)
        oral = bool(routes) and all(r.name == "oral" for r in routes)
        use, using = (
            (self.lang.word("verb.take"), self.lang.word("verb.taking"))
            if oral
            else (self.lang.word("verb.use"), self.lang.word("verb.using"))
        )
        return {"use": use, "using": using, "Use": use[:1].upper() + use[1:]}

    def phrase(self, key: str, **slots: Pieces | str) -> list[Run]:
        """A stock phrase with its ``{slots}`` filled by runs (facts) — each literal piece sourced to the phrase;
        the verb slots (``{use}``, ``{using}``) are the language's words for this medicine."""
        phrase = self.lang.phrase(key)
        runs: list[Run] = []
        for literal, slot, _, _ in string.Formatter().parse(phrase.text):
            if literal:
                runs.append(Run(literal, PHRASE + key))
            if slot is not None:
                value = slots[slot] if slot in slots else self.verbs()[slot]
                runs.extend([Run(value, PHRASE + key)] if isinstance(value, str) else value)
        return runs

    def join(self, pieces: Iterable[Pieces], conjunction: str = "and", separator: str | None = None) -> list[Run]:
        """``a, b and c`` from pieces of runs, with the language's separator and conjunction."""
        items = [list(p) for p in pieces if p]
        if not items:
            return []
        strong = False
        if separator is None:
            # Items that hold the separator themselves are kept apart by a stronger one, before the last too.
            comma = self.lang.word("list.separator").strip()
            strong = len(items) > 1 and any(comma in "".join(r.text for r in item) for item in items)
            separator = self.lang.word("list.separator.strong" if strong else "list.separator")
        runs: list[Run] = list(items[0])
        for index, item in enumerate(items[1:], start=1):
            if index == len(items) - 1:
                runs += [
                    Run(separator if strong else " ", FURNITURE),
                    Run(self.lang.word(conjunction), WORD + conjunction),
                    Run(" ", FURNITURE),
                ]
            else:
                runs.append(Run(separator, FURNITURE))
            runs += item
        return runs

    def sentence(self, *pieces: Pieces, separator: str = " ", end: str = "") -> list[Run]:
        """Pieces joined by spaces (empty ones dropped), with an optional full stop."""
        runs: list[Run] = []
        for piece in pieces:
            if not piece:
                continue
            if runs:
                runs.append(Run(separator, FURNITURE))
            runs += piece
        if end and runs and not runs[-1].text.rstrip().endswith((".", "!", "?", ":")):
            runs.append(Run(end, FURNITURE))
        return runs

    def article(self, runs: list[Run]) -> list[Run]:
        """The indefinite article the language puts before these words ("an HMG-CoA reductase inhibitor")."""
        text = "".join(r.text for r in runs).lstrip()
        first = text.split(" ", 1)[0] if text else ""
        initial = first[:1]
        letters = re.match(r"[^\W\d_]+", first)
        acronym = letters.group(0) if letters else ""  # "HMG" of "HMG-CoA": read letter by letter
        if acronym.isupper() and len(acronym) > 1:
            an = initial in self.lang.synonyms("article.an-initials")
        elif first.lower().startswith(self.lang.synonyms("article.an-prefixes")):
            an = True
        elif first.lower().startswith(self.lang.synonyms("article.a-prefixes")):
            an = False
        else:
            an = initial.lower() in self.lang.synonyms("article.an-letters")
        return self.word("article.an" if an else "article.a")

    def lowered(self, runs: list[Run]) -> list[Run]:
        """The first letter lower-cased mid-sentence ("…, adults"), unless the word is an acronym or a name written
        with capitals inside it ("HIV", "LANTUS", "eGFR")."""
        for index, run in enumerate(runs):
            if run.text.strip():
                stripped = run.text.lstrip()
                word = stripped.split(" ", 1)[0]
                if len(word) > 1 and any(ch.isupper() for ch in word[1:]):
                    return runs
                lead = run.text[: len(run.text) - len(stripped)]
                return (
                    runs[:index]
                    + [Run(lead + stripped[:1].lower() + stripped[1:], run.source, run.style)]
                    + runs[index + 1 :]
                )
        return runs

    def capitalised(self, runs: list[Run]) -> list[Run]:
        """The first letter upper-cased (a sentence that starts with a fact's text)."""
        for index, run in enumerate(runs):
            if run.text.strip():
                stripped = run.text.lstrip()
                lead = run.text[: len(run.text) - len(stripped)]
                return (
                    runs[:index]
                    + [Run(lead + stripped[:1].upper() + stripped[1:], run.source, run.style)]
                    + runs[index + 1 :]
                )
        return runs

    def unit(self, runs: Pieces, facts: Iterable[str] = (), role: str = "") -> Unit:
        return Unit(tuple(runs), tuple(facts), role)

    def para(self, runs: Pieces, style: str = "", facts: Iterable[str] = (), role: str = "") -> Paragraph:
        return Paragraph(self.unit(runs, facts, role), style)

    def bullets(self, items: Iterable[Unit], style: str = "") -> BulletList | None:
        units = tuple(u for u in items if u)
        return BulletList(units, style) if units else None

    # -- headings and sections --------------------------------------------------------------------------------
    def heading_text(self, key: str, **values: str) -> str:
        template = self.lang.heading(self.kind.name, key)
        return template.format(**{"name": self.name, **self.verbs(), **values}) if "{" in template else template

    def heading(
        self, key: str, number: str | None = None, numbering: str = "{number} {heading}", **values: str
    ) -> Unit:
        text = self.heading_text(key, **values)
        runs: list[Run] = []
        if number:
            before, _, after = numbering.partition("{heading}")
            runs.append(Run(before.format(number=number), NUMBER + number))
            runs.append(Run(text, HEADING + f"{self.kind.name}/{key}"))
            if after:
                runs.append(Run(after, FURNITURE))
        else:
            runs.append(Run(text, HEADING + f"{self.kind.name}/{key}"))
        return Unit(tuple(runs), role="heading")

    def draft_notice(self) -> list[Paragraph]:
        """While a gap is open: "DRAFT – NOT FOR USE. Open questions: …" with each gap's title."""
        if not self.label.is_draft:
            return []
        questions = self.join([self.text(g, "title") for g in self.label.gaps])
        return [
            self.para(
                self.phrase("draft.banner")
                + self.punct(". ")
                + self.phrase("draft.open-questions", questions=questions),
                style="draft-notice",
            )
        ]

    def gap_blocks(self, key: str, number: str | None = None) -> list[Block]:
        """A section without facts that must be there: its recorded gap as a visible placeholder, never silence.
        A gap naming several sections is said in full in the first; the others name it and point there."""
        gaps = [gap for gap in self.label.gaps if key in gap.sections]
        if not gaps:
            return [self.para(self.phrase("gap.unrecorded"), style="gap")]
        blocks: list[Block] = []
        for gap in gaps:
            where = self._gaps_placed.get(gap.id)
            if where:
                phrase = self.phrase("gap.placeholder-again", gap=self.text(gap, "title"), where=where)
            else:
                phrase = self.phrase("gap.placeholder", gap=self.text(gap, "text"))
                self._gaps_placed.setdefault(gap.id, number)
            blocks.append(self.para(phrase, style="gap", facts=[self.path(gap)]))
        return blocks

    def section(
        self,
        spec: SectionSpec | str,
        blocks: Iterable[Block | None],
        children: Iterable[Section | None] = (),
        *,
        number: str | None = None,
        heading: Unit | None = None,
        style: str = "",
        anchor: str = "",
        numbering: str | None = None,
        **values: str,
    ) -> Section | None:
        """A section, or None when it has nothing to say and is not required (a required one, or one a gap names,
        shows its gap)."""
        spec = self.kind.section(spec) if isinstance(spec, str) else spec
        content = [b for b in blocks if b is not None]
        subsections = [c for c in children if c is not None]
        number = number if number is not None else spec.number
        if not content and not subsections:
            # Silent only when nothing asks for it: a required section, or one a recorded gap names, shows the gap.
            if not spec.required and not any(spec.key in gap.sections for gap in self.label.gaps):
                return None
            content = self.gap_blocks(spec.key, number)
            style = style or "gap"
        if numbering is None:
            numbering = self.kind.part_of(spec.key).numbering
        if heading is None:
            heading = self.heading(spec.key, number, numbering, **values)
        return Section(
            spec.key, heading, spec.level, number, spec.loinc, tuple(content), tuple(subsections), style, anchor
        )


class Numbers:
    """Hands out contiguous subsection numbers (2.1, 2.2, …) only to subsections that are built."""

    def __init__(self, parent: str | None, start: int = 1):
        self.parent = parent
        self.next = start

    def __call__(self) -> str | None:
        if not self.parent:
            return None
        number = f"{self.parent}.{self.next}"
        self.next += 1
        return number


SectionBuilder = Callable[[Callable[[], str | None]], "Section | list[Section] | None"]


def _fixed_number(number: str | None) -> Callable[[], str | None]:
    """The numberer of a subsection that is not auto-numbered: always its own fixed number (or none)."""
    return lambda: number


def number_children(parent: str | None, specs: Sequence[tuple[SectionSpec, SectionBuilder]]) -> list[Section]:
    """Build subsections in order, numbering the auto-numbered ones contiguously after every fixed number of
    their siblings (PLR: 2.1, 2.2, … with no gaps; 8.1–8.5 fixed, renal and hepatic impairment next)."""
    fixed = [int(spec.number.split(".")[-1]) for spec, _ in specs if spec.number and "." in spec.number]
    numbers = Numbers(parent, max(fixed, default=0) + 1)
    built: list[Section] = []
    for spec, make in specs:
        result = make(numbers if spec.auto_number else _fixed_number(spec.number))
        if isinstance(result, Section):
            built.append(result)
        elif result:
            built.extend(result)
    return built
