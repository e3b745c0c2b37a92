"""Pure funnel arithmetic: from stage counts to conversion rates, targets and status.

Nothing here touches DuckDB or Streamlit, so every rule is tested on hand-made numbers.
A stage the extract does not track has no count (None), never zero, and rates around it are
measured from the last stage that is tracked.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Callable, Mapping

import pandas as pd

from dashboard.core.contract import OPPORTUNITY, STAGE_LABELS, STAGE_NAMES, is_step
from dashboard.core.formatting import pct
from dashboard.core.kpis import KPIS, STEP_RATE_KPIS

# The column of the stage-count queries that holds each stage.
STAGE_COLUMNS = {
    "traffic": "sessions",
    "lead": "leads",
    "mql": "mqls",
    "sql": "sqls",
    "opportunity": "opportunities",
    "proposal": "proposals",
    "won": "won",
}

ON_TRACK, AT_RISK, OFF_TRACK = "on track", "at risk", "off track"
# Statuses that make no judgement: the comparison with the target is not meaningful.
MATURING, NOT_APPLICABLE = "maturing", "n/a"
NOT_TRACKED = "not tracked"
# Stages whose counts in a cohort still rise while it matures: a lead becomes an MQL on its
# score within hours, every later stage takes days to months.
MATURING_STAGES = ("sql", "proposal", "won")


@dataclass(frozen=True)
class Filters:
    channel: str | None = None
    segment: str | None = None
    team: str | None = None

    def params(self) -> dict[str, str | None]:
        return {"channel": self.channel, "segment": self.segment, "team": self.team}

    def describe(self, display_name: Callable[[str, str], str] | None = None) -> str:
        """The filters in words; with `display_name` (the config's, dimension and value) a channel or
        segment reads as the config names it ("Paid search"), while params() keep the raw value."""
        name = display_name or (lambda dimension, value: value)
        parts = [name(dimension, value) if dimension != "team" else value
                 for dimension, value in self.params().items() if value]
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
    status_reason: str = ""  # why the status is "maturing" or "n/a"


def unsplittable_note(stage: str, filters: Filters, deals_have_leads: bool = True) -> str:
    """Traffic is only split by channel, and leads not yet handed off have no owning team.
    Deals take channel and segment from their lead: without leads they cannot be split by them."""
    if stage == "traffic" and (filters.segment or filters.team):
        return "not split by " + ("segment" if filters.segment else "team")
    if stage == "lead" and filters.team:
        return "not split by team"
    if stage in (OPPORTUNITY, "proposal", "won") and not deals_have_leads and (filters.channel or filters.segment):
        return "not split by " + ("channel" if filters.channel else "segment")
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


def rate_status(actual: float | None, target: float | None, higher_is_better: bool,
                at_risk_band: float) -> tuple[str | None, str]:
    """A conversion rate's status and, where no judgement is made, why. A rate above 100 %
    compares counts of different leads (the later stage's events come from leads that reached
    the earlier stage before the range), so it is not judged against the target."""
    if actual is not None and target is not None and actual > 1:
        return NOT_APPLICABLE, (f"{actual * 100:.1f} % is above 100 %: the later stage counts leads that reached the earlier "
                                "one before the range, so the rate says nothing against the target")
    return rag_status(actual, target, higher_is_better, at_risk_band), ""


def kpi_status(unit: str, actual: float | None, target: float | None, higher_is_better: bool,
               at_risk_band: float) -> tuple[str | None, str]:
    """A KPI's status and the reason when none is judged: rates go through `rate_status`."""
    if unit == "rate":
        return rate_status(actual, target, higher_is_better, at_risk_band)
    return rag_status(actual, target, higher_is_better, at_risk_band), ""


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
    maturing: str = "",
    linked: Callable[[str, str], bool] | None = None,
) -> list[FunnelStep]:
    """Steps in funnel order with rates from the previous and the first tracked stage.

    `counts` is keyed by stage name; `tracked` says which stages the extract has. A step's
    target applies only when it is measured from the stage right before it; measured across an
    untracked stage its status is "n/a". `maturing` (why a cohort is still maturing) makes the
    stages after MQL "maturing" instead of judging rates that will still rise.
    `linked(a, b)` says whether the data follows records from stage a to stage b (`Catalog.linked`): a
    stage not linked to the one before starts the funnel afresh, with no rate to it.
    """
    targets = targets or {}
    steps: list[FunnelStep] = []
    first_count: int | None = None
    previous_stage: str | None = None
    previous_count: int | None = None
    for stage in STAGE_NAMES:
        if stage == OPPORTUNITY and not tracked.get(stage, False):
            continue  # not a stage of this export's funnel (contract.OPPORTUNITY), not an untracked one
        note = NOT_TRACKED if not tracked.get(stage, False) else unsplittable_note(
            stage, filters, linked is None or linked("lead", stage))
        count = None if note else int(counts.get(stage) or 0)
        rate_from_previous = rate_from_first = target = status = None
        measured_from, reason = None, ""
        if count is not None and previous_stage is not None and linked is not None and not linked(previous_stage, stage):
            previous_stage = None
        if count is not None:
            if previous_stage is not None:
                measured_from = previous_stage
                rate_from_previous = safe_ratio(count, previous_count)
                rate_from_first = safe_ratio(count, first_count)
                kpi = STEP_RATE_KPIS.get(stage)  # None: no SLA step rate ends at this stage (opportunities)
                if kpi is not None and is_step(previous_stage, stage):
                    target = targets.get(kpi)
                    status, reason = rate_status(rate_from_previous, target, KPIS[kpi].higher_is_better, at_risk_band)
                    if maturing and stage in MATURING_STAGES and target is not None:
                        status, reason = MATURING, maturing
                elif kpi is not None and targets.get(kpi) is not None:
                    status = NOT_APPLICABLE
                    why = ("the SLA's step starts at SQLs" if previous_stage == OPPORTUNITY
                           else "the stages between are not tracked")
                    reason = (f"measured from {STAGE_LABELS[previous_stage]}: {why}, so "
                              f"the SLA target for {KPIS[kpi].label} does not apply")
                if (status is None and rate_from_previous is not None and rate_from_previous > 1
                        and not is_step(previous_stage, stage)):
                    # No SLA target to judge it by, but a rate above 100 % must not read as a conversion.
                    status = NOT_APPLICABLE
                    reason = (f"{rate_from_previous * 100:.1f} % is above 100 %: the later stage counts records that "
                              f"reached {STAGE_LABELS[previous_stage]} before the range, so it is no conversion rate")
            else:
                first_count = count
            previous_stage, previous_count = stage, count
        steps.append(FunnelStep(
            stage=stage, label=STAGE_LABELS[stage], count=count, note=note, previous_stage=measured_from,
            rate_from_previous=rate_from_previous, rate_from_first=rate_from_first, target=target, status=status,
            status_reason=reason,
        ))
    return steps


def step_label(step: FunnelStep) -> str:
    """"Lead → MQL" for adjacent stages; "MQLs → Won deals" when untracked stages lie between."""
    if is_step(step.previous_stage, step.stage):
        return KPIS[STEP_RATE_KPIS[step.stage]].label
    return f"{STAGE_LABELS[step.previous_stage]} → {step.label}"


def target_text(step: FunnelStep) -> str:
    """A step's SLA target as a table shows it: "no target" where a rate is measured but the SLA
    sets none for it (so an empty status is not read as a judgement), blank where there is no rate."""
    if step.target is not None:
        return pct(step.target)
    return "no target" if step.rate_from_previous is not None else ""


def status_reasons(items) -> list[str]:
    """One line per item whose status makes no judgement ("maturing", "n/a"), saying why; `items`
    are funnel steps or KPI rows (anything with a label, status and status_reason)."""
    return [f"{step_label(item) if isinstance(item, FunnelStep) else item.label}: {item.status}, {item.status_reason}."
            for item in items if item.status_reason]


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
            "status_reason": step.status_reason,
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


def latest_mature_range(as_of: dt.date, days_needed: float, months: int = 6) -> tuple[dt.date, dt.date]:
    """The last `months` whole months whose leads have all had `days_needed` days to close by
    `as_of`: the default range of a test on outcomes (the scoring lab)."""
    mature_by = as_of - dt.timedelta(days=math.ceil(days_needed))
    next_day = mature_by + dt.timedelta(days=1)
    end = mature_by if next_day.day == 1 else mature_by.replace(day=1) - dt.timedelta(days=1)
    first = end.replace(day=1)
    index = first.year * 12 + first.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1), end


def maturing_reason(maturity: Maturity | None) -> str:
    """Why a cohort's later stages are not judged yet; empty once it is mature."""
    if maturity is None or maturity.is_mature:
        return ""
    return (f"still maturing: {maturity.days_observed} days since the cohort's last lead, while three in four won "
            f"deals close within {maturity.days_needed:.0f} days; this rate will still rise")


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


def opportunity_note(opened: int | None, still_open: int | None, undated_open: int | None) -> str:
    """What the opportunity stage holds beyond its count: the opportunities of the range still in
    progress, and open ones with no created date, which no date range can count."""
    if opened is None or still_open is None:
        return ""
    text = (f"Of the {opened:,} opportunities opened in the range, {still_open:,} are still open (in progress) "
            "and count in no later stage yet.")
    if undated_open:
        text += (f" {undated_open:,} open opportunities have no created date, so no range counts them "
                 "(they are in no stage of this funnel).")
    return text
