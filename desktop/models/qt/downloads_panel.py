"""The Downloads tab: a dumb view over
:class:`~desktop.models.qt.downloads_model.DownloadListModel`.

Progress bars are painted by a delegate from the model's fraction, so a progress report costs one
row repaint, never a widget per row.

With nothing in the queue, the table and its buttons give way to an empty state (an icon, a
line, and *Browse models*, which asks the manager for the Browse tab); the table is back with
the first download.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.design import SPACE_M, SPACE_S
from desktop.models.qt.download_worker import DownloadState
from desktop.models.qt.downloads_model import DownloadListModel, DownloadQueue, format_size
from desktop.qtkit.empty_state import EmptyState
from desktop.qtkit.item_delegates import draw_item_panel
from desktop.qtkit.pill import draw_pill
from desktop.qtkit.plain_text import ask_plain
from desktop.qtkit.row_table_model import SpacedColumnsDelegate, setup_row_view

__all__ = ["DownloadsPanel", "ProgressDelegate"]

Roles = DownloadListModel.Roles


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as a thin rounded bar with the percentage beside it, in the
    palette's accent (the selected row's text colour on a selected row), so it reads the same
    under any style and theme; a style's own progress bar drew its text across a squeezed bar."""

    BAR_HEIGHT = 6

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item, text = draw_item_panel(self, painter, option, index)
        fraction = min(1.0, max(0.0, float(index.data(Roles.FractionRole) or 0.0)))
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        palette = item.palette
        fill = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
        )
        track = QColor(
            palette.color(
                QPalette.ColorRole.HighlightedText if selected else (QPalette.ColorRole.Text)
            )
        )
        track.setAlpha(60 if selected else 28)
        cell = QRectF(item.rect).adjusted(SPACE_S, 0, -SPACE_S, 0)
        label_width = item.fontMetrics.horizontalAdvance("100%") + SPACE_S
        bar = QRectF(
            cell.left(),
            cell.center().y() - self.BAR_HEIGHT / 2,
            max(0.0, cell.width() - label_width),
            self.BAR_HEIGHT,
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        draw_pill(painter, bar, track)
        if fraction > 0:
            done = QRectF(bar)
            done.setWidth(max(bar.height(), bar.width() * fraction))
            draw_pill(painter, done, fill)
        painter.setPen(
            palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
        )
        label = QRectF(bar.right(), cell.top(), cell.right() - bar.right(), cell.height())
        painter.drawText(
            label, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text
        )
        painter.restore()


class DownloadsPanel(QWidget):
    """The Downloads tab: the queue with pause, resume, cancel, retry and "Load now".

    Signals:
        load_requested(str path): "Load now" on a finished download.
        browse_requested(): the empty state's *Browse models*: show the Browse tab.
    """

    load_requested = Signal(str)
    browse_requested = Signal()

    def __init__(self, queue: DownloadQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.model = queue.model
        self.confirm: Callable[[str, str], bool] = lambda title, question: ask_plain(
            self, title, question
        )
        """Yes/no question before bytes are deleted; tests replace it so nothing blocks."""
        layout = QVBoxLayout(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(DownloadListModel.PROGRESS, ProgressDelegate(self.view))
        self.view.setItemDelegate(SpacedColumnsDelegate(self.view))
        setup_row_view(self.view)
        self.view.setWordWrap(False)
        self.fit_rows()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(DownloadListModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DownloadListModel.PROGRESS, QHeaderView.ResizeMode.Fixed)
        self.view.setColumnWidth(DownloadListModel.PROGRESS, 160)
        self.view.setAccessibleName(self.tr("Downloads"))
        self.empty_state = EmptyState(
            "download",
            self.tr("Nothing downloading"),
            self.tr("Models you download from the Browse tab show up here with their progress."),
        )
        self.browse_button = self.empty_state.add_button(
            self.tr("Browse models"), self.browse_requested.emit, primary=True
        )
        self.pages = QStackedWidget()
        """The table, or the empty state while the queue is empty."""
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.empty_state)
        layout.addWidget(self.pages, 1)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        self.reason.hide()
        layout.addWidget(self.reason)
        self.button_row = QWidget()
        """The download buttons; hidden with the table while nothing is listed."""
        buttons = QHBoxLayout(self.button_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.pause_button = QPushButton(self.tr("&Pause"))
        self.resume_button = QPushButton(self.tr("&Resume"))
        self.retry_button = QPushButton(self.tr("Re&try"))
        self.cancel_button = QPushButton(self.tr("&Cancel download"))
        self.load_button = QPushButton(self.tr("&Load now"))
        self.pause_button.clicked.connect(lambda: self._on_selected(self.queue.pause))
        self.resume_button.clicked.connect(lambda: self._on_selected(self.queue.resume))
        self.retry_button.clicked.connect(lambda: self._on_selected(self.queue.resume))
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.load_button.clicked.connect(self.load_selected)
        for button in (self.pause_button, self.resume_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.load_button)
        layout.addWidget(self.button_row)
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)
        self.model.dataChanged.connect(self.update_buttons)
        self.model.rowsInserted.connect(self.on_model_rows_inserted)
        self.model.modelReset.connect(self.update_buttons)
        self.model.rowsRemoved.connect(self.update_buttons)
        if self.model.rowCount():
            # Downloads the last run left: one is chosen, so its buttons and (failed) reason
            # show without a click first.
            self.view.selectRow(0)
        self.update_buttons()

    def fit_rows(self) -> None:
        """Rows with room around their text, from the font as it is now: a fixed height, since
        rows sized to their contents cost twice as much on each progress report."""
        height = self.view.fontMetrics().height() + 2 * SPACE_M
        self.view.verticalHeader().setDefaultSectionSize(height)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self.fit_rows()

    def selected_id(self) -> str:
        rows = self.view.selectionModel().selectedRows()
        return str(rows[0].data(Roles.IdRole)) if rows else ""

    def unfinished_count(self) -> int:
        """Downloads listed that are neither finished nor cancelled."""
        ended = (DownloadState.FINISHED, DownloadState.CANCELLED)
        return sum(1 for row in self.model.rows if row.state not in ended)

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
        empty = self.model.rowCount() == 0
        self.pages.setCurrentWidget(self.empty_state if empty else self.view)
        self.button_row.setVisible(not empty)
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
        # Under the table: why the chosen download failed, or why and when it tries again.
        trouble = str(rows[0].data(DownloadListModel.TROUBLE_ROLE) or "") if rows else ""
        if reason and state == DownloadState.FAILED:
            said = self.tr("Failed: {reason}").format(reason=reason)
        else:
            said = trouble
        self.reason.setVisible(bool(said))
        self.reason.setText(said)

    def cancel_selected(self) -> None:
        """Cancels the chosen download, asking first when bytes of it are on disk: a click
        beside Pause deleted gigabytes, with no way back."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        done = int(rows[0].data(Roles.DoneRole) or 0)
        question = self.tr(
            "Cancel the download of {name}? The {size} downloaded so far will be deleted."
        ).format(name=rows[0].data(Qt.ItemDataRole.DisplayRole), size=format_size(done))
        if done > 0 and not self.confirm(self.tr("Cancel download"), question):
            return
        self.queue.cancel(str(rows[0].data(Roles.IdRole)))

    def load_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows and rows[0].data(Roles.StateRole) == DownloadState.FINISHED:
            self.load_requested.emit(str(rows[0].data(Roles.PathRole)))
