"""Two SLA versions side by side: what their definitions say (period, quota, lead definition,
follow-up and recycle rules, targets) and how each did on the same measures, with what
changed marked. Point 10 of the SLA checklist, "review and refine", made visible. Pure.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Mapping

import pandas as pd

from dashboard.core import formatting
from dashboard.core.config import ScoringRule, SlaVersion
from dashboard.core.kpis import KPIS
from dashboard.funnel.domain import rag_status

SAME, CHANGED, ADDED, REMOVED = "", "changed", "added", "removed"
DEFINITION_COLUMNS = ["section", "item", "first", "second", "change"]
RESULT_COLUMNS = ["measure", "first_actual", "first_target", "first_status", "second_actual", "second_target",
                  "second_status", "change"]


def _rule_value(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _rules_by_condition(rules: tuple[ScoringRule, ...]) -> dict[str, str]:
    """Each rule under a key of its attribute and operator (numbered when a pair repeats, in
    order), so a changed value or points shows as one changed row, not a removal and an addition."""
    seen: dict[tuple[str, str], int] = defaultdict(int)
    keyed = {}
    for rule in rules:
        seen[(rule.attribute, rule.op)] += 1
        number = seen[(rule.attribute, rule.op)]
        key = f"{rule.attribute} {rule.op}" + (f" (#{number})" if number > 1 else "")
        # the Item column already names the attribute and operator: the cell is what differs, so
        # the longest rule (a list of industries) fits its column at 1440 px
        keyed[key] = f"{_rule_value(rule.value)}: {rule.points:+d} points"
    return keyed


def _target_text(key: str, value: float | None, currency: str) -> str | None:
    if value is None:
        return None
    unit = KPIS[key].unit
    if unit == "rate":
        return formatting.pct(value)
    if unit == "currency":
        return formatting.money(value, currency)
    if unit == "days":
        return f"{value:g} days"
    return f"{value:,.0f} a month" if KPIS[key].is_additive else f"{value:,.0f}"


def _follow_up_lines(sla: SlaVersion) -> dict[str, str]:
    follow = sla.follow_up
    holidays = getattr(follow, "holidays_country", None)
    subdivision = getattr(follow, "holidays_subdivision", None)
    closed = getattr(follow, "extra_closed_days", ())
    return {
        "First touch within": f"{follow.first_touch_within_hours:g} working hours",
        "Minimum attempts": f"{follow.min_attempts} within {follow.attempt_window_days} days",
        "Business hours": f"{follow.business_start:%H:%M}-{follow.business_end:%H:%M} {follow.timezone}",
        "Working days": ", ".join(follow.working_days),
        "Public holidays": (f"{holidays}" + (f"-{subdivision}" if subdivision else "")) if holidays else "none",
        "Extra closed days": ", ".join(f"{day:%d %b %Y}" for day in closed) or "none",
    }


def definition_rows(first: SlaVersion, second: SlaVersion) -> pd.DataFrame:
    """Every definition item of both versions, with how the second differs from the first."""
    rows: list[tuple[str, str, str | None, str | None]] = []

    def add(section: str, left: Mapping[str, str | None], right: Mapping[str, str | None]) -> None:
        for item in list(dict.fromkeys([*left, *right])):
            rows.append((section, item, left.get(item), right.get(item)))

    def period(sla: SlaVersion) -> dict[str, str | None]:
        weights = sla.monthly_quota_weights
        even = max(weights) - min(weights) < 1e-9
        return {
            "Period": f"{sla.start:%d %b %Y} – {sla.end:%d %b %Y} ({len(sla.months())} months)",
            "Quota": formatting.money(sla.quota, sla.currency),
            "Monthly quota weights": "even" if even else " / ".join(f"{w * 100:.1f} %" for w in weights),
            "MQL capacity per rep a month": (f"{sla.mql_capacity_per_rep_month:g}"
                                             if sla.mql_capacity_per_rep_month else None),
        }

    add("Period and quota", period(first), period(second))
    add("Lead definition", {"MQL threshold": str(first.lead_definition.mql_threshold)},
        {"MQL threshold": str(second.lead_definition.mql_threshold)})
    add("Scoring rules", _rules_by_condition(first.lead_definition.rules), _rules_by_condition(second.lead_definition.rules))
    add("Follow-up", _follow_up_lines(first), _follow_up_lines(second))
    add("Recycle", {"Hand back after unanswered attempts": str(first.recycle.no_response_attempts),
                    "Hand back when not ready after": f"{first.recycle.not_ready_after_days} days"},
        {"Hand back after unanswered attempts": str(second.recycle.no_response_attempts),
         "Hand back when not ready after": f"{second.recycle.not_ready_after_days} days"})
    order = [key for key in KPIS if key in first.targets or key in second.targets]
    add("Targets", {KPIS[k].label: _target_text(k, first.targets.get(k), first.currency) for k in order if k in first.targets},
        {KPIS[k].label: _target_text(k, second.targets.get(k), second.currency) for k in order if k in second.targets})
    changes = [ADDED if a is None and b is not None else REMOVED if b is None and a is not None
               else CHANGED if a != b else SAME for _, _, a, b in rows]
    return pd.DataFrame([(*row, change) for row, change in zip(rows, changes)], columns=DEFINITION_COLUMNS, dtype=object)


def per_month(values: Mapping[str, float | None], months: float) -> dict[str, float | None]:
    """Counts and revenue as a monthly average over the months a version ran, so versions of
    different lengths compare; rates and days as they are."""
    return {key: (value / months if value is not None and key in KPIS and KPIS[key].is_additive and months else value)
            for key, value in values.items()}


def result_rows(first_actuals: Mapping[str, float | None], first_targets: Mapping[str, float],
                second_actuals: Mapping[str, float | None], second_targets: Mapping[str, float],
                at_risk_band: float) -> pd.DataFrame:
    """The same measures for both versions, each against its own targets, and the change
    (second minus first; None when either is not tracked)."""
    rows = []
    for key, kpi in KPIS.items():
        a, b = first_actuals.get(key), second_actuals.get(key)
        if a is None and b is None:
            continue
        ta, tb = first_targets.get(key), second_targets.get(key)
        rows.append({
            "measure": key,
            "first_actual": a, "first_target": ta, "first_status": rag_status(a, ta, kpi.higher_is_better, at_risk_band),
            "second_actual": b, "second_target": tb,
            "second_status": rag_status(b, tb, kpi.higher_is_better, at_risk_band),
            "change": b - a if a is not None and b is not None else None,
        })
    return pd.DataFrame(rows, columns=RESULT_COLUMNS, dtype=object)
