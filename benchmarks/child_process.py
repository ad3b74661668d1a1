"""Child processes for the start-up and memory figures: ``python -m benchmarks.child_process KIND``.

Each prints one JSON line; the parent times the process from spawn to that line.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _when_settled(window: Any, call: Callable[[], None]) -> None:
    """Runs ``call`` once ``window`` has painted its first frame and the work a start leaves
    for after it (the app's :class:`desktop.app.AfterFirstFrame` calls) has run on the GUI
    thread: the start-up figures' "settled" variant, so work moved behind the first paint
    still shows."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    def check() -> None:
        pending = [child for child in window.children() if getattr(child, "pending", False) is True]
        if pending:
            QTimer.singleShot(0, check)
        else:
            call()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                QTimer.singleShot(0, check)
            return False

    watcher = FirstPaint(window)
    window.installEventFilter(watcher)


def _bare_window(settled: bool = False) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1000, 700)

    def ready() -> None:
        print(json.dumps({"ready": True}), flush=True)
        app.quit()

    if settled:
        _when_settled(window, ready)
    window.show()
    if not settled:
        QTimer.singleShot(0, ready)
    app.exec()


def _floor_window() -> None:
    """The same kinds of widgets as the app's first frame, built with PySide6 alone: the floor
    under startup_ratio that no app code of ours can go below (startup_floor_ratio, info).

    Menus with shortcuts, a splitter with a chat list, a stacked welcome page with buttons, a
    scroll area with three Markdown messages, the composer with its buttons, a meter, a hidden
    dock and a status bar with labels and a model button."""
    from PySide6.QtCore import QStringListModel, Qt, QTimer
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import (
        QApplication,
        QDockWidget,
        QHBoxLayout,
        QLabel,
        QListView,
        QMainWindow,
        QPlainTextEdit,
        QPushButton,
        QScrollArea,
        QSplitter,
        QStackedWidget,
        QTextBrowser,
        QToolButton,
        QVBoxLayout,
        QWidget,
    )

    app = QApplication(sys.argv)
    window = QMainWindow()
    for title in ("&File", "&Edit", "&View", "&Help"):
        menu = window.menuBar().addMenu(title)
        for n in range(6):
            action = QAction(f"{title} action {n}", window)
            action.setShortcut(QKeySequence(f"Ctrl+Shift+{n}"))
            menu.addAction(action)
    chats = QListView()
    chats.setModel(QStringListModel([f"Chat {n}" for n in range(20)], chats))
    pages = QStackedWidget()
    welcome = QWidget()
    welcome_layout = QVBoxLayout(welcome)
    title_label = QLabel("Welcome")
    title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    welcome_layout.addWidget(title_label)
    buttons = QHBoxLayout()
    for text in ("Use the starter model", "Open model file…", "Download a model"):
        button = QPushButton(text)
        button.setMinimumHeight(int(button.sizeHint().height() * 1.4))
        buttons.addWidget(button)
    welcome_layout.addLayout(buttons)
    pages.addWidget(welcome)
    chat = QWidget()
    chat_layout = QVBoxLayout(chat)
    scroll = QScrollArea()
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    column = QWidget()
    column_layout = QVBoxLayout(column)
    for n in range(3):
        message = QTextBrowser()
        message.setMarkdown(f"**Message {n}**: some *text* and `code`.")
        column_layout.addWidget(message)
    scroll.setWidget(column)
    chat_layout.addWidget(scroll, 1)
    composer = QPlainTextEdit()
    composer.setPlaceholderText("Message")
    chat_layout.addWidget(composer)
    row = QHBoxLayout()
    row.addWidget(QLabel("0 / 4,096 tokens"), 1)
    for text in ("Attach", "Stop", "Send"):
        row.addWidget(QPushButton(text))
    chat_layout.addLayout(row)
    pages.addWidget(chat)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(chats)
    splitter.addWidget(pages)
    window.setCentralWidget(splitter)
    dock = QDockWidget("Sources", window)
    dock.setWidget(QTextBrowser())
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    model_button = QToolButton()
    model_button.setText("No model loaded")
    model_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    window.statusBar().addPermanentWidget(model_button)
    for text in ("CPU", "", ""):
        window.statusBar().addPermanentWidget(QLabel(text))
    window.resize(980, 760)
    window.show()
    QTimer.singleShot(0, lambda: (print(json.dumps({"ready": True}), flush=True), app.quit()))
    app.exec()


def _app_window(
    model: str | None,
    threads: int,
    n_ctx: int,
    data_dir: str | None,
    delay_s: float = 0.0,
    settled: bool = False,
) -> None:
    """The app's real start (desktop.app.started: single instance, crash handler, settings,
    translations, create, show), timed to the first turn of the event loop after it.

    Work the start leaves for later is posted before our marker, so the marker only runs once
    the GUI thread has done it: the figure is the time until the window answers input."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.app import started
    from desktop.engine.llama import LoadOptions

    app = QApplication(sys.argv)
    folder = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="hearthside-bench-"))
    result: dict[str, object] = {"ready": True}
    if delay_s:  # a deliberately slowed start, so a test can see the figure move
        import desktop.shell.main_window as main_window_module

        real_show = main_window_module.MainWindow.show

        def slow_show(self: object) -> None:
            time.sleep(delay_s)
            real_show(self)  # type: ignore[arg-type]

        main_window_module.MainWindow.show = slow_show  # type: ignore[method-assign]
    with started(None, folder, initial_model=False) as hearthside:
        assert hearthside is not None, "another Hearthside owns the benchmark's data folder"

        def ready() -> None:
            if model is None:
                print(json.dumps(result), flush=True)
                app.quit()
                return

            def loaded(info: object) -> None:
                if info is not None:
                    result["rss_mb"] = _rss_mb()
                    print(json.dumps(result), flush=True)
                    app.quit()

            hearthside.session.model_changed.connect(loaded)
            hearthside.session.load_failed.connect(
                lambda f: (print(json.dumps({"error": str(f)})), app.quit())
            )
            hearthside.session.load_model(model, LoadOptions(n_ctx=n_ctx, n_threads=threads))

        if settled:
            _when_settled(hearthside.window, ready)
        else:
            QTimer.singleShot(0, ready)
        app.exec()


def _bare_llama(model: str, threads: int, n_ctx: int) -> None:
    import llama_cpp

    from desktop.engine.llama import LoadOptions  # the app's defaults, flash attention too

    llm = llama_cpp.Llama(
        model_path=model,
        n_ctx=n_ctx,
        n_threads=threads,
        flash_attn=LoadOptions().flash_attn,
        verbose=False,
    )
    llm.eval(llm.tokenize(b"Hello", add_bos=True))
    print(json.dumps({"rss_mb": _rss_mb()}), flush=True)


def _hub(size_mb: int) -> None:
    """The tests' fake Hugging Face hub on 127.0.0.1 with one file of ``size_mb`` MiB, in a
    process of its own so that serving it takes nothing from the measured process. Prints
    the file's URL, size and sha256, then serves until stdin closes."""
    import hashlib
    import random

    from tests.fixtures.fake_hub import FakeHub

    data = random.Random(0).randbytes(size_mb << 20)
    hub = FakeHub(chunk=1 << 20)
    hub.add_repo("bench/Big-GGUF", {"big-Q4_K_M.gguf": data})
    with hub:
        url = hub.url("bench/Big-GGUF", "big-Q4_K_M.gguf")
        sha = hashlib.sha256(data).hexdigest()
        print(json.dumps({"url": url, "size": len(data), "sha256": sha}), flush=True)
        sys.stdin.read()


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    kind = sys.argv[1]
    if kind == "bare-window":
        _bare_window(settled=sys.argv[2:3] == ["settled"])
    elif kind == "floor-window":
        _floor_window()
    elif kind == "app-window":
        data_dir = sys.argv[2] if len(sys.argv) > 2 else None
        delay_s = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
        _app_window(None, 1, 512, data_dir, delay_s, settled=sys.argv[4:5] == ["settled"])
    elif kind == "app-model":
        _app_window(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), None)
    elif kind == "hub":
        _hub(int(sys.argv[2]))
    elif kind == "bare-llama":
        _bare_llama(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit(f"unknown child {kind}")


if __name__ == "__main__":
    main()
