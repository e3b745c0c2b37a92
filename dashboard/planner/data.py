"""What the reverse-funnel planner reads from the data: one function, `planner_inputs`, that the
planner page caches, the `plan` command calls and a benchmark can time. It runs the queries
and hands their results to the pure arithmetic in `planner.py`."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import pandas as pd

from dashboard.funnel import data as metrics
from dashboard.core.config import Config, SlaVersion
from dashboard.core.contract import is_step
from dashboard.data import Database, date_range_params
from dashboard.funnel.domain import STAGE_COLUMNS, Filters
from dashboard.core.kpis import STEP_RATE_KPIS
from dashboard.core.frames import row_mask
from dashboard.planner.domain import (
    LAG_STAGES,
    OBSERVED,
    Plan,
    PlanInputs,
    StageRate,
    add_months,
    build_plan,
    default_assumptions,
    mix_by_segment,
)

DEFAULT_TRAILING_MONTHS = 6
MIN_LAG_MONTHS = 12  # lags are measured on at least a year of won deals: rates move faster than cycles
MIN_SEGMENT_DEALS = 30  # a segment with fewer won deals takes the lag profile of all deals


class PlanError(Exception):
    """The planner cannot run on these extracts; the message says why and what to do."""


def sla_to_plan(config: Config, as_of: dt.date) -> SlaVersion:
    """The SLA period the plan is for: the one in force the day after the as-of date (so a
    period that ends on the as-of date hands over to the next), else the one in force on it,
    else the next one to start, else the last."""
    following = as_of + dt.timedelta(days=1)
    sla = config.sla_for(following) or config.sla_for(as_of)
    if sla is None:
        upcoming = [s for s in config.slas if s.start > as_of]
        sla = min(upcoming, key=lambda s: s.start) if upcoming else config.slas[-1]
    return sla


def shift_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    month = add_months(day.replace(day=1), -months)
    last = (add_months(month, 1) - dt.timedelta(days=1)).day
    return month.replace(day=min(day.day, last))


def monthly_quota(config: Config) -> dict[dt.date, float]:
    """The quota expected in each month of every SLA version (quota x the month's weight)."""
    amounts: dict[dt.date, float] = {}
    for sla in config.slas:
        for month, weight in zip(sla.months(), sla.monthly_quota_weights):
            amounts[month] = sla.quota * weight
    return amounts


MIN_RATE_WINDOW_DAYS = 28  # less of the current lead definition than this is too little to measure rates on


def rate_window(slas: Sequence[SlaVersion], window_start: dt.date, as_of: dt.date) -> tuple[dt.date, str]:
    """Where the observed conversion rates start, and what the page should say about it. The
    lead definition (scoring rules and threshold) decides who becomes an MQL, so rates measured
    across a reset that changed it mix two definitions: they start at the reset instead, unless
    the definition in force is too young to measure, and then the note says what was mixed."""
    in_force = next((sla for sla in slas if sla.start <= as_of <= sla.end), None)
    if in_force is None:
        return window_start, ""
    start = in_force.start
    for earlier in sorted(slas, key=lambda sla: sla.start, reverse=True):  # earlier versions with the same definition
        if earlier.end == start - dt.timedelta(days=1) and earlier.lead_definition == in_force.lead_definition:
            start = earlier.start
    mixed = [sla for sla in slas if sla.start < start and sla.end >= window_start
             and sla.lead_definition != in_force.lead_definition]
    if start <= window_start or not mixed:
        return window_start, ""
    names = " and ".join(sla.name for sla in mixed)
    if (as_of - start).days + 1 < MIN_RATE_WINDOW_DAYS:
        return window_start, (f"These rates mix the lead definitions of {names} and {in_force.name}: {in_force.name}'s "
                              f"started on {start:%d %b %Y}, too recently to measure rates on it alone.")
    return start, (f"Measured from {start:%d %b %Y}, when {in_force.name}'s lead definition replaced {names}'s: rates "
                   "from before would mix two definitions of an MQL.")


def planner_inputs(database: Database, trailing_months: int = DEFAULT_TRAILING_MONTHS,
                   filters: Filters = Filters()) -> PlanInputs:
    """Observed rates, deal size, lags, run rates and history for the plan, as of the data.

    Under a channel, segment or team filter everything is measured on that slice, and the
    default target is the slice's share of the quota left: its share of the won revenue over
    the trailing window. Stages a filter cannot split (sessions by segment or team, leads by
    team) drop out of the plan."""
    if trailing_months < 1:
        raise PlanError(f"trailing months must be at least 1 (got {trailing_months})")
    config = database.config
    as_of = metrics.data_as_of(database)
    if as_of is None:
        raise PlanError(f"the extracts in {config.data.folder} hold no dated events; check [data] in {config.path.name}")
    tracked = metrics.tracked_stages(database)
    if not tracked["won"] and database.catalog.outcome_on_leads:
        raise PlanError("the planner plans back from won deals by month, but the leads' outcome "
                        "(data.tables.leads.outcome.converted) has no date; map the date each lead was won as "
                        f"data.tables.leads.outcome.won_at in {config.path.name}")
    if not tracked["won"]:
        raise PlanError("the deals extract tracks no won deals (deals.status and deals.closed_at), so there is nothing "
                        f"to plan back from; map them under [data.tables.deals] in {config.path.name}")
    sla = sla_to_plan(config, as_of)
    first_day = as_of + dt.timedelta(days=1)
    window_start = shift_back(first_day, trailing_months)

    won_to_date = None
    if sla.start <= as_of:
        won_to_date = metrics.revenue_summary(database, sla.start, as_of).won_revenue
    elif database.catalog.revenue_tracked:
        won_to_date = 0.0

    # The lead definition only decides who becomes an MQL: without MQLs a reset changes no rate.
    rate_start, rate_note = rate_window(config.slas, window_start, as_of) if tracked["mql"] else (window_start, "")
    funnel = metrics.funnel(database, rate_start, as_of, filters, view=metrics.PERIOD)
    # A stage the filter cannot split has no count: the plan leaves it out like an untracked one.
    tracked = {step.stage: step.count is not None for step in funnel.steps}
    rates = []
    for step in funnel.steps:
        if step.previous_stage is None or step.count is None:
            continue
        adjacent = is_step(step.previous_stage, step.stage)
        rates.append(StageRate(
            stage=step.stage, from_stage=step.previous_stage, observed=step.rate_from_previous,
            target=sla.targets.get(STEP_RATE_KPIS[step.stage]) if adjacent else None,
        ))
    revenue = metrics.revenue_summary(database, window_start, as_of, filters)
    filter_share = None
    if any(filters.params().values()):
        everyone = metrics.revenue_summary(database, window_start, as_of).won_revenue
        filter_share = revenue.won_revenue / everyone if everyone and revenue.won_revenue is not None else None
    sales_sourced_share = None
    if revenue.won_revenue and revenue.sales_sourced_won_revenue is not None:
        sales_sourced_share = revenue.sales_sourced_won_revenue / revenue.won_revenue

    lag_start = min(window_start, shift_back(first_day, MIN_LAG_MONTHS))
    lag_params = {**date_range_params(lag_start, as_of), **filters.params()}
    lag_counts = database.query("planner_won_lag_months", lag_params)
    lags = {}
    for stage in LAG_STAGES:
        if not tracked.get(stage):
            continue
        rows = lag_counts[lag_counts["stage"] == stage]
        by_segment: dict[str | None, dict[int, float]] = {}
        for row in rows.itertuples():
            segment = None if pd.isna(row.segment) else row.segment
            by_segment.setdefault(segment, {})[int(row.months_before_won)] = float(row.won_deals)
        lags[stage] = mix_by_segment(by_segment, MIN_SEGMENT_DEALS)
    lag_days = database.query("planner_won_lag_days", lag_params)
    lag_days = lag_days[row_mask(lag_days["stage"], lambda stage: bool(tracked.get(stage)))].reset_index(drop=True)

    longest = max((profile.max_months for profile in lags.values() if profile.is_observed), default=0)
    plan_start = first_day.replace(day=1)
    history_from = add_months(plan_start, -(longest + 1))
    history_frame = metrics.monthly_funnel(database, history_from, as_of, filters)
    history, history_start = _history(history_frame, tracked, plan_start)

    window_frame = metrics.monthly_funnel(database, window_start, as_of, filters)
    run_rate = {}
    for stage, column in STAGE_COLUMNS.items():
        values = pd.to_numeric(window_frame[column], errors="coerce") if tracked.get(stage) else None
        run_rate[stage] = float(values.sum()) / trailing_months if values is not None and values.notna().any() else None

    return PlanInputs(
        as_of=as_of, sla_name=sla.name, currency=sla.currency, quota=sla.quota, won_to_date=won_to_date,
        period_start=sla.start, period_end=sla.end, month_weights=monthly_quota(config),
        trailing_months=trailing_months, window_start=window_start, window_end=as_of, tracked=tracked,
        rate_window_start=rate_start, rate_window_note=rate_note,
        rates=tuple(rates), avg_deal_size=revenue.avg_deal_size, won_deals_in_window=revenue.won_deals,
        sales_sourced_revenue_share=sales_sourced_share, lags=lags, lag_days=lag_days,
        history=history, history_start=history_start, run_rate=run_rate,
        filters=filters, filter_share=filter_share,
    )


def _history(frame: pd.DataFrame, tracked: dict[str, bool], plan_start: dt.date) -> tuple[dict, dt.date | None]:
    """Stage volumes of the months before the plan start, and the first month the data covers
    (leading months without any event are before the extracts begin, not empty months)."""
    frame = frame[pd.to_datetime(frame["month_start"]).dt.date < plan_start]
    columns = [column for stage, column in STAGE_COLUMNS.items() if tracked.get(stage)]
    activity = frame[columns].apply(pd.to_numeric, errors="coerce").fillna(0).sum(axis=1) if columns else pd.Series(dtype=float)
    active = frame.loc[activity > 0, "month_start"] if not activity.empty else pd.Series(dtype=object)
    history_start = pd.Timestamp(active.iloc[0]).date() if len(active) else None
    history = {}
    for stage, column in STAGE_COLUMNS.items():
        if tracked.get(stage):
            history[stage] = {
                pd.Timestamp(month).date(): float(value)
                for month, value in zip(frame["month_start"], pd.to_numeric(frame[column], errors="coerce").fillna(0))
            }
    return history, history_start


def plan_for(
    database: Database,
    target: float | None = None,
    months_left: int | None = None,
    trailing_months: int = DEFAULT_TRAILING_MONTHS,
    rate_source: str = OBSERVED,
    deal_size: float | None = None,
    manual_rates: dict[str, float] | None = None,
    filters: Filters = Filters(),
) -> Plan:
    """The whole plan in one call, as the `plan` command prints it."""
    inputs = planner_inputs(database, trailing_months, filters)
    assumptions = default_assumptions(inputs, target, months_left, rate_source, deal_size, manual_rates)
    return build_plan(inputs, assumptions)
