"""The export dialog's choices and the export/import work behind the menu items."""

from __future__ import annotations

import zipfile
from pathlib import Path

from desktop.core.conversation import FinishReason, Role
from desktop.history.qt.export_dialog import (
    PDF,
    ExportDialog,
    default_file_name,
    export_everything,
    export_one,
    import_file,
)
from desktop.history.qt.pdf_export import export_options
from desktop.store.conversations import ConversationStore


def make_store(tmp_path: Path) -> tuple[ConversationStore, int]:
    store = ConversationStore.open(tmp_path / "chats.db")
    conversation = store.create_conversation("旅行 plans: Kyoto/Osaka").id
    question = store.add_message(conversation, None, Role.USER, "Where should I stay?")
    store.add_message(
        conversation,
        question.id,
        Role.ASSISTANT,
        "Near **Kyoto Station**.",
        finish_reason=FinishReason.STOP,
    )
    return store, conversation


def test_single_chat_dialog_offers_pdf_and_no_zip(qtbot) -> None:
    dialog = ExportDialog(all_chats=False)
    qtbot.addWidget(dialog)
    formats = [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())]
    assert PDF in formats and "json" in formats
    assert dialog.as_zip.isHidden()
    assert dialog.suffix == ".md"


def test_all_chats_dialog_offers_zip_and_no_pdf(qtbot) -> None:
    dialog = ExportDialog(all_chats=True)
    qtbot.addWidget(dialog)
    formats = [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())]
    assert PDF not in formats
    assert not dialog.as_zip.isHidden() and dialog.as_zip.isChecked()


def test_file_names_are_safe(qtbot) -> None:
    name = default_file_name("旅行 plans: Kyoto/Osaka", "html")
    assert name.endswith(".html") and "/" not in name and ":" not in name


def test_pdf_of_one_chat(qtbot, tmp_path: Path) -> None:
    store, conversation = make_store(tmp_path)
    path = tmp_path / "chat.pdf"
    export_one(store, conversation, path, PDF)
    assert path.read_bytes().startswith(b"%PDF")


def test_all_chats_to_a_zip_and_back(qtbot, tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    target = tmp_path / "all.zip"
    result = export_everything(
        store, target, "json", as_zip=True, options=export_options(all_branches=True)
    )
    assert not result.cancelled
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert len(names) == 1
        (tmp_path / "one.json").write_bytes(archive.read(names[0]))
    other = ConversationStore.open(tmp_path / "other.db")
    imported = import_file(other, tmp_path / "one.json")
    assert len(imported.conversation_ids) == 1
    summary = other.get_conversation(imported.conversation_ids[0])
    assert summary.title == "旅行 plans: Kyoto/Osaka"
    assert [m.content for m in other.path_to(summary.current_leaf_id)] == [
        "Where should I stay?",
        "Near **Kyoto Station**.",
    ]


def test_a_running_summary_goes_into_the_exports_and_comes_back(qtbot, tmp_path: Path) -> None:
    store, conversation = make_store(tmp_path)
    reply = store.path_to(store.get_conversation(conversation).current_leaf_id)[-1]
    store.add_summary(conversation, reply.id, "They asked where to stay in Kyoto.")
    export_one(store, conversation, tmp_path / "chat.md", "markdown")
    text = (tmp_path / "chat.md").read_text(encoding="utf-8")
    assert "> **Earlier conversation, summarized**\n>\n> They asked where to stay" in text
    export_one(store, conversation, tmp_path / "chat.json", "json")
    other = ConversationStore.open(tmp_path / "other.db")
    (new_id,) = import_file(other, tmp_path / "chat.json").conversation_ids
    leaf = other.get_conversation(new_id).current_leaf_id
    summary = other.summary_for_leaf(leaf)
    assert summary is not None and summary.through_message_id == leaf
    assert summary.content == "They asked where to stay in Kyoto."
