"""A file already at a download's target counts as done only when its checksum proves it
(issue 16 item 8: a same-sized file of another repo was taken as downloaded)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.models.transfer import TransferOutcome, download
from tests.fixtures.fake_hub import FakeHub

REPO = "acme/Small-GGUF"
NAME = "Small-Q4_0.gguf"
DATA = random.Random(3).randbytes(256 << 10)
SHA = hashlib.sha256(DATA).hexdigest()
FAST = {"backoff": 0.01, "max_backoff": 0.05, "stall_timeout": 2.0}


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with FakeHub() as hub:
        hub.add_repo(REPO, {NAME: DATA})
        yield hub


def test_a_same_sized_file_without_a_checksum_is_downloaded_again(
    hub: FakeHub, tmp_path: Path
) -> None:
    target = tmp_path / NAME
    target.write_bytes(b"\0" * len(DATA))  # another model, by chance the same size
    outcome = download(hub.url(REPO, NAME), target, len(DATA), None, **FAST)  # type: ignore[arg-type]
    assert outcome is TransferOutcome.DONE
    assert target.read_bytes() == DATA
    assert hub.sent_bytes(NAME) == len(DATA)


def test_a_same_sized_file_with_the_wrong_checksum_is_replaced(
    hub: FakeHub, tmp_path: Path
) -> None:
    target = tmp_path / NAME
    target.write_bytes(b"\0" * len(DATA))
    assert download(hub.url(REPO, NAME), target, len(DATA), SHA, **FAST) is TransferOutcome.DONE  # type: ignore[arg-type]
    assert target.read_bytes() == DATA


def test_a_verified_file_is_not_fetched_again(hub: FakeHub, tmp_path: Path) -> None:
    target = tmp_path / NAME
    target.write_bytes(DATA)
    assert download(hub.url(REPO, NAME), target, len(DATA), SHA, **FAST) is TransferOutcome.DONE  # type: ignore[arg-type]
    assert hub.sent_bytes(NAME) == 0
