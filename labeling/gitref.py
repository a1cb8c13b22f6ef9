"""Content files as they were at a git ref, read with git itself (for ``diff --base`` and ``check --base``)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labeling.model import Label


class GitError(Exception):
    """git is missing, the ref is not a commit, or git failed: a user error (exit 2)."""


def git(args: list[str]) -> bytes:
    try:
        proc = subprocess.run(["git", *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed; --base needs git") from None
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def labels_at(ref: str, paths: list[Path], *, exact: bool = False) -> dict[Path, Label | None]:
    """path → the label as it was at ``ref`` (None where the file did not exist there). With ``exact``, exactly
    the named files are read (``diff --base REF FILE``); without, every ``*.yaml`` in their folders at ``ref``
    too, so a product removed since is reported. Problems in those old files raise ContentError with every
    problem located as ``REF:path:line:col``."""
    import os

    from labeling.load import ContentError, parse_label

    try:
        git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"])
    except GitError:
        raise GitError(f"--base {ref}: not a commit in this git repository") from None
    if exact:
        relative = [Path(os.path.relpath(p)) if p.is_absolute() else p for p in paths]
        listed = git(["ls-tree", "--name-only", ref, "--", *sorted(p.as_posix() for p in relative)])
        names = set(listed.decode().splitlines())
        at_ref = {p for p, r in zip(paths, relative, strict=True) if r.as_posix() in names}
        paths = list(paths)
    else:
        listed = git(["ls-tree", "--name-only", ref, "--", *sorted({str(p.parent) + "/" for p in paths})])
        at_ref = {Path(line) for line in listed.decode().splitlines() if line.endswith(".yaml")}
    labels: dict[Path, Label | None] = {}
    problems = []
    for path in sorted(set(paths) | at_ref):
        if path not in at_ref:
            labels[path] = None
            continue
        try:
            name = Path(os.path.relpath(path)) if path.is_absolute() else path
            labels[path] = parse_label(git(["show", f"{ref}:./{name.as_posix()}"]), f"{ref}:{name}")
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    return labels
