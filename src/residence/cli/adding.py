# SPDX-License-Identifier: EUPL-1.2
"""The `residence add` and `residence set` groups: their shared options, the editor loop, and
what is said once an item is added or a value changed.

The commands themselves are in ``authoring`` (the journal, actors, prototypes…) and
``records`` (the team, consent, quotes, photos, handovers, follow-up visits, `set`).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from residence import pipeline
from residence.cli import output
from residence.i18n import messages

if TYPE_CHECKING:
    from residence.add import Plan

_ = messages("messages")

#: `residence add`'s commands in the order --help lists them: the journal first, then the
#: map, the prototypes and the rest, as a team meets them.
ADD_ORDER = (
    "note", "actor", "relation", "prototype", "test", "scenario", "method", "member",
    "consent", "quote", "photo", "insight", "handover", "follow-up",
)  # fmt: skip


class _InOrder(TyperGroup):
    """A group whose --help lists its commands in ADD_ORDER (any other after them)."""

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        names = super().list_commands(ctx)
        last = len(ADD_ORDER)
        return sorted(names, key=lambda n: ADD_ORDER.index(n) if n in ADD_ORDER else last)


add_app = typer.Typer(
    name="add",
    cls=_InOrder,
    help=_(
        "Add a journal entry, an actor, a relation, a prototype, a test session, a scenario, "
        "a method sheet, a team member, a consent record, a quote, a photo, an insight, a "
        "handover or a follow-up visit, from options or in your text editor. Never "
        "overwrites anything."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

set_app = typer.Typer(
    name="set",
    help=_(
        "Change one value in place: a prototype's stage, a journal entry's day. Every other "
        "byte of the file stays as it was."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EditOpt = Annotated[
    bool | None,
    typer.Option(
        "--edit/--no-edit",
        help=_(
            "Open the editor (EDITOR, then VISUAL) on a commented template, or never open "
            "it. Default: open it when a required field or the main text is missing."
        ),
        show_default=False,
    ),
]
DraftOpt = Annotated[
    Path | None,
    typer.Option(
        "--draft",
        help=_("Finish a draft kept by an earlier attempt (DIR/.residence/drafts/…)."),
        show_default=False,
    ),
]


def opt(name: str, help: str) -> Any:
    """Return an option without a default shown in --help (``help`` made with ``_``)."""
    return typer.Option(name, help=help, show_default=False)


def run_add(
    folder: Path, kind: str, values: dict[str, Any], edit: bool | None, draft: Path | None
) -> None:
    """Add one item: from the options, or through the editor; exit 1 if it is invalid."""
    step = pipeline.start_add(folder, kind, values, edit=edit, draft=draft)
    if isinstance(step, pipeline.Draft):
        try:
            plan = _edit_loop(step)
        except KeyboardInterrupt:
            said = _(
                "Interrupted: nothing was written. Your draft is kept in {path}", path=step.path
            )
            output.say("\n" + said)
            raise typer.Exit(code=130) from None
    else:
        plan = step
    _added(plan)


def _added(plan: Plan) -> None:
    from residence.add import KINDS

    spec = KINDS[plan.kind]
    output.print_problems(plan.warnings)
    if plan.note:
        output.say(_("Note: {note}.", note=plan.note))
    for source, rel in plan.copies:
        if rel in plan.copied:
            output.say(_("Copied {source} to {dest}.", source=source, dest=plan.root / rel))
        else:
            output.say(
                _(
                    "{path} is already there with the same content: it is used.",
                    path=plan.root / rel,
                )
            )
    if spec.command == "set":
        _changed(plan)
    elif plan.before is None:
        output.say(_created(plan.kind, path=plan.path, name=plan.ident))
    else:
        output.say(_updated(plan.kind, path=plan.path, name=plan.ident))
    output.echo(str(plan.path))


def _created(kind: str, **values: Any) -> str:
    """Return what is said once an item is added in a new file (per kind: whole sentences)."""
    if kind == "note":
        return _("Created {path}: added the journal entry.", **values)
    if kind == "actor":
        return _("Created {path}: added the actor '{name}'.", **values)
    if kind == "relation":
        return _("Created {path}: added the relation '{name}'.", **values)
    if kind == "prototype":
        return _("Created {path}: added the prototype '{name}'.", **values)
    if kind == "test":
        return _("Created {path}: added the test session '{name}'.", **values)
    if kind == "scenario":
        return _("Created {path}: added the scenario '{name}'.", **values)
    if kind == "method":
        return _("Created {path}: added the method sheet '{name}'.", **values)
    if kind == "member":
        return _("Created {path}: added the team member '{name}'.", **values)
    if kind == "consent":
        return _("Created {path}: added the consent record of '{name}'.", **values)
    if kind == "quote":
        return _("Created {path}: added the quote of '{name}'.", **values)
    if kind == "photo":
        return _("Created {path}: added the photo '{name}'.", **values)
    if kind == "insight":
        return _("Created {path}: added the insight '{name}'.", **values)
    if kind == "handover":
        return _("Created {path}: added the handover of '{name}'.", **values)
    return _("Created {path}: added the follow-up visit.", **values)


def _updated(kind: str, **values: Any) -> str:
    """Return what is said once an item is added to a file that was there (per kind)."""
    if kind == "note":
        return _("Updated {path}: added the journal entry.", **values)
    if kind == "actor":
        return _("Updated {path}: added the actor '{name}'.", **values)
    if kind == "relation":
        return _("Updated {path}: added the relation '{name}'.", **values)
    if kind == "prototype":
        return _("Updated {path}: added the prototype '{name}'.", **values)
    if kind == "test":
        return _("Updated {path}: added the test session '{name}'.", **values)
    if kind == "scenario":
        return _("Updated {path}: added the scenario '{name}'.", **values)
    if kind == "method":
        return _("Updated {path}: added the method sheet '{name}'.", **values)
    if kind == "member":
        return _("Updated {path}: added the team member '{name}'.", **values)
    if kind == "consent":
        return _("Updated {path}: added the consent record of '{name}'.", **values)
    if kind == "quote":
        return _("Updated {path}: added the quote of '{name}'.", **values)
    if kind == "photo":
        return _("Updated {path}: added the photo '{name}'.", **values)
    if kind == "insight":
        return _("Updated {path}: added the insight '{name}'.", **values)
    if kind == "handover":
        return _("Updated {path}: added the handover of '{name}'.", **values)
    return _("Updated {path}: added the follow-up visit.", **values)


def _changed(plan: Plan) -> None:
    """Say what `residence set` changed (or that the value was already there)."""
    if plan.kind == "date":
        if plan.unchanged:
            said = _(
                "The entry {entry} is already dated {day}: nothing was changed.",
                entry=plan.ident,
                day=plan.value,
            )
        elif plan.moved_from:
            said = _(
                "Moved {source} to {path}: the entry is dated {day} and its file name says so.",
                source=plan.root / plan.moved_from,
                path=plan.path,
                day=plan.value,
            )
        else:
            said = _("Updated {path}: the entry is dated {day}.", path=plan.path, day=plan.value)
    elif plan.unchanged:
        said = _(
            "The prototype '{id}' is already at the stage {stage}: nothing was changed.",
            id=plan.ident,
            stage=plan.value,
        )
    else:
        said = _(
            "Updated {path}: stage {previous} → {stage}.",
            path=plan.path,
            previous=plan.previous,
            stage=plan.value,
        )
    output.say(said)


def _run_editor(draft: pipeline.Draft) -> None:
    command = pipeline.editor_command(draft)
    try:
        result = subprocess.run([*command, str(draft.path)], check=False)
    except OSError as exc:
        raise pipeline.DraftKept(
            _(
                "cannot start the editor '{editor}' ({reason}): set the EDITOR variable, for "
                "example EDITOR=nano",
                editor=command[0],
                reason=exc.strerror or exc,
            ),
            draft.path,
            usage=True,
        ) from None
    if result.returncode != 0:
        output.say(
            _(
                "The editor stopped with an error (status {status}): nothing was written. "
                "Your draft is kept in {path}",
                status=result.returncode,
                path=draft.path,
            )
        )
        raise typer.Exit(code=1)


def _edit_loop(draft: pipeline.Draft) -> Plan:
    """Open the editor on the draft until it gives a valid item; return its plan."""
    from residence.add import is_interactive

    while True:
        if draft.edit:
            _run_editor(draft)
        attempt = pipeline.finish_draft(draft)
        if attempt.plan is not None:
            return attempt.plan
        if attempt.abandoned:
            if attempt.abandoned == "empty":
                output.say(_("Nothing was added: the draft was empty."))
            else:
                output.say(_("Nothing was added: the draft was left as it was."))
            raise typer.Exit(code=1)
        output.print_problems(attempt.problems)
        output.say(_("Nothing was written. Your draft is kept in {path}", path=draft.path))
        if (
            draft.edit
            and is_interactive()
            and typer.confirm(_("Open the editor again to fix it?"), default=True, err=True)
        ):
            continue
        output.say(
            _(
                "To finish it later: residence add {kind} {folder} --draft {path}",
                kind=draft.kind,
                folder=draft.folder,
                path=draft.path,
            )
        )
        raise typer.Exit(code=1)
