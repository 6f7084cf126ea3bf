# SPDX-License-Identifier: EUPL-1.2
"""The report's context as a whole: :func:`build_context`, and the media a report may show.

``build_context`` turns a residency that came out of the privacy gate (``select_edition``)
into a :class:`ReportContext`, one section at a time (see ``builder.py``), then adds what
the page itself needs: the navigation, the accent colours and the JSON-LD description.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace

from markupsafe import Markup

from residence.errors import Problem
from residence.i18n import Translator
from residence.models import Published
from residence.render.band import band_text
from residence.render.context.builder import Builder, licence_of
from residence.render.context.closing import build_credits, build_next
from residence.render.context.colours import accent_palette
from residence.render.context.insights import build_insights
from residence.render.context.journal import build_journal
from residence.render.context.method_cards import build_methods
from residence.render.context.opening import (
    build_cover,
    build_question,
    build_site,
    build_summary,
    build_team,
)
from residence.render.context.projects import build_projects
from residence.render.context.views import (
    Insights,
    Link,
    Methods,
    Next,
    Projects,
    ReportContext,
)
from residence.render.images import Asset
from residence.render.markdown import to_plain_text


def media_files(residency: Published) -> list[str]:
    """Return every media file a report of this residency may show (cover first)."""
    files: list[str] = []
    res = residency.residence
    if res is not None and res.cover:
        files.append(res.cover)
    for entry in residency.entries:
        files += [m.file for m in entry.media]
    for proto in residency.prototypes:
        files += [m.file for m in proto.media]
        for test in proto.tests:
            files += [m.file for m in test.media]
    return list(dict.fromkeys(files))


def _json_ld(data: dict[str, object]) -> Markup:
    """Return JSON-LD safe inside a <script> element (every '<' escaped)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def json_ld(b: Builder) -> Markup:
    """Return the schema.org description of the report, for search engines and catalogues."""
    res = b.res
    licence = licence_of(res.license, b.t, deed=False)
    place = ", ".join(x for x in (res.site, res.territory) if x)
    about = res.theme or to_plain_text(res.question)
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": res.title,
        "author": [{"@type": "Person", "name": m.name} for m in res.team],
        "license": licence.url or licence.spdx,
        "inLanguage": b.lang,
        "about": about,
        "dateCreated": res.weeks[0].start.isoformat(),
        "spatialCoverage": {"@type": "Place", "name": place},
        "sourceOrganization": {"@type": "Organization", "name": res.host},
    }
    if res.keywords:
        data["keywords"] = ", ".join(res.keywords)
    return _json_ld(data)


def nav(
    b: Builder, insights: Insights, projects: Projects, nxt: Next, methods: Methods
) -> list[Link]:
    """Return the table of contents: every section, but the optional ones left empty."""
    links = [
        Link("#summary", b.gettext("At a glance")),
        Link("#question", b.gettext("The question")),
        Link("#site", b.gettext("The site and its people")),
        Link("#team", b.gettext("The team and its method")),
        Link("#immersion", b.gettext("The immersion")),
    ]
    if insights.insights:
        links.append(Link("#insights", b.gettext("What we learned")))
    if projects.prototypes or projects.scenarios:
        links.append(Link("#projects", b.gettext("From vision to projects")))
    if nxt.handovers or nxt.follow_ups or nxt.pending:
        links.append(Link("#next", b.gettext("And then?")))
    if methods.cards:
        links.append(Link("#methods", b.gettext("Methods")))
    links.append(Link("#credits", b.gettext("Credits and licence")))
    return links


def build(b: Builder, stylesheets: list[str]) -> ReportContext:
    """Return the context of the report ``b`` builds, section by section, in page order."""
    cover = build_cover(b)
    summary = build_summary(b)
    question = build_question(b)
    site = build_site(b)
    team = build_team(b)
    journal = build_journal(b)
    insights = build_insights(b)
    if insights.quote_anchors:
        journal = replace(journal, quote_anchors=insights.quote_anchors)
    projects = build_projects(b)
    nxt = build_next(b)
    methods = build_methods(b)
    credits = build_credits(b)
    description = to_plain_text(b.res.question, lang=b.lang).split("\n")
    first = next((d for d in description if "?" in d), description[0] if description else "")
    return ReportContext(
        lang=b.lang,
        edition="public" if b.public else "team",
        team_edition=not b.public,
        band=band_text(b.lang) if not b.public else "",
        title=b.typo(b.res.title),
        description=first[:300],
        keywords=", ".join(b.res.keywords),
        accent=accent_palette(b.res.accent),
        json_ld=json_ld(b),
        nav=nav(b, insights, projects, nxt, methods),
        cover=cover,
        summary=summary,
        question=question,
        site=site,
        team=team,
        journal=journal,
        insights=insights,
        projects=projects,
        next=nxt,
        methods=methods,
        credits=credits,
        stylesheets=stylesheets,
    )


def build_context(
    residency: Published,
    t: Translator,
    assets: Mapping[str, Asset],
    *,
    stylesheets: list[str] | None = None,
    map_thumbnail: str | None = None,
    actor_map: str | None = None,
) -> tuple[ReportContext, list[Problem]]:
    """Return the report's context and the warnings met (pictures left out, and why).

    ``assets`` maps each media path of the YAML to its published copy (images.py); a media
    item without one is not shown. ``map_thumbnail`` is the href of the actor map as a file,
    ``actor_map`` its SVG when already drawn (drawing it is slow).
    """
    builder = Builder(residency, t, assets, map_thumbnail, actor_map)
    context = build(builder, stylesheets or [])
    return context, builder.problems
