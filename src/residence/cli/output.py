# SPDX-License-Identifier: EUPL-1.2
"""Everything the command line prints: problems, counts, notices, progress, and errors.

Results go to stdout, everything else to stderr. :func:`handling_errors` is the one place
where a ResidenceError becomes what the user reads and an exit code (CLI.md): 1 when the
files have problems, 2 when the command was misused.

Every line goes through :func:`visible` here, at the last moment: a title, an id or a file
name can hold an escape sequence or a bidi control, and the terminal must show it, not obey
it. Problems and results keep their text as it is (``--format json`` prints it raw, as JSON
escapes); only what reaches the terminal is made visible.

Every sentence is made in the user's language (``_ = messages("messages")``, the catalogue
``locale/fr/LC_MESSAGES/messages.po``), whole, with its counts inside: never glued from
translated fragments.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import typer

from residence.controlchars import BIDI, CONTROLS
from residence.errors import Problem, ResidenceError
from residence.i18n import messages
from residence.pipeline import DraftKept, Notices, Progress, Refused

_ = messages("messages")


def refusal(command: str) -> str:
    """Return what a command that refuses a residency with errors says after its problems."""
    if command == "render":
        return _(
            "The residency has errors: nothing was rendered. "
            "Fix them, then run residence render again."
        )
    if command == "methods":
        return _(
            "The residency has errors: no sheet was written. "
            "Fix them, then run residence methods again."
        )
    if command == "map":
        return _(
            "The residency has errors: no map was drawn. Fix them, then run residence map again."
        )
    if command == "export":
        return _(
            "The residency has errors: nothing was exported. "
            "Fix them, then run residence export again."
        )
    return _(
        "The residency has errors: nothing was archived. "
        "Fix them, then run residence archive again."
    )


def team_banner(command: str) -> str:
    """Return the warning a team edition carries, per command."""
    if command == "render":
        return _(
            "TEAM EDITION: this report shows team-only notes and real names. "
            "Keep it inside the team; never publish it."
        )
    if command == "methods":
        return _("TEAM EDITION: these sheets may cite team-only notes. Keep them inside the team.")
    if command == "map":
        return _(
            "TEAM EDITION: these files show real names. Keep them inside the "
            "team; never publish them."
        )
    if command == "export":
        return _(
            "TEAM EDITION: these files hold team-only notes and real names. Keep them "
            "inside the team; never publish them."
        )
    return _(
        "TEAM EDITION: this archive holds private material (consent "
        "records, team-only notes, real names). Keep it inside the team; "
        "never publish it."
    )


#: What a terminal would obey rather than show: every control character but tab and line
#: feed (ESC starts the sequences that move the cursor or recolour), and the bidi controls.
_UNSEEN = re.compile(f"[{CONTROLS}{BIDI}]")
#: The same, for JSON text: json.dumps escapes the C0 controls, not DEL, C1 or bidi.
_UNSEEN_IN_JSON = re.compile(f"[\x7f-\x9f{BIDI}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Return text as the terminal must show it: control characters and bidi controls
    written as escapes (ESC as \\x1b, U+202E as \\u202e), tabs and line feeds kept."""
    return _UNSEEN.sub(_escape, text)


def echo(text: str) -> None:
    """Print a result on stdout."""
    typer.echo(visible(text))


def say(text: str, severity: str | None = None) -> None:
    """Print a message on stderr (coloured as a problem of that severity, if given)."""
    text = visible(text)
    typer.echo(color(text, severity) if severity else text, err=True)


def echo_marked(text: str, start: str, end: str) -> None:
    """Print a result whose parts between ``start`` and ``end`` are matches of a search: in
    bold on a terminal, [between brackets] otherwise."""
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    before, after = ("\x1b[1m", "\x1b[0m") if bold else ("[", "]")
    parts = re.split(f"({re.escape(start)}|{re.escape(end)})", text)
    marks = {start: before, end: after}
    typer.echo("".join(marks.get(part) or visible(part) for part in parts))


def print_json(value: Any) -> None:
    """Print a JSON result on stdout, indented, non-ASCII kept (but for what a terminal
    would obey: escaped, which JSON reads back the same)."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    typer.echo(_UNSEEN_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def errors(n: int) -> str:
    """Return "1 error", "2 errors" (a count inside a sentence that has several)."""
    return _.plural("{n} error", "{n} errors", n)


def warnings(n: int) -> str:
    """Return "1 warning", "2 warnings" (a count inside a sentence that has several)."""
    return _.plural("{n} warning", "{n} warnings", n)


def files(n: int) -> str:
    """Return "1 file", "2 files" (a count inside a sentence that has several)."""
    return _.plural("{n} file", "{n} files", n)


def both(first: str, last: str) -> str:
    """Return "a and b": two words (checksum algorithms) joined as a sentence joins them."""
    return _("{first} and {last}", first=first, last=last)


def size(n: int) -> str:
    """Return a size in bytes as people read it ("12.3 KB", "12,3 Ko" in French)."""
    from residence.i18n import current_language
    from residence.text import format_size

    return format_size(n, current_language())


def color(text: str, severity: str) -> str:
    """Colour a line for stderr by severity, unless stderr is not a terminal or NO_COLOR."""
    if not sys.stderr.isatty() or os.environ.get("NO_COLOR"):
        return text
    return typer.style(text, fg="red" if severity == "error" else "yellow")


def print_problems(problems: Sequence[Problem]) -> None:
    """Print problems on stderr, one a line: path:line:col: severity: message."""
    for problem in problems:  # "path:line:col: severity:" stays English: editors read it
        text = str(problem) if problem.path else f"{problem.severity}: {problem.message}"
        say(text, problem.severity)


def print_notices(notices: Notices, command: str, folder: Path) -> None:
    """Print what a command met: problems, the residency's warnings, the team banner."""
    print_problems(notices.problems)
    if notices.warnings:
        say(
            _.plural(
                "{n} warning in the residency: see residence check {folder}",
                "{n} warnings in the residency: see residence check {folder}",
                notices.warnings,
                folder=folder,
            )
        )
    if notices.left_out:
        from residence.gate.media import left_out_line

        line = left_out_line(notices.left_out)
        if line:
            say(line, "warning")
    if notices.team:
        say(team_banner(command), "warning")


def print_rich(renderable: Any, width: int) -> None:
    """Print a rich renderable on stdout, at most ``width`` columns wide, as it is."""
    from rich.console import Console

    console = Console(highlight=False)
    console.width = min(console.width, width)
    console.print(renderable)


@contextlib.contextmanager
def progress(label: str) -> Iterator[Progress | None]:
    """Show a progress bar on stderr when it is a terminal; nothing when piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.markup import escape
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
            what = escape(visible(what))  # a sheet's id: shown, never read as markup
            bar.update(
                task,
                completed=max(0.0, min(fraction, 1.0)),
                description=_("{label}: {what}", label=label, what=what),
            )

        yield update


def report_error(exc: ResidenceError) -> int:
    """Print why work stopped; return the exit code (2: misused, 1: problems)."""
    if exc.usage:
        say(_("Error: {problem}", problem=exc.problems[0].message))
    else:
        print_problems(exc.problems)
    if isinstance(exc, Refused):
        if exc.command == "add":
            if any(p.code == "missing-field" for p in exc.problems):
                say(
                    _(
                        "Give the missing fields as options, or set EDITOR to write them "
                        "in your text editor."
                    )
                )
            say(_("Nothing was written."))
        else:
            say(refusal(exc.command))
    if isinstance(exc, DraftKept):
        say(_("Your draft is kept in {path}", path=exc.draft))
    return 2 if exc.usage else 1


@contextlib.contextmanager
def handling_errors() -> Iterator[None]:
    """The one error handler: a ResidenceError is printed and exits 1 or 2, no traceback."""
    try:
        yield
    except ResidenceError as exc:
        raise typer.Exit(code=report_error(exc)) from None


#: The exit code of an interrupted command (Ctrl-C), as shells give for SIGINT: 128 + 2.
INTERRUPTED = 130


def interrupted(changed: bool) -> int:
    """Say, in one line, that the command was interrupted and whether it had started to
    change files; return the exit code (130)."""
    if changed:
        say(
            _(
                "Interrupted while writing: each file is either as it was or complete, none "
                "is half-written. Run the command again to finish."
            )
        )
    else:
        say(_("Interrupted: nothing was changed."))
    return INTERRUPTED
