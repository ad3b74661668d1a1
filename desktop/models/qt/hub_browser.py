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

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import (
    QDesktopServices,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.design import SPACE_M, SPACE_S, TYPE_SCALE
from desktop.core.settings import Settings
from desktop.models.catalog import MachineMemory
from desktop.models.hub import (
    DEFAULT_ENDPOINT,
    HubClient,
    HubError,
    HubModel,
    HubProblem,
    RemoteGguf,
)
from desktop.models.qt.hub_models import (
    REPO_DETAIL_ROLE,
    REPO_ID_ROLE,
    HubResultsModel,
    ItemTableModel,
    StarterListModel,
    load_starter_list,
)
from desktop.models.qt.hub_repo_pane import DownloadCheck, RepoPane
from desktop.qtkit.background_calls import BackgroundCalls
from desktop.qtkit.item_delegates import TwoLineDelegate
from desktop.qtkit.plain_text import ask_plain, muted
from desktop.qtkit.row_table_model import setup_row_view

__all__ = ["HubBrowser"]


class HubBrowser(QWidget):
    """The Browse tab: the search box and the results table on the left; the chosen repo's card
    and files on the right (a :class:`~desktop.models.qt.hub_repo_pane.RepoPane`), with a
    :class:`~desktop.models.qt.hub_repo_pane.DownloadCheck` between its Download button and
    :attr:`download_requested`.

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
        self._client: HubClient | None = None
        self._search_token = 0
        self._activated = False
        self._calm_status = ""
        """The last status that was not a problem: what a later success shows again."""
        self._problem_shown = False
        self.confirm: Callable[[str, str], bool] = self._ask
        """Yes/no question; tests replace it so nothing blocks."""
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.starters = load_starter_list()
        self.starter_model = StarterListModel(self)
        self.results_model = HubResultsModel(self)
        self.repo_pane = RepoPane(
            self.start_call,
            machine,
            self.context_length,
            self.starters,
            self.problem_text,
            models_dir=models_dir,
        )
        self.download_check = DownloadCheck(
            self.repo_pane,
            self.start_call,
            models_dir,
            lambda title, question: self.confirm(title, question),
            self,
        )
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(400)
        self._search_timer.timeout.connect(self.search)
        self._build()

    # -- construction --

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(SPACE_S)
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
        splitter.setHandleWidth(SPACE_M)
        splitter.setChildrenCollapsible(False)
        self.results_view = QTableView()
        setup_row_view(self.results_view)
        self.results_view.horizontalHeader().setStretchLastSection(True)
        self.results_view.setWordWrap(False)
        # Each model's name over its owner (and, suggested, kind and size): two lines a row.
        # The model's name, and under it in smaller muted text its owner and more.
        self.results_view.setItemDelegateForColumn(
            0,
            TwoLineDelegate(
                REPO_DETAIL_ROLE, self.results_view, detail_scale=TYPE_SCALE["caption"]
            ),
        )
        self.results_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        # Through the one path that also hears the view's selection: set here directly, the
        # suggestions did nothing when clicked until a search had swapped the model.
        self._set_results_model(self.starter_model)
        splitter.addWidget(self.results_view)

        pane = self.repo_pane
        pane.card.anchorClicked.connect(self.on_card_anchor_clicked)
        pane.download_wanted.connect(self.download_selected)
        pane.page_wanted.connect(self.open_repo_page)
        pane.files_shown.connect(self.files_shown)
        pane.card_shown.connect(self.card_shown)
        pane.problem_shown.connect(self.problem_shown)
        self.download_check.download_requested.connect(self.download_requested)
        self.download_check.failed.connect(self._show_problem)
        for succeeded in (self.files_shown, self.card_shown, self.download_requested):
            succeeded.connect(self.clear_problem)
        # The pane's parts, under the names the manager and the tests have always used.
        self.repo_title = pane.repo_title
        self.card = pane.card
        self.files_model = pane.files_model
        self.files_view = pane.files_view
        self.files_note = pane.files_note
        self.download_button = pane.download_button
        splitter.addWidget(pane)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([340, 600])
        layout.addWidget(splitter, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Rows are two lines high: a smaller window would hide the chosen model otherwise.
        QTimer.singleShot(0, self.keep_choice_in_view)

    @Slot()
    def keep_choice_in_view(self) -> None:
        """Scroll the results so the chosen row shows (after the window changed size)."""
        current = self.results_view.currentIndex()
        if current.isValid():
            self.results_view.scrollTo(current)

    # -- the hub client --

    def client(self) -> HubClient:
        """A client for the current ``hub.endpoint`` (made again when the setting changes)."""
        endpoint = str(self.settings.get("hub.endpoint")).strip() or DEFAULT_ENDPOINT
        if self._client is None or self._client.endpoint != endpoint.rstrip("/"):
            self._client = HubClient(endpoint)
        return self._client

    def start_call(
        self,
        work: Callable[[HubClient], Any],
        done: Callable[[Any], None],
        failed: Callable[[Exception], None],
    ) -> int:
        """Run ``work`` with :meth:`client` on the call pool; the token tags its answer."""
        client = self.client()
        return self._calls.start(lambda: work(client), done, failed)

    def site(self) -> str:
        """The hub's address as people say it ("huggingface.co", "127.0.0.1:8080")."""
        endpoint = str(self.settings.get("hub.endpoint")).strip() or DEFAULT_ENDPOINT
        url = QUrl(endpoint)
        if not url.host():
            return endpoint
        return url.host() + (f":{url.port()}" if url.port() != -1 else "")

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
        self._say(
            self.tr("Suggested models. Search above for any GGUF model on {site}.").format(
                site=self.site()
            )
        )
        self.results_shown.emit()

    def show_suggestion(self, repo_id: str) -> None:
        """The suggested list with ``repo_id``'s row chosen, which opens it (its files with the
        suggested one chosen); a repo not on the list is opened on its own."""
        if self.search_box.text().strip():
            self.search_box.clear()  # brings the suggestions back
        self.activate()
        for row, starter in enumerate(self.starters):
            if starter.repo_id == repo_id:
                self.results_view.selectRow(row)
                self.results_view.scrollTo(self.starter_model.index(row, 0))
                return
        self.show_repo(repo_id)

    def _set_results_model(self, model: ItemTableModel) -> None:
        if self.results_view.model() is not model:
            self.results_view.setModel(model)
            self.results_view.selectionModel().selectionChanged.connect(
                self.on_results_selection_changed
            )
        # One column of names, each over its owner and, suggested, its kind and size, or found,
        # its downloads, likes and last update (no sideways scrolling at 800x600: numbers in
        # columns of their own were cut off at the list's width); why a model is suggested,
        # and a found one's licence, are the row's tooltip.
        header = self.results_view.horizontalHeader()
        for column in range(1, model.columnCount()):
            self.results_view.setColumnHidden(column, True)
        header.hide()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

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
        # Passing: the table keeps what the last status described until the answer comes.
        self._problem_shown = False
        muted(self.status)
        self.status.setText(self.tr("Searching…"))
        token = self.start_call(
            lambda client: client.search(query, sort=sort),
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
            self._say(self.tr("%n model(s) with GGUF files.", "", len(found)))
        else:
            self._say(self.tr("No GGUF models match that search."))
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
                HubProblem.TIMEOUT: self.tr(
                    "{endpoint} did not answer in time. Try again, or check the hub address "
                    "in Settings."
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
        self.status.setForegroundRole(QPalette.ColorRole.WindowText)
        self.status.setText(text)
        self._problem_shown = True
        self.problem_shown.emit(text)

    def _say(self, text: str) -> None:
        """A status that is not a problem (muted); it is also what a later success goes back
        to."""
        self._calm_status = text
        self._problem_shown = False
        muted(self.status)
        self.status.setText(text)

    @Slot()
    def clear_problem(self, *_args: object) -> None:
        """A hub call succeeded: a problem an earlier call had ("Could not reach …") is stale."""
        if self._problem_shown:
            self._say(self._calm_status)

    @Slot(str)
    def on_download_ended(self, download_id: str) -> None:
        """A download finished or failed: "… is in the download queue" is no longer true, and
        a finished file is noted "Downloaded" in the list."""
        self.download_check.forget(download_id)
        self.repo_pane.refresh_files()

    # -- a repo --

    @Slot()
    def on_results_selection_changed(self, *_args: object) -> None:
        rows = self.results_view.selectionModel().selectedRows()
        if not rows:
            return
        repo_id = rows[0].data(REPO_ID_ROLE)
        if repo_id and repo_id != self.repo_pane.repo_id:
            self.show_repo(str(repo_id))

    def show_repo(self, repo_id: str) -> None:
        """Fetch the card and the file list (two calls at once), then a header for the fits."""
        self._activated = True
        self.repo_pane.show_repo(repo_id)

    # -- downloading --

    def selected_file(self) -> RemoteGguf | None:
        return self.repo_pane.selected_file()

    def select_file(self, name: str) -> bool:
        return self.repo_pane.select_file(name)

    @Slot()
    def download_selected(self) -> None:
        """Read the remote header first; warn about an architecture llama.cpp can't load."""
        self.download_check.start()

    # -- links in cards --

    def _ask(self, title: str, question: str) -> bool:
        # Plain text: the question quotes file names and the GGUF's own architecture string.
        return ask_plain(self, title, question)

    @Slot(str)
    def open_repo_page(self, repo_id: str) -> None:
        """The repo's page on the hub's website (the mirror's, with a mirror set); asked for by
        the user's click on our own button, so not asked again as a card's link is."""
        if repo_id:
            self.open_url(QUrl(f"{self.client().endpoint}/{repo_id}"))

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
