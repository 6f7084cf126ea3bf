# SPDX-License-Identifier: EUPL-1.2
"""The `residence status` dashboard: rich renderables made from a Status (output prints them).

Everything is laid out to fit 80 columns. Colours are styles only, so that a console that is
not a terminal (a pipe, a file) prints the same figures as plain text. Every label is in the
user's language, the format's fixed words too (the kinds, circles, sectors and stages: the
French ones are those the files and the options accept).
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from residence.cli.output import errors, visible, warnings
from residence.i18n import messages
from residence.status import CIRCLES, KINDS, SECTORS, STAGES, Status

_ = messages("messages")

WIDTH = 80
_SPARKS = "▁▂▃▄▅▆▇█"
_MAX_DAYS = 14  # days drawn per week; longer "weeks" are cut with "…"
_MAX_PROTOTYPES = 12


def _bar(n: int, top: int, width: int) -> Text:
    if n <= 0 or top <= 0:
        return Text("")
    return Text("█" * max(1, round(width * n / top)), style="cyan")


def _spark(counts: list[int], top: int) -> str:
    marks = []
    for n in counts[:_MAX_DAYS]:
        if n <= 0 or top <= 0:
            marks.append("·")
        else:
            marks.append(_SPARKS[min(len(_SPARKS) - 1, (n * len(_SPARKS) - 1) // top)])
    return "".join(marks) + ("…" if len(counts) > _MAX_DAYS else "")


def _row(table: Table, *cells: RenderableType) -> None:
    """Add a row; plain strings are shown as they are (user text is never rich markup)."""
    table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells))


def _word(value: str) -> str:
    """Return a fixed word of the format (a kind, circle, sector or stage) in the user's
    language; a word this module does not know is shown as it is."""
    words = {
        "observation": _("observation"), "interview": _("interview"),
        "workshop": _("workshop"), "meeting": _("meeting"), "test": _("test"),
        "reflection": _("reflection"),
        "core": _("core"), "direct": _("direct"), "indirect": _("indirect"),
        "public": _("public"), "private": _("private"),
        "civil-society": _("civil-society"), "users": _("users"),
        "idea": _("idea"), "sketch": _("sketch"), "mock-up": _("mock-up"),
        "live-test": _("live-test"), "adopted": _("adopted"), "abandoned": _("abandoned"),
    }  # fmt: skip
    return words.get(value, value)


def _heading(text: str) -> Text:
    return Text(text, style="bold")


def _table(*columns: tuple[str, str] | tuple[str, str, int]) -> Table:
    """Return a borderless table; a column is (header, justify) or (header, justify, max)."""
    table = Table(
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), header_style="bold"
    )
    for name, justify, *most in columns:
        table.add_column(
            name,
            justify=justify,  # type: ignore[arg-type]
            overflow="ellipsis",
            no_wrap=True,
            min_width=len(name),
            max_width=most[0] if most else None,
        )
    return table


def render_dashboard(status: Status) -> RenderableType:
    """Return the dashboard of a residency: timeline, journal, actors, prototypes, missing."""
    data = _visible(status.as_dict())
    parts: list[RenderableType] = [*_title(data), Text(""), *_journal(data), Text("")]
    parts += [*_people(data), Text("")]
    parts += [*_actors(data), Text(""), *_prototypes(data), Text(""), *_consent(data), Text("")]
    parts += _missing(data)
    return Group(*parts)


def _visible(value: Any) -> Any:
    """Return the figures with every text made visible (titles, ids, names, messages)."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {k: _visible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_visible(v) for v in value]
    return value


def _title(data: dict[str, Any]) -> list[RenderableType]:
    res = data["residency"]
    title = Text(res["title"] or _("(residence.yaml cannot be read)"), style="bold")
    weeks = data["weeks"]
    facts = [res["id"] or "?"]
    if weeks:
        facts.append(
            _.plural(
                "{n} week, {start} → {end}",
                "{n} weeks, {start} → {end}",
                len(weeks),
                start=res["start"],
                end=res["end"],
            )
        )
    facts.append(_("today {day}", day=data["today"]))
    check = data["check"]
    line = Text(" · ".join(facts))
    verdict = Text(
        _(
            "residence check: {errors}, {warnings}",
            errors=errors(check["errors"]),
            warnings=warnings(check["warnings"]),
        ),
        style="red" if check["errors"] else "green" if not check["warnings"] else "yellow",
    )
    return [title, line, verdict]


def _journal(data: dict[str, Any]) -> list[RenderableType]:
    journal = data["journal"]
    extra = []
    if journal["team_only"]:
        n = journal["team_only"]
        extra.append(_.plural("{n} team-only", "{n} team-only", n))
    if journal["outside_weeks"]:
        n = journal["outside_weeks"]
        extra.append(_.plural("{n} outside the weeks", "{n} outside the weeks", n))
    head = _.plural("Journal: {n} entry", "Journal: {n} entries", journal["entries"])
    parts: list[RenderableType] = [_heading(head + (f" ({', '.join(extra)})" if extra else ""))]
    weeks = data["weeks"]
    if not weeks:
        parts.append(Text(_("No weeks in residence.yaml.")))
        return parts
    top = max((d["entries"] for w in weeks for d in w["days"]), default=0)
    table = _table(
        (_("week"), "right"),
        (_("dates"), "left"),
        (_("days"), "left"),
        (_("per day"), "left"),
        (_("total"), "right"),
        (_("focus"), "left"),
    )
    for week in weeks:
        counts = [d["entries"] for d in week["days"]]
        per_day = " ".join(str(n) for n in counts[:7]) + (" …" if len(counts) > 7 else "")
        marker = " " + _("◂ now") if week["state"] == "current" else ""
        dates = f"{week['start']} → {week['end'][5:]}"
        _row(
            table,
            str(week["number"]),
            dates,
            _spark(counts, top),
            per_day,
            str(week["entries"]),
            Text((week["focus"] or "") + marker),
        )
    parts.append(table)
    return parts


def _people(data: dict[str, Any]) -> list[RenderableType]:
    journal = data["journal"]
    authors = [a for a in journal["by_author"] if a["entries"] or a["role"] == "resident"]
    top = max((a["entries"] for a in authors), default=0)
    left = _table((_("author"), "left", 20), (_("entries"), "right"), ("", "left"))
    for a in authors:
        _row(left, a["name"], str(a["entries"]), _bar(a["entries"], top, 10))
    if not authors:
        _row(left, _("(no team)"), "", "")
    kinds = journal["by_kind"]
    top_kind = max(kinds.values(), default=0)
    right = _table((_("kind"), "left"), (_("entries"), "right"), ("", "left"))
    for kind in KINDS:
        n = kinds.get(kind, 0)
        _row(right, _word(kind), str(n), _bar(n, top_kind, 10))
    grid = Table.grid(padding=(0, 3))
    grid.add_column()
    grid.add_column()
    grid.add_row(left, right)
    return [_heading(_("Entries per author and per kind")), grid]


def _actors(data: dict[str, Any]) -> list[RenderableType]:
    actors = data["actors"]
    head = _(
        "Actors: {total} ({personal}, {minors}), {relations}",
        total=actors["total"],
        personal=_.plural("{n} personal", "{n} personal", actors["personal"]),
        minors=_.plural("{n} minor", "{n} minors", actors["minors"]),
        relations=_.plural("{n} relation", "{n} relations", actors["relations"]),
    )
    table = _table(
        (_("circle"), "left"), *((_word(s), "right") for s in SECTORS), (_("total"), "right")
    )
    for circle in CIRCLES:
        row = actors["grid"][circle]
        cells = (str(row[s] or "·") for s in SECTORS)
        _row(table, _word(circle), *cells, str(actors["by_circle"][circle]))
    return [_heading(head), table]


def _prototypes(data: dict[str, Any]) -> list[RenderableType]:
    protos = data["prototypes"]
    head = _(
        "Prototypes: {total}, {tests}",
        total=protos["total"],
        tests=_.plural("{n} test session", "{n} test sessions", protos["tests"]),
    )
    parts: list[RenderableType] = [_heading(head)]
    by_stage = protos["by_stage"]
    top = max(by_stage.values(), default=0)
    stages = [_word(stage) for stage in STAGES]
    funnel = Table.grid(padding=(0, 1))
    funnel.add_column(width=max(10, *(len(stage) for stage in stages)))
    funnel.add_column(justify="right", width=3)
    funnel.add_column(width=30)
    for stage, label in zip(STAGES, stages, strict=True):
        n = by_stage.get(stage, 0)
        bar = _bar(n, top, 24)
        _row(funnel, label, str(n), Text.assemble(" " * ((24 - len(bar)) // 2), bar))
    parts.append(funnel)
    items = protos["items"]
    if items:
        table = _table(
            (_("prototype"), "left", 30),
            (_("stage"), "left"),
            (_("tests"), "right"),
            (_("last test"), "left"),
        )
        for item in items[:_MAX_PROTOTYPES]:
            last = item["last_test"] or "—"
            _row(table, item["id"], _word(item["stage"]), str(item["tests"]), last)
        if len(items) > _MAX_PROTOTYPES:
            more = len(items) - _MAX_PROTOTYPES
            _row(table, _.plural("… and {n} more", "… and {n} more", more), "", "", "")
        parts.append(table)
    return parts


def _consent(data: dict[str, Any]) -> list[RenderableType]:
    consent = data["consent"]
    if not consent["personal"]:
        return [
            _heading(_("Consent")),
            Text(_("No personal actor: nobody to ask for consent.")),
        ]
    lines = [
        _.plural(
            "{n} personal actor: {public} may be named in public, {internal} internal only, "
            "{refused} refused, {unrecorded} without a record.",
            "{n} personal actors: {public} may be named in public, {internal} internal only, "
            "{refused} refused, {unrecorded} without a record.",
            consent["personal"],
            public=consent["public"],
            internal=consent["internal"],
            refused=consent["none"],
            unrecorded=len(consent["no_record"]),
        ),
        _("Pseudonymised in public editions: {n}.", n=consent["pseudonymised"]),
    ]
    return [_heading(_("Consent")), *(Text(line) for line in lines)]


def _missing(data: dict[str, Any]) -> list[RenderableType]:
    missing = data["missing"]
    if not missing:
        return [_heading(_("Missing")), Text(_("Nothing is missing."), style="green")]
    parts: list[RenderableType] = [_heading(_("Missing"))]
    for item in missing:
        text = item["message"]
        ids = item["ids"]
        if ids and item["code"] in {"no-consent", "minor-without-guardians"}:
            text = _("{missing}: {ids}", missing=text, ids=", ".join(ids))
        parts.append(Text("• " + text, style="yellow"))
    return parts
