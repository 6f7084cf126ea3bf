"""Safe writes: a file or a whole output folder is replaced whole or not at all.

The one home of atomic writing: every output and every edit of a team's file goes through
:func:`write_atomic`, :func:`copy_atomic` or :func:`replace_folder`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
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
        return 0o666 & ~_umask()


def copy_atomic(source: Path, path: Path) -> None:
    """Copy the file ``source`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        with contextlib.suppress(OSError):
            os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def replace_folder(dest: Path, *, after: Callable[[], object] | None = None) -> Iterator[Path]:
    """Yield a new empty folder beside ``dest``; on success, it replaces ``dest`` whole.

    The caller fills the yielded folder. When the ``with`` block ends without an error, the
    previous ``dest`` (if any) is moved aside, the new folder takes its place, then ``after``
    runs (for a file that must change with the folder, e.g. the report beside its assets);
    if ``after`` fails, the previous folder is put back. An error or Ctrl-C at any point
    leaves the previous folder as it was and no temporary folder behind.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    old: Path | None = None
    try:
        yield staging
        # mkdtemp makes a folder only its owner can open: give it the usual mode.
        os.chmod(staging, 0o777 & ~_umask())
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}-old-", dir=dest.parent))
            os.replace(dest, old / dest.name)
        try:
            os.replace(staging, dest)
            if after is not None:
                after()
        except BaseException:
            if old is not None:
                if dest.exists() and not staging.exists():
                    os.replace(dest, staging)  # removed below
                os.replace(old / dest.name, dest)
            raise
    finally:
        for leftover in (staging, old):
            if leftover is not None and leftover.exists():
                shutil.rmtree(leftover, ignore_errors=True)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
