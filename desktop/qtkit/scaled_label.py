"""A label whose text is a step of the type scale above the app's font (Settings › Text size).

A widget that sets its own font keeps it when the application font changes, so a title made
1.8× bigger once stayed the same size whatever the user chose as Text size. This label works
its size out again, from TYPE_SCALE (desktop/core/design.py) and the application font, whenever
that font changes (QGuiApplication.fontChanged: a widget with a font of its own gets no event
for it; and the StyleChange that desktop/qtkit/theme.py's Appearance sends to widgets marked
RELAYOUT_ON_FONT_CHANGE).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop.core.design import TYPE_SCALE
from desktop.qtkit.theme import RELAYOUT_ON_FONT_CHANGE

__all__ = ["ScaledLabel", "scaled_font"]


def scaled_font(step: str, base: QFont | None = None, *, bold: bool = False) -> QFont:
    """``base`` (the application font when None) at TYPE_SCALE[step] times its size."""
    font = QFont(base if base is not None else QApplication.font())
    factor = TYPE_SCALE[step]
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        font.setPixelSize(round(font.pixelSize() * factor))
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    return font


class ScaledLabel(QLabel):
    """A QLabel at one step of the type scale ("title", "display", "caption", …), kept there
    when the user changes Text size."""

    def __init__(
        self,
        text: str = "",
        step: str = "title",
        parent: QWidget | None = None,
        *,
        bold: bool = False,
    ) -> None:
        super().__init__(text, parent)
        if step not in TYPE_SCALE:
            raise KeyError(f"no type step {step!r}; one of {sorted(TYPE_SCALE)}")
        self.step = step
        self.bold = bold
        self.setProperty(RELAYOUT_ON_FONT_CHANGE, True)
        self.rescale()
        QApplication.instance().fontChanged.connect(self.rescale)  # type: ignore[union-attr]

    @Slot()
    def rescale(self, *_font: object) -> None:
        """Size the text from the application font as it is now."""
        self.setFont(scaled_font(self.step, bold=self.bold))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.StyleChange:
            self.rescale()
        return super().event(event)
