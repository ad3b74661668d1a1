"""Child for test_termination: the real start, one chat opened, then the event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from desktop.app import started
from desktop.core.conversation import Role


def main() -> int:
    app = QApplication(sys.argv[:1])
    with started(None, Path(sys.argv[1]), initial_model=False) as hearthside:
        assert hearthside is not None
        store = hearthside.store
        conversation = store.create_conversation("The last chat").id
        store.add_message(conversation, None, Role.USER, "hello")
        hearthside.history.refresh_conversations()
        assert hearthside.history.open_conversation(conversation)
        print(f"READY {conversation}", flush=True)
        return app.exec()


if __name__ == "__main__":
    sys.exit(main())
