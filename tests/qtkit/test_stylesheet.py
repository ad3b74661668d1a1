"""qtkit.stylesheet and its use by Appearance: one stylesheet per theme, from the tokens, with
no fixed text sizes; applied with the palette and again on a theme or text-size change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontInfo, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from desktop.core.design import DARK, LIGHT, ColorTokens
from desktop.qtkit.rounded_popups import ROUNDED
from desktop.qtkit.stylesheet import (
    FORM_LABEL,
    INDICATOR,
    PRIMARY,
    application_stylesheet,
    indicator_size,
    set_variant,
    tidy_forms,
)
from desktop.qtkit.theme import CJK_FALLBACK, Appearance, with_cjk_fallback


def _rule(sheet: str, selector: str) -> str:
    """The body of the first rule whose selector list is exactly ``selector``."""
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", sheet)
    assert match, f"no rule for {selector}"
    return match.group(1)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_the_sheet_is_drawn_from_the_theme_tokens(qapp, theme: ColorTokens) -> None:
    sheet = application_stylesheet(theme)
    primary = _rule(sheet, f'QPushButton[{PRIMARY}="true"], QToolButton[{PRIMARY}="true"]')
    assert f"background: {theme.accent};" in primary
    assert f"color: {theme.on_accent};" in primary
    assert f"background: {theme.control};" in _rule(sheet, "QPushButton")
    assert theme.accent in _rule(sheet, "QLineEdit:focus, QComboBox:focus, QAbstractSpinBox:focus")
    assert f"background: {theme.selection};" in _rule(sheet, "#sidebar QListView::item:selected")
    # Every colour in the sheet is one of the theme's tokens (or transparent).
    colours = set(re.findall(r"#[0-9a-fA-F]{6}\b", sheet))
    tokens = {getattr(theme, name) for name in theme.__dataclass_fields__}
    assert colours <= tokens, colours - tokens


def test_the_themes_get_different_sheets(qapp) -> None:
    assert application_stylesheet(LIGHT) != application_stylesheet(DARK)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_the_sheet_sets_no_text_size(qapp, theme: ColorTokens) -> None:
    sheet = application_stylesheet(theme)
    assert "font-size" not in sheet and "font:" not in sheet
    assert not re.search(r"\d\s*pt\b", sheet)  # only px paddings and em heights


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_arrow_images_exist(qapp, theme: ColorTokens) -> None:
    for path in re.findall(r'url\("([^"]+)"\)', application_stylesheet(theme)):
        assert Path(path).is_file(), path


def test_appearance_applies_the_sheet_with_the_palette(restore_app: QApplication) -> None:
    appearance = Appearance(restore_app)
    appearance.apply("dark", 0)
    assert restore_app.styleSheet() == application_stylesheet(DARK)
    assert appearance.base_style() == "fusion"  # under the sheet, which hides its name
    appearance.apply("light", 0)
    assert restore_app.styleSheet() == application_stylesheet(LIGHT)
    assert restore_app.palette().color(QPalette.ColorRole.Base).name() == LIGHT.surface


def test_text_size_still_works_under_the_sheet(qtbot, restore_app: QApplication) -> None:
    appearance = Appearance(restore_app)
    appearance.apply("light", 0)
    button = QPushButton("Text size")
    qtbot.addWidget(button)
    button.show()
    small = button.sizeHint().height()
    appearance.apply("light", 24)
    assert restore_app.font().pointSize() == 24
    assert button.font().pointSize() == 24
    assert button.sizeHint().height() > small  # heights in em follow the text
    appearance.apply("light", 0)
    assert button.sizeHint().height() == small


def test_a_primary_button_is_drawn_in_the_accent(qtbot, restore_app: QApplication) -> None:
    Appearance(restore_app).apply("light", 0)
    button = QPushButton("Go")
    qtbot.addWidget(button)
    set_variant(button, PRIMARY)
    button.resize(120, 40)
    button.show()
    qtbot.waitExposed(button)
    image = button.grab().toImage()
    centre = image.pixelColor(image.width() // 6, image.height() // 2)
    assert centre.name() == LIGHT.accent


def test_the_font_falls_back_to_cjk_families(restore_app: QApplication) -> None:
    font = with_cjk_fallback(restore_app.font())
    families = font.families()
    assert families[0] == QFontInfo(restore_app.font()).family()  # the UI font stays first
    assert families[-len(CJK_FALLBACK) :] == list(CJK_FALLBACK)
    assert with_cjk_fallback(font).families() == families  # once, however often
    appearance = Appearance(restore_app)
    appearance.apply("light", 14)
    assert list(CJK_FALLBACK) == restore_app.font().families()[-len(CJK_FALLBACK) :]


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_the_chat_banner_is_a_quiet_card_with_an_accent_edge(qapp, theme: ColorTokens) -> None:
    banner = _rule(application_stylesheet(theme), "QFrame#banner")
    assert f"background: {theme.surface_raised}" in banner
    assert re.search(rf"border-left: \d+px solid {theme.accent}", banner)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_the_demo_chip_and_badge_are_one_pill(qapp, theme: ColorTokens) -> None:
    """The picker's "demo" chip and the empty chat's Demo badge looked different."""
    pill = _rule(application_stylesheet(theme), "QLabel#demoChip, QLabel#demoBadge")
    assert f"border: 1px solid {theme.accent}" in pill and "border-radius" in pill


def _px(rule: str, name: str) -> int:
    match = re.search(rf"(?:^|[\s;]){name}: (\d+)px", rule)
    assert match, f"no {name} in {rule}"
    return int(match.group(1))


def test_indicators_grow_with_the_text_size(qtbot, restore_app: QApplication) -> None:
    """Check boxes and radio buttons stayed 16 px at large text sizes."""
    appearance = Appearance(restore_app)
    appearance.apply("light", 0)
    box = QCheckBox("Run the local API server")
    box.setChecked(True)
    qtbot.addWidget(box)
    box.show()
    default_sheet = restore_app.styleSheet()
    assert _px(_rule(default_sheet, "QCheckBox::indicator"), "width") == INDICATOR
    small = box.sizeHint().height()
    appearance.apply("light", 32)
    sheet = restore_app.styleSheet()
    side = indicator_size(restore_app.font())
    assert side > 2 * INDICATOR  # 0.95 of a 32 pt line
    assert sheet == application_stylesheet(LIGHT, side)
    check = _rule(sheet, "QCheckBox::indicator")
    assert _px(check, "width") == _px(check, "height") == side
    assert _px(_rule(sheet, "QRadioButton::indicator"), "width") == side
    tick = _rule(sheet, "QCheckBox::indicator:checked")
    assert _px(tick, "width") == side
    path = re.search(r'url\("([^"]+)"\)', tick)
    assert path and QImage(path.group(1)).width() == 2 * side  # drawn at its size: sharp
    assert box.sizeHint().height() >= side > small
    appearance.apply("light", 0)
    assert restore_app.styleSheet() == default_sheet


def test_indicators_never_shrink_below_16_px(qapp) -> None:
    tiny = QFont(qapp.font())
    tiny.setPixelSize(6)
    assert indicator_size(tiny) == INDICATOR
    assert application_stylesheet(LIGHT, 4) == application_stylesheet(LIGHT)


@pytest.mark.parametrize("side", [INDICATOR, 23, 48])
def test_a_large_indicator_is_the_small_one_scaled(qapp, side: int) -> None:
    sheet = application_stylesheet(DARK, side)
    box = _rule(sheet, "QCheckBox::indicator")
    line = _px(box, "border")
    assert line == max(1, side // INDICATOR)
    assert _px(box, "border-radius") >= 4
    radio = _rule(sheet, "QRadioButton::indicator")
    assert _px(radio, "border-radius") == side // 2 + line  # a circle, with its border
    checked = _rule(sheet, "QRadioButton::indicator:checked")
    ring = _px(checked, "border")
    assert _px(checked, "width") + 2 * ring == side + 2 * line  # as large as unchecked


def _form(qtbot, *fields: QWidget) -> tuple[QWidget, QFormLayout]:
    page = QWidget()
    qtbot.addWidget(page)
    form = QFormLayout(page)
    for number, field in enumerate(fields):
        form.addRow(f"Label {number}", field)
    return page, form


def _spin_boxes() -> tuple[QSpinBox, QDoubleSpinBox]:
    spin, double = QSpinBox(), QDoubleSpinBox()
    spin.setRange(0, 65535)
    spin.setValue(8765)
    double.setValue(0.7)
    return spin, double


@pytest.mark.parametrize("size", [0, 24])
def test_the_fields_of_a_form_are_one_height(qtbot, restore_app: QApplication, size: int) -> None:
    """Spin boxes were 3 px taller than the line edits and combo boxes beside them."""
    Appearance(restore_app).apply("light", size)
    combo = QComboBox()
    combo.addItem("Light")
    editable = QComboBox()
    editable.setEditable(True)
    page, form = _form(qtbot, QLineEdit("text"), combo, editable, *_spin_boxes())
    tidy_forms(page)
    page.show()
    qtbot.waitExposed(page)
    heights = {
        form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget().height()
        for row in range(form.rowCount())
    }
    assert len(heights) == 1, heights


def _text_left(field: QWidget) -> int:
    """Where the text of a line edit, or of a spin box's or editable combo's edit, starts."""
    edit = field if isinstance(field, QLineEdit) else field.findChild(QLineEdit)
    return edit.mapTo(field, edit.cursorRect().topLeft()).x()


def test_the_text_of_a_forms_fields_starts_on_one_line(qtbot, restore_app: QApplication) -> None:
    """A spin box's number started at its border, 9 px left of the text above and below it."""
    Appearance(restore_app).apply("light", 0)
    editable = QComboBox()
    editable.setEditable(True)
    editable.addItem("auto")
    line = QLineEdit("text")
    for edit in (line, editable.lineEdit()):
        edit.setCursorPosition(0)
    spin, double = _spin_boxes()
    page, _ = _form(qtbot, line, editable, spin, double)
    tidy_forms(page)
    page.show()
    qtbot.waitExposed(page)
    for box in (spin, double):
        box.lineEdit().setCursorPosition(0)
    left = _text_left(line)
    for field in (editable, spin, double):
        assert abs(_text_left(field) - left) <= 1, type(field).__name__


def test_form_labels_sit_on_their_fields_line(qtbot, restore_app: QApplication) -> None:
    """Labels sat 3 px above the text of the taller fields; a text box's label stays on top."""
    Appearance(restore_app).apply("light", 0)
    spin, _ = _spin_boxes()
    box = QPlainTextEdit()
    note = QLabel("24 GB")
    page, form = _form(qtbot, QLineEdit("text"), spin, note, box)
    tidy_forms(page)
    page.show()
    qtbot.waitExposed(page)
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
        if field is box:
            assert not label.property(FORM_LABEL) and label.y() == field.y()
            assert label.height() < field.height() // 2
        elif field is note:
            assert not label.property(FORM_LABEL)  # plain text beside plain text
        else:
            assert label.property(FORM_LABEL)
            assert abs(label.geometry().center().y() - field.geometry().center().y()) <= 1


def test_combo_box_lists_open_below_the_box_as_a_list(qtbot, restore_app: QApplication) -> None:
    """A list below the box, drawn by the list view (rounded where popups can be), not a
    square menu over the box."""
    Appearance(restore_app).apply("dark", 0)
    combo = QComboBox()
    qtbot.addWidget(combo)
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    assert not combo.style().styleHint(QStyle.StyleHint.SH_ComboBox_Popup, option, combo)
    sheet = restore_app.styleSheet()
    rounded = _rule(sheet, f'QComboBoxPrivateContainer[{ROUNDED}="true"] QAbstractItemView')
    assert "border-radius" in rounded
    selected = _rule(sheet, "QComboBox QAbstractItemView::item:selected")
    assert f"background: {DARK.accent}" in selected


def test_field_carets_are_readable_and_grow_with_the_text(qapp) -> None:
    """The spin box's arrows were 10 px carets of a thin glyph: about 5 px of line."""
    for side, caret in ((INDICATOR, 12), (32, 24)):
        sheet = application_stylesheet(LIGHT, side)
        for selector in ("QComboBox::down-arrow", "QAbstractSpinBox::up-arrow"):
            rule = _rule(sheet, selector)
            assert _px(rule, "width") == _px(rule, "height") == caret
            assert "caret-" in rule and "-bold-" in rule  # the bold glyph's file
        step = _rule(sheet, "QAbstractSpinBox::up-button, QAbstractSpinBox::down-button")
        assert _px(step, "width") >= caret + 8


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_a_dock_title_has_room_and_a_quiet_close_button(qtbot, theme: ColorTokens) -> None:
    """Docks (Server, Sources) had their title jammed against the content and the window edge,
    with framed 1990s float and close buttons."""
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setStyleSheet(application_stylesheet(theme))
    dock = QDockWidget("Server", window)
    dock.setWidget(QLabel("content"))
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.resize(400, 300)
    window.show()
    qtbot.waitExposed(window)
    title_height = dock.widget().geometry().top()
    assert title_height >= dock.fontMetrics().height() + 2 * 4
    buttons = _rule(
        application_stylesheet(theme), "QDockWidget::close-button, QDockWidget::float-button"
    )
    assert "border: none" in buttons and "background: transparent" in buttons


def test_a_plain_lists_rows_have_room_around_their_text(qtbot, restore_app: QApplication) -> None:
    """Rows of plain lists (collections, their files, servers, sources) sat line against line,
    with the selection's rounded fill touching the text."""
    restore_app.setStyleSheet(application_stylesheet(LIGHT))
    view = QListWidget()
    qtbot.addWidget(view)
    view.addItems(["lighthouse.md · 1 passage", "tides.txt · 1 passage"])
    view.show()
    qtbot.waitExposed(view)
    row = view.visualItemRect(view.item(0))
    assert row.height() >= view.fontMetrics().height() + 2 * 3
