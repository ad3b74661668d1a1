"""One running Hearthside per data folder: a second start asks the first to show its window.

Two processes on one database and one settings file would overwrite each other's state, and
users who double-click the icon again expect the open window to come forward. A lock file in
the data folder says who owns it (the kernel releases it when its process dies, so a crash
never blocks the next start); the owner answers later starts on a local socket whose name
comes from the data folder (and the user), so tests with their own data folders, and two
users on one machine, never meet. The socket (and QtNetwork's import, ~9 ms) waits until the
owner's first frame is on screen: a second start retries until it answers.

On POSIX the socket is a full path in a folder only this user can enter ($XDG_RUNTIME_DIR, else
<tmp>/hearthside-<uid> made 0700), never a bare name, which Qt would put in /tmp where any
local account could create it first and receive what later starts send (the model path).
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_TIMEOUT_MS = 1000
ANSWER_WAIT_S = 10.0
"""How long a second start waits for the owner to answer: it listens only after its first
frame, which a slow disk or a busy machine can delay by seconds."""
LOCK_FILE_NAME = "hearthside.lock"


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
    import getpass  # here, like hashlib: the owner needs the name only after its first frame
    import hashlib

    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = ""
    key = f"{user}\0{data_dir.expanduser().resolve()}"
    return "hearthside-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def private_socket_dir() -> Path | None:
    """A folder for the socket that only this user can enter, or None if there is none.

    $XDG_RUNTIME_DIR (the desktop session's own, 0700) when it is sound, else
    <tmp>/hearthside-<uid>, created 0700; a folder that is not ours, is a link or lets others
    in is refused, so a squatter cannot pick where the socket lives.
    """
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and _is_private_dir(Path(runtime)):
        return Path(runtime)
    fallback = Path(tempfile.gettempdir()) / f"hearthside-{os.getuid()}"
    try:
        fallback.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    return fallback if _is_private_dir(fallback) else None


def _is_private_dir(path: Path) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def server_path(data_dir: Path) -> str:
    """What QLocalServer listens on: a full path in a private folder on POSIX (see the module
    docstring), the name itself elsewhere (a Windows pipe, which has its own access rules)."""
    name = server_name(data_dir)
    if os.name != "posix":
        return name
    folder = private_socket_dir()
    # No private folder at all: the data folder, private itself (desktop.core.private_files).
    return str((folder or data_dir.expanduser()) / name)


class SingleInstance(QObject):
    """Owns the data folder (its lock file), or hands this start's request to the owner.

    Signals:
        activation_requested(str): another start asked this one to come forward; the text is
            the model file it was started with ("" for none).
    """

    activation_requested = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._name: str | None = None
        self.server: QLocalServer | None = None
        self._sockets: list[QLocalSocket] = []
        self._lock = QLockFile(str(data_dir / LOCK_FILE_NAME))
        self._lock.setStaleLockTime(0)  # never stale by age: only when its process is gone

    @property
    def name(self) -> str:
        """The local socket's full path (its name on Windows), worked out on first use: a start
        that owns the folder needs it only after its first frame."""
        if self._name is None:
            self._name = server_path(self._data_dir)
        return self._name

    @property
    def connection_count(self) -> int:
        """How many later starts have a connection open to this one now (each is forgotten when
        it disconnects, or when :meth:`close` drops it)."""
        return len(self._sockets)

    def claim(self) -> bool:
        """True if this process now owns the data folder; False if another running one does.

        Call :meth:`listen` once the window is up, so later starts can reach this one."""
        if self._lock.tryLock(0):
            return True
        # LockFailedError: a live process holds it. Anything else (a read-only folder, odd
        # permissions): run anyway rather than refuse to start, as before the lock existed.
        return self._lock.error() != QLockFile.LockError.LockFailedError

    def listen(self) -> None:
        """Starts answering later starts (after :meth:`claim` returned True)."""
        from PySide6.QtNetwork import QLocalServer

        if self.server is not None:
            return
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # A socket file left behind by a crashed run (we hold the lock, so nobody owns it).
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                server.deleteLater()  # odd file system: later starts are told nothing
                return
        server.newConnection.connect(self.on_server_new_connection)
        self.server = server

    def notify_running(self, model: str = "", wait_s: float = ANSWER_WAIT_S) -> bool:
        """Asks the owner to come forward (and load `model`); True if it was told.

        The owner listens only after its first frame, so this retries for up to ``wait_s``."""
        from PySide6.QtNetwork import QLocalSocket

        deadline = time.monotonic() + wait_s
        socket = QLocalSocket()
        while True:
            socket.connectToServer(self.name)
            if socket.waitForConnected(CONNECT_TIMEOUT_MS):
                break
            socket.abort()
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        socket.write(json.dumps({"activate": True, "model": model}).encode("utf-8") + b"\n")
        sent = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
        return sent

    def close(self) -> None:
        """Stops answering later starts and gives the data folder up.

        Open connections are dropped here, their signals disconnected first: a socket that is
        only destroyed with this object would report its disconnection to a half-destroyed
        receiver."""
        for socket in self._sockets:
            socket.readyRead.disconnect(self.on_socket_ready_read)
            socket.disconnected.disconnect(self.on_socket_disconnected)
            socket.abort()
            socket.deleteLater()
        self._sockets.clear()
        if self.server is not None:
            self.server.close()
            self.server.deleteLater()
            self.server = None
        if self._lock.isLocked():
            self._lock.unlock()

    @Slot()
    def on_server_new_connection(self) -> None:
        if self.server is None:
            return
        while (socket := self.server.nextPendingConnection()) is not None:
            self._sockets.append(socket)
            # Slots of this object, not lambdas: Qt drops them when this object is destroyed.
            socket.readyRead.connect(self.on_socket_ready_read)
            socket.disconnected.connect(self.on_socket_disconnected)
            if socket.bytesAvailable():
                self._read(socket)

    def _sender_socket(self) -> QLocalSocket | None:
        sender = self.sender()
        return next((socket for socket in self._sockets if socket is sender), None)

    @Slot()
    def on_socket_ready_read(self) -> None:
        if (socket := self._sender_socket()) is not None:
            self._read(socket)

    @Slot()
    def on_socket_disconnected(self) -> None:
        socket = self._sender_socket()
        if socket is None:
            return
        if socket.bytesAvailable():
            self._read(socket)
        self._sockets.remove(socket)
        socket.deleteLater()

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
