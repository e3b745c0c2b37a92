"""`python -m dashboard funnel`: the Funnel page outside the browser, from the same functions the
page caches."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from dashboard.cli_options import date_arg, open_database
from dashboard.core.config import DEFAULT_CONFIG_PATH
from dashboard.funnel import data as metrics
from dashboard.core import formatting
from dashboard.core.contract import OPPORTUNITY, STAGE_LABELS
from dashboard.funnel.domain import Filters, funnel_frame, opportunity_note


def add_command(commands) -> None:
    parser = commands.add_parser("funnel", help="print the funnel for a date range")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="SLA config (default: sla_config.toml)")
    parser.add_argument("--start", type=date_arg, help="first day (default: start of the SLA period in force)")
    parser.add_argument("--end", type=date_arg, help="last day (default: the data's as-of date)")
    parser.add_argument("--view", choices=[metrics.PERIOD, metrics.COHORT, metrics.ALL_TIME], default=None,
                        help="period (default), cohort, or all_time: every lead, dated or not (the default when the "
                             "leads are undated)")
    parser.add_argument("--channel")
    parser.add_argument("--segment")
    parser.add_argument("--team")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(handler=run_funnel)


def funnel_text(steps) -> pd.DataFrame:
    """The funnel as a terminal reads it: whole counts with separators, rates in per cent, and the
    reason in place of a count or rate the data cannot give ("not tracked"), never NaN."""
    return pd.DataFrame({
        "Stage": [step.label for step in steps],
        "Count": [formatting.count(step.count, missing=step.note or "not tracked") for step in steps],
        "% of previous": [formatting.pct(step.rate_from_previous, missing="") for step in steps],
        "measured from": [STAGE_LABELS[step.previous_stage] if step.previous_stage else "" for step in steps],
        "% of first": [formatting.pct(step.rate_from_first, 2, missing="") for step in steps],
        "SLA target": [formatting.pct(step.target, missing="") for step in steps],
        "Status": [step.status or "" for step in steps],
    })


def run_funnel(args: argparse.Namespace) -> int:
    database = open_database(args)
    as_of = metrics.data_as_of(database)
    undated = database.catalog.has("leads") and not database.catalog.dated
    if args.view == metrics.ALL_TIME or (undated and args.view is None):
        return _run_all_time(database, args, as_of)
    if undated:
        print(f"error: --view {args.view}: the leads are undated (no leads.created_at), so no period or cohort can be "
              "read; use --view all_time", file=sys.stderr)
        return 2
    args.view = args.view or metrics.PERIOD
    if as_of is None:
        print("error: the extracts hold no dated events; check [data] in the config", file=sys.stderr)
        return 2
    # Targets come from the SLA version in force at the start of the range.
    sla = database.config.sla_for(args.start or as_of) or database.config.slas[-1]
    start = args.start or sla.start
    end = args.end or min(sla.end, as_of)
    filters = Filters(channel=args.channel, segment=args.segment, team=args.team)
    result = metrics.funnel(database, start, end, filters, args.view, sla.targets, database.config.at_risk_band, as_of)
    revenue = metrics.revenue_summary(database, start, end, filters)
    if args.json:
        payload = {
            "start": start.isoformat(), "end": end.isoformat(), "as_of": as_of.isoformat(),
            "view": args.view, "sla": sla.name, "filters": filters.params(),
            # Counts as whole numbers (the table's column is float only because untracked ones are empty).
            "stages": [{**row, "count": None if row["count"] is None else int(row["count"])}
                       for row in funnel_frame(result.steps).astype(object).where(lambda f: f.notna(), None)
                       .to_dict("records")],
            "won_revenue": revenue.won_revenue, "won_deals": revenue.won_deals, "win_rate": revenue.win_rate,
            "avg_deal_size": revenue.avg_deal_size,
            "cohort_is_mature": None if result.maturity is None else result.maturity.is_mature,
        }
        if result.open_opportunities is not None:
            payload["open_opportunities"] = result.open_opportunities
            payload["undated_open_opportunities"] = result.undated_open_opportunities
        print(json.dumps(payload, indent=2))
    else:
        print(f"{args.view} funnel {start} .. {end} ({sla.name}, data as of {as_of})")
        print(funnel_text(result.steps).to_string(index=False))
        note = opportunity_note(result.steps_count(OPPORTUNITY), result.open_opportunities,
                                result.undated_open_opportunities)
        if note:
            print(note)
    return 0


def _run_all_time(database, args: argparse.Namespace, as_of) -> int:
    """Every lead followed to its furthest stage, dated or not; SLA targets, which are per period, do not apply."""
    if args.start or args.end:
        print("error: --start/--end: the all-time funnel reads every lead; leave out the dates", file=sys.stderr)
        return 2
    filters = Filters(channel=args.channel, segment=args.segment, team=args.team)
    result = metrics.all_time_funnel(database, filters)
    if args.json:
        print(json.dumps({
            "start": None, "end": None, "as_of": as_of.isoformat() if as_of else None, "view": metrics.ALL_TIME,
            "filters": filters.params(),
            "stages": funnel_frame(result.steps).astype(object).where(lambda f: f.notna(), None).to_dict("records"),
        }, indent=2))
    else:
        print("all-time funnel: every lead of the extracts, dated or not, followed to the furthest stage it reached")
        print(funnel_frame(result.steps).to_string(index=False))
    return 0
