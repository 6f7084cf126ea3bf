# SPDX-License-Identifier: EUPL-1.2
"""A finished residency -> one reproducible zip: a BagIt bag (RFC 8493) holding an RO-Crate.

Layout of the zip (one top folder, named after the residency)::

    <id>/bagit.txt                       BagIt-Version: 1.0
    <id>/bag-info.txt                    Source-Organization, External-Description, ...
    <id>/manifest-sha256.txt             every payload file, sorted
    <id>/manifest-sha512.txt
    <id>/tagmanifest-sha256.txt          the tag files above
    <id>/tagmanifest-sha512.txt
    <id>/data/ro-crate-metadata.json     RO-Crate 1.1: what every file is, and its licence
    <id>/data/report.html, data/assets/  the rendered report (``render_outputs``)
    <id>/data/residency/                 the sources: residence.yaml, actors.yaml, journal/...

A public edition (the default) is made from ``select_edition(residency, "public")`` only: its
sources are the published models written back to YAML (``serialize.py``), never the team's
raw files, so nothing from ``private/``, no team-only entry or quote and no name of a person
without a public consent can reach it. Its photos are the published copies (upright, resized,
stripped of EXIF and GPS data). A team edition holds the team's files as they are, private/
included, and says so in bag-info.txt and in the crate.

The parts: ``payload`` (what goes in), ``crate`` (RO-Crate), ``bag`` (BagIt tag files and
manifests), ``package`` (the zip, ``write_archive``), ``deposit`` (Zenodo and DataCite
records), ``unpack`` (opening a zip safely) and ``verify`` (``residence verify``).
"""

from __future__ import annotations

from residence.archive.bag import ALGORITHMS, EDITION_TAG, bag_edition, bag_files, bag_info
from residence.archive.crate import CRATE, RO_CRATE_VERSION, build_crate, media_type
from residence.archive.deposit import datacite_record, write_deposit_metadata, zenodo_metadata
from residence.archive.package import ArchiveSummary, default_archive_path, write_archive
from residence.archive.payload import (
    OUTPUT_PRODUCERS,
    SOURCES,
    TEAM_WARNING,
    Payload,
    gather_payload,
    render_outputs,
)
from residence.archive.unpack import open_bag
from residence.archive.verify import Verification, verify_archive, verify_bag

# Until every caller imports it from residence.clock.

__all__ = [
    "ALGORITHMS",
    "CRATE",
    "EDITION_TAG",
    "OUTPUT_PRODUCERS",
    "RO_CRATE_VERSION",
    "SOURCES",
    "TEAM_WARNING",
    "ArchiveSummary",
    "Payload",
    "Verification",
    "bag_edition",
    "bag_files",
    "bag_info",
    "build_crate",
    "datacite_record",
    "default_archive_path",
    "gather_payload",
    "media_type",
    "open_bag",
    "render_outputs",
    "verify_archive",
    "verify_bag",
    "write_archive",
    "write_deposit_metadata",
    "zenodo_metadata",
]
