"""Each SLA version's results for the comparison: the KPI values over its own period up to the
as-of date (`kpi_values.kpi_actuals`, as the review and team pages compute them), against its
own targets, counts and revenue as a monthly average."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.core.config import Config, SlaVersion
from dashboard.data import Database
from dashboard.funnel.domain import Filters
from dashboard.review.attainment import quota_between, range_targets
from dashboard.review.kpi_values import kpi_actuals
from dashboard.sla_versions.domain import per_month, result_rows

@dataclass(frozen=True)
class VersionSpan:
    """The days of a version the data covers: its start to its end or the as-of date."""

    start: dt.date
    end: dt.date | None  # None: the version starts after the as-of date

    @property
    def months(self) -> float:
        """Months covered, each partly covered month by its share of days: the measure the monthly
        targets are pro-rated by, so a month's average compares with a month's target."""
        if self.end is None:
            return 0.0
        total, month = 0.0, self.start.replace(day=1)
        while month <= self.end:
            days = calendar.monthrange(month.year, month.month)[1]
            last = month.replace(day=days)
            total += ((min(last, self.end) - max(month, self.start)).days + 1) / days
            month = last + dt.timedelta(days=1)
        return total


def version_span(sla: SlaVersion, as_of: dt.date) -> VersionSpan:
    return VersionSpan(sla.start, min(sla.end, as_of) if sla.start <= as_of else None)


def version_values(database: Database, config: Config, sla: SlaVersion, as_of: dt.date
                   ) -> tuple[dict[str, float | None], dict[str, float]]:
    """(actuals, targets) of one version, a month's worth; empty before it starts."""
    span = version_span(sla, as_of)
    if span.end is None:
        return {}, {}
    actuals = kpi_actuals(database, span.start, span.end, Filters())
    targets = dict(range_targets(config, span.start, span.end))
    targets["won_revenue"] = quota_between((sla,), span.start, span.end)
    return per_month(actuals, span.months), per_month(targets, span.months)


def version_results(database: Database, first: SlaVersion, second: SlaVersion, as_of: dt.date) -> pd.DataFrame:
    config = database.config
    first_actuals, first_targets = version_values(database, config, first, as_of)
    second_actuals, second_targets = version_values(database, config, second, as_of)
    return result_rows(first_actuals, first_targets, second_actuals, second_targets, config.at_risk_band)
