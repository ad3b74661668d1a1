"""The index stores a text once per collection (issue 16 item 18): a passage that says what
another passage of the collection says (spacing and case aside) is left out, and comes back
when the passage it relied on goes."""

from __future__ import annotations

import os
from pathlib import Path

from desktop.documents import index_schema
from desktop.documents.index import DocumentIndex
from desktop.documents.passages import Section, passage_key
from desktop.store.sqlite import run_script

MENU = "Previous topic. Next topic. This page. Show source. Quick search."


class SectionExtractor:
    """Text files whose blank-line-separated blocks are sections of their own."""

    suffixes = frozenset({".txt"})

    def __init__(self) -> None:
        self.calls: list[str] = []

    def extract(self, data: bytes, name: str) -> list[Section]:
        self.calls.append(name)
        blocks = data.decode().split("\n\n")
        return [Section(block, heading=f"{name} {i}") for i, block in enumerate(blocks)]


def texts(index: DocumentIndex, cid: int, path: Path) -> list[str]:
    return [p.text for p in index.passages(cid, str(path))]


def stored(index: DocumentIndex) -> int:
    return index.connection.execute("SELECT count(*) FROM passages").fetchone()[0]


def site(tmp_path: Path) -> Path:
    docs = tmp_path / "site"
    docs.mkdir()
    (docs / "a.txt").write_text(f"The Harwick lighthouse was first lit in 1847.\n\n{MENU}")
    (docs / "b.txt").write_text(f"Penguins eat krill.\n\n{MENU.upper()}\n\n  {MENU}  ")
    return docs


def test_a_text_the_collection_has_is_stored_once(index: DocumentIndex, tmp_path: Path) -> None:
    docs = site(tmp_path)
    cid = index.create_collection("site", [docs])
    report = index.update(cid, SectionExtractor())
    assert texts(index, cid, docs / "a.txt") == [
        "The Harwick lighthouse was first lit in 1847.",
        MENU,
    ]
    assert texts(index, cid, docs / "b.txt") == ["Penguins eat krill."]
    assert stored(index) == report.passages_written == 3
    assert index.collections()[0].passages == 3
    assert [hit.text for hit in index.search([cid], "previous topic quick search")] == [MENU]


def test_each_collection_keeps_its_own_copy(index: DocumentIndex, tmp_path: Path) -> None:
    docs = site(tmp_path)
    first = index.create_collection("one", [docs / "a.txt"])
    second = index.create_collection("two", [docs / "b.txt"])
    index.update(first, SectionExtractor())
    index.update(second, SectionExtractor())
    assert MENU in texts(index, first, docs / "a.txt")
    assert texts(index, second, docs / "b.txt") == ["Penguins eat krill.", MENU.upper()]


def test_a_left_out_text_comes_back_when_its_copy_goes(
    index: DocumentIndex, tmp_path: Path
) -> None:
    docs = site(tmp_path)
    cid = index.create_collection("site", [docs])
    index.update(cid, SectionExtractor())
    (docs / "a.txt").write_text("The Harwick lighthouse closed in 1950.")  # the menu is gone
    os.utime(docs / "a.txt", ns=(10**18, 10**18))
    again = SectionExtractor()
    index.update(cid, again)
    assert sorted(again.calls) == ["a.txt", "b.txt"]  # b left the menu out: read again
    assert texts(index, cid, docs / "b.txt") == ["Penguins eat krill.", MENU.upper()]
    (docs / "b.txt").unlink()
    index.update(cid, SectionExtractor())
    assert [hit.text for hit in index.search([cid], "previous topic quick search")] == []
    (docs / "b.txt").write_text(MENU)
    (docs / "c.txt").write_text(MENU)
    index.update(cid, SectionExtractor())
    (docs / "b.txt").unlink()  # the file that holds it goes: c's copy is stored instead
    index.update(cid, SectionExtractor())
    assert texts(index, cid, docs / "c.txt") == [MENU]


def test_a_file_that_cannot_be_read_now_keeps_what_it_has(
    index: DocumentIndex, tmp_path: Path
) -> None:
    """The copy's file changed while the file that left the text out is on an unplugged
    drive: that file is not read (it would be recorded unreadable and lose its passages)."""
    docs, drive = site(tmp_path), tmp_path / "usb"  # after "site": read second
    drive.mkdir()
    (drive / "b.txt").write_text(f"Penguins eat krill.\n\n{MENU}")
    (docs / "b.txt").unlink()
    cid = index.create_collection("site", [docs, drive])
    index.update(cid, SectionExtractor())
    assert texts(index, cid, drive / "b.txt") == ["Penguins eat krill."]
    drive.rename(tmp_path / "unplugged")
    (docs / "a.txt").write_text("The Harwick lighthouse closed in 1950.")
    os.utime(docs / "a.txt", ns=(10**18, 10**18))
    index.update(cid, SectionExtractor())
    assert texts(index, cid, drive / "b.txt") == ["Penguins eat krill."]


def test_an_unchanged_update_reads_nothing_again(index: DocumentIndex, tmp_path: Path) -> None:
    docs = site(tmp_path)
    cid = index.create_collection("site", [docs])
    index.update(cid, SectionExtractor())
    again = SectionExtractor()
    index.update(cid, again)
    assert again.calls == []


def test_an_older_index_gets_the_keys_of_its_passages(tmp_path: Path) -> None:
    conn = index_schema.connect_index(tmp_path / "old.db")
    index_schema.migrate(conn, 3)
    run_script(
        conn,
        """
        INSERT INTO collections(id, name, created_at) VALUES (1, 'c', 0);
        INSERT INTO files(id, collection_id, path, size, mtime_ns, sha256, indexed_at)
            VALUES (1, 1, '/a.txt', 1, 1, '', 0);
        INSERT INTO passages(file_id, ordinal, text) VALUES (1, 0, 'Some  Text');
        """,
    )
    index_schema.migrate(conn)
    (key,) = conn.execute("SELECT text_key FROM passages").fetchone()
    assert key == passage_key("some text")
    conn.close()
