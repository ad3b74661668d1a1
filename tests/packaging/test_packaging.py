"""Cheap checks of the packaging files; the PyInstaller build itself is packaging/build.sh."""

from __future__ import annotations

import ast
import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import app

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "resources"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def test_spec_is_python_with_every_platform_section() -> None:
    source = (PACKAGING / "hearthside.spec").read_text(encoding="utf-8")
    tree = ast.parse(source, filename="hearthside.spec")
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"} <= called
    assert "desktop" in source and "__main__.py" in source
    assert "llama_cpp/lib" in source  # the native libraries go where llama_cpp loads them
    for platform in ("win32", "darwin"):
        assert f'sys.platform == "{platform}"' in source


def test_scripts_are_valid_bash() -> None:
    for script in ("build.sh", "install-desktop-entry.sh"):
        path = PACKAGING / script
        assert os.access(path, os.X_OK), f"{script} is not executable"
        subprocess.run(["bash", "-n", str(path)], check=True)


def test_desktop_entry() -> None:
    entry = RESOURCES / "hearthside.desktop"
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(
            ["desktop-file-validate", str(entry)], capture_output=True, text=True
        )
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(entry, encoding="utf-8")
    group = parser["Desktop Entry"]
    assert group["Type"] == "Application"
    assert group["Name"] == "Hearthside"
    assert group["Exec"].split()[0] == "hearthside"  # install-desktop-entry.sh makes it absolute
    assert group["Icon"] == "hearthside"
    assert group["Terminal"] == "false"
    assert group["Categories"].endswith(";")


def test_icons_exist() -> None:
    icons = RESOURCES / "icons"
    assert (icons / "hearthside.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    for size in ICON_SIZES:
        assert (icons / f"hearthside-{size}.png").is_file()
    assert (icons / "hearthside.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (icons / "hearthside.icns").read_bytes()[:4] == b"icns"


def test_window_icon_has_every_size(qapp: object) -> None:
    sizes = {size.width() for size in app.app_icon().availableSizes()}
    assert set(ICON_SIZES) <= sizes


def test_resources_from_the_checkout() -> None:
    assert app.resources_dir() == RESOURCES
    assert app.RESOURCES_DIR == RESOURCES


def test_resources_inside_a_frozen_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert app.resources_dir() == tmp_path / "resources"


def test_install_desktop_entry_from_the_checkout(tmp_path: Path) -> None:
    data_home = tmp_path / "data home"
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    script = PACKAGING / "install-desktop-entry.sh"
    subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True)
    installed = data_home / "applications" / "hearthside.desktop"
    text = installed.read_text(encoding="utf-8")
    assert f'Exec="{ROOT / "scripts" / "run.sh"}" %f' in text
    assert "TryExec" not in text
    assert (data_home / "icons/hicolor/256x256/apps/hearthside.png").is_file()
    assert (data_home / "icons/hicolor/scalable/apps/hearthside.svg").is_file()
    subprocess.run(["bash", str(script), "--uninstall"], env=env, check=True, capture_output=True)
    assert not installed.exists()
    assert not (data_home / "icons/hicolor/256x256/apps/hearthside.png").exists()
