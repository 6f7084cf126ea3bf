# SPDX-License-Identifier: EUPL-1.2
"""Drafts: the file the editor opens, kept in ``.residence/drafts/`` until its item is added.

A draft is started from the template, edited by the user, then turned into a plan; if the
item has a problem, nothing is written and the draft stays, to be finished with ``--draft``.
Nothing here runs the editor: the CLI does, with the command ``editor_command`` returns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import re
import shlex
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from residence.add.kinds import KINDS, Context, Kind
from residence.add.plans import (
    Plan,
    finish,
    new_file_rel,
    new_problems,
    plan_append,
    plan_set,
    relocate,
)
from residence.add.templates import clean_draft, file_header, indent_text_block
from residence.add.values import check_values, load_text, ordered, propose_id, slug
from residence.errors import ResidenceError, has_errors
from residence.fsutil import write_atomic
from residence.i18n import messages
from residence.load import YamlProblem, parse_yaml

_ = messages("add")

DRAFTS = ".residence/drafts"


class DraftAbandoned(Exception):
    """The draft was emptied or left as it was: nothing to add."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "empty" or "unchanged"


def start_draft(root: Path, kind: str, text: str, now: dt.datetime | None = None) -> Path:
    """Write a new draft in ``.residence/drafts/`` and return its path (never replaces one)."""
    now = now or dt.datetime.now()
    folder = root / DRAFTS
    ignore = root / ".residence" / ".gitignore"
    if not ignore.exists():
        # Drafts may hold private notes: keep them out of git and of shared archives.
        try:
            write_atomic(
                ignore, "# Drafts of 'residence add': never commit them.\n*\n", exclusive=True
            )
        except FileExistsError:
            pass
    base = f"{now:%Y%m%d-%H%M%S}-{kind}"
    n = 1
    while True:
        path = folder / (f"{base}.yaml" if n == 1 else f"{base}-{n}.yaml")
        try:
            write_atomic(path, text, exclusive=True)
        except FileExistsError:
            n += 1
            continue
        return path


def draft_path(ctx: Context, given: Path) -> Path:
    """Return a draft given with --draft, refusing a path outside the residency folder."""
    path = given if given.is_absolute() else Path.cwd() / given
    try:
        path.resolve().relative_to(ctx.root.resolve())
    except ValueError:
        raise ResidenceError(
            _(
                "'{draft}' is outside the residency folder: drafts live in {folder}/",
                draft=given,
                folder=DRAFTS,
            ),
            usage=True,
        ) from None
    if not path.is_file():
        raise ResidenceError(_("no draft '{draft}'", draft=given), usage=True)
    return path


def _fill_id(text: str, value: Any, spec: Kind, ctx: Context) -> str:
    """Give a draft without an id the slug of its title (or name), not yet taken."""
    if "id" not in spec.order or not isinstance(value, dict) or value.get("id"):
        return text
    title = value.get("name" if spec.name in {"actor", "member"} else "title")
    if not isinstance(title, str) or not slug(title):
        return text
    ident = propose_id(ctx, spec.name, title)
    pattern = re.compile(r"^id:[ \t]*(#.*)?$", re.MULTILINE)
    if pattern.search(text):
        return pattern.sub(
            lambda m: f"id: {ident}" + (f"  {m.group(1)}" if m.group(1) else ""), text, count=1
        )
    lines = text.split("\n")
    at = next(
        (i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")),
        len(lines),
    )
    lines.insert(at, f"id: {ident}")
    return "\n".join(lines)


def plan_from_draft(
    ctx: Context,
    kind: str,
    draft: Path,
    template: str | None = None,
    *,
    abandon_unchanged: bool = True,
) -> Plan:
    """Return the plan of the item written in a draft file; raise ResidenceError.

    Problems point at the draft's lines. ``template`` is the text the draft started from:
    its comment lines are left out of the file written, and a draft left as it was is
    abandoned (DraftAbandoned) unless ``abandon_unchanged`` is false, as is an empty one.
    """
    plan = _plan_from_draft(ctx, kind, draft, template, abandon_unchanged)
    plan.remake = functools.partial(
        plan_from_draft,
        kind=kind,
        draft=draft,
        template=template,
        abandon_unchanged=abandon_unchanged,
    )
    return plan


def _plan_from_draft(
    ctx: Context, kind: str, draft: Path, template: str | None, abandon_unchanged: bool
) -> Plan:
    spec = KINDS[kind]
    rel = draft.resolve().relative_to(ctx.root.resolve()).as_posix()
    data = draft.read_bytes()
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        _item, _node, found = load_text(data, rel, spec.model)
        raise ResidenceError(found) from None
    if abandon_unchanged and template is not None and text == template:
        raise DraftAbandoned("unchanged")
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        raise DraftAbandoned("empty")
    try:
        _root, value = parse_yaml(text)
    except YamlProblem:
        value = None
    filled = _fill_id(text, value, spec, ctx)
    if filled != text:
        write_atomic(draft, filled)
        text = filled
    try:
        return _plan_draft_text(ctx, kind, rel, text, template)
    except ResidenceError as first:
        fixed = indent_text_block(text, spec.text) if spec.text else None
        if fixed is None:
            raise
        try:  # the id is made once the text reads as YAML, as above
            _root, fixed_value = parse_yaml(fixed)
            fixed = _fill_id(fixed, fixed_value, spec, ctx)
            plan = _plan_draft_text(ctx, kind, rel, fixed, template)
        except (ResidenceError, YamlProblem):
            raise first from None
        write_atomic(draft, fixed)
        plan.note = _("the lines under '{key}:' were indented for you", key=spec.text)
        return plan


def _plan_draft_text(ctx: Context, kind: str, rel: str, text: str, template: str | None) -> Plan:
    """Return the plan of a draft's text; problems point at the draft (``rel``)."""
    spec = KINDS[kind]
    item, _node, found = load_text(text, rel, spec.model)
    if item is None:
        raise ResidenceError(found)
    if spec.joins:
        values = item.model_dump(mode="python", by_alias=True, exclude_unset=True)
        values = ordered(spec, {k: v for k, v in values.items() if v not in (None, [], {}, "")})
        parents = {k: values[k] for k in spec.parents if k in values}
        if parents or kind == "photo":
            if kind == "photo":
                parents.update({k: values[k] for k in ("source", "file") if k in values})
            origins = {k: f"{k}:" for k in parents}
            refs = check_values(ctx, kind, parents, origins)
            if refs:
                raise ResidenceError([dataclasses.replace(p, path=rel) for p in refs])
        if spec.slot:
            return plan_set(ctx, kind, values, shown_as=rel)
        return plan_append(ctx, kind, values, shown_as=rel)
    explicit = kind != "note"
    target, ident = new_file_rel(ctx, kind, item, explicit)
    # Keep the team's own comments, not the template's explanations.
    clean = clean_draft(text, template)
    try:
        same = parse_yaml(clean)[1] == parse_yaml(text)[1]
    except YamlProblem:
        same = False
    body = clean if same and clean else text
    written = file_header(kind, ctx.language, target, ctx.root) + body
    plan = Plan(kind, ctx.root, target, written, None, ident)
    new, _item = new_problems(ctx, target, written, spec.model)
    if has_errors(new):  # point at the draft's lines, where the user will fix them
        new, _item = new_problems(ctx, target, text, spec.model)
        return finish(plan, new, relocate(new, target, rel, None, keep_lines=True))
    return finish(plan, new, new)


# -- the editor --------------------------------------------------------------------------


def editor_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """Return the editor to run: EDITOR, then VISUAL, then nano, editor, vi (notepad)."""
    environ = os.environ if environ is None else environ
    for name in ("EDITOR", "VISUAL"):
        value = environ.get(name, "").strip()
        if value:
            return shlex.split(value, posix=os.name != "nt")
    if os.name == "nt":
        return ["notepad"]
    for candidate in ("nano", "editor", "vi"):
        found = shutil.which(candidate)
        if found:
            return [found]
    raise ResidenceError(
        _(
            "no text editor found: set the EDITOR variable (for example EDITOR=nano), or give "
            "every field as an option"
        ),
        usage=True,
    )


def is_interactive() -> bool:
    """Tell whether someone is at the keyboard (stdin is a terminal)."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
