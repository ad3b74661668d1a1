"""IconChip: an icon with a count in a pill, active (accent) while the count is above zero."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.qtkit.icon_chip import CHIP_HEIGHT, IconChip


def test_the_count_shows_beside_the_icon_and_makes_the_chip_wider(qtbot) -> None:  # type: ignore[no-untyped-def]
    chip = IconChip("documents", "Attach a collection")
    qtbot.addWidget(chip)
    chip.show()
    assert chip.meaning == "documents" and chip.accessibleName() == "Attach a collection"
    assert chip.count() == 0 and chip.count_text() == ""
    empty = chip.sizeHint()
    assert empty.height() == CHIP_HEIGHT
    chip.set_count(12)
    assert chip.count_text() == "12"
    assert chip.sizeHint().width() > empty.width()
    chip.grab()  # paints with a count
    chip.set_count(-1)
    assert chip.count() == 0 and chip.sizeHint() == empty


def test_a_click_is_a_click(qtbot) -> None:  # type: ignore[no-untyped-def]
    chip = IconChip("documents", "Attach")
    qtbot.addWidget(chip)
    chip.show()
    with qtbot.waitSignal(chip.clicked, timeout=1000):
        qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
