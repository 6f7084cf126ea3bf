"""Text that hides itself (issue 18): control characters and bidi controls in a residency.

`check` reports them at their line (an error for a control character, a warning for a bidi
control); no command writes an output from a residency that holds a control character; the
terminal shows them as escapes (\\x1b, \\u202e), and JSON as JSON escapes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer  # noqa: TID251 (the CLI is under test)
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from residence.check import check_residency
from residence.cli import app, output
from residence.errors import Problem, sort_problems
from residence.load import load_residency

ENTRY = "journal/2025-03-03-premier-jour.yaml"
TITLE = 'title: "Premier jour au guichet"'
#: A raw control character, as bytes: what no output file and no terminal line may hold.
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
RAW_ON_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

runner = CliRunner()
_COMMAND = typer.main.get_command(app)


@pytest.fixture(autouse=True)
def _build_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: _COMMAND)


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> typer.testing.Result:
    return runner.invoke(app, [str(a) for a in args], env=env)


def problems_of(root: Path) -> list[Problem]:
    residency, problems = load_residency(root)
    return sort_problems([*problems, *check_residency(residency)])


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def only(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def assert_shown(text: str) -> None:
    """A terminal's text: no control character (but tab and line feed), no bidi control."""
    assert not RAW_ON_TERMINAL.search(text), repr(text)


# -- check -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("escape", "char"),
    [
        ("\\0", "U+0000, NUL"),
        ("\\e", "U+001B, escape"),
        ("\\x1b", "U+001B, escape"),
        ("\\a", "U+0007, bell"),
        ("\\x7f", "U+007F, delete"),
        ("\\x9b", "U+009B"),
        ("\\N", "U+0085"),
        ("\\r", "U+000D, carriage return"),
        ("\\u0001", "U+0001"),
    ],
)
def test_an_escaped_control_character_is_an_error_at_its_line(
    minimal: Path, escape: str, char: str
) -> None:
    edit(minimal, ENTRY, TITLE, f'title: "Premier jour {escape}au guichet"')
    [problem] = only(problems_of(minimal), "control-character")
    assert (problem.path, problem.line, problem.column) == (ENTRY, 3, 22)
    assert problem.severity == "error"
    assert problem.message == (
        f"'title' holds a control character ({char}) that no reader can see: remove it"
    )


def test_a_control_character_on_a_later_line_of_a_quoted_text_is_found_there(
    minimal: Path,
) -> None:
    edit(minimal, ENTRY, TITLE, 'title: "Premier jour\n  au \\e[2J guichet"')
    [problem] = only(problems_of(minimal), "control-character")
    assert (problem.line, problem.column) == (4, 6)


def test_line_ends_and_tabs_are_not_control_characters(minimal: Path) -> None:
    edit(minimal, ENTRY, TITLE, 'title: "Premier\\tjour\\r\\nau\\nguichet"')
    (minimal / "actors.yaml").write_bytes(
        (minimal / "actors.yaml").read_bytes().replace(b"\n", b"\r\n")
    )
    assert problems_of(minimal) == []


def test_keys_lists_and_media_file_names_are_looked_at(minimal: Path) -> None:
    edit(minimal, ENTRY, "tags: [accueil]", 'tags: [accueil, "gui\\0chet"]')
    edit(minimal, ENTRY, "  - file: media/hall.svg", '  - file: "media/hall\\e.svg"')
    edit(minimal, "actors.yaml", "relations:", '"rel\\x1bations":')
    found = [(p.path, p.line, p.message.split(" holds")[0]) for p in problems_of(minimal)]
    assert (ENTRY, 8, "'tags'") in found
    assert (ENTRY, 12, "'file'") in found
    assert ("actors.yaml", 23, "a field name") in found


def test_an_alias_is_looked_at_once(minimal: Path) -> None:
    edit(minimal, ENTRY, TITLE, 'title: &t "Premier\\e jour"')
    edit(minimal, ENTRY, 'place: "Hall de la mairie annexe"', "place: *t")
    assert len(only(problems_of(minimal), "control-character")) == 1


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("202E", "a right-to-left override"),
        ("202D", "a left-to-right override"),
        ("202A", "a left-to-right embedding"),
        ("2067", "a right-to-left isolate"),
        ("200F", "a right-to-left mark"),
        ("061C", "an Arabic letter mark"),
    ],
)
def test_a_bidi_control_is_a_warning(minimal: Path, code: str, name: str) -> None:
    edit(minimal, ENTRY, TITLE, f'title: "Premier jour \\u{code}au guichet"')
    [problem] = problems_of(minimal)
    assert (problem.code, problem.severity, problem.line, problem.column) == (
        "bidi-control",
        "warning",
        3,
        22,
    )
    assert problem.message.startswith(f"'title' holds {name} (U+{code}), which can make it read")


def test_a_bidi_control_written_as_it_is_is_found_at_its_line_and_column(minimal: Path) -> None:
    edit(minimal, ENTRY, "derrière le guichet.", "derrière le guichet.\n  Puis \u202eici.")
    [problem] = problems_of(minimal)
    assert (problem.line, problem.column) == (11, 8)


def test_a_file_name_with_an_escape_is_an_error(minimal: Path) -> None:
    name = "journal/2025-03-03-\x1b[31mrouge.yaml"
    (minimal / name).write_bytes((minimal / ENTRY).read_bytes())
    problems = [p for p in problems_of(minimal) if p.path == name]
    assert [(p.code, p.line) for p in problems] == [("control-character", None)]
    assert problems[0].message.endswith("that no reader can see: rename the file")


# -- the terminal ----------------------------------------------------------------------------


def test_visible_writes_controls_as_escapes() -> None:
    assert output.visible("a\x1b[31mb\x00c\x9bd\u202ee\tf\ng\rh") == (
        "a\\x1b[31mb\\x00c\\x9bd\\u202ee\tf\ng\\x0dh"
    )
    assert output.visible("Café, ça va ? مرحبا") == "Café, ça va ? مرحبا"


def test_check_shows_a_file_name_escape_and_json_keeps_it(minimal: Path) -> None:
    name = "journal/2025-03-03-\x1b[31mrouge.yaml"
    (minimal / name).write_bytes((minimal / ENTRY).read_bytes())
    edit(minimal, ENTRY, TITLE, 'title: "Premier \\u202ejour"')
    result = invoke("check", minimal)
    assert result.exit_code == 1
    assert_shown(result.stderr)
    assert "journal/2025-03-03-\\x1b[31mrouge.yaml: error: this file's name" in result.stderr
    result = invoke("check", minimal, "--format", "json")
    assert_shown(result.stdout)
    paths = {p["path"] for p in json.loads(result.stdout)}
    assert name in paths  # JSON escapes what the terminal must not obey; it reads back raw


def test_print_json_escapes_what_json_leaves_raw(capsys: pytest.CaptureFixture[str]) -> None:
    value = {"title": "a\x1bb\x9bc\u202ed\x7fe é"}
    output.print_json(value)
    printed = capsys.readouterr().out
    assert_shown(printed)
    assert json.loads(printed) == value


def test_search_marks_stay_and_user_text_is_shown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    output.echo_marked("a\x1b[2J \x02mot\x03 \u202eb", "\x02", "\x03")
    assert capsys.readouterr().out == "a\\x1b[2J [mot] \\u202eb\n"


def test_status_shows_controls_as_escapes(minimal: Path) -> None:
    edit(
        minimal,
        "residence.yaml",
        'title: "La mairie annexe, vue du guichet"',
        'title: "La \\e[31mmairie\\u202e"',
    )
    edit(minimal, "residence.yaml", 'name: "Claire Dumas"', 'name: "Claire\\x9b Dumas"')
    result = invoke("status", minimal)
    assert result.exit_code == 0, result.output
    assert_shown(result.stdout)
    assert "La \\x1b[31mmairie\\u202e" in result.stdout
    assert "Claire\\x9b Dumas" in result.stdout


def test_catalog_shows_a_bidi_title_as_an_escape(minimal: Path, tmp_path: Path) -> None:
    edit(
        minimal,
        "residence.yaml",
        'title: "La mairie annexe, vue du guichet"',
        'title: "La mairie \\u2067annexe\\u2069"',
    )
    env = {"RESIDENCE_CATALOG": str(tmp_path / "c.sqlite")}
    result = invoke("catalog", "add", minimal, env=env)
    assert result.exit_code == 0, result.output
    assert "Added mairie-annexe: La mairie \\u2067annexe\\u2069" in result.stderr
    for args in (("list",), ("show", "mairie-annexe"), ("search", "mairie")):
        result = invoke("catalog", *args, env=env)
        assert result.exit_code == 0, result.output
        assert_shown(result.stdout + result.stderr)
        assert "La mairie \\u2067annexe\\u2069" in result.stdout
    result = invoke("catalog", "list", "--format", "json", env=env)
    assert_shown(result.stdout)
    assert json.loads(result.stdout)[0]["title"] == "La mairie \u2067annexe\u2069"


def test_catalog_holds_no_bidi_override_of_the_public_edition(
    minimal: Path, tmp_path: Path
) -> None:
    """An override reorders what it holds (a name written backwards shows as the name):
    the public edition has none, so the catalogue shows the text as stored."""
    edit(
        minimal,
        "residence.yaml",
        'title: "La mairie annexe, vue du guichet"',
        'title: "La mairie \\u202eannexe"',
    )
    env = {"RESIDENCE_CATALOG": str(tmp_path / "c.sqlite")}
    result = invoke("catalog", "add", minimal, env=env)
    assert result.exit_code == 0, result.output
    assert "Added mairie-annexe: La mairie annexe" in result.stderr
    assert "\\u202e" not in result.stderr
    result = invoke("catalog", "list", "--format", "json", env=env)
    assert json.loads(result.stdout)[0]["title"] == "La mairie annexe"


# -- outputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("render", "--to", "html"),
        ("methods", "--to", "html,md"),
        ("map",),
        ("archive",),
        ("catalog", "add"),
    ],
)
def test_no_output_is_made_from_a_control_character(
    minimal: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    edit(minimal, ENTRY, TITLE, 'title: "Premier \\e[2J jour"')
    before = sorted(p.relative_to(minimal) for p in minimal.rglob("*"))
    out = tmp_path / "out"
    if command[0] == "catalog":
        args = [*command, minimal, "--catalog", out / "c.sqlite"]
    elif command[0] == "archive":
        args = [*command, minimal, "--out", out / "a.zip"]
    else:
        args = [*command, minimal, "--out", out]
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    assert "'title' holds a control character (U+001B, escape)" in result.stderr
    assert_shown(result.stderr)
    if command[0] == "catalog":  # the catalogue may be made, but stays empty
        assert invoke("catalog", "list", "--catalog", out / "c.sqlite").stdout == ""
    else:
        assert not out.exists() or not any(out.rglob("*"))
    assert sorted(p.relative_to(minimal) for p in minimal.rglob("*")) == before


def test_add_refuses_a_lone_carriage_return(minimal: Path) -> None:
    before = (minimal / "actors.yaml").read_bytes()
    result = invoke(
        "add", "actor", minimal, "--name", "Agent\rX", "--kind", "agent", "--sector", "public",
        "--circle", "direct", "--no-edit",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "control character (U+000D, carriage return)" in result.stderr
    assert (minimal / "actors.yaml").read_bytes() == before


def test_outputs_of_a_residency_with_bidi_controls_hold_no_raw_control(
    minimal: Path, tmp_path: Path
) -> None:
    edit(minimal, ENTRY, TITLE, 'title: "Premier \\u202ejour"')
    edit(minimal, "actors.yaml", '"Mairie de Bourg-la-Reine"', '"Mairie \\u2067de\\u2069 BLR"')
    out = tmp_path / "out"
    for command in (("render", "--to", "html"), ("map",), ("methods", "--to", "html,md")):
        result = invoke(*command, minimal, "--out", out)
        assert result.exit_code == 0, result.output
        assert_shown(result.stdout + result.stderr)
    written = [
        p for p in out.rglob("*") if p.suffix in {".html", ".md", ".csv", ".graphml", ".svg"}
    ]
    assert len(written) >= 5
    for path in written:
        assert not RAW_CONTROL.search(path.read_bytes()), path
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "\u2067de\u2069" in report  # an isolate is kept as written (Arabic, Hebrew need it)
    assert "\u202e" not in report  # an override is not: it would reorder what a reader sees
