"""`residence add` for every item a team writes (members, consent, quotes, photos, handovers,
follow-up visits) and `residence set`: each output checked against the project's JSON
Schemas, every byte of the team's files kept, French words and dates written canonically."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from residence import add as core
from residence.load import load_residency, parse_yaml
from test_add import editor, problems_of, run
from test_schema import VALIDATORS, editor_load, kind_of

TODAY = dt.date.today().isoformat()

#: A tiny valid PNG (one red pixel).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c63f8cfc000000301010018dd8db40000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No author, no editor from the machine running the tests."""
    for name in ("RESIDENCE_AUTHOR", "EDITOR", "VISUAL", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def photo(tmp_path: Path, name: str = "IMG_1234.PNG", data: bytes = PNG) -> Path:
    """Write a picture outside the residency, as a phone's copy would be."""
    path = tmp_path / "phone" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def schema_errors(folder: Path, rel: str) -> list[str]:
    """Return the complaints of the file's JSON Schema, the file read as an editor reads it."""
    kind = kind_of(rel)
    assert kind is not None, rel
    document = editor_load(folder / rel)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '.'}: {error.message}"
        for error in VALIDATORS[kind].iter_errors(document)
    ]


def changed_span(old: bytes, new: bytes) -> tuple[bytes, bytes]:
    """Return (what was there, what is there now) between the common start and end."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return old[start : len(old) - end], new[start : len(new) - end]


# -- every add, checked against the schemas ----------------------------------------------

#: Every kind `residence add` adds, with options that need no editor: (arguments, file).
EVERY_ADD: dict[str, tuple[list[str], str]] = {
    "note": (
        ["--title", "Au guichet", "--kind", "entretien", "--author", "claire", "--date",
         "16/01/2026", "--time", "9h45", "--body", "Jeanne revient."],
        "journal/2026-01-16-au-guichet.yaml",
    ),
    "actor": (
        ["--name", "Le proviseur", "--kind", "personne", "--sector", "public", "--circle",
         "cœur", "--influence", "5", "--interest", "3", "--personal"],
        "actors.yaml",
    ),
    "relation": (
        ["--from", "mairie", "--to", "jeanne-martin", "--kind", "service"],
        "actors.yaml",
    ),
    "prototype": (
        ["--title", "Hall ouvert", "--hypothesis", "Si le hall ouvre tôt, alors…", "--stage",
         "maquette", "--created", "hier", "--team", "claire,malik"],
        "prototypes/hall-ouvert.yaml",
    ),
    "test": (
        ["--prototype", "panneau-orientation", "--date", "2025-04-09", "--decision",
         "adopter", "--observations", "Plus d'erreurs."],
        "prototypes/panneau-orientation.yaml",
    ),
    "scenario": (
        ["--title", "Le matin de Léa", "--persona", "Léa, 15 ans", "--today", "Elle attend.",
         "--tomorrow", "Elle entre."],
        "scenarios/le-matin-de-lea.yaml",
    ),
    "method": (
        ["--title", "Guichet inversé", "--summary", "On change de place.", "--step", "Un",
         "--phase", "immersion"],
        "methods/guichet-inverse.yaml",
    ),
    "member": (
        ["--name", "Youssef Amrani", "--role", "résident", "--discipline", "sociologue"],
        "residence.yaml",
    ),
    "consent": (
        ["--actor", "jeanne-martin", "--scope", "interne", "--date", "05/03/2025",
         "--guardians", "--notes", "Accord oral."],
        "private/consent.yaml",
    ),
    "quote": (
        ["--entry", "2025-03-04-entretien-jeanne", "--actor", "jeanne-martin", "--text",
         "On attend toujours : 10:30, no.", "--team-only"],
        "journal/2025-03-04-entretien-jeanne.yaml",
    ),
    "photo": (
        ["PHOTO", "--entry", "2025-03-03-premier-jour", "--alt", "Le hall vide", "--credit",
         "Claire Dumas", "--caption", "À 8 h", "--people", "agents-accueil,jeanne-martin"],
        "journal/2025-03-03-premier-jour.yaml",
    ),
    "insight": (
        ["--title", "L'attente ne se voit pas", "--evidence", "2025-03-04-entretien-jeanne#1",
         "--evidence", "prototype:panneau-orientation", "--tag", "accueil", "--week", "1",
         "--phase", "analyse", "--prototype", "panneau-orientation", "--statement",
         "Personne ne sait qu'il attend."],
        "insights/l-attente-ne-se-voit-pas.yaml",
    ),
    "handover": (
        ["PROTOTYPE", "--to", "mairie,agents-accueil", "--date", "16/05/2025",
         "--conditions", "Un budget d'impression."],
        "prototypes/hall-ouvert.yaml",
    ),
    "follow-up": (
        ["--date", "2025-11-21", "--by", "Malik Ouali", "--observations", "Il tient."],
        "residence.yaml",
    ),
}  # fmt: skip


def test_every_add_kind_is_tested_with_flags() -> None:
    assert set(EVERY_ADD) == set(core.ADDED)


def test_add_help_lists_every_kind_in_order() -> None:
    from residence.cli.adding import ADD_ORDER

    assert ADD_ORDER == core.ADDED
    commands = run("add", "--help").stdout.split("Commands:", 1)[1]
    assert re.findall(r"^  ([a-z-]+) ", commands, flags=re.M) == list(ADD_ORDER)


@pytest.mark.parametrize("kind", sorted(EVERY_ADD))
def test_add_output_validates_against_its_schema(minimal: Path, tmp_path: Path, kind: str) -> None:
    args, rel = EVERY_ADD[kind]
    if kind == "handover":  # the minimal prototype is handed over already: a new one
        made = run("add", "prototype", minimal, *EVERY_ADD["prototype"][0])
        assert made.exit_code == 0, made.stderr
        args = ["hall-ouvert", *args[1:]]
        result = run("add", kind, args[0], minimal, *args[1:])
    elif kind == "photo":
        result = run("add", kind, photo(tmp_path), minimal, *args[1:])
    else:
        result = run("add", kind, minimal, *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(minimal / rel)
    assert schema_errors(minimal, rel) == []
    assert [p for p in problems_of(minimal) if ": error:" in p] == []


def test_add_actor_writes_numbers_as_numbers(minimal: Path) -> None:
    result = run("add", "actor", minimal, *EVERY_ADD["actor"][0])
    assert result.exit_code == 0, result.stderr
    actor = editor_load(minimal / "actors.yaml")["actors"][-1]
    assert actor["influence"] == 5 and actor["interest"] == 3  # integers, not "5"
    assert actor["kind"] == "person" and actor["circle"] == "core"  # the format's own words


def test_add_note_with_a_french_date_is_named_by_its_day(minimal: Path) -> None:
    result = run("add", "note", minimal, *EVERY_ADD["note"][0])
    assert result.exit_code == 0, result.stderr
    path = minimal / "journal" / "2026-01-16-au-guichet.yaml"
    assert result.stdout.strip() == str(path)
    assert not any("/" in p.name for p in (minimal / "journal").iterdir())
    _, value = parse_yaml(path.read_bytes())
    assert value["date"] == "2026-01-16" and value["time"] == "09:45"
    assert value["kind"] == "interview"


def test_add_appends_keep_every_byte_of_the_file(minimal: Path, tmp_path: Path) -> None:
    for kind in ("member", "consent", "quote", "photo", "follow-up"):
        args, rel = EVERY_ADD[kind]
        old = (minimal / rel).read_bytes()
        if kind == "photo":
            result = run("add", kind, photo(tmp_path), minimal, *args[1:])
        else:
            result = run("add", kind, minimal, *args)
        assert result.exit_code == 0, result.stderr
        removed, added = changed_span(old, (minimal / rel).read_bytes())
        assert removed == b"", kind  # only an insertion
        assert added.endswith(b"\n"), kind


# -- team members, consent, quotes, follow-up visits ----------------------------------------


def test_add_member_id_is_the_first_name_then_the_whole_name(minimal: Path) -> None:
    first = run("add", "member", minimal, "--name", "Claire Martin", "--role", "guest")
    assert first.exit_code == 0, first.stderr
    assert "added the team member 'claire-martin'" in first.stderr  # claire is taken
    second = run("add", "member", minimal, "--name", "Inès Moreau", "--role", "coordinatrice")
    assert second.exit_code == 0, second.stderr
    team = editor_load(minimal / "residence.yaml")["team"]
    assert team[-1] == {"id": "ines", "name": "Inès Moreau", "role": "coordinator"}
    again = run("add", "member", minimal, "--name", "Inès Moreau", "--role", "guest")
    assert again.exit_code == 1 and "already in the team of residence.yaml as 'ines'" in (
        again.stderr
    )


def test_add_consent_creates_the_file_with_its_header(minimal: Path) -> None:
    (minimal / "private" / "consent.yaml").unlink()
    result = run("add", "consent", minimal, "--actor", "jeanne-martin", "--scope", "public")
    assert result.exit_code == 0, result.stderr
    assert "Created" in result.stderr
    text = (minimal / "private" / "consent.yaml").read_text(encoding="utf-8")
    assert text.startswith("#") and "private/" in text  # the scaffold's explanation
    assert "camille" not in text  # not its example record
    records = editor_load(minimal / "private" / "consent.yaml")["consents"]
    assert records == [{"actor": "jeanne-martin", "scope": "public", "date": TODAY}]
    assert schema_errors(minimal, "private/consent.yaml") == []


def test_add_consent_guardians_for_a_minor(minimal: Path) -> None:
    made = run(
        "add", "actor", minimal, "--name", "Léa", "--kind", "person", "--sector", "users",
        "--circle", "direct", "--personal", "--minor",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    result = run("add", "consent", minimal, "--actor", "lea", "--scope", "public", "--guardians")
    assert result.exit_code == 0, result.stderr
    record = editor_load(minimal / "private" / "consent.yaml")["consents"][-1]
    assert record["guardians"] is True
    residency, _ = load_residency(minimal)
    assert residency.consent_for("lea").allows_public(minor=True)  # type: ignore[union-attr]


def test_add_quote_unknown_entry_suggests(minimal: Path) -> None:
    result = run(
        "add", "quote", minimal, "--entry", "2025-03-04-entretien", "--actor", "jeanne-martin",
        "--text", "Bonjour.",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "unknown journal entry" in result.stderr
    assert "did you mean '2025-03-04-entretien-jeanne'" in result.stderr


def test_add_quote_from_standard_input(minimal: Path) -> None:
    result = run(
        "add", "quote", minimal, "--entry", "2025-03-04-entretien-jeanne", "--actor",
        "jeanne-martin", "--text", "-", input="Il faut revenir demain.\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    quote = editor_load(minimal / "journal" / "2025-03-04-entretien-jeanne.yaml")["quotes"][-1]
    assert quote == {"actor": "jeanne-martin", "text": "Il faut revenir demain."}


def test_add_quote_through_the_editor(minimal: Path, tmp_path: Path) -> None:
    code = (
        "text = text.replace('actor: \\n', 'actor: jeanne-martin\\n')\n"
        "text = text.replace('text: \\n', 'text: Merci pour le café.\\n')\n"
        "path.write_text(text, encoding='utf-8')"
    )
    result = run(
        "add", "quote", minimal, "--entry", "2025-03-04-entretien-jeanne",
        env={"EDITOR": editor(tmp_path, code)},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    quote = editor_load(minimal / "journal" / "2025-03-04-entretien-jeanne.yaml")["quotes"][-1]
    assert quote == {"actor": "jeanne-martin", "text": "Merci pour le café."}


def test_add_handover_through_the_editor(minimal: Path, tmp_path: Path) -> None:
    made = run("add", "prototype", minimal, *EVERY_ADD["prototype"][0])
    assert made.exit_code == 0, made.stderr
    code = (
        "text = text.replace('to: []', 'to: [mairie]')\n"
        "text = text.rstrip() + '\\n  Un budget.\\n'\n"
        "path.write_text(text, encoding='utf-8')"
    )
    result = run("add", "handover", "hall-ouvert", minimal, env={"EDITOR": editor(tmp_path, code)})
    assert result.exit_code == 0, result.stderr
    proto = editor_load(minimal / "prototypes" / "hall-ouvert.yaml")
    assert proto["handover"] == {"to": ["mairie"], "date": TODAY, "conditions": "Un budget.\n"}


def test_add_follow_up_by_defaults_to_the_author_s_name(minimal: Path) -> None:
    result = run(
        "add", "follow-up", minimal, "--observations", "Toujours là.",
        env={"RESIDENCE_AUTHOR": "malik"},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    visit = editor_load(minimal / "residence.yaml")["follow_ups"][-1]
    assert visit == {"date": TODAY, "by": "Malik Ouali", "observations": "Toujours là.\n"}


# -- photos ---------------------------------------------------------------------------------


def test_add_photo_copies_the_file_under_a_clean_name(minimal: Path, tmp_path: Path) -> None:
    source = photo(tmp_path, "IMG 1234.PNG")
    result = run("add", "photo", source, minimal, *EVERY_ADD["photo"][0][1:])
    assert result.exit_code == 0, result.stderr
    copy = minimal / "media" / "img-1234.png"
    assert copy.read_bytes() == PNG
    assert f"Copied {source} to {copy}." in result.stderr
    item = editor_load(minimal / "journal" / "2025-03-03-premier-jour.yaml")["media"][-1]
    assert item == {
        "file": "media/img-1234.png",
        "caption": "À 8 h",
        "alt": "Le hall vide",
        "credit": "Claire Dumas",
        "people": ["agents-accueil", "jeanne-martin"],
    }
    # The same picture again: the copy in media/ is used, not copied twice.
    again = run(
        "add", "photo", source, minimal, "--prototype", "panneau-orientation", "--alt", "Le hall"
    )
    assert again.exit_code == 0, again.stderr
    assert "already there with the same content" in again.stderr
    assert sorted(p.name for p in (minimal / "media").iterdir()) == ["hall.svg", "img-1234.png"]
    proto = editor_load(minimal / "prototypes" / "panneau-orientation.yaml")
    assert proto["media"] == [{"file": "media/img-1234.png", "alt": "Le hall"}]


def test_add_photo_never_replaces_another_file(minimal: Path, tmp_path: Path) -> None:
    (minimal / "media" / "img-1234.png").write_bytes(b"another picture")
    before = (minimal / "journal" / "2025-03-03-premier-jour.yaml").read_bytes()
    result = run("add", "photo", photo(tmp_path), minimal, *EVERY_ADD["photo"][0][1:])
    assert result.exit_code == 1
    assert "media/img-1234.png already exists with other content" in result.stderr
    assert "img-1234-2.png" in result.stderr  # a free name to rename it to
    assert (minimal / "media" / "img-1234.png").read_bytes() == b"another picture"
    assert (minimal / "journal" / "2025-03-03-premier-jour.yaml").read_bytes() == before


def test_add_photo_already_in_media_is_used_where_it_is(minimal: Path) -> None:
    result = run(
        "add", "photo", minimal / "media" / "hall.svg", minimal, "--entry",
        "2025-03-04-entretien-jeanne", "--alt", "Le hall",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Copied" not in result.stderr
    item = editor_load(minimal / "journal" / "2025-03-04-entretien-jeanne.yaml")["media"][-1]
    assert item == {"file": "media/hall.svg", "alt": "Le hall"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--entry", "2025-03-03-premier-jour"], "--alt is missing: describe the picture"),
        (["--alt", "x"], "--entry or --prototype is missing"),
        (
            ["--entry", "2025-03-03-premier-jour", "--prototype", "panneau-orientation",
             "--alt", "x"],
            "give --entry or --prototype, not both",
        ),
        (["--entry", "2025-03-03-premier-jour", "--alt", "x", "--people", "jeane-martin"],
         "did you mean 'jeanne-martin'"),
    ],
)  # fmt: skip
def test_add_photo_refusals_write_nothing(
    minimal: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = run("add", "photo", photo(tmp_path), minimal, *args, "--no-edit")
    assert result.exit_code == 1
    assert message in result.stderr
    assert sorted(p.name for p in (minimal / "media").iterdir()) == ["hall.svg"]


def test_add_photo_of_a_kind_no_report_shows_is_refused(minimal: Path, tmp_path: Path) -> None:
    result = run(
        "add", "photo", photo(tmp_path, "IMG_1.HEIC"), minimal, "--entry",
        "2025-03-03-premier-jour", "--alt", "x",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "'.heic' files cannot be shown in a report" in result.stderr


def test_add_photo_through_the_editor_copies_the_file(minimal: Path, tmp_path: Path) -> None:
    code = (
        "text = text.replace('alt: \\n', 'alt: Le guichet\\n')\n"
        "path.write_text(text, encoding='utf-8')"
    )
    source = photo(tmp_path)
    result = run(
        "add", "photo", source, minimal, "--entry", "2025-03-03-premier-jour",
        env={"EDITOR": editor(tmp_path, code)},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    seen = (minimal / ".residence" / "seen.yaml").read_text(encoding="utf-8")
    assert f"source: {source}" in seen and "file: media/img-1234.png" in seen
    assert "# credit: " in seen and "# people: []" in seen  # every field of the format
    assert (minimal / "media" / "img-1234.png").read_bytes() == PNG
    item = editor_load(minimal / "journal" / "2025-03-03-premier-jour.yaml")["media"][-1]
    assert item == {"file": "media/img-1234.png", "alt": "Le guichet"}


# -- handovers --------------------------------------------------------------------------


def test_add_handover_once(minimal: Path) -> None:
    rel = "prototypes/panneau-orientation.yaml"
    before = (minimal / rel).read_bytes()
    result = run("add", "handover", "panneau-orientation", minimal, "--to", "mairie")
    assert result.exit_code == 1
    assert "already has a handover" in result.stderr
    assert (minimal / rel).read_bytes() == before


def test_add_handover_to_a_fresh_scaffold_prototype(tmp_path: Path) -> None:
    from residence.scaffold import create_residency

    folder = tmp_path / "fresh"
    create_residency(
        folder, title="Hôpital Nord", start=dt.date(2025, 3, 3), weeks=3, language="fr",
        programme="territoires-en-residences",
    )  # fmt: skip
    residency, _ = load_residency(folder)
    proto, actor = residency.prototypes[0], residency.actors[0]
    rel = f"prototypes/{proto.id}.yaml"
    old = (folder / rel).read_bytes()
    result = run(
        "add", "handover", proto.id, folder, "--to", actor.id, "--conditions", "Un budget."
    )
    assert result.exit_code == 0, result.stderr
    removed, added = changed_span(old, (folder / rel).read_bytes())
    assert removed == b"" and added.startswith(b"handover:\n  to: [")
    assert schema_errors(folder, rel) == []
    residency, _ = load_residency(folder)
    assert residency.prototypes[0].handover.to == [actor.id]  # type: ignore[union-attr]


# -- set --------------------------------------------------------------------------------


def test_set_stage_changes_only_that_value(minimal: Path) -> None:
    rel = "prototypes/panneau-orientation.yaml"
    old = (minimal / rel).read_bytes()
    stage = parse_yaml(old)[1]["stage"]
    assert stage != "abandoned"
    result = run("set", "stage", "panneau-orientation", "abandonné", minimal)
    assert result.exit_code == 0, result.stderr
    assert f"stage {stage} → abandoned" in result.stderr
    line = f"\nstage: {stage}\n".encode()
    assert (minimal / rel).read_bytes() == old.replace(line, b"\nstage: abandoned\n")
    assert schema_errors(minimal, rel) == []
    again = run("set", "stage", "panneau-orientation", "abandoned", minimal)
    assert again.exit_code == 0 and "already at the stage abandoned" in again.stderr


def test_set_stage_keeps_quotes_and_comments(minimal: Path) -> None:
    path = minimal / "prototypes" / "panneau-orientation.yaml"
    text = re.sub(r"(?m)^stage: (.*)$", r"stage: '\1'  # depuis avril", path.read_text("utf-8"))
    path.write_text(text, encoding="utf-8")
    result = run("set", "stage", "panneau-orientation", "maquette", minimal)
    assert result.exit_code == 0, result.stderr
    assert "stage: 'mock-up'  # depuis avril\n" in path.read_text(encoding="utf-8")


def test_set_stage_unknown_word_is_refused(minimal: Path) -> None:
    result = run("set", "stage", "panneau-orientation", "finished", minimal)
    assert result.exit_code == 1
    assert "Nothing was written." in result.stderr


def test_set_date_renames_the_entry_s_file(minimal: Path) -> None:
    old = minimal / "journal" / "2025-03-03-premier-jour.yaml"
    text = old.read_text(encoding="utf-8")
    result = run("set", "date", "2025-03-03-premier-jour", "04/03/2025", minimal)
    assert result.exit_code == 0, result.stderr
    new = minimal / "journal" / "2025-03-04-premier-jour.yaml"
    assert not old.exists()
    assert new.read_text(encoding="utf-8") == text.replace("2025-03-03", "2025-03-04", 1)
    assert f"Moved {old} to {new}" in result.stderr
    assert result.stdout.strip() == str(new)
    assert [p for p in problems_of(minimal) if "file-name" in p or ": error:" in p] == []


def test_set_date_renames_a_file_whose_date_was_changed_by_hand(minimal: Path) -> None:
    old = minimal / "journal" / "2025-03-03-premier-jour.yaml"
    old.write_text(old.read_text(encoding="utf-8").replace("2025-03-03", "2025-03-05", 1))
    assert any("file name does not start" in p for p in problems_of(minimal))
    result = run("set", "date", "2025-03-03-premier-jour", "2025-03-05", minimal)
    assert result.exit_code == 0, result.stderr
    assert (minimal / "journal" / "2025-03-05-premier-jour.yaml").is_file()
    assert not any("file name does not start" in p for p in problems_of(minimal))


def test_set_date_never_renames_over_another_file(minimal: Path) -> None:
    taken = minimal / "journal" / "2025-03-04-premier-jour.yaml"
    taken.write_text("# pas une entrée\n", encoding="utf-8")
    result = run("set", "date", "2025-03-03-premier-jour", "2025-03-04", minimal)
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert taken.read_text(encoding="utf-8") == "# pas une entrée\n"
    assert (minimal / "journal" / "2025-03-03-premier-jour.yaml").is_file()


def test_set_date_of_an_entry_a_method_names_says_where(minimal: Path) -> None:
    result = run("set", "date", "2025-03-04-entretien-jeanne", "2025-03-05", minimal)
    assert result.exit_code == 1
    assert "methods/entretien-guichet.yaml names the entry" in result.stderr
    assert (minimal / "journal" / "2025-03-04-entretien-jeanne.yaml").is_file()


# -- the editor's templates ----------------------------------------------------------------


def test_templates_list_every_known_id(minimal: Path) -> None:
    for n in range(20):
        made = run(
            "add", "actor", minimal, "--name", f"Habitant {n:02d}", "--kind", "inhabitant",
            "--sector", "users", "--circle", "indirect",
        )  # fmt: skip
        assert made.exit_code == 0, made.stderr
    ctx = core.load_context(minimal)
    template = core.render_template(ctx, "note", {})
    known = " ".join(line.lstrip("# ") for line in template.splitlines() if line.startswith("#"))
    assert all(f"habitant-{n:02d}" in known for n in range(20))
    assert "…" not in known.replace("« … »", "")


@pytest.mark.parametrize("kind", sorted(core.ADDED))
def test_templates_list_every_field_of_the_format(minimal: Path, kind: str) -> None:
    spec = core.KINDS[kind]
    template = core.render_template(core.load_context(minimal), kind, {})
    keys = [info.alias or name for name, info in spec.item_model.model_fields.items()]
    for key in keys:
        assert f"\n{key}:" in template or f"\n# {key}:" in template, key


def test_note_template_lists_every_media_field(minimal: Path) -> None:
    template = core.render_template(core.load_context(minimal), "note", {})
    for key in ("file", "alt", "caption", "credit", "people"):
        assert f"#     {key}:" in template or f"#   - {key}:" in template


def test_add_note_editor_date_names_the_file(minimal: Path, tmp_path: Path) -> None:
    code = (
        "text = text.replace('date: 2025-03-05', 'date: 06/03/2025')\n"
        "text = text.replace('title: \\n', 'title: Le lendemain\\n')\n"
        "text = text.replace('kind: \\n', 'kind: réflexion\\n')\n"
        "text = text.rstrip() + '\\n  Écrit le lendemain.\\n'\n"
        "path.write_text(text, encoding='utf-8')"
    )
    result = run(
        "add", "note", minimal, "--author", "claire", "--date", "2025-03-05",
        env={"EDITOR": editor(tmp_path, code)},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(minimal / "journal" / "2025-03-06-le-lendemain.yaml")
