"""EngineSwitch: loads go to the engine the path names; replies together only on the local one."""

from __future__ import annotations

from desktop.chat.protocol import RepliesTogether
from desktop.engine.llama import LoadOptions
from desktop.remote.switch import EngineSwitch
from tests.fixtures.scripted_backend import ScriptedBackend


class BatchingBackend(ScriptedBackend):
    """A scripted engine that says it decodes eight replies together and records the call."""

    def __init__(self) -> None:
        super().__init__()
        self.together: list[tuple[object, ...]] = []

    def parallel_replies(self) -> int:
        return 8

    def replies_together(self, first, more) -> None:  # type: ignore[no-untyped-def]
        self.together.append(tuple(first))


def load(switch: EngineSwitch, path: str) -> None:
    switch.load(path, LoadOptions(), lambda _: None, lambda: False)


def test_the_switch_decodes_together_only_while_the_local_engine_is_active() -> None:
    local, remote = BatchingBackend(), ScriptedBackend()
    switch = EngineSwitch(local, lambda: remote)
    assert isinstance(switch, RepliesTogether)
    load(switch, "/models/local.gguf")
    assert switch.parallel_replies() == 8
    switch.replies_together(["first"], lambda _free: [])  # type: ignore[list-item]
    assert local.together == [("first",)]
    load(switch, "http://gpu-box:8000/v1#qwen")
    assert switch.active is remote and switch.parallel_replies() == 1
    assert local.loaded is None  # the local model was freed once the server's answered
