"""The JSON Schemas agree with the tool on real files, read as an editor reads them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import PROJECTS, copy_project
from residence.load import load_file
from residence.models import FILE_KINDS
from residence.schema import SCHEMA_DIALECT, SCHEMA_FILES, build_schema, build_schemas

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "lycee-jean-moulin"


class EditorLoader(yaml.SafeLoader):
    """YAML 1.2 core schema, as yaml-language-server (VS Code) reads files.

    No timestamps (2025-03-04 is text), no sexagesimal numbers (10:30 is text), and only
    true/false are booleans (no, on, yes stay text).
    """

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 (PyYAML's class attribute)


EditorLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
EditorLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
EditorLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
EditorLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text, 0) if text.startswith("0x") else int(text, 10)


EditorLoader.add_constructor("tag:yaml.org,2002:int", _int)


def editor_load(path: Path) -> Any:
    """Read a YAML file the way an editor does."""
    return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=EditorLoader)


def kind_of(rel: str) -> str | None:
    """Return the file kind of a residency-relative path, or None for other files."""
    parts = rel.split("/")
    if rel in {"residence.yaml", "actors.yaml", "private/consent.yaml"}:
        return {"residence.yaml": "residence", "actors.yaml": "actors"}.get(rel, "consent")
    folders = {"journal": "journal", "prototypes": "prototype", "scenarios": "scenario",
               "methods": "method", "insights": "insight"}  # fmt: skip
    if len(parts) > 1 and parts[0] in folders and rel.endswith(".yaml"):
        return folders[parts[0]]
    return None


def yaml_files(root: Path) -> list[tuple[str, str]]:
    """Return (relative path, kind) of every YAML file of a residency folder."""
    found = []
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        kind = kind_of(rel)
        if kind is not None:
            found.append((rel, kind))
    return found


VALIDATORS = {
    kind: jsonschema.Draft202012Validator(
        build_schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for kind in FILE_KINDS
}


def schema_errors(path: Path, kind: str) -> list[str]:
    """Return the schema's complaints about one file, as 'where: message' lines."""
    document = editor_load(path)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '.'}: {error.message}"
        for error in VALIDATORS[kind].iter_errors(document)
    ]


# -- the schemas themselves --------------------------------------------------------------


def test_build_schemas_one_per_kind() -> None:
    schemas = build_schemas()
    assert set(schemas) == set(SCHEMA_FILES.values())
    assert len(schemas) == len(FILE_KINDS) == 8


@pytest.mark.parametrize("kind", sorted(FILE_KINDS))
def test_build_schema_is_valid_draft_2020_12(kind: str) -> None:
    schema = json.loads(build_schemas()[SCHEMA_FILES[kind]])
    assert schema["$schema"] == SCHEMA_DIALECT
    assert schema["$id"] == SCHEMA_FILES[kind]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("kind", sorted(FILE_KINDS))
def test_build_schema_documents_every_property(kind: str) -> None:
    schema = build_schema(kind)
    objects = [schema, *schema.get("$defs", {}).values()]
    for obj in objects:
        for name, prop in obj.get("properties", {}).items():
            assert prop.get("description"), f"{obj.get('title')}.{name} has no description"


def test_build_schema_uses_yaml_names() -> None:
    relation = build_schema("actors")["$defs"]["Relation"]
    assert "from" in relation["properties"] and "from_" not in relation["properties"]
    assert "from" in relation["required"]


def test_build_schemas_are_stable() -> None:
    assert build_schemas() == build_schemas()


# -- the schemas accept what the tool accepts --------------------------------------------


def test_schema_accepts_minimal_project(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path)
    files = yaml_files(root)
    assert len(files) == 9
    for rel, kind in files:
        assert schema_errors(root / rel, kind) == [], rel


EXAMPLE_FILES = yaml_files(EXAMPLE) if EXAMPLE.is_dir() else []


@pytest.mark.skipif(not EXAMPLE_FILES, reason="the bundled example is not there")
@pytest.mark.parametrize(("rel", "kind"), EXAMPLE_FILES, ids=[r for r, _k in EXAMPLE_FILES])
def test_schema_accepts_every_example_file(rel: str, kind: str) -> None:
    path = EXAMPLE / rel
    _item, _node, problems = load_file(EXAMPLE, rel, FILE_KINDS[kind])
    assert problems == [], "the tool refuses this example file"
    assert schema_errors(path, kind) == []


def test_schema_accepts_yaml_traps_the_tool_accepts(tmp_path: Path) -> None:
    # 10:30 unquoted, `no` and `on` as words, numbers in text fields, empty optional keys.
    root = copy_project("yaml11-traps", tmp_path)
    rel = "journal/2025-03-03-premier-jour.yaml"
    path = root / rel
    path.write_text(
        path.read_text(encoding="utf-8") + "prototypes:\nvisibility:\nquotes:\n", encoding="utf-8"
    )
    _item, _node, problems = load_file(root, rel, FILE_KINDS["journal"])
    assert problems == []
    assert schema_errors(path, "journal") == []


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("journal", "date: 2025-03-03\ntitle: 1984\nkind: meeting\nauthors: [claire]\n"
                    "body: 42\ntags: [2025, 3.5]\nplace: 104\n"),
        ("method", "id: m\ntitle: M\nsummary: S\nsteps: [1, 2]\nduration: 2\n"),
        ("actors", "actors:\n  - id: a\n    name: A\n    kind: user\n    sector: users\n"
                   "    circle: core\n    stakes:\n    description:\n    personal: true\n"),
        ("prototype", "id: p\ntitle: P\nhypothesis: H\nstage: idea\ntests:\nhandover:\n"),
        ("consent", "consents:\n"),
        ("actors", "actors:\n  - id: a\n    name: A\n    kind: person\n    sector: users\n"
                   "    circle: core\n    personal: yes\n    minor: Off\n"),
        ("actors", "# nothing yet\n"),
    ],
)  # fmt: skip
def test_schema_accepts_what_the_tool_reads_as_text(tmp_path: Path, kind: str, text: str) -> None:
    (tmp_path / "f.yaml").write_text(text, encoding="utf-8")
    _item, _node, problems = load_file(tmp_path, "f.yaml", FILE_KINDS[kind])
    assert problems == []
    document = editor_load(tmp_path / "f.yaml")
    if document is None:  # an empty file: editors do not validate it
        return
    assert list(VALIDATORS[kind].iter_errors(document)) == []


# -- the schemas refuse what the tool refuses --------------------------------------------

#: Problems the tool finds in one file's content, that a schema can see too.
SCHEMA_CODES = {"unknown-field", "missing-field", "invalid-value", "invalid-date", "wrong-shape"}


def _broken_files() -> list[tuple[str, str, str]]:
    cases = []
    for project in sorted(PROJECTS.glob("broken-*/expected.txt")):
        lines = project.read_text(encoding="utf-8").splitlines()
        for line in lines:
            rel = line.split(":", 1)[0]
            kind = kind_of(rel)
            if kind and (project.parent / rel).is_file():
                cases.append((project.parent.name, rel, kind))
    return sorted(set(cases))


@pytest.mark.parametrize(("project", "rel", "kind"), _broken_files())
def test_schema_agrees_with_the_tool_on_broken_files(
    tmp_path: Path, project: str, rel: str, kind: str
) -> None:
    root = copy_project(project, tmp_path)
    _item, _node, problems = load_file(root, rel, FILE_KINDS[kind])
    try:
        document = editor_load(root / rel)
    except (yaml.YAMLError, UnicodeDecodeError):
        assert problems, "the editor cannot read this file: the tool must say why"
        return
    refused_by_schema = bool(list(VALIDATORS[kind].iter_errors(document)))
    if any(p.code in SCHEMA_CODES for p in problems):
        assert refused_by_schema, [str(p) for p in problems]
    elif not problems:
        # A cross-file problem (a dangling id, a week order): the file itself is fine.
        assert not refused_by_schema, schema_errors(root / rel, kind)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_schema_accepts_the_scaffold_files(tmp_path: Path, language: str) -> None:
    # `residence new` writes starter files that name these schemas: an editor opening
    # them must not underline anything.
    import datetime as dt

    from residence.scaffold import create_residency

    root = tmp_path / "nouvelle"
    create_residency(root, title="Une résidence", start=dt.date(2026, 3, 2), language=language)
    files = yaml_files(root)
    assert {kind for _rel, kind in files} == set(FILE_KINDS)
    for rel, kind in files:
        assert schema_errors(root / rel, kind) == [], rel
        written = json.loads((root / "schemas" / SCHEMA_FILES[kind]).read_text(encoding="utf-8"))
        assert written == build_schema(kind)
