"""ShellStatusBar: messages beside the left-hand widgets, never under them (issue 17, defect 7:
the model picker covered the start of "“…” was moved to the trash.")."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QToolButton

from desktop.shell.status_bar import ShellStatusBar


def test_the_message_sits_after_the_picker_and_before_its_undo(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    bar = ShellStatusBar(window)
    window.setStatusBar(bar)
    window.resize(900, 200)
    bar.add_group_widget("reply", QLabel("Context 0 / 4096"))
    picker = QToolButton()
    picker.setText("Gemma 3 270M (demo) · Q4_K_M")
    bar.add_group_widget("picker", picker, left=True)
    undo = QPushButton("Undo")
    bar.add_group_widget("undo", undo, left=True)
    window.show()
    qtbot.waitExposed(window)
    bar.showMessage("“A chat” was moved to the trash.", 10_000)
    qtbot.wait(20)
    label = bar.message_label
    assert bar.currentMessage() == "“A chat” was moved to the trash."
    assert picker.isVisible() and label.isVisible()
    assert picker.geometry().right() < label.geometry().left()
    assert label.geometry().right() < undo.geometry().left()
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
