"""Shared test setup: offscreen Qt, a private data dir per test, and no network.

No test may touch the real user directory or reach past this machine; both are enforced here
rather than trusted to each test.
"""

from __future__ import annotations

import gc
import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.qtkit.gui_gc import collect_due

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test reads or writes the user's keychain: keyring's "fail" backend means "no keychain"
# (tests that need one pass a fake backend).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

pytest_plugins = ["tests.fixtures.model_fixtures", "tests.fixtures.app_fixtures"]


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "hearthside-data"
    monkeypatch.setenv("HEARTHSIDE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return data_dir


def _is_local(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return True  # AF_UNIX paths and the like never leave the machine


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fails any test that tries to connect anywhere but this machine."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: object) -> object:
        if not _is_local(address):
            raise OSError(f"tests must not use the network (tried {address!r})")
        return real_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: object) -> int:
        if not _is_local(address):
            raise OSError(f"tests must not use the network (tried {address!r})")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    yield


@pytest.fixture(scope="session", autouse=True)
def cycles_collected_on_the_main_thread() -> Iterator[None]:
    """The suite runs worker threads without the app's GuiThreadCollector (the `worker` fixture,
    the document workers): like the app, it never lets Python collect cycles on them, where a
    cyclic Qt object's destructor deadlocks against the GUI thread (desktop/qtkit/gui_gc.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


@pytest.fixture(autouse=True)
def collect_due_after_each_test() -> Iterator[None]:
    yield
    collect_due()


@pytest.fixture
def restore_app(qapp):  # type: ignore[no-untyped-def]
    """Appearance changes the whole application; later tests get it back as it was."""
    from PySide6.QtGui import QPalette

    palette, font = QPalette(qapp.palette()), qapp.font()
    sheet, style = qapp.styleSheet(), qapp.style().name()
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)
