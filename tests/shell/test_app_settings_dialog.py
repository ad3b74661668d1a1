"""Edit › Settings: the shortcut, first-run defaults and their reasons, persist and apply."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop.core.design import DARK
from desktop.core.settings import Settings
from desktop.engine.llama import backend_info
from desktop.models.hardware import detect, recommend
from desktop.models.qt.settings_page import ModelDefaultsPage
from desktop.qtkit.stylesheet import application_stylesheet, indicator_size
from desktop.shell.app_settings_dialog import AppSettingsDialog


@pytest.fixture(autouse=True)
def keep_appearance(qapp: QApplication) -> Iterator[None]:
    """OK and Apply re-apply the appearance to the whole application (its stylesheet, palette
    and font); later tests get it back as it was. For every test here: one that pressed OK
    without it left the stylesheet on, and a dock measured later in the run came out taller."""
    palette, font, style = QPalette(qapp.palette()), qapp.font(), qapp.style().name()
    sheet = qapp.styleSheet()
    yield
    qapp.setStyleSheet(sheet)
    if style:  # "" under a stylesheet: the style it wraps stays
        qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)


def open_settings(qtbot, app) -> AppSettingsDialog:
    app.window.settings_action.trigger()
    dialog = app.window.app_settings_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def models_page(dialog: AppSettingsDialog) -> ModelDefaultsPage:
    """The Models tab, which the models feature adds to the shell's dialog."""
    (page,) = (p for p in dialog.pages if isinstance(p, ModelDefaultsPage))
    assert dialog.tabs.indexOf(page) == 1  # between Appearance and Folders, as before
    return page


def click(dialog: AppSettingsDialog, which: QDialogButtonBox.StandardButton) -> None:
    dialog.buttons.button(which).click()


def test_ctrl_comma_is_app_settings_and_model_settings_moved(app) -> None:
    window = app.window
    assert window.settings_action.shortcut() == QKeySequence("Ctrl+,")
    assert app.models.model_settings_action.shortcut() != QKeySequence("Ctrl+,")
    menus = {m.menu().title().replace("&", ""): m.menu() for m in window.menuBar().actions()}
    assert window.settings_action in menus["Edit"].actions()
    assert app.models.model_settings_action in menus["Chat"].actions()


def test_no_two_actions_share_a_shortcut(app) -> None:
    seen: dict[str, str] = {}
    for action in app.window.actions():
        for key in action.shortcuts():
            text = key.toString()
            assert text not in seen, f"{text}: {seen.get(text)} and {action.text()}"
            seen[text] = action.text()


def test_first_run_stores_defaults_for_this_computer(qtbot, app) -> None:
    backend = backend_info()
    expected = recommend(detect(backend.backend, backend.gpu_offload))
    saved = Settings(app.settings.path)  # written to disk, not only held in memory
    assert saved.get("model.n_ctx") == expected.n_ctx
    assert saved.get("model.gpu_layers") == expected.gpu_layers
    assert saved.get("model.threads") == expected.threads
    assert app.first_run
    app.announce_first_run()
    assert "Edit › Settings" in app.window.statusBar().currentMessage()
    # The model picker is at the top of the chat now, nowhere near the status bar's message.
    assert not app.window.status_bar.isAncestorOf(app.models.picker)
    dialog = open_settings(qtbot, app)
    assert models_page(dialog).n_ctx.value() == expected.n_ctx
    assert models_page(dialog).n_ctx_reason.text().endswith(f"→ context {expected.n_ctx}")
    assert "GB RAM" in models_page(dialog).n_ctx_reason.text()
    assert (
        models_page(dialog).gpu_layers_reason.text().endswith(f"GPU layers {expected.gpu_layers}")
    )
    assert models_page(dialog).threads_reason.text().endswith(f"→ {expected.threads} threads")


def test_a_second_start_keeps_what_the_user_chose(qtbot, private_data_dir: Path) -> None:
    from desktop.app import create

    settings = Settings(private_data_dir / "settings.json")
    settings.set("model.n_ctx", 1536)
    settings.save()
    hearthside = create(private_data_dir)
    qtbot.addWidget(hearthside.window)
    try:
        assert hearthside.settings.get("model.n_ctx") == 1536
        assert not hearthside.first_run
    finally:
        hearthside.shutdown()


def test_appearance_persists_and_applies_live(qtbot, app, keep_appearance) -> None:
    qapp = QApplication.instance()
    dialog = open_settings(qtbot, app)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.font_size.setValue(15)
    click(dialog, QDialogButtonBox.StandardButton.Apply)
    assert dialog.isVisible()  # Apply keeps the dialog open
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert qapp.font().pointSize() == 15
    assert app.window.appearance.base_style() == "fusion"
    assert qapp.styleSheet() == application_stylesheet(DARK, indicator_size(qapp.font()))
    saved = Settings(app.settings.path)
    assert saved.get("appearance.theme") == "dark"
    assert saved.get("appearance.font_size") == 15

    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    dialog.font_size.setValue(0)  # "System default"
    click(dialog, QDialogButtonBox.StandardButton.Ok)
    assert not dialog.isVisible()
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 180
    assert qapp.font().pointSize() != 15
    assert Settings(app.settings.path).get("appearance.theme") == "light"


def test_cancel_changes_nothing(qtbot, app, keep_appearance) -> None:
    before = app.settings.path.read_text(encoding="utf-8")
    dialog = open_settings(qtbot, app)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.hub_endpoint.setText("https://mirror.example")
    click(dialog, QDialogButtonBox.StandardButton.Cancel)
    assert app.settings.path.read_text(encoding="utf-8") == before
    assert app.settings.get("appearance.theme") == "system"


def test_other_settings_are_stored(qtbot, app, tmp_path: Path) -> None:
    dialog = open_settings(qtbot, app)
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    dialog.hub_endpoint.setText("https://hf-mirror.example/ ")
    dialog.models_dir.setText(str(tmp_path / "my models"))
    models_page(dialog).n_ctx.setValue(3072)
    models_page(dialog).gpu_layers.setCurrentText("12")
    models_page(dialog).threads.setValue(3)
    assert models_page(dialog).prepare_while_typing.isChecked()  # on unless the user turns it off
    models_page(dialog).prepare_while_typing.setChecked(False)
    click(dialog, QDialogButtonBox.StandardButton.Ok)
    assert not app.session.prepare_while_typing  # at once, no restart
    saved = Settings(app.settings.path)
    assert saved.get("chat.prepare_while_typing") is False
    assert saved.get("app.language") == "zh_CN"
    assert saved.get("hub.endpoint") == "https://hf-mirror.example"
    assert saved.get("library.models_dir") == str(tmp_path / "my models")
    assert (saved.get("model.n_ctx"), saved.get("model.gpu_layers")) == (3072, "12")
    assert saved.get("model.threads") == 3
    # Models without their own settings load with the new defaults.
    options = app.models.load_options_for(str(tmp_path / "never-configured.gguf"))
    assert (options.n_ctx, options.n_gpu_layers, options.n_threads) == (3072, 12, 3)


@pytest.mark.parametrize(
    ("field", "text", "words"),
    [
        ("hub_endpoint", "huggingface.co", "https://"),
        ("hub_endpoint", "ftp://mirror.example", "https://"),
        ("models_dir", "relative/folder", "full path"),
    ],
)
def test_bad_values_are_explained_and_not_saved(qtbot, app, field, text, words) -> None:
    before = app.settings.path.read_text(encoding="utf-8")
    dialog = open_settings(qtbot, app)
    getattr(dialog, field).setText(text)
    click(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible()
    assert not dialog.error.isHidden() and words in dialog.error.text()
    assert app.settings.path.read_text(encoding="utf-8") == before


def test_bad_gpu_layers_are_refused(qtbot, app) -> None:
    dialog = open_settings(qtbot, app)
    models_page(dialog).gpu_layers.setCurrentText("lots")
    click(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible() and "GPU layers" in dialog.error.text()


def test_folders_shown_and_opened(qtbot, app, private_data_dir: Path) -> None:
    dialog = open_settings(qtbot, app)
    opened: list[Path] = []
    dialog.open_folder = opened.append
    assert dialog.data_dir_edit.isReadOnly()
    assert Path(dialog.data_dir_edit.text()) == private_data_dir
    assert dialog.models_dir.placeholderText() == str(private_data_dir / "models")
    dialog.open_data_dir.click()
    dialog.open_models_dir.click()
    assert opened == [private_data_dir, private_data_dir / "models"]


def test_language_choices_and_note(qtbot, app) -> None:
    dialog = open_settings(qtbot, app)
    codes = [dialog.language.itemData(i) for i in range(dialog.language.count())]
    assert codes == ["system", "en", "zh_CN"]
    assert dialog.language.itemText(2) == "简体中文"
    notes = " ".join(label.text() for label in dialog.findChildren(type(dialog.error)))
    assert "English and 简体中文" in notes and "next time" in notes


def test_recommended_button_restores_the_hardware_defaults(qtbot, app) -> None:
    dialog = open_settings(qtbot, app)
    models_page(dialog).n_ctx.setValue(999)
    models_page(dialog).threads.setValue(1)
    models_page(dialog).use_recommended.click()
    assert models_page(dialog).n_ctx.value() == models_page(dialog).recommended.n_ctx
    assert models_page(dialog).threads.value() == models_page(dialog).recommended.threads


def test_more_defaults_edits_the_global_sampling(qtbot, app) -> None:
    dialog = open_settings(qtbot, app)
    models_page(dialog).more_defaults.click()
    more = models_page(dialog).more_dialog
    qtbot.waitUntil(more.isVisible)
    more.temperature.setValue(0.3)
    more.accept()
    assert Settings(app.settings.path).get("sampling.temperature") == pytest.approx(0.3)


def test_opening_twice_raises_the_same_dialog(qtbot, app) -> None:
    first = open_settings(qtbot, app)
    app.window.settings_action.trigger()
    assert app.window.app_settings_dialog is first


def test_reasoning_effort_is_offered_where_the_model_takes_one(qtbot, app) -> None:
    from desktop.models.qt.model_settings_dialog import ModelSettingsDialog

    window = app.window
    path = "/models/gpt-oss-20b-mxfp4.gguf"
    key = app.models.model_key(path)
    plain = ModelSettingsDialog(window.settings, key, "a", False, reasoning=("tags", True))
    qtbot.addWidget(plain)
    assert not plain.effort.isEnabled()  # a loaded model whose template has no effort
    dialog = ModelSettingsDialog(
        window.settings, key, "gpt-oss", False, reasoning=("harmony", False), effort_adjustable=True
    )
    qtbot.addWidget(dialog)
    assert dialog.effort.isEnabled() and dialog.effort.currentData() == ""  # the model's default
    dialog.effort.setCurrentIndex(dialog.effort.findData("high"))
    dialog.accept()
    assert window.settings.get("reasoning.effort", key) == "high"
    assert app.models.chat_settings_for(path).reasoning_effort == "high"
    assert app.models.chat_settings_for("/models/other.gguf").reasoning_effort == ""
    again = ModelSettingsDialog(window.settings, key, "gpt-oss", False, effort_adjustable=True)
    qtbot.addWidget(again)
    assert again.effort.currentText() == again.tr("High")


def test_rpc_servers_are_a_setting(qtbot, app) -> None:
    dialog = open_settings(qtbot, app)
    page = models_page(dialog)
    page.rpc_servers.setText("gpu-a:50052 nope:x")
    click(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible() and "nope:x" in dialog.error.text()
    assert app.settings.get("engine.rpc_servers") == ""
    page.rpc_servers.setText("gpu-a:50052, gpu-b:50052")
    click(dialog, QDialogButtonBox.StandardButton.Ok)
    assert app.settings.get("engine.rpc_servers") == "gpu-a:50052, gpu-b:50052"


def test_text_size_arrows_step_from_the_system_size(qtbot) -> None:
    """Issue 17, defect 3: ▲ from "System default" went to 1, 2, 3, 4 pt."""
    from desktop.shell.app_settings_dialog import MIN_TEXT_SIZE, TextSizeBox

    box = TextSizeBox()
    qtbot.addWidget(box)
    box.setSpecialValueText("System default")
    system = box.system_size()
    assert box.value() == 0
    box.stepUp()
    assert box.value() == system + 1
    box.stepDown()
    assert box.value() == 0  # the system's size is the default
    box.stepDown()
    assert box.value() == system - 1
    box.setValue(MIN_TEXT_SIZE)
    box.stepDown()
    assert box.value() == MIN_TEXT_SIZE
    assert box.validate("3", 1)[0] != box.validate("12", 2)[0]
