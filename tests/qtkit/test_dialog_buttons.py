"""OK accepts the dialog and Cancel rejects it; an extra button joins them."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox

from desktop.qtkit.dialog_buttons import ok_cancel_buttons

Std = QDialogButtonBox.StandardButton


def test_ok_accepts_and_cancel_rejects(qtbot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    buttons = ok_cancel_buttons(dialog)
    assert buttons.standardButtons() == Std.Ok | Std.Cancel
    dialog.open()
    with qtbot.waitSignal(dialog.accepted, timeout=1_000):
        buttons.button(Std.Ok).click()
    dialog.open()
    with qtbot.waitSignal(dialog.rejected, timeout=1_000):
        buttons.button(Std.Cancel).click()


def test_an_extra_button_is_added(qtbot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    buttons = ok_cancel_buttons(dialog, Std.Apply)
    assert buttons.standardButtons() == Std.Ok | Std.Cancel | Std.Apply
