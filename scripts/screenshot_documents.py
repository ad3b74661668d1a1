"""Screenshots of answers with sources (run under xvfb-run -a): the Collections dialog, the chips
above the composer, a reply with citations and the Sources panel, light and dark, wide and
narrow.

    PYTHONPATH=. xvfb-run -a .venv/bin/python scripts/screenshot_documents.py --model M.gguf
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from desktop.app import create
from desktop.chat.grounding import sources_from_hits
from desktop.core.conversation import FinishReason, Role
from scripts.screenshot import dark_palette, wait
from tests.fixtures.documents import encrypted_pdf_bytes, pdf_bytes


def _documents(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "harbour.md").write_text(
        "# Harbour\n\nThe Harwick lighthouse burns whale oil and was first lit in 1847. "
        "Its keeper writes the log every night.\n\n# 港口\n\n灯塔在一八四七年第一次点亮。\n"
    )
    (folder / "granary.txt").write_text("The granary at Elmsford stores barley and oats.\n")
    (folder / "report.pdf").write_bytes(pdf_bytes([["Sheep graze."], ["The mine closed."]]))
    (folder / "locked.pdf").write_bytes(encrypted_pdf_bytes([["secret"]]))
    (folder / "scan.pdf").write_bytes(b"not a pdf at all")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("/tmp/hearthside-docs-shots"))
    parser.add_argument("--language", default="en", help="en or zh_CN")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv)
    app.setStyle("Fusion")
    if args.language != "en":
        from desktop.app import install_translations

        install_translations(app, args.language)
    data = Path(tempfile.mkdtemp())
    hearthside = create(data / "data")
    window, session, documents = hearthside.window, hearthside.session, hearthside.documents
    assert documents is not None
    feature = hearthside.documents_feature
    _documents(data / "Harbour notes")
    window.resize(1100, 760)
    window.show()
    hearthside.settings.set("sampling.max_tokens", 24, args.model.name)
    hearthside.settings.set("model.n_ctx", 2048, args.model.name)
    hearthside.models.load_model(str(args.model))
    for _ in range(600):
        if session.model_info is not None:
            break
        wait(100)
    dialog = feature.show_dialog()
    dialog.create_collection("Harbour notes", [data / "Harbour notes"])
    for _ in range(300):
        wait(100)
        if not documents.is_busy and documents.collections.rowCount():
            break
    wait(500)
    dialog.grab().save(str(args.out / "collections-dialog.png"))
    dialog.close()
    collection = documents.collections.collections()[0]

    # A stored reply that cites its sources the way a real instruction model does.
    from desktop.documents.index import DocumentIndex

    with DocumentIndex.open(documents.db_path) as index:
        hits = index.search([collection.id], "When was the Harwick lighthouse first lit?")
        hits += index.search([collection.id], "What does the granary store?")
    sources = sources_from_hits(hits, {collection.id: collection.name})
    store = hearthside.store
    chat = store.create_conversation("Harbour questions").id
    question = store.add_message(chat, None, Role.USER, "When was the Harwick lighthouse lit?")
    store.add_message(
        chat,
        question.id,
        Role.ASSISTANT,
        "The Harwick lighthouse was first lit in **1847** [1]. It burns whale oil [1]; "
        "the granary nearby stores barley and oats [2].",
        finish_reason=FinishReason.STOP,
        sources=sources,
    )
    hearthside.history.refresh_conversations()
    hearthside.history.open_conversation(chat)
    session.attach_collection(collection.id)
    session.send("What does the granary at Elmsford store?")
    for _ in range(600):
        if not session.is_streaming:
            break
        wait(100)
    session.send("Explain quantum chromodynamics")
    for _ in range(600):
        if not session.is_streaming:
            break
        wait(100)
    window.resize(1100, 760)
    wait(200)
    hearthside.chat.chat_view.source_requested.emit(1, 1)
    wait(300)
    for theme, palette in (("light", app.style().standardPalette()), ("dark", dark_palette())):
        app.setPalette(palette)
        for name, width in (("wide", 1100), ("narrow", 420)):
            if name == "narrow":
                feature.dock.hide()
            else:
                feature.dock.show()
            window.resize(width, 760)
            wait(400)
            hearthside.chat.chat_view.scroll_to_bottom()
            wait(200)
            window.grab().save(str(args.out / f"{theme}-{name}.png"))
        feature.dock.show()
        window.resize(520, 760)
        wait(400)
        window.grab().save(str(args.out / f"{theme}-narrow-sources.png"))
        hearthside.chat.chat_view.verticalScrollBar().setValue(0)
        window.resize(1100, 760)
        wait(300)
        window.grab().save(str(args.out / f"{theme}-top.png"))
    hearthside.shutdown()
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
