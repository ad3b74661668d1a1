"""LateIconButton: IconButton's API, with the icon drawn on the turn after its first paint so
the icon library stays out of the window's first frame."""

from __future__ import annotations

from desktop.qtkit.late_icon_button import LateIconButton


def test_the_icon_comes_after_the_first_paint_and_follows_its_meaning(qtbot) -> None:  # type: ignore[no-untyped-def]
    button = LateIconButton("send", "Send the message")
    qtbot.addWidget(button)
    assert button.icon().isNull()  # nothing drawn before a paint
    assert button.accessibleName() == "Send the message"
    button.set_meaning("stop", "Stop")  # before the first paint: remembered, still no icon
    assert button.icon().isNull() and button.meaning == "stop"
    button.show()
    qtbot.waitExposed(button)
    qtbot.waitUntil(lambda: not button.icon().isNull(), timeout=2000)
    first = button.icon().cacheKey()
    button.set_meaning("send", "Send")  # drawn at once from then on
    assert button.icon().cacheKey() != first
    assert button.accessibleName() == "Send" and "Send" in button.toolTip()
