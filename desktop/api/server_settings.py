"""The window's Local server settings as one value, checked, and turned into a ServerConfig.

Plain Python, no Qt: the settings page, the status bar and the app's wiring all read the same
`ServerSettings`, so "allow other computers" can never start a server without a key, whichever
of them starts it. Problems come back as `SettingsProblem` codes; the page words them (tr()).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from desktop.api.protocol import ALL_INTERFACES, DEFAULT_PORT, LOOPBACK, ServerConfig

__all__ = [
    "KEY_PREFIX",
    "MAX_PORT",
    "ServerSettings",
    "SettingsProblem",
    "SettingsSource",
    "bad_origins",
    "generate_api_key",
    "local_url",
    "parse_origins",
]

KEY_PREFIX = "hs-"
"""Generated keys start with this, so a key pasted somewhere is recognisable as ours."""

MIN_PORT = 1024  # below needs privileges on most systems
MAX_PORT = 65535


class SettingsSource(Protocol):
    """What is read of desktop.core.settings.Settings."""

    def get(self, key: str, model: str | None = None) -> Any: ...


class SettingsProblem(enum.Enum):
    """Why settings cannot be used; the settings page says it in the user's language."""

    NETWORK_NEEDS_KEY = "network_needs_key"
    BAD_PORT = "bad_port"
    BAD_ORIGIN = "bad_origin"


def generate_api_key() -> str:
    """A new random key: 32 bytes from the OS's generator, URL-safe (fits a header as is)."""
    import secrets  # imported here: its hmac/hashlib imports are not for the first frame

    return KEY_PREFIX + secrets.token_urlsafe(32)


def parse_origins(text: str) -> tuple[str, ...]:
    """Origins as typed, one per line (commas and spaces separate too); blanks and repeats
    dropped, a trailing slash removed (browsers send the origin without one)."""
    seen: dict[str, None] = {}
    for part in text.replace(",", "\n").split():
        origin = part.strip().rstrip("/")
        if origin:
            seen.setdefault(origin, None)
    return tuple(seen)


def bad_origins(origins: Iterable[str]) -> list[str]:
    """The entries that are not an origin a browser sends: scheme http(s) and a host, with an
    optional port, and nothing else (no path, query or user). "*" is refused: any web page
    could then use the model."""
    bad = []
    for origin in origins:
        try:
            parts = urlsplit(origin)
            port_ok = parts.port is None or 0 < parts.port <= MAX_PORT
        except ValueError:
            bad.append(origin)
            continue
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username is not None
            or not port_ok
        ):
            bad.append(origin)
    return bad


def local_url(port: int) -> str:
    """The address programs on this computer use (also when the server listens on 0.0.0.0)."""
    return f"http://{LOOPBACK}:{port}/v1"


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Edit › Settings › Local server, as stored (the key is kept apart: see api_key_store)."""

    enabled: bool = False
    port: int = DEFAULT_PORT
    allow_network: bool = False
    require_key: bool = False
    cors_origins: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: SettingsSource) -> ServerSettings:
        return cls(
            enabled=bool(settings.get("server.enabled")),
            port=int(settings.get("server.port")),
            allow_network=bool(settings.get("server.allow_network")),
            require_key=bool(settings.get("server.require_key")),
            cors_origins=parse_origins(str(settings.get("server.cors_origins"))),
        )

    @property
    def host(self) -> str:
        return ALL_INTERFACES if self.allow_network else LOOPBACK

    @property
    def needs_key(self) -> bool:
        """Whether requests must carry the key: always when other computers may connect."""
        return self.allow_network or self.require_key

    @property
    def url(self) -> str:
        return local_url(self.port)

    def problem(self, api_key: str) -> tuple[SettingsProblem, str] | None:
        """What stops these settings from being used with ``api_key``, and the offending value
        ("" when there is none to name); None when they can be used."""
        if not MIN_PORT <= self.port <= MAX_PORT:
            return SettingsProblem.BAD_PORT, str(self.port)
        if self.needs_key and not api_key:
            return SettingsProblem.NETWORK_NEEDS_KEY, ""
        bad = bad_origins(self.cors_origins)
        if bad:
            return SettingsProblem.BAD_ORIGIN, bad[0]
        return None

    def config(self, api_key: str) -> ServerConfig:
        """How the server listens; raises ValueError when :meth:`problem` names one (a server
        open to the network without a key is never made, whatever asked for it)."""
        problem = self.problem(api_key)
        if problem is not None:
            raise ValueError(f"server settings cannot be used: {problem[0].value} {problem[1]}")
        return ServerConfig(
            host=self.host,
            port=self.port,
            api_key=api_key if self.needs_key else "",
            cors_origins=self.cors_origins,
        )
