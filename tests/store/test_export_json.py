"""Our JSON: round trips (any conversation, bundles, through the store), versioning, and
bad files that fail with one clear sentence."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.conversation import (
    ConversationSummary,
    DocumentsNote,
    FinishReason,
    GenerationInfo,
    Role,
    RunningSummary,
    StoredMessage,
)
from desktop.store.export import (
    ExportConversation,
    ImportedConversation,
    ImportFormatError,
    export_bundle_json,
    export_json,
    read_import,
    to_imported,
)
from tests.store.export_samples import sample_conversation, sample_generation

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


_opt_float = st.none() | st.floats(allow_nan=False, allow_infinity=False)


_opt_int = st.none() | st.integers(-(2**63), 2**64)


_generations = st.none() | st.builds(
    GenerationInfo,
    model_file=_text,
    model_sha256=st.none() | _text,
    quantization=st.none() | _text,
    template_origin=_text,
    temperature=_opt_float,
    top_p=_opt_float,
    top_k=_opt_int,
    min_p=_opt_float,
    repeat_penalty=_opt_float,
    max_tokens=_opt_int,
    seed=_opt_int,
    prompt_tokens=st.integers(0, 10**9),
    generated_tokens=st.integers(0, 10**9),
    tokens_per_second=st.floats(0, 1e6),
    documents_note=st.sampled_from(["", *DocumentsNote]),
    passages_left_out=st.integers(0, 99),
    model_name=_text,
)


_times = st.floats(0, 4e9)


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def conversations(draw: st.DrawFn) -> ExportConversation:
    count = draw(st.integers(0, 12))
    ids = draw(st.lists(st.integers(-(2**40), 2**40), min_size=count, max_size=count, unique=True))
    messages = []
    for position, message_id in enumerate(ids):
        # Any earlier message (or none) as parent: every tree shape, including several roots.
        parent_pos = draw(st.none() | st.integers(0, position - 1)) if position else None
        role = draw(st.sampled_from(list(Role)))
        messages.append(
            StoredMessage(
                id=message_id,
                conversation_id=3,
                parent_id=None if parent_pos is None else ids[parent_pos],
                role=role,
                content=draw(_text),
                created_at=draw(_times),
                finished_at=draw(st.none() | _times),
                finish_reason=draw(st.none() | st.sampled_from(list(FinishReason))),
                generation=draw(_generations),
            )
        )
    summary = ConversationSummary(
        id=draw(st.integers(1, 2**31)),
        title=draw(_text),
        title_is_auto=draw(st.booleans()),
        created_at=draw(_times),
        updated_at=draw(_times),
        pinned=draw(st.booleans()),
        deleted_at=draw(st.none() | _times),
        model_file=draw(_text),
        system_prompt=draw(_text),
        current_leaf_id=draw(st.none() | st.sampled_from(ids)) if ids else None,
        message_count=count,
    )
    settings_dict = draw(st.dictionaries(_text, _json_values, max_size=4))
    running = (
        tuple(
            RunningSummary(
                id=n,
                conversation_id=3,
                through_message_id=draw(st.sampled_from(ids)),
                content=draw(_text),
                created_at=draw(_times),
                edited_at=draw(st.none() | _times),
            )
            for n in range(draw(st.integers(0, 3)))
        )
        if ids
        else ()
    )
    return ExportConversation(
        summary, settings_dict, tuple(draw(st.permutations(messages))), running
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations())
def test_json_export_round_trips(conversation: ExportConversation) -> None:
    imported = read_import(export_json(conversation))
    assert imported == [to_imported(conversation)]
    (result,) = imported
    assert len(result.messages) == len(conversation.messages)
    position = {m.key: i for i, m in enumerate(result.messages)}
    for i, message in enumerate(result.messages):
        assert message.parent_key is None or position[message.parent_key] < i
    if conversation.summary.current_leaf_id is not None:
        assert result.current_leaf_index is not None
        leaf = result.messages[result.current_leaf_index]
        assert leaf.key == str(conversation.summary.current_leaf_id)


@settings(max_examples=30, deadline=None)
@given(st.lists(conversations(), max_size=3))
def test_bundle_round_trips(items: list[ExportConversation]) -> None:
    assert read_import(export_bundle_json(items)) == [to_imported(c) for c in items]


def test_json_export_is_versioned_and_keeps_everything() -> None:
    document = json.loads(export_json(sample_conversation()))
    assert document["format"] == "hearthside.conversation"
    assert document["version"] == 1
    assert document["title_is_auto"] is False and document["pinned"] is True
    assert document["current_leaf_id"] == 5
    assert document["created"] == "2024-05-01T10:00:00Z"
    assert len(document["messages"]) == 7
    assert document["messages"][1]["generation"]["seed"] == 42
    assert document["messages"][3]["finish_reason"] == "cancelled"


def test_non_finite_numbers_still_make_valid_json() -> None:
    conversation = sample_conversation()
    message = conversation.messages[1]
    broken = StoredMessage(
        message.id,
        7,
        message.parent_id,
        message.role,
        message.content,
        message.created_at,
        generation=sample_generation(tokens_per_second=float("inf"), temperature=float("nan")),
    )
    conversation = ExportConversation(
        conversation.summary, {}, (conversation.messages[0], broken, *conversation.messages[2:])
    )
    (imported,) = read_import(export_json(conversation))
    generation = imported.messages[1].generation
    assert generation is not None
    assert generation.tokens_per_second == 0.0 and generation.temperature is None


def _ours(**changes: object) -> str:
    document = json.loads(export_json(sample_conversation()))
    document.update(changes)
    return json.dumps(document)


def _with_message(index: int, **changes: object) -> str:
    document = json.loads(export_json(sample_conversation()))
    document["messages"][index].update(changes)
    return json.dumps(document)


def _cut_inside_a_string() -> str:
    text = export_json(sample_conversation())
    return text[: text.index('"content": "') + 20]  # "Unterminated string starting at"


MALFORMED = [
    (b"", "empty"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{\n  "format": "hearthside.conversation",\n  oops\n}', "Line 3: not valid JSON"),
    (export_json(sample_conversation())[:3000], "The file ends too early: it was cut short"),
    (export_json(sample_conversation()).rstrip()[:-1], "The file ends too early"),
    (_cut_inside_a_string(), "The file ends too early"),
    (b"[1, 2]", "Item 1"),
    (b"42", "not a Hearthside or ChatGPT"),
    (b'{"hello": 1}', "not a Hearthside or ChatGPT"),
    (b'{"format": "something.else"}', "format “something.else”"),
    (_ours(version=3), "newer Hearthside (format version 3)"),
    (_ours(version="1"), "“version” must be a whole number"),
    (_ours(version=0), "Unknown format version 0"),
    (_ours(messages={"a": 1}), "“messages” must be a list"),
    (_ours(title=5), "“title” must be text"),
    (_ours(pinned="yes"), "“pinned” must be true or false"),
    (_ours(current_leaf_id=999), "“current_leaf_id” refers to message 999"),
    (_ours(settings=[]), "“settings” must be an object"),
    (_with_message(4, role="robot"), "“messages[4].role” must be one of system, user, assistant"),
    (_with_message(2, content=None), "“messages[2].content” must be text"),
    (_with_message(2, id=True), "“messages[2].id” must be a whole number"),
    (_with_message(2, id=1), "repeats id 1"),
    (_with_message(2, parent_id=12345), "refers to message 12345"),
    (_with_message(0, parent_id=3), "loop"),
    (_with_message(1, created_at="yesterday"), "“messages[1].created_at” must be a number"),
    (_with_message(1, finish_reason="done"), "“messages[1].finish_reason” must be one of"),
    (_with_message(1, generation={"seed": 1.5}), "“messages[1].generation.seed”"),
    (_with_message(1, generation=[]), "“messages[1].generation” must be an object"),
    (_with_message(1, created_at=10**400), "“messages[1].created_at” must be a number"),
    (
        '{"format": "hearthside.conversation", "version": 1, "messages": [], "title": "\\ud800"}',
        "lone surrogate",
    ),
    (b'{"format": "hearthside.conversation", "version": 1, "created_at": NaN}', "NaN"),
    (
        b'{"format": "hearthside.bundle", "version": 1, "conversations": [7]}',
        "“conversations[0]” must be an object",
    ),
    (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
    (b'[{"mapping": []}]', "“[0].mapping” must be an object"),
    (
        b'[{"mapping": {"a": {"message": {"content": {"parts": [1]}, "author": {"role": 3}}}}}]',
        '“[0].mapping["a"].message.author.role” must be text',
    ),
    (b'[{"mapping": {"a": {"children": "b"}}}]', "children” must be a list"),
]


@pytest.mark.parametrize(("data", "message"), MALFORMED)
def test_malformed_files_raise_a_clear_error(data: bytes | str, message: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        read_import(data)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text and text.endswith(".")


def test_too_large_file_is_refused_before_parsing() -> None:
    with pytest.raises(ImportFormatError, match="too large"):
        read_import(b" " * 2000, max_bytes=1000)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "format",
                        "version",
                        "messages",
                        "mapping",
                        "id",
                        "role",
                        "content",
                        "parent_id",
                        "conversations",
                        "children",
                        "message",
                        "author",
                        "parts",
                        "x",
                    ]
                ),
                inner,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
def test_arbitrary_json_never_escapes_as_another_exception(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        read_import(json.dumps(document))


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_mutated_exports_fail_cleanly_or_import_whole(data: st.DataObject) -> None:
    document = json.loads(export_json(sample_conversation()))
    message = data.draw(st.integers(0, len(document["messages"]) - 1))
    key = data.draw(st.sampled_from(sorted(document["messages"][message])))
    value = data.draw(
        st.none() | st.booleans() | st.integers() | st.text(max_size=3) | st.just([]) | st.just({})
    )
    document["messages"][message][key] = value
    try:
        result = read_import(json.dumps(document))
    except ImportFormatError:
        return
    assert len(result[0].messages) == 7


def test_json_import_into_the_store_and_back(tmp_path: Path) -> None:
    """File → store → file keeps the conversation; only the ids are the store's own."""
    from desktop.store.conversations import ConversationStore

    original = sample_conversation()
    (imported,) = read_import(export_json(original))
    store = ConversationStore.open(tmp_path / "db.sqlite3")
    try:
        conversation_id = store.import_conversation(imported)
        summary, settings_dict, messages = store.export_tree(conversation_id)
    finally:
        store.close()
    again = to_imported(ExportConversation(summary, settings_dict, tuple(messages)))

    def shape(c: ImportedConversation) -> list[tuple[object, ...]]:
        index = {m.key: i for i, m in enumerate(c.messages)}
        return [
            (
                None if m.parent_key is None else index[m.parent_key],
                m.role,
                m.content,
                m.created_at,
                m.finished_at,
                m.finish_reason,
                m.generation,
            )
            for m in c.messages
        ]

    assert shape(again) == shape(imported)
    assert again.current_leaf_index == imported.current_leaf_index
    assert (again.title, again.pinned, again.system_prompt, again.title_is_auto) == (
        imported.title,
        imported.pinned,
        imported.system_prompt,
        imported.title_is_auto,
    )
    assert again.settings == imported.settings
