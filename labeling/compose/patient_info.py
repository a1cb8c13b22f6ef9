"""FDA-format patient labeling (US): Patient Information, or a Medication Guide where the label has one — the
question headings of FDA's patient labeling guidance, plain words.

Every statement is a fact in its patient wording (``patient_text``, ``patient_term``, quantities in words) or a
registered stock phrase; a section with nothing to say is left out, as the guidance allows ("as applicable").
"This Patient Information has been approved by the U.S. Food and Drug Administration" is printed only when the
content records that it has been.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from labeling.compose import Composer
from labeling.compose.common import (
    adjustment_units,
    contraindication_units,
    cycling_unit,
    indication_name,
    most_common,
    reaction_names,
    regimen_units,
    storage_units,
    target_runs,
    warning_runs,
)
from labeling.compose.insert import firm_paragraphs
from labeling.doctree import HEADING, Document, Paragraph, Part, Run, Section
from labeling.documents import DocumentKind
from labeling.language import Language
from labeling.model import Label
from labeling.reach import approved_indications, shown_combinations, shown_regimens


def compose(label: Label, kind: DocumentKind, lang: Language) -> Document:
    return PatientInformationComposer(label, kind, lang).document()


class PatientInformationComposer(Composer):
    def title_key(self, key: str) -> str:
        """The phrase for this kind: Medication Guide wording where one is written, else Patient Information."""
        prefix = "mg" if self.kind.name == "medication-guide" else "pi"
        return f"{prefix}.{key}"

    def document(self) -> Document:
        label = self.label
        info = label.label
        sections = [
            self.important(),
            self.what_is(),
            self.who_not(),
            self.before(),
            self.how(),
            self.avoid(),
            self.side_effects(),
            self.storage(),
            self.general(),
            self.ingredients(),
        ]
        built = tuple(s for s in sections if s is not None)
        revised = info.patient_labeling_revised or info.revision_date
        date = self.value(
            f"{self.lang.month(revised.month)} {revised.year}",
            "label.patient_labeling_revised" if info.patient_labeling_revised else "label.revision_date",
        )
        closing: list[Any] = firm_paragraphs(self)
        if info.patient_labeling_approved:
            closing.append(self.para(self.phrase(self.title_key("approved")), style="approved"))
        closing.append(self.para(self.phrase("pi.revised", date=date), style="revised"))
        last = built[-1]
        built = built[:-1] + (replace(last, blocks=last.blocks + tuple(closing)),)
        front = [
            self.para(self.phrase(self.title_key("title")), style="kind-title"),
            self.para(
                self.phrase(
                    "pi.subtitle",
                    name=self.text(label.product, "name"),
                    established=self.text(label.product, "established_name"),
                )
                if label.product.name.casefold() != label.product.established_name.casefold()
                else self.text(label.product, "name"),
                style="product",
            ),
        ]  # a generic is named once
        if self.kind.name == "medication-guide":
            front.append(self.para(self.phrase("mg.read", name=self.text(label.product, "name")), style="read-first"))
        front[:0] = self.draft_notice()
        kind_title = self.lang.phrase(self.title_key("title")).text
        title = f"{kind_title}: {self.name}"
        return Document(
            self.kind.name,
            info.language,
            title,
            (Part("information", None, built),),
            metadata=self.metadata(subject=kind_title, keywords=self.name),
            header=self.unit(
                self.text(label.product, "name") + self.punct(": ") + self.phrase(self.title_key("title"))
            ),
            footer=self.unit(self.phrase("pi.revised", date=date)),
            banner=self.unit(self.phrase("draft.banner")) if label.is_draft else None,
            front=tuple(front),
            furniture={"product": label.product.id, "version": info.version, "revised": info.revision_date.isoformat()},
        )

    def important(self) -> Section | None:
        blocks: list[Any] = []
        # The key risk the label puts first (its boxed warning); the other serious side effects are listed under
        # "What are the possible side effects", as FDA's patient labeling guidance orders them.
        boxed = self.label.boxed_warning
        if boxed is not None:
            items = [
                self.unit(self.text(i, "patient_text" if i.patient_text else "text"), [self.path(i)], "boxed")
                for i in boxed.items
            ]
            blocks.append(self.bullets(items))
        return self.section("important", blocks)

    def what_is(self) -> Section | None:
        label = self.label
        items = []
        for indication in approved_indications(label):
            runs = (
                self.text(indication, "patient_statement")
                if indication.patient_statement
                else indication_name(self, indication)
            )
            items.append(self.unit(runs, [self.path(indication)], "indication"))
        blocks = [
            self.para(self.phrase("pi.used-for", name=self.text(label.product, "name"))),
            self.bullets(items),
            self.para(self.value(label.patient.what_it_is, "patient.what_it_is")),
        ]
        return self.section("what-is", blocks)

    def who_not(self) -> Section | None:
        units = contraindication_units(self)
        if not units:
            return None
        return self.section(
            "who-not",
            [
                self.para(self.phrase("pi.do-not-use", name=self.text(self.label.product, "name"))),
                self.bullets(units, style="do-not"),
            ],
        )

    def before(self) -> Section | None:
        label = self.label
        conditions = [
            self.unit(self.text(p, "patient_text"), [self.path(p)], "population")
            for p in label.specific_populations
            if p.patient_text
        ]
        medicines = [
            self.para(self.text(c, "patient_text"), facts=[self.path(c)], role="combination")
            for c in shown_combinations(label)
            if c.patient_text
        ]
        medicines += [
            self.para(self.text(i, "patient_text"), facts=[self.path(i)], role="interaction")
            for i in label.interactions
            if i.patient_text
        ]
        monitoring = [
            self.para(self.text(m, "patient_text"), facts=[self.path(m)], role="monitoring")
            for m in label.monitoring
            if m.patient_text
        ]
        intro = "pi.before-tell-including" if conditions else "pi.before-tell"
        blocks: list[Any] = [
            self.para(self.phrase(intro, name=self.text(label.product, "name"))),
            self.bullets(conditions),
            self.para(self.phrase("pi.tell-medicines")),
            *medicines,
            *monitoring,
        ]
        return self.section("before", blocks)

    def how(self) -> Section | None:
        label = self.label
        blocks: list[Any] = []
        # The label's own words on how it is taken stand instead of the stock sentence, never beside it.
        if label.patient.how_it_is_given:
            blocks.append(self.para(self.value(label.patient.how_it_is_given, "patient.how_it_is_given")))
        else:
            blocks.append(self.para(self.phrase("pi.how-intro", name=self.text(label.product, "name"))))
        doses = regimen_units(self)
        if any(r.dose is not None for r in shown_regimens(label)):
            blocks.append(self.para(self.phrase("pi.usual-doses")))
        blocks.append(self.bullets(doses, style="doses"))
        cycling = cycling_unit(self)
        if cycling is not None:
            blocks.append(Paragraph(cycling))
        blocks += [Paragraph(u) for u in adjustment_units(self)]
        blocks += [
            self.para(self.sentence(target_runs(self, t), end="."), facts=[self.path(t)], role="target")
            for t in label.dosing.targets
            if t.patient_text
        ]  # a target is for patients only when worded so
        blocks += [
            self.para(self.text(i, "patient_text"), facts=[self.path(i)], role="instruction")
            for i in label.dosing.administration
            if i.patient_text
        ]
        return self.section("how", blocks)

    def avoid(self) -> Section | None:
        items = [self.unit([Run(text, f"patient.avoid[{i}]")]) for i, text in enumerate(self.label.patient.avoid)]
        return self.section("avoid", [self.bullets(items)])

    def side_effects(self) -> Section | None:
        label = self.label
        name = self.text(label.product, "name")
        blocks: list[Any] = []
        serious = [
            self.unit(warning_runs(self, w), [self.path(w)], "warning")
            for w in label.warnings
            if w.serious and w.patient_text
        ]
        if label.boxed_warning is not None:
            see = self.heading_text("important", name=self.name)
            serious.insert(
                0,
                self.unit(self.phrase("pi.see-important", heading=[Run(see, HEADING + f"{self.kind.name}/important")])),
            )
        if serious:
            blocks.append(self.para(self.phrase("pi.side-effects-serious", name=name)))
            blocks.append(self.bullets(serious))
        other = [w for w in label.warnings if w.patient_text and not w.serious]
        blocks += [self.para(warning_runs(self, w), facts=[self.path(w)], role="warning") for w in other]
        common = most_common(self)
        if common is not None and common[1]:
            blocks.append(self.para(self.phrase("pi.side-effects-common", name=name)))
            ids = list(common[1])
        else:
            blocks.append(self.para(self.phrase("pi.side-effects-reported", name=name)))
            ids = [r.id for r in label.adverse_reactions.reactions]
        blocks.append(
            self.bullets(
                [self.unit(reaction_names(self, [i]), [self.path(label.reaction(i))], "reaction") for i in ids]
            )
        )
        blocks.append(self.para(self.phrase("pi.side-effects-not-all", name=name)))
        blocks.append(
            self.para(
                self.sentence(
                    self.phrase(
                        "pt.reporting",
                        contact=self.value(label.label.adverse_reaction_contact, "label.adverse_reaction_contact"),
                    ),
                    end=".",
                )
            )
        )
        return self.section("side-effects", blocks)

    def storage(self) -> Section | None:
        label = self.label
        blocks: list[Any] = [self.bullets(storage_units(self), style="storage")]
        if label.storage.patient_freezing_reason:
            blocks.append(
                self.para(self.value(label.storage.patient_freezing_reason, "storage.patient_freezing_reason"))
            )
        blocks.append(self.para(self.phrase("pi.keep-from-children", name=self.text(label.product, "name"))))
        return self.section("storage", blocks)

    def general(self) -> Section | None:
        return self.section(
            "general", [self.para(self.phrase(self.title_key("general"), name=self.text(self.label.product, "name")))]
        )

    def ingredients(self) -> Section | None:
        label = self.label
        active = self.text(label.product, "established_name")
        blocks: list[Any] = [self.para(self.phrase("pi.active", items=active))]
        components = [
            self.unit(self.text(c, "name") + self.punct(": ") + self.fq(c, "fraction"), [self.path(c)])
            for c in label.description.components
        ]
        if components:
            blocks.append(self.bullets(components))
        inactive = [i for i in label.product.ingredients if i.role == "inactive"]
        if inactive:
            blocks.append(
                self.para(self.phrase("pi.inactive", items=self.join([self.text(i, "name") for i in inactive])))
            )
        return self.section("ingredients", blocks)
