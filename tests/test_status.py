"""`residence status`: the figures (plain data), the dashboard (text) and the JSON."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner  # noqa: TID251

from residence.check import check_residency
from residence.cli import app
from residence.load import load_residency
from residence.status import CIRCLES, KINDS, SECTORS, STAGES, compute_status

EXAMPLE = Path(__file__).parent.parent / "examples" / "lycee-jean-moulin"

TOP_KEYS = {
    "format",
    "today",
    "residency",
    "weeks",
    "journal",
    "actors",
    "prototypes",
    "consent",
    "scenarios",
    "methods",
    "check",
    "missing",
}

EMPTY_RESIDENCE = """\
format: 1
id: hopital-nord
title: "L'hôpital Nord, de jour comme de nuit"
programme: territoires-en-residences
host: "Conseil départemental"
site: "Hôpital Nord"
question: "Comment mieux accueillir ?"
weeks:
  - number: 1
    start: 2025-03-03
    end: 2025-03-07
  - number: 2
    start: 2025-04-07
    end: 2025-04-11
  - number: 3
    start: 2025-05-12
    end: 2025-05-16
team:
  - id: claire
    name: "Claire Dumas"
    role: resident
"""


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never forced colours; a wide terminal, to prove the dashboard stays at 80 columns."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "160")


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    """A residency with only residence.yaml: nothing written yet."""
    folder = tmp_path / "hopital-nord"
    folder.mkdir()
    (folder / "residence.yaml").write_text(EMPTY_RESIDENCE, encoding="utf-8")
    return folder


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the bundled example residency."""
    if not (EXAMPLE / "residence.yaml").is_file():
        pytest.skip("the example residency is not there")
    return Path(shutil.copytree(EXAMPLE, tmp_path / "example"))


def status_of(folder: Path, today: dt.date) -> dict:
    residency, problems = load_residency(folder)
    problems = [*problems, *check_residency(residency)]
    return compute_status(residency, problems, today=today).as_dict()


def run_status(folder: Path, *args: str):
    return CliRunner().invoke(app, ["status", str(folder), *args])


def test_status_counts_the_minimal_residency(minimal: Path) -> None:
    data = status_of(minimal, dt.date(2025, 5, 13))
    assert set(data) == TOP_KEYS
    assert data["today"] == "2025-05-13"
    assert data["residency"]["id"] == "mairie-annexe"
    assert [w["state"] for w in data["weeks"]] == ["past", "past", "current"]
    week1 = data["weeks"][0]
    assert [d["entries"] for d in week1["days"]] == [1, 1, 0, 0, 0]
    assert [w["entries"] for w in data["weeks"]] == [2, 1, 0]
    journal = data["journal"]
    assert journal["entries"] == 3 and journal["outside_weeks"] == 0
    assert journal["by_kind"] == {
        "observation": 1,
        "interview": 1,
        "workshop": 0,
        "meeting": 0,
        "test": 1,
        "reflection": 0,
    }
    assert {a["id"]: a["entries"] for a in journal["by_author"]} == {"claire": 3, "malik": 2}
    actors = data["actors"]
    assert actors["total"] == 3 and actors["personal"] == 1 and actors["relations"] == 1
    assert actors["grid"]["core"]["public"] == 2 and actors["grid"]["direct"]["users"] == 1
    assert actors["by_circle"] == {"core": 2, "direct": 1, "indirect": 0}
    assert data["prototypes"]["by_stage"]["adopted"] == 1
    assert data["prototypes"]["items"][0] == {
        "id": "panneau-orientation",
        "title": "Un panneau d'orientation à l'entrée",
        "stage": "adopted",
        "tests": 1,
        "last_test": "2025-04-08",
        "handover": True,
    }
    assert data["consent"]["public"] == 1 and data["consent"]["no_record"] == []
    assert data["check"] == {"errors": 0, "warnings": 0}
    assert [m["message"] for m in data["missing"]] == ["week 3 has no entry yet"]


def test_status_reports_what_is_missing(minimal: Path) -> None:
    actors = minimal / "actors.yaml"
    actors.write_text(
        actors.read_text(encoding="utf-8").replace(
            "relations:",
            "  - id: paul\n    name: Paul\n    kind: person\n    sector: users\n"
            "    circle: direct\n    personal: true\n"
            "  - id: lea\n    name: Léa\n    kind: person\n    sector: users\n"
            "    circle: direct\n    personal: true\n"
            "relations:",
        ),
        encoding="utf-8",
    )
    (minimal / "prototypes" / "hall-ouvert.yaml").write_text(
        "id: hall-ouvert\ntitle: Le hall ouvert\nhypothesis: si … alors …\nstage: mock-up\n",
        encoding="utf-8",
    )
    data = status_of(minimal, dt.date(2025, 11, 1))
    messages = [m["message"] for m in data["missing"]]
    assert "week 3 has no entry" in messages  # the week is over: no "yet"
    assert "prototype hall-ouvert has never been tested" in messages
    assert "2 personal actors have no consent record" in messages
    consent = next(m for m in data["missing"] if m["code"] == "no-consent")
    assert consent["ids"] == ["paul", "lea"]
    assert data["consent"]["pseudonymised"] == 2


def test_status_of_an_empty_residency(empty: Path) -> None:
    data = status_of(empty, dt.date(2025, 3, 1))
    assert data["journal"]["entries"] == 0
    assert all(w["state"] == "future" and w["entries"] == 0 for w in data["weeks"])
    assert data["actors"]["total"] == 0 and data["prototypes"]["total"] == 0
    assert [m["code"] for m in data["missing"]] == ["no-entry", "no-actor"]
    assert data["journal"]["by_kind"] == dict.fromkeys(KINDS, 0)
    assert list(data["prototypes"]["by_stage"]) == list(STAGES)
    assert list(data["actors"]["grid"]) == list(CIRCLES)
    assert list(data["actors"]["grid"]["core"]) == list(SECTORS)


def test_status_of_the_example_residency(example: Path) -> None:
    residency, _ = load_residency(example)
    data = status_of(example, dt.date(2025, 6, 1))
    journal = data["journal"]
    assert journal["entries"] == len(residency.entries) > 0
    assert sum(journal["by_kind"].values()) == journal["entries"]
    in_weeks = sum(d["entries"] for w in data["weeks"] for d in w["days"])
    assert in_weeks + journal["outside_weeks"] == journal["entries"]
    assert journal["team_only"] == sum(e.visibility == "team" for e in residency.entries)
    assert data["actors"]["total"] == len(residency.actors)
    assert sum(data["actors"]["by_circle"].values()) == len(residency.actors)
    assert data["prototypes"]["total"] == len(residency.prototypes)
    consent = data["consent"]
    assert consent["personal"] == sum(a.personal for a in residency.actors)
    assert (
        consent["public"] + consent["internal"] + consent["none"] + len(consent["no_record"])
        == consent["personal"]
    )
    assert consent["pseudonymised"] >= 1  # the example has a person without public consent


def _assert_plain_80(text: str) -> None:
    assert "\x1b" not in text
    assert text.strip()
    assert max(len(line) for line in text.splitlines()) <= 80


def test_status_text_on_the_example_is_plain_and_narrow(example: Path) -> None:
    result = run_status(example)
    assert result.exit_code == 0, result.stderr
    _assert_plain_80(result.stdout)
    out = result.stdout
    for heading in (
        "Journal:",
        "Entries per author and per kind",
        "Actors:",
        "Prototypes:",
        "Consent",
        "Missing",
    ):
        assert heading in out
    assert "Claire Fontanel" in out and "Rencontrer et analyser" in out


def test_status_text_on_an_empty_residency(empty: Path) -> None:
    result = run_status(empty)
    assert result.exit_code == 0, result.stderr
    _assert_plain_80(result.stdout)
    assert "Journal: 0 entries" in result.stdout
    assert "• the journal has no entry yet" in result.stdout
    assert "No personal actor" in result.stdout


def test_status_text_shows_missing_items(minimal: Path) -> None:
    result = run_status(minimal)
    assert result.exit_code == 0
    _assert_plain_80(result.stdout)
    assert "• week 3 has no entry" in result.stdout
    assert "residence check: 0 errors, 0 warnings" in result.stdout


def test_status_json_gives_the_same_figures(minimal: Path) -> None:
    result = run_status(minimal, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == TOP_KEYS and data["format"] == 1
    expected = status_of(minimal, dt.date.fromisoformat(data["today"]))
    assert data == expected


def test_status_json_of_the_example_and_an_empty_residency(example: Path, empty: Path) -> None:
    for folder in (example, empty):
        result = run_status(folder, "--format", "json")
        assert result.exit_code == 0
        assert set(json.loads(result.stdout)) == TOP_KEYS


def test_status_of_a_fresh_scaffold(tmp_path: Path) -> None:
    scaffold = pytest.importorskip("residence.scaffold")
    folder = tmp_path / "fresh"
    scaffold.create_residency(
        folder,
        title="Hôpital Nord",
        start=dt.date(2025, 3, 3),
        weeks=3,
        language="fr",
        programme="territoires-en-residences",
    )
    result = run_status(folder)
    assert result.exit_code == 0, result.stderr
    _assert_plain_80(result.stdout)
    data = json.loads(run_status(folder, "--format", "json").stdout)
    assert len(data["weeks"]) == 3


def test_status_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_status(tmp_path / "nowhere").exit_code == 2
    result = run_status(tmp_path)
    assert result.exit_code == 2
    assert "not a residency folder" in result.stderr


def test_status_of_a_residency_with_errors_still_shows(minimal: Path) -> None:
    (minimal / "journal" / "2025-03-05-cassee.yaml").write_text(
        "date: 2025-03-05\ntitle: [\n", encoding="utf-8"
    )
    result = run_status(minimal)
    assert result.exit_code == 0
    assert "residence check: 1 error" in result.stdout


def test_status_shows_user_text_literally(minimal: Path) -> None:
    path = minimal / "residence.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"Claire Dumas"', '"[bold]Claire[/x] :smile:"'),
        encoding="utf-8",
    )
    result = run_status(minimal)
    assert result.exit_code == 0, result.output
    assert "[bold]Claire[/x]" in result.stdout  # literally, not as markup


# -- in French ---------------------------------------------------------------------------


@pytest.fixture
def french() -> Iterator[None]:
    """Make the messages in French for one test, then in the language they were in."""
    from residence.i18n import current_language, set_language

    before = current_language()
    set_language("fr")
    yield
    set_language(before)


def test_status_missing_in_french(minimal: Path, french: None) -> None:
    (minimal / "prototypes" / "hall-ouvert.yaml").write_text(
        "id: hall-ouvert\ntitle: Le hall ouvert\nhypothesis: si … alors …\nstage: mock-up\n",
        encoding="utf-8",
    )
    data = status_of(minimal, dt.date(2025, 11, 1))
    messages = {m["code"]: m["message"] for m in data["missing"]}
    assert messages["week-without-entry"] == "la semaine 3 n'a aucune entrée"
    assert messages["never-tested"] == "le prototype hall-ouvert n'a jamais été testé"


def test_status_dashboard_in_french(example: Path) -> None:
    result = CliRunner().invoke(app, ["status", str(example)], env={"RESIDENCE_LANG": "fr"})
    assert result.exit_code == 0, result.stderr
    _assert_plain_80(result.stdout)
    out = result.stdout
    for line in (
        "residence check : 0 erreur, 0 avertissement",
        "Journal : 60 entrées (1 réservée à l'équipe)",
        "Entrées par auteur et par type",
        "Acteurs : 18 (5 personnes, 1 mineur), 20 relations",
        "Prototypes : 3, 8 séances de test",
        "Consentement",
        "Ce qui manque",
        "Rien ne manque.",
    ):
        assert line in out
    # the format's words, as the files and the options accept them in French
    for word in ("entretien", "réflexion", "cœur", "société civile", "test en situation"):
        assert word in out
    assert "Rencontrer et analyser" in out  # the columns still fit 80 characters


def test_status_text_on_an_empty_residency_in_french(empty: Path) -> None:
    result = CliRunner().invoke(app, ["status", str(empty)], env={"RESIDENCE_LANG": "fr"})
    assert result.exit_code == 0, result.stderr
    assert "Journal : 0 entrée" in result.stdout  # French: 0 takes the singular
    assert "• le journal n'a encore aucune entrée" in result.stdout
    assert "Aucun acteur personnel : personne à qui demander un consentement." in result.stdout


def test_status_json_stays_english_in_a_french_terminal(minimal: Path) -> None:
    english = run_status(minimal, "--format", "json")
    french = CliRunner().invoke(
        app, ["status", str(minimal), "--format", "json"], env={"RESIDENCE_LANG": "fr"}
    )
    assert french.exit_code == english.exit_code == 0
    assert json.loads(french.stdout)["missing"] == json.loads(english.stdout)["missing"]
    assert "week 3 has no entry" in french.stdout
