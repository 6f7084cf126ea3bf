"""Whatever a file holds, the loader and the checker return problems and never raise."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from residence.check import check_residency
from residence.errors import Problem
from residence.load import YamlProblem, load_file, load_residency, parse_yaml
from residence.models import FILE_KINDS, Model

#: Moderate by default, so the suite stays fast; raise it by hand to hunt for bugs:
#: RESIDENCE_FUZZ_EXAMPLES=5000 pytest tests/test_properties.py
EXAMPLES = int(os.environ.get("RESIDENCE_FUZZ_EXAMPLES", "60"))

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Pieces of YAML that trip parsers: indicators, anchors, tags, tabs, traps of YAML 1.1.
TOKENS = [
    "\n", "  ", "\t", ": ", ":", "- ", "-", "? ", "[", "]", "{", "}", ", ", "#", "&a ", "*a",
    "&b ", "*b", "!!str ", "!!python/object:os.system ", "!tag ", "|", ">", "|-", ">+", "'",
    '"', "\\", "---\n", "...\n", "%YAML 1.1\n", "<<: ", "~", "null", "no", "on", "yes",
    "10:30", "2015-02-30", "2025-03-04", "1e3", "0o17", ".inf", "é", "\ufeff", "\x85",
    "\u2028", "\x00", "\x07", "date", "title", "kind", "authors", "body", "actors", "id",
    "weeks", "team", "consents", "tests", "media", "file", "from", "to",
]  # fmt: skip

yamlish = st.lists(st.sampled_from(TOKENS) | st.text(max_size=4), max_size=40).map("".join)

FIELD_NAMES = sorted(
    {name for model in FILE_KINDS.values() for name in model.model_json_schema()["properties"]}
    | {"from", "number", "start", "end", "role", "scope", "actor", "decision", "file", "text"}
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 3000),
    st.sampled_from(
        ["", "x", "claire", "10:30", "2025-03-04", "2015-02-30", "public", "team", "yes",
         "media/hall.jpg", "../x.jpg", "/etc/passwd", "résident", "a" * 300, "line\nline"]
    ),
    st.text(max_size=12),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=6), children, max_size=5)
    ),
    max_leaves=20,
)
documents = st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=12)


def assert_problems(problems: list[Problem]) -> None:
    """Check that problems are well-formed values, printable on one line."""
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.severity in {"error", "warning"}
        assert problem.message and "\n" not in problem.message and "\r" not in problem.message
        assert problem.line is None or problem.line >= 1
        assert problem.column is None or problem.column >= 1
        str(problem)
        problem.as_dict()


def try_parse(data: bytes | str) -> None:
    try:
        parse_yaml(data)
    except YamlProblem as exc:
        assert exc.message and "\n" not in exc.message
        assert exc.line is None or exc.line >= 1


def try_load_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "f.yaml").write_bytes(data)
        for model in FILE_KINDS.values():
            item, _node, problems = load_file(Path(tmp), "f.yaml", model)
            assert_problems(problems)
            assert (item is None) == any(p.severity == "error" for p in problems)
            assert item is None or isinstance(item, Model)


@SETTINGS
@given(st.text(max_size=300))
def test_parse_yaml_any_text(text: str) -> None:
    try_parse(text)
    try_parse(text.encode("utf-8"))


@SETTINGS
@given(st.binary(max_size=300))
def test_parse_yaml_any_bytes(data: bytes) -> None:
    try_parse(data)


@SETTINGS
@given(yamlish)
def test_parse_yaml_yamlish_text(text: str) -> None:
    try_parse(text)


@SETTINGS
@given(st.one_of(st.binary(max_size=200), yamlish.map(lambda t: t.encode("utf-8", "replace"))))
def test_load_file_any_content(data: bytes) -> None:
    try_load_file(data)


@SETTINGS
@given(documents)
def test_load_file_model_shaped_documents(document: dict[str, Any]) -> None:
    try_load_file(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


FOLDER_FILES = [
    "residence.yaml",
    "actors.yaml",
    "private/consent.yaml",
    "journal/2025-03-04-entree.yaml",
    "prototypes/panneau.yaml",
    "scenarios/visite.yaml",
    "methods/entretien.yaml",
]

contents = st.one_of(
    st.binary(max_size=120),
    yamlish.map(lambda t: t.encode("utf-8", "replace")),
    documents.map(lambda d: yaml.safe_dump(d, allow_unicode=True).encode("utf-8")),
)


@settings(SETTINGS, max_examples=max(EXAMPLES * 2 // 3, 1))
@given(st.lists(contents, min_size=len(FOLDER_FILES), max_size=len(FOLDER_FILES)))
def test_load_residency_any_folder(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, data in zip(FOLDER_FILES, files, strict=True):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        residency, problems = load_residency(root)
        assert_problems(problems)
        assert_problems(check_residency(residency))


VALID_ENTRY = {
    "date": "2025-03-04",
    "title": "Entretien",
    "kind": "interview",
    "authors": ["claire"],
    "body": "Texte.",
}


@settings(SETTINGS, max_examples=max(EXAMPLES * 2 // 3, 1))
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=6))
def test_load_residency_entries_with_odd_values(changes: dict[str, Any]) -> None:
    # Start from a valid residency and change a few fields of one entry: this reaches the
    # checker's rules with values the models accept.
    source = Path(__file__).parent / "projects" / "minimal"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "minimal"
        shutil.copytree(source, root)
        entry = {**VALID_ENTRY, **changes}
        (root / "journal" / "2025-03-04-entree.yaml").write_text(
            yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8"
        )
        residency, problems = load_residency(root)
        assert_problems(problems)
        assert_problems(check_residency(residency))
