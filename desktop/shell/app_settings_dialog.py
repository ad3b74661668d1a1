"""Edit › Settings: appearance, language, the features' pages, folders and the hub endpoint.

Everything here is a declared global setting (desktop/core/settings.py); per-model values stay
in Chat › Model settings. Features add tabs (SettingsPage, desktop/shell/feature.py) between
Appearance and Folders: the models feature's defaults for loading a model, for one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFontDatabase, QValidator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.settings import Settings
from desktop.qtkit.dialog_buttons import ok_cancel_buttons
from desktop.qtkit.layout_rows import side_by_side
from desktop.qtkit.plain_text import note_label
from desktop.qtkit.push_button import push_button
from desktop.qtkit.section_pages import SectionPages
from desktop.qtkit.setting_fields import settings_values, show_settings
from desktop.qtkit.stylesheet import tidy_forms
from desktop.shell.feature import SettingsPage, SettingsPageFactory

MIN_TEXT_SIZE = 6
"""The smallest text size the arrows reach, in points: below it the interface is unreadable."""


class TextSizeBox(QSpinBox):
    """Text size in points, 0 meaning "System default" (shown in words).

    The arrows step from the system's size, and the system's size is its default: a plain spin
    box stepped up from 0 to 1, 2, 3 pt, so ▲ made the text smaller and the window unreadable.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 32)

    @staticmethod
    def system_size() -> int:
        """The desktop's own text size in points (what "System default" stands for)."""
        size = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSize()
        return size if size > 0 else 10

    def stepBy(self, steps: int) -> None:
        system = self.system_size()
        size = max(MIN_TEXT_SIZE, min(self.maximum(), (self.value() or system) + steps))
        self.setValue(0 if size == system else size)

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        size = self.value() or self.system_size()
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if size > MIN_TEXT_SIZE:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        if size < self.maximum():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        return flags

    def fixup(self, text: str) -> str:
        return str(MIN_TEXT_SIZE)

    def validate(self, text: str, pos: int) -> object:
        state = super().validate(text, pos)
        digits = text.removesuffix(self.suffix()).strip()
        if digits.isdigit() and 0 < int(digits) < MIN_TEXT_SIZE:
            return QValidator.State.Intermediate, text, pos
        return state


def open_folder(path: Path) -> None:
    """Shows a folder in the system's file manager, creating it first if it is missing."""
    path.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class AppSettingsDialog(QDialog):
    """The application's settings; OK and Apply save them and emit `applied`.

    Signals:
        applied(): settings were saved; the window re-applies appearance from them.
    """

    applied = Signal()

    def __init__(
        self,
        settings: Settings,
        pages: Sequence[SettingsPageFactory] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.data_dir = settings.path.parent
        self.open_folder: Callable[[Path], None] = open_folder
        """Opens a folder in the file manager; tests replace it so nothing launches."""
        self.setWindowTitle(self.tr("Settings"))
        layout = QVBoxLayout(self)
        self.tabs = SectionPages()
        """The sections (Appearance, the features' pages, Folders and downloads)."""
        self.tabs.addTab(self._build_appearance(), self.tr("Appearance"))
        self.pages: list[SettingsPage] = []
        """The features' tabs, in the order they were added to the shell."""
        for make_page in pages:
            page = make_page(self)
            self.pages.append(page)
            self.tabs.addTab(page.widget(), page.title())
        self.tabs.addTab(self._build_folders(), self.tr("Folders and downloads"))
        layout.addWidget(self.tabs)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # an OS error names a path
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = ok_cancel_buttons(self, QDialogButtonBox.StandardButton.Apply)
        self.buttons.clicked.connect(self.on_buttons_clicked)
        layout.addWidget(self.buttons)
        self._editors: dict[str, QWidget] = {
            "appearance.theme": self.theme,
            "appearance.font_size": self.font_size,
            "app.language": self.language,
            "library.models_dir": self.models_dir,
        }
        """The editor of each of the dialog's own settings but the hub address (see values)."""
        tidy_forms(self)  # its own pages and the features'
        self._fill()

    # Pages -----------------------------------------------------------------------------------

    def _build_appearance(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.theme = QComboBox()
        for value, label in (
            ("system", self.tr("Follow the system")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.theme.addItem(label, value)
        form.addRow(self.tr("Theme"), self.theme)
        self.font_size = TextSizeBox()
        self.font_size.setSpecialValueText(self.tr("System default"))
        self.font_size.setSuffix(self.tr(" pt"))
        form.addRow(self.tr("Text size"), self.font_size)
        self.language = QComboBox()
        self.language.addItem(self.tr("Follow the system"), "system")
        # Each language is named in itself, so it can be found whatever the interface shows.
        self.language.addItem("English", "en")
        self.language.addItem("简体中文", "zh_CN")
        form.addRow(self.tr("Language"), self.language)
        form.addRow(
            "",
            note_label(
                self.tr(
                    "English and 简体中文 (Simplified Chinese). A new language takes effect the "
                    "next time Hearthside starts."
                )
            ),
        )
        return page

    def _build_folders(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        data_box = QGroupBox(self.tr("Data folder"))
        data_layout = QVBoxLayout(data_box)
        self.data_dir_edit = QLineEdit(str(self.data_dir))
        self.data_dir_edit.setReadOnly(True)
        self.open_data_dir = push_button(
            self.tr("Open folder"), lambda: self.open_folder(self.data_dir)
        )
        data_layout.addWidget(side_by_side(self.data_dir_edit, self.open_data_dir, stretch_at=0))
        data_layout.addWidget(
            note_label(
                self.tr(
                    "Chats, settings and logs. Start Hearthside with --data-dir or set "
                    "HEARTHSIDE_DATA_DIR to use another folder."
                )
            )
        )
        layout.addWidget(data_box)
        models_box = QGroupBox(self.tr("Models folder"))
        models_layout = QVBoxLayout(models_box)
        self.models_dir = QLineEdit()
        self.models_dir.setPlaceholderText(str(self.default_models_dir))
        choose = push_button(self.tr("Choose…"), self.choose_models_dir)
        self.open_models_dir = push_button(
            self.tr("Open folder"), lambda: self.open_folder(self.models_dir_path())
        )
        models_layout.addWidget(
            side_by_side(self.models_dir, choose, self.open_models_dir, stretch_at=0)
        )
        models_layout.addWidget(
            note_label(self.tr("Where models are kept. A change applies after a restart."))
        )
        layout.addWidget(models_box)
        hub_box = QGroupBox(self.tr("Model hub address"))
        hub_layout = QVBoxLayout(hub_box)
        self.hub_endpoint = QLineEdit()
        self.hub_endpoint.setPlaceholderText("https://huggingface.co")
        hub_layout.addWidget(self.hub_endpoint)
        hub_layout.addWidget(
            note_label(
                self.tr(
                    "Hugging Face or a mirror of it. Hearthside connects to it only when you "
                    "browse or download models."
                )
            )
        )
        layout.addWidget(hub_box)
        layout.addStretch(1)
        return page

    # Values ----------------------------------------------------------------------------------

    @property
    def default_models_dir(self) -> Path:
        return self.data_dir / "models"

    def models_dir_path(self) -> Path:
        text = self.models_dir.text().strip()
        return Path(text).expanduser() if text else self.default_models_dir

    def _fill(self) -> None:
        get = self._settings.get
        language = str(get("app.language"))
        if self.language.findData(language) < 0:
            self.language.addItem(language, language)  # a hand-edited value stays as it is
        show_settings(self._editors, get)
        for page in self.pages:
            page.fill()
        self.hub_endpoint.setText(str(get("hub.endpoint")))

    def values(self) -> dict[str, object]:
        return {
            **settings_values(self._editors),
            **{key: value for page in self.pages for key, value in page.values().items()},
            "hub.endpoint": self.hub_endpoint.text().strip().rstrip("/")
            or "https://huggingface.co",
        }

    def problem(self, values: dict[str, object]) -> str | None:
        """Why the values cannot be saved, in words for the user; None when they can."""
        for page in self.pages:
            problem = page.problem(values)
            if problem is not None:
                return problem
        url = urlsplit(str(values["hub.endpoint"]))
        if url.scheme not in ("http", "https") or not url.netloc:
            return self.tr(
                "The model hub address must start with https:// (or http://) and name a server."
            )
        models_dir = str(values["library.models_dir"])
        if models_dir and not Path(models_dir).expanduser().is_absolute():
            return self.tr("The models folder must be a full path, for example {example}.").format(
                example=str(self.default_models_dir)
            )
        return None

    def apply(self) -> bool:
        """Validates, saves and announces the settings; False (with a message) if invalid."""
        values = self.values()
        problem = self.problem(values)
        if problem is not None:
            self.error.setText(problem)
            self.error.show()
            return False
        self.error.hide()
        for key, value in values.items():
            self._settings.set(key, value)
        try:
            self._settings.save()
        except OSError as error:
            self.error.setText(
                self.tr("Settings could not be saved: {reason}").format(
                    reason=error.strerror or str(error)
                )
            )
            self.error.show()
            return False
        self.applied.emit()
        return True

    # Slots -----------------------------------------------------------------------------------

    def accept(self) -> None:
        if self.apply():
            super().accept()

    def on_buttons_clicked(self, button: QAbstractButton) -> None:
        if self.buttons.buttonRole(button) == QDialogButtonBox.ButtonRole.ApplyRole:
            self.apply()

    def choose_models_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, self.tr("Models folder"), str(self.models_dir_path())
        )
        if path:
            self.models_dir.setText(path)
