"""A ChatView on an empty MessageListModel, shown: the view and bubble tests share it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from desktop.chat.qt.message_model import MessageListModel
from desktop.chat.qt.view import ChatView


@pytest.fixture
def model() -> MessageListModel:
    return MessageListModel()


@pytest.fixture
def view(qtbot: QtBot, model: MessageListModel) -> ChatView:
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.resize(900, 700)
    chat.set_model(model)
    chat.show()
    qtbot.waitExposed(chat)
    return chat
