"""Actual values of the catalogue's KPIs for a range, and their status against targets.

One place computes every KPI so the monthly review, the team pages and the command line
cannot disagree. A KPI the extracts cannot support is None ("not tracked"), never zero.
Follow-up KPIs (first touch, attempts, recycling) are added by the compliance module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from dashboard.funnel import data as metrics
from dashboard.data import Database
from dashboard.core.contract import is_step
from dashboard.funnel.domain import Filters, FunnelStep, kpi_status
from dashboard.core.kpis import KPIS, STEP_RATE_KPIS

# Extra KPI sources registered by other modules: each returns {kpi key: value} for a range.
KpiSource = Callable[[Database, dt.date, dt.date, Filters], dict[str, float | None]]
EXTRA_SOURCES: list[KpiSource] = []


def _follow_up_source(database: Database, start: dt.date, end: dt.date, filters: Filters) -> dict[str, float | None]:
    """first_touch_within_sla_rate, min_attempts_met_rate and recycle_rate (dashboard/compliance.py)."""
    from dashboard.compliance.data import follow_up_kpis  # imported here: compliance builds on metrics too

    return follow_up_kpis(database, start, end, filters)


EXTRA_SOURCES.append(_follow_up_source)


def funnel_kpis(database: Database, start: dt.date, end: dt.date, filters: Filters = Filters()) -> dict[str, float | None]:
    """Volumes, step rates, win rate, deal size, revenue and cycle from the period funnel."""
    result = metrics.funnel(database, start, end, filters, metrics.PERIOD)
    steps = {step.stage: step for step in result.steps}
    values: dict[str, float | None] = {}
    for stage, kpi in STEP_RATE_KPIS.items():
        # A rate measured across an untracked stage is a different KPI: leave it out.
        step = steps[stage]
        values[kpi] = step.rate_from_previous if _is_adjacent(step) else None
    for kpi, stage in (("sessions", "traffic"), ("leads", "lead"), ("mqls", "mql"), ("sqls", "sql")):
        values[kpi] = steps[stage].count
    revenue = metrics.revenue_summary(database, start, end, filters)
    values["won_revenue"] = revenue.won_revenue
    values["avg_deal_size"] = revenue.avg_deal_size
    values["win_rate"] = revenue.win_rate
    durations = metrics.stage_durations(database, start, end, filters, "deal_to_won").set_index("transition")
    values["sales_cycle_days"] = (
        float(durations.loc["deal_to_won", "median_days"]) if "deal_to_won" in durations.index else None
    )
    return values


def _is_adjacent(step: FunnelStep) -> bool:
    return is_step(step.previous_stage, step.stage)


def kpi_actuals(database: Database, start: dt.date, end: dt.date, filters: Filters = Filters()) -> dict[str, float | None]:
    """Every catalogue KPI for the range; KPIs no source computes are None."""
    values: dict[str, float | None] = dict.fromkeys(KPIS)
    values.update(funnel_kpis(database, start, end, filters))
    for source in EXTRA_SOURCES:
        values.update(source(database, start, end, filters))
    return values


@dataclass(frozen=True)
class KpiReading:
    key: str
    label: str
    unit: str
    actual: float | None
    target: float | None
    status: str | None
    status_reason: str = ""  # why no status is judged ("n/a")


def kpi_readings(actuals: dict[str, float | None], targets: dict[str, float], at_risk_band: float,
                 keys: tuple[str, ...] | None = None, months: float = 1.0) -> list[KpiReading]:
    """Each KPI with its target and on track / at risk / off track status. Targets of additive
    KPIs (counts, revenue) are per month and are scaled to a range `months` long."""
    readings = []
    for key in keys or tuple(KPIS):
        kpi = KPIS[key]
        actual, target = actuals.get(key), targets.get(key)
        if target is not None and kpi.is_additive:
            target *= months
        status, reason = kpi_status(kpi.unit, actual, target, kpi.higher_is_better, at_risk_band)
        readings.append(KpiReading(key=key, label=kpi.label, unit=kpi.unit, actual=actual, target=target,
                                   status=status, status_reason=reason))
    return readings
