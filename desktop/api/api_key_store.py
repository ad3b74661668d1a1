"""Where the local API server's key is kept: the system keychain when one works, else the
private settings file.

Plain Python, no Qt. The key is a secret: it goes to the keychain through `keyring` (the
platform's Secret Service, Keychain or Credential Locker). Where there is none (a bare Linux
session, a container), keyring's chosen backend is its "fail" one, and the key is kept in
settings.json instead, which is private to the user (0600, in a 0700 folder: see
core/private_files.py); the settings page says which. The key is never logged.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from desktop.core.keychain import SERVICE, SecretBackend, system_keychain

__all__ = ["KEYRING_SERVICE", "KEYRING_USER", "ApiKeyStore"]

log = logging.getLogger(__name__)

KEYRING_SERVICE = SERVICE
KEYRING_USER = "local-api-server"
SETTINGS_KEY = "server.api_key"


class SettingsStore(Protocol):
    """The part of desktop.core.settings.Settings used here."""

    def get(self, key: str, model: str | None = None) -> Any: ...

    def set(self, key: str, value: Any, model: str | None = None) -> None: ...

    def save(self) -> None: ...


class ApiKeyStore:
    """Loads and saves the API key in the keychain, or in the private settings without one.

    ``keychain`` is the backend to use (None: there is none); the default asks keyring the
    first time the key is needed.
    """

    def __init__(self, settings: SettingsStore, keychain: SecretBackend | str | None = "auto"):
        self._settings = settings
        self._keychain: SecretBackend | str | None = keychain

    @property
    def keychain(self) -> SecretBackend | None:
        if self._keychain == "auto":
            self._keychain = system_keychain()
        return self._keychain  # type: ignore[return-value]

    @property
    def in_keychain(self) -> bool:
        """Whether the key is kept in the system keychain (else in the settings file)."""
        return self.keychain is not None

    def load(self) -> str:
        """The key ("" when none was made yet, or the keychain cannot be read now)."""
        keychain = self.keychain
        if keychain is not None:
            try:
                stored = keychain.get_password(KEYRING_SERVICE, KEYRING_USER)
            except Exception as error:  # a locked or vanished keychain: no key, no crash
                log.warning("API key not read from the keychain: %s", type(error).__name__)
                stored = None
            if stored:
                return stored
        # Without a keychain, or kept here before one appeared.
        return str(self._settings.get(SETTINGS_KEY))

    def save(self, key: str) -> None:
        """Keeps ``key``; in the keychain when there is one (and clears a copy in the settings
        file), else in the settings file. Raises OSError when the settings cannot be written."""
        keychain = self.keychain
        if keychain is not None:
            try:
                keychain.set_password(KEYRING_SERVICE, KEYRING_USER, key)
            except Exception as error:
                log.warning("API key not stored in the keychain: %s", type(error).__name__)
            else:
                if self._settings.get(SETTINGS_KEY):
                    self._settings.set(SETTINGS_KEY, "")
                    self._settings.save()
                return
        if self._settings.get(SETTINGS_KEY) != key:
            self._settings.set(SETTINGS_KEY, key)
            self._settings.save()
