# SPDX-License-Identifier: EUPL-1.2
"""`residence tag`: codes (tags) added to a journal entry, or to one of its quotes, or
taken away, every other byte of its file kept.

The entry is found as ``--evidence`` finds it (``add.evidence.find_entry``); tags are
compared as the check and the report compare them (``findings.tag_key``: "Accueil" and
"accueil" are one code), so a tag already there is not added twice. The list is changed as
text (``yamlwords.change_list``): a flow list stays a flow list, a block list gets a line,
a missing ``tags:`` is written above the keys that follow it in the format. The new file
is checked with the whole residency as ``residence check`` would (only the problems it adds
count), then written as ``residence add`` writes: under the residency's lock, atomically,
never over a change made meanwhile (``add.writing``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from residence import layout
from residence.add.evidence import find_entry
from residence.add.kinds import Context, load_context
from residence.add.plans import Plan, finish, new_problems, read_text
from residence.add.values import problem, suggest, tag_words
from residence.add.writing import write_plan
from residence.errors import ResidenceError
from residence.findings import tag_key
from residence.i18n import messages
from residence.load import NON_PRINTABLE, YamlProblem, parse_yaml
from residence.models import Entry, Quote
from residence.models.residency import entry_stem, source_of
from residence.text import did_you_mean
from residence.yamlwords import change_list

_ = messages("add")


@dataclass
class Tagging:
    """What `residence tag` changed: the plan written, and the tags by outcome."""

    plan: Plan
    entry: str  # the entry's file name without .yaml
    quote: int | None  # the quote tagged (counting from 1), or None for the entry
    remove: bool
    changed: list[str] = field(default_factory=list)  # added (or removed), as written
    unchanged: list[str] = field(default_factory=list)  # already there (or not there)


def clean_tags(tags: Sequence[str]) -> list[str]:
    """Return the tags typed, one per code, as ``add`` reads them (values.tag_words); an
    empty list or an unprintable tag is refused (usage error)."""
    words = tag_words(tags)
    for word in words:
        if NON_PRINTABLE.search(word):
            raise ResidenceError(
                _("the tag '{tag}' holds characters that are not printable text", tag=word),
                usage=True,
            )
    if not words:
        raise ResidenceError(_("give at least one tag after the entry"), usage=True)
    return words


def tag_entry(
    root: Path,
    entry: str,
    tags: Sequence[str],
    *,
    quote: int | None = None,
    remove: bool = False,
) -> Tagging:
    """Add ``tags`` to an entry (or its quote ``quote``), or remove them; write the file.

    Raise a usage error (exit 2) for what was typed wrong (no tag, no folder), and
    ``Refused`` (exit 1: nothing written) for an unknown entry, a quote it does not have,
    a file that cannot be read or changed safely.
    """
    from residence.pipeline import Refused, changing, residency_folder

    residency_folder(root)
    if not entry.strip():
        raise ResidenceError(
            _("the entry is empty: name it by its file name without .yaml"), usage=True
        )
    words = clean_tags(tags)
    try:
        ctx = load_context(root)
        tagging = plan_tags(ctx, entry, words, quote=quote, remove=remove)
        if not tagging.plan.unchanged:
            changing()
        write_plan(tagging.plan)
    except OSError as exc:
        message = _(
            "cannot change '{file}': {reason}",
            file=exc.filename or root,
            reason=exc.strerror or exc,
        )
        raise Refused([problem(message, code="os-error")], "add") from None
    except ResidenceError as exc:
        if exc.usage:
            raise
        raise Refused(exc.problems, "add") from None
    return tagging


def plan_tags(
    ctx: Context, entry: str, words: Sequence[str], *, quote: int | None, remove: bool
) -> Tagging:
    """Return the plan of the tags changed, checked with the residency (nothing written)."""
    found = _entry(ctx, entry)
    stem = entry_stem(found)
    tagging = Tagging(Plan("tag", ctx.root, source_of(found), "", None, stem), stem, quote, remove)
    _plan(ctx, stem, list(words), tagging)
    return tagging


def _plan(ctx: Context, stem: str, words: list[str], tagging: Tagging) -> Plan:
    """Make (or make again, after another add wrote the file) the plan of ``tagging``."""
    found = _entry(ctx, stem)
    rel = source_of(found)
    quote = tagging.quote
    if quote is None:
        path: tuple[str | int, ...] = ("tags",)
        keys = _keys(Entry)
        follow = keys[keys.index("tags") + 1 :]
    else:
        _check_quote(found, quote)
        path = ("quotes", quote - 1, "tags")
        keys = _keys(Quote)
        follow = keys[keys.index("tags") + 1 :]
    text, before, bom, stamp = read_text(ctx.root, rel)
    written = _written_tags(text, path, rel)
    there = {tag_key(t) for t in written}
    tagging.changed, tagging.unchanged = [], []
    if tagging.remove:
        gone = {tag_key(w) for w in words}
        drop = [i for i, t in enumerate(written) if tag_key(t) in gone]
        tagging.changed = [written[i] for i in drop]
        tagging.unchanged = [w for w in words if tag_key(w) not in there]
        new_text = change_list(text, path, rel, remove=drop)
    else:
        added = [w for w in words if tag_key(w) not in there]
        tagging.changed = added
        as_written = {tag_key(t): t for t in reversed(written)}
        tagging.unchanged = [as_written[tag_key(w)] for w in words if tag_key(w) in there]
        new_text = change_list(text, path, rel, add=added, before=follow)
    plan = Plan("tag", ctx.root, rel, bom + new_text, before, stem)
    plan.read_with_context = rel not in ctx.stamps or ctx.stamps[rel] == stamp
    plan.remake = functools.partial(_plan, stem=stem, words=words, tagging=tagging)
    if new_text != text:
        new, _item = new_problems(ctx, rel, new_text, Entry)
        finish(plan, new, new)
    tagging.plan = plan
    return plan


def _keys(model: type[Entry] | type[Quote]) -> list[str]:
    """Return the keys of a model in the order of the format."""
    return [info.alias or name for name, info in model.model_fields.items()]


def _entry(ctx: Context, typed: str) -> Entry:
    """Return the entry ``typed`` names, or raise why it names none."""
    match = find_entry(ctx, typed)
    folder = layout.KINDS["journal"].folder
    if match.stem is not None:
        return next(e for e in ctx.residency.entries if entry_stem(e) == match.stem)
    if match.broken:
        message = _(
            "{file} has errors: fix them first (residence check); nothing was changed",
            file=match.broken,
        )
        # What is wrong with it, at its line, as `residence check` says it.
        why = [p for p in ctx.load_problems if p.path == match.broken and p.severity == "error"]
        raise ResidenceError([*why[:5], problem(message, code="unreadable")])
    if match.several:
        message = _(
            "'{ref}' names several journal entries ({entries}): give the whole file name",
            ref=typed,
            entries=", ".join(match.several),
        )
        raise ResidenceError([problem(message, code="ambiguous-ref")])
    known = ctx.ids("entry")
    if known:
        hint = did_you_mean(suggest(typed, known))
    else:
        hint = " " + _("(there is no journal entry yet)")
    message = _(
        "unknown journal entry '{id}': it is not in {folder}/{hint}",
        id=typed,
        folder=folder,
        hint=hint,
    )
    raise ResidenceError([problem(message, code="dangling-ref")])


def _check_quote(entry: Entry, quote: int) -> None:
    """Refuse a quote the entry does not have."""
    count = len(entry.quotes)
    if 1 <= quote <= count:
        return
    stem = entry_stem(entry)
    if count == 0:
        message = _(
            "the entry '{entry}' has no quote: --quote tags one of its quotes (residence add "
            "quote adds one)",
            entry=stem,
        )
    else:
        message = _.plural(
            "the entry '{entry}' has {n} quote: --quote {quote} is not one of them (they count "
            "from 1)",
            "the entry '{entry}' has {n} quotes: --quote {quote} is not one of them (they count "
            "from 1)",
            count,
            entry=stem,
            quote=quote,
        )
    raise ResidenceError([problem(message, code="evidence-quote")])


def _written_tags(text: str, path: Sequence[str | int], rel: str) -> list[str]:
    """Return the tags at ``path`` as the file holds them (a file that loaded: readable)."""
    try:
        _root, value = parse_yaml(text)
    except YamlProblem:
        return []  # change_list says why, at its line
    node: Any = value
    for step in path:
        if isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return []
    return [str(t) for t in node] if isinstance(node, list) else []
