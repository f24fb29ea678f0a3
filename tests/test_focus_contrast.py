"""The keyboard focus ring stands out from every surface of the stylesheet (WCAG 2.2 focus appearance: 3:1).

The ring sits just outside the focused element (``outline-offset``), so the pixels it changes are those of
the surface around it: every light background the stylesheet paints. Dark fills (buttons, the error badge)
are the focused elements themselves, never the surface around a ring.
"""

from __future__ import annotations

import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[1] / "training" / "static" / "css" / "app.css"
HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def _rgb(color: str) -> tuple[float, float, float]:
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def luminance(color: str) -> float:
    """Relative luminance as WCAG 2 defines it."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(color)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _variables(css: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", css))


def _light_surfaces(css: str) -> set[str]:
    variables = _variables(css)
    colors = set()
    for value in re.findall(r"background(?:-color)?:\s*([^;}]+)", css):
        named = re.match(r"var\(--([\w-]+)\)", value.strip())
        color = variables.get(named.group(1)) if named else (HEX.search(value) or [None])[0]
        if color and luminance(color) > 0.5:
            colors.add(color.lower())
    return colors | {"#ffffff"}


def test_contrast_arithmetic_matches_known_pairs() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#ffbf47", "#ffffff"), 1) == 1.6  # the old ring, as the accessibility review measured


def test_the_focus_ring_has_3_to_1_against_every_light_surface() -> None:
    css = STYLESHEET.read_text(encoding="utf-8")
    ring = re.search(r":focus-visible\s*{[^}]*outline:\s*\d+px solid ([^;]+);", css)
    assert ring, "no :focus-visible outline in the stylesheet"
    value = ring.group(1).strip()
    named = re.match(r"var\(--([\w-]+)\)", value)
    color = _variables(css)[named.group(1)] if named else value
    surfaces = _light_surfaces(css)
    assert len(surfaces) >= 5, surfaces
    weak = {s: round(contrast(color, s), 2) for s in surfaces if contrast(color, s) < 3}
    assert not weak, f"the focus ring {color} has less than 3:1 against {weak}"
