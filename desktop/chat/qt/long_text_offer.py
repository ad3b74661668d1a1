"""The bar above the composer that appears after a long paste or a dropped text file.

It says how many tokens the text takes before anything is sent, and when the message would not
fit the context window it offers to cut the text down to what fits (one step Ctrl+Z undoes).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from desktop.chat.protocol import ContextCount
from desktop.qtkit.notice_bar import NoticeBar

__all__ = ["LONG_TEXT_TOKENS", "LongTextOffer"]

LONG_TEXT_TOKENS = 2000
"""A paste at least this long is announced with its size even when it fits."""


class LongTextOffer(NoticeBar):
    """Shows a long text's token count and offers to trim it.

    Signals:
        trim_requested(str, int): cut this text (still in the composer) to this many characters.
        dismissed(): the user keeps the text as it is.
    """

    trim_requested = Signal(str, int)
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.setObjectName("longTextOffer")
        self._text = ""
        self._fit_chars = 0
        self._trim = self.add_button(self.tr("Trim to fit"), self._on_trim_clicked)
        self._trim.setObjectName("trimToFit")
        self._keep = self.add_button(self.tr("Keep it all"), self._on_keep_clicked)

    def text(self) -> str:
        return self.label.text()

    def trim_button(self) -> QPushButton:
        return self._trim

    def keep_button(self) -> QPushButton:
        return self._keep

    def offer(self, text: str, count: ContextCount, *, whole: bool = False) -> bool:
        """Shows the offer for `text` if it is worth one; True when shown. ``whole``: the
        text is the whole message (refused as too long), not a part pasted into it."""
        fits = count.forecast.too_long_by == 0
        if fits and count.focus_tokens < LONG_TEXT_TOKENS:
            self.hide()
            return False
        self._text = text
        self._fit_chars = count.focus_fit_chars if not fits else len(text)
        tokens = f"{count.focus_tokens:,}"
        if fits:
            message = self.tr("The inserted text is {tokens} tokens; it fits.").format(
                tokens=tokens
            )
        elif count.focus_fit_chars > 0:
            share = max(1, round(100 * count.focus_fit_chars / max(1, len(text))))
            if whole:
                message = self.tr(
                    "The message is {tokens} tokens, more than the context window holds, so it "
                    "was not sent. About the first {share} % of it fits."
                ).format(tokens=tokens, share=share)
            elif count.focus_room_for_passages:
                message = self.tr(
                    "The inserted text is {tokens} tokens, more than the context window holds. "
                    "About the first {share} % of it fits and leaves {room} tokens for passages "
                    "from the attached collections."
                ).format(tokens=tokens, share=share, room=f"{count.focus_room_for_passages:,}")
            else:
                message = self.tr(
                    "The inserted text is {tokens} tokens, more than the context window holds. "
                    "About the first {share} % of it fits."
                ).format(tokens=tokens, share=share)
        else:
            message = self.tr(
                "The inserted text is {tokens} tokens; none of it fits in the context window "
                "with the rest of the message."
            ).format(tokens=tokens)
        self.label.setText(message)
        self._trim.setVisible(not fits and count.focus_fit_chars > 0)
        self._keep.setText(self.tr("OK") if fits else self.tr("Keep it all"))
        self.show()
        return True

    def _on_trim_clicked(self) -> None:
        self.hide()
        self.trim_requested.emit(self._text, self._fit_chars)

    def _on_keep_clicked(self) -> None:
        self.hide()
        self.dismissed.emit()
