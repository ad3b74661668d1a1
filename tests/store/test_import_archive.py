"""Importing a .zip: Export all chats' archive of JSON files comes back whole, ChatGPT's data
export is read from its conversations.json, and a bad or oversized archive is refused with
its member named and nothing imported."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from desktop.store.export import (
    ExportFormat,
    ImportFormatError,
    export_all,
    export_json,
    read_import,
    to_imported,
)
from tests.store.export_samples import GOLDEN, sample_conversation


def _zip(files: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_export_all_chats_as_json_in_a_zip_imports_back_whole(tmp_path: Path) -> None:
    """Seen: the archive Export all chats… wrote was refused as "not UTF-8 text"; a backup of
    every chat could only come back one unzipped file at a time."""
    conversation = sample_conversation()
    target = tmp_path / "hearthside-chats.zip"
    export_all([conversation, conversation], target, ExportFormat.JSON, zip=True)
    assert read_import(target.read_bytes()) == [to_imported(conversation)] * 2


def test_chatgpts_data_export_is_read_from_its_conversations_json() -> None:
    chats = (GOLDEN / "chatgpt_conversations.json").read_bytes()
    data = _zip(
        {
            "user.json": '{"id": "user-1", "email": "me@example.com"}',
            "message_feedback.json": "[]",
            "conversations.json": chats,
            "chat.html": "<html></html>",
            "file-abc.png": b"\x89PNG\r\n",
        }
    )
    assert read_import(data) == read_import(chats)


def test_a_bad_member_refuses_the_whole_archive_and_is_named() -> None:
    good = export_json(sample_conversation())
    data = _zip({"a.json": good, "chats/broken.json": good[:-1] + "oops"})
    named = re.escape("“chats/broken.json” in the archive: Line")
    with pytest.raises(ImportFormatError, match=named):
        read_import(data)


def test_an_archive_without_json_says_to_export_as_json() -> None:
    data = _zip({"chat.md": "# Chat\n", "__MACOSX/._chat.json": b"\x00\x05\x16\x07"})
    with pytest.raises(ImportFormatError, match="holds no chat exports"):
        read_import(data)


def test_an_archive_too_large_unpacked_is_refused_before_it_is_unpacked() -> None:
    data = _zip({"big.json": " " * 5_000})  # compresses to a few dozen bytes
    assert len(data) < 1_000
    with pytest.raises(ImportFormatError, match="too large to import"):
        read_import(data, max_bytes=4_000)


def test_a_damaged_archive_or_one_inside_another_is_refused() -> None:
    data = _zip({"a.json": export_json(sample_conversation())})
    with pytest.raises(ImportFormatError, match="damaged"):
        read_import(data[: len(data) // 2])
    with pytest.raises(ImportFormatError, match="another archive"):
        read_import(_zip({"inner.json": data}))
