"""The Servers tab's layout: its main button sits like the other tabs' (Browse's Download)."""

from __future__ import annotations

from pathlib import Path

from desktop.remote.qt.servers_panel import ServersPanel
from tests.fixtures.server_listings import make


def test_chat_with_this_model_is_a_button_at_the_right_not_a_bar(qtbot, tmp_path: Path) -> None:
    listings, _asked = make(tmp_path)
    panel = ServersPanel(listings)
    qtbot.addWidget(panel)
    panel.resize(720, 460)
    panel.show()
    qtbot.waitExposed(panel)
    button = panel.use_button
    assert button.width() == button.sizeHint().width()
    right_edge = button.mapTo(panel, button.rect().topRight()).x()
    list_edge = panel.model_list.mapTo(panel, panel.model_list.rect().topRight()).x()
    assert right_edge == list_edge
