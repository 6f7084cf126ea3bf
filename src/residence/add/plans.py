# SPDX-License-Identifier: EUPL-1.2
"""Plans: the whole new text of the file an item goes to, checked in context.

A new journal entry, prototype, scenario or method is a new file that never replaces one.
An actor, a relation or a test session is inserted as text at the end of its list
(``yamltext.insert_item``), so that every byte the team wrote stays. Before anything is
written, the new file is checked with the whole residency, exactly as ``residence check``
would, and only the problems it adds count. Writing a plan is ``add.writing``.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from residence import layout
from residence.add.kinds import KINDS, MARKDOWN_FIELDS, Context, Stamp, stamp_of
from residence.add.templates import file_header
from residence.add.values import (
    emit,
    free_id,
    load_text,
    ordered,
    problem,
    slug,
    suggest,
    taken_ids,
)
from residence.errors import Problem, ResidenceError, has_errors
from residence.models import ActorsFile, Entry, Model, Residency, TestSession
from residence.models.residency import set_source, source_of
from residence.text import did_you_mean
from residence.yamltext import insert_item


@dataclass
class Plan:
    """What adding one item writes: a file's whole new content, checked and ready."""

    kind: str
    root: Path
    rel: str  # the file written, relative to the residency folder
    text: str
    before: bytes | None  # the file's content when it was read; None for a new file
    ident: str  # the new item's id (a journal entry: its file name without .yaml)
    warnings: list[Problem] = field(default_factory=list)
    note: str | None = None  # something the user should know (the text was re-indented…)
    # False: the file changed between loading the residency and reading the file (another
    # add wrote it), so the plan was checked against an older residency: it is made again.
    read_with_context: bool = True
    # The same plan made again from the residency as it is now (after another add wrote).
    remake: Callable[[Context], Plan] | None = field(default=None, repr=False, compare=False)

    @property
    def path(self) -> Path:
        """Return the file written."""
        return self.root / self.rel


def new_file_rel(ctx: Context, kind: str, item: Model, explicit_id: bool) -> tuple[str, str]:
    """Return (relative path, id) of the new file of an item; raise if its id is taken."""
    spec = KINDS[kind]
    taken = taken_ids(ctx, kind)
    if isinstance(item, Entry):
        stem = free_id(f"{item.date.isoformat()}-{slug(item.title) or 'entry'}", taken)
        return f"{spec.folder}/{stem}.yaml", stem
    ident = str(getattr(item, "id"))  # noqa: B009
    if ident in taken:
        if not explicit_id:
            ident = free_id(ident, taken)
        else:
            raise ResidenceError(
                [
                    problem(
                        f"there is already a {spec.what} '{ident}' in {spec.folder}/: choose "
                        f"another id (for example '{free_id(ident, taken)}')",
                        code="duplicate-id",
                    )
                ]
            )
    return f"{spec.folder}/{ident}.yaml", ident


def _appended_target(ctx: Context, kind: str, data: Mapping[str, Any]) -> tuple[str, str]:
    """Return (relative path, key of the list) an appended item goes to."""
    spec = KINDS[kind]
    if kind == "test":
        wanted = str(data.get("prototype"))
        proto = next((p for p in ctx.residency.prototypes if p.id == wanted), None)
        if proto is None:
            raise ResidenceError(
                [
                    problem(
                        f"unknown prototype '{wanted}': it is not in {spec.home.folder}/"
                        f"{did_you_mean(suggest(wanted, ctx.ids('prototype')))}",
                        code="dangling-ref",
                    )
                ]
            )
        return source_of(proto), spec.container or ""
    stem = spec.home.stem or ""
    return layout.first_existing(ctx.root, stem) or f"{stem}.yaml", spec.container or ""


def _read_text(root: Path, rel: str) -> tuple[str, bytes | None, str, Stamp | None]:
    """Return (text, bytes as read or None if absent, BOM, stamp) of a file that is edited."""
    path = root / rel
    if not path.exists():
        return "", None, "", None
    with path.open("rb") as handle:
        stamp = stamp_of(os.fstat(handle.fileno()))
        data = handle.read()
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ResidenceError(
            [
                Problem(
                    rel,
                    None,
                    None,
                    "error",
                    "encoding",
                    "this file is not UTF-8 text: save it as UTF-8 in your editor first; nothing "
                    "was changed",
                )
            ]
        ) from None
    return text, data, bom, stamp


def _with_file(ctx: Context, rel: str, item: Model, node: Any) -> Residency:
    """Return a copy of the residency where ``rel`` holds ``item`` (a new or changed file)."""
    r = ctx.residency
    candidate = dataclasses.replace(
        r,
        actors=list(r.actors),
        relations=list(r.relations),
        entries=list(r.entries),
        prototypes=list(r.prototypes),
        scenarios=list(r.scenarios),
        methods=list(r.methods),
        consents=list(r.consents),
        nodes=dict(r.nodes),
        files=sorted({*r.files, rel}),
    )
    candidate.nodes[rel] = node
    set_source(item, rel)
    if isinstance(item, ActorsFile):
        candidate.actors, candidate.relations = list(item.actors), list(item.relations)
        for part in [*item.actors, *item.relations]:
            set_source(part, rel)
    elif isinstance(item, Entry):
        candidate.entries.append(item)
    else:
        attr = next(k.attr for k in layout.FOLDERS.values() if k.model is type(item))
        items = [i for i in getattr(candidate, attr) if source_of(i) != rel]
        setattr(candidate, attr, [*items, item])
    return candidate


def _key(p: Problem) -> tuple[str, str, str, str]:
    return (p.path, p.severity, p.code, p.message)


def new_problems(
    ctx: Context, rel: str, text: str, file_model: type[Model]
) -> tuple[list[Problem], Model | None]:
    """Return the problems a file's new text would add to the residency, as check sees them."""
    from residence.check import check_residency

    item, node, found = load_text(text, rel, file_model)
    after = [p for p in ctx.load_problems if p.path != rel] + found
    if item is not None:
        after += check_residency(_with_file(ctx, rel, item, node))
    else:
        after += ctx.check_problems
    before = Counter(_key(p) for p in [*ctx.load_problems, *ctx.check_problems])
    new = []
    for p in after:
        if before[_key(p)] > 0:
            before[_key(p)] -= 1
        else:
            new.append(p)
    return new, item


def relocate(
    problems: list[Problem],
    rel: str,
    shown_as: str,
    span: tuple[int, int] | None,
    keep_lines: bool,
) -> list[Problem]:
    """Point problems of the file being written at what the user typed.

    Problems inside the new item go to ``shown_as`` (a draft; "" for the command line);
    those after an inserted block get their old line numbers back.
    """
    moved = []
    for p in problems:
        if p.path == rel and p.line is not None and span is not None and p.line > span[1]:
            shift = span[1] - span[0] + 1
            p = dataclasses.replace(p, line=p.line - shift)
        elif p.path == rel and (span is None or p.line is None or span[0] <= p.line <= span[1]):
            line = p.line if keep_lines and span is None else None
            column = p.column if line is not None else None
            p = dataclasses.replace(p, path=shown_as, line=line, column=column)
        moved.append(p)
    return moved


def _quiet(problems: list[Problem], kind: str, ident: str) -> list[Problem]:
    """Leave out what is expected of a brand-new item: nobody mentions a new actor yet."""
    return [
        p
        for p in problems
        if not (kind == "actor" and p.code == "unmentioned-actor" and f"'{ident}'" in p.message)
    ]


def finish(plan: Plan, new: list[Problem], shown: list[Problem]) -> Plan:
    """Raise the problems as the user should see them if one is an error; else keep the
    warnings, pointing at the file as it will be written."""
    shown = _quiet(shown, plan.kind, plan.ident)
    if has_errors(shown):
        raise ResidenceError(shown)
    plan.warnings = _quiet(new, plan.kind, plan.ident)
    return plan


def plan_from_data(ctx: Context, kind: str, data: Mapping[str, Any]) -> Plan:
    """Return the plan of an item made from command-line values; raise ResidenceError.

    The problems raised have no file (the file does not exist yet): they are about what
    was typed.
    """
    plan = _plan_from_data(ctx, kind, data)
    plan.remake = functools.partial(plan_from_data, kind=kind, data=dict(data))
    return plan


def _plan_from_data(ctx: Context, kind: str, data: Mapping[str, Any]) -> Plan:
    spec = KINDS[kind]
    data = dict(data)
    explicit_id = "id" in data and kind != "note"
    if spec.folder:
        item, _, found = load_text(emit(data), "item.yaml", spec.model)
        if item is None:
            raise ResidenceError([problem(p.message, p.severity, p.code) for p in found])
        rel, ident = new_file_rel(ctx, kind, item, explicit_id)
        if kind != "note" and ident != data.get("id"):
            data["id"] = ident
            data = ordered(spec, data)
        text = file_header(kind, ctx.language, rel, ctx.root) + emit(data)
        new, _ = new_problems(ctx, rel, text, spec.model)
        plan = Plan(kind, ctx.root, rel, text, None, ident)
        return finish(plan, new, relocate(new, rel, "", None, keep_lines=False))
    return plan_append(ctx, kind, data, shown_as="")


def plan_append(ctx: Context, kind: str, data: Mapping[str, Any], shown_as: str) -> Plan:
    """Return the plan of an actor, a relation or a test session inserted into its file."""
    spec = KINDS[kind]
    item_data = {k: v for k, v in data.items() if not (kind == "test" and k == "prototype")}
    if kind == "test":  # in the file, the fields of a session follow FORMAT.md's order
        order = [info.alias or name for name, info in TestSession.model_fields.items()]
        item_data = {k: item_data[k] for k in sorted(item_data, key=order.index)}
    # A test is checked with its prototype, so that a missing --prototype is said as such.
    _, _, found = load_text(emit(dict(data)), "item.yaml", spec.model)
    if found:
        problems = [dataclasses.replace(p, path=shown_as, line=None, column=None) for p in found]
        if has_errors(problems):
            raise ResidenceError(problems)
    rel, key = _appended_target(ctx, kind, data)
    if kind == "actor" and data.get("id") in taken_ids(ctx, "actor"):
        raise ResidenceError(
            [
                problem(
                    f"there is already an actor '{data['id']}' in {rel}: choose another id (for "
                    f"example '{free_id(str(data['id']), taken_ids(ctx, 'actor'))}')",
                    code="duplicate-id",
                )
            ]
        )
    text, before, bom, stamp = _read_text(ctx.root, rel)
    insertion = insert_item(text, key, item_data, rel, literal=MARKDOWN_FIELDS)
    file_model = spec.home.model
    new, _ = new_problems(ctx, rel, insertion.text, file_model)
    span = (insertion.first_line, insertion.last_line)
    ident = str(data.get("id") or data.get("prototype") or "")
    if kind == "relation":
        ident = f"{data.get('from')} → {data.get('to')}"
    plan = Plan(kind, ctx.root, rel, bom + insertion.text, before, ident)
    plan.read_with_context = rel not in ctx.stamps or ctx.stamps[rel] == stamp
    return finish(plan, new, relocate(new, rel, shown_as, span, keep_lines=False))
