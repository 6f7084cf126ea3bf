# SPDX-License-Identifier: EUPL-1.2
"""Journal entries and evidence as people type them on the command line.

An entry is named by its file name without ``.yaml`` (``2026-01-13-file-attente``), by its
path (``journal/2026-01-13-file-attente.yaml``, as a shell completes it), or by any part
that names only it: its day (``2026-01-13``, ``13/01/2026``, ``hier``), the start of its
name, or its end, the title's part (``file-attente``). ``residence tag`` and ``--evidence`` share
this.

A piece of evidence (``--evidence``) is an entry, ``ENTRY#N`` for its quote N, or
``prototype:ID#N`` for the prototype's test session N. French and English words are read
too: ``ENTRY#citation2``, ``ENTRY citation 2``, ``prototype:ID#séance1``, ``entrée:ENTRY``.
What a reference points at is then resolved by ``residence.findings.Evidences``, as the
check and the report resolve it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from pydantic import TypeAdapter, ValidationError

from residence import layout
from residence.add.kinds import Context
from residence.i18n import messages
from residence.models.common import Date
from residence.text import fold, slugify

_ = messages("add")

#: The words that may come before ``:`` to say what a reference is (folded).
ENTRY_WORDS = frozenset({"entry", "entree", "journal", "note"})
PROTOTYPE_WORDS = frozenset({"prototype", "proto"})
#: The words that may come after ``#`` to say what N counts (folded).
QUOTE_WORDS = frozenset({"quote", "q", "citation", "cit", "c"})
TEST_WORDS = frozenset({"test", "t", "seance", "essai", "session"})

_REFERENCE = re.compile(
    r"^(?:(?P<what>[^\W\d_]+)\s*:\s*)?"  # entrée:, prototype:
    r"(?P<ref>[^#\s]+?)"
    r"(?:\s*(?:#|\s)\s*(?:(?P<word>[^\W\d_]+)\s*[-_:=.]?\s*)?(?P<n>-?\d+))?$"
)
_DATE = TypeAdapter(Date)
#: A word and its colon with nothing after them but a number: "prototype:", "entrée:#2".
_BARE_WORD = re.compile(r"^([^\W\d_]+)\s*:\s*(?:#\s*\w*)?$")


@dataclass(frozen=True)
class EntryMatch:
    """What a typed entry name names: one entry, several, or none."""

    stem: str | None = None  # the entry's file name without .yaml, when it names one
    several: list[str] = field(default_factory=list)  # the entries it could mean
    broken: str | None = None  # the file it names, there but unreadable (check says why)


def find_entry(ctx: Context, typed: str) -> EntryMatch:
    """Return the entry ``typed`` names: its file name, a path to it, or a part only it has."""
    known = ctx.ids("entry")
    ref = typed.strip()
    day = _day(ref)
    if day is None and ("/" in ref or "\\" in ref or ref.endswith(layout.YAML_SUFFIXES)):
        ref = PurePath(ref.replace("\\", "/")).name
        for suffix in layout.YAML_SUFFIXES:
            ref = ref.removesuffix(suffix)
    if ref in known:
        return EntryMatch(stem=ref)
    folder = ctx.root / (layout.KINDS["journal"].folder or "")
    for suffix in layout.YAML_SUFFIXES:
        path = folder / f"{ref}{suffix}"
        # Not a plain file too (a FIFO, a link that leads outside): there, but not loaded.
        if ref and os.path.lexists(path) and not path.is_dir():
            return EntryMatch(broken=path.relative_to(ctx.root).as_posix())
    wanted = day or ref
    if not wanted:
        return EntryMatch()
    same = [s for s in known if s.startswith(wanted)]
    if not same and day is None:
        part = slugify(ref)
        same = [s for s in known if part and s.endswith("-" + part)]
    if len(same) == 1:
        return EntryMatch(stem=same[0])
    return EntryMatch(several=sorted(same))


def _day(text: str) -> str | None:
    """Return a day typed as a date (13/01/2026, 2026-01-13, today, hier) as YYYY-MM-DD."""
    from residence.add.values import parse_day

    value = parse_day(text)
    if not re.match(r"^[\d/.-]+$", value):
        return None
    try:
        return str(_DATE.validate_python(value).isoformat())
    except ValidationError:
        return None


@dataclass(frozen=True)
class Reference:
    """One ``--evidence`` as typed: an entry (and a quote) or a prototype (and a test)."""

    typed: str
    ref: str  # the entry or the prototype, as typed
    prototype: bool
    n: int | None  # the quote or the test, counting from 1
    word: str | None  # the word before N, folded (citation, test…)


def parse_reference(typed: str) -> Reference | None:
    """Return an ``--evidence`` value read, or None if it has no recognisable form."""
    match = _REFERENCE.match(typed.strip())
    if match is None:
        return None
    what = fold(match.group("what") or "")
    if what and what not in ENTRY_WORDS | PROTOTYPE_WORDS:
        return None
    n = match.group("n")
    word = match.group("word")
    return Reference(
        typed=typed.strip(),
        ref=match.group("ref"),
        prototype=what in PROTOTYPE_WORDS,
        n=int(n) if n is not None else None,
        word=fold(word) if word else None,
    )


def reference_problem(typed: str) -> str | None:
    """Return what is wrong with the form of an ``--evidence`` value (None: nothing)."""
    found = parse_reference(typed)
    bare = _BARE_WORD.match(typed.strip())
    if bare is not None:  # "prototype:", "entrée:#2": the word alone, nothing after it
        if fold(bare.group(1)) in PROTOTYPE_WORDS:
            return _(
                "--evidence {value}: write the prototype's id after '{word}:' "
                "(prototype:ID, or prototype:ID#N for its test N)",
                value=typed,
                word=bare.group(1),
            )
        if fold(bare.group(1)) in ENTRY_WORDS:
            return _(
                "--evidence {value}: write the journal entry after '{word}:' (its file "
                "name without .yaml, or ENTRY#N for its quote N)",
                value=typed,
                word=bare.group(1),
            )
    if found is None:
        return _(
            "--evidence {value}: write the journal entry (its file name without .yaml), "
            "ENTRY#N for its quote N, or prototype:ID#N for the prototype's test N",
            value=typed,
        )
    if found.n is not None and found.n < 1:
        return _("--evidence {value}: quotes and tests count from 1", value=typed)
    if found.word is not None and found.word not in QUOTE_WORDS | TEST_WORDS:
        return _(
            "--evidence {value}: after #, write the number of the quote (ENTRY#2) or of "
            "the test (prototype:ID#2)",
            value=typed,
        )
    if found.prototype and found.word in QUOTE_WORDS:
        return _(
            "--evidence {value}: a prototype has tests, not quotes: prototype:ID#N is its test N",
            value=typed,
        )
    if not found.prototype and found.word in TEST_WORDS:
        return _(
            "--evidence {value}: a test belongs to a prototype: write prototype:ID#N; "
            "after a journal entry, #N is its quote N",
            value=typed,
        )
    return None


def evidence_item(ctx: Context, typed: str) -> dict[str, Any] | str:
    """Return an ``--evidence`` value as it is written in the insight's file
    (``{entry: …, quote: N}`` or ``{prototype: …, test: N}``), or as typed when its form
    is wrong (``check_values`` says why)."""
    if reference_problem(typed) is not None:
        return typed
    found = parse_reference(typed)
    assert found is not None
    if found.prototype:
        item: dict[str, Any] = {"prototype": found.ref}
        if found.n is not None:
            item["test"] = found.n
        return item
    match = find_entry(ctx, found.ref)
    item = {"entry": match.stem or found.ref}
    if found.n is not None:
        item["quote"] = found.n
    return item


def typed_form(item: Mapping[str, Any]) -> str:
    """Return a piece of evidence as the command line writes it (ENTRY#N, prototype:ID#N)."""
    if "prototype" in item:
        ref, n = f"prototype:{item['prototype']}", item.get("test")
    else:
        ref, n = str(item.get("entry")), item.get("quote")
    return f"{ref}#{n}" if n is not None else ref
