"""PromptCards: example prompts as cards, shared by the welcome page and the empty chat."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.qtkit.prompt_cards import CARDS_IN_A_ROW_MIN_WIDTH, PromptCards


def test_a_card_tells_its_prompt_by_click_or_key_and_not_when_disabled(qtbot) -> None:  # type: ignore[no-untyped-def]
    cards = PromptCards(["one", "two"])
    qtbot.addWidget(cards)
    cards.resize(600, 200)
    cards.show()
    qtbot.waitExposed(cards)
    chosen: list[str] = []
    cards.chosen.connect(chosen.append)
    first, second = cards.cards
    qtbot.mouseClick(second, Qt.MouseButton.LeftButton)
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Return)
    first.setEnabled(False)
    first.click()
    assert chosen == ["two", "one"]
    assert first.accessibleName() == "one" and first.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_the_cards_stack_below_the_row_width(qtbot) -> None:  # type: ignore[no-untyped-def]
    cards = PromptCards(["a", "b", "c"])
    qtbot.addWidget(cards)
    cards.resize(CARDS_IN_A_ROW_MIN_WIDTH + 100, 200)
    cards.show()
    qtbot.waitExposed(cards)
    a, b, _c = cards.cards
    qtbot.waitUntil(lambda: a.geometry().top() == b.geometry().top())
    cards.resize(CARDS_IN_A_ROW_MIN_WIDTH - 50, 400)
    qtbot.waitUntil(lambda: b.geometry().top() > a.geometry().bottom())


def test_without_prompts_the_cards_offer_the_examples(qtbot) -> None:
    cards = PromptCards()
    qtbot.addWidget(cards)
    assert [card.text() for card in cards.cards] == list(cards.examples())
    assert len(cards.examples()) == 3 and all(cards.examples())
