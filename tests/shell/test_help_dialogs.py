"""Help › Keyboard shortcuts (read from the window's actions) and About (versions, license)."""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6.QtCore import qVersion
from PySide6.QtGui import QKeySequence

from desktop import __version__
from desktop.shell.shortcuts_dialog import action_label
from tests.fixtures.tiny_model import tiny_gguf_cached
from tests.fixtures.window import load_tiny

NATIVE = QKeySequence.SequenceFormat.NativeText


def keys(text: str) -> str:
    return QKeySequence(text).toString(NATIVE)


def open_shortcuts(qtbot, app):
    app.window.shortcuts_action.trigger()
    dialog = app.window.shortcuts_dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def table_rows(dialog) -> list[tuple[str, str]]:
    table = dialog.table
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def test_every_action_shortcut_is_listed(qtbot, app) -> None:
    rows = table_rows(open_shortcuts(qtbot, app))
    listed = dict(rows)
    for action in app.window.actions():
        for key in action.shortcuts():
            assert key.toString(NATIVE) in listed[action_label(action)], action.text()


def test_the_issue_shortcuts_are_there(qtbot, app) -> None:
    listed = dict(table_rows(open_shortcuts(qtbot, app)))
    assert listed["New chat"] == keys("Ctrl+N")
    assert listed["Search chats"] == keys("Ctrl+K")
    assert listed["Focus message box"] == keys("Ctrl+L")
    assert listed["Stop reply"] == keys("Esc")
    assert listed["Copy last reply"] == keys("Ctrl+Shift+C")
    assert listed["Settings"] == keys("Ctrl+,")
    assert listed["Keyboard shortcuts"] == keys("Ctrl+/")
    assert "Send the message" in listed
    # Issue 17, defect 6: the chat list's own keys were missing.
    assert listed["Rename the selected chat"] == keys("F2")
    assert listed["Move the selected chat to the trash"] == keys("Del")


def test_a_new_action_appears_without_touching_the_dialog(qtbot, app) -> None:
    window = app.window
    window.add_action("help", "help", window.make_action("&Frobnicate", QKeySequence("Ctrl+Alt+F")))
    listed = dict(table_rows(open_shortcuts(qtbot, app)))
    assert listed["Frobnicate"] == keys("Ctrl+Alt+F")


def test_about_without_a_model(qtbot, app) -> None:
    app.window.about_action.trigger()
    box = app.window.about_box
    qtbot.waitUntil(box.isVisible)
    text = box.text()
    assert f"Hearthside {__version__}" in text
    assert f"Python {platform.python_version()}" in text
    assert f"Qt {qVersion()}" in text
    assert f"llama-cpp-python {app.window.backend.llama_cpp_python_version}" in text
    assert f"Backend: {app.window.backend.backend}" in text
    assert "No model loaded" in text


def test_about_names_the_loaded_models_license(qtbot, app, tmp_path: Path) -> None:
    model = tiny_gguf_cached(tmp_path, extra_kv={"general.license": "apache-2.0"})
    load_tiny(qtbot, app, model)
    text = app.window.about_text()
    assert "Model: Hearthside Tiny Test" in text
    assert "Model license: apache-2.0" in text


def test_about_says_when_a_model_states_no_license(qtbot, app, tiny_gguf: Path) -> None:
    load_tiny(qtbot, app, tiny_gguf)
    assert "Model license: not stated in the model file" in app.window.about_text()
