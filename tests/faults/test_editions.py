# SPDX-License-Identifier: EUPL-1.2
"""Never the wrong edition by accident (issue 18): each edition has its own default output
folder, so a team render never replaces what may be published, and each output says which
edition it is where a reader or a script looks first."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer  # noqa: TID251 (the CLI is under test)
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from residence.archive import default_archive_path
from residence.cli import app
from residence.load import load_residency
from residence.render.band import band_text

runner = CliRunner()
_COMMAND = typer.main.get_command(app)
BAND = band_text("fr")  # tests/projects/minimal is a French residency
SHEET = "methods/entretien-guichet.md"


@pytest.fixture(autouse=True)
def _build_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: _COMMAND)


def invoke(*args: str | Path) -> typer.testing.Result:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_render_team_without_out_leaves_the_public_report_as_it_was(minimal: Path) -> None:
    invoke("render", minimal, "--to", "html")
    public = minimal / "_build" / "public"
    before = snapshot(public)
    assert "report.html" in before
    result = invoke("render", minimal, "--to", "html", "--edition", "team")
    team = minimal / "_build" / "team" / "report.html"
    assert result.stdout.strip() == str(team)
    assert snapshot(public) == before
    assert BAND in team.read_text(encoding="utf-8")
    assert BAND not in (public / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("edition", ["public", "team"])
def test_the_report_says_its_edition_on_the_line_after_the_doctype(
    minimal: Path, edition: str
) -> None:
    invoke("render", minimal, "--to", "html", "--edition", edition)
    lines = (minimal / "_build" / edition / "report.html").read_text(encoding="utf-8").split("\n")
    assert lines[0] == "<!DOCTYPE html>"
    if edition == "team":
        assert lines[1] == f"<!-- residence: team edition. {BAND} -->"
    else:
        assert lines[1] == "<!-- residence: public edition -->"
    invoke("render", minimal, "--to", "html", "--edition", edition)  # still ours to replace


def test_an_old_report_in_build_is_never_touched(minimal: Path) -> None:
    """A report rendered before the editions had their folders stays where it is."""
    build = minimal / "_build"
    (build / "assets").mkdir(parents=True)
    (build / "report.html").write_text("<!DOCTYPE html>\n<p>the old report</p>\n", encoding="utf-8")
    (build / "assets" / "old.css").write_text("p {}\n", encoding="utf-8")
    before = snapshot(build)
    invoke("render", minimal, "--to", "html")
    invoke("render", minimal, "--to", "html", "--edition", "team")
    after = snapshot(build)
    assert {name: after[name] for name in before} == before
    assert "public/report.html" in after and "team/report.html" in after


def test_methods_write_each_edition_into_its_own_folder(minimal: Path) -> None:
    invoke("methods", minimal, "--to", "md")
    invoke("methods", minimal, "--to", "md", "--edition", "team")
    public = (minimal / "_build" / "public" / SHEET).read_text(encoding="utf-8")
    team = (minimal / "_build" / "team" / SHEET).read_text(encoding="utf-8")
    assert BAND in team.split("\n", 1)[0]  # a Markdown sheet: its first line
    assert BAND not in public


def test_map_writes_each_edition_into_its_own_folder(minimal: Path) -> None:
    invoke("map", minimal)
    invoke("map", minimal, "--edition", "team")
    public = minimal / "_build" / "public"
    team = minimal / "_build" / "team"
    assert sorted(p.name for p in public.iterdir()) == [
        "actor-map.graphml",
        "actor-map.svg",
        "actor-matrix.svg",
        "actors-connections.csv",
        "actors-elements.csv",
    ]
    # CSV: the file name says it (a line more would be read as data).
    assert sorted(p.name for p in team.glob("*.csv")) == [
        "actors-connections-document-interne-ne-pas-diffuser.csv",
        "actors-elements-document-interne-ne-pas-diffuser.csv",
    ]
    # GraphML: a comment right after the XML declaration.
    graphml = (team / "actor-map.graphml").read_text(encoding="utf-8").split("\n")
    assert graphml[0].startswith("<?xml") and BAND in graphml[1]
    assert BAND not in (public / "actor-map.graphml").read_text(encoding="utf-8")
    for name in ("actor-map.svg", "actor-matrix.svg"):
        assert BAND in (team / name).read_text(encoding="utf-8")
        assert BAND not in (public / name).read_text(encoding="utf-8")


def test_the_archives_default_names_differ_by_edition(minimal: Path) -> None:
    residency, _ = load_residency(minimal)
    public = default_archive_path(minimal, residency, "public")
    team = default_archive_path(minimal, residency, "team")
    assert public != team and team.name.endswith("-team.zip")


@pytest.mark.parametrize("command", ["render", "methods", "map"])
def test_the_help_says_where_each_edition_goes(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert "DIR/_build/public" in result.stdout and "DIR/_build/team" in result.stdout
