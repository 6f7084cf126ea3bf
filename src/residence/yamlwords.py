# SPDX-License-Identifier: EUPL-1.2
"""A list of words (tags) somewhere in an existing file, changed as text (``residence tag``).

Like ``yamltext.insert_item``, the change keeps every other byte of the file: a flow list
stays a flow list, a block list gets or loses one line, a missing key is added; the result
is read back to prove it holds exactly the words asked for. What it cannot change safely
(aliases, a list that is not one, two documents) is refused, and the file left as it is.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from typing import Any

from residence.errors import ResidenceError
from residence.i18n import messages
from residence.load import YamlProblem, parse_yaml
from residence.yamltext import (
    _after_last_item,
    _is_null,
    _last_scalar,
    _line_end,
    _refusal,
    _unusual_key,
    plain,
    scalar,
)

_ = messages("add")


def change_list(
    text: str,
    path: Sequence[str | int],
    rel: str,
    *,
    add: Sequence[str] = (),
    remove: Collection[int] = (),
    before: Sequence[str] = (),
) -> str:
    """Return ``text`` with the list of words at ``path`` changed: the items at the 0-based
    indexes ``remove`` taken out, then ``add`` appended.

    ``path`` leads from the top-level mapping to the list's key: ``("tags",)``, or
    ``("quotes", 1, "tags")``. Only the bytes of what changes are touched: a flow list
    (``[a, b]``) stays one, a block list gets one line per new item under its last one and
    loses the lines of the items removed (emptied, it becomes ``[]``); an empty ``key:``
    (or ``~``, ``null``) takes a flow list; a missing key is written as ``key: [a, b]``
    just above the first key of ``before`` the mapping has (and the comments over it),
    else at the mapping's end. The result is read back to make sure that only this list
    changed; if not, a ResidenceError and nothing else (the layout is too unusual).
    """
    root, old = _parsed(text, rel)
    key = str(path[-1])
    expected = copy.deepcopy(old)
    parent: Any = expected
    for step in path[:-1]:
        if isinstance(parent, dict) and isinstance(step, str):
            parent = parent.get(step)
        elif isinstance(parent, list) and isinstance(step, int) and 0 <= step < len(parent):
            parent = parent[step]
        else:
            parent = None
    if not isinstance(parent, dict):
        raise _unusual_key(rel, key, list(add), ())
    items = parent.get(key) or []
    if not isinstance(items, list):
        raise _not_a_list(rel, key, _located(root, path)[2])
    kept = [v for i, v in enumerate(items) if i not in remove]
    if len(kept) == len(items) and not add:
        return text
    parent[key] = [*kept, *(plain(a) for a in add)]
    nl = "\r\n" if "\r\n" in text else "\n"
    current = text
    try:
        for index in sorted(set(remove) & set(range(len(items))), reverse=True):
            current = _drop(current, path, index, rel)
        if add:
            current = _append_words(current, path, list(add), before, nl, rel)
        _root, new = parse_yaml(current)
    except YamlProblem:
        raise _unusual_key(rel, key, parent[key], ()) from None
    if new != expected:
        raise _unusual_key(rel, key, parent[key], ())
    return current


def _parsed(text: str, rel: str) -> tuple[Any, Any]:
    """Return (root node, values) of a file about to be changed; refuse what cannot be read."""
    try:
        root, old = parse_yaml(text)
    except YamlProblem as exc:
        message = _("{problem}: fix it first, nothing was changed", problem=exc.message)
        raise _refusal(rel, exc.line, exc.column, "yaml", message) from None
    if root is None or root.id != "mapping":
        message = _(
            "this file should hold its keys at the top level: fix it first, nothing was changed"
        )
        raise _refusal(rel, 1, 1, "wrong-shape", message)
    return root, old


def _located(root: Any, path: Sequence[str | int]) -> tuple[Any, Any, Any]:
    """Return (mapping node, key node, value node) of the key ``path`` leads to (the key
    and value None when the mapping lacks it; all None when the path leads nowhere)."""
    node = root
    for step in path[:-1]:
        if isinstance(step, int):
            ok = node.id == "sequence" and 0 <= step < len(node.value)
            node = node.value[step] if ok else None
        elif node.id == "mapping":
            node = next((v for k, v in node.value if k.value == step), None)
        else:
            node = None
        if node is None:
            return None, None, None
    if node.id != "mapping":
        return None, None, None
    for k, v in node.value:
        if k.value == path[-1]:
            return node, k, v
    return node, None, None


def _not_a_list(rel: str, key: str, node: Any) -> ResidenceError:
    mark = node.start_mark if node is not None else None
    message = _(
        "'{key}' should be a list (one item per line, each starting with '- '): fix it "
        "first, nothing was changed",
        key=key,
    )
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    return _refusal(rel, line, column, "wrong-shape", message)


def _list_node(text: str, path: Sequence[str | int], rel: str) -> Any:
    """Return the sequence node at ``path`` in ``text``."""
    root, _old = _parsed(text, rel)
    _mapping, _key, node = _located(root, path)
    if node is None or node.id != "sequence":
        raise YamlProblem("not a list")  # the caller explains
    return node


def _drop(text: str, path: Sequence[str | int], index: int, rel: str) -> str:
    """Return ``text`` without the item ``index`` of the list at ``path``."""
    node = _list_node(text, path, rel)
    items = node.value
    item = items[index]
    if node.flow_style:
        if index > 0:  # ", b": from the end of the item before
            return text[: items[index - 1].end_mark.index] + text[item.end_mark.index :]
        end = items[1].start_mark.index if len(items) > 1 else item.end_mark.index
        return text[: item.start_mark.index] + text[end:]
    start = text.rfind("\n", 0, item.start_mark.index) + 1
    if text[start : item.start_mark.index].strip() != "-":
        raise YamlProblem("an item that does not start its line")
    end = item.end_mark.index
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    text = text[:start] + text[_line_end(text, max(end - 1, start)) :]
    if len(items) == 1:  # the last one: the key keeps an empty list
        root, _old = _parsed(text, rel)
        _mapping, key_node, _value = _located(root, path)
        colon = text.find(":", key_node.end_mark.index)
        if colon < 0:
            raise YamlProblem("no colon after the key")
        text = text[: colon + 1] + " []" + text[colon + 1 :]
    return text


def _append_words(
    text: str,
    path: Sequence[str | int],
    words: list[str],
    before: Sequence[str],
    nl: str,
    rel: str,
) -> str:
    """Return ``text`` with ``words`` at the end of the list at ``path`` (made if missing)."""
    root, _old = _parsed(text, rel)
    mapping, key_node, node = _located(root, path)
    key = str(path[-1])
    if mapping is None:
        raise YamlProblem("the path leads nowhere")
    if node is None:
        return _new_key(text, mapping, key, _flow_words(words), before, nl, root)
    if _is_null(node):
        if node.value:  # "key: null": the word makes way for the list
            if text[node.start_mark.index : node.end_mark.index] != node.value:
                raise YamlProblem("an unusual null")
            return text[: node.start_mark.index] + _flow_words(words) + text[node.end_mark.index :]
        colon = text.find(":", key_node.end_mark.index)
        if colon < 0:
            raise YamlProblem("no colon after the key")
        return text[: colon + 1] + " " + _flow_words(words) + text[colon + 1 :]
    if node.id != "sequence":
        raise _not_a_list(rel, key, node)
    last = node.value[-1] if node.value else None
    style = last.style if last is not None and last.id == "scalar" else None
    style = style if style in {'"', "'"} else None
    if node.flow_style:
        close = node.end_mark.index - 1
        if text[close : close + 1] != "]":
            raise YamlProblem("a flow list without its bracket")
        added = ", ".join(scalar(w, style, flow=True) for w in words)
        if last is None:
            return text[:close] + added + text[close:]
        at = last.end_mark.index
        return text[:at] + ", " + added + text[at:]
    assert last is not None  # a block list has an item
    found = _after_last_item(text, last)
    if found is None:
        raise YamlProblem("an item without its dash")
    start, line_start, dash = found
    gap = max(last.start_mark.index - dash - 1, 1)
    lead = " " * (dash - line_start) + "-" + " " * gap
    prefix = "" if text[:start].endswith("\n") else nl
    added = prefix + "".join(lead + scalar(w, style) + nl for w in words)
    return text[:start] + added + text[start:]


def _flow_words(words: Sequence[str]) -> str:
    return "[" + ", ".join(scalar(w, flow=True) for w in words) + "]"


def _new_key(
    text: str, mapping: Any, key: str, value: str, before: Sequence[str], nl: str, root: Any
) -> str:
    """Return ``text`` with ``key: value`` added to ``mapping`` (block or flow style)."""
    if mapping.flow_style:
        close = mapping.end_mark.index - 1
        if text[close : close + 1] != "}":
            raise YamlProblem("a flow mapping without its brace")
        if not mapping.value:
            return text[:close] + f"{key}: {value}" + text[close:]
        at = mapping.value[-1][1].end_mark.index
        return text[:at] + f", {key}: {value}" + text[at:]
    column = mapping.value[0][0].start_mark.column if mapping.value else 0
    line = " " * column + f"{key}: {value}" + nl
    follower = next((k for k, _v in mapping.value if k.value in before), None)
    if follower is not None:
        at = text.rfind("\n", 0, follower.start_mark.index) + 1
        while at > 0:  # the comment lines just above the key are about it
            above = text.rfind("\n", 0, at - 1) + 1
            if not text[above:at].lstrip().startswith("#"):
                break
            at = above
        return text[:at] + line + text[at:]
    if mapping is root:
        prefix = "" if not text or text.endswith("\n") else nl
        return text + prefix + line
    end = _last_scalar(mapping).end_mark.index
    while end > 0 and text[end - 1] in " \t\r\n":
        end -= 1
    start = _line_end(text, max(end - 1, 0))
    prefix = "" if text[:start].endswith("\n") else nl
    return text[:start] + prefix + line + text[start:]
