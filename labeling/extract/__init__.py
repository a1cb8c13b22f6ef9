"""Readers: finished artifacts (PDF, DOCX) back to text, split by the headings each document kind declares."""


class UnreadableArtifact(Exception):
    """The file is not a readable PDF/DOCX: exit 2."""
