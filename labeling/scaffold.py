"""``labeling init``: the files a label repository starts with.

An example label (the project's own sample, Cerebrolysin, with a header saying what to change) and the content
schema beside it for editors, ``[tool.labeling]`` settings, a pre-commit configuration using this project's
hooks, the GitHub workflow that uses this project's action, and a .gitignore for the built documents.
``examples/github-workflow.yml`` in this repository is the same workflow text (a test keeps them equal).
"""

from __future__ import annotations

from pathlib import Path

from labeling import __version__

REPOSITORY_URL = "https://github.com/labeling/labeling"  # = pyproject.toml [project.urls] Repository (tested)
ACTION = "labeling/labeling"  # the GitHub Action at the root of REPOSITORY_URL (action.yml)
EXAMPLE_NAME = "cerebrolysin.yaml"
SCHEMA_NAME = "label.schema.json"
DEFAULT_REV = f"v{__version__}"  # releases are tagged v<version>

EXAMPLE_HEADER = """\
# yaml-language-server: $schema={schema}
#
# An example label, written by `labeling init` ({url}). It is the tool's own sample: a
# real product page turned into typed facts. Every fact has an id; numbers are typed quantities ("20-50 mL/day");
# what the source does not say is a recorded gap, never a guess. Start a product of your own from a copy of it (or
# from a published SPL: `labeling import the-label.xml --out content/<product>.yaml`), replace the facts with your
# source's, then:
#   labeling validate content/<product>.yaml   # every problem as file:line:col: field: message
#   labeling check                             # build, verify every document against the content, lint
# Editors that read the first line (VS Code's YAML extension and others) complete and check the fields with
# content/{schema}; `labeling schema --out content/{schema}` writes it again after an upgrade.
#
"""


def example_source() -> Path:
    """The sample label: packaged (an installed labeling), else the checkout's content/."""
    from importlib.resources import files

    packaged = files("labeling") / "_example" / EXAMPLE_NAME
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "content" / EXAMPLE_NAME


def example_text() -> str:
    body = example_source().read_text(encoding="utf-8")
    lines = body.splitlines(keepends=True)
    if lines and lines[0].startswith("# yaml-language-server:"):
        lines = lines[1:]
        if lines and lines[0].strip() == "#":
            lines = lines[1:]
    return EXAMPLE_HEADER.format(schema=SCHEMA_NAME, url=REPOSITORY_URL) + "".join(lines)


def pyproject_text(markets: list[str]) -> str:
    shown = ", ".join(f'"{market}"' for market in markets)
    return f"""\
# Settings for labeling ({REPOSITORY_URL}), read by every `labeling` command run in this repository.
[tool.labeling]
# templates = "templates"   # a templates folder of your own (start from a copy of the packaged one: `labeling
#                           # doctor` shows where it is); default: the templates packaged with labeling
output = "output"           # where `labeling build` and `check` write the documents
markets = [{shown}]            # the markets this repository publishes; a label for another one is refused

# Lint (`labeling rule` lists the rules). Defaults shown.
[tool.labeling.lint]
select = ["LBL"]
ignore = []
reading-grade-max = 8
"""


def precommit_text(rev: str) -> str:
    return f"""\
# pre-commit (https://pre-commit.com): run `pre-commit install` once; every commit that touches content/ is then
# validated and linted. Written by `labeling init`.
repos:
  - repo: {REPOSITORY_URL}
    rev: {rev}
    hooks:
      - id: labeling-validate
      - id: labeling-lint
"""


def workflow_text(rev: str = DEFAULT_REV) -> str:
    return f"""\
# Label CI: .github/workflows/labels.yml in the repository that holds content/*.yaml (`labeling init` writes it).
# On every pull request: build, verify and lint every label against the base branch (the job fails on a finding),
# post the fact-level diff to the pull request, show lint findings in code scanning, and attach the documents and
# the redlines for reviewers. The action's inputs are in action.yml of {REPOSITORY_URL}.
name: labels

on:
  pull_request:
    paths: ["content/**", "templates/**", "pyproject.toml"]

permissions:
  contents: read
  pull-requests: write    # the diff as a comment
  security-events: write  # lint findings in code scanning

jobs:
  labels:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # `labeling check --base` reads the old labels with git
      - uses: {ACTION}@{rev}
        with:
          content: content/*.yaml
          fail-on: ""     # major, minor or any: also fail when the diff holds a change of that class
"""


GITIGNORE = "# built by `labeling build` and `labeling check`\n/output/\n"


def scaffold_files(markets: list[str], rev: str = DEFAULT_REV) -> dict[str, str]:
    """Relative path → text, in the order they are written."""
    from labeling.schema import schema_text

    return {
        f"content/{EXAMPLE_NAME}": example_text(),
        f"content/{SCHEMA_NAME}": schema_text(),
        "pyproject.toml": pyproject_text(markets),
        ".pre-commit-config.yaml": precommit_text(rev),
        ".github/workflows/labels.yml": workflow_text(rev),
        ".gitignore": GITIGNORE,
    }


def write_scaffold(folder: Path, files: dict[str, str]) -> None:
    from labeling.build import write_atomic

    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"))
