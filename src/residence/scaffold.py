"""`residence new`: a complete starter residency, commented for the people who fill it in.

Every YAML file is rendered from a Jinja2 template of ``templates/scaffold/<language>/``.
The templates hold the example content; the comments that explain each field come from
the models' descriptions (``{{ doc("Entry", "kind") }}``), translated through the
``fields`` catalogue, so that the comments, the format reference and the JSON Schemas
never disagree.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel

from residence.docgen import all_models, field_doc, model_doc
from residence.errors import Problem, ResidenceError
from residence.fsutil import write_atomic
from residence.i18n import messages, translator
from residence.layout import YAML_SUFFIXES, source_files
from residence.load import NON_PRINTABLE
from residence.resources import templates_dir
from residence.schema import SCHEMA_FILES, build_schemas
from residence.text import slugify
from residence.vocabulary import Programme
from residence.yamltext import comment, double_quoted, scalar

_ = messages("problems")

LANGUAGES = ("fr", "en")
PROGRAMMES: tuple[str, ...] = typing.get_args(Programme)
LICENSE = "CC-BY-SA-4.0"

#: Weeks between the first days of two immersion weeks: one week every two months, so that
#: three weeks spread over four to five months, as in Territoires en résidences.
WEEK_SPACING = 8
#: Days on site in one week: Monday to Friday when week 1 starts on a Monday.
DAYS_ON_SITE = 5
MAX_WEEKS = 60
MAX_ID_LENGTH = 60

#: What each week is for: the first, the ones in the middle, the last; and a single week
#: (translated in the ``add`` catalogue).
_FOCUS = ("Meet and analyse", "Prototype and test", "Hand over", "Meet, prototype and hand over")


@dataclass(frozen=True)
class _Names:
    """The ids and file names of the example items, in one language."""

    entry: str
    prototype: str
    scenario: str
    method: str
    insight: str
    sketch: str
    team: tuple[str, ...]  # names of the example members, the copyright holders


_NAMES = {
    "fr": _Names(
        entry="premiere-matinee",
        prototype="plan-accueil",
        scenario="premiere-demarche",
        method="observation-flottante",
        insight="trouver-son-chemin",
        sketch="croquis-accueil.png",
        team=("Alex Exemple", "Sam Exemple"),
    ),
    "en": _Names(
        entry="first-morning",
        prototype="welcome-map",
        scenario="first-errand",
        method="floating-observation",
        insight="finding-the-way",
        sketch="welcome-sketch.png",
        team=("Alex Example", "Sam Example"),
    ),
}

#: The labels that follow each field's comment (translated in the ``fields`` catalogue).
REQUIRED = "Required."
REQUIRED_ONE = "Required, at least one."
OPTIONAL = "Optional."
OPTIONAL_DEFAULT = "Optional; default: {default}."
LABELS = (REQUIRED, REQUIRED_ONE, OPTIONAL, OPTIONAL_DEFAULT)


# -- the templates -----------------------------------------------------------------------


@cache
def _models() -> dict[str, type[BaseModel]]:
    """Return every model of the format by class name, as templates name them."""
    return {model.__name__: model for model in all_models()}


def describe_field(model: str, key: str, language: str) -> str:
    """Return the translated description of a field, with whether it is required."""
    doc = field_doc(_models()[model], key)
    tr = translator(language, "fields")
    if doc.required:
        label = tr.gettext(REQUIRED_ONE if doc.min_items else REQUIRED)
    elif doc.default is not None:
        label = tr.gettext(OPTIONAL_DEFAULT, default=doc.default)
    else:
        label = tr.gettext(OPTIONAL)
    text = tr.gettext(doc.description)
    if not doc.required:  # the label says it already
        text = text.replace(" (optional)", "").replace("(optional, ", "(")
    return f"{text} {label}"


def describe_model(model: str, language: str) -> str:
    """Return the translated docstring of a model."""
    return translator(language, "fields").gettext(model_doc(_models()[model]))


@cache
def scaffold_environment(language: str) -> Any:
    """Return the Jinja2 environment of the scaffold templates of one language.

    Templates get two functions, ``doc(model, key, indent=0, prefix=None)`` (a field's
    comment) and ``about(model, indent=0, prefix=None)`` (a model's comment), see comment();
    and two filters, ``q`` (a double-quoted YAML string, a TOML one too) and ``plain`` (a
    value, quoted only when a reader could mistake it), both from ``residence.yamltext``.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / "scaffold"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # YAML, TOML and Markdown, never HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["doc"] = lambda model, key, indent=0, prefix=None: comment(
        describe_field(model, key, language), indent, prefix
    )
    env.globals["about"] = lambda model, indent=0, prefix=None: comment(
        describe_model(model, language), indent, prefix
    )
    env.filters["q"] = double_quoted
    env.filters["plain"] = scalar
    return env


# -- the residency -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Week:
    number: int
    start: dt.date
    end: dt.date
    focus: str


def next_monday(today: dt.date) -> dt.date:
    """Return the first Monday after today."""
    return today + dt.timedelta(days=7 - today.weekday())


def plan_weeks(
    start: dt.date, count: int, language: str, starts: Sequence[dt.date] = ()
) -> list[_Week]:
    """Return ``count`` weeks of five days, WEEK_SPACING weeks apart, each with a focus;
    or, when ``starts`` is given, one week beginning on each of those days."""
    tr = translator(language, "add")
    first, middle, last, single = (tr.gettext(focus) for focus in _FOCUS)
    weeks = []
    if starts:
        count = len(starts)
    for i in range(count):
        begin = starts[i] if starts else start + dt.timedelta(weeks=WEEK_SPACING * i)
        if count == 1:
            focus = single
        else:
            focus = first if i == 0 else last if i == count - 1 else middle
        weeks.append(_Week(i + 1, begin, begin + dt.timedelta(days=DAYS_ON_SITE - 1), focus))
    return weeks


def residency_id(title: str) -> str:
    """Return the id of a residency from its title: a slug of at most MAX_ID_LENGTH."""
    return slugify(title)[:MAX_ID_LENGTH].strip("-") or "residence"


def clean_title(title: str) -> str:
    """Return the title on one line, or raise a usage error if it is empty or unreadable."""
    clean = " ".join(title.split())
    if not clean:
        raise ResidenceError(_("the title is empty: name the residency with --title"), usage=True)
    if NON_PRINTABLE.search(clean):
        raise ResidenceError(
            _("the title contains control characters: write it in plain text"), usage=True
        )
    return clean


def schema_comment(rel: str, kind: str) -> str:
    """Return the comment that tells editors which JSON Schema checks the file at ``rel``."""
    depth = len(PurePosixPath(rel).parts) - 1
    target = "../" * depth + f"schemas/{SCHEMA_FILES[kind]}"
    return f"# yaml-language-server: $schema={target}"


def render_files(
    *,
    title: str,
    start: dt.date,
    weeks: int,
    language: str,
    programme: str,
    site: str | None = None,
    host: str | None = None,
    week_starts: Sequence[dt.date] = (),
) -> dict[str, bytes]:
    """Return {relative path: content} of a starter residency, in the order to write."""
    names = _NAMES[language]
    planned = plan_weeks(start, weeks, language, week_starts)
    week1 = planned[0]
    last = planned[-1]

    def day(offset: int) -> str:
        return (week1.start + dt.timedelta(days=offset)).isoformat()

    entry_stem = f"{week1.start.isoformat()}-{names.entry}"
    yaml_files = {
        "residence.yaml": ("residence", "residence.yaml.j2"),
        "actors.yaml": ("actors", "actors.yaml.j2"),
        f"journal/{entry_stem}.yaml": ("journal", "journal.yaml.j2"),
        f"prototypes/{names.prototype}.yaml": ("prototype", "prototype.yaml.j2"),
        f"scenarios/{names.scenario}.yaml": ("scenario", "scenario.yaml.j2"),
        f"methods/{names.method}.yaml": ("method", "method.yaml.j2"),
        f"insights/{names.insight}.yaml": ("insight", "insight.yaml.j2"),
        "private/consent.yaml": ("consent", "consent.yaml.j2"),
    }
    other_files = {
        "README.md": "README.md.j2",
        "REUSE.toml": "REUSE.toml.j2",
        ".gitignore": "gitignore.j2",
    }
    context: dict[str, Any] = {
        "title": title,
        "site": site,
        "host": host,
        "id": residency_id(title),
        "programme": programme,
        "language": language,
        "license": LICENSE,
        "weeks": planned,
        "day": day,
        "entry_stem": entry_stem,
        "names": names,
        "sketch": f"media/{names.sketch}",
        "year": week1.start.year,
        "handover_date": last.end.isoformat(),
        "follow_up_date": (last.start + dt.timedelta(weeks=26, days=1)).isoformat(),
    }
    env = scaffold_environment(language)
    files: dict[str, bytes] = {}
    for rel, (kind, template) in yaml_files.items():
        text = env.get_template(f"{language}/{template}").render(
            context, schema_comment=schema_comment(rel, kind)
        )
        files[rel] = text.encode("utf-8")
    for rel, template in other_files.items():
        files[rel] = env.get_template(f"{language}/{template}").render(context).encode("utf-8")
    files[f"media/{names.sketch}"] = draw_sketch()
    for name, text in build_schemas().items():
        files[f"schemas/{name}"] = text.encode("utf-8")
    licence = templates_dir() / "licenses" / f"{LICENSE}.txt"
    files[f"LICENSES/{LICENSE}.txt"] = licence.read_bytes()
    return files


def _clean_field(value: str | None, option: str) -> str | None:
    """Return a field given on the command line on one line (None when not given)."""
    if value is None:
        return None
    clean = " ".join(value.split())
    if not clean:
        return None
    if NON_PRINTABLE.search(clean):
        raise ResidenceError(
            _("{option} holds a character that cannot be printed", option=option), usage=True
        )
    return clean


def _check_week_starts(starts: Sequence[dt.date]) -> None:
    """Refuse weeks given out of order, or overlapping (each lasts DAYS_ON_SITE days)."""
    if len(starts) > MAX_WEEKS:
        raise ResidenceError(_("at most {n} weeks (--week)", n=MAX_WEEKS), usage=True)
    for before, after in itertools.pairwise(starts):
        if after <= before + dt.timedelta(days=DAYS_ON_SITE - 1):
            raise ResidenceError(
                _(
                    "--week {after} starts before the week of {before} ends: give the weeks in "
                    "order, each at least {days} days after the one before",
                    after=after.isoformat(),
                    before=before.isoformat(),
                    days=DAYS_ON_SITE,
                ),
                usage=True,
            )


#: What the starter files hold until the team replaces it (check --strict refuses them).
PLACEHOLDER_MARKS = ("À remplacer", "To replace")


def placeholder_problems(root: Path) -> list[Problem]:
    """Return a warning for each line of the starter files the team has not replaced yet:
    a text starting with "À remplacer"/"To replace", or the example members' names (in the
    YAML files and REUSE.toml). ``residence check --strict`` fails on them."""
    examples = [name for names in _NAMES.values() for name in names.team]
    found: list[Problem] = []
    candidates = [*source_files(root)]
    for rel in candidates:
        if not rel.endswith((*YAML_SUFFIXES, ".toml")) or rel.startswith(("media/", "LICENSES/")):
            continue
        try:
            lines = (root / rel).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, start=1):
            if line.lstrip().startswith("#"):
                continue
            mark = next((m for m in PLACEHOLDER_MARKS if m in line), None)
            name = next((n for n in examples if n in line), None)
            if mark is None and name is None:
                continue
            column = line.index(mark or name or "") + 1
            if name:
                message = _(
                    "'{name}' is an example name: replace it with your own (residence new "
                    "wrote it)",
                    name=name,
                )
            else:
                message = _(
                    "this is the starter text: replace it with your own (residence new wrote it)"
                )
            found.append(Problem(rel, number, column, "warning", "placeholder", message))
    return found


def _refuse_folder(folder: Path) -> None:
    """Raise a usage error unless the folder is missing or empty."""
    if folder.is_symlink() and not folder.exists():
        raise ResidenceError(
            _("'{folder}' is a broken link: choose another folder", folder=folder), usage=True
        )
    if not folder.exists():
        return
    if not folder.is_dir():
        raise ResidenceError(
            _(
                "'{folder}' is a file: give the name of a new folder (nothing was changed)",
                folder=folder,
            ),
            usage=True,
        )
    try:
        empty = next(folder.iterdir(), None) is None
    except OSError as exc:
        raise ResidenceError(
            _("cannot look inside '{folder}': {reason}", folder=folder, reason=exc.strerror or exc),
            usage=True,
        ) from None
    if not empty:
        raise ResidenceError(
            _(
                "'{folder}' already exists and is not empty: residence new only creates a new "
                "residency, in a new or empty folder (nothing was changed)",
                folder=folder,
            ),
            usage=True,
        )


def create_residency(
    folder: Path,
    *,
    title: str,
    start: dt.date | None = None,
    weeks: int = 3,
    language: str = "fr",
    programme: str = "territoires-en-residences",
    today: dt.date | None = None,
    site: str | None = None,
    host: str | None = None,
    week_starts: Sequence[dt.date] = (),
) -> list[Path]:
    """Create a starter residency in ``folder`` and return the files written.

    The folder must be missing or empty: otherwise a usage error is raised before anything
    is written. Week 1 starts on ``start`` (default: the Monday after ``today``); the other
    weeks follow every WEEK_SPACING weeks. Every file is new (never an overwrite), written
    atomically; if one write fails, the files and folders already created are removed.
    ``site`` and ``host`` fill those fields (else a marked placeholder stays to replace);
    ``week_starts`` gives each week's first day (else ``weeks`` weeks from ``start``).
    """
    title = clean_title(title)
    site = _clean_field(site, "--site")
    host = _clean_field(host, "--host")
    _check_week_starts(week_starts)
    if language not in LANGUAGES:
        raise ResidenceError(
            _("unknown language '{language}': choose fr or en", language=language), usage=True
        )
    if programme not in PROGRAMMES:
        raise ResidenceError(
            _(
                "unknown programme '{programme}': choose one of {choices}",
                programme=programme,
                choices=", ".join(PROGRAMMES),
            ),
            usage=True,
        )
    if not 1 <= weeks <= MAX_WEEKS:
        raise ResidenceError(_("--weeks must be between 1 and {n}", n=MAX_WEEKS), usage=True)
    folder = Path(folder)
    _refuse_folder(folder)
    first = start or next_monday(today or dt.date.today())
    files = render_files(
        title=title,
        start=first,
        weeks=weeks,
        language=language,
        programme=programme,
        site=site,
        host=host,
        week_starts=week_starts,
    )
    return _write_all(folder, files)


def _write_all(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file, all or nothing: on failure, remove what this call created."""
    made_dirs: list[Path] = []
    written: list[Path] = []
    try:
        folders = sorted({PurePosixPath(rel).parent for rel in files}, key=lambda p: len(p.parts))
        for missing in reversed([folder, *folder.parents]):
            if not missing.exists():
                missing.mkdir()
                made_dirs.append(missing)
        for sub in folders:
            path = folder / sub
            if not path.exists():
                path.mkdir()
                made_dirs.append(path)
        for rel, data in files.items():
            path = folder / rel
            write_atomic(path, data, exclusive=True)
            written.append(path)
    except BaseException as exc:
        _undo(written, made_dirs)
        if isinstance(exc, FileExistsError):
            raise ResidenceError(
                _(
                    "'{path}' appeared while the residency was being created: nothing was "
                    "left behind; try again in a new folder",
                    path=exc.filename or folder,
                ),
                usage=True,
            ) from None
        if isinstance(exc, OSError):
            where = exc.filename or folder
            raise ResidenceError(
                _(
                    "cannot write '{path}': {reason} (nothing was left behind)",
                    path=where,
                    reason=exc.strerror or exc,
                ),
                usage=True,
            ) from None
        raise
    return written


def _undo(written: list[Path], made_dirs: list[Path]) -> None:
    """Remove the files and folders this run created, newest first; keep anything else."""
    for path in reversed(written):
        try:
            path.unlink()
        except OSError:
            pass
    for path in reversed(made_dirs):
        try:
            path.rmdir()  # only if empty: a file someone else put there stays
        except OSError:
            pass


# -- the sketch --------------------------------------------------------------------------


@cache
def draw_sketch() -> bytes:
    """Return a small PNG: a hand-drawn plan of a reception hall, seen from above.

    The entrance is at the bottom, the desk at the top right, a row of chairs on the left,
    a sign near the door, and the dotted path of a visitor who hesitates before reaching
    the desk. The drawing is the same on every run (a seeded wobble).
    """
    from PIL import Image, ImageDraw

    rng = random.Random(27)
    paper, ink, accent, pencil = (251, 248, 240), (38, 45, 56), (31, 111, 139), (150, 150, 150)
    image = Image.new("RGB", (640, 420), paper)
    draw = ImageDraw.Draw(image)

    def wobble(points: list[tuple[float, float]], fill: tuple[int, int, int], width: int) -> None:
        """Draw a polyline as a hand would: small steps, each slightly off."""
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            steps = max(int(abs(x1 - x0) + abs(y1 - y0)) // 12, 1)
            previous = (x0, y0)
            for k in range(1, steps + 1):
                t = k / steps
                jitter = 0 if k == steps else 1.2
                point = (
                    x0 + (x1 - x0) * t + rng.uniform(-jitter, jitter),
                    y0 + (y1 - y0) * t + rng.uniform(-jitter, jitter),
                )
                draw.line([previous, point], fill=fill, width=width)
                previous = point

    # Light pencil grid, as on squared paper.
    for x in range(0, 640, 20):
        draw.line([(x, 0), (x, 420)], fill=(236, 233, 224))
    for y in range(0, 420, 20):
        draw.line([(0, y), (640, y)], fill=(236, 233, 224))
    # Walls, with the entrance in the middle of the bottom wall.
    wobble([(280, 380), (40, 380), (40, 40), (600, 40), (600, 380), (360, 380)], ink, 4)
    wobble([(280, 380), (280, 395)], ink, 3)
    wobble([(360, 380), (360, 395)], ink, 3)
    # The desk (guichet), top right, with a hatched counter.
    wobble([(430, 60), (580, 60), (580, 120), (430, 120), (430, 60)], ink, 3)
    for x in range(440, 580, 14):
        wobble([(x, 120), (x + 12, 108)], pencil, 1)
    # The agent behind the desk.
    draw.ellipse([(497, 72), (513, 88)], outline=ink, width=3)
    # A row of chairs along the left wall.
    for y in range(110, 331, 44):
        wobble([(62, y), (92, y), (92, y + 28), (62, y + 28), (62, y)], ink, 2)
    # The sign near the entrance, on a post.
    wobble([(230, 330), (230, 290)], ink, 3)
    wobble([(200, 262), (262, 262), (262, 290), (200, 290), (200, 262)], accent, 3)
    wobble([(210, 272), (250, 272)], accent, 2)
    wobble([(210, 281), (240, 281)], accent, 2)
    # The visitor's path: in through the door, a hesitant detour, then to the desk.
    path = [
        (320, 410),
        (320, 330),
        (310, 260),
        (250, 225),
        (180, 215),
        (175, 180),
        (240, 160),
        (330, 170),
        (400, 150),
        (470, 135),
    ]
    smooth: list[tuple[float, float]] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(path):
        for k in range(10):
            t = k / 10
            smooth.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
    smooth.append(path[-1])
    for i in range(0, len(smooth) - 3, 6):
        draw.line(smooth[i : i + 4], fill=accent, width=4)
    # An arrow head at the end of the path, pointing at the desk.
    draw.polygon([(478, 132), (462, 128), (466, 144)], fill=accent)
    # The visitor, at the door.
    draw.ellipse([(311, 392), (329, 410)], fill=accent)

    out = BytesIO()
    image.quantize(colors=16, method=Image.Quantize.MEDIANCUT).save(
        out, format="PNG", optimize=True
    )
    return out.getvalue()


__all__ = [
    "LABELS",
    "LANGUAGES",
    "clean_title",
    "comment",
    "create_residency",
    "describe_field",
    "describe_model",
    "draw_sketch",
    "next_monday",
    "plan_weeks",
    "render_files",
    "residency_id",
    "scaffold_environment",
    "schema_comment",
]
