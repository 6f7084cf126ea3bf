"""Read a residency folder: files -> YAML nodes (with lines) -> models, and problems.

Every YAML file is parsed by libyaml (``CSafeLoader`` when PyYAML has it) into a node
tree, and turned into plain Python values by our own constructor, which keeps every scalar
as text. Types are then decided by the pydantic models alone. This sidesteps the YAML 1.1
traps of user files: an unquoted ``10:30`` stays "10:30" (not the sexagesimal 630), ``no``
and ``on`` stay words, ``2015-02-30`` reaches pydantic as text and is reported at its line
instead of crashing the parser. Nothing here prints: problems are returned as values.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from residence.controlchars import unseen_in_name, unseen_in_tree
from residence.errors import Problem, sort_problems
from residence.gcpause import no_cycle_collection
from residence.i18n import current_language, messages
from residence.layout import (
    CONSENT_SCOPES,
    FOLDERS,
    KINDS,
    YAML_SUFFIXES,
    first_existing,
    is_ignored,
)
from residence.models import (
    ActorsFile,
    Consent,
    ConsentFile,
    ConsentScopes,
    Model,
    Residence,
    Residency,
)
from residence.models.residency import journal_order, set_source
from residence.validation import problems_from_validation

_ = messages("problems")
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 100
#: What PyYAML refuses to read, even escaped in a quoted string (its Reader's rule).
NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Loader(_BaseLoader):  # type: ignore[misc]
    """A safe libyaml loader with no implicit typing: we only need the node tree."""

    yaml_implicit_resolvers: typing.ClassVar[dict[Any, Any]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        """Give every node its plain tag: the node tree is read for its shape, never its tags.

        (The default resolver runs for every node and is a large part of the loading time.)
        """
        return _TAGS[kind]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """Do nothing: there are no path resolvers to follow (saves a call per node)."""

    def ascend_resolver(self) -> None:
        """Do nothing: there are no path resolvers to follow (saves a call per node)."""


class YamlProblem(Exception):
    """A file could not be read as YAML; carries the position and a plain message."""

    def __init__(self, message: str, line: int | None = 1, column: int | None = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def parse_yaml(data: bytes | str) -> tuple[Any, Any]:
    """Parse one YAML document; return (root node, plain value). Raise YamlProblem."""
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise YamlProblem(_too_large(len(data)), None, None)
        text = _decode(data)
    else:
        text = data
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise YamlProblem(_("this file contains a NUL character: is it really a text file?"), line)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _yaml_problem(exc, text) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_problem(exc, text) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(_("this is not valid YAML: {details}", details=exc)) from None
    finally:
        loader.dispose()
    if node is None:
        return None, None
    return node, _Constructor().construct(node)


def _too_large(size: int) -> str:
    from babel.numbers import format_decimal

    megabytes = format_decimal(round(size / 1024 / 1024, 1), "0.0", locale=current_language())
    return _(
        "this file is too large ({size} MB): a residency file should stay under {limit} MB "
        "(put photos and documents in media/)",
        size=megabytes,
        limit=MAX_FILE_BYTES // 1024 // 1024,
    )


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(
            _(
                "this file is not UTF-8 text (byte 0x{byte}): save it as UTF-8 in your editor",
                byte=f"{data[exc.start]:02x}",
            ),
            line,
            column,
        ) from None


#: libyaml's problem (start of it) -> what to say instead, in plain words (the first found).
_YAML_HINTS: tuple[tuple[str, Callable[[], str]], ...] = (
    (
        "found character '\\t' that cannot start any token",
        lambda: _("this is not valid YAML: a tab is used for indentation: indent with spaces only"),
    ),
    (
        "found a tab character",
        lambda: _("this is not valid YAML: a tab is used for indentation: indent with spaces only"),
    ),
    (
        "mapping values are not allowed",
        lambda: _(
            "this is not valid YAML: a ':' followed by a space is in the wrong place: put text "
            "that contains ': ' between quotes, or check the indentation"
        ),
    ),
    (
        "found undefined alias",
        lambda: _(
            "this is not valid YAML: '*' starts an alias, but no anchor '&' of that name "
            "exists: put the text between quotes if the '*' belongs to it"
        ),
    ),
    (
        "could not find expected ':'",
        lambda: _(
            "this is not valid YAML: a line is missing its ':' after the field name (or a text "
            "runs over several lines: put it between quotes or use '|')"
        ),
    ),
    (
        "found unexpected end of stream",
        lambda: _("this is not valid YAML: a quotation mark is opened but never closed"),
    ),
    (
        "found unknown escape character",
        lambda: _(
            "this is not valid YAML: a backslash '\\' in a text between double quotes starts "
            "an escape: use single quotes, or write '\\\\'"
        ),
    ),
    (
        "but found another document",
        lambda: _(
            "this is not valid YAML: this file holds more than one document (a '---' line): "
            "keep one document per file"
        ),
    ),
    (
        "did not find expected key",
        lambda: _(
            "this is not valid YAML: the indentation is not regular here: the fields of one "
            "item must start in the same column"
        ),
    ),
    (
        "did not find expected '-' indicator",
        lambda: _(
            "this is not valid YAML: the indentation is not regular here: the items of a list "
            "must start in the same column"
        ),
    ),
    (
        "expected <block end>",
        lambda: _(
            "this is not valid YAML: the indentation is not regular here: the fields of one "
            "item must start in the same column"
        ),
    ),
    (
        "found character that cannot start any token",
        lambda: _(
            "this is not valid YAML: this character cannot start a value: put the value "
            "between quotes"
        ),
    ),
    (
        "found unexpected ':'",
        lambda: _(
            "this is not valid YAML: a ':' is in the wrong place: put the value between quotes"
        ),
    ),
    (
        "exceeded maximum nesting depth",
        lambda: _("this is not valid YAML: this file is nested too deeply"),
    ),
)


def _unclosed(context: str, line: int) -> str | None:
    """Return the message of a bracket never closed (libyaml reports where it gave up; the
    bracket is where to look), or None if ``context`` is not one."""
    if context == "while parsing a flow sequence":
        return _(
            "this is not valid YAML: the list opened with '[' on line {line} is not closed: "
            "add the missing ']' (or a missing comma between items)",
            line=line,
        )
    if context == "while parsing a flow mapping":
        return _(
            "this is not valid YAML: the set of fields opened with '{{' on line {line} is not "
            "closed: add the missing '}}' (or a missing comma)",
            line=line,
        )
    return None


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if mark is not None and problem.startswith("found character that cannot start any token"):
        if _char_at(text, mark.line, mark.column) == "\t":
            problem = "found a tab character"
    at = exc.context_mark
    if at is not None and "expected ','" in problem:
        unclosed = _unclosed(context, at.line + 1)
        if unclosed:
            return YamlProblem(unclosed, at.line + 1, at.column + 1)
    hint = next((h for key, h in _YAML_HINTS if key in problem), None)
    message = hint() if hint else None
    if mark is not None and problem.startswith("found undefined alias"):
        found = re.match(r"\*([^\s,\[\]{}]+)", _line_at(text, mark.line)[mark.column :])
        if found:
            message = _(
                "this is not valid YAML: '*{name}' refers to an anchor '&{name}' that does not "
                "exist: put the text between quotes if the '*' belongs to it",
                name=found.group(1),
            )
    if message is None:
        details = ", ".join(p for p in (context, problem) if p)
        message = _("this is not valid YAML: {details}", details=details)
    if mark is None:
        return YamlProblem(message)
    return YamlProblem(message, mark.line + 1, mark.column + 1)


def _line_at(text: str, line: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line] if line < len(lines) else ""


def _char_at(text: str, line: int, column: int) -> str:
    return _line_at(text, line)[column : column + 1]


def _reader_problem(exc: yaml.reader.ReaderError, text: str) -> YamlProblem:
    """Say where a character YAML refuses (a control character, say) is."""
    position = exc.position if isinstance(exc.position, int) else 0
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return YamlProblem(
        _(
            "this file contains an invisible control character (U+{code}) that YAML does not "
            "allow: delete it (it often comes from a copy and paste)",
            code=f"{char:04X}",
        ),
        line,
        column,
    )


class _Constructor:
    """Turn a node tree into plain values: dicts, lists, text and None; check keys."""

    def __init__(self) -> None:
        # Values built a second time, through an alias (*name). A file holds few; an alias
        # bomb ("billion laughs") holds billions, so stop early, before memory runs out.
        self.budget = 20_000
        self.built: set[int] = set()
        self.stack: set[int] = set()
        self.repeating: Any = None  # the outermost value being built again, to point at

    def construct(self, node: Any, depth: int = 0) -> Any:
        if id(node) not in self.built:
            self.built.add(id(node))
            return self._build(node, depth)
        self.budget -= 1
        if self.budget < 0:
            raise YamlProblem(
                _(
                    "this file expands to too many values (aliases *name repeated many "
                    "times): write the values out instead"
                ),
                *_pos(self.repeating or node),
            )
        if self.repeating is not None:
            return self._build(node, depth)
        self.repeating = node
        try:
            return self._build(node, depth)
        finally:
            self.repeating = None

    def _build(self, node: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise YamlProblem(_("this file is nested too deeply"), *_pos(node))
        kind = node.id
        if kind == "scalar":
            # A plain scalar has style None in PyYAML and '' in libyaml.
            if not node.style and node.value in _NULLS:
                return None
            return node.value
        if id(node) in self.stack:
            raise YamlProblem(
                _(
                    "an alias (*name) is used inside the very value its anchor (&name) names, "
                    "which never ends: write the value out instead"
                ),
                *_pos(node),
            )
        self.stack.add(id(node))
        try:
            if kind == "sequence":
                return [
                    (None if not child.style and child.value in _NULLS else child.value)
                    if child.id == "scalar"  # inlined: most values are text, and many
                    else self.construct(child, depth + 1)
                    for child in node.value
                ]
            return self._mapping(node, depth)
        finally:
            self.stack.discard(id(node))

    def _mapping(self, node: Any, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        seen: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.id != "scalar":
                raise YamlProblem(
                    _("a key must be a plain word, not a list or a mapping"), *_pos(key_node)
                )
            key = key_node.value
            if key == "<<" and not key_node.style:
                value = self.construct(value_node, depth + 1)
                for part in value if isinstance(value, list) else [value]:
                    if isinstance(part, dict):
                        for k, v in part.items():
                            merged.setdefault(k, v)
                continue
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise YamlProblem(
                    _(
                        "duplicate key '{key}' (already given on line {first}): keep only one",
                        key=key,
                        first=first,
                    ),
                    *_pos(key_node),
                )
            seen[key] = key_node
            if value_node.id == "scalar":  # inlined, as in _build
                value = value_node.value
                result[key] = None if not value_node.style and value in _NULLS else value
            else:
                result[key] = self.construct(value_node, depth + 1)
        for k, v in merged.items():
            result.setdefault(k, v)
        return result


def _pos(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


# -- the folder --------------------------------------------------------------------------


def load_file(root: Path, rel: str, model: type[Model]) -> tuple[Model | None, Any, list[Problem]]:
    """Read and validate one file; return (model or None, root node, problems)."""
    with no_cycle_collection():
        return _load_file(root, rel, model)


def _load_file(root: Path, rel: str, model: type[Model]) -> tuple[Model | None, Any, list[Problem]]:
    path = os.path.join(root, rel)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            message = _("this is not a regular file: a residency file must be a text file")
            return None, None, [Problem(rel, None, None, "error", "unreadable", message)]
        if info.st_size > MAX_FILE_BYTES:
            raise YamlProblem(_too_large(info.st_size), None, None)
        with open(path, "rb") as handle:
            data = handle.read()
    except YamlProblem as exc:
        return None, None, [Problem(rel, exc.line, exc.column, "error", "too-large", exc.message)]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        message = _("cannot read: {reason}", reason=reason)
        problem = Problem(rel, None, None, "error", "unreadable", message)
        return None, None, [problem]
    try:
        text = _decode(data)
        node, value = parse_yaml(text)
    except YamlProblem as exc:
        return None, None, [Problem(rel, exc.line, exc.column, "error", "yaml", exc.message)]
    unseen = unseen_in_tree(rel, text, node)
    if node is None:
        if all(not f.is_required() for f in model.model_fields.values()):
            item = model.model_validate({})
            set_source(item, rel)
            return item, None, []
        return None, None, [Problem(rel, 1, 1, "error", "empty-file", _empty_message(model))]
    try:
        item = model.model_validate(value)
    except ValidationError as exc:
        return None, node, [*problems_from_validation(rel, node, model, exc), *unseen]
    set_source(item, rel)
    return item, node, unseen


def _empty_message(model: type[Model]) -> str:
    required = [f.alias or name for name, f in model.model_fields.items() if f.is_required()]
    if len(required) > 1:
        return _(
            "this file is empty (or holds only comments): it needs at least the fields "
            "{fields} and {last}",
            fields=", ".join(required[:-1]),
            last=required[-1],
        )
    return _(
        "this file is empty (or holds only comments): it needs at least the fields {fields}",
        fields=required[0],
    )


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):  # RuntimeError: a link loop (Python < 3.13)
        return False
    return True


def _loops(path: str | Path) -> bool:
    """Tell whether a path is (or goes through) a link that never reaches a file."""
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _loop(rel: str) -> Problem:
    """The problem of a link that loops back to itself, or to a folder that holds it."""
    message = _(
        "this is a link that loops back (to itself, or to a folder that holds it): remove it"
    )
    return Problem(rel, None, None, "error", "link-loop", message)


def _holds_itself(dirpath: str, name: str) -> bool:
    """Tell whether a folder ``name`` of ``dirpath`` is a link to a folder that holds it."""
    full = os.path.join(dirpath, name)
    if not os.path.islink(full):
        return False
    target, here = os.path.realpath(full), os.path.realpath(dirpath)
    return here == target or here.startswith(target.rstrip(os.sep) + os.sep)


def _outside_file(rel: str) -> Problem:
    """The problem of a file that is a link to a place outside the residency folder."""
    return Problem(
        rel,
        None,
        None,
        "error",
        "outside",
        _("this file is a link to a place outside the residency folder"),
    )


def _files_in(root: Path, folder: str, problems: list[Problem]) -> list[str]:
    """Return the relative paths of the YAML files of one folder, sorted."""
    base = root / folder
    if not base.is_dir():
        if _loops(base):
            problems.append(_loop(folder))
        return []
    if not _inside(root, base):
        problems.append(
            Problem(
                folder,
                None,
                None,
                "error",
                "outside",
                _("this folder is a link to a place outside the residency folder"),
            )
        )
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(base):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        dirnames[:] = sorted(d for d in dirnames if not is_ignored(d))
        for name in dirnames:  # links are not followed, but one that loops is a mistake
            if _holds_itself(dirpath, name):
                problems.append(_loop(f"{rel_dir}/{name}"))
        for name in sorted(filenames):
            if is_ignored(name):
                continue
            rel = f"{rel_dir}/{name}"
            full = os.path.join(dirpath, name)
            link = os.path.islink(full)
            if link and _loops(full):
                problems.append(_loop(rel))
                continue
            if not name.endswith(YAML_SUFFIXES):
                if not name.lower().startswith(("readme", "licen")):
                    problems.append(
                        Problem(
                            rel,
                            None,
                            None,
                            "warning",
                            "ignored-file",
                            _("ignored: only .yaml files are read in {folder}/", folder=folder),
                        )
                    )
                continue
            if link and not _inside(root, Path(full)):
                problems.append(_outside_file(rel))
                continue
            problems.extend(unseen_in_name(rel))
            found.append(rel)
    return found


def _looping_files(root: Path) -> list[str]:
    """Return the single files (residence.yaml, actors.yaml, private/consent.yaml…), or their
    folder, that are links looping back: the loader would take them for absent."""
    found = set()
    for stem in [kind.stem for kind in KINDS.values() if kind.stem]:
        folder = stem.rpartition("/")[0]
        if folder and _loops(root / folder):
            found.add(folder)
            continue
        found.update(f"{stem}{s}" for s in YAML_SUFFIXES if _loops(root / f"{stem}{s}"))
    if _loops(root / CONSENT_SCOPES):
        found.add(CONSENT_SCOPES)
    return sorted(found)


def load_residency(folder: Path | str) -> tuple[Residency, list[Problem]]:
    """Load a residency folder; return the residency and the problems met.

    Files that fail are left out of the residency and reported; the rest is still loaded,
    so that one mistake does not hide the others.
    """
    with no_cycle_collection():
        return _load_residency(Path(folder))


def _load_residency(root: Path) -> tuple[Residency, list[Problem]]:
    residency = Residency(root=root)
    problems: list[Problem] = []

    def read(rel: str, model: type[Model], *, listed: bool = False) -> Any:
        # Files listed by _files_in were checked there; a top-level file may be a link, or
        # sit in a folder (private/) that is one.
        full = root / rel
        if not listed and not _inside(root, full):
            problems.append(_outside_file(rel))
            residency.failed.append(rel)
            return None
        residency.files.append(rel)
        item, node, found = _load_file(root, rel, model)
        if node is not None:
            residency.nodes[rel] = node
        if item is None:
            residency.failed.append(rel)
        problems.extend(found)
        return item

    looping = _looping_files(root)
    problems.extend(_loop(rel) for rel in looping)
    main = first_existing(root, KINDS["residence"].stem or "")
    if main is not None:
        residency.residence = read(main, Residence)
    elif not any(rel.startswith("residence.") for rel in looping):  # else: said above
        problems.append(
            Problem(
                "residence.yaml",
                None,
                None,
                "error",
                "not-a-residency",
                _(
                    "no residence.yaml here: is this a residency folder? "
                    "Create one with 'residence new FOLDER --title …'"
                ),
            )
        )

    actors_file = first_existing(root, KINDS["actors"].stem or "")
    if actors_file is not None:
        actors = read(actors_file, ActorsFile)
        if actors is not None:
            residency.actors = actors.actors
            residency.relations = actors.relations
            for item in [*actors.actors, *actors.relations]:
                set_source(item, actors_file)

    consent_file = first_existing(root, KINDS["consent"].stem or "")
    if consent_file is not None:
        consents = read(consent_file, ConsentFile)
        if consents is not None:
            residency.consents = consents.consents
            for item in consents.consents:
                set_source(item, consent_file)
    elif (root / CONSENT_SCOPES).is_file():
        # The sources of a public edition (an archive's): one record per person met, as the
        # gate decided, so that the same edition is made again.
        scopes = read(CONSENT_SCOPES, ConsentScopes)
        if scopes is not None:
            for actor, scope in scopes.scopes.items():
                record = Consent(actor=actor, scope=scope, guardians=True)
                set_source(record, CONSENT_SCOPES)
                residency.consents.append(record)

    for folder_name, kind in FOLDERS.items():
        for rel in _files_in(root, folder_name, problems):
            item = read(rel, kind.model, listed=True)
            if item is not None:
                getattr(residency, kind.attr).append(item)

    # What a looping link hides may be what other files refer to: as for a file that fails.
    residency.failed.extend(p.path for p in problems if p.code == "link-loop")
    residency.entries.sort(key=journal_order)
    return residency, sort_problems(problems)
