"""FDA's SPL code lists the writer needs, as data: dosage forms, routes of administration, package types.

Codes are NCI Thesaurus concept codes (code system 2.16.840.1.113883.3.26.1.1), keyed by FDA's preferred name.
Taken from the value sets SplPharmaceuticalDosageFormTerminology, SplDrugRouteofAdministrationTerminology and
PqcmcContainerTypeTerminology of HL7's FDA PQ/CMC implementation guide (github.com/HL7/FHIR-us-pq-cmc-fda,
input/fsh/Terminologies.fsh at commit 53d23e9, June 2025); names in mixed case there (non-SPL entries) are left
out. Marketing categories are only those confirmed in published SPL documents: a category missing here is given
in the content (``label.approval.category_code``), never guessed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labeling.model import Ingredient, Package, Presentation

V3 = "urn:hl7-org:v3"  # the HL7 namespace every SPL element is in
NS = {"v": V3}
# Section codes the writer, reader, rules and importer all name.
PRODUCT_DATA_ELEMENTS, RECENT_MAJOR_CHANGES, UNCLASSIFIED = "48780-1", "43683-2", "42229-5"
PATIENT_KINDS = {"42230-3": "patient-information", "42231-1": "medication-guide"}

NCI_THESAURUS = "2.16.840.1.113883.3.26.1.1"
LOINC = "2.16.840.1.113883.6.1"
UNII = "2.16.840.1.113883.4.9"
NDC = "2.16.840.1.113883.6.69"
DUNS = "1.3.6.1.4.1.519.1"
APPLICATION_NUMBER = "2.16.840.1.113883.3.150"
COUNTRY = "2.16.840.1.113883.5.28"

DOSAGE_FORMS: dict[str, str] = {
    "AEROSOL": "C42887",
    "AEROSOL, FOAM": "C42888",
    "AEROSOL, METERED": "C42960",
    "AEROSOL, POWDER": "C42971",
    "AEROSOL, SPRAY": "C42889",
    "BAR, CHEWABLE": "C42892",
    "BEAD": "C42890",
    "CAPSULE": "C25158",
    "CAPSULE, COATED": "C42895",
    "CAPSULE, COATED PELLETS": "C42896",
    "CAPSULE, COATED, EXTENDED RELEASE": "C42917",
    "CAPSULE, DELAYED RELEASE": "C42902",
    "CAPSULE, DELAYED RELEASE PELLETS": "C42904",
    "CAPSULE, EXTENDED RELEASE": "C42916",
    "CAPSULE, FILM COATED, EXTENDED RELEASE": "C42928",
    "CAPSULE, GELATIN COATED": "C42936",
    "CAPSULE, LIQUID FILLED": "C42954",
    "CELLULAR SHEET": "C100103",
    "CLOTH": "C60884",
    "CONCENTRATE": "C60891",
    "CREAM": "C28944",
    "CREAM, AUGMENTED": "C60897",
    "CRYSTAL": "C42901",
    "DISC": "C43525",
    "DOUCHE": "C42679",
    "DRESSING": "C42763",
    "DRUG DELIVERY SYSTEM": "C17423",
    "ELIXIR": "C42912",
    "EMULSION": "C42913",
    "ENEMA": "C42915",
    "EXTRACT": "C42929",
    "FIBER, EXTENDED RELEASE": "C60926",
    "FILM": "C42932",
    "FILM, EXTENDED RELEASE": "C42920",
    "FILM, SOLUBLE": "C42984",
    "FOR SOLUTION": "C60927",
    "FOR SUSPENSION": "C60928",
    "FOR SUSPENSION, EXTENDED RELEASE": "C60929",
    "GAS": "C42933",
    "GEL": "C42934",
    "GEL, DENTIFRICE": "C42906",
    "GEL, METERED": "C60930",
    "GLOBULE": "C42937",
    "GRANULE": "C42938",
    "GRANULE FOR SUSPENSION, DELAYED RELEASE": "C87540",
    "GRANULE, DELAYED RELEASE": "C42903",
    "GRANULE, EFFERVESCENT": "C42909",
    "GRANULE, EXTENDED RELEASE": "C69067",
    "GRANULE, FOR SOLUTION": "C42939",
    "GRANULE, FOR SUSPENSION": "C42940",
    "GRANULE, FOR SUSPENSION, EXTENDED RELEASE": "C42921",
    "GUM, CHEWING": "C42894",
    "IMPLANT": "C42942",
    "INHALANT": "C42944",
    "INJECTABLE FOAM": "C113106",
    "INJECTABLE, LIPOSOMAL": "C60931",
    "INJECTION": "C42946",
    "INJECTION, EMULSION": "C42914",
    "INJECTION, LIPID COMPLEX": "C42950",
    "INJECTION, POWDER, FOR SOLUTION": "C42974",
    "INJECTION, POWDER, FOR SUSPENSION": "C42976",
    "INJECTION, POWDER, FOR SUSPENSION, EXTENDED RELEASE": "C42977",
    "INJECTION, POWDER, LYOPHILIZED, FOR LIPOSOMAL SUSPENSION": "C42959",
    "INJECTION, POWDER, LYOPHILIZED, FOR SOLUTION": "C42957",
    "INJECTION, POWDER, LYOPHILIZED, FOR SUSPENSION": "C42958",
    "INJECTION, POWDER, LYOPHILIZED, FOR SUSPENSION, EXTENDED RELEASE": "C42956",
    "INJECTION, SOLUTION": "C42945",
    "INJECTION, SOLUTION, CONCENTRATE": "C42899",
    "INJECTION, SUSPENSION": "C42995",
    "INJECTION, SUSPENSION, EXTENDED RELEASE": "C42926",
    "INJECTION, SUSPENSION, LIPOSOMAL": "C42951",
    "INJECTION, SUSPENSION, SONICATED": "C42988",
    "INSERT": "C60933",
    "INSERT, EXTENDED RELEASE": "C42922",
    "INTRACAMERAL": "C64984",
    "INTRARUMINAL DEVICE, EXTENDED RELEASE": "C87538",
    "INTRAUTERINE DEVICE": "C47915",
    "IRRIGANT": "C42947",
    "JELLY": "C42948",
    "KIT": "C47916",
    "LINIMENT": "C42949",
    "LIPSTICK": "C42952",
    "LIQUID": "C42953",
    "LIQUID, EXTENDED RELEASE": "C60934",
    "LOTION": "C29167",
    "LOTION, AUGMENTED": "C60957",
    "LOTION/SHAMPOO": "C60958",
    "LOZENGE": "C42955",
    "MOUTHWASH": "C29269",
    "NOT APPLICABLE": "C48624",
    "OIL": "C42965",
    "OINTMENT": "C42966",
    "OINTMENT, AUGMENTED": "C60984",
    "PASTE": "C42967",
    "PASTE, DENTIFRICE": "C42907",
    "PASTILLE": "C60985",
    "PATCH": "C42968",
    "PATCH, EXTENDED RELEASE": "C42923",
    "PATCH, EXTENDED RELEASE, ELECTRICALLY CONTROLLED": "C42911",
    "PELLET": "C42969",
    "PELLET, IMPLANTABLE": "C42943",
    "PELLETS, COATED, EXTENDED RELEASE": "C42918",
    "PENDANT": "C87542",
    "PILL": "C25394",
    "PLASTER": "C42970",
    "POULTICE": "C47913",
    "POWDER": "C42972",
    "POWDER, DENTIFRICE": "C42908",
    "POWDER, EFFERVESCENT": "C64884",
    "POWDER, FOR SOLUTION": "C42973",
    "POWDER, FOR SUSPENSION": "C42975",
    "POWDER, LYOPHILIZED": "C87541",
    "POWDER, METERED": "C42961",
    "RING": "C60988",
    "RINSE": "C42979",
    "SALVE": "C42980",
    "SHAMPOO": "C42981",
    "SHAMPOO, SUSPENSION": "C42982",
    "SMOKE PAPER": "C87537",
    "SMOKE STICK": "C87536",
    "SOAP": "C42983",
    "SOLUTION": "C42986",
    "SOLUTION, CONCENTRATE": "C42898",
    "SOLUTION, FOR SLUSH": "C42987",
    "SOLUTION, GEL FORMING, EXTENDED RELEASE": "C42935",
    "SOLUTION, GEL FORMING/DROPS": "C60994",
    "SOLUTION/DROPS": "C60992",
    "SPONGE": "C47912",
    "SPRAY": "C42989",
    "SPRAY, METERED": "C42962",
    "SPRAY, SUSPENSION": "C42990",
    "STICK": "C42991",
    "STRIP": "C47914",
    "SUPPOSITORY": "C42993",
    "SUPPOSITORY, EXTENDED RELEASE": "C42924",
    "SUSPENSION": "C42994",
    "SUSPENSION, EXTENDED RELEASE": "C42925",
    "SUSPENSION/DROPS": "C60995",
    "SWAB": "C47898",
    "SYRUP": "C42996",
    "TABLET": "C42998",
    "TABLET, CHEWABLE": "C42893",
    "TABLET, CHEWABLE, EXTENDED RELEASE": "C124794",
    "TABLET, COATED": "C42897",
    "TABLET, COATED PARTICLES": "C60997",
    "TABLET, DELAYED RELEASE": "C42905",
    "TABLET, DELAYED RELEASE PARTICLES": "C42997",
    "TABLET, EFFERVESCENT": "C42910",
    "TABLET, EXTENDED RELEASE": "C42927",
    "TABLET, FILM COATED": "C42931",
    "TABLET, FILM COATED, EXTENDED RELEASE": "C42930",
    "TABLET, FOR SOLUTION": "C61004",
    "TABLET, FOR SUSPENSION": "C61005",
    "TABLET, MULTILAYER": "C42964",
    "TABLET, MULTILAYER, EXTENDED RELEASE": "C42963",
    "TABLET, ORALLY DISINTEGRATING": "C42999",
    "TABLET, ORALLY DISINTEGRATING, DELAYED RELEASE": "C61006",
    "TABLET, SOLUBLE": "C42985",
    "TABLET, SUGAR COATED": "C42992",
    "TAG": "C87539",
    "TAMPON": "C47892",
    "TAPE": "C47897",
    "TINCTURE": "C43000",
    "TROCHE": "C43001",
    "WAFER": "C43003",
}

ROUTES: dict[str, str] = {
    "AURICULAR (OTIC)": "C38192",
    "BUCCAL": "C38193",
    "CONJUNCTIVAL": "C38194",
    "CUTANEOUS": "C38675",
    "DENTAL": "C38197",
    "ELECTRO-OSMOSIS": "C38633",
    "ENDOCERVICAL": "C38205",
    "ENDOSINUSIAL": "C38206",
    "ENDOTRACHEAL": "C38208",
    "ENTERAL": "C38209",
    "EPIDURAL": "C38210",
    "EXTRA-AMNIOTIC": "C38211",
    "EXTRACORPOREAL": "C38212",
    "HEMODIALYSIS": "C38200",
    "INFILTRATION": "C38215",
    "INTERSTITIAL": "C38219",
    "INTRA-ABDOMINAL": "C38220",
    "INTRA-AMNIOTIC": "C38221",
    "INTRA-ARTERIAL": "C38222",
    "INTRA-ARTICULAR": "C38223",
    "INTRABILIARY": "C38224",
    "INTRABRONCHIAL": "C38225",
    "INTRABURSAL": "C38226",
    "INTRACARDIAC": "C38227",
    "INTRACARTILAGINOUS": "C38228",
    "INTRACAUDAL": "C38229",
    "INTRACAVERNOUS": "C38230",
    "INTRACAVITARY": "C38231",
    "INTRACEREBRAL": "C38232",
    "INTRACISTERNAL": "C38233",
    "INTRACORNEAL": "C38234",
    "INTRACORONAL, DENTAL": "C38217",
    "INTRACORONARY": "C38218",
    "INTRACORPORUS CAVERNOSUM": "C38235",
    "INTRACRANIAL": "C38236",
    "INTRADERMAL": "C38238",
    "INTRADISCAL": "C38239",
    "INTRADUCTAL": "C38240",
    "INTRADUODENAL": "C38241",
    "INTRADURAL": "C38242",
    "INTRAEPICARDIAL": "C79144",
    "INTRAEPIDERMAL": "C38243",
    "INTRAESOPHAGEAL": "C38245",
    "INTRAGASTRIC": "C38246",
    "INTRAGINGIVAL": "C38247",
    "INTRAHEPATIC": "C38248",
    "INTRAILEAL": "C38249",
    "INTRALESIONAL": "C38250",
    "INTRALINGUAL": "C79138",
    "INTRALUMINAL": "C38251",
    "INTRALYMPHATIC": "C38252",
    "INTRAMAMMARY": "C79137",
    "INTRAMEDULLARY": "C38253",
    "INTRAMENINGEAL": "C38254",
    "INTRAMUSCULAR": "C28161",
    "INTRANODAL": "C79141",
    "INTRAOCULAR": "C38255",
    "INTRAOMENTUM": "C79142",
    "INTRAOVARIAN": "C38256",
    "INTRAPERICARDIAL": "C38257",
    "INTRAPERITONEAL": "C38258",
    "INTRAPLEURAL": "C38259",
    "INTRAPROSTATIC": "C38260",
    "INTRAPULMONARY": "C38261",
    "INTRARUMINAL": "C79139",
    "INTRASINAL": "C38262",
    "INTRASPINAL": "C38263",
    "INTRASYNOVIAL": "C38264",
    "INTRATENDINOUS": "C38265",
    "INTRATESTICULAR": "C38266",
    "INTRATHECAL": "C38267",
    "INTRATHORACIC": "C38207",
    "INTRATUBULAR": "C38268",
    "INTRATUMOR": "C38269",
    "INTRATYMPANIC": "C38270",
    "INTRAUTERINE": "C38272",
    "INTRAVASCULAR": "C38273",
    "INTRAVENOUS": "C38276",
    "INTRAVENOUS BOLUS": "C38274",
    "INTRAVENOUS DRIP": "C38279",
    "INTRAVENTRICULAR": "C38277",
    "INTRAVESICAL": "C38278",
    "INTRAVITREAL": "C38280",
    "IONTOPHORESIS": "C38203",
    "IRRIGATION": "C38281",
    "LARYNGEAL": "C38282",
    "NASAL": "C38284",
    "NASOGASTRIC": "C38285",
    "NOT APPLICABLE": "C48623",
    "OCCLUSIVE DRESSING TECHNIQUE": "C38286",
    "OPHTHALMIC": "C38287",
    "ORAL": "C38288",
    "OROPHARYNGEAL": "C38289",
    "OTHER": "C38290",
    "PARENTERAL": "C38291",
    "PERCUTANEOUS": "C38676",
    "PERIARTICULAR": "C38292",
    "PERIDURAL": "C38677",
    "PERINEURAL": "C38293",
    "PERIODONTAL": "C38294",
    "RECTAL": "C38295",
    "RESPIRATORY (INHALATION)": "C38216",
    "RETROBULBAR": "C38296",
    "SOFT TISSUE": "C38198",
    "SUBARACHNOID": "C38297",
    "SUBCONJUNCTIVAL": "C38298",
    "SUBCUTANEOUS": "C38299",
    "SUBGINGIVAL": "C65103",
    "SUBLINGUAL": "C38300",
    "SUBMUCOSAL": "C38301",
    "SUBRETINAL": "C79143",
    "TOPICAL": "C38304",
    "TRANSDERMAL": "C38305",
    "TRANSENDOCARDIAL": "C79145",
    "TRANSMUCOSAL": "C38283",
    "TRANSPLACENTAL": "C38307",
    "TRANSTRACHEAL": "C38308",
    "TRANSTYMPANIC": "C38309",
    "UNASSIGNED": "C38310",
    "UNKNOWN": "C38311",
    "URETERAL": "C38312",
    "URETHRAL": "C38271",
    "VAGINAL": "C38313",
}

PACKAGE_TYPES: dict[str, str] = {
    "AMPULE": "C43165",
    "APPLICATOR": "C43166",
    "BAG": "C43167",
    "BLISTER PACK": "C43168",
    "BOTTLE": "C43169",
    "BOTTLE, DISPENSING": "C43170",
    "BOTTLE, DROPPER": "C43171",
    "BOTTLE, GLASS": "C43172",
    "BOTTLE, PLASTIC": "C43173",
    "BOTTLE, PUMP": "C43174",
    "BOTTLE, SPRAY": "C43175",
    "BOTTLE, UNIT-DOSE": "C43176",
    "BOTTLE, WITH APPLICATOR": "C43177",
    "BOX": "C43178",
    "BOX, UNIT-DOSE": "C43179",
    "CAN": "C43180",
    "CANISTER": "C43181",
    "CAPSULE": "C92708",
    "CARTON": "C43182",
    "CARTRIDGE": "C43183",
    "CASE": "C43184",
    "CELLO PACK": "C43185",
    "CONTAINER": "C43186",
    "CUP": "C43187",
    "CUP, UNIT-DOSE": "C43188",
    "CYLINDER": "C43189",
    "DEWAR": "C43190",
    "DIALPACK": "C43191",
    "DOSE PACK": "C43192",
    "DRUM": "C43193",
    "FLEXIBLE INTERMEDIATE BULK CONTAINER": "C79135",
    "INHALER": "C16738",
    "INHALER, REFILL": "C43194",
    "JAR": "C43195",
    "JUG": "C43196",
    "KIT": "C43197",
    "NOT STATED": "C48626",
    "PACKAGE": "C43233",
    "PACKAGE, COMBINATION": "C43198",
    "PACKET": "C43199",
    "PAIL": "C79136",
    "PATCH": "C82332",
    "POUCH": "C43200",
    "SUPERSACK": "C43201",
    "SYRINGE": "C43202",
    "SYRINGE, GLASS": "C43203",
    "SYRINGE, PLASTIC": "C43204",
    "TABMINDER": "C43205",
    "TANK": "C43206",
    "TRAY": "C53438",
    "TUBE": "C42794",
    "TUBE, WITH APPLICATOR": "C43207",
    "VIAL": "C43226",
    "VIAL, DISPENSING": "C43208",
    "VIAL, GLASS": "C43209",
    "VIAL, MULTI-DOSE": "C43210",
    "VIAL, PATENT DELIVERY SYSTEM": "C43211",
    "VIAL, PHARMACY BULK PACKAGE": "C43212",
    "VIAL, PIGGYBACK": "C43213",
    "VIAL, PLASTIC": "C43214",
    "VIAL, SINGLE-DOSE": "C43215",
    "VIAL, SINGLE-USE": "C43216",
}

# Confirmed in published SPL: NDA in FDA's Lipitor label (../shared/spl/examples/lipitor.xml), ANDA in a published
# generic's listing.
MARKETING_CATEGORIES: dict[str, str] = {"NDA": "C73594", "ANDA": "C73584"}


# --- the tool's words → FDA's terms (shared by the SPL writer and the product data check) ---------------------

# The tool's route names → FDA's.
ROUTE_NAMES = {"inhalation": "RESPIRATORY (INHALATION)"}
# Words of a content dosage form → FDA's dosage form (the content can name FDA's form itself: spl_dosage_form).
DOSAGE_FORM_WORDS = {
    "tablet": "TABLET",
    "tablets": "TABLET",
    "capsule": "CAPSULE",
    "capsules": "CAPSULE",
    "injection": "INJECTION",
    "for oral suspension": "POWDER, FOR SUSPENSION",
    "oral suspension": "SUSPENSION",
    "oral solution": "SOLUTION",
    "solution": "SOLUTION",
    "cream": "CREAM",
    "ointment": "OINTMENT",
    "gel": "GEL",
    "suppositories": "SUPPOSITORY",
    "suppository": "SUPPOSITORY",
}
# A word of a container or pack → FDA's package type, most specific first. A pen, an autoinjector or a starter
# pack has no word here on purpose: FDA lists them variously (syringe, kit), so the content says which.
PACKAGE_WORDS = (
    ("blister", "BLISTER PACK"),
    ("single-dose vial", "VIAL, SINGLE-DOSE"),
    ("multiple-dose vial", "VIAL, MULTI-DOSE"),
    ("pharmacy bulk", "VIAL, PHARMACY BULK PACKAGE"),
    ("syringe", "SYRINGE"),
    ("cartridge", "CARTRIDGE"),
    ("vial", "VIAL"),
    ("ampul", "AMPULE"),
    ("bottle", "BOTTLE"),
    ("bag", "BAG"),
    ("tube", "TUBE"),
    ("carton", "CARTON"),
    ("packet", "PACKET"),
    ("pouch", "POUCH"),
    ("jar", "JAR"),
    ("container", "CONTAINER"),
)
# UCUM units SPL quantities take for the tool's units.
UCUM = {"mg": "mg", "g": "g", "mcg": "ug", "kg": "kg", "mL": "mL", "L": "L", "units": "[iU]", "mEq": "meq"}


def dosage_form(presentation: Presentation) -> str | None:
    if presentation.spl_dosage_form:
        return presentation.spl_dosage_form
    words = " ".join(presentation.dosage_form.lower().split())
    return DOSAGE_FORM_WORDS.get(words) or (words.upper() if words.upper() in DOSAGE_FORMS else None)


def measured(package: Package) -> bool:
    """The pack counts containers that each hold a stated volume ("2 syringes" of 0.8 mL): SPL nests it, the
    volume in one container inside the pack that holds them."""
    return package.volume is not None and package.pack.unit not in UCUM


def package_type(package: Package) -> str | None:
    """FDA's type of the package that carries the code: the content's own choice (``spl_package_type``), else
    the words of its container — unless the container is measured (then the words name the inner container,
    ``container_type``, and the outer pack's type is the content's to give)."""
    if package.spl_package_type:
        return package.spl_package_type
    return None if measured(package) else container_type(package)


def container_type(package: Package) -> str | None:
    """FDA's type for the content's words of a container or pack ("single-dose vial" → VIAL, SINGLE-DOSE)."""
    words = " ".join(f"{package.container or ''} {package.pack.unit}".lower().split())
    if re.search(r"\bpens?\b|injector|starter", words):
        return None  # see PACKAGE_WORDS
    return next((name for word, name in PACKAGE_WORDS if word in words), None)


def ndc_code(code: str | None) -> str | None:
    """'NDC 0071-0155-23' → '0071-0155-23'; None when the code is not an NDC."""
    if not code:
        return None
    match = re.fullmatch(r"(?:NDC\s*)?(\d{4,5}-\d{3,4}(?:-\d{1,2})?)", code.strip())
    return match.group(1) if match else None


def ingredient_name(ingredient: Ingredient) -> str:
    """An ingredient's name as a listing names it: without the content's note of which strengths hold it
    ("FD&C Blue No. 2 Aluminum Lake ({a}, {b} tablets)" → "FD&C Blue No. 2 Aluminum Lake"); a placeholder
    anywhere else is filled with its value."""
    name = re.sub(r"\s*\([^()]*\{[a-z_][a-z0-9_]*\}[^()]*\)", "", ingredient.name)
    for key, value in ingredient.values.items():
        name = name.replace("{" + key + "}", str(value))
    return name.strip()


def holds(ingredient: Ingredient, presentation: Presentation) -> bool:
    """Whether a presentation holds the ingredient: an ingredient whose values are strengths (a colorant of some
    tablets) is in the presentations of those strengths only; any other is in all."""
    strength = presentation.strength
    values = list(ingredient.values.values())
    same_kind = values and all(v.unit == strength.unit and v.per is None and v.high is None for v in values)
    if not same_kind or strength.per is not None:
        return True
    return any(v.low == strength.low for v in values)


def moiety(ingredient: Ingredient | None) -> str | None:
    """The active moiety a strength is expressed as, when it is not the ingredient itself ('atorvastatin' for
    atorvastatin calcium)."""
    if ingredient is None or not ingredient.basis_of_strength:
        return None
    basis = re.sub(r"\s*\(.*?\)\s*", " ", ingredient.basis_of_strength).strip()
    return None if basis.lower() == ingredient.name.lower() else basis


def is_spl(data: bytes) -> bool:
    """An SPL document by its first bytes (no XML library needed to tell)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"urn:hl7-org:v3" in head and b"<document" in head
