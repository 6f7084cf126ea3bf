# SPDX-License-Identifier: EUPL-1.2
"""`residence tag`: codes added to (or removed from) an entry or one of its quotes, every
other byte of the file kept; and ``yamlwords.change_list``, the edit under it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner  # noqa: TID251

from residence.add import load_context, write_plan
from residence.add.tagging import plan_tags
from residence.check import check_residency
from residence.cli import app
from residence.errors import ResidenceError
from residence.load import load_residency, parse_yaml
from residence.yamlwords import change_list

AFTER_TAGS = ("visibility", "quotes", "media", "body")
ENTRY = "journal/2025-03-04-entretien-jeanne.yaml"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RESIDENCE_AUTHOR", "EDITOR", "VISUAL", "FORCE_COLOR", "RESIDENCE_LANG"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str | Path, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


def change(text: str, path: tuple[str | int, ...] = ("tags",), **kw: object) -> str:
    return change_list(text, path, "f.yaml", before=AFTER_TAGS, **kw)  # type: ignore[arg-type]


def outside(old: str, new: str) -> tuple[str, str]:
    """Return (old, new) without their common start and end: what changed."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return old[start : len(old) - end], new[start : len(new) - end]


# -- change_list --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "add", "remove", "expected"),
    [
        # a flow list keeps its comment, grows inside its brackets
        ("a: 1\ntags: [x, y]  # codes\nbody: |\n  t\n", ["z"], [], "tags: [x, y, z]  # codes"),
        ("a: 1\ntags: []\n", ["z", "é t"], [], "tags: [z, é t]"),
        ("a: 1\ntags: [x, y, w]\n", [], [0, 2], "tags: [y]"),
        ("a: 1\ntags: [x]\n", [], [0], "tags: []"),
        ('a: 1\ntags: ["x"]\n', ["y"], [], 'tags: ["x", "y"]'),  # the quotes above
        ("a: 1\ntags: [x]\n", ["no, sir", "yes"], [], 'tags: [x, "no, sir", "yes"]'),
        # a block list: one line per item, the indentation and quotes of the one above
        ("a: 1\ntags:\n  - x\n  - 'y'  # mine\nb: 2\n", ["z"], [], "  - 'y'  # mine\n  - 'z'\n"),
        ("a: 1\ntags:\n- x\n- y\n", ["z"], [0], "tags:\n- y\n- z\n"),
        ("a: 1\ntags:\n  - x\n  - y  # gone\nb: 2\n", [], [1], "tags:\n  - x\nb: 2"),
        ("a: 1\ntags:   # codes\n  - x\nb: 2\n", [], [0], "tags: []   # codes\nb: 2"),
        # an empty key takes a flow list
        ("a: 1\ntags:\nbody: |\n  t\n", ["z"], [], "tags: [z]\nbody"),
        ("a: 1\ntags: ~  # none yet\n", ["z"], [], "tags: [z]  # none yet"),
        ("a: 1\ntags: null\n", ["z"], [], "tags: [z]\n"),
        # no key: above the keys that follow it in the format, and their comments
        ("title: x\nkind: y\n# the text\n# more\nbody: |\n  t\n", ["a", "b"], [],
         "kind: y\ntags: [a, b]\n# the text\n"),
        ("title: x\nkind: y\n", ["a"], [], "kind: y\ntags: [a]\n"),
        ("title: x\nkind: y", ["a"], [], "kind: y\ntags: [a]\n"),
    ],
)  # fmt: skip
def test_change_list_touches_only_the_list(
    text: str, add: list[str], remove: list[int], expected: str
) -> None:
    new = change(text, add=add, remove=remove)
    assert expected in new
    _root, value = parse_yaml(new)
    _root, old = parse_yaml(text)
    kept = [t for i, t in enumerate(old.get("tags") or []) if i not in remove]
    assert value["tags"] == [*kept, *add]
    assert {k: v for k, v in value.items() if k != "tags"} == {
        k: v for k, v in old.items() if k != "tags"
    }


def test_change_list_keeps_crlf_and_every_other_byte() -> None:
    text = (
        "# notre entrée\r\ntitle: 'Au guichet'\r\ntags:\r\n  - accueil  # le code\r\n"
        "body: |\r\n  Le hall.\r\n"
    )
    new = change(text, add=["attente"])
    assert new == text.replace("# le code\r\n", "# le code\r\n  - attente\r\n")
    new = change(text, remove=[0])
    assert outside(text, new) == ("\r\n  - accueil  # le code", " []")
    assert "\n" not in new.replace("\r\n", "")


def test_change_list_tags_one_quote_of_a_block_or_flow_mapping() -> None:
    text = (
        'title: x\nquotes:\n  - actor: a\n    text: "Un."\n  - actor: b\n'
        "    text: |\n      Deux.\n\n# la fin\n"
    )
    first = change(text, ("quotes", 0, "tags"), add=["q"])
    assert first.startswith('title: x\nquotes:\n  - actor: a\n    text: "Un."\n    tags: [q]\n')
    second = change(text, ("quotes", 1, "tags"), add=["q"])
    assert second.endswith("      Deux.\n    tags: [q]\n\n# la fin\n")
    flow = "quotes:\n  - {actor: a, text: hi}\n"
    assert change(flow, ("quotes", 0, "tags"), add=["q"]) == (
        "quotes:\n  - {actor: a, text: hi, tags: [q]}\n"
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("a: 1\ntags: accueil\n", "f.yaml:2:7: error: 'tags' should be a list"),
        ("a: [1\n", "f.yaml:1:4: error: this is not valid YAML"),
        ("- a\n- b\n", "f.yaml:1:1: error: this file should hold its keys at the top level"),
    ],
)
def test_change_list_refuses_what_it_cannot_change_safely(text: str, said: str) -> None:
    with pytest.raises(ResidenceError) as caught:
        change(text, add=["x"])
    assert str(caught.value.problems[0]).startswith(said)


def test_change_list_changes_nothing_when_nothing_is_asked() -> None:
    text = "a: 1\n"
    assert change(text, remove=[0]) == text
    assert change("a: 1\ntags: [x]\n", remove=[5]) == "a: 1\ntags: [x]\n"


# -- residence tag --------------------------------------------------------------------------


def test_tag_adds_codes_to_an_entry_in_french(minimal: Path) -> None:
    path = minimal / ENTRY
    old = path.read_text(encoding="utf-8")
    result = run("tag", "2025-03-04-entretien-jeanne", "attente", "Guichet", minimal,
                 env={"RESIDENCE_LANG": "fr"})  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(path)
    assert result.stderr.strip() == (
        f"{path} mis à jour : étiquettes 'attente', 'Guichet' ajoutées."
    )
    new = path.read_text(encoding="utf-8")
    # The entry had no tags: the key goes above `body`, where the format puts it.
    assert outside(old, new) == ("", "tags: [attente, Guichet]\n")
    assert new.index("tags:") < new.index("body:")
    residency, problems = load_residency(minimal)
    assert problems == [] and not check_residency(residency)
    again = run("tag", "entretien-jeanne", "GUICHET", "attente,accueil", minimal,
                env={"RESIDENCE_LANG": "fr"})  # fmt: skip
    assert again.exit_code == 0, again.stderr
    assert (
        "L'entrée 2025-03-04-entretien-jeanne a déjà les étiquettes 'Guichet', 'attente' : "
        "elles ne sont pas ajoutées deux fois."
    ) in again.stderr
    assert "étiquette 'accueil' ajoutée." in again.stderr
    assert path.read_text(encoding="utf-8").count("Guichet") == 1


def test_tag_a_quote_then_remove(minimal: Path) -> None:
    path = minimal / ENTRY
    old = path.read_text(encoding="utf-8")
    result = run("tag", "2025-03-04", "orientation", "--quote", "1", minimal)
    assert result.exit_code == 0, result.stderr
    assert "added the tag 'orientation' to quote 1." in result.stderr
    residency, _ = load_residency(minimal)
    entry = next(e for e in residency.entries if e.title == "Entretien avec Jeanne")
    assert entry.quotes[0].tags == ["orientation"] and entry.tags == []
    removed = run("tag", "2025-03-04", "Orientation", "absent", "--quote", "1", "--remove", minimal)
    assert removed.exit_code == 0, removed.stderr
    assert "removed the tag 'orientation' from quote 1." in removed.stderr
    assert "has no tag 'absent': nothing to remove." in removed.stderr
    # What changed is the quote's tags, now an empty list: nothing else.
    assert path.read_text(encoding="utf-8") == old + "    tags: []\n"


def test_tag_remove_takes_every_spelling_of_a_code(minimal: Path) -> None:
    path = minimal / "journal" / "2025-03-03-premier-jour.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "tags: [accueil]", "tags: [accueil, Accueil, x]"
    )
    path.write_text(text, encoding="utf-8")
    result = run("tag", "premier-jour", "ACCUEIL", "--remove", minimal)
    assert result.exit_code == 0, result.stderr
    assert "removed the tags 'accueil', 'Accueil'." in result.stderr
    assert "tags: [x]\n" in path.read_text(encoding="utf-8")


def test_tag_keeps_crlf_bom_and_comments(minimal: Path) -> None:
    path = minimal / ENTRY
    text = "\ufeff# Notre entrée\r\n" + path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(text.encode("utf-8"))
    result = run("tag", "entretien-jeanne", "attente", minimal)
    assert result.exit_code == 0, result.stderr
    new = path.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf# Notre entr")
    assert outside(text.encode("utf-8").decode("utf-8"), new.decode("utf-8")) == (
        "",
        "tags: [attente]\r\n",
    )


def test_tag_finds_an_entry_by_path_day_or_name(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal)
    for ref in ("journal/2025-03-03-premier-jour.yaml", "03/03/2025", "premier-jour"):
        result = run("tag", ref, f"code-{len(ref)}")
        assert result.exit_code == 0, (ref, result.stderr)
        assert result.stdout.strip() == "journal/2025-03-03-premier-jour.yaml"
    monkeypatch.chdir(minimal.parent)
    result = run("tag", f"{minimal.name}/journal/2025-03-03-premier-jour.yaml", "depuis-ailleurs")
    assert result.exit_code == 0, result.stderr
    residency, _ = load_residency(minimal)
    entry = next(e for e in residency.entries if e.title == "Premier jour au guichet")
    assert entry.tags == ["accueil", "code-36", "code-10", "code-12", "depuis-ailleurs"]


def test_tag_refuses_an_unknown_entry_with_the_names_it_meant(minimal: Path) -> None:
    before = (minimal / ENTRY).read_bytes()
    result = run("tag", "entretien-jeane", "x", minimal)
    assert result.exit_code == 1
    assert (
        "error: unknown journal entry 'entretien-jeane': it is not in journal/ — did you mean "
        "'2025-03-04-entretien-jeanne'?"
    ) in result.stderr
    assert "Nothing was written." in result.stderr
    several = run("tag", "2025", "x", minimal, env={"RESIDENCE_LANG": "fr"})
    assert several.exit_code == 1
    assert "'2025' désigne plusieurs entrées du journal (2025-03-03-premier-jour," in several.stderr
    assert (minimal / ENTRY).read_bytes() == before
    assert "Traceback" not in result.output + several.output


def test_tag_refuses_a_quote_the_entry_does_not_have(minimal: Path) -> None:
    result = run(
        "tag", "entretien-jeanne", "x", "--quote", "2", minimal, env={"RESIDENCE_LANG": "fr"}
    )
    assert result.exit_code == 1
    assert (
        "error: l'entrée '2025-03-04-entretien-jeanne' a 1 citation : --quote 2 n'en fait pas "
        "partie (elles se comptent à partir de 1)"
    ) in result.stderr
    none = run("tag", "premier-jour", "x", "--quote", "1", minimal)
    assert none.exit_code == 1
    assert "has no quote: --quote tags one of its quotes" in none.stderr
    zero = run("tag", "entretien-jeanne", "x", "--quote", "0", minimal)
    assert zero.exit_code == 1


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["entretien-jeanne"], "give at least one tag after the entry"),
        (["entretien-jeanne", ",", " "], "give at least one tag after the entry"),
        (["entretien-jeanne", "a\x1bb"], "not printable text"),
        (["", "x"], "the entry is empty"),
    ],
)
def test_tag_usage_errors_exit_2(minimal: Path, args: list[str], said: str) -> None:
    before = (minimal / ENTRY).read_bytes()
    result = run("tag", *args, minimal)
    assert result.exit_code == 2, result.output
    assert said in result.output
    assert (minimal / ENTRY).read_bytes() == before


def test_tag_outside_a_residency_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert "Missing argument" in run("tag", "x").output
    result = run("tag", "x", "y")
    assert result.exit_code == 2
    assert "not a residency folder" in result.stderr


def test_tag_never_rewrites_a_file_it_cannot_read(minimal: Path) -> None:
    path = minimal / ENTRY
    path.write_text("date: 2025-03-04\ntitle: [oops\n", encoding="utf-8")
    before = path.read_bytes()
    result = run("tag", "2025-03-04-entretien-jeanne", "x", minimal)
    assert result.exit_code == 1
    assert "journal/2025-03-04-entretien-jeanne.yaml has errors: fix them first" in result.stderr
    assert path.read_bytes() == before
    odd = minimal / "journal" / "2025-03-03-premier-jour.yaml"
    odd.write_text(odd.read_text(encoding="utf-8").replace("tags: [accueil]", "tags: accueil"))
    before = odd.read_bytes()
    result = run("tag", "premier-jour", "x", minimal)
    assert result.exit_code == 1, result.output
    assert odd.read_bytes() == before
    assert "Traceback" not in result.output


def test_tag_warns_when_a_code_is_used_once_among_insights(minimal: Path) -> None:
    made = run(
        "add", "insight", minimal, "--title", "Une piste", "--evidence", "premier-jour",
        "--tag", "accueil", "--statement", "Ce que nous avons appris.",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    result = run("tag", "entretien-jeanne", "acceuil", minimal)
    assert result.exit_code == 0
    assert (
        "warning: the tag 'acceuil' is used only here: a code gathers several notes — did you "
        "mean 'accueil'?"
    ) in result.stderr


def test_tag_says_when_nothing_changes_and_writes_nothing(minimal: Path) -> None:
    path = minimal / "journal" / "2025-03-03-premier-jour.yaml"
    stat = path.stat()
    result = run("tag", "premier-jour", "Accueil", minimal)
    assert result.exit_code == 0
    assert "already has the tag 'accueil': it is not added twice." in result.stderr
    assert "Updated" not in result.stderr
    assert path.stat().st_mtime_ns == stat.st_mtime_ns


# -- at the same time ------------------------------------------------------------------------


def test_two_tags_planned_together_both_land(minimal: Path) -> None:
    ctx = load_context(minimal)
    first = plan_tags(ctx, "entretien-jeanne", ["un"], quote=None, remove=False)
    second = plan_tags(ctx, "entretien-jeanne", ["deux"], quote=1, remove=False)
    write_plan(first.plan)
    write_plan(second.plan)  # read before the first was written: made again, not refused
    residency, _ = load_residency(minimal)
    entry = next(e for e in residency.entries if e.title == "Entretien avec Jeanne")
    assert entry.tags == ["un"] and entry.quotes[0].tags == ["deux"]


def test_a_tag_over_a_change_made_in_an_editor_is_refused(minimal: Path) -> None:
    ctx = load_context(minimal)
    planned = plan_tags(ctx, "entretien-jeanne", ["un"], quote=None, remove=False)
    path = minimal / ENTRY
    path.write_bytes(path.read_bytes() + b"# saved meanwhile\n")
    with pytest.raises(ResidenceError) as caught:
        write_plan(planned.plan)
    assert "changed while its tags were being changed" in str(caught.value)
    assert path.read_bytes().endswith(b"# saved meanwhile\n")


@pytest.mark.slow
def test_parallel_tags_on_one_entry_lose_none(minimal: Path) -> None:
    script = Path(sys.executable).with_name("residence")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "residence"]
    env = {k: v for k, v in os.environ.items() if k not in {"EDITOR", "VISUAL"}}
    procs = [
        subprocess.Popen(
            [*command, "tag", "entretien-jeanne", f"code-{i}", str(minimal)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(12)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    residency, _ = load_residency(minimal)
    entry = next(e for e in residency.entries if e.title == "Entretien avec Jeanne")
    assert sorted(entry.tags) == sorted(f"code-{i}" for i in range(12))
