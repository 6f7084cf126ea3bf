# SPDX-License-Identifier: EUPL-1.2
"""`residence export`: the journal, its codes and its insights for QDA tools, IRaMuTeQ and
spreadsheets (the core is residence.export)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from residence.cli import output
from residence.cli.options import PUBLIC, DirArg, Edition, choices
from residence.i18n import messages

if TYPE_CHECKING:
    from residence.cli.options import Choice as ExportFormat
    from residence.export import Exported
else:
    from residence.export import EXPORT_FORMATS

    ExportFormat = choices("ExportFormat", EXPORT_FORMATS)

_ = messages("export")

EXPORT_HELP = _(
    "Export the journal, its codes (tags) and its insights for the tools researchers use.\n\n"
    "qdpx: DIR/_build/public/<id>.qdpx, a REFI-QDA project for QualCoder, NVivo, ATLAS.ti "
    "or MAXQDA: the entries as texts, the tags as codes, the quotes and the insights' "
    "evidence as coded passages. iramuteq: DIR/_build/public/corpus-iramuteq.txt, one text "
    "per entry with its star variables (*semaine_N *type_KIND *auteur_ID). csv: "
    "DIR/_build/public/csv/, entries, quotes, tags, insights and their evidence as tables.\n\n"
    "Made from the public edition by default: no team-only note, no consent record, "
    "pseudonyms for the people who did not agree to be named. Refuses a residency that has "
    "errors (exit 1) and writes nothing then."
)


def export(
    what: Annotated[
        ExportFormat,
        typer.Argument(
            metavar="FORMAT", help=_("What to make: qdpx, iramuteq or csv."), show_default=False
        ),
    ],
    folder: DirArg = Path("."),
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help=_(
                "public: what may be published (the default); team: everything, real names "
                "included, for the team only."
            ),
        ),
    ] = PUBLIC,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=_(
                "Where to write: the file (qdpx, iramuteq; or a folder to write it into) or "
                "the folder (csv). Default: DIR/_build/public, or DIR/_build/team with "
                "--edition team."
            ),
            show_default=False,
        ),
    ] = None,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel",
            help=_(
                "csv: separate the columns with semicolons, as Excel expects them in a "
                "French locale (commas otherwise)."
            ),
        ),
    ] = False,
) -> None:
    """Export the journal for QDA tools, IRaMuTeQ or a spreadsheet (EXPORT_HELP)."""
    from residence.export import export as run

    done = run(folder, what.value, edition=edition.value, out=out, excel=excel)
    output.print_notices(done.notices, "export", folder)
    for path in done.written:
        output.echo(str(path))
    output.say(_said(done))


def _said(done: Exported) -> str:
    """Return the sentence that says what an export wrote."""
    entries = _.plural("{n} entry", "{n} entries", done.entries)
    insights = _.plural("{n} insight", "{n} insights", done.insights)
    team = done.edition == "team"
    if done.format == "qdpx":
        values = {
            "sources": _.plural("{n} text", "{n} texts", done.sources),
            "codes": _.plural("{n} code", "{n} codes", done.codes),
            "selections": _.plural("{n} coded passage", "{n} coded passages", done.selections),
        }
        if team:
            return _(
                "Exported the team edition as a REFI-QDA project: {sources}, {codes}, "
                "{selections}.",
                **values,
            )
        return _(
            "Exported the public edition as a REFI-QDA project: {sources}, {codes}, {selections}.",
            **values,
        )
    if done.format == "iramuteq":
        if team:
            return _("Exported the team edition as an IRaMuTeQ corpus: {entries}.", entries=entries)
        return _("Exported the public edition as an IRaMuTeQ corpus: {entries}.", entries=entries)
    values = {
        "entries": entries,
        "quotes": _.plural("{n} quote", "{n} quotes", done.quotes),
        "insights": insights,
        "files": _.plural("{n} table", "{n} tables", len(done.written)),
    }
    if team:
        return _("Exported the team edition as {files}: {entries}, {quotes}, {insights}.", **values)
    return _("Exported the public edition as {files}: {entries}, {quotes}, {insights}.", **values)
