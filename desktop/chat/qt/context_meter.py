"""The context meter in the composer's card, and what keeps it current without blocking typing.

The meter stays out of sight until it matters: past SHOW_FRACTION of the window, whenever
sending would leave turns out or cannot fit at all, or while the user's attention is on the
composer (the pointer over it, the focus on Send or the meter's own box). It keeps its place in
the card while hidden, so showing it never moves the message box.

Counting needs the model's tokenizer, which lives with the loaded model on the inference
thread. `ContextCounter` therefore waits until typing pauses (a debounce), then asks the session
for one count; a newer request makes the worker skip the older one, and answers to anything but
the latest request are dropped. No count is asked for while a reply streams, so counting never
delays generation; the meter recounts when the reply ends.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QWidget,
)

from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.protocol import ContextCount
from desktop.chat.qt.composer import Composer
from desktop.chat.qt.session import ChatSession
from desktop.core.design import SPACE_S, tokens
from desktop.qtkit.pill import draw_pill, pill_painter
from desktop.qtkit.theme import palette_is_dark, recolour_on_theme_change

__all__ = ["DEBOUNCE_MS", "SHOW_FRACTION", "ContextCounter", "ContextMeter", "MeterState"]

DEBOUNCE_MS = 300
PREPARE_TEXT_MS = 100
"""Without a key for this long, the text typed so far is evaluated (ContextCounter)."""
"""Typing pause before a count is asked for."""
WARN_FRACTION = 0.8
"""Past this share of the window the meter turns amber."""
SHOW_FRACTION = 0.5
"""From this share of the window on the meter is shown even when no one points at it."""
COMPACT_WIDTH = 440
"""Narrower than this (a narrow window) the meter drops its bar and shortens the box's text,
so its words keep some width beside them."""


class MeterState(StrEnum):
    EMPTY = "empty"  # no model, nothing counted yet
    NORMAL = "normal"
    WARN = "warn"  # past 80 %: still fits
    OVER = "over"  # sending will leave out (or summarize) older turns
    TOO_LONG = "too_long"  # the message cannot be sent until it is shorter


def state_color(state: MeterState, palette: QPalette) -> QColor:
    """The theme's warning and danger colours (readable as text on its surfaces); the normal
    bar uses the highlight colour."""
    theme = tokens(palette_is_dark(palette))
    if state in (MeterState.WARN, MeterState.OVER):
        return QColor(theme.warning)
    if state == MeterState.TOO_LONG:
        return QColor(theme.danger)
    return palette.color(QPalette.ColorRole.Highlight)


class _MeterBar(QWidget):
    """A thin bar: painted rather than a styled QProgressBar so its colour follows the state
    without style sheets fighting the theme."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fraction = 0.0
        self._extra = 0.0
        self._state = MeterState.EMPTY
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(QSize(72, 6))

    def set_value(self, fraction: float, state: MeterState, extra: float = 0.0) -> None:
        """``extra``: a share of the window that may be taken too (document passages), drawn
        paler after the used part."""
        self._fraction = min(1.0, max(0.0, fraction))
        self._extra = min(1.0 - self._fraction, max(0.0, extra))
        self._state = state
        self.update()

    def extra(self) -> float:
        return self._extra

    def paintEvent(self, event: QPaintEvent) -> None:
        painter, rect = pill_painter(self)
        palette = self.palette()
        groove = palette.color(QPalette.ColorRole.Mid)
        groove.setAlpha(90)
        draw_pill(painter, rect, groove)
        if self._extra > 0:
            maybe = QRectF(rect)
            maybe.setWidth(max(rect.height(), rect.width() * (self._fraction + self._extra)))
            color = state_color(self._state, palette)
            color.setAlpha(90)
            draw_pill(painter, maybe, color)
        if self._fraction > 0:
            filled = QRectF(rect)
            filled.setWidth(max(rect.height(), rect.width() * self._fraction))
            draw_pill(painter, filled, state_color(self._state, palette))


class _MeterLabel(QLabel):
    """The meter's words; they wrap in a narrow window rather than lose what sending will do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._needed = -1  # the height the words took at the last width
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        needed = self.heightForWidth(self.width())
        parent = self.parentWidget()
        if needed != self._needed and parent is not None:
            self._needed = needed
            parent.updateGeometry()  # the meter's height follows (ContextMeter.sizeHint)

    def full_text(self) -> str:
        return self._full


class ContextMeter(QWidget):
    """Tokens of system prompt + history + draft out of the context size, and what sending
    would do, with the overflow strategy of the open conversation beside it.

    Shown only when it matters (:meth:`matters`) or while the composer has the user's attention
    (:meth:`set_attention`); hidden, it keeps its room in the layout.

    Signals:
        strategy_chosen(str): the user picked an OverflowStrategy value in the box.
    """

    strategy_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contextMeter")
        self._state = MeterState.EMPTY
        self._strategy = OverflowStrategy.DROP
        self._count: ContextCount | None = None
        self._fraction = 0.0  # of the window: the count and the passages' room
        self._attention = False
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.bar = _MeterBar(self)
        self.label = _MeterLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.label.setObjectName("contextMeterLabel")
        self.label.setAccessibleName(self.tr("Context use"))
        self._strategy_box = QComboBox(self)
        self._strategy_box.setObjectName("overflowStrategy")
        self._strategy_names = {
            # Wide, then compact (a narrow window: the tooltip says the rest); a cut-off
            # "Leave out olde" would look broken.
            OverflowStrategy.DROP: (self.tr("Leave out oldest turns"), self.tr("Leave out")),
            OverflowStrategy.SUMMARIZE: (self.tr("Summarize oldest turns"), self.tr("Summarize")),
        }
        for strategy, (wide, _compact) in self._strategy_names.items():
            self._strategy_box.addItem(wide, strategy.value)
        self._strategy_box.setToolTip(
            self.tr(
                "What happens when this conversation no longer fits the model's context "
                "window: the oldest turns are left out, or the model first summarizes them "
                "into a note it keeps reading."
            )
        )
        self._strategy_box.setAccessibleName(self.tr("When the conversation is too long"))
        self._strategy_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._strategy_box.activated.connect(self._on_strategy_box_activated)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACE_S)
        # The box first: hidden, it keeps its room (so pointing at the composer never rewraps
        # the words and moves the message box), and the right-aligned words stay by the bar.
        box_policy = self._strategy_box.sizePolicy()
        box_policy.setRetainSizeWhenHidden(True)
        self._strategy_box.setSizePolicy(box_policy)
        layout.addWidget(self._strategy_box, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignVCenter)
        self.clear()

    # -- public API ---------------------------------------------------------------------------

    def state(self) -> MeterState:
        return self._state

    def text(self) -> str:
        return self.label.full_text()

    def strategy(self) -> OverflowStrategy:
        return self._strategy

    def strategy_box(self) -> QComboBox:
        return self._strategy_box

    def matters(self) -> bool:
        """Whether the count is worth showing unasked: past SHOW_FRACTION of the window, or
        sending would leave turns out, or the message cannot be sent at all."""
        if self._state in (MeterState.WARN, MeterState.OVER, MeterState.TOO_LONG):
            return True
        return self._state == MeterState.NORMAL and self._fraction >= SHOW_FRACTION

    def set_attention(self, attention: bool) -> None:
        """The composer has the user's attention (pointer or focus): show the meter anyway."""
        self._attention = attention
        self._update_visibility()

    # Wrapped words without height-for-width: a height-for-width child makes every layout above
    # it (the composer's card, the chat page) settle a pass late, so the message box would jump
    # after each change. The meter asks for the height its words take at the label's current
    # width instead, and the label has it ask again when a new width changes that.

    def hasHeightForWidth(self) -> bool:
        return False

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._wrapped_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._wrapped_height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        compact = self.width() < COMPACT_WIDTH
        if compact == self.bar.isHidden():
            return
        self.bar.setHidden(compact)
        for number, (wide, short) in enumerate(self._strategy_names.values()):
            self._strategy_box.setItemText(number, short if compact else wide)

    def _wrapped_height(self) -> int:
        label = self.label
        words = label.heightForWidth(max(label.minimumWidth(), label.width()))
        controls = max(self.bar.height(), self._strategy_box.sizeHint().height())
        return max(words, controls)

    def _update_visibility(self) -> None:
        if self.parentWidget() is None:  # on its own (a test): whoever shows it decides
            return
        box_in_use = self._strategy_box.hasFocus() or self._strategy_box.view().isVisible()
        # Unasked (only because it matters) the meter says the count; the choice of what to
        # leave out comes with the user's attention.
        self._strategy_box.setVisible(self._attention or box_in_use)
        self.setVisible(self.matters() or self._attention or box_in_use)
        self.updateGeometry()  # its words may have changed while it was hidden

    def set_strategy(self, strategy: OverflowStrategy) -> None:
        """Shows the open conversation's strategy (no signal: it is not the user's choice)."""
        self._strategy = OverflowStrategy(strategy)
        self._strategy_box.setCurrentIndex(max(0, self._strategy_box.findData(strategy.value)))
        if self._count is not None:
            self.show_count(self._count)

    def clear(self) -> None:
        """No model: nothing to count against."""
        self._count = None
        self._state = MeterState.EMPTY
        self._fraction = 0.0
        self.bar.set_value(0.0, MeterState.EMPTY)
        self.label.set_full_text("")
        self._apply_color()
        self._update_visibility()

    def show_count(self, count: ContextCount) -> None:
        self._count = count
        forecast = count.forecast
        used, n_ctx = forecast.prompt_tokens, forecast.n_ctx
        passages = count.passage_tokens
        numbers = self.tr("{used} / {n} tokens").format(used=f"{used:,}", n=f"{n_ctx:,}")
        if count.estimate:  # a server without a tokenizer endpoint: say it is about
            numbers = self.tr("about {numbers}").format(numbers=numbers)
        if passages:
            numbers = self.tr("{numbers} + up to {passages} for document passages").format(
                numbers=numbers, passages=f"{passages:,}"
            )
        turns, maybe = forecast.newly_dropped_turns, False
        if count.passage_dropped_turns > turns:
            turns, maybe = count.passage_dropped_turns, True
        if forecast.too_long_by > 0:
            state = MeterState.TOO_LONG
            text = self.tr(
                "{numbers} · too long to send: shorten the message by about {over} tokens"
            ).format(numbers=numbers, over=f"{forecast.too_long_by:,}")
        elif turns > 0 and maybe:
            # Only if the passages take their whole budget: they are chosen at send time.
            state = MeterState.OVER
            if self._strategy == OverflowStrategy.SUMMARIZE:
                what = (
                    self.tr("on send, the oldest turn may be summarized")
                    if turns == 1
                    else self.tr("on send, up to the {n} oldest turns may be summarized").format(
                        n=turns
                    )
                )
            else:
                what = (
                    self.tr("on send, the oldest turn may be left out")
                    if turns == 1
                    else self.tr("on send, up to the {n} oldest turns may be left out").format(
                        n=turns
                    )
                )
            text = f"{numbers} · {what}"
        elif turns > 0:
            state = MeterState.OVER
            if self._strategy == OverflowStrategy.SUMMARIZE:
                what = (
                    self.tr("on send, the oldest turn will be summarized")
                    if turns == 1
                    else self.tr("on send, the {n} oldest turns will be summarized").format(n=turns)
                )
            else:
                what = (
                    self.tr("on send, the oldest turn will be left out")
                    if turns == 1
                    else self.tr("on send, the {n} oldest turns will be left out").format(n=turns)
                )
            text = f"{numbers} · {what}"
        elif used + passages >= WARN_FRACTION * n_ctx:
            state = MeterState.WARN
            text = self.tr("{numbers} · nearly full").format(numbers=numbers)
        else:
            state = MeterState.NORMAL
            text = numbers
        self._state = state
        self._fraction = (used + passages) / n_ctx if n_ctx else 0.0
        self.bar.set_value(
            used / n_ctx if n_ctx else 0.0, state, passages / n_ctx if n_ctx else 0.0
        )
        self.label.set_full_text(text)
        counted = (
            self.tr(
                "Estimated from the characters (the server has no tokenizer to ask): system "
                "prompt, the conversation it still remembers and your message. {reserve} "
                "tokens are kept free for the reply."
            )
            if count.estimate
            else self.tr(
                "Counted with the model's tokenizer: system prompt, the conversation it still "
                "remembers and your message. {reserve} tokens are kept free for the reply."
            )
        )
        tip = text + "\n" + counted.format(reserve=f"{n_ctx - forecast.limit:,}")
        if passages:
            tip += "\n" + self.tr(
                "Passages from the attached collections are chosen when you send and may take "
                "up to {passages} tokens: what is left after the system prompt, your message "
                "and the reply's room, at most half the window."
            ).format(passages=f"{passages:,}")
        self.label.setToolTip(tip)
        self._apply_color()
        self._update_visibility()

    # -- behaviour ----------------------------------------------------------------------------

    def _apply_color(self) -> None:
        palette = self.label.palette()
        if self._state in (MeterState.WARN, MeterState.OVER, MeterState.TOO_LONG):
            color = state_color(self._state, self.palette())
        else:
            color = self.palette().color(QPalette.ColorRole.PlaceholderText)
        palette.setColor(QPalette.ColorRole.WindowText, color)
        self.label.setPalette(palette)

    def _on_strategy_box_activated(self, index: int) -> None:
        strategy = OverflowStrategy.parse(self._strategy_box.itemData(index))
        if strategy != self._strategy:
            self._strategy = strategy
            if self._count is not None:
                self.show_count(self._count)
            self.strategy_chosen.emit(strategy.value)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        recolour_on_theme_change(self, event, self._apply_color)
        if event.type() == QEvent.Type.ParentChange:
            self._update_visibility()


class ContextCounter(QObject):
    """Keeps the meter current: debounced counts of the draft through the session.

    It also has the session prepare the draft's reply (ChatSession.prepare_reply): the text
    as it is typed (after PREPARE_TEXT_MS without a key), and the whole prompt, the reply's
    header included, at each pause (DEBOUNCE_MS), so a send evaluates little or nothing.

    Also measures long pastes and attached files for the trim offer: the composer reports the
    inserted text, the next count measures it on its own (`focus`), and `focus_counted` says
    how big it is and how much of it fits.

    Signals:
        focus_counted(str, ContextCount): the count for the draft with this long text in it.
    """

    focus_counted = Signal(str, object)

    def __init__(
        self,
        session: ChatSession,
        composer: Composer,
        meter: ContextMeter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._composer = composer
        self._meter = meter
        self._focus = ""
        self._focus_request: int | None = None
        self._counted_draft: str | None = None  # the draft of the latest count asked for
        self._too_long_draft: str | None = None  # a draft the latest answer found too long
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.count_now)
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(PREPARE_TEXT_MS)
        self._text_timer.timeout.connect(self.prepare_text)
        composer.draft_changed.connect(self._text_timer.start)
        composer.draft_changed.connect(self.schedule)
        composer.long_text_inserted.connect(self.on_composer_long_text_inserted)
        meter.strategy_chosen.connect(self.on_meter_strategy_chosen)
        session.context_counted.connect(self.on_session_context_counted)
        session.streaming_changed.connect(self.on_session_streaming_changed)
        session.model_changed.connect(self.on_session_model_changed)
        session.conversation_opened.connect(self.on_session_conversation_opened)
        session.summary_changed.connect(self.schedule)
        session.attached_changed.connect(self.schedule)

    def schedule(self, *_: object) -> None:
        """Counts once typing (or whatever changed) has paused for DEBOUNCE_MS."""
        self.timer.start()

    def count_now(self) -> None:
        self.timer.stop()
        session = self._session
        if session.model_info is None:
            self._meter.clear()
            return
        draft = self._composer.text()
        request = session.request_count(draft, self._focus)
        self._counted_draft = draft if request is not None else None
        self._focus_request = request if self._focus else None
        session.prepare_reply(draft)  # after the count: the meter's answer comes first

    def prepare_text(self) -> None:
        """The draft's text so far, not yet the reply's header: typing goes on."""
        if self.timer.isActive():  # the pause's whole prompt is due after it anyway
            self._session.prepare_reply(self._composer.text(), whole=False)

    def on_composer_long_text_inserted(self, text: str) -> None:
        self.measure(text)

    def measure(self, text: str) -> None:
        """Counts the draft now with `text` (a part of it) measured on its own: the answer
        comes as focus_counted, for the trim offer."""
        self._focus = text
        self.count_now()

    def is_too_long(self, draft: str) -> bool:
        """Whether the latest count found exactly this draft too long to send at all."""
        return self._too_long_draft is not None and self._too_long_draft == draft

    def forget_focus(self) -> None:
        """The offer was answered; later counts measure the draft only."""
        self._focus = ""
        self._focus_request = None

    def on_session_context_counted(self, count: ContextCount) -> None:
        self._meter.show_count(count)
        too_long = count.forecast.too_long_by > 0
        self._too_long_draft = self._counted_draft if too_long else None
        self._composer.set_too_long(too_long)
        if self._focus and self._focus_request is not None:
            focus = self._focus
            self._focus_request = None
            self.focus_counted.emit(focus, count)

    def on_session_streaming_changed(self, streaming: bool) -> None:
        if not streaming:
            self.schedule()

    def on_session_model_changed(self, info: object) -> None:
        self._too_long_draft = None
        self._composer.set_too_long(False)
        if info is None:
            self._meter.clear()
        else:
            self.schedule()

    def on_session_conversation_opened(self, summary: object) -> None:
        self._meter.set_strategy(self._session.overflow)
        self.schedule()

    def on_meter_strategy_chosen(self, value: str) -> None:
        self._session.set_overflow(OverflowStrategy.parse(value))
