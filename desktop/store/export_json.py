"""Our own JSON: the lossless, versioned backup of a conversation, and its reader.

The app reads its own backup: the whole message tree with ids, parent ids and every
:class:`GenerationInfo` field, so importing it gives the same conversation back. Anything read
from a file is untrusted: :func:`read_import` validates every value and raises
:class:`ImportFormatError` with one sentence naming what is wrong, never half a result. It also
recognizes ChatGPT's export (``store.import_chatgpt``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from desktop.core.conversation import (
    DocumentsNote,
    FinishReason,
    GenerationInfo,
    MessageSource,
    Role,
    StoredMessage,
)
from desktop.store.conversation_import import ImportedConversation, ImportedMessage, ImportedSummary
from desktop.store.export_common import (
    ExportConversation,
    ImportFormatError,
    children_map,
    format_timestamp,
)
from desktop.store.import_archive import is_zip, read_import_archive
from desktop.store.import_chatgpt import read_chatgpt
from desktop.store.import_checks import (
    child_path,
    describe,
    expect,
    expect_enum,
    get_field,
)

CONVERSATION_FORMAT = "hearthside.conversation"
BUNDLE_FORMAT = "hearthside.bundle"
#: Bumped only when an older Hearthside could not read the new files correctly.
FORMAT_VERSION = 1
DEFAULT_MAX_IMPORT_BYTES = 200 * 1024 * 1024


def _finite(value: float | None, default: float | None) -> float | None:
    """JSON has no NaN or infinity; a value that is neither survives as the default."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else default


def _generation_json(info: GenerationInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "model_file": info.model_file,
        "model_sha256": info.model_sha256,
        "quantization": info.quantization,
        "template_origin": info.template_origin,
        "temperature": _finite(info.temperature, None),
        "top_p": _finite(info.top_p, None),
        "top_k": info.top_k,
        "min_p": _finite(info.min_p, None),
        "repeat_penalty": _finite(info.repeat_penalty, None),
        "max_tokens": info.max_tokens,
        "seed": info.seed,
        "prompt_tokens": info.prompt_tokens,
        "generated_tokens": info.generated_tokens,
        "tokens_per_second": _finite(info.tokens_per_second, 0.0),
        # Only on replies that have a documents note, so other files stay as they were.
        **({"documents_note": info.documents_note} if info.documents_note else {}),
        **({"passages_left_out": info.passages_left_out} if info.passages_left_out else {}),
        **({"model_name": info.model_name} if info.model_name else {}),
    }


def _source_json(source: MessageSource) -> dict[str, Any]:
    return {
        "number": source.number,
        "file": source.file,
        "page": source.page,
        "heading": source.heading,
        "text": source.text,
        "highlights": [[start, end] for start, end in source.highlights],
        "collection": source.collection,
    }


def _tree_order(messages: Sequence[StoredMessage]) -> list[StoredMessage]:
    """Parents before children, siblings oldest first: the order an importer can insert in."""
    children = children_map(messages)
    ordered: list[StoredMessage] = []
    stack = list(reversed(children.get(None, [])))
    seen: set[int] = set()
    while stack:
        message = stack.pop()
        if message.id in seen:
            continue
        seen.add(message.id)
        ordered.append(message)
        stack.extend(reversed(children.get(message.id, [])))
    # A parent cycle leaves messages unreachable from any root; keep them rather than lose text.
    ordered.extend(m for m in messages if m.id not in seen)
    return ordered


def _thinking_json(message: StoredMessage) -> dict[str, Any]:
    """Only replies that thought carry the keys, so older readers and files stay as they were."""
    if not message.thinking and message.thinking_seconds is None:
        return {}
    return {
        "thinking": message.thinking,
        "thinking_seconds": _finite(message.thinking_seconds, None),
    }


def _summaries_json(conversation: ExportConversation) -> dict[str, Any]:
    """Running summaries, only when there are any (so other files stay as they were), each
    naming the message ``id`` it covers through; ones whose message is gone are left out."""
    ids = {m.id for m in conversation.messages}
    kept = [s for s in conversation.summaries if s.through_message_id in ids]
    if not kept:
        return {}
    return {
        "summaries": [
            {
                "through_message_id": s.through_message_id,
                "content": s.content,
                "created_at": _finite(s.created_at, 0.0),
                "edited_at": _finite(s.edited_at, None),
            }
            for s in sorted(kept, key=lambda s: (s.created_at, s.id))
        ]
    }


def _conversation_json(conversation: ExportConversation) -> dict[str, Any]:
    summary = conversation.summary
    return {
        "format": CONVERSATION_FORMAT,
        "version": FORMAT_VERSION,
        "id": summary.id,
        "title": summary.title,
        "title_is_auto": summary.title_is_auto,
        "created_at": _finite(summary.created_at, 0.0),
        "updated_at": _finite(summary.updated_at, 0.0),
        "created": format_timestamp(summary.created_at),
        "updated": format_timestamp(summary.updated_at),
        "pinned": summary.pinned,
        "deleted_at": _finite(summary.deleted_at, None),
        "model_file": summary.model_file,
        "system_prompt": summary.system_prompt,
        "settings": dict(conversation.settings),
        "current_leaf_id": summary.current_leaf_id,
        "messages": [
            {
                "id": m.id,
                "parent_id": m.parent_id,
                "role": m.role.value,
                "content": m.content,
                "created_at": _finite(m.created_at, 0.0),
                "finished_at": _finite(m.finished_at, None),
                "finish_reason": m.finish_reason.value if m.finish_reason else None,
                "generation": _generation_json(m.generation),
                **_thinking_json(m),
                **({"sources": [_source_json(x) for x in m.sources]} if m.sources else {}),
            }
            for m in _tree_order(conversation.messages)
        ],
        **_summaries_json(conversation),
    }


def _dumps(value: Any) -> str:
    # default=str: settings are meant to hold JSON values; anything else is kept as its text
    # rather than failing the whole export.
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False, default=str) + "\n"


def export_json(conversation: ExportConversation) -> str:
    """The lossless backup: always the whole tree, whatever branch is on screen."""
    return _dumps(_conversation_json(conversation))


def export_bundle_json(conversations: Iterable[ExportConversation]) -> str:
    """Many conversations in one JSON file (``hearthside.bundle``), read by :func:`read_import`."""
    return _dumps(
        {
            "format": BUNDLE_FORMAT,
            "version": FORMAT_VERSION,
            "conversations": [_conversation_json(c) for c in conversations],
        }
    )


def to_imported(conversation: ExportConversation) -> ImportedConversation:
    """What importing this conversation's JSON export yields (also a cheap way to copy one)."""
    ordered = _tree_order(conversation.messages)
    ids = {m.id for m in ordered}
    index = {m.id: i for i, m in enumerate(ordered)}
    summary = conversation.summary
    return ImportedConversation(
        title=summary.title,
        created_at=float(summary.created_at),
        updated_at=float(summary.updated_at),
        pinned=summary.pinned,
        model_file=summary.model_file,
        system_prompt=summary.system_prompt,
        settings=dict(conversation.settings),
        messages=tuple(
            ImportedMessage(
                key=str(m.id),
                parent_key=str(m.parent_id) if m.parent_id in ids else None,
                role=m.role,
                content=m.content,
                created_at=float(m.created_at),
                finished_at=None if m.finished_at is None else float(m.finished_at),
                finish_reason=m.finish_reason,
                generation=m.generation,
                thinking=m.thinking,
                thinking_seconds=m.thinking_seconds,
                sources=m.sources,
            )
            for m in ordered
        ),
        current_leaf_index=index.get(summary.current_leaf_id),  # type: ignore[arg-type]
        title_is_auto=summary.title_is_auto,
        summaries=tuple(
            ImportedSummary(
                through_key=str(s.through_message_id),
                content=s.content,
                created_at=float(_finite(s.created_at, 0.0)),  # type: ignore[arg-type]
                edited_at=_finite(s.edited_at, None),
            )
            for s in sorted(conversation.summaries, key=lambda s: (s.created_at, s.id))
            if s.through_message_id in ids
        ),
    )


def read_import(
    data: bytes | str, *, max_bytes: int = DEFAULT_MAX_IMPORT_BYTES
) -> list[ImportedConversation]:
    """Conversations from our JSON export (one, a bundle, or a list) or ChatGPT's export, or
    from a .zip of them (``store/import_archive.py``).

    Raises :class:`ImportFormatError` for anything else; never returns part of a file.
    ``max_bytes`` counts bytes for ``bytes`` input and characters for ``str`` input. Messages
    come back parents first, as ``ConversationStore.import_conversation`` needs them.
    """
    size = len(data)
    if size > max_bytes:
        raise ImportFormatError(
            f"The file is too large to import ({size / 1e6:.0f} MB; the limit is "
            f"{max_bytes / 1e6:.0f} MB)."
        )
    if isinstance(data, bytes) and is_zip(data):  # Export all chats' .zip, ChatGPT's export
        return read_import_archive(
            data, lambda member: read_import(member, max_bytes=max_bytes), max_bytes
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFormatError(
                f"The file is not UTF-8 text (byte {error.start + 1} is invalid)."
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    if not text.strip():
        raise ImportFormatError("The file is empty.")
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        # A string left open, or an error past the last character: the file stops mid-way
        # (an interrupted download or copy), which "Unterminated string starting at" hid.
        if error.msg.startswith("Unterminated string") or error.pos >= len(text.rstrip()):
            raise ImportFormatError(
                "The file ends too early: it was cut short, perhaps by an unfinished "
                "download or copy."
            ) from None
        raise ImportFormatError(f"Line {error.lineno}: not valid JSON ({error.msg}).") from None
    except RecursionError:
        raise ImportFormatError("The file is nested too deeply to be a conversation.") from None
    except ValueError as error:  # NaN/Infinity, or an integer with thousands of digits
        raise ImportFormatError(
            f"The file contains a value JSON does not allow ({error})."
        ) from None
    try:
        return _read_document(document)
    except RecursionError:
        raise ImportFormatError("The file is nested too deeply to be a conversation.") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _read_document(document: Any) -> list[ImportedConversation]:
    if isinstance(document, dict):
        if "format" in document:
            kind = document["format"]
            if kind == CONVERSATION_FORMAT:
                return [_read_ours(document, "")]
            if kind == BUNDLE_FORMAT:
                _check_version(document, "")
                items = get_field(document, "conversations", list, "")
                return [
                    _read_ours(expect(item, dict, f"conversations[{i}]"), f"conversations[{i}]")
                    for i, item in enumerate(items)
                ]
            raise ImportFormatError(
                f"This is not a Hearthside or ChatGPT export (format “{describe(kind)}”)."
            )
        if "mapping" in document:
            return [read_chatgpt(document, "")]
        raise ImportFormatError(
            "This JSON file is not a Hearthside or ChatGPT conversation export."
        )
    if isinstance(document, list):
        result = []
        for i, item in enumerate(document):
            where = f"[{i}]"
            if isinstance(item, dict) and item.get("format") == CONVERSATION_FORMAT:
                result.append(_read_ours(item, where))
            elif isinstance(item, dict) and "mapping" in item:
                result.append(read_chatgpt(item, where))
            else:
                raise ImportFormatError(
                    f"Item {i + 1} in the list is neither a ChatGPT conversation nor a "
                    "Hearthside export."
                )
        return result
    raise ImportFormatError("This JSON file is not a Hearthside or ChatGPT conversation export.")


def _check_version(document: dict, where: str) -> None:
    version = get_field(document, "version", int, where)
    if version > FORMAT_VERSION:
        raise ImportFormatError(
            f"This file was made by a newer Hearthside (format version {version})."
        )
    if version < 1:
        raise ImportFormatError(f"Unknown format version {version}.")


def _json_value(value: Any, where: str) -> None:
    """Settings are stored as JSON later; strings in them must be encodable like any other."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            expect(item, str, path)
        elif isinstance(item, dict):
            stack.extend((v, child_path(path, str(k))) for k, v in item.items())
            for key in item:
                expect(key, str, path)
        elif isinstance(item, list):
            stack.extend((v, child_path(path, i)) for i, v in enumerate(item))


def _read_generation(obj: Any, where: str) -> GenerationInfo | None:
    if obj is None:
        return None
    expect(obj, dict, where)
    return GenerationInfo(
        model_file=get_field(obj, "model_file", str, where, default=""),
        model_sha256=get_field(obj, "model_sha256", str, where, default=None, optional=True),
        quantization=get_field(obj, "quantization", str, where, default=None, optional=True),
        template_origin=get_field(obj, "template_origin", str, where, default=""),
        temperature=get_field(obj, "temperature", float, where, default=None, optional=True),
        top_p=get_field(obj, "top_p", float, where, default=None, optional=True),
        top_k=get_field(obj, "top_k", int, where, default=None, optional=True),
        min_p=get_field(obj, "min_p", float, where, default=None, optional=True),
        repeat_penalty=get_field(obj, "repeat_penalty", float, where, default=None, optional=True),
        max_tokens=get_field(obj, "max_tokens", int, where, default=None, optional=True),
        seed=get_field(obj, "seed", int, where, default=None, optional=True),
        prompt_tokens=get_field(obj, "prompt_tokens", int, where, default=0),
        generated_tokens=get_field(obj, "generated_tokens", int, where, default=0),
        tokens_per_second=get_field(obj, "tokens_per_second", float, where, default=0.0),
        documents_note=_read_documents_note(obj, where),
        passages_left_out=_read_left_out(obj, where),
        model_name=get_field(obj, "model_name", str, where, default=""),
    )


def _read_left_out(obj: dict, where: str) -> int:
    count = get_field(obj, "passages_left_out", int, where, default=0)
    if count < 0:
        raise ImportFormatError(f"“{child_path(where, 'passages_left_out')}” is negative.")
    return count


def _read_documents_note(obj: dict, where: str) -> str:
    """A note this version knows, or "": a note from a newer version is left out rather than
    refusing the file (it only words a line under the reply)."""
    note = get_field(obj, "documents_note", str, where, default="")
    return note if note in {n.value for n in DocumentsNote} else ""


def _read_sources(obj: Any, where: str) -> tuple[MessageSource, ...]:
    if obj is None:
        return ()
    expect(obj, list, where)
    sources = []
    for i, raw in enumerate(obj):
        at = child_path(where, i)
        expect(raw, dict, at)
        highlights = get_field(raw, "highlights", list, at, default=[])
        pairs = []
        for j, pair in enumerate(highlights):
            expect(pair, list, child_path(child_path(at, "highlights"), j))
            if len(pair) != 2 or not all(type(x) is int and x >= 0 for x in pair):
                raise ImportFormatError(
                    f"“{child_path(child_path(at, 'highlights'), j)}” should be two character"
                    " offsets."
                )
            pairs.append((pair[0], pair[1]))
        sources.append(
            MessageSource(
                number=get_field(raw, "number", int, at),
                file=get_field(raw, "file", str, at),
                page=get_field(raw, "page", int, at, default=None, optional=True),
                heading=get_field(raw, "heading", str, at, default=None, optional=True),
                text=get_field(raw, "text", str, at, default=""),
                highlights=tuple(pairs),
                collection=get_field(raw, "collection", str, at, default=""),
            )
        )
    return tuple(sources)


def _read_ours(document: dict, where: str) -> ImportedConversation:
    _check_version(document, where)
    settings = get_field(document, "settings", dict, where, default={})
    _json_value(settings, child_path(where, "settings"))
    raw_messages = get_field(document, "messages", list, where)
    messages: list[ImportedMessage] = []
    ids: dict[int, int] = {}
    for i, raw in enumerate(raw_messages):
        at = child_path(child_path(where, "messages"), i)
        expect(raw, dict, at)
        message_id = get_field(raw, "id", int, at)
        if message_id in ids:
            raise ImportFormatError(
                f"“{child_path(at, 'id')}” repeats id {message_id} from message"
                f" {ids[message_id] + 1}."
            )
        ids[message_id] = i
        parent = get_field(raw, "parent_id", int, at, default=None, optional=True)
        messages.append(
            ImportedMessage(
                key=str(message_id),
                parent_key=None if parent is None else str(parent),
                role=expect_enum(raw.get("role"), Role, child_path(at, "role")),
                content=get_field(raw, "content", str, at),
                created_at=get_field(raw, "created_at", float, at, default=0.0),
                finished_at=get_field(raw, "finished_at", float, at, default=None, optional=True),
                finish_reason=expect_enum(
                    raw.get("finish_reason"),
                    FinishReason,
                    child_path(at, "finish_reason"),
                    optional=True,
                ),
                generation=_read_generation(raw.get("generation"), child_path(at, "generation")),
                thinking=get_field(raw, "thinking", str, at, default=""),
                thinking_seconds=_read_seconds(raw, at),
                sources=_read_sources(raw.get("sources"), child_path(at, "sources")),
            )
        )
    for i, message in enumerate(messages):
        if message.parent_key is not None and int(message.parent_key) not in ids:
            at = child_path(child_path(child_path(where, "messages"), i), "parent_id")
            raise ImportFormatError(
                f"“{at}” refers to message {message.parent_key}, which is not in the file."
            )
    ordered = _parents_first(messages, child_path(where, "messages"))
    leaf = get_field(document, "current_leaf_id", int, where, default=None, optional=True)
    leaf_index: int | None = None
    if leaf is not None:
        positions = {m.key: n for n, m in enumerate(ordered)}
        if str(leaf) not in positions:
            raise ImportFormatError(
                f"“{child_path(where, 'current_leaf_id')}” refers to message {leaf}, which is not"
                " in the file."
            )
        leaf_index = positions[str(leaf)]
    get_field(document, "deleted_at", float, where, default=None, optional=True)
    summaries = _read_summaries(document, ids, where)
    return ImportedConversation(
        title=get_field(document, "title", str, where, default=""),
        created_at=get_field(document, "created_at", float, where, default=0.0),
        updated_at=get_field(document, "updated_at", float, where, default=0.0),
        pinned=get_field(document, "pinned", bool, where, default=False),
        model_file=get_field(document, "model_file", str, where, default=""),
        system_prompt=get_field(document, "system_prompt", str, where, default=""),
        settings=settings,
        messages=tuple(ordered),
        current_leaf_index=leaf_index,
        title_is_auto=get_field(document, "title_is_auto", bool, where, default=False),
        summaries=summaries,
    )


def _read_summaries(
    document: dict, ids: Mapping[int, int], where: str
) -> tuple[ImportedSummary, ...]:
    """Running summaries; one that names a message the file lacks refuses the file, like a
    missing parent does: the summary would stand for turns nobody can see."""
    raw_summaries = get_field(document, "summaries", list, where, default=[])
    summaries = []
    for i, raw in enumerate(raw_summaries):
        at = child_path(child_path(where, "summaries"), i)
        expect(raw, dict, at)
        through = get_field(raw, "through_message_id", int, at)
        if through not in ids:
            raise ImportFormatError(
                f"“{child_path(at, 'through_message_id')}” refers to message {through}, which is"
                " not in the file."
            )
        summaries.append(
            ImportedSummary(
                through_key=str(through),
                content=get_field(raw, "content", str, at),
                created_at=get_field(raw, "created_at", float, at, default=0.0),
                edited_at=get_field(raw, "edited_at", float, at, default=None, optional=True),
            )
        )
    return tuple(summaries)


def _read_seconds(raw: dict, where: str) -> float | None:
    seconds = get_field(raw, "thinking_seconds", float, where, default=None, optional=True)
    if seconds is not None and seconds < 0:
        raise ImportFormatError(f"“{child_path(where, 'thinking_seconds')}” is negative.")
    return seconds


def _parents_first(messages: list[ImportedMessage], where: str) -> list[ImportedMessage]:
    """File order, except that a child listed before its parent moves after it; cycles fail."""
    by_key = {m.key: m for m in messages}
    placed: set[str] = set()
    ordered: list[ImportedMessage] = []
    for message in messages:
        chain: list[ImportedMessage] = []
        cursor: ImportedMessage | None = message
        on_chain: set[str] = set()
        while cursor is not None and cursor.key not in placed:
            if cursor.key in on_chain:
                raise ImportFormatError(
                    f"“{where}” has a loop: message {cursor.key} is its own ancestor."
                )
            on_chain.add(cursor.key)
            chain.append(cursor)
            cursor = by_key.get(cursor.parent_key) if cursor.parent_key is not None else None
        for item in reversed(chain):
            placed.add(item.key)
            ordered.append(item)
    return ordered
