"""Which figures of a monthly review a data-health finding undermines, so the page and the report
say so next to them and the headlines never state them. Pure: it reads the table health rows of a
data-health report (anything with table, status, latest_day, lag_days)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping, Sequence

# The KPIs each extract feeds: a table that stops early (or is empty) leaves them short.
TABLE_KPIS: dict[str, tuple[str, ...]] = {
    "traffic": ("sessions", "visit_to_lead_rate"),
    "leads": ("leads", "mqls", "sqls", "visit_to_lead_rate", "lead_to_mql_rate", "mql_to_sql_rate",
              "sql_to_proposal_rate", "recycle_rate", "first_touch_within_sla_rate", "min_attempts_met_rate"),
    "touches": ("first_touch_within_sla_rate", "min_attempts_met_rate"),
    "deals": ("sql_to_proposal_rate", "proposal_to_won_rate", "win_rate", "won_revenue", "avg_deal_size",
              "sales_cycle_days"),
}


# The rate KPI each funnel stage's status judges (its rate from the stage before).
STAGE_RATE_KPIS = {"lead": "visit_to_lead_rate", "mql": "lead_to_mql_rate", "sql": "mql_to_sql_rate",
                   "proposal": "sql_to_proposal_rate", "won": "proposal_to_won_rate"}


@dataclass(frozen=True)
class HealthNotes:
    undermined: frozenset[str]  # KPI keys whose figure for the review range a finding makes incomplete
    notes: tuple[str, ...]  # one sentence per affected table, to show beside the figures
    reasons: Mapping[str, str] = field(default_factory=dict)  # KPI key -> the finding in short ("the leads extract ends ...")


def health_notes(tables: Sequence, cutoff: dt.date) -> HealthNotes:
    """Tables that are empty, or end before the review's cutoff, undermine the KPIs they feed."""
    undermined: set[str] = set()
    notes = []
    reasons: dict[str, str] = {}
    for table in tables:
        kpis = TABLE_KPIS.get(table.table)
        if not kpis:
            continue
        if table.status == "empty":
            notes.append(f"The {table.table} extract is empty: figures from it are not shown in the headlines.")
            reason = f"the {table.table} extract is empty"
        elif table.status == "lags" and table.latest_day is not None and table.latest_day < cutoff:
            notes.append(f"The {table.table} extract ends {table.latest_day:%d %b %Y}, {table.lag_days} days before the "
                         f"as-of date: figures from it after that day are incomplete and left out of the headlines "
                         "(see Data health).")
            reason = f"the {table.table} extract ends {table.latest_day:%d %b %Y}"
        else:
            continue
        undermined.update(kpis)
        for kpi in kpis:
            reasons[kpi] = f"{reasons[kpi]}, and {reason}" if kpi in reasons else reason
    return HealthNotes(frozenset(undermined), tuple(notes), reasons)


def undermined_reason(notes: HealthNotes, key: str) -> str:
    """Why a KPI's figure cannot be judged: "incomplete: the leads extract ends 20 Feb 2026"."""
    return f"incomplete: {notes.reasons.get(key, 'a data-health finding')}"
