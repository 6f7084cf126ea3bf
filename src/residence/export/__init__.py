# SPDX-License-Identifier: EUPL-1.2
"""`residence export`: the journal, its codes and its insights for the tools researchers use.

- ``qdpx``: a REFI-QDA project (:mod:`residence.export.qdpx`) for QualCoder, NVivo,
  ATLAS.ti and MAXQDA — DIR/_build/<edition>/<id>.qdpx;
- ``iramuteq``: a corpus for IRaMuTeQ (:mod:`residence.export.iramuteq`) —
  DIR/_build/<edition>/corpus-iramuteq.txt;
- ``csv``: tidy tables for a spreadsheet (:mod:`residence.export.tables`) —
  DIR/_build/<edition>/csv/.

Like every public output, each is made from what the privacy gate returns
(:func:`residence.gate.select_edition`), never from the raw residency: the public edition
(the default) holds no team-only entry, quote or insight, no consent record, and people who
did not agree to be named appear under their pseudonym. A residency with errors is refused
(:class:`residence.pipeline.Refused`, command "export"): nothing is written.

:func:`export` is the command's core (the command line prints what it returns).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from residence.errors import Problem
from residence.i18n import messages
from residence.pipeline import (
    BUILD_FOLDER,
    Notices,
    changing,
    default_out,
    load_valid,
    residency_folder,
    usage_error,
)

if TYPE_CHECKING:
    from residence.models import Published

_ = messages("export")

#: What `residence export` makes.
ExportFormat = Literal["qdpx", "iramuteq", "csv"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)

__all__ = ["EXPORT_FORMATS", "ExportFormat", "Exported", "export", "export_time"]


@dataclass
class Exported:
    """What `residence export` wrote."""

    notices: Notices
    edition: str
    format: str
    written: list[Path] = field(default_factory=list)
    entries: int = 0  # journal entries in the edition (texts of the corpus, sources…)
    quotes: int = 0
    insights: int = 0
    sources: int = 0  # qdpx: text sources (entries, prototypes and tests cited)
    codes: int = 0  # qdpx: codes (tags, quotes, insights)
    selections: int = 0  # qdpx: coded selections
    rows: dict[str, int] = field(default_factory=dict)  # csv: rows by file name


def export_time(published: Published) -> dt.datetime:
    """Return the date an export carries (zip dates, the project's creation date).

    SOURCE_DATE_EPOCH when set (residence.clock), else the last day the residency speaks
    of — its last entry, week, test or follow-up — at midnight UTC: so that exporting the
    same residency twice gives the same bytes, whenever it is done.
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        from residence.clock import build_time

        return build_time()
    days = [e.date for e in published.entries]
    days += [t.date for p in published.prototypes for t in p.tests]
    if published.residence is not None:
        days += [w.end for w in published.residence.weeks]
        days += [f.date for f in published.residence.follow_ups]
    day = max(days, default=dt.date(1980, 1, 1))
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def export(
    folder: Path,
    fmt: str,
    *,
    edition: Literal["public", "team"] = "public",
    out: Path | None = None,
    excel: bool = False,
) -> Exported:
    """Export a residency in one format (see the module's docstring) and say what was written.

    Raises a usage error (exit 2) for an unknown format or an --out that cannot be written,
    and Refused (exit 1) for a residency with errors.
    """
    from residence.gate import select_edition

    residency_folder(folder)
    if fmt not in EXPORT_FORMATS:
        raise usage_error(
            _(
                "unknown format '{format}': use {choices}",
                format=fmt,
                choices=", ".join(EXPORT_FORMATS),
            )
        )
    if excel and fmt != "csv":
        raise usage_error(_("--excel goes with csv only"))
    residency, problems = load_valid(folder, "export")
    published = select_edition(residency, edition)
    done = Exported(_notices(problems, edition), edition, fmt)
    done.entries = len(published.entries)
    done.quotes = sum(len(e.quotes) for e in published.entries)
    done.insights = len(published.insights)
    base = out if out is not None else default_out(folder, edition)
    try:
        if fmt == "qdpx":
            _write_qdpx(published, folder, base, out is None, done)
        elif fmt == "iramuteq":
            _write_corpus(published, folder, base, out is None, done)
        else:
            dest = base if out is not None else base / "csv"
            _write_tables(published, folder, dest, excel, done)
    except OSError as exc:
        where = Path(os.fsdecode(exc.filename)) if exc.filename else base
        raise usage_error(
            _("cannot write '{path}': {reason}", path=where, reason=exc.strerror or exc)
        ) from None
    return done


def _notices(problems: Sequence[Problem], edition: str) -> Notices:
    # Media left out by the gate do not concern exports, which hold no picture.
    return Notices(warnings=sum(p.severity == "warning" for p in problems), team=edition == "team")


def _file_path(folder: Path, base: Path, default: bool, name: str) -> Path:
    """Return the file to write: ``name`` in the edition's folder or in an --out folder,
    else the --out path itself (never among the residency's files)."""
    dest = base / name if default or base.is_dir() else base
    _outside_sources(folder, dest)
    return dest


def _outside_sources(folder: Path, dest: Path) -> None:
    """Refuse a destination inside the residency folder but outside its _build/ folder:
    an export never writes over the team's files, nor among them (a corpus in journal/)."""
    try:
        root = folder.resolve()
        # The file itself is replaced by a rename, never written through a link: where it
        # lands is its folder, links followed, and its name.
        where = dest.parent.resolve() / dest.name
    except (OSError, RuntimeError):
        return
    if where == root or (
        where.is_relative_to(root) and not where.is_relative_to(root / BUILD_FOLDER)
    ):
        raise usage_error(
            _(
                "--out '{dest}' is inside the residency folder '{folder}': an export is "
                "written outside it, or in its {build} folder",
                dest=dest,
                folder=folder,
                build=BUILD_FOLDER,
            )
        )


def _write_qdpx(
    published: Published, folder: Path, base: Path, default: bool, done: Exported
) -> None:
    from residence.export.qdpx import make_qdpx
    from residence.fsutil import write_atomic

    rid = published.residence.id if published.residence is not None else "residency"
    dest = _file_path(folder, base, default, f"{rid}.qdpx")
    project = make_qdpx(published, export_time(published))
    changing()
    write_atomic(dest, project.data)
    done.written = [dest]
    done.sources, done.codes = project.sources, project.codes
    done.selections = project.selections


def _write_corpus(
    published: Published, folder: Path, base: Path, default: bool, done: Exported
) -> None:
    from residence.export.iramuteq import NAME, make_corpus
    from residence.fsutil import write_atomic
    from residence.render.band import marked_name

    dest = _file_path(folder, base, default, marked_name(NAME, published))
    corpus = make_corpus(published)
    if not published.entries:
        done.notices.problems.append(
            Problem(
                dest.name,
                None,
                None,
                "warning",
                "empty-corpus",
                _(
                    "the corpus is empty: the edition has no journal entry (IRaMuTeQ needs "
                    "at least one text)"
                ),
            )
        )
    changing()
    write_atomic(dest, corpus.text)
    done.written = [dest]


def _write_tables(
    published: Published, folder: Path, dest: Path, excel: bool, done: Exported
) -> None:
    from residence.export.tables import NAMES, make_tables
    from residence.fsutil import replace_folder
    from residence.render.band import band_text
    from residence.text import slugify

    if dest.exists() and not dest.is_dir():
        raise usage_error(_("--out '{dest}' is a file, not a folder", dest=dest))
    _outside_sources(folder, dest)
    ours = set(NAMES)
    for language in ("fr", "en"):
        band = slugify(band_text(language))
        ours |= {n.replace(".csv", f"-{band}.csv") for n in NAMES}
    if dest.is_dir():
        foreign = sorted(p.name for p in dest.iterdir() if p.name not in ours)
        if foreign:
            raise usage_error(
                _(
                    "'{dest}' holds files residence export did not write ({first}…): "
                    "choose another --out folder",
                    dest=dest,
                    first=foreign[0],
                )
            )
    tables = make_tables(published, excel=excel)
    changing()
    with replace_folder(dest) as staging:  # a table of the last export never stays behind
        for name, text in tables.files.items():
            (staging / name).write_text(text, encoding="utf-8", newline="")
    done.written = [dest / name for name in tables.files]
    done.rows = dict(tables.rows)
