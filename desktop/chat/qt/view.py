"""The conversation view: one bubble per message, bound to a :class:`MessageListModel`.

The view is a thin adapter: it creates, updates and removes one
:class:`~desktop.chat.qt.message_widget.MessageWidget` per model row in response to the model's
signals and keeps no message data of its own (the Copy button reads the text from the model at
the moment it is pressed).

Two constraints shape it:

* Model output is untrusted. Bubbles render replies safely (see
  :mod:`desktop.chat.qt.message_widget`), and a link opens only after the user confirms, and
  only for http and https (:mod:`desktop.qtkit.safe_text`).
* Streaming must cost the same in a 5-message chat and a 500-message chat. Bubbles are placed
  by :class:`_MessageColumn` at cumulative y offsets instead of a ``QVBoxLayout``: when the
  height of row *i* changes only rows after *i* move, so the streaming (last) row costs O(1).
  Re-rendering the streaming row is rate-limited by one
  :class:`~desktop.chat.qt.markdown_blocks.RepaintThrottle`, and one update re-renders only the
  reply's last Markdown block (:mod:`desktop.chat.qt.markdown_blocks`).

Messages form a tree (edits and regenerations add siblings). The view only shows which version
of a message is on screen and asks for another one (``sibling_requested``); the caller rebuilds
the rows. Long conversations are paged: the caller shows the newest rows, the view asks for
earlier ones (``earlier_requested``) when the user nears the top, and keeps the user's place
when they are prepended. Following the bottom, *Jump to latest* and that request live in
:class:`~desktop.chat.qt.scroll_follow.ScrollFollower`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from desktop.chat.qt.markdown_blocks import RepaintThrottle
from desktop.chat.qt.message_header import MessageAction
from desktop.chat.qt.message_links import follow_link
from desktop.chat.qt.message_model import MessageListModel
from desktop.chat.qt.message_widget import MessageWidget
from desktop.chat.qt.scroll_follow import ScrollFollower
from desktop.core.conversation import Role
from desktop.core.design import READING_WIDTH, SPACE_L
from desktop.qtkit.safe_text import ask_before_opening
from desktop.qtkit.theme import RELAYOUT_ON_FONT_CHANGE

if TYPE_CHECKING:
    from desktop.chat.qt.jump_to_latest import JumpToLatest

__all__ = ["ChatView"]

_Roles = MessageListModel.Roles

# Space around the column of messages and between two messages, in pixels.
_OUTER_MARGIN = SPACE_L
_SPACING = SPACE_L
# The user's bubbles take at most this share of the reading column, but never less than
# _MIN_BUBBLE (unless the column itself is narrower). Replies take the whole column.
_MAX_BUBBLE_SHARE = 0.8
_MIN_BUBBLE = 260
# At most one re-render of a streaming reply per this many milliseconds.
_STREAM_RENDER_INTERVAL_MS = 60


class _MessageColumn(QWidget):
    """Positions message widgets at cumulative y offsets, in a reading column at most
    READING_WIDTH wide and centred (a narrower window gives it all its width).

    A ``QVBoxLayout`` would re-lay out every bubble whenever one bubble's height changes;
    here a change in row *i* only moves rows after *i*, so growing the last row is O(1).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._widgets: list[MessageWidget] = []
        self._tops: list[int] = []
        self._heights: list[int] = []
        self._width = 0
        self.setAutoFillBackground(False)

    def widgets(self) -> Sequence[MessageWidget]:
        return self._widgets

    def index_of(self, widget: MessageWidget) -> int:
        return self._widgets.index(widget)

    def top_of(self, row: int) -> int:
        return self._tops[row]

    def row_at(self, y: int) -> int | None:
        """The row whose bubble (or the gap below it) covers ``y``; O(log n)."""
        if not self._widgets:
            return None
        return max(0, bisect.bisect_right(self._tops, y) - 1)

    def insert(self, row: int, widgets: list[MessageWidget]) -> None:
        self._widgets[row:row] = widgets
        self._tops[row:row] = [0] * len(widgets)
        self._heights[row:row] = [0] * len(widgets)
        for offset, widget in enumerate(widgets):
            self._heights[row + offset] = self._place(row + offset, widget, top=None)
            widget.show()
        self._relayout_from(row)

    def remove(self, first: int, last: int) -> list[MessageWidget]:
        removed = self._widgets[first : last + 1]
        del self._widgets[first : last + 1]
        del self._tops[first : last + 1]
        del self._heights[first : last + 1]
        self._relayout_from(first)
        return removed

    def take_all(self) -> list[MessageWidget]:
        removed, self._widgets, self._tops, self._heights = self._widgets, [], [], []
        self._update_height()
        return removed

    def refit(self, row: int) -> None:
        """Re-measure one row after its content changed; moves later rows only if needed."""
        widget = self._widgets[row]
        old_height = self._heights[row]
        new_height = self._place(row, widget, top=self._tops[row])
        if new_height != old_height:
            self._heights[row] = new_height
            self._relayout_from(row + 1)

    def set_column_width(self, width: int) -> None:
        if width != self._width:
            self._width = width
            self.relayout_all()

    def relayout_all(self) -> None:
        """Re-measure every row: O(n), only for width or palette changes."""
        for row, widget in enumerate(self._widgets):
            self._heights[row] = self._place(row, widget, top=None)
        self._relayout_from(0)

    def reading_column(self) -> tuple[int, int]:
        """Left edge and width of the reading column: centred, at most READING_WIDTH."""
        width = max(1, min(READING_WIDTH, self._width - 2 * _OUTER_MARGIN))
        return max(0, (self._width - width) // 2), width

    def _place(self, row: int, widget: MessageWidget, top: int | None) -> int:
        left, column = self.reading_column()
        if widget.role == Role.USER:
            size = widget.fit(min(column, max(_MIN_BUBBLE, int(column * _MAX_BUBBLE_SHARE))))
            x = max(left, left + column - size.width())
        else:
            size = widget.fit(column)
            x = left
        widget.setGeometry(QRect(x, top if top is not None else widget.y(), *size.toTuple()))
        return size.height()

    def _relayout_from(self, row: int) -> None:
        top = _OUTER_MARGIN
        if row > 0 and self._widgets:
            top = self._tops[row - 1] + self._heights[row - 1] + _SPACING
        for index in range(row, len(self._widgets)):
            self._tops[index] = top
            widget = self._widgets[index]
            if widget.y() != top:
                widget.move(widget.x(), top)
            top += self._heights[index] + _SPACING
        self._update_height()

    def _update_height(self) -> None:
        if self._widgets:
            height = self._tops[-1] + self._heights[-1] + _OUTER_MARGIN
        else:
            height = 2 * _OUTER_MARGIN
        if self.width() != self._width or self.height() != height:
            self.resize(self._width, height)


# Changes that need only the text re-rendered (throttled while streaming), and changes that
# need only the header's controls (a new version count; no Markdown render).
_CONTENT_ROLES = frozenset(
    {int(_Roles.ContentRole), int(Qt.ItemDataRole.DisplayRole), int(_Roles.ThinkingRole)}
)
_CONTROL_ROLES = frozenset(
    {int(_Roles.MessageIdRole), int(_Roles.SiblingIndexRole), int(_Roles.SiblingCountRole)}
)


def _clear_selection(widget: MessageWidget) -> None:
    cursor = widget.body.textCursor()
    if cursor.hasSelection():
        cursor.clearSelection()
        widget.body.setTextCursor(cursor)


def _fill(widget: MessageWidget, model: MessageListModel, index: QModelIndex) -> None:
    """Show row ``index`` of ``model`` in ``widget``."""
    # model.data(), not index.data(): a direct Python call, no QVariant round trip.
    widget.set_role(model.data(index, _Roles.RoleRole))
    streaming = bool(model.data(index, _Roles.StreamingRole))
    widget.set_state(
        meta=model.data(index, _Roles.MetaRole) or "",
        finish_reason=model.data(index, _Roles.FinishReasonRole),
        excluded=bool(model.data(index, _Roles.ExcludedRole)),
        empty=not streaming and not (model.data(index, _Roles.ContentRole) or "").strip(),
    )
    widget.set_controls(
        streaming=streaming,
        sibling_index=model.data(index, _Roles.SiblingIndexRole) or 0,
        sibling_count=model.data(index, _Roles.SiblingCountRole) or 1,
    )
    widget.set_thinking(
        model.data(index, _Roles.ThinkingRole) or "",
        model.data(index, _Roles.ThinkingSecondsRole),
        active=bool(model.data(index, _Roles.ThinkingActiveRole)),
    )
    widget.set_sources(
        model.data(index, _Roles.SourcesRole) or (), model.data(index, _Roles.SourcesNoteRole)
    )
    widget.set_text(model.data(index, _Roles.ContentRole) or "", streaming=streaming)


def _fill_controls(widget: MessageWidget, model: MessageListModel, index: QModelIndex) -> None:
    """Show the streaming state and the version position of row ``index`` in ``widget``."""
    widget.set_controls(
        streaming=bool(model.data(index, _Roles.StreamingRole)),
        sibling_index=model.data(index, _Roles.SiblingIndexRole) or 0,
        sibling_count=model.data(index, _Roles.SiblingCountRole) or 1,
    )


class _InlineEdits:
    """The one inline editor a :class:`ChatView` may have open: opening it on a user message,
    keeping it in view as it grows, closing it, and passing a sent edit on as
    ``ChatView.edit_submitted``."""

    def __init__(self, view: ChatView, column: _MessageColumn) -> None:
        self._view = view
        self._column = column
        self.editing: MessageWidget | None = None

    def row(self) -> int | None:
        """Row whose inline editor is open, or ``None``."""
        return None if self.editing is None else self._column.index_of(self.editing)

    def open(self, widget: MessageWidget) -> None:
        """Open the editor on ``widget`` (a user message) if actions are allowed."""
        view = self._view
        model = view.model()
        if model is None or not view.actions_enabled() or widget.role != Role.USER:
            return
        if widget is self.editing:
            widget.editor().setFocus(Qt.FocusReason.OtherFocusReason)  # type: ignore[union-attr]
            return
        self.cancel()  # one editor at a time
        if not widget.has_editor():
            # Connected on first use: most bubbles are never edited.
            widget.edit_submitted.connect(lambda text, w=widget: self._on_submitted(w, text))
            widget.edit_cancelled.connect(lambda w=widget: self._on_cancelled(w))
            widget.editor_resized.connect(lambda w=widget: self._on_resized(w))
        row = self._column.index_of(widget)
        view.flush()
        widget.start_editing(model.data(model.index(row, 0), _Roles.ContentRole) or "")
        self.editing = widget
        self._column.refit(row)
        self._ensure_visible(widget)

    def cancel(self) -> None:
        """Close an open editor without sending."""
        if self.editing is not None:
            widget, self.editing = self.editing, None
            widget.stop_editing()
            self._refit(widget)

    def forget(self, widget: MessageWidget) -> None:
        """``widget`` is going away (its row was removed)."""
        if widget is self.editing:
            self.editing = None

    def _refit(self, widget: MessageWidget) -> int:
        row = self._column.index_of(widget)
        self._column.refit(row)
        return row

    def _on_submitted(self, widget: MessageWidget, text: str) -> None:
        if widget is self.editing:
            self.editing = None
        row = self._refit(widget)
        self._view.edit_submitted.emit(row, text)

    def _on_cancelled(self, widget: MessageWidget) -> None:
        if widget is self.editing:
            self.editing = None
        self._refit(widget)

    def _on_resized(self, widget: MessageWidget) -> None:
        self._refit(widget)
        editor = widget.editor()
        if editor is not None:
            # Keep the line being typed on screen as the editor grows.
            caret = editor.cursorRect()
            point = editor.viewport().mapTo(self._column, caret.center())
            self._view.ensureVisible(point.x(), point.y(), 0, caret.height())

    def _ensure_visible(self, widget: MessageWidget) -> None:
        editor = widget.editor()
        if editor is None:
            return
        # Bottom first (the Send button), then the top of the editor wins if both cannot fit.
        bottom = widget.y() + widget.height()
        self._view.ensureVisible(widget.x(), bottom, 0, _SPACING)
        editor_top = editor.mapTo(widget, QPoint(0, 0)).y()
        self._view.ensureVisible(widget.x(), widget.y() + editor_top, 0, _SPACING)


class ChatView(QScrollArea):
    """Scrollable conversation bound to a :class:`MessageListModel`.

    ``confirm_link(url) -> bool`` and ``open_url(url) -> bool`` are plain attributes so tests
    (or the window) can replace the modal question and the browser launch.

    Signals:
        copied(str): text was put on the clipboard (a whole message or one code block), so
            the window can say so in its status bar.
        link_opened(QUrl): an http(s) link was confirmed by the user and handed to the
            system browser.
        edit_submitted(int, str): the user edited the message at this row and sent it
            (stripped, never empty). The bubble is already back to showing the old text; the
            caller stores the new version and rebuilds the rows.
        regenerate_requested(int): the user asked for a new version of the reply at this row.
        delete_requested(int): the user asked to delete the message at this row. Not
            confirmed: asking is the caller's job.
        sibling_requested(int, int): the user asked for the previous (-1) or next (+1)
            version of the message at this row.
        earlier_requested(): the user scrolled near the top and :meth:`set_has_earlier` said
            there is more; sent once until rows are prepended or set_has_earlier is called
            again.
        source_requested(int, int): the user clicked citation [n] (second value) of the reply
            at this row (first value); the window shows that passage.
    """

    copied = Signal(str)
    link_opened = Signal(QUrl)
    edit_submitted = Signal(int, str)
    regenerate_requested = Signal(int)
    delete_requested = Signal(int)
    sibling_requested = Signal(int, int)
    earlier_requested = Signal()
    source_requested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty(RELAYOUT_ON_FONT_CHANGE, True)
        self._model: MessageListModel | None = None
        self._actions_enabled = True
        self._revealed: MessageWidget | None = None
        self.confirm_link: Callable[[QUrl], bool] = lambda url: ask_before_opening(self, url)
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl

        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self.viewport().setAutoFillBackground(True)
        self._column = _MessageColumn()
        self.setWidget(self._column)
        self._edits = _InlineEdits(self, self._column)
        self._column.set_column_width(self.viewport().width())

        self._throttle = RepaintThrottle(_STREAM_RENDER_INTERVAL_MS, self._render_rows, self)
        # Following the bottom, Jump to latest, asking for earlier rows near the top.
        self._scrolling = ScrollFollower(
            self, self.earlier_requested.emit, lambda: self._model is not None
        )
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_scrollbar_range_changed)
        bar.valueChanged.connect(self._scrolling.on_value_changed)

    # -- public API ---------------------------------------------------------------------------

    def model(self) -> MessageListModel | None:
        return self._model

    def set_model(self, model: MessageListModel | None) -> None:
        """Show ``model``; the view follows its signals from now on."""
        if self._model is not None:
            for signal, slot in self._connections():
                signal.disconnect(slot)
        self._model = model
        if model is not None:
            for signal, slot in self._connections():
                signal.connect(slot)
        self._on_model_reset()

    def message_widget(self, row: int) -> MessageWidget:
        """The bubble showing ``row`` (for tests and for the window's keyboard navigation)."""
        return self._column.widgets()[row]

    def message_count(self) -> int:
        return len(self._column.widgets())

    def flush(self) -> None:
        """Render any throttled streaming update now."""
        self._throttle.flush()

    def scroll_to_bottom(self) -> None:
        """Jump to the newest message and keep following it while it streams."""
        self._scrolling.scroll_to_bottom()

    def is_following_bottom(self) -> bool:
        return self._scrolling.is_following()

    def jump_button(self) -> JumpToLatest:
        """Jump to latest: shown while the newest message is scrolled out of view."""
        return self._scrolling.jump_button()

    def set_actions_enabled(self, enabled: bool) -> None:
        """Allow or refuse Edit, Regenerate, Delete and version switching on every message.

        The caller turns them off while a reply streams. Copy and an open editor's Cancel
        keep working; the editor's Send waits.
        """
        if enabled == self._actions_enabled:
            return
        self._actions_enabled = enabled
        for widget in self._column.widgets():
            widget.set_actions_enabled(enabled)

    def actions_enabled(self) -> bool:
        return self._actions_enabled

    def set_has_earlier(self, has_earlier: bool) -> None:
        """Say whether messages exist above the first row, so scrolling up asks for them.

        Every call re-arms :attr:`earlier_requested`.
        """
        self._scrolling.set_has_earlier(has_earlier)

    def has_earlier(self) -> bool:
        return self._scrolling.has_earlier()

    def edit_row(self, row: int) -> bool:
        """Open the inline editor on ``row`` (a user message), as its Edit button does.

        Returns whether an editor opened; only one is open at a time.
        """
        widgets = self._column.widgets()
        if not 0 <= row < len(widgets):
            return False
        self._edits.open(widgets[row])
        return self._edits.editing is widgets[row]

    def editing_row(self) -> int | None:
        """Row whose inline editor is open, or ``None``."""
        return self._edits.row()

    def cancel_editing(self) -> None:
        """Close an open inline editor without sending (e.g. the caller rebuilds the rows)."""
        self._edits.cancel()

    def reveal(self, row: int, text: str | None = None) -> bool:
        """Scroll ``row`` into the middle of the view, e.g. to open a search hit.

        With ``text``, its first occurrence in that message (case-insensitive, in the text as
        shown) is selected and centred instead. Returns whether ``text`` was found; without
        ``text``, whether the row exists.
        """
        widgets = self._column.widgets()
        if not 0 <= row < len(widgets):
            return False
        self._throttle.flush()
        widget = widgets[row]
        if self._revealed is not None and self._revealed is not widget:
            _clear_selection(self._revealed)
        self._revealed = widget
        target = widget.y() + widget.height() // 2
        found = text is None
        if text and not widget.is_editing():
            cursor = widget.body.document().find(text)
            if not cursor.isNull():
                widget.body.setTextCursor(cursor)
                rect = widget.body.cursorRect(cursor)
                target = widget.y() + widget.body.y() + rect.center().y()
                found = True
        self.verticalScrollBar().setValue(target - self.viewport().height() // 2)
        # Reading an old message: do not jump away when the range next changes.
        self._scrolling.set_following(self._scrolling.at_bottom() and row == len(widgets) - 1)
        return found

    # -- model signals ------------------------------------------------------------------------

    def _connections(self) -> list[tuple[Any, Callable[..., None]]]:
        model = self._model
        assert model is not None
        return [
            (model.rowsAboutToBeInserted, self._on_model_rows_about_to_change),
            (model.rowsInserted, self._on_model_rows_inserted),
            (model.rowsAboutToBeRemoved, self._on_model_rows_about_to_change),
            (model.rowsRemoved, self._on_model_rows_removed),
            (model.dataChanged, self._on_model_data_changed),
            (model.modelAboutToBeReset, self._on_model_about_to_reset),
            (model.modelReset, self._on_model_reset),
            (model.layoutChanged, self._on_model_reset),
            (model.rowsMoved, self._on_model_reset),
        ]

    def _on_model_rows_about_to_change(self, parent: QModelIndex, first: int, last: int) -> None:
        # Pending rows are row numbers; render them before the numbers shift.
        self._throttle.flush()

    def _on_model_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if self._model is None or parent.isValid():
            return
        bar = self.verticalScrollBar()
        # The first bubble in view is the anchor: rows inserted above it must not move it.
        anchor = None if self._scrolling.is_following() else self._column.row_at(bar.value())
        if anchor is not None and anchor >= first:
            anchor_offset = self._column.top_of(anchor) - bar.value()
        else:
            anchor = None
        widgets = [self._create_widget() for _ in range(first, last + 1)]
        for offset, widget in enumerate(widgets):
            _fill(widget, self._model, self._model.index(first + offset, 0))
        self._column.insert(first, widgets)
        if anchor is not None:
            bar.setValue(self._column.top_of(anchor + len(widgets)) - anchor_offset)
        if first == 0 and last + 1 < self._model.rowCount():
            # Earlier rows arrived: the next approach to the top may ask for more.
            self._scrolling.rearm_earlier()
        last_role = self._model.data(self._model.index(last, 0), _Roles.RoleRole)
        if last == self._model.rowCount() - 1 and last_role == Role.USER:
            # The user just sent something: show it even if they had scrolled up.
            self.scroll_to_bottom()

    def _on_model_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        for widget in self._column.remove(first, last):
            self._forget(widget)
            widget.hide()
            widget.deleteLater()

    def _on_model_about_to_reset(self) -> None:
        self._throttle.clear()

    def _on_model_reset(self, *args: object) -> None:
        self._throttle.clear()
        for widget in self._column.take_all():
            self._forget(widget)
            widget.hide()
            widget.deleteLater()
        model = self._model
        if model is None:
            return
        widgets = []
        for row in range(model.rowCount()):
            widget = self._create_widget()
            _fill(widget, model, model.index(row, 0))
            widgets.append(widget)
        self._column.insert(0, widgets)
        self.scroll_to_bottom()
        # New rows: whether earlier ones exist is for the caller to say (set_has_earlier),
        # usually right after this; the check runs once that has happened.
        self._scrolling.rearm_earlier()

    def _forget(self, widget: MessageWidget) -> None:
        self._edits.forget(widget)
        if widget is self._revealed:
            self._revealed = None

    def _on_model_data_changed(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        if self._model is None:
            return
        changed = {int(r) for r in roles}
        if changed and changed <= {int(_Roles.MessageIdRole)}:
            return  # nothing on screen shows the id
        content_only = bool(changed) and changed <= _CONTENT_ROLES
        controls_only = bool(changed) and changed <= _CONTROL_ROLES
        widgets = self._column.widgets()
        for row in range(top_left.row(), bottom_right.row() + 1):
            index = self._model.index(row, 0)
            if controls_only and 0 <= row < len(widgets):
                # A new version count needs no new Markdown render, only a new header.
                _fill_controls(widgets[row], self._model, index)
                self._column.refit(row)
            elif content_only and self._model.data(index, _Roles.StreamingRole):
                self._throttle.request(row)
            else:
                # Finishing, exclusion, meta: rare, and the final text must always show.
                self._throttle.discard(row)
                self._render_rows({row})

    # -- rendering ----------------------------------------------------------------------------

    def _create_widget(self) -> MessageWidget:
        widget = MessageWidget(self._column)
        widget.copy_requested.connect(lambda w=widget: self._on_message_copy_requested(w))
        widget.anchor_clicked.connect(lambda url, w=widget: self._on_message_anchor_clicked(w, url))
        widget.action_requested.connect(
            lambda action, w=widget: self._on_message_action_requested(w, action)
        )
        widget.thinking_toggled.connect(lambda _open, w=widget: self._refit_widget(w))
        if not self._actions_enabled:
            widget.set_actions_enabled(False)
        return widget

    def _render_rows(self, rows: set[int]) -> None:
        model = self._model
        if model is None:
            return
        widgets = self._column.widgets()
        for row in sorted(rows):
            if 0 <= row < len(widgets):
                _fill(widgets[row], model, model.index(row, 0))
                self._column.refit(row)

    def _rerender_all(self) -> None:
        self._throttle.clear()
        if self._model is None:
            return
        for row, widget in enumerate(self._column.widgets()):
            _fill(widget, self._model, self._model.index(row, 0))
        self._column.relayout_all()

    # -- user actions -------------------------------------------------------------------------

    def _on_message_copy_requested(self, widget: MessageWidget) -> None:
        if self._model is None:
            return
        row = self._column.index_of(widget)
        text = self._model.data(self._model.index(row, 0), _Roles.ContentRole) or ""
        QGuiApplication.clipboard().setText(text)
        widget.show_copied()
        self.copied.emit(text)

    def _on_message_action_requested(self, widget: MessageWidget, action: int) -> None:
        if not self._actions_enabled or self._model is None:
            return
        if action == MessageAction.EDIT:
            self._edits.open(widget)
            return
        row = self._column.index_of(widget)
        if action == MessageAction.REGENERATE:
            self.regenerate_requested.emit(row)
        elif action == MessageAction.DELETE:
            self.delete_requested.emit(row)
        elif action == MessageAction.PREVIOUS:
            self.sibling_requested.emit(row, -1)
        elif action == MessageAction.NEXT:
            self.sibling_requested.emit(row, 1)

    def _refit_widget(self, widget: MessageWidget) -> int:
        row = self._column.index_of(widget)
        self._column.refit(row)
        return row

    def _on_message_anchor_clicked(self, widget: MessageWidget, url: QUrl) -> None:
        follow_link(self, self._column.index_of(widget), widget, url)

    # -- scrolling and resizing ---------------------------------------------------------------

    def _on_scrollbar_range_changed(self, minimum: int, maximum: int) -> None:
        # The scroll bar may just have appeared or gone, changing the viewport width.
        self._column.set_column_width(self.viewport().width())
        self._scrolling.on_range_changed(maximum)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._column.set_column_width(self.viewport().width())
        self._scrolling.place_jump()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.StyleChange,
        ):
            # Code colours depend on whether the palette is dark. The view hears of a new palette
            # before its bubbles get it, so re-render once the change has reached them (with the
            # view as the call's context: a view deleted meanwhile is not called).
            QTimer.singleShot(0, self, self._rerender_all)
            self._scrolling.restyle_jump()
