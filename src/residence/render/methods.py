"""Open method sheets: one standalone card per method, in PDF, HTML and Markdown.

``residence methods`` writes ``OUT/methods/<id>.pdf|.html|.md`` and ``OUT/methods/booklet.pdf``
(all the sheets in one booklet), made from the published residency (``select_edition``):
a team-only entry is never listed where a public sheet says the method was used, and names
are pseudonymised as everywhere else. Each sheet carries its TASL attribution (Title,
Author, Source, Licence), its own licence (``method.license`` or the residency's) and its
source, so that another team can take it, adapt it and share it again.

Templates live in ``templates/methods/``: ``sheet.html.j2`` (one sheet, screen and print),
``booklet.html.j2`` (all of them), ``card.html.j2`` (the card both include), ``sheet.md.j2``
(Markdown clean enough to paste into a wiki) and ``sheet.css``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from residence import __version__
from residence.errors import Problem
from residence.french import article
from residence.i18n import Translator, translator
from residence.models import Entry, Method, Published
from residence.render.anchors import entry_anchors
from residence.render.band import edition_band
from residence.render.charts import phase_labels
from residence.render.markdown import render_markdown, to_plain_text, typography
from residence.render.uses import citations, more_entries
from residence.resources import templates_dir

if TYPE_CHECKING:
    from residence.render.context.views import LicenceView
    from residence.render.pdf.log import ProgressCallback

FORMATS = ("pdf", "html", "md")
FOLDER = "methods"
BOOKLET = "booklet.pdf"
#: (what is being done, fraction done from 0 to 1)


@dataclass(frozen=True)
class Use:
    """One place of the residency where a method was used."""

    kind: str  # "entry" or "prototype"
    title: str
    when: str  # a date in words, for entries
    href: str  # in the report, relative to OUT/methods/


@dataclass(frozen=True)
class MethodSheet:
    """Everything a method sheet shows, text already typeset."""

    id: str
    lang: str
    title: str
    summary: Markup
    purpose: Markup
    summary_md: str  # the Markdown as written (for the .md export)
    purpose_md: str
    phase: str
    duration: str
    participants: str
    materials: list[str]
    steps: list[str]
    tips: list[str]
    used_in: list[Use]
    used_more: str  # "and 488 more journal entries" (empty when all are listed)
    authors: str
    author_names: list[str]
    source: str
    licence: LicenceView
    residency: str  # the residency's title
    host: str
    year: str
    attribution: str  # the TASL line in words
    edition: str
    band: str  # the team edition's warning, empty in the public one
    generator: str = f"residence {__version__}"


@dataclass
class RenderedMethods:
    """The files of ``OUT/methods/`` by path relative to OUT, and the warnings met."""

    files: dict[str, bytes | Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


# -- context -----------------------------------------------------------------------------------


def _join(items: list[str], lang: str) -> str:
    from babel.lists import format_list

    return format_list(items, locale=lang) if items else ""


def _uses(
    entries: list[Entry],
    anchors: dict[int, str],
    published: Published,
    method: Method,
    t: Translator,
) -> tuple[list[Use], int]:
    """Return the journal entries (``entries``: the published ones, in date order) and the
    prototypes that cite a method, and how many entries are left out of the list (see
    :func:`residence.render.uses.citations`); ``anchors`` maps ``id(entry)`` to the entry's
    anchor in the report."""
    lang = t.language
    cites = citations(method, entries, published.prototypes)
    uses: dict[str, Use] = {}
    for entry in cites.entries:
        href = f"../report.html#{anchors[id(entry)]}"
        uses[href] = Use("entry", typography(entry.title, lang), t.date(entry.date), href)
    for proto in cites.prototypes:
        href = f"../report.html#prototype-{proto.id}"
        uses.setdefault(href, Use("prototype", typography(proto.title, lang), "", href))
    return list(uses.values()), cites.left_out


def method_sheets(published: Published) -> list[MethodSheet]:
    """Return the sheet of every method of a published residency (``select_edition``)."""
    from residence.render.context import licence_of

    if not isinstance(published, Published):
        raise TypeError("method sheets are made from select_edition(), not a raw residency")
    res = published.residence
    if res is None:
        raise ValueError("a residency without residence.yaml has no method sheets")
    lang = published.language
    t = translator(lang, "methods")
    report_t = translator(lang, "report")
    phases = phase_labels(t)
    team = [m.name for m in res.team if m.role == "resident"] or [m.name for m in res.team]
    year = str(res.weeks[-1].end.year) if res.weeks else ""
    band = edition_band(published)
    in_report = published.entries  # the gate left out what the edition must not show
    anchors = {id(e): a for e, a in zip(in_report, entry_anchors(in_report), strict=True)}
    entries = sorted(in_report, key=lambda e: (e.date, e.time or "", e.title))
    sheets = []
    for method in published.methods:
        licence = licence_of(method.license or res.license, report_t)
        used_in, left_out = _uses(entries, anchors, published, method, t)
        names = [article(typography(a, lang), lang) for a in (method.authors or team)]
        authors = _join(names, lang)
        residency = typography(res.title, lang)
        origin = t.gettext(
            "Method sheet of the residency “{title}”, {host}, {year}.",
            title=residency,
            host=typography(res.host, lang),
            year=year,
        )
        own = typography((method.source or "").strip(), lang)
        if own and not own.endswith((".", "!", "?", "…")):
            own += "."
        source = f"{own} {origin}" if own else origin
        attribution = t.gettext(
            "“{title}”, method sheet by {authors}, from the residency “{residency}” ({host}, "
            "{year}), licence {licence}.",
            title=typography(method.title, lang),
            authors=authors,
            residency=residency,
            host=typography(res.host, lang),
            year=year,
            licence=licence.spdx,
        )
        sheets.append(
            MethodSheet(
                id=method.id,
                lang=lang,
                title=typography(method.title, lang),
                summary=render_markdown(method.summary, lang=lang),
                purpose=render_markdown(method.purpose, lang=lang),
                summary_md=(method.summary or "").strip(),
                purpose_md=(method.purpose or "").strip(),
                phase=phases.get(method.phase or "", ""),
                duration=typography(method.duration, lang),
                participants=typography(method.participants, lang),
                materials=[typography(m, lang) for m in method.materials],
                steps=[typography(s, lang) for s in method.steps],
                tips=[typography(s, lang) for s in method.tips],
                used_in=used_in,
                used_more=more_entries(t, left_out),
                authors=authors,
                author_names=names,
                source=source,
                licence=licence,
                residency=residency,
                host=typography(res.host, lang),
                year=year,
                attribution=attribution,
                edition=published.edition,
                band=band,
            )
        )
    return sheets


# -- templates -----------------------------------------------------------------------------------


def methods_templates() -> Path:
    """Return the folder of the method sheets' templates."""
    return templates_dir() / "methods"


def _md_escape(text: str) -> str:
    """Return plain text that Markdown shows as written (no accidental emphasis or list)."""
    text = " ".join(str(text).split())
    text = re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)
    return re.sub(r"^([#+\-]|\d+\.)(?=\s)", r"\\\1", text)


def _md_block(text: str) -> str:
    """Return a Markdown field as written, trimmed, with no raw HTML block left active."""
    return re.sub(r"<", "&lt;", text.strip())


def _environment(autoescape: bool) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(methods_templates())),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md_escape
    env.filters["md_block"] = _md_block
    return env


def _globals(lang: str) -> dict[str, object]:
    t = translator(lang, "methods")
    # French puts a no-break space before a colon.
    return {"_": t.gettext, "ngettext": t.ngettext, "colon": "\u00a0:" if lang == "fr" else ":"}


def render_sheet_html(sheet: MethodSheet, *, css_href: str = "assets/sheet.css") -> str:
    """Return one method sheet as a standalone HTML page."""
    env = _environment(True)
    env.globals.update(_globals(sheet.lang))
    return env.get_template("sheet.html.j2").render(
        sheet=sheet, css_href=css_href, fonts_href="assets/fonts/fonts.css"
    )


def render_booklet_html(sheets: list[MethodSheet], published: Published) -> str:
    """Return every method sheet of a residency in one HTML page (the booklet)."""
    res = published.residence
    lang = published.language
    env = _environment(True)
    env.globals.update(_globals(lang))
    band = sheets[0].band if sheets else ""
    return env.get_template("booklet.html.j2").render(
        sheets=sheets,
        lang=lang,
        band=band,
        residency=typography(res.title, lang) if res else "",
        host=typography(res.host, lang) if res else "",
        year=sheets[0].year if sheets else "",
        css_href="assets/sheet.css",
        fonts_href="assets/fonts/fonts.css",
        generator=f"residence {__version__}",
    )


def render_sheet_markdown(sheet: MethodSheet) -> str:
    """Return one method sheet as Markdown, ready to paste into a wiki.

    A team edition's sheet opens with the band, as a quote in bold, before the title.
    """
    env = _environment(False)
    env.globals.update(_globals(sheet.lang))
    text = env.get_template("sheet.md.j2").render(sheet=sheet)
    if sheet.band:
        text = f"> **{_md_escape(sheet.band)}**\n\n{text.lstrip()}"
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _static_files() -> dict[str, Path]:
    """Return the style sheet and fonts the HTML sheets link to (methods/assets/…)."""
    files: dict[str, Path] = {"assets/sheet.css": methods_templates() / "sheet.css"}
    fonts = templates_dir() / "report" / "fonts"
    for font in sorted(fonts.iterdir()):
        if font.suffix in {".woff2", ".css", ".txt"}:
            files[f"assets/fonts/{font.name}"] = font
    return files


# -- PDF -------------------------------------------------------------------------------------------


def _sheet_pdf(
    html: str,
    published: Published,
    out: Path,
    title: str,
    subject: str,
    authors: list[str],
    when: dt.datetime,
    licence: LicenceView,
    name: str,
) -> tuple[bytes, int, list[Problem]]:
    """Lay out one HTML page of method sheets on A4; return (PDF, pages, warnings)."""
    from residence.render import pdf as pdfmod
    from residence.render.fetcher import SafeFetcher, refusal_problems

    base = Path(out).absolute() / FOLDER
    virtual = pdfmod.print_ready(
        {base / rel: p for rel, p in _static_files().items()},
        published.root / pdfmod.CACHE_FOLDER,
    )
    fetcher = SafeFetcher(
        [methods_templates(), templates_dir() / "report" / "fonts"],
        virtual=virtual,
        private=[published.root / "private"],
    )
    res = published.residence
    info = pdfmod.PdfInfo(
        title=title,
        authors=authors,
        subject=subject,
        keywords=list(res.keywords) if res else [],
        language=published.language,
        licence_spdx=licence.spdx,
        licence_url=licence.url,
        attribution=subject,
        created=when,
    )
    source = f"{FOLDER}/{name}"
    data, pages, problems = pdfmod.make_pdf(html, base, fetcher, info, source=source)
    return data, pages, refusal_problems(fetcher.refused, {source: html}, base) + problems


def render_methods(
    published: Published,
    *,
    formats: Iterable[str] = FORMATS,
    out: Path,
    when: dt.datetime | None = None,
    progress: ProgressCallback | None = None,
) -> RenderedMethods:
    """Render the method sheets of a published residency; return the files, nothing written.

    Paths are relative to ``out``: ``methods/<id>.pdf|.html|.md``, ``methods/booklet.pdf``
    (with ``pdf``), and ``methods/assets/`` (style sheet and fonts, with ``html``).
    """
    from residence.clock import build_time

    wanted = [f for f in FORMATS if f in set(formats)]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format(s): {', '.join(unknown)}")
    when = when or build_time()
    sheets = method_sheets(published)
    result = RenderedMethods()
    if not sheets:
        return result
    if "html" in wanted:
        for rel, path in _static_files().items():
            result.files[f"{FOLDER}/{rel}"] = path
    steps = len(sheets) * len(wanted) + (1 if "pdf" in wanted else 0)
    done = 0
    for sheet in sheets:
        html = render_sheet_html(sheet)
        for fmt in wanted:
            if progress:
                progress(f"{sheet.id}.{fmt}", done / steps)
            if fmt == "html":
                result.files[f"{FOLDER}/{sheet.id}.html"] = html.encode("utf-8")
            elif fmt == "md":
                result.files[f"{FOLDER}/{sheet.id}.md"] = render_sheet_markdown(sheet).encode()
            else:
                data, _, problems = _sheet_pdf(
                    html,
                    published,
                    out,
                    sheet.title,
                    to_plain_text(sheet.summary_md),
                    sheet.author_names,
                    when,
                    sheet.licence,
                    f"{sheet.id}.pdf",
                )
                result.files[f"{FOLDER}/{sheet.id}.pdf"] = data
                result.problems += problems
            done += 1
    if "pdf" in wanted:
        if progress:
            progress(BOOKLET, done / steps)
        res = published.residence
        t = translator(published.language, "methods")
        title = t.gettext("Method sheets — {title}", title=res.title if res else "")
        html = render_booklet_html(sheets, published)
        team = [m.name for m in res.team] if res else []
        from residence.render.context import licence_of

        spdx = res.license if res else "CC-BY-SA-4.0"
        found = licence_of(spdx, translator(published.language, "report"))
        report_licence = found
        data, _, problems = _sheet_pdf(
            html,
            published,
            out,
            title,
            t.gettext(
                "The open method sheets of the residency “{title}”.", title=res.title if res else ""
            ),
            team,
            when,
            report_licence,
            BOOKLET,
        )
        result.files[f"{FOLDER}/{BOOKLET}"] = data
        result.problems += problems
    if progress:
        progress("done", 1.0)
    return result


def write_methods(rendered: RenderedMethods, out: Path) -> list[Path]:
    """Write the rendered sheets into ``out`` (each file replaced whole); return the paths."""
    from residence.fsutil import copy_atomic, write_atomic

    written = []
    for rel, content in sorted(rendered.files.items()):
        target = out / rel
        if isinstance(content, Path):
            copy_atomic(content, target)
        else:
            write_atomic(target, content)
        written.append(target)
    return written
