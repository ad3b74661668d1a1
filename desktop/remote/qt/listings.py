"""Each server's last answer to "which models do you offer?" (``GET /v1/models``), shared by the
model picker (picker_source.py) and the Servers tab (servers_panel.py) so that one request
serves both.

Listing is a network call: it runs on a pool thread (qtkit/background_calls.py), never twice at
once for one server, and an answer younger than a minute is reused unless the user asks again
(the Servers tab's Refresh). A fault is kept in the same words as elsewhere
(messages.py). What a server says is untrusted: the views show model ids as plain text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from desktop.core.remote import locator_host
from desktop.qtkit.background_calls import BackgroundCalls
from desktop.remote.keys import KeyStore
from desktop.remote.qt.messages import RemoteMessages
from desktop.remote.servers import RemoteModel, ServerEntry, ServerList

__all__ = ["STALE_SECONDS", "ServerListing", "ServerListings"]

STALE_SECONDS = 60.0
"""A server's listing older than this is asked for again when a view wants it."""


@dataclass(frozen=True, slots=True)
class ServerListing:
    """One server's answer: its models, or why it could not be asked."""

    when: float
    models: tuple[RemoteModel, ...] = ()
    fault: str = ""
    """The user's words for why the server could not be asked ("" when it answered)."""
    detail: str = ""
    """The fault's technical detail (untrusted; plain text only)."""


class ServerListings(QObject):
    """The user's servers (``servers``), their keys (``keys``) and each one's model list, asked
    off the GUI thread and kept by server id.

    Signals:
        listing_changed(str server_id): that server's answer arrived (or failed).
    """

    listing_changed = Signal(str)

    def __init__(
        self,
        servers: ServerList,
        keys: KeyStore,
        list_models: Callable[[ServerEntry, str], tuple[RemoteModel, ...]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.servers = servers
        self.keys = keys
        self.list_models = list_models
        """Blocking (a pool thread): the entry and its key → its models, or a ServerFault."""
        self.calls = BackgroundCalls(self)
        self.messages = RemoteMessages(self)
        self.clock: Callable[[], float] = time.monotonic
        self._listings: dict[str, ServerListing] = {}
        self._asking: dict[str, int] = {}
        """Servers being asked, with the generation each question was asked in."""
        self._generation: dict[str, int] = {}
        """Bumped by `forget`: an answer to a question asked before it does not count."""

    def get(self, server_id: str) -> ServerListing | None:
        """The server's last answer, or None before it first answered."""
        return self._listings.get(server_id)

    def is_fresh(self, server_id: str) -> bool:
        """Whether the server answered less than STALE_SECONDS ago."""
        listing = self._listings.get(server_id)
        return listing is not None and self.clock() - listing.when < STALE_SECONDS

    def forget(self, server_id: str) -> None:
        """Drops the server's answer (it was removed, edited, or its key changed), and the
        answer to a question still on its way: asked at the old address or with the old key,
        it would be shown for the changed server."""
        self._listings.pop(server_id, None)
        self._generation[server_id] = self._generation.get(server_id, 0) + 1

    def ask(self, entry: ServerEntry, again: bool = False) -> bool:
        """Asks the server on a pool thread unless it is being asked or (without ``again``) its
        answer is fresh; True when an answer is on its way."""
        generation = self._generation.get(entry.id, 0)
        if self._asking.get(entry.id) == generation:
            return True
        if not again and self.is_fresh(entry.id):
            return False
        self._asking[entry.id] = generation
        keys, list_models = self.keys, self.list_models

        def fetch() -> tuple[RemoteModel, ...]:
            return list_models(entry, keys.get(entry.id) if entry.has_key else "")

        def answered(listing: ServerListing) -> None:
            if self._generation.get(entry.id, 0) != generation:
                return  # forgotten meanwhile: a newer question (or none) counts
            self._asking.pop(entry.id, None)
            self._listings[entry.id] = listing
            self.listing_changed.emit(entry.id)

        self.calls.start(
            fetch,
            lambda models: answered(ServerListing(self.clock(), tuple(models))),
            lambda error: answered(self._failed(entry, error)),
        )
        return True

    def ask_stale(self) -> None:
        """Asks every server whose answer is missing or stale."""
        for entry in self.servers.entries:
            self.ask(entry)

    def _failed(self, entry: ServerEntry, error: Exception) -> ServerListing:
        text = self.messages.fault_text(
            str(getattr(error, "fault", "")),
            locator_host(entry.base_url),
            getattr(error, "retry_after", None),
        )
        return ServerListing(self.clock(), fault=text, detail=str(getattr(error, "detail", "")))
