# SPDX-License-Identifier: EUPL-1.2
"""Reproducible zip files: the same members and date give the same bytes, on any machine.

Written by the archive (``archive.package.zip_bytes``) and the REFI-QDA export
(``export.qdpx``): members in the order given, each with the one date (a zip holds local
times from 1980, to the even second), a regular file's mode 0644 for Unix, deflated.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable

#: A regular file, readable by all, writable by its owner.
FILE_MODE = 0o100644
#: The earliest date a zip entry can hold (DOS time starts in 1980).
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)


def zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """Return the date of a zip entry for ``when`` (not before 1980, even seconds)."""
    moment = max(when, ZIP_EPOCH)
    return (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second - moment.second % 2,
    )


def reproducible_zip(members: Iterable[tuple[str, bytes]], when: dt.datetime) -> bytes:
    """Return a zip of ``(name, content)`` members, in their order, dated ``when``."""
    stamp = zip_time(when)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the mode below is read
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, content, compresslevel=9)
    return buffer.getvalue()
