"""DraftFile: the unsent message kept on disk, written whole and privately, read back."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from desktop.chat.draft_file import MAX_DRAFT_BYTES, DraftFile


def test_a_draft_is_written_whole_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "data" / "draft.txt"
    draft = DraftFile(path)
    assert draft.read() == ""  # none yet
    text = "Dear model,\n\n写一首诗 about the sea 🌊"
    assert draft.write(text)
    assert path.read_text("utf-8") == text
    assert DraftFile(path).read() == text
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the user's own writing
    assert [p.name for p in path.parent.iterdir()] == ["draft.txt"]  # no temporary left


def test_an_empty_box_removes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "draft.txt"
    draft = DraftFile(path)
    draft.write("something")
    assert draft.write("")
    assert not path.exists()
    assert draft.write("")  # nothing to remove: fine


def test_text_that_is_not_utf8_is_kept_with_a_stand_in(tmp_path: Path) -> None:
    path = tmp_path / "draft.txt"
    assert DraftFile(path).write("half a pair: \ud83d end")
    assert DraftFile(path).read() == "half a pair: ? end"
    path.write_bytes(b"bad \xff bytes")
    assert DraftFile(path).read() == "bad \ufffd bytes"


def test_a_file_too_large_is_not_read_and_failures_are_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "draft.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_DRAFT_BYTES + 1)
    assert DraftFile(path).read() == ""
    assert path.stat().st_size == MAX_DRAFT_BYTES + 1  # left as it is
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    assert not DraftFile(blocked / "draft.txt").write("text")  # its folder is a file


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_unreadable_draft_reads_as_none(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = tmp_path / "draft.txt"
    path.write_text("secret")
    path.chmod(0)
    assert DraftFile(path).read() == ""
