"""Asking the user for a file to open or a place to save, as a Path or None when cancelled.

The chat (Insert text file…), the models feature (Open model file…), the history's import and
export and the Collections dialog's embedding model each asked QFileDialog the same way and
turned its string answer into a path; these two helpers do it once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

__all__ = ["choose_open_file", "choose_save_file"]


def choose_open_file(
    parent: QWidget | None, title: str, file_filter: str, start: Path | None = None
) -> Path | None:
    """The file the user chose to open, starting in ``start`` (None: the dialog's own choice,
    usually the last folder); None when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, str(start or ""), file_filter)
    return Path(path) if path else None


def choose_save_file(
    parent: QWidget | None, title: str, suggested: Path, file_filter: str
) -> Path | None:
    """Where the user chose to save, starting from the ``suggested`` file; None when
    cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    return Path(path) if path else None
