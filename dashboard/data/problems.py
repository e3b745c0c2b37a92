"""What can go wrong reading the extracts: a `Problem` per table or column, each naming the file,
column or config key, and `DataError` carrying them."""

from __future__ import annotations

from dataclasses import dataclass


class DataError(Exception):
    """The extracts cannot be read as configured; the message names file, column or key.
    `problems` holds one Problem per column when several columns are at fault."""

    def __init__(self, message: str, check: str = "unreadable", problems: tuple["Problem", ...] = ()):
        super().__init__(message)
        self.check = check
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    table: str
    message: str
    severity: str = "error"  # "error": numbers from this table cannot be trusted
    check: str = "unreadable"  # the validation check it fails (dashboard/data_health/checks.py: CHECKS)
    column: str | None = None
    count: int | None = None  # values affected, where known
    examples: tuple[str, ...] = ()  # a few of the offending values, as text


def first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
