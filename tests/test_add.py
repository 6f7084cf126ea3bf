"""`residence add`: the flag path, the editor path, collisions, invalid items, interrupted
writes, and byte-for-byte preservation of what the team wrote."""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner  # noqa: TID251

from residence import add as core
from residence.check import check_residency
from residence.cli import app
from residence.errors import ResidenceError
from residence.i18n import current_language, set_language
from residence.load import NON_PRINTABLE, load_residency, parse_yaml
from residence.resources import locale_dir


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No author, no editor, no forced colours from the machine running the tests."""
    for name in ("RESIDENCE_AUTHOR", "EDITOR", "VISUAL", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str | Path, env: dict[str, str] | None = None, input: str | None = None):
    """Invoke the CLI with string arguments."""
    return CliRunner().invoke(app, [str(a) for a in args], env=env, input=input)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file of a folder (drafts aside) with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".residence" not in p.parts
    }


def problems_of(folder: Path) -> list[str]:
    residency, problems = load_residency(folder)
    return [str(p) for p in [*problems, *check_residency(residency)]]


def editor(tmp_path: Path, code: str) -> str:
    """Return an EDITOR value running a Python script that edits the file it is given.

    The script gets ``path`` (the draft) and ``text`` (its content); it writes the result.
    """
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


NOTE = [
    "--title",
    "Visite du hall",
    "--kind",
    "observation",
    "--author",
    "claire",
    "--actor",
    "mairie",
    "--tag",
    "accueil",
    "--date",
    "2025-03-05",
    "--body",
    "Le hall est **vide** à 8 h.\n\n- une chaise\n- # pas un titre",
]


# -- the flag path -----------------------------------------------------------------------


def test_add_note_from_flags_writes_a_dated_file(minimal: Path) -> None:
    before = problems_of(minimal)
    result = run("add", "note", minimal, *NOTE)
    assert result.exit_code == 0, result.stderr
    path = minimal / "journal" / "2025-03-05-visite-du-hall.yaml"
    assert result.stdout.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    assert "title: Visite du hall\n" in text
    assert "body: |\n  Le hall est **vide** à 8 h.\n\n  - une chaise\n  - # pas un titre\n" in text
    residency, _ = load_residency(minimal)
    entry = next(e for e in residency.entries if e.title == "Visite du hall")
    assert entry.authors == ["claire"] and entry.actors == ["mairie"]
    assert entry.date == dt.date(2025, 3, 5) and entry.tags == ["accueil"]
    assert problems_of(minimal) == before  # nothing new for `residence check`


def test_add_note_date_defaults_to_today_and_author_to_residence_author(
    minimal: Path,
) -> None:
    result = run(
        "add",
        "note",
        minimal,
        "--title",
        "Ce soir",
        "--kind",
        "reflection",
        "--body",
        "Fatigués mais contents.",
        env={"RESIDENCE_AUTHOR": "malik"},
    )
    assert result.exit_code == 0, result.stderr
    today = dt.date.today().isoformat()
    path = minimal / "journal" / f"{today}-ce-soir.yaml"
    _, value = parse_yaml(path.read_bytes())
    assert value["date"] == today
    assert value["authors"] == ["malik"]


def test_add_note_unknown_residence_author_says_where_it_comes_from(minimal: Path) -> None:
    result = run(
        "add",
        "note",
        minimal,
        "--title",
        "T",
        "--kind",
        "reflection",
        "--body",
        "b",
        env={"RESIDENCE_AUTHOR": "clair"},
    )
    assert result.exit_code == 1
    assert "did you mean 'claire'" in result.stderr
    assert "RESIDENCE_AUTHOR" in result.stderr


def test_add_note_folds_accents_and_numbers_collisions(minimal: Path) -> None:
    args = [
        "--title",
        "Évènement à l'œil nu",
        "--kind",
        "observation",
        "--author",
        "claire",
        "--date",
        "2025-03-05",
        "--body",
        "x",
    ]
    first = minimal / "journal" / "2025-03-05-evenement-a-l-oeil-nu.yaml"
    assert run("add", "note", minimal, *args).exit_code == 0
    kept = first.read_bytes()
    assert run("add", "note", minimal, *args).exit_code == 0
    assert run("add", "note", minimal, *args).exit_code == 0
    assert first.read_bytes() == kept  # never overwritten
    assert (minimal / "journal" / "2025-03-05-evenement-a-l-oeil-nu-2.yaml").is_file()
    assert (minimal / "journal" / "2025-03-05-evenement-a-l-oeil-nu-3.yaml").is_file()


def test_add_note_unknown_references_suggest_and_write_nothing(minimal: Path) -> None:
    before = snapshot(minimal)
    result = run(
        "add",
        "note",
        minimal,
        "--title",
        "T",
        "--kind",
        "interview",
        "--author",
        "clair",
        "--actor",
        "Jeanne Martin",
        "--actor",
        "agents",
        "--prototype",
        "panneau",
        "--method",
        "entretien",
        "--body",
        "b",
    )
    assert result.exit_code == 1
    err = result.stderr
    assert "--author clair: unknown team member" in err and "did you mean 'claire'" in err
    assert "did you mean 'jeanne-martin'" in err  # found by the actor's name
    assert "did you mean 'agents-accueil'" in err
    assert "did you mean 'panneau-orientation'" in err
    assert "did you mean 'entretien-guichet'" in err
    assert "Nothing was written." in err
    assert snapshot(minimal) == before


def test_add_note_invalid_values_exit_1_and_write_nothing(minimal: Path) -> None:
    before = snapshot(minimal)
    result = run(
        "add",
        "note",
        minimal,
        "--title",
        "T",
        "--kind",
        "observaton",
        "--author",
        "claire",
        "--date",
        "2025-02-30",
        "--time",
        "25:00",
        "--body",
        "b",
    )
    assert result.exit_code == 1
    assert "did you mean 'observation'" in result.stderr
    assert "2025-02-30 is not a real date" in result.stderr
    assert "'25:00' is not a time" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert snapshot(minimal) == before


def test_add_note_missing_fields_without_editor_exit_1(minimal: Path) -> None:
    before = snapshot(minimal)
    result = run("add", "note", minimal, "--title", "T", "--author", "claire", "--no-edit")
    assert result.exit_code == 1
    assert "missing required field 'kind'" in result.stderr
    assert "missing required field 'body'" in result.stderr
    assert snapshot(minimal) == before
    assert not (minimal / ".residence").exists()


def test_add_note_body_from_standard_input(minimal: Path) -> None:
    result = run(
        "add",
        "note",
        minimal,
        "--title",
        "Lu",
        "--kind",
        "reflection",
        "--author",
        "claire",
        "--date",
        "2025-03-06",
        "--body",
        "-",
        input="Première ligne\nseconde ligne\n",
    )
    assert result.exit_code == 0, result.stderr
    _, value = parse_yaml((minimal / "journal" / "2025-03-06-lu.yaml").read_bytes())
    assert value["body"] == "Première ligne\nseconde ligne\n"


def test_add_note_outside_weeks_is_a_warning_not_an_error(minimal: Path) -> None:
    result = run(
        "add",
        "note",
        minimal,
        "--title",
        "Hors semaine",
        "--kind",
        "reflection",
        "--author",
        "claire",
        "--date",
        "2025-06-30",
        "--body",
        "b",
    )
    assert result.exit_code == 0
    assert "journal/2025-06-30-hors-semaine.yaml:2:7: warning: 2025-06-30 is outside" in (
        result.stderr
    )


def test_add_usage_errors_exit_2(minimal: Path, tmp_path: Path) -> None:
    assert run("add", "note", minimal, "--colour", "red").exit_code == 2
    assert run("add", "note", tmp_path / "nowhere", "--title", "T").exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("add", "note", empty, "--title", "T")
    assert result.exit_code == 2
    assert "not a residency folder" in result.stderr


def test_add_prototype_proposes_a_free_id_from_the_title(minimal: Path) -> None:
    result = run(
        "add",
        "prototype",
        minimal,
        "--title",
        "Panneau : orientation",
        "--hypothesis",
        "si … alors …",
        "--team",
        "claire",
        "--created",
        "2025-04-09",
    )
    assert result.exit_code == 0, result.stderr
    path = minimal / "prototypes" / "panneau-orientation-2.yaml"
    _, value = parse_yaml(path.read_bytes())
    assert value["id"] == "panneau-orientation-2"
    assert value["stage"] == "idea" and value["team"] == ["claire"]
    assert problems_of(minimal) == []


def test_add_prototype_with_a_taken_id_is_refused(minimal: Path) -> None:
    before = snapshot(minimal)
    result = run(
        "add",
        "prototype",
        minimal,
        "--id",
        "panneau-orientation",
        "--title",
        "T",
        "--hypothesis",
        "h",
    )
    assert result.exit_code == 1
    assert "--id panneau-orientation: this prototype id is already taken" in result.stderr
    assert "panneau-orientation-2" in result.stderr
    assert snapshot(minimal) == before


def test_add_scenario_and_method_from_flags(minimal: Path) -> None:
    result = run(
        "add",
        "scenario",
        minimal,
        "--title",
        "Le retour de Jeanne",
        "--persona",
        "Une habitante pressée",
        "--today",
        "Elle attend.",
        "--tomorrow",
        "Elle sait où aller.",
        "--step",
        "Elle entre.",
        "--step",
        "Elle lit: le panneau.",
        "--actor",
        "agents-accueil",
        "--prototype",
        "panneau-orientation",
    )
    assert result.exit_code == 0, result.stderr
    result = run(
        "add",
        "method",
        minimal,
        "--title",
        "Le guichet inversé",
        "--summary",
        "Les résidents passent derrière le guichet.",
        "--step",
        "Demander l'accord.",
        "--step",
        "Observer une matinée.",
        "--example",
        "2025-03-04-entretien-jeanne",
        "--phase",
        "immersion",
        env={"RESIDENCE_AUTHOR": "claire"},
    )
    assert result.exit_code == 0, result.stderr
    residency, _ = load_residency(minimal)
    method = next(m for m in residency.methods if m.id == "le-guichet-inverse")
    assert method.authors == ["Claire Dumas"]  # the member's name, not the id
    scenario = next(s for s in residency.scenarios if s.id == "le-retour-de-jeanne")
    assert scenario.steps == ["Elle entre.", "Elle lit: le panneau."]
    assert problems_of(minimal) == []


def test_add_test_session_appends_to_its_prototype(minimal: Path) -> None:
    path = minimal / "prototypes" / "panneau-orientation.yaml"
    old = path.read_text(encoding="utf-8")
    result = run(
        "add",
        "test",
        minimal,
        "--prototype",
        "panneau-orientation",
        "--date",
        "2025-05-13",
        "--decision",
        "continue",
        "--observations",
        "Toujours utile.",
        "--participants",
        "10 habitants",
    )
    assert result.exit_code == 0, result.stderr
    new = path.read_text(encoding="utf-8")
    cut = old.index("handover:")
    assert new.startswith(old[:cut]) and new.endswith(old[cut:])
    added = new[cut : -len(old[cut:])]
    assert added.startswith("  - date: 2025-05-13\n")
    residency, _ = load_residency(minimal)
    proto = residency.prototypes[0]
    assert [t.date.isoformat() for t in proto.tests] == ["2025-04-08", "2025-05-13"]
    assert proto.tests[-1].observations == "Toujours utile.\n"


def test_add_test_unknown_prototype_suggests(minimal: Path) -> None:
    result = run(
        "add",
        "test",
        minimal,
        "--prototype",
        "panneau",
        "--decision",
        "adopt",
        "--observations",
        "x",
    )
    assert result.exit_code == 1
    assert "did you mean 'panneau-orientation'" in result.stderr


def test_add_actor_and_relation_append_to_actors_yaml(minimal: Path) -> None:
    path = minimal / "actors.yaml"
    old = path.read_text(encoding="utf-8")
    result = run(
        "add",
        "actor",
        minimal,
        "--name",
        "Conseil citoyen",
        "--kind",
        "association",
        "--sector",
        "civil-society",
        "--circle",
        "indirect",
        "--influence",
        "2",
        "--stake",
        "Être consulté",
        "--description",
        "Un conseil de quartier.",
    )
    assert result.exit_code == 0, result.stderr
    result = run(
        "add",
        "relation",
        minimal,
        "--from",
        "conseil-citoyen",
        "--to",
        "mairie",
        "--kind",
        "information",
        "--note",
        "Réunions mensuelles",
    )
    assert result.exit_code == 0, result.stderr
    new = path.read_text(encoding="utf-8")
    cut, new_cut = old.index("relations:"), new.index("relations:")
    assert new[:new_cut].startswith(old[:cut])  # the actors, then the new one
    assert new[new_cut:].startswith(old[cut:])  # the relations, then the new one
    residency, _ = load_residency(minimal)
    actor = residency.actor("conseil-citoyen")
    assert actor is not None and actor.influence == 2 and actor.stakes == ["Être consulté"]
    assert residency.relations[-1].from_ == "conseil-citoyen"
    assert 'name: "Conseil citoyen"' in new  # quoted, like the names above it
    assert problems_of(minimal) == []


def test_add_actor_with_a_known_name_is_refused(minimal: Path) -> None:
    result = run(
        "add",
        "actor",
        minimal,
        "--name",
        "Agents d'accueil",
        "--kind",
        "agent",
        "--sector",
        "public",
        "--circle",
        "core",
    )
    assert result.exit_code == 1
    assert "already in actors.yaml as 'agents-accueil'" in result.stderr


def test_add_personal_actor_warns_about_consent(minimal: Path) -> None:
    result = run(
        "add",
        "actor",
        minimal,
        "--name",
        "Paul Durand",
        "--kind",
        "person",
        "--sector",
        "users",
        "--circle",
        "direct",
        "--personal",
    )
    assert result.exit_code == 0
    assert "'paul-durand' is a personal actor without a consent record" in result.stderr
    assert "nobody mentions" not in result.stderr  # a new actor is not yet mentioned


def test_add_relation_to_unknown_actor_is_refused(minimal: Path) -> None:
    before = snapshot(minimal)
    result = run(
        "add", "relation", minimal, "--from", "mairie", "--to", "jeanne", "--kind", "service"
    )
    assert result.exit_code == 1
    assert "did you mean 'jeanne-martin'" in result.stderr
    assert snapshot(minimal) == before


def test_add_refuses_to_touch_invalid_yaml(minimal: Path) -> None:
    path = minimal / "actors.yaml"
    broken = path.read_bytes().replace(b"  - id: mairie", b"  - id: mairie\n\t- oops", 1)
    path.write_bytes(broken)
    result = run(
        "add",
        "actor",
        minimal,
        "--name",
        "X",
        "--kind",
        "agent",
        "--sector",
        "public",
        "--circle",
        "core",
    )
    assert result.exit_code == 1
    assert "actors.yaml:" in result.stderr and "nothing was changed" in result.stderr
    assert path.read_bytes() == broken


# -- the editor path ---------------------------------------------------------------------


def test_add_note_editor_fills_the_template(minimal: Path, tmp_path: Path) -> None:
    code = (
        "text = text.replace('title: \\n', 'title: Au guichet\\n')\n"
        "text = text.replace('kind: \\n', 'kind: interview\\n')\n"
        "text = text.replace('# place: \\n', 'place: Mairie annexe\\n')\n"
        "text = text.rstrip() + '\\n  Jeanne revient.\\n  # Un titre Markdown\\n'\n"
        "path.write_text('# notre commentaire\\n' + text, encoding='utf-8')"
    )
    result = run(
        "add",
        "note",
        minimal,
        "--author",
        "claire",
        "--date",
        "2025-03-05",
        env={"EDITOR": editor(tmp_path, code)},
    )
    assert result.exit_code == 0, result.stderr
    seen = (minimal / ".residence" / "seen.yaml").read_text(encoding="utf-8")
    assert "authors: [claire]" in seen and "date: 2025-03-05" in seen  # pre-filled
    assert "# Known: claire, malik" in seen or "# Existants : claire, malik" in seen
    path = minimal / "journal" / "2025-03-05-au-guichet.yaml"
    text = path.read_text(encoding="utf-8")
    assert "# notre commentaire\n" in text  # the team's own comment stays
    assert "# Known" not in text and "# Existants" not in text  # the template's goes
    residency, _ = load_residency(minimal)
    entry = next(e for e in residency.entries if e.title == "Au guichet")
    assert entry.place == "Mairie annexe"
    assert entry.body == "Jeanne revient.\n# Un titre Markdown\n"
    assert list((minimal / ".residence" / "drafts").iterdir()) == []  # the draft is gone


def test_add_note_editor_invalid_draft_is_kept_then_finished(minimal: Path, tmp_path: Path) -> None:
    code = (
        "text = text.replace('title: \\n', 'title: Brouillon\\n')\n"
        "text = text.replace('kind: \\n', 'kind: interviw\\n')\n"
        "text = text.rstrip() + '\\n  Un texte précieux.\\n'\n"
        "path.write_text(text, encoding='utf-8')"
    )
    before = snapshot(minimal)
    result = run(
        "add",
        "note",
        minimal,
        "--author",
        "claire",
        "--date",
        "2025-03-05",
        env={"EDITOR": editor(tmp_path, code)},
    )
    assert result.exit_code == 1
    drafts = list((minimal / ".residence" / "drafts").glob("*-note.yaml"))
    assert len(drafts) == 1
    draft = drafts[0]
    assert f"Your draft is kept in {draft}" in result.stderr
    assert ".residence/drafts/" in result.stderr and "'interviw'" in result.stderr
    assert ":" in result.stderr.split("error:")[0]  # path:line:column of the draft
    assert "Un texte précieux." in draft.read_text(encoding="utf-8")
    assert snapshot(minimal) == before
    # Fixed by hand later, then finished without the editor.
    draft.write_text(
        draft.read_text(encoding="utf-8").replace("kind: interviw", "kind: interview"),
        encoding="utf-8",
    )
    result = run("add", "note", minimal, "--draft", draft, "--no-edit")
    assert result.exit_code == 0, result.stderr
    assert not draft.exists()
    assert (minimal / "journal" / "2025-03-05-brouillon.yaml").is_file()


def test_add_note_editor_unindented_text_is_indented(minimal: Path, tmp_path: Path) -> None:
    code = (
        "text = text.replace('title: \\n', 'title: Tard le soir\\n')\n"
        "text = text.replace('kind: \\n', 'kind: reflection\\n')\n"
        "text = text.rstrip() + '\\nPas de retrait.\\nNote: deux points\\n# Titre\\n'\n"
        "path.write_text(text, encoding='utf-8')"
    )
    result = run(
        "add",
        "note",
        minimal,
        "--author",
        "claire",
        "--date",
        "2025-03-05",
        env={"EDITOR": editor(tmp_path, code)},
    )
    assert result.exit_code == 0, result.stderr
    assert "indented for you" in result.stderr
    residency, _ = load_residency(minimal)
    entry = next(e for e in residency.entries if e.title == "Tard le soir")
    assert entry.body == "Pas de retrait.\nNote: deux points\n# Titre\n"


def test_add_note_editor_empty_or_unchanged_draft_adds_nothing(
    minimal: Path, tmp_path: Path
) -> None:
    before = snapshot(minimal)
    for code in ("path.write_text('', encoding='utf-8')", "pass"):
        result = run(
            "add", "note", minimal, "--author", "claire", env={"EDITOR": editor(tmp_path, code)}
        )
        assert result.exit_code == 1
        assert "Nothing was added" in result.stderr
    assert snapshot(minimal) == before
    assert list((minimal / ".residence" / "drafts").iterdir()) == []


def test_add_editor_failure_keeps_the_draft(minimal: Path, tmp_path: Path) -> None:
    result = run(
        "add", "note", minimal, "--title", "T", env={"EDITOR": editor(tmp_path, "sys.exit(3)")}
    )
    assert result.exit_code == 1
    assert "status 3" in result.stderr
    assert len(list((minimal / ".residence" / "drafts").iterdir())) == 1
    result = run(
        "add", "note", minimal, "--title", "T", env={"EDITOR": str(tmp_path / "no-such-editor")}
    )
    assert result.exit_code == 2
    assert "cannot start the editor" in result.stderr
    assert len(list((minimal / ".residence" / "drafts").iterdir())) == 2


def test_add_actor_and_test_through_the_editor(minimal: Path, tmp_path: Path) -> None:
    code = (
        "text = text.replace('name: \\n', 'name: Le gardien\\n')\n"
        "text = text.replace('kind: \\n', 'kind: agent\\n')\n"
        "text = text.replace('sector: \\n', 'sector: public\\n')\n"
        "text = text.replace('circle: \\n', 'circle: direct\\n')\n"
        "path.write_text(text, encoding='utf-8')"
    )
    result = run("add", "actor", minimal, "--edit", env={"EDITOR": editor(tmp_path, code)})
    assert result.exit_code == 0, result.stderr
    seen = (minimal / ".residence" / "seen.yaml").read_text(encoding="utf-8")
    assert "\nid: \n" in seen  # left empty: made from the name
    residency, _ = load_residency(minimal)
    assert residency.actor("le-gardien") is not None
    code = (
        "text = text.replace('decision: \\n', 'decision: iterate\\n')\n"
        "text = text.rstrip() + '\\n  Les pictos sont compris.\\n'\n"
        "path.write_text(text, encoding='utf-8')"
    )
    result = run(
        "add",
        "test",
        minimal,
        "--prototype",
        "panneau-orientation",
        "--date",
        "2025-05-14",
        env={"EDITOR": editor(tmp_path, code)},
    )
    assert result.exit_code == 0, result.stderr
    residency, _ = load_residency(minimal)
    assert residency.prototypes[0].tests[-1].observations == "Les pictos sont compris.\n"


def test_add_draft_outside_the_folder_is_refused(minimal: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("title: x\n", encoding="utf-8")
    result = run("add", "note", minimal, "--draft", outside)
    assert result.exit_code == 2
    assert "outside the residency folder" in result.stderr


def test_editor_command_prefers_editor_then_visual() -> None:
    assert core.editor_command({"EDITOR": "nano -w", "VISUAL": "code --wait"}) == ["nano", "-w"]
    assert core.editor_command({"VISUAL": "code --wait"}) == ["code", "--wait"]
    assert core.editor_command({"EDITOR": "  ", "VISUAL": "vim"}) == ["vim"]


def test_template_explains_fields_in_the_residency_language(minimal: Path) -> None:
    ctx = core.load_context(minimal)
    data, _ = core.build_item(ctx, "note", {"title": "Visite"}, today=dt.date(2025, 3, 4))
    template = core.render_template(ctx, "note", data)
    assert template.startswith("# residence add note : une nouvelle entrée de journal.")
    assert "title: Visite\n" in template and "date: 2025-03-04\n" in template
    assert template.rstrip().endswith("body: |")  # the text comes last
    # Each field has its description above it (translated when the catalogue has it).
    for key in ("kind", "authors", "actors", "visibility", "quotes", "media"):
        lines = template.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith((f"{key}:", f"# {key}:")))
        assert lines[at - 1].startswith("# ")


# -- inserting into a file without touching it -------------------------------------------

ITEM = {
    "id": "nouveau",
    "name": "Nouvel acteur",
    "kind": "user",
    "sector": "users",
    "circle": "direct",
    "stakes": ["Être écouté"],
    "description": "Une ligne.\n\nDeux.\n",
}

LAYOUTS = {
    "block": (
        "# Les acteurs\n"
        "actors:   # la carte\n"
        "\n"
        "  - id: a   # premier\n"
        "    name: 'A'\n"
        "    kind: user\n"
        "    sector: users\n"
        "    circle: core\n"
        "    description: |\n"
        "      texte\n"
        "      # pas un commentaire\n"
        "\n"
        "  # un commentaire après le dernier acteur\n"
        "\n"
        "relations: []   # rien encore\n"
    ),
    "dash at column 0": (
        'actors:\n- id: a\n  name: "A"\n  kind: user\n  sector: users\n  circle: core\n'
    ),
    "flow": "actors: [{id: a, name: A, kind: user, sector: users, circle: core}]  # flow\n",
    "flow with trailing comma": (
        "actors: [\n  {id: a, name: A, kind: user, sector: users, circle: core},\n]\n"
    ),
    "empty flow": "actors: []\nrelations: []\n",
    "empty key": "actors:   # à remplir\nrelations:\n",
    "null": "actors: ~\n",
    "no key": "# seulement des relations\nrelations: []\n",
    "empty file": "",
    "comments only": "# rien\n# encore\n",
    "no trailing newline": "actors:\n  - id: a\n    name: A\n    kind: user\n    sector: users\n"
    "    circle: core",
    "crlf": "actors:\r\n  - id: a\r\n    name: A\r\n    kind: user\r\n    sector: users\r\n"
    "    circle: core\r\n# fin\r\n",
    "last value is a list": (
        "actors:\n  - id: a\n    name: A\n    kind: user\n    sector: users\n"
        "    circle: core\n    stakes:\n      - un\n      - deux   # commentaire\n"
        "relations: []\n"
    ),
}


def insert(text: str, key: str, item: dict[str, object]) -> core.Insertion:
    """Insert an item into ``actors.yaml``'s text as `residence add` does (Markdown as blocks)."""
    return core.insert_item(text, key, item, "actors.yaml", literal=core.MARKDOWN_FIELDS)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_insert_item_keeps_every_byte_outside_the_new_item(layout: str) -> None:
    text = LAYOUTS[layout]
    inserted = insert(text, "actors", ITEM)
    new = inserted.text
    if layout == "null":
        text = text.replace("~", "")  # the only byte that has to go: null becomes a list
    start = inserted.start
    assert new == text[:start] + inserted.added + text[start:]
    _, old_value = parse_yaml(text)
    _, new_value = parse_yaml(new)
    old_actors = (old_value or {}).get("actors") or []
    assert new_value["actors"] == [*old_actors, core.plain(ITEM)]
    for key, value in (old_value or {}).items():
        if key != "actors":
            assert new_value[key] == value
    # A reader that resolves types (as editors do) sees the same new item.
    typed = yaml.safe_load(new)
    assert typed["actors"][-1]["name"] == "Nouvel acteur"
    assert typed["actors"][-1]["description"] == "Une ligne.\n\nDeux.\n"


def test_insert_item_follows_the_style_of_the_items_above() -> None:
    text = LAYOUTS["block"]
    new = insert(text, "actors", ITEM).text
    assert "    name: 'Nouvel acteur'\n" in new  # single quotes, like 'A'
    assert "  # un commentaire après le dernier acteur\n\nrelations: []   # rien encore\n" in new
    assert new.index("  - id: nouveau") < new.index("  # un commentaire après")


def test_insert_item_crlf_file_stays_crlf() -> None:
    new = insert(LAYOUTS["crlf"], "actors", ITEM).text
    assert "\n" not in new.replace("\r\n", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("actors:\n  - id: a\n\t- b\n", "not valid YAML"),
        ("- a\n- b\n", "at the top level"),
        ("actors:\n  id: a\n", "should be a list"),
        ("actors: some text\n", "should be a list"),
    ],
)
def test_insert_item_refuses_what_it_cannot_read(text: str, message: str) -> None:
    with pytest.raises(ResidenceError) as caught:
        insert(text, "actors", ITEM)
    assert message in str(caught.value)


def test_insert_item_refuses_an_unusual_layout() -> None:
    text = "{actors: [], relations: []}\n"
    with pytest.raises(ResidenceError) as caught:
        insert(text, "actors", ITEM)
    assert "too unusual" in str(caught.value) and "id: nouveau" in str(caught.value)


#: Prototype files as teams write them, to set one key of.
PROTOTYPES = {
    "plain": "id: p\ntitle: P\nstage: idea   # au début\nteam: [a]\n",
    "quoted": "id: p\nstage: 'idea'\n# fin\n",
    "double quoted": 'id: p\nstage: "idea"\n',
    "empty": "id: p\nstage:\ntitle: P\n",
    "absent": "id: p\ntitle: P\n# le reste viendra",
    "crlf": "id: p\r\nstage: idea\r\nhandover:\r\n",
    "null": "id: p\nhandover: ~   # plus tard\nstage: idea\n",
    "commented handover": "id: p\nstage: idea\n# handover:\n#   to: [mairie]\n",
}


@pytest.mark.parametrize("layout", sorted(PROTOTYPES))
def test_set_scalar_changes_only_the_value(layout: str) -> None:
    from residence.yamltext import set_scalar

    text = PROTOTYPES[layout]
    changed = set_scalar(text, "stage", "mock-up", "prototypes/p.yaml")
    _, old = parse_yaml(text)
    _, new = parse_yaml(changed.text)
    assert new == {**old, "stage": "mock-up"}
    kept = changed.text.replace(changed.added, "", 1)
    if layout in {"empty", "absent"}:
        assert kept == text  # the value was added, nothing else changed
    else:  # only the old value's bytes went (with its quotes, which the new value keeps)
        old_value = next(v for v in ("'idea'", '"idea"', "idea") if v in text)
        assert kept == text.replace(old_value, "", 1)
    if layout == "quoted":
        assert "stage: 'mock-up'\n" in changed.text


@pytest.mark.parametrize("layout", sorted(PROTOTYPES))
def test_insert_key_adds_a_block_and_nothing_else(layout: str) -> None:
    from residence.yamltext import insert_key

    text = PROTOTYPES[layout]
    value = {"to": ["mairie"], "conditions": "Un budget.\nEt un agent.\n"}
    added = insert_key(text, "handover", value, "prototypes/p.yaml", literal={"conditions"})
    _, old = parse_yaml(text)
    _, new = parse_yaml(added.text)
    assert new == {**(old or {}), "handover": core.plain(value)}
    base = text.replace("~", "", 1) if layout == "null" else text
    assert added.text == base[: added.start] + added.added + base[added.start :]
    if layout == "crlf":
        assert "\n" not in added.text.replace("\r\n", "")


def test_insert_key_refuses_a_key_that_holds_something() -> None:
    from residence.yamltext import insert_key

    with pytest.raises(ResidenceError) as caught:
        insert_key("handover:\n  to: [a]\n", "handover", {"to": ["b"]}, "prototypes/p.yaml")
    assert "already there" in str(caught.value)


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=_TEXT,
    stakes=st.lists(_TEXT, max_size=3),
    description=st.text(min_size=0, max_size=80).filter(lambda s: "\r" not in s),
)
def test_insert_item_round_trips_any_text(name: str, stakes: list[str], description: str) -> None:
    text = LAYOUTS["block"]
    item: dict[str, object] = {
        "id": "x",
        "name": name,
        "kind": "user",
        "sector": "users",
        "circle": "core",
        "stakes": stakes,
    }
    if description.strip() and not NON_PRINTABLE.search(description):
        item["description"] = description
    inserted = insert(text, "actors", item)
    assert inserted.text == text[: inserted.start] + inserted.added + text[inserted.start :]
    _, value = parse_yaml(inserted.text)
    assert value["actors"][-1] == core.plain(item)


def test_add_actor_preserves_the_example_actors_file(tmp_path: Path) -> None:
    example = Path(__file__).parent.parent / "examples" / "lycee-jean-moulin"
    if not (example / "actors.yaml").is_file():
        pytest.skip("the example residency is not there")
    folder = tmp_path / "example"
    import shutil

    shutil.copytree(example, folder)
    old = (folder / "actors.yaml").read_bytes()
    result = run(
        "add",
        "actor",
        folder,
        "--name",
        "Parents d'élèves",
        "--id",
        "parents-fcpe",
        "--kind",
        "association",
        "--sector",
        "civil-society",
        "--circle",
        "direct",
    )
    assert result.exit_code == 0, result.stderr
    new = (folder / "actors.yaml").read_bytes()
    added = len(new) - len(old)
    start = next(i for i in range(len(old)) if old[i] != new[i])
    assert new[:start] == old[:start] and new[start + added :] == old[start:]
    assert b"id: parents-fcpe" in new[start : start + added]


# -- writes that cannot half-happen ------------------------------------------------------


def test_add_interrupted_append_leaves_the_old_file(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = core.load_context(minimal)
    data, _ = core.build_item(
        ctx, "actor", {"name": "Z", "kind": "agent", "sector": "public", "circle": "core"}
    )
    plan = core.plan_from_data(ctx, "actor", data)
    before = snapshot(minimal)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("residence.fsutil.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        core.write_plan(plan)
    assert snapshot(minimal) == before
    assert not list(minimal.rglob("*.tmp"))


def test_add_interrupted_new_file_leaves_nothing(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = core.load_context(minimal)
    data, _ = core.build_item(
        ctx,
        "note",
        {"title": "T", "kind": "test", "authors": ["claire"], "body": "b", "date": "2025-03-05"},
    )
    plan = core.plan_from_data(ctx, "note", data)
    before = snapshot(minimal)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("residence.fsutil.os.fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        core.write_plan(plan)
    assert snapshot(minimal) == before
    assert not list(minimal.rglob("*.tmp"))


def test_add_refuses_when_the_file_changed_meanwhile(minimal: Path) -> None:
    ctx = core.load_context(minimal)
    data, _ = core.build_item(
        ctx, "actor", {"name": "Z", "kind": "agent", "sector": "public", "circle": "core"}
    )
    plan = core.plan_from_data(ctx, "actor", data)
    path = minimal / "actors.yaml"
    edited = path.read_bytes() + b"# saved from an editor meanwhile\n"
    path.write_bytes(edited)
    with pytest.raises(ResidenceError) as caught:
        core.write_plan(plan)
    assert "changed while" in str(caught.value)
    assert path.read_bytes() == edited


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_add_keeps_the_permissions_of_the_file(minimal: Path) -> None:
    path = minimal / "actors.yaml"
    path.chmod(0o664)
    result = run(
        "add",
        "actor",
        minimal,
        "--name",
        "Z",
        "--kind",
        "agent",
        "--sector",
        "public",
        "--circle",
        "core",
    )
    assert result.exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    new = minimal / "journal" / "2025-03-05-t.yaml"
    result = run(
        "add",
        "note",
        minimal,
        "--title",
        "T",
        "--kind",
        "test",
        "--author",
        "claire",
        "--date",
        "2025-03-05",
        "--body",
        "b",
    )
    assert result.exit_code == 0
    assert stat.S_IMODE(new.stat().st_mode) & 0o044  # readable by the team, not 0600


def test_add_drafts_stay_out_of_git(minimal: Path) -> None:
    draft = core.start_draft(minimal, "note", "title: x\n", dt.datetime(2025, 3, 4, 21, 30))
    again = core.start_draft(minimal, "note", "title: y\n", dt.datetime(2025, 3, 4, 21, 30))
    assert draft.name == "20250304-213000-note.yaml"
    assert again.name == "20250304-213000-note-2.yaml"
    assert draft.read_text(encoding="utf-8") == "title: x\n"
    assert (minimal / ".residence" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def test_add_test_without_a_prototype_says_so(minimal: Path) -> None:
    result = run("add", "test", minimal, "--decision", "adopt", "--observations", "x")
    assert result.exit_code == 1
    assert "missing required field 'prototype'" in result.stderr


def test_add_into_the_commented_files_of_a_fresh_scaffold(tmp_path: Path) -> None:
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
    residency, _ = load_residency(folder)
    proto = residency.prototypes[0]
    member = residency.residence.team[0].id  # type: ignore[union-attr]
    files = {
        "actors.yaml": [
            "actor",
            "--name",
            "Les patients",
            "--kind",
            "user",
            "--sector",
            "users",
            "--circle",
            "core",
        ],
        f"prototypes/{proto.id}.yaml": [
            "test",
            "--prototype",
            proto.id,
            "--date",
            "2025-03-05",
            "--decision",
            "iterate",
            "--observations",
            "Ça marche.",
        ],
    }
    for rel, args in files.items():
        old = (folder / rel).read_bytes()
        result = run("add", args[0], folder, *args[1:], env={"RESIDENCE_AUTHOR": member})
        assert result.exit_code == 0, result.stderr
        new = (folder / rel).read_bytes()
        start = next(
            (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old)
        )
        added = len(new) - len(old)
        assert new[:start] == old[:start] and new[start + added :] == old[start:]
    assert [p for p in problems_of(folder) if ": error:" in p] == []


def test_add_catalogue_translates_every_line_of_ours() -> None:
    path = locale_dir() / "fr" / "LC_MESSAGES" / "add.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    assert list(catalog.check()) == []
    french = {str(m.id): str(m.string) for m in catalog if m.id}
    assert french and all(french.values())
    for msgid, msgstr in french.items():  # a translation may leave a value out, not add one
        assert set(re.findall(r"\{\w+\}", msgstr)) <= set(re.findall(r"\{\w+\}", msgid))


@pytest.mark.parametrize("kind", sorted(core.ADDED))
def test_template_in_french_has_no_english_line_of_ours(minimal: Path, kind: str) -> None:
    ctx = core.load_context(minimal)
    assert ctx.language == "fr"
    template = core.render_template(ctx, kind, {})
    assert template.startswith(f"# residence add {kind} : un")  # un, une nouvelle…
    for english in ("a new", "Fill in the fields", "Lines starting", "Known:", "Write the text"):
        assert english not in template


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


def test_add_refusals_in_french_keep_ids_to_copy(minimal: Path, french: None) -> None:
    ctx = core.load_context(minimal)
    data, origins = core.build_item(
        ctx, "relation", {"from": "mairy", "to": "mairie", "kind": "tension"}
    )
    (unknown,) = core.check_values(ctx, "relation", data, origins)
    assert unknown.message.startswith(
        "--from mairy : acteur inconnu, il n'est pas dans actors.yaml"
    )
    assert "'mairie'" in unknown.message  # the id suggested, as it is typed
    data, origins = core.build_item(
        ctx, "actor", {"name": "Jeanne Martin", "kind": "user", "sector": "users", "circle": "core"}
    )
    (same,) = core.check_values(ctx, "actor", data, origins)
    assert same.message == (
        "'Jeanne Martin' est déjà dans actors.yaml sous l'identifiant 'jeanne-martin' : pour "
        "ajouter un autre acteur du même nom, donnez-lui un --id"
    )
    with pytest.raises(ResidenceError) as caught:
        insert("actors: 3\n", "actors", ITEM)
    assert "'actors' devrait être une liste" in str(caught.value)


def test_add_write_refusal_in_french(minimal: Path, french: None) -> None:
    ctx = core.load_context(minimal)
    data, _ = core.build_item(
        ctx, "actor", {"name": "Z", "kind": "agent", "sector": "public", "circle": "core"}
    )
    plan = core.plan_from_data(ctx, "actor", data)
    path = minimal / "actors.yaml"
    path.write_bytes(path.read_bytes() + b"# saved from an editor meanwhile\n")
    with pytest.raises(ResidenceError) as caught:
        core.write_plan(plan)
    assert caught.value.problems[0].message == (
        "actors.yaml a changé pendant l'ajout (est-il ouvert dans un éditeur ?) : rien n'a été "
        "écrit ; relancez la commande"
    )


def test_add_cli_speaks_french_and_keeps_the_severity_word(minimal: Path) -> None:
    result = run(
        "add", "relation", minimal, "--from", "mairie", "--to", "nobody", "--kind", "service",
        env={"RESIDENCE_LANG": "fr"},
    )  # fmt: skip
    assert result.exit_code == 1
    assert "error: --to nobody : acteur inconnu, il n'est pas dans actors.yaml" in result.stderr
    english = run(
        "add", "relation", minimal, "--from", "mairie", "--to", "nobody", "--kind", "service"
    )
    assert "error: --to nobody: unknown actor, it is not in actors.yaml" in english.stderr
