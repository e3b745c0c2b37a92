"""`python -m dashboard team-kpis` (alias `team`): the Team KPIs page outside the browser, from the same
`team_kpis_data` the page caches."""

from __future__ import annotations

import argparse
import json
import sys

from dashboard.cli_options import UsageError, add_range, check_filters, open_database, resolve_range
from dashboard.compliance.follow_up import records
from dashboard.core import formatting
from dashboard.core.tracking import NOT_TRACKED
from dashboard.team_kpis.data import LEADERBOARD_SORTS, TeamKpisData, TeamKpisError, sort_leaderboard, team_kpis_data


def add_command(commands) -> None:
    parser = commands.add_parser("team-kpis", aliases=["team"],
                                 help="print a team's KPIs against the SLA, and its leaderboard")
    add_range(parser)
    parser.add_argument("--team", required=True, help="a [[teams]] name from the config, e.g. \"Sales East\"")
    parser.add_argument("--sort", default="won_revenue", choices=sorted(LEADERBOARD_SORTS),
                        help="leaderboard column to rank reps by (default: won_revenue)")
    parser.set_defaults(handler=run_team)


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


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
        database = open_database(args)
        try:
            start, end, as_of = resolve_range(args, database)
            filters = check_filters(args, database, team_filter=False)
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
                shown = (lambda v, missing: missing if v is None else (
                    f"{v * 100:.1f} %" if item["unit"] == "rate" else f"{v:,.0f}" if item["unit"] == "count"
                    else f"{v:,.1f}"))
                # As the page shows them: no figure is "not tracked", never a bare dash that reads as nothing.
                print(f"  {item['label']:<26} {shown(actual, NOT_TRACKED):>14}  target {shown(target, 'no target'):>14}  "
                      f"{item['status'] or ''}")
    if "leaderboard" in payload:
        print(f"Leaderboard by {args.sort}")
        touch = (lambda value: NOT_TRACKED) if "first_touch_within_rate" in data.untracked else _pct
        for row in payload["leaderboard"]:
            revenue = "—" if row["won_revenue"] is None else f"{row['won_revenue']:,.0f}"
            mqls, won = (formatting.count(row[key], missing=NOT_TRACKED) for key in ("mqls", "won_deals"))
            print(f"  {row['name'] or row['rep_id']:<20} {row['role'] or '':<4} MQLs {mqls:>5}  "
                  f"first touch in SLA {touch(row['first_touch_within_rate']):>8}  won {won:>4}  "
                  f"revenue {revenue:>12}")
    return 0
