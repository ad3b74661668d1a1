"""Renders resources/icons/hearthside.svg into the PNG, ICO and ICNS files the packages use.

Run after changing the SVG (the results are committed):

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/make_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS_DIR = Path(__file__).resolve().parent / "icons"
SVG = ICONS_DIR / "hearthside.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"cannot read {SVG}", file=sys.stderr)
        return 1
    for size in PNG_SIZES:
        path = ICONS_DIR / f"hearthside-{size}.png"
        if not render(renderer, size).save(str(path), "PNG"):
            print(f"cannot write {path}", file=sys.stderr)
            return 1
    # Windows (.exe icon) and macOS (.app icon) through Qt's own image format plugins.
    ok = render(renderer, 256).save(str(ICONS_DIR / "hearthside.ico"), "ICO")
    ok = render(renderer, 512).save(str(ICONS_DIR / "hearthside.icns"), "ICNS") and ok
    if not ok:
        print("cannot write the .ico or .icns file", file=sys.stderr)
        return 1
    print(f"wrote {len(PNG_SIZES)} PNG sizes, hearthside.ico and hearthside.icns to {ICONS_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
