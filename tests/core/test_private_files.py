"""Tests for desktop/core/private_files.py: the modes it gives, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.private_files import (
    create_private_file,
    make_private_dir,
    open_private_text,
    tighten_tree,
    write_private_text,
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_every_helper_gives_private_modes(tmp_path: Path) -> None:
    folder = make_private_dir(tmp_path / "a" / "data")
    assert mode(folder) == 0o700
    write_private_text(folder / "x.json", "{}")
    assert mode(folder / "x.json") == 0o600 and (folder / "x.json").read_text() == "{}"
    assert [p.name for p in folder.iterdir()] == ["x.json"]  # no temporary file left
    with open_private_text(folder / "log.txt", "a") as handle:
        handle.write("line\n")
    assert mode(folder / "log.txt") == 0o600
    assert mode(create_private_file(folder / "new.db")) == 0o600
    assert (folder / "new.db").stat().st_size == 0


def test_tighten_tree_fixes_what_was_written_loosely_and_leaves_links(tmp_path: Path) -> None:
    root = tmp_path / "data"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "f").write_text("x")
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    (root / "link").symlink_to(outside)
    os.chmod(root, 0o755)
    tighten_tree(root)
    assert (mode(root), mode(root / "sub"), mode(root / "sub" / "f")) == (0o700, 0o700, 0o600)
    assert mode(outside) == 0o644  # a link's target is not ours to change
