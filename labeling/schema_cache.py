"""The content model's validator, kept on disk between processes, like Python's own .pyc files.

Every command validates a label, and pydantic builds the core schema of `Label` in Python on first use: ~80 ms
of each command's start-up (issue 17). The schema itself is plain data — dicts, and references to our classes
and functions — so it is pickled once and loaded in ~3 ms by every later process.

The cache file is named by the Python, pydantic and pydantic-core versions, and records the size and time of
every `labeling` source file loaded when it was written: any edit to the tool, an upgrade or a downgrade builds
the schema again, exactly as pydantic would. A cache that cannot be read, written or trusted is never an error:
pydantic then builds the schema as it always did.

The file is named, too, by the folder the tool is installed in: two installations never share a schema.
Where: `$LABELING_CACHE_DIR`, else `$XDG_CACHE_HOME/labeling`, else `~/.cache/labeling`. Set
`LABELING_CACHE_DIR=off` to never read or write it. Like a .pyc file, a cache file is code that runs when it is
read (pickle): it lives in the user's own cache folder, written with the user's own permissions (0600).
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import Any

# What the last call did, for tests and `labeling doctor`: "loaded", "written", "built" (nothing cached) or "".
status = ""


def cache_dir() -> Path | None:
    chosen = os.environ.get("LABELING_CACHE_DIR", "").strip()
    if chosen:  # set but empty: the default place, as for other XDG variables
        return None if chosen.lower() in ("off", "0", "none", "false") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "labeling"


def cache_file(model: type) -> Path | None:
    folder = cache_dir()
    return None if folder is None else cache_file_name(folder, model.__name__)


def cache_file_name(folder: Path, name: str = "Label") -> Path:
    """One file per installation (two virtual environments with other versions of labeling never share one),
    Python and pydantic version."""
    import hashlib

    import pydantic
    import pydantic_core

    python = f"py{sys.version_info[0]}{sys.version_info[1]}"
    installation = hashlib.sha256(os.fsencode(_PACKAGE)).hexdigest()[:12]
    versions = f"{python}-pydantic{pydantic.VERSION}-core{pydantic_core.__version__}"
    return folder / f"{name.lower()}-schema-{versions}-{installation}.pickle"


_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def is_current(path: Path, model: str = "labeling.model.Label") -> bool:
    """The file is there, readable, and written for `model` from the labeling sources as they are now."""
    return _current_entry(path, model) is not None


def _current_entry(path: Path, model: str) -> dict[str, Any] | None:
    # Any failure (a missing, truncated or foreign file, a class renamed since) means "not current".
    try:
        with path.open("rb") as handle:
            entry = pickle.load(handle)
        if isinstance(entry, dict) and entry.get("model") == model and _current(entry["sources"]):
            return entry
    except Exception:
        pass
    return None


def complete(model: Any) -> None:
    """Give `model` (a pydantic model built with defer_build) its validator: from the cache when it is current,
    else built by pydantic and then cached."""
    global status
    if model.__pydantic_complete__:
        return
    path = cache_file(model)
    if path is not None and _load(model, path):
        status = "loaded"
        return
    model.model_rebuild(force=True)  # force: a load that failed half-way may have marked the model complete
    status = "built"
    if path is not None and _store(model, path):
        status = "written"


def _sources() -> dict[str, tuple[int, int]] | None:
    """Size and time of every `labeling` module loaded now: the schema can refer to nothing else of ours. None
    when one is not a file of its own (the tool run from a zip archive): then nothing tells a change, and nothing
    is cached."""
    stamps: dict[str, tuple[int, int]] = {}
    for name, module in list(sys.modules.items()):
        if name != "labeling" and not name.startswith("labeling."):
            continue
        file = getattr(module, "__file__", None)
        if not file:
            continue
        try:
            stat = os.stat(file)
        except OSError:
            return None
        stamps[file] = (stat.st_mtime_ns, stat.st_size)
    return stamps or None


def _current(stamps: Any) -> bool:
    if not isinstance(stamps, dict) or not stamps:
        return False
    for file, stamp in stamps.items():
        try:
            stat = os.stat(file)
        except OSError:
            return False
        if (stat.st_mtime_ns, stat.st_size) != tuple(stamp):
            return False
    return True


def _load(model: Any, path: Path) -> bool:
    entry = _current_entry(path, _qualified(model))
    if entry is None:
        return False
    try:
        _install(model, entry["schema"])
    except Exception:  # pydantic's private names moved: build it
        return False
    return True


def _install(model: Any, schema: dict[str, Any]) -> None:
    """What pydantic's `complete_model_class` does once it has generated the schema (pydantic 2.x: private
    names, so any change of them fails here and the schema is built instead; tests/test_schema_cache.py holds
    the two ways equal)."""
    from functools import partial

    from pydantic._internal._config import ConfigWrapper
    from pydantic._internal._model_construction import set_deprecated_descriptors
    from pydantic._internal._signature import generate_pydantic_signature
    from pydantic._internal._utils import LazyClassAttribute
    from pydantic_core import SchemaSerializer, SchemaValidator

    wrapper = ConfigWrapper(model.model_config, check=False)
    config = wrapper.core_config(title=model.__name__)
    validator = SchemaValidator(schema, config)
    serializer = SchemaSerializer(schema, config)
    model.__pydantic_computed_fields__ = {k: v.info for k, v in model.__pydantic_decorators__.computed_fields.items()}
    set_deprecated_descriptors(model)
    model.__pydantic_core_schema__ = schema
    model.__pydantic_validator__ = validator
    model.__pydantic_serializer__ = serializer
    model.__signature__ = LazyClassAttribute(
        "__signature__",
        partial(
            generate_pydantic_signature,
            init=model.__init__,
            fields=model.__pydantic_fields__,
            validate_by_alias=wrapper.validate_by_alias,
            extra=wrapper.extra,
        ),
    )
    model.__pydantic_complete__ = True
    on_complete = getattr(model, "__pydantic_on_complete__", None)  # pydantic 2.12 and later
    if on_complete is not None:
        on_complete()


def _store(model: Any, path: Path) -> bool:
    import tempfile  # only when writing

    sources = _sources()
    if sources is None:
        return False
    try:
        entry = {"model": _qualified(model), "sources": sources, "schema": model.__pydantic_core_schema__}
        data = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed into place: a reader in another process sees the old file or the new one.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        # This installation's files for other Python or pydantic versions are stale now.
        stem, _, installation = path.stem.rpartition("-")
        for old in path.parent.glob(f"{stem.split('-schema-')[0]}-schema-*-{installation}.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except Exception:
        return False
    return True


def _qualified(model: type) -> str:
    return f"{model.__module__}.{model.__qualname__}"
