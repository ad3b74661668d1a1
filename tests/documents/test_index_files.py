"""The index takes regular files inside the collection's own folders only: a link out of them
is not followed and a FIFO (or a file swapped for one) never blocks indexing."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from desktop.documents.index import DocumentIndex, read_regular_file
from tests.documents.index_helpers import FakeExtractor

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="links and FIFOs as on POSIX")


def _indexed(index: DocumentIndex, cid: int) -> list[str]:
    return [Path(f.path).name for f in index.files(cid)]


@posix_only
def test_a_link_out_of_the_folder_is_not_indexed(index: DocumentIndex, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("The vault code is 4711.")
    (folder / "a.txt").write_text("The Harwick lighthouse was first lit in 1871.")
    (folder / "notes.txt").symlink_to("../secret.txt")
    (folder / "inside.txt").symlink_to("a.txt")  # a link that stays inside is fine
    cid = index.create_collection("c", [folder])
    index.update(cid, FakeExtractor())
    assert sorted(_indexed(index, cid)) == ["a.txt", "inside.txt"]
    assert index.search([cid], "vault code") == []


@posix_only
def test_a_fifo_in_the_folder_does_not_block_indexing(index: DocumentIndex, folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")
    cid = index.create_collection("c", [folder])
    done = threading.Event()
    outcome: list[object] = []

    def run() -> None:
        outcome.append(index.update(cid, FakeExtractor()))
        done.set()

    # The index connection is made for one thread at a time; this test only waits.
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    if not done.wait(10):
        with open(folder / "pipe.txt", "wb"):  # unblock the reader, then fail
            pass
        pytest.fail("indexing blocked on a FIFO")
    assert "pipe.txt" not in _indexed(index, cid)
    assert len(_indexed(index, cid)) == 2


@posix_only
def test_a_file_swapped_for_a_fifo_after_the_scan_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(OSError, match="not a regular file"):
        read_regular_file(str(tmp_path / "pipe.txt"), 100)
    (tmp_path / "a.txt").write_bytes(b"abc")
    assert read_regular_file(str(tmp_path / "a.txt"), 2) == b"ab"


def test_an_edit_that_keeps_size_and_mtime_is_seen(index: DocumentIndex, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    note = folder / "a.txt"
    note.write_text("The Harwick lighthouse was first lit in 1847.")
    cid = index.create_collection("c", [folder])
    index.update(cid, FakeExtractor())
    stat = note.stat()
    note.write_text("The Harwick lighthouse was first lit in 1851.")  # same length
    os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    report = index.update(cid, FakeExtractor())
    assert report.changed == 1
    assert "1851" in index.search([cid], "Harwick lighthouse")[0].text
