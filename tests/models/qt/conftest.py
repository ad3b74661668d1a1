"""Fixtures the Browse and Downloads tabs' tests share: the fake hub on 127.0.0.1, a call pool
that is drained after each test (so no hub answer lands in the next one), and the interface in
Chinese."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

from desktop.qtkit.background_calls import BackgroundCalls
from tests.fixtures.fake_hub import FakeHub, running_hub
from tests.resources.test_translations import TS, qt_tool

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


@pytest.fixture
def chinese(qapp, restore_app, tmp_path: Path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The interface in Simplified Chinese, compiled from the committed .ts."""
    qm = tmp_path / "hearthside_zh_CN.qm"
    subprocess.run(
        [qt_tool("pyside6-lrelease"), str(TS), "-qm", str(qm)], check=True, capture_output=True
    )
    translator = QTranslator()
    assert translator.load(str(qm))
    qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)
