"""Find the line and column of a value inside a YAML node tree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Loc = Sequence[str | int]


def locate(node: Any, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
    """Return the 1-based (line, column) of the value at ``loc`` in a YAML node tree.

    When the path goes further than the tree (a missing field, say), the deepest node found
    is used. With ``key=True`` the position of the last mapping key is returned instead of
    its value (to point at an unknown field's name).
    """
    if node is None:
        return 1, 1
    current = node
    key_node = None
    for part in loc:
        child, key_node = _child(current, part)
        if child is None:
            break
        current = child
    else:
        if key and key_node is not None:
            current = key_node
    mark = current.start_mark
    return mark.line + 1, mark.column + 1


def _child(node: Any, part: str | int) -> tuple[Any, Any]:
    """Return (value node, key node) of one step into a mapping or a sequence."""
    kind = getattr(node, "id", None)
    if kind == "mapping":
        for k, v in node.value:
            if getattr(k, "id", None) == "scalar" and k.value == str(part):
                return v, k
        return None, None
    if kind == "sequence" and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], None
    return None, None
