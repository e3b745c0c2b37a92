"""The monthly review's data work, in one function outside Streamlit: `monthly_review`.

The page caches it (`dashboard/ui/review_cache.py`), `python -m dashboard kpis` prints it,
`python -m dashboard report` renders it, and the benchmark times it, so all four show the
same numbers by construction. It runs the queries and hands the results to the pure
modules: attainment (quota, pace, gap, forecast), funnel, scorecard, trends and headlines.

A month is judged against the SLA version in force on its last counted day (the cutoff: the
month's end, or the as-of date in the current month). Revenue quota and count targets are
pro-rated by day over every version in force during the month, so a month that straddles a
reset takes part of each. The quota is the company's: pace, gap and forecast ignore the
channel, segment and team filters, which apply to everything else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from dashboard.funnel import data as metrics
from dashboard.review.attainment import (
    DAY,
    Attainment,
    Forecast,
    PipelineSlice,
    PipelineSnapshot,
    SlaSpan,
    add_months,
    attainment,
    days_between,
    forecast,
    goal_curve,
    month_end,
    quota_through,
    range_targets,
    run_rate_scenario,
    sla_spans,
    snapshot_moments,
    FORECAST_FALLBACK_LOOKBACK_DAYS,
)
from dashboard.core.config import SlaVersion, month_starts
from dashboard.data import Database, date_range_params
from dashboard.facts.durations import monthly_durations_query
from dashboard.funnel.domain import Filters, FunnelStep
from dashboard.review.headlines import day_label, headlines, month_texts
from dashboard.review.kpi_values import kpi_actuals
from dashboard.core.kpis import STEP_RATE_KPIS
from dashboard.core.parallel import concurrently
from dashboard.core.contract import is_step
from dashboard.review.scorecard import ScorecardRow, build_scorecard
from dashboard.review.trends import monthly_rates
from dashboard.core.frames import row_mask

TREND_MONTHS = 12
DURATION_TRANSITIONS = ("lead_to_mql", "mql_to_sql", "sql_to_proposal", "proposal_to_won", "deal_to_won")
# The review's stage counts under the names the `kpis` command prints.
COUNT_NAMES = {"traffic": "traffic", "lead": "leads", "mql": "mql", "sql": "sql", "opportunity": "opportunities",
               "proposal": "proposals", "won": "won"}
# The KPIs that need a stage's count: without it (not tracked, not split by a filter) they have no value.
STAGE_KPIS = {
    "traffic": ("sessions", "visit_to_lead_rate"),
    "lead": ("leads", "visit_to_lead_rate", "lead_to_mql_rate"),
    "mql": ("mqls", "lead_to_mql_rate", "mql_to_sql_rate"),
    "sql": ("sqls", "mql_to_sql_rate", "sql_to_proposal_rate"),
    "proposal": ("sql_to_proposal_rate", "proposal_to_won_rate"),
    "won": ("proposal_to_won_rate",),
}


class ReviewError(Exception):
    """The review cannot be built for this input; the message says what to change."""


def parse_month(text: str) -> dt.date:
    """'2026-06' → 1 June 2026."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise ReviewError(f"month {text!r} is not a month; use YYYY-MM, e.g. 2026-06") from None


def month_label(month: dt.date) -> str:
    return f"{month:%B %Y}"


def is_filtered(filters: Filters) -> bool:
    return any(filters.params().values())


@dataclass(frozen=True)
class ReviewMonths:
    """The months a review can be built for: from the first month with leads or traffic to
    the as-of month; the default is the last complete one."""

    as_of: dt.date | None
    months: tuple[dt.date, ...]  # oldest first
    default: dt.date | None

    def is_complete(self, month: dt.date) -> bool:
        return self.as_of is not None and month_end(month) <= self.as_of

    @property
    def first(self) -> dt.date | None:
        return self.months[0] if self.months else None


def first_data_day(database: Database) -> dt.date | None:
    """The first day with leads or traffic (the first opportunity or closed deal when the extract
    has neither): deals opened before the data starts are an opening pipeline, not months to review."""
    frame = database.query("data_starts")
    earliest = {row.table_name: pd.Timestamp(row.earliest_at).date() for row in frame.itertuples()}
    top = [earliest[name] for name in ("leads", "traffic") if name in earliest]
    if top:
        return min(top)
    deals = [earliest[name] for name in ("opportunities", "deals") if name in earliest]
    return min(deals) if deals else None


def review_months(database: Database) -> ReviewMonths:
    as_of = metrics.data_as_of(database)
    first = first_data_day(database)
    if as_of is None or first is None or first > as_of:
        return ReviewMonths(as_of=as_of, months=(), default=None)
    months = tuple(month_starts(first, as_of))
    complete = [month for month in months if month_end(month) <= as_of]
    return ReviewMonths(as_of=as_of, months=months, default=complete[-1] if complete else months[-1])


@dataclass(frozen=True)
class MonthlyReview:
    company: str
    month: dt.date
    cutoff: dt.date  # last day counted: the month's end, or the as-of date
    as_of: dt.date
    first_month: dt.date
    filters: Filters
    currency: str
    sla: SlaVersion | None  # in force at the cutoff: rates, pace and forecast are judged by it
    spans: tuple[SlaSpan, ...]  # the versions over the month's days
    sla_statement: str
    period_start: dt.date | None  # start of the period-to-date range (the version's start)
    funnel_month: tuple[FunnelStep, ...]
    funnel_period: tuple[FunnelStep, ...]  # empty without an SLA version
    month_won_revenue: float | None  # with the filters
    month_won_deals: int | None
    sales_sourced_won: int | None
    won_deals_without_amount: int
    attainment: Attainment | None  # company-wide
    pipeline_deals: int | None  # open deals at the cutoff, company-wide
    cumulative: pd.DataFrame  # day, won_revenue, cumulative_won (company, period start .. cutoff)
    goal: pd.DataFrame  # day, cumulative_goal (the whole period)
    period_months: pd.DataFrame  # month_start, quota, won_revenue, attainment_rate (the period to the cutoff)
    scorecard: tuple[ScorecardRow, ...]
    trend: pd.DataFrame  # month_start, kpi, label, rate, target, status
    durations: pd.DataFrame  # month_start, transition, records, median_days
    sales_cycle_target: float | None
    headlines: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    filters_text: str = ""  # the filters in the config's display names ("Paid search, Enterprise")

    @property
    def is_complete(self) -> bool:
        return self.cutoff == month_end(self.month)

    @property
    def previous_month(self) -> dt.date:
        return add_months(self.month, -1)

    def step(self, stage: str, scope: str = "month") -> FunnelStep | None:
        steps = self.funnel_month if scope == "month" else self.funnel_period
        return next((step for step in steps if step.stage == stage), None)

    def counts(self, scope: str = "month") -> dict[str, int | None]:
        steps = self.funnel_month if scope == "month" else self.funnel_period
        return {COUNT_NAMES[step.stage]: step.count for step in steps}


def sla_statement(spans: list[SlaSpan] | tuple[SlaSpan, ...], month: dt.date, cutoff: dt.date,
                  previous: SlaVersion | None = None) -> str:
    """Which SLA version the month is judged against, in words; `previous` is the version
    that ended the day before the closing one started (a reset)."""
    name = month_label(month)
    covered = [span for span in spans if span.sla is not None]
    if not covered:
        return f"No SLA version covers {name}: actuals are shown without quota or targets."
    closing = spans[-1].sla
    if closing is None:
        return (f"No SLA version covers {name} after {day_label(covered[-1].end)}: the month is shown without "
                "quota or targets from then on.")
    period = f"{day_label(closing.start)} – {day_label(closing.end)}"
    if len(spans) == 1:
        text = f"Judged against SLA {closing.name} ({period})"
        if previous is not None:
            text += f", in force since {day_label(closing.start)}, when it replaced {previous.name}"
        return text + "."
    parts = "; ".join(
        f"{span.start.day}–{day_label(span.end)} under {span.sla.name if span.sla else 'no SLA version'}"
        for span in spans
    )
    return (f"{name} straddles an SLA change ({parts}). The month's quota and count targets combine the versions "
            f"pro rata by day; rates, pace and forecast are judged against {closing.name} ({period}), in force "
            f"on {day_label(cutoff)}.")


def _previous_version(database: Database, sla: SlaVersion | None) -> SlaVersion | None:
    if sla is None:
        return None
    return database.config.sla_for(sla.start - DAY)


def _pipeline_slices(database: Database, frame: pd.DataFrame) -> tuple[dict[str, PipelineSlice], float]:
    """One moment's rows of `pipeline_snapshots` as its stages and the revenue won by deals opened
    inside its window."""
    stages: dict[str, PipelineSlice] = {}
    new_won = 0.0
    for row in frame.itertuples():
        piece = PipelineSlice(int(row.open_deals), float(row.open_amount), int(row.won_deals), float(row.won_amount),
                              int(row.lost_deals), int(row.open_deals_without_amount))
        if row.pipeline_stage == "not_yet_created":
            new_won = piece.won_amount
        else:
            stages[row.pipeline_stage] = piece
    if not database.catalog.stage_tracked("proposal"):
        # Without proposal dates every deal looks "no proposal": call it what it is.
        merged = list(stages.values())
        stages = {"open": PipelineSlice(
            sum(p.open_deals for p in merged), sum(p.open_amount for p in merged),
            sum(p.won_deals for p in merged), sum(p.won_amount for p in merged),
            sum(p.lost_deals for p in merged), sum(p.open_deals_without_amount for p in merged),
        )} if merged else {}
    return stages, new_won


def _forecast(database: Database, sla: SlaVersion, cutoff: dt.date, won_to_date: float,
              earliest: dt.date | None) -> tuple[Forecast, int | None]:
    horizon = max((sla.end - cutoff).days, 0)
    elapsed = days_between(sla.start, cutoff)
    cutoff_end = dt.datetime.combine(cutoff + DAY, dt.time())
    if not database.catalog.has("deals", "created_at"):
        return forecast(won_to_date, sla.quota, elapsed, horizon, None, [], sla.currency), None
    now = _snapshots(database, [cutoff_end], 0)[0].stages
    open_deals = sum(piece.open_deals for piece in now.values())
    start = dt.datetime.combine(earliest, dt.time()) if earliest else None
    history = _snapshots(database, snapshot_moments(cutoff_end, horizon, start), horizon)
    closed = {stage for snapshot in history for stage, piece in snapshot.stages.items()
              if piece.won_deals + piece.lost_deals}
    fallback = []
    if set(now) - closed:  # a stage with no closed history this year learns from a longer lookback
        moments = snapshot_moments(cutoff_end, horizon, start, FORECAST_FALLBACK_LOOKBACK_DAYS)
        fallback = history + _snapshots(database, moments[len(history):], horizon)
    return forecast(won_to_date, sla.quota, elapsed, horizon, now, history, sla.currency, fallback,
                    FORECAST_FALLBACK_LOOKBACK_DAYS), open_deals


def _snapshots(database: Database, moments: list[dt.datetime], horizon: int) -> list[PipelineSnapshot]:
    """The pipeline at each moment and what its window of `horizon` days won, in one query."""
    if not moments:
        return []
    frame = database.query("pipeline_snapshots", {"moments": moments, "horizon_days": horizon})
    by_moment = dict(iter(frame.groupby(pd.to_datetime(frame["moment_at"]), sort=False)))
    history = []
    for moment in moments:
        rows = by_moment.get(pd.Timestamp(moment), frame.iloc[0:0])
        stages, new_won = _pipeline_slices(database, rows)
        history.append(PipelineSnapshot(stages=stages, new_won_amount=new_won))
    return history


def period_forecast(database: Database, cutoff: dt.date) -> Forecast | None:
    """The monthly review's forecast for the SLA period in force at `cutoff` (company-wide, as the
    quota is), for pages that show a projection of their own beside it (the planner)."""
    sla = database.config.sla_for(cutoff)
    if sla is None or not database.catalog.revenue_tracked:
        return None
    won_to_date = metrics.revenue_summary(database, sla.start, cutoff).won_revenue
    return _forecast(database, sla, cutoff, won_to_date, review_months(database).first)[0]  # as the review does


def comparison_range(month: dt.date, cutoff: dt.date, months_back: int) -> tuple[dt.date, dt.date]:
    """The earlier month to compare with: all of it when the review month is complete, its
    same first days when the review month is still running."""
    start = add_months(month, -months_back)
    if cutoff == month_end(month):
        return start, month_end(start)
    return start, min(start + (cutoff - month), month_end(start))


def _durations(database: Database, start: dt.date, end: dt.date, filters: Filters) -> pd.DataFrame:
    frame = database.query(monthly_durations_query(database, start, end, filters),
                           {**date_range_params(start, end), **filters.params()})
    catalog = database.catalog
    keep = row_mask(frame["transition"], lambda transition: metrics.transition_tracked(catalog, transition))
    frame = frame[keep].drop(columns=["transition_order"]).reset_index(drop=True)
    frame["month_start"] = pd.to_datetime(frame["month_start"]).dt.date
    frame["median_days"] = frame["median_days"].astype(float)
    return frame


def period_by_month(sla: SlaVersion, cumulative: pd.DataFrame, cutoff: dt.date) -> pd.DataFrame:
    """Each month of the period to the cutoff: its share of the quota (its days inside the
    period only, and only to the cutoff in a running month) and the revenue won in it."""
    rows = []
    for month in sla.months():
        if month > cutoff:
            break
        first, last = max(month, sla.start), min(month_end(month), sla.end, cutoff)
        quota = quota_through(sla, last) - quota_through(sla, first - DAY)
        days = cumulative["day"]
        won = float(cumulative.loc[(days >= first) & (days <= last), "won_revenue"].sum())
        rows.append({"month_start": month, "quota": quota, "won_revenue": won,
                     "attainment_rate": won / quota if quota else None})
    return pd.DataFrame(rows, columns=["month_start", "quota", "won_revenue", "attainment_rate"])


def monthly_review(database: Database, month: dt.date, filters: Filters = Filters(),
                   months: ReviewMonths | None = None) -> MonthlyReview:
    """Everything the monthly review shows for `month` (its first day) under `filters`."""
    config = database.config
    months = months or review_months(database)
    if months.as_of is None or not months.months:
        raise ReviewError(f"the extracts in {config.data.folder} hold no dated leads, traffic or closed deals; "
                          "check [data] in the config")
    month = month.replace(day=1)
    if month not in months.months:
        raise ReviewError(f"{month:%Y-%m} is outside the data: months from {months.first:%Y-%m} to "
                          f"{months.months[-1]:%Y-%m} can be reviewed")
    as_of = months.as_of
    cutoff = min(month_end(month), as_of)
    band = config.at_risk_band
    filtered = is_filtered(filters)
    spans = tuple(sla_spans(config, month, cutoff))
    sla = config.sla_for(cutoff)
    notes = []

    month_targets = range_targets(config, month, cutoff)
    trend_start = max(add_months(month, -(TREND_MONTHS - 1)), months.first)
    comparison_ranges = [comparison_range(month, cutoff, months_back) for months_back in (1, 12)]
    # The month, the scorecard's comparisons (last month, a year ago) and the trends do not depend on
    # each other: at ten million leads reading them at once saves over half a second.
    funnel_month, revenue_month, actuals, last_month, last_year, monthly, durations = concurrently(
        lambda: metrics.funnel(database, month, cutoff, filters, metrics.PERIOD, month_targets, band, as_of),
        lambda: metrics.revenue_summary(database, month, cutoff, filters),
        lambda: kpi_actuals(database, month, cutoff, filters),
        *(lambda start=start, end=end: kpi_actuals(database, start, end, filters) if start >= months.first else None
          for start, end in comparison_ranges),
        lambda: metrics.monthly_funnel(database, trend_start, cutoff, filters),
        lambda: _durations(database, trend_start, cutoff, filters),
    )

    funnel_period: list[FunnelStep] = []
    att, pipeline_deals = None, None
    cumulative = pd.DataFrame(columns=["day", "won_revenue", "cumulative_won"])
    goal = pd.DataFrame(columns=["day", "cumulative_goal"])
    period_months = pd.DataFrame(columns=["month_start", "quota", "won_revenue", "attainment_rate"])
    revenue_tracked = database.catalog.revenue_tracked
    if sla is not None:
        period_targets = range_targets(config, sla.start, cutoff)
        funnel_period = metrics.funnel(database, sla.start, cutoff, filters, metrics.PERIOD, period_targets,
                                       band, as_of).steps
        if revenue_tracked:
            company_month = revenue_month if not filtered else metrics.revenue_summary(database, month, cutoff)
            won_to_date = metrics.revenue_summary(database, sla.start, cutoff).won_revenue
            fc, pipeline_deals = _forecast(database, sla, cutoff, won_to_date, months.first)
            att = attainment(sla, config.slas, month, cutoff, won_to_date, company_month.won_revenue, fc)
            daily = database.query("won_revenue_by_day", date_range_params(sla.start, cutoff))
            days = pd.DataFrame({"day": pd.date_range(sla.start, cutoff, freq="D").date})
            daily = daily.assign(day=pd.to_datetime(daily["closed_on"]).dt.date)[["day", "won_revenue"]]
            cumulative = days.merge(daily, on="day", how="left").fillna({"won_revenue": 0.0})
            cumulative["won_revenue"] = cumulative["won_revenue"].astype(float)
            cumulative["cumulative_won"] = cumulative["won_revenue"].cumsum()
            goal = pd.DataFrame(goal_curve(sla), columns=["day", "cumulative_goal"])
            period_months = period_by_month(sla, cumulative, cutoff)
        else:
            notes.append("Deal amounts are not tracked: quota attainment, pace and forecast cannot be shown.")
    if filtered and att is not None:
        notes.append("The SLA sets one quota for the whole company: pace, gap and forecast ignore the filters; "
                     "the funnel, scorecard and trends apply them.")
    if revenue_month.won_deals_without_amount:
        notes.append(f"{revenue_month.won_deals_without_amount:,} won deals this month have no amount and are not in "
                     "won revenue.")

    # Scorecard: this month against last month and the same month last year, where data exists.
    targets = dict(month_targets)
    if att is not None:
        targets["won_revenue"] = att.month_quota
    reasons = {key: step.note for step in funnel_month.steps if step.note for key in STAGE_KPIS.get(step.stage, ())}
    scorecard = build_scorecard(config.teams, actuals, targets, band, last_month, last_year, filtered, reasons)

    # Trends over the last twelve months (or since the data starts).
    targets_by_month = {m: range_targets(config, m, min(month_end(m), cutoff))
                        for m in month_starts(trend_start, cutoff)}
    trend = monthly_rates(monthly, metrics.tracked_stages(database), targets_by_month, filters, band,
                          database.catalog.linked)

    currency = sla.currency if sla else (config.slas[-1].currency if config.slas else "USD")
    filters_text = filters.describe(config.display_name)
    lines = headlines(*month_texts(month, cutoff), att, scorecard, currency, filters_text if filtered else "")
    return MonthlyReview(
        company=config.company_name, month=month, cutoff=cutoff, as_of=as_of, first_month=months.first,
        filters=filters, currency=currency, sla=sla, spans=spans,
        sla_statement=sla_statement(spans, month, cutoff, _previous_version(database, sla)),
        period_start=sla.start if sla else None,
        funnel_month=tuple(funnel_month.steps), funnel_period=tuple(funnel_period),
        month_won_revenue=revenue_month.won_revenue, month_won_deals=revenue_month.won_deals,
        sales_sourced_won=funnel_month.sales_sourced_won,
        won_deals_without_amount=revenue_month.won_deals_without_amount,
        attainment=att, pipeline_deals=pipeline_deals, cumulative=cumulative, goal=goal, period_months=period_months,
        scorecard=tuple(scorecard), trend=trend, durations=durations,
        sales_cycle_target=sla.targets.get("sales_cycle_days") if sla else None,
        headlines=tuple(lines), notes=tuple(notes), filters_text=filters_text,
    )


def _clean(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float):
        return round(value, 6)
    return value


def _rates(steps: tuple[FunnelStep, ...] | list[FunnelStep]) -> dict[str, dict]:
    rates = {}
    for step in steps:
        if step.previous_stage is None:
            continue
        adjacent = is_step(step.previous_stage, step.stage)
        key = STEP_RATE_KPIS[step.stage] if adjacent else f"{step.previous_stage}_to_{step.stage}_rate"
        rates[key] = {"from": step.previous_stage, "to": step.stage, "rate": _clean(step.rate_from_previous),
                      "rate_from_first": _clean(step.rate_from_first), "target": _clean(step.target),
                      "status": step.status}
    return rates


def review_payload(review: MonthlyReview) -> dict:
    """The review as JSON-ready numbers (rates and attainment as fractions, money in the SLA
    currency): what `python -m dashboard kpis --json` prints and the page shows."""
    att = review.attainment
    payload = {
        "month": f"{review.month:%Y-%m}", "start": review.month.isoformat(), "end": review.cutoff.isoformat(),
        "is_complete": review.is_complete, "as_of": review.as_of.isoformat(), "company": review.company,
        "currency": review.currency, "filters": review.filters.params(),
        "sla": review.sla.name if review.sla else None,
        "sla_versions": [{"name": span.sla.name if span.sla else None, "start": span.start.isoformat(),
                          "end": span.end.isoformat()} for span in review.spans],
        "sla_statement": review.sla_statement,
        **review.counts("month"),
        "won_revenue": _clean(review.month_won_revenue),
        "conversion_rates": _rates(review.funnel_month),
        "period_quota": att.period_quota if att else None,
        "quota_to_date": _clean(att.quota_to_date) if att else None,
        "won_to_date": _clean(att.won_to_date) if att else None,
        "attainment_rate": _clean(att.attainment_rate) if att else None,
        "pace_rate": _clean(att.pace_rate) if att else None,
        "gap_to_pace": _clean(att.gap) if att else None,
        "gap_to_pace_rate": _clean(att.gap_rate) if att else None,
        "month_quota": _clean(att.month_quota) if att else None,
        "month_won_revenue_company": _clean(att.month_won) if att else None,
        "month_attainment_rate": _clean(att.month_attainment_rate) if att else None,
        "period": None,
        "forecast": None,
        "scorecard": [
            {"kpi": row.key, "owner": row.owner, "teams": list(row.teams), "target": _clean(row.target),
             "actual": _clean(row.actual), "status": row.status, "last_month": _clean(row.last_month),
             "change_vs_last_month": _clean(row.delta_month), "same_month_last_year": _clean(row.year_ago),
             "change_vs_last_year": _clean(row.delta_year), "note": row.note}
            for row in review.scorecard
        ],
        "headlines": list(review.headlines),
        "notes": list(review.notes),
    }
    if review.sla is not None:
        payload["period"] = {
            "start": review.sla.start.isoformat(), "end": review.sla.end.isoformat(),
            "to_date_end": review.cutoff.isoformat(), "days_left": att.days_left if att else None,
            **review.counts("period"), "conversion_rates": _rates(review.funnel_period),
        }
    if att is not None and att.forecast is not None:
        fc = att.forecast
        payload["forecast"] = {
            "total": _clean(fc.total), "method": fc.method, "attainment_rate": _clean(fc.attainment_rate),
            "won_to_date": _clean(fc.won_to_date), "pipeline_expected": _clean(fc.pipeline_expected),
            "new_deals_expected": _clean(fc.new_deals_expected), "horizon_days": fc.horizon_days,
            "windows": fc.windows,
            # Not a second forecast: the run rate, labelled as a scenario, with its difference from the forecast.
            "run_rate_scenario": None if (scenario := run_rate_scenario(fc, review.currency)) is None else {
                "total": _clean(scenario.total), "difference_from_forecast": _clean(scenario.difference),
                "explanation": scenario.explanation},
            "stages": [{"stage": s.stage, "open_deals": s.open_deals, "open_amount": _clean(s.open_amount),
                        "win_rate": _clean(s.win_rate), "expected": _clean(s.expected)} for s in fc.stages],
            "explanation": fc.explanation,
        }
    return payload


@dataclass(frozen=True)
class DrillChoice:
    """One count of the review that can be opened as its records."""

    key: str  # a key of drilldown.DRILLS
    scope: str  # "month", "period" or "cutoff"
    count: int
    start: dt.date
    end: dt.date
    filters: Filters
    label: str


def drill_choices(review: MonthlyReview) -> list[DrillChoice]:
    """Every count the page shows that has records behind it: the month's and the period's
    stage counts, and the open pipeline behind the forecast."""
    from dashboard.review.drilldown import DRILLS

    choices = []
    scopes = [("month", review.funnel_month, review.month, f"in {month_label(review.month)}"
               + ("" if review.is_complete else f" to {day_label(review.cutoff)}"))]
    if review.funnel_period and review.sla is not None:
        scopes.append(("period", review.funnel_period, review.sla.start, f"in {review.sla.name} to date"))
    for scope, steps, start, where in scopes:
        for step in steps:
            if step.count is None:
                continue
            drill = DRILLS[step.stage]
            label = f"{drill.noun.capitalize()} {where}: {step.count:,}"
            if step.stage == "traffic":
                label = f"Sessions {where}: {step.count:,} (daily rows per channel)"
            choices.append(DrillChoice(step.stage, scope, step.count, start, review.cutoff, review.filters, label))
    if review.pipeline_deals is not None:
        choices.append(DrillChoice(
            "pipeline", "cutoff", review.pipeline_deals, review.cutoff, review.cutoff, Filters(),
            f"Deals open on {day_label(review.cutoff)}, the forecast's pipeline (whole company): "
            f"{review.pipeline_deals:,}",
        ))
    return choices
