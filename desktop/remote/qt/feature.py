"""The remote servers feature in the window: the Servers tab of the model manager (Add server…,
each server's models, choosing one), File › Remote servers…, and the engine that talks to them.

Made by the app (desktop/app.py), which wires it to the others through plain callables: the
models feature gets the Servers tab (``add_manager_tab``), the servers' models for its picker
(``add_picker_source`` with ``picker_source``) and words for faults, the chat gets
the same words, and the inference worker's backend becomes an EngineSwitch whose remote side is
made here on first use. Choosing a model loads its locator (desktop/core/remote.py) like a
file, so the window's whole load path (progress, failure, the model line, the status bar's
host) works unchanged. No HTTP library is imported before a server is used.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QWidget

from desktop.remote.keys import KeyStore
from desktop.remote.qt.listings import ServerListings
from desktop.remote.qt.messages import RemoteMessages
from desktop.remote.qt.picker_source import RemotePickerSource
from desktop.remote.servers import RemoteModel, ServerEntry, ServerList
from desktop.remote.switch import LoadingBackend
from desktop.shell.feature import Shell, add_command

__all__ = ["RemoteFeature"]


class RemoteFeature(QObject):
    """The user's servers (``servers``, kept in servers.json) and their keys (``keys``).

    ``show_servers`` opens the manager on the Servers tab (wired by the app).

    Signals:
        None.
    """

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.servers = ServerList.load(data_dir)
        self.keys = KeyStore(data_dir)
        self.messages = RemoteMessages(self)
        self.show_servers: Callable[[], object] = lambda: None
        self.panel: QWidget | None = None
        self.listings = ServerListings(self.servers, self.keys, list_models, self)
        """Each server's models, asked once for both the picker and the Servers tab."""
        self.picker_source = RemotePickerSource(self.listings, self)
        """Each server's models in the model picker (a PickerSource of the models feature)."""

    def install(self, shell: Shell) -> None:
        self.setParent(shell)
        add_command(
            shell, "file", "library", self.tr("Remote &servers…"), lambda: self.show_servers()
        )
        if self.servers.problem:
            shell.show_error(
                self.tr("Servers not read"),
                self.tr("The list of servers could not be read; it was left as it is.")
                + "\n\n"
                + self.servers.problem,
            )

    @staticmethod
    def tab_title() -> str:
        return QCoreApplication.translate("RemoteFeature", "&Servers")

    def make_panel(self) -> QWidget:
        """The Servers tab; made when the manager first opens."""
        from desktop.remote.qt.servers_panel import ServersPanel

        self.panel = ServersPanel(self.listings)
        return self.panel

    def fault_text(self, fault: str, host: str, retry_after: float | None) -> str:
        return self.messages.fault_text(fault, host, retry_after)

    def key_for(self, server_id: str) -> str:
        """The key of a server (on the engine's thread; "" when it has none)."""
        entry = self.servers.get(server_id)
        return self.keys.get(server_id) if entry is not None and entry.has_key else ""

    def make_engine(self) -> LoadingBackend:
        """The remote engine, made on the engine's thread at the first remote load."""
        from desktop.remote.engine import RemoteEngine

        return RemoteEngine(self.servers.by_url, self.key_for)


def list_models(entry: ServerEntry, key: str) -> tuple[RemoteModel, ...]:
    """Blocking listing for the picker and the Servers tab (a pool thread)."""
    from desktop.remote.listing import list_server_models

    return list_server_models(entry.base_url, key, entry.preset)
