"""SIGTERM ends the app as closing its window does (issue 17, defect 8: the last chat was
not reopened after a SIGTERM, because nothing was saved)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from desktop.qtkit.termination import QuitOnTermination

CHILD = Path(__file__).with_name("termination_child.py")
EXIT_TIMEOUT_S = 120


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX")
def test_sigterm_saves_the_last_chat(tmp_path: Path) -> None:
    """Nothing here is timed: the child says when its chat is open, and its exit is awaited
    with a limit that only guards against a hang. The limit is generous because a quit right
    after start-up waits for the engine's thread, which runs below the window's priority and
    may still be importing llama.cpp then (6-8 s on a saturated 2-core machine, bounded by the
    app at 15 s). Both pipes are read while waiting, so a child that writes much to stderr
    cannot block on a full pipe, and its stderr is shown when it fails."""
    data_dir = tmp_path / "data"
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("READY"), child.stderr.read() if child.stderr else line
        conversation = int(line.split()[1])
        child.send_signal(signal.SIGTERM)
        _out, err = child.communicate(timeout=EXIT_TIMEOUT_S)
        assert child.returncode == 0, err
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    saved = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert saved["values"]["chat.last_conversation"] == conversation


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX")
def test_a_sigterm_before_the_event_loop_runs_still_ends_it(qapp) -> None:
    """A SIGTERM that arrives during start-up, before the event loop runs, is not lost: Qt
    ignores a quit() asked before exec(), so the loop would otherwise wait for ever."""
    guard = QuitOnTermination(qapp)
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(lambda: qapp.exit(3))  # the loop did not end by itself
    try:
        signal.raise_signal(signal.SIGTERM)  # its Python handler runs now, before exec()
        safety.start(5000)
        code = qapp.exec()
    finally:
        safety.stop()
        guard.uninstall()
    assert code == 0
