"""The product sheet (marketing): the labelled conditions of use only, safety information in full before the claims.

Promotion may present only what the label says: approved indications, the regimens that serve them, labelled
routes, storage, and approved claims each followed by the label facts that support it. The words "approved"
appear only when the label records an approval basis.
"""

from __future__ import annotations

from typing import Any

from labeling.compose import Composer
from labeling.compose.common import (adjustment_runs, adjustment_units, contraindication_units, cycling_runs,
                                     cycling_unit, dosing_table, indication_name, most_common, package_runs,
                                     reaction_names, regimen_sentence, route_cell, storage_runs, target_runs,
                                     warning_runs)
from labeling.doctree import Document, Paragraph, Part, Row, Run, Section, Table
from labeling.documents import DocumentKind
from labeling.language import Language
from labeling.model import (Adjustment, AdverseReaction, Combination, Contraindication, Cycling, Indication, Label,
                            Mechanism, Presentation, Reference, Regimen, Route, StorageCondition, WarningItem)
from labeling.reach import approved_claims, approved_indications, hidden_facts, labelled_routes, shown_regimens


def compose(label: Label, kind: DocumentKind, lang: Language) -> Document:
    return SheetComposer(label, kind, lang).document()


class SheetComposer(Composer):
    def document(self) -> Document:
        label = self.label
        info = label.label
        approved = label.label.approval is not None
        sections = tuple(s for s in (self.identity(), self.indications(approved), self.dosing(), self.storage(),
                                     self.safety(), self.claims(approved)) if s is not None)
        product = label.product
        front: list[Any] = [
            self.para(self.phrase("sheet.kicker"), style="kicker"),
            self.para(self.text(product, "name"), style="title"),
            self.para(self.sentence(self.text(product, "established_name"), self.join(
                [self.text(ps[0], "dosage_form") + self.punct(" ") + self.join([self.fq(p, "strength") for p in ps])
                 for ps in _by_form(product.presentations)], separator="; ")), style="subtitle"),
        ]
        if label.is_draft:
            questions = self.join([self.text(g, "title") for g in label.gaps])
            front.append(self.para(self.phrase("draft.banner") + self.punct(". ")
                                   + self.phrase("draft.open-questions", questions=questions), style="callout"))
        date = self.value(f"{self.lang.month(info.revision_date.month)} {info.revision_date.year}",
                          "label.revision_date")
        footer = self.phrase("sheet.footer", name=self.text(product, "name"),
                             version=self.value(info.version, "label.version"), date=date)
        if label.is_draft:
            footer = self.phrase("draft.banner") + self.punct(" · ") + footer
        keywords = "; ".join([self.name] + [i.name for i in approved_indications(label)])
        title = self.lang.phrase("sheet.title").text.format(name=self.name)
        return Document(
            self.kind.name, info.language, title, (Part("sheet", None, sections),),
            metadata=self.metadata(**{"subject": f"{product.established_name}",
                      "keywords": keywords if len(keywords) <= 255 else keywords[:254].rsplit(";", 1)[0],
                      "category": self.lang.phrase("sheet.category").text,
                      "comments": self.lang.phrase("sheet.comments").text.format(version=info.version)}),
            footer=self.unit(footer), banner=None, front=tuple(front),
            furniture={"product": product.id, "version": info.version, "revised": info.revision_date.isoformat()})

    def identity(self) -> Section | None:
        label = self.label
        product = label.product
        rows = [self.row("col.product-name", self.text(product, "name")),
                self.row("col.established-name", self.text(product, "established_name"))]
        if product.source_material:
            rows.append(self.row("col.source", self.phrase("sheet.derived-from",
                                                           source=self.text(product, "source_material"))))
        for presentation in product.presentations:
            value = self.sentence(self.capitalised(self.text(presentation, "dosage_form")),
                                  self.fq(presentation, "strength"), separator=", ")
            value = self.sentence(value, self.join([package_runs(self, p) for p in presentation.packages],
                                                   separator="; "), separator=": ")
            rows.append(Row((self.unit(self.word("col.form")), self.unit(value)), (self.path(presentation),),
                            "presentation"))
        routes = labelled_routes(label)
        rows.append(self.row("col.routes.1" if len(routes) == 1 else "col.routes",
                             self.join([route_cell(self, [r.id]) for r in routes], separator="; ")))
        rows.append(self.row("col.manufacturer", self.text(product, "manufacturer")))
        return self.section("identity", [Table(tuple(rows), style="identity", widths=(1, 2), row_headers=True)])

    def row(self, key: str, value: list[Run]) -> Row:
        return Row((self.unit(self.word(key)), self.unit(value)))

    def indications(self, approved: bool) -> Section | None:
        items = [self.unit(self.capitalised(self.text(i, "name")), [self.path(i)], "indication")
                 for i in approved_indications(self.label)]
        heading = self.heading("indications.approved" if approved else "indications")
        return self.section("indications", [self.para(self.phrase("sheet.indicated-for",
                                                                  name=self.text(self.label.product, "name"))),
                                            self.bullets(items)], heading=heading)

    def dosing(self) -> Section | None:
        blocks: list[Any] = [dosing_table(self, style="sheet-dosing")]
        blocks += [self.para(self.sentence(target_runs(self, t), end="."), style="note", facts=[self.path(t)],
                             role="target") for t in self.label.dosing.targets]
        cycling = self.label.dosing.cycling
        unit = cycling_unit(self)
        if unit is not None:
            blocks.append(self.para(self.phrase("sheet.cycles") + self.punct(" ") + list(unit.runs), style="note",
                                    facts=unit.facts, role="cycling"))
        blocks += [Paragraph(u, "note") for u in adjustment_units(self)]
        return self.section("dosing", blocks)

    def storage(self) -> Section | None:
        header = Row((self.unit(self.word("col.product")), self.unit(self.word("col.condition"))), header=True)
        rows = [header]
        for condition in self.label.storage.conditions:
            rows.append(Row((self.unit(self.text(condition, "applies_to")),
                             self.unit(storage_runs(self, condition, with_subject=False))), (self.path(condition),),
                            "storage"))
        blocks: list[Any] = [Table(tuple(rows), style="storage", widths=(5, 12), row_headers=True)]
        if self.label.storage.freezing_reason:
            blocks.append(self.para(self.phrase("sheet.do-not-freeze") + self.punct(" ")
                                    + self.value(self.label.storage.freezing_reason, "storage.freezing_reason"),
                                    style="note"))
        return self.section("storage", blocks)

    def safety(self) -> Section | None:
        label = self.label
        name = self.text(label.product, "name")
        blocks: list[Any] = []
        if label.boxed_warning is not None:
            blocks.append(self.para(self.lead("sheet.boxed") + self.phrase("plr.boxed-title", title=self.value(
                label.boxed_warning.title.upper(), "boxed_warning.title"))))
            blocks.append(self.bullets([self.unit(self.text(i, "text"), [self.path(i)], "boxed")
                                        for i in label.boxed_warning.items]))
        units = contraindication_units(self)
        if units:
            blocks.append(self.para(self.lead("sheet.contraindications") + self.phrase("sheet.must-not", name=name)))
            blocks.append(self.bullets(units))
        else:
            blocks.append(self.para(self.lead("sheet.contraindications") + self.phrase("none")))
        if label.warnings:
            blocks.append(self.para(self.lead("sheet.warnings", trailing=False)))
            blocks.append(self.bullets([self.unit([Run(w.title, self.path(w, "title"), "strong")] + self.punct(": ")
                                                  + self.sentence(warning_runs(self, w), end="."), [self.path(w)],
                                                  "warning") for w in label.warnings]))
        common = most_common(self)
        if common is not None and common[1]:
            text = self.phrase("sheet.adverse-common", cutoff=common[0],
                               reactions=reaction_names(self, common[1]))
        else:
            text = self.phrase("sheet.adverse-text", reactions=reaction_names(
                self, [r.id for r in label.adverse_reactions.reactions]))
        blocks.append(self.para(self.lead("sheet.adverse") + text))
        if label.monitoring:
            items = [self.sentence(self.text(m, "text"), self.text(m, "when") if m.when else [], end=".")
                     for m in label.monitoring]
            blocks.append(self.para(self.lead("sheet.monitoring") + self.sentence(*items)))
        blocks.append(self.para(self.lead("sheet.reporting") + self.sentence(self.phrase(
            "sheet.reporting-text", contact=self.value(label.label.adverse_reaction_contact,
                                                       "label.adverse_reaction_contact")), end=".")))
        return self.section("safety", blocks)

    def lead(self, key: str, trailing: bool = True) -> list[Run]:
        """A bold lead-in ("Contraindications.") before the text of a safety paragraph."""
        runs = [Run(r.text, r.source, "strong") for r in self.phrase(key)]
        return runs + (self.punct(" ") if trailing else [])

    def claims(self, approved: bool) -> Section | None:
        label = self.label
        hidden = hidden_facts(label)
        blocks: list[Any] = []
        for claim in approved_claims(label):
            blocks.append(self.para(self.text(claim, "text"), style="claim", facts=[self.path(claim)], role="claim"))
            support = [self.describe(label.fact(i)) for i in claim.supported_by
                       if id(label.fact(i)) not in hidden]
            support = [s for s in support if s]
            if support:
                blocks.append(self.para(self.phrase("sheet.supported-by", facts=self.join(support, separator="; ")
                                                    if len(support) > 1 else support[0]),
                                        style="claim-support", facts=[self.path(claim)], role="claim-support"))
        blocks.append(self.para(self.lead("sheet.before") + self.phrase("sheet.approved-only", name=self.text(
            label.product, "name")) + self.punct(" ") + self.phrase("sheet.before-prescribing"), style="callout"))
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


def _by_form(presentations: list[Presentation]) -> list[list[Presentation]]:
    grouped: dict[str, list[Presentation]] = {}
    for presentation in presentations:
        grouped.setdefault(presentation.dosage_form, []).append(presentation)
    return list(grouped.values())
