"""Edit › Settings: appearance, language, defaults for models, folders and the hub endpoint.

Everything here is a declared global setting (desktop/core/settings.py); per-model values stay
in Chat › Model settings. The defaults for loading a model show the hardware they were chosen
from, so a user can see why this computer gets, say, a 4096-token context.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.settings import Settings, parse_gpu_layers
from desktop.models.hardware import Defaults, Hardware, recommend
from desktop.models.qt.model_settings_dialog import ModelSettingsDialog


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
        hardware: Hardware,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.hardware = hardware
        self.recommended: Defaults = recommend(hardware)
        self.data_dir = settings.path.parent
        self.open_folder: Callable[[Path], None] = open_folder
        """Opens a folder in the file manager; tests replace it so nothing launches."""
        self.setWindowTitle(self.tr("Settings"))
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_appearance(), self.tr("Appearance"))
        self.tabs.addTab(self._build_models(), self.tr("Models"))
        self.tabs.addTab(self._build_folders(), self.tr("Folders and downloads"))
        layout.addWidget(self.tabs)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.clicked.connect(self.on_buttons_clicked)
        layout.addWidget(self.buttons)
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
        self.font_size = QSpinBox()
        self.font_size.setRange(0, 32)
        self.font_size.setSpecialValueText(self.tr("System default"))
        self.font_size.setSuffix(self.tr(" pt"))
        form.addRow(self.tr("Text size"), self.font_size)
        self.language = QComboBox()
        self.language.addItem(self.tr("Follow the system"), "system")
        # Each language is named in itself, so it can be found whatever the interface shows.
        self.language.addItem("English", "en")
        self.language.addItem("简体中文", "zh_CN")
        form.addRow(self.tr("Language"), self.language)
        note = QLabel(
            self.tr(
                "English and 简体中文 (Simplified Chinese). A new language takes effect the "
                "next time Hearthside starts."
            )
        )
        note.setWordWrap(True)
        note.setEnabled(False)  # the palette's muted text colour
        form.addRow("", note)
        return page

    def _build_models(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        hw = self.hardware
        facts = QGroupBox(self.tr("This computer"))
        facts_form = QFormLayout(facts)
        ram = self.tr("{n} GB").format(n=hw.ram_gb) if hw.ram_gb is not None else self.tr("unknown")
        facts_form.addRow(self.tr("Memory (RAM)"), QLabel(ram))
        cores = (
            self.tr("{cores} cores, {threads} threads").format(
                cores=hw.physical_cores, threads=hw.logical_threads
            )
            if hw.physical_cores
            else self.tr("{threads} threads").format(threads=hw.logical_threads)
        )
        facts_form.addRow(self.tr("Processor"), QLabel(cores))
        offload = (
            self.tr("{backend}: yes").format(backend=hw.backend)
            if hw.gpu_offload
            else self.tr("no (this llama.cpp build runs on the CPU only)")
        )
        facts_form.addRow(self.tr("GPU offload"), QLabel(offload))
        layout.addWidget(facts)

        defaults = QGroupBox(self.tr("Defaults for models without their own settings"))
        form = QFormLayout(defaults)
        rec = self.recommended
        self.n_ctx = QSpinBox()
        self.n_ctx.setRange(256, 1_048_576)
        self.n_ctx.setSingleStep(1024)
        self.n_ctx.setSuffix(self.tr(" tokens"))
        self.n_ctx_reason = self._reason(
            self.tr("{ram} GB RAM → context {n}").format(ram=hw.ram_gb, n=rec.n_ctx)
            if hw.ram_gb is not None
            else self.tr("RAM unknown → context {n}").format(n=rec.n_ctx)
        )
        form.addRow(self.tr("Context length"), self._with_reason(self.n_ctx, self.n_ctx_reason))
        self.gpu_layers = QComboBox()
        self.gpu_layers.setEditable(True)
        self.gpu_layers.addItems(["auto", "all", "none"])
        self.gpu_layers_reason = self._reason(
            self.tr("{backend} offload works → GPU layers auto").format(backend=hw.backend)
            if hw.gpu_offload
            else self.tr("CPU-only llama.cpp → GPU layers none")
        )
        form.addRow(
            self.tr("GPU layers"), self._with_reason(self.gpu_layers, self.gpu_layers_reason)
        )
        self.threads = QSpinBox()
        self.threads.setRange(0, 512)
        self.threads.setSpecialValueText(self.tr("Automatic"))
        self.threads_reason = self._reason(
            self.tr("{cores} physical cores → {n} threads").format(
                cores=hw.physical_cores, n=rec.threads
            )
            if hw.physical_cores
            else self.tr("{n} threads found → {n} threads").format(n=rec.threads)
        )
        form.addRow(self.tr("CPU threads"), self._with_reason(self.threads, self.threads_reason))
        self.overflow = QComboBox()
        self.overflow.setObjectName("defaultOverflow")
        self.overflow.addItem(self.tr("Leave out the oldest turns"), "drop")
        self.overflow.addItem(self.tr("Summarize the oldest turns"), "summarize")
        self.overflow.setToolTip(
            self.tr(
                "What a new conversation does when it no longer fits the context window. "
                "Each conversation can change it under the message box."
            )
        )
        form.addRow(self.tr("Long conversations"), self.overflow)
        self.prepare_while_typing = QCheckBox(self.tr("Start on the reply while I type"))
        self.prepare_while_typing.setObjectName("prepareWhileTyping")
        self.prepare_while_typing.setToolTip(
            self.tr(
                "The model reads your message as you type it, so its reply starts as soon as "
                "you send. It uses the processor (or GPU) while you type."
            )
        )
        form.addRow(self.tr("Typing"), self.prepare_while_typing)
        buttons = QHBoxLayout()
        self.use_recommended = QPushButton(self.tr("Use recommended values"))
        self.use_recommended.clicked.connect(self.fill_recommended)
        buttons.addWidget(self.use_recommended)
        self.more_defaults = QPushButton(self.tr("Sampling and system prompt…"))
        self.more_defaults.setToolTip(
            self.tr("Default sampling settings and system prompt for models without their own")
        )
        self.more_defaults.clicked.connect(self.edit_more_defaults)
        buttons.addWidget(self.more_defaults)
        buttons.addStretch(1)
        form.addRow("", buttons)
        layout.addWidget(defaults)
        note = QLabel(
            self.tr(
                "A model you configured in Chat › Model settings keeps its own values. New "
                "loading values apply the next time a model is loaded."
            )
        )
        note.setWordWrap(True)
        note.setEnabled(False)
        layout.addWidget(note)
        layout.addStretch(1)
        return page

    def _build_folders(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        data_box = QGroupBox(self.tr("Data folder"))
        data_layout = QVBoxLayout(data_box)
        self.data_dir_edit = QLineEdit(str(self.data_dir))
        self.data_dir_edit.setReadOnly(True)
        self.open_data_dir = QPushButton(self.tr("Open folder"))
        self.open_data_dir.clicked.connect(lambda: self.open_folder(self.data_dir))
        data_layout.addWidget(self._row(self.data_dir_edit, self.open_data_dir))
        data_layout.addWidget(
            self._note(
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
        choose = QPushButton(self.tr("Choose…"))
        choose.clicked.connect(self.choose_models_dir)
        self.open_models_dir = QPushButton(self.tr("Open folder"))
        self.open_models_dir.clicked.connect(lambda: self.open_folder(self.models_dir_path()))
        models_layout.addWidget(self._row(self.models_dir, choose, self.open_models_dir))
        models_layout.addWidget(
            self._note(self.tr("Where models are kept. A change applies after a restart."))
        )
        layout.addWidget(models_box)
        hub_box = QGroupBox(self.tr("Model hub address"))
        hub_layout = QVBoxLayout(hub_box)
        self.hub_endpoint = QLineEdit()
        self.hub_endpoint.setPlaceholderText("https://huggingface.co")
        hub_layout.addWidget(self.hub_endpoint)
        hub_layout.addWidget(
            self._note(
                self.tr(
                    "Hugging Face or a mirror of it. Hearthside connects to it only when you "
                    "browse or download models."
                )
            )
        )
        layout.addWidget(hub_box)
        layout.addStretch(1)
        return page

    @staticmethod
    def _note(text: str) -> QLabel:
        """Explanations in the palette's muted text colour."""
        label = QLabel(text)
        label.setWordWrap(True)
        label.setEnabled(False)
        return label

    @staticmethod
    def _reason(text: str) -> QLabel:
        label = QLabel(text)
        label.setEnabled(False)
        return label

    @staticmethod
    def _with_reason(field: QWidget, reason: QLabel) -> QWidget:
        return AppSettingsDialog._row(field, reason, stretch_first=False)

    @staticmethod
    def _row(first: QWidget, *rest: QWidget, stretch_first: bool = True) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(first, 1 if stretch_first else 0)
        for widget in rest:
            layout.addWidget(widget)
        if not stretch_first:
            layout.addStretch(1)
        return row

    # Values ----------------------------------------------------------------------------------

    @property
    def default_models_dir(self) -> Path:
        return self.data_dir / "models"

    def models_dir_path(self) -> Path:
        text = self.models_dir.text().strip()
        return Path(text).expanduser() if text else self.default_models_dir

    def _fill(self) -> None:
        get = self._settings.get
        self._select(self.theme, str(get("appearance.theme")))
        self.font_size.setValue(int(get("appearance.font_size")))
        language = str(get("app.language"))
        if self.language.findData(language) < 0:
            self.language.addItem(language, language)  # a hand-edited value stays as it is
        self._select(self.language, language)
        self.n_ctx.setValue(int(get("model.n_ctx")))
        self.gpu_layers.setCurrentText(str(get("model.gpu_layers")))
        self.threads.setValue(int(get("model.threads")))
        self._select(self.overflow, str(get("chat.overflow")))
        self.prepare_while_typing.setChecked(bool(get("chat.prepare_while_typing")))
        self.models_dir.setText(str(get("library.models_dir")))
        self.hub_endpoint.setText(str(get("hub.endpoint")))

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(0, index))

    def fill_recommended(self) -> None:
        self.n_ctx.setValue(self.recommended.n_ctx)
        self.gpu_layers.setCurrentText(self.recommended.gpu_layers)
        self.threads.setValue(self.recommended.threads)

    def values(self) -> dict[str, object]:
        return {
            "appearance.theme": self.theme.currentData(),
            "appearance.font_size": self.font_size.value(),
            "app.language": self.language.currentData(),
            "model.n_ctx": self.n_ctx.value(),
            "model.gpu_layers": self.gpu_layers.currentText().strip().lower(),
            "model.threads": self.threads.value(),
            "chat.overflow": self.overflow.currentData(),
            "chat.prepare_while_typing": self.prepare_while_typing.isChecked(),
            "library.models_dir": self.models_dir.text().strip(),
            "hub.endpoint": self.hub_endpoint.text().strip().rstrip("/")
            or "https://huggingface.co",
        }

    def problem(self, values: dict[str, object]) -> str | None:
        """Why the values cannot be saved, in words for the user; None when they can."""
        try:
            parse_gpu_layers(str(values["model.gpu_layers"]))
        except ValueError:
            return self.tr("GPU layers must be auto, all, none, or a whole number of layers.")
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

    def edit_more_defaults(self) -> None:
        """The per-model dialog without a model edits the global values: the defaults."""
        dialog = ModelSettingsDialog(
            self._settings,
            None,
            self.tr("models without their own settings"),
            self.hardware.gpu_offload,
            self,
        )
        self.more_dialog = dialog
        dialog.accepted.connect(self._reload_load_defaults)
        dialog.open()

    def _reload_load_defaults(self) -> None:
        get = self._settings.get
        self.n_ctx.setValue(int(get("model.n_ctx")))
        self.gpu_layers.setCurrentText(str(get("model.gpu_layers")))
        self.threads.setValue(int(get("model.threads")))
