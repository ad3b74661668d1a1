"""Server list, presets and what servers say about their models (desktop/remote/servers.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from desktop.remote.servers import (
    PRESET_URLS,
    Preset,
    ServerEntry,
    ServerList,
    check_base_url,
    context_from_props,
    parse_models,
    with_api_path,
)


def test_presets_have_addresses() -> None:
    assert PRESET_URLS[Preset.OLLAMA].endswith(":11434/v1")
    assert check_base_url(PRESET_URLS[Preset.VLLM]) is None


def test_bad_addresses_are_refused() -> None:
    assert check_base_url("ftp://x/v1") is not None
    assert check_base_url("http:///v1") is not None
    assert check_base_url("http://me:pw@host/v1") is not None  # the key field is for secrets


def test_a_bare_server_address_gets_its_api_path() -> None:
    """The address a server prints (llama-server's "listening on http://...:8080") has no
    /v1; every preset's API is under /v1, so it is added. A path the user typed stays."""
    assert with_api_path("http://gpu-box:8080") == "http://gpu-box:8080/v1"
    assert with_api_path(" http://gpu-box:8080/ ") == "http://gpu-box:8080/v1"
    assert with_api_path("http://gpu-box:8080/v1") == "http://gpu-box:8080/v1"
    assert with_api_path("https://openrouter.ai/api/v1") == "https://openrouter.ai/api/v1"
    assert with_api_path("https://gw.example.com/llm") == "https://gw.example.com/llm"


def test_models_and_their_context() -> None:
    data = {
        "data": [
            {"id": "vllm-model", "max_model_len": 32768, "owned_by": "vllm"},
            {"id": "router-model", "context_length": 128000},
            {"id": "llama", "meta": {"n_ctx_train": 4096}},
            {"id": "plain"},
            {"id": 5},
            "junk",
            {"id": "plain"},
        ]
    }
    models = parse_models(data)
    assert [(m.id, m.context_length) for m in models] == [
        ("vllm-model", 32768),
        ("router-model", 128000),
        ("llama", 4096),
        ("plain", 0),
    ]
    assert parse_models({"data": "nope"}) == [] and parse_models([]) == []


def test_llama_server_props() -> None:
    assert context_from_props({"default_generation_settings": {"n_ctx": 8192}}) == 8192
    assert context_from_props({"n_ctx": 2048}) == 2048
    assert context_from_props({"default_generation_settings": {"n_ctx": "x"}}) == 0


def test_the_list_is_kept_private_and_without_keys(tmp_path: Path) -> None:
    servers = ServerList.load(tmp_path)
    entry = ServerEntry.new("Box", "http://gpu-box:8000/v1/", Preset.VLLM, has_key=True)
    servers.add(entry)
    servers.save()
    text = (tmp_path / "servers.json").read_text()
    assert "gpu-box" in text and 'key":' not in text.replace("has_key", "")
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "servers.json").stat().st_mode) == 0o600
    again = ServerList.load(tmp_path)
    assert again.entries == (entry,) and again.by_url("http://gpu-box:8000/v1") == entry
    again.remove(entry.id)
    assert again.entries == ()


def test_a_damaged_list_is_reported_not_lost(tmp_path: Path) -> None:
    (tmp_path / "servers.json").write_text("{oops")
    servers = ServerList.load(tmp_path)
    assert servers.problem and servers.entries == ()
    assert (tmp_path / "servers.json").read_text() == "{oops"
