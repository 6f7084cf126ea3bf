"""The command line contract of CLI.md: exit codes, output forms, help everywhere."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from conftest import PROJECTS, copy_project
from residence import __version__
from residence.cli import app

runner = CliRunner()

#: Typer rebuilds the Click command of the whole app on every invoke (about 0.1 s); build it
#: once for this module, a Click command can run many times.
_COMMAND = typer.main.get_command(app)


@pytest.fixture(autouse=True)
def _build_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: _COMMAND)


#: `path:line:column: severity: message`, or `path: severity: message` when the problem
#: concerns a whole file.
PROBLEM_LINE = re.compile(r"^[^\s:][^:]*(:\d+:\d+)?: (error|warning): \S.*$")
SUMMARY_LINE = re.compile(
    r"^(No problem in \d+ files?\.|\d+ errors?, \d+ warnings? in \d+ files?\.)$"
)

EXPECTED = sorted(p.parent.name for p in PROJECTS.glob("*/expected.txt"))


def invoke(*args: str | Path) -> typer.testing.Result:
    """Run the command line with these arguments."""
    return runner.invoke(app, [str(a) for a in args])


def problem_lines(stderr: str) -> list[str]:
    """Return stderr without its final summary line, checking that line."""
    lines = stderr.splitlines()
    assert lines, "check always prints a summary line"
    assert SUMMARY_LINE.match(lines[-1]), lines[-1]
    return lines[:-1]


def all_commands() -> Iterator[tuple[str, ...]]:
    """Yield the path of every command and group registered on the app (add, catalog…)."""

    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield path
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, (*path, name))

    yield from walk(_COMMAND, ())


COMMANDS = list(all_commands())


# -- check: exit codes -------------------------------------------------------------------


def test_cli_check_valid_residency_exits_0(minimal: Path) -> None:
    result = invoke("check", minimal)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "No problem in 9 files.\n"


def test_cli_check_default_folder_is_the_current_one(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal)
    result = invoke("check")
    assert result.exit_code == 0
    assert result.stderr == "No problem in 9 files.\n"


def test_cli_check_warnings_exit_0(tmp_path: Path) -> None:
    root = copy_project("broken-unmentioned-actor", tmp_path)
    result = invoke("check", root)
    assert result.exit_code == 0
    lines = problem_lines(result.stderr)
    assert lines == [
        "actors.yaml:7:9: warning: nobody mentions the actor 'prefecture': no entry, "
        "relation, prototype or scenario refers to it"
    ]
    assert result.stderr.splitlines()[-1] == "0 errors, 1 warning in 3 files."


def test_cli_check_strict_turns_warnings_into_exit_1(tmp_path: Path) -> None:
    root = copy_project("broken-unmentioned-actor", tmp_path)
    result = invoke("check", root, "--strict")
    assert result.exit_code == 1
    assert problem_lines(result.stderr) == [
        "actors.yaml:7:9: error: nobody mentions the actor 'prefecture': no entry, "
        "relation, prototype or scenario refers to it"
    ]
    assert result.stderr.splitlines()[-1] == "1 error, 0 warnings in 3 files."


def test_cli_check_errors_exit_1(tmp_path: Path) -> None:
    root = copy_project("broken-wrong-enum", tmp_path)
    result = invoke("check", root)
    assert result.exit_code == 1
    assert problem_lines(result.stderr) == [
        "journal/2025-03-03-premier-jour.yaml:3:7: error: 'kind' cannot be 'observaton': "
        "choose one of observation, interview, workshop, meeting, test, reflection — did you "
        "mean 'observation'?"
    ]


def test_cli_check_missing_folder_exits_2(tmp_path: Path) -> None:
    result = invoke("check", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "nowhere" in result.stderr
    assert "Traceback" not in result.output


def test_cli_check_file_instead_of_folder_exits_2(minimal: Path) -> None:
    result = invoke("check", minimal / "residence.yaml")
    assert result.exit_code == 2
    assert "is a file, not a residency folder" in result.stderr


def test_cli_check_unknown_option_exits_2(minimal: Path) -> None:
    result = invoke("check", minimal, "--no-such-option")
    assert result.exit_code == 2
    assert "--no-such-option" in result.stderr


def test_cli_check_bad_format_value_exits_2(minimal: Path) -> None:
    result = invoke("check", minimal, "--format", "xml")
    assert result.exit_code == 2


def test_cli_unknown_command_exits_2() -> None:
    result = invoke("chekc")
    assert result.exit_code == 2


def test_cli_check_folder_without_residence_yaml_exits_1(tmp_path: Path) -> None:
    result = invoke("check", tmp_path)
    assert result.exit_code == 1
    assert problem_lines(result.stderr) == [
        "residence.yaml: error: no residence.yaml here: is this a residency folder? Create "
        "one with 'residence new FOLDER --title …'"
    ]


@pytest.mark.parametrize("name", EXPECTED)
def test_cli_check_every_test_project(name: str, tmp_path: Path) -> None:
    root = copy_project(name, tmp_path)
    expected = (PROJECTS / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    result = invoke("check", root)
    assert "Traceback" not in result.output
    assert result.exit_code == (1 if any(": error: " in line for line in expected) else 0)
    lines = problem_lines(result.stderr)
    assert lines == expected
    assert all(PROBLEM_LINE.match(line) for line in lines), lines


# -- check: JSON -------------------------------------------------------------------------


def test_cli_check_json_is_the_documented_list(tmp_path: Path) -> None:
    root = copy_project("broken-dangling-prototype", tmp_path)
    result = invoke("check", root, "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert isinstance(problems, list) and len(problems) == 3
    for problem in problems:
        assert list(problem) == ["path", "line", "column", "severity", "code", "message"]
    assert problems[0] == {
        "path": "prototypes/panneau.yaml",
        "line": 8,
        "column": 16,
        "severity": "error",
        "code": "dangling-ref",
        "message": "unknown team member 'yann': it is not in the team of residence.yaml",
    }
    # stdout holds only the JSON; the summary goes to stderr.
    assert result.stderr.splitlines()[-1] == "3 errors, 0 warnings in 4 files."


def test_cli_check_json_of_a_valid_residency_is_empty(minimal: Path) -> None:
    result = invoke("check", minimal, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_cli_check_json_keeps_non_ascii_and_null_positions(tmp_path: Path) -> None:
    root = copy_project("broken-no-residence", tmp_path)
    result = invoke("check", root, "--format", "json")
    (problem,) = json.loads(result.stdout)
    assert problem["line"] is None and problem["column"] is None
    assert "…" in result.stdout  # not escaped as \u2026


def test_cli_check_json_strict(tmp_path: Path) -> None:
    root = copy_project("broken-image-without-alt", tmp_path)
    result = invoke("check", root, "--format", "json", "--strict")
    assert result.exit_code == 1
    assert [p["severity"] for p in json.loads(result.stdout)] == ["error"]


# -- the root and every command ----------------------------------------------------------


def test_cli_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"residence {__version__}\n"


def test_cli_without_arguments_shows_help() -> None:
    result = invoke()
    assert result.exit_code in {0, 2}  # no_args_is_help: Click exits 2 in recent versions
    assert "Usage" in result.output
    assert "check" in result.output


def test_cli_registers_the_documented_commands() -> None:
    names = {path[0] for path in COMMANDS if path}
    assert {"check", "new", "schema"} <= names


def test_cli_help_lists_the_commands_in_the_order_a_team_uses_them() -> None:
    from residence.cli import COMMAND_ORDER

    output = invoke("--help").output
    listed = re.findall(r"^  ([a-z]+) ", output.split("Commands:", 1)[1], flags=re.M)
    assert listed == list(COMMAND_ORDER)  # every command, none forgotten, in this order


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "residence")
def test_cli_help_on_every_command(path: tuple[str, ...]) -> None:
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    assert "Traceback" not in result.output
    # Each command says what it does: its docstring is its help, written for users.
    command = _COMMAND
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    text = (command.help or "").strip()
    assert text, f"'{' '.join(path)}' has no help text"
    first_words = " ".join(text.split()[:6])
    assert first_words in " ".join(result.stdout.split())


@pytest.mark.parametrize("path", [(), ("check",)], ids=["residence", "check"])
def test_cli_short_help_option(path: tuple[str, ...]) -> None:
    result = invoke(*path, "-h")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_cli_completion_options_are_available() -> None:
    result = invoke("--help")
    assert "--install-completion" in result.stdout
    assert "--show-completion" in result.stdout


def test_cli_show_completion_prints_a_script(monkeypatch: pytest.MonkeyPatch) -> None:
    # Typer finds the shell from the parent processes: "sh" under make, which it refuses.
    monkeypatch.setattr("typer.completion._get_shell_name", lambda: "bash")
    result = invoke("--show-completion")
    assert result.exit_code == 0, (result.output, repr(result.exception))
    assert "complete" in result.stdout


# -- schema ------------------------------------------------------------------------------


def test_cli_schema_writes_one_file_per_kind(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    result = invoke("schema", "--out", out)
    assert result.exit_code == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(
        f"{kind}.schema.json"
        for kind in ("residence", "actors", "journal", "prototype", "scenario", "method",
                     "insight", "consent")
    )  # fmt: skip
    assert sorted(Path(line).name for line in result.stdout.splitlines()) == written
    for path in out.iterdir():
        assert json.loads(path.read_text(encoding="utf-8"))["$schema"].endswith("2020-12/schema")


def test_cli_schema_refuses_a_file_as_out(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("keep me", encoding="utf-8")
    result = invoke("schema", "--out", target)
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "keep me"


# -- the one error handler ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("usage", "code", "line"), [(False, 1, ".: error: boom"), (True, 2, "Error: boom")]
)
def test_cli_every_command_goes_through_the_one_error_handler(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, usage: bool, code: int, line: str
) -> None:
    from residence.errors import ResidenceError

    def boom(*args: object, **kwargs: object) -> None:
        raise ResidenceError("boom", usage=usage)

    monkeypatch.setattr("residence.pipeline.check", boom)
    monkeypatch.setattr("residence.catalog.commands.catalog_show", boom)
    for args in (("check", minimal), ("catalog", "show", "x")):
        result = invoke(*args)
        assert result.exit_code == code
        assert result.stderr == line + "\n"
        assert "Traceback" not in result.output


def test_cli_commands_catch_no_residence_error_themselves() -> None:
    import residence.cli

    folder = Path(residence.cli.__file__).parent
    catching = sorted(
        p.name for p in folder.glob("*.py") if "except ResidenceError" in p.read_text("utf-8")
    )
    assert catching == ["output.py"]


def test_cli_runs_as_a_module() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "residence", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout == f"residence {__version__}\n"


# -- the language of the messages --------------------------------------------------------

FRENCH = {"RESIDENCE_LANG": "fr"}


def invoke_in(env: dict[str, str], *args: str | Path) -> typer.testing.Result:
    """Run the command line in a terminal whose environment has these variables."""
    return runner.invoke(app, [str(a) for a in args], env=env)


@pytest.mark.parametrize(
    "env", [FRENCH, {"LC_ALL": "fr_FR.UTF-8"}], ids=["RESIDENCE_LANG", "LC_ALL"]
)
def test_cli_speaks_french_in_a_french_terminal(minimal: Path, env: dict[str, str]) -> None:
    from residence.i18n import current_language

    result = invoke_in(env, "check", minimal)
    assert result.exit_code == 0, result.output
    assert result.stderr == "Aucun problème dans 9 fichiers.\n"
    assert current_language() == "en"  # the run's language ends with the run


def test_cli_check_summary_in_french_keeps_the_parseable_prefix(tmp_path: Path) -> None:
    root = copy_project("broken-unmentioned-actor", tmp_path)
    result = invoke_in(FRENCH, "check", root, "--strict")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "1 erreur, 0 avertissement dans 3 fichiers."
    assert all(PROBLEM_LINE.match(line) for line in lines[:-1])  # "error:" stays English


def test_cli_usage_errors_in_french(tmp_path: Path) -> None:
    result = invoke_in(FRENCH, "render", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr == f"Erreur : aucun dossier '{tmp_path / 'nowhere'}'\n"
    result = invoke_in(FRENCH, "catalog", "show", "x", "--catalog", tmp_path / "c.sqlite")
    assert result.exit_code == 2
    assert "Erreur : aucune résidence 'x' dans le catalogue" in result.stderr


def test_cli_json_stays_english_in_a_french_terminal(tmp_path: Path) -> None:
    root = copy_project("broken-unmentioned-actor", tmp_path)
    english = invoke("check", root, "--format", "json")
    french = invoke_in(FRENCH, "check", root, "--format", "json")
    assert french.exit_code == english.exit_code == 0
    assert french.stdout == english.stdout
    assert "nobody mentions the actor 'prefecture'" in french.stdout
    assert french.stderr == english.stderr == "0 errors, 1 warning in 3 files.\n"


def test_cli_new_speaks_french(tmp_path: Path) -> None:
    folder = tmp_path / "hopital"
    result = invoke_in(FRENCH, "new", folder, "--title", "L'hôpital")
    assert result.exit_code == 0, result.output
    created, then = result.stderr.splitlines()
    assert re.fullmatch(rf"{re.escape(str(folder))} créé \(\d+ fichiers\)\.", created)
    assert then == (
        f"Ensuite : complétez {folder / 'residence.yaml'}, puis lancez : residence check {folder}"
    )
    bad = invoke_in(FRENCH, "new", tmp_path / "other", "--title", "T", "--start", "lundi")
    assert bad.exit_code == 2
    assert "--start 'lundi' n'est pas une date : écrivez-la AAAA-MM-JJ ou JJ/MM/AAAA" in (
        bad.stderr
    )


def _help_texts(language: str) -> dict[str, list[str]]:
    """Return the --help texts of every command and its options, imported in a language
    (they are made when the command line is imported: a fresh interpreter each time)."""
    import os
    import subprocess
    import sys

    script = """
import json, sys, typer
from residence.cli import app
found = {}
def walk(command, path):
    skip = ("help", "install_completion", "show_completion")  # Typer's and Click's own
    texts = [command.help or ""] + [p.help or "" for p in command.params if p.name not in skip]
    found[" ".join(path)] = texts
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        walk(sub, (*path, name))
walk(typer.main.get_command(app), ())
json.dump(found, sys.stdout)
"""
    env = {**os.environ, "RESIDENCE_LANG": language}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    texts: dict[str, list[str]] = json.loads(done.stdout)
    return texts


def test_cli_help_of_every_command_and_option_is_in_french() -> None:
    english, french = _help_texts("en"), _help_texts("fr")
    assert english.keys() == french.keys()
    for path, texts in english.items():
        assert len(texts) == len(french[path]), path
        for en, fr in zip(texts, french[path], strict=True):
            assert en.strip(), f"'residence {path}': a help text is empty"
            assert fr != en, f"'residence {path}': not translated: {en!r}"
    assert (
        french[""][0]
        == "Créer, vérifier, publier et archiver des résidences d'innovation publique."
    )
    assert "Traiter les avertissements comme des erreurs." in french["check"]


def test_cli_help_in_french_keeps_clicks_own_words() -> None:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "residence", "check", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "RESIDENCE_LANG": "fr"},
    )
    assert done.returncode == 0
    assert "Vérifier le dossier d'une résidence" in done.stdout
    assert "Usage:" in done.stdout  # Click's words are Click's


def test_cli_render_says_in_one_line_what_the_public_edition_left_out(
    minimal: Path, tmp_path: Path
) -> None:
    actors = minimal / "actors.yaml"
    actors.write_text(
        actors.read_text(encoding="utf-8").replace(
            "relations:",
            '  - id: marcel\n    name: "Marcel Dupuis"\n    kind: inhabitant\n'
            "    sector: users\n    circle: direct\n    personal: true\nrelations:",
        ),
        encoding="utf-8",
    )
    entry = minimal / "journal" / "2025-03-03-premier-jour.yaml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace(
            '    credit: "Claire Dumas"', '    credit: "Claire Dumas"\n    people: [marcel]'
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["render", str(minimal), "--to", "html", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "left out" in line]
    assert lines == ["left out of the public edition: 1 photo of a person who did not consent"]
    team = CliRunner().invoke(
        app, ["render", str(minimal), "--to", "html", "--edition", "team", "--out", str(tmp_path)]
    )
    assert "left out" not in team.stderr
