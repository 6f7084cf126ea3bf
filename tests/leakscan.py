"""A leak scanner for public outputs: a second implementation of "is this name readable here?".

The privacy gate (``residence.gate``) replaces protected names before anything is rendered.
This module checks the *outputs* afterwards, with an algorithm of its own, so that a bug in
one is caught by the other. It imports nothing from ``residence`` at all.

How it reads a name, in three steps:

1. **Extraction** — what a reader or a search engine reads from each format: HTML and SVG
   (text, with inline elements joined, every attribute value, comments, JSON-LD), PDF
   (page text, and every string of the object graph: document info, structure tree alt
   texts and ActualText, outlines, link targets, XMP streams, attached files recursively),
   JSON (every key and string; a structured person name, given and family, read as one),
   YAML, Markdown, CSV, GraphML, text, ZIP members and their names, SQLite cells,
   table names and full-text vocabularies, image metadata (EXIF, XMP, PNG text), and file
   names. ``data:`` URLs are decoded and read as what they hold.
2. **Readings** — each extracted text is read in several ways: as written (HTML entities
   decoded), %-decoded, with backslash escapes decoded (JSON, CSS), with Markdown marks inside
   words dropped ("Ver*meer*sch"). Each reading is cleaned the same way: NFKD, combining marks
   and every default-ignorable code point dropped, letters that do not decompose
   transliterated (ø, ł, đ, þ, ı…) and letters of other scripts that look like Latin ones
   mapped to them (Unicode confusables, from ``confusable_homoglyphs``).
3. **Tokens** — a reading is cut into runs of letters and digits; a run that glues parts
   (camel case, letters and digits) is also cut into its parts. A protected name part
   (3 letters or more, not a particle) is found as a whole token, a full name and an
   initial with a surname as a run of tokens, and inside an e-mail address, a hashtag or
   a handle as a substring of its letters. A token that belongs to a kept full name (a team
   member, a person who agreed to be named) is not a leak.

The entry points are :class:`LeakScanner` and its ``text``, ``data``, ``value`` and ``path``
methods; each returns :class:`Finding` values, ``(where, what)``.
"""

# Look-alike characters are what this module is about.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import base64
import binascii
import html
import io
import itertools
import json
import re
import sqlite3
import unicodedata
import urllib.parse
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

#: Name parts that identify nobody on their own.
PARTICLES = frozenset(
    "de du des le la les van von der den da di del della dos das do ben bin el al".split()
)
#: A part shorter than this is only looked for inside a full name.
MIN_PART = 3

#: Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15.1).
DEFAULT_IGNORABLE: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip

#: Letters that NFKD leaves whole, written the way a reader would type them.
_TRANSLITERATION = {
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ß": "ss",
    "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ŀ": "l", "Ŀ": "L", "ƒ": "f",
}  # fmt: skip

#: Characters that may stand between the tokens of one name (besides spaces).
_NAME_JOINERS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015'\u2019\u02bc_,")
_RUN = re.compile(r"[^\W_]+")
_CHUNK = re.compile(r"\S+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
#: A hashtag or a handle: its body, letters, digits, underscores and dots.
_TAG = re.compile(r"[#@]([^\W_][\w.]*)")
_CHUNK_EDGES = "()[]{}<>\"'«»,;:!?.\u2018\u2019\u201c\u201d"
#: Markdown emphasis and code marks written inside a word ("Ver*meer*sch", "Sol**ange**").
_MARKS_INSIDE = re.compile(r"(?<=[^\W_])[*_~`]+(?=[^\W_])")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_JS_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\x([0-9A-Fa-f]{2})")
_CSS_ESCAPE = re.compile(r"\\([0-9A-Fa-f]{1,6})[ \t]?")
_DATA_URL = re.compile(r"data:([\w.+-]+/[\w.+-]+)?((?:;[\w.+-]+=[\w.+-]+)*)(;base64)?,([^\s\"')]*)")
#: A PDF text line broken after a hyphen inside a word.
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])[-\u00ad\u2010]\s*\n\s*(?=[^\W\d_])")

#: Inline elements: their text runs on with the text around it ("Ver<em>meer</em>sch").
_INLINE = frozenset(
    "a abbr b bdi bdo cite code data del dfn em font i ins kbd mark q s samp small span "
    "strike strong sub sup time tt u var wbr tspan textpath".split()
)
_SKIPPED_SUFFIXES = frozenset(".woff .woff2 .ttf .otf .eot .ico".split())
_IMAGE_SUFFIXES = frozenset(".jpg .jpeg .png .gif .webp .tif .tiff .bmp".split())
_MARKUP_SUFFIXES = frozenset(".html .htm .xhtml .svg .xml .graphml .rdf .xmp .opf".split())
_MAX_DEPTH = 6


# -- cleaning ----------------------------------------------------------------------------------


def _ignorable(code: int) -> bool:
    return any(low <= code <= high for low, high in DEFAULT_IGNORABLE)


def _without_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _lookalikes() -> dict[str, str]:
    """Return {character of another script: the Latin letters it is drawn like}."""
    from confusable_homoglyphs.confusables import confusables_data

    found: dict[str, str] = {}
    for char, entries in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        targets = [_without_marks(e["c"]) for e in entries]
        latin = [t for t in targets if t.isascii() and t.isalnum() and len(t) <= 2]
        if latin:
            best = min(latin, key=len)
            if best == "l" and char.isupper():
                best = "I"  # capital I and small l share one skeleton: a capital reads I
            elif char.isupper():
                best = best.upper()
            elif char.islower():
                best = best.lower()
            found[char] = best
    return found


class _CleanTable(dict[int, str]):
    """str.translate table, filled on demand: ignorable -> '', look-alike -> Latin letter."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if _ignorable(code) or unicodedata.combining(char):
            out = ""
        elif char in _TRANSLITERATION:
            out = _TRANSLITERATION[char]
        elif not char.isascii():
            out = _lookalikes().get(char, char)
        else:
            out = char
        self[code] = out
        return out


_CLEAN = _CleanTable()


def clean(text: str) -> str:
    """Return text as its letters are read: NFKD, no marks nor invisible characters, Latin
    look-alikes and undecomposable letters written in Latin. Case is kept."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_CLEAN)


def fold(text: str) -> str:
    """Return text cleaned and case-folded: the form names are compared in."""
    return clean(text).casefold()


def _unescape(text: str) -> str:
    for _ in range(3):
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def _percent_decoded(text: str) -> str:
    for _ in range(3):
        if not _PERCENT.search(text):
            break
        text = _unescape(urllib.parse.unquote(text, errors="replace"))
    return text


def _backslash_decoded(text: str) -> str:
    def js(match: re.Match[str]) -> str:
        code = int(next(g for g in match.groups() if g), 16)
        return chr(code) if code < 0x110000 else "\ufffd"

    text = _JS_ESCAPE.sub(js, text)

    def css(match: re.Match[str]) -> str:
        code = int(match.group(1), 16)
        return chr(code) if 0 < code < 0x110000 else "\ufffd"

    return _CSS_ESCAPE.sub(css, text)


def readings(text: str) -> list[str]:
    """Return the ways a text may be read, cleaned (see the module docstring)."""
    base = _unescape(text)
    raw = [base]
    if "%" in base:
        raw.append(_percent_decoded(base))
    if "\\" in base:
        raw.append(_backslash_decoded(base))
    found: list[str] = []
    for variant in raw:
        cleaned = clean(variant)
        found.append(cleaned)
        unmarked = _MARKS_INSIDE.sub("", cleaned)
        if unmarked != cleaned:
            found.append(unmarked)
    return list(dict.fromkeys(found))


# -- names -------------------------------------------------------------------------------------


class _Token(NamedTuple):
    start: int
    end: int
    folded: str
    glued: bool  # glued to the token before (camel case, letters and digits)


def _glued_parts(run: str) -> list[tuple[int, int]]:
    """Return (start, end) of the parts of a run: camel case and letters/digits are cut."""
    if run.isdecimal() or (run.isalpha() and (run[1:].islower() or run.isupper())):
        return [(0, len(run))]
    cuts = [0]
    for i in range(1, len(run)):
        before, char = run[i - 1], run[i]
        after = run[i + 1] if i + 1 < len(run) else ""
        if (
            (before.islower() and char.isupper())
            or (before.isdecimal() != char.isdecimal())
            or (before.isupper() and char.isupper() and after.islower())
        ):
            cuts.append(i)
    cuts.append(len(run))
    return list(itertools.pairwise(cuts))


def _tokens(text: str) -> tuple[list[_Token], list[tuple[int, int, str]]]:
    """Return the tokens of a cleaned text, and its glued runs as (start, end, folded)."""
    tokens: list[_Token] = []
    glued: list[tuple[int, int, str]] = []
    for match in _RUN.finditer(text):
        run, base = match.group(), match.start()
        parts = _glued_parts(run)
        if len(parts) > 1:
            glued.append((base, match.end(), run.casefold()))
        for index, (start, end) in enumerate(parts):
            tokens.append(_Token(base + start, base + end, run[start:end].casefold(), index > 0))
    return tokens, glued


def _name_tokens(name: str) -> list[str]:
    return [t.folded for t in _tokens(clean(_unescape(name)))[0]]


def _soft_gap(text: str, before: _Token, after: _Token) -> bool:
    """Tell whether two tokens may belong to one name: a space, one line break, a hyphen,
    an apostrophe, a comma ("Solange, Marc"), a full stop after an initial or between two
    words ("marc.solange")."""
    if after.glued:
        return True
    gap = text[before.end : after.start]
    if gap.count("\n") > 1:
        return False
    marks = "".join(c for c in gap if not c.isspace())
    if not marks:
        return True
    if len(marks) == 1 and marks in _NAME_JOINERS:
        return True
    if marks == "." and gap == ".":
        return True  # "marc.solange", as in an address or a handle
    return len(before.folded) == 1 and marks in {".", ".-", ".\u2010"}


def _rotations(words: list[str]) -> list[list[str]]:
    return [words[i:] + words[:i] for i in range(len(words))]


@dataclass(frozen=True)
class Finding:
    """A protected name read in an output: where, what (the folded name), and the text
    around it. Unpacks as ``where, what``."""

    where: str
    what: str
    context: str = field(default="", compare=False)

    def __iter__(self) -> Iterator[str]:
        return iter((self.where, self.what))

    def __str__(self) -> str:
        return f"{self.where}: {self.what!r} in «{self.context}»"


class LeakScanner:
    """Finds protected names in outputs, sparing the kept full names.

    ``protected``: the full names of the people who must not be named ("Solange Vermeersch").
    ``kept``: full names that may be read even if they share a part with a protected one
    (the team, the people who agreed to be named).
    """

    def __init__(self, protected: Iterable[str], kept: Iterable[str] = ()) -> None:
        self.parts: set[str] = set()
        self.sequences: set[tuple[str, ...]] = set()
        self.inside: set[str] = set()  # runs of letters looked for in addresses and tags
        whole: list[tuple[str, ...]] = []
        for name in protected:
            words = [w for w in name.split() if _name_tokens(w)]
            tokens = [t for w in words for t in _name_tokens(w)]
            parts = {t for t in tokens if len(t) >= MIN_PART and t not in PARTICLES}
            self.parts |= parts
            self.inside |= parts
            whole.append(tuple(tokens))
            for order in _rotations(words):
                sequence = tuple(t for w in order for t in _name_tokens(w))
                if len(sequence) > 1:
                    self.sequences.add(sequence)
                    self.inside.add("".join(sequence))
            for k in range(1, len(words)):
                initials = [t[0] for w in words[:k] for t in _name_tokens(w)]
                rest = [t for w in words[k:] for t in _name_tokens(w)]
                for first in (initials, initials[:1]):
                    self.sequences.add((*first, *rest))
                    self.sequences.add((*rest, *first))
        self.kept: set[tuple[str, ...]] = set()
        self.kept_inside: set[str] = set()
        for name in kept:
            words = [w for w in name.split() if _name_tokens(w)]
            tokens = [t for w in words for t in _name_tokens(w)]
            if any(_holds(tokens, w) for w in whole if len(w) > 1):
                continue  # a "kept" name holding a protected full name shields nothing
            for order in _rotations(words):
                sequence = tuple(t for w in order for t in _name_tokens(w))
                if sequence:
                    self.kept.add(sequence)
                    if len(sequence) > 1:
                        self.kept_inside.add("".join(sequence))
        # A reading can only hold a name if it holds, as a substring, a part of it or the
        # longest token of one of its runs (a quick test before cutting it into tokens).
        needles = self.parts | self.inside | {max(s, key=len) for s in self.sequences}
        self._needles = sorted(needles, key=len, reverse=True)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for sequence in sorted(self.sequences | self.kept, key=len, reverse=True):
            self._by_first.setdefault(sequence[0], []).append(sequence)

    # -- texts ---------------------------------------------------------------------------------

    def text(self, text: str, where: str = "text") -> list[Finding]:
        """Return the protected names read in a text, in any of its readings."""
        if not text:
            return []
        found: list[Finding] = []
        if "data:" in text:
            text = _DATA_URL.sub(lambda m: self._data_url(m, where, found), text)
        for reading in readings(text):
            low = reading.casefold()
            if any(needle in low for needle in self._needles):
                found += self._reading(reading, where)
        return _unique(found)

    def _data_url(self, match: re.Match[str], where: str, found: list[Finding]) -> str:
        mime, payload = match.group(1) or "text/plain", match.group(4)
        try:
            if match.group(3):
                data = base64.b64decode(payload + "=" * (-len(payload) % 4))
            else:
                data = urllib.parse.unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            return match.group()
        suffix = {"image/svg+xml": ".svg", "text/html": ".html", "application/json": ".json"}
        found += self.data(data, f"{where} (data: URL)", name=f"data{suffix.get(mime, '')}")
        return " "

    def _reading(self, text: str, where: str) -> list[Finding]:
        tokens, glued = _tokens(text)
        if not tokens:
            return []
        found: list[Finding] = []
        shielded: set[int] = set()
        named: list[tuple[int, int]] = []
        for i, token in enumerate(tokens):
            for sequence in self._by_first.get(token.folded, ()):
                end = self._match(text, tokens, i, sequence)
                if end is None:
                    continue
                if sequence in self.kept:
                    shielded.update(range(i, end))
                elif sequence in self.sequences:
                    named.append((i, end))
        for i, end in named:
            if not set(range(i, end)) <= shielded:
                what = " ".join(t.folded for t in tokens[i:end])
                found.append(self._finding(where, what, text, tokens[i].start, tokens[end - 1].end))
        for i, token in enumerate(tokens):
            if token.folded in self.parts and i not in shielded:
                found.append(self._finding(where, token.folded, text, token.start, token.end))
        for start, end, run in glued:
            if run in self.parts:
                inside = [i for i, t in enumerate(tokens) if start <= t.start and t.end <= end]
                if not set(inside) <= shielded:
                    found.append(self._finding(where, run, text, start, end))
        found += self._inside_words(text, where)
        return found

    def _match(
        self, text: str, tokens: list[_Token], i: int, sequence: tuple[str, ...]
    ) -> int | None:
        """Return the end index of ``sequence`` read from token i, or None."""
        n = len(sequence)
        if i + n > len(tokens):
            return None
        for k in range(n):
            if tokens[i + k].folded != sequence[k]:
                return None
            if k and not _soft_gap(text, tokens[i + k - 1], tokens[i + k]):
                return None
        return i + n

    def _inside_words(self, text: str, where: str) -> list[Finding]:
        """Find names as runs of letters inside e-mail addresses, hashtags and handles."""
        if "@" not in text and "#" not in text:
            return []
        found = []
        for chunk in _CHUNK.finditer(text):
            word = chunk.group().strip(_CHUNK_EDGES)
            email = _EMAIL.search(word)
            tag = _TAG.match(word)
            if email is not None:
                body = email.group()
            elif tag is not None:
                body = tag.group(1)
            else:
                continue
            letters = "".join(c for c in body.casefold() if c.isalnum())
            for kept in sorted(self.kept_inside, key=len, reverse=True):
                letters = letters.replace(kept, "|")
            for name in sorted(self.inside, key=len, reverse=True):
                if name in letters:
                    found.append(Finding(where, name, chunk.group()[:80]))
                    break
        return found

    @staticmethod
    def _finding(where: str, what: str, text: str, start: int, end: int) -> Finding:
        before = text[max(0, start - 40) : start]
        after = text[end : end + 40]
        context = f"{before}[{text[start:end]}]{after}".replace("\n", "⏎")
        return Finding(where, what, context)

    # -- values and files ------------------------------------------------------------------

    def value(self, value: Any, where: str = "value") -> list[Finding]:
        """Return the names read in a JSON-like value: every key and string, recursively.

        A structured person name ({"givenName": "Marc", "familyName": "Solange"}) is read as
        one name, "Marc Solange", the way a reader of the record reads it.
        """
        found: list[Finding] = []
        stack: list[tuple[Any, str]] = [(value, where)]
        while stack:
            item, at = stack.pop()
            if isinstance(item, str):
                found += self.text(item, at)
            elif isinstance(item, dict):
                item = dict(item)
                for given, family in (("givenName", "familyName"), ("given_name", "family_name")):
                    if isinstance(item.get(given), str) and isinstance(item.get(family), str):
                        whole = f"{item.pop(given)} {item.pop(family)}"
                        found += self.text(whole, f"{at}.{given}+{family}")
                for key, sub in item.items():
                    found += self.text(str(key), f"{at} (key)")
                    stack.append((sub, f"{at}.{key}"))
            elif isinstance(item, (list, tuple)):
                stack.extend((sub, f"{at}[{i}]") for i, sub in enumerate(item))
            elif item is not None and not isinstance(item, (bool, int, float)):
                found += self.text(str(item), at)
        return _unique(found)

    def data(
        self, data: bytes, where: str, depth: int = 0, name: str | None = None
    ) -> list[Finding]:
        """Return the names read in a file's bytes; its ``name`` (by default ``where``)
        tells the format when the bytes do not."""
        if depth > _MAX_DEPTH:
            raise ValueError(f"{where}: nested too deep")
        suffix = PurePosixPath(name if name is not None else where).suffix.lower()
        if data.startswith(b"%PDF"):
            return self.pdf(data, where, depth)
        if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
            return self.zip(data, where, depth)
        if data.startswith(b"SQLite format 3\x00"):
            return self.sqlite(data, where, depth)
        if suffix in _SKIPPED_SUFFIXES or data[:4] in (b"wOF2", b"wOFF", b"OTTO"):
            return []
        if suffix in _IMAGE_SUFFIXES or _is_image(data):
            return self.image(data, where)
        if data.startswith(b"\x1f\x8b"):
            import gzip

            inner = (name or where).removesuffix(".gz")
            return self.data(gzip.decompress(data), where, depth + 1, inner)
        text = _decode(data)
        if text is None:
            return self._strings(data, where)
        if suffix in _MARKUP_SUFFIXES or (suffix == "" and text.lstrip().startswith("<")):
            return self.markup(text, where, depth)
        if suffix in {".json", ".jsonld"}:
            try:  # every key and string, a structured name read as one (see value())
                return self.value(json.loads(text), where)
            except ValueError:
                return self.text(text, where)
        if suffix in {".yaml", ".yml"}:
            return _unique(self.text(text, where) + self._yaml(text, where))
        return self.text(text, where)

    def _yaml(self, text: str, where: str) -> list[Finding]:
        import yaml

        try:
            loaded = list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            return []
        return self.value(loaded, f"{where} (parsed)")

    def _strings(self, data: bytes, where: str) -> list[Finding]:
        """Read an unknown binary as `strings` would: runs of printable characters."""
        runs = re.findall(rb"[\x20-\x7e\x80-\xff]{3,}", data)
        text = "\n".join(r.decode("utf-8", errors="replace") for r in runs)
        return self.text(text, f"{where} (binary strings)")

    def markup(self, text: str, where: str, depth: int = 0) -> list[Finding]:
        """Return the names read in HTML, SVG or XML: text, attributes, comments, JSON-LD."""
        reader = _MarkupReader()
        reader.feed(text)
        reader.close()
        found = self.text(reader.flow(), f"{where}: text")
        for at, value in reader.attributes:
            found += self.text(value, f"{where}: {at}")
        for at, value in reader.comments:
            found += self.text(value, f"{where}: {at}")
        for at, value in reader.scripts:
            try:
                found += self.value(json.loads(value), f"{where}: {at}")
            except ValueError:
                found += self.text(value, f"{where}: {at}")
        return _unique(found)

    def image(self, data: bytes, where: str) -> list[Finding]:
        """Return the names read in an image's metadata: EXIF text, XMP, comments, PNG text."""
        try:
            from PIL import Image
        except ImportError:  # pragma: no cover - Pillow is a dependency of the project
            return self._strings(data, where)
        found: list[Finding] = []
        try:
            with Image.open(io.BytesIO(data)) as image:
                for key, value in image.info.items():
                    if key in {"exif", "icc_profile"}:
                        continue  # EXIF is read tag by tag below; a colour profile is no text
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", errors="replace")
                    if isinstance(value, str):
                        found += self.text(value, f"{where}: {key}")
                exif = image.getexif()
                tags = [exif, *(exif.get_ifd(ifd) for ifd in (0x8769, 0x8825))]
                for tags_of in tags:
                    for tag, value in tags_of.items():
                        if isinstance(value, bytes):
                            value = value.decode("utf-8", errors="replace")
                        if isinstance(value, str):
                            found += self.text(value, f"{where}: EXIF {tag}")
        except OSError:
            found += self._strings(data, where)
        xmp = re.search(rb"<x:xmpmeta.*?</x:xmpmeta>", data, re.S)
        if xmp:
            found += self.markup(xmp.group().decode("utf-8", errors="replace"), f"{where}: XMP")
        return _unique(found)

    def zip(self, data: bytes, where: str, depth: int = 0) -> list[Finding]:
        """Return the names read in a zip: every member's name and content, recursively."""
        import zipfile

        found: list[Finding] = []
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                at = f"{where}/{info.filename}"
                found += self.text(info.filename.replace("/", " / "), f"{at}: file name")
                if info.comment:
                    found += self.text(info.comment.decode("utf-8", "replace"), f"{at}: comment")
                if not info.is_dir():
                    found += self.data(archive.read(info), at, depth + 1, info.filename)
            if archive.comment:
                found += self.text(archive.comment.decode("utf-8", "replace"), f"{where}: comment")
        return _unique(found)

    def sqlite(self, data: bytes, where: str, depth: int = 0) -> list[Finding]:
        """Return the names read in an SQLite file: table and column names, every cell
        (compressed cells decompressed), and the vocabulary of each full-text index."""
        found: list[Finding] = []
        db = sqlite3.connect(":memory:")
        try:
            db.deserialize(data)
            tables = db.execute("SELECT name, type, sql FROM sqlite_master").fetchall()
            # The index blocks of a full-text table hold its terms prefix-compressed ("anne"
            # may be the end of "panneau"): they are read through fts5vocab instead.
            indexes = {
                f"{name}{shadow}"
                for name, _, sql in tables
                if "USING FTS5" in (sql or "").upper()
                for shadow in ("_data", "_idx")
            }
            for name, kind, sql in tables:
                found += self.text(name, f"{where}: {kind} name")
                if kind != "table":
                    continue
                try:
                    cursor = db.execute(f'SELECT * FROM "{name}"')
                except sqlite3.OperationalError:
                    if "VIRTUAL" in (sql or ""):
                        continue  # its shadow tables are read instead
                    raise
                columns = [c[0] for c in cursor.description]
                for column in columns:
                    found += self.text(column, f"{where}: {name} column name")
                for number, row in enumerate(cursor, 1):
                    for column, cell in zip(columns, row, strict=True):
                        if isinstance(cell, bytes) and name in indexes:
                            continue
                        found += self._cell(cell, f"{where}: {name}.{column} row {number}", depth)
                if "USING FTS5" in (sql or "").upper():
                    found += self._vocabulary(db, name, where)
        finally:
            db.close()
        return _unique(found)

    def _cell(self, cell: Any, where: str, depth: int) -> list[Finding]:
        if isinstance(cell, str):
            return self.text(cell, where)
        if not isinstance(cell, bytes):
            return []
        try:
            cell = zlib.decompress(cell)
            where += " (zlib)"
        except zlib.error:
            pass
        text = _decode(cell)
        if text is not None and text.lstrip().startswith(("{", "[")):
            try:
                return self.value(json.loads(text), where)
            except ValueError:
                return self.text(text, where)
        return self.data(cell, where, depth + 1, name="")

    def _vocabulary(self, db: sqlite3.Connection, table: str, where: str) -> list[Finding]:
        db.execute(
            f'CREATE VIRTUAL TABLE temp.leakscan_vocab USING fts5vocab(main, "{table}", row)'
        )
        try:
            terms = [row[0] for row in db.execute("SELECT term FROM temp.leakscan_vocab")]
        finally:
            db.execute("DROP TABLE temp.leakscan_vocab")
        return self.text("\n\n".join(terms), f"{where}: {table} index terms")

    def pdf(self, data: bytes, where: str, depth: int = 0) -> list[Finding]:
        """Return the names read in a PDF: each page's text, and every string of the
        document's objects (info, XMP, structure tree alt texts and ActualText, outlines,
        annotations and link targets), attached files read recursively."""
        from pypdf import PdfReader
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            StreamObject,
            TextStringObject,
        )

        found: list[Finding] = []
        reader = PdfReader(io.BytesIO(data))
        for number, page in enumerate(reader.pages, 1):
            text = page.extract_text() or ""
            found += self.text(text, f"{where}: page {number}")
            joined = _HYPHEN_BREAK.sub("", text)
            if joined != text:
                found += self.text(joined, f"{where}: page {number} (hyphens joined)")
        seen: set[int] = set()
        names: set[str] = set()  # PDF names: named destinations, tags, fonts
        stack: list[tuple[Any, str]] = [(reader.trailer, "trailer")]
        while stack:
            item, key = stack.pop()
            if isinstance(item, IndirectObject):
                if item.idnum in seen:
                    continue
                seen.add(item.idnum)
                item = item.get_object()
            if isinstance(item, TextStringObject):
                found += self.text(str(item), f"{where}: {key}")
            elif isinstance(item, NameObject):
                names.add(str(item)[1:])
            elif isinstance(item, StreamObject):
                found += self._pdf_stream(item, key, where, depth)
                stack.extend((v, f"{key}{k}") for k, v in item.items() if k != "/Length")
            elif isinstance(item, DictionaryObject):
                if item.get("/Type") == "/Filespec" or "/EF" in item:
                    found += self._pdf_attachment(item, where, depth)
                for k, v in item.items():
                    names.add(str(k)[1:])
                    if k in {"/Parent", "/P", "/Pg", "/Prev", "/Last", "/StructParents"}:
                        continue  # back links: reached from their own parents
                    stack.append((v, k))
            elif isinstance(item, ArrayObject):
                stack.extend((v, key) for v in item)
            elif isinstance(item, bytes):
                decoded = _decode(bytes(item))
                if decoded is not None:
                    found += self.text(decoded, f"{where}: {key}")
        found += self.text("\n\n".join(sorted(names)), f"{where}: PDF names")
        return _unique(found)

    def _pdf_stream(self, stream: Any, key: str, where: str, depth: int) -> list[Finding]:
        kind, subtype = stream.get("/Type"), stream.get("/Subtype")
        if kind == "/Metadata" or subtype == "/XML":
            return self.markup(stream.get_data().decode("utf-8", "replace"), f"{where}: {key} XMP")
        return []

    def _pdf_attachment(self, spec: Any, where: str, depth: int) -> list[Finding]:
        spec = spec.get_object()
        name = str(spec.get("/UF") or spec.get("/F") or "attachment")
        files = spec.get("/EF")
        if files is None:
            return []
        found: list[Finding] = []
        stream = files.get_object().get("/F") or files.get_object().get("/UF")
        if stream is not None:
            content = stream.get_object().get_data()
            found += self.data(content, f"{where} » {name}", depth + 1, name)
        return found

    def path(self, path: Path, where: str | None = None) -> list[Finding]:
        """Return the names read in a file or a folder: every file's relative name, and its
        content."""
        label = where if where is not None else path.name
        if path.is_file():
            return _unique(
                self.text(path.name, f"{label}: file name")
                + self.data(path.read_bytes(), label, name=path.name)
            )
        found: list[Finding] = []
        for item in sorted(path.rglob("*")):
            rel = item.relative_to(path).as_posix()
            at = f"{label}/{rel}"
            found += self.text(rel.replace("/", " / "), f"{at}: file name")
            if item.is_file():
                found += self.data(item.read_bytes(), at, name=item.name)
        return _unique(found)


def _holds(long: list[str], short: tuple[str, ...]) -> bool:
    n = len(short)
    return any(tuple(long[i : i + n]) == short for i in range(len(long) - n + 1))


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


def _decode(data: bytes) -> str | None:
    """Return bytes as text (UTF-8, UTF-16 with a BOM), or None for a binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        printable = sum(32 <= b < 127 or b in b"\t\r\n" for b in data[:4096])
        if printable > 0.95 * min(len(data), 4096):
            return data.decode("latin-1")
        return None


def _is_image(data: bytes) -> bool:
    return data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    )


class _MarkupReader(HTMLParser):
    """Collects what a reader or a search engine reads in HTML, SVG or XML markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.comments: list[tuple[str, str]] = []
        self.scripts: list[tuple[str, str]] = []
        self._raw: str | None = None  # "script" or "style" while inside one
        self._raw_label = ""
        self._raw_text: list[str] = []

    def flow(self) -> str:
        return "".join(self.pieces)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._boundary(tag)
        for name, value in attrs:
            if value:
                self.attributes.append((f"<{tag} {name}>", value))
        if tag in {"script", "style"}:
            kind = dict(attrs).get("type") or ""
            label = f"<{tag} {kind}>" if kind else f"<{tag}>"
            self._raw, self._raw_label, self._raw_text = tag, label, []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in {"script", "style"}:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._raw is not None and tag == self._raw:
            self.scripts.append((self._raw_label, "".join(self._raw_text)))
            self._raw = None
        self._boundary(tag)

    def _boundary(self, tag: str) -> None:
        if tag == "br":
            self.pieces.append("\n")
        elif tag not in _INLINE:
            self.pieces.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._raw_text.append(data)
        else:
            self.pieces.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(("<!-- comment -->", data))

    def unknown_decl(self, data: str) -> None:
        if data.startswith("CDATA["):
            self.handle_data(data[6:])
        else:
            self.comments.append(("<!declaration>", data))

    def handle_pi(self, data: str) -> None:
        self.comments.append(("<?processing instruction?>", data))

    def handle_decl(self, decl: str) -> None:
        self.comments.append(("<!DOCTYPE>", decl))
