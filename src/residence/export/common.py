# SPDX-License-Identifier: EUPL-1.2
"""What the exports share: the plain text of a journal entry, with where each quote sits.

The text of an entry, as the REFI-QDA project stores it (one ``sources/<guid>.txt`` file)
and as the IRaMuTeQ corpus starts from, is:

    Title

    The body, as plain text (Markdown marks dropped, links as their text, one line a
    paragraph or a list item)

    Speaker : « the first quote's words »

    Speaker : « the second quote's words »

Blocks are separated by a blank line, lines end with ``\\n`` (never ``\\r\\n``), and the
text ends with one ``\\n``. A quote's words are written as they are in the entry (only
``\\r\\n`` becomes ``\\n``), so that a selection of them in a QDA tool is exactly the quote.
The speaker is the actor's name as the edition shows it (a pseudonym in the public edition
when the person did not agree to be named); in English the quote reads ``Speaker: "…"``.
:func:`entry_text` can leave the speakers out (the IRaMuTeQ corpus does: a speaker's name
would be counted as a word of the text).

Positions (:class:`Span`) count Unicode code points from 0, the end excluded, as Python
indexes a ``str`` and as QualCoder reads a REFI-QDA text: "é" is one, an emoji made of
one code point is one (two in UTF-16, four bytes in UTF-8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from residence.models import Entry, Published
from residence.models.residency import entry_stem
from residence.render.markdown import to_plain_text

#: Characters XML 1.0 cannot hold (C0 controls but tab, line feed and carriage return,
#: surrogates, U+FFFE and U+FFFF): dropped from every text an export writes into XML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Return text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def lines(text: str) -> str:
    """Return text with ``\\n`` line ends only (``\\r\\n`` and lone ``\\r`` become ``\\n``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Span:
    """Where a piece of an entry's text sits: code points from ``start``, ``end`` excluded."""

    start: int
    end: int


@dataclass
class EntryText:
    """The plain text of one entry and where its parts sit."""

    text: str
    title: Span
    quotes: list[Span] = field(default_factory=list)  # quote n (1-based) is quotes[n - 1]


def quote_line(speaker: str, words: str, language: str) -> tuple[str, int]:
    """Return a quote as its line reads, and where its words start in that line."""
    before = f"{speaker} : « " if language == "fr" else f'{speaker}: "'
    after = " »" if language == "fr" else '"'
    return f"{before}{words}{after}", len(before)


def entry_text(published: Published, entry: Entry, *, speakers: bool = True) -> EntryText:
    """Return the plain text of an entry (see the module's docstring)."""
    title = " ".join(lines(entry.title).split())
    parts = [title]
    body = lines(to_plain_text(entry.body))
    if body:
        parts.append(body)
    text = "\n\n".join(parts)
    spans: list[Span] = []
    for quote in entry.quotes:
        words = lines(quote.text)
        text += "\n\n"
        if speakers:
            line, offset = quote_line(speaker(published, quote.actor), words, published.language)
        else:
            line, offset = words, 0
        start = len(text) + offset
        spans.append(Span(start, start + len(words)))
        text += line
    return EntryText(text + "\n", Span(0, len(title)), spans)


def speaker(published: Published, actor_id: str) -> str:
    """Return the name of an actor as the edition shows it (its id if it has none)."""
    actor = published.actor(actor_id)
    return " ".join(actor.name.split()) if actor is not None else actor_id


def ordered_entries(published: Published) -> list[Entry]:
    """Return the entries of the edition by day, time and file name: the exports' order."""
    return sorted(published.entries, key=lambda e: (e.date, e.time or "", entry_stem(e)))
