# SPDX-License-Identifier: EUPL-1.2
"""`residence render`, `methods` and `map`: the report, the method sheets, the actor map."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, get_args

import typer

from residence import pipeline
from residence.cli import output
from residence.cli.options import PUBLIC, DirArg, Edition, choices
from residence.i18n import messages

if TYPE_CHECKING:
    from residence.cli.options import Choice as PdfVariant
else:
    PdfVariant = choices("PdfVariant", get_args(pipeline.PdfVariant))

_ = messages("messages")
_office = messages("office")

PDF_UA = PdfVariant("pdf/ua-1")

RENDER_HELP = (
    _(
        "Render the residency's report: OUT/report.html, with its pictures, fonts and styles in "
        "OUT/assets/, and OUT/report.pdf, an A4 booklet with contents and page numbers. Both "
        "work offline and are made from the same edition.\n\n"
        "Refuses a residency that has errors (exit 1) and writes nothing then. Photos are "
        "resized and stripped of their metadata (GPS included); the results are kept in "
        "DIR/.residence/cache so the next render is fast. The PDF reads nothing outside the "
        "report's own files and the residency's theme/ folder."
    )
    + "\n\n"
    + _office(
        "docx, odt: OUT/report.docx (Word) and OUT/report.odt (LibreOffice), made by pandoc "
        "from the same edition, with the report's fonts, headings and accent colour, the actor "
        "map and the photos with their alternative text, and the licence page; the title, "
        "authors, licence and date are in the document's properties."
    )
)

METHODS_HELP = _(
    "Export every method sheet as an open card others can reuse: OUT/methods/<id>.pdf (one "
    "or two A4 pages), .html and .md (to paste into a wiki), and OUT/methods/booklet.pdf "
    "with all of them.\n\n"
    "Each sheet says where the method was used in this residency and how to credit it "
    "(title, author, source, licence). Refuses a residency that has errors (exit 1)."
)

MAP_HELP = _(
    "Draw the actor map on its own and export the actors for network tools.\n\n"
    "svg: OUT/actor-map.svg, the rings (core, direct, indirect) and sectors (public, "
    "private, civil society, users) with the relations and a legend, and "
    "OUT/actor-matrix.svg, the actors by influence and interest. graphml: "
    "OUT/actor-map.graphml, for Gephi, yEd or Cytoscape. csv: OUT/actors-elements.csv and "
    'OUT/actors-connections.csv, for Kumu. Every file of a team edition says "Document '
    'interne — ne pas diffuser" (the CSV files in their names). Refuses a residency that '
    "has errors (exit 1) and writes nothing then."
)

#: Where an edition's outputs go without --out (pipeline.default_out): never the same
#: folder for both, so that a team render never replaces what may be published.
EditionOut = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help=_(
            "The folder to write into (default: DIR/_build/public, or DIR/_build/team with "
            "--edition team)."
        ),
        show_default=False,
    ),
]


def render(
    folder: DirArg = Path("."),
    to: Annotated[
        str,
        typer.Option("--to", help=_office("What to make, comma-separated: html, pdf, docx, odt.")),
    ] = "html,pdf",
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help=_(
                "public: what may be published (the default); team: everything, marked "
                "'Document interne — ne pas diffuser' on every page."
            ),
        ),
    ] = PUBLIC,
    out: EditionOut = None,
    pdf_variant: Annotated[
        PdfVariant,
        typer.Option(
            "--pdf-variant",
            help=_(
                "pdf/ua-1: tagged and accessible, for publishing (the default); pdf/a-3u: "
                "for archives, with the published YAML sources attached."
            ),
        ),
    ] = PDF_UA,
) -> None:
    """Render the residency's report, HTML, PDF, docx, odt (RENDER_HELP says it all)."""
    done = pipeline.render(
        folder,
        to,
        edition=edition.value,
        out=out,
        variant=pdf_variant.value,
        progress=output.progress,
    )
    output.print_notices(done.notices, "render", folder)
    team = done.edition == "team"
    if done.page is not None:
        output.echo(str(done.page))
        values: dict[str, object] = {"dest": done.dest / "assets"}
        output.say(
            _.plural(
                "Rendered the team edition: report.html and {n} file in {dest}.",
                "Rendered the team edition: report.html and {n} files in {dest}.",
                done.assets,
                **values,
            )
            if team
            else _.plural(
                "Rendered the public edition: report.html and {n} file in {dest}.",
                "Rendered the public edition: report.html and {n} files in {dest}.",
                done.assets,
                **values,
            )
        )
    if done.pdf is not None:
        output.echo(str(done.pdf))
        values = {"variant": pdf_variant.value, "size": output.size(done.size)}
        output.say(
            _.plural(
                "Rendered the team edition: report.pdf, {n} page ({variant}, {size}).",
                "Rendered the team edition: report.pdf, {n} pages ({variant}, {size}).",
                done.pages,
                **values,
            )
            if team
            else _.plural(
                "Rendered the public edition: report.pdf, {n} page ({variant}, {size}).",
                "Rendered the public edition: report.pdf, {n} pages ({variant}, {size}).",
                done.pages,
                **values,
            )
        )
    for path, size in done.office:
        output.echo(str(path))
        values = {"file": path.name, "size": output.size(size)}
        output.say(
            _office("Rendered the team edition: {file} ({size}).", **values)
            if team
            else _office("Rendered the public edition: {file} ({size}).", **values)
        )


def methods(
    folder: DirArg = Path("."),
    to: Annotated[
        str,
        typer.Option("--to", help=_("What to make, comma-separated: pdf, html, md.")),
    ] = "pdf,html,md",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=_(
                "The folder to write into (default: DIR/_build/public, or DIR/_build/team "
                "with --edition team); the sheets go to OUT/methods/."
            ),
            show_default=False,
        ),
    ] = None,
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help=_(
                "public: what may be published (the default); team: with team-only notes, "
                "marked 'Document interne — ne pas diffuser'."
            ),
        ),
    ] = PUBLIC,
) -> None:
    """Export every method sheet as an open card (METHODS_HELP)."""
    done = pipeline.methods(folder, to, edition=edition.value, out=out, progress=output.progress)
    if not done.found:
        output.say(
            _(
                "No method sheet in {folder}: add one in methods/ (residence add method).",
                folder=folder,
            )
        )
        return
    output.print_notices(done.notices, "methods", folder)
    for path in done.written:
        output.echo(str(path))
    output.say(
        _.plural(
            "Wrote {n} method sheet ({formats}) into {dest}.",
            "Wrote {n} method sheets ({formats}) into {dest}.",
            done.methods,
            formats=", ".join(done.formats),
            dest=done.dest / "methods",
        )
    )


def map_(
    folder: DirArg = Path("."),
    to: Annotated[
        str,
        typer.Option("--to", help=_("What to make, comma-separated: svg, graphml, csv.")),
    ] = "svg,graphml,csv",
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help=_(
                "public: people who did not agree to be named appear under a pseudonym (the "
                "default); team: real names, for the team only."
            ),
        ),
    ] = PUBLIC,
    out: EditionOut = None,
) -> None:
    """Draw the actor map and export the actors (MAP_HELP)."""
    done = pipeline.actor_map(folder, to, edition=edition.value, out=out)
    output.print_notices(done.notices, "map", folder)
    for path in done.written:
        output.echo(str(path))
    actors = _.plural("{n} actor", "{n} actors", done.actors)
    relations = _.plural("{n} relation", "{n} relations", done.relations)
    if done.edition == "team":
        said = _(
            "Drew the team edition's map: {actors}, {relations}.",
            actors=actors,
            relations=relations,
        )
    else:
        said = _(
            "Drew the public edition's map: {actors}, {relations}.",
            actors=actors,
            relations=relations,
        )
    output.say(said)
