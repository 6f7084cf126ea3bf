# SPDX-License-Identifier: EUPL-1.2
"""`residence add member|consent|quote|photo|handover|follow-up`, `residence set stage|date`
and `residence tag`: the records a team keeps beside its journal, and the values and codes
it changes as it goes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from residence import layout
from residence.cli import output
from residence.cli.adding import DraftOpt, EditOpt, add_app, opt, run_add, set_app
from residence.cli.options import DirArg
from residence.i18n import messages

if TYPE_CHECKING:
    from residence.add.tagging import Tagging

_ = messages("messages")

# -- add -----------------------------------------------------------------------------------


@add_app.command(
    "member",
    help=_(
        "Add a team member at the end of the team of residence.yaml, keeping the file "
        "as it is.\n\n"
        'Example: residence add member --name "Youssef Amrani" --role resident '
        "--discipline sociologue. Their id (youssef) is what --author and "
        "RESIDENCE_AUTHOR name."
    ),
)
def add_member(
    folder: DirArg = Path("."),
    name: Annotated[str | None, opt("--name", _("The member's name, as in the credits."))] = None,
    id: Annotated[
        str | None,
        opt("--id", _("A short id (default: the first name, or the whole name if it is taken).")),
    ] = None,
    role: Annotated[
        str | None,
        opt("--role", _("resident, agent (the local authority's own), coordinator or guest.")),
    ] = None,
    discipline: Annotated[
        str | None, opt("--discipline", _("Their trade: designer, sociologist, architect…"))
    ] = None,
    organisation: Annotated[
        str | None, opt("--organisation", _("Their studio, lab or department."))
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {
        "id": id,
        "name": name,
        "role": role,
        "discipline": discipline,
        "organisation": organisation,
    }
    run_add(folder, "member", values, edit, draft)


@add_app.command(
    "consent",
    help=_(
        "Add a consent record at the end of private/consent.yaml (created if missing).\n\n"
        "The most recent record of a person counts: to withdraw a consent, add one with "
        "--scope none. Example: residence add consent --actor lea-martin --scope public "
        "--guardians."
    ),
)
def add_consent(
    folder: DirArg = Path("."),
    actor: Annotated[
        str | None, opt("--actor", _("Id of the person (a personal actor of actors.yaml)."))
    ] = None,
    scope: Annotated[
        str | None,
        opt("--scope", _("public (may be named), internal (the team only) or none (withdrawn).")),
    ] = None,
    date: Annotated[
        str | None,
        opt(
            "--date",
            _("When it was given or withdrawn, YYYY-MM-DD or DD/MM/YYYY (default: today)."),
        ),
    ] = None,
    guardians: Annotated[
        bool,
        typer.Option(
            "--guardians",
            help=_(
                "For a minor: every holder of parental authority agreed (without it, a "
                "public consent counts as internal)."
            ),
        ),
    ] = False,
    notes: Annotated[str | None, opt("--notes", _("Anything worth remembering."))] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {
        "actor": actor,
        "scope": scope,
        "date": date,
        "guardians": True if guardians else None,
        "notes": notes,
    }
    run_add(folder, "consent", values, edit, draft)


@add_app.command(
    "quote",
    help=_(
        "Add a quote at the end of a journal entry's quotes, keeping its file as it is.\n\n"
        "Example: residence add quote --entry 2026-01-16-entretien-jeanne --actor "
        'jeanne-martin --text "Je ne sais jamais à quel guichet aller."'
    ),
)
def add_quote(
    folder: DirArg = Path("."),
    entry: Annotated[
        str | None,
        opt("--entry", _("The journal entry where it was heard (its file name without .yaml).")),
    ] = None,
    actor: Annotated[str | None, opt("--actor", _("Id of the actor who said it."))] = None,
    text: Annotated[
        str | None,
        opt("--text", _("The words, as heard; '-' reads them from standard input.")),
    ] = None,
    tag: Annotated[
        list[str] | None, opt("--tag", _("A code (tag) of these words; repeat for several."))
    ] = None,
    team_only: Annotated[
        bool,
        typer.Option("--team-only", help=_("Keep the quote inside the team: never published.")),
    ] = False,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {
        "entry": entry,
        "actor": actor,
        "text": text,
        "tags": tag,
        "visibility": "team" if team_only else None,
    }
    run_add(folder, "quote", values, edit, draft)


@add_app.command(
    "photo",
    help=_(
        "Add a photo to a journal entry (or a prototype), copying FILE into media/.\n\n"
        "The copy keeps the file's name, made safe (IMG_1234.JPG -> "
        "media/img-1234.jpg). A file already in media/ with the same bytes is used as "
        "it is; one with other bytes is never replaced. Example: residence add photo "
        '~/IMG_1234.JPG --entry 2026-01-16-visite-du-hall --alt "Le hall vide à 8 h" '
        '--credit "Claire Dumas" --people agent-accueil.'
    ),
)
def add_photo(
    file: Annotated[
        Path | None,
        typer.Argument(
            help=_(
                "The picture to add (jpg, png, webp, svg, gif or pdf): copied into media/ "
                "unless it is there already."
            ),
            show_default=False,
        ),
    ] = None,
    folder: DirArg = Path("."),
    entry: Annotated[
        str | None,
        opt("--entry", _("The journal entry it goes to (its file name without .yaml).")),
    ] = None,
    prototype: Annotated[
        str | None, opt("--prototype", _("Or the prototype it goes to (its id)."))
    ] = None,
    alt: Annotated[
        str | None,
        opt("--alt", _("What the picture shows, for people who cannot see it (required).")),
    ] = None,
    caption: Annotated[str | None, opt("--caption", _("A caption shown under it."))] = None,
    credit: Annotated[str | None, opt("--credit", _("Who took or drew it."))] = None,
    people: Annotated[
        list[str] | None,
        opt(
            "--people",
            _("Ids of the actors recognisable in it, separated by commas (or repeat the option)."),
        ),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {
        "entry": entry,
        "prototype": prototype,
        "source": str(file) if file is not None else None,
        "alt": alt,
        "caption": caption,
        "credit": credit,
        "people": people,
    }
    run_add(folder, "photo", values, edit, draft)


@add_app.command(
    "handover",
    help=_(
        "Say who carries a prototype on after the residency: its handover.\n\n"
        "A prototype is handed over once: when it has a handover already, change it in "
        "its file. Example: residence add handover panneau-orientation --to mairie "
        '--conditions "Impression sur le budget de l\'accueil."'
    ),
)
def add_handover(
    prototype: Annotated[
        str | None,
        typer.Argument(help=_("Id of the prototype handed over."), show_default=False),
    ] = None,
    folder: DirArg = Path("."),
    to: Annotated[
        list[str] | None,
        opt("--to", _("Id of an actor who carries it on; separate several with commas.")),
    ] = None,
    date: Annotated[
        str | None,
        opt("--date", _("Day of the handover, YYYY-MM-DD or DD/MM/YYYY (default: today).")),
    ] = None,
    conditions: Annotated[
        str | None,
        opt(
            "--conditions",
            _("Budget, support, what is still missing (Markdown); '-' reads standard input."),
        ),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {"prototype": prototype, "to": to, "date": date, "conditions": conditions}
    run_add(folder, "handover", values, edit, draft)


@add_app.command(
    "follow-up",
    help=_("Add a follow-up visit, months later, at the end of the follow_ups of residence.yaml."),
)
def add_follow_up(
    folder: DirArg = Path("."),
    date: Annotated[
        str | None,
        opt("--date", _("Day of the visit, YYYY-MM-DD or DD/MM/YYYY (default: today).")),
    ] = None,
    by: Annotated[
        str | None,
        opt("--by", _("Who made the visit (default: the names of RESIDENCE_AUTHOR).")),
    ] = None,
    observations: Annotated[
        str | None,
        opt(
            "--observations",
            _(
                "What became of the prototypes (Markdown); '-' reads standard input. Without it, "
                "your editor opens."
            ),
        ),
    ] = None,
    edit: EditOpt = None,
    draft: DraftOpt = None,
) -> None:
    values = {"date": date, "by": by, "observations": observations}
    run_add(folder, "follow-up", values, edit, draft)


# -- set -----------------------------------------------------------------------------------


@set_app.command(
    "stage",
    help=_(
        "Change the stage of a prototype: only that value changes in its file.\n\n"
        "Example: residence set stage panneau-orientation adopted."
    ),
)
def set_stage(
    prototype: Annotated[str, typer.Argument(help=_("Id of the prototype."), show_default=False)],
    stage: Annotated[
        str,
        typer.Argument(
            help=_(
                "idea, sketch, mock-up, live-test, adopted or abandoned (or their French words: "
                "idée, esquisse, maquette, adopté…)."
            ),
            show_default=False,
        ),
    ],
    folder: DirArg = Path("."),
) -> None:
    run_add(folder, "stage", {"prototype": prototype, "stage": stage}, False, None)


@set_app.command(
    "date",
    help=_(
        "Change the day of a journal entry, and rename its file to start with that day.\n\n"
        "The file is never renamed over another one. Given the day the entry already "
        "has, only the file is renamed (after the date was changed by hand). Example: "
        "residence set date 2026-01-15-visite-du-hall 16/01/2026."
    ),
)
def set_date(
    entry: Annotated[
        str,
        typer.Argument(
            help=_("The journal entry (its file name without .yaml)."), show_default=False
        ),
    ],
    date: Annotated[
        str,
        typer.Argument(
            help=_("Its day: YYYY-MM-DD, DD/MM/YYYY, today or yesterday."), show_default=False
        ),
    ],
    folder: DirArg = Path("."),
) -> None:
    run_add(folder, "date", {"entry": entry, "date": date}, False, None)


# -- tag -----------------------------------------------------------------------------------

TAG_HELP = _(
    "Add codes (tags) to a journal entry, or to one of its quotes; --remove takes them "
    "away. Only the tags change in its file: comments, order and quotes stay.\n\n"
    "ENTRY is the entry's file name without .yaml, its path, or any part only it has (its "
    "day, the end of its name). A tag already there, in any case or accents, is not added "
    "twice. The folder comes last, after the tags, or from ENTRY's path. Example: "
    "residence tag 2026-01-13-file-attente attente accueil --quote 2."
)


def tag(
    entry: Annotated[
        str,
        typer.Argument(
            help=_("The journal entry: its file name without .yaml, or its path."),
            show_default=False,
        ),
    ],
    tags: Annotated[
        list[str],
        typer.Argument(
            metavar="TAG...",
            help=_(
                "The tags (codes); separate them with spaces or commas. The residency folder "
                "may come last (default: the current folder)."
            ),
            show_default=False,
        ),
    ],
    quote: Annotated[
        int | None,
        opt("--quote", _("Tag the entry's quote N (counting from 1) instead of the entry.")),
    ] = None,
    remove: Annotated[
        bool, typer.Option("--remove", help=_("Take the tags away instead of adding them."))
    ] = False,
) -> None:
    from residence.add.tagging import tag_entry

    folder, words = _tag_folder(entry, tags)
    done = tag_entry(folder, entry, words, quote=quote, remove=remove)
    output.print_problems(done.plan.warnings)
    for line in _tagged(done):
        output.say(line)
    output.echo(str(done.plan.path))


def _is_residency(path: Path) -> bool:
    return path.is_dir() and layout.first_existing(path, "residence") is not None


def _tag_folder(entry: str, tags: list[str]) -> tuple[Path, list[str]]:
    """Return the residency folder and the tags: the folder is the last argument when it
    is one (a folder with residence.yaml), else the one ENTRY's path is in, else here."""
    if tags and _is_residency(Path(tags[-1])):
        return Path(tags[-1]), tags[:-1]
    path = Path(entry).expanduser()
    if path.is_file():
        for parent in [path.parent, *path.parent.parents]:
            if _is_residency(parent):
                return parent, tags
    return Path("."), tags


def _tagged(done: Tagging) -> list[str]:
    """Return what `residence tag` says it did: whole sentences, per case."""
    values = {"path": done.plan.path, "entry": done.entry, "quote": done.quote}
    lines = []
    if done.changed:
        n, shown = len(done.changed), _quoted(done.changed)
        if done.remove and done.quote is None:
            lines.append(
                _.plural(
                    "Updated {path}: removed the tag {tags}.",
                    "Updated {path}: removed the tags {tags}.",
                    n,
                    tags=shown,
                    **values,
                )
            )
        elif done.remove:
            lines.append(
                _.plural(
                    "Updated {path}: removed the tag {tags} from quote {quote}.",
                    "Updated {path}: removed the tags {tags} from quote {quote}.",
                    n,
                    tags=shown,
                    **values,
                )
            )
        elif done.quote is None:
            lines.append(
                _.plural(
                    "Updated {path}: added the tag {tags}.",
                    "Updated {path}: added the tags {tags}.",
                    n,
                    tags=shown,
                    **values,
                )
            )
        else:
            lines.append(
                _.plural(
                    "Updated {path}: added the tag {tags} to quote {quote}.",
                    "Updated {path}: added the tags {tags} to quote {quote}.",
                    n,
                    tags=shown,
                    **values,
                )
            )
    if done.unchanged:
        n, shown = len(done.unchanged), _quoted(done.unchanged)
        if done.remove and done.quote is None:
            said = _.plural(
                "The entry {entry} has no tag {tags}: nothing to remove.",
                "The entry {entry} has none of the tags {tags}: nothing to remove.",
                n,
                tags=shown,
                **values,
            )
        elif done.remove:
            said = _.plural(
                "Quote {quote} of the entry {entry} has no tag {tags}: nothing to remove.",
                "Quote {quote} of the entry {entry} has none of the tags {tags}: nothing to "
                "remove.",
                n,
                tags=shown,
                **values,
            )
        elif done.quote is None:
            said = _.plural(
                "The entry {entry} already has the tag {tags}: it is not added twice.",
                "The entry {entry} already has the tags {tags}: they are not added twice.",
                n,
                tags=shown,
                **values,
            )
        else:
            said = _.plural(
                "Quote {quote} of the entry {entry} already has the tag {tags}: it is not "
                "added twice.",
                "Quote {quote} of the entry {entry} already has the tags {tags}: they are not "
                "added twice.",
                n,
                tags=shown,
                **values,
            )
        lines.append(said)
    return lines


def _quoted(tags: list[str]) -> str:
    return ", ".join(f"'{t}'" for t in tags)
