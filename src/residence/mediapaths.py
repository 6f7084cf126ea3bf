# SPDX-License-Identifier: EUPL-1.2
"""Where a media path leads: a file inside the residency folder, or the problem of it.

``check`` reports a media path that is absolute, goes up with ``..``, is missing, loops or
is a link out of the folder; the gate and the renderer refuse to read such a file.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

from residence.i18n import messages
from residence.models.common import shorten

_ = messages("problems")


def media_path_problem(root: Path, file: str) -> tuple[str, str] | None:
    """Return (code, message) when a media path is unsafe or missing, else None."""
    name = shorten(file, 80)
    pure = PurePosixPath(file.replace("\\", "/"))
    if pure.is_absolute() or (len(file) > 1 and file[1] == ":") or "://" in file:
        return "outside", _(
            "{file}: media paths must be relative to the residency folder", file=name
        )
    if ".." in pure.parts:
        return "outside", _(
            "{file}: media paths must not go up with '..' out of the folder", file=name
        )
    if not pure.parts or "\x00" in file:
        return "missing-file", _missing(name)
    # Fast path: when no part of the path is a link, the file is inside the folder.
    current = os.fspath(root)
    try:
        for part in pure.parts:
            current = os.path.join(current, part)
            mode = os.lstat(current).st_mode
            if stat.S_ISLNK(mode):
                break
        else:
            if stat.S_ISREG(mode):
                return None
            return "missing-file", _missing(name)
    except FileNotFoundError:
        return "missing-file", _missing(name)
    except OSError as exc:  # a part is a file, or cannot be read
        if isinstance(exc, NotADirectoryError):
            return "missing-file", _missing(name)
        if exc.errno == errno.ELOOP:
            return "link-loop", _loop_message(name)
        return "missing-file", _unreadable(name, exc)
    # A link: follow it, and make sure it stays inside.
    full = root / pure
    try:
        resolved = full.resolve()
        resolved.relative_to(root.resolve())
    except ValueError:
        return "outside", _(
            "{file}: this is a link to a place outside the residency folder", file=name
        )
    except RuntimeError:  # a link loop, before Python 3.13
        return "link-loop", _loop_message(name)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "link-loop", _loop_message(name)
        return "missing-file", _unreadable(name, exc)
    if not resolved.is_file():
        return "missing-file", _missing(name)
    return None


def _loop_message(name: str) -> str:
    return _(
        "{file}: this is a link that loops back (to itself, or to a folder that holds it): "
        "remove it",
        file=name,
    )


def _missing(name: str) -> str:
    return _("{file}: no such file in the residency folder", file=name)


def _unreadable(name: str, exc: OSError) -> str:
    return _("{file}: cannot be read ({reason})", file=name, reason=exc.strerror or exc)
