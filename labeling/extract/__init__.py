"""Readers: finished artifacts (PDF, DOCX) back to text, split by the headings each document kind declares."""

from __future__ import annotations

from dataclasses import dataclass


class UnreadableArtifact(Exception):
    """The file is not a readable PDF/DOCX: exit 2."""


@dataclass(frozen=True)
class Unseen:
    """Text in a file that a reader does not see (hidden, covered, one branch of alternate content), or an
    invisible character in what they do see: the verifier reports each one."""

    text: str
    why: str
