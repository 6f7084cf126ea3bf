# SPDX-License-Identifier: EUPL-1.2
"""Text helpers every part of the tool shares: the accent fold, slugs, "did you mean", sizes.

One fold serves the slugs of ids and anchors, the privacy gate's name matching, the
catalogue's filters and the suggestions of "did you mean", so that "Øresund", "ØRESUND"
and "oresund" are one word everywhere.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence

# Letters that Unicode does not decompose into a base letter and an accent, written as
# transliteration writes them (Danish Ø as o, Icelandic Þ as th, Polish Ł as l…).
_LETTERS = str.maketrans(
    {
        "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ħ": "h", "Ħ": "h",
        "\u0131": "i", "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "þ": "th", "Þ": "th",
        "ð": "d", "Ð": "d", "ŀ": "l", "Ŀ": "l", "ŧ": "t", "Ŧ": "t", "\u02bc": "'",
        "ĸ": "k", "ŉ": "n", "ŋ": "n", "Ŋ": "n", "ƒ": "f", "ǝ": "e", "Ǝ": "e", "ə": "e", "Ə": "e",
        "ɨ": "i", "Ɨ": "i", "ʉ": "u", "Ʉ": "u", "ƀ": "b", "Ƀ": "b", "ƈ": "c", "Ƈ": "c",
        "ɗ": "d", "Ɗ": "d", "ɓ": "b", "Ɓ": "b", "ƙ": "k", "Ƙ": "k", "ƴ": "y", "Ƴ": "y",
    }
)  # fmt: skip


#: Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt): characters
#: that show nothing, so they can hide inside a word — not only the format characters (Cf),
#: but also the combining grapheme joiner, variation selectors, Mongolian free variation
#: selectors, Khmer inherent vowels and the Hangul fillers.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip


def is_default_ignorable(char: str) -> bool:
    """Tell whether a character is one that shows nothing (Default_Ignorable_Code_Point)."""
    code = ord(char)
    return any(low <= code <= high for low, high in DEFAULT_IGNORABLE)


def _fold_char(char: str) -> str:
    """Return one character without case, accent or ligature ("" for marks and invisibles)."""
    if is_default_ignorable(char):
        return ""
    text = unicodedata.normalize("NFKD", char.translate(_LETTERS)).casefold()
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(
        c
        for c in text
        if not unicodedata.combining(c)
        and unicodedata.category(c) != "Cf"
        and not is_default_ignorable(c)
    )


class _FoldTable(dict[int, str]):
    """A str.translate table that folds each character once, then remembers it."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


FOLD_TABLE = _FoldTable()


def fold_char(char: str) -> str:
    """Return one character folded as :func:`fold` folds it (possibly "" or two letters)."""
    return char.translate(FOLD_TABLE)


def fold(text: str) -> str:
    """Return text without case, accents or ligatures, for comparing words.

    >>> fold("Øresund Ærø, Łódź, Þórsmörk, Straße, Œuvre")
    'oresund aero, lodz, thorsmork, strasse, oeuvre'
    """
    if text.isascii():
        return text.lower()
    return text.translate(FOLD_TABLE)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Return a slug for text: folded, lowercase, words joined by hyphens.

    >>> slugify("Øresund Ærø")
    'oresund-aero'
    """
    return _NOT_SLUG.sub("-", fold(text)).strip("-")


def shorten(text: str, limit: int, trailing: str = " ,;:-\u2013\u2014") -> str:
    """Return text cut to fewer than ``limit`` characters, at a space when one is in the
    second half, without the ``trailing`` punctuation left there, and with an ellipsis.

    >>> shorten("Le hall est traversé, il n'est pas habité", 24)
    'Le hall est traversé…'
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(trailing) + "…"


def closest(word: str, choices: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Return the choices ``word`` most likely meant, best first ("did you mean").

    Words are compared folded, so that a missing accent or a capital never hides the match.
    """
    by_fold: dict[str, str] = {}
    for choice in choices:
        by_fold.setdefault(fold(str(choice)), str(choice))
    found = difflib.get_close_matches(fold(str(word)), list(by_fold), n=n, cutoff=cutoff)
    return [by_fold[f] for f in found]


def did_you_mean(matches: Sequence[str]) -> str:
    """Return the end of a message that offers ``matches`` (nothing when there is none), in
    the language of the messages (" — did you mean 'a' or 'b'?")."""
    if not matches:
        return ""
    from residence.errors import either
    from residence.i18n import messages

    _ = messages("problems")
    return _(" — did you mean {choices}?", choices=either(matches))


_UNITS = {
    "en": ("bytes", "KB", "MB", "GB"),
    "fr": ("octets", "Ko", "Mo", "Go"),
}


def format_size(n: int, language: str = "en") -> str:
    """Return a size in bytes as people read it: "512 bytes", "12.3 KB", "1.2 MB" ("1,2 Mo").

    >>> format_size(1_234_567), format_size(1_234_567, "fr")
    ('1.2 MB', '1,2\\xa0Mo')
    """
    from babel.numbers import format_decimal

    units = _UNITS.get(language, _UNITS["en"])
    locale = language if language in _UNITS else "en"
    if n < 1024:
        return f"{n} {units[0]}" if language == "en" else f"{n}\u00a0{units[0]}"
    value = float(n)
    for unit in units[1:]:
        value /= 1024
        if value < 1024 or unit == units[-1]:
            break
    number = format_decimal(round(value, 1), format="#,##0.0", locale=locale)
    space = " " if locale == "en" else "\u00a0"
    return f"{number}{space}{unit}"
