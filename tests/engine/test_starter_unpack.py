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


def _verified_copy(folder: Path, data: bytes) -> Path:
    """A starter file with the record a verified unpack leaves beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / starter.STARTER_FILE_NAME
    target.write_bytes(data)
    stat = target.stat()
    marker = folder / (starter.STARTER_FILE_NAME + ".sha256")
    marker.write_text(f"{starter.STARTER_SHA256} {stat.st_size} {stat.st_mtime_ns}\n")
    return target


def test_a_changed_models_folder_uses_the_copy_already_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changing the models folder unpacked a second 253 MB copy (issue 16 item 19): the
    verified copy in the folder used before is found and used, nothing is unpacked."""
    before = tmp_path / "data" / "models"
    now = tmp_path / "elsewhere"
    copy = _verified_copy(before, b"GGUF" + b"x" * 100)

    def no_package(name: str) -> None:
        raise AssertionError("the starter was unpacked again")

    monkeypatch.setattr(starter.importlib, "import_module", no_package)
    folder = starter.starter_folder(now, [before])
    assert folder == before
    assert starter.ensure_starter_model(folder) == copy
    assert not now.exists()
    assert starter.starter_folder(tmp_path / "new", []) == tmp_path / "new"  # none anywhere
    copy.write_bytes(b"changed")  # a record that no longer matches is no copy
    assert starter.starter_folder(now, [before]) == now


def test_the_engine_loads_the_starter_from_where_it_already_is(
    tmp_path: Path, tiny_gguf: Path
) -> None:
    from desktop.chat.local_engine import LocalEngine
    from desktop.chat.protocol import ModelInfo
    from desktop.engine.llama import LoadOptions

    before = tmp_path / "data" / "models"
    copy = _verified_copy(before, tiny_gguf.read_bytes())
    now = tmp_path / "elsewhere"
    engine = LocalEngine(starter.starter_folder(now, [before]), tmp_path / "probed.json")
    info = engine.load("", LoadOptions(n_ctx=256, n_threads=1), lambda _f: None, lambda: False)
    try:
        assert isinstance(info, ModelInfo), info
        assert info.path == str(copy) and info.is_demo
        assert not now.exists()
    finally:
        engine.unload()


def test_a_second_custom_models_folder_still_uses_the_first_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From one custom models folder to another (neither the default nor a library folder):
    the app remembers where the starter went, so the copy there is used, not unpacked again."""
    from desktop.app import starter_dir_for
    from desktop.core.settings import Settings

    data_dir = tmp_path / "data"
    settings = Settings(tmp_path / "settings.json")
    first = tmp_path / "first-custom"
    assert starter_dir_for(settings, first, data_dir) == first  # no copy anywhere: it goes here
    copy = _verified_copy(first, b"GGUF" + b"x" * 100)  # the engine unpacked it there

    def no_package(name: str) -> None:
        raise AssertionError("the starter was unpacked again")

    monkeypatch.setattr(starter.importlib, "import_module", no_package)
    second = tmp_path / "second-custom"
    folder = starter_dir_for(settings, second, data_dir)
    assert folder == first
    assert starter.ensure_starter_model(folder) == copy
    assert not second.exists()
