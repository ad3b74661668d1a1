"""Chat › Model settings: what it shows agrees with the loaded model (issue 17, defect 4)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop.core.settings import Settings
from desktop.models.qt.model_settings_dialog import ModelSettingsDialog


def make(qtbot, tmp_path: Path, **kwargs: object) -> tuple[ModelSettingsDialog, Settings]:
    settings = Settings(tmp_path / "settings.json")
    dialog = ModelSettingsDialog(settings, "m.gguf", "M", False, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    return dialog, settings


def test_the_context_length_is_shown_within_what_the_model_was_trained_for(
    qtbot, tmp_path: Path
) -> None:
    """A 512-context model showed "Context length 8192"."""
    dialog, settings = make(qtbot, tmp_path, reasoning=("", False), context_limit=512)
    settings.set("model.n_ctx", 8192, "m.gguf")
    dialog = ModelSettingsDialog(
        settings, "m.gguf", "M", False, reasoning=("", False), context_limit=512
    )
    qtbot.addWidget(dialog)
    assert dialog.n_ctx.value() == 512 and dialog.n_ctx.maximum() == 512
    assert "512" in dialog.n_ctx.toolTip()
    dialog.accept()
    assert not dialog.load_options_changed  # nothing changed: no reload offered
    assert settings.get("model.n_ctx", "m.gguf") == 8192


def test_a_model_that_does_not_think_shows_the_box_unchecked_and_keeps_the_setting(
    qtbot, tmp_path: Path
) -> None:
    """Gemma showed the box checked beside "This model does not think before answering"."""
    dialog, settings = make(qtbot, tmp_path, reasoning=("", False))
    assert dialog.thinking.checkState() == Qt.CheckState.Unchecked
    assert not dialog.thinking.isEnabled()
    assert "does not think" in dialog.thinking_note.text()
    dialog.accept()
    assert settings.get("reasoning.enabled", "m.gguf") is True  # for the next model file


def test_a_model_with_thinking_markers_but_no_switch_may_think(qtbot, tmp_path: Path) -> None:
    """A plain ChatML model with <think> in its vocabulary said "always thinks first"."""
    dialog, _ = make(qtbot, tmp_path, reasoning=("tags", False))
    assert dialog.thinking.checkState() == Qt.CheckState.PartiallyChecked
    assert "always" not in dialog.thinking_note.text()
    assert "may think" in dialog.thinking_note.text()
    always, _ = make(qtbot, tmp_path, reasoning=("tags", False), always_thinks=True)
    assert always.thinking.checkState() == Qt.CheckState.Checked
    assert "always thinks" in always.thinking_note.text()


def test_the_dialog_fits_a_768_pixel_screen(qtbot, tmp_path: Path) -> None:
    """It was about 775 pixels tall."""
    dialog, _ = make(qtbot, tmp_path, reasoning=("tags", True), effort_adjustable=True)
    assert dialog.sizeHint().height() <= 700


def test_on_a_small_screen_with_the_app_style_the_buttons_stay_in_reach(
    qtbot, qapp, tmp_path: Path
) -> None:
    """With the application stylesheet (taller fields) and large text the dialog outgrew the
    screen (an 800×600 one even at the default size) and OK/Cancel were off it: now the
    settings scroll and the dialog fits the screen."""
    from desktop.core.design import LIGHT
    from desktop.qtkit.stylesheet import application_stylesheet

    sheet, font = qapp.styleSheet(), qapp.font()
    qapp.setStyleSheet(application_stylesheet(LIGHT))
    large = qapp.font()
    large.setPointSize(18)  # Settings › Text size, large
    qapp.setFont(large)
    try:
        dialog, _ = make(qtbot, tmp_path, reasoning=("tags", True), effort_adjustable=True)
        room = dialog.screen().availableGeometry()
        dialog.resize(dialog.sizeHint())
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.height() <= room.height()
        buttons = dialog.findChild(QDialogButtonBox)
        bottom = buttons.mapTo(dialog, buttons.rect().bottomLeft()).y()
        assert buttons.isVisible() and bottom <= dialog.height()
        assert dialog.system_prompt.isVisibleTo(dialog)  # reachable by scrolling
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setFont(font)
