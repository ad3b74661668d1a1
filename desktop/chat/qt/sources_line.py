"""The line under a reply that lists its sources ("Sources: [1] report.pdf, p. 3 · [2] …") and
what happened to the search ("Nothing relevant was found …").

Why a line of its own: small models often forget to cite, so the reader must see which passages
the reply was given whatever the text says; and "nothing relevant" must be visible rather than
left for the model to admit. File names come from the user's disk and are escaped; the only
links are ``hearthside-source:n``, handled by the chat view.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from desktop.chat.qt.message_model import SourcesNote, SourcesState
from desktop.core.conversation import MessageSource, source_place
from desktop.core.markdown import SOURCE_SCHEME

__all__ = ["SourcesLine"]


class SourcesLine(QLabel):
    """Rich-text label with one link per source.

    Signals:
        source_clicked(QUrl): a ``hearthside-source:n`` link was activated.
    """

    source_clicked = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setOpenExternalLinks(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.linkActivated.connect(self._on_link_activated)
        self._state: tuple[tuple[MessageSource, ...], SourcesNote | None] = ((), None)
        self.hide()

    def show_sources(self, sources: Sequence[MessageSource], note: SourcesNote | None) -> None:
        state = (tuple(sources), note)
        if state == self._state and self.text():
            return
        self._state = state
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.text():
            self._render()  # a label keeps the link colour it was laid out with

    def _render(self) -> None:
        sources, note = self._state
        parts: list[str] = []
        if sources:
            page = self.tr("p. {page}")
            color = self.palette().color(QPalette.ColorRole.Link).name()
            links = " · ".join(
                f'<a href="{SOURCE_SCHEME}:{s.number}" style="color:{color};">[{s.number}]</a>'
                "&nbsp;"
                f"{html.escape(source_place(s, page))}"
                for s in sources
            )
            title = self.tr("Sources:")
            parts.append(f"{html.escape(title)} {links}")
        if note is not None:
            parts.append(f"<i>{html.escape(self._note_text(note))}</i>")
        self.setText("<br>".join(parts))
        self.setVisible(bool(parts))

    def note_text(self) -> str:
        note = self._state[1]
        return self._note_text(note) if note is not None else ""

    def _note_text(self, note: SourcesNote) -> str:
        if note.state == SourcesState.SEARCHING:
            return self.tr("Searching your documents…")
        if note.state == SourcesState.NOTHING_RELEVANT:
            return self.tr(
                "Nothing relevant was found in the attached collections; "
                "this reply is not based on your documents."
            )
        if note.state == SourcesState.LEFT_OUT:
            return self.tr(
                "%n passage(s) did not fit in the context window and were left out.", "", note.count
            )
        return self.tr("Your documents could not be searched; this reply is not based on them.")

    def _on_link_activated(self, link: str) -> None:
        self.source_clicked.emit(QUrl(link))
