"""ServerModelsList: the Library tab's servers and their models, plain text, chosen to load."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.models.picker import PickerEntry, PickerSection
from desktop.models.qt.server_models_list import ServerModelsList


def test_servers_and_their_models_are_listed_and_a_model_loads(qtbot) -> None:  # type: ignore[no-untyped-def]
    servers = ServerModelsList()
    qtbot.addWidget(servers)
    assert servers.isHidden()  # no server added: nothing to show
    box = "http://gpu-box:8000/v1"
    servers.show_sections(
        [
            PickerSection(
                "Workstation — gpu-box:8000",
                (PickerEntry(f"{box}#qwen", "Qwen <b>72B</b>", "32,768 tokens"),),
            ),
            PickerSection("Laptop — lap:1234", note="Asking lap…"),
        ]
    )
    assert not servers.isHidden()
    assert servers.locators() == [f"{box}#qwen"]
    first = servers.topLevelItem(0)
    assert first.text(0) == "Workstation — gpu-box:8000"
    assert first.child(0).text(0) == "Qwen <b>72B</b>"  # item text is never rich text
    assert servers.topLevelItem(1).child(0).text(0) == "Asking lap…"
    assert not servers.topLevelItem(1).child(0).data(0, Qt.ItemDataRole.UserRole)
    with qtbot.waitSignal(servers.load_requested) as chosen:
        servers.itemActivated.emit(first.child(0), 0)
    assert chosen.args == [f"{box}#qwen"]
    servers.show_sections([])
    assert servers.isHidden() and servers.locators() == []


def test_the_names_take_the_width_not_the_context(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Seen at 800×600: "gpu-box — l…" and "/tmp/shot…" cut at 100 px beside an empty Context
    column that took the rest (a server that does not state its context)."""
    servers = ServerModelsList()
    qtbot.addWidget(servers)
    servers.resize(760, 200)
    servers.show_sections(
        [
            PickerSection(
                "gpu-box — localhost:8811",
                (PickerEntry("http://localhost:8811/v1#/tmp/m.gguf", "/tmp/shots-model/m.gguf"),),
            )
        ]
    )
    servers.show()
    qtbot.waitExposed(servers)
    name = servers.columnWidth(0)
    assert name > servers.viewport().width() // 2
    assert name >= servers.fontMetrics().horizontalAdvance("gpu-box — localhost:8811")
