"""One running Hearthside per data folder: a second start asks the first to show its window.

Two processes on one database and one settings file would overwrite each other's state, and
users who double-click the icon again expect the open window to come forward. The name of the
local socket comes from the data folder (and the user), so tests with their own data folders,
and two users on one machine, never meet.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

CONNECT_TIMEOUT_MS = 1000


def bring_to_front(widget: QWidget) -> None:
    """Shows a window (restoring it if minimized) and asks the window manager to raise it.

    The offscreen platform (tests, screenshots) has no stacking order and warns on raise().
    """
    if widget.isMinimized():
        widget.showNormal()
    widget.show()
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        widget.raise_()
        widget.activateWindow()


def server_name(data_dir: Path) -> str:
    """A short name (sockets have a length limit) that differs per data folder and user."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = ""
    key = f"{user}\0{data_dir.expanduser().resolve()}"
    return "hearthside-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


class SingleInstance(QObject):
    """Claims the data folder's local server, or hands this start's request to the owner.

    Signals:
        activation_requested(str): another start asked this one to come forward; the text is
            the model file it was started with ("" for none).
    """

    activation_requested = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        self.server: QLocalServer | None = None
        self._sockets: list[QLocalSocket] = []

    def claim(self) -> bool:
        """True if this process is now the one instance; False if another one answered."""
        if self._another_is_running():
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # A socket file left behind by a crashed run: nobody answered, so remove it.
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                # Cannot listen (odd file system); run anyway rather than refuse to start.
                server.deleteLater()
                return True
        server.newConnection.connect(self.on_server_new_connection)
        self.server = server
        return True

    def _another_is_running(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        running = socket.waitForConnected(CONNECT_TIMEOUT_MS)
        socket.abort()
        return running

    def notify_running(self, model: str = "") -> bool:
        """Asks the running instance to come forward (and load `model`); True if it was told."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write(json.dumps({"activate": True, "model": model}).encode("utf-8") + b"\n")
        sent = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
        return sent

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    @Slot()
    def on_server_new_connection(self) -> None:
        assert self.server is not None
        while (socket := self.server.nextPendingConnection()) is not None:
            self._sockets.append(socket)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).strip()
            try:
                message = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                continue
            if isinstance(message, dict) and message.get("activate"):
                model = message.get("model")
                self.activation_requested.emit(model if isinstance(model, str) else "")

    def _forget(self, socket: QLocalSocket) -> None:
        if socket.bytesAvailable():
            self._read(socket)
        if socket in self._sockets:
            self._sockets.remove(socket)
        socket.deleteLater()
