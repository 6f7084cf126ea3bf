# SPDX-License-Identifier: EUPL-1.2
"""The `residence status` dashboard: rich renderables made from a Status (output prints them).

Everything is laid out to fit 80 columns. Colours are styles only, so that a console that is
not a terminal (a pipe, a file) prints the same figures as plain text.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from residence.cli.output import plural, visible
from residence.status import CIRCLES, KINDS, SECTORS, STAGES, Status

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
    title = Text(res["title"] or "(residence.yaml cannot be read)", style="bold")
    weeks = data["weeks"]
    facts = [res["id"] or "?"]
    if weeks:
        facts.append(f"{plural(len(weeks), 'week')}, {res['start']} → {res['end']}")
    facts.append(f"today {data['today']}")
    check = data["check"]
    line = Text(" · ".join(facts))
    verdict = Text(
        f"residence check: {plural(check['errors'], 'error')}, "
        f"{plural(check['warnings'], 'warning')}",
        style="red" if check["errors"] else "green" if not check["warnings"] else "yellow",
    )
    return [title, line, verdict]


def _journal(data: dict[str, Any]) -> list[RenderableType]:
    journal = data["journal"]
    extra = []
    if journal["team_only"]:
        extra.append(f"{journal['team_only']} team-only")
    if journal["outside_weeks"]:
        extra.append(f"{journal['outside_weeks']} outside the weeks")
    head = f"Journal: {plural(journal['entries'], 'entry', 'entries')}"
    parts: list[RenderableType] = [_heading(head + (f" ({', '.join(extra)})" if extra else ""))]
    weeks = data["weeks"]
    if not weeks:
        parts.append(Text("No weeks in residence.yaml."))
        return parts
    top = max((d["entries"] for w in weeks for d in w["days"]), default=0)
    table = _table(
        ("week", "right"),
        ("dates", "left"),
        ("days", "left"),
        ("per day", "left"),
        ("total", "right"),
        ("focus", "left"),
    )
    for week in weeks:
        counts = [d["entries"] for d in week["days"]]
        per_day = " ".join(str(n) for n in counts[:7]) + (" …" if len(counts) > 7 else "")
        marker = {"current": " ◂ now", "future": ""}.get(week["state"], "")
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
    left = _table(("author", "left", 20), ("entries", "right"), ("", "left"))
    for a in authors:
        _row(left, a["name"], str(a["entries"]), _bar(a["entries"], top, 10))
    if not authors:
        _row(left, "(no team)", "", "")
    kinds = journal["by_kind"]
    top_kind = max(kinds.values(), default=0)
    right = _table(("kind", "left"), ("entries", "right"), ("", "left"))
    for kind in KINDS:
        _row(right, kind, str(kinds.get(kind, 0)), _bar(kinds.get(kind, 0), top_kind, 10))
    grid = Table.grid(padding=(0, 3))
    grid.add_column()
    grid.add_column()
    grid.add_row(left, right)
    return [_heading("Entries per author and per kind"), grid]


def _actors(data: dict[str, Any]) -> list[RenderableType]:
    actors = data["actors"]
    head = (
        f"Actors: {actors['total']} ({actors['personal']} personal, "
        f"{plural(actors['minors'], 'minor')}), "
        f"{plural(actors['relations'], 'relation')}"
    )
    table = _table(("circle", "left"), *((s, "right") for s in SECTORS), ("total", "right"))
    for circle in CIRCLES:
        row = actors["grid"][circle]
        _row(
            table, circle, *(str(row[s] or "·") for s in SECTORS), str(actors["by_circle"][circle])
        )
    return [_heading(head), table]


def _prototypes(data: dict[str, Any]) -> list[RenderableType]:
    protos = data["prototypes"]
    head = f"Prototypes: {protos['total']}, {plural(protos['tests'], 'test session')}"
    parts: list[RenderableType] = [_heading(head)]
    by_stage = protos["by_stage"]
    top = max(by_stage.values(), default=0)
    funnel = Table.grid(padding=(0, 1))
    funnel.add_column(width=10)
    funnel.add_column(justify="right", width=3)
    funnel.add_column(width=30)
    for stage in STAGES:
        n = by_stage.get(stage, 0)
        bar = _bar(n, top, 24)
        _row(funnel, stage, str(n), Text.assemble(" " * ((24 - len(bar)) // 2), bar))
    parts.append(funnel)
    items = protos["items"]
    if items:
        table = _table(
            ("prototype", "left", 30), ("stage", "left"), ("tests", "right"), ("last test", "left")
        )
        for item in items[:_MAX_PROTOTYPES]:
            _row(table, item["id"], item["stage"], str(item["tests"]), item["last_test"] or "—")
        if len(items) > _MAX_PROTOTYPES:
            _row(table, f"… and {len(items) - _MAX_PROTOTYPES} more", "", "", "")
        parts.append(table)
    return parts


def _consent(data: dict[str, Any]) -> list[RenderableType]:
    consent = data["consent"]
    if not consent["personal"]:
        return [_heading("Consent"), Text("No personal actor: nobody to ask for consent.")]
    lines = [
        f"{plural(consent['personal'], 'personal actor')}: "
        f"{consent['public']} may be named in public, {consent['internal']} internal only, "
        f"{consent['none']} refused, {len(consent['no_record'])} without a record.",
        f"Pseudonymised in public editions: {consent['pseudonymised']}.",
    ]
    return [_heading("Consent"), *(Text(line) for line in lines)]


def _missing(data: dict[str, Any]) -> list[RenderableType]:
    missing = data["missing"]
    if not missing:
        return [_heading("Missing"), Text("Nothing is missing.", style="green")]
    parts: list[RenderableType] = [_heading("Missing")]
    for item in missing:
        text = item["message"]
        ids = item["ids"]
        if ids and item["code"] in {"no-consent", "minor-without-guardians"}:
            text += ": " + ", ".join(ids)
        parts.append(Text("• " + text, style="yellow"))
    return parts
