"""Cross-file rules of FORMAT.md: references, weeks, media, consent; returns problems."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from residence.errors import Problem, Severity, either, sort_problems
from residence.i18n import messages
from residence.licences import LICENCE_IDS
from residence.mediapaths import media_path_problem
from residence.models import Media, Prototype, Residency
from residence.models.residency import entry_stem, source_of
from residence.positions import locate
from residence.text import closest

__all__ = ["IMAGE_SUFFIXES", "MEDIA_SUFFIXES", "check_residency", "media_path_problem", "strict"]

_ = messages("problems")

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg"}
MEDIA_SUFFIXES = IMAGE_SUFFIXES | {".pdf"}


def _unknown_actor(ref: str, known: set[str], *, relation: bool = False) -> str:
    """Return the "unknown actor" message: the nearest ids, and the command that adds one."""
    command = f'residence add actor --id {ref} --name "…"'
    ids = sorted(known)
    close = closest(ref, ids, n=3)
    nearest = [] if close else closest(ref, ids, n=3, cutoff=0.0)
    names = ", ".join(f"'{n}'" for n in nearest)
    if relation:
        if close:
            return _(
                "unknown actor '{ref}': a relation must join two actors listed under "
                "'actors:' — did you mean {choices}? If it is a new actor, add it: {command}",
                ref=ref,
                choices=either(close),
                command=command,
            )
        if nearest:
            return _(
                "unknown actor '{ref}': a relation must join two actors listed under "
                "'actors:' (the nearest ids: {names}); if it is a new actor, add it: {command}",
                ref=ref,
                names=names,
                command=command,
            )
        return _(
            "unknown actor '{ref}': a relation must join two actors listed under "
            "'actors:'; add it: {command}",
            ref=ref,
            command=command,
        )
    if close:
        return _(
            "unknown actor '{ref}': it is not in actors.yaml — did you mean {choices}? "
            "If it is a new actor, add it: {command}",
            ref=ref,
            choices=either(close),
            command=command,
        )
    if nearest:
        return _(
            "unknown actor '{ref}': it is not in actors.yaml (the nearest ids: {names}); "
            "if it is a new actor, add it: {command}",
            ref=ref,
            names=names,
            command=command,
        )
    return _(
        "unknown actor '{ref}': it is not in actors.yaml; add it: {command}",
        ref=ref,
        command=command,
    )


def _unknown(what: str, ref: str, known: set[str]) -> str:
    """Return the message of an id that is not in ``known``; ``what`` names its kind."""
    if what == "actor":
        return _unknown_actor(ref, known)
    close = closest(ref, sorted(known))
    choices = either(close)
    if what == "team member":
        if close:
            return _(
                "unknown team member '{ref}': it is not in the team of residence.yaml — "
                "did you mean {choices}?",
                ref=ref,
                choices=choices,
            )
        if not known:
            return _(
                "unknown team member '{ref}': it is not in the team of residence.yaml "
                "(there is no team member yet)",
                ref=ref,
            )
        return _("unknown team member '{ref}': it is not in the team of residence.yaml", ref=ref)
    if what == "prototype":
        if close:
            return _(
                "unknown prototype '{ref}': it is not in prototypes/ — did you mean {choices}?",
                ref=ref,
                choices=choices,
            )
        if not known:
            return _(
                "unknown prototype '{ref}': it is not in prototypes/ (there is no prototype yet)",
                ref=ref,
            )
        return _("unknown prototype '{ref}': it is not in prototypes/", ref=ref)
    if what == "method":
        if close:
            return _(
                "unknown method '{ref}': it is not in methods/ — did you mean {choices}?",
                ref=ref,
                choices=choices,
            )
        if not known:
            return _(
                "unknown method '{ref}': it is not in methods/ (there is no method yet)", ref=ref
            )
        return _("unknown method '{ref}': it is not in methods/", ref=ref)
    # An example of a method: an entry's file name, or a prototype's id.
    if close:
        return _(
            "unknown example '{ref}': it is not in journal/ (a file name without .yaml) or "
            "prototypes/ (an id) — did you mean {choices}?",
            ref=ref,
            choices=choices,
        )
    if not known:
        return _(
            "unknown example '{ref}': it is not in journal/ (a file name without .yaml) or "
            "prototypes/ (an id) (there is no example yet)",
            ref=ref,
        )
    return _(
        "unknown example '{ref}': it is not in journal/ (a file name without .yaml) or "
        "prototypes/ (an id)",
        ref=ref,
    )


def _already_used(what: str, ident: str, at: str) -> str:
    """Return the message of an id given twice; ``at`` is where it is first."""
    if what == "member":
        return _(
            "the member id '{ident}' is already used ({at}): ids must be unique",
            ident=ident,
            at=at,
        )
    if what == "actor":
        return _(
            "the actor id '{ident}' is already used ({at}): ids must be unique",
            ident=ident,
            at=at,
        )
    if what == "prototype":
        return _(
            "the prototype id '{ident}' is already used ({at}): ids must be unique",
            ident=ident,
            at=at,
        )
    if what == "scenario":
        return _(
            "the scenario id '{ident}' is already used ({at}): ids must be unique",
            ident=ident,
            at=at,
        )
    if what == "insight":
        return _(
            "the insight id '{ident}' is already used ({at}): ids must be unique",
            ident=ident,
            at=at,
        )
    return _(
        "the method id '{ident}' is already used ({at}): ids must be unique",
        ident=ident,
        at=at,
    )


#: The longest message a problem shows: the values a message quotes are the team's, and a
#: value of a megabyte must not make a message of a megabyte.
MAX_MESSAGE = 600


class _Checker:
    """Collects problems for one residency; each rule is one method."""

    def __init__(self, residency: Residency) -> None:
        self.r = residency
        self.problems: list[Problem] = []
        self.member_ids = {m.id for m in residency.residence.team} if residency.residence else set()
        self.actor_ids = {a.id for a in residency.actors}
        self.prototype_ids = {p.id for p in residency.prototypes}
        self.method_ids = {m.id for m in residency.methods}
        # (entry, its file, its file's stem), computed once: used by several rules.
        self.journal = [(e, source_of(e), entry_stem(e)) for e in residency.entries]
        self.entry_stems = {stem for _e, _path, stem in self.journal}
        # A file that could not be loaded is already reported: do not add one more problem
        # for every reference to what it holds. One-item files are named after their id.
        failed = [PurePosixPath(f) for f in residency.failed]
        self.unsure = {f.parts[0] for f in failed}  # "residence.yaml", "journal", ...
        self.unsure.update(f.stem for f in failed if len(f.parts) == 1)  # "residence", ...
        if residency.residence is None:
            self.unsure.add("residence")
        self.prototype_ids |= {f.stem for f in failed if f.parts[0] == "prototypes"}
        self.method_ids |= {f.stem for f in failed if f.parts[0] == "methods"}
        self.entry_stems |= {f.stem for f in failed if f.parts[0] == "journal"}
        # A whole folder that failed (a link that loops, or leads outside): ids are unknown.
        self.lost_folders = {f.parts[0] for f in failed if len(f.parts) == 1}

    # -- helpers --------------------------------------------------------------------

    def add(
        self,
        path: str,
        loc: Sequence[str | int],
        severity: Severity,
        code: str,
        message: str,
        *,
        key: bool = False,
    ) -> None:
        node = self.r.nodes.get(path)
        line, column = locate(node, loc, key=key) if node is not None else (None, None)
        if len(message) > MAX_MESSAGE:  # a value of a megabyte quoted in full: cut it
            message = message[: MAX_MESSAGE - 1] + "…"
        self.problems.append(Problem(path, line, column, severity, code, message))

    def refs(
        self,
        path: str,
        loc: Sequence[str | int],
        ids: Iterable[str],
        known: set[str],
        what: str,
    ) -> None:
        """Report every id of ``ids`` that is not in ``known`` (``what``: "actor", "method"…)."""
        if known is self.member_ids and "residence" in self.unsure:
            return
        if known is self.actor_ids and "actors" in self.unsure:
            return
        if known.issuperset(ids):  # the usual case, at C speed
            return
        for i, ref in enumerate(ids):
            if ref not in known:
                message = _unknown(what, ref, known)
                self.add(path, [*loc, i], "error", "dangling-ref", message)

    def unique(self, items: Iterable[tuple[str, Sequence[str | int], str]], what: str) -> None:
        """Report ids given twice; items are (path, loc, id)."""
        first: dict[str, tuple[str, Sequence[str | int]]] = {}
        for path, loc, ident in items:
            if ident in first:
                other_path, other_loc = first[ident]
                node = self.r.nodes.get(other_path)
                line = locate(node, other_loc)[0] if node is not None else None
                at = f"{other_path}:{line}" if line else other_path
                self.add(path, loc, "error", "duplicate-id", _already_used(what, ident, at))
            else:
                first[ident] = (path, loc)

    def media(self, path: str, loc: Sequence[str | int], items: Sequence[Media]) -> None:
        """Check that media files exist inside the folder, have alt text, name known people."""
        for i, item in enumerate(items):
            here = [*loc, i]
            self.media_file(path, [*here, "file"], item.file)
            suffix = posixpath.splitext(item.file)[1].lower()
            if suffix in IMAGE_SUFFIXES and not (item.alt or "").strip():
                self.add(
                    path,
                    here,
                    "warning",
                    "missing-alt",
                    _(
                        "the image {file} has no alt text: describe it for people who "
                        "cannot see it (required in a public edition)",
                        file=item.file,
                    ),
                )
            self.refs(path, [*here, "people"], item.people, self.actor_ids, "actor")

    def media_file(self, path: str, loc: Sequence[str | int], file: str) -> None:
        """Report a media path that is absolute, leaves the folder or does not exist."""
        problem = media_path_problem(self.r.root, file)
        if problem:
            code, message = problem
            self.add(path, loc, "error", code, message)
            return
        suffix = posixpath.splitext(file)[1].lower()
        if suffix not in MEDIA_SUFFIXES:
            if suffix:
                message = _(
                    "{file}: '{suffix}' files cannot be shown in a report "
                    "(use jpg, png, webp, svg or pdf)",
                    file=file,
                    suffix=suffix,
                )
            else:
                message = _(
                    "{file}: 'no extension' files cannot be shown in a report "
                    "(use jpg, png, webp, svg or pdf)",
                    file=file,
                )
            self.add(path, loc, "warning", "media-type", message)

    # -- rules ----------------------------------------------------------------------

    def residence(self) -> None:
        res = self.r.residence
        if res is None:
            return
        path = source_of(res) or "residence.yaml"
        previous_end: dt.date | None = None
        for i, week in enumerate(res.weeks):
            if week.number != i + 1:
                self.add(
                    path,
                    ["weeks", i, "number"],
                    "error",
                    "week-order",
                    _(
                        "week {number} is listed in position {position}: number the weeks "
                        "1, 2, 3… in order",
                        number=week.number,
                        position=i + 1,
                    ),
                )
            if week.end < week.start:
                self.add(
                    path,
                    ["weeks", i, "end"],
                    "error",
                    "week-dates",
                    _(
                        "week {number} ends on {end}, before it starts on {start}",
                        number=week.number,
                        end=week.end,
                        start=week.start,
                    ),
                )
            if previous_end is not None and week.start <= previous_end:
                self.add(
                    path,
                    ["weeks", i, "start"],
                    "error",
                    "week-overlap",
                    _(
                        "week {number} starts on {start}, before the previous week ends on "
                        "{previous_end}: weeks must not overlap and must be in order",
                        number=week.number,
                        start=week.start,
                        previous_end=previous_end,
                    ),
                )
            previous_end = max(previous_end or week.end, week.end)
        self.unique(((path, ["team", i, "id"], m.id) for i, m in enumerate(res.team)), "member")
        if not any(m.role == "resident" for m in res.team):
            self.add(
                path,
                ["team"],
                "error",
                "no-resident",
                _("the team has no member with role 'resident': add at least one"),
            )
        self.license(path, ["license"], res.license)
        if res.cover:
            self.media_file(path, ["cover"], res.cover)
        last = res.weeks[-1].end if res.weeks else None
        for i, visit in enumerate(res.follow_ups):
            if last and visit.date < last:
                self.add(
                    path,
                    ["follow_ups", i, "date"],
                    "warning",
                    "follow-up-date",
                    _(
                        "this follow-up visit ({date}) is before the last week ends ({last})",
                        date=visit.date,
                        last=last,
                    ),
                )

    def license(self, path: str, loc: Sequence[str | int], value: str | None) -> None:
        if value and value not in LICENCE_IDS:
            close = closest(value, LICENCE_IDS)
            if close:
                message = _(
                    "'{value}' is not an open licence this tool knows (an SPDX id such as "
                    "CC-BY-SA-4.0) — did you mean {choices}?",
                    value=value,
                    choices=either(close),
                )
            else:
                message = _(
                    "'{value}' is not an open licence this tool knows (an SPDX id such as "
                    "CC-BY-SA-4.0)",
                    value=value,
                )
            self.add(path, loc, "warning", "unknown-license", message)

    def actors(self) -> None:
        items: list[tuple[str, Sequence[str | int], str]] = [
            (source_of(a), ["actors", i, "id"], a.id) for i, a in enumerate(self.r.actors)
        ]
        self.unique(items, "actor")
        for i, rel in enumerate(self.r.relations):
            path = source_of(rel)
            if "actors" in self.unsure:
                break
            for end, ref in (("from", rel.from_), ("to", rel.to)):
                if ref not in self.actor_ids:
                    message = _unknown_actor(ref, self.actor_ids, relation=True)
                    self.add(path, ["relations", i, end], "error", "dangling-ref", message)
            if rel.from_ == rel.to:
                self.add(
                    path,
                    ["relations", i],
                    "warning",
                    "self-relation",
                    _("this relation joins '{actor}' to itself", actor=rel.from_),
                )
        for i, actor in enumerate(self.r.actors):
            if actor.minor and not actor.personal:
                self.add(
                    source_of(actor),
                    ["actors", i, "minor"],
                    "warning",
                    "minor-not-personal",
                    _(
                        "'{actor}' is a minor but not marked 'personal: true': a minor is "
                        "always an identifiable person",
                        actor=actor.id,
                    ),
                )

    def entries(self) -> None:
        weeks = self.r.residence.weeks if self.r.residence else []
        for entry, path, stem in self.journal:
            self.refs(path, ["authors"], entry.authors, self.member_ids, "team member")
            self.refs(path, ["actors"], entry.actors, self.actor_ids, "actor")
            self.refs(path, ["prototypes"], entry.prototypes, self.prototype_ids, "prototype")
            self.refs(path, ["methods"], entry.methods, self.method_ids, "method")
            for i, quote in enumerate(entry.quotes):
                self.refs(path, ["quotes", i, "actor"], [quote.actor], self.actor_ids, "actor")
            self.media(path, ["media"], entry.media)
            if weeks and not any(w.start <= entry.date <= w.end for w in weeks):
                self.add(
                    path,
                    ["date"],
                    "warning",
                    "outside-weeks",
                    _("{date} is outside every week of residence.yaml", date=entry.date),
                )
            if stem[:10] != entry.date.isoformat():
                self.add(
                    path,
                    ["date"],
                    "warning",
                    "file-name",
                    _(
                        "the file name does not start with the entry's date ({date}-…), so the "
                        "journal does not sort by day: run {command}",
                        date=entry.date.isoformat(),
                        command=f"residence set date {entry_stem(entry)} {entry.date.isoformat()}",
                    ),
                )

    def prototypes(self) -> None:
        items = [(source_of(p), ["id"], p.id) for p in self.r.prototypes]
        self.unique(items, "prototype")
        for proto in self.r.prototypes:
            path = source_of(proto)
            self.file_name_matches(path, proto.id)
            self.refs(path, ["team"], proto.team, self.member_ids, "team member")
            self.refs(path, ["actors"], proto.actors, self.actor_ids, "actor")
            self.refs(path, ["methods"], proto.methods, self.method_ids, "method")
            self.media(path, ["media"], proto.media)
            for i, test in enumerate(proto.tests):
                self.media(path, ["tests", i, "media"], test.media)
            if proto.handover:
                self.refs(path, ["handover", "to"], proto.handover.to, self.actor_ids, "actor")
            self.stage_follows_tests(path, proto)
            if not proto.tests and proto.stage not in {"idea", "abandoned"}:
                self.add(
                    path,
                    ["stage"],
                    "warning",
                    "never-tested",
                    _(
                        "prototype '{prototype}' is at stage '{stage}' but has never been "
                        "tested: add a test session under 'tests:'",
                        prototype=proto.id,
                        stage=proto.stage,
                    ),
                )

    def stage_follows_tests(self, path: str, proto: Prototype) -> None:
        """Warn when a prototype's stage says otherwise than its last test's decision, and
        when an adopted prototype has nobody to carry it on."""
        last = max(proto.tests, key=lambda t: t.date) if proto.tests else None
        expected = {"adopt": "adopted", "abandon": "abandoned"}
        if (
            last is not None
            and last.decision in expected
            and proto.stage != expected[last.decision]
        ):
            stage = expected[last.decision]
            self.add(
                path,
                ["stage"],
                "warning",
                "stage-behind-test",
                _(
                    "prototype '{prototype}' is at stage '{stage}', but its last test ({date}) "
                    "decided '{decision}': write 'stage: {expected}' (or run: {command})",
                    prototype=proto.id,
                    stage=proto.stage,
                    date=last.date.isoformat(),
                    decision=last.decision,
                    expected=stage,
                    command=f"residence set stage {proto.id} {stage}",
                ),
            )
        elif last is not None and proto.stage == "idea":
            self.add(
                path,
                ["stage"],
                "warning",
                "stage-behind-test",
                _(
                    "prototype '{prototype}' has been tested but is still at stage 'idea': "
                    "write its stage now (sketch, mock-up or live-test)",
                    prototype=proto.id,
                ),
            )
        if proto.stage == "adopted" and proto.handover is None:
            self.add(
                path,
                ["stage"],
                "warning",
                "no-handover",
                _(
                    "prototype '{prototype}' is adopted but nobody is named to carry it on: "
                    "add a handover ({command})",
                    prototype=proto.id,
                    command=f"residence add handover {proto.id} --to ACTOR",
                ),
            )

    def scenarios(self) -> None:
        items = [(source_of(s), ["id"], s.id) for s in self.r.scenarios]
        self.unique(items, "scenario")
        for scenario in self.r.scenarios:
            path = source_of(scenario)
            self.file_name_matches(path, scenario.id)
            self.refs(path, ["actors"], scenario.actors, self.actor_ids, "actor")
            self.refs(path, ["prototypes"], scenario.prototypes, self.prototype_ids, "prototype")

    def methods(self) -> None:
        items = [(source_of(m), ["id"], m.id) for m in self.r.methods]
        self.unique(items, "method")
        targets = self.entry_stems | self.prototype_ids
        for method in self.r.methods:
            path = source_of(method)
            self.file_name_matches(path, method.id)
            if not {"journal", "prototypes"} & self.lost_folders:
                self.refs(path, ["examples"], method.examples, targets, "example")
            self.license(path, ["license"], method.license)

    def file_name_matches(self, path: str, ident: str) -> None:
        stem = posixpath.splitext(posixpath.basename(path))[0]
        if stem != ident:
            self.add(
                path,
                ["id"],
                "warning",
                "file-name",
                _(
                    "the id '{ident}' differs from the file name '{stem}': name the file "
                    "{ident}.yaml",
                    ident=ident,
                    stem=stem,
                ),
            )

    def consents(self) -> None:
        seen: Counter[str] = Counter()
        for i, consent in enumerate(self.r.consents):
            path = source_of(consent)
            actor = self.r.actor(consent.actor)
            seen[consent.actor] += 1
            if actor is None:
                self.refs(path, ["consents", i, "actor"], [consent.actor], self.actor_ids, "actor")
                continue
            if not actor.personal:
                self.add(
                    path,
                    ["consents", i, "actor"],
                    "error",
                    "consent-not-personal",
                    _(
                        "'{actor}' is not a personal actor: consent records are for people "
                        "(set 'personal: true' in actors.yaml if this is an individual)",
                        actor=actor.id,
                    ),
                )
            if seen[consent.actor] == 2:
                counts = self.r.consent_for(actor.id)
                assert counts is not None
                which = self.r.consents.index(counts)
                node = self.r.nodes.get(path)
                line = locate(node, ["consents", which])[0] if node is not None else None
                undated = any(c.actor == actor.id and c.date is None for c in self.r.consents)
                message = _consent_twice(actor.id, counts.date, line, counts.scope, undated)
                self.add(path, ["consents", i, "actor"], "warning", "consent-twice", message)
            if actor.minor and consent.scope == "public" and not consent.guardians:
                self.add(
                    path,
                    ["consents", i, "scope"],
                    "warning",
                    "minor-consent",
                    _(
                        "'{actor}' is a minor: without 'guardians: true' this public "
                        "consent counts as internal, and the name is pseudonymised",
                        actor=actor.id,
                    ),
                )
        if "private" in self.unsure:
            return
        for i, actor in enumerate(self.r.actors):
            if actor.personal and actor.id not in seen:
                self.add(
                    source_of(actor),
                    ["actors", i, "personal"],
                    "warning",
                    "no-consent",
                    _(
                        "'{actor}' is a personal actor without a consent record in "
                        "private/consent.yaml: the name will be pseudonymised in public editions",
                        actor=actor.id,
                    ),
                )

    def empty_titles(self) -> None:
        """Report a title left empty ("title: ''"): the report would show an empty heading."""
        for item in _titled(self.r):
            if not item.title.strip():
                self.add(
                    source_of(item),
                    ["title"],
                    "error",
                    "empty-title",
                    _("the title is empty: give it a few words (the report shows it as a heading)"),
                )

    def unmentioned_actors(self) -> None:
        if self.unsure & {"journal", "prototypes", "scenarios"}:
            return  # a file that failed may mention them
        mentioned: set[str] = set()
        for e in self.r.entries:
            mentioned.update(e.actors)
            mentioned.update(q.actor for q in e.quotes)
            for m in e.media:
                mentioned.update(m.people)
        for rel in self.r.relations:
            mentioned.update((rel.from_, rel.to))
        for p in self.r.prototypes:
            mentioned.update(p.actors)
            if p.handover:
                mentioned.update(p.handover.to)
        for s in self.r.scenarios:
            mentioned.update(s.actors)
        for i, actor in enumerate(self.r.actors):
            if actor.id not in mentioned:
                self.add(
                    source_of(actor),
                    ["actors", i, "id"],
                    "warning",
                    "unmentioned-actor",
                    _(
                        "nobody mentions the actor '{actor}': no entry, relation, prototype "
                        "or scenario refers to it",
                        actor=actor.id,
                    ),
                )


def _titled(residency: Residency) -> Iterable[Any]:
    """Yield every item of a residency that has a title the report shows as a heading."""
    if residency.residence is not None:
        yield residency.residence
    yield from residency.entries
    yield from residency.prototypes
    yield from residency.scenarios
    yield from residency.methods
    yield from residency.insights


def _consent_twice(
    actor: str, date: dt.date | None, line: int | None, scope: str, undated: bool
) -> str:
    """Return the message of a person with several consent records: which one counts.

    ``date`` and ``line`` are those of the record that counts; ``undated``: one of the
    person's records has no date, so the most restrictive counts.
    """
    values = {"actor": actor, "date": date.isoformat() if date else "", "line": line}
    values["scope"] = scope
    if date is None:
        if line:
            return _(
                "'{actor}' has more than one consent record: the one without a date "
                "(line {line}), scope '{scope}', counts: records without a date cannot be "
                "ordered, so the most restrictive counts — give each record its date",
                **values,
            )
        return _(
            "'{actor}' has more than one consent record: the one without a date, scope "
            "'{scope}', counts: records without a date cannot be ordered, so the most "
            "restrictive counts — give each record its date",
            **values,
        )
    if undated:
        if line:
            return _(
                "'{actor}' has more than one consent record: the one of {date} (line {line}), "
                "scope '{scope}', counts: records without a date cannot be ordered, so the "
                "most restrictive counts — give each record its date",
                **values,
            )
        return _(
            "'{actor}' has more than one consent record: the one of {date}, scope '{scope}', "
            "counts: records without a date cannot be ordered, so the most restrictive "
            "counts — give each record its date",
            **values,
        )
    if line:
        return _(
            "'{actor}' has more than one consent record: the one of {date} (line {line}), "
            "scope '{scope}', counts (the most recent by date)",
            **values,
        )
    return _(
        "'{actor}' has more than one consent record: the one of {date}, scope '{scope}', "
        "counts (the most recent by date)",
        **values,
    )


def check_residency(residency: Residency) -> list[Problem]:
    """Return the cross-file problems of a loaded residency, sorted by file and line."""
    from residence.check_insights import check_insights, check_tags

    checker = _Checker(residency)
    checker.residence()
    checker.actors()
    checker.entries()
    checker.prototypes()
    checker.scenarios()
    checker.methods()
    checker.consents()
    checker.unmentioned_actors()
    checker.empty_titles()
    check_insights(checker)
    check_tags(checker)
    return sort_problems(checker.problems)


def load_and_check(folder: Path) -> tuple[Residency, list[Problem]]:
    """Load a residency folder and check it: the residency and every problem, sorted."""
    from residence.load import load_residency

    residency, problems = load_residency(folder)
    return residency, sort_problems([*problems, *check_residency(residency)])


def strict(problems: Iterable[Problem]) -> list[Problem]:
    """Return problems with every warning turned into an error (``--strict``)."""
    return [p.as_error() for p in problems]
