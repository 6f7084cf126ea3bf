# SPDX-License-Identifier: EUPL-1.2
"""The catalogue of past residencies: one SQLite file, full-text search and a static site.

- ``store``: the catalogue file (schema, ``Catalog``, ``open_catalog``), search and filters;
- ``packing``: what it keeps of a residency (its packed public edition, searchable items);
- ``ingest``: reading a residency folder or archive for it, and ``add_paths``;
- ``site``: its static website (``render_site``).

Only public editions enter the catalogue (see ``ingest``).
"""

from __future__ import annotations

from residence.catalog.ingest import Candidate, Outcome, add_paths, is_archive, read_for_catalog
from residence.catalog.packing import Rows, pack_residency, prepare_rows, unpack_residency
from residence.catalog.site import Site, check_site_output, render_site
from residence.catalog.store import (
    MARK_END,
    MARK_START,
    Added,
    Catalog,
    CatalogError,
    Filters,
    Hit,
    Summary,
    default_catalog_path,
    fts_query,
    highlight,
    open_catalog,
)

__all__ = [
    "MARK_END",
    "MARK_START",
    "Added",
    "Candidate",
    "Catalog",
    "CatalogError",
    "Filters",
    "Hit",
    "Outcome",
    "Rows",
    "Site",
    "Summary",
    "add_paths",
    "check_site_output",
    "default_catalog_path",
    "fts_query",
    "highlight",
    "is_archive",
    "open_catalog",
    "pack_residency",
    "prepare_rows",
    "read_for_catalog",
    "render_site",
    "unpack_residency",
]
