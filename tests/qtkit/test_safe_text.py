"""qtkit.safe_text: a browser that reads no file and no network, and the link rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QImage, QTextDocument, QWheelEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.qtkit.safe_text import (
    SafeDocument,
    SafeTextBrowser,
    ask_before_opening,
    is_openable_link,
)


def test_load_resource_returns_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    image_path = tmp_path / "secret.png"
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(0xFF0000)
    assert image.save(str(image_path))
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    assert isinstance(browser.document(), SafeDocument)
    image_kind = int(QTextDocument.ResourceType.ImageResource)
    for url in (
        QUrl("http://example.org/x.png"),
        QUrl("https://example.org/x.css"),
        QUrl.fromLocalFile(str(image_path)),
        QUrl("file:///etc/passwd"),
    ):
        assert browser.loadResource(image_kind, url) is None
        assert browser.document().loadResource(image_kind, url) is None
    # Even if an <img> got into the document, the local file is not read.
    browser.setHtml(f'<img src="{QUrl.fromLocalFile(str(image_path)).toString()}">')
    browser.document().size()
    assert browser.document().resource(image_kind, QUrl.fromLocalFile(str(image_path))) is None


def test_a_safe_document_alone_loads_nothing(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("secret", encoding="utf-8")
    document = SafeDocument()
    kind = int(QTextDocument.ResourceType.StyleSheetResource)
    assert document.loadResource(kind, QUrl.fromLocalFile(str(path))) is None


def test_links_are_not_followed_and_text_is_read_only(qtbot: QtBot) -> None:
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    assert not browser.openLinks()
    assert not browser.openExternalLinks()
    assert browser.isReadOnly()
    assert browser.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff


def test_measure_shrinks_short_text_and_fills_the_width_otherwise(qtbot: QtBot) -> None:
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    browser.setPlainText("short")
    shrunk = browser.measure(400, shrink=True)
    assert 0 < shrunk.width() < 100
    assert shrunk.height() > 0
    assert browser.measure(400, shrink=False).width() == 400
    browser.setPlainText("word " * 1000)  # too long to look for its ideal width
    long_size = browser.measure(400, shrink=True)
    assert long_size.width() == 400
    assert long_size.height() > shrunk.height()
    assert browser.document().textWidth() == 400  # laid out at the size it reported


def test_the_wheel_scrolls_the_page_around_it(qtbot: QtBot) -> None:
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    event = QWheelEvent(
        QPointF(5, 5),
        QPointF(5, 5),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    event.accept()
    browser.wheelEvent(event)
    assert not event.isAccepted()


@pytest.mark.parametrize(
    ("url", "openable"),
    [
        ("https://example.org/page", True),
        ("HTTP://example.org/", True),
        ("http://", False),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("mailto:a@example.org", False),
        ("ftp://example.org/", False),
        ("hearthside-copy:0", False),
    ],
)
def test_is_openable_link(url: str, openable: bool) -> None:
    assert is_openable_link(QUrl(url)) is openable


def test_ask_before_opening_shows_the_url_as_plain_text(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[tuple[Qt.TextFormat, str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.textFormat(), box.text()))
        box.button(QMessageBox.StandardButton.Open).click()

    QTimer.singleShot(0, answer)
    assert ask_before_opening(parent, QUrl("https://bücher.example/<b>x</b>"))
    assert seen[0][0] == Qt.TextFormat.PlainText
    assert "https://xn--bcher-kva.example/" in seen[0][1]  # punycode: no look-alike hosts

    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    assert not ask_before_opening(parent, QUrl("https://example.org/"))
