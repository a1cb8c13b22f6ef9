"""Broken inserts and correct variants written by an independent review of the SRPI checklist (stop 24): a
reviewer playing FDA's project manager and an attacker, with edits nobody had listed. Used by test_srpi.py.
Each case: (name, product, edits, expected items); edits as in test_srpi.py ("css", "sub" first match, "suball").
"""

from __future__ import annotations

from typing import Any

XREF_51 = (
    r'<span class="ref">\[see </span><span class="ref">Warnings and Precautions</span><span class="ref"> \(</span>'
    r'<span class="ref">5\.1</span><span class="ref">\)</span><span class="ref">\]</span>'
)
RA_END = r'(id="indication-ra-heading">[^<]*</h3>\n<p>[^<]*?)\.</p>'  # end of 1.1's paragraph (adalimumab)

REVIEW_BROKEN: list[tuple[str, str, tuple[tuple[Any, ...], ...], set[int]]] = [
    # --- Highlights
    (
        "B01 RMC dated after the revision date",
        "adalimumab",
        (("sub", r'"rmc-date">5/2013', '"rmc-date">11/2013'),),
        {19},
    ),
    (
        "B02 Revised: month spelled out",
        "adalimumab",
        (("sub", r"Revised: 9/2013</p>", "Revised: September 2013</p>"),),
        {26},
    ),
    ("B03 Revised: two-digit year", "adalimumab", (("sub", r"Revised: 9/2013</p>", "Revised: 9/13</p>"),), {26}),
    (
        "B04 HL boxed: 2nd bullet not bold",
        "adalimumab",
        (("css", ".highlights .boxed li + li { font-weight: normal }"),),
        {12},
    ),
    (
        "B05 limitation: product name not bold",
        "adalimumab",
        (
            (
                "sub",
                "needed to use HUMIRA safely",
                'needed to use <span style="font-weight:normal">HUMIRA</span> safely',
            ),
        ),
        {9},
    ),
    (
        "B06 limitation reworded (all of the)",
        "adalimumab",
        (("sub", "do not include all the information", "do not include all of the information"),),
        {9},
    ),
    (
        "B07 limitation not right under HL heading",
        "adalimumab",
        (("sub", r'(<p class="limitation">.*?</p>\n)(<p class="title-line">HUMIRA[^\n]*\n)', r"\2\1"),),
        {9},
    ),
    (
        "B08 approval above the product title",
        "adalimumab",
        (("sub", r'(<p class="title-line">HUMIRA[^\n]*\n)(<p class="title-line">Initial[^\n]*\n)', r"\2\1"),),
        {11},
    ),
    (
        "B09 approval without colon",
        "adalimumab",
        (("sub", "Initial U.S. Approval: 2002", "Initial U.S. Approval 2002"),),
        {11},
    ),
    (
        "B10 HL boxed moved after RMC",
        "adalimumab",
        (
            (
                "sub",
                r'(<section id="hl-boxed-warning".*?</section>\n)(<section id="hl-recent-major-changes".*?</section>\n)',
                r"\2\1",
            ),
        ),
        {7},
    ),
    (
        "B11 HL boxed warning left out (FPI has one)",
        "adalimumab",
        (("sub", r'<section id="hl-boxed-warning".*?</section>\n', ""),),
        {7},
    ),
    ("B12 HL boxed see-line missing", "adalimumab", (("sub", r'<p class="boxed-see">[^<]*</p>\n', ""),), {14}),
    (
        "B13 HL boxed see-line reworded",
        "adalimumab",
        (
            (
                "sub",
                "See full prescribing information for complete boxed warning.",
                "See full prescribing information for the complete boxed warning.",
            ),
        ),
        {14},
    ),
    (
        "B14 HL heading: line on the right only",
        "adalimumab",
        (("css", ".highlights h2.hl::before { content: none }"),),
        {4},
    ),
    (
        "B15 HL heading in title case",
        "adalimumab",
        (("sub", r'<h2 class="hl">DRUG INTERACTIONS</h2>', '<h2 class="hl">Drug Interactions</h2>'),),
        {4},
    ),
    ("B16 HL 7.5 pt on one bullet", "adalimumab", (("css", "#hl-warnings li:first-child { font-size: 7.5pt }"),), {1}),
    (
        "B17 RMC names W&P for a 2.3 change",
        "adalimumab",
        (("sub", r"<li>Dosage and Administration, Administration ", "<li>Warnings and Precautions, Administration "),),
        {18},
    ),
    ("B18 RMC date as 'April 2013'", "adalimumab", (("sub", r'"rmc-date">4/2013', '"rmc-date">April 2013'),), {18}),
    (
        "B19 RMC change bar missing on one (2.3)",
        "adalimumab",
        (("css", "#dosage-administration.changed { border-left: none }"),),
        {38},
    ),
    (
        "B20 reporting stmt lower case",
        "adalimumab",
        (("sub", "To report SUSPECTED ADVERSE REACTIONS", "To report suspected adverse reactions"),),
        {24},
    ),
    (
        "B21 reporting stmt: company not bold",
        "adalimumab",
        (("sub", "contact AbbVie Inc. at", 'contact <span style="font-weight:normal">AbbVie Inc.</span> at'),),
        {24},
    ),
    (
        "B22 counseling stmt in title case",
        "adalimumab",
        (
            (
                "sub",
                "See 17 for PATIENT COUNSELING INFORMATION and Medication Guide.",
                "See 17 for Patient Counseling Information and Medication Guide.",
            ),
        ),
        {25},
    ),
    (
        "B23 Revised before the counseling stmt",
        "adalimumab",
        (("sub", r'(<p class="see-counseling">[^\n]*\n)(<p class="revised">[^\n]*\n)', r"\2\1"),),
        {26},
    ),
    (
        "B24 HL CI says None, FPI lists 10",
        "warfarin",
        (
            (
                "sub",
                r'(<h2 class="hl">CONTRAINDICATIONS</h2>\n)<ul>.*?</ul>',
                r'\1<p>None <span class="ref">(4)</span></p>',
            ),
        ),
        {22},
    ),
    (
        "B25 HL CI: one replaced by another",
        "warfarin",
        (("sub", r"<li>Malignant hypertension <span", "<li>Severe renal impairment <span"),),
        {22},
    ),
    (
        "B26 HL CI: one bullet dropped (marker)",
        "warfarin",
        (("css", "#hl-contraindications li:nth-child(3) { list-style: none }"),),
        {23},
    ),
    (
        "B27 HL boxed 17 text lines + 6 blank",
        "adalimumab",
        (
            ("css", ".highlights .boxed ul { width: 215pt }"),
            (
                "sub",
                r'(<p class="boxed-see">[^<]*</p>\n<ul>\n<li>.*?</li>\n)',
                r"\1<p>&#160;</p><p>&#160;</p><p>&#160;</p><p>&#160;</p><p>&#160;</p><p>&#160;</p>",
            ),
        ),
        {15},
    ),
    # --- Contents
    (
        "B28 Contents: 5.4 left out (FPI has it)",
        "adalimumab",
        (("sub", r'<p class="toc-2"><a href="#warning-hbv">[^\n]*\n', ""),),
        {32},
    ),
    (
        "B29 Contents: BW title differs from FPI",
        "adalimumab",
        (
            (
                "sub",
                r'(<p class="toc-1"><a href="#boxed-warning">)WARNING: SERIOUS INFECTIONS AND MALIGNANCY',
                r"\1WARNING: SERIOUS INFECTIONS AND MALIGNANCIES",
            ),
        ),
        {29},
    ),
    (
        "B30 Contents: '&' in section 5",
        "adalimumab",
        (("sub", ">5 WARNINGS AND PRECAUTIONS<", ">5 WARNINGS &amp; PRECAUTIONS<"),),
        {32},
    ),
    ("B31 Contents asterisk dropped", "adalimumab", (("sub", "CONTENTS\\*</h1>", "CONTENTS</h1>"),), {33}),
    (
        "B32 subsection in sentence case (both)",
        "adalimumab",
        (("suball", "5.3 Hypersensitivity Reactions", "5.3 Hypersensitivity reactions"),),
        {31, 36},
    ),
    ("B33 8.4 renumbered 8.3 (both)", "adalimumab", (("suball", "8.4 Pediatric Use", "8.3 Pediatric Use"),), {33, 36}),
    # --- FPI
    (
        "B34 FPI subsection lower case only in FPI",
        "adalimumab",
        (("sub", ">8.4 Pediatric Use</h3>", ">8.4 Pediatric use</h3>"),),
        {36},
    ),
    (
        "B35 FPI section 6 without its number",
        "adalimumab",
        (("sub", ">6 ADVERSE REACTIONS</h2>", ">ADVERSE REACTIONS</h2>"),),
        {36},
    ),
    (
        "B36 FPI title reworded",
        "adalimumab",
        (
            (
                "sub",
                '<h1 class="part-heading">FULL PRESCRIBING INFORMATION</h1>',
                '<h1 class="part-heading">PRESCRIBING INFORMATION</h1>',
            ),
        ),
        {34},
    ),
    (
        "B37 xref: wrong section name",
        "adalimumab",
        (
            (
                "sub",
                r'(id="fpi".*?<span class="ref">\[see </span><span class="ref">)Warnings and Precautions',
                r"\1Adverse Reactions",
            ),
        ),
        {37},
    ),
    (
        "B38 xref: wrong but existing subsection",
        "adalimumab",
        (
            (
                "sub",
                r'(id="fpi".*?<span class="ref">\[see </span><span class="ref">Warnings and Precautions</span><span class="ref"> \(</span><span class="ref">)5\.1<',
                r"\g<1>5.4<",
            ),
        ),
        {37},
    ),
    (
        "B39 xref: '[See ...]' upright",
        "adalimumab",
        (("sub", r'(id="fpi".*?)' + XREF_51, r"\1[See Warnings and Precautions (5.1)]"),),
        {37},
    ),
    (
        "B40 xref: '(see section 5.1)'",
        "adalimumab",
        (("sub", r'(id="fpi".*?)' + XREF_51, r"\1(see section 5.1)"),),
        {37},
    ),
    (
        "B41 xref: italic, no brackets, capital See",
        "adalimumab",
        (("sub", RA_END, r"\1. <em>See Warnings and Precautions (5.1).</em></p>"),),
        {37},
    ),
    (
        "B42 6.2 statement reworded",
        "adalimumab",
        (("sub", "from a population of uncertain size", "from a population of unknown size"),),
        {42},
    ),
    (
        "B43 change bar on the right",
        "adalimumab",
        (("css", ".fpi section.changed { border-left: none; border-right: 1.5pt solid #000 }"),),
        {38},
    ),
    (
        "B44 sec 17 opening names no labeling type",
        "adalimumab",
        (
            (
                "sub",
                r"Advise the patient to read the patient labeling \(Medication Guide\)\.",
                "Advise the patient to read the patient labeling.",
            ),
        ),
        {43},
    ),
    (
        "B45 FPI boxed: 2nd bullet not bold",
        "adalimumab",
        (("css", ".fpi .boxed li + li { font-weight: normal }"),),
        {39},
    ),
    (
        "B46 HL heading in a line but off-centre",
        "adalimumab",
        (("css", ".highlights h2.hl::before { flex: 3 1 0 }"),),
        {4},
    ),
    (
        "B47 white space missing before one HL heading",
        "adalimumab",
        (
            (
                "css",
                "#hl-dosage-forms h2.hl { margin-top: 0 } #hl-dosage ul { margin-bottom: 0 } #hl-dosage li:last-child { margin-bottom: 0 }",
            ),
        ),
        {5},
    ),
]

REVIEW_VARIANTS: list[tuple[str, str, tuple[tuple[Any, ...], ...]]] = [
    (
        "V01 counseling stmt without final period (CFR wording)",
        "adalimumab",
        (("sub", "and Medication Guide.</p>", "and Medication Guide</p>"),),
    ),
    (
        "V02 sec 17: FDA-approved patient labeling (MG and IFU)",
        "adalimumab",
        (
            (
                "sub",
                r"Advise the patient to read the patient labeling \(Medication Guide\)\.",
                "Advise the patient to read the FDA-approved patient labeling (Medication Guide and Instructions for Use).",
            ),
        ),
    ),
    ("V03 Revised: 09/2013", "adalimumab", (("sub", r"Revised: 9/2013</p>", "Revised: 09/2013</p>"),)),
    (
        "V04 RMC date after dashes",
        "adalimumab",
        (("suball", r'</span> <span class="rmc-date">', r'</span> --- <span class="rmc-date">'),),
    ),
    ("V05 RMC date right-aligned (float)", "adalimumab", (("css", ".highlights .rmc-date { float: right }"),)),
    (
        "V06 sans-serif typeface throughout",
        "adalimumab",
        (("css", "html, .highlights, .contents, .fpi { font-family: 'Liberation Sans' }"),),
    ),
    (
        "V07 xref '[see Boxed Warning and W&P (5.1)]'",
        "adalimumab",
        (("sub", RA_END, r"\1 <em>[see Boxed Warning and Warnings and Precautions (5.1)]</em>.</p>"),),
    ),
    (
        "V08 xref with semicolon",
        "adalimumab",
        (("sub", RA_END, r"\1 <em>[see Warnings and Precautions (5.1); Adverse Reactions (6.1)]</em>.</p>"),),
    ),
    (
        "V09 subsection title with units",
        "adalimumab",
        (("suball", r">2\.3 Administration<", ">2.3 Administration of the 40 mg/0.8 mL Pen<"),),
    ),
    ("V10 A4 paper", "adalimumab", (("css", "@page { size: A4 }"),)),
    ("V11 square bullets in HL", "warfarin", (("css", ".highlights ul li { list-style: square }"),)),
    ("V12 en-dash bullets in HL", "warfarin", (("css", ".highlights ul li { list-style-type: '– ' }"),)),
    ("V13 boxed see-line bold italic", "adalimumab", (("css", ".highlights p.boxed-see { font-weight: bold }"),)),
    ("V14 double rule under HL", "warfarin", (("css", ".highlights { border-bottom: 3pt double #000 }"),)),
    (
        "V15 change bar per paragraph",
        "adalimumab",
        (
            (
                "css",
                ".fpi section.changed { border-left: none; padding-left: 0; margin-left: 0 } .fpi section.changed > * { border-left: 1.5pt solid #000; padding-left: 5pt; margin-left: -6.5pt }",
            ),
        ),
    ),
    (
        "V16 HL heading line behind text (white mask)",
        "adalimumab",
        (
            (
                "css",
                ".highlights .hl-section:not(.boxed) h2.hl { display: block; text-align: center; position: relative; }"
                ".highlights .hl-section:not(.boxed) h2.hl::after { content: none }"
                ".highlights .hl-section:not(.boxed) h2.hl::before { position: absolute; left: 0; right: 0; top: 50%; margin: 0; z-index: -1 }"
                ".highlights h2.hl span { background: #fff; padding: 0 4pt; }",
            ),
            (
                "suball",
                r'<h2 class="hl">(RECENT|INDICATIONS|DOSAGE|CONTRA|WARNINGS AND|ADVERSE|DRUG)([^<]*)</h2>',
                r'<h2 class="hl"><span>\1\2</span></h2>',
            ),
        ),
    ),
    (
        "V17 sec 17 'Advise ... to read the Medication Guide.'",
        "adalimumab",
        (
            (
                "sub",
                r"Advise the patient to read the patient labeling \(Medication Guide\)\.",
                "Advise the patient to read the FDA-approved Medication Guide.",
            ),
        ),
    ),
    (
        "V18 HL CI: 'None.' (with period)",
        "adalimumab",
        (("sub", r"<p>None <span class=\"ref\">\(4\)</span></p>", '<p>None. <span class="ref">(4)</span></p>'),),
    ),
    (
        "V19 revision date nudged (position: relative)",
        "adalimumab",
        (("css", ".highlights .revised { position: relative; top: 0.2pt }"),),
    ),
    (
        "V20 title block full width",
        "warfarin",
        (("css", ".highlights p.limitation, .highlights p.title-line { column-span: all }"),),
    ),
    (
        "V21 HL heading nudged (position: relative)",
        "warfarin",
        (("css", "#hl-contraindications h2.hl { position: relative; top: 0.2pt }"),),
    ),
    (
        "V22 long boxed-warning title (wraps in Contents)",
        "adalimumab",
        (
            (
                "suball",
                "WARNING: SERIOUS INFECTIONS AND MALIGNANCY",
                "WARNING: SERIOUS INFECTIONS, MORTALITY, MALIGNANCY, MAJOR ADVERSE CARDIOVASCULAR EVENTS, AND THROMBOSIS",
            ),
        ),
    ),
    (
        "V23 6.2 'postmarketing use' (appropriate modification)",
        "adalimumab",
        (("sub", "identified during postapproval use of HUMIRA", "identified during postmarketing use of HUMIRA"),),
    ),
]
