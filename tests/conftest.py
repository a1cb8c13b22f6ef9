from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "cerebrolysin.yaml"
DOSSIER = Path(__file__).resolve().parent.parent / "docs" / "corpus" / "sources" / "cerebrolysin-product-page.txt"


@pytest.fixture(scope="session")
def label():
    from labeling.load import load_label

    return load_label(SAMPLE)


@pytest.fixture(scope="session")
def dossier() -> str:
    return DOSSIER.read_text(encoding="utf-8")
