"""Conversations on disk: one SQLite file, kept safe across crashes, damage and upgrades.

Why it is built this way:

- WAL with ``synchronous=FULL``: a reply is saved while it streams, a few short transactions a
  second; WAL keeps those cheap and FULL makes each commit survive a power cut, not only a
  killed process.
- The schema version lives in ``PRAGMA user_version`` and ``MIGRATIONS`` is an ordered list; a
  later schema appends a function. Each migration runs in its own transaction (foreign keys off
  while it runs, checked before the commit, as SQLite recommends for table rebuilds), and an
  existing database is copied aside before the first one runs.
- A file we cannot use (not SQLite, damaged, from a newer Hearthside, a migration that fails)
  is renamed with a timestamp, never deleted, and the store starts fresh; ``store.problem``
  says what happened so the window can tell the user where their old file went.
- Rows are decoded one at a time: an unknown role or broken JSON in one message skips or
  repairs that message and is logged, so it never hides the other conversations.
- Search uses FTS5. ``message_words``/``title_words`` (unicode61, diacritics removed) match
  words and word prefixes. unicode61 does not split Chinese or Japanese into words and treats
  emoji as separators, so a query with such text uses ``message_trigrams`` (the trigram
  tokenizer: substring match, SQLite >= 3.34) when every term has at least three characters,
  and a LIKE scan for shorter terms; titles are short, so they use LIKE in that case too.
  Assistant replies are indexed once they finish (or are marked interrupted), so streaming
  updates do not rewrite the index several times a second.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import os
import re
import shutil
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, Final, Self

from desktop.core.conversation import (
    ConversationSummary,
    FinishReason,
    GenerationInfo,
    MessageSource,
    Role,
    RunningSummary,
    StoredMessage,
)

log = logging.getLogger(__name__)

DB_FILE_NAME: Final = "hearthside.db"

# Search hits wrap each match in these so the UI can highlight without parsing HTML.
HIGHLIGHT_START: Final = "\x02"
HIGHLIGHT_END: Final = "\x03"
# What SQLite writes around matches before we swap in the markers above: Unicode
# noncharacters, reserved for internal use, so a stray \x02 in a message cannot fake a match.
_SQL_START: Final = "\ufdd0"
_SQL_END: Final = "\ufdd1"

_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
# Generous: a guard against a parent cycle in a hand-edited file, not a real limit.
_MAX_DEPTH: Final = 10_000_000
# Trigram matching needs at least this many characters per term.
_TRIGRAM_MIN: Final = 3


class _Unset(Enum):
    UNSET = "unset"


UNSET: Final = _Unset.UNSET


class ProblemKind(StrEnum):
    DAMAGED = "damaged"  # not SQLite, truncated, or failing the integrity check
    NEWER = "newer"  # written by a later Hearthside with a schema we do not know
    MIGRATION_FAILED = "migration-failed"  # our upgrade of an older file raised


@dataclass(frozen=True, slots=True)
class StoreProblem:
    """Why the store started empty, and where the old file is now."""

    kind: ProblemKind
    moved_to: Path
    detail: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result; ``message_id`` is None when the title matched.

    ``snippet`` is plain text with each match between HIGHLIGHT_START and HIGHLIGHT_END.
    ``rank``: lower is better (FTS5 bm25); 0.0 for substring scans.
    """

    conversation_id: int
    message_id: int | None
    title: str
    snippet: str
    rank: float


@dataclass(frozen=True, slots=True)
class ImportedMessage:
    """A message to import; ``key`` is any id unique within the import, and a parent must come
    before its children."""

    key: str
    parent_key: str | None
    role: Role
    content: str
    created_at: float
    finished_at: float | None = None
    finish_reason: FinishReason | None = None
    generation: GenerationInfo | None = None
    thinking: str = ""
    thinking_seconds: float | None = None
    sources: tuple[MessageSource, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedSummary:
    """A running summary to import: it covers the path from the root to the message whose
    import key is ``through_key``."""

    through_key: str
    content: str
    created_at: float
    edited_at: float | None = None


@dataclass(frozen=True, slots=True)
class ImportedConversation:
    """A conversation to import; the field order matches what core.export builds."""

    title: str
    created_at: float
    updated_at: float
    pinned: bool
    model_file: str
    system_prompt: str
    settings: dict[str, Any]
    messages: tuple[ImportedMessage, ...]
    current_leaf_index: int | None  # index into messages
    title_is_auto: bool = False  # True keeps automatic titling on for this conversation
    summaries: tuple[ImportedSummary, ...] = ()  # running summaries, oldest first


class StoreError(Exception):
    """A request the store cannot carry out (unknown id, message of another conversation)."""


# --- schema -------------------------------------------------------------------------------

_WORDS_TOKENIZER: Final = "unicode61 remove_diacritics 2"
# A message is in the search index unless it is a reply still streaming.
_INDEXED_NEW: Final = "(new.role <> 'assistant' OR new.finish_reason IS NOT NULL)"
_INDEXED_OLD: Final = "(old.role <> 'assistant' OR old.finish_reason IS NOT NULL)"


def _trigram_available(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    conn.execute("DROP TABLE temp.trigram_probe")
    return True


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Runs statements one by one inside the caller's transaction. Migrations must use this:
    Python 3.11's ``executescript`` commits a pending transaction first."""
    statement = ""
    for piece in script.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n\t;"):
                conn.execute(statement)
            statement = ""
    if statement.strip(" \n\t;"):
        conn.execute(statement)


def _migration_1_initial(conn: sqlite3.Connection) -> None:
    """Conversations, the message tree, and the search indexes kept in sync by triggers."""
    run_script(
        conn,
        """
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            title_is_auto INTEGER NOT NULL DEFAULT 1,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            pinned INTEGER NOT NULL DEFAULT 0,
            deleted_at REAL,
            model_file TEXT NOT NULL DEFAULT '',
            system_prompt TEXT NOT NULL DEFAULT '',
            settings TEXT NOT NULL DEFAULT '{}',
            current_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
        );
        CREATE INDEX conversations_by_list_order
            ON conversations(deleted_at, pinned, updated_at);
        CREATE INDEX conversations_by_leaf ON conversations(current_leaf_id);

        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL
                REFERENCES conversations(id) ON DELETE CASCADE,
            parent_id INTEGER REFERENCES messages(id),
            role TEXT NOT NULL,
            content TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            finished_at REAL,
            finish_reason TEXT,
            generation TEXT
        );
        CREATE INDEX messages_by_parent ON messages(parent_id, created_at, id);
        CREATE INDEX messages_by_conversation
            ON messages(conversation_id, parent_id, created_at, id);
        CREATE INDEX messages_streaming ON messages(id)
            WHERE role = 'assistant' AND finish_reason IS NULL;
        """,
    )
    conn.execute(
        "CREATE VIRTUAL TABLE message_words USING fts5("
        f"content, content='messages', content_rowid='id', tokenize='{_WORDS_TOKENIZER}')"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE title_words USING fts5("
        f"title, content='conversations', content_rowid='id', tokenize='{_WORDS_TOKENIZER}')"
    )
    message_indexes = ["message_words"]
    if _trigram_available(conn):
        conn.execute(
            "CREATE VIRTUAL TABLE message_trigrams USING fts5("
            "content, content='messages', content_rowid='id', tokenize='trigram')"
        )
        message_indexes.append("message_trigrams")
    add = "".join(
        f"INSERT INTO {t}(rowid, content) VALUES (new.id, new.content);" for t in message_indexes
    )
    remove = "".join(
        f"INSERT INTO {t}({t}, rowid, content) VALUES ('delete', old.id, old.content);"
        for t in message_indexes
    )
    change = "".join(
        f"INSERT INTO {t}({t}, rowid, content) SELECT 'delete', old.id, old.content"
        f" WHERE {_INDEXED_OLD};"
        f"INSERT INTO {t}(rowid, content) SELECT new.id, new.content WHERE {_INDEXED_NEW};"
        for t in message_indexes
    )
    run_script(
        conn,
        f"""
        CREATE TRIGGER messages_indexed_insert AFTER INSERT ON messages
            WHEN {_INDEXED_NEW} BEGIN {add} END;
        CREATE TRIGGER messages_indexed_delete AFTER DELETE ON messages
            WHEN {_INDEXED_OLD} BEGIN {remove} END;
        CREATE TRIGGER messages_indexed_update
            AFTER UPDATE OF content, role, finish_reason ON messages BEGIN {change} END;
        CREATE TRIGGER titles_indexed_insert AFTER INSERT ON conversations BEGIN
            INSERT INTO title_words(rowid, title) VALUES (new.id, new.title);
        END;
        CREATE TRIGGER titles_indexed_delete AFTER DELETE ON conversations BEGIN
            INSERT INTO title_words(title_words, rowid, title)
                VALUES ('delete', old.id, old.title);
        END;
        CREATE TRIGGER titles_indexed_update AFTER UPDATE OF title ON conversations BEGIN
            INSERT INTO title_words(title_words, rowid, title)
                VALUES ('delete', old.id, old.title);
            INSERT INTO title_words(rowid, title) VALUES (new.id, new.title);
        END;
        """,
    )


def _migration_2_thinking_sources_summaries(conn: sqlite3.Connection) -> None:
    """A reply's thinking and its document sources beside its content (not in it, so search,
    exports and the prompt can each decide what to do with them), and the running summaries
    of turns that fell out of the context window. A summary belongs to the branch it was made
    on: it covers the path from the root to ``through_message_id``."""
    run_script(
        conn,
        """
        ALTER TABLE messages ADD COLUMN thinking TEXT NOT NULL DEFAULT '';
        ALTER TABLE messages ADD COLUMN thinking_seconds REAL;
        ALTER TABLE messages ADD COLUMN sources TEXT NOT NULL DEFAULT '';
        CREATE TABLE conversation_summaries (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL
                REFERENCES conversations(id) ON DELETE CASCADE,
            through_message_id INTEGER NOT NULL
                REFERENCES messages(id) ON DELETE CASCADE,
            content TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            edited_at REAL
        );
        CREATE INDEX summaries_by_message ON conversation_summaries(through_message_id);
        CREATE INDEX summaries_by_conversation ON conversation_summaries(conversation_id);
        """,
    )


# Index i holds the migration from version i to version i + 1. Append only; never edit a
# migration that has shipped.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migration_1_initial,
    _migration_2_thinking_sources_summaries,
]


def latest_version() -> int:
    return len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int | None = None) -> None:
    """Runs the migrations from the file's version up to ``target`` (default: the latest).

    The connection must be in autocommit mode (isolation_level=None). Public so tests can
    build a database at any earlier version.
    """
    apply_migrations(conn, MIGRATIONS, target)


def apply_migrations(
    conn: sqlite3.Connection,
    migrations: Sequence[Callable[[sqlite3.Connection], None]],
    target: int | None = None,
) -> None:
    """The migration loop both databases share: from the file's ``user_version`` up to
    ``target`` (default: all), each step in its own transaction with foreign keys off while it
    runs and checked before its commit."""
    target = len(migrations) if target is None else target
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for index in range(version, target):
        conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction
        conn.execute("BEGIN IMMEDIATE")
        try:
            migrations[index](conn)
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise sqlite3.IntegrityError(f"foreign keys broken: {broken[:5]}")
            conn.execute(f"PRAGMA user_version = {index + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("PRAGMA foreign_keys = ON")


# --- decoding -----------------------------------------------------------------------------


def _field_kind(annotation: str) -> tuple[type, bool]:
    base = annotation.split("|")[0].strip()
    return {"str": str, "int": int, "float": float}[base], "None" in annotation


# name -> (type, may be None); GenerationInfo holds only str, int and float fields.
_GEN_KINDS: Final = {f.name: _field_kind(str(f.type)) for f in dataclasses.fields(GenerationInfo)}


def encode_generation(info: GenerationInfo | None) -> str | None:
    if info is None:
        return None
    values = {name: getattr(info, name) for name in _GEN_KINDS}
    return json.dumps(values, ensure_ascii=False, allow_nan=False)


def decode_generation(text: object) -> GenerationInfo | None:
    """Keeps every field that is readable and of the right type; unknown keys (from a later
    version) are ignored, broken JSON gives None. Runs once per reply when a long
    conversation opens, hence the plain loop."""
    if not isinstance(text, str):
        return None
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    values: dict[str, Any] = {}
    for name, value in raw.items():
        kind = _GEN_KINDS.get(name)
        if kind is None:
            continue
        expected, optional = kind
        if value is None:
            if optional:
                values[name] = None
        elif type(value) is expected:
            if expected is not float or math.isfinite(value):
                values[name] = value
        elif expected is float and type(value) is int:
            values[name] = float(value)
    return GenerationInfo(**values)


def encode_sources(sources: Sequence[MessageSource]) -> str:
    if not sources:
        return ""
    return json.dumps(
        [dataclasses.asdict(source) for source in sources], ensure_ascii=False, allow_nan=False
    )


def _decode_source(raw: object) -> MessageSource | None:
    if not isinstance(raw, dict):
        return None
    number, file = raw.get("number"), raw.get("file")
    if type(number) is not int or not isinstance(file, str):
        return None
    page, heading, text = raw.get("page"), raw.get("heading"), raw.get("text")
    collection = raw.get("collection")
    highlights: list[tuple[int, int]] = []
    for pair in raw.get("highlights") or ():
        if (
            isinstance(pair, list | tuple)
            and len(pair) == 2
            and all(type(v) is int for v in pair)
            and 0 <= pair[0] <= pair[1]
        ):
            highlights.append((pair[0], pair[1]))
    return MessageSource(
        number=number,
        file=file,
        page=page if type(page) is int else None,
        heading=heading if isinstance(heading, str) else None,
        text=text if isinstance(text, str) else "",
        highlights=tuple(highlights),
        collection=collection if isinstance(collection, str) else "",
    )


def decode_sources(text: object) -> tuple[MessageSource, ...]:
    """Keeps each readable source; broken JSON or entries give fewer sources, never an error."""
    if not isinstance(text, str) or not text:
        return ()
    try:
        raw = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(raw, list):
        return ()
    return tuple(s for s in map(_decode_source, raw) if s is not None)


def _decode_settings(text: object) -> dict[str, Any]:
    if not isinstance(text, str):
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _time(value: object, default: float = 0.0) -> float:
    if type(value) is float:
        return value if math.isfinite(value) else default
    return float(value) if type(value) is int else default


def _optional_time(value: object) -> float | None:
    return None if value is None else _time(value)


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _optional_id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_MESSAGE_COLUMNS: Final = (
    "m.id, m.conversation_id, m.parent_id, m.role, m.content, m.created_at, m.finished_at,"
    " m.finish_reason, m.generation, m.thinking, m.thinking_seconds, m.sources"
)


_ROLES: Final = {r.value: r for r in Role}
_FINISH_REASONS: Final = {r.value: r for r in FinishReason}


def _decode_message(row: Sequence[Any]) -> StoredMessage | None:
    """None for a row that cannot be shown (unknown role); other damage is repaired."""
    try:
        (
            id_,
            conversation_id,
            parent_id,
            role,
            content,
            created,
            finished,
            reason,
            gen,
            thinking,
            thinking_seconds,
            sources,
        ) = row
        role = _ROLES.get(role)
        if role is None:
            log.warning("skipping message %s: unknown role %r", id_, row[3])
            return None
        finish_reason: FinishReason | None = None
        if reason is not None:
            finish_reason = _FINISH_REASONS.get(reason)
            if finish_reason is None:
                log.warning("message %s: unknown finish reason %r", id_, reason)
                finish_reason = FinishReason.ERROR
        return StoredMessage(
            id=id_,
            conversation_id=conversation_id,
            parent_id=_optional_id(parent_id),
            role=role,
            content=_text(content),
            created_at=_time(created),
            finished_at=_optional_time(finished),
            finish_reason=finish_reason,
            generation=decode_generation(gen) if role is Role.ASSISTANT else None,
            thinking=_text(thinking),
            thinking_seconds=_optional_time(thinking_seconds),
            sources=decode_sources(sources),
        )
    except Exception:  # one damaged row must not take the rest down
        log.exception("skipping unreadable message row")
        return None


def _decode_messages(rows: Sequence[Sequence[Any]]) -> list[StoredMessage]:
    return [m for m in map(_decode_message, rows) if m is not None]


_CONVERSATION_COLUMNS: Final = (
    "c.id, c.title, c.title_is_auto, c.created_at, c.updated_at, c.pinned, c.deleted_at,"
    " c.model_file, c.system_prompt, c.current_leaf_id,"
    " (SELECT count(*) FROM messages WHERE conversation_id = c.id)"
)


def _decode_conversation(row: Sequence[Any]) -> ConversationSummary | None:
    try:
        (id_, title, auto, created, updated, pinned, deleted, model, prompt, leaf, count) = row
        return ConversationSummary(
            id=id_,
            title=_text(title),
            title_is_auto=bool(auto),
            created_at=_time(created),
            updated_at=_time(updated),
            pinned=bool(pinned),
            deleted_at=_optional_time(deleted),
            model_file=_text(model),
            system_prompt=_text(prompt),
            current_leaf_id=_optional_id(leaf),
            message_count=int(count),
        )
    except Exception:
        log.exception("skipping unreadable conversation row")
        return None


# --- search helpers -----------------------------------------------------------------------

_WIDE_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR")


def _needs_substring(term: str) -> bool:
    """True when unicode61 cannot find this term as a word: scripts written without spaces,
    and symbols such as emoji (separators to unicode61)."""
    for char in term:
        category = unicodedata.category(char)
        if category[0] == "S" or category in ("Co", "Cn"):
            return True
        if ord(char) >= 0x0E00 and unicodedata.name(char, "").startswith(_WIDE_SCRIPTS):
            return True
    return False


def _has_word_chars(term: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in term)


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _clean_query(query: str) -> list[str]:
    # Lone surrogates cannot be encoded for SQLite; NUL ends strings in FTS5's C code.
    text = query.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")
    text = text.replace(_SQL_START, " ").replace(_SQL_END, " ")
    terms = [t for t in text.split() if t]
    return list(dict.fromkeys(terms))[:16]


def _markers(raw: str) -> str:
    """Turns SQLite's internal markers into ours, dropping look-alikes from the text."""
    raw = raw.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
    return raw.replace(_SQL_START, HIGHLIGHT_START).replace(_SQL_END, HIGHLIGHT_END)


def _highlight_substrings(text: str, terms: Sequence[str], width: int | None) -> str:
    """Our own snippet for LIKE hits: the text around the first match, every match marked."""
    text = text.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    if width is not None:
        first = pattern.search(text)
        start = 0 if first is None else max(0, first.start() - width // 3)
        end = min(len(text), start + width)
        clipped = text[start:end]
        text = ("…" if start > 0 else "") + clipped + ("…" if end < len(text) else "")
    return pattern.sub(lambda m: HIGHLIGHT_START + m.group(0) + HIGHLIGHT_END, text)


# --- the store ----------------------------------------------------------------------------


def _stamp(now: float) -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.localtime(now))


def _move_aside(path: Path, label: str, now: float) -> Path:
    """Renames the file (and its -wal/-shm) to a free timestamped name next to it."""
    base = path.with_name(f"{path.name}.{label}-{_stamp(now)}")
    target, n = base, 1
    while target.exists() or Path(f"{target}-wal").exists():
        target = base.with_name(f"{base.name}-{n}")
        n += 1
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{target}{suffix}"))
    return target


_ASIDE_LABELS: Final = {
    ProblemKind.DAMAGED: "damaged",
    ProblemKind.NEWER: "newer",
    ProblemKind.MIGRATION_FAILED: "upgrade-failed",
}


class _Unusable(Exception):
    def __init__(self, kind: ProblemKind, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


# How often the full integrity check runs when nothing else calls for it.
FULL_CHECK_INTERVAL: Final = 7 * 86_400.0


def _check_record_path(path: Path) -> Path:
    """Beside the database: when its last full check passed and its size at the last clean
    close. A file, not a table, so reading it needs no trust in the database it vouches for."""
    return path.with_name(f"{path.name}.checked")


def _full_check_reason(path: Path, now: float) -> str | None:
    """Why this open needs the full ``integrity_check`` rather than ``quick_check``, or None.

    ``quick_check`` (every open) finds damaged pages, b-trees and records but not an index
    that disagrees with its table; the full check also does that, and costs more as the file
    grows, so it runs only when damage is likelier: after an unclean exit (SQLite removes the
    -wal at the last clean close, so a non-empty one is left by a crash or power cut), when
    the file's size is not the one recorded at the last clean close (changed by something
    else: a sync tool, a truncated copy), when no record can be read, or once a week.
    """
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return "the last session did not close the file"
    try:
        record = json.loads(_check_record_path(path).read_text(encoding="utf-8"))
        checked_at, size = float(record["full_check_at"]), int(record["size"])
    except (OSError, ValueError, TypeError, KeyError):
        return "no record of a full check"
    if size != path.stat().st_size:
        return "the file's size changed since it was last closed"
    if not 0 <= now - checked_at < FULL_CHECK_INTERVAL:
        return "a week since the last full check"
    return None


def _previous_full_check(path: Path) -> float | None:
    try:
        return float(
            json.loads(_check_record_path(path).read_text(encoding="utf-8"))["full_check_at"]
        )
    except (OSError, ValueError, TypeError, KeyError):
        return None


def check_existing(path: Path, conn: sqlite3.Connection, known_version: int, *, full: bool) -> int:
    """The file's schema version, or _Unusable; reads only, so a file we refuse is untouched.
    ``full`` runs ``integrity_check`` rather than ``quick_check`` (see _full_check_reason)."""
    with path.open("rb") as f:
        head = f.read(len(_SQLITE_MAGIC))
    if head != _SQLITE_MAGIC:
        raise _Unusable(ProblemKind.DAMAGED, "not an SQLite database")
    check = "integrity_check" if full else "quick_check"
    try:
        result = [row[0] for row in conn.execute(f"PRAGMA {check}(20)")]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise _Unusable(ProblemKind.DAMAGED, str(e)) from e
    if result != ["ok"]:
        raise _Unusable(ProblemKind.DAMAGED, "; ".join(map(str, result)))
    if version > known_version:
        raise _Unusable(
            ProblemKind.NEWER, f"schema version {version}, this Hearthside knows {known_version}"
        )
    return version


def open_or_set_aside(
    path: Path,
    now: float,
    connect: Callable[[Path], sqlite3.Connection],
    migrate: Callable[[sqlite3.Connection], None],
    prepare: Callable[[sqlite3.Connection], None],
) -> tuple[sqlite3.Connection, StoreProblem | None]:
    """A connection to ``path`` after ``prepare`` (checks, WAL) and ``migrate`` ran on it; a
    file that ``prepare`` refuses (_Unusable) or that fails to migrate is moved aside with its
    -wal and -shm, and an empty one takes its place. The user's data is never deleted, and the
    app always starts."""
    conn = connect(path)
    try:
        prepare(conn)
        try:
            migrate(conn)
        except Exception as e:
            raise _Unusable(ProblemKind.MIGRATION_FAILED, f"{type(e).__name__}: {e}") from e
        return conn, None
    except _Unusable as e:
        conn.close()
        moved = _move_aside(path, _ASIDE_LABELS[e.kind], now)
        log.warning("%s moved to %s: %s", path, moved, e.detail)
        conn = connect(path)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn, StoreProblem(e.kind, moved, e.detail)
    except BaseException:
        conn.close()
        raise


class SqliteDatabase:
    """What every database file of the app shares: one connection, short IMMEDIATE
    transactions that never fail half way on a lock upgrade, and `PRAGMA optimize` on close."""

    _conn: sqlite3.Connection

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA optimize")
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")


class ConversationStore(SqliteDatabase):
    """All conversations of one user. Use from one thread (the GUI thread)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], float]) -> None:
        self._conn = conn
        self.path = path
        self._clock = clock
        self.problem: StoreProblem | None = None
        self.backup_path: Path | None = None  # copy taken before migrating, if one was
        self.interrupted_ids: tuple[int, ...] = ()  # replies cut off by the last exit
        # When the file last passed (or, new, needed no) full integrity check; None: unknown.
        self.full_check_at: float | None = None
        self.has_trigram = bool(
            conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'message_trigrams'").fetchone()
        )

    # --- opening ---

    @classmethod
    def open(cls, path: Path | str, *, clock: Callable[[], float] = time.time) -> ConversationStore:
        """Opens (creating, upgrading or replacing) the database; never raises for a bad file.

        OSError still propagates when the folder cannot be written at all.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        backup: Path | None = None
        now = clock()
        exists = path.exists() and path.stat().st_size > 0
        full_reason = _full_check_reason(path, now) if exists else None
        full_check_at = _previous_full_check(path) if exists else now

        def prepare(conn: sqlite3.Connection) -> None:
            nonlocal backup, full_check_at
            version = 0
            if exists:
                if full_reason is not None:
                    log.info("full integrity check of %s: %s", path, full_reason)
                version = check_existing(path, conn, latest_version(), full=full_reason is not None)
                if full_reason is not None:
                    full_check_at = now
            conn.execute("PRAGMA journal_mode = WAL")
            has_schema = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
            if version < latest_version() and (version > 0 or has_schema):
                backup = cls._backup(conn, path, version, now)

        conn, problem = open_or_set_aside(path, now, _connect, migrate, prepare)
        if problem is not None:
            full_check_at = now  # a new, empty file
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        store = cls(conn, path, clock)
        store.problem = problem
        store.backup_path = backup
        store.full_check_at = full_check_at
        store.interrupted_ids = store._mark_interrupted()
        return store

    def close(self) -> None:
        """Closes the file, then records its size and last full check for the next open (see
        ``_full_check_reason``); after a close that failed the -wal stays and forces a check."""
        super().close()
        if self.full_check_at is None:
            return
        record = _check_record_path(self.path)
        partial = record.with_name(record.name + ".partial")
        try:
            size = self.path.stat().st_size
            partial.write_text(
                json.dumps({"full_check_at": self.full_check_at, "size": size}), encoding="utf-8"
            )
            os.replace(partial, record)
        except OSError:
            log.warning("could not record the check of %s", self.path, exc_info=True)

    @staticmethod
    def _backup(conn: sqlite3.Connection, path: Path, version: int, now: float) -> Path:
        """Copies the file with the WAL folded in, written under a temporary name first so a
        crash never leaves a half copy that looks whole."""
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        target = path.with_name(f"{path.name}.bak-v{version}-{_stamp(now)}")
        n = 1
        while target.exists():
            target = path.with_name(f"{path.name}.bak-v{version}-{_stamp(now)}-{n}")
            n += 1
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(path, partial)
        with partial.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
        log.info("copied %s to %s before upgrading", path, target)
        return target

    def _mark_interrupted(self) -> tuple[int, ...]:
        """Replies that were still streaming when the app last ended keep their text and are
        marked interrupted; their finish time is the last moment the conversation was saved."""
        with self._write():
            ids = tuple(
                row[0]
                for row in self._conn.execute(
                    "SELECT id FROM messages WHERE role = 'assistant' AND finish_reason IS NULL"
                )
            )
            if ids:
                self._conn.execute(
                    "UPDATE messages SET finish_reason = ?, finished_at = coalesce(finished_at,"
                    " (SELECT updated_at FROM conversations c WHERE c.id = conversation_id))"
                    " WHERE role = 'assistant' AND finish_reason IS NULL",
                    (FinishReason.INTERRUPTED.value,),
                )
        return ids

    def _now(self) -> float:
        return float(self._clock())

    # --- conversations ---

    def create_conversation(
        self,
        title: str = "",
        *,
        title_is_auto: bool = True,
        model_file: str = "",
        system_prompt: str = "",
        settings: dict[str, Any] | None = None,
    ) -> ConversationSummary:
        now = self._now()
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO conversations (title, title_is_auto, created_at, updated_at,"
                " model_file, system_prompt, settings) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    title,
                    int(title_is_auto),
                    now,
                    now,
                    model_file,
                    system_prompt,
                    json.dumps(settings or {}, ensure_ascii=False),
                ),
            )
        summary = self.get_conversation(_lastrowid(cursor))
        assert summary is not None
        return summary

    def get_conversation(self, conversation_id: int) -> ConversationSummary | None:
        """Trashed conversations too (their ``deleted_at`` is set)."""
        row = self._conn.execute(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?",
            (conversation_id,),
        ).fetchone()
        return None if row is None else _decode_conversation(row)

    def list_conversations(
        self, limit: int | None = None, *, after: ConversationSummary | None = None
    ) -> list[ConversationSummary]:
        """The history sidebar: pinned first, then the most recently updated, then the newest id.

        ``after`` pages by keyset: only conversations that come after that one in this order
        (it need not still exist or be unchanged; its pinned/updated_at/id are the cursor). A
        keyset rather than OFFSET, so a page costs the same deep in a long history and a chat
        that moved to the top between two pages is neither repeated nor skipped. The order is
        the one ``conversations_by_list_order`` (deleted_at, pinned, updated_at, then the
        rowid) holds, so a page is an index range scan, not a sort of the whole table.
        """
        where = "c.deleted_at IS NULL"
        params: tuple[Any, ...] = ()
        if after is not None:
            where += " AND (c.pinned, c.updated_at, c.id) < (?, ?, ?)"
            params = (int(after.pinned), after.updated_at, after.id)
        rows = self._conn.execute(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations c WHERE {where}"
            " ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC LIMIT ?",
            (*params, -1 if limit is None else limit),
        ).fetchall()
        return [c for c in map(_decode_conversation, rows) if c is not None]

    def list_trash(self) -> list[ConversationSummary]:
        """Most recently deleted first."""
        rows = self._conn.execute(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations c"
            " WHERE c.deleted_at IS NOT NULL ORDER BY c.deleted_at DESC, c.id DESC"
        ).fetchall()
        return [c for c in map(_decode_conversation, rows) if c is not None]

    def _update_conversation(self, conversation_id: int, sql: str, params: tuple) -> None:
        with self._write() as db:
            if db.execute(sql, (*params, conversation_id)).rowcount == 0:
                raise StoreError(f"no conversation {conversation_id}")

    def rename(self, conversation_id: int, title: str) -> None:
        """A title the user typed; automatic titles no longer replace it."""
        self._update_conversation(
            conversation_id,
            "UPDATE conversations SET title = ?, title_is_auto = 0 WHERE id = ?",
            (title,),
        )

    def set_auto_title(self, conversation_id: int, title: str) -> bool:
        """Sets a generated title unless the user has named the conversation; True if set."""
        with self._write() as db:
            cursor = db.execute(
                "UPDATE conversations SET title = ? WHERE id = ? AND title_is_auto",
                (title, conversation_id),
            )
        return cursor.rowcount > 0

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._update_conversation(
            conversation_id, "UPDATE conversations SET pinned = ? WHERE id = ?", (int(pinned),)
        )

    def update_conversation_settings(
        self,
        conversation_id: int,
        *,
        model_file: str | _Unset = UNSET,
        system_prompt: str | _Unset = UNSET,
        settings: dict[str, Any] | _Unset = UNSET,
    ) -> None:
        """Replaces the given fields; ``settings`` is the whole sampling dict, not a patch."""
        columns, params = _set_clause(
            {
                "model_file": model_file,
                "system_prompt": system_prompt,
                "settings": settings
                if settings is UNSET
                else json.dumps(settings, ensure_ascii=False, allow_nan=False),
            }
        )
        if not columns:
            return
        self._update_conversation(
            conversation_id, f"UPDATE conversations SET {columns} WHERE id = ?", params
        )

    def conversation_settings(self, conversation_id: int) -> dict[str, Any]:
        """The sampling settings dict; {} when unset or unreadable."""
        row = self._conn.execute(
            "SELECT settings FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no conversation {conversation_id}")
        return _decode_settings(row[0])

    def delete_conversation(self, conversation_id: int) -> None:
        """Moves it to the trash; restore() brings it back. Deleting it again keeps the first
        deletion time, so a second click does not restart the 30 days."""
        self._update_conversation(
            conversation_id,
            "UPDATE conversations SET deleted_at = coalesce(deleted_at, ?) WHERE id = ?",
            (self._now(),),
        )

    def restore(self, conversation_id: int) -> None:
        self._update_conversation(
            conversation_id, "UPDATE conversations SET deleted_at = NULL WHERE id = ?", ()
        )

    def purge_trash(self, older_than_days: float = 30, now: float | None = None) -> int:
        """Removes for good what has been in the trash that long; returns how many."""
        cutoff = (self._now() if now is None else now) - older_than_days * 86400
        with self._write() as db:
            ids = [
                row[0]
                for row in db.execute(
                    "SELECT id FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                    (cutoff,),
                )
            ]
            for conversation_id in ids:
                self._purge(db, conversation_id)
        return len(ids)

    def purge_conversation(self, conversation_id: int) -> None:
        """Removes one conversation for good, trashed or not ("empty trash", tests)."""
        with self._write() as db:
            if not self._purge(db, conversation_id):
                raise StoreError(f"no conversation {conversation_id}")

    @staticmethod
    def _purge(db: sqlite3.Connection, conversation_id: int) -> bool:
        # Messages first and in one statement: a parent check then sees the whole tree gone.
        db.execute(
            "UPDATE conversations SET current_leaf_id = NULL WHERE id = ?", (conversation_id,)
        )
        db.execute("DELETE FROM messages WHERE conversation_id = ?", (conversation_id,))
        return db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,)).rowcount > 0

    # --- messages ---

    def add_message(
        self,
        conversation_id: int,
        parent_id: int | None,
        role: Role,
        content: str,
        *,
        created_at: float | None = None,
        finished_at: float | None = None,
        finish_reason: FinishReason | None = None,
        generation: GenerationInfo | None = None,
        thinking: str = "",
        thinking_seconds: float | None = None,
        sources: Sequence[MessageSource] = (),
        make_current: bool = True,
    ) -> StoredMessage:
        """Commits a message (a user turn before generation starts, or an empty reply to be
        filled by update_message). A second child of the same parent is an edit or a
        regeneration; it becomes the current leaf unless make_current is False."""
        role = Role(role)
        created = self._now() if created_at is None else created_at
        with self._write() as db:
            self._check_parent(db, conversation_id, parent_id)
            cursor = db.execute(
                "INSERT INTO messages (conversation_id, parent_id, role, content, created_at,"
                " finished_at, finish_reason, generation, thinking, thinking_seconds, sources)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    parent_id,
                    role.value,
                    content,
                    created,
                    finished_at,
                    None if finish_reason is None else FinishReason(finish_reason).value,
                    encode_generation(generation),
                    thinking,
                    thinking_seconds,
                    encode_sources(sources),
                ),
            )
            message_id = _lastrowid(cursor)
            leaf = ", current_leaf_id = ?" if make_current else ""
            db.execute(
                f"UPDATE conversations SET updated_at = max(updated_at, ?){leaf} WHERE id = ?",
                (created, message_id, conversation_id)
                if make_current
                else (created, conversation_id),
            )
        return StoredMessage(
            id=message_id,
            conversation_id=conversation_id,
            parent_id=parent_id,
            role=role,
            content=content,
            created_at=created,
            finished_at=finished_at,
            finish_reason=None if finish_reason is None else FinishReason(finish_reason),
            generation=generation if role is Role.ASSISTANT else None,
            thinking=thinking,
            thinking_seconds=thinking_seconds,
            sources=tuple(sources),
        )

    @staticmethod
    def _check_parent(db: sqlite3.Connection, conversation_id: int, parent_id: int | None) -> None:
        if parent_id is None:
            if (
                db.execute(
                    "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
                ).fetchone()
                is None
            ):
                raise StoreError(f"no conversation {conversation_id}")
            return
        row = db.execute(
            "SELECT conversation_id FROM messages WHERE id = ?", (parent_id,)
        ).fetchone()
        if row is None or row[0] != conversation_id:
            raise StoreError(f"message {parent_id} is not in conversation {conversation_id}")

    def update_message(
        self,
        message_id: int,
        *,
        content: str | _Unset = UNSET,
        finish_reason: FinishReason | _Unset | None = UNSET,
        generation: GenerationInfo | _Unset | None = UNSET,
        finished_at: float | _Unset | None = UNSET,
        thinking: str | _Unset = UNSET,
        thinking_seconds: float | _Unset | None = UNSET,
        sources: Sequence[MessageSource] | _Unset = UNSET,
    ) -> bool:
        """Saves a growing reply; one short transaction. False if the message is gone (its
        branch was deleted while it streamed)."""
        given = {
            "content": content,
            "finish_reason": finish_reason
            if finish_reason is UNSET or finish_reason is None
            else FinishReason(finish_reason).value,
            "generation": generation if generation is UNSET else encode_generation(generation),
            "finished_at": finished_at,
            "thinking": thinking,
            "thinking_seconds": thinking_seconds,
            "sources": sources if sources is UNSET else encode_sources(sources),
        }
        columns, params = _set_clause(given)
        if not columns:
            return self.get_message(message_id) is not None
        with self._write() as db:
            found = db.execute(
                f"UPDATE messages SET {columns} WHERE id = ?", (*params, message_id)
            ).rowcount
            if found:
                db.execute(
                    "UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id ="
                    " (SELECT conversation_id FROM messages WHERE id = ?)",
                    (self._now(), message_id),
                )
        return found > 0

    def get_message(self, message_id: int) -> StoredMessage | None:
        row = self._conn.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?", (message_id,)
        ).fetchone()
        return None if row is None else _decode_message(row)

    def set_current_leaf(self, conversation_id: int, message_id: int | None) -> None:
        """Remembers which branch is on screen (any message, usually a leaf)."""
        with self._write() as db:
            if message_id is not None:
                self._check_parent(db, conversation_id, message_id)
            if (
                db.execute(
                    "UPDATE conversations SET current_leaf_id = ? WHERE id = ?",
                    (message_id, conversation_id),
                ).rowcount
                == 0
            ):
                raise StoreError(f"no conversation {conversation_id}")

    def path_to(self, message_id: int) -> list[StoredMessage]:
        """Root → message, in one query (the chain is walked by primary key)."""
        return self._path(message_id, _MAX_DEPTH)

    def path_page(
        self, leaf_id: int, before_message_id: int | None = None, limit: int = 200
    ) -> list[StoredMessage]:
        """The last ``limit`` messages of the path ending at ``leaf_id``, stopping before
        ``before_message_id`` (the oldest message already shown), root-first. Costs
        O(limit), whatever the length of the conversation."""
        start: int | None = leaf_id
        if before_message_id is not None:
            row = self._conn.execute(
                "SELECT parent_id FROM messages WHERE id = ?", (before_message_id,)
            ).fetchone()
            start = None if row is None else row[0]
        if start is None or limit <= 0:
            return []
        return self._path(start, limit)

    def _path(self, message_id: int, limit: int) -> list[StoredMessage]:
        rows = self._conn.execute(
            f"""
            WITH RECURSIVE up(id, depth) AS (
                SELECT id, 0 FROM messages WHERE id = :start
                UNION ALL
                SELECT m.parent_id, up.depth + 1 FROM messages m JOIN up ON m.id = up.id
                WHERE m.parent_id IS NOT NULL AND up.depth + 1 < :limit
            )
            SELECT {_MESSAGE_COLUMNS} FROM up JOIN messages m ON m.id = up.id
            ORDER BY up.depth DESC
            """,
            {"start": message_id, "limit": limit},
        ).fetchall()
        return _decode_messages(rows)

    def current_path(self, conversation_id: int) -> list[StoredMessage]:
        """The branch on screen; [] for an empty conversation."""
        summary = self.get_conversation(conversation_id)
        if summary is None or summary.current_leaf_id is None:
            return []
        return self.path_to(summary.current_leaf_id)

    def children(self, parent_id: int | None, conversation_id: int) -> list[StoredMessage]:
        """The versions of one turn (siblings), oldest first; parent None gives the roots."""
        rows = self._conn.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = ?"
            " AND m.parent_id IS ? ORDER BY m.created_at, m.id",
            (conversation_id, parent_id),
        ).fetchall()
        return _decode_messages(rows)

    def branch_leaf(self, message_id: int) -> int:
        """The leaf reached by following the newest child from ``message_id``, so switching
        to another version of a turn shows that version's latest continuation."""
        row = self._conn.execute(
            """
            WITH RECURSIVE down(id, depth) AS (
                SELECT ?, 0
                UNION ALL
                SELECT (SELECT c.id FROM messages c WHERE c.parent_id = down.id
                        ORDER BY c.created_at DESC, c.id DESC LIMIT 1), depth + 1
                FROM down WHERE down.id IS NOT NULL AND depth < ?
            )
            SELECT id FROM down WHERE id IS NOT NULL ORDER BY depth DESC LIMIT 1
            """,
            (message_id, _MAX_DEPTH),
        ).fetchone()
        return row[0]

    def delete_subtree(self, message_id: int) -> int:
        """Deletes a message and everything below it; a current leaf inside moves to the
        parent. Returns how many messages went."""
        with self._write() as db:
            row = db.execute(
                "SELECT conversation_id, parent_id FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is None:
                return 0
            conversation_id, parent_id = row
            subtree = """
                WITH RECURSIVE sub(id) AS (
                    SELECT ? UNION ALL SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id
                )"""
            db.execute(
                f"{subtree} UPDATE conversations SET current_leaf_id = ?"
                " WHERE id = ? AND current_leaf_id IN sub",
                (message_id, parent_id, conversation_id),
            )
            db.execute(f"{subtree} DELETE FROM messages WHERE id IN sub", (message_id,))
            # sqlite3's rowcount is -1 for a statement that starts with WITH.
            count = db.execute("SELECT changes()").fetchone()[0]
            db.execute(
                "UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?",
                (self._now(), conversation_id),
            )
        return count

    # --- running summaries ---

    def add_summary(
        self, conversation_id: int, through_message_id: int, content: str
    ) -> RunningSummary:
        """Keeps a new running summary of the path up to ``through_message_id``. Older ones stay:
        another branch may still need them, and they go with their messages."""
        now = self._now()
        with self._write() as db:
            self._check_parent(db, conversation_id, through_message_id)
            cursor = db.execute(
                "INSERT INTO conversation_summaries (conversation_id, through_message_id,"
                " content, created_at) VALUES (?, ?, ?, ?)",
                (conversation_id, through_message_id, content, now),
            )
        return RunningSummary(_lastrowid(cursor), conversation_id, through_message_id, content, now)

    def update_summary(self, summary_id: int, content: str) -> None:
        """The user's edit replaces the text; ``edited_at`` says it is no longer the model's."""
        with self._write() as db:
            if (
                db.execute(
                    "UPDATE conversation_summaries SET content = ?, edited_at = ? WHERE id = ?",
                    (content, self._now(), summary_id),
                ).rowcount
                == 0
            ):
                raise StoreError(f"no summary {summary_id}")

    def summary_for_leaf(self, leaf_id: int) -> RunningSummary | None:
        """The summary that applies to the branch ending at ``leaf_id``: the deepest one whose
        message is on the path (the newest of those if there are several)."""
        row = self._conn.execute(
            """
            WITH RECURSIVE up(id, depth) AS (
                SELECT id, 0 FROM messages WHERE id = :start
                UNION ALL
                SELECT m.parent_id, up.depth + 1 FROM messages m JOIN up ON m.id = up.id
                WHERE m.parent_id IS NOT NULL AND up.depth + 1 < :limit
            )
            SELECT s.id, s.conversation_id, s.through_message_id, s.content, s.created_at,
                   s.edited_at
            FROM up JOIN conversation_summaries s ON s.through_message_id = up.id
            ORDER BY up.depth ASC, s.created_at DESC, s.id DESC LIMIT 1
            """,
            {"start": leaf_id, "limit": _MAX_DEPTH},
        ).fetchone()
        return None if row is None else _decode_summary(row)

    def summaries(self, conversation_id: int) -> list[RunningSummary]:
        """Every summary of a conversation, on any branch, oldest first."""
        rows = self._conn.execute(
            "SELECT id, conversation_id, through_message_id, content, created_at, edited_at"
            " FROM conversation_summaries WHERE conversation_id = ? ORDER BY created_at, id",
            (conversation_id,),
        ).fetchall()
        return [summary for row in rows if (summary := _decode_summary(row)) is not None]

    # --- search ---

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Titles, then messages, of conversations not in the trash. Never raises on what the
        user typed: every term is quoted, so FTS syntax is searched for as text."""
        terms = _clean_query(query)
        if not terms or limit <= 0:
            return []
        try:
            if not any(map(_needs_substring, terms)):
                terms = [t for t in terms if _has_word_chars(t)]
                if not terms:
                    return []
                match = " ".join(_fts_phrase(t) + "*" for t in terms)
                hits = self._search_titles_fts(match, limit)
                return hits + self._search_messages_fts("message_words", match, limit - len(hits))
            hits = self._search_titles_like(terms, limit)
            if self.has_trigram and all(len(t) >= _TRIGRAM_MIN for t in terms):
                match = " ".join(map(_fts_phrase, terms))
                more = self._search_messages_fts("message_trigrams", match, limit - len(hits))
            else:
                more = self._search_messages_like(terms, limit - len(hits))
            return hits + more
        except sqlite3.OperationalError:
            log.exception("search failed for %r; falling back to a substring scan", query)
            hits = self._search_titles_like(terms, limit)
            return hits + self._search_messages_like(terms, limit - len(hits))

    def _search_titles_fts(self, match: str, limit: int) -> list[SearchHit]:
        rows = self._conn.execute(
            f"SELECT c.id, c.title, highlight(title_words, 0, '{_SQL_START}', '{_SQL_END}'),"
            " title_words.rank FROM title_words JOIN conversations c ON c.id = title_words.rowid"
            " WHERE title_words MATCH ? AND c.deleted_at IS NULL ORDER BY title_words.rank"
            " LIMIT ?",
            (match, limit),
        ).fetchall()
        return [SearchHit(r[0], None, _text(r[1]), _markers(_text(r[2])), r[3]) for r in rows]

    def _search_messages_fts(self, table: str, match: str, limit: int) -> list[SearchHit]:
        if limit <= 0:
            return []
        # The FTS table drives the loop in rank order, so snippets are made for the hits
        # returned, not for every match.
        rows = self._conn.execute(
            f"SELECT m.id, m.conversation_id, c.title,"
            f" snippet({table}, 0, '{_SQL_START}', '{_SQL_END}', '…', 16), {table}.rank"
            f" FROM {table} JOIN messages m ON m.id = {table}.rowid"
            f" JOIN conversations c ON c.id = m.conversation_id"
            f" WHERE {table} MATCH ? AND c.deleted_at IS NULL ORDER BY {table}.rank LIMIT ?",
            (match, limit),
        ).fetchall()
        return [SearchHit(r[1], r[0], _text(r[2]), _markers(_text(r[3])), r[4]) for r in rows]

    def _search_titles_like(self, terms: Sequence[str], limit: int) -> list[SearchHit]:
        where = " AND ".join(["c.title LIKE ? ESCAPE '\\'"] * len(terms))
        rows = self._conn.execute(
            f"SELECT c.id, c.title FROM conversations c WHERE c.deleted_at IS NULL AND {where}"
            " ORDER BY c.updated_at DESC LIMIT ?",
            (*map(_like_pattern, terms), limit),
        ).fetchall()
        return [
            SearchHit(r[0], None, _text(r[1]), _highlight_substrings(_text(r[1]), terms, None), 0.0)
            for r in rows
        ]

    def _search_messages_like(self, terms: Sequence[str], limit: int) -> list[SearchHit]:
        """Short CJK or emoji terms: no index can find them, and a scan of the text column
        is still only milliseconds for tens of thousands of messages."""
        if limit <= 0:
            return []
        where = " AND ".join(["m.content LIKE ? ESCAPE '\\'"] * len(terms))
        rows = self._conn.execute(
            "SELECT m.id, m.conversation_id, c.title, m.content FROM messages m"
            " JOIN conversations c ON c.id = m.conversation_id WHERE c.deleted_at IS NULL"
            " AND (m.role <> 'assistant' OR m.finish_reason IS NOT NULL)"
            f" AND {where} ORDER BY m.created_at DESC, m.id DESC LIMIT ?",
            (*map(_like_pattern, terms), limit),
        ).fetchall()
        return [
            SearchHit(r[1], r[0], _text(r[2]), _highlight_substrings(_text(r[3]), terms, 80), 0.0)
            for r in rows
        ]

    def rebuild_search_index(self) -> None:
        """Rebuilds the FTS indexes from the tables (after a hand edit, or if search seems
        wrong); a repair tool, not needed in normal use."""
        with self._write() as db:
            for table in ("message_words", "title_words", "message_trigrams"):
                if table != "message_trigrams" or self.has_trigram:
                    db.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")

    # --- import / export ---

    def import_conversation(self, conversation: ImportedConversation) -> int:
        """Adds a whole conversation in one transaction: on any error nothing is added.

        Raises StoreError for a tree that does not hold together (duplicate keys, a parent
        that is missing or comes later), ValueError/TypeError for unusable values.
        """
        c = conversation
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO conversations (title, title_is_auto, created_at, updated_at,"
                " pinned, model_file, system_prompt, settings)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    c.title,
                    int(c.title_is_auto),
                    float(c.created_at),
                    float(c.updated_at),
                    int(c.pinned),
                    c.model_file,
                    c.system_prompt,
                    json.dumps(dict(c.settings), ensure_ascii=False, allow_nan=False),
                ),
            )
            conversation_id = _lastrowid(cursor)
            ids: dict[str, int] = {}
            inserted: list[int] = []
            for message in c.messages:
                if message.key in ids:
                    raise StoreError(f"duplicate message key {message.key!r}")
                parent = None
                if message.parent_key is not None:
                    if message.parent_key not in ids:
                        raise StoreError(
                            f"message {message.key!r}: parent {message.parent_key!r} is missing"
                            " or comes after it"
                        )
                    parent = ids[message.parent_key]
                role = Role(message.role)
                reason = message.finish_reason
                if role is Role.ASSISTANT and reason is None:
                    reason = FinishReason.INTERRUPTED  # an import is never still streaming
                cursor = db.execute(
                    "INSERT INTO messages (conversation_id, parent_id, role, content,"
                    " created_at, finished_at, finish_reason, generation, thinking,"
                    " thinking_seconds, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        conversation_id,
                        parent,
                        role.value,
                        str(message.content),
                        float(message.created_at),
                        None if message.finished_at is None else float(message.finished_at),
                        None if reason is None else FinishReason(reason).value,
                        encode_generation(message.generation),
                        str(message.thinking),
                        None
                        if message.thinking_seconds is None
                        else float(message.thinking_seconds),
                        encode_sources(message.sources),
                    ),
                )
                ids[message.key] = _lastrowid(cursor)
                inserted.append(ids[message.key])
            if c.current_leaf_index is not None:
                if not 0 <= c.current_leaf_index < len(inserted):
                    raise StoreError(f"current_leaf_index {c.current_leaf_index} out of range")
                db.execute(
                    "UPDATE conversations SET current_leaf_id = ? WHERE id = ?",
                    (inserted[c.current_leaf_index], conversation_id),
                )
            for summary in c.summaries:
                if summary.through_key not in ids:
                    raise StoreError(f"summary through message {summary.through_key!r} is missing")
                db.execute(
                    "INSERT INTO conversation_summaries (conversation_id, through_message_id,"
                    " content, created_at, edited_at) VALUES (?, ?, ?, ?, ?)",
                    (
                        conversation_id,
                        ids[summary.through_key],
                        str(summary.content),
                        float(summary.created_at),
                        None if summary.edited_at is None else float(summary.edited_at),
                    ),
                )
        return conversation_id

    def export_tree(
        self, conversation_id: int
    ) -> tuple[ConversationSummary, dict[str, Any], list[StoredMessage]]:
        """Everything needed to write a lossless export; messages in id order, so a parent
        always precedes its children. Unreadable messages are left out (and logged)."""
        summary = self.get_conversation(conversation_id)
        if summary is None:
            raise StoreError(f"no conversation {conversation_id}")
        rows = self._conn.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = ? ORDER BY m.id",
            (conversation_id,),
        ).fetchall()
        return summary, self.conversation_settings(conversation_id), _decode_messages(rows)


def _decode_summary(row: Sequence[Any]) -> RunningSummary | None:
    try:
        return RunningSummary(
            id=int(row[0]),
            conversation_id=int(row[1]),
            through_message_id=int(row[2]),
            content=_text(row[3]),
            created_at=_time(row[4]),
            edited_at=_optional_time(row[5]),
        )
    except (TypeError, ValueError):
        log.warning("skipping an unreadable summary row")
        return None


def _set_clause(given: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """``"a = ?, b = ?"`` and its parameters for the columns whose value is not UNSET."""
    changes = {column: value for column, value in given.items() if value is not UNSET}
    return ", ".join(f"{column} = ?" for column in changes), tuple(changes.values())


def _lastrowid(cursor: sqlite3.Cursor) -> int:
    rowid = cursor.lastrowid
    assert rowid is not None
    return rowid
