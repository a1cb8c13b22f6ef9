"""Build orchestration: render every document of a label, then write them all atomically with a manifest.

All documents of a product are rendered in memory first; only when every one succeeded are they written,
each to a temporary file in the output folder that is flushed, and only when all are on disk are they renamed
over the old ones (the manifest last). A failed build therefore leaves the previous outputs untouched.
``manifest.json`` records the hashes of the content file, the templates, the tool version and source and each
artifact, so an unchanged product is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labeling import __version__
from labeling.templates import templates_dir

if TYPE_CHECKING:
    from labeling.model import Label

PACKAGE_DIR = Path(__file__).resolve().parent  # the tool's own source, hashed into every manifest
MANIFEST = "manifest.json"
PROVENANCE = "provenance.json"
SIDE_FILES = (".html", PROVENANCE)  # written beside the documents on request; not artifacts the manifest tracks


@dataclass(frozen=True)
class BuildResult:
    product: str
    out_dir: Path
    built: bool  # False: up to date, skipped
    artifacts: tuple[str, ...]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def templates_hash() -> str:
    """One hash over every file under templates/ (names and contents): any template edit rebuilds."""
    return tree_hash(templates_dir(), "*")


def code_hash(folder: Path = PACKAGE_DIR) -> str:
    """One hash over the tool's own Python source: a change to how documents are made rebuilds them even
    when the version number has not moved (a development checkout, a patched install)."""
    return tree_hash(folder, "*.py")


def tree_hash(folder: Path, pattern: str) -> str:
    files = sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    stamp = tuple((p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _tree_hash(folder, stamp)


@lru_cache(maxsize=8)
def _tree_hash(folder: Path, stamp: tuple[Any, ...]) -> str:
    """Hashed once per state of the files (names, sizes, times), however many products a build has."""
    digest = hashlib.sha256()
    for name, _, _ in stamp:
        path = Path(name)
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(sha256(path.read_bytes()).encode())
    return digest.hexdigest()


def inputs_fingerprint(content_bytes: bytes) -> dict[str, str]:
    return {
        "content_sha256": sha256(content_bytes),
        "templates_sha256": templates_hash(),
        "tool_version": __version__,
        "tool_sha256": code_hash(),
    }


def is_up_to_date(out_dir: Path, fingerprint: dict[str, str], html: bool, provenance: bool = False) -> bool:
    manifest = _read_manifest(out_dir / MANIFEST)
    if manifest is None or manifest.get("product") != out_dir.name:
        return False
    if any(manifest.get(key) != value for key, value in fingerprint.items()):
        return False
    if (html and not manifest.get("html")) or (provenance and not manifest.get("provenance")):
        return False
    for name, digest in manifest.get("artifacts", {}).items():
        path = out_dir / name
        if not path.is_file() or sha256(path.read_bytes()) != digest:
            return False
    return bool(manifest.get("artifacts"))


MAX_MANIFEST_BYTES = 1024 * 1024  # a manifest lists a few hashes; a larger "manifest" is not ours


def _read_manifest(path: Path) -> dict[str, Any] | None:
    """A manifest's record, or None when it is missing, not a regular file (a FIFO, /dev/zero), too large or not
    one of ours."""
    from labeling.files import NotReadable, read_regular

    try:
        recorded = json.loads(read_regular(path, MAX_MANIFEST_BYTES))
    except (NotReadable, ValueError):
        return None
    return recorded if isinstance(recorded, dict) else None


def manifest_artifacts(out_dir: Path) -> tuple[str, ...]:
    """The artifacts an up-to-date folder holds, as its manifest lists them."""
    recorded = _read_manifest(out_dir / MANIFEST)
    return tuple(recorded.get("artifacts", {})) if recorded else ()


def render_documents(label: Label, *, html: bool = False, provenance: bool = False) -> dict[str, bytes]:
    """Every document the label's market gets, composed and written in memory: file name → bytes (plus HTML
    previews of the PDFs, and the provenance map, when asked)."""
    from labeling.compose import compose
    from labeling.documents import DOCUMENT_KINDS, outputs_for
    from labeling.language import language_for
    from labeling.render import writer

    lang = language_for(label.label.language)
    files: dict[str, bytes] = {}
    trees: dict[str, Any] = {}
    for output in outputs_for(label):
        kind = DOCUMENT_KINDS[output.kind]
        if output.kind not in trees:
            trees[output.kind] = compose(label, kind, lang)
        files[output.filename] = writer(output.format)(label, trees[output.kind], kind)
        if html and output.format == "pdf":
            files[Path(output.filename).with_suffix(".html").name] = preview_html(label, trees[output.kind], kind)
    if provenance:
        from labeling.provenance import provenance_json

        files[PROVENANCE] = provenance_json(label.product.id, trees).encode("utf-8")
    return files


def preview_html(label: Label, tree: Any, kind: Any) -> bytes:
    """The PDF's HTML with its stylesheet linked from templates/, so a browser shows what WeasyPrint lays out."""
    from labeling.render.html import render_html

    html = render_html(label, tree, kind)
    link = f'<base href="{templates_dir().as_uri()}/">'
    if kind.stylesheet:
        link += f'<link rel="stylesheet" href="{kind.stylesheet}">'
    return html.replace("<head>", "<head>\n" + link, 1).encode("utf-8")


def build_label(
    label: Label,
    content_bytes: bytes,
    out_root: Path,
    *,
    force: bool = False,
    html: bool = False,
    provenance: bool = False,
) -> BuildResult:
    out_dir = out_root / label.product.id
    fingerprint = inputs_fingerprint(content_bytes)
    if not force and is_up_to_date(out_dir, fingerprint, html, provenance):
        return BuildResult(label.product.id, out_dir, False, manifest_artifacts(out_dir))
    files = render_documents(label, html=html, provenance=provenance)
    manifest = {
        "product": label.product.id,
        "version": label.label.version,
        "revision_date": label.label.revision_date.isoformat(),
        "content": label.source_file,
        **fingerprint,
        "html": html,
        "provenance": provenance,
        "artifacts": {name: sha256(data) for name, data in files.items() if not name.endswith(SIDE_FILES)},
    }
    files[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    with locked(out_dir):
        write_together(out_dir, files)
    return BuildResult(label.product.id, out_dir, True, tuple(files))


def write_together(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write every file to a temporary file first (flushed to disk), and only then rename them all into place, the
    manifest last: a full disk or a failed write leaves the previous version whole, never documents of two
    label versions side by side."""
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            staged.append((name, _stage(out_dir / name, data)))
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    staged.sort(key=lambda item: item[0] == MANIFEST)
    with _signals_held():  # Ctrl-C or a polite kill between two renames would leave two versions side by side
        for name, tmp in staged:
            os.replace(tmp, out_dir / name)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Interrupt, hang-up and terminate wait until the block ends, then arrive as they would have. ``kill -9``
    cannot be held: a mix it leaves is never taken as up to date, since the manifest (renamed last) lists every
    file's hash, and the next ``build`` or ``check`` writes the product again. Handlers rather than a signal
    mask: in a process with other threads the kernel may hand the signal to one that does not block it."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []  # signal numbers, as handlers receive them
    held = [
        number
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        if signal.getsignal(number) not in (signal.SIG_IGN, None)  # None: set outside Python, left alone
    ]
    previous = {number: signal.signal(number, lambda number, frame: arrived.append(number)) for number in held}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for arrival in dict.fromkeys(arrived):
            signal.raise_signal(arrival)


# --------------------------------------------------------------------------------------------------------
# Portfolios: many products, in worker processes that import the renderers once


def shard(paths: list[Path], index: int, count: int) -> list[Path]:
    """The I-th of N deterministic slices of a portfolio (by sorted path), for a CI matrix."""
    return [p for position, p in enumerate(sorted(paths)) if position % count == index - 1]


def _warm_worker() -> None:
    """Runs once in each worker: import the renderers and load fonts before the first product arrives."""
    from labeling.render.pdf import font_config

    font_config()


def up_to_date(
    paths: list[Path], out_root: Path, html: bool = False, provenance: bool = False
) -> dict[Path, BuildResult]:
    """Products whose outputs match their content, templates and tool version, found from the manifests alone:
    a no-op build neither parses YAML nor imports a renderer."""
    manifests: dict[str, Path] = {}
    for manifest in out_root.glob(f"*/{MANIFEST}"):
        recorded = _read_manifest(manifest)
        # Trusted only in the folder of the product it names: a copy (out/<id>-backup/) speaks for nothing.
        if recorded and recorded.get("product") == manifest.parent.name:
            manifests[str(recorded.get("content", ""))] = manifest.parent
    fresh = {}
    for path in paths:
        out_dir = manifests.get(str(path))
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if out_dir is not None and is_up_to_date(out_dir, inputs_fingerprint(data), html, provenance):
            fresh[path] = BuildResult(out_dir.name, out_dir, False, manifest_artifacts(out_dir))
    return fresh


def _build_one(path: str, out_root: str, force: bool, html: bool, provenance: bool = False) -> BuildResult:
    from labeling.load import load_label

    label = load_label(path)
    return build_label(label, Path(path).read_bytes(), Path(out_root), force=force, html=html, provenance=provenance)


def build_portfolio(
    paths: list[Path],
    out_root: Path,
    *,
    jobs: int,
    force: bool = False,
    html: bool = False,
    on_result: Any = None,
    fresh: dict[Path, BuildResult] | None = None,
    provenance: bool = False,
) -> tuple[list[BuildResult], list[tuple[Path, Exception]]]:
    """Build every product; with ``jobs`` > 1 in worker processes. Returns results and per-product errors
    (a product that fails leaves its previous outputs untouched; the others are still built)."""
    from labeling.render import RenderError

    results: list[BuildResult] = []
    errors: list[tuple[Path, Exception]] = []
    # Up-to-date products are settled here, without a worker: a no-op rebuild never imports a renderer.
    if fresh is None:  # the caller may have settled them already
        fresh = {} if force else up_to_date(paths, out_root, html, provenance)
    for result in fresh.values():
        results.append(result)
        if on_result:
            on_result(result)
    paths = [p for p in paths if p not in fresh]
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            try:
                result = _build_one(str(path), str(out_root), force, html, provenance)
            except RenderError as error:
                errors.append((path, error))
                continue
            results.append(result)
            if on_result:
                on_result(result)
        return results, errors
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("forkserver")
    # The fork server imports the renderers once; every worker forks from it with them already loaded.
    context.set_forkserver_preload(
        [
            "labeling.render.pdf",
            "labeling.render.docx",
            "labeling.compose.insert",
            "labeling.compose.patient_info",
            "labeling.compose.sheet",
        ]
    )
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=context, initializer=_warm_worker) as pool:
        futures = {pool.submit(_build_one, str(p), str(out_root), force, html, provenance): p for p in paths}
        for future in as_completed(futures):
            try:
                result = future.result()
            except RenderError as error:
                errors.append((futures[future], error))
                continue
            results.append(result)
            if on_result:
                on_result(result)
    order = {p.name: i for i, p in enumerate(paths)}
    results.sort(key=lambda r: order.get(Path(str(r.out_dir)).name, 0))
    return results, errors


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename: readers see old or new, never half.
    A temporary file of an earlier write of ``path`` that was killed before its rename (older than a minute: no
    live write takes that long) is removed first."""
    import glob
    import time

    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if time.time() - stale.lstat().st_mtime > STALE_SECONDS:
                stale.unlink()
        except OSError:
            continue
    os.replace(_stage(path, data), path)


STALE_SECONDS = 60


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a temporary file beside ``path``, flushed to disk (removed again if that fails)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp creates 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """An exclusive lock on the output folder, so two builds never interleave their files. Temporary files a
    killed build left behind are removed once the lock is held (no live build can own them then)."""
    import fcntl
    import sys

    # Opened without following a symbolic link and without truncating: a planted ".lock" link to another file
    # must not empty that file.
    try:
        descriptor = os.open(out_dir / ".lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as error:
        if (out_dir / ".lock").is_symlink():
            raise OSError(
                error.errno, "is a symbolic link, not this tool's lock file; remove it", str(out_dir / ".lock")
            ) from None
        raise
    with os.fdopen(descriptor, "r+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build writing {out_dir}/", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            for stale in out_dir.glob(".*.tmp"):
                stale.unlink(missing_ok=True)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
