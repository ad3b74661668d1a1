"""A DocumentCollections with its two worker threads over a private data folder, for the tests
of the documents feature's widgets and models without the whole window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.documents.qt.collections import DocumentCollections


@pytest.fixture
def documents(qtbot, private_data_dir: Path) -> Iterator[DocumentCollections]:  # type: ignore[no-untyped-def]
    """Started, with its first (empty) list of collections already in; shut down after."""
    private_data_dir.mkdir(parents=True, exist_ok=True)
    documents = DocumentCollections(private_data_dir, start=False)
    with qtbot.waitSignal(documents.collections.modelReset, timeout=10_000):
        documents.start()
    yield documents
    documents.shutdown()
