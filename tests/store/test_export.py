"""Exports (golden files, HTML safety, export_all) and imports (round trip, ChatGPT, bad files).

Golden files are regenerated with ``HEARTHSIDE_UPDATE_GOLDEN=1``; review the diff before
committing them.
"""

from __future__ import annotations

import contextlib
import json
import os
import zipfile
from html.parser import HTMLParser
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
    ExportFormat,
    ImportedConversation,
    ImportFormatError,
    export_all,
    export_bundle_json,
    export_conversation,
    export_html,
    export_json,
    export_markdown,
    read_import,
    safe_file_name,
    to_imported,
    transcript_events,
    visible_path,
)

GOLDEN = Path(__file__).parent / "golden"
T0 = 1714557600.0  # 2024-05-01T10:00:00Z

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</title><script>alert(2)</script>",
)


def _generation(**changes: object) -> GenerationInfo:
    values: dict[str, object] = {
        "model_file": "qwen2.5-0.5b-instruct-q4_k_m.gguf",
        "model_sha256": "7f3c" * 16,
        "quantization": "Q4_K_M",
        "template_origin": "gguf",
        "temperature": 0.7,
        "top_p": 0.9,
        "top_k": 40,
        "min_p": 0.05,
        "repeat_penalty": 1.1,
        "max_tokens": 512,
        "seed": 42,
        "prompt_tokens": 31,
        "generated_tokens": 57,
        "tokens_per_second": 23.456,
    }
    values.update(changes)
    return GenerationInfo(**values)  # type: ignore[arg-type]


def sample_conversation() -> ExportConversation:
    """Branches at the top (an edited first message) and in the middle (a regeneration)."""
    reply = (
        "当然可以！Here is Python 🐍:\n\n"
        '```python\ndef greet(name: str) -> str:\n    return f"你好, {name} 👋"\n```\n\n'
        "Raw HTML stays text: <img src=x onerror=alert(1)> and <script>alert(1)</script>.\n"
        "A [bad link](javascript:alert(1)) and a good one: [docs](https://example.com/docs)."
    )
    messages = (
        StoredMessage(1, 7, None, Role.USER, "写一个函数 </title><script>alert(2)</script>", T0),
        StoredMessage(
            2, 7, 1, Role.ASSISTANT, reply, T0 + 1, T0 + 4, FinishReason.STOP, _generation()
        ),
        StoredMessage(3, 7, 2, Role.USER, "Shorter, please. 🙏\n<b>thanks</b>", T0 + 60),
        StoredMessage(
            4,
            7,
            3,
            Role.ASSISTANT,
            "OK: `greet`",
            T0 + 61,
            T0 + 62,
            FinishReason.CANCELLED,
            _generation(generated_tokens=3, tokens_per_second=20.0),
        ),
        StoredMessage(
            5,
            7,
            3,
            Role.ASSISTANT,
            "`greet(name)` 返回问候。",
            T0 + 90,
            T0 + 91,
            FinishReason.STOP,
            _generation(seed=7, temperature=0.2, generated_tokens=9),
        ),
        StoredMessage(6, 7, None, Role.USER, "Write a function", T0 + 120),
        StoredMessage(
            7,
            7,
            6,
            Role.ASSISTANT,
            "def f(): pass",
            T0 + 121,
            T0 + 130,
            FinishReason.LENGTH,
            _generation(model_file="other.gguf", quantization="Q8_0", model_sha256=None),
        ),
    )
    summary = ConversationSummary(
        id=7,
        title="函数 🐍 </title><script>alert(2)</script>",
        title_is_auto=False,
        created_at=T0,
        updated_at=T0 + 130,
        pinned=True,
        model_file="qwen2.5-0.5b-instruct-q4_k_m.gguf",
        system_prompt="You are concise. 请简洁。 <script>alert(3)</script>",
        current_leaf_id=5,
        message_count=len(messages),
    )
    return ExportConversation(summary, {"context_length": 4096, "temperature": 0.7}, messages)


# ---------------------------------------------------------------------------------------------
# Golden files

GOLDEN_CASES = [
    ("conversation.md", ExportFormat.MARKDOWN, False),
    ("conversation-all.md", ExportFormat.MARKDOWN, True),
    ("conversation.json", ExportFormat.JSON, False),
    ("conversation.html", ExportFormat.HTML, False),
    ("conversation-all.html", ExportFormat.HTML, True),
    ("conversation.txt", ExportFormat.TEXT, False),
    ("conversation-all.txt", ExportFormat.TEXT, True),
]


@pytest.mark.parametrize(("name", "fmt", "all_branches"), GOLDEN_CASES)
def test_export_matches_golden_file(name: str, fmt: ExportFormat, all_branches: bool) -> None:
    text = export_conversation(sample_conversation(), fmt, all_branches=all_branches)
    path = GOLDEN / name
    if os.environ.get("HEARTHSIDE_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8")


def test_every_format_carries_reproduction_metadata() -> None:
    conversation = sample_conversation()
    for fmt in ExportFormat:
        text = export_conversation(conversation, fmt, all_branches=True)
        for needle in ("2024-05-01T10:00:00Z", "Q4_K_M", "7f3c" * 16, "请简洁", "0.7", "42"):
            assert needle in text.replace("\\_", "_"), (fmt, needle)
    for fmt in (ExportFormat.MARKDOWN, ExportFormat.TEXT, ExportFormat.HTML):
        text = export_conversation(conversation, fmt, all_branches=True)
        assert "seed 7" in text and "temperature 0.2" in text
        assert "23.5 tokens/s" in text
        assert "other.gguf" in text  # the reply made with another file names it


def test_visible_branch_is_the_path_to_the_current_leaf() -> None:
    conversation = sample_conversation()
    assert [m.id for m in visible_path(conversation)] == [1, 2, 3, 5]
    text = export_markdown(conversation)
    assert "返回问候" in text and "OK: `greet`" not in text and "def f(): pass" not in text


def test_all_branches_marks_every_alternative() -> None:
    events = transcript_events(sample_conversation(), all_branches=True)
    starts = [(e.path, e.index, e.count, e.current) for e in events if e.kind == "branch_start"]
    assert starts == [
        ("1", 1, 2, True),
        ("1.1", 1, 2, False),
        ("1.2", 2, 2, True),
        ("2", 2, 2, False),
    ]
    messages = [e.message.id for e in events if e.message is not None]
    assert sorted(messages) == [1, 2, 3, 4, 5, 6, 7]
    assert sum(e.kind == "branch_end" for e in events) == len(starts)


def test_deep_chain_does_not_recurse() -> None:
    messages = tuple(
        StoredMessage(i, 1, i - 1 if i > 1 else None, Role.USER, f"m{i}", T0 + i)
        for i in range(1, 5001)
    )
    summary = ConversationSummary(1, "long", True, T0, T0, current_leaf_id=5000)
    conversation = ExportConversation(summary, {}, messages)
    assert len(transcript_events(conversation, all_branches=True)) == 5000
    assert len(read_import(export_json(conversation))[0].messages) == 5000


# ---------------------------------------------------------------------------------------------
# HTML safety


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("all_branches", [False, True])
def test_html_export_has_no_active_content(all_branches: bool) -> None:
    page = export_html(sample_conversation(), all_branches=all_branches)
    parser = _Collector()
    parser.feed(page)
    parser.close()
    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "link", "base", "form"}
    csp = [
        dict(attrs)
        for tag, attrs in parser.tags
        if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(csp) == 1
    policy = csp[0]["content"] or ""
    assert "default-src 'none'" in policy and "script-src" not in policy
    hrefs = []
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in {"src", "srcset", "action", "formaction", "background"}, tag
            if name == "href":
                hrefs.append(value or "")
    assert hrefs == ["https://example.com/docs"] * len(hrefs) and hrefs
    # Every payload survives as visible text, never as markup.
    text = "".join(parser.text)
    for payload in PAYLOADS[:2]:
        assert payload in text
    assert "</title><script>alert(2)</script>" in text
    for payload in PAYLOADS:
        assert payload not in page
    assert "javascript:" not in page.replace("(javascript:alert(1))", "")
    assert "@media (prefers-color-scheme: dark)" in page
    assert "url(" not in page


# ---------------------------------------------------------------------------------------------
# JSON round trip

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
        generation=_generation(tokens_per_second=float("inf"), temperature=float("nan")),
    )
    conversation = ExportConversation(
        conversation.summary, {}, (conversation.messages[0], broken, *conversation.messages[2:])
    )
    (imported,) = read_import(export_json(conversation))
    generation = imported.messages[1].generation
    assert generation is not None
    assert generation.tokens_per_second == 0.0 and generation.temperature is None


# ---------------------------------------------------------------------------------------------
# ChatGPT import


def test_chatgpt_export_imports_with_tree_shape() -> None:
    data = (GOLDEN / "chatgpt_conversations.json").read_bytes()
    trip, empty = read_import(data)
    assert isinstance(trip, ImportedConversation)
    assert trip.title == "Trip to 京都 ✈️"
    assert trip.created_at == 1714557600.123 and trip.updated_at == 1714558000.5
    by_key = {m.key: m for m in trip.messages}
    # system, hidden context, the tool call and the tool output are gone ...
    assert list(by_key) == ["user-0003", "asst-0004", "user-0006", "asst-0009", "asst-0005"]
    # ... and what they connected is re-parented to the nearest kept ancestor.
    assert by_key["user-0003"].parent_key is None
    assert by_key["asst-0004"].parent_key == "user-0003"
    assert by_key["asst-0005"].parent_key == "user-0003"  # the regenerated sibling
    assert by_key["asst-0009"].parent_key == "user-0006"
    assert by_key["user-0003"].content == "[image]\n\nWhere is this photo taken? 这是哪里？"
    assert by_key["user-0003"].role is Role.USER
    assert by_key["asst-0005"].finish_reason is FinishReason.LENGTH
    assert by_key["asst-0004"].finish_reason is FinishReason.STOP
    assert by_key["asst-0005"].finished_at == 1714557705.0
    assert trip.current_leaf_index is not None
    assert trip.messages[trip.current_leaf_index].key == "asst-0009"
    assert trip.system_prompt == ""
    assert empty.messages == () and empty.current_leaf_index is None


def test_chatgpt_current_node_on_a_skipped_node_maps_to_its_kept_ancestor() -> None:
    document = json.loads((GOLDEN / "chatgpt_conversations.json").read_text(encoding="utf-8"))
    document[0]["current_node"] = "tool-0008"
    (trip, _) = read_import(json.dumps(document))
    assert trip.current_leaf_index is not None
    assert trip.messages[trip.current_leaf_index].key == "user-0006"


# ---------------------------------------------------------------------------------------------
# Malformed files


def _ours(**changes: object) -> str:
    document = json.loads(export_json(sample_conversation()))
    document.update(changes)
    return json.dumps(document)


def _with_message(index: int, **changes: object) -> str:
    document = json.loads(export_json(sample_conversation()))
    document["messages"][index].update(changes)
    return json.dumps(document)


MALFORMED = [
    (b"", "empty"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{\n  "format": "hearthside.conversation",\n  oops\n}', "Line 3: not valid JSON"),
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


# ---------------------------------------------------------------------------------------------
# export_all and file names


def test_safe_file_names() -> None:
    taken: set[str] = set()
    assert safe_file_name("a/b\\c:d*e?", ".md", taken) == "a_b_c_d_e_.md"
    assert safe_file_name("CON", ".md", taken) == "_CON.md"
    assert safe_file_name("com1.txt", ".md", taken) == "_com1.txt.md"
    assert safe_file_name("  ..hidden\x00\x1b[31m\u202e..  ", ".md", taken) == "hidden [31m.md"
    assert safe_file_name("", ".md", taken) == "Conversation.md"
    assert safe_file_name("Same", ".md", taken) == "Same.md"
    assert safe_file_name("same", ".md", taken) == "same (2).md"
    assert safe_file_name("SAME", ".md", taken) == "SAME (3).md"
    long = safe_file_name("长" * 300, ".html", taken)
    assert len(long.encode("utf-8")) <= 130 and long.endswith(".html")


def _many(count: int) -> list[ExportConversation]:
    base = sample_conversation()
    titles = ["Same", "same", "../../etc/passwd", "CON", "日本語 🍣"]
    return [
        ExportConversation(
            ConversationSummary(
                i,
                titles[i % len(titles)],
                False,
                T0,
                T0,
                current_leaf_id=base.summary.current_leaf_id,
            ),
            {},
            base.messages,
        )
        for i in range(count)
    ]


def test_export_all_to_a_folder(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "Same.md").write_text("mine", encoding="utf-8")
    calls: list[tuple[int, int]] = []
    result = export_all(
        _many(5),
        tmp_path / "out",
        "markdown",
        zip=False,
        progress=lambda d, t: calls.append((d, t)) or True,
    )
    assert not result.cancelled
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    expected = ["Same.md", "Same (2).md", "same (3).md", "_.._etc_passwd.md", "_CON.md"]
    assert names == sorted([*expected, "日本語 🍣.md"])
    assert (tmp_path / "out" / "Same.md").read_text(encoding="utf-8") == "mine"
    assert calls == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert all(p.parent == tmp_path / "out" for p in result.paths)


def test_export_all_to_a_zip_as_json_imports_back(tmp_path: Path) -> None:
    target = tmp_path / "all.zip"
    items = _many(3)
    result = export_all(items, target, ExportFormat.JSON, zip=True)
    assert result.paths == (target,)
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == ["Same.json", "same (2).json", "_.._etc_passwd.json"]
        back = [read_import(archive.read(name))[0] for name in archive.namelist()]
    assert back == [to_imported(c) for c in items]
    assert [p.name for p in tmp_path.iterdir()] == ["all.zip"]


@pytest.mark.parametrize("as_zip", [False, True])
def test_cancelled_export_all_leaves_nothing_behind(tmp_path: Path, as_zip: bool) -> None:
    target = tmp_path / ("all.zip" if as_zip else "folder")
    result = export_all(_many(5), target, "html", zip=as_zip, progress=lambda d, t: d < 3)
    assert result.cancelled and result.paths == ()
    leftovers = list(tmp_path.rglob("*"))
    assert leftovers in ([], [target]) and not any(p.is_file() for p in leftovers)


def test_failed_export_all_removes_its_temp_file(tmp_path: Path) -> None:
    def boom(done: int, total: int) -> bool:
        if done == 2:
            raise RuntimeError("disk full")
        return True

    with pytest.raises(RuntimeError):
        export_all(_many(4), tmp_path / "x.zip", "text", zip=True, progress=boom)
    assert list(tmp_path.iterdir()) == []


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
