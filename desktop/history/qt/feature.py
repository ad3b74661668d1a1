"""The history feature in the window: the chat list, search, trash, export and import.

Installs into the shell (desktop/shell/feature.py): the chat list as the side panel (View › Show
chat list), Search chats and Trash… in the Chat menu, Export chat…, Export all chats… and
Import chats… in the File menu. Renaming, pinning and deleting (with Undo in the status bar)
happen here; export and import are desktop/history/qt/transfers.py's (export-all and import
run on a pool thread with progress and Cancel).

It reaches the chat through :class:`ChatPort` (new chat, show a message) and the session
through its public methods, both wired by desktop/app.py, so it imports nothing of the chat.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QPushButton

from desktop.core.conversation import ConversationSummary
from desktop.history.qt.sidebar import Sidebar
from desktop.history.qt.transfers import ChatTransfers
from desktop.shell.feature import Shell, add_command
from desktop.store.conversations import ConversationStore, StoreProblem

if TYPE_CHECKING:
    from desktop.history.qt.trash_dialog import TrashDialog

# Dialogs, export and import are imported where first used (tests/e2e/test_startup.py).

__all__ = ["ChatPort", "HistoryFeature"]


class ChatPort(Protocol):
    """What the history asks of the chat feature (desktop/chat/qt/feature.py)."""

    def new_chat(self) -> None: ...
    def reveal(self, row: int, highlight: str | None) -> None: ...


class HistoryFeature(QObject):
    """The chat list and what is done with stored chats; made by the app, installed once.

    Signals:
        None (export and import: :attr:`transfers`).
    """

    def __init__(self, session: Any, chat: ChatPort) -> None:
        super().__init__()
        self.session = session
        self.chat = chat
        self.shell: Shell  # set by install()
        self.sidebar = Sidebar()
        self.trash_dialog: TrashDialog | None = None
        self._undo_button: QPushButton | None = None
        self._search_text = ""

    @property
    def store(self) -> ConversationStore:
        return self.session.store

    def install(self, shell: Shell) -> None:
        """Puts the chat list, the history actions and the export/import entries into
        ``shell``."""
        self.shell = shell
        self.setParent(shell)
        self.transfers = ChatTransfers(self.session, shell)
        """Export and import (File menu), off the GUI thread where it matters."""
        self.transfers.imported.connect(self.refresh_conversations)
        transfers = self.transfers
        shell.set_side_panel(self.sidebar, self.tr("Show chat &list"))

        add = partial(add_command, shell)

        self.search_action = add(
            "chat", "search", self.tr("&Search chats"), self.sidebar.focus_search, "Ctrl+K"
        )
        self.trash_action = add("chat", "trash", self.tr("&Trash…"), self.show_trash)
        self.export_action = add(
            "file", "export", self.tr("&Export chat…"), transfers.choose_export, "Ctrl+E"
        )
        self.export_all_action = add(
            "file", "export", self.tr("Export &all chats…"), transfers.choose_export_all
        )
        self.import_action = add(
            "file", "export", self.tr("&Import chats…"), transfers.choose_import
        )
        session = self.session
        session.conversation_changed.connect(self.on_session_conversation_changed)
        session.conversation_opened.connect(self.on_session_conversation_opened)
        session.conversation_removed.connect(self.sidebar.model().remove)
        bar = self.sidebar
        bar.conversation_selected.connect(self.open_conversation)
        bar.new_chat_requested.connect(self.chat.new_chat)
        bar.rename_requested.connect(self.on_sidebar_rename_requested)
        bar.pin_requested.connect(self.on_sidebar_pin_requested)
        bar.delete_requested.connect(self.delete_conversation)
        bar.search_changed.connect(self.on_sidebar_search_changed)
        bar.search_hit_activated.connect(self.on_sidebar_search_hit_activated)
        bar.trash_requested.connect(self.show_trash)

    # State -----------------------------------------------------------------------------------

    def restore_state(self) -> None:
        """The conversation list and the chat that was open last time."""
        self.refresh_conversations()
        last = int(self.shell.settings.get("chat.last_conversation"))
        if last:
            self.open_conversation(last)

    def state_to_remember(self) -> dict[str, object]:
        """Settings to store at shutdown: the open chat, reopened next time."""
        return {"chat.last_conversation": self.session.conversation_id or 0}

    def shutdown(self) -> None:
        """Stops a running export (what it wrote is removed) and waits for it."""
        self.transfers.shutdown()

    def show_store_problem(self, problem: StoreProblem) -> None:
        self.shell.show_error(
            self.tr("Your chat history was set aside"),
            self.tr(
                "The chat database could not be used ({reason}). It was moved, not deleted, to:"
                "\n{path}\nHearthside started with a new, empty history."
            ).format(reason=problem.detail, path=str(problem.moved_to)),
        )

    # The chat list ---------------------------------------------------------------------------

    def refresh_conversations(self) -> None:
        """Reload the sidebar: its first page now, later pages as the list is scrolled."""
        store = self.store
        self.sidebar.model().set_source(
            lambda after, limit: store.list_conversations(limit, after=after)
        )
        self._list_open_conversation()
        self.sidebar.set_current(self.session.conversation_id)

    def _list_open_conversation(self) -> None:
        """The open chat may be older than the pages fetched so far: list it anyway, so it
        is highlighted (the model places it in order; a later page does not repeat it)."""
        conversation_id = self.session.conversation_id
        if conversation_id is not None and self.sidebar.model().row_of(conversation_id) is None:
            self._relist(conversation_id)

    @Slot(int)
    def open_conversation(self, conversation_id: int) -> bool:
        if conversation_id == self.session.conversation_id and not self.session.is_streaming:
            return True
        if not self.session.open_conversation(conversation_id):
            self.sidebar.model().remove(conversation_id)
            return False
        return True

    @Slot(object)
    def on_session_conversation_opened(self, summary: ConversationSummary | None) -> None:
        if summary is not None and self.sidebar.model().row_of(summary.id) is None:
            self.sidebar.model().upsert(summary)  # older than the pages fetched so far
        self.sidebar.set_current(summary.id if summary is not None else None)

    @Slot(object)
    def on_session_conversation_changed(self, summary: ConversationSummary) -> None:
        self.sidebar.model().upsert(summary)
        self.sidebar.set_current(summary.id)

    @Slot(int, str)
    def on_sidebar_rename_requested(self, conversation_id: int, title: str) -> None:
        self.store.rename(conversation_id, title)
        self._relist(conversation_id)

    @Slot(int, bool)
    def on_sidebar_pin_requested(self, conversation_id: int, pinned: bool) -> None:
        self.store.set_pinned(conversation_id, pinned)
        self._relist(conversation_id)

    def _relist(self, conversation_id: int) -> None:
        """The chat's row as the store has it now (added when it was not listed)."""
        summary = self.store.get_conversation(conversation_id)
        if summary is not None:
            self.sidebar.model().upsert(summary)

    @Slot(int)
    def delete_conversation(self, conversation_id: int) -> None:
        """Moves a conversation to the trash and offers Undo for a while."""
        summary = self.store.get_conversation(conversation_id)
        if summary is None:
            return
        if conversation_id == self.session.conversation_id:
            self.chat.new_chat()
        self.store.delete_conversation(conversation_id)
        self.sidebar.model().remove(conversation_id)
        self.offer_undo(
            self.tr("“{title}” was moved to the trash.").format(title=summary.title or "…"),
            lambda: self.restore_conversation(conversation_id),
        )

    def restore_conversation(self, conversation_id: int) -> None:
        self.store.restore(conversation_id)
        self._relist(conversation_id)

    @property
    def undo_button(self) -> QPushButton | None:
        """The status bar's Undo for the last deletion, while it is offered."""
        return self._undo_button

    def offer_undo(self, text: str, undo: Callable[[], None]) -> None:
        shell = self.shell
        if self._undo_button is not None:
            shell.remove_status_widget(self._undo_button)
            self._undo_button.deleteLater()
        button = QPushButton(self.tr("Undo"))
        button.setFlat(True)

        def on_undo() -> None:
            undo()
            shell.clear_status_message()
            button.hide()

        button.clicked.connect(on_undo)
        shell.add_status_widget("undo", button, left=True)
        shell.show_status_message(text, 10_000)
        self._undo_button = button
        QTimer.singleShot(10_000, button, button.hide)

    def withdraw_undo(self) -> None:
        """The trash changed by hand: an Undo still offered would be stale."""
        if self._undo_button is not None and self._undo_button.isVisible():
            self._undo_button.hide()
            self.shell.clear_status_message()

    def show_trash(self) -> TrashDialog:
        from desktop.history.qt.trash_dialog import TrashDialog

        dialog = TrashDialog(self.shell)
        dialog.set_items(self.store.list_trash())

        def on_restore(conversation_id: int) -> None:
            self.restore_conversation(conversation_id)
            self.withdraw_undo()  # what it offered to undo is undone, or out of reach
            dialog.set_items(self.store.list_trash())

        def on_purge(conversation_id: int) -> None:
            self.store.purge_conversation(conversation_id)
            self.withdraw_undo()
            dialog.set_items(self.store.list_trash())

        def on_empty() -> None:
            for item in self.store.list_trash():
                self.store.purge_conversation(item.id)
            self.withdraw_undo()
            dialog.set_items(())

        dialog.restore_requested.connect(on_restore)
        dialog.purge_requested.connect(on_purge)
        dialog.empty_requested.connect(on_empty)
        dialog.open()
        self.trash_dialog = dialog
        return dialog

    @Slot(str)
    def on_sidebar_search_changed(self, text: str) -> None:
        self._search_text = text
        self.sidebar.set_search_results(self.store.search(text) if text.strip() else ())

    @Slot(int, object)
    def on_sidebar_search_hit_activated(self, conversation_id: int, message_id: object) -> None:
        if not self.open_conversation(conversation_id):
            return
        if isinstance(message_id, int):
            session = self.session
            session.show_branch_of(message_id)  # the hit may be on another branch
            row = session.messages.row_of_message(message_id)
            while row is None and session.messages.rowCount() < session.path_length:
                session.show_earlier()
                row = session.messages.row_of_message(message_id)
            if row is not None:
                self.chat.reveal(row, self._search_text.strip() or None)
