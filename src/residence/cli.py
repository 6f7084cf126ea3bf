"""The `residence` command line: parse, call the core, print, exit.

This is the only module that prints. Exit codes (CLI.md): 0 success, 1 the residency has
errors, 2 wrong usage. Heavy modules are imported inside the commands, so that
``residence --help`` and ``residence check`` start fast.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from residence import __version__
from residence.errors import Problem, ResidenceError

#: The commands in the order a team meets them: start, write, look, publish, keep.
COMMAND_ORDER = (
    "new", "add", "status", "check", "render", "methods", "map", "archive", "verify",
    "catalog", "schema",
)  # fmt: skip


class _InOrder(TyperGroup):
    """Lists the commands in COMMAND_ORDER (any other after them), not as registered."""

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        names = super().list_commands(ctx)
        return sorted(
            names,
            key=lambda n: COMMAND_ORDER.index(n) if n in COMMAND_ORDER else len(COMMAND_ORDER),
        )


app = typer.Typer(
    name="residence",
    cls=_InOrder,
    help="Scaffold, check, render and archive public-innovation residencies.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


class Language(str, Enum):
    fr = "fr"
    en = "en"


class Programme(str, Enum):
    territoires = "territoires-en-residences"
    transfo = "la-transfo"
    pointeuse = "la-pointeuse"
    other = "other"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"residence {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Scaffold, check, render and archive public-innovation residencies."""


# -- output helpers ----------------------------------------------------------------------


def _color(text: str, severity: str) -> str:
    if not sys.stderr.isatty() or os.environ.get("NO_COLOR"):
        return text
    return typer.style(text, fg="red" if severity == "error" else "yellow")


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        typer.echo(_color(str(problem), problem.severity), err=True)


def _fail(problems: Sequence[Problem], code: int = 1) -> NoReturn:
    _print_problems(problems)
    raise typer.Exit(code=code)


def _usage(message: str) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code=2)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _residency_dir(folder: Path) -> Path:
    if not folder.exists():
        _usage(f"no folder '{folder}'")
    if not folder.is_dir():
        _usage(f"'{folder}' is a file, not a residency folder")
    return folder


def _parse_formats(to: str, allowed: Sequence[str]) -> list[str]:
    """Return the formats of a comma-separated --to value; exit 2 on an unknown one."""
    choices = ", ".join(allowed)
    formats = [part.strip().lower() for part in to.split(",") if part.strip()]
    if not formats:
        _usage(f"--to needs a format: {choices}")
    for name in formats:
        if name not in allowed:
            _usage(
                f"--to {name}: unknown format; use {choices} or a list like "
                f"{allowed[0]},{allowed[1]}"
            )
    return formats


def _out_folder(out: Path | None, folder: Path) -> Path:
    """Return the output folder (default DIR/_build); exit 2 when it is a file."""
    dest = out if out is not None else folder / "_build"
    if dest.exists() and not dest.is_dir():
        _usage(f"--out '{dest}' is a file, not a folder")
    return dest


def _load_valid(
    folder: Path, refusal: str, *, errors_only: bool = False
) -> tuple[Any, list[Problem]]:
    """Load and check a residency; on errors print them with ``refusal`` and exit 1.

    Returns the residency and its problems (warnings only, then).
    """
    from residence.check import check_residency
    from residence.errors import has_errors, sort_problems
    from residence.load import load_residency

    residency, problems = load_residency(folder)
    problems = sort_problems([*problems, *check_residency(residency)])
    if has_errors(problems):
        _print_problems([p for p in problems if p.severity == "error"] if errors_only else problems)
        typer.echo(f"The residency has errors: {refusal}", err=True)
        raise typer.Exit(code=1)
    return residency, problems


# -- commands ----------------------------------------------------------------------------

DirArg = Annotated[
    Path,
    typer.Argument(help="The residency folder (default: the current folder).", show_default=False),
]
BuildOut = Annotated[
    Path | None,
    typer.Option(
        "--out", help="The folder to write into (default: DIR/_build).", show_default=False
    ),
]


@app.command()
def check(
    folder: DirArg = Path("."),
    output: Annotated[
        OutputFormat,
        typer.Option("--format", help="text: lines on stderr; json: a list on stdout."),
    ] = OutputFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
) -> None:
    """Check a residency folder and explain every mistake as file:line:column: message.

    Exit status: 0 when there is no error (warnings are allowed unless --strict), 1 when the
    residency has errors, 2 on wrong usage.
    """
    from residence.check import check_residency
    from residence.check import strict as make_strict
    from residence.errors import has_errors, sort_problems
    from residence.load import load_residency

    _residency_dir(folder)
    residency, problems = load_residency(folder)
    problems = sort_problems([*problems, *check_residency(residency)])
    if strict:
        problems = make_strict(problems)
    if output is OutputFormat.json:
        typer.echo(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        _print_problems(problems)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    files = _plural(len(residency.files), "file")
    if not problems:
        typer.echo(f"No problem in {files}.", err=True)
    else:
        typer.echo(
            f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {files}.", err=True
        )
    if has_errors(problems):
        raise typer.Exit(code=1)


@app.command()
def new(
    folder: Annotated[Path, typer.Argument(help="The folder to create.", show_default=False)],
    title: Annotated[str, typer.Option("--title", help="Title of the residency.")],
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="First day of week 1, YYYY-MM-DD (default: next Monday).",
            show_default=False,
        ),
    ] = None,
    weeks: Annotated[
        int, typer.Option("--weeks", min=1, max=60, help="How many weeks of immersion.")
    ] = 3,
    language: Annotated[
        Language, typer.Option("--language", help="Language of the files and the reports.")
    ] = Language.fr,
    programme: Annotated[
        Programme, typer.Option("--programme", help="The programme.")
    ] = Programme.territoires,
) -> None:
    """Create a residency folder with commented starter files, schemas and licences.

    The folder must not exist, or be empty: nothing already there is ever touched.
    """
    import datetime as dt

    from residence.scaffold import create_residency

    first_day = None
    if start is not None:
        try:
            first_day = dt.date.fromisoformat(start)
        except ValueError:
            _usage(f"--start '{start}' is not a date: write it as YYYY-MM-DD")
    try:
        written = create_residency(
            folder,
            title=title,
            start=first_day,
            weeks=weeks,
            language=language.value,
            programme=programme.value,
        )
    except ResidenceError as exc:
        if exc.usage:
            _usage(str(exc.problems[0].message))
        _fail(exc.problems)
    typer.echo(f"Created {folder} ({_plural(len(written), 'file')}).", err=True)
    typer.echo(
        f"Next: edit {folder / 'residence.yaml'}, then run: residence check {folder}", err=True
    )


@app.command()
def schema(
    out: Annotated[Path, typer.Option("--out", help="Where to write the schemas.")] = Path(
        "schemas"
    ),
) -> None:
    """Write one JSON Schema per file kind, for editors that check YAML as you type."""
    from residence.fsutil import write_atomic
    from residence.schema import build_schemas

    if out.exists() and not out.is_dir():
        _usage(f"'{out}' is a file, not a folder")
    for name, text in build_schemas().items():
        write_atomic(out / name, text)
        typer.echo(str(out / name))


# -- archive and verify (issue 6) ------------------------------------------------------------


class ArchiveEdition(str, Enum):
    public = "public"
    team = "team"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


@app.command()
def archive(
    folder: DirArg = Path("."),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="The zip to write (default: DIR/_build/<id>.zip).", show_default=False
        ),
    ] = None,
    edition: Annotated[
        ArchiveEdition,
        typer.Option(
            "--edition",
            help="public: what may be published (the default); team: "
            "everything, private/ included, for the team's own records.",
        ),
    ] = ArchiveEdition.public,
    zenodo: Annotated[
        bool,
        typer.Option(
            "--zenodo",
            help="Also write the Zenodo (InvenioRDM) deposit metadata and "
            "a DataCite record next to the zip.",
        ),
    ] = False,
) -> None:
    """Package a finished residency as one zip: a BagIt bag with checksums and RO-Crate metadata.

    The zip holds the sources (public edition: written from what may be published, nothing
    from private/, pseudonyms applied), the rendered report and the licences. The same
    residency archived twice with the same SOURCE_DATE_EPOCH gives the same bytes. Refuses a
    residency that has errors (exit 1). Check an archive later with: residence verify FILE.zip
    """
    from residence.archive import (
        build_time,
        default_archive_path,
        render_outputs,
        write_archive,
        write_deposit_metadata,
    )
    from residence.edition import select_edition
    from residence.errors import sort_problems

    _residency_dir(folder)
    if zenodo and edition is ArchiveEdition.team:
        _usage("--zenodo makes a public deposit: it cannot be used with --edition team")
    residency, problems = _load_valid(
        folder,
        "nothing was archived. Fix them, then run residence archive again.",
        errors_only=True,
    )
    dest = out or default_archive_path(folder, residency, edition.value)
    if dest.is_dir():
        _usage(f"--out '{dest}' is a folder: give the path of the zip to write")
    try:
        when = build_time()
        published = select_edition(residency, edition.value)
        outputs, rendered = render_outputs(published)
        summary = write_archive(dest, published, outputs, when=when)
        deposit = write_deposit_metadata(dest, published, when) if zenodo else ()
    except ResidenceError as exc:
        if exc.usage:
            _usage(exc.problems[0].message)
        _fail(exc.problems)
    except OSError as exc:
        _usage(f"cannot write '{dest}': {exc.strerror or exc}")
    _print_problems(sort_problems([*rendered, *summary.problems]))
    warnings = sum(p.severity == "warning" for p in problems)
    if warnings:
        typer.echo(
            f"{_plural(warnings, 'warning')} in the residency: see residence check {folder}",
            err=True,
        )
    if edition is ArchiveEdition.team:
        typer.echo(
            _color(
                "TEAM EDITION: this archive holds private material (consent "
                "records, team-only notes, real names). Keep it inside the team; "
                "never publish it.",
                "warning",
            ),
            err=True,
        )
    typer.echo(str(dest))
    for path in deposit:
        typer.echo(str(path))
    typer.echo(
        f"Archived the {edition.value} edition: {_plural(summary.files, 'file')}, "
        f"{_size(summary.size)} (checksums sha256 and sha512).",
        err=True,
    )


@app.command()
def verify(
    path: Annotated[
        Path,
        typer.Argument(help="An archive (FILE.zip) or an unpacked bag folder.", show_default=False),
    ],
) -> None:
    """Check an archive: every file present, every checksum, Payload-Oxum and the RO-Crate.

    Exit status: 0 when the archive is intact, 1 when it is damaged (the first file that
    differs is named), 2 on wrong usage. A zip is checked in a temporary folder; one with
    unsafe names (../, absolute paths, links) or sizes (a zip bomb) is refused unopened.
    """
    from residence.verify import verify_archive

    if not path.exists():
        _usage(f"no file or folder '{path}'")
    try:
        result = verify_archive(path)
    except ResidenceError as exc:
        _fail([Problem(path.name, None, None, "error", p.code, p.message) for p in exc.problems])
    except OSError as exc:
        _usage(f"cannot read '{path}': {exc.strerror or exc}")
    if not result.intact:
        _print_problems(result.problems)
        first = result.problems[0]
        typer.echo(
            f"Damaged: {_plural(len(result.problems), 'problem')}; the first file that "
            f"differs is {first.path}.",
            err=True,
        )
        raise typer.Exit(code=1)
    what = result.identifier or path.name
    edition = f", {result.edition} edition" if result.edition else ""
    typer.echo(
        f"Intact: {what}{edition}, {_plural(result.files, 'file')} "
        f"({_size(result.payload_bytes)}); checksums {' and '.join(result.algorithms)} match."
    )


# -- add and status (issue 3) ------------------------------------------------------------

add_app = typer.Typer(
    name="add",
    help="Add a journal entry, an actor, a relation, a prototype, a test session, a scenario "
    "or a method sheet, from options or in your text editor. Never overwrites anything.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(add_app, name="add")

EditOpt = Annotated[
    bool | None,
    typer.Option(
        "--edit/--no-edit",
        help="Open the editor (EDITOR, then VISUAL) on a commented template, or never open it. "
        "Default: open it when a required field or the main text is missing.",
        show_default=False,
    ),
]
DraftOpt = Annotated[
    Path | None,
    typer.Option(
        "--draft",
        help="Finish a draft kept by an earlier attempt (DIR/.residence/drafts/…).",
        show_default=False,
    ),
]


def _opt(name: str, help: str) -> Any:
    return typer.Option(name, help=help, show_default=False)


def _print_add_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        text = str(problem) if problem.path else f"{problem.severity}: {problem.message}"
        typer.echo(_color(text, problem.severity), err=True)


def _added(plan: Any) -> None:
    from residence.add import KINDS

    what = KINDS[plan.kind].what
    _print_add_problems(plan.warnings)
    if plan.note:
        typer.echo(f"Note: {plan.note}.", err=True)
    verb = "Created" if plan.before is None else "Updated"
    name = "" if plan.kind == "note" else f" '{plan.ident}'"
    typer.echo(f"{verb} {plan.path}: added the {what}{name}.", err=True)
    typer.echo(str(plan.path))


def _run_editor(draft: Path) -> None:
    import subprocess

    from residence.add import editor_command

    try:
        command = editor_command()
    except ResidenceError as exc:
        typer.echo(f"Error: {exc.problems[0].message}", err=True)
        typer.echo(f"Your draft is kept in {draft}", err=True)
        raise typer.Exit(code=2) from None
    try:
        result = subprocess.run([*command, str(draft)], check=False)
    except OSError as exc:
        typer.echo(
            f"Error: cannot start the editor '{command[0]}' ({exc.strerror or exc}): "
            "set the EDITOR variable, for example EDITOR=nano",
            err=True,
        )
        typer.echo(f"Your draft is kept in {draft}", err=True)
        raise typer.Exit(code=2) from None
    if result.returncode != 0:
        typer.echo(
            f"The editor stopped with an error (status {result.returncode}): nothing was "
            f"written. Your draft is kept in {draft}",
            err=True,
        )
        raise typer.Exit(code=1)


def _edit_loop(
    folder: Path, kind: str, draft: Path, template: str | None, edit: bool = True
) -> None:
    from residence import add as core

    # A resumed draft is cleaned with a fresh template and is never "left unchanged".
    reference = template
    while True:
        if edit:
            _run_editor(draft)
        ctx = core.load_context(folder)
        if reference is None:
            reference = core.render_template(ctx, kind, {})
        try:
            plan = core.plan_from_draft(
                ctx, kind, draft, reference, abandon_unchanged=template is not None
            )
            core.write_plan(plan)
        except core.DraftAbandoned as exc:
            draft.unlink(missing_ok=True)
            why = "empty" if exc.reason == "empty" else "left as it was"
            typer.echo(f"Nothing was added: the draft was {why}.", err=True)
            raise typer.Exit(code=1) from None
        except ResidenceError as exc:
            _print_add_problems(exc.problems)
            typer.echo(f"Nothing was written. Your draft is kept in {draft}", err=True)
            if (
                edit
                and core.is_interactive()
                and typer.confirm("Open the editor again to fix it?", default=True, err=True)
            ):
                continue
            typer.echo(
                f"To finish it later: residence add {kind} {folder} --draft {draft}", err=True
            )
            raise typer.Exit(code=1) from None
        draft.unlink(missing_ok=True)
        _added(plan)
        return


def _run_add(
    folder: Path, kind: str, values: dict[str, Any], edit: bool | None, draft: Path | None
) -> None:
    """Add one item: from the options, or through the editor; exit 1 if it is invalid."""
    from residence import add as core
    from residence.errors import has_errors

    _residency_dir(folder)
    try:
        ctx = core.load_context(folder)
        if draft is not None:
            path = core.draft_path(ctx, draft)
            try:
                _edit_loop(folder, kind, path, None, edit=edit is not False)
            except KeyboardInterrupt:
                typer.echo(
                    f"\nInterrupted: nothing was written. Your draft is kept in {path}", err=True
                )
                raise typer.Exit(code=130) from None
            return
        values = core.given_values(values)
        text_key = core.KINDS[kind].text
        if text_key and values.get(text_key) == "-":
            values[text_key] = sys.stdin.read()
        data, origins = core.build_item(
            ctx, kind, values, author=os.environ.get("RESIDENCE_AUTHOR")
        )
        problems = core.check_values(ctx, kind, data, origins)
    except ResidenceError as exc:
        if exc.usage:
            _usage(exc.problems[0].message)
        _print_add_problems(exc.problems)
        raise typer.Exit(code=1) from None
    if has_errors(problems):
        _print_add_problems(problems)
        typer.echo("Nothing was written.", err=True)
        raise typer.Exit(code=1)
    use_editor = edit
    if use_editor is None:
        has_editor = any(os.environ.get(v, "").strip() for v in ("EDITOR", "VISUAL"))
        use_editor = core.needs_editor(kind, data) and (has_editor or core.is_interactive())
    if not use_editor:
        try:
            plan = core.plan_from_data(ctx, kind, data)
            core.write_plan(plan)
        except ResidenceError as exc:
            _print_add_problems(exc.problems)
            if any(p.code == "missing-field" for p in exc.problems):
                typer.echo(
                    "Give the missing fields as options, or set EDITOR to write them "
                    "in your text editor.",
                    err=True,
                )
            typer.echo("Nothing was written.", err=True)
            raise typer.Exit(code=1) from None
        _added(plan)
        return
    template = core.render_template(ctx, kind, data)
    path = core.start_draft(folder, kind, template)
    try:
        _edit_loop(folder, kind, path, template)
    except KeyboardInterrupt:
        typer.echo(f"\nInterrupted: nothing was written. Your draft is kept in {path}", err=True)
        raise typer.Exit(code=130) from None


@add_app.command("note")
def add_note(
    folder: DirArg = Path("."),
    title: Annotated[str | None, _opt("--title", "A short title.")] = None,
    kind: Annotated[
        str | None, _opt("--kind", "observation, interview, workshop, meeting, test or reflection.")
    ] = None,
    date: Annotated[
        str | None,
        _opt("--date", "Day of the entry, YYYY-MM-DD (default: today; 'yesterday' works)."),
    ] = None,
    time: Annotated[str | None, _opt("--time", "Time of day, HH:MM.")] = None,
    author: Annotated[
        list[str] | None,
        _opt(
            "--author",
            "Id of a team member who wrote it; repeat for several (default: the "
            "RESIDENCE_AUTHOR variable).",
        ),
    ] = None,
    place: Annotated[str | None, _opt("--place", "Where it happened.")] = None,
    actor: Annotated[
        list[str] | None, _opt("--actor", "Id of an actor met or concerned; repeat for several.")
    ] = None,
    prototype: Annotated[
        list[str] | None, _opt("--prototype", "Id of a prototype concerned; repeat for several.")
    ] = None,
    method: Annotated[
        list[str] | None, _opt("--method", "Id of a method used; repeat for several.")
    ] = None,
    tag: Annotated[list[str] | None, _opt("--tag", "A free tag; repeat for several.")] = None,
    team_only: Annotated[
        bool, typer.Option("--team-only", help="Keep the entry inside the team: never published.")
    ] = False,
    body: Annotated[
        str | None,
        _opt(
            "--body",
            "The entry itself (Markdown); '-' reads it from standard input. Without "
            "it, your editor opens.",
        ),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    """Add a journal entry: journal/YYYY-MM-DD-title.yaml.

    Example: residence add note --title "Visite du hall" --kind observation --author claire
    --actor patients --tag accueil --body "…". Without --body, your editor opens on a
    commented template; the entry is checked as 'residence check' would before it is
    written, and an invalid draft is kept, never lost.
    """
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
    _run_add(folder, "note", values, edit, draft)


@add_app.command("actor")
def add_actor(
    folder: DirArg = Path("."),
    name: Annotated[str | None, _opt("--name", "The actor's name.")] = None,
    id: Annotated[str | None, _opt("--id", "A short id (default: made from the name).")] = None,
    kind: Annotated[
        str | None,
        _opt(
            "--kind",
            "institution, service, elected, agent, association, company, inhabitant, "
            "user or person.",
        ),
    ] = None,
    sector: Annotated[
        str | None, _opt("--sector", "public, private, civil-society or users.")
    ] = None,
    circle: Annotated[
        str | None, _opt("--circle", "Distance to the question: core, direct or indirect.")
    ] = None,
    influence: Annotated[str | None, _opt("--influence", "From 1 (low) to 5 (high).")] = None,
    interest: Annotated[str | None, _opt("--interest", "From 1 (low) to 5 (high).")] = None,
    stake: Annotated[
        list[str] | None, _opt("--stake", "One of the actor's stakes; repeat for several.")
    ] = None,
    personal: Annotated[
        bool,
        typer.Option(
            "--personal", help="An identifiable person: named in public only with consent."
        ),
    ] = False,
    minor: Annotated[bool, typer.Option("--minor", help="A person under 18.")] = False,
    description: Annotated[
        str | None,
        _opt("--description", "Who they are (Markdown); '-' reads it from standard input."),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    """Add an actor at the end of the actors of actors.yaml, keeping the file as it is."""
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
    _run_add(folder, "actor", values, edit, draft)


@add_app.command("relation")
def add_relation(
    folder: DirArg = Path("."),
    from_: Annotated[str | None, _opt("--from", "Id of the first actor.")] = None,
    to: Annotated[str | None, _opt("--to", "Id of the second actor.")] = None,
    kind: Annotated[
        str | None,
        _opt("--kind", "cooperation, tension, funding, authority, information or service."),
    ] = None,
    note: Annotated[str | None, _opt("--note", "What the link is about.")] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    """Add a relation between two actors at the end of the relations of actors.yaml."""
    values = {"from": from_, "to": to, "kind": kind, "note": note}
    _run_add(folder, "relation", values, edit, draft)


@add_app.command("prototype")
def add_prototype(
    folder: DirArg = Path("."),
    title: Annotated[str | None, _opt("--title", "The prototype's name.")] = None,
    id: Annotated[str | None, _opt("--id", "A short id (default: made from the title).")] = None,
    hypothesis: Annotated[
        str | None, _opt("--hypothesis", 'What it tests: "si … alors …" (if … then …).')
    ] = None,
    stage: Annotated[
        str | None,
        _opt("--stage", "idea (default), sketch, mock-up, live-test, adopted or abandoned."),
    ] = None,
    fidelity: Annotated[str | None, _opt("--fidelity", "low, medium or high.")] = None,
    created: Annotated[
        str | None, _opt("--created", "When the idea was born, YYYY-MM-DD (default: today).")
    ] = None,
    team: Annotated[
        list[str] | None,
        _opt(
            "--team",
            "Id of a team member on it; repeat for several (default: the "
            "RESIDENCE_AUTHOR variable).",
        ),
    ] = None,
    actor: Annotated[
        list[str] | None, _opt("--actor", "Id of an actor concerned; repeat for several.")
    ] = None,
    method: Annotated[
        list[str] | None, _opt("--method", "Id of a method used; repeat for several.")
    ] = None,
    problem: Annotated[
        str | None,
        _opt("--problem", "The problem it answers (Markdown); '-' reads standard input."),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    """Add a prototype: prototypes/<id>.yaml."""
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
    _run_add(folder, "prototype", values, edit, draft)


@add_app.command("test")
def add_test(
    folder: DirArg = Path("."),
    prototype: Annotated[str | None, _opt("--prototype", "Id of the prototype tested.")] = None,
    date: Annotated[
        str | None, _opt("--date", "Day of the test, YYYY-MM-DD (default: today).")
    ] = None,
    place: Annotated[str | None, _opt("--place", "Where the test took place.")] = None,
    participants: Annotated[
        str | None, _opt("--participants", 'Who took part, for example "12 patients, 3 agents".')
    ] = None,
    protocol: Annotated[str | None, _opt("--protocol", "How the test was run.")] = None,
    observations: Annotated[
        str | None,
        _opt(
            "--observations",
            "What was seen (Markdown); '-' reads standard input. Without it, your editor opens.",
        ),
    ] = None,
    learnings: Annotated[str | None, _opt("--learnings", "What was learned.")] = None,
    decision: Annotated[
        str | None, _opt("--decision", "iterate, adopt, abandon or continue.")
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    """Add a test session at the end of a prototype's tests, keeping its file as it is."""
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
    _run_add(folder, "test", values, edit, draft)


@add_app.command("scenario")
def add_scenario(
    folder: DirArg = Path("."),
    title: Annotated[str | None, _opt("--title", "The scenario's title.")] = None,
    id: Annotated[str | None, _opt("--id", "A short id (default: made from the title).")] = None,
    persona: Annotated[
        str | None, _opt("--persona", "A fictional or pseudonymised person, in a sentence.")
    ] = None,
    today: Annotated[str | None, _opt("--today", "The situation now (Markdown).")] = None,
    tomorrow: Annotated[
        str | None,
        _opt(
            "--tomorrow",
            "The situation with the proposed service (Markdown); '-' reads standard input.",
        ),
    ] = None,
    step: Annotated[list[str] | None, _opt("--step", "A step; repeat for several.")] = None,
    actor: Annotated[
        list[str] | None, _opt("--actor", "Id of an actor involved; repeat for several.")
    ] = None,
    prototype: Annotated[
        list[str] | None, _opt("--prototype", "Id of a prototype it relies on; repeat for several.")
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    """Add a usage scenario: scenarios/<id>.yaml."""
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
    _run_add(folder, "scenario", values, edit, draft)


@add_app.command("method")
def add_method(
    folder: DirArg = Path("."),
    title: Annotated[str | None, _opt("--title", "The method's name.")] = None,
    id: Annotated[str | None, _opt("--id", "A short id (default: made from the title).")] = None,
    summary: Annotated[
        str | None, _opt("--summary", "What the method is, in two or three sentences.")
    ] = None,
    purpose: Annotated[str | None, _opt("--purpose", "What it is for.")] = None,
    phase: Annotated[
        str | None, _opt("--phase", "immersion, analysis, prototyping, testing or transfer.")
    ] = None,
    duration: Annotated[str | None, _opt("--duration", 'How long it takes, e.g. "2 h".')] = None,
    participants: Annotated[
        str | None, _opt("--participants", "Who takes part, and how many.")
    ] = None,
    material: Annotated[
        list[str] | None, _opt("--material", "Something to bring; repeat for several.")
    ] = None,
    step: Annotated[
        list[str] | None, _opt("--step", "A step, in order; repeat for several.")
    ] = None,
    tip: Annotated[list[str] | None, _opt("--tip", "Advice; repeat for several.")] = None,
    example: Annotated[
        list[str] | None,
        _opt(
            "--example",
            "A journal entry (file name without .yaml) or a prototype id where it "
            "was used; repeat for several.",
        ),
    ] = None,
    author: Annotated[
        list[str] | None,
        _opt(
            "--author",
            "Who wrote the sheet (a name); repeat for several (default: the name of "
            "RESIDENCE_AUTHOR).",
        ),
    ] = None,
    source: Annotated[
        str | None, _opt("--source", "Where the method comes from, for attribution.")
    ] = None,
    license: Annotated[
        str | None, _opt("--license", "SPDX id of the sheet's licence (default: the residency's).")
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    """Add an open method sheet: methods/<id>.yaml."""
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
    _run_add(folder, "method", values, edit, draft)


@app.command()
def status(
    folder: DirArg = Path("."),
    output: Annotated[
        OutputFormat,
        typer.Option("--format", help="text: a dashboard; json: the same figures, for scripts."),
    ] = OutputFormat.text,
) -> None:
    """Show where the residency stands: the weeks day by day, entries per author and per
    kind, actors by circle and sector, prototypes by stage, consent, and what is missing.
    """
    from residence.check import check_residency
    from residence.errors import sort_problems
    from residence.load import load_residency
    from residence.status import compute_status

    _residency_dir(folder)
    residency, problems = load_residency(folder)
    if residency.residence is None and not any(
        (folder / f"residence{s}").is_file() for s in (".yaml", ".yml")
    ):
        _usage(f"'{folder}' is not a residency folder (there is no residence.yaml)")
    problems = sort_problems([*problems, *check_residency(residency)])
    figures = compute_status(residency, problems)
    if output is OutputFormat.json:
        typer.echo(json.dumps(figures.as_dict(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from residence.dashboard import WIDTH, render_dashboard

    console = Console(highlight=False)
    console.width = min(console.width, WIDTH)
    console.print(render_dashboard(figures))


# -- the catalogue (issue 6) -----------------------------------------------------------------

catalog_app = typer.Typer(
    help="The catalogue of past residencies: one SQLite file, full-text search, a static site.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(catalog_app, name="catalog")

CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        envvar="RESIDENCE_CATALOG",
        help="The catalogue file (default: catalog.sqlite in your data folder; set "
        "RESIDENCE_CATALOG to share one on a team drive).",
        show_default=False,
    ),
]


class CatalogKind(str, Enum):
    residency = "residency"
    entry = "entry"
    prototype = "prototype"
    scenario = "scenario"
    method = "method"
    observation = "observation"
    interview = "interview"
    workshop = "workshop"
    meeting = "meeting"
    test = "test"
    reflection = "reflection"


ProgrammeFilter = Annotated[
    Programme | None, typer.Option("--programme", help="Only this programme.", show_default=False)
]
TerritoryFilter = Annotated[
    str | None,
    typer.Option(
        "--territory",
        help="Only territories containing these words (case and accents do not matter).",
        show_default=False,
    ),
]
YearFilter = Annotated[
    int | None,
    typer.Option("--year", help="Only residencies on site that year.", show_default=False),
]


def _catalog_file(option: Path | None) -> Path:
    from residence.catalog import default_catalog_path

    return option if option is not None else default_catalog_path()


def _open_catalog(path: Path, *, create: bool) -> Any:
    """Open the catalogue; None when it does not exist and ``create`` is False."""
    from residence.catalog import open_catalog

    if not create and not path.exists():
        return None
    try:
        return open_catalog(path, create=create)
    except ResidenceError as exc:
        if exc.usage:
            _usage(exc.problems[0].message)
        _fail(exc.problems)


def _empty_catalog(path: Path) -> None:
    typer.echo(
        f"The catalogue {path} is empty: add residencies with residence catalog add DIR.", err=True
    )


def _mark(snippet: str) -> str:
    from residence.catalog import highlight

    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        return highlight(snippet, "\x1b[1m", "\x1b[0m")
    return highlight(snippet, "[", "]")


@catalog_app.command("add")
def catalog_add(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Residency folders or archives (FILE.zip) to add.", show_default=False),
    ],
    catalog: CatalogOption = None,
) -> None:
    """Add residencies to the catalogue: folders (their public edition) or public archives.

    Adding a residency again updates it (by its id). A residency with errors, a damaged
    archive and a team-edition archive are refused (exit 1); the others are still added.
    """
    from residence.catalog import add_paths

    for path in paths:
        if not path.exists():
            _usage(f"no file or folder '{path}'")
    path_of = _catalog_file(catalog)
    failed = 0
    with _open_catalog(path_of, create=True) as cat:
        for outcome in add_paths(cat, paths):
            if outcome.added is None:
                _print_problems(outcome.problems)
                typer.echo(f"Not added: {outcome.path}", err=True)
                failed += 1
                continue
            added = outcome.added
            verb = "Updated" if added.updated else "Added"
            typer.echo(
                f"{verb} {added.id}: {added.title} ({_plural(added.items, 'item')} indexed).",
                err=True,
            )
    typer.echo(f"Catalogue: {path_of}", err=True)
    if failed:
        raise typer.Exit(code=1)


@catalog_app.command("list")
def catalog_list(
    programme: ProgrammeFilter = None,
    territory: TerritoryFilter = None,
    year: YearFilter = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text: a table; json: a list.")
    ] = OutputFormat.text,
    catalog: CatalogOption = None,
) -> None:
    """List the residencies of the catalogue, the most recent first."""
    from residence.catalog import Filters

    path = _catalog_file(catalog)
    cat = _open_catalog(path, create=False)
    if cat is None:
        if output is OutputFormat.json:
            typer.echo("[]")
        _empty_catalog(path)
        return
    with cat:
        found = cat.summaries(Filters(programme.value if programme else None, territory, year))
    if output is OutputFormat.json:
        typer.echo(json.dumps([s.as_dict() for s in found], ensure_ascii=False, indent=2))
        return
    for s in found:
        typer.echo(f"{s.id}\t{s.year or '-'}\t{s.programme}\t{s.territory or '-'}\t{s.title}")
    n = len(found)
    typer.echo(f"{n} {'residency' if n == 1 else 'residencies'}.", err=True)


@catalog_app.command("search")
def catalog_search(
    query: Annotated[
        str,
        typer.Argument(
            help='Words to find; "an exact phrase", prefix*, a OR b.', show_default=False
        ),
    ],
    programme: ProgrammeFilter = None,
    territory: TerritoryFilter = None,
    year: YearFilter = None,
    kind: Annotated[
        CatalogKind | None,
        typer.Option(
            "--kind",
            help="Only this kind of item (entry, prototype, scenario, "
            "method, residency) or of journal entry (interview, workshop…).",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="How many results at most.")
    ] = 20,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text: results with snippets; json: a list.")
    ] = OutputFormat.text,
    catalog: CatalogOption = None,
) -> None:
    """Search every residency of the catalogue: titles, questions, journal, prototypes, methods.

    Case and accents do not matter ("lycee" finds "lycée"); the best matches come first.
    """
    from residence.catalog import Filters

    path = _catalog_file(catalog)
    cat = _open_catalog(path, create=False)
    if cat is None:
        if output is OutputFormat.json:
            typer.echo("[]")
        _empty_catalog(path)
        return
    filters = Filters(
        programme.value if programme else None, territory, year, kind.value if kind else None
    )
    with cat:
        try:
            hits = cat.search(query, filters, limit)
        except ResidenceError as exc:
            _usage(exc.problems[0].message)
    if output is OutputFormat.json:
        typer.echo(json.dumps([h.as_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    for n, hit in enumerate(hits, 1):
        what = hit.kind + (f" · {hit.subkind}" if hit.subkind else "")
        when = f", {hit.date}" if hit.date else ""
        typer.echo(f"{n}. {hit.title} [{what}{when}]")
        typer.echo(f"   {hit.residency_title} ({hit.residency_id}: {hit.ref})")
        typer.echo(f"   {_mark(' '.join(hit.snippet.split()))}")
    typer.echo("No result." if not hits else f"{_plural(len(hits), 'result')}.", err=True)


@catalog_app.command("show")
def catalog_show(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="The residency's id.", show_default=False)
    ],
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text or json.")
    ] = OutputFormat.text,
    catalog: CatalogOption = None,
) -> None:
    """Show one residency of the catalogue: what, where, when, and where it was added from."""
    path = _catalog_file(catalog)
    cat = _open_catalog(path, create=False)
    found = None
    if cat is not None:
        with cat:
            found = cat.get(ident)
    if found is None:
        _usage(f"no residency '{ident}' in the catalogue {path} (see: residence catalog list)")
    if output is OutputFormat.json:
        typer.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
        return
    counts = ", ".join(f"{n} {k}" for k, n in found.counts.items())
    for label, value in (
        ("id", found.id), ("title", found.title), ("programme", found.programme),
        ("host", found.host), ("site", found.site), ("territory", found.territory),
        ("theme", found.theme), ("weeks", f"{found.start} to {found.end}"),
        ("language", found.language), ("licence", found.license),
        ("keywords", ", ".join(found.keywords)), ("holds", counts),
        ("added from", found.origin), ("added on", found.added),
    ):  # fmt: skip
        if value:
            typer.echo(f"{label + ':':<12} {value}")


@catalog_app.command("remove")
def catalog_remove(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="The residency's id.", show_default=False)
    ],
    catalog: CatalogOption = None,
) -> None:
    """Remove a residency from the catalogue (its folder or archive is not touched)."""
    path = _catalog_file(catalog)
    cat = _open_catalog(path, create=False)
    removed = False
    if cat is not None:
        with cat:
            removed = cat.remove(ident)
    if not removed:
        _usage(f"no residency '{ident}' in the catalogue {path} (see: residence catalog list)")
    typer.echo(f"Removed {ident} from {path}.", err=True)


@catalog_app.command("render")
def catalog_render(
    out: Annotated[Path, typer.Option("--out", help="The folder of the site.")] = Path("catalogue"),
    language: Annotated[
        Language, typer.Option("--language", help="Language of the site's labels.")
    ] = Language.fr,
    catalog: CatalogOption = None,
) -> None:
    """Write the catalogue as a static website: residencies by year, territory and programme,
    the commons of method sheets, and each residency's full report.

    The folder is replaced as a whole; a folder that residence did not make is refused.
    """
    from residence.catalog import open_catalog, render_site

    path = _catalog_file(catalog)
    try:
        with open_catalog(path, create=False) as cat:
            site = render_site(cat, out, language.value)
    except ResidenceError as exc:
        if exc.usage:
            _usage(exc.problems[0].message)
        _fail(exc.problems)
    warnings = [p for p in site.problems if p.severity == "warning"]
    if warnings:
        typer.echo(
            f"{_plural(len(warnings), 'warning')} (photos left out, origins no longer readable):",
            err=True,
        )
        _print_problems(warnings[:20])
    typer.echo(str(out / "index.html"))
    typer.echo(
        f"Wrote {_plural(site.pages, 'page')} and {_plural(site.reports, 'report')} into {out}.",
        err=True,
    )


# -- render (issue 4) -----------------------------------------------------------------------


class RenderEdition(str, Enum):
    public = "public"
    team = "team"


class PdfVariant(str, Enum):
    ua1 = "pdf/ua-1"
    a3u = "pdf/a-3u"


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[str, float], None] | None]:
    """Show a progress bar on stderr when it is a terminal; nothing when piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=1.0)

        def update(what: str, fraction: float) -> None:
            bar.update(task, completed=max(0.0, min(fraction, 1.0)), description=f"{label}: {what}")

        yield update


@app.command()
def render(
    folder: DirArg = Path("."),
    to: Annotated[
        str,
        typer.Option("--to", help="What to make, comma-separated: html, pdf."),
    ] = "html,pdf",
    edition: Annotated[
        RenderEdition,
        typer.Option(
            "--edition",
            help="public: what may be published (the default); team: "
            "everything, marked 'Document interne — ne pas diffuser' on every page.",
        ),
    ] = RenderEdition.public,
    out: BuildOut = None,
    pdf_variant: Annotated[
        PdfVariant,
        typer.Option(
            "--pdf-variant",
            help="pdf/ua-1: tagged and accessible, for publishing "
            "(the default); pdf/a-3u: for archives, with the published YAML sources "
            "attached.",
        ),
    ] = PdfVariant.ua1,
) -> None:
    """Render the residency's report: OUT/report.html, with its pictures, fonts and styles
    in OUT/assets/, and OUT/report.pdf, an A4 booklet with contents and page numbers. Both
    work offline and are made from the same edition.

    Refuses a residency that has errors (exit 1) and writes nothing then. Photos are resized
    and stripped of their metadata (GPS included); the results are kept in
    DIR/.residence/cache so the next render is fast. The PDF reads nothing outside the
    report's own files and the residency's theme/ folder.
    """
    from residence.edition import select_edition
    from residence.errors import sort_problems
    from residence.render.html import check_output, render_html, write_report

    _residency_dir(folder)
    formats = _parse_formats(to, ("html", "pdf"))
    dest = out if out is not None else folder / "_build"
    problem = check_output(dest)
    if problem:
        _usage(problem)
    residency, problems = _load_valid(
        folder, "nothing was rendered. Fix them, then run residence render again."
    )
    pdf_problems: list[Problem] = []
    try:
        published = select_edition(residency, edition.value)
        report = render_html(published)
        pdf = None
        if "pdf" in formats:
            from residence.render.pdf import build_time, render_pdf

            when = build_time()
            with _progress("report.pdf") as progress:
                pdf = render_pdf(
                    report,
                    published,
                    out=dest,
                    variant=pdf_variant.value,
                    when=when,
                    progress=progress,
                )
            pdf_problems = pdf.problems
        page = write_report(report, dest) if "html" in formats else None
        if pdf is not None:
            from residence.fsutil import write_atomic

            write_atomic(dest / "report.pdf", pdf.data)
    except ResidenceError as exc:
        if exc.usage:
            _usage(exc.problems[0].message)
        _fail(exc.problems)
    except OSError as exc:
        _usage(f"cannot write into '{dest}': {exc.strerror or exc}")
    _print_problems(sort_problems([*report.problems, *pdf_problems]))
    warnings = sum(p.severity == "warning" for p in problems)
    if warnings:
        typer.echo(
            f"{_plural(warnings, 'warning')} in the residency: see residence check {folder}",
            err=True,
        )
    if edition is RenderEdition.team:
        typer.echo(
            _color(
                "TEAM EDITION: this report shows team-only notes and real names. "
                "Keep it inside the team; never publish it.",
                "warning",
            ),
            err=True,
        )
    if page is not None:
        typer.echo(str(page))
        typer.echo(
            f"Rendered the {edition.value} edition: report.html and "
            f"{_plural(len(report.assets), 'file')} in {dest / 'assets'}.",
            err=True,
        )
    if pdf is not None:
        typer.echo(str(dest / "report.pdf"))
        typer.echo(
            f"Rendered the {edition.value} edition: report.pdf, "
            f"{_plural(pdf.pages, 'page')} ({pdf_variant.value}, "
            f"{_size(len(pdf.data))}).",
            err=True,
        )


# -- methods (issue 5) -----------------------------------------------------------------------


@app.command()
def methods(
    folder: DirArg = Path("."),
    to: Annotated[
        str,
        typer.Option("--to", help="What to make, comma-separated: pdf, html, md."),
    ] = "pdf,html,md",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="The folder to write into (default: DIR/_build); the sheets go to OUT/methods/.",
            show_default=False,
        ),
    ] = None,
    edition: Annotated[
        RenderEdition,
        typer.Option(
            "--edition",
            help="public: what may be published (the default); team: "
            "with team-only notes, marked 'Document interne — ne pas diffuser'.",
        ),
    ] = RenderEdition.public,
) -> None:
    """Export every method sheet as an open card others can reuse: OUT/methods/<id>.pdf (one
    or two A4 pages), .html and .md (to paste into a wiki), and OUT/methods/booklet.pdf with
    all of them.

    Each sheet says where the method was used in this residency and how to credit it (title,
    author, source, licence). Refuses a residency that has errors (exit 1).
    """
    from residence.edition import select_edition
    from residence.errors import sort_problems
    from residence.render.methods import FORMATS, render_methods, write_methods

    _residency_dir(folder)
    formats = _parse_formats(to, FORMATS)
    dest = _out_folder(out, folder)
    residency, _ = _load_valid(
        folder, "no sheet was written. Fix them, then run residence methods again."
    )
    if not residency.methods:
        typer.echo(
            f"No method sheet in {folder}: add one in methods/ (residence add method).", err=True
        )
        return
    try:
        from residence.render.pdf import build_time

        published = select_edition(residency, edition.value)
        with _progress("methods") as progress:
            sheets = render_methods(
                published, formats=formats, out=dest, when=build_time(), progress=progress
            )
        written = write_methods(sheets, dest)
    except ResidenceError as exc:
        if exc.usage:
            _usage(exc.problems[0].message)
        _fail(exc.problems)
    except OSError as exc:
        _usage(f"cannot write into '{dest}': {exc.strerror or exc}")
    _print_problems(sort_problems(sheets.problems))
    if edition is RenderEdition.team:
        typer.echo(
            _color(
                "TEAM EDITION: these sheets may cite team-only notes. Keep them inside the team.",
                "warning",
            ),
            err=True,
        )
    shown = [p for p in written if "assets" not in p.relative_to(dest).parts]
    for path in shown:
        typer.echo(str(path))
    typer.echo(
        f"Wrote {_plural(len(published.methods), 'method sheet')} "
        f"({', '.join(f for f in FORMATS if f in formats)}) into {dest / 'methods'}.",
        err=True,
    )


# -- map (issue 4) ---------------------------------------------------------------------------

MAP_FORMATS = ("svg", "graphml", "csv")


@app.command("map")
def map_(
    folder: DirArg = Path("."),
    to: Annotated[
        str,
        typer.Option("--to", help="What to make, comma-separated: svg, graphml, csv."),
    ] = "svg,graphml,csv",
    edition: Annotated[
        RenderEdition,
        typer.Option(
            "--edition",
            help="public: people who did not agree to be named appear "
            "under a pseudonym (the default); team: real names, for the team only.",
        ),
    ] = RenderEdition.public,
    out: BuildOut = None,
) -> None:
    """Draw the actor map on its own and export the actors for network tools.

    svg: OUT/actor-map.svg, the rings (core, direct, indirect) and sectors (public, private,
    civil society, users) with the relations and a legend, and OUT/actor-matrix.svg, the
    actors by influence and interest. graphml: OUT/actor-map.graphml, for Gephi, yEd or
    Cytoscape. csv: OUT/actors-elements.csv and OUT/actors-connections.csv, for Kumu.
    Refuses a residency that has errors (exit 1) and writes nothing then.
    """
    from residence.edition import select_edition
    from residence.fsutil import write_atomic
    from residence.i18n import translator
    from residence.render.actormap import (
        render_actor_map_svg,
        render_matrix_svg,
        to_graphml,
        to_kumu_csv,
    )

    _residency_dir(folder)
    formats = _parse_formats(to, MAP_FORMATS)
    dest = _out_folder(out, folder)
    residency, problems = _load_valid(
        folder, "no map was drawn. Fix them, then run residence map again."
    )
    published = select_edition(residency, edition.value)
    t = translator(published.language, "report")
    files: dict[str, str] = {}
    if "svg" in formats:
        files["actor-map.svg"] = render_actor_map_svg(published, t)
        files["actor-matrix.svg"] = render_matrix_svg(published, t)
    if "graphml" in formats:
        files["actor-map.graphml"] = to_graphml(published)
    if "csv" in formats:
        elements, connections = to_kumu_csv(published, t)
        files["actors-elements.csv"] = elements
        files["actors-connections.csv"] = connections
    try:
        for name, text in files.items():
            write_atomic(dest / name, text)
    except OSError as exc:
        _usage(f"cannot write into '{dest}': {exc.strerror or exc}")
    warnings = sum(p.severity == "warning" for p in problems)
    if warnings:
        typer.echo(
            f"{_plural(warnings, 'warning')} in the residency: see residence check {folder}",
            err=True,
        )
    if edition is RenderEdition.team:
        typer.echo(
            _color(
                "TEAM EDITION: these files show real names. Keep them inside the "
                "team; never publish them.",
                "warning",
            ),
            err=True,
        )
    for name in files:
        typer.echo(str(dest / name))
    typer.echo(
        f"Drew the {edition.value} edition's map: "
        f"{_plural(len(published.actors), 'actor')}, "
        f"{_plural(len(published.relations), 'relation')}.",
        err=True,
    )


def main() -> None:
    """Run the command line (the console script)."""
    app()
