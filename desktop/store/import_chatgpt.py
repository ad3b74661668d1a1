"""ChatGPT's export (``conversations.json``) read into conversations to import: the message
tree as ChatGPT keeps it (a mapping of nodes with parents), text parts only; tool calls,
images and other content are skipped, reasoning becomes the reply's thinking.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from typing import Any

from desktop.core.conversation import (
    FinishReason,
    Role,
)
from desktop.store.conversation_import import ImportedConversation, ImportedMessage
from desktop.store.export_markdown import (
    fence,
)
from desktop.store.import_checks import (
    ImportFormatError,
    child_path,
    describe,
    expect,
    get_field,
)

_CHATGPT_SKIPPED_CONTENT = frozenset(
    {
        "thoughts",
        "reasoning_recap",
        "user_editable_context",
        "model_editable_context",
        "system_error",
        "tether_browsing_display",
        "tether_quote",
        "execution_output",
    }
)


_CHATGPT_FINISH = {
    "stop": FinishReason.STOP,
    "max_tokens": FinishReason.LENGTH,
    "interrupted": FinishReason.CANCELLED,
}


def _chatgpt_text(content: dict, where: str) -> str | None:
    """The visible text of a message's content, placeholders for non-text parts; None to skip."""
    kind = get_field(content, "content_type", str, where, default="text")
    if kind in _CHATGPT_SKIPPED_CONTENT:
        return None
    if kind == "code":
        return fence(get_field(content, "text", str, where, default=""))
    if "parts" in content:
        parts = get_field(content, "parts", list, where)
        pieces: list[str] = []
        for i, part in enumerate(parts):
            if isinstance(part, str):
                pieces.append(expect(part, str, child_path(child_path(where, "parts"), i)))
            elif isinstance(part, dict):
                part_kind = part.get("content_type")
                if part_kind == "image_asset_pointer":
                    pieces.append("[image]")
                elif part_kind == "audio_transcription" and isinstance(part.get("text"), str):
                    pieces.append(
                        expect(part["text"], str, child_path(child_path(where, "parts"), i))
                    )
                else:
                    pieces.append(
                        f"[{describe(part_kind) if isinstance(part_kind, str) else 'attachment'}]"
                    )
            elif part is not None:
                pieces.append(f"[{type(part).__name__}]")
        return "\n\n".join(piece for piece in pieces if piece)
    if isinstance(content.get("text"), str):
        return expect(content["text"], str, child_path(where, "text"))
    return f"[{describe(kind)}]"


def read_chatgpt(document: dict, where: str) -> ImportedConversation:
    mapping = get_field(document, "mapping", dict, where)
    where_map = child_path(where, "mapping")
    created = get_field(document, "create_time", float, where, default=None, optional=True)
    updated = get_field(document, "update_time", float, where, default=None, optional=True)
    created = created if created is not None else 0.0
    updated = updated if updated is not None else created
    title = get_field(document, "title", str, where, default=None, optional=True) or ""
    current = get_field(document, "current_node", str, where, default=None, optional=True)
    if current is not None and current not in mapping:
        raise ImportFormatError(
            f"“{child_path(where, 'current_node')}” names the message “{current}”, which the "
            "conversation does not have; the file is damaged."
        )

    # Validate the shape of every node first, so the walk below cannot hit a bad type.
    parents: dict[str, str | None] = {}
    children: dict[str, list[str]] = {}
    for node_id, node in mapping.items():
        at = f"{where_map}[{json.dumps(node_id, ensure_ascii=False)}]"
        expect(node, dict, at)
        parent = get_field(node, "parent", str, at, default=None, optional=True)
        if parent is not None and parent not in mapping:
            # The file lost part of its tree: importing the rest would make a chat that never
            # was (an orphan turned root, or nothing at all). Refused with the whole file.
            raise ImportFormatError(
                f"“{child_path(at, 'parent')}” names the message “{parent}”, which the "
                "conversation does not have; the file is damaged."
            )
        parents[node_id] = parent
        kids = get_field(node, "children", list, at, default=[])
        for i, kid in enumerate(kids):
            expect(kid, str, child_path(child_path(at, "children"), i))
    for node_id, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(node_id)
    # Children in the order the file lists them under their parent; the rest after.
    for parent, kids in children.items():
        mine = set(kids)
        listed = [k for k in mapping[parent].get("children", []) if k in mine]
        children[parent] = list(dict.fromkeys(listed + kids))

    kept: dict[str, ImportedMessage] = {}
    system_prompt = ""
    order: list[ImportedMessage] = []
    nearest_kept: dict[str, str | None] = {}
    roots = [n for n, p in parents.items() if p is None]
    # Reasoning models' "thoughts" and "Thought for 12 seconds" nodes come before the reply they
    # belong to; they travel down the branch as (thinking, seconds) until that reply takes them.
    no_thoughts = _Thoughts()
    stack: list[tuple[str, str | None, _Thoughts]] = [
        (n, None, no_thoughts) for n in reversed(roots)
    ]
    visited: set[str] = set()
    while stack:
        node_id, kept_parent, thoughts = stack.pop()
        if node_id in visited:
            continue
        visited.add(node_id)
        at = f"{where_map}[{json.dumps(node_id, ensure_ascii=False)}].message"
        raw = mapping[node_id].get("message")
        message = _read_chatgpt_message(raw, at, kept_parent, node_id, created)
        anchor = kept_parent
        thoughts = _chatgpt_thoughts(raw, thoughts)
        if isinstance(message, ImportedMessage):
            if message.role is Role.ASSISTANT and not thoughts.empty:
                message = dataclasses.replace(
                    message, thinking=thoughts.text(), thinking_seconds=thoughts.seconds
                )
            thoughts = no_thoughts
            kept[node_id] = message
            order.append(message)
            anchor = node_id
        elif isinstance(message, str) and not system_prompt:
            system_prompt = message
        nearest_kept[node_id] = anchor
        stack.extend((kid, anchor, thoughts) for kid in reversed(children.get(node_id, [])))

    leaf_index: int | None = None
    if current is not None and current in nearest_kept and nearest_kept[current] is not None:
        leaf_key = nearest_kept[current]
        leaf_index = next(i for i, m in enumerate(order) if m.key == leaf_key)
    return ImportedConversation(
        title=title,
        created_at=created,
        updated_at=updated,
        pinned=False,
        model_file="",
        system_prompt=system_prompt,
        settings={},
        messages=tuple(order),
        current_leaf_index=leaf_index,
        # An untitled chat gets a title the usual way; a ChatGPT title is kept as given.
        title_is_auto=not title,
    )


_RECAP_TIME = re.compile(r"(\d+(?:\.\d+)?)\s*(m|min|minutes?|s|sec|seconds?)\b", re.I)


@dataclasses.dataclass(frozen=True, slots=True)
class _Thoughts:
    """The thinking pending for the next reply down a branch: a persistent list (each node
    points to the one before), so adding a part copies nothing and branches share what came
    before them. Joined once, by the reply that takes it: linear in the text, where joining
    the string at every node was quadratic (51 MB of thoughts: 19 s and 885 MB)."""

    part: str = ""
    before: _Thoughts | None = None
    seconds: float | None = None

    @property
    def empty(self) -> bool:
        return self.before is None and not self.part and self.seconds is None

    def add(self, part: str) -> _Thoughts:
        return _Thoughts(part, self, self.seconds)

    def text(self) -> str:
        parts: list[str] = []
        node: _Thoughts | None = self
        while node is not None:
            if node.part:
                parts.append(node.part)
            node = node.before
        return "\n\n".join(reversed(parts))


def _chatgpt_thoughts(raw: Any, pending: _Thoughts) -> _Thoughts:
    """Adds what a "thoughts" or "reasoning_recap" node says to the pending thinking.

    Lenient: these parts of the export are undocumented, so anything unexpected is skipped
    rather than refusing the file (the reply itself still imports)."""
    content = raw.get("content") if isinstance(raw, dict) else None
    if not isinstance(content, dict):
        return pending
    kind = content.get("content_type")
    if kind == "thoughts" and isinstance(content.get("thoughts"), list):
        parts = []
        for thought in content["thoughts"]:
            if not isinstance(thought, dict):
                continue
            summary, text = thought.get("summary"), thought.get("content")
            lines = [x.strip() for x in (summary, text) if isinstance(x, str) and x.strip()]
            if lines:
                parts.append("\n\n".join(dict.fromkeys(lines)))
        if parts:
            return pending.add("\n\n".join(parts))
    elif kind == "reasoning_recap" and isinstance(content.get("content"), str):
        total = 0.0
        for number, unit in _RECAP_TIME.findall(content["content"]):
            total += float(number) * (60 if unit.lower().startswith("m") else 1)
        if total > 0 and math.isfinite(total):
            return dataclasses.replace(pending, seconds=(pending.seconds or 0.0) + total)
    return pending


def _read_chatgpt_message(
    raw: Any, where: str, parent_key: str | None, key: str, fallback_time: float
) -> ImportedMessage | str | None:
    """A kept message, a system prompt's text (str), or None for nodes a reader never saw."""
    if raw is None:
        return None
    expect(raw, dict, where)
    author = get_field(raw, "author", dict, where, default={})
    role_name = get_field(author, "role", str, child_path(where, "author"), default="")
    metadata = get_field(raw, "metadata", dict, where, default=None, optional=True) or {}
    content = get_field(raw, "content", dict, where, default=None, optional=True)
    if metadata.get("is_visually_hidden_from_conversation") is True or content is None:
        return None
    text = _chatgpt_text(content, child_path(where, "content"))
    if text is None:
        return None
    if role_name == "system":
        return text if text.strip() else None
    if role_name not in ("user", "assistant"):
        return None  # tool output, plugins
    recipient = raw.get("recipient", "all")
    if role_name == "assistant" and recipient not in ("all", None):
        return None  # a call to a tool (browser, python), not words for the user
    if not text.strip():
        return None
    created = get_field(raw, "create_time", float, where, default=None, optional=True)
    created = created if created is not None else fallback_time
    role = Role(role_name)
    finish: FinishReason | None = None
    finished_at: float | None = None
    if role is Role.ASSISTANT:
        details = metadata.get("finish_details")
        kind = details.get("type") if isinstance(details, dict) else None
        finish = (
            _CHATGPT_FINISH.get(kind, FinishReason.STOP)
            if isinstance(kind, str)
            else (FinishReason.STOP)
        )
        updated = get_field(raw, "update_time", float, where, default=None, optional=True)
        finished_at = updated if updated is not None else created
    return ImportedMessage(
        key=key,
        parent_key=parent_key,
        role=role,
        content=text,
        created_at=created,
        finished_at=finished_at,
        finish_reason=finish,
        generation=None,
    )
