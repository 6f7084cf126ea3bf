# SPDX-License-Identifier: EUPL-1.2
"""`residence archive` and `residence verify`: package a finished residency, check a package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from residence import pipeline
from residence.cli import output
from residence.cli.options import PUBLIC, DirArg, Edition
from residence.i18n import messages

if TYPE_CHECKING:
    from residence.archive import Verification

_ = messages("messages")

ARCHIVE_HELP = _(
    "Package a finished residency as one zip: a BagIt bag with checksums and RO-Crate "
    "metadata.\n\n"
    "The zip holds the sources (public edition: written from what may be published, nothing "
    "from private/, pseudonyms applied), the rendered report and the licences. The same "
    "residency archived twice with the same SOURCE_DATE_EPOCH gives the same bytes. Refuses "
    "a residency that has errors (exit 1). Check an archive later with: residence verify "
    "FILE.zip"
)

VERIFY_HELP = _(
    "Check an archive: every file present, every checksum, Payload-Oxum and the RO-Crate.\n\n"
    "Exit status: 0 when the archive is intact, 1 when it is damaged (the first file that "
    "differs is named), 2 on wrong usage. A zip is checked in a temporary folder; one with "
    "unsafe names (../, absolute paths, links) or sizes (a zip bomb) is refused unopened."
)


def archive(
    folder: DirArg = Path("."),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=_("The zip to write (default: DIR/_build/<id>.zip)."),
            show_default=False,
        ),
    ] = None,
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help=_(
                "public: what may be published (the default); team: everything, private/ "
                "included, for the team's own records."
            ),
        ),
    ] = PUBLIC,
    zenodo: Annotated[
        bool,
        typer.Option(
            "--zenodo",
            help=_(
                "Also write the Zenodo (InvenioRDM) deposit metadata and a DataCite record "
                "next to the zip."
            ),
        ),
    ] = False,
    office: Annotated[
        bool,
        typer.Option(
            "--office",
            help=_(
                "Also put the report in the archive as report.docx (Word) and report.odt "
                "(LibreOffice)."
            ),
        ),
    ] = False,
) -> None:
    """Package a finished residency as one zip (ARCHIVE_HELP)."""
    done = pipeline.archive(folder, out=out, edition=edition.value, zenodo=zenodo, office=office)
    output.print_notices(done.notices, "archive", folder)
    output.echo(str(done.dest))
    for path in done.deposit:
        output.echo(str(path))
    size = output.size(done.size)
    output.say(
        _.plural(
            "Archived the team edition: {n} file, {size} (checksums sha256 and sha512).",
            "Archived the team edition: {n} files, {size} (checksums sha256 and sha512).",
            done.files,
            size=size,
        )
        if done.edition == "team"
        else _.plural(
            "Archived the public edition: {n} file, {size} (checksums sha256 and sha512).",
            "Archived the public edition: {n} files, {size} (checksums sha256 and sha512).",
            done.files,
            size=size,
        )
    )


def verify(
    path: Annotated[
        Path,
        typer.Argument(
            help=_("An archive (FILE.zip) or an unpacked bag folder."), show_default=False
        ),
    ],
) -> None:
    """Check an archive (VERIFY_HELP)."""
    result = pipeline.verify(path)
    if not result.intact:
        output.print_problems(result.problems)
        output.say(
            _.plural(
                "Damaged: {n} problem; the first file that differs is {path}.",
                "Damaged: {n} problems; the first file that differs is {path}.",
                len(result.problems),
                path=result.problems[0].path,
            )
        )
        raise typer.Exit(code=1)
    output.echo(_intact(result, result.identifier or path.name))


def _intact(result: Verification, what: str) -> str:
    """Return the line that says an archive is intact: what, its edition, files, checksums."""
    values = {
        "what": what,
        "size": output.size(result.payload_bytes),
        "algorithms": _joined(result.algorithms),
    }
    n = result.files
    if result.edition == "public":
        return _.plural(
            "Intact: {what}, public edition, {n} file ({size}); checksums {algorithms} match.",
            "Intact: {what}, public edition, {n} files ({size}); checksums {algorithms} match.",
            n,
            **values,
        )
    if result.edition == "team":
        return _.plural(
            "Intact: {what}, team edition, {n} file ({size}); checksums {algorithms} match.",
            "Intact: {what}, team edition, {n} files ({size}); checksums {algorithms} match.",
            n,
            **values,
        )
    if result.edition:  # an edition this version does not know: named as the archive says
        return _.plural(
            "Intact: {what}, {edition} edition, {n} file ({size}); checksums {algorithms} match.",
            "Intact: {what}, {edition} edition, {n} files ({size}); checksums {algorithms} match.",
            n,
            edition=result.edition,
            **values,
        )
    return _.plural(
        "Intact: {what}, {n} file ({size}); checksums {algorithms} match.",
        "Intact: {what}, {n} files ({size}); checksums {algorithms} match.",
        n,
        **values,
    )


def _joined(algorithms: list[str]) -> str:
    """Return "sha256", "sha256 and sha512", "md5 and sha256 and sha512"."""
    joined = algorithms[0] if algorithms else ""
    for algorithm in algorithms[1:]:
        joined = output.both(joined, algorithm)
    return joined
