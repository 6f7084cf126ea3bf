"""`residence new`: a fresh residency passes check, in French and English, and nothing else is
ever touched."""

from __future__ import annotations

import datetime as dt
import errno
import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from residence import scaffold
from residence.check import check_residency
from residence.cli import app
from residence.docgen import all_models, field_docs, model_doc, nested_models
from residence.errors import ResidenceError
from residence.i18n import translator
from residence.load import load_residency, parse_yaml
from residence.models import FILE_KINDS, Residence
from residence.models.common import SLUG_PATTERN
from residence.models.residency import entry_stem
from residence.resources import locale_dir
from residence.scaffold import create_residency, draw_sketch, next_monday, plan_weeks
from residence.schema import SCHEMA_FILES

START = dt.date(2026, 3, 2)  # a Monday
TITLE = "Les urgences, côté salle d'attente"
FIELDS_PO = locale_dir() / "fr" / "LC_MESSAGES" / "fields.po"
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")

#: Which model each scaffolded YAML file follows, by folder.
KIND_OF_FOLDER = {
    "journal": "journal",
    "prototypes": "prototype",
    "scenarios": "scenario",
    "methods": "method",
    "insights": "insight",
}


def kind_of(rel: str) -> str:
    """Return the file kind of a residency-relative YAML path."""
    parts = rel.split("/")
    if rel == "private/consent.yaml":
        return "consent"
    if len(parts) == 1:
        return parts[0].removesuffix(".yaml")
    return KIND_OF_FOLDER[parts[0]]


def yaml_files(root: Path) -> list[str]:
    """Return the residency-relative paths of the YAML files under root."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))


def snapshot(root: Path) -> dict[str, tuple[bytes | None, int, int]]:
    """Return every path under root (root included) with its bytes, mtime and mode."""
    found = {}
    for path in [root, *root.rglob("*")]:
        info = path.lstat()
        data = path.read_bytes() if path.is_file() else None
        found[path.relative_to(root).as_posix()] = (data, info.st_mtime_ns, info.st_mode)
    return found


@pytest.fixture(scope="module", params=["fr", "en"])
def fresh(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A residency freshly made by create_residency, in French then in English."""
    folder = tmp_path_factory.mktemp(request.param) / "hopital-nord"
    create_residency(folder, title=TITLE, start=START, language=request.param)
    return folder


def language_of(folder: Path) -> str:
    """Return the language a fixture residency was made in."""
    return folder.parent.name.rstrip("0123456789")


# -- a fresh residency --------------------------------------------------------------------


def test_scaffold_fresh_residency_has_no_problem(fresh: Path) -> None:
    residency, problems = load_residency(fresh)
    problems += check_residency(residency)
    assert [str(p) for p in problems] == []


def test_scaffold_cli_check_reports_no_problem(fresh: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(fresh)])
    assert result.exit_code == 0, result.stderr
    assert "No problem in 8 files." in result.stderr
    # --strict is for a residency ready to publish: the starter text must be replaced.
    strict = CliRunner().invoke(app, ["check", "--strict", str(fresh)])
    assert strict.exit_code == 1
    assert "REUSE.toml:10:" in strict.stderr and "replace it with your own" in strict.stderr


def test_scaffold_loader_reads_every_file(fresh: Path) -> None:
    residency, problems = load_residency(fresh)
    assert problems == []
    assert sorted(residency.files) == yaml_files(fresh)
    assert residency.residence is not None
    assert residency.residence.title == TITLE
    assert residency.residence.id == "les-urgences-cote-salle-d-attente"
    assert residency.residence.language == language_of(fresh)
    assert residency.residence.license == "CC-BY-SA-4.0"
    assert [
        len(x)
        for x in (
            residency.entries,
            residency.prototypes,
            residency.scenarios,
            residency.methods,
            residency.insights,
            residency.consents,
        )
    ] == [1, 1, 1, 1, 1, 1]
    assert len(residency.actors) == 3
    assert len(residency.relations) == 1
    assert {m.role for m in residency.residence.team} == {"resident", "agent"}


def test_scaffold_writes_the_whole_folder(fresh: Path) -> None:
    names = {p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file()}
    expected = {
        "residence.yaml",
        "actors.yaml",
        "private/consent.yaml",
        "README.md",
        "REUSE.toml",
        ".gitignore",
        "LICENSES/CC-BY-SA-4.0.txt",
        *(f"schemas/{name}" for name in SCHEMA_FILES.values()),
    }
    assert expected <= names
    for folder in ("journal", "prototypes", "scenarios", "methods", "insights", "media"):
        assert len([n for n in names if n.startswith(folder + "/")]) == 1, folder
    gitignore = (fresh / ".gitignore").read_text(encoding="utf-8").split()
    assert {"_build/", ".residence/"} <= set(gitignore)
    licence = (fresh / "LICENSES" / "CC-BY-SA-4.0.txt").read_text(encoding="utf-8")
    assert licence.startswith("Creative Commons Attribution-ShareAlike 4.0 International")


def test_scaffold_ids_are_slugs_and_file_names_match(fresh: Path) -> None:
    residency, _ = load_residency(fresh)
    for item in [
        *residency.prototypes,
        *residency.scenarios,
        *residency.methods,
        *residency.insights,
    ]:
        assert re.fullmatch(SLUG_PATTERN, item.id)
    for rel in yaml_files(fresh):
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", Path(rel).stem), rel


def test_scaffold_example_dates_fall_in_week_one(fresh: Path) -> None:
    residency, _ = load_residency(fresh)
    assert residency.residence is not None
    week = residency.residence.weeks[0]
    assert (week.start, week.end) == (START, START + dt.timedelta(days=4))
    (entry,) = residency.entries
    assert entry.date == START
    assert entry_stem(entry).startswith(f"{START.isoformat()}-")
    (session,) = residency.prototypes[0].tests
    assert week.start <= session.date <= week.end
    assert residency.consents[0].date is not None
    assert week.start <= residency.consents[0].date <= week.end


def test_scaffold_insight_cites_the_starter_entry_and_test(fresh: Path) -> None:
    from residence.findings import Evidences, tag_uses

    residency, _ = load_residency(fresh)
    (insight,) = residency.insights
    (entry,) = residency.entries
    resolved = Evidences(residency).of(insight)
    assert [r.found for r in resolved] == [True, True]
    assert resolved[0].entry is entry and resolved[0].quote is entry.quotes[0]
    assert resolved[1].test is residency.prototypes[0].tests[0]
    assert insight.prototypes == [residency.prototypes[0].id] and insight.week == 1
    # Once a residency has an insight, a tag used once is a warning: none in the starter.
    counts = {use.label: use.count for use in tag_uses(residency).values()}
    assert counts == dict.fromkeys(entry.tags, 2)
    assert set(insight.tags) == set(entry.tags)


def test_scaffold_media_is_a_real_png_with_alt_text(fresh: Path) -> None:
    from PIL import Image

    residency, _ = load_residency(fresh)
    (media,) = residency.entries[0].media
    assert media.alt and len(media.alt) > 40
    with Image.open(fresh / media.file) as image:
        assert image.format == "PNG"
        assert image.size == (640, 420)
    assert (fresh / media.file).stat().st_size < 20_000


def test_scaffold_sketch_is_the_same_on_every_run() -> None:
    assert draw_sketch() == draw_sketch()


def test_scaffold_reuse_toml_names_the_team(fresh: Path) -> None:
    tomllib = pytest.importorskip("tomllib")
    data = tomllib.loads((fresh / "REUSE.toml").read_text(encoding="utf-8"))
    assert data["version"] == 1
    (annotation,) = data["annotations"]
    assert annotation["path"] == "**"
    assert annotation["SPDX-License-Identifier"] == "CC-BY-SA-4.0"
    residency, _ = load_residency(fresh)
    assert residency.residence is not None
    for member in residency.residence.team:
        assert member.name in annotation["SPDX-FileCopyrightText"]


def test_scaffold_is_reuse_compliant(fresh: Path) -> None:
    pytest.importorskip("reuse")
    result = subprocess.run(
        [sys.executable, "-m", "reuse", "--root", str(fresh), "lint"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# -- comments and schemas -------------------------------------------------------------------


def test_scaffold_schema_comment_resolves_to_the_schema_of_the_kind(fresh: Path) -> None:
    for rel in yaml_files(fresh):
        first = (fresh / rel).read_text(encoding="utf-8").splitlines()[0]
        match = SCHEMA_LINE.match(first)
        assert match, f"{rel} does not start with the schema comment: {first!r}"
        target = ((fresh / rel).parent / match.group(1)).resolve()
        assert target.is_file(), rel
        assert target.parent == (fresh / "schemas").resolve()
        assert target.name == SCHEMA_FILES[kind_of(rel)]


class _EditorLoader(yaml.SafeLoader):
    """Read YAML as an editor's schema checker does: dates stay text (YAML 1.2)."""


_EditorLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def test_scaffold_files_match_their_json_schema(fresh: Path) -> None:
    import json

    import jsonschema

    for rel in yaml_files(fresh):
        text = (fresh / rel).read_text(encoding="utf-8")
        target = (fresh / rel).parent / SCHEMA_LINE.match(text.splitlines()[0]).group(1)  # type: ignore[union-attr]
        schema = json.loads(target.read_text(encoding="utf-8"))
        jsonschema.validate(yaml.load(text, Loader=_EditorLoader), schema)


def _comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_scaffold_comments_are_in_the_chosen_language(fresh: Path) -> None:
    language = language_of(fresh)
    own, other = (
        ("Obligatoire.", "Required.") if language == "fr" else ("Required.", "Obligatoire.")
    )
    for rel in yaml_files(fresh):
        comments = "\n".join(_comment_lines((fresh / rel).read_text(encoding="utf-8")))
        assert own in comments, rel
        assert other not in comments, rel
    readme = (fresh / "README.md").read_text(encoding="utf-8")
    assert ("Ce dossier contient" in readme) == (language == "fr")
    assert ("This folder holds" in readme) == (language == "en")


def _unwrapped(text: str) -> str:
    """Return the comments of a file as one line of words (comments are wrapped)."""
    words = []
    for line in _comment_lines(text):
        words.extend(line.lstrip("# ").split())
    return " ".join(words)


def test_scaffold_comments_carry_the_translated_descriptions(fresh: Path) -> None:
    language = language_of(fresh)
    tr = translator(language, "fields")
    residence = _unwrapped((fresh / "residence.yaml").read_text(encoding="utf-8"))
    for name in ("title", "host", "question", "weeks"):
        description = Residence.model_fields[name].description or ""
        assert " ".join(tr.gettext(description).split()) in residence, name
    assert " ".join(tr.gettext(model_doc(Residence)).split()) in residence
    if language == "fr":
        assert "Facultatif ; par défaut : fr." in residence.replace("\u00a0", " ")


_KEY_LINE = re.compile(r"^\s*(?:#\s*)?(?:- )?([a-z_]+):(?:\s|$)")


def test_scaffold_shows_every_field_of_every_file(fresh: Path) -> None:
    """Every field appears in its file: filled in, or commented out as an example."""
    for rel in yaml_files(fresh):
        text = (fresh / rel).read_text(encoding="utf-8")
        keys = {m.group(1) for line in text.splitlines() if (m := _KEY_LINE.match(line))}
        for model in nested_models(FILE_KINDS[kind_of(rel)]):
            missing = [d.key for d in field_docs(model) if d.key not in keys]
            assert not missing, f"{rel}: {model.__name__} fields not shown: {missing}"


def _comment_above(lines: list[str], key: str) -> str:
    """Return the comment lines just above the first line that sets ``key``, joined."""
    index = next(i for i, line in enumerate(lines) if line.lstrip(" -").startswith(f"{key}:"))
    above = []
    while lines[index - 1].lstrip().startswith("#"):
        index -= 1
        above.insert(0, lines[index].strip().lstrip("# "))
    return " ".join(above).replace("\u00a0", " ")


def test_scaffold_comments_say_required_or_optional(fresh: Path) -> None:
    fr = language_of(fresh) == "fr"
    lines = (fresh / "actors.yaml").read_text(encoding="utf-8").splitlines()
    assert _comment_above(lines, "name").endswith("Obligatoire." if fr else "Required.")
    assert _comment_above(lines, "influence").endswith("Facultatif." if fr else "Optional.")
    assert _comment_above(lines, "personal").endswith(
        "Facultatif ; par défaut : false." if fr else "Optional; default: false."
    )
    lines = (fresh / "residence.yaml").read_text(encoding="utf-8").splitlines()
    assert _comment_above(lines, "weeks").endswith(
        "Obligatoire, au moins un élément." if fr else "Required, at least one."
    )


# -- weeks and dates ------------------------------------------------------------------------


def test_scaffold_default_start_is_the_next_monday() -> None:
    assert next_monday(dt.date(2026, 3, 4)) == dt.date(2026, 3, 9)  # Wednesday
    assert next_monday(dt.date(2026, 3, 8)) == dt.date(2026, 3, 9)  # Sunday
    assert next_monday(dt.date(2026, 3, 9)) == dt.date(2026, 3, 16)  # Monday: the next one


def test_scaffold_without_start_begins_the_monday_after_today(tmp_path: Path) -> None:
    create_residency(tmp_path / "r", title="T", today=dt.date(2026, 3, 4))
    residency, problems = load_residency(tmp_path / "r")
    assert problems == []
    assert residency.residence is not None
    assert residency.residence.weeks[0].start == dt.date(2026, 3, 9)


def test_scaffold_weeks_are_spaced_monday_to_friday() -> None:
    weeks = plan_weeks(START, 5, "fr")
    assert [w.number for w in weeks] == [1, 2, 3, 4, 5]
    for previous, week in itertools.pairwise(weeks):
        assert (week.start - previous.start).days == 7 * scaffold.WEEK_SPACING
    for week in weeks:
        assert week.start.weekday() == 0 and week.end.weekday() == 4
    assert [w.focus for w in weeks] == [
        "Rencontrer et analyser",
        *["Prototyper et tester"] * 3,
        "Transférer",
    ]
    assert [w.focus for w in plan_weeks(START, 1, "en")] == ["Meet, prototype and hand over"]


@pytest.mark.parametrize("weeks", [1, 2, 12])
def test_scaffold_any_number_of_weeks_passes_check(tmp_path: Path, weeks: int) -> None:
    create_residency(
        tmp_path / "r",
        title="T",
        start=dt.date(2026, 1, 7),
        weeks=weeks,
        language="en",
        programme="la-transfo",
    )
    residency, problems = load_residency(tmp_path / "r")
    assert problems + check_residency(residency) == []
    assert residency.residence is not None
    assert len(residency.residence.weeks) == weeks
    assert residency.residence.programme == "la-transfo"


# -- refusing to touch anything ---------------------------------------------------------------


def _busy_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "existing"
    (folder / "journal").mkdir(parents=True)
    (folder / "residence.yaml").write_bytes(b"title: mine\n")
    (folder / "journal" / "notes.yaml").write_bytes(b"# my notes\n")
    (folder / ".hidden").write_bytes(b"x")
    old = 1_600_000_000_000_000_000
    for path in [*folder.rglob("*"), folder]:
        os.utime(path, ns=(old, old))
    return folder


def test_cli_new_refuses_a_non_empty_folder_and_touches_nothing(tmp_path: Path) -> None:
    folder = _busy_folder(tmp_path)
    before = snapshot(folder)
    result = CliRunner().invoke(app, ["new", str(folder), "--title", "Une autre"])
    assert result.exit_code == 2
    assert "not empty" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]


def test_cli_new_refuses_a_folder_with_only_a_hidden_file(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")
    before = snapshot(folder)
    result = CliRunner().invoke(app, ["new", str(folder), "--title", "T"])
    assert result.exit_code == 2
    assert snapshot(folder) == before


def test_cli_new_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_bytes(b"keep me")
    result = CliRunner().invoke(app, ["new", str(target), "--title", "T"])
    assert result.exit_code == 2
    assert "is a file" in result.stderr
    assert target.read_bytes() == b"keep me"


def test_create_residency_refuses_before_writing_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_write(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing may be written")

    monkeypatch.setattr(scaffold, "write_atomic", no_write)
    with pytest.raises(ResidenceError) as caught:
        create_residency(_busy_folder(tmp_path), title="T")
    assert caught.value.usage


def test_cli_new_accepts_an_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    result = CliRunner().invoke(
        app, ["new", str(folder), "--title", "T", "--start", "2026-03-02", "--language", "en"]
    )
    assert result.exit_code == 0, result.stderr
    assert "Created" in result.stderr
    assert (folder / "residence.yaml").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--title", "   "], "title is empty"),
        (["--title", "T", "--start", "2026-02-30"], "is not a date"),
        (["--title", "T", "--weeks", "0"], ""),
        (["--title", "T", "--language", "de"], ""),
    ],
)
def test_cli_new_wrong_usage_exits_2_and_writes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["new", str(tmp_path / "r"), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "r").exists()


# -- all or nothing ----------------------------------------------------------------------------


def _failing_after(calls: int, real: object) -> object:
    count = {"n": 0}

    def write(*args: object, **kwargs: object) -> None:
        if count["n"] == calls:
            raise OSError(errno.ENOSPC, "No space left on device", str(args[0]))
        count["n"] += 1
        real(*args, **kwargs)  # type: ignore[operator]

    return write


@pytest.mark.parametrize("calls", [0, 1, 5, 12, 18])
def test_scaffold_failed_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, calls: int
) -> None:
    monkeypatch.setattr(scaffold, "write_atomic", _failing_after(calls, scaffold.write_atomic))
    with pytest.raises(ResidenceError) as caught:
        create_residency(tmp_path / "deep" / "r", title="T", start=START)
    assert "No space left" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_scaffold_failed_write_keeps_an_empty_folder_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    monkeypatch.setattr(scaffold, "write_atomic", _failing_after(7, scaffold.write_atomic))
    with pytest.raises(ResidenceError):
        create_residency(folder, title="T", start=START)
    assert folder.is_dir()
    assert list(folder.iterdir()) == []


def test_scaffold_interrupted_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure inside write_atomic (after the data, before the rename) leaves no file."""
    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(ResidenceError) as caught:
        create_residency(tmp_path / "r", title="T", start=START)
    assert caught.value.usage
    assert list(tmp_path.iterdir()) == []


def test_cli_new_reports_a_failed_write_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scaffold, "write_atomic", _failing_after(3, scaffold.write_atomic))
    result = CliRunner().invoke(app, ["new", str(tmp_path / "r"), "--title", "T"])
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr
    assert "nothing was left behind" in result.stderr
    assert not (tmp_path / "r").exists()


# -- titles -------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_scaffold_any_title_is_written_safely_or_refused(title: str) -> None:
    try:
        files = scaffold.render_files(
            title=scaffold.clean_title(title),
            start=START,
            weeks=3,
            language="fr",
            programme="other",
        )
    except ResidenceError as exc:
        assert exc.usage
        return
    _node, value = parse_yaml(files["residence.yaml"])
    residence = Residence.model_validate(value)
    assert residence.title == " ".join(title.split())
    assert re.fullmatch(SLUG_PATTERN, residence.id)
    assert len(residence.id) <= scaffold.MAX_ID_LENGTH
    tomllib = pytest.importorskip("tomllib")
    reuse = tomllib.loads(files["REUSE.toml"].decode("utf-8"))
    assert reuse["SPDX-PackageName"] == residence.title


def test_scaffold_title_with_quotes_and_colons_round_trips(tmp_path: Path) -> None:
    title = 'L\'accueil : « ici » # "là" \\ {{ pas un gabarit }}'
    create_residency(tmp_path / "r", title=title, start=START)
    residency, problems = load_residency(tmp_path / "r")
    assert problems == []
    assert residency.residence is not None
    assert residency.residence.title == title
    assert residency.residence.id == "l-accueil-ici-la-pas-un-gabarit"


@pytest.mark.parametrize(
    ("title", "line"),
    [
        ("Null", 'id: "null"'),
        ("2026", 'id: "2026"'),
        ("Yes", 'id: "yes"'),
        ("2026 en résidence", "id: 2026-en-residence"),
        ("Été au guichet", "id: ete-au-guichet"),
    ],
)
def test_scaffold_id_is_quoted_only_when_a_reader_could_mistake_it(title: str, line: str) -> None:
    files = scaffold.render_files(
        title=title, start=START, weeks=1, language="en", programme="territoires-en-residences"
    )
    text = files["residence.yaml"].decode("utf-8")
    assert f"\n{line}\n" in text
    assert yaml.safe_load(text)["id"] == scaffold.residency_id(title)  # typed reader: text too


# -- the French catalogue of descriptions -----------------------------------------------------


def _fields_catalogue() -> dict[str, str]:
    with FIELDS_PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    assert list(catalog.check()) == []
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def _source_strings() -> dict[str, str]:
    """Return every string of the fields domain: msgid -> where it comes from."""
    found: dict[str, str] = {}
    for model in all_models():
        found.setdefault(model_doc(model), model.__name__)
        for doc in field_docs(model):
            found.setdefault(doc.description, f"{model.__name__}.{doc.key}")
    for label in scaffold.LABELS:
        found.setdefault(label, "scaffold label")
    return found


def test_fields_every_description_has_a_french_translation() -> None:
    catalogue = _fields_catalogue()
    missing = {msgid: where for msgid, where in _source_strings().items() if msgid not in catalogue}
    entries = "\n\n".join(
        f'#. {where}\nmsgid {msgid!r}\nmsgstr ""' for msgid, where in missing.items()
    )
    assert not missing, f"add these to {FIELDS_PO} and translate them:\n\n{entries}"


def test_fields_catalogue_has_no_stale_entries() -> None:
    stale = set(_fields_catalogue()) - set(_source_strings())
    assert not stale, f"these msgids of {FIELDS_PO} are no longer used: {sorted(stale)}"


def test_fields_every_model_and_field_is_described() -> None:
    for model in all_models():
        assert model_doc(model), model.__name__
        for doc in field_docs(model):
            assert doc.description.strip(), f"{model.__name__}.{doc.key}"


def test_fields_catalogue_keeps_placeholders_and_allowed_values() -> None:
    catalogue = _fields_catalogue()
    for msgid, msgstr in catalogue.items():
        assert re.findall(r"\{\w+\}", msgid) == re.findall(r"\{\w+\}", msgstr), msgid
    # Values people type stay in English: the French names them as they are written.
    for model in all_models():
        for doc in field_docs(model):
            for value in doc.choices:
                word = re.compile(rf"(?<![\w-]){re.escape(value)}(?![\w-])")
                if word.search(doc.description):
                    assert word.search(catalogue[doc.description]), (doc.key, value)


# -- what a residency is: its site, its commissioner, its weeks (issue 19) ------------------


def test_new_takes_the_site_the_commissioner_and_each_week(tmp_path: Path) -> None:
    folder = tmp_path / "urgences"
    result = CliRunner().invoke(
        app,
        [
            "new", str(folder), "--title", "Les urgences", "--site", "Hôpital Nord",
            "--commissioner", "Conseil départemental du Cher",
            "--week", "2026-01-12", "--week", "09/02/2026", "--week", "2026-03-16",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    residency, problems = load_residency(folder)
    assert not [p for p in problems if p.severity == "error"]
    res = residency.residence
    assert res is not None
    assert (res.site, res.host) == ("Hôpital Nord", "Conseil départemental du Cher")
    assert [(w.start.isoformat(), w.end.isoformat()) for w in res.weeks] == [
        ("2026-01-12", "2026-01-16"),
        ("2026-02-09", "2026-02-13"),
        ("2026-03-16", "2026-03-20"),
    ]
    codes = [p.code for p in scaffold.placeholder_problems(folder)]
    assert "placeholder" in codes  # the example team and the question are still to replace
    lines = {(p.path, p.line) for p in scaffold.placeholder_problems(folder)}
    text = (folder / "residence.yaml").read_text(encoding="utf-8").splitlines()
    assert not [n for path, n in lines if path == "residence.yaml" and "host:" in text[n - 1]]


@pytest.mark.parametrize(
    ("weeks", "said"),
    [
        (["2026-01-12", "2026-01-14"], "starts before the week of 2026-01-12 ends"),
        (["2026-02-09", "2026-01-12"], "starts before the week of 2026-02-09 ends"),
        (["12 janvier"], "is not a date"),
    ],
)
def test_new_refuses_weeks_out_of_order(tmp_path: Path, weeks: list[str], said: str) -> None:
    args = ["new", str(tmp_path / "r"), "--title", "T"]
    for week in weeks:
        args += ["--week", week]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert said in result.output
    assert not (tmp_path / "r").exists()


def test_new_without_a_terminal_leaves_marked_text_that_strict_check_finds(fresh: Path) -> None:
    mark = "À remplacer" if language_of(fresh) == "fr" else "To replace"
    example = "Exemple" if language_of(fresh) == "fr" else "Example"
    residence_yaml = (fresh / "residence.yaml").read_text(encoding="utf-8")
    assert f'host: "{mark}' in residence_yaml and f'site: "{mark}' in residence_yaml
    found = scaffold.placeholder_problems(fresh)
    where = {(p.path, p.line) for p in found}
    assert ("REUSE.toml", 10) in where  # the example team holds the rights
    for path, line in where:
        text = (fresh / path).read_text(encoding="utf-8").splitlines()[line - 1]
        assert mark in text or example in text
    assert all(p.severity == "warning" and p.code == "placeholder" for p in found)


def test_placeholders_go_once_the_team_replaced_them(fresh: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(fresh, folder)
    mark = "À remplacer" if language_of(fresh) == "fr" else "To replace"
    example = "Exemple" if language_of(fresh) == "fr" else "Example"
    for path in [*folder.rglob("*.yaml"), folder / "REUSE.toml"]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(rf"{mark}[^\n\"]*", "Notre texte", text)
        text = text.replace(f"Alex {example}", "Claire Dumas")
        text = text.replace(f"Sam {example}", "Malik Ferhat")
        path.write_text(text, encoding="utf-8")
    assert scaffold.placeholder_problems(folder) == []
