"""desktop/app.py: how the whole app ends."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.window import load_tiny


def test_shutdown_frees_the_model_without_touching_the_window(
    qtbot, private_data_dir: Path, tiny_gguf: Path
) -> None:
    """The model is freed after the inference thread ended; its "unloaded" came back at once
    into the window being taken down, and a quit by SIGTERM crashed in the picker once. The
    window now shows the model to the end."""
    from desktop.app import create

    app = create(private_data_dir)
    qtbot.addWidget(app.window)
    app.window.show()
    load_tiny(qtbot, app, tiny_gguf)
    shown = app.models.picker.button.text()
    unloaded: list[object] = []
    app.session.model_changed.connect(unloaded.append)
    app.shutdown()
    assert app.models.picker.button.text() == shown
    assert unloaded == []
