"""The servers' models in the model picker (issue 19: "a remote server's models are not in the
picker").

Implements the models feature's PickerSource protocol (desktop/models/picker.py); the app adds
it to the picker (``models.add_picker_source``), so the models feature imports nothing of this
one. Each server the user added is one section: its models by id, each named by its locator
(desktop/core/remote.py) so choosing one loads it like a file. Listing is a network call: it runs
on a pool thread when the picker opens and the last answer is older than a minute; until it
arrives the section says "Asking …", and a fault is said in the same words as elsewhere. What a
server says is untrusted: model ids are shown as plain text by the picker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from desktop.core.remote import locator_host, remote_locator
from desktop.models.picker import PickerEntry, PickerSection
from desktop.qtkit.background_calls import BackgroundCalls
from desktop.remote.keys import KeyStore
from desktop.remote.qt.messages import RemoteMessages
from desktop.remote.servers import RemoteModel, ServerEntry, ServerList

__all__ = ["RemotePickerSource"]

STALE_SECONDS = 60.0
"""A server's listing older than this is asked for again when the picker opens."""


@dataclass(frozen=True, slots=True)
class _Listing:
    when: float
    models: tuple[RemoteModel, ...] = ()
    fault: str = ""  # the user's words for why the server could not be asked


class RemotePickerSource(QObject):
    """Each server's models, as the picker shows them; asks the servers off the GUI thread.

    Signals:
        sections_changed(): a server's listing arrived (or failed); an open picker refills.
    """

    sections_changed = Signal()

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
        self._listings: dict[str, _Listing] = {}  # server id → its last answer
        self._asking: set[str] = set()

    def picker_sections(self) -> list[PickerSection]:
        """One section per server, from what is known now."""
        sections = []
        for entry in self.servers.entries:
            host = locator_host(entry.base_url)
            title = entry.name if entry.name == host else f"{entry.name} — {host}"
            listing = self._listings.get(entry.id)
            if listing is None:
                sections.append(
                    PickerSection(title, note=self.tr("Asking {host}…").format(host=host))
                )
            elif listing.fault:
                sections.append(PickerSection(title, note=listing.fault))
            elif not listing.models:
                note = self.tr("{host} lists no models.").format(host=host)
                sections.append(PickerSection(title, note=note))
            else:
                entries = tuple(
                    PickerEntry(
                        remote_locator(entry.base_url, model.id),
                        model.id,
                        self.tr("{n} tokens").format(n=f"{model.context_length:,}")
                        if model.context_length
                        else "",
                    )
                    for model in listing.models
                )
                sections.append(PickerSection(title, entries))
        return sections

    def refresh_picker(self) -> None:
        """Asks each server whose answer is missing or stale, on a pool thread."""
        now = self.clock()
        for entry in self.servers.entries:
            listing = self._listings.get(entry.id)
            if entry.id in self._asking or (
                listing is not None and now - listing.when < STALE_SECONDS
            ):
                continue
            self._asking.add(entry.id)

            def fetch(entry: ServerEntry = entry) -> tuple[RemoteModel, ...]:
                key = self.keys.get(entry.id) if entry.has_key else ""
                return self.list_models(entry, key)

            self.calls.start(
                fetch,
                lambda models, entry=entry: self._answered(entry, tuple(models), ""),
                lambda error, entry=entry: self._answered(
                    entry, (), self._fault_words(entry, error)
                ),
            )

    def _fault_words(self, entry: ServerEntry, error: Exception) -> str:
        fault = str(getattr(error, "fault", ""))
        return self.messages.fault_text(
            fault, locator_host(entry.base_url), getattr(error, "retry_after", None)
        )

    def _answered(self, entry: ServerEntry, models: tuple[RemoteModel, ...], fault: str) -> None:
        self._asking.discard(entry.id)
        self._listings[entry.id] = _Listing(self.clock(), models, fault)
        self.sections_changed.emit()
