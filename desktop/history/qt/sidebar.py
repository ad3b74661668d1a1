"""The conversation sidebar: a "New chat" button, search, the list of chats and the trash.

The sidebar shows and asks; it never changes anything itself. Renaming, pinning, deleting and
opening are requests (signals) that the caller carries out on the store and then reflects back
with :meth:`ConversationListModel.upsert`, :meth:`ConversationListModel.remove` and
:meth:`Sidebar.set_current`. That keeps one source of truth (the store) and means a failed
store write never leaves the list showing something that was not saved.

Search hits come from the store as snippets in which each match is wrapped in ``\\x02`` and
``\\x03``. The text around the matches is user and model text, so it is treated as untrusted:
it is drawn as plain text, and the HTML form escapes everything but the ``<b>`` tags we add.

The chat list's model is :mod:`desktop.history.qt.chat_list_model`, the search results' model
:mod:`desktop.history.qt.search_results`, and how their rows are drawn
:mod:`desktop.history.qt.list_delegates`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.design import SPACE_L, SPACE_S, SPACE_XS
from desktop.history.qt.chat_list_model import ConversationListModel
from desktop.history.qt.list_delegates import (
    ConversationDelegate,
    SearchResultDelegate,
    setup_list_view,
)
from desktop.history.qt.search_results import SearchResultsModel
from desktop.qtkit.icons import themed_icon
from desktop.qtkit.stylesheet import PRIMARY, SIDEBAR, set_variant
from desktop.store.conversations import SearchHit

__all__ = ["ICON_MIN_SIZE", "QUOTED_QUERY_CHARS", "SEARCH_DEBOUNCE_MS", "Sidebar"]

#: Quiet time after the last keystroke before a search is run.
SEARCH_DEBOUNCE_MS = 150

QUOTED_QUERY_CHARS = 40
"""The longest search text quoted in "No chats match …" before it is cut with "…"."""

ICON_MIN_SIZE = 16
"""The smallest the New chat and Trash icons get, in pixels; they grow with the text size."""


# -- views ------------------------------------------------------------------------------------


class _ConversationView(QListView):
    """The chat list; tells user navigation apart from selection changes made in code.

    Signals:
        navigated(QModelIndex): the current row changed because of a key the user pressed.
        row_clicked(QModelIndex): the user clicked a row with the left button.
        delete_pressed(QModelIndex): Delete (or Backspace) on the current row.
        menu_requested(QModelIndex, QPoint): a context menu for the row, at a global position.
    """

    navigated = Signal(QModelIndex)
    row_clicked = Signal(QModelIndex)
    delete_pressed = Signal(QModelIndex)
    menu_requested = Signal(QModelIndex, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._by_key = False
        self._empty_text = ""
        self.clicked.connect(self.row_clicked)

    def set_empty_text(self, text: str) -> None:
        """What the list says while it has no rows (plain text, muted, wrapped)."""
        self._empty_text = text
        self.viewport().update()

    def shown_empty_text(self) -> str:
        """The empty-list text while it is shown (no rows), else ""."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return self._empty_text
        return ""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        text = self.shown_empty_text()
        if not text:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(SPACE_S, SPACE_L, -SPACE_S, -SPACE_S)
        painter.drawText(
            area,
            int(
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            ),
            text,
        )
        painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() != QAbstractItemView.State.EditingState and event.key() in (
            Qt.Key.Key_Delete,
            Qt.Key.Key_Backspace,
        ):
            if self.currentIndex().isValid():
                self.delete_pressed.emit(self.currentIndex())
            event.accept()
            return
        self._by_key = True
        try:
            super().keyPressEvent(event)
        finally:
            self._by_key = False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            # A right click shows the menu for the row under the mouse; it must not move the
            # selection away from the conversation that is open.
            event.accept()
            return
        super().mousePressEvent(event)

    def currentChanged(self, current: QModelIndex, previous: QModelIndex) -> None:
        super().currentChanged(current, previous)
        if self._by_key and current.isValid():
            self._by_key = False
            self.navigated.emit(current)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            index = self.currentIndex()
            position = self.visualRect(index).center()
        else:
            position = event.pos()
            index = self.indexAt(position)
        if index.isValid():
            self.menu_requested.emit(index, self.viewport().mapToGlobal(position))
        event.accept()


class _ResultsView(QListView):
    """The search results; Enter opens the current hit like a click does.

    Signals:
        hit_chosen(QModelIndex): the user clicked a hit or pressed Enter on it.
    """

    hit_chosen = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clicked.connect(self.hit_chosen)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.hit_chosen.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class Sidebar(QWidget):
    """Chats on the left of the window: new chat, search, the list, and the trash.

    Everything the user does here is a request; see the module docstring. Up/Down in the list
    open the chat they land on; a click opens the chat under the mouse. While the search box
    has text the list is replaced by the search results the caller passes to
    :meth:`set_search_results`.

    The window owns the Ctrl+K shortcut (named in the search box's placeholder) and calls
    :meth:`focus_search`; the sidebar installs no window-wide shortcuts of its own.

    Signals:
        conversation_selected(int id): the user opened a chat (click, Up/Down). Not emitted by
            :meth:`set_current`, nor again for the chat that is already open.
        new_chat_requested(): the "New chat" button.
        rename_requested(int id, str title): a title was edited; stripped, non-empty, changed.
        pin_requested(int id, bool pinned): pin (True) or unpin (False) a chat.
        delete_requested(int id): move a chat to the trash (menu or Delete key).
        search_changed(str text): the stripped search text, ~150 ms after the last keystroke;
            "" at once when the box is cleared. Never twice in a row with the same text.
        search_hit_activated(int conversation_id, object message_id): a result (one per
            chat) was clicked, or Enter was pressed (in the box: the first result).
            ``message_id`` is the chat's best matching message, or None when only its title
            matched.
        trash_requested(): the "Trash" button.
    """

    conversation_selected = Signal(int)
    new_chat_requested = Signal()
    rename_requested = Signal(int, str)
    pin_requested = Signal(int, bool)
    delete_requested = Signal(int)
    search_changed = Signal(str)
    search_hit_activated = Signal(int, object)
    trash_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._open_id: int | None = None
        self._menu_target_id: int | None = None
        self._last_query = ""
        self._results_pending = False

        self._model = ConversationListModel(self)
        self._model.title_edit_requested.connect(self.rename_requested)
        self._results = SearchResultsModel(self)

        self.setObjectName(SIDEBAR)
        self._new_chat = QPushButton(self.tr("New chat"), self)
        self._new_chat.setToolTip(self.tr("Start a new chat"))
        self._new_chat.setCursor(Qt.CursorShape.PointingHandCursor)
        set_variant(self._new_chat, PRIMARY)
        self._new_chat.clicked.connect(self.new_chat_requested)

        self._search = QLineEdit(self)
        self._search.setPlaceholderText(self.tr("Search chats (Ctrl+K)"))
        self._search.setAccessibleName(self.tr("Search chats"))
        self._search.setClearButtonEnabled(True)
        self._search_icon = self._search.addAction(
            themed_icon("search", tint="muted"), QLineEdit.ActionPosition.LeadingPosition
        )
        self._search.textChanged.connect(self._on_search_text_changed)
        self._search.installEventFilter(self)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit_search)

        self._list = _ConversationView(self)
        setup_list_view(
            self._list,
            self._model,
            ConversationDelegate(self._list),
            self.tr("Chats"),
            edit=QAbstractItemView.EditTrigger.EditKeyPressed,
        )
        self._list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._list.setFrameShape(QListView.Shape.NoFrame)
        self._list.set_empty_text(self.tr("No chats yet — start one with New chat or Ctrl+N"))
        self._list.navigated.connect(self._on_list_navigated)
        self._list.row_clicked.connect(self._on_list_navigated)
        self._list.delete_pressed.connect(self._on_list_delete_pressed)
        self._list.menu_requested.connect(self._on_list_menu_requested)
        # Keep the highlight on the open chat when rows come, go or the list is replaced.
        self._model.modelReset.connect(self._on_model_rows_changed)
        self._model.rowsRemoved.connect(self._on_model_rows_changed)
        self._model.rowsInserted.connect(self._on_model_rows_changed)

        self._results_view = _ResultsView(self)
        setup_list_view(
            self._results_view,
            self._results,
            SearchResultDelegate(self._results_view),
            self.tr("Search results"),
        )
        self._results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._results_view.setFrameShape(QListView.Shape.NoFrame)
        self._results_view.hit_chosen.connect(self._on_hit_chosen)

        # The search text is the user's: the label shows it as plain text, never as markup.
        self._no_matches = QLabel(self)
        self._no_matches.setTextFormat(Qt.TextFormat.PlainText)
        self._no_matches.setWordWrap(True)
        self._no_matches.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._no_matches.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._no_matches.setContentsMargins(SPACE_S, SPACE_L, SPACE_S, 0)

        self._pages = QStackedWidget(self)
        self._pages.addWidget(self._list)
        self._pages.addWidget(self._results_view)
        self._pages.addWidget(self._no_matches)

        self._trash = QPushButton(self.tr("Trash"), self)
        self._trash.setToolTip(self.tr("Deleted chats; restore them or delete them for good"))
        self._trash.setFlat(True)
        self._trash.clicked.connect(self.trash_requested)
        self._refresh_icons()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_S, SPACE_S + SPACE_XS, SPACE_S, SPACE_S)
        layout.setSpacing(SPACE_S)
        layout.addWidget(self._new_chat)
        layout.addWidget(self._search)
        layout.addWidget(self._pages, 1)
        layout.addWidget(self._trash)

        self.rename_action = QAction(self.tr("Rename"), self)
        self.rename_action.setShortcut(Qt.Key.Key_F2)
        self.rename_action.triggered.connect(self._on_rename_action_triggered)
        self.pin_action = QAction(self.tr("Pin"), self)
        self.pin_action.triggered.connect(self._on_pin_action_triggered)
        self.delete_action = QAction(self.tr("Delete"), self)
        self.delete_action.setShortcut(Qt.Key.Key_Delete)
        self.delete_action.triggered.connect(self._on_delete_action_triggered)
        # What Help › Keyboard shortcuts lists them as (desktop/shell/shortcuts_dialog.py).
        self.rename_action.setToolTip(self.tr("Rename the selected chat"))
        self.delete_action.setToolTip(self.tr("Move the selected chat to the trash"))
        for action in (self.rename_action, self.delete_action):
            # Shown in the menu as a hint only; the list handles the keys itself.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

        self.setMinimumWidth(200)

    # -- public API ---------------------------------------------------------------------------

    def model(self) -> ConversationListModel:
        return self._model

    def results_model(self) -> SearchResultsModel:
        return self._results

    @property
    def search_field(self) -> QLineEdit:
        """The search box (exposed for tests and the window's focus chain)."""
        return self._search

    @property
    def conversation_view(self) -> QListView:
        return self._list

    @property
    def results_view(self) -> QListView:
        return self._results_view

    @property
    def no_matches_label(self) -> QLabel:
        return self._no_matches

    def empty_list_text(self) -> str:
        """What the chat list says while it has no chats ("" once there is one)."""
        return self._list.shown_empty_text()

    @property
    def new_chat_button(self) -> QPushButton:
        return self._new_chat

    @property
    def trash_button(self) -> QPushButton:
        return self._trash

    def sizeHint(self) -> QSize:
        return QSize(260, super().sizeHint().height())

    def set_current(self, conversation_id: int | None) -> None:
        """Highlight the open chat (or none) without emitting ``conversation_selected``.

        Remembered: if the chat is not listed yet, it is highlighted once it is upserted.
        """
        self._open_id = conversation_id
        self._sync_selection(scroll=True)

    def current_id(self) -> int | None:
        """The chat the sidebar considers open."""
        return self._open_id

    def set_search_results(self, hits: Sequence[SearchHit]) -> None:
        """Show ``hits`` for the current search text ("No matches" if there are none)."""
        self._results_pending = False
        self._results.set_hits(hits)
        if self._results.rowCount():
            self._results_view.setCurrentIndex(self._results.index(0, 0))
        self._update_page()

    def search_text(self) -> str:
        """The search text as last emitted by ``search_changed`` (stripped)."""
        return self._last_query

    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected, ready to type over."""
        self._search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search.selectAll()

    def clear_search(self) -> None:
        """Empty the search box and show the list again (emits ``search_changed("")``)."""
        self._search.clear()

    def context_menu(self, conversation_id: int) -> QMenu:
        """The menu for one chat, not yet shown; its actions act on ``conversation_id``."""
        self._menu_target_id = conversation_id
        row = self._model.row_of(conversation_id)
        pinned = row is not None and self._model.summary(row).pinned
        self.pin_action.setText(self.tr("Unpin") if pinned else self.tr("Pin"))
        menu = QMenu(self)
        menu.addAction(self.rename_action)
        menu.addAction(self.pin_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        return menu

    # -- events -------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.FontChange,
        ):
            self._refresh_icons()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Escape and self._search.text():
                self.clear_search()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open_first_hit()
                return True
            if key == Qt.Key.Key_Down:
                self._focus_results_or_list()
                return True
        return super().eventFilter(watched, event)

    # -- slots --------------------------------------------------------------------------------

    def _on_list_navigated(self, index: QModelIndex) -> None:
        conversation_id = index.data(ConversationListModel.Roles.IdRole)
        if conversation_id is None or conversation_id == self._open_id:
            return
        self._open_id = conversation_id
        self.conversation_selected.emit(conversation_id)

    def _on_list_delete_pressed(self, index: QModelIndex) -> None:
        conversation_id = index.data(ConversationListModel.Roles.IdRole)
        if conversation_id is not None:
            self.delete_requested.emit(conversation_id)

    def _on_list_menu_requested(self, index: QModelIndex, position: QPoint) -> None:
        conversation_id = index.data(ConversationListModel.Roles.IdRole)
        if conversation_id is None:
            return
        menu = self.context_menu(conversation_id)
        try:
            menu.exec(position)
        finally:
            self._menu_target_id = None
            menu.deleteLater()

    def _on_rename_action_triggered(self) -> None:
        row = self._target_row()
        if row is None:
            return
        if not self._search.text():
            index = self._model.index(row, 0)
            self._list.scrollTo(index)
            self._list.setFocus(Qt.FocusReason.OtherFocusReason)
            self._list.edit(index)

    def _on_pin_action_triggered(self) -> None:
        row = self._target_row()
        if row is not None:
            summary = self._model.summary(row)
            self.pin_requested.emit(summary.id, not summary.pinned)

    def _on_delete_action_triggered(self) -> None:
        row = self._target_row()
        if row is not None:
            self.delete_requested.emit(self._model.summary(row).id)

    def _on_search_text_changed(self, text: str) -> None:
        query = text.strip()
        if not query:
            self._debounce.stop()
            self._results_pending = False
            self._results.clear()
            self._update_page()
            self._emit_search()
            return
        self._results_pending = True
        self._update_page()
        self._debounce.start()

    def _emit_search(self) -> None:
        query = self._search.text().strip()
        if query != self._last_query:
            self._last_query = query
            self.search_changed.emit(query)

    def _on_hit_chosen(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        hit = self._results.hit(index.row())
        self.search_hit_activated.emit(hit.conversation_id, hit.message_id)

    # -- helpers ------------------------------------------------------------------------------

    def _target_row(self) -> int | None:
        target = self._menu_target_id
        if target is None:
            index = self._list.currentIndex()
            target = index.data(ConversationListModel.Roles.IdRole) if index.isValid() else None
        return None if target is None else self._model.row_of(target)

    def _on_model_rows_changed(self, *_args: object) -> None:
        self._sync_selection(scroll=False)

    def _sync_selection(self, *, scroll: bool) -> None:
        selection = self._list.selectionModel()
        row = None if self._open_id is None else self._model.row_of(self._open_id)
        if row is None:
            if selection.currentIndex().isValid() or selection.hasSelection():
                selection.clear()
            return
        index = self._model.index(row, 0)
        if selection.currentIndex() != index or not selection.isSelected(index):
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if scroll:
            self._list.scrollTo(index)

    def _refresh_icons(self) -> None:
        """Icons in the palette's colours (again after light ↔ dark), as tall as a line of
        text is high (again after Settings › Text size), and never smaller than 16 px."""
        side = max(ICON_MIN_SIZE, round(self.fontMetrics().height() * 0.9))
        for button in (self._new_chat, self._trash):
            button.setIconSize(QSize(side, side))
        palette = self.palette()
        self._new_chat.setIcon(themed_icon("new_chat", tint="on_accent", palette=palette))
        self._trash.setIcon(themed_icon("trash", tint="muted", palette=palette))
        self._search_icon.setIcon(themed_icon("search", tint="muted", palette=palette))

    def _update_page(self) -> None:
        query = self._search.text().strip()
        if not query:
            self._pages.setCurrentWidget(self._list)
        elif self._results.rowCount() == 0 and not self._results_pending:
            if len(query) > QUOTED_QUERY_CHARS:
                query = query[: QUOTED_QUERY_CHARS - 1] + "…"
            self._no_matches.setText(self.tr("No chats match “{query}”").format(query=query))
            self._pages.setCurrentWidget(self._no_matches)
        else:
            # While a search is pending the previous results stay up instead of flashing
            # "No matches" between keystrokes.
            self._pages.setCurrentWidget(self._results_view)

    def _open_first_hit(self) -> None:
        if not self._search.text().strip():
            return
        if self._debounce.isActive():
            # Enter before the pause ended: search now, the store answers synchronously.
            self._debounce.stop()
            self._emit_search()
        if self._results.rowCount():
            self._on_hit_chosen(self._results.index(0, 0))

    def _focus_results_or_list(self) -> None:
        if self._pages.currentWidget() is not self._list:
            if self._results.rowCount():
                self._results_view.setFocus(Qt.FocusReason.TabFocusReason)
                if not self._results_view.currentIndex().isValid():
                    self._results_view.setCurrentIndex(self._results.index(0, 0))
            return
        self._list.setFocus(Qt.FocusReason.TabFocusReason)
