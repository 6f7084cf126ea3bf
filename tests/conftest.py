"""Shared test helpers: copies of the test residencies, golden files, a pinned environment."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

PROJECTS = Path(__file__).parent / "projects"

#: Files of a test project that describe the test and are not part of the residency.
TEST_FILES = ("expected.txt", "symlinks.txt")

#: A fixed build date (2025-01-01T00:00:00Z) and locale, so outputs do not depend on the
#: machine or the day the tests run (mkdocs' get_build_datetime reads SOURCE_DATE_EPOCH).
PINNED_ENV = {
    "SOURCE_DATE_EPOCH": "1735689600",
    "LC_ALL": "C.UTF-8",
    "LANG": "C.UTF-8",
    "LANGUAGE": "",
    "TZ": "UTC",
    "NO_COLOR": "1",
    "COLUMNS": "100",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --update-golden: rewrite the golden files instead of comparing with them."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current output (review with git diff)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Pin the environment for the whole run, subprocesses included."""
    os.environ.update(PINNED_ENV)
    if hasattr(time, "tzset"):
        time.tzset()
    config.update_golden = config.getoption("--update-golden")  # type: ignore[attr-defined]
    if os.environ.get("RESIDENCE_TESTS_NO_PDF"):
        _refuse_pdf_layout()


def _refuse_pdf_layout() -> None:
    """Make any PDF layout fail (``make test-fast``), so that a test which lays out a PDF
    without its ``pdf`` mark is found at once rather than slowing the fast loop."""
    import weasyprint

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("this test lays out a PDF: mark it @pytest.mark.pdf")

    weasyprint.HTML.render = refuse
    weasyprint.HTML.write_pdf = refuse


def copy_project(name: str, tmp_path: Path) -> Path:
    """Copy tests/projects/<name> into tmp_path and return the copy's folder.

    A project's ``symlinks.txt`` lists ``LINK -> TARGET`` lines: LINK is made in the copy as
    a symbolic link to TARGET, a file created here outside the copy (TARGET is relative to
    ``tmp_path``). Links are made here because git and zip files do not keep them well.
    """
    source = PROJECTS / name
    dest = tmp_path / name
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(*TEST_FILES))
    links = source / "symlinks.txt"
    if links.is_file():
        for line in links.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            link, target = (part.strip() for part in line.split("->"))
            outside = tmp_path / target
            outside.parent.mkdir(parents=True, exist_ok=True)
            outside.write_text("date: 2025-03-04\ntitle: hors du dossier\n", encoding="utf-8")
            (dest / link).parent.mkdir(parents=True, exist_ok=True)
            try:
                (dest / link).symlink_to(outside)
            except OSError:  # pragma: no cover - Windows without the privilege
                pytest.skip("symbolic links are not available here")
    return dest


@pytest.fixture(name="copy_project")
def _copy_project_fixture() -> object:
    """The copy_project(name, tmp_path) helper, as a fixture."""
    return copy_project


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A fresh copy of tests/projects/minimal, a valid residency with no problem."""
    return copy_project("minimal", tmp_path)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when pytest runs with --update-golden."""
    return bool(request.config.getoption("--update-golden"))
