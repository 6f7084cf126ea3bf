# SPDX-License-Identifier: EUPL-1.2
"""The map's text metrics: how wide a label is, and how a name wraps onto a few lines.

Widths are estimated from the characters, with advance widths measured once from the fonts
(``fontwidths.py``, written by ``measure_fonts``): no font is loaded while rendering, and the
map comes out the same whichever fonts a machine has installed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from residence.render.actormap import fontwidths

FONT_FAMILY = (
    "'Instrument Sans', 'Residence Symbols', 'Helvetica Neue', Helvetica, Arial, "
    "'Liberation Sans', 'DejaVu Sans Condensed', sans-serif"
)
#: Every text of the map is at least this size. The map is laid out so that the example
#: residency's viewBox stays under A4_WIDTH_UNITS wide: printed across an A4 page (180 mm),
#: 13 units are then at least 9 pt.
FONT_SIZE = 13.0
LINE_HEIGHT = 15.0
A4_WIDTH_UNITS = 740.0

_WRAP_WIDTHS = (210.0, 180.0, 150.0, 125.0, 105.0, 90.0, 78.0)  # widest first
_MAX_LINES = 5


def _advances(fonts: Sequence[tuple[str, str, int, str]], *, ascii_only: bool) -> dict[str, float]:
    """Return the advance width (em) of each character: the widest of ``fonts``.

    An ASCII character's width is rounded to the nearest hundredth of an em and any other
    one's up to the next hundredth: the rules of the hand-typed table these numbers
    replaced, which every map drawn so far (and the golden report) was laid out with.
    """
    hundredths: dict[str, int] = {}
    for _file, _version, units_per_em, widths in fonts:
        numbers = map(int, widths.split())
        for char, units in zip(fontwidths.CHARACTERS, numbers, strict=True):
            if char.isascii() != ascii_only:
                continue
            # Integers, so that 900 units of 1000 make 90 hundredths and not 91.
            value = (
                round(units * 100 / units_per_em) if ascii_only else -(-units * 100 // units_per_em)
            )
            hundredths[char] = max(hundredths.get(char, 0), value)
    return {char: value / 100 for char, value in hundredths.items()}


# Advance widths (em) of ASCII 32-126 in each weight: the wider of Instrument Sans (the
# report's font) and DejaVu Sans Condensed (the fallback on a bare Linux), so that an
# estimate does not fall short of the fonts named in FONT_FAMILY. The other characters
# names often hold take the regular weight's widths in bold too.
_ADVANCE = _advances(fontwidths.REGULAR, ascii_only=True)
_BOLD_ADVANCE = _advances(fontwidths.BOLD, ascii_only=True)
_SPECIAL = _advances(fontwidths.REGULAR, ascii_only=False)


@functools.lru_cache(maxsize=8192)
def text_width(
    text: str, size: float = FONT_SIZE, *, bold: bool = False, spacing: float = 0
) -> float:
    """Return an estimate of the width of one line of text, never short of the real one.

    Remembered: wrapping a name measures the same beginnings of lines at every width.
    """
    table = _BOLD_ADVANCE if bold else _ADVANCE
    total = 0.0
    for char in text:
        if char in table:
            total += table[char]
        elif char in _SPECIAL:
            total += _SPECIAL[char]
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            total += 1.0
        elif unicodedata.combining(char):
            continue
        else:
            base = unicodedata.normalize("NFKD", char)[:1]
            total += table.get(base, 0.75)
    return total * size + spacing * len(text)


def label_variants(text: str, size: float = FONT_SIZE) -> list[list[str]]:
    """Return the ways to set a name, fewest lines first, each as narrow as its line count
    allows: the layout takes the first that fits (a wide label on top of a ring, a tall
    one on its sides). At most five lines; words are cut only when one is wider than a
    line, and a longer name is cut with an ellipsis."""
    text = " ".join(text.split()) or "?"
    widest = _WRAP_WIDTHS[0]
    found: dict[int, list[str]] = {}
    if text_width(text, size) <= widest:
        found[1] = [text]
    for width in _WRAP_WIDTHS:
        lines = wrap_to(text, width, size, cut_words=False)
        if lines and 1 < len(lines) <= _MAX_LINES:
            found[len(lines)] = lines
    if not found:
        lines = wrap_to(text, widest, size) or [text]
        if len(lines) <= _MAX_LINES:
            return [lines]
        last = lines[_MAX_LINES - 1]
        while last and text_width(last + "…", size) > widest:
            last = last[:-1]
        found[_MAX_LINES] = [*lines[: _MAX_LINES - 1], last.rstrip() + "…"]
    return [found[count] for count in sorted(found)]


def wrap_to(text: str, width: float, size: float, *, cut_words: bool = True) -> list[str]:
    """Fill lines up to ``width``, breaking between words and after the hyphens of long
    compound words (Saint-Aubin-les-Forges). A word wider than a line is cut where it must,
    or, without ``cut_words``, the result is empty."""
    pieces: list[tuple[str, bool]] = []  # (text, glued to the previous piece)
    for word in text.split(" "):
        long = text_width(word, size) > max(width, 110.0)
        parts = re.findall(r"[^-]+-*|-+", word) if long else [word]
        for index, part in enumerate(parts):
            chunks = _split_long(part, width, size)
            if len(chunks) > 1 and not cut_words:
                return []
            for chunk, piece in enumerate(chunks):
                pieces.append((piece, index > 0 or chunk > 0))
    lines: list[str] = []
    current = ""
    for piece, glued in pieces:
        candidate = current + ("" if glued or not current else " ") + piece
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = piece
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _split_long(word: str, width: float, size: float) -> list[str]:
    """Cut a word wider than a line into pieces that fit (names rarely need it)."""
    if text_width(word, size) <= width:
        return [word] if word else []
    out: list[str] = []
    current = ""
    for char in word:
        if current and text_width(current + char, size) > width:
            out.append(current)
            current = char
        else:
            current += char
    return [*out, current] if current else out
