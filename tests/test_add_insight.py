# SPDX-License-Identifier: EUPL-1.2
"""`residence add insight`: an insight from options or in the editor, its evidence typed as
ENTRY, ENTRY#N or prototype:ID#N (French words too), checked before anything is written."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner  # noqa: TID251

from residence import add as core
from residence.add.evidence import parse_reference, reference_problem
from residence.check import check_residency
from residence.cli import app
from residence.load import load_residency, parse_yaml
from test_add_items import schema_errors

QUOTED = "2025-03-04-entretien-jeanne"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RESIDENCE_AUTHOR", "EDITOR", "VISUAL", "FORCE_COLOR", "RESIDENCE_LANG"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str | Path, env: dict[str, str] | None = None, input: str | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env, input=input)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".residence" not in p.parts
    }


def errors_of(folder: Path) -> list[str]:
    residency, problems = load_residency(folder)
    found = [*problems, *check_residency(residency)]
    return [str(p) for p in found if p.severity == "error"]


def editor(tmp_path: Path, code: str) -> str:
    """Return an EDITOR running a Python script on the draft (``path``, ``text``)."""
    script = tmp_path / f"editor-{abs(hash(code))}.py"
    script.write_text(
        "import pathlib, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text(encoding='utf-8')\n"
        "(path.parent.parent / 'seen.yaml').write_text(text, encoding='utf-8')\n"
        f"{code}\n",
        encoding="utf-8",
    )
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


# -- the evidence as typed ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "ref", "prototype", "n"),
    [
        ("2025-03-04-entretien-jeanne", "2025-03-04-entretien-jeanne", False, None),
        ("2025-03-04-entretien-jeanne#2", "2025-03-04-entretien-jeanne", False, 2),
        ("entretien-jeanne#citation2", "entretien-jeanne", False, 2),
        ("entretien-jeanne citation 2", "entretien-jeanne", False, 2),
        ("Entrée:entretien-jeanne#Citation-1", "entretien-jeanne", False, 1),
        ("journal/2025-03-04-entretien-jeanne.yaml#1", "journal/2025-03-04-entretien-jeanne.yaml",
         False, 1),
        ("prototype:panneau-orientation", "panneau-orientation", True, None),
        ("prototype:panneau-orientation#1", "panneau-orientation", True, 1),
        ("Prototype : panneau-orientation #séance 3", "panneau-orientation", True, 3),
    ],
)  # fmt: skip
def test_evidence_is_read_in_french_and_english(
    typed: str, ref: str, prototype: bool, n: int | None
) -> None:
    found = parse_reference(typed)
    assert found is not None
    assert (found.ref, found.prototype, found.n) == (ref, prototype, n)
    assert reference_problem(typed) is None


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("une entrée au hasard", "write the journal entry (its file name without .yaml)"),
        ("x#0", "quotes and tests count from 1"),
        ("x#page2", "after #, write the number of the quote"),
        ("prototype:x#citation1", "a prototype has tests, not quotes"),
        ("x#test1", "a test belongs to a prototype"),
        ("fichier:x", "write the journal entry"),
    ],
)
def test_evidence_in_a_wrong_form_is_explained(typed: str, said: str) -> None:
    message = reference_problem(typed)
    assert message is not None and said in message
    assert message.startswith(f"--evidence {typed}: ")


# -- from options --------------------------------------------------------------------------


def test_add_insight_from_options_writes_a_valid_file(minimal: Path) -> None:
    result = run(
        "add", "insight", minimal, "--title", "L'attente ne se voit pas",
        "--evidence", f"{QUOTED}#1", "--evidence", "premier-jour",
        "--evidence", "prototype:panneau-orientation#1", "--tag", "accueil", "--tag", "attente",
        "--phase", "analyse", "--prototype", "panneau-orientation", "--team-only",
        "--statement", "Personne ne sait **qu'il attend**.\n\n- ni où\n",
        env={"RESIDENCE_LANG": "fr"},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rel = "insights/l-attente-ne-se-voit-pas.yaml"
    assert result.stdout.strip() == str(minimal / rel)
    assert f"{minimal / rel} créé : piste 'l-attente-ne-se-voit-pas' ajoutée." in result.stderr
    text = (minimal / rel).read_text(encoding="utf-8")
    assert text.startswith(
        "# Piste — voir la référence du format (docs/)\nid: l-attente-ne-se-voit"
    )
    _root, value = parse_yaml(text)
    assert value["evidence"] == [
        {"entry": QUOTED, "quote": "1"},
        {"entry": "2025-03-03-premier-jour"},  # the end of its name was enough
        {"prototype": "panneau-orientation", "test": "1"},
    ]
    assert value["phase"] == "analysis" and value["visibility"] == "team"
    assert value["statement"] == "Personne ne sait **qu'il attend**.\n\n- ni où\n"
    assert list(value)[-1] == "statement"
    assert schema_errors(minimal, rel) == []
    assert errors_of(minimal) == []
    residency, _ = load_residency(minimal)
    (insight,) = residency.insights
    assert insight.tags == ["accueil", "attente"] and insight.prototypes == ["panneau-orientation"]
    # The first insight makes tags codes: a tag used once is now worth a warning.
    assert "warning: l'étiquette « attente » n'est utilisée qu'ici" in result.stderr


def test_add_insight_week_and_statement_from_standard_input(minimal: Path) -> None:
    result = run(
        "add", "insight", minimal, "--title", "Le guichet", "--week", "2", "--statement", "-",
        input="Lu sur l'entrée standard.\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    residency, _ = load_residency(minimal)
    (insight,) = residency.insights
    assert insight.week == 2 and insight.statement == "Lu sur l'entrée standard.\n"
    assert "warning: the insight 'le-guichet' has no evidence" in result.stderr


def test_add_insight_ids_collide_like_prototypes(minimal: Path) -> None:
    for _ in range(2):
        result = run("add", "insight", minimal, "--title", "Même titre", "--statement", "x")
        assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (minimal / "insights").iterdir()) == [
        "meme-titre-2.yaml",
        "meme-titre.yaml",
    ]
    taken = run("add", "insight", minimal, "--title", "T", "--id", "meme-titre", "--statement", "x")
    assert taken.exit_code == 1
    assert (
        "error: --id meme-titre: this insight id is already taken: choose another one (for "
        "example 'meme-titre-3')"
    ) in taken.stderr


def test_add_insight_refuses_unknown_references_before_writing(minimal: Path) -> None:
    before = snapshot(minimal)
    result = run(
        "add", "insight", minimal, "--title", "T", "--statement", "S",
        "--evidence", "2025-03-04-entretien-jeane", "--evidence", f"{QUOTED}#3",
        "--evidence", "prototype:panneau#1", "--evidence", "prototype:panneau-orientation#4",
        "--evidence", "premier-jour#1", "--evidence", "2025#1", "--prototype", "panneau",
    )  # fmt: skip
    assert result.exit_code == 1
    said = result.stderr
    assert (
        "error: --evidence 2025-03-04-entretien-jeane: unknown journal entry, it is not in "
        "journal/ (file name without .yaml) — did you mean '2025-03-04-entretien-jeanne'"
    ) in said
    assert (
        f"error: --evidence {QUOTED}#3: the entry '{QUOTED}' has 1 quote; they count from 1" in said
    )
    assert (
        "error: --evidence prototype:panneau#1: unknown prototype, it is not in prototypes/ — did "
        "you mean 'panneau-orientation'?"
    ) in said
    assert "the prototype 'panneau-orientation' has 1 test session; they count from 1" in said
    assert "the entry '2025-03-03-premier-jour' has no quote: cite the entry alone" in said
    assert "'2025' names several journal entries (2025-03-03-premier-jour," in said
    assert "Nothing was written." in said
    assert snapshot(minimal) == before
    assert "Traceback" not in result.output


def test_add_insight_refusals_in_french(minimal: Path) -> None:
    result = run(
        "add", "insight", minimal, "--title", "T", "--statement", "S",
        "--evidence", "entretien-jeanne#test1", "--evidence", "premier-jour#citation1",
        env={"RESIDENCE_LANG": "fr"},
    )  # fmt: skip
    assert result.exit_code == 1
    assert (
        "error: --evidence entretien-jeanne#test1 : une séance de test appartient à un "
        "prototype : écrivez prototype:ID#N ; après une entrée du journal, #N est sa citation N"
    ) in result.stderr
    assert "Rien n'a été écrit." in result.stderr


def test_add_insight_without_a_statement_and_no_editor_exits_1(minimal: Path) -> None:
    before = snapshot(minimal)
    result = run("add", "insight", minimal, "--title", "T", "--no-edit")
    assert result.exit_code == 1
    assert "statement" in result.stderr
    assert snapshot(minimal) == before


# -- in the editor ---------------------------------------------------------------------------


def test_add_insight_in_the_editor(minimal: Path, tmp_path: Path) -> None:
    code = (
        "text = text.replace('title: \\n', 'title: Les panneaux ne sont pas lus\\n')\n"
        "text = text.replace('# tags: []', 'tags: [accueil, orientation]')\n"
        "text = text.replace('#   - entry: \\n', '  - entry: 2025-03-03-premier-jour\\n')\n"
        "text = text.replace('# evidence:\\n', 'evidence:\\n')\n"
        "text = text.rstrip() + '\\nPersonne ne les lit.\\n'\n"  # not indented: fixed
        "path.write_text(text, encoding='utf-8')"
    )
    result = run(
        "add", "insight", minimal, "--prototype", "panneau-orientation",
        env={"EDITOR": editor(tmp_path, code), "RESIDENCE_LANG": "fr"},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    seen = (minimal / ".residence" / "seen.yaml").read_text(encoding="utf-8")
    assert seen.startswith("# residence add insight : une nouvelle piste.")
    assert "prototypes: [panneau-orientation]" in seen  # given as an option
    assert "# Existants : 2025-03-03-premier-jour, 2025-03-04-entretien-jeanne" in seen
    for key in ("id", "title", "evidence", "tags", "week", "phase", "prototypes", "visibility"):
        assert f"\n{key}:" in seen or f"\n# {key}:" in seen, key
    for key in ("entry", "quote", "prototype", "test"):  # the evidence, explained
        assert f"#   - {key}: " in seen or f"#     {key}: " in seen, key
    assert "Avec entry : laquelle de ses citations" in seen
    assert "Facultatif. Facultatif" not in seen.replace("\n# ", " ")
    rel = "insights/les-panneaux-ne-sont-pas-lus.yaml"
    text = (minimal / rel).read_text(encoding="utf-8")
    assert "id: les-panneaux-ne-sont-pas-lus\n" in text
    assert "statement: |\n  Personne ne les lit.\n" in text
    assert "# Existants" not in text and "Facultatif" not in text  # the template's comments go
    assert "mises en retrait pour vous" in result.stderr
    assert schema_errors(minimal, rel) == []
    assert errors_of(minimal) == []
    assert list((minimal / ".residence" / "drafts").iterdir()) == []


def test_add_insight_editor_points_at_a_bad_reference_and_keeps_the_draft(
    minimal: Path, tmp_path: Path
) -> None:
    code = (
        "text = text.replace('title: \\n', 'title: Une piste\\n')\n"
        "text = text.replace('# evidence:\\n', 'evidence:\\n')\n"
        "text = text.replace('#   - entry: \\n', '  - entry: 2025-03-03-premier-jou\\n')\n"
        "text = text.rstrip() + '\\n  Ce que nous avons appris.\\n'\n"
        "path.write_text(text, encoding='utf-8')"
    )
    before = snapshot(minimal)
    result = run("add", "insight", minimal, env={"EDITOR": editor(tmp_path, code)})
    assert result.exit_code == 1
    (draft,) = (minimal / ".residence" / "drafts").glob("*-insight.yaml")
    assert "unknown entry '2025-03-03-premier-jou'" in result.stderr
    assert "did you mean '2025-03-03-premier-jour'" in result.stderr
    assert f".residence/drafts/{draft.name}:" in result.stderr  # at the draft's line
    assert snapshot(minimal) == before
    draft.write_text(
        draft.read_text(encoding="utf-8").replace("premier-jou\n", "premier-jour\n"),
        encoding="utf-8",
    )
    done = run("add", "insight", minimal, "--draft", draft, "--no-edit")
    assert done.exit_code == 0, done.stderr
    assert (minimal / "insights" / "une-piste.yaml").is_file()


def test_insight_template_lists_every_field(minimal: Path) -> None:
    template = core.render_template(core.load_context(minimal), "insight", {})
    assert template.startswith("# residence add insight : une nouvelle piste.")
    assert template.rstrip().endswith("statement: |")
