"""Hearthside: chat with a language model that runs on your own computer, offline."""

import sys
from pathlib import Path

__version__ = "0.1.0"
APP_NAME = "Hearthside"


def resources_dir() -> Path:
    """The repository's resources/ folder, or its copy inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def skip_pyside_source_scan() -> bool:
    """Stops PySide6 from reading the source of every module imported after it.

    PySide6's ``__feature__`` support (snake_case / true_property) asks, for each newly
    imported module, whether its source text mentions "PySide6" (``inspect.getsource``, a
    file read per module: ~25 ms for the ~100 modules the window imports, a tenth of the
    start-up). The answer only matters to modules that select a feature; Hearthside selects
    none, and a module counted as "uses PySide" simply keeps the default (no feature), so
    every module is counted as one. Does nothing before PySide6 is imported or if its
    internals change; returns whether it applied. Touches no Qt (core code may import this).
    """
    feature = sys.modules.get("PySide6.support.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_pyside  # type: ignore[attr-defined]
    return True


def _uses_pyside(module: object) -> bool:
    return True


skip_pyside_source_scan()
