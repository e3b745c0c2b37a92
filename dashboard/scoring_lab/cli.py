"""`python -m dashboard scoring-lab` (alias `scoring`): the scoring lab's numbers on the command
line. The same functions as the page: `scoring_lab.data.lab_data` once, then the pure re-scoring
of `scoring_lab.domain` for the current lead definition and for the proposal, a threshold and/or
a rules file such as the one the lab's "Propose" button downloads."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from dashboard.cli_options import UsageError, add_range, check_filters, open_database, resolve_range
from dashboard.core.config import LeadDefinition
from dashboard.data import Database
from dashboard.scoring_lab import domain as lab
from dashboard.scoring_lab.data import available_attributes, lab_data, lab_shape

METHOD_NAMES = {"band": lab.BAND, "hand-raisers": lab.HAND_RAISERS, "no-conversion": lab.NO_CONVERSION}
# Figures that need a stage the extract may not track: null in JSON and "not tracked" in text then.
NEEDS_SQL = ("sqls_observed", "sqls_estimated", "mql_to_sql_rate")
NEEDS_WON = ("won_observed", "won_estimated", "won_missed", "mql_to_won_rate")
NEEDS_REVENUE = ("revenue_captured_observed", "revenue_captured_estimated", "revenue_missed")
COUNTS = ("leads", "handed_off_in_history", "mqls", "mqls_observed", "mqls_estimated", "sqls_observed",
          "won_observed", "won_missed", "months")
TEXT_ROWS = (
    ("MQLs", "mqls", "count"), ("  never handed off (outcome estimated)", "mqls_estimated", "count"),
    ("MQLs a month", "mqls_per_month", "decimal"), ("MQLs / rep / month", "mqls_per_rep", "decimal"),
    ("MQL → SQL", "mql_to_sql_rate", "rate"), ("MQL → won", "mql_to_won_rate", "rate"),
    ("Won revenue captured, observed", "revenue_captured_observed", "money"),
    ("Won revenue captured, estimated", "revenue_captured_estimated", "money"),
    ("Won revenue missed", "revenue_missed", "money"), ("Won leads missed", "won_missed", "count"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_range(parser)
    parser.add_argument("--threshold", type=int,
                        help="the proposed MQL threshold (default: the rules file's, else the current one)")
    parser.add_argument("--rules", type=Path, metavar="FILE",
                        help="a [sla.lead_definition] TOML block with the proposed rules (what the lab's Propose "
                             "button downloads)")
    parser.add_argument("--sla", help="the SLA version whose lead definition is current "
                                      "(default: the one in force at the end of the range)")
    parser.add_argument("--method", choices=list(METHOD_NAMES), default="band",
                        help="how never-handed-off leads are estimated (default: band, the nearest observed score band)")
    bypass = parser.add_mutually_exclusive_group()
    bypass.add_argument("--bypass", dest="bypass", action="store_true", default=None,
                        help="hand-raisers (demo requested) are MQLs whatever their score (default: as history shows)")
    bypass.add_argument("--no-bypass", dest="bypass", action="store_false")


def read_rules_file(path: Path, declared=()) -> LeadDefinition:
    try:
        snippet = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--rules: cannot read the rules file {path}: {getattr(error, 'strerror', None) or error}") from None
    definition, problems = lab.check_lead_definition(snippet, declared)
    if definition is None:
        raise UsageError(f"--rules: {path}: " + "; ".join(problems)
                         + " (the file holds a [sla.lead_definition] block with mql_threshold and rules)")
    return definition


def _clean(key: str, value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = value.item() if hasattr(value, "item") else value
    return int(value) if key in COUNTS and float(value).is_integer() else value


def scoring_lab_payload(database: Database, args: argparse.Namespace) -> dict:
    config = database.config
    if args.sla:
        names = [sla.name for sla in config.slas]
        if args.sla not in names:
            raise UsageError(f"--sla: no SLA version named {args.sla!r}; the config has {', '.join(map(repr, names))}")
        if not (args.start or args.end or args.month):
            chosen = config.sla_named(args.sla)
            args.start, args.end = chosen.start, chosen.end
    undated = database.catalog.has("leads") and not database.catalog.dated
    if undated:
        # An undated lead-scoring export: every lead is re-scored, all time, against the latest SLA version.
        if args.start or args.end or args.month:
            raise UsageError("--start/--end/--month: the leads are undated (no leads.created_at), so the lab reads "
                             "every lead; leave out the dates")
        start = end = as_of = None
    else:
        start, end, as_of = resolve_range(args, database)
        end = min(end, as_of)
    base = config.sla_named(args.sla) if args.sla else ((end and config.sla_for(end)) or config.slas[-1])
    available = available_attributes(database)
    if not database.catalog.has("leads") or not available:
        raise UsageError("the scoring lab re-scores historical leads, so it needs a leads extract with the attributes "
                         f"the scoring rules read; map them under [data.tables.leads.columns] in {config.path.name}")
    filters = check_filters(args, database, team_filter=False)
    proposal_file = read_rules_file(args.rules, config.data.declared_attributes) if args.rules else None
    proposed_rules = proposal_file.rules if proposal_file else base.lead_definition.rules
    if not proposed_rules and not base.lead_definition.rules:
        raise UsageError(f"{base.name}'s lead definition has no scoring rules, so re-scoring would make no lead an MQL; "
                         f"add rules under [sla.lead_definition] in {config.path.name} or pass --rules FILE "
                         f"(they can read {', '.join(available)})")
    threshold = args.threshold if args.threshold is not None else (
        proposal_file.mql_threshold if proposal_file else base.lead_definition.mql_threshold)
    attributes, bounds = lab_shape(config, available, proposed_rules)
    data = lab_data(database, start, end, filters, attributes, bounds)
    groups = data.groups
    method = METHOD_NAMES[args.method]
    current_rules, current_threshold = base.lead_definition.rules, base.lead_definition.mql_threshold
    current_scores = lab.group_scores(groups, current_rules)
    proposed_scores = lab.group_scores(groups, proposed_rules)
    seen_bypass = lab.hand_raisers_bypass(groups, current_scores, current_threshold) if groups.size else None
    bypass = bool(seen_bypass) if args.bypass is None else args.bypass
    capacity = base.mql_capacity_per_rep_month

    def figures(rules, scores, at: int) -> dict:
        total = lab.evaluate(lab.score_histogram(groups, scores, rules, method), at, bypass, data.reps, capacity).total
        out = {key: _clean(key, value) for key, value in total.items()}
        for keys, tracked in ((NEEDS_SQL, data.sql_tracked), (NEEDS_WON, data.won_tracked),
                              (NEEDS_REVENUE, data.revenue_tracked)):
            if not tracked:
                out.update(dict.fromkeys(keys))
        if not data.reps:
            out["mqls_per_rep"] = None
        return {"threshold": at, "rules": len(rules), **out}

    changes = lab.score_changes(groups, current_scores, proposed_scores, current_threshold, threshold, bypass)
    maturity = data.maturity
    return {
        "sla": base.name, "start": start and start.isoformat(), "end": end and end.isoformat(),
        "as_of": as_of and as_of.isoformat(), "all_time": start is None,
        "filters": {"channel": filters.channel, "segment": filters.segment},
        "leads": int(groups.leads.sum()), "handed_off": int(groups.observed.sum()),
        "method": args.method, "hand_raisers_bypass": bypass, "hand_raisers_bypass_seen_in_history": seen_bypass,
        "reps": data.reps, "reps_description": data.reps_description, "capacity_per_rep_month": capacity,
        "cohort_is_mature": None if maturity is None else maturity.is_mature,
        "rules_file": str(args.rules) if args.rules else None,
        "current": figures(current_rules, current_scores, current_threshold),
        "proposed": figures(proposed_rules, proposed_scores, threshold),
        "changes": {"leads_rescored": changes.leads_rescored, "became_mqls": changes.became_mqls,
                    "dropped_out": changes.dropped_out},
    }


def _text(value, kind: str, currency: str) -> str:
    if value is None:
        return "not tracked"
    if kind == "rate":
        return f"{value * 100:.1f} %"
    if kind == "money":
        return f"{currency} {value:,.0f}"
    if kind == "decimal":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def run(args: argparse.Namespace) -> int:
    database = open_database(args)
    try:
        payload = scoring_lab_payload(database, args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        database.close()
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    currency = database.config.sla_named(payload["sla"]).currency
    current, proposed = payload["current"], payload["proposed"]
    if payload["all_time"]:
        print(f"Scoring lab: every lead, all time (the leads are undated): {payload['leads']:,} leads, "
              f"{payload['handed_off']:,} with an observed outcome")
    else:
        print(f"Scoring lab: leads created {payload['start']} .. {payload['end']} (data as of {payload['as_of']}): "
              f"{payload['leads']:,} leads, {payload['handed_off']:,} "
              + ("with an observed outcome" if database.catalog.outcome_on_leads else "handed off"))
    print(f"Current: {payload['sla']}'s lead definition, threshold {current['threshold']}, {current['rules']} rules. "
          f"Proposed: threshold {proposed['threshold']}, {proposed['rules']} rules"
          + (f" from {payload['rules_file']}" if payload["rules_file"] else "") + ".")
    width = max(len(label) for label, _, _ in TEXT_ROWS)
    print(f"{'':{width}}  {'current':>16}  {'proposed':>16}")
    for label, key, kind in TEXT_ROWS:
        print(f"{label:{width}}  {_text(current[key], kind, currency):>16}  {_text(proposed[key], kind, currency):>16}")
    changes = payload["changes"]
    print(f"Re-scored {changes['leads_rescored']:,} leads; {changes['became_mqls']:,} become MQLs, "
          f"{changes['dropped_out']:,} drop out.")
    if payload["cohort_is_mature"] is False:
        print("note: recent leads are still maturing; their SQL and won figures will still rise.")
    return 0
