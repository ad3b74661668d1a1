"""A fresh conversation store per test, on a file in the test's own folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.store.conversations import (
    DB_FILE_NAME,
    ConversationStore,
)
from tests.store.store_helpers import Clock


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / DB_FILE_NAME


@pytest.fixture
def store(db_path: Path) -> Iterator[ConversationStore]:
    s = ConversationStore.open(db_path, clock=Clock())
    yield s
    s.close()
