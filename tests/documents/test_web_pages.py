"""Web pages are indexed without their furniture, and the model never gets one text twice
(issue 16 item 18, the parts that need no new dependency)."""

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
