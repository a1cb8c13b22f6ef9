"""The US package insert in PLR format (21 CFR 201.56, 201.57): Highlights, Contents, Full Prescribing Information.

The FPI is composed twice: the first pass numbers the sections, the second writes every cross-reference (the
boxed warning's, the Highlights') with the number its section really has. Sections keep their fixed numbers
(an omitted section leaves a gap); subsections are numbered contiguously. A required section with no facts
shows its recorded gap as a placeholder instead of disappearing.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from labeling.compose import Composer, number_children
from labeling.compose.common import (
    adjustment_units,
    contraindication_units,
    cycling_unit,
    dosage_forms,
    dosing_table,
    forms_and_strengths,
    incidence_table,
    most_common,
    package_runs,
    population_name,
    presentation_of,
    reaction_names,
    regimen_units,
    route_words,
    storage_units,
    strengths_runs,
    summary_sentence,
    target_runs,
    warning_runs,
)
from labeling.doctree import (
    FURNITURE,
    HEADING,
    NUMBER,
    BulletList,
    Document,
    Paragraph,
    Part,
    Row,
    Run,
    Section,
    Table,
    Unit,
)
from labeling.documents import DocumentKind, SectionSpec
from labeling.language import Language
from labeling.model import SEE, Indication, Label, WarningItem
from labeling.reach import (
    approved_indications,
    cited_references,
    labelled_routes,
    shown_adjustments,
    shown_combinations,
    shown_regimens,
)

POPULATION_SECTIONS = {
    "pregnancy": "pop-pregnancy",
    "lactation": "pop-lactation",
    "reproductive": "pop-reproductive",
    "pediatric": "pop-pediatric",
    "geriatric": "pop-geriatric",
    "renal-impairment": "pop-renal",
    "hepatic-impairment": "pop-hepatic",
}


def compose(label: Label, kind: DocumentKind, lang: Language) -> Document:
    return InsertComposer(label, kind, lang).document()


class InsertComposer(Composer):
    numbered_tables = True

    def document(self) -> Document:
        self.numbers: dict[str, str] = {}  # section id → its number in this document
        self.fpi()  # first pass: learn the numbers
        fpi = self.fpi()  # second pass: every cross-reference resolves
        self.in_highlights = True  # Highlights refer by number alone: "[see …]" written in texts is left out
        highlights = self.highlights()
        self.in_highlights = False
        contents = self.contents(fpi)
        info = self.label.label
        product = self.label.product
        parts = [Part("highlights", self.part_heading("highlights"), highlights[1], tuple(highlights[0]), "highlights")]
        notice = self.draft_notice()
        if notice:
            parts.append(Part("notice", None, (), tuple(notice), "notice"))
        parts += [
            Part("contents", self.part_heading("contents"), (), tuple(contents), "contents"),
            Part("fpi", self.part_heading("fpi"), tuple(fpi), (), "fpi"),
        ]
        forms = self.join([self.value(f, "product.presentations") for f in dosage_forms(self)])
        header = self.unit(
            self.text(product, "name")
            + (
                self.punct(" (") + self.text(product, "established_name") + self.punct(")")
                if not self.generic()
                else []
            )
            + self.punct(" ")
            + forms
        )
        footer = self.unit(
            self.phrase(
                "plr.revised",
                date=self.value(f"{info.revision_date.month}/{info.revision_date.year}", "label.revision_date"),
            )
        )
        return Document(
            self.kind.name,
            info.language,
            f"{self.name} ({product.established_name})",
            tuple(parts),
            metadata=self.metadata(
                subject=self.heading_text("fpi"), keywords=f"{self.name}, {self.heading_text('fpi')}"
            ),
            header=header,
            footer=footer,
            banner=self.draft_banner(),
            furniture={"product": product.id, "version": info.version, "revised": info.revision_date.isoformat()},
        )

    # -- shared pieces ---------------------------------------------------------------------------------------
    def generic(self) -> bool:
        """A product without a proprietary name: its name is its established name."""
        return self.name.casefold() == self.label.product.established_name.casefold()

    def part_heading(self, key: str) -> Unit:
        return self.unit(
            [Run(self.lang.heading(self.kind.name, key), HEADING + f"{self.kind.name}/{key}")], role="heading"
        )

    def upper_name(self) -> list[Run]:
        return self.value(self.name.upper(), "product.name")

    def ref(self, *keys: str) -> list[Run]:
        """A cross-reference ``(2.1, 5.1)`` to sections as numbered in this document."""
        numbers = list(dict.fromkeys(self.numbers[k] for k in keys if k in self.numbers))
        if not numbers:
            return []
        return [Run(f"({', '.join(numbers)})", NUMBER + ",".join(numbers), "ref")]

    def see(self, key: str) -> list[Run]:
        """``[see Warnings and Precautions (5.1)]`` — italic, as PLR cross-references are; the unnumbered boxed
        warning is ``[see Boxed Warning]``."""
        if key == "boxed-warning" and self.label.boxed_warning is not None:
            return [Run(r.text, r.source, "ref") for r in self.phrase("plr.see-boxed")]
        target = self._target(key)
        return self._see_targets([target]) if target else []

    def _target(self, key: str) -> tuple[str, str] | None:
        """The top-level section (its key) and the number a reference to ``key`` points at."""
        number = self.numbers.get(key)
        if number is None:
            return None
        top = number.split(".")[0]
        return next((s.key for s in self.kind.sections() if s.number == top), key), number

    def _see_targets(self, targets: list[tuple[str, str]]) -> list[Run]:
        """One bracket for several places, numbers of one section together: ``[see Dosage and Administration
        (2.2), Warnings and Precautions (5.1, 5.3)]``."""
        grouped: dict[str, list[str]] = {}
        for owner, number in targets:
            if number not in grouped.setdefault(owner, []):
                grouped[owner].append(number)
        items = []
        for owner, numbers in grouped.items():
            heading = _title_case(self.heading_text(owner).lower(), self.lang)
            refs = self._commas([[Run(n, NUMBER + n)] for n in numbers])
            heading_runs = [Run(heading, HEADING + f"{self.kind.name}/{owner}")]
            items.append(self.phrase("plr.see-item", heading=heading_runs, ref=refs))
        return [Run(r.text, r.source, "ref") for r in self.phrase("plr.see-section", items=self._commas(items))]

    def _commas(self, items: list[list[Run]]) -> list[Run]:
        """Items one after another with the list separator and no conjunction, as references are listed."""
        runs: list[Run] = []
        for item in items:
            if runs:
                runs.append(Run(self.lang.word("list.separator"), FURNITURE))
            runs += item
        return runs

    def see_ref(self, key: str) -> list[Run]:
        """``{see:warnings}`` or ``{see:high-dose}`` in a text: the section, or the subsection a fact is in."""
        return self.see_refs([key])

    def see_refs(self, keys: list[str]) -> list[Run]:
        """References written side by side in a text (``{see:a} {see:b}``) print as one bracket."""
        if getattr(self, "in_highlights", False):
            return []
        targets = []
        for key in keys:
            if key == "boxed-warning" or (key not in self.numbers and not self._is_fact(key)):
                if len(keys) > 1:  # the boxed warning has no number: it keeps a bracket of its own
                    return super().see_refs(keys)
                return self.see(key)
            target = self._target(key if key in self.numbers else self.anchor_of(key))
            if target:
                targets.append(target)
        return self._see_targets(targets) if targets else []

    def _is_fact(self, key: str) -> bool:
        try:
            self.label.fact(key)
        except KeyError:
            return False
        return True

    def draft_banner(self) -> Unit | None:
        return self.unit(self.phrase("draft.banner")) if self.label.is_draft else None

    def bullet_with_ref(
        self, runs: list[Run] | tuple[Run, ...], *keys: str, facts: list[str] | None = None, role: str = ""
    ) -> Unit:
        """A Highlights bullet: its statement (final full stop dropped) and the cross-reference to the FPI — to the
        first of ``keys`` the document has (its own subsection, else the section holding it)."""
        runs = _without_full_stop(list(runs))
        key = next((k for k in keys if k in self.numbers), None)
        return self.unit(self.sentence(runs, self.ref(key) if key else []), facts or [], role)

    def hl(self, key: str, blocks: list[Any]) -> Section | None:
        return self.section(self.kind.section(key), blocks, numbering="{heading}")

    # -- Highlights -------------------------------------------------------------------------------------------
    def highlights(self) -> tuple[list[Any], tuple[Section, ...]]:
        label = self.label
        info = label.label
        product = label.product
        front = [self.para(self.phrase("plr.limitation", name=self.upper_name()), style="limitation")]
        forms = self.join([self.value(f, "product.presentations") for f in dosage_forms(self)])
        routes = route_words(self, [r.id for r in labelled_routes(label)], "route")
        if self.generic():
            title = self.phrase("plr.title-line.generic", name=self.upper_name(), forms=forms, routes=routes)
        else:
            title = self.phrase(
                "plr.title-line",
                name=self.upper_name(),
                established=self.text(product, "established_name"),
                forms=forms,
                routes=routes,
            )
        front.append(self.para(title, style="title-line"))
        if info.initial_us_approval:
            front.append(
                self.para(
                    self.phrase(
                        "plr.initial-approval",
                        year=self.value(str(info.initial_us_approval), "label.initial_us_approval"),
                    ),
                    style="title-line",
                )
            )
        sections: list[Section | None] = [
            self.hl_boxed(),
            self.hl_rmc(),
            self.hl_indications(),
            self.hl_dosage(),
            self.hl_forms(),
            self.hl_contraindications(),
            self.hl_warnings(),
            self.hl_adverse(),
            self.hl_interactions(),
            self.hl_populations(),
        ]
        see = (
            "plr.see-17"
            if not self.us or info.patient_labeling == "none"
            else "plr.see-17-medication-guide"
            if info.patient_labeling == "medication-guide"
            else "plr.see-17-patient-approved"
            if info.patient_labeling_approved
            else "plr.see-17-patient"
        )
        closing = [
            self.para(
                self.phrase(see, section=[Run(self.numbers.get("counseling", "17"), NUMBER + "17")]),
                style="see-counseling",
            ),
            self.para(
                self.phrase(
                    "plr.revised",
                    date=self.value(f"{info.revision_date.month}/{info.revision_date.year}", "label.revision_date"),
                ),
                style="revised",
            ),
        ]
        built = [s for s in sections if s is not None]
        if built:
            last = built[-1]
            built[-1] = replace(last, blocks=last.blocks + tuple(closing))
        return front, tuple(built)

    def boxed_heading(self) -> Unit:
        boxed = self.label.boxed_warning
        assert boxed is not None
        return self.unit(
            self.phrase("plr.boxed-title", title=self.value(boxed.title.upper(), "boxed_warning.title")), role="heading"
        )

    def hl_boxed(self) -> Section | None:
        boxed = self.label.boxed_warning
        if boxed is None:
            return None
        items = []
        for item in boxed.items:
            field = "summary" if item.summary else "text"
            keys = [f"warning-{w}" for w in item.warnings] + list(item.sections)
            runs = self.text(item, field)
            runs = _without_full_stop(runs)
            items.append(self.unit(self.sentence(runs, self.ref(*keys)), [self.path(item)], "boxed"))
        blocks = [self.para(self.phrase("plr.boxed-see-fpi"), style="boxed-see"), self.bullets(items)]
        return Section(
            "hl-boxed-warning", self.boxed_heading(), 1, None, None, tuple(b for b in blocks if b), (), "boxed"
        )

    def hl_rmc(self) -> Section | None:
        changes = self.label.label.recent_major_changes
        if not changes:
            return None
        order = {s.key: i for i, s in enumerate(self.kind.sections("fpi"))}
        items = []
        for index, change in sorted(enumerate(changes), key=lambda pair: (order.get(pair[1].section, 99), pair[0])):
            heading = (
                _title_case(self.heading_text(change.section).lower(), self.lang)
                if change.section != "boxed-warning"
                else _title_case("boxed warning", self.lang)
            )
            section = [Run(heading, HEADING + f"{self.kind.name}/{change.section}")]
            date = [
                Run(f"{change.date.month}/{change.date.year}", f"label.recent_major_changes[{index}].date", "rmc-date")
            ]
            anchors = [self.anchor_of(fact_id) for fact_id in change.about]
            if anchors:
                # each subsection named once, however many of its facts the entry is about
                first = {anchor: fact_id for fact_id, anchor in reversed(list(zip(change.about, anchors, strict=True)))}
                titles = self.join([self.subsection_title(first[anchor]) for anchor in dict.fromkeys(anchors)])
                runs = self.phrase(
                    "plr.rmc-entry-about",
                    section=section,
                    subsections=titles,
                    ref=self.ref(*anchors) or self.punct(""),
                    date=date,
                )
            else:
                runs = self.phrase(
                    "plr.rmc-entry", section=section, ref=self.ref(change.section) or self.punct(""), date=date
                )
            items.append(self.unit(runs, [f"label.recent_major_changes[{index}]"], "rmc"))
        return self.hl("hl-recent-major-changes", [self.bullets(items, style="rmc")])

    def anchor_of(self, fact_id: str) -> str:
        """The FPI subsection a fact heads (a warning, an indication), or the one it is printed in."""
        fact = self.label.fact(fact_id)
        kind = type(fact).__name__
        heads = {"WarningItem": f"warning-{fact_id}", "Indication": f"indication-{fact_id}"}.get(kind)
        if heads:
            return heads
        holder = getattr(self, "holders", {}).get(self.path(fact))
        return holder.id if holder is not None else fact_id

    def subsection_title(self, fact_id: str) -> list[Run]:
        fact = self.label.fact(fact_id)
        if not isinstance(fact, (WarningItem, Indication)):  # a fact inside a subsection: that subsection's title
            holder = getattr(self, "holders", {}).get(self.path(fact))
            if holder is None:
                return []
            return [r for r in holder.heading.runs if not r.source.startswith((NUMBER, FURNITURE))]
        if getattr(fact, "heading", None):
            return self.text(fact, "heading")
        field = "title" if hasattr(fact, "title") else "name" if hasattr(fact, "name") else None
        if field is None:
            return []
        return [Run(_title_case(self.filled(fact, field), self.lang), self.path(fact, field))]

    def hl_indications(self) -> Section | None:
        product = self.label.product
        if product.pharmacologic_class:
            klass = self.text(product, "pharmacologic_class")
            intro = self.phrase(
                "plr.indicated-for", name=self.text(product, "name"), article=self.article(klass), klass=klass
            )
        else:
            intro = self.phrase("plr.indicated-for.no-class", name=self.text(product, "name"))
        items = []
        for indication in approved_indications(self.label):
            name = self.capitalised(self.text(indication, "name"))
            if indication.population:
                name += self.punct(", ") + self.lowered(
                    population_name(self, self.label.population(indication.population))
                )
            items.append(
                self.bullet_with_ref(
                    name, f"indication-{indication.id}", "indications", facts=[self.path(indication)], role="indication"
                )
            )
        blocks: list[Any] = [self.para(intro), self.bullets(items)]
        limitations = [  # a summarised statement like any other: it ends with its FPI section (SRPI 6)
            self.bullet_with_ref(
                self.capitalised(self.text(ind, "limitations", value=text)), f"indication-{ind.id}", "indications"
            )
            for ind in approved_indications(self.label)
            for text in ind.limitations
        ]
        if limitations:
            blocks.append(self.para(self.phrase("plr.limitations-of-use"), style="subhead"))
            blocks.append(self.bullets(limitations))
        if product.antibacterial:
            blocks.append(
                self.para(
                    self.sentence(
                        self.phrase("plr.antibacterial", name=self.text(product, "name")), self.ref("indication-usage")
                    )
                )
            )
        return self.hl("hl-indications", blocks)

    def hl_dosage(self) -> Section | None:
        label = self.label
        items = [
            self.bullet_with_ref(u.runs, "dosage-recommended", facts=list(u.facts), role=u.role)
            for u in regimen_units(self, highlights=True)
        ]
        for summary in label.dosing.highlights:
            refs = self.ref(*summary.sections) if summary.sections else self.ref("dosage-recommended")
            runs = _without_full_stop(summary_sentence(self, summary))
            items.append(self.unit(self.sentence(runs, refs), [self.path(summary)], "dosing-summary"))
        for target in (t for t in label.dosing.targets if t.highlights):
            items.append(
                self.bullet_with_ref(
                    target_runs(self, target), "dosage-targets", facts=[self.path(target)], role="target"
                )
            )
        cycling = cycling_unit(self)
        if cycling is not None:
            items.append(
                self.bullet_with_ref(cycling.runs, "dosage-cycles", facts=list(cycling.facts), role=cycling.role)
            )
        for unit in adjustment_units(self, highlights=True):
            items.append(self.bullet_with_ref(unit.runs, "dosage-populations", facts=list(unit.facts), role=unit.role))
        return self.hl("hl-dosage", [self.bullets(items)])

    def hl_forms(self) -> Section | None:
        items = []
        for _, presentations in forms_and_strengths(self):
            runs = (
                self.capitalised(self.text(presentations[0], "dosage_form"))
                + self.punct(": ")
                + strengths_runs(self, presentations)
            )
            items.append(
                self.bullet_with_ref(
                    runs, "dosage-forms", facts=[self.path(p) for p in presentations], role="presentation"
                )
            )
        return self.hl("hl-dosage-forms", [self.bullets(items)])

    def hl_contraindications(self) -> Section | None:
        units = contraindication_units(self, summary=True)
        if units:
            items = [self.bullet_with_ref(u.runs, "contraindications", facts=list(u.facts), role=u.role) for u in units]
            return self.hl("hl-contraindications", [self.bullets(items)])
        return self.hl(
            "hl-contraindications", [self.para(self.sentence(self.phrase("none.short"), self.ref("contraindications")))]
        )

    def hl_warnings(self) -> Section | None:
        items = []
        for warning in (w for w in self.label.warnings if w.highlights):
            field = "summary" if warning.summary else "text"
            runs = (
                self.text(warning, "title", style="em")
                + self.punct(": ")
                + warning_runs(self, warning, field, strip_period=True)
            )
            items.append(
                self.bullet_with_ref(runs, f"warning-{warning.id}", facts=[self.path(warning)], role="warning")
            )
        if self.label.monitoring:
            whens = list(dict.fromkeys(m.when for m in self.label.monitoring))
            pieces = []
            for index, item in enumerate(self.label.monitoring):
                text = item.text[:1].lower() + item.text[1:] if index and item.text[1:2].islower() else item.text
                piece = self.text(item, "text", value=text)
                if item.when and len(whens) > 1:
                    piece += self.punct(" ") + self.text(item, "when")
                pieces.append(piece)
            runs = (
                [Run(self.heading_text("warning-monitoring"), HEADING + f"{self.kind.name}/warning-monitoring", "em")]
                + self.punct(": ")
                + self.join(pieces, separator="; ")
            )
            if len(whens) == 1 and whens[0]:
                runs += self.punct(" ") + self.text(self.label.monitoring[0], "when")
            items.append(
                self.bullet_with_ref(
                    runs, "warning-monitoring", facts=[self.path(m) for m in self.label.monitoring], role="monitoring"
                )
            )
        return self.hl("hl-warnings", [self.bullets(items)])

    def hl_adverse(self) -> Section | None:
        common = most_common(self)
        reactions = self.label.adverse_reactions.reactions
        if common is not None and common[1]:
            cutoff, ids = common
            body = self.phrase("plr.ar-most-common", cutoff=cutoff, reactions=reaction_names(self, ids))
            ref = self.ref("ar-trials") or self.ref("adverse-reactions")
        else:
            body = self.phrase("plr.ar-reported", reactions=reaction_names(self, [r.id for r in reactions]))
            ref = self.ref("adverse-reactions")
        blocks = [
            self.para(self.sentence(body, ref, end="."), facts=["adverse_reactions"], role="adverse-reactions"),
            self.para(
                self.phrase(
                    "plr.report",
                    contact=self.value(self.label.label.adverse_reaction_contact, "label.adverse_reaction_contact"),
                ),
                style="report",
            ),
        ]
        return self.hl("hl-adverse-reactions", blocks)

    def hl_interactions(self) -> Section | None:
        items = []
        for interaction in self.label.interactions:
            if not interaction.highlights:
                continue
            runs = self.interaction_runs(interaction, strip=True, summary=True)
            items.append(
                self.bullet_with_ref(
                    runs,
                    f"interaction-{interaction.id}",
                    "interactions",
                    facts=[self.path(interaction)],
                    role="interaction",
                )
            )
        return self.hl("hl-interactions", [self.bullets(items)])

    def hl_populations(self) -> Section | None:
        items = []
        for population in self.label.specific_populations:
            if not population.highlights:
                continue
            key = POPULATION_SECTIONS[population.population]
            field = "summary" if population.summary else "text"
            runs = (
                [Run(self.heading_text(key), HEADING + f"{self.kind.name}/{key}")]
                + self.punct(": ")
                + self.text(population, field, value=getattr(population, field).rstrip("."))
            )
            items.append(self.bullet_with_ref(runs, key, facts=[self.path(population)], role="population"))
        return self.hl("hl-populations", [self.bullets(items)])

    def interaction_runs(self, interaction: Any, strip: bool = False, summary: bool = False) -> list[Run]:
        agents = self.capitalised(
            self.join([self.value(a, self.path(interaction, "agents", i)) for i, a in enumerate(interaction.agents)])
        )
        head = [Run(r.text, r.source, "em") for r in agents] + self.punct(": ")
        if summary and interaction.summary:
            return head + self.text(interaction, "summary", value=interaction.summary.rstrip(".") if strip else None)
        text = interaction.text.rstrip(".") if strip and not interaction.action else interaction.text
        runs = head + self.text(interaction, "text", value=text)
        if interaction.action:
            action = interaction.action.rstrip(".") if strip else interaction.action
            runs += self.punct(" ") + self.text(interaction, "action", value=action)
        return runs

    # -- Contents ----------------------------------------------------------------------------------------------
    def contents(self, fpi: list[Section]) -> list[Any]:
        entries: list[Row] = []
        for section in fpi:
            for inner in section.walk():
                if inner.level > 2:
                    continue
                entries.append(
                    Row((Unit(inner.heading.runs, role="toc"),), role=f"toc-{inner.level}", facts=(inner.id,))
                )
        return [Table(tuple(entries), style="contents"), self.para(self.phrase("plr.contents-note"), style="toc-note")]

    # -- Full Prescribing Information ----------------------------------------------------------------------------
    def fpi(self) -> list[Section]:
        builders = [
            self.boxed,
            self.indications,
            self.dosage,
            self.dosage_forms,
            self.contraindications,
            self.warnings,
            self.adverse,
            self.interactions,
            self.populations,
            self.abuse,
            self.overdosage,
            self.description,
            self.pharmacology,
            self.nonclinical,
            self.clinical_studies,
            self.references,
            self.how_supplied,
            self.counseling,
        ]
        self.tables = 0  # a pass starts afresh: captions count again, gaps are said in full again
        self._gaps_placed = {}
        sections = [s for s in (build() for build in builders) if s is not None]
        self.holders: dict[str, Section] = {}  # fact path → the deepest numbered section that prints it
        for section in sections:
            for inner in section.walk():
                if inner.number:
                    self.numbers[inner.id] = inner.number
                    self.numbers.setdefault(inner.key, inner.number)
                    for fact in inner.bound_facts(nested=False):
                        self.holders[fact] = inner
        changed = self.changed_sections(sections)
        return [_marked(s, changed) for s in sections]

    def changed_sections(self, sections: list[Section]) -> set[str]:
        """The FPI sections a Recent Major Change is about, marked with a bar in the margin (PLR): the
        subsections its ``about`` facts are printed in, else the whole section."""
        changed: set[str] = set()
        for change in self.label.label.recent_major_changes:
            if change.about:
                changed |= {self.anchor_of(fact_id) for fact_id in change.about}
            else:
                changed |= {s.id for s in sections if s.key == change.section}
        return changed

    def boxed(self) -> Section | None:
        boxed = self.label.boxed_warning
        if boxed is None:
            return None
        items = []
        for item in boxed.items:
            keys = [f"warning-{w}" for w in item.warnings] + list(item.sections)
            # References the text ends with join the item's own: one bracket, "[see Dosage and Administration
            # (2.2), Contraindications (4), Warnings and Precautions (5.1)]".
            text = item.text
            trailing = _TRAILING_SEES.search(text) if keys else None
            if trailing:
                keys = SEE.findall(trailing.group(0)) + keys
                text = text[: trailing.start()] + "."
            refs = self.see_refs(keys) if len(keys) > 1 else (self.see(keys[0]) if keys else [])
            runs = self.text(item, "text", value=text)
            if refs and text.endswith("."):  # "… bleeding [see Warnings and Precautions (5.1)]."
                runs = self.text(item, "text", value=text[:-1])
            items.append(self.unit(self.sentence(runs, refs, end="." if refs else ""), [self.path(item)], "boxed"))
        spec = self.kind.section("boxed-warning")
        return Section(
            "boxed-warning",
            self.boxed_heading(),
            1,
            None,
            spec.loinc,
            tuple(b for b in [self.bullets(items)] if b),
            (),
            "boxed",
        )

    def sub(self, key: str, blocks: list[Any], next_number: Any) -> Section | None:
        """A numbered subsection, built (and given a number) only when it has something to say."""
        blocks = [b for b in blocks if b is not None]
        if not blocks and not self.kind.section(key).required:
            return None
        return self.section(key, blocks, number=next_number())

    def indications(self) -> Section | None:
        product = self.label.product
        indications = approved_indications(self.label)
        blocks: list[Any] = []
        children: list[tuple[SectionSpec, Any]] = []
        if any(i.statement for i in indications):
            for indication in indications:
                children.append(
                    (
                        self.kind.section("indication"),
                        lambda next_number, ind=indication: self.indication_section(ind, next_number),
                    )
                )
        else:
            blocks = [
                self.para(self.phrase("plr.fpi-indicated-for", name=self.text(product, "name"))),
                self.bullets(
                    [
                        self.unit(self.capitalised(self.text(i, "name")), [self.path(i)], "indication")
                        for i in indications
                    ]
                ),
            ]
            limitations = [
                self.unit(self.capitalised(self.text(i, "limitations", value=text)))
                for i in indications
                for text in i.limitations
            ]
            if limitations:
                blocks += [self.para(self.phrase("plr.limitations-of-use"), style="subhead"), self.bullets(limitations)]
        if product.antibacterial:
            usage = self.para(self.phrase("plr.antibacterial", name=self.text(product, "name")))
            children.append(
                (
                    self.kind.section("indication-usage"),
                    lambda next_number: self.section("indication-usage", [usage], number=next_number()),
                )
            )
        return self.section("indications", blocks, number_children("1", children))

    def indication_section(self, indication: Any, next_number: Any) -> Section | None:
        runs = (
            self.text(indication, "statement")
            if indication.statement
            else self.capitalised(self.text(indication, "name"))
        )
        blocks: list[Any] = [self.para(runs, facts=[self.path(indication)], role="indication")]
        if indication.limitations:
            blocks.append(self.para(self.phrase("plr.limitations-of-use"), style="subhead"))
            blocks.append(
                self.bullets(
                    [
                        self.unit(self.capitalised(self.text(indication, "limitations", value=t)))
                        for t in indication.limitations
                    ]
                )
            )
        number = next_number()
        heading = self.record_heading("indication", number, indication, "name")
        return self.section("indication", blocks, number=number, heading=heading, anchor=f"indication-{indication.id}")

    def dosage(self) -> Section | None:
        label = self.label
        names = list(dict.fromkeys(label.population(a.population).name for a in shown_adjustments(label)))
        if len(names) > 2:
            population_values = {"heading_key": "dosage-populations.many"}
        else:
            population_values = {
                "populations": _title_case(" and ".join(names), self.lang)
                if len(names) < 2
                else _title_case(f"{names[0]} {self.lang.word('and')} {names[1]}", self.lang)
            }
        combinations = [
            self.para(
                self.sentence(
                    self.text(c, "text", value=c.text.rstrip(".")),
                    self.see("interactions") if label.interactions else [],
                    end=".",
                ),
                facts=[self.path(c)],
                role="combination",
            )
            for c in shown_combinations(label)
        ]
        cycling = cycling_unit(self)
        instructions = [
            self.unit(self.text(i, "text"), [self.path(i)], "instruction") for i in label.dosing.administration
        ]
        targets = [self.unit(target_runs(self, t), [self.path(t)], "target") for t in label.dosing.targets]
        children = [
            (
                self.kind.section("dosage-recommended"),
                lambda n: self.sub("dosage-recommended", [dosing_table(self)] if shown_regimens(label) else [], n),
            ),
            (self.kind.section("dosage-targets"), lambda n: self.sub("dosage-targets", [self.bullets(targets)], n)),
            (
                self.kind.section("dosage-cycles"),
                lambda n: self.sub("dosage-cycles", [Paragraph(cycling)] if cycling else [], n),
            ),
            (self.kind.section("dosage-populations"), lambda n: self.population_dosage(n, population_values)),
            (self.kind.section("dosage-combinations"), lambda n: self.sub("dosage-combinations", combinations, n)),
            (self.kind.section("dosage-preparation"), lambda n: self.preparation(n)),
            (
                self.kind.section("dosage-administration"),
                lambda n: self.sub("dosage-administration", [self.bullets(instructions)], n),
            ),
        ]
        return self.section("dosage", [], number_children("2", children))

    def population_dosage(self, next_number: Any, values: dict[str, str]) -> Section | None:
        units = adjustment_units(self)
        if not units:
            return None
        number = next_number()
        if "heading_key" in values:
            heading = self.heading(values["heading_key"], number)
        else:
            heading = self.heading("dosage-populations", number, populations=values["populations"])
        return self.section("dosage-populations", [Paragraph(u) for u in units], number=number, heading=heading)

    def preparation(self, next_number: Any) -> Section | None:
        preparation = self.label.preparation
        if preparation is None:
            return None
        blocks: list[Any] = []
        if preparation.reconstitution:
            header = Row(
                tuple(
                    self.unit(self.word(k))
                    for k in ("col.presentation", "col.diluent", "col.volume", "col.concentration")
                ),
                header=True,
            )
            rows = [header]
            for recon in preparation.reconstitution:
                presentation, package = presentation_of(self, recon.presentation)
                label_cell = self.fq(presentation, "strength")
                if package is not None:
                    label_cell = self.sentence(label_cell, package_runs(self, package), separator=", ")
                rows.append(
                    Row(
                        (
                            self.unit(label_cell),
                            self.unit(self.text(recon, "diluent")),
                            self.unit(self.fq(recon, "volume")),
                            self.unit(self.fq(recon, "concentration")),
                        ),
                        (self.path(recon),),
                        "reconstitution",
                    )
                )
            blocks.append(
                Table(
                    tuple(rows),
                    caption=self.caption("plr.reconstitution-table-caption"),
                    style="preparation",
                    widths=(6, 6, 4, 4),
                )
            )
        for dilution in preparation.dilution:
            parts = [self.text(dilution, "diluent")]
            if dilution.final_volume is not None:
                parts.append(self.fq(dilution, "final_volume"))
            if dilution.concentration is not None:
                parts.append(self.fq(dilution, "concentration"))
            runs = self.sentence(*parts, separator=", ")
            if dilution.text:
                runs = self.sentence(runs, self.text(dilution, "text"), separator=": ")
            blocks.append(self.para(runs, facts=[self.path(dilution)], role="dilution"))
        if preparation.steps:
            blocks.append(
                self.bullets(
                    [self.unit(self.text(step, "text"), [self.path(step)], "instruction") for step in preparation.steps]
                )
            )
        if preparation.incompatible:
            blocks.append(
                self.bullets(
                    [
                        self.unit([Run(t, f"preparation.incompatible[{i}]")])
                        for i, t in enumerate(preparation.incompatible)
                    ],
                    style="incompatible",
                )
            )
        if not blocks:
            return None
        return self.section("dosage-preparation", blocks, number=next_number())

    def dosage_forms(self) -> Section | None:
        items = []
        for presentation in self.label.product.presentations:
            runs = (
                self.capitalised(self.text(presentation, "dosage_form"))
                + self.punct(": ")
                + self.fq(presentation, "strength")
            )
            if presentation.description:
                runs += self.punct(", ") + self.text(presentation, "description")
            items.append(self.unit(runs, [self.path(presentation)], "presentation"))
        return self.section("dosage-forms", [self.bullets(items)])

    def contraindications(self) -> Section | None:
        units = contraindication_units(self)
        if not units:
            return self.section("contraindications", [self.para(self.phrase("none"))])
        # Each item is the label's own statement (a condition, a patient group or a sentence), listed as labels
        # list them: a lead-in such as "contraindicated in:" would not read with every item.
        return self.section("contraindications", [self.bullets(units)])

    def warnings(self) -> Section | None:
        children: list[tuple[SectionSpec, Any]] = []
        for warning in self.label.warnings:
            children.append((self.kind.section("warning"), lambda n, w=warning: self.warning_section(w, n)))
        if self.label.monitoring:
            items = [
                self.unit(
                    self.sentence(self.text(m, "text"), self.text(m, "when") if m.when else []),
                    [self.path(m)],
                    "monitoring",
                )
                for m in self.label.monitoring
            ]
            children.append(
                (
                    self.kind.section("warning-monitoring"),
                    lambda n: self.section(
                        "warning-monitoring",
                        [self.para(self.phrase("plr.monitor-intro")), self.bullets(items)],
                        number=n(),
                    ),
                )
            )
        return self.section("warnings", [], number_children("5", children))

    def record_heading(self, phrase: str, number: str, record: Any, name: str) -> Unit:
        """A numbered heading naming a record: its own `heading` if it has one, else its name in title case. The
        name runs trace to the field they came from."""
        field = "heading" if record.heading else name
        text = self.filled(record, field)
        heading = self.heading(phrase, number, **{name: text if record.heading else _title_case(text, self.lang)})
        return Unit(
            tuple(
                Run(r.text, self.path(record, field) if r.source.startswith(HEADING) else r.source, r.style)
                for r in heading.runs
            ),
            role="heading",
        )

    def warning_section(self, warning: Any, next_number: Any) -> Section | None:
        number = next_number()
        heading = self.record_heading("warning", number, warning, "title")
        paragraphs = [
            self.para(self.text(warning, "text", value=part), facts=[self.path(warning)], role="warning")
            for part in _paragraphs(warning.text)
        ]
        return self.section("warning", paragraphs, number=number, heading=heading, anchor=f"warning-{warning.id}")

    def adverse(self) -> Section | None:
        label = self.label
        ar = label.adverse_reactions
        postmarketing = list(ar.postmarketing) + [r for g in ar.postmarketing_groups for r in g.reactions]
        general = [r for r in ar.reactions if r.id not in postmarketing]
        # What trials showed: incidence tables, else the reactions the label calls most common (with the
        # incidence that makes them so), then any other reaction reported outside postmarketing use.
        trial_blocks: list[Any] = []
        if ar.clinical_trials:
            trial_blocks.append(self.para(self.phrase("plr.ar-trials-intro")))
            for index, trials in enumerate(ar.clinical_trials):
                if trials.description:
                    trial_blocks.append(
                        self.para(
                            self.value(trials.description, f"adverse_reactions.clinical_trials[{index}].description")
                        )
                    )
                trial_blocks.append(incidence_table(self, index))
        else:
            common = ar.most_common
            if common is not None:  # trial data: FDA's statement on comparing trials comes first (SRPI 42)
                trial_blocks.append(self.para(self.phrase("plr.ar-trials-intro")))
                trial_blocks.append(
                    self.para(
                        self.sentence(
                            self.phrase(
                                "plr.ar-most-common",
                                cutoff=self.q(common.cutoff, "adverse_reactions.most_common.cutoff"),
                                reactions=reaction_names(self, common.reactions),
                            ),
                            end=".",
                        ),
                        facts=["adverse_reactions.most_common"],
                        role="most-common",
                    )
                )
                others = [r for r in general if r.id not in common.reactions]
                if others:
                    trial_blocks += [self.para(self.phrase("plr.ar-intro")), self.bullets(self.reaction_items(others))]
        # Reactions with no trial data behind them are "reported", in the section itself (never called 6.1).
        blocks: list[Any] = (
            []
            if ar.clinical_trials or ar.most_common or not general
            else [self.para(self.phrase("plr.ar-intro")), self.bullets(self.reaction_items(general))]
        )
        if not postmarketing:
            return self.section("adverse-reactions", trial_blocks or blocks)
        children: list[tuple[SectionSpec, Any]] = []
        if trial_blocks:
            children.append(
                (self.kind.section("ar-trials"), lambda n: self.section("ar-trials", trial_blocks, number=n()))
            )
        if postmarketing:
            post_blocks: list[Any] = [
                self.para(self.phrase("plr.ar-postmarketing-intro", name=self.text(label.product, "name")))
            ]
            if ar.postmarketing:
                post_blocks.append(self.bullets(self.reaction_items([label.reaction(r) for r in ar.postmarketing])))
            for g_index, group in enumerate(ar.postmarketing_groups):
                source = f"adverse_reactions.postmarketing_groups[{g_index}]"
                runs = (
                    [Run(group.system, f"{source}.system", "em")]
                    + self.punct(": ")
                    + reaction_names(self, group.reactions)
                )
                if group.text:
                    runs = self.sentence(self.sentence(runs, end="."), self.value(group.text, f"{source}.text"))
                post_blocks.append(self.para(runs, facts=[source], role="postmarketing"))
            children.append(
                (
                    self.kind.section("ar-postmarketing"),
                    lambda n: self.section("ar-postmarketing", post_blocks, number=n()),
                )
            )
        return self.section("adverse-reactions", blocks, number_children("6", children))

    def reaction_items(self, reactions: list[Any]) -> list[Unit]:
        items = []
        for reaction in reactions:
            runs = self.capitalised(self.text(reaction, "term"))
            if reaction.severity:
                runs += (
                    self.punct(" (")
                    + self.value(self.lang.word(f"severity.{reaction.severity}"), self.path(reaction, "severity"))
                    + self.punct(")")
                )
            items.append(self.unit(runs, [self.path(reaction)], "reaction"))
        return items

    def interactions(self) -> Section | None:
        blocks = [
            self.para(self.interaction_runs(i), facts=[self.path(i)], role="interaction")
            for i in self.label.interactions
        ]
        return self.section("interactions", blocks)

    def populations(self) -> Section | None:
        children: list[tuple[SectionSpec, Any]] = []
        for spec in self.kind.sections("fpi"):
            if spec.key.startswith("pop-"):
                kind = next(k for k, v in POPULATION_SECTIONS.items() if v == spec.key)
                facts = [p for p in self.label.specific_populations if p.population == kind]
                blocks = [self.para(self.text(p, "text"), facts=[self.path(p)], role="population") for p in facts]
                children.append(
                    (
                        spec,
                        lambda n, spec=spec, blocks=blocks: (
                            self.section(spec, blocks, number=n()) if blocks or spec.required else None
                        ),
                    )
                )
        return self.section("populations", [], number_children("8", children))

    def narrative_section(self, key: str, number: str | None = None) -> Section | None:
        blocks = [
            self.para(self.text(n, "text", value=part), facts=[self.path(n)], role="narrative")
            for n in self.label.narrative
            if n.section == key
            for part in _paragraphs(n.text)
        ]
        return self.section(key, blocks, number=number)

    def abuse(self) -> Section | None:
        return self.narrative_section("abuse")

    def overdosage(self) -> Section | None:
        return self.narrative_section("overdosage")

    def description(self) -> Section | None:
        label = self.label
        description = label.description
        blocks: list[Any] = [self.para(self.text(description, "text"))]
        if description.components:
            header = Row((self.unit(self.word("col.component")), self.unit(self.word("col.proportion"))), header=True)
            rows = [
                Row((self.unit(self.text(c, "name")), self.unit(self.fq(c, "fraction"))), (self.path(c),), "component")
                for c in description.components
            ]
            blocks.append(
                Table(
                    (header, *rows),
                    caption=self.caption("plr.composition-table-caption"),
                    style="composition",
                    widths=(6, 3),
                )
            )
        if description.named_factors:
            blocks.append(
                self.para(
                    self.phrase(
                        "plr.named-constituents",
                        items=self.join(
                            [
                                self.value(f, f"description.named_factors[{i}]")
                                for i, f in enumerate(description.named_factors)
                            ]
                        ),
                    )
                )
            )
        inactive = [i for i in label.product.ingredients if i.role == "inactive"]
        if inactive:
            blocks.append(
                self.para(self.phrase("plr.inactive", items=self.join([self.text(i, "name") for i in inactive])))
            )
        return self.section("description", blocks)

    def pharmacology(self) -> Section | None:
        mechanisms = []
        for mechanism in self.label.mechanisms:
            runs = self.text(mechanism, "text")
            if mechanism.name:
                runs = [Run(mechanism.name + ".", self.path(mechanism, "name"), "em")] + self.punct(" ") + runs
            mechanisms.append(self.para(runs, facts=[self.path(mechanism)], role="mechanism"))
        children: list[tuple[SectionSpec, Any]] = [
            (self.kind.section("mechanism"), lambda n: self.section("mechanism", mechanisms, number=n()))
        ]
        for key in ("pharmacodynamics", "pharmacokinetics", "microbiology", "pharmacogenomics"):
            children.append((self.kind.section(key), lambda n, key=key: self.narrative_section(key, n())))
        return self.section("pharmacology", [], number_children("12", children))

    def nonclinical(self) -> Section | None:
        children = [(self.kind.section("carcinogenesis"), lambda n: self.narrative_section("carcinogenesis", n()))]
        return self.section("nonclinical", [], number_children("13", children))

    def clinical_studies(self) -> Section | None:
        return self.narrative_section("clinical-studies")

    def references(self) -> Section | None:
        references = cited_references(self.label)
        if not references:
            return None
        return self.section(
            "references",
            [
                BulletList(
                    tuple(self.unit(self.text(r, "citation"), [self.path(r)], "reference") for r in references),
                    ordered=True,
                )
            ],
        )

    def how_supplied(self) -> Section | None:
        label = self.label
        items = []
        for presentation in label.product.presentations:
            head = (
                self.capitalised(self.text(presentation, "dosage_form"))
                + self.punct(" ")
                + self.fq(presentation, "strength")
            )
            if presentation.description:  # what tells two presentations of one strength apart
                head += self.punct(" (") + self.text(presentation, "description") + self.punct(")")
            for package in presentation.packages:
                items.append(
                    self.unit(
                        self.sentence(head + self.punct(": ") + package_runs(self, package), end="."),
                        [self.path(package)],
                        "package",
                    )
                )
        storage_blocks: list[Any] = [self.bullets(storage_units(self), style="storage")]
        if label.storage.freezing_reason:
            storage_blocks.append(self.para(self.value(label.storage.freezing_reason, "storage.freezing_reason")))
        if label.storage.dispense_in:
            storage_blocks.append(
                self.para(
                    self.phrase("plr.dispense", container=self.value(label.storage.dispense_in, "storage.dispense_in"))
                )
            )
        children = [
            (
                self.kind.section("how-supplied-presentation"),
                lambda n: self.section("how-supplied-presentation", [self.bullets(items)], number=n()),
            ),
            (self.kind.section("storage"), lambda n: self.section("storage", storage_blocks, number=n())),
        ]
        return self.section("how-supplied", [], number_children("16", children))

    def counseling(self) -> Section | None:
        label = self.label
        blocks: list[Any] = []
        if self.us and label.label.patient_labeling != "none":
            medication_guide = label.label.patient_labeling == "medication-guide"
            key = "plr.counsel-medication-guide" if medication_guide else "plr.counsel-patient-info"
            blocks.append(self.para(self.phrase(key if label.label.patient_labeling_approved else key + ".draft")))
        blocks += [
            self.para(self.text(item, "text"), facts=[self.path(item)], role="counseling") for item in label.counseling
        ]
        if label.counseling:  # the label's own counseling: nothing is added to it
            return self.section("counseling", blocks + firm_paragraphs(self))
        if label.contraindications:
            blocks.append(
                self.para(
                    self.sentence(self.phrase("plr.counsel-contraindications"), self.see("contraindications"), end=".")
                )
            )
        common = most_common(self)
        reaction_ids = common[1] if common and common[1] else [r.id for r in label.adverse_reactions.reactions]
        blocks.append(
            self.para(
                self.sentence(
                    self.phrase("plr.counsel-adverse", reactions=reaction_names(self, reaction_ids)),
                    self.see("adverse-reactions"),
                    end=".",
                )
            )
        )
        if label.monitoring:
            items = self.join(
                [
                    self.sentence(
                        self.text(m, "text", value=m.text[:1].lower() + m.text[1:]),
                        self.text(m, "when") if m.when else [],
                    )
                    for m in label.monitoring
                ],
                separator="; ",
            )
            blocks.append(
                self.para(
                    self.sentence(
                        self.phrase("plr.counsel-monitoring", items=items), self.see("warning-monitoring"), end="."
                    )
                )
            )
        blocks += firm_paragraphs(self)
        return self.section("counseling", blocks)


def firm_paragraphs(c: Composer) -> list[Paragraph]:
    """Manufactured by …; Distributed by …: the firms the label names, each with its role."""
    product = c.label.product
    paragraphs = []
    if product.manufacturer:
        manufacturer = c.text(product, "manufacturer")
        if product.manufacturer_address:
            manufacturer += c.punct(", ") + c.text(product, "manufacturer_address")
        paragraphs.append(c.para(c.phrase("plr.manufacturer", name=manufacturer), style="manufacturer"))
    for index, firm in enumerate(product.firms):
        name = c.value(firm.name, f"product.firms[{index}].name")
        if firm.address:
            name += c.punct(", ") + c.value(firm.address, f"product.firms[{index}].address")
        paragraphs.append(c.para(c.phrase(f"plr.firm.{firm.role}", name=name), style="manufacturer"))
    return paragraphs


def _marked(section: Section, changed: set[str]) -> Section:
    """The section with a change bar where a Recent Major Change is about it (``changed`` ids)."""
    inner = tuple(_marked(s, changed) for s in section.sections)
    style = f"{section.style} changed".strip() if section.id in changed else section.style
    if inner == section.sections and style == section.style:
        return section
    return Section(
        section.key,
        section.heading,
        section.level,
        section.number,
        section.loinc,
        section.blocks,
        inner,
        style,
        section.anchor,
    )


_TRAILING_SEES = re.compile(r"(?:\s*\{see:[^}]+\})+\s*\.?\s*$")


def _without_full_stop(runs: list[Run]) -> list[Run]:
    """A Highlights bullet ends with its cross-reference, not a full stop: "… weeks (2.4)"."""
    if runs and runs[-1].text.rstrip().endswith("."):
        last = runs[-1]
        word = last.text.rstrip().rsplit(" ", 1)[-1]
        if "." in word[:-1] or (word[:1].isupper() and len(word) <= 4):  # "e.g.", "Ltd.", "Inc.": abbreviations
            return runs
        trimmed = last.text.rstrip()[:-1]
        return runs[:-1] + ([Run(trimmed, last.source, last.style)] if trimmed else [])
    return runs


def _paragraphs(text: str) -> list[str]:
    """A long text written with blank lines (YAML `|`) as the paragraphs its author meant."""
    return [p.strip() for p in text.split("\n\n") if p.strip()] or [text]


def _title_case(text: str, lang: Language) -> str:
    """PLR subsection headings in title case: "High doses" → "High Doses"; capitals already written stay
    ("CNS effects" → "CNS Effects"), the language's small words stay lower case except the first."""
    small = set(lang.synonyms("title.small-words"))

    def capital(word: str) -> str:
        """The first letter, after any opening bracket or quote ("(Heterozygous"), and each part of a hyphenated
        word that is not a small word ("Drug-Induced", "Clostridioides difficile-Associated")."""
        if "-" in word.strip("-"):
            head, *rest = word.split("-")
            return "-".join([capital(head), *(p if p.lower() in small else capital(p) for p in rest)])
        lead = len(word) - len(word.lstrip("([{\"'‘“"))
        return word[:lead] + word[lead : lead + 1].upper() + word[lead + 1 :]

    words = text.split()
    return " ".join(w if i and w.lower() in small else capital(w) for i, w in enumerate(words))
