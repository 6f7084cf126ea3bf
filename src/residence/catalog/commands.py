# SPDX-License-Identifier: EUPL-1.2
"""What the `residence catalog` commands do, without the terminal (as residence.pipeline does
for the other commands): add, list, search, show, remove, render.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from residence.errors import ResidenceError
from residence.i18n import messages
from residence.pipeline import _os_errors, changing, usage_error

if TYPE_CHECKING:
    from residence.catalog import Hit, Outcome, Site, Summary

T = TypeVar("T")

_ = messages("messages")


def catalog_file(option: Path | None) -> Path:
    """Return the catalogue file: the one given (--catalog), else the user's default."""
    from residence.catalog import default_catalog_path

    return option if option is not None else default_catalog_path()


def _not_in_catalogue(ident: str, path: Path) -> ResidenceError:
    return usage_error(
        _(
            "no residency '{id}' in the catalogue {path} (see: residence catalog list)",
            id=ident,
            path=path,
        )
    )


def catalog_add(paths: Sequence[Path], catalog: Path | None) -> tuple[Path, Iterator[Outcome]]:
    """Return the catalogue file and the outcomes of adding each path, as they come."""
    from residence.catalog import add_paths, open_catalog

    for path in paths:
        if not path.exists():
            raise usage_error(_("no file or folder '{path}'", path=path))
    where = catalog_file(catalog)
    if not where.exists():
        changing()  # the catalogue is made
    opened = open_catalog(where, create=True)

    def outcomes() -> Iterator[Outcome]:
        with opened as cat:
            for outcome in add_paths(cat, paths):  # each residency in its own transaction
                if outcome.added is not None:
                    changing()
                yield outcome

    return where, outcomes()


@dataclass
class Found(Generic[T]):
    """What a catalogue listing or search found (``items`` is None: no catalogue yet)."""

    path: Path
    items: list[T] | None


def catalog_list(
    catalog: Path | None, *, programme: str | None, territory: str | None, year: int | None
) -> Found[Summary]:
    """List the catalogue's residencies (Summary), the most recent first."""
    from residence.catalog import Filters, open_catalog

    path = catalog_file(catalog)
    if not path.exists():
        return Found(path, None)
    with open_catalog(path, create=False) as cat:
        return Found(path, cat.summaries(Filters(programme, territory, year)))


def catalog_search(
    query: str,
    catalog: Path | None,
    *,
    programme: str | None,
    territory: str | None,
    year: int | None,
    kind: str | None,
    limit: int,
) -> Found[Hit]:
    """Search every residency of the catalogue (Hit), the best matches first."""
    from residence.catalog import Filters, open_catalog

    path = catalog_file(catalog)
    if not path.exists():
        return Found(path, None)
    with open_catalog(path, create=False) as cat:
        return Found(path, cat.search(query, Filters(programme, territory, year, kind), limit))


def catalog_show(ident: str, catalog: Path | None) -> Summary:
    """Return one residency of the catalogue; a usage error if it is not there."""
    from residence.catalog import open_catalog

    path = catalog_file(catalog)
    found = None
    if path.exists():
        with open_catalog(path, create=False) as cat:
            found = cat.get(ident)
    if found is None:
        raise _not_in_catalogue(ident, path)
    return found


def catalog_remove(ident: str, catalog: Path | None) -> Path:
    """Remove a residency from the catalogue; return the catalogue file."""
    from residence.catalog import open_catalog

    path = catalog_file(catalog)
    removed = False
    if path.exists():
        changing()
        with open_catalog(path, create=False) as cat:
            removed = cat.remove(ident)
    if not removed:
        raise _not_in_catalogue(ident, path)
    return path


def catalog_render(out: Path, language: str, catalog: Path | None) -> Site:
    """Write the catalogue's static website into ``out``."""
    from residence.catalog import open_catalog, render_site

    with open_catalog(catalog_file(catalog), create=False) as cat:
        changing()
        with _os_errors(_("cannot write into '{dest}'", dest=out)):
            return render_site(cat, out, language)
