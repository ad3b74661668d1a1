"""The Browse tab: search Hugging Face for GGUF models, read the card, pick a file, download it.

Nothing here touches the network until the user opens the tab and picks or searches for
something: the curated starter list (``resources/starter_models.json``) shows without a request.
Every hub call (``engine.hub.HubClient``, blocking) runs on a
:class:`~desktop.qtkit.background_calls.BackgroundCalls` pool, tagged with a token so answers that
arrive after the user moved on are dropped. Model cards are untrusted Markdown: they are rendered
by ``core.markdown`` into a :class:`~desktop.qtkit.safe_text.SafeTextBrowser`, which loads no image
or other resource, and a link opens only after the user confirms.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFont, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop import resources_dir
from desktop.core.markdown import MarkdownLabels, render_markdown
from desktop.core.settings import Settings
from desktop.models.catalog import Fit, MachineMemory, ModelFacts
from desktop.models.hub import (
    DEFAULT_ENDPOINT,
    HubClient,
    HubError,
    HubModel,
    HubProblem,
    RemoteGguf,
    RemoteHeader,
    RepoFiles,
)
from desktop.models.qt.download_worker import DownloadFile, DownloadRequest
from desktop.models.qt.downloads_model import format_size
from desktop.models.qt.library_view import fit_colour, fit_text
from desktop.qtkit.background_calls import BackgroundCalls
from desktop.qtkit.list_model import ModelIndex
from desktop.qtkit.plain_text import ask_plain, plain_tooltip
from desktop.qtkit.row_table_model import RowTableModel
from desktop.qtkit.safe_text import SafeTextBrowser
from desktop.qtkit.theme import palette_is_dark

__all__ = [
    "STARTER_FILE",
    "CardBrowser",
    "HubBrowser",
    "HubResultsModel",
    "RepoFilesModel",
    "StarterListModel",
    "StarterModel",
    "load_starter_list",
]


STARTER_FILE = resources_dir() / "starter_models.json"


@dataclass(frozen=True, slots=True)
class StarterModel:
    repo_id: str
    file_hint: str
    size_class: str
    kind: str
    why: str


def load_starter_list(path: Path = STARTER_FILE) -> list[StarterModel]:
    """The curated list; an unreadable file gives an empty list (the search still works)."""
    try:
        raw = json.loads(path.read_text("utf-8"))
        return [
            StarterModel(
                str(m["repo_id"]),
                str(m.get("file_hint", "")),
                str(m.get("size_class", "")),
                str(m.get("kind", "")),
                str(m.get("why", "")),
            )
            for m in raw["models"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []


class _TableModel(RowTableModel):
    """A table of items set all at once (search answers, file lists)."""

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def item(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None


_REPO_ROLE = Qt.ItemDataRole.UserRole + 1


class StarterListModel(_TableModel):
    """The curated starter models, shown while the search box is empty.

    Signals:
        The standard ``QAbstractItemModel`` signals only.
    """

    class Roles(IntEnum):
        RepoIdRole = _REPO_ROLE  # str

    _ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {Roles.RepoIdRole: QByteArray(b"repoId")}
    COLUMNS = 4

    def column_titles(self) -> tuple[str, ...]:
        return (self.tr("Model"), self.tr("Kind"), self.tr("Size"), self.tr("Why"))

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: StarterModel | None = self._row_at(index)
        if row is None:
            return None
        if role == self.Roles.RepoIdRole:
            return row.repo_id
        if role == Qt.ItemDataRole.DisplayRole:
            kinds = {"chat": self.tr("Chat"), "reasoning": self.tr("Reasoning")}
            sizes = {
                "tiny": self.tr("Under 1 GB"),
                "small": self.tr("1–3 GB"),
                "medium": self.tr("3–6 GB"),
                "large": self.tr("Over 6 GB"),
            }
            return (
                row.repo_id,
                kinds.get(row.kind, row.kind),
                sizes.get(row.size_class, row.size_class),
                row.why,
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.why
        return None


class HubResultsModel(_TableModel):
    """Search results from the hub, in the order the hub ranked them.

    Signals:
        The standard ``QAbstractItemModel`` signals only.
    """

    class Roles(IntEnum):
        RepoIdRole = _REPO_ROLE  # str
        DownloadsRole = Qt.ItemDataRole.UserRole + 2  # int
        LikesRole = Qt.ItemDataRole.UserRole + 3  # int

    _ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {
        Roles.RepoIdRole: QByteArray(b"repoId"),
        Roles.DownloadsRole: QByteArray(b"downloads"),
        Roles.LikesRole: QByteArray(b"likes"),
    }
    COLUMNS = 5

    def column_titles(self) -> tuple[str, ...]:
        return (
            self.tr("Model"),
            self.tr("Downloads"),
            self.tr("Likes"),
            self.tr("Updated"),
            self.tr("License"),
        )

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: HubModel | None = self._row_at(index)
        if row is None:
            return None
        roles = self.Roles
        if role == roles.RepoIdRole:
            return row.repo_id
        if role == roles.DownloadsRole:
            return row.downloads
        if role == roles.LikesRole:
            return row.likes
        if role == Qt.ItemDataRole.DisplayRole:
            updated = row.last_modified.date().isoformat() if row.last_modified else ""
            name = row.repo_id + (self.tr(" (gated)") if row.gated else "")
            return (name, f"{row.downloads:,}", f"{row.likes:,}", updated, row.license or "")[
                index.column()
            ]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


@dataclass(frozen=True, slots=True)
class FileRow:
    file: RemoteGguf
    fit: Fit
    recommended: bool


class RepoFilesModel(_TableModel):
    """A repo's GGUF models, grouped by quantization (largest group first), each with its size,
    memory-fit mark, and the recommended pick highlighted.

    Signals:
        The standard ``QAbstractItemModel`` signals only.
    """

    class Roles(IntEnum):
        NameRole = Qt.ItemDataRole.UserRole + 1  # str, the first part's file name
        QuantRole = Qt.ItemDataRole.UserRole + 2  # str
        FitRole = Qt.ItemDataRole.UserRole + 3  # str, a Fit value
        RecommendedRole = Qt.ItemDataRole.UserRole + 4  # bool
        SizeRole = Qt.ItemDataRole.UserRole + 5  # int bytes, all parts

    _ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {
        Roles.NameRole: QByteArray(b"name"),
        Roles.QuantRole: QByteArray(b"quant"),
        Roles.FitRole: QByteArray(b"fit"),
        Roles.RecommendedRole: QByteArray(b"recommended"),
        Roles.SizeRole: QByteArray(b"size"),
    }
    COLUMNS = 5

    def column_titles(self) -> tuple[str, ...]:
        return (
            self.tr("Quantization"),
            self.tr("File"),
            self.tr("Size"),
            self.tr("Memory"),
            self.tr("Note"),
        )

    def set_files(
        self, files: RepoFiles, fit: Callable[[RemoteGguf], Fit], recommended: RemoteGguf | None
    ) -> None:
        rows = [FileRow(f, fit(f), f is recommended) for group in files.groups for f in group.files]
        self.set_rows(rows)

    def row_of(self, name: str) -> int:
        for number, row in enumerate(self._rows):
            if row.file.name == name:
                return number
        return -1

    def recommended_row(self) -> int:
        for number, row in enumerate(self._rows):
            if row.recommended:
                return number
        return -1

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: FileRow | None = self._row_at(index)
        if row is None:
            return None
        roles = self.Roles
        f = row.file
        if role == roles.NameRole:
            return f.name
        if role == roles.QuantRole:
            return f.quant or ""
        if role == roles.FitRole:
            return row.fit.value
        if role == roles.RecommendedRole:
            return row.recommended
        if role == roles.SizeRole:
            return f.size
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f.quant or self.tr("other")
            if column == 1:
                return f.name
            if column == 2:
                return format_size(f.size)
            if column == 3:
                return fit_text(row.fit)
            notes = []
            if row.recommended:
                notes.append(self.tr("★ Recommended"))
            if len(f.parts) > 1:
                notes.append(self.tr("{count} parts").format(count=len(f.parts)))
            if not f.complete:
                notes.append(self.tr("parts missing"))
            return ", ".join(notes)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            return fit_colour(row.fit)
        if role == Qt.ItemDataRole.FontRole and row.recommended:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip("\n".join(p.path for p in f.parts))
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        row: FileRow | None = self._row_at(index)
        if row is not None and not row.file.complete:
            flags &= ~Qt.ItemFlag.ItemIsEnabled
        return flags


class CardBrowser(SafeTextBrowser):
    """A model card: SafeTextBrowser's no-resource rules, with its own scroll bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document().setDocumentMargin(8)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFrameShape(QTextBrowser.Shape.StyledPanel)
        self.viewport().setAutoFillBackground(True)

    def wheelEvent(self, event: QWheelEvent) -> None:
        QTextBrowser.wheelEvent(self, event)


class HubBrowser(QWidget):
    """The Browse tab.

    Signals:
        download_requested(DownloadRequest): the user chose a file and any warning was accepted.
        results_shown(): a search answer (or the starter list) is in the table (tests wait on it).
        files_shown(str repo_id): a repo's files are listed with fit marks.
        card_shown(str repo_id): a repo's model card is shown.
        problem_shown(str text): a hub request failed; ``text`` is what the user reads.
    """

    download_requested = Signal(object)
    results_shown = Signal()
    files_shown = Signal(str)
    card_shown = Signal(str)
    problem_shown = Signal(str)

    def __init__(
        self,
        settings: Settings,
        models_dir: Path,
        calls: BackgroundCalls,
        machine: Callable[[], MachineMemory],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.models_dir = models_dir
        self._calls = calls
        self._machine = machine
        self._client: HubClient | None = None
        self._search_token = 0
        self._card_token = 0
        self._files_token = 0
        self._header_token = 0
        self._repo_id = ""
        self._files: RepoFiles | None = None
        self._facts: ModelFacts | None = None
        self._headers: dict[str, RemoteHeader] = {}  # by first-part URL
        self._activated = False
        self.confirm: Callable[[str, str], bool] = self._ask
        """Yes/no question; tests replace it so nothing blocks."""
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.starters = load_starter_list()
        self.starter_model = StarterListModel(self)
        self.results_model = HubResultsModel(self)
        self.files_model = RepoFilesModel(self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(400)
        self._search_timer.timeout.connect(self.search)
        self._build()

    # -- construction --

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(self.tr("Search Hugging Face for GGUF models"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self.on_search_box_text_changed)
        self.search_box.returnPressed.connect(self.search)
        top.addWidget(self.search_box, 1)
        self.sort_box = QComboBox()
        for text, key in (
            (self.tr("Most downloaded"), "downloads"),
            (self.tr("Recently updated"), "updated"),
            (self.tr("Most liked"), "likes"),
        ):
            self.sort_box.addItem(text, key)
        self.sort_box.currentIndexChanged.connect(self.on_sort_box_current_index_changed)
        top.addWidget(self.sort_box)
        layout.addLayout(top)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.results_view = QTableView()
        self._table(self.results_view)
        self.results_view.setModel(self.starter_model)
        self.results_view.setWordWrap(False)
        splitter.addWidget(self.results_view)

        detail = QWidget()
        right = QVBoxLayout(detail)
        right.setContentsMargins(0, 0, 0, 0)
        self.repo_title = QLabel(self.tr("Choose a model on the left."))
        self.repo_title.setTextFormat(Qt.TextFormat.PlainText)
        self.repo_title.setWordWrap(True)
        font = self.repo_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.repo_title.setFont(font)
        right.addWidget(self.repo_title)
        inner = QSplitter(Qt.Orientation.Vertical)
        self.card = CardBrowser()
        self.card.anchorClicked.connect(self.on_card_anchor_clicked)
        self.card.setAccessibleName(self.tr("Model card"))
        inner.addWidget(self.card)
        files_box = QWidget()
        files_layout = QVBoxLayout(files_box)
        files_layout.setContentsMargins(0, 0, 0, 0)
        self.files_view = QTableView()
        self._table(self.files_view)
        self.files_view.setModel(self.files_model)
        self.files_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.files_view.doubleClicked.connect(lambda _i: self.download_selected())
        files_layout.addWidget(self.files_view, 1)
        row = QHBoxLayout()
        self.files_note = QLabel()
        self.files_note.setWordWrap(True)
        self.files_note.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.files_note, 1)
        self.download_button = QPushButton(self.tr("&Download"))
        self.download_button.clicked.connect(self.download_selected)
        row.addWidget(self.download_button)
        files_layout.addLayout(row)
        inner.addWidget(files_box)
        inner.setSizes([260, 240])
        right.addWidget(inner, 1)
        splitter.addWidget(detail)
        splitter.setSizes([380, 560])
        layout.addWidget(splitter, 1)
        self._update_buttons()

    def _table(self, view: QTableView) -> None:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.setShowGrid(False)
        view.setAlternatingRowColors(True)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    # -- the hub client --

    def client(self) -> HubClient:
        """A client for the current ``hub.endpoint`` (made again when the setting changes)."""
        endpoint = str(self.settings.get("hub.endpoint")).strip() or DEFAULT_ENDPOINT
        if self._client is None or self._client.endpoint != endpoint.rstrip("/"):
            self._client = HubClient(endpoint)
        return self._client

    def context_length(self) -> int:
        return int(self.settings.get("model.n_ctx"))

    # -- starting --

    def activate(self) -> None:
        """The tab was opened: show the starter list (still no network request)."""
        if self._activated:
            return
        self._activated = True
        if not self.search_box.text().strip():
            self.show_starters()

    def show_starters(self) -> None:
        self._search_token = 0
        self.starter_model.set_rows(self.starters)
        self._set_results_model(self.starter_model)
        self.status.setText(
            self.tr("Suggested models. Search to see everything on {endpoint}.").format(
                endpoint=str(self.settings.get("hub.endpoint"))
            )
        )
        self.results_shown.emit()

    def _set_results_model(self, model: _TableModel) -> None:
        if self.results_view.model() is not model:
            self.results_view.setModel(model)
            self.results_view.selectionModel().selectionChanged.connect(
                self.on_results_selection_changed
            )
        header = self.results_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.results_view.resizeColumnsToContents()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.results_view.setColumnWidth(0, min(self.results_view.columnWidth(0), 280))

    # -- search --

    @Slot(str)
    def on_search_box_text_changed(self, text: str) -> None:
        if text.strip():
            self._search_timer.start()
        else:
            self._search_timer.stop()
            self.show_starters()

    @Slot(int)
    def on_sort_box_current_index_changed(self, _index: int) -> None:
        if self.search_box.text().strip():
            self.search()

    @Slot()
    def search(self) -> None:
        self._search_timer.stop()
        self._activated = True
        query = self.search_box.text().strip()
        if not query:
            self.show_starters()
            return
        sort = str(self.sort_box.currentData())
        client = self.client()
        self.status.setText(self.tr("Searching…"))
        token = self._calls.start(
            lambda: client.search(query, sort=sort),
            lambda found: self._on_search_done(token, found),
            lambda exc: self._on_search_failed(token, exc),
        )
        self._search_token = token

    def _on_search_done(self, token: int, found: list[HubModel]) -> None:
        if token != self._search_token:
            return
        self.results_model.set_rows(found)
        self._set_results_model(self.results_model)
        if found:
            self.status.setText(
                self.tr("{count} model(s) with GGUF files.").format(count=len(found))
            )
        else:
            self.status.setText(self.tr("No GGUF models match that search."))
        self.results_shown.emit()

    def _on_search_failed(self, token: int, exc: Exception) -> None:
        if token == self._search_token:
            self._show_problem(exc)

    def problem_text(self, exc: Exception) -> str:
        """What went wrong, in words for the user."""
        if isinstance(exc, HubError):
            return {
                HubProblem.OFFLINE: self.tr(
                    "Could not reach {endpoint}. Check the connection, or the hub address in "
                    "Settings (a mirror works too)."
                ).format(endpoint=self.client().endpoint),
                HubProblem.NOT_FOUND: self.tr("That model or file is not on the hub."),
                HubProblem.GATED: self.tr("This model needs access granted on its web page first."),
                HubProblem.RATE_LIMITED: self.tr(
                    "The hub asks to slow down; try again in a minute."
                ),
                HubProblem.SERVER: self.tr("The hub had a problem; try again later."),
                HubProblem.BAD_RESPONSE: self.tr(
                    "The hub address gave an unexpected answer (a sign-in page or a bad mirror?)."
                ),
                HubProblem.NOT_GGUF: self.tr("The file is not a usable GGUF model."),
            }[exc.problem]
        return self.tr("Unexpected error: {reason}").format(reason=str(exc))

    def _show_problem(self, exc: Exception) -> None:
        text = self.problem_text(exc)
        self.status.setText(text)
        self.problem_shown.emit(text)

    # -- a repo --

    @Slot()
    def on_results_selection_changed(self, *_args: object) -> None:
        rows = self.results_view.selectionModel().selectedRows()
        if not rows:
            return
        repo_id = rows[0].data(_REPO_ROLE)
        if repo_id and repo_id != self._repo_id:
            self.show_repo(str(repo_id))

    def show_repo(self, repo_id: str) -> None:
        """Fetch the card and the file list (two calls at once), then a header for the fits."""
        self._activated = True
        self._repo_id = repo_id
        self._files = None
        self._facts = None
        self.repo_title.setText(repo_id)
        self.card.setPlainText(self.tr("Loading the model card…"))
        self.files_model.set_rows([])
        self.files_note.setText(self.tr("Listing files…"))
        self._update_buttons()
        client = self.client()
        card_token = self._calls.start(
            lambda: client.model_card(repo_id),
            lambda text: self._on_card_done(card_token, repo_id, text),
            lambda exc: self._on_card_failed(card_token, exc),
        )
        self._card_token = card_token
        files_token = self._calls.start(
            lambda: client.gguf_files(repo_id),
            lambda files: self._on_files_done(files_token, files),
            lambda exc: self._on_files_failed(files_token, exc),
        )
        self._files_token = files_token

    def _on_card_done(self, token: int, repo_id: str, text: str) -> None:
        if token != self._card_token:
            return
        if not text.strip():
            self.card.setPlainText(self.tr("This model has no description."))
        else:
            dark = palette_is_dark(self.palette())
            labels = MarkdownLabels(
                copy=self.tr("Copy"), image=self.tr("[image: {alt}]"), code=self.tr("code")
            )
            self.card.setHtml(render_markdown(text, dark=dark, labels=labels).html)
        self.card_shown.emit(repo_id)

    def _on_card_failed(self, token: int, exc: Exception) -> None:
        if token == self._card_token:
            self.card.setPlainText(self.problem_text(exc))

    def _on_files_done(self, token: int, files: RepoFiles) -> None:
        if token != self._files_token:
            return
        self._files = files
        self._show_files()
        complete = [m for m in files.models if m.complete]
        if complete:
            # The smallest file's header gives the model's shape, so the fit marks can count
            # the KV cache instead of guessing it from the file size.
            smallest = min(complete, key=lambda m: m.size)
            client = self.client()
            header_token = self._calls.start(
                lambda: client.read_header(smallest.parts[0]),
                lambda header: self._on_header_done(header_token, smallest, header),
                lambda _exc: None,  # the size-based guess stays; the download checks again
            )
            self._header_token = header_token

    def _on_files_failed(self, token: int, exc: Exception) -> None:
        if token == self._files_token:
            self.files_note.setText(self.problem_text(exc))
            self.problem_shown.emit(self.problem_text(exc))

    def _on_header_done(self, token: int, file: RemoteGguf, header: RemoteHeader) -> None:
        self._headers[file.parts[0].url] = header
        if token != self._header_token or self._files is None:
            return
        if header.supported:
            self._facts = header.facts
            self._show_files()

    def _show_files(self) -> None:
        files = self._files
        if files is None:
            return
        machine = self._machine()
        context = self.context_length()
        recommended = HubClient.recommend(files, self._facts, context, machine)
        selected = self.selected_file()
        self.files_model.set_files(
            files, lambda m: HubClient.fit(m, self._facts, context, machine), recommended
        )
        # Keep the user's pick; else the starter list's hint; else the recommended file.
        choice = self.files_model.row_of(selected.name) if selected is not None else -1
        if choice < 0:
            hint = next((s.file_hint for s in self.starters if s.repo_id == files.repo_id), "")
            for number in range(self.files_model.rowCount()):
                index = self.files_model.index(number, 0)
                if hint and index.data(RepoFilesModel.Roles.QuantRole) == hint:
                    choice = number
                    break
        if choice < 0:
            choice = self.files_model.recommended_row()
        if choice >= 0:
            self.files_view.selectRow(choice)
        if not files.models:
            self.files_note.setText(self.tr("This repository has no GGUF model files."))
        elif recommended is None:
            self.files_note.setText(
                self.tr("None of these fits this computer comfortably at {tokens} tokens.").format(
                    tokens=f"{context:,}"
                )
            )
        else:
            self.files_note.setText(
                self.tr(
                    "★ {name}: the largest that fits comfortably at {tokens} tokens of context."
                ).format(name=recommended.name, tokens=f"{context:,}")
            )
        self._update_buttons()
        self.files_shown.emit(files.repo_id)

    # -- downloading --

    def selected_file(self) -> RemoteGguf | None:
        model = self.files_view.selectionModel()
        rows = model.selectedRows() if model is not None else []
        row = self.files_model.item(rows[0].row()) if rows else None
        return row.file if row is not None else None

    @Slot()
    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected_file()
        self.download_button.setEnabled(chosen is not None and chosen.complete)

    def select_file(self, name: str) -> bool:
        number = self.files_model.row_of(name)
        if number >= 0:
            self.files_view.selectRow(number)
        return number >= 0

    def download_selected(self) -> None:
        """Read the remote header first; warn about an architecture llama.cpp can't load."""
        chosen = self.selected_file()
        if chosen is None or not chosen.complete or self._files is None:
            return
        repo_id = self._files.repo_id
        known = self._headers.get(chosen.parts[0].url)
        if known is not None:
            self._on_check_done(repo_id, chosen, known)
            return
        self.download_button.setEnabled(False)
        self.files_note.setText(self.tr("Checking {name}…").format(name=chosen.name))
        client = self.client()
        self._calls.start(
            lambda: client.read_header(chosen.parts[0]),
            lambda header: self._on_check_done(repo_id, chosen, header),
            lambda exc: self._on_check_failed(repo_id, chosen, exc),
        )

    def _on_check_done(self, repo_id: str, chosen: RemoteGguf, header: RemoteHeader) -> None:
        self._headers[chosen.parts[0].url] = header
        self._update_buttons()
        if not header.supported and not self.confirm(
            self.tr("Unsupported model"),
            self.tr(
                "{name} is a '{arch}' model, which this version of Hearthside can't load. "
                "Download it anyway?"
            ).format(name=chosen.name, arch=header.facts.architecture),
        ):
            self.files_note.setText(self.tr("Not downloaded."))
            return
        self._queue(repo_id, chosen)

    def _on_check_failed(self, repo_id: str, chosen: RemoteGguf, exc: Exception) -> None:
        self._update_buttons()
        if isinstance(exc, HubError) and exc.problem is HubProblem.NOT_GGUF:
            if self.confirm(
                self.tr("Not a usable model"),
                self.tr(
                    "The start of {name} does not look like a model Hearthside can load. "
                    "Download it anyway?"
                ).format(name=chosen.name),
            ):
                self._queue(repo_id, chosen)
            return
        self._show_problem(exc)

    def _queue(self, repo_id: str, chosen: RemoteGguf) -> None:
        files = tuple(
            DownloadFile(p.url, self.models_dir / p.path.rsplit("/", 1)[-1], p.size, p.sha256)
            for p in chosen.parts
        )
        request = DownloadRequest(f"{repo_id}/{chosen.name}", files, chosen.name)
        self.files_note.setText(
            self.tr("{name} is in the download queue.").format(name=chosen.name)
        )
        self.download_requested.emit(request)

    # -- links in cards --

    def _ask(self, title: str, question: str) -> bool:
        # Plain text: the question quotes file names and the GGUF's own architecture string.
        return ask_plain(self, title, question)

    @Slot(QUrl)
    def on_card_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() not in ("http", "https"):
            return
        if self.confirm(
            self.tr("Open link"),
            self.tr("Open this address in your web browser?\n{url}").format(
                url=url.toDisplayString()
            ),
        ):
            self.open_url(url)
