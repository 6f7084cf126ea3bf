# SPDX-License-Identifier: EUPL-1.2
"""`residence archive` and `residence verify`: package a finished residency, check a package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from residence import pipeline
from residence.cli import output
from residence.cli.options import PUBLIC, DirArg, Edition


def archive(
    folder: DirArg = Path("."),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="The zip to write (default: DIR/_build/<id>.zip).", show_default=False
        ),
    ] = None,
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help="public: what may be published (the default); team: "
            "everything, private/ included, for the team's own records.",
        ),
    ] = PUBLIC,
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
    done = pipeline.archive(folder, out=out, edition=edition.value, zenodo=zenodo)
    output.print_notices(done.notices, "archive", folder)
    output.echo(str(done.dest))
    for path in done.deposit:
        output.echo(str(path))
    output.say(
        f"Archived the {done.edition} edition: {output.plural(done.files, 'file')}, "
        f"{output.size(done.size)} (checksums sha256 and sha512)."
    )


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
    result = pipeline.verify(path)
    if not result.intact:
        output.print_problems(result.problems)
        first = result.problems[0]
        output.say(
            f"Damaged: {output.plural(len(result.problems), 'problem')}; the first file that "
            f"differs is {first.path}."
        )
        raise typer.Exit(code=1)
    what = result.identifier or path.name
    edition = f", {result.edition} edition" if result.edition else ""
    output.echo(
        f"Intact: {what}{edition}, {output.plural(result.files, 'file')} "
        f"({output.size(result.payload_bytes)}); checksums {' and '.join(result.algorithms)} "
        "match."
    )
