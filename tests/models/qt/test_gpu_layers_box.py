"""GpuLayersBox: translated words, English values (issue 17, defect 8: "none" stood
untranslated in the Chinese GPU-layers setting)."""

from __future__ import annotations

from desktop.models.qt.gpu_layers_box import GpuLayersBox


def test_words_are_shown_translatable_and_stored_in_english(qtbot) -> None:
    box = GpuLayersBox()
    qtbot.addWidget(box)
    box.set_value("none")
    assert box.currentText() == "None" and box.value() == "none"
    box.set_value("auto")
    assert box.value() == "auto"
    box.setCurrentText("12")
    assert box.value() == "12"
    box.setCurrentText("ALL")
    assert box.value() == "all"  # the English word typed in still counts
    box.set_value("7")
    assert box.currentText() == "7"
