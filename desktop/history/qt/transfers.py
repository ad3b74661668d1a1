"""Export and import of conversations from the window: one chat, all chats, a file of chats.

One chat is written at once (it is quick). Export-all and import run on a pool thread
(desktop/history/qt/transfer_jobs.py) behind a window-modal progress dialog with Cancel, and
their results come back by signal. The store stays on the GUI thread: export-all reads the
conversations there and writes the files on the pool; import reads and checks the file on the
pool, then adds the conversations here. All or nothing as before: a cancelled or failed
export-all leaves nothing behind, and an import adds nothing unless the whole file was read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QDialog, QFileDialog, QProgressDialog

from desktop.qtkit.file_dialogs import choose_open_file, choose_save_file
from desktop.qtkit.threads import finish_pool
from desktop.shell.feature import Shell
from desktop.store.conversations import ConversationStore, StoreError

if TYPE_CHECKING:
    from desktop.history.qt.transfer_jobs import TransferJob
    from desktop.store.export import ExportOptions

# The dialogs and the export code are imported where first used (tests/e2e/test_startup.py).

__all__ = ["ChatTransfers"]


class ChatTransfers(QObject):
    """File › Export chat…, Export all chats… and Import chats… for one session's store.

    Signals:
        export_finished(bool written): an export of all chats ended (False: failed or
            cancelled, nothing written).
        import_finished(int added): an import ended; how many chats it added (0 on failure).
        imported(): chats were added; the chat list reloads.
    """

    export_finished = Signal(bool)
    import_finished = Signal(int)
    imported = Signal()

    def __init__(self, session: Any, shell: Shell) -> None:
        super().__init__(shell)
        self.session = session
        self.shell = shell
        self.progress_dialog: QProgressDialog | None = None
        self.job: TransferJob | None = None
        """The export or import running on the pool, if any."""
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._job_path = Path()  # what the running export writes, or the import reads
        self.last_folder = Path.home()
        """Where the file dialogs start: the folder of the last export or import (exporting a
        chat to several formats, or importing what was just exported, started in the home
        folder every time)."""

    @property
    def store(self) -> ConversationStore:
        return self.session.store

    def shutdown(self) -> None:
        """Stops a running export (what it wrote is removed) and waits for the pool."""
        if self.job is not None:
            self.job.cancel()
        finish_pool(self.pool)

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
        path = choose_save_file(
            self.shell,
            self.tr("Export chat"),
            self.last_folder / default_file_name(title, dialog.format),
            filter_for(dialog.format),
        )
        if path is not None:
            self.export_conversation_to(path, dialog.format, dialog.options())

    def export_conversation_to(
        self, path: Path, fmt: str, options: ExportOptions | None = None
    ) -> bool:
        """The open chat into one file (quick, so on the GUI thread); False on failure.
        Without ``options``, the export dialog's defaults."""
        from desktop.history.qt.export_dialog import export_one

        conversation_id = self.session.conversation_id
        if conversation_id is None:
            return False
        self.last_folder = path.parent
        try:
            export_one(self.store, conversation_id, path, fmt, options)
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
            path = choose_save_file(
                self.shell,
                self.tr("Export all chats"),
                self.last_folder / "hearthside-chats.zip",
                self.tr("Zip archives (*.zip)"),
            )
        else:
            folder = QFileDialog.getExistingDirectory(
                self.shell, self.tr("Export all chats to"), str(self.last_folder)
            )
            path = Path(folder) if folder else None
        if path is not None:
            self.export_all_to(path, dialog.format, as_zip, dialog.options())

    def export_all_to(
        self, destination: Path, fmt: str, as_zip: bool, options: ExportOptions | None = None
    ) -> TransferJob | None:
        """Starts writing every chat; :attr:`export_finished` tells the outcome. None when
        another export or import is still running. Without ``options``, the export dialog's
        defaults."""
        from desktop.history.qt.export_dialog import load_export
        from desktop.history.qt.pdf_export import export_options
        from desktop.store.export import export_all

        if self.job is not None and self.job.running:
            return None
        self.last_folder = destination.parent if as_zip else destination
        # The store's connection belongs to this thread: read here, write files on the pool.
        conversations = [
            load_export(self.store, item.id) for item in self.store.list_conversations()
        ]
        chosen = options or export_options()

        def work(progress: Callable[[int, int], bool]) -> object:
            return export_all(
                conversations,
                destination,
                fmt,
                zip=as_zip,
                options=chosen,
                progress=progress,
            )

        self._job_path = destination
        return self._start(
            work, self.tr("Exporting chats…"), self.on_export_done, self.on_export_failed
        )

    def _start(
        self,
        work: Callable[[Callable[[int, int], bool]], object],
        label: str,
        on_succeeded: Callable[[object], None],
        on_failed: Callable[[object], None],
    ) -> TransferJob:
        """Runs ``work`` on the pool behind a window-modal progress dialog with Cancel; the
        job's signals reach this object's slots on the GUI thread (queued)."""
        from desktop.history.qt.transfer_jobs import TransferJob

        job = TransferJob(work, self.pool, self)
        progress = QProgressDialog(label, self.tr("Cancel"), 0, 100, self.shell)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)
        progress.canceled.connect(job.cancel)
        job.progress.connect(self.on_job_progress)
        job.succeeded.connect(on_succeeded)  # before it starts: it may finish at once
        job.failed.connect(on_failed)
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
            self.tr("Exported %n chats to {path}", "", len(result.paths)).format(
                path=str(destination)
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
        path = choose_open_file(
            self.shell,
            self.tr("Import chats"),
            self.tr("Chat exports (*.json *.zip);;All files (*)"),
            self.last_folder,
        )
        if path is not None:
            self.import_from(path)

    def import_from(self, path: Path) -> TransferJob | None:
        """Starts importing Hearthside JSON or ChatGPT's conversations.json; the file is read
        and checked on the pool, then added here. :attr:`import_finished` gives the count."""
        from desktop.history.qt.export_dialog import read_import_file

        if self.job is not None and self.job.running:
            return None
        self.last_folder = path.parent

        def work(progress: Callable[[int, int], bool]) -> object:
            progress(0, 1)
            return tuple(read_import_file(path))

        self._job_path = path
        return self._start(
            work, self.tr("Importing chats…"), self.on_import_read, self.on_import_failed
        )

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
        if not conversations:  # "[]", or a bundle of none: not "Imported 0 chats"
            self.shell.show_error(
                self.tr("Could not import “{name}”").format(name=path.name),
                self.tr("The file holds no chats."),
            )
            self.import_finished.emit(0)
            return
        try:
            result = write_import(self.store, conversations)
        except (OSError, StoreError, ValueError, TypeError) as error:
            self.on_import_failed(error)
            return
        self.imported.emit()
        self.shell.show_status_message(
            self.tr("Imported %n chat(s) from {name}", "", len(result.conversation_ids)).format(
                name=path.name
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
