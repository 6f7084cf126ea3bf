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

if TYPE_CHECKING:
    from residence.add import Plan

#: `residence add`'s commands in the order --help lists them: the journal first, then the
#: map, the prototypes and the rest, as a team meets them.
ADD_ORDER = (
    "note", "actor", "relation", "prototype", "test", "scenario", "method", "member",
    "consent", "quote", "photo", "handover", "follow-up",
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
    help="Add a journal entry, an actor, a relation, a prototype, a test session, a scenario, "
    "a method sheet, a team member, a consent record, a quote, a photo, a handover or a "
    "follow-up visit, from options or in your text editor. Never overwrites anything.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

set_app = typer.Typer(
    name="set",
    help="Change one value in place: a prototype's stage, a journal entry's day. Every other "
    "byte of the file stays as it was.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EditOpt = Annotated[
    bool | None,
    typer.Option(
        "--edit/--no-edit",
        help="Open the editor (EDITOR, then VISUAL) on a commented template, or never open it. "
        "Default: open it when a required field or the main text is missing.",
        show_default=False,
    ),
]
DraftOpt = Annotated[
    Path | None,
    typer.Option(
        "--draft",
        help="Finish a draft kept by an earlier attempt (DIR/.residence/drafts/…).",
        show_default=False,
    ),
]


def opt(name: str, help: str) -> Any:
    """Return an option without a default shown in --help."""
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
            output.say(f"\nInterrupted: nothing was written. Your draft is kept in {step.path}")
            raise typer.Exit(code=130) from None
    else:
        plan = step
    _added(plan)


def _added(plan: Plan) -> None:
    from residence.add import KINDS

    spec = KINDS[plan.kind]
    output.print_problems(plan.warnings)
    if plan.note:
        output.say(f"Note: {plan.note}.")
    for source, rel in plan.copies:
        if rel in plan.copied:
            output.say(f"Copied {source} to {plan.root / rel}.")
        else:
            output.say(f"{plan.root / rel} is already there with the same content: it is used.")
    if spec.command == "set":
        _changed(plan)
    else:
        verb = "Created" if plan.before is None else "Updated"
        name = "" if plan.kind == "note" or not plan.ident else f" '{plan.ident}'"
        if plan.kind in {"quote", "consent", "handover"} and plan.ident:
            name = f" of '{plan.ident}'"
        output.say(f"{verb} {plan.path}: added the {spec.what}{name}.")
    output.echo(str(plan.path))


def _changed(plan: Plan) -> None:
    """Say what `residence set` changed (or that the value was already there)."""
    if plan.kind == "date":
        if plan.unchanged:
            output.say(
                f"The entry {plan.ident} is already dated {plan.value}: nothing was changed."
            )
        elif plan.moved_from:
            output.say(
                f"Moved {plan.root / plan.moved_from} to {plan.path}: the entry is dated "
                f"{plan.value} and its file name says so."
            )
        else:
            output.say(f"Updated {plan.path}: the entry is dated {plan.value}.")
        return
    if plan.unchanged:
        output.say(
            f"The prototype '{plan.ident}' is already at the stage {plan.value}: nothing was "
            "changed."
        )
    else:
        output.say(f"Updated {plan.path}: stage {plan.previous} → {plan.value}.")


def _run_editor(draft: pipeline.Draft) -> None:
    command = pipeline.editor_command(draft)
    try:
        result = subprocess.run([*command, str(draft.path)], check=False)
    except OSError as exc:
        raise pipeline.DraftKept(
            f"cannot start the editor '{command[0]}' ({exc.strerror or exc}): "
            "set the EDITOR variable, for example EDITOR=nano",
            draft.path,
            usage=True,
        ) from None
    if result.returncode != 0:
        output.say(
            f"The editor stopped with an error (status {result.returncode}): nothing was "
            f"written. Your draft is kept in {draft.path}"
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
            why = "empty" if attempt.abandoned == "empty" else "left as it was"
            output.say(f"Nothing was added: the draft was {why}.")
            raise typer.Exit(code=1)
        output.print_problems(attempt.problems)
        output.say(f"Nothing was written. Your draft is kept in {draft.path}")
        if (
            draft.edit
            and is_interactive()
            and typer.confirm("Open the editor again to fix it?", default=True, err=True)
        ):
            continue
        output.say(
            f"To finish it later: residence add {draft.kind} {draft.folder} --draft {draft.path}"
        )
        raise typer.Exit(code=1)
