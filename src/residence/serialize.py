"""Models -> YAML files: write a (published) residency back as the folder a team would keep.

The archive and the catalogue never copy a team's raw files into a public edition: they
write the residency that came out of ``select_edition`` back to YAML, so that what was
dropped (team-only entries and quotes, private/ consent records) or pseudonymised (names of
people without a public consent) is gone from the sources too. The files read back with
``load_residency`` into the same models. The YAML is ``yamltext.dump_yaml``'s, the style of
machine-written copies.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from residence.layout import CONSENT_SCOPES
from residence.models import Entry, Insight, Method, Model, Prototype, Published, Scenario
from residence.models.residency import source_of
from residence.text import slugify
from residence.yamltext import dump_yaml

#: The first lines of every file written here (REUSE-style licence tag included).
# REUSE-IgnoreStart
HEADER = (
    "# {edition} edition written by residence from the team's files: edit those, not this copy.\n"
    "# SPDX-License-Identifier: {license}\n"
)
# REUSE-IgnoreEnd


def model_data(item: Model) -> dict[str, Any]:
    """Return the YAML keys of one model: no empty values, no defaults, aliases as keys."""
    data: dict[str, Any] = _prune(
        item.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    )
    return data


def _prune(value: Any) -> Any:
    """Drop empty lists and mappings, which the loader reads as 'not given' anyway."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ([], {}, None)}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _insert_after(data: dict[str, Any], key: str, extra: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` with ``extra`` placed right after ``key`` (order as in FORMAT.md)."""
    result: dict[str, Any] = {}
    for k, v in data.items():
        if k not in extra:
            result[k] = v
        if k == key:
            result.update(extra)
    for k, v in extra.items():
        result.setdefault(k, v)
    return result


def _path_for(item: Model, folder: str, stem: str) -> str:
    """Return the item's own file path, or ``folder/stem.yaml`` if it was not read from one."""
    source = source_of(item)
    if source and PurePosixPath(source).parts[:1] == (folder,) and ".." not in source:
        return source
    return f"{folder}/{stem}.yaml"


def _entry_stem(entry: Entry) -> str:
    return f"{entry.date.isoformat()}-{slugify(entry.title) or 'entry'}"


def source_path(item: Entry | Prototype | Insight) -> str:
    """Return the residency-relative path ``serialize_residency`` writes an item to."""
    if isinstance(item, Entry):
        return _path_for(item, "journal", _entry_stem(item))
    folder = "prototypes" if isinstance(item, Prototype) else "insights"
    return _path_for(item, folder, item.id)


def serialize_residency(residency: Published) -> dict[str, bytes]:
    """Return the YAML files of a residency as {relative path: UTF-8 bytes}, sorted by path.

    A public edition (the gate has left out team-only entries and quotes) yields no
    ``private/``: consent records are written only for the team edition.
    """
    public = residency.edition != "team"
    edition = "Public" if public else "Team"
    licence = residency.residence.license if residency.residence else "CC-BY-SA-4.0"
    files: dict[str, str] = {}

    def put(path: str, data: Any, license: str | None = None) -> None:
        if path in files:  # two items claim one file name: keep both, never overwrite
            base = path.removesuffix(".yaml")
            n = 2
            while f"{base}-{n}.yaml" in files:
                n += 1
            path = f"{base}-{n}.yaml"
        header = HEADER.format(edition=edition, license=license or licence)
        files[path] = header + dump_yaml(data)

    if residency.residence is not None:
        # The language and the licence are written even when they are the defaults: an
        # archive should say under which terms it may be reused without relying on them.
        main = model_data(residency.residence)
        extra = {"language": residency.residence.language, "license": licence}
        put("residence.yaml", _insert_after(main, "question", extra))
    if residency.actors or residency.relations:
        actors: dict[str, Any] = {}
        if residency.actors:
            actors["actors"] = [model_data(a) for a in residency.actors]
        if residency.relations:
            actors["relations"] = [model_data(r) for r in residency.relations]
        put("actors.yaml", actors)
    for entry in residency.entries:
        data = model_data(entry)
        put(_path_for(entry, "journal", _entry_stem(entry)), data)
    # An insight's evidence names entries by their journal file (entry_stem): the entries
    # are written to the files they were read from (renamed by the gate in a public
    # edition, the evidence with them), so the references still hold when read back.
    kinds: list[tuple[list[Prototype] | list[Scenario] | list[Method] | list[Insight], str]] = [
        (residency.prototypes, "prototypes"),
        (residency.scenarios, "scenarios"),
        (residency.methods, "methods"),
        (residency.insights, "insights"),
    ]
    for items, folder in kinds:
        for item in items:
            own = item.license if isinstance(item, Method) else None
            put(_path_for(item, folder, item.id), model_data(item), own)
    if not public and residency.consents:
        put("private/consent.yaml", {"consents": [model_data(c) for c in residency.consents]})
    if public and residency.scopes:
        put(CONSENT_SCOPES, {"scopes": dict(residency.scopes)})
    return {path: files[path].encode("utf-8") for path in sorted(files)}


def media_files(residency: Published) -> list[str]:
    """Return the residency-relative paths of every media file the residency refers to."""
    found: set[str] = set()
    if residency.residence is not None and residency.residence.cover:
        found.add(residency.residence.cover)
    for entry in residency.entries:
        found.update(m.file for m in entry.media)
    for proto in residency.prototypes:
        found.update(m.file for m in proto.media)
        for test in proto.tests:
            found.update(m.file for m in test.media)
    return sorted(PurePosixPath(f.replace("\\", "/")).as_posix() for f in found)
