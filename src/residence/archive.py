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

The same residency archived twice with the same ``SOURCE_DATE_EPOCH`` gives the same bytes:
entries are sorted, and timestamps and permissions are fixed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from residence import __version__
from residence.errors import Problem, ResidenceError
from residence.models import Media, Method, Prototype, Residency, Scenario
from residence.models.residency import source_of
from residence.serialize import media_files, serialize_residency

#: Checksum algorithms of the manifests, in the order they are written.
ALGORITHMS = ("sha256", "sha512")
#: Where the sources go inside the payload (``data/``).
SOURCES = "residency"
CRATE = "ro-crate-metadata.json"
RO_CRATE_VERSION = "1.1"
#: The bag-info.txt tag that says which edition a bag holds.
EDITION_TAG = "Residence-Edition"
#: Permissions and the earliest date a zip entry can hold (DOS time starts in 1980).
FILE_MODE = 0o100644
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
TEAM_WARNING = (
    "Team edition: holds private material (consent records, team-only notes, real names). "
    "Keep it inside the team; never publish it."
)

# -- dates -----------------------------------------------------------------------------------


def build_time() -> dt.datetime:
    """Return the time an archive is made: SOURCE_DATE_EPOCH when set (UTC), else now."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        seconds = int(value)
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ResidenceError(
            f"SOURCE_DATE_EPOCH='{value}' is not a date: it should be a whole number of "
            "seconds since 1970-01-01 (for example the output of: git log -1 --format=%ct)",
            usage=True,
        ) from None


# -- licences --------------------------------------------------------------------------------

_CC = {
    "CC-BY-SA-4.0": ("by-sa/4.0", "Creative Commons Attribution Share Alike 4.0 International"),
    "CC-BY-4.0": ("by/4.0", "Creative Commons Attribution 4.0 International"),
    "CC-BY-NC-SA-4.0": (
        "by-nc-sa/4.0",
        "Creative Commons Attribution Non Commercial Share Alike 4.0 International",
    ),
    "CC-BY-NC-4.0": ("by-nc/4.0", "Creative Commons Attribution Non Commercial 4.0 International"),
    "CC-BY-ND-4.0": ("by-nd/4.0", "Creative Commons Attribution No Derivatives 4.0 International"),
    "CC-BY-NC-ND-4.0": (
        "by-nc-nd/4.0",
        "Creative Commons Attribution Non Commercial No Derivatives 4.0 International",
    ),
    "CC-BY-SA-3.0": ("by-sa/3.0", "Creative Commons Attribution Share Alike 3.0 Unported"),
    "CC-BY-3.0": ("by/3.0", "Creative Commons Attribution 3.0 Unported"),
}
_OTHER_LICENCES = {
    "CC0-1.0": (
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "Creative Commons Zero v1.0 Universal",
    ),
    "etalab-2.0": (
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "Etalab Open License 2.0",
    ),
    "ODbL-1.0": (
        "https://opendatacommons.org/licenses/odbl/1-0/",
        "Open Data Commons Open Database License v1.0",
    ),
    "EUPL-1.2": (
        "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
        "European Union Public License 1.2",
    ),
    "LiLiQ-R-1.1": (
        "https://forge.gouv.qc.ca/licence/fr/liliq-v1-1/",
        "Licence Libre du Québec \u2013 Réciprocité version 1.1",
    ),
}


@dataclass(frozen=True)
class Licence:
    """An open licence: its SPDX id, its canonical URL and its full name."""

    spdx: str
    url: str
    name: str


def licence(spdx: str) -> Licence:
    """Return the URL and name of a licence from its SPDX id (CC licences: their deed URL)."""
    if spdx in _CC:
        path, name = _CC[spdx]
        return Licence(spdx, f"https://creativecommons.org/licenses/{path}/", name)
    if spdx in _OTHER_LICENCES:
        url, name = _OTHER_LICENCES[spdx]
        return Licence(spdx, url, name)
    return Licence(spdx, f"https://spdx.org/licenses/{quote(spdx)}.html", spdx)


# -- the payload -----------------------------------------------------------------------------

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
}


def media_type(path: str) -> str:
    """Return the media type (MIME) of a file from its suffix."""
    return MEDIA_TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


@dataclass
class Payload:
    """What goes under ``data/``: files by path, plus what the crate says about some of them."""

    files: dict[str, bytes]
    names: dict[str, str]  # path -> a human name (an entry's title, "Report")
    licences: dict[str, str]  # path -> SPDX id, where it differs from the residency's
    problems: list[Problem]  # warnings met on the way (a photo that could not be published)


def render_outputs(published: Residency) -> tuple[dict[str, bytes], list[Problem]]:
    """Return the rendered outputs an archive holds, as {payload path: bytes}, and warnings.

    This is the one place where renderers join an archive: each producer of
    ``OUTPUT_PRODUCERS`` takes the published residency and returns its files and warnings.
    """
    outputs: dict[str, bytes] = {}
    problems: list[Problem] = []
    for produce in OUTPUT_PRODUCERS:
        files, found = produce(published)
        for path, data in files.items():
            outputs[_safe_relative(path)] = data
        problems += found
    return outputs, problems


def report_files(published: Residency) -> tuple[dict[str, bytes], list[Problem]]:
    """Return report.html with its assets/, and report.pdf laid out from the same page.

    The PDF is the archival variant (PDF/A-3u, with the published sources attached).
    """
    from residence.render.html import render_html
    from residence.render.pdf import render_pdf

    report = render_html(published)
    files = {"report.html": report.html.encode("utf-8")}
    for path, content in report.assets.items():
        files[path] = content if isinstance(content, bytes) else content.read_bytes()
    with tempfile.TemporaryDirectory(prefix="residence-archive-") as out:
        pdf = render_pdf(report, published, out=Path(out), variant="pdf/a-3u")
    files["report.pdf"] = pdf.data
    return files, [*report.problems, *pdf.problems]


def method_sheets(published: Residency) -> tuple[dict[str, bytes], list[Problem]]:
    """Return the open method sheets: methods/<id>.pdf, .html, .md and the booklet."""
    from residence.render.methods import render_methods

    if not published.methods:
        return {}, []
    with tempfile.TemporaryDirectory(prefix="residence-archive-") as out:
        rendered = render_methods(published, out=Path(out))
        files = {
            path: content if isinstance(content, bytes) else content.read_bytes()
            for path, content in rendered.files.items()
        }
    return files, list(rendered.problems)


#: The renderers whose outputs an archive holds, in order; each returns (files, warnings).
OUTPUT_PRODUCERS: list[Callable[[Residency], tuple[dict[str, bytes], list[Problem]]]] = [
    report_files,
    method_sheets,
]


def _safe_relative(path: str) -> str:
    """Return a payload path in POSIX form; refuse one that could leave the folder."""
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or ":" in pure.parts[0]:
        raise ValueError(f"unsafe output path: {path!r}")
    return pure.as_posix()


def gather_payload(published: Residency, outputs: dict[str, bytes]) -> Payload:
    """Return the payload of an archive (without the crate) for a published residency."""
    files: dict[str, bytes] = {}
    names: dict[str, str] = {}
    licences: dict[str, str] = {}
    problems: list[Problem] = []
    if published.edition == "team":
        sources = _team_sources(published.root)
        residency = published
    else:
        media, renamed, problems = _public_media(published)
        residency = _with_media(published, renamed)
        sources = {**serialize_residency(residency), **media, **_licence_texts(published.root)}
    for path, data in sources.items():
        files[f"{SOURCES}/{path}"] = data
    for path, data in outputs.items():
        files[_safe_relative(path)] = data
    res = residency.residence
    default = res.license if res else "CC-BY-SA-4.0"
    for entry in residency.entries:
        names[f"{SOURCES}/{source_of(entry) or ''}"] = entry.title
    titled: list[Prototype | Scenario | Method] = [
        *residency.prototypes,
        *residency.scenarios,
        *residency.methods,
    ]
    for item in titled:
        names[f"{SOURCES}/{source_of(item) or ''}"] = item.title
    for method in residency.methods:
        if method.license and method.license != default:
            licences[f"{SOURCES}/{source_of(method)}"] = method.license
            # The sheet made from it carries the same licence.
            for suffix in ("pdf", "html", "md"):
                licences[f"methods/{method.id}.{suffix}"] = method.license
        for suffix in ("pdf", "html", "md"):
            names[f"methods/{method.id}.{suffix}"] = method.title
    if res is not None:
        names[f"{SOURCES}/{source_of(res) or 'residence.yaml'}"] = res.title
    if "report.html" in files:
        names["report.html"] = res.title if res else "Report"
    if "report.pdf" in files:
        names["report.pdf"] = res.title if res else "Report"
    for path in files:
        if path.startswith(f"{SOURCES}/LICENSES/"):
            stem = PurePosixPath(path).stem
            names[path] = f"Licence text: {stem}"
    names = {p: n for p, n in names.items() if p in files}
    licences = {p: spdx for p, spdx in licences.items() if p in files}
    return Payload(files, names, licences, problems)


def _public_media(
    published: Residency,
) -> tuple[dict[str, bytes], dict[str, str | None], list[Problem]]:
    """Return the published copies of the media a public edition still refers to.

    Photos come out upright, resized and stripped of their metadata (EXIF, GPS) by the same
    code as the report's; a photo re-encoded to another format gets the matching suffix. The
    mapping says which path each media file now has (None: left out, with a warning).
    """
    from residence.render.images import prepare_media

    wanted = media_files(published)
    prepared = prepare_media(published.root, wanted)
    files: dict[str, bytes] = {}
    renamed: dict[str, str | None] = {}
    taken: set[str] = set()
    for source in wanted:
        asset = prepared.assets.get(source)
        if asset is None:
            renamed[source] = None
            continue
        content = asset.content if isinstance(asset.content, bytes) else asset.content.read_bytes()
        path = PurePosixPath(source)
        suffix = PurePosixPath(asset.href).suffix
        if suffix and suffix.lower() != path.suffix.lower():
            path = path.with_suffix(suffix)
            n = 2
            while path.as_posix() in taken or path.as_posix() in wanted:
                path = path.with_name(f"{PurePosixPath(source).stem}-{n}{suffix}")
                n += 1
        target = path.as_posix()
        taken.add(target)
        files[target] = content
        renamed[source] = target
    return files, renamed, list(prepared.problems)


def _with_media(residency: Residency, renamed: dict[str, str | None]) -> Residency:
    """Return a copy of the residency whose media paths follow ``renamed`` (None: dropped)."""
    if all(old == new for old, new in renamed.items()):
        return residency
    from dataclasses import replace

    def fix(items: list[Media]) -> list[Media]:
        kept = []
        for item in items:
            new = renamed.get(item.file, item.file)
            if new is not None:
                kept.append(item if new == item.file else item.model_copy(update={"file": new}))
        return kept

    def copy(item: Any, **update: Any) -> Any:
        clone = item.model_copy(update=update)
        clone._source = source_of(item)
        return clone

    entries = [copy(e, media=fix(e.media)) for e in residency.entries]
    prototypes = [
        copy(
            p,
            media=fix(p.media),
            tests=[t.model_copy(update={"media": fix(t.media)}) for t in p.tests],
        )
        for p in residency.prototypes
    ]
    res = residency.residence
    if res is not None and res.cover and res.cover in renamed:
        res = copy(res, cover=renamed[res.cover])
    return replace(residency, residence=res, entries=entries, prototypes=prototypes)


def _skipped(name: str) -> bool:
    return name.startswith((".", "~", "#", "_")) or name.endswith(("~", ".swp", ".tmp"))


def _regular_files(root: Path, folder: str) -> Iterable[str]:
    """Yield the relative paths of the regular files under root/folder that stay inside root."""
    base = root / folder
    if not base.is_dir() or base.is_symlink():
        return
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(
            d for d in dirnames if not _skipped(d) and not (Path(dirpath) / d).is_symlink()
        )
        for name in sorted(filenames):
            full = Path(dirpath) / name
            if _skipped(name) or full.is_symlink() or not full.is_file():
                continue
            try:
                full.resolve().relative_to(real_root)
            except ValueError:
                continue
            yield full.relative_to(root).as_posix()


def _licence_texts(root: Path) -> dict[str, bytes]:
    """Return the licence texts of the folder (LICENSES/*.txt): public by nature."""
    return {
        rel: (root / rel).read_bytes()
        for rel in _regular_files(root, "LICENSES")
        if rel.endswith(".txt")
    }


def _team_sources(root: Path) -> dict[str, bytes]:
    """Return the team's own files as they are: YAML, media/, private/, LICENSES/, REUSE.toml."""
    paths: set[str] = set()
    for folder in ("journal", "prototypes", "scenarios", "methods", "media", "private", "LICENSES"):
        paths.update(_regular_files(root, folder))
    for name in (
        "residence.yaml",
        "residence.yml",
        "actors.yaml",
        "actors.yml",
        "REUSE.toml",
        "README.md",
        "README.txt",
    ):
        full = root / name
        if full.is_file() and not full.is_symlink():
            paths.add(name)
    return {rel: (root / rel).read_bytes() for rel in sorted(paths)}


# -- the crate -------------------------------------------------------------------------------


def _crate_id(path: str) -> str:
    """Return the crate id of a payload file: its path, percent-encoded as a URI reference."""
    return quote(path, safe="/-._~")


def _weeks(published: Residency) -> list[str]:
    res = published.residence
    return [f"{w.start.isoformat()}/{w.end.isoformat()}" for w in res.weeks] if res else []


def _span(published: Residency) -> str | None:
    res = published.residence
    if res is None or not res.weeks:
        return None
    start = min(w.start for w in res.weeks)
    end = max(w.end for w in res.weeks)
    return f"{start.isoformat()}/{end.isoformat()}"


def _plain(text: str | None, language: str) -> str:
    from residence.render.markdown import to_plain_text

    return to_plain_text(text, lang=language).strip()


def build_crate(published: Residency, payload: Payload, when: dt.datetime) -> bytes:
    """Return ``ro-crate-metadata.json`` (RO-Crate 1.1) describing every payload file."""
    res = published.residence
    if res is None:
        raise ResidenceError("residence.yaml is missing: there is nothing to archive")
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
    licences = {main.spdx: main}
    for spdx in payload.licences.values():
        licences.setdefault(spdx, licence(spdx))
    parts = sorted(payload.files)
    root: dict[str, Any] = {
        "@id": "./",
        "@type": "Dataset",
        "identifier": res.id,
        "name": res.title,
        "description": _plain(res.question, res.language),
        "datePublished": when.date().isoformat(),
        "inLanguage": res.language,
        "license": {"@id": main.url},
        "author": [{"@id": f"#{m.id}"} for m in authors],
        "publisher": {"@id": "#host"},
        "contentLocation": {"@id": "#site"},
        "temporalCoverage": _weeks(published),
        "keywords": list(res.keywords),
        "hasPart": [{"@id": _crate_id(p)} for p in parts],
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
            "@id": _crate_id(path),
            "@type": "File",
            "encodingFormat": media_type(path),
            "contentSize": str(len(payload.files[path])),
        }
        if path in payload.names:
            entity["name"] = payload.names[path]
        if path in payload.licences:
            entity["license"] = {"@id": licences[payload.licences[path]].url}
        graph.append(entity)
    crate = {"@context": f"https://w3id.org/ro/crate/{RO_CRATE_VERSION}/context", "@graph": graph}
    return (json.dumps(crate, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -- the bag ---------------------------------------------------------------------------------


def _encode_manifest_path(path: str) -> str:
    """Percent-encode the characters a manifest line cannot hold (RFC 8493, section 2.1.3)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _fold(name: str, value: str) -> str:
    """Return one tag line, folded at 79 characters with indented continuation lines."""
    words = " ".join(value.split()).split(" ")
    lines: list[str] = []
    line = f"{name}:"
    for word in words:
        if len(line) + 1 + len(word) > 79 and line.strip() and not line.endswith(":"):
            lines.append(line)
            line = "  " + word
        else:
            line = f"{line} {word}"
    lines.append(line)
    return "\n".join(lines) + "\n"


def _human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    raise AssertionError("unreachable")


def bag_info(published: Residency, files: dict[str, bytes], when: dt.datetime) -> dict[str, str]:
    """Return the bag-info.txt tags of a bag (Payload-Oxum included), in the written order."""
    res = published.residence
    assert res is not None
    total = sum(len(data) for data in files.values())
    question = _plain(res.question, res.language)
    info = {
        "Source-Organization": res.host,
        "External-Identifier": res.id,
        "External-Description": f"{res.title}. {question}",
        "Bagging-Date": when.date().isoformat(),
        "Bag-Software-Agent": f"residence {__version__}",
        "Payload-Oxum": f"{total}.{len(files)}",
        "Bag-Size": _human_size(total),
        EDITION_TAG: published.edition if published.edition == "team" else "public",
    }
    if published.edition == "team":
        info["Internal-Sender-Description"] = TEAM_WARNING
    return info


def bag_files(published: Residency, payload: Payload, when: dt.datetime) -> dict[str, bytes]:
    """Return every file of the bag, tag files and ``data/...``, as {path: bytes}."""
    data = dict(payload.files)
    data[CRATE] = build_crate(published, payload, when)
    files = {f"data/{path}": content for path, content in data.items()}
    bag: dict[str, bytes] = {
        "bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    }
    info = bag_info(published, files, when)
    bag["bag-info.txt"] = "".join(_fold(k, v) for k, v in info.items()).encode("utf-8")
    for alg in ALGORITHMS:
        lines = [
            f"{hashlib.new(alg, files[path]).hexdigest()}  {_encode_manifest_path(path)}\n"
            for path in sorted(files)
        ]
        bag[f"manifest-{alg}.txt"] = "".join(lines).encode("utf-8")
    tags = sorted(bag)
    for alg in ALGORITHMS:
        lines = [f"{hashlib.new(alg, bag[t]).hexdigest()}  {t}\n" for t in tags]
        bag[f"tagmanifest-{alg}.txt"] = "".join(lines).encode("utf-8")
    bag.update(files)
    return bag


def _zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    moment = max(when, ZIP_EPOCH)
    return (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second - moment.second % 2,
    )


def write_zip(dest: Path, top: str, files: dict[str, bytes], when: dt.datetime) -> int:
    """Write ``files`` under ``top/`` into a reproducible zip at ``dest``; return its size.

    Entries are sorted, with one fixed time and mode; the file is written next to ``dest``
    and renamed, so an interrupted run never leaves half an archive.
    """
    stamp = _zip_time(when)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(files):
                    info = zipfile.ZipInfo(f"{top}/{path}", date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.create_system = 3  # Unix, so that the mode below is read
                    info.external_attr = FILE_MODE << 16
                    archive.writestr(info, files[path], compresslevel=9)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return dest.stat().st_size


@dataclass(frozen=True)
class ArchiveSummary:
    """What ``write_archive`` made."""

    path: Path
    edition: str
    files: int  # payload files, the crate included
    payload_bytes: int
    size: int  # bytes of the zip
    problems: list[Problem]  # warnings (a photo left out, say)


def write_archive(
    dest: Path,
    published: Residency,
    outputs: dict[str, bytes],
    *,
    when: dt.datetime | None = None,
) -> ArchiveSummary:
    """Write the archive of a published residency (public or team edition) to ``dest``.

    ``published`` comes from ``select_edition``; ``outputs`` from ``render_outputs``.
    """
    if published.edition not in {"public", "team"}:
        raise ValueError("write_archive takes the result of select_edition")
    if published.residence is None:
        raise ResidenceError("residence.yaml is missing: there is nothing to archive")
    when = when or build_time()
    payload = gather_payload(published, outputs)
    files = bag_files(published, payload, when)
    top = published.residence.id + ("-team" if published.edition == "team" else "")
    size = write_zip(dest, top, files, when)
    data = [p for p in files if p.startswith("data/")]
    return ArchiveSummary(
        dest,
        published.edition,
        len(data),
        sum(len(files[p]) for p in data),
        size,
        payload.problems,
    )


def default_archive_path(folder: Path, residency: Residency, edition: str) -> Path:
    """Return where an archive goes by default: DIR/_build/<id>.zip (<id>-team.zip)."""
    ident = residency.residence.id if residency.residence else "residency"
    suffix = "-team" if edition == "team" else ""
    return folder / "_build" / f"{ident}{suffix}.zip"


# -- deposit metadata (Zenodo / InvenioRDM, DataCite) ----------------------------------------

_ISO_639_3 = {"fr": "fra", "en": "eng"}
_CONTRIBUTOR_TYPES = {"coordinator": "ProjectManager", "guest": "Other"}


def _split_name(name: str) -> tuple[str, str]:
    """Return (given name, family name): the first word, then the rest ("Jean de La Fontaine")."""
    parts = name.split()
    if len(parts) < 2:
        return "", name.strip()
    return parts[0], " ".join(parts[1:])


def zenodo_metadata(published: Residency, when: dt.datetime) -> dict[str, Any]:
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


def datacite_record(published: Residency, when: dt.datetime) -> dict[str, Any]:
    """Return a DataCite 4.x record (the JSON attributes of the DataCite REST API)."""
    res = published.residence
    if res is None or published.edition != "public":
        raise ValueError("deposit metadata is only made for a public edition")
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
        "descriptions": [
            {"description": _plain(res.question, lang), "descriptionType": "Abstract", "lang": lang}
        ],
        "geoLocations": [{"geoLocationPlace": place}],
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }
    if not record["subjects"]:
        del record["subjects"]
    return record


def write_deposit_metadata(
    dest: Path, published: Residency, when: dt.datetime
) -> tuple[Path, Path]:
    """Write <archive>.zenodo.json and <archive>.datacite.json next to the archive ``dest``."""
    from residence.fsutil import write_atomic

    base = dest.with_suffix("")
    zenodo = base.with_name(base.name + ".zenodo.json")
    datacite = base.with_name(base.name + ".datacite.json")
    for path, value in (
        (zenodo, zenodo_metadata(published, when)),
        (datacite, datacite_record(published, when)),
    ):
        write_atomic(path, json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    return zenodo, datacite
