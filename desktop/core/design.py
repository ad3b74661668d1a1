"""The visual system, defined once: colour tokens for the light and dark themes, spacing and type.

Plain Python (no Qt), so the window's palettes (desktop/qtkit/theme.py), the Markdown renderer's
code blocks (core/markdown.py) and the HTML and PDF exports all draw from the same values, and a
test checks every text colour against the backgrounds it is drawn on (WCAG AA, 4.5:1).

Both themes are designed, not inverted: dark surfaces are a cool near-black with raised panels a
step lighter (so a bubble reads as a surface, not a hole), and the accent is darker in light mode
and lighter in dark mode so that it keeps its contrast with the text on it and around it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class ColorTokens:
    """One theme's colours, as #rrggbb strings. Names say what a colour is for, not its hue."""

    window: str  # the window's chrome: menu bar, side bar, status bar
    surface: str  # where text is read and written: the chat, lists, inputs
    surface_raised: str  # a panel on the surface: a reply bubble, a code block
    control: str  # the face of buttons and other controls
    user_bubble: str  # the person's own messages
    text: str
    text_muted: str  # secondary text: headers, hints, counts, placeholders
    text_disabled: str  # disabled controls (exempt from 4.5:1, as WCAG exempts them)
    border: str
    accent: str  # selection, focus, the primary button, progress
    on_accent: str  # text on the accent
    link: str
    warning: str  # the context meter past 80 %, a "tight" fit
    danger: str  # a message that cannot fit, "won't fit", errors
    success: str  # "fits", verified
    inline_code: str  # the background of `inline code`
    control_hover: str  # a button, row or tool button under the mouse
    selection: str  # the open chat in the side bar, a pressed button: a quiet accent tint
    accent_hover: str  # the primary button under the mouse or pressed


LIGHT = ColorTokens(
    window="#f3f4f6",
    surface="#ffffff",
    surface_raised="#f6f8fa",
    control="#fbfbfc",
    user_bubble="#e8f0fe",
    text="#1f2328",
    text_muted="#59636e",
    text_disabled="#8c959f",
    border="#d1d9e0",
    accent="#0a64d1",
    on_accent="#ffffff",
    link="#0969da",
    warning="#875b00",
    danger="#c62828",
    success="#17733a",
    inline_code="#eaeef2",
    control_hover="#e8eaee",
    selection="#dbe6f7",
    accent_hover="#0856b5",
)

DARK = ColorTokens(
    window="#1b1d21",
    surface="#121316",
    surface_raised="#1f2227",
    control="#2a2d33",
    user_bubble="#1d2b40",
    text="#e6edf3",
    text_muted="#9ea7b1",
    text_disabled="#6e7681",
    border="#3d444d",
    accent="#2f6fd6",
    on_accent="#ffffff",
    link="#6cb0ff",
    warning="#e3b341",
    danger="#ff7b72",
    success="#56d364",
    inline_code="#2a313c",
    control_hover="#2f333a",
    selection="#23324a",
    accent_hover="#2862c4",
)


def tokens(dark: bool) -> ColorTokens:
    return DARK if dark else LIGHT


TEXT_TOKENS = ("text", "text_muted", "link", "warning", "danger", "success")
"""Colours text is written in; each must read on every background in BACKGROUND_TOKENS."""

BACKGROUND_TOKENS = ("window", "surface", "surface_raised", "control", "user_bubble")

STATE_TEXT_TOKENS = ("text", "text_muted")
"""Colours of the text on a row or button in a state (hovered, selected, pressed): titles, dates."""

STATE_BACKGROUND_TOKENS = ("control_hover", "selection")
"""The backgrounds of those states; each of STATE_TEXT_TOKENS must read on them."""


# Spacing and type -------------------------------------------------------------------------------

SPACING = (0, 2, 4, 8, 12, 16, 24, 32)
"""Every margin, padding and gap in pixels comes from this scale (at 100 % scaling)."""

SPACE_XS, SPACE_S, SPACE_M, SPACE_L, SPACE_XL = 4, 8, 12, 16, 24

TYPE_SCALE = {"caption": 0.85, "body": 1.0, "subtitle": 1.15, "title": 1.4, "display": 1.8}
"""Text sizes as multiples of the user's chosen body size (Settings › Text size)."""

RADIUS = 10
"""Corner radius of bubbles, cards and chips, in pixels."""

CONTROL_RADIUS = 6
"""Corner radius of buttons, fields, list rows and menus' rows, in pixels (the application's
stylesheet, desktop/qtkit/stylesheet.py)."""

READING_WIDTH = 760
"""The widest a column of chat text gets on a wide window, in pixels (~80 characters)."""


# Contrast (WCAG 2.x) ---------------------------------------------------------------------------


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance of an #rrggbb colour (0 black … 1 white)."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG's contrast ratio (1 … 21); 4.5 is AA for body text."""
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def css_variables(theme: ColorTokens) -> str:
    """The tokens as CSS custom properties (``--surface-raised: #f6f8fa;``), for the exports."""
    return " ".join(
        f"--{field.name.replace('_', '-')}: {getattr(theme, field.name)};"
        for field in fields(theme)
    )
