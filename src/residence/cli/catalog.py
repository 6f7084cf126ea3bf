# SPDX-License-Identifier: EUPL-1.2
"""`residence catalog …`: the catalogue of past residencies, its search and its website."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, get_args

import typer

from residence.cli import output
from residence.cli.options import FRENCH, TEXT, Language, OutputFormat, Programme, choices
from residence.i18n import messages, set_language
from residence.vocabulary import EntryKind, ItemKind

if TYPE_CHECKING:
    from residence.cli.options import Choice as CatalogKind
else:  # an item kind, or a journal entry's kind
    CatalogKind = choices("CatalogKind", (*get_args(ItemKind), *get_args(EntryKind)))

_ = messages("messages")
#: What the catalogue says about insights (the catalogue's own words, beside its errors).
_c = messages("catalog")

catalog_app = typer.Typer(
    help=_("The catalogue of past residencies: one SQLite file, full-text search, a static site."),
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        envvar="RESIDENCE_CATALOG",
        help=_(
            "The catalogue file (default: catalog.sqlite in your data folder; set "
            "RESIDENCE_CATALOG to share one on a team drive)."
        ),
        show_default=False,
    ),
]
ProgrammeFilter = Annotated[
    Programme | None,
    typer.Option("--programme", help=_("Only this programme."), show_default=False),
]
TerritoryFilter = Annotated[
    str | None,
    typer.Option(
        "--territory",
        help=_("Only territories containing these words (case and accents do not matter)."),
        show_default=False,
    ),
]
YearFilter = Annotated[
    int | None,
    typer.Option("--year", help=_("Only residencies on site that year."), show_default=False),
]


def _empty_catalog(path: Path) -> None:
    output.say(
        _(
            "The catalogue {path} is empty: add residencies with residence catalog add DIR.",
            path=path,
        )
    )


@catalog_app.command(
    "add",
    help=_(
        "Add residencies to the catalogue: folders (their public edition) or public "
        "archives.\n\n"
        "Adding a residency again updates it (by its id). A residency with errors, a damaged "
        "archive and a team-edition archive are refused (exit 1); the others are still added."
    ),
)
def catalog_add(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help=_("Residency folders or archives (FILE.zip) to add."), show_default=False
        ),
    ],
    catalog: CatalogOption = None,
) -> None:
    """Add residencies to the catalogue: folders or public archives."""
    from residence.catalog import commands as catalog_commands

    where, outcomes = catalog_commands.catalog_add(paths, catalog)
    failed = 0
    for outcome in outcomes:
        if outcome.added is None:
            output.print_problems(outcome.problems)
            output.say(_("Not added: {path}", path=outcome.path))
            failed += 1
            continue
        added = outcome.added
        values = {"id": added.id, "title": added.title}
        output.say(
            _.plural(
                "Updated {id}: {title} ({n} item indexed).",
                "Updated {id}: {title} ({n} items indexed).",
                added.items,
                **values,
            )
            if added.updated
            else _.plural(
                "Added {id}: {title} ({n} item indexed).",
                "Added {id}: {title} ({n} items indexed).",
                added.items,
                **values,
            )
        )
    output.say(_("Catalogue: {path}", path=where))
    if failed:
        raise typer.Exit(code=1)


@catalog_app.command(
    "list", help=_("List the residencies of the catalogue, the most recent first.")
)
def catalog_list(
    programme: ProgrammeFilter = None,
    territory: TerritoryFilter = None,
    year: YearFilter = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help=_("text: a table; json: a list."))
    ] = TEXT,
    catalog: CatalogOption = None,
) -> None:
    """List the residencies of the catalogue, the most recent first."""
    if fmt.value == "json":
        set_language("en")  # what scripts read: English
    from residence.catalog import commands as catalog_commands

    found = catalog_commands.catalog_list(
        catalog, programme=programme.value if programme else None, territory=territory, year=year
    )
    if found.items is None:
        if fmt.value == "json":
            output.echo("[]")
        _empty_catalog(found.path)
        return
    if fmt.value == "json":
        output.print_json([s.as_dict() for s in found.items])
        return
    for s in found.items:
        output.echo(f"{s.id}\t{s.year or '-'}\t{s.programme}\t{s.territory or '-'}\t{s.title}")
    output.say(_.plural("{n} residency.", "{n} residencies.", len(found.items)))


@catalog_app.command(
    "search",
    help=_(
        "Search every residency of the catalogue: titles, questions, journal, prototypes, "
        "methods, insights.\n\n"
        'Case and accents do not matter ("lycee" finds "lycée"); the best matches come first.'
    ),
)
def catalog_search(
    query: Annotated[
        str,
        typer.Argument(
            help=_('Words to find; "an exact phrase", prefix*, a OR b.'), show_default=False
        ),
    ],
    programme: ProgrammeFilter = None,
    territory: TerritoryFilter = None,
    year: YearFilter = None,
    kind: Annotated[
        CatalogKind | None,
        typer.Option(
            "--kind",
            help=_(
                "Only this kind of item (entry, prototype, scenario, method, insight, "
                "residency) or of journal entry (interview, workshop…)."
            ),
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help=_("How many results at most."))
    ] = 20,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", help=_("text: results with snippets; json: a list.")),
    ] = TEXT,
    catalog: CatalogOption = None,
) -> None:
    """Search every residency of the catalogue, the best matches first."""
    if fmt.value == "json":
        set_language("en")  # what scripts read: English
    from residence.catalog import commands as catalog_commands

    found = catalog_commands.catalog_search(
        query,
        catalog,
        programme=programme.value if programme else None,
        territory=territory,
        year=year,
        kind=kind.value if kind else None,
        limit=limit,
    )
    if found.items is None:
        if fmt.value == "json":
            output.echo("[]")
        _empty_catalog(found.path)
        return
    hits = found.items
    if fmt.value == "json":
        output.print_json([h.as_dict() for h in hits])
        return
    from residence.catalog import MARK_END, MARK_START

    for n, hit in enumerate(hits, 1):
        what = hit.kind + (f" · {hit.subkind}" if hit.subkind else "")
        when = f", {hit.date}" if hit.date else ""
        output.echo(f"{n}. {hit.title} [{what}{when}]")
        output.echo(f"   {hit.residency_title} ({hit.residency_id}: {hit.ref})")
        output.echo_marked(f"   {' '.join(hit.snippet.split())}", MARK_START, MARK_END)
    output.say(_.plural("{n} result.", "{n} results.", len(hits)) if hits else _("No result."))


@catalog_app.command(
    "show",
    help=_("Show one residency of the catalogue: what, where, when, and where it was added from."),
)
def catalog_show(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help=_("The residency's id."), show_default=False)
    ],
    fmt: Annotated[OutputFormat, typer.Option("--format", help=_("text or json."))] = TEXT,
    catalog: CatalogOption = None,
) -> None:
    """Show one residency of the catalogue."""
    if fmt.value == "json":
        set_language("en")  # what scripts read: English
    from residence.catalog import commands as catalog_commands

    found = catalog_commands.catalog_show(ident, catalog)
    if fmt.value == "json":
        output.print_json(found.as_dict())
        return
    counts = ", ".join(_count(kind, n) for kind, n in found.counts.items())
    lines = [
        (_("id:"), found.id), (_("title:"), found.title), (_("programme:"), found.programme),
        (_("host:"), found.host), (_("site:"), found.site), (_("territory:"), found.territory),
        (_("theme:"), found.theme),
        (_("weeks:"), _("{start} to {end}", start=found.start, end=found.end)),
        (_("language:"), found.language), (_("licence:"), found.license),
        (_("keywords:"), ", ".join(found.keywords)), (_("holds:"), counts),
        (_("added from:"), found.origin), (_("added on:"), found.added),
    ]  # fmt: skip
    insights = found.insights or ()
    label_insights = _c("insights:")
    width = max(12, len(label_insights) + 1, *(len(label) + 1 for label, _value in lines))
    for label, value in lines:
        if value:
            output.echo(f"{label:<{width}} {value}")
    for n, insight in enumerate(insights):
        output.echo(f"{label_insights if n == 0 else '':<{width}} {insight.title} ({insight.id})")
        evidence = _c.plural(
            "{n} journal entry cited", "{n} journal entries cited", insight.entries
        )
        if insight.tests:
            tests = _c.plural(
                "{n} prototype test cited", "{n} prototype tests cited", insight.tests
            )
            evidence = f"{evidence}, {tests}"
        details = f"{', '.join(insight.tags)} — {evidence}" if insight.tags else evidence
        output.echo(f"{'':<{width}}   {details}")


def _count(kind: str, n: int) -> str:
    """Return how many items of a kind a residency of the catalogue holds: "60 entries"."""
    if kind == "entries":
        return _.plural("{n} entry", "{n} entries", n)
    if kind == "prototypes":
        return _.plural("{n} prototype", "{n} prototypes", n)
    if kind == "scenarios":
        return _.plural("{n} scenario", "{n} scenarios", n)
    if kind == "methods":
        return _.plural("{n} method", "{n} methods", n)
    if kind == "actors":
        return _.plural("{n} actor", "{n} actors", n)
    if kind == "insights":
        return _c.plural("{n} insight", "{n} insights", n)
    return f"{n} {kind}"  # a kind a newer version counted: as it is stored


@catalog_app.command(
    "remove",
    help=_("Remove a residency from the catalogue (its folder or archive is not touched)."),
)
def catalog_remove(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help=_("The residency's id."), show_default=False)
    ],
    catalog: CatalogOption = None,
) -> None:
    """Remove a residency from the catalogue."""
    from residence.catalog import commands as catalog_commands

    path = catalog_commands.catalog_remove(ident, catalog)
    output.say(_("Removed {id} from {path}.", id=ident, path=path))


@catalog_app.command(
    "render",
    help=_(
        "Write the catalogue as a static website: residencies by year, territory and "
        "programme, the commons of method sheets, and each residency's full report.\n\n"
        "The folder is replaced as a whole; a folder that residence did not make is refused."
    ),
)
def catalog_render(
    out: Annotated[Path, typer.Option("--out", help=_("The folder of the site."))] = Path(
        "catalogue"
    ),
    language: Annotated[
        Language, typer.Option("--language", help=_("Language of the site's labels."))
    ] = FRENCH,
    catalog: CatalogOption = None,
) -> None:
    """Write the catalogue as a static website."""
    from residence.catalog import commands as catalog_commands

    site = catalog_commands.catalog_render(out, language.value, catalog)
    warnings = [p for p in site.problems if p.severity == "warning"]
    if warnings:
        output.say(
            _.plural(
                "{n} warning (photos left out, origins no longer readable):",
                "{n} warnings (photos left out, origins no longer readable):",
                len(warnings),
            )
        )
        output.print_problems(warnings[:20])
    output.echo(str(out / "index.html"))
    output.say(
        _(
            "Wrote {pages} and {reports} into {out}.",
            pages=_.plural("{n} page", "{n} pages", site.pages),
            reports=_.plural("{n} report", "{n} reports", site.reports),
            out=out,
        )
    )
