"""Command line: `python -m dashboard <command>`. Each command prints the same numbers the
pages show, computed by the same functions."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from dashboard.funnel import data as metrics
from dashboard.core.config import DEFAULT_CONFIG_PATH, ConfigError, load_config
from dashboard.data import Database
from dashboard.funnel.domain import Filters, funnel_frame


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="SLA config (default: sla_config.toml)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Sales & Marketing SLA dashboard")
    commands = parser.add_subparsers(dest="command", required=True)

    from dashboard.tools import generate

    generate_parser = commands.add_parser("generate", help="write a seeded sample data set")
    generate.add_arguments(generate_parser)
    generate_parser.set_defaults(handler=generate.run)

    from dashboard.tools import bench

    bench_parser = commands.add_parser("bench", help="time every page's data work at a given data size")
    bench.add_arguments(bench_parser)
    bench_parser.set_defaults(handler=bench.run)

    from dashboard.review import cli as review_cli

    kpis_parser = commands.add_parser("kpis", help="print a month's review numbers (attainment, funnel, KPIs)")
    review_cli.add_kpis_arguments(kpis_parser)
    kpis_parser.set_defaults(handler=review_cli.run_kpis)
    report_parser = commands.add_parser("report", help="write a month's review as one self-contained HTML file")
    review_cli.add_report_arguments(report_parser)
    report_parser.set_defaults(handler=review_cli.run_report)

    from dashboard.team_kpis import cli as team_cli

    team_cli.add_commands(commands)  # compliance, team

    from dashboard.planner import cli as plan_cli

    plan_parser = commands.add_parser("plan", help="print the reverse-funnel plan for a revenue target")
    plan_cli.add_arguments(plan_parser)
    plan_parser.set_defaults(handler=plan_cli.run)

    funnel_parser = commands.add_parser("funnel", help="print the funnel for a date range")
    _add_config(funnel_parser)
    funnel_parser.add_argument("--start", type=_date, help="first day (default: start of the SLA period in force)")
    funnel_parser.add_argument("--end", type=_date, help="last day (default: the data's as-of date)")
    funnel_parser.add_argument("--view", choices=[metrics.PERIOD, metrics.COHORT], default=metrics.PERIOD)
    funnel_parser.add_argument("--channel")
    funnel_parser.add_argument("--segment")
    funnel_parser.add_argument("--team")
    funnel_parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    funnel_parser.set_defaults(handler=run_funnel)

    from dashboard.data_health import cli as validate_cli

    validate_parser = commands.add_parser("validate", help="check the extracts and the config (exit 0 clean, 1 warnings, 2 errors)")
    validate_cli.add_arguments(validate_parser)
    validate_parser.set_defaults(handler=validate_cli.run)
    return parser


def open_database(config_path: Path) -> Database:
    config = load_config(config_path)
    database = Database(config)
    for problem in database.catalog.problems:
        print(f"warning: {problem.table}: {problem.message}", file=sys.stderr)
    return database


def run_funnel(args: argparse.Namespace) -> int:
    database = open_database(args.config)
    as_of = metrics.data_as_of(database)
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
            "stages": funnel_frame(result.steps).astype(object).where(lambda f: f.notna(), None).to_dict("records"),
            "won_revenue": revenue.won_revenue, "won_deals": revenue.won_deals, "win_rate": revenue.win_rate,
            "avg_deal_size": revenue.avg_deal_size,
            "cohort_is_mature": None if result.maturity is None else result.maturity.is_mature,
        }
        print(json.dumps(payload, indent=2))
    else:
        print(f"{args.view} funnel {start} .. {end} ({sla.name}, data as of {as_of})")
        print(funnel_frame(result.steps).to_string(index=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
