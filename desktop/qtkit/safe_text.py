"""Rich text from untrusted sources: a browser that reads no file and no network, and the rule
for opening its links.

Model replies and model cards are rendered by :mod:`desktop.core.markdown` (no raw HTML, no
images, safe link schemes only) into a :class:`SafeTextBrowser`; even so, nothing that reaches
its document may make us fetch or read anything. A link opens only if it is http(s) with a host
(:func:`is_openable_link`) and the user confirmed it (:func:`ask_before_opening`).
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QCoreApplication, QRectF, QSize, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QPainter,
    QPyTextObject,
    QTextDocument,
    QTextFormat,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QMessageBox, QSizePolicy, QTextBrowser, QWidget

__all__ = [
    "SafeDocument",
    "SafeTextBrowser",
    "ask_before_opening",
    "is_openable_link",
    "setup_inline_text",
]

#: Texts longer than this (in characters) are not narrowed to their ideal width.
_SHRINK_MAX_CHARS = 1500


class SafeDocument(QTextDocument):
    """A document that never loads a resource.

    Overriding only ``QTextBrowser.loadResource`` is not enough: when the browser returns
    nothing, ``QTextDocument.loadResource`` falls back to reading local files itself.
    """

    def loadResource(self, type: int, name: QUrl) -> Any:
        return None


class _NoImageHandler(QPyTextObject):
    """Draws nothing for image objects.

    Qt's own image handler reads ``<img src>`` straight from disk when the document returns
    no resource, bypassing ``loadResource``. The Markdown renderer never emits images; this
    makes sure nothing else that reaches the document can read a file either.
    """

    def intrinsicSize(
        self, doc: QTextDocument, pos_in_document: int, format: QTextFormat
    ) -> QSizeF:
        return QSizeF(0, 0)

    def drawObject(
        self,
        painter: QPainter,
        rect: QRectF,
        doc: QTextDocument,
        pos_in_document: int,
        format: QTextFormat,
    ) -> None:
        return


def setup_inline_text(view: QTextBrowser, *, links: bool = False) -> None:
    """Text that sits inside a message or a pane and is sized by its owner: no margin, frame,
    scroll bars or background of its own, selectable, wrapped anywhere (long URLs, hashes and
    CJK runs have no spaces and would otherwise push it wider than the window). Links are never
    followed by the view; with ``links`` they can be clicked (its owner hears ``anchorClicked``).
    """
    view.document().setDocumentMargin(0)
    view.setOpenLinks(False)
    view.setOpenExternalLinks(False)
    view.setUndoRedoEnabled(False)
    flags = Qt.TextInteractionFlag.TextSelectableByMouse
    flags |= Qt.TextInteractionFlag.TextSelectableByKeyboard
    if links:
        flags |= Qt.TextInteractionFlag.LinksAccessibleByMouse
    view.setTextInteractionFlags(flags)
    view.setFrameShape(QFrame.Shape.NoFrame)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    view.viewport().setAutoFillBackground(False)
    view.setAutoFillBackground(False)
    view.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)


class SafeTextBrowser(QTextBrowser):
    """Read-only, selectable rich text that never reads a file or the network.

    Links are not followed here (``openLinks`` is off); its owner handles ``anchorClicked``.
    The widget has no scroll bars of its own: its owner sizes it to its document
    (:meth:`measure`), or turns them back on (the model card does).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocument(SafeDocument(self))
        self._no_images = _NoImageHandler(self)
        self.document().documentLayout().registerHandler(
            int(QTextFormat.ObjectTypes.ImageObject), self._no_images
        )
        self.setReadOnly(True)
        self.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        setup_inline_text(self, links=True)

    def loadResource(self, type: int, name: QUrl) -> Any:
        """Refuse every resource: untrusted text must not make us fetch or read anything."""
        return None

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Let the page around it scroll; also stops Ctrl+wheel from zooming a single text.
        event.ignore()

    def measure(self, width: int, *, shrink: bool) -> QSize:
        """Size the text needs at most ``width`` wide; narrower if ``shrink`` and it fits.

        Leaves the document laid out at the returned width, so the following resize does not
        lay it out again. Long texts take the full width: finding their ideal width means laying
        the whole text out twice, on every streamed update.
        """
        document = self.document()
        width = max(1, width)
        # setTextWidth lays out the whole document again even at the same width; a streaming
        # update changed only the end, which the document has already laid out again.
        if document.textWidth() != width:
            document.setTextWidth(width)
        if shrink and document.characterCount() <= _SHRINK_MAX_CHARS:
            ideal = math.ceil(document.idealWidth()) + 1
            # Skip the second layout pass when shrinking would save only a few pixels: this is
            # the common case for long replies, the ones re-rendered while streaming.
            if ideal < width - 8:
                width = ideal
                document.setTextWidth(width)
        return QSize(width, math.ceil(document.size().height()))


def is_openable_link(url: QUrl) -> bool:
    """Whether a clicked link may be offered for opening at all: http or https with a host.

    Every other scheme (file:, javascript:, mailto:, ...) is ignored on purpose, whatever the
    renderer let through: the click handler is the last line of defence.
    """
    return url.scheme().lower() in {"http", "https"} and url.isValid() and bool(url.host())


def ask_before_opening(parent: QWidget, url: QUrl) -> bool:
    """Ask the user, in a modal question that shows the URL as plain text, to open ``url``."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("SafeTextBrowser", "Open link"))
    box.setTextFormat(Qt.TextFormat.PlainText)  # the URL is untrusted; never rich text
    # The encoded form shows punycode hosts, so a look-alike domain cannot hide.
    shown = bytes(url.toEncoded().data()).decode("ascii", errors="replace")
    box.setText(
        QCoreApplication.translate(
            "SafeTextBrowser", "Open this link in your browser?\n{url}"
        ).format(url=shown)
    )
    box.setStandardButtons(QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Open
