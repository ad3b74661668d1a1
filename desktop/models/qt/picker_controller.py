"""The model picker's wiring: what its drop-down lists and what it and the status bar show.

Split from :class:`desktop.models.qt.feature.ModelsFeature` (issue 15: no class over ~400
lines), which owns the loads; this class fills the picker (desktop/models/qt/picker.py) from the
recent models, the library and other features' :class:`desktop.models.picker.PickerSource`
(the remote servers'), mirrors them in the manager's Library tab, and shows a load's name,
progress, result or failure in the picker and the backend in the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from desktop.core.remote import split_remote_locator
from desktop.core.settings import Settings
from desktop.engine.starter import STARTER_DISPLAY_NAME, starter_installed
from desktop.models.picker import (
    PickerEntry,
    PickerSection,
    PickerSource,
    locator_entry,
    parse_recent,
    size_text,
)
from desktop.models.qt.model_messages import ModelMessages
from desktop.models.qt.picker import ModelPicker
from desktop.models.settings_map import library_models
from desktop.shell.feature import Shell

if TYPE_CHECKING:
    from desktop.models.qt.manager import ModelManager

__all__ = ["PickerController", "same_model_key"]


class PickerController(QObject):
    """The picker at the top of the chat and the backend label, for one models feature.

    Made with the feature (other features add their sources before the window is built); its
    widgets are made by :meth:`install`. The feature loads what the picker asks
    (``picker.load_requested``) and tells this class how a load went.

    Signals:
        None.
    """

    def __init__(
        self,
        session: Any,
        settings: Settings,
        messages: ModelMessages,
        show_manager: Callable[[], object],
        manager: Callable[[], ModelManager | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        """The chat session (the feature's ModelSession): the loaded model's info."""
        self.settings = settings
        self.messages = messages
        self.show_manager = show_manager
        """Opens the model manager (*Manage models…*)."""
        self.manager = manager
        """The model manager, or None before it first opens."""
        self.sources: list[PickerSource] = []
        """Other features' models in the picker (the remote servers'); see add_source."""

    def install(self, shell: Shell, open_action: QAction, starter_action: QAction) -> None:
        """The picker at the top of the chat page; the backend in the status bar. The drop-down
        ends with ``open_action``, *Manage models…* and (when installed) ``starter_action``."""
        self.open_action = open_action
        self.starter_action = starter_action
        self.picker = ModelPicker()
        self.picker.menu.aboutToShow.connect(self.fill_model_menu)
        self.picker.cancel_requested.connect(self.session.cancel_load)
        self.manage_action = QAction(self.tr("Manage models…"), self)
        self.manage_action.triggered.connect(lambda: self.show_manager())
        shell.add_to_chat_page("header", self.picker)
        self.backend_label = QLabel()
        self.backend_label.setTextFormat(Qt.TextFormat.PlainText)  # a server's host name
        shell.add_status_widget("backend", self.backend_label)
        self.session.load_progress.connect(self.on_session_load_progress)

    def add_source(self, source: PickerSource) -> None:
        """Adds another feature's models to the picker (the remote servers', by the app)."""
        self.sources.append(source)
        source.sections_changed.connect(self.on_source_changed)

    @Slot()
    def on_source_changed(self) -> None:
        """A source's models arrived: an open drop-down shows them at once."""
        if self.picker.menu.isVisible():
            self.fill_model_menu(refresh=False)
        self.show_server_models(refresh=False)

    def show_server_models(self, refresh: bool = True) -> None:
        """The Library tab lists the servers' models beside the files (as the picker does);
        ``refresh``: the sources ask their servers again where their answer is stale."""
        manager = self.manager()
        if manager is None:
            return
        if refresh:
            for source in self.sources:
                source.refresh_picker()
        sections = [s for source in self.sources for s in source.picker_sections()]
        manager.library.servers.show_sections(sections)

    def fill_model_menu(self, refresh: bool = True) -> None:
        """Builds the picker's drop-down when it opens, so it shows the models as they are;
        the sources ask their servers again (off the GUI thread) where their answer is stale."""
        if refresh:
            for source in self.sources:
                source.refresh_picker()
        tail = [self.open_action, self.manage_action]
        if starter_installed():
            tail.append(self.starter_action)
        self.picker.fill_menu(self.picker_sections(), self.is_loaded, tail)

    def picker_sections(self) -> list[PickerSection]:
        """Recent models, then the library's others, then the sources' (servers')."""
        recent = [
            entry
            for entry in map(locator_entry, parse_recent(str(self.settings.get("model.recent"))))
            if entry is not None
        ]
        shown = {same_model_key(entry.locator) for entry in recent}
        library = []
        for path in library_models(self.settings):
            if same_model_key(str(path)) in shown:
                continue
            try:
                size = size_text(path.stat().st_size)
            except OSError:
                size = ""
            library.append(PickerEntry(str(path), path.name, size))
        sections = [
            PickerSection(self.tr("Recent"), tuple(recent)),
            PickerSection(self.tr("In your library"), tuple(library)),
        ]
        for source in self.sources:
            sections.extend(source.picker_sections())
        return sections

    def is_loaded(self, locator: str) -> bool:
        """Whether ``locator`` names the loaded model (a file by its real path)."""
        loaded = self.session.model_info
        return loaded is not None and same_model_key(loaded.path) == same_model_key(locator)

    # How a load goes -------------------------------------------------------------------------

    def show_loading(self, path: str) -> None:
        """The picker names the model being loaded (``path`` as asked for)."""
        self.picker.set_loading(self.short_name(path))

    @Slot(float)
    def on_session_load_progress(self, fraction: float) -> None:
        self.picker.set_progress(fraction)

    def show_current_model(self) -> None:
        """The picker shows the loaded model again (a load ended), or "Choose a model"."""
        info = self.session.model_info
        if info is None:
            self.picker.set_none()
        else:
            self.picker.set_model(
                self.messages.picker_label(info), self.messages.tooltip(info), info.is_demo
            )

    def show_loaded(self, info: Any) -> None:
        """A model was loaded: the picker names it, the status bar where it runs."""
        self.show_current_model()
        self.picker.set_failed("", "")
        offload = (
            self.tr("{backend}, GPU offload").format(backend=info.backend)
            if info.gpu_layers != 0 and info.gpu_offload
            else info.backend
        )
        if info.host:  # a server's model: where the chat runs, never this computer
            offload = self.tr("On {host}").format(host=info.host)
        self.backend_label.setText(offload)

    def show_unloaded(self) -> None:
        """No model: the picker says "Choose a model", the status bar no backend."""
        self.picker.set_none()
        self.backend_label.clear()

    def show_failed(self, path: str, text: str) -> None:
        """The load of ``path`` failed for the reason ``text`` (the picker's tooltip)."""
        self.picker.set_failed(self.short_name(path), text)

    @staticmethod
    def short_name(path: str) -> str:
        """What the picker calls a model it has no ModelInfo of (one loading, or one that
        failed): the file's name, a server model's id, or the starter's name for ""."""
        parts = split_remote_locator(path)
        if parts is not None:
            return parts[1]
        return Path(path).name or STARTER_DISPLAY_NAME.removesuffix(" (demo)")


def same_model_key(locator: str) -> str:
    """A locator as compared with another: a file by its real path, a server's model as is."""
    if not locator or split_remote_locator(locator) is not None:
        return locator
    try:
        return str(Path(locator).resolve())
    except OSError:
        return locator
