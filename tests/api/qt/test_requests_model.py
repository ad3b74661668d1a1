"""The Server panel's request list: newest first, bounded, plain text."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from desktop.api.protocol import RequestRecord
from desktop.api.qt.requests_model import MAX_ROWS, RequestTableModel

OK = RequestRecord(
    client="127.0.0.1:50001",
    method="POST",
    path="/v1/chat/completions",
    model="tiny",
    status=200,
    prompt_tokens=12,
    completion_tokens=30,
    tokens_per_second=41.25,
    seconds=0.8,
)
REFUSED = RequestRecord(
    client="192.168.1.9:40000",
    method="POST",
    path="/v1/chat/completions",
    model="<b>bold</b>",
    status=401,
    error="<img src=x> wrong key",
)


def test_modeltester(qtmodeltester) -> None:
    model = RequestTableModel()
    model.add(OK)
    model.add(REFUSED)
    qtmodeltester.check(model, force_py=True)


def test_rows_are_newest_first_with_counts_speed_and_status() -> None:
    model = RequestTableModel()
    model.add(OK, at=0.0)
    model.add(REFUSED, at=1.0)
    assert model.rowCount() == 2
    assert model.record(0) == REFUSED
    cell = lambda row, column: model.index(row, column).data()  # noqa: E731
    assert cell(1, model.CLIENT) == "127.0.0.1:50001"
    assert cell(1, model.REQUEST) == "/v1/chat/completions"  # POST is said by omission
    assert cell(1, model.MODEL) == "tiny"
    assert (cell(1, model.TOKENS_IN), cell(1, model.TOKENS_OUT)) == ("12", "30")
    assert cell(1, model.SPEED) == "41.2"
    assert cell(1, model.STATUS) == "200 OK"
    assert cell(0, model.STATUS) == "401 refused"
    assert cell(0, model.TOKENS_IN) == ""
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Time",
        "Request",
        "Status",  # beside what was asked: at 800 px the panel shows about four columns
        "Model",
    ]
    assert model.headerData(7, Qt.Orientation.Horizontal) == "Client"


def test_the_status_says_who_ended_a_request() -> None:
    model = RequestTableModel()
    endings = {
        "499 client left": replace(REFUSED, status=499, error="the client went away"),
        "503 failed": replace(REFUSED, status=503, error="The server is busy"),
        "200 cut short": replace(OK, error="The server is stopping."),
        "404 refused": replace(REFUSED, status=404),
        "200 OK": OK,
    }
    for text, record in endings.items():
        model.clear()
        model.add(record)
        assert model.index(0, model.STATUS).data() == text


def test_request_text_stays_plain() -> None:
    model = RequestTableModel()
    model.add(REFUSED)
    assert model.index(0, model.MODEL).data() == "<b>bold</b>"  # item views draw plain text
    tooltip = model.index(0, model.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tooltip and "&lt;img" in tooltip


def test_the_list_keeps_only_the_newest_rows() -> None:
    model = RequestTableModel()
    for number in range(MAX_ROWS + 5):
        model.add(OK, at=float(number))
    assert model.rowCount() == MAX_ROWS
    model.clear()
    assert model.rowCount() == 0
