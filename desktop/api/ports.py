"""Ports for the API server: whether a failed bind means "in use", and a free one to suggest.

Plain Python, no Qt: the window's controller (desktop/api/qt/controller.py) and `hearthside
serve` (desktop/api/headless.py) both tell the user which port is free when theirs is taken.
"""

from __future__ import annotations

import errno
import socket

from desktop.api.server_settings import MAX_PORT

__all__ = ["FREE_PORT_TRIES", "free_port_near", "is_port_in_use"]

FREE_PORT_TRIES = 20
"""How many ports after a taken one are tried for a free one to suggest."""


def free_port_near(host: str, port: int, tries: int = FREE_PORT_TRIES) -> int:
    """The first port after ``port`` that ``host`` can bind now, or 0 when none of ``tries``
    can (a suggestion only: another program may take it before the user does)."""
    for candidate in range(port + 1, min(port + 1 + tries, MAX_PORT + 1)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
        return candidate
    return 0


def is_port_in_use(error: OSError) -> bool:
    return error.errno == errno.EADDRINUSE or "in use" in str(error).lower()
