# SPDX-License-Identifier: EUPL-1.2
"""`residence render`, `methods` and `map`: the report, the method sheets, the actor map."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, get_args

import typer

from residence import pipeline
from residence.cli import output
from residence.cli.options import PUBLIC, DirArg, Edition, choices

if TYPE_CHECKING:
    from residence.cli.options import Choice as PdfVariant
else:
    PdfVariant = choices("PdfVariant", get_args(pipeline.PdfVariant))

PDF_UA = PdfVariant("pdf/ua-1")

#: Where an edition's outputs go without --out (pipeline.default_out): never the same
#: folder for both, so that a team render never replaces what may be published.
_DEFAULT_OUT = "default: DIR/_build/public, or DIR/_build/team with --edition team"

EditionOut = Annotated[
    Path | None,
    typer.Option("--out", help=f"The folder to write into ({_DEFAULT_OUT}).", show_default=False),
]


def render(
    folder: DirArg = Path("."),
    to: Annotated[
        str,
        typer.Option("--to", help="What to make, comma-separated: html, pdf."),
    ] = "html,pdf",
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help="public: what may be published (the default); team: "
            "everything, marked 'Document interne — ne pas diffuser' on every page.",
        ),
    ] = PUBLIC,
    out: EditionOut = None,
    pdf_variant: Annotated[
        PdfVariant,
        typer.Option(
            "--pdf-variant",
            help="pdf/ua-1: tagged and accessible, for publishing "
            "(the default); pdf/a-3u: for archives, with the published YAML sources "
            "attached.",
        ),
    ] = PDF_UA,
) -> None:
    """Render the residency's report: OUT/report.html, with its pictures, fonts and styles
    in OUT/assets/, and OUT/report.pdf, an A4 booklet with contents and page numbers. Both
    work offline and are made from the same edition.

    Refuses a residency that has errors (exit 1) and writes nothing then. Photos are resized
    and stripped of their metadata (GPS included); the results are kept in
    DIR/.residence/cache so the next render is fast. The PDF reads nothing outside the
    report's own files and the residency's theme/ folder.
    """
    done = pipeline.render(
        folder,
        to,
        edition=edition.value,
        out=out,
        variant=pdf_variant.value,
        progress=output.progress,
    )
    output.print_notices(done.notices, "render", folder)
    if done.page is not None:
        output.echo(str(done.page))
        output.say(
            f"Rendered the {done.edition} edition: report.html and "
            f"{output.plural(done.assets, 'file')} in {done.dest / 'assets'}."
        )
    if done.pdf is not None:
        output.echo(str(done.pdf))
        output.say(
            f"Rendered the {done.edition} edition: report.pdf, "
            f"{output.plural(done.pages, 'page')} ({pdf_variant.value}, "
            f"{output.size(done.size)})."
        )


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
            help=f"The folder to write into ({_DEFAULT_OUT}); the sheets go to OUT/methods/.",
            show_default=False,
        ),
    ] = None,
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help="public: what may be published (the default); team: "
            "with team-only notes, marked 'Document interne — ne pas diffuser'.",
        ),
    ] = PUBLIC,
) -> None:
    """Export every method sheet as an open card others can reuse: OUT/methods/<id>.pdf (one
    or two A4 pages), .html and .md (to paste into a wiki), and OUT/methods/booklet.pdf with
    all of them.

    Each sheet says where the method was used in this residency and how to credit it (title,
    author, source, licence). Refuses a residency that has errors (exit 1).
    """
    done = pipeline.methods(folder, to, edition=edition.value, out=out, progress=output.progress)
    if not done.found:
        output.say(f"No method sheet in {folder}: add one in methods/ (residence add method).")
        return
    output.print_notices(done.notices, "methods", folder)
    for path in done.written:
        output.echo(str(path))
    output.say(
        f"Wrote {output.plural(done.methods, 'method sheet')} "
        f"({', '.join(done.formats)}) into {done.dest / 'methods'}."
    )


def map_(
    folder: DirArg = Path("."),
    to: Annotated[
        str,
        typer.Option("--to", help="What to make, comma-separated: svg, graphml, csv."),
    ] = "svg,graphml,csv",
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help="public: people who did not agree to be named appear "
            "under a pseudonym (the default); team: real names, for the team only.",
        ),
    ] = PUBLIC,
    out: EditionOut = None,
) -> None:
    """Draw the actor map on its own and export the actors for network tools.

    svg: OUT/actor-map.svg, the rings (core, direct, indirect) and sectors (public, private,
    civil society, users) with the relations and a legend, and OUT/actor-matrix.svg, the
    actors by influence and interest. graphml: OUT/actor-map.graphml, for Gephi, yEd or
    Cytoscape. csv: OUT/actors-elements.csv and OUT/actors-connections.csv, for Kumu.
    Every file of a team edition says "Document interne — ne pas diffuser" (the CSV files
    in their names). Refuses a residency that has errors (exit 1) and writes nothing then.
    """
    done = pipeline.actor_map(folder, to, edition=edition.value, out=out)
    output.print_notices(done.notices, "map", folder)
    for path in done.written:
        output.echo(str(path))
    output.say(
        f"Drew the {done.edition} edition's map: "
        f"{output.plural(done.actors, 'actor')}, "
        f"{output.plural(done.relations, 'relation')}."
    )
