"""Fixtures the Browse tab's tests share: the fake hub on 127.0.0.1 and a call pool that is
drained after each test (so no hub answer lands in the next one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.qtkit.background_calls import BackgroundCalls
from tests.fixtures.fake_hub import FakeHub, running_hub

CALLS_TIMEOUT = 20_000


@pytest.fixture
def hub(tiny_gguf: Path) -> Iterator[FakeHub]:
    with running_hub(tiny_gguf) as hub:
        yield hub


@pytest.fixture
def calls() -> Iterator[BackgroundCalls]:
    calls = BackgroundCalls()
    yield calls
    calls.wait(CALLS_TIMEOUT)
