# SPDX-License-Identifier: EUPL-1.2
"""The report's accent colours: WCAG contrast, mixing, and a palette readable at level AA."""

from __future__ import annotations

import re

#: The accent of a residency that chooses none (residence.yaml's ``accent:``).
DEFAULT_ACCENT = "#b7472a"
#: The page's background and text colours (report.css).
PAPER = "#fdfcf9"
INK = "#1d1b19"
#: The least contrast of normal text at WCAG level AA.
AA_TEXT = 4.5


def _relative_luminance(hex_colour: str) -> float:
    """Return the WCAG relative luminance of a #rrggbb colour (0 black, 1 white)."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(a: str, b: str, weight: float) -> str:
    """Return a mixed with b (weight of b from 0 to 1)."""
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * weight):02x}" for x, y in zip(ca, cb, strict=True))


def accent_palette(accent: str | None) -> dict[str, str]:
    """Return the accent colours: as chosen, darkened for text (AA), and the text on it."""
    base = (accent or DEFAULT_ACCENT).lower()
    if not re.fullmatch(r"#[0-9a-f]{6}", base):
        base = DEFAULT_ACCENT
    soft = _mix(base, PAPER, 0.88)
    ink = base
    step = 0.0
    # The ink is read on paper and on the soft tint (the summary box): AA on both.
    while min(contrast(ink, PAPER), contrast(ink, soft)) < AA_TEXT and step < 1:
        step += 0.05
        ink = _mix(base, "#000000", step)
    on = "#ffffff" if contrast(base, "#ffffff") >= AA_TEXT else INK
    if contrast(base, on) < AA_TEXT:
        on = "#ffffff" if contrast(base, "#ffffff") >= contrast(base, "#000000") else "#000000"
    return {
        "accent": base,
        "accent_ink": ink,
        "on_accent": on,
        "accent_soft": soft,
        "accent_line": _mix(base, PAPER, 0.55),
    }
