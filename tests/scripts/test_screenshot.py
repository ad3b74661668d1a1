"""scripts/screenshot.py --all: every screen in a subset of themes, languages and sizes, on the
tiny test model, each a PNG of the window's size that is not blank (issue 17, "Screenshots in
the repo"). The full run (every screen x 2 themes x 2 languages x 2 sizes) is for a look by eye;
here one theme, one language and one size keep it to a few seconds per screen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "screenshot.py"
sys.path.insert(0, str(ROOT / "scripts"))
from screenshot_all import SCREENS  # noqa: E402

sys.path.remove(str(ROOT / "scripts"))


def distinct_colours(image: QImage, step: int = 16) -> int:
    """How many colours a grid of samples holds: a blank (one-colour) image has 1."""
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_all_screens_are_written_and_not_blank(tmp_path: Path, tiny_gguf: Path) -> None:
    out = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--all",
            "--model",
            str(tiny_gguf),
            "--out",
            str(out),
            "--themes",
            "dark",
            "--languages",
            "en",
            "--sizes",
            "800x600",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    expected = {f"{screen}-dark-en-800x600.png" for screen in SCREENS}
    assert {p.name for p in out.iterdir()} == expected
    for name in sorted(expected):
        image = QImage(str(out / name))
        assert (image.width(), image.height()) == (800, 600), name
        assert distinct_colours(image) > 8, f"{name} looks blank"


def test_a_bad_choice_is_refused_with_the_choices(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--all", "--only", "nope", "--languages", "en"],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "unknown screen: nope" in done.stderr and "welcome" in done.stderr


@pytest.mark.parametrize("text", ["800x600", "1280x800,800x600"])
def test_sizes_are_read_as_width_by_height(text: str) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from screenshot_all import parse_sizes
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    first = (800, 600) if text == "800x600" else (1280, 800)
    assert parse_sizes(text)[0] == first
