"""`python -m dashboard compliance` and `python -m dashboard team`: the Follow-up compliance
and Team KPIs pages outside the browser, from the same `compliance_data` and `team_kpis_data`
the pages cache."""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import sys
from pathlib import Path

from dashboard.funnel import data as metrics
from dashboard.compliance.data import ComplianceData, compliance_data
from dashboard.core.config import DEFAULT_CONFIG_PATH, load_config
from dashboard.data import Database
from dashboard.compliance.follow_up import records
from dashboard.funnel.domain import Filters
from dashboard.team_kpis.data import LEADERBOARD_SORTS, TeamKpisData, TeamKpisError, sort_leaderboard, team_kpis_data


class UsageError(Exception):
    """Bad input on the command line; the message names the option."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _add_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="SLA config (default: sla_config.toml)")
    parser.add_argument("--month", help="one calendar month, YYYY-MM (instead of --start/--end)")
    parser.add_argument("--start", type=_date, help="first day (default: start of the SLA period in force)")
    parser.add_argument("--end", type=_date, help="last day (default: the data's as-of date)")
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


def _check_filters(args: argparse.Namespace, database: Database, team_filter: bool) -> Filters:
    values = metrics.filter_values(database)
    for option in ("channel", "segment", *(("team",) if team_filter else ())):
        chosen = getattr(args, option)
        known = values.get(option, [])
        if chosen and chosen not in known:
            raise UsageError(f"--{option}: no {option} {chosen!r} in the data; "
                             f"known: {', '.join(known) or 'none (the extract has no such column)'}")
    return Filters(channel=args.channel, segment=args.segment, team=args.team if team_filter else None)


def _open(args: argparse.Namespace) -> Database:
    database = Database(load_config(args.config))
    for problem in database.catalog.problems:
        print(f"warning: {problem.table}: {problem.message}", file=sys.stderr)
    return database


REP_FIELDS = ("owner_id", "owner_name", "owner_team", "handed_off", "first_touch_within_rate",
              "median_hours_to_first_touch", "p90_hours_to_first_touch", "attempts_met_rate", "never_touched",
              "overdue_now", "met", "breached_first_touch", "breached_attempts", "still_open")


def compliance_payload(data: ComplianceData, filters: Filters) -> dict:
    """What the Follow-up compliance page shows, as JSON-ready values."""
    return {
        "start": data.start.isoformat(), "end": data.end.isoformat(), "as_of": data.as_of.isoformat(),
        "filters": filters.params(),
        "rules": [rule.describe() for rule in data.rules],
        "not_tracked": list(data.tracking.missing),
        "days_without_sla": data.uncovered_days,
        "kpis": data.kpis,
        "totals": data.totals,
        "reps": records(data.by_rep[list(REP_FIELDS)]),
        "teams": records(data.by_team),
        "overdue_now": records(data.overdue),
        "response_bands": records(data.bands),
        "hand_back_reasons": records(data.hand_back_reasons),
    }


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _hours(value) -> str:
    return "—" if value is None else f"{value:.1f} h"


def run_compliance(args: argparse.Namespace) -> int:
    try:
        database = _open(args)
        try:
            start, end, as_of = resolve_range(args, database)
            filters = _check_filters(args, database, team_filter=True)
            data = compliance_data(database, start, end, filters, as_of)
        finally:
            database.close()
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    payload = compliance_payload(data, filters)
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    print(f"Follow-up compliance, leads handed to sales {start} .. {end} (data as of {as_of})")
    for rule in payload["rules"]:
        print(f"  {rule}")
    for reason in payload["not_tracked"]:
        print(f"  not tracked: {reason}")
    if not data.tracking.touches:
        print("Follow-up compliance needs hand-offs (leads.mql_at) and touches; see above.")
        return 0
    header = f"{'rep':<20} {'team':<15} {'handed off':>10} {'in SLA':>8} {'median':>8} {'p90':>8} {'attempts':>9} {'never':>6} {'overdue':>8}"
    print(header)
    for rep in payload["reps"]:
        print(f"{(rep['owner_name'] or rep['owner_id'] or '(unassigned)'):<20} {(rep['owner_team'] or '—'):<15} "
              f"{rep['handed_off']:>10} {_pct(rep['first_touch_within_rate']):>8} "
              f"{_hours(rep['median_hours_to_first_touch']):>8} {_hours(rep['p90_hours_to_first_touch']):>8} "
              f"{_pct(rep['attempts_met_rate']):>9} {rep['never_touched']:>6} {rep['overdue_now']:>8}")
    totals = payload["totals"]
    print(f"{'all':<20} {'':<15} {totals['handed_off']:>10} {_pct(totals['first_touch_within_rate']):>8} "
          f"{_hours(totals['median_hours_to_first_touch']):>8} {_hours(totals['p90_hours_to_first_touch']):>8} "
          f"{_pct(totals['attempts_met_rate']):>9} {totals['never_touched']:>6} {totals['overdue_now']:>8}")
    return 0


def team_payload(data: TeamKpisData, sort: str) -> dict:
    """What the Team KPIs page shows, as JSON-ready values."""

    def number(value):
        return None if value is None or value != value else float(value)

    def readings(items):
        return [{"kpi": r.key, "label": r.label, "unit": r.unit, "actual": number(r.actual),
                 "target": number(r.target), "status": r.status} for r in items]

    payload = {
        "team": data.team.name, "function": data.team.function,
        "start": data.start.isoformat(), "end": data.end.isoformat(), "as_of": data.as_of.isoformat(),
        "filters": data.filters.params(), "quota_share": data.quota_share,
        "quota_share_is_set": data.quota_share_is_set, "revenue_target": data.quota,
        "kpis": readings(data.own), "shared_kpis": readings(data.shared),
        "monthly": records(data.monthly.assign(month_start=data.monthly["month_start"].astype(str))),
        "notes": list(data.notes),
    }
    if data.by_channel is not None:
        payload["by_channel"] = records(data.by_channel)
        payload["by_segment"] = records(data.by_segment)
    if data.by_team is not None:
        payload["by_team"] = records(data.by_team)
        payload["leaderboard"] = records(sort_leaderboard(data.leaderboard, sort))
        payload["leaderboard_sort"] = sort
    return payload


def run_team(args: argparse.Namespace) -> int:
    try:
        database = _open(args)
        try:
            start, end, as_of = resolve_range(args, database)
            filters = _check_filters(args, database, team_filter=False)
            data = team_kpis_data(database, args.team, start, end, filters, as_of)
        finally:
            database.close()
    except (UsageError, TeamKpisError) as error:
        print(f"error: {'--team: ' if isinstance(error, TeamKpisError) else ''}{error}", file=sys.stderr)
        return 2
    payload = team_payload(data, args.sort)
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    print(f"{data.team.name} ({data.team.function}) {start} .. {end} (data as of {as_of})")
    for note in data.notes:
        print(f"  note: {note}")
    for title, items in (("KPIs", payload["kpis"]), ("Shared KPIs (company-wide)", payload["shared_kpis"])):
        if items:
            print(title)
            for item in items:
                actual, target = item["actual"], item["target"]
                shown = (lambda v: "—" if v is None else (f"{v * 100:.1f} %" if item["unit"] == "rate" else f"{v:,.1f}"))
                print(f"  {item['label']:<26} {shown(actual):>14}  target {shown(target):>14}  {item['status'] or ''}")
    if "leaderboard" in payload:
        print(f"Leaderboard by {args.sort}")
        for row in payload["leaderboard"]:
            revenue = "—" if row["won_revenue"] is None else f"{row['won_revenue']:,.0f}"
            print(f"  {row['name'] or row['rep_id']:<20} {row['role'] or '':<4} MQLs {row['mqls']:>5}  "
                  f"first touch in SLA {_pct(row['first_touch_within_rate']):>8}  won {row['won_deals']:>4}  "
                  f"revenue {revenue:>12}")
    return 0
