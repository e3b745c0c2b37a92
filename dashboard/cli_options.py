"""What the commands share: their date-range and filter options, checked against the data with a
message naming the option, and the database they open."""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import sys
from pathlib import Path

from dashboard.core.config import DEFAULT_CONFIG_PATH, load_config
from dashboard.data import Database, new_database
from dashboard.facts.build import use_facts_on_disk
from dashboard.funnel import data as metrics
from dashboard.funnel.domain import Filters


class UsageError(Exception):
    """Bad input on the command line; the message names the option."""


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def add_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="SLA config (default: sla_config.toml)")
    parser.add_argument("--month", help="one calendar month, YYYY-MM (instead of --start/--end)")
    parser.add_argument("--start", type=date_arg, help="first day (default: start of the SLA period in force)")
    parser.add_argument("--end", type=date_arg, help="last day (default: the data's as-of date)")
    parser.add_argument("--channel", help="only leads of this channel")
    parser.add_argument("--segment", help="only leads of this segment")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")


def add_commands(commands) -> None:
    """Register both commands on the `python -m dashboard` subparsers."""
    parser = commands.add_parser("compliance", help="print sales follow-up compliance per rep and team")
    _add_range(parser)
    parser.add_argument("--team", help="only leads owned by this sales team")
    parser.set_defaults(handler=run_compliance)

    parser = commands.add_parser("team", help="print a team's KPIs against the SLA, and its leaderboard")
    _add_range(parser)
    parser.add_argument("--team", required=True, help="a [[teams]] name from the config, e.g. \"Sales East\"")
    parser.add_argument("--sort", default="won_revenue", choices=sorted(LEADERBOARD_SORTS),
                        help="leaderboard column to rank reps by (default: won_revenue)")
    parser.set_defaults(handler=run_team)


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    try:
        first = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise UsageError(f"--month: {text!r} is not a month; use YYYY-MM, e.g. 2026-06") from None
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def resolve_range(args: argparse.Namespace, database: Database) -> tuple[dt.date, dt.date, dt.date]:
    """(start, end, as_of) from --month or --start/--end, defaulting to the SLA period in force."""
    as_of = metrics.data_as_of(database)
    if as_of is None:
        raise UsageError(f"the extracts in {database.config.data.folder} hold no dated events; check [data] in the config")
    if args.month:
        if args.start or args.end:
            raise UsageError("--month: give either --month or --start/--end, not both")
        start, end = parse_month(args.month)
    else:
        _, default_start, default_end = metrics.default_range(database.config, as_of)
        start, end = args.start or default_start, args.end or default_end
    if end < start:
        raise UsageError(f"--end: {end} is before --start {start}")
    if start > as_of:
        raise UsageError(f"--start: {start} is after the data's as-of date {as_of}; nothing has happened yet")
    return start, end, as_of


def check_filters(args: argparse.Namespace, database: Database, team_filter: bool) -> Filters:
    values = metrics.filter_values(database)
    for option in ("channel", "segment", *(("team",) if team_filter else ())):
        chosen = getattr(args, option)
        known = values.get(option, [])
        if chosen and chosen not in known:
            raise UsageError(f"--{option}: no {option} {chosen!r} in the data; "
                             f"known: {', '.join(known) or 'none (the extract has no such column)'}")
    return Filters(channel=args.channel, segment=args.segment, team=args.team if team_filter else None)


def open_database(args: argparse.Namespace) -> Database:
    database = new_database(load_config(args.config))
    accepts = database.config.data.accepted_findings
    for problem in database.catalog.problems:
        if any(a.check == problem.check and a.table == problem.table and a.column in (None, problem.column)
               for a in accepts):
            continue  # understood and accepted in the config: `validate` shows it as accepted
        print(f"warning: {problem.table}: {problem.message}", file=sys.stderr)
    use_facts_on_disk(database)
    return database
