# SPDX-License-Identifier: EUPL-1.2
"""The report's opening sections: cover, summary ("at a glance"), question, site, team."""

from __future__ import annotations

from markupsafe import Markup

from residence.french import article
from residence.models import Prototype
from residence.render.charts import render_timeline_svg, timeline_data
from residence.render.context.builder import Builder
from residence.render.context.views import (
    Chart,
    Cover,
    KeyFigure,
    Link,
    Picture,
    PrototypeBrief,
    Question,
    Site,
    StakeRow,
    Summary,
    Team,
)
from residence.render.markdown import to_plain_text
from residence.vocabulary import PROGRAMME_NAMES


def build_cover(b: Builder) -> Cover:
    """Return the cover: title, place, dates, weeks, photo and edition."""
    res = b.res
    picture = None
    if res.cover and res.cover in b.assets and b.assets[res.cover].kind != "pdf":
        asset = b.assets[res.cover]
        alt = next((m.alt for m in b.all_media() if m.file == res.cover and m.alt), "")
        credit = next((m.credit for m in b.all_media() if m.file == res.cover and m.credit), "")
        picture = Picture(asset.href, b.typo(alt), "", b.typo(credit), asset.width, asset.height)
    weeks = [
        b.gettext("Week {number}: {dates}", number=w.number, dates=b.interval(w.start, w.end))
        for w in res.weeks
    ]
    first, last = res.weeks[0].start, res.weeks[-1].end
    edition = b.gettext("Team edition") if not b.public else b.gettext("Public edition")
    return Cover(
        title=b.typo(res.title),
        site=b.typo(res.site),
        host=b.typo(res.host),
        territory=b.typo(res.territory),
        programme=PROGRAMME_NAMES.get(res.programme, ""),
        theme=b.typo(res.theme),
        dates=b.interval(first, last),
        weeks=weeks,
        picture=picture,
        edition_label=edition,
    )


def last_decision(b: Builder, proto: Prototype) -> tuple[str, str]:
    """Return a prototype's last test decision and its line in the summary."""
    if not proto.tests:
        return "", b.gettext("not tested yet")
    last = max(proto.tests, key=lambda s: s.date)
    label = b.decision_labels()[last.decision]
    return last.decision, b.gettext(
        "last test on {date}: {decision}",
        decision=label,
        date=b.t.date(last.date, "d MMMM y"),
    )


def build_summary(b: Builder) -> Summary:
    """Return the summary box: the question, key figures, map thumbnail, prototypes."""
    text = to_plain_text(b.res.question, lang=b.lang)
    blocks = [block for block in text.split("\n") if block.strip()]
    question = next((block for block in blocks if "?" in block), blocks[0] if blocks else "")
    if len(question) > 420:
        question = question[:420].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    sessions = sum(len(p.tests) for p in b.r.prototypes)
    days = sum((w.end - w.start).days + 1 for w in b.res.weeks)
    figures = [
        KeyFigure(
            str(len(b.res.weeks)),
            b.t.ngettext("week on site", "weeks on site", len(b.res.weeks)),
        ),
        KeyFigure(str(days), b.t.ngettext("day of immersion", "days of immersion", days)),
        KeyFigure(
            str(len(b.entries)),
            b.t.ngettext("journal entry", "journal entries", len(b.entries)),
        ),
        KeyFigure(
            str(len(b.r.actors)),
            b.t.ngettext("actor on the map", "actors on the map", len(b.r.actors)),
        ),
        KeyFigure(
            str(len(b.r.prototypes)),
            b.t.ngettext("prototype", "prototypes", len(b.r.prototypes)),
        ),
        KeyFigure(str(sessions), b.t.ngettext("test session", "test sessions", sessions)),
    ]
    thumb = None
    if b.map_thumbnail:
        thumb = Picture(b.map_thumbnail, b.gettext("The actor map (go to the full map)"))
    briefs = []
    for proto in b.r.prototypes:
        decision, decision_label = last_decision(b, proto)
        briefs.append(
            PrototypeBrief(
                f"#prototype-{proto.id}",
                b.typo(proto.title),
                proto.stage,
                b.stages[proto.stage],
                decision,
                decision_label,
            )
        )
    return Summary(question, figures, thumb, "#actor-map", briefs)


def build_question(b: Builder) -> Question:
    """Return the question section: why this residency, who asked."""
    host = b.typo(b.res.host)
    return Question(
        b.md(b.res.question, 3, b.gettext("The question")),
        host,
        b.typo(b.res.theme),
        [b.typo(k) for k in b.res.keywords],
        host_in_text=article(host, b.lang),
    )


def build_site(b: Builder) -> Site:
    """Return the site section: actor map, influence matrix, stakes and relations."""
    from residence.render import actormap

    rows = []
    for row in actormap.stakes_table(b.r, b.t):
        actor = b.actors[str(row["id"])]
        rows.append(
            StakeRow(
                anchor=f"actor-{actor.id}",
                name=b.typo(actor.name),
                kind=str(row["kind_label"]),
                sector=str(row["sector_label"]),
                circle=str(row["circle_label"]),
                influence=str(actor.influence or ""),
                interest=str(actor.interest or ""),
                stakes=[b.typo(s) for s in actor.stakes],
                description=b.md(actor.description, 5, b.typo(actor.name)),
            )
        )
    colon = "\u00a0: " if b.lang == "fr" else ": "
    relations = []
    for rel in b.r.relations:
        source, target = b.actor_name(rel.from_), b.actor_name(rel.to)
        if source and target:
            kind = b.gettext(actormap.RELATION_NAMES[rel.kind]).lower()
            line = f"{source} → {target}{colon}{kind}"
            if rel.note:
                line += f" ({b.typo(rel.note)})"
            relations.append(line)
    actor_map = Markup()
    if b.r.actors:
        svg = b.actor_map
        if svg is None:
            svg = actormap.render_actor_map_svg(b.r, b.t, id_prefix="actor-map")
        actor_map = Markup(svg)
    matrix = Markup()
    if b.r.actors:
        matrix = Markup(actormap.render_matrix_svg(b.r, b.t, id_prefix="actor-matrix"))
    return Site(
        b.typo(b.res.site),
        b.typo(b.res.territory),
        actor_map,
        matrix,
        rows,
        relations,
    )


def build_team(b: Builder) -> Team:
    """Return the team section: members, weeks, methods and the timeline chart."""
    members = [b.member(m.id) for m in b.res.team]
    residents = [v for v, m in zip(members, b.res.team, strict=True) if m.role == "resident"]
    others = [v for v, m in zip(members, b.res.team, strict=True) if m.role != "resident"]
    weeks = [
        (
            b.gettext("Week {number}", number=w.number),
            b.interval(w.start, w.end),
            b.typo(w.focus),
        )
        for w in b.res.weeks
    ]
    methods = [Link(f"#method-{m.id}", b.typo(m.title)) for m in b.r.methods]
    timeline = None
    svg = render_timeline_svg(b.r, b.t)
    if svg:
        kinds = list(b.kinds)
        head = [
            b.gettext("Day"),
            *b.kinds.values(),
            b.gettext("Prototype test sessions"),
        ]
        rows = []
        for week in timeline_data(b.r):
            for day in week.days:
                if day.entries or day.sessions:
                    rows.append(
                        [
                            b.t.date(day.date),
                            *(str(day.kinds.get(k, 0)) for k in kinds),
                            str(day.sessions),
                        ]
                    )
        timeline = Chart(
            Markup(svg),
            b.gettext(
                "The weeks on site: each mark is a journal entry, its shape tells "
                "its kind; a star marks a prototype test session."
            ),
            b.gettext("Journal entries and test sessions per day"),
            head,
            rows,
        )
    return Team(residents, others, weeks, methods, timeline)
