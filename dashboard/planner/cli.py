"""`python -m dashboard plan`: the planner page's reverse funnel for people who plan in
spreadsheets. Same function, same numbers: `planner_data.planner_inputs` + `planner.build_plan`."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import pandas as pd

from dashboard.planner import domain as planner
from dashboard.core.config import DEFAULT_CONFIG_PATH, load_config
from dashboard.core.contract import STAGE_LABELS
from dashboard.data import new_database
from dashboard.facts.build import use_facts_on_disk
from dashboard.funnel.domain import Filters
from dashboard.planner.data import DEFAULT_TRAILING_MONTHS, PlanError, planner_inputs

RATE_STAGES = ("lead", "mql", "sql", "proposal", "won")


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value < 0 or math.isnan(value):
        raise argparse.ArgumentTypeError(f"must not be negative, got {text}")
    return value


def _rate(text: str) -> tuple[str, float]:
    stage, _, value = text.partition("=")
    if stage not in RATE_STAGES or not value:
        raise argparse.ArgumentTypeError(
            f"{text!r}: use STAGE=RATE with STAGE one of {', '.join(RATE_STAGES)} (the stage the step reaches), "
            "e.g. mql=0.25 for lead → MQL")
    try:
        rate = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: {value!r} is not a number") from None
    if not 0 < rate <= 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a rate is a fraction in (0, 1], e.g. 0.25 for 25 %")
    return stage, rate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="SLA config (default: sla_config.toml)")
    parser.add_argument("--target", type=_non_negative, help="revenue target (default: the quota left for the SLA period)")
    parser.add_argument("--months-left", type=int, help="months to plan from the as-of date (default: to the period end)")
    parser.add_argument("--trailing-months", type=int, default=DEFAULT_TRAILING_MONTHS,
                        help=f"months the observed rates, deal size and run rates cover (default: {DEFAULT_TRAILING_MONTHS})")
    parser.add_argument("--rates", choices=["observed", "sla"], default="observed",
                        help="observed rates, or the SLA targets where the SLA sets one (default: observed)")
    parser.add_argument("--rate", type=_rate, action="append", default=[], metavar="STAGE=RATE",
                        help="a manual rate for one step, e.g. --rate proposal=0.55 (repeatable)")
    parser.add_argument("--deal-size", type=_non_negative, help="average deal size (default: observed)")
    parser.add_argument("--channel")
    parser.add_argument("--segment")
    parser.add_argument("--team")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")


def _clean(value):
    """JSON-safe: NaN and pandas missing values become null, numpy numbers plain numbers."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{key: _clean(value) for key, value in row.items()} for row in frame.to_dict("records")]


def plan_payload(plan: planner.Plan, inputs: planner.PlanInputs) -> dict:
    """Everything the page shows, as plain data."""
    horizon = plan.assumptions.horizon
    by_month = planner.schedule_frame(plan)
    by_month["month_start"] = [m.isoformat() for m in by_month["month_start"]]
    return {
        "as_of": inputs.as_of.isoformat(),
        "sla": inputs.sla_name,
        "period": [inputs.period_start.isoformat(), inputs.period_end.isoformat()],
        "filters": inputs.filters.params(),
        "currency": inputs.currency,
        "quota": inputs.quota,
        "won_to_date": inputs.won_to_date,
        "quota_left": inputs.quota_left,
        "target": plan.assumptions.target,
        "months": [m.isoformat()[:7] for m in horizon.months],
        "months_planned": horizon.effective_months,
        "deal_size": plan.assumptions.deal_size,
        "won_deals_needed": plan.won_deals_needed,
        "won_deals_by_month": {m.isoformat()[:7]: v for m, v in plan.wins_by_month.items()},
        "verdict": {"status": plan.verdict, "text": plan.verdict_text},
        "expected_revenue_at_run_rate": plan.expected_revenue_at_run_rate,
        "revenue_gap": plan.revenue_gap,
        "assumptions": {
            "trailing_months": inputs.trailing_months,
            "window": [inputs.window_start.isoformat(), inputs.window_end.isoformat()],
            "rate_window": [(inputs.rate_window_start or inputs.window_start).isoformat(), inputs.window_end.isoformat()],
            "rate_window_note": inputs.rate_window_note,
            "rates": [{
                "step": rate.label, "stage": rate.stage, "from_stage": rate.from_stage,
                "rate": plan.assumptions.rates.get(rate.stage), "source": plan.assumptions.rate_sources.get(rate.stage),
                "observed": rate.observed, "sla_target": rate.target,
            } for rate in inputs.rates],
            "observed_deal_size": inputs.avg_deal_size,
            "sales_sourced_revenue_share": inputs.sales_sourced_revenue_share,
            "filter_share_of_won_revenue": inputs.filter_share,
            "lags": {stage: {"won_deals": profile.won_deals, "share_by_months_before_win": list(profile.shares)}
                     for stage, profile in inputs.lags.items()},
            "lag_days": _records(inputs.lag_days),
        },
        "stages": _records(planner.plan_frame(plan)),
        "by_month": _records(by_month),
        "sensitivity": _records(plan.sensitivity),
    }


def run(args: argparse.Namespace) -> int:
    database = new_database(load_config(args.config))
    use_facts_on_disk(database)
    for problem in database.catalog.problems:
        print(f"warning: {problem.table}: {problem.message}", file=sys.stderr)
    if args.months_left is not None and args.months_left < 0:
        print("error: --months-left must not be negative", file=sys.stderr)
        return 2
    filters = Filters(channel=args.channel, segment=args.segment, team=args.team)
    try:
        inputs = planner_inputs(database, args.trailing_months, filters)
    except PlanError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    manual = dict(args.rate)
    unknown = sorted(set(manual) - {rate.stage for rate in inputs.rates})
    if unknown:
        print(f"error: --rate {unknown[0]}=…: the extracts have no step into {STAGE_LABELS[unknown[0]]} to set; "
              f"steps: {', '.join(rate.stage for rate in inputs.rates)}", file=sys.stderr)
        return 2
    source = planner.SLA_TARGET if args.rates == "sla" else planner.OBSERVED
    assumptions = planner.default_assumptions(inputs, args.target, args.months_left, source, args.deal_size, manual)
    if not assumptions.deal_size:
        print("error: the deals extract has no won amounts to take an average deal size from; pass --deal-size",
              file=sys.stderr)
        return 2
    plan = planner.build_plan(inputs, assumptions)
    if args.json:
        print(json.dumps(plan_payload(plan, inputs), indent=2, default=str))
        return 0
    _print_text(plan, inputs)
    return 0


def _print_text(plan: planner.Plan, inputs: planner.PlanInputs) -> None:
    horizon = plan.assumptions.horizon
    months = ", ".join(f"{m:%b %Y}" for m in horizon.months) or "none"
    print(f"Plan for {inputs.sla_name}, data as of {inputs.as_of}: target {plan.assumptions.target:,.0f} "
          f"{inputs.currency} over {horizon.effective_months:.2f} month(s) ({months})")
    print(f"Deal size {plan.assumptions.deal_size:,.0f}, won deals needed {plan.won_deals_needed:,.1f}")
    print(f"Verdict: {plan.verdict_text}")
    print("\nRates:")
    for rate in inputs.rates:
        used = plan.assumptions.rates.get(rate.stage)
        print(f"  {rate.label:<18} {used * 100 if used else float('nan'):6.2f} %  ({plan.assumptions.rate_sources.get(rate.stage)})")
    stages = planner.plan_frame(plan)[["stage", "needed_total", "needed_per_month", "run_rate_per_month",
                                       "due_before_plan_start", "to_arrive_from_plan_start", "catch_up_volume", "status"]]
    print("\nBy stage:")
    print(stages.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    by_month = planner.schedule_frame(plan)
    print("\nBy month (volume each month must bring for the plan's wins):")
    print(by_month.to_string(index=False, float_format=lambda v: f"{v:,.1f}") if len(by_month) else "  no month to plan")
    if not plan.sensitivity.empty:
        print("\n+1 point on each rate (revenue by the end of the plan):")
        print(plan.sensitivity[["step", "rate", "revenue_per_point", "revenue_per_10pct_lift", "points_to_close_gap"]]
              .to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
