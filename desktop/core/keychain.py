"""The system keychain (keyring), the one module that imports it: secrets never go to
settings.json or the logs when a keychain exists.

Plain Python, no Qt. keyring is imported on first use (it reads entry points and may talk to
D-Bus): never at start-up, and only on the thread that needs a secret. Where the system has no
keychain (a bare Linux session, a container) keyring's chosen backend is its "fail" or "null"
one; `system_keychain` then answers None and each caller decides where else a secret may go
(the API server's key: the private settings file; a remote server's key: a private file, once
the user agrees).
"""

from __future__ import annotations

import logging
from typing import Protocol

__all__ = ["SERVICE", "SecretBackend", "system_keychain"]

log = logging.getLogger(__name__)

SERVICE = "Hearthside"
"""The service name of every entry Hearthside keeps in the keychain."""


class SecretBackend(Protocol):
    """The part of keyring's backend API Hearthside uses (tests pass a dictionary-backed one)."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


def system_keychain() -> SecretBackend | None:
    """keyring's backend when it is a real keychain, else None (no backend, keyring's "fail"
    or "null" one, a chainer with nothing in it, or a keyring setup that raises)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception as error:  # a broken keyring setup must not stop the app
        log.warning("no system keychain: %s", type(error).__name__)
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    name = type(backend).__module__ + "." + type(backend).__name__
    if name.endswith("null.Keyring"):
        return None
    chained = getattr(backend, "backends", None)
    if chained is not None and not chained:
        return None
    return backend
