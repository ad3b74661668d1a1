"""The data folder and what the app writes there are private to the user (POSIX modes).

Conversations, settings, logs and caches say a lot about a person, and the default umask
(0022) would leave them readable by every local account. Like a browser's profile, the data
folder is 0700 and its files 0600; folders and files written before this rule are tightened at
start (tighten_tree). Elsewhere (Windows) these are no-ops: a user's profile folder is already
private there.

SQLite creates a database's -wal and -shm files with the database file's own mode, so a
database made 0600 stays private without the store knowing about any of this.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

__all__ = [
    "PRIVATE_DIR_MODE",
    "PRIVATE_FILE_MODE",
    "create_private_file",
    "make_private_dir",
    "open_private_text",
    "tighten",
    "tighten_tree",
    "write_private_text",
]

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_POSIX = os.name == "posix"


def tighten(path: Path | str) -> None:
    """Makes an existing file 0600 (a folder 0700); links and missing paths are left alone."""
    if not _POSIX:
        return
    try:
        if os.path.islink(path):
            return
        mode = PRIVATE_DIR_MODE if os.path.isdir(path) else PRIVATE_FILE_MODE
        os.chmod(path, mode)
    except OSError:
        pass  # not ours to change (a file another account put there): nothing better to do


def make_private_dir(path: Path) -> Path:
    """Creates path (and its parents, with the usual modes) and makes path itself 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    tighten(path)
    return path


def create_private_file(path: Path) -> Path:
    """Creates path empty and 0600 if it does not exist, and tightens it if it does.

    For files that other code creates with the umask's mode: an SQLite database made here first
    is opened as a new, empty one, and its -wal and -shm files then follow its 0600.
    """
    if _POSIX:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
        tighten(path)
    return path


def tighten_tree(root: Path) -> None:
    """Every folder under root 0700 and every file 0600, without following links.

    Run at start, so data written by versions before this rule, or by code that created a file
    with the umask's mode, is private by the next run at the latest.
    """
    if not _POSIX or not root.is_dir():
        return
    tighten(root)
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            tighten(os.path.join(folder, name))


def write_private_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Replaces path whole with text through a temporary file that is 0600 from its creation
    (mkstemp), so no reader ever sees half a file or a moment of wider permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding) as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def open_private_text(path: Path, mode: str = "w", encoding: str = "utf-8") -> IO[str]:
    """open(path, mode) for writing or appending, creating the file 0600 (not umask's 0644)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    tighten(path)  # an existing file keeps its mode through os.open
    return os.fdopen(fd, mode, encoding=encoding)
