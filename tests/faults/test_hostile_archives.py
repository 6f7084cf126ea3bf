# SPDX-License-Identifier: EUPL-1.2
"""`residence verify` on archives made to break it (issue 18): unknown checksum algorithms,
odd Payload-Oxum numbers, RO-Crates of every wrong shape, pipes and devices, and zips that
lie, are damaged or would write outside their folder.

Every one gives problems or one line, exit 1 or 2, never a traceback, never a hang, and
nothing is written outside a temporary folder.
"""

from __future__ import annotations

import errno
import io
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from conftest import copy_project
from residence.archive import unpack, verify_archive, verify_bag, write_archive
from residence.archive.bag import MAX_TAG_FILE_BYTES
from residence.archive.verify import MAX_CRATE_BYTES
from residence.cli import app
from residence.errors import ResidenceError
from residence.gate import select_edition
from residence.load import load_residency

CRATE = "data/ro-crate-metadata.json"
BAGIT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
#: A command given a pipe or a device must answer well before this (it must not read it).
PROMPT_SECONDS = 30


@pytest.fixture(scope="module")
def _archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public archive of the minimal residency, made once for the module."""
    tmp = tmp_path_factory.mktemp("hostile")
    residency, _ = load_residency(copy_project("minimal", tmp))
    out = tmp / "archive.zip"
    write_archive(out, select_edition(residency, "public"), {})
    return out


@pytest.fixture
def zipped(_archive: Path, tmp_path: Path) -> Path:
    """This test's own copy of the archive."""
    return Path(shutil.copy(_archive, tmp_path / "archive.zip"))


@pytest.fixture
def bag(zipped: Path, tmp_path: Path) -> Path:
    """The archive unpacked: a bag folder."""
    with zipfile.ZipFile(zipped) as z:
        z.extractall(tmp_path / "unpacked")
    return tmp_path / "unpacked" / "mairie-annexe"


def verify_cli(target: Path | str) -> tuple[int, list[str]]:
    """Run `residence verify` in this process; return its exit code and its stderr lines.

    It must end by an exit code (never an exception) and print no traceback.
    """
    result = CliRunner().invoke(app, ["verify", str(target)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines()


def assert_damaged(target: Path | str, words: str) -> list[str]:
    """verify says the archive is damaged (exit 1), one problem a line, one of them ``words``."""
    code, lines = verify_cli(target)
    assert code == 1, lines
    assert any(words in line for line in lines), lines
    assert lines[-1].startswith("Damaged: ") or len(lines) == 1, lines
    assert all(len(line) < 500 for line in lines), lines
    return lines


def assert_refused(target: Path | str, words: str) -> None:
    """verify refuses the archive in one line (exit 1)."""
    code, lines = verify_cli(target)
    assert code == 1, lines
    assert len(lines) == 1, lines
    assert words in lines[0], lines


def crate_of(bag: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((bag / CRATE).read_text(encoding="utf-8"))
    return value


def crate_problems(bag: Path) -> list[str]:
    """Check the bag; return its problems about the crate (the checksums differ, of course)."""
    result = verify_bag(bag)
    assert not result.intact
    return [str(p) for p in result.problems if p.code == "crate"]


# -- manifests and Payload-Oxum --------------------------------------------------------------


@pytest.mark.parametrize(
    "algorithm", ["shake_128", "shake_256", "md4", "", "..", "MD5", "sha-256", "ripemd160", "sm3"]
)
def test_an_unknown_checksum_algorithm_is_one_problem(bag: Path, algorithm: str) -> None:
    shutil.copy(bag / "manifest-sha256.txt", bag / f"manifest-{algorithm}.txt")
    lines = assert_damaged(bag, f"unknown checksum algorithm '{algorithm}'")
    assert lines[0] == (
        f"manifest-{algorithm}.txt: error: unknown checksum algorithm '{algorithm}'"
    )


def test_a_tag_folder_named_like_a_manifest_is_not_read_as_one(bag: Path) -> None:
    (bag / "manifest-..").mkdir()
    shutil.copy(bag / "manifest-sha256.txt", bag / "manifest-.." / "x.txt")
    assert verify_archive(bag).intact  # a tag folder (RFC 8493, 2.2.4), not a manifest


def test_a_manifest_that_is_a_folder_is_a_problem(bag: Path) -> None:
    (bag / "manifest-sha1.txt").mkdir()
    assert_damaged(bag, "manifest-sha1.txt: error: cannot be read: it is not a plain file")


@pytest.mark.parametrize("algorithm", ["shake_128", "md4"])
def test_an_unknown_tag_manifest_algorithm_is_one_problem(bag: Path, algorithm: str) -> None:
    shutil.copy(bag / "tagmanifest-sha256.txt", bag / f"tagmanifest-{algorithm}.txt")
    lines = assert_damaged(bag, f"unknown checksum algorithm '{algorithm}'")
    assert lines[0].startswith(f"tagmanifest-{algorithm}.txt: error: unknown checksum")


def test_a_huge_manifest_is_refused_unread(bag: Path) -> None:
    with (bag / "manifest-sha1.txt").open("wb") as handle:  # sparse: quick to make
        handle.truncate(MAX_TAG_FILE_BYTES + 1)
    assert_damaged(bag, f"cannot be read: it is larger than the {MAX_TAG_FILE_BYTES // 1024**2} MB")


@pytest.mark.parametrize(
    "oxum",
    [
        "١٢٣.٤",  # Arabic-Indic digits: int() reads them
        "\uff12\uff18\uff19\uff18\uff11.\uff11\uff12",  # fullwidth digits: int() reads them
        "²³.4",  # superscripts: isdigit() says yes, int() says no
        "-5.12",
        "28981.-12",
        "+28981.12",
        "1_000.12",
        " 12 . 3",
        "28981",
        "",
        "9" * 5000 + ".12",  # more digits than int() reads
        "9" * 40 + ".12",
    ],
)
def test_payload_oxum_is_ascii_digits_only(bag: Path, oxum: str) -> None:
    info = bag / "bag-info.txt"
    text = info.read_text(encoding="utf-8")
    start = text.index("Payload-Oxum:")
    end = text.index("\n", start)
    info.write_text(f"{text[:start]}Payload-Oxum: {oxum}{text[end:]}", encoding="utf-8")
    result = verify_bag(bag)
    oxum_problems = [p for p in result.problems if "Payload-Oxum" in p.message]
    assert oxum_problems, result.problems
    assert "is not bytes.files" in oxum_problems[0].message or "says" in oxum_problems[0].message
    assert all(len(p.message) < 200 for p in result.problems)
    assert_damaged(bag, "Payload-Oxum")


def test_payload_oxum_in_other_digits_is_not_read_as_the_right_one(bag: Path) -> None:
    """The right count written in Arabic-Indic digits is not the right count."""
    result = verify_bag(bag)
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    right = f"{result.payload_bytes}.{result.files}"
    info = bag / "bag-info.txt"
    text = info.read_text(encoding="utf-8")
    info.write_text(text.replace(right, right.translate(arabic)), encoding="utf-8")
    assert any("is not bytes.files" in p.message for p in verify_bag(bag).problems)


# -- the RO-Crate ----------------------------------------------------------------------------


def _set_about(value: object) -> Any:
    return lambda crate: crate["@graph"][0].__setitem__("about", value)


def _set_root_id(value: object) -> Any:
    return lambda crate: crate["@graph"][1].__setitem__("@id", value)


def _add_part(value: object) -> Any:
    return lambda crate: crate["@graph"][1]["hasPart"].append({"@id": value})


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_set_about([{"@id": "./"}]), "'about' of its metadata descriptor is not an @id"),
        (_set_about(3), "is not an @id"),
        (_set_about("./"), "is not an @id"),
        (_set_about({"name": "x"}), "is not an @id"),
        (_set_about({"@id": ["./"]}), "is not an @id"),
        (_set_about({"@id": {"@id": "./"}}), "is not an @id"),
        (_set_about({"@id": "../../"}), "has no root dataset"),
        (_set_root_id(["./"]), "has no root dataset"),
        (_set_root_id(7), "has no root dataset"),
        (_set_root_id(None), "has no root dataset"),
        (_set_root_id({"@id": "./"}), "has no root dataset"),
        (_add_part("../../etc/passwd"), "hasPart names an unsafe path '../../etc/passwd'"),
        (_add_part("/etc/passwd"), "unsafe path"),
        (_add_part("%2e%2e/%2e%2e/x"), "unsafe path"),
        (_add_part("a%00b"), "unsafe path"),
        (_add_part("a\x1b[2Jb"), "unsafe path"),
        (lambda c: c.__setitem__("@graph", {"a": 1}), "it has no @graph list"),
        (lambda c: c.__setitem__("@graph", None), "it has no @graph list"),
        (lambda c: c.pop("@graph"), "it has no @graph list"),
    ],
)
def test_a_crate_of_an_unexpected_shape_is_a_problem(bag: Path, change: Any, words: str) -> None:
    crate = crate_of(bag)
    change(crate)
    (bag / CRATE).write_text(json.dumps(crate), encoding="utf-8")
    problems = crate_problems(bag)
    assert any(words in p for p in problems), problems
    assert_damaged(bag, words)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[1, 2]", "it has no @graph list"),
        ('"a string"', "it has no @graph list"),
        ("null", "it has no @graph list"),
        ("{", "is not RO-Crate JSON-LD: Expecting"),
        ('{"@graph": [NaN]}', "has no root dataset"),
        ('{"@graph": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"a": ' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
        ('{"@graph": [' + "9" * 5000 + "]}", "a number too long to read"),
    ],
)
def test_a_crate_that_is_not_json_ld_is_a_problem(bag: Path, text: str, words: str) -> None:
    (bag / CRATE).write_text(text, encoding="utf-8")
    problems = crate_problems(bag)
    assert any(words in p for p in problems), problems


def test_a_crate_that_is_not_utf8_is_a_problem(bag: Path) -> None:
    (bag / CRATE).write_bytes(b"\xff\xfe{}")
    assert any("not UTF-8" in p for p in crate_problems(bag))


def test_a_100_mb_crate_is_refused_unread(bag: Path) -> None:
    with (bag / CRATE).open("r+b") as handle:  # sparse: quick to make, zeros to read
        handle.truncate(100 * 1024**2)
    assert 100 * 1024**2 > MAX_CRATE_BYTES
    problems = crate_problems(bag)
    assert any("larger than the 16 MB it may be" in p for p in problems), problems


# -- pipes and devices -----------------------------------------------------------------------


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


class Hang(Exception):
    """A command took more than PROMPT_SECONDS: it was reading a pipe or a device."""


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail the test (instead of hanging it) if it runs longer than PROMPT_SECONDS."""

    def expire(*_args: object) -> None:
        raise Hang(f"still running after {PROMPT_SECONDS} s: it must not read a pipe")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(PROMPT_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@needs_fifo
@pytest.mark.usefixtures("deadline")
def test_verify_a_fifo_or_a_device_returns_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "archive.zip"
    os.mkfifo(fifo)  # nobody writes to it: reading it would wait forever
    for target in (str(fifo), "/dev/zero", "/dev/null", "/dev/urandom"):
        if os.path.exists(target):
            assert_refused(target, "neither a zip archive nor a folder")


@needs_fifo
def test_verify_stdin_returns_at_once() -> None:
    """In a process of its own, whose stdin is a pipe nobody ever writes to."""
    r, w = os.pipe()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "residence", "verify", "/dev/stdin"],
            stdin=r,
            capture_output=True,
            text=True,
            timeout=PROMPT_SECONDS,
            check=False,
        )
    finally:
        os.close(r)
        os.close(w)
    assert done.returncode == 1, done.stderr
    assert "neither a zip archive nor a folder" in done.stderr


@needs_fifo
@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("manifest-sha256.txt", "manifest-sha256.txt: error: cannot be read: it is not a plain"),
        ("manifest-sha1.txt", "manifest-sha1.txt: error: cannot be read: it is not a plain"),
        ("tagmanifest-sha256.txt", "tagmanifest-sha256.txt: error: cannot be read"),
        ("bag-info.txt", "bag-info.txt: error:"),
        ("bagit.txt", "bagit.txt: error:"),
        (CRATE, "ro-crate-metadata.json: error:"),
        ("data/residency/actors.yaml", "data/residency/actors.yaml: error:"),
        ("data/residency/new-fifo", "data/residency/new-fifo: error: is not a plain file"),
    ],
)
@pytest.mark.usefixtures("deadline")
def test_a_fifo_inside_a_bag_is_a_problem_not_a_hang(bag: Path, name: str, words: str) -> None:
    target = bag / name
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    assert_damaged(bag, words)


# -- zips ------------------------------------------------------------------------------------


def make_zip(path: Path, members: list[tuple[str, str]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("members", "words"),
    [
        ([("bag/bagit.txt", BAGIT), ("bag/data/x", "1"), ("bag/data/x/y", "2")], "both a file"),
        ([("bag/bagit.txt", BAGIT), ("bag/data/X", "1"), ("bag/data/x/y", "2")], "both a file"),
        ([("bag/bagit.txt", BAGIT), ("bag/data/\x1b[31mred", "1")], "a control character"),
        ([("bag/bagit.txt", BAGIT), ("bag/data/a\u0085b", "1")], "a control character"),
        ([("bag/bagit.txt", BAGIT), ("bag\\data\\x", "1")], "backslash"),
    ],
)
def test_an_unsafe_zip_is_refused_in_one_line(
    tmp_path: Path, members: list[tuple[str, str]], words: str
) -> None:
    (tmp_path / "work").mkdir()
    archive = make_zip(tmp_path / "work" / "evil.zip", members)
    with pytest.raises(ResidenceError, match="nothing was extracted"):
        verify_archive(archive)
    assert_refused(archive, words)
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["evil.zip"]


def test_a_folder_named_like_a_file_is_no_bag(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "d.zip", [("bag/bagit.txt/", ""), ("bag/data/x", "1")])
    assert_refused(archive, "does not hold a bag")


def test_a_name_cut_at_a_nul_byte(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "nul.zip", [("bag/bagit.txt", BAGIT), ("bag/data/aQ../x", "1")])
    data = archive.read_bytes().replace(b"aQ../x", b"a\x00../x")
    archive.write_bytes(data)  # zipfile reads the name up to the NUL: 'bag/data/a'
    code, lines = verify_cli(archive)
    assert code == 1, lines
    assert not (tmp_path / "x").exists()


def test_a_name_too_long_for_the_disk_is_one_line(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "long.zip", [("bag/bagit.txt", BAGIT), ("bag/" + "a" * 300, "")])
    assert_refused(archive, "cannot unpack 'bag/aaaa")
    _, lines = verify_cli(archive)
    assert "…'" in lines[0] and len(lines[0]) < 400


def test_a_truncated_zip_is_one_line(zipped: Path) -> None:
    data = zipped.read_bytes()
    for size in (0, 10, len(data) // 2, len(data) - 10):
        zipped.write_bytes(data[:size])
        assert_refused(zipped, "is not a readable zip archive")


def _patch_central_directory(path: Path, offset: int, value: int, fmt: str = "<I") -> None:
    """Write ``value`` at ``offset`` of every central directory entry of a zip."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        struct.pack_into(fmt, data, at + offset, value)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("offset", "value", "fmt", "words"),
    [
        (24, 5, "<I", "the zip is damaged (Bad CRC-32"),  # uncompressed sizes: too small
        (24, 10**9, "<I", "a zip bomb?"),  # uncompressed sizes: huge
        (20, 3, "<I", "the zip is damaged"),  # compressed sizes: too small
        (10, 99, "<H", "the zip is damaged (That compression method is not supported)"),
        (10, 0, "<H", "the zip is damaged"),  # says stored, is deflated
        (42, 10**8, "<I", "the zip is damaged"),  # local headers far away
        (8, 1, "<H", "the member is encrypted"),
    ],
)
def test_a_zip_whose_central_directory_lies_is_one_line(
    zipped: Path, offset: int, value: int, fmt: str, words: str
) -> None:
    _patch_central_directory(zipped, offset, value, fmt)
    assert_refused(zipped, words)


def test_damaged_compressed_data_is_one_line(zipped: Path) -> None:
    """zlib's own error (not a BadZipFile) used to escape as a traceback."""
    with zipfile.ZipFile(zipped) as z:
        info = max(z.infolist(), key=lambda i: i.compress_size)
    data = bytearray(zipped.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for at in range(start + 10, start + 40):
        data[at] ^= 0xFF
    zipped.write_bytes(bytes(data))
    code, lines = verify_cli(zipped)
    assert code == 1 and len(lines) == 1, lines
    assert "the zip is damaged" in lines[0]


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_damaged_bzip2_or_lzma_data_is_one_line(tmp_path: Path, method: int) -> None:
    archive = tmp_path / "other.zip"
    with zipfile.ZipFile(archive, "w", method) as z:
        z.writestr("bag/bagit.txt", BAGIT)
        z.writestr("bag/data/x", "hello " * 2000)
    data = bytearray(archive.read_bytes())
    for at in range(60, 90):
        data[at] ^= 0x55
    archive.write_bytes(bytes(data))
    assert_refused(archive, "the zip is damaged")


def test_a_zip_bomb_of_many_small_members_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unpack, "MAX_TOTAL_BYTES", 2 * 1024**2)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bag/bagit.txt", BAGIT)
        for n in range(4):  # each under the ratio floor, together over the limit
            z.writestr(f"bag/data/{n}", bytes(1024**2 - 1))
    assert_refused(archive, "a zip bomb?")


def test_catalog_add_of_a_damaged_zip_is_refused_in_one_line(zipped: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(zipped) as z:
        info = max(z.infolist(), key=lambda i: i.compress_size)
    data = bytearray(zipped.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for at in range(start + 10, start + 40):
        data[at] ^= 0xFF
    zipped.write_bytes(bytes(data))
    catalogue = tmp_path / "c.sqlite"
    result = CliRunner().invoke(app, ["catalog", "add", str(zipped), "--catalog", str(catalogue)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "the zip is damaged" in result.stderr
    assert "Not added: " in result.stderr


def test_random_damage_never_escapes_as_an_exception(zipped: Path) -> None:
    """Flip bytes anywhere in an archive, many times: verify says what it finds, or refuses
    the archive with a ResidenceError; nothing else."""
    data = zipped.read_bytes()
    rng = random.Random(18)
    for _ in range(120):
        damaged = bytearray(data)
        for _ in range(rng.choice((1, 4, 32))):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        zipped.write_bytes(bytes(damaged))
        try:
            verify_archive(zipped)
        except ResidenceError as exc:
            assert len(exc.problems) == 1 and "\n" not in exc.problems[0].message


def test_a_full_disk_while_unpacking_says_so(zipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class FullDisk(io.BytesIO):
        def write(self, data: Any) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(unpack, "open", lambda *_a, **_k: FullDisk(), raising=False)
    assert_refused(zipped, "the disk is full: there is no room to unpack the archive")
