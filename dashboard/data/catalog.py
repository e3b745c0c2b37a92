"""The catalog of what the extracts track: which contract tables and columns hold real data, and so
which stages, revenue and outcomes a page may show instead of "not tracked"."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard.core.contract import OPPORTUNITY, STAGES
from dashboard.core.tracking import FIGURE_NEEDS, OUTCOMES, REVENUE, TOUCHES, blank
from dashboard.data.problems import Problem

# Which extract carries each stage: a rate between stages of different extracts needs a link.
STAGE_TABLES = {stage: table for stage, table, _ in STAGES}


@dataclass
class Catalog:
    """What the extracts track: which contract tables and columns hold real data."""

    tracked_tables: set[str] = field(default_factory=set)
    tracked_columns: dict[str, set[str]] = field(default_factory=dict)
    stages_not_tracked: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    constant_columns: dict[str, set[str]] = field(default_factory=dict)
    # The deals are read from the leads' own outcome ([data.tables.leads.outcome]): every lead's
    # outcome is known (converted or not), so the scoring lab needs no estimate.
    outcome_on_leads: bool = False

    def has(self, table: str, column: str | None = None) -> bool:
        if table not in self.tracked_tables:
            return False
        return column is None or column in self.tracked_columns.get(table, set())

    def stage_tracked(self, stage: str) -> bool:
        if stage in self.stages_not_tracked:
            return False
        if stage == OPPORTUNITY:
            # The funnel's own start only where deals are not linked to leads (contract.OPPORTUNITY).
            return self.has("deals", "created_at") and not self.lead_source_tracked
        for name, table, column in STAGES:
            if name == stage:
                if stage == "won":
                    return self.has("deals", "status") and self.has("deals", "closed_at")
                return self.has(table, column)
        raise KeyError(stage)

    def stage_tracked_all_time(self, stage: str) -> bool:
        """Whether a stage can be counted over all time, dated or not: an undated lead-scoring
        export has leads and won deals but no date to put them in a month."""
        if stage in self.stages_not_tracked:
            return False
        if stage == "lead":
            return self.has("leads", "lead_id")
        if stage == "won":
            return self.has("deals", "status")
        return self.stage_tracked(stage)

    @property
    def dated(self) -> bool:
        """Whether the leads (or, without leads, the deals) carry dates a period can be read from."""
        return self.has("leads", "created_at") if self.has("leads") else True

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

    def tracks(self, figure: str) -> bool:
        """Whether a figure (a stage count, a rate, a KPI, a result column) can be measured:
        every stage it is made of is tracked. Names outside the catalogue are always tracked."""
        return all(self._need_met(need) for need in FIGURE_NEEDS.get(figure, ()))

    def _need_met(self, need: str) -> bool:
        if need == REVENUE:
            return self.revenue_tracked
        if need == OUTCOMES:
            return self.outcomes_tracked
        if need == TOUCHES:
            return self.has("touches")
        if "." in need:
            table, column = need.split(".", 1)
            return self.has(table, column)
        return self.stage_tracked(need)

    def untracked(self, figures) -> list[str]:
        return [figure for figure in figures if not self.tracks(figure)]

    def blank_untracked(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The result with every column of an untracked figure missing (null), never 0."""
        return blank(frame, self.untracked(frame.columns))

    def linked(self, stage: str, other: str) -> bool:
        """Whether the data follows records from one stage to the other, so a rate between
        them means something: leads carry their own stages, deals theirs, traffic meets leads
        by channel, and deals meet leads only through deals.lead_id."""
        families = {STAGE_TABLES[stage], STAGE_TABLES[other]}
        if len(families) == 1:
            return True
        traffic_to_leads = self.has("leads")
        leads_to_deals = self.has("leads") and self.has("deals", "lead_id")
        if families == {"traffic", "leads"}:
            return traffic_to_leads
        if families == {"leads", "deals"}:
            return leads_to_deals
        return traffic_to_leads and leads_to_deals

    def leave_out(self, problems: list[Problem]) -> None:
        """Forget the tables of `problems`: from now on they read as not tracked."""
        for problem in problems:
            self.tracked_tables.discard(problem.table)
            self.tracked_columns.pop(problem.table, None)
            self.problems.append(problem)
