"""A push button calls its slot when clicked, with the tooltip and parent it was given."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.qtkit.push_button import push_button


def test_a_click_calls_the_slot(qtbot) -> None:
    clicked: list[str] = []
    button = push_button("&Load", lambda: clicked.append("load"))
    qtbot.addWidget(button)
    assert button.text() == "&Load" and button.toolTip() == "" and button.parent() is None
    button.click()
    button.click()
    assert clicked == ["load", "load"]


def test_a_tooltip_and_a_parent_are_set_when_given(qtbot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    button = push_button("Re&move", lambda: None, tooltip="Stop using this folder", parent=owner)
    assert button.toolTip() == "Stop using this folder" and button.parent() is owner
