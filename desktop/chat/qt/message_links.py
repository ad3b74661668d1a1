"""What a click on a link inside a message bubble does.

A citation ``[n]`` asks for its passage, a code block's Copy link copies the block, an
http(s) link opens in the browser once the user confirms, and anything else (file:,
javascript:, mailto:, …) is ignored on purpose. Split from ChatView (view.py), which only
hands the click over; the view's signals and its ``confirm_link``/``open_url`` are used as
they are, so tests replace them on the view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication

from desktop.chat.qt.message_widget import MessageWidget
from desktop.core.markdown import COPY_SCHEME, SOURCE_SCHEME
from desktop.qtkit.safe_text import is_openable_link

if TYPE_CHECKING:
    from desktop.chat.qt.view import ChatView

__all__ = ["follow_link"]


def follow_link(view: ChatView, row: int, widget: MessageWidget, url: QUrl) -> None:
    """Acts on ``url``, clicked in ``widget`` (the bubble at ``row`` of ``view``)."""
    scheme = url.scheme().lower()
    if scheme == SOURCE_SCHEME:
        try:
            number = int(url.path())
        except ValueError:
            return
        view.source_requested.emit(row, number)
        return
    if scheme == COPY_SCHEME:
        try:
            code = widget.code_block(int(url.path()))
        except ValueError:
            return
        if code is not None:
            QGuiApplication.clipboard().setText(code)
            view.copied.emit(code)
        return
    if is_openable_link(url) and view.confirm_link(url):
        view.open_url(url)
        view.link_opened.emit(url)
