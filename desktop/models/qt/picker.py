"""The model picker at the top of the chat (as LM Studio and Jan put it).

One bar: a button with the current model's name, quantization and size that opens a drop-down
of the models to choose (recent ones, the library's, each server's, then Open model file…,
Manage models… and the starter), a "Demo" chip for the starter model, and the load's state:
progress with Cancel while loading, the reason a load failed. The models feature
(desktop/models/qt/feature.py) fills it; the entries are plain values (desktop/models/picker.py)
and every name in it is shown as plain text (button and menu texts are never rich text; a
name's "&" is doubled so it is not taken for a mnemonic).

The icons (desktop/qtkit/icons.py) come after the bar's first paint: the icon font's library
takes most of a second to import, and the window's first frame must not wait for it
(tests/e2e/test_startup.py); their places are kept empty meanwhile, so nothing moves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontMetricsF, QIcon, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyleOptionFocusRect,
    QStyleOptionToolButton,
    QStylePainter,
    QToolButton,
    QWidget,
)

from desktop.core.design import SPACE_M, SPACE_S, SPACE_XS
from desktop.models.picker import PickerSection
from desktop.qtkit.plain_text import plain_tooltip

__all__ = ["DemoChip", "ModelPicker", "PickerButton", "menu_text"]

ICON = 16
CARET = 12


def menu_text(label: str) -> str:
    """A name as a menu or button shows it as written: "&" doubled (not a mnemonic), tabs
    (the shortcut column) made spaces."""
    return label.replace("&", "&&").replace("\t", " ")


class PickerButton(QToolButton):
    """A flat button drawn as model icon, text and a caret; one Tab stop that opens its menu
    (click, Space or Enter), its text cut with "…" where the bar is narrow.

    Signals:
        QToolButton's.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setIconSize(QSize(ICON, ICON))
        self._caret = QIcon()
        self._icons_asked = False  # icons are made on the event loop's turn after a paint

    def refresh_icons(self) -> None:
        """Draws the model icon and the caret in the palette's colours (now, and on a theme
        change)."""
        from desktop.qtkit.icons import themed_icon  # after the first frame (module docstring)

        self._icons_asked = True
        self.setIcon(themed_icon("model", tint="muted", palette=self.palette()))
        self._caret = themed_icon("menu_down", tint="muted", palette=self.palette())
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        palette_changed = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in palette_changed and not self._caret.isNull():
            self.refresh_icons()
        super().changeEvent(event)

    def _chrome(self) -> int:
        """Width of everything but the text: padding, icon, caret and the gaps between."""
        return SPACE_S + ICON + SPACE_S + SPACE_S + CARET + SPACE_S

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        text = QFontMetricsF(self.font()).horizontalAdvance(self.text().replace("&&", "&"))
        width = self._chrome() + math.ceil(text) + 2  # whole pixels, or the last one elides
        return QSize(width, max(metrics.height(), ICON) + 2 * SPACE_S)

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()  # a short name needs no more; a long one may be cut to ~8 chars
        least = self._chrome() + self.fontMetrics().horizontalAdvance("M…") * 4
        return QSize(min(hint.width(), least), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._icons_asked:
            self._icons_asked = True
            QTimer.singleShot(0, self, self.refresh_icons)
        painter = QStylePainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        state = QStyle.StateFlag
        if self.isEnabled() and option.state & (state.State_MouseOver | state.State_Sunken):
            option.state |= state.State_Raised
            painter.drawPrimitive(QStyle.PrimitiveElement.PE_PanelButtonTool, option)
        mode = QIcon.Mode.Normal if self.isEnabled() else QIcon.Mode.Disabled
        rect = self.rect().adjusted(SPACE_S, 0, -SPACE_S, 0)
        top = rect.center().y() - ICON // 2 + 1
        ratio = self.devicePixelRatioF()
        painter.drawPixmap(rect.left(), top, self.icon().pixmap(QSize(ICON, ICON), ratio, mode))
        caret_top = rect.center().y() - CARET // 2 + 1
        painter.drawPixmap(
            rect.right() - CARET, caret_top, self._caret.pixmap(QSize(CARET, CARET), ratio, mode)
        )
        text_rect = QRect(rect)
        text_rect.setLeft(rect.left() + ICON + SPACE_S)
        text_rect.setRight(rect.right() - CARET - SPACE_S)
        text = self.fontMetrics().elidedText(
            self.text().replace("&&", "&"), Qt.TextElideMode.ElideRight, text_rect.width()
        )
        painter.setPen(self.palette().color(QPalette.ColorRole.ButtonText))
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text
        )
        if self.hasFocus():
            focus = QStyleOptionFocusRect()
            focus.initFrom(self)
            focus.rect = self.rect().adjusted(1, 1, -1, -1)
            painter.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus)


class DemoChip(QLabel):
    """A small rounded "demo" label beside the starter model's name; its pill (accent edge) is
    the application stylesheet's rule for ``QLabel#demoChip``, shared with the empty chat's
    Demo badge."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("demoChip")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)


class ModelPicker(QFrame):
    """The bar: model button (with its drop-down ``menu``), demo chip, load progress with
    Cancel, and the last failure. It shows what it is told (set_model, set_none, set_loading,
    set_progress, set_failed) and decides nothing.

    Signals:
        load_requested(str locator): an entry of the drop-down was chosen.
        cancel_requested(): Cancel while a model loads.
    """

    load_requested = Signal(str)
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelPicker")
        layout = QHBoxLayout(self)
        # The button pads its icon by SPACE_S: the icon lines up with the banner's text below.
        layout.setContentsMargins(SPACE_M - SPACE_S, SPACE_XS, SPACE_M, SPACE_XS)
        layout.setSpacing(SPACE_S)
        self.button = PickerButton()
        self.menu = QMenu(self)
        self.menu.setToolTipsVisible(True)
        self.button.setMenu(self.menu)
        layout.addWidget(self.button, 0)
        self.demo_chip = DemoChip(self.tr("Demo"))
        self.demo_chip.setToolTip(
            self.tr("The small starter model: it shows how the app works, its answers are rough.")
        )
        layout.addWidget(self.demo_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFixedWidth(160)
        self.progress.setFormat(self.tr("Loading… %p%"))
        self.progress.setAccessibleName(self.tr("Loading the model"))
        layout.addWidget(self.progress)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop loading this model"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout.addWidget(self.cancel_button)
        self.failure_icon = QLabel()
        layout.addWidget(self.failure_icon)
        self.failure = QLabel()
        self.failure.setTextFormat(Qt.TextFormat.PlainText)  # it names a file or a server
        self.failure.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.failure.setMinimumWidth(0)
        layout.addWidget(self.failure, 1)
        layout.addStretch(0)
        self.set_none()
        self.set_failed("", "")

    # What it shows ---------------------------------------------------------------------------

    def set_none(self) -> None:
        """No model: "Choose a model"."""
        self._show(self.tr("Choose a model"), self.tr("Choose a model to chat with"), False)
        self.button.setAccessibleName(self.tr("Choose a model"))

    def set_model(self, label: str, tooltip: str, demo: bool) -> None:
        """A loaded model: ``label`` ("name · quant · size") and ``tooltip`` are plain text."""
        self._show(label, tooltip, demo)
        self.button.setAccessibleName(self.tr("Model: {name}").format(name=label))

    def set_loading(self, name: str) -> None:
        """A load started: the model's name, the progress at 0 and Cancel."""
        self.set_failed("", "")
        self._show(name, self.tr("Loading {name}…").format(name=name), False)
        self.button.setAccessibleName(self.tr("Loading {name}").format(name=name))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()

    def set_progress(self, fraction: float) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))

    def set_loaded(self) -> None:
        """The load ended (loaded, failed or cancelled): progress and Cancel go."""
        self.progress.hide()
        self.cancel_button.hide()

    def set_failed(self, name: str, reason: str) -> None:
        """Why the last load failed, in a line beside the button (the whole reason in its
        tooltip); "" clears it."""
        self.failure.setText(
            self.tr("Could not load {name}").format(name=name) if name or reason else ""
        )
        self.failure.setToolTip(plain_tooltip(reason) if reason else "")
        self.failure.setAccessibleDescription(reason)
        self.failure.setVisible(bool(name or reason))
        self.failure_icon.setVisible(bool(name or reason))
        if name or reason:
            from desktop.qtkit.icons import themed_icon  # not for the first frame

            icon = themed_icon("warning", tint="muted", palette=self.palette())
            self.failure_icon.setPixmap(icon.pixmap(QSize(ICON, ICON), self.devicePixelRatioF()))
            self.failure_icon.setToolTip(plain_tooltip(reason))

    def _show(self, text: str, tooltip: str, demo: bool) -> None:
        self.button.setText(menu_text(text))
        self.button.setToolTip(plain_tooltip(tooltip))
        self.button.updateGeometry()
        self.button.update()
        self.demo_chip.setVisible(demo)
        self.set_loaded()

    # The drop-down ---------------------------------------------------------------------------

    def fill_menu(
        self,
        sections: Sequence[PickerSection],
        is_current: Callable[[str], bool],
        tail: Sequence[QAction],
    ) -> None:
        """The drop-down afresh: each section's title and entries (or its note), then
        ``tail`` (Open model file…, Manage models…, the starter)."""
        menu = self.menu
        menu.clear()
        for section in sections:
            if not section.entries and not section.note:
                continue
            header = menu.addAction(menu_text(section.title))
            header.setEnabled(False)
            font = QFont(header.font())
            font.setBold(True)
            header.setFont(font)
            if not section.entries:
                menu.addAction(menu_text(section.note)).setEnabled(False)
            for entry in section.entries:
                text = menu_text(entry.label)
                if entry.detail:
                    text += "\t" + menu_text(entry.detail)
                action = menu.addAction(text)
                current = is_current(entry.locator)
                action.setCheckable(current)  # only the loaded one carries a mark
                action.setChecked(current)
                action.setData(entry.locator)
                action.triggered.connect(
                    lambda _checked=False, locator=entry.locator: self.load_requested.emit(locator)
                )
            menu.addSeparator()
        for action in tail:
            menu.addAction(action)

    def entry_actions(self) -> list[QAction]:
        """The drop-down's model entries (those with a locator), for tests and accessibility."""
        return [a for a in self.menu.actions() if isinstance(a.data(), str)]
