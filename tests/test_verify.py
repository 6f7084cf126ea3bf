"""`residence verify`: completeness, checksums, Payload-Oxum, the crate; unsafe zips refused."""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner  # noqa: TID251 (the CLI is under test)

from conftest import copy_project
from residence.archive import open_bag, unpack, verify_archive, verify_bag, write_archive
from residence.cli import app
from residence.errors import ResidenceError
from residence.gate import select_edition
from residence.i18n import current_language, set_language
from residence.load import load_residency


def public_archive(folder: Path, out: Path) -> Path:
    """Write the public archive of a residency folder, without rendered outputs (faster)."""
    residency, _ = load_residency(folder)
    write_archive(out, select_edition(residency, "public"), {})
    return out


@pytest.fixture(scope="module")
def _archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public archive of the minimal residency, made once for the module."""
    tmp = tmp_path_factory.mktemp("verify")
    return public_archive(copy_project("minimal", tmp), tmp / "archive.zip")


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


def payload_files(bag: Path) -> list[str]:
    return sorted(p.relative_to(bag).as_posix() for p in (bag / "data").rglob("*") if p.is_file())


def rezip(bag: Path, dest: Path) -> Path:
    """Zip a bag folder again (after tampering with it)."""
    with zipfile.ZipFile(dest, "w") as z:
        for path in sorted(bag.rglob("*")):
            if path.is_file():
                z.write(path, f"{bag.name}/{path.relative_to(bag).as_posix()}")
    return dest


def test_verify_intact_zip_and_folder(zipped: Path, bag: Path) -> None:
    for target in (zipped, bag, bag.parent):
        result = verify_archive(target)
        assert result.intact, result.problems
        assert result.identifier == "mairie-annexe"
        assert result.edition == "public"
        assert result.algorithms == ["sha256", "sha512"]
        assert result.files == len(payload_files(bag))


def test_verify_flipping_one_byte_in_any_payload_file_is_caught(bag: Path, tmp_path: Path) -> None:
    files = payload_files(bag)
    assert len(files) > 5
    for rel in files:
        copy = tmp_path / "copies" / rel.replace("/", "_")
        shutil.copytree(bag, copy)
        data = bytearray((copy / rel).read_bytes())
        data[len(data) // 2] ^= 0x01
        (copy / rel).write_bytes(bytes(data))
        result = verify_bag(copy)
        assert not result.intact
        assert result.problems[0].path == rel
        assert "checksum" in result.problems[0].message


def test_verify_a_deleted_file_is_named(bag: Path) -> None:
    (bag / "data" / "residency" / "actors.yaml").unlink()
    result = verify_bag(bag)
    assert result.problems[0].path == "data/residency/actors.yaml"
    assert "missing" in result.problems[0].message
    assert any("Payload-Oxum" in p.message for p in result.problems)


def test_verify_an_added_file_is_named(bag: Path) -> None:
    (bag / "data" / "residency" / "journal" / "extra.yaml").write_text("x: 1\n", encoding="utf-8")
    result = verify_bag(bag)
    assert result.problems[0].path == "data/residency/journal/extra.yaml"
    assert "no manifest" in result.problems[0].message


def test_verify_a_changed_tag_file_is_caught(bag: Path) -> None:
    info = bag / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("Bourg", "Borg"), encoding="utf-8")
    result = verify_bag(bag)
    assert [p.path for p in result.problems] == ["bag-info.txt", "bag-info.txt"]
    assert "tagmanifest-sha256.txt" in result.problems[0].message


def test_verify_crate_must_match_the_payload(bag: Path) -> None:
    """A bag re-made by hand with a file the crate does not describe is still refused."""
    import hashlib

    extra = bag / "data" / "notes.txt"
    extra.write_bytes(b"ajout\n")
    for alg in ("sha256", "sha512"):
        manifest = bag / f"manifest-{alg}.txt"
        manifest.write_text(
            manifest.read_text(encoding="utf-8")
            + f"{hashlib.new(alg, b'ajout' + bytes([10])).hexdigest()}  data/notes.txt\n",
            encoding="utf-8",
        )
    crate_path = bag / "data" / "ro-crate-metadata.json"
    crate = json.loads(crate_path.read_text(encoding="utf-8"))
    root = next(e for e in crate["@graph"] if e["@id"] == "./")
    root["hasPart"].append({"@id": "residency/gone.yaml"})
    crate_path.write_text(json.dumps(crate), encoding="utf-8")
    messages = {(p.path, p.code) for p in verify_bag(bag).problems}
    assert ("data/notes.txt", "crate") in messages
    assert ("data/residency/gone.yaml", "crate") in messages


def test_verify_a_file_name_with_a_percent_sign_is_intact(minimal: Path, tmp_path: Path) -> None:
    """RFC 8493 writes '%' as '%25' in a manifest; bagit-python does not decode it (#157)."""
    (minimal / "media" / "plan 100%.svg").write_bytes((minimal / "media" / "hall.svg").read_bytes())
    entry = minimal / "journal" / "2025-03-03-premier-jour.yaml"
    entry.write_text(
        entry.read_text(encoding="utf-8") + '  - file: media/plan 100%.svg\n    alt: "Le plan."\n',
        encoding="utf-8",
    )
    archive = public_archive(minimal, tmp_path / "percent.zip")
    with zipfile.ZipFile(archive) as z:
        manifest = z.read("mairie-annexe/manifest-sha256.txt").decode()
    assert "data/residency/media/plan 100%25.svg" in manifest
    result = verify_archive(archive)
    assert result.intact, result.problems
    with open_bag(archive) as root:
        plan = root / "data" / "residency" / "media" / "plan 100%.svg"
        plan.write_bytes(plan.read_bytes().replace(b"<svg", b"<SVG", 1))
        result = verify_bag(root)
    assert result.problems[0].path == "data/residency/media/plan 100%.svg"
    assert "checksum" in result.problems[0].message


def test_verify_cli_exit_codes(zipped: Path, bag: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["verify", str(zipped)])
    assert result.exit_code == 0
    assert result.stdout.startswith("Intact: mairie-annexe, public edition")
    target = bag / "data" / "residency" / "residence.yaml"
    target.write_bytes(target.read_bytes().replace(b"Blagis", b"Blogis"))
    damaged = rezip(bag, tmp_path / "damaged.zip")
    result = CliRunner().invoke(app, ["verify", str(damaged)])
    assert result.exit_code == 1
    assert "data/residency/residence.yaml: error:" in result.stderr
    assert "the first file that differs is data/residency/residence.yaml" in result.stderr
    assert CliRunner().invoke(app, ["verify", str(tmp_path / "none.zip")]).exit_code == 2
    not_zip = tmp_path / "not.zip"
    not_zip.write_text("hello", encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(not_zip)])
    assert result.exit_code == 1
    assert "not a readable zip" in result.stderr


# -- unsafe zips -----------------------------------------------------------------------------


def _evil_zip(path: Path, name: str, data: bytes = b"x", mode: int | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        if mode is not None:
            info.create_system = 3
            info.external_attr = mode << 16
        z.writestr(info, data)
    return path


@pytest.mark.parametrize(
    ("name", "mode", "reason"),
    [
        ("../escaped.txt", None, "climbs out"),
        ("bag/../../escaped.txt", None, "climbs out"),
        ("/tmp/escaped.txt", None, "absolute"),
        ("C:/escaped.txt", None, "absolute"),
        ("bag\\..\\escaped.txt", None, "backslash"),
        ("bag/data/link", stat.S_IFLNK | 0o777, "symbolic link"),
        ("bag/data/fifo", stat.S_IFIFO | 0o644, "special file"),
    ],
)
def test_verify_refuses_unsafe_member_names(
    tmp_path: Path, name: str, mode: int | None, reason: str
) -> None:
    (tmp_path / "work").mkdir()
    archive = _evil_zip(tmp_path / "work" / "evil.zip", name, b"/etc/passwd", mode)
    with pytest.raises(ResidenceError) as caught:
        verify_archive(archive)
    assert reason in str(caught.value)
    assert "nothing was extracted" in str(caught.value)
    assert not (tmp_path / "escaped.txt").exists()
    assert not (tmp_path / "work" / "escaped.txt").exists()
    result = CliRunner().invoke(app, ["verify", str(archive)])
    assert result.exit_code == 1
    assert reason in result.stderr


def test_verify_refuses_a_zip_bomb(tmp_path: Path) -> None:
    bomb = _evil_zip(tmp_path / "bomb.zip", "bag/data/zeros.bin", bytes(20 * 1024 * 1024))
    with pytest.raises(ResidenceError, match="zip bomb"):
        verify_archive(bomb)


def test_verify_refuses_too_many_members_or_bytes(
    zipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unpack, "MAX_MEMBERS", 5)
    with pytest.raises(ResidenceError, match="more than the 5"):
        verify_archive(zipped)
    monkeypatch.setattr(unpack, "MAX_MEMBERS", 200_000)
    monkeypatch.setattr(unpack, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(ResidenceError, match="would expand"):
        verify_archive(zipped)


def test_verify_refuses_duplicate_members(tmp_path: Path) -> None:
    path = tmp_path / "dup.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("bag/bagit.txt", "a")
        with pytest.warns(UserWarning, match="Duplicate name"):
            z.writestr("bag/bagit.txt", "b")
    with pytest.raises(ResidenceError, match="appears twice"):
        verify_archive(path)


def test_verify_extracts_only_into_a_temporary_folder(zipped: Path) -> None:
    with open_bag(zipped) as root:
        inside = root
        assert (root / "bagit.txt").is_file()
        assert "residence-verify-" in str(root)
    assert not inside.exists()


def test_verify_folder_with_a_link_is_damaged(bag: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret", encoding="utf-8")
    target = bag / "data" / "residency" / "actors.yaml"
    target.unlink()
    target.symlink_to(outside)
    result = verify_bag(bag)
    assert not result.intact
    assert any(
        p.path == "data/residency/actors.yaml" and "link" in p.message for p in result.problems
    )


# -- in French ------------------------------------------------------------------------------


@pytest.fixture
def french() -> Iterator[None]:
    """The messages in French for one test (the suite runs in English)."""
    before = current_language()
    set_language("fr")
    try:
        yield
    finally:
        set_language(before)


def test_verify_problems_in_french(bag: Path, french: None) -> None:
    (bag / "data" / "residency" / "actors.yaml").unlink()
    result = verify_bag(bag)
    first = result.problems[0]
    assert first.path == "data/residency/actors.yaml"
    assert first.message == "figure dans les manifestes mais manque dans le sac"
    assert any(p.message.startswith("Payload-Oxum annonce ") for p in result.problems)


def test_verify_unsafe_zip_in_french(tmp_path: Path, french: None) -> None:
    archive = _evil_zip(tmp_path / "evil.zip", "../escaped.txt")
    with pytest.raises(ResidenceError) as caught:
        verify_archive(archive)
    assert caught.value.problems[0].message == (
        "archive dangereuse, rien n'a été extrait : '../escaped.txt' : le nom sort du dossier "
        "avec '..'"
    )


def test_verify_cli_in_french(tmp_path: Path) -> None:
    not_zip = tmp_path / "not.zip"
    not_zip.write_text("hello", encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(not_zip)], env={"RESIDENCE_LANG": "fr"})
    assert result.exit_code == 1
    assert "error: not.zip n'est pas une archive zip lisible" in result.stderr
