"""`residence status`: the figures of a residency in progress, as plain data (no printing).

``compute_status`` returns a ``Status`` whose ``as_dict()`` is the stable JSON of
``residence status --format json`` (documented in docs/journaling.md): the weeks as a
timeline with the entries of each day, entries per author and per kind, actors by circle
and sector, prototypes by stage, the consent situation, and what is missing.

What is missing is said in the user's language (the ``messages`` catalogue); the command
line sets English for ``--format json``, whose ``code`` of each item is the stable part.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, get_args

from residence.errors import Problem
from residence.i18n import messages
from residence.models import Residency
from residence.vocabulary import Circle, EntryKind, Sector, Stage

_ = messages("messages")

#: Version of the JSON structure; raised only when a key changes meaning or disappears.
STATUS_FORMAT = 1

KINDS: tuple[str, ...] = get_args(EntryKind)
CIRCLES: tuple[str, ...] = get_args(Circle)
SECTORS: tuple[str, ...] = get_args(Sector)
STAGES: tuple[str, ...] = get_args(Stage)
#: Stages at which a prototype is expected to have been tested (as `residence check` says).
TESTED_STAGES = frozenset(s for s in STAGES if s not in {"idea", "abandoned"})


@dataclass
class Day:
    """One day of a week on site and how many journal entries it has."""

    date: str
    entries: int


@dataclass
class WeekStatus:
    """One week: its days, its entries, and whether it is past, current or to come."""

    number: int
    start: str
    end: str
    focus: str | None
    state: str  # "past", "current" or "future" (relative to today)
    entries: int
    days: list[Day]


@dataclass
class AuthorCount:
    """How many entries a team member wrote (co-written entries count for each author)."""

    id: str
    name: str
    role: str
    entries: int


@dataclass
class PrototypeStatus:
    """One prototype: its stage and its test sessions."""

    id: str
    title: str
    stage: str
    tests: int
    last_test: str | None
    handover: bool


@dataclass
class Missing:
    """Something the team has not done yet."""

    code: str  # stable: no-entry, week-without-entry, member-without-entry, never-tested…
    message: str
    ids: list[str] = field(default_factory=list)


@dataclass
class Status:
    """Every figure of the dashboard; ``as_dict()`` is the JSON of ``--format json``."""

    format: int
    today: str
    residency: dict[str, Any]
    weeks: list[WeekStatus]
    journal: dict[str, Any]
    actors: dict[str, Any]
    prototypes: dict[str, Any]
    consent: dict[str, Any]
    scenarios: int
    methods: int
    check: dict[str, int]
    missing: list[Missing]

    def as_dict(self) -> dict[str, Any]:
        """Return the status as plain JSON-ready values."""
        return asdict(self)


def _week_state(start: dt.date, end: dt.date, today: dt.date) -> str:
    if today < start:
        return "future"
    if today > end:
        return "past"
    return "current"


def compute_status(
    residency: Residency,
    problems: Sequence[Problem] = (),
    today: dt.date | None = None,
) -> Status:
    """Return the figures of a residency; ``problems`` are those `residence check` finds."""
    today = today or dt.date.today()
    res = residency.residence
    entries = residency.entries
    per_day = Counter(e.date for e in entries)

    weeks: list[WeekStatus] = []
    for week in res.weeks if res else []:
        days: list[Day] = []
        day = week.start
        while day <= week.end and len(days) < 366:
            days.append(Day(day.isoformat(), per_day[day]))
            day += dt.timedelta(days=1)
        weeks.append(
            WeekStatus(
                number=week.number,
                start=week.start.isoformat(),
                end=week.end.isoformat(),
                focus=week.focus,
                state=_week_state(week.start, week.end, today),
                entries=sum(d.entries for d in days),
                days=days,
            )
        )
    in_weeks = sum(w.entries for w in weeks)

    team = res.team if res else []
    by_author = Counter(a for e in entries for a in dict.fromkeys(e.authors))
    authors = [AuthorCount(m.id, m.name, m.role, by_author[m.id]) for m in team]
    known = {m.id for m in team}
    authors += [
        AuthorCount(a, a, "unknown", n) for a, n in sorted(by_author.items()) if a not in known
    ]
    by_kind: Counter[str] = Counter(e.kind for e in entries)
    dates = sorted(e.date for e in entries)
    journal = {
        "entries": len(entries),
        "team_only": sum(e.visibility == "team" for e in entries),
        "outside_weeks": len(entries) - in_weeks if weeks else 0,
        "first": dates[0].isoformat() if dates else None,
        "last": dates[-1].isoformat() if dates else None,
        "by_author": [asdict(a) for a in authors],
        "by_kind": {k: by_kind[k] for k in KINDS},
    }

    actors = residency.actors
    grid = {c: dict.fromkeys(SECTORS, 0) for c in CIRCLES}
    for actor in actors:
        grid[actor.circle][actor.sector] += 1
    actor_figures = {
        "total": len(actors),
        "personal": sum(a.personal for a in actors),
        "minors": sum(a.minor for a in actors),
        "relations": len(residency.relations),
        "by_circle": {c: sum(grid[c].values()) for c in CIRCLES},
        "by_sector": {s: sum(grid[c][s] for c in CIRCLES) for s in SECTORS},
        "grid": grid,
    }

    protos = [
        PrototypeStatus(
            id=p.id,
            title=p.title,
            stage=p.stage,
            tests=len(p.tests),
            last_test=max(t.date for t in p.tests).isoformat() if p.tests else None,
            handover=p.handover is not None,
        )
        for p in residency.prototypes
    ]
    stages = Counter(p.stage for p in protos)
    prototype_figures = {
        "total": len(protos),
        "tests": sum(p.tests for p in protos),
        "by_stage": {s: stages[s] for s in STAGES},
        "items": [asdict(p) for p in protos],
    }

    consent = _consent(residency)
    missing = _missing(residency, weeks, authors, protos, consent, today)
    errors = sum(p.severity == "error" for p in problems)
    return Status(
        format=STATUS_FORMAT,
        today=today.isoformat(),
        residency={
            "id": res.id if res else None,
            "title": res.title if res else None,
            "language": residency.language,
            "start": weeks[0].start if weeks else None,
            "end": weeks[-1].end if weeks else None,
        },
        weeks=weeks,
        journal=journal,
        actors=actor_figures,
        prototypes=prototype_figures,
        consent=consent,
        scenarios=len(residency.scenarios),
        methods=len(residency.methods),
        check={"errors": errors, "warnings": len(problems) - errors},
        missing=missing,
    )


def _consent(residency: Residency) -> dict[str, Any]:
    """Return how the people met agreed to be named: counts and the ids concerned."""
    personal = [a for a in residency.actors if a.personal]
    public: list[str] = []
    internal: list[str] = []
    refused: list[str] = []
    no_record: list[str] = []
    minors_without_guardians: list[str] = []
    for actor in personal:
        record = residency.consent_for(actor.id)
        if record is None:
            no_record.append(actor.id)
        elif record.allows_public(actor.minor):
            public.append(actor.id)
        elif record.scope == "none":
            refused.append(actor.id)
        else:
            internal.append(actor.id)
            if record.scope == "public" and actor.minor:
                minors_without_guardians.append(actor.id)
    return {
        "personal": len(personal),
        "public": len(public),
        "internal": len(internal),
        "none": len(refused),
        "no_record": no_record,
        "minors_without_guardians": minors_without_guardians,
        "pseudonymised": len(personal) - len(public),
    }


def _missing(
    residency: Residency,
    weeks: list[WeekStatus],
    authors: list[AuthorCount],
    protos: list[PrototypeStatus],
    consent: dict[str, Any],
    today: dt.date,
) -> list[Missing]:
    found: list[Missing] = []
    if residency.residence is None:
        found.append(
            Missing("no-residence", _("residence.yaml cannot be read: run residence check"))
        )
    if not residency.entries:
        found.append(Missing("no-entry", _("the journal has no entry yet")))
    else:
        for week in weeks:
            if week.entries == 0:
                number = week.number
                said = (
                    _("week {number} has no entry", number=number)
                    if week.state == "past"
                    else _("week {number} has no entry yet", number=number)
                )
                found.append(Missing("week-without-entry", said, [str(number)]))
        silent = [a.id for a in authors if a.role == "resident" and a.entries == 0]
        for member in silent:
            said = _("resident {member} has written no entry yet", member=member)
            found.append(Missing("member-without-entry", said, [member]))
    for proto in protos:
        if proto.tests == 0 and proto.stage in TESTED_STAGES:
            said = _("prototype {id} has never been tested", id=proto.id)
            found.append(Missing("never-tested", said, [proto.id]))
        if proto.stage == "adopted" and not proto.handover:
            said = _(
                "prototype {id} is adopted but nobody is named to carry it on (handover)",
                id=proto.id,
            )
            found.append(Missing("no-handover", said, [proto.id]))
    no_record = consent["no_record"]
    if no_record:
        said = _.plural(
            "{n} personal actor has no consent record",
            "{n} personal actors have no consent record",
            len(no_record),
        )
        found.append(Missing("no-consent", said, list(no_record)))
    minors = consent["minors_without_guardians"]
    if minors:
        said = _.plural(
            "{n} minor with a public consent but no 'guardians: true'",
            "{n} minors with a public consent but no 'guardians: true'",
            len(minors),
        )
        found.append(Missing("minor-without-guardians", said, list(minors)))
    if not residency.actors:
        found.append(Missing("no-actor", _("the actor map has no actor yet")))
    started = any(w.state != "future" for w in weeks)
    if started and not residency.prototypes:
        found.append(Missing("no-prototype", _("no prototype yet")))
    if weeks and weeks[-1].state != "future":
        if not residency.scenarios:
            found.append(Missing("no-scenario", _("no usage scenario yet")))
        if not residency.methods:
            found.append(Missing("no-method", _("no method sheet yet")))
    return found
