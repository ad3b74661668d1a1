"""Answers with sources, the pure parts: passages into the user turn within a budget, citation
links, and sources in the Markdown, HTML, text and JSON exports (and back in from JSON)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.chat.grounding import (
    Grounding,
    cited_numbers,
    fit_sources,
    grounded_question,
    passage_budget,
    source_label,
    sources_from_hits,
)
from desktop.core.conversation import (
    ConversationSummary,
    DocumentsNote,
    FinishReason,
    GenerationInfo,
    Role,
    StoredMessage,
)
from desktop.core.markdown import SOURCE_SCHEME, render_markdown
from desktop.core.retrieval import Passage
from desktop.store.codecs import decode_generation, encode_generation
from desktop.store.conversations import ConversationStore
from desktop.store.export import (
    ExportConversation,
    ImportFormatError,
    export_html,
    export_json,
    export_markdown,
    export_text,
    read_import,
    to_imported,
)

T0 = 1714557600.0


def _hit(i: int, text: str, *, page: int | None = None, heading: str | None = None) -> Passage:
    return Passage(1, f"/docs/file{i}.pdf", page, heading, text, ((0, 3),))


def test_sources_are_numbered_in_rank_order_and_copied() -> None:
    hits = [_hit(1, "The beacon", page=3, heading="Harbour"), _hit(2, "Oats")]
    sources = sources_from_hits(hits, {1: "Notes"})
    assert [s.number for s in sources] == [1, 2]
    assert sources[0].collection == "Notes" and sources[0].highlights == ((0, 3),)
    assert source_label(sources[0]) == "file1.pdf, page 3, Harbour"
    assert source_label(sources[1]) == "file2.pdf"


def test_the_question_carries_tagged_passages_or_says_nothing_was_found() -> None:
    sources = sources_from_hits([_hit(1, "The beacon burns whale oil.", page=2)], {1: "Notes"})
    text = grounded_question("What does the beacon burn?", Grounding(sources, ("Notes",)))
    assert "[1] file1.pdf, page 2\nThe beacon burns whale oil." in text
    assert text.endswith("Question: What does the beacon burn?")
    assert "[1]" in text.split("Sources:")[0]  # the instructions say how to cite
    empty = grounded_question("Who?", Grounding((), ("Notes", "Work")))
    assert "Notes, Work" in empty and "nothing relevant" in empty
    assert empty.endswith("Question: Who?")


def test_fitting_keeps_rank_order_skips_what_is_too_long_and_renumbers() -> None:
    hits = [_hit(1, "a" * 400), _hit(2, "b" * 4000), _hit(3, "c" * 400), _hit(4, "d" * 400)]
    sources = sources_from_hits(hits, {})

    def cost(text: str) -> int:
        return len(text) // 4  # ~4 characters a token

    fitted = fit_sources(sources, cost, budget=300)
    assert [s.text[0] for s in fitted] == ["a", "c"]
    assert [s.number for s in fitted] == [1, 2]
    assert sum(cost(s.text) for s in fitted) <= 300
    assert fit_sources(sources, cost, budget=10) == ()
    assert fit_sources((), cost, budget=1000) == ()


def test_citations_become_links_only_for_known_sources_and_never_in_code() -> None:
    html = render_markdown(
        "Oil [1], see [3] and `[1]` [x](https://e.com/[1])", citations=frozenset({1})
    ).html
    assert html.count(f'href="{SOURCE_SCHEME}:1"') == 1
    assert "[3]" in html and f"{SOURCE_SCHEME}:3" not in html
    assert ">[1]</code>" in html
    plain = render_markdown("Oil [1]").html
    assert SOURCE_SCHEME not in plain
    assert cited_numbers("see [2], [1] and [2] and [9]", [1, 2]) == [2, 1]


def _conversation() -> ExportConversation:
    sources = sources_from_hits(
        [
            _hit(1, "The <beacon> burns whale oil.", page=2, heading="Harbour *light*"),
            _hit(2, "Second passage\nwith two lines."),
        ],
        {1: "Notes"},
    )
    messages = (
        StoredMessage(1, 7, None, Role.USER, "What does the beacon burn?", T0),
        StoredMessage(
            2,
            7,
            1,
            Role.ASSISTANT,
            "Whale oil [1], see also [2].",
            T0 + 1,
            T0 + 2,
            FinishReason.STOP,
            sources=sources,
        ),
    )
    summary = ConversationSummary(7, "Beacon", False, T0, T0 + 2, current_leaf_id=2)
    return ExportConversation(summary, {"collections": [1]}, messages)


def test_sources_appear_in_markdown_html_and_text_exports() -> None:
    conversation = _conversation()
    markdown = export_markdown(conversation)
    assert "**Sources:**" in markdown
    assert "\\[1\\] file1.pdf, page 2, Harbour \\*light\\*" in markdown
    assert "  > The &lt;beacon> burns whale oil." in markdown  # a file's HTML is shown, not run
    assert "  > with two lines." in markdown
    html = export_html(conversation)
    assert 'href="#m2-s1"' in html and 'id="m2-s1"' in html
    assert "<mark>The</mark> &lt;beacon&gt; burns whale oil." in html
    assert "<beacon>" not in html
    assert SOURCE_SCHEME not in html
    text = export_text(conversation)
    assert "[2] file2.pdf (/docs/file2.pdf)" in text


def test_json_export_keeps_sources_and_import_reads_them_back(tmp_path: Path) -> None:
    conversation = _conversation()
    document = json.loads(export_json(conversation))
    first, reply = document["messages"]
    assert "sources" not in first  # only replies that had sources carry the key
    assert reply["sources"][0]["page"] == 2 and reply["sources"][0]["highlights"] == [[0, 3]]
    (imported,) = read_import(export_json(conversation))
    assert imported.messages[1].sources == conversation.messages[1].sources
    assert to_imported(conversation).messages[1].sources == conversation.messages[1].sources
    with ConversationStore.open(tmp_path / "db.sqlite3") as store:
        new_id = store.import_conversation(imported)
        _, _, messages = store.export_tree(new_id)
    assert messages[1].sources == conversation.messages[1].sources


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ("nope", "sources"),
        ([{"file": "a"}], "number"),
        ([{"number": 1, "file": "a", "highlights": [[1]]}], "two character offsets"),
        ([{"number": 1, "file": "a", "highlights": [[-1, 2]]}], "two character offsets"),
    ],
)
def test_bad_sources_in_an_import_name_the_problem(sources: object, message: str) -> None:
    document = json.loads(export_json(_conversation()))
    document["messages"][1]["sources"] = sources
    with pytest.raises(ImportFormatError, match=message):
        read_import(json.dumps(document))


def test_sources_survive_a_store_round_trip_on_the_reply(tmp_path: Path) -> None:
    conversation = _conversation()
    with ConversationStore.open(tmp_path / "db.sqlite3") as store:
        chat = store.create_conversation("Beacon")
        question = store.add_message(chat.id, None, Role.USER, "Q")
        reply = store.add_message(chat.id, question.id, Role.ASSISTANT, "")
        store.update_message(reply.id, sources=conversation.messages[1].sources)
        [_, stored] = store.path_to(reply.id)
    assert stored.sources == conversation.messages[1].sources


@given(
    lengths=st.lists(st.integers(min_value=0, max_value=3000), max_size=12),
    budget=st.integers(min_value=0, max_value=5000),
)
def test_fitted_sources_always_fit_keep_order_and_number_from_one(
    lengths: list[int], budget: int
) -> None:
    sources = sources_from_hits([_hit(i + 1, "x" * n) for i, n in enumerate(lengths)], {})

    def cost(text: str) -> int:
        return len(text) // 3 + 1

    fitted = fit_sources(sources, cost, budget)
    assert [s.number for s in fitted] == list(range(1, len(fitted) + 1))
    files = [s.file for s in sources]
    assert [files.index(s.file) for s in fitted] == sorted(files.index(s.file) for s in fitted)
    if fitted:
        text = grounded_question("q", Grounding(fitted, ()))
        assert cost(text) <= budget + 8  # the question itself is outside the budget


def _with_note(note: DocumentsNote, count: int = 0) -> ExportConversation:
    conversation = _conversation()
    question, reply = conversation.messages
    reply = dataclasses.replace(
        reply,
        generation=GenerationInfo(
            model_file="m.gguf", documents_note=note, passages_left_out=count
        ),
    )
    return dataclasses.replace(conversation, messages=(question, reply))


def test_documents_notes_appear_under_the_reply_in_every_export(tmp_path: Path) -> None:
    conversation = _with_note(DocumentsNote.LEFT_OUT, 3)
    sentence = "3 passages did not fit in the context window and were left out."
    markdown = export_markdown(conversation)
    assert markdown.index("**Sources:**") < markdown.index(f"*{sentence}*")
    assert sentence in export_text(conversation) and sentence in export_html(conversation)
    one = export_text(_with_note(DocumentsNote.LEFT_OUT, 1))
    assert "1 passage did not fit in the context window and was left out." in one
    nothing = export_markdown(_with_note(DocumentsNote.NOTHING_RELEVANT))
    assert "*Nothing relevant was found in the attached collections;" in nothing
    assert "could not be searched" in export_html(_with_note(DocumentsNote.FAILED))
    assert "did not fit" not in export_markdown(_conversation())  # no note, no line

    (imported,) = read_import(export_json(conversation))
    generation = imported.messages[1].generation
    assert generation is not None
    assert (generation.documents_note, generation.passages_left_out) == ("left-out", 3)
    with ConversationStore.open(tmp_path / "db.sqlite3") as store:
        _, _, messages = store.export_tree(store.import_conversation(imported))
    assert messages[1].generation == conversation.messages[1].generation


def test_a_documents_note_from_elsewhere_is_checked() -> None:
    document = json.loads(export_json(_with_note(DocumentsNote.LEFT_OUT, 2)))
    generation = document["messages"][1]["generation"]
    generation["documents_note"] = "from-a-newer-version"
    (imported,) = read_import(json.dumps(document))
    assert imported.messages[1].generation.documents_note == ""  # unknown: left out, not fatal
    generation["passages_left_out"] = -2
    with pytest.raises(ImportFormatError, match="passages_left_out” is negative"):
        read_import(json.dumps(document))
    generation["documents_note"] = 5
    with pytest.raises(ImportFormatError, match="documents_note” must be text"):
        read_import(json.dumps(document))


def test_a_reply_stored_before_documents_notes_decodes_without_one() -> None:
    """No migration: the generation JSON of older replies lacks the fields and gets defaults;
    a field from a newer version is ignored."""
    old = decode_generation('{"model_file": "m.gguf", "seed": 7}')
    assert old is not None and (old.documents_note, old.passages_left_out) == ("", 0)
    info = GenerationInfo(documents_note=DocumentsNote.LEFT_OUT, passages_left_out=2)
    text = encode_generation(info)
    assert decode_generation(text) == info
    newer = json.loads(text) | {"documents_note_v2": {"x": 1}}
    assert decode_generation(json.dumps(newer)) == info


def test_passage_budget_is_what_is_left_but_at_most_half_the_window() -> None:
    assert passage_budget(4096, 1024, 100) == 2048  # half the window at most
    assert passage_budget(4096, 1024, 2000) == 1072  # what the question and reserve leave
    assert passage_budget(4096, 1024, 4000) == 0  # nothing left: never negative
