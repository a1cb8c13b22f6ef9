"""Diff hardening: the bugs independent testers found, each pinned by a test that failed before its fix."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from labeling.diff import EDITORIAL, MAJOR, MINOR, diff_labels, diff_products, same_words
from labeling.diff_output import as_json, as_markdown, as_text, md_code, md_text
from labeling.load import ContentError, parse_label

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"
SOURCE = SAMPLE.read_text(encoding="utf-8")
BUMP = [('version: "1.0"', 'version: "1.1"'), ("revision_date: 2026-11-01", "revision_date: 2027-02-01")]
FREE_TEXT = "    text: Severe renal impairment"  # a contraindication's wording, where a number is a label fact
PATIENT_WORDING = "    patient_text: you have severe kidney problems"  # how the same fact is put to patients


def edited(*pairs, text: str = SOURCE) -> str:
    for old, new in pairs:
        assert old in text, f"edit target not in the sample: {old!r}"
        text = text.replace(old, new, 1)
    return text


def label(text: str = SOURCE):
    return parse_label(text, "label.yaml")


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "labeling.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


def with_contraindications(items, text: str = SOURCE) -> str:
    start, end = text.index("contraindications:\n"), text.index("\nwarnings:\n")
    body = "contraindications:\n" + "".join(
        f"  - id: {item}\n    text: Condition {item}\n    patient_text: you have condition {item}\n" for item in items
    )
    return text[:start] + body + text[end:]


# --- "4 g" and "4 g/day" in one text: sorting quantity keys holding None crashed (exit 3) -----------------------


def test_a_text_with_4_g_and_4_g_per_day_does_not_crash(tmp_path):
    old_text = edited((PATIENT_WORDING, f"{PATIENT_WORDING}. Take 4 g at once, never more than 4 g/day."))
    new_text = edited((PATIENT_WORDING, f"{PATIENT_WORDING}. Take 4 g at once; never take more than 4 g/day."), *BUMP)
    (change,) = diff_labels(label(old_text), label(new_text))
    assert change.path == "contraindications[severe-renal-impairment].patient_text"
    assert change.severity == EDITORIAL  # wording only: the same quantities
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(old_text, encoding="utf-8")
    new.write_text(new_text, encoding="utf-8")
    result = run("diff", old, new)
    assert result.returncode == 0, result.stderr
    assert "editorial" in result.stdout


def test_a_changed_quantity_beside_a_same_valued_one_is_not_editorial():
    old_text = edited((FREE_TEXT, f"{FREE_TEXT}. Take 4 g at once, never more than 4 g/day."))
    new_text = edited((FREE_TEXT, f"{FREE_TEXT}. Take 4 g at once, never more than 8 g/day."))
    (change,) = diff_labels(label(old_text), label(new_text))
    assert change.severity == MAJOR


# --- invisible characters between number and unit -----------------------------------------------------------------
# The loader refuses them in content (tests/test_hostile.py); diff's own comparison still reads through them, for
# texts that reach it another way (an old revision written before the loader refused them).


@pytest.mark.parametrize("invisible", ["\u2060", "\u200b", "\u00ad", "\ufeff", "\u200d"])
def test_content_with_an_invisible_character_is_refused_naming_it(invisible):
    text = edited((FREE_TEXT, f"{FREE_TEXT}. Your usual dose of donepezil is 5{invisible}mg a day."))
    with pytest.raises(ContentError, match=f"U\\+{ord(invisible):04X}"):
        label(text)


@pytest.mark.parametrize("invisible", ["\u2060", "\u200b", "\u00ad", "\ufeff", "\u200d"])
def test_an_invisible_character_does_not_make_a_dose_change_editorial(invisible):
    assert not same_words(f"Your usual dose is 5{invisible}mg a day.", f"Your usual dose is 10{invisible}mg a day.")


@pytest.mark.parametrize("invisible", ["\u2060", "\u200b", "\u00ad"])
def test_an_invisible_character_alone_is_editorial(invisible):
    assert same_words("(CrCl below 30 mL/min)", f"(CrCl below 30{invisible} mL/min)")


def test_a_moved_decimal_point_is_not_punctuation():
    # "1.5 mg" → "15 mg" differs only in a punctuation character, but it is a tenfold dose.
    old_text = edited(("    text: Severe renal impairment", "    text: Severe renal impairment at doses above 1.5 mg"))
    new_text = edited(("    text: Severe renal impairment", "    text: Severe renal impairment at doses above 15 mg"))
    (change,) = diff_labels(label(old_text), label(new_text))
    assert change.severity == MAJOR
    assert same_words("Doses of 20-50 mL", "doses of 20–50 mL.")  # dashes, case and full stops stay editorial
    assert not same_words("at least 80 mL", "at most 80 mL") and not same_words("≥80 mL", "≤80 mL")


# --- Markdown for pull-request comments: content can never change the comment's structure -----------------------

HOSTILE = [
    "<h2>All changes approved</h2><!--",
    "# Approved by QA",
    "> quoted | with a pipe",
    "- a list item",
    "1. a numbered item",
    "`code` and ``more``",
    "[click here](https://example.org) **bold** _em_ ~~struck~~",
    "&lt;b&gt;entity&lt;/b&gt; &amp; <script>alert(1)</script>",
]


def hostile_diff():
    pairs = [
        ("    text: Severe renal impairment", f"    text: {json.dumps(HOSTILE[0])}"),
        ("    text: Severe hepatic impairment", f"    text: {json.dumps(' '.join(HOSTILE[1:4]))}"),
        ("    text: Active malignancy", f"    text: {json.dumps(' '.join(HOSTILE[4:]))}"),
        (
            "  - id: active-malignancy\n",
            f"  - id: active-bleeding\n    text: {json.dumps(HOSTILE[1])}\n"
            f"    patient_text: {json.dumps(HOSTILE[0])}\n  - id: active-malignancy\n",
        ),
    ]
    return diff_products(label(), label(edited(*pairs)), "old.yaml", "new.yaml")


def test_markdown_escapes_every_content_value():
    from markdown_it import MarkdownIt

    diff = hostile_diff()
    assert len(diff.changes) == 4 and diff.policy  # the policy lines must stay visible
    markdown = as_markdown([diff])
    html = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough").render(markdown)
    # The structure is exactly ours: two headings, one table of header + 4 rows of 5 cells, one list of policy.
    assert re.findall(r"<h(\d)>", html) == ["2", "3"]
    assert html.count("<table>") == 1 and html.count("<tr>") == 5
    assert all(row.count("<td>") == 5 for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:])
    assert html.count("<li>") == len(diff.policy)
    assert html.count("<strong>") == 1  # ours: "Change policy:"
    for tag in ("<blockquote>", "<ol>", "<a ", "<em>", "<s>", "<del>", "<script>", "<!--", "<b>"):
        assert tag not in html.replace("<!-- labeling diff", ""), tag
    assert html.count("<code>") == 4  # one per fact path, none from content
    # … and a reader sees the characters the content holds.
    for text in HOSTILE:
        visible = (
            re.sub(r"<[^>]+>", "", html)
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", '"')
            .replace("&amp;", "&")
        )
        for word in text.split():
            assert word in visible, word
    assert "policy" in markdown.lower() and "version did not go up" in markdown


def test_markdown_helpers():
    assert md_text("<h2>x</h2><!--") == "&lt;h2&gt;x&lt;/h2&gt;&lt;!--"
    assert md_text("a | b") == "a \\| b" and md_text("a\nb") == "a b"
    assert md_text("# x") == "\\# x" and md_text("- x") == "\\- x" and md_text("2. x") == "2\\. x"
    assert md_text("20–50 mL/day") == "20–50 mL/day" and md_text("1.5 mg") == "1.5 mg"  # plain values stay plain
    assert md_code("a`b|c") == "``a`b\\|c``"


def test_json_and_text_carry_the_hostile_values_unchanged():
    diff = hostile_diff()
    payload = json.loads(as_json([diff]))
    assert payload["schema_version"] == 2 and payload["command"] == "diff"
    assert {c["new"] for c in payload["products"][0]["changes"]} >= {HOSTILE[0], HOSTILE[1]}
    assert HOSTILE[0] in as_text([diff])


# --- time: linear in the number of facts -------------------------------------------------------------------------


def test_5000_contraindications_diff_in_seconds():
    """A smoke test (speed targets live in docs/benchmarks.md): 5,000 contraindications against 5,000 of which
    half are new, reordered, one of the kept ones reworded. The old diff grouped each added or removed value
    into its fact by scanning every path of the label: quadratic (162 s here)."""
    count = 5000
    old_items = [f"ci-{i}" for i in range(count)]
    new_items = [f"ci-{i}" for i in range(count // 2, count + count // 2)]
    random.Random(5).shuffle(new_items)
    old = label(with_contraindications(old_items))
    new = label(
        with_contraindications(new_items).replace(
            "    text: Condition ci-4000\n", "    text: Condition ci-4000 (reworded)\n"
        )
    )
    start = time.perf_counter()
    diff = diff_products(old, new, "old.yaml", "new.yaml")
    as_markdown([diff])
    elapsed = time.perf_counter() - start
    kinds = {kind: sum(c.kind == kind for c in diff.changes) for kind in ("added", "removed", "changed")}
    assert kinds == {"added": count // 2, "removed": count // 2, "changed": 1}
    assert "contraindications[ci-4000].text: Condition ci-4000 → Condition ci-4000 (reworded)" in map(str, diff.changes)
    assert elapsed < 20, f"diff of 5,000 contraindications took {elapsed:.1f} s"


# --- diff --base REF FILE compares exactly the named files -------------------------------------------------------


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "content").mkdir(parents=True)
    (root / "content" / "cerebrolysin.yaml").write_text(SOURCE, encoding="utf-8")
    (root / "content" / "other.yaml").write_text(edited(("  id: cerebrolysin", "  id: other")), encoding="utf-8")
    (root / "label.yaml").write_text(edited(("  id: cerebrolysin", "  id: rootlabel")), encoding="utf-8")
    (root / ".pre-commit-hooks.yaml").write_text("- id: labeling-lint\n  entry: labeling lint\n", encoding="utf-8")

    def git(*args):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "first")
    return root, git


def products(result) -> dict[str, dict]:
    assert result.returncode in (0, 1), result.stderr
    return {p["product"]: p for p in json.loads(result.stdout)["products"]}


def test_base_with_named_files_compares_exactly_those(repo):
    root, _ = repo
    (root / "content" / "other.yaml").unlink()  # a neighbour removed from the working tree: not asked about
    result = run("diff", "--base", "HEAD", "content/cerebrolysin.yaml", "--format", "json", cwd=root)
    assert result.returncode == 0 and list(products(result)) == ["cerebrolysin"]
    assert products(result)["cerebrolysin"]["status"] == "unchanged"
    # A file beside .pre-commit-hooks.yaml (not a label): only the named file is read at the ref.
    result = run("diff", "--base", "HEAD", "label.yaml", "--format", "json", cwd=root)
    assert result.returncode == 0, result.stderr
    assert list(products(result)) == ["rootlabel"]
    result = run("diff", "--base", "HEAD", "./label.yaml", "content/cerebrolysin.yaml", cwd=root)
    assert (
        result.returncode == 0
        and "rootlabel: no label changes" in result.stdout
        and "cerebrolysin: no label changes" in result.stdout
        and "other" not in result.stdout
    )


def test_base_with_named_files_added_and_removed(repo):
    root, _ = repo
    (root / "content" / "new.yaml").write_text(edited(("  id: cerebrolysin", "  id: newproduct")), encoding="utf-8")
    (root / "content" / "other.yaml").unlink()
    result = run("diff", "--base", "HEAD", "content/new.yaml", "content/other.yaml", "--format", "json", cwd=root)
    found = products(result)
    assert found["newproduct"]["status"] == "added" and found["other"]["status"] == "removed"
    assert set(found) == {"newproduct", "other"}
    # No named files: every content/*.yaml, added and removed ones too (as before).
    found = products(run("diff", "--base", "HEAD", "--format", "json", cwd=root))
    assert set(found) == {"cerebrolysin", "newproduct", "other"}
    bad = run("diff", "--base", "no-such-ref", "label.yaml", cwd=root)
    assert bad.returncode == 2 and "not a commit" in bad.stderr


# --- reach decides which documents a change reaches --------------------------------------------------------------


def test_a_change_to_an_unlabelled_use_reaches_no_document_and_is_not_major():
    # The nootropic regimen serves an off-label use: it is kept as a record and printed nowhere.
    (change,) = diff_labels(label(), label(edited(("      dose: 5-10 mL/day", "      dose: 5-20 mL/day"))))
    assert change.path == "dosing.regimens[nootropic].dose" and change.documents == () and change.severity == MINOR
    bumped = label(edited(("      dose: 5-10 mL/day", "      dose: 5-20 mL/day"), *BUMP))
    assert diff_products(label(), bumped, "a", "b").policy == []  # no Recent Major Changes entry needed


def test_approving_a_claim_reaches_the_product_sheet():
    (change,) = diff_labels(
        label(),
        label(
            edited(
                (
                    "    status: pending\n    reason: Not a label fact",
                    "    status: approved\n    reason: Not a label fact",
                )
            )
        ),
    )
    assert change.documents == ("product-sheet",) and change.severity == MINOR


def test_reviewer_notes_are_editorial_and_reach_no_document():
    (change,) = diff_labels(
        label(),
        label(edited(("      labeler: Sinopharmatech Co., Ltd.", "      labeler: Sinopharmatech Co. Ltd., Shenzhen"))),
    )
    assert change.path == "label.sources[0].labeler" and change.documents == () and change.severity == EDITORIAL
