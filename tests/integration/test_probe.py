"""Trying a model in a child process first, with the real llama.cpp."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from desktop.engine.probe import FAULT_ENV, ProbeCache, probe_model


def test_a_good_model_passes_and_is_remembered(tiny_gguf: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.gguf"
    shutil.copy(tiny_gguf, model)
    cache = ProbeCache(tmp_path / "probed.json")
    first = probe_model(model, 0, cache)
    assert first.ok and not first.cached
    again = probe_model(model, 0, ProbeCache(tmp_path / "probed.json"))
    assert again.ok and again.cached
    # A changed file is tried again.
    os.utime(model, ns=(1, 1))
    changed = probe_model(model, 0, ProbeCache(tmp_path / "probed.json"))
    assert changed.ok and not changed.cached


def test_a_native_crash_is_reported_not_shared(
    tiny_gguf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No GGUF that passes the header check is known to crash this llama.cpp, so the child is
    # told to crash itself right after loading, the way a bad kernel or assertion would.
    monkeypatch.setenv(FAULT_ENV, "segfault")
    cache = ProbeCache(tmp_path / "probed.json")
    result = probe_model(tiny_gguf, 0, cache)
    assert not result.ok and result.crashed
    assert "SIGSEGV" in result.message
    monkeypatch.delenv(FAULT_ENV)
    assert not cache.passed(tiny_gguf, 0)


def test_a_load_error_in_the_child_is_one_line(unknown_arch_gguf: Path) -> None:
    # The header check would refuse this file first; the probe must still fail cleanly.
    result = probe_model(unknown_arch_gguf, 0)
    assert not result.ok and not result.crashed
    assert result.message and "\n" not in result.message


def test_cancel_stops_the_child(tiny_gguf: Path) -> None:
    result = probe_model(tiny_gguf, 0, should_cancel=lambda: True)
    assert result.cancelled and not result.ok


def test_an_embedding_model_is_probed_as_one_and_remembered_apart(
    tiny_gguf: Path, tmp_path: Path
) -> None:
    model = tmp_path / "embed.gguf"
    shutil.copy(tiny_gguf, model)
    cache = ProbeCache(tmp_path / "probed.json")
    assert probe_model(model, 0, cache).ok  # as a chat model
    assert not cache.passed(model, 0, embedding=True)  # an embedding load is another path
    first = probe_model(model, 0, cache, embedding=True)
    assert first.ok and not first.cached
    again = ProbeCache(tmp_path / "probed.json")
    assert again.passed(model, 0, embedding=True) and again.passed(model, 0)
    assert probe_model(model, 0, again, embedding=True).cached


def test_an_embedding_model_that_crashes_the_child_is_reported(
    tiny_gguf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FAULT_ENV, "segfault")
    cache = ProbeCache(tmp_path / "probed.json")
    result = probe_model(tiny_gguf, 0, cache, embedding=True)
    assert not result.ok and result.crashed and "SIGSEGV" in result.message
    assert not cache.passed(tiny_gguf, 0, embedding=True)


def test_two_caches_on_one_file_keep_each_others_entries(tiny_gguf: Path, tmp_path: Path) -> None:
    """The inference worker and the document threads each hold a ProbeCache on the same file."""
    path = tmp_path / "probed.json"
    chat, documents = ProbeCache(path), ProbeCache(path)
    chat.remember(tiny_gguf, 0)
    documents.remember(tiny_gguf, 0, embedding=True)
    fresh = ProbeCache(path)
    assert fresh.passed(tiny_gguf, 0) and fresh.passed(tiny_gguf, 0, embedding=True)
