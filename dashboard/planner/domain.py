"""The reverse funnel: from a revenue target to the volume each stage needs, month by month.

Pure arithmetic on inputs that `planner_data.py` gathers with queries, so every rule here is
tested on hand-made numbers. The model, in the order it is applied:

1. **Won deals**: target ÷ average deal size, phased over the months left by the SLA's monthly
   quota weights (the first month pro rata when the as-of date falls inside it).
2. **Volumes**: a stage needs won deals ÷ (the product of the step rates from that stage to won).
3. **Timing**: a deal won in month m passed each earlier stage k months before, with the share
   of won deals observed at each k (the lag profile). A stage's volume for the wins of month m
   is spread back over earlier months by that profile. This is the steady-state plan: the
   volume a month must bring so that the wins of the plan's months arrive on time.
4. **Already due**: the part of that volume that falls before the plan starts had to arrive
   already. The funnel in place is checked against it: the volume that did arrive, at the same
   rates and lags, is expected to bring a number of the plan's wins. A shortfall can be made up
   by extra volume at any one stage (the stages are alternatives, not a sum: extra SQLs make
   their own proposals), counting only the wins of that extra volume that still land in the
   plan's months; when fewer than `MIN_IN_TIME_SHARE` of a stage's won deals closed within the
   time left, no volume of that stage can make it up.
5. **Sensitivity**: +1 point on a step rate from the plan start adds wins only where that step
   is still ahead of the win, so a rate near the top of the funnel moves little before a close
   period end.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd

from dashboard.core.contract import STAGE_LABELS, STAGE_NAMES, is_step
from dashboard.core.formatting import STAGE_NOUNS, money, pct
from dashboard.funnel.domain import Filters
from dashboard.core.kpis import KPIS, STEP_RATE_KPIS

LAG_STAGES = ("lead", "mql", "sql", "opportunity", "proposal")
# New volume that closes within the time left less often than this cannot make up a shortfall:
# 1 in 20 is the point below which "more volume" stops being a plan.
MIN_IN_TIME_SHARE = 0.05
# Below half a won deal the funnel in place is taken as covering what was due.
SHORTFALL_TOLERANCE_DEALS = 0.5
RATE_STEP = 0.01  # the sensitivity's "+1 point"

OBSERVED, SLA_TARGET, MANUAL = "observed", "SLA target", "manual"
RATE_SOURCES = (OBSERVED, SLA_TARGET, MANUAL)

MET, ON_SCHEDULE, CATCH_UP, UNLIKELY, NOT_REACHABLE, NO_PLAN = (
    "met", "on schedule", "catch-up", "out of reach in practice", "not reachable", "no plan")
ON_TIME, STAGE_CATCH_UP, TOO_LATE, NOT_PLANNED = "on time", "catch-up", "too late", "not planned"


# --- Months -------------------------------------------------------------------------------


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def add_months(month: dt.date, months: int) -> dt.date:
    return month_from_index(month_index(month) + months)


def months_between(later: dt.date, earlier: dt.date) -> int:
    """Calendar months from `earlier` to `later` (same month: 0)."""
    return month_index(later) - month_index(earlier)


def _days_in_month(month: dt.date) -> int:
    return (add_months(month, 1) - month.replace(day=1)).days


@dataclass(frozen=True)
class Horizon:
    """The months the plan covers: from the month after the as-of day to the period end."""

    months: tuple[dt.date, ...]
    first_month_share: float  # the part of the first month still ahead (1.0 when it starts after the as-of day)

    @property
    def start(self) -> dt.date | None:
        return self.months[0] if self.months else None

    @property
    def end(self) -> dt.date | None:
        return self.months[-1] if self.months else None

    @property
    def effective_months(self) -> float:
        return len(self.months) - 1 + self.first_month_share if self.months else 0.0

    def share(self, month: dt.date) -> float:
        return self.first_month_share if month == self.start else 1.0


def plan_horizon(as_of: dt.date, period_end: dt.date, months_left: int | None = None) -> Horizon:
    """Months from the day after `as_of` to `period_end`, or `months_left` months when given."""
    first_day = as_of + dt.timedelta(days=1)
    first = first_day.replace(day=1)
    share = 1.0 - (first_day.day - 1) / _days_in_month(first)
    if months_left is None:
        count = max(months_between(period_end, first) + 1, 0) if period_end >= first_day else 0
    else:
        count = max(int(months_left), 0)
    return Horizon(months=tuple(add_months(first, k) for k in range(count)), first_month_share=share)


# --- Lags ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LagProfile:
    """shares[k]: the share of won deals whose stage event was k calendar months before the
    month of the win. Sums to 1; empty when no won deal was observed."""

    shares: tuple[float, ...]
    won_deals: int = 0

    def share(self, months: int) -> float:
        return self.shares[months] if 0 <= months < len(self.shares) else 0.0

    def within(self, months: int) -> float:
        """Share of won deals that passed the stage at most `months` months before the win."""
        if months < 0:
            return 0.0
        return sum(self.shares[: months + 1])

    @property
    def max_months(self) -> int:
        return len(self.shares) - 1

    @property
    def is_observed(self) -> bool:
        return bool(self.shares)


SAME_MONTH = LagProfile(shares=(1.0,), won_deals=0)


def lag_profile(counts: Mapping[int, float]) -> LagProfile:
    """A profile from won-deal counts by months before the win."""
    counts = {int(k): float(v) for k, v in counts.items() if v and int(k) >= 0}
    total = sum(counts.values())
    if total <= 0:
        return LagProfile(shares=())
    length = max(counts) + 1
    return LagProfile(shares=tuple(counts.get(k, 0.0) / total for k in range(length)), won_deals=int(round(total)))


def mix_by_segment(counts: Mapping[str | None, Mapping[int, float]], min_deals: int) -> LagProfile:
    """The stage's lag profile as the mix of its segments' own profiles, each weighted by its
    share of won deals. A segment with fewer than `min_deals` won deals is too thin for a
    profile of its own and takes the profile of all deals instead."""
    pooled: dict[int, float] = {}
    for by_offset in counts.values():
        for offset, value in by_offset.items():
            pooled[offset] = pooled.get(offset, 0.0) + value
    overall = lag_profile(pooled)
    total = sum(pooled.values())
    if total <= 0:
        return overall
    mixed: dict[int, float] = {}
    for by_offset in counts.values():
        deals = sum(by_offset.values())
        profile = lag_profile(by_offset) if deals >= min_deals else overall
        for offset, share in enumerate(profile.shares):
            mixed[offset] = mixed.get(offset, 0.0) + deals / total * share
    return LagProfile(shares=tuple(mixed.get(k, 0.0) for k in range(max(mixed) + 1)), won_deals=int(round(total)))


# --- Inputs and assumptions -------------------------------------------------------------


@dataclass(frozen=True)
class StageRate:
    """The conversion into `stage` from `from_stage` (the tracked stage before it)."""

    stage: str
    from_stage: str
    observed: float | None
    target: float | None  # the SLA target; only for adjacent stages

    @property
    def label(self) -> str:
        if is_step(self.from_stage, self.stage):
            return KPIS[STEP_RATE_KPIS[self.stage]].label
        return f"{STAGE_LABELS[self.from_stage]} → {STAGE_LABELS[self.stage]}"


@dataclass(frozen=True)
class PlanInputs:
    """Everything the plan reads from the data and the config (see `planner_data.py`)."""

    as_of: dt.date
    sla_name: str
    currency: str
    quota: float
    won_to_date: float | None
    period_start: dt.date
    period_end: dt.date
    month_weights: Mapping[dt.date, float]  # quota weight of each month of every SLA version
    trailing_months: int
    window_start: dt.date
    window_end: dt.date
    tracked: Mapping[str, bool]
    rates: tuple[StageRate, ...]  # one per tracked stage after the first tracked one
    avg_deal_size: float | None
    won_deals_in_window: int | None
    sales_sourced_revenue_share: float | None
    lags: Mapping[str, LagProfile]  # lead, mql, sql, proposal
    lag_days: pd.DataFrame = field(default_factory=pd.DataFrame)  # stage, segment, won_deals, median_days, p75_days
    history: Mapping[str, Mapping[dt.date, float]] = field(default_factory=dict)  # stage -> month -> volume
    history_start: dt.date | None = None  # first month the extracts cover
    run_rate: Mapping[str, float | None] = field(default_factory=dict)  # stage -> monthly average in the window
    filters: Filters = Filters()
    filter_share: float | None = None  # the filtered slice's share of won revenue in the window
    rate_window_start: dt.date | None = None  # where the observed rates start (the lead definition's reset)
    rate_window_note: str = ""  # why the rates start later than the window, or what they mix

    @property
    def quota_left(self) -> float:
        return self.quota - (self.won_to_date or 0.0)

    @property
    def default_target(self) -> float:
        """The quota left, or under a filter the slice's share of it (never below zero)."""
        share = 1.0 if self.filter_share is None else self.filter_share
        return max(self.quota_left, 0.0) * share

    def rate(self, stage: str) -> StageRate | None:
        for rate in self.rates:
            if rate.stage == stage:
                return rate
        return None


@dataclass(frozen=True)
class Assumptions:
    target: float
    deal_size: float | None
    rates: Mapping[str, float | None]  # stage reached -> rate used
    rate_sources: Mapping[str, str]  # stage reached -> observed / SLA target / manual
    horizon: Horizon


def default_assumptions(
    inputs: PlanInputs,
    target: float | None = None,
    months_left: int | None = None,
    rate_source: str = OBSERVED,
    deal_size: float | None = None,
    manual_rates: Mapping[str, float] | None = None,
) -> Assumptions:
    """The page's and the CLI's defaults: the quota left, the months to the period end and the
    observed rates; `rate_source` swaps in the SLA targets where the SLA sets one, and
    `manual_rates` overrides single steps."""
    rates: dict[str, float | None] = {}
    sources: dict[str, str] = {}
    for rate in inputs.rates:
        use_target = rate_source == SLA_TARGET and rate.target is not None
        rates[rate.stage] = rate.target if use_target else rate.observed
        sources[rate.stage] = SLA_TARGET if use_target else OBSERVED
    for stage, value in (manual_rates or {}).items():
        rates[stage] = value
        sources[stage] = MANUAL
    return Assumptions(
        target=inputs.default_target if target is None else float(target),
        deal_size=inputs.avg_deal_size if deal_size is None else float(deal_size),
        rates=rates,
        rate_sources=sources,
        horizon=plan_horizon(inputs.as_of, inputs.period_end, months_left),
    )


# --- The plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StagePlan:
    stage: str
    label: str
    rate_to_won: float | None  # product of the step rates from this stage to won
    total_needed: float | None  # volume for all the plan's wins (None: not planned)
    due_before_start: float  # the part of it that had to arrive before the plan starts
    before_data: float  # ... of which falls before the extracts begin (cannot be checked)
    to_arrive: float  # the part that arrives from the plan start on
    wins_relying_on_past: float  # the plan's won deals that come from volume due before the start
    wins_expected_from_past: float | None  # ... that the volume which did arrive is expected to bring
    in_time_share: float  # share of the won deals of new volume that still land in the plan's months
    catch_up: float | None  # extra volume of this stage alone that makes up the shortfall (None: none can)
    run_rate: float | None  # volume per month over the trailing window
    status: str
    note: str = ""

    @property
    def shortfall_wins(self) -> float:
        if self.wins_expected_from_past is None:
            return 0.0
        return max(self.wins_relying_on_past - self.wins_expected_from_past, 0.0)

    @property
    def is_planned(self) -> bool:
        return self.total_needed is not None


# One row per stage and month. needed: the volume the month must bring for the plan's wins.
# actual / run_rate: the volume that arrived (months before the plan) or today's run rate (plan
# months); *_for_plan: the part of it whose wins land in the plan's months, comparable to needed.
SCHEDULE_COLUMNS = ["month_start", "stage", "needed", "is_before_start", "actual", "actual_for_plan", "run_rate",
                    "run_rate_for_plan"]


@dataclass(frozen=True)
class Plan:
    assumptions: Assumptions
    currency: str
    sla_name: str
    won_deals_needed: float
    wins_by_month: dict[dt.date, float]
    stages: list[StagePlan]
    schedule: pd.DataFrame  # SCHEDULE_COLUMNS
    verdict: str
    verdict_text: str
    expected_wins_at_run_rate: float | None
    sensitivity: pd.DataFrame

    def stage(self, stage: str) -> StagePlan:
        for plan in self.stages:
            if plan.stage == stage:
                return plan
        raise KeyError(stage)

    @property
    def expected_revenue_at_run_rate(self) -> float | None:
        if self.expected_wins_at_run_rate is None or not self.assumptions.deal_size:
            return None
        return self.expected_wins_at_run_rate * self.assumptions.deal_size

    @property
    def revenue_gap(self) -> float | None:
        expected = self.expected_revenue_at_run_rate
        return None if expected is None else self.assumptions.target - expected


def wins_by_month(target: float, deal_size: float, horizon: Horizon, weights: Mapping[dt.date, float]) -> dict[dt.date, float]:
    """Won deals needed in each month: target ÷ deal size, phased by the quota weights (the
    first month pro rata to the days left in it). A month without a weight (outside every SLA
    period) takes the mean weight of the others."""
    if not horizon.months or deal_size <= 0:
        return {month: 0.0 for month in horizon.months}
    known = [weights[m] for m in horizon.months if m in weights]
    fallback = sum(known) / len(known) if known else 1.0
    raw = {m: weights.get(m, fallback) * horizon.share(m) for m in horizon.months}
    total = sum(raw.values())
    deals = target / deal_size
    if total <= 0:
        return {m: deals * horizon.share(m) / horizon.effective_months for m in horizon.months}
    return {m: deals * value / total for m, value in raw.items()}


def _profile_for(stage: str, lags: Mapping[str, LagProfile]) -> tuple[LagProfile, str]:
    """Sessions take the leads' lags (a session turns into a lead the day it happens)."""
    if stage == "won":
        return SAME_MONTH, ""
    profile = lags.get("lead" if stage == "traffic" else stage)
    if profile is None or not profile.is_observed:
        return SAME_MONTH, "no lag observed: assumed to arrive in the month of the win"
    return profile, ""


def rates_to_won(stages: list[str], rates: Mapping[str, float | None]) -> dict[str, float | None]:
    """Each stage's rate to won: the product of the step rates after it (None past a missing or
    zero rate). `rates[s]` is the rate into stage s from the stage before it in `stages`."""
    result: dict[str, float | None] = {}
    running: float | None = 1.0
    for position in range(len(stages) - 1, -1, -1):
        stage = stages[position]
        result[stage] = running
        if position > 0:
            rate = rates.get(stage)
            running = running * rate if running is not None and rate else None
    return result


def build_plan(inputs: PlanInputs, assumptions: Assumptions) -> Plan:
    horizon = assumptions.horizon
    deal_size = assumptions.deal_size
    tracked_stages = [stage for stage in STAGE_NAMES if inputs.tracked.get(stage)]
    wins = wins_by_month(assumptions.target, deal_size, horizon, inputs.month_weights) if deal_size else {}
    to_won = rates_to_won(tracked_stages, assumptions.rates)

    stage_plans: list[StagePlan] = []
    schedule_rows: list[dict] = []
    for stage in tracked_stages:
        plan, rows = _stage_plan(stage, inputs, horizon, wins, to_won.get(stage), deal_size)
        stage_plans.append(plan)
        schedule_rows += rows
    schedule = pd.DataFrame(schedule_rows, columns=SCHEDULE_COLUMNS)

    expected = _expected_wins_at_run_rate(inputs, horizon, stage_plans)
    won_needed = sum(wins.values())
    verdict, text = _verdict(inputs, assumptions, won_needed, stage_plans)
    sensitivity = _sensitivity(inputs, assumptions, wins, expected, deal_size)
    return Plan(
        assumptions=assumptions, currency=inputs.currency, sla_name=inputs.sla_name, won_deals_needed=won_needed,
        wins_by_month=wins, stages=stage_plans, schedule=schedule, verdict=verdict, verdict_text=text,
        expected_wins_at_run_rate=expected, sensitivity=sensitivity,
    )


def _stage_plan(stage, inputs: PlanInputs, horizon: Horizon, wins, to_won, deal_size) -> tuple[StagePlan, list[dict]]:
    label = STAGE_LABELS[stage]
    run_rate = inputs.run_rate.get(stage)
    if not horizon.months or not deal_size or to_won is None or to_won <= 0:
        reason = ("no average deal size" if not deal_size else "no month left to plan" if not horizon.months
                  else "a rate between this stage and won is missing or zero")
        return StagePlan(stage, label, to_won, None, 0.0, 0.0, 0.0, 0.0, None, 0.0, None, run_rate, NOT_PLANNED, reason), []
    profile, note = _profile_for(stage, inputs.lags)
    start, end = horizon.start, horizon.end
    # needed(m') = sum over the plan's months m of wins(m) ÷ rate to won x share(lag m - m')
    needed: dict[dt.date, float] = {}
    for month, won in wins.items():
        for back, share in enumerate(profile.shares):
            if share:
                earlier = add_months(month, -back)
                needed[earlier] = needed.get(earlier, 0.0) + won / to_won * share
    data_start = inputs.history_start
    before = {m: v for m, v in needed.items() if m < start}
    before_data = sum(v for m, v in before.items() if data_start is None or m < data_start)
    relying = (sum(before.values()) - before_data) * to_won
    history = inputs.history.get(stage)
    expected: float | None = None
    if history is not None:
        # The volume that did arrive converts at the same rate over the same lags; only its wins
        # that land in the plan's months count.
        expected = 0.0
        for month, volume in history.items():
            if month < start and (data_start is None or month >= data_start):
                expected += volume * to_won * sum(profile.share(months_between(m, month)) for m in horizon.months)
    elif relying > 0:
        note = (note + "; " if note else "") + "no history to check the funnel in place against"
    future = {m: needed.get(m, 0.0) for m in horizon.months}
    # Extra volume is spread like the plan's own (pro rata to the days when it needs none) and
    # counts only for its wins that still land by the end of the plan.
    future_total = sum(future.values())
    spread = ({m: v / future_total for m, v in future.items()} if future_total > 0
              else {m: horizon.share(m) / horizon.effective_months for m in horizon.months})
    in_time = sum(weight * profile.within(months_between(end, m)) for m, weight in spread.items())
    shortfall = relying - expected if expected is not None else 0.0
    catch_up: float | None = 0.0
    status = ON_TIME
    if shortfall > SHORTFALL_TOLERANCE_DEALS:
        if in_time >= MIN_IN_TIME_SHARE:
            catch_up = shortfall / (to_won * in_time)
            status = STAGE_CATCH_UP
        else:
            catch_up = None
            status = TOO_LATE
    def for_plan(month: dt.date) -> float:
        """The part of a month's volume whose wins land in the plan's months."""
        return sum(profile.share(months_between(m, month)) for m in horizon.months)

    rows = []
    for month in sorted(needed.keys() | set(horizon.months)):
        arrived = history.get(month, 0.0) if month < start and history is not None else None
        pace = run_rate * horizon.share(month) if month >= start and run_rate is not None else None
        rows.append({
            "month_start": month, "stage": stage, "needed": needed.get(month, 0.0), "is_before_start": month < start,
            "actual": arrived, "actual_for_plan": None if arrived is None else arrived * for_plan(month),
            "run_rate": pace, "run_rate_for_plan": None if pace is None else pace * for_plan(month),
        })
    plan = StagePlan(
        stage=stage, label=label, rate_to_won=to_won, total_needed=sum(needed.values()),
        due_before_start=sum(before.values()), before_data=before_data, to_arrive=future_total,
        wins_relying_on_past=relying, wins_expected_from_past=expected, in_time_share=in_time,
        catch_up=catch_up, run_rate=run_rate, status=status, note=note,
    )
    return plan, rows


def decisive_stage(stage_plans: list[StagePlan]) -> StagePlan | None:
    """The planned stage closest to won: the volume already there best tells the near wins."""
    planned = [plan for plan in stage_plans if plan.stage != "won" and plan.is_planned]
    return planned[-1] if planned else None


def _expected_wins_at_run_rate(inputs: PlanInputs, horizon: Horizon, stage_plans: list[StagePlan]) -> float | None:
    """Won deals in the plan's months if the stage closest to won keeps its run rate: what the
    volume already there brings, plus the run rate's volume that still closes in time."""
    decisive = decisive_stage(stage_plans)
    if decisive is None or decisive.wins_expected_from_past is None or decisive.run_rate is None:
        return None
    profile, _ = _profile_for(decisive.stage, inputs.lags)
    new = sum(
        decisive.run_rate * horizon.share(m) * decisive.rate_to_won * profile.within(months_between(horizon.end, m))
        for m in horizon.months
    )
    return decisive.wins_expected_from_past + new


def noun(stage: str) -> str:
    return STAGE_NOUNS[stage]


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def _pace_text(plan: StagePlan, months: float) -> str:
    """"proposals at 183 a month, 1.21× today's 152" when the plan needs more than today's pace."""
    if not plan.run_rate or not months or plan.total_needed is None:
        return ""
    per_month = plan.total_needed / months
    if per_month <= plan.run_rate:
        return ""
    return (f"{noun(plan.stage)} at {per_month:,.0f} a month, {per_month / plan.run_rate:.2f}× today's "
            f"{plan.run_rate:,.0f}")


def _verdict(inputs: PlanInputs, assumptions: Assumptions, won_needed: float, stage_plans: list[StagePlan]) -> tuple[str, str]:
    horizon = assumptions.horizon
    if assumptions.target <= 0:
        return MET, "Nothing left to plan: the target is already met."
    if not horizon.months:
        return NOT_REACHABLE, (f"Not reachable: {inputs.sla_name} ends on {inputs.period_end:%d %b %Y} and no month is "
                               "left to plan. Set the months to plan to look further ahead.")
    decisive = decisive_stage(stage_plans)
    if decisive is None:
        return NO_PLAN, "No plan: the average deal size or a conversion rate is missing (see the assumptions)."
    end = f"{month_end(horizon.end):%d %b %Y}"
    start = f"{inputs.as_of + dt.timedelta(days=1):%d %b %Y}"
    months_left = horizon.effective_months
    pace = _pace_text(decisive, months_left)
    short = [plan for plan in stage_plans if plan.status in (STAGE_CATCH_UP, TOO_LATE)]
    if not short:
        return ON_SCHEDULE, (
            f"On schedule: the funnel in place covers what was due before {start}. To win {ceil_count(won_needed):,} deals by "
            f"{end}, the volumes below must arrive in the months shown" + (f": {pace}." if pace else "."))
    worst = decisive if decisive.status != ON_TIME else max(short, key=lambda plan: plan.shortfall_wins)
    lead_in = (f"{_capital(noun(worst.stage))} already in the funnel are expected to bring "
               f"{worst.wins_expected_from_past:,.0f} of the {worst.wins_relying_on_past:,.0f} won deals that depend on them")
    too_late = [plan for plan in short if plan.status == TOO_LATE]
    late_text = ""
    if too_late:
        late_text = (f" New {_listing([noun(plan.stage) for plan in too_late])} would close too late: only "
                     + _listing([pct(plan.in_time_share, 0) for plan in too_late]) + " of their won deals land in time"
                     + (", respectively." if len(too_late) > 1 else "."))
    pace_text = f" Then keep {pace}." if pace else ""
    if decisive.status == TOO_LATE:
        return NOT_REACHABLE, f"Not reachable by {end}, whatever the volume. {lead_in}.{late_text}"
    # A catch-up is cheapest where it costs the fewest months of that stage's usual volume.
    options = sorted((plan for plan in short if plan.status == STAGE_CATCH_UP), key=_catch_up_months)
    if not options:
        return CATCH_UP, (f"At risk: {lead_in[0].lower()}{lead_in[1:]}.{late_text} Only better conversion of what is "
                          f"already in the funnel can make up the difference by {end}.{pace_text}")
    best = options[0]
    if _catch_up_months(best) > months_left:
        return UNLIKELY, (
            f"Out of reach in practice by {end}. {lead_in}. Even the cheapest catch-up, {best.catch_up:,.0f} extra "
            f"{noun(best.stage)}, is {_catch_up_months(best):,.1f} months of today's run rate on top of the plan, with "
            f"{_months_text(months_left)} left.{late_text}")
    listing = " or ".join(
        f"{plan.catch_up:,.0f} extra {noun(plan.stage)}"
        + (f" ({_catch_up_months(plan):,.1f} months of today's run rate)" if plan.run_rate else "")
        for plan in options[:2])
    return CATCH_UP, (f"Needs a catch-up to win {ceil_count(won_needed):,} deals by {end}. {lead_in}: make up the difference "
                      f"from {start} with {listing}.{pace_text}{late_text}")


# The verdict in the words the page opens with.
VERDICT_HEADLINES = {
    MET: "Target met", ON_SCHEDULE: "On schedule", CATCH_UP: "Needs a catch-up",
    UNLIKELY: "Out of reach in practice", NOT_REACHABLE: "Out of reach", NO_PLAN: "No plan",
}


def verdict_line(plan: Plan) -> str:
    """One line for the top of the page: the verdict, the target and the won deals it takes."""
    headline = VERDICT_HEADLINES[plan.verdict]
    assumptions = plan.assumptions
    if plan.verdict in (MET, NO_PLAN) or not assumptions.horizon.months:
        return f"{headline}."
    end = f"{month_end(assumptions.horizon.end):%d %b %Y}"
    return (f"{headline}: {money(assumptions.target, plan.currency)} by {end} takes "
            f"{ceil_count(plan.won_deals_needed):,} won deals.")


def scenario_against_forecast(plan: Plan, inputs: PlanInputs, forecast_total: float | None) -> str:
    """The planner's run-rate scenario for the period beside the monthly review's forecast, with
    why they differ; empty when they do not cover the same thing (a filtered plan, or a plan
    that does not end with the period)."""
    expected = plan.expected_revenue_at_run_rate
    horizon = plan.assumptions.horizon
    if (forecast_total is None or expected is None or inputs.won_to_date is None or inputs.filter_share is not None
            or not horizon.months or month_end(horizon.end) != inputs.period_end):
        return ""
    scenario = inputs.won_to_date + expected
    gap = scenario - forecast_total
    return (f"Run-rate scenario, not the forecast: with the {money(inputs.won_to_date, plan.currency)} won so far it "
            f"comes to {money(scenario, plan.currency)} for {inputs.sla_name}, {money(abs(gap), plan.currency)} "
            f"{'above' if gap > 0 else 'below'} the monthly review's forecast of {money(forecast_total, plan.currency)}. "
            "The scenario keeps today's stage volumes flowing through the assumed rates and lags; the forecast weights "
            "today's open pipeline by how such pipeline closed in the past, plus new deals at the usual pace.")


def parse_amount(text: str) -> float | None:
    """An amount as a person types it: "4,826,830", "$4.83M", "4.8m", "750k", "1 200 000".
    None when it is not an amount."""
    cleaned = "".join(str(text).split()).replace(",", "").lstrip("$€£¥").removeprefix("R$").upper()
    scale = {"K": 1_000, "M": 1_000_000}.get(cleaned[-1:], 1) if cleaned else 1
    if scale != 1:
        cleaned = cleaned[:-1]
    try:
        value = float(cleaned) * scale
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None


def _months_text(months: float) -> str:
    shown = f"{months:.0f}" if abs(months - round(months)) < 0.05 else f"{months:.1f}"
    return f"{shown} month" + ("" if shown == "1" else "s")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _catch_up_months(plan: StagePlan) -> float:
    """The catch-up volume in months of the stage's run rate (infinite when it has none)."""
    if plan.catch_up is None or not plan.run_rate:
        return math.inf
    return plan.catch_up / plan.run_rate


def _sensitivity(inputs: PlanInputs, assumptions: Assumptions, wins, expected_wins, deal_size) -> pd.DataFrame:
    """+1 point on each step rate from the plan start: the extra revenue by the end of the plan.

    Only won deals whose step is still ahead of them when the plan starts gain: for the step
    into stage s, the share of the plan's wins whose stage-s event falls in the plan's months
    (all of them for proposal → won). Extra won deals = base x that share x (1 point ÷ rate),
    where the base is the won deals expected at the run rate (the plan's own when unknown).
    A 10 % relative lift is given too, since one point is a large step for a 2 % rate."""
    columns = ["step", "stage", "rate", "share_still_ahead", "revenue_per_point", "revenue_per_10pct_lift",
               "points_to_close_gap"]
    horizon = assumptions.horizon
    won_needed = sum(wins.values()) if wins else 0.0
    if not horizon.months or not deal_size or won_needed <= 0:
        return pd.DataFrame(columns=columns)
    base = expected_wins if expected_wins is not None else won_needed
    gap = assumptions.target - base * deal_size if expected_wins is not None else None
    rows = []
    for rate in inputs.rates:
        value = assumptions.rates.get(rate.stage)
        if not value or value >= 1:  # no point left to add (a rate above 1 counts several deals per record)
            continue
        profile, _ = _profile_for(rate.stage, inputs.lags)
        ahead = sum(won * profile.within(months_between(month, horizon.start)) for month, won in wins.items()) / won_needed
        per_point = base * ahead * min(RATE_STEP, 1.0 - value) / value * deal_size
        rows.append({
            "step": rate.label, "stage": rate.stage, "rate": value, "share_still_ahead": ahead,
            "revenue_per_point": per_point, "revenue_per_10pct_lift": base * ahead * 0.10 * deal_size,
            "points_to_close_gap": gap / per_point if gap is not None and gap > 0 and per_point > 0 else None,
        })
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("revenue_per_point", ascending=False, kind="stable").reset_index(drop=True)


def plan_frame(plan: Plan) -> pd.DataFrame:
    """One row per stage: what the plan needs in total and per month, the run rate, and the
    check of the funnel already in place."""
    months = plan.assumptions.horizon.effective_months
    rows = []
    for stage in plan.stages:
        planned = stage.is_planned
        per_month = stage.total_needed / months if planned and months else None
        rows.append({
            "stage": stage.label,
            "rate_to_won": stage.rate_to_won,
            "needed_total": stage.total_needed,
            "needed_per_month": per_month,
            "run_rate_per_month": stage.run_rate,
            "needed_vs_run_rate": per_month / stage.run_rate if per_month is not None and stage.run_rate else None,
            "due_before_plan_start": stage.due_before_start if planned else None,
            "to_arrive_from_plan_start": stage.to_arrive if planned else None,
            "won_deals_relying_on_funnel_in_place": stage.wins_relying_on_past if planned else None,
            "won_deals_expected_from_funnel_in_place": stage.wins_expected_from_past,
            "shortfall_won_deals": stage.shortfall_wins if planned else None,
            "catch_up_volume": stage.catch_up if planned else None,
            "in_time_share": stage.in_time_share if planned else None,
            "status": stage.status,
            "note": stage.note,
        })
    return pd.DataFrame(rows)


def schedule_frame(plan: Plan) -> pd.DataFrame:
    """The month-by-month plan as a wide table: one row per month, one column per stage."""
    if plan.schedule.empty:
        return pd.DataFrame(columns=["month_start", "is_before_plan_start"])
    wide = plan.schedule.pivot_table(index="month_start", columns="stage", values="needed", aggfunc="sum")
    wide = wide[[stage for stage in STAGE_NAMES if stage in wide.columns]].fillna(0.0)
    wide.columns = [STAGE_LABELS[stage] for stage in wide.columns]
    wide.insert(0, "is_before_plan_start", [month < plan.assumptions.horizon.start for month in wide.index])
    wide.index.name = "month_start"
    return wide.reset_index()


def ceil_count(value: float | None) -> int | None:
    """Volumes are planned as expected values; a plan asks for whole records, rounded up."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(math.ceil(value - 1e-9))
