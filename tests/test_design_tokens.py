"""Hearth's colour tokens pass WCAG 2.2 AA contrast in light and dark mode.

The stylesheet sets each token twice: in `:root` (light) and again inside the
`prefers-color-scheme: dark` block. Each pair below is text (or a control's edge) drawn on a
background somewhere in Hearth; body text needs 4.5:1, a control's edge and focus ring 3:1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static" / "css" / "hearth.css").read_text()

TEXT = 4.5
EDGE = 3.0
PAIRS = [
    ("text", "bg", TEXT),
    ("text", "surface", TEXT),
    ("text", "surface-sunk", TEXT),
    ("muted", "bg", TEXT),
    ("muted", "surface", TEXT),
    ("muted", "surface-sunk", TEXT),
    ("primary", "bg", TEXT),
    ("primary", "surface", TEXT),
    ("primary", "primary-soft", TEXT),
    ("primary-hover", "primary-soft", TEXT),
    ("on-primary", "primary", TEXT),
    ("on-primary", "primary-hover", TEXT),
    ("danger", "surface", TEXT),
    ("danger", "bg", TEXT),
    ("on-danger", "danger", TEXT),
    ("text", "danger-soft", TEXT),
    ("text", "success-soft", TEXT),
    ("text", "warning-soft", TEXT),
    ("text", "primary-soft", TEXT),
    ("pause-text", "pause-soft", TEXT),
    ("pause-soft", "pause", TEXT),
    ("pause", "pause-soft", EDGE),
    ("pause", "bg", EDGE),
    ("border-strong", "surface", EDGE),
    ("border-strong", "bg", EDGE),
    ("focus", "bg", EDGE),
    ("focus", "surface", EDGE),
    ("success", "success-soft", EDGE),
    ("warning", "warning-soft", EDGE),
    ("danger", "danger-soft", EDGE),
]


def tokens(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", block))


def palettes() -> dict[str, dict[str, str]]:
    dark_start = CSS.index("@media (prefers-color-scheme: dark)")
    light = tokens(CSS[:dark_start])
    dark = {**light, **tokens(CSS[dark_start : CSS.index("/* ---------- Base")])}
    return {"light": light, "dark": dark}


def luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("fore", "back", "needed"), PAIRS)
def test_each_colour_pair_passes_wcag_aa(scheme: str, fore: str, back: str, needed: float) -> None:
    palette = palettes()[scheme]
    ratio = contrast(palette[fore], palette[back])
    assert ratio >= needed, f"{scheme}: --{fore} on --{back} is {ratio:.2f}:1, needs {needed}:1"


def test_the_dark_palette_sets_every_colour_the_light_one_does() -> None:
    dark_start = CSS.index("@media (prefers-color-scheme: dark)")
    light = tokens(CSS[:dark_start])
    dark = tokens(CSS[dark_start : CSS.index("/* ---------- Base")])
    assert set(light) - {"shadow"} == set(dark)


def test_the_contrast_of_black_on_white_is_twenty_one() -> None:
    assert round(contrast("#000", "#fff"), 1) == 21.0
