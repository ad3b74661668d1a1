"""The Servers tab of the model manager: the user's servers, their models, and Add server….

Every network call (listing models, through the listings the model picker shares: listings.py)
and every keychain call runs on a pool thread (qtkit/background_calls.py); the window never waits
for a server. What a server says (model
names, error words) is untrusted and shown as plain text only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.remote import locator_host, remote_locator
from desktop.qtkit.background_calls import BackgroundCalls
from desktop.qtkit.dialog_buttons import ok_cancel_buttons
from desktop.qtkit.plain_text import ask_plain, note_label, plain_tooltip
from desktop.qtkit.stylesheet import tidy_forms
from desktop.remote.keys import NoKeychainError
from desktop.remote.qt.listings import ServerListings
from desktop.remote.servers import (
    PRESET_URLS,
    Preset,
    ServerEntry,
    check_base_url,
    with_api_path,
)

__all__ = ["AddServerDialog", "ServersPanel"]

ID_ROLE = Qt.ItemDataRole.UserRole


class AddServerDialog(QDialog):
    """Name, preset, base URL and an optional API key for a new server, or, given ``entry``,
    the same for a server already added (Edit…): its key is never shown; an empty key field
    keeps it, a new key replaces it.

    Signals:
        None.
    """

    def __init__(
        self, keychain: bool, parent: QWidget | None = None, entry: ServerEntry | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit server") if entry is not None else self.tr("Add server"))
        form = QFormLayout(self)
        self.preset = QComboBox()
        names = {
            Preset.LLAMA_SERVER: self.tr("llama.cpp llama-server"),
            Preset.VLLM: self.tr("vLLM"),
            Preset.OLLAMA: self.tr("Ollama (OpenAI-compatible /v1)"),
            Preset.LM_STUDIO: self.tr("LM Studio server"),
            Preset.OTHER: self.tr("Other OpenAI-compatible (OpenAI, OpenRouter, a gateway)"),
        }
        for preset, label in names.items():
            self.preset.addItem(label, preset.value)
        self.name = QLineEdit()
        self.url = QLineEdit(PRESET_URLS[Preset.LLAMA_SERVER])
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("Optional"))
        if entry is not None:
            self.preset.setCurrentIndex(max(0, self.preset.findData(entry.preset.value)))
            self.name.setText(entry.name)
            self.url.setText(entry.base_url)
            if entry.has_key:
                self.key.setPlaceholderText(self.tr("Kept (type a new key to replace it)"))
        form.addRow(self.tr("Kind:"), self.preset)
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Address:"), self.url)
        self.show_key = QCheckBox(self.tr("Show"))
        self.show_key.setToolTip(self.tr("Show the key as you type it"))
        self.show_key.toggled.connect(
            lambda shown: self.key.setEchoMode(
                QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
            )
        )
        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.show_key)
        form.addRow(self.tr("API key:"), key_row)
        where = (
            self.tr("The key is kept in the system keychain, never in Hearthside's settings.")
            if keychain
            else self.tr(
                "This system has no keychain: Hearthside will ask before keeping the key in a "
                "file only you can read."
            )
        )
        if entry is None:  # said before adding; an edited server is already in use
            where += "\n" + self.tr(
                "Nothing is sent anywhere until you add a server; then your chats with its "
                "models go to it."
            )
        note = note_label(where, is_muted=False)
        form.addRow(note)
        self.problem = note_label("", is_muted=False)
        form.addRow(self.problem)
        form.addRow(ok_cancel_buttons(self))
        tidy_forms(self)
        self.preset.currentIndexChanged.connect(self.on_preset_changed)
        self.named_at: Callable[[str], str] = lambda _url: ""
        """The name of another server already added at an address ("" for none): two
        entries for one server would each keep a key, and only the first would be used."""

    @property
    def chosen_preset(self) -> Preset:
        return Preset(self.preset.currentData())

    def base_url(self) -> str:
        """The address as typed, with ``/v1`` added to a bare server address
        (servers.with_api_path)."""
        return with_api_path(self.url.text())

    @Slot(int)
    def on_preset_changed(self, _index: int) -> None:
        if self.url.text().strip() in PRESET_URLS.values() or not self.url.text().strip():
            self.url.setText(PRESET_URLS[self.chosen_preset])

    def accept(self) -> None:
        if check_base_url(self.url.text()) is not None:
            self.problem.setText(
                self.tr(
                    "The address must look like http://host:port/v1 (no user name or password "
                    "in it: put a key in the API key field)."
                )
            )
            return
        same = self.named_at(self.base_url())
        if same:
            self.problem.setText(
                self.tr(
                    "“{name}” already has this address. Select it and use Edit… to change it."
                ).format(name=same)
            )
            return
        super().accept()


class ServersPanel(QWidget):
    """The user's servers on the left, the selected one's models on the right.

    Signals:
        load_requested(str locator): the user chose a model to chat with.
    """

    load_requested = Signal(str)

    def __init__(self, listings: ServerListings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.listings = listings
        """The servers, their keys and models, shared with the model picker (one request
        serves both)."""
        self.servers = listings.servers
        self.keys = listings.keys
        self.calls = BackgroundCalls(self)
        self.ask_file_consent: Callable[[], bool] = self._ask_file_consent
        self.confirm_remove: Callable[[ServerEntry], bool] = self._confirm_remove
        """Asks before Remove (tests answer without a dialog)."""
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.server_list = QListWidget()
        left.addWidget(QLabel(self.tr("Servers")))
        left.addWidget(self.server_list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add server…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setToolTip(self.tr("Change the server's name, address or API key"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.server_buttons = (self.edit_button, self.remove_button, self.refresh_button)
        """What needs a server selected (disabled while the list is empty)."""
        for button in (self.add_button, *self.server_buttons):
            buttons.addWidget(button)
        left.addLayout(buttons)
        layout.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Models on this server")))
        self.model_list = QListWidget()
        right.addWidget(self.model_list, 1)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        right.addWidget(self.status)
        self.use_button = QPushButton(self.tr("Chat with this model"))
        right.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignRight)  # as Browse's Download
        layout.addLayout(right, 2)
        self.add_button.clicked.connect(self.show_add_dialog)
        self.edit_button.clicked.connect(self.show_edit_dialog)
        self.remove_button.clicked.connect(self.remove_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.use_button.clicked.connect(self.use_selected)
        self.model_list.itemActivated.connect(lambda _item: self.use_selected())
        self.server_list.currentItemChanged.connect(lambda *_: self.show_selected())
        listings.listing_changed.connect(self.on_listing_changed)
        self.fill_servers()

    # Servers -----------------------------------------------------------------------------------

    def fill_servers(self, select: str = "") -> None:
        self.server_list.blockSignals(True)
        self.server_list.clear()
        for entry in self.servers.entries:
            item = QListWidgetItem(f"{entry.name} — {locator_host(entry.base_url)}")
            item.setData(ID_ROLE, entry.id)
            item.setToolTip(plain_tooltip(entry.base_url))
            self.server_list.addItem(item)
            if entry.id == select:
                self.server_list.setCurrentItem(item)
        self.server_list.blockSignals(False)
        if self.server_list.currentItem() is None and self.server_list.count():
            self.server_list.setCurrentRow(0)
        else:
            self.show_selected()

    def selected_server(self) -> ServerEntry | None:
        item = self.server_list.currentItem()
        return self.servers.get(str(item.data(ID_ROLE))) if item is not None else None

    def show_add_dialog(self) -> None:
        from desktop.remote.keys import keychain_available

        dialog = AddServerDialog(keychain_available(), self)
        dialog.named_at = self.named_at
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        url = dialog.base_url()
        self.add_server(
            dialog.name.text().strip() or locator_host(url),
            url,
            dialog.chosen_preset,
            dialog.key.text().strip(),
        )

    def show_edit_dialog(self) -> None:
        """Edit…: the selected server's name, kind, address and key (an empty key field keeps
        the key it has)."""
        from desktop.remote.keys import keychain_available

        entry = self.selected_server()
        if entry is None:
            return
        dialog = AddServerDialog(keychain_available(), self, entry)
        dialog.named_at = lambda url: self.named_at(url, besides=entry.id)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        url = dialog.base_url()
        self.edit_server(
            entry.id,
            dialog.name.text().strip() or locator_host(url),
            url,
            dialog.chosen_preset,
            dialog.key.text().strip(),
        )

    def named_at(self, url: str, besides: str = "") -> str:
        """The name of the server (other than ``besides``) added at ``url``, or ""."""
        found = self.servers.by_url(url)
        return found.name or url if found is not None and found.id != besides else ""

    def add_server(self, name: str, url: str, preset: Preset, key: str = "") -> ServerEntry:
        """Adds and saves the server; its key goes to the keychain on a pool thread first
        (the listing waits for it)."""
        entry = ServerEntry.new(name, url, preset, has_key=bool(key))
        self.servers.add(entry)
        self._save()
        if key:
            self._keep_key(entry, key, had_key=False)
        else:
            self.fill_servers(entry.id)
        return entry

    def edit_server(
        self, server_id: str, name: str, url: str, preset: Preset, key: str = ""
    ) -> ServerEntry | None:
        """Changes and saves the server (same id, so its key stays with it); a non-empty
        ``key`` replaces its key. Its models are asked for again. A chat already on one of
        its models sends the new key from its next reply on (the engine reads it again when
        the server refuses the old one); a new address needs the model chosen again."""
        old = self.servers.get(server_id)
        if old is None:
            return None
        entry = replace(
            old,
            name=name.strip(),
            base_url=url.strip().rstrip("/"),
            preset=preset,
            has_key=old.has_key or bool(key),
        )
        self.servers.update(entry)
        self.listings.forget(entry.id)
        self._save()
        if key:
            self._keep_key(entry, key, had_key=old.has_key)
        else:
            self.fill_servers(entry.id)
        return entry

    def _keep_key(self, entry: ServerEntry, key: str, had_key: bool) -> None:
        self.status.setText(self.tr("Keeping the key…"))
        self.calls.start(
            lambda: self.keys.store(entry.id, key),
            lambda _where: self._key_kept(entry),
            lambda error: self._key_not_kept(entry, key, error, had_key),
        )

    def _confirm_remove(self, entry: ServerEntry) -> bool:
        question = self.tr("Remove “{name}” ({host}) from your servers?").format(
            name=entry.name, host=locator_host(entry.base_url)
        )
        if entry.has_key:
            question += " " + self.tr("Its API key is deleted too.")
        return ask_plain(self, self.tr("Remove server"), question)

    def _ask_file_consent(self) -> bool:
        return ask_plain(
            self,
            self.tr("No keychain"),
            self.tr(
                "This system has no keychain to keep the API key in. Keep it in a file in "
                "Hearthside's data folder that only you can read? Otherwise the server is "
                "added without the key."
            ),
        )

    def _key_not_kept(
        self, entry: ServerEntry, key: str, error: Exception, had_key: bool = False
    ) -> None:
        if isinstance(error, NoKeychainError) and self.ask_file_consent():
            self.calls.start(
                lambda: self.keys.store(entry.id, key, allow_file=True),
                lambda _where: self._key_kept(entry),
                lambda _error: self._key_lost(entry, had_key),
            )
            return
        self._key_lost(entry, had_key)

    def _key_kept(self, entry: ServerEntry) -> None:
        self.listings.forget(entry.id)  # an answer asked without the key does not count
        self.fill_servers(entry.id)

    def _key_lost(self, entry: ServerEntry, had_key: bool = False) -> None:
        self.listings.forget(entry.id)
        self.servers.with_key(entry.id, had_key)
        self._save()
        self.fill_servers(entry.id)
        self.status.setText(
            self.tr("The new key was not kept; the server keeps its earlier key.")
            if had_key
            else self.tr("The server was added without its key.")
        )

    def remove_selected(self) -> None:
        """Remove: after a yes (the key goes too, and cannot be shown again to copy it)."""
        entry = self.selected_server()
        if entry is None or not self.confirm_remove(entry):
            return
        self.servers.remove(entry.id)
        self.listings.forget(entry.id)
        self._save()
        if entry.has_key:
            self.calls.start(lambda: self.keys.delete(entry.id), lambda _r: None, lambda _e: None)
        self.model_list.clear()
        self.fill_servers()

    def _save(self) -> None:
        try:
            self.servers.save()
        except OSError as error:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Servers not saved"), "")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setText(str(error))
            box.setParent(self, Qt.WindowType.Dialog)
            box.open()

    # Models ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Asks the selected server for its models again (Refresh), on a pool thread."""
        self.show_selected(again=True)

    def show_selected(self, again: bool = False) -> None:
        """Shows the selected server's models: its last answer when it is fresh, else the
        answer the listings ask for."""
        self.model_list.clear()
        entry = self.selected_server()
        self.use_button.setEnabled(False)
        for button in self.server_buttons:
            button.setEnabled(entry is not None)
        if entry is None:
            self.status.setText(self.tr("Add a server to chat with the models it runs."))
            return
        if self.listings.ask(entry, again):
            self.status.setText(self.tr("Asking {host}…").format(host=locator_host(entry.base_url)))
        else:
            self.on_listing_changed(entry.id)

    @Slot(str)
    def on_listing_changed(self, server_id: str) -> None:
        """Fills the models from the server's answer when it is the selected one."""
        entry = self.selected_server()
        listing = self.listings.get(server_id)
        if entry is None or entry.id != server_id or listing is None:
            return
        self.model_list.clear()
        host = locator_host(entry.base_url)
        if listing.fault:
            self.use_button.setEnabled(False)
            detail = listing.detail
            self.status.setText(f"{listing.fault}\n{detail}" if detail else listing.fault)
            return
        models = listing.models
        for model in models:
            context = (
                self.tr("{n} tokens of context").format(n=f"{model.context_length:,}")
                if model.context_length
                else self.tr("context not stated")
            )
            item = QListWidgetItem(f"{model.id}  ·  {context}")
            item.setData(ID_ROLE, remote_locator(entry.base_url, model.id))
            self.model_list.addItem(item)
        if models:
            self.model_list.setCurrentRow(0)
        self.use_button.setEnabled(bool(models))
        self.status.setText(
            self.tr("%n model(s) on {host}.", "", len(models)).format(host=host)
            if models
            else self.tr("{host} lists no models.").format(host=host)
        )

    def use_selected(self) -> None:
        item = self.model_list.currentItem()
        if item is not None:
            self.load_requested.emit(str(item.data(ID_ROLE)))
