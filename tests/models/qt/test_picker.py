"""The model picker bar on its own: what it shows in each state, its drop-down, the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from desktop.models.picker import PickerEntry, PickerSection
from desktop.models.qt.picker import ModelPicker, menu_text


def make(qtbot) -> ModelPicker:
    picker = ModelPicker()
    qtbot.addWidget(picker)
    picker.resize(700, 40)
    picker.show()
    qtbot.waitExposed(picker)
    return picker


def test_no_model_asks_to_choose_one(qtbot) -> None:
    picker = make(qtbot)
    assert picker.button.text() == "Choose a model"
    assert picker.button.accessibleName() == "Choose a model"
    assert picker.demo_chip.isHidden() and picker.progress.isHidden()
    assert picker.cancel_button.isHidden() and picker.failure.isHidden()


def test_a_loaded_model_shows_its_name_quant_size_and_the_demo_chip(qtbot) -> None:
    picker = make(qtbot)
    picker.set_model("Gemma 3 270M · Q4_K_M · 253 MB", "/m/gemma.gguf\nContext", True)
    assert picker.button.text() == "Gemma 3 270M · Q4_K_M · 253 MB"
    assert picker.button.accessibleName() == "Model: Gemma 3 270M · Q4_K_M · 253 MB"
    assert picker.demo_chip.isVisible() and picker.demo_chip.text() == "Demo"
    assert picker.button.width() >= picker.button.sizeHint().width()  # not cut where it fits
    # The icons come on the loop's turn after the first paint (not in the first frame).
    qtbot.waitUntil(lambda: not picker.button.icon().isNull(), timeout=5_000)
    picker.set_model("Qwen · Q8_0", "", False)
    assert picker.demo_chip.isHidden()


def test_loading_shows_progress_and_cancel(qtbot) -> None:
    picker = make(qtbot)
    picker.set_failed("old.gguf", "why")
    picker.set_loading("big.gguf")
    assert picker.failure.isHidden()  # a new load clears the last failure
    assert picker.button.text() == "big.gguf"
    assert picker.progress.isVisible() and picker.cancel_button.isVisible()
    picker.set_progress(0.42)
    assert picker.progress.value() == 420
    with qtbot.waitSignal(picker.cancel_requested, timeout=1_000):
        qtbot.mouseClick(picker.cancel_button, Qt.MouseButton.LeftButton)
    picker.set_loaded()
    assert picker.progress.isHidden() and picker.cancel_button.isHidden()


def test_a_failure_is_said_beside_the_button_with_its_reason(qtbot) -> None:
    picker = make(qtbot)
    reason = "“<b>x</b>.gguf” is incomplete."
    picker.set_failed("<b>x</b>.gguf", reason)
    assert picker.failure.isVisible()
    assert picker.failure.text() == "Could not load <b>x</b>.gguf"
    assert picker.failure.textFormat() == Qt.TextFormat.PlainText
    assert "&lt;b&gt;" in picker.failure.toolTip()  # the reason, shown as written
    picker.set_failed("", "")
    assert picker.failure.isHidden() and picker.failure_icon.isHidden()


def test_the_drop_down_lists_sections_and_loads_what_is_chosen(qtbot) -> None:
    picker = make(qtbot)
    tail = QAction("Manage models…", picker)
    sections = [
        PickerSection("Recent", (PickerEntry("/m/a.gguf", "a.gguf", "1.2 GB"),)),
        PickerSection("Empty"),  # neither entries nor a note: left out
        PickerSection("Box — gpu:8000", note="Asking gpu:8000…"),
        PickerSection("Lab", (PickerEntry("http://lab/v1#R&D", "R&D\tmodel"),)),
    ]
    picker.fill_menu(sections, lambda locator: locator == "/m/a.gguf", [tail])
    texts = [a.text() for a in picker.menu.actions() if not a.isSeparator()]
    assert texts == [
        "Recent",
        "a.gguf\t1.2 GB",
        "Box — gpu:8000",
        "Asking gpu:8000…",
        "Lab",
        "R&&D model",  # "&" is no mnemonic, a tab no column
        "Manage models…",
    ]
    current, remote = picker.entry_actions()
    assert current.isChecked() and not remote.isCheckable()
    with qtbot.waitSignal(picker.load_requested, timeout=1_000) as chosen:
        remote.trigger()
    assert chosen.args == ["http://lab/v1#R&D"]
    assert menu_text("a&b") == "a&&b"


@pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the keyboard)")
def test_the_picker_is_one_tab_stop_and_opens_from_the_keyboard(qtbot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    before = QLineEdit()
    picker = ModelPicker()
    layout.addWidget(before)
    layout.addWidget(picker)
    host.show()
    qtbot.waitExposed(host)
    before.setFocus()
    qtbot.waitUntil(before.hasFocus)
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    qtbot.waitUntil(picker.button.hasFocus)
    opened: list[bool] = []
    picker.menu.aboutToShow.connect(lambda: (opened.append(True), picker.menu.close()))
    qtbot.keyClick(picker.button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(opened), timeout=2_000)
