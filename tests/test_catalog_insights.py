"""The catalogue indexes insights: search (statement, tags, accents), show, the site's pages,
catalogues made before insights were kept, and the privacy gate in front of all of it."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from conftest import copy_project
from leakscan import LeakScanner
from residence.archive import write_archive
from residence.catalog import (
    Catalog,
    Filters,
    open_catalog,
    pack_residency,
    prepare_rows,
    read_for_catalog,
    unpack_residency,
)
from residence.catalog import render_site as write_site
from residence.catalog.store import APPLICATION_ID
from residence.cli import app
from residence.errors import ResidenceError
from residence.findings import Evidences
from residence.gate import select_edition
from residence.i18n import _catalog as po_catalog
from residence.load import load_residency
from test_catalog import check_page

ROOT = Path(__file__).resolve().parent.parent
INTERVIEW = "2025-03-04-entretien-jeanne"
#: The team members of the minimal residency: named in every output, by right.
TEAM = ["Claire Dumas", "Malik Ouali"]


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    """The minimal residency, Jeanne Martin protected (no public consent), her interview
    coded, and three insights: one public citing her quotes (and a team note), one public
    with accented tags, one team-only."""
    root = copy_project("minimal", tmp_path / "coded")
    consent = root / "private" / "consent.yaml"
    consent.write_text(
        consent.read_text(encoding="utf-8").replace("scope: public", "scope: internal"),
        encoding="utf-8",
    )
    write(
        root,
        f"journal/{INTERVIEW}.yaml",
        "date: 2025-03-04\ntitle: Entretien avec Jeanne\nkind: interview\nauthors: [claire]\n"
        "actors: [jeanne-martin]\ntags: [attente]\nbody: Jeanne Martin vient tous les mois.\n"
        "quotes:\n"
        "  - actor: jeanne-martin\n    text: Jeanne Martin, c'est moi, et je me perds.\n"
        "    tags: [orientation]\n"
        "  - actor: jeanne-martin\n    text: Entre nous, c'est long.\n    visibility: team\n"
        "    tags: [attente]\n"
        "  - actor: agents-accueil\n    text: On voit la file s'allonger.\n"
        "    tags: [attente]\n",
    )
    write(
        root,
        "journal/2025-03-05-note-interne.yaml",
        "date: 2025-03-05\ntitle: Note interne\nkind: reflection\nauthors: [claire]\n"
        "visibility: team\nbody: Le mot secretnote reste dans l'équipe.\n",
    )
    write(
        root,
        "insights/attente-invisible.yaml",
        "id: attente-invisible\ntitle: L'attente ne se voit pas\n"
        "statement: |\n  Comme le dit Jeanne Martin, les habitants **hésitent** devant le hall.\n"
        "evidence:\n"
        f"  - entry: {INTERVIEW}\n    quote: 1\n"
        f"  - entry: {INTERVIEW}\n    quote: 2\n"
        f"  - entry: {INTERVIEW}\n    quote: 3\n"
        "  - entry: 2025-03-05-note-interne\n"
        "  - prototype: panneau-orientation\n    test: 1\n"
        "tags: [attente, orientation]\nprototypes: [panneau-orientation]\nweek: 1\n",
    )
    write(
        root,
        "insights/reperes-visibles.yaml",
        "id: reperes-visibles\ntitle: Un repère visible avant un agent\n"
        "statement: Les usagers cherchent d'abord une signalétique lisible.\n"
        "evidence:\n  - entry: 2025-03-03-premier-jour\n"
        f"  - entry: {INTERVIEW}\n    quote: 3\n"
        "tags: [Élèves, file d'attente, orientation]\nphase: analysis\n",
    )
    write(
        root,
        "insights/piste-interne.yaml",
        "id: piste-interne\ntitle: Une piste interne\nstatement: Le mot confidentielxyz.\n"
        "visibility: team\nevidence:\n  - entry: 2025-03-05-note-interne\ntags: [élèves]\n",
    )
    return root


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    with open_catalog(tmp_path / "catalog.sqlite") as opened:
        yield opened


def add(catalog: Catalog, path: Path) -> str:
    with read_for_catalog(path) as candidate:
        return catalog.add(candidate.published, candidate.origin).id


def public_archive(folder: Path, out: Path) -> Path:
    residency, _ = load_residency(folder)
    write_archive(out, select_edition(residency, "public"), {})  # type: ignore[arg-type]
    return out


def scanner() -> LeakScanner:
    return LeakScanner(["Jeanne Martin"], TEAM)


# -- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "ref"),
    [
        ("hesitent", "attente-invisible"),  # a word of the statement, without its accent
        ("hésitent", "attente-invisible"),
        ("signaletique", "reperes-visibles"),
        ("repère", "reperes-visibles"),  # the title
        ("ELEVES", "reperes-visibles"),  # a tag, without case or accents
        ("élèves", "reperes-visibles"),
        ('"file d\'attente"', "reperes-visibles"),
    ],
)
def test_search_finds_an_insight_by_its_statement_title_and_tags(
    catalog: Catalog, coded: Path, query: str, ref: str
) -> None:
    add(catalog, coded)
    hits = [h for h in catalog.search(query) if h.kind == "insight"]
    assert [h.ref for h in hits] == [ref], query
    assert hits[0].residency_id == "mairie-annexe"
    assert [h.ref for h in catalog.search(query, Filters(kind="insight"))] == [ref]


def test_search_gives_an_insight_its_residency_and_phase(catalog: Catalog, coded: Path) -> None:
    add(catalog, coded)
    [hit] = catalog.search("signaletique")
    assert (hit.kind, hit.subkind, hit.date) == ("insight", "analysis", None)
    assert hit.residency_title == "La mairie annexe, vue du guichet"
    assert hit.title == "Un repère visible avant un agent"
    assert "cherchent d'abord une [signalétique] lisible" in hit.as_dict()["snippet"]
    assert catalog.search("attente", Filters(kind="entry"))  # the other kinds still apart
    assert all(h.kind == "entry" for h in catalog.search("attente", Filters(kind="entry")))


def test_cli_search_shows_an_insight_with_its_residency(coded: Path, tmp_path: Path) -> None:
    env = {"RESIDENCE_CATALOG": str(tmp_path / "c.sqlite")}
    runner = CliRunner()
    assert runner.invoke(app, ["catalog", "add", str(coded)], env=env).exit_code == 0
    result = runner.invoke(app, ["catalog", "search", "signaletique", "--kind", "insight"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "1. Un repère visible avant un agent [insight · analysis]"
    assert lines[1] == "   La mairie annexe, vue du guichet (mairie-annexe: reperes-visibles)"
    assert "[signalétique]" in lines[2]
    result = runner.invoke(app, ["catalog", "search", "eleves", "--format", "json"], env=env)
    [found] = json.loads(result.stdout)
    assert (found["kind"], found["ref"], found["residency"]) == (
        "insight",
        "reperes-visibles",
        "mairie-annexe",
    )


# -- show ------------------------------------------------------------------------------------


def test_show_lists_the_insights_with_their_tags_and_evidence(
    catalog: Catalog, coded: Path
) -> None:
    add(catalog, coded)
    summary = catalog.get("mairie-annexe")
    assert summary is not None and summary.insights is not None
    # The team insight is not there; the evidence citing the team note and the team quote
    # is not counted: one public entry, one test.
    assert [(i.id, i.tags, i.entries, i.tests, i.week, i.phase) for i in summary.insights] == [
        ("attente-invisible", ["attente", "orientation"], 1, 1, 1, None),
        ("reperes-visibles", ["Élèves", "file d'attente", "orientation"], 2, 0, None, "analysis"),
    ]
    assert summary.counts["insights"] == 2
    assert "insights" in summary.as_dict()
    assert all(s.insights is None for s in catalog.summaries())
    assert "insights" not in catalog.summaries()[0].as_dict()


def test_cli_show_lists_the_insights(coded: Path, tmp_path: Path) -> None:
    env = {"RESIDENCE_CATALOG": str(tmp_path / "c.sqlite")}
    runner = CliRunner()
    assert runner.invoke(app, ["catalog", "add", str(coded)], env=env).exit_code == 0
    result = runner.invoke(app, ["catalog", "show", "mairie-annexe"], env=env)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "holds:       3 entries, 1 prototype, 1 scenario, 1 method, 3 actors, 2 insights" in text
    assert (
        "insights:    L'attente ne se voit pas (attente-invisible)\n"
        "               attente, orientation — 1 journal entry cited, 1 prototype test cited\n"
        "             Un repère visible avant un agent (reperes-visibles)\n"
        "               Élèves, file d'attente, orientation — 2 journal entries cited\n"
    ) in text
    result = runner.invoke(app, ["catalog", "show", "mairie-annexe", "--format", "json"], env=env)
    shown = json.loads(result.stdout)
    assert [i["id"] for i in shown["insights"]] == ["attente-invisible", "reperes-visibles"]
    assert shown["insights"][1] == {
        "id": "reperes-visibles",
        "title": "Un repère visible avant un agent",
        "tags": ["Élèves", "file d'attente", "orientation"],
        "entries": 2,
        "tests": 0,
        "week": None,
        "phase": "analysis",
    }
    french = runner.invoke(
        app, ["catalog", "show", "mairie-annexe"], env={**env, "RESIDENCE_LANG": "fr"}
    )
    assert re.search(
        r"^pistes : +L'attente ne se voit pas \(attente-invisible\)$", french.stdout, re.M
    )
    assert "1 entrée du journal citée, 1 test de prototype cité" in french.stdout
    assert "2 entrées du journal citées" in french.stdout
    assert "2 pistes" in french.stdout


# -- the privacy gate ------------------------------------------------------------------------


def test_a_team_insight_never_enters_the_catalogue(
    catalog: Catalog, coded: Path, tmp_path: Path
) -> None:
    for origin in (coded, public_archive(coded, tmp_path / "public.zip")):
        add(catalog, origin)
        assert catalog.search("confidentielxyz") == []
        assert catalog.search("secretnote") == []
        summary = catalog.get("mairie-annexe")
        assert summary is not None and summary.insights is not None
        assert "piste-interne" not in [i.id for i in summary.insights]
    data = (tmp_path / "catalog.sqlite").read_bytes()
    assert b"confidentielxyz" not in data and b"piste-interne" not in data


def test_a_public_archive_holding_a_team_insight_is_refused(
    catalog: Catalog, coded: Path, tmp_path: Path
) -> None:
    import bagit

    archive = public_archive(coded, tmp_path / "public.zip")
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "bag")
    bag = tmp_path / "bag" / "mairie-annexe"
    insight = bag / "data" / "residency" / "insights" / "reperes-visibles.yaml"
    insight.write_text(insight.read_text(encoding="utf-8") + "visibility: team\n", "utf-8")
    bagit.Bag(str(bag)).save(manifests=True)
    with pytest.raises(ResidenceError) as caught:
        add(catalog, bag)
    assert "holds a team-only note (insights/reperes-visibles.yaml)" in str(caught.value)
    assert catalog.count() == 0


def test_a_protected_name_in_the_evidence_never_reaches_the_store_or_the_site(
    catalog: Catalog, coded: Path, tmp_path: Path
) -> None:
    """Jeanne's words are cited, her interview's file is named after her and the statement
    names her: the catalogue file and the site hold her pseudonym only."""
    add(catalog, coded)
    catalog.close()
    found = scanner().path(tmp_path / "catalog.sqlite")
    assert not found, found
    with open_catalog(tmp_path / "catalog.sqlite") as again:
        summary = again.get("mairie-annexe")
        assert summary is not None and summary.insights
        [hit] = again.search("hesitent")
        assert "Personne A" in hit.snippet
        out = tmp_path / "site"
        write_site(again, out, "fr")
    page = (out / "residencies" / "mairie-annexe" / "index.html").read_text(encoding="utf-8")
    assert "L'attente ne se voit pas" in page or "L&#39;attente ne se voit pas" in page
    for path in sorted(out.rglob("*")):
        if path.is_file():
            leaks = scanner().path(path)
            assert not leaks, (path, leaks)


def test_the_stored_edition_keeps_the_insights_and_their_evidence(coded: Path) -> None:
    """What the site is made from: the record read back through the gate again."""
    residency, _ = load_residency(coded)
    published = select_edition(residency, "public")
    back = unpack_residency(pack_residency(published), coded)
    assert back.insights == published.insights
    assert [i.id for i in back.insights] == ["attente-invisible", "reperes-visibles"]
    evidences = Evidences(back)
    for insight in back.insights:
        assert all(r.found for r in evidences.of(insight)), insight.id
    cited = evidences.of(back.insights[0])[1].quote
    assert cited is not None and cited.text == "On voit la file s'allonger."


def test_the_archive_route_gives_the_same_insights_as_the_folder(
    catalog: Catalog, coded: Path, tmp_path: Path
) -> None:
    add(catalog, coded)
    from_folder = catalog.get("mairie-annexe")
    add(catalog, public_archive(coded, tmp_path / "public.zip"))
    from_archive = catalog.get("mairie-annexe")
    assert from_folder is not None and from_archive is not None
    assert from_archive.insights == from_folder.insights
    assert from_archive.counts == from_folder.counts
    found = scanner().path(tmp_path / "catalog.sqlite")
    assert not found, found


# -- the site --------------------------------------------------------------------------------


@pytest.fixture
def site(catalog: Catalog, coded: Path, minimal: Path, tmp_path: Path) -> Path:
    """The site of a catalogue holding the coded residency and, under another id, the
    minimal one (no insight) with a tag spelled otherwise."""
    add(catalog, coded)
    other = tmp_path / "autre"
    shutil.copytree(minimal, other)
    main = other / "residence.yaml"
    main.write_text(
        main.read_text(encoding="utf-8").replace("id: mairie-annexe", "id: autre-mairie"),
        encoding="utf-8",
    )
    write(
        other,
        "insights/eleves-d-abord.yaml",
        "id: eleves-d-abord\ntitle: Les élèves d'abord\nstatement: Texte.\n"
        "evidence:\n  - entry: 2025-03-03-premier-jour\ntags: [eleves, accueil]\n",
    )
    add(catalog, other)
    out = tmp_path / "site"
    write_site(catalog, out, "fr")
    return out


def _text(html: str) -> str:
    """Return a page's text, tags out and spaces joined (for reading sentences)."""
    text = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&amp;", "&")
    return " ".join(text.split())


def test_site_residency_page_shows_its_insights(site: Path) -> None:
    html = (site / "residencies" / "mairie-annexe" / "index.html").read_text(encoding="utf-8")
    page = check_page(html)
    text = _text(html)
    assert "Ce qui a été appris" in text
    assert html.index('id="team"') < html.index('id="learned"') < html.index('id="prototypes"')
    assert 'id="insight-attente-invisible"' in html and 'id="insight-reperes-visibles"' in html
    assert "les habitants <strong>hésitent</strong> devant le hall" in html
    assert "Comme le dit Personne A" in text
    assert "Étiquettes attente orientation" in text
    assert "Appuis 1 entrée du journal citée, 1 test de prototype cité" in text
    assert "Appuis 2 entrées du journal citées" in text
    assert "Prototypes qui y répondent Un panneau d'orientation à l'entrée" in text
    assert "Une piste interne" not in text
    assert [t for t, _ in page.tags].count("h3") == 2
    assert (site / "insights.html").is_file()
    other = (site / "residencies" / "autre-mairie" / "index.html").read_text(encoding="utf-8")
    assert "Les élèves d'abord" in _text(other)


def test_site_page_of_what_was_learned_groups_insights_by_tag(site: Path) -> None:
    html = (site / "insights.html").read_text(encoding="utf-8")
    check_page(html)
    text = _text(html)
    assert "3 pistes des résidences du catalogue, par étiquette." in text
    groups = re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', html)
    # Tags compare without case or accents (as check does): "Élèves" and "eleves" are one,
    # named as most insights spell it (on a tie, as the first residency met: most recent
    # first, then by title and id).
    assert [label for _id, label in groups] == [
        "accueil",
        "attente",
        "eleves",
        "file d&#39;attente",
        "orientation",
    ]
    eleves = html[html.index(">eleves</h2>") : html.index(">file d&#39;attente</h2>")]
    assert 'href="residencies/mairie-annexe/index.html#insight-reperes-visibles"' in eleves
    assert 'href="residencies/autre-mairie/index.html#insight-eleves-d-abord"' in eleves
    for target in re.findall(r'href="(residencies/[^"#]+)#([^"]+)"', html):
        assert f'id="{target[1]}"' in (site / target[0]).read_text(encoding="utf-8")
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="insights.html">Ce qui a été appris</a>' in index


def test_site_in_english_and_without_insights(
    catalog: Catalog, coded: Path, minimal: Path, tmp_path: Path
) -> None:
    add(catalog, coded)
    out = tmp_path / "site"
    write_site(catalog, out, "en")
    text = _text((out / "residencies" / "mairie-annexe" / "index.html").read_text("utf-8"))
    assert "What was learned" in text
    assert "Evidence 1 journal entry cited, 1 prototype test cited" in text
    assert "Evidence 2 journal entries cited" in text
    catalog.remove("mairie-annexe")
    add(catalog, minimal)
    write_site(catalog, out, "en")
    page = (out / "residencies" / "mairie-annexe" / "index.html").read_text("utf-8")
    assert 'id="learned"' not in page
    html = (out / "insights.html").read_text(encoding="utf-8")
    check_page(html)
    assert "No insight yet" in html


def test_site_labels_of_insights_have_their_french() -> None:
    """The site's words about insights are in catalog.po (the others in report.po)."""
    sources = [
        *(ROOT / "templates" / "catalog").glob("*.j2"),
        ROOT / "src" / "residence" / "catalog" / "site.py",
    ]
    single = re.compile(r"""(?:\b_c|\bc\.gettext)\(\s*(["'])((?:\\.|(?!\1).)*)\1""", re.S)
    plural = re.compile(r"""(?:ngettext_c|\bc\.ngettext)\(\s*(["'])((?:\\.|(?!\1).)*)\1""", re.S)
    wanted: set[str] = set()
    for path in sources:
        text = re.sub(r'"\s*\n\s*"', "", path.read_text(encoding="utf-8"))
        wanted.update(m.group(2) for m in single.finditer(text))
        wanted.update(m.group(2) for m in plural.finditer(text))
    assert len(wanted) >= 10
    french = po_catalog("catalog", "fr")
    assert sorted(w for w in wanted if w not in french) == []


VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "tests" / "a11y" / "axe.mjs"


def test_site_pages_of_insights_are_valid_html(site: Path) -> None:
    import os
    import subprocess

    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        message = "java or node_modules/vnu-jar is missing: `make test` installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pages = [site / "insights.html", site / "residencies" / "mairie-annexe" / "index.html"]
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr[-2000:]
    messages = json.loads(run.stderr)["messages"]
    assert not messages, messages[:5]


@pytest.mark.browser
def test_site_pages_of_insights_have_no_axe_violation(site: Path) -> None:
    import os
    import subprocess

    node, chromium = shutil.which("node"), os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if node is None or not Path(chromium).is_file() or not (ROOT / "node_modules").is_dir():
        message = "node, chromium or node_modules is missing: `make test` installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pages = [site / "insights.html", site / "residencies" / "mairie-annexe" / "index.html"]
    run = subprocess.run(
        [node, str(AXE), *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        env={**os.environ, "CHROMIUM": chromium},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert all(v == [] for v in found.values()), found


# -- catalogues made before insights ---------------------------------------------------------

#: The schema of the catalogue files made before insights were kept (residence before issue
#: 21), as store.py created them: no insight table; user_version 1.
FIRST_SCHEMA = """
CREATE TABLE IF NOT EXISTS residency (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    programme TEXT NOT NULL,
    host TEXT NOT NULL,
    site TEXT NOT NULL,
    territory TEXT,
    territory_key TEXT NOT NULL,
    theme TEXT,
    language TEXT NOT NULL,
    license TEXT NOT NULL,
    start TEXT,
    end TEXT,
    start_year INTEGER,
    end_year INTEGER,
    keywords TEXT NOT NULL,
    counts TEXT NOT NULL,
    origin TEXT NOT NULL,
    added TEXT NOT NULL,
    content BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS residency_years ON residency (start_year, end_year);
CREATE INDEX IF NOT EXISTS residency_programme ON residency (programme);
CREATE TABLE IF NOT EXISTS item (
    rowid INTEGER PRIMARY KEY,
    residency_id TEXT NOT NULL REFERENCES residency (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subkind TEXT,
    ref TEXT NOT NULL,
    date TEXT
);
CREATE INDEX IF NOT EXISTS item_residency ON item (residency_id);
CREATE VIRTUAL TABLE IF NOT EXISTS item_text USING fts5 (
    title, body, tokenize = 'unicode61 remove_diacritics 2'
);
"""


def first_catalogue(path: Path, folder: Path) -> None:
    """Write a catalogue as residence wrote them before insights: the first schema, and one
    residency stored as it was then (no insights in its record, its counts or its items)."""
    import zlib

    residency, _ = load_residency(folder)
    rows = prepare_rows(select_edition(residency, "public"), str(folder))
    content = json.loads(rows.content)
    del content["insights"], content["sources"]["insights"]
    counts = json.loads(rows.residency[15])
    del counts["insights"]
    record = (*rows.residency[:15], json.dumps(counts), *rows.residency[16:])
    items = [i for i in json.loads(rows.items) if i[0] != "insight"]
    texts = json.loads(rows.texts)[: len(items)]
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(FIRST_SCHEMA)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO residency VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*record, zlib.compress(json.dumps(content).encode("utf-8"))),
    )
    for n, ((kind, subkind, ref, date), (title, body)) in enumerate(
        zip(items, texts, strict=True), 1
    ):
        db.execute("INSERT INTO item_text (rowid, title, body) VALUES (?, ?, ?)", (n, title, body))
        db.execute(
            "INSERT INTO item VALUES (?, ?, ?, ?, ?, ?)",
            (n, rows.id, kind, subkind, ref, date),
        )
    db.close()


def _tables(path: Path) -> set[str]:
    db = sqlite3.connect(path)
    try:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        db.close()


def test_a_catalogue_made_before_insights_still_opens_and_takes_them(
    coded: Path, minimal: Path, tmp_path: Path
) -> None:
    path = tmp_path / "old.sqlite"
    old = tmp_path / "ancienne"
    shutil.copytree(minimal, old)
    main = old / "residence.yaml"
    main.write_text(
        main.read_text(encoding="utf-8").replace("id: mairie-annexe", "id: ancienne"), "utf-8"
    )
    first_catalogue(path, old)
    assert "insight" not in _tables(path)

    # Read as it is: listed, searched, shown (no insight), its site made.
    with open_catalog(path, create=False) as catalog:
        assert [s.id for s in catalog.summaries()] == ["ancienne"]
        assert [h.kind for h in catalog.search("matinée")] == ["entry"]
        summary = catalog.get("ancienne")
        assert summary is not None and summary.insights == ()
        assert "insights" not in summary.counts
        write_site(catalog, tmp_path / "site", "fr")
        assert "Ce qui a été appris" in (tmp_path / "site" / "insights.html").read_text("utf-8")
    assert "insight" not in _tables(path)  # reading changes nothing
    result = CliRunner().invoke(app, ["catalog", "show", "ancienne", "--catalog", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 entries" in result.stdout and "insights:" not in result.stdout

    # The first write adds the table; the old residency stays as it was.
    with open_catalog(path) as catalog:
        add(catalog, coded)
        assert [h.ref for h in catalog.search("signaletique")] == ["reperes-visibles"]
        coded_summary = catalog.get("mairie-annexe")
        assert coded_summary is not None and coded_summary.insights
        assert len(coded_summary.insights) == 2
        assert [h.residency_id for h in catalog.search("matinée")] == ["ancienne", "mairie-annexe"]
    assert "insight" in _tables(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1  # older versions still open it
    # An older residence removing the residency (it knows nothing of the table): the
    # foreign key takes its insights with it.
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(
        "DELETE FROM item_text WHERE rowid IN "
        "(SELECT rowid FROM item WHERE residency_id = 'mairie-annexe')"
    )
    db.execute("DELETE FROM item WHERE residency_id = 'mairie-annexe'")
    db.execute("DELETE FROM residency WHERE id = 'mairie-annexe'")
    db.commit()
    assert db.execute("SELECT COUNT(*) FROM insight").fetchone()[0] == 0
    db.close()


def test_removing_or_adding_again_replaces_the_insights(catalog: Catalog, coded: Path) -> None:
    add(catalog, coded)
    (coded / "insights" / "reperes-visibles.yaml").unlink()
    add(catalog, coded)
    summary = catalog.get("mairie-annexe")
    assert summary is not None and summary.insights is not None
    assert [i.id for i in summary.insights] == ["attente-invisible"]
    assert [h.ref for h in catalog.search("signaletique")] == []
    catalog.remove("mairie-annexe")
    assert catalog.db.execute("SELECT COUNT(*) FROM insight").fetchone()[0] == 0
