"""The history feature in the window: the chat list, search, trash, export and import.

Installs into the shell (desktop/shell/feature.py): the chat list as the side panel (View › Show
chat list), Search chats and Trash… in the Chat menu, Export chat…, Export all chats… and
Import chats… in the File menu. Renaming, pinning and deleting (with Undo in the status bar)
happen here; export-all and import run on a pool thread with progress and Cancel
(desktop/history/qt/transfer_jobs.py).

It reaches the chat through :class:`ChatPort` (new chat, show a message) and the session
through its public methods, both wired by desktop/app.py, so it imports nothing of the chat.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QDialog, QFileDialog, QProgressDialog, QPushButton

from desktop.core.conversation import ConversationSummary
from desktop.history.qt.sidebar import Sidebar
from desktop.shell.feature import Shell
from desktop.store.conversations import ConversationStore, StoreError, StoreProblem

if TYPE_CHECKING:
    from desktop.history.qt.transfer_jobs import TransferJob
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
        export_finished(bool written): an export of all chats ended (False: failed or
            cancelled, nothing written).
        import_finished(int added): an import ended; how many chats it added (0 on failure).
    """

    export_finished = Signal(bool)
    import_finished = Signal(int)

    def __init__(self, session: Any, chat: ChatPort) -> None:
        super().__init__()
        self.session = session
        self.chat = chat
        self.shell: Shell  # set by install()
        self.sidebar = Sidebar()
        self.trash_dialog: TrashDialog | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.job: TransferJob | None = None
        """The export or import running on the pool, if any."""
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._undo_button: QPushButton | None = None
        self._search_text = ""
        self._job_path = Path()  # what the running export writes, or the import reads

    @property
    def store(self) -> ConversationStore:
        return self.session.store

    def install(self, shell: Shell) -> None:
        """Puts the chat list, the history actions and the export/import entries into
        ``shell``."""
        self.shell = shell
        self.setParent(shell)
        shell.set_side_panel(self.sidebar, self.tr("Show chat &list"))

        def add(menu: str, group: str, text: str, slot: Callable[[], object], key: Any = None):
            action = shell.make_action(text, key)
            action.triggered.connect(slot)
            return shell.add_action(menu, group, action)

        self.search_action = add(
            "chat", "search", self.tr("&Search chats"), self.sidebar.focus_search, "Ctrl+K"
        )
        self.trash_action = add("chat", "trash", self.tr("&Trash…"), self.show_trash)
        self.export_action = add(
            "file", "export", self.tr("&Export chat…"), self.choose_export, "Ctrl+E"
        )
        self.export_all_action = add(
            "file", "export", self.tr("Export &all chats…"), self.choose_export_all
        )
        self.import_action = add("file", "export", self.tr("&Import chats…"), self.choose_import)
        session = self.session
        session.conversation_changed.connect(self.on_session_conversation_changed)
        session.conversation_opened.connect(self.on_session_conversation_opened)
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
        """Stops a running export (what it wrote is removed) and waits for the pool."""
        if self.job is not None:
            self.job.cancel()
        self.pool.waitForDone()

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
            summary = self.store.get_conversation(conversation_id)
            if summary is not None:
                self.sidebar.model().upsert(summary)

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
        QTimer.singleShot(10_000, button.hide)

    def show_trash(self) -> TrashDialog:
        from desktop.history.qt.trash_dialog import TrashDialog

        dialog = TrashDialog(self.shell)
        dialog.set_items(self.store.list_trash())

        def on_restore(conversation_id: int) -> None:
            self.restore_conversation(conversation_id)
            dialog.set_items(self.store.list_trash())

        def on_purge(conversation_id: int) -> None:
            self.store.purge_conversation(conversation_id)
            dialog.set_items(self.store.list_trash())

        def on_empty() -> None:
            for item in self.store.list_trash():
                self.store.purge_conversation(item.id)
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

    # Export and import -----------------------------------------------------------------------

    def choose_export(self) -> None:
        from desktop.history.qt.export_dialog import ExportDialog, default_file_name, filter_for

        conversation_id = self.session.conversation_id
        if conversation_id is None:
            self.shell.show_error(self.tr("Nothing to export"), self.tr("Send a message first."))
            return
        dialog = ExportDialog(all_chats=False, parent=self.shell)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        summary = self.store.get_conversation(conversation_id)
        title = summary.title if summary is not None else ""
        path, _ = QFileDialog.getSaveFileName(
            self.shell,
            self.tr("Export chat"),
            str(Path.home() / default_file_name(title, dialog.format)),
            filter_for(dialog.format),
        )
        if path:
            self.export_conversation_to(
                Path(path),
                dialog.format,
                dialog.all_branches.isChecked(),
                include_thinking=dialog.include_thinking.isChecked(),
            )

    def export_conversation_to(
        self, path: Path, fmt: str, all_branches: bool, *, include_thinking: bool = True
    ) -> bool:
        """The open chat into one file (quick, so on the GUI thread); False on failure."""
        from desktop.history.qt.export_dialog import export_one

        conversation_id = self.session.conversation_id
        if conversation_id is None:
            return False
        try:
            export_one(self.store, conversation_id, path, fmt, all_branches, include_thinking)
        except OSError as error:
            self.shell.show_error(
                self.tr("Export failed"),
                self.tr("“{name}” could not be written: {reason}").format(
                    name=path.name, reason=error.strerror or str(error)
                ),
            )
            return False
        self.shell.show_status_message(self.tr("Exported to {path}").format(path=str(path)), 8000)
        return True

    def choose_export_all(self) -> None:
        from desktop.history.qt.export_dialog import ExportDialog

        dialog = ExportDialog(all_chats=True, parent=self.shell)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        as_zip = dialog.as_zip.isChecked()
        if as_zip:
            path, _ = QFileDialog.getSaveFileName(
                self.shell,
                self.tr("Export all chats"),
                str(Path.home() / "hearthside-chats.zip"),
                self.tr("Zip archives (*.zip)"),
            )
        else:
            path = QFileDialog.getExistingDirectory(self.shell, self.tr("Export all chats to"))
        if path:
            self.export_all_to(
                Path(path),
                dialog.format,
                as_zip,
                dialog.all_branches.isChecked(),
                include_thinking=dialog.include_thinking.isChecked(),
            )

    def export_all_to(
        self,
        destination: Path,
        fmt: str,
        as_zip: bool,
        all_branches: bool,
        *,
        include_thinking: bool = True,
    ) -> TransferJob | None:
        """Starts writing every chat; :attr:`export_finished` tells the outcome. None when
        another export or import is still running."""
        from desktop.history.qt.export_dialog import load_export
        from desktop.history.qt.pdf_export import export_labels
        from desktop.store.export import ExportFormat, export_all, without_thinking

        if self.job is not None and self.job.running:
            return None
        # The store's connection belongs to this thread: read here, write files on the pool.
        conversations = [
            load_export(self.store, item.id) for item in self.store.list_conversations()
        ]
        if not include_thinking and fmt != ExportFormat.JSON.value:
            conversations = [without_thinking(c) for c in conversations]
        labels = export_labels()

        def work(progress: Callable[[int, int], bool]) -> object:
            return export_all(
                conversations,
                destination,
                fmt,
                zip=as_zip,
                all_branches=all_branches,
                labels=labels,
                progress=progress,
            )

        self._job_path = destination
        job = self._start(work, self.tr("Exporting chats…"))
        job.succeeded.connect(self.on_export_done)
        job.failed.connect(self.on_export_failed)
        return job

    def _start(self, work: Callable[[Callable[[int, int], bool]], object], label: str):
        """Runs ``work`` on the pool behind a window-modal progress dialog with Cancel; the
        job's signals reach this object's slots on the GUI thread (queued)."""
        from desktop.history.qt.transfer_jobs import TransferJob

        job = TransferJob(work, self.pool, self)
        progress = QProgressDialog(label, self.tr("Cancel"), 0, 100, self.shell)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)
        progress.canceled.connect(job.cancel)
        job.progress.connect(self.on_job_progress)
        self.job, self.progress_dialog = job, progress
        job.start()
        return job

    @Slot(int, int)
    def on_job_progress(self, done: int, total: int) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setMaximum(max(1, total))
            self.progress_dialog.setValue(done)

    def _finish_job(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect()  # closing it would say "cancelled"
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    @Slot(object)
    def on_export_done(self, result: Any) -> None:
        destination = self._job_path
        self._finish_job()
        if result.cancelled:
            self.shell.show_status_message(self.tr("Export cancelled; nothing was written."), 8000)
            self.export_finished.emit(False)
            return
        self.shell.show_status_message(
            self.tr("Exported {n} chats to {path}").format(
                n=len(result.paths), path=str(destination)
            ),
            8000,
        )
        self.export_finished.emit(True)

    @Slot(object)
    def on_export_failed(self, error: object) -> None:
        self._finish_job()
        reason = getattr(error, "strerror", None) or str(error)
        self.shell.show_error(self.tr("Export failed"), reason)
        self.export_finished.emit(False)

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.shell,
            self.tr("Import chats"),
            str(Path.home()),
            self.tr("Chat exports (*.json);;All files (*)"),
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> TransferJob | None:
        """Starts importing Hearthside JSON or ChatGPT's conversations.json; the file is read
        and checked on the pool, then added here. :attr:`import_finished` gives the count."""
        from desktop.history.qt.export_dialog import read_import_file

        if self.job is not None and self.job.running:
            return None

        def work(progress: Callable[[int, int], bool]) -> object:
            progress(0, 1)
            return tuple(read_import_file(path))

        self._job_path = path
        job = self._start(work, self.tr("Importing chats…"))
        job.succeeded.connect(self.on_import_read)
        job.failed.connect(self.on_import_failed)
        return job

    @Slot(object)
    def on_import_read(self, conversations: Any) -> None:
        from desktop.history.qt.export_dialog import write_import

        path = self._job_path
        cancelled = self.job is not None and self.job.cancelled
        self._finish_job()
        if cancelled:  # the file was read, but the user no longer wants it: nothing is added
            self.shell.show_status_message(self.tr("Import cancelled; nothing was added."), 8000)
            self.import_finished.emit(0)
            return
        try:
            result = write_import(self.store, conversations)
        except (OSError, StoreError, ValueError, TypeError) as error:
            self.on_import_failed(error)
            return
        self.refresh_conversations()
        self.shell.show_status_message(
            self.tr("Imported {n} chats from {name}").format(
                n=len(result.conversation_ids), name=path.name
            ),
            8000,
        )
        self.import_finished.emit(len(result.conversation_ids))

    @Slot(object)
    def on_import_failed(self, error: object) -> None:
        from desktop.history.qt.export_dialog import ImportFormatError

        path = self._job_path
        self._finish_job()
        if isinstance(error, ImportFormatError):
            text = str(error)
        else:
            text = getattr(error, "strerror", None) or str(error)
        self.shell.show_error(self.tr("Could not import “{name}”").format(name=path.name), text)
        self.import_finished.emit(0)
