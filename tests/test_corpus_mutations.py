"""Single realistic edits to every product's documents must each be caught, naming the right fact.

Every label in content/ gets its own mutations (its facts differ): a frequency, a population band, a maximum, a
mg/kg dose, a reconstitution concentration, a storage temperature or time, a contraindication, a trailing or
missing leading zero, a unit, a number moved to another regimen, wherever the product has such a fact. Each
edit is made where a hand-edited artwork would differ: in the HTML a PDF is laid out from (then laid out with
WeasyPrint, and the PDF bytes verified), or in the product sheet's document XML. The texts the edits look for
are written from the label's facts (formatted by ``labeling.quantities`` in the label's language), so a change
to the content changes the targets with it; an edit that no longer applies fails loudly.

A mutation the verifier cannot yet tell from a correct document is kept as a strict xfail naming the gap
(``Mutation.gap``), so it turns into a failure the day the verifier learns it.
"""

from __future__ import annotations

import html as html_lib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from labeling.compose import compose, unbreakable
from labeling.documents import DOCUMENT_KINDS
from labeling.extract.artifact import read_artifact
from labeling.language import language_for
from labeling.model import walk
from labeling.quantities import Quantity, format_patient, format_professional
from labeling.verify import verify_text

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PRODUCTS = sorted(path.stem for path in (ROOT / "content").glob("*.yaml"))
LANG = language_for("en")
NBSP = "\u00a0"

INSERT, PATIENT, SHEET = "package-insert", "patient", "product-sheet"  # which document of the product an edit is in


class NotCaught(AssertionError):
    """The edited document verified without the finding the mutation must cause."""


# ---------------------------------------------------------------------------------------------------------
# The label's facts as documents print them


@cache
def load(product: str) -> Any:
    from labeling.load import load_label

    return load_label(ROOT / "content" / f"{product}.yaml")


@cache
def _values(product: str) -> dict[str, Quantity]:
    return {str(path): value for path, value in walk(load(product)) if isinstance(value, Quantity)}


Text = Callable[[Any], str]  # the label → a text to look for or to write


def value(label: Any, path: str) -> Quantity:
    return _values(label.product.id)[path]


def pro(path: str, changed: str | None = None) -> Text:
    """The fact at ``path`` as a professional document prints it (or ``changed``, a compact value of its kind)."""
    return lambda label: format_professional(_value_or(label, path, changed), LANG)


def pat(path: str, changed: str | None = None) -> Text:
    """… as a patient document prints it."""
    return lambda label: format_patient(_value_or(label, path, changed), LANG)


def _value_or(label: Any, path: str, changed: str | None) -> Quantity:
    old = value(label, path)
    return old if changed is None else type(old).parse(changed)


def phrase(key: str) -> Text:
    return lambda label: LANG.phrase(key).text


def _text(label: Any, maker: Text | str) -> str:
    return maker if isinstance(maker, str) else maker(label)


# ---------------------------------------------------------------------------------------------------------
# Editing markup (HTML or WordprocessingML) the way a hand edit would


def _visible(markup: str) -> str:
    """What a reader sees of some markup: tags dropped, entities decoded, every space one plain space."""
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", markup)).replace("\u2060", "")
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text).strip()


_AS_WRITTEN = {
    " ": "[ \u00a0\u202f]",
    "–": "\u2060?–\u2060?",
    "/": "/\u2060?",
    "'": "(?:'|&#39;|&#x27;|&apos;)",
    '"': '(?:"|&quot;|&#34;)',
    "&": "(?:&|&amp;)",
    "<": "(?:<|&lt;)",
    ">": "(?:>|&gt;)",
}


def _as_written(text: str) -> re.Pattern[str]:
    """A text as the markup may write it: escaped, with non-breaking spaces inside quantities (or every space
    non-breaking, as a DOCX quantity run has them), word joiners around a range's dash."""
    pattern = "".join(_AS_WRITTEN.get(char, re.escape(char)) for char in text)
    if text[:1].isalpha():  # a sentence may begin with it: "Once daily; individualize …"
        pattern = f"[{text[0].lower()}{text[0].upper()}]" + pattern[len(re.escape(text[0])) :]
    return re.compile(pattern)


def _writing(text: str) -> str:
    """A replacement text as documents write one: escaped, number and unit kept together."""
    from labeling.render import keep_whole

    return html_lib.escape(keep_whole(unbreakable(text, LANG)), quote=False)


@dataclass(frozen=True)
class In:
    """An element of the markup (``tag``: section, tr, li, p, w:tr, w:p) whose opening tag has ``attr`` and whose
    visible text has each of ``has``; the n-th such element."""

    tag: str
    has: tuple[Text | str, ...] = ()
    attr: str | None = None
    n: int = 1

    def find(self, label: Any, markup: str, start: int, end: int) -> tuple[int, int]:
        wanted = [_visible(_text(label, h)).casefold() for h in self.has]
        seen = 0
        opening = re.compile(rf"<{re.escape(self.tag)}(?=[\s>])[^>]*>")
        for match in opening.finditer(markup, start, end):
            close = _closing(markup, self.tag, match.end())
            if self.attr is not None and self.attr not in match.group(0):
                continue
            if all(w in _visible(markup[match.start() : close]).casefold() for w in wanted):
                seen += 1
                if seen == self.n:
                    return match.start(), close
        raise AssertionError(f"no <{self.tag}> with {self.attr or ''} {wanted} (occurrence {self.n})")


def inside(tag: str, *has: Text | str, attr: str | None = None, n: int = 1) -> In:
    return In(tag, has, attr, n)


def section(section_id: str) -> In:
    return In("section", (), f'id="{section_id}"')


def _closing(markup: str, tag: str, after: int) -> int:
    """The end of the element whose opening tag ends at ``after`` (elements of the same name may nest)."""
    depth = 1
    pattern = re.compile(rf"<(/?){re.escape(tag)}(?=[\s>])[^>]*>")
    for match in pattern.finditer(markup, after):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    raise AssertionError(f"<{tag}> is not closed")


def _scope(label: Any, markup: str, scopes: tuple[In, ...]) -> tuple[int, int]:
    start, end = 0, len(markup)
    for scope in scopes:
        start, end = scope.find(label, markup, start, end)
    return start, end


Edit = Callable[[Any, str], str]


def replace(old: Text | str, new: Text | str, *scopes: In, n: int = 1) -> Edit:
    """The n-th ``old`` inside the scopes becomes ``new``."""

    def apply(label: Any, markup: str) -> str:
        start, end = _scope(label, markup, scopes)
        old_text, new_text = _text(label, old), _text(label, new)
        found = list(_as_written(old_text).finditer(markup, start, end))
        if len(found) < n:
            raise AssertionError(f"{old_text!r} (occurrence {n}) not in {scopes}")
        match = found[n - 1]
        if match.group(0)[:1].isupper():
            new_text = new_text[:1].upper() + new_text[1:]
        return markup[: match.start()] + _writing(new_text) + markup[match.end() :]

    return apply


def remove(*scopes: In) -> Edit:
    """The element the scopes narrow to, gone."""

    def apply(label: Any, markup: str) -> str:
        start, end = _scope(label, markup, scopes)
        return markup[:start] + markup[end:]

    return apply


def duplicate(old: Text | str, new: Text | str, *scopes: In) -> Edit:
    """The element the scopes narrow to, followed by a copy of itself with ``old`` written as ``new`` (a list
    item or a paragraph added in the same style)."""

    def apply(label: Any, markup: str) -> str:
        start, end = _scope(label, markup, scopes)
        element = markup[start:end]
        copy = replace(old, new)(label, element)
        return markup[:end] + copy + markup[end:]

    return apply


def exchange(first: Text | str, second: Text | str, first_in: tuple[In, ...], second_in: tuple[In, ...]) -> Edit:
    """``first`` (in its scope) and ``second`` (in its own) change places: two table rows' values swapped."""
    marker = "\ue000"

    def apply(label: Any, markup: str) -> str:
        a, b = _text(label, first), _text(label, second)
        markup = replace(a, marker, *first_in)(label, markup)
        markup = replace(b, a, *second_in)(label, markup)
        return replace(marker, b)(label, markup)

    return apply


# ---------------------------------------------------------------------------------------------------------
# Mutations


@dataclass(frozen=True)
class Mutation:
    name: str
    document: str  # INSERT, PATIENT or SHEET
    edit: Edit
    fact: str  # the fact path the finding must name
    code: str | None = None  # and its code, where it matters
    kind: str = ""  # what sort of error: frequency, population, maximum, …
    gap: str | None = None  # a strict xfail: why the verifier cannot catch it yet


KINDS = (
    "frequency",
    "population",
    "maximum",
    "mg/kg",
    "reconstitution",
    "storage",
    "contraindication",
    "notation",
    "unit",
    "moved",
    "swap",
    "dose",
    "duration",
)


MUTATIONS: dict[str, list[Mutation]] = {}


def mutations(product: str) -> Callable[[Callable[[], list[Mutation]]], Callable[[], list[Mutation]]]:
    def register(build: Callable[[], list[Mutation]]) -> Callable[[], list[Mutation]]:
        MUTATIONS[product] = build()
        return build

    return register


def row(*has: Text | str, document: str = INSERT, n: int = 1) -> In:
    return inside("w:tr" if document == SHEET else "tr", *has, n=n)


def para(*has: Text | str, document: str = INSERT, n: int = 1) -> In:
    return inside("w:p" if document == SHEET else "p", *has, n=n)


def item(*has: Text | str, n: int = 1) -> In:
    return inside("li", *has, n=n)


def named(fact_id: str, attribute: str = "name") -> Text:
    """A name or text the label gives a fact (a row label, a population, a condition's subject), its typed values
    placed as the documents print them (patient wording for a ``patient_*`` field)."""

    def text(label: Any) -> str:
        fact = label.fact(fact_id)
        words = getattr(fact, attribute)
        form = format_patient if attribute.startswith("patient") else format_professional
        for name, quantity in getattr(fact, "values", {}).items():
            words = words.replace("{" + name + "}", form(quantity, LANG))
        return words  # type: ignore[no-any-return]

    return text


def trailing_zero(maker: Text) -> Text:
    """The first whole number of a text written with a trailing zero: 5 mg → 5.0 mg."""
    return lambda label: re.sub(r"(?<![\d.,])(\d[\d,]*)(?![\d.,]*\d)", r"\1.0", maker(label), count=1)


def no_leading_zero(maker: Text) -> Text:
    """A decimal below one written without its leading zero: 0.8 mL → .8 mL."""
    return lambda label: re.sub(r"(?<![\d.])0\.(?=\d)", ".", maker(label), count=1)


def R(regimen: str, field_: str = "") -> str:
    return f"dosing.regimens[{regimen}]" + (f".{field_}" if field_ else "")


def S(condition: str, field_: str = "") -> str:
    return f"storage.conditions[{condition}]" + (f".{field_}" if field_ else "")


# --- cerebrolysin: volume doses per day, a repeated course, two storage conditions, four contraindications ---


@mutations("cerebrolysin")
def _cerebrolysin() -> list[Mutation]:
    return [
        Mutation(
            "repeat 2 to 4 times a year → a month (Patient Information)",
            PATIENT,
            replace(pat(R("dementia", "repeat")), pat(R("dementia", "repeat"), "2-4 times/month"), section("how")),
            R("dementia", "repeat"),
            "changed",
            "frequency",
        ),
        Mutation(
            "unopened storage 15–25 °C → 15–30 °C (product sheet)",
            SHEET,
            replace(pro(S("unopened", "temperature")), pro(S("unopened", "temperature"), "15-30 °C")),
            S("unopened", "temperature"),
            "changed",
            "storage",
        ),
        Mutation(
            "reconstituted 24 hours → 12 hours (insert 16.2)",
            INSERT,
            replace(
                pro(S("reconstituted", "time_limit")),
                pro(S("reconstituted", "time_limit"), "12 hours"),
                section("how-supplied"),
            ),
            S("reconstituted", "time_limit"),
            "changed",
            "storage",
        ),
        Mutation(
            "'Do not freeze' dropped for the unopened vials (product sheet)",
            SHEET,
            replace(phrase("store.do-not-freeze"), "", inside("w:tr", named("unopened", "applies_to"))),
            S("unopened", "do_not_freeze"),
            "missing",
            "storage",
        ),
        Mutation(
            "contraindication dropped (product sheet)",
            SHEET,
            remove(inside("w:p", named("active-malignancy", "text"))),
            "contraindications[active-malignancy]",
            "missing",
            "contraindication",
        ),
        Mutation(
            "contraindication added (insert Highlights)",
            INSERT,
            duplicate(
                named("active-malignancy", "text"),
                "Active bleeding",
                section("hl-contraindications"),
                item(named("active-malignancy", "text")),
            ),
            "contraindications",
            "extra",
            "contraindication",
        ),
        Mutation(
            "elderly starting dose 5 mL/day → 5.0 mL/day (insert 2.2)",
            INSERT,
            replace(
                pro("dosing.adjustments[elderly-start].dose"),
                trailing_zero(pro("dosing.adjustments[elderly-start].dose")),
                section("dosage"),
            ),
            "dosing.adjustments[elderly-start].dose",
            "notation",
            "notation",
        ),
        Mutation(
            "dementia dose mL → mg (product sheet)",
            SHEET,
            replace(pro(R("dementia", "dose")), pro(R("dementia", "dose"), "10-30 mg/day")),
            R("dementia", "dose"),
            "changed",
            "unit",
        ),
        Mutation(
            "stroke course given the dementia course's 4 weeks (product sheet)",
            SHEET,
            replace(
                pro(R("stroke-tbi", "duration")),
                pro(R("dementia", "duration")),
                row(pro(R("stroke-tbi", "dose")), document=SHEET),
            ),
            R("stroke-tbi", "duration"),
            "changed",
            "moved",
        ),
        Mutation(
            "elderly starting dose 5 → 10 mL a day (Patient Information)",
            PATIENT,
            replace(
                pat("dosing.adjustments[elderly-start].dose"),
                pat("dosing.adjustments[elderly-start].dose", "10 mL/day"),
                section("how"),
            ),
            "dosing.adjustments[elderly-start].dose",
            "changed",
            "dose",
        ),
        Mutation(
            "the two regimens' doses swapped (product sheet)",
            SHEET,
            exchange(
                pro(R("stroke-tbi", "dose")),
                pro(R("dementia", "dose")),
                (row(pro(R("stroke-tbi", "dose")), document=SHEET),),
                (row(pro(R("dementia", "dose")), document=SHEET),),
            ),
            R("stroke-tbi", "dose"),
            "misbound",
            "swap",
        ),
    ]


# --- amoxicillin: interval-dosed rows by population, mg/kg/day, renal bands, a reconstitution table ---------


@mutations("amoxicillin")
def _amoxicillin() -> list[Mutation]:
    mild, severe = R("adult-mild-q12"), R("adult-severe-q12")
    first_row = row(pro(mild + ".dose"), pro(mild + ".frequency"))
    return [
        Mutation(
            "adult mild every 12 hours → every 8 hours (insert table)",
            INSERT,
            replace(pro(mild + ".frequency"), pro(mild + ".frequency", "every 8 hours"), section("dosage"), first_row),
            mild + ".frequency",
            "changed",
            "frequency",
        ),
        Mutation(
            "triple therapy twice a day → 3 times a day (Patient Information)",
            PATIENT,
            replace(
                pat(R("hp-triple-dose", "frequency")),
                pat(R("hp-triple-dose", "frequency"), "3 times/day"),
                section("how"),
                item(named("hp-triple-dose", "patient_name")),
            ),
            R("hp-triple-dose", "frequency"),
            "changed",
            "frequency",
        ),
        Mutation(
            "renal band GFR 10–30 → 15–30 mL/minute (insert 2.2)",
            INSERT,
            replace(
                pro("populations[pop-gfr-10-30].renal_function"),
                pro("populations[pop-gfr-10-30].renal_function", "15-30 mL/min"),
                section("dosage"),
            ),
            "populations[pop-gfr-10-30].renal_function",
            "changed",
            "population",
        ),
        Mutation(
            "children's band less than 40 kg → less than 30 kg (Patient Information)",
            PATIENT,
            replace(
                pat("populations[pop-pediatric].weight"),
                pat("populations[pop-pediatric].weight", "<30 kg"),
                section("how"),
            ),
            "populations[pop-pediatric].weight",
            "changed",
            "population",
        ),
        Mutation(
            "neonates' upper dose 30 → 40 mg/kg/day or less (insert Highlights)",
            INSERT,
            replace(
                pro("dosing.highlights[hl-neonates].dose"),
                pro("dosing.highlights[hl-neonates].dose", "≤40 mg/kg/day"),
                section("hl-dosage"),
            ),
            "dosing.highlights[hl-neonates].dose",
            "changed",
            "maximum",
        ),
        Mutation(
            "45 mg/kg/day → 45 mg/kg (per dose; product sheet)",
            SHEET,
            replace(pro(R("ped-severe-q12", "dose")), pro(R("ped-severe-q12", "dose"), "45 mg/kg")),
            R("ped-severe-q12", "dose"),
            "changed",
            "mg/kg",
        ),
        Mutation(
            "reconstituted concentration 125 → 250 mg/5 mL (insert Table 2)",
            INSERT,
            replace(
                pro("preparation.reconstitution[recon-125-80].concentration"),
                pro("preparation.reconstitution[recon-125-80].concentration", "250 mg/5 mL"),
                section("dosage-preparation"),
                row(pro("preparation.reconstitution[recon-125-80].volume")),
                n=2,
            ),
            "preparation.reconstitution[recon-125-80].concentration",
            "changed",
            "reconstitution",
        ),
        Mutation(
            "suspension discarded after 14 → 10 days (Patient Information)",
            PATIENT,
            replace(
                pat(S("reconstituted", "time_limit")),
                pat(S("reconstituted", "time_limit"), "10 days"),
                section("storage"),
            ),
            S("reconstituted", "time_limit"),
            "changed",
            "storage",
        ),
        Mutation(
            "room temperature 20–25 °C → 20–30 °C (product sheet)",
            SHEET,
            replace(
                pro(S("before-reconstitution", "temperature")),
                pro(S("before-reconstitution", "temperature"), "20-30 °C"),
            ),
            S("before-reconstitution", "temperature"),
            "changed",
            "storage",
        ),
        Mutation(
            "the contraindication dropped (Patient Information)",
            PATIENT,
            remove(section("who-not"), item(named("beta-lactam-hypersensitivity", "patient_text"))),
            "contraindications[beta-lactam-hypersensitivity]",
            "missing",
            "contraindication",
        ),
        Mutation(
            "dual therapy 1 g → 1.0 g (product sheet)",
            SHEET,
            replace(
                pro(R("hp-dual-dose", "dose")),
                trailing_zero(pro(R("hp-dual-dose", "dose"))),
                row(named("hp-dual-dose"), document=SHEET),
            ),
            R("hp-dual-dose", "dose"),
            "notation",
            "notation",
        ),
        Mutation(
            "clarithromycin 500 mg → 500 mcg (product sheet)",
            SHEET,
            replace(
                pro(R("hp-triple-dose", "with_agents[0].dose")),
                pro(R("hp-triple-dose", "with_agents[0].dose"), "500 mcg"),
                row(named("hp-triple-dose"), document=SHEET),
            ),
            R("hp-triple-dose", "with_agents[0].dose"),
            "changed",
            "unit",
        ),
        Mutation(
            "adult mild 500 mg → the severe infections' 875 mg (Patient Information)",
            PATIENT,
            replace(pat(mild + ".dose"), pat(severe + ".dose"), section("how")),
            mild + ".dose",
            "changed",
            "moved",
        ),
        Mutation(
            "triple therapy's 14 days copied into the adult mild row (product sheet)",
            SHEET,
            replace(
                "–",
                pro(R("hp-triple-dose", "duration")),
                row(pro(mild + ".dose"), pro(mild + ".frequency"), document=SHEET),
            ),
            mild,
            "stray",
            "moved",
        ),
        Mutation(
            "mild and severe adult doses swapped (product sheet)",
            SHEET,
            exchange(
                pro(mild + ".dose"),
                pro(severe + ".dose"),
                (row(pro(mild + ".dose"), pro(mild + ".frequency"), document=SHEET),),
                (row(pro(severe + ".dose"), document=SHEET),),
            ),
            mild + ".dose",
            "misbound",
            "swap",
        ),
        Mutation(
            "an adult row relabelled for children (product sheet)",
            SHEET,
            replace(
                named("pop-adults"),
                named("pop-pediatric"),
                row(pro(mild + ".dose"), pro(mild + ".frequency"), document=SHEET),
            ),
            mild + ".population",
            None,
            "population",
        ),
    ]


# --- metformin: mg doses with frequencies, maxima per day by population, titration, eGFR bands --------------


@mutations("metformin")
def _metformin() -> list[Mutation]:
    start500, start850, above, child = (
        R("adult-start-500"),
        R("adult-start-850"),
        R("adult-above-2000"),
        R("pediatric-start"),
    )
    return [
        Mutation(
            "850 mg once daily → twice daily (insert table)",
            INSERT,
            replace(
                pro(start850 + ".frequency"),
                pro(start850 + ".frequency", "twice daily"),
                section("dosage"),
                row(pro(start850 + ".dose")),
            ),
            start850 + ".frequency",
            "changed",
            "frequency",
        ),
        Mutation(
            "higher doses 3 times a day → twice a day (Patient Information)",
            PATIENT,
            replace(pat(above + ".frequency"), pat(above + ".frequency", "twice daily"), section("how")),
            above + ".frequency",
            "changed",
            "frequency",
        ),
        Mutation(
            "titration once weekly → every 2 weeks (product sheet)",
            SHEET,
            replace(
                pro(start500 + ".titration.interval"),
                pro(start500 + ".titration.interval", "every 2 weeks"),
                row(pro(start500 + ".dose"), named("pop-adults"), document=SHEET),
            ),
            start500 + ".titration.interval",
            "changed",
            "frequency",
        ),
        Mutation(
            "children aged 10 years or more → 8 years or more (product sheet)",
            SHEET,
            replace(
                pro("populations[pop-pediatric].age"),
                pro("populations[pop-pediatric].age", ">=8 years"),
                row(named("pop-pediatric"), document=SHEET),
            ),
            "populations[pop-pediatric].age",
            "changed",
            "population",
        ),
        Mutation(
            "renal band eGFR 30–45 → 30–60 (Patient Information)",
            PATIENT,
            replace(
                pat("populations[pop-egfr-30-45-start].renal_function"),
                pat("populations[pop-egfr-30-45-start].renal_function", "30-60 mL/min/1.73 m²"),
                section("how"),
            ),
            "populations[pop-egfr-30-45-start].renal_function",
            "changed",
            "population",
        ),
        Mutation(
            "children's maximum 2,000 → the adults' 2,550 mg/day (insert table)",
            INSERT,
            replace(
                pro(child + ".max_daily_dose"),
                pro(start500 + ".max_daily_dose"),
                section("dosage"),
                row(named("pop-pediatric")),
            ),
            child + ".max_daily_dose",
            "changed",
            "moved",
        ),
        Mutation(
            "850 mg regimen's maximum 2,550 → 3,000 mg a day (Patient Information)",
            PATIENT,
            replace(
                pat(start850 + ".max_daily_dose"),
                pat(start850 + ".max_daily_dose", "3000 mg/day"),
                section("how"),
                item(pat(start850 + ".dose")),
            ),
            start850 + ".max_daily_dose",
            "changed",
            "maximum",
        ),
        Mutation(
            "storage 20–25 °C → 15–30 °C (product sheet)",
            SHEET,
            replace(pro(S("tablets", "temperature")), pro(S("tablets", "temperature"), "15-30 °C")),
            S("tablets", "temperature"),
            "changed",
            "storage",
        ),
        Mutation(
            "renal contraindication eGFR below 30 → below 45 (insert 4)",
            INSERT,
            replace(
                pro("contraindications[severe-renal-impairment].values.egfr"),
                pro("contraindications[severe-renal-impairment].values.egfr", "45 mL/min/1.73 m²"),
                section("contraindications"),
            ),
            "contraindications[severe-renal-impairment]",
            "missing",
            "contraindication",
        ),
        Mutation(
            "contraindication added (Patient Information)",
            PATIENT,
            duplicate(
                named("hypersensitivity", "patient_text"),
                "you have liver problems",
                section("who-not"),
                item(named("hypersensitivity", "patient_text")),
            ),
            "contraindications",
            "extra",
            "contraindication",
        ),
        Mutation(
            "starting dose 500 mg → 500.0 mg (Patient Information)",
            PATIENT,
            replace(pat(start500 + ".dose"), trailing_zero(pat(start500 + ".dose")), section("how")),
            start500 + ".dose",
            "notation",
            "notation",
        ),
        Mutation(
            "850 mg → 850 mcg (product sheet)",
            SHEET,
            replace(
                pro(start850 + ".dose"),
                pro(start850 + ".dose", "850 mcg"),
                row(pro(start850 + ".frequency"), document=SHEET),
            ),
            start850 + ".dose",
            "changed",
            "unit",
        ),
        Mutation(
            "adult and children's maxima swapped (product sheet)",
            SHEET,
            exchange(
                pro(start500 + ".max_daily_dose"),
                pro(child + ".max_daily_dose"),
                (row(pro(start500 + ".dose"), named("pop-adults"), document=SHEET),),
                (row(named("pop-pediatric"), document=SHEET),),
            ),
            child + ".max_daily_dose",
            "misbound",
            "swap",
        ),
    ]


# --- adalimumab: fixed doses at intervals, weight bands for children, loading doses, one refrigerated condition --


@mutations("adalimumab")
def _adalimumab() -> list[Mutation]:
    weekly, every2 = R("ra-weekly"), R("ra-psa-as")
    return [
        Mutation(
            "RA every week → every 2 weeks (insert table)",
            INSERT,
            replace(
                pro(weekly + ".frequency"),
                pro(weekly + ".frequency", "every 2 weeks"),
                section("dosage"),
                row(pro(weekly + ".frequency")),
            ),
            weekly + ".frequency",
            "changed",
            "frequency",
        ),
        Mutation(
            "RA, PsA, AS every 2 weeks → every week (Medication Guide)",
            PATIENT,
            replace(
                pat(every2 + ".frequency"),
                pat(every2 + ".frequency", "every 1 week"),
                section("how"),
                item(pat(every2 + ".dose")),
            ),
            every2 + ".frequency",
            "changed",
            "frequency",
        ),
        Mutation(
            "JIA band less than 30 kg → less than 40 kg (product sheet)",
            SHEET,
            replace(
                pro("populations[jia-15-30].values.high"),
                pro("populations[jia-15-30].values.high", "<40 kg"),
                row(pro(R("jia-under-30", "frequency")), pro("populations[jia-15-30].values.high"), document=SHEET),
            ),
            "populations[jia-15-30].values.high",
            "changed",
            "population",
        ),
        Mutation(
            "JIA ages 4–17 → 2–17 years (insert Highlights)",
            INSERT,
            replace(
                pro("populations[jia-15-30].age"), pro("populations[jia-15-30].age", "2-17 years"), section("hl-dosage")
            ),
            "populations[jia-15-30].age",
            "changed",
            "population",
        ),
        Mutation(
            "storage 2 °C to 8 °C → 2 °C to 25 °C (Medication Guide)",
            PATIENT,
            replace(
                pat(S("refrigerated", "temperature")),
                pat(S("refrigerated", "temperature"), "2-25 °C"),
                section("storage"),
            ),
            S("refrigerated", "temperature"),
            "changed",
            "storage",
        ),
        Mutation(
            "'Do not freeze' dropped (insert 16.2)",
            INSERT,
            replace(" " + LANG.phrase("store.do-not-freeze").text, "", section("how-supplied")),
            S("refrigerated", "do_not_freeze"),
            "missing",
            "storage",
        ),
        Mutation(
            "a contraindication where the label has none (insert 4)",
            INSERT,
            replace("None.", "Active tuberculosis.", section("contraindications")),
            "contraindications",
            "extra",
            "contraindication",
        ),
        Mutation(
            "syringe volume 0.8 mL → .8 mL (insert 2.3)",
            INSERT,
            replace(
                pro("dosing.administration[full-amount].values.volume"),
                no_leading_zero(pro("dosing.administration[full-amount].values.volume")),
                section("dosage"),
            ),
            "dosing.administration[full-amount].values.volume",
            "notation",
            "notation",
        ),
        Mutation(
            "first CD/UC dose 160 mg a day → 160 mcg a day (Medication Guide)",
            PATIENT,
            replace(pat(R("cd-uc-initial", "dose")), pat(R("cd-uc-initial", "dose"), "160 mcg/day"), section("how")),
            R("cd-uc-initial", "dose"),
            "changed",
            "unit",
        ),
        Mutation(
            "second CD/UC dose given the maintenance start, 4 weeks after day 1 (product sheet)",
            SHEET,
            replace(
                pro(R("cd-uc-second", "timing.offset")),
                pro(R("cd-uc-maintenance", "timing.offset")),
                row(named("cd-uc-second"), document=SHEET),
            ),
            R("cd-uc-second", "timing.offset"),
            "changed",
            "moved",
        ),
        Mutation(
            "the split loading dose's 2 days copied into the weekly RA row (product sheet)",
            SHEET,
            replace(
                "–",
                pro(R("cd-uc-initial-split", "duration")),
                row(named("ra-weekly"), pro(R("ra-weekly", "frequency")), document=SHEET),
            ),
            R("ra-weekly"),
            "stray",
            "moved",
        ),
        Mutation(
            "split first dose over 2 days → 3 days (product sheet)",
            SHEET,
            replace(
                pro(R("cd-uc-initial-split", "duration")),
                pro(R("cd-uc-initial-split", "duration"), "3 days"),
                row(named("cd-uc-initial-split"), document=SHEET),
            ),
            R("cd-uc-initial-split", "duration"),
            "changed",
            "duration",
        ),
        Mutation(
            "the two JIA bands' doses swapped (product sheet)",
            SHEET,
            exchange(
                pro(R("jia-under-30", "dose")),
                pro(R("jia-30-up", "dose")),
                (row(pro("populations[jia-15-30].values.high"), document=SHEET),),
                (row(pro("populations[jia-30].weight"), document=SHEET),),
            ),
            R("jia-under-30", "dose"),
            "misbound",
            "swap",
        ),
    ]


# --- insulin glargine: no fixed dose, once daily; four storage conditions sharing a time limit -----------------


@mutations("insulin-glargine")
def _insulin_glargine() -> list[Mutation]:
    daily = R("individualized", "frequency")
    return [
        Mutation(
            "once daily → twice daily (insert table)",
            INSERT,
            replace(pro(daily), pro(daily, "twice daily"), section("dosage")),
            daily,
            "changed",
            "frequency",
        ),
        Mutation(
            "once a day → twice a day (Patient Information)",
            PATIENT,
            replace(pat(daily), pat(daily, "twice daily"), section("how")),
            daily,
            "changed",
            "frequency",
        ),
        Mutation(
            "refrigerated 2–8 °C → 2–6 °C (insert 16.2)",
            INSERT,
            replace(
                pro(S("unopened-refrigerated", "temperature")),
                pro(S("unopened-refrigerated", "temperature"), "2-6 °C"),
                section("how-supplied"),
            ),
            S("unopened-refrigerated", "temperature"),
            "changed",
            "storage",
        ),
        Mutation(
            "opened pens kept 28 → 42 days (Patient Information)",
            PATIENT,
            replace(
                pat(S("in-use-pen", "time_limit")),
                pat(S("in-use-pen", "time_limit"), "42 days"),
                section("storage"),
                item(named("in-use-pen", "patient_applies_to")),
            ),
            S("in-use-pen", "time_limit"),
            "changed",
            "storage",
        ),
        Mutation(
            "unopened at room temperature 30 °C or less → 25 °C or less (product sheet)",
            SHEET,
            replace(
                pro(S("unopened-room", "temperature")),
                pro(S("unopened-room", "temperature"), "≤25 °C"),
                row(named("unopened-room", "applies_to"), document=SHEET),
            ),
            S("unopened-room", "temperature"),
            "changed",
            "storage",
        ),
        Mutation(
            "'Do not refrigerate' dropped for opened pens (insert 16.2)",
            INSERT,
            replace(" " + LANG.phrase("store.do-not-refrigerate").text, "", section("how-supplied")),
            S("in-use-pen", "do_not_refrigerate"),
            "missing",
            "storage",
        ),
        Mutation(
            "'throw away' dropped for opened vials (Patient Information)",
            PATIENT,
            replace(" " + LANG.phrase("pt.throw-away").text, "", section("storage")),
            S("in-use-vial", "discard_unused"),
            "missing",
            "storage",
        ),
        Mutation(
            "contraindication dropped (insert Highlights)",
            INSERT,
            remove(section("hl-contraindications"), item(named("hypoglycemia-episodes", "summary"))),
            "contraindications[hypoglycemia-episodes]",
            "missing",
            "contraindication",
        ),
        Mutation(
            "contraindication added (Patient Information)",
            PATIENT,
            duplicate(
                named("hypersensitivity", "patient_text"),
                "you have kidney problems",
                section("who-not"),
                item(named("hypersensitivity", "patient_text")),
            ),
            "contraindications",
            "extra",
            "contraindication",
        ),
        Mutation(
            "100 units/mL → 100.0 units/mL (insert 16.1)",
            INSERT,
            replace(
                pro("product.presentations[vial].strength"),
                trailing_zero(pro("product.presentations[vial].strength")),
                section("how-supplied"),
            ),
            "product.presentations[vial].strength",
            "notation",
            "notation",
        ),
        Mutation(
            "opened vials 28 days → 28 hours (product sheet)",
            SHEET,
            replace(
                pro(S("in-use-vial", "time_limit")),
                pro(S("in-use-vial", "time_limit"), "28 hours"),
                row(named("in-use-vial", "applies_to"), document=SHEET),
            ),
            S("in-use-vial", "time_limit"),
            "changed",
            "unit",
        ),
        Mutation(
            "refrigerated condition given the room-temperature limit (Patient Information)",
            PATIENT,
            replace(
                pat(S("unopened-refrigerated", "temperature")),
                pat(S("unopened-room", "temperature")),
                section("storage"),
            ),
            S("unopened-refrigerated", "temperature"),
            "changed",
            "moved",
        ),
        Mutation(
            "refrigerated and room-temperature conditions' temperatures swapped (product sheet)",
            SHEET,
            exchange(
                pro(S("unopened-refrigerated", "temperature")),
                pro(S("unopened-room", "temperature")),
                (row(named("unopened-refrigerated", "applies_to"), document=SHEET),),
                (row(named("unopened-room", "applies_to"), document=SHEET),),
            ),
            S("unopened-refrigerated", "temperature"),
            "misbound",
            "swap",
        ),
        Mutation(
            "adults and children → adults only (product sheet)",
            SHEET,
            replace(named("adults-and-children"), "Adult patients", row(pro(daily), document=SHEET)),
            R("individualized", "population"),
            None,
            "population",
        ),
    ]


# --- warfarin: dose ranges once daily, INR target ranges by indication, genotype doses, ten contraindications ---


@mutations("warfarin")
def _warfarin() -> list[Mutation]:
    initial, maintenance = R("initial"), R("maintenance")
    genotype = "dosing.administration[genotype-doses].values"
    return [
        Mutation(
            "maintenance once daily → twice daily (insert table)",
            INSERT,
            replace(
                pro(maintenance + ".frequency"),
                pro(maintenance + ".frequency", "twice daily"),
                section("dosage"),
                row(pro(maintenance + ".dose")),
            ),
            maintenance + ".frequency",
            "changed",
            "frequency",
        ),
        Mutation(
            "starting dose once a day → twice a day (Medication Guide)",
            PATIENT,
            replace(
                pat(initial + ".frequency"),
                pat(initial + ".frequency", "twice daily"),
                section("how"),
                item(pat(initial + ".dose")),
            ),
            initial + ".frequency",
            "changed",
            "frequency",
        ),
        Mutation(
            "AF risk factor age more than 75 → more than 65 years (insert 2.4)",
            INSERT,
            replace(
                pro("dosing.administration[duration-af].values.age"),
                pro("dosing.administration[duration-af].values.age", ">65 years"),
                section("dosage"),
            ),
            "dosing.administration[duration-af].values.age",
            "changed",
            "population",
        ),
        Mutation(
            "no benefit above INR 4.0 → above INR 5.0 (insert 2.4)",
            INSERT,
            replace(
                pro("dosing.administration[inr-above-4].values.inr"),
                pro("dosing.administration[inr-above-4].values.inr", ">5.0 INR"),
                section("dosage"),
            ),
            "dosing.administration[inr-above-4].values.inr",
            "changed",
            "maximum",
        ),
        Mutation(
            "low-dose aspirin 100 mg/day or less → 325 mg/day or less (product sheet)",
            SHEET,
            replace(
                pro("dosing.targets[inr-post-mi-high-risk].values.aspirin"),
                pro("dosing.targets[inr-post-mi-high-risk].values.aspirin", "≤325 mg/day"),
            ),
            "dosing.targets[inr-post-mi-high-risk].values.aspirin",
            "changed",
            "maximum",
        ),
        Mutation(
            "storage 20–25 °C → 15–30 °C (product sheet)",
            SHEET,
            replace(pro(S("tablets", "temperature")), pro(S("tablets", "temperature"), "15-30 °C")),
            S("tablets", "temperature"),
            "changed",
            "storage",
        ),
        Mutation(
            "transient-risk VTE target kept 3 months → 6 months (package insert)",
            INSERT,
            replace(
                pro("dosing.targets[inr-vte-transient].duration"),
                pro("dosing.targets[inr-vte-transient].duration", "6 months"),
                section("dosage-targets"),
            ),
            "dosing.targets[inr-vte-transient].duration",
            "changed",
            "duration",
        ),
        Mutation(
            "contraindication dropped (insert 4)",
            INSERT,
            remove(section("contraindications"), item(named("malignant-hypertension", "text"))),
            "contraindications[malignant-hypertension]",
            "missing",
            "contraindication",
        ),
        Mutation(
            "contraindication added (Medication Guide)",
            PATIENT,
            duplicate(
                named("malignant-hypertension", "patient_text"),
                "you have liver problems",
                section("who-not"),
                item(named("malignant-hypertension", "patient_text")),
            ),
            "contraindications",
            "extra",
            "contraindication",
        ),
        Mutation(
            "genotype dose 0.5–2 mg → .5–2 mg (insert 2.4)",
            INSERT,
            replace(pro(genotype + ".low"), no_leading_zero(pro(genotype + ".low")), section("dosage")),
            genotype + ".low",
            "notation",
            "notation",
        ),
        Mutation(
            "maintenance 2 to 10 mg → 2.0 to 10 mg (Medication Guide)",
            PATIENT,
            replace(pat(maintenance + ".dose"), trailing_zero(pat(maintenance + ".dose")), section("how")),
            maintenance + ".dose",
            "notation",
            "notation",
        ),
        Mutation(
            "starting dose 2–5 mg → 2–5 mcg (product sheet)",
            SHEET,
            replace(
                pro(initial + ".dose"),
                pro(initial + ".dose", "2-5 mcg"),
                row(pro(initial + ".frequency"), document=SHEET),
            ),
            initial + ".dose",
            "changed",
            "unit",
        ),
        Mutation(
            "mitral mechanical valve target given the aortic range INR 2.0–3.0 (product sheet)",
            SHEET,
            replace(
                pro("dosing.targets[inr-mitral-mechanical].range"),
                pro("dosing.targets[inr-aortic-valve].range"),
                para(pro("dosing.targets[inr-mitral-mechanical].range"), document=SHEET),
            ),
            "dosing.targets[inr-mitral-mechanical].range",
            "changed",
            "moved",
        ),
        Mutation(
            "starting and maintenance doses swapped (product sheet)",
            SHEET,
            exchange(
                pro(initial + ".dose"),
                pro(maintenance + ".dose"),
                (row(pro(initial + ".dose"), document=SHEET),),
                (row(pro(maintenance + ".dose"), document=SHEET),),
            ),
            initial + ".dose",
            "misbound",
            "swap",
        ),
    ]


# --- atorvastatin: once-daily mg doses, a children's maximum, interaction limits per day ----------------------


@mutations("atorvastatin")
def _atorvastatin() -> list[Mutation]:
    start, start40, child = R("start"), R("start-40"), R("pediatric")
    return [
        Mutation(
            "start dose once daily → twice daily (insert table)",
            INSERT,
            replace(
                pro(start + ".frequency"),
                pro(start + ".frequency", "twice daily"),
                section("dosage"),
                row(named("start")),
            ),
            start + ".frequency",
            "changed",
            "frequency",
        ),
        Mutation(
            "40 mg once a day → twice a day (Patient Information)",
            PATIENT,
            replace(
                pat(start40 + ".frequency"),
                pat(start40 + ".frequency", "twice daily"),
                section("how"),
                item(pat(start40 + ".dose")),
            ),
            start40 + ".frequency",
            "changed",
            "frequency",
        ),
        Mutation(
            "LDL-C reduction band more than 45% → more than 30% (insert Highlights)",
            INSERT,
            replace(
                pro(start40 + ".values.reduction"), pro(start40 + ".values.reduction", ">30%"), section("hl-dosage")
            ),
            start40 + ".values.reduction",
            "changed",
            "population",
        ),
        Mutation(
            "children's maximum 20 → 40 mg/day (insert table)",
            INSERT,
            replace(
                pro(child + ".max_daily_dose"),
                pro(child + ".max_daily_dose", "40 mg/day"),
                section("dosage"),
                row(named("pediatric")),
            ),
            child + ".max_daily_dose",
            "changed",
            "maximum",
        ),
        Mutation(
            "clarithromycin limit given the nelfinavir limit, 40 mg a day (Patient Information)",
            PATIENT,
            replace(
                pat("dosing.adjustments[limit-20].max_daily_dose"),
                pat("dosing.adjustments[limit-40].max_daily_dose"),
                section("how"),
                para(pat("dosing.adjustments[limit-20].max_daily_dose")),
            ),
            "dosing.adjustments[limit-20].max_daily_dose",
            "changed",
            "moved",
        ),
        Mutation(
            "storage 20–25 °C → 15–30 °C (product sheet)",
            SHEET,
            replace(pro(S("tablets", "temperature")), pro(S("tablets", "temperature"), "15-30 °C")),
            S("tablets", "temperature"),
            "changed",
            "storage",
        ),
        Mutation(
            "contraindication dropped (product sheet)",
            SHEET,
            remove(inside("w:p", named("nursing", "text"))),
            "contraindications[nursing]",
            "missing",
            "contraindication",
        ),
        Mutation(
            "contraindication added (insert Highlights)",
            INSERT,
            duplicate(
                named("liver-disease", "summary"),
                "Active muscle disease",
                section("hl-contraindications"),
                item(named("liver-disease", "summary")),
            ),
            "contraindications",
            "extra",
            "contraindication",
        ),
        Mutation(
            "start dose 10 mg → 10.0 mg (Patient Information)",
            PATIENT,
            replace(
                pat(start + ".dose"),
                trailing_zero(pat(start + ".dose")),
                section("how"),
                item(named("start", "patient_name")),
            ),
            start + ".dose",
            "notation",
            "notation",
        ),
        Mutation(
            "40 mg → 40 mcg (product sheet)",
            SHEET,
            replace(pro(start40 + ".dose"), pro(start40 + ".dose", "40 mcg"), row(named("start-40"), document=SHEET)),
            start40 + ".dose",
            "changed",
            "unit",
        ),
        Mutation(
            "dose range 10 to 80 mg → 10 to 40 mg (Patient Information)",
            PATIENT,
            replace(pat(R("range", "dose")), pat(R("range", "dose"), "10-40 mg"), section("how")),
            R("range", "dose"),
            "changed",
            "dose",
        ),
        Mutation(
            "lipids checked within 2–4 weeks → 6–8 weeks (insert 2.4)",
            INSERT,
            replace(
                pro("dosing.administration[individualize].values.within"),
                pro("dosing.administration[individualize].values.within", "6-8 weeks"),
                section("dosage"),
            ),
            "dosing.administration[individualize].values.within",
            "changed",
            "duration",
        ),
        Mutation(
            "start and 40 mg doses swapped (product sheet)",
            SHEET,
            exchange(
                pro(start + ".dose"),
                pro(start40 + ".dose"),
                (row(named("start"), document=SHEET),),
                (row(named("start-40"), document=SHEET),),
            ),
            start + ".dose",
            "misbound",
            "swap",
        ),
    ]


# ---------------------------------------------------------------------------------------------------------
# Laying out and reading back


def outputs(label: Any) -> dict[str, tuple[str, str]]:
    """The label's documents by role (insert, patient, sheet) → (kind, format), as its market gives them."""
    from labeling.documents import outputs_for

    found: dict[str, tuple[str, str]] = {}
    for output in outputs_for(label):
        if output.format == "docx":
            found[SHEET] = (output.kind, output.format)
        elif output.format == "pdf":
            found[INSERT if output.kind == "package-insert" else PATIENT] = (output.kind, output.format)
    return found


class Corpus:
    """Each product's documents as composed and written once per module (a PDF's HTML, a DOCX's bytes), and the
    way an edited copy is turned back into an artifact and verified."""

    def __init__(self) -> None:
        self._clean: dict[tuple[str, str], Any] = {}

    def kind(self, product: str, document: str) -> Any:
        label = load(product)
        roles = outputs(label)
        if document not in roles:
            pytest.skip(f"{product} ({label.label.market}) has no {document} document")
        return DOCUMENT_KINDS[roles[document][0]]

    def clean(self, product: str, document: str) -> Any:
        """The HTML a PDF is laid out from, or the DOCX's bytes."""
        key = (product, document)
        if key not in self._clean:
            label, kind = load(product), self.kind(product, document)
            tree = compose(label, kind.name, LANG)
            if document == SHEET:
                from labeling.render import writer

                self._clean[key] = writer("docx")(label, tree, kind)
            else:
                from labeling.render.html import render_html

                self._clean[key] = render_html(label, tree, kind)
        return self._clean[key]

    def markup(self, product: str, document: str) -> str:
        clean = self.clean(product, document)
        if document == SHEET:
            with zipfile.ZipFile(io.BytesIO(clean)) as archive:
                return archive.read("word/document.xml").decode("utf-8")
        return clean  # type: ignore[no-any-return]

    def artifact(self, product: str, document: str, markup: str) -> bytes:
        """The edited markup as the artifact a reader holds: a laid-out PDF, or the DOCX with its document XML."""
        label, kind = load(product), self.kind(product, document)
        if document == SHEET:
            source = zipfile.ZipFile(io.BytesIO(self.clean(product, document)))
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
                for info in source.infolist():
                    data = markup.encode("utf-8") if info.filename == "word/document.xml" else source.read(info)
                    target.writestr(info, data)
            return out.getvalue()
        from labeling.render.pdf import pdf_from_html

        # A hand-edited artwork is not held to our layout rules (the Highlights' half page): only its text counts.
        return pdf_from_html(markup, label, kind, checks=False)

    def verify(self, product: str, document: str, data: bytes) -> Any:
        kind = self.kind(product, document)
        artifact = read_artifact(data, f"{kind.name}.{'docx' if document == SHEET else 'pdf'}")
        return verify_text(artifact.text, kind, load(product), artifact.name)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus()


def _cases() -> Iterator[Any]:
    for product in PRODUCTS:
        for mutation in MUTATIONS.get(product, []):
            marks = [pytest.mark.xfail(strict=True, raises=NotCaught, reason=mutation.gap)] if mutation.gap else []
            name = mutation.name.translate(_ASCII_ID)  # pytest would print \u2192 for →
            yield pytest.param(product, mutation, id=f"{product}: {name}", marks=marks)


_ASCII_ID = str.maketrans({"→": "->", "–": "-", "°": ""})


@pytest.mark.parametrize(("product", "mutation"), list(_cases()))
def test_mutation_is_caught_with_the_right_fact(corpus: Corpus, product: str, mutation: Mutation) -> None:
    clean = corpus.markup(product, mutation.document)
    edited = mutation.edit(load(product), clean)
    assert edited != clean
    result = corpus.verify(product, mutation.document, corpus.artifact(product, mutation.document, edited))
    named = [
        f for f in result.findings if f.fact == mutation.fact and (mutation.code is None or f.code == mutation.code)
    ]
    if not named:
        findings = [str(f) for f in result.findings]
        raise NotCaught(f"not caught as {mutation.fact} ({mutation.code}); findings: {findings}")


@pytest.mark.parametrize("document", [INSERT, PATIENT, SHEET])
@pytest.mark.parametrize("product", PRODUCTS)
def test_clean_documents_verify_without_findings(corpus: Corpus, product: str, document: str) -> None:
    markup = corpus.markup(product, document)
    result = corpus.verify(product, document, corpus.artifact(product, document, markup))
    assert result.findings == [], [str(f) for f in result.findings]
    assert all(check.ok for check in result.checks.values())


# The sorts of error every product is tested with, where it has the facts they change.
def _has(label: Any, kind: str) -> bool:
    quantities = _values(label.product.id)
    regimens = label.dosing.regimens
    if kind == "frequency":
        return any(r.frequency or r.repeat for r in regimens)
    if kind == "population":
        return any(p.age or p.weight or p.renal_function for p in label.populations)
    if kind == "maximum":
        return any(r.max_dose or r.max_daily_dose or (r.dose and r.dose.comparator in ("≤", "<")) for r in regimens)
    if kind == "mg/kg":
        return any(q.basis == "kg" for path, q in quantities.items() if path.startswith("dosing."))
    if kind == "reconstitution":
        return bool(label.preparation and label.preparation.reconstitution)
    if kind == "storage":
        return any(c.temperature or c.time_limit for c in label.storage.conditions)
    if kind in ("contraindication", "notation", "unit", "moved"):
        return True
    if kind == "swap":
        return len(regimens) > 1 or len(label.storage.conditions) > 1
    return False


REQUIRED = (
    "frequency",
    "population",
    "maximum",
    "mg/kg",
    "reconstitution",
    "storage",
    "contraindication",
    "notation",
    "unit",
    "moved",
    "swap",
)


@pytest.mark.parametrize("product", PRODUCTS)
def test_every_product_has_its_mutations(product: str) -> None:
    """At least ten edits per product, covering every sort of error the product has the facts for; a new
    product in content/ fails here until its mutations are written."""
    label = load(product)
    mine = MUTATIONS.get(product, [])
    assert len(mine) >= 10, f"{product}: {len(mine)} mutations; write at least ten in {Path(__file__).name}"
    kinds = {m.kind for m in mine}
    assert kinds <= set(KINDS), f"{product}: unknown kinds {kinds - set(KINDS)}"
    missing = [k for k in REQUIRED if _has(label, k) and k not in kinds]
    assert not missing, f"{product}: no mutation of kind {missing}"
    assert {m.document for m in mine} >= set(outputs(label)), f"{product}: a document without mutations"
