"""`residence export qdpx|iramuteq|csv` (issue 21, point 4): a REFI-QDA project valid
against the standard's schema and read back at its exact offsets, an IRaMuTeQ corpus that
follows the Alceste format, tidy CSV safe to open in a spreadsheet — each made from the
gated edition, so that no team-only note and no protected name reaches a public export
(read by the independent scanner of leakscan.py)."""

# Accents, emoji and look-alike letters on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import typer  # noqa: TID251 (drives `residence export` through typer's CliRunner)
import yaml
from typer.testing import CliRunner  # noqa: TID251

from conftest import copy_project
from leakscan import LeakScanner
from residence.cli import app
from residence.errors import ResidenceError
from residence.export import export
from residence.export.iramuteq import clean, star_value
from residence.export.tables import safe_cell
from residence.pipeline import Refused

XSD = Path(__file__).parent / "refi-qda" / "Project.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}
ENTRY = "2025-03-04-entretien-jeanne"
QUOTE_1 = "Je ne sais jamais où aller 😕, c'est « pénible »."
QUOTE_TEAM = "Entre nous, c'est long."
QUOTE_3 = "On voit la file s'allonger… 👩‍👩‍👧 des familles entières."
BAND = "Document interne — ne pas diffuser"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    """tests/projects/minimal with an interview of three quotes (the second team-only; accents
    and emoji before and inside them), tags written two ways, a team entry, an entry outside
    the weeks, a public insight citing quotes, a whole entry and a test, and a team insight."""
    root = copy_project("minimal", tmp_path)
    write(
        root,
        f"journal/{ENTRY}.yaml",
        dump(
            {
                "date": "2025-03-04",
                "time": "14:00",
                "title": "Entretien avec Jeanne — l'attente",
                "kind": "interview",
                "authors": ["claire", "malik"],
                "actors": ["jeanne-martin", "agents-accueil"],
                "methods": ["entretien-guichet"],
                "tags": ["attente", "guichet"],
                "body": "Jeanne vient **tous les mois** 🕐 renouveler un document ; "
                "« ça dure » dit-elle.\n\n- premier point\n- second point\n",
                "quotes": [
                    {"actor": "jeanne-martin", "text": QUOTE_1, "tags": ["Attente"]},
                    {"actor": "jeanne-martin", "text": QUOTE_TEAM, "visibility": "team"},
                    {"actor": "agents-accueil", "text": QUOTE_3, "tags": ["guichet"]},
                ],
            }
        ),
    )
    write(
        root,
        "journal/2025-03-05-note-equipe.yaml",
        "date: 2025-03-05\ntitle: Note interne de l'équipe\nkind: reflection\n"
        "authors: [malik]\nvisibility: team\ntags: [attente]\nbody: Seulement pour nous.\n",
    )
    write(
        root,
        "journal/2025-03-20-entre-deux-semaines.yaml",
        "date: 2025-03-20\ntitle: Entre deux semaines\nkind: reflection\nauthors: [malik]\n"
        "tags: [accueil]\nbody: 'Nous relisons nos notes (50 % du temps) ; coût : 3 $.'\n",
    )
    write(
        root,
        "insights/attente-invisible.yaml",
        dump(
            {
                "id": "attente-invisible",
                "title": "L'attente ne se voit pas",
                "statement": "Personne ne sait **où** aller.",
                "evidence": [
                    {"entry": ENTRY, "quote": 1},
                    {"entry": ENTRY, "quote": 2},
                    {"entry": ENTRY, "quote": 3},
                    {"entry": "2025-03-03-premier-jour"},
                    {"prototype": "panneau-orientation", "test": 1},
                ],
                "tags": ["attente"],
                "prototypes": ["panneau-orientation"],
                "week": 1,
            }
        ),
    )
    write(
        root,
        "insights/entre-nous.yaml",
        dump(
            {
                "id": "entre-nous",
                "title": "Ce qui se dit entre nous",
                "statement": "Texte réservé.",
                "evidence": [{"entry": ENTRY, "quote": 2}],
                "tags": ["attente"],
                "visibility": "team",
            }
        ),
    )
    return root


def qdpx(root: Path, edition: str = "public", **kwargs: Any) -> Path:
    done = export(root, "qdpx", edition=edition, **kwargs)  # type: ignore[arg-type]
    (path,) = done.written
    return path


@pytest.fixture
def project(coded: Path) -> dict[str, Any]:
    """The public REFI-QDA project of the coded residency, read back."""
    return read_qdpx(qdpx(coded))


def read_qdpx(path: Path) -> dict[str, Any]:
    """Return what a QDA tool reads in a .qdpx: the XML root and each source's text."""
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    root = ET.fromstring(files["project.qde"])
    texts = {}
    for source in root.iterfind(".//q:TextSource", NS):
        member = "sources/" + source.get("plainTextPath", "").removeprefix("internal://")
        data = files[member]
        assert not data.startswith(b"\xef\xbb\xbf"), "no byte-order mark: it would be a char"
        assert b"\r" not in data
        texts[source.get("name")] = (source, data.decode("utf-8"))
    return {"root": root, "files": files, "texts": texts}


def code_names(root: ET.Element) -> dict[str, str]:
    return {c.get("guid", ""): c.get("name", "") for c in root.iterfind(".//q:Code", NS)}


def selections(project: dict[str, Any], name: str) -> list[tuple[str, set[str]]]:
    """Return (selected text, code names) of each selection of a source."""
    names = code_names(project["root"])
    source, text = project["texts"][name]
    found = []
    for selection in source.iterfind("q:PlainTextSelection", NS):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        codes = {names[r.get("targetGUID")] for r in selection.iterfind(".//q:CodeRef", NS)}
        found.append((text[start:end], codes))
    return found


# -- qdpx ------------------------------------------------------------------------------------


def test_qdpx_is_valid_against_the_refi_qda_schema(coded: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(XSD)
    for edition in ("public", "team"):
        with zipfile.ZipFile(qdpx(coded, edition)) as archive:
            schema.validate(archive.read("project.qde").decode("utf-8"))


def test_qdpx_selections_are_the_quotes_at_their_code_point_offsets(
    project: dict[str, Any],
) -> None:
    name = "2025-03-04 Entretien avec Jeanne — l'attente"
    _source, text = project["texts"][name]
    # Emoji before the quotes: UTF-16 offsets would differ from code points here.
    assert len(text.encode("utf-16-le")) // 2 > len(text)
    assert text.startswith("Entretien avec Jeanne — l'attente\n\nJeanne vient tous les mois 🕐")
    assert "- premier" not in text and "premier point\nsecond point" in text
    found = dict(selections(project, name))
    assert found[QUOTE_1] == {"Paroles entendues", "attente", "L'attente ne se voit pas"}
    assert found[QUOTE_3] == {"Paroles entendues", "guichet", "L'attente ne se voit pas"}
    assert found[text[:-1]] == {"attente", "guichet"}  # the entry's own tags: whole text
    assert len(found) == 3 and QUOTE_TEAM not in text
    assert f"Jeanne Martin : « {QUOTE_1} »" in text
    assert f"Agents d'accueil : « {QUOTE_3} »" in text


def test_qdpx_codes_insights_and_tests(project: dict[str, Any]) -> None:
    root = project["root"]
    top = [c.get("name") for c in root.findall("q:CodeBook/q:Codes/q:Code", NS)]
    assert top == ["accueil", "attente", "guichet", "Paroles entendues", "Ce que nous avons appris"]
    category = root.findall("q:CodeBook/q:Codes/q:Code", NS)[-1]
    assert category.get("isCodable") == "false"
    (insight,) = category.findall("q:Code", NS)
    assert insight.get("name") == "L'attente ne se voit pas"
    assert insight.findtext("q:Description", namespaces=NS) == "Personne ne sait où aller."
    note_guid = insight.find("q:NoteRef", NS).get("targetGUID")  # type: ignore[union-attr]
    note = root.find(f"q:Notes/q:Note[@guid='{note_guid}']", NS)
    assert note is not None
    note_file = "sources/" + note.get("plainTextPath", "").removeprefix("internal://")
    assert project["files"][note_file].decode() == (
        "L'attente ne se voit pas\n\nPersonne ne sait où aller.\n"
    )
    whole = selections(project, "2025-03-03 Premier jour au guichet")
    text = project["texts"]["2025-03-03 Premier jour au guichet"][1]
    assert whole == [(text[:-1], {"accueil", "L'attente ne se voit pas"})]
    test = "Un panneau d'orientation à l'entrée, test 1 (2025-04-08)"
    _source, test_text = project["texts"][test]
    assert "Deux erreurs au lieu de neuf la veille." in test_text
    assert selections(project, test) == [(test_text[:-1], {"L'attente ne se voit pas"})]


def test_qdpx_users_cases_variables_and_every_reference(project: dict[str, Any]) -> None:
    root = project["root"]
    users = {u.get("id"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    assert users == {"claire": "Claire Dumas", "malik": "Malik Ouali"}
    cases = {c.get("name"): len(c) for c in root.iterfind("q:Cases/q:Case", NS)}
    assert cases == {"Jeanne Martin": 1, "Agents d'accueil": 1}
    guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert len(guids) == len(set(guids)), "every GUID is unique"
    for element in root.iter():
        for attribute in ("targetGUID", "creatingUser"):
            if element.get(attribute):
                assert element.get(attribute) in guids, (element.tag, attribute)
    weeks = {
        name: source.findtext("q:VariableValue/q:IntegerValue", namespaces=NS)
        for name, (source, _text) in project["texts"].items()
    }
    assert weeks["2025-03-04 Entretien avec Jeanne — l'attente"] == "1"
    assert weeks["2025-03-20 Entre deux semaines"] is None  # outside every week
    assert not any("Note interne" in name for name in project["texts"])


def test_qdpx_leaves_team_material_out_and_the_team_edition_says_so(coded: Path) -> None:
    public = b"".join(read_qdpx(qdpx(coded))["files"].values()).decode()
    for team_only in (QUOTE_TEAM, "Seulement pour nous", "Ce qui se dit entre nous", BAND):
        assert team_only not in public
    team = read_qdpx(qdpx(coded, "team"))
    everything = b"".join(team["files"].values()).decode()
    for team_only in (QUOTE_TEAM, "Seulement pour nous", "Ce qui se dit entre nous"):
        assert team_only in everything
    description = team["root"].findtext("q:Description", namespaces=NS) or ""
    assert description.startswith(BAND)
    assert any(n.get("name") == BAND for n in team["root"].iterfind("q:Notes/q:Note", NS))
    # The team quote keeps its place there: quote 2 of 3.
    found = [t for t, _c in selections(team, "2025-03-04 Entretien avec Jeanne — l'attente")]
    assert QUOTE_TEAM in found and len(found) == 4


def test_qdpx_is_the_same_bytes_every_time(
    coded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = qdpx(coded, out=tmp_path / "a.qdpx").read_bytes()
    assert qdpx(coded, out=tmp_path / "b.qdpx").read_bytes() == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time[:3] for i in archive.infolist()} == {(2025, 1, 1)}  # the pinned epoch
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    again = qdpx(coded, out=tmp_path / "c.qdpx").read_bytes()
    assert qdpx(coded, out=tmp_path / "d.qdpx").read_bytes() == again
    with zipfile.ZipFile(io.BytesIO(again)) as archive:
        # Without SOURCE_DATE_EPOCH: the last day the residency speaks of (the follow-up).
        assert {i.date_time for i in archive.infolist()} == {(2025, 11, 20, 0, 0, 0)}


def test_qdpx_out_may_be_a_folder_or_a_file(coded: Path, tmp_path: Path) -> None:
    assert qdpx(coded) == coded / "_build" / "public" / "mairie-annexe.qdpx"
    (tmp_path / "here").mkdir()
    assert qdpx(coded, out=tmp_path / "here") == tmp_path / "here" / "mairie-annexe.qdpx"
    assert qdpx(coded, out=tmp_path / "x" / "p.qdpx") == tmp_path / "x" / "p.qdpx"


# -- iramuteq --------------------------------------------------------------------------------


def corpus(root: Path, edition: str = "public") -> str:
    (path,) = export(root, "iramuteq", edition=edition).written  # type: ignore[arg-type]
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    return data.decode("utf-8")


def test_iramuteq_one_text_per_entry_with_its_star_variables(coded: Path) -> None:
    text = corpus(coded)
    stars = [line for line in text.splitlines() if line.startswith("****")]
    assert stars == [
        "**** *semaine_1 *type_observation *auteur_claire *auteur_malik",
        "**** *semaine_1 *type_interview *auteur_claire *auteur_malik",
        "**** *semaine_hors *type_reflection *auteur_malik",
        "**** *semaine_2 *type_test *auteur_claire *auteur_malik",
    ]
    interview = text.split("****")[2]
    assert "Entretien avec Jeanne l attente" in interview
    assert "Je ne sais jamais où aller 😕, c est pénible ." in interview
    assert "On voit la file s allonger. 👩‍👩‍👧 des familles entières." in interview
    assert "Jeanne Martin" not in interview  # the speakers are not words of the text
    assert "nous relisons nos notes (50 pour cent du temps) ; coût : 3 dollars ." in text.lower()
    assert QUOTE_TEAM not in text and "Seulement pour nous" not in text


def test_iramuteq_text_holds_nothing_the_alceste_format_reserves(coded: Path) -> None:
    for edition in ("public", "team"):
        for line in corpus(coded, edition).splitlines():
            if line.startswith("**** "):
                assert re.fullmatch(r"\*{4}( \*[a-z]+_[a-z0-9]+)+", line), line
                continue
            assert "*" not in line and not line.startswith("-")
            assert not re.search(r"['\"«»’$%]|\.\.\.|…", line), line
            assert not re.search(r"(?<![^\W_])_\w*_(?![^\W_])", line), line


def test_iramuteq_clean_and_star_values() -> None:
    assert clean("**** *x_1\n-*theme\n-----\n_rire_ et _a", "fr") == "x_1\ntheme\nrire et a"
    assert clean("Un rendez-vous — peut-être ? L’État...", "fr") == (
        "Un rendez_vous peut_être ? L État."
    )
    assert clean("Disent-ils, a-t-il ? Ceux-là, « le rendez-vous »", "fr") == (
        "Disent ils, a t il ? Ceux là, le rendez_vous"
    )
    assert clean("5% of 10$", "en") == "5 percent of 10 dollars"
    assert star_value("Jean-Pierre") == "jeanpierre" and star_value("Élodie_2") == "elodie2"
    assert star_value("---") == "x"


def test_iramuteq_team_edition_carries_the_band_in_its_name(coded: Path) -> None:
    (path,) = export(coded, "iramuteq", edition="team").written
    assert path.name == "corpus-iramuteq-document-interne-ne-pas-diffuser.txt"
    assert "Seulement pour nous" in path.read_text(encoding="utf-8")


# -- csv -------------------------------------------------------------------------------------


def tables(root: Path, **kwargs: Any) -> dict[str, list[dict[str, str]]]:
    done = export(root, "csv", **kwargs)
    read = {}
    for path in done.written:
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8-sig")
        delimiter = ";" if kwargs.get("excel") else ","
        read[path.name] = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
        assert done.rows[path.name] == len(read[path.name])
    return read


def test_csv_tidy_tables(coded: Path) -> None:
    read = tables(coded)
    assert sorted(read) == ["entries.csv", "evidence.csv", "insights.csv", "quotes.csv", "tags.csv"]
    entries = {row["id"]: row for row in read["entries.csv"]}
    assert list(entries) == [
        "2025-03-03-premier-jour",
        ENTRY,
        "2025-03-20-entre-deux-semaines",
        "2025-04-08-test-panneau",
    ]
    assert entries[ENTRY]["authors"] == "claire; malik"
    assert entries[ENTRY]["week"] == "1" and entries["2025-03-20-entre-deux-semaines"]["week"] == ""
    assert entries[ENTRY]["body"].startswith("Jeanne vient tous les mois 🕐")
    quotes = [(r["entry"], r["n"], r["speaker"], r["text"]) for r in read["quotes.csv"]]
    assert quotes == [
        (ENTRY, "1", "Jeanne Martin", QUOTE_1),
        (ENTRY, "2", "Agents d'accueil", QUOTE_3),
    ]
    uses = [(r["tag"], r["item"], r["id"], r["quote"]) for r in read["tags.csv"]]
    assert ("attente", "quote", ENTRY, "1") in uses  # "Attente" on the quote: one code
    assert ("attente", "insight", "attente-invisible", "") in uses
    assert sum(u[0] == "attente" for u in uses) == 3
    (insight,) = read["insights.csv"]
    assert insight["evidence"] == "4" and insight["statement"] == "Personne ne sait où aller."
    evidence = [(r["entry"], r["quote"], r["prototype"], r["test"]) for r in read["evidence.csv"]]
    assert evidence == [
        (ENTRY, "1", "", ""),
        (ENTRY, "2", "", ""),  # quote 3 is the second public one
        ("2025-03-03-premier-jour", "", "", ""),
        ("", "", "panneau-orientation", "1"),
    ]


def test_csv_cells_never_run_as_formulas(coded: Path) -> None:
    write(
        coded,
        "journal/2025-04-09-formules.yaml",
        dump(
            {
                "date": "2025-04-09",
                "title": '=HYPERLINK("http://example.org/x","clic")',
                "kind": "observation",
                "authors": ["claire"],
                "place": "+33 1 23 45 67 89",
                "tags": ["@admin"],
                "body": "-2+3",
                "quotes": [{"actor": "mairie", "text": "\t=1+1"}],
            }
        ),
    )
    read = tables(coded, excel=True)
    row = next(r for r in read["entries.csv"] if r["id"] == "2025-04-09-formules")
    assert row["title"] == '\'=HYPERLINK("http://example.org/x","clic")'
    assert row["place"] == "'+33 1 23 45 67 89" and row["tags"] == "'@admin"
    assert row["body"] == "'-2+3"
    quote = next(r for r in read["quotes.csv"] if r["entry"] == "2025-04-09-formules")
    assert quote["text"] == "'\t=1+1"
    for cell in ("=1", "+1", "-1", "@a", "\t1", "\r1", "  =1"):
        assert safe_cell(cell) == "'" + cell
    assert safe_cell("1-2") == "1-2" and safe_cell(-3) == "-3" and safe_cell(None) == ""


def test_csv_without_insights_has_no_insight_table_left(coded: Path) -> None:
    assert "insights.csv" in tables(coded)
    for path in (coded / "insights").iterdir():
        path.unlink()
    assert sorted(tables(coded)) == ["entries.csv", "quotes.csv", "tags.csv"]
    assert sorted(p.name for p in (coded / "_build" / "public" / "csv").iterdir()) == [
        "entries.csv",
        "quotes.csv",
        "tags.csv",
    ]


def test_csv_refuses_a_folder_it_did_not_write(coded: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("à moi", encoding="utf-8")
    with pytest.raises(ResidenceError) as caught:
        export(coded, "csv", out=mine)
    assert caught.value.usage and "notes.txt" in caught.value.problems[0].message
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "à moi"


def test_csv_team_edition_marks_every_file(coded: Path) -> None:
    read = tables(coded, edition="team")
    assert all(name.endswith("-document-interne-ne-pas-diffuser.csv") for name in read)
    quotes = read["quotes-document-interne-ne-pas-diffuser.csv"]
    assert [r["visibility"] for r in quotes] == ["public", "team", "public"]


# -- refusals and the command line -----------------------------------------------------------


def test_a_residency_with_errors_is_refused_and_nothing_written(tmp_path: Path) -> None:
    root = copy_project("broken-missing-field", tmp_path)
    for fmt in ("qdpx", "iramuteq", "csv"):
        with pytest.raises(Refused):
            export(root, fmt)
    assert not (root / "_build").exists()


runner = CliRunner()
_COMMAND = typer.main.get_command(app)


@pytest.fixture(autouse=True)
def _build_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: _COMMAND)


def test_cli_export_prints_what_it_wrote(coded: Path) -> None:
    result = runner.invoke(app, ["export", "qdpx", str(coded)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{coded / '_build' / 'public' / 'mairie-annexe.qdpx'}\n"
    assert result.stderr.splitlines()[-1] == (
        "Exported the public edition as a REFI-QDA project: 5 texts, 5 codes, 6 coded passages."
    )
    result = runner.invoke(app, ["export", "csv", str(coded), "--edition", "team"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 5
    assert "TEAM EDITION" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "Exported the team edition as 5 tables: 5 entries, 3 quotes, 2 insights."
    )


def test_cli_export_refuses_errors_and_misuse(tmp_path: Path, coded: Path) -> None:
    broken = copy_project("broken-missing-field", tmp_path)
    result = runner.invoke(app, ["export", "iramuteq", str(broken)], env={"RESIDENCE_LANG": "fr"})
    assert result.exit_code == 1
    assert "missing required field 'title'" in result.stderr or "title" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "La résidence a des erreurs : rien n'a été exporté. Corrigez-les, puis relancez "
        "residence export."
    )
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["export", "pdf", str(coded)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    result = runner.invoke(app, ["export", "qdpx", str(coded), "--excel"])
    assert result.exit_code == 2 and "--excel goes with csv only" in result.stderr


# -- privacy: the independent scanner on every format ----------------------------------------


def _leak_cases() -> Iterator[str]:
    from test_leaks import EXPLICIT

    yield from sorted(EXPLICIT)


@pytest.mark.parametrize("form", list(_leak_cases()))
def test_no_public_export_reads_a_protected_name(form: str, tmp_path: Path) -> None:
    """The protected person's name, in one form of issue 17, in every text field of the
    leak tests (an insight, quote tags included), in the interview's file name and in the
    words the person said: no public export reads it (the team edition does: the scanner
    reads these formats)."""
    from test_leaks import EXPLICIT, EXPLICIT_PERSON, FIELDS, INTERVIEW, Case, write_case

    text = EXPLICIT[form]
    case = Case(
        EXPLICIT_PERSON,
        "Marc Solange",
        [(form, kind, text) for kind in sorted(FIELDS) if kind != "media file name"],
        "withdrawn",
    )
    root = write_case(case, tmp_path)
    interview = root / INTERVIEW
    data = yaml.safe_load(interview.read_text(encoding="utf-8"))
    data["quotes"][1]["text"] = f"Je viens le mardi avec {text}."
    interview.unlink()
    # A journal file named after the person: the gate renames it, every reference follows.
    stem = "2025-03-04-entretien-solange-vermeersch-lecka"
    write(root, f"journal/{stem}.yaml", dump(data))
    for path in root.rglob("*.yaml"):
        source = path.read_text(encoding="utf-8")
        path.write_text(source.replace(Path(INTERVIEW).stem, stem), encoding="utf-8")
    out = tmp_path / "out"
    for fmt in ("qdpx", "iramuteq", "csv"):
        export(root, fmt, out=out / fmt)
    found = case.scanner.path(out, "out")
    assert not found, "\n".join([case.describe(), *map(str, found[:20])])
    assert {p.name for p in (out / "csv").iterdir()} >= {"insights.csv", "evidence.csv"}
    team = tmp_path / "team"
    for fmt in ("qdpx", "iramuteq", "csv"):
        export(root, fmt, edition="team", out=team / fmt)
    for fmt in ("qdpx", "iramuteq", "csv"):
        assert LeakScanner([case.person.name]).path(team / fmt, fmt), fmt


def test_an_empty_corpus_says_so(tmp_path: Path) -> None:
    """A public edition without entries (all team-only here) gives an empty corpus, and a
    warning that IRaMuTeQ needs a text."""
    root = copy_project("minimal", tmp_path)
    for entry in (root / "journal").glob("*.yaml"):
        text = entry.read_text(encoding="utf-8").replace("visibility: public\n", "")
        if "visibility: team" not in text:
            entry.write_text(text + "visibility: team\n", "utf-8")
    done = export(root, "iramuteq", out=tmp_path / "corpus.txt")
    assert done.entries == 0
    assert [p.code for p in done.notices.problems] == ["empty-corpus"]
