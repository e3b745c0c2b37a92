"""The catalog of what the extracts track: which contract tables and columns hold real data, and so
which stages, revenue and outcomes a page may show instead of "not tracked"."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.core.contract import STAGES
from dashboard.data.problems import Problem


@dataclass
class Catalog:
    """What the extracts track: which contract tables and columns hold real data."""

    tracked_tables: set[str] = field(default_factory=set)
    tracked_columns: dict[str, set[str]] = field(default_factory=dict)
    stages_not_tracked: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    constant_columns: dict[str, set[str]] = field(default_factory=dict)

    def has(self, table: str, column: str | None = None) -> bool:
        if table not in self.tracked_tables:
            return False
        return column is None or column in self.tracked_columns.get(table, set())

    def stage_tracked(self, stage: str) -> bool:
        if stage in self.stages_not_tracked:
            return False
        for name, table, column in STAGES:
            if name == stage:
                if stage == "won":
                    return self.has("deals", "status") and self.has("deals", "closed_at")
                return self.has(table, column)
        raise KeyError(stage)

    @property
    def revenue_tracked(self) -> bool:
        return self.has("deals", "amount") and self.stage_tracked("won")

    @property
    def outcomes_tracked(self) -> bool:
        """Win rate needs both outcomes: an extract whose status is a constant (say, an export
        of won deals only) cannot tell how many were lost."""
        return self.stage_tracked("won") and "status" not in self.constant_columns.get("deals", set())

    @property
    def lead_source_tracked(self) -> bool:
        """Without leads every deal would look sales-sourced, which says nothing."""
        return self.has("leads") and self.has("deals", "lead_id")

    def leave_out(self, problems: list[Problem]) -> None:
        """Forget the tables of `problems`: from now on they read as not tracked."""
        for problem in problems:
            self.tracked_tables.discard(problem.table)
            self.tracked_columns.pop(problem.table, None)
            self.problems.append(problem)
