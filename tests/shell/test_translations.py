"""The compiled Chinese translation shows in the real window, and `app.language` chooses it."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from desktop import app as app_module
from tests.resources.test_translations import EN_TS, TS, qt_tool


@pytest.fixture
def translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the .qm files compiled from the committed .ts files, used by the app."""
    folder = tmp_path / "translations"
    folder.mkdir()
    for ts in (TS, EN_TS):
        subprocess.run(
            [qt_tool("pyside6-lrelease"), str(ts), "-qm", str(folder / f"{ts.stem}.qm")],
            check=True,
            capture_output=True,
        )
    monkeypatch.setattr(app_module, "translations_dir", lambda: folder)
    return folder


@pytest.fixture
def chinese(qapp, translations: Path) -> Iterator[QTranslator]:
    translator = QTranslator()
    assert translator.load(str(translations / "hearthside_zh_CN.qm"))
    qapp.installTranslator(translator)
    yield translator
    qapp.removeTranslator(translator)


def test_window_shows_chinese(qtbot, chinese, private_data_dir: Path) -> None:
    hearthside = app_module.create(private_data_dir)
    window = hearthside.window
    qtbot.addWidget(window)
    try:
        menus = [action.text() for action in window.menuBar().actions()]
        assert menus[0] == "文件(&F)"
        assert "帮助(&H)" in menus
        assert hearthside.models.welcome_open.text() == "打开模型文件…"
        assert hearthside.models.welcome_download.text() == "下载推荐模型"
        # QCoreApplication.translate with its own context (the PDF and export labels).
        assert QCoreApplication.translate("PdfExport", "Assistant") == "助手"
    finally:
        hearthside.shutdown()


def test_chinese_exports_use_chinese_colons_throughout(chinese) -> None:
    """Every "label: value" in a Markdown or text export is written the language's way, not
    half of them with the translated "：" and half with an English ":" put beside a Chinese
    label by the exporter."""
    from desktop.history.qt.pdf_export import export_labels
    from desktop.store.export import ExportOptions, export_markdown, export_text
    from tests.store.export_samples import sample_conversation

    labels = export_labels()
    assert labels.model == "模型"
    for text in (
        export_markdown(sample_conversation(), ExportOptions(labels=labels)),
        export_text(sample_conversation(), ExportOptions(labels=labels)),
    ):
        assert "模型：" in text
        for label in (labels.model, labels.quantization, labels.created, labels.sources):
            assert f"{label}:" not in text


def test_language_setting(qapp, translations: Path) -> None:
    installed: list[QTranslator] = []
    try:
        installed = app_module.install_translations(qapp, "zh_CN")
        assert installed, "hearthside_zh_CN.qm was not loaded"
        assert QCoreApplication.translate("MainWindow", "&File") == "文件(&F)"
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"


def test_english_plurals(qapp, translations: Path) -> None:
    def days(n: int) -> str:
        return QCoreApplication.translate("_TrashDelegate", "Deleted %n days ago", "", n)

    assert days(1) == "Deleted 1 days ago"  # English without its plural forms
    installed: list[QTranslator] = []
    try:
        installed = app_module.install_translations(qapp, "en")
        assert (days(1), days(3)) == ("Deleted 1 day ago", "Deleted 3 days ago")
        assert QCoreApplication.translate("MainWindow", "&File") == "&File"
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)


@pytest.mark.parametrize("language", ["de_DE", "C"])
def test_a_language_without_a_translation_gets_english_plurals(
    qapp, translations: Path, language: str
) -> None:
    """A German desktop, or a bare system's C locale, read "Deleted 1 days ago": only English
    and Chinese were looked for."""
    installed: list[QTranslator] = []
    try:
        installed = app_module.install_translations(qapp, language)
        one = QCoreApplication.translate("_TrashDelegate", "Deleted %n days ago", "", 1)
        assert one == "Deleted 1 day ago"
        assert QCoreApplication.translate("MainWindow", "&File") == "&File"
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)


def test_missing_translations_stay_english(qapp, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(app_module, "translations_dir", lambda: tmp_path / "none")
    installed: list[QTranslator] = []
    try:
        installed = app_module.install_translations(qapp, "zh_CN")
        assert QCoreApplication.translate("MainWindow", "&File") == "&File"
    finally:
        for translator in installed:  # Qt's own qtbase_zh_CN, if PySide6 ships it
            qapp.removeTranslator(translator)


def test_counts_of_one_read_in_the_singular(qapp, translations: Path) -> None:
    """Issue 17, defect 8: the status bar said "Imported 1 chats"."""
    translator = QTranslator()
    assert translator.load(str(translations / "hearthside_en.qm"))
    qapp.installTranslator(translator)
    try:
        translate = QCoreApplication.translate
        assert translate("ChatTransfers", "Imported %n chat(s) from {name}", "", 1) == (
            "Imported 1 chat from {name}"
        )
        assert translate("ChatTransfers", "Exported %n chats to {path}", "", 2) == (
            "Exported 2 chats to {path}"
        )
        assert translate("ModelDefaultsPage", "%n threads found → %n threads", "", 1) == (
            "1 thread found → 1 thread"
        )
    finally:
        qapp.removeTranslator(translator)


def test_the_gpu_layers_words_are_translated(qtbot, chinese) -> None:
    from desktop.models.qt.gpu_layers_box import GpuLayersBox

    box = GpuLayersBox()
    qtbot.addWidget(box)
    box.set_value("none")
    assert box.currentText() == "无" and box.value() == "none"
