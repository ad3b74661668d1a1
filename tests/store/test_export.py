"""Exports through store.export: golden files of every format, the metadata each carries,
safe file names and export_all.

Golden files are regenerated with ``HEARTHSIDE_UPDATE_GOLDEN=1``; review the diff before
committing them.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from desktop.core.conversation import (
    ConversationSummary,
)
from desktop.store.export import (
    ExportConversation,
    ExportFormat,
    ExportOptions,
    export_all,
    export_conversation,
    read_import,
    safe_file_name,
    to_imported,
)
from tests.store.export_samples import GOLDEN, T0, sample_conversation

GOLDEN_CASES = [
    ("conversation.md", ExportFormat.MARKDOWN, False),
    ("conversation-all.md", ExportFormat.MARKDOWN, True),
    ("conversation.json", ExportFormat.JSON, False),
    ("conversation.html", ExportFormat.HTML, False),
    ("conversation-all.html", ExportFormat.HTML, True),
    ("conversation.txt", ExportFormat.TEXT, False),
    ("conversation-all.txt", ExportFormat.TEXT, True),
]


@pytest.mark.parametrize(("name", "fmt", "all_branches"), GOLDEN_CASES)
def test_export_matches_golden_file(name: str, fmt: ExportFormat, all_branches: bool) -> None:
    text = export_conversation(sample_conversation(), fmt, ExportOptions(all_branches=all_branches))
    path = GOLDEN / name
    if os.environ.get("HEARTHSIDE_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8")


def test_every_format_carries_reproduction_metadata() -> None:
    conversation = sample_conversation()
    for fmt in ExportFormat:
        text = export_conversation(conversation, fmt, ExportOptions(all_branches=True))
        for needle in ("2024-05-01T10:00:00Z", "Q4_K_M", "7f3c" * 16, "请简洁", "0.7", "42"):
            assert needle in text.replace("\\_", "_"), (fmt, needle)
    for fmt in (ExportFormat.MARKDOWN, ExportFormat.TEXT, ExportFormat.HTML):
        text = export_conversation(conversation, fmt, ExportOptions(all_branches=True))
        assert "seed 7" in text and "temperature 0.2" in text
        assert "23.5 tokens/s" in text
        assert "other.gguf" in text  # the reply made with another file names it


def test_safe_file_names() -> None:
    taken: set[str] = set()
    assert safe_file_name("a/b\\c:d*e?", ".md", taken) == "a_b_c_d_e_.md"
    assert safe_file_name("CON", ".md", taken) == "_CON.md"
    assert safe_file_name("com1.txt", ".md", taken) == "_com1.txt.md"
    assert safe_file_name("  ..hidden\x00\x1b[31m\u202e..  ", ".md", taken) == "hidden [31m.md"
    assert safe_file_name("", ".md", taken) == "Conversation.md"
    assert safe_file_name("Same", ".md", taken) == "Same.md"
    assert safe_file_name("same", ".md", taken) == "same (2).md"
    assert safe_file_name("SAME", ".md", taken) == "SAME (3).md"
    long = safe_file_name("长" * 300, ".html", taken)
    assert len(long.encode("utf-8")) <= 130 and long.endswith(".html")


def _many(count: int) -> list[ExportConversation]:
    base = sample_conversation()
    titles = ["Same", "same", "../../etc/passwd", "CON", "日本語 🍣"]
    return [
        ExportConversation(
            ConversationSummary(
                i,
                titles[i % len(titles)],
                False,
                T0,
                T0,
                current_leaf_id=base.summary.current_leaf_id,
            ),
            {},
            base.messages,
        )
        for i in range(count)
    ]


def test_export_all_to_a_folder(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "Same.md").write_text("mine", encoding="utf-8")
    calls: list[tuple[int, int]] = []
    result = export_all(
        _many(5),
        tmp_path / "out",
        "markdown",
        zip=False,
        progress=lambda d, t: calls.append((d, t)) or True,
    )
    assert not result.cancelled
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    expected = ["Same.md", "Same (2).md", "same (3).md", "_.._etc_passwd.md", "_CON.md"]
    assert names == sorted([*expected, "日本語 🍣.md"])
    assert (tmp_path / "out" / "Same.md").read_text(encoding="utf-8") == "mine"
    assert calls == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert all(p.parent == tmp_path / "out" for p in result.paths)


def test_export_all_to_a_zip_as_json_imports_back(tmp_path: Path) -> None:
    target = tmp_path / "all.zip"
    items = _many(3)
    result = export_all(items, target, ExportFormat.JSON, zip=True)
    assert result.paths == (target,)
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == ["Same.json", "same (2).json", "_.._etc_passwd.json"]
        back = [read_import(archive.read(name))[0] for name in archive.namelist()]
    assert back == [to_imported(c) for c in items]
    assert [p.name for p in tmp_path.iterdir()] == ["all.zip"]


@pytest.mark.parametrize("as_zip", [False, True])
def test_cancelled_export_all_leaves_nothing_behind(tmp_path: Path, as_zip: bool) -> None:
    target = tmp_path / ("all.zip" if as_zip else "folder")
    result = export_all(_many(5), target, "html", zip=as_zip, progress=lambda d, t: d < 3)
    assert result.cancelled and result.paths == ()
    leftovers = list(tmp_path.rglob("*"))
    assert leftovers in ([], [target]) and not any(p.is_file() for p in leftovers)


def test_failed_export_all_removes_its_temp_file(tmp_path: Path) -> None:
    def boom(done: int, total: int) -> bool:
        if done == 2:
            raise RuntimeError("disk full")
        return True

    with pytest.raises(RuntimeError):
        export_all(_many(4), tmp_path / "x.zip", "text", zip=True, progress=boom)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="file modes and the umask are POSIX")
@pytest.mark.parametrize("as_zip", [False, True])
def test_export_all_writes_files_others_may_read_as_the_umask_allows(
    tmp_path: Path, as_zip: bool
) -> None:
    """Every exported file came out 0o600 (a temporary file's mode), where a chat exported on
    its own is 0o644: a backup moved to another computer or user could not be opened."""
    target = tmp_path / ("all.zip" if as_zip else "folder")
    previous = os.umask(0o022)
    try:
        result = export_all(_many(2), target, ExportFormat.JSON, zip=as_zip)
    finally:
        os.umask(previous)
    assert result.paths
    assert {path.stat().st_mode & 0o777 for path in result.paths} == {0o644}
