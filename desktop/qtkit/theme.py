"""Light, dark or the desktop's scheme, and the text size, applied to the whole application.

Fusion with our own palettes and the stylesheet generated from the same tokens
(desktop/qtkit/stylesheet.py) looks the same on every platform, and a palette change reaches
every widget as ApplicationPaletteChange, so the chat view re-renders its bubbles (code colours
depend on whether the palette is dark) without a restart.

The application font keeps the desktop's UI family first and names CJK families after it
(:data:`CJK_FALLBACK`), so 简体中文 is drawn in a matching sans-serif rather than whatever font
the system's fallback happens to pick (often a serif or a bitmap one).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontInfo, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from desktop.core.design import DARK, LIGHT, ColorTokens, tokens
from desktop.qtkit.rounded_popups import RoundedPopups
from desktop.qtkit.stylesheet import application_stylesheet, indicator_size

THEMES = ("system", "light", "dark")

CJK_FALLBACK = ("Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC")
"""Font families tried, in order, for Chinese text the UI family has no glyphs for (Linux,
Linux with the Google font, Windows, macOS)."""


def with_cjk_fallback(font: QFont) -> QFont:
    """``font`` with :data:`CJK_FALLBACK` after its own families (once, however often called).

    The first family is replaced by the font it resolves to: a generic name ("Sans Serif", as
    Linux desktops without settings report) only resolves on its own, and in a list Qt would
    skip it and draw Latin text in the first CJK family instead.
    """
    families = [family for family in font.families() or [font.family()] if family]
    resolved = QFontInfo(font).family()
    if families and resolved:
        families[0] = resolved
    for family in CJK_FALLBACK:
        if family not in families:
            families.append(family)
    result = QFont(font)
    result.setFamilies(families)
    return result


def designed_palette(theme: ColorTokens) -> QPalette:
    """The palette of a theme's colour tokens (desktop/core/design.py); Fusion derives the rest."""
    roles = QPalette.ColorRole
    colours = {
        roles.Window: theme.window,
        roles.WindowText: theme.text,
        roles.Base: theme.surface,
        roles.AlternateBase: theme.surface_raised,
        roles.Text: theme.text,
        roles.Button: theme.control,
        roles.ButtonText: theme.text,
        roles.BrightText: theme.on_accent,
        roles.Highlight: theme.accent,
        roles.Accent: theme.accent,
        roles.HighlightedText: theme.on_accent,
        roles.ToolTipBase: theme.surface_raised,
        roles.ToolTipText: theme.text,
        roles.PlaceholderText: theme.text_muted,
        roles.Link: theme.link,
        roles.LinkVisited: theme.link,
        roles.Light: theme.surface if theme is LIGHT else theme.control,
        roles.Midlight: theme.surface_raised,
        roles.Mid: theme.border,
        roles.Dark: theme.text_disabled,
        roles.Shadow: "#000000",
    }
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor(theme.text_disabled))
    palette.setColor(disabled, roles.Highlight, QColor(theme.border))
    palette.setColor(disabled, roles.HighlightedText, QColor(theme.text_muted))
    return palette


def dark_palette() -> QPalette:
    return designed_palette(DARK)


def light_palette() -> QPalette:
    return designed_palette(LIGHT)


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


def recolour_on_theme_change(owner: QWidget, event: QEvent, recolour: Callable[[], None]) -> None:
    """Calls ``recolour``, which gives a child of ``owner`` colours derived from ``owner``'s
    palette, after a theme switch: at once on the new palette (PaletteChange), and again once
    the new stylesheet's polish is over (StyleChange), because re-polishing the child gives it
    back the palette it had before the switch (the context meter's count and the thinking
    kept the light theme's grey on a dark window). Call it from ``owner.changeEvent``."""
    if event.type() == QEvent.Type.PaletteChange:
        recolour()
    elif event.type() == QEvent.Type.StyleChange:
        QTimer.singleShot(0, owner, recolour)


RELAYOUT_ON_FONT_CHANGE = "relayoutOnFontChange"
"""A widget that lays text out by hand sets this property to True: a new application font then
sends it a StyleChange, the event on which it re-measures its text (Qt sends it none itself)."""


class Appearance(QObject):
    """Applies `appearance.theme` and `appearance.font_size` to the QApplication.

    Keeps the font the application started with, so font size 0 ("follow the system") goes back
    to it, and follows the desktop's colour scheme while the theme is "system". Its
    :attr:`popups` round the menus and tooltips once installed (after the first frame; see
    desktop/qtkit/rounded_popups.py).
    """

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._system_font = with_cjk_fallback(app.font())
        self.theme = "system"
        self.font_size = 0
        self._base_style = ""
        self.popups = RoundedPopups(app, self)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self.on_color_scheme_changed)

    def apply(self, theme: str, font_size: int) -> None:
        """Fusion style, the theme's palette and stylesheet and the text size; only what
        changed is set.

        The stylesheet is set again after a new text size too: its heights are in ``em``, which
        Qt works out when it polishes a widget, not when its font changes, and its check box and
        radio indicators are sized in pixels from the font (:func:`indicator_size`).
        """
        self.theme = theme if theme in THEMES else "system"
        self.font_size = max(0, int(font_size))
        if self.base_style() != "fusion":
            self._app.setStyle("Fusion")
            self._base_style = "fusion"
        dark = is_dark(self.theme)
        palette = dark_palette() if dark else light_palette()
        if palette != self._app.palette():
            self._app.setPalette(palette)
        font = QFont(self._system_font)
        if self.font_size:
            font.setPointSize(self.font_size)
        font_changed = font != self._app.font()
        if font_changed:
            self._app.setFont(font)
        sheet = application_stylesheet(tokens(dark), indicator_size(font))
        if font_changed or sheet != self._app.styleSheet():
            self._app.setStyleSheet(sheet)
        if font_changed:
            self._relayout()

    def base_style(self) -> str:
        """The name of the style the application draws with ("fusion" once applied).

        Under a stylesheet ``QApplication.style()`` is Qt's stylesheet style, which has no name
        and does not tell which style it wraps; the one set here is remembered instead, and
        forgotten when someone sets a named style of their own.
        """
        name = self._app.style().name().lower()
        if name:
            self._base_style = name
        return self._base_style

    def _relayout(self) -> None:
        """Widgets that lay text out by hand re-measure it on a style change, not a font one."""
        for window in self._app.topLevelWidgets():
            for widget in window.findChildren(QWidget):
                if widget.property(RELAYOUT_ON_FONT_CHANGE):
                    QApplication.sendEvent(widget, QEvent(QEvent.Type.StyleChange))

    def on_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.theme == "system":
            self.apply(self.theme, self.font_size)
