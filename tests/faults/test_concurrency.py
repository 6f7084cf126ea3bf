# SPDX-License-Identifier: EUPL-1.2
"""Many `residence add` at once on one residency: every add that says it succeeded is in the
file, the losers refuse in one line, and the residency's lock behaves on odd file systems."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner  # noqa: TID251

from conftest import copy_project
from residence import add as core
from residence import fsutil
from residence.add.writing import BUSY, WRITTEN
from residence.check import check_residency
from residence.cli import app
from residence.errors import ResidenceError, has_errors
from residence.fsutil import LOCK_FILE, LockBusy, locked
from residence.load import load_residency

fcntl = pytest.importorskip("fcntl")

#: Rounds of the parallel tests (more with RESIDENCE_CONCURRENCY_ROUNDS=10, for a long run).
ROUNDS = int(os.environ.get("RESIDENCE_CONCURRENCY_ROUNDS", "3"))
PAIRS = 20
NOTES = 20
AGENT = ["--kind", "agent", "--sector", "public", "--circle", "core"]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No author and no editor from the machine running the tests (subprocesses included)."""
    for name in ("RESIDENCE_AUTHOR", "EDITOR", "VISUAL", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def residence_cmd() -> list[str]:
    """Return the installed console script, or ``python -m residence``."""
    script = Path(sys.executable).with_name("residence")
    return [str(script)] if script.exists() else [sys.executable, "-m", "residence"]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def launch(commands: list[list[str]]) -> list[Run]:
    """Start every command at once, then wait for all of them."""
    procs = [
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for command in commands
    ]
    runs = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        runs.append(Run(proc.returncode, out, err))
    return runs


def assert_refusal(run: Run) -> None:
    """A loser exits 1 and says why in one line, with no traceback and nothing on stdout."""
    assert run.returncode == 1, run
    assert "Traceback" not in run.stderr
    assert len([line for line in run.stderr.splitlines() if line.startswith("error:")]) == 1, run
    assert run.stdout == ""


def residency_without_errors(folder: Path) -> list[str]:
    """Return the ids of the actors, after checking the residency loads without errors."""
    residency, problems = load_residency(folder)
    found = [*problems, *check_residency(residency)]
    assert not has_errors(found), [str(p) for p in found]
    return [a.id for a in residency.actors]


# -- many processes at once ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_parallel_actors_lose_no_add_that_succeeded(tmp_path: Path, round_: int) -> None:
    folder = copy_project("minimal", tmp_path)
    original = residency_without_errors(folder)
    # Two processes per name: one of them finds the other's actor (the same id).
    names = [f"Service {i}" for i in range(PAIRS) for _ in range(2)]
    runs = launch(
        [
            [
                *residence_cmd(),
                "add",
                "actor",
                str(folder),
                "--name",
                name,
                "--kind",
                "service",
                "--sector",
                "public",
                "--circle",
                "direct",
                "--no-edit",
            ]
            for name in names
        ]
    )
    ids = residency_without_errors(folder)
    assert len(ids) == len(set(ids)), ids  # no two actors with one id
    residency, _ = load_residency(folder)
    by_id = {a.id: a for a in residency.actors}
    added: dict[str, str] = {}
    for name, run in zip(names, runs, strict=True):
        if run.returncode != 0:
            assert_refusal(run)
            continue
        assert "Traceback" not in run.stderr
        found = re.search(r"added the actor '([^']+)'", run.stderr)
        assert found, run.stderr
        ident = found.group(1)
        assert ident not in added, f"two processes said they added '{ident}'"
        added[ident] = name
        assert ident in by_id, f"'{ident}' was reported added but is not in actors.yaml"
        assert by_id[ident].name == name
        assert run.stdout.strip() == str(folder / "actors.yaml")
    assert added, "no add went through"
    # Nothing lost, nothing more: the file holds the team's actors and every reported add.
    assert sorted(ids) == sorted([*original, *added])
    text = (folder / "actors.yaml").read_text(encoding="utf-8")
    for ident in added:
        assert text.count(f"- id: {ident}\n") == 1


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(max(1, ROUNDS - 1)))
def test_parallel_notes_with_one_title_get_distinct_files(tmp_path: Path, round_: int) -> None:
    folder = copy_project("minimal", tmp_path)
    journal = folder / "journal"
    before = {p.name for p in journal.iterdir()}
    runs = launch(
        [
            [
                *residence_cmd(),
                "add",
                "note",
                str(folder),
                "--title",
                "Visite du hall",
                "--kind",
                "observation",
                "--date",
                "2025-03-05",
                "--author",
                "claire",
                "--body",
                f"Note numéro {i}.",
                "--no-edit",
            ]
            for i in range(NOTES)
        ]
    )
    written = []
    for i, run in enumerate(runs):
        assert run.returncode == 0, run
        assert "Traceback" not in run.stderr
        path = Path(run.stdout.strip())
        assert path.parent == journal
        assert f"Note numéro {i}." in path.read_text(encoding="utf-8")
        written.append(path.name)
    assert len(set(written)) == NOTES
    assert {p.name for p in journal.iterdir()} == before | set(written)
    assert "2025-03-05-visite-du-hall.yaml" in written
    residency_without_errors(folder)


# -- the same races, one step at a time ------------------------------------------------


def _actor_plan(ctx: core.Context, name: str) -> core.Plan:
    data, _ = core.build_item(
        ctx, "actor", {"name": name, "kind": "agent", "sector": "public", "circle": "core"}
    )
    return core.plan_from_data(ctx, "actor", data)


def _note_plan(ctx: core.Context, body: str) -> core.Plan:
    values = {
        "title": "T",
        "kind": "test",
        "authors": ["claire"],
        "body": body,
        "date": "2025-03-05",
    }
    data, _ = core.build_item(ctx, "note", values)
    return core.plan_from_data(ctx, "note", data)


def test_an_add_made_stale_by_another_add_is_made_again(minimal: Path) -> None:
    ctx = core.load_context(minimal)
    first, second = _actor_plan(ctx, "Premier"), _actor_plan(ctx, "Second")
    core.write_plan(first)
    core.write_plan(second)  # read before the first was written: made again, not refused
    assert second.before == first.text.encode("utf-8")
    ids = residency_without_errors(minimal)
    assert ids[-2:] == ["premier", "second"]
    assert (minimal / WRITTEN).is_file()


def test_the_same_id_added_twice_at_once_is_refused_once(minimal: Path) -> None:
    ctx = core.load_context(minimal)
    first, second = _actor_plan(ctx, "Service"), _actor_plan(ctx, "Service")
    core.write_plan(first)
    after = (minimal / "actors.yaml").read_bytes()
    with pytest.raises(ResidenceError) as caught:
        core.write_plan(second)
    assert "there is already an actor 'service'" in str(caught.value)
    assert (minimal / "actors.yaml").read_bytes() == after


def test_two_notes_planned_together_get_two_files(minimal: Path) -> None:
    ctx = core.load_context(minimal)
    first, second = _note_plan(ctx, "un"), _note_plan(ctx, "deux")
    assert first.rel == second.rel
    core.write_plan(first)
    core.write_plan(second)
    assert first.rel == "journal/2025-03-05-t.yaml"
    assert second.rel == "journal/2025-03-05-t-2.yaml"
    assert "deux" in second.path.read_text(encoding="utf-8")
    assert "un" in first.path.read_text(encoding="utf-8")


def test_a_file_made_by_someone_else_meanwhile_is_still_refused(minimal: Path) -> None:
    ctx = core.load_context(minimal)
    plan = _note_plan(ctx, "b")
    plan.path.write_text("date: 2025-03-05\n", encoding="utf-8")  # not an add's
    with pytest.raises(ResidenceError) as caught:
        core.write_plan(plan)
    assert "appeared while" in str(caught.value)
    assert plan.path.read_text(encoding="utf-8") == "date: 2025-03-05\n"


def test_an_add_checked_against_an_older_residency_is_checked_again(minimal: Path) -> None:
    old = core.load_context(minimal)
    core.write_plan(_actor_plan(core.load_context(minimal), "Ailleurs"))
    plan = _actor_plan(old, "Ici")  # reads actors.yaml with Ailleurs, checked without it
    assert not plan.read_with_context
    core.write_plan(plan)
    assert plan.read_with_context
    assert not [p for p in plan.warnings if "ailleurs" in p.message]
    assert residency_without_errors(minimal)[-2:] == ["ailleurs", "ici"]


# -- the lock --------------------------------------------------------------------------


def _hold(root: Path) -> int:
    """Take the residency's lock as another process would (its own open file)."""
    (root / ".residence").mkdir(exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _release(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def test_the_lock_is_a_file_kept_between_uses_and_can_be_entered_again(tmp_path: Path) -> None:
    with locked(tmp_path) as held:
        assert held
        with locked(tmp_path) as again:  # the same thread: no deadlock
            assert again
        assert (tmp_path / LOCK_FILE).is_file()
    assert (tmp_path / LOCK_FILE).is_file()  # never deleted: no one may lock a new copy
    fd = _hold(tmp_path)  # and released
    _release(fd)


def test_the_lock_gives_up_when_nobody_else_gets_it(tmp_path: Path) -> None:
    fd = _hold(tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(LockBusy), locked(tmp_path, timeout=0.3):
            pass
        assert time.monotonic() - started >= 0.3
    finally:
        _release(fd)
    with locked(tmp_path) as held:
        assert held


def test_the_lock_waits_while_it_changes_hands(tmp_path: Path) -> None:
    fd = _hold(tmp_path)
    done = threading.Event()

    def new_holders() -> None:
        # Each new mark is what a new holder writes: the waiter keeps waiting.
        for n in range(30):
            os.pwrite(fd, f"holder {n}\n".encode(), 0)
            time.sleep(0.05)
        _release(fd)
        done.set()

    thread = threading.Thread(target=new_holders)
    thread.start()
    try:
        with locked(tmp_path, timeout=0.6) as held:
            assert held and done.is_set()
    finally:
        thread.join()


def test_a_busy_residency_refuses_an_add_in_one_line(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fsutil, "LOCK_TIMEOUT", 0.2)
    before = (minimal / "actors.yaml").read_bytes()
    fd = _hold(minimal)
    try:
        result = CliRunner().invoke(
            app,
            ["add", "actor", str(minimal), "--name", "Z", *AGENT, "--no-edit"],
        )
    finally:
        _release(fd)
    assert result.exit_code == 1
    assert f"error: {BUSY}" in result.stderr
    assert "Traceback" not in result.stderr
    assert (minimal / "actors.yaml").read_bytes() == before


@pytest.mark.parametrize("code", [errno.ENOLCK, errno.EOPNOTSUPP])
def test_without_locks_the_checks_still_refuse_a_change(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    def refuse(*_args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(fcntl, "flock", refuse)
    with locked(minimal) as held:
        assert not held
    ctx = core.load_context(minimal)
    core.write_plan(_actor_plan(ctx, "Sans verrou"))  # adds still work
    plan = _actor_plan(core.load_context(minimal), "Z")
    path = minimal / "actors.yaml"
    edited = path.read_bytes() + b"# saved from an editor meanwhile\n"
    path.write_bytes(edited)
    with pytest.raises(ResidenceError) as caught:
        core.write_plan(plan)
    assert "changed while" in str(caught.value)
    assert path.read_bytes() == edited


def test_a_lock_file_that_is_a_link_or_a_pipe_is_left_alone(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n", encoding="utf-8")
    root = tmp_path / "residency"
    (root / ".residence").mkdir(parents=True)
    (root / LOCK_FILE).symlink_to(outside)
    with locked(root) as held:
        assert not held
    assert outside.read_text(encoding="utf-8") == "precious\n"
    if hasattr(os, "mkfifo"):
        (root / LOCK_FILE).unlink()
        os.mkfifo(root / LOCK_FILE)
        with locked(root) as held:  # returns at once: a pipe never blocks the open
            assert not held


def test_a_read_only_folder_has_no_lock_and_no_traceback(tmp_path: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root writes in read-only folders")
    tmp_path.chmod(0o555)
    try:
        with locked(tmp_path) as held:
            assert not held
    finally:
        tmp_path.chmod(0o755)
