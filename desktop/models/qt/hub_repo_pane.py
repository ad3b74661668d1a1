"""The Browse tab's right side: one repo's model card and GGUF files, and the check before a
download.

:class:`RepoPane` fetches a repo's card and file list (two hub calls at once, then the smallest
file's header so the fit marks count the KV cache) and shows them; :class:`DownloadCheck` reads
the chosen file's header before it is queued and asks before a file llama.cpp can't load is
downloaded. Both belong to :class:`~desktop.models.qt.hub_browser.HubBrowser`, which owns the hub
client, the call pool and the user's questions; every hub call is tagged with a token so answers
that arrive after the user moved on are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.design import SPACE_S, TYPE_SCALE
from desktop.core.markdown import MarkdownLabels, render_markdown
from desktop.models.catalog import Fit, MachineMemory, ModelFacts
from desktop.models.hub import (
    HubClient,
    HubError,
    HubProblem,
    RemoteGguf,
    RemoteHeader,
    RepoFiles,
    download_path,
)
from desktop.models.qt.download_worker import DownloadFile, DownloadRequest
from desktop.models.qt.hub_models import RepoFilesModel, StarterModel, split_repo_id
from desktop.qtkit.plain_text import muted, note_label
from desktop.qtkit.push_button import push_button
from desktop.qtkit.row_table_model import select_row, selected_row, setup_row_view
from desktop.qtkit.safe_text import SafeTextBrowser
from desktop.qtkit.theme import palette_is_dark

__all__ = ["CHECK_MAY_BE_SKIPPED", "CardBrowser", "DownloadCheck", "RepoPane", "StartCall"]

FILE_COLUMN = RepoFilesModel.COLUMN_TITLES.index("File")
NOTE_COLUMN = RepoFilesModel.COLUMN_TITLES.index("Note")

#: Header-check failures after which the user may download anyway (with a warning).
CHECK_MAY_BE_SKIPPED = frozenset(
    {
        HubProblem.OFFLINE,
        HubProblem.TIMEOUT,
        HubProblem.SERVER,
        HubProblem.RATE_LIMITED,
        HubProblem.BAD_RESPONSE,
    }
)

StartCall = Callable[
    [Callable[[HubClient], Any], Callable[[Any], None], Callable[[Exception], None]], int
]
"""``start(work, done, failed) -> token``: run ``work`` with the client for the current hub
address off the GUI thread, then ``done(answer)`` or ``failed(exc)`` on it (the owner's
:meth:`~desktop.models.qt.hub_browser.HubBrowser.start_call`)."""


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


class RepoPane(QWidget):
    """A repo's title, model card (untrusted Markdown, rendered safely), and GGUF files with fit
    marks, the pick preselected, and the Download button.

    The pane makes no request until :meth:`show_repo`; links in the card and the download itself
    are its owner's (``card.anchorClicked``, :attr:`download_wanted`).

    Signals:
        files_shown(str repo_id): a repo's files are listed with fit marks.
        card_shown(str repo_id): a repo's model card is shown.
        problem_shown(str text): the file list could not be fetched; ``text`` is what the user
            reads.
        download_wanted(): the user pressed Download or double-clicked a file.
        page_wanted(str repo_id): the user asked for the repo's page on the hub's website.
    """

    files_shown = Signal(str)
    card_shown = Signal(str)
    problem_shown = Signal(str)
    download_wanted = Signal()
    page_wanted = Signal(str)

    def __init__(
        self,
        start: StartCall,
        machine: Callable[[], MachineMemory],
        context_length: Callable[[], int],
        starters: list[StarterModel],
        describe: Callable[[Exception], str],
        parent: QWidget | None = None,
        models_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._start = start
        self._models_dir = models_dir
        """Where downloads go: a file already there is noted "Downloaded" (None: not asked)."""
        self._machine = machine
        self._context_length = context_length
        self._starters = starters
        self._describe = describe
        self._card_token = 0
        self._files_token = 0
        self._header_token = 0
        self.repo_id = ""
        """The repo shown (or being fetched); empty before the first."""
        self.files: RepoFiles | None = None
        """The shown repo's files, once listed."""
        self._facts: ModelFacts | None = None
        self.headers: dict[str, RemoteHeader] = {}
        """Remote headers read so far, by first-part URL (the download check reuses them)."""
        self.files_model = RepoFilesModel(self)
        self._build()

    def _build(self) -> None:
        right = QVBoxLayout(self)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(SPACE_S)
        heading = QVBoxLayout()
        heading.setSpacing(0)
        self.repo_title = QLabel(self.tr("Choose a model on the left."))
        self.repo_title.setTextFormat(Qt.TextFormat.PlainText)
        self.repo_title.setWordWrap(True)
        font = self.repo_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * TYPE_SCALE["subtitle"])
        self.repo_title.setFont(font)
        heading.addWidget(self.repo_title)
        # The whole repo id, selectable (to copy or look up): the title shows the name alone.
        self.repo_id_label = note_label("")
        self.repo_id_label.setWordWrap(False)
        self.repo_id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.repo_id_label.hide()
        # The repo's page on the website (licence terms, access to a gated model, discussion),
        # as LM Studio's and Jan's hubs link it: the id alone left the user to type the address.
        self.page_button = push_button(
            self.tr("Model &page ↗"),
            lambda: self.page_wanted.emit(self.repo_id),
            tooltip=self.tr("Open the model's page on the hub's website"),
        )
        self.page_button.setFlat(True)
        self.page_button.hide()
        id_row = QHBoxLayout()
        id_row.setContentsMargins(0, 0, 0, 0)
        id_row.addWidget(self.repo_id_label, 1)
        id_row.addWidget(self.page_button)
        heading.addLayout(id_row)
        right.addLayout(heading)
        inner = QSplitter(Qt.Orientation.Vertical)
        inner.setHandleWidth(SPACE_S)
        self.card = CardBrowser()
        self.card.setAccessibleName(self.tr("Model card"))
        inner.addWidget(self.card)
        files_box = QWidget()
        files_layout = QVBoxLayout(files_box)
        files_layout.setContentsMargins(0, 0, 0, 0)
        self.files_view = QTableView()
        setup_row_view(self.files_view)
        self.files_view.setModel(self.files_model)
        # Size, memory fit and note always in view: the file name takes what is left, cut in
        # the middle (its quantization is at the end, and in the first column).
        header = self.files_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(FILE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.files_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.files_view.setWordWrap(False)
        self.files_view.selectionModel().selectionChanged.connect(self.update_buttons)
        self.files_view.doubleClicked.connect(lambda _i: self.download_wanted.emit())
        files_layout.addWidget(self.files_view, 1)
        row = QHBoxLayout()
        self.files_note = note_label("")
        row.addWidget(self.files_note, 1)
        self.download_button = push_button(self.tr("&Download"), self.download_wanted)
        row.addWidget(self.download_button)
        files_layout.addLayout(row)
        inner.addWidget(files_box)
        inner.setSizes([260, 240])
        right.addWidget(inner, 1)
        self.update_buttons()

    # -- a repo --

    def show_repo(self, repo_id: str) -> None:
        """Fetch the card and the file list (two calls at once), then a header for the fits."""
        self.repo_id = repo_id
        self.files = None
        self._facts = None
        self.repo_title.setText(split_repo_id(repo_id)[0])
        self.repo_id_label.setText(repo_id)
        self.repo_id_label.show()
        self.page_button.show()
        self.card.setPlainText(self.tr("Loading the model card…"))
        self.files_model.set_rows([])
        muted(self.files_note)  # after a problem, calm again
        self.files_note.setText(self.tr("Listing files…"))
        self.update_buttons()
        card_token = self._start(
            lambda client: client.model_card(repo_id),
            lambda text: self._on_card_done(card_token, repo_id, text),
            lambda exc: self._on_card_failed(card_token, exc),
        )
        self._card_token = card_token
        files_token = self._start(
            lambda client: client.gguf_files(repo_id),
            lambda files: self._on_files_done(files_token, files),
            lambda exc: self._on_files_failed(files_token, exc),
        )
        self._files_token = files_token

    def _on_card_done(self, token: int, repo_id: str, text: str) -> None:
        if token != self._card_token:
            return
        if not text.strip():
            # Ours, not the hub's: a suggested model says why it is suggested.
            why = self.starter_why(repo_id)
            self.card.setPlainText(why or self.tr("This model has no description."))
        else:
            dark = palette_is_dark(self.palette())
            labels = MarkdownLabels(
                copy=self.tr("Copy"), image=self.tr("[image: {alt}]"), code=self.tr("code")
            )
            self.card.setHtml(render_markdown(text, dark=dark, labels=labels).html)
        self.card_shown.emit(repo_id)

    def starter_why(self, repo_id: str) -> str:
        """Why ``repo_id`` is on the suggested list, in the interface's language; "" for a repo
        that is not on it."""
        starter = next((s for s in self._starters if s.repo_id == repo_id), None)
        return starter.translated_why() if starter is not None else ""

    def _on_card_failed(self, token: int, exc: Exception) -> None:
        if token == self._card_token:
            self.card.setPlainText(self._describe(exc))

    def _on_files_done(self, token: int, files: RepoFiles) -> None:
        if token != self._files_token:
            return
        self.files = files
        self._show_files()
        complete = [m for m in files.models if m.complete]
        if complete:
            # The smallest file's header gives the model's shape, so the fit marks can count
            # the KV cache instead of guessing it from the file size.
            smallest = min(complete, key=lambda m: m.size)
            header_token = self._start(
                lambda client: client.read_header(smallest.parts[0]),
                lambda header: self._on_header_done(header_token, smallest, header),
                lambda _exc: None,  # the size-based guess stays; the download checks again
            )
            self._header_token = header_token

    def _on_files_failed(self, token: int, exc: Exception) -> None:
        if token == self._files_token:
            # A problem reads in the text colour; the notes (the pick, the queue) are muted.
            self.files_note.setForegroundRole(QPalette.ColorRole.WindowText)
            self.files_note.setText(self._describe(exc))
            self.problem_shown.emit(self._describe(exc))

    def _on_header_done(self, token: int, file: RemoteGguf, header: RemoteHeader) -> None:
        self.headers[file.parts[0].url] = header
        if token != self._header_token or self.files is None:
            return
        if header.supported:
            self._facts = header.facts
            self._show_files()

    def _show_files(self, announce: bool = True) -> None:
        files = self.files
        if files is None:
            return
        machine = self._machine()
        context = self._context_length()

        def fit(model: RemoteGguf) -> Fit:
            return HubClient.fit(model, self._facts, context, machine)

        # A suggested model's curated file (its hint) is the recommendation when it fits: the
        # ★ and the preselected row named two different files (★ Q8_0, Q4_K_M chosen).
        hint = next((s.file_hint for s in self._starters if s.repo_id == files.repo_id), "")
        hinted = next((m for m in files.models if hint and m.quant == hint and m.complete), None)
        curated = hinted is not None and fit(hinted) is Fit.FITS
        recommended = (
            hinted if curated else HubClient.recommend(files, self._facts, context, machine)
        )
        selected = self.selected_file()
        self.files_model.set_files(files, fit, recommended, self.is_downloaded)
        # Split or incomplete files need the Note column; else the file name gets its room.
        self.files_view.setColumnHidden(NOTE_COLUMN, not self.files_model.has_notes())
        # Keep the user's pick; else the recommended file; else the starter list's hint.
        choice = self.files_model.row_of(selected.name) if selected is not None else -1
        if choice < 0:
            choice = self.files_model.recommended_row()
        if choice < 0 and hinted is not None:
            choice = self.files_model.row_of(hinted.name)
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
        elif curated:
            self.files_note.setText(
                self.tr(
                    "★ Recommended: {quant}, the suggested size of this model; it fits at "
                    "{tokens} tokens of context."
                ).format(quant=recommended.quant or recommended.name, tokens=f"{context:,}")
            )
        else:
            self.files_note.setText(
                self.tr(
                    "★ Recommended: {quant}, the largest that fits at {tokens} tokens of context."
                ).format(quant=recommended.quant or recommended.name, tokens=f"{context:,}")
            )
        self.update_buttons()
        if announce:
            self.files_shown.emit(files.repo_id)

    def is_downloaded(self, model: RemoteGguf) -> bool:
        """Whether every part of ``model`` of the shown repo is in the models folder, where a
        download of it lands: the list said nothing, and the same file was easily fetched
        twice."""
        if self._models_dir is None or self.files is None:
            return False
        folder, repo_id = self._models_dir, self.files.repo_id
        return all(download_path(folder, repo_id, p.path).is_file() for p in model.parts)

    def refresh_files(self) -> None:
        """Marks again which files are downloaded (a download ended), keeping the pick and
        the note under the list."""
        if self.files is not None:
            note = self.files_note.text()
            self._show_files(announce=False)
            self.files_note.setText(note)

    # -- the pick --

    def selected_file(self) -> RemoteGguf | None:
        row = self.files_model.item(selected_row(self.files_view))
        return row.file if row is not None else None

    def select_file(self, name: str) -> bool:
        return select_row(self.files_view, self.files_model.row_of(name))

    @Slot()
    def update_buttons(self, *_args: object) -> None:
        """Download is there for a complete file only."""
        chosen = self.selected_file()
        self.download_button.setEnabled(chosen is not None and chosen.complete)


class DownloadCheck(QObject):
    """The step between the Download button and the queue: the chosen file's remote header is
    read (or taken from those the pane already read), and a file whose architecture this
    llama.cpp can't load, or that is no GGUF at all, is queued only if the user says so.

    Signals:
        download_requested(DownloadRequest): the file is to be downloaded.
        failed(Exception): the header could not be read for another reason (the owner says why).
    """

    download_requested = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        pane: RepoPane,
        start: StartCall,
        models_dir: Path,
        confirm: Callable[[str, str], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pane = pane
        self._start = start
        self._models_dir = models_dir
        self._confirm = confirm
        self._queued_notes: dict[str, str] = {}
        """Download id -> the "… is in the download queue" note said when it was queued."""

    def start(self) -> None:
        """Read the remote header first; warn about an architecture llama.cpp can't load."""
        pane = self._pane
        chosen = pane.selected_file()
        if chosen is None or not chosen.complete or pane.files is None:
            return
        repo_id = pane.files.repo_id
        known = pane.headers.get(chosen.parts[0].url)
        if known is not None:
            self._on_check_done(repo_id, chosen, known)
            return
        pane.download_button.setEnabled(False)
        pane.files_note.setText(self.tr("Checking {name}…").format(name=chosen.name))
        self._start(
            lambda client: client.read_header(chosen.parts[0]),
            lambda header: self._on_check_done(repo_id, chosen, header),
            lambda exc: self._on_check_failed(repo_id, chosen, exc),
        )

    def _on_check_done(self, repo_id: str, chosen: RemoteGguf, header: RemoteHeader) -> None:
        self._pane.headers[chosen.parts[0].url] = header
        self._pane.update_buttons()
        if header.supported:
            self._queue(repo_id, chosen)
            return
        self._queue_if_confirmed(
            repo_id,
            chosen,
            self.tr("Unsupported model"),
            self.tr(
                "{name} is a '{arch}' model, which this version of Hearthside can't load. "
                "Download it anyway?"
            ).format(name=chosen.name, arch=header.facts.architecture),
            self.tr("Not downloaded."),
        )

    def _on_check_failed(self, repo_id: str, chosen: RemoteGguf, exc: Exception) -> None:
        self._pane.update_buttons()
        self._pane.files_note.setText("")  # no "Checking …" left behind
        if isinstance(exc, HubError) and exc.problem in CHECK_MAY_BE_SKIPPED:
            # The check could not finish (after its retries), yet the hub did list the file:
            # the download has its own retries, and the library checks the file on arrival.
            self._queue_if_confirmed(
                repo_id,
                chosen,
                self.tr("Check not finished"),
                self.tr(
                    "{name} could not be checked before downloading: the hub did not answer "
                    "or had a problem. Download it anyway? It is checked when it has arrived."
                ).format(name=chosen.name),
                self.tr("Not downloaded."),
            )
            return
        if isinstance(exc, HubError) and exc.problem is HubProblem.NOT_GGUF:
            self._queue_if_confirmed(
                repo_id,
                chosen,
                self.tr("Not a usable model"),
                self.tr(
                    "The start of {name} does not look like a model Hearthside can load. "
                    "Download it anyway?"
                ).format(name=chosen.name),
                "",  # the note was cleared above
            )
            return
        self.failed.emit(exc)

    def _queue_if_confirmed(
        self, repo_id: str, chosen: RemoteGguf, title: str, question: str, refused: str
    ) -> None:
        """Queues ``chosen`` when the user says yes to ``question``; else the note under the
        files says ``refused``."""
        if self._confirm(title, question):
            self._queue(repo_id, chosen)
        else:
            self._pane.files_note.setText(refused)

    def _queue(self, repo_id: str, chosen: RemoteGguf) -> None:
        files = tuple(
            DownloadFile(p.url, download_path(self._models_dir, repo_id, p.path), p.size, p.sha256)
            for p in chosen.parts
        )
        request = DownloadRequest(f"{repo_id}/{chosen.name}", files, chosen.name)
        note = self.tr("{name} is in the download queue.").format(name=chosen.name)
        self._pane.files_note.setText(note)
        self._queued_notes[request.id] = note
        self.download_requested.emit(request)

    def forget(self, download_id: str) -> None:
        """The download ended: its "in the download queue" note goes, if it is still shown."""
        note = self._queued_notes.pop(download_id, None)
        if note is not None and self._pane.files_note.text() == note:
            self._pane.files_note.setText("")
