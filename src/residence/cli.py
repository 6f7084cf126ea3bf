"""The `residence` command line: parse, call the core, print, exit.

This is the only module that prints. Exit codes (CLI.md): 0 success, 1 the residency has
errors, 2 wrong usage. Heavy modules are imported inside the commands, so that
``residence --help`` and ``residence check`` start fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from residence import __version__
from residence.errors import Problem, ResidenceError

app = typer.Typer(
    name="residence",
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


# -- commands ----------------------------------------------------------------------------

DirArg = Annotated[
    Path,
    typer.Argument(help="The residency folder (default: the current folder).", show_default=False),
]


@app.command()
def check(
    folder: DirArg = Path("."),
    output: Annotated[
        OutputFormat,
        typer.Option("--format", help="text: lines on stderr; json: a list on stdout."),
    ] = OutputFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat warnings as errors.")
    ] = False,
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
            "--start", help="First day of week 1, YYYY-MM-DD (default: next Monday).",
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
    typer.echo(f"Next: edit {folder / 'residence.yaml'}, then run: residence check {folder}",
               err=True)


@app.command()
def schema(
    out: Annotated[
        Path, typer.Option("--out", help="Where to write the schemas.")
    ] = Path("schemas"),
) -> None:
    """Write one JSON Schema per file kind, for editors that check YAML as you type."""
    from residence.fsutil import write_atomic
    from residence.schema import build_schemas

    if out.exists() and not out.is_dir():
        _usage(f"'{out}' is a file, not a folder")
    for name, text in build_schemas().items():
        write_atomic(out / name, text)
        typer.echo(str(out / name))


def main() -> None:
    """Run the command line (the console script)."""
    app()
