"""DraftFile: the message being written, kept on disk until it is sent.

The message box's text used to live only in the window: quitting, a crash or a power cut took
what the user had typed but not sent. The chat feature writes it here a moment after typing
pauses and when the window closes, and puts it back in the box at the next start. Sending
empties the box, and an empty box removes the file.

The text is the user's own writing: it is written privately (0600) and whole (a temporary file
renamed over the old one), never half.
"""

from __future__ import annotations

import logging
from pathlib import Path

from desktop.core.private_files import write_private_text

__all__ = ["MAX_DRAFT_BYTES", "DraftFile"]

log = logging.getLogger(__name__)

MAX_DRAFT_BYTES = 64 * 1024 * 1024
"""A larger file is not read back (it was not written by this app: the box itself refuses
nothing, but no one types or pastes this much)."""


class DraftFile:
    """Reads and writes the unsent message at ``path``; failures are logged, never raised:
    a draft that cannot be kept must not stop the user typing or quitting."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._written: str | None = None  # what the file holds, when this object wrote it

    def read(self) -> str:
        """The kept draft, or "" (none, unreadable, or too large)."""
        try:
            if self.path.stat().st_size > MAX_DRAFT_BYTES:
                log.warning("draft %s is too large to restore; left as it is", self.path)
                return ""
            text = self.path.read_bytes().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        except OSError:
            log.warning("draft %s could not be read", self.path, exc_info=True)
            return ""
        self._written = text
        return text

    def write(self, text: str) -> bool:
        """Keeps ``text`` (an empty one removes the file); returns whether it is on disk now.
        Writing the text the file already holds does nothing."""
        if text == self._written:
            return True
        try:
            if text:
                # A lone surrogate (pasted from a broken source) cannot be UTF-8: "?" instead.
                write_private_text(self.path, text.encode("utf-8", "replace").decode("utf-8"))
            else:
                self.path.unlink(missing_ok=True)
        except OSError:
            log.warning("draft %s could not be kept", self.path, exc_info=True)
            return False
        self._written = text
        return True
