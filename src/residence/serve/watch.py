# SPDX-License-Identifier: EUPL-1.2
"""The folder watched (watchfiles): the paths that changed, relative, grouped by save.

What the tool passes over (hidden files and folders such as ``.residence/`` and ``.git/``,
editor backups and swap files: ``layout.is_ignored``) and the outputs under ``_build/``
never start a build.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

from residence.layout import is_ignored
from residence.pipeline import BUILD_FOLDER

#: A save is done when nothing changed for this long (ms); changes are grouped at most
#: this long (ms), so that a long copy still shows up.
STEP_MS = 50
DEBOUNCE_MS = 1600
#: How often the watcher looks up from waiting (ms): to say it is ready, and to stop.
AWAKE_MS = 200


def relative(root: Path, path: str) -> str | None:
    """Return ``path`` relative to ``root`` with '/', or None when no build should follow
    (outside the folder, passed over by the tool, or an output under _build/)."""
    rel = os.path.relpath(path, root)
    if rel == "." or rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
        return None
    parts = rel.split(os.sep)
    if parts[0] == BUILD_FOLDER or any(is_ignored(part) for part in parts):
        return None
    return "/".join(parts)


def changes(
    root: Path, stop: threading.Event, ready: threading.Event | None = None
) -> Iterator[set[str]]:
    """Yield, after each save, the paths that changed (relative to ``root``), until
    ``stop`` is set. ``ready`` is set once the folder is watched: a save made after it is
    seen."""
    import watchfiles

    def wanted(_change: watchfiles.Change, path: str) -> bool:
        return relative(root, path) is not None

    for batch in watchfiles.watch(
        root,
        watch_filter=wanted,
        step=STEP_MS,
        debounce=DEBOUNCE_MS,
        stop_event=stop,
        rust_timeout=AWAKE_MS,
        yield_on_timeout=True,  # an empty batch: the watcher is there (and may stop)
        raise_interrupt=False,
        ignore_permission_denied=True,
    ):
        if ready is not None:
            ready.set()
        found = {rel for _change, path in batch if (rel := relative(root, path)) is not None}
        if found or not root.is_dir():
            yield found  # a removed folder says so, even with no file of it to build
