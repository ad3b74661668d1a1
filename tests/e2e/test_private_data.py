"""The data folder is 0700 and every file the app writes in it 0600 (POSIX), as browsers do
for profiles: conversations, settings, logs and caches must not be readable by other local
accounts under the usual umask (0022)."""

from __future__ import annotations

import logging
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.settings import Settings
from desktop.engine.gguf_check import CheckCache
from desktop.engine.probe import ProbeCache
from desktop.models.catalog import scan_library
from desktop.models.library import read_model_facts
from desktop.shell.crash import CrashHandler

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default, so a file created with the umask's mode would be world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        if not path.is_symlink():
            found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def assert_private(root: Path) -> None:
    loose = {
        name: oct(mode)
        for name, mode in modes(root).items()
        if mode != (0o700 if (root / name).is_dir() else 0o600)
    }
    assert not loose, f"not private: {loose}"


def test_create_makes_the_data_folder_and_its_files_private(app, private_data_dir: Path) -> None:
    """A real create(): the folder, the database and its WAL, and settings.json."""
    app.settings.save()
    assert (private_data_dir / "hearthside.db").exists()
    assert (private_data_dir / "settings.json").exists()
    assert_private(private_data_dir)


def test_data_written_before_the_rule_is_tightened_at_start(qtbot, private_data_dir: Path) -> None:
    from desktop.app import create

    old = private_data_dir / "documents"
    old.mkdir(parents=True)
    os.chmod(private_data_dir, 0o755)
    (old / "index.db").write_bytes(b"")
    (private_data_dir / "library-cache.json").write_text("{}")
    assert stat.S_IMODE((old / "index.db").stat().st_mode) == 0o644
    hearthside = create(private_data_dir)
    qtbot.addWidget(hearthside.window)
    try:
        assert_private(private_data_dir)
    finally:
        hearthside.shutdown()


def test_every_kind_of_file_is_written_private(
    qtbot, private_data_dir: Path, tiny_gguf: Path
) -> None:
    """Settings, the GGUF check, probe and library caches, and the logs."""
    data = private_data_dir
    data.mkdir(parents=True)
    os.chmod(data, 0o700)
    models = data / "models"
    models.mkdir(mode=0o700)
    model = models / "tiny.gguf"
    shutil.copyfile(tiny_gguf, model)
    os.chmod(model, 0o600)

    settings = Settings(data / "settings.json")
    settings.save()
    CheckCache(data / "gguf-checks.json").check(model)
    ProbeCache(data / "probed-models.json").remember(model, 0)
    scan_library([models], read_model_facts, data / "library-cache.json")
    crash = CrashHandler(data / "logs")
    crash.install()
    try:
        logging.getLogger("hearthside").warning("a line for the log")
        names = set(modes(data))
        assert {
            "settings.json",
            "gguf-checks.json",
            "probed-models.json",
            "library-cache.json",
            "logs/hearthside.log",
            "logs/native-crash.log",  # removed again by a clean exit
        } <= names, names
        assert_private(data)
    finally:
        crash.uninstall()
