"""ShellStatusBar: messages beside the left-hand widgets, never under them (issue 17, defect 7:
the model button covered the start of "“…” was moved to the trash."; the model picker is at the
top of the chat now, and the status bar holds speed, context, the server and the backend)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton

from desktop.shell.feature import STATUS_GROUPS
from desktop.shell.status_bar import ShellStatusBar


def test_the_status_bar_has_no_model_groups() -> None:
    """The model and its load's progress moved to the picker at the top of the chat."""
    assert STATUS_GROUPS == ("reply", "server", "backend")
    with pytest.raises(ValueError, match="no group"):
        ShellStatusBar().add_group_widget("progress", QLabel())


def test_the_message_sits_first_and_before_its_undo(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    bar = ShellStatusBar(window)
    window.setStatusBar(bar)
    window.resize(900, 200)
    context = QLabel("Context 0 / 4096")
    bar.add_group_widget("reply", context)
    undo = QPushButton("Undo")
    bar.add_group_widget("undo", undo, left=True)
    window.show()
    qtbot.waitExposed(window)
    bar.showMessage("“A chat” was moved to the trash.", 10_000)
    qtbot.wait(20)
    label = bar.message_label
    assert bar.currentMessage() == "“A chat” was moved to the trash."
    assert label.isVisible()
    assert label.geometry().left() <= 10  # nothing before it covers its start
    assert label.geometry().right() < undo.geometry().left()
    assert undo.geometry().right() < context.geometry().left()
    assert label.width() >= label.sizeHint().width()  # the whole message shows
    bar.remove_left_widget(undo)
    bar.clearMessage()
    assert bar.currentMessage() == ""


def test_a_message_goes_after_its_timeout(qtbot) -> None:
    bar = ShellStatusBar()
    qtbot.addWidget(bar)
    with qtbot.waitSignal(bar.messageChanged, timeout=2_000) as changed:
        bar.showMessage("Copied", 50)
        assert bar.currentMessage() == "Copied"
        changed.signal_triggered  # noqa: B018 (the first emission is the message itself)
    qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=2_000)
