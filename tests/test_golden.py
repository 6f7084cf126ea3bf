"""Golden HTML: the example residency's public report, byte for byte.

The render runs with the environment pinned by conftest.py (SOURCE_DATE_EPOCH, LC_ALL=C.UTF-8,
TZ=UTC). After an intended change, rewrite the golden files with ``pytest --update-golden``
and review them with ``git diff tests/golden``.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from residence.check import check_residency
from residence.errors import has_errors
from residence.gate import select_edition
from residence.load import load_residency
from residence.render.html import ASSETS_MARKER, render_html, write_report

EXAMPLE = Path(__file__).parent.parent / "examples" / "lycee-jean-moulin"
GOLDEN = Path(__file__).parent / "golden" / "full"
#: At most this many diff lines are shown when the report differs.
DIFF_LINES = 300


def _render(source: Path, out: Path, *, use_cache: bool = True) -> Path:
    residency, problems = load_residency(source)
    problems += check_residency(residency)
    assert not has_errors(problems), [str(p) for p in problems]
    report = render_html(select_edition(residency, "public"), use_cache=use_cache)
    return write_report(report, out)


def _asset_list(out: Path) -> str:
    """Return the assets' names, one a line (their bytes depend on the image library)."""
    names = sorted(
        p.relative_to(out).as_posix()
        for p in (out / "assets").rglob("*")
        if p.is_file() and p.name != ASSETS_MARKER
    )
    return "".join(f"{name}\n" for name in names)


def _copy_example(dest: Path) -> Path:
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns(".residence", "_build"))
    return dest


def _compare(name: str, actual: str, update: bool) -> None:
    golden = GOLDEN / name
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8", newline="")
        return
    assert golden.is_file(), f"{golden} is missing: run pytest --update-golden"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = list(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"tests/golden/full/{name}",
                f"rendered/{name}",
            )
        )
        shown = "".join(diff[:DIFF_LINES])
        more = f"\n… and {len(diff) - DIFF_LINES} more lines" if len(diff) > DIFF_LINES else ""
        pytest.fail(
            f"{name} differs from the golden file (if the change is intended, run "
            f"pytest --update-golden and review git diff tests/golden):\n{shown}{more}",
            pytrace=False,
        )


def test_golden_report_matches(tmp_path: Path, update_golden: bool) -> None:
    out = tmp_path / "out"
    page = _render(_copy_example(tmp_path / "lycee-jean-moulin"), out)
    _compare("report.html", page.read_text(encoding="utf-8"), update_golden)
    _compare("assets.txt", _asset_list(out), update_golden)


def test_golden_render_is_reproducible(tmp_path: Path) -> None:
    """Two renders from folders of other names, cold and warm cache, give the same bytes."""
    first = _copy_example(tmp_path / "a")
    second = _copy_example(tmp_path / "somewhere" / "else" / "b")
    outputs = [
        _render(first, tmp_path / "out-1", use_cache=False).parent,
        _render(second, tmp_path / "out-2").parent,
        _render(second, tmp_path / "out-3").parent,  # from the cache the second render filled
    ]
    files = [
        {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        for out in outputs
    ]
    assert list(files[0]) and files[0].keys() == files[1].keys() == files[2].keys()
    for name in files[0]:
        assert files[0][name] == files[1][name] == files[2][name], name
    for name, data in files[1].items():
        if name.endswith((".html", ".svg", ".css")):
            text = data.decode("utf-8")
            for absolute in (str(tmp_path), str(second), str(Path.home()), "file://"):
                assert absolute not in text, f"{name} holds the absolute path {absolute}"
