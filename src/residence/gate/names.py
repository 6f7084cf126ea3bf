# SPDX-License-Identifier: EUPL-1.2
"""How the gate finds a name in a text: folding, name forms, the quick search, the matcher."""

from __future__ import annotations

import html
import itertools
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from residence.text import FOLD_TABLE, slugify

#: Name parts that identify nobody on their own (normalised forms).
PARTICLES = frozenset(
    "de du des d le la les l van von der den da di del della dos das do ben bin el al y e".split()
)
#: Particles that may also be a first name when they open a name ("Ben Martin").
_FIRST_NAME_PARTICLES = frozenset("ben bin van von der den del della dos das".split())
#: Particles written elided, glued to the next part of the name with an apostrophe.
_ELIDED = frozenset("d l".split())
#: The longest run of parts matched as one, besides the whole name (a longer run becomes
#: several pseudonyms in a row; an unbounded one would make the pattern huge).
MAX_RUN = 5
#: Parts this short identify nobody on their own.
MIN_PART_LENGTH = 3


# Between the parts of a name: spaces (one line break at most: a name may be wrapped, but
# never spans a sentence or a paragraph), or a hyphen, dash, apostrophe or underscore.
_SPACE = r"[^\S\n]"
_SEPARATOR = rf"(?:{_SPACE}*[\-\u2010-\u2015'\u2019_]{_SPACE}*|{_SPACE}*\n{_SPACE}*|{_SPACE}+)"
# A name starts and ends where no letter or digit touches it.
_BEFORE = r"(?<![^\W_])"
_AFTER = r"(?![^\W_])"
_WORD = re.compile(r"[^\W_]+")
_NAME_SEPARATORS = re.compile(r"[\-\u2010-\u2015'\u2019\u02bc._]+")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


# -- normalisation ---------------------------------------------------------------------------


@cache
def _lookalikes() -> dict[str, str]:
    """Return {character: the Latin letter or digit it looks like} (Cyrillic a -> a…).

    From the Unicode confusables data (UTS #39) that confusable-homoglyphs ships: each
    character another script draws like one ASCII letter or digit. A name written with
    Cyrillic a and e (U+0430, U+0435) reads as the Latin name, so it is matched as one.
    """
    from confusable_homoglyphs.confusables import confusables_data

    found: dict[str, str] = {}
    for char, entries in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        latin = [e["c"] for e in entries if len(e["c"]) == 1 and e["c"].isascii()]
        latin = [c for c in latin if c.isalnum()]
        if latin:
            found[char] = latin[0].lower()
    return found


class _GateFoldTable(dict[int, str]):
    """residence.text's fold, then the Latin letter each remaining look-alike stands for."""

    def __missing__(self, code: int) -> str:
        folded = FOLD_TABLE[code]
        if not folded.isascii():
            # The character as written first: a Cyrillic capital em looks like M while its
            # lowercase looks like no Latin letter.
            lookalikes = _lookalikes()
            char = chr(code)
            if char in lookalikes:
                folded = lookalikes[char]
            else:
                folded = "".join(lookalikes.get(c, c) for c in folded)
        self[code] = folded
        return folded


GATE_FOLD = _GateFoldTable()


def _fold(text: str) -> str:
    """Return text folded for name matching, character by character (entities kept)."""
    return text.translate(GATE_FOLD)


def normalise(text: str) -> str:
    """Return text folded for name matching: lowercase, no accents, entities decoded."""
    return _normalise(text)[0]


#: What the quick paths of :func:`_normalise` cannot read: an HTML entity, a %-encoded
#: byte, or Markdown emphasis or code marks inside a word ("Ver*meer*sch").
_MARKS_INSIDE = re.compile(r"(?<=[^\W_])[*~`]+(?=[^\W_])")


def _encoded(text: str) -> bool:
    """Tell whether text holds what the quick paths cannot read (see _normalise)."""
    return (
        "&" in text
        or "%" in text
        or (("*" in text or "~" in text or "`" in text) and bool(_MARKS_INSIDE.search(text)))
    )


_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_INSIDE_MARKS = frozenset("*~`")


def _normalise(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Return (folded text, start and end in ``text`` of each folded character).

    The text is read as a reader sees it: HTML entities and %-encoded bytes are decoded,
    and Markdown emphasis or code marks inside a word are dropped ("Sol**ange**" reads
    "Solange"). The maps are None when folding keeps every character in place.
    """
    if not _encoded(text):
        if text.isascii():
            return text.lower(), None, None
        if not _quick_fold().special.search(text):
            return text.translate(GATE_FOLD), None, None  # each character folds to one
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, size = 0, len(text)
    while i < size:
        unit, j = text[i], i + 1
        if unit == "&":
            entity = _ENTITY.match(text, i)
            if entity and (decoded := html.unescape(entity.group())) != entity.group():
                unit, j = decoded, entity.end()
        elif unit == "%":
            encoded = _PERCENT.match(text, i)
            if encoded:
                decoded = urllib.parse.unquote(encoded.group(), errors="replace")
                if decoded != encoded.group():
                    unit, j = decoded, encoded.end()
        elif unit in _INSIDE_MARKS and chars and chars[-1].isalnum():
            k = i
            while k < size and text[k] in _INSIDE_MARKS:
                k += 1
            if k < size and _fold(text[k]).isalnum():
                ends[-1] = k  # marks inside a word belong to the letter before
                i = k
                continue
        folded = GATE_FOLD[ord(unit)] if len(unit) == 1 else unit.translate(GATE_FOLD)
        if folded:
            for c in folded:
                chars.append(c)
                starts.append(i)
                ends.append(j)
        elif ends:
            ends[-1] = j  # an accent or an invisible character belongs to the letter before
        i = j
    return "".join(chars), starts, ends


def _tokens(text: str) -> tuple[str, ...]:
    """Return the normalised words of a text."""
    return tuple(_WORD.findall(normalise(text)))


def _identifying(token: str, first: bool) -> bool:
    """Tell whether a name part identifies someone on its own."""
    if len(token) < MIN_PART_LENGTH:
        return False
    if token in PARTICLES:
        return first and token in _FIRST_NAME_PARTICLES
    return True


def _identifying_tokens(name: str) -> set[str]:
    """Return the normalised parts of a name that identify someone on their own."""
    tokens = _tokens(name)
    return {t for k, t in enumerate(tokens) if _identifying(t, first=k == 0)}


def _orders(name: str) -> list[list[str]]:
    """Return the words of a name as written, and last name first (two ways)."""
    words = [w for w in name.split() if _tokens(w)]
    if len(words) < 2:
        return [words]
    return [words, words[1:] + words[:1], words[-1:] + words[:-1]]


def name_forms(name: str) -> list[tuple[str, ...]]:
    """Return the token sequences that stand for a name: whole, reversed, runs and parts.

    Runs are consecutive parts (up to MAX_RUN) that start and end with an identifying part
    (particles may sit inside: "Kérouac de la Tour"). Longest first.
    """
    identifying = _identifying_tokens(name)
    forms: set[tuple[str, ...]] = set()
    for order in _orders(name):
        tokens = [t for w in order for t in _tokens(w)]
        if len(tokens) > 1 or (tokens and tokens[0] in identifying):
            forms.add(tuple(tokens))  # the whole name, even made of short parts ("Li Wu")
        for start in range(len(tokens)):
            # An elided particle that belongs to the name goes with it: "L'Hermitte".
            elided = tokens[start] in _ELIDED and tokens[start + 1 : start + 2] != []
            if tokens[start] not in identifying and not (
                elided and tokens[start + 1] in identifying
            ):
                continue
            for end in range(start, min(len(tokens), start + MAX_RUN)):
                if tokens[end] in identifying:
                    forms.add(tuple(tokens[start : end + 1]))
    forms.update(_initial_forms(name, identifying))
    return sorted(forms, key=lambda f: (-len(f), -sum(map(len, f)), f))


def _initial_forms(name: str, identifying: set[str]) -> set[tuple[str, ...]]:
    """Return the forms that write the first names as initials: "G. Fouquet", "J.-P. Kérouac",
    "Fouquet G." — so that the initial goes with the surname, never "G. Personne A".
    """
    words = [w for w in name.split() if _tokens(w)]
    forms: set[tuple[str, ...]] = set()
    for k in range(1, len(words)):
        # The given names first ("Gaëlle Fouquet") or last ("Nguyễn Hương", as Vietnamese
        # names are written): either block may be written as initials.
        for given, rest_words in ((words[:k], words[k:]), (words[k:], words[:k])):
            rest = tuple(t for w in rest_words for t in _tokens(w))
            if not identifying.intersection(rest) or len(rest) > MAX_RUN:
                continue
            for initials in _initials(given):
                for first in {initials, initials[:1]}:
                    forms.update({(*first, *rest), (*rest, *first)})
    return forms


def _initials(words: Sequence[str]) -> set[tuple[str, ...]]:
    """Return the ways the words' initials read: each part's first letter folded ("Þórdís"
    gives "th", as "Þ." reads), and the first letter of its folded form ("t")."""
    parts = [p for w in words for p in _NAME_SEPARATORS.split(w) if _tokens(p)]
    as_written = tuple(_tokens(p[0])[0] if _tokens(p[0]) else _tokens(p)[0][0] for p in parts)
    folded = tuple(_tokens(p)[0][0] for p in parts)
    return {as_written, folded}


def _contains(long: Sequence[str], short: Sequence[str]) -> bool:
    """Tell whether ``short`` is a run of consecutive tokens of ``long``."""
    n = len(short)
    return n > 0 and any(tuple(long[i : i + n]) == tuple(short) for i in range(len(long) - n + 1))


# -- the quick search ------------------------------------------------------------------------
# Most texts name nobody, and folding a text character by character costs more than all the
# rest of the gate. So a text is first searched as written, each letter of a name standing
# for every character that folds to it ("e" for e, é, È, ë…) and each separator for every
# character that folds to one. That search finds every name the exact one finds (it may
# find more: then the exact search decides). It is used only on texts whose every character
# it can follow: Latin letters, digits, punctuation and spaces that fold to one character
# of the same kind, or to several letters (œ -> oe, which are written out first). A text
# with any other character (a combining accent, a soft hyphen, another script…) or an
# HTML entity goes to the exact search.

#: The blocks whose characters the quick search may follow (ASCII, Latin, punctuation).
_QUICK_BLOCKS = (
    (0x09, 0x0D), (0x20, 0x7E), (0xA0, 0x24F), (0x1E00, 0x1EFF), (0x2000, 0x206F),
    (0x20A0, 0x20CF),
)  # fmt: skip
_FOLDED_SEPARATOR = re.compile(r"[\s\-\u2010-\u2015'\u2019_]")


def _is_word(text: str) -> bool:
    return _WORD.fullmatch(text) is not None


def _class_body(chars: Iterable[str]) -> str:
    """Return the inside of a regular-expression class matching exactly these characters."""
    codes = sorted({ord(c) for c in chars})
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


@dataclass(frozen=True)
class _QuickFold:
    """What the quick search knows about the characters it can follow."""

    variants: dict[str, str]  # folded character -> class body of those folding to it
    separators: str  # class body of the characters that fold to a name separator
    expand: dict[str, str]  # character -> the letters it folds to (œ -> oe)
    unsafe: re.Pattern[str]  # a character the quick search cannot follow
    expanding: re.Pattern[str]  # a character to write out before searching
    special: re.Pattern[str]  # either (one search tells whether a text is plain)
    lower: str  # class body of the lowercase letters it follows
    upper: str  # class body of the capitals it follows


@cache
def _quick_fold() -> _QuickFold:
    variants: dict[str, list[str]] = {}
    separators: list[str] = []
    expand: dict[str, str] = {}
    for low, high in _QUICK_BLOCKS:
        for char in map(chr, range(low, high + 1)):
            folded = _fold(char)
            if len(folded) == 1 and _is_word(char) == _is_word(folded):
                variants.setdefault(folded, []).append(char)
                if _FOLDED_SEPARATOR.fullmatch(folded):
                    separators.append(char)
            elif (
                len(folded) > 1
                and _is_word(char)
                and _is_word(folded)
                and all(_fold(c) == c for c in folded)
                and all(c.lower() != c.upper() for c in folded)  # cased letters: camel case holds
            ):
                expand[char] = folded.upper() if char.isupper() else folded  # keeps camel case
    one_to_one = [c for chars in variants.values() for c in chars]
    return _QuickFold(
        variants={f: _class_body(chars) for f, chars in variants.items()},
        separators=_class_body(separators),
        expand=expand,
        unsafe=re.compile(f"[^{_class_body([*one_to_one, *expand])}]"),
        expanding=re.compile(f"[{_class_body(expand)}]"),
        special=re.compile(f"[^{_class_body(one_to_one)}]"),
        lower=_class_body(c for chars in variants.values() for c in chars if c.islower()),
        upper=_class_body(c for chars in variants.values() for c in chars if c.isupper()),
    )


def _quick_pattern(keys: Iterable[tuple[str, ...]], bounded: bool = True) -> re.Pattern[str] | None:
    """Return the quick search for names (token sequences), or None if there is none.

    ``bounded=False`` also finds a name glued inside a longer word (for the e-mail
    addresses, hashtags and handles, where a name is searched as a run of letters).

    A name written only with characters that the quick search does not read (another
    script) gets no alternative: the texts that may hold it have such characters, and
    go to the exact search.
    """
    fold = _quick_fold()
    shortest: list[tuple[str, ...]] = []
    # A text holding "jeanne kerbrat" or "g fouquet" holds "jeanne" or "fouquet" too, between
    # word boundaries: a form that contains a shorter one needs no search of its own.
    for key in sorted(set(keys), key=len):
        if key and not any(_contains(key, s) for s in shortest):
            shortest.append(key)
    firsts: set[str] = set()
    alternatives = []
    for key in shortest:
        chars = [c for token in key for c in token]
        if any(c not in fold.variants for c in chars):
            continue  # only other scripts fold to this name: those texts get the exact search
        letters = ["".join(f"[{fold.variants[c]}]" for c in token) for token in key]
        first = fold.variants[key[0][0]]
        firsts.add(first)
        # The first letter is matched by the opening class (so that the regular-expression
        # engine skips fast to the places where a name may start); the rest checks it.
        # Parts may be glued ("SolangeVermeersch", "0A"): glued_spans() splits them.
        between = f"[.{fold.separators}]*"
        rest = between.join([letters[0][len(first) + 2 :], *letters[1:]])
        alternatives.append(f"(?<=[{first}]){rest}")
    if not shortest:
        return None
    if not alternatives:
        return re.compile("(?!)")  # matches nothing
    opening = "".join(sorted(firsts))
    if not bounded:
        return re.compile(f"[{opening}](?:{'|'.join(alternatives)})")
    # A name stands between word boundaries, or is glued to digits ("Vermeersch2"), or is
    # a part of camel case ("SolangeVermeersch"): glued_spans() finds those.
    # One look-behind at the letter before and the first one: refused only when a letter
    # comes before a first letter that is neither a capital nor a digit.
    before = f"(?<![^\\W\\d_][^{fold.upper}0-9])"
    after = f"(?:(?![^\\W\\d_])|(?<=[{fold.lower}])(?=[{fold.upper}])|(?<=\\d)(?=[^\\W\\d_]))"
    return re.compile(f"[{opening}]{before}(?:{'|'.join(alternatives)}){after}")


# -- the matcher -----------------------------------------------------------------------------


#: A word that may hold a name glued to other characters: an e-mail address, a hashtag, a
#: handle, camel case, or letters and digits together (see :meth:`_Matcher.glued_spans`).
_TOKEN = re.compile(r"[^\s<>()\[\]{}\"'«»,;!?]+")
# An e-mail address is "local@domain" with a full stop inside the domain (neither first nor
# last: see _email). Written "[^@\s]+\.[^@\s]+" after the "@", the pattern would try every
# full stop of a domain that ends in a second "@", reading the rest each time (quadratic).
_EMAIL = re.compile(r"([^@\s]+)@([^@\s]+)")
#: A hashtag or a handle, wherever it starts in a word: "#tag", "@handle", and inside a path
#: or an address, "media/@handle.svg", "site.fr/#tag" (not the "@" of an e-mail address).
_TAG = re.compile(r"(?<![^\W_])[#@]([^\W_][\w.\-]*)")


def _email(token: str) -> re.Match[str] | None:
    """Return the match of an e-mail address (group 1: its local part), or None."""
    match = _EMAIL.fullmatch(token)
    if match is None or "." not in match.group(2)[1:-1]:
        return None
    return match


_GLUED_ASCII = re.compile(r"[a-z][A-Z]|[A-Za-z][0-9]|[0-9][A-Za-z]")


def _may_glue(text: str) -> bool:
    """Tell whether text may hold a word that glues a name to more (False: certainly not)."""
    return "@" in text or "#" in text or not text.isascii() or bool(_GLUED_ASCII.search(text))


def _camel_or_digits(token: str) -> bool:
    """Tell whether a word glues parts together: "SolangeVermeersch", "dArtagnan", "Li2"."""
    return any(
        (a.islower() and b.isupper())
        or (a.isalpha() and b.isdecimal())
        or (a.isdecimal() and b.isalpha())
        for a, b in itertools.pairwise(token)
    )


def _split_glued(token: str) -> tuple[str, list[int]]:
    """Return the word with a space between its glued parts, and where each character was."""
    chars: list[str] = []
    where: list[int] = []
    for i, c in enumerate(token):
        if i and c.isalnum() and token[i - 1].isalnum():
            before = token[i - 1]
            if (before.islower() and c.isupper()) or before.isdecimal() != c.isdecimal():
                chars.append(" ")
                where.append(i)
        chars.append(c)
        where.append(i)
    return "".join(chars), where


@dataclass(frozen=True)
class _Matcher:
    """Finds protected names (and the kept names that shield them) in any text."""

    pattern: re.Pattern[str] | None
    table: dict[tuple[str, ...], str | None]  # tokens -> pseudonym, None for a kept name
    quick: re.Pattern[str] | None = None  # the quick search for the protected names
    quick_inside: re.Pattern[str] | None = None  # the same, inside longer words too
    inside: re.Pattern[str] | None = None  # names as runs of letters, for addresses and tags
    kept_inside: re.Pattern[str] | None = None  # kept full names as runs of letters

    def may_name(self, text: str) -> bool:
        """Tell whether a text may hold a protected name (False: it certainly does not)."""
        if self.quick is None or not text:
            return False
        if _encoded(text):
            return True
        fold = _quick_fold()
        original = text
        if not text.isascii():
            if fold.special.search(text):
                if fold.unsafe.search(text):
                    return True
                text = fold.expanding.sub(lambda m: fold.expand[m.group()], text)
        if self.quick.search(text) is not None:
            return True
        return (
            ("@" in original or "#" in original)
            and self.quick_inside is not None
            and self.quick_inside.search(text) is not None
        )

    def spans(self, text: str) -> Iterator[tuple[int, int, str | None]]:
        """Yield (start, end, pseudonym or None) of every name found in text, in order.

        Names glued inside a longer word (see :meth:`glued_spans`) come first; the names
        found between word boundaries fill the rest.
        """
        if self.pattern is None or not text:
            return
        glued = sorted(self.glued_spans(text)) if _may_glue(text) else []
        found: list[tuple[int, int, str | None]] = [*glued]
        # The bounded names come in order and apart: a glued name overlaps one when it
        # starts before the name's end and ends after its start, so one pass over the glued
        # names (by start, keeping the furthest end) tells, however many there are.
        furthest, next_glued = -1, 0
        for start, end, pseudonym in self._bounded_spans(text):
            while next_glued < len(glued) and glued[next_glued][0] < end:
                furthest = max(furthest, glued[next_glued][1])
                next_glued += 1
            if furthest <= start:
                found.append((start, end, pseudonym))
        yield from sorted(found)

    def _bounded_spans(self, text: str) -> Iterator[tuple[int, int, str | None]]:
        """Yield the names that stand between word boundaries, as written in text."""
        assert self.pattern is not None
        # Most texts name nobody: a search on the folded text alone (no position maps)
        # settles that cheaply. It folds exactly as _normalise does, entities aside.
        if not _encoded(text) and not text.isascii():
            if not self.pattern.search(_fold(text)):
                return
        folded, starts, ends = _normalise(text)
        for match in self.pattern.finditer(folded):
            key = tuple(_WORD.findall(match.group()))
            start, end = match.start(), match.end()
            if starts is not None and ends is not None:
                start, end = starts[start], ends[end - 1]
            yield start, end, self.table.get(key)

    def glued_spans(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Yield the protected names glued inside longer words, with what replaces them.

        Caught: in an e-mail address (its local part), a hashtag or a handle, a name as a
        run of letters anywhere in it ("svermeersch@…", "#griffithfiona"), so the whole
        local part or tag goes; in camel case or letters glued to digits, a name that is
        one of the glued parts ("SolangeVermeersch", "dArtagnan", "Vermeersch2"), so those
        parts go. A plain substring search everywhere would also hide every word that
        happens to contain a short name ("Léa" in "léard", "Marie" in "mariée").
        """
        for token_match in _TOKEN.finditer(text):
            token = token_match.group().rstrip(".:")
            base = token_match.start()
            email = _email(token)
            # An address's local part and domain; else every hashtag or handle in the word.
            bodies = [email.span(1), email.span(2)] if email else []
            bodies = bodies or [m.span(1) for m in _TAG.finditer(token)]
            hidden = False
            for start, end in bodies:
                pseudonym = self._inside(token[start:end])
                if pseudonym is not None:
                    yield base + start, base + end, pseudonym
                    hidden = True
            if hidden:
                continue
            if token.isalpha() and (token[1:].islower() or token.isupper()):
                continue  # a plain word, capitalised or in capitals
            if _PERCENT.search(token):
                continue  # %-encoded: read decoded between word boundaries, not cut apart
            if _camel_or_digits(token):
                spaced, where = _split_glued(token)
                for start, end, pseudonym in self._bounded_spans(spaced):
                    if pseudonym is not None:
                        start, end = where[start], where[end - 1] + 1
                        # The digits glued to a name go with it: "Vermeersch2".
                        while start and token[start - 1].isdecimal():
                            start -= 1
                        while end < len(token) and token[end].isdecimal():
                            end += 1
                        yield base + start, base + end, pseudonym

    def _inside(self, word: str) -> str | None:
        """Return the pseudonym of a protected name written anywhere in a word, or None."""
        if self.inside is None:
            return None
        folded = "".join(c for c in _normalise(word)[0] if c.isalnum())
        if self.kept_inside is not None:
            folded = self.kept_inside.sub(" ", folded)
        match = self.inside.search(folded)
        if match is None:
            return None
        return next(
            (p for key, p in self.table.items() if p is not None and "".join(key) == match.group()),
            None,
        )

    def replace(self, text: str, slug: bool = False) -> str:
        """Return text with every protected name replaced by its pseudonym (or its slug).

        Inside a link's address (a Markdown link or image target, an autolink, a bare
        URL) the slug goes in: "Personne A" would end the address at its space and show
        the rest of the link as text.
        """
        if not self.may_name(text):
            return text
        addresses = _addresses(text) if not slug else []
        pieces: list[str] = []
        last = 0
        for start, end, pseudonym in self.spans(text):
            if pseudonym is None or start < last:
                continue
            start, end = _with_marks(text, start, end)
            in_address = any(a <= start < b for a, b in addresses)
            pieces += [text[last:start], slugify(pseudonym) if slug or in_address else pseudonym]
            last = end
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    def found(self, text: str) -> list[str]:
        """Return the protected names written in text, as written, each once."""
        if not self.may_name(text):
            return []
        seen: dict[str, None] = {}
        for start, end, pseudonym in self.spans(text):
            if pseudonym is not None:
                seen.setdefault(text[start:end], None)
        return list(seen)


_MARK_RUN = re.compile(r"[*~`]+")
#: Where a text holds a link's address: a Markdown link or image target ("](…)"), a
#: reference definition ("[x]: …"), an autolink ("<https://…>") or a bare URL.
_ADDRESS = re.compile(
    r"\]\(\s*<?([^\s)>]+)"
    r"|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)"
    r"|<((?:https?|ftp|mailto):[^\s>]+)>"
    r"|((?:https?|ftp)://[^\s<>()\[\]]+|www\.[^\s<>()\[\]]+|mailto:[^\s<>()\[\]]+)",
    re.MULTILINE | re.IGNORECASE,
)


def _addresses(text: str) -> list[tuple[int, int]]:
    """Return the spans of the link addresses in a text (see _ADDRESS)."""
    if "](" not in text and ":" not in text and "www." not in text.lower():
        return []
    spans = []
    for match in _ADDRESS.finditer(text):
        group = next(g for g in range(1, 5) if match.group(g) is not None)
        spans.append(match.span(group))
    return spans


def _with_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a name's span over the Markdown mark that closes (or opens) one inside it.

    "Sol**ange**" is found as "Sol**ange": its replacement takes the closing "**" too, so
    that no lone mark is left to show.
    """
    runs = _MARK_RUN.findall(text, start, end)
    if len(runs) % 2 == 0:
        return start, end
    after = _MARK_RUN.match(text, end)
    if after is not None:
        return start, after.end()
    before = start
    while before and text[before - 1] in _INSIDE_MARKS:  # the marks just before the name
        before -= 1
    return before, end


def _build_matcher(protected: Sequence[tuple[str, str]], kept: Iterable[str] = ()) -> _Matcher:
    """Return the matcher of (name, pseudonym) pairs, shielding the kept full names."""
    table: dict[tuple[str, ...], str | None] = {}
    protected_tokens = {t for name, _ in protected for t in _tokens(name)}
    whole = [tokens for name, _ in protected if len(tokens := _tokens(name)) > 1]
    for name in kept:
        for order in _orders(name):
            tokens = tuple(t for w in order for t in _tokens(w))
            # Only a kept name that shares a part with a protected one matters; one that
            # holds a protected person's whole name (first and last) is not kept.
            if protected_tokens.intersection(tokens) and not any(
                _contains(tokens, w) for w in whole
            ):
                table[tokens] = None
    for name, pseudonym in protected:
        for form in name_forms(name):
            # A protected name wins over a kept one; the first person over the next.
            if table.get(form) is None:
                table[form] = pseudonym
    if not table:
        return _Matcher(None, {})
    keys = sorted(table, key=lambda f: (-len(f), -sum(map(len, f)), f))
    alternatives = "|".join(_form_pattern(key) for key in keys)
    named = [key for key, pseudonym in table.items() if pseudonym is not None]
    # Inside an e-mail address, a hashtag or a handle, a name is searched as a plain run of
    # letters: the whole name glued ("griffithfiona"), else each identifying part.
    inside = sorted({"".join(key) for key in named}, key=lambda k: (-len(k), k))
    kept_inside = sorted(
        {"".join(key) for key, pseudonym in table.items() if pseudonym is None and len(key) > 1},
        key=lambda k: (-len(k), k),
    )
    return _Matcher(
        re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}"),
        table,
        _quick_pattern(named),
        _quick_pattern(named, bounded=False),
        re.compile("|".join(map(re.escape, inside))) if inside else None,
        re.compile("|".join(map(re.escape, kept_inside))) if kept_inside else None,
    )


def _form_pattern(key: tuple[str, ...]) -> str:
    """Return the regular expression of one form: its parts with separators between them.

    An initial (a part of one letter) may be followed by a full stop: "G. Fouquet",
    "J.-P. Kérouac", "G.Fouquet".
    """
    pieces = []
    for index, token in enumerate(key):
        piece = re.escape(token)
        # An initial may be two letters once folded ("Þ." reads "th.") beside a surname;
        # two short parts ("Li Wu") are a whole name, never initials.
        initial = len(token) == 1 or (
            len(token) == 2 and any(len(t) >= MIN_PART_LENGTH for t in key)
        )
        if index < len(key) - 1:
            after = f"(?:\\.{_SEPARATOR}?|{_SEPARATOR})" if initial else _SEPARATOR
            piece += after
        elif initial and len(key) > 1:
            piece += "\\.?"
        pieces.append(piece)
    return "".join(pieces)


@cache
def _cached_matcher(names: tuple[str, ...], kept: tuple[str, ...]) -> _Matcher:
    return _build_matcher([(name, name) for name in names], kept)


def find_leaks(text: str, names: Iterable[str], kept: Iterable[str] = ()) -> list[str]:
    """Return the protected names written in any text (HTML, PDF text…), as written.

    ``names`` comes from :func:`protected_names`; ``kept`` from :func:`kept_names` (the
    team's names, which may share a first name with a protected person). The same matching
    rules as the gate apply: case, accents, entities and elisions do not hide a name.
    """
    matcher = _cached_matcher(tuple(names), tuple(kept))
    return matcher.found(text)


def pseudonymise_text(
    text: str, pseudonyms: Sequence[tuple[str, str]], kept: Iterable[str] = ()
) -> str:
    """Return text with each (name, pseudonym) pair's name and name parts replaced."""
    return _build_matcher(pseudonyms, kept).replace(text)
