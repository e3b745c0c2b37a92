"""The KPI catalogue: every metric an SLA can set a target for, with its unit and direction.

Config keys under `[sla.targets]` and team `kpis` lists must name an entry here, so a typo
in the config is reported instead of silently showing no target.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str  # "rate" (fraction 0..1), "days", "hours", "currency" or "count"
    higher_is_better: bool = True

    @property
    def is_additive(self) -> bool:
        """Counts and revenue add up over months, so their monthly targets scale with the range."""
        return self.unit in ("count", "currency") and self.key != "avg_deal_size"


# Said wherever the win rate stands beside the proposal → won rate: the two count different deals.
WIN_RATE_BASES = ("Counting bases: win rate = deals won ÷ deals closed won or lost in the range; proposal → won = "
                  "deals won ÷ proposals sent in the range, so the two differ.")

KPIS: dict[str, Kpi] = {
    kpi.key: kpi
    for kpi in (
        Kpi("visit_to_lead_rate", "Visit → lead", "rate"),
        Kpi("lead_to_mql_rate", "Lead → MQL", "rate"),
        Kpi("mql_to_sql_rate", "MQL → SQL", "rate"),
        Kpi("sql_to_proposal_rate", "SQL → proposal", "rate"),
        Kpi("proposal_to_won_rate", "Proposal → won", "rate"),
        Kpi("win_rate", "Win rate", "rate"),
        Kpi("first_touch_within_sla_rate", "First touch within SLA", "rate"),
        Kpi("min_attempts_met_rate", "Minimum attempts met", "rate"),
        Kpi("recycle_rate", "MQLs recycled", "rate", higher_is_better=False),
        Kpi("sales_cycle_days", "Sales cycle", "days", higher_is_better=False),
        Kpi("avg_deal_size", "Average deal size", "currency"),
        Kpi("won_revenue", "Won revenue", "currency"),
        Kpi("sessions", "Sessions", "count"),
        Kpi("leads", "Leads", "count"),
        Kpi("mqls", "MQLs", "count"),
        Kpi("sqls", "SQLs", "count"),
    )
}

# Conversion between consecutive funnel stages, keyed by the stage it ends at.
STEP_RATE_KPIS = {
    "lead": "visit_to_lead_rate",
    "mql": "lead_to_mql_rate",
    "sql": "mql_to_sql_rate",
    "proposal": "sql_to_proposal_rate",
    "won": "proposal_to_won_rate",
}
