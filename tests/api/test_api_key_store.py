"""The API key lives in the system keychain, or in the private settings without one."""

from __future__ import annotations

from pathlib import Path

from desktop.api.api_key_store import KEYRING_SERVICE, KEYRING_USER, ApiKeyStore
from desktop.core.keychain import system_keychain
from desktop.core.settings import Settings


class DictKeychain:
    def __init__(self, fail: bool = False) -> None:
        self.secrets: dict[tuple[str, str], str] = {}
        self.fail = fail

    def get_password(self, service: str, username: str) -> str | None:
        if self.fail:
            raise RuntimeError("locked")
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.fail:
            raise RuntimeError("locked")
        self.secrets[(service, username)] = password


def test_without_a_keychain_the_key_is_kept_in_the_settings_file(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    store = ApiKeyStore(settings, keychain=None)
    assert not store.in_keychain
    assert store.load() == ""
    store.save("hs-one")
    assert Settings(tmp_path / "settings.json").get("server.api_key") == "hs-one"
    assert store.load() == "hs-one"


def test_with_a_keychain_the_settings_file_holds_no_key(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    settings.set("server.api_key", "hs-old")  # kept there before a keychain appeared
    keychain = DictKeychain()
    store = ApiKeyStore(settings, keychain=keychain)
    assert store.in_keychain
    assert store.load() == "hs-old"
    store.save("hs-new")
    assert keychain.secrets[(KEYRING_SERVICE, KEYRING_USER)] == "hs-new"
    assert Settings(tmp_path / "settings.json").get("server.api_key") == ""
    assert store.load() == "hs-new"
    assert "hs-new" not in (tmp_path / "settings.json").read_text()


def test_a_keychain_that_fails_falls_back_to_the_settings_file(tmp_path: Path, caplog) -> None:
    settings = Settings(tmp_path / "settings.json")
    store = ApiKeyStore(settings, keychain=DictKeychain(fail=True))
    store.save("hs-secret")
    assert store.load() == "hs-secret"
    assert "hs-secret" not in caplog.text  # the key is never logged


def test_the_tests_see_no_system_keychain() -> None:
    # tests/conftest.py: keyring's fail backend, so no test touches the user's keychain.
    assert system_keychain() is None
