"""Pure funnel arithmetic: from stage counts to conversion rates, targets and status.

Nothing here touches DuckDB or Streamlit, so every rule is tested on hand-made numbers.
A stage the extract does not track has no count (None), never zero, and rates around it are
measured from the last stage that is tracked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

import pandas as pd

from dashboard.core.contract import STAGE_LABELS, STAGE_NAMES
from dashboard.core.kpis import KPIS, STEP_RATE_KPIS

# The column of the stage-count queries that holds each stage.
STAGE_COLUMNS = {
    "traffic": "sessions",
    "lead": "leads",
    "mql": "mqls",
    "sql": "sqls",
    "proposal": "proposals",
    "won": "won",
}

ON_TRACK, AT_RISK, OFF_TRACK = "on track", "at risk", "off track"
NOT_TRACKED = "not tracked"


@dataclass(frozen=True)
class Filters:
    channel: str | None = None
    segment: str | None = None
    team: str | None = None

    def params(self) -> dict[str, str | None]:
        return {"channel": self.channel, "segment": self.segment, "team": self.team}

    def describe(self) -> str:
        parts = [value for value in (self.channel, self.segment, self.team) if value]
        return ", ".join(parts) if parts else "all channels, segments and teams"


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    label: str
    count: int | None
    note: str  # why there is no count: "not tracked", or the filter traffic/leads cannot be split by
    previous_stage: str | None  # the tracked stage the step rate is measured from
    rate_from_previous: float | None
    rate_from_first: float | None
    target: float | None
    status: str | None


def unsplittable_note(stage: str, filters: Filters) -> str:
    """Traffic is only split by channel, and leads not yet handed off have no owning team."""
    if stage == "traffic" and (filters.segment or filters.team):
        return "not split by " + ("segment" if filters.segment else "team")
    if stage == "lead" and filters.team:
        return "not split by team"
    return ""


def rag_status(actual: float | None, target: float | None, higher_is_better: bool, at_risk_band: float) -> str | None:
    """On track when the target is met; at risk when within the band of it; off track beyond."""
    if actual is None or target is None:
        return None
    if higher_is_better:
        if actual >= target:
            return ON_TRACK
        return AT_RISK if actual >= target * (1 - at_risk_band) else OFF_TRACK
    if actual <= target:
        return ON_TRACK
    return AT_RISK if actual <= target * (1 + at_risk_band) else OFF_TRACK


def safe_ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def build_funnel(
    counts: Mapping[str, int | None],
    tracked: Mapping[str, bool],
    filters: Filters = Filters(),
    targets: Mapping[str, float] | None = None,
    at_risk_band: float = 0.10,
) -> list[FunnelStep]:
    """Steps in funnel order with rates from the previous and the first tracked stage.

    `counts` is keyed by stage name; `tracked` says which stages the extract has. A step's
    target applies only when it is measured from the stage right before it.
    """
    targets = targets or {}
    steps: list[FunnelStep] = []
    first_count: int | None = None
    previous_stage: str | None = None
    previous_count: int | None = None
    for position, stage in enumerate(STAGE_NAMES):
        note = NOT_TRACKED if not tracked.get(stage, False) else unsplittable_note(stage, filters)
        count = None if note else int(counts.get(stage) or 0)
        rate_from_previous = rate_from_first = target = status = None
        measured_from = None
        if count is not None:
            if previous_stage is not None:
                measured_from = previous_stage
                rate_from_previous = safe_ratio(count, previous_count)
                rate_from_first = safe_ratio(count, first_count)
                if STAGE_NAMES.index(previous_stage) == position - 1:
                    kpi = STEP_RATE_KPIS[stage]
                    target = targets.get(kpi)
                    status = rag_status(rate_from_previous, target, KPIS[kpi].higher_is_better, at_risk_band)
            else:
                first_count = count
            previous_stage, previous_count = stage, count
        steps.append(FunnelStep(
            stage=stage, label=STAGE_LABELS[stage], count=count, note=note, previous_stage=measured_from,
            rate_from_previous=rate_from_previous, rate_from_first=rate_from_first, target=target, status=status,
        ))
    return steps


def funnel_frame(steps: list[FunnelStep]) -> pd.DataFrame:
    """The funnel as a table for display and CSV download (rates as fractions)."""
    return pd.DataFrame([
        {
            "stage": step.label,
            "count": step.count,
            "note": step.note,
            "measured_from": STAGE_LABELS[step.previous_stage] if step.previous_stage else None,
            "rate_from_previous": step.rate_from_previous,
            "rate_from_first": step.rate_from_first,
            "target_rate": step.target,
            "status": step.status,
        }
        for step in steps
    ])


def counts_from_row(row: Mapping[str, object]) -> dict[str, int | None]:
    """Stage counts keyed by stage from a stage-count query row (keyed by column)."""
    return {stage: _as_int(row.get(column)) for stage, column in STAGE_COLUMNS.items()}


def _as_int(value: object) -> int | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return int(value)


@dataclass(frozen=True)
class Maturity:
    is_mature: bool
    days_observed: int
    days_needed: float | None


def cohort_maturity(range_end: dt.date, as_of: dt.date, lead_to_won_p75_days: float | None) -> Maturity:
    """A cohort is immature while fewer days have passed since its last lead than it takes
    three in four won deals to close; its later-stage rates will still rise."""
    observed = (as_of - range_end).days
    if lead_to_won_p75_days is None:
        return Maturity(is_mature=True, days_observed=observed, days_needed=None)
    return Maturity(is_mature=observed >= lead_to_won_p75_days, days_observed=observed, days_needed=lead_to_won_p75_days)


def win_rate(won_deals: int, lost_deals: int) -> float | None:
    """Won deals as a share of all deals closed (won or lost) in the range."""
    return safe_ratio(won_deals, won_deals + lost_deals)


def fill_months(frame: pd.DataFrame, start: dt.date, end: dt.date, column: str = "month_start") -> pd.DataFrame:
    """One row per month from start to end, months without events as zeros."""
    months = pd.date_range(pd.Timestamp(start).replace(day=1), pd.Timestamp(end), freq="MS").date
    indexed = frame.assign(**{column: pd.to_datetime(frame[column]).dt.date}).set_index(column)
    filled = indexed.reindex(months, fill_value=0)
    filled.index.name = column
    return filled.reset_index()
