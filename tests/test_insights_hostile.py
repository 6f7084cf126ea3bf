# SPDX-License-Identifier: EUPL-1.2
"""Hostile input to insights, codes and the commands that write them.

Each attack is a class of input nobody types on purpose (the wrong YAML shape, numbers that
are not numbers, tags that are YAML syntax, files that are links or FIFOs, a title with no
letter, evidence given twice…). The promises checked every time: no traceback, an exit code
of the contract (0, 1, 2), a message at the file's line in French and English, and a file
either changed exactly as asked or left byte for byte as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner  # noqa: TID251

from conftest import copy_project
from leakscan import LeakScanner
from residence.check import load_and_check
from residence.cli import app
from residence.findings import tag_key
from residence.gate import select_edition
from residence.render.html import render_html

ENTRY = "2025-03-04-entretien-jeanne"  # one quote, by Jeanne Martin (personal: true)
FIRST = "2025-03-03-premier-jour"  # tags: [accueil]
PROTECTED = "Jeanne Martin"
TEAM = ["Claire Dumas", "Malik Ouali"]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RESIDENCE_AUTHOR", "EDITOR", "VISUAL", "FORCE_COLOR", "RESIDENCE_LANG"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str | Path, lang: str = "en") -> Any:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"RESIDENCE_LANG": lang})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"a traceback for {args!r}") from result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output
    return result


def insight(root: Path, body: str, name: str = "a") -> Path:
    path = root / "insights" / f"{name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"id: {name}\ntitle: T\nstatement: S\n{body}", encoding="utf-8")
    return path


def problems(root: Path, code: str | None = None) -> list[Any]:
    _r, found = load_and_check(root)
    return [p for p in found if code is None or p.code == code]


# -- the format: evidence, numbers, words, tags --------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "line", "words"),
    [
        ('"x"', 4, "should be a list"),
        (f"{{entry: {ENTRY}}}", 4, "should be a list"),
        ("[1, 2]", 4, "'key: value'"),
        ("[[a]]", 4, "'key: value'"),
        ("[null]", 4, "is empty"),
        (f"[{{entry: {ENTRY}, quote: 0}}]", 4, "greater than 0"),
        (f"[{{entry: {ENTRY}, quote: -1}}]", 4, "greater than 0"),
        (f"[{{entry: {ENTRY}, quote: 1.5}}]", 4, "whole number"),
        (f'[{{entry: {ENTRY}, quote: "un"}}]', 4, "whole number"),
        (f"[{{entry: {ENTRY}, quote: true}}]", 4, "whole number"),
        (f"[{{entry: {ENTRY}, quote: 99999999999999999999}}]", 4, "quote 99999999999999999999"),
        ("[{entry: ../journal/x}]", 4, "not a valid id"),
        ("[{entry: 2025-03-04-Entretien}]", 4, "not a valid id"),
        ('[{entry: "été"}]', 4, "not a valid id"),
        ('[{entry: "a b"}]', 4, "not a valid id"),
        ("[{}]", 4, "neither an entry nor a prototype"),
        (f"[{{entry: {ENTRY}, prototype: panneau-orientation}}]", 4, "both"),
        (f"\n  - entry: {ENTRY}\n    test: 1", 6, "'test:' goes with 'prototype:'"),
        ("\n  - prototype: panneau-orientation\n    quote: 1", 6, "'quote:' goes with"),
        ("\n  - prototype: panneau-orientation\n    test: 7", 6, "1 test session"),
    ],
)
def test_wrong_evidence_is_an_error_at_its_line(
    minimal: Path, evidence: str, line: int, words: str
) -> None:
    insight(minimal, f"evidence: {evidence}\n")
    errors = [p for p in problems(minimal) if p.severity == "error"]
    assert errors, evidence
    assert any(p.path == "insights/a.yaml" and p.line == line for p in errors), errors
    assert any(words in p.message for p in errors), errors
    result = run("check", minimal)
    assert result.exit_code == 1
    assert f"insights/a.yaml:{line}:" in result.output


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("week: 0", "greater than 0"),
        ("week: -1", "greater than 0"),
        ("week: 10000000000000000000000000", "the residency has 3 weeks"),
        ("phase: nonsense", "choose one of"),
        ('tags: "a, b"', "should be a list"),
        ("tags: {a: 1}", "should be a list"),
        ("tags: [[a]]", "should be text"),
        ('tags: ["a\\u0007b"]', "control character"),
        ("prototypes: panneau-orientation", "should be a list"),
        ("prototypes: [nope]", "unknown prototype"),
        ("visibility: secret", "choose one of"),
    ],
)
def test_wrong_fields_are_errors_at_their_line(minimal: Path, extra: str, words: str) -> None:
    insight(minimal, f"evidence: [{{entry: {ENTRY}}}]\n{extra}\n")
    errors = [p for p in problems(minimal) if p.severity == "error"]
    assert [p.line for p in errors if p.path == "insights/a.yaml"] == [5], errors
    assert words in errors[0].message


def test_a_french_phase_is_read(minimal: Path) -> None:
    insight(minimal, f"evidence: [{{entry: {ENTRY}}}]\nphase: analyse\ntags: [accueil]\n")
    assert [p for p in problems(minimal) if p.severity == "error"] == []


def test_evidence_cited_twice_is_a_warning_at_the_second_and_shown_once(minimal: Path) -> None:
    insight(
        minimal,
        f"evidence:\n  - entry: {ENTRY}\n    quote: 1\n  - entry: {FIRST}\n"
        f"  - entry: {ENTRY}\n    quote: 1\ntags: [accueil]\n",
    )
    twice = problems(minimal, "evidence-twice")
    assert [(p.line, p.severity) for p in twice] == [(8, "warning")]
    assert "item 1" in twice[0].message
    r, _found = load_and_check(minimal)
    html = render_html(select_edition(r, "team"), use_cache=False).html
    assert html.count('class="quote evidence-quote') == 1


def test_unresolved_evidence_does_not_also_say_it_is_team_only(minimal: Path) -> None:
    insight(minimal, "evidence: [{}, {entry: 2025-01-01-nulle-part}]\n")
    assert problems(minimal, "team-evidence") == []
    assert len(problems(minimal, "evidence-ref")) == 1
    assert len(problems(minimal, "dangling-ref")) == 1


def test_a_cited_entry_that_failed_to_load_gives_one_error_at_the_entry(minimal: Path) -> None:
    (minimal / "journal" / "2025-03-09-casse.yaml").write_text(
        "date: 2025-03-09\ntitle: [\n", encoding="utf-8"
    )
    insight(minimal, f"evidence: [{{entry: 2025-03-09-casse}}, {{entry: {ENTRY}}}]\n")
    found = problems(minimal)
    assert [p.path for p in found if p.severity == "error"] == ["journal/2025-03-09-casse.yaml"]
    assert not [p for p in found if p.code == "team-evidence"]


@pytest.mark.parametrize("empty", ['""', '"   "', "' '"])
def test_an_empty_tag_is_a_warning_wherever_it_is(minimal: Path, empty: str) -> None:
    insight(minimal, f"evidence: [{{entry: {ENTRY}}}]\ntags: [accueil, {empty}]\n")
    path = minimal / "journal" / f"{ENTRY}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"    tags: [{empty}]\n", encoding="utf-8")
    found = problems(minimal, "tag-empty")
    assert sorted((p.path, p.line) for p in found) == [
        ("insights/a.yaml", 5),
        (f"journal/{ENTRY}.yaml", 13),
    ]
    assert all(p.severity == "warning" for p in found)
    french = run("check", minimal, lang="fr").output
    assert "cette étiquette est vide" in french


def test_10000_evidence_items_and_a_100_kb_tag(minimal: Path) -> None:
    lines = [f"  - entry: {ENTRY}\n    quote: 1" for _ in range(10_000)]
    big = "x" * 100_000
    insight(minimal, "evidence:\n" + "\n".join(lines) + f'\ntags: ["{big}", accueil]\n')
    found = problems(minimal)
    assert not [p for p in found if p.severity == "error"]
    assert len([p for p in found if p.code == "evidence-twice"]) == 9_999
    assert all(len(p.message) < 1_000 for p in found)  # the tag is not quoted whole
    r, _found = load_and_check(minimal)
    html = render_html(select_edition(r, "public"), use_cache=False).html
    assert html.count('class="quote evidence-quote') == 1


# -- the report: hostile text, names in tags, anchors ---------------------------------------


@pytest.fixture
def hostile(minimal: Path) -> Path:
    """An insight whose every text is hostile, and Jeanne Martin protected (team consent)."""
    (minimal / "private" / "consent.yaml").write_text(
        "consents:\n  - actor: jeanne-martin\n    scope: internal\n    date: 2025-03-04\n",
        encoding="utf-8",
    )
    entry = minimal / "journal" / f"{FIRST}.yaml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace(
            "tags: [accueil]", 'tags: [accueil, "Jeanne Martin", jeanne, index, "<i>x</i>"]'
        ),
        encoding="utf-8",
    )
    insight(
        minimal,
        'evidence:\n  - entry: 2025-03-04-entretien-jeanne\n    quote: 1\ntags: ["Jeanne Martin", '
        'MARTIN, index, Index, codes, accueil, "<i>x</i>"]\nweek: 1\n',
    )
    path = minimal / "insights" / "a.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("title: T", 'title: "<script>alert(1)</script> Jeanne <b>x</b>"')
        .replace(
            "statement: S",
            "statement: |\n  <script>alert(2)</script> [a](javascript:alert(3))\n"
            '  <img src=x onerror=alert(4)> <a href="javascript:alert(5)">y</a>\n'
            "  [d](data:text/html,xx) Jeanne Martin l'a dit.",
        ),
        encoding="utf-8",
    )
    return minimal


def test_hostile_text_of_an_insight_is_never_html(hostile: Path) -> None:
    r, found = load_and_check(hostile)
    assert not [p for p in found if p.severity == "error"], found
    html = render_html(select_edition(r, "public"), use_cache=False).html
    section = html[html.index('id="insights"') :]
    section = section[: section.index("</section>\n", section.index('id="code-index"'))]
    assert "<script" not in section and "<img" not in section and "<i>x" not in section
    assert not re.search(r"""<a\b[^>]*href=["']?\s*(javascript|data):""", section, re.I)
    assert "&lt;script&gt;" in section


def test_a_tag_that_is_a_protected_name_is_pseudonymised(hostile: Path) -> None:
    r, _found = load_and_check(hostile)
    html = render_html(select_edition(r, "public"), use_cache=False).html
    assert LeakScanner([PROTECTED], TEAM).data(html.encode(), "report.html") == []
    assert "Personne A" in html
    team = render_html(select_edition(r, "team"), use_cache=False).html
    assert LeakScanner([PROTECTED], TEAM).data(team.encode(), "team.html")  # it is looking


def test_no_code_takes_the_id_of_a_heading(hostile: Path) -> None:
    r, _found = load_and_check(hostile)
    html = render_html(select_edition(r, "public"), use_cache=False).html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'id="code-index"' in html and 'href="#code-index-2"' in html


# -- residence tag: the shapes of a file ----------------------------------------------------

HEAD = "date: 2025-03-03\ntitle: T\nkind: observation\nauthors: [claire]\n"
BODY = "body: |\n  Texte.\n"
QUOTE = "quotes:\n  - actor: mairie\n    text: Bonjour\n"
CHANGED = {
    "flow": HEAD + "tags: [accueil]\n" + BODY,
    "block": HEAD + "tags:\n  - accueil\n  - b\n" + BODY,
    "none": HEAD + BODY,
    "empty": HEAD + "tags:\n" + BODY,
    "null": HEAD + "tags: null\n" + BODY,
    "tilde comment": HEAD + "tags: ~  # later\n" + BODY,
    "flow over lines, comments": HEAD + "tags: [accueil,  # one\n   b, # two\n   c]\n" + BODY,
    "flow trailing comma": HEAD + "tags: [accueil, b,]\n" + BODY,
    "crlf block": (HEAD + "tags:\n  - accueil\n" + BODY).replace("\n", "\r\n"),
    "crlf none": (HEAD + BODY).replace("\n", "\r\n"),
    "bom": "\ufeff" + HEAD + "tags: [accueil]\n" + BODY,
    "tab after colon": HEAD + "tags:\t[accueil]\n" + BODY,
    "document markers": "---\n" + HEAD + "tags: [a]\n" + BODY + "...\n",
    "no final newline": HEAD + BODY + "tags:\n  - a",
    "comments among items": HEAD + "tags:\n  # first\n  - a\n  # tail\n" + BODY,
    "deeper items": HEAD + "tags:\n    - a\n    - b\n" + BODY,
    "quoted key": HEAD + '"tags": [a]\n' + BODY,
    "explicit key": HEAD + "? tags\n: [a]\n" + BODY,
    "one flow mapping": "{date: 2025-03-03, title: T, kind: observation, authors: [claire], "
    "body: x}\n",
    "literal item": HEAD + "tags:\n  - |\n    a\n" + BODY,
    "kept body last": HEAD + "body: |+\n  Texte\n\n\n",
    "indented root": "  date: 2025-03-03\n  title: T\n  kind: observation\n"
    "  authors: [claire]\n  body: x\n",
}
REFUSED = {
    "tags a mapping": HEAD + "tags: {a: 1}\n" + BODY,
    "tags a scalar": HEAD + "tags: accueil\n" + BODY,
    "tags !!str": HEAD + "tags: !!str x\n" + BODY,
    "anchor and alias": HEAD + "tags: &t [accueil, b]\n" + BODY + QUOTE + "    tags: *t\n",
    "two documents": HEAD + "tags: [a]\n" + BODY + "---\nfoo: bar\n",
    "tags twice": HEAD + "tags: [a]\ntags: [b]\n" + BODY,
}


def entry_file(root: Path, text: str | bytes) -> Path:
    path = root / "journal" / f"{FIRST}.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def read(data: bytes) -> Any:
    return yaml.safe_load(data.decode("utf-8-sig").replace("\t[", " ["))


@pytest.mark.parametrize("remove", [False, True], ids=["add", "remove"])
@pytest.mark.parametrize("shape", sorted(CHANGED))
def test_tag_changes_only_the_tags_whatever_the_shape(
    minimal: Path, shape: str, remove: bool
) -> None:
    path = entry_file(minimal, CHANGED[shape])
    before = path.read_bytes()
    old = read(before)
    words = ["a", "accueil", "--remove"] if remove else ["z"]
    result = run("tag", FIRST, *words, minimal)
    after = path.read_bytes()
    if remove and not (old.get("tags") or []):
        assert after == before  # nothing to remove: nothing written
        return
    assert result.exit_code == 0, result.output
    new = read(after)
    kept = [t for t in old.get("tags") or [] if tag_key(t) not in {"a", "accueil"}]
    assert new.get("tags") == (kept if remove else [*(old.get("tags") or []), "z"])
    assert {k: v for k, v in new.items() if k != "tags"} == {
        k: v for k, v in old.items() if k != "tags"
    }
    assert after.startswith(b"\xef\xbb\xbf") == before.startswith(b"\xef\xbb\xbf")
    assert (b"\r\n" in after) == (b"\r\n" in before)
    assert not [p for p in problems(minimal) if p.severity == "error"]


@pytest.mark.parametrize("shape", sorted(REFUSED))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_tag_refuses_a_file_it_cannot_change_safely_and_leaves_it(
    minimal: Path, shape: str, lang: str
) -> None:
    path = entry_file(minimal, REFUSED[shape])
    before = path.read_bytes()
    result = run("tag", FIRST, "z", minimal, lang=lang)
    assert result.exit_code == 1
    assert path.read_bytes() == before
    assert ("Rien n'a été écrit" if lang == "fr" else "Nothing was written") in result.output


def test_tag_of_a_broken_entry_says_what_is_wrong_at_its_line(minimal: Path) -> None:
    path = entry_file(minimal, "date: 2025-03-03\ntitle: [x\n")
    before = path.read_bytes()
    result = run("tag", FIRST, "z", minimal, lang="fr")
    assert result.exit_code == 1 and path.read_bytes() == before
    assert f"journal/{FIRST}.yaml:2:" in result.output
    assert "corrigez-les d'abord" in result.output


def test_tag_of_a_file_that_is_not_in_the_folder_or_not_a_file(
    minimal: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "dehors.yaml"
    outside.write_text(HEAD + BODY, encoding="utf-8")
    link = minimal / "journal" / "2025-03-05-dehors.yaml"
    try:
        link.symlink_to(outside)
    except OSError:  # pragma: no cover - Windows without the privilege
        pytest.skip("symbolic links are not available here")
    before = outside.read_bytes()
    result = run("tag", "2025-03-05-dehors", "z", minimal)
    assert result.exit_code == 1 and outside.read_bytes() == before and link.is_symlink()
    assert "outside the residency folder" in result.output
    if not hasattr(os, "mkfifo"):  # pragma: no cover - Windows
        return
    os.mkfifo(minimal / "journal" / "2025-03-06-fifo.yaml")
    result = run("tag", "2025-03-06-fifo", "z", minimal)  # never opened: no hang
    assert result.exit_code == 1
    assert "not a regular file" in result.output


TRICKY_TAGS = [
    "- x", "a: b", "#x", "[x", "yes", "null", "~", "'", '"', "*x", "&x", "!x", "%x", "@x",
    "`x", "|", ">", "?", ":", "x #y", "x:", "{a}", "  lead", "trail  ", "1", "1.5", "0x1",
    "true", "No", "2025-01-01", "<<", "é", "\u00a0nbsp", "a\tb", "日本", "😀", "--- x",
    "...", "%YAML", "\\", "a]b", "a}b", "a'b", 'a"b', "x" * 1_000_000,
]  # fmt: skip


@pytest.mark.parametrize("shape", ["flow", "block", "none", "crlf block"])
def test_tags_that_are_yaml_syntax_read_back_as_written(minimal: Path, shape: str) -> None:
    path = entry_file(minimal, CHANGED[shape])
    old = read(path.read_bytes())
    result = run("tag", FIRST, "--", *TRICKY_TAGS, minimal)
    assert result.exit_code == 0, result.output
    new = read(path.read_bytes())
    wanted = list(dict.fromkeys(" ".join(t.split()) for t in TRICKY_TAGS))
    assert new["tags"] == [*(old.get("tags") or []), *wanted]
    assert {k: v for k, v in new.items() if k != "tags"} == {
        k: v for k, v in old.items() if k != "tags"
    }
    # and off again, one by one, back to what it was
    result = run("tag", FIRST, "--remove", "--", *TRICKY_TAGS, minimal)
    assert result.exit_code == 0
    assert (read(path.read_bytes()).get("tags") or []) == (old.get("tags") or [])


def test_tags_of_a_quote_in_a_flow_mapping(minimal: Path) -> None:
    path = entry_file(minimal, HEAD + BODY + "quotes: [{actor: mairie, text: Bonjour}]\n")
    result = run("tag", FIRST, "a: b", "#c", "--quote", "1", minimal)
    assert result.exit_code == 0, result.output
    assert read(path.read_bytes())["quotes"] == [
        {"actor": "mairie", "text": "Bonjour", "tags": ["a: b", "#c"]}
    ]


@pytest.mark.parametrize("quote", ["0", "-1", "2", "99999999999999999999", "un", "1.5"])
def test_tag_refuses_a_quote_the_entry_does_not_have(minimal: Path, quote: str) -> None:
    path = minimal / "journal" / f"{ENTRY}.yaml"
    before = path.read_bytes()
    result = run("tag", ENTRY, "z", "--quote", quote, minimal, lang="fr")
    assert result.exit_code in (1, 2)
    assert path.read_bytes() == before


@pytest.mark.parametrize("tags", [[""], [" , ,"], ["a\x1bb"], ["a\x00b"], ["a\x7fb"]])
def test_tag_refuses_empty_or_unprintable_tags_as_usage(minimal: Path, tags: list[str]) -> None:
    path = minimal / "journal" / f"{FIRST}.yaml"
    before = path.read_bytes()
    result = run("tag", FIRST, *tags, minimal)
    assert result.exit_code == 2 and path.read_bytes() == before


@pytest.mark.slow
def test_two_tag_processes_at_once_lose_nothing(minimal: Path) -> None:
    command = [sys.executable, "-m", "residence", "tag", FIRST]
    env = {**os.environ, "RESIDENCE_LANG": "en"}
    runs = [
        subprocess.Popen([*command, f"t{i}", str(minimal)], env=env, stderr=subprocess.PIPE)
        for i in range(6)
    ]
    for process in runs:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert b"Traceback" not in err
    tags = read((minimal / "journal" / f"{FIRST}.yaml").read_bytes())["tags"]
    assert sorted(tags) == sorted(["accueil", *(f"t{i}" for i in range(6))])


# -- residence add insight -------------------------------------------------------------------


def add(root: Path, *args: str, lang: str = "en") -> Any:
    return run("add", "insight", root, "--no-edit", "--statement", "S", *args, lang=lang)


@pytest.mark.parametrize("title", ["", "!!!", "😀😀", "\u202e"])
def test_a_title_that_makes_no_id_is_refused(minimal: Path, title: str) -> None:
    result = add(minimal, "--title", title)
    assert result.exit_code in (1, 2)
    assert not (minimal / "insights").exists() or not any((minimal / "insights").iterdir())


def test_a_10_kb_title_makes_a_short_id(minimal: Path) -> None:
    result = add(minimal, "--title", "mot " * 2500)
    assert result.exit_code == 0, result.output
    (made,) = (minimal / "insights").iterdir()
    assert len(made.stem) <= 60
    assert yaml.safe_load(made.read_text(encoding="utf-8"))["title"].split() == ["mot"] * 2500


@pytest.mark.parametrize(
    ("evidence", "words", "mots"),
    [
        ("#", "write the journal entry", "écrivez l'entrée du journal"),
        ("x#", "write the journal entry", "écrivez l'entrée du journal"),
        ("#3", "write the journal entry", "écrivez l'entrée du journal"),
        ("prototype:", "write the prototype's id after", "écrivez l'id du prototype après"),
        ("prototype:#1", "write the prototype's id after", "écrivez l'id du prototype après"),
        ("entrée:", "write the journal entry after", "écrivez l'entrée du journal après"),
        (f"{ENTRY}#0", "count from 1", "à partir de 1"),
        (f"{ENTRY}#-1", "count from 1", "à partir de 1"),
        (f"{ENTRY}#٣", "has 1 quote", "1 citation"),
        (f"{ENTRY}#99999999999999999999999", "has 1 quote", "1 citation"),
        ("prototype:panneau-orientation#citation1", "tests, not quotes", "séances"),
    ],
)
def test_hostile_evidence_is_refused_in_both_languages(
    minimal: Path, evidence: str, words: str, mots: str
) -> None:
    english = add(minimal, "--title", "T", "--evidence", evidence)
    assert english.exit_code == 1 and words in english.output
    french = add(minimal, "--title", "T", "--evidence", evidence, lang="fr")
    assert french.exit_code == 1 and mots in french.output, french.output
    assert not (minimal / "insights").exists() or not any((minimal / "insights").iterdir())


@pytest.mark.parametrize("week", ["0", "-1", str(10**30), "un", "1.5"])
def test_a_wrong_week_is_refused(minimal: Path, week: str) -> None:
    result = add(minimal, "--title", "T", "--week", week)
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output
    assert not (minimal / "insights").exists() or not any((minimal / "insights").iterdir())


def test_the_same_evidence_twice_is_written_once(minimal: Path) -> None:
    result = add(
        minimal,
        "--title", "T",
        "--evidence", f"{ENTRY}#1",
        "--evidence", "2025-03-04#1",  # the same, named by its day
        "--evidence", f"journal/{ENTRY}.yaml#citation1",
        "--evidence", ENTRY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((minimal / "insights" / "t.yaml").read_text(encoding="utf-8"))
    assert data["evidence"] == [{"entry": ENTRY, "quote": 1}, {"entry": ENTRY}]
    assert problems(minimal, "evidence-twice") == []


def test_tags_are_written_as_residence_tag_writes_them(minimal: Path) -> None:
    result = add(
        minimal,
        "--title", "T",
        "--evidence", ENTRY,
        "--tag", "",
        "--tag", " , ",
        "--tag", "a\nb",
        "--tag", "A  B, accueil",
        "--tag", "e\u0301te",  # "été", decomposed
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((minimal / "insights" / "t.yaml").read_text(encoding="utf-8"))
    assert data["tags"] == ["a b", "accueil", "\u00e9te"]
    assert problems(minimal, "tag-empty") == []


def test_only_empty_tags_write_no_tags_key(minimal: Path) -> None:
    result = add(minimal, "--title", "T", "--evidence", ENTRY, "--tag", "", "--tag", ",")
    assert result.exit_code == 0, result.output
    assert "tags" not in yaml.safe_load(
        (minimal / "insights" / "t.yaml").read_text(encoding="utf-8")
    )


def test_a_copy_left_untouched_by_every_refusal(tmp_path: Path) -> None:
    """One residency, every refused add and tag above in a row: not a byte changes."""
    root = copy_project("minimal", tmp_path)
    snapshot = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    for evidence in ("#", "prototype:", f"{ENTRY}#0", f"{ENTRY}#9"):
        assert add(root, "--title", "T", "--evidence", evidence).exit_code == 1
    for args in ([ENTRY, "z", "--quote", "3"], [ENTRY, ""], ["nope-entry-x", "z"]):
        assert run("tag", *args, root).exit_code in (1, 2)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == snapshot
    shutil.rmtree(root)
