# SPDX-License-Identifier: EUPL-1.2
"""The report's projects section: prototypes with their tests and handover, scenarios, funnel."""

from __future__ import annotations

from markupsafe import Markup

from residence.models import Prototype
from residence.models.residency import source_of
from residence.render.charts import render_funnel_svg
from residence.render.context.builder import Builder
from residence.render.context.views import (
    Chart,
    HandoverView,
    Link,
    Projects,
    PrototypeView,
    ScenarioView,
    TestView,
)


def session_view(b: Builder, proto: Prototype, index: int) -> TestView:
    """Return the test session ``index`` of a prototype as shown."""
    test = proto.tests[index]
    pictures, downloads = b.pictures(test.media, source_of(proto))
    return TestView(
        date=b.t.date(test.date),
        iso=test.date.isoformat(),
        place=b.typo(test.place),
        participants=b.typo(test.participants),
        protocol=b.md(test.protocol, 6, b.typo(proto.title)),
        observations=b.md(test.observations, 6, b.typo(proto.title)),
        learnings=b.md(test.learnings, 6, b.typo(proto.title)),
        decision=test.decision,
        decision_label=b.decision_labels()[test.decision],
        pictures=pictures,
        downloads=downloads,
    )


def handover_view(b: Builder, proto: Prototype) -> HandoverView | None:
    """Return who carries a prototype on, or None when nobody does yet."""
    if proto.handover is None:
        return None
    link = Link(f"#prototype-{proto.id}", b.typo(proto.title))
    return HandoverView(
        link,
        b.actor_names(proto.handover.to),
        b.date(proto.handover.date),
        b.md(proto.handover.conditions, 5, b.typo(proto.title)),
    )


def build_projects(b: Builder) -> Projects:
    """Return the projects section: the funnel chart, the prototypes, the scenarios."""
    stage_steps = {
        s: i + 1 for i, s in enumerate(("idea", "sketch", "mock-up", "live-test", "adopted"))
    }
    fidelities = {
        "low": b.gettext("low fidelity"),
        "medium": b.gettext("medium fidelity"),
        "high": b.gettext("high fidelity"),
    }
    views = []
    for proto in b.r.prototypes:
        pictures, downloads = b.pictures(proto.media, source_of(proto))
        entries = [b.entry_link(e) for e in b.entries if proto.id in e.prototypes]
        tests = [
            session_view(b, proto, i)
            for i in sorted(range(len(proto.tests)), key=lambda i: proto.tests[i].date)
        ]
        views.append(
            PrototypeView(
                anchor=f"prototype-{proto.id}",
                title=b.typo(proto.title),
                hypothesis=b.typo(proto.hypothesis),
                problem=b.md(proto.problem, 4, b.typo(proto.title)),
                stage=proto.stage,
                stage_label=b.stages[proto.stage],
                stage_step=stage_steps.get(proto.stage, 0),
                steps=[b.stages[s] for s in stage_steps],
                fidelity=fidelities.get(proto.fidelity or "", ""),
                created=b.date(proto.created),
                team=b.member_names(proto.team),
                actors=b.actor_names(proto.actors),
                methods=[link for link in map(b.method_link, proto.methods) if link],
                entries=entries,
                pictures=pictures,
                downloads=downloads,
                tests=tests,
                handover=handover_view(b, proto),
            )
        )
    scenarios = [
        ScenarioView(
            anchor=f"scenario-{s.id}",
            title=b.typo(s.title),
            persona=b.typo(s.persona),
            today=b.md(s.today, 5, b.typo(s.title)),
            tomorrow=b.md(s.tomorrow, 5, b.typo(s.title)),
            steps=[b.typo(step) for step in s.steps],
            actors=b.actor_names(s.actors),
            prototypes=[link for link in map(b.proto_link, s.prototypes) if link],
        )
        for s in b.r.scenarios
    ]
    funnel = None
    svg = render_funnel_svg(b.r, b.t)
    if svg:
        head = [b.gettext("Stage"), b.gettext("Prototypes")]
        rows = [
            [
                b.stages[s],
                b.join([b.typo(p.title) for p in b.r.prototypes if p.stage == s]) or "—",
            ]
            for s in (*stage_steps, "abandoned")
        ]
        funnel = Chart(
            Markup(svg),
            b.gettext("From idea to adoption: how many prototypes reached each stage."),
            b.gettext("Prototypes by stage"),
            head,
            rows,
        )
    return Projects(funnel, views, scenarios)
