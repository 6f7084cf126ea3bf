# SPDX-License-Identifier: EUPL-1.2
"""Insights and codes (tags): what the report, the exports and the catalogue share.

An insight's evidence points at a journal entry (by its file name), optionally at one of its
quotes (counting from 1), or at a test session of a prototype (counting from 1). Tags are
codes: the same tag may be written "Accueil" in one file and "accueil" in another, so they
are compared by :func:`tag_key` and shown as first written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from residence.models import Entry, Evidence, Insight, Prototype, Quote, Residency, TestSession
from residence.models.residency import entry_stem
from residence.text import fold

T = TypeVar("T")


def tag_key(tag: str) -> str:
    """Return the form tags are compared by: no case, no accents, single spaces."""
    return " ".join(fold(tag).split())


@dataclass(frozen=True)
class Resolved:
    """An evidence reference with what it points at (None where it points at nothing)."""

    evidence: Evidence
    entry: Entry | None = None
    quote: Quote | None = None
    prototype: Prototype | None = None
    test: TestSession | None = None

    @property
    def found(self) -> bool:
        """Tell whether every part of the reference points at something."""
        e = self.evidence
        if e.entry is not None:
            return self.entry is not None and (e.quote is None or self.quote is not None)
        if e.prototype is not None:
            return self.prototype is not None and (e.test is None or self.test is not None)
        return False


class Evidences:
    """Resolves evidence references in one residency (indexes built once)."""

    def __init__(self, residency: Residency) -> None:
        self.entries = {entry_stem(e): e for e in residency.entries}
        self.prototypes = {p.id: p for p in residency.prototypes}

    def resolve(self, evidence: Evidence) -> Resolved:
        """Return what one reference points at."""
        if evidence.entry is not None:
            entry = self.entries.get(evidence.entry)
            quote = None
            if entry is not None and evidence.quote is not None:
                quote = _nth(entry.quotes, evidence.quote)
            return Resolved(evidence, entry=entry, quote=quote)
        if evidence.prototype is not None:
            prototype = self.prototypes.get(evidence.prototype)
            test = None
            if prototype is not None and evidence.test is not None:
                test = _nth(prototype.tests, evidence.test)
            return Resolved(evidence, prototype=prototype, test=test)
        return Resolved(evidence)

    def of(self, insight: Insight) -> list[Resolved]:
        """Return an insight's evidence, resolved, in its order."""
        return [self.resolve(e) for e in insight.evidence]


def _nth(items: Sequence[T], n: int) -> T | None:
    return items[n - 1] if 1 <= n <= len(items) else None


@dataclass
class TagUse:
    """Where one tag (code) is used."""

    key: str
    label: str  # as first written
    entries: list[Entry] = field(default_factory=list)  # entries tagged, or whose quote is
    quotes: list[tuple[Entry, int, Quote]] = field(default_factory=list)  # (entry, 1-based, q)
    insights: list[Insight] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Return how many times the tag is used (entries, quotes and insights)."""
        return len(self.entries) + len(self.quotes) + len(self.insights)


def tag_uses(residency: Residency) -> dict[str, TagUse]:
    """Return every tag of the residency by its key, in order of first use."""
    uses: dict[str, TagUse] = {}

    def use(tag: str) -> TagUse | None:
        key = tag_key(tag)
        if not key:
            return None
        found = uses.get(key)
        if found is None:
            found = uses[key] = TagUse(key, " ".join(tag.split()))
        return found

    for entry in residency.entries:
        for tag in _unique(entry.tags):
            if (u := use(tag)) is not None:
                u.entries.append(entry)
        for i, quote in enumerate(entry.quotes, start=1):
            for tag in _unique(quote.tags):
                if (u := use(tag)) is not None:
                    u.quotes.append((entry, i, quote))
    for insight in residency.insights:
        for tag in _unique(insight.tags):
            if (u := use(tag)) is not None:
                u.insights.append(insight)
    return uses


def _unique(tags: Sequence[str]) -> Iterator[str]:
    seen: set[str] = set()
    for tag in tags:
        key = tag_key(tag)
        if key not in seen:
            seen.add(key)
            yield tag


def week_of(residency: Residency, day: dt.date) -> int | None:
    """Return the number of the week a day falls in, or None outside every week."""
    if residency.residence is None:
        return None
    for week in residency.residence.weeks:
        if week.start <= day <= week.end:
            return week.number
    return None
