"""TrashDialog: the list of deleted chats and its Restore / Delete forever / Empty trash."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QDateTime, QItemSelectionModel, QPoint, Qt, QTime
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from desktop.core.conversation import ConversationSummary
from desktop.history.qt.trash_dialog import TrashDialog, TrashListModel
from desktop.qtkit.empty_state import EmptyState

Roles = TrashListModel.Roles
NOW = 1_750_000_000.0


def trashed(id: int, deleted: float, title: str | None = None) -> ConversationSummary:
    return ConversationSummary(
        id=id,
        title=title if title is not None else f"Chat {id}",
        title_is_auto=True,
        created_at=NOW - 10_000,
        updated_at=NOW - 5_000,
        deleted_at=NOW + deleted,
    )


ITEMS = [trashed(1, 10), trashed(2, 30, "Second"), trashed(3, 20)]


class Answers:
    """A scripted ``confirm`` that records the questions it was asked."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.questions: list[str] = []

    def __call__(self, question: str) -> bool:
        self.questions.append(question)
        return self.answer


@pytest.fixture
def dialog(qtbot: QtBot) -> TrashDialog:
    widget = TrashDialog()
    qtbot.addWidget(widget)
    widget.set_items(ITEMS)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def select(dialog: TrashDialog, *rows: int) -> None:
    selection = dialog.list_view.selectionModel()
    selection.clear()
    for row in rows:
        selection.select(dialog.model().index(row, 0), QItemSelectionModel.SelectionFlag.Select)


def test_modeltester(qtmodeltester) -> None:
    model = TrashListModel()
    qtmodeltester.check(model, force_py=True)
    model.set_items(ITEMS)
    model.set_items([])
    model.set_items(ITEMS[:1])


def test_model_orders_newest_deletion_first() -> None:
    model = TrashListModel()
    model.set_items(ITEMS)
    assert [model.summary(row).id for row in range(3)] == [2, 3, 1]
    index = model.index(0, 0)
    assert index.data() == "Second"
    assert index.data(Roles.IdRole) == 2
    assert index.data(Roles.TitleRole) == "Second"
    assert index.data(Roles.DeletedAtRole) == NOW + 30
    assert set(model.roleNames()) >= {int(r) for r in Roles}


def test_buttons_follow_selection(dialog: TrashDialog) -> None:
    assert not dialog.restore_button.isEnabled()
    assert not dialog.purge_button.isEnabled()
    assert dialog.empty_button.isEnabled()
    select(dialog, 0)
    assert dialog.restore_button.isEnabled()
    assert dialog.purge_button.isEnabled()
    dialog.set_items([])
    assert not dialog.empty_button.isEnabled()
    assert not dialog.restore_button.isEnabled()


def _visible_buttons(dialog: TrashDialog) -> list[str]:
    return [b.text() for b in dialog.findChildren(QPushButton) if b.isVisibleTo(dialog)]


def test_an_empty_trash_shows_the_empty_state_and_only_close(dialog: TrashDialog) -> None:
    assert _visible_buttons(dialog) == ["Restore", "Delete forever", "Empty trash", "Close"]
    dialog.set_items([])
    state = dialog.empty_state
    assert isinstance(state, EmptyState)
    assert state.isVisible() and not dialog.list_view.isVisible()
    assert state.badge.meaning == "trash"
    # It says what to do: deleted chats land here and can be restored.
    assert state.title.text() == "The trash is empty"
    assert state.text.text() == "Chats you delete wait here for 30 days, so you can restore them."
    assert state.title.textFormat() == state.text.textFormat() == Qt.TextFormat.PlainText
    # The buttons that cannot act on an empty trash are gone, not greyed out.
    assert _visible_buttons(dialog) == ["Close"]
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert sorted(labels) == sorted([state.title.text(), state.text.text()])  # said once
    assert not dialog.grab().isNull()
    # Something deleted again: the list and its buttons come back.
    dialog.set_items(ITEMS[:1])
    assert dialog.list_view.isVisible() and not state.isVisible()
    assert _visible_buttons(dialog) == ["Restore", "Delete forever", "Empty trash", "Close"]


def test_the_empty_state_follows_the_theme(qtbot: QtBot, restore_app) -> None:
    """The badge and the text are painted from the palette, so a dark theme reads too."""
    from desktop.qtkit.theme import Appearance

    appearance = Appearance(restore_app)
    appearance.apply("light", 0)
    widget = TrashDialog()
    qtbot.addWidget(widget)
    widget.set_items([])
    widget.show()
    qtbot.waitExposed(widget)
    light = widget.grab().toImage()
    appearance.apply("dark", 0)
    qtbot.wait(50)
    dark = widget.grab().toImage()
    assert light != dark
    # The dialog turns dark with the app (the empty state is no white box of its own).
    corner = widget.empty_state.mapTo(widget, QPoint(4, 4))
    assert dark.pixelColor(corner).lightness() < 128 < light.pixelColor(corner).lightness()


def test_restore(qtbot: QtBot, dialog: TrashDialog) -> None:
    select(dialog, 0, 2)
    seen: list[int] = []
    dialog.restore_requested.connect(seen.append)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert seen == [2, 1]
    # The dialog shows what it is told: the caller sends the new contents.
    assert dialog.model().rowCount() == 3
    dialog.set_items([ITEMS[2]])
    assert dialog.model().rowCount() == 1


def test_delete_forever_asks_first(qtbot: QtBot, dialog: TrashDialog) -> None:
    select(dialog, 0)
    dialog.confirm = no = Answers(False)
    with qtbot.assertNotEmitted(dialog.purge_requested):
        qtbot.mouseClick(dialog.purge_button, Qt.MouseButton.LeftButton)
    assert len(no.questions) == 1
    assert "Second" in no.questions[0]

    dialog.confirm = yes = Answers(True)
    with qtbot.waitSignal(dialog.purge_requested) as blocker:
        qtbot.mouseClick(dialog.purge_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [2]
    assert len(yes.questions) == 1

    select(dialog, 0, 1)
    seen: list[int] = []
    dialog.purge_requested.connect(seen.append)
    qtbot.mouseClick(dialog.purge_button, Qt.MouseButton.LeftButton)
    assert seen == [2, 3]
    assert "2 chats" in yes.questions[-1]


def test_empty_trash_asks_first(qtbot: QtBot, dialog: TrashDialog) -> None:
    dialog.confirm = no = Answers(False)
    with qtbot.assertNotEmitted(dialog.empty_requested):
        qtbot.mouseClick(dialog.empty_button, Qt.MouseButton.LeftButton)
    assert "3 chats" in no.questions[0]
    dialog.confirm = Answers(True)
    with qtbot.waitSignal(dialog.empty_requested):
        qtbot.mouseClick(dialog.empty_button, Qt.MouseButton.LeftButton)


def test_selection_survives_new_items(dialog: TrashDialog) -> None:
    select(dialog, 1)  # id 3
    dialog.set_items([*ITEMS, trashed(4, 99)])
    assert dialog.selected_ids() == [3]


def test_detail_lines(qtbot: QtBot) -> None:
    """The second line of each row, from the delegate the dialog's list paints with."""
    dialog = TrashDialog(retention_days=30)
    qtbot.addWidget(dialog)
    delegate = dialog.list_view.itemDelegate()
    today = QDate(2026, 11, 29)

    def at(days_ago: int, hour: int = 12) -> float:
        return QDateTime(today.addDays(-days_ago), QTime(hour, 0)).toSecsSinceEpoch()

    assert delegate.detail(at(0), today) == "Deleted today · removed for good in 30 days"
    assert delegate.detail(at(1, 23), today) == "Deleted yesterday · removed for good in 29 days"
    assert delegate.detail(at(3), today) == "Deleted 3 days ago · removed for good in 27 days"
    assert delegate.detail(at(29), today) == "Deleted 29 days ago · removed for good tomorrow"
    assert delegate.detail(at(45), today) == "Deleted 45 days ago · removed for good today"


def test_note_and_title(dialog: TrashDialog) -> None:
    assert dialog.windowTitle() == "Trash"
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Deleted chats are removed for good after 30 days." in labels
    assert not dialog.grab().isNull()


def test_delete_forever_shows_titles_as_plain_text(qtbot, monkeypatch) -> None:
    """Titles can come from imported files: the question must not run them as HTML."""
    from PySide6.QtCore import Qt

    from tests.fixtures.message_boxes import HOSTILE_NAME, capture_message_boxes

    shown = capture_message_boxes(monkeypatch)
    widget = TrashDialog()
    qtbot.addWidget(widget)
    assert not widget.confirm(f"Delete “{HOSTILE_NAME}” forever?")
    assert shown[0].textFormat() == Qt.TextFormat.PlainText
