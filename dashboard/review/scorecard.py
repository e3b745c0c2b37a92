"""The KPI scorecard of the monthly review: each KPI under the function that owns it
(marketing, sales or shared), with target, actual, status and the change since last month
and since the same month last year. Pure: the values come in, rows go out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import pandas as pd

from dashboard.core.config import Team
from dashboard.review.kpi_values import kpi_readings
from dashboard.core.kpis import KPIS

OWNER_ORDER = ("marketing", "sales", "shared", "unassigned")
OWNER_LABELS = {"marketing": "Marketing", "sales": "Sales", "shared": "Shared", "unassigned": "Not assigned"}
NOT_TRACKED = "not tracked"
COMPANY_TARGET = "company-wide target"


@dataclass(frozen=True)
class ScorecardRow:
    key: str
    label: str
    unit: str
    owner: str  # one of OWNER_ORDER
    teams: tuple[str, ...]  # the teams that list the KPI
    target: float | None
    actual: float | None
    status: str | None
    last_month: float | None  # None when the KPI or the month has no data
    year_ago: float | None
    note: str  # "not tracked", or why there is no target
    teams_label: str = ""  # the teams in short: "Shared, all sales teams"
    status_reason: str = ""  # why the status is "n/a"

    @property
    def delta_month(self) -> float | None:
        return _delta(self.actual, self.last_month)

    @property
    def delta_year(self) -> float | None:
        return _delta(self.actual, self.year_ago)


def _delta(actual: float | None, earlier: float | None) -> float | None:
    return None if actual is None or earlier is None else actual - earlier


def kpi_owners(teams: Sequence[Team]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each owned KPI's owner and teams. A KPI listed by teams of more than one function
    (say a shared team and the sales teams) is shared: both answer for it."""
    functions: dict[str, set[str]] = {}
    names: dict[str, list[str]] = {}
    for team in teams:
        for key in team.kpis:
            functions.setdefault(key, set()).add(team.function)
            names.setdefault(key, []).append(team.name)
    return {
        key: (next(iter(found)) if len(found) == 1 else "shared", tuple(names[key]))
        for key, found in functions.items()
    }


def teams_label(owning: Sequence[str], teams: Sequence[Team]) -> str:
    """"Shared, all sales teams" rather than every name, when a function's teams all own it."""
    parts = []
    for function in OWNER_ORDER[:3]:
        of_function = [team.name for team in teams if team.function == function]
        named = [name for name in of_function if name in owning]
        if len(named) > 1 and len(named) == len(of_function):
            parts.append(f"all {function} teams")
        else:
            parts.extend(named)
    return ", ".join(parts)


def build_scorecard(
    teams: Sequence[Team],
    actuals: Mapping[str, float | None],
    targets: Mapping[str, float],
    at_risk_band: float,
    last_month: Mapping[str, float | None] | None = None,
    year_ago: Mapping[str, float | None] | None = None,
    is_filtered: bool = False,
    reasons: Mapping[str, str] | None = None,
) -> list[ScorecardRow]:
    """One row per owned KPI, and per KPI that has a target but no owner ("Not assigned"),
    ordered marketing, sales, shared, then by the catalogue. Targets must already cover the
    range (counts pro-rated); under a channel, segment or team filter the count and revenue
    targets, which are company-wide, are not applied to the slice. A KPI with no value in
    any of the months compared is "not tracked"; `reasons` says why a KPI has no value when the
    cause is known (say "not split by team": leads have no team before hand-off)."""
    owners = kpi_owners(teams)
    keys = [key for key in KPIS if key in owners or key in targets]
    applied = {key: value for key, value in targets.items() if not (is_filtered and KPIS[key].is_additive)}
    readings = {reading.key: reading for reading in kpi_readings(dict(actuals), applied, at_risk_band, tuple(keys))}
    last_month, year_ago = last_month or {}, year_ago or {}
    rows = []
    for key in keys:
        reading = readings[key]
        owner, owning_teams = owners.get(key, ("unassigned", ()))
        before, year = last_month.get(key), year_ago.get(key)
        if reading.actual is None and key in (reasons or {}):
            note = reasons[key]
        elif reading.actual is None and before is None and year is None:
            note = NOT_TRACKED
        elif key in targets and key not in applied:
            note = COMPANY_TARGET
        elif key not in targets:
            note = "no target"
        else:
            note = ""
        rows.append(ScorecardRow(
            key=key, label=reading.label, unit=reading.unit, owner=owner, teams=owning_teams,
            target=reading.target, actual=reading.actual, status=reading.status,
            last_month=before, year_ago=year, note=note, teams_label=teams_label(owning_teams, teams),
            status_reason=reading.status_reason,
        ))
    rows.sort(key=lambda row: OWNER_ORDER.index(row.owner))
    return rows


def scorecard_frame(rows: Sequence[ScorecardRow]) -> pd.DataFrame:
    """The scorecard as a table for CSV download (rates as fractions)."""
    return pd.DataFrame([
        {
            "owner": OWNER_LABELS[row.owner], "teams": ", ".join(row.teams), "kpi": row.key, "label": row.label,
            "unit": row.unit, "target": row.target, "actual": row.actual, "status": row.status,
            "last_month": row.last_month, "change_vs_last_month": row.delta_month,
            "same_month_last_year": row.year_ago, "change_vs_last_year": row.delta_year, "note": row.note,
        }
        for row in rows
    ], columns=["owner", "teams", "kpi", "label", "unit", "target", "actual", "status", "last_month",
                "change_vs_last_month", "same_month_last_year", "change_vs_last_year", "note"])
