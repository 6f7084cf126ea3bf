"""SVG charts of the report: the weeks' timeline and the prototypes' funnel.

Both read in black and white: every kind of mark has its own shape, every bar its own
label, and a legend says what the shapes mean. Each SVG has role="img", a <title> and a
<desc> that says in words what the picture shows. The timeline is drawn once per set of
inputs (its weeks' counts and the language): ``residence serve`` renders the report again
at each save, and most saves do not change it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import escape
from typing import get_args

from residence.i18n import Translator
from residence.models import Published
from residence.render.actormap.svg import Drawings, num
from residence.vocabulary import EntryKind, Stage

ENTRY_KINDS: tuple[str, ...] = get_args(EntryKind)
STAGES: tuple[str, ...] = tuple(s for s in get_args(Stage) if s != "abandoned")  # in order
MAX_DAYS = 14  # a longer "week" is cut in the timeline


def kind_labels(t: Translator) -> dict[str, str]:
    """Return the label of each journal entry kind."""
    return {
        "observation": t.gettext("Observation"),
        "interview": t.gettext("Interview"),
        "workshop": t.gettext("Workshop"),
        "meeting": t.gettext("Meeting"),
        "test": t.gettext("Test"),
        "reflection": t.gettext("Reflection"),
    }


def stage_labels(t: Translator) -> dict[str, str]:
    """Return the label of each prototype stage."""
    return {
        "idea": t.gettext("Idea"),
        "sketch": t.gettext("Sketch"),
        "mock-up": t.gettext("Mock-up"),
        "live-test": t.gettext("Live test"),
        "adopted": t.gettext("Adopted"),
        "abandoned": t.gettext("Abandoned"),
    }


def phase_labels(t: Translator) -> dict[str, str]:
    """Return the label of each phase a method is used in."""
    return {
        "immersion": t.gettext("immersion"),
        "analysis": t.gettext("analysis"),
        "prototyping": t.gettext("prototyping"),
        "testing": t.gettext("testing"),
        "transfer": t.gettext("transfer"),
    }


def mark_svg(kind: str, x: float, y: float, size: float = 11) -> str:
    """Return the SVG shape of one journal entry kind, centred on (x, y)."""
    r = size / 2
    cls = f'class="mark mark-{kind}"'
    if kind == "observation":
        return f'<circle {cls} cx="{num(x)}" cy="{num(y)}" r="{num(r)}"/>'
    if kind == "interview":
        return (
            f'<rect {cls} x="{num(x - r)}" y="{num(y - r)}" width="{num(size)}" '
            f'height="{num(size)}"/>'
        )
    if kind == "workshop":
        points = f"{num(x)},{num(y - r)} {num(x + r)},{num(y + r)} {num(x - r)},{num(y + r)}"
        return f'<polygon {cls} points="{points}"/>'
    if kind == "meeting":
        points = (
            f"{num(x)},{num(y - r - 1)} {num(x + r + 1)},{num(y)} "
            f"{num(x)},{num(y + r + 1)} {num(x - r - 1)},{num(y)}"
        )
        return f'<polygon {cls} points="{points}"/>'
    if kind == "test":
        w = size / 3.2
        return (
            f'<path {cls} d="M{num(x - w / 2)} {num(y - r)}h{num(w)}v{num(r - w / 2)}'
            f"h{num(r - w / 2)}v{num(w)}h{num(-(r - w / 2))}v{num(r - w / 2)}"
            f"h{num(-w)}v{num(-(r - w / 2))}h{num(-(r - w / 2))}v{num(-w)}"
            f'h{num(r - w / 2)}z"/>'
        )
    # reflection: a ring
    return (
        f'<circle {cls} cx="{num(x)}" cy="{num(y)}" r="{num(r - 1.2)}" fill="none" '
        'stroke-width="2.4"/>'
    )


def _star(x: float, y: float, r: float) -> str:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(f"{num(x + radius * math.cos(angle))},{num(y + radius * math.sin(angle))}")
    return f'<polygon class="mark-session" points="{" ".join(points)}"/>'


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass(frozen=True)
class Day:
    """One day of a week on site: its entries by kind and its prototype test sessions."""

    date: dt.date
    kinds: dict[str, int]
    sessions: int

    @property
    def entries(self) -> int:
        """Return the number of journal entries of the day."""
        return sum(self.kinds.values())


@dataclass(frozen=True)
class WeekRow:
    """One week of the timeline."""

    number: int
    start: dt.date
    end: dt.date
    days: list[Day]

    @property
    def entries(self) -> int:
        """Return the number of journal entries of the week."""
        return sum(day.entries for day in self.days)

    @property
    def sessions(self) -> int:
        """Return the number of prototype test sessions of the week."""
        return sum(day.sessions for day in self.days)


def timeline_data(residency: Published) -> list[WeekRow]:
    """Return, per week, its days with the count of entries by kind and of test sessions."""
    res = residency.residence
    if res is None:
        return []
    by_day: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for entry in residency.entries:
        by_day[entry.date][entry.kind] += 1
    sessions: Counter[dt.date] = Counter()
    for proto in residency.prototypes:
        for test in proto.tests:
            sessions[test.date] += 1
    return [
        WeekRow(
            week.number,
            week.start,
            week.end,
            [
                Day(day, dict(by_day.get(day, Counter())), sessions[day])
                for day in _days(week.start, week.end)[:MAX_DAYS]
            ],
        )
        for week in res.weeks
    ]


#: The timelines drawn last (the actor map's Drawings).
TIMELINES = Drawings()


def render_timeline_svg(residency: Published, t: Translator) -> str:
    """Return the SVG timeline: one row per week, one column per day, one mark per entry."""
    weeks = timeline_data(residency)
    if not weeks:
        return ""
    total = len(residency.entries)
    # The weeks' repr holds every count and date drawn (frozen dataclasses, dicts in order).
    key = (t, repr(weeks), total)
    return TIMELINES.get(key, lambda: _draw_timeline(weeks, total, t))


def _draw_timeline(weeks: list[WeekRow], total_entries: int, t: Translator) -> str:
    from babel.dates import format_date

    lang = t.language
    labels = kind_labels(t)
    per_row = 6
    cell_w, gap, label_w, pad = 104, 6, 150, 10
    mark = 14
    most = max((day.entries for week in weeks for day in week.days), default=0)
    mark_rows = max(1, math.ceil(most / per_row))
    cell_h = 30 + mark_rows * mark + 10
    columns = max(len(week.days) for week in weeks)
    width = label_w + columns * (cell_w + gap)
    legend_y = pad + len(weeks) * (cell_h + gap) + 14
    height = legend_y + 2 * 24 + pad
    title = t.gettext("The weeks on site, day by day")
    desc_parts = []
    body: list[str] = []
    y = pad
    for week in weeks:
        span = week_span(week.start, week.end, lang)
        week_label = t.gettext("Week {number}", number=week.number)
        body.append(
            f'<g class="week"><text class="week-label" x="0" y="{y + 20}">'
            f"{escape(week_label)}</text>"
        )
        body.append(f'<text class="week-dates" x="0" y="{y + 38}">{escape(span)}</text>')
        desc = t.ngettext(
            "{label} ({span}): {n} entry",
            "{label} ({span}): {n} entries",
            week.entries,
            label=week_label,
            span=span,
        )
        if week.sessions:
            desc += t.ngettext(", {n} test session", ", {n} test sessions", week.sessions)
        desc_parts.append(desc)
        for i, day in enumerate(week.days):
            x = label_w + i * (cell_w + gap)
            empty = not day.entries and not day.sessions
            body.append(
                f'<rect class="day{" day-empty" if empty else ""}" x="{x}" y="{y}" '
                f'width="{cell_w}" height="{cell_h}" rx="3"/>'
            )
            day_label = format_date(day.date, "EEE d", locale=lang)
            body.append(
                f'<text class="day-label" x="{x + 8}" y="{y + 17}">{escape(day_label)}</text>'
            )
            if day.sessions:
                body.append(_star(x + cell_w - 13, y + 12, 8))
            n = 0
            for kind in ENTRY_KINDS:
                for _ in range(day.kinds.get(kind, 0)):
                    mx = x + 12 + (n % per_row) * mark
                    my = y + 32 + (n // per_row) * mark
                    body.append(mark_svg(kind, mx, my))
                    n += 1
        body.append("</g>")
        y += cell_h + gap
    legend = [f'<g class="legend" transform="translate(0 {legend_y})">']
    per_line = 4
    items = [*ENTRY_KINDS, "session"]
    for i, kind in enumerate(items):
        lx = (i % per_line) * (width / per_line)
        ly = (i // per_line) * 24
        if kind == "session":
            legend.append(_star(lx + 7, ly + 6, 8))
            label = t.gettext("Prototype test session")
        else:
            legend.append(mark_svg(kind, lx + 7, ly + 6))
            label = labels[kind]
        legend.append(
            f'<text class="legend-label" x="{num(lx + 20)}" y="{ly + 11}">{escape(label)}</text>'
        )
    legend.append("</g>")
    total = t.ngettext("{n} journal entry in all.", "{n} journal entries in all.", total_entries)
    desc = " ".join([*(part + "." for part in desc_parts), total])
    return _svg("timeline", width, height, title, desc, [*body, *legend])


def week_span(start: dt.date, end: dt.date, lang: str) -> str:
    """Return a short date interval: '13-17 janv.' in French, with an en dash."""
    from babel.dates import format_interval

    return format_interval(start, end, "MMMd", locale=lang)


def render_funnel_svg(residency: Published, t: Translator) -> str:
    """Return the SVG funnel of the prototypes: how many reached each stage, and which."""
    protos = residency.prototypes
    if not protos:
        return ""
    labels = stage_labels(t)
    rank = {stage: i for i, stage in enumerate(STAGES)}
    live = [p for p in protos if p.stage != "abandoned"]
    abandoned = [p for p in protos if p.stage == "abandoned"]
    reached = [sum(rank[p.stage] >= i for p in live) for i in range(len(STAGES))]
    at_stage = {stage: [p.title for p in live if p.stage == stage] for stage in STAGES}
    label_w, bar_w, names_x, row_h, pad = 128, 300, 128 + 300 + 20, 44, 10
    width = names_x + 300
    rows = len(STAGES) + (1 if abandoned else 0)
    height = pad * 2 + rows * row_h
    top = max(max(reached), 1)
    body: list[str] = []
    desc_parts: list[str] = []
    for i, stage in enumerate(STAGES):
        y = pad + i * row_h
        count = reached[i]
        w = max(bar_w * count / top, 2 if count else 0)
        x = label_w + (bar_w - w) / 2
        body.append(f'<text class="stage-label" x="0" y="{y + 26}">{escape(labels[stage])}</text>')
        body.append(
            f'<rect class="stage-track" x="{label_w}" y="{y + 6}" width="{bar_w}" '
            f'height="{row_h - 12}" rx="2"/>'
        )
        if count:
            body.append(
                f'<rect class="stage-bar stage-{stage}" x="{num(x)}" y="{y + 6}" '
                f'width="{num(w)}" height="{row_h - 12}" rx="2"/>'
            )
        body.append(
            f'<text class="stage-count" x="{label_w + bar_w / 2}" y="{y + 27}" '
            f'text-anchor="middle">{count}</text>'
        )
        names = at_stage[stage]
        if names:
            body.append(
                f'<text class="stage-names" x="{names_x}" y="{y + 26}">'
                f"{escape(_shorten(', '.join(names), 46))}</text>"
            )
        text = t.ngettext(
            "{stage}: {n} prototype reached this stage",
            "{stage}: {n} prototypes reached this stage",
            count,
            stage=labels[stage],
        )
        if names:
            text += " (" + t.gettext("now here: {names}", names=", ".join(names)) + ")"
        desc_parts.append(text)
    if abandoned:
        y = pad + len(STAGES) * row_h
        names = [p.title for p in abandoned]
        body.append(
            f'<text class="stage-label" x="0" y="{y + 26}">{escape(labels["abandoned"])}</text>'
        )
        w = bar_w * len(abandoned) / top
        x = label_w + (bar_w - w) / 2
        body.append(
            f'<rect class="stage-bar stage-abandoned" x="{num(x)}" '
            f'y="{y + 6}" width="{num(w)}" height="{row_h - 12}" rx="2"/>'
        )
        body.append(
            f'<text class="stage-count" x="{label_w + bar_w / 2}" y="{y + 27}" '
            f'text-anchor="middle">{len(abandoned)}</text>'
        )
        body.append(
            f'<text class="stage-names" x="{names_x}" y="{y + 26}">'
            f"{escape(_shorten(', '.join(names), 46))}</text>"
        )
        desc_parts.append(
            t.gettext("{stage}: {names}", stage=labels["abandoned"], names=", ".join(names))
        )
    title = t.gettext("Prototypes by stage")
    desc = "; ".join(desc_parts) + "."
    return _svg("funnel", width, height, title, desc, body)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,") + "…"


def _svg(name: str, width: float, height: float, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{name}" role="img" '
        f'viewBox="0 0 {num(width)} {num(height)}" width="{num(width)}" '
        f'height="{num(height)}" aria-labelledby="{name}-title {name}-desc">'
        f'<title id="{name}-title">{escape(title)}</title>'
        f'<desc id="{name}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )
