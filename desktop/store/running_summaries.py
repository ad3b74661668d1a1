"""Running summaries of ``ConversationStore``: what the model was told of turns that fell out
of its context window. A summary belongs to the branch it was made on: it covers the path from
the root to ``through_message_id``, and goes when that message goes.
"""

from __future__ import annotations

from desktop.core.conversation import RunningSummary
from desktop.store.codecs import decode_summary
from desktop.store.message_tree import MAX_DEPTH, PATH_UP, MessageTree, require_in_conversation
from desktop.store.sqlite import StoreError, lastrowid


class RunningSummaries(MessageTree):
    """Summaries kept beside the message tree. Use from one thread."""

    def add_summary(
        self, conversation_id: int, through_message_id: int, content: str
    ) -> RunningSummary:
        """Keeps a new running summary of the path up to ``through_message_id``. Older ones stay:
        another branch may still need them, and they go with their messages."""
        now = self.now()
        with self.transaction() as db:
            require_in_conversation(db, conversation_id, through_message_id)
            cursor = db.execute(
                "INSERT INTO conversation_summaries (conversation_id, through_message_id,"
                " content, created_at) VALUES (?, ?, ?, ?)",
                (conversation_id, through_message_id, content, now),
            )
        return RunningSummary(lastrowid(cursor), conversation_id, through_message_id, content, now)

    def update_summary(self, summary_id: int, content: str) -> None:
        """The user's edit replaces the text; ``edited_at`` says it is no longer the model's."""
        with self.transaction() as db:
            if (
                db.execute(
                    "UPDATE conversation_summaries SET content = ?, edited_at = ? WHERE id = ?",
                    (content, self.now(), summary_id),
                ).rowcount
                == 0
            ):
                raise StoreError(f"no summary {summary_id}")

    def summary_for_leaf(self, leaf_id: int) -> RunningSummary | None:
        """The summary that applies to the branch ending at ``leaf_id``: the deepest one whose
        message is on the path (the newest of those if there are several)."""
        row = self.connection.execute(
            f"""{PATH_UP}
            SELECT s.id, s.conversation_id, s.through_message_id, s.content, s.created_at,
                   s.edited_at
            FROM up JOIN conversation_summaries s ON s.through_message_id = up.id
            ORDER BY up.depth ASC, s.created_at DESC, s.id DESC LIMIT 1
            """,
            {"start": leaf_id, "limit": MAX_DEPTH},
        ).fetchone()
        return None if row is None else decode_summary(row)

    def summaries(self, conversation_id: int) -> list[RunningSummary]:
        """Every summary of a conversation, on any branch, oldest first."""
        rows = self.connection.execute(
            "SELECT id, conversation_id, through_message_id, content, created_at, edited_at"
            " FROM conversation_summaries WHERE conversation_id = ? ORDER BY created_at, id",
            (conversation_id,),
        ).fetchall()
        return [summary for row in rows if (summary := decode_summary(row)) is not None]
