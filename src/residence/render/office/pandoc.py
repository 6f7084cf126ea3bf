# SPDX-License-Identifier: EUPL-1.2
"""Running pandoc: the one it comes with, in a sandbox, on files of a temporary folder only.

The pandoc used is the one the ``pypandoc-binary`` wheel ships (a dependency of residence),
never one found on the PATH: the same version makes the same documents everywhere. It runs
with ``--sandbox`` (it reads nothing but the files named on its command line: the page, the
reference document, the metadata; images travel inside the page as ``data:`` URIs), in a
temporary folder made for it, with an empty data folder and home, no standard input and a
time limit. Its failures become a ResidenceError that says what went wrong, in the
messages' language.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from residence.errors import ResidenceError
from residence.i18n import messages

_ = messages("office")

#: The longest pandoc may take for one document (a report of thousands of pages takes less).
TIMEOUT = 600
#: How much of what pandoc said is kept in a message.
MAX_REASON = 600


def pandoc_path() -> Path:
    """Return the pandoc of the pypandoc-binary wheel; a ResidenceError if it is missing."""
    spec = importlib.util.find_spec("pypandoc")
    name = "pandoc.exe" if sys.platform == "win32" else "pandoc"
    if spec is not None and spec.origin:
        path = Path(spec.origin).parent / "files" / name
        if path.is_file():
            return path
    raise ResidenceError(
        _(
            "pandoc is missing: the office formats need the pypandoc-binary package, "
            "which comes with residence; install residence again"
        )
    )


def _reason(stderr: bytes) -> str:
    """Return the end of what pandoc said, on one line, short enough for a message."""
    text = " ".join(stderr.decode("utf-8", "replace").split())
    return text[-MAX_REASON:] if text else "?"


def run_pandoc(
    page: str,
    to: str,
    reference: bytes,
    metadata: Mapping[str, Any],
    *,
    timeout: float = TIMEOUT,
) -> tuple[bytes, list[str]]:
    """Convert an HTML page into a ``to`` document (docx, odt) styled by ``reference``;
    return its bytes and pandoc's warnings.

    ``metadata`` is given to pandoc as a metadata file (JSON, which is YAML): its strings are
    read as Markdown, so a caller escapes them (``residence.render.office.literal``).
    """
    pandoc = pandoc_path()
    output = f"report.{to}"
    with tempfile.TemporaryDirectory(prefix="residence-office-") as tmp:
        folder = Path(tmp)
        (folder / "page.html").write_text(page, encoding="utf-8")
        (folder / f"reference.{to}").write_bytes(reference)
        (folder / "metadata.json").write_text(
            json.dumps(dict(metadata), ensure_ascii=False), encoding="utf-8"
        )
        (folder / "data").mkdir()
        command = [
            str(pandoc),
            "--sandbox",
            "--from=html",
            f"--to={to}",
            f"--reference-doc=reference.{to}",
            "--metadata-file=metadata.json",
            "--data-dir=data",
            "--resource-path=.",
            f"--output={output}",
            "page.html",
        ]
        env = {"HOME": tmp, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        if sys.platform == "win32":  # pragma: no cover - pandoc needs these there
            env.update({k: os.environ[k] for k in ("SYSTEMROOT", "TEMP") if k in os.environ})
        try:
            done = subprocess.run(
                command,
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ResidenceError(
                _(
                    "pandoc took more than {seconds} seconds to make {file}: it was stopped",
                    seconds=round(timeout),
                    file=output,
                )
            ) from None
        except OSError as exc:
            raise ResidenceError(
                _(
                    "pandoc could not be started to make {file}: {reason}",
                    file=output,
                    reason=exc.strerror or exc,
                )
            ) from None
        result = folder / output
        if done.returncode != 0 or not result.is_file():
            raise ResidenceError(
                _(
                    "pandoc could not make {file} (exit {code}): {reason}",
                    file=output,
                    code=done.returncode,
                    reason=_reason(done.stderr),
                )
            )
        warnings = [
            line.strip()[:MAX_REASON]
            for line in done.stderr.decode("utf-8", "replace").splitlines()
            if line.strip()
        ]
        return result.read_bytes(), warnings
