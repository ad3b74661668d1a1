"""engine.starter: assembling the starter model reports a full disk as a full disk."""

from __future__ import annotations

import errno
import logging
import types
from pathlib import Path

import pytest

from desktop.engine import starter


def test_a_full_disk_is_reported_as_such_and_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A full disk on the first start said "the starter model is not installed" (issue 16
    item 16): the message names the full disk, the log keeps the errno."""
    chunk = tmp_path / "chunk.bin"
    chunk.write_bytes(b"x" * 1000)
    package = types.SimpleNamespace(chunk_paths=lambda: [str(chunk)])
    monkeypatch.setattr(starter.importlib, "import_module", lambda name: package)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(starter.os, "fsync", full)
    with caplog.at_level(logging.ERROR), pytest.raises(starter.StarterUnavailable) as raised:
        starter.ensure_starter_model(tmp_path / "models")
    assert "disk is full" in str(raised.value) and "not installed" not in str(raised.value)
    assert "Errno 28" in caplog.text
    assert not list((tmp_path / "models").glob("*.partial"))
