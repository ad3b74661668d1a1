"""Crash handling: exceptions anywhere become a dialog and a log entry; a native crash is
written by faulthandler and reported at the next start."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from desktop.shell.crash import (
    NATIVE_LOG_NAME,
    CrashHandler,
    RotatingLog,
    set_aside_native_crash_log,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def handler(qtbot, tmp_path: Path) -> Iterator[CrashHandler]:
    """Installed without faulthandler: pytest owns that one in this process."""
    crash = CrashHandler(tmp_path / "logs")
    crash.install(native=False)
    yield crash
    crash.uninstall()
    if crash.dialog is not None:
        crash.dialog.close()


def raise_and_hook(message: str) -> None:
    try:
        raise RuntimeError(message)
    except RuntimeError:
        sys.excepthook(*sys.exc_info())


def test_an_exception_shows_a_dialog_with_the_traceback(qtbot, handler: CrashHandler) -> None:
    raise_and_hook("the injected failure")
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
    dialog = handler.dialog
    assert not dialog.isModal()  # the app keeps working
    report = dialog.report()
    assert "RuntimeError: the injected failure" in report
    assert "raise_and_hook" in report and "Traceback" in report
    assert "Hearthside" in report and "Python" in report
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == report
    log = (handler.log_dir / "hearthside.log").read_text(encoding="utf-8")
    assert "RuntimeError: the injected failure" in log


def test_an_exception_in_a_slot_is_caught(qtbot, handler: CrashHandler) -> None:
    def broken_slot() -> None:
        raise ValueError("from a Qt slot")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: handler.dialog is not None, timeout=5_000)
    assert "ValueError: from a Qt slot" in handler.dialog.report()


def test_an_exception_in_a_thread_reaches_the_gui_thread(qtbot, handler: CrashHandler) -> None:
    def work() -> None:
        raise KeyError("from a worker")

    thread = threading.Thread(target=work, name="downloader-7")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: handler.dialog is not None, timeout=5_000)
    report = handler.dialog.report()
    assert "in thread downloader-7" in report and "KeyError: 'from a worker'" in report


def test_more_errors_join_the_open_dialog(qtbot, handler: CrashHandler) -> None:
    raise_and_hook("first")
    qtbot.waitUntil(lambda: handler.dialog is not None)
    first = handler.dialog
    raise_and_hook("second")
    qtbot.waitUntil(lambda: "second" in first.report())
    assert handler.dialog is first and "first" in first.report()


def test_uninstall_gives_the_hooks_back(tmp_path: Path) -> None:
    before = (sys.excepthook, threading.excepthook)
    crash = CrashHandler(tmp_path / "logs")
    crash.install(native=False)
    assert sys.excepthook == crash.on_excepthook
    crash.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def run_child(code: str, data: Path) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from desktop.shell.crash import CrashHandler
        crash = CrashHandler(Path({str(data)!r}))
        crash.install()
        """
    ) + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_native_crash_is_logged_and_reported_at_the_next_start(qtbot, app, tmp_path) -> None:
    logs = tmp_path / "logs"
    child = run_child("import faulthandler\nfaulthandler._sigsegv()\n", logs)
    assert child.returncode != 0
    native = logs / NATIVE_LOG_NAME
    assert "Fatal Python error" in native.read_text(encoding="utf-8")

    moved = set_aside_native_crash_log(logs)  # what the next start does first
    assert moved is not None and moved.name.startswith("native-crash-")
    assert "Fatal Python error" in moved.read_text(encoding="utf-8")
    assert not native.exists()
    assert set_aside_native_crash_log(logs) is None  # reported once only

    from desktop.app import report_previous_crash

    report_previous_crash(app.window, moved)
    box = app.window.error_box
    assert box is not None and box.isVisible()
    assert "crashed" in box.windowTitle() and str(moved) in box.text()


def test_a_clean_exit_leaves_no_crash_log(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    child = run_child("crash.uninstall()\n", logs)
    assert child.returncode == 0, child.stderr
    assert not (logs / NATIVE_LOG_NAME).exists()
    assert set_aside_native_crash_log(logs) is None
    assert "starting" in (logs / "hearthside.log").read_text(encoding="utf-8")


def test_the_log_rotates_past_its_size_keeping_a_few_old_files(tmp_path: Path) -> None:
    import logging

    path = tmp_path / "app.log"
    handler = RotatingLog(path, max_bytes=100, backups=2)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("test-rotating-log")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for number in range(10):
            logger.warning("line %d %s", number, "x" * 40)  # 48 bytes: two lines a file
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert path.read_text("utf-8").splitlines()[-1].startswith("line 9 ")
    assert (tmp_path / "app.log.1").read_text("utf-8").startswith("line 6 ")
    assert (tmp_path / "app.log.2").read_text("utf-8").startswith("line 4 ")
    assert not (tmp_path / "app.log.3").exists()  # only two old files kept
    assert all(p.stat().st_size <= 100 for p in tmp_path.iterdir())
