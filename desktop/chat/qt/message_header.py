"""A message bubble's header: who wrote it, its meta line, and its actions.

The header carries the version switch ("‹ 2/3 ›", only when there are other versions), Copy,
the message's main action (Edit for the user's messages, Regenerate for replies) and a "…" menu
with all actions including Delete, kept one step away because it destroys. Actions are plain
buttons, always shown, so they are reachable with Tab, not only by hovering. In a narrow bubble
the main action shows a symbol instead of its word (:meth:`MessageHeader.fit_hint`).
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QFont, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from desktop.core.conversation import Role
from desktop.qtkit.plain_text import plain_tooltip

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
    """Author, meta line, version switch, Copy, the main action and the "…" menu of a bubble.

    Shows what its bubble tells it (role, meta, streaming, versions, whether actions are allowed,
    whether the bubble is being edited) and compares before touching widgets: the bubble passes
    it everything on every streamed render.

    Signals:
        copy_requested(): the user pressed Copy (button or menu entry).
        action_requested(int): the user pressed Edit, Regenerate, Delete or a version arrow
            (a :class:`MessageAction`). Delete is not confirmed yet.
    """

    copy_requested = Signal()
    action_requested = Signal(int)

    def show_copied(self) -> None:
        """The Copy button says "Copied ✓" for COPIED_MS, then Copy again; its width stays,
        so nothing beside it moves."""
        self._copy.setMinimumWidth(self._copy.sizeHint().width())
        self._copy.setText(self.tr("Copied ✓"))
        self._copied_timer.start()

    def _on_copied_timer_timeout(self) -> None:
        self._copy.setText(self.tr("Copy"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = Role.ASSISTANT
        self._streaming = False
        self._sibling_index = 0
        self._sibling_count = 1
        self._actions_enabled = True
        self._editing = False
        self._compact = False
        self._wide_header = 0  # header width with the action's word, when compact
        self._siblings: SiblingSwitch | None = None
        self._menu: QMenu | None = None
        self._menu_changing: list[QAction] = []

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Buttons sit close together (their own padding separates them); text gets more room.
        layout.setSpacing(2)
        self._layout = layout
        self._author = QLabel(self)
        author_font = QFont(self._author.font())
        author_font.setBold(True)
        self._author.setFont(author_font)
        self._meta = QLabel(self)
        # The model's name comes from its file or an import: shown as written, never run.
        self._meta.setTextFormat(Qt.TextFormat.PlainText)
        self._meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # May be clipped in a narrow window rather than push the Copy button out of view.
        self._meta.setMinimumWidth(1)
        self._copy = QToolButton(self)
        self._copy.setText(self.tr("Copy"))
        self._copy.setToolTip(self.tr("Copy the message as Markdown"))
        self._copy.setAutoRaise(True)
        self._copy.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._copy.clicked.connect(self.copy_requested)
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(COPIED_MS)
        self._copied_timer.timeout.connect(self._on_copied_timer_timeout)
        self._action = QToolButton(self)
        self._action.setAutoRaise(True)
        self._action.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._action.clicked.connect(self._on_action_clicked)
        self._more = QToolButton(self)
        self._more.setText(self.tr("…"))
        self._more.setToolTip(self.tr("More actions"))
        self._more.setAccessibleName(self.tr("More actions"))
        self._more.setAutoRaise(True)
        self._more.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._more.clicked.connect(self._on_more_clicked)
        layout.addWidget(self._author)
        layout.addSpacing(6)
        layout.addWidget(self._meta)
        layout.addStretch(1)
        layout.addSpacing(6)
        layout.addWidget(self._copy)
        layout.addWidget(self._action)
        layout.addWidget(self._more)

    # -- what it shows ------------------------------------------------------------------------

    def set_role(self, role: Role) -> bool:
        """Name the author and word the main action; returns whether anything changed."""
        if role == self._role and self._author.text():
            return False  # called on every streamed render; nothing to do
        self._compact = False
        self._role = role
        names = {
            Role.USER: self.tr("You"),
            Role.ASSISTANT: self.tr("Assistant"),
            Role.SYSTEM: self.tr("System"),
        }
        self._author.setText(names.get(role, str(role)))
        if role == Role.USER:
            self._action.setToolTip(self.tr("Edit this message and send it again"))
            self._action.setAccessibleName(self.tr("Edit"))
        else:
            self._action.setToolTip(self.tr("Write a new version of this reply"))
            self._action.setAccessibleName(self.tr("Regenerate"))
        self._action.setText(self._action.accessibleName())
        if self._menu is not None:
            # The menu's entries depend on the role; rebuilt when next opened.
            self._menu.deleteLater()
            self._menu, self._menu_changing = None, []
        self._update_controls()
        return True

    def set_meta(self, meta: str) -> None:
        """The meta line after the author (model, speed); hidden when empty."""
        if meta == self._meta.text() and self._meta.isVisibleTo(self) == bool(meta):
            return  # called on every streamed render: the escaped tooltip is not remade
        self._meta.setText(meta)
        self._meta.setToolTip(plain_tooltip(meta))
        self._meta.setVisible(bool(meta))

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

    def fit_hint(self, inner_max: int) -> QSize:
        """The header's size hint, switching the main action to a symbol when the header is
        wider than ``inner_max`` and back to its word when there is room again."""
        hint = self.sizeHint()
        if not self._compact and hint.width() > inner_max and self._action.isVisibleTo(self):
            # Narrow window: trade the action's word for a symbol before anything is clipped.
            self._wide_header = hint.width()
            self._set_compact(True)
            hint = self.sizeHint()
        elif self._compact and inner_max >= self._wide_header:
            self._set_compact(False)  # wide enough again for the word
            hint = self.sizeHint()
        return hint

    # -- its parts ----------------------------------------------------------------------------

    def author_label(self) -> QLabel:
        return self._author

    def copy_button(self) -> QToolButton:
        return self._copy

    def action_button(self) -> QToolButton:
        """The Edit (user) or Regenerate (assistant) button."""
        return self._action

    def more_button(self) -> QToolButton:
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
            self._menu, self._menu_changing = menu, changing
            for action in changing:  # Copy always works; the rest follows the actions switch
                action.setEnabled(self._actions_enabled)
        return self._menu

    def focus_action(self) -> None:
        """Give the main action the focus if it is shown (after an edit ends)."""
        if self._action.isVisible():
            self._action.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- inside -------------------------------------------------------------------------------

    def _set_compact(self, compact: bool) -> None:
        """Show the main action as a symbol when the header is too wide for the bubble.

        The word is kept in the tooltip and the accessible name, so nothing is lost but width.
        """
        if compact == self._compact:
            return
        self._compact = compact
        if compact:
            self._action.setText(self.tr("✎") if self._role == Role.USER else self.tr("↻"))
        else:
            self._action.setText(self._action.accessibleName())

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
            self._siblings = SiblingSwitch(self)
            self._siblings.step_requested.connect(self._on_siblings_step_requested)
            # Before Copy: author, spacing, meta, stretch and spacing come first.
            self._layout.insertWidget(5, self._siblings)
        if self._siblings is not None:
            self._siblings.setVisible(self._sibling_count > 1)
            self._siblings.set_position(
                self._sibling_index,
                self._sibling_count,
                enabled=self._actions_enabled and not self._streaming and not self._editing,
            )
        for action in self._menu_changing:
            action.setEnabled(self._actions_enabled)
