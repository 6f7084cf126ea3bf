"""Links that loop back (issue 18): `check` and `render` say so in one line, never a traceback.

A link to itself, two links to each other, a link to a folder that holds it, and a residency
file or folder that is such a link: each is an error at the link, and nothing is rendered.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
import typer  # noqa: TID251 (the CLI is under test)
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from residence.check import check_residency
from residence.cli import app
from residence.errors import sort_problems
from residence.load import load_residency

runner = CliRunner()
_COMMAND = typer.main.get_command(app)
LOOP = "this is a link that loops back (to itself, or to a folder that holds it): remove it"


@pytest.fixture(autouse=True)
def _build_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: _COMMAND)


def link(path: Path, target: str) -> None:
    try:
        path.symlink_to(target)
    except OSError:  # pragma: no cover - Windows without the privilege
        pytest.skip("symbolic links are not available here")


def self_loop(root: Path) -> list[str]:
    link(root / "journal" / "boucle.yaml", "boucle.yaml")
    return ["journal/boucle.yaml"]


def pair(root: Path) -> list[str]:
    link(root / "journal" / "a.yaml", "b.yaml")
    link(root / "journal" / "b.yaml", "a.yaml")
    return ["journal/a.yaml", "journal/b.yaml"]


def looping_folder(root: Path) -> list[str]:
    link(root / "journal" / "sous-dossier", "sous-dossier")
    return ["journal/sous-dossier"]


def folder_holding_itself(root: Path) -> list[str]:
    link(root / "journal" / "tout", "..")
    link(root / "journal" / "ici", ".")
    return ["journal/ici", "journal/tout"]


def journal_itself(root: Path) -> list[str]:
    (root / "journal").rename(root / "ailleurs")
    link(root / "journal", "journal")
    return ["journal"]


def residence_file(root: Path) -> list[str]:
    (root / "residence.yaml").unlink()
    link(root / "residence.yaml", "residence.yaml")
    return ["residence.yaml"]


def private_folder(root: Path) -> list[str]:
    (root / "private").rename(root / "ailleurs")
    link(root / "private", "private")
    return ["private"]


CASES: dict[str, Callable[[Path], list[str]]] = {
    "self": self_loop,
    "pair": pair,
    "looping-folder": looping_folder,
    "folder-holding-itself": folder_holding_itself,
    "journal": journal_itself,
    "residence.yaml": residence_file,
    "private": private_folder,
}


@pytest.mark.parametrize("case", CASES)
def test_check_names_each_loop_once(minimal: Path, case: str) -> None:
    where = CASES[case](minimal)
    residency, problems = load_residency(minimal)
    problems = sort_problems([*problems, *check_residency(residency)])
    loops = [p for p in problems if p.code == "link-loop"]
    assert [(p.path, p.severity, p.message) for p in loops] == [
        (path, "error", LOOP) for path in where
    ]
    # What the link hides is not reported again as missing, unknown or unmentioned.
    assert [p for p in problems if p.code != "link-loop"] == []


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", ["check", "render"])
def test_commands_say_it_in_one_line(
    minimal: Path, tmp_path: Path, case: str, command: str
) -> None:
    CASES[case](minimal)
    args = [command, str(minimal)]
    if command == "render":
        args += ["--to", "html", "--out", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"error: {LOOP}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_media_file_that_loops_is_an_error_at_its_line(minimal: Path) -> None:
    (minimal / "media" / "hall.svg").unlink()
    link(minimal / "media" / "hall.svg", "hall.svg")
    residency, _ = load_residency(minimal)
    [problem] = check_residency(residency)
    assert (problem.path, problem.line, problem.code) == (
        "journal/2025-03-03-premier-jour.yaml",
        12,
        "link-loop",
    )
    assert problem.message == f"media/hall.svg: {LOOP}"


def test_a_media_file_under_a_looping_folder_is_an_error(minimal: Path) -> None:
    (minimal / "media" / "hall.svg").unlink()
    (minimal / "media").rmdir()
    link(minimal / "media", "media")
    residency, _ = load_residency(minimal)
    assert [p.code for p in check_residency(residency)] == ["link-loop"]


def test_links_that_do_not_loop_are_left_as_they_were(minimal: Path) -> None:
    os.mkdir(minimal / "notes")
    link(minimal / "journal" / "notes", "../notes")  # a folder link: not followed, as before
    residency, problems = load_residency(minimal)
    assert problems == [] and check_residency(residency) == []
