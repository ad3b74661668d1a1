"""TrashDialog: the list of deleted chats and its Restore / Delete forever / Empty trash."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QDateTime, QItemSelectionModel, Qt, QTime
from PySide6.QtGui import QPalette
from pytestqt.qtbot import QtBot

from desktop.core.conversation import ConversationSummary
from desktop.history.qt.trash_dialog import TrashDialog, TrashListModel

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
    assert dialog.empty_label.isVisible()
    assert not dialog.list_view.isVisible()
    # It says what to do: deleted chats land here and can be restored.
    assert dialog.empty_label.text() == (
        "The trash is empty.\nChats you delete wait here for 30 days, so you can restore them."
    )
    assert dialog.empty_label.textFormat() == Qt.TextFormat.PlainText
    assert dialog.empty_label.foregroundRole() == QPalette.ColorRole.PlaceholderText  # muted
    labels = [label for label in dialog.findChildren(type(dialog.empty_label)) if label.isVisible()]
    assert [label.text() for label in labels] == [dialog.empty_label.text()]  # said once


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
    labels = [label.text() for label in dialog.findChildren(type(dialog.empty_label))]
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
