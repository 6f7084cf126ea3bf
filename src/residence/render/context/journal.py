# SPDX-License-Identifier: EUPL-1.2
"""The report's immersion section: the journal week by week, day by day, entry by entry."""

from __future__ import annotations

from residence.models import Entry
from residence.models.residency import source_of
from residence.render.context.builder import Builder
from residence.render.context.views import DayView, EntryView, Journal, QuoteView, WeekView


def entry_view(b: Builder, entry: Entry) -> EntryView:
    """Return one journal entry as shown (its quotes for the team only in the team edition)."""
    pictures, downloads = b.pictures(entry.media, source_of(entry))
    quotes = [
        QuoteView(
            b.typo(q.text),
            b.actor_name(q.actor) or b.gettext("someone met"),
            q.visibility == "team",
        )
        for q in entry.quotes
    ]
    return EntryView(
        anchor=b.entry_anchor[id(entry)],
        title=b.typo(entry.title),
        kind=entry.kind,
        kind_label=b.kinds[entry.kind],
        date_label=b.t.date(entry.date),
        iso=entry.date.isoformat(),
        time=entry.time or "",
        authors=b.join(b.member_names(entry.authors)),
        place=b.typo(entry.place),
        body=b.md(entry.body, 6, b.typo(entry.title)),
        quotes=quotes,
        pictures=pictures,
        downloads=downloads,
        actors=b.actor_names(entry.actors),
        prototypes=[link for link in map(b.proto_link, entry.prototypes) if link],
        methods=[link for link in map(b.method_link, entry.methods) if link],
        tags=[b.typo(tag) for tag in entry.tags],
        team_only=entry.visibility == "team",
    )


def build_journal(b: Builder) -> Journal:
    """Return the journal: its entries by week and day, then those dated outside every week."""
    weeks = []
    placed: set[int] = set()
    for week in b.res.weeks:
        in_week = [e for e in b.entries if week.start <= e.date <= week.end]
        placed.update(id(e) for e in in_week)
        days = []
        for day in sorted({e.date for e in in_week}):
            entries = [entry_view(b, e) for e in in_week if e.date == day]
            days.append(DayView(f"day-{day.isoformat()}", b.t.date(day), day.isoformat(), entries))
        weeks.append(
            WeekView(
                anchor=f"week-{week.number}",
                title=b.gettext("Week {number}", number=week.number),
                dates=b.interval(week.start, week.end),
                focus=b.typo(week.focus),
                count=b.t.ngettext("{n} entry", "{n} entries", len(in_week)),
                days=days,
            )
        )
    outside = [entry_view(b, e) for e in b.entries if id(e) not in placed]
    return Journal(weeks, outside)
