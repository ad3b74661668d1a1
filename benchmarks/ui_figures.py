"""The chat view under a stream: headroom, update cost growth and the longest stall."""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication

from benchmarks.driver import Config, Results, wait_until
from desktop.chat.qt.message_model import MessageListModel
from desktop.chat.qt.view import ChatView
from desktop.chat.streaming import DeltaCoalescer
from desktop.core.conversation import FinishReason, Role


class _Source(QObject):
    """A synthetic token source on its own thread: deltas as the worker sends them, no model."""

    delta = Signal(str)
    done = Signal()

    def __init__(self, tokens: int, rate: float | None, coalesce: bool) -> None:
        super().__init__()
        self.tokens, self.rate, self.coalesce = tokens, rate, coalesce

    def run(self) -> None:
        coalescer = DeltaCoalescer()
        started = time.perf_counter()
        for i in range(self.tokens):
            piece = f" word{i % 97}" + ("\n\n" if i % 60 == 59 else "")
            if self.rate:
                due = started + i / self.rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            if self.coalesce:
                ready = coalescer.push(piece)
                if ready:
                    self.delta.emit(ready)
            else:
                self.delta.emit(piece)
        tail = coalescer.flush()
        if tail:
            self.delta.emit(tail)
        self.done.emit()


def _ui_conversation(count: int) -> MessageListModel:
    model = MessageListModel()
    long_reply = "Here is a list:\n\n" + "\n".join(f"- item {i} with some text" for i in range(20))
    for i in range(count):
        if i % 2 == 0:
            model.append_message(Role.USER, f"Question number {i}: how does this work?")
        else:
            model.append_message(Role.ASSISTANT, long_reply if i % 7 == 1 else f"Answer {i}.")
    return model


def _stream_synthetic(
    view: ChatView, model: MessageListModel, source: _Source
) -> tuple[float, float]:
    """Streams `source` into a new row; returns (seconds until all shown, longest stall in s)."""
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    QApplication.processEvents()
    thread = QThread()
    source.moveToThread(thread)
    finished = []
    source.delta.connect(lambda text: model.append_delta(row, text))
    source.done.connect(lambda: finished.append(time.perf_counter()))
    thread.started.connect(source.run)
    ticks: list[float] = []
    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    ticker.start()
    started = time.perf_counter()
    thread.start()
    wait_until(lambda: bool(finished), 300)
    model.set_finished(row, FinishReason.STOP)
    view.flush()
    QApplication.processEvents()
    ended = time.perf_counter()
    ticker.stop()
    thread.quit()
    thread.wait()
    gaps = [b - a for a, b in zip([started, *ticks], [*ticks, ended], strict=True)]
    return ended - started, max(gaps)


def measure_ui(cfg: Config, res: Results) -> None:
    """ui_headroom, ui_update_growth and ui_max_stall_ms with a synthetic source, no model."""
    model = _ui_conversation(cfg.ui_messages)
    view = ChatView()
    view.resize(900, 700)
    view.set_model(model)
    view.show()
    QApplication.processEvents()
    # Headroom: one delta per token (no coalescing, the worst case), as fast as they come.
    seconds, _ = _stream_synthetic(view, model, _Source(cfg.ui_tokens, None, coalesce=False))
    ui_rate = cfg.ui_tokens / seconds
    raw_rate = res.absolute.get("raw_tokens_per_s")
    res.absolute["ui_tokens_per_s"] = ui_rate
    res.figures["ui_headroom"] = ui_rate / raw_rate if raw_rate else None
    # Stalls: a realistic stream (coalesced like the worker) growing one reply past 20k chars.
    _, stall = _stream_synthetic(view, model, _Source(cfg.ui_tokens, 1500.0, coalesce=True))
    res.figures["ui_max_stall_ms"] = max(0.0, stall - 0.005) * 1000
    # Growth: the cost of one update (append, render, events) at 20,000 vs 1,000 characters.
    row = model.append_message(Role.ASSISTANT, "", streaming=True)

    def update_cost(target_chars: int) -> float:
        text = model.data(model.index(row)) or ""
        filler = "Some words of a reply, with a [link](https://example.org) and `code`.\n\n"
        while len(text) < target_chars:
            model.append_delta(row, filler)
            text += filler
        view.flush()
        QApplication.processEvents()
        samples = []
        for i in range(15):
            started = time.perf_counter()
            model.append_delta(row, f" word{i}")
            view.flush()
            QApplication.processEvents()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    small = update_cost(1_000)
    large = update_cost(20_000)
    res.figures["ui_update_growth"] = large / small
    res.absolute["ui_update_ms"] = f"{small * 1000:.2f} at 1k chars, {large * 1000:.2f} at 20k"
    view.close()
