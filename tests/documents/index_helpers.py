"""A stand-in extractor for the document index tests."""

from __future__ import annotations

from desktop.documents.passages import Section, Unreadable, UnreadableReason


class FakeExtractor:
    """Text files as one section; "LOCKED" at the start means an encrypted file."""

    suffixes = frozenset({".txt"})

    def __init__(self) -> None:
        self.calls: list[str] = []

    def extract(self, data: bytes, name: str) -> list[Section]:
        self.calls.append(name)
        if data.startswith(b"LOCKED"):
            raise Unreadable(UnreadableReason.ENCRYPTED, "needs a password")
        return [Section(data.decode(), heading=name)]
