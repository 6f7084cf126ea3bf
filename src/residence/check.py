"""Cross-file rules of FORMAT.md: references, weeks, media, consent; returns problems."""

from __future__ import annotations

import datetime as dt
import errno
import os
import posixpath
import stat
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from residence.errors import Problem, Severity, sort_problems
from residence.licences import LICENCE_IDS
from residence.models import Media, Prototype, Residency
from residence.models.common import shorten
from residence.models.residency import entry_stem, source_of
from residence.positions import locate
from residence.text import closest, did_you_mean

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg"}
MEDIA_SUFFIXES = IMAGE_SUFFIXES | {".pdf"}


def _unknown_actor_hint(ref: str, known: set[str]) -> str:
    """Return the end of an "unknown actor" message: the nearest ids, and how to add it."""
    close = closest(ref, sorted(known), n=3)
    nearest = closest(ref, sorted(known), n=3, cutoff=0.0)
    if close:
        hint = did_you_mean(close) + " If it is a new actor, add it:"
    elif nearest:
        names = ", ".join(f"'{n}'" for n in nearest)
        hint = f" (the nearest ids: {names}); if it is a new actor, add it:"
    else:
        hint = "; add it:"
    return hint + f' residence add actor --id {ref} --name "…"'


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
        self.problems.append(Problem(path, line, column, severity, code, message))

    def refs(
        self,
        path: str,
        loc: Sequence[str | int],
        ids: Iterable[str],
        known: set[str],
        what: str,
        where: str,
    ) -> None:
        """Report every id of ``ids`` that is not in ``known``."""
        if known is self.member_ids and "residence" in self.unsure:
            return
        if known is self.actor_ids and "actors" in self.unsure:
            return
        if known.issuperset(ids):  # the usual case, at C speed
            return
        for i, ref in enumerate(ids):
            if ref not in known:
                hint = did_you_mean(closest(ref, sorted(known)))
                if what == "actor":
                    hint = _unknown_actor_hint(ref, known)
                elif not known:
                    hint = f" (there is no {what} yet)"
                self.add(
                    path,
                    [*loc, i],
                    "error",
                    "dangling-ref",
                    f"unknown {what} '{ref}': it is not in {where}{hint}",
                )

    def unique(self, items: Iterable[tuple[str, Sequence[str | int], str]], what: str) -> None:
        """Report ids given twice; items are (path, loc, id)."""
        first: dict[str, tuple[str, Sequence[str | int]]] = {}
        for path, loc, ident in items:
            if ident in first:
                other_path, other_loc = first[ident]
                node = self.r.nodes.get(other_path)
                line = locate(node, other_loc)[0] if node is not None else None
                at = f"{other_path}:{line}" if line else other_path
                self.add(
                    path,
                    loc,
                    "error",
                    "duplicate-id",
                    f"the {what} id '{ident}' is already used ({at}): ids must be unique",
                )
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
                    f"the image {item.file} has no alt text: describe it for people who "
                    "cannot see it (required in a public edition)",
                )
            self.refs(path, [*here, "people"], item.people, self.actor_ids, "actor", "actors.yaml")

    def media_file(self, path: str, loc: Sequence[str | int], file: str) -> None:
        """Report a media path that is absolute, leaves the folder or does not exist."""
        problem = media_path_problem(self.r.root, file)
        if problem:
            code, message = problem
            self.add(path, loc, "error", code, message)
            return
        suffix = posixpath.splitext(file)[1].lower()
        if suffix not in MEDIA_SUFFIXES:
            self.add(
                path,
                loc,
                "warning",
                "media-type",
                f"{file}: '{suffix or 'no extension'}' files cannot be shown in a report "
                "(use jpg, png, webp, svg or pdf)",
            )

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
                    f"week {week.number} is listed in position {i + 1}: number the weeks "
                    "1, 2, 3… in order",
                )
            if week.end < week.start:
                self.add(
                    path,
                    ["weeks", i, "end"],
                    "error",
                    "week-dates",
                    f"week {week.number} ends on {week.end}, before it starts on {week.start}",
                )
            if previous_end is not None and week.start <= previous_end:
                self.add(
                    path,
                    ["weeks", i, "start"],
                    "error",
                    "week-overlap",
                    f"week {week.number} starts on {week.start}, before the previous week "
                    f"ends on {previous_end}: weeks must not overlap and must be in order",
                )
            previous_end = max(previous_end or week.end, week.end)
        self.unique(((path, ["team", i, "id"], m.id) for i, m in enumerate(res.team)), "member")
        if not any(m.role == "resident" for m in res.team):
            self.add(
                path,
                ["team"],
                "error",
                "no-resident",
                "the team has no member with role 'resident': add at least one",
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
                    f"this follow-up visit ({visit.date}) is before the last week ends ({last})",
                )

    def license(self, path: str, loc: Sequence[str | int], value: str | None) -> None:
        if value and value not in LICENCE_IDS:
            hint = did_you_mean(closest(value, LICENCE_IDS))
            self.add(
                path,
                loc,
                "warning",
                "unknown-license",
                f"'{value}' is not an open licence this tool knows (an SPDX id such as "
                f"CC-BY-SA-4.0){hint}",
            )

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
                    hint = _unknown_actor_hint(ref, self.actor_ids)
                    self.add(
                        path,
                        ["relations", i, end],
                        "error",
                        "dangling-ref",
                        f"unknown actor '{ref}': a relation must join two actors listed "
                        f"under 'actors:'{hint}",
                    )
            if rel.from_ == rel.to:
                self.add(
                    path,
                    ["relations", i],
                    "warning",
                    "self-relation",
                    f"this relation joins '{rel.from_}' to itself",
                )
        for i, actor in enumerate(self.r.actors):
            if actor.minor and not actor.personal:
                self.add(
                    source_of(actor),
                    ["actors", i, "minor"],
                    "warning",
                    "minor-not-personal",
                    f"'{actor.id}' is a minor but not marked 'personal: true': a minor is "
                    "always an identifiable person",
                )

    def entries(self) -> None:
        weeks = self.r.residence.weeks if self.r.residence else []
        for entry, path, stem in self.journal:
            self.refs(
                path,
                ["authors"],
                entry.authors,
                self.member_ids,
                "team member",
                "the team of residence.yaml",
            )
            self.refs(path, ["actors"], entry.actors, self.actor_ids, "actor", "actors.yaml")
            self.refs(
                path,
                ["prototypes"],
                entry.prototypes,
                self.prototype_ids,
                "prototype",
                "prototypes/",
            )
            self.refs(path, ["methods"], entry.methods, self.method_ids, "method", "methods/")
            for i, quote in enumerate(entry.quotes):
                self.refs(
                    path,
                    ["quotes", i, "actor"],
                    [quote.actor],
                    self.actor_ids,
                    "actor",
                    "actors.yaml",
                )
            self.media(path, ["media"], entry.media)
            if weeks and not any(w.start <= entry.date <= w.end for w in weeks):
                self.add(
                    path,
                    ["date"],
                    "warning",
                    "outside-weeks",
                    f"{entry.date} is outside every week of residence.yaml",
                )
            if stem[:10] != entry.date.isoformat():
                self.add(
                    path,
                    ["date"],
                    "warning",
                    "file-name",
                    f"the file name does not start with the entry's date "
                    f"({entry.date.isoformat()}-…), so the journal does not sort by day: run "
                    f"residence set date {entry_stem(entry)} {entry.date.isoformat()}",
                )

    def prototypes(self) -> None:
        items = [(source_of(p), ["id"], p.id) for p in self.r.prototypes]
        self.unique(items, "prototype")
        for proto in self.r.prototypes:
            path = source_of(proto)
            self.file_name_matches(path, proto.id)
            self.refs(
                path,
                ["team"],
                proto.team,
                self.member_ids,
                "team member",
                "the team of residence.yaml",
            )
            self.refs(path, ["actors"], proto.actors, self.actor_ids, "actor", "actors.yaml")
            self.refs(path, ["methods"], proto.methods, self.method_ids, "method", "methods/")
            self.media(path, ["media"], proto.media)
            for i, test in enumerate(proto.tests):
                self.media(path, ["tests", i, "media"], test.media)
            if proto.handover:
                self.refs(
                    path,
                    ["handover", "to"],
                    proto.handover.to,
                    self.actor_ids,
                    "actor",
                    "actors.yaml",
                )
            self.stage_follows_tests(path, proto)
            if not proto.tests and proto.stage not in {"idea", "abandoned"}:
                self.add(
                    path,
                    ["stage"],
                    "warning",
                    "never-tested",
                    f"prototype '{proto.id}' is at stage '{proto.stage}' but has never been "
                    "tested: add a test session under 'tests:'",
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
                f"prototype '{proto.id}' is at stage '{proto.stage}', but its last test "
                f"({last.date.isoformat()}) decided '{last.decision}': write 'stage: "
                f"{stage}' (or run: residence set stage {proto.id} {stage})",
            )
        elif last is not None and proto.stage == "idea":
            self.add(
                path,
                ["stage"],
                "warning",
                "stage-behind-test",
                f"prototype '{proto.id}' has been tested but is still at stage 'idea': write "
                "its stage now (sketch, mock-up or live-test)",
            )
        if proto.stage == "adopted" and proto.handover is None:
            self.add(
                path,
                ["stage"],
                "warning",
                "no-handover",
                f"prototype '{proto.id}' is adopted but nobody is named to carry it on: add "
                f"a handover (residence add handover {proto.id} --to ACTOR)",
            )

    def scenarios(self) -> None:
        items = [(source_of(s), ["id"], s.id) for s in self.r.scenarios]
        self.unique(items, "scenario")
        for scenario in self.r.scenarios:
            path = source_of(scenario)
            self.file_name_matches(path, scenario.id)
            self.refs(path, ["actors"], scenario.actors, self.actor_ids, "actor", "actors.yaml")
            self.refs(
                path,
                ["prototypes"],
                scenario.prototypes,
                self.prototype_ids,
                "prototype",
                "prototypes/",
            )

    def methods(self) -> None:
        items = [(source_of(m), ["id"], m.id) for m in self.r.methods]
        self.unique(items, "method")
        targets = self.entry_stems | self.prototype_ids
        for method in self.r.methods:
            path = source_of(method)
            self.file_name_matches(path, method.id)
            if not {"journal", "prototypes"} & self.lost_folders:
                self.refs(
                    path,
                    ["examples"],
                    method.examples,
                    targets,
                    "example",
                    "journal/ (a file name without .yaml) or prototypes/ (an id)",
                )
            self.license(path, ["license"], method.license)

    def file_name_matches(self, path: str, ident: str) -> None:
        stem = posixpath.splitext(posixpath.basename(path))[0]
        if stem != ident:
            self.add(
                path,
                ["id"],
                "warning",
                "file-name",
                f"the id '{ident}' differs from the file name '{stem}': name the file {ident}.yaml",
            )

    def consents(self) -> None:
        seen: Counter[str] = Counter()
        for i, consent in enumerate(self.r.consents):
            path = source_of(consent)
            actor = self.r.actor(consent.actor)
            seen[consent.actor] += 1
            if actor is None:
                self.refs(
                    path,
                    ["consents", i, "actor"],
                    [consent.actor],
                    self.actor_ids,
                    "actor",
                    "actors.yaml",
                )
                continue
            if not actor.personal:
                self.add(
                    path,
                    ["consents", i, "actor"],
                    "error",
                    "consent-not-personal",
                    f"'{actor.id}' is not a personal actor: consent records are for people "
                    "(set 'personal: true' in actors.yaml if this is an individual)",
                )
            if seen[consent.actor] == 2:
                counts = self.r.consent_for(actor.id)
                assert counts is not None
                which = self.r.consents.index(counts)
                node = self.r.nodes.get(path)
                line = locate(node, ["consents", which])[0] if node is not None else None
                when = f"of {counts.date.isoformat()}" if counts.date else "without a date"
                at = f" (line {line})" if line else ""
                undated = any(c.actor == actor.id and c.date is None for c in self.r.consents)
                hint = (
                    ": records without a date cannot be ordered, so the most restrictive "
                    "counts — give each record its date"
                    if undated
                    else ""
                )
                self.add(
                    path,
                    ["consents", i, "actor"],
                    "warning",
                    "consent-twice",
                    f"'{actor.id}' has more than one consent record: the one {when}{at}, "
                    f"scope '{counts.scope}', counts{hint or ' (the most recent by date)'}",
                )
            if actor.minor and consent.scope == "public" and not consent.guardians:
                self.add(
                    path,
                    ["consents", i, "scope"],
                    "warning",
                    "minor-consent",
                    f"'{actor.id}' is a minor: without 'guardians: true' this public "
                    "consent counts as internal, and the name is pseudonymised",
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
                    f"'{actor.id}' is a personal actor without a consent record in "
                    "private/consent.yaml: the name will be pseudonymised in public editions",
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
                    f"nobody mentions the actor '{actor.id}': no entry, relation, prototype "
                    "or scenario refers to it",
                )


def media_path_problem(root: Path, file: str) -> tuple[str, str] | None:
    """Return (code, message) when a media path is unsafe or missing, else None."""
    name = shorten(file, 80)
    pure = PurePosixPath(file.replace("\\", "/"))
    if pure.is_absolute() or (len(file) > 1 and file[1] == ":") or "://" in file:
        return "outside", f"{name}: media paths must be relative to the residency folder"
    if ".." in pure.parts:
        return "outside", f"{name}: media paths must not go up with '..' out of the folder"
    if not pure.parts or "\x00" in file:
        return "missing-file", f"{name}: no such file in the residency folder"
    # Fast path: when no part of the path is a link, the file is inside the folder.
    current = os.fspath(root)
    try:
        for part in pure.parts:
            current = os.path.join(current, part)
            mode = os.lstat(current).st_mode
            if stat.S_ISLNK(mode):
                break
        else:
            if stat.S_ISREG(mode):
                return None
            return "missing-file", f"{name}: no such file in the residency folder"
    except FileNotFoundError:
        return "missing-file", f"{name}: no such file in the residency folder"
    except OSError as exc:  # a part is a file, or cannot be read
        if isinstance(exc, NotADirectoryError):
            return "missing-file", f"{name}: no such file in the residency folder"
        if exc.errno == errno.ELOOP:
            return "link-loop", _loop_message(name)
        return "missing-file", f"{name}: cannot be read ({exc.strerror or exc})"
    # A link: follow it, and make sure it stays inside.
    full = root / pure
    try:
        resolved = full.resolve()
        resolved.relative_to(root.resolve())
    except ValueError:
        return "outside", f"{name}: this is a link to a place outside the residency folder"
    except RuntimeError:  # a link loop, before Python 3.13
        return "link-loop", _loop_message(name)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "link-loop", _loop_message(name)
        return "missing-file", f"{name}: cannot be read ({exc.strerror or exc})"
    if not resolved.is_file():
        return "missing-file", f"{name}: no such file in the residency folder"
    return None


def _loop_message(name: str) -> str:
    return (
        f"{name}: this is a link that loops back (to itself, or to a folder that holds it): "
        "remove it"
    )


def check_residency(residency: Residency) -> list[Problem]:
    """Return the cross-file problems of a loaded residency, sorted by file and line."""
    checker = _Checker(residency)
    checker.residence()
    checker.actors()
    checker.entries()
    checker.prototypes()
    checker.scenarios()
    checker.methods()
    checker.consents()
    checker.unmentioned_actors()
    return sort_problems(checker.problems)


def strict(problems: Iterable[Problem]) -> list[Problem]:
    """Return problems with every warning turned into an error (``--strict``)."""
    return [p.as_error() for p in problems]
