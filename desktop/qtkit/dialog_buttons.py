"""A dialog's OK and Cancel buttons, wired to its accept and reject.

Every form dialog (Settings, Model settings, Export, Add server) ends with the same button box;
the platform decides their order, the dialog decides what OK checks (its ``accept``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox

__all__ = ["ok_cancel_buttons"]


def ok_cancel_buttons(
    dialog: QDialog,
    extra: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.NoButton,
) -> QDialogButtonBox:
    """OK and Cancel (and ``extra``, such as Apply) for ``dialog``: OK calls its ``accept``,
    Cancel its ``reject``. The caller places the box."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel | extra
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
