# SPDX-License-Identifier: EUPL-1.2
"""The catalogue file: its SQLite schema, the Catalog class, full-text search and filters.

The file holds one row per residency (with its public edition, compressed: see
``packing``) and one row per searchable item — the residency itself (title, question,
site, keywords), each journal entry, prototype, scenario and method sheet — indexed with
SQLite FTS5 (``unicode61 remove_diacritics 2``: "lycee" finds "lycée", case does not
matter) and ranked with bm25, titles weighing more.

A residency's insights (what it learned) are searchable items too, and have a table of
their own (``insight``: title, tags, how much evidence) for ``catalog show``. That table
came after the first catalogues: it is created when a catalogue is written and does not
have it yet (``_INSIGHT_TABLE``), and read as empty until then. The schema's version
(``PRAGMA user_version``) did not change for it, on purpose: an older residence sharing the
same file never reads that table, and its rows go with their residency (the foreign key
deletes them), so teams that have not updated yet keep using the catalogue.

Several teams can share one catalogue file on a network drive: every write is one
transaction taken early (``BEGIN IMMEDIATE``), the journal is a plain rollback journal
(``journal_mode=DELETE``: WAL needs shared memory, which network file systems do not
offer), and a busy timeout makes a second writer wait instead of failing.

Whatever goes wrong with the file (a full disk, damaged pages, a read-only folder, a file
that is not a catalogue) becomes one CatalogError with a plain message, here and nowhere
else (``catalogue_error``): every method of ``Catalog`` and ``open_catalog`` go through it.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import json
import os
import re
import sqlite3
import stat
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, get_args

from pydantic import ValidationError

from residence.catalog.packing import Rows, compress, prepare_rows, unpack_residency
from residence.errors import ResidenceError
from residence.i18n import messages
from residence.models import Published
from residence.text import slugify
from residence.vocabulary import ItemKind

_ = messages("catalog")

SCHEMA_VERSION = 1
#: PRAGMA application_id of a catalogue file ("RSDC"), so another program's database is
#: never mistaken for one.
APPLICATION_ID = 0x52534443
BUSY_TIMEOUT_SECONDS = 30.0
CATALOG_FILE = "catalog.sqlite"
ENV_VAR = "RESIDENCE_CATALOG"

#: The kinds of searchable item; any other --kind (interview, workshop…) is an entry's kind.
ITEM_KINDS: tuple[str, ...] = get_args(ItemKind)
#: Markers put around matched words in snippets (the CLI turns them into bold or brackets).
MARK_START = "\x02"
MARK_END = "\x03"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS residency (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    programme TEXT NOT NULL,
    host TEXT NOT NULL,
    site TEXT NOT NULL,
    territory TEXT,
    territory_key TEXT NOT NULL,
    theme TEXT,
    language TEXT NOT NULL,
    license TEXT NOT NULL,
    start TEXT,
    end TEXT,
    start_year INTEGER,
    end_year INTEGER,
    keywords TEXT NOT NULL,
    counts TEXT NOT NULL,
    origin TEXT NOT NULL,
    added TEXT NOT NULL,
    content BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS residency_years ON residency (start_year, end_year);
CREATE INDEX IF NOT EXISTS residency_programme ON residency (programme);
CREATE TABLE IF NOT EXISTS item (
    rowid INTEGER PRIMARY KEY,
    residency_id TEXT NOT NULL REFERENCES residency (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subkind TEXT,
    ref TEXT NOT NULL,
    date TEXT
);
CREATE INDEX IF NOT EXISTS item_residency ON item (residency_id);
CREATE VIRTUAL TABLE IF NOT EXISTS item_text USING fts5 (
    title, body, tokenize = 'unicode61 remove_diacritics 2'
);
"""
#: The insights of each residency, in their order, as ``catalog show`` lists them (tags: a
#: JSON list; entries, tests: how many journal entries and prototype tests they cite). Not
#: in the first catalogues: created if missing by every write (see the module's doc).
_INSIGHT_TABLE = """
CREATE TABLE IF NOT EXISTS insight (
    residency_id TEXT NOT NULL REFERENCES residency (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    ref TEXT NOT NULL,
    title TEXT NOT NULL,
    tags TEXT NOT NULL,
    entries INTEGER NOT NULL,
    tests INTEGER NOT NULL,
    week INTEGER,
    phase TEXT,
    PRIMARY KEY (residency_id, position)
)
"""


#: The years a --year filter may name (those of a date).
YEARS = range(1, 10_000)
#: The most results a search returns.
MAX_RESULTS = 1000


class CatalogError(ResidenceError):
    """The catalogue file cannot be used (not a catalogue, a newer version, unreadable)."""


# -- what goes wrong with the file -----------------------------------------------------------

#: SQLite's primary result codes told apart below (https://sqlite.org/rescode.html).
_SQLITE_ERROR, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    1, 5, 6, 8, 10, 11, 13, 14, 26,
)  # fmt: skip
#: The words of SQLite's messages, for a Python (3.10) that does not give the code.
_CODE_OF_MESSAGE = (
    ("database disk image is malformed", _CORRUPT),
    ("file is not a database", _NOTADB),
    ("database or disk is full", _FULL),
    ("disk I/O error", _IOERR),
    ("readonly database", _READONLY),
    ("unable to open database file", _CANTOPEN),
    ("database is locked", _BUSY),
    ("database table is locked", _LOCKED),
)
#: errno values that mean the disk (or the user's quota on it) is full.
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
#: What reading a stored record of a damaged file may raise.
_DAMAGED_RECORD = (json.JSONDecodeError, zlib.error, UnicodeDecodeError, ValidationError)


def _sqlite_code(exc: sqlite3.Error) -> int | None:
    """Return the primary result code of an SQLite error, if known."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc)
    return next((c for words, c in _CODE_OF_MESSAGE if words in text), None)


def _damaged(path: Path, what: object) -> CatalogError:
    return CatalogError(
        _(
            "the catalogue file {path} is damaged: {reason} (make a new one with residence "
            "catalog add DIR --catalog NEW-FILE, or restore a copy)",
            path=path,
            reason=what,
        )
    )


def catalogue_error(path: Path, exc: sqlite3.Error | OSError) -> CatalogError:
    """Return the one-line error of a failure of SQLite, or of the disk, on a catalogue file."""
    full = CatalogError(
        _(
            "the disk is full: free some space and try again (nothing was written to the "
            "catalogue {path})",
            path=path,
        )
    )
    if isinstance(exc, OSError):
        if exc.errno in _DISK_FULL:
            return full
        return CatalogError(
            _("cannot use the catalogue {path}: {reason}", path=path, reason=exc.strerror or exc)
        )
    code = _sqlite_code(exc)
    if code == _FULL:
        return full
    if code == _CORRUPT:
        return _damaged(path, exc)
    if code == _NOTADB:
        return CatalogError(
            _("{path} is not a residence catalogue ({reason})", path=path, reason=exc)
        )
    if code == _READONLY:
        return CatalogError(
            _(
                "the catalogue {path} cannot be written: the file, or its folder, is read-only",
                path=path,
            )
        )
    if code == _CANTOPEN:
        return CatalogError(_("cannot open the catalogue {path}: {reason}", path=path, reason=exc))
    if code in (_BUSY, _LOCKED):
        return CatalogError(
            _(
                "the catalogue {path} is in use: another program kept it locked for {seconds} "
                "seconds; try again later",
                path=path,
                seconds=f"{BUSY_TIMEOUT_SECONDS:.0f}",
            )
        )
    if code == _IOERR:
        return CatalogError(
            _(
                "cannot read or write the catalogue {path}: {reason} (is its disk, or its "
                "network drive, still there and not full?)",
                path=path,
                reason=exc,
            )
        )
    return CatalogError(_("the catalogue {path} cannot be used: {reason}", path=path, reason=exc))


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _plain_errors(
    method: Callable[Concatenate[Catalog, _P], _R],
) -> Callable[Concatenate[Catalog, _P], _R]:
    """Make a method of Catalog raise a CatalogError (``catalogue_error``) for a failure of
    SQLite or of the disk, never the bare exception."""

    def guarded(self: Catalog, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, OSError) as exc:
            raise catalogue_error(self.path, exc) from None

    functools.update_wrapper(guarded, method)
    return guarded


def default_catalog_path() -> Path:
    """Return the catalogue of this user: RESIDENCE_CATALOG, or the user data folder."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return Path(value).expanduser()
    import platformdirs

    return platformdirs.user_data_path("residence", appauthor=False) / CATALOG_FILE


# -- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InsightSummary:
    """One insight of a residency of the catalogue, as ``catalog show`` lists it."""

    id: str
    title: str
    tags: list[str]
    entries: int  # journal entries cited as evidence
    tests: int  # prototype tests (or prototypes) cited as evidence
    week: int | None
    phase: str | None

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape of an insight's summary."""
        return {
            "id": self.id, "title": self.title, "tags": self.tags, "entries": self.entries,
            "tests": self.tests, "week": self.week, "phase": self.phase,
        }  # fmt: skip


@dataclass(frozen=True)
class Summary:
    """One residency of the catalogue, as listed."""

    id: str
    title: str
    programme: str
    host: str
    site: str
    territory: str | None
    theme: str | None
    language: str
    license: str
    start: str | None
    end: str | None
    keywords: list[str]
    counts: dict[str, int]
    origin: str
    added: str
    #: The residency's insights (``Catalog.get`` reads them; None in a listing).
    insights: tuple[InsightSummary, ...] | None = None

    @property
    def year(self) -> int | None:
        """Return the year the residency started."""
        return int(self.start[:4]) if self.start else None

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape of a summary (with its insights, when they were read)."""
        shape: dict[str, Any] = {
            "id": self.id, "title": self.title, "programme": self.programme,
            "host": self.host, "site": self.site, "territory": self.territory,
            "theme": self.theme, "language": self.language, "license": self.license,
            "start": self.start, "end": self.end, "year": self.year,
            "keywords": self.keywords, "counts": self.counts, "origin": self.origin,
            "added": self.added,
        }  # fmt: skip
        if self.insights is not None:
            shape["insights"] = [i.as_dict() for i in self.insights]
        return shape


@dataclass(frozen=True)
class Hit:
    """One search result: an item of a residency, with a snippet around the matched words."""

    residency_id: str
    residency_title: str
    kind: str  # residency, entry, prototype, scenario, method, insight
    subkind: str | None  # the entry's kind, the prototype's stage, the method's or insight's phase
    ref: str  # the journal file name (without .yaml) or the item's id
    title: str
    date: str | None
    snippet: str  # with MARK_START / MARK_END around matched words
    score: float

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape of a hit (the snippet's marks become [ and ])."""
        return {
            "residency": self.residency_id, "residency_title": self.residency_title,
            "kind": self.kind, "subkind": self.subkind, "ref": self.ref, "title": self.title,
            "date": self.date, "snippet": highlight(self.snippet, "[", "]"),
            "score": round(self.score, 4),
        }  # fmt: skip


@dataclass(frozen=True)
class Filters:
    """What a listing or a search is narrowed to."""

    programme: str | None = None
    territory: str | None = None
    year: int | None = None
    kind: str | None = None

    def __post_init__(self) -> None:
        if self.year is not None and self.year not in YEARS:
            first, last = YEARS[0], YEARS[-1]
            if abs(self.year) < 10**40:
                message = _(
                    "--year {year} is not a year: give one from {first} to {last}",
                    year=self.year,
                    first=first,
                    last=last,
                )
            else:
                message = _(
                    "--year is not a year: give one from {first} to {last}", first=first, last=last
                )
            raise ResidenceError(message, usage=True)


@dataclass(frozen=True)
class Added:
    """What adding one residency did."""

    id: str
    title: str
    updated: bool  # True: it was already in the catalogue and was replaced
    previous_origin: str | None
    items: int  # searchable items indexed


def highlight(snippet: str, before: str, after: str) -> str:
    """Return a snippet with the matched words between ``before`` and ``after``."""
    return snippet.replace(MARK_START, before).replace(MARK_END, after)


# -- the query language ----------------------------------------------------------------------

_QUERY_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_OPERATORS = {"OR", "AND", "NOT"}
_HAS_WORD = re.compile(r"\w")


def fts_query(text: str) -> str:
    """Return an FTS5 query for what a person typed: words, "exact phrases", prefix*, OR.

    Every word is quoted, so punctuation (l'accueil, Jean-Moulin, 2025-03) never breaks the
    query; words are all required unless joined by OR.
    """
    parts: list[str] = []
    for match in _QUERY_TOKEN.finditer(text):
        phrase, word = match.group(1), match.group(2)
        if phrase is not None:
            if _HAS_WORD.search(phrase):
                parts.append('"' + phrase.replace('"', '""') + '"')
            continue
        assert word is not None
        if word in _OPERATORS:
            if parts and parts[-1] not in _OPERATORS:
                parts.append(word)
            continue
        prefix = word.endswith("*")
        word = word.rstrip("*")
        if not _HAS_WORD.search(word):
            continue
        parts.append('"' + word.replace('"', '""') + '"' + (" *" if prefix else ""))
    while parts and parts[-1] in _OPERATORS:
        parts.pop()
    if not parts:
        raise ResidenceError(_("the search has no word to look for"), usage=True)
    return " ".join(parts)


# -- the catalogue ---------------------------------------------------------------------------


class Catalog:
    """An open catalogue file. Use ``open_catalog``; close it (or use ``with``)."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block as one write transaction, taken at once (other writers wait).

        If anything fails, the commit included, nothing of the block is written (SQLite
        may have rolled back already, after a full disk for one).
        """
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                with suppress(sqlite3.Error):  # the error that stopped the block says why
                    self.db.execute("ROLLBACK")
            raise

    # -- writing

    @_plain_errors
    def add(self, published: Published, origin: str, when: dt.datetime | None = None) -> Added:
        """Add the public edition of a residency, or replace it if its id is already in."""
        return self.write(prepare_rows(published, origin, when))

    @_plain_errors
    def write(self, rows: Rows) -> Added:
        """Write the rows of one residency (from ``prepare_rows``), replacing any older ones.

        This is mostly SQLite's and zlib's work, which let other Python threads run.
        """
        with self.transaction() as db:
            db.execute(_INSIGHT_TABLE)  # a catalogue made before insights were kept
            row = db.execute("SELECT origin FROM residency WHERE id = ?", (rows.id,)).fetchone()
            if row is not None:
                self._delete(rows.id)
            first = db.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM item").fetchone()[0]
            # Each table gets its rows in one statement (one JSON array): SQLite does the
            # work in one go, without handing control back to Python for every row.
            db.execute(
                "INSERT INTO item_text (rowid, title, body) SELECT ? + key, "
                "json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)",
                (first, rows.texts),
            )
            db.execute(
                "INSERT INTO residency (id, title, programme, host, site, territory, "
                "territory_key, theme, language, license, start, end, start_year, end_year, "
                "keywords, counts, origin, added, content) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*rows.residency, compress(rows.content)),
            )
            db.execute(
                "INSERT INTO item (rowid, residency_id, kind, subkind, ref, date) "
                "SELECT ? + key, ?, json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
                "json_extract(value, '$[2]'), json_extract(value, '$[3]') "
                "FROM json_each(?)",
                (first, rows.id, rows.items),
            )
            db.execute(
                "INSERT INTO insight (residency_id, position, ref, title, tags, entries, tests, "
                "week, phase) SELECT ?, key, json_extract(value, '$[0]'), "
                "json_extract(value, '$[1]'), json_extract(value, '$[2]'), "
                "json_extract(value, '$[3]'), json_extract(value, '$[4]'), "
                "json_extract(value, '$[5]'), json_extract(value, '$[6]') FROM json_each(?)",
                (rows.id, rows.insights),
            )
        return Added(rows.id, rows.title, row is not None, row[0] if row else None, rows.count)

    def _delete(self, residency_id: str) -> None:
        self.db.execute(
            "DELETE FROM item_text WHERE rowid IN (SELECT rowid FROM item WHERE residency_id = ?)",
            (residency_id,),
        )
        self.db.execute("DELETE FROM item WHERE residency_id = ?", (residency_id,))
        # Its insight rows go with it (ON DELETE CASCADE), in files without the table too.
        self.db.execute("DELETE FROM residency WHERE id = ?", (residency_id,))

    @_plain_errors
    def remove(self, residency_id: str) -> bool:
        """Remove a residency; return False if it was not in the catalogue."""
        with self.transaction() as db:
            found = db.execute("SELECT 1 FROM residency WHERE id = ?", (residency_id,)).fetchone()
            if found:
                self._delete(residency_id)
        return found is not None

    # -- reading

    _SUMMARY = (
        "SELECT id, title, programme, host, site, territory, theme, language, license, start, "
        "end, keywords, counts, origin, added FROM residency"
    )

    def _summary(self, row: Sequence[Any]) -> Summary:
        try:
            keywords, counts = json.loads(row[11]), json.loads(row[12])
        except (*_DAMAGED_RECORD, TypeError):
            raise _damaged(
                self.path, _("the record of {id} cannot be read", id=repr(row[0]))
            ) from None
        return Summary(
            id=row[0], title=row[1], programme=row[2], host=row[3], site=row[4],
            territory=row[5], theme=row[6], language=row[7], license=row[8], start=row[9],
            end=row[10], keywords=keywords, counts=counts, origin=row[13], added=row[14],
        )  # fmt: skip

    def _where(self, filters: Filters, alias: str = "") -> tuple[list[str], list[Any]]:
        a = f"{alias}." if alias else ""
        clauses: list[str] = []
        values: list[Any] = []
        if filters.programme:
            clauses.append(f"{a}programme = ?")
            values.append(filters.programme)
        if filters.territory:
            key = slugify(filters.territory)
            clauses.append(f"{a}territory_key LIKE ? ESCAPE '\\'")
            values.append(
                "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
        if filters.year is not None:
            clauses.append(f"{a}start_year <= ? AND {a}end_year >= ?")
            values += [filters.year, filters.year]
        return clauses, values

    @_plain_errors
    def summaries(self, filters: Filters = Filters()) -> list[Summary]:
        """Return the residencies, the most recent first, narrowed by ``filters``."""
        clauses, values = self._where(filters)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(
            f"{self._SUMMARY}{where} ORDER BY start DESC, title COLLATE NOCASE, id", values
        ).fetchall()
        return [self._summary(r) for r in rows]

    @_plain_errors
    def get(self, residency_id: str) -> Summary | None:
        """Return one residency's summary with its insights, or None."""
        row = self.db.execute(f"{self._SUMMARY} WHERE id = ?", (residency_id,)).fetchone()
        if not row:
            return None
        return replace(self._summary(row), insights=self.insights(residency_id))

    @_plain_errors
    def insights(self, residency_id: str) -> tuple[InsightSummary, ...]:
        """Return the insights of a residency, in order (none in a file without the table)."""
        table = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'insight'"
        ).fetchone()
        if table is None:
            return ()
        rows = self.db.execute(
            "SELECT ref, title, tags, entries, tests, week, phase FROM insight "
            "WHERE residency_id = ? ORDER BY position",
            (residency_id,),
        ).fetchall()
        found = []
        for ref, title, tags, entries, tests, week, phase in rows:
            try:
                tag_list = json.loads(tags)
            except (*_DAMAGED_RECORD, TypeError):
                raise _damaged(
                    self.path, _("the record of {id} cannot be read", id=repr(residency_id))
                ) from None
            found.append(InsightSummary(ref, title, tag_list, entries, tests, week, phase))
        return tuple(found)

    @_plain_errors
    def content(self, residency_id: str, root: Path) -> Published:
        """Return the stored public edition of a residency (media looked up in root)."""
        row = self.db.execute(
            "SELECT content FROM residency WHERE id = ?", (residency_id,)
        ).fetchone()
        if row is None:
            raise KeyError(residency_id)
        try:
            return unpack_residency(row[0], root)
        except _DAMAGED_RECORD:
            raise _damaged(
                self.path, _("the report of {id} cannot be read", id=repr(residency_id))
            ) from None

    @_plain_errors
    def search(self, query: str, filters: Filters = Filters(), limit: int = 20) -> list[Hit]:
        """Return the items matching a query, best first (bm25), with snippets."""
        if not 1 <= limit <= MAX_RESULTS:
            raise ResidenceError(
                _("--limit must be from 1 to {most}", most=MAX_RESULTS), usage=True
            )
        match = fts_query(query)
        clauses, values = self._where(filters, "r")
        if filters.kind:
            column = "i.kind" if filters.kind in ITEM_KINDS else "i.subkind"
            clauses.append(f"{column} = ?")
            values.append(filters.kind)
        where = "".join(f" AND {c}" for c in clauses)
        # Two steps: rank every match (bm25, titles weigh 4 times the text) keeping only the
        # best rows, then make snippets for those alone. A snippet tokenises its document
        # again: made for every match of a common word, it would cost seconds.
        ranked = (
            "SELECT item_text.rowid, i.residency_id, r.title, i.kind, i.subkind, i.ref, i.date, "
            "bm25(item_text, 4.0, 1.0) AS score "
            "FROM item_text JOIN item i ON i.rowid = item_text.rowid "
            "JOIN residency r ON r.id = i.residency_id "
            f"WHERE item_text MATCH ?{where} ORDER BY score LIMIT ?"
        )
        snippet = (
            f"SELECT title, snippet(item_text, -1, '{MARK_START}', '{MARK_END}', '…', 16) "
            "FROM item_text WHERE item_text MATCH ? AND rowid = ?"
        )
        try:
            rows = self.db.execute(ranked, [match, *values, limit]).fetchall()
            hits = []
            for rowid, residency_id, residency_title, kind, subkind, ref, date, score in rows:
                title, text = self.db.execute(snippet, (match, rowid)).fetchone()
                hits.append(
                    Hit(residency_id, residency_title, kind, subkind, ref, title, date, text, score)
                )
        except sqlite3.OperationalError as exc:
            if _sqlite_code(exc) not in (None, _SQLITE_ERROR):
                raise  # the file, not the search: see catalogue_error
            raise ResidenceError(
                _("this search cannot be run: {reason}", reason=exc), usage=True
            ) from None
        return hits

    @_plain_errors
    def count(self) -> int:
        """Return how many residencies the catalogue holds."""
        return int(self.db.execute("SELECT COUNT(*) FROM residency").fetchone()[0])


def _check_fts5(db: sqlite3.Connection) -> None:
    try:
        db.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
        db.execute("DROP TABLE temp.fts5_probe")
    except sqlite3.OperationalError:
        raise CatalogError(
            _(
                "this Python's SQLite has no FTS5 full-text search: install a Python built "
                "with a recent SQLite (found {version})",
                version=sqlite3.sqlite_version,
            )
        ) from None


def open_catalog(path: Path, *, create: bool = True) -> Catalog:
    """Open (and with ``create``, make) a catalogue file; raise CatalogError if unusable.

    A catalogue this call created is removed again if it could not be made (a full disk).
    """
    if path.is_dir():
        raise CatalogError(
            _("{path} is a folder: give the path of the catalogue file", path=path), usage=True
        )
    existed = path.exists()
    if existed and not stat.S_ISREG(path.stat().st_mode):
        raise CatalogError(
            _(
                "{path} is not a plain file (a device, a pipe or a socket): give the path of "
                "the catalogue file",
                path=path,
            ),
            usage=True,
        )
    if not existed:
        if not create:
            raise CatalogError(
                _(
                    "there is no catalogue at {path} yet: add a residency with residence "
                    "catalog add",
                    path=path,
                ),
                usage=True,
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise catalogue_error(path, exc) from None
    try:
        # One thread at a time uses the connection, but not always the one that opened it:
        # add_paths writes from a helper thread (see there).
        db = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise catalogue_error(path, exc) from None
    try:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        # A rollback journal, never WAL: WAL needs shared memory between the computers that
        # open the file, which network drives (SMB, NFS) do not provide.
        db.execute("PRAGMA journal_mode = DELETE")
        db.execute("PRAGMA foreign_keys = ON")
        _check_fts5(db)
        _prepare(db, path)
    except BaseException as exc:
        db.close()
        if not existed:
            _remove_if_empty(path)
        if isinstance(exc, (sqlite3.Error, OSError)):
            raise catalogue_error(path, exc) from None
        raise
    return Catalog(path, db)


def _remove_if_empty(path: Path) -> None:
    """Remove a catalogue file this process began to make and left empty."""
    with suppress(OSError):
        if path.stat().st_size == 0:
            path.unlink()


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    """Create the tables of a new catalogue; refuse a file that is not one."""
    application = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if application == APPLICATION_ID and version == SCHEMA_VERSION:
        return
    if application == APPLICATION_ID and version > SCHEMA_VERSION:
        raise CatalogError(
            _(
                "{path} was made by a newer version of residence (catalogue format {version}): "
                "update residence",
                path=path,
                version=version,
            )
        )
    tables = db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    if application != APPLICATION_ID and tables:
        raise CatalogError(
            _("{path} is an SQLite file of another program, not a catalogue", path=path)
        )
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in [*_SCHEMA.split(";"), _INSIGHT_TABLE]:
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
