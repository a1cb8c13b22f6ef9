"""The product sheet (marketing): the labelled conditions of use only, safety information in full before the claims.

Promotion may present only what the label says: approved indications, the regimens that serve them, labelled
routes, storage, and approved claims each followed by the label facts that support it. The words "approved"
appear only when the label records an approval basis.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from labeling.compose import Composer
from labeling.compose.common import (
    adjustment_runs,
    adjustment_units,
    contraindication_units,
    cycling_runs,
    cycling_unit,
    dosing_table,
    forms_and_strengths,
    indication_name,
    most_common,
    package_runs,
    reaction_names,
    regimen_sentence,
    route_cell,
    storage_runs,
    strengths_runs,
    target_runs,
    warning_runs,
)
from labeling.doctree import BulletList, Document, Paragraph, Part, Row, Run, Section, Table
from labeling.documents import DocumentKind
from labeling.language import Language
from labeling.model import (
    Adjustment,
    AdverseReaction,
    Combination,
    Contraindication,
    Cycling,
    Indication,
    Label,
    Mechanism,
    Presentation,
    Reference,
    Regimen,
    Route,
    StorageCondition,
    WarningItem,
)
from labeling.reach import approved_claims, approved_indications, hidden_facts, labelled_routes


def compose(label: Label, kind: DocumentKind, lang: Language) -> Document:
    return SheetComposer(label, kind, lang).document()


class SheetComposer(Composer):
    _insert: Any = None

    def see_refs(self, keys: list[str]) -> list[Run]:
        """A cross-reference in a text the sheet quotes points into the label's prescribing information, as
        the insert prints it ("[see Warnings and Precautions (5.1)]"): dropped, "… are provided." would end
        mid-thought. A label without an insert drops it."""
        from labeling.compose.insert import InsertComposer
        from labeling.documents import DOCUMENT_KINDS, outputs_for

        if not any(output.kind == "package-insert" for output in outputs_for(self.label)):
            return []
        if self._insert is None:
            insert = InsertComposer(self.label, DOCUMENT_KINDS["package-insert"], self.lang)
            insert.numbers = {}
            insert.fpi()  # the insert's numbers, found as the insert finds them (two passes)
            insert.fpi()
            self._insert = insert
        return self._insert.see_refs(keys)

    def document(self) -> Document:
        label = self.label
        info = label.label
        approved = label.label.approval is not None
        # The closing note ends the claims; without approved claims it ends the safety information (a "Key
        # points" heading over nothing but that note reads like a page gone missing).
        claims = self.claims(approved)
        sections = tuple(
            s
            for s in (
                self.identity(),
                self.indications(approved),
                self.dosing(),
                self.storage(),
                self.safety(closing=claims is None),
                claims,
            )
            if s is not None
        )
        product = label.product
        front: list[Any] = [
            self.para(self.phrase("sheet.kicker"), style="kicker"),
            self.para(self.text(product, "name"), style="title"),
            self.para(self.subtitle(), style="subtitle"),
        ]
        if label.is_draft:
            questions = self.join([self.text(g, "title") for g in label.gaps])
            front.append(
                self.para(
                    self.phrase("draft.banner")
                    + self.punct(". ")
                    + self.phrase("draft.open-questions", questions=questions),
                    style="callout",
                )
            )
        date = self.value(
            f"{self.lang.month(info.revision_date.month)} {info.revision_date.year}", "label.revision_date"
        )
        footer = self.phrase(
            "sheet.footer",
            name=self.text(product, "name"),
            version=self.value(info.version, "label.version"),
            date=date,
        )
        if label.is_draft:
            footer = self.phrase("draft.banner") + self.punct(" · ") + footer
        keywords = "; ".join([self.name] + [i.name for i in approved_indications(label)])
        title = self.lang.phrase("sheet.title").text.format(name=self.name)
        return Document(
            self.kind.name,
            info.language,
            title,
            (Part("sheet", None, sections),),
            metadata=self.metadata(
                subject=f"{product.established_name}",
                keywords=keywords if len(keywords) <= 255 else keywords[:254].rsplit(";", 1)[0],
                category=self.lang.phrase("sheet.category").text,
                comments=self.lang.phrase("sheet.comments").text.format(version=info.version),
            ),
            footer=self.unit(footer),
            banner=None,
            front=tuple(front),
            furniture={"product": product.id, "version": info.version, "revised": info.revision_date.isoformat()},
        )

    def subtitle(self) -> list[Run]:
        """``adalimumab 40 mg/0.8 mL and 20 mg/0.4 mL injection``; ``250 mg and 500 mg capsules; 125 mg/5 mL and
        250 mg/5 mL for oral suspension``: each strength once, before its dosage form, forms in the label's order;
        the established name first unless the title already is it."""
        product = self.label.product
        forms = [
            self.sentence(strengths_runs(self, presentations), self.text(presentations[0], "dosage_form"))
            for _, presentations in forms_and_strengths(self)
        ]
        body = self.sentence(*forms, separator="; ")
        if product.established_name.casefold() == product.name.casefold():
            return body
        return self.sentence(self.text(product, "established_name"), body)

    def identity(self) -> Section | None:
        label = self.label
        product = label.product
        rows = [
            self.row("col.product-name", self.text(product, "name")),
            self.row("col.established-name", self.text(product, "established_name")),
        ]
        if product.source_material:
            rows.append(
                self.row("col.source", self.phrase("sheet.derived-from", source=self.text(product, "source_material")))
            )
        # One row per dosage form and strength, named by them ("Capsules, 500 mg"), with every pack of every
        # presentation of that strength (two 500 mg capsules that differ only in colour share a row).
        strengths: dict[tuple[str, Any], list[Presentation]] = {}
        for presentation in product.presentations:
            strengths.setdefault((presentation.dosage_form, presentation.strength), []).append(presentation)
        for presentations in strengths.values():
            first = presentations[0]
            name = self.sentence(
                self.capitalised(self.text(first, "dosage_form")), self.fq(first, "strength"), separator=", "
            )
            packs = self.sentence(*(package_runs(self, p) for pr in presentations for p in pr.packages), separator="; ")
            rows.append(
                Row(
                    (self.unit(name), self.unit(self.capitalised(packs) or self.punct("–"))),
                    tuple(self.path(p) for p in presentations),
                    "presentation",
                )
            )
        routes = labelled_routes(label)
        rows.append(
            self.row(
                "col.routes.1" if len(routes) == 1 else "col.routes",
                self.join([route_cell(self, [r.id]) for r in routes], separator="; "),
            )
        )
        if product.manufacturer:
            rows.append(self.row("col.manufacturer", self.text(product, "manufacturer")))
        for index, firm in enumerate(product.firms):
            rows.append(self.row(f"col.firm.{firm.role}", self.value(firm.name, f"product.firms[{index}].name")))
        return self.section("identity", [Table(tuple(rows), style="identity", widths=(1, 2), row_headers=True)])

    def row(self, key: str, value: list[Run]) -> Row:
        return Row((self.unit(self.word(key)), self.unit(value)))

    def indications(self, approved: bool) -> Section | None:
        # Promotion states each indication as the label does: its full statement where it has one (a sentence
        # naming the population), and its limitations of use (21 CFR 202.1(e)(6)).
        indications = approved_indications(self.label)
        heading = self.heading("indications.approved" if approved else "indications")
        limitations = [
            self.unit(self.capitalised(self.text(i, "limitations", value=text)))
            for i in indications
            for text in i.limitations
        ]
        if any(i.statement for i in indications):
            blocks: list[Any] = [
                self.bullets(
                    [
                        self.unit(
                            self.text(i, "statement") if i.statement else self.capitalised(self.text(i, "name")),
                            [self.path(i)],
                            "indication",
                        )
                        for i in indications
                    ]
                )
            ]
        else:
            blocks = [
                self.para(self.phrase("sheet.indicated-for", name=self.text(self.label.product, "name"))),
                self.bullets(
                    [
                        self.unit(self.capitalised(self.text(i, "name")), [self.path(i)], "indication")
                        for i in indications
                    ]
                ),
            ]
        if limitations:
            blocks += [self.para(_strong(self.phrase("plr.limitations-of-use"))), self.bullets(limitations)]
        return self.section("indications", blocks, heading=heading)

    def dosing(self) -> Section | None:
        table = dosing_table(self, style="sheet-dosing", captioned=False)
        # No fixed column weights: the writer sizes each column by what it holds (a route column of one word
        # stays narrow, no quantity is broken inside itself).
        blocks: list[Any] = [dataclasses.replace(table, widths=()) if table is not None else None]
        blocks += [
            self.para(self.sentence(target_runs(self, t), end="."), style="note", facts=[self.path(t)], role="target")
            for t in self.label.dosing.targets
        ]
        unit = cycling_unit(self)
        if unit is not None:
            blocks.append(
                self.para(
                    self.phrase("sheet.cycles") + self.punct(" ") + list(unit.runs),
                    style="note",
                    facts=unit.facts,
                    role="cycling",
                )
            )
        blocks += [Paragraph(u, "note") for u in adjustment_units(self)]
        return self.section("dosing", blocks)

    def storage(self) -> Section | None:
        header = Row((self.unit(self.word("col.product")), self.unit(self.word("col.condition"))), header=True)
        rows = [header]
        for condition in self.label.storage.conditions:
            rows.append(
                Row(
                    (
                        self.unit(self.text(condition, "applies_to")),
                        self.unit(storage_runs(self, condition, with_subject=False)),
                    ),
                    (self.path(condition),),
                    "storage",
                )
            )
        blocks: list[Any] = [Table(tuple(rows), style="storage", widths=(5, 12), row_headers=True)]
        storage = self.label.storage
        if storage.freezing_reason:
            # Each condition's row already says "Do not freeze." where it applies: the note gives the reason only.
            reason = self.value(storage.freezing_reason, "storage.freezing_reason")
            if not any(c.do_not_freeze for c in storage.conditions):
                reason = self.phrase("sheet.do-not-freeze") + self.punct(" ") + reason
            blocks.append(self.para(reason, style="note"))
        return self.section("storage", blocks)

    def safety(self, closing: bool = False) -> Section | None:
        label = self.label
        blocks: list[Any] = []
        if label.boxed_warning is not None:
            title = self.phrase(
                "plr.boxed-title", title=self.value(label.boxed_warning.title.upper(), "boxed_warning.title")
            )
            blocks.append(self.para(_strong(title)))
            blocks.append(
                self.bullets(
                    [self.unit(self.text(i, "text"), [self.path(i)], "boxed") for i in label.boxed_warning.items]
                )
            )
        units = contraindication_units(self)
        if units:
            blocks.append(self.para(self.lead("sheet.contraindications", trailing=False)))
            blocks.append(self.bullets(units))
        else:
            blocks.append(self.para(self.lead("sheet.contraindications") + self.phrase("none")))
        if label.warnings:
            blocks.append(self.para(self.lead("sheet.warnings", trailing=False)))
            blocks += self.warning_blocks()
        common = most_common(self)
        if common is not None and common[1]:
            text = self.phrase("sheet.adverse-common", cutoff=common[0], reactions=reaction_names(self, common[1]))
        else:
            text = self.phrase(
                "sheet.adverse-text", reactions=reaction_names(self, [r.id for r in label.adverse_reactions.reactions])
            )
        blocks.append(self.para(self.lead("sheet.adverse") + text))
        if label.monitoring:
            items = [
                self.sentence(self.text(m, "text"), self.text(m, "when") if m.when else [], end=".")
                for m in label.monitoring
            ]
            blocks.append(self.para(self.lead("sheet.monitoring") + self.sentence(*items)))
        blocks.append(
            self.para(
                self.lead("sheet.reporting")
                + self.sentence(
                    self.phrase(
                        "sheet.reporting-text",
                        contact=self.value(label.label.adverse_reaction_contact, "label.adverse_reaction_contact"),
                    ),
                    end=".",
                )
            )
        )
        if closing:
            blocks.append(self.closing())
        return self.section("safety", blocks)

    def warning_blocks(self) -> list[Any]:
        """Each warning as its Highlights short form where the label has one; otherwise its full text, each
        paragraph of it a paragraph (a bullet holds one paragraph, so a longer warning stands as paragraphs)."""
        blocks: list[Any] = []
        items: list[Any] = []
        for warning in self.label.warnings:
            title = [Run(warning.title, self.path(warning, "title"), "strong")] + self.punct(": ")
            facts = [self.path(warning)]
            parts = [] if warning.summary else _paragraphs(warning.text)
            if len(parts) <= 1:
                field = "summary" if warning.summary else None
                items.append(
                    self.unit(title + self.sentence(warning_runs(self, warning, field), end="."), facts, "warning")
                )
                continue
            if items:
                blocks.append(BulletList(tuple(items)))
                items = []
            for index, part in enumerate(parts):
                runs = self.text(warning, "text", value=part)
                blocks.append(self.para(title + runs if index == 0 else runs, facts=facts, role="warning"))
        if items:
            blocks.append(BulletList(tuple(items)))
        return blocks

    def lead(self, key: str, trailing: bool = True) -> list[Run]:
        """A bold lead-in ("Contraindications.") before the text of a safety paragraph."""
        return _strong(self.phrase(key)) + (self.punct(" ") if trailing else [])

    def closing(self) -> Paragraph:
        """The fair-balance note that ends the sheet: the labelled conditions only; read the full PI."""
        return self.para(
            self.lead("sheet.before")
            + self.phrase("sheet.approved-only", name=self.text(self.label.product, "name"))
            + self.punct(" ")
            + self.phrase("sheet.before-prescribing"),
            style="callout",
        )

    def claims(self, approved: bool) -> Section | None:
        label = self.label
        claims = approved_claims(label)
        if not claims:
            return None
        hidden = hidden_facts(label)
        blocks: list[Any] = []
        for claim in claims:
            blocks.append(self.para(self.text(claim, "text"), style="claim", facts=[self.path(claim)], role="claim"))
            support = [self.describe(label.fact(i)) for i in claim.supported_by if id(label.fact(i)) not in hidden]
            support = [s for s in support if s]
            if support:
                blocks.append(
                    self.para(
                        self.phrase(
                            "sheet.supported-by",
                            facts=self.join(support, separator="; ") if len(support) > 1 else support[0],
                        ),
                        style="claim-support",
                        facts=[self.path(claim)],
                        role="claim-support",
                    )
                )
        blocks.append(self.closing())
        heading = self.heading("claims.approved" if approved else "claims")
        return self.section("claims", blocks, heading=heading)

    def describe(self, fact: Any) -> list[Run]:
        """A supporting fact named as a reader knows it (only facts the documents show are ever named)."""
        if isinstance(fact, Regimen):
            return regimen_sentence(self, fact)
        if isinstance(fact, Route):
            return self.phrase("sheet.route-administration", route=route_cell(self, [fact.id]))
        if isinstance(fact, Indication):
            return indication_name(self, fact)
        if isinstance(fact, Adjustment):
            return adjustment_runs(self, fact)
        if isinstance(fact, Cycling):
            return cycling_runs(self, fact)
        if isinstance(fact, StorageCondition):
            return storage_runs(self, fact)
        if isinstance(fact, (Combination, Contraindication)):
            return self.text(fact, "text")
        if isinstance(fact, WarningItem):
            return self.text(fact, "title")
        if isinstance(fact, Reference):
            return self.text(fact, "citation")
        if isinstance(fact, Mechanism):
            return self.text(fact, "name") if fact.name else self.text(fact, "text")
        if isinstance(fact, AdverseReaction):
            return self.text(fact, "term")
        if isinstance(fact, Presentation):
            return self.sentence(self.text(fact, "dosage_form"), self.fq(fact, "strength"))
        return []


def _strong(runs: list[Run]) -> list[Run]:
    return [Run(r.text, r.source, "strong") for r in runs]


def _paragraphs(text: str) -> list[str]:
    """A long text written with blank lines (YAML `|`) as the paragraphs its author meant (as the insert does)."""
    return [p.strip() for p in text.split("\n\n") if p.strip()] or [text]
