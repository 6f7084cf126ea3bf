# SPDX-License-Identifier: EUPL-1.2
"""The archive file: payload, bag and crate written as one reproducible zip (``write_archive``).

The same residency archived twice with the same ``SOURCE_DATE_EPOCH`` gives the same bytes:
entries are sorted, and their time and permissions are fixed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from residence.archive.bag import bag_files
from residence.archive.payload import gather_payload
from residence.clock import build_time
from residence.errors import Problem, ResidenceError
from residence.fsutil import write_atomic
from residence.i18n import messages
from residence.models import Published, Residency
from residence.zips import reproducible_zip

_ = messages("archive")


def zip_bytes(top: str, files: dict[str, bytes], when: dt.datetime) -> bytes:
    """Return a reproducible zip of ``files`` under ``top/``: sorted, one time and mode."""
    return reproducible_zip(((f"{top}/{path}", files[path]) for path in sorted(files)), when)


@dataclass(frozen=True)
class ArchiveSummary:
    """What ``write_archive`` made."""

    path: Path
    edition: str
    files: int  # payload files, the crate included
    payload_bytes: int
    size: int  # bytes of the zip
    problems: list[Problem]  # warnings (a photo left out, say)


def write_archive(
    dest: Path,
    published: Published,
    outputs: dict[str, bytes],
    *,
    when: dt.datetime | None = None,
) -> ArchiveSummary:
    """Write the archive of a published residency (public or team edition) to ``dest``.

    ``published`` comes from ``select_edition``; ``outputs`` from ``render_outputs``. The
    zip is written beside ``dest`` and renamed, so an interrupted run never leaves half an
    archive.
    """
    if not isinstance(published, Published):
        raise TypeError("write_archive takes the result of select_edition")
    if published.residence is None:
        raise ResidenceError(_("residence.yaml is missing: there is nothing to archive"))
    when = when or build_time()
    payload = gather_payload(published, outputs)
    files = bag_files(published, payload, when)
    top = published.residence.id + ("-team" if published.edition == "team" else "")
    data = zip_bytes(top, files, when)
    write_atomic(dest, data)
    payload_files = [p for p in files if p.startswith("data/")]
    return ArchiveSummary(
        dest,
        published.edition,
        len(payload_files),
        sum(len(files[p]) for p in payload_files),
        len(data),
        payload.problems,
    )


def default_archive_path(folder: Path, residency: Residency, edition: str) -> Path:
    """Return where an archive goes by default: DIR/_build/<id>.zip (<id>-team.zip)."""
    ident = residency.residence.id if residency.residence else "residency"
    suffix = "-team" if edition == "team" else ""
    return folder / "_build" / f"{ident}{suffix}.zip"
