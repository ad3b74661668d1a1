"""The app's icons: one well-kept set (Phosphor, bundled with qtawesome), tinted by the theme.

Widgets ask for an icon by what it *means* (``"copy"``, ``"stop"``), never by a glyph name, so
the set can change in one place and every icon of one meaning looks the same everywhere. Icons
are drawn from a font in the palette's text colours, so they follow light and dark without
image files; :class:`IconButton` re-tints itself when the palette changes.

The glyphs come from the Phosphor font that the qtawesome package ships, drawn here with
QPainter: importing qtawesome itself costs ~0.4 s and loads ctypes, hashlib, platform and
QtOpenGL (through QtPy), all of which the first frame must not wait for
(tests/e2e/test_startup.py). The package is only located (``importlib.util.find_spec``), and
imported only where a frozen build gives no path for it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import QDir, QEvent, QPoint, QRect, QSize, Qt, QTemporaryDir, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QIcon,
    QIconEngine,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from desktop.qtkit.plain_text import plain_tooltip

__all__ = [
    "ICONS",
    "KEPT_FONT_MARK",
    "IconButton",
    "icon_file",
    "keep_icon_files_in",
    "redraw_kept_files_of_another_font",
    "themed_icon",
]

log = logging.getLogger(__name__)

ICONS: dict[str, str] = {
    "copy": "ph.copy",
    "copied": "ph.check",
    "edit": "ph.pencil-simple",
    "regenerate": "ph.arrow-clockwise",
    "more": "ph.dots-three",
    "send": "ph.paper-plane-right",
    "stop": "ph.stop",
    "documents": "ph.files",
    "folder": "ph.folder",
    "file": "ph.file-text",
    "attach": "ph.paperclip",
    "new_chat": "ph.note-pencil",
    "trash": "ph.trash",
    "restore": "ph.arrow-counter-clockwise",
    "search": "ph.magnifying-glass",
    "settings": "ph.gear-six",
    "model": "ph.cube",
    "models": "ph.books",
    "download": "ph.download-simple",
    "check": "ph.check-bold",
    "menu_down": "ph.caret-down",
    "jump_to_latest": "ph.arrow-down",
    "server": "ph.hard-drives",
    "close": "ph.x",
    "open_file": "ph.folder-open",
    "chat": "ph.chat-circle-text",
    "pin": "ph.push-pin",
    "warning": "ph.warning",
    "error": "ph.x-circle",
    "info": "ph.info",
    "export": "ph.export",
    "import": "ph.upload-simple",
    "cpu": "ph.cpu",
    "gpu": "ph.lightning",
    "thinking": "ph.brain",
    "web": "ph.globe",
    "key": "ph.key",
    "link": "ph.link",
    "add": "ph.plus",
    "sliders": "ph.sliders-horizontal",
    "field_down": "ph.caret-down-bold",
    "field_up": "ph.caret-up-bold",
    "minus": "ph.minus-bold",
    "user": "ph.user",
    "assistant": "ph.sparkle",
}
"""Meaning → Phosphor glyph (qtawesome's ``ph.`` prefix). Add a meaning here, not a glyph in a
widget."""

TINTS = ("text", "muted", "accent", "on_accent")
"""Which palette colour an icon is drawn in: the text, secondary text, the accent (a selected
or primary control) or the text on the accent (an icon on the primary button)."""


class _Font:
    """The Phosphor font, added to Qt once, and its glyph names (from qtawesome's charmap)."""

    family: ClassVar[str] = ""
    codes: ClassVar[dict[str, str]] = {}
    """Glyph name → code point in hex, as the charmap has it (read once per glyph used, not
    converted for all ~4,500 glyphs at start-up)."""

    @classmethod
    def load(cls) -> None:
        if cls.family:
            return
        fonts = _qtawesome_dir() / "fonts"
        ttf = min(fonts.glob("phosphor-*.ttf"))
        charmap = min(fonts.glob("phosphor-charmap-*.json"))
        font_id = QFontDatabase.addApplicationFont(str(ttf))
        families = QFontDatabase.applicationFontFamilies(font_id)
        if not families:
            raise OSError(f"Qt could not load the icon font {ttf}")
        cls.codes = json.loads(charmap.read_text(encoding="utf-8"))
        cls.family = families[0]
        redraw_kept_files_of_another_font(ttf.name)


def _qtawesome_dir() -> Path:
    """The installed qtawesome package's folder, found without running its (slow) import."""
    spec = importlib.util.find_spec("qtawesome")
    if spec is not None and spec.origin and Path(spec.origin).is_file():
        return Path(spec.origin).parent
    os.environ.setdefault("QT_API", "pyside6")  # QtPy must not pick up a stray PyQt
    import qtawesome  # a frozen build: the package is bundled, its path known once imported

    return Path(qtawesome.__file__).parent


def _glyph(name: str) -> str:
    """The character for a glyph name in :data:`ICONS` ("ph.copy")."""
    _Font.load()
    prefix, _, glyph = name.partition(".")
    if prefix != "ph" or glyph not in _Font.codes:
        raise KeyError(f"no Phosphor glyph {name!r}")
    return chr(int(_Font.codes[glyph], 16))


class _GlyphEngine(QIconEngine):
    """Draws one glyph of the icon font in one colour (another when its control is disabled),
    at whatever size is asked, so icons stay sharp at every text size and screen scale."""

    def __init__(self, char: str, colour: QColor, disabled: QColor) -> None:
        super().__init__()
        self._char = char
        self._colour = colour
        self._disabled = disabled

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        font = QFont(_Font.family)
        font.setPixelSize(max(1, round(0.875 * rect.height())))
        painter.save()
        painter.setFont(font)
        painter.setPen(self._disabled if mode == QIcon.Mode.Disabled else self._colour)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self._char)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _GlyphEngine(self._char, self._colour, self._disabled)


def _tint(palette: QPalette, tint: str) -> str:
    roles = QPalette.ColorRole
    role = {
        "text": roles.ButtonText,
        "muted": roles.PlaceholderText,
        "accent": roles.Highlight,
        "on_accent": roles.HighlightedText,
    }[tint]
    return palette.color(QPalette.ColorGroup.Active, role).name()


def themed_icon(meaning: str, *, tint: str = "text", palette: QPalette | None = None) -> QIcon:
    """The icon for ``meaning`` (a key of :data:`ICONS`) in ``palette``'s colours (the
    application's when None): ``tint`` for the icon, the palette's disabled text colour when
    its control is disabled."""
    if meaning not in ICONS:
        raise KeyError(f"no icon for {meaning!r}; add it to desktop/qtkit/icons.py ICONS")
    if tint not in TINTS:
        raise ValueError(f"unknown tint {tint!r}; one of {TINTS}")
    palette = palette or QApplication.palette()
    colour = _tint(palette, tint)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText).name()
    return QIcon(_GlyphEngine(_glyph(ICONS[meaning]), QColor(colour), QColor(disabled)))


_FILES: dict[tuple[str, str, int], str] = {}
_FILES_DIR: list[QTemporaryDir] = []  # made on first use, removed when the process ends
_KEPT_FILES_DIR: list[Path] = []  # set by keep_icon_files_in


def keep_icon_files_in(folder: Path | None) -> None:
    """Keeps :func:`icon_file`'s PNGs in ``folder`` (in the app's data folder) from now on,
    across runs: a later start finds its stylesheet's icons already drawn and needs neither the
    icon font nor any drawing before its first frame (~10 ms). None, as before the first call:
    a temporary folder removed at exit."""
    _KEPT_FILES_DIR[:] = [folder] if folder is not None else []
    _FILES.clear()


KEPT_FONT_MARK = "font.txt"
"""In the kept icons' folder: the name of the icon font they were drawn from."""


def redraw_kept_files_of_another_font(font_name: str) -> None:
    """Draws the kept PNGs again when they were drawn from another icon font than ``font_name``
    (qtawesome was upgraded: a glyph may look different now): the ones this run uses at once,
    in place, the others are deleted. Checked when the font is loaded anyway (after the first
    frame), never before it."""
    if not _KEPT_FILES_DIR:
        return
    folder = _KEPT_FILES_DIR[0]
    mark = folder / KEPT_FONT_MARK
    try:
        if not folder.is_dir() or (
            mark.is_file() and mark.read_text(encoding="utf-8") == font_name
        ):
            return
        in_use = {Path(path): key for key, path in _FILES.items()}
        for kept in folder.glob("*.png"):
            if kept not in in_use:
                kept.unlink(missing_ok=True)
        for path, (meaning, colour, size) in in_use.items():
            _draw_png(path, meaning, colour, size)
        _write_private(mark, lambda part: part.write_text(font_name, encoding="utf-8"))
    except OSError as error:  # a read-only data folder: the icons are drawn for each run
        log.info("kept icons not checked against the icon font: %s", error)


def _write_private(path: Path, write: Callable[[Path], object]) -> None:
    """Writes ``path`` whole under another name first (another start may be reading it),
    private as every file of the data folder."""
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    if write(part) is False:
        raise OSError(f"could not write {part}")
    os.chmod(part, 0o600)
    os.replace(part, path)


def _draw_png(path: Path, meaning: str, colour: str, size: int) -> None:
    engine = _GlyphEngine(_glyph(ICONS[meaning]), QColor(colour), QColor(colour))
    pixmap = QIcon(engine).pixmap(QSize(2 * size, 2 * size))
    _write_private(path, lambda part: pixmap.save(str(part), "PNG"))


def _files_dir() -> Path:
    if _KEPT_FILES_DIR:
        folder = _KEPT_FILES_DIR[0]
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            return folder
        except OSError:
            pass  # a read-only data folder: draw them for this run only
    if not _FILES_DIR:
        _FILES_DIR.append(QTemporaryDir(QDir.tempPath() + "/hearthside-icons-XXXXXX"))
    return Path(_FILES_DIR[0].path())


def icon_file(meaning: str, colour: str, size: int = 16) -> str:
    """The icon for ``meaning`` drawn in ``colour`` (#rrggbb) as a PNG file of ``size`` pixels
    (drawn at twice that, for high-DPI screens), for stylesheets, which take images only by
    path: the arrows of combo and spin boxes. One file per glyph, colour and size, drawn when
    first asked for (see :func:`keep_icon_files_in` for where)."""
    if meaning not in ICONS:
        raise KeyError(f"no icon for {meaning!r}; add it to desktop/qtkit/icons.py ICONS")
    key = (meaning, colour, size)
    if key not in _FILES:
        glyph = ICONS[meaning]
        path = _files_dir() / f"{glyph.replace('.', '-')}-{colour.lstrip('#')}-{size}.png"
        if not path.is_file():
            _draw_png(path, meaning, colour, size)
        _FILES[key] = path.as_posix()  # a stylesheet reads "\\" as an escape (Windows paths)
    return _FILES[key]


class IconButton(QToolButton):
    """A flat button that shows an icon by meaning, with a plain-text tooltip that is also its
    accessible name (a screen reader says "Copy", not "button").

    The icon is redrawn in the new colours when the palette changes (light ↔ dark), and
    :meth:`set_meaning` swaps it (Send → Stop) without a new widget. ``late``: the icon is
    drawn on the event loop's turn after the button's first paint, for buttons of the window's
    first frame, so loading the icon font is no part of start-up (tests/e2e/test_startup.py).
    """

    LATE: ClassVar[bool] = False
    """Every button of the class is ``late`` (LateIconButton), without repeating the arguments."""

    def __init__(
        self,
        meaning: str,
        tooltip: str,
        parent: QWidget | None = None,
        *,
        tint: str = "text",
        size: int = 16,
        late: bool = False,
    ) -> None:
        super().__init__(parent)
        self._meaning = meaning
        self._tint = tint
        self._icon_due = not (
            late or self.LATE
        )  # a late one is asked for on the turn after its first paint
        self.setAutoRaise(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.setIconSize(QSize(size, size))
        self.set_tooltip(tooltip)
        self._refresh_if_drawn()

    @property
    def meaning(self) -> str:
        return self._meaning

    def set_meaning(self, meaning: str, tooltip: str | None = None) -> None:
        """Show another icon (and tooltip), e.g. Send → Stop while a reply streams."""
        self._meaning = meaning
        if tooltip is not None:
            self.set_tooltip(tooltip)
        self._refresh_if_drawn()

    def set_tint(self, tint: str) -> None:
        self._tint = tint
        self._refresh_if_drawn()

    def set_tooltip(self, tooltip: str) -> None:
        """Tooltip and accessible name; the text is ours (tr()), shown as plain text."""
        self.setToolTip(plain_tooltip(tooltip))
        self.setAccessibleName(tooltip)

    def refresh_icon(self) -> None:
        """Draws the icon now, in the palette's colours."""
        self._icon_due = True
        self.setIcon(themed_icon(self._meaning, tint=self._tint, palette=self.palette()))

    def ask_for_icon(self) -> None:
        """Has a late icon drawn on the event loop's next turn, once; a subclass that paints
        itself calls this from its paintEvent."""
        if not self._icon_due:
            self._icon_due = True
            QTimer.singleShot(0, self, self.refresh_icon)

    def _refresh_if_drawn(self) -> None:
        if self._icon_due:
            self.refresh_icon()

    def paintEvent(self, event: QPaintEvent) -> None:
        self.ask_for_icon()
        super().paintEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._refresh_if_drawn()
        super().changeEvent(event)
