"""qtkit.rounded_popups: menus, tooltips and combo box lists get translucent windows (rounded
corners that show what is behind them) where the platform composites windows, and keep square
ones elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMenu, QToolTip, QWidget

from desktop.core.design import LIGHT
from desktop.qtkit import rounded_popups
from desktop.qtkit.rounded_popups import (
    ROUNDED,
    RoundedPopups,
    popups_can_be_rounded,
    round_popup,
)
from desktop.qtkit.theme import Appearance

TRANSLUCENT = Qt.WidgetAttribute.WA_TranslucentBackground
OFFSCREEN_POPUP = r"This plugin does not support (raise\(\)|grabbing the keyboard)"


@pytest.fixture
def styled(restore_app: QApplication) -> QApplication:
    """The app's look (its sheet keys the popup radius on ROUNDED), put back afterwards."""
    Appearance(restore_app).apply("light", 0)
    return restore_app


@pytest.fixture
def popups(styled: QApplication) -> Iterator[RoundedPopups]:
    rounding = RoundedPopups(styled)
    yield rounding
    rounding.uninstall()


def _menu(parent: QWidget) -> QMenu:
    menu = QMenu(parent)
    for text in ("Copy", "Paste", "Delete"):
        menu.addAction(text)
    return menu


@pytest.mark.parametrize(
    ("platform", "rounded"),
    [
        ("wayland", True),
        ("wayland-egl", True),
        ("windows", True),
        ("cocoa", True),
        ("offscreen", True),
        ("minimal", False),
        ("vnc", False),
    ],
)
def test_rounded_where_windows_are_composited(qapp, platform: str, rounded: bool) -> None:
    assert popups_can_be_rounded(platform) is rounded


@pytest.mark.parametrize("compositor", [True, False])
def test_x11_asks_for_a_compositor(qapp, monkeypatch: pytest.MonkeyPatch, compositor: bool) -> None:
    monkeypatch.setattr(rounded_popups, "x11_compositor_running", lambda: compositor)
    assert popups_can_be_rounded("xcb") is compositor


@pytest.mark.qt_log_ignore(OFFSCREEN_POPUP)
def test_a_menu_the_app_makes_is_translucent_and_rounded(qtbot, popups: RoundedPopups) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    early = _menu(parent)
    early.ensurePolished()  # polished before install, as a menu bar's menus with their window
    popups.install(True)
    assert early.testAttribute(TRANSLUCENT) and early.property(ROUNDED)
    menu = _menu(parent)
    assert not menu.testAttribute(TRANSLUCENT)  # not before Qt polishes it
    menu.popup(QPoint(40, 40))
    qtbot.waitExposed(menu)
    assert menu.testAttribute(TRANSLUCENT) and menu.property(ROUNDED)
    assert menu.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert menu.windowFlags() & Qt.WindowType.NoDropShadowWindowHint
    image = menu.grab().toImage()
    assert image.pixelColor(0, 0).alpha() == 0  # a see-through corner
    middle = image.pixelColor(image.width() // 2, 2)
    assert middle.alpha() == 255 and middle.name() == LIGHT.surface_raised
    menu.close()


@pytest.mark.qt_log_ignore(OFFSCREEN_POPUP)
def test_qts_own_context_menus_are_rounded_too(qtbot, popups: RoundedPopups) -> None:
    popups.install(True)
    edit = QLineEdit("text")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    menu.popup(QPoint(40, 40))
    qtbot.waitExposed(menu)
    assert menu.testAttribute(TRANSLUCENT) and menu.property(ROUNDED)
    menu.close()
    menu.deleteLater()


@pytest.mark.qt_log_ignore(OFFSCREEN_POPUP)
def test_a_tooltip_is_rounded(qtbot, popups: RoundedPopups) -> None:
    popups.install(True)
    owner = QWidget()
    qtbot.addWidget(owner)
    owner.show()
    QToolTip.showText(owner.mapToGlobal(QPoint(10, 10)), "A tip", owner)
    try:
        tip = next(w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel"))
        assert tip.testAttribute(TRANSLUCENT) and tip.property(ROUNDED)
    finally:
        QToolTip.hideText()


@pytest.mark.qt_log_ignore(OFFSCREEN_POPUP)
def test_a_combo_box_list_is_rounded_like_the_menus(qtbot, popups: RoundedPopups) -> None:
    """Combo box lists were square beside rounded menus and tooltips."""
    popups.install(True)
    combo = QComboBox()
    combo.addItems(["Follow the system", "Light", "Dark"])
    qtbot.addWidget(combo)
    combo.show()
    qtbot.waitExposed(combo)
    combo.showPopup()
    container = combo.view().window()
    qtbot.waitExposed(container)
    try:
        assert container.inherits("QComboBoxPrivateContainer")
        assert container.testAttribute(TRANSLUCENT) and container.property(ROUNDED)
        assert container.windowFlags() & Qt.WindowType.NoDropShadowWindowHint
        image = container.grab().toImage()
        assert image.pixelColor(0, 0).alpha() == 0  # a see-through corner
        row = combo.view().visualRect(combo.model().index(0, 0)).center()
        inside = combo.view().viewport().mapTo(container, row)
        inside.setX(image.width() - 4)  # between the rows' right edge and the list's border
        assert image.pixelColor(inside).name() == LIGHT.surface_raised
    finally:
        combo.hidePopup()


@pytest.mark.qt_log_ignore(OFFSCREEN_POPUP)
def test_square_where_not_composited(qtbot, popups: RoundedPopups) -> None:
    popups.install(False)
    parent = QWidget()
    qtbot.addWidget(parent)
    menu = _menu(parent)
    menu.popup(QPoint(40, 40))
    qtbot.waitExposed(menu)
    assert not menu.testAttribute(TRANSLUCENT) and not menu.property(ROUNDED)
    image = menu.grab().toImage()
    assert image.pixelColor(0, 0).alpha() == 255  # the square window it always had
    menu.close()


def test_a_created_window_is_left_alone(qtbot, styled: QApplication) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    menu = _menu(parent)
    menu.winId()  # its native window exists: its format can no longer change
    assert not round_popup(menu)
    assert not menu.testAttribute(TRANSLUCENT) and not menu.property(ROUNDED)
