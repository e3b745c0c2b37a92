"""Quota attainment, pace, gap and forecast: pure arithmetic on an SLA version and revenue.

Nothing here touches DuckDB or Streamlit. The quota of an SLA period is spread over its
months by `monthly_quota_weights`; inside a month it accrues evenly by day, and a period
that starts or ends mid-month owns only its own days of that month (its weight covers them).
A calendar month can so take its quota from two SLA versions when a reset falls inside it.

The forecast to the period end is stated as three parts, so a reader can check it:
  won so far
  + the open pipeline, each stage weighted by how much of such pipeline was won within the
    same number of days in the past (a stage win rate over the time left, so stale deals and
    deals that will close after the period are not counted in full)
  + new deals: revenue from deals not yet opened, at the pace of those past windows.
Without history (or without deal creation dates) it falls back to the run rate of the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from dashboard.core import formatting
from dashboard.core.config import Config, SlaVersion, month_starts
from dashboard.core.kpis import KPIS

DAY = dt.timedelta(days=1)
# How far back the forecast looks for windows of pipeline history.
FORECAST_LOOKBACK_DAYS = 365
# A stage with no deal that closed in the year's windows learns from up to three years instead.
FORECAST_FALLBACK_LOOKBACK_DAYS = 3 * 365
PIPELINE_STAGES = ("proposal", "no_proposal")
PIPELINE_STAGE_LABELS = {"proposal": "proposal sent", "no_proposal": "no proposal yet", "open": "open deals"}


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - DAY


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def days_between(first: dt.date, last: dt.date) -> int:
    """Days from `first` to `last`, both included (0 when last is before first)."""
    return max((last - first).days + 1, 0)


def quota_by_month(sla: SlaVersion) -> dict[dt.date, float]:
    """Each month's share of the period quota (weights are normalised on load)."""
    return {month: sla.quota * weight for month, weight in zip(sla.months(), sla.monthly_quota_weights)}


def quota_through(sla: SlaVersion, day: dt.date) -> float:
    """The quota expected by the end of `day`: whole months before it by their weights,
    plus its month's share pro rata by the days of that month inside the period."""
    if day < sla.start:
        return 0.0
    if day >= sla.end:
        return sla.quota
    expected = 0.0
    month = day.replace(day=1)
    for start, amount in quota_by_month(sla).items():
        if start < month:
            expected += amount
        elif start == month:
            first, last = max(start, sla.start), min(month_end(start), sla.end)
            expected += amount * days_between(first, day) / days_between(first, last)
    return expected


def quota_between(slas: Iterable[SlaVersion], start: dt.date, end: dt.date) -> float:
    """The quota falling due from `start` to `end` (both included), from every SLA version
    in force on those days: a month that straddles a reset takes part of each."""
    total = 0.0
    for sla in slas:
        first, last = max(start, sla.start), min(end, sla.end)
        if first <= last:
            total += quota_through(sla, last) - quota_through(sla, first - DAY)
    return total


@dataclass(frozen=True)
class SlaSpan:
    """The days of a range that fall under one SLA version (or under none: sla is None)."""

    sla: SlaVersion | None
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return days_between(self.start, self.end)


def sla_spans(config: Config, start: dt.date, end: dt.date) -> list[SlaSpan]:
    """The range cut at every SLA boundary, in order; days no version covers get sla=None."""
    spans: list[SlaSpan] = []
    day = start
    while day <= end:
        sla = config.sla_for(day)
        if sla is not None:
            last = min(end, sla.end)
        else:
            following = [s.start for s in config.slas if s.start > day]
            last = min([end, *(s - DAY for s in following)])
        spans.append(SlaSpan(sla, day, last))
        day = last + DAY
    return spans


def range_targets(config: Config, start: dt.date, end: dt.date) -> dict[str, float]:
    """Targets for a range, judged by the SLA in force on its last day. Counts and revenue
    are per month in the config: they are pro-rated by day, each day at the target of the
    version in force that day, so a month that straddles a reset gets a blend, and a month
    to date gets its share. An additive target is left out when any day has no version or
    its version sets no target for it."""
    closing = config.sla_for(end)
    targets = {key: value for key, value in (closing.targets if closing else {}).items() if not KPIS[key].is_additive}
    spans = sla_spans(config, start, end)
    additive = {key for span in spans if span.sla for key in span.sla.targets if KPIS[key].is_additive}
    for key in sorted(additive):
        if any(span.sla is None or key not in span.sla.targets for span in spans):
            continue
        total = 0.0
        for span in spans:
            for month in month_starts(span.start, span.end):
                first, last = max(month, span.start), min(month_end(month), span.end)
                total += span.sla.targets[key] * days_between(first, last) / days_between(month, month_end(month))
        targets[key] = total
    return targets


@dataclass(frozen=True)
class PipelineSlice:
    """Deals open at a moment in one stage, and what of them was won in the window after."""

    open_deals: int = 0
    open_amount: float = 0.0  # of the open deals that have an amount
    won_deals: int = 0
    won_amount: float = 0.0
    lost_deals: int = 0  # lost within the window after the moment
    open_deals_without_amount: int = 0


@dataclass(frozen=True)
class PipelineSnapshot:
    """The pipeline at one past moment by stage, and the revenue won in the window after it
    from deals opened inside that window ("new deals")."""

    stages: Mapping[str, PipelineSlice]
    new_won_amount: float


@dataclass(frozen=True)
class StageForecast:
    stage: str
    label: str
    open_deals: int
    open_amount: float
    win_rate: float | None  # share of such open deals (by count) won within the horizon, in the past
    expected: float
    history_days: int | None = None  # set when the rate comes from the longer fallback lookback


@dataclass(frozen=True)
class Forecast:
    method: str  # "pipeline", "run rate" or "final"
    total: float
    won_to_date: float
    pipeline_expected: float
    new_deals_expected: float
    horizon_days: int  # days left in the period after the cutoff
    windows: int  # past windows the rates come from
    stages: tuple[StageForecast, ...]
    run_rate_total: float  # won so far + the period's daily run rate over the days left
    attainment_rate: float | None  # total / quota
    explanation: str


def snapshot_moments(cutoff_end: dt.datetime, horizon_days: int, earliest: dt.datetime | None,
                     lookback_days: int = FORECAST_LOOKBACK_DAYS) -> list[dt.datetime]:
    """Past moments one, two, ... horizons before the cutoff, as far back as the lookback
    and the data go; each starts a window of `horizon_days` that ends by the cutoff."""
    if horizon_days <= 0:
        return []
    limit = cutoff_end - dt.timedelta(days=lookback_days)
    if earliest is not None:
        limit = max(limit, earliest)
    moments = []
    moment = cutoff_end - dt.timedelta(days=horizon_days)
    while moment >= limit:
        moments.append(moment)
        moment -= dt.timedelta(days=horizon_days)
    return moments


def forecast(
    won_to_date: float,
    quota: float | None,
    elapsed_days: int,
    horizon_days: int,
    pipeline_now: Mapping[str, PipelineSlice] | None,
    history: Sequence[PipelineSnapshot],
    currency: str = "USD",
    fallback: Sequence[PipelineSnapshot] = (),
    fallback_days: int | None = None,
) -> Forecast:
    """Revenue expected by the period end. `pipeline_now` is None when the extract cannot
    place deals in time (no creation dates); `history` holds the past windows of the last year.

    Each stage's open deals are weighted by the share of such deals, counted, won within the
    horizon in the past: by count, because exports often carry no amount (or 0) on lost and open
    deals, which would make an amount-weighted rate meaningless. A stage none of whose past deals
    closed within the year's windows takes its rate from `fallback`, the windows of a longer
    lookback (`fallback_days`), and says so. An open deal without an amount is valued at the
    average won deal of its stage's history."""
    def money(value: float) -> str:
        return formatting.money(value, currency)

    run_rate_total = won_to_date + (won_to_date / elapsed_days * horizon_days if elapsed_days > 0 else 0.0)

    def done(method, total, pipeline=0.0, new=0.0, stages=(), windows=0, explanation=""):
        return Forecast(
            method=method, total=total, won_to_date=won_to_date, pipeline_expected=pipeline,
            new_deals_expected=new, horizon_days=horizon_days, windows=windows, stages=tuple(stages),
            run_rate_total=run_rate_total, attainment_rate=total / quota if quota else None,
            explanation=explanation,
        )

    if horizon_days <= 0:
        return done("final", won_to_date, explanation="The period has ended: the forecast is the result.")
    if pipeline_now is None or not history:
        why = ("the deals extract has no creation dates to rebuild the pipeline from" if pipeline_now is None
               else f"the data does not reach {horizon_days} days before this month's end to learn from")
        return done(
            "run rate", run_rate_total,
            explanation=(f"Run rate: won so far {money(won_to_date)} over {elapsed_days} days, continued for the "
                         f"{horizon_days} days left ({why})."),
        )
    stage_names = [s for s in (*PIPELINE_STAGES, "open") if s in pipeline_now or any(s in h.stages for h in history)]
    stages = []
    for stage in stage_names:
        now = pipeline_now.get(stage, PipelineSlice())
        past = _stage_history(history, stage)
        history_days = None
        if past.won_deals + past.lost_deals == 0 and fallback:
            longer = _stage_history(fallback, stage)
            if longer.won_deals + longer.lost_deals > 0:
                past, history_days = longer, fallback_days
        rate = past.won_deals / past.open_deals if past.open_deals > 0 else None
        average_won = past.won_amount / past.won_deals if past.won_deals else 0.0
        value = now.open_amount + now.open_deals_without_amount * average_won
        stages.append(StageForecast(
            stage=stage, label=PIPELINE_STAGE_LABELS[stage], open_deals=now.open_deals, open_amount=value,
            win_rate=rate, expected=value * (rate or 0.0), history_days=history_days,
        ))
    pipeline = sum(stage.expected for stage in stages)
    new = sum(h.new_won_amount for h in history) / len(history)
    rates = ", ".join(_rate_text(stage) for stage in stages)
    windows = "window" if len(history) == 1 else f"{len(history)} windows"
    explanation = (
        f"Won so far {money(won_to_date)} + open pipeline {money(sum(s.open_amount for s in stages))} weighted by "
        f"the share of such open deals, by count, won within {horizon_days} days in the past ({rates}) "
        f"= {money(pipeline)} "
        f"+ new deals won within {horizon_days} days of opening, at the average of the past {windows} "
        f"of {horizon_days} days before this cutoff = {money(new)}."
    )
    return done("pipeline", won_to_date + pipeline + new, pipeline, new, stages, len(history), explanation)


def _stage_history(history: Sequence[PipelineSnapshot], stage: str) -> PipelineSlice:
    slices = [h.stages.get(stage, PipelineSlice()) for h in history]
    return PipelineSlice(open_deals=sum(p.open_deals for p in slices), won_deals=sum(p.won_deals for p in slices),
                         won_amount=sum(p.won_amount for p in slices), lost_deals=sum(p.lost_deals for p in slices))


def _rate_text(stage: StageForecast) -> str:
    if stage.win_rate is None:
        return f"{stage.label} no history"
    text = f"{stage.label} {stage.win_rate * 100:.1f} %"
    if stage.history_days:
        text += f" (from the last {stage.history_days} days: no such deal closed within the last year's windows)"
    return text


@dataclass(frozen=True)
class RunRateScenario:
    """Won so far continued at the period's daily pace: a scenario shown beside the forecast,
    never instead of it."""

    total: float
    difference: float  # scenario minus forecast
    explanation: str


def run_rate_scenario(fc: Forecast, currency: str = "USD") -> RunRateScenario | None:
    """The run-rate projection next to a pipeline forecast, with the difference explained; none
    when the forecast is the run rate itself or the period has ended."""
    if fc.method != "pipeline":
        return None
    difference = fc.run_rate_total - fc.total
    side = "above" if difference > 0 else "below"
    explanation = (
        f"Run-rate scenario: won so far {formatting.money(fc.won_to_date, currency)} continued at the period's daily "
        f"pace for the {fc.horizon_days} days left = {formatting.money(fc.run_rate_total, currency)}, "
        f"{formatting.money(abs(difference), currency)} {side} the forecast. It projects past wins forward and "
        "ignores how much of today's open pipeline is likely to close, so it is not the forecast.")
    return RunRateScenario(total=fc.run_rate_total, difference=difference, explanation=explanation)


@dataclass(frozen=True)
class Attainment:
    """Revenue against the quota of the SLA version in force at the cutoff."""

    sla_name: str
    currency: str
    period_start: dt.date
    period_end: dt.date
    cutoff: dt.date  # last day counted: the month's end, or the as-of date in the current month
    period_quota: float
    won_to_date: float  # period start .. cutoff
    quota_to_date: float  # pace: where the weights say we should be by the cutoff
    month_won: float  # the review month (to the cutoff), from every version
    month_quota: float  # the month's quota to the cutoff, from every version in force in it
    forecast: Forecast | None

    @property
    def attainment_rate(self) -> float:
        return self.won_to_date / self.period_quota

    @property
    def pace_rate(self) -> float:
        """Share of the period quota that should be won by the cutoff."""
        return self.quota_to_date / self.period_quota

    @property
    def gap(self) -> float:
        """Won minus pace: negative is behind."""
        return self.won_to_date - self.quota_to_date

    @property
    def gap_rate(self) -> float | None:
        """The gap as a share of pace: -0.08 is "8 % behind pace"."""
        return self.gap / self.quota_to_date if self.quota_to_date else None

    @property
    def month_attainment_rate(self) -> float | None:
        return self.month_won / self.month_quota if self.month_quota else None

    @property
    def days_left(self) -> int:
        return max((self.period_end - self.cutoff).days, 0)

    @property
    def elapsed_days(self) -> int:
        return days_between(self.period_start, self.cutoff)


def attainment(sla: SlaVersion, all_slas: Iterable[SlaVersion], month_start: dt.date, cutoff: dt.date,
               won_to_date: float, month_won: float, forecast_: Forecast | None) -> Attainment:
    return Attainment(
        sla_name=sla.name, currency=sla.currency, period_start=sla.start, period_end=sla.end, cutoff=cutoff,
        period_quota=sla.quota, won_to_date=won_to_date, quota_to_date=quota_through(sla, cutoff),
        month_won=month_won, month_quota=quota_between(all_slas, month_start, cutoff), forecast=forecast_,
    )


def goal_curve(sla: SlaVersion) -> list[tuple[dt.date, float]]:
    """The cumulative goal at the end of each day of the period (for the goal line)."""
    day, points = sla.start, []
    while day <= sla.end:
        points.append((day, quota_through(sla, day)))
        day += DAY
    return points
