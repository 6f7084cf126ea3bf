"""Where a method was used, kept short enough to read.

A method cited by every journal entry would otherwise list hundreds of links on its card
in the report and on its sheet: a wall no reader goes through, and a sheet that is no
longer one or two pages. Beyond :data:`ENTRIES_SHOWN` entries, the method's own examples
come first, then the earliest entries, and the rest is counted ("and 488 more journal
entries"), with a link to the journal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from babel.numbers import format_decimal

from residence.i18n import Translator
from residence.models import Entry, Method, Prototype
from residence.models.residency import entry_stem

T = TypeVar("T")

#: The most journal entries a method card or sheet lists; the others are counted.
ENTRIES_SHOWN = 12


def shortlist(
    entries: Sequence[T], chosen: Callable[[T], bool], limit: int = ENTRIES_SHOWN
) -> tuple[list[T], int]:
    """Return the entries to list, in their own order, and how many are left out.

    Up to ``limit`` entries, all are listed. Beyond, the ``chosen`` ones (the method's
    examples) come first, then the others in their order, until ``limit``.
    """
    if len(entries) <= limit:
        return list(entries), 0
    first = [i for i, entry in enumerate(entries) if chosen(entry)][:limit]
    others = (i for i, entry in enumerate(entries) if not chosen(entry))
    kept = set(first) | set(islice(others, limit - len(first)))
    return [entry for i, entry in enumerate(entries) if i in kept], len(entries) - len(kept)


@dataclass(frozen=True)
class Citations:
    """Where a method was used: the entries to list, how many more, and the prototypes."""

    entries: list[Entry]
    left_out: int
    prototypes: list[Prototype]


def citations(
    method: Method, entries: Sequence[Entry], prototypes: Sequence[Prototype]
) -> Citations:
    """Return the entries (in the order given, shortlisted) and the prototypes that cite a
    method, through their own ``methods:`` or the method's ``examples:``."""
    examples = set(method.examples)
    cited = [e for e in entries if method.id in e.methods or entry_stem(e) in examples]
    shown, left_out = shortlist(cited, lambda e: entry_stem(e) in examples)
    used = [p for p in prototypes if method.id in p.methods or p.id in examples]
    return Citations(shown, left_out, used)


def more_entries(t: Translator, count: int) -> str:
    """Return "1,488 more journal entries" in the translator's language ("" for 0).

    It is the text of a link: the "and" that joins it to the entries listed before is
    written outside the link.
    """
    if count <= 0:
        return ""
    return t.ngettext(
        "{count} more journal entry",
        "{count} more journal entries",
        count,
        count=format_decimal(count, locale=t.language),
    )
