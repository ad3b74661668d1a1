"""GpuLayersBox: the GPU layers setting, its words translated and its values kept in English.

The setting stores "auto", "all", "none" or a number (desktop.core.settings.parse_gpu_layers);
the box used to show those words as they are stored, so "none" stood untranslated in the
Chinese settings. Now it shows the words in the interface's language and still takes a number
(or the English word) typed in.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

__all__ = ["GpuLayersBox"]


class GpuLayersBox(QComboBox):
    """An editable choice of auto, all, none, or a typed number of layers.

    Signals:
        None beyond QComboBox's.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.addItem(self.tr("Automatic"), "auto")
        self.addItem(self.tr("All"), "all")
        self.addItem(self.tr("None"), "none")

    def value(self) -> str:
        """The setting's value: "auto", "all", "none" or what was typed (lower case)."""
        text = self.currentText().strip()
        for index in range(self.count()):
            if self.itemText(index) == text:
                return str(self.itemData(index))
        return text.lower()

    def set_value(self, value: str) -> None:
        index = self.findData(str(value).strip().lower())
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(str(value))
