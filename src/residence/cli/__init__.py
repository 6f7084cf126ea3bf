# SPDX-License-Identifier: EUPL-1.2
"""The `residence` command line: parse, call the core (residence.pipeline), print, exit.

One module per group of commands (authoring, checking, rendering, archiving, catalog,
schema); ``output`` is the one that prints, and holds the one error handler every command
goes through (the root group's ``invoke``). Exit codes (CLI.md): 0 success, 1 the residency
has errors, 2 wrong usage, 130 interrupted (Ctrl-C: one line, never a traceback). Heavy
modules are imported inside the commands, so that ``residence --help`` and
``residence check`` start fast.

The language of the messages (residence.i18n) is set here, before the command modules are
imported: their ``--help`` texts are made when they are. Each run sets it again from the
environment (and ``--format json`` sets English, whose words scripts may read).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from residence.i18n import current_language, messages, set_language, terminal_language

set_language(terminal_language())  # before the --help texts below and in the modules are made

from residence import __version__, pipeline  # noqa: E402
from residence.cli import (  # noqa: E402
    archiving,
    authoring,
    catalog,
    checking,
    exporting,
    output,
    rendering,
    schema,
    serving,
)

_ = messages("messages")

__all__ = ["COMMAND_ORDER", "app", "main"]

#: The commands in the order a team meets them: start, write, look, publish, keep.
COMMAND_ORDER = (
    "new", "add", "set", "tag", "status", "check", "render", "methods", "map", "serve", "export",
    "archive", "verify", "catalog", "schema",
)  # fmt: skip


class _Residence(TyperGroup):
    """The root command: lists the commands in COMMAND_ORDER (any other after them), not
    as registered (Typer puts groups last), and runs each through the one error handler.
    """

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        names = super().list_commands(ctx)
        return sorted(
            names,
            key=lambda n: COMMAND_ORDER.index(n) if n in COMMAND_ORDER else len(COMMAND_ORDER),
        )

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        pipeline.forget_changes()
        before = current_language()
        set_language(terminal_language())  # this run's environment (a test's, too)
        try:
            with output.handling_errors():
                return super().invoke(ctx)
        except KeyboardInterrupt:  # Ctrl-C: one line, exit 130, never a traceback
            raise typer.Exit(code=output.interrupted(pipeline.has_changed())) from None
        finally:
            set_language(before)


app = typer.Typer(
    name="residence",
    cls=_Residence,
    help=_("Scaffold, check, render and archive public-innovation residencies."),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        output.echo(f"residence {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version.")),
    ] = False,
) -> None:
    """Scaffold, check, render and archive public-innovation residencies."""


app.command(help=authoring.NEW_HELP)(authoring.new)
app.add_typer(authoring.add_app, name="add")
app.add_typer(authoring.set_app, name="set")
app.command("tag", help=authoring.records.TAG_HELP)(authoring.records.tag)
app.command(help=checking.STATUS_HELP)(checking.status)
app.command(help=checking.CHECK_HELP)(checking.check)
app.command(help=rendering.RENDER_HELP)(rendering.render)
app.command(help=rendering.METHODS_HELP)(rendering.methods)
app.command("map", help=rendering.MAP_HELP)(rendering.map_)
app.command(help=serving.SERVE_HELP)(serving.serve)
app.command(help=exporting.EXPORT_HELP)(exporting.export)
app.command(help=archiving.ARCHIVE_HELP)(archiving.archive)
app.command(help=archiving.VERIFY_HELP)(archiving.verify)
app.add_typer(catalog.catalog_app, name="catalog")
app.command(help=schema.SCHEMA_HELP)(schema.schema)


def main() -> None:
    """Run the command line (the console script)."""
    app()
