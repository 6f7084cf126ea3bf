# SPDX-License-Identifier: EUPL-1.2
"""`residence new` and `residence add note|actor|relation|prototype|test|scenario|method|insight`:
start a residency, write its journal, its actors, prototypes, scenarios, methods and insights.

An item comes from the options, or is written in the user's text editor on a commented
draft (the editor loop is ``adding``). The other items a team records (members, consent,
quotes, photos, handovers, follow-up visits) and `residence set` are in ``records``; both
register their commands on ``add_app`` and ``set_app``, which the root command mounts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from residence import pipeline
from residence.cli import output, records
from residence.cli.adding import DraftOpt, EditOpt, add_app, run_add, set_app
from residence.cli.adding import opt as _opt
from residence.cli.options import FRENCH, TERRITOIRES, DirArg, Language, Programme
from residence.i18n import messages

__all__ = ["NEW_HELP", "add_app", "new", "records", "set_app"]

_ = messages("messages")

NEW_HELP = _(
    "Create a residency folder with commented starter files, schemas and licences.\n\n"
    "The folder must not exist, or be empty: nothing already there is ever touched. What a "
    "residency is (its site, the body that commissions it, its weeks) is asked on a "
    "terminal when not given; elsewhere the starter files keep a marked text to replace, "
    "which residence check --strict refuses until it is replaced."
)


def new(
    folder: Annotated[Path, typer.Argument(help=_("The folder to create."), show_default=False)],
    title: Annotated[str, typer.Option("--title", help=_("Title of the residency."))],
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help=_("First day of week 1, YYYY-MM-DD (default: next Monday)."),
            show_default=False,
        ),
    ] = None,
    weeks: Annotated[
        int, typer.Option("--weeks", min=1, max=60, help=_("How many weeks of immersion."))
    ] = 3,
    language: Annotated[
        Language, typer.Option("--language", help=_("Language of the files and the reports."))
    ] = FRENCH,
    programme: Annotated[
        Programme, typer.Option("--programme", help=_("The programme."))
    ] = TERRITOIRES,
    site: Annotated[
        str | None,
        typer.Option(
            "--site",
            help=_("The place of immersion: a high school, a hospital, a one-stop office…"),
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            "--commissioner",
            help=_(
                'The public body that commissions the residency, e.g. "Conseil '
                'départemental du Cher".'
            ),
            show_default=False,
        ),
    ] = None,
    week: Annotated[
        list[str] | None,
        typer.Option(
            "--week",
            help=_(
                "First day of a week on site, once per week in order "
                "(--week 2026-01-12 --week 09/02/2026 …); replaces --start and --weeks."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create a residency folder with starter files (NEW_HELP says it to the user)."""
    from residence.add import is_interactive
    from residence.scaffold import create_residency

    first_day = _day("--start", start) if start is not None else None
    week_starts = [_day("--week", w) for w in week or []]
    if is_interactive():
        site = site or _ask(_("Site of the immersion (a high school, a hospital…) (Enter: later)"))
        host = host or _ask(_("Public body that commissions the residency (Enter: later)"))
        if not week_starts and start is None:
            week_starts = _ask_weeks(weeks)
    written = create_residency(
        folder,
        title=title,
        start=first_day,
        weeks=weeks,
        language=language.value,
        programme=programme.value,
        site=site,
        host=host,
        week_starts=week_starts,
    )
    output.say(
        _.plural(
            "Created {folder} ({n} file).",
            "Created {folder} ({n} files).",
            len(written),
            folder=folder,
        )
    )
    output.say(
        _(
            "Next: edit {file}, then run: residence check {folder}",
            file=folder / "residence.yaml",
            folder=folder,
        )
    )


def _parse_day(value: str) -> dt.date | None:
    """Return a day written YYYY-MM-DD or day first (16/01/2026), or None."""
    from pydantic import TypeAdapter, ValidationError

    from residence.models.common import Date

    try:
        day: dt.date = TypeAdapter(Date).validate_python(value)
    except ValidationError:
        return None
    return day


def _day(option: str, value: str) -> dt.date:
    """Return a day given on the command line, or raise a usage error."""
    day = _parse_day(value)
    if day is None:
        raise pipeline.usage_error(
            _(
                "{option} '{value}' is not a date: write it as YYYY-MM-DD or DD/MM/YYYY",
                option=option,
                value=value,
            )
        )
    return day


def _ask(question: str) -> str | None:
    """Ask one question on the terminal; an empty answer leaves the text to replace."""
    answer: str = typer.prompt(question, default="", show_default=False)
    return answer.strip() or None


def _ask_weeks(count: int) -> list[dt.date]:
    """Ask the first day of each week on site; an empty first answer plans them later."""
    days: list[dt.date] = []
    number = 1
    while number <= count:
        answer = _ask(
            _(
                "First day of week {number}, YYYY-MM-DD or DD/MM/YYYY (Enter: later)",
                number=number,
            )
        )
        if answer is None:
            return days if number > 1 else []
        day = _parse_day(answer)
        if day is None:
            output.say(
                _("'{value}' is not a date: write it as YYYY-MM-DD or DD/MM/YYYY", value=answer)
            )
            continue
        days.append(day)
        number += 1
    return days


# -- add: the journal, the actors, the prototypes, the scenarios, the methods -------------


@add_app.command(
    "note",
    help=_(
        "Add a journal entry: journal/YYYY-MM-DD-title.yaml.\n\n"
        'Example: residence add note --title "Visite du hall" --kind observation '
        '--author claire --actor patients --tag accueil --body "…". Without --body, '
        "your editor opens on a commented template; the entry is checked as 'residence "
        "check' would before it is written, and an invalid draft is kept, never lost."
    ),
)
def add_note(
    folder: DirArg = Path("."),
    title: Annotated[str | None, _opt("--title", _("A short title."))] = None,
    kind: Annotated[
        str | None,
        _opt("--kind", _("observation, interview, workshop, meeting, test or reflection.")),
    ] = None,
    date: Annotated[
        str | None,
        _opt(
            "--date",
            _(
                "Day of the entry, YYYY-MM-DD or DD/MM/YYYY (default: today; 'yesterday' and "
                "'hier' work)."
            ),
        ),
    ] = None,
    time: Annotated[str | None, _opt("--time", _("Time of day: 09:45, 9:45 or 9h45."))] = None,
    author: Annotated[
        list[str] | None,
        _opt(
            "--author",
            _(
                "Id of a team member who wrote it; repeat for several (default: the "
                "RESIDENCE_AUTHOR variable)."
            ),
        ),
    ] = None,
    place: Annotated[str | None, _opt("--place", _("Where it happened."))] = None,
    actor: Annotated[
        list[str] | None, _opt("--actor", _("Id of an actor met or concerned; repeat for several."))
    ] = None,
    prototype: Annotated[
        list[str] | None, _opt("--prototype", _("Id of a prototype concerned; repeat for several."))
    ] = None,
    method: Annotated[
        list[str] | None, _opt("--method", _("Id of a method used; repeat for several."))
    ] = None,
    tag: Annotated[list[str] | None, _opt("--tag", _("A free tag; repeat for several."))] = None,
    team_only: Annotated[
        bool,
        typer.Option("--team-only", help=_("Keep the entry inside the team: never published.")),
    ] = False,
    body: Annotated[
        str | None,
        _opt(
            "--body",
            _(
                "The entry itself (Markdown); '-' reads it from standard input. Without "
                "it, your editor opens."
            ),
        ),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {
        "title": title,
        "kind": kind,
        "date": date,
        "time": time,
        "authors": author,
        "place": place,
        "actors": actor,
        "prototypes": prototype,
        "methods": method,
        "tags": tag,
        "visibility": "team" if team_only else None,
        "body": body,
    }
    run_add(folder, "note", values, edit, draft)


@add_app.command(
    "actor",
    help=_("Add an actor at the end of the actors of actors.yaml, keeping the file as it is."),
)
def add_actor(
    folder: DirArg = Path("."),
    name: Annotated[str | None, _opt("--name", _("The actor's name."))] = None,
    id: Annotated[str | None, _opt("--id", _("A short id (default: made from the name)."))] = None,
    kind: Annotated[
        str | None,
        _opt(
            "--kind",
            _(
                "institution, service, elected, agent, association, company, inhabitant, "
                "user or person."
            ),
        ),
    ] = None,
    sector: Annotated[
        str | None, _opt("--sector", _("public, private, civil-society or users."))
    ] = None,
    circle: Annotated[
        str | None, _opt("--circle", _("Distance to the question: core, direct or indirect."))
    ] = None,
    influence: Annotated[str | None, _opt("--influence", _("From 1 (low) to 5 (high)."))] = None,
    interest: Annotated[str | None, _opt("--interest", _("From 1 (low) to 5 (high)."))] = None,
    stake: Annotated[
        list[str] | None, _opt("--stake", _("One of the actor's stakes; repeat for several."))
    ] = None,
    personal: Annotated[
        bool,
        typer.Option(
            "--personal", help=_("An identifiable person: named in public only with consent.")
        ),
    ] = False,
    minor: Annotated[bool, typer.Option("--minor", help=_("A person under 18."))] = False,
    description: Annotated[
        str | None,
        _opt("--description", _("Who they are (Markdown); '-' reads it from standard input.")),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {
        "id": id,
        "name": name,
        "kind": kind,
        "sector": sector,
        "circle": circle,
        "influence": influence,
        "interest": interest,
        "stakes": stake,
        "personal": True if personal else None,
        "minor": True if minor else None,
        "description": description,
    }
    run_add(folder, "actor", values, edit, draft)


@add_app.command(
    "relation",
    help=_("Add a relation between two actors at the end of the relations of actors.yaml."),
)
def add_relation(
    folder: DirArg = Path("."),
    from_: Annotated[str | None, _opt("--from", _("Id of the first actor."))] = None,
    to: Annotated[str | None, _opt("--to", _("Id of the second actor."))] = None,
    kind: Annotated[
        str | None,
        _opt("--kind", _("cooperation, tension, funding, authority, information or service.")),
    ] = None,
    note: Annotated[str | None, _opt("--note", _("What the link is about."))] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {"from": from_, "to": to, "kind": kind, "note": note}
    run_add(folder, "relation", values, edit, draft)


@add_app.command("prototype", help=_("Add a prototype: prototypes/<id>.yaml."))
def add_prototype(
    folder: DirArg = Path("."),
    title: Annotated[str | None, _opt("--title", _("The prototype's name."))] = None,
    id: Annotated[str | None, _opt("--id", _("A short id (default: made from the title)."))] = None,
    hypothesis: Annotated[
        str | None, _opt("--hypothesis", _('What it tests: "si … alors …" (if … then …).'))
    ] = None,
    stage: Annotated[
        str | None,
        _opt("--stage", _("idea (default), sketch, mock-up, live-test, adopted or abandoned.")),
    ] = None,
    fidelity: Annotated[str | None, _opt("--fidelity", _("low, medium or high."))] = None,
    created: Annotated[
        str | None, _opt("--created", _("When the idea was born, YYYY-MM-DD (default: today)."))
    ] = None,
    team: Annotated[
        list[str] | None,
        _opt(
            "--team",
            _(
                "Id of a team member on it; repeat for several (default: the "
                "RESIDENCE_AUTHOR variable)."
            ),
        ),
    ] = None,
    actor: Annotated[
        list[str] | None, _opt("--actor", _("Id of an actor concerned; repeat for several."))
    ] = None,
    method: Annotated[
        list[str] | None, _opt("--method", _("Id of a method used; repeat for several."))
    ] = None,
    problem: Annotated[
        str | None,
        _opt("--problem", _("The problem it answers (Markdown); '-' reads standard input.")),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {
        "id": id,
        "title": title,
        "hypothesis": hypothesis,
        "stage": stage,
        "fidelity": fidelity,
        "created": created,
        "team": team,
        "actors": actor,
        "methods": method,
        "problem": problem,
    }
    run_add(folder, "prototype", values, edit, draft)


@add_app.command(
    "test",
    help=_("Add a test session at the end of a prototype's tests, keeping its file as it is."),
)
def add_test(
    folder: DirArg = Path("."),
    prototype: Annotated[str | None, _opt("--prototype", _("Id of the prototype tested."))] = None,
    date: Annotated[
        str | None, _opt("--date", _("Day of the test, YYYY-MM-DD or DD/MM/YYYY (default: today)."))
    ] = None,
    place: Annotated[str | None, _opt("--place", _("Where the test took place."))] = None,
    participants: Annotated[
        str | None, _opt("--participants", _('Who took part, for example "12 patients, 3 agents".'))
    ] = None,
    protocol: Annotated[str | None, _opt("--protocol", _("How the test was run."))] = None,
    observations: Annotated[
        str | None,
        _opt(
            "--observations",
            _("What was seen (Markdown); '-' reads standard input. Without it, your editor opens."),
        ),
    ] = None,
    learnings: Annotated[str | None, _opt("--learnings", _("What was learned."))] = None,
    decision: Annotated[
        str | None, _opt("--decision", _("iterate, adopt, abandon or continue."))
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {
        "prototype": prototype,
        "date": date,
        "place": place,
        "participants": participants,
        "protocol": protocol,
        "observations": observations,
        "learnings": learnings,
        "decision": decision,
    }
    run_add(folder, "test", values, edit, draft)


@add_app.command("scenario", help=_("Add a usage scenario: scenarios/<id>.yaml."))
def add_scenario(
    folder: DirArg = Path("."),
    title: Annotated[str | None, _opt("--title", _("The scenario's title."))] = None,
    id: Annotated[str | None, _opt("--id", _("A short id (default: made from the title)."))] = None,
    persona: Annotated[
        str | None, _opt("--persona", _("A fictional or pseudonymised person, in a sentence."))
    ] = None,
    today: Annotated[str | None, _opt("--today", _("The situation now (Markdown)."))] = None,
    tomorrow: Annotated[
        str | None,
        _opt(
            "--tomorrow",
            _("The situation with the proposed service (Markdown); '-' reads standard input."),
        ),
    ] = None,
    step: Annotated[list[str] | None, _opt("--step", _("A step; repeat for several."))] = None,
    actor: Annotated[
        list[str] | None, _opt("--actor", _("Id of an actor involved; repeat for several."))
    ] = None,
    prototype: Annotated[
        list[str] | None,
        _opt("--prototype", _("Id of a prototype it relies on; repeat for several.")),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {
        "id": id,
        "title": title,
        "persona": persona,
        "today": today,
        "tomorrow": tomorrow,
        "steps": step,
        "actors": actor,
        "prototypes": prototype,
    }
    run_add(folder, "scenario", values, edit, draft)


@add_app.command("method", help=_("Add an open method sheet: methods/<id>.yaml."))
def add_method(
    folder: DirArg = Path("."),
    title: Annotated[str | None, _opt("--title", _("The method's name."))] = None,
    id: Annotated[str | None, _opt("--id", _("A short id (default: made from the title)."))] = None,
    summary: Annotated[
        str | None, _opt("--summary", _("What the method is, in two or three sentences."))
    ] = None,
    purpose: Annotated[str | None, _opt("--purpose", _("What it is for."))] = None,
    phase: Annotated[
        str | None, _opt("--phase", _("immersion, analysis, prototyping, testing or transfer."))
    ] = None,
    duration: Annotated[str | None, _opt("--duration", _('How long it takes, e.g. "2 h".'))] = None,
    participants: Annotated[
        str | None, _opt("--participants", _("Who takes part, and how many."))
    ] = None,
    material: Annotated[
        list[str] | None, _opt("--material", _("Something to bring; repeat for several."))
    ] = None,
    step: Annotated[
        list[str] | None, _opt("--step", _("A step, in order; repeat for several."))
    ] = None,
    tip: Annotated[list[str] | None, _opt("--tip", _("Advice; repeat for several."))] = None,
    example: Annotated[
        list[str] | None,
        _opt(
            "--example",
            _(
                "A journal entry (file name without .yaml) or a prototype id where it "
                "was used; repeat for several."
            ),
        ),
    ] = None,
    author: Annotated[
        list[str] | None,
        _opt(
            "--author",
            _(
                "Who wrote the sheet (a name); repeat for several (default: the name of "
                "RESIDENCE_AUTHOR)."
            ),
        ),
    ] = None,
    source: Annotated[
        str | None, _opt("--source", _("Where the method comes from, for attribution."))
    ] = None,
    license: Annotated[
        str | None,
        _opt("--license", _("SPDX id of the sheet's licence (default: the residency's).")),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {
        "id": id,
        "title": title,
        "summary": summary,
        "purpose": purpose,
        "phase": phase,
        "duration": duration,
        "participants": participants,
        "materials": material,
        "steps": step,
        "tips": tip,
        "examples": example,
        "authors": author,
        "source": source,
        "license": license,
    }
    run_add(folder, "method", values, edit, draft)


@add_app.command(
    "insight",
    help=_(
        "Add an insight (a finding, with the evidence it rests on): insights/<id>.yaml.\n\n"
        "--evidence names a journal entry (its file name without .yaml), ENTRY#N for its "
        "quote N, or prototype:ID#N for the prototype's test N; the French words work too "
        "(ENTRY#citation2). Each reference is checked before anything is written. "
        'Example: residence add insight --title "L\'attente est invisible" --evidence '
        '2026-01-13-file-attente#1 --tag attente --week 1 --statement "…". Without '
        "--statement, your editor opens on a commented template."
    ),
)
def add_insight(
    folder: DirArg = Path("."),
    title: Annotated[str | None, _opt("--title", _("The finding, in one sentence."))] = None,
    id: Annotated[str | None, _opt("--id", _("A short id (default: made from the title)."))] = None,
    evidence: Annotated[
        list[str] | None,
        _opt(
            "--evidence",
            _(
                "What it rests on: ENTRY (a journal file name without .yaml), ENTRY#N (its "
                "quote N) or prototype:ID#N (its test N); repeat for several."
            ),
        ),
    ] = None,
    tag: Annotated[
        list[str] | None, _opt("--tag", _("A code (tag) it belongs to; repeat for several."))
    ] = None,
    week: Annotated[str | None, _opt("--week", _("The week it came from: 1, 2, 3…"))] = None,
    phase: Annotated[
        str | None,
        _opt("--phase", _("Or its phase: immersion, analysis, prototyping, testing or transfer.")),
    ] = None,
    prototype: Annotated[
        list[str] | None,
        _opt("--prototype", _("Id of a prototype that answers it; repeat for several.")),
    ] = None,
    team_only: Annotated[
        bool,
        typer.Option("--team-only", help=_("Keep the insight inside the team: never published.")),
    ] = False,
    statement: Annotated[
        str | None,
        _opt(
            "--statement",
            _(
                "What the team learned, explained (Markdown); '-' reads it from standard "
                "input. Without it, your editor opens."
            ),
        ),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {
        "id": id,
        "title": title,
        "evidence": evidence,
        "tags": tag,
        "week": week,
        "phase": phase,
        "prototypes": prototype,
        "visibility": "team" if team_only else None,
        "statement": statement,
    }
    run_add(folder, "insight", values, edit, draft)
