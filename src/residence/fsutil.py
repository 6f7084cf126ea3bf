"""Safe writes: a file is replaced whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A crash or Ctrl-C in the middle leaves the old file (or no file) in place, never half of
    one. With ``exclusive=True`` an existing file is never replaced (FileExistsError).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes a file only its owner can read: give the new file the mode of the
        # one it replaces, or the usual mode of a new file (0666 minus the umask).
        with contextlib.suppress(OSError):
            os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            # link() fails if the target exists: no race with another writer.
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links (some shared drives)
                if path.exists():
                    raise FileExistsError(path) from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _mode_for(path: Path) -> int:
    """Return the permission bits a file written at ``path`` should have."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
