"""The visual system's colours: every text colour reads on every background (WCAG AA)."""

from __future__ import annotations

from dataclasses import fields

import pytest

from desktop.core.design import (
    BACKGROUND_TOKENS,
    DARK,
    LIGHT,
    STATE_BACKGROUND_TOKENS,
    STATE_TEXT_TOKENS,
    TEXT_TOKENS,
    ColorTokens,
    contrast_ratio,
    css_variables,
)

AA_TEXT = 4.5


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
@pytest.mark.parametrize("text", TEXT_TOKENS)
@pytest.mark.parametrize("background", BACKGROUND_TOKENS)
def test_text_colours_meet_wcag_aa(theme: ColorTokens, text: str, background: str) -> None:
    ratio = contrast_ratio(getattr(theme, text), getattr(theme, background))
    assert ratio >= AA_TEXT, f"{text} on {background}: {ratio:.2f}:1"


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_text_on_the_accent_and_in_inline_code_reads(theme: ColorTokens) -> None:
    assert contrast_ratio(theme.on_accent, theme.accent) >= AA_TEXT
    assert contrast_ratio(theme.text, theme.inline_code) >= AA_TEXT


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
@pytest.mark.parametrize("text", STATE_TEXT_TOKENS)
@pytest.mark.parametrize("background", STATE_BACKGROUND_TOKENS)
def test_text_on_hovered_and_selected_rows_reads(
    theme: ColorTokens, text: str, background: str
) -> None:
    ratio = contrast_ratio(getattr(theme, text), getattr(theme, background))
    assert ratio >= AA_TEXT, f"{text} on {background}: {ratio:.2f}:1"


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_text_on_the_primary_button_reads_in_every_state(theme: ColorTokens) -> None:
    assert contrast_ratio(theme.on_accent, theme.accent_hover) >= AA_TEXT


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # AA's grey


def test_the_themes_are_designed_apart_not_one_colour_set() -> None:
    assert LIGHT.surface != DARK.surface and LIGHT.link != DARK.link


def test_css_variables_carry_every_token() -> None:
    css = css_variables(LIGHT)
    for field in fields(LIGHT):
        assert f"--{field.name.replace('_', '-')}: {getattr(LIGHT, field.name)};" in css
