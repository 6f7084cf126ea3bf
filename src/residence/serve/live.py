# SPDX-License-Identifier: EUPL-1.2
"""The residency kept loaded between saves: a changed file is read again, alone.

:class:`LiveResidency` loads the folder once (``residence.load.load_residency``), then
takes the paths that changed and brings the loaded residency up to date, as a new full
load would make it, with the least reading:

- a file of a folder kind (``journal/``, ``prototypes/``…: any kind of ``layout.KINDS``
  with a folder, so that a new kind needs no change here) that the loader read before and
  that is still a plain file is read again alone (``load.load_file``): its item replaces
  the old one, its problems replace the old ones;
- anything else the loader reads (a single file such as ``residence.yaml`` or
  ``actors.yaml``, whose parts the loader assembles by its own rules; a file added,
  removed or renamed; a link; a folder) makes the whole folder load again;
- other files (photos, ``theme/``…) are read by the check and the renderer, not by the
  loader: nothing is loaded again.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from residence.controlchars import unseen_in_name
from residence.errors import sort_problems
from residence.layout import CONSENT_SCOPES, FOLDERS, SINGLE_FILES, Kind, kind_of_path
from residence.load import load_file, load_residency
from residence.models.residency import journal_order, source_of

#: The lists the loader sorts after reading them, by the key it sorts with (load.py):
#: the other lists keep the order their files were read in.
_SORTED_AFTER_LOAD = {"entries": journal_order}
#: The top folders that hold a single-file kind (``private/`` for ``private/consent``).
_SINGLE_FILE_FOLDERS = frozenset(stem.split("/")[0] for stem in SINGLE_FILES if "/" in stem)


@dataclass
class Reload:
    """What one update read: the files read again alone, or the whole folder."""

    files: list[str] = field(default_factory=list)
    whole: bool = False


def read_by_loader(rel: str) -> bool:
    """Tell whether the loader reads the path ``rel`` (relative, with '/'), or what is in it."""
    top = rel.split("/", 1)[0]
    return (
        kind_of_path(rel) is not None
        or rel == CONSENT_SCOPES
        or top in FOLDERS
        or top in _SINGLE_FILE_FOLDERS
        or top.rsplit(".", 1)[0] in SINGLE_FILES  # residence.yaml as a folder, say
    )


class LiveResidency:
    """A residency loaded once and kept up to date with its folder (see the module)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.residency, self.problems = load_residency(root)
        #: How many times the whole folder was loaded (the first load included).
        self.whole_loads = 1

    def update(self, changed: Iterable[str]) -> Reload:
        """Bring the residency up to date with the paths that changed; say what was read."""
        paths = sorted({rel for rel in changed if read_by_loader(rel)})
        if not paths:
            return Reload()
        kinds = [self._alone(rel) for rel in paths]
        if any(kind is None for kind in kinds):
            self.residency, self.problems = load_residency(self.root)
            self.whole_loads += 1
            return Reload(whole=True)
        for rel, kind in zip(paths, kinds, strict=True):
            assert kind is not None
            self._read_again(rel, kind)
        return Reload(paths)

    def _alone(self, rel: str) -> Kind | None:
        """Return the kind of a file that can be read again alone, else None."""
        kind = kind_of_path(rel)
        if kind is None or not kind.folder or not kind.attr or rel not in self.residency.files:
            return None
        if unseen_in_name(rel):  # the loader reports such a name itself, by the file
            return None
        parts = rel.split("/")
        path = self.root
        for part in parts:  # no link on the way: the loader judges links by where they lead
            path = path / part
            try:
                info = os.lstat(path)
            except OSError:
                return None  # removed: the folder is loaded again
            if stat.S_ISLNK(info.st_mode):
                return None
        return kind if stat.S_ISREG(info.st_mode) else None

    def _read_again(self, rel: str, kind: Kind) -> None:
        r = self.residency
        item, node, found = load_file(self.root, rel, kind.model)
        self.problems = sort_problems([*(p for p in self.problems if p.path != rel), *found])
        if node is not None:
            r.nodes[rel] = node
        else:
            r.nodes.pop(rel, None)
        order = {f: i for i, f in enumerate(r.files)}
        failed = [f for f in r.failed if f != rel]
        if item is None:  # in the order files are read, before the links that loop (load.py)
            at = next(
                (i for i, f in enumerate(failed) if order.get(f, len(order)) > order[rel]),
                len(failed),
            )
            failed.insert(at, rel)
        r.failed = failed
        items: list[Any] = [i for i in getattr(r, kind.attr) if source_of(i) != rel]
        if item is not None:
            items.append(item)
            items.sort(key=lambda i: order.get(source_of(i), len(order)))
        if kind.attr in _SORTED_AFTER_LOAD:
            items.sort(key=_SORTED_AFTER_LOAD[kind.attr])
        setattr(r, kind.attr, items)


__all__ = ["LiveResidency", "Reload", "read_by_loader"]
