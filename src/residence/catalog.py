"""The catalogue of past residencies: one SQLite file, full-text search and a static site.

Only public editions enter the catalogue: a residency folder goes through
``select_edition(residency, "public")``; an archive must be a public-edition bag, checked
first, and its ``data/residency/`` is read as it is (it is already the public edition).

The file holds one row per residency (with its public edition, compressed, so that the site
can be rebuilt without the original folders) and one row per searchable item — the
residency itself (title, question, site, keywords), each journal entry, prototype, scenario
and method sheet — indexed with SQLite FTS5 (``unicode61 remove_diacritics 2``: "lycee"
finds "lycée", case does not matter) and ranked with bm25, titles weighing more.

Several teams can share one catalogue file on a network drive: every write is one
transaction taken early (``BEGIN IMMEDIATE``), the journal is a plain rollback journal
(``journal_mode=DELETE``: WAL needs shared memory, which network file systems do not
offer), and a busy timeout makes a second writer wait instead of failing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from residence.errors import Problem, ResidenceError
from residence.models import (
    Actor,
    Entry,
    Method,
    Prototype,
    Relation,
    Residence,
    Residency,
    Scenario,
    slugify,
)
from residence.models.residency import entry_stem, set_source, source_of

SCHEMA_VERSION = 1
#: PRAGMA application_id of a catalogue file ("RSDC"), so another program's database is
#: never mistaken for one.
APPLICATION_ID = 0x52534443
BUSY_TIMEOUT_SECONDS = 30.0
CATALOG_FILE = "catalog.sqlite"
ENV_VAR = "RESIDENCE_CATALOG"

#: What a search can be narrowed to with --kind: an item kind, or a journal entry's kind.
ITEM_KINDS = ("residency", "entry", "prototype", "scenario", "method")
ENTRY_KINDS = ("observation", "interview", "workshop", "meeting", "test", "reflection")
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


class CatalogError(ResidenceError):
    """The catalogue file cannot be used (not a catalogue, a newer version, unreadable)."""


def default_catalog_path() -> Path:
    """Return the catalogue of this user: RESIDENCE_CATALOG, or the user data folder."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return Path(value).expanduser()
    import platformdirs

    return platformdirs.user_data_path("residence", appauthor=False) / CATALOG_FILE


# -- records ---------------------------------------------------------------------------------


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

    @property
    def year(self) -> int | None:
        """Return the year the residency started."""
        return int(self.start[:4]) if self.start else None

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape of a summary."""
        return {
            "id": self.id, "title": self.title, "programme": self.programme,
            "host": self.host, "site": self.site, "territory": self.territory,
            "theme": self.theme, "language": self.language, "license": self.license,
            "start": self.start, "end": self.end, "year": self.year,
            "keywords": self.keywords, "counts": self.counts, "origin": self.origin,
            "added": self.added,
        }  # fmt: skip


@dataclass(frozen=True)
class Hit:
    """One search result: an item of a residency, with a snippet around the matched words."""

    residency_id: str
    residency_title: str
    kind: str  # residency, entry, prototype, scenario, method
    subkind: str | None  # the entry's kind, the prototype's stage, the method's phase
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


# -- the stored public edition ---------------------------------------------------------------


#: What the catalogue keeps of a residency: (key, model) of each list of items.
_PARTS: tuple[tuple[str, type[Any]], ...] = (
    ("actors", Actor), ("relations", Relation), ("entries", Entry), ("prototypes", Prototype),
    ("scenarios", Scenario), ("methods", Method),
)  # fmt: skip
#: The layout of the stored JSON (1: one {"source", "data"} record per item).
_CONTENT_FORMAT = 2


@cache
def _list_adapter(key: str) -> TypeAdapter[list[Any]]:
    """Return the pydantic adapter of one list of items (made once: it takes a while)."""
    return TypeAdapter(list[dict(_PARTS)[key]])  # type: ignore[misc,arg-type]


def _content_json(published: Residency) -> bytes:
    """Return the public edition as JSON (pydantic writes each list in one call)."""
    assert published.residence is not None
    options: dict[str, Any] = {"by_alias": True, "exclude_none": True}
    parts = [
        b'"format":' + str(_CONTENT_FORMAT).encode(),
        b'"residence":' + published.residence.model_dump_json(**options).encode("utf-8"),
    ]
    sources: dict[str, list[str]] = {"residence": [source_of(published.residence)]}
    for key, _model in _PARTS:
        items = getattr(published, key)
        parts.append(f'"{key}":'.encode() + _list_adapter(key).dump_json(items, **options))
        sources[key] = [source_of(item) for item in items]
    extra = {"sources": sources, "pseudonyms": published.pseudonyms}
    tail = json.dumps(extra, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return b"{" + b",".join(parts) + b"," + tail[1:].encode("utf-8")


def _compress(data: bytes) -> bytes:
    return zlib.compress(data, 1)  # fast: adding must stay cheap


def pack_residency(published: Residency) -> bytes:
    """Return the public edition of a residency as compressed JSON (what the catalogue keeps)."""
    return _compress(_content_json(published))


def unpack_residency(content: bytes, root: Path) -> Residency:
    """Return the public edition stored by ``pack_residency``, its media looked up in root."""
    value = json.loads(zlib.decompress(content).decode("utf-8"))
    if value.get("format") == _CONTENT_FORMAT:
        sources = value["sources"]
        records = {
            key: [
                {"data": data, "source": src}
                for data, src in zip(value[key], sources[key], strict=True)
            ]
            for key, _ in _PARTS
        }
        records["residence"] = [{"data": value["residence"], "source": sources["residence"][0]}]
    else:  # format 1
        records = {key: value[key] for key, _ in _PARTS}
        records["residence"] = [value["residence"]]

    def item(record: dict[str, Any], model: Any) -> Any:
        found = model.model_validate(record["data"])
        if record.get("source"):
            set_source(found, record["source"])
        return found

    residency = Residency(root=root, residence=item(records["residence"][0], Residence))
    for key, model in _PARTS:
        setattr(residency, key, [item(record, model) for record in records[key]])
    residency.edition = "public"
    residency.pseudonyms = dict(value.get("pseudonyms") or {})
    return residency


# -- searchable text -------------------------------------------------------------------------


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HEADING = re.compile(r"^ {0,3}#{1,6} +", re.M)


def _plain(text: str) -> str:
    """Return Markdown as plain words for the index, so that snippets read well.

    Cheap on purpose (adding must stay fast): links keep their text, and the marks of
    strong emphasis, code and headings go; the tokenizer ignores other punctuation anyway.
    """
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "#" in text:
        text = _HEADING.sub("", text)
    return text.replace("**", "").replace("__", "").replace("`", "")


def _join(*parts: Any) -> str:
    out: list[str] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, (list, tuple)):
            out.extend(str(p) for p in part if p)
        elif str(part).strip():
            out.append(str(part))
    return _plain("\n".join(out))


def _items(published: Residency) -> Iterator[tuple[str, str | None, str, str, str | None, str]]:
    """Yield (kind, subkind, ref, title, date, body) of every searchable item."""
    res = published.residence
    assert res is not None
    start = min((w.start for w in res.weeks), default=None)
    yield (
        "residency", res.programme, res.id, res.title,
        start.isoformat() if start else None,
        _join(res.question, res.theme, res.site, res.host, res.territory, res.keywords,
              res.partners, [f.observations for f in res.follow_ups]),
    )  # fmt: skip
    for entry in published.entries:
        if entry.visibility == "team":  # the gate already dropped them; never index one
            continue
        quotes = [q.text for q in entry.quotes if q.visibility != "team"]
        captions = [m.caption for m in entry.media]
        yield (
            "entry", entry.kind, entry_stem(entry), entry.title, entry.date.isoformat(),
            _join(entry.body, quotes, entry.place, entry.tags, captions),
        )  # fmt: skip
    for proto in published.prototypes:
        tests = [
            _join(t.place, t.participants, t.protocol, t.observations, t.learnings)
            for t in proto.tests
        ]
        handover = proto.handover.conditions if proto.handover else None
        yield (
            "prototype", proto.stage, proto.id, proto.title,
            proto.created.isoformat() if proto.created else None,
            _join(proto.hypothesis, proto.problem, tests, handover),
        )  # fmt: skip
    for scenario in published.scenarios:
        yield (
            "scenario", None, scenario.id, scenario.title, None,
            _join(scenario.persona, scenario.today, scenario.tomorrow, scenario.steps),
        )  # fmt: skip
    for method in published.methods:
        yield (
            "method", method.phase, method.id, method.title, None,
            _join(method.summary, method.purpose, method.steps, method.tips, method.materials,
                  method.source),
        )  # fmt: skip


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
        raise ResidenceError("the search has no word to look for", usage=True)
    return " ".join(parts)


# -- the catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """What the catalogue stores of one residency, ready to be written."""

    id: str
    title: str
    residency: tuple[Any, ...]  # the residency row, its content aside
    content: bytes  # the public edition as JSON (compressed when written)
    texts: str  # JSON: [title, body] of each searchable item
    items: str  # JSON: [kind, subkind, ref, date] of each, in the same order
    count: int


def prepare_rows(published: Residency, origin: str, when: dt.datetime | None = None) -> Rows:
    """Return what the catalogue stores of the public edition of a residency."""
    res = published.residence
    if res is None:
        raise ResidenceError("residence.yaml is missing: there is nothing to catalogue")
    if published.edition != "public":
        raise ValueError("only a public edition enters the catalogue")
    when = when or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    starts = [w.start for w in res.weeks]
    ends = [w.end for w in res.weeks]
    start, end = (min(starts), max(ends)) if starts else (None, None)
    counts = {
        "entries": len(published.entries),
        "prototypes": len(published.prototypes),
        "scenarios": len(published.scenarios),
        "methods": len(published.methods),
        "actors": len(published.actors),
    }
    items = list(_items(published))
    residency = (
        res.id, res.title, res.programme, res.host, res.site, res.territory,
        slugify(res.territory or ""), res.theme, res.language, res.license,
        start.isoformat() if start else None, end.isoformat() if end else None,
        start.year if start else None, end.year if end else None,
        json.dumps(res.keywords, ensure_ascii=False), json.dumps(counts), origin,
        when.isoformat(),
    )  # fmt: skip
    return Rows(
        id=res.id,
        title=res.title,
        residency=residency,
        content=_content_json(published),
        texts=json.dumps([[item[3], item[5]] for item in items], ensure_ascii=False),
        items=json.dumps(
            [[kind, subkind, ref, date] for kind, subkind, ref, _, date, _ in items],
            ensure_ascii=False,
        ),
        count=len(items),
    )


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
        """Run a block as one write transaction, taken at once (other writers wait)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- writing

    def add(self, published: Residency, origin: str, when: dt.datetime | None = None) -> Added:
        """Add the public edition of a residency, or replace it if its id is already in."""
        return self.write(prepare_rows(published, origin, when))

    def write(self, rows: Rows) -> Added:
        """Write the rows of one residency (from ``prepare_rows``), replacing any older ones.

        This is mostly SQLite's and zlib's work, which let other Python threads run.
        """
        with self.transaction() as db:
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
                (*rows.residency, _compress(rows.content)),
            )
            db.execute(
                "INSERT INTO item (rowid, residency_id, kind, subkind, ref, date) "
                "SELECT ? + key, ?, json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
                "json_extract(value, '$[2]'), json_extract(value, '$[3]') "
                "FROM json_each(?)",
                (first, rows.id, rows.items),
            )
        return Added(rows.id, rows.title, row is not None, row[0] if row else None, rows.count)

    def _delete(self, residency_id: str) -> None:
        self.db.execute(
            "DELETE FROM item_text WHERE rowid IN (SELECT rowid FROM item WHERE residency_id = ?)",
            (residency_id,),
        )
        self.db.execute("DELETE FROM item WHERE residency_id = ?", (residency_id,))
        self.db.execute("DELETE FROM residency WHERE id = ?", (residency_id,))

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

    @staticmethod
    def _summary(row: Sequence[Any]) -> Summary:
        return Summary(
            id=row[0], title=row[1], programme=row[2], host=row[3], site=row[4],
            territory=row[5], theme=row[6], language=row[7], license=row[8], start=row[9],
            end=row[10], keywords=json.loads(row[11]), counts=json.loads(row[12]),
            origin=row[13], added=row[14],
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

    def summaries(self, filters: Filters = Filters()) -> list[Summary]:
        """Return the residencies, the most recent first, narrowed by ``filters``."""
        clauses, values = self._where(filters)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(
            f"{self._SUMMARY}{where} ORDER BY start DESC, title COLLATE NOCASE, id", values
        ).fetchall()
        return [self._summary(r) for r in rows]

    def get(self, residency_id: str) -> Summary | None:
        """Return one residency's summary, or None."""
        row = self.db.execute(f"{self._SUMMARY} WHERE id = ?", (residency_id,)).fetchone()
        return self._summary(row) if row else None

    def content(self, residency_id: str, root: Path) -> Residency:
        """Return the stored public edition of a residency (media looked up in root)."""
        row = self.db.execute(
            "SELECT content FROM residency WHERE id = ?", (residency_id,)
        ).fetchone()
        if row is None:
            raise KeyError(residency_id)
        return unpack_residency(row[0], root)

    def search(self, query: str, filters: Filters = Filters(), limit: int = 20) -> list[Hit]:
        """Return the items matching a query, best first (bm25), with snippets."""
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
            raise ResidenceError(f"this search cannot be run: {exc}", usage=True) from None
        return hits

    def count(self) -> int:
        """Return how many residencies the catalogue holds."""
        return int(self.db.execute("SELECT COUNT(*) FROM residency").fetchone()[0])


def _check_fts5(db: sqlite3.Connection) -> None:
    try:
        db.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
        db.execute("DROP TABLE temp.fts5_probe")
    except sqlite3.OperationalError:
        raise CatalogError(
            "this Python's SQLite has no FTS5 full-text search: install a Python built with a "
            f"recent SQLite (found {sqlite3.sqlite_version})"
        ) from None


def open_catalog(path: Path, *, create: bool = True) -> Catalog:
    """Open (and with ``create``, make) a catalogue file; raise CatalogError if unusable."""
    if path.is_dir():
        raise CatalogError(f"{path} is a folder: give the path of the catalogue file", usage=True)
    if not path.exists():
        if not create:
            raise CatalogError(
                f"there is no catalogue at {path} yet: add a residency with residence catalog add",
                usage=True,
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # One thread at a time uses the connection, but not always the one that opened it:
        # add_paths writes from a helper thread (see there).
        db = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise CatalogError(f"cannot open the catalogue {path}: {exc}") from None
    try:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        # A rollback journal, never WAL: WAL needs shared memory between the computers that
        # open the file, which network drives (SMB, NFS) do not provide.
        db.execute("PRAGMA journal_mode = DELETE")
        db.execute("PRAGMA foreign_keys = ON")
        _check_fts5(db)
        _prepare(db, path)
    except CatalogError:
        db.close()
        raise
    except sqlite3.DatabaseError as exc:
        db.close()
        raise CatalogError(f"{path} is not a residence catalogue ({exc})") from None
    return Catalog(path, db)


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    """Create the tables of a new catalogue; refuse a file that is not one."""
    application = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if application == APPLICATION_ID and version == SCHEMA_VERSION:
        return
    if application == APPLICATION_ID and version > SCHEMA_VERSION:
        raise CatalogError(
            f"{path} was made by a newer version of residence (catalogue format {version}): "
            "update residence"
        )
    tables = db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    if application != APPLICATION_ID and tables:
        raise CatalogError(f"{path} is an SQLite file of another program, not a catalogue")
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


# -- reading residencies for the catalogue ---------------------------------------------------


@dataclass
class Candidate:
    """A residency read for the catalogue: its public edition, where it came from, warnings."""

    published: Residency
    origin: str
    problems: list[Problem] = field(default_factory=list)


def is_archive(path: Path) -> bool:
    """Tell whether a path is an archive (a zip, or an unpacked bag) rather than a folder."""
    if path.is_file():
        return True
    return (path / "bagit.txt").is_file()


@contextmanager
def read_for_catalog(path: Path) -> Iterator[Candidate]:
    """Yield the public edition of a residency folder or archive, ready to be catalogued.

    A folder with errors, a damaged archive and a team-edition archive are refused
    (ResidenceError). Media stay readable until the block ends (archives are unpacked in
    a temporary folder).
    """
    from residence.check import check_residency
    from residence.errors import has_errors, sort_problems
    from residence.load import load_residency

    origin = str(path.resolve())
    if not is_archive(path):
        from residence.edition import select_edition

        residency, problems = load_residency(path)
        problems = sort_problems([*problems, *check_residency(residency)])
        if has_errors(problems):
            raise ResidenceError([p for p in problems if p.severity == "error"])
        yield Candidate(select_edition(residency, "public"), origin, problems)
        return

    from residence.archive import SOURCES
    from residence.verify import bag_edition, open_bag, verify_bag

    with open_bag(path) as root:
        edition = bag_edition(root)
        if edition == "team" or (root / "data" / SOURCES / "private").exists():
            raise ResidenceError(
                f"{path.name} is a team edition: only public editions enter the catalogue "
                "(make one with: residence archive DIR)"
            )
        result = verify_bag(root, path)
        if not result.intact:
            first = result.problems[0]
            raise ResidenceError(
                f"{path.name} is damaged ({first.path}: {first.message}): run residence "
                "verify on it"
            )
        folder = root / "data" / SOURCES
        if not (folder / "residence.yaml").is_file():
            raise ResidenceError(f"{path.name} holds no residency (no data/{SOURCES}/)")
        residency, problems = load_residency(folder)
        problems = sort_problems([*problems, *check_residency(residency)])
        if has_errors(problems):
            raise ResidenceError([p for p in problems if p.severity == "error"])
        # The archive's sources already are the public edition (pseudonyms applied, private
        # and team-only material gone): they are catalogued as they are.
        residency.edition = "public"
        residency.nodes = {}
        yield Candidate(residency, origin, problems)


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


# -- the static site -------------------------------------------------------------------------

SITE_MARKER = ".made-by-residence-catalog"
PROGRAMME_NAMES = {
    "territoires-en-residences": "Territoires en résidences",
    "la-transfo": "La Transfo",
    "la-pointeuse": "La Pointeuse",
}
PHASES = ("immersion", "analysis", "prototyping", "testing", "transfer")


@dataclass
class Site:
    """What ``render_site`` wrote: the pages, the full reports, and the warnings met."""

    out: Path
    pages: int = 0
    reports: int = 0
    problems: list[Problem] = field(default_factory=list)


def check_site_output(out: Path) -> str | None:
    """Return why the site cannot be written to ``out`` (a file, or someone else's folder)."""
    if out.exists() and not out.is_dir():
        return f"'{out}' is a file, not a folder"
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).is_file():
        return (
            f"'{out}' is not empty and was not made by residence catalog render: choose "
            "another --out folder"
        )
    return None


class _Labels:
    """The words of the site, in its language."""

    def __init__(self, language: str) -> None:
        from residence.i18n import translator

        self.t = translator(language, "report")
        self.language = self.t.language

    def programme(self, value: str) -> str:
        return PROGRAMME_NAMES.get(value) or self.t.gettext("Other programmes")

    def phase(self, value: str | None) -> str:
        names = {
            "immersion": "Immersion", "analysis": "Analysis", "prototyping": "Prototyping",
            "testing": "Testing", "transfer": "Transfer",
        }  # fmt: skip
        return self.t.gettext(names.get(value or "", "Other methods"))

    def stage(self, value: str) -> str:
        names = {
            "idea": "Idea", "sketch": "Sketch", "mock-up": "Mock-up", "live-test": "Live test",
            "adopted": "Adopted", "abandoned": "Abandoned",
        }  # fmt: skip
        return self.t.gettext(names.get(value, value))

    def period(self, start: str | None, end: str | None) -> str:
        if not start or not end:
            return ""
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        return f"{self.t.date(first, 'medium')}\u2009\u2013\u2009{self.t.date(last, 'medium')}"


def _environment(labels: _Labels) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from residence.render.markdown import render_inline, render_markdown
    from residence.resources import templates_dir

    env = Environment(
        loader=FileSystemLoader(str(templates_dir() / "catalog")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(_=labels.t.gettext, ngettext=labels.t.ngettext, lang=labels.language)
    env.filters["markdown"] = lambda text, lang=labels.language: render_markdown(text, lang=lang)
    env.filters["inline"] = lambda text, lang=labels.language: render_inline(text, lang=lang)
    env.filters["day"] = lambda value: labels.t.date(value, "medium")
    return env


@contextmanager
def _media_root(origin: str, residency_id: str) -> Iterator[Path | None]:
    """Yield the folder the media of a catalogued residency can be read from, if it still exists.

    A folder origin is used as it is; an archive is unpacked (safely) into a temporary folder.
    """
    from residence.archive import SOURCES

    path = Path(origin)
    try:
        if path.is_dir() and not is_archive(path):
            yield path
            return
        if path.exists():
            from residence.verify import open_bag

            with open_bag(path) as root:
                folder = root / "data" / SOURCES
                yield folder if folder.is_dir() else None
            return
    except ResidenceError:
        pass
    yield None


def _uses(published: Residency, method: Method) -> list[dict[str, Any]]:
    """Return where a method was used in its residency: entries and prototypes, in order."""
    stems = {entry_stem(e): e for e in published.entries}
    protos = {p.id: p for p in published.prototypes}
    found: dict[tuple[str, str], dict[str, Any]] = {}

    def entry_use(entry: Entry) -> dict[str, Any]:
        # The report's anchors: entry-<journal file name>, prototype-<id>.
        return {
            "kind": "entry",
            "title": entry.title,
            "date": entry.date,
            "anchor": f"entry-{slugify(entry_stem(entry))}",
        }

    def proto_use(proto: Prototype) -> dict[str, Any]:
        return {
            "kind": "prototype",
            "title": proto.title,
            "date": None,
            "anchor": f"prototype-{proto.id}",
        }

    for entry in published.entries:
        if method.id in entry.methods:
            found[("entry", entry_stem(entry))] = entry_use(entry)
    for proto in published.prototypes:
        if method.id in proto.methods:
            found[("prototype", proto.id)] = proto_use(proto)
    for ref in method.examples:
        if ref in stems:
            found.setdefault(("entry", ref), entry_use(stems[ref]))
        elif ref in protos:
            found.setdefault(("prototype", ref), proto_use(protos[ref]))
    return sorted(
        found.values(), key=lambda u: (u["kind"] != "entry", u["date"] or dt.date.min, u["title"])
    )


def render_site(catalog: Catalog, out: Path, language: str = "fr") -> Site:
    """Write the catalogue's static site into ``out``, replacing a site made before.

    Pages: residencies by year, by territory and by programme; the commons of every method
    sheet with where each was used; one page per residency and, through the HTML renderer,
    its full report. The site is built in a temporary folder and swapped in at the end.
    """
    import shutil
    import tempfile

    problem = check_site_output(out)
    if problem:
        raise ResidenceError(problem, usage=True)
    labels = _Labels(language)
    env = _environment(labels)
    site = Site(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        _build_site(catalog, staging, labels, env, site)
        (staging / SITE_MARKER).write_text(
            "This folder is written by 'residence catalog render' and replaced at each render.\n",
            encoding="utf-8",
        )
        os.chmod(staging, 0o755)
        old: Path | None = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            os.replace(out, old / "site")
        os.replace(staging, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return site


def _write(folder: Path, rel: str, text: str, site: Site) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    site.pages += 1


def _build_site(catalog: Catalog, folder: Path, labels: _Labels, env: Any, site: Site) -> None:
    from residence.resources import templates_dir

    t = labels.t
    summaries = catalog.summaries()
    nav = [
        ("index.html", t.gettext("By year")),
        ("territories.html", t.gettext("By territory")),
        ("programmes.html", t.gettext("By programme")),
        ("methods/index.html", t.gettext("Commons of methods")),
    ]

    def chrome(base: str, current: str | None) -> dict[str, Any]:
        return {
            "base": base,
            "title": t.gettext("Catalogue of residencies"),
            "nav": [
                {"href": base + href, "label": label, "current": href == current}
                for href, label in nav
            ],
        }

    def row(s: Summary, base: str) -> dict[str, Any]:
        return {
            "href": f"{base}residencies/{s.id}/index.html", "title": s.title, "site": s.site,
            "territory": s.territory or "", "programme": labels.programme(s.programme),
            "period": labels.period(s.start, s.end), "entries": s.counts.get("entries", 0),
            "language": s.language,
        }  # fmt: skip

    def listing(rel: str, title: str, intro: str, groups: dict[str, list[Summary]]) -> None:
        page = {
            "site": chrome("", rel),
            "title": title,
            "intro": intro,
            "count": len(summaries),
            "groups": [
                {"id": f"g{i}-{slugify(label) or 'none'}", "label": label,
                 "rows": [row(s, "") for s in items]}
                for i, (label, items) in enumerate(groups.items(), 1)
            ],
        }  # fmt: skip
        _write(folder, rel, env.get_template("listing.html.j2").render(page=page), site)

    by_year: dict[str, list[Summary]] = {}
    for s in summaries:
        by_year.setdefault(str(s.year) if s.year else t.gettext("No date"), []).append(s)
    by_territory: dict[str, list[Summary]] = {}
    for s in sorted(summaries, key=lambda s: slugify(s.territory or "~")):
        by_territory.setdefault(s.territory or t.gettext("No territory given"), []).append(s)
    by_programme: dict[str, list[Summary]] = {}
    order = [*PROGRAMME_NAMES, "other"]
    for s in sorted(
        summaries, key=lambda s: order.index(s.programme) if s.programme in order else len(order)
    ):
        by_programme.setdefault(labels.programme(s.programme), []).append(s)
    intro = t.ngettext(
        "{n} residency in the catalogue.", "{n} residencies in the catalogue.", len(summaries)
    )
    listing("index.html", t.gettext("Residencies by year"), intro, by_year)
    listing("territories.html", t.gettext("Residencies by territory"), intro, by_territory)
    listing("programmes.html", t.gettext("Residencies by programme"), intro, by_programme)

    commons: dict[str, list[dict[str, Any]]] = {}
    for s in summaries:
        with _media_root(s.origin, s.id) as media_root:
            root = media_root or folder / ".no-media"
            published = catalog.content(s.id, root)
            sheets = _residency_pages(published, s, folder, labels, env, site, chrome, row)
            if media_root is None:
                site.problems.append(
                    Problem(
                        s.id,
                        None,
                        None,
                        "warning",
                        "origin-missing",
                        f"{s.origin} cannot be read any more: the report of {s.id} is shown "
                        "without its photos",
                    )
                )
        for phase, sheet in sheets:
            commons.setdefault(phase, []).append(sheet)
    groups = []
    for phase in [*PHASES, ""]:
        cards = sorted(commons.get(phase, []), key=lambda m: (slugify(m["title"]), m["href"]))
        if cards:
            groups.append(
                {"id": f"phase-{phase or 'other'}", "label": labels.phase(phase), "sheets": cards}
            )
    page = {
        "site": chrome("../", "methods/index.html"),
        "title": t.gettext("Commons of methods"),
        "count": sum(len(g["sheets"]) for g in groups),
        "groups": groups,
    }
    _write(
        folder, "methods/index.html", env.get_template("methods.html.j2").render(page=page), site
    )
    (folder / "catalog.css").write_bytes((templates_dir() / "catalog" / "catalog.css").read_bytes())


def _residency_pages(
    published: Residency,
    s: Summary,
    folder: Path,
    labels: _Labels,
    env: Any,
    site: Site,
    chrome: Any,
    row: Any,
) -> list[tuple[str, dict[str, Any]]]:
    """Write a residency's page, its report and its method sheets; return the commons' rows."""
    res = published.residence
    assert res is not None
    base_dir = f"residencies/{s.id}"
    report = _write_report(published, folder / base_dir, site)
    sheets: list[tuple[str, dict[str, Any]]] = []
    methods = []
    for method in published.methods:
        rel = f"methods/{s.id}/{method.id}.html"
        uses = _uses(published, method)
        sheet_page = {
            "site": chrome("../../", None),
            "method": method,
            "phase": labels.phase(method.phase),
            "license": method.license or res.license,
            "residency": {
                "title": res.title,
                "href": f"../../{base_dir}/index.html",
                "language": res.language,
            },
            "uses": uses,
            "report": f"../../{base_dir}/report.html" if report else None,
        }
        _write(folder, rel, env.get_template("method.html.j2").render(page=sheet_page), site)
        methods.append({"title": method.title, "href": f"../../{rel}"})
        sheets.append(
            (
                method.phase or "",
                {
                    "title": method.title,
                    "href": f"{s.id}/{method.id}.html",
                    "summary": method.summary,
                    "residency": res.title,
                    "residency_href": f"../{base_dir}/index.html",
                    "uses": len(uses),
                    "language": res.language,
                },
            )
        )
    page = {
        "site": chrome("../../", None),
        "residency": row(s, "../../"),
        "summary": s,
        "res": res,
        "programme": labels.programme(res.programme),
        "report": "report.html" if report else None,
        "team": res.team,
        "prototypes": [
            {"title": p.title, "stage": labels.stage(p.stage)} for p in published.prototypes
        ],
        "methods": methods,
    }
    _write(
        folder,
        f"{base_dir}/index.html",
        env.get_template("residency.html.j2").render(page=page),
        site,
    )
    return sheets


def _write_report(published: Residency, folder: Path, site: Site) -> bool:
    """Write the residency's full report (report.html and assets/) with the HTML renderer."""
    from residence.render.html import render_html

    try:
        report = render_html(published, use_cache=False)
    except ResidenceError as exc:
        site.problems.extend(exc.problems)
        return False
    ident = published.residence.id if published.residence else "?"
    site.problems.extend(
        Problem(f"{ident}: {p.path}", p.line, p.column, p.severity, p.code, p.message)
        for p in report.problems
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.html").write_text(report.html, encoding="utf-8")
    for rel, content in report.assets.items():
        target = folder / rel
        if not target.resolve().is_relative_to(folder.resolve()):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.read_bytes())
    site.reports += 1
    return True
