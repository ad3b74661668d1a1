"""Puts the document collections into the shell: File › Document collections…
(Ctrl+Shift+D), the chips above the composer, and the Sources dock that citations open.

Installed like every feature (desktop/shell/feature.py): the shell works (and its tests run)
without documents, and the feature's wiring lives in one place. desktop/app.py connects the
chat view's citations to :meth:`DocumentsFeature.show_source`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QModelIndex, QObject, Qt, SignalInstance, Slot
from PySide6.QtWidgets import QDockWidget

from desktop.documents.qt.collection_chips import CollectionChips
from desktop.documents.qt.collections import DocumentCollections
from desktop.documents.qt.retriever import CollectionsRetriever
from desktop.shell.feature import Shell, add_command
from desktop.shell.single_instance import bring_to_front

if TYPE_CHECKING:
    from desktop.core.conversation import MessageSource
    from desktop.documents.qt.collections_dialog import CollectionsDialog
    from desktop.documents.qt.sources_panel import SourcesPanel

__all__ = ["DocumentsChat", "DocumentsFeature"]


class DocumentsChat(Protocol):
    """What this feature needs of the chat (desktop/app.py passes the ChatSession): the
    collections attached to the open chat, a place for the retriever, and the message list
    whose citations the Sources dock shows. A protocol, because features do not import each
    other."""

    attached_changed: SignalInstance
    conversation_opened: SignalInstance

    @property
    def attached(self) -> tuple[int, ...]: ...

    @property
    def messages(self) -> Any:
        """The chat's message list model (rowCount, row_data, row_of_message, its resets and
        changes; its rows' passages under the role named "sources", their ids "messageId")."""

    def attach_collection(self, collection_id: int) -> None: ...

    def detach_collection(self, collection_id: int) -> None: ...

    def set_retriever(self, retriever: CollectionsRetriever) -> None: ...


class DocumentsFeature(QObject):
    """The window's document parts, made once by :meth:`install`.

    Signals:
        None.
    """

    def __init__(self, session: DocumentsChat, documents: DocumentCollections) -> None:
        super().__init__()
        self.window: Shell  # the shell, set by install()
        self.documents = documents
        self.session = session
        self.dialog: CollectionsDialog | None = None
        self.chips = CollectionChips(documents)
        self._panel: SourcesPanel | None = None
        self._on_panel: tuple[Sequence[MessageSource], int | None] = ((), None)
        """What the panel shows, or will when it is made: (sources, selected number)."""
        self._shown_message_id: int | None = None  # the reply whose passage the panel shows
        self._latest: tuple[object, object] = (None, ())
        """(message id, sources) of the newest row as last seen: its sources show when they
        change (a new reply's passages), not on every other change of that row."""
        self._roles: dict[bytes, int] = {}

    def install(self, shell: Shell) -> None:
        """The menu entry, the chips' signals and the (hidden) Sources dock, whose panel is made
        when the dock first shows (:attr:`panel`): most chats cite nothing."""
        self.window = shell
        self.setParent(shell)
        self.action = add_command(
            shell,
            "file",
            "documents",
            self.tr("Document &collections…"),
            self.show_dialog,
            "Ctrl+Shift+D",
        )

        # The chips go into the chat's composer card: desktop/app.py places them there.
        self.chips.attach_requested.connect(self.attach)
        self.chips.detach_requested.connect(self.session.detach_collection)
        self.chips.manage_requested.connect(self.show_dialog)

        self.dock = QDockWidget(self.tr("Sources"), shell)
        self.dock.setObjectName("sourcesDock")
        self.dock.visibilityChanged.connect(self.on_dock_visibility_changed)
        self.dock.setAllowedAreas(
            Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea
        )
        shell.add_dock(self.dock, Qt.DockWidgetArea.RightDockWidgetArea)
        self.dock.hide()

        messages = self.session.messages
        messages.modelReset.connect(self.on_messages_changed)
        messages.rowsRemoved.connect(self.on_messages_changed)
        messages.rowsInserted.connect(self.on_messages_rows_inserted)
        messages.dataChanged.connect(self.on_messages_data_changed)
        self._roles = {bytes(name): role for role, name in messages.roleNames().items()}

        self.retriever = CollectionsRetriever(self.documents, self)
        self.session.set_retriever(self.retriever)
        self.session.attached_changed.connect(self.on_session_attached_changed)
        self.session.conversation_opened.connect(self.on_session_conversation_opened)
        self.chips.set_attached(self.session.attached)

    @property
    def panel(self) -> SourcesPanel:
        """The Sources dock's content, made (and put in the dock) on first use."""
        if self._panel is None:
            from desktop.documents.qt.sources_panel import SourcesPanel

            self._panel = SourcesPanel()
            self.dock.setWidget(self._panel)
            self._panel.show_sources(*self._on_panel)
        return self._panel

    @Slot(bool)
    def on_dock_visibility_changed(self, visible: bool) -> None:
        if visible:
            _ = self.panel  # the dock shows: its panel is made now if it was not yet

    def show_sources(self, sources: Sequence[MessageSource], number: int | None = None) -> None:
        """The panel shows ``sources`` with ``number`` selected (see SourcesPanel), now or when
        it is made."""
        self._on_panel = (sources, number)
        if self._panel is not None:
            self._panel.show_sources(sources, number)

    def show_dialog(self) -> CollectionsDialog:
        if self.dialog is None:
            # Imported on first use: the window opens without the dialog's code.
            from desktop.documents.qt.collections_dialog import CollectionsDialog

            self.dialog = CollectionsDialog(self.documents, self.window)
            self.dialog.embedding_model_chosen.connect(self.on_dialog_embedding_model_chosen)
        self.documents.refresh()
        bring_to_front(self.dialog)
        return self.dialog

    @Slot(str)
    def on_dialog_embedding_model_chosen(self, path: str) -> None:
        settings = self.window.settings
        settings.set("documents.embedding_model", path)
        try:
            settings.save()
        except OSError as error:
            self.window.show_error(self.tr("Settings were not saved"), str(error))

    @Slot(int)
    def attach(self, collection_id: int) -> None:
        self.session.attach_collection(collection_id)

    @Slot(object)
    def on_session_attached_changed(self, ids: tuple[int, ...]) -> None:
        self.chips.set_attached(ids)
        for collection_id in ids:
            # Opening a chat with collections (or attaching one) picks up changed files; the
            # check is a stat per file when nothing changed.
            self.documents.update(collection_id)

    @Slot(object)
    def on_session_conversation_opened(self, _summary: object) -> None:
        """The panel showed a passage of the chat that left: it shows none until asked."""
        self._forget_source()

    @Slot()
    def on_messages_changed(self) -> None:
        """Another branch shown, or the reply deleted: a passage of a reply that is no longer
        on screen goes too."""
        if self._shown_message_id is None:
            return
        if self.session.messages.row_of_message(self._shown_message_id) is None:
            self._forget_source()

    @Slot(QModelIndex, int, int)
    def on_messages_rows_inserted(self, _parent: QModelIndex, _first: int, last: int) -> None:
        """A new turn at the end (not older messages paged in above): the passages of an
        earlier reply are not this one's; the new reply's show when they come."""
        if last == self.session.messages.rowCount() - 1:
            self._latest = (None, ())
            self._forget_source()

    @Slot(QModelIndex, QModelIndex, list)
    def on_messages_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int]
    ) -> None:
        """The newest reply got its passages: the panel shows them (the reply being written
        is the one the user reads), without opening the dock."""
        model = self.session.messages
        sources_role = self._roles.get(b"sources")
        last = model.rowCount() - 1
        if sources_role is None or not top_left.row() <= last <= bottom_right.row():
            return
        if roles and sources_role not in roles:
            return  # the text streaming in: nothing about passages
        index = model.index(last, 0)
        message_id = model.data(index, self._roles.get(b"messageId", -1))
        sources = tuple(model.data(index, sources_role) or ())
        if (message_id, sources) == self._latest:
            return
        self._latest = (message_id, sources)
        if sources:
            self._shown_message_id = message_id
            self.show_sources(sources)

    def _forget_source(self) -> None:
        self._shown_message_id = None
        self.show_sources(())

    @Slot(int, int)
    def show_source(self, row: int, number: int) -> None:
        """Citation [number] of the reply at ``row``: the dock shows that passage."""
        model = self.session.messages
        if not 0 <= row < model.rowCount():
            return
        shown = model.row_data(row)
        self._shown_message_id = shown.message_id
        self.show_sources(shown.sources, number)
        if self.dock.isHidden():
            self.dock.show()
            # A third of the window, within what a passage needs to be readable.
            width = max(220, min(360, self.window.width() // 3))
            self.window.resizeDocks([self.dock], [width], Qt.Orientation.Horizontal)
        self.dock.raise_()
