"""The servers' models in the model picker (issue 19: "a remote server's models are not in the
picker").

Implements the models feature's PickerSource protocol (desktop/models/picker.py); the app adds
it to the picker (``models.add_picker_source``), so the models feature imports nothing of this
one. Each server the user added is one section: its models by id, each named by its locator
(desktop/core/remote.py) so choosing one loads it like a file. Listing is a network call: it runs
on a pool thread when the picker opens and the last answer is older than a minute, through the
listings the Servers tab shares (listings.py), so one answer serves both; until it
arrives the section says "Asking …", and a fault is said in the same words as elsewhere. What a
server says is untrusted: model ids are shown as plain text by the picker.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.core.remote import locator_host, remote_locator
from desktop.models.picker import PickerEntry, PickerSection
from desktop.remote.qt.listings import ServerListings

__all__ = ["RemotePickerSource"]


class RemotePickerSource(QObject):
    """Each server's models, as the picker shows them; the answers come from the listings the
    Servers tab shares (listings.py).

    Signals:
        sections_changed(): a server's listing arrived (or failed); an open picker refills.
    """

    sections_changed = Signal()

    def __init__(self, listings: ServerListings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.listings = listings
        """The servers and their answers (shared with the Servers tab)."""
        listings.listing_changed.connect(lambda _server_id: self.sections_changed.emit())

    def picker_sections(self) -> list[PickerSection]:
        """One section per server, from what is known now."""
        sections = []
        for entry in self.listings.servers.entries:
            host = locator_host(entry.base_url)
            title = entry.name if entry.name == host else f"{entry.name} — {host}"
            listing = self.listings.get(entry.id)
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
        self.listings.ask_stale()
