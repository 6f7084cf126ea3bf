# SPDX-License-Identifier: EUPL-1.2
"""Deposit metadata of a public archive: a Zenodo (InvenioRDM) record and a DataCite record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from residence.fsutil import write_atomic
from residence.licences import licence
from residence.models import Published

_ISO_639_3 = {"fr": "fra", "en": "eng"}
_CONTRIBUTOR_TYPES = {"coordinator": "ProjectManager", "guest": "Other"}


def _split_name(name: str) -> tuple[str, str]:
    """Return (given name, family name): the first word, then the rest ("Jean de La Fontaine")."""
    parts = name.split()
    if len(parts) < 2:
        return "", name.strip()
    return parts[0], " ".join(parts[1:])


def _span(published: Published) -> str | None:
    """Return the weeks of immersion as one ISO 8601 interval, first day/last day."""
    res = published.residence
    if res is None or not res.weeks:
        return None
    start = min(w.start for w in res.weeks)
    end = max(w.end for w in res.weeks)
    return f"{start.isoformat()}/{end.isoformat()}"


def zenodo_metadata(published: Published, when: dt.datetime) -> dict[str, Any]:
    """Return an InvenioRDM (Zenodo) deposit: access, files and metadata of the record.

    Keywords go to ``subjects`` (``{"subject": ...}``), their InvenioRDM name.
    """
    res = published.residence
    if res is None or published.edition != "public":
        raise ValueError("deposit metadata is only made for a public edition")
    from residence.render.markdown import render_markdown

    creators = []
    contributors = []
    for member in res.team:
        given, family = _split_name(member.name)
        person: dict[str, Any] = {"type": "personal", "family_name": family}
        if given:
            person["given_name"] = given
        entry: dict[str, Any] = {"person_or_org": person}
        if member.organisation:
            entry["affiliations"] = [{"name": member.organisation}]
        if member.role in {"resident", "agent"}:
            creators.append(entry)
        else:
            kind = _CONTRIBUTOR_TYPES.get(member.role, "Other").lower()
            contributors.append({**entry, "role": {"id": kind}})
    contributors.append(
        {"person_or_org": {"type": "organizational", "name": res.host}, "role": {"id": "sponsor"}}
    )
    place: dict[str, Any] = {"place": res.site}
    if res.territory:
        place["description"] = res.territory
    metadata: dict[str, Any] = {
        "resource_type": {"id": "dataset"},
        "title": res.title,
        "publication_date": when.date().isoformat(),
        "creators": creators,
        "contributors": contributors,
        "description": str(render_markdown(res.question, lang=res.language)),
        "rights": [{"id": res.license.lower()}],
        "subjects": [{"subject": k} for k in res.keywords],
        "languages": [{"id": _ISO_639_3.get(res.language, res.language)}],
        "locations": {"features": [place]},
        "publisher": res.host,
        "identifiers": [{"identifier": res.id, "scheme": "other"}],
    }
    span = _span(published)
    if span:
        metadata["dates"] = [
            {"date": span, "type": {"id": "collected"}, "description": "Weeks of immersion"}
        ]
    if not metadata["subjects"]:
        del metadata["subjects"]
    return {
        "access": {"record": "public", "files": "public"},
        "files": {"enabled": True},
        "metadata": metadata,
    }


def datacite_record(published: Published, when: dt.datetime) -> dict[str, Any]:
    """Return a DataCite 4.x record (the JSON attributes of the DataCite REST API)."""
    res = published.residence
    if res is None or published.edition != "public":
        raise ValueError("deposit metadata is only made for a public edition")
    from residence.render.markdown import to_plain_text

    lang = res.language
    creators = []
    contributors = []
    for member in res.team:
        given, family = _split_name(member.name)
        person: dict[str, Any] = {
            "name": f"{family}, {given}" if given else family,
            "nameType": "Personal",
            "familyName": family,
        }
        if given:
            person["givenName"] = given
        if member.organisation:
            person["affiliation"] = [{"name": member.organisation}]
        if member.role in {"resident", "agent"}:
            creators.append(person)
        else:
            contributors.append(
                {**person, "contributorType": _CONTRIBUTOR_TYPES.get(member.role, "Other")}
            )
    contributors.append(
        {"name": res.host, "nameType": "Organizational", "contributorType": "Sponsor"}
    )
    lic = licence(res.license)
    dates = [{"date": when.date().isoformat(), "dateType": "Issued"}]
    span = _span(published)
    if span:
        dates.insert(0, {"date": span, "dateType": "Collected"})
    place = ", ".join(p for p in (res.site, res.territory) if p)
    abstract = to_plain_text(res.question, lang=lang).strip()
    record: dict[str, Any] = {
        "types": {
            "resourceTypeGeneral": "Dataset",
            "resourceType": "Public-innovation residency archive",
        },
        "creators": creators,
        "contributors": contributors,
        "titles": [{"title": res.title, "lang": lang}],
        "publisher": {"name": res.host, "lang": lang},
        "publicationYear": str(when.year),
        "subjects": [{"subject": k, "lang": lang} for k in res.keywords],
        "dates": dates,
        "language": lang,
        "alternateIdentifiers": [
            {"alternateIdentifier": res.id, "alternateIdentifierType": "residence id"}
        ],
        "formats": ["application/zip"],
        "rightsList": [
            {
                "rights": lic.name,
                "rightsUri": lic.url,
                "rightsIdentifier": lic.spdx.lower(),
                "rightsIdentifierScheme": "SPDX",
                "schemeUri": "https://spdx.org/licenses/",
                "lang": "en",
            }
        ],
        "descriptions": [{"description": abstract, "descriptionType": "Abstract", "lang": lang}],
        "geoLocations": [{"geoLocationPlace": place}],
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }
    if not record["subjects"]:
        del record["subjects"]
    return record


def write_deposit_metadata(
    dest: Path, published: Published, when: dt.datetime
) -> tuple[Path, Path]:
    """Write <archive>.zenodo.json and <archive>.datacite.json next to the archive ``dest``."""
    base = dest.with_suffix("")
    zenodo = base.with_name(base.name + ".zenodo.json")
    datacite = base.with_name(base.name + ".datacite.json")
    for path, value in (
        (zenodo, zenodo_metadata(published, when)),
        (datacite, datacite_record(published, when)),
    ):
        write_atomic(path, json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    return zenodo, datacite
