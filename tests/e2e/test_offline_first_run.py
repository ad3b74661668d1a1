"""The whole first run, from an empty data folder to a reply, opens no network socket.

tests/conftest.py already refuses connections past this machine. This test is stricter: any
socket other than AF_UNIX fails the test, and so does any name lookup (DNS would leak even
without a connection). Qt and llama.cpp make sockets in native code, out of Python's sight, so
the test also lists the process's open sockets from /proc (Linux) while the app runs.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from desktop.core.conversation import Role
from tests.fixtures.window import load_tiny, rows, type_and_send


class SocketLog:
    def __init__(self) -> None:
        self.refused: list[str] = []


def inet_socket_inodes() -> set[str]:
    """Inodes of this process's open TCP/UDP sockets, read from /proc; empty elsewhere."""
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return set()
    mine = set()
    for fd in fds:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            mine.add(target[len("socket:[") : -1])
    inet = set()
    for table in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        try:
            lines = Path(f"/proc/self/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        inet.update(line.split()[9] for line in lines if len(line.split()) > 9)
    return mine & inet


@pytest.fixture
def only_local_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[SocketLog]:
    log = SocketLog()
    real_init = socket.socket.__init__

    def guarded_init(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None and family != socket.AF_UNIX:
            log.refused.append(f"socket(family={family!r})")
            raise OSError("the first run must not create network sockets")
        real_init(self, family, type, proto, fileno)

    def guarded_getaddrinfo(host, *args, **kwargs):
        log.refused.append(f"getaddrinfo({host!r})")
        raise OSError("the first run must not look up host names")

    monkeypatch.setattr(socket.socket, "__init__", guarded_init)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket, "gethostbyname", guarded_getaddrinfo)
    yield log


def test_first_run_to_reply_without_the_network(
    only_local_sockets: SocketLog, qtbot, app, tiny_gguf: Path
) -> None:
    with pytest.raises(OSError):  # the guard itself works
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    only_local_sockets.refused.clear()
    before = inet_socket_inodes()
    window = app.window
    assert window.pages.currentIndex() == 0  # the welcome screen: no model yet
    window.settings_action.trigger()  # the first-run defaults, shown with their reasons
    dialog = window.app_settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    load_tiny(qtbot, app, tiny_gguf, temperature=0.0, max_tokens=24)
    type_and_send(qtbot, app, "Hello offline")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    messages = rows(app)
    assert [m.role for m in messages] == [Role.USER, Role.ASSISTANT]
    assert messages[1].content
    window.about_action.trigger()
    assert "Model license" in window.about_box.text()
    assert only_local_sockets.refused == []
    if sys.platform.startswith("linux"):
        assert inet_socket_inodes() - before == set()
