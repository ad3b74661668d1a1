"""Exporting and importing conversations: the dialogs and the work behind them.

The work functions take plain paths so tests (and a future command line) can run them without
any dialog; the dialogs only collect the user's choices.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from desktop.core.conversation import COLLECTIONS_KEY
from desktop.history.qt.pdf_export import export_options, export_pdf
from desktop.qtkit.dialog_buttons import ok_cancel_buttons
from desktop.qtkit.plain_text import note_label
from desktop.qtkit.stylesheet import tidy_forms
from desktop.store.conversations import ConversationStore, ImportedConversation
from desktop.store.export import (
    DEFAULT_MAX_IMPORT_BYTES,
    ExportAllResult,
    ExportConversation,
    ExportFormat,
    ExportOptions,
    ImportFormatError,
    export_all,
    export_conversation,
    read_import,
)
from desktop.store.import_archive import is_zip, read_import_archive

PDF = "pdf"
FORMATS: tuple[str, ...] = (
    ExportFormat.MARKDOWN.value,
    ExportFormat.HTML.value,
    PDF,
    ExportFormat.JSON.value,
    ExportFormat.TEXT.value,
)
SUFFIXES = {
    ExportFormat.MARKDOWN.value: ".md",
    ExportFormat.HTML.value: ".html",
    PDF: ".pdf",
    ExportFormat.JSON.value: ".json",
    ExportFormat.TEXT.value: ".txt",
}


def format_names() -> dict[str, str]:
    # Not an alias named tr: pyside6-lupdate would read tr(context, text) as tr(text, comment).
    translate = QCoreApplication.translate
    return {
        ExportFormat.MARKDOWN.value: translate("Export", "Markdown"),
        ExportFormat.HTML.value: translate("Export", "Web page (HTML)"),
        PDF: translate("Export", "PDF"),
        ExportFormat.JSON.value: translate("Export", "JSON (complete, can be imported again)"),
        ExportFormat.TEXT.value: translate("Export", "Plain text"),
    }


def load_export(store: ConversationStore, conversation_id: int) -> ExportConversation:
    summary, settings, messages = store.export_tree(conversation_id)
    return ExportConversation(
        summary, settings, tuple(messages), tuple(store.summaries(conversation_id))
    )


def export_one(
    store: ConversationStore,
    conversation_id: int,
    path: Path,
    fmt: str,
    options: ExportOptions | None = None,
) -> None:
    """Writes one conversation; raises OSError when the file cannot be written.

    ``options`` (by default :func:`export_options`') hold for every format but JSON, the
    lossless backup, which keeps the whole tree and the thinking."""
    conversation = load_export(store, conversation_id)
    options = options or export_options()
    if fmt == PDF:
        export_pdf(conversation, path, options)
        return
    text = export_conversation(conversation, ExportFormat(fmt), options)
    temp = path.with_name(path.name + ".partial")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)


def export_everything(
    store: ConversationStore,
    destination: Path,
    fmt: str,
    *,
    as_zip: bool,
    options: ExportOptions | None = None,
    progress: Callable[[int, int], bool] | None = None,
) -> ExportAllResult:
    conversations = [load_export(store, item.id) for item in store.list_conversations()]
    return export_all(
        conversations,
        destination,
        ExportFormat(fmt),
        zip=as_zip,
        options=options or export_options(),
        progress=progress,
    )


@dataclass(frozen=True, slots=True)
class ImportResult:
    conversation_ids: tuple[int, ...]


def _without_collections(conversation: ImportedConversation) -> ImportedConversation:
    """Attached collections are ids in the documents index where the chat was exported: here
    they would name other collections (or none), so an imported chat starts with none."""
    if COLLECTIONS_KEY not in conversation.settings:
        return conversation
    settings = {k: v for k, v in conversation.settings.items() if k != COLLECTIONS_KEY}
    return dataclasses.replace(conversation, settings=settings)


def import_file(store: ConversationStore, path: Path) -> ImportResult:
    """Reads and checks the whole file before writing anything to the store.

    Raises ImportFormatError (a sentence naming the problem) or OSError.
    """
    return write_import(store, read_import_file(path))


def read_import_file(path: Path) -> list[ImportedConversation]:
    """Reads and checks the whole file, touching no store (so it may run on a worker thread).

    Raises ImportFormatError (a sentence naming the problem) or OSError.
    """
    with path.open("rb") as file:
        head = file.read(4)
    if is_zip(head):  # read in place: the limit is on the chats inside, not the images beside
        conversations = read_import_archive(path, read_import, DEFAULT_MAX_IMPORT_BYTES)
        return [_without_collections(c) for c in conversations]
    size = path.stat().st_size
    if size > DEFAULT_MAX_IMPORT_BYTES:
        raise ImportFormatError(
            f"The file is too large to import ({size / 1e6:.0f} MB; the limit is "
            f"{DEFAULT_MAX_IMPORT_BYTES / 1e6:.0f} MB)."
        )
    return [_without_collections(c) for c in read_import(path.read_bytes())]


def write_import(
    store: ConversationStore, conversations: Sequence[ImportedConversation]
) -> ImportResult:
    """Adds conversations that :func:`read_import_file` checked to the store, all in one
    transaction: if one cannot be added, none is."""
    return ImportResult(store.import_conversations(conversations))


class ExportDialog(QDialog):
    """Asks for the format and whether to include every branch (and, for all chats, a zip)."""

    def __init__(self, *, all_chats: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export all chats") if all_chats else self.tr("Export chat"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.format_box = QComboBox()
        for key, name in format_names().items():
            if all_chats and key == PDF:
                continue  # one PDF per chat is better done one chat at a time
            self.format_box.addItem(name, key)
        form.addRow(self.tr("Format"), self.format_box)
        self.all_branches = QCheckBox(self.tr("Include every branch, not only the one shown"))
        form.addRow("", self.all_branches)
        self.include_thinking = QCheckBox(self.tr("Include the model's thinking (folded away)"))
        self.include_thinking.setChecked(True)
        self.include_thinking.setToolTip(
            self.tr("JSON always keeps the thinking, so an import gives everything back.")
        )
        form.addRow("", self.include_thinking)
        self.as_zip = QCheckBox(self.tr("Put everything in one .zip file"))
        self.as_zip.setChecked(True)
        self.as_zip.setVisible(all_chats)
        form.addRow("", self.as_zip)
        layout.addLayout(form)
        tidy_forms(self)
        note = note_label(
            self.tr(
                "Exports include the model, its settings and the seed of every reply, so a "
                "conversation can be reproduced."
            ),
            is_muted=False,
        )
        layout.addWidget(note)
        layout.addWidget(ok_cancel_buttons(self))

    @property
    def format(self) -> str:
        return str(self.format_box.currentData())

    def options(self) -> ExportOptions:
        """The chosen branches and thinking, with the words in the interface language."""
        return export_options(
            all_branches=self.all_branches.isChecked(),
            include_thinking=self.include_thinking.isChecked(),
        )

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.format]


def filter_for(fmt: str) -> str:
    return f"{format_names()[fmt]} (*{SUFFIXES[fmt]})"


def default_file_name(title: str, fmt: str, taken: Sequence[str] = ()) -> str:
    from desktop.store.export import safe_file_name

    return safe_file_name(title or "chat", SUFFIXES[fmt], set(taken))
