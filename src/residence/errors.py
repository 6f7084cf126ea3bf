"""Problems (what the user can fix) and errors (what stops work)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from residence.i18n import messages

_ = messages("problems")

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """Something the user can fix in one of their files."""

    path: str  # relative to the residency folder, with forward slashes
    line: int | None
    column: int | None
    severity: Severity
    code: str  # stable, e.g. "unknown-field", "dangling-ref"
    message: str

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.path, self.line, self.column) if p is not None)
        return f"{where}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """Return the stable JSON shape: path, line, column, severity, code, message."""
        return asdict(self)

    def sort_key(self) -> tuple[str, int, int, str]:
        """Sort by file, then line and column (unknown positions first)."""
        return (self.path, self.line or 0, self.column or 0, self.message)

    def as_error(self) -> Problem:
        """Return the same problem with severity error (for --strict)."""
        return Problem(self.path, self.line, self.column, "error", self.code, self.message)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Return problems sorted by path, line and column, without duplicates."""
    return sorted(set(problems), key=Problem.sort_key)


def either(choices: Sequence[str]) -> str:
    """Return choices as a message offers them: "'a'", "'a' or 'b'", "'a' or 'b' or 'c'"."""
    text = ""
    for choice in choices:
        quoted = f"'{choice}'"
        text = _("{first} or {second}", first=text, second=quoted) if text else quoted
    return text


def has_errors(problems: Iterable[Problem]) -> bool:
    """Tell whether any problem is an error."""
    return any(p.severity == "error" for p in problems)


class ResidenceError(Exception):
    """Work cannot continue; carries the problems that say why."""

    def __init__(self, problems: Sequence[Problem] | str, *, usage: bool = False) -> None:
        if isinstance(problems, str):
            problems = [Problem(".", None, None, "error", "error", problems)]
        self.problems = list(problems)
        self.usage = usage  # True: the command was misused (exit 2), not the files
        super().__init__("\n".join(str(p) for p in self.problems))
