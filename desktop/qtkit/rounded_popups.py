"""Rounded menus, tooltips and combo box lists: their windows made translucent, so the
stylesheet's rounded background shows with see-through corners instead of a square window behind
it.

A popup is a top-level window of its own; Qt paints that window square whatever border-radius
the stylesheet gives it. Only a window made with an alpha channel (``WA_TranslucentBackground``,
set before Qt creates the native window) shows the corners as what is behind it. Every QMenu the
application or Qt makes (menu bar menus, context menus, ``createStandardContextMenu``) and every
tooltip label is caught by one application-wide event filter on ``QEvent.Polish``, which comes
before the window is created, and gets the attribute and the :data:`ROUNDED` property the
stylesheet's popup radius is keyed on (desktop/qtkit/stylesheet.py). A combo box's list window
(Qt's ``QComboBoxPrivateContainer``, made when the list first opens) is caught the same way; the
sheet shows its lists below the box (``combobox-popup: 0``), where the list view itself draws
the rounded panel and the window behind it paints nothing. A popup without the property keeps
the square look it had, with no radius.

Translucent windows need a compositor: an X11 desktop without one (xvfb, a bare window manager)
shows the see-through corners black. :func:`popups_can_be_rounded` therefore turns this on only
where windows are composited: Wayland, Windows, macOS, the offscreen platform (tests, screenshots)
and X11 while a compositing manager owns the ``_NET_WM_CM_S<screen>`` selection.

:class:`RoundedPopups` is installed after the window's first frame (desktop/app.py): the X11
check loads ctypes and the filter costs ~1-2 µs a delivered event, neither of which the first
frame should wait for; menus polished before that are rounded when installed.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu, QWidget

__all__ = ["ROUNDED", "RoundedPopups", "is_rounded", "popups_can_be_rounded", "round_popup"]

log = logging.getLogger(__name__)

ROUNDED = "roundedPopup"
"""The dynamic property a translucent popup carries; the stylesheet gives only those a radius."""

COMPOSITED_PLATFORMS = ("wayland", "windows", "cocoa", "offscreen")
"""Qt platform plugins whose windows are always composited (``wayland-egl`` counts as
wayland)."""


def popups_can_be_rounded(platform: str | None = None) -> bool:
    """Whether translucent popup windows show their corners as what is behind them on this
    platform (``QGuiApplication.platformName()`` when None), rather than black."""
    name = (platform if platform is not None else QGuiApplication.platformName()).lower()
    if name.startswith(COMPOSITED_PLATFORMS):
        return True
    if name == "xcb":
        return x11_compositor_running()
    return False


def x11_compositor_running() -> bool:
    """Whether an X11 compositing manager runs: the owner of ``_NET_WM_CM_S<screen>`` (the
    EWMH rule), asked over a connection of our own through libX11. False when it cannot be
    asked (no libX11, no display)."""
    import ctypes  # only here: ctypes is no part of start-up (tests/e2e/test_startup.py)

    try:
        x11 = ctypes.CDLL("libX11.so.6")
    except OSError:
        return False
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XDefaultScreen.argtypes = [ctypes.c_void_p]
    x11.XDefaultScreen.restype = ctypes.c_int
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XGetSelectionOwner.restype = ctypes.c_ulong
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display_name = os.environ.get("DISPLAY", "").encode() or None
    display = x11.XOpenDisplay(display_name)
    if not display:
        return False
    try:
        selection = f"_NET_WM_CM_S{x11.XDefaultScreen(display)}".encode()
        atom = x11.XInternAtom(display, selection, 0)
        return bool(atom) and x11.XGetSelectionOwner(display, atom) != 0
    finally:
        x11.XCloseDisplay(display)


def is_rounded(widget: QWidget) -> bool:
    """Whether ``widget`` is a popup this module rounds: a menu, a tooltip's label or a combo
    box's list (the container Qt makes for it on its first showing)."""
    return (
        isinstance(widget, QMenu)
        or widget.inherits("QTipLabel")
        or widget.inherits("QComboBoxPrivateContainer")
    )


def round_popup(widget: QWidget) -> bool:
    """Makes ``widget``'s window translucent, frameless and shadowless (a native shadow would
    be square) and marks it :data:`ROUNDED`, if Qt has not created its native window yet (the
    format cannot change afterwards). Returns whether it did."""
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Created):
        return False
    if widget.property(ROUNDED):
        return True
    widget.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
    if not widget.inherits("QTipLabel"):  # a tooltip's label is a frameless window already
        widget.setWindowFlags(
            widget.windowFlags()
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.NoDropShadowWindowHint
        )
    widget.setProperty(ROUNDED, True)
    # The sheet may have matched it, or a combo box's list inside it, without the property.
    for matched in (widget, *widget.findChildren(QWidget)):
        if matched.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            style = matched.style()
            style.unpolish(matched)
            style.polish(matched)
    return True


class RoundedPopups(QObject):
    """Rounds every menu and tooltip of the application from :meth:`install` on (see the
    module's docstring); does nothing where :func:`popups_can_be_rounded` says no."""

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._installed = False
        self.enabled = False

    def install(self, enabled: bool | None = None) -> None:
        """Decides for this platform (``enabled`` overrides, for tests), rounds the popups
        already polished and listens for new ones. Once."""
        if self._installed:
            return
        self._installed = True
        self.enabled = popups_can_be_rounded() if enabled is None else enabled
        log.info("rounded menus and tooltips: %s", "on" if self.enabled else "off")
        if not self.enabled:
            return
        for widget in self._app.allWidgets():
            if is_rounded(widget) and widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
                round_popup(widget)
        self._app.installEventFilter(self)

    def uninstall(self) -> None:
        """Stops rounding new popups (those rounded stay so); :meth:`install` may run again."""
        self._app.removeEventFilter(self)
        self._installed = self.enabled = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Polish
            and isinstance(watched, QWidget)
            and is_rounded(watched)
        ):
            round_popup(watched)
        return False
