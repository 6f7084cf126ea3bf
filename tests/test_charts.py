"""The SVG timeline and funnel: readable in black and white, with text alternatives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree import ElementTree

from residence.i18n import translator
from residence.load import load_residency
from residence.models import Entry, Prototype, Residency, TestSession
from residence.render.charts import (
    ENTRY_KINDS,
    render_funnel_svg,
    render_timeline_svg,
    timeline_data,
)

SVG = "{http://www.w3.org/2000/svg}"


def _residency(minimal: Path) -> Residency:
    residency, problems = load_residency(minimal)
    assert not [p for p in problems if p.severity == "error"]
    return residency


def _entry(day: str, kind: str) -> Entry:
    return Entry.model_validate(
        {"date": day, "title": "x", "kind": kind, "authors": ["claire"], "body": "x"}
    )


def _parse(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def _marks(root: ElementTree.Element, cls: str) -> list[ElementTree.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def test_timeline_has_a_row_per_week_and_a_mark_per_entry(minimal: Path) -> None:
    residency = _residency(minimal)
    residency.entries += [_entry("2025-03-05", "workshop"), _entry("2025-03-05", "reflection")]
    svg = render_timeline_svg(residency, translator("fr"))
    root = _parse(svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Les semaines sur place, jour par jour"
    assert desc is not None and "Semaine 1" in (desc.text or "")
    assert root.get("aria-labelledby") == "timeline-title timeline-desc"
    weeks = _marks(root, "week")
    assert len(weeks) == 3
    # One mark per entry in the days (the legend has one more of each kind).
    legend = _marks(root, "legend")[0]
    in_legend = len(_marks(legend, "mark"))
    assert in_legend == len(ENTRY_KINDS)
    assert len(_marks(root, "mark")) - in_legend == len(residency.entries)
    # 5 days a week, each a cell, and the day labels are in French.
    assert len(_marks(root, "day")) == 15
    labels = [e.text for e in _marks(root, "day-label")]
    assert labels[0] == "lun. 3"


def test_timeline_marks_test_sessions_with_a_star(minimal: Path) -> None:
    residency = _residency(minimal)
    root = _parse(render_timeline_svg(residency, translator("fr")))
    sessions = sum(day.sessions for week in timeline_data(residency) for day in week.days)
    assert sessions == 1
    # One star in the grid, one in the legend.
    assert len(_marks(root, "mark-session")) == sessions + 1
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "1 séance de test" in (desc.text or "")


def test_timeline_kinds_have_distinct_shapes(minimal: Path) -> None:
    residency = _residency(minimal)
    residency.entries = [_entry("2025-03-03", kind) for kind in ENTRY_KINDS]
    root = _parse(render_timeline_svg(residency, translator("en")))
    legend = _marks(root, "legend")[0]
    shapes = set()
    for kind in ENTRY_KINDS:
        (mark,) = _marks(legend, f"mark-{kind}")
        corners = len((mark.get("points") or "").split())
        shapes.add((mark.tag, mark.get("fill"), corners))
    assert len(shapes) == len(ENTRY_KINDS)
    texts = [e.text for e in _marks(legend, "legend-label")]
    assert texts == [
        "Observation", "Interview", "Workshop", "Meeting", "Test", "Reflection",
        "Prototype test session",
    ]  # fmt: skip


def test_timeline_escapes_text_and_survives_long_weeks(minimal: Path) -> None:
    residency = _residency(minimal)
    assert residency.residence is not None
    residency.residence.weeks[0].end = dt.date(2025, 3, 31)
    svg = render_timeline_svg(residency, translator("fr"))
    root = _parse(svg)
    assert len(_marks(root, "day")) == 14 + 5 + 5  # a long "week" is cut at 14 days


def test_funnel_counts_prototypes_by_stage(minimal: Path) -> None:
    residency = _residency(minimal)
    base = residency.prototypes[0].model_copy(update={"stage": "live-test"})
    residency.prototypes = [
        base,
        Prototype.model_validate(
            {"id": "idee", "title": "Une idée <en l'air>", "hypothesis": "si", "stage": "idea"}
        ),
        Prototype.model_validate(
            {"id": "fin", "title": "Abandonné", "hypothesis": "si", "stage": "abandoned"}
        ),
    ]
    svg = render_funnel_svg(residency, translator("fr"))
    root = _parse(svg)
    assert root.get("role") == "img"
    counts = [e.text for e in _marks(root, "stage-count")]
    # idea, sketch, mock-up, live-test, adopted, then the abandoned row.
    assert counts == ["2", "1", "1", "1", "0", "1"]
    names = " ".join(e.text or "" for e in _marks(root, "stage-names"))
    assert "Une idée <en l'air>" in names
    assert "&lt;en" in svg
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "Abandonné" in (desc.text or "")


def test_funnel_is_empty_without_prototypes(minimal: Path) -> None:
    residency = _residency(minimal)
    residency.prototypes = []
    assert render_funnel_svg(residency, translator("fr")) == ""


def test_timeline_data_counts_sessions_per_day(minimal: Path) -> None:
    residency = _residency(minimal)
    residency.prototypes[0].tests.append(
        TestSession.model_validate({"date": "2025-04-08", "decision": "iterate"})
    )
    days = {d.date: d for w in timeline_data(residency) for d in w.days}
    assert days[dt.date(2025, 4, 8)].sessions == 2
    assert days[dt.date(2025, 3, 3)].kinds == {"observation": 1}
