"""Light, dark or the desktop's scheme, and the text size, applied to the whole application.

Fusion with our own palettes looks the same on every platform, and a palette change reaches
every widget as ApplicationPaletteChange, so the chat view re-renders its bubbles (code colours
depend on whether the palette is dark) without a restart.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

THEMES = ("system", "light", "dark")

_DARK = {
    QPalette.ColorRole.Window: "#202124",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#17181a",
    QPalette.ColorRole.AlternateBase: "#2a2b2e",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#2d2e31",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#3b78e7",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2d2e31",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Link: "#8ab4f8",
    QPalette.ColorRole.LinkVisited: "#c58af9",
    QPalette.ColorRole.Light: "#3c4043",
    QPalette.ColorRole.Midlight: "#323336",
    QPalette.ColorRole.Mid: "#5f6368",
    QPalette.ColorRole.Dark: "#111213",
    QPalette.ColorRole.Shadow: "#000000",
}
_DARK_DISABLED = {
    QPalette.ColorRole.WindowText: "#7f8388",
    QPalette.ColorRole.Text: "#7f8388",
    QPalette.ColorRole.ButtonText: "#7f8388",
    QPalette.ColorRole.HighlightedText: "#bdc1c6",
    QPalette.ColorRole.Highlight: "#3c4043",
}


def dark_palette() -> QPalette:
    """A dark palette with readable disabled text (Fusion derives the rest)."""
    palette = QPalette()
    for role, color in _DARK.items():
        palette.setColor(role, QColor(color))
    for role, color in _DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(color))
    return palette


def light_palette() -> QPalette:
    return QApplication.style().standardPalette()


def system_is_dark() -> bool:
    """Whether the desktop asks for a dark scheme; unknown (offscreen, old desktops) is light."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def is_dark(theme: str) -> bool:
    """The scheme a theme *setting* resolves to right now (see :func:`palette_is_dark` for
    what a widget shows)."""
    if theme == "dark":
        return True
    if theme == "light":
        return False
    return system_is_dark()


def palette_is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` is a dark one: the one rule for every colour that must read on both
    (code highlighting, warning colours). Decided by the Base colour, the background text is
    drawn on, so a widget given a palette of its own is judged by what it shows."""
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


RELAYOUT_ON_FONT_CHANGE = "relayoutOnFontChange"
"""A widget that lays text out by hand sets this property to True: a new application font then
sends it a StyleChange, the event on which it re-measures its text (Qt sends it none itself)."""


class Appearance(QObject):
    """Applies `appearance.theme` and `appearance.font_size` to the QApplication.

    Keeps the font the application started with, so font size 0 ("follow the system") goes back
    to it, and follows the desktop's colour scheme while the theme is "system".
    """

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._system_font = QFont(app.font())
        self.theme = "system"
        self.font_size = 0
        QGuiApplication.styleHints().colorSchemeChanged.connect(self.on_color_scheme_changed)

    def apply(self, theme: str, font_size: int) -> None:
        """Fusion style, the theme's palette and the text size; only what changed is set."""
        self.theme = theme if theme in THEMES else "system"
        self.font_size = max(0, int(font_size))
        if self._app.style().name().lower() != "fusion":
            self._app.setStyle("Fusion")
        palette = dark_palette() if is_dark(self.theme) else light_palette()
        if palette != self._app.palette():
            self._app.setPalette(palette)
        font = QFont(self._system_font)
        if self.font_size:
            font.setPointSize(self.font_size)
        if font != self._app.font():
            self._app.setFont(font)
            self._relayout()

    def _relayout(self) -> None:
        """Widgets that lay text out by hand re-measure it on a style change, not a font one."""
        for window in self._app.topLevelWidgets():
            for widget in window.findChildren(QWidget):
                if widget.property(RELAYOUT_ON_FONT_CHANGE):
                    QApplication.sendEvent(widget, QEvent(QEvent.Type.StyleChange))

    def on_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.theme == "system":
            self.apply(self.theme, self.font_size)
