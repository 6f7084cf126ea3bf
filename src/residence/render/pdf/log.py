"""What WeasyPrint logs while it makes a PDF: its steps for the progress bar, its warnings."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from residence.errors import Problem

#: (what is being done, fraction done from 0 to 1)
ProgressCallback = Callable[[str, float], None]

_WEASY_STEPS = {
    "1": ("Reading the page", 0.10),
    "2": ("Reading the style sheets", 0.15),
    "3": ("Applying the styles", 0.20),
    "4": ("Building the boxes", 0.30),
    "5": ("Laying out the pages", 0.40),
    "6": ("Writing the PDF", 0.85),
    "7": ("Writing the metadata", 0.95),
}


class Collector(logging.Handler):
    """Collect WeasyPrint's warnings and report its progress steps."""

    def __init__(self, progress: ProgressCallback | None) -> None:
        super().__init__(logging.INFO)
        self.progress = progress
        self.messages: list[str] = []
        self.pages = 0
        self.done = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not stop a render
            return
        if record.name == "weasyprint.progress":
            self._step(message)
        elif record.levelno >= logging.WARNING:
            self.messages.append(message)

    def _step(self, message: str) -> None:
        if self.progress is None:
            return
        match = re.match(r"Step (\d)", message)
        if not match or match.group(1) not in _WEASY_STEPS:
            return
        label, done = _WEASY_STEPS[match.group(1)]
        if match.group(1) == "5":
            page = re.search(r"Page (\d+)", message)
            if page:
                # Pages are laid out twice or more (page numbers in the contents): the bar
                # never goes back, it creeps towards the next step.
                self.pages += 1
                done += 0.4 * (1 - 1 / (1 + self.pages / 60))
                label = f"{label} (page {page.group(1)})"
        self.done = max(self.done, done)
        self.progress(label, self.done)


@contextmanager
def collecting(progress: ProgressCallback | None) -> Iterator[Collector]:
    """Collect what WeasyPrint logs inside the block (and only there: nothing propagates)."""
    from weasyprint import LOGGER, PROGRESS_LOGGER

    collector = Collector(progress)
    levels = (LOGGER.level, PROGRESS_LOGGER.level)
    LOGGER.addHandler(collector)
    PROGRESS_LOGGER.addHandler(collector)
    LOGGER.setLevel(logging.WARNING)
    PROGRESS_LOGGER.setLevel(logging.INFO if progress else logging.WARNING)
    propagate = (LOGGER.propagate, PROGRESS_LOGGER.propagate)
    LOGGER.propagate = PROGRESS_LOGGER.propagate = False
    try:
        yield collector
    finally:
        LOGGER.removeHandler(collector)
        PROGRESS_LOGGER.removeHandler(collector)
        LOGGER.setLevel(levels[0])
        PROGRESS_LOGGER.setLevel(levels[1])
        LOGGER.propagate, PROGRESS_LOGGER.propagate = propagate


def problems_from_log(messages: list[str], path: str = "report.html") -> list[Problem]:
    """Return WeasyPrint warnings worth showing (fonts, images that could not be drawn)."""
    problems: list[Problem] = []
    for message in dict.fromkeys(messages):
        if "Failed to load" in message or "refused" in message.lower():
            continue  # refused resources are reported by the fetcher, with their source
        lowered = message.lower()
        if "glyph" not in lowered and any(
            word in lowered for word in ("unsupported", "ignored", "invalid", "expected a")
        ):
            continue  # CSS the browser understands and WeasyPrint skips: not the user's fault
        problems.append(
            Problem(path, None, None, "warning", "pdf", f"the PDF renderer said: {message}")
        )
    return problems
