"""The Local server settings as one value: what listens where, and never the network without a
key."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.api.protocol import ALL_INTERFACES, DEFAULT_PORT, LOOPBACK
from desktop.api.server_settings import (
    KEY_PREFIX,
    ServerSettings,
    SettingsProblem,
    bad_origins,
    generate_api_key,
    local_url,
    parse_origins,
)
from desktop.core.settings import Settings


def test_the_defaults_are_off_loopback_no_key_no_origins(tmp_path: Path) -> None:
    chosen = ServerSettings.from_settings(Settings(tmp_path / "settings.json"))
    assert chosen == ServerSettings()
    assert not chosen.enabled
    assert chosen.port == DEFAULT_PORT  # the declared default is the protocol's
    assert chosen.host == LOOPBACK
    assert not chosen.needs_key
    assert chosen.cors_origins == ()
    assert chosen.url == f"http://127.0.0.1:{DEFAULT_PORT}/v1"


def test_stored_settings_are_read(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    settings.set("server.enabled", True)
    settings.set("server.port", 9001)
    settings.set("server.allow_network", True)
    settings.set("server.cors_origins", "http://localhost:3000\nhttps://notes.example/ ")
    chosen = ServerSettings.from_settings(settings)
    assert chosen.enabled and chosen.port == 9001 and chosen.allow_network
    assert chosen.cors_origins == ("http://localhost:3000", "https://notes.example")


def test_the_network_is_never_opened_without_a_key() -> None:
    chosen = ServerSettings(enabled=True, allow_network=True)
    assert chosen.needs_key
    assert chosen.problem("") == (SettingsProblem.NETWORK_NEEDS_KEY, "")
    with pytest.raises(ValueError):
        chosen.config("")
    config = chosen.config("hs-secret")
    assert config.host == ALL_INTERFACES
    assert config.api_key == "hs-secret"
    assert config.listens_beyond_loopback


def test_on_loopback_the_key_is_asked_only_when_chosen() -> None:
    assert ServerSettings(enabled=True).config("hs-secret").api_key == ""
    assert ServerSettings(enabled=True, require_key=True).config("hs-secret").api_key == (
        "hs-secret"
    )
    assert ServerSettings(require_key=True).problem("") == (SettingsProblem.NETWORK_NEEDS_KEY, "")


def test_bad_ports_and_origins_are_named() -> None:
    assert ServerSettings(port=80).problem("") == (SettingsProblem.BAD_PORT, "80")
    chosen = ServerSettings(cors_origins=("http://localhost:3000", "localhost:3000"))
    assert chosen.problem("") == (SettingsProblem.BAD_ORIGIN, "localhost:3000")


@pytest.mark.parametrize(
    "origin",
    ["*", "localhost", "ftp://host", "http://host/path", "http://user@host", "http://h:99999"],
)
def test_what_is_not_a_browser_origin_is_refused(origin: str) -> None:
    assert bad_origins([origin]) == [origin]


@pytest.mark.parametrize(
    "origin", ["http://localhost:3000", "https://notes.example", "http://[::1]:8000"]
)
def test_browser_origins_are_accepted(origin: str) -> None:
    assert bad_origins([origin]) == []


def test_origins_are_split_on_lines_commas_and_spaces_without_repeats() -> None:
    assert parse_origins(" http://a.test, http://b.test/\n\nhttp://a.test  http://c.test ") == (
        "http://a.test",
        "http://b.test",
        "http://c.test",
    )


@given(st.text())
def test_parsing_origins_twice_changes_nothing(text: str) -> None:
    once = parse_origins(text)
    assert parse_origins("\n".join(once)) == once


def test_generated_keys_are_long_random_and_header_safe() -> None:
    keys = {generate_api_key() for _ in range(50)}
    assert len(keys) == 50
    for key in keys:
        assert key.startswith(KEY_PREFIX)
        assert len(key) >= 40
        assert key.isascii() and not any(c.isspace() for c in key)


def test_the_local_url_is_loopback_even_when_listening_everywhere() -> None:
    assert ServerSettings(port=9000, allow_network=True).url == local_url(9000)
    assert "127.0.0.1:9000" in local_url(9000)
