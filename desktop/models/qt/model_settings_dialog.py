"""The per-model settings dialog: load options, sampling and the system prompt."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.settings import Settings, parse_gpu_layers
from desktop.models.qt.gpu_layers_box import GpuLayersBox
from desktop.qtkit.dialog_buttons import ok_cancel_buttons
from desktop.qtkit.plain_text import plain_tooltip
from desktop.qtkit.setting_fields import settings_values, show_settings
from desktop.qtkit.stylesheet import tidy_forms

LOAD_KEYS = (
    "model.n_ctx",
    "model.gpu_layers",
    "model.threads",
    "model.batch",
    "model.flash_attn",
    "model.mmap",
)


class ModelSettingsDialog(QDialog):
    """Edits the settings one model file keeps; `load_options_changed` says if a reload is due."""

    def __init__(
        self,
        settings: Settings,
        model_key: str | None,
        model_label: str,
        gpu_offload: bool,
        parent: QWidget | None = None,
        reasoning: tuple[str, bool] | None = None,
        effort_adjustable: bool = False,
        *,
        always_thinks: bool = False,
        context_limit: int = 0,
    ) -> None:
        """reasoning: (the loaded model's reasoning format, "" if it does not think, and whether
        its template can switch thinking off), or None when no model is loaded to ask;
        effort_adjustable: its template takes a reasoning effort; always_thinks: it thinks
        before every answer (a model that merely may think has no switch either);
        context_limit: the longest context the model was trained for (0: not known), which
        is also the most a load gives it.

        What the loaded model cannot change is shown as it is (the Think box of a model that
        never thinks is unchecked), and kept as it was set when the dialog is accepted."""
        super().__init__(parent)
        self._settings = settings
        self._model_key = model_key
        self._context_limit = context_limit
        self.load_options_changed = False
        self.setWindowTitle(self.tr("Model settings"))
        # Everything but OK/Cancel scrolls, so the dialog fits any screen (an 800×600 one, or
        # large text) with its buttons in reach; sizeHint asks for no more than the screen.
        self._body = QWidget()
        layout = QVBoxLayout(self._body)
        layout.setContentsMargins(0, 0, 0, 0)
        self._scroll = QScrollArea()
        self._scroll.setWidget(self._body)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.addWidget(self._scroll)
        title = QLabel(self.tr("Settings for {model}").format(model=model_label))
        title.setTextFormat(Qt.TextFormat.PlainText)  # the model's name, from its file
        title.setWordWrap(True)
        layout.addWidget(title)

        load_box = QGroupBox(self.tr("Loading (applies when the model is loaded again)"))
        load_form = QFormLayout(load_box)
        self.n_ctx = QSpinBox()
        self.n_ctx.setRange(min(256, context_limit or 256), context_limit or 1_048_576)
        self.n_ctx.setSingleStep(1024)
        self.n_ctx.setSuffix(self.tr(" tokens"))
        load_form.addRow(self.tr("Context length"), self.n_ctx)
        if context_limit:
            self.n_ctx.setToolTip(
                plain_tooltip(
                    self.tr(
                        "This model was trained for up to {n} tokens; a load gives it no more."
                    ).format(n=f"{context_limit:,}")
                )
            )
        self.gpu_layers = GpuLayersBox()
        self.gpu_layers.setToolTip(
            self.tr("auto, all, none, or a number of layers")
            if gpu_offload
            else self.tr("This build of llama.cpp runs on the CPU only; GPU layers have no effect.")
        )
        load_form.addRow(self.tr("GPU layers"), self.gpu_layers)
        self.threads = QSpinBox()
        self.threads.setRange(0, 512)
        self.threads.setSpecialValueText(self.tr("Automatic"))
        load_form.addRow(self.tr("CPU threads"), self.threads)
        self.batch = QSpinBox()
        self.batch.setRange(16, 8192)
        load_form.addRow(self.tr("Batch size"), self.batch)
        self.flash_attn = QCheckBox(self.tr("Use flash attention where supported"))
        load_form.addRow("", self.flash_attn)
        self.mmap = QCheckBox(self.tr("Map the model file into memory (mmap)"))
        load_form.addRow("", self.mmap)
        boxes = QHBoxLayout()  # side by side: the dialog fits a 768-pixel screen
        boxes.addWidget(load_box)
        layout.addLayout(boxes)

        sampling_box = QGroupBox(self.tr("Sampling"))
        sampling_form = QFormLayout(sampling_box)
        self.temperature = self._double(0.0, 5.0, 0.05)
        sampling_form.addRow(self.tr("Temperature"), self.temperature)
        self.top_p = self._double(0.0, 1.0, 0.01)
        sampling_form.addRow(self.tr("Top-p"), self.top_p)
        self.top_k = QSpinBox()
        self.top_k.setRange(0, 1000)
        sampling_form.addRow(self.tr("Top-k"), self.top_k)
        self.min_p = self._double(0.0, 1.0, 0.01)
        sampling_form.addRow(self.tr("Min-p"), self.min_p)
        self.repeat_penalty = self._double(0.5, 3.0, 0.05)
        sampling_form.addRow(self.tr("Repeat penalty"), self.repeat_penalty)
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(1, 1_000_000)
        sampling_form.addRow(self.tr("Max tokens"), self.max_tokens)
        self.seed = QSpinBox()
        self.seed.setRange(-1, 2_147_483_647)
        self.seed.setSpecialValueText(self.tr("Random"))
        sampling_form.addRow(self.tr("Seed"), self.seed)
        boxes.addWidget(sampling_box)

        thinking_box = QGroupBox(self.tr("Thinking"))
        thinking_form = QFormLayout(thinking_box)
        self.thinking = QCheckBox(self.tr("Think before answering"))
        thinking_form.addRow("", self.thinking)
        self.thinking_budget = QSpinBox()
        self.thinking_budget.setRange(0, 1_000_000)
        self.thinking_budget.setSingleStep(256)
        self.thinking_budget.setSpecialValueText(self.tr("No limit"))
        self.thinking_budget.setSuffix(self.tr(" tokens"))
        self.thinking_budget.setToolTip(
            self.tr("When the model has thought this long, it is made to answer.")
        )
        thinking_form.addRow(self.tr("Thinking budget"), self.thinking_budget)
        self.effort = QComboBox()
        for value, label in (
            ("", self.tr("Model default")),
            ("low", self.tr("Low")),
            ("medium", self.tr("Medium")),
            ("high", self.tr("High")),
        ):
            self.effort.addItem(label, value)
        self.effort.setToolTip(
            self.tr(
                "How much the model thinks before answering, for models whose template takes "
                "a reasoning effort (gpt-oss)."
            )
        )
        thinking_form.addRow(self.tr("Reasoning effort"), self.effort)
        self.thinking_note = QLabel(
            self._thinking_note(reasoning, effort_adjustable, always_thinks)
        )
        self.thinking_note.setTextFormat(Qt.TextFormat.PlainText)
        self.thinking_note.setWordWrap(True)
        self.thinking_note.setVisible(bool(self.thinking_note.text()))
        thinking_form.addRow(self.thinking_note)
        self._fixed_thinking: Qt.CheckState | None = None  # what the model decides, shown
        if reasoning is not None and not reasoning[1]:
            self.thinking.setEnabled(False)
            if not reasoning[0]:
                self._fixed_thinking = Qt.CheckState.Unchecked
            elif always_thinks:
                self._fixed_thinking = Qt.CheckState.Checked
            else:
                self.thinking.setTristate(True)
                self._fixed_thinking = Qt.CheckState.PartiallyChecked
        if reasoning is not None and not reasoning[0]:
            self.thinking_budget.setEnabled(False)
        if reasoning is not None and not effort_adjustable:
            self.effort.setEnabled(False)
        layout.addWidget(thinking_box)

        layout.addWidget(QLabel(self.tr("System prompt")))
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setPlaceholderText(self.tr("Instructions sent before every message"))
        self.system_prompt.setFixedHeight(90)
        layout.addWidget(self.system_prompt)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self._buttons = ok_cancel_buttons(self)
        outer.addWidget(self._buttons)
        self._editors: dict[str, QWidget] = {
            "model.n_ctx": self.n_ctx,
            "model.gpu_layers": self.gpu_layers,
            "model.threads": self.threads,
            "model.batch": self.batch,
            "model.flash_attn": self.flash_attn,
            "model.mmap": self.mmap,
            "sampling.temperature": self.temperature,
            "sampling.top_p": self.top_p,
            "sampling.top_k": self.top_k,
            "sampling.min_p": self.min_p,
            "sampling.repeat_penalty": self.repeat_penalty,
            "sampling.max_tokens": self.max_tokens,
            "sampling.seed": self.seed,
            "chat.system_prompt": self.system_prompt,
            "reasoning.budget": self.thinking_budget,
            "reasoning.effort": self.effort,
        }
        """The editor of each setting but Think, which the model may decide (_fixed_thinking)."""
        tidy_forms(self)
        self._fill()

    def sizeHint(self) -> QSize:
        """All of the settings without scrolling where the screen has room; else as tall as
        the screen allows (the rest scrolls)."""
        margins = self.layout().contentsMargins()
        spacing = max(0, self.layout().spacing())
        body = self._body.sizeHint()
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        width = body.width() + bar + margins.left() + margins.right()
        height = (
            body.height()
            + spacing
            + self._buttons.sizeHint().height()
            + margins.top()
            + margins.bottom()
        )
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            width = min(width, room.width() - 40)
            height = min(height, room.height() - 60)  # the title bar and a margin
        return QSize(width, height)

    def _thinking_note(
        self, reasoning: tuple[str, bool] | None, effort_adjustable: bool, always_thinks: bool
    ) -> str:
        if reasoning is None:
            return ""
        kind, switchable = reasoning
        if not kind:
            return self.tr("This model does not think before answering.")
        if switchable:
            return ""
        if not always_thinks:
            return self.tr(
                "This model may think before answering when it chooses to; its template has "
                "no switch for it."
            )
        if effort_adjustable:
            return self.tr("This model always thinks first; the reasoning effort sets how much.")
        return self.tr("This model always thinks first; its template cannot turn it off.")

    def _stored_n_ctx(self) -> int:
        """The context a load would give: the setting, within what the model was trained for."""
        stored = int(self._get("model.n_ctx"))
        return min(stored, self._context_limit) if self._context_limit else stored

    @staticmethod
    def _double(low: float, high: float, step: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setDecimals(2)
        return box

    def _get(self, key: str) -> object:
        return self._settings.get(key, self._model_key)

    def _fill(self) -> None:
        show_settings(self._editors, self._get)
        self.n_ctx.setValue(self._stored_n_ctx())
        if self._fixed_thinking is not None:
            self.thinking.setCheckState(self._fixed_thinking)
        else:
            self.thinking.setChecked(bool(self._get("reasoning.enabled")))

    def _values(self) -> dict[str, object]:
        return settings_values(self._editors) | {
            "reasoning.enabled": self.thinking.isChecked()
            if self._fixed_thinking is None
            else bool(self._get("reasoning.enabled")),
        }

    def accept(self) -> None:
        values = self._values()
        try:
            parse_gpu_layers(str(values["model.gpu_layers"]))
        except ValueError:
            self.error.setText(
                self.tr("GPU layers must be auto, all, none, or a whole number of layers.")
            )
            self.error.show()
            return
        before = {key: self._get(key) for key in LOAD_KEYS} | {"model.n_ctx": self._stored_n_ctx()}
        self.load_options_changed = any(values[k] != before[k] for k in LOAD_KEYS)
        for key, value in values.items():
            if key == "model.n_ctx" and value == before[key]:
                continue  # unchanged, perhaps only shown within the model's limit: kept as set
            self._settings.set(key, value, self._model_key)
        self._settings.save()
        super().accept()
