# SPDX-License-Identifier: EUPL-1.2
"""Safe writes: a file or a whole output folder is replaced whole or not at all.

The one home of atomic writing: every output and every edit of a team's file goes through
:func:`write_atomic`, :func:`copy_atomic` or :func:`replace_folder`; and of the residency's
write lock (:func:`locked`), which keeps two commands from editing the same files at once.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


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


# -- the residency's write lock ----------------------------------------------------------

#: The lock file, inside the residency folder (``.residence/`` is never read as the team's).
LOCK_FILE = ".residence/lock"

#: Seconds to wait for the lock while nobody else gets it, before giving up.
LOCK_TIMEOUT = 10.0

_GUARD = threading.Lock()
_LOCAL: dict[str, threading.RLock] = {}  # one per lock file, for the threads of this process
_DEPTH: dict[str, int] = {}  # how many times the thread holding it entered it
_HELD: dict[str, bool] = {}  # whether the outermost entry holds the file lock


class LockBusy(Exception):
    """Another process kept the residency's lock for longer than the timeout."""


@contextlib.contextmanager
def locked(root: Path, *, timeout: float | None = None) -> Iterator[bool]:
    """Hold the write lock of the residency folder ``root`` for the ``with`` block.

    The lock is ``fcntl.flock`` on ``root/.residence/lock``, a file created once and never
    deleted (deleting it would let two processes lock two different files). A process
    waits while the lock passes from one holder to the next, and raises LockBusy after
    ``timeout`` seconds (LOCK_TIMEOUT by default) without a new holder, or twelve times
    that in all. The same thread may enter it again inside the block.

    Yield True when the lock is held, False where there is no lock to take: on Windows
    (no fcntl), on a file system that refuses locks (ENOLCK, EOPNOTSUPP: some network
    drives) or where the lock file cannot be made (a read-only folder); the caller's own
    checks are then the only protection.
    """
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    path = root / LOCK_FILE
    key = os.path.realpath(path)
    with _GUARD:
        local = _LOCAL.setdefault(key, threading.RLock())
    if not local.acquire(timeout=timeout):
        raise LockBusy(str(path))
    try:
        if _DEPTH.get(key):
            _DEPTH[key] += 1
            try:
                yield _HELD[key]
            finally:
                _DEPTH[key] -= 1
            return
        fd = _lock_file(path, timeout)
        _DEPTH[key], _HELD[key] = 1, fd is not None
        try:
            yield fd is not None
        finally:
            _DEPTH[key] = 0
            if fd is not None:
                with contextlib.suppress(OSError):
                    fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
    finally:
        local.release()


def _open_lock_file(path: Path) -> int | None:
    """Open (or create) the lock file; None if it cannot be, or is not a regular file."""
    flags = os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= os.O_NONBLOCK  # a FIFO put in its place must not block the open
    try:
        path.parent.mkdir(exist_ok=True)
        try:
            fd = os.open(path, flags | os.O_RDWR, 0o666)  # less the umask
        except PermissionError:  # made by someone else: a lock needs no write access
            fd = os.open(path, flags | os.O_RDONLY)
    except OSError:
        return None
    try:
        is_file = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        is_file = False
    if not is_file:
        os.close(fd)
        return None
    return fd


def _lock_file(path: Path, timeout: float) -> int | None:
    """Return the descriptor of the lock file, locked; None where there is no lock to take."""
    if fcntl is None:  # pragma: no cover - Windows
        return None
    fd = _open_lock_file(path)
    if fd is None:
        return None
    try:
        now = time.monotonic()
        deadline, give_up = now + timeout, now + 12 * timeout
        seen = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                pass
            except OSError as exc:
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    pass
                else:  # ENOLCK, EOPNOTSUPP, ENOSYS…: this file system has no locks
                    os.close(fd)
                    return None
            # Each holder writes its own mark in the file: a new mark means the lock
            # changed hands, and is worth waiting for a little longer.
            with contextlib.suppress(OSError):
                mark = os.pread(fd, 64, 0)
                if mark != seen:
                    seen, deadline = mark, time.monotonic() + timeout
            now = time.monotonic()
            if now >= min(deadline, give_up):
                raise LockBusy(str(path))
            time.sleep(random.uniform(0.01, 0.05))
        with contextlib.suppress(OSError):
            mark = f"{os.getpid()} {time.time_ns()}\n".encode("ascii")
            os.pwrite(fd, mark, 0)
            os.ftruncate(fd, len(mark))
        return fd
    except BaseException:
        os.close(fd)
        raise
