"""Importing from a .zip: what File › Export all chats… writes (one Hearthside JSON file per
chat) and what ChatGPT's data export downloads (``conversations.json`` among other files).

Why it is built this way:

- Both archives were the natural thing to pick in File › Import chats…, and both were refused
  as "not UTF-8 text": a backup of every chat could only come back one unzipped file at a
  time, and a ChatGPT export had to be unzipped first.
- All or nothing, as a single file is: every JSON member is read and checked before anything
  is added, and a bad one refuses the archive with its name in the message.
- A ChatGPT archive is recognised by its ``conversations.json``; its other JSON files (the
  user, feedback, shared links) are not chats and are passed over.
- An archive is untrusted: the members' declared sizes are checked against the import limit
  before anything is inflated, and each member is read only up to what it declared (a member
  that inflates past that is refused), so a small zip cannot fill the memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Final

from desktop.store.conversation_import import ImportedConversation
from desktop.store.export_common import ImportFormatError

__all__ = ["MAX_MEMBERS", "is_zip", "read_import_archive"]

MAX_MEMBERS: Final = 100_000
"""The most files an archive may list (Export all chats writes one per chat)."""

CHATGPT_CONVERSATIONS: Final = "conversations.json"


def is_zip(data: bytes) -> bool:
    """Whether ``data`` starts as a zip archive does (an empty archive included)."""
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def read_import_archive(
    source: bytes | Path,
    read_file: Callable[[bytes], list[ImportedConversation]],
    max_bytes: int,
) -> list[ImportedConversation]:
    """The conversations of every chat export in the archive (its bytes, or a path: a
    ChatGPT export with its images can be far larger than its chats, and only the chats are
    read), in the archive's order, each member read by ``read_file`` (the single-file
    import). ``max_bytes`` limits the chats unpacked, all members together. Raises
    :class:`ImportFormatError` naming the member for anything wrong; returns nothing unless
    every member was read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        members = [m for m in archive.infolist() if _is_chat_file(m)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as error:
        raise ImportFormatError(f"The zip archive is damaged ({error}).") from None
    if len(archive.infolist()) > MAX_MEMBERS:
        raise ImportFormatError(
            f"The zip archive lists {len(archive.infolist())} files; at most {MAX_MEMBERS} "
            "can be imported at once."
        )
    chatgpt = [m for m in members if PurePosixPath(m.filename).name == CHATGPT_CONVERSATIONS]
    if chatgpt:
        members = chatgpt[:1]  # the other JSON files of a ChatGPT export hold no chats
    if not members:
        raise ImportFormatError(
            "The zip archive holds no chat exports (.json files); export the chats as JSON "
            "to import them again."
        )
    declared = sum(m.file_size for m in members)
    if declared > max_bytes:
        raise ImportFormatError(
            f"The archive's chats are too large to import ({declared / 1e6:.0f} MB unpacked; "
            f"the limit is {max_bytes / 1e6:.0f} MB)."
        )
    conversations: list[ImportedConversation] = []
    for member in members:
        name = member.filename
        try:
            with archive.open(member) as stream:
                content = stream.read(member.file_size + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError) as e:
            raise ImportFormatError(f"“{name}” in the archive cannot be read ({e}).") from None
        if len(content) > member.file_size:
            raise ImportFormatError(f"“{name}” in the archive is larger than it says.")
        if is_zip(content):
            raise ImportFormatError(f"“{name}” in the archive is another archive, not JSON.")
        try:
            conversations += read_file(content)
        except ImportFormatError as error:
            raise ImportFormatError(f"“{name}” in the archive: {error}") from None
    return conversations


def _is_chat_file(member: zipfile.ZipInfo) -> bool:
    """A .json file, not a folder, not hidden and not macOS's resource-fork copies."""
    path = PurePosixPath(member.filename)
    return (
        not member.is_dir()
        and path.suffix.lower() == ".json"
        and not any(part.startswith(".") or part == "__MACOSX" for part in path.parts)
    )
