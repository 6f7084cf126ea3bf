# SPDX-License-Identifier: EUPL-1.2
"""Every message the tool prints exists in French: each ``_("…")`` has its translation.

The modules that print or report make their messages with ``_ = messages("<domain>")``
(residence.i18n) and ``_("…", name=value)`` or ``_.plural("…", "…", n)``, the first
arguments being string literals. This test reads the code (ast), finds every such message
and checks that ``locale/fr/LC_MESSAGES/<domain>.po`` translates it, with the same
placeholders.
"""

from __future__ import annotations

import ast
import re
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from residence.i18n import current_language, messages, set_language, terminal_language

SRC = Path(__file__).resolve().parent.parent / "src" / "residence"
LOCALE = SRC / "locale" / "fr" / "LC_MESSAGES"


def _domains(tree: ast.Module) -> dict[str, str]:
    """Return {translator name: domain} of a module's ``X = messages("domain")`` lines."""
    found = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "messages"
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = str(node.value.args[0].value)
    return found


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _calls() -> list[tuple[str, int, str, tuple[str, ...]]]:
    """Return (file:line, domain, msgids) of every message call in the code."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        domains = _domains(tree)
        if not domains:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in domains:
                name, count = func.id, 1
            elif (
                isinstance(func, ast.Attribute)
                and func.attr == "plural"
                and isinstance(func.value, ast.Name)
                and func.value.id in domains
            ):
                name, count = func.value.id, 2
            else:
                continue
            ids = tuple(_literal(arg) for arg in node.args[:count])
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            assert len(ids) == count and all(ids), f"{where}: a message must be a literal"
            found.append((where, node.lineno, domains[name], ids))  # type: ignore[arg-type]
    return found


@cache
def _catalog(domain: str) -> dict[str, object]:
    path = LOCALE / f"{domain}.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    return {
        (m.id[0] if isinstance(m.id, (list, tuple)) else m.id): m.string
        for m in catalog
        if m.id and not m.fuzzy
    }


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_the_code_makes_messages_through_the_catalogues() -> None:
    assert len(_calls()) > 0


@pytest.mark.parametrize(
    ("where", "domain", "ids"), [(w, d, i) for w, _, d, i in _calls()], ids=lambda v: str(v)[:60]
)
def test_every_message_has_its_french(where: str, domain: str, ids: tuple[str, ...]) -> None:
    found = _catalog(domain).get(ids[0])
    assert found, f"{where}: no French in {domain}.po for {ids[0]!r}"
    forms = list(found) if isinstance(found, (list, tuple)) else [found]
    assert all(forms), f"{where}: an empty French form for {ids[0]!r}"
    wanted = set().union(*(_fields(i) for i in ids))
    for form in forms:
        assert _fields(str(form)) <= wanted | {"n"}, f"{where}: placeholders of {form!r}"


def test_terminal_language_follows_the_variables() -> None:
    assert terminal_language({"RESIDENCE_LANG": "fr"}) == "fr"
    assert terminal_language({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert terminal_language({"LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8"}) == "en"
    assert terminal_language({"RESIDENCE_LANG": "en", "LANG": "fr_FR.UTF-8"}) == "en"
    assert terminal_language({"LC_MESSAGES": "fr_BE"}) == "fr"
    assert terminal_language({"LANG": "de_DE.UTF-8"}) == "en"
    assert terminal_language({}) == "en"


def test_messages_follow_the_language_set() -> None:
    _ = messages("messages")
    before = current_language()
    try:
        set_language("fr")
        assert current_language() == "fr"
        assert _("a message nobody translated, {x}", x=1) == "a message nobody translated, 1"
    finally:
        set_language(before)
    assert re.fullmatch(r"en|fr", current_language())
