# SPDX-License-Identifier: EUPL-1.2
"""`residence add photo`: the file copied into media/ under a clean name, never over another.

A photo given on the command line (``IMG_1234.JPG`` from a phone, a scan) is copied into the
residency's ``media/`` folder under its own name made safe (``img-1234.jpg``), and the item
names that copy. A file already in ``media/`` is used where it is. The copy never replaces
a different file: the same bytes under that name are reused, other bytes are refused.
The copy itself is made by ``add.writing``, under the residency's lock.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from residence.check import MEDIA_SUFFIXES
from residence.errors import Problem
from residence.i18n import messages
from residence.layout import MEDIA_FOLDER
from residence.text import slugify

_ = messages("add")

#: The longest name (without its extension) a copied file is given.
MAX_NAME = 60


def media_name(name: str) -> str:
    """Return a file name made safe for media/: ``IMG 1234.JPG`` -> ``img-1234.jpg``."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    base = slugify(stem)[:MAX_NAME].strip("-") or "photo"
    ext = slugify(ext)
    return f"{base}.{ext}" if ext else base


def media_target(root: Path, source: Path) -> tuple[str, bool]:
    """Return (path in the residency, whether the file must be copied there)."""
    try:
        rel = source.resolve().relative_to(root.resolve()).as_posix()
    except (OSError, ValueError, RuntimeError):
        rel = ""
    if rel.startswith(MEDIA_FOLDER + "/"):
        return rel, False
    return f"{MEDIA_FOLDER}/{media_name(source.name)}", True


def same_bytes(a: Path, b: Path) -> bool:
    """Tell whether two files hold the same bytes (False if one cannot be read)."""
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with a.open("rb") as first, b.open("rb") as second:
            while True:
                one, two = first.read(1 << 20), second.read(1 << 20)
                if one != two:
                    return False
                if not one:
                    return True
    except OSError:
        return False


def free_name(root: Path, rel: str) -> str:
    """Return ``rel``, or the first ``stem-2.ext``, ``stem-3.ext``… not taken in the folder."""
    folder, name = posixpath.split(rel)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    candidate = rel
    while (root / candidate).exists():
        candidate = posixpath.join(folder, f"{stem}-{n}" + (f".{ext}" if ext else ""))
        n += 1
    return candidate


def _problem(message: str, code: str = "bad-value") -> Problem:
    return Problem("", None, None, "error", code, message)


def photo_problems(
    root: Path, data: Mapping[str, Any], origins: Mapping[str, str]
) -> list[Problem]:
    """Return the problems of a photo's file to copy: missing, of a kind no report shows,
    or a different file already in media/ under the name it would take."""
    source_text = data.get("source")
    if not isinstance(source_text, str) or not source_text:
        return []
    origin = origins.get("source", "source:")
    source = Path(source_text)
    if not source.is_file():
        return [
            _problem(
                _("{option} {file}: no such file", option=origin, file=source_text),
                "missing-file",
            )
        ]
    suffix = source.suffix.lower()
    if suffix not in MEDIA_SUFFIXES:
        if suffix:
            message = _(
                "{option} {file}: '{suffix}' files cannot be shown in a report: save it as jpg, "
                "png, webp, svg or pdf first",
                option=origin,
                file=source_text,
                suffix=suffix,
            )
        else:
            message = _(
                "{option} {file}: 'no extension' files cannot be shown in a report: save it as "
                "jpg, png, webp, svg or pdf first",
                option=origin,
                file=source_text,
            )
        return [_problem(message, "media-type")]
    if not os.access(source, os.R_OK):
        return [
            _problem(
                _("{option} {file}: this file cannot be read", option=origin, file=source_text),
                "missing-file",
            )
        ]
    rel = data.get("file")
    if not isinstance(rel, str) or not rel:
        return []
    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (len(rel) > 1 and rel[1] == ":"):
        return [
            _problem(
                _("file: {file}: the copy must go inside the residency folder (media/…)", file=rel),
                "outside",
            )
        ]
    return target_problems(root, source, rel)


def target_problems(root: Path, source: Path, rel: str) -> list[Problem]:
    """Return the problem of copying ``source`` to ``rel``: another file is there."""
    target = root / rel
    if not target.exists() and not target.is_symlink():
        return []
    if target.is_file() and not target.is_symlink() and same_bytes(source, target):
        return []  # the same picture is already there: it is reused
    return [
        _problem(
            _(
                "{file} already exists with other content: nothing was copied. Rename your file "
                "(for example to {free}) and run the command again",
                file=rel,
                free=posixpath.basename(free_name(root, rel)),
            ),
            "duplicate-file",
        )
    ]
