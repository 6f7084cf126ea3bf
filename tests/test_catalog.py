"""The catalogue: SQLite + FTS5 search over public editions, filters, sharing, the static site."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import threading
import zipfile
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from residence.archive import write_archive
from residence.catalog import (
    MARK_END,
    MARK_START,
    Catalog,
    CatalogError,
    Filters,
    Outcome,
    add_paths,
    default_catalog_path,
    fts_query,
    open_catalog,
    pack_residency,
    read_for_catalog,
    render_site,
    unpack_residency,
)
from residence.cli import app
from residence.errors import ResidenceError
from residence.gate import select_edition
from residence.i18n import current_language, set_language
from residence.load import load_residency
from residence.models import Published

EXAMPLE = Path(__file__).parent.parent / "examples" / "lycee-jean-moulin"


def variant(
    minimal: Path,
    tmp_path: Path,
    ident: str,
    *,
    title: str | None = None,
    territory: str | None = None,
    programme: str | None = None,
    year: int | None = None,
    question: str | None = None,
) -> Path:
    """Return a copy of the minimal residency with another id, title, place or year."""
    folder = tmp_path / "variants" / ident
    shutil.copytree(minimal, folder)
    main = folder / "residence.yaml"
    text = main.read_text(encoding="utf-8").replace("id: mairie-annexe", f"id: {ident}")
    if title:
        text = re.sub(r"^title: .*$", f'title: "{title}"', text, flags=re.M)
    if territory:
        text = re.sub(r"^territory: .*$", f'territory: "{territory}"', text, flags=re.M)
    if programme:
        text = re.sub(r"^programme: .*$", f"programme: {programme}", text, flags=re.M)
    if question:
        text = text.replace(
            "Comment rendre l'accueil de la mairie annexe **plus lisible** pour les habitants ?",
            question,
        )
    main.write_text(text, encoding="utf-8")
    if year:
        for path in sorted(folder.rglob("*.yaml")):
            path.write_text(
                path.read_text(encoding="utf-8").replace("2025-", f"{year}-"), encoding="utf-8"
            )
            if path.name.startswith("2025-"):
                path.rename(path.with_name(path.name.replace("2025-", f"{year}-")))
    return folder


def add(catalog: Catalog, path: Path) -> str:
    with read_for_catalog(path) as candidate:
        return catalog.add(candidate.published, candidate.origin).id


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    with open_catalog(tmp_path / "catalog.sqlite") as opened:
        yield opened


def test_catalog_add_and_search_ignores_case_and_accents(
    catalog: Catalog, minimal: Path, tmp_path: Path
) -> None:
    lycee = variant(minimal, tmp_path, "lycee-test", title="Le hall du lycée Jean-Moulin")
    add(catalog, minimal)
    add(catalog, lycee)
    for query in ("lycee", "LYCÉE", "Lycée", "jean-moulin"):
        hits = catalog.search(query)
        assert hits, query
        assert hits[0].residency_id == "lycee-test"
        assert hits[0].kind == "residency"
    assert catalog.count() == 2


def test_catalog_search_covers_every_kind_of_item(catalog: Catalog, minimal: Path) -> None:
    add(catalog, minimal)
    expectations = {
        "lisible": "residency",  # the question
        "matinée": "entry",  # a journal entry's body
        "pictogrammes": "prototype",  # a test session's learnings
        "vingt minutes": "scenario",
        "carnet": "method",  # materials
    }
    for query, kind in expectations.items():
        hits = catalog.search(query)
        assert [h.kind for h in hits] == [kind], query


def test_catalog_ranks_titles_first_and_returns_snippets(catalog: Catalog, minimal: Path) -> None:
    add(catalog, minimal)
    hits = catalog.search("guichet")
    assert len(hits) >= 4
    assert "guichet" in hits[0].title.lower()
    assert hits == sorted(hits, key=lambda h: h.score)
    assert all(MARK_START in h.snippet and MARK_END in h.snippet for h in hits)
    assert hits[0].as_dict()["snippet"].count("[") >= 1


def test_catalog_adding_again_updates(catalog: Catalog, minimal: Path) -> None:
    add(catalog, minimal)
    before = catalog.search("matinée")
    entry = minimal / "journal" / "2025-03-03-premier-jour.yaml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace("matinée", "soirée"), encoding="utf-8"
    )
    with read_for_catalog(minimal) as candidate:
        added = catalog.add(candidate.published, candidate.origin)
    assert added.updated
    assert added.previous_origin == str(minimal.resolve())
    assert catalog.count() == 1
    assert before and not catalog.search("matinée")
    assert catalog.search("soirée")
    rows = catalog.db.execute("SELECT COUNT(*) FROM item").fetchone()[0]
    texts = catalog.db.execute("SELECT COUNT(*) FROM item_text").fetchone()[0]
    assert rows == texts == added.items


def test_catalog_holds_only_the_public_edition(catalog: Catalog, minimal: Path) -> None:
    consent = minimal / "private" / "consent.yaml"
    consent.write_text(
        consent.read_text(encoding="utf-8").replace("scope: public", "scope: none"),
        encoding="utf-8",
    )
    (minimal / "journal" / "2025-03-05-note.yaml").write_text(
        "date: 2025-03-05\ntitle: Note\nkind: reflection\nauthors: [claire]\n"
        "visibility: team\nbody: confidentielxyz\n",
        encoding="utf-8",
    )
    add(catalog, minimal)
    assert not catalog.search("confidentielxyz")
    assert not catalog.search("Jeanne")
    assert catalog.search("Personne")
    stored = catalog.content("mairie-annexe", minimal)
    assert stored.edition == "public"
    assert not stored.consents
    assert all(a.name != "Jeanne Martin" for a in stored.actors)
    raw = catalog.db.execute("SELECT group_concat(title || body) FROM item_text").fetchone()[0]
    assert "Jeanne" not in raw


def test_catalog_filters(catalog: Catalog, minimal: Path, tmp_path: Path) -> None:
    add(catalog, minimal)
    add(
        catalog,
        variant(
            minimal,
            tmp_path,
            "transfo-2023",
            programme="la-transfo",
            year=2023,
            territory="Saint-Étienne-du-Rouvray",
        ),
    )
    assert [s.id for s in catalog.summaries()] == ["mairie-annexe", "transfo-2023"]
    assert [s.id for s in catalog.summaries(Filters(programme="la-transfo"))] == ["transfo-2023"]
    assert [s.id for s in catalog.summaries(Filters(year=2023))] == ["transfo-2023"]
    assert [s.id for s in catalog.summaries(Filters(territory="etienne"))] == ["transfo-2023"]
    assert [s.id for s in catalog.summaries(Filters(territory="SAINT ÉTIENNE"))] == ["transfo-2023"]
    assert catalog.summaries(Filters(territory="100%_")) == []
    hits = catalog.search("guichet", Filters(year=2023))
    assert hits and {h.residency_id for h in hits} == {"transfo-2023"}
    assert {h.kind for h in catalog.search("guichet", Filters(kind="method"))} == {"method"}
    interviews = catalog.search("guichet", Filters(kind="interview"))
    assert interviews and {(h.kind, h.subkind) for h in interviews} == {("entry", "interview")}


def test_catalog_query_language() -> None:
    assert fts_query("lycée hall") == '"lycée" "hall"'
    assert fts_query("l'accueil Jean-Moulin") == '"l\'accueil" "Jean-Moulin"'
    assert fts_query('"mur des chemins" OR comptoir') == '"mur des chemins" OR "comptoir"'
    assert fts_query("proto*") == '"proto" *'
    assert fts_query('OR "a" OR') == '"a"'
    assert fts_query('say "hi') == '"say" "hi"'
    with pytest.raises(ResidenceError):
        fts_query("  ?! -- ")


def test_catalog_search_with_punctuation_never_fails(catalog: Catalog, minimal: Path) -> None:
    add(catalog, minimal)
    for query in ("l'accueil", "NEAR(", "a AND", "*", "guichet)", "col:umn", '"""', "2025-03"):
        try:
            catalog.search(query)
        except ResidenceError as exc:
            assert exc.usage
    assert catalog.search("l'entrée")


def test_catalog_remove_and_show(catalog: Catalog, minimal: Path) -> None:
    add(catalog, minimal)
    summary = catalog.get("mairie-annexe")
    assert summary is not None
    assert summary.year == 2025
    assert summary.counts["entries"] == 3
    assert catalog.remove("mairie-annexe")
    assert not catalog.remove("mairie-annexe")
    assert catalog.get("mairie-annexe") is None
    assert catalog.db.execute("SELECT COUNT(*) FROM item_text").fetchone()[0] == 0


def test_catalog_stored_edition_round_trips(minimal: Path) -> None:
    residency, _ = load_residency(minimal)
    published = select_edition(residency, "public")
    back = unpack_residency(pack_residency(published), minimal)
    assert back.residence == published.residence
    assert back.entries == published.entries
    assert back.methods == published.methods
    assert [e._source for e in back.entries] == [e._source for e in published.entries]


def test_catalog_reads_the_first_stored_layout(minimal: Path) -> None:
    """Catalogues written before the stored JSON changed layout still open."""
    residency, _ = load_residency(minimal)
    published = select_edition(residency, "public")

    def record(item: object) -> dict[str, object]:
        data = item.model_dump(mode="json", by_alias=True, exclude_none=True)  # type: ignore[attr-defined]
        return {"source": item._source, "data": data}  # type: ignore[attr-defined]

    old = {
        key: [record(i) for i in getattr(published, key)]
        for key in ("actors", "relations", "entries", "prototypes", "scenarios", "methods")
    }
    old["residence"] = record(published.residence)  # type: ignore[assignment]
    old["pseudonyms"] = published.pseudonyms  # type: ignore[assignment]
    content = zlib.compress(json.dumps(old).encode("utf-8"))
    back = unpack_residency(content, minimal)
    assert back.residence == published.residence
    assert len(back.entries) == len(published.entries)
    # Such a record kept no consent scopes: read again through the gate, every person met
    # is protected, even one who agreed to be named (never the other way round).
    assert published.scopes == {"jeanne-martin": "public"}
    assert [a.name for a in back.actors if a.personal] == ["Personne A"]
    assert "jeanne" not in json.dumps([e.model_dump(mode="json") for e in back.entries]).lower()
    assert not any("jeanne" in (e._source or "") for e in back.entries)


def test_catalog_unpacks_through_the_gate_with_the_scopes_it_kept(minimal: Path) -> None:
    residency, _ = load_residency(minimal)
    published = select_edition(residency, "public")
    back = unpack_residency(pack_residency(published), minimal)
    assert isinstance(back, Published) and back.edition == "public"
    assert back.entries == published.entries
    assert back.actors == published.actors
    assert back.scopes == published.scopes


def test_catalog_add_paths_in_order_refusals_included(
    catalog: Catalog, minimal: Path, tmp_path: Path
) -> None:
    """A batch is added in order; a refused residency does not stop the others."""
    first = variant(minimal, tmp_path, "premiere", title="Première résidence")
    broken = variant(minimal, tmp_path, "cassee")
    (broken / "actors.yaml").write_text("actors: [\n", encoding="utf-8")
    last = variant(minimal, tmp_path, "derniere", title="Dernière résidence")
    paths = [first, broken, last, first]
    outcomes: list[Outcome] = []
    for outcome in add_paths(catalog, paths):
        # Between two outcomes nothing is being written: the catalogue can be read.
        assert catalog.count() == sum(
            o.added is not None and not o.added.updated for o in [*outcomes, outcome]
        )
        outcomes.append(outcome)
    assert [o.path for o in outcomes] == paths
    assert [o.added.id if o.added else None for o in outcomes] == [
        "premiere",
        None,
        "derniere",
        "premiere",
    ]
    assert outcomes[1].refused and any("actors.yaml" in str(p) for p in outcomes[1].problems)
    assert outcomes[3].added is not None and outcomes[3].added.updated
    assert catalog.count() == 2
    assert {h.residency_id for h in catalog.search("Dernière")} == {"derniere"}


# -- archives --------------------------------------------------------------------------------


def _archive(minimal: Path, dest: Path, edition: str) -> Path:
    residency, _ = load_residency(minimal)
    write_archive(dest, select_edition(residency, edition), {})  # type: ignore[arg-type]
    return dest


def test_catalog_adds_a_public_archive(catalog: Catalog, minimal: Path, tmp_path: Path) -> None:
    archive = _archive(minimal, tmp_path / "a.zip", "public")
    assert add(catalog, archive) == "mairie-annexe"
    summary = catalog.get("mairie-annexe")
    assert summary is not None and summary.origin == str(archive.resolve())
    assert catalog.search("matinée")


def test_catalog_refuses_a_team_archive(catalog: Catalog, minimal: Path, tmp_path: Path) -> None:
    archive = _archive(minimal, tmp_path / "t.zip", "team")
    with pytest.raises(ResidenceError, match="team edition"):
        add(catalog, archive)
    assert catalog.count() == 0


def test_catalog_refuses_a_damaged_archive(catalog: Catalog, minimal: Path, tmp_path: Path) -> None:
    archive = _archive(minimal, tmp_path / "a.zip", "public")
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "bag")
    target = tmp_path / "bag" / "mairie-annexe" / "data" / "residency" / "residence.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    with pytest.raises(ResidenceError, match="damaged"):
        add(catalog, tmp_path / "bag" / "mairie-annexe")


def _rebag(bag: Path) -> None:
    """Write a bag's manifests again after its payload changed (an intact, doctored bag)."""
    import bagit

    bagit.Bag(str(bag)).save(manifests=True)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        # A file the crate does not describe: verify already calls the bag damaged.
        ("private", "not described in ro-crate-metadata.json"),
        ("team-entry", "is marked as a public edition but holds a team-only note"),
        ("header", "does not say it is a public edition"),
    ],
)
def test_catalog_refuses_a_public_archive_whose_contents_are_a_teams(
    catalog: Catalog, minimal: Path, tmp_path: Path, change: str, said: str
) -> None:
    archive = _archive(minimal, tmp_path / "a.zip", "public")
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "bag")
    bag = tmp_path / "bag" / "mairie-annexe"
    sources = bag / "data" / "residency"
    if change == "private":
        (sources / "private").mkdir()
        (sources / "private" / "notes.md").write_text("Jeanne Martin, 06…\n", encoding="utf-8")
    elif change == "team-entry":
        entry = next((sources / "journal").glob("*.yaml"))
        entry.write_text(entry.read_text(encoding="utf-8") + "visibility: team\n", "utf-8")
    else:
        entry = next((sources / "journal").glob("*.yaml"))
        text = entry.read_text(encoding="utf-8").replace("# Public edition", "# Team edition")
        entry.write_text(text, encoding="utf-8")
    _rebag(bag)
    with pytest.raises(ResidenceError) as caught:
        add(catalog, bag)
    assert catalog.count() == 0
    assert said in str(caught.value)


def test_public_archive_reproduces_its_public_edition(minimal: Path, tmp_path: Path) -> None:
    """The archive keeps what the gate decided for each person met (not their consent
    records): read again, its sources make the same public edition."""
    residency, _ = load_residency(minimal)
    published = select_edition(residency, "public")
    archive = _archive(minimal, tmp_path / "a.zip", "public")
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        scopes = z.read("mairie-annexe/data/residency/consent-scopes.yaml").decode("utf-8")
        z.extractall(tmp_path / "bag")
    assert not [n for n in names if "/private/" in n]
    assert "jeanne-martin: public" in scopes and "notes" not in scopes
    again, problems = load_residency(tmp_path / "bag" / "mairie-annexe" / "data" / "residency")
    assert not [p for p in problems if p.severity == "error"], problems
    republished = select_edition(again, "public")
    assert [(a.id, a.name) for a in republished.actors] == [
        (a.id, a.name) for a in published.actors
    ]
    assert [(e.title, e.body) for e in republished.entries] == [
        (e.title, e.body) for e in published.entries
    ]
    assert republished.scopes == published.scopes


def test_catalog_refuses_a_residency_with_errors(catalog: Catalog, minimal: Path) -> None:
    (minimal / "actors.yaml").write_text("actors: [\n", encoding="utf-8")
    with pytest.raises(ResidenceError) as caught:
        add(catalog, minimal)
    assert caught.value.problems[0].path == "actors.yaml"


# -- the file --------------------------------------------------------------------------------


def test_catalog_file_settings_suit_a_shared_drive(catalog: Catalog) -> None:
    assert catalog.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert catalog.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000


def test_catalog_two_writers_at_once_both_succeed(minimal: Path, tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    open_catalog(path).close()
    folders = [variant(minimal, tmp_path, f"team-{n}") for n in range(4)]
    errors: list[BaseException] = []

    def writer(folder: Path) -> None:
        try:
            with open_catalog(path) as own:
                add(own, folder)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f,)) for f in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with open_catalog(path) as cat:
        assert cat.count() == 4
        assert len(cat.search("matinée")) == 4


def test_catalog_refuses_files_that_are_not_catalogues(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database at all, just text " * 100, encoding="utf-8")
    with pytest.raises(CatalogError, match="not a residence catalogue"):
        open_catalog(text)
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(CatalogError, match="another program"):
        open_catalog(other)
    newer = tmp_path / "newer.sqlite"
    open_catalog(newer).close()
    db = sqlite3.connect(newer)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(CatalogError, match="newer version"):
        open_catalog(newer)
    with pytest.raises(CatalogError):
        open_catalog(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()


def test_catalog_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RESIDENCE_CATALOG", str(tmp_path / "team.sqlite"))
    assert default_catalog_path() == tmp_path / "team.sqlite"
    monkeypatch.delenv("RESIDENCE_CATALOG")
    assert default_catalog_path().name == "catalog.sqlite"
    assert "residence" in default_catalog_path().parts


# -- the command line ------------------------------------------------------------------------


def test_catalog_cli_add_list_search_show_remove(minimal: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"RESIDENCE_CATALOG": str(tmp_path / "env.sqlite")}
    result = runner.invoke(app, ["catalog", "list"], env=env)
    assert result.exit_code == 0
    assert "empty" in result.stderr
    result = runner.invoke(app, ["catalog", "add", str(minimal)], env=env)
    assert result.exit_code == 0, result.stderr
    assert "Added mairie-annexe" in result.stderr
    result = runner.invoke(app, ["catalog", "add", str(minimal)], env=env)
    assert "Updated mairie-annexe" in result.stderr
    result = runner.invoke(app, ["catalog", "list"], env=env)
    assert result.stdout.startswith("mairie-annexe\t2025\tterritoires-en-residences")
    result = runner.invoke(app, ["catalog", "search", "matinee"], env=env)
    assert result.exit_code == 0
    assert "Premier jour au guichet" in result.stdout
    assert "[matinée]" in result.stdout
    result = runner.invoke(
        app, ["catalog", "search", "guichet", "--kind", "method", "--format", "json"], env=env
    )
    assert '"kind": "method"' in result.stdout
    result = runner.invoke(app, ["catalog", "search", "?!"], env=env)
    assert result.exit_code == 2
    result = runner.invoke(app, ["catalog", "show", "mairie-annexe"], env=env)
    assert "host:        Ville de Bourg-la-Reine" in result.stdout
    assert runner.invoke(app, ["catalog", "show", "nope"], env=env).exit_code == 2
    other = tmp_path / "explicit.sqlite"
    result = runner.invoke(app, ["catalog", "list", "--catalog", str(other)], env=env)
    assert result.stdout == ""
    result = runner.invoke(app, ["catalog", "remove", "mairie-annexe"], env=env)
    assert result.exit_code == 0
    assert runner.invoke(app, ["catalog", "remove", "mairie-annexe"], env=env).exit_code == 2


def test_catalog_cli_add_reports_each_refusal(minimal: Path, tmp_path: Path) -> None:
    broken = variant(minimal, tmp_path, "broken")
    (broken / "actors.yaml").write_text("actors: [\n", encoding="utf-8")
    catalog_file = tmp_path / "c.sqlite"
    result = CliRunner().invoke(
        app, ["catalog", "add", str(broken), str(minimal), "--catalog", str(catalog_file)]
    )
    assert result.exit_code == 1
    assert "actors.yaml:" in result.stderr
    assert "Added mairie-annexe" in result.stderr
    with open_catalog(catalog_file) as cat:
        assert cat.count() == 1


def test_catalog_cli_help() -> None:
    for command in ("add", "list", "search", "show", "remove", "render"):
        result = CliRunner().invoke(app, ["catalog", command, "--help"])
        assert result.exit_code == 0, command
        assert "--catalog" in result.stdout


# -- the static site -------------------------------------------------------------------------

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Page(HTMLParser):
    """Collects what the accessibility checks need, and whether tags are balanced."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close <{self.stack[-1] if self.stack else ''}>")
            return
        self.stack.pop()


def check_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert html.startswith("<!DOCTYPE html>")
    assert not page.errors, page.errors
    assert not page.stack, page.stack
    names = [t for t, _ in page.tags]
    assert names.count("h1") == 1
    assert page.tags[0][0] == "html" and page.tags[0][1].get("lang") in {"fr", "en"}
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in names
    assert names.count("table") == names.count("caption")
    assert len(page.ids) == len(set(page.ids))
    assert all(v.get("alt") is not None for t, v in page.tags if t == "img")
    return page


def test_catalog_render_writes_an_accessible_site(
    catalog: Catalog, minimal: Path, tmp_path: Path
) -> None:
    add(catalog, minimal)
    add(
        catalog,
        variant(
            minimal,
            tmp_path,
            "transfo-2023",
            programme="la-transfo",
            year=2023,
            title="Le guichet unique, deux ans après",
        ),
    )
    out = tmp_path / "site"
    site = render_site(catalog, out, "fr")
    assert site.reports == 2
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    for rel in (
        "index.html",
        "territories.html",
        "programmes.html",
        "methods/index.html",
        "residencies/mairie-annexe/index.html",
        "residencies/transfo-2023/index.html",
        "methods/mairie-annexe/entretien-guichet.html",
        "residencies/mairie-annexe/report.html",
    ):
        assert rel in pages
    for rel in pages:
        if rel.endswith("report.html"):
            continue  # the report has its own tests
        check_page((out / rel).read_text(encoding="utf-8"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Résidences par année" in index
    assert index.index(">2025<") < index.index(">2023<")
    assert 'href="residencies/transfo-2023/index.html"' in index
    programmes = (out / "programmes.html").read_text(encoding="utf-8")
    assert "La Transfo" in programmes and "Territoires en résidences" in programmes
    sheet = (out / "methods/mairie-annexe/entretien-guichet.html").read_text(encoding="utf-8")
    assert "Entretien avec Jeanne" in sheet  # where it was used
    assert "orientation" in sheet  # the prototype that used it
    commons = (out / "methods/index.html").read_text(encoding="utf-8")
    assert commons.count("entretien-guichet.html") == 2
    residency = (out / "residencies/mairie-annexe/index.html").read_text(encoding="utf-8")
    assert 'href="report.html"' in residency
    assert (out / "catalog.css").is_file()


def test_catalog_site_publishes_the_drawings_the_gate_cleaned(
    catalog: Catalog, minimal: Path, tmp_path: Path
) -> None:
    """The site is made from the catalogue's record, whose gate no longer knows the hidden
    names: it must publish the drawing the gate cleaned when the residency was added."""
    actors = minimal / "actors.yaml"
    actors.write_text(
        actors.read_text(encoding="utf-8").replace(
            "relations:",
            '  - id: marcel\n    name: "Marcel Dupuis"\n    kind: inhabitant\n'
            "    sector: users\n    circle: direct\n    personal: true\nrelations:",
        ),
        encoding="utf-8",
    )
    (minimal / "media" / "hall.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<title>Le hall vu par Marcel Dupuis</title><rect width="40" height="20"/></svg>',
        encoding="utf-8",
    )
    add(catalog, minimal)
    out = tmp_path / "site"
    render_site(catalog, out, "fr")
    drawings = [p for p in out.rglob("*.svg") if "hall" in p.name or "Le hall" in p.read_text()]
    assert drawings, sorted(p.name for p in out.rglob("*"))
    for path in out.rglob("*"):
        if path.is_file():
            assert b"Dupuis" not in path.read_bytes(), path


def test_catalog_render_in_english_and_rerender(
    catalog: Catalog, minimal: Path, tmp_path: Path
) -> None:
    add(catalog, minimal)
    out = tmp_path / "site"
    render_site(catalog, out, "en")
    assert "Residencies by year" in (out / "index.html").read_text(encoding="utf-8")
    catalog.remove("mairie-annexe")
    render_site(catalog, out, "en")
    assert not (out / "residencies" / "mairie-annexe").exists()
    check_page((out / "index.html").read_text(encoding="utf-8"))


def test_catalog_render_refuses_a_folder_it_did_not_make(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.odt").write_text("precious", encoding="utf-8")
    with pytest.raises(ResidenceError, match="not empty"):
        render_site(catalog, out)
    assert (out / "thesis.odt").read_text(encoding="utf-8") == "precious"


def test_catalog_render_failure_keeps_the_previous_site(
    catalog: Catalog, minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(catalog, minimal)
    out = tmp_path / "public" / "site"
    render_site(catalog, out, "fr")
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    add(catalog, variant(minimal, tmp_path, "transfo-2023", programme="la-transfo", year=2023))

    def disk_full(*args: object) -> bool:
        raise OSError(28, "No space left on device")

    # The listings are written, then the first residency's report fails.
    monkeypatch.setattr("residence.catalog.site._write_report", disk_full)
    with pytest.raises(OSError, match="No space left"):
        render_site(catalog, out, "fr")
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in out.parent.iterdir()] == ["site"]  # no temporary folder left


def test_catalog_method_sheet_links_entries_whose_names_make_the_same_slug(
    catalog: Catalog, minimal: Path, tmp_path: Path
) -> None:
    """Two journal files whose names slug alike get the report's anchors -…, -…-2."""
    journal = minimal / "journal"
    text = (journal / "2025-03-04-entretien-jeanne.yaml").read_text(encoding="utf-8")
    (journal / "2025-03-04-entretien_jeanne.yaml").write_text(
        text.replace("Entretien avec Jeanne", "Second entretien avec Jeanne"), encoding="utf-8"
    )
    add(catalog, minimal)
    out = tmp_path / "site"
    render_site(catalog, out, "fr")
    sheet = (out / "methods/mairie-annexe/entretien-guichet.html").read_text(encoding="utf-8")
    links = dict(re.findall(r'<a href="[^"#]*report\.html#(entry-[^"]+)">([^<]+)</a>', sheet))
    assert set(links) == {
        "entry-2025-03-04-entretien-jeanne",
        "entry-2025-03-04-entretien-jeanne-2",
    }
    report = (out / "residencies/mairie-annexe/report.html").read_text(encoding="utf-8")
    for anchor, title in links.items():
        assert f'<h5 id="{anchor}">{title}</h5>' in report


def test_catalog_render_without_the_origin_still_works(
    catalog: Catalog, minimal: Path, tmp_path: Path
) -> None:
    add(catalog, minimal)
    shutil.rmtree(minimal)
    site = render_site(catalog, tmp_path / "site")
    assert site.reports == 1
    assert any(p.code == "origin-missing" for p in site.problems)


def test_catalog_cli_render(minimal: Path, tmp_path: Path) -> None:
    catalog_file = tmp_path / "c.sqlite"
    CliRunner().invoke(app, ["catalog", "add", str(minimal), "--catalog", str(catalog_file)])
    result = CliRunner().invoke(
        app, ["catalog", "render", "--out", str(tmp_path / "site"), "--catalog", str(catalog_file)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "site" / "index.html")


def test_catalog_example_residency_is_searchable(catalog: Catalog) -> None:
    add(catalog, EXAMPLE)
    hits = catalog.search("lycee")
    assert hits
    assert hits[0].residency_id == "lycee-jean-moulin"
    team_only = [e for e in load_residency(EXAMPLE)[0].entries if e.visibility == "team"]
    assert team_only
    for entry in team_only:
        titles = {h.title for h in catalog.search(f'"{entry.title}"', limit=1000)}
        assert entry.title not in titles


VNU_JAR = Path(__file__).parent.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_catalog_site_is_valid_html_for_the_nu_checker(
    catalog: Catalog, minimal: Path, tmp_path: Path
) -> None:
    """The Nu HTML checker (vnu) finds no error in the site's own pages."""
    import json
    import os
    import subprocess

    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        message = "java or node_modules/vnu-jar is missing: `make test` installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    add(catalog, minimal)
    add(catalog, EXAMPLE)
    out = tmp_path / "site"
    render_site(catalog, out, "fr")
    pages = sorted(str(p) for p in out.rglob("*.html") if p.name != "report.html")
    assert len(pages) >= 8
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *pages],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr[-2000:]
    messages = json.loads(run.stderr)["messages"]
    assert not messages, messages[:5]


# -- in French ------------------------------------------------------------------------------


@pytest.fixture
def french() -> Iterator[None]:
    """The messages in French for one test (the suite runs in English)."""
    before = current_language()
    set_language("fr")
    try:
        yield
    finally:
        set_language(before)


def test_catalog_refusals_in_french(
    catalog: Catalog, minimal: Path, tmp_path: Path, french: None
) -> None:
    with pytest.raises(ResidenceError) as caught:
        Filters(year=99999)
    assert str(caught.value).endswith(
        "--year 99999 n'est pas une année : donnez-en une de 1 à 9999"
    )
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database at all, just text " * 100, encoding="utf-8")
    with pytest.raises(CatalogError, match="n'est pas un catalogue de residence"):
        open_catalog(text)
    archive = _archive(minimal, tmp_path / "t.zip", "team")
    with pytest.raises(ResidenceError, match=r"l'archive t\.zip est une édition d'équipe : "):
        add(catalog, archive)


def test_catalog_cli_in_french(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = CliRunner().invoke(
        app, ["catalog", "search", "x", "--catalog", str(folder)], env={"RESIDENCE_LANG": "fr"}
    )
    assert result.exit_code == 2
    assert "est un dossier : donnez le chemin du fichier catalogue" in result.output
