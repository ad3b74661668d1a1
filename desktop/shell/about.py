"""Help › About Hearthside: versions, the backend and what the features add, as plain text.

Split from MainWindow (main_window.py), which owns the box; the words keep the "MainWindow"
translation context they had there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, qVersion

from desktop import __version__
from desktop.engine.llama import BackendInfo

__all__ = ["about_text"]


def about_text(
    backend: BackendInfo | None, parts: Sequence[Callable[[], Sequence[str]]] = ()
) -> str:
    """The About box's text; ``parts`` are the features' lines (the loaded model)."""
    import platform  # not for the first frame (tests/e2e/test_startup.py)

    translate = QCoreApplication.translate
    lines = [
        translate("MainWindow", "Hearthside {version}").format(version=__version__),
        translate(
            "MainWindow", "Chat with a language model that runs on your own computer, offline."
        ),
        "",
        translate("MainWindow", "Python {version}").format(version=platform.python_version()),
        translate("MainWindow", "Qt {qt} (PySide6 {pyside})").format(
            qt=qVersion(), pyside=pyside_version
        ),
    ]
    if backend is not None:
        lines.append(
            translate("MainWindow", "llama-cpp-python {version}").format(
                version=backend.llama_cpp_python_version
            )
        )
        offload = (
            translate("MainWindow", "supported")
            if backend.gpu_offload
            else translate("MainWindow", "not available")
        )
        lines.append(
            translate("MainWindow", "Backend: {backend}, GPU offload {offload}").format(
                backend=backend.backend, offload=offload
            )
        )
    for part in parts:
        lines.append("")
        lines.extend(part())
    return "\n".join(lines)
