"""The numbers a page or a command shows: each runs a query and hands its result to a pure
domain function. Pages cache these; the CLI calls them directly, so both show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.core.contract import OPPORTUNITY, STAGE_NAMES
from dashboard.core.frames import row_mask
from dashboard.data import Catalog, Database, date_range_params
from dashboard.facts.durations import durations_query
from dashboard.facts.stage_counts import counts_query
from dashboard.funnel.domain import (
    STAGE_COLUMNS,
    Filters,
    FunnelStep,
    Maturity,
    build_funnel,
    cohort_maturity,
    counts_from_row,
    fill_months,
    maturing_reason,
    win_rate,
)
from dashboard.funnel.journey import JOURNEY_STAGES, Journey, JourneyTracking, journey_from_paths

PERIOD, COHORT, ALL_TIME = "period", "cohort", "all_time"


def data_as_of(database: Database) -> dt.date | None:
    """The as-of date: from the config when set, else the day of the latest event in the data."""
    if database.config.data.as_of is not None:
        return database.config.data.as_of
    latest = database.query_once("data_as_of")
    if latest.empty:
        return None
    return pd.Timestamp(latest["latest_at"].max()).date()


def latest_by_table(database: Database) -> dict[str, dt.date]:
    latest = database.query_once("data_as_of")
    return {row.table_name: pd.Timestamp(row.latest_at).date() for row in latest.itertuples()}


def filter_values(database: Database) -> dict[str, list[str]]:
    values = database.query_once("filter_values")
    return {dimension: group["value"].tolist() for dimension, group in values.groupby("dimension")}


def tracked_stages(database: Database) -> dict[str, bool]:
    return {stage: database.catalog.stage_tracked(stage) for stage in STAGE_NAMES}


@dataclass(frozen=True)
class FunnelResult:
    view: str
    steps: list[FunnelStep]
    maturity: Maturity | None  # cohort view only
    sales_sourced_won: int | None  # period view only: won deals that had no lead
    # Period view with an opportunity stage only: of the opportunities opened in the range, those
    # still open in the export, and open deals with no created date (in no range).
    open_opportunities: int | None = None
    undated_open_opportunities: int | None = None

    def steps_count(self, stage: str) -> int | None:
        return next((step.count for step in self.steps if step.stage == stage), None)


def funnel(
    database: Database,
    start: dt.date,
    end: dt.date,
    filters: Filters = Filters(),
    view: str = PERIOD,
    targets: dict[str, float] | None = None,
    at_risk_band: float = 0.10,
    as_of: dt.date | None = None,
) -> FunnelResult:
    if view == ALL_TIME:
        return all_time_funnel(database, filters, targets, at_risk_band)
    params = {**date_range_params(start, end), **filters.params()}
    tracked = tracked_stages(database)
    open_now = undated = None
    if view == COHORT:
        as_of = as_of or data_as_of(database) or end
        params["as_of_end"] = date_range_params(as_of, as_of)["end"]
        row = database.query("funnel_stage_counts_cohort", params).iloc[0].to_dict()
        # A cohort is leads followed onwards: a stage the data does not link to leads cannot be counted in it.
        tracked = {stage: is_tracked and database.catalog.linked("lead", stage) for stage, is_tracked in tracked.items()}
        cycle = database.query("lead_to_won_days_p75", params).iloc[0]
        p75 = float(cycle["p75_days"]) if database.catalog.stage_tracked("lead") and pd.notna(cycle["p75_days"]) else None
        maturity = cohort_maturity(min(end, as_of), as_of, p75)
        sales_sourced = None
    elif view == PERIOD:
        row = database.query(counts_query(database, "funnel_stage_counts_period", start, end), params).iloc[0].to_dict()
        maturity = None
        sales_sourced = int(row["sales_sourced_won"]) if database.catalog.lead_source_tracked else None
        if tracked[OPPORTUNITY]:
            opened = database.query("opportunity_counts_period", params).iloc[0]
            row["opportunities"] = int(opened["opportunities"])
            open_now, undated = int(opened["open_opportunities"]), int(opened["undated_open_opportunities"])
    else:
        raise ValueError(f"view must be {PERIOD!r} or {COHORT!r}, got {view!r}")
    steps = build_funnel(counts_from_row(row), tracked, filters, targets, at_risk_band, maturing_reason(maturity),
                         linked=database.catalog.linked)
    return FunnelResult(view=view, steps=steps, maturity=maturity, sales_sourced_won=sales_sourced,
                        open_opportunities=open_now, undated_open_opportunities=undated)


def all_time_funnel(database: Database, filters: Filters = Filters(), targets: dict[str, float] | None = None,
                    at_risk_band: float = 0.10) -> FunnelResult:
    """Every lead, dated or not, followed to the furthest stage it reached: the funnel of an
    undated lead-scoring export. A stage counts when the data links it to the leads, as in the
    cohort view; an undated outcome (a converted flag) counts here, though no period can show it."""
    catalog = database.catalog
    row = database.query("funnel_stage_counts_all_time", filters.params()).iloc[0].to_dict()
    tracked = {stage: catalog.stage_tracked_all_time(stage) and catalog.linked("lead", stage) for stage in STAGE_NAMES}
    tracked["traffic"] = tracked["traffic"] and catalog.stage_tracked("traffic")
    steps = build_funnel(counts_from_row(row), tracked, filters, targets, at_risk_band, linked=catalog.linked)
    return FunnelResult(view=ALL_TIME, steps=steps, maturity=None, sales_sourced_won=None)


@dataclass(frozen=True)
class RevenueSummary:
    won_revenue: float | None  # None when the extract has no deal amounts
    won_deals: int | None
    lost_deals: int | None
    avg_deal_size: float | None
    win_rate: float | None
    won_deals_without_amount: int
    sales_sourced_won_revenue: float | None


def revenue_summary(database: Database, start: dt.date, end: dt.date, filters: Filters = Filters()) -> RevenueSummary:
    row = database.query(counts_query(database, "won_revenue_summary", start, end),
                         {**date_range_params(start, end), **filters.params()}).iloc[0]
    catalog = database.catalog
    won_tracked = catalog.stage_tracked("won")
    revenue_tracked = catalog.revenue_tracked
    won, lost = int(row["won_deals"]), int(row["lost_deals"])
    return RevenueSummary(
        won_revenue=float(row["won_revenue"]) if revenue_tracked else None,
        won_deals=won if won_tracked else None,
        lost_deals=lost if catalog.outcomes_tracked else None,
        avg_deal_size=float(row["avg_deal_size"]) if revenue_tracked and pd.notna(row["avg_deal_size"]) else None,
        win_rate=win_rate(won, lost) if catalog.outcomes_tracked else None,
        won_deals_without_amount=int(row["won_deals_without_amount"]) if revenue_tracked else 0,
        sales_sourced_won_revenue=(
            float(row["sales_sourced_won_revenue"]) if revenue_tracked and catalog.lead_source_tracked else None
        ),
    )


# The stages at either end of each transition of stage_durations.sql.
TRANSITION_STAGES = {
    "lead_to_mql": ("lead", "mql"),
    "mql_to_sql": ("mql", "sql"),
    "sql_to_proposal": ("sql", "proposal"),
    "proposal_to_won": ("proposal", "won"),
    "deal_to_won": (None, "won"),
    "mql_to_won": ("mql", "won"),
    "lead_to_won": ("lead", "won"),
}


def stage_durations(database: Database, start: dt.date, end: dt.date, filters: Filters = Filters(),
                    transition: str | None = None) -> pd.DataFrame:
    """Days between stages, leaving out transitions whose ends the extract does not track;
    `transition` keeps only that one (its row is the same as among all of them)."""
    if transition is not None and transition not in TRANSITION_STAGES:
        raise ValueError(f"unknown transition {transition!r}: choose one of {', '.join(TRANSITION_STAGES)}")
    frame = database.query(durations_query(database, "stage_durations", start, end),
                           {**date_range_params(start, end), **filters.params(), "transition": transition})
    tracked = row_mask(frame["transition"], lambda transition: transition_tracked(database.catalog, transition))
    return frame[tracked].reset_index(drop=True)


def transition_tracked(catalog: Catalog, transition: str) -> bool:
    """Both ends of the transition are tracked and linked; a deal's own cycle needs its creation date."""
    start, finish = TRANSITION_STAGES[transition]
    if start is None:
        return catalog.stage_tracked(finish) and catalog.has("deals", "created_at")
    return catalog.stage_tracked(start) and catalog.stage_tracked(finish) and catalog.linked(start, finish)


def monthly_funnel(database: Database, start: dt.date, end: dt.date, filters: Filters = Filters()) -> pd.DataFrame:
    """Stage counts per month, untracked stages as missing values rather than zeros."""
    frame = database.query(counts_query(database, "funnel_stage_counts_by_month", start, end),
                           {**date_range_params(start, end), **filters.params()})
    frame = fill_months(frame, start, end)
    tracked = tracked_stages(database)
    if tracked[OPPORTUNITY]:
        opened = database.query("opportunity_counts_by_month", {**date_range_params(start, end), **filters.params()})
        opened = fill_months(opened, start, end)
        position = list(frame.columns).index("proposals")
        frame.insert(position, "opportunities", opened["opportunities"].astype("int64").to_numpy())
    for stage, column in STAGE_COLUMNS.items():
        if stage == OPPORTUNITY and not tracked[stage]:
            continue  # not a stage of this export's funnel: no column rather than an untracked one
        if not tracked[stage]:
            frame[column] = pd.NA
    if not database.catalog.revenue_tracked:
        frame["won_revenue"] = pd.NA
    return frame


@dataclass(frozen=True)
class FunnelPage:
    """Everything the funnel page shows, computed in one call so the page, the CLI and the
    benchmark do the same work."""

    funnel: FunnelResult
    revenue: RevenueSummary
    durations: pd.DataFrame
    monthly: pd.DataFrame


def funnel_page(
    database: Database,
    start: dt.date,
    end: dt.date,
    filters: Filters = Filters(),
    view: str = PERIOD,
    targets: dict[str, float] | None = None,
    at_risk_band: float = 0.10,
    as_of: dt.date | None = None,
) -> FunnelPage:
    return FunnelPage(
        funnel=funnel(database, start, end, filters, view, targets, at_risk_band, as_of),
        revenue=revenue_summary(database, start, end, filters),
        durations=stage_durations(database, start, end, filters),
        monthly=monthly_funnel(database, start, end, filters),
    )


def default_range(config, as_of: dt.date):
    """The SLA version in force on the as-of date and its period up to that date: what a
    page shows before anyone picks a range."""
    sla = config.sla_for(as_of) or config.slas[-1]
    return sla, sla.start, min(sla.end, max(as_of, sla.start))


def journey_tracking(database: Database) -> JourneyTracking:
    """Which stages and branches of the lead journey the extracts track."""
    catalog = database.catalog
    return JourneyTracking(
        stages={stage: catalog.stage_tracked(stage) for stage in JOURNEY_STAGES},
        disqualified=catalog.has("leads", "disqualified_at"),
        recycled=catalog.has("leads", "recycled_at"),
        lost=catalog.outcomes_tracked and catalog.has("deals", "lead_id"),
    )


def lead_journey(database: Database, start: dt.date, end: dt.date, filters: Filters, as_of: dt.date) -> Journey | None:
    """Where the leads created from `start` to `end` went by `as_of`; None without a leads extract."""
    if not database.catalog.has("leads"):
        return None
    params = {**date_range_params(start, end), **filters.params(), "as_of_end": date_range_params(as_of, as_of)["end"]}
    return journey_from_paths(database.query("lead_journey", params), journey_tracking(database))
