"""Takes screenshots of the real window for a look by eye (run under xvfb-run -a).

    xvfb-run -a .venv/bin/python scripts/screenshot.py --model M.gguf --out /tmp/shots

Writes light and dark, wide and narrow PNGs of a conversation with Chinese text, code and a long
reply, after one real reply from the model; then the long-conversation parts (context-*.png): the
running summary note opened, the context meter and the offer to trim a long paste.

    xvfb-run -a .venv/bin/python scripts/screenshot.py --all --out DIR [--model M.gguf]

writes every screen (main window, welcome, empty chat, the model manager's tabs, the dialogs, the
Sources panel) in light and dark, English and Simplified Chinese, at 1280×800 and 800×600, as
``<screen>-<theme>-<lang>-<W>x<H>.png``; --only, --themes, --languages and --sizes choose a
subset (scripts/screenshot_all.py). Without --model it uses the starter model.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QMimeData, QTimer
from PySide6.QtWidgets import QApplication
from screenshot_all import CHAT, add_arguments, run_all

from desktop.app import create
from desktop.chat.context_plan import OverflowStrategy
from desktop.core.conversation import FinishReason, Role

SAMPLE = CHAT  # the same chat as every screen of --all


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def use_theme(hearthside: object, theme: str) -> None:
    """Light or dark as the app shows it: the palette and the stylesheet (qtkit/theme.py)."""
    hearthside.window.appearance.apply(theme, 0)  # type: ignore[attr-defined]


THOUGHT = (
    "The user wants to know why the sky is blue. Rayleigh scattering: shorter wavelengths "
    "scatter more strongly (about 1/λ⁴), so blue light is scattered across the sky.\n\n"
    "Why not violet? The sun emits less violet, and our eyes are less sensitive to it. "
    "天空是蓝色的，因为瑞利散射。Keep the answer short and friendly."
)
ANSWER = (
    "Sunlight is scattered by the air's molecules, and **short wavelengths scatter most** "
    "(Rayleigh scattering). Blue light is spread across the whole sky, so that is the colour "
    "we see; violet is scattered even more, but the sun sends less of it and our eyes are "
    "less sensitive to it."
)


def shoot_thinking(app: QApplication, hearthside: object, out: Path) -> None:
    """A stored reasoning reply, folded and opened, plus a reply still thinking."""
    window = hearthside.window  # type: ignore[attr-defined]
    store = hearthside.store  # type: ignore[attr-defined]
    conversation = store.create_conversation("Why is the sky blue?").id
    question = store.add_message(conversation, None, Role.USER, "Why is the sky blue?").id
    store.add_message(
        conversation,
        question,
        Role.ASSISTANT,
        ANSWER,
        finish_reason=FinishReason.STOP,
        thinking=THOUGHT,
        thinking_seconds=12.4,
    )
    hearthside.history.refresh_conversations()
    hearthside.history.open_conversation(conversation)
    model = hearthside.session.messages  # type: ignore[attr-defined]
    view = hearthside.chat.chat_view
    for theme in ("light", "dark"):
        use_theme(hearthside, theme)
        for name, width in (("wide", 1000), ("narrow", 380)):
            window.resize(width, 760)
            wait(300)
            section = view.message_widget(1).thinking_section
            if section.expanded:
                section.button.click()
            wait(100)
            window.grab().save(str(out / f"thinking-{theme}-{name}-folded.png"))
            section.button.click()
            wait(200)
            window.grab().save(str(out / f"thinking-{theme}-{name}-open.png"))
    use_theme(hearthside, "light")
    window.resize(1000, 760)
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    model.append_thinking_delta(row, THOUGHT[:160])
    view.flush()
    wait(300)
    view.scroll_to_bottom()
    wait(200)
    window.grab().save(str(out / "thinking-streaming.png"))


def context_scene(hearthside, app: QApplication, out: Path) -> None:
    """A long conversation with a running summary, and a paste too long for the window."""
    store, window, session = hearthside.store, hearthside.window, hearthside.session
    conversation = store.create_conversation("Lighthouse log").id
    parent = None
    ids = []
    for i in range(6):
        question = store.add_message(
            conversation, parent, Role.USER, f"Entry {i}: how was the weather at the lighthouse?"
        )
        parent = store.add_message(
            conversation,
            question.id,
            Role.ASSISTANT,
            f"Entry {i}: calm sea, light wind from the west. 海面平静，西风轻拂。",
            finish_reason=FinishReason.STOP,
        ).id
        ids.append(parent)
    store.add_summary(
        conversation,
        ids[2],
        "The user keeps a lighthouse log and asked about the weather for three days; it was "
        "calm with a light west wind. 用户在记录灯塔日志。",
    )
    hearthside.history.refresh_conversations()
    hearthside.history.open_conversation(conversation)
    session.set_overflow(OverflowStrategy.SUMMARIZE)
    hearthside.chat.context_meter.set_strategy(session.overflow)
    hearthside.chat.summary_note.set_expanded(True)
    data = QMimeData()
    data.setText("The keeper wrote down the wind, the tide and every ship he saw. " * 200)
    hearthside.chat.composer.editor.insertFromMimeData(data)
    for _ in range(100):
        if hearthside.chat.long_text_offer.isVisible():
            break
        wait(100)
    for theme in ("light", "dark"):
        use_theme(hearthside, theme)
        for name, width in (("wide", 1000), ("narrow", 380)):
            window.resize(width, 760)
            wait(400)
            window.grab().save(str(out / f"context-{theme}-{name}.png"))
    # Trimmed to fit: the meter turns amber and says what sending will summarize.
    use_theme(hearthside, "light")
    window.resize(1000, 760)
    hearthside.chat.long_text_offer.trim_button().click()
    wait(1500)
    window.grab().save(str(out / "context-trimmed.png"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, help="required unless --all (then the starter)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/hearthside-shots"))
    parser.add_argument("--language", default="en", help="en or zh_CN")
    parser.add_argument(
        "--thinking",
        action="store_true",
        help="only a reasoning reply: its Thinking section streaming, folded and opened",
    )
    add_arguments(parser)
    args = parser.parse_args()
    if args.all:
        return run_all(args, Path(__file__).resolve())
    if args.model is None:
        parser.error("--model is required (unless --all)")
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv)
    app.setStyle("Fusion")
    if args.language != "en":
        from desktop.app import install_translations

        install_translations(app, args.language)
    hearthside = create(Path(tempfile.mkdtemp()))
    window = hearthside.window
    window.resize(1000, 760)
    window.show()
    window.grab().save(str(args.out / "welcome.png"))
    hearthside.settings.set("sampling.max_tokens", 48, args.model.name)
    hearthside.models.load_model(str(args.model))
    for _ in range(600):
        if hearthside.session.model_info is not None:
            break
        wait(100)
    store = hearthside.store
    if args.thinking:
        shoot_thinking(app, hearthside, args.out)
        hearthside.shutdown()
        print(f"screenshots in {args.out}")
        return 0
    for title in ("Trip to Kyoto", "周末做什么菜？", "Fix my bash script", "Birthday ideas"):
        chat = store.create_conversation(title).id
        store.add_message(chat, None, Role.USER, title)
    conversation = store.create_conversation("Reading files in Python").id
    parent = None
    for role, text in SAMPLE:
        parent = store.add_message(
            conversation,
            parent,
            role,
            text,
            finish_reason=FinishReason.STOP if role == Role.ASSISTANT else None,
        ).id
    store.set_pinned(conversation, True)
    hearthside.history.refresh_conversations()
    hearthside.history.open_conversation(conversation)
    hearthside.session.send("Write a short poem about the sea.")
    for _ in range(600):
        if not hearthside.session.is_streaming:
            break
        wait(100)
    hearthside.session.regenerate()
    for _ in range(600):
        if not hearthside.session.is_streaming:
            break
        wait(100)
    wait(300)
    for theme in ("light", "dark"):
        use_theme(hearthside, theme)
        for name, width in (("wide", 1000), ("narrow", 380)):
            window.resize(width, 760)
            wait(300)
            hearthside.chat.chat_view.scroll_to_bottom()
            wait(200)
            window.grab().save(str(args.out / f"{theme}-{name}.png"))
        hearthside.chat.chat_view.verticalScrollBar().setValue(0)
        wait(200)
        window.grab().save(str(args.out / f"{theme}-top.png"))
    context_scene(hearthside, app, args.out)
    hearthside.shutdown()
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
