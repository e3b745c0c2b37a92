"""Monthly trends for the review: each funnel conversion rate by month against the target of
the SLA version in force that month. Pure: stage counts by month in, rates out."""

from __future__ import annotations

import datetime as dt
from typing import Mapping

import pandas as pd

from dashboard.funnel.domain import STAGE_COLUMNS, Filters, build_funnel
from dashboard.core.kpis import KPIS, STEP_RATE_KPIS
from dashboard.core.contract import is_step

TREND_COLUMNS = ["month_start", "kpi", "label", "rate", "target", "status"]


def monthly_rates(
    monthly: pd.DataFrame,
    tracked: Mapping[str, bool],
    targets_by_month: Mapping[dt.date, Mapping[str, float]],
    filters: Filters = Filters(),
    at_risk_band: float = 0.10,
    linked=None,
) -> pd.DataFrame:
    """One row per (month, step rate) for consecutive tracked stages, the same rates the
    month's funnel shows; a month with nothing to divide by has rate None."""
    rows = []
    for record in monthly.to_dict("records"):
        month = pd.Timestamp(record["month_start"]).date()
        counts = {
            stage: None if pd.isna(record.get(column)) else int(record[column])
            for stage, column in STAGE_COLUMNS.items()
        }
        steps = build_funnel(counts, tracked, filters, targets_by_month.get(month, {}), at_risk_band, linked=linked)
        for step in steps:
            adjacent = is_step(step.previous_stage, step.stage)
            if not adjacent:
                continue
            kpi = STEP_RATE_KPIS[step.stage]
            rows.append({"month_start": month, "kpi": kpi, "label": KPIS[kpi].label,
                         "rate": step.rate_from_previous, "target": step.target, "status": step.status})
    return pd.DataFrame(rows, columns=TREND_COLUMNS)
