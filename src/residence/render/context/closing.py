# SPDX-License-Identifier: EUPL-1.2
"""The report's closing sections: "And then?" (handovers, follow-up visits) and the credits."""

from __future__ import annotations

from collections import Counter

from residence import __version__
from residence.french import article
from residence.render.context.builder import Builder, licence_of
from residence.render.context.projects import handover_view
from residence.render.context.views import Credits, FollowUpView, Link, Next


def build_next(b: Builder) -> Next:
    """Return "And then?": the handovers, the prototypes nobody carries on yet, the visits."""
    handovers = [h for h in (handover_view(b, p) for p in b.r.prototypes) if h]
    pending = [
        Link(f"#prototype-{p.id}", b.typo(p.title), b.stages[p.stage])
        for p in b.r.prototypes
        if p.handover is None and p.stage != "abandoned"
    ]
    visits = [
        FollowUpView(
            b.t.date(v.date),
            v.date.isoformat(),
            b.typo(v.by),
            b.md(v.observations, 5),
            by_in_text=article(b.typo(v.by), b.lang),
        )
        for v in sorted(b.res.follow_ups, key=lambda v: v.date)
    ]
    return Next(handovers, pending, visits)


def build_credits(b: Builder) -> Credits:
    """Return the credits: team, partners, photo credits, licence and TASL attribution."""
    members = [b.member(m.id) for m in b.res.team]
    credits: Counter[str] = Counter()
    for item in b.all_media():
        if item.credit and item.file in b.assets:
            credits[b.typo(item.credit)] += 1
    photo_credits = [
        (who, b.t.ngettext("{n} picture", "{n} pictures", n)) for who, n in sorted(credits.items())
    ]
    licence = licence_of(b.res.license, b.t)
    authors = b.join([b.typo(m.name) for m in b.res.team])
    year = str(b.res.weeks[-1].end.year)
    source = b.gettext(
        "residency folder “{id}”, {host}, {year}",
        id=b.res.id,
        host=b.typo(b.res.host),
        year=year,
    )
    attribution = b.gettext(
        "“{title}” by {authors}, {source}, is published under the licence {licence}.",
        title=b.typo(b.res.title),
        authors=authors,
        source=source,
        licence=licence.name,
    )
    fonts = b.gettext(
        "Set in Literata, Instrument Serif and Instrument Sans (SIL Open Font License 1.1)."
    )
    generator = b.gettext("Made with residence {version}.", version=__version__)
    return Credits(
        members,
        b.typo(b.res.host),
        [b.typo(p) for p in b.res.partners],
        photo_credits,
        licence,
        attribution,
        b.typo(b.res.title),
        authors,
        source,
        year,
        fonts,
        generator,
    )
