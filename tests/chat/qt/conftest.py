"""A ChatView on an empty MessageListModel, shown: the view and bubble tests share it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.chat.qt.message_model import MessageListModel
from desktop.chat.qt.view import ChatView
from desktop.qtkit.theme import Appearance


@pytest.fixture
def model() -> MessageListModel:
    return MessageListModel()


def shown_view(qtbot: QtBot, model: MessageListModel) -> ChatView:
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.resize(900, 700)
    chat.set_model(model)
    chat.show()
    qtbot.waitExposed(chat)
    return chat


@pytest.fixture
def view(qtbot: QtBot, model: MessageListModel) -> ChatView:
    return shown_view(qtbot, model)


@pytest.fixture
def light_view(qtbot: QtBot, model: MessageListModel, restore_app: QApplication) -> ChatView:
    """The view made after the app's light look is applied, as at the app's start (a widget
    polished before the application has a stylesheet does not show every theme bug)."""
    Appearance(restore_app).apply("light", 0)
    return shown_view(qtbot, model)
