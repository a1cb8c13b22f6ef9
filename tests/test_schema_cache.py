"""The content model's schema cached on disk (labeling/schema_cache.py): a loaded schema must validate exactly as
the one pydantic builds — same labels, same errors, same JSON Schema — and a cache that is stale, damaged,
switched off or unwritable must never change a result or fail a command."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = sorted((ROOT / "content").glob("*.yaml"))

# A fresh process: the model is built (or loaded) once per process.
PROBE = r"""
import json, sys
from pathlib import Path
from labeling import load, schema_cache
from labeling.schema import schema_text
results = {}
for name in sys.argv[1:]:
    try:
        results[name] = load.load_label(Path(name)).model_dump_json()
    except load.ContentError as error:
        results[name] = "ERROR " + str(error)
import inspect
from labeling.model import Label
signature = str(inspect.signature(Label))
print(json.dumps({"status": schema_cache.status, "results": results, "schema": schema_text(), "signature": signature}))
"""

# A real label with a misspelt unit and a misspelt FDA dosage form: errors from a Quantity field's validator
# and from an FDA code list's validator, both functions the cached schema refers to.
BROKEN = (
    (ROOT / "content" / "amoxicillin.yaml")
    .read_text()
    .replace("      strength: 250 mg\n", "      strength: 250 mgg\n      spl_dosage_form: CAPSULEE\n", 1)
)


def probe(cache: str, *files: Path) -> dict:
    env = {**os.environ, "LABELING_CACHE_DIR": cache}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *map(str, files)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    return path


def cached(folder: Path) -> Path:
    (path,) = folder.glob("label-schema-*.pickle")
    return path


def test_a_loaded_schema_validates_as_the_built_one(tmp_path: Path, broken: Path) -> None:
    files = [*CONTENT, broken]
    built = probe("off", *files)
    assert built["status"] == "built"
    first = probe(str(tmp_path), *files)
    assert first["status"] == "written"
    again = probe(str(tmp_path), *files)
    assert again["status"] == "loaded"
    for run in (first, again):
        assert run["results"] == built["results"]
        assert run["schema"] == built["schema"]
        assert run["signature"] == built["signature"]  # what help() and editors show
    assert "product" in built["signature"]
    # The comparison means something: the broken file's errors come from the validator itself.
    assert built["results"][str(broken)].startswith("ERROR ")
    assert "CAPSULEE" in built["results"][str(broken)] and "mgg" in built["results"][str(broken)]


def test_a_changed_source_builds_the_schema_again(tmp_path: Path) -> None:
    probe(str(tmp_path), CONTENT[0])
    path = cached(tmp_path)
    entry = pickle.loads(path.read_bytes())
    model_py = next(f for f in entry["sources"] if f.endswith(os.path.join("labeling", "model.py")))
    mtime, size = entry["sources"][model_py]
    entry["sources"][model_py] = (mtime + 1, size)  # as if model.py had been edited since
    path.write_bytes(pickle.dumps(entry))
    assert probe(str(tmp_path), CONTENT[0])["status"] == "written"
    assert probe(str(tmp_path), CONTENT[0])["status"] == "loaded"


def test_a_damaged_cache_is_built_again(tmp_path: Path) -> None:
    reference = probe("off", CONTENT[0])["results"]
    probe(str(tmp_path), CONTENT[0])
    path = cached(tmp_path)
    for damage in (b"", b"not a pickle", path.read_bytes()[:100], pickle.dumps({"model": "labeling.model.Label"})):
        path.write_bytes(damage)
        run = probe(str(tmp_path), CONTENT[0])
        assert run["status"] == "written", damage[:20]
        assert run["results"] == reference


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    run = probe(str(blocker / "cache"), CONTENT[0])
    assert run["status"] == "built"
    assert run["results"] == probe("off", CONTENT[0])["results"]


def test_switched_off_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert probe("off", CONTENT[0])["status"] == "built"
    assert not list(tmp_path.rglob("*"))


def test_the_default_place_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from labeling import schema_cache

    monkeypatch.delenv("LABELING_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert schema_cache.cache_dir() == tmp_path / "labeling"
    monkeypatch.setenv("LABELING_CACHE_DIR", "")
    assert schema_cache.cache_dir() == tmp_path / "labeling"
    monkeypatch.setenv("LABELING_CACHE_DIR", "off")
    assert schema_cache.cache_dir() is None


def test_doctor_says_where_the_cache_is_and_whether_it_is_current(tmp_path: Path) -> None:
    def doctor(cache: str) -> str:
        env = {**os.environ, "LABELING_CACHE_DIR": cache}
        done = subprocess.run(
            [sys.executable, "-m", "labeling.cli", "doctor"], capture_output=True, text=True, env=env, cwd=ROOT
        )
        return next(line for line in done.stdout.splitlines() if "schema cache" in line)

    assert "not yet written" in doctor(str(tmp_path))
    probe(str(tmp_path), CONTENT[0])
    assert str(tmp_path) in doctor(str(tmp_path)) and "(current)" in doctor(str(tmp_path))
    assert "off" in doctor("off")


def load_status(cache: Path, *, labeling_from: Path | None = None, before: str = "") -> str:
    """The cache's status after a fresh process loads a label: with `labeling` imported from `labeling_from` (a
    copy, a zip archive) instead of this checkout, and `before` run first (pydantic patched)."""
    script = "import sys\n"
    if labeling_from is not None:
        script += (
            "sys.meta_path = [f for f in sys.meta_path if 'editable' not in repr(f).lower()]\n"
            f"sys.path.insert(0, {str(labeling_from)!r})\n"
        )
    script += (
        f"{before}\n"
        "from labeling import load, schema_cache\n"
        f"assert schema_cache.__file__.startswith({str(labeling_from or ROOT)!r}), schema_cache.__file__\n"
        f"assert load.load_label({str(CONTENT[0])!r}).product.id\n"
        "print(schema_cache.status)\n"
    )
    env = {**os.environ, "LABELING_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=cache.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_two_installations_never_share_a_schema(tmp_path: Path) -> None:
    """Two virtual environments (another version of labeling, same Python and pydantic) each keep their own."""
    import shutil

    other = tmp_path / "other-install"
    shutil.copytree(ROOT / "labeling", other / "labeling", ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "cache"
    probe(str(cache), CONTENT[0])
    # not "loaded": the first installation's schema is not its own
    assert load_status(cache, labeling_from=other) == "written"
    assert len(list(cache.glob("label-schema-*.pickle"))) == 2


def test_a_new_pydantic_version_replaces_the_old_file(tmp_path: Path) -> None:
    probe(str(tmp_path), CONTENT[0])
    current = cached(tmp_path)
    older = current.with_name(current.name.replace("-pydantic", "-pydantic0.0.0-was"))
    current.rename(older)
    assert probe(str(tmp_path), CONTENT[0])["status"] == "written"
    assert cached(tmp_path) == current and not older.exists()


def test_a_tool_run_from_a_zip_archive_caches_nothing(tmp_path: Path) -> None:
    """Modules in a zip have no file of their own: nothing could tell a new archive from the old one."""
    import zipfile

    archive = tmp_path / "app.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for source in (ROOT / "labeling").rglob("*"):
            if source.is_file() and "__pycache__" not in source.parts:
                bundle.write(source, source.relative_to(ROOT))
    cache = tmp_path / "cache"
    for _ in range(2):
        assert load_status(cache, labeling_from=archive) == "built"
    assert not list(cache.glob("*.pickle"))


def test_a_cache_that_names_no_sources_is_never_trusted(tmp_path: Path) -> None:
    probe(str(tmp_path), CONTENT[0])
    path = cached(tmp_path)
    entry = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps({**entry, "sources": {}, "schema": {"type": "any"}}))
    run = probe(str(tmp_path), CONTENT[0])
    assert run["status"] == "written" and run["results"] == probe("off", CONTENT[0])["results"]


def test_pydantic_without_the_completion_hook_still_loads_the_cache(tmp_path: Path) -> None:
    """pydantic before 2.12 has no `__pydantic_on_complete__`: the cache is used all the same."""
    probe(str(tmp_path), CONTENT[0])
    assert load_status(tmp_path, before="import pydantic; del pydantic.BaseModel.__pydantic_on_complete__") == "loaded"


def test_a_load_that_fails_half_way_builds_the_schema(tmp_path: Path) -> None:
    """A load that fails after marking the model complete (pydantic's private names moved) ends with the schema
    pydantic builds, and a label validates."""
    probe(str(tmp_path), CONTENT[0])
    patch = (
        "import pydantic\n"
        "def refuse(cls): raise AttributeError('moved')\n"
        "pydantic.BaseModel.__pydantic_on_complete__ = classmethod(refuse)"
    )
    assert load_status(tmp_path, before=patch) in ("built", "written")
