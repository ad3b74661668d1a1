"""What the model picker offers, as plain values: entries, sections, and the sources that add them.

The picker at the top of the chat (desktop/models/qt/picker.py) lists the recent models, the
library's files and what other features add through a :class:`PickerSource` (the remote
feature adds each server's models; it is wired by desktop/app.py, so this feature imports
nothing of it). Every entry is named by its *locator*: a file's path, or a server model's
``<base URL>#<model id>`` (desktop/core/remote.py), which loads like a file.

Plain Python, no Qt: the recent list and the sizes are tested without a window. Labels are plain
text from files and servers; the widget shows them as plain text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from desktop.core.remote import is_remote_locator, locator_host, split_remote_locator

__all__ = [
    "RECENT_LIMIT",
    "PickerEntry",
    "PickerSection",
    "PickerSource",
    "locator_entry",
    "parse_recent",
    "remember_recent",
    "size_text",
]

RECENT_LIMIT = 5
"""The recent models the picker shows (and ``model.recent`` keeps)."""


@dataclass(frozen=True, slots=True)
class PickerEntry:
    """One model to choose: ``locator`` is what loading it takes; ``label`` and ``detail`` (the
    size, the context a server states) are plain text."""

    locator: str
    label: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PickerSection:
    """A titled group of entries; ``note`` says why it has none yet ("Asking gpu-box…", a
    server's fault), shown in place of the entries."""

    title: str
    entries: tuple[PickerEntry, ...] = ()
    note: str = ""


class PickerSource(Protocol):
    """Models another feature offers in the picker (the remote servers').

    ``sections_changed`` is a signal with no arguments, emitted when what
    :meth:`picker_sections` answers has changed (a server's listing arrived), so an open menu
    is filled again.
    """

    sections_changed: Any

    def picker_sections(self) -> Sequence[PickerSection]:
        """What is known now, at once (never waits for the network)."""

    def refresh_picker(self) -> None:
        """The picker is opening: ask again (off the GUI thread) where the answer is stale."""


def size_text(size: int) -> str:
    """'253 MB', '1.2 GB': decimal units as the downloads show them, one decimal below ten."""
    if size <= 0:
        return ""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            break
        value /= 1000
    if unit == "bytes":
        return f"{size} bytes"
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"


def parse_recent(text: str) -> list[str]:
    """The ``model.recent`` setting (one locator a line, newest first) as a list."""
    return [line.strip() for line in text.splitlines() if line.strip()][:RECENT_LIMIT]


def remember_recent(recent: Iterable[str], locator: str) -> list[str]:
    """``recent`` with ``locator`` first (once), at most RECENT_LIMIT long; the starter ("")
    has its own entry and is not remembered."""
    kept = [item for item in recent if item and item != locator]
    return ([locator] if locator else []) + kept[: RECENT_LIMIT - (1 if locator else 0)]


def locator_entry(locator: str) -> PickerEntry | None:
    """A recent model's entry: a file by its name and size, a server's model by its id and
    host; None for a file that is gone."""
    parts = split_remote_locator(locator)
    if parts is not None:
        base, model = parts
        return PickerEntry(locator, model, locator_host(base))
    if is_remote_locator(locator):
        return None
    path = Path(locator)
    try:
        if not path.is_file():
            return None
        size = path.stat().st_size
    except OSError:
        return None
    return PickerEntry(locator, path.name, size_text(size))
