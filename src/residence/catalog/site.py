# SPDX-License-Identifier: EUPL-1.2
"""The catalogue's static site: listings by year, territory and programme, method sheets, reports.

``render_site`` writes every page from the public editions the catalogue file keeps
(``Catalog.content``); the photos are read from each residency's origin (folder or
archive) while it can still be read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from residence.catalog.ingest import is_archive
from residence.catalog.store import Catalog, Summary
from residence.errors import Problem, ResidenceError
from residence.fsutil import replace_folder
from residence.i18n import messages
from residence.models import Entry, Method, Prototype, Published
from residence.models.residency import entry_stem
from residence.render.anchors import entry_anchor_by_stem
from residence.text import slugify
from residence.vocabulary import PROGRAMME_NAMES, Phase

_ = messages("catalog")

SITE_MARKER = ".made-by-residence-catalog"
#: The phases of a method, in the order of a residency (the commons' sections).
PHASES: tuple[str, ...] = get_args(Phase)


@dataclass
class Site:
    """What ``render_site`` wrote: the pages, the full reports, and the warnings met."""

    out: Path
    pages: int = 0
    reports: int = 0
    problems: list[Problem] = field(default_factory=list)


def check_site_output(out: Path) -> str | None:
    """Return why the site cannot be written to ``out`` (a file, or someone else's folder)."""
    if out.exists() and not out.is_dir():
        return _("'{folder}' is a file, not a folder", folder=out)
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).is_file():
        return _(
            "'{folder}' is not empty and was not made by residence catalog render: choose "
            "another --out folder",
            folder=out,
        )
    return None


class _Labels:
    """The words of the site, in its language."""

    def __init__(self, language: str) -> None:
        from residence.i18n import translator
        from residence.render.charts import stage_labels

        self.t = translator(language, "report")
        # The words of the pages about insights (the report's words are in report.po).
        self.c = translator(language, "catalog")
        self.language = self.t.language
        self.stages = stage_labels(self.t)

    def programme(self, value: str) -> str:
        return PROGRAMME_NAMES.get(value) or self.t.gettext("Other programmes")

    def phase(self, value: str | None) -> str:
        names = {
            "immersion": "Immersion", "analysis": "Analysis", "prototyping": "Prototyping",
            "testing": "Testing", "transfer": "Transfer",
        }  # fmt: skip
        return self.t.gettext(names.get(value or "", "Other methods"))

    def stage(self, value: str) -> str:
        return self.stages.get(value, value)

    def period(self, start: str | None, end: str | None) -> str:
        if not start or not end:
            return ""
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        return f"{self.t.date(first, 'medium')}\u2009\u2013\u2009{self.t.date(last, 'medium')}"


def _environment(labels: _Labels) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from residence.render.markdown import render_inline, render_markdown
    from residence.resources import templates_dir

    env = Environment(
        loader=FileSystemLoader(str(templates_dir() / "catalog")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(_=labels.t.gettext, ngettext=labels.t.ngettext, lang=labels.language)
    env.globals.update(_c=labels.c.gettext, ngettext_c=labels.c.ngettext)
    env.filters["markdown"] = lambda text, lang=labels.language: render_markdown(text, lang=lang)
    env.filters["inline"] = lambda text, lang=labels.language: render_inline(text, lang=lang)
    env.filters["day"] = lambda value: labels.t.date(value, "medium")
    return env


@contextmanager
def _media_root(origin: str) -> Iterator[Path | None]:
    """Yield the folder the media of a catalogued residency can be read from, if it still exists.

    A folder origin is used as it is; an archive is unpacked (safely) into a temporary folder.
    """
    from residence.archive import SOURCES, open_bag

    path = Path(origin)
    with ExitStack() as stack:
        folder: Path | None = None
        if path.is_dir() and not is_archive(path):
            folder = path
        elif path.exists():
            try:
                folder = stack.enter_context(open_bag(path)) / "data" / SOURCES
            except ResidenceError:  # damaged or gone: the report goes without its photos
                folder = None
        # Only opening the origin is guarded: an error in the caller's block is its own.
        yield folder if folder is None or folder.is_dir() else None


def _uses(published: Published, method: Method, anchors: dict[str, str]) -> list[dict[str, Any]]:
    """Return where a method was used in its residency: entries and prototypes, in order.

    ``anchors`` is ``entry_anchor_by_stem(published.entries)``: the report's own anchors.
    """
    stems = {entry_stem(e): e for e in published.entries}
    protos = {p.id: p for p in published.prototypes}
    found: dict[tuple[str, str], dict[str, Any]] = {}

    def entry_use(entry: Entry) -> dict[str, Any]:
        return {
            "kind": "entry",
            "title": entry.title,
            "date": entry.date,
            "anchor": anchors[entry_stem(entry)],
        }

    def proto_use(proto: Prototype) -> dict[str, Any]:
        return {
            "kind": "prototype",
            "title": proto.title,
            "date": None,
            "anchor": f"prototype-{proto.id}",
        }

    for entry in published.entries:
        if method.id in entry.methods:
            found[("entry", entry_stem(entry))] = entry_use(entry)
    for proto in published.prototypes:
        if method.id in proto.methods:
            found[("prototype", proto.id)] = proto_use(proto)
    for ref in method.examples:
        if ref in stems:
            found.setdefault(("entry", ref), entry_use(stems[ref]))
        elif ref in protos:
            found.setdefault(("prototype", ref), proto_use(protos[ref]))
    return sorted(
        found.values(), key=lambda u: (u["kind"] != "entry", u["date"] or dt.date.min, u["title"])
    )


def render_site(catalog: Catalog, out: Path, language: str = "fr") -> Site:
    """Write the catalogue's static site into ``out``, replacing a site made before.

    Pages: residencies by year, by territory and by programme; the commons of every method
    sheet with where each was used; one page per residency and, through the HTML renderer,
    its full report. The site is built in a temporary folder that replaces ``out`` whole at
    the end (``replace_folder``): an error on the way leaves the previous site as it was. The
    files inside that folder are plain writes: no one sees them before the swap.
    """
    problem = check_site_output(out)
    if problem:
        raise ResidenceError(problem, usage=True)
    labels = _Labels(language)
    env = _environment(labels)
    site = Site(out)
    with replace_folder(out) as staging:
        _build_site(catalog, staging, labels, env, site)
        (staging / SITE_MARKER).write_text(
            "This folder is written by 'residence catalog render' and replaced at each render.\n",
            encoding="utf-8",
        )
    return site


def _write(folder: Path, rel: str, text: str, site: Site) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    site.pages += 1


def _build_site(catalog: Catalog, folder: Path, labels: _Labels, env: Any, site: Site) -> None:
    from residence.resources import templates_dir

    t = labels.t
    summaries = catalog.summaries()
    nav = [
        ("index.html", t.gettext("By year")),
        ("territories.html", t.gettext("By territory")),
        ("programmes.html", t.gettext("By programme")),
        ("methods/index.html", t.gettext("Commons of methods")),
        ("insights.html", labels.c.gettext("What was learned")),
    ]

    def chrome(base: str, current: str | None) -> dict[str, Any]:
        return {
            "base": base,
            "title": t.gettext("Catalogue of residencies"),
            "nav": [
                {"href": base + href, "label": label, "current": href == current}
                for href, label in nav
            ],
        }

    def row(s: Summary, base: str) -> dict[str, Any]:
        return {
            "href": f"{base}residencies/{s.id}/index.html", "title": s.title, "site": s.site,
            "territory": s.territory or "", "programme": labels.programme(s.programme),
            "period": labels.period(s.start, s.end), "entries": s.counts.get("entries", 0),
            "language": s.language,
        }  # fmt: skip

    def listing(rel: str, title: str, intro: str, groups: dict[str, list[Summary]]) -> None:
        page = {
            "site": chrome("", rel),
            "title": title,
            "intro": intro,
            "count": len(summaries),
            "groups": [
                {"id": f"g{i}-{slugify(label) or 'none'}", "label": label,
                 "rows": [row(s, "") for s in items]}
                for i, (label, items) in enumerate(groups.items(), 1)
            ],
        }  # fmt: skip
        _write(folder, rel, env.get_template("listing.html.j2").render(page=page), site)

    by_year: dict[str, list[Summary]] = {}
    for s in summaries:
        by_year.setdefault(str(s.year) if s.year else t.gettext("No date"), []).append(s)
    by_territory: dict[str, list[Summary]] = {}
    for s in sorted(summaries, key=lambda s: slugify(s.territory or "~")):
        by_territory.setdefault(s.territory or t.gettext("No territory given"), []).append(s)
    by_programme: dict[str, list[Summary]] = {}
    order = [*PROGRAMME_NAMES, "other"]
    for s in sorted(
        summaries, key=lambda s: order.index(s.programme) if s.programme in order else len(order)
    ):
        by_programme.setdefault(labels.programme(s.programme), []).append(s)
    intro = t.ngettext(
        "{n} residency in the catalogue.", "{n} residencies in the catalogue.", len(summaries)
    )
    listing("index.html", t.gettext("Residencies by year"), intro, by_year)
    listing("territories.html", t.gettext("Residencies by territory"), intro, by_territory)
    listing("programmes.html", t.gettext("Residencies by programme"), intro, by_programme)

    commons: dict[str, list[dict[str, Any]]] = {}
    learned: list[dict[str, Any]] = []
    for s in summaries:
        with _media_root(s.origin) as media_root:
            root = media_root or folder / ".no-media"
            published = catalog.content(s.id, root)
            sheets, insights = _residency_pages(
                published, s, folder, labels, env, site, chrome, row
            )
            learned += insights
            if media_root is None:
                site.problems.append(
                    Problem(
                        s.id,
                        None,
                        None,
                        "warning",
                        "origin-missing",
                        _(
                            "{origin} cannot be read any more: the report of {id} is shown "
                            "without its photos",
                            origin=s.origin,
                            id=s.id,
                        ),
                    )
                )
        for phase, sheet in sheets:
            commons.setdefault(phase, []).append(sheet)
    groups = []
    for phase in [*PHASES, ""]:
        cards = sorted(commons.get(phase, []), key=lambda m: (slugify(m["title"]), m["href"]))
        if cards:
            groups.append(
                {"id": f"phase-{phase or 'other'}", "label": labels.phase(phase), "sheets": cards}
            )
    page = {
        "site": chrome("../", "methods/index.html"),
        "title": t.gettext("Commons of methods"),
        "count": sum(len(g["sheets"]) for g in groups),
        "groups": groups,
    }
    _write(
        folder, "methods/index.html", env.get_template("methods.html.j2").render(page=page), site
    )
    _insights_page(learned, folder, labels, env, site, chrome)
    (folder / "catalog.css").write_bytes((templates_dir() / "catalog" / "catalog.css").read_bytes())


def _insights_page(
    learned: list[dict[str, Any]], folder: Path, labels: _Labels, env: Any, site: Site, chrome: Any
) -> None:
    """Write insights.html: every insight of the catalogue, grouped by tag (case and accents
    aside, as ``check`` compares tags), so that a team finds what others learned on a theme."""
    from residence.findings import tag_key

    groups: dict[str, dict[str, Any]] = {}
    spellings: dict[str, Counter[str]] = {}
    untagged: list[dict[str, Any]] = []
    for insight in learned:
        keys: set[str] = set()
        for tag in insight["tags"]:
            key = tag_key(tag)
            if key and key not in keys:
                keys.add(key)
                groups.setdefault(key, {"insights": []})["insights"].append(insight)
                spellings.setdefault(key, Counter())[tag] += 1
        if not keys:
            untagged.append(insight)
    for key, group in groups.items():  # the most used spelling, the first met on a tie
        group["label"] = spellings[key].most_common(1)[0][0]
    ordered = [groups[k] for k in sorted(groups)]
    if untagged:
        ordered.append({"label": labels.c.gettext("No tag"), "insights": untagged})
    for n, group in enumerate(ordered, 1):
        group["id"] = f"tag-{n}-{slugify(group['label']) or 'tag'}"
        group["insights"].sort(key=lambda i: (slugify(i["title"]), i["href"]))
    page = {
        "site": chrome("", "insights.html"),
        "title": labels.c.gettext("What was learned"),
        "count": len(learned),
        "groups": ordered,
    }
    _write(folder, "insights.html", env.get_template("insights.html.j2").render(page=page), site)


def _residency_pages(
    published: Published,
    s: Summary,
    folder: Path,
    labels: _Labels,
    env: Any,
    site: Site,
    chrome: Any,
    row: Any,
) -> tuple[list[tuple[str, dict[str, Any]]], list[dict[str, Any]]]:
    """Write a residency's page, its report and its method sheets; return the commons' rows
    and the rows of its insights for the page of what was learned."""
    res = published.residence
    assert res is not None
    base_dir = f"residencies/{s.id}"
    report = _write_report(published, folder / base_dir, site)
    sheets: list[tuple[str, dict[str, Any]]] = []
    methods = []
    anchors = entry_anchor_by_stem(published.entries)
    for method in published.methods:
        rel = f"methods/{s.id}/{method.id}.html"
        uses = _uses(published, method, anchors)
        sheet_page = {
            "site": chrome("../../", None),
            "method": method,
            "phase": labels.phase(method.phase),
            "license": method.license or res.license,
            "residency": {
                "title": res.title,
                "href": f"../../{base_dir}/index.html",
                "language": res.language,
            },
            "uses": uses,
            "report": f"../../{base_dir}/report.html" if report else None,
        }
        _write(folder, rel, env.get_template("method.html.j2").render(page=sheet_page), site)
        methods.append({"title": method.title, "href": f"../../{rel}"})
        sheets.append(
            (
                method.phase or "",
                {
                    "title": method.title,
                    "href": f"{s.id}/{method.id}.html",
                    "summary": method.summary,
                    "residency": res.title,
                    "residency_href": f"../{base_dir}/index.html",
                    "uses": len(uses),
                    "language": res.language,
                },
            )
        )
    insights, learned = _insights(published, base_dir)
    page = {
        "site": chrome("../../", None),
        "residency": row(s, "../../"),
        "summary": s,
        "res": res,
        "programme": labels.programme(res.programme),
        "report": "report.html" if report else None,
        "team": res.team,
        "prototypes": [
            {"title": p.title, "stage": labels.stage(p.stage)} for p in published.prototypes
        ],
        "methods": methods,
        "insights": insights,
    }
    _write(
        folder,
        f"{base_dir}/index.html",
        env.get_template("residency.html.j2").render(page=page),
        site,
    )
    return sheets, learned


def _insights(
    published: Published, base_dir: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return a residency's insights for its page, and their rows for the page of all.

    The evidence is counted, not shown: "3 journal entries cited" (the full report quotes
    it). Made from the public edition: no team insight, no evidence citing a team entry.
    """
    res = published.residence
    assert res is not None
    prototypes = {p.id: p.title for p in published.prototypes}
    on_page: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for insight in published.insights:
        anchor = f"insight-{insight.id}"
        facts = {
            "title": insight.title,
            "tags": list(insight.tags),
            "entries": len({e.entry for e in insight.evidence if e.entry}),
            "tests": len({(e.prototype, e.test) for e in insight.evidence if e.prototype}),
        }
        on_page.append(
            {
                **facts,
                "anchor": anchor,
                "statement": insight.statement,
                "prototypes": [prototypes[p] for p in insight.prototypes if p in prototypes],
            }
        )
        rows.append(
            {
                **facts,
                "href": f"{base_dir}/index.html#{anchor}",
                "residency": res.title,
                "residency_href": f"{base_dir}/index.html",
                "language": res.language,
            }
        )
    return on_page, rows


def _write_report(published: Published, folder: Path, site: Site) -> bool:
    """Write the residency's full report (report.html and assets/) with the HTML renderer."""
    from residence.render.html import render_html

    try:
        report = render_html(published, use_cache=False)
    except ResidenceError as exc:
        site.problems.extend(exc.problems)
        return False
    ident = published.residence.id if published.residence else "?"
    site.problems.extend(
        Problem(f"{ident}: {p.path}", p.line, p.column, p.severity, p.code, p.message)
        for p in report.problems
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.html").write_text(report.html, encoding="utf-8")
    for rel, content in report.assets.items():
        target = folder / rel
        if not target.resolve().is_relative_to(folder.resolve()):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.read_bytes())
    site.reports += 1
    return True
