"""One sanitiser for every name someone else chose that becomes a path of ours.

Why it is built this way: a hub file name, a repo id, a conversation title or an imported name
is untrusted text. Split only on "/", a name like ``..\\..\\evil.gguf`` or ``C:\\x.gguf`` leaves the
models folder on Windows; a name that is a device (``NUL``), ends in a dot or holds ``:`` is
refused or means something else there. :func:`safe_path_part` turns any text into one plain
file-name component that is valid on Windows, macOS and Linux and can never climb out of the
folder it is joined to, whatever system the app runs on.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["MAX_PART_BYTES", "last_path_part", "safe_path_part"]

RESERVED_WINDOWS: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in "123456789¹²³"}
    | {f"LPT{i}" for i in "123456789¹²³"}
)
_FORBIDDEN_CHARS: Final = re.compile(r'[<>:"/\\|?*]')
#: Longest name component, well under the common 255-byte limit.
MAX_PART_BYTES: Final = 200


def last_path_part(name: str) -> str:
    """What follows the last "/" or "\\" (and any drive prefix): a remote path's file name."""
    part = re.split(r"[/\\]", name)[-1]
    return re.sub(r"^[A-Za-z]:", "", part)


def safe_path_part(text: str, fallback: str = "_", max_bytes: int = MAX_PART_BYTES) -> str:
    """``text`` as one file-name component: control and format characters and the characters
    Windows forbids (``<>:"/\\|?*``) become "_" or a space, runs of spaces one, leading and
    trailing dots and spaces go (so never "." or ".."), a Windows device name gets a leading
    "_", and the result is cut to ``max_bytes`` of UTF-8; ``fallback`` if nothing is left."""
    part = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} else ch for ch in text
    )
    part = _FORBIDDEN_CHARS.sub("_", part)
    part = " ".join(part.split()).strip(". ")
    if part.split(".")[0].strip().upper() in RESERVED_WINDOWS:
        part = f"_{part}"
    part = truncate_utf8(part, max_bytes).rstrip(". ")
    return part or fallback


def truncate_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, never inside a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")
