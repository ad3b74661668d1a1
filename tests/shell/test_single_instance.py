"""One instance per data folder: a second start asks the first to come forward and exits 0."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.shell.single_instance import SingleInstance, server_name, server_path

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def first(qtbot, private_data_dir: Path) -> Iterator[SingleInstance]:
    private_data_dir.mkdir(parents=True, exist_ok=True)
    instance = SingleInstance(private_data_dir)
    assert instance.claim()
    instance.listen()
    yield instance
    instance.close()


def test_names_differ_by_data_folder(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "x" / ".." / "a")
    assert len(server_name(tmp_path / ("long" * 80))) < 40  # socket paths have a length limit


def test_a_second_instance_signals_the_first(qtbot, first, private_data_dir: Path) -> None:
    second = SingleInstance(private_data_dir)
    assert not second.claim()
    with qtbot.waitSignal(first.activation_requested, timeout=5_000) as signal_:
        assert second.notify_running("/models/qwen.gguf")
    assert signal_.args == ["/models/qwen.gguf"]


def test_other_data_folders_run_side_by_side(qtbot, first, tmp_path: Path) -> None:
    other = SingleInstance(tmp_path / "elsewhere")
    try:
        assert other.claim()
    finally:
        other.close()


def test_garbage_on_the_socket_is_ignored(qtbot, first) -> None:
    from PySide6.QtNetwork import QLocalSocket

    received: list[str] = []
    first.activation_requested.connect(received.append)
    socket = QLocalSocket()
    socket.connectToServer(first.name)
    assert socket.waitForConnected(1000)
    socket.write(b"\xff not json\n[1, 2]\n")
    socket.waitForBytesWritten(1000)
    socket.disconnectFromServer()
    qtbot.wait(100)
    assert received == []


def test_a_stale_socket_from_a_killed_run_is_taken_over(qtbot, private_data_dir: Path) -> None:
    private_data_dir.mkdir(parents=True, exist_ok=True)
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from desktop.shell.single_instance import SingleInstance\n"
        "app = QCoreApplication([])\n"
        f"instance = SingleInstance(Path({str(private_data_dir)!r}))\n"
        "print(instance.claim(), flush=True)\n"
        "instance.listen()\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "True"
        assert not SingleInstance(private_data_dir).claim()  # it is alive and holds the lock
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
    instance = SingleInstance(private_data_dir)
    try:
        assert instance.claim()  # its lock file and socket file do not block us
        instance.listen()
        assert instance.server is not None and instance.server.isListening()
    finally:
        instance.close()


def test_starting_hearthside_again_raises_the_window(qtbot, app, private_data_dir: Path) -> None:
    """The real command line: a second `hearthside` exits 0 and the first one hears of it."""
    instance = SingleInstance(private_data_dir)
    assert instance.claim()
    instance.listen()
    instance.activation_requested.connect(app.window.raise_window)
    requests: list[str] = []
    instance.activation_requested.connect(requests.append)
    app.window.showMinimized()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data-dir", str(private_data_dir)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=60_000)
        _out, err = child.communicate()
        assert child.returncode == 0, err
        qtbot.waitUntil(lambda: requests == [""], timeout=5_000)
        assert app.window.isVisible() and not app.window.isMinimized()
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
        instance.close()


def test_a_second_start_waits_for_an_owner_still_building_its_window(
    qtbot, private_data_dir: Path
) -> None:
    """The owner listens only after its first frame; a start in that gap is still heard."""
    private_data_dir.mkdir(parents=True, exist_ok=True)
    owner = SingleInstance(private_data_dir)
    assert owner.claim()  # not listening yet
    requests: list[str] = []
    owner.activation_requested.connect(requests.append)
    code = (
        "from pathlib import Path\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from desktop.shell.single_instance import SingleInstance\n"
        "app = QCoreApplication([])\n"
        f"second = SingleInstance(Path({str(private_data_dir)!r}))\n"
        "print(second.claim(), flush=True)\n"
        "print(second.notify_running('/models/late.gguf', wait_s=30), flush=True)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "False"  # the lock is ours
        qtbot.wait(500)  # the second start is retrying meanwhile
        owner.listen()
        qtbot.waitUntil(lambda: requests == ["/models/late.gguf"], timeout=30_000)
        assert child.stdout.readline().strip() == "True"
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()
        owner.close()


def test_an_owner_that_never_answers_is_reported_not_waited_on_forever(
    qtbot, private_data_dir: Path
) -> None:
    private_data_dir.mkdir(parents=True, exist_ok=True)
    owner = SingleInstance(private_data_dir)
    assert owner.claim()
    try:
        second = SingleInstance(private_data_dir)
        assert not second.claim()
        assert not second.notify_running("", wait_s=0.3)
    finally:
        owner.close()
    # Once the owner has gone, the folder is free again.
    third = SingleInstance(private_data_dir)
    try:
        assert third.claim()
    finally:
        third.close()


def test_an_owner_destroyed_with_a_connection_open_does_not_crash(
    qtbot, private_data_dir: Path
) -> None:
    """A socket destroyed with its owner reports its disconnection as it goes; nothing of the
    owner may run then (lambdas connected to it once crashed the process)."""
    import gc

    from PySide6.QtNetwork import QLocalSocket

    private_data_dir.mkdir(parents=True, exist_ok=True)
    owner = SingleInstance(private_data_dir)
    assert owner.claim()
    owner.listen()
    client = QLocalSocket()
    client.connectToServer(owner.name)
    assert client.waitForConnected(1000)
    qtbot.waitUntil(lambda: owner.connection_count == 1, timeout=5_000)
    owner = None  # the last reference: PySide destroys the QObject, connection and all
    gc.collect()
    qtbot.wait(100)
    client.abort()
    assert SingleInstance(private_data_dir).claim()  # the lock went with it


posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX socket files")


@posix_only
def test_the_socket_is_in_the_users_runtime_dir_not_in_tmp(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bare name would be a file in /tmp that another local account could create first."""
    from PySide6.QtCore import QDir

    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    data = tmp_path / "data"
    data.mkdir()
    owner = SingleInstance(data)
    assert owner.claim()
    owner.listen()
    try:
        assert Path(owner.name).parent == runtime
        assert stat.S_ISSOCK(os.lstat(owner.name).st_mode)
        assert not (Path(QDir.tempPath()) / server_name(data)).exists()
        with qtbot.waitSignal(owner.activation_requested, timeout=5_000):
            assert SingleInstance(data).notify_running()
    finally:
        owner.close()


@posix_only
def test_without_a_sound_runtime_dir_the_socket_folder_is_private_or_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    loose = tmp_path / "loose-run"
    loose.mkdir()
    os.chmod(loose, 0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(loose))  # open to others: not used
    data = tmp_path / "data"
    folder = tmp_path / f"hearthside-{os.getuid()}"
    assert Path(server_path(data)).parent == folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    # Someone made the folder a link to where they can read: it is refused, and the socket
    # goes in the data folder (private itself) instead.
    folder.rmdir()
    (tmp_path / "theirs").mkdir()
    folder.symlink_to(tmp_path / "theirs")
    assert Path(server_path(data)).parent == data
