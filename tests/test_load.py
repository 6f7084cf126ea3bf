"""The loader: YAML text -> plain values -> models, and one clear problem per bad file."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from residence.errors import Problem
from residence.i18n import set_language
from residence.load import (
    MAX_FILE_BYTES,
    YamlProblem,
    load_file,
    load_residency,
    parse_yaml,
)
from residence.models import ActorsFile, ConsentFile, Entry, Prototype, Residence

ENTRY = """\
date: 2025-03-03
title: "Premier jour"
kind: observation
authors: [claire]
body: |
  Une matinée au guichet.
"""


def value_of(text: str) -> object:
    """Return the plain value parse_yaml builds from a text."""
    return parse_yaml(text.encode("utf-8"))[1]


def one_problem(tmp_path: Path, data: bytes, model: type = Entry) -> Problem:
    """Write data to a file, load it, and return its only problem."""
    (tmp_path / "journal").mkdir(exist_ok=True)
    (tmp_path / "journal" / "entry.yaml").write_bytes(data)
    item, _node, problems = load_file(tmp_path, "journal/entry.yaml", model)
    assert item is None
    assert len(problems) == 1, problems
    (problem,) = problems
    assert problem.path == "journal/entry.yaml"
    assert problem.severity == "error"
    assert "\n" not in problem.message
    return problem


# -- YAML 1.1 traps: every scalar stays text, pydantic decides ----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 10:30", "10:30"),  # YAML 1.1 sexagesimal: 630
        ("a: 190:20:30", "190:20:30"),
        ("a: no", "no"),  # YAML 1.1 booleans
        ("a: on", "on"),
        ("a: off", "off"),
        ("a: yes", "yes"),
        ("a: y", "y"),
        ("a: N", "N"),
        ("a: true", "true"),
        ("a: 2025-03-04", "2025-03-04"),  # no timestamp resolver
        ("a: 2025-03-04 10:30:00", "2025-03-04 10:30:00"),
        ("a: 012", "012"),  # octal in YAML 1.1
        ("a: 0o17", "0o17"),
        ("a: 0x1F", "0x1F"),
        ("a: 1_000", "1_000"),
        ("a: 1e3", "1e3"),
        ("a: .inf", ".inf"),
        ("a: .NaN", ".NaN"),
        ("a: 3.10", "3.10"),
        ("a: =", "="),
        ("a: ~", None),
        ("a: null", None),
        ("a: NULL", None),
        ("a:", None),
        ("a: 'null'", "null"),
        ('a: "~"', "~"),
        ("a: ''", ""),
        ("a: !!int 12", "12"),  # tags are ignored, never obeyed
        ("a: !!python/object/apply:os.system ['echo hacked']", ["echo hacked"]),
    ],
)
def test_parse_yaml_keeps_scalars_as_text(text: str, expected: object) -> None:
    assert value_of(text) == {"a": expected}


def test_parse_yaml_keys_stay_text() -> None:
    assert value_of("1: a\nno: b\n~: c\n") == {"1": "a", "no": "b", "~": "c"}


def test_parse_yaml_merge_keys() -> None:
    text = "base: &base\n  kind: meeting\n  place: hall\nentry:\n  <<: *base\n  place: loge\n"
    assert value_of(text)["entry"] == {"kind": "meeting", "place": "loge"}


def test_parse_yaml_block_scalars() -> None:
    assert value_of("a: |\n  one\n  two\nb: >\n  one\n  two\n") == {
        "a": "one\ntwo\n",
        "b": "one two\n",
    }


def test_parse_yaml_empty_document() -> None:
    assert parse_yaml(b"") == (None, None)
    assert parse_yaml(b"# only a comment\n\n") == (None, None)


def test_parse_yaml_accepts_str() -> None:
    assert parse_yaml("a: é")[1] == {"a": "é"}


@pytest.mark.parametrize(
    "data",
    [
        "\ufefftitle: Été\n".encode(),  # UTF-8 with a BOM (Windows Notepad)
        "title: Été\n".encode("utf-16"),  # UTF-16 with its BOM, native order
        "\ufefftitle: Été\n".encode("utf-16-le"),
        "\ufefftitle: Été\n".encode("utf-16-be"),
    ],
)
def test_parse_yaml_accepts_bom_and_utf16(data: bytes) -> None:
    assert parse_yaml(data)[1] == {"title": "Été"}


def test_entry_time_unquoted_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "e.yaml").write_text(ENTRY + "time: 10:30\n", encoding="utf-8")
    entry, _node, problems = load_file(tmp_path, "e.yaml", Entry)
    assert problems == []
    assert isinstance(entry, Entry)
    assert entry.time == "10:30"


def test_entry_time_is_normalised(tmp_path: Path) -> None:
    (tmp_path / "e.yaml").write_text(ENTRY + "time: 9:05\n", encoding="utf-8")
    entry, _node, problems = load_file(tmp_path, "e.yaml", Entry)
    assert problems == [] and isinstance(entry, Entry)
    assert entry.time == "09:05"


def test_entry_words_stay_words(tmp_path: Path) -> None:
    text = ENTRY.replace('title: "Premier jour"', "title: no") + "place: on\ntags: [yes, off]\n"
    (tmp_path / "e.yaml").write_text(text, encoding="utf-8")
    entry, _node, problems = load_file(tmp_path, "e.yaml", Entry)
    assert problems == [] and isinstance(entry, Entry)
    assert (entry.title, entry.place, entry.tags) == ("no", "on", ["yes", "off"])


def test_entry_empty_optional_keys_mean_not_given(tmp_path: Path) -> None:
    (tmp_path / "e.yaml").write_text(ENTRY + "tags:\nplace:\ntime: ~\n", encoding="utf-8")
    entry, _node, problems = load_file(tmp_path, "e.yaml", Entry)
    assert problems == [] and isinstance(entry, Entry)
    assert (entry.tags, entry.place, entry.time) == ([], None, None)


def test_actor_scale_and_flags_are_typed(tmp_path: Path) -> None:
    text = (
        "actors:\n  - id: lina\n    name: Lina\n    kind: person\n    sector: users\n"
        "    circle: core\n    influence: 3\n    personal: yes\n    minor: true\n"
    )
    (tmp_path / "actors.yaml").write_text(text, encoding="utf-8")
    actors, _node, problems = load_file(tmp_path, "actors.yaml", ActorsFile)
    assert problems == [] and isinstance(actors, ActorsFile)
    (lina,) = actors.actors
    assert (lina.influence, lina.personal, lina.minor) == (3, True, True)


@pytest.mark.parametrize("model", [ActorsFile, ConsentFile])
def test_load_file_all_optional_file_may_be_empty(tmp_path: Path, model: type) -> None:
    (tmp_path / "f.yaml").write_text("# nothing yet\n", encoding="utf-8")
    item, node, problems = load_file(tmp_path, "f.yaml", model)
    assert problems == [] and node is None
    assert isinstance(item, model)


# -- one clear problem per bad file, at the right place -----------------------------------

BILLION_LAUGHS = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
)


@pytest.mark.parametrize(
    ("data", "line", "column", "message"),
    [
        pytest.param(
            (ENTRY + 'title: "Encore"\n').encode(),
            7,
            1,
            "duplicate key 'title' (already given on line 2): keep only one",
            id="duplicate-key",
        ),
        pytest.param(
            ENTRY.replace("  Une", "\tUne").encode(),
            6,
            1,
            "this is not valid YAML: a tab is used for indentation: indent with spaces only",
            id="tab",
        ),
        pytest.param(
            b"date: 2025-03-03\nauthors:\n\t- claire\n",
            3,
            1,
            "this is not valid YAML: a tab is used for indentation: indent with spaces only",
            id="tab-in-list",
        ),
        pytest.param(
            ENTRY.replace("[claire]", "[claire, malik").encode(),
            4,
            10,
            "this is not valid YAML: the list opened with '[' on line 4 is not closed: add "
            "the missing ']' (or a missing comma between items)",
            id="unclosed-list",
        ),
        pytest.param(
            ENTRY.replace('"Premier jour"', "Premier jour: le guichet").encode(),
            2,
            20,
            "this is not valid YAML: a ':' followed by a space is in the wrong place: put "
            "text that contains ': ' between quotes, or check the indentation",
            id="colon-in-text",
        ),
        pytest.param(
            ENTRY.replace('"Premier jour"', '"Premier jour').encode(),
            7,
            1,
            "this is not valid YAML: a quotation mark is opened but never closed",
            id="unclosed-quote",
        ),
        pytest.param(
            b"",
            1,
            1,
            "this file is empty (or holds only comments): it needs at least the fields "
            "date, title, kind, authors and body",
            id="empty",
        ),
        pytest.param(
            b"# title: Premier jour\n",
            1,
            1,
            "this file is empty (or holds only comments): it needs at least the fields "
            "date, title, kind, authors and body",
            id="comments-only",
        ),
        pytest.param(
            ENTRY.replace("matinée", "matin\u00e9e").encode("latin-1"),
            6,
            12,
            "this file is not UTF-8 text (byte 0xe9): save it as UTF-8 in your editor",
            id="latin-1",
        ),
        pytest.param(
            BILLION_LAUGHS.encode(),
            5,  # the anchored value whose repetition went over the limit
            5,
            "this file expands to too many values (aliases *name repeated many times): write "
            "the values out instead",
            id="billion-laughs",
        ),
        pytest.param(
            b"date: &d\n  - *d\n",
            1,
            7,
            "an alias (*name) is used inside the very value its anchor (&name) names, which "
            "never ends: write the value out instead",
            id="self-alias",
        ),
        pytest.param(
            ENTRY.replace("[claire]", "*equipe").encode(),
            4,
            10,
            "this is not valid YAML: '*equipe' refers to an anchor '&equipe' that does not "
            "exist: put the text between quotes if the '*' belongs to it",
            id="undefined-alias",
        ),
        pytest.param(
            (ENTRY + "---\n" + ENTRY).encode(),
            7,
            1,
            "this is not valid YAML: this file holds more than one document (a '---' line): "
            "keep one document per file",
            id="two-documents",
        ),
        pytest.param(
            ENTRY.replace("Premier", "Pre\x07mier").encode(),
            2,
            12,
            "this file contains an invisible control character (U+0007) that YAML does not "
            "allow: delete it (it often comes from a copy and paste)",
            id="control-character",
        ),
        pytest.param(
            ENTRY.replace("Premier", "Pre\x00mier").encode(),
            2,
            1,
            "this file contains a NUL character: is it really a text file?",
            id="nul",
        ),
        pytest.param(
            b"? [a, b]\n: 1\n",
            1,
            3,
            "a key must be a plain word, not a list or a mapping",
            id="complex-key",
        ),
        pytest.param(
            b"- date: 2025-03-03\n- title: x\n",
            1,
            1,
            "this file should hold 'key: value' fields at the top level, but it holds a list",
            id="list-at-top",
        ),
        pytest.param(
            b"Premier jour au guichet\n",
            1,
            1,
            "this file should hold 'key: value' fields at the top level, but it holds "
            "'Premier jour au guichet'",
            id="text-at-top",
        ),
        pytest.param(
            b"a:" + b" [" * 200 + b" ]" * 200 + b"\n",
            1,
            None,
            "this file is nested too deeply",
            id="deep-nesting",
        ),
        pytest.param(
            b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n",
            1,
            None,
            "this is not valid YAML: this file is nested too deeply",
            id="very-deep-nesting",
        ),
        pytest.param(
            ENTRY.replace("authors:", "autors:").encode(),
            4,
            1,
            "unknown field 'autors' — did you mean 'authors'?",
            id="unknown-field",
        ),
        pytest.param(
            (ENTRY + "colour: blue\n").encode(),
            7,
            1,
            "unknown field 'colour' (the fields here are: date, time, title, kind, authors, "
            "place, actors, prototypes, methods, tags, visibility, body, quotes, media)",
            id="unknown-field-no-suggestion",
        ),
        pytest.param(
            ENTRY.replace('title: "Premier jour"\n', "").encode(),
            1,
            1,
            "missing required field 'title': a short title",
            id="missing-field",
        ),
        pytest.param(
            ENTRY.replace("kind: observation", "kind: observaton").encode(),
            3,
            7,
            "'kind' cannot be 'observaton': choose one of observation, interview, workshop, "
            "meeting, test, reflection — did you mean 'observation'?",
            id="wrong-enum",
        ),
        pytest.param(
            ENTRY.replace("2025-03-03", "2015-02-30").encode(),
            1,
            7,
            "'date': 2015-02-30 is not a real date: February 2015 has 28 days",
            id="impossible-date",
        ),
        pytest.param(
            ENTRY.replace("2025-03-03", "2025-13-01").encode(),
            1,
            7,
            "'date': 2025-13-01 is not a real date: there is no month 13 (write the month "
            "between 01 and 12)",
            id="month-13",
        ),
        pytest.param(
            ENTRY.replace("2025-03-03", "4 mars 2025").encode(),
            1,
            7,
            "'date': '4 mars 2025' is not a date: write it as YYYY-MM-DD, for example 2025-03-04",
            id="date-in-words",
        ),
        pytest.param(
            (ENTRY + "time: 25:00\n").encode(),
            7,
            7,
            "'time': '25:00' is not a time: write it as HH:MM, for example \"09:30\"",
            id="bad-time",
        ),
        pytest.param(
            ENTRY.replace("[claire]", "claire").encode(),
            4,
            10,
            "'authors' should be a list (one item per line, each starting with '- '), not 'claire'",
            id="text-not-list",
        ),
        pytest.param(
            ENTRY.replace("[claire]", "").encode(),
            4,
            9,
            "'authors' is empty: add at least one item, one per line starting with '- '",
            id="empty-list",
        ),
        pytest.param(
            ENTRY.replace("[claire]", "[]").encode(),
            4,
            10,
            "'authors' needs at least one item",
            id="no-item",
        ),
        pytest.param(
            ENTRY.replace('"Premier jour"', "[Premier, jour]").encode(),
            2,
            8,
            "'title' should be text, not a list",
            id="list-not-text",
        ),
        pytest.param(
            ENTRY.replace("[claire]", "[Claire Dumas]").encode(),
            4,
            11,
            "'authors': 'Claire Dumas' is not a valid id: use lowercase letters, digits and "
            "hyphens (for example 'claire-dumas')",
            id="bad-slug",
        ),
        pytest.param(
            (ENTRY + "quotes:\n  - actor: jeanne\n    texte: Bonjour\n").encode(),
            9,
            5,
            "unknown field 'texte' — did you mean 'text'?",
            id="nested-unknown-field",
        ),
        pytest.param(
            (ENTRY + "quotes:\n  - text: Bonjour\n").encode(),
            8,
            5,
            "missing required field 'actor': id of the actor who said it (from actors.yaml)",
            id="nested-missing-field",
        ),
        pytest.param(
            (ENTRY + "media:\n  file: media/a.jpg\n").encode(),
            8,
            3,
            "'media' should be a list (one item per line, each starting with '- '), not a set "
            "of 'key: value' fields",
            id="mapping-not-list",
        ),
    ],
)
def test_load_file_gives_one_clear_problem(
    tmp_path: Path, data: bytes, line: int, column: int | None, message: str | None
) -> None:
    problem = one_problem(tmp_path, data)
    assert problem.line == line
    if column is not None:
        assert problem.column == column
    if message is not None:
        assert problem.message == message


def test_load_file_points_at_the_offending_text(tmp_path: Path) -> None:
    data = ENTRY.replace("kind: observation", "kind: observaton")
    problem = one_problem(tmp_path, data.encode())
    assert problem.line is not None and problem.column is not None
    text_line = data.splitlines()[problem.line - 1]
    assert text_line[problem.column - 1 :] == "observaton"


def test_load_file_billion_laughs_memory_is_bounded(tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        problem = one_problem(tmp_path, BILLION_LAUGHS.encode())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "too many values" in problem.message
    assert peak < 50 * 1024 * 1024


def test_load_file_wide_aliases_are_fine(tmp_path: Path) -> None:
    # Repeating one anchor a few times is normal YAML, not a bomb.
    text = "tags: &t [accueil, guichet]\nactors: [mairie]\nmethods: []\n"
    (tmp_path / "e.yaml").write_text(ENTRY + text, encoding="utf-8")
    entry, _node, problems = load_file(tmp_path, "e.yaml", Entry)
    assert problems == [] and isinstance(entry, Entry)


def test_load_file_many_values_are_not_an_alias_bomb(tmp_path: Path) -> None:
    # A large, plain file (many distinct values, no alias) loads.
    actor = (
        "  - id: a{i}\n    name: Actor {i}\n    kind: user\n    sector: users\n"
        "    circle: indirect\n    stakes: [one, two, three]\n"
    )
    text = "actors:\n" + "".join(actor.format(i=i) for i in range(30_000))
    (tmp_path / "actors.yaml").write_text(text, encoding="utf-8")
    actors, _node, problems = load_file(tmp_path, "actors.yaml", ActorsFile)
    assert problems == [] and isinstance(actors, ActorsFile)
    assert len(actors.actors) == 30_000


def test_parse_yaml_refuses_huge_bytes() -> None:
    data = b"a: " + b"x" * MAX_FILE_BYTES
    with pytest.raises(YamlProblem, match="too large"):
        parse_yaml(data)


def test_load_file_refuses_huge_file_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "journal" / "entry.yaml"
    path.parent.mkdir()
    with path.open("wb") as handle:  # a sparse file: large, but costs no disk or memory
        handle.truncate(MAX_FILE_BYTES * 50)
    item, _node, problems = load_file(tmp_path, "journal/entry.yaml", Entry)
    assert item is None
    assert [(p.code, p.line) for p in problems] == [("too-large", None)]
    assert problems[0].message.startswith("this file is too large (500.0 MB)")


def test_load_file_missing_file(tmp_path: Path) -> None:
    item, _node, problems = load_file(tmp_path, "nothing.yaml", Entry)
    assert item is None
    assert [(p.code, p.message) for p in problems] == [
        ("unreadable", "cannot read: No such file or directory")
    ]


def test_load_file_directory(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    _item, _node, problems = load_file(tmp_path, "dir.yaml", Entry)
    assert [p.code for p in problems] == ["unreadable"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_load_residency_does_not_hang_on_a_pipe(minimal: Path) -> None:
    os.mkfifo(minimal / "journal" / "2025-03-05-pipe.yaml")
    _residency, problems = load_residency(minimal)
    assert [(p.path, p.code) for p in problems] == [("journal/2025-03-05-pipe.yaml", "unreadable")]


# -- the folder --------------------------------------------------------------------------


def test_load_residency_minimal(minimal: Path) -> None:
    residency, problems = load_residency(minimal)
    assert problems == []
    assert isinstance(residency.residence, Residence)
    assert residency.residence.id == "mairie-annexe"
    assert [e.date.isoformat() for e in residency.entries] == [
        "2025-03-03",
        "2025-03-04",
        "2025-04-08",
    ]
    assert [e.time for e in residency.entries] == ["09:30", "14:00", None]
    assert [a.id for a in residency.actors] == ["mairie", "agents-accueil", "jeanne-martin"]
    assert residency.relations[0].from_ == "mairie"
    assert isinstance(residency.prototypes[0], Prototype)
    assert residency.prototypes[0].tests[0].decision == "adopt"
    assert residency.consents[0].allows_public(minor=False)
    assert residency.failed == []
    assert set(residency.nodes) == set(residency.files)


def test_load_residency_records_failed_files(minimal: Path) -> None:
    (minimal / "journal" / "2025-03-05-vide.yaml").write_text("", encoding="utf-8")
    residency, problems = load_residency(minimal)
    assert residency.failed == ["journal/2025-03-05-vide.yaml"]
    assert len(residency.entries) == 3
    assert [p.code for p in problems] == ["empty-file"]


def test_load_residency_one_bad_file_does_not_hide_others(minimal: Path) -> None:
    (minimal / "journal" / "2025-03-05-a.yaml").write_bytes(b"title: [")
    (minimal / "journal" / "2025-03-05-b.yaml").write_bytes(
        ENTRY.replace("kind: observation", "kind: x").encode()
    )
    _residency, problems = load_residency(minimal)
    assert [p.path for p in problems] == [
        "journal/2025-03-05-a.yaml",
        "journal/2025-03-05-b.yaml",
    ]


def test_load_residency_skips_editor_files(minimal: Path) -> None:
    journal = minimal / "journal"
    for name in (
        ".#2025-03-03.yaml",
        "~lock.yaml",
        "2025-03-03.yaml~",
        ".hidden.yaml",
        "x.yaml.swp",
        "README.md",
    ):
        (journal / name).write_text("garbage: [", encoding="utf-8")
    (journal / ".git").mkdir()
    (journal / ".git" / "x.yaml").write_text("garbage: [", encoding="utf-8")
    _residency, problems = load_residency(minimal)
    assert problems == []


def test_load_residency_warns_on_other_files(minimal: Path) -> None:
    (minimal / "journal" / "notes.txt").write_text("idées", encoding="utf-8")
    _residency, problems = load_residency(minimal)
    assert [str(p) for p in problems] == [
        "journal/notes.txt: warning: ignored: only .yaml files are read in journal/"
    ]


def test_load_residency_reads_subfolders(minimal: Path) -> None:
    week = minimal / "journal" / "semaine-1"
    week.mkdir()
    (minimal / "journal" / "2025-03-03-premier-jour.yaml").rename(
        week / "2025-03-03-premier-jour.yaml"
    )
    residency, problems = load_residency(minimal)
    assert problems == []
    assert "journal/semaine-1/2025-03-03-premier-jour.yaml" in residency.files


def test_load_residency_refuses_a_file_link_out(minimal: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(ENTRY, encoding="utf-8")
    (minimal / "journal" / "2025-03-05-lien.yaml").symlink_to(secret)
    residency, problems = load_residency(minimal)
    assert [str(p) for p in problems] == [
        "journal/2025-03-05-lien.yaml: error: this file is a link to a place outside the "
        "residency folder"
    ]
    assert len(residency.entries) == 3


def test_load_residency_refuses_a_folder_link_out(minimal: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2025-03-05-secret.yaml").write_text(ENTRY, encoding="utf-8")
    (minimal / "scenarios").rename(tmp_path / "old-scenarios")
    (minimal / "scenarios").symlink_to(elsewhere, target_is_directory=True)
    residency, problems = load_residency(minimal)
    assert [(p.path, p.code) for p in problems] == [("scenarios", "outside")]
    assert residency.scenarios == []
    assert not any("secret" in f for f in residency.files)


def test_load_residency_refuses_private_link_out(minimal: Path, tmp_path: Path) -> None:
    (minimal / "private").rename(tmp_path / "private")
    (minimal / "private").symlink_to(tmp_path / "private", target_is_directory=True)
    residency, problems = load_residency(minimal)
    assert [(p.path, p.code) for p in problems] == [("private/consent.yaml", "outside")]
    assert residency.consents == []


def test_load_residency_accepts_links_inside(minimal: Path) -> None:
    (minimal / "shared").mkdir()
    (minimal / "actors.yaml").rename(minimal / "shared" / "actors.yaml")
    (minimal / "actors.yaml").symlink_to(minimal / "shared" / "actors.yaml")
    residency, problems = load_residency(minimal)
    assert problems == []
    assert len(residency.actors) == 3


def test_load_residency_of_a_missing_folder(tmp_path: Path) -> None:
    residency, problems = load_residency(tmp_path / "nowhere")
    assert [p.code for p in problems] == ["not-a-residency"]
    assert residency.entries == []


def test_load_residency_accepts_str_path(minimal: Path) -> None:
    residency, problems = load_residency(str(minimal))
    assert problems == [] and residency.root == minimal


def test_load_residency_yaml11_traps_project(copy_project: Any, tmp_path: Path) -> None:
    root = copy_project("yaml11-traps", tmp_path)
    residency, problems = load_residency(root)
    assert problems == []
    (entry,) = residency.entries
    assert (entry.time, entry.title, entry.place) == ("10:30", "no", "on")
    assert entry.tags == ["yes", "off", "1e3", "0o17", "~null"]


# -- in French ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            ENTRY.replace("2025-03-03", "2015-02-30").encode(),
            "'date' : 2015-02-30 n'est pas une vraie date : février 2015 a 28 jours",
        ),
        (
            ENTRY.replace("authors", "autors").encode(),
            "champ inconnu 'autors' — vouliez-vous dire 'authors' ?",
        ),
        (
            ENTRY.replace("observation", "observasion").encode(),
            "'kind' ne peut pas être 'observasion' : choisissez parmi observation, interview, "
            "workshop, meeting, test, reflection — vouliez-vous dire 'observation' ?",
        ),
        (
            b"date: 2025-03-03\n\ttitle: x\n",
            "ce n'est pas du YAML valide : une tabulation sert d'indentation : indentez avec "
            "des espaces uniquement",
        ),
        (
            ENTRY.replace("title:", "time: 9h75\ntitle:").encode(),
            "'time' : '9h75' n'est pas une heure : écrivez-la HH:MM, par exemple \"09:30\" "
            "(ou 9h30)",
        ),
    ],
)
def test_load_file_says_its_problems_in_french(tmp_path: Path, data: bytes, said: str) -> None:
    set_language("fr")
    try:
        problem = one_problem(tmp_path, data)
    finally:
        set_language("en")
    assert problem.message == said


def test_load_file_missing_field_says_what_it_is_for_in_french(tmp_path: Path) -> None:
    set_language("fr")
    try:
        problem = one_problem(tmp_path, ENTRY.replace('title: "Premier jour"\n', "").encode())
    finally:
        set_language("en")
    assert problem.message == "champ obligatoire manquant 'title' : un titre court"
