"""The Browse tab's item models: the curated starter list, the hub's search answers and a repo's
GGUF files, each a read-only table whose rows are set all at once.

They hold values only (no hub calls, no widgets): :class:`~desktop.models.qt.hub_browser.HubBrowser`
fetches and sets the rows, so the tables can be tested without a network or a view.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QFont

from desktop import resources_dir
from desktop.models.catalog import Fit
from desktop.models.hub import HubModel, RemoteGguf, RepoFiles
from desktop.models.qt.downloads_model import format_size
from desktop.models.qt.library_view import fit_colour, fit_text
from desktop.qtkit.list_model import ModelIndex, RoleValue
from desktop.qtkit.plain_text import plain_tooltip
from desktop.qtkit.row_table_model import RowTableModel

__all__ = [
    "REPO_DETAIL_ROLE",
    "REPO_ID_ROLE",
    "STARTER_FILE",
    "STARTER_WHY",
    "FileRow",
    "HubResultsModel",
    "ItemTableModel",
    "RepoFilesModel",
    "StarterListModel",
    "StarterModel",
    "load_starter_list",
    "split_repo_id",
    "spoken",
]


STARTER_FILE = resources_dir() / "starter_models.json"


# Each starter's ``why`` as written in ``resources/starter_models.json``, marked for translation
# here because lupdate reads no JSON. The JSON stays the one list of models; a test fails when
# one of its lines is missing here (it would show in English) or a line here is in no entry.
STARTER_WHY = (
    QT_TRANSLATE_NOOP(
        "StarterModel",
        "Google's smallest Gemma 3: starts in a second on any computer; good for trying the app.",
    ),
    QT_TRANSLATE_NOOP(
        "StarterModel",
        "A capable half-billion-parameter chat model from Alibaba; fast on old laptops.",
    ),
    QT_TRANSLATE_NOOP("StarterModel", "Meta's small Llama 3.2, multilingual, 128k context."),
    QT_TRANSLATE_NOOP("StarterModel", "Gemma 3 1B: friendly writing at a small size."),
    QT_TRANSLATE_NOOP(
        "StarterModel",
        "Qwen3 thinks before it answers (shown apart) and can be told not to.",
    ),
    QT_TRANSLATE_NOOP("StarterModel", "A good everyday assistant for 8 GB machines."),
    QT_TRANSLATE_NOOP(
        "StarterModel",
        "Microsoft's Phi 3.5 mini: strong at reasoning and code for its size.",
    ),
    QT_TRANSLATE_NOOP("StarterModel", "Qwen3 4B: the best reasoning per gigabyte in this list."),
    QT_TRANSLATE_NOOP(
        "StarterModel",
        "Gemma 3 4B: multilingual chat; its mmproj file adds image input.",
    ),
    QT_TRANSLATE_NOOP(
        "StarterModel",
        "DeepSeek R1's reasoning distilled into Qwen 7B; shows its thinking.",
    ),
    QT_TRANSLATE_NOOP(
        "StarterModel",
        "Llama 3.1 8B: a widely used all-rounder for 16 GB machines.",
    ),
    QT_TRANSLATE_NOOP("StarterModel", "Qwen 2.5 Coder: writes and explains code."),
    QT_TRANSLATE_NOOP(
        "StarterModel",
        "Mistral NeMo 12B: long, fluent answers when there is memory to spare.",
    ),
)


def spoken(name: str, detail: str) -> str:
    """What a screen reader says for a results row's first cell: the name the cell shows, then
    the line the delegate paints under it (which the reader cannot see)."""
    return f"{name}, {detail}" if detail else name


def split_repo_id(repo_id: str) -> tuple[str, str]:
    """``(name, owner)`` as the lists show a repo: "bartowski/Llama-3.2-1B-Instruct-GGUF" reads
    "Llama-3.2-1B-Instruct" by "bartowski" (every repo here is GGUF, so the suffix says nothing).
    A name that would be empty keeps its suffix; an id without an owner has an empty one."""
    owner, _slash, name = repo_id.rpartition("/")
    if name[-5:].lower() in ("-gguf", "_gguf") and len(name) > 5:
        name = name[:-5]
    return name, owner


@dataclass(frozen=True, slots=True)
class StarterModel:
    """One entry of ``resources/starter_models.json``: a repo, the quantization to preselect,
    and the words the list shows for it."""

    repo_id: str
    file_hint: str
    size_class: str
    kind: str
    why: str

    def translated_why(self) -> str:
        """``why`` in the interface's language (its translation is filed under
        :data:`STARTER_WHY`'s context); English where there is none."""
        return QCoreApplication.translate("StarterModel", self.why) if self.why else ""


def load_starter_list(path: Path = STARTER_FILE) -> list[StarterModel]:
    """The curated list; an unreadable file gives an empty list (the search still works)."""
    try:
        raw = json.loads(path.read_text("utf-8"))
        return [
            StarterModel(
                str(m["repo_id"]),
                str(m.get("file_hint", "")),
                str(m.get("size_class", "")),
                str(m.get("kind", "")),
                str(m.get("why", "")),
            )
            for m in raw["models"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []


class ItemTableModel(RowTableModel):
    """A table of items set all at once (search answers, file lists)."""

    def set_rows(self, rows: list[Any]) -> None:
        self.reset_rows(rows)

    def item(self, row: int) -> Any:
        return self.row_or_none(row)


#: The role under which both results tables give a row's repo id, so the browser opens the repo
#: whichever table is shown.
REPO_ID_ROLE = Qt.ItemDataRole.UserRole + 1

REPO_DETAIL_ROLE = Qt.ItemDataRole.UserRole + 10
"""The muted line under a repo's name in both results tables (its owner, and what else the table
says of it there), painted by the browser's delegate."""


class StarterListModel(ItemTableModel):
    """The curated starter models, shown while the search box is empty: each model's name, and
    under it (:data:`REPO_DETAIL_ROLE`) its owner, kind and size; the full repo id and why it is
    suggested in its tooltip.

    Signals:
        The standard ``QAbstractItemModel`` signals only.
    """

    class Roles(IntEnum):
        RepoIdRole = REPO_ID_ROLE  # str

    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = {
        # Our own words, yet plain all the same: a translation may hold a "<".
        Qt.ItemDataRole.ToolTipRole: lambda row: plain_tooltip(
            "\n".join(filter(None, (row.repo_id, row.translated_why())))
        ),
    }
    COLUMN_TITLES = (
        QT_TRANSLATE_NOOP("StarterListModel", "Model"),
        QT_TRANSLATE_NOOP("StarterListModel", "Kind"),
        QT_TRANSLATE_NOOP("StarterListModel", "Size"),
        QT_TRANSLATE_NOOP("StarterListModel", "Why"),
    )

    def cell(self, row: StarterModel, column: int, role: int) -> Any:
        if role == REPO_DETAIL_ROLE:
            _name, owner = split_repo_id(row.repo_id)
            kind = self.cell(row, 1, Qt.ItemDataRole.DisplayRole)
            size = self.cell(row, 2, Qt.ItemDataRole.DisplayRole)
            return " · ".join(filter(None, (owner, kind, size)))
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return spoken(
                self.cell(row, 0, Qt.ItemDataRole.DisplayRole), self.cell(row, 0, REPO_DETAIL_ROLE)
            )
        if role == Qt.ItemDataRole.DisplayRole:
            kinds = {
                "chat": self.tr("Chat"),
                "reasoning": self.tr("Reasoning"),
                "code": self.tr("Code"),
            }
            sizes = {
                "tiny": self.tr("Under 1 GB"),
                "small": self.tr("1–3 GB"),
                "medium": self.tr("3–6 GB"),
                "large": self.tr("Over 6 GB"),
            }
            return (
                split_repo_id(row.repo_id)[0],
                kinds.get(row.kind, row.kind),
                sizes.get(row.size_class, row.size_class),
                row.translated_why(),
            )[column]
        return super().cell(row, column, role)


class HubResultsModel(ItemTableModel):
    """Search results from the hub, in the order the hub ranked them: each model's name, and
    under it (:data:`REPO_DETAIL_ROLE`) its owner, whether it is gated, its downloads, likes and
    last update (the Browse tab shows that one column: the numbers in columns of their own were
    cut off at the list's width); the full repo id and licence in its tooltip. All of it is the
    hub's text: views show it plain.

    Signals:
        The standard ``QAbstractItemModel`` signals only.
    """

    class Roles(IntEnum):
        RepoIdRole = REPO_ID_ROLE  # str
        DownloadsRole = Qt.ItemDataRole.UserRole + 2  # int
        LikesRole = Qt.ItemDataRole.UserRole + 3  # int

    COLUMN_TITLES = (
        QT_TRANSLATE_NOOP("HubResultsModel", "Model"),
        QT_TRANSLATE_NOOP("HubResultsModel", "Downloads"),
        QT_TRANSLATE_NOOP("HubResultsModel", "Likes"),
        QT_TRANSLATE_NOOP("HubResultsModel", "Updated"),
        QT_TRANSLATE_NOOP("HubResultsModel", "License"),
    )
    NUMBER_COLUMNS = (1, 2)

    def cell(self, row: HubModel, column: int, role: int) -> Any:
        if role == REPO_DETAIL_ROLE:
            _name, owner = split_repo_id(row.repo_id)
            counts = self.tr("↓ {downloads} · ♥ {likes}").format(
                downloads=f"{row.downloads:,}", likes=f"{row.likes:,}"
            )
            updated = row.last_modified.date().isoformat() if row.last_modified else ""
            gated = self.tr("gated") if row.gated else ""
            return " · ".join(filter(None, (owner, gated, counts, updated)))
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [row.repo_id]
            if row.license:
                lines.append(self.tr("License: {license}").format(license=row.license))
            return plain_tooltip("\n".join(lines))
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return spoken(
                self.cell(row, 0, Qt.ItemDataRole.DisplayRole), self.cell(row, 0, REPO_DETAIL_ROLE)
            )
        if role == Qt.ItemDataRole.DisplayRole:
            updated = row.last_modified.date().isoformat() if row.last_modified else ""
            name = split_repo_id(row.repo_id)[0]
            return (name, f"{row.downloads:,}", f"{row.likes:,}", updated, row.license or "")[
                column
            ]
        return super().cell(row, column, role)


def _bold() -> QFont:
    """The font of the recommended file's row."""
    font = QFont()
    font.setBold(True)
    return font


@dataclass(frozen=True, slots=True)
class FileRow:
    """A row of :class:`RepoFilesModel`: the file, its memory fit, whether it is the pick and
    whether it is in the models folder already."""

    file: RemoteGguf
    fit: Fit
    recommended: bool
    downloaded: bool = False


class RepoFilesModel(ItemTableModel):
    """A repo's GGUF models, grouped by quantization (largest group first), each with its size,
    memory-fit mark, and the recommended pick highlighted.

    Signals:
        The standard ``QAbstractItemModel`` signals only.
    """

    class Roles(IntEnum):
        NameRole = Qt.ItemDataRole.UserRole + 1  # str, the first part's file name
        QuantRole = Qt.ItemDataRole.UserRole + 2  # str
        FitRole = Qt.ItemDataRole.UserRole + 3  # str, a Fit value
        RecommendedRole = Qt.ItemDataRole.UserRole + 4  # bool
        SizeRole = Qt.ItemDataRole.UserRole + 5  # int bytes, all parts

    # RecommendedRole reads FileRow.recommended; the rest, and what every column answers alike:
    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = {
        Roles.NameRole: "file.name",
        Roles.QuantRole: lambda row: row.file.quant or "",
        Roles.FitRole: "fit.value",
        Roles.SizeRole: "file.size",
        Qt.ItemDataRole.FontRole: lambda row: _bold() if row.recommended else None,
        Qt.ItemDataRole.ToolTipRole: lambda row: plain_tooltip(
            "\n".join(p.path for p in row.file.parts)
        ),
    }
    COLUMN_TITLES = (
        QT_TRANSLATE_NOOP("RepoFilesModel", "Quantization"),
        QT_TRANSLATE_NOOP("RepoFilesModel", "File"),
        QT_TRANSLATE_NOOP("RepoFilesModel", "Size"),
        QT_TRANSLATE_NOOP("RepoFilesModel", "Memory"),
        QT_TRANSLATE_NOOP("RepoFilesModel", "Note"),
    )

    def set_files(
        self,
        files: RepoFiles,
        fit: Callable[[RemoteGguf], Fit],
        recommended: RemoteGguf | None,
        downloaded: Callable[[RemoteGguf], bool] = lambda _f: False,
    ) -> None:
        rows = [
            FileRow(f, fit(f), f is recommended, downloaded(f))
            for group in files.groups
            for f in group.files
        ]
        self.set_rows(rows)

    def row_of(self, name: str) -> int:
        return self.find_row(lambda row: row.file.name == name)

    def recommended_row(self) -> int:
        return self.find_row(lambda row: row.recommended)

    def has_notes(self) -> bool:
        """Whether a file is split, incomplete or downloaded: otherwise the Note column would be
        empty."""
        return any(
            len(row.file.parts) > 1 or not row.file.complete or row.downloaded for row in self.rows
        )

    def cell(self, row: FileRow, column: int, role: int) -> Any:
        f = row.file
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return ("★ " if row.recommended else "") + (f.quant or self.tr("other"))
            if column == 1:
                return f.name
            if column == 2:
                return format_size(f.size)
            if column == 3:
                return fit_text(row.fit)
            notes = []
            if row.downloaded:
                notes.append(self.tr("Downloaded"))
            if len(f.parts) > 1:
                notes.append(self.tr("%n part(s)", "", len(f.parts)))
            if not f.complete:
                notes.append(self.tr("parts missing"))
            # Not "★ Recommended": the ★ before its quantization (and the bold row, and the
            # line under the list) say it, and those words cut the file names to
            # "Meta-L…K.gguf" at 800x600.
            return ", ".join(notes)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            return fit_colour(row.fit)
        return super().cell(row, column, role)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        row: FileRow | None = self.row_at(index)
        if row is not None and not row.file.complete:
            flags &= ~Qt.ItemFlag.ItemIsEnabled
        return flags
