"""The two self-contained parts of the Collections dialog below its lists: indexing progress
(bar, pause, stop, the last job's report) and the search setting (words, or words and meaning
through an embedding model), framed as one group so its line and its buttons read as one setting.

Why apart from :class:`~desktop.documents.qt.collections_dialog.CollectionsDialog`: each only
follows :class:`DocumentCollections`' signals and shows them, with no share in the dialog's
selection or commands; the dialog keeps its widgets' names as attributes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.design import SPACE_S, SPACE_XS
from desktop.documents.index import IndexProgress, UpdateReport
from desktop.documents.qt.collections import DocumentCollections
from desktop.qtkit.plain_text import muted, note_label
from desktop.qtkit.push_button import push_button

__all__ = ["EmbeddingPanel", "IndexProgressPanel"]


class IndexProgressPanel(QWidget):
    """What indexing is doing now (shown only while busy, with Pause/Resume and Stop) and how
    the last job ended (plain text: file paths and error messages are not ours). The report is
    a status line, muted while all went well; the owner places :attr:`report_label` (the
    dialog: beside Close), since it is not in this panel's layout.
    """

    def __init__(self, documents: DocumentCollections, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.documents = documents
        self.progress_label = QLabel()
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress_label.setMinimumWidth(1)
        self.progress_bar = QProgressBar()
        self.pause_button = push_button(self.tr("&Pause"), self.toggle_pause)
        self.cancel_button = push_button(
            self.tr("&Stop"),
            documents.cancel,
            tooltip=self.tr("Stop indexing; what is indexed so far stays"),
        )
        self.progress_row = QWidget()
        progress_layout = QHBoxLayout(self.progress_row)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        progress_layout.addWidget(self.progress_bar, 1)
        progress_layout.addWidget(self.pause_button)
        progress_layout.addWidget(self.cancel_button)
        self.report_label = note_label("")
        self.report_label.setMinimumWidth(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress_row)

        documents.progress_changed.connect(self.on_documents_progress_changed)
        documents.index_finished.connect(self.on_documents_index_finished)
        documents.index_failed.connect(self.on_documents_index_failed)
        documents.busy_changed.connect(self.on_documents_busy_changed)
        documents.paused_changed.connect(self.on_documents_paused_changed)
        documents.embedding_progress.connect(self.on_documents_embedding_progress)
        self.on_documents_busy_changed(documents.is_busy)

    def toggle_pause(self) -> None:
        if self.documents.is_paused:
            self.documents.resume()
        else:
            self.documents.pause()

    def report(self, text: str, *, problem: bool = False) -> None:
        """Shows how a job ended: muted, or in the text colour when something went wrong."""
        self.report_label.setText(text)
        if problem:
            self.report_label.setForegroundRole(QPalette.ColorRole.WindowText)
        else:
            muted(self.report_label)

    @Slot(bool)
    def on_documents_busy_changed(self, busy: bool) -> None:
        if not busy or not self.isWindow():  # not shown as a window of its own before it is placed
            self.setVisible(busy)
        self.progress_row.setVisible(busy)
        self.progress_label.setVisible(busy)
        if busy:
            self.progress_label.setText(self.tr("Looking for files…"))
            self.progress_bar.setRange(0, 0)
        self.on_documents_paused_changed(self.documents.is_paused)

    @Slot(bool)
    def on_documents_paused_changed(self, paused: bool) -> None:
        self.pause_button.setText(self.tr("&Resume") if paused else self.tr("&Pause"))

    @Slot(int, object)
    def on_documents_progress_changed(self, job_id: int, progress: IndexProgress) -> None:
        total = max(progress.total, 1)
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(min(progress.done, total))
        name = Path(progress.path).name if progress.path else ""
        if name:
            text = self.tr("Indexing {done} of {total}: {name}").format(
                done=min(progress.done + 1, progress.total), total=progress.total, name=name
            )
        elif self.documents.embedding_model:
            # The files are read; the passages' vectors come next, and can take long (the
            # model is loaded first): "Finishing…" stood there for minutes.
            text = self.tr("Preparing search by meaning…")
            self.progress_bar.setRange(0, 0)
        else:
            text = self.tr("Finishing…")
        self.progress_label.setText(text)

    @Slot(int, int, int)
    def on_documents_embedding_progress(self, job_id: int, done: int, total: int) -> None:
        """The vectors of the update's passages, batch by batch; search by words already
        works meanwhile, which the line says so nobody waits for it."""
        if not self.documents.is_busy:
            return
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(min(done, total))
        self.progress_label.setText(
            self.tr(
                "Search by meaning: {done} of {total} passages (search by words works now)"
            ).format(done=done, total=total)
        )

    @Slot(int, object)
    def on_documents_index_finished(self, job_id: int, report: UpdateReport) -> None:
        if report.cancelled:
            text = self.tr("Stopped. Files indexed so far stay; Re-index carries on.")
        else:
            text = self.done_text(report)
        if report.missing_sources:
            text += " " + self.tr(
                "Not found (what was indexed from it stays until you remove it): {paths}"
            ).format(paths=", ".join(report.missing_sources))
        self.report(text, problem=bool(report.missing_sources))

    def done_text(self, report: UpdateReport) -> str:
        """ "Done: 7 new files, 1 removed. 2 could not be read; the list says why." Only what
        happened is named ("0 changed, 0 removed" was noise), and the files that could not be
        read are said apart: they are counted among the new and changed ones, not besides."""
        parts = []
        if report.added:
            parts.append(self.tr("%n new file(s)", "", report.added))
        if report.changed:
            parts.append(self.tr("%n changed", "", report.changed))
        if report.removed:
            parts.append(self.tr("%n removed", "", report.removed))
        if not parts:
            text = self.tr("Done: no changes.")
        else:
            text = self.tr("Done: {counts}.").format(
                counts=self.tr(", ", "between counts").join(parts)
            )
        if report.unreadable:
            text += " " + self.tr(
                "%n could not be read; the list says why.", "", len(report.unreadable)
            )
        return text

    @Slot(int, str)
    def on_documents_index_failed(self, job_id: int, message: str) -> None:
        self.report(self.tr("Indexing failed: {message}").format(message=message), problem=True)


class EmbeddingPanel(QGroupBox):
    """Which search the collections get: words only, or words and meaning through a GGUF
    embedding model, with how many passages have vectors and why the model cannot be used.
    A group titled "Search": the line and its buttons are one setting ("Words only" shows only
    while a model is set, as there is nothing to turn off otherwise).

    The "Embedding model…" button is left for the owner to connect: the owner asks for the file
    (a question tests answer), then calls :meth:`set_embedding_model`.

    Signals:
        embedding_model_chosen(str): the user picked a model, or "" (Words only) to turn
            meaning search off.
    """

    embedding_model_chosen = Signal(str)

    def __init__(self, documents: DocumentCollections, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Search"))
        self.documents = documents
        self.embedding_label = note_label("")
        self.embedding_label.setMinimumWidth(1)
        self.embedding_button = QPushButton(self.tr("Embedding &model…"))
        self.embedding_button.setToolTip(
            self.tr(
                "Optional: a GGUF embedding model also finds passages that say the same thing "
                "in other words"
            )
        )
        self.embedding_off_button = push_button(
            self.tr("Words &only"), lambda: self.set_embedding_model("")
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(SPACE_XS, 0, 0, 0)  # the group's own padding is around it
        layout.setSpacing(SPACE_S)
        layout.addWidget(self.embedding_label, 1)
        layout.addWidget(self.embedding_button)
        layout.addWidget(self.embedding_off_button)
        self._vectors: tuple[int, int] | None = None
        self._embedding_problem = ""
        documents.embedding_progress.connect(self.on_documents_embedding_progress)
        documents.embedding_failed.connect(self.on_documents_embedding_failed)
        self._show_embedding()

    def set_embedding_model(self, path: str) -> None:
        self._vectors = None
        self._embedding_problem = ""
        self.documents.set_embedding_model(path)
        self.embedding_model_chosen.emit(path)
        self._show_embedding()

    @Slot(int, int, int)
    def on_documents_embedding_progress(self, job_id: int, done: int, total: int) -> None:
        self._vectors = (done, total)
        self._show_embedding()

    @Slot(str)
    def on_documents_embedding_failed(self, problem: str) -> None:
        self._embedding_problem = problem
        self._show_embedding()

    def _show_embedding(self) -> None:
        path = self.documents.embedding_model
        self.embedding_off_button.setEnabled(bool(path))
        self.embedding_off_button.setVisible(bool(path))
        if self._embedding_problem and path:
            self.embedding_label.setForegroundRole(QPalette.ColorRole.WindowText)
        else:
            muted(self.embedding_label)
        if not path:
            self.embedding_label.setText(
                self.tr("By words. Add an embedding model to also search by meaning.")
            )
        elif self._embedding_problem:
            self.embedding_label.setText(
                self.tr("The embedding model cannot be used: {problem}").format(
                    problem=self._embedding_problem
                )
            )
        elif self._vectors is not None:
            self.embedding_label.setText(
                self.tr("By words and meaning ({name}; {done} of {total} passages)").format(
                    name=Path(path).name, done=self._vectors[0], total=self._vectors[1]
                )
            )
        else:
            self.embedding_label.setText(
                self.tr("By words and meaning ({name})").format(name=Path(path).name)
            )
