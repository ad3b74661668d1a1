"""The recommended model for this computer: which curated model *Download a recommended model*
opens, and the words that name it under the button.

The pick is :func:`desktop.models.catalog.recommended_pick` over the Browse tab's curated list
(``resources/starter_models.json``) for this computer's RAM and, without a GPU, its CPU cores.
It is worked out when first asked for (after the first frame: the catalog, the hardware check
and the hub's tables are not for start-up, tests/e2e/test_startup.py), and a click opens the
model manager's Browse tab on that model with its suggested file chosen, so downloading it is
one more click on Download.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot

from desktop.models.qt.services import BROWSE_TAB

if TYPE_CHECKING:
    from desktop.models.qt.hub_models import StarterModel

__all__ = ["RecommendedModel", "cores_without_gpu"]

_UNKNOWN = object()


class RecommendedModel(QObject):
    """Picks the curated model that fits this computer and opens it in the model manager.

    Signals:
        None.
    """

    def __init__(
        self,
        open_manager: Callable[[int], Any],
        total_ram: Callable[[], int | None] | None = None,
        cpu_only_cores: Callable[[], int | None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_manager = open_manager
        self._total_ram = total_ram or _total_ram
        self._cpu_only_cores = cpu_only_cores or (lambda: None)
        """Physical cores when llama.cpp decodes on the CPU alone, None with a GPU (or
        unknown): a CPU-only computer is offered a model it runs at a bearable speed
        (:func:`cores_without_gpu` gives it)."""
        self._pick: Any = _UNKNOWN

    def pick(self) -> StarterModel | None:
        """The curated model for this computer (worked out once); None if none fits."""
        if self._pick is _UNKNOWN:
            from desktop.models.catalog import recommended_pick
            from desktop.models.qt.hub_models import load_starter_list

            ram = self._total_ram()
            self._pick = (
                None
                if ram is None
                else recommended_pick(
                    load_starter_list(), ram, cpu_only_cores=self._cpu_only_cores()
                )
            )
        return self._pick  # type: ignore[no-any-return]

    def caption(self) -> str:
        """ "Llama-3.1-8B-Instruct (3–6 GB) suits this computer" — for under the button."""
        pick = self.pick()
        if pick is None:
            return ""
        sizes = {
            "tiny": self.tr("under 1 GB"),
            "small": self.tr("1–3 GB"),
            "medium": self.tr("3–6 GB"),
            "large": self.tr("over 6 GB"),
        }
        name = pick.repo_id.rsplit("/", 1)[-1].removesuffix("-GGUF").removesuffix("-gguf")
        return self.tr("Recommended for this computer: {name} ({size})").format(
            name=name,
            size=sizes.get(pick.size_class, pick.size_class).replace(" ", "\u00a0"),  # "6 GB" whole
        )

    @Slot()
    def open(self) -> None:
        """The model manager's Browse tab, on the recommended model when there is one."""
        manager = self._open_manager(BROWSE_TAB)
        pick = self.pick()
        browser = getattr(manager, "browser", None)
        if pick is not None and browser is not None:
            browser.show_suggestion(pick.repo_id)


def cores_without_gpu(gpu_offload: bool) -> int | None:
    """This computer's physical cores when llama.cpp offloads nothing to a GPU, else None."""
    if gpu_offload:
        return None
    from desktop.models.hardware import detect

    hardware = detect("CPU", gpu_offload=False)
    return hardware.physical_cores or hardware.logical_threads


def _total_ram() -> int | None:
    try:
        from desktop.models.catalog import machine_memory

        return machine_memory().total
    except Exception:  # psutil can fail in sandboxes; then no pick, the Browse tab still opens
        return None
