# SPDX-License-Identifier: EUPL-1.2
"""`residence serve`: the report in a browser while the team writes, rebuilt at each save."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from residence.cli import output
from residence.cli.options import PUBLIC, DirArg, Edition
from residence.errors import Problem
from residence.i18n import current_language, messages
from residence.pipeline import Notices

if TYPE_CHECKING:
    from residence.serve import Built

_ = messages("serve")

SERVE_HELP = _(
    "Preview the report while you write: the HTML report of the edition, served on this "
    "machine and made again at each save of a file of the folder. The open page reloads by "
    "itself; while the residency has errors, it lists them (as residence check) instead of "
    "the report, until they are fixed.\n\n"
    "Listens on 127.0.0.1 only. Another --host needs --allow-network, and every request "
    "then needs the address printed, with its secret token; the team edition stays on "
    "this machine unless --allow-team-on-network is given too. Writes nothing but the "
    "photo cache (DIR/.residence/cache). Ctrl-C stops it."
)


class _Reporter:
    """Says what each build made, once: a line per build, problems when they change."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.first = True
        self.last: tuple[list[Problem], list[Problem], list[str]] | None = None

    def __call__(self, built: Built) -> None:
        first, self.first = self.first, False
        if not first and not built.changed:
            return
        seconds = _seconds(built.seconds)
        if not built.report:
            if (built.problems, [], []) != self.last:
                output.print_problems([p for p in built.problems if p.severity == "error"])
            self.last = (built.problems, [], [])
            errors = sum(p.severity == "error" for p in built.problems)
            if any(p.code == "serve" for p in built.problems):
                return  # the preview's own trouble: its message says it all
            if any(p.code == "template" for p in built.problems):
                output.say(_("The report could not be made: the page says why."), "error")
            else:
                output.say(
                    _.plural(
                        "The residency has {n} error: the page shows it until it is fixed.",
                        "The residency has {n} errors: the page shows them until they are fixed.",
                        errors,
                    ),
                    "error",
                )
            return
        output.say(
            _("Report made in {seconds} s.", seconds=seconds)
            if first
            else _("Report made again in {seconds} s: the page reloads.", seconds=seconds)
        )
        warnings = [p for p in built.problems if p.severity == "warning"]
        now = (warnings, built.render_problems, built.left_out)
        if now != self.last:
            notices = Notices(built.render_problems, len(warnings), False, built.left_out)
            output.print_notices(notices, "render", self.folder)
        self.last = now


def _seconds(value: float) -> str:
    from babel.numbers import format_decimal

    return str(format_decimal(round(value, 2), "0.00", locale=current_language()))


def serve(
    folder: DirArg = Path("."),
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help=_(
                "public: what may be published (the default); team: everything, marked "
                "'Document interne — ne pas diffuser', served on this machine only."
            ),
        ),
    ] = PUBLIC,
    port: Annotated[
        int,
        typer.Option("--port", help=_("The port to listen on (0: any free port).")),
    ] = 8000,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help=_(
                "The address to listen on. Another than this machine's (127.0.0.1, ::1, "
                "localhost) needs --allow-network."
            ),
        ),
    ] = "127.0.0.1",
    allow_network: Annotated[
        bool,
        typer.Option(
            "--allow-network",
            help=_(
                "Allow a --host that others can reach; every request then needs the secret "
                "token of the address printed."
            ),
        ),
    ] = False,
    allow_team_on_network: Annotated[
        bool,
        typer.Option(
            "--allow-team-on-network",
            help=_("Allow the team edition on such a --host (real names, team-only notes)."),
        ),
    ] = False,
) -> None:
    """Preview the report while you write (SERVE_HELP says it all)."""
    from residence.serve import open_preview

    preview = open_preview(
        folder,
        edition=edition.value,
        host=host,
        port=port,
        allow_network=allow_network,
        allow_team_on_network=allow_team_on_network,
        on_build=_Reporter(folder),
    )
    with preview:
        output.say(_("Making the report of {folder}…", folder=folder))
        preview.start()
        output.echo(preview.url)
        team = edition.value == "team"
        if team:
            output.say(output.team_banner("render"), "warning")
        if preview.token is not None:
            output.say(
                _(
                    "Open this address in a browser: whoever has it, token included, can "
                    "read the report from the network. Ctrl-C stops the preview."
                ),
                "warning",
            )
        else:
            output.say(
                _(
                    "Open this address in a browser on this machine: the page follows your "
                    "saves. Ctrl-C stops the preview."
                )
            )
        preview.wait()
