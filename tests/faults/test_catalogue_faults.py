# SPDX-License-Identifier: EUPL-1.2
"""The catalogue on a full disk, with damaged pages, locked, or given absurd filters (issue 18).

Every one gives one line that says what happened and what to do, exit 1 or 2, never a
traceback, and the catalogue file is left as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from conftest import copy_project
from residence.catalog import CatalogError, Filters, open_catalog
from residence.catalog import store as store_module
from residence.catalog.store import catalogue_error
from residence.cli import app
from residence.errors import ResidenceError

DAMAGED = "is damaged"
WHAT_TO_DO = "or restore a copy"
DISK_FULL = "the disk is full: free some space and try again"


@pytest.fixture(scope="module")
def _catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalogue holding the minimal residency, made once for the module."""
    tmp = tmp_path_factory.mktemp("catalogue")
    folder = copy_project("minimal", tmp)
    path = tmp / "catalog.sqlite"
    result = CliRunner().invoke(app, ["catalog", "add", str(folder), "--catalog", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def catalogue(_catalogue: Path, tmp_path: Path) -> Path:
    """This test's own copy of the catalogue."""
    return Path(shutil.copy(_catalogue, tmp_path / "catalog.sqlite"))


def run(*args: str) -> tuple[int, list[str]]:
    """Run the command line in this process; return its exit code and stderr lines.

    It must end by an exit code (never an exception) and print no traceback.
    """
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines()


def assert_one_line(code: int, lines: list[str], expected_code: int, *words: str) -> None:
    assert code == expected_code, lines
    assert len(lines) == 1, lines
    for word in words:
        assert word in lines[0], lines


def commands(catalogue: Path, tmp_path: Path, minimal: Path) -> dict[str, list[str]]:
    """Every catalogue command, on this catalogue."""
    where = ["--catalog", str(catalogue)]
    return {
        "list": ["catalog", "list", *where],
        "list-json": ["catalog", "list", "--format", "json", *where],
        "search": ["catalog", "search", "mairie", *where],
        "show": ["catalog", "show", "mairie-annexe", *where],
        "remove": ["catalog", "remove", "mairie-annexe", *where],
        "add": ["catalog", "add", str(minimal), *where],
        "render": ["catalog", "render", "--out", str(tmp_path / "site"), *where],
    }


# -- a full disk -----------------------------------------------------------------------------


def _connect_to_a_full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every SQLite file opened from now on unable to grow: SQLite's own "database or
    disk is full" (SQLITE_FULL), as on a disk with no space left."""
    connect = sqlite3.connect

    def full(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db: sqlite3.Connection = connect(*args, **kwargs)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return db

    monkeypatch.setattr(sqlite3, "connect", full)


def test_catalog_add_on_a_full_disk_says_the_disk_is_full(
    catalogue: Path, minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = catalogue.read_bytes()
    _connect_to_a_full_disk(monkeypatch)
    code, lines = run("catalog", "add", str(minimal), "--catalog", str(catalogue))
    assert code == 1, lines
    assert DISK_FULL in lines[0], lines
    assert not any("not a residence catalogue" in line for line in lines)
    assert catalogue.read_bytes() == before
    assert not catalogue.with_name("catalog.sqlite-journal").exists()


def test_a_new_catalogue_on_a_full_disk_is_not_left_behind(
    tmp_path: Path, minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _connect_to_a_full_disk(monkeypatch)
    new = tmp_path / "new.sqlite"
    code, lines = run("catalog", "add", str(minimal), "--catalog", str(new))
    assert_one_line(code, lines, 1, DISK_FULL)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal"]


def test_no_space_for_the_catalogue_folder_says_the_disk_is_full(
    tmp_path: Path, minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "team-drive"
    mkdir = Path.mkdir

    def no_space(self: Path, *args: Any, **kwargs: Any) -> None:
        if self == folder:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", no_space)
    code, lines = run("catalog", "add", str(minimal), "--catalog", str(folder / "c.sqlite"))
    assert_one_line(code, lines, 1, DISK_FULL)
    assert not folder.exists()


def test_a_disk_that_fails_while_writing_leaves_the_catalogue_as_it_was(
    catalogue: Path, minimal: Path
) -> None:
    """A real failure in a process of its own: its files may not grow (RLIMIT_FSIZE), so
    SQLite's writes fail half way; the rollback journal puts the file back."""
    resource = pytest.importorskip("resource")
    import signal

    before = catalogue.read_bytes()
    limit = len(before) + 4096

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    args = ["catalog", "add", str(minimal), "--catalog", str(catalogue)]
    done = subprocess.run(
        [sys.executable, "-m", "residence", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=small_files,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"cannot read or write the catalogue {catalogue}" in done.stderr
    assert catalogue.read_bytes() == before


# -- damaged files ---------------------------------------------------------------------------


def _garble(data: bytes, start: int, end: int) -> bytes:
    damaged = bytearray(data)
    for at in range(start, min(end, len(damaged))):
        damaged[at] = (damaged[at] * 7 + 13) & 0xFF
    return bytes(damaged)


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "truncated to half": lambda d: d[: len(d) // 2],
    "truncated to one page": lambda d: d[:4096],
    "truncated inside its header": lambda d: d[:50],
    "first page garbled": lambda d: _garble(d, 100, 4096),
    "a page in the middle garbled": lambda d: _garble(d, len(d) // 3, len(d) // 3 + 4096),
    "every page after the second garbled": lambda d: _garble(d, 8192, len(d)),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_catalogue_is_one_line(
    catalogue: Path, tmp_path: Path, minimal: Path, damage: str
) -> None:
    """Each command either still works (SQLite reads only the pages it needs) or says in one
    line that the file is damaged and what to do; it never changes the file."""
    damaged = DAMAGES[damage](catalogue.read_bytes())
    failed = 0
    for name, args in commands(catalogue, tmp_path, minimal).items():
        catalogue.write_bytes(damaged)
        code, lines = run(*args)
        if code == 0:
            assert name not in ("add", "remove"), f"{name} wrote to a damaged catalogue"
            continue
        failed += 1
        assert code == 1, (name, lines)
        assert DAMAGED in lines[0] and WHAT_TO_DO in lines[0], (name, lines)
        assert lines[0].count(str(catalogue)) == 1, lines
        if name != "add":  # add also says which path was not added, and where
            assert len(lines) == 1, (name, lines)
        assert catalogue.read_bytes() == damaged, name
    assert failed


def test_a_damaged_record_is_one_line(catalogue: Path, tmp_path: Path, minimal: Path) -> None:
    """Pages SQLite can read, holding bytes that are no longer what was stored."""
    db = sqlite3.connect(catalogue)
    db.execute("UPDATE residency SET keywords = '[\"acc', content = x'789c00'")
    db.commit()
    db.close()
    for name in ("list", "show", "render"):
        code, lines = run(*commands(catalogue, tmp_path, minimal)[name])
        assert_one_line(code, lines, 1, DAMAGED, "'mairie-annexe'", WHAT_TO_DO)
    assert not (tmp_path / "site").exists()


def test_a_file_that_is_not_a_catalogue_is_still_named_so(tmp_path: Path) -> None:
    notes = tmp_path / "notes.sqlite"
    notes.write_text("plain text, not a database " * 100, encoding="utf-8")
    code, lines = run("catalog", "list", "--catalog", str(notes))
    assert_one_line(code, lines, 1, "is not a residence catalogue")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_catalogue_that_is_a_pipe_or_a_device_is_refused_unread(
    tmp_path: Path, minimal: Path
) -> None:
    fifo = tmp_path / "catalog.sqlite"
    os.mkfifo(fifo)  # nobody writes to it: reading it would wait forever
    for target in (str(fifo), "/dev/zero", "/dev/null"):
        for args in (["list"], ["add", str(minimal)]):
            code, lines = run("catalog", *args, "--catalog", target)
            assert_one_line(code, lines, 2)
            assert lines[0] == (
                f"Error: {target} is not a plain file (a device, a pipe or a socket): give the "
                "path of the catalogue file"
            )
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_locked_catalogue_says_it_is_in_use(
    catalogue: Path, minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(catalogue, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, lines = run("catalog", "remove", "mairie-annexe", "--catalog", str(catalogue))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_one_line(code, lines, 1, "is in use: another program kept it locked", "try again")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_catalogue_says_so(catalogue: Path, minimal: Path) -> None:
    before = catalogue.read_bytes()
    catalogue.chmod(0o444)
    try:
        code, lines = run("catalog", "remove", "mairie-annexe", "--catalog", str(catalogue))
    finally:
        catalogue.chmod(0o644)
    assert code == 1, lines
    assert len(lines) == 1 and str(catalogue) in lines[0], lines
    assert catalogue.read_bytes() == before


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("database disk image is malformed", DAMAGED),
        ("file is not a database", "is not a residence catalogue"),
        ("database or disk is full", DISK_FULL),
        ("disk I/O error", "cannot read or write the catalogue"),
        ("attempt to write a readonly database", "is read-only"),
        ("unable to open database file", "cannot open the catalogue"),
        ("database is locked", "is in use"),
        ("something new", "cannot be used: something new"),
    ],
)
def test_every_sqlite_error_is_one_plain_line(tmp_path: Path, message: str, words: str) -> None:
    """Also without the error codes of Python 3.11 (the words of the message are read)."""
    error = catalogue_error(tmp_path / "c.sqlite", sqlite3.OperationalError(message))
    assert isinstance(error, CatalogError) and not error.usage
    assert len(error.problems) == 1 and words in error.problems[0].message
    assert "\n" not in error.problems[0].message


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, DISK_FULL),
        (getattr(errno, "EDQUOT", errno.ENOSPC), DISK_FULL),
        (errno.EACCES, "cannot use the catalogue"),
    ],
)
def test_an_os_error_is_one_plain_line(tmp_path: Path, code: int, words: str) -> None:
    error = catalogue_error(tmp_path / "c.sqlite", OSError(code, os.strerror(code)))
    assert words in error.problems[0].message


# -- absurd filters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "year", ["99999999999999999999", "-99999999999999999999", "-5", "0", "10000"]
)
@pytest.mark.parametrize("command", [["search", "mairie"], ["list"]])
def test_an_absurd_year_is_a_usage_error(catalogue: Path, year: str, command: list[str]) -> None:
    code, lines = run("catalog", *command, f"--year={year}", "--catalog", str(catalogue))
    assert_one_line(code, lines, 2, "--year", "is not a year: give one from 1 to 9999")


@pytest.mark.parametrize("limit", ["0", "-1", "1001", str(10**30)])
def test_an_absurd_limit_is_a_usage_error(catalogue: Path, limit: str) -> None:
    result = CliRunner().invoke(
        app, ["catalog", "search", "mairie", f"--limit={limit}", "--catalog", str(catalogue)]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_the_core_refuses_absurd_filters(catalogue: Path) -> None:
    for year in (10**20, -(10**20), 0, -1, 10_000, 10**5000):
        with pytest.raises(ResidenceError, match="is not a year") as caught:
            Filters(year=year)
        assert caught.value.usage
    assert Filters(year=1).year == 1 and Filters(year=9999).year == 9999
    with open_catalog(catalogue, create=False) as cat:
        for limit in (0, -1, 10**30):
            with pytest.raises(ResidenceError, match="--limit") as caught:
                cat.search("mairie", limit=limit)
            assert caught.value.usage
        assert cat.search("mairie", Filters(year=2025), limit=1000)
