# SPDX-License-Identifier: EUPL-1.2
"""`residence export iramuteq`: the journal as a corpus for IRaMuTeQ (lexicometry).

One text per entry of the edition, in the order of the days, each introduced by its line of
star variables (the Alceste format IRaMuTeQ reads)::

    **** *semaine_1 *type_interview *auteur_claire *auteur_malik
    Entretien avec Jeanne
    Jeanne vient tous les mois renouveler un document.
    Je ne sais jamais à quel guichet aller.

- ``*semaine_N``: the week the entry falls in, ``*semaine_hors`` outside every week;
- ``*type_KIND``: the kind of entry (observation, interview, workshop, meeting, test,
  reflection);
- ``*auteur_ID``: one variable per author, so that each author's texts can be set against
  the others' (a text written together counts for each of its authors).

A value holds only lower-case ASCII letters and digits (accents folded, anything else
dropped: ``jean-pierre`` becomes ``jeanpierre``), as a star variable has no space, no
underscore but the one after its name, and no special character.

The text is the entry's title, its body as plain text and the words of its quotes
(:func:`residence.export.common.entry_text`, without the speakers: a name would be counted
as a word). It is cleaned of what the Alceste format reserves or IRaMuTeQ's tutorials ask
to avoid: ``*`` (star variables), lines starting with ``****`` or ``-*``, a word starting
and ending with ``_`` (a star form), quotation marks, apostrophes (a space, as IRaMuTeQ
itself does for French), ``$`` and ``%`` (written in words), ellipses (a full stop), and
hyphens (a hyphen inside a word becomes ``_``, which keeps a compound such as
``rendez_vous`` one form; any other dash becomes a space). The file is UTF-8 without a
byte-order mark, ``\\n`` line ends; a team edition carries the band in its file name
(a line before the first ``****`` would not be read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from residence.controlchars import CONTROLS
from residence.export.common import entry_text, lines, ordered_entries
from residence.findings import week_of
from residence.models import Entry, Published
from residence.text import fold

#: The file name of the corpus (the band is added in a team edition).
NAME = "corpus-iramuteq.txt"

#: Control characters, and the line and paragraph separators that a reader of lines
#: (Python's splitlines, which IRaMuTeQ's reading relies on) would take for a line end.
_CONTROLS = re.compile(f"[{CONTROLS}\u2028\u2029]")
_ELLIPSIS = re.compile(r"\u2026|\.{2,}")
_APOSTROPHES = re.compile("['\u2019\u2018\u02bc`\u00b4]")
_QUOTATION_MARKS = re.compile('["\u00ab\u00bb\u201c\u201d\u201e\u201f\u2039\u203a]')
_INNER_HYPHEN = re.compile(r"(?<=[^\W_])[-\u2010\u2011](?=[^\W_])")
#: French pronouns after a verb ("disent-ils", "a-t-il", "dis-moi") and the "-là", "-ci" of
#: demonstratives: a hyphen before them is a space, the words being two ("rendez-vous"
#: excepted, a noun). A match starts at the start of a word only: tried inside a word, it
#: would read the rest of the word again at each letter (a long word, quadratic time).
_FRENCH_CLITIC = re.compile(
    r"(?<![^\W_])([^\W_]+)[-\u2010\u2011](?=((?:t[-\u2010\u2011])?(?:je|tu|ils?|elles?|on|nous|vous|"
    r"les?|la|lui|leur|moi|toi|y|en|ce|là|ci|t))(?![^\W_]))",
    re.IGNORECASE,
)
_NOT_CLITIC = {"rendez vous"}


def _clitic(match: re.Match[str]) -> str:
    word = match.group(1)
    if f"{word} {match.group(2)}".casefold() in _NOT_CLITIC:
        return match.group()
    return f"{word} "


_DASHES = re.compile("[-\u2010-\u2015\u2212]")
_LOOSE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")


@dataclass
class Corpus:
    """The corpus of an edition: its text and how many texts it holds."""

    text: str
    texts: int


def star_value(value: str) -> str:
    """Return a value as a star variable may hold it: lower-case ASCII letters and digits."""
    return re.sub(r"[^a-z0-9]", "", fold(value)) or "x"


def star_line(published: Published, entry: Entry) -> str:
    """Return the ``****`` line of an entry."""
    week = week_of(published, entry.date)
    stars = [f"*semaine_{week if week is not None else 'hors'}", f"*type_{star_value(entry.kind)}"]
    stars += [f"*auteur_{star_value(a)}" for a in entry.authors]
    return " ".join(["****", *dict.fromkeys(stars)])


def clean(text: str, language: str) -> str:
    """Return text as IRaMuTeQ reads it without surprise (see the module's docstring)."""
    text = _CONTROLS.sub(" ", lines(text))
    text = _ELLIPSIS.sub(".", text)
    percent, dollar = (
        (" pour cent ", " dollars ") if language == "fr" else (" percent ", " dollars ")
    )
    text = text.replace("%", percent).replace("$", dollar)
    text = _APOSTROPHES.sub(" ", text)
    text = _QUOTATION_MARKS.sub("", text)
    text = text.replace("*", " ")
    if language == "fr":
        text = _FRENCH_CLITIC.sub(_clitic, text)
    text = _INNER_HYPHEN.sub("_", text)
    text = _DASHES.sub(" ", text)
    text = _LOOSE_UNDERSCORE.sub(" ", text)
    cleaned = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in cleaned if line)


def make_corpus(published: Published) -> Corpus:
    """Return the IRaMuTeQ corpus of an edition (see the module's docstring)."""
    texts = []
    for entry in ordered_entries(published):
        words = clean(entry_text(published, entry, speakers=False).text, published.language)
        texts.append(f"{star_line(published, entry)}\n{words}\n")
    return Corpus("\n".join(texts), len(texts))
