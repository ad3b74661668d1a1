"""The trash: deleted chats, which the user can restore or delete for good.

Like the sidebar, the dialog only asks. Restore, delete forever and empty trash are signals;
the caller changes the store and passes the new contents back with :meth:`TrashDialog.set_items`.
Deleting for good cannot be undone, so it asks first, through :attr:`TrashDialog.confirm`,
which tests replace so nothing blocks on a message box. An empty trash shows the shared empty
state (desktop/qtkit/empty_state.py) in the list's place, and only the Close button.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import IntEnum
from typing import ClassVar

from PySide6.QtCore import (
    QByteArray,
    QDate,
    QDateTime,
    QObject,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.conversation import ConversationSummary
from desktop.history.qt.list_delegates import TwoLineDelegate, setup_list_view
from desktop.qtkit.empty_state import EmptyState
from desktop.qtkit.item_delegates import LINE_LEFT, begin_row
from desktop.qtkit.list_model import ModelIndex, RoleValue, RowListModel

__all__ = ["RETENTION_DAYS", "TrashDialog", "TrashListModel"]


#: Chats stay in the trash this long before the store removes them for good.
RETENTION_DAYS = 30


class TrashListModel(RowListModel):
    """Trashed chats, most recently deleted first.

    Signals:
        The standard ``QAbstractItemModel`` signals only (modelReset, ...).
    """

    class Roles(IntEnum):
        IdRole = Qt.ItemDataRole.UserRole + 1  # int
        TitleRole = Qt.ItemDataRole.UserRole + 2  # str
        DeletedAtRole = Qt.ItemDataRole.UserRole + 3  # float, unix seconds

    ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {Roles.IdRole: QByteArray(b"conversationId")}
    # The other roles read the summary attribute their names say (DeletedAtRole: deleted_at).
    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = dict.fromkeys(
        (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole), "title"
    )

    def set_items(self, summaries: Sequence[ConversationSummary]) -> None:
        """Replace the contents (one ``modelReset``); a summary without ``deleted_at`` is
        treated as deleted just now rather than dropped, so nothing silently disappears."""
        self.reset_rows(sorted(summaries, key=lambda s: (-(s.deleted_at or float("inf")), -s.id)))

    def summary(self, row: int) -> ConversationSummary:
        return self.row_or_raise(row, "trashed conversation")


class _TrashDelegate(TwoLineDelegate):
    """Two lines: the title, then when it was deleted and when it goes for good."""

    def __init__(self, retention_days: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._retention_days = retention_days

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        opt, _group, _selected, text_color, dim_color = begin_row(self, painter, option, index)

        rect = self.text_rect(opt)
        line = opt.fontMetrics.height()
        align = LINE_LEFT
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(text_color)
        title = index.data(Qt.ItemDataRole.DisplayRole) or self.tr("Untitled")
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), line),
            align,
            opt.fontMetrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()),
        )
        small = QFont(opt.font)
        small.setPointSizeF(max(1.0, opt.font.pointSizeF() * 0.9))
        small_metrics = QFontMetrics(small)
        painter.setFont(small)
        painter.setPen(dim_color)
        detail = self.detail(index.data(TrashListModel.Roles.DeletedAtRole))
        painter.drawText(
            QRect(rect.left(), rect.top() + line + 2, rect.width(), line),
            align,
            small_metrics.elidedText(detail, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()

    def detail(self, deleted_at: float | None, today: QDate | None = None) -> str:
        """ "Deleted 3 days ago · removed for good in 27 days", in local calendar days.

        English singulars are spelled out (today, yesterday, tomorrow) so the source strings
        read right without an English translation file.
        """
        today = today or QDate.currentDate()
        day = today if deleted_at is None else QDateTime.fromSecsSinceEpoch(int(deleted_at)).date()
        ago = max(0, day.daysTo(today))
        deleted = _by_days(
            ago,
            self.tr("Deleted today"),
            self.tr("Deleted yesterday"),
            self.tr("Deleted %n days ago", "", ago),
        )
        left = max(0, self._retention_days - ago)
        removal = _by_days(
            left,
            self.tr("removed for good today"),
            self.tr("removed for good tomorrow"),
            self.tr("removed for good in %n days", "", left),
        )
        return self.tr("{deleted} · {removal}").format(deleted=deleted, removal=removal)


def _by_days(days: int, none: str, one: str, many: str) -> str:
    """The wording for a distance of ``days`` (0: today, 1: a day off, more: ``many``)."""
    return none if days == 0 else one if days == 1 else many


class TrashDialog(QDialog):
    """Lists the trash with Restore, Delete forever and Empty trash.

    The buttons act on the selected chats (several can be selected). The list itself does not
    change when a button is pressed: the caller updates the store and calls :meth:`set_items`.

    Attributes:
        confirm: asked before anything is deleted for good, with the question to show; returns
            True to go ahead. Defaults to a message box; tests replace it.

    Signals:
        restore_requested(int id): put a chat back in the sidebar (once per selected chat).
        purge_requested(int id): delete a chat for good (once per selected chat, confirmed).
        empty_requested(): delete everything in the trash for good (confirmed).
    """

    restore_requested = Signal(int)
    purge_requested = Signal(int)
    empty_requested = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, retention_days: int = RETENTION_DAYS
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Trash"))
        self.confirm: Callable[[str], bool] = self._ask

        self._model = TrashListModel(self)

        self._note = QLabel(
            self.tr("Deleted chats are removed for good after %n days.", "", retention_days),
            self,
        )
        self._note.setWordWrap(True)
        self._note.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self._list = QListView(self)
        setup_list_view(
            self._list,
            self._model,
            _TrashDelegate(retention_days, self._list),
            self.tr("Deleted chats"),
            QAbstractItemView.SelectionMode.ExtendedSelection,
        )
        self._list.selectionModel().selectionChanged.connect(self._update_buttons)
        self._model.modelReset.connect(self._update_buttons)

        # What to do, not only what is: an empty trash says what lands here and for how long.
        self._empty_state = EmptyState(
            "trash",
            self.tr("The trash is empty"),
            self.tr(
                "Chats you delete wait here for %n days, so you can restore them.",
                "",
                retention_days,
            ),
            self,
        )

        self._pages = QStackedWidget(self)
        self._pages.addWidget(self._list)
        self._pages.addWidget(self._empty_state)

        self._restore = QPushButton(self.tr("Restore"), self)
        self._restore.setToolTip(self.tr("Put the selected chats back in the list"))
        self._restore.clicked.connect(self._on_restore_clicked)
        self._purge = QPushButton(self.tr("Delete forever"), self)
        self._purge.setToolTip(self.tr("Delete the selected chats; this cannot be undone"))
        self._purge.clicked.connect(self._on_purge_clicked)
        self._empty = QPushButton(self.tr("Empty trash"), self)
        self._empty.clicked.connect(self._on_empty_clicked)
        self._close = QPushButton(self.tr("Close"), self)
        self._close.clicked.connect(self.accept)
        for button in (self._restore, self._purge, self._empty):
            button.setAutoDefault(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self._restore)
        buttons.addWidget(self._purge)
        buttons.addStretch(1)
        buttons.addWidget(self._empty)
        buttons.addWidget(self._close)

        layout = QVBoxLayout(self)
        layout.addWidget(self._note)
        layout.addWidget(self._pages, 1)
        layout.addLayout(buttons)

        self.resize(440, 380)
        self._update_buttons()

    # -- public API ---------------------------------------------------------------------------

    def model(self) -> TrashListModel:
        return self._model

    @property
    def list_view(self) -> QListView:
        return self._list

    @property
    def restore_button(self) -> QPushButton:
        return self._restore

    @property
    def purge_button(self) -> QPushButton:
        return self._purge

    @property
    def empty_button(self) -> QPushButton:
        return self._empty

    @property
    def empty_state(self) -> EmptyState:
        """What the dialog shows in the list's place while the trash is empty."""
        return self._empty_state

    def set_items(self, summaries: Sequence[ConversationSummary]) -> None:
        """Show ``summaries`` as the trash's contents; the selection is kept by id."""
        keep = set(self.selected_ids())
        self._model.set_items(summaries)
        selection = self._list.selectionModel()
        for row in range(self._model.rowCount()):
            if self._model.summary(row).id in keep:
                selection.select(
                    self._model.index(row, 0),
                    selection.SelectionFlag.Select,
                )
        self._update_buttons()

    def selected_ids(self) -> list[int]:
        """Ids of the selected chats, in list order."""
        rows = sorted(index.row() for index in self._list.selectionModel().selectedIndexes())
        return [self._model.summary(row).id for row in rows]

    # -- slots --------------------------------------------------------------------------------

    def _on_restore_clicked(self) -> None:
        for conversation_id in self.selected_ids():
            self.restore_requested.emit(conversation_id)

    def _on_purge_clicked(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if len(ids) == 1:
            title = self._model.summary(self._model_row(ids[0])).title or self.tr("Untitled")
            question = self.tr("Delete “{title}” forever? This cannot be undone.").format(
                title=title
            )
        else:
            question = self.tr("Delete %n chats forever? This cannot be undone.", "", len(ids))
        if not self.confirm(question):
            return
        for conversation_id in ids:
            self.purge_requested.emit(conversation_id)

    def _on_empty_clicked(self) -> None:
        count = self._model.rowCount()
        if not count:
            return
        if count == 1:
            question = self.tr("Delete the one chat in the trash forever? This cannot be undone.")
        else:
            question = self.tr(
                "Delete all %n chats in the trash forever? This cannot be undone.", "", count
            )
        if self.confirm(question):
            self.empty_requested.emit()

    def _update_buttons(self, *_args: object) -> None:
        has_items = self._model.rowCount() > 0
        has_selection = self._list.selectionModel().hasSelection()
        self._pages.setCurrentIndex(0 if has_items else 1)
        self._note.setVisible(has_items)  # the empty page says it already
        # An empty trash has nothing to restore or delete: only Close stays.
        for button in (self._restore, self._purge, self._empty):
            button.setVisible(has_items)
        self._restore.setEnabled(has_selection)
        self._purge.setEnabled(has_selection)
        self._empty.setEnabled(has_items)

    # -- helpers ------------------------------------------------------------------------------

    def _model_row(self, conversation_id: int) -> int:
        for row in range(self._model.rowCount()):
            if self._model.summary(row).id == conversation_id:
                return row
        raise KeyError(conversation_id)

    def _ask(self, question: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Delete forever"),
            question,
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # conversation titles, imported ones included
        delete = box.addButton(self.tr("Delete forever"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is delete
