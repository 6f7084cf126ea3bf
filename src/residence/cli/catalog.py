# SPDX-License-Identifier: EUPL-1.2
"""`residence catalog …`: the catalogue of past residencies, its search and its website."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, get_args

import typer

from residence import pipeline
from residence.cli import output
from residence.cli.options import FRENCH, TEXT, Language, OutputFormat, Programme, choices
from residence.vocabulary import EntryKind, ItemKind

if TYPE_CHECKING:
    from residence.cli.options import Choice as CatalogKind
else:  # an item kind, or a journal entry's kind
    CatalogKind = choices("CatalogKind", (*get_args(ItemKind), *get_args(EntryKind)))

catalog_app = typer.Typer(
    help="The catalogue of past residencies: one SQLite file, full-text search, a static site.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        envvar="RESIDENCE_CATALOG",
        help="The catalogue file (default: catalog.sqlite in your data folder; set "
        "RESIDENCE_CATALOG to share one on a team drive).",
        show_default=False,
    ),
]
ProgrammeFilter = Annotated[
    Programme | None, typer.Option("--programme", help="Only this programme.", show_default=False)
]
TerritoryFilter = Annotated[
    str | None,
    typer.Option(
        "--territory",
        help="Only territories containing these words (case and accents do not matter).",
        show_default=False,
    ),
]
YearFilter = Annotated[
    int | None,
    typer.Option("--year", help="Only residencies on site that year.", show_default=False),
]


def _empty_catalog(path: Path) -> None:
    output.say(f"The catalogue {path} is empty: add residencies with residence catalog add DIR.")


@catalog_app.command("add")
def catalog_add(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Residency folders or archives (FILE.zip) to add.", show_default=False),
    ],
    catalog: CatalogOption = None,
) -> None:
    """Add residencies to the catalogue: folders (their public edition) or public archives.

    Adding a residency again updates it (by its id). A residency with errors, a damaged
    archive and a team-edition archive are refused (exit 1); the others are still added.
    """
    where, outcomes = pipeline.catalog_add(paths, catalog)
    failed = 0
    for outcome in outcomes:
        if outcome.added is None:
            output.print_problems(outcome.problems)
            output.say(f"Not added: {outcome.path}")
            failed += 1
            continue
        added = outcome.added
        verb = "Updated" if added.updated else "Added"
        output.say(
            f"{verb} {added.id}: {added.title} ({output.plural(added.items, 'item')} indexed)."
        )
    output.say(f"Catalogue: {where}")
    if failed:
        raise typer.Exit(code=1)


@catalog_app.command("list")
def catalog_list(
    programme: ProgrammeFilter = None,
    territory: TerritoryFilter = None,
    year: YearFilter = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="text: a table; json: a list.")
    ] = TEXT,
    catalog: CatalogOption = None,
) -> None:
    """List the residencies of the catalogue, the most recent first."""
    found = pipeline.catalog_list(
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
    output.say(f"{output.plural(len(found.items), 'residency', 'residencies')}.")


@catalog_app.command("search")
def catalog_search(
    query: Annotated[
        str,
        typer.Argument(
            help='Words to find; "an exact phrase", prefix*, a OR b.', show_default=False
        ),
    ],
    programme: ProgrammeFilter = None,
    territory: TerritoryFilter = None,
    year: YearFilter = None,
    kind: Annotated[
        CatalogKind | None,
        typer.Option(
            "--kind",
            help="Only this kind of item (entry, prototype, scenario, "
            "method, residency) or of journal entry (interview, workshop…).",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="How many results at most.")
    ] = 20,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="text: results with snippets; json: a list.")
    ] = TEXT,
    catalog: CatalogOption = None,
) -> None:
    """Search every residency of the catalogue: titles, questions, journal, prototypes, methods.

    Case and accents do not matter ("lycee" finds "lycée"); the best matches come first.
    """
    found = pipeline.catalog_search(
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
    output.say("No result." if not hits else f"{output.plural(len(hits), 'result')}.")


@catalog_app.command("show")
def catalog_show(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="The residency's id.", show_default=False)
    ],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text or json.")] = TEXT,
    catalog: CatalogOption = None,
) -> None:
    """Show one residency of the catalogue: what, where, when, and where it was added from."""
    found = pipeline.catalog_show(ident, catalog)
    if fmt.value == "json":
        output.print_json(found.as_dict())
        return
    counts = ", ".join(f"{n} {k}" for k, n in found.counts.items())
    for label, value in (
        ("id", found.id), ("title", found.title), ("programme", found.programme),
        ("host", found.host), ("site", found.site), ("territory", found.territory),
        ("theme", found.theme), ("weeks", f"{found.start} to {found.end}"),
        ("language", found.language), ("licence", found.license),
        ("keywords", ", ".join(found.keywords)), ("holds", counts),
        ("added from", found.origin), ("added on", found.added),
    ):  # fmt: skip
        if value:
            output.echo(f"{label + ':':<12} {value}")


@catalog_app.command("remove")
def catalog_remove(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="The residency's id.", show_default=False)
    ],
    catalog: CatalogOption = None,
) -> None:
    """Remove a residency from the catalogue (its folder or archive is not touched)."""
    path = pipeline.catalog_remove(ident, catalog)
    output.say(f"Removed {ident} from {path}.")


@catalog_app.command("render")
def catalog_render(
    out: Annotated[Path, typer.Option("--out", help="The folder of the site.")] = Path("catalogue"),
    language: Annotated[
        Language, typer.Option("--language", help="Language of the site's labels.")
    ] = FRENCH,
    catalog: CatalogOption = None,
) -> None:
    """Write the catalogue as a static website: residencies by year, territory and programme,
    the commons of method sheets, and each residency's full report.

    The folder is replaced as a whole; a folder that residence did not make is refused.
    """
    site = pipeline.catalog_render(out, language.value, catalog)
    warnings = [p for p in site.problems if p.severity == "warning"]
    if warnings:
        output.say(
            f"{output.plural(len(warnings), 'warning')} (photos left out, origins no longer "
            "readable):"
        )
        output.print_problems(warnings[:20])
    output.echo(str(out / "index.html"))
    output.say(
        f"Wrote {output.plural(site.pages, 'page')} and {output.plural(site.reports, 'report')} "
        f"into {out}."
    )
