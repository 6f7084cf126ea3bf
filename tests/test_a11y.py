"""Accessibility (axe-core, WCAG 2.1 A and AA, in headless Chromium) and validity (the Nu HTML
checker) of the HTML report: the example's public and team editions, and an English report.

The tools come from ``make test``: Debian's chromium and a Java runtime, and axe-core,
puppeteer-core and vnu-jar from package.json (``make node_modules``). Outside CI (the ``CI``
variable unset) the tests skip when chromium or java is not installed; under CI they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import copy_project
from residence.check import check_residency
from residence.errors import has_errors
from residence.gate import select_edition
from residence.load import load_residency
from residence.render.html import render_html, write_report

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "lycee-jean-moulin"
NODE_MODULES = ROOT / "node_modules"
AXE_SCRIPT = Path(__file__).parent / "a11y" / "axe.mjs"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

#: The reports checked: name -> (source, edition).
PAGES = {
    "example-public": ("example", "public"),
    "example-team": ("example", "team"),
    "minimal-en": ("minimal-en", "public"),
}

#: A page with known faults: proves that the tools run and report (a silent tool passes all).
BROKEN_PAGE = """<!DOCTYPE html>
<html><head><title>broken</title></head>
<body><main><img src="x.png"><p><span><div>block in a span</div></span></p></main></body>
</html>
"""


def _in_ci() -> bool:
    return bool(os.environ.get("CI"))


def _require(program: str | None, what: str, *files: Path) -> str:
    """Return the program's path; skip (outside CI) or fail (under CI) when it is missing."""
    if program is None:
        message = f"{what} is not installed: `make test` installs it (Debian)"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    for file in files:
        if not file.exists():
            pytest.fail(f"{file.relative_to(ROOT)} is missing: run `make node_modules`")
    return program


def _chromium() -> str | None:
    return CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")


def render_report(folder: Path, out: Path, edition: str) -> Path:
    """Render a residency's report (as `residence render --to html` does); return the page."""
    residency, problems = load_residency(folder)
    problems += check_residency(residency)
    assert not has_errors(problems), [str(p) for p in problems]
    return write_report(render_html(select_edition(residency, edition)), out)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Render the checked reports once for the module; name -> report.html."""
    base = tmp_path_factory.mktemp("a11y")
    sources = {"example": base / "example"}
    shutil.copytree(EXAMPLE, sources["example"], ignore=shutil.ignore_patterns(".residence"))
    english = copy_project("minimal", base)
    config = english / "residence.yaml"
    text = config.read_text(encoding="utf-8")
    assert "language: fr\n" in text
    config.write_text(text.replace("language: fr\n", "language: en\n"), encoding="utf-8")
    sources["minimal-en"] = english
    found = {
        name: render_report(sources[source], base / "out" / name, edition)
        for name, (source, edition) in PAGES.items()
    }
    broken = base / "out" / "broken" / "report.html"
    broken.parent.mkdir(parents=True)
    broken.write_text(BROKEN_PAGE, encoding="utf-8")
    found["broken"] = broken
    return found


@pytest.fixture(scope="module")
def axe_results(pages: dict[str, Path]) -> dict[str, list[dict[str, object]]]:
    """Run axe-core once on every page (one browser); name -> violations."""
    chromium = _require(_chromium(), "chromium")
    node = _require(
        shutil.which("node"),
        "node (Node.js)",
        NODE_MODULES / "axe-core",
        NODE_MODULES / "puppeteer-core",
    )
    files = [str(path) for path in pages.values()]
    run = subprocess.run(
        [node, str(AXE_SCRIPT), *files],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        env={**os.environ, "CHROMIUM": chromium},
    )
    assert run.returncode == 0, run.stderr
    by_file = json.loads(run.stdout)
    return {name: by_file[str(path)] for name, path in pages.items()}


@pytest.fixture(scope="module")
def vnu_results(pages: dict[str, Path]) -> dict[str, list[dict[str, object]]]:
    """Run the Nu HTML checker once on every page; name -> errors."""
    java = _require(shutil.which("java"), "java (default-jre-headless)", VNU_JAR)
    run = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--errors-only",
            *(str(path) for path in pages.values()),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    # vnu writes its JSON report on stderr and exits 1 when it found errors.
    assert run.returncode in (0, 1), run.stderr[-2000:]
    messages = json.loads(run.stderr)["messages"]
    found: dict[str, list[dict[str, object]]] = {name: [] for name in pages}
    paths = {str(path.resolve()): name for name, path in pages.items()}
    for message in messages:  # vnu names a file "file:/tmp/…"
        name = paths.get(unquote(urlsplit(str(message.get("url", ""))).path))
        assert name is not None, message  # a message about no page: the checker failed
        found[name].append(message)
    return found


def _describe_axe(violations: list[dict[str, object]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:  # type: ignore[index]
            lines.append(f"    {node['target']}: {node['summary']}")
    return "\n".join(lines)


def _describe_vnu(messages: list[dict[str, object]]) -> str:
    return "\n".join(
        f"line {m.get('lastLine')}: {m.get('message')}\n    {m.get('extract', '')!r}"
        for m in messages
    )


@pytest.mark.browser
@pytest.mark.parametrize("name", list(PAGES))
def test_a11y_report_has_no_axe_violation(
    name: str, axe_results: dict[str, list[dict[str, object]]]
) -> None:
    violations = axe_results[name]
    assert violations == [], f"{name}: axe-core (WCAG 2.1 AA) found:\n" + _describe_axe(violations)


@pytest.mark.browser
def test_a11y_axe_reports_a_broken_page(axe_results: dict[str, list[dict[str, object]]]) -> None:
    found = {v["id"] for v in axe_results["broken"]}
    assert {"image-alt", "html-has-lang"} <= found


@pytest.mark.parametrize("name", list(PAGES))
def test_a11y_report_is_valid_html(
    name: str, vnu_results: dict[str, list[dict[str, object]]]
) -> None:
    errors = vnu_results[name]
    assert errors == [], f"{name}: the Nu HTML checker found:\n" + _describe_vnu(errors)


def test_a11y_vnu_reports_a_broken_page(vnu_results: dict[str, list[dict[str, object]]]) -> None:
    texts = " ".join(str(m.get("message")) for m in vnu_results["broken"])
    assert "alt" in texts
    assert "Stray end tag" in texts
