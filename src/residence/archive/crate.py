# SPDX-License-Identifier: EUPL-1.2
"""The RO-Crate 1.1 JSON-LD of an archive: what every payload file is, who made it, its licence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from residence.archive.payload import SOURCES, TEAM_WARNING, Payload
from residence.errors import ResidenceError
from residence.i18n import messages
from residence.licences import Licence, licence
from residence.models import Published
from residence.models.residency import entry_stem

_ = messages("archive")

CRATE = "ro-crate-metadata.json"
RO_CRATE_VERSION = "1.1"

#: Media types by file suffix: a fixed table, so that the crate is the same on every machine.
MEDIA_TYPES = {
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".json": "application/json",
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".toml": "application/toml",
    ".graphml": "application/graphml+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}


def media_type(path: str) -> str:
    """Return the media type (MIME) of a file from its suffix."""
    return MEDIA_TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


def crate_id(path: str) -> str:
    """Return the crate id of a payload file: its path, percent-encoded as a URI reference."""
    return quote(path, safe="/-._~")


def build_crate(published: Published, payload: Payload, when: dt.datetime) -> bytes:
    """Return ``ro-crate-metadata.json`` (RO-Crate 1.1) describing every payload file."""
    from residence.render.markdown import to_plain_text

    res = published.residence
    if res is None:
        raise ResidenceError(_("residence.yaml is missing: there is nothing to archive"))
    main = licence(res.license)
    graph: list[dict[str, Any]] = [
        {
            "@id": CRATE,
            "@type": "CreativeWork",
            "conformsTo": {"@id": f"https://w3id.org/ro/crate/{RO_CRATE_VERSION}"},
            "about": {"@id": "./"},
        }
    ]
    authors = [m for m in res.team if m.role in {"resident", "agent"}] or list(res.team)
    others = [m for m in res.team if m not in authors]
    licences: dict[str, Licence] = {main.spdx: main}
    for spdx in payload.licences.values():
        licences.setdefault(spdx, licence(spdx))
    parts = sorted(payload.files)
    insights = _insight_parts(published, payload)
    root: dict[str, Any] = {
        "@id": "./",
        "@type": "Dataset",
        "identifier": res.id,
        "name": res.title,
        "description": to_plain_text(res.question, lang=res.language).strip(),
        "datePublished": when.date().isoformat(),
        "inLanguage": res.language,
        "license": {"@id": main.url},
        "author": [{"@id": f"#{m.id}"} for m in authors],
        "publisher": {"@id": "#host"},
        "contentLocation": {"@id": "#site"},
        "temporalCoverage": [f"{w.start.isoformat()}/{w.end.isoformat()}" for w in res.weeks],
        "keywords": list(res.keywords),
        "hasPart": [{"@id": crate_id(p)} for p in parts],
    }
    if others:
        root["contributor"] = [{"@id": f"#{m.id}"} for m in others]
    if res.theme:
        root["about"] = res.theme
    if published.edition == "team":
        root["conditionsOfAccess"] = TEAM_WARNING
    graph.append(root)
    for spdx, lic in sorted(licences.items()):
        graph.append(
            {"@id": lic.url, "@type": "CreativeWork", "identifier": spdx, "name": lic.name}
        )
    organisations: dict[str, str] = {}
    for member in res.team:
        person: dict[str, Any] = {"@id": f"#{member.id}", "@type": "Person", "name": member.name}
        if member.discipline:
            person["jobTitle"] = member.discipline
        if member.organisation:
            org_id = f"#org-{len(organisations) + 1}"
            org_id = organisations.setdefault(member.organisation, org_id)
            person["affiliation"] = {"@id": org_id}
        graph.append(person)
    for name, org_id in organisations.items():
        graph.append({"@id": org_id, "@type": "Organization", "name": name})
    graph.append({"@id": "#host", "@type": "Organization", "name": res.host})
    place: dict[str, Any] = {"@id": "#site", "@type": "Place", "name": res.site}
    if res.territory:
        place["address"] = res.territory
    graph.append(place)
    for path in parts:
        entity: dict[str, Any] = {
            "@id": crate_id(path),
            "@type": "File",
            "encodingFormat": media_type(path),
            "contentSize": str(len(payload.files[path])),
        }
        if path in payload.names:
            entity["name"] = payload.names[path]
        if path in payload.licences:
            entity["license"] = {"@id": licences[payload.licences[path]].url}
        entity.update(insights.get(path, {}))
        graph.append(entity)
    crate = {"@context": f"https://w3id.org/ro/crate/{RO_CRATE_VERSION}/context", "@graph": graph}
    return (json.dumps(crate, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _insight_parts(published: Published, payload: Payload) -> dict[str, dict[str, Any]]:
    """Return what the crate says of each insight's file: {payload path: properties}.

    An insight file is a creative work of its own: its name (the finding), its description
    (the statement, as plain text), its tags as keywords, and the journal entries and
    prototypes it rests on as citations (their files in the same crate). Made from the
    edition archived: a public edition holds no team insight, and its evidence cites only
    public entries (the gate).
    """
    from residence.render.markdown import to_plain_text
    from residence.serialize import source_path

    language = published.residence.language if published.residence else "fr"
    entries = {entry_stem(e): source_path(e) for e in published.entries}
    prototypes = {p.id: source_path(p) for p in published.prototypes}
    found: dict[str, dict[str, Any]] = {}
    for insight in published.insights:
        path = f"{SOURCES}/{source_path(insight)}"
        if path not in payload.files:
            continue
        citations: list[str] = []
        for evidence in insight.evidence:
            if evidence.entry is not None:
                cited = entries.get(evidence.entry)
            else:
                cited = prototypes.get(evidence.prototype or "")
            if cited is None:
                continue
            target = f"{SOURCES}/{cited}"
            if target in payload.files and target not in citations:
                citations.append(target)
        entity: dict[str, Any] = {
            "name": insight.title,
            "description": to_plain_text(insight.statement, lang=language).strip(),
        }
        if insight.tags:
            entity["keywords"] = list(insight.tags)
        if citations:
            entity["citation"] = [{"@id": crate_id(c)} for c in citations]
        found[path] = entity
    return found
