"""Readers: finished artifacts (PDF, DOCX) back to text, split by the headings each document kind declares."""
