"""The chat feature in the window: the conversation, the composer and the chat commands.

Installs into the shell (desktop/shell/feature.py): the chat view, running summary note,
long-text offer and composer (with the context meter in its card) on the chat page; New chat,
Regenerate, Stop, Copy last reply, Focus message box and Insert text file in the Chat menu;
the reply's speed and context in the status bar. It decides which page the window shows
(welcome or chat) and what the composer may do, from the session's state. What is typed but not
sent is kept on disk (desktop/chat/draft_file.py) and is back in the box at the next start.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QStackedWidget

from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.draft_file import DraftFile
from desktop.chat.protocol import (
    ContextCount,
    ModelInfo,
    PromptInfo,
    ReplyFailure,
    ReplyProblem,
    ReplyStats,
)
from desktop.chat.qt.composer import Composer
from desktop.chat.qt.context_meter import ContextCounter, ContextMeter
from desktop.chat.qt.empty_chat import EmptyChat
from desktop.chat.qt.long_text_offer import LongTextOffer
from desktop.chat.qt.session import ChatSession, ChatSettings
from desktop.chat.qt.summary_note import SummaryNote
from desktop.chat.qt.view import ChatView
from desktop.core.conversation import Role
from desktop.core.settings import Settings
from desktop.qtkit.file_dialogs import choose_open_file
from desktop.shell.feature import Shell, add_command

__all__ = ["ChatFeature"]


class ChatFeature(QObject):
    """Shows one ChatSession in the shell; made by the app, then :meth:`install` ed once.

    ``model_chat_settings`` is the models feature's answer to "what settings does a reply use
    with the loaded model" (wired by desktop/app.py); a new chat starts from it. With a
    ``draft_path`` the unsent message is kept there (:attr:`DRAFT_PAUSE_MS` after typing
    pauses, and when the window closes) and restored by :meth:`install`.

    Signals:
        None.
    """

    DRAFT_PAUSE_MS = 1000
    """How long typing pauses before the unsent message is written to disk."""

    def __init__(
        self, session: ChatSession, settings: Settings, draft_path: Path | None = None
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.draft = DraftFile(draft_path) if draft_path is not None else None
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(self.DRAFT_PAUSE_MS)
        self._draft_timer.timeout.connect(self.keep_draft)
        self.model_chat_settings: Callable[[], ChatSettings | None] = lambda: None
        self.server_fault_text: Callable[[str, str, float | None], str] = (
            lambda fault, host, retry_after: f"{host}: {fault}"
        )
        """Words for a remote server's fault (the remote feature's, wired by desktop/app.py)."""
        self.shell: Shell  # set by install()
        self._overflow_banner = ""
        self._banner_before = ""  # what the overflow note covered: the model's notes
        self._refused = ""  # a message refused as too long, being measured for the offer
        self.summary_note = SummaryNote()
        self.chat_view = ChatView()
        self.chat_view.set_model(session.messages)
        self.empty_chat = EmptyChat()
        self.chat_area = QStackedWidget()
        """The conversation, or while it has no messages the empty chat's page."""
        self.chat_area.addWidget(self.empty_chat)
        self.chat_area.addWidget(self.chat_view)
        self.long_text_offer = LongTextOffer()
        self.composer = Composer()
        self.context_meter = ContextMeter()
        self.speed_label = QLabel()
        self.context_label = QLabel()

    def install(self, shell: Shell) -> None:
        """Puts the chat's widgets, actions and status labels into ``shell``."""
        self.shell = shell
        self.setParent(shell)
        shell.add_to_chat_page("above_view", self.summary_note)
        shell.add_to_chat_page("view", self.chat_area, 1)
        shell.add_to_chat_page("above_composer", self.long_text_offer)
        shell.add_to_chat_page("composer", self.composer)
        self.composer.add_status(self.context_meter)  # in the card, beside Send
        self.composer.attention_changed.connect(self.context_meter.set_attention)
        shell.add_status_widget("reply", self.speed_label)
        shell.add_status_widget("reply", self.context_label)
        self._build_actions(shell)
        self._connect_session()
        self._connect_context()
        shell.settings_applied.connect(self.apply_chat_defaults)
        shell.closing.connect(self.on_shell_closing)
        if self.draft is not None:
            kept = self.draft.read()
            if kept and not self.composer.text():
                self.composer.set_text(kept)
            self.composer.draft_changed.connect(self._draft_timer.start)
        self.update_state()
        self.update_chat_area()

    def _build_actions(self, shell: Shell) -> None:
        add = partial(add_command, shell, "chat")

        self.new_chat_action = add("new", self.tr("&New chat"), self.new_chat, "Ctrl+N")
        self.regenerate_action = add(
            "reply", self.tr("&Regenerate last reply"), self.regenerate, "Ctrl+R"
        )
        self.stop_action = add("reply", self.tr("&Stop reply"), self.session.stop, "Esc")
        self.copy_reply_action = add(
            "reply", self.tr("&Copy last reply"), self.copy_last_reply, "Ctrl+Shift+C"
        )
        self.focus_action = add(
            "reply", self.tr("&Focus message box"), lambda: self.composer.focus_input(), "Ctrl+L"
        )
        self.insert_file_action = add(
            "reply",
            self.tr("&Insert text file…"),
            self.choose_text_file,
            QKeySequence("Ctrl+Shift+O"),
        )

    def _connect_session(self) -> None:
        session = self.session
        for signal in (session.loading_changed, session.conversation_opened):
            signal.connect(self.update_state)
        session.model_changed.connect(self.on_session_model_changed)
        session.streaming_changed.connect(self.on_session_streaming_changed)
        session.reply_failed.connect(self.on_session_reply_failed)
        session.reply_stats_changed.connect(self.on_session_reply_stats_changed)
        session.prompt_info_changed.connect(self.on_session_prompt_info_changed)
        session.context_counted.connect(self.on_session_context_counted)
        session.has_earlier_changed.connect(self.chat_view.set_has_earlier)
        session.store_failed.connect(self.on_session_store_failed)
        session.message_returned.connect(self.on_session_message_returned)
        self.composer.send_requested.connect(self.on_composer_send_requested)
        self.composer.stop_requested.connect(session.stop)
        view = self.chat_view
        view.edit_submitted.connect(session.edit)
        view.regenerate_requested.connect(session.regenerate)
        view.delete_requested.connect(self.on_chat_view_delete_requested)
        view.sibling_requested.connect(session.switch_sibling)
        view.earlier_requested.connect(session.show_earlier)
        view.copied.connect(self.on_copied)
        messages = session.messages
        for signal in (messages.rowsInserted, messages.rowsRemoved, messages.modelReset):
            signal.connect(self.update_chat_area)
        self.empty_chat.prompt_chosen.connect(self.on_empty_chat_prompt_chosen)

    def _connect_context(self) -> None:
        """The context meter, the running summary note and the long-text offer."""
        session = self.session
        session.default_overflow = OverflowStrategy.parse(self.settings.get("chat.overflow"))
        session.overflow = session.default_overflow
        session.prepare_while_typing = bool(self.settings.get("chat.prepare_while_typing"))
        self.context_meter.set_strategy(session.overflow)
        self.context_counter = ContextCounter(session, self.composer, self.context_meter, self)
        self.context_counter.focus_counted.connect(self.on_context_counter_focus_counted)
        self.long_text_offer.trim_requested.connect(self.on_long_text_offer_trim_requested)
        self.long_text_offer.dismissed.connect(self.context_counter.forget_focus)
        session.summary_changed.connect(self.summary_note.set_summary)
        session.streaming_changed.connect(self.on_session_streaming_changed_for_offer)
        session.conversation_opened.connect(self.on_session_conversation_opened_for_banner)
        self.summary_note.edit_saved.connect(session.edit_summary)
        self.composer.file_refused.connect(
            lambda reason: self.shell.show_status_message(reason, 10_000)
        )

    # Commands --------------------------------------------------------------------------------

    def new_chat(self) -> None:
        self.session.new_chat()
        if self.session.model_info is not None:
            settings = self.model_chat_settings()
            if settings is not None:
                self.session.settings = settings
        self.update_state()  # the banner keeps the model's notes (a demo model stays one)
        self.composer.focus_input()

    def regenerate(self) -> None:
        self.session.regenerate()

    def copy_last_reply(self) -> None:
        row = self.session.messages.last_row_of_role(Role.ASSISTANT)
        if row is not None:
            QGuiApplication.clipboard().setText(self.session.messages.messages()[row].content)
            self.on_copied()

    def reveal(self, row: int, highlight: str | None) -> None:
        """Scrolls to the message at ``row`` and marks ``highlight`` in it (a search hit)."""
        self.chat_view.reveal(row, highlight)

    def choose_text_file(self) -> None:
        """Chat › Insert text file…: a .txt or .md file's text goes into the message."""
        path = choose_open_file(
            self.shell, self.tr("Insert text file"), self.tr("Text files (*.txt *.md *.markdown)")
        )
        if path is not None:
            self.composer.insert_file(path)

    def apply_chat_defaults(self) -> None:
        """A new default overflow strategy applies to chats that have not chosen their own;
        preparing replies while typing is switched at once."""
        self.session.prepare_while_typing = bool(self.settings.get("chat.prepare_while_typing"))
        self.session.default_overflow = OverflowStrategy.parse(self.settings.get("chat.overflow"))
        if self.session.conversation_id is None:
            self.session.overflow = self.session.default_overflow
            self.context_meter.set_strategy(self.session.overflow)

    # Session events --------------------------------------------------------------------------

    def update_state(self, *_args: object) -> None:
        """The page, what the composer may do and which reply actions are enabled."""
        session = self.session
        has_model = session.model_info is not None
        has_messages = session.messages.rowCount() > 0 or session.conversation_id is not None
        self.shell.show_chat_page(has_model or has_messages)
        if session.is_loading:
            self.composer.set_ready(False, self.tr("Loading the model…"))
        elif not has_model:
            self.composer.set_ready(False, self.tr("Load a model to start chatting"))
        else:
            self.composer.set_ready(True)
        self.regenerate_action.setEnabled(session.can_send and has_messages)
        self.stop_action.setEnabled(session.is_streaming)

    @Slot()
    def on_shell_closing(self) -> None:
        self.keep_draft()
        self.session.stop()
        self.session.cancel_load()

    @Slot()
    def keep_draft(self) -> None:
        """Writes the message box's text to the draft file now (an empty box removes it)."""
        self._draft_timer.stop()
        if self.draft is not None:
            self.draft.write(self.composer.text())

    @Slot(str)
    def on_composer_send_requested(self, text: str) -> None:
        draft = self.composer.text()
        if self.context_counter.is_too_long(draft):
            # Refused before it enters the chat: it stays in the box with Trim to fit offered.
            self._refused = draft.strip()
            self.context_counter.measure(self._refused)
            return
        if self.session.send(text):
            self.composer.clear()

    @Slot(str, object)
    def on_context_counter_focus_counted(self, text: str, count: ContextCount) -> None:
        refused, self._refused = self._refused, ""
        self.long_text_offer.offer(text, count, whole=bool(refused) and text == refused)

    @Slot(str)
    def on_session_message_returned(self, text: str) -> None:
        """The model could not take the message: back into the box, with the trim offer."""
        rest = self.composer.text()
        self.composer.set_text(f"{text}\n\n{rest}" if rest.strip() else text)
        self.composer.focus_input()
        self._refused = text
        self.context_counter.measure(text)

    @Slot()
    def on_copied(self, *_text: object) -> None:
        """A copy gets feedback: a code block's link and the menu command have no button to
        change (a message's Copy button says "Copied ✓" itself)."""
        self.shell.show_status_message(self.tr("Copied to the clipboard"), 2000)

    def update_chat_area(self, *_args: object) -> None:
        """The conversation once it has a message; until then, what to do."""
        empty = self.session.messages.rowCount() == 0
        self.chat_area.setCurrentWidget(self.empty_chat if empty else self.chat_view)

    @Slot(str)
    def on_empty_chat_prompt_chosen(self, text: str) -> None:
        self.session.send(text)

    @Slot(object)
    def on_session_model_changed(self, info: ModelInfo | None) -> None:
        self.empty_chat.set_model(info)
        self.speed_label.clear()
        if info is None:
            self.context_label.clear()
        else:
            self.show_context(0, info.n_ctx)
        self.update_state()

    @Slot(bool)
    def on_session_streaming_changed(self, streaming: bool) -> None:
        self.composer.set_streaming(streaming)
        self.chat_view.set_actions_enabled(not streaming)
        self.update_state()

    @Slot(object)
    def on_session_reply_failed(self, failure: ReplyFailure) -> None:
        if failure.problem == ReplyProblem.PROMPT_TOO_LONG:
            text = self.tr(
                "The message is too long for this model's context window: it needs "
                "{needed} tokens but only {available} fit. It is back in the message box: "
                "shorten it, trim it to fit, or raise the context length in Model settings."
            ).format(needed=failure.needed_tokens, available=failure.available_tokens)
        elif failure.problem == ReplyProblem.EMPTY_PROMPT:
            text = self.tr("Type a message first.")
        elif failure.problem == ReplyProblem.NO_MODEL:
            text = self.tr("Load a model first.")
        elif failure.problem == ReplyProblem.TEMPLATE:
            text = self.tr("The model's chat template failed.") + "\n\n" + failure.message
        elif failure.problem == ReplyProblem.SERVER:
            text = "\n\n".join(
                (
                    self.server_fault_text(failure.fault, failure.host, failure.retry_after),
                    self.tr(
                        "What arrived is kept and marked as ended by an error; your message "
                        "is kept too. Regenerate tries again."
                    ),
                    failure.message,  # the server's own words: the error box is plain text
                )
            )
        else:
            text = self.tr("llama.cpp failed while replying.") + "\n\n" + failure.message
        self.shell.show_error(self.tr("No reply"), text)

    @Slot(object)
    def on_session_reply_stats_changed(self, stats: ReplyStats) -> None:
        if stats.generated_tokens:
            tps = stats.tokens_per_second
            self.speed_label.setText(self.tr("{tps:.1f} tok/s").format(tps=tps))
        else:  # stopped before its first token: no speed to tell ("0.0 tok/s" said none)
            self.speed_label.clear()
        self.show_context(stats.context_used, stats.n_ctx)

    @Slot(object)
    def on_session_context_counted(self, count: ContextCount) -> None:
        """The open chat's count (the meter's), so the status bar agrees with the meter from the
        moment a chat opens, not only after its next reply."""
        self.show_context(count.forecast.prompt_tokens, count.forecast.n_ctx)

    def show_context(self, used: int, n_ctx: int) -> None:
        """The status bar's context figure, grouped as the meter's ("810 / 8,192")."""
        self.context_label.setText(
            self.tr("Context {used} / {n}").format(used=f"{used:,}", n=f"{n_ctx:,}")
        )

    @Slot(object)
    def on_session_prompt_info_changed(self, info: PromptInfo) -> None:
        self.show_context(info.prompt_tokens, info.n_ctx)
        if info.dropped_messages:
            self._overflow_banner = self.tr(
                "The %n oldest messages no longer fit in the context window and were not "
                "sent to the model.",
                "",
                info.dropped_messages,
            )
            if self.shell.banner.text() != self._overflow_banner:
                self._banner_before = self.shell.banner.text()  # the model's notes
            self.shell.set_banner(self._overflow_banner)

    @Slot(object)
    def on_session_conversation_opened_for_banner(self, _summary: object) -> None:
        """How many messages another chat left out, or how fast its last reply came, says
        nothing about this one."""
        self.speed_label.clear()
        if self._overflow_banner and self.shell.banner.text() == self._overflow_banner:
            self.shell.set_banner(self._banner_before)
        self._overflow_banner = ""

    @Slot(str)
    def on_session_store_failed(self, message: str) -> None:
        self.shell.show_error(
            self.tr("Could not save"),
            self.tr("The conversation could not be written to the database.") + "\n\n" + message,
        )

    @Slot(int)
    def on_chat_view_delete_requested(self, row: int) -> None:
        if self.shell.confirm(
            self.tr("Delete message"),
            self.tr("Delete this message and every reply and branch that follows it?"),
        ):
            self.session.delete_message(row)

    @Slot(bool)
    def on_session_streaming_changed_for_offer(self, streaming: bool) -> None:
        """Once the message is sent, an unanswered offer about its text is moot."""
        if streaming:
            self.long_text_offer.hide()
            self.context_counter.forget_focus()

    @Slot(str, int)
    def on_long_text_offer_trim_requested(self, text: str, keep_chars: int) -> None:
        self.context_counter.forget_focus()
        self.composer.trim_part(text, keep_chars)
