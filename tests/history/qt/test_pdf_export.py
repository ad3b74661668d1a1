"""PDF export through Qt's QPdfWriter: a real file, real fonts, text that comes back out.

Text extraction needs ``pdftotext`` (poppler-utils); without it only the file structure is
checked and the text assertions are skipped with a reason.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from desktop.core.conversation import ConversationSummary, Role, StoredMessage
from desktop.history.qt.pdf_export import export_options, export_pdf, pdf_html
from desktop.store.export import ExportConversation
from tests.store.export_samples import sample_conversation

CHINESE = "请用中文解释递归函数的基本原理"


def _conversation(extra_messages: int = 0) -> ExportConversation:
    base = sample_conversation()
    messages = list(base.messages)
    parent = base.summary.current_leaf_id
    for i in range(extra_messages):
        message_id = 100 + i
        role = Role.USER if i % 2 == 0 else Role.ASSISTANT
        messages.append(
            StoredMessage(message_id, 7, parent, role, f"{CHINESE} — 第{i}段。" * 8, 2e9 + i)
        )
        parent = message_id
    leaf = parent
    summary = ConversationSummary(
        id=7,
        title=f"PDF {CHINESE}",
        title_is_auto=False,
        created_at=base.summary.created_at,
        updated_at=base.summary.updated_at,
        model_file=base.summary.model_file,
        system_prompt="回答要简短。",
        current_leaf_id=leaf,
    )
    return ExportConversation(summary, base.settings, tuple(messages))


def _page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


def _pdftotext(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed, so the PDF text is not checked")
    result = subprocess.run(
        [tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    # Qt maps some CJK glyphs back to their compatibility code points (一 → ⼀, U+2F00);
    # NFKC undoes that, as a reader's search would.
    return unicodedata.normalize("NFKC", result.stdout.decode("utf-8"))


def test_pdf_has_pages_and_the_chinese_text(qapp, tmp_path: Path) -> None:
    target = tmp_path / "对话.pdf"
    export_pdf(_conversation(extra_messages=40), target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert _page_count(data) > 1
    assert [p.name for p in tmp_path.iterdir()] == ["对话.pdf"]  # no temp file left
    text = _pdftotext(target)
    squashed = re.sub(r"\s+", "", text)
    assert CHINESE in squashed
    assert "回答要简短" in squashed
    assert "第39段" in squashed  # the last message reached the last page
    # Payloads print as text (a tag in prose as code, whose wider font may wrap the line).
    assert "<script>alert(1)</script>" in squashed
    assert "seed 42" in text and "Q4_K_M" in text


def test_all_branches_pdf_includes_every_alternative(qapp, tmp_path: Path) -> None:
    target = tmp_path / "all.pdf"
    export_pdf(sample_conversation(), target, export_options(all_branches=True))
    assert target.read_bytes().startswith(b"%PDF-")
    text = _pdftotext(target)
    assert "Branch 1.1 (1 of 2)" in text
    assert "def f(): pass" in text and "OK: greet" in text


def test_pdf_html_is_escaped_and_loads_nothing(qapp) -> None:
    page = pdf_html(sample_conversation(), export_options(all_branches=True))
    assert "<script" not in page and "<img" not in page
    # A tag in prose is escaped code now (issue 17); without the code spans it reads as typed.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in re.sub(r"<code[^>]*>|</code>", "", page)
    assert "hearthside-copy:" not in page
    assert re.findall(r'href="([^"]*)"', page) == ["https://example.com/docs"]


def test_unwritable_destination_raises_and_leaves_nothing(qapp, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        export_pdf(sample_conversation(), tmp_path / "missing" / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_pdf_shows_the_running_summary_after_the_message_it_covers(qapp) -> None:
    from tests.store.test_export_summaries import NEW, OLD, OTHER
    from tests.store.test_export_summaries import conversation as summarized

    page = pdf_html(summarized())
    note = page.index("Earlier conversation, summarized (edited)")
    assert page.index("Where to?") < note < page.index("Kyoto it is.")
    assert "The user plans Kyoto &lt;/details&gt;&lt;script&gt;" in page
    assert "<script" not in page
    assert OLD not in page and OTHER not in page
    assert NEW.splitlines()[0] not in page  # escaped, never raw


def test_the_pdf_gets_the_same_mode_as_the_other_exports(qapp, tmp_path: Path) -> None:
    """Issue 17, defect 8: the PDF was written 0600 while the other exports were 0644."""
    import os

    from desktop.history.qt.pdf_export import current_umask

    other = tmp_path / "chat.md"
    other.write_text("text", encoding="utf-8")  # as the Markdown export writes its file
    target = tmp_path / "chat.pdf"
    export_pdf(_conversation(), target)
    assert os.stat(target).st_mode & 0o777 == os.stat(other).st_mode & 0o777
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~current_umask()
