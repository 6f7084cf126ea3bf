# SPDX-License-Identifier: EUPL-1.2
"""The anchors of the report's items: the one place that names ``#entry-…`` links.

The report, the method sheets and the catalogue all link to a journal entry through
:func:`entry_anchors`, so that two entries whose file names make the same slug still link
to the right one.
"""

from __future__ import annotations

from collections.abc import Sequence

from residence.models import Entry
from residence.models.residency import entry_stem
from residence.text import slugify


def entry_anchors(entries: Sequence[Entry]) -> list[str]:
    """Return the anchor of each entry, in the order given (the report's order).

    An anchor is ``entry-<slug of the journal file name>`` (of the date and title for an
    entry read from no file); when two make the same slug, the later entries get ``-2``,
    ``-3``… So pass every entry the output shows, in the report's order.
    """
    anchors: list[str] = []
    taken: set[str] = set()
    for entry in entries:
        stem = entry_stem(entry) or f"{entry.date.isoformat()}-{slugify(entry.title)}"
        base = f"entry-{slugify(stem) or 'note'}"
        anchor, n = base, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        taken.add(anchor)
        anchors.append(anchor)
    return anchors


def entry_anchor_by_stem(entries: Sequence[Entry]) -> dict[str, str]:
    """Return {journal file stem: anchor} of :func:`entry_anchors` (the first of a stem)."""
    found: dict[str, str] = {}
    for entry, anchor in zip(entries, entry_anchors(entries), strict=True):
        found.setdefault(entry_stem(entry), anchor)
    return found
