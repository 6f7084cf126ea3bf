# SPDX-License-Identifier: EUPL-1.2
"""Text that hides itself: control characters and bidi controls in a residency's files.

YAML refuses a raw control character, but a double-quoted string may still write one as an
escape (``"\\0"``, ``"\\e"``, ``"\\x1b"``), and a bidi control (U+202E…) is printable for
YAML. :func:`unseen_in_tree` finds them in a parsed file's strings and keys, and
:func:`unseen_in_name` in a file's name: a control character is an error (no reader can see
it, and it has no place in a report), a bidi control a warning (Arabic and Hebrew text may
need one, but it can make a text read differently than it is written). The terminal shows
both as escapes (``cli/output.py``'s ``visible``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from residence.errors import Problem, Severity
from residence.i18n import messages

_ = messages("problems")

#: The bidi controls, with what to call them in a message (made when it is said).
BIDI_NAMES: dict[str, Callable[[], str]] = {
    "\u061c": lambda: _("an Arabic letter mark"),
    "\u200e": lambda: _("a left-to-right mark"),
    "\u200f": lambda: _("a right-to-left mark"),
    "\u202a": lambda: _("a left-to-right embedding"),
    "\u202b": lambda: _("a right-to-left embedding"),
    "\u202c": lambda: _("a pop directional formatting"),
    "\u202d": lambda: _("a left-to-right override"),
    "\u202e": lambda: _("a right-to-left override"),
    "\u2066": lambda: _("a left-to-right isolate"),
    "\u2067": lambda: _("a right-to-left isolate"),
    "\u2068": lambda: _("a first strong isolate"),
    "\u2069": lambda: _("a pop directional isolate"),
}
BIDI = "".join(BIDI_NAMES)
#: C0 controls but tab and line feed, DEL and the C1 controls (carriage return included).
CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
#: What check reports, found with one search per string: a control character (a carriage
#: return only when no line feed follows: "\r\n" is a line end), or a bidi control.
_FOUND = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI}]|\r(?!\n)")
#: The names of a few control characters (NUL is its name in every language).
_NAMES: dict[int, Callable[[], str]] = {
    0: lambda: "NUL",
    7: lambda: _("bell"),
    8: lambda: _("backspace"),
    13: lambda: _("carriage return"),
    27: lambda: _("escape"),
    127: lambda: _("delete"),
}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SHORT = {"0": "\x00", "a": "\x07", "b": "\x08", "v": "\x0b", "f": "\x0c", "r": "\r", "e": "\x1b"}
_SHORT |= {"N": "\x85", "t": "\t", "n": "\n"}
_FIELD = re.compile(r"[\w-]{1,40}")  # a field's name, to say where a character is
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def code_point(char: str) -> str:
    """Return "U+001B, escape" or "U+202E": a character as a message names it."""
    name = _NAMES.get(ord(char))
    return f"U+{ord(char):04X}" + (f", {name()}" if name else "")


#: Where an unseen character is: in a file's name, a field's name, a field's text, a text.
Subject = Literal["file name", "field name", "field", "text"]


def _message(subject: Subject, char: str, field: str = "") -> tuple[Severity, str, str]:
    """Return (severity, code, message) for an unseen character of a text or a name."""
    code = code_point(char)
    if char not in BIDI_NAMES:
        if subject == "file name":
            message = _(
                "this file's name holds a control character ({code}) that no reader can see: "
                "rename the file",
                code=code,
            )
        elif subject == "field name":
            message = _(
                "a field name holds a control character ({code}) that no reader can see: "
                "rename the field",
                code=code,
            )
        elif subject == "field":
            message = _(
                "'{field}' holds a control character ({code}) that no reader can see: remove it",
                field=field,
                code=code,
            )
        else:
            message = _(
                "this text holds a control character ({code}) that no reader can see: remove it",
                code=code,
            )
        return "error", "control-character", message
    bidi = BIDI_NAMES[char]()
    if subject == "file name":
        message = _(
            "this file's name holds {bidi} ({code}), which can make it read differently than "
            "it is written: rename the file",
            bidi=bidi,
            code=code,
        )
    elif subject == "field name":
        message = _(
            "a field name holds {bidi} ({code}), which can make it read differently than it is "
            "written: rename the field",
            bidi=bidi,
            code=code,
        )
    elif subject == "field":
        message = _(
            "'{field}' holds {bidi} ({code}), which can make it read differently than it is "
            "written: remove it unless the text needs it (text in Arabic or Hebrew may)",
            field=field,
            bidi=bidi,
            code=code,
        )
    else:
        message = _(
            "this text holds {bidi} ({code}), which can make it read differently than it is "
            "written: remove it unless the text needs it (text in Arabic or Hebrew may)",
            bidi=bidi,
            code=code,
        )
    return "warning", "bidi-control", message


def unseen_in_name(rel: str) -> list[Problem]:
    """Return the problems of a file whose path (relative, with '/') holds unseen characters."""
    found = _FOUND.search(rel)
    if found is None:
        return []
    problems = []
    for char in _first_of_each_kind(rel):
        severity, code, message = _message("file name", char)
        problems.append(Problem(rel, None, None, severity, code, message))
    return problems


def _first_of_each_kind(text: str) -> list[str]:
    """Return the first control character and the first bidi control of a text (if any)."""
    firsts: dict[bool, str] = {}
    for match in _FOUND.finditer(text):
        firsts.setdefault(match.group() in BIDI_NAMES, match.group())
        if len(firsts) == 2:
            break
    return list(firsts.values())


def unseen_in_tree(rel: str, text: str, node: Any) -> list[Problem]:
    """Return the problems of a parsed file (``node``, from ``text``) whose strings or keys
    hold control characters or bidi controls, each at the character's line and column.

    The usual file is told at once: nothing can be found unless its text holds a backslash
    (an escape in a double-quoted string) or a bidi control as it is (YAML refuses the other
    control characters, and makes every raw line break a line feed).
    """
    if node is None or not _suspect(text):
        return []
    problems: list[Problem] = []
    seen: set[int] = set()
    # (node, the name of the field it is the value of: "" for none, None for a field's name)
    stack: list[tuple[Any, str | None]] = [(node, "")]
    while stack:
        current, field = stack.pop()
        if id(current) in seen:  # an alias: its value was looked at already
            continue
        seen.add(id(current))
        if current.id == "scalar":
            _scalar(rel, text, current, field, problems)
        elif current.id == "sequence":
            stack.extend((child, field) for child in reversed(current.value))
        else:
            for key, value in reversed(current.value):
                word = key.id == "scalar" and _FIELD.fullmatch(key.value)
                stack.append((value, key.value if word else field))
                stack.append((key, None))
    return problems


def _suspect(text: str) -> bool:
    # A few substring searches (memchr) are faster than one regex over a non-ASCII text.
    return "\\" in text or (not text.isascii() and any(c in text for c in BIDI_NAMES))


def _scalar(rel: str, text: str, node: Any, field: str | None, problems: list[Problem]) -> None:
    """Report the unseen characters of a scalar: a field's name (``field`` None), a field's
    value (``field``: its name) or a text in no field ("")."""
    value = node.value
    if _FOUND.search(value) is None:
        return
    for char in _first_of_each_kind(value):
        line, column = _where(text, node, char)
        if field is None:
            severity, code, message = _message("field name", char)
        elif field:
            severity, code, message = _message("field", char, field)
        else:
            severity, code, message = _message("text", char)
        problems.append(Problem(rel, line, column, severity, code, message))


def _where(text: str, node: Any, char: str) -> tuple[int, int]:
    """Return the 1-based line and column of ``char`` in a scalar's source: where it is
    written as it is, or as an escape; the scalar's start when neither is found."""
    start, end = node.start_mark, node.end_mark
    # Only a bidi control can be written as it is: YAML refuses the others.
    index = text.find(char, start.index, end.index) if char in BIDI_NAMES else -1
    if index < 0 and node.style == '"':
        for match in _ESCAPE.finditer(text, start.index, end.index):
            escape = match.group(1)
            code = int(escape[1:], 16) if len(escape) > 1 else -1
            decoded = _SHORT.get(escape, escape) if code < 0 else chr(min(code, 0x10FFFF))
            if decoded == char:
                index = match.start()
                break
    if index < 0:
        return start.line + 1, start.column + 1
    line, line_start = start.line, start.index - start.column
    for found in _BREAK.finditer(text, start.index, index):
        line, line_start = line + 1, found.end()
    return line + 1, index - line_start + 1
