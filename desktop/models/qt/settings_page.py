"""Edit › Settings › Models: the defaults for models without their own settings.

The models feature gives this page to the shell's settings dialog (desktop/shell/feature.py's
SettingsPage): the load defaults show the hardware they were chosen from, so a user can see why
this computer gets, say, a 4096-token context.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.settings import Settings, parse_gpu_layers
from desktop.models.hardware import Defaults, Hardware, recommend
from desktop.models.qt.gpu_layers_box import GpuLayersBox
from desktop.models.qt.model_settings_dialog import ModelSettingsDialog
from desktop.qtkit.layout_rows import side_by_side
from desktop.qtkit.plain_text import note_label
from desktop.qtkit.push_button import push_button
from desktop.qtkit.setting_fields import settings_values, show_settings
from desktop.shell.feature import SettingsPageWidget

__all__ = ["ModelDefaultsPage"]


class ModelDefaultsPage(SettingsPageWidget):
    """The Models tab: this computer's facts, load defaults with their reasons, the default
    overflow strategy and typing preparation. A SettingsPage (desktop/shell/feature.py).

    Signals:
        None.
    """

    def __init__(self, settings: Settings, hardware: Hardware, parent: QWidget | None = None):
        super().__init__(parent)
        self._settings = settings
        self.hardware = hardware
        self.recommended: Defaults = recommend(hardware)
        self.more_dialog: ModelSettingsDialog | None = None
        self._build()

    # SettingsPage ------------------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("Models")

    def fill(self) -> None:
        show_settings(self._editors, self._settings.get)

    def values(self) -> dict[str, object]:
        return settings_values(self._editors)

    def problem(self, values: Mapping[str, object]) -> str | None:
        try:
            parse_gpu_layers(str(values["model.gpu_layers"]))
        except ValueError:
            return self.tr("GPU layers must be auto, all, none, or a whole number of layers.")
        from desktop.engine.rpc import parse_rpc_servers

        _, bad = parse_rpc_servers(str(values.get("engine.rpc_servers", "")))
        if bad:
            return self.tr(
                "RPC servers must be written host:port, separated by commas: {bad}"
            ).format(bad=", ".join(bad))
        return None

    # The page ----------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
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
        form.addRow(self.tr("Context length"), side_by_side(self.n_ctx, self.n_ctx_reason))
        self.gpu_layers = GpuLayersBox()
        self.gpu_layers_reason = self._reason(
            self.tr("{backend} offload works → GPU layers auto").format(backend=hw.backend)
            if hw.gpu_offload
            else self.tr("CPU-only llama.cpp → GPU layers none")
        )
        form.addRow(self.tr("GPU layers"), side_by_side(self.gpu_layers, self.gpu_layers_reason))
        self.threads = QSpinBox()
        self.threads.setRange(0, 512)
        self.threads.setSpecialValueText(self.tr("Automatic"))
        self.threads_reason = self._reason(
            self.tr("{cores} physical cores → %n threads", "", rec.threads).format(
                cores=hw.physical_cores
            )
            if hw.physical_cores
            else self.tr("%n threads found → %n threads", "", rec.threads)
        )
        form.addRow(self.tr("CPU threads"), side_by_side(self.threads, self.threads_reason))
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
        self.rpc_servers = QLineEdit()
        self.rpc_servers.setObjectName("rpcServers")
        self.rpc_servers.setPlaceholderText(self.tr("host:port, host:port (optional)"))
        self.rpc_servers.setToolTip(
            self.tr(
                "Other computers running llama.cpp's rpc-server: a model loaded next spreads its "
                "layers over them. Needs llama.cpp built with RPC; hearthside --diagnose says "
                "whether it is and whether each server answers."
            )
        )
        form.addRow(self.tr("RPC servers"), self.rpc_servers)
        buttons = QHBoxLayout()
        self.use_recommended = push_button(self.tr("Use recommended values"), self.fill_recommended)
        buttons.addWidget(self.use_recommended)
        self.more_defaults = push_button(
            self.tr("Sampling and system prompt…"),
            self.edit_more_defaults,
            tooltip=self.tr(
                "Default sampling settings and system prompt for models without their own"
            ),
        )
        buttons.addWidget(self.more_defaults)
        buttons.addStretch(1)
        form.addRow("", buttons)
        layout.addWidget(defaults)
        layout.addWidget(
            note_label(
                self.tr(
                    "A model you configured in Chat › Model settings keeps its own values. New "
                    "loading values apply the next time a model is loaded."
                )
            )
        )
        layout.addStretch(1)
        self._editors: dict[str, QWidget] = {
            "model.n_ctx": self.n_ctx,
            "model.gpu_layers": self.gpu_layers,
            "model.threads": self.threads,
            "chat.overflow": self.overflow,
            "chat.prepare_while_typing": self.prepare_while_typing,
            "engine.rpc_servers": self.rpc_servers,
        }
        """The editor of each setting on the page."""

    def fill_recommended(self) -> None:
        self.n_ctx.setValue(self.recommended.n_ctx)
        self.gpu_layers.set_value(self.recommended.gpu_layers)
        self.threads.setValue(self.recommended.threads)

    def edit_more_defaults(self) -> None:
        """The per-model dialog without a model edits the global values: the defaults."""
        dialog = ModelSettingsDialog(
            self._settings,
            None,
            self.tr("models without their own settings"),
            self.hardware.gpu_offload,
            self.window(),
        )
        self.more_dialog = dialog
        dialog.accepted.connect(self.reload_load_defaults)
        dialog.open()

    def reload_load_defaults(self) -> None:
        load = ("model.n_ctx", "model.gpu_layers", "model.threads")
        show_settings({key: self._editors[key] for key in load}, self._settings.get)

    @staticmethod
    def _reason(text: str) -> QLabel:
        label = QLabel(text)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, still 4.5:1
        return label
