"""Usable from any repository (issue 18): the installed package outside the checkout, [tool.labeling] settings,
`labeling doctor`, `labeling init`, the GitHub Action and the pre-commit hooks."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from labeling import __version__
from labeling.cli import main
from labeling.scaffold import ACTION, REPOSITORY_URL, workflow_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A label repository's folder, outside the checkout, as the working folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LABELING_TEMPLATES", raising=False)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


# --------------------------------------------------------------------------------------------------------
# Where templates are found


def test_an_editable_install_finds_the_top_level_templates():
    from labeling.templates import TEMPLATES_DIR

    assert TEMPLATES_DIR == ROOT / "templates"


def test_templates_come_from_the_option_then_the_environment_then_the_settings(here, monkeypatch):
    from labeling.settings import clear_cache
    from labeling.templates import TEMPLATES_DIR, templates_source

    assert templates_source()[0] == TEMPLATES_DIR  # no settings anywhere: the bundled ones
    for name in ("ours", "env", "option"):
        shutil.copytree(TEMPLATES_DIR, here / name)
    (here / "pyproject.toml").write_text('[tool.labeling]\ntemplates = "ours"\n', encoding="utf-8")
    clear_cache()  # a command reads the settings once; this one is still running
    folder, source = templates_source()
    assert folder == here / "ours" and "pyproject.toml: [tool.labeling] templates" in source
    monkeypatch.setenv("LABELING_TEMPLATES", str(here / "env"))
    assert templates_source()[0] == here / "env"
    result = run("--templates", str(here / "option"), "doctor")
    assert f"templates: {here / 'option'}" in result.output
    assert os.environ["LABELING_TEMPLATES"] == str(here / "option")


# --------------------------------------------------------------------------------------------------------
# [tool.labeling] settings


def test_output_folder_from_the_settings(here):
    (here / "content").mkdir()
    shutil.copy(SAMPLE, here / "content")
    (here / "pyproject.toml").write_text('[tool.labeling]\noutput = "documents"\n', encoding="utf-8")
    sub = here / "sub"
    sub.mkdir()
    from labeling.settings import load_settings

    assert load_settings(sub).output == here / "documents"  # relative to the pyproject.toml, found upward
    result = run("lint", "content/cerebrolysin.yaml")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "settings, expected",
    [
        ('templats = "t"', ":2:1: [tool.labeling] templats is not a setting; did you mean 'templates'?"),
        ('templates = "nowhere"', ":2:1: [tool.labeling] templates = 'nowhere': no such folder"),
        ("output = 3", ":2:1: [tool.labeling] output = 3: expected a folder name"),
        ('markets = ["mars"]', ":2:1: [tool.labeling] markets = ['mars']: expected a list of markets from eu, us"),
        ('lint = "strict"', ":2:1: [tool.labeling] lint must be a table"),
        ("markets = [", ": not valid TOML"),
    ],
)
def test_bad_settings_name_the_file_line_and_key_and_exit_2(here, settings, expected):
    (here / "pyproject.toml").write_text(f"[tool.labeling]\n{settings}\n", encoding="utf-8")
    result = run("validate", str(SAMPLE))
    assert result.exit_code == 2
    assert f"{here / 'pyproject.toml'}{expected}" in result.output
    assert "Traceback" not in result.output


def test_a_label_for_a_market_the_repository_does_not_publish_is_bad_input(here):
    (here / "pyproject.toml").write_text('[tool.labeling]\nmarkets = ["eu"]\n', encoding="utf-8")
    result = run("validate", str(SAMPLE))
    assert result.exit_code == 2
    assert re.search(
        r"cerebrolysin\.yaml:\d+:\d+: label\.market: 'us' is not a market this repository publishes", result.output
    )
    (here / "pyproject.toml").write_text('[tool.labeling]\nmarkets = ["eu", "us"]\n', encoding="utf-8")
    assert run("validate", str(SAMPLE)).exit_code == 0


# --------------------------------------------------------------------------------------------------------
# labeling doctor and --version


def test_version_says_where_labeling_runs():
    result = run("--version")
    assert result.exit_code == 0
    assert f"labeling, version {__version__}" not in result.output
    assert result.output.startswith(f"labeling {__version__} (Python {sys.version.split()[0]}, {ROOT / 'labeling'})")


def test_doctor_on_this_machine(here):
    result = run("doctor")
    assert result.exit_code == 0, result.output
    for expected in (
        "system library Pango (libpango-1.0.so.0): found",
        "system library HarfBuzz subset (libharfbuzz-subset.so.0): found",
        f"templates: {ROOT / 'templates'} (the labeling checkout's templates/)",
        "LiberationSerif-Regular.ttf",
        "settings: none (defaults)",
        "soffice:",
        "pdftotext:",
        "Ready: every required piece is present.",
    ):
        assert expected in result.output


def test_doctor_names_a_missing_library_and_the_command_to_install_it(here, monkeypatch):
    from labeling import doctor

    libraries = (*doctor.SYSTEM_LIBRARIES, ("Imaginary", "libimaginary.so.7", "libimaginary7"))
    monkeypatch.setattr(doctor, "SYSTEM_LIBRARIES", libraries)
    result = run("doctor")
    assert result.exit_code == 1
    assert "MISS system library Imaginary (libimaginary.so.7): missing" in result.output
    assert "sudo apt-get update && sudo apt-get install -y libimaginary7" in result.output
    assert "Not ready" in result.output


def test_doctor_reports_bad_settings_and_exits_2(here):
    (here / "pyproject.toml").write_text('[tool.labeling]\noutput = ""\n', encoding="utf-8")
    result = run("doctor")
    assert result.exit_code == 2
    assert "[tool.labeling] output = '': expected a folder name" in result.output
    assert "system library Pango" in result.output  # the rest is still reported


def test_the_makefile_installs_the_libraries_doctor_checks():
    from labeling.doctor import SYSTEM_LIBRARIES

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    packages = re.search(r"^SYSTEM_PACKAGES := (.*)$", makefile, re.M)[1].split()
    libs = re.search(r"^SYSTEM_LIBS\s*:= (.*)$", makefile, re.M)[1].split()
    assert [lib for _, lib, _ in SYSTEM_LIBRARIES] == libs
    assert [package for _, _, package in SYSTEM_LIBRARIES] == packages
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    apt = next(step["run"] for step in action["runs"]["steps"] if "apt-get install" in step.get("run", ""))
    assert all(package in apt.split() for package in packages)


# --------------------------------------------------------------------------------------------------------
# labeling init


def test_init_writes_a_label_repository(here, monkeypatch):
    result = run("init", "labels")
    assert result.exit_code == 0, result.output
    repo = here / "labels"
    names = sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file())
    assert names == [
        ".github/workflows/labels.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "content/cerebrolysin.yaml",
        "content/label.schema.json",
        "pyproject.toml",
    ]
    example = (repo / "content" / "cerebrolysin.yaml").read_text(encoding="utf-8")
    assert example.startswith("# yaml-language-server: $schema=label.schema.json\n")
    from labeling.load import load_label
    from labeling.schema import schema_text

    assert load_label(repo / "content" / "cerebrolysin.yaml").product.id == "cerebrolysin"
    assert (repo / "content" / "label.schema.json").read_text(encoding="utf-8") == schema_text()
    precommit = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert precommit["repos"] == [
        {
            "repo": REPOSITORY_URL,
            "rev": f"v{__version__}",
            "hooks": [{"id": "labeling-validate"}, {"id": "labeling-lint"}],
        }
    ]
    assert (repo / ".github" / "workflows" / "labels.yml").read_text(encoding="utf-8") == workflow_text()
    from labeling.settings import load_settings

    settings = load_settings(repo)
    assert settings.markets == ("us",) and settings.output == repo / "output"
    monkeypatch.chdir(repo)
    assert run("validate").exit_code == 0
    assert run("lint").exit_code == 0


def test_init_refuses_to_overwrite_unless_forced(here):
    (here / "pyproject.toml").write_text("[project]\nname = 'ours'\n", encoding="utf-8")
    (here / "content").mkdir()
    (here / "content" / "cerebrolysin.yaml").write_text("ours", encoding="utf-8")
    result = run("init")
    assert result.exit_code == 2
    assert "would overwrite content/cerebrolysin.yaml, pyproject.toml; nothing was written" in result.output
    assert not (here / ".gitignore").exists()
    assert (here / "pyproject.toml").read_text(encoding="utf-8") == "[project]\nname = 'ours'\n"
    result = run("init", "--force", "--rev", "main")
    assert result.exit_code == 0, result.output
    assert "rev: main" in (here / ".pre-commit-config.yaml").read_text(encoding="utf-8")


def test_init_into_a_file_is_bad_input(here):
    (here / "afile").write_text("x", encoding="utf-8")
    result = run("init", "afile")
    assert result.exit_code == 2 and "afile" in result.output


def test_the_repository_url_is_the_projects():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["urls"]["Repository"] == REPOSITORY_URL
    assert REPOSITORY_URL.removeprefix("https://github.com/") == ACTION


# --------------------------------------------------------------------------------------------------------
# The GitHub Action and the example workflow


def labeling_invocations(script: str) -> list[list[str]]:
    """Every `labeling …` command line in a shell script, as words up to the first shell operator."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        for match in re.finditer(r"(?:^|[\s;&|({])labeling\s+(.*)", line):
            words = []
            try:
                tokens = shlex.split(match[1], comments=True)
            except ValueError:
                tokens = match[1].split()
            for token in tokens:
                if token in {"|", "||", "&&", ";", ">", "2>", ">>", "then", "else", "fi"} or token.startswith(">"):
                    break
                words.append(token.rstrip(";"))
            found.append(words)
    return found


def test_the_action_is_valid_and_calls_only_commands_and_options_that_exist():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert uses == ["actions/setup-python", "github/codeql-action/upload-sarif", "actions/upload-artifact"]
    assert all("shell" in step for step in steps if "run" in step)  # composite run steps must name their shell
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    assert set(re.findall(r"inputs\.([\w-]+)", text)) <= set(action["inputs"])
    assert {"base-ref", "content", "fail-on"} <= set(action["inputs"])
    assert "${{ github.action_path }}" in text  # installs the action's own revision

    invocations = [words for step in steps for words in labeling_invocations(step.get("run", ""))]
    commands = {words[0] for words in invocations if words and not words[0].startswith("-")}
    assert {"check", "diff", "lint", "redline", "doctor"} <= commands
    for words in invocations:
        if words[0].startswith("-"):
            assert words[0] in {"--version", "--help"}, words
            continue
        command = main.commands[words[0]]
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        for word in words[1:]:
            if word.startswith("--"):
                assert word.split("=")[0] in options, (words[0], word)
    check = next(w for w in invocations if w[0] == "check" and "--base" in w)
    assert check and any(w[0] == "lint" and "sarif" in w for w in invocations)
    assert any(w[0] == "diff" and "markdown" in w for w in invocations)


def test_the_example_workflow_is_the_one_init_writes_and_uses_the_action():
    text = (ROOT / "examples" / "github-workflow.yml").read_text(encoding="utf-8")
    assert text == workflow_text()
    workflow = yaml.safe_load(text)
    steps = workflow["jobs"]["labels"]["steps"]
    assert steps[0]["uses"] == "actions/checkout@v4" and steps[0]["with"]["fetch-depth"] == 0
    assert steps[1]["uses"] == f"{ACTION}@v{__version__}"
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert set(steps[1]["with"]) <= set(action["inputs"])
    assert workflow["permissions"]["security-events"] == "write"  # code scanning
    assert not any("run" in step for step in steps)  # everything is the action's


def test_the_readme_shows_the_label_repository_setup():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = readme.split("## How CI uses it", 1)[1].split("\n## ", 1)[0]
    for expected in (
        f"pip install 'labeling @ git+{REPOSITORY_URL}",
        "labeling init",
        f"uses: {ACTION}@",
        "pre-commit",
    ):
        assert expected in ci, expected
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make build" in quick and "make test" in quick


# --------------------------------------------------------------------------------------------------------
# Outside the checkout: the wheel in a fresh environment (slow: builds, installs with pip, renders)


def clean_env(**extra: str) -> dict[str, str]:
    """No PYTHONPATH, no virtual environment, no templates setting: nothing that points at the checkout."""
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "PIP_INDEX_URL", "PIP_CACHE_DIR", "PIP_NO_CACHE_DIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """The sdist and the wheel built from this checkout, offline (the wheel from the sdist, as `python -m build`
    does: what the sdist lacks, the wheel lacks too)."""
    work = tmp_path_factory.mktemp("dist")
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(work), str(ROOT)],
        capture_output=True,
        text=True,
        cwd=work,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(f"build sdist + wheel: {time.monotonic() - start:.1f} s")
    (wheel,) = work.glob("*.whl")
    (sdist,) = work.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory):
    """A fresh virtual environment outside the checkout with the wheel installed, its dependencies from PyPI
    (pip's cache makes that quick)."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=clean_env())
    result = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(dist["wheel"]),
        ],
        capture_output=True,
        text=True,
        env=clean_env(),
        cwd=venv.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"fresh install: {time.monotonic() - start:.1f} s")
    return {"venv": venv}


@pytest.mark.slow
def test_the_wheel_and_the_sdist_carry_templates_fonts_reference_schemas_and_the_sample(dist):
    with zipfile.ZipFile(dist["wheel"]) as archive:
        wheel = archive.namelist()
    templates = sorted(
        p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*") if p.is_file()
    )
    assert {f"labeling/_templates/{name}" for name in templates} <= set(wheel)
    assert (
        "labeling/_templates/reference.docx" in wheel
        and "labeling/_templates/fonts/LiberationSerif-Regular.ttf" in wheel
    )
    assert "labeling/schemas/spl/SPL.xsd" in wheel and "labeling/_example/cerebrolysin.yaml" in wheel
    with tarfile.open(dist["sdist"]) as archive:
        sdist = archive.getnames()
    top = sdist[0].split("/")[0]
    assert {f"{top}/templates/{name}" for name in templates} <= set(sdist)
    assert f"{top}/setup.py" in sdist and f"{top}/labeling/schemas/spl/SPL.xsd" in sdist


@pytest.mark.slow
def test_every_command_works_from_the_installed_wheel_outside_the_checkout(installed, tmp_path):
    bin_ = installed["venv"] / "bin"
    folder = tmp_path / "labels"
    (folder / "content").mkdir(parents=True)
    shutil.copy(SAMPLE, folder / "content")
    env = clean_env()

    def labeling(*args: str, cwd: Path = folder) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(bin_ / "labeling"), *args], capture_output=True, text=True, env=env, cwd=cwd)

    where = subprocess.run(
        [str(bin_ / "python"), "-c", "import labeling; print(labeling.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed["venv"]), where  # not the checkout
    assert not Path(where).is_relative_to(ROOT)

    start = time.monotonic()
    result = labeling("build")
    assert result.returncode == 0, result.stderr
    out = folder / "output" / "cerebrolysin"
    for name in ("package-insert.pdf", "patient-information.pdf", "product-sheet.docx", "spl.xml", "manifest.json"):
        assert (out / name).is_file(), name
    assert "up to date" in labeling("build").stdout  # the cache works on packaged templates
    result = labeling("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout
    result = labeling("lint")
    assert result.returncode == 0, result.stdout + result.stderr
    result = labeling("diff", "content/cerebrolysin.yaml", "content/cerebrolysin.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    for document in ("package-insert.pdf", "product-sheet.docx", "spl.xml"):
        result = labeling("verify", f"output/cerebrolysin/{document}", "--content", "content/cerebrolysin.yaml")
        assert result.returncode == 0, document + result.stdout + result.stderr
    result = labeling("redline", "content/cerebrolysin.yaml", "content/cerebrolysin.yaml", "--out", "r.pdf")
    assert result.returncode == 0, result.stderr
    result = labeling("doctor")
    assert result.returncode == 0, result.stdout
    assert f"templates: {Path(where).parent / '_templates'} (packaged with labeling)" in result.stdout

    result = labeling("init", "started", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = labeling("check", cwd=tmp_path / "started")
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"commands outside the checkout: {time.monotonic() - start:.1f} s")


# --------------------------------------------------------------------------------------------------------
# pre-commit: the hooks installed from this repository's URL (here a clone of it) in a label repository


def git(*args: str, cwd: Path) -> None:
    identity = ["-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *identity, *args], check=True, capture_output=True, cwd=cwd)


@pytest.mark.slow
def test_pre_commit_runs_both_hooks_from_the_repository(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    clone = tmp_path / "labeling"
    git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone), cwd=tmp_path)
    hooks = yaml.safe_load((clone / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == {"labeling-lint", "labeling-validate"}
    repo = tmp_path / "labels"
    assert run("init", str(repo)).exit_code == 0
    git("init", "--quiet", cwd=repo)
    git("add", ".", cwd=repo)
    env = clean_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-cache"))
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(clone), "--all-files", "--color", "never"],
        capture_output=True,
        text=True,
        env=env,
        cwd=repo,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"labeling validate\.+Passed", result.stdout), result.stdout
    assert re.search(r"labeling lint\.+Passed", result.stdout), result.stdout
