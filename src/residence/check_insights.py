# SPDX-License-Identifier: EUPL-1.2
"""The rules of insights and codes (tags): part of CHECK, kept apart from check.py's size.

Each rule reports at the line of what it is about: an evidence reference, a tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from residence.errors import either
from residence.findings import Evidences, TagUse, tag_key, tag_uses
from residence.i18n import messages
from residence.models import Evidence
from residence.models.residency import source_of
from residence.text import closest

if TYPE_CHECKING:
    from residence.check import _Checker

_ = messages("problems")


def check_insights(checker: _Checker) -> None:
    """Check every insight: unique ids, evidence that points at something, prototypes."""
    r = checker.r
    items = [(source_of(s), ["id"], s.id) for s in r.insights]
    checker.unique(items, "insight")
    evidences = Evidences(r)
    weeks = len(r.residence.weeks) if r.residence else 0
    for insight in r.insights:
        path = source_of(insight)
        checker.file_name_matches(path, insight.id)
        checker.refs(path, ["prototypes"], insight.prototypes, checker.prototype_ids, "prototype")
        if insight.week is not None and weeks and insight.week > weeks:
            checker.add(
                path,
                ["week"],
                "error",
                "insight-week",
                _(
                    "week {week}: the residency has {count} weeks in residence.yaml",
                    week=insight.week,
                    count=weeks,
                ),
            )
        if not insight.evidence:
            checker.add(
                path,
                ["title"],
                "warning",
                "insight-no-evidence",
                _(
                    "the insight '{ident}' has no evidence: list the entries, quotes or tests "
                    "it rests on under 'evidence:'",
                    ident=insight.id,
                ),
            )
        public_evidence = False
        all_found = True
        cited: dict[tuple[str | int | None, ...], int] = {}
        for i, evidence in enumerate(insight.evidence):
            resolved = evidences.resolve(evidence)
            _check_reference(checker, path, ["evidence", i], evidence, evidences)
            all_found = all_found and resolved.found
            key = (evidence.entry, evidence.quote, evidence.prototype, evidence.test)
            if key in cited:
                checker.add(
                    path,
                    ["evidence", i],
                    "warning",
                    "evidence-twice",
                    _(
                        "this evidence is the same as item {n} of the list: cite it once",
                        n=cited[key] + 1,
                    ),
                )
            cited.setdefault(key, i)
            entry, quote = resolved.entry, resolved.quote
            if resolved.prototype is not None or (
                entry is not None
                and entry.visibility != "team"
                and (quote is None or quote.visibility != "team")
            ):
                public_evidence = True
        # Only when every reference points at something: a reference that does not (or
        # into a file that could not be read) has its own error, and may be public.
        if insight.visibility != "team" and insight.evidence and all_found and not public_evidence:
            checker.add(
                path,
                ["evidence"],
                "warning",
                "team-evidence",
                _(
                    "all the evidence of the public insight '{ident}' is team-only: the "
                    "public edition will show it without evidence",
                    ident=insight.id,
                ),
            )


def _check_reference(
    checker: _Checker,
    path: str,
    loc: list[str | int],
    evidence: Evidence,
    evidences: Evidences,
) -> None:
    """Report an evidence reference that names nothing, too much, or what does not exist."""
    if evidence.entry is not None and evidence.prototype is not None:
        checker.add(
            path,
            loc,
            "error",
            "evidence-ref",
            _(
                "this evidence names both an entry and a prototype: give one per item "
                "('entry: …' or 'prototype: …')"
            ),
        )
        return
    if evidence.entry is None and evidence.prototype is None:
        checker.add(
            path,
            loc,
            "error",
            "evidence-ref",
            _(
                "this evidence names neither an entry nor a prototype: write "
                "'entry: FILE-NAME' (a journal file without .yaml) or 'prototype: ID'"
            ),
        )
        return
    if evidence.entry is not None:
        if evidence.test is not None:
            checker.add(
                path,
                [*loc, "test"],
                "error",
                "evidence-ref",
                _("'test:' goes with 'prototype:'; with 'entry:', use 'quote:'"),
            )
        if "journal" in checker.unsure:
            return
        entry = evidences.entries.get(evidence.entry)
        if entry is None:
            close = closest(evidence.entry, sorted(evidences.entries))
            if close:
                message = _(
                    "unknown entry '{ref}': it is not in journal/ (a file name without .yaml) "
                    "— did you mean {choices}?",
                    ref=evidence.entry,
                    choices=either(close),
                )
            else:
                message = _(
                    "unknown entry '{ref}': it is not in journal/ (a file name without .yaml)",
                    ref=evidence.entry,
                )
            checker.add(path, [*loc, "entry"], "error", "dangling-ref", message)
        elif evidence.quote is not None and evidence.quote > len(entry.quotes):
            checker.add(
                path,
                [*loc, "quote"],
                "error",
                "evidence-quote",
                _.plural(
                    "quote {quote}: the entry '{ref}' has {n} quote; they count from 1",
                    "quote {quote}: the entry '{ref}' has {n} quotes; they count from 1",
                    len(entry.quotes),
                    quote=evidence.quote,
                    ref=evidence.entry,
                ),
            )
        return
    if evidence.quote is not None:
        checker.add(
            path,
            [*loc, "quote"],
            "error",
            "evidence-ref",
            _("'quote:' goes with 'entry:'; with 'prototype:', use 'test:'"),
        )
    if "prototypes" in checker.unsure or evidence.prototype is None:
        return
    prototype = evidences.prototypes.get(evidence.prototype)
    if prototype is None:
        checker.refs(path, loc, [evidence.prototype], checker.prototype_ids, "prototype")
    elif evidence.test is not None and evidence.test > len(prototype.tests):
        checker.add(
            path,
            [*loc, "test"],
            "error",
            "evidence-test",
            _.plural(
                "test {test}: the prototype '{ref}' has {n} test session; they count from 1",
                "test {test}: the prototype '{ref}' has {n} test sessions; they count from 1",
                len(prototype.tests),
                test=evidence.test,
                ref=evidence.prototype,
            ),
        )


def check_tags(checker: _Checker) -> None:
    """Warn on a tag used once: a code gathers several notes, or it is a typing slip.

    Only once the team codes (the residency has insights): before that, tags are free
    labels, and a residency of format 1 would get a warning for each.
    """
    _empty_tags(checker)
    if not checker.r.insights or checker.unsure & {"journal", "insights"}:
        return  # a file that failed may use it again
    uses = tag_uses(checker.r)
    once = [u for u in uses.values() if u.count == 1]
    if not once:
        return
    labels = sorted({u.label for u in uses.values() if u.count > 1})
    for use in once:
        path, loc = _where(use)
        close = closest(use.label, labels)
        if close:
            message = _(
                "the tag '{tag}' is used only here: a code gathers several notes — "
                "did you mean {choices}?",
                tag=use.label,
                choices=either(close),
            )
        else:
            message = _(
                "the tag '{tag}' is used only here: a code gathers several notes (or is "
                "it a typing slip?)",
                tag=use.label,
            )
        checker.add(path, loc, "warning", "tag-once", message)


def _empty_tags(checker: _Checker) -> None:
    """Warn on a tag with no text (``""``): it codes nothing, the report leaves it out."""
    places: list[tuple[str, list[str | int], list[str]]] = []
    for entry in checker.r.entries:
        places.append((source_of(entry), ["tags"], entry.tags))
        for n, quote in enumerate(entry.quotes):
            places.append((source_of(entry), ["quotes", n, "tags"], quote.tags))
    places += [(source_of(i), ["tags"], i.tags) for i in checker.r.insights]
    for path, loc, tags in places:
        for i, tag in enumerate(tags):
            if not tag_key(tag):
                checker.add(
                    path,
                    [*loc, i],
                    "warning",
                    "tag-empty",
                    _("this tag is empty: write the code, or remove the item"),
                )


def _where(use: TagUse) -> tuple[str, list[str | int]]:
    """Return the file and the path of the one place a tag is used."""
    if use.entries:
        entry = use.entries[0]
        return source_of(entry), ["tags", _index(entry.tags, use.key)]
    if use.quotes:
        entry, n, quote = use.quotes[0]
        return source_of(entry), ["quotes", n - 1, "tags", _index(quote.tags, use.key)]
    insight = use.insights[0]
    return source_of(insight), ["tags", _index(insight.tags, use.key)]


def _index(tags: list[str], key: str) -> int:
    return next((i for i, t in enumerate(tags) if tag_key(t) == key), 0)
