"""The HTML report: a Jinja2 environment and ``render_html``.

Templates live in ``templates/report/``. A residency may override any of them, and add a
style sheet, in its own ``theme/`` folder (like mkdocs' ``custom_dir``): ``theme/cover.html.j2``
replaces the cover, ``theme/extra.css`` is linked after the report's own style sheet.
Templates run in Jinja's sandbox with autoescaping on and undefined names as errors, and
theme files are only read from inside the residency folder.

``render_html`` returns the page and the files to write beside it; ``write_report`` writes
them, all at once, only when everything was rendered.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
)
from jinja2.bccache import Bucket
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from residence.errors import Problem, ResidenceError
from residence.fsutil import replace_folder, write_atomic
from residence.i18n import translator
from residence.models import Published
from residence.resources import templates_dir

THEME_FOLDER = "theme"
EXTRA_CSS = "extra.css"
CACHE_FOLDER = ".residence/cache"
#: A file in OUT/assets that says the folder was made by residence (and may be replaced).
ASSETS_MARKER = ".made-by-residence"
GENERATOR = "residence"


@dataclass
class RenderedReport:
    """A rendered report: the page, the files it links to, and the warnings met."""

    html: str
    assets: dict[str, bytes | Path] = field(default_factory=dict)  # "assets/…" -> content
    problems: list[Problem] = field(default_factory=list)


class _InsideLoader(FileSystemLoader):
    """A FileSystemLoader that refuses files (or links) leading outside its folder."""

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        base = Path(self.searchpath[0]).resolve()
        try:
            Path(filename or "").resolve().relative_to(base)
        except (OSError, ValueError):
            raise TemplateNotFound(template) from None
        return source, filename, uptodate


class _CompiledTemplates(BytecodeCache):
    """The report's templates, compiled once per process and kept in memory.

    Jinja compiles each template of a new environment again (0.1 s for the report's);
    ``residence serve`` makes one per rebuild. A template is reused only while its source
    is the same (Jinja checks the source's checksum), so an edited theme is compiled again.
    Only :func:`report_environment` uses it: its options, on which the code depends, never
    change.
    """

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def report_templates() -> Path:
    """Return the folder of the report's own templates."""
    return templates_dir() / "report"


def theme_dir(root: Path) -> Path | None:
    """Return the residency's theme folder, if it has one inside the residency folder."""
    theme = root / THEME_FOLDER
    try:
        if theme.is_dir() and theme.resolve().is_relative_to(root.resolve()):
            return theme
    except OSError:
        return None
    return None


def report_environment(root: Path | None = None) -> SandboxedEnvironment:
    """Return the Jinja2 environment of the report (the residency's theme/ first)."""
    loaders: list[FileSystemLoader] = []
    theme = theme_dir(root) if root is not None else None
    if theme is not None:
        loaders.append(_InsideLoader(str(theme)))
    loaders.append(FileSystemLoader(str(report_templates())))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_COMPILED,
    )
    return env


def _read_inside(root: Path, rel: str) -> bytes | None:
    """Return the bytes of a file of the residency folder, or None if absent or outside."""
    path = root / rel
    try:
        if not path.is_file() or not path.resolve().is_relative_to(root.resolve()):
            return None
        return path.read_bytes()
    except OSError:
        return None


def _static_assets(root: Path) -> tuple[dict[str, bytes | Path], list[str]]:
    """Return the style sheets and fonts to copy, and the style sheets' hrefs in order."""
    base = report_templates()
    assets: dict[str, bytes | Path] = {"assets/report.css": base / "report.css"}
    for font in sorted((base / "fonts").iterdir()):
        if font.suffix in {".woff2", ".css", ".txt"}:
            assets[f"assets/fonts/{font.name}"] = font
    sheets = ["assets/fonts/fonts.css", "assets/report.css"]
    extra = _read_inside(root, f"{THEME_FOLDER}/{EXTRA_CSS}")
    if extra is not None:
        assets[f"assets/{EXTRA_CSS}"] = extra
        sheets.append(f"assets/{EXTRA_CSS}")
    return assets, sheets


def render_html(
    published: Published,
    *,
    cache_dir: Path | None = None,
    use_cache: bool = True,
) -> RenderedReport:
    """Render the report of a published residency (the result of ``select_edition``).

    Returns the HTML page and the files it links to (``assets/…``: style sheets, fonts,
    photos resized and stripped of their metadata, the actor map), and the warnings met.
    Nothing is written. Photos are cached in ``cache_dir`` (by default the residency's
    ``.residence/cache``), so that a second render is fast.

    Raises ResidenceError when a theme template is broken.
    """
    from residence.render import actormap
    from residence.render.context import build_context, media_files
    from residence.render.images import prepare_media

    if not isinstance(published, Published):
        raise TypeError("render_html takes the result of select_edition(), not a raw residency")
    root = published.root
    if cache_dir is None and use_cache:
        cache_dir = root / CACHE_FOLDER
    t = translator(published.language, "report")
    media = prepare_media(published, media_files(published), cache_dir if use_cache else None)
    assets, sheets = _static_assets(root)
    for asset in media.assets.values():
        assets[asset.href] = asset.content
    thumbnail = svg = None
    if published.actors:
        svg = actormap.render_actor_map_svg(published, t, id_prefix="actor-map")
        assets["assets/actor-map.svg"] = svg.encode("utf-8")
        thumbnail = "assets/actor-map.svg"
    context, problems = build_context(
        published, t, media.assets, stylesheets=sheets, map_thumbnail=thumbnail, actor_map=svg
    )
    env = report_environment(root)
    env.globals.update(_=t.gettext, ngettext=t.ngettext, generator=GENERATOR, kind_mark=_kind_mark)
    env.filters["css_string"] = css_string
    try:
        html = env.get_template("report.html.j2").render(report=context)
    except TemplateError as exc:
        where, line = _template_location(exc, root)
        raise ResidenceError(
            [Problem(where, line, None, "error", "template", f"the template failed: {exc}")]
        ) from None
    return RenderedReport(html, assets, [*media.problems, *problems])


def _template_location(exc: TemplateError, root: Path) -> tuple[str, int | None]:
    """Return the template file (relative to the residency if it is a theme's) and line."""
    filename: str | None = getattr(exc, "filename", None)
    line: int | None = getattr(exc, "lineno", None)
    trace = exc.__traceback__
    while trace is not None:  # Jinja puts the template's own frames in the traceback
        name = trace.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            filename, line = name, trace.tb_lineno
        trace = trace.tb_next
    if not filename:
        return "theme", None
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix(), line
    except (OSError, ValueError):
        return Path(filename).name, line


def _kind_mark(kind: str) -> Markup:
    """Return the shape of a journal entry kind, as in the timeline, for a 16 px icon."""
    from residence.render.charts import mark_svg

    return Markup(mark_svg(kind, 8, 8, 12))


def css_string(text: str) -> Markup:
    """Return text as the inside of a CSS string: quotes, backslashes and '<' escaped."""
    special = {'"', "\\", "<", ">", "&"}
    escaped = "".join(f"\\{ord(c):x} " if c in special or ord(c) < 32 else c for c in str(text))
    return Markup(escaped)


# -- writing ---------------------------------------------------------------------------------


def check_output(out: Path) -> str | None:
    """Return why the report cannot be written into ``out`` (files not made by us), or None."""
    if out.exists() and not out.is_dir():
        return f"'{out}' is a file, not a folder"
    page = out / "report.html"
    if page.is_file():
        try:
            head = page.read_bytes()[:4096]
        except OSError as exc:
            return f"cannot read {page}: {exc.strerror or exc}"
        if f'name="generator" content="{GENERATOR}'.encode() not in head:
            return f"{page} was not made by residence: choose another --out folder"
    assets = out / "assets"
    if assets.exists():
        if not assets.is_dir() or (
            any(assets.iterdir()) and not (assets / ASSETS_MARKER).is_file()
        ):
            return f"{assets} was not made by residence: choose another --out folder"
    return None


def write_report(report: RenderedReport, out: Path) -> Path:
    """Write report.html and assets/ into ``out``; return the page's path.

    The assets are written to a temporary folder first, then swapped in, and the page is
    replaced last: an interrupted write leaves the previous report whole. Refuses (usage
    error) to replace a report.html or an assets/ folder that residence did not write.
    """
    problem = check_output(out)
    if problem:
        raise ResidenceError(problem, usage=True)
    out.mkdir(parents=True, exist_ok=True)

    def write_page() -> None:
        write_atomic(out / "report.html", report.html)

    with replace_folder(out / "assets", after=write_page) as staging:
        for rel, content in report.assets.items():
            if not rel.startswith("assets/") or ".." in Path(rel).parts:
                raise ValueError(f"asset outside assets/: {rel}")
            target = staging / rel.removeprefix("assets/")
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            else:
                target.write_bytes(content)
        (staging / ASSETS_MARKER).write_text(
            "This folder is written by 'residence render' and replaced at each render.\n",
            encoding="utf-8",
        )
    return out / "report.html"
