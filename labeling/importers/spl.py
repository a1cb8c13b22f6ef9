"""A published SPL → a starting content file: typed where the SPL is data or the wording is recognisable, text
with its LOINC code and a recorded gap everywhere else. Nothing is guessed.

Typed: the product data elements (names, dosage forms, strengths, ingredients with UNIIs, packages with NDC codes
and counts, routes, the application), the SPL identity (set id, version, date), the initial approval year,
indications (one per subsection of section 1), contraindications (one per item), warnings (one per subsection of
5), specific populations, narrative sections, storage temperatures written as a range in °C, adverse reactions
listed in the Highlights, and doses of the form "10 to 80 mg once daily" in the Highlights.

Kept as text, each in a gap naming its section and code: everything the model has no place for, the dosing
bullets that are not a plain dose and frequency, and the patient labeling (the tool writes patient documents
from facts; the published wording is kept for the reviewer).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, get_args

from lxml import etree

from labeling.extract.spl import (
    SplProduct,
    block_lines,
    format_plain,
    parse,
    plain_number,
    read_spl,
    section_code,
    section_lines,
    text_of,
)
from labeling.model import RouteName
from labeling.spl_terms import NS, PATIENT_KINDS, PRODUCT_DATA_ELEMENTS, ROUTE_NAMES, UCUM, V3

UCUM_TO_UNIT = {ucum: unit for unit, ucum in UCUM.items()}  # the content's unit for each UCUM unit
COUNT_WORDS = {
    "TABLET": "tablets",
    "CAPSULE": "capsules",
    "VIAL": "vials",
    "SYRINGE": "syringes",
    "AMPULE": "ampoules",
    "CARTRIDGE": "cartridges",
}
# FDA's route name → the content's (the writer's map, read backwards)
ROUTES = {ROUTE_NAMES.get(name, name.upper()): name for name in get_args(RouteName)}
POPULATIONS = {
    "42228-7": "pregnancy",
    "77290-5": "lactation",
    "34080-2": "lactation",
    "77291-3": "reproductive",
    "34081-0": "pediatric",
    "34082-8": "geriatric",
    "88828-9": "renal-impairment",
    "88829-7": "hepatic-impairment",
}
NARRATIVES = {
    "42227-9": "abuse",
    "34088-5": "overdosage",
    "43681-6": "pharmacodynamics",
    "43682-4": "pharmacokinetics",
    "49489-8": "microbiology",
    "66106-6": "pharmacogenomics",
    "34083-6": "carcinogenesis",
    "34092-7": "clinical-studies",
}
INDICATIONS, DOSAGE, CONTRAINDICATIONS, WARNINGS = "34067-9", "34068-7", "34070-3", "43685-7"
ADVERSE, INTERACTIONS, POPULATIONS_SECTION, DESCRIPTION = "34084-4", "34073-7", "43684-0", "34089-3"
PHARMACOLOGY, MECHANISM, NONCLINICAL, HOW_SUPPLIED, STORAGE = "34090-1", "43679-0", "43680-8", "34069-5", "44425-7"
COUNSELING = ("88436-1", "34076-0")
BOXED, RECENT_CHANGES, UNCLASSIFIED = "34066-1", "43683-2", "42229-5"
SECTION_NAMES = {
    RECENT_CHANGES: "Recent Major Changes",
    UNCLASSIFIED: "Unclassified section",
    "51945-4": "Package label (principal display panel)",
    BOXED: "Boxed Warning",
}
# Where a section's text belongs when it is read as a whole (its subsections are read on their own).
CONTAINERS = {INDICATIONS, DOSAGE, WARNINGS, ADVERSE, POPULATIONS_SECTION, PHARMACOLOGY, NONCLINICAL, HOW_SUPPLIED}


class ImportError_(Exception):
    """The SPL cannot become a content file (exit 2)."""


@dataclass
class Imported:
    content: dict[str, Any]
    typed: list[str] = field(default_factory=list)  # what became typed facts
    kept: list[str] = field(default_factory=list)  # what stayed text, with its section and code


def import_spl(data: bytes, source: str) -> Imported:
    root = parse(data, source)
    document = read_spl(data, source)
    body = root.find("v:component/v:structuredBody", NS)
    top = body.findall("v:component/v:section", NS) if body is not None else []
    sections = {section_code(s): s for s in top if section_code(s)}
    if not document.products:
        raise ImportError_(f"{source}: no product data elements section ({PRODUCT_DATA_ELEMENTS}): nothing to type")
    result = Imported({})
    ids = _Ids()
    product = _product(document.products, root, ids, result)
    label = _label(root, document.metadata, source, sections, result)
    indications = _indications(sections.get(INDICATIONS), ids, result)
    routes = _routes(document.products, ids, result)
    regimens = _regimens(sections.get(DOSAGE), indications, routes, ids, result)
    content: dict[str, Any] = {
        "product": product,
        "label": label,
        "indications": indications,
        "dosing": {"routes": routes, "regimens": regimens},
        "storage": {"conditions": _storage(sections, product["name"], ids, result)},
    }
    contraindications = _contraindications(sections.get(CONTRAINDICATIONS), ids, result)
    content["contraindications"] = contraindications if contraindications else "none"
    content["warnings"] = _subsections_as(sections.get(WARNINGS), "warnings", ids, result, _warning)
    content["adverse_reactions"] = {"reactions": _reactions(sections.get(ADVERSE), ids, result)}
    content["interactions"] = _subsections_as(sections.get(INTERACTIONS), "interactions", ids, result, _interaction)
    content["specific_populations"] = _populations(sections.get(POPULATIONS_SECTION), ids, result)
    content["narrative"] = _narratives(root, ids, result)
    counseling = [s for code, s in sections.items() if code in COUNSELING]
    content["counseling"] = [
        {"id": ids.new("counsel-" + line), "text": line} for s in counseling for line in _body_lines(s)
    ]
    if counseling:
        result.typed.append("counseling: one instruction per paragraph of section 17")
    content["description"] = {"text": _joined(sections.get(DESCRIPTION)) or f"{product['name']}."}
    mechanism = next((s for s in root.iter(f"{{{V3}}}section") if section_code(s) == MECHANISM), None)
    if mechanism is not None and _joined(mechanism):
        content["mechanisms"] = [{"id": "mechanism", "text": _joined(mechanism)}]
    patient = _patient(root, result)
    content["patient"] = {"what_it_is": patient}
    content["gaps"] = _gaps(top, result, ids)
    return result.__class__(_clean(content), result.typed, result.kept)


# -- identity and product data ---------------------------------------------------------------------------------


def _product(products: tuple[SplProduct, ...], root: etree._Element, ids: _Ids, result: Imported) -> dict[str, Any]:
    first = products[0]
    product_id = ids.new(first.name)  # taken first: no fact may share the product's id
    presentations: list[dict[str, Any]] = []
    ingredients: dict[str, dict[str, Any]] = {}
    held_by: dict[str, list[str | None]] = {}
    for spl_product in products:
        presentations.append(_presentation(spl_product, ids))
        for ingredient in spl_product.ingredients:
            key = ingredient.name.lower()
            held_by.setdefault(key, []).append(presentations[-1].get("strength"))
            if key in ingredients:
                continue
            entry: dict[str, Any] = {"id": ids.new(ingredient.name), "name": ingredient.name}
            entry["role"] = "inactive" if ingredient.role == "IACT" else "active"
            if ingredient.unii and re.fullmatch(r"[0-9A-Z]{10}", ingredient.unii):
                entry["unii"] = ingredient.unii
            if ingredient.moiety and ingredient.role == "ACTIM":  # strength of the moiety, not the salt
                entry["basis_of_strength"] = ingredient.moiety.lower()
            ingredients[key] = entry
    for key, entry in ingredients.items():
        _only_in(entry, held_by[key], presentations, result)
    kits = [p.name for p in products if (p.form or "").upper() == "KIT"]
    if kits:  # the content has no parts: a kit's syringe and prep pad become one presentation's ingredients
        result.kept.append(
            f"{len(kits)} kit(s): their parts (each part's form, quantity and packs) are not typed; the kit's "
            "packages are left out and its parts' ingredients listed together"
        )
    labeler = text_of(root.find("v:author/v:assignedEntity/v:representedOrganization/v:name", NS))
    result.typed.append(
        f"product: {len(presentations)} presentation(s) with dosage form, strength and "
        f"{sum(len(p.get('packages', [])) for p in presentations)} package(s); {len(ingredients)} ingredient(s)"
    )
    record: dict[str, Any] = {
        "id": product_id,
        "name": first.name,
        "established_name": (first.generic or first.name).lower(),
        "presentations": presentations,
        "ingredients": list(ingredients.values()),
    }
    if labeler:
        record["manufacturer"] = labeler
    return record


def _only_in(entry: dict[str, Any], strengths: list[str | None], presentations: list, result: Imported) -> None:
    """An inactive ingredient only some strengths hold (a colorant) says which, as the content does: its name notes
    the strengths as values ("({a} and {b} tablets)")."""
    if entry["role"] != "inactive" or len(strengths) == len(presentations):
        return
    if any(s is None or "/" in s for s in strengths):
        result.kept.append(f"which presentations hold {entry['name']} (strengths per volume): not recorded")
        return
    letters = "abcdefghijklmnopqrstuvwxyz"[: len(strengths)]
    entry["values"] = dict(zip(letters, strengths, strict=False))
    named = [f"{{{letter}}}" for letter in letters]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    entry["name"] = f"{entry['name']} ({listed} strengths)"


def _presentation(product: SplProduct, ids: _Ids) -> dict[str, Any]:
    active = next((i for i in product.ingredients if i.role.startswith("ACTI") and i.strength), None)
    form = (product.form or "").upper()
    strength = _strength(active.strength) if active else None
    entry: dict[str, Any] = {
        "id": ids.new(f"{form.split(',')[0]}-{strength or product.code or 'presentation'}"),
        "dosage_form": (product.form or "").lower() or "not stated",
    }
    if product.form:
        entry["spl_dosage_form"] = form
    if strength:
        entry["strength"] = strength
    packages = []
    for package in product.packages:
        innermost = package.inner[0] if package.inner else None
        counted = innermost if package.volume else package.form  # what "2" counts: syringes, or the pack
        count = _count(package.quantity, package.unit, form, counted, package.words)
        if count is None:
            continue
        pack: dict[str, Any] = {"id": ids.new(f"pack-{package.code or count}"), "pack": count}
        if package.volume and innermost:  # 0.8 mL in each syringe, 2 syringes in the carton
            pack["volume"] = f"{package.volume} mL"
            pack["container"] = innermost.lower()
            if package.form:
                pack["spl_package_type"] = package.form
        elif package.form:
            inside = f" with {', '.join(i.lower() for i in package.inner)} inside" if package.inner else ""
            pack["container"] = package.form.lower() + inside
            pack["spl_package_type"] = package.form
        if package.code:
            pack["code"] = f"NDC {package.code}"
        packages.append(pack)
    if packages:
        entry["packages"] = packages
    return entry


def _strength(ratio: Any) -> str | None:
    unit = UCUM_TO_UNIT.get(ratio.numerator_unit)
    if unit is None or not _positive(ratio.numerator):
        return None
    if ratio.denominator_unit == "1":
        return f"{_number(ratio.numerator)} {unit}"
    per = UCUM_TO_UNIT.get(ratio.denominator_unit)
    if per is None or not _positive(ratio.denominator):
        return None
    amount = _number(ratio.denominator)
    return f"{_number(ratio.numerator)} {unit}/{'' if amount == '1' else amount + ' '}{per}"


def _count(quantity: str, unit: str, form: str, package: str | None, words: str | None) -> str | None:
    """A pack's contents in the content's words: '90 tablets', '100 mL', '2 pens'. A count of whole units names
    them from the dosage form (tablets, capsules), else from the package type (vials) or the document's own words
    for it ('prefilled pen'); a count nothing names is left out."""
    if not _positive(quantity):
        return None
    if unit != "1":
        mapped = UCUM_TO_UNIT.get(unit)
        return f"{_number(quantity)} {mapped}" if mapped else None
    word = COUNT_WORDS.get(form.split(",")[0].strip()) or COUNT_WORDS.get((package or "").split(",")[0].strip())
    if word is None and words:
        named = re.findall(r"\b(pen|syringe|vial|cartridge|ampoule|bottle|packet|carton)s?\b", words.lower())
        word = f"{named[-1]}s" if named else None
    if word and _number(quantity) == "1":
        word = word.removesuffix("s")  # "1 vial"
    return f"{_number(quantity)} {word}" if word else None


def _label(root: etree._Element, metadata: dict[str, str], source: str, sections: dict, result: Imported) -> dict:
    effective = root.find("v:effectiveTime", NS)
    value = effective.get("value", "") if effective is not None else ""
    if not re.fullmatch(r"\d{8}.*", value):
        raise ImportError_(f"{source}: the document has no effectiveTime (YYYYMMDD)")
    version = metadata.get("version", "1")
    label: dict[str, Any] = {
        "version": version if re.fullmatch(r"\d{1,6}", version) else "1",
        "revision_date": _date(value, source),
        "market": "us",
    }
    set_id = metadata.get("set_id", "").lower()
    if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", set_id):
        label["spl"] = {"set_id": set_id, "version": int(label["version"])}
    title = " ".join(block_lines(root.find("v:title", NS)))
    approval_year = re.search(r"Initial U\.?S\.? Approval:?\s*(\d{4})", title)
    if approval_year:
        label["initial_us_approval"] = int(approval_year.group(1))
    application = root.find(".//v:subjectOf/v:approval/v:id", NS)
    if application is not None and application.get("extension"):
        match = re.fullmatch(r"([A-Z]+)\s*(\d+)", application.get("extension", ""))
        if match:
            label["approval"] = {"basis": f"{match.group(1)} {match.group(2)}"}
            if label.get("initial_us_approval"):
                label["approval"]["year"] = label["initial_us_approval"]
    kinds = [PATIENT_KINDS[c] for c in sections if c in PATIENT_KINDS]
    label["patient_labeling"] = kinds[0] if kinds else "none"
    adverse = sections.get(ADVERSE)
    highlight = " ".join(block_lines(adverse.find("v:excerpt/v:highlight/v:text", NS))) if adverse is not None else ""
    contact = re.search(r"To report SUSPECTED ADVERSE REACTIONS,? contact (.+?)(?: or FDA at\b|\.\s*$|$)", highlight)
    labeler = text_of(root.find("v:author/v:assignedEntity/v:representedOrganization/v:name", NS))
    label["adverse_reaction_contact"] = _clean_text(contact.group(1)) if contact else (labeler or "the labeler")
    label["sources"] = [
        {"document": f"Structured Product Labeling, version {version}", "where": f"SPL set id {set_id}"}
    ]
    result.typed.append("label: SPL set id, version, effective date, initial approval, application, contact")
    return label


def _date(value: str, source: str) -> dt.date:
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ImportError_(f"{source}: effectiveTime {value!r} is not a date") from None


def _routes(products: tuple[SplProduct, ...], ids: _Ids, result: Imported) -> list[dict[str, Any]]:
    names = list(dict.fromkeys(name.upper() for p in products for name, _ in p.routes))
    routes = [{"id": ids.new(ROUTES[n]), "name": ROUTES[n]} for n in names if n in ROUTES]
    unknown = [n for n in names if n not in ROUTES]
    if unknown:
        result.kept.append(f"routes the content model has no name for: {', '.join(unknown)}")
    if not routes:
        raise ImportError_("no route of administration the content model knows (product data elements)")
    result.typed.append(f"dosing.routes: {', '.join(r['name'] for r in routes)}")
    return routes


# -- prescribing information -----------------------------------------------------------------------------------


def _indications(section: etree._Element | None, ids: _Ids, result: Imported) -> list[dict[str, Any]]:
    if section is None:
        raise ImportError_("no Indications and Usage section (34067-9)")
    children = section.findall("v:component/v:section", NS)
    items: list[dict[str, Any]] = []
    for child in children or [section]:
        title = _unnumbered(text_of(child.find("v:title", NS))) or "Indication"
        statement = " ".join(block_lines(child.find("v:text", NS)))
        if items and re.match(r"limitations? of use", title, re.IGNORECASE) and statement:
            items[-1].setdefault("limitations", []).append(_clean_text(statement))  # not an indication of its own
            continue
        entry: dict[str, Any] = {"id": ids.new(title), "name": title, "status": "approved"}
        if statement:
            entry["statement"] = _clean_text(statement)
        items.append(entry)
    result.typed.append(f"indications: {len(items)} (names and statements as printed; approved, as FDA publishes them)")
    return items


DOSE = re.compile(
    r"^(?:(?P<name>[^:()]{3,80}):\s*)?(?P<dose>\d+(?:\.\d+)?(?:\s*(?:to|–|-)\s*\d+(?:\.\d+)?)?)\s*(?P<unit>mg|mcg|g|mL|units)\s+"
    r"(?P<frequency>once daily|twice daily|once a day|twice a day|every \d+ hours)"
    r"(?:\s*\(\d+(?:\.\d+)?\))?\.?$"
)


def _regimens(section, indications, routes, ids: _Ids, result: Imported) -> list[dict[str, Any]]:
    lines = block_lines(section.find("v:excerpt/v:highlight/v:text", NS)) if section is not None else []
    every = {"indications": [i["id"] for i in indications], "routes": [r["id"] for r in routes]}
    regimens, untyped = [], []
    for line in lines:
        match = DOSE.match(line.strip())
        if not match:
            untyped.append(line)
            continue
        dose = re.sub(r"\s*(?:to|–)\s*", "-", match.group("dose"))
        frequency = match.group("frequency").replace("a day", "daily")
        name = _clean_text(match.group("name") or "")
        regimen = {"id": ids.new(name or f"dose-{dose}"), **every, "dose": f"{dose} {match.group('unit')}",
                   "frequency": frequency}  # fmt: skip
        if name:
            regimen["name"] = name
        regimens.append(regimen)
    if regimens:
        result.typed.append(f"dosing.regimens: {len(regimens)} dose(s) with a frequency read from the Highlights")
    if untyped or not regimens:
        text = _clean_text(" ".join(untyped or lines)) or "See the full prescribing information."
        regimens.append({"id": ids.new("as-labeled"), **every, "text": text})
        result.kept.append("dosing: Highlights dosing bullets without a plain dose and frequency (regimen as-labeled)")
    return regimens


NUMBER = r"-?\d{1,3}(?:\.\d{1,2})?"  # a storage temperature in °C; bounded, so a line of digits is not searched forever
TEMPERATURE = re.compile(
    rf"(?<![\d.])(?P<low>{NUMBER})\s*(?:°\s*C?\s*)?(?:to|–|-|and)\s*(?P<high>{NUMBER})\s*°\s*C(?![a-z])"
    rf"|(?<![\d.–-])(?P<single>{NUMBER})\s*°\s*C(?![a-z])",
    re.IGNORECASE,
)
EXCURSION = re.compile(r"excursions?\b[^.;]{0,40}$", re.IGNORECASE)


def _storage(sections: dict, name: str, ids: _Ids, result: Imported) -> list[dict[str, Any]]:
    """Storage temperatures in °C from section 16: "Store at 20° to 25°C" (a range) or "Store at 25°C" (one
    value); a range after "excursions permitted to" is that condition's excursions, not a storage range. Each
    distinct temperature is one condition; the wording around it stays in the section's gap."""
    texts = []
    for code in (HOW_SUPPLIED, STORAGE):
        section = sections.get(code)
        if section is not None:
            texts += section_lines(section)
    for section in sections.values():
        for inner in section.iter(f"{{{V3}}}section"):
            if section_code(inner) == STORAGE:
                texts += section_lines(inner)
    conditions: list[dict[str, Any]] = []
    for line in dict.fromkeys(texts):
        line = unicodedata.normalize("NFKC", line)
        for match in TEMPERATURE.finditer(line):
            if match.group("single") is not None:
                if re.search(r"\b(?:to|–|-|and)\s*$", line[: match.start()]):
                    continue  # the top of a range written "20° to" … "25°C": the range is matched whole
                temperature = f"{_number(match.group('single'))} °C"
            else:
                low, high = Decimal(match.group("low")), Decimal(match.group("high"))
                if low >= high:
                    continue
                temperature = f"{_number(match.group('low'))}-{_number(match.group('high'))} °C"
            if EXCURSION.search(line[: match.start()]):
                if conditions and "excursions" not in conditions[-1] and "-" in temperature:
                    conditions[-1]["excursions"] = temperature
                continue
            if any(c["temperature"] == temperature for c in conditions):
                continue
            conditions.append({"id": ids.new(f"store-{temperature}"), "applies_to": name, "temperature": temperature})
    if not conditions:
        raise ImportError_("no storage temperature in °C could be read from section 16; add the storage by hand")
    result.typed.append(f"storage: {len(conditions)} temperature(s) in °C from section 16 (excursions apart)")
    return conditions


REFERENCE = re.compile(r"\s*\((\d+(?:\.\d+)?)(?:\s*,\s*\d+(?:\.\d+)?)*\)\.?\s*$")


def _summaries(section: etree._Element | None) -> dict[str, str]:
    """The section's Highlights bullets by the subsection their cross-reference names ("… (5.1)" → "5.1")."""
    if section is None:
        return {}
    found: dict[str, str] = {}
    for line in block_lines(section.find("v:excerpt/v:highlight/v:text", NS)):
        match = REFERENCE.search(line)
        if match and match.group(1) not in found:
            found[match.group(1)] = _clean_text(line[: match.start()]).rstrip(" .;:")
    return found


def _number_of(child: etree._Element) -> str:
    match = re.match(r"\s*(\d+(?:\.\d+)?)", text_of(child.find("v:title", NS)))
    return match.group(1) if match else ""


def _contraindications(section: etree._Element | None, ids: _Ids, result: Imported) -> list[dict[str, Any]]:
    if section is None:
        return []
    summaries = _summaries(section)
    items: list[dict[str, Any]] = []
    for line in _body_lines(section):
        if line and not re.fullmatch(r"none\.?", line, re.IGNORECASE):
            items.append({"id": ids.new(line[:40]), "text": line, "patient_text": line})
    for child in section.findall("v:component/v:section", NS):  # one per subsection (4.1 …), as some labels do
        title, body = _unnumbered(text_of(child.find("v:title", NS))), _joined(child)
        text = f"{title.rstrip('.:')}: {body}" if title and body else title or body
        if text:
            item = {"id": ids.new((title or text)[:40]), "text": text, "patient_text": text}
            if summaries.get(_number_of(child)):
                item["summary"] = summaries[_number_of(child)]
            items.append(item)
    if items:
        result.typed.append(f"contraindications: {len(items)} (patient wording = professional wording; see gaps)")
    return items


def _warning(child: etree._Element, ids: _Ids, summary: str | None) -> dict[str, Any] | None:
    title = _unnumbered(text_of(child.find("v:title", NS)))
    text = _joined(child)
    if not (title and text):
        return None
    return {"id": ids.new(title), "title": title, "text": text, **_highlight(summary)}


def _interaction(child: etree._Element, ids: _Ids, summary: str | None) -> dict[str, Any] | None:
    title = _unnumbered(text_of(child.find("v:title", NS)))
    text = _joined(child)
    if not (title and text):
        return None
    return {"id": ids.new(title), "agents": [title], "text": text, **_highlight(summary)}


def _highlight(summary: str | None) -> dict[str, Any]:
    """A Highlights bullet the SPL has for the item, or none: the full text is never put into Highlights."""
    return {"summary": summary} if summary else {"highlights": False}


def _subsections_as(section, what: str, ids: _Ids, result: Imported, make) -> list[dict[str, Any]]:
    if section is None:
        return []
    summaries = _summaries(section)
    items = [
        item
        for child in section.findall("v:component/v:section", NS)
        if (item := make(child, ids, summaries.get(_number_of(child))))
    ]
    if items:
        result.typed.append(
            f"{what}: {len(items)} (one per subsection, text as printed; "
            f"{sum('summary' in i for i in items)} with the Highlights bullet that names it)"
        )
    return items


def _reactions(section: etree._Element | None, ids: _Ids, result: Imported) -> list[dict[str, Any]]:
    highlight = " ".join(block_lines(section.find("v:excerpt/v:highlight/v:text", NS))) if section is not None else ""
    match = re.search(
        r"adverse reactions\b[^.:]*?(?:\b(?:are|were|include|included|reported)\b:?|:)\s*(.+?)(?:\s*\(\d|\.\s|\.?$)",
        highlight,
        re.IGNORECASE,
    )
    terms = _listed(match.group(1)) if match else []
    source = "the Highlights"
    if not terms and section is not None:  # an older label: "Cardiovascular: bradycardia, cardiac arrest, …"
        source = "the body-system lists of section 6"
        for line in section_lines(section):
            listed = re.match(r"^([A-Z][^:.]{2,60}):\s+(.+)$", line)
            if listed:
                terms += [
                    t for t in _listed(listed.group(2)) if len(t) <= 120 and t.lower() not in map(str.lower, terms)
                ]
    if not terms:
        raise ImportError_(
            "no adverse reactions could be read (Highlights 'Most common adverse reactions …', or section 6 lists)"
        )
    result.typed.append(f"adverse_reactions: {len(terms)}, from {source}")
    return [{"id": ids.new(term), "term": term} for term in terms]


def _listed(text: str) -> list[str]:
    """The items of "a and b, c (including d, e), and f": split at commas outside parentheses, and the last item
    at its last "and" (earlier items keep theirs: "fatal and nonfatal hemorrhage")."""
    items, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth <= 0:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    items = [re.sub(r"^\s*and\s+", "", item) for item in items]
    last = items[-1]
    split = re.match(r"(.*\S)\s+and\s+(\S.*)$", last) if "(" not in last else None
    if split and not re.match(r"^\s*and\s", text):
        items[-1:] = [split.group(1), split.group(2)]
    return [_clean_text(item).strip(" .") for item in items if _clean_text(item).strip(" .")]


def _populations(section, ids: _Ids, result: Imported) -> list[dict[str, Any]]:
    if section is None:
        return []
    items: list[dict[str, Any]] = []
    summaries = _summaries(section)
    for child in section.findall("v:component/v:section", NS):
        kind = POPULATIONS.get(section_code(child) or "")
        text = _joined(child)
        if kind and text and all(i["population"] != kind for i in items):
            summary = summaries.get(_number_of(child))
            items.append({"id": ids.new(kind), "population": kind, "text": text, **_highlight(summary)})
    if items:
        result.typed.append(f"specific_populations: {', '.join(i['population'] for i in items)}")
    return items


def _narratives(root: etree._Element, ids: _Ids, result: Imported) -> list[dict[str, Any]]:
    items = []
    for section in root.iter(f"{{{V3}}}section"):
        kind = NARRATIVES.get(section_code(section) or "")
        text = _joined(section)
        if kind and text:
            items.append({"id": ids.new(kind), "section": kind, "text": text})
    if items:
        result.typed.append(f"narrative: {', '.join(i['section'] for i in items)}")
    return items


def _patient(root: etree._Element, result: Imported) -> str:
    for section in root.iter(f"{{{V3}}}section"):
        if section_code(section) in PATIENT_KINDS:
            for child in section.findall("v:component/v:section", NS):
                if re.match(r"what is\b", text_of(child.find("v:title", NS)), re.IGNORECASE):
                    return _joined(child) or text_of(child)
            lines = [line for line in section_lines(section)[1:] if len(line.split()) > 6]
            if lines:
                return _clean_text(lines[0])
    result.kept.append("patient: no 'What is …?' section; what_it_is repeats the first indication")
    return "See the prescribing information."


def _gaps(top: list[etree._Element], result: Imported, ids: _Ids) -> list[dict[str, Any]]:
    gaps = [
        {
            "id": "imported-text",
            "title": "imported labeling kept as text",
            "about": "the whole label",
            "text": "This content was imported from a published SPL. Facts were typed where the SPL is data or the "
            "wording is recognisable; the sections listed in the other gaps stayed text and need typed facts "
            "before this label can be verified in full.",
        }
    ]
    typed_codes = (
        {INDICATIONS, CONTRAINDICATIONS, DESCRIPTION, PRODUCT_DATA_ELEMENTS, *COUNSELING}
        | set(NARRATIVES)
        | {MECHANISM}
    )
    grouped: dict[str, list[etree._Element]] = {}
    for section in top:
        code = section_code(section) or ""
        if code not in typed_codes:
            grouped.setdefault(code, []).append(section)
    for code, group in grouped.items():
        titles = [_unnumbered(text_of(s.find("v:title", NS))) for s in group]
        title = next((t for t in titles if t), "") or SECTION_NAMES.get(code, f"section {code}")
        if len(group) > 1:
            title = SECTION_NAMES.get(code, title)
        kept = [line for s in group for line in section_lines(s) if line]
        highlights = [line for s in group for line in block_lines(s.find("v:excerpt/v:highlight/v:text", NS))]
        if highlights:
            kept.append("Highlights: " + " ".join(highlights))
        if code in PATIENT_KINDS:
            why = "the published patient labeling; the tool writes patient documents from typed facts"
        elif code in CONTAINERS:
            why = "the parts of this section that are not typed above"
        else:
            why = "a section with no typed facts"
        text = _clean_text(" ".join(kept)) or "(empty)"
        gaps.append(
            {
                "id": ids.new(f"kept-{title}"),
                "title": f"{title.lower()[:60]} kept as text",
                "about": f"LOINC {code}" + (f" ({len(group)} sections)" if len(group) > 1 else ""),
                "text": f"{why}: {text}",
            }
        )
        result.kept.append(f"{title} (LOINC {code}{f', {len(group)} sections' if len(group) > 1 else ''}): {why}")
    return gaps


# -- helpers -------------------------------------------------------------------------------------------------------


class _Ids:
    """Fact ids from names: lower-case words joined by hyphens, unique within the file."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.next: dict[str, int] = {}  # the next number to try for a base: linear, not quadratic

    def slug(self, text: str) -> str:
        words = re.sub(
            r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
        )
        return words.strip("-")[:48].strip("-") or "item"

    def new(self, text: str) -> str:
        base = self.slug(text)
        candidate, n = base, self.next.get(base, 2)
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.next[base] = n
        self.used.add(candidate)
        return candidate


def _body_lines(section: etree._Element) -> list[str]:
    return [_clean_text(line) for line in block_lines(section.find("v:text", NS))]


def _joined(section: etree._Element | None) -> str:
    if section is None:
        return ""
    return _clean_text(" ".join(block_lines(section.find("v:text", NS))))


def _unnumbered(title: str) -> str:
    return _clean_text(re.sub(r"^\s*\d+(\.\d+)*\s*", "", title))


INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _clean_text(text: str) -> str:
    """Text as a content file may hold it: visible characters only, spaces collapsed, braces (the content's
    placeholders) written as parentheses."""
    text = INVISIBLE.sub("", text.replace("\u00a0", " "))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t")
    return " ".join(text.replace("{", "(").replace("}", ")").split())


def _clean(value: Any, placeholders: frozenset[str] = frozenset()) -> Any:
    """Every text cleaned (``_clean_text``); a fact with values keeps its own placeholders ("{a}")."""
    if isinstance(value, dict):
        keep = frozenset(value.get("values", {})) if isinstance(value.get("values"), dict) else frozenset()
        return {k: _clean(v, keep) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, str):
        for key in placeholders:
            value = value.replace("{" + key + "}", f"zzslot{key}zz")
        cleaned = _clean_text(value)
        for key in placeholders:
            cleaned = cleaned.replace(f"zzslot{key}zz", "{" + key + "}")
        return cleaned
    return value


def _positive(text: str | None) -> bool:
    return plain_number(text) is not None


def _number(text: str) -> str:
    value = plain_number(text.lstrip("-"))
    return ("-" if text.startswith("-") else "") + (format_plain(value) if value is not None else "0")


def to_yaml(imported: Imported, source: str) -> str:
    """The content file: a header saying where it came from and what stayed text, then the data."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = ">" if len(value) > 100 else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _text)
    header = [
        f"# Imported by `labeling import` from {source}.",
        "# Typed from the SPL:",
        *(f"#   - {line}" for line in imported.typed),
        "# Kept as text (each in a gap below), to be typed by hand:",
        *(f"#   - {line}" for line in imported.kept),
        "",
    ]
    body = yaml.dump(imported.content, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(header) + body
