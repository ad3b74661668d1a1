"""Crash handling: uncaught Python exceptions become a dialog and a log entry; native crashes
are written by faulthandler and reported at the next start.

An exception in a slot or a worker thread would otherwise only reach a terminal the user never
sees, and a native crash in llama.cpp ends the process without a word. Users can paste the
report (the "Copy report" button) into a bug report.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import os
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

from desktop import __version__
from desktop.core.private_files import make_private_dir, open_private_text, tighten
from desktop.shell.single_instance import bring_to_front

LOG_NAME = "hearthside.log"
NATIVE_LOG_NAME = "native-crash.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3

log = logging.getLogger("hearthside")


class RotatingLog(logging.FileHandler):
    """Appends to a file; when a record would take it past ``max_bytes``, the file becomes
    <name>.1 (.1 becomes .2, and so on; the oldest of ``backups`` is dropped).

    What logging.handlers.RotatingFileHandler does, without importing logging.handlers
    (socket, pickle, queue: ~8 ms of every start). ``emit`` runs under the handler's lock.
    """

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        super().__init__(path, mode="a", encoding="utf-8")
        self.max_bytes = max_bytes
        self.backups = backups

    def _open(self) -> Any:
        """The log file, made private (0600) whenever it is opened or started anew."""
        stream = super()._open()
        tighten(self.baseFilename)
        return stream

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._needs_rollover(record):
                self._roll_over()
        except Exception:
            self.handleError(record)
            return
        super().emit(record)

    def _needs_rollover(self, record: logging.LogRecord) -> bool:
        if self.stream is None:  # closed, or opened on the next emit
            self.stream = self._open()
        if self.max_bytes <= 0 or not os.path.isfile(self.baseFilename):
            return False  # a pipe or device: nothing to rotate
        size = self.stream.tell() + len(f"{self.format(record)}\n".encode("utf-8", "replace"))
        return self.stream.tell() > 0 and size >= self.max_bytes

    def _roll_over(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # type: ignore[assignment]
        base = self.baseFilename
        for number in range(self.backups - 1, 0, -1):
            older = f"{base}.{number}"
            if os.path.exists(older):
                os.replace(older, f"{base}.{number + 1}")
        if self.backups > 0 and os.path.exists(base):
            os.replace(base, f"{base}.1")
        self.stream = self._open()


def setup_logging(log_dir: Path) -> logging.Handler:
    """Logs to <log_dir>/hearthside.log, rotated at 1 MB with three old files kept."""
    make_private_dir(log_dir)
    handler = RotatingLog(log_dir / LOG_NAME, LOG_MAX_BYTES, LOG_BACKUPS)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


def set_aside_native_crash_log(log_dir: Path) -> Path | None:
    """If the last run left a non-empty native crash log, renames it aside and returns where.

    Runs before faulthandler opens the file again, so each report is about one run only.
    """
    path = log_dir / NATIVE_LOG_NAME
    try:
        if path.stat().st_size == 0:
            return None
    except OSError:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(path.stat().st_mtime))
    target = log_dir / f"native-crash-{stamp}.log"
    counter = 1
    while target.exists():
        counter += 1
        target = log_dir / f"native-crash-{stamp}-{counter}.log"
    try:
        path.replace(target)
    except OSError:
        return path  # still worth telling the user where it is
    return target


def format_report(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    thread_name: str | None = None,
) -> str:
    """The traceback with the versions a bug report needs."""
    import platform  # only when something went wrong: neither is needed to start
    import traceback

    where = f" in thread {thread_name}" if thread_name else ""
    lines = [
        f"Hearthside {__version__}, Python {platform.python_version()}, Qt {qVersion()}, "
        f"{platform.platform()}",
        f"Uncaught exception{where}:",
        "",
        "".join(traceback.format_exception(exc_type, exc, tb)).rstrip(),
    ]
    return "\n".join(lines)


class CrashDialog(QDialog):
    """Shows a report with a "Copy report" button; not modal, so the app keeps working."""

    def __init__(self, report: str, log_path: Path | None, parent: QWidget | None = None) -> None:
        # Imported here: the dialog's widgets (and their enums) are not needed to start.
        from PySide6.QtGui import QFontDatabase
        from PySide6.QtWidgets import (
            QDialogButtonBox,
            QLabel,
            QPlainTextEdit,
            QPushButton,
            QVBoxLayout,
        )

        super().__init__(parent)
        self.setWindowTitle(self.tr("Something went wrong"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Hearthside ran into an error it did not expect. Your conversations are saved. "
                "You can keep working, but if something behaves oddly, restart the app."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if log_path is not None:
            where = QLabel(self.tr("The error was also written to {path}").format(path=log_path))
            where.setTextFormat(Qt.TextFormat.PlainText)  # a path
            where.setWordWrap(True)
            where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(where)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(report)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy report"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(720, 460)

    def add_report(self, report: str) -> None:
        """A later error while the dialog is open joins it instead of opening another window."""
        self.text.appendPlainText("\n" + "-" * 72 + "\n" + report)

    def report(self) -> str:
        return self.text.toPlainText()

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report())
        self.copy_button.setText(self.tr("Copied"))


class CrashHandler(QObject):
    """Owns sys.excepthook, threading.excepthook and faulthandler while installed.

    Exceptions from any thread are logged at once and handed to the GUI thread by a queued
    signal; only the GUI thread shows the dialog.

    Signals:
        exception_caught(str): a formatted report; emitted from the thread that raised.
    """

    exception_caught = Signal(str)

    def __init__(self, log_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_dir = log_dir
        self.log_path = log_dir / LOG_NAME
        self.native_log_path = log_dir / NATIVE_LOG_NAME
        self.previous_native_crash: Path | None = None
        """Where last run's native crash log was set aside, if the last run crashed."""
        self.parent_widget: QWidget | None = None
        self.dialog: CrashDialog | None = None
        self._handler: logging.Handler | None = None
        self._native_file: IO[str] | None = None
        self._old_hooks: tuple[object, object] | None = None
        self.exception_caught.connect(self.on_exception_caught)

    def install(self, native: bool = True) -> None:
        """Starts logging and takes over the hooks; `native` also enables faulthandler."""
        self._handler = setup_logging(self.log_dir)
        log.info("Hearthside %s starting (Python %s, Qt %s)", __version__, sys.version, qVersion())
        if native:
            self.previous_native_crash = set_aside_native_crash_log(self.log_dir)
            if self.previous_native_crash is not None:
                log.warning("last run crashed; its log is %s", self.previous_native_crash)
            self._native_file = open_private_text(self.native_log_path, "w")
            faulthandler.enable(self._native_file, all_threads=True)
        self._old_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.on_excepthook
        threading.excepthook = self.on_threading_excepthook

    def uninstall(self) -> None:
        """Gives the hooks back; an empty native crash log is removed (a clean exit)."""
        if self._old_hooks is not None:
            sys.excepthook, threading.excepthook = self._old_hooks  # type: ignore[assignment]
            self._old_hooks = None
        if self._native_file is not None:
            faulthandler.disable()
            self._native_file.close()
            self._native_file = None
            with contextlib.suppress(OSError):
                if self.native_log_path.stat().st_size == 0:
                    self.native_log_path.unlink()
        if self._handler is not None:
            log.removeHandler(self._handler)
            self._handler.close()
            self._handler = None

    def on_excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt) and self._old_hooks is not None:
            self._old_hooks[0](exc_type, exc, tb)  # type: ignore[operator]
            return
        self.handle(exc_type, exc, tb, None)

    def on_threading_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else None
        self.handle(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback, name)

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        thread_name: str | None = None,
    ) -> None:
        """Logs the exception and asks the GUI thread to show it; safe from any thread."""
        report = format_report(exc_type, exc, tb, thread_name)
        with contextlib.suppress(Exception):  # a full disk must not turn one error into two
            log.error("%s", report)
        print(report, file=sys.stderr)
        self.exception_caught.emit(report)

    @Slot(str)
    def on_exception_caught(self, report: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_report(report)
            return
        self.dialog = CrashDialog(report, self.log_path, self.parent_widget)
        bring_to_front(self.dialog)
