# SPDX-License-Identifier: EUPL-1.2
"""What an archive holds under ``data/``: the rendered outputs and the residency's sources.

A public edition's sources are the published models written back to YAML (``serialize.py``),
the published copies of the media they still refer to and the licence texts; never the
team's raw files. A team edition holds the team's files as they are, ``private/`` included.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from residence.errors import Problem
from residence.layout import LICENSES_FOLDER, files_under, source_files
from residence.models import Media, Method, Prototype, Published, Scenario
from residence.models.residency import source_of
from residence.serialize import media_files, serialize_residency

#: Where the sources go inside the payload (``data/``).
SOURCES = "residency"
TEAM_WARNING = (
    "Team edition: holds private material (consent records, team-only notes, real names). "
    "Keep it inside the team; never publish it."
)


@dataclass
class Payload:
    """What goes under ``data/``: files by path, plus what the crate says about some of them."""

    files: dict[str, bytes]
    names: dict[str, str]  # path -> a human name (an entry's title, "Report")
    licences: dict[str, str]  # path -> SPDX id, where it differs from the residency's
    problems: list[Problem]  # warnings met on the way (a photo that could not be published)


# -- rendered outputs ------------------------------------------------------------------------


def render_outputs(
    published: Published, *, office: bool = False
) -> tuple[dict[str, bytes], list[Problem]]:
    """Return the rendered outputs an archive holds, as {payload path: bytes}, and warnings.

    This is the one place where renderers join an archive: each producer of
    ``OUTPUT_PRODUCERS`` takes the published residency and returns its files and warnings;
    ``office`` adds the report as report.docx and report.odt (``archive --office``).
    """
    outputs: dict[str, bytes] = {}
    problems: list[Problem] = []
    for produce in [*OUTPUT_PRODUCERS, *([office_files] if office else [])]:
        files, found = produce(published)
        for path, data in files.items():
            outputs[_safe_relative(path)] = data
        problems += found
    return outputs, problems


#: The folder the archived PDF is laid out from. render_pdf writes nothing there (it reads
#: the assets from memory), but WeasyPrint names each photo after its URL: a fixed folder, not
#: a new temporary one, keeps the PDF of a report with photos the same from run to run.
PDF_BASE = Path("/residence-archive")


def report_files(published: Published) -> tuple[dict[str, bytes], list[Problem]]:
    """Return report.html with its assets/, and report.pdf laid out from the same page.

    The PDF is the archival variant (PDF/A-3u, with the published sources attached).
    """
    from residence.render.html import render_html
    from residence.render.pdf import render_pdf

    report = render_html(published)
    files = {"report.html": report.html.encode("utf-8")}
    for path, content in report.assets.items():
        files[path] = content if isinstance(content, bytes) else content.read_bytes()
    pdf = render_pdf(report, published, out=PDF_BASE, variant="pdf/a-3u")
    files["report.pdf"] = pdf.data
    return files, [*report.problems, *pdf.problems]


def office_files(published: Published) -> tuple[dict[str, bytes], list[Problem]]:
    """Return the report as report.docx and report.odt (pandoc), dated by the build time."""
    from residence.clock import build_time
    from residence.render.html import render_html
    from residence.render.office import render_office

    report = render_html(published)
    office = render_office(report, published, when=build_time())
    files = {f"report.{to}": data for to, data in office.documents.items()}
    return files, list(office.problems)


def method_sheets(published: Published) -> tuple[dict[str, bytes], list[Problem]]:
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
OUTPUT_PRODUCERS: list[Callable[[Published], tuple[dict[str, bytes], list[Problem]]]] = [
    report_files,
    method_sheets,
]


def _safe_relative(path: str) -> str:
    """Return a payload path in POSIX form; refuse one that could leave the folder."""
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or ":" in pure.parts[0]:
        raise ValueError(f"unsafe output path: {path!r}")
    return pure.as_posix()


# -- the payload -----------------------------------------------------------------------------


def gather_payload(published: Published, outputs: dict[str, bytes]) -> Payload:
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
        if path.startswith(f"{SOURCES}/{LICENSES_FOLDER}/"):
            stem = PurePosixPath(path).stem
            names[path] = f"Licence text: {stem}"
    names = {p: n for p, n in names.items() if p in files}
    licences = {p: spdx for p, spdx in licences.items() if p in files}
    return Payload(files, names, licences, problems)


def _public_media(
    published: Published,
) -> tuple[dict[str, bytes], dict[str, str | None], list[Problem]]:
    """Return the published copies of the media a public edition still refers to.

    The same code as the report's makes them (``prepare_media``, which reads each file
    through ``media_bytes``: the drawings and PDFs the privacy gate cleaned, never their
    source): photos come out upright, resized and stripped of their metadata (EXIF, GPS); a
    photo re-encoded to another format gets the matching suffix. The mapping says which path
    each media file now has (None: left out, with a warning).
    """
    from residence.render.images import prepare_media

    wanted = media_files(published)
    prepared = prepare_media(published, wanted)
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


def _with_media(residency: Published, renamed: dict[str, str | None]) -> Published:
    """Return a copy of the residency whose media paths follow ``renamed`` (None: dropped)."""
    if all(old == new for old, new in renamed.items()):
        return residency

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


# -- the team's own files --------------------------------------------------------------------


def _licence_texts(root: Path) -> dict[str, bytes]:
    """Return the licence texts of the folder (LICENSES/*.txt): public by nature."""
    return {
        rel: (root / rel).read_bytes()
        for rel in files_under(root, LICENSES_FOLDER)
        if rel.endswith(".txt")
    }


def _team_sources(root: Path) -> dict[str, bytes]:
    """Return the team's own files as they are: YAML, media/, private/, LICENSES/, REUSE.toml."""
    return {rel: (root / rel).read_bytes() for rel in source_files(root)}
