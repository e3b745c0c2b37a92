"""Each alert rule's reading, from the same functions the pages use: the KPI values of
`kpi_values` and the follow-up evaluation of `compliance`, over the month of the as-of date
up to that day, against the SLA's targets for that range."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from dashboard.compliance import data as compliance
from dashboard.alerts.domain import Reading
from dashboard.review.attainment import quota_between, range_targets
from dashboard.core.config import FOLLOW_UP_MEASURES, AlertRule
from dashboard.data import Database
from dashboard.compliance.follow_up import follow_up_counts, follow_up_rates, overdue_now
from dashboard.funnel.domain import Filters, rag_status
from dashboard.review.kpi_values import kpi_actuals
from dashboard.core.kpis import KPIS
from dashboard.team_kpis.data import find_team, quota_share, targets_for


def judged_range(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The month of the as-of date, to that day: what a daily run watches."""
    return as_of.replace(day=1), as_of


def readings(database: Database, rules: Sequence[AlertRule], as_of: dt.date) -> list[Reading]:
    """One reading per rule, in order; each scope's values are computed once."""
    config = database.config
    start, end = judged_range(as_of)
    kpi_cache: dict[str | None, tuple[dict, dict]] = {}
    follow_up_cache: dict[str, object] = {}

    def kpis_for(team_name: str | None) -> tuple[dict, dict]:
        if team_name not in kpi_cache:
            if team_name is None:
                targets = dict(range_targets(config, start, end))
                targets["won_revenue"] = quota_between(config.slas, start, end)
                kpi_cache[team_name] = (kpi_actuals(database, start, end, Filters()), targets)
            else:
                team = find_team(config, team_name)
                share, _ = quota_share(config.teams, team)
                # A sales team's numbers are its own leads and deals; marketing's and the shared
                # team's are the company's.
                filters = Filters(team=team.name) if team.function == "sales" else Filters()
                kpi_cache[team_name] = (kpi_actuals(database, start, end, filters),
                                        targets_for(config, start, end, share))
        return kpi_cache[team_name]

    def evaluated():
        if "leads" not in follow_up_cache:
            follow_up_cache["leads"] = compliance.evaluated_leads(database, start, end, Filters(), as_of)
        return follow_up_cache["leads"]

    results = []
    for rule in rules:
        if rule.rep is not None or rule.measure in FOLLOW_UP_MEASURES:
            results.append(_follow_up_reading(database, rule, evaluated, kpis_for))
            continue
        actuals, targets = kpis_for(rule.team)
        value, target = actuals.get(rule.measure), targets.get(rule.measure)
        results.append(Reading(value=value, target=target,
                               status=rag_status(value, target, KPIS[rule.measure].higher_is_better,
                                                 config.at_risk_band)))
    return results


def _follow_up_reading(database: Database, rule: AlertRule, evaluated, kpis_for) -> Reading:
    track = compliance.tracking(database)
    if not track.hand_offs or not track.touches:
        return Reading(None, None, None)
    leads = evaluated()
    if rule.rep is not None:
        leads = leads[leads["owner_id"] == rule.rep]
    elif rule.team is not None:
        leads = leads[leads["owner_team"] == rule.team]
    if rule.measure == "overdue_leads":
        overdue = overdue_now(leads)
        return Reading(value=float((overdue["hours_overdue"] > 0).sum()), target=None, status=None)
    value = follow_up_rates(follow_up_counts(leads), None)[rule.measure]
    _, targets = kpis_for(None)
    target = targets.get(rule.measure)
    return Reading(value=value, target=target,
                   status=rag_status(value, target, KPIS[rule.measure].higher_is_better, database.config.at_risk_band))
