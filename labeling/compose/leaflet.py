"""The EU package leaflet (QRD template): six fixed sections, plain language, every fact in its patient form."""

from __future__ import annotations

from typing import Any

from labeling.compose import Composer
from labeling.compose.common import (
    adjustment_units,
    contraindication_units,
    cycling_unit,
    indication_name,
    reaction_names,
    regimen_units,
    storage_units,
    warning_runs,
)
from labeling.doctree import NUMBER, BulletList, Document, Paragraph, Part, Run, Section
from labeling.documents import DocumentKind
from labeling.language import Language
from labeling.model import Label
from labeling.reach import approved_indications, shown_combinations


def compose(label: Label, kind: DocumentKind, lang: Language) -> Document:
    return LeafletComposer(label, kind, lang).document()


class LeafletComposer(Composer):
    def document(self) -> Document:
        label = self.label
        info = label.label
        name = self.text(label.product, "name")
        sections = tuple(
            s
            for s in (
                self.what_it_is(),
                self.before(),
                self.how_given(),
                self.side_effects(),
                self.storage(),
                self.contents(),
            )
            if s is not None
        )
        read_first = [
            self.para(self.phrase("qrd.read-all"), style="strong"),
            self.bullets(
                [
                    self.unit(self.phrase("qrd.keep")),
                    self.unit(self.phrase("qrd.ask")),
                    self.unit(
                        self.phrase(
                            "qrd.side-effects-tell",
                            section=[Run(self.kind.section("side-effects").number or "", "number:4")],
                        )
                    ),
                ]
            ),
            self.para(self.phrase("qrd.in-this-leaflet"), style="strong"),
            BulletList(
                tuple(self.unit([r for r in s.heading.runs if not r.source.startswith(NUMBER)]) for s in sections),
                "in-this-leaflet",
                ordered=True,
            ),
        ]
        front: list[Any] = [
            self.para(self.phrase("qrd.title"), style="kind-title"),
            self.para(name, style="product"),
            self.para(
                self.sentence(
                    self.text(label.product, "established_name"),
                    self.join(
                        [
                            self.fq(p, "strength")
                            for p in list({p.strength: p for p in label.product.presentations}.values())
                        ]
                    ),
                    separator=" · ",
                ),
                style="subtitle",
            ),
        ]
        front[:0] = self.draft_notice()
        front += read_first
        date = self.value(
            f"{self.lang.month(info.revision_date.month)} {info.revision_date.year}", "label.revision_date"
        )
        return Document(
            self.kind.name,
            info.language,
            f"{self.lang.phrase('qrd.title').text}: {self.name}",
            (Part("leaflet", None, sections),),
            metadata=self.metadata(subject=self.lang.phrase("qrd.title").text, keywords=self.name),
            header=self.unit(name + self.punct(": ") + self.phrase("qrd.running-title")),
            footer=self.unit(self.phrase("qrd.revised", date=date)),
            banner=self.unit(self.phrase("draft.banner")) if label.is_draft else None,
            front=tuple(front),
            furniture={"product": label.product.id, "version": info.version, "revised": info.revision_date.isoformat()},
        )

    def subhead(self, runs: list[Run]) -> Paragraph:
        return self.para(runs, style="subhead")

    def what_it_is(self) -> Section | None:
        label = self.label
        items = [self.unit(indication_name(self, i), [self.path(i)], "indication") for i in approved_indications(label)]
        return self.section(
            "what-it-is",
            [
                self.para(self.value(label.patient.what_it_is, "patient.what_it_is")),
                self.para(self.phrase("qrd.used-for", name=self.text(label.product, "name"))),
                self.bullets(items),
            ],
        )

    def before(self) -> Section | None:
        label = self.label
        name = self.text(label.product, "name")
        blocks: list[Any] = []
        units = contraindication_units(self)
        if units:
            blocks += [
                self.subhead(self.phrase("qrd.do-not-use", name=name)),
                self.bullets(units, style="do-not"),
                self.para(self.phrase("qrd.tell-before", name=name)),
            ]
        cautions = [self.para(warning_runs(self, w), facts=[self.path(w)], role="warning") for w in label.warnings]
        cautions += [
            self.para(
                self.text(m, "patient_text") if m.patient_text else self.text(m, "text"),
                facts=[self.path(m)],
                role="monitoring",
            )
            for m in label.monitoring
        ]
        cautions += [
            self.para(self.text(p, "patient_text"), facts=[self.path(p)], role="population")
            for p in label.specific_populations
            if p.patient_text
        ]
        if cautions:
            blocks += [self.subhead(self.phrase("qrd.warnings")), *cautions]
        blocks += [
            self.subhead(self.phrase("qrd.other-medicines", name=name)),
            self.para(self.phrase("qrd.other-medicines-tell")),
        ]
        blocks += [
            self.para(
                self.text(c, "patient_text") if c.patient_text else self.text(c, "text"),
                facts=[self.path(c)],
                role="combination",
            )
            for c in shown_combinations(label)
        ]
        blocks += [
            self.para(self.text(i, "patient_text"), facts=[self.path(i)], role="interaction")
            for i in label.interactions
            if i.patient_text
        ]
        blocks += [self.subhead(self.phrase("qrd.pregnancy")), self.para(self.phrase("qrd.pregnancy-ask"))]
        return self.section("before", blocks)

    def how_given(self) -> Section | None:
        label = self.label
        blocks: list[Any] = []
        if label.patient.how_it_is_given:
            blocks.append(self.para(self.value(label.patient.how_it_is_given, "patient.how_it_is_given")))
        blocks += [self.para(self.phrase("qrd.how-intro")), self.bullets(regimen_units(self), style="doses")]
        cycling = cycling_unit(self)
        if cycling is not None:
            blocks.append(Paragraph(cycling))
        blocks += [Paragraph(u) for u in adjustment_units(self)]
        blocks += [
            self.para(self.text(i, "patient_text"), facts=[self.path(i)], role="instruction")
            for i in label.dosing.administration
            if i.patient_text
        ]
        for warning in label.warnings:
            if warning.threshold is not None:
                blocks += [
                    self.subhead(self.phrase("qrd.too-much", name=self.text(label.product, "name"))),
                    self.para(warning_runs(self, warning), facts=[self.path(warning)], role="warning"),
                ]
        return self.section("how-given", blocks)

    def side_effects(self) -> Section | None:
        label = self.label
        reactions = label.adverse_reactions.reactions
        items = [self.unit(reaction_names(self, [r.id]), [self.path(r)], "reaction") for r in reactions]
        blocks: list[Any] = [
            self.para(self.phrase("qrd.like-all")),
            self.para(self.phrase("qrd.reported")),
            self.bullets(items),
            self.subhead(self.phrase("qrd.reporting")),
            self.para(self.phrase("qrd.reporting-text")),
            self.para(
                self.sentence(
                    self.phrase(
                        "pt.reporting",
                        contact=self.value(label.label.adverse_reaction_contact, "label.adverse_reaction_contact"),
                    ),
                    end=".",
                )
            ),
        ]
        return self.section("side-effects", blocks)

    def storage(self) -> Section | None:
        label = self.label
        blocks: list[Any] = [self.para(self.phrase("qrd.children")), self.bullets(storage_units(self), style="storage")]
        if label.storage.patient_freezing_reason:
            blocks.append(
                self.para(self.value(label.storage.patient_freezing_reason, "storage.patient_freezing_reason"))
            )
        blocks.append(self.para(self.phrase("qrd.waste")))
        return self.section("storage", blocks)

    def contents(self) -> Section | None:
        label = self.label
        name = self.text(label.product, "name")
        blocks: list[Any] = []
        components = [
            self.unit(self.text(c, "name") + self.punct(": ") + self.fq(c, "fraction"), [self.path(c)])
            for c in label.description.components
        ]
        inactive = [self.unit(self.text(i, "name"), [self.path(i)]) for i in label.product.ingredients]
        if components or inactive:
            blocks += [self.subhead(self.phrase("qrd.contains", name=name)), self.bullets(components + inactive)]
        blocks.append(self.subhead(self.phrase("qrd.looks-like", name=name)))
        for presentation in label.product.presentations:
            for package in presentation.packages:
                blocks.append(
                    self.para(
                        self.phrase(
                            "qrd.pack",
                            form=self.capitalised(self.text(presentation, "dosage_form")),
                            strength=self.fq(presentation, "strength"),
                            pack=self.capitalised(self.fq(package, "pack")),
                        ),
                        facts=[self.path(package)],
                        role="package",
                    )
                )
        manufacturer = self.text(label.product, "manufacturer")
        if label.product.manufacturer_address:
            manufacturer += self.punct(", ") + self.text(label.product, "manufacturer_address")
        blocks += [self.subhead(self.phrase("qrd.mah")), self.para(manufacturer)]
        date = self.value(
            f"{self.lang.month(label.label.revision_date.month)} {label.label.revision_date.year}",
            "label.revision_date",
        )
        blocks.append(self.para(self.phrase("qrd.revised", date=date), style="revised"))
        return self.section("contents", blocks)
