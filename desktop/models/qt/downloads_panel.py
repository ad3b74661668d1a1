"""The Downloads tab: a dumb view over
:class:`~desktop.models.qt.downloads_model.DownloadListModel`.

Progress bars are painted by a delegate from the model's fraction, so a progress report costs one
row repaint, never a widget per row.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.models.qt.download_worker import DownloadState
from desktop.models.qt.downloads_model import DownloadListModel, DownloadQueue

__all__ = ["DownloadsPanel", "ProgressDelegate"]

Roles = DownloadListModel.Roles


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as the style's progress bar."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(4, 4, -4, -4)  # type: ignore[attr-defined]
        bar.minimum = 0
        bar.maximum = 1000
        bar.progress = int(float(index.data(Roles.FractionRole) or 0.0) * 1000)
        bar.text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        bar.textVisible = True
        bar.state = option.state  # type: ignore[attr-defined]
        bar.palette = option.palette  # type: ignore[attr-defined]
        bar.fontMetrics = option.fontMetrics  # type: ignore[attr-defined]
        style = option.widget.style() if option.widget else QApplication.style()  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class DownloadsPanel(QWidget):
    """The Downloads tab: the queue with pause, resume, cancel, retry and "Load now".

    Signals:
        load_requested(str path): "Load now" on a finished download.
    """

    load_requested = Signal(str)

    def __init__(self, queue: DownloadQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.model = queue.model
        layout = QVBoxLayout(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(DownloadListModel.PROGRESS, ProgressDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DownloadListModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DownloadListModel.PROGRESS, QHeaderView.ResizeMode.Fixed)
        self.view.setColumnWidth(DownloadListModel.PROGRESS, 160)
        self.view.setAccessibleName(self.tr("Downloads"))
        layout.addWidget(self.view, 1)
        self.empty_hint = QLabel(self.tr("Nothing downloading. Find models in the Browse tab."))
        self.empty_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, still 4.5:1
        layout.addWidget(self.empty_hint)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        self.reason.hide()
        layout.addWidget(self.reason)
        buttons = QHBoxLayout()
        self.pause_button = QPushButton(self.tr("&Pause"))
        self.resume_button = QPushButton(self.tr("&Resume"))
        self.retry_button = QPushButton(self.tr("Re&try"))
        self.cancel_button = QPushButton(self.tr("&Cancel download"))
        self.load_button = QPushButton(self.tr("&Load now"))
        self.pause_button.clicked.connect(lambda: self._on_selected(self.queue.pause))
        self.resume_button.clicked.connect(lambda: self._on_selected(self.queue.resume))
        self.retry_button.clicked.connect(lambda: self._on_selected(self.queue.resume))
        self.cancel_button.clicked.connect(lambda: self._on_selected(self.queue.cancel))
        self.load_button.clicked.connect(self.load_selected)
        for button in (self.pause_button, self.resume_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.load_button)
        layout.addLayout(buttons)
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)
        self.model.dataChanged.connect(self.update_buttons)
        self.model.rowsInserted.connect(self.on_model_rows_inserted)
        self.model.modelReset.connect(self.update_buttons)
        self.update_buttons()

    def selected_id(self) -> str:
        rows = self.view.selectionModel().selectedRows()
        return str(rows[0].data(Roles.IdRole)) if rows else ""

    def select(self, download_id: str) -> None:
        number = self.model.row_of(download_id)
        if number >= 0:
            self.view.selectRow(number)

    def _on_selected(self, command: object) -> None:
        download_id = self.selected_id()
        if download_id:
            command(download_id)  # type: ignore[operator]

    @Slot(QModelIndex, int, int)
    def on_model_rows_inserted(self, _parent: QModelIndex, _first: int, last: int) -> None:
        self.view.selectRow(last)
        self.update_buttons()

    @Slot()
    def update_buttons(self, *_args: object) -> None:
        self.empty_hint.setVisible(self.model.rowCount() == 0)
        rows = self.view.selectionModel().selectedRows()
        state = str(rows[0].data(Roles.StateRole)) if rows else ""
        reason = str(rows[0].data(Roles.ReasonRole) or "") if rows else ""
        running = state in (
            DownloadState.QUEUED,
            DownloadState.DOWNLOADING,
            DownloadState.STALLED,
            DownloadState.RETRYING,  # paused while it waits: the wait ends at once
        )
        self.pause_button.setEnabled(running)
        self.resume_button.setEnabled(state == DownloadState.PAUSED)
        self.retry_button.setEnabled(state == DownloadState.FAILED)
        self.cancel_button.setEnabled(
            running or state in (DownloadState.PAUSED, DownloadState.FAILED)
        )
        self.load_button.setEnabled(state == DownloadState.FINISHED)
        self.reason.setVisible(bool(reason) and state == DownloadState.FAILED)
        self.reason.setText(self.tr("Failed: {reason}").format(reason=reason))

    def load_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows and rows[0].data(Roles.StateRole) == DownloadState.FINISHED:
            self.load_requested.emit(str(rows[0].data(Roles.PathRole)))
