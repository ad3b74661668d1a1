"""ScrollFollower on a plain QScrollArea: it needs only the area and a callback, not a ChatView."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from desktop.chat.qt.scroll_follow import ScrollFollower


def _area(qtbot: QtBot) -> tuple[QScrollArea, QWidget]:
    area = QScrollArea()
    qtbot.addWidget(area)
    content = QWidget()
    content.setFixedSize(300, 3000)
    area.setWidget(content)
    area.resize(320, 400)
    area.show()
    qtbot.waitExposed(area)
    return area, content


def test_follows_the_bottom_until_scrolled_up_and_jump_brings_it_back(qtbot: QtBot) -> None:
    area, content = _area(qtbot)
    follower = ScrollFollower(area, lambda: None, lambda: True)
    bar = area.verticalScrollBar()
    bar.rangeChanged.connect(lambda _min, maximum: follower.on_range_changed(maximum))
    bar.valueChanged.connect(follower.on_value_changed)
    follower.scroll_to_bottom()
    content.setFixedSize(300, 4000)  # grows while following: stays at the bottom
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())
    assert follower.is_following() and follower.at_bottom()

    bar.setValue(0)
    assert not follower.is_following()
    assert follower.jump_button().isVisible()
    follower.jump_button().click()
    assert bar.value() == bar.maximum() and follower.is_following()
    assert follower.jump_button().isHidden()


def test_asks_for_earlier_rows_once_near_the_top_until_rearmed(qtbot: QtBot) -> None:
    area, _content = _area(qtbot)
    requests: list[int] = []
    follower = ScrollFollower(area, lambda: requests.append(1), lambda: True)
    area.verticalScrollBar().valueChanged.connect(follower.on_value_changed)
    follower.set_has_earlier(True)
    qtbot.waitUntil(lambda: requests == [1])
    follower.maybe_request_earlier()
    assert requests == [1]  # once until re-armed
    follower.rearm_earlier()
    qtbot.waitUntil(lambda: requests == [1, 1])
    follower.set_has_earlier(False)
    follower.rearm_earlier()
    qtbot.wait(20)
    assert requests == [1, 1] and not follower.has_earlier()
