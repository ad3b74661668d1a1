"""The application's Qt stylesheet, generated from the design tokens (desktop/core/design.py).

Fusion with our palettes gives every widget the right colours; this stylesheet gives them the
shapes of a current desktop app: rounded buttons and fields with an accent focus ring, a primary
button in the accent colour, flat tool buttons, thin scroll bars, rounded list selection, quiet
tabs, menus and group boxes. :class:`desktop.qtkit.theme.Appearance` sets it together with the
palette and sets it again when the theme or the text size changes.

Rules of this sheet, so that it stays out of the way of widgets that paint themselves:

* It names widget classes and their states, never ``QWidget`` or ``*``: a widget no rule names
  (a label, a chat bubble) keeps drawing from its palette as before. It sets no text colour
  but the primary button's and the menus', so a muted tool button (setForegroundRole) or a
  dimmed message's palette still shows.
* It sets no font sizes, only paddings in pixels from the spacing scale and heights in ``em``,
  so Settings › Text size keeps resizing everything.
* Variants are dynamic properties (:data:`PRIMARY`, set with :func:`set_variant`) and object
  names (:data:`SIDEBAR`), not stylesheets on single widgets.
* Only framed text views and lists (``frameShape`` StyledPanel) get a border; the chat's
  frameless views (messages, the thinking text) get none.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractSpinBox, QFormLayout, QLabel, QWidget

from desktop.core.design import (
    CONTROL_RADIUS,
    RADIUS,
    SPACE_L,
    SPACE_M,
    SPACE_S,
    SPACE_XL,
    SPACE_XS,
    ColorTokens,
)
from desktop.qtkit.icons import icon_file
from desktop.qtkit.rounded_popups import ROUNDED

__all__ = [
    "FORM_LABEL",
    "INDICATOR",
    "LINE_EDIT_MARGIN",
    "PRIMARY",
    "PROMPT_CARD",
    "SECTION_NAV",
    "SIDEBAR",
    "SPIN_TEXT_INSET",
    "application_stylesheet",
    "indicator_size",
    "set_variant",
    "tidy_forms",
]

PRIMARY = "primary"
"""A QPushButton or QToolButton with this property True is the main action of its place, drawn
in the accent (the side bar's New chat, a dialog's Download); set it with :func:`set_variant`."""

SIDEBAR = "sidebar"
"""The object name of the side bar: its own surface (the window colour) and quiet rows."""

SECTION_NAV = "sectionNav"
"""The object name of a list of sections beside their pages (desktop/qtkit/section_pages.py):
no frame, roomy rows, the chosen one marked as the side bar marks the open chat."""

PROMPT_CARD = "promptCard"
"""The object name of an example prompt's card (desktop/qtkit/prompt_cards.py): a raised,
rounded surface with an accent edge on hover and focus."""


def set_variant(widget: QWidget, name: str, on: bool = True) -> None:
    """Turn a stylesheet variant (a dynamic property such as :data:`PRIMARY`) on or off, and
    re-polish the widget so the change shows at once (Qt matches properties when it polishes)."""
    widget.setProperty(name, on)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


FORM_LABEL = "formLabel"
"""A form's label beside a one-line field: as tall as the field, so its text sits on the
field's line (set by :func:`tidy_forms`)."""

SPIN_TEXT_INSET = 1 + SPACE_S
"""Where a spin box's text starts, in pixels from its edit field's left: the border and padding
the sheet gives every field, so the text of a form's fields starts on one line."""


def tidy_forms(root: QWidget) -> None:
    """What the sheet cannot say for the forms in ``root`` (a dialog, once its rows are built):

    * A spin box's text is inset as a line edit's: Qt 6's stylesheet style puts a spin box's
      edit field at its left border whatever the padding, so the numbers started 9 px left of
      the text of the line edits and combo boxes above and below them.
    * A label beside a one-line field is marked :data:`FORM_LABEL`, which the sheet makes as
      tall as a field (in ``em``, so it follows the text size): QFormLayout gives a label at
      most 7/4 of its own height from the row's top, which left labels 3 px above the text of
      the taller fields. Labels of taller fields (a text box) stay at the top of their row, and
      those beside plain text (a label as the field) keep their own height.
    """
    for box in root.findChildren(QAbstractSpinBox):
        edit = box.lineEdit()
        if edit is not None:
            edit.setTextMargins(SPIN_TEXT_INSET, 0, 0, 0)
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None or not isinstance(label.widget(), QLabel):
                continue
            text, height = label.sizeHint().height(), field.sizeHint().height()
            one_line = not field.expandingDirections() & Qt.Orientation.Vertical
            if one_line and text + SPACE_XS < height < 2 * text + SPACE_L:
                set_variant(label.widget(), FORM_LABEL)


INDICATOR = SPACE_L
"""The smallest side of a check box's box and a radio button's circle, in pixels (the size at
the usual text sizes)."""


def indicator_size(font: QFont) -> int:
    """The side of check box and radio indicators for text in ``font``: 0.95 of its line
    height, never under :data:`INDICATOR`, so they grow with Settings › Text size (a stylesheet
    cannot size them in ``em``: their images are drawn at a size in pixels)."""
    return max(INDICATOR, round(0.95 * QFontMetrics(font).height()))


def application_stylesheet(theme: ColorTokens, indicator: int = INDICATOR) -> str:
    """The stylesheet for one theme's colours, with check box and radio indicators of
    ``indicator`` pixels (:func:`indicator_size` of the application font)."""
    return "\n".join(
        (
            _buttons(theme),
            _fields(theme, max(INDICATOR, indicator)),
            _item_views(theme),
            _scroll_bars(theme),
            _menus(theme),
            _tabs_and_groups(theme),
            _chrome(theme),
            _sidebar(theme),
        )
    )


_R = CONTROL_RADIUS
_SMALL_R = CONTROL_RADIUS - 2
_ARROW = SPACE_L + SPACE_XS  # the width of a combo box's or spin box's arrows
_POPUP_R = _SMALL_R + SPACE_XS  # a menu's corners, concentric with its rows'
_CARET = SPACE_M  # a combo or spin box's bold caret image (its glyph is half of it), at least
LINE_EDIT_MARGIN = 2
"""The room QLineEdit keeps each side of its text inside its padding (Qt's horizontalMargin)."""


def _buttons(t: ColorTokens) -> str:
    return f"""
QPushButton {{
    background: {t.control};
    border: 1px solid {t.border}; border-radius: {_R}px;
    padding: {SPACE_XS}px {SPACE_M}px; min-height: 1.4em;
}}
QPushButton:hover {{ background: {t.control_hover}; }}
QPushButton:pressed, QPushButton:checked {{ background: {t.selection}; }}
QPushButton:focus {{ border-color: {t.accent}; }}
QPushButton:disabled {{ background: {t.window}; }}
QPushButton[flat="true"] {{ background: transparent; border-color: transparent; }}
QPushButton[flat="true"]:hover {{ background: {t.control_hover}; }}
QPushButton[flat="true"]:pressed {{ background: {t.selection}; }}
QPushButton[flat="true"]:focus {{ border-color: {t.accent}; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QToolButton {{
    background: transparent;
    border: 1px solid transparent; border-radius: {_R}px; padding: {SPACE_XS}px;
}}
QToolButton:hover {{ background: {t.control_hover}; }}
QToolButton:pressed, QToolButton:checked {{ background: {t.selection}; }}
QToolButton:focus {{ border-color: {t.accent}; }}
QToolButton[popupMode="MenuButtonPopup"], QToolButton[popupMode="InstantPopup"] {{
    padding-right: {_ARROW}px;
}}
QToolButton::menu-indicator {{
    subcontrol-origin: padding; subcontrol-position: center right; right: {SPACE_XS}px;
}}
QToolButton[toolButtonStyle="ToolButtonIconOnly"] {{ padding-right: {SPACE_XS}px; }}
QToolButton[toolButtonStyle="ToolButtonIconOnly"]::menu-indicator {{ image: none; width: 0; }}
QPushButton[{PRIMARY}="true"], QToolButton[{PRIMARY}="true"] {{
    background: {t.accent}; color: {t.on_accent}; border-color: {t.accent};
}}
QPushButton[{PRIMARY}="true"]:hover, QPushButton[{PRIMARY}="true"]:pressed,
QToolButton[{PRIMARY}="true"]:hover, QToolButton[{PRIMARY}="true"]:pressed {{
    background: {t.accent_hover}; border-color: {t.accent_hover};
}}
QPushButton[{PRIMARY}="true"]:focus, QToolButton[{PRIMARY}="true"]:focus {{
    border-color: {t.text};
}}
QPushButton[{PRIMARY}="true"]:disabled, QToolButton[{PRIMARY}="true"]:disabled {{
    background: {t.border}; border-color: {t.border}; color: {t.text_muted};
}}
"""


def _arrow(selector: str, meaning: str, colour: str, size: int = SPACE_S + SPACE_XS // 2) -> str:
    """An icon drawn by the stylesheet (a combo or spin box's arrow, a check box's tick): the
    icon set's glyph in ``colour``, as an image file (a stylesheet takes images only by path;
    see :func:`desktop.qtkit.icons.icon_file`)."""
    path = icon_file(meaning, colour, size)
    return f'{selector} {{ image: url("{path}"); width: {size}px; height: {size}px; }}'


def _fields(t: ColorTokens, check: int) -> str:
    framed = ", ".join(
        f'{cls}[frameShape="StyledPanel"]' for cls in ("QTextEdit", "QPlainTextEdit")
    )
    framed_focus = ", ".join(
        f'{cls}[frameShape="StyledPanel"]:focus' for cls in ("QTextEdit", "QPlainTextEdit")
    )
    # A larger indicator is the 16 px one scaled: its line, corners, gap and ring grow with it.
    line = max(1, check // INDICATOR)
    corner = max(_SMALL_R, round(check * _SMALL_R / INDICATOR))
    gap = max(SPACE_S, check // 3)
    ring = check // 3  # a checked radio button's accent ring
    # Carets and the buttons around them grow with the text as the indicators do.
    caret = max(_CARET, check * _CARET // INDICATOR)
    button = max(_ARROW, check + SPACE_XS)
    return f"""
QLineEdit, QComboBox, QAbstractSpinBox {{
    background: {t.surface};
    border: 1px solid {t.border}; border-radius: {_R}px;
    padding: {SPACE_XS}px {SPACE_S}px; min-height: 1.4em;
    selection-background-color: {t.accent}; selection-color: {t.on_accent};
}}
QComboBox {{ padding-left: {SPACE_S + LINE_EDIT_MARGIN}px; combobox-popup: 0; }}
QComboBox:editable {{ padding-left: {SPACE_S}px; }}
QLabel[{FORM_LABEL}="true"] {{ min-height: 1.4em; padding: {SPACE_XS + 1}px 0; }}
QAbstractSpinBox {{ max-height: 1.4em; padding-right: 0; }}
QLineEdit:focus, QComboBox:focus, QAbstractSpinBox:focus {{
    border: 2px solid {t.accent}; padding: {SPACE_XS - 1}px {SPACE_S - 1}px;
}}
QComboBox:focus {{ padding-left: {SPACE_S + LINE_EDIT_MARGIN - 1}px; }}
QComboBox:editable:focus {{ padding-left: {SPACE_S - 1}px; }}
QAbstractSpinBox:focus {{ padding-right: 0; }}
QLineEdit:disabled, QComboBox:disabled, QAbstractSpinBox:disabled {{
    background: {t.window};
}}
QComboBox:hover, QAbstractSpinBox:hover {{ border-color: {t.text_disabled}; }}
QComboBox:focus:hover, QAbstractSpinBox:focus:hover {{ border-color: {t.accent}; }}
QComboBox::drop-down {{
    subcontrol-origin: padding; subcontrol-position: center right;
    border: none; width: {button}px;
}}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{
    subcontrol-origin: padding; width: {button}px; border: none; background: transparent;
}}
QAbstractSpinBox::up-button {{
    subcontrol-position: top right; border-top-right-radius: {_R - 1}px;
}}
QAbstractSpinBox::down-button {{
    subcontrol-position: bottom right; border-bottom-right-radius: {_R - 1}px;
}}
QAbstractSpinBox::up-button:hover, QAbstractSpinBox::down-button:hover {{
    background: {t.control_hover};
}}
QAbstractSpinBox::up-button:pressed, QAbstractSpinBox::down-button:pressed {{
    background: {t.selection};
}}
{_arrow("QComboBox::down-arrow", "field_down", t.text_muted, caret)}
{_arrow("QAbstractSpinBox::down-arrow", "field_down", t.text_muted, caret)}
{_arrow("QAbstractSpinBox::up-arrow", "field_up", t.text_muted, caret)}
{_arrow("QComboBox::down-arrow:disabled", "field_down", t.text_disabled, caret)}
{_arrow("QAbstractSpinBox::down-arrow:disabled", "field_down", t.text_disabled, caret)}
{_arrow("QAbstractSpinBox::up-arrow:disabled", "field_up", t.text_disabled, caret)}
{_arrow("QAbstractSpinBox::down-arrow:off", "field_down", t.text_disabled, caret)}
{_arrow("QAbstractSpinBox::up-arrow:off", "field_up", t.text_disabled, caret)}
QComboBox QAbstractItemView {{
    background: {t.surface_raised}; border: 1px solid {t.border}; padding: {SPACE_XS}px;
    selection-background-color: {t.accent}; selection-color: {t.on_accent}; outline: 0;
}}
QComboBoxPrivateContainer[{ROUNDED}="true"] QAbstractItemView {{
    border-radius: {_POPUP_R}px; margin: {SPACE_XS // 2}px 0;
}}
QComboBox QAbstractItemView::item {{
    border-radius: {_SMALL_R}px; padding: {SPACE_XS + 1}px {SPACE_XS - 1}px; min-height: 1.2em;
}}
QComboBox QAbstractItemView::item:hover {{ background: {t.control_hover}; }}
QComboBox QAbstractItemView::item:selected {{ background: {t.accent}; color: {t.on_accent}; }}
QCheckBox {{ spacing: {gap}px; }}
QCheckBox::indicator {{
    width: {check}px; height: {check}px;
    border: {line}px solid {t.text_disabled}; border-radius: {corner}px; background: {t.surface};
}}
QCheckBox::indicator:hover {{ border-color: {t.accent}; }}
QCheckBox::indicator:checked, QCheckBox::indicator:indeterminate {{
    background: {t.accent}; border-color: {t.accent};
}}
{_arrow("QCheckBox::indicator:checked", "check", t.on_accent, check)}
{_arrow("QCheckBox::indicator:indeterminate", "minus", t.on_accent, check)}
QCheckBox::indicator:disabled {{ background: {t.window}; border-color: {t.border}; }}
QRadioButton {{ spacing: {gap}px; }}
QRadioButton::indicator {{
    width: {check}px; height: {check}px; border-radius: {check // 2 + line}px;
    border: {line}px solid {t.text_disabled}; background: {t.surface};
}}
QRadioButton::indicator:hover {{ border-color: {t.accent}; }}
QRadioButton::indicator:checked {{
    border: {ring}px solid {t.accent}; background: {t.on_accent};
    width: {check - 2 * ring + 2 * line}px; height: {check - 2 * ring + 2 * line}px;
}}
QRadioButton::indicator:disabled {{ background: {t.window}; border-color: {t.border}; }}
{framed} {{
    background: {t.surface};
    border: 1px solid {t.border}; border-radius: {_R}px; padding: {SPACE_XS}px;
    selection-background-color: {t.accent}; selection-color: {t.on_accent};
}}
{framed_focus} {{ border-color: {t.accent}; }}
"""


def _item_views(t: ColorTokens) -> str:
    return f"""
QAbstractItemView {{
    outline: 0;
    selection-background-color: {t.accent}; selection-color: {t.on_accent};
    alternate-background-color: {t.surface_raised};
}}
QListView[frameShape="StyledPanel"], QTreeView[frameShape="StyledPanel"],
QTableView[frameShape="StyledPanel"] {{
    background: {t.surface}; border: 1px solid {t.border}; border-radius: {_R}px;
}}
QListView[frameShape="StyledPanel"]:focus, QTreeView[frameShape="StyledPanel"]:focus,
QTableView[frameShape="StyledPanel"]:focus {{ border-color: {t.accent}; }}
QListView {{ padding: {SPACE_XS}px; }}
QListView::item {{ border-radius: {_R}px; padding: {SPACE_XS - 1}px {SPACE_XS}px; }}
QListView::item:hover, QTreeView::item:hover {{ background: {t.control_hover}; }}
QListView::item:selected, QTreeView::item:selected {{
    background: {t.accent}; color: {t.on_accent};
}}
QHeaderView::section {{
    background: {t.window}; color: {t.text_muted};
    border: none; border-bottom: 1px solid {t.border}; border-right: 1px solid {t.border};
    padding: {SPACE_XS}px {SPACE_S}px;
}}
QHeaderView::section:last {{ border-right: none; }}
QTableView {{ gridline-color: {t.border}; }}
QTableCornerButton::section {{ background: {t.window}; border: none; }}
"""


def _scroll_bars(t: ColorTokens) -> str:
    return f"""
QScrollBar:vertical {{
    background: transparent; border: none; width: {SPACE_M}px; margin: 0;
}}
QScrollBar:horizontal {{
    background: transparent; border: none; height: {SPACE_M}px; margin: 0;
}}
QScrollBar::handle:vertical {{
    background: {t.border}; border-radius: {SPACE_XS}px; min-height: 2em; margin: {SPACE_XS // 2}px;
}}
QScrollBar::handle:horizontal {{
    background: {t.border}; border-radius: {SPACE_XS}px; min-width: 2em; margin: {SPACE_XS // 2}px;
}}
QScrollBar::handle:hover, QScrollBar::handle:pressed {{ background: {t.text_disabled}; }}
QScrollBar::add-line, QScrollBar::sub-line {{
    width: 0; height: 0; border: none; background: none;
}}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
"""


def _menus(t: ColorTokens) -> str:
    return f"""
QMenuBar {{ background: {t.window}; color: {t.text}; padding: {SPACE_XS // 2}px; }}
QMenuBar::item {{
    background: transparent; padding: {SPACE_XS}px {SPACE_S}px; border-radius: {_SMALL_R}px;
}}
QMenuBar::item:selected, QMenuBar::item:pressed {{ background: {t.control_hover}; }}
QMenu {{
    background: {t.surface_raised}; color: {t.text};
    border: 1px solid {t.border}; padding: {SPACE_XS}px;
}}
QMenu::item {{
    background: transparent; border-radius: {_SMALL_R}px;
    padding: {SPACE_XS + 2}px {SPACE_XL}px {SPACE_XS + 2}px {SPACE_M}px;
}}
QMenu::item:selected {{ background: {t.accent}; color: {t.on_accent}; }}
QMenu::item:disabled {{ color: {t.text_disabled}; background: transparent; }}
QMenu::separator {{ height: 1px; background: {t.border}; margin: {SPACE_XS}px {SPACE_S}px; }}
QMenu::icon {{ padding-left: {SPACE_S}px; }}
QMenu::indicator {{ width: 1em; height: 1em; padding-left: {SPACE_S}px; }}
QToolTip {{
    background: {t.surface_raised}; color: {t.text};
    border: 1px solid {t.border}; padding: {SPACE_XS}px {SPACE_S}px;
}}
QMenu[{ROUNDED}="true"] {{ border-radius: {_POPUP_R}px; }}
QToolTip[{ROUNDED}="true"] {{ border-radius: {_R}px; }}
"""


def _tabs_and_groups(t: ColorTokens) -> str:
    return f"""
QTabWidget::pane {{
    border: 1px solid {t.border}; border-radius: {_R}px; top: -1px;
}}
QTabBar::tab {{
    background: transparent; color: {t.text_muted};
    border: none; border-bottom: 2px solid transparent;
    padding: {SPACE_S}px {SPACE_M}px; margin-right: {SPACE_XS}px;
}}
QTabBar::tab:hover {{ color: {t.text}; border-bottom-color: {t.border}; }}
QTabBar::tab:selected {{ color: {t.text}; border-bottom-color: {t.accent}; }}
QTabBar::tab:disabled {{ color: {t.text_disabled}; }}
QGroupBox {{
    font-weight: 600;
    background: {t.surface_raised}; border: 1px solid {t.border}; border-radius: {_R}px;
    margin-top: 1.2em; margin-bottom: {SPACE_XS}px; padding: {SPACE_S}px;
}}
QGroupBox::title {{
    subcontrol-origin: margin; subcontrol-position: top left;
    left: {SPACE_M}px; padding: 0 {SPACE_XS}px; color: {t.text};
}}
"""


def _chrome(t: ColorTokens) -> str:
    return f"""
QStatusBar {{ background: {t.window}; border-top: 1px solid {t.border}; }}
QDockWidget::title {{
    background: {t.window}; text-align: left;
    padding: {SPACE_XS + SPACE_XS // 2}px {SPACE_M}px {SPACE_XS}px {SPACE_XS}px;
}}
QDockWidget::close-button, QDockWidget::float-button {{
    border: none; border-radius: {SPACE_XS}px; background: transparent; padding: 1px;
}}
QDockWidget::close-button:hover, QDockWidget::float-button:hover {{
    background: {t.control_hover};
}}
QStatusBar::item {{ border: none; }}
QSplitter::handle {{ background: {t.window}; }}
QSplitter::handle:horizontal {{ border-right: 1px solid {t.border}; }}
QSplitter::handle:vertical {{ border-bottom: 1px solid {t.border}; }}
QProgressBar {{
    background: {t.control_hover}; color: {t.text};
    border: none; border-radius: {SPACE_XS}px; text-align: center;
}}
QProgressBar::chunk {{ background: {t.accent}; border-radius: {SPACE_XS}px; }}
QLabel#demoChip, QLabel#demoBadge {{
    color: {t.text}; background: transparent; border: 1px solid {t.accent};
    border-radius: {_SMALL_R}px; padding: 0 {SPACE_S}px;
}}
#{PROMPT_CARD} {{
    background: {t.surface_raised}; border: 1px solid {t.border}; border-radius: {RADIUS}px;
}}
#{PROMPT_CARD}:hover, #{PROMPT_CARD}:focus {{ border-color: {t.accent}; }}
#{PROMPT_CARD}:disabled {{ background: transparent; }}
QFrame#banner {{
    background: {t.surface_raised}; border: 1px solid {t.border};
    border-left: {SPACE_XS - 1}px solid {t.accent}; border-radius: {_SMALL_R}px;
    margin: {SPACE_S}px {SPACE_M}px 0 {SPACE_M}px; padding: {SPACE_S}px {SPACE_M}px;
}}
"""


def _sidebar(t: ColorTokens) -> str:
    side = f"#{SIDEBAR}"
    return f"""
{side} QListView {{
    background: transparent; border: none; padding: 0;
    selection-background-color: {t.selection}; selection-color: {t.text};
}}
{side} QListView::item {{ border-radius: {_R}px; }}
{side} QListView::item:hover {{ background: {t.control_hover}; }}
{side} QListView::item:selected {{ background: {t.selection}; color: {t.text}; }}
{side} QLabel {{ background: transparent; }}
QListView#{SECTION_NAV} {{
    background: transparent; border: none; padding: 0;
}}
QListView#{SECTION_NAV}::item {{
    border-radius: {_R}px; padding: 0 {SPACE_M}px; color: {t.text};
}}
QListView#{SECTION_NAV}::item:hover {{ background: {t.control_hover}; }}
QListView#{SECTION_NAV}::item:selected {{ background: {t.selection}; color: {t.text}; }}
{side} QPushButton[flat="true"] {{
    text-align: left; color: {t.text_muted}; padding-left: {SPACE_S + SPACE_XS // 2}px;
}}
{side} QPushButton[flat="true"]:hover {{ color: {t.text}; }}
"""
