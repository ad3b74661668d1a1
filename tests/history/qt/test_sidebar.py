"""Sidebar: the widget's requests, selection, search and keyboard."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QListView
from pytestqt.qtbot import QtBot

from desktop.history.qt.chat_list_model import ConversationListModel
from desktop.history.qt.sidebar import ICON_MIN_SIZE, QUOTED_QUERY_CHARS, Sidebar
from desktop.qtkit.stylesheet import PRIMARY, SIDEBAR
from tests.history.qt.test_chat_list_model import conv
from tests.history.qt.test_search_results import HITS

Roles = ConversationListModel.Roles


@pytest.fixture
def sidebar(qtbot: QtBot) -> Sidebar:
    widget = Sidebar()
    qtbot.addWidget(widget)
    widget.resize(260, 500)
    widget.model().set_conversations([conv(i, updated=i) for i in range(1, 6)])
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_set_current_selects_without_emitting(qtbot: QtBot, sidebar: Sidebar) -> None:
    with qtbot.assertNotEmitted(sidebar.conversation_selected):
        sidebar.set_current(3)
        view = sidebar.conversation_view
        assert view.currentIndex().data(Roles.IdRole) == 3
        assert view.selectionModel().isSelected(view.currentIndex())
        sidebar.set_current(None)
        assert not view.selectionModel().hasSelection()
        sidebar.set_current(77)  # not listed yet: highlighted once it arrives
        sidebar.model().upsert(conv(77, updated=100))
        assert view.currentIndex().data(Roles.IdRole) == 77
    assert sidebar.current_id() == 77


def test_selection_follows_model_changes_without_emitting(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(2)
    with qtbot.assertNotEmitted(sidebar.conversation_selected):
        sidebar.model().upsert(conv(2, updated=99))  # moves to the top
        assert view.currentIndex().data(Roles.IdRole) == 2
        sidebar.model().set_conversations([conv(i, updated=i) for i in range(1, 6)])
        assert view.currentIndex().data(Roles.IdRole) == 2
        sidebar.model().remove(2)  # the open chat goes: nothing else gets highlighted
        assert not view.selectionModel().hasSelection()


def test_keyboard_navigation_opens_chats(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(4)  # rows: 5 4 3 2 1
    view.setFocus()
    with qtbot.waitSignal(sidebar.conversation_selected) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Down)
    assert blocker.args == [3]
    with qtbot.waitSignal(sidebar.conversation_selected) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Up)
    assert blocker.args == [4]
    with qtbot.waitSignal(sidebar.conversation_selected) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_End)
    assert blocker.args == [1]
    assert sidebar.current_id() == 1


def test_click_opens_and_right_click_does_not(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(5)
    rect = view.visualRect(sidebar.model().index(2, 0))  # id 3
    with qtbot.assertNotEmitted(sidebar.conversation_selected):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=rect.center())
        qtbot.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=view.visualRect(sidebar.model().index(0, 0)).center(),
        )  # already open
    assert view.currentIndex().data(Roles.IdRole) == 5
    with qtbot.waitSignal(sidebar.conversation_selected) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [3]


def test_double_click_does_not_rename(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    rect = view.visualRect(sidebar.model().index(1, 0))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.state() != QAbstractItemView.State.EditingState
    assert not view.viewport().findChildren(QLineEdit)


def _editor(sidebar: Sidebar) -> QLineEdit:
    editors = [e for e in sidebar.conversation_view.findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    return editors[0]


def test_f2_renames_inline(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(3)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert view.state() == QAbstractItemView.State.EditingState
    editor = _editor(sidebar)
    assert editor.text() == "Chat 3"
    editor.setText("  Plans for 2026 ")
    with qtbot.waitSignal(sidebar.rename_requested) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [3, "Plans for 2026"]
    assert sidebar.model().index(2, 0).data() == "Chat 3"  # until the caller upserts


def test_rename_to_blank_is_ignored(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(3)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = _editor(sidebar)
    editor.setText("   ")
    with qtbot.assertNotEmitted(sidebar.rename_requested):
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_context_menu_actions(qtbot: QtBot, sidebar: Sidebar) -> None:
    sidebar.model().upsert(conv(2, updated=2, pinned=True))
    sidebar.set_current(5)

    menu = sidebar.context_menu(4)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Rename", "Pin", "Delete"]
    with qtbot.waitSignal(sidebar.pin_requested) as blocker:
        sidebar.pin_action.trigger()
    assert blocker.args == [4, True]
    with qtbot.waitSignal(sidebar.delete_requested) as blocker:
        sidebar.delete_action.trigger()
    assert blocker.args == [4]
    menu.deleteLater()

    menu = sidebar.context_menu(2)
    assert sidebar.pin_action.text() == "Unpin"
    with qtbot.waitSignal(sidebar.pin_requested) as blocker:
        sidebar.pin_action.trigger()
    assert blocker.args == [2, False]
    sidebar.rename_action.trigger()
    view = sidebar.conversation_view
    assert view.state() == QAbstractItemView.State.EditingState
    editor = _editor(sidebar)
    assert editor.text() == "Chat 2"
    editor.setText("Pinned one")
    with qtbot.waitSignal(sidebar.rename_requested) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [2, "Pinned one"]
    assert view.currentIndex().data(Roles.IdRole) == 5  # the open chat stays highlighted
    menu.deleteLater()


def test_delete_key_requests_delete(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(1)
    view.setFocus()
    with (
        qtbot.waitSignal(sidebar.delete_requested) as blocker,
        qtbot.assertNotEmitted(sidebar.conversation_selected),
    ):
        qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert blocker.args == [1]


def test_buttons(qtbot: QtBot, sidebar: Sidebar) -> None:
    with qtbot.waitSignal(sidebar.new_chat_requested):
        qtbot.mouseClick(sidebar.new_chat_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(sidebar.trash_requested):
        qtbot.mouseClick(sidebar.trash_button, Qt.MouseButton.LeftButton)
    assert sidebar.search_field.placeholderText() == "Search chats (Ctrl+K)"
    assert sidebar.search_field.isClearButtonEnabled()
    assert sidebar.minimumWidth() >= 200
    assert sidebar.conversation_view.uniformItemSizes()


def test_search_is_debounced(qtbot: QtBot, sidebar: Sidebar) -> None:
    field = sidebar.search_field
    emitted: list[str] = []
    sidebar.search_changed.connect(emitted.append)
    started = time.monotonic()
    with qtbot.waitSignal(sidebar.search_changed, timeout=2000) as blocker:
        qtbot.keyClicks(field, "tom")
        assert emitted == []  # nothing while typing
    assert blocker.args == ["tom"]
    assert time.monotonic() - started >= 0.14
    assert emitted == ["tom"]
    qtbot.keyClick(field, Qt.Key.Key_Space)  # "tom ": same query, not sent again
    qtbot.wait(300)
    assert emitted == ["tom"]
    # Cleared: "" at once, no waiting.
    field.clear()
    assert emitted == ["tom", ""]
    assert sidebar.search_text() == ""


def test_results_replace_the_list_and_open_hits(qtbot: QtBot, sidebar: Sidebar) -> None:
    field = sidebar.search_field
    with qtbot.waitSignal(sidebar.search_changed):
        field.setText("match")
    assert not sidebar.conversation_view.isVisible()
    sidebar.set_search_results(HITS)
    results = sidebar.results_view
    assert results.isVisible()
    assert not sidebar.no_matches_label.isVisible()
    assert results.model().rowCount() == 2

    with qtbot.waitSignal(sidebar.search_hit_activated) as blocker:
        qtbot.mouseClick(
            results.viewport(),
            Qt.MouseButton.LeftButton,
            pos=results.visualRect(results.model().index(1, 0)).center(),
        )
    assert blocker.args == [4, None]

    field.setFocus()
    with qtbot.waitSignal(sidebar.search_hit_activated) as blocker:
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert blocker.args == [3, 30]

    sidebar.set_search_results([])
    assert sidebar.no_matches_label.isVisible()
    assert sidebar.no_matches_label.text() == "No chats match “match”"
    assert not results.isVisible()
    with qtbot.assertNotEmitted(sidebar.search_hit_activated):
        qtbot.keyClick(field, Qt.Key.Key_Return)

    with qtbot.waitSignal(sidebar.search_changed) as blocker:
        qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert blocker.args == [""]
    assert field.text() == ""
    assert sidebar.conversation_view.isVisible()
    assert not sidebar.no_matches_label.isVisible()


def test_no_matches_waits_for_the_answer(qtbot: QtBot, sidebar: Sidebar) -> None:
    sidebar.search_field.setText("zz")
    assert not sidebar.no_matches_label.isVisible()  # asked, not answered yet
    sidebar.set_search_results([])
    assert sidebar.no_matches_label.isVisible()


def test_no_matches_quotes_the_search_as_plain_text(qtbot: QtBot, sidebar: Sidebar) -> None:
    label = sidebar.no_matches_label
    sidebar.search_field.setText("<b>x</b>")
    sidebar.set_search_results([])
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == "No chats match “<b>x</b>”"
    sidebar.search_field.setText("y" * 200)
    sidebar.set_search_results([])
    assert label.text() == "No chats match “" + "y" * (QUOTED_QUERY_CHARS - 1) + "…”"


def test_an_empty_chat_list_says_how_to_start(qtbot: QtBot) -> None:
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.resize(260, 400)
    sidebar.show()
    qtbot.waitExposed(sidebar)
    view = sidebar.conversation_view
    empty = sidebar.empty_list_text()
    assert empty == "No chats yet — start one with New chat or Ctrl+N"
    blank = _ink(view)
    assert blank > 0  # the text is drawn in the list's viewport

    sidebar.model().upsert(conv(1, updated=1))
    assert sidebar.empty_list_text() == ""
    sidebar.model().remove(1)
    assert sidebar.empty_list_text() == empty


def _ink(view: QListView) -> int:
    """How many pixels of the viewport differ from its top-left corner (its background)."""
    image = view.viewport().grab().toImage()
    background = image.pixelColor(0, 0)
    return sum(
        image.pixelColor(x, y) != background
        for x in range(0, image.width(), 2)
        for y in range(0, min(image.height(), 80), 2)
    )


def test_the_empty_list_text_goes_when_a_chat_arrives(qtbot: QtBot) -> None:
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.resize(260, 400)
    sidebar.show()
    qtbot.waitExposed(sidebar)
    assert _ink(sidebar.conversation_view) > 0
    sidebar.model().set_conversations([conv(1, updated=1)])
    sidebar.conversation_view.setCurrentIndex(QModelIndex())
    sidebar.conversation_view.clearSelection()
    with_row = sidebar.conversation_view.viewport().grab().toImage()
    # The one row is drawn at the top; below it the viewport is blank again.
    row_height = sidebar.conversation_view.visualRect(sidebar.model().index(0, 0)).height()
    below = {
        with_row.pixelColor(x, y).name()
        for x in range(0, with_row.width(), 2)
        for y in range(row_height + 2, min(with_row.height(), 80), 2)
    }
    assert len(below) == 1


def test_the_new_chat_button_is_the_primary_one(sidebar: Sidebar) -> None:
    assert sidebar.new_chat_button.property(PRIMARY) is True
    assert not sidebar.new_chat_button.icon().isNull()
    assert not sidebar.trash_button.icon().isNull()
    assert sidebar.trash_button.isFlat()
    assert sidebar.objectName() == SIDEBAR
    assert sidebar.search_field.actions()  # the search icon inside the field


def test_the_icons_grow_with_the_text(sidebar: Sidebar) -> None:
    small = sidebar.new_chat_button.iconSize().height()
    assert small >= ICON_MIN_SIZE
    font = sidebar.font()
    font.setPointSize(font.pointSize() * 3)
    sidebar.setFont(font)
    assert sidebar.new_chat_button.iconSize().height() > small
    assert sidebar.trash_button.iconSize() == sidebar.new_chat_button.iconSize()


def test_enter_before_the_pause_searches_first(qtbot: QtBot, sidebar: Sidebar) -> None:
    sidebar.search_changed.connect(
        lambda text: sidebar.set_search_results(HITS[1:] if text else [])
    )
    field = sidebar.search_field
    field.setFocus()
    qtbot.keyClicks(field, "chat")
    with qtbot.waitSignal(sidebar.search_hit_activated) as blocker:
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert blocker.args == [4, None]


def test_down_from_search_goes_to_results(qtbot: QtBot, sidebar: Sidebar) -> None:
    field = sidebar.search_field
    sidebar.activateWindow()
    with qtbot.waitSignal(sidebar.search_changed):
        field.setText("m")
    sidebar.set_search_results(HITS)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Down)
    results = sidebar.results_view
    assert results.hasFocus()
    qtbot.keyClick(results, Qt.Key.Key_Down)
    with qtbot.waitSignal(sidebar.search_hit_activated) as blocker:
        qtbot.keyClick(results, Qt.Key.Key_Return)
    assert blocker.args == [4, None]


def test_focus_search(qtbot: QtBot, sidebar: Sidebar) -> None:
    sidebar.search_field.setText("old")
    sidebar.activateWindow()
    sidebar.focus_search()
    assert sidebar.search_field.hasFocus()
    assert sidebar.search_field.selectedText() == "old"
    sidebar.clear_search()
    assert sidebar.search_field.text() == ""


def test_many_rows_paint(qtbot: QtBot, sidebar: Sidebar) -> None:
    titles = ["长标题" * 30, "x" * 500, "", "Pinned"]
    sidebar.model().set_conversations(
        [conv(i, updated=i, title=titles[i % 4], pinned=i % 50 == 0) for i in range(3000)]
    )
    sidebar.resize(200, 400)
    image = sidebar.grab()
    assert not image.isNull()
    view = sidebar.conversation_view
    assert view.indexAt(QPoint(10, 10)).isValid()
