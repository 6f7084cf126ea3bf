# SPDX-License-Identifier: EUPL-1.2
"""Reading residency folders and archives for the catalogue, and adding them (``add_paths``).

Only public editions enter the catalogue, and always through the gate: a residency folder
goes through ``select_edition(residency, "public")``; an archive must be an intact bag marked
as a public edition whose sources hold nothing only a team edition holds, and its
``data/residency/`` goes through the gate again, with the scopes it recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from residence.catalog.packing import prepare_rows
from residence.catalog.store import Added, Catalog, CatalogError
from residence.errors import Problem, ResidenceError
from residence.i18n import messages
from residence.layout import CONSENT_SCOPES, PRIVATE_FOLDER
from residence.models import Entry, Insight, Published, Residency
from residence.models.residency import source_of

_ = messages("catalog")


@dataclass
class Candidate:
    """A residency read for the catalogue: its public edition, where it came from, warnings."""

    published: Published
    origin: str
    problems: list[Problem] = field(default_factory=list)


def is_archive(path: Path) -> bool:
    """Tell whether a path is an archive (a zip, or an unpacked bag) rather than a folder."""
    if path.is_file():
        return True
    return (path / "bagit.txt").is_file()


def _load_checked(folder: Path) -> tuple[Residency, list[Problem]]:
    """Load and check a residency folder; raise ResidenceError with its errors if it has any."""
    from residence.check import load_and_check
    from residence.errors import has_errors

    residency, problems = load_and_check(folder)
    if has_errors(problems):
        raise ResidenceError([p for p in problems if p.severity == "error"])
    return residency, problems


@contextmanager
def read_for_catalog(path: Path) -> Iterator[Candidate]:
    """Yield the public edition of a residency folder or archive, ready to be catalogued.

    A folder with errors, a damaged archive and a team-edition archive are refused
    (ResidenceError). Media stay readable until the block ends (archives are unpacked in
    a temporary folder).
    """
    from residence.gate import select_edition

    origin = str(path.resolve())
    if not is_archive(path):
        residency, problems = _load_checked(path)
        yield Candidate(select_edition(residency, "public"), origin, problems)
        return

    from residence.archive import SOURCES, bag_edition, open_bag, verify_bag

    with open_bag(path) as root:
        edition = bag_edition(root)
        if edition == "team":
            raise ResidenceError(
                _(
                    "{name} is a team edition: only public editions enter the catalogue (make "
                    "one with: residence archive DIR)",
                    name=path.name,
                )
            )
        result = verify_bag(root, path)
        if not result.intact:
            first = result.problems[0]
            raise ResidenceError(
                _(
                    "{name} is damaged ({file}: {problem}): run residence verify on it",
                    name=path.name,
                    file=first.path,
                    problem=first.message,
                )
            )
        folder = root / "data" / SOURCES
        if not (folder / "residence.yaml").is_file():
            raise ResidenceError(
                _(
                    "{name} holds no residency (no data/{folder}/)",
                    name=path.name,
                    folder=SOURCES,
                )
            )
        residency, problems = _load_checked(folder)
        if edition != "public":
            raise ResidenceError(
                _(
                    "{name} is marked as a public edition but no edition: it is not catalogued "
                    "(make the public edition again with: residence archive DIR)",
                    name=path.name,
                )
            )
        disagreement = _team_material(folder, residency, path.name)
        if disagreement:
            raise ResidenceError(disagreement)
        # The sources are a public edition: the gate makes it again, from the scopes the
        # archive recorded (consent-scopes.yaml), so nothing is marked public by hand.
        yield Candidate(select_edition(residency, "public"), origin, problems)


def _team_material(folder: Path, residency: Residency, name: str) -> str | None:
    """Return the refusal of an archive ``name`` whose sources hold what only a team edition
    holds (None if nothing)."""
    if (folder / PRIVATE_FOLDER).exists():
        return _(
            "{name} is marked as a public edition but holds a {folder}/ folder: it is not "
            "catalogued (make the public edition again with: residence archive DIR)",
            name=name,
            folder=PRIVATE_FOLDER,
        )
    if any(c.notes or source_of(c) != CONSENT_SCOPES for c in residency.consents):
        return _(
            "{name} is marked as a public edition but holds consent records: it is not "
            "catalogued (make the public edition again with: residence archive DIR)",
            name=name,
        )
    items: list[Entry | Insight] = [*residency.entries, *residency.insights]
    for item in items:
        quotes = item.quotes if isinstance(item, Entry) else []
        if item.visibility == "team" or any(q.visibility == "team" for q in quotes):
            return _(
                "{name} is marked as a public edition but holds a team-only note ({file}): it "
                "is not catalogued (make the public edition again with: residence archive DIR)",
                name=name,
                file=source_of(item),
            )
    for rel in residency.files:
        head = (folder / rel).read_bytes()[:200]
        if head.startswith(b"# ") and b"# Public edition" not in head:
            return _(
                "{name} is marked as a public edition but its file {file} does not say it is a "
                "public edition: it is not catalogued (make the public edition again with: "
                "residence archive DIR)",
                name=name,
                file=rel,
            )
    return None


@dataclass
class Outcome:
    """What adding one path to the catalogue gave: what was added, or why it was not."""

    path: Path
    added: Added | None = None
    problems: list[Problem] = field(default_factory=list)  # warnings, or the errors

    @property
    def refused(self) -> bool:
        """True when the path was not added (``problems`` says why)."""
        return self.added is None


def add_paths(catalog: Catalog, paths: Sequence[Path]) -> Iterator[Outcome]:
    """Add residency folders and archives to a catalogue, in order; yield each outcome.

    A residency is written to the catalogue (``Catalog.write``, in a helper thread) while
    the next one is read, checked and made public: writing is SQLite's and zlib's work,
    which run beside Python's. The catalogue is not written to between two outcomes.
    """

    def written(path: Path, future: Future[Added], problems: list[Problem]) -> Outcome:
        try:
            return Outcome(path, future.result(), problems)
        except CatalogError:
            raise  # the catalogue itself failed (disk full, damaged file): stop there
        except ResidenceError as exc:
            return Outcome(path, None, list(exc.problems))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalog-writer") as writer:
        pending: tuple[Path, Future[Added], list[Problem]] | None = None
        for path in paths:
            refused: ResidenceError | None = None
            try:
                with read_for_catalog(path) as candidate:
                    # The published models hold no file: adding needs nothing from the
                    # folder, which may go (an unpacked archive) once read.
                    published, origin = candidate.published, candidate.origin
                    problems = candidate.problems
            except ResidenceError as exc:
                refused = exc
            if pending is not None:
                yield written(*pending)
                pending = None
            if refused is not None:
                yield Outcome(path, None, list(refused.problems))
                continue
            try:
                rows = prepare_rows(published, origin)
            except ResidenceError as exc:
                yield Outcome(path, None, list(exc.problems))
                continue
            pending = (path, writer.submit(catalog.write, rows), problems)
        if pending is not None:
            yield written(*pending)
