# SPDX-License-Identifier: EUPL-1.2
"""Plans: the whole new text of the file an item goes to, checked in context.

A new journal entry, prototype, scenario or method is a new file that never replaces one.
An actor, a relation, a team member, a consent record, a follow-up visit, a test session,
a quote or a photo is inserted as text at the end of its list (``yamltext.insert_item``);
a handover is added as one key of its prototype (``yamltext.insert_key``); ``residence
set`` changes one value in place (``yamltext.set_scalar``), and a journal entry whose day
changes moves to the file name of its new day. Every byte the team wrote stays. Before
anything is written, the new file is checked with the whole residency, exactly as
``residence check`` would, and only the problems it adds count. Writing a plan is
``add.writing``.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from residence import layout
from residence.add.kinds import KINDS, MARKDOWN_FIELDS, Context, Stamp, stamp_of
from residence.add.media import target_problems
from residence.add.templates import consent_file_header, file_header
from residence.add.values import (
    emit,
    free_id,
    handover_problems,
    load_text,
    ordered,
    origin_of,
    problem,
    slug,
    suggest,
    taken_ids,
)
from residence.errors import Problem, ResidenceError, has_errors
from residence.i18n import messages
from residence.models import ActorsFile, ConsentFile, Entry, Model, Residence, Residency
from residence.models.residency import entry_stem, set_source, source_of
from residence.text import did_you_mean
from residence.yamltext import Insertion, insert_item, insert_key, set_scalar

_ = messages("add")


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
    # Files to copy into the residency before the text is written: (source path, rel).
    copies: list[tuple[str, str]] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)  # those actually copied (not reused)
    moved_from: str | None = None  # the file's name before (a journal entry's new day)
    previous: str | None = None  # the value a `residence set` replaced
    value: str | None = None  # and the value it wrote

    @property
    def unchanged(self) -> bool:
        """Tell whether writing the plan would change nothing (a value set to itself)."""
        return (
            self.before is not None
            and self.moved_from is None
            and not self.copies
            and self.text.encode("utf-8") == self.before
        )

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
                        _(
                            "the {what} id '{id}' is already taken in {folder}/: choose another "
                            "id (for example '{free}')",
                            what=spec.what,
                            id=ident,
                            folder=spec.folder,
                            free=free_id(ident, taken),
                        ),
                        code="duplicate-id",
                    )
                ]
            )
    return f"{spec.folder}/{ident}.yaml", ident


def _target(ctx: Context, kind: str, data: Mapping[str, Any]) -> tuple[str, str]:
    """Return (relative path, key of the list or value) an item joining a file goes to."""
    spec = KINDS[kind]
    key = spec.container or spec.slot or ""
    given = [k for k in spec.parents if data.get(k)]
    if spec.parents and not given:
        options = [origin_of(spec, k) for k in spec.parents]
        if len(options) == 1:
            message = _(
                "{option} is missing: say where the {what} goes", option=options[0], what=spec.what
            )
        else:
            message = _(
                "{first} or {second} is missing: say where the {what} goes",
                first=options[0],
                second=options[1],
                what=spec.what,
            )
        raise ResidenceError([problem(message, code="missing-field")])
    if given:
        parent = given[0]
        wanted = str(data[parent])
        found = ctx.residency.prototypes if parent == "prototype" else ctx.residency.entries
        item = next(
            (i for i in found if (entry_stem(i) if isinstance(i, Entry) else i.id) == wanted),
            None,
        )
        if item is None:
            hint = did_you_mean(suggest(wanted, ctx.ids(parent)))
            if parent == "prototype":
                message = _(
                    "unknown prototype '{id}': it is not in {folder}/{hint}",
                    id=wanted,
                    folder=layout.KINDS["prototype"].folder,
                    hint=hint,
                )
            else:
                message = _(
                    "unknown journal entry '{id}': it is not in {folder}/{hint}",
                    id=wanted,
                    folder=layout.KINDS["journal"].folder,
                    hint=hint,
                )
            raise ResidenceError([problem(message, code="dangling-ref")])
        return source_of(item), key
    stem = spec.home.stem or ""
    return layout.first_existing(ctx.root, stem) or f"{stem}.yaml", key


def read_text(root: Path, rel: str) -> tuple[str, bytes | None, str, Stamp | None]:
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
                    _(
                        "this file is not UTF-8 text: save it as UTF-8 in your editor first; "
                        "nothing was changed"
                    ),
                )
            ]
        ) from None
    return text, data, bom, stamp


def _with_file(
    ctx: Context, rel: str, item: Model, node: Any, replaces: str | None = None
) -> Residency:
    """Return a copy of the residency where ``rel`` holds ``item`` (a new or changed file);
    ``replaces``: the file's old name, gone (a journal entry moved to its new day)."""
    r = ctx.residency
    gone = {rel, replaces}
    candidate = dataclasses.replace(
        r,
        actors=list(r.actors),
        relations=list(r.relations),
        entries=[e for e in r.entries if source_of(e) not in gone],
        prototypes=list(r.prototypes),
        scenarios=list(r.scenarios),
        methods=list(r.methods),
        consents=list(r.consents),
        nodes={k: v for k, v in r.nodes.items() if k != replaces},
        files=sorted({*r.files, rel} - {replaces}),
    )
    candidate.nodes[rel] = node
    set_source(item, rel)
    if isinstance(item, ActorsFile):
        candidate.actors, candidate.relations = list(item.actors), list(item.relations)
        for part in [*item.actors, *item.relations]:
            set_source(part, rel)
    elif isinstance(item, Residence):
        candidate.residence = item
    elif isinstance(item, ConsentFile):
        candidate.consents = list(item.consents)
        for consent in item.consents:
            set_source(consent, rel)
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
    ctx: Context, rel: str, text: str, file_model: type[Model], replaces: str | None = None
) -> tuple[list[Problem], Model | None]:
    """Return the problems a file's new text would add to the residency, as check sees them
    (``replaces``: the file's old name, when it moves)."""
    from residence.check import check_residency

    item, node, found = load_text(text, rel, file_model)
    after = [p for p in ctx.load_problems if p.path not in {rel, replaces}] + found
    if item is not None:
        after += check_residency(_with_file(ctx, rel, item, node, replaces))
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
        item, _node, found = load_text(emit(data), "item.yaml", spec.model)
        if item is None:
            raise ResidenceError([problem(p.message, p.severity, p.code) for p in found])
        rel, ident = new_file_rel(ctx, kind, item, explicit_id)
        if kind != "note" and ident != data.get("id"):
            data["id"] = ident
            data = ordered(spec, data)
        text = file_header(kind, ctx.language, rel, ctx.root) + emit(data)
        new, _item = new_problems(ctx, rel, text, spec.model)
        plan = Plan(kind, ctx.root, rel, text, None, ident)
        return finish(plan, new, relocate(new, rel, "", None, keep_lines=False))
    if spec.slot:
        return plan_set(ctx, kind, data, shown_as="")
    return plan_append(ctx, kind, data, shown_as="")


def _missing(kind: str, data: Mapping[str, Any], shown_as: str) -> list[Problem]:
    """Return a problem for each key the command requires that the format does not."""
    spec = KINDS[kind]
    found = []
    for key in spec.also_required:
        if key in data:
            continue
        where = origin_of(spec, key) if not shown_as else f"'{key}'"
        if key == "alt":
            message = _(
                "{field} is missing: describe the picture for people who cannot see it (a "
                "public report must be accessible)",
                field=where,
            )
        else:
            message = _("{field} is missing", field=where)
        found.append(Problem(shown_as, None, None, "error", "missing-field", message))
    return found


def _check_item(kind: str, data: Mapping[str, Any], shown_as: str) -> None:
    """Raise the problems of an item on its own (its form, what is missing)."""
    spec = KINDS[kind]
    _item, _node, found = load_text(emit(dict(data)), "item.yaml", spec.model)
    problems = [dataclasses.replace(p, path=shown_as, line=None, column=None) for p in found]
    problems += _missing(kind, data, shown_as)
    if has_errors(problems):
        raise ResidenceError(problems)


def _item_data(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the item as written in its file: without the keys naming the file (or the
    file to copy), its keys in the order of the format."""
    spec = KINDS[kind]
    item = {k: v for k, v in data.items() if k not in spec.parents and k != "source"}
    if spec.written is not None:  # in the file, the keys follow FORMAT.md's order
        order = [info.alias or name for name, info in spec.written.model_fields.items()]
        item = {k: item[k] for k in sorted(item, key=order.index)}
    return item


def plan_append(ctx: Context, kind: str, data: Mapping[str, Any], shown_as: str) -> Plan:
    """Return the plan of an item inserted at the end of its list in an existing file."""
    item_data = _item_data(kind, data)
    # A test is checked with its prototype, so that a missing --prototype is said as such.
    _check_item(kind, data, shown_as)
    rel, key = _target(ctx, kind, data)
    if kind in {"actor", "member"} and data.get("id") in taken_ids(ctx, kind):
        values = {
            "id": data["id"],
            "file": rel,
            "free": free_id(str(data["id"]), taken_ids(ctx, kind)),
        }
        if kind == "actor":
            message = _(
                "there is already an actor '{id}' in {file}: choose another id (for example "
                "'{free}')",
                **values,
            )
        else:
            message = _(
                "there is already a team member '{id}' in the team of {file}: choose another id "
                "(for example '{free}')",
                **values,
            )
        raise ResidenceError([problem(message, code="duplicate-id")])
    text, before, bom, stamp = read_text(ctx.root, rel)
    if before is None and kind == "consent":  # the first record: the file as new starts it
        text = consent_file_header(ctx.language, rel, ctx.root)
    insertion = insert_item(text, key, item_data, rel, literal=MARKDOWN_FIELDS)
    copies = _copies(ctx, data)
    new, _item = new_problems(ctx, rel, insertion.text, _file_model(rel))
    if copies:  # the copy is made with the item: check does not find it in media/ yet
        files = {copied for _source, copied in copies}
        new = [p for p in new if not (p.code == "missing-file" and _names(p.message) in files)]
    span = (insertion.first_line, insertion.last_line)
    plan = Plan(kind, ctx.root, rel, bom + insertion.text, before, _ident(kind, data))
    plan.copies = copies
    plan.read_with_context = rel not in ctx.stamps or ctx.stamps[rel] == stamp
    return finish(plan, new, relocate(new, rel, shown_as, span, keep_lines=False))


def _names(message: str) -> str:
    """Return the file a message of check names first ("media/a.jpg: no such file…"; in
    French, a space may come before the colon)."""
    return message.partition(":")[0].rstrip()


def _file_model(rel: str) -> type[Model]:
    """Return the model of the file at ``rel`` (a photo goes to an entry or a prototype)."""
    home = layout.kind_of_path(rel)
    assert home is not None, rel
    return home.model


def _ident(kind: str, data: Mapping[str, Any]) -> str:
    """Return how the messages name a new item: its id, its file, its two ends…"""
    if kind == "relation":
        return f"{data.get('from')} → {data.get('to')}"
    for key in ("id", "file", "actor", "prototype", "entry"):
        if data.get(key):
            return str(data[key])
    return ""


def _copies(ctx: Context, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return the file a photo copies into media/, refusing to replace another one."""
    source, rel = data.get("source"), data.get("file")
    if not isinstance(source, str) or not isinstance(rel, str):
        return []
    found = target_problems(ctx.root, Path(source), rel)
    if found:
        raise ResidenceError(found)
    return [(source, rel)]


def plan_set(ctx: Context, kind: str, data: Mapping[str, Any], shown_as: str) -> Plan:
    """Return the plan of one key set in an existing file: a prototype's handover or stage,
    an entry's day (its file then moves to the name of that day)."""
    spec = KINDS[kind]
    _check_item(kind, data, shown_as)
    rel, key = _target(ctx, kind, data)
    text, before, bom, stamp = read_text(ctx.root, rel)
    item_data = _item_data(kind, data)
    previous = None
    insertion: Insertion
    if kind == "handover":
        found = handover_problems(ctx, str(data.get("prototype")))
        if found:
            raise ResidenceError(found)
        insertion = insert_key(text, key, item_data, rel, literal=MARKDOWN_FIELDS)
    else:
        value = item_data[key]
        owner = next(
            i for i in [*ctx.residency.prototypes, *ctx.residency.entries] if source_of(i) == rel
        )
        old_value = getattr(owner, key)
        previous = _text(old_value)
        insertion = set_scalar(text, key, value, rel)
    target = _moved(ctx, rel, data) if kind == "date" else rel
    new, _item = new_problems(
        ctx, target, insertion.text, _file_model(rel), replaces=rel if target != rel else None
    )
    span = (insertion.first_line, insertion.last_line)
    plan = Plan(kind, ctx.root, target, bom + insertion.text, before, _ident(kind, data))
    plan.previous = previous
    plan.value = _text(item_data[key]) if spec.slot in item_data else None
    if target != rel:
        plan.moved_from = rel
    plan.read_with_context = rel not in ctx.stamps or ctx.stamps[rel] == stamp
    return finish(plan, new, relocate(new, target, shown_as, span, keep_lines=False))


def _text(value: Any) -> str:
    """Return a value as the messages show it (a day as YYYY-MM-DD)."""
    return str(value.isoformat() if hasattr(value, "isoformat") else value)


def _moved(ctx: Context, rel: str, data: Mapping[str, Any]) -> str:
    """Return the name of an entry's file for its new day; refuse a name already taken."""
    folder, _slash, name = rel.rpartition("/")
    stem, _dot, suffix = name.rpartition(".")
    day = _text(data["date"])
    dated = re.match(r"\d{4}-\d{2}-\d{2}(?:-|$)", stem)
    rest = stem[dated.end() :] if dated else stem
    new_name = f"{day}-{rest}.{suffix}" if rest else f"{day}.{suffix}"
    target = f"{folder}/{new_name}" if folder else new_name
    old_stem, new_stem = stem, target.rpartition("/")[2].rpartition(".")[0]
    naming = [source_of(m) for m in ctx.residency.methods if old_stem in m.examples]
    if target != rel and naming:
        raise ResidenceError(
            [
                problem(
                    _(
                        "{files} names the entry {old} as an example: write {new} there "
                        "instead, then run this command again; nothing was changed",
                        files=", ".join(naming),
                        old=old_stem,
                        new=new_stem,
                    ),
                    code="renamed-ref",
                )
            ]
        )
    if target != rel and (ctx.root / target).exists():
        raise ResidenceError(
            [
                problem(
                    _(
                        "{file} already exists: the entry {entry} cannot take its name; "
                        "nothing was changed",
                        file=target,
                        entry=stem,
                    ),
                    code="duplicate-file",
                )
            ]
        )
    return target
