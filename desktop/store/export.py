"""Conversation export (Markdown, JSON, HTML, plain text) and import (our JSON, ChatGPT's).

Two audiences shape this module:

* A person reading a transcript later, maybe to reproduce it. Every format therefore carries
  the model file, quantization, SHA-256, system prompt and, per reply, the sampling parameters,
  seed, token counts, speed and finish reason.
* The app reading its own backup. The JSON format is versioned and lossless: the whole message
  tree with ids, parent ids and every :class:`GenerationInfo` field, so importing it gives the
  same conversation back. Anything read from a file is untrusted: :func:`read_import` validates
  every value and raises :class:`ImportFormatError` with one sentence naming what is wrong,
  never a ``KeyError`` from deep inside and never half a result.

Model output is untrusted in the HTML export too: the page carries a Content-Security-Policy
that forbids scripts and every remote load, all text is escaped, and replies go through
:func:`desktop.core.markdown.render_markdown`, which already refuses raw HTML and images.

Pure Python: the UI passes translated words in through :class:`ExportLabels`.

This module is the entry point: ``export_conversation`` and ``export_all`` dispatch to the
writers, and every public name of the parts is importable from here. The parts:
``export_common`` (values, labels, the tree walk, metadata), ``export_markdown`` (Markdown and
plain text), ``export_html``, ``export_json`` (our JSON, written and read), ``import_chatgpt``,
``import_checks`` (validation of untrusted JSON), ``import_archive`` (a .zip of them).
"""

from __future__ import annotations

import os
import secrets
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop.core.file_names import safe_path_part
from desktop.store.conversation_import import ImportedConversation, ImportedMessage, ImportedSummary
from desktop.store.export_common import (
    DEFAULT_OPTIONS,
    ExportConversation,
    ExportFormat,
    ExportLabels,
    ExportOptions,
    ImportFormatError,
    TranscriptEvent,
    TranscriptPart,
    conversation_metadata,
    documents_note_text,
    format_timestamp,
    headline_generation,
    message_metadata,
    source_place,
    summaries_by_message,
    summary_title,
    transcript_events,
    transcript_parts,
    visible_path,
)
from desktop.store.export_html import (
    export_html,
    render_reply_html,
)
from desktop.store.export_json import (
    BUNDLE_FORMAT,
    CONVERSATION_FORMAT,
    DEFAULT_MAX_IMPORT_BYTES,
    FORMAT_VERSION,
    export_bundle_json,
    export_json,
    read_import,
    to_imported,
)
from desktop.store.export_markdown import (
    export_markdown,
    export_text,
)

__all__ = [
    "BUNDLE_FORMAT",
    "CONVERSATION_FORMAT",
    "DEFAULT_MAX_IMPORT_BYTES",
    "FORMAT_VERSION",
    "ExportAllResult",
    "ExportConversation",
    "ExportFormat",
    "ExportLabels",
    "ExportOptions",
    "ImportFormatError",
    "ImportedConversation",
    "ImportedMessage",
    "ImportedSummary",
    "ProgressCallback",
    "TranscriptEvent",
    "TranscriptPart",
    "conversation_metadata",
    "documents_note_text",
    "export_all",
    "export_bundle_json",
    "export_conversation",
    "export_html",
    "export_json",
    "export_markdown",
    "export_text",
    "format_timestamp",
    "headline_generation",
    "message_metadata",
    "read_import",
    "render_reply_html",
    "safe_file_name",
    "source_place",
    "summaries_by_message",
    "summary_title",
    "to_imported",
    "transcript_events",
    "transcript_parts",
    "visible_path",
]


#: ``(done, total) -> keep_going``; returning False cancels :func:`export_all`.
ProgressCallback = Callable[[int, int], bool]


def export_conversation(
    conversation: ExportConversation,
    fmt: ExportFormat | str,
    options: ExportOptions = DEFAULT_OPTIONS,
) -> str:
    """Dispatch by format. JSON ignores ``options``: it always holds the whole tree, thinking
    included."""
    fmt = ExportFormat(fmt)
    if fmt is ExportFormat.JSON:
        return export_json(conversation)
    writer = {
        ExportFormat.MARKDOWN: export_markdown,
        ExportFormat.HTML: export_html,
        ExportFormat.TEXT: export_text,
    }[fmt]
    return writer(conversation, options)


_MAX_STEM_BYTES = 120  # well under the 255-byte name limit, leaving room for " (99).html"


def safe_file_name(title: str, suffix: str, taken: set[str] | None = None) -> str:
    """A file name that is valid on Windows, macOS and Linux and not already in ``taken``.

    ``taken`` holds lower-cased names (case-insensitive file systems treat ``A`` and ``a`` as
    one file); the chosen name is added to it.
    """
    stem = safe_path_part(title, "Conversation", _MAX_STEM_BYTES)
    taken = taken if taken is not None else set()
    name = f"{stem}{suffix}"
    number = 2
    while name.lower() in taken:
        name = f"{stem} ({number}){suffix}"
        number += 1
    taken.add(name.lower())
    return name


@dataclass(frozen=True, slots=True)
class ExportAllResult:
    """``paths``: files written (the .zip, or one per conversation); empty when cancelled."""

    paths: tuple[Path, ...]
    cancelled: bool = False


def export_all(
    conversations: Iterable[ExportConversation],
    destination: Path,
    fmt: ExportFormat | str,
    *,
    zip: bool,
    options: ExportOptions = DEFAULT_OPTIONS,
    progress: ProgressCallback | None = None,
) -> ExportAllResult:
    """Every conversation, one file each, into folder ``destination`` or zip file ``destination``.

    All or nothing: files are written under temporary names and renamed when complete; on
    cancel (``progress`` returned False) or error, what this call wrote is removed again and
    existing files are never overwritten (new names get a number instead).
    """
    fmt = ExportFormat(fmt)
    items = list(conversations)
    total = len(items)
    report: ProgressCallback = progress or (lambda done, total: True)
    if not report(0, total):
        return ExportAllResult((), cancelled=True)
    rendered = _rendered(items, fmt, options, report)
    if zip:
        return _export_zip(rendered, Path(destination), fmt.suffix)
    return _export_folder(rendered, Path(destination), fmt.suffix)


def _rendered(
    items: list[ExportConversation],
    fmt: ExportFormat,
    options: ExportOptions,
    report: ProgressCallback,
) -> Iterator[tuple[ExportConversation, str]]:
    """Each conversation with its text, for the zip and the folder writer alike (they differ
    only in where the text goes). After the caller has written one, ``report`` hears of it,
    and _Cancelled ends the loop when it says stop."""
    for done, conversation in enumerate(items, start=1):
        yield conversation, export_conversation(conversation, fmt, options)
        if not report(done, len(items)):
            raise _Cancelled


def _export_zip(
    rendered: Iterator[tuple[ExportConversation, str]], destination: Path, suffix: str
) -> ExportAllResult:
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = _new_partial(destination)
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            taken: set[str] = set()
            for conversation, text in rendered:
                name = safe_file_name(conversation.summary.title, suffix, taken)
                archive.writestr(name, text.encode("utf-8"))
        os.replace(temp, destination)
    except _Cancelled:
        temp.unlink(missing_ok=True)
        return ExportAllResult((), cancelled=True)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return ExportAllResult((destination,))


def _export_folder(
    rendered: Iterator[tuple[ExportConversation, str]], destination: Path, suffix: str
) -> ExportAllResult:
    destination.mkdir(parents=True, exist_ok=True)
    taken = {entry.name.lower() for entry in destination.iterdir()}
    written: list[Path] = []
    try:
        for conversation, text in rendered:
            target = destination / safe_file_name(conversation.summary.title, suffix, taken)
            _write_atomically(target, text)
            written.append(target)
    except _Cancelled:
        for path in written:
            path.unlink(missing_ok=True)
        return ExportAllResult((), cancelled=True)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return ExportAllResult(tuple(written))


class _Cancelled(Exception):
    pass


def _new_partial(target: Path) -> tuple[int, Path]:
    """A new, uniquely named ``.partial`` file beside ``target``, open for writing, with the
    permissions any file the user saves gets (0o666 less the umask). ``tempfile.mkstemp``
    made every exported file readable by its owner only (0o600), unlike a chat exported on
    its own: a backup copied to another computer or user could not be opened there."""
    while True:
        temp = target.parent / f".{target.name}.{secrets.token_hex(4)}.partial"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue


def _write_atomically(target: Path, text: str) -> None:
    handle, temp_name = _new_partial(target)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
