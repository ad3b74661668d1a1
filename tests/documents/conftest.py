"""A fresh document index per test, and a small folder of text files."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.documents.index import DB_FILE_NAME, DocumentIndex


@pytest.fixture
def index(tmp_path: Path) -> DocumentIndex:
    with DocumentIndex.open(tmp_path / DB_FILE_NAME) as opened:
        yield opened


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.txt").write_text("The Harwick lighthouse was first lit in 1847.")
    (docs / "sub" / "b.txt").write_text("Penguins eat krill in the southern ocean.")
    (docs / "ignored.bin").write_text("not picked up by a folder scan")
    (docs / ".hidden.txt").write_text("hidden files are skipped")
    return docs
