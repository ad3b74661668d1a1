"""API keys of remote servers: in the system keychain (keyring), never in settings.json or logs.

Where the system has no keychain (a bare Linux session without Secret Service or KWallet),
keyring's answer is its "fail" backend. Then `KeyStore.store` refuses unless the caller says
the user agreed to a file: ``keys.json`` in the data folder, readable only by the user (0600,
like the rest of the folder: desktop/core/private_files.py). The window asks first.

The keychain is desktop/core/keychain.py's (keyring, imported on first use, only on the thread
that needs a key: a pool thread, the engine's thread).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from desktop.core.keychain import SERVICE, system_keychain
from desktop.core.private_files import write_private_text

__all__ = ["SERVICE", "KeyStore", "NoKeychainError", "keychain_available"]


class NoKeychainError(Exception):
    """There is no system keychain and the user has not agreed to the private file."""


def keychain_available() -> bool:
    """Whether there is a real system keychain (desktop/core/keychain.py)."""
    return system_keychain() is not None


class KeyStore:
    """Keys by server id: the keychain first, the private file only where the user agreed."""

    FILE_NAME = "keys.json"

    def __init__(self, data_dir: Path) -> None:
        self.file = data_dir / self.FILE_NAME

    def _file_keys(self) -> dict[str, str]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}

    def _write_file(self, keys: dict[str, str]) -> None:
        if keys:
            write_private_text(self.file, json.dumps(keys))
        else:
            self.file.unlink(missing_ok=True)

    def get(self, server_id: str) -> str:
        """The key, or "" when none is stored (or the keychain cannot be read)."""
        keyring = system_keychain()
        if keyring is not None:
            try:
                found = keyring.get_password(SERVICE, server_id)
            except Exception:
                found = None
            if found:
                return found
        return self._file_keys().get(server_id, "")

    def store(self, server_id: str, key: str, allow_file: bool = False) -> str:
        """Keeps ``key``; returns "keychain" or "file". Raises NoKeychainError when there is no
        keychain and ``allow_file`` is False (ask the user, then call again)."""
        keyring = system_keychain()
        if keyring is not None:
            try:
                keyring.set_password(SERVICE, server_id, key)
            except Exception as error:
                if not allow_file:
                    raise NoKeychainError(str(error)) from error
            else:
                self._forget_in_file(server_id)
                return "keychain"
        if not allow_file:
            raise NoKeychainError("no system keychain")
        keys = self._file_keys()
        keys[server_id] = key
        self._write_file(keys)
        return "file"

    def _forget_in_file(self, server_id: str) -> None:
        keys = self._file_keys()
        if keys.pop(server_id, None) is not None:
            self._write_file(keys)

    def delete(self, server_id: str) -> None:
        keyring = system_keychain()
        if keyring is not None:
            with contextlib.suppress(Exception):
                keyring.delete_password(SERVICE, server_id)
        self._forget_in_file(server_id)
