# SPDX-License-Identifier: EUPL-1.2
"""Writing a plan: under the residency's lock, never over a change made since it was read.

Several people may add items to one residency folder at the same moment (a shared drive, a
synced folder, two terminals). Every write of ``residence add`` happens while it holds the
residency's lock (``fsutil.locked``), after checking that the file is still as it was when
the plan was made: an appended file has the same bytes, a new file's name is still free.

When it is not, and the change is one another ``residence add`` made (its bytes are those
recorded in ``.residence/written`` by the add that wrote them), the plan is made again from
the residency as it is now, still under the lock: the item goes after the other one, a
journal entry takes the next free name (``-2``…), an id taken meanwhile is refused as it
would be one after the other. Any other change (the file saved from an editor) is refused
as before: nothing is written, and the user runs the command again. Without locks (Windows,
some network drives) the same checks run, without the lock around them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
from pathlib import Path

from residence.add.kinds import KINDS, load_context
from residence.add.media import target_problems
from residence.add.plans import Plan
from residence.add.values import problem
from residence.errors import Problem, ResidenceError
from residence.fsutil import LockBusy, locked, write_atomic
from residence.i18n import messages

_ = messages("add")

#: How many times a plan made stale by another add is made again before giving up.
ATTEMPTS = 3

#: The files the last adds wrote, with a digest of their bytes (one "digest path" a line).
WRITTEN = ".residence/written"

#: How many of the last writes are remembered.
REMEMBERED = 200

#: The refusal when the lock stays taken, in English (the message is ``_busy()``).
BUSY = "another residence command is writing to this residency; try again"


def _busy() -> str:
    return _("another residence command is writing to this residency; try again")


def write_plan(plan: Plan) -> Path:
    """Write a plan: a new file (never replacing one) or a file's new text, atomically.

    ``plan`` is updated in place when it had to be made again, so that it tells what was
    written. Raise ResidenceError when the file changed meanwhile and the plan cannot be
    made again, and when another command kept the residency busy for too long.
    """
    try:
        with locked(plan.root):
            return _write_locked(plan)
    except LockBusy:
        raise ResidenceError([problem(_busy(), code="busy")]) from None


def _write_locked(plan: Plan) -> Path:
    for attempt in range(ATTEMPTS):
        last = attempt == ATTEMPTS - 1
        if plan.remake is not None and not plan.read_with_context and not last:
            # Its file was read after another add wrote it, but checked against the
            # residency from before: check it again with the residency as it is now.
            _remake(plan)
            continue
        stale = _write_unless_changed(plan)
        if stale is None:
            _remember(plan)
            return plan.path
        if plan.remake is None or last or not _written_by_an_add(plan):
            raise ResidenceError([stale])
        _remake(plan)
    raise AssertionError("unreachable")  # pragma: no cover


def _remake(plan: Plan) -> None:
    """Make the plan again from the residency as it is now, in place."""
    assert plan.remake is not None
    fresh = plan.remake(load_context(plan.root))
    for f in dataclasses.fields(Plan):
        setattr(plan, f.name, getattr(fresh, f.name))


def _write_unless_changed(plan: Plan) -> Problem | None:
    """Write the plan if its file is as it was read; else return the problem, writing nothing.

    The files a photo copies into media/ are copied first, then the text is written; an
    entry moving to its new day's name is rewritten in place, then renamed (never over an
    existing file): interrupted in between, it keeps its old name and its new day.
    """
    path = plan.root / (plan.moved_from or plan.rel)
    what = KINDS[plan.kind].what
    if plan.before is None:
        if path.exists():
            return _appeared(plan.rel, what)
    else:
        try:
            current = path.read_bytes()
        except OSError:
            current = None
        if current != plan.before and plan.kind == "tag":
            return problem(
                _(
                    "{file} changed while its tags were being changed (is it open in an "
                    "editor?): nothing was written; run the command again",
                    file=plan.rel,
                )
            )
        if current != plan.before:
            return problem(
                _(
                    "{file} changed while the {what} was being added (is it open in an "
                    "editor?): nothing was written; run the command again",
                    file=plan.moved_from or plan.rel,
                    what=what,
                )
            )
    if plan.unchanged:
        return None  # a value set to what it already was: the file stays as it is
    if plan.moved_from and (plan.root / plan.rel).exists():
        return problem(
            _(
                "{file} appeared meanwhile: nothing was changed; run the command again",
                file=plan.rel,
            )
        )
    stale = _copy_media(plan)
    if stale is not None:
        return stale
    if plan.before is None:
        try:
            write_atomic(path, plan.text, exclusive=True)
        except FileExistsError:
            return _appeared(plan.rel, what)
        return None
    write_atomic(path, plan.text)
    if plan.moved_from:
        _move(path, plan.root / plan.rel)
    return None


def _appeared(rel: str, what: str) -> Problem:
    return problem(
        _(
            "{file} appeared while the {what} was being added: nothing was written; run the "
            "command again",
            file=rel,
            what=what,
        )
    )


def _copy_media(plan: Plan) -> Problem | None:
    """Copy a photo's file into media/ (the same bytes already there: nothing to copy)."""
    plan.copied = []
    for source, rel in plan.copies:
        found = target_problems(plan.root, Path(source), rel)
        if found:
            return found[0]
        target = plan.root / rel
        if target.exists():
            continue  # the same bytes: reused
        try:
            write_atomic(target, Path(source).read_bytes(), exclusive=True)
        except FileExistsError:
            return problem(
                _(
                    "{file} appeared meanwhile: nothing was written; run the command again",
                    file=rel,
                )
            )
        except OSError as exc:
            return problem(
                _(
                    "cannot copy {source} to {file}: {reason}",
                    source=source,
                    file=rel,
                    reason=exc.strerror or exc,
                )
            )
        plan.copied.append(rel)
    return None


def _move(old: Path, new: Path) -> None:
    """Rename a file, never over an existing one (a hard link, then the old name removed)."""
    try:
        os.link(old, new)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: checked just before, under the lock
        if new.exists():
            raise FileExistsError(new) from None
        os.replace(old, new)
    else:
        os.unlink(old)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _records(root: Path) -> dict[str, str]:
    """Return {path: digest} of the last files the adds wrote (empty if unreadable)."""
    try:
        text = (root / WRITTEN).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    records: dict[str, str] = {}
    for line in text.splitlines():
        digest, _space, rel = line.partition(" ")
        if rel:
            records.pop(rel, None)
            records[rel] = digest
    return records


def _written_by_an_add(plan: Plan) -> bool:
    """Tell whether the plan's file, as it is now, is what another add wrote."""
    try:
        current = plan.path.read_bytes()
    except OSError:
        return False
    return _records(plan.root).get(plan.rel) == _digest(current)


def _remember(plan: Plan) -> None:
    """Record the bytes just written, for the adds that read the file before (best effort)."""
    records = _records(plan.root)
    records.pop(plan.rel, None)
    records[plan.rel] = _digest(plan.text.encode("utf-8"))
    kept = list(records.items())[-REMEMBERED:]
    with contextlib.suppress(OSError):
        write_atomic(plan.root / WRITTEN, "".join(f"{d} {rel}\n" for rel, d in kept))
