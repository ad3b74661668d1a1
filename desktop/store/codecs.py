"""Values to and from their stored form: generation info and sources as JSON, settings, and
whole rows of messages, conversations and summaries.

Rows are decoded one at a time: an unknown role or broken JSON in one message skips or repairs
that message and is logged, so it never hides the other conversations.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from collections.abc import Sequence
from typing import Any, Final

from desktop.core.conversation import (
    ConversationSummary,
    FinishReason,
    GenerationInfo,
    MessageSource,
    Role,
    RunningSummary,
    StoredMessage,
)

log = logging.getLogger(__name__)


def _field_kind(annotation: str) -> tuple[type, bool]:
    base = annotation.split("|")[0].strip()
    return {"str": str, "int": int, "float": float}[base], "None" in annotation


# name -> (type, may be None); GenerationInfo holds only str, int and float fields.
_GEN_KINDS: Final = {f.name: _field_kind(str(f.type)) for f in dataclasses.fields(GenerationInfo)}


def encode_generation(info: GenerationInfo | None) -> str | None:
    """JSON of every GenerationInfo field; None stays None (a user message has none)."""
    if info is None:
        return None
    values = {name: getattr(info, name) for name in _GEN_KINDS}
    return json.dumps(values, ensure_ascii=False, allow_nan=False)


def decode_generation(text: object) -> GenerationInfo | None:
    """Keeps every field that is readable and of the right type; unknown keys (from a later
    version) are ignored, broken JSON gives None. Runs once per reply when a long
    conversation opens, hence the plain loop."""
    if not isinstance(text, str):
        return None
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    values: dict[str, Any] = {}
    for name, value in raw.items():
        kind = _GEN_KINDS.get(name)
        if kind is None:
            continue
        expected, optional = kind
        if value is None:
            if optional:
                values[name] = None
        elif type(value) is expected:
            if expected is not float or math.isfinite(value):
                values[name] = value
        elif expected is float and type(value) is int:
            values[name] = float(value)
    return GenerationInfo(**values)


def encode_sources(sources: Sequence[MessageSource]) -> str:
    """JSON list of the sources; "" for none (the column's default)."""
    if not sources:
        return ""
    return json.dumps(
        [dataclasses.asdict(source) for source in sources], ensure_ascii=False, allow_nan=False
    )


def _decode_source(raw: object) -> MessageSource | None:
    if not isinstance(raw, dict):
        return None
    number, file = raw.get("number"), raw.get("file")
    if type(number) is not int or not isinstance(file, str):
        return None
    page, heading, text = raw.get("page"), raw.get("heading"), raw.get("text")
    collection = raw.get("collection")
    highlights: list[tuple[int, int]] = []
    for pair in raw.get("highlights") or ():
        if (
            isinstance(pair, list | tuple)
            and len(pair) == 2
            and all(type(v) is int for v in pair)
            and 0 <= pair[0] <= pair[1]
        ):
            highlights.append((pair[0], pair[1]))
    return MessageSource(
        number=number,
        file=file,
        page=page if type(page) is int else None,
        heading=heading if isinstance(heading, str) else None,
        text=text if isinstance(text, str) else "",
        highlights=tuple(highlights),
        collection=collection if isinstance(collection, str) else "",
    )


def decode_sources(text: object) -> tuple[MessageSource, ...]:
    """Keeps each readable source; broken JSON or entries give fewer sources, never an error."""
    if not isinstance(text, str) or not text:
        return ()
    try:
        raw = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(raw, list):
        return ()
    return tuple(s for s in map(_decode_source, raw) if s is not None)


def decode_settings(text: object) -> dict[str, Any]:
    """A conversation's sampling settings; {} when unset or unreadable."""
    if not isinstance(text, str):
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _time(value: object, default: float = 0.0) -> float:
    if type(value) is float:
        return value if math.isfinite(value) else default
    return float(value) if type(value) is int else default


def _optional_time(value: object) -> float | None:
    return None if value is None else _time(value)


def as_text(value: object) -> str:
    """A TEXT column as str, whatever a hand-edited file put there."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _optional_id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


MESSAGE_COLUMNS: Final = (
    "m.id, m.conversation_id, m.parent_id, m.role, m.content, m.created_at, m.finished_at,"
    " m.finish_reason, m.generation, m.thinking, m.thinking_seconds, m.sources"
)


_ROLES: Final = {r.value: r for r in Role}
_FINISH_REASONS: Final = {r.value: r for r in FinishReason}


def decode_message(row: Sequence[Any]) -> StoredMessage | None:
    """None for a row that cannot be shown (unknown role); other damage is repaired."""
    try:
        (
            id_,
            conversation_id,
            parent_id,
            role,
            content,
            created,
            finished,
            reason,
            gen,
            thinking,
            thinking_seconds,
            sources,
        ) = row
        role = _ROLES.get(role)
        if role is None:
            log.warning("skipping message %s: unknown role %r", id_, row[3])
            return None
        finish_reason: FinishReason | None = None
        if reason is not None:
            finish_reason = _FINISH_REASONS.get(reason)
            if finish_reason is None:
                log.warning("message %s: unknown finish reason %r", id_, reason)
                finish_reason = FinishReason.ERROR
        return StoredMessage(
            id=id_,
            conversation_id=conversation_id,
            parent_id=_optional_id(parent_id),
            role=role,
            content=as_text(content),
            created_at=_time(created),
            finished_at=_optional_time(finished),
            finish_reason=finish_reason,
            generation=decode_generation(gen) if role is Role.ASSISTANT else None,
            thinking=as_text(thinking),
            thinking_seconds=_optional_time(thinking_seconds),
            sources=decode_sources(sources),
        )
    except Exception:  # one damaged row must not take the rest down
        log.exception("skipping unreadable message row")
        return None


def decode_messages(rows: Sequence[Sequence[Any]]) -> list[StoredMessage]:
    return [m for m in map(decode_message, rows) if m is not None]


CONVERSATION_COLUMNS: Final = (
    "c.id, c.title, c.title_is_auto, c.created_at, c.updated_at, c.pinned, c.deleted_at,"
    " c.model_file, c.system_prompt, c.current_leaf_id,"
    " (SELECT count(*) FROM messages WHERE conversation_id = c.id)"
)


def decode_conversation(row: Sequence[Any]) -> ConversationSummary | None:
    try:
        (id_, title, auto, created, updated, pinned, deleted, model, prompt, leaf, count) = row
        return ConversationSummary(
            id=id_,
            title=as_text(title),
            title_is_auto=bool(auto),
            created_at=_time(created),
            updated_at=_time(updated),
            pinned=bool(pinned),
            deleted_at=_optional_time(deleted),
            model_file=as_text(model),
            system_prompt=as_text(prompt),
            current_leaf_id=_optional_id(leaf),
            message_count=int(count),
        )
    except Exception:
        log.exception("skipping unreadable conversation row")
        return None


def decode_summary(row: Sequence[Any]) -> RunningSummary | None:
    try:
        return RunningSummary(
            id=int(row[0]),
            conversation_id=int(row[1]),
            through_message_id=int(row[2]),
            content=as_text(row[3]),
            created_at=_time(row[4]),
            edited_at=_optional_time(row[5]),
        )
    except (TypeError, ValueError):
        log.warning("skipping an unreadable summary row")
        return None
