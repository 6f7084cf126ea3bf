"""The privacy gate: a loaded residency + "public" | "team" -> the residency that may be published.

Every output (HTML, PDF, method sheets, actor map, archive, catalogue) is made from the result
of :func:`select_edition`, never from the raw residency: privacy is one gate here, not a check
repeated in each renderer.

The **public** edition (the default of every command):

- drops what is marked ``visibility: team`` (journal entries, quotes — any item with that
  field, wherever it sits), every consent record, and everything under ``private/``;
- *protects* every personal actor (``personal: true``) whose last consent record does not
  allow publication (:meth:`Consent.allows_public`; a minor needs ``guardians: true``):
  its name and each identifying part of it are replaced by a pseudonym — "Personne A",
  "Personne B"… ("Person A" in English) — in every text of every model, found by walking
  the pydantic fields generically, so that a field added later is covered without a change
  here. Its actor stays on the map, under the pseudonym, with its stakes and a description
  scrubbed of names; its quotes stay, attributed to the pseudonym;
- leaves out every picture that shows a protected person (``people``), whose file name
  holds a protected name, that lies under ``private/`` or outside the folder, or that lists
  an unknown person (a misspelt id may be a protected one) — wherever the picture is used,
  the cover included;
- renames the ids that would give a name away: a protected actor's id becomes the slug of
  its pseudonym (``personne-a``), and any other id or journal file name that holds a
  protected name has that name replaced the same way; every reference follows;
- carries no raw file data: ``nodes``, ``files`` and ``failed`` are empty.

The **team** edition keeps everything (team entries, consent records, real names); the
renderers mark each of its pages "Document interne — ne pas diffuser".

Pseudonym letters follow the order in which the protected actors appear in actors.yaml, A
to Z, then AA, AB… Adding, removing or moving an actor that is not protected never changes
a letter, and a newly met person added at the end of the file gets the next letter; only
moving protected actors around, or a consent that changes, shifts letters. Sorting by id
was rejected: ids are usually the name as a slug, so letters in id order would tell the
alphabetical order of the hidden names.

How names are matched — on normalised text (case, accents and ligatures folded: Kérouac,
KEROUAC and kerouac are one name; HTML entities, soft hyphens and zero-width characters do
not hide a name), on word boundaries (so elided forms such as "d'Mathilde" or
"l'Hermitte" are found, and "Mathildes" is not), the longest form first: the full name,
also written last name first, and every run of consecutive parts ("Jean-Pierre",
"Jean Pierre", "Pierre Kérouac") become one pseudonym, never "Personne A Personne A"; then
each part alone. The parts of a name that do not identify anyone are not matched alone:
particles (de, du, des, d', le, la, les, l', van, von, der, den, da, di, del, della, dos,
das, do, ben, bin, el, al, y, e) and parts of one or two letters. A foreign particle that
opens a name and could be a first name ("Ben", "Van", "Del"…) is matched, and an elided
particle of the name goes with the next part ("L'Hermitte" becomes one pseudonym, while
the "d'" of "le bureau d'Mathilde", which is grammar, stays). So "Jean de La
Fontaine" hides "Jean", "Fontaine" and the whole, but leaves the word "de" alone; a
two-letter surname such as "Li" is only hidden as part of the full name.

Matching is deliberately broad, because a missed name cannot be unpublished: a name that is
also a common word ("Petit", "Rose") is replaced wherever the word is written — and the
odd sentence that results may itself hint at the name: read the public edition. The full
names of the team members and of the people who agreed to be named are kept as they are
(the residents sign their work) even when they share a part with a protected name, unless
they contain a protected person's whole name.

To test any output text, use :func:`find_leaks` with :func:`protected_names` and
:func:`kept_names`; :func:`leaks` scans a whole published residency.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import html
import posixpath
import re
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, WithJsonSchema

from residence.i18n import translator
from residence.layout import PRIVATE_FOLDER
from residence.models import Actor, Media, Method, Model, Residency
from residence.models.common import SLUG_PATTERN
from residence.models.residency import entry_stem, set_source, source_of, source_stem
from residence.text import FOLD_TABLE, slugify

Edition = Literal["public", "team"]
EDITIONS: tuple[str, ...] = ("public", "team")

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


def _fold(text: str) -> str:
    """Return text with each character folded as residence.text.fold does (entities kept)."""
    return text.translate(FOLD_TABLE)


def normalise(text: str) -> str:
    """Return text folded for name matching: lowercase, no accents, entities decoded."""
    return _normalise(text)[0]


def _normalise(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Return (folded text, start and end in ``text`` of each folded character).

    The maps are None when folding keeps every character in place (plain ASCII text).
    """
    if "&" not in text:
        if text.isascii():
            return text.lower(), None, None
        if not _quick_fold().special.search(text):
            return text.translate(FOLD_TABLE), None, None  # each character folds to one
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
        folded = FOLD_TABLE[ord(unit)] if len(unit) == 1 else unit.translate(FOLD_TABLE)
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
    return sorted(forms, key=lambda f: (-len(f), -sum(map(len, f)), f))


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
            ):
                expand[char] = folded
    one_to_one = [c for chars in variants.values() for c in chars]
    return _QuickFold(
        variants={f: _class_body(chars) for f, chars in variants.items()},
        separators=_class_body(separators),
        expand=expand,
        unsafe=re.compile(f"[^{_class_body([*one_to_one, *expand])}]"),
        expanding=re.compile(f"[{_class_body(expand)}]"),
        special=re.compile(f"[^{_class_body(one_to_one)}]"),
    )


def _quick_pattern(keys: Iterable[tuple[str, ...]]) -> re.Pattern[str] | None:
    """Return the quick search for names (token sequences), or None if there is none.

    A name written only with characters that the quick search does not read (another
    script) gets no alternative: the texts that may hold it have such characters, and
    go to the exact search.
    """
    fold = _quick_fold()
    shortest: list[tuple[str, ...]] = []
    for key in sorted(set(keys), key=len):  # "jeanne" covers "jeanne kerbrat"
        if key and not any(key[: len(s)] == s for s in shortest):
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
        rest = f"[{fold.separators}]+".join([letters[0][len(first) + 2 :], *letters[1:]])
        alternatives.append(f"(?<=[{first}]){rest}")
    if not shortest:
        return None
    if not alternatives:
        return re.compile("(?!)")  # matches nothing
    opening = "".join(sorted(firsts))
    return re.compile(f"[{opening}](?<![^\\W_].)(?:{'|'.join(alternatives)}){_AFTER}")


# -- the matcher -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Matcher:
    """Finds protected names (and the kept names that shield them) in any text."""

    pattern: re.Pattern[str] | None
    table: dict[tuple[str, ...], str | None]  # tokens -> pseudonym, None for a kept name
    quick: re.Pattern[str] | None = None  # the quick search for the protected names

    def may_name(self, text: str) -> bool:
        """Tell whether a text may hold a protected name (False: it certainly does not)."""
        if self.quick is None or not text:
            return False
        if "&" in text:
            return True
        if not text.isascii():
            fold = _quick_fold()
            if fold.special.search(text):
                if fold.unsafe.search(text):
                    return True
                text = fold.expanding.sub(lambda m: fold.expand[m.group()], text)
        return self.quick.search(text) is not None

    def spans(self, text: str) -> Iterator[tuple[int, int, str | None]]:
        """Yield (start, end, pseudonym or None) of every name found in text, in order."""
        if self.pattern is None or not text:
            return
        # Most texts name nobody: a search on the folded text alone (no position maps)
        # settles that cheaply. It folds exactly as _normalise does, entities aside.
        if "&" not in text and not text.isascii():
            if not self.pattern.search(_fold(text)):
                return
        folded, starts, ends = _normalise(text)
        for match in self.pattern.finditer(folded):
            key = tuple(_WORD.findall(match.group()))
            start, end = match.start(), match.end()
            if starts is not None and ends is not None:
                start, end = starts[start], ends[end - 1]
            yield start, end, self.table.get(key)

    def replace(self, text: str, slug: bool = False) -> str:
        """Return text with every protected name replaced by its pseudonym (or its slug)."""
        if not self.may_name(text):
            return text
        pieces: list[str] = []
        last = 0
        for start, end, pseudonym in self.spans(text):
            if pseudonym is None:
                continue
            pieces += [text[last:start], slugify(pseudonym) if slug else pseudonym]
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
    alternatives = "|".join(_SEPARATOR.join(re.escape(t) for t in key) for key in keys)
    quick = _quick_pattern(key for key, pseudonym in table.items() if pseudonym is not None)
    return _Matcher(re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}"), table, quick)


@cache
def _cached_matcher(names: tuple[str, ...], kept: tuple[str, ...]) -> _Matcher:
    return _build_matcher([(name, name) for name in names], kept)


# -- who is protected ------------------------------------------------------------------------


def protected_actors(residency: Residency) -> list[Actor]:
    """Return the personal actors without a valid public consent, in actors.yaml order."""
    found = []
    for actor in residency.actors:
        if not actor.personal:
            continue
        consent = residency.consent_for(actor.id)
        if consent is None or not consent.allows_public(actor.minor):
            found.append(actor)
    return found


def letter_label(index: int) -> str:
    """Return the letters of the n-th pseudonym (0 -> A, 25 -> Z, 26 -> AA, 27 -> AB…)."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def pseudonym_for(index: int, language: str) -> str:
    """Return the n-th pseudonym in a language: "Personne A" (fr), "Person A" (en)…"""
    return translator(language, "report").gettext("Person {letter}", letter=letter_label(index))


def pseudonyms_of(residency: Residency) -> dict[str, str]:
    """Return {source actor id: pseudonym} of the protected actors, stable across runs."""
    return {
        actor.id: pseudonym_for(index, residency.language)
        for index, actor in enumerate(protected_actors(residency))
    }


def protected_names(source: Residency) -> list[str]:
    """Return the names that must not appear in a public output: full names, then parts.

    Each protected actor gives its full name and every identifying part of it (see the
    module docstring for what is not identifying). Feed them to :func:`find_leaks`.
    """
    found: dict[str, None] = {}
    for actor in protected_actors(source):
        identifying = _identifying_tokens(actor.name)
        found.setdefault(actor.name.strip(), None)
        for word in actor.name.split():
            pieces = [p for p in _NAME_SEPARATORS.split(word) if _tokens(p)]
            if len(pieces) > 1 and identifying.intersection(_tokens(word)):
                found.setdefault(word.strip(".,;:()"), None)
            for piece in pieces:
                if identifying.intersection(_tokens(piece)):
                    found.setdefault(piece, None)
    return [name for name in found if name]


def kept_names(source: Residency) -> list[str]:
    """Return the full names kept even if they share a part with a protected name.

    These are the team members and the personal actors who agreed to be named.
    """
    names = [m.name for m in source.residence.team] if source.residence else []
    protected = {a.id for a in protected_actors(source)}
    names += [a.name for a in source.actors if a.personal and a.id not in protected]
    return names


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


# -- walking models --------------------------------------------------------------------------


@dataclass(frozen=True)
class _FieldKind:
    """What a field holds: ids (renamed with their targets), fixed words, or free text.

    ``models`` tells whether the field may hold pydantic models (a list of quotes, a
    nested block…): walks skip the fields that cannot.
    """

    ids: bool
    words: frozenset[Any]
    models: bool = True


#: Fields typed as plain text that hold ids of other items (journal file names or ids).
_ID_FIELDS: set[tuple[type[BaseModel], str]] = {(Method, "examples")}
#: Values that are never changed by the gate and need no copy.
_IMMUTABLE = (type(None), bool, int, float, dt.date, dt.time, dt.datetime, Decimal)


def _annotation_parts(annotation: Any) -> Iterator[Any]:
    """Yield every type, argument and Annotated metadata inside an annotation."""
    yield annotation
    yield from getattr(annotation, "__metadata__", ())
    for arg in typing.get_args(annotation):
        if isinstance(arg, (str, int, bool)) or arg is None:
            yield arg
        else:
            yield from _annotation_parts(arg)


def _holds_models(part: Any) -> bool:
    """Tell whether a part of an annotation may be a pydantic model (Any may be one)."""
    if part is Any or isinstance(part, typing.TypeVar):
        return True
    return isinstance(part, type) and issubclass(part, BaseModel)


@cache
def _field_kind(model: type[BaseModel], name: str) -> _FieldKind:
    """Return what a model's field holds (read from its type, once)."""
    field = model.model_fields[name]
    ids = (model, name) in _ID_FIELDS
    words: set[Any] = set()
    models = False
    for part in [*field.metadata, *_annotation_parts(field.annotation)]:
        if (
            isinstance(part, WithJsonSchema)
            and (part.json_schema or {}).get("pattern") == SLUG_PATTERN
        ):
            ids = True
        if typing.get_origin(part) is Literal:
            words.update(typing.get_args(part))
        models = models or _holds_models(part)
    return _FieldKind(ids, frozenset(words), models)


@cache
def _plan(model: type[BaseModel]) -> tuple[tuple[str, _FieldKind], ...]:
    """Return (name, kind) of each field of a model class, worked out once."""
    return tuple((name, _field_kind(model, name)) for name in model.model_fields)


def _models_in(value: Any) -> list[BaseModel]:
    """Return every pydantic model inside a value, depth first."""
    found: list[BaseModel] = []
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, BaseModel):
            found.append(value)
            stack.extend(
                getattr(value, name) for name, kind in reversed(_plan(type(value))) if kind.models
            )
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(v for v in reversed(list(value)) if not isinstance(v, (str, *_IMMUTABLE)))
        elif isinstance(value, dict):
            stack.extend(reversed(list(value.values())))
    return found


def _id_values(model: BaseModel) -> Iterator[str]:
    """Yield the ids written in one model's own fields."""
    for name, kind in _plan(type(model)):
        if not kind.ids:
            continue
        value = getattr(model, name)
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, str):
                yield item


def _norm_path(file: str) -> str:
    """Return a media path in one form: forward slashes, no ./ or a/../."""
    return posixpath.normpath(file.strip().replace("\\", "/")).removeprefix("./")


# -- the gate --------------------------------------------------------------------------------


class _PublicGate:
    """Everything the public edition needs to know about one source residency."""

    def __init__(self, source: Residency) -> None:
        self.source = source
        protected = protected_actors(source)
        self.pseudonyms = pseudonyms_of(source)
        self.protected_ids = set(self.pseudonyms)
        self.known_ids = {a.id for a in source.actors}
        self.matcher = _build_matcher(
            [(a.name, self.pseudonyms[a.id]) for a in protected], kept_names(source)
        )
        everything = self._all_models()
        self.forbidden_files = {
            _norm_path(m.file).casefold()
            for m in everything
            if isinstance(m, Media) and not self._media_people_allowed(m)
        }
        self.ids = self._rename_ids(everything)
        self.folders: dict[str, str] = {}  # source folder -> its public form
        team_stems = {entry_stem(e) for e in source.entries if e.visibility == "team"}
        public_refs = {entry_stem(e) for e in source.entries if e.visibility != "team"}
        public_refs |= {p.id for p in source.prototypes}
        self.dropped_refs = team_stems - public_refs

    def _all_models(self) -> list[BaseModel]:
        found: list[BaseModel] = []
        for f in dataclasses.fields(self.source):
            found += _models_in(getattr(self.source, f.name))
        return found

    def _media_people_allowed(self, media: Media) -> bool:
        return not any(p in self.protected_ids or p not in self.known_ids for p in media.people)

    def file_allowed(self, file: str | None) -> bool:
        """Tell whether a picture file may appear in the public edition."""
        if not file or not file.strip():
            return False
        path = _norm_path(file)
        if posixpath.isabs(path) or path.split("/")[0] == ".." or file[1:2] == ":":
            return False
        if "://" in path or path.split("/")[0].casefold() == PRIVATE_FOLDER:
            return False
        if path.casefold() in self.forbidden_files:
            return False
        if any(p is not None for _, _, p in self.matcher.spans(file)):
            return False
        try:  # a link from media/ into private/ (or out of the folder) counts as its target
            root = self.source.root.resolve()
            inside = (self.source.root / path).resolve().relative_to(root)
        except (OSError, ValueError, RuntimeError):
            return False
        return not (inside.parts and inside.parts[0].casefold() == PRIVATE_FOLDER)

    def _rename_ids(self, models: list[BaseModel]) -> dict[str, str]:
        """Return {id or journal file name: public form} for those that give a name away."""
        values: set[str] = set()
        for model in models:
            values.update(_id_values(model))
            if isinstance(model, Model) and (stem := source_stem(model)):
                values.add(stem)
        taken = set(values)
        renamed: dict[str, str] = {}

        def assign(value: str, wanted: str) -> None:
            new, n = wanted, 2
            while new != value and new in taken:
                new, n = f"{wanted}-{n}", n + 1
            taken.add(new)
            renamed[value] = new

        for actor_id, pseudonym in self.pseudonyms.items():
            assign(actor_id, slugify(pseudonym))
        for value in sorted(values - set(renamed)):
            wanted = self.matcher.replace(value, slug=True)
            if wanted != value:
                assign(value, wanted)
        return renamed

    def rename(self, value: str) -> str:
        """Return the public form of an id or journal file name."""
        return self.ids.get(value) or self.matcher.replace(value, slug=True)

    def rename_path(self, path: str) -> str:
        """Return the public form of a source file path (its file name renamed)."""
        if not path:
            return path
        folder, _, name = path.replace("\\", "/").rpartition("/")
        stem, suffix = posixpath.splitext(name)
        if folder not in self.folders:
            parts = [self.matcher.replace(p, slug=True) for p in folder.split("/") if p]
            self.folders[folder] = "".join(f"{p}/" for p in parts)
        return self.folders[folder] + self.rename(stem) + suffix

    # -- copying with the rules applied

    def keep(self, item: Any) -> bool:
        """Tell whether an item of a list reaches the public edition."""
        if isinstance(item, BaseModel) and getattr(item, "visibility", None) == "team":
            return False
        if isinstance(item, Media):
            return self._media_people_allowed(item) and self.file_allowed(item.file)
        return True

    def scrub_text(self, value: str, kind: _FieldKind | None = None) -> str:
        """Return the public form of one string of a field: a fixed word, an id or text."""
        if kind is not None:
            if value in kind.words:
                return value
            if kind.ids:
                return self.rename(value)
        return self.matcher.replace(value)

    def scrub(self, value: Any, kind: _FieldKind | None = None) -> Any:
        """Return a public copy of any value: lists filtered, models and texts scrubbed."""
        if type(value) is str:
            return self.scrub_text(value, kind)
        if isinstance(value, _IMMUTABLE):
            return value  # nothing to scrub, nothing to copy
        if isinstance(value, BaseModel):
            return self.scrub_model(value)
        if isinstance(value, (list, tuple)):
            items = [
                self.scrub_text(v, kind) if type(v) is str else self.scrub(v, kind)
                for v in value
                if type(v) is str or self.keep(v)
            ]
            return items if isinstance(value, list) else tuple(items)
        if isinstance(value, (set, frozenset)):
            return type(value)(self.scrub(v, kind) for v in value if self.keep(v))
        if isinstance(value, dict):
            return {self.scrub(k, kind): self.scrub(v, kind) for k, v in value.items()}
        if isinstance(value, str):  # a str subclass: scrubbed as plain text
            return self.scrub_text(str(value), kind)
        return copy.deepcopy(value)

    def scrub_model(self, model: BaseModel) -> BaseModel:
        """Return a scrubbed deep copy of a model (the source is left untouched)."""
        # A shallow copy (private attributes and the fields the user set included) whose
        # every field is then replaced by a scrubbed copy, without validation: the values
        # are the source's own, already valid, with names replaced.
        new = model.__copy__()
        fields = new.__dict__
        for name, kind in _plan(type(model)):
            value = fields[name]
            if type(value) is str:
                fields[name] = self.scrub_text(value, kind)
            elif value is None:
                continue
            elif type(value) is list and not value:
                fields[name] = []
            else:
                fields[name] = self.scrub(value, kind)
        if isinstance(model, Method) and isinstance(new, Method):
            fields["examples"] = [
                self.rename(r) for r in model.examples if r not in self.dropped_refs
            ]
        if isinstance(model, Actor) and isinstance(new, Actor) and model.id in self.pseudonyms:
            fields["name"] = self.pseudonyms[model.id]
        if isinstance(model, Model) and source_of(model):
            set_source(new, self.rename_path(source_of(model)))  # type: ignore[arg-type]
        return new


def select_edition(residency: Residency, edition: Edition = "public") -> Residency:
    """Return the residency as it may be published in an edition: "public" or "team".

    The result is a new value (deep copies); the source residency is never modified.
    ``pseudonyms`` maps the returned residency's actor ids to pseudonyms: in the public
    edition these ids are already pseudonymous (``personne-a``); in the team edition they
    are the real ids, so that the team knows who is who in the public edition.

    >>> published = select_edition(residency, "public")  # doctest: +SKIP
    """
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}: choose public or team")
    if edition == "team":
        team = copy.deepcopy(residency)  # models keep their source file (a private attribute)
        team.edition = "team"
        team.pseudonyms = pseudonyms_of(residency)
        return team
    gate = _PublicGate(residency)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(residency):
        value = getattr(residency, f.name)
        if f.name == "root":
            values[f.name] = value
        elif f.name in ("consents", "nodes", "files", "failed"):
            values[f.name] = type(value)()
        elif f.name in ("edition", "pseudonyms"):
            continue
        else:
            values[f.name] = gate.scrub(value)
    published = Residency(**values)
    if published.residence is not None and published.residence.cover is not None:
        if not gate.file_allowed(residency.residence.cover if residency.residence else None):
            published.residence.cover = None
    published.edition = "public"
    published.pseudonyms = {gate.rename(k): v for k, v in gate.pseudonyms.items()}
    return published


# -- checking for leaks ----------------------------------------------------------------------


def iter_strings(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Yield (location, text) for every string inside a value: models, lists, dicts, nodes."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, BaseModel):
        if isinstance(value, Model) and source_of(value):
            yield f"{where}(file)", source_of(value)
        for name in type(value).model_fields:
            yield from iter_strings(getattr(value, name), f"{where}.{name}".lstrip("."))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from iter_strings(getattr(value, f.name), f"{where}.{f.name}".lstrip("."))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_strings(key, f"{where}(key)")
            yield from iter_strings(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            yield from iter_strings(item, f"{where}[{index}]")
    elif hasattr(value, "start_mark") and hasattr(value, "value"):  # a YAML node
        yield from iter_strings(value.value, f"{where}(yaml)")


def leaks(published: Residency, source: Residency) -> list[str]:
    """Return "location: 'name'" for every protected name left in a published residency.

    Every string is scanned: texts, ids, file names and the pseudonym table.
    """
    names, kept = protected_names(source), kept_names(source)
    found = []
    for where, text in iter_strings(published):
        found += [f"{where}: {name!r}" for name in find_leaks(text, names, kept)]
    return found
