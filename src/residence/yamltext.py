"""YAML as text: the one YAML writer, and the insertion that keeps every byte of a file.

Two styles, for two readers:

- *People's files* (``residence add``, ``residence new``): ``emit_text``/``emit_lines`` write
  values as a team would type them (short lists of ids on one line, long texts as literal
  blocks, a list's items indented under its key), quoting a scalar only when a reader could
  mistake it, with ``scalar``, the one quoting rule. ``insert_item`` adds one item at the end
  of a list of an existing file as text, so that comments, blank lines, key order and quotes
  stay exactly as the team wrote them; the result is read back to prove it holds the old
  values plus the new item.
- *Machine-written copies* (the sources of an archive): ``dump_yaml`` lets PyYAML's emitter
  choose, with multi-line text as literal blocks. Its bytes are those of every archive
  written so far, so that the same residency still gives the same archive.

Every scalar is read back as text by our loader (``plain`` says how), which is why dates and
numbers are written bare and everything that could pass for something else is quoted.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import textwrap
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from residence.errors import Problem, ResidenceError
from residence.i18n import messages
from residence.load import NON_PRINTABLE, YamlProblem, parse_yaml

#: Its refusals are those of `residence add` and `residence set`.
_ = messages("add")

#: Comments are wrapped to this width, as in the files `residence new` writes.
COMMENT_WIDTH = 92

#: Plain scalars that YAML 1.1 or 1.2 readers take for null, a boolean, a number or a date.
_SPECIAL = re.compile(
    r"^(?:~|null|true|false|yes|no|on|off|y|n|[-+]?\.(?:inf|nan)|[-+]?[0-9][0-9_:.,eExXoObB+-]*"
    r"|0x[0-9a-f]+|\d{4}-\d\d?-\d\d?.*|<<|=)$",
    re.IGNORECASE,
)


# -- scalars -----------------------------------------------------------------------------


def _plain_ok(text: str, flow: bool = False) -> bool:
    """Tell whether a text can be written without quotes and still read back as itself."""
    if not text or text != text.strip() or _SPECIAL.match(text):
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`" or text.endswith(":"):
        return False
    if ": " in text or " #" in text or "\t" in text or "\n" in text or "\r" in text:
        return False
    if flow and any(c in text for c in ",[]{}"):
        return False
    return not NON_PRINTABLE.search(text) and "\x85" not in text and "\u2028" not in text


def double_quoted(value: object) -> str:
    """Return text as a double-quoted YAML scalar (a JSON string, YAML's line breaks escaped).

    The result is a valid TOML basic string too, for the text of a one-line value.
    """
    out = json.dumps(str(value), ensure_ascii=False)
    return (
        out.replace("\x85", "\\N")
        .replace("\u2028", "\\L")
        .replace("\u2029", "\\P")
        .replace("\ufeff", "\\ufeff")
    )


def scalar(value: Any, style: str | None = None, flow: bool = False) -> str:
    """Return one value as a YAML scalar: bare when no reader can mistake it, else quoted.

    ``style`` follows the items already in a file: ``'`` (single quotes, when the text
    allows them) or ``"`` (always double quotes). ``flow``: the scalar is inside ``[…]``.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if style == "'" and "\n" not in text and not NON_PRINTABLE.search(text):
        return "'" + text.replace("'", "''") + "'"
    if style != '"' and _plain_ok(text, flow):
        return text
    return double_quoted(text)


def _literal(text: str, indent: str) -> list[str] | None:
    """Return the lines of a literal block (``|``) holding ``text``, or None if it cannot."""
    if NON_PRINTABLE.search(text.replace("\t", " ")) or "\r" in text or "\x85" in text:
        return None
    if "\u2028" in text or "\u2029" in text or "\ufeff" in text:
        return None
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    lines = body.split("\n")
    first = next((line for line in lines if line.strip()), "")
    indicator = "2" if first[:1] in {" ", "\t"} else ""
    head = "|" + indicator + chomp
    rows = [head] + [indent + line if line else "" for line in lines]
    rows += [""] * (trailing - 1) if chomp == "+" else []
    return rows


def comment(text: str, indent: int = 0, prefix: str | None = None) -> str:
    """Return text as YAML comment lines, wrapped to COMMENT_WIDTH.

    The caller writes what comes before the first line; ``prefix`` (default: ``indent``
    spaces) starts each following line, so that a comment inside a commented-out block
    (prefix "#   ") lines up too.
    """
    lead = " " * indent if prefix is None else prefix
    lines = textwrap.wrap(
        text,
        max(COMMENT_WIDTH - len(lead) - 2, 30),
        break_long_words=False,
        break_on_hyphens=False,
    )
    return ("\n" + lead).join(f"# {line}" for line in lines or [""])


# -- mappings and lists, as people write them ----------------------------------------------


def emit_lines(
    data: Mapping[str, Any],
    hints: Mapping[str, str] | None = None,
    literal: Collection[str] = (),
) -> list[str]:
    """Return a mapping as block-style YAML lines (indentation relative to the mapping).

    Text under a key of ``literal`` (Markdown fields), and any text of several lines, is a
    literal block. ``hints`` maps keys to the style of the items above: ``'``, ``"``,
    ``flow`` or ``block`` (see ``insert_item``).
    """
    hints = hints or {}
    lines: list[str] = []
    for key, value in data.items():
        hint = hints.get(key)
        if isinstance(value, str) and (key in literal or "\n" in value.rstrip("\n")):
            rows = _literal(value, "  ") if value else None
            if rows is not None:
                lines.append(f"{key}: {rows[0]}")
                lines.extend(rows[1:])
                continue
        if isinstance(value, Mapping):
            lines.append(f"{key}:")
            lines.extend("  " + s if s else "" for s in emit_lines(value, literal=literal))
        elif isinstance(value, list):
            lines.extend(_emit_list(key, value, hint, literal))
        else:
            lines.append(f"{key}: {scalar(value, hint)}")
    return lines


def _emit_list(
    key: str, values: list[Any], hint: str | None, literal: Collection[str]
) -> list[str]:
    """Return a list on one line when short and simple (``[a, b]``), else one item a line."""
    if not values:
        return [f"{key}: []"]
    simple = all(isinstance(v, (str, int, bool, dt.date)) and "\n" not in str(v) for v in values)
    if simple and hint != "block":
        flow = f"{key}: [" + ", ".join(scalar(v, flow=True) for v in values) + "]"
        if len(flow) <= 80 or hint == "flow":
            return [flow]
    lines = [f"{key}:"]
    for value in values:
        if isinstance(value, Mapping):
            sub = emit_lines(value, literal=literal)
            lines.append("  - " + sub[0])
            lines.extend("    " + s if s else "" for s in sub[1:])
        elif isinstance(value, str) and "\n" in value.rstrip("\n"):
            rows = _literal(value, "    ")
            if rows is None:
                lines.append("  - " + double_quoted(value))
            else:
                lines.append("  - " + rows[0])
                lines.extend(rows[1:])
        else:
            lines.append("  - " + scalar(value))
    return lines


def emit_flow(value: Any) -> str:
    """Return a value as one line of flow YAML: {key: "text", list: [a, b]}."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {emit_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(emit_flow(v) for v in value) + "]"
    if isinstance(value, str):
        return double_quoted(value)
    return scalar(value)


def emit_text(
    data: Mapping[str, Any],
    hints: Mapping[str, str] | None = None,
    literal: Collection[str] = (),
) -> str:
    """Return a mapping as a YAML document that reads back as the same values."""
    text = "\n".join(emit_lines(data, hints, literal)) + "\n" if data else "{}\n"
    if _reads_as(text, data):
        return text
    # Something did not survive the trip (an odd character, say): quote everything.
    fallback = "".join(f"{k}: {emit_flow(v)}\n" for k, v in data.items())
    if not _reads_as(fallback, data):
        raise RuntimeError(f"cannot write {dict(data)!r} as YAML")  # our bug
    return fallback


def plain(value: Any) -> Any:
    """Return a value as our loader reads it back from YAML: every scalar as text."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return None
    return str(value)


def _reads_as(text: str, data: Mapping[str, Any]) -> bool:
    try:
        _root, value = parse_yaml(text)
    except YamlProblem:
        return False
    return bool(value == plain(data) or (not data and value == {}))


# -- inserting into a list of an existing file -------------------------------------------


@dataclass(frozen=True)
class Insertion:
    """A file's new text: ``before + added + after`` where the old text was before+after."""

    text: str
    start: int  # character offset of the added text
    added: str
    first_line: int  # 1-based lines of the added text (blank lines included)
    last_line: int


def _last_scalar(node: Any) -> Any:
    """Return the node that ends last inside ``node`` (its deepest last child)."""
    while node.id in {"mapping", "sequence"} and node.value and not node.flow_style:
        node = node.value[-1][1] if node.id == "mapping" else node.value[-1]
    return node


def _line_end(text: str, index: int) -> int:
    """Return the offset just after the line break of the line holding ``index``."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _after_last_item(text: str, last: Any) -> tuple[int, int, int] | None:
    """Return, for the last item of a block list, where a new item goes (after its last
    line), where its line starts and where its dash is; None if no dash is found."""
    end = _last_scalar(last).end_mark.index
    while end > 0 and text[end - 1] in " \t\r\n":
        end -= 1
    start = _line_end(text, max(end - 1, 0))
    line_start = text.rfind("\n", 0, last.start_mark.index) + 1
    dash = text.rfind("-", line_start, last.start_mark.index)
    return None if dash < 0 else (start, line_start, dash)


def _style_hints(item: Any) -> dict[str, str]:
    """Return {key: '"' | "'" | 'flow' | 'block'} as written in an existing item's node."""
    hints: dict[str, str] = {}
    if getattr(item, "id", None) != "mapping":
        return hints
    for key, value in item.value:
        if value.id == "scalar" and value.style in {'"', "'"}:
            hints[key.value] = value.style
        elif value.id == "sequence":
            hints[key.value] = "flow" if value.flow_style else "block"
    return hints


def _refusal(
    rel: str, line: int | None, column: int | None, code: str, text: str
) -> ResidenceError:
    return ResidenceError([Problem(rel, line, column, "error", code, text)])


def insert_item(
    text: str, key: str, item: Mapping[str, Any], rel: str, literal: Collection[str] = ()
) -> Insertion:
    """Return ``text`` with ``item`` added at the end of the top-level list ``key``.

    Nothing of ``text`` is changed: the item is inserted after the last line of the list
    (block style), before its closing bracket (flow style), after an empty ``key:``, or as a
    new ``key:`` at the end of the file; its keys follow the quoting and list style of the
    item above. The result is read back with our loader to make sure it holds the old values
    plus the new item; if not, nothing is returned but a ResidenceError (the file's layout
    is too unusual to touch safely). ``literal``: see ``emit_lines``.
    """
    nl = "\r\n" if "\r\n" in text else "\n"
    try:
        root, old = parse_yaml(text)
    except YamlProblem as exc:
        message = _("{problem}: fix it first, nothing was changed", problem=exc.message)
        raise _refusal(rel, exc.line, exc.column, "yaml", message) from None
    if root is not None and root.id != "mapping":
        message = _(
            "this file should hold '{key}:' and its list at the top level: fix it first, "
            "nothing was changed",
            key=key,
        )
        raise _refusal(rel, 1, 1, "wrong-shape", message)
    value_node: Any = None
    key_node: Any = None
    if root is not None:
        for k, v in root.value:
            if k.value == key:
                key_node, value_node = k, v
    hints = (
        _style_hints(value_node.value[-1])
        if (value_node is not None and value_node.id == "sequence" and value_node.value)
        else {}
    )
    lines = emit_lines(item, hints, literal)

    def block(dash: int, content: int) -> str:
        first = " " * dash + "-" + " " * max(content - dash - 1, 1) + lines[0]
        rest = [(" " * content + s) if s else "" for s in lines[1:]]
        return nl.join([first, *rest]) + nl

    if root is not None and root.flow_style:
        raise _unusual(rel, key, item, literal)
    if value_node is None:
        column = root.value[0][0].start_mark.column if root is not None and root.value else 0
        start = len(text)
        prefix = "" if not text or text.endswith("\n") else nl
        added = prefix + " " * column + f"{key}:" + nl + block(column + 2, column + 4)
    elif (
        value_node.id == "scalar"
        and not value_node.style
        and value_node.value in {"", "~", "null", "Null", "NULL"}
    ):
        if value_node.value:  # "key: null" or "key: ~": the word makes way for the list
            if text[value_node.start_mark.index : value_node.end_mark.index] != value_node.value:
                raise _unusual(rel, key, item, literal)
            text = text[: value_node.start_mark.index] + text[value_node.end_mark.index :]
        start = _line_end(text, key_node.start_mark.index)
        column = key_node.start_mark.column
        prefix = "" if text[:start].endswith("\n") else nl
        added = prefix + block(column + 2, column + 4)
    elif value_node.id == "sequence" and value_node.flow_style:
        close = value_node.end_mark.index - 1
        if text[close : close + 1] != "]":
            raise _unusual(rel, key, item, literal)
        if value_node.value:
            start = value_node.value[-1].end_mark.index
            added = ", " + emit_flow(item)
        else:
            start = close
            added = emit_flow(item)
    elif value_node.id == "sequence":
        last = value_node.value[-1]
        found = _after_last_item(text, last)
        if found is None:
            raise _unusual(rel, key, item, literal)
        start, line_start, dash = found
        prefix = "" if text[:start].endswith("\n") else nl
        added = prefix + block(dash - line_start, last.start_mark.column)
    else:
        mark = value_node.start_mark
        message = _(
            "'{key}' should be a list (one item per line, each starting with '- '): fix it "
            "first, nothing was changed",
            key=key,
        )
        raise _refusal(rel, mark.line + 1, mark.column + 1, "wrong-shape", message)
    new_text = text[:start] + added + text[start:]
    if not _same_plus_one(old, new_text, key, item):
        raise _unusual(rel, key, item, literal)
    first_line = text.count("\n", 0, start) + 1
    return Insertion(new_text, start, added, first_line, first_line + added.count("\n"))


def _unusual(
    rel: str, key: str, item: Mapping[str, Any], literal: Collection[str]
) -> ResidenceError:
    sample = textwrap.indent("\n".join(emit_lines(item, literal=literal)), "    ")
    message = _(
        "the layout of this file is too unusual to add to '{key}' without touching what is "
        "already written, so nothing was changed. Add it by hand at the end of '{key}':\n"
        "  - {item}",
        key=key,
        item=sample.lstrip(),
    )
    return _refusal(rel, None, None, "unusual-layout", message)


def _same_plus_one(old: Any, new_text: str, key: str, item: Mapping[str, Any]) -> bool:
    """Tell whether the new text reads as the old values plus ``item`` at the end of ``key``."""
    try:
        _root, new = parse_yaml(new_text)
    except YamlProblem:
        return False
    expected = copy.deepcopy(old) if isinstance(old, dict) else {}
    expected[key] = [*(expected.get(key) or []), plain(item)]
    return bool(new == expected)


# -- one key of an existing file ------------------------------------------------------------


def _top_level(text: str, key: str, rel: str) -> tuple[Any, Any, Any, Any]:
    """Return (root node, old values, key node, value node) of a top-level key (None, None
    for a key the file does not have); refuse a file that cannot hold one."""
    try:
        root, old = parse_yaml(text)
    except YamlProblem as exc:
        message = _("{problem}: fix it first, nothing was changed", problem=exc.message)
        raise _refusal(rel, exc.line, exc.column, "yaml", message) from None
    if root is not None and (root.id != "mapping" or root.flow_style):
        message = _(
            "this file should hold its keys at the top level: fix it first, nothing was changed"
        )
        raise _refusal(rel, 1, 1, "wrong-shape", message)
    for k, v in root.value if root is not None else []:
        if k.value == key:
            return root, old, k, v
    return root, old, None, None


def _is_null(node: Any) -> bool:
    """Tell whether a value node is empty (``key:``), ``~`` or ``null``, written bare."""
    return bool(
        node.id == "scalar" and not node.style and node.value in {"", "~", "null", "Null", "NULL"}
    )


def _reads_with(old: Any, new_text: str, key: str, value: Any) -> bool:
    """Tell whether the new text reads as the old values with ``key`` set to ``value``."""
    try:
        _root, new = parse_yaml(new_text)
    except YamlProblem:
        return False
    expected = copy.deepcopy(old) if isinstance(old, dict) else {}
    expected[key] = plain(value)
    return bool(new == expected)


def _unusual_key(rel: str, key: str, value: Any, literal: Collection[str]) -> ResidenceError:
    sample = textwrap.indent("\n".join(emit_lines({key: value}, literal=literal)), "  ")
    message = _(
        "the layout of this file is too unusual to change '{key}' without touching what is "
        "already written, so nothing was changed. Write it by hand:\n{lines}",
        key=key,
        lines=sample,
    )
    return _refusal(rel, None, None, "unusual-layout", message)


def _insertion(text: str, start: int, added: str, end: int | None = None) -> Insertion:
    """Return the Insertion of ``added`` in place of ``text[start:end]`` (nothing: end=start)."""
    end = start if end is None else end
    new_text = text[:start] + added + text[end:]
    first_line = text.count("\n", 0, start) + 1
    return Insertion(new_text, start, added, first_line, first_line + added.count("\n"))


def set_scalar(text: str, key: str, value: Any, rel: str) -> Insertion:
    """Return ``text`` with the top-level ``key`` set to the scalar ``value``.

    Only the bytes of the old value change (its quotes are kept when it had some: a
    comment after it stays); a key the file lacks is added at its end. The result is read
    back to make sure only that value changed; if not, a ResidenceError and nothing else.
    """
    nl = "\r\n" if "\r\n" in text else "\n"
    root, old, key_node, node = _top_level(text, key, rel)
    if key_node is None:
        column = root.value[0][0].start_mark.column if root is not None and root.value else 0
        prefix = "" if not text or text.endswith("\n") else nl
        added = prefix + " " * column + f"{key}: {scalar(value)}" + nl
        result = _insertion(text, len(text), added)
    elif node.id != "scalar" or node.style in {"|", ">"}:
        mark = node.start_mark
        message = _(
            "'{key}' should be one value on its line: fix it first, nothing was changed", key=key
        )
        raise _refusal(rel, mark.line + 1, mark.column + 1, "wrong-shape", message)
    elif _is_null(node) and not node.value:  # "key:" with nothing after it
        start = key_node.end_mark.index
        colon = text.find(":", start)
        if colon < 0:
            raise _unusual_key(rel, key, value, ())
        result = _insertion(text, colon + 1, f" {scalar(value)}")
    else:
        style = node.style if node.style in {'"', "'"} else None
        result = _insertion(text, node.start_mark.index, scalar(value, style), node.end_mark.index)
    if not _reads_with(old, result.text, key, value):
        raise _unusual_key(rel, key, value, ())
    return result


def insert_key(
    text: str, key: str, value: Mapping[str, Any], rel: str, literal: Collection[str] = ()
) -> Insertion:
    """Return ``text`` with the top-level ``key`` holding the mapping ``value``.

    The key is added at the end of the file, or under an empty ``key:`` (or ``key: null``);
    nothing else of the file changes. A key that already holds something is refused (the
    caller says what to do), as is a result that does not read back as expected.
    """
    nl = "\r\n" if "\r\n" in text else "\n"
    root, old, key_node, node = _top_level(text, key, rel)
    lines = emit_lines(value, literal=literal)
    if key_node is None:
        column = root.value[0][0].start_mark.column if root is not None and root.value else 0
        body = nl.join((" " * (column + 2) + s) if s else "" for s in lines) + nl
        prefix = "" if not text or text.endswith("\n") else nl
        result = _insertion(text, len(text), prefix + " " * column + f"{key}:" + nl + body)
    elif _is_null(node):
        column = key_node.start_mark.column
        body = nl.join((" " * (column + 2) + s) if s else "" for s in lines) + nl
        if node.value:  # "key: null": the word makes way for the mapping
            if text[node.start_mark.index : node.end_mark.index] != node.value:
                raise _unusual_key(rel, key, value, literal)
            text = text[: node.start_mark.index] + text[node.end_mark.index :]
        start = _line_end(text, key_node.start_mark.index)
        prefix = "" if text[:start].endswith("\n") else nl
        result = _insertion(text, start, prefix + body)
    else:
        mark = key_node.start_mark
        message = _("'{key}' is already there: nothing was changed", key=key)
        raise _refusal(rel, mark.line + 1, mark.column + 1, "duplicate-key", message)
    if not _reads_with(old, result.text, key, value):
        raise _unusual_key(rel, key, value, literal)
    return result


# -- machine-written copies ----------------------------------------------------------------

_BaseDumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc]
    """A safe dumper that writes multi-line text as literal blocks, as people write it."""


def _represent_str(dumper: Any, value: str) -> Any:
    if "\n" in value.rstrip("\n") or value.endswith("\n"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(value: Any) -> str:
    """Return ``value`` (plain dicts, lists and text) as block-style UTF-8 YAML, PyYAML's way.

    Keys keep their order, lines are never folded, multi-line text is a literal block, and
    PyYAML chooses the quotes (single quotes where people's files get double ones).
    """
    text: str = yaml.dump(
        value,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100_000,
        indent=2,
    )
    return text
