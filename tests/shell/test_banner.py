"""Banner: the notes above the conversation, which the user may close."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.shell.banner import Banner


def test_a_closed_note_stays_closed_until_another_comes(qtbot) -> None:  # type: ignore[no-untyped-def]
    banner = Banner()
    qtbot.addWidget(banner)
    banner.show()
    banner.set_text("Demo model: small and not trained to chat.")
    assert banner.isVisible() and banner.label.isVisible()
    qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)
    assert banner.isHidden() and banner.label.text().startswith("Demo model")
    banner.set_text("Demo model: small and not trained to chat.")  # the same model again
    assert banner.isHidden()
    banner.set_text("The 3 oldest messages no longer fit.")
    assert banner.isVisible()
    banner.set_text("")
    assert banner.isHidden() and banner.label.isHidden()


def test_its_text_is_plain_and_its_button_is_named(qtbot) -> None:  # type: ignore[no-untyped-def]
    banner = Banner()
    qtbot.addWidget(banner)
    banner.set_text("<b>model</b>")
    assert banner.label.textFormat() == Qt.TextFormat.PlainText
    assert banner.close_button.accessibleName() == "Hide this note"
