"""The extractor on PDFs as real writers make them: ligatures and tabs become plain letters
and spaces, so the words in them can be found."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

from desktop.documents import index_schema
from desktop.documents.extract import FileExtractor, extract
from desktop.documents.index import DB_FILE_NAME, DocumentIndex
from desktop.documents.passages import passage_key
from desktop.store.sqlite import run_script
from tests.fixtures.documents import pdf_bytes

# In Helvetica's standard encoding 0xAE draws "ﬁ" and 0xAF "ﬂ", as a typesetter writes them.
LIGATURED = "The \xaeling cabinet on the \xafoor"


def test_a_pdfs_ligatures_become_letters_so_its_words_are_found(tmp_path: Path) -> None:
    data = pdf_bytes([[LIGATURED]])
    (section,) = extract(data, "office.pdf")
    assert "filing cabinet on the floor" in section.text
    assert not any("\ufb00" <= ch <= "\ufb06" for ch in section.text)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "office.pdf").write_bytes(data)
    with DocumentIndex.open(tmp_path / DB_FILE_NAME) as index:
        collection = index.create_collection("office", [folder])
        index.update(collection, FileExtractor())
        hits = index.search([collection], "filing floor")
    assert [Path(hit.file).name for hit in hits] == ["office.pdf"]


def test_a_pdf_written_by_qt_reads_with_spaces_not_tabs(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Qt (as browsers and office suites) places each word; pypdf reads the gaps as tabs,
    which the passages, the model and the Sources panel would all carry."""
    path = tmp_path / "manual.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    document = QTextDocument()
    document.setPlainText("The Brightwater ferry departs at 7:15 from pier four.")
    document.print_(writer)
    del writer  # the file is finished when the writer goes
    (section,) = extract(path.read_bytes(), path.name)
    assert "\t" not in section.text
    assert "The Brightwater ferry departs at 7:15 from pier four." in section.text


def test_pdfs_an_older_index_read_with_ligatures_are_read_again(tmp_path: Path) -> None:
    """An index made before ligatures were undone keeps "ﬁling" until the PDF changes, which
    an old PDF seldom does: the upgrade has each PDF read again at the next update."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "office.pdf").write_bytes(pdf_bytes([[LIGATURED]]))
    (folder / "notes.txt").write_text("The filing cabinet key hangs by the door.\n")
    db = tmp_path / DB_FILE_NAME
    with DocumentIndex.open(db) as index:
        collection = index.create_collection("office", [folder])
        index.update(collection, FileExtractor())
    old = "The \ufb01ling cabinet on the \ufb02oor"  # what the PDF's passage used to say
    conn = index_schema.connect_index(db)
    conn.execute(
        "DELETE FROM passages WHERE file_id IN (SELECT id FROM files WHERE path LIKE '%.pdf')"
    )
    conn.execute(
        "INSERT INTO passages(file_id, ordinal, text, text_key)"
        " SELECT id, 0, ?, ? FROM files WHERE path LIKE '%.pdf'",
        (old, passage_key(old)),
    )
    run_script(conn, "PRAGMA user_version = 4;")
    conn.close()
    with DocumentIndex.open(db) as index:
        report = index.update(collection, FileExtractor())
        assert (report.changed, report.unchanged) == (1, 1)  # the PDF only
        hits = index.search([collection], "floor")
        assert [Path(hit.file).name for hit in hits] == ["office.pdf"]
