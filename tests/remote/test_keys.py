"""API keys: the keychain when there is one, a 0600 file only when the user agreed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from desktop.remote.keys import KeyStore, NoKeychainError, keychain_available


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def restore_keyring():
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def test_keys_go_to_the_keychain(tmp_path: Path, restore_keyring: None) -> None:
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    keys = KeyStore(tmp_path)
    assert keychain_available()
    assert keys.store("srv", "sk-1") == "keychain"
    assert keys.get("srv") == "sk-1"
    assert not (tmp_path / "keys.json").exists()
    keys.delete("srv")
    assert keys.get("srv") == "" and memory.store == {}


def test_without_a_keychain_the_file_needs_consent(tmp_path: Path, restore_keyring: None) -> None:
    keyring.set_keyring(fail.Keyring())
    keys = KeyStore(tmp_path)
    assert not keychain_available()
    with pytest.raises(NoKeychainError):
        keys.store("srv", "sk-2")
    assert not (tmp_path / "keys.json").exists()
    assert keys.store("srv", "sk-2", allow_file=True) == "file"
    assert keys.get("srv") == "sk-2"
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "keys.json").stat().st_mode) == 0o600
    keys.delete("srv")
    assert not (tmp_path / "keys.json").exists()
