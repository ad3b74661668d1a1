"""Web pages are indexed without their furniture, and the model never gets one text twice
(issue 16 item 18): trafilatura finds a page's main content; a page it finds none in goes
through the plain reader."""

from __future__ import annotations

from pathlib import Path

from desktop.documents.extract import FileExtractor, extract
from desktop.documents.index import DocumentIndex

SPHINX_PAGE = """<html><head><title>os</title></head><body>
<div class="related" role="navigation"><ul><li><a href="index.html">index</a></li>
<li>Previous topic</li></ul></div>
<div class="document"><div class="body">
<h1>os — Miscellaneous interfaces<a class="headerlink" href="#os">¶</a></h1>
<p>This module provides a portable way of using operating system dependent functionality.</p>
<div><p>Nested <b>text</b> stays.</p></div>
</div></div>
<div class="sphinxsidebar" role="navigation"><h3>This Page</h3><div><ul><li>Show Source</li>
</ul></div><h3>Previous topic</h3></div>
<nav><a href="a.html">Next</a></nav>
<footer>© Copyright 2001 Python Software Foundation.</footer>
</body></html>"""


def test_a_pages_navigation_and_heading_marks_are_left_out() -> None:
    sections = extract(SPHINX_PAGE.encode(), "os.html")
    text = "\n".join(s.text for s in sections)
    headings = [s.heading for s in sections if s.text.strip()]
    assert "portable way" in text and "Nested text stays." in text
    for furniture in ("Previous topic", "This Page", "Show Source", "Next", "Copyright"):
        assert furniture not in text
    assert headings == ["os — Miscellaneous interfaces"]  # no "¶"


def test_the_same_text_is_never_given_twice(index: DocumentIndex, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    shared = "The Harwick lighthouse was first lit in 1847 by the harbour board."
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(shared)
    (folder / "d.txt").write_text("The Harwick lighthouse keeper wrote a log every night.")
    cid = index.create_collection("site", [folder])
    index.update(cid, FileExtractor())
    hits = index.search([cid], "Harwick lighthouse", limit=3)
    texts = [" ".join(h.text.split()) for h in hits]
    assert len(texts) == len(set(texts)) == 2


UNMARKED_LINK_BARS = """<html><head><title>Guide</title></head><body><div>
<div><a href=a.html>Introduction</a> | <a href=b.html>Installation</a> |
<a href=c.html>Reading files</a> | <a href=d.html>Writing files</a> | <a href=e.html>Index</a></div>
<div><h1>Reading files</h1><p>Use the open() function to read a file; it returns a file object
whose read() method gives the whole text.</p><p>Iterate over the file object to read it line
by line without loading all of it into memory.</p></div>
<div><ul><li><a href=p.html>Previous: Installation</a></li>
<li><a href=n.html>Next: Writing files</a></li></ul></div></div></body></html>"""


def test_link_bars_without_any_mark_are_left_out_too() -> None:
    """No nav tag, role or class says what these bars are: only a main-content extractor
    that weighs link density (trafilatura) tells them from the text."""
    sections = extract(UNMARKED_LINK_BARS.encode(), "guide.html")
    text = "\n".join(s.text for s in sections)
    assert "line by line" in text
    assert "Installation" not in text and "Next:" not in text
    assert {s.heading for s in sections} == {"Reading files"}


def test_a_fragment_with_no_main_text_is_still_read() -> None:
    sections = extract(b"<p>Just one line.</p>", "note.html")
    assert [s.text for s in sections] == ["Just one line."]
