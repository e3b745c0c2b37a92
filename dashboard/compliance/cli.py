"""`python -m dashboard compliance`: the Follow-up compliance page outside the browser, from the same
`compliance_data` the page caches."""

from __future__ import annotations

import argparse
import json
import sys

from dashboard.cli_options import UsageError, add_range, check_filters, open_database, resolve_range
from dashboard.compliance.data import ComplianceData, compliance_data
from dashboard.compliance.follow_up import records
from dashboard.funnel.domain import Filters


def add_command(commands) -> None:
    parser = commands.add_parser("compliance", help="print sales follow-up compliance per rep and team")
    add_range(parser)
    parser.add_argument("--team", help="only leads owned by this sales team")
    parser.set_defaults(handler=run_compliance)


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
        database = open_database(args)
        try:
            start, end, as_of = resolve_range(args, database)
            filters = check_filters(args, database, team_filter=True)
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
