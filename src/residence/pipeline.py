# SPDX-License-Identifier: EUPL-1.2
"""What each command does, step by step, without printing: the core under the command line.

A function here checks what it was given, loads and checks the residency, makes the
outputs in their order and writes them, then returns what happened (paths, counts, what to
mention) for the command line to word and print. Work that cannot go on raises
ResidenceError: ``usage=True`` for a misused command (exit 2), else the problems (exit 1);
``Refused`` names the command that refused a residency with errors. Heavy modules are
imported inside the functions, so that importing this one stays cheap.

A function marks the moment it starts to change files (:func:`changing`): until then, a
Ctrl-C leaves everything as it was, and the command line says so (:func:`has_changed`).
The messages of its errors are in the user's language (the ``messages`` catalogue).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from residence.errors import Problem, ResidenceError, has_errors, sort_problems
from residence.i18n import messages

if TYPE_CHECKING:
    from residence.add import Plan
    from residence.archive import Verification
    from residence.gate import Edition
    from residence.models import Published, Residency
    from residence.status import Status

#: How a command prints its result (--format): text for people, json for scripts.
OutputFormat = Literal["text", "json"]
#: What `residence render` makes (--to).
ReportFormat = Literal["html", "pdf", "docx", "odt"]
#: What `residence map` makes (--to).
MapFormat = Literal["svg", "graphml", "csv"]
#: The PDF variants of the report (--pdf-variant): accessible, or for archives.
PdfVariant = Literal["pdf/ua-1", "pdf/a-3u"]


_ = messages("messages")

REPORT_FORMATS: tuple[str, ...] = get_args(ReportFormat)
MAP_FORMATS: tuple[str, ...] = get_args(MapFormat)

#: (what is being done, fraction done from 0 to 1)
Progress = Callable[[str, float], None]
#: Opens a progress display for a label; it gives the callback, or None (nothing shown).
ProgressDisplay = Callable[[str], AbstractContextManager[Progress | None]]


def no_progress(label: str) -> AbstractContextManager[Progress | None]:
    """Show no progress (the default of every function that can report some)."""
    return nullcontext(None)


class Refused(ResidenceError):
    """A command refused to make anything: ``problems`` say why, ``command`` says which."""

    def __init__(self, problems: Sequence[Problem] | str, command: str) -> None:
        super().__init__(problems)
        self.command = command  # render, methods, map, archive, add


class DraftKept(ResidenceError):
    """The editor could not be used; the draft it was to open is kept at ``draft``."""

    def __init__(self, problems: Sequence[Problem] | str, draft: Path, *, usage: bool) -> None:
        super().__init__(problems, usage=usage)
        self.draft = draft


def usage_error(message: str) -> ResidenceError:
    """Return the error of a misused command (exit 2)."""
    return ResidenceError(message, usage=True)


#: Whether the running command has started to change files (see changing()).
_CHANGED: ContextVar[bool] = ContextVar("residence_changed", default=False)


def changing() -> None:
    """Mark that the running command starts to change files (outputs, the team's files, a
    catalogue). Each change is whole or not made (residence.fsutil); after this mark, an
    interrupted command may have made some of its changes and not others."""
    _CHANGED.set(True)


def has_changed() -> bool:
    """Return whether the running command has started to change files."""
    return _CHANGED.get()


def forget_changes() -> None:
    """Start a new command: nothing changed yet."""
    _CHANGED.set(False)


@contextmanager
def _os_errors(what: str) -> Iterator[None]:
    """Turn an OSError into a usage error: "<what>: <reason>"."""
    try:
        yield
    except OSError as exc:
        raise usage_error(_("{what}: {reason}", what=what, reason=exc.strerror or exc)) from None


def _os_reason(exc: OSError, folder: Path) -> str:
    """Return why a file could not be read or written, and which: "Permission denied:
    'actors.yaml'" (relative to the residency; a temporary file is named by its folder)."""
    reason = exc.strerror or str(exc)
    if not exc.filename:
        return reason
    path = Path(os.fsdecode(exc.filename))
    if path.name.startswith(".") and path.name.endswith(".tmp"):
        path = path.parent  # the temporary file of an atomic write: its folder says where
    try:
        shown = path.resolve().relative_to(folder.resolve()).as_posix()
    except (OSError, ValueError):
        shown = str(path)
    return reason if shown == "." else _("{reason}: '{file}'", reason=reason, file=shown)


def _add_refused(exc: OSError, folder: Path) -> list[Problem]:
    message = _("cannot add to '{folder}': {reason}", folder=folder, reason=_os_reason(exc, folder))
    return [Problem("", None, None, "error", "os-error", message)]


# -- the residency -----------------------------------------------------------------------


def residency_folder(folder: Path) -> Path:
    """Return ``folder`` if it can be a residency folder; a usage error if not."""
    if not folder.exists():
        raise usage_error(_("no folder '{folder}'", folder=folder))
    if not folder.is_dir():
        raise usage_error(_("'{folder}' is a file, not a residency folder", folder=folder))
    return folder


def load_checked(folder: Path) -> tuple[Residency, list[Problem]]:
    """Load a residency and check it; return it with its problems, sorted."""
    from residence.check import load_and_check

    return load_and_check(folder)


def load_valid(
    folder: Path, command: str, *, errors_only: bool = False
) -> tuple[Residency, list[Problem]]:
    """Load and check a residency; raise Refused if it has errors (only those with
    ``errors_only``). Return the residency and its problems (warnings only, then).
    """
    residency, problems = load_checked(folder)
    if has_errors(problems):
        shown = [p for p in problems if p.severity == "error"] if errors_only else problems
        raise Refused(shown, command)
    return residency, problems


def parse_formats(to: str, allowed: Sequence[str]) -> list[str]:
    """Return the formats of a comma-separated --to value; a usage error on an unknown one."""
    choices = ", ".join(allowed)
    formats = [part.strip().lower() for part in to.split(",") if part.strip()]
    if not formats:
        raise usage_error(_("--to needs a format: {choices}", choices=choices))
    for name in formats:
        if name not in allowed:
            raise usage_error(
                _(
                    "--to {name}: unknown format; use {choices} or a list like {first},{second}",
                    name=name,
                    choices=choices,
                    first=allowed[0],
                    second=allowed[1],
                )
            )
    return formats


#: The folder of a residency that holds its outputs; each edition has its own inside.
BUILD_FOLDER = "_build"


def default_out(folder: Path, edition: Edition) -> Path:
    """Return where an edition's outputs go without --out: DIR/_build/public or
    DIR/_build/team, so that a team render never replaces what may be published."""
    return folder / BUILD_FOLDER / edition


def out_folder(out: Path | None, folder: Path, edition: Edition) -> Path:
    """Return the output folder (default: the edition's, see default_out); a usage error
    when it is a file."""
    dest = out if out is not None else default_out(folder, edition)
    if dest.exists() and not dest.is_dir():
        raise usage_error(_("--out '{dest}' is a file, not a folder", dest=dest))
    return dest


@dataclass
class Notices:
    """What a command mentions beside its outputs."""

    problems: list[Problem] = field(default_factory=list)  # met making the outputs
    warnings: int = 0  # the residency's own warnings: "see residence check"
    team: bool = False  # the team edition: private material, never to publish
    left_out: list[str] = field(default_factory=list)  # what the gate left out, in words


def _notices(
    problems: Sequence[Problem],
    residency_problems: Sequence[Problem],
    edition: str,
    published: Published | None = None,
) -> Notices:
    return Notices(
        sort_problems(problems),
        sum(p.severity == "warning" for p in residency_problems),
        edition == "team",
        list(published.left_out) if published is not None else [],
    )


# -- check and status --------------------------------------------------------------------


@dataclass
class CheckReport:
    """What `residence check` found: the problems and how many files were read."""

    problems: list[Problem]
    files: int

    @property
    def errors(self) -> int:
        """How many problems are errors."""
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        """How many problems are warnings."""
        return len(self.problems) - self.errors


def check(folder: Path, *, strict: bool = False) -> CheckReport:
    """Check a residency folder; with ``strict``, warnings become errors, and the starter
    text `residence new` left to replace (the example team, "À remplacer…") is one too."""
    from residence.check import strict as make_strict
    from residence.scaffold import placeholder_problems

    residency_folder(folder)
    residency, problems = load_checked(folder)
    if strict:
        problems = make_strict(sort_problems([*problems, *placeholder_problems(folder)]))
    return CheckReport(problems, len(residency.files))


def status(folder: Path) -> Status:
    """Return the figures of `residence status`; a usage error for a non-residency folder."""
    from residence.check import check_residency
    from residence.load import load_residency
    from residence.status import compute_status

    residency_folder(folder)
    residency, problems = load_residency(folder)
    if residency.residence is None and not any(
        (folder / f"residence{s}").is_file() for s in (".yaml", ".yml")
    ):
        raise usage_error(
            _("'{folder}' is not a residency folder (there is no residence.yaml)", folder=folder)
        )
    problems = sort_problems([*problems, *check_residency(residency)])
    return compute_status(residency, problems)


# -- render, methods, map ----------------------------------------------------------------


@dataclass
class Rendered:
    """What `residence render` wrote."""

    notices: Notices
    edition: str
    dest: Path
    page: Path | None = None  # report.html, if made
    assets: int = 0
    pdf: Path | None = None  # report.pdf, if made
    pages: int = 0
    size: int = 0  # of the PDF, in bytes
    office: list[tuple[Path, int]] = field(default_factory=list)  # report.docx/.odt, bytes


def render(
    folder: Path,
    to: str,
    *,
    edition: Edition,
    out: Path | None,
    variant: PdfVariant,
    progress: ProgressDisplay = no_progress,
) -> Rendered:
    """Render the report of a residency: report.html with its assets, report.pdf, .docx, .odt."""
    from residence.clock import build_time
    from residence.gate import select_edition
    from residence.render.html import check_output, render_html, write_report

    residency_folder(folder)
    formats = parse_formats(to, REPORT_FORMATS)
    dest = out if out is not None else default_out(folder, edition)
    problem = check_output(dest)
    if problem:
        raise usage_error(problem)
    residency, problems = load_valid(folder, "render")
    result = Rendered(Notices(), edition, dest)
    pdf_problems: list[Problem] = []
    with _os_errors(_("cannot write into '{dest}'", dest=dest)):
        published = select_edition(residency, edition)
        report = render_html(published)
        pdf = None
        if "pdf" in formats:
            from residence.render.pdf import render_pdf

            when = build_time()
            with progress("report.pdf") as update:
                pdf = render_pdf(
                    report, published, out=dest, variant=variant, when=when, progress=update
                )
            pdf_problems = pdf.problems
        office = None
        if {"docx", "odt"} & set(formats):
            from residence.render.office import render_office

            with progress(", ".join(f"report.{f}" for f in formats if f in ("docx", "odt"))):
                office = render_office(report, published, formats, when=build_time())
            pdf_problems = [*pdf_problems, *office.problems]
        changing()
        if "html" in formats:
            result.page = write_report(report, dest)
            result.assets = len(report.assets)
        if pdf is not None:
            from residence.fsutil import write_atomic

            write_atomic(dest / "report.pdf", pdf.data)
            result.pdf, result.pages, result.size = dest / "report.pdf", pdf.pages, len(pdf.data)
        for to, data in office.documents.items() if office is not None else ():
            from residence.fsutil import write_atomic as write_office

            write_office(dest / f"report.{to}", data)
            result.office.append((dest / f"report.{to}", len(data)))
    result.notices = _notices([*report.problems, *pdf_problems], problems, edition, published)
    return result


@dataclass
class Sheets:
    """What `residence methods` wrote (nothing when the residency has no sheet at all)."""

    notices: Notices
    dest: Path
    found: bool = False  # the residency has method sheets
    methods: int = 0  # sheets in the edition
    formats: list[str] = field(default_factory=list)  # in the order of render.methods.FORMATS
    written: list[Path] = field(default_factory=list)  # the sheets, not their assets


def methods(
    folder: Path,
    to: str,
    *,
    edition: Edition,
    out: Path | None,
    progress: ProgressDisplay = no_progress,
) -> Sheets:
    """Export every method sheet of a residency (pdf, html, md and the booklet)."""
    from residence.clock import build_time
    from residence.gate import select_edition
    from residence.render.methods import FORMATS, render_methods, write_methods

    residency_folder(folder)
    formats = parse_formats(to, FORMATS)
    dest = out_folder(out, folder, edition)
    residency, _warnings = load_valid(folder, "methods")
    result = Sheets(Notices(team=edition == "team"), dest)
    if not residency.methods:
        return result
    with _os_errors(_("cannot write into '{dest}'", dest=dest)):
        published = select_edition(residency, edition)
        with progress(_("methods")) as update:
            sheets = render_methods(
                published, formats=formats, out=dest, when=build_time(), progress=update
            )
        changing()
        written = write_methods(sheets, dest)
    result.notices.problems = sort_problems(sheets.problems)
    result.found = True
    result.methods = len(published.methods)
    result.formats = [f for f in FORMATS if f in formats]
    result.written = [p for p in written if "assets" not in p.relative_to(dest).parts]
    return result


@dataclass
class Drawn:
    """What `residence map` wrote."""

    notices: Notices
    edition: str
    written: list[Path]
    actors: int
    relations: int


def actor_map(folder: Path, to: str, *, edition: Edition, out: Path | None) -> Drawn:
    """Draw the actor map and the matrix (svg) and export the actors (graphml, csv)."""
    from residence.fsutil import write_atomic
    from residence.gate import select_edition
    from residence.i18n import translator
    from residence.render.actormap import (
        kumu_csv_names,
        render_actor_map_svg,
        render_matrix_svg,
        to_graphml,
        to_kumu_csv,
    )

    residency_folder(folder)
    formats = parse_formats(to, MAP_FORMATS)
    dest = out_folder(out, folder, edition)
    residency, problems = load_valid(folder, "map")
    published = select_edition(residency, edition)
    t = translator(published.language, "report")
    files: dict[str, str] = {}
    if "svg" in formats:
        files["actor-map.svg"] = render_actor_map_svg(published, t)
        files["actor-matrix.svg"] = render_matrix_svg(published, t)
    if "graphml" in formats:
        files["actor-map.graphml"] = to_graphml(published)
    if "csv" in formats:
        elements, connections = to_kumu_csv(published, t)
        elements_name, connections_name = kumu_csv_names(published)  # a team's carry the band
        files[elements_name] = elements
        files[connections_name] = connections
    changing()
    with _os_errors(_("cannot write into '{dest}'", dest=dest)):
        for name, text in files.items():
            write_atomic(dest / name, text)
    return Drawn(
        _notices([], problems, edition, published),
        edition,
        [dest / name for name in files],
        len(published.actors),
        len(published.relations),
    )


# -- archive and verify ------------------------------------------------------------------


@dataclass
class Archived:
    """What `residence archive` wrote."""

    notices: Notices
    edition: str
    dest: Path
    deposit: list[Path]  # the Zenodo and DataCite records, with --zenodo
    files: int
    size: int  # bytes


def archive(
    folder: Path, *, out: Path | None, edition: Edition, zenodo: bool, office: bool = False
) -> Archived:
    """Package a residency as a BagIt zip with RO-Crate metadata (and deposit records);
    ``office``: with the report as report.docx and report.odt too."""
    from residence.archive import (
        default_archive_path,
        render_outputs,
        write_archive,
        write_deposit_metadata,
    )
    from residence.clock import build_time
    from residence.gate import select_edition

    residency_folder(folder)
    if zenodo and edition == "team":
        raise usage_error(
            _("--zenodo makes a public deposit: it cannot be used with --edition team")
        )
    residency, problems = load_valid(folder, "archive", errors_only=True)
    dest = out or default_archive_path(folder, residency, edition)
    if dest.is_dir():
        raise usage_error(
            _("--out '{dest}' is a folder: give the path of the zip to write", dest=dest)
        )
    with _os_errors(_("cannot write '{dest}'", dest=dest)):
        when = build_time()
        published = select_edition(residency, edition)
        outputs, rendered = render_outputs(published, office=office)
        changing()
        summary = write_archive(dest, published, outputs, when=when)
        deposit = write_deposit_metadata(dest, published, when) if zenodo else ()
    return Archived(
        _notices([*rendered, *summary.problems], problems, edition, published),
        edition,
        dest,
        list(deposit),
        summary.files,
        summary.size,
    )


def verify(path: Path) -> Verification:
    """Check an archive (a zip or a bag folder); return its Verification.

    An archive that cannot be opened is an error about the archive itself (exit 1).
    """
    from residence.archive import verify_archive

    if not path.exists():
        raise usage_error(_("no file or folder '{path}'", path=path))
    with _os_errors(_("cannot read '{path}'", path=path)):
        try:
            return verify_archive(path)
        except ResidenceError as exc:
            raise ResidenceError(
                [Problem(path.name, None, None, "error", p.code, p.message) for p in exc.problems]
            ) from None


# -- schema ------------------------------------------------------------------------------


def write_schemas(out: Path) -> list[Path]:
    """Write one JSON Schema per file kind into ``out``; return the files written."""
    from residence.fsutil import write_atomic
    from residence.schema import build_schemas

    if out.exists() and not out.is_dir():
        raise usage_error(_("'{out}' is a file, not a folder", out=out))
    written = []
    schemas = build_schemas()
    changing()
    with _os_errors(_("cannot write into '{dest}'", dest=out)):
        for name, text in schemas.items():
            write_atomic(out / name, text)
            written.append(out / name)
    return written


# -- add ---------------------------------------------------------------------------------


@dataclass
class Draft:
    """An item being written in a text editor, as a draft file in the residency."""

    folder: Path
    kind: str
    path: Path
    template: str | None  # the text it started from; None: resumed with --draft
    edit: bool = True  # open the editor on it (before each attempt)
    reference: str | None = None  # what "left as it was" and template comments compare to

    def __post_init__(self) -> None:
        if self.reference is None:
            self.reference = self.template


@dataclass
class Attempt:
    """What finishing a draft gave: the item added, its problems, or an abandoned draft."""

    plan: Plan | None = None
    problems: list[Problem] = field(default_factory=list)
    abandoned: str | None = None  # "empty" or "unchanged"


def start_add(
    folder: Path, kind: str, values: dict[str, Any], *, edit: bool | None, draft: Path | None
) -> Plan | Draft:
    """Add one item from option values: write it and return its plan, or return the draft
    to finish in the editor (a missing field or text, --edit, or --draft).

    Raises Refused (command "add") when the values are invalid: nothing is written.
    """
    residency_folder(folder)
    try:
        return _start_add(folder, kind, values, edit=edit, draft=draft)
    except OSError as exc:  # a read-only folder, a full disk, a file it may not read
        raise Refused(_add_refused(exc, folder), "add") from None


def _start_add(
    folder: Path, kind: str, values: dict[str, Any], *, edit: bool | None, draft: Path | None
) -> Plan | Draft:
    from residence import add as core

    ctx = core.load_context(folder)
    if draft is not None:
        return Draft(folder, kind, core.draft_path(ctx, draft), None, edit=edit is not False)
    values = core.given_values(values)
    text_key = core.KINDS[kind].text
    if text_key and values.get(text_key) == "-":
        values[text_key] = sys.stdin.read()
    data, origins = core.build_item(ctx, kind, values, author=os.environ.get("RESIDENCE_AUTHOR"))
    problems = core.check_values(ctx, kind, data, origins)
    if has_errors(problems):
        raise Refused(problems, "add")
    use_editor = edit
    if use_editor is None:
        has_editor = any(os.environ.get(v, "").strip() for v in ("EDITOR", "VISUAL"))
        use_editor = core.needs_editor(kind, data) and (has_editor or core.is_interactive())
    if not use_editor:
        try:
            plan = core.plan_from_data(ctx, kind, data)
            changing()
            core.write_plan(plan)
        except ResidenceError as exc:
            raise Refused(exc.problems, "add") from None
        return plan
    template = core.render_template(ctx, kind, data)
    return Draft(folder, kind, core.start_draft(folder, kind, template), template)


def editor_command(draft: Draft) -> list[str]:
    """Return the editor to open the draft with; DraftKept if there is none."""
    from residence.add import editor_command as find_editor

    try:
        return find_editor()
    except ResidenceError as exc:
        raise DraftKept(exc.problems, draft.path, usage=True) from None


def finish_draft(draft: Draft) -> Attempt:
    """Check a draft as edited and add its item; the draft is removed unless it is invalid.

    Raises DraftKept when a file cannot be read or written (the draft stays).
    """
    try:
        return _finish_draft(draft)
    except OSError as exc:
        raise DraftKept(_add_refused(exc, draft.folder), draft.path, usage=False) from None


def _finish_draft(draft: Draft) -> Attempt:
    from residence import add as core

    ctx = core.load_context(draft.folder)
    if draft.reference is None:  # a resumed draft is cleaned with a fresh template
        draft.reference = core.render_template(ctx, draft.kind, {})
    try:
        plan = core.plan_from_draft(
            ctx,
            draft.kind,
            draft.path,
            draft.reference,
            abandon_unchanged=draft.template is not None,
        )
        changing()
        core.write_plan(plan)
    except core.DraftAbandoned as exc:
        draft.path.unlink(missing_ok=True)
        return Attempt(abandoned=exc.reason)
    except ResidenceError as exc:
        return Attempt(problems=list(exc.problems))
    draft.path.unlink(missing_ok=True)
    return Attempt(plan=plan)
