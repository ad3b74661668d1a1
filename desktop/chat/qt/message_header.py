"""A message bubble's header: who wrote it, and its actions.

The author is a small round mark (an icon in the accent colour for the assistant, a muted one
for the user) and a plain-text name. The actions are icon buttons
(:class:`~desktop.qtkit.icons.IconButton`) with tooltips: Copy (it turns into a check, "Copied
✓", for a moment), the message's main action (Edit for the user's messages, Regenerate for
replies) and a "…" menu with all actions including Delete, kept one step away because it
destroys. The version switch ("‹ 2/3 ›") shows only when there are other versions. The buttons
are drawn only while the message is hovered or one of them has the keyboard focus, so a long
chat reads quietly; they are always there for the layout and for Tab
(:class:`~desktop.chat.qt.message_actions.ActionButton`).

The actions are one strip, made in the bubble (the actions host), which places it: in the
header's row for a user's message, under the text beside the footer line for a reply, as other
chat apps do: a long reply's header has scrolled out of sight by the time the reader wants to
copy or regenerate it.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QFont,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from desktop.core.conversation import Role

if TYPE_CHECKING:
    from desktop.chat.qt.message_actions import ActionButton, AuthorMark
from desktop.core.design import SPACE_S

COPIED_MS = 1500
"""How long a Copy button says "Copied ✓"."""


__all__ = ["MessageAction", "MessageHeader", "SiblingSwitch"]


class MessageAction(IntEnum):
    """What a bubble's buttons ask for; one signal carries them all so each bubble costs one
    connection, not five (a 500-message chat builds 500 bubbles at once)."""

    EDIT = 1
    REGENERATE = 2
    DELETE = 3
    PREVIOUS = 4  # the previous version (sibling) of this message
    NEXT = 5


class SiblingSwitch(QWidget):
    """The "‹ 2/3 ›" control that switches between versions of one message.

    Created only for messages that have more than one version, so the common bubble stays
    cheap to build.

    Signals:
        step_requested(int): -1 for the previous version, +1 for the next.
    """

    step_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.previous = QToolButton(self)
        self.previous.setText(self.tr("‹"))
        self.previous.setToolTip(self.tr("Previous version"))
        self.previous.setAccessibleName(self.tr("Previous version"))
        self.next = QToolButton(self)
        self.next.setText(self.tr("›"))
        self.next.setToolTip(self.tr("Next version"))
        self.next.setAccessibleName(self.tr("Next version"))
        # A one-character button is a small target; give it about a square.
        side = self.fontMetrics().height() + 6
        for button in (self.previous, self.next):
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setMinimumWidth(side)
        self.previous.clicked.connect(lambda: self.step_requested.emit(-1))
        self.next.clicked.connect(lambda: self.step_requested.emit(1))
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.previous)
        layout.addWidget(self.label)
        layout.addWidget(self.next)

    def set_position(self, index: int, count: int, *, enabled: bool) -> None:
        """Show version ``index`` (0-based) of ``count``; the arrows stop at the ends."""
        self.label.setText(self.tr("{index}/{count}").format(index=index + 1, count=count))
        self.label.setToolTip(
            self.tr("Version {index} of {count}").format(index=index + 1, count=count)
        )
        self.previous.setEnabled(enabled and index > 0)
        self.next.setEnabled(enabled and index < count - 1)


class MessageHeader(QWidget):
    """Author mark and name, and the actions strip: version switch, Copy, the main action and
    the "…" menu of a bubble (in this row, or placed by the bubble under a reply's text).

    Shows what its bubble tells it (role, streaming, versions, whether actions are allowed,
    whether the bubble is being edited, whether the pointer is over it) and compares before
    touching widgets: the bubble passes it everything on every streamed render.

    Signals:
        copy_requested(): the user pressed Copy (button or menu entry).
        action_requested(int): the user pressed Edit, Regenerate, Delete or a version arrow
            (a :class:`MessageAction`). Delete is not confirmed yet.
    """

    copy_requested = Signal()
    action_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None, actions_host: QWidget | None = None) -> None:
        """``actions_host`` (the bubble) holds and places the actions strip; without one the
        strip ends this row."""
        super().__init__(parent)
        # Imported with the first message, not with the window: the icon font (qtawesome) is
        # not needed for the first frame of an empty chat.
        from desktop.chat.qt.message_actions import ActionButton, AuthorMark

        self._role = Role.ASSISTANT
        self._streaming = False
        self._sibling_index = 0
        self._sibling_count = 1
        self._actions_enabled = True
        self._editing = False
        self._hovered = False
        self._siblings: SiblingSwitch | None = None
        self._menu: QMenu | None = None
        self._menu_changing: list[QAction] = []

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self._layout = layout
        self._mark = AuthorMark(self)
        self._author = QLabel(self)
        self._author.setTextFormat(Qt.TextFormat.PlainText)
        author_font = QFont(self._author.font())
        author_font.setBold(True)
        self._author.setFont(author_font)
        # The actions are one strip, made in the bubble that places it (in this row for the
        # user's messages, under the text for replies) so no widget changes parent per bubble.
        self._actions_host = actions_host
        strip = self._strip = QWidget(actions_host if actions_host is not None else self)
        strip_layout = self._strip_layout = QHBoxLayout(strip)
        strip_layout.setContentsMargins(0, 0, 0, 0)
        # Buttons sit close together (their own padding separates them).
        strip_layout.setSpacing(2)
        self._copy = ActionButton("copy", self.tr("Copy the message as Markdown"), strip, self)
        self._copy.setAccessibleName(self.tr("Copy"))
        self._copy.clicked.connect(self.copy_requested)
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(COPIED_MS)
        self._copied_timer.timeout.connect(self._on_copied_timer_timeout)
        self._action = ActionButton(
            "regenerate", self.tr("Write a new version of this reply"), strip, self
        )
        self._action.clicked.connect(self._on_action_clicked)
        self._more = ActionButton("more", self.tr("More actions"), strip, self)
        self._more.clicked.connect(self._on_more_clicked)
        strip_layout.addWidget(self._copy)
        strip_layout.addWidget(self._action)
        strip_layout.addWidget(self._more)
        layout.addWidget(self._mark)
        layout.addSpacing(SPACE_S - 2)
        layout.addWidget(self._author)
        layout.addStretch(1)
        if actions_host is None:
            layout.addSpacing(SPACE_S)
            layout.addWidget(strip)

    # -- what it shows ------------------------------------------------------------------------

    def set_role(self, role: Role) -> bool:
        """Name the author and choose the main action; returns whether anything changed."""
        if role == self._role and self._author.text():
            return False  # called on every streamed render; nothing to do
        self._role = role
        names = {
            Role.USER: self.tr("You"),
            Role.ASSISTANT: self.tr("Assistant"),
            Role.SYSTEM: self.tr("System"),
        }
        self._author.setText(names.get(role, str(role)))
        self._mark.set_role(role)
        if role == Role.USER:
            self._action.set_meaning("edit", self.tr("Edit this message and send it again"))
            self._action.setAccessibleName(self.tr("Edit"))
        else:
            self._action.set_meaning("regenerate", self.tr("Write a new version of this reply"))
            self._action.setAccessibleName(self.tr("Regenerate"))
        if self._menu is not None:
            # The menu's entries depend on the role; rebuilt when next opened.
            self._menu.deleteLater()
            self._menu, self._menu_changing = None, []
        self._update_controls()
        return True

    def show_copied(self) -> None:
        """The Copy button turns into a check, "Copied ✓", for COPIED_MS, then back."""
        self._copy.set_meaning("copied", self.tr("Copied ✓"))
        self._copied_timer.start()
        self._copy.update()

    def _on_copied_timer_timeout(self) -> None:
        self._copy.set_meaning("copy", self.tr("Copy the message as Markdown"))
        self._copy.setAccessibleName(self.tr("Copy"))

    def set_controls(self, *, streaming: bool, sibling_index: int, sibling_count: int) -> bool:
        """Show the version switch and hide actions while the message streams; returns whether
        anything changed (the owner then refits the bubble: the header may be wider)."""
        state = (streaming, sibling_index, sibling_count)
        if state == (self._streaming, self._sibling_index, self._sibling_count):
            return False
        self._streaming, self._sibling_index, self._sibling_count = state
        self._update_controls()
        return True

    def set_actions_enabled(self, enabled: bool) -> None:
        """Enable or disable Edit, Regenerate, Delete and the version switch (never hides)."""
        if enabled != self._actions_enabled:
            self._actions_enabled = enabled
            self._update_controls()

    def set_editing(self, editing: bool) -> None:
        """While the bubble is being edited its actions and version switch step aside."""
        self._editing = editing
        self._update_controls()

    def set_hovered(self, hovered: bool) -> None:
        """The pointer entered or left the message: its actions appear or fade."""
        if hovered != self._hovered:
            self._hovered = hovered
            self.refresh_actions()

    def actions_shown(self) -> bool:
        """Whether the action buttons are drawn: the message is hovered, a button has the
        focus, the "Copied ✓" check is showing, or the "…" menu is open."""
        return (
            self._hovered
            or self._copied_timer.isActive()
            or any(b.hasFocus() for b in (self._copy, self._action, self._more))
            or (self._menu is not None and self._menu.isVisible())
        )

    def refresh_actions(self) -> None:
        """Redraw the buttons after what :meth:`actions_shown` depends on changed."""
        for button in (self._copy, self._action, self._more):
            button.update()

    def actions_strip(self) -> QWidget:
        """Copy, the main action, "…" and the version switch, as one widget (a child of the
        actions host when there is one, which places it)."""
        return self._strip

    # -- its parts ----------------------------------------------------------------------------

    def author_label(self) -> QLabel:
        return self._author

    def author_mark(self) -> AuthorMark:
        return self._mark

    def copy_button(self) -> ActionButton:
        return self._copy

    def action_button(self) -> ActionButton:
        """The Edit (user) or Regenerate (assistant) button."""
        return self._action

    def more_button(self) -> ActionButton:
        return self._more

    def sibling_switch(self) -> SiblingSwitch | None:
        """The "‹ 2/3 ›" control, or ``None`` if this message never had other versions."""
        return self._siblings

    def actions_menu(self) -> QMenu:
        """The "…" menu, built on first use so bubbles that never open it cost nothing."""
        if self._menu is None:
            menu = QMenu(self)
            changing = []
            if self._role == Role.USER:
                changing.append(
                    menu.addAction(self.tr("Edit"), lambda: self._request(MessageAction.EDIT))
                )
            elif self._role == Role.ASSISTANT:
                changing.append(
                    menu.addAction(
                        self.tr("Regenerate"), lambda: self._request(MessageAction.REGENERATE)
                    )
                )
            menu.addAction(self.tr("Copy"), self.copy_requested.emit)
            menu.addSeparator()
            changing.append(
                menu.addAction(self.tr("Delete"), lambda: self._request(MessageAction.DELETE))
            )
            menu.aboutToHide.connect(self.refresh_actions)
            self._menu, self._menu_changing = menu, changing
            for action in changing:  # Copy always works; the rest follows the actions switch
                action.setEnabled(self._actions_enabled)
        return self._menu

    def focus_action(self) -> None:
        """Give the main action the focus if it is shown (after an edit ends)."""
        if self._action.isVisible():
            self._action.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- inside -------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._mark.update()
        super().changeEvent(event)

    def _request(self, action: MessageAction) -> None:
        self.action_requested.emit(int(action))

    # @Slot: connecting a plain bound method costs about three times as much, per bubble.
    @Slot()
    def _on_action_clicked(self) -> None:
        if self._role == Role.USER:
            self._request(MessageAction.EDIT)
        elif self._role == Role.ASSISTANT:
            self._request(MessageAction.REGENERATE)

    def _on_siblings_step_requested(self, delta: int) -> None:
        self._request(MessageAction.NEXT if delta > 0 else MessageAction.PREVIOUS)

    @Slot()
    def _on_more_clicked(self) -> None:
        menu = self.actions_menu()
        menu.popup(self._more.mapToGlobal(self._more.rect().bottomLeft()))

    def _update_controls(self) -> None:
        has_actions = self._role in (Role.USER, Role.ASSISTANT) and not self._streaming
        self._action.setVisible(has_actions and not self._editing)
        self._action.setEnabled(self._actions_enabled)
        self._more.setVisible(has_actions and not self._editing)
        self._more.setEnabled(self._actions_enabled)
        if self._sibling_count > 1 and self._siblings is None:
            self._siblings = SiblingSwitch(self._strip)
            self._siblings.step_requested.connect(self._on_siblings_step_requested)
            self._strip_layout.insertWidget(0, self._siblings)  # before Copy
        if self._siblings is not None:
            self._siblings.setVisible(self._sibling_count > 1)
            self._siblings.set_position(
                self._sibling_index,
                self._sibling_count,
                enabled=self._actions_enabled and not self._streaming and not self._editing,
            )
        for action in self._menu_changing:
            action.setEnabled(self._actions_enabled)
