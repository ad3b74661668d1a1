"""Settings go into their editors and come back as stored, one rule per kind of editor."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QSpinBox,
    QWidget,
)

from desktop.qtkit.setting_fields import (
    setting_value,
    settings_values,
    show_setting,
    show_settings,
)


class TextEditor(QComboBox):
    """An editor of its own kind (as the GPU layers box): text in, text out."""

    def __init__(self) -> None:
        super().__init__()
        self.text_value = ""

    def value(self) -> str:
        return self.text_value

    def set_value(self, value: str) -> None:
        self.text_value = value


def editors() -> dict[str, QWidget]:
    combo = QComboBox()
    combo.addItem("Leave out", "drop")
    combo.addItem("Summarize", "summarize")
    spin = QSpinBox()
    spin.setRange(0, 100_000)
    double = QDoubleSpinBox()
    double.setRange(0.0, 5.0)
    return {
        "a.check": QCheckBox(),
        "a.int": spin,
        "a.float": double,
        "a.combo": combo,
        "a.line": QLineEdit(),
        "a.text": QPlainTextEdit(),
        "a.own": TextEditor(),
    }


STORED = {
    "a.check": True,
    "a.int": 4096,
    "a.float": 0.7,
    "a.combo": "summarize",
    "a.line": "host:50052",
    "a.text": "  Be brief.\n",
    "a.own": "auto",
}


def test_stored_values_come_back_as_they_were(qtbot) -> None:
    fields = editors()
    show_settings(fields, STORED.__getitem__)
    assert settings_values(fields) == STORED


def test_a_line_loses_its_spaces_and_an_unknown_choice_shows_the_first(qtbot) -> None:
    fields = editors()
    line = fields["a.line"]
    assert isinstance(line, QLineEdit)
    line.setText("  host:50052 ")
    assert setting_value(line) == "host:50052"
    combo = fields["a.combo"]
    show_setting(combo, "no such strategy")
    assert setting_value(combo) == "drop"


def test_an_editor_without_a_rule_is_refused(qtbot) -> None:
    with pytest.raises(TypeError):
        show_setting(QSlider(), 3)
    with pytest.raises(TypeError):
        setting_value(QSlider())
