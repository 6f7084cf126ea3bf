# SPDX-License-Identifier: EUPL-1.2
"""The one atomic writer for files and the one for whole output folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from residence.fsutil import copy_atomic, replace_folder, write_atomic


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_replace_folder_swaps_the_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "old.html").write_text("old")
    with replace_folder(out) as staging:
        (staging / "index.html").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]
    assert _leftovers(tmp_path) == []


def test_replace_folder_keeps_the_previous_folder_on_error(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "old.html").write_text("old")
    with pytest.raises(RuntimeError), replace_folder(out) as staging:
        (staging / "half.html").write_text("half")
        raise RuntimeError("disk full")
    assert (out / "old.html").read_text() == "old"
    assert not (out / "half.html").exists()
    assert _leftovers(tmp_path) == []


def test_replace_folder_puts_the_previous_folder_back_when_after_fails(tmp_path: Path) -> None:
    out = tmp_path / "assets"
    out.mkdir()
    (out / "a.css").write_text("old")

    def after() -> None:
        raise OSError("no space left on device")

    with pytest.raises(OSError), replace_folder(out, after=after) as staging:
        (staging / "a.css").write_text("new")
    assert (out / "a.css").read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_replace_folder_creates_a_missing_folder(tmp_path: Path) -> None:
    out = tmp_path / "new" / "site"
    with replace_folder(out) as staging:
        (staging / "index.html").write_text("x")
    assert (out / "index.html").read_text() == "x"
    assert out.stat().st_mode & 0o700 == 0o700


def test_copy_atomic_and_write_atomic_leave_no_temporary_file(tmp_path: Path) -> None:
    source = tmp_path / "source.pdf"
    source.write_bytes(b"%PDF")
    copy_atomic(source, tmp_path / "out" / "sheet.pdf")
    write_atomic(tmp_path / "out" / "sheet.md", "# Sheet\n")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sheet.md", "sheet.pdf"]
    assert (tmp_path / "out" / "sheet.pdf").read_bytes() == b"%PDF"
