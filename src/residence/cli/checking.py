# SPDX-License-Identifier: EUPL-1.2
"""`residence check` and `residence status`: what is wrong, and where the residency stands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from residence import pipeline
from residence.cli import output
from residence.cli.options import TEXT, DirArg, OutputFormat
from residence.i18n import messages, set_language

_ = messages("messages")

CHECK_HELP = _(
    "Check a residency folder and explain every mistake as file:line:column: message.\n\n"
    "Exit status: 0 when there is no error (warnings are allowed unless --strict), 1 when "
    "the residency has errors, 2 on wrong usage."
)

STATUS_HELP = _(
    "Show where the residency stands: the weeks day by day, entries per author and per "
    "kind, actors by circle and sector, prototypes by stage, consent, and what is missing."
)


def check(
    folder: DirArg = Path("."),
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", help=_("text: lines on stderr; json: a list on stdout.")),
    ] = TEXT,
    strict: Annotated[bool, typer.Option("--strict", help=_("Treat warnings as errors."))] = False,
) -> None:
    """Check a residency folder (CHECK_HELP says how, in the user's language)."""
    if fmt.value == "json":
        set_language("en")  # scripts read the messages of the JSON: English, always
    report = pipeline.check(folder, strict=strict)
    if fmt.value == "json":
        output.print_json([p.as_dict() for p in report.problems])
    else:
        output.print_problems(report.problems)
    if not report.problems:
        output.say(_.plural("No problem in {n} file.", "No problem in {n} files.", report.files))
    else:
        output.say(
            _(
                "{errors}, {warnings} in {files}.",
                errors=output.errors(report.errors),
                warnings=output.warnings(report.warnings),
                files=output.files(report.files),
            )
        )
    if report.errors:
        raise typer.Exit(code=1)


def status(
    folder: DirArg = Path("."),
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", help=_("text: a dashboard; json: the same figures, for scripts.")),
    ] = TEXT,
) -> None:
    """Show where the residency stands (STATUS_HELP)."""
    if fmt.value == "json":
        set_language("en")  # the messages of what is missing, in the JSON: English
    figures = pipeline.status(folder)
    if fmt.value == "json":
        output.print_json(figures.as_dict())
        return
    from residence.cli.dashboard import WIDTH, render_dashboard

    output.print_rich(render_dashboard(figures), WIDTH)
