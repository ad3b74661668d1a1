"""Every screen of the app for a look by eye: ``scripts/screenshot.py --all`` (run under
xvfb-run -a).

One PNG per screen, theme, language and window size, named ``<screen>-<theme>-<lang>-<W>x<H>.png``
(for example ``welcome-dark-zh_CN-800x600.png``). A dialog or the model manager is drawn over the
window it belongs to, centred as a window manager would place it; anything that does not fit the
window is cut off, as it would be on a screen that size.

Widgets are built once per language with that language's translations (tr() runs when a widget
is made), so each language runs in a child process of its own; themes and sizes change in place
through the app's own Appearance (Settings › Theme) and the window's size. Dialogs are shown
non-modally and grabbed with QWidget.grab(); nothing waits on exec(). The Browse tab never reaches
the network: it shows the curated list, and the recommended model's files come from the tests'
hub stand-in on 127.0.0.1 when tests/ is importable (a closed local port otherwise).
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from desktop.core.conversation import FinishReason, MessageSource, Role
from desktop.core.design import tokens

SCREENS = (
    "welcome",
    "main",
    "empty-chat",
    "models-library-empty",
    "models-library",
    "models-browse",
    "models-downloads",
    "models-downloads-list",
    "models-servers",
    "settings",
    "settings-models",
    "settings-server",
    "settings-folders",
    "settings-popup",
    "model-settings",
    "collections-empty",
    "collections",
    "sources",
    "trash",
    "trash-empty",
    "export",
    "crash",
    "server",
    "search",
)
THEMES = ("light", "dark")
LANGUAGES = ("en", "zh_CN")
SIZES = ((1280, 800), (800, 600))
TITLE_BAR = 28

LONG_REPLY = "\n\n".join(
    f"{i}. Paragraph {i} of a long reply. " + "The quick brown fox jumps over the lazy dog "
    "while the lighthouse keeper writes the log. " * 4
    for i in range(1, 9)
)
CHAT = [
    (Role.USER, "How do I read a file line by line in Python? 请用中文解释一下。"),
    (
        Role.ASSISTANT,
        "Use a `with` block so the file is closed for you:\n\n```python\n"
        "with open('notes.txt', encoding='utf-8') as f:\n    for line in f:\n"
        "        print(line.rstrip())\n```\n\n"
        "**中文说明：** `with` 语句会在结束时自动关闭文件，逐行读取不会把整个文件读入内存。\n\n"
        "| Mode | Meaning |\n|---|---|\n| `r` | read |\n| `w` | write |\n",
    ),
    (Role.USER, "Thanks! And a long answer please, with a link: https://example.com/docs"),
    (Role.ASSISTANT, LONG_REPLY),
]
# Chats for the search screen: one that repeats itself (as the demo model does), so a search
# finds several of its messages and the sidebar shows it once with a count.
SEARCH_CHATS = (
    (
        "Explain how a rainbow forms",
        "Explain how a rainbow forms, in two sentences.",
        "A rainbow forms when sunlight enters raindrops. Explain how a rainbow forms, in two "
        "sentences: a rainbow forms when light bends.",
        "Explain how a rainbow forms, in two sentences.",
        "A rainbow forms when sunlight bends in raindrops, and the rainbow shows its colours.",
    ),
    (
        "彩虹是怎么形成的？",
        "彩虹是怎么形成的？",
        "阳光进入雨滴后折射和反射，就形成了彩虹。",
        "为什么彩虹是弯的？",
    ),
    ("Weekend walk", "We saw a double rainbow over the lake. What causes that?", "湖上有双彩虹。"),
    ("Rainbow cake for the party", "How many layers should the cake have?"),
)
SEARCH_QUERIES = {"en": "rainbow", "zh_CN": "彩虹"}

NOTES = (
    "The lighthouse keeper logs the wind, the tide and every ship that passes. "
    "On calm nights the lamp is cleaned at dusk and checked at midnight.\n\n"
    "灯塔看守人记录风向、潮汐和每一艘经过的船只。"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--all", action="store_true", help="every screen, theme, language and size (see --only)"
    )
    parser.add_argument("--only", default="", help="screens, comma-separated: " + ",".join(SCREENS))
    parser.add_argument("--themes", default=",".join(THEMES), help="light,dark")
    parser.add_argument("--languages", default=",".join(LANGUAGES), help="en,zh_CN")
    parser.add_argument(
        "--sizes", default=",".join(f"{w}x{h}" for w, h in SIZES), help="1280x800,800x600"
    )


def parse_list(text: str, allowed: tuple[str, ...], what: str) -> list[str]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)} (one of {', '.join(allowed)})")
    return items


def parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for item in text.split(","):
        width, _, height = item.strip().partition("x")
        if not (width.isdigit() and height.isdigit()):
            raise SystemExit(f"a size is WIDTHxHEIGHT, not {item!r}")
        sizes.append((int(width), int(height)))
    return sizes


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(done: Callable[[], bool], timeout_s: float = 60) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if done():
            return True
        wait(50)
    return done()


def run_all(args: argparse.Namespace, script: Path) -> int:
    """One child process per language (translations are fixed when widgets are made)."""
    languages = parse_list(args.languages, LANGUAGES, "language")
    if len(languages) == 1:
        return shoot_language(args, languages[0])
    failed = 0
    for language in languages:
        command = [sys.executable, str(script), "--all", "--languages", language]
        command += ["--out", str(args.out), "--themes", args.themes, "--sizes", args.sizes]
        if args.only:
            command += ["--only", args.only]
        if args.model is not None:
            command += ["--model", str(args.model)]
        failed |= subprocess.run(command, check=False).returncode
    return failed


def shoot_language(args: argparse.Namespace, language: str) -> int:
    from desktop.app import create, install_translations

    # In SCREENS' order whatever --only says: models-library adds a folder, so the empty
    # library must come first.
    only = set(parse_list(args.only, SCREENS, "screen")) if args.only else set(SCREENS)
    screens = [screen for screen in SCREENS if screen in only]
    themes = parse_list(args.themes, THEMES, "theme")
    sizes = parse_sizes(args.sizes)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    install_translations(app, language)  # English too: its plural forms ("1 model")
    data = Path(tempfile.mkdtemp(prefix="hearthside-shots-"))
    with offline_hub(args.model) as endpoint:
        hearthside = create(data)
        hearthside.settings.set("hub.endpoint", endpoint)
        shooter = Shooter(app, hearthside, args.out, language, themes, sizes)
        try:
            shooter.run(screens, args.model)
        finally:
            hearthside.shutdown()
    print(f"{len(shooter.written)} screenshots ({language}) in {args.out}")
    return 0


@contextlib.contextmanager
def offline_hub(model: Path | None) -> Iterator[str]:
    """The tests' hub stand-in on 127.0.0.1, serving the recommended model's repo; else a closed
    local port, so the Browse tab never reaches the internet either way."""
    try:
        from desktop.models.qt.hub_models import load_starter_list
        from tests.fixtures.fake_hub import FakeHub
    except ImportError:
        yield "http://127.0.0.1:9"
        return
    with FakeHub() as hub:
        head = b""
        if model is not None and model.is_file():
            with model.open("rb") as handle:
                head = handle.read(4 << 20)
        for starter in load_starter_list():
            stem = starter.repo_id.rsplit("/", 1)[-1].removesuffix("-GGUF")
            files = {f"{stem}-{quant}.gguf": head for quant in ("Q4_K_M", "Q5_K_M", "Q8_0")}
            hub.add_repo(starter.repo_id, files)
        yield hub.endpoint


class Shooter:
    """Shows each screen and saves one PNG per theme and size."""

    def __init__(
        self,
        app: QApplication,
        hearthside: Any,
        out: Path,
        language: str,
        themes: list[str],
        sizes: list[tuple[int, int]],
    ) -> None:
        self.app = app
        self.hearthside = hearthside
        self.window = hearthside.window
        self.out = out
        self.language = language
        self.themes = themes
        self.sizes = sizes
        self.written: list[Path] = []
        self.conversation = 0

    # -- running --

    def run(self, screens: list[str], model: Path | None) -> None:
        window = self.window
        window.resize(*self.sizes[0])
        self.set_theme(self.themes[0])
        window.apply_appearance()  # as the app does before its first frame (desktop/app.py)
        window.show()
        wait_until(lambda: self.hearthside.backend is not None, 60)
        wait(300)
        if "welcome" in screens:
            self.each("welcome", window.grab)
        self.load(model)
        self.fill_store()
        for screen in screens:
            if screen != "welcome":
                getattr(self, "shoot_" + screen.replace("-", "_"))()

    def load(self, model: Path | None) -> None:
        hearthside = self.hearthside
        if model is not None:
            hearthside.settings.set("sampling.max_tokens", 48, model.name)
            hearthside.models.load_model(str(model))
        else:
            hearthside.models.load_starter()
        if not wait_until(lambda: hearthside.session.model_info is not None, 120):
            print("the model did not load; model screens show no model", file=sys.stderr)

    def each(
        self, screen: str, grab: Callable[[], QPixmap], themes: list[str] | None = None
    ) -> None:
        for theme in themes or self.themes:
            self.set_theme(theme)
            for width, height in self.sizes:
                self.window.resize(width, height)
                wait(250)
                path = self.out / f"{screen}-{theme}-{self.language}-{width}x{height}.png"
                grab().save(str(path))
                self.written.append(path)

    def set_theme(self, theme: str) -> None:
        settings = self.hearthside.settings
        if settings.get("appearance.theme") != theme:
            settings.set("appearance.theme", theme)
            self.window.apply_appearance()
            wait(100)

    def over_window(self, top: QWidget, width: int = 0, height: int = 0) -> Callable[[], QPixmap]:
        """A grab of the window with ``top`` (a dialog, the model manager) drawn over it, centred
        and at most the window's size less a margin, as on a screen that size."""

        def grab() -> QPixmap:
            window = self.window
            hint = top.sizeHint()
            want_w = width or max(top.width(), hint.width())
            want_h = height or max(top.height(), hint.height())
            minimum = top.minimumSizeHint()
            top.resize(
                max(minimum.width(), min(want_w, window.width() - 32)),
                max(minimum.height(), min(want_h, window.height() - 32 - TITLE_BAR)),
            )
            wait(150)
            shot = window.grab()
            picture = top.grab()
            theme = tokens(self.hearthside.settings.get("appearance.theme") == "dark")
            bar = TITLE_BAR if top.windowTitle() else 0  # what a window manager would add
            painter = QPainter(shot)
            painter.fillRect(shot.rect(), QColor(0, 0, 0, 70))
            x = max(0, (shot.width() - picture.width()) // 2)
            y = max(0, (shot.height() - picture.height() - bar) // 2)
            if bar:
                strip = QRect(x, y, picture.width(), bar)
                painter.fillRect(strip, QColor(theme.window))
                painter.setPen(QColor(theme.text))
                painter.drawText(strip, Qt.AlignmentFlag.AlignCenter, top.windowTitle())
            painter.drawPixmap(QPoint(x, y + bar), picture)
            painter.setPen(QColor(theme.border))
            painter.drawRect(QRect(x, y, picture.width() - 1, picture.height() + bar - 1))
            painter.end()
            return shot

        return grab

    def dialog(self, screen: str, dialog: QWidget, width: int = 0, height: int = 0) -> None:
        dialog.show()
        wait(200)
        self.each(screen, self.over_window(dialog, width, height))
        dialog.close()

    # -- content --

    def fill_store(self) -> None:
        store = self.hearthside.store
        for title in ("Trip to Kyoto", "周末做什么菜？", "Fix my bash script", "Birthday ideas"):
            chat = store.create_conversation(title).id
            store.add_message(chat, None, Role.USER, title)
        for title in ("Old shopping list", "旧的会议记录"):
            chat = store.create_conversation(title).id
            store.add_message(chat, None, Role.USER, title)
            store.delete_conversation(chat)
        self.conversation = store.create_conversation("Reading files in Python").id
        parent = None
        for role, text in CHAT:
            parent = store.add_message(
                self.conversation,
                parent,
                role,
                text,
                finish_reason=FinishReason.STOP if role == Role.ASSISTANT else None,
            ).id
        store.set_pinned(self.conversation, True)
        self.hearthside.history.refresh_conversations()

    def open_chat(self) -> None:
        self.hearthside.history.open_conversation(self.conversation)
        wait(300)

    # -- screens --

    def shoot_main(self) -> None:
        self.open_chat()
        view = self.hearthside.chat.chat_view

        def grab() -> QPixmap:
            view.scroll_to_bottom()
            wait(150)
            return self.window.grab()

        self.each("main", grab)

    def shoot_empty_chat(self) -> None:
        self.hearthside.chat.new_chat()
        wait(200)
        self.each("empty-chat", self.window.grab)

    def model_manager(self, screen: str, tab: int) -> None:
        manager = self.hearthside.models.show_model_manager(tab)
        wait(400)
        if screen == "models-browse":
            pick = self.hearthside.models.recommended.pick()
            if pick is not None:
                manager.browser.show_suggestion(pick.repo_id)
                wait_until(lambda: manager.browser.download_button.isEnabled(), 10)
        self.each(screen, self.over_window(manager, 980, 640))
        manager.close()

    def shoot_models_library_empty(self) -> None:
        from desktop.models.qt.services import LIBRARY_TAB

        self.model_manager("models-library-empty", LIBRARY_TAB)

    def shoot_models_library(self) -> None:
        """The library with the loaded model's folder added, so it lists that model."""
        from desktop.models.qt.services import LIBRARY_TAB

        info = self.hearthside.session.model_info
        if info is not None:
            self.hearthside.settings.set("library.extra_folders", str(Path(info.path).parent))
        manager = self.hearthside.models.show_model_manager(LIBRARY_TAB)
        manager.library.rescan()
        wait_until(lambda: manager.library.model.rowCount() > 0, 20)
        self.model_manager("models-library", LIBRARY_TAB)

    def shoot_models_browse(self) -> None:
        from desktop.models.qt.services import BROWSE_TAB

        self.model_manager("models-browse", BROWSE_TAB)

    def shoot_models_downloads(self) -> None:
        from desktop.models.qt.services import DOWNLOADS_TAB

        self.model_manager("models-downloads", DOWNLOADS_TAB)

    def shoot_models_downloads_list(self) -> None:
        """Downloads with rows: two shown in the list as the worker would report them, without
        downloading anything (they never reach the worker)."""
        from desktop.models.qt.download_worker import DownloadState
        from desktop.models.qt.downloads_model import DownloadRow
        from desktop.models.qt.services import DOWNLOADS_TAB

        model = self.hearthside.model_services().downloads.model
        mib = 1 << 20
        for row in (
            DownloadRow(
                "a",
                "Qwen3-4B-Q4_K_M.gguf",
                2497 * mib,
                1630 * mib,
                18.5 * mib,
                DownloadState.DOWNLOADING.value,
            ),
            DownloadRow(
                "b",
                "gemma-3-1b-it-Q8_0.gguf",
                1020 * mib,
                310 * mib,
                0.0,
                DownloadState.PAUSED.value,
            ),
        ):
            model.add(row)
        self.model_manager("models-downloads-list", DOWNLOADS_TAB)
        for row_id in ("a", "b"):
            model.remove(row_id)

    def shoot_models_servers(self) -> None:
        """The Servers tab listing one server: this app's own API server (started on a free
        local port, see start_server), so its models come back without the network."""
        from desktop.remote.servers import Preset

        url = self.start_server()
        remote = self.hearthside.remote
        manager = self.hearthside.models.show_model_manager(self.servers_tab())
        panel = remote.panel
        if url and panel is not None and not remote.servers.entries:
            panel.add_server("This computer", url, Preset.LLAMA_SERVER)
            wait_until(lambda: panel.model_list.count() > 0, 20)
        wait(200)
        self.each("models-servers", self.over_window(manager, 980, 640))
        manager.close()

    def servers_tab(self) -> int:
        from desktop.models.qt.services import DOWNLOADS_TAB

        return DOWNLOADS_TAB + 1  # the first tab a feature adds (desktop/app.py: remote)

    def start_server(self) -> str:
        """Turns the local API server on at a free port; its URL, "" when it did not start."""
        import socket

        server = self.hearthside.server
        if server is None:
            return ""
        if not server.controller.state.running:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            self.hearthside.settings.set("server.port", port)
            server.set_enabled(True)
            wait_until(lambda: not server.controller.state.busy, 30)
        state = server.controller.state
        return state.url if state.running else ""

    def shoot_server(self) -> None:
        """The Server panel (View › Server panel) with the server running, docked below the
        chat where it first opens."""
        self.open_chat()
        self.start_server()
        server = self.hearthside.server
        if server is None:
            return
        server.show_panel()
        wait(300)
        self.each("server", self.window.grab)
        server.dock.hide()

    def shoot_settings(self, screen: str = "settings", page: str = "") -> None:
        """Opened again in each theme: the dialog shows the theme chosen when it opened.
        ``page``: the class name of a feature's page to show instead of Appearance, or "last"
        (Folders and downloads)."""
        for theme in self.themes:
            self.set_theme(theme)
            self.window.show_app_settings()
            dialog = self.window.app_settings_dialog
            for feature_page in dialog.pages:
                if type(feature_page).__name__ == page:
                    dialog.tabs.setCurrentWidget(feature_page.widget())
            if page == "last":
                dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
            dialog.show()
            wait(200)
            self.each(screen, self.over_window(dialog), [theme])
            dialog.close()

    def shoot_settings_models(self) -> None:
        self.shoot_settings("settings-models", "ModelDefaultsPage")

    def shoot_settings_server(self) -> None:
        self.shoot_settings("settings-server", "ServerSettingsPage")

    def shoot_settings_folders(self) -> None:
        self.shoot_settings("settings-folders", "last")

    def shoot_settings_popup(self) -> None:
        """Settings with the Theme list open: the combo box's popup drawn where it opens,
        rounded as on a composited desktop (xvfb has no compositor)."""
        popups = self.window.appearance.popups
        popups.uninstall()
        popups.install(enabled=True)
        for theme in self.themes:
            self.set_theme(theme)
            self.window.show_app_settings()
            dialog = self.window.app_settings_dialog
            dialog.show()
            wait(200)
            self.each("settings-popup", self.with_popup(dialog, dialog.theme), [theme])
            dialog.close()

    def with_popup(self, dialog: QWidget, combo: Any) -> Callable[[], QPixmap]:
        """A grab of ``dialog`` over the window (see over_window) with ``combo``'s list open
        over it, at the place the list takes relative to the combo box."""
        behind = self.over_window(dialog)

        def grab() -> QPixmap:
            shot = behind()
            combo.showPopup()
            wait(250)
            popup = combo.view().window()
            picture = popup.grab()
            place = popup.mapToGlobal(QPoint(0, 0)) - dialog.mapToGlobal(QPoint(0, 0))
            combo.hidePopup()
            wait(100)
            bar = TITLE_BAR if dialog.windowTitle() else 0
            x = max(0, (shot.width() - dialog.width()) // 2) + place.x()
            y = max(0, (shot.height() - dialog.height() - bar) // 2) + bar + place.y()
            painter = QPainter(shot)
            painter.drawPixmap(QPoint(x, y), picture)
            painter.end()
            return shot

        return grab

    def shoot_model_settings(self) -> None:
        from desktop.models.qt.model_settings_dialog import ModelSettingsDialog

        shown: list[QDialog] = []

        def show_instead(dialog: QDialog) -> int:  # never block on exec()
            dialog.show()
            shown.append(dialog)
            return int(QDialog.DialogCode.Rejected)

        ModelSettingsDialog.exec = show_instead  # type: ignore[method-assign,assignment]
        self.hearthside.models.edit_model_settings()
        if shown:
            self.dialog("model-settings", shown[-1])

    def shoot_collections_empty(self) -> None:
        """The dialog before any collection is made (so this screen comes first)."""
        dialog = self.hearthside.documents_feature.show_dialog()
        wait(300)
        self.dialog("collections-empty", dialog, 760, 520)

    def shoot_collections(self) -> None:
        feature = self.hearthside.documents_feature
        folder = Path(tempfile.mkdtemp(prefix="hearthside-notes-"))
        (folder / "lighthouse.md").write_text("# Lighthouse log\n\n" + NOTES, "utf-8")
        (folder / "tides.txt").write_text("High tide 06:12, low tide 12:30.\n" * 20, "utf-8")
        (folder / "chart.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
        self.hearthside.documents.create("Lighthouse notes", [str(folder)])
        dialog = feature.show_dialog()
        wait_until(lambda: not self.hearthside.documents.is_busy, 20)
        wait(300)
        self.dialog("collections", dialog, 760, 520)

    def shoot_sources(self) -> None:
        store = self.hearthside.store
        chat = store.create_conversation("What does the log say?").id
        question = store.add_message(chat, None, Role.USER, "When is high tide?")
        source = MessageSource(
            number=1,
            file=str(Path.home() / "notes" / "tides.txt"),
            heading="Tides",
            text="High tide 06:12, low tide 12:30. The keeper checks the lamp at midnight.",
            highlights=((0, 9),),
            collection="Lighthouse notes",
        )
        store.add_message(
            chat,
            question.id,
            Role.ASSISTANT,
            "High tide is at 06:12 [1].",
            finish_reason=FinishReason.STOP,
            sources=(source,),
        )
        self.hearthside.history.refresh_conversations()
        self.hearthside.history.open_conversation(chat)
        wait(300)
        feature = self.hearthside.documents_feature
        feature.show_source(1, 1)
        wait(200)
        self.each("sources", self.window.grab)
        feature.dock.hide()

    def shoot_trash(self) -> None:
        self.dialog("trash", self.hearthside.history.show_trash())

    def shoot_trash_empty(self) -> None:
        dialog = self.hearthside.history.show_trash()
        dialog.set_items(())  # as after Empty trash, without asking
        self.dialog("trash-empty", dialog)

    def shoot_export(self) -> None:
        from desktop.history.qt.export_dialog import ExportDialog

        self.open_chat()
        self.dialog("export", ExportDialog(all_chats=False, parent=self.window))

    def shoot_search(self) -> None:
        store = self.hearthside.store
        for title, *texts in SEARCH_CHATS:
            chat, parent = store.create_conversation(title).id, None
            for number, text in enumerate(texts):
                role = Role.USER if number % 2 == 0 else Role.ASSISTANT
                finish = FinishReason.STOP if role == Role.ASSISTANT else None
                parent = store.add_message(chat, parent, role, text, finish_reason=finish).id
        history = self.hearthside.history
        history.refresh_conversations()
        history.sidebar.search_field.setText(SEARCH_QUERIES.get(self.language, "rainbow"))
        wait(400)  # past the sidebar's pause before it searches
        self.each("search", self.window.grab)
        history.sidebar.clear_search()

    def shoot_crash(self) -> None:
        from desktop.shell.crash import CrashDialog, format_report

        try:
            raise RuntimeError("an example error for the screenshot")
        except RuntimeError as error:
            report = format_report(type(error), error, error.__traceback__, "MainThread")
        log = self.hearthside.data_dir / "logs" / "hearthside.log"
        self.dialog("crash", CrashDialog(report, log, self.window))
