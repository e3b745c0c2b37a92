"""Tracked-ness as data: which stages each figure of the product is made of.

A figure (a count, a rate, a KPI, a table column) is tracked only when every stage it is made
of is tracked by the extracts. `Catalog.tracks` answers that for one figure and
`Catalog.blank_untracked` applies it to a whole result, so every command, page, CSV and
report says "not tracked" (null in JSON) the same way, never 0.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

NOT_TRACKED = "not tracked"
# Beyond the funnel stages: deal amounts of won deals, both outcomes (won and lost), touches, and a
# "table.column" the figure reads directly (a lead's recycled_at).
REVENUE, OUTCOMES = "revenue", "outcomes"
TOUCHES = "touches"  # the touches extract (follow-up compliance)

FIGURE_NEEDS: dict[str, frozenset[str]] = {
    name: frozenset(needs)
    for name, needs in {
        "sessions": {"traffic"},
        "leads": {"lead"},
        "mqls": {"mql"},
        "sqls": {"sql"},
        "proposals": {"proposal"},
        "won": {"won"},
        "won_deals": {"won"},
        "lost_deals": {OUTCOMES},
        "won_revenue": {REVENUE},
        "revenue_captured": {REVENUE},
        "avg_deal_size": {REVENUE},
        "win_rate": {OUTCOMES},
        "visit_to_lead_rate": {"traffic", "lead"},
        "lead_to_mql_rate": {"lead", "mql"},
        "mql_to_sql_rate": {"mql", "sql"},
        "sql_to_proposal_rate": {"sql", "proposal"},
        "proposal_to_won_rate": {"proposal", "won"},
        "mql_to_won_rate": {"mql", "won"},
        "recycle_rate": {"mql", "leads.recycled_at"},
        "recycled": {"mql", "leads.recycled_at"},
        # Follow-up compliance follows the MQLs handed to sales through the touches: without either
        # there is nothing to measure.
        "first_touch_within_rate": {"mql", TOUCHES},
        "first_touch_within_sla_rate": {"mql", TOUCHES},
        "median_hours_to_first_touch": {"mql", TOUCHES},
        "attempts_met_rate": {"mql", TOUCHES},
        "min_attempts_met_rate": {"mql", TOUCHES},
        "never_touched": {"mql", TOUCHES},
        "disqualified_rate": {"mql", "leads.disqualified_at"},
        "disqualified": {"mql", "leads.disqualified_at"},
        # A rep's role (SDR / AE) is only known when the reps extract has one: Maven's has none.
        "role": {"reps.role"},
        # Sales-sourced means "a deal without a lead": only known when deals link to leads.
        "is_sales_sourced": {"lead", "deals.lead_id"},
        # The scoring lab's outcomes of re-scored leads (scoring_lab.py).
        "sqls_observed": {"sql"},
        "sqls_estimated": {"sql"},
        "won_observed": {"won"},
        "won_estimated": {"won"},
        "won_missed": {"won"},
        "revenue_captured_observed": {REVENUE},
        "revenue_captured_estimated": {REVENUE},
        "revenue_captured_share": {REVENUE},
        "revenue_missed": {REVENUE},
    }.items()
}


def blank(frame: pd.DataFrame, untracked: Iterable[str]) -> pd.DataFrame:
    """The result with each untracked column missing (null in JSON, not drawn), never 0."""
    columns = [column for column in untracked if column in frame.columns]
    if not columns:
        return frame
    result = frame.copy()
    for column in columns:
        result[column] = pd.Series(float("nan"), index=result.index, dtype=float)
    return result


def blank_values(values: dict, untracked: Iterable[str]) -> dict:
    """A dict of figures with each untracked one None."""
    untracked = set(untracked)
    return {key: None if key in untracked else value for key, value in values.items()}


def shown(frame: pd.DataFrame, untracked: Iterable[str]) -> pd.DataFrame:
    """A result as a page table or CSV shows it: each untracked column reads "not tracked"."""
    result = frame.copy()
    for column in untracked:
        if column in result.columns:
            result[column] = pd.Series([NOT_TRACKED] * len(result), index=result.index, dtype=object)
    return result
