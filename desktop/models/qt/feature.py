"""The models feature in the window: choosing, loading and configuring the model.

Installs into the shell (desktop/shell/feature.py): the welcome page, the Model entries of the
File menu (Models…, Open model file…, the starter model, Unload) and Chat › Model settings…;
the model picker at the top of the chat (the current model and its load's state, a drop-down of
recent, library and other features' models: desktop/models/qt/picker.py, wired by
desktop/models/qt/picker_controller.py) and the backend in
the status bar; the offer to load the model a reopened chat used; GGUF files dropped on the
window; the Models tab of Edit › Settings; the model's lines in About. What a load and a reply
use is read from the settings (global and per model) by
:class:`desktop.models.settings_map.SettingsMap`.

It talks to the chat session only through the session's public signals and methods (typed here
as :class:`ModelSession`), and makes the chat's settings value with a factory the app passes in,
so it imports nothing of the chat feature. Other features add models to the picker through the
:class:`desktop.models.picker.PickerSource` protocol (the app wires the remote servers').
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from desktop.core.remote import is_remote_locator, remote_label
from desktop.core.settings import Settings
from desktop.engine.llama import LoadOptions
from desktop.engine.starter import starter_installed
from desktop.models.picker import (
    PickerSource,
    parse_recent,
    remember_recent,
)
from desktop.models.qt.model_messages import ModelMessages
from desktop.models.qt.picker_controller import PickerController
from desktop.models.qt.recommended import RecommendedModel, cores_without_gpu
from desktop.models.qt.services import (
    DOWNLOADS_TAB,
    LIBRARY_TAB,
    ModelServices,
    dropped_models,
)
from desktop.models.qt.welcome_page import WelcomePage
from desktop.models.settings_map import SettingsMap, model_key, models_folder
from desktop.qtkit.file_dialogs import choose_open_file
from desktop.qtkit.notice_bar import NoticeBar
from desktop.shell.feature import Shell, add_command

if TYPE_CHECKING:
    from desktop.models.qt.manager import ModelManager
    from desktop.models.qt.settings_page import ModelDefaultsPage

# The manager, the settings dialogs, the catalog's name parser and the hardware check are
# imported where first used: the first frame needs none of them (tests/e2e/test_startup.py).

__all__ = ["ModelSession", "ModelsFeature"]


class ModelSession(Protocol):
    """What this feature uses of the chat session (desktop/chat/qt/session.py's ChatSession)."""

    model_info: Any
    settings: Any
    is_loading: bool
    loading_changed: Any
    load_progress: Any
    model_changed: Any
    load_failed: Any
    conversation_opened: Any

    def load_model(self, path: str, options: LoadOptions) -> None: ...
    def unload_model(self) -> None: ...
    def cancel_load(self) -> None: ...
    def apply_conversation_settings(self) -> None: ...
    def remember_conversation_settings(self) -> None: ...


class ModelsFeature(QObject):
    """Loads and configures models for one session; made by the app, then installed once.

    Signals:
        None.
    """

    def __init__(
        self,
        session: ModelSession,
        settings: Settings,
        make_chat_settings: Callable[..., Any],
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.settings_map = SettingsMap(settings, make_chat_settings)
        """The settings as a load and a reply use them."""
        self.shell: Shell  # set by install()
        self.model_path = ""
        """The loaded model as the user asked for it; "" is the starter."""
        self._pending_path = ""  # the model being loaded
        self._offered_model = ""
        self._offer_waits_for: Any = None  # a chat opened during a load, offered after it
        self.model_services: ModelServices | None = None
        """Models folder and download queue, made when the manager first opens."""
        self.make_model_services: Callable[[], ModelServices] | None = None
        """The app's way to make them (with its download thread); without it, the manager
        makes services of its own that cannot download."""
        self.model_manager: ModelManager | None = None
        """Made the first time the user opens it (File › Models…)."""
        self.messages = ModelMessages(self)
        self.manager_tabs: list[tuple[Callable[[], QWidget], str]] = []
        """Tabs other features add to the model manager (the remote servers' tab), made with
        the manager; see add_manager_tab."""
        self.server_fault_text: Callable[[str, str, float | None], str] = (
            lambda fault, host, retry_after: f"{host}: {fault}"
        )
        """Words for a remote server's fault (the remote feature's, wired by desktop/app.py)."""
        self.recommended = RecommendedModel(
            lambda tab: self.show_model_manager(tab),
            # Asked once the backend is known (desktop/app.py offer_recommendation).
            cpu_only_cores=lambda: cores_without_gpu(self.shell.gpu_offload),
            parent=self,
        )
        """The curated model for this computer, which *Download a recommended model* opens."""
        self.picker_controller = PickerController(
            session, settings, self.messages, self.show_model_manager, self.current_manager, self
        )
        """The picker's drop-down and what it and the status bar show of a load."""

    def install(self, shell: Shell) -> None:
        """Puts the welcome page, the model actions and the status widgets into ``shell``."""
        self.shell = shell
        self.setParent(shell)
        self._build_actions(shell)
        self.welcome = WelcomePage()
        self.welcome_starter = self.welcome.starter_button
        self.welcome_open = self.welcome.open_button
        self.welcome_download = self.welcome.download_button
        self.welcome_starter.clicked.connect(self.load_starter)
        self.welcome_open.clicked.connect(self.choose_model_file)
        self.welcome_download.clicked.connect(self.recommended.open)
        shell.set_welcome_page(self.welcome)
        shell.add_to_chat_page("notices", self._build_offer_bar())
        self._build_picker(shell)
        shell.add_drop_target(self)
        shell.add_settings_page(self.make_settings_page)
        shell.add_about_part(self.about_lines)
        shell.open_requested.connect(self.load_model)
        session = self.session
        session.loading_changed.connect(self.on_session_loading_changed)
        session.model_changed.connect(self.on_session_model_changed)
        session.load_failed.connect(self.on_session_load_failed)
        session.conversation_opened.connect(self.on_session_conversation_opened)
        self.update_state()

    # Construction ----------------------------------------------------------------------------

    def _build_actions(self, shell: Shell) -> None:
        add = partial(add_command, shell)

        self.models_action = add(
            "file", "library", self.tr("&Models…"), lambda: self.show_model_manager(), "Ctrl+M"
        )
        self.open_action = add(
            "file",
            "model",
            self.tr("&Open model file…"),
            self.choose_model_file,
            QKeySequence.StandardKey.Open,
        )
        self.starter_action = add(
            "file", "model", self.tr("Use the &starter model"), self.load_starter
        )
        self.unload_action = add(
            "file", "model", self.tr("&Unload model"), self.session.unload_model
        )
        self.model_settings_action = add(
            "chat", "model", self.tr("&Model settings…"), self.edit_model_settings, "Ctrl+Shift+M"
        )
        # Not "Preferences" on macOS, where Qt would move any action named "settings" there.
        self.model_settings_action.setMenuRole(QAction.MenuRole.NoRole)

    def _build_offer_bar(self) -> QWidget:
        """'This chat used …': offered when a reopened chat used another model."""
        self.offer_bar = NoticeBar(wrap=False)
        self.offer_label = self.offer_bar.label
        self.offer_bar.add_button(self.tr("Load that model"), self.load_offered_model)
        self.offer_bar.add_button(self.tr("Keep the current one"), self.offer_bar.hide)
        return self.offer_bar

    def _build_picker(self, shell: Shell) -> None:
        """The model picker at the top of the chat page; the backend in the status bar."""
        controller = self.picker_controller
        controller.install(shell, self.open_action, self.starter_action)
        self.picker, self.backend_label = controller.picker, controller.backend_label
        self.manage_action = controller.manage_action
        self.picker.load_requested.connect(self.load_model)

    def make_settings_page(self, parent: QWidget) -> ModelDefaultsPage:
        """Edit › Settings › Models, with this computer's hardware (checked when it opens)."""
        from desktop.models.hardware import detect
        from desktop.models.qt.settings_page import ModelDefaultsPage

        backend = self.shell.backend
        hardware = detect(
            backend.backend if backend is not None else "CPU",
            backend.gpu_offload if backend is not None else self.shell.gpu_offload,
        )
        return ModelDefaultsPage(self.settings, hardware, parent)

    # Settings mapping ------------------------------------------------------------------------

    model_key = staticmethod(model_key)

    def load_options_for(self, path: str) -> LoadOptions:
        """How the model at ``path`` is loaded (:meth:`SettingsMap.load_options`)."""
        return self.settings_map.load_options(path, self._gpu_offload)

    def _gpu_offload(self) -> bool:
        shell = self.shell
        if shell.backend is None and shell.backend_pending:
            # "auto" asked for before the inference thread named the backend (a load in the
            # first moments after start): name it here rather than guess CPU.
            from desktop.engine.llama import backend_info

            shell.set_backend(backend_info())
        return shell.gpu_offload

    def chat_settings_for(self, path: str) -> Any:
        """What a reply with the model at ``path`` uses (the chat's ChatSettings)."""
        return self.settings_map.chat_settings(path)

    def loaded_chat_settings(self) -> Any:
        """The loaded model's chat settings; None without a model (the chat's protocol)."""
        if self.session.model_info is None:
            return None
        return self.chat_settings_for(self.model_path)

    # Commands --------------------------------------------------------------------------------

    def load_model(self, path: str) -> None:
        """Loads a GGUF file, or the starter model when `path` is empty."""
        self._pending_path = path
        self.session.load_model(path, self.load_options_for(path))

    def load_starter(self) -> None:
        self.load_model("")

    def choose_model_file(self) -> None:
        path = choose_open_file(
            self.shell,
            self.tr("Open model file"),
            self.tr("GGUF models (*.gguf);;All files (*)"),
            Path.home(),
        )
        if path is not None:
            self.load_model(str(path))

    def add_manager_tab(self, factory: Callable[[], QWidget], title: str) -> int:
        """Adds a tab to the model manager (made when it first opens); returns its index for
        show_model_manager. A tab with a ``load_requested(str)`` signal loads what it asks."""
        self.manager_tabs.append((factory, title))
        if self.model_manager is not None:
            self._add_tab(self.model_manager, factory, title)
        return DOWNLOADS_TAB + len(self.manager_tabs)

    @staticmethod
    def _add_tab(manager: ModelManager, factory: Callable[[], QWidget], title: str) -> None:
        widget = factory()
        manager.tabs.addTab(widget, title)
        load_requested = getattr(widget, "load_requested", None)
        if load_requested is not None:
            load_requested.connect(manager.request_load)

    def current_manager(self) -> ModelManager | None:
        """The model manager, or None before it first opens (the picker's Library mirror)."""
        return self.model_manager

    def show_model_manager(self, tab: int = LIBRARY_TAB) -> ModelManager:
        """Opens the model manager (made on first use) on ``tab``."""
        if self.model_manager is None:
            # Imported here: the manager's tabs pull in the hub client and the GGUF reader,
            # which the first frame does not need.
            from desktop.models.qt.manager import ModelManager

            if self.model_services is None and self.make_model_services is not None:
                self.model_services = self.make_model_services()
            if self.model_services is None:
                self.model_services = ModelServices(
                    self.settings, models_folder(self.settings), None, None, self.shell
                )
            self.model_manager = ModelManager(self.model_services, self.shell)
            self.model_manager.load_requested.connect(self.load_model)
            self.model_manager.library.set_loaded(loaded_file(self.session.model_info))
            for factory, title in self.manager_tabs:
                self._add_tab(self.model_manager, factory, title)
        self.model_manager.open_tab(tab)
        self.picker_controller.show_server_models()
        return self.model_manager

    def accepts(self, event: QDragEnterEvent | QDropEvent) -> bool:
        """A drop target of the shell: GGUF files."""
        return bool(dropped_models(event))

    def drop(self, event: QDropEvent) -> None:
        """A .gguf dropped on the window goes to the library, as if dropped on the manager."""
        self.show_model_manager(LIBRARY_TAB).dropEvent(event)

    def add_picker_source(self, source: PickerSource) -> None:
        """Adds another feature's models to the picker (the remote servers', by the app)."""
        self.picker_controller.add_source(source)

    def fill_model_menu(self, refresh: bool = True) -> None:
        """Builds the picker's drop-down (what opening it does): PickerController's."""
        self.picker_controller.fill_model_menu(refresh)

    def edit_model_settings(self) -> None:
        from desktop.models.qt.model_settings_dialog import ModelSettingsDialog

        info = self.session.model_info
        path = info.path if info is not None else self.model_path
        label = info.name if info is not None else self.tr("the next model you load")
        dialog = ModelSettingsDialog(
            self.settings,
            self.model_key(path) if (info is not None or path) else None,
            label,
            self.shell.gpu_offload,
            self.shell,
            reasoning=(info.reasoning, info.thinking_switchable) if info is not None else None,
            effort_adjustable=info is not None and info.effort_adjustable,
            always_thinks=info is not None and info.always_thinks,
            context_limit=info.n_ctx_train if info is not None else 0,
        )
        if dialog.exec() != ModelSettingsDialog.DialogCode.Accepted:
            return
        if info is not None:
            self.session.settings = self.chat_settings_for(path)
            self.session.remember_conversation_settings()
            if dialog.load_options_changed:
                answer = QMessageBox.question(
                    self.shell,
                    self.tr("Reload the model?"),
                    self.tr(
                        "The new loading settings apply when the model is loaded again. "
                        "Reload it now?"
                    ),
                )
                if answer == QMessageBox.StandardButton.Yes:
                    self.load_model("" if info.is_demo and not self.model_path else path)

    def load_offered_model(self) -> None:
        self.offer_bar.hide()
        if self._offered_model:
            self.load_model(self._offered_model)

    def about_lines(self) -> list[str]:
        """About's part: the loaded model and its license."""
        info = self.session.model_info
        if info is None:
            return [self.tr("No model loaded.")]
        return [
            self.tr("Model: {name}").format(name=info.name),
            self.tr("Model license: {license}").format(license=self.model_license()),
        ]

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

    # Session events --------------------------------------------------------------------------

    def update_state(self) -> None:
        self.unload_action.setEnabled(self.session.model_info is not None)
        self.model_settings_action.setEnabled(True)
        self.starter_action.setEnabled(starter_installed())

    @Slot(bool)
    def on_session_loading_changed(self, loading: bool) -> None:
        self.welcome.set_loading(
            self.picker_controller.short_name(self._pending_path) if loading else ""
        )
        if loading:
            self.picker_controller.show_loading(self._pending_path)
        else:
            self.picker_controller.show_current_model()
            # Loaded, failed or cancelled: the chat opened meanwhile may offer its model now.
            waiting, self._offer_waits_for = self._offer_waits_for, None
            if waiting is not None:
                self.offer_model_of(waiting)
        self.update_state()

    @Slot(object)
    def on_session_model_changed(self, info: Any) -> None:
        if info is None:
            self.picker_controller.show_unloaded()
            self.shell.set_banner("")
        else:
            self.model_path = self._pending_path
            self.session.settings = self.chat_settings_for(self.model_path)
            self.session.apply_conversation_settings()
            self.settings.set("model.path", self.model_path)
            recent = parse_recent(str(self.settings.get("model.recent")))
            self.settings.set("model.recent", "\n".join(remember_recent(recent, self.model_path)))
            try:
                self.settings.save()
            except OSError as error:
                self.shell.show_error(self.tr("Settings not saved"), str(error))
            self.picker_controller.show_loaded(info)
            self.shell.set_banner(self.messages.notes(info))
            if info.path == self._offered_model:  # chosen another way (picker, Servers tab)
                self.offer_bar.hide()
        if self.model_manager is not None:
            self.model_manager.library.set_loaded(loaded_file(self.session.model_info))
        self.update_state()

    @Slot(object)
    def on_session_load_failed(self, failure: Any) -> None:
        if failure.problem == "cancelled":
            return
        if failure.problem == "server":
            from desktop.core.remote import locator_host, split_remote_locator

            parts = split_remote_locator(failure.path)
            host = locator_host(parts[0]) if parts is not None else ""
            text = self.server_fault_text(failure.fault, host, None) + "\n\n" + failure.message
        else:
            text = self.messages.load_failure(failure)
        self.picker_controller.show_failed(failure.path, text)
        if self.session.model_info is not None:
            text += "\n\n" + self.tr("{name} is still loaded.").format(
                name=self.session.model_info.name
            )
        self.shell.show_error(self.tr("Could not load the model"), text)

    @Slot(object)
    def on_session_conversation_opened(self, summary: Any) -> None:
        """A reopened chat that used another model (still on disk) offers to load it. While no
        model is loaded or one loads (at start-up the last chat opens before its model has
        loaded) the offer waits for the next load's end: that model may well be the chat's."""
        self.offer_bar.hide()
        waits = self.session.is_loading or self.session.model_info is None
        self._offer_waits_for = summary if waits else None
        if self._offer_waits_for is None:
            self.offer_model_of(summary)

    def offer_model_of(self, summary: Any) -> None:
        """Shows the "This chat used …" bar if the open chat's model is not the loaded one."""
        self.offer_bar.hide()
        if summary is not None and summary.model_file:
            loaded = self.session.model_info
            wanted = Path(summary.model_file)
            if (loaded is None or loaded.path != summary.model_file) and is_remote_locator(
                summary.model_file
            ):
                # A chat on a server's model: offered, never reconnected on its own (nothing
                # leaves the computer unless the user says so).
                self._offered_model = summary.model_file
                self.offer_label.setText(
                    self.tr("This chat used {model}.").format(
                        model=remote_label(summary.model_file)
                    )
                )
                self.offer_bar.show()
            elif (loaded is None or Path(loaded.path) != wanted) and wanted.is_file():
                self._offered_model = str(wanted)
                self.offer_label.setText(
                    self.tr("This chat used {model}.").format(model=wanted.name)
                )
                self.offer_bar.show()


def loaded_file(info: Any) -> str:
    """The path of the model file ``info`` (the session's ModelInfo) names; "" for none or a
    server's model, which is not in the library."""
    if info is None or is_remote_locator(info.path):
        return ""
    return str(info.path)
