"""Settings shown in their editors and read back: one rule per kind of editor.

Edit › Settings' pages and Chat › Model settings fill a form from declared settings
(desktop/core/settings.py) and return the form's values by key. Each wrote the same conversions
out field by field (a check box holds a bool, a spin box an int, a combo box the setting as its
item data, a line its text without the spaces around it); a page now keeps a
``{key: editor}`` mapping and calls :func:`show_settings` and :func:`settings_values`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol, runtime_checkable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

__all__ = ["SettingEditor", "setting_value", "settings_values", "show_setting", "show_settings"]


@runtime_checkable
class SettingEditor(Protocol):
    """An editor of its own kind that takes and gives the setting as text (the GPU layers box)."""

    def value(self) -> str: ...

    def set_value(self, value: str) -> None: ...


def show_setting(editor: QWidget, value: object) -> None:
    """Shows a stored ``value`` in ``editor``; a combo box without it shows its first item."""
    if isinstance(editor, SettingEditor):
        editor.set_value(str(value))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QDoubleSpinBox):
        editor.setValue(float(value))  # type: ignore[arg-type]
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value))  # type: ignore[call-overload]
    elif isinstance(editor, QComboBox):
        editor.setCurrentIndex(max(0, editor.findData(str(value))))
    elif isinstance(editor, QLineEdit):
        editor.setText(str(value))
    elif isinstance(editor, QPlainTextEdit):
        editor.setPlainText(str(value))
    else:
        raise TypeError(f"no setting rule for {type(editor).__name__}")


def setting_value(editor: QWidget) -> object:
    """The value ``editor`` shows, as it is stored (a line's text without the spaces around it;
    a text box's text as written)."""
    if isinstance(editor, SettingEditor):
        return editor.value()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QDoubleSpinBox | QSpinBox):
        return editor.value()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QLineEdit):
        return editor.text().strip()
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText()
    raise TypeError(f"no setting rule for {type(editor).__name__}")


def show_settings(editors: Mapping[str, QWidget], get: Callable[[str], object]) -> None:
    """Shows each key's stored value (``get(key)``) in its editor."""
    for key, editor in editors.items():
        show_setting(editor, get(key))


def settings_values(editors: Mapping[str, QWidget]) -> dict[str, object]:
    """Each key's value as its editor shows it."""
    return {key: setting_value(editor) for key, editor in editors.items()}
